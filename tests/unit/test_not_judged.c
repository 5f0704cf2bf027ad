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
 *     mutual-exclusion's progress bound fails on a silent run.
 * The per-checker cases are rows of a table (tests/unit/harness_cases.h). */
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

/* Client writes and reads acknowledged on three nodes, no role report
 * and no final state. */
#define WRITE_OK H_OP(0, DSLAB_OP_WRITE, 1, 10, 100, 120, DSLAB_OP_OK)
#define OPS WRITE_OK, H_OP(1, DSLAB_OP_READ, 1, 10, 200, 220, DSLAB_OP_OK)
/* A role checker on OPS, a crash, and a role in an annotation's text (not a
 * typed report): not judged. */
#define NO_ROLE_REPORTS_ROW(checker)                                                               \
    {"no role reports: " checker, checker, "", 3,                                                  \
     H_STEPS(OPS, H_CRASH(300, 1), H_NOTE(400, 0, "role", "leader", 1)), 10000,                    \
     .want = DSLAB_CHECK_UNKNOWN, .summary_has = {"not judged: no node reported a role"}}

/* Each checker's own missing input while the rest of the run is there,
 * and the cases next to them that still judge. Every run ends at 10s. */
static const struct h_ck_case cases[] = {
    NO_ROLE_REPORTS_ROW("one-leader-per-term"),
    NO_ROLE_REPORTS_ROW("single-primary-per-epoch"),
    NO_ROLE_REPORTS_ROW("single-primary-at-once"),
    NO_ROLE_REPORTS_ROW("leader-stable"),
    /* Role reports without a leader: Election Safety holds, a claim. */
    {"role reports without a leader pass one-leader-per-term", "one-leader-per-term", "", 3,
     H_STEPS(H_ROLE(0, 0, "follower", 0), H_ROLE(150, 0, "candidate", 1)), 10000, .want = DSLAB_CHECK_PASS,
     .summary_has = {"0 terms had a leader, none had two"}},
    {"one leader passes one-leader-per-term", "one-leader-per-term", "", 3, H_STEPS(H_ROLE(150, 0, "leader", 1)),
     10000, .want = DSLAB_CHECK_PASS, .summary_has = {"1 terms had a leader, none had two"}},
    {"no acknowledged write", "no-lost-acknowledged-writes", "", 3,
     H_STEPS(H_OP(0, DSLAB_OP_WRITE, 1, 10, 100, 0, DSLAB_OP_INVOKE) /* never answered */,
             H_OP(1, DSLAB_OP_WRITE, 1, 11, 100, 200, DSLAB_OP_FAIL), H_FINAL_STATE(9000, 0, "follower"),
             H_FINAL_STATE(9000, 1, "follower"), H_FINAL_STATE(9000, 2, "follower")),
     10000, .want = DSLAB_CHECK_UNKNOWN, .summary_has = {"not judged: no write was acknowledged"}},
    {"no acknowledged broadcast", "broadcast", "", 3,
     H_STEPS(H_OP(0, DSLAB_OP_WRITE, 0, 7, 100, 0, DSLAB_OP_INVOKE), H_FINAL_STATE(9000, 0, "other"),
             H_FINAL_STATE(9000, 1, "other"), H_FINAL_STATE(9000, 2, "other")),
     10000, .want = DSLAB_CHECK_UNKNOWN, .summary_has = {"not judged: no broadcast message was acknowledged"}},
    {"one replica", "convergence", "", 3,
     H_STEPS(OPS, H_CRASH(500, 1), H_CRASH(500, 2), H_FINAL_STATE(9000, 0, "leader"), H_FINAL_VALUE(9000, 0, 1, 10)),
     10000, .want = DSLAB_CHECK_UNKNOWN, .summary_has = {"not judged: only one live node"}},
    {"no read completed", "stale-reads", "", 3,
     H_STEPS(WRITE_OK, H_OP(1, DSLAB_OP_READ, 1, 10, 200, 0, DSLAB_OP_INFO)),
     10000, .want = DSLAB_CHECK_UNKNOWN, .summary_has = {"not judged: no read completed ok"}},
    {"no echo answered", "echo", "", 3,
     H_STEPS(WRITE_OK, H_OP(1, DSLAB_OP_READ, 5, 5, 200, 0, DSLAB_OP_INFO)),
     10000, .want = DSLAB_CHECK_UNKNOWN, .summary_has = {"not judged: no echo request was answered"}},
    {"no id handed out", "unique-ids", "", 3, H_STEPS(H_OP(1, DSLAB_OP_READ, 0, 0, 200, 300, DSLAB_OP_FAIL)),
     10000, .want = DSLAB_CHECK_UNKNOWN, .summary_has = {"not judged: no id was handed out"}},
    {"no client operation", "linearizable", "", 3, H_NO_STEPS, 10000, .want = DSLAB_CHECK_UNKNOWN,
     .summary_has = {"not judged: no client operation"}},
    {"slo without a sample", "slo", "99% of cas within 500ms", 3, H_STEPS(OPS) /* writes and reads, no cas */,
     10000, .want = DSLAB_CHECK_UNKNOWN, .summary_has = {"not judged: no cas to measure"}},
    /* with `each`, a run without any sample is not met (docs: a service
     * turned off does not meet its objective) */
    {"slo each without a sample fails", "slo", "availability 50% of cas per 1s each", 3, H_STEPS(OPS), 10000,
     .want = DSLAB_CHECK_FAIL},
    {"no lock annotation", "mutual-exclusion", "", 3,
     H_STEPS(H_NOTE(100, 1, "lock", "waiting", 1) /* not a view's annotation */), 10000,
     .want = DSLAB_CHECK_UNKNOWN, .summary_has = {"not judged: no lock, storage or lease annotation"}},
    {"a view not judged", "mutual-exclusion", "holders", 3, H_STEPS(H_NOTE(100, 0, "storage", "accepted", 1)),
     10000, .want = DSLAB_CHECK_UNKNOWN, .summary_has = {"not judged"}},
    {"mutual-exclusion progress fails on a silent run", "mutual-exclusion", "progress 1s", 3, H_NO_STEPS, 10000,
     .want = DSLAB_CHECK_FAIL},
    /* fd-accuracy judges silence: a crash that outlasts the bound and is
     * never detected is a failure */
    {"fd-accuracy fails a missed crash", "fd-accuracy", "2s", 3, H_STEPS(H_CRASH(100, 2)), 10000,
     .want = DSLAB_CHECK_FAIL, .summary_has = {"2 missed"}},
    /* an accurate detector's annotations are judged */
    {"fd-accuracy judges detections", "fd-accuracy", "2s", 3,
     H_STEPS(H_CRASH(100, 2), H_NOTE(900, 0, "suspect", "n3", 2), H_NOTE(950, 1, "suspect", "n3", 2)), 10000,
     .want = DSLAB_CHECK_PASS, .summary_has = {"2 detections"}},
    {"no transaction", "atomic-commit", "1s", 3,
     H_STEPS(H_NOTE(100, 0, "txn", "commit", 0) /* id 0 is not a transaction */,
             H_NOTE(100, 0, "other", "commit", 1)),
     10000, .want = DSLAB_CHECK_UNKNOWN, .summary_has = {"not judged: no node annotated a transaction"}},
};

H_MAIN_CASES_AND(cases, cmocka_unit_test(test_no_checker_passes_on_nothing))
