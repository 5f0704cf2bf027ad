/* test_primary_backup.c: primary-backup's behaviour in small simulated
 * clusters (3 nodes, a second or a few).
 *
 * Each test loads a scenario from a string, runs it with a trace sink that
 * follows who believes it is primary (the most at any one instant), the
 * protocol's annotations and the final states, and asserts on what the
 * protocol did: failover, fencing, the lease, sync vs async
 * acknowledgement, recovery after a crash, and configuration errors. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "dslab/sim.h"
#include "dslab/time.h"

#define NODES 3
#define FINALS_MAX 64

struct watch {
    bool primary[NODES];
    int primaries;
    int primaries_max;          /* most nodes primary at the same instant */
    int64_t first_promotion_ns[NODES]; /* "role primary" after t=0, -1 none */
    int64_t last_primary_epoch[NODES];
    int64_t lease_expired_ns[NODES];   /* first "lease" annotation, -1 none */
    int64_t fenced_ns[NODES];          /* first "fenced" annotation, -1 none */
    int steps_down[NODES];
    int finals_count[NODES];
    int64_t finals[NODES][FINALS_MAX][2]; /* key, value */
};

static void watch_sink(void *user, const struct dslab_trace_event *ev) {
    struct watch *w = user;
    if (ev->node < 0 || ev->node >= NODES) return;
    int32_t n = ev->node;
    bool was = w->primary[n];
    if (ev->kind == DSLAB_TRACE_CRASH) {
        w->primary[n] = false;
    } else if (ev->kind == DSLAB_TRACE_ANNOTATE && strcmp(ev->tag, "role") == 0) {
        w->primary[n] = strcmp(ev->text, "primary") == 0;
        if (w->primary[n]) {
            w->last_primary_epoch[n] = ev->a;
            if (ev->t_ns > 0 && w->first_promotion_ns[n] < 0) w->first_promotion_ns[n] = ev->t_ns;
        } else if (was) {
            w->steps_down[n]++;
        }
    } else if (ev->kind == DSLAB_TRACE_ANNOTATE && strcmp(ev->tag, "lease") == 0) {
        if (w->lease_expired_ns[n] < 0) w->lease_expired_ns[n] = ev->t_ns;
    } else if (ev->kind == DSLAB_TRACE_ANNOTATE && strcmp(ev->tag, "fenced") == 0) {
        if (w->fenced_ns[n] < 0) w->fenced_ns[n] = ev->t_ns;
    } else if (ev->kind == DSLAB_TRACE_ANNOTATE && strcmp(ev->tag, "final") == 0) {
        assert_true(w->finals_count[n] < FINALS_MAX);
        long long key = 0;
        assert_int_equal(sscanf(ev->text, "key=%lld", &key), 1);
        w->finals[n][w->finals_count[n]][0] = key;
        w->finals[n][w->finals_count[n]][1] = ev->a;
        w->finals_count[n]++;
    }
    w->primaries += (int)w->primary[n] - (int)was;
    if (w->primaries > w->primaries_max) w->primaries_max = w->primaries;
}

/* Runs to the end; the caller destroys the returned sim and scenario. */
static struct dslab_sim *run(const struct dslab_scenario *s, uint64_t seed, struct watch *w) {
    memset(w, 0, sizeof *w);
    for (int i = 0; i < NODES; i++) {
        w->first_promotion_ns[i] = -1;
        w->lease_expired_ns[i] = -1;
        w->fenced_ns[i] = -1;
    }
    return h_sim(s, seed, watch_sink, w);
}

static void assert_finals_equal(const struct watch *w, int a, int b) {
    assert_int_equal(w->finals_count[a], w->finals_count[b]);
    for (int i = 0; i < w->finals_count[a]; i++) {
        bool found = false;
        for (int j = 0; j < w->finals_count[b]; j++) {
            found |= w->finals[a][i][0] == w->finals[b][j][0] &&
                     w->finals[a][i][1] == w->finals[b][j][1];
        }
        assert_true(found);
    }
}

/* A 3-node cluster; %s: protocol parameters, then extra top-level YAML. */
static char *scenario_text(const char *protocol, const char *extra) {
    static char buf[4096];
    snprintf(buf, sizeof buf,
             "name: pb-test\n"
             "duration: 3s\n"
             "nodes: [n1, n2, n3]\n"
             "network:\n  latency: \"uniform(1ms, 5ms)\"\n"
             "protocol:\n  name: primary-backup\n%s"
             "%s",
             protocol, extra);
    return buf;
}

/* Loads scenario_text(protocol, extra), runs it (run) and frees it: for
 * tests that read only the watch. */
static void watch_run(const char *protocol, const char *extra, uint64_t seed, struct watch *w) {
    struct dslab_scenario *s = h_load(scenario_text(protocol, extra));
    dslab_sim_destroy(run(s, seed, w));
    dslab_scenario_free(s);
}

/* Two clients at 60/s on 3 keys with a 300ms timeout, doing `ops`. */
#define WORKLOAD(ops) "workload:\n  clients: 2\n  rate: 60/s\n  ops: " ops "\n  keys: 3\n  timeout: 300ms\n"

static const char *const workload_to_stop_at_2s = WORKLOAD("{ read: 0.5, write: 0.5 }") "  stop: 2s\n";

static void test_steady_state_has_one_primary_and_replicas_agree(void **state) {
    (void)state;
    struct dslab_scenario *s = h_load(scenario_text("", workload_to_stop_at_2s));
    struct watch w;
    struct dslab_sim *sim = run(s, 1, &w);
    assert_int_equal(w.primaries_max, 1);
    assert_true(w.primary[0]);
    assert_int_equal(w.first_promotion_ns[1], -1);
    assert_true(w.finals_count[0] > 0);
    assert_finals_equal(&w, 0, 1);
    assert_finals_equal(&w, 0, 2);
    char text[128];
    dslab_sim_node_describe(sim, 0, text, sizeof text);
    assert_non_null(strstr(text, "primary e1"));
    dslab_sim_node_describe(sim, 1, text, sizeof text);
    assert_non_null(strstr(text, "backup e1 of n1"));
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
}

/* Counts ok writes invoked at node `node` after `after_ns`. */
static int ok_writes_after(const struct dslab_sim *sim, int32_t node, int64_t after_ns) {
    const struct dslab_history *h = dslab_sim_history(sim);
    int n = 0;
    for (size_t i = 0; i < h->count; i++) {
        const struct dslab_history_op *op = &h->ops[i];
        if (op->type != DSLAB_OP_OK || op->fn != DSLAB_OP_WRITE || op->node != node) continue;
        for (size_t j = 0; j < i; j++) {
            if (h->ops[j].op_id == op->op_id && h->ops[j].type == DSLAB_OP_INVOKE &&
                h->ops[j].time_ns > after_ns) {
                n++;
            }
        }
    }
    return n;
}

static const char *const isolate_n1_writes_to_n1 =
    WORKLOAD("{ write: 1 }") "  target: n1\nfaults:\n  - { at: 1s, partition: isolate-one, node: n1 }\n";

static void test_sync_write_is_not_acknowledged_without_a_backup(void **state) {
    (void)state;
    struct dslab_scenario *s = h_load(scenario_text("  replication: sync\n", isolate_n1_writes_to_n1));
    struct watch w;
    struct dslab_sim *sim = run(s, 1, &w);
    assert_true(ok_writes_after(sim, 0, 0) > 10);
    assert_int_equal(ok_writes_after(sim, 0, 1010 * DSLAB_NS_PER_MS), 0);
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
}

static void test_async_write_is_acknowledged_by_the_primary_alone(void **state) {
    (void)state;
    struct dslab_scenario *s = h_load(scenario_text("  replication: async\n", isolate_n1_writes_to_n1));
    struct watch w;
    struct dslab_sim *sim = run(s, 1, &w);
    assert_true(ok_writes_after(sim, 0, 1010 * DSLAB_NS_PER_MS) > 10); /* no fencing: forever */
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
}

static const char *const partition_n1 =
    "faults:\n  - { at: 1s, partition: [[n1], [n2, n3]] }\n  - { at: 2s, heal: all }\n";

/* Counts ok reads answered by `node` (the completion's node). */
static int ok_reads_by(const struct dslab_sim *sim, int32_t node) {
    const struct dslab_history *h = dslab_sim_history(sim);
    int n = 0;
    for (size_t i = 0; i < h->count; i++) {
        const struct dslab_history_op *op = &h->ops[i];
        n += op->type == DSLAB_OP_OK && op->fn == DSLAB_OP_READ && op->node == node;
    }
    return n;
}

static const char *const reads_at_n2 =
    WORKLOAD("{ read: 0.5, write: 0.5 }") "  target: { write: n1, read: n2 }\n";

/* backup_reads: a backup answers reads itself; without it, it redirects
 * them to the primary (the client follows the redirect). */
static void test_backup_reads_are_served_by_the_backup(void **state) {
    (void)state;
    const char *const protocols[] = {"  backup_reads: true\n", "  backup_reads: false\n", ""};
    for (int i = 0; i < 3; i++) {
        struct dslab_scenario *s = h_load(scenario_text(protocols[i], reads_at_n2));
        struct watch w;
        struct dslab_sim *sim = run(s, 1, &w);
        int by_n1 = ok_reads_by(sim, 0), by_n2 = ok_reads_by(sim, 1);
        if (i == 0) {
            assert_true(by_n2 > 20);
            assert_int_equal(by_n1, 0);
        } else {
            assert_true(by_n1 > 20);
            assert_int_equal(by_n2, 0);
        }
        assert_int_equal(w.primaries_max, 1); /* serving reads does not make n2 primary */
        dslab_sim_destroy(sim);
        dslab_scenario_free(s);
    }
}

static void test_without_fencing_a_partition_makes_two_primaries(void **state) {
    (void)state;
    struct watch w;
    watch_run("  fencing: false\n", partition_n1, 1, &w);
    assert_int_equal(w.primaries_max, 2);
    /* failover_after after the last heartbeat heard (at most 50ms before 1s) */
    assert_true(w.first_promotion_ns[1] >= 1250 * DSLAB_NS_PER_MS);
    assert_int_equal(w.lease_expired_ns[0], -1);
    assert_false(w.primary[0]); /* the heal told n1 about epoch 2 */
}

static void test_with_fencing_the_old_primary_stops_before_promotion(void **state) {
    (void)state;
    struct watch w;
    watch_run("  fencing: true\n", partition_n1, 1, &w);
    assert_int_equal(w.primaries_max, 1);
    assert_true(w.lease_expired_ns[0] > 1000 * DSLAB_NS_PER_MS);
    assert_true(w.first_promotion_ns[1] > w.lease_expired_ns[0] ||
                w.first_promotion_ns[2] > w.lease_expired_ns[0]);
    /* n1's failed candidacies while cut off did not raise its epoch: at
     * the heal it follows the new primary instead of deposing it. */
    int32_t p = w.primary[1] ? 1 : 2;
    assert_true(w.primary[p]);
    assert_int_equal(w.steps_down[p], 0);
    assert_int_equal(w.last_primary_epoch[p], 2);
}

/* n1's clock runs 10% slow, n2's and n3's 10% fast; n1 is cut off at 1s
 * (a fault list a test may extend). */
#define DRIFT_THEN_CUT_N1                                                                          \
    "clocks:\n  n1: { drift_ppm: -100000 }\n  n2: { drift_ppm: 100000 }\n"                        \
    "  n3: { drift_ppm: 100000 }\n"                                                                 \
    "faults:\n  - { at: 1s, partition: [[n1], [n2, n3]] }\n"

static void test_lease_breaks_when_clocks_drift_past_its_margin(void **state) {
    (void)state;
    const char *drift = DRIFT_THEN_CUT_N1;
    struct watch w;
    /* A 280ms lease leaves 20ms below failover_after; 10% drift eats it. */
    watch_run("  fencing: true\n  lease: 280ms\n", drift, 1, &w);
    assert_int_equal(w.primaries_max, 2);
    /* The default lease (200ms, 100ms of margin) survives the same drift. */
    watch_run("  fencing: true\n", drift, 1, &w);
    assert_int_equal(w.primaries_max, 1);
}

static void test_stale_primary_learns_it_was_fenced(void **state) {
    (void)state;
    /* The drift above keeps n1's lease alive past n2's promotion; the heal
     * lets n1's next heartbeat reach a node that granted epoch 2. */
    const char *drift = DRIFT_THEN_CUT_N1 "  - { at: 1275ms, heal: all }\n";
    struct dslab_scenario *s =
        h_load(scenario_text("  fencing: true\n  lease: 280ms\n  heartbeat: 10ms\n", drift));
    struct watch w;
    struct dslab_sim *sim = run(s, 2, &w);
    assert_true(w.first_promotion_ns[1] > 0);
    assert_true(w.fenced_ns[0] > w.first_promotion_ns[1]);
    assert_int_equal(w.steps_down[0], 1);
    assert_false(w.primary[0]);
    assert_true(w.primary[1]);
    char text[128];
    dslab_sim_node_describe(sim, 0, text, sizeof text);
    assert_non_null(strstr(text, "backup e2"));
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
}

static void test_crashed_backup_restarts_and_catches_up(void **state) {
    (void)state;
    char extra[1024];
    snprintf(extra, sizeof extra, "%s%s", workload_to_stop_at_2s,
             "faults:\n  - { at: 500ms, crash: n3 }\n  - { at: 1500ms, restart: n3 }\n");
    struct watch w;
    watch_run("  fencing: true\n", extra, 2, &w);
    assert_int_equal(w.primaries_max, 1);
    assert_true(w.finals_count[0] > 0);
    assert_finals_equal(&w, 0, 2);
}

static void test_failover_after_primary_crash_promotes_the_next_node(void **state) {
    (void)state;
    struct dslab_scenario *s = h_load(scenario_text("  fencing: true\n",
                                            "faults:\n  - { at: 1s, crash: n1 }\n"));
    struct watch w;
    struct dslab_sim *sim = run(s, 3, &w);
    /* n2 is next in line after n1: it waits failover_after after the last
     * heartbeat it heard (+ up to 25ms of jitter); n3 waits 150ms more. */
    assert_true(w.first_promotion_ns[1] >= 1250 * DSLAB_NS_PER_MS);
    assert_true(w.first_promotion_ns[1] < 1400 * DSLAB_NS_PER_MS);
    assert_int_equal(w.first_promotion_ns[2], -1);
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
}

static void test_bad_parameters_are_errors(void **state) {
    (void)state;
    const char *const cases[][2] = {
        {"  fencin: true\n", "did you mean 'fencing'"},
        {"  replication: asnyc\n", "async"},
        {"  lease: 300ms\n", "lease must be > 0 and shorter than failover_after"},
        {"  heartbeat: 0\n", "heartbeat must be > 0"},
        {"  failover_after: 50ms\n", "failover_after must be longer than heartbeat"},
        {"  backup_reads: sometimes\n", "expected true or false"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *text = scenario_text(cases[i][0], "");
        struct dslab_diag d;
        memset(&d, 0, sizeof d);
        struct dslab_scenario *s =
            dslab_scenario_load_buffer(text, strlen(text), "test.yaml", NULL, 0, NULL, &d);
        struct dslab_sim *sim = s ? dslab_sim_create(s, 1, &d) : NULL;
        assert_null(sim);
        if (!strstr(d.message, cases[i][1])) fail_msg("case %zu: got '%s'", i, d.message);
        assert_true(d.line > 0);
        dslab_scenario_free(s);
    }
}

static void test_same_seed_gives_the_same_trace(void **state) {
    (void)state;
    char extra[1024];
    snprintf(extra, sizeof extra, "%s%s", workload_to_stop_at_2s, partition_n1);
    h_expect_seed_decides(scenario_text("  fencing: true\n  replication: async\n", extra), 7);
}

H_MAIN(cmocka_unit_test(test_steady_state_has_one_primary_and_replicas_agree),
       cmocka_unit_test(test_sync_write_is_not_acknowledged_without_a_backup),
       cmocka_unit_test(test_async_write_is_acknowledged_by_the_primary_alone),
       cmocka_unit_test(test_without_fencing_a_partition_makes_two_primaries),
       cmocka_unit_test(test_with_fencing_the_old_primary_stops_before_promotion),
       cmocka_unit_test(test_lease_breaks_when_clocks_drift_past_its_margin),
       cmocka_unit_test(test_stale_primary_learns_it_was_fenced),
       cmocka_unit_test(test_crashed_backup_restarts_and_catches_up),
       cmocka_unit_test(test_failover_after_primary_crash_promotes_the_next_node),
       cmocka_unit_test(test_backup_reads_are_served_by_the_backup),
       cmocka_unit_test(test_bad_parameters_are_errors),
       cmocka_unit_test(test_same_seed_gives_the_same_trace))
