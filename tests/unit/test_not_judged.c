/* test_not_judged.c: a verdict is a claim. A checker that saw none of
 * what it judges says UNKNOWN ("not judged: ..."), never PASS:
 *   - the class: every registered checker, given a run with no events and
 *     an empty history, does not pass (a checker added later is covered
 *     without a line here; one that needs an argument gets it from
 *     `args_of`). The one exception is fd-accuracy: a failure detector's
 *     silence is its answer (no suspicion while nothing failed is the
 *     accurate one), and a crash it misses fails it;
 *   - each checker's own missing input while the rest of the run is there:
 *     no role reports (one-leader-per-term, single-primary-*,
 *     leader-stable), no acknowledged write (no-lost-acknowledged-writes,
 *     broadcast), one replica (convergence), no ok read (stale-reads), no
 *     answered echo, no id, no operation of the objective's kind (slo), no
 *     lock annotation (mutual-exclusion), no transaction (atomic-commit);
 *   - and the cases next to them still judge: role reports without a
 *     leader pass one-leader-per-term (Election Safety holds; liveness is
 *     leader-available's), `slo ... each` with no sample fails,
 *     mutual-exclusion's progress bound fails on a silent run. */
#include <string.h>

#include "harness.h"

/* Arguments for the checkers that need one. */
static const char *args_of(const char *name) {
    if (strcmp(name, "slo") == 0) return "99% of writes within 500ms";
    if (strcmp(name, "fd-accuracy") == 0) return "1s";
    if (strcmp(name, "arrival-peak") == 0) return "n1 at most 5 per 1s";
    return "";
}

static void test_no_checker_passes_on_nothing(void **state) {
    (void)state;
    assert_true(dslab_checker_count() > 10);
    for (int i = 0; i < dslab_checker_count(); i++) {
        const char *name = dslab_checker_at(i)->name;
        struct h_ck k;
        h_ck_begin(&k, name, args_of(name), 3);
        struct dslab_check_result r = h_ck_result(&k, 10000);
        if (r.verdict == DSLAB_CHECK_PASS && strcmp(name, "fd-accuracy") != 0) {
            fail_msg("%s passes a run in which it saw nothing: %s", name, r.summary);
        }
    }
}

/* A run of three nodes with client writes and reads acknowledged, no
 * role report and no final state. */
static void ops(struct h_ck *k) {
    h_ck_op(k, 0, DSLAB_OP_WRITE, 1, 10, 100, 120, DSLAB_OP_OK);
    h_ck_op(k, 1, DSLAB_OP_READ, 1, 10, 200, 220, DSLAB_OP_OK);
}

static void test_no_role_reports(void **state) {
    (void)state;
    const char *role_checkers[] = {"one-leader-per-term", "single-primary-per-epoch",
                                   "single-primary-at-once", "leader-stable"};
    for (size_t i = 0; i < sizeof role_checkers / sizeof role_checkers[0]; i++) {
        struct h_ck k;
        h_ck_begin(&k, role_checkers[i], "", 3);
        ops(&k);
        h_ck_emit(&k, 300, DSLAB_TRACE_CRASH, 1, -1, 0, NULL, NULL);
        h_ck_note(&k, 400, 0, "role", "leader", 1); /* text, not a typed report */
        h_ck_expect(&k, 10000, DSLAB_CHECK_UNKNOWN, "not judged: no node reported a role");
    }
    /* Role reports without a leader: Election Safety holds, a claim. */
    struct h_ck k;
    h_ck_begin(&k, "one-leader-per-term", "", 3);
    h_ck_role(&k, 0, 0, "follower", 0);
    h_ck_role(&k, 150, 0, "candidate", 1);
    h_ck_expect(&k, 10000, DSLAB_CHECK_PASS, "0 terms had a leader, none had two");
    h_ck_begin(&k, "one-leader-per-term", "", 3);
    h_ck_role(&k, 150, 0, "leader", 1);
    h_ck_expect(&k, 10000, DSLAB_CHECK_PASS, "1 terms had a leader, none had two");
}

static void test_no_acknowledged_writes(void **state) {
    (void)state;
    struct h_ck k;
    h_ck_begin(&k, "no-lost-acknowledged-writes", "", 3);
    h_ck_op(&k, 0, DSLAB_OP_WRITE, 1, 10, 100, 0, DSLAB_OP_INVOKE); /* never answered */
    h_ck_op(&k, 1, DSLAB_OP_WRITE, 1, 11, 100, 200, DSLAB_OP_FAIL);
    for (int n = 0; n < 3; n++) h_ck_final_state(&k, 9000, n, "follower");
    h_ck_expect(&k, 10000, DSLAB_CHECK_UNKNOWN, "not judged: no write was acknowledged");

    h_ck_begin(&k, "broadcast", "", 3);
    h_ck_op(&k, 0, DSLAB_OP_WRITE, 0, 7, 100, 0, DSLAB_OP_INVOKE);
    for (int n = 0; n < 3; n++) h_ck_final_state(&k, 9000, n, "other");
    h_ck_expect(&k, 10000, DSLAB_CHECK_UNKNOWN, "not judged: no broadcast message was acknowledged");
}

static void test_one_replica(void **state) {
    (void)state;
    struct h_ck k;
    h_ck_begin(&k, "convergence", "", 3);
    ops(&k);
    h_ck_emit(&k, 500, DSLAB_TRACE_CRASH, 1, -1, 0, NULL, NULL);
    h_ck_emit(&k, 500, DSLAB_TRACE_CRASH, 2, -1, 0, NULL, NULL);
    h_ck_final_state(&k, 9000, 0, "leader");
    h_ck_final_value(&k, 9000, 0, 1, 10);
    h_ck_expect(&k, 10000, DSLAB_CHECK_UNKNOWN, "not judged: only one live node");
}

static void test_no_reads_no_echoes_no_ids(void **state) {
    (void)state;
    struct h_ck k;
    h_ck_begin(&k, "stale-reads", "", 3);
    h_ck_op(&k, 0, DSLAB_OP_WRITE, 1, 10, 100, 120, DSLAB_OP_OK);
    h_ck_op(&k, 1, DSLAB_OP_READ, 1, 10, 200, 0, DSLAB_OP_INFO);
    h_ck_expect(&k, 10000, DSLAB_CHECK_UNKNOWN, "not judged: no read completed ok");

    h_ck_begin(&k, "echo", "", 3);
    h_ck_op(&k, 0, DSLAB_OP_WRITE, 1, 10, 100, 120, DSLAB_OP_OK);
    h_ck_op(&k, 1, DSLAB_OP_READ, 5, 5, 200, 0, DSLAB_OP_INFO);
    h_ck_expect(&k, 10000, DSLAB_CHECK_UNKNOWN, "not judged: no echo request was answered");

    h_ck_begin(&k, "unique-ids", "", 3);
    h_ck_op(&k, 1, DSLAB_OP_READ, 0, 0, 200, 300, DSLAB_OP_FAIL);
    h_ck_expect(&k, 10000, DSLAB_CHECK_UNKNOWN, "not judged: no id was handed out");

    h_ck_begin(&k, "linearizable", "", 3);
    h_ck_expect(&k, 10000, DSLAB_CHECK_UNKNOWN, "not judged: no client operation");
}

static void test_slo_without_samples(void **state) {
    (void)state;
    struct h_ck k;
    h_ck_begin(&k, "slo", "99% of cas within 500ms", 3);
    ops(&k); /* writes and reads, no cas */
    h_ck_expect(&k, 10000, DSLAB_CHECK_UNKNOWN, "not judged: no cas to measure");
    /* with `each`, a run without any sample is not met (docs: a service
     * turned off does not meet its objective) */
    h_ck_begin(&k, "slo", "availability 50% of cas per 1s each", 3);
    ops(&k);
    h_ck_expect(&k, 10000, DSLAB_CHECK_FAIL, "");
}

static void test_locks_detectors_transactions(void **state) {
    (void)state;
    struct h_ck k;
    h_ck_begin(&k, "mutual-exclusion", "", 3);
    h_ck_note(&k, 100, 1, "lock", "waiting", 1); /* not a view's annotation */
    h_ck_expect(&k, 10000, DSLAB_CHECK_UNKNOWN, "not judged: no lock, storage or lease annotation");
    h_ck_begin(&k, "mutual-exclusion", "holders", 3);
    h_ck_note(&k, 100, 0, "storage", "accepted", 1); /* a view not judged */
    h_ck_expect(&k, 10000, DSLAB_CHECK_UNKNOWN, "not judged");
    h_ck_begin(&k, "mutual-exclusion", "progress 1s", 3);
    h_ck_expect(&k, 10000, DSLAB_CHECK_FAIL, "");

    /* fd-accuracy judges silence: a crash that outlasts the bound and is
     * never detected is a failure */
    h_ck_begin(&k, "fd-accuracy", "2s", 3);
    h_ck_emit(&k, 100, DSLAB_TRACE_CRASH, 2, -1, 0, NULL, NULL);
    h_ck_expect(&k, 10000, DSLAB_CHECK_FAIL, "2 missed");
    /* an accurate detector's annotations are judged */
    h_ck_begin(&k, "fd-accuracy", "2s", 3);
    h_ck_emit(&k, 100, DSLAB_TRACE_CRASH, 2, -1, 0, NULL, NULL);
    h_ck_note(&k, 900, 0, "suspect", "n3", 2);
    h_ck_note(&k, 950, 1, "suspect", "n3", 2);
    h_ck_expect(&k, 10000, DSLAB_CHECK_PASS, "2 detections");

    h_ck_begin(&k, "atomic-commit", "1s", 3);
    h_ck_note(&k, 100, 0, "txn", "commit", 0); /* id 0 is not a transaction */
    h_ck_note(&k, 100, 0, "other", "commit", 1);
    h_ck_expect(&k, 10000, DSLAB_CHECK_UNKNOWN, "not judged: no node annotated a transaction");
}

H_MAIN(cmocka_unit_test(test_no_checker_passes_on_nothing), cmocka_unit_test(test_no_role_reports),
       cmocka_unit_test(test_no_acknowledged_writes), cmocka_unit_test(test_one_replica),
       cmocka_unit_test(test_no_reads_no_echoes_no_ids), cmocka_unit_test(test_slo_without_samples),
       cmocka_unit_test(test_locks_detectors_transactions))
