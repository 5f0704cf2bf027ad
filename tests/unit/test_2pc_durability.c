/* test_2pc_durability.c: two-phase commit's coordinator makes its decision
 * durable before acting on it. The coordinator is crashed the instant it
 * has announced "commit" (replied to the client, sent COMMIT) and restarted
 * losing every unsynced write: the decision must survive, so recovery
 * resends COMMIT, never presumes abort, and atomic-commit passes. Killed
 * mutant: tests/mutants/tpc-decision-not-synced.mutant. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dslab/check.h"
#include "dslab/scenario.h"
#include "dslab/sim.h"
#include "dslab/time.h"
#include "dslab/trace.h"
#include "harness.h"

struct watch {
    int64_t first_commit_txn; /* the first txn n1 announced "commit" for; 0 = none yet */
    int aborts_of_it;         /* "abort" annotations for that txn, any node */
    int commits_of_it;        /* "commit" annotations for that txn, any node */
};

static void watch_sink(void *user, const struct dslab_trace_event *ev) {
    struct watch *w = user;
    if (ev->kind != DSLAB_TRACE_ANNOTATE || strcmp(ev->tag, "txn") != 0) return;
    if (w->first_commit_txn == 0 && ev->node == 0 && strcmp(ev->text, "commit") == 0) {
        w->first_commit_txn = ev->a;
    }
    if (w->first_commit_txn != 0 && ev->a == w->first_commit_txn) {
        if (strcmp(ev->text, "abort") == 0) w->aborts_of_it++;
        if (strcmp(ev->text, "commit") == 0) w->commits_of_it++;
    }
}

static void test_a_decision_survives_a_crash_right_after_it_is_announced(void **state) {
    (void)state;
    static const char yaml[] =
        "name: t\nseed: 3\nnodes: [n1, n2, n3]\nduration: 2s\n"
        "network: { latency: constant(2ms) }\n"
        "protocol: { name: two-phase-commit, txn_interval: 300ms }\n"
        "checks: [atomic-commit]\n";
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct dslab_scenario *s = dslab_scenario_load_buffer(yaml, strlen(yaml), "t.yaml", NULL, 0, NULL, &d);
    if (!s) fail_msg("%d:%d: %s", d.line, d.col, d.message);
    struct dslab_sim *sim = dslab_sim_create(s, s->seed, &d);
    assert_non_null(sim);
    struct watch w = {0};
    dslab_sim_add_sink(sim, watch_sink, &w);
    /* Start (events at 0), then step until n1 announces its first commit. */
    assert_int_equal(dslab_sim_run(sim, 0, 0), DSLAB_SIM_OK);
    while (w.first_commit_txn == 0 && dslab_sim_step(sim, s->duration_ns)) {
    }
    assert_true(w.first_commit_txn > 0);
    struct dslab_fault crash = {.kind = DSLAB_FAULT_CRASH, .node = 0, .peer = -1};
    struct dslab_fault restart = {.kind = DSLAB_FAULT_RESTART, .node = 0, .peer = -1, .lose_unsynced = true};
    assert_int_equal(dslab_sim_inject(sim, &crash, &d), 0);
    assert_int_equal(dslab_sim_inject(sim, &restart, &d), 0);
    assert_int_equal(dslab_sim_run(sim, s->duration_ns, 0), DSLAB_SIM_OK);
    dslab_sim_finish(sim);
    assert_int_equal(w.aborts_of_it, 0);
    assert_int_equal(w.commits_of_it, 3); /* n1 and both participants */
    assert_int_equal(dslab_sim_check_result(sim, 0)->verdict, DSLAB_CHECK_PASS);
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
}

H_MAIN(cmocka_unit_test(test_a_decision_survives_a_crash_right_after_it_is_announced))
