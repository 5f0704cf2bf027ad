/* test_single_primary.c: single-primary-per-epoch and single-primary-at-once
 * on hand-made traces they must accept and ones they must reject.
 *
 * Each row feeds the checker typed role reports, crashes, pauses and
 * restarts as the simulator would (increasing ids, true times) and states
 * its verdict, windows, nodes and evidence (tests/unit/harness_cases.h). */
#include <string.h>

#include "harness.h"

#define AT_ONCE "single-primary-at-once"
#define PER_EPOCH "single-primary-per-epoch"
/* A typed role report whose text says something else than its class. */
#define ROLE_AS(t_ms, node, role, text, epoch) H_REPORT((t_ms), (node), DSLAB_ANNOTATION_ROLE, (role), "role", (text), (epoch), 0)
#define PAUSE_2S(t_ms, node) H_EVENT((t_ms), DSLAB_TRACE_PAUSE, (node), 2000 * DSLAB_NS_PER_MS)
#define RESUME(t_ms, node) H_EVENT((t_ms), DSLAB_TRACE_RESUME, (node), 0)

static const struct h_ck_case cases[] = {
    {"at-once accepts a step-down before the promotion", AT_ONCE, "", 4,
     H_STEPS(H_ROLE(0, 0, "primary", 1), H_ROLE(0, 1, "backup", 1), H_ROLE(2160, 0, "backup", 1),
             H_ROLE(2300, 1, "primary", 2)),
     5000, .want = DSLAB_CHECK_PASS, H_VIOLATIONS(0)},
    {"at-once accepts a handover at the same instant", AT_ONCE, "", 4,
     H_STEPS(H_ROLE(0, 0, "primary", 1), H_ROLE(2000, 0, "backup", 1),
             H_ROLE(2000, 1, "primary", 2) /* zero-length overlap is no overlap */),
     5000, .want = DSLAB_CHECK_PASS},
    {"at-once accepts the same node in a new epoch", AT_ONCE, "", 4,
     H_STEPS(H_ROLE(0, 0, "primary", 1), H_ROLE(1000, 0, "primary", 2)), 5000,
     .want = DSLAB_CHECK_PASS},
    {"at-once accepts a crash ending a primaryship", AT_ONCE, "", 4,
     H_STEPS(H_ROLE(0, 0, "primary", 1), H_CRASH(2000, 0), H_ROLE(2300, 1, "primary", 2),
             H_EVENT(3000, DSLAB_TRACE_RESTART, 0, 0), H_ROLE(3000, 0, "backup", 1)),
     5000, .want = DSLAB_CHECK_PASS},
    {"at-once rejects split brain, with window and evidence", AT_ONCE, "", 4,
     H_STEPS(H_ROLE(0, 0, "primary", 1), H_ROLE(0, 1, "backup", 1), H_ROLE(2300, 1, "primary", 2),
             H_ROLE(4030, 0, "backup", 2)),
     5000, .want = DSLAB_CHECK_FAIL, H_VIOLATIONS(1), H_WINDOW(2300, 4030), .nodes_in = 1u << 0 | 1u << 1,
     .evidence = H_S(0) | H_S(2) | H_S(3)},
    {"at-once rejects an overlap open at the end", AT_ONCE, "", 4,
     H_STEPS(H_ROLE(0, 0, "leader", 1), /* Raft's word counts too */
             H_ROLE(1500, 2, "leader", 2)),
     3000, .want = DSLAB_CHECK_FAIL, H_WINDOW(1500, 3000)},
    /* The checkers read the typed class, never the text: a primary whose
     * text says "boss" is a primary, a backup whose text says "primary" is
     * not, and a free note tagged "role" (dslab_ctx_annotate, not a typed
     * report) is ignored. */
    {"the typed role decides, not the text", AT_ONCE, "", 4,
     H_STEPS(ROLE_AS(0, 0, DSLAB_ROLE_PRIMARY, "boss", 1), ROLE_AS(100, 2, DSLAB_ROLE_BACKUP, "primary", 1),
             H_NOTE(150, 2, "role", "primary", 1), /* untyped */
             ROLE_AS(200, 1, DSLAB_ROLE_LEADER, "chief", 2)),
     1000, .want = DSLAB_CHECK_FAIL, H_VIOLATIONS(1), .nodes_in = 1u << 0 | 1u << 1, .nodes_out = 1u << 2,
     .evidence = H_S(0) | H_S(3)},
    {"a backup or coordinator named 'primary' or 'leader' is none", AT_ONCE, "", 4,
     H_STEPS(ROLE_AS(0, 0, DSLAB_ROLE_PRIMARY, "primary", 1), ROLE_AS(100, 1, DSLAB_ROLE_BACKUP, "primary", 1),
             ROLE_AS(200, 2, DSLAB_ROLE_COORDINATOR, "leader", 1), H_NOTE(300, 2, "role", "leader", 1)),
     1000, .want = DSLAB_CHECK_PASS},
    {"at-once reports every pair of three primaries", AT_ONCE, "", 4,
     H_STEPS(H_ROLE(0, 0, "primary", 1), H_ROLE(100, 1, "primary", 2), H_ROLE(200, 2, "primary", 2)),
     1000, .want = DSLAB_CHECK_FAIL, H_VIOLATIONS(3)},
    {"at-once ignores candidates", AT_ONCE, "", 4,
     H_STEPS(H_ROLE(0, 0, "primary", 1), H_ROLE(300, 1, "candidate", 2), H_ROLE(400, 2, "candidate", 3)),
     1000, .want = DSLAB_CHECK_PASS},
    {"per-epoch accepts split brain in different epochs", PER_EPOCH, "", 4,
     H_STEPS(H_ROLE(0, 0, "primary", 1), H_ROLE(2300, 1, "primary", 2)), 5000,
     .want = DSLAB_CHECK_PASS},
    {"per-epoch rejects two primaries of one epoch, even apart", PER_EPOCH, "", 4,
     H_STEPS(H_ROLE(1000, 0, "primary", 3), H_ROLE(2000, 0, "backup", 3), H_ROLE(3000, 1, "primary", 3)),
     5000, .want = DSLAB_CHECK_FAIL, H_FROM(3000), .evidence = H_S(0) | H_S(2), .message_has = {"epoch 3"}},
    /* ...which single-primary-at-once accepts: they never overlapped. */
    {"at-once accepts two primaries of one epoch apart", AT_ONCE, "", 4,
     H_STEPS(H_ROLE(1000, 0, "primary", 3), H_ROLE(2000, 0, "backup", 3), H_ROLE(3000, 1, "primary", 3)),
     5000, .want = DSLAB_CHECK_PASS},
    /* A primary frozen by a pause accepts nothing: the at-once view does not
     * count it while paused. n1 (epoch 1) is paused 1s..3s; n2 leads epoch 2
     * from 1.5s; n1 steps down as it wakes (its lease ran out while frozen). */
    {"at-once does not count a paused primary", AT_ONCE, NULL, 4,
     H_STEPS(H_ROLE(0, 0, "primary", 1), PAUSE_2S(1000, 0), H_ROLE(1500, 1, "primary", 2), RESUME(3000, 0),
             H_ROLE(3000, 0, "backup", 2)),
     5000, .want = DSLAB_CHECK_PASS},
    /* ... but one that wakes and keeps leading is a second primary from its
     * resume until it steps down. */
    {"at-once counts a primary that wakes still leading", AT_ONCE, NULL, 4,
     H_STEPS(H_ROLE(0, 0, "primary", 1), PAUSE_2S(1000, 0), H_ROLE(1500, 1, "primary", 2), RESUME(3000, 0),
             H_ROLE(3500, 0, "backup", 2)),
     5000, .want = DSLAB_CHECK_FAIL, H_VIOLATIONS(1), H_WINDOW(3000, 3500)},
    /* A crash while paused ends it for good. */
    {"at-once: a crash while paused ends the primaryship", AT_ONCE, NULL, 4,
     H_STEPS(H_ROLE(0, 0, "primary", 1), PAUSE_2S(1000, 0), H_ROLE(1500, 1, "primary", 2), H_CRASH(2000, 0),
             RESUME(3000, 0)),
     5000, .want = DSLAB_CHECK_PASS},
};

static void test_checkers_reject_arguments(void **state) {
    (void)state;
    const char *const checkers[] = {"single-primary-at-once", "single-primary-per-epoch"};
    static char names[2][DSLAB_NAME_MAX] = {"n1", "n2"};
    for (int i = 0; i < 2; i++) {
        struct dslab_scenario sc;
        memset(&sc, 0, sizeof sc);
        sc.nodes_count = 2;
        sc.node_names = names;
        struct dslab_scenario_check check;
        memset(&check, 0, sizeof check);
        strcpy(check.name, checkers[i]);
        check.args = (char *)"2s";
        check.pos.line = 7;
        struct dslab_diag d;
        memset(&d, 0, sizeof d);
        void *st = NULL;
        assert_int_equal(dslab_checker_find(checkers[i])->create(&sc, &check, &st, &d), -1);
        assert_int_equal(d.line, 7);
    }
}

H_MAIN_CASES_AND(cases, cmocka_unit_test(test_checkers_reject_arguments))
