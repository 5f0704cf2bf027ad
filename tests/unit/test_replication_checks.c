/* test_replication_checks.c: no-lost-acknowledged-writes and convergence on
 * hand-made histories and final states they must accept and reject.
 *
 * A row builds a client history (invoke/ok/info records with true times
 * and trace ids) and the protocol's typed end-of-run reports (role,
 * final state, final values), fed to the checker in id order as the
 * simulator would, and states the verdict and evidence it must give
 * (tests/unit/harness_cases.h). */
#include "harness.h"

#define NLW "no-lost-acknowledged-writes"
/* A write of `value` to `key` by node 0: op `id` invoked, and completed with `type`. */
#define W_INV(id, key, value, t_ms) H_RECORD((id), DSLAB_OP_INVOKE, DSLAB_OP_WRITE, 0, (key), (value), (t_ms))
#define W_DONE(id, type, key, value, t_ms) H_RECORD((id), (type), DSLAB_OP_WRITE, 0, (key), (value), (t_ms))
#define HEAL(t_ms) H_EVENT((t_ms), DSLAB_TRACE_HEAL, -1, 0)

static const struct h_ck_case cases[] = {
    /* The key of a final value is the typed field (dslab_ctx_report_final_value),
     * not the text: a text naming another key changes nothing, and a free
     * note tagged "final" (dslab_ctx_annotate) is no final value at all. */
    {"nlw reads the typed key, not the text", NLW, "", 3,
     H_STEPS(W_INV(1, 1, 12, 0), W_DONE(1, DSLAB_OP_OK, 1, 12, 10), H_FINAL_STATE(100, 0, "primary"),
             H_REPORT(100, 0, DSLAB_ANNOTATION_FINAL_VALUE, DSLAB_ROLE_NONE, "final", "key=2 value=7", 12, 1)),
     100, .want = DSLAB_CHECK_PASS},
    {"nlw ignores a final value's text and a free 'final' note", NLW, "", 3,
     H_STEPS(W_INV(1, 1, 12, 0), W_DONE(1, DSLAB_OP_OK, 1, 12, 10), H_FINAL_STATE(100, 0, "primary"),
             H_REPORT(100, 0, DSLAB_ANNOTATION_FINAL_VALUE, DSLAB_ROLE_NONE, "final", "key=1 value=12", 12, 2),
             H_NOTE(100, 0, "final", "key=1 value=12", 12)),
     100, .want = DSLAB_CHECK_FAIL},
    {"nlw accepts the last write in the final state", NLW, "", 3,
     H_STEPS(W_INV(1, 1, 11, 0), W_DONE(1, DSLAB_OP_OK, 1, 11, 10), W_INV(2, 1, 12, 20),
             W_DONE(2, DSLAB_OP_OK, 1, 12, 30), H_FINAL_STATE(100, 0, "primary"),
             H_FINAL_VALUE(100, 0, 1, 12)),
     100, .want = DSLAB_CHECK_PASS},
    {"nlw rejects an older value, with evidence", NLW, "", 3,
     H_STEPS(W_INV(1, 1, 11, 0), W_DONE(1, DSLAB_OP_OK, 1, 11, 10), W_INV(2, 1, 12, 20),
             W_DONE(2, DSLAB_OP_OK, 1, 12, 30), H_FINAL_STATE(100, 1, "primary"),
             H_FINAL_VALUE(100, 1, 1, 11)),
     100, .want = DSLAB_CHECK_FAIL, H_VIOLATIONS(1), H_FROM(30), .message_has = {"= 12"},
     .evidence = H_S(1) | H_S(2) | H_S(3) | H_S(5)},
    {"nlw accepts the value of a concurrent write", NLW, "", 3,
     H_STEPS(W_INV(1, 1, 11, 0), W_INV(2, 1, 12, 10),
             W_DONE(1, DSLAB_OP_OK, 1, 11, 30), /* 11 overlaps 12: either may be last */
             W_DONE(2, DSLAB_OP_OK, 1, 12, 40), H_FINAL_STATE(100, 0, "primary"),
             H_FINAL_VALUE(100, 0, 1, 11)),
     100, .want = DSLAB_CHECK_PASS},
    {"nlw accepts the value of an indeterminate write", NLW, "", 3,
     H_STEPS(W_INV(1, 1, 11, 0), /* times out: may land any time later */
             W_INV(2, 1, 12, 20), W_DONE(2, DSLAB_OP_OK, 1, 12, 30), W_DONE(1, DSLAB_OP_INFO, 1, 11, 300),
             H_FINAL_STATE(400, 0, "primary"), H_FINAL_VALUE(400, 0, 1, 11)),
     400, .want = DSLAB_CHECK_PASS},
    {"nlw rejects an absent key and an unknown value", NLW, "", 3,
     H_STEPS(W_INV(1, 1, 11, 0), W_DONE(1, DSLAB_OP_OK, 1, 11, 10), W_INV(2, 2, 21, 20),
             W_DONE(2, DSLAB_OP_OK, 2, 21, 30), H_FINAL_STATE(100, 0, "primary"),
             H_FINAL_VALUE(100, 0, 2, 999) /* nobody wrote 999; key 1 absent */),
     100, .want = DSLAB_CHECK_FAIL, H_VIOLATIONS(2)},
    {"nlw judges the primary, not lagging backups", NLW, "", 3,
     H_STEPS(W_INV(1, 1, 11, 0), W_DONE(1, DSLAB_OP_OK, 1, 11, 10), W_INV(2, 1, 12, 20),
             W_DONE(2, DSLAB_OP_OK, 1, 12, 30), H_FINAL_STATE(100, 0, "primary"),
             H_FINAL_VALUE(100, 0, 1, 12), H_FINAL_STATE(100, 1, "backup"),
             H_FINAL_VALUE(100, 1, 1, 11) /* one heartbeat behind: fine */),
     100, .want = DSLAB_CHECK_PASS},
    {"nlw without a primary needs every node to lose it", NLW, "", 3,
     H_STEPS(W_INV(1, 1, 11, 0), W_DONE(1, DSLAB_OP_OK, 1, 11, 10), W_INV(2, 1, 12, 20),
             W_DONE(2, DSLAB_OP_OK, 1, 12, 30), H_CRASH(50, 0), /* the primary is down */
             H_FINAL_STATE(100, 1, "backup"), H_FINAL_VALUE(100, 1, 1, 11),
             H_FINAL_STATE(100, 2, "backup"), H_FINAL_VALUE(100, 2, 1, 12)),
     100, .want = DSLAB_CHECK_PASS},
    {"nlw is unknown without a final state", NLW, "", 3,
     H_STEPS(W_INV(1, 1, 11, 0), W_DONE(1, DSLAB_OP_OK, 1, 11, 10)), 100, .want = DSLAB_CHECK_UNKNOWN},

    {"convergence accepts agreement after quiet", "convergence", "500ms", 3,
     H_STEPS(HEAL(1000), H_FINAL_STATE(2000, 0, "primary"), H_FINAL_VALUE(2000, 0, 1, 11),
             H_FINAL_VALUE(2000, 0, 2, 21), H_FINAL_STATE(2000, 1, "backup"), H_FINAL_VALUE(2000, 1, 1, 11),
             H_FINAL_VALUE(2000, 1, 2, 21), H_FINAL_STATE(2000, 2, "backup"), H_FINAL_VALUE(2000, 2, 1, 11),
             H_FINAL_VALUE(2000, 2, 2, 21)),
     2000, .want = DSLAB_CHECK_PASS},
    {"convergence rejects disagreement, with evidence", "convergence", "500ms", 3,
     H_STEPS(HEAL(1000), H_FINAL_STATE(2000, 0, "primary"), H_FINAL_VALUE(2000, 0, 1, 11),
             H_FINAL_STATE(2000, 1, "backup"), H_FINAL_VALUE(2000, 1, 1, 12),
             H_FINAL_STATE(2000, 2, "backup") /* lacks key 1 */),
     2000, .want = DSLAB_CHECK_FAIL, H_VIOLATIONS(1), H_FROM(1500), .nodes_count = 3, .message_has = {"n3=absent"},
     .evidence = H_S(2) | H_S(4) | H_S(5)},
    {"convergence ignores crashed nodes", "convergence", "500ms", 3,
     H_STEPS(H_CRASH(1000, 2), H_FINAL_STATE(2000, 0, "backup"), H_FINAL_VALUE(2000, 0, 1, 11),
             H_FINAL_STATE(2000, 1, "backup"), H_FINAL_VALUE(2000, 1, 1, 11)),
     2000, .want = DSLAB_CHECK_PASS},
    {"convergence is unknown when the run ends too soon", "convergence", "2s", 3,
     H_STEPS(HEAL(1000), W_INV(1, 1, 11, 1500), /* writes count as disturbance too */
             H_FINAL_STATE(3000, 0, "primary"), H_FINAL_VALUE(3000, 0, 1, 11),
             H_FINAL_STATE(3000, 1, "backup")),
     3000, .want = DSLAB_CHECK_UNKNOWN, .summary_has = {"not judged"}},
    {"convergence refuses bad arguments", "convergence", NULL, 3, .refuse = (const char *const[]){"soon", "-1s", "0", "2", NULL}},
};

H_MAIN_CASES(cases)
