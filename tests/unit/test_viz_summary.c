/* test_viz_summary.c: the counts in the visualiser's run summary
 * (viz/viz_summary.c) are the numbers `dslab run` prints for the same run
 * (its dslab_sim_stats): events processed, trace records, messages sent,
 * dropped and duplicated, faults applied. The scenario has every kind of
 * fault that emits more than one trace record or none (pause + resume,
 * crash + restart, a partition and heal, a link change, a fault without
 * effect), duplicates and losses. */
#include "viz_fixture.h"

static const char scenario_text[] =
    "name: counts\nseed: 3\nduration: 3s\nnodes: 3\n"
    "network: { latency: \"uniform(1ms, 5ms)\", loss: 0.05, duplicate: 0.05 }\n"
    "protocol: { name: raft, heartbeat: 50ms }\n"
    "workload: { clients: 2, rate: 50/s, ops: { read: 1, write: 1 } }\n"
    "faults:\n"
    "  - { at: 0.5s, pause: n2, for: 200ms }\n"
    "  - { at: 1s, crash: n3 }\n"
    "  - { at: 1.1s, crash: n3 }\n" /* already down: no effect */
    "  - { at: 1.5s, restart: n3 }\n"
    "  - { at: 1.8s, partition: [[n1], [n2, n3]] }\n"
    "  - { at: 2.2s, heal: all }\n"
    "  - { at: 2.3s, link: [n1, n2], latency: constant(20ms), duplicate: 0.5 }\n"
    "  - { at: 2.5s, clock: n1, jump: -100ms }\n"
    "checks: [one-leader-per-term]\n";

static int setup(void **state) { return viz_fixture_setup(state, scenario_text, "counts.yaml"); }

/* Appends "key shown X, run Y" to bad when the summary's key is not want. */
static void expect(const struct viz_summary_lines *l, const char *key, uint64_t want, char *bad, size_t size) {
    for (int i = 0; i < l->count; i++) {
        if (strcmp(l->key[i], key) != 0) continue;
        if (l->value[i] != (long long)want) {
            size_t n = strlen(bad);
            snprintf(bad + n, size - n, "; %s shown %lld, run %llu", key, l->value[i], (unsigned long long)want);
        }
        return;
    }
    size_t n = strlen(bad);
    snprintf(bad + n, size - n, "; no \"%s\" shown (run %llu)", key, (unsigned long long)want);
}

static void test_summary_counts_are_the_runs(void **state) {
    struct fixture *f = *state;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct dslab_sim *sim = dslab_sim_create(f->sc, f->sc->seed, &d);
    assert_non_null(sim);
    dslab_sim_run(sim, f->sc->duration_ns, 0);
    dslab_sim_finish(sim);
    const struct dslab_sim_stats *st = dslab_sim_get_stats(sim);
    assert_true(st->messages_duplicated > 0 && st->messages_dropped > 0 && st->faults_no_effect > 0);
    struct viz_summary_lines l;
    viz_summary_lines(&f->app.model, &l);
    char bad[600] = "";
    expect(&l, "events", st->events, bad, sizeof bad);
    expect(&l, "trace records", st->trace_events, bad, sizeof bad);
    expect(&l, "msgs sent", st->messages_sent, bad, sizeof bad);
    expect(&l, "dropped", st->messages_dropped, bad, sizeof bad);
    expect(&l, "duplicated", st->messages_duplicated, bad, sizeof bad);
    expect(&l, "faults", st->faults_applied, bad, sizeof bad);
    if (bad[0]) fail_msg("the summary disagrees with the run%s", bad);
    dslab_sim_destroy(sim);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary_counts_are_the_runs),
    };
    return cmocka_run_group_tests(tests, setup, viz_fixture_teardown);
}
