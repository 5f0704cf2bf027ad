/* test_2pc.c: two-phase commit through small scenarios, and the
 * atomic-commit checker on hand-made traces it must accept or reject.
 *
 * Protocol tests run a scenario with a sink that keeps every "txn"
 * annotation (node, txn id, text) and the client history, then assert on
 * what happened: all-yes commits everywhere, a NO aborts everywhere, a
 * crashed coordinator leaves participants in doubt, a restarted one aborts
 * what it had not decided and everyone learns it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* Every "txn" annotation: node, a = txn id, text. */
static struct h_run *run_yaml(const char *yaml) { return h_run(yaml, "txn", NULL, NULL); }

/* Notes by `node` (any if < 0) about `txn` (any if < 0) saying `text`. */
static int count(const struct h_run *r, int32_t node, int64_t txn, const char *text) {
    return h_count(&r->rec, &(struct h_match){.text = text, .by_node = node >= 0, .node = node,
                                              .by_a = txn >= 0, .a = txn});
}

/* The txn id of the last note by `node` saying `text` before before_ms (0:
 * any time); fails the test when there is none. */
static int64_t last_txn(const struct h_run *r, int32_t node, const char *text, int64_t before_ms) {
    const struct h_note *n = h_find_last(&r->rec, &(struct h_match){.text = text, .by_node = true, .node = node,
                                                                    .to_ns = before_ms * DSLAB_NS_PER_MS});
    assert_non_null(n);
    assert_true(n->a > 0);
    return n->a;
}

#define BASE                                                                                       \
    "name: t\nseed: 3\nnodes: [n1, n2, n3]\nnetwork: { latency: \"uniform(1ms, 3ms)\" }\n"

/* Transactions 1..txns each voted yes by `voter`, committed by `committer`,
 * committed by `commits` nodes in all, and done at the coordinator. */
static void expect_committed(const struct h_run *r, int64_t txns, int32_t voter, int32_t committer, int commits) {
    for (int64_t txn = 1; txn <= txns; txn++) {
        assert_int_equal(count(r, voter, txn, "vote-yes"), 1);
        assert_int_equal(count(r, committer, txn, "commit"), 1);
        assert_int_equal(count(r, -1, txn, "commit"), commits);
        assert_int_equal(count(r, 0, txn, "done"), 1);
    }
}

/* The run's one check (atomic-commit) must pass; frees the run. */
static void passes_and_free(struct h_run *r) {
    assert_int_equal(dslab_sim_check_result(r->sim, 0)->verdict, DSLAB_CHECK_PASS);
    h_run_free(r);
}

/* A run with a transaction every 20ms and 10ms to sync the log (a crash
 * finds one in flight), these faults, atomic-commit with a 1s bound. */
static struct h_run *crash_run(const char *duration, const char *faults) {
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             BASE "duration: %s\nprotocol: { name: two-phase-commit, txn_interval: 20ms, log_sync_delay: 10ms }\n"
                  "faults: %s\nchecks: [\"atomic-commit: 1s\"]\n",
             duration, faults);
    return run_yaml(yaml);
}

/* Notes by node `who` (any if < 0) saying `what`. */
#define SAID(who, what) {.text = (what), .by_node = (who) >= 0, .node = (who)}

/* Protocol runs, one row each (tests/unit/harness_cases.h). */
static const struct h_run_case runs[] = {
    {"a no vote aborts everywhere",
     BASE "duration: 1s\nprotocol: { name: two-phase-commit, txn_interval: 50ms, abort_percent: 100 }\n"
          "checks: [atomic-commit]\n",
     "txn", {{SAID(-1, "commit"), '=', 0}, {SAID(0, "abort"), 'g', 15}, {SAID(-1, "vote-yes"), '=', 0}},
     H_VERDICT(DSLAB_CHECK_PASS)},
    /* one key, a transaction every 2ms, 10ms to log: the next PREPARE finds the lock */
    {"a locked key votes no",
     BASE "duration: 500ms\nprotocol: { name: two-phase-commit, txn_interval: 2ms, keys: 1, log_sync_delay: 10ms }\n"
          "checks: [atomic-commit]\n",
     "txn", {{SAID(-1, "vote-no"), '>', 0}, {SAID(0, "commit"), '>', 0}}, H_VERDICT(DSLAB_CHECK_PASS)},
};

/* Runs `yaml` (no aborts wanted): node 0 commits at least commits_min
 * transactions, and the first `txns` are committed as expect_committed says. */
static void commits_everywhere(const char *yaml, int commits_min, int64_t txns, int32_t voter, int32_t committer,
                               int commits) {
    struct h_run *r = run_yaml(yaml);
    assert_true(count(r, 0, -1, "commit") >= commits_min);
    assert_int_equal(count(r, -1, -1, "abort"), 0);
    expect_committed(r, txns, voter, committer, commits);
    passes_and_free(r);
}

static void test_all_yes_votes_commit_everywhere(void **state) {
    (void)state;
    commits_everywhere(BASE "duration: 1s\nprotocol: { name: two-phase-commit, txn_interval: 50ms }\n"
                            "checks: [\"atomic-commit: 500ms\"]\n",
                       15, 10, 1, 2, 3);
}

/* 64 nodes is the documented maximum: the participant set is all 64 bits
 * of a word. A shift by 64 once made it empty-or-garbage and nothing ever
 * committed (issue 11, item 6). */
static void test_64_nodes_commit_everywhere(void **state) {
    (void)state;
    commits_everywhere("name: t\nseed: 3\nnodes: 64\nnetwork: { latency: \"uniform(1ms, 3ms)\" }\n"
                       "duration: 1s\nprotocol: { name: two-phase-commit, txn_interval: 50ms }\n"
                       "checks: [\"atomic-commit: 500ms\"]\n",
                       10, 5, 63, 63, 64); /* 63 participants + coordinator */
}

static void test_coordinator_crash_leaves_participants_in_doubt(void **state) {
    (void)state;
    struct h_run *r = crash_run("2s", "[ { at: 490ms, crash: n1 } ]");
    /* the transaction begun at 480ms was voted yes and never decided */
    int64_t blocked = last_txn(r, 0, "begin", 0);
    assert_int_equal(count(r, 1, blocked, "vote-yes"), 1);
    assert_int_equal(count(r, 1, blocked, "in-doubt"), 1);
    assert_int_equal(count(r, 1, blocked, "commit") + count(r, 1, blocked, "abort"), 0);
    const struct dslab_check_result *c = dslab_sim_check_result(r->sim, 0);
    assert_int_equal(c->verdict, DSLAB_CHECK_FAIL);
    assert_non_null(strstr(c->violations[0].message, "still in doubt at the end"));
    h_run_free(r);
}

static void test_restarted_coordinator_aborts_undecided(void **state) {
    (void)state;
    struct h_run *r = crash_run("2s", "[ { at: 490ms, crash: n1 }, { at: 800ms, restart: n1 } ]");
    int64_t blocked = last_txn(r, 0, "begin", 490);
    assert_int_equal(count(r, 0, blocked, "abort"), 1); /* presumed abort on recovery */
    assert_int_equal(count(r, 1, blocked, "abort"), 1);
    assert_int_equal(count(r, 2, blocked, "abort"), 1);
    assert_true(count(r, 0, -1, "commit") > 40); /* and it goes on committing new ones */
    passes_and_free(r);
}

static void test_participant_restart_recovers_its_prepared_vote(void **state) {
    (void)state;
    /* n2 votes yes for the transaction begun at 480ms, crashes before the
     * COMMIT reaches it and restarts with its unsynced writes lost: the
     * synced PREPARED record brings it back in doubt, and it asks n1. */
    struct h_run *r = crash_run("1500ms", "[ { at: 486ms, crash: n2 }, { at: 700ms, restart: n2, lose_unsynced: true } ]");
    int64_t txn = last_txn(r, 1, "vote-yes", 486);
    assert_int_equal(count(r, 0, txn, "commit"), 1);
    const struct h_note *doubt = h_find_last(&r->rec, &(struct h_match){.text = "in-doubt", .by_node = true, .node = 1,
                                                                        .by_a = true, .a = txn});
    const struct h_note *commit = h_find_last(&r->rec, &(struct h_match){.text = "commit", .by_node = true, .node = 1,
                                                                         .by_a = true, .a = txn});
    assert_non_null(doubt);
    assert_non_null(commit);
    assert_int_equal(doubt->t_ns, 700 * DSLAB_NS_PER_MS); /* announced at the restart */
    assert_true(commit->t_ns > doubt->t_ns);
    passes_and_free(r);
}

static void test_client_writes_are_transactions(void **state) {
    (void)state;
    struct h_run *r = run_yaml(BASE "duration: 1s\n"
                                  "protocol: { name: two-phase-commit }\n"
                                  "workload: { clients: 2, rate: 50/s, ops: { write: 1 }, keys: 8 }\n"
                                  "checks: [atomic-commit]\n");
    const struct dslab_sim_stats *st = dslab_sim_get_stats(r->sim);
    assert_true(st->client_ok > 20);
    int begins = count(r, 0, -1, "begin");
    assert_true(begins >= (int)(st->client_ok + st->client_fail)); /* each answer had a txn */
    assert_true(begins <= (int)st->client_ops);
    h_run_free(r);
}

static void test_unknown_parameter_is_an_error(void **state) {
    (void)state;
    const char *yaml = BASE "duration: 1s\nprotocol: { name: two-phase-commit, vote_timout: 1s }\n";
    h_expect_error(yaml, "vote_timeout");
}

/* --- the atomic-commit checker on hand-made traces (tests/unit/harness_cases.h) --- */

#define AC "atomic-commit"
#define TXN(t_ms, node, txn, text) H_NOTE((t_ms), (node), "txn", (text), (txn))
/* n1 begins `txn` at t_ms, n2 and n3 vote yes 1ms later. */
#define TWO_VOTES(t_ms, txn) TXN((t_ms), 0, (txn), "begin"), TXN((t_ms) + 1, 1, (txn), "vote-yes"), \
                             TXN((t_ms) + 1, 2, (txn), "vote-yes")

static const struct h_ck_case cases[] = {
    {"checker accepts agreeing decisions", AC, "1s", 3,
     H_STEPS(TWO_VOTES(0, 1), TXN(5, 0, 1, "commit"), TXN(7, 1, 1, "commit"), TXN(8, 2, 1, "commit"),
             TXN(10, 0, 2, "begin"), TXN(11, 1, 2, "vote-no"), TXN(11, 2, 2, "vote-yes"), TXN(15, 0, 2, "abort"),
             TXN(17, 2, 2, "abort")),
     100, .want = DSLAB_CHECK_PASS, .summary_has = {"1 committed, 1 aborted, 0 split"}},
    {"checker rejects a split decision", AC, "", 3,
     H_STEPS(TWO_VOTES(0, 1), TXN(5, 1, 1, "commit"), TXN(9, 2, 1, "abort")), 100, .want = DSLAB_CHECK_FAIL,
     .message_has = {"txn 1 committed at n2 but aborted at n3"}, H_WINDOW(5, 9), .evidence_count = 2},
    {"checker rejects a commit despite a no vote", AC, "", 3,
     H_STEPS(TXN(0, 0, 1, "begin"), TXN(1, 1, 1, "vote-yes"), TXN(1, 2, 1, "vote-no"),
             TXN(5, 0, 1, "commit") /* the coordinator ignored the no */),
     100, .want = DSLAB_CHECK_FAIL, .message_has = {"although it got a no vote from n3"}},
    {"checker rejects a commit without a yes", AC, "", 3,
     H_STEPS(TWO_VOTES(0, 1), TXN(3, 0, 2, "begin"), TXN(4, 1, 2, "vote-yes"),
             TXN(6, 2, 2, "commit") /* n3 never voted on txn 2 */),
     100, .want = DSLAB_CHECK_FAIL, .message_has = {"without having voted yes"}},
    {"checker limits the time in doubt", AC, "1s", 3,
     H_STEPS(TWO_VOTES(0, 1), TXN(1500, 1, 1, "abort"), /* n2 decided after 1.5s: blocked */
             TXN(200, 2, 1, "abort")),
     3000, .want = DSLAB_CHECK_FAIL, H_VIOLATIONS(1), .message_has = {"n2 blocked in doubt about txn 1"}},
    {"checker: a crash ends a doubt", AC, "1s", 3,
     H_STEPS(TWO_VOTES(0, 1), TXN(300, 2, 1, "commit"), H_CRASH(500, 1), /* down, not waiting: 499ms in doubt */
             H_EVENT(2500, DSLAB_TRACE_RESTART, 1, 0), TXN(2500, 1, 1, "in-doubt"),
             TXN(2900, 1, 1, "commit") /* another 400ms */),
     3000, .want = DSLAB_CHECK_PASS, .summary_has = {"longest 499 ms"}},
    {"checker reports a doubt open at the end", AC, "2s", 3, H_STEPS(TWO_VOTES(0, 1)), 2100, .want = DSLAB_CHECK_FAIL,
     H_VIOLATIONS(2), .message_has = {"still in doubt at the end"}},
    {"checker refuses a bad argument", AC, NULL, 2, .refuse = (const char *const[]){"soon", NULL},
     .refuse_has = "atomic-commit: 1s"},
};

int main(void) {
    const struct CMUnitTest more[] = {
        cmocka_unit_test(test_all_yes_votes_commit_everywhere),
        cmocka_unit_test(test_64_nodes_commit_everywhere),
        cmocka_unit_test(test_coordinator_crash_leaves_participants_in_doubt),
        cmocka_unit_test(test_restarted_coordinator_aborts_undecided),
        cmocka_unit_test(test_participant_restart_recovers_its_prepared_vote),
        cmocka_unit_test(test_client_writes_are_transactions),
        cmocka_unit_test(test_unknown_parameter_is_an_error),
    };
    int failed = h_run_rows(runs, sizeof runs / sizeof runs[0], sizeof runs[0], h_run_case_test, NULL, 0);
    return failed + h_run_cases(cases, sizeof cases / sizeof cases[0], more, sizeof more / sizeof more[0]);
}
