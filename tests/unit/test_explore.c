/* test_explore.c: the engine of `dslab explore` (sim/explore/) and the
 * `explore:` section of the scenario loader: random schedules are a pure
 * function of the seed and stay within their bounds, expansion gives
 * sorted concrete faults, the section loads, rejects bad input and round
 * trips through dslab_scenario_save, histograms give the right percentiles, and
 * a shrunk schedule still fails while removing any one fault left makes
 * the check pass. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "dslab/check.h"
#include "dslab/scenario.h"
#include "dslab/sim.h"
#include "dslab/time.h"
#include "dslab/explore_engine.h"

/* A Raft cluster whose leader answers reads alone: stale reads under a
 * partition that isolates it (the linearizable check fails). */
static const char stale_yaml[] =
    "name: explore-stale\n"
    "seed: 1\n"
    "duration: 3s\n"
    "nodes: 3\n"
    "network: { latency: \"uniform(1ms, 5ms)\" }\n"
    "protocol:\n"
    "  name: raft\n"
    "  election_timeout_min: 150ms\n"
    "  election_timeout_max: 300ms\n"
    "  heartbeat: 50ms\n"
    "  read_mode: leader-local\n"
    "workload: { clients: 4, rate: 80/s, ops: { read: 0.5, write: 0.5 }, keys: 1, timeout: 300ms }\n"
    "checks: [one-leader-per-term, linearizable]\n"
    "explore:\n"
    "  faults: [partition, crash, pause]\n"
    "  partitions: [isolate-one, majority-minority]\n"
    "  max_faults: 4\n"
    "  start: 400ms\n"
    "  heal_after: 2500ms\n"
    "  fault_duration: [200ms, 1500ms]\n";

static void expect_error(const char *text, const char *needle) {
    struct dslab_diag d;
    struct dslab_scenario *s = dslab_scenario_load_buffer(text, strlen(text), "bad.yaml", NULL, 0, NULL, &d);
    assert_null(s);
    if (!strstr(d.message, needle)) fprintf(stderr, "got: %s\n", d.message);
    assert_non_null(strstr(d.message, needle));
}

static void test_draw_is_a_function_of_the_seed(void **state) {
    (void)state;
    struct dslab_scenario *s = h_load(stale_yaml);
    int differ = 0;
    for (uint64_t seed = 1; seed <= 50; seed++) {
        struct dslab_explore_schedule a, b, c;
        assert_int_equal(dslab_explore_draw(s, seed, DSLAB_EXPLORE_FAULTS_RANDOM, &a), 0);
        assert_int_equal(dslab_explore_draw(s, seed, DSLAB_EXPLORE_FAULTS_RANDOM, &b), 0);
        assert_int_equal(dslab_explore_draw(s, seed + 1000, DSLAB_EXPLORE_FAULTS_RANDOM, &c), 0);
        assert_int_equal(a.count, b.count);
        assert_memory_equal(a.eps, b.eps, sizeof *a.eps * (size_t)a.count);
        differ += a.count != c.count || memcmp(a.eps, c.eps, sizeof *a.eps * (size_t)a.count) != 0;
        dslab_explore_schedule_free(&a);
        dslab_explore_schedule_free(&b);
        dslab_explore_schedule_free(&c);
    }
    assert_true(differ > 40);
    dslab_scenario_free(s);
}

static void test_draw_stays_within_the_bounds(void **state) {
    (void)state;
    struct dslab_scenario *s = h_load(stale_yaml);
    const struct dslab_scenario_explore *e = &s->explore;
    uint32_t kinds_seen = 0;
    for (uint64_t seed = 1; seed <= 300; seed++) {
        struct dslab_explore_schedule sch;
        assert_int_equal(dslab_explore_draw(s, seed, DSLAB_EXPLORE_FAULTS_RANDOM, &sch), 0);
        assert_true(sch.count >= 1 && sch.count <= e->max_faults);
        for (int i = 0; i < sch.count; i++) {
            const struct dslab_explore_episode *ep = &sch.eps[i];
            assert_true(e->kinds_mask & (1u << ep->kind));
            assert_true(sch.kinds_on & (1u << ep->kind));
            kinds_seen |= 1u << ep->kind;
            assert_true(ep->at_ns >= e->start_ns && ep->at_ns < e->heal_ns);
            assert_true(ep->at_ns + ep->duration_ns <= e->heal_ns);
            if (ep->kind == DSLAB_EXPLORE_KIND_PARTITION) assert_true(e->shapes_mask & (1u << ep->shape));
            if (i > 0) assert_true(sch.eps[i - 1].at_ns <= ep->at_ns);
        }
        struct dslab_explore_scenario x;
        assert_int_equal(dslab_explore_expand(s, &sch, &x), 0);
        for (int i = 1; i < x.sc.faults_count; i++) assert_true(x.sc.faults[i - 1].at_ns <= x.sc.faults[i].at_ns);
        for (int i = 0; i < x.sc.faults_count; i++) assert_true(x.sc.faults[i].at_ns <= e->heal_ns);
        dslab_explore_scenario_free(&x);
        dslab_explore_schedule_free(&sch);
    }
    assert_int_equal(kinds_seen, e->kinds_mask);
    dslab_scenario_free(s);
}

/* stale_yaml with its own faults: n1 isolated from 1s, healed at 2s. */
static struct dslab_scenario *stale_with_isolation(void) {
    char text[4096];
    snprintf(text, sizeof text, "%sfaults:\n  - { at: 1s, partition: isolate-one, node: n1 }\n"
             "  - { at: 2s, heal: all }\n", stale_yaml);
    return h_load(text);
}

static void test_scenario_mode_keeps_the_file_faults(void **state) {
    (void)state;
    struct dslab_scenario *s = stale_with_isolation();
    struct dslab_explore_schedule sch;
    assert_int_equal(dslab_explore_draw(s, 7, DSLAB_EXPLORE_FAULTS_SCENARIO, &sch), 0);
    assert_int_equal(sch.count, 2);
    struct dslab_explore_scenario x;
    assert_int_equal(dslab_explore_expand(s, &sch, &x), 0);
    assert_int_equal(x.sc.faults_count, 2);
    assert_int_equal(x.sc.faults[0].kind, DSLAB_FAULT_PARTITION);
    assert_int_equal(x.sc.faults[1].kind, DSLAB_FAULT_HEAL);
    assert_int_equal(x.sc.faults[1].at_ns, 2 * DSLAB_NS_PER_S);
    dslab_explore_scenario_free(&x);
    dslab_explore_schedule_free(&sch);
    assert_int_equal(dslab_explore_draw(s, 7, DSLAB_EXPLORE_FAULTS_BOTH, &sch), 0);
    assert_true(sch.count > 2);
    dslab_explore_schedule_free(&sch);
    dslab_scenario_free(s);
}

static void test_explore_section_round_trips(void **state) {
    (void)state;
    struct dslab_scenario *s = h_load(stale_yaml);
    assert_true(s->explore.declared);
    assert_int_equal(s->explore.max_faults, 4);
    assert_int_equal(s->explore.start_ns, 400 * DSLAB_NS_PER_MS);
    assert_int_equal(s->explore.heal_ns, 2500 * DSLAB_NS_PER_MS);
    assert_int_equal(s->explore.kinds_mask, (1u << DSLAB_EXPLORE_KIND_PARTITION) | (1u << DSLAB_EXPLORE_KIND_CRASH) |
                                                (1u << DSLAB_EXPLORE_KIND_PAUSE));
    struct dslab_scenario *t = h_save_reload(s);
    struct dslab_scenario_explore a = s->explore, b = t->explore;
    a.pos = b.pos = (struct dslab_src_pos){0, 0};
    assert_memory_equal(&a, &b, sizeof a);
    dslab_scenario_free(t);
    dslab_scenario_free(s);
    /* Without the section: defaults, not written back. */
    s = h_load("name: x\nduration: 8s\nnodes: 3\nprotocol: raft\n");
    assert_false(s->explore.declared);
    assert_int_equal(s->explore.heal_ns, 6 * DSLAB_NS_PER_S);
    assert_int_equal(s->explore.kinds_mask, (1u << DSLAB_EXPLORE_KIND_COUNT) - 1);
    dslab_scenario_free(s);
}

static void test_explore_section_rejects_bad_input(void **state) {
    (void)state;
    const char *head = "name: x\nduration: 8s\nnodes: 3\nprotocol: raft\nexplore:\n";
    static const char *const cases[][2] = {
        /* the explore: section's body, a fragment of its error */
        {"  faults: [partiton]\n", "did you mean 'partition'"},
        {"  max_fault: 3\n", "did you mean 'max_faults'"},
        {"  start: 5s\n  heal_after: 2s\n", "later than start"},
        {"  heal_after: 9s\n", "after the end of the run"},
        {"  pause: [2s, 1s]\n", "min is more than its max"},
        {"  slow_factor: [0, 4]\n", ""},
        {"  partitions: []\n", "cannot be empty"},
    };
    char text[512];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(text, sizeof text, "%s%s", head, cases[i][0]);
        expect_error(text, cases[i][1]);
    }
}

static void test_histogram_percentiles(void **state) {
    (void)state;
    struct dslab_explore_hist *h = calloc(1, sizeof *h);
    assert_int_equal(dslab_explore_hist_percentile_ns(h, 500), -1);
    for (int64_t v = 1; v <= 1000; v++) dslab_explore_hist_add(h, v * DSLAB_NS_PER_MS);
    int64_t p50 = dslab_explore_hist_percentile_ns(h, 500), p99 = dslab_explore_hist_percentile_ns(h, 990);
    assert_true(p50 > 470 * DSLAB_NS_PER_MS && p50 < 530 * DSLAB_NS_PER_MS);
    assert_true(p99 > 930 * DSLAB_NS_PER_MS && p99 < 1050 * DSLAB_NS_PER_MS);
    for (int b = 1; b < DSLAB_EXPLORE_HIST_BUCKETS; b++) {
        assert_true(dslab_explore_hist_bucket_low_ns(b) > dslab_explore_hist_bucket_low_ns(b - 1));
        assert_int_equal(dslab_explore_hist_bucket(dslab_explore_hist_bucket_low_ns(b)), b);
    }
    free(h);
}

/* 1 if check `check` fails on s with its own faults and `seed`. */
static int fails_alone(const struct dslab_scenario *s, uint64_t seed, int check) {
    struct dslab_explore_schedule sch;
    struct dslab_explore_outcome out;
    struct dslab_diag d;
    assert_int_equal(dslab_explore_draw(s, seed, DSLAB_EXPLORE_FAULTS_SCENARIO, &sch), 0);
    assert_int_equal(dslab_explore_run(s, seed, &sch, &out, NULL, &d), 0);
    dslab_explore_schedule_free(&sch);
    return (out.failed_mask >> check) & 1u;
}

/* explore reports the time of the failure, not the start of the violation's
 * window (issue 11, item 8): for linearizable, the moment the operation
 * that cannot be linearized returned, a completion in the history; before,
 * it printed the operation's invoke. */
static void test_violation_time_is_the_failure_not_the_window_start(void **state) {
    (void)state;
    struct dslab_scenario *s = stale_with_isolation();
    struct dslab_explore_schedule sch;
    struct dslab_explore_outcome out;
    struct dslab_diag d;
    assert_int_equal(dslab_explore_draw(s, 1, DSLAB_EXPLORE_FAULTS_SCENARIO, &sch), 0);
    assert_int_equal(dslab_explore_run(s, 1, &sch, &out, NULL, &d), 0);
    dslab_explore_schedule_free(&sch);
    assert_true((out.failed_mask >> 1) & 1u); /* linearizable */
    struct dslab_sim *sim = h_sim(s, 1, NULL, NULL);
    const struct dslab_check_violation *v = &dslab_sim_check_result(sim, 1)->violations[0];
    assert_true(v->from_ns < v->to_ns);
    assert_int_equal(out.violation_ns[1], v->to_ns);
    const struct dslab_history *h = dslab_sim_history(sim);
    int completions_then = 0;
    for (size_t i = 0; i < h->count; i++) {
        completions_then += h->ops[i].type != DSLAB_OP_INVOKE && h->ops[i].time_ns == out.violation_ns[1];
    }
    assert_int_equal(completions_then, 1);
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
}

static void test_shrunk_schedule_fails_and_every_fault_is_necessary(void **state) {
    (void)state;
    struct dslab_scenario *s = h_load(stale_yaml);
    const int linearizable = 1;
    int shrunk = 0;
    for (uint64_t seed = 1; seed <= 200 && shrunk < 2; seed++) {
        struct dslab_explore_schedule sch;
        struct dslab_explore_outcome out;
        struct dslab_diag d;
        assert_int_equal(dslab_explore_draw(s, seed, DSLAB_EXPLORE_FAULTS_RANDOM, &sch), 0);
        assert_int_equal(dslab_explore_run(s, seed, &sch, &out, NULL, &d), 0);
        if (!(out.failed_mask & (1u << linearizable))) {
            dslab_explore_schedule_free(&sch);
            continue;
        }
        struct dslab_explore_shrink_result r;
        assert_int_equal(dslab_explore_shrink(s, seed, &sch, linearizable, 400, &r, &d), 0);
        assert_true(r.minimal);
        assert_true(r.final.sc.faults_count <= r.faults_before);
        assert_true(fails_alone(&r.final.sc, seed, linearizable));
        /* Remove each fault in turn: the check must pass. */
        for (int i = 0; i < r.final.sc.faults_count; i++) {
            struct dslab_scenario without = r.final.sc;
            struct dslab_fault *f = malloc(sizeof *f * (size_t)r.final.sc.faults_count);
            int n = 0;
            for (int j = 0; j < r.final.sc.faults_count; j++) {
                if (j != i) f[n++] = r.final.sc.faults[j];
            }
            without.faults = f;
            without.faults_count = n;
            assert_false(fails_alone(&without, seed, linearizable));
            free(f);
        }
        dslab_explore_shrink_result_free(&r);
        dslab_explore_schedule_free(&sch);
        shrunk++;
    }
    assert_int_equal(shrunk, 2);
    dslab_scenario_free(s);
}

static void test_a_passing_schedule_is_not_shrunk(void **state) {
    (void)state;
    struct dslab_scenario *s = h_load(stale_yaml);
    struct dslab_explore_schedule none = {0};
    struct dslab_explore_shrink_result r;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    /* With no faults, the leader is never cut off: nothing fails. */
    assert_int_equal(dslab_explore_shrink(s, 3, &none, 1, 50, &r, &d), -1);
    assert_non_null(strstr(d.message, "does not fail"));
    dslab_explore_shrink_result_free(&r);
    dslab_scenario_free(s);
}

H_MAIN(cmocka_unit_test(test_draw_is_a_function_of_the_seed),
       cmocka_unit_test(test_draw_stays_within_the_bounds),
       cmocka_unit_test(test_scenario_mode_keeps_the_file_faults),
       cmocka_unit_test(test_explore_section_round_trips),
       cmocka_unit_test(test_explore_section_rejects_bad_input),
       cmocka_unit_test(test_histogram_percentiles),
       cmocka_unit_test(test_violation_time_is_the_failure_not_the_window_start),
       cmocka_unit_test(test_shrunk_schedule_fails_and_every_fault_is_necessary),
       cmocka_unit_test(test_a_passing_schedule_is_not_shrunk))
