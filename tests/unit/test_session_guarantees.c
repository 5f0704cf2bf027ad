/* test_session_guarantees.c: the read-your-writes and monotonic-reads
 * checkers on hand-written histories: ones they must accept (another
 * client's stale view, reads concurrent with the write, indeterminate
 * writes, values nobody wrote), ones they must reject (nil or an older
 * value after the client's own write; a read that goes back after a newer
 * one), and the adversarial ones (the same value written twice, a
 * completion at the instant of the next invoke, keys and clients judged
 * apart, a late completion of a timed-out op). One row a history
 * (tests/unit/harness_cases.h); client = node = the first argument; every
 * history ends at 10s, on 3 nodes. */
#include <stdint.h>

#include "harness.h"

#define RYW "read-your-writes"
#define MR "monotonic-reads"
#define W(c, key, value, t0_ms, t1_ms, type) H_OP((c), DSLAB_OP_WRITE, (key), (value), (t0_ms), (t1_ms), (type))
#define R(c, key, value, t0_ms, t1_ms) H_OP((c), DSLAB_OP_READ, (key), (value), (t0_ms), (t1_ms), DSLAB_OP_OK)
#define OK DSLAB_OP_OK
#define NIL DSLAB_HISTORY_NIL

static const struct h_ck_case cases[] = {
    /* read-your-writes */
    {"ryw: reading one's own write back passes", RYW, "", 3,
     H_STEPS(W(0, 0, 11, 0, 10, OK), R(0, 0, 11, 20, 30)), 10000, .want = DSLAB_CHECK_PASS,
     .summary_has = {"0 of 1 reads"}},
    {"ryw: nil after one's own write fails", RYW, "", 3,
     H_STEPS(W(0, 0, 11, 0, 10, OK), R(0, 0, NIL, 20, 30)), 10000, .want = DSLAB_CHECK_FAIL,
     H_VIOLATIONS(1), H_WINDOW(10, 30), .message_has = {"client 0 read key 0", "got nil, older than its own write of 11"},
     .evidence = H_S(0) | H_S(1), .evidence_count = 3},
    {"ryw: an older value after one's own write fails", RYW, "", 3,
     H_STEPS(W(1, 0, 5, 0, 10, OK), W(0, 0, 11, 20, 30, OK), R(0, 0, 5, 40, 50)), 10000,
     .want = DSLAB_CHECK_FAIL, H_VIOLATIONS(1), .message_has = {"got 5"}, .summary_has = {"1 of 1 reads"}},
    {"ryw: another client's stale read is not this checker's business", RYW, "", 3,
     H_STEPS(W(0, 0, 11, 0, 10, OK), R(1, 0, NIL, 20, 30), R(2, 0, NIL, 40, 50),
             R(0, 0, 11, 60, 70)),
     10000, .want = DSLAB_CHECK_PASS, .summary_has = {"0 of 1 reads"}},
    {"ryw: a value written concurrently with one's own may win", RYW, "", 3,
     H_STEPS(W(1, 0, 5, 15, 40, OK) /* overlaps the client's write */, W(0, 0, 11, 20, 30, OK),
             R(0, 0, 5, 50, 60)),
     10000, .want = DSLAB_CHECK_PASS},
    {"ryw: a later write by someone else may be read", RYW, "", 3,
     H_STEPS(W(0, 0, 11, 0, 10, OK), W(1, 0, 12, 20, 30, OK), R(0, 0, 12, 40, 50)), 10000,
     .want = DSLAB_CHECK_PASS},
    {"ryw: a read invoked at the instant of the ack is concurrent", RYW, "", 3,
     H_STEPS(W(0, 0, 11, 0, 10, OK), R(0, 0, NIL, 10, 20)), 10000, .want = DSLAB_CHECK_UNKNOWN,
     .summary_has = {"not judged"}},
    {"ryw: an indeterminate or failed own write demands nothing", RYW, "", 3,
     H_STEPS(W(0, 0, 11, 0, 300, DSLAB_OP_INFO), W(0, 1, 12, 310, 320, DSLAB_OP_FAIL),
             R(0, 0, NIL, 400, 410), R(0, 1, NIL, 420, 430)),
     10000, .want = DSLAB_CHECK_UNKNOWN},
    {"ryw: an indeterminate write read back is never older", RYW, "", 3,
     H_STEPS(W(1, 0, 5, 0, 500, DSLAB_OP_INFO), W(0, 0, 11, 20, 30, OK), R(0, 0, 5, 40, 50)), 10000,
     .want = DSLAB_CHECK_PASS},
    {"ryw: the same value written twice is the first write's", RYW, "", 3,
     H_STEPS(W(1, 0, 7, 0, 10, OK), W(0, 0, 11, 20, 30, OK), W(1, 0, 7, 40, 50, OK),
             R(0, 0, 7, 60, 70)),
     10000, .want = DSLAB_CHECK_FAIL},
    {"ryw: keys are judged apart", RYW, "", 3,
     H_STEPS(W(0, 0, 11, 0, 10, OK), R(0, 1, NIL, 20, 30), R(0, 0, 11, 40, 50)), 10000,
     .want = DSLAB_CHECK_PASS, .summary_has = {"0 of 1 reads"}},
    {"ryw: the newest own write is the bar", RYW, "", 3,
     H_STEPS(W(0, 0, 11, 0, 10, OK), W(0, 0, 12, 20, 30, OK), R(0, 0, 11, 40, 50)), 10000,
     .want = DSLAB_CHECK_FAIL, .message_has = {"got 11, older than its own write of 12"}},
    {"ryw: a value nobody wrote is left to stale-reads", RYW, "", 3,
     H_STEPS(W(0, 0, 11, 0, 10, OK), R(0, 0, 99, 20, 30)), 10000, .want = DSLAB_CHECK_PASS},
    {"ryw: takes no argument", RYW, NULL, 3, .refuse = (const char *const[]){"1", "100ms", NULL},
     .refuse_has = "takes no arguments"},
    /* monotonic-reads */
    {"mr: reads that move forward pass", MR, "", 3,
     H_STEPS(W(2, 0, 11, 0, 10, OK), R(0, 0, 11, 20, 30), W(2, 0, 12, 40, 50, OK),
             R(0, 0, 12, 60, 70), R(0, 0, 12, 80, 90)),
     10000, .want = DSLAB_CHECK_PASS, .summary_has = {"0 of 2 reads"}},
    {"mr: a read older than an earlier one fails", MR, "", 3,
     H_STEPS(W(2, 0, 11, 0, 10, OK), W(2, 0, 12, 20, 30, OK), R(0, 0, 12, 40, 50),
             R(0, 0, 11, 60, 70)),
     10000, .want = DSLAB_CHECK_FAIL, H_VIOLATIONS(1), H_WINDOW(50, 70),
     .message_has = {"got 11, older than the 12 it had read"}, .evidence_count = 3},
    {"mr: nil after a value fails", MR, "", 3,
     H_STEPS(W(2, 0, 11, 0, 10, OK), R(0, 0, 11, 20, 30), R(0, 0, NIL, 40, 50)), 10000,
     .want = DSLAB_CHECK_FAIL, .message_has = {"got nil"}},
    {"mr: nil then nil is not judged as a step back", MR, "", 3,
     H_STEPS(R(0, 0, NIL, 20, 30), R(0, 0, NIL, 40, 50)), 10000, .want = DSLAB_CHECK_UNKNOWN},
    {"mr: concurrent writes may be read in either order", MR, "", 3,
     H_STEPS(W(1, 0, 11, 0, 30, OK), W(2, 0, 12, 10, 40, OK), R(0, 0, 12, 50, 60),
             R(0, 0, 11, 70, 80)),
     10000, .want = DSLAB_CHECK_PASS},
    {"mr: another client's older read is not a step back", MR, "", 3,
     H_STEPS(W(2, 0, 11, 0, 10, OK), W(2, 0, 12, 20, 30, OK), R(0, 0, 12, 40, 50),
             R(1, 0, 11, 60, 70)),
     10000, .want = DSLAB_CHECK_UNKNOWN},
    {"mr: overlapping reads of one client are not ordered", MR, "", 3,
     H_STEPS(W(2, 0, 11, 0, 10, OK), W(2, 0, 12, 20, 30, OK),
             R(0, 0, 12, 40, 70) /* a timed-out read answered late */, R(0, 0, 11, 60, 80)),
     10000, .want = DSLAB_CHECK_UNKNOWN},
    {"mr: the freshest earlier read is the bar, not the last", MR, "", 3,
     H_STEPS(W(2, 0, 11, 0, 10, OK), W(2, 0, 12, 20, 30, OK), W(1, 0, 13, 25, 60, OK),
             R(0, 0, 12, 40, 50), R(0, 0, 13, 70, 80) /* 13 overlaps 12: fine */,
             R(0, 0, 11, 90, 100) /* older than 12 */),
     10000, .want = DSLAB_CHECK_FAIL, H_VIOLATIONS(1), .message_has = {"got 11"}},
    {"mr: a read of an indeterminate write sets the bar by its invoke", MR, "", 3,
     H_STEPS(W(2, 0, 11, 0, 10, OK), W(1, 0, 12, 20, 500, DSLAB_OP_INFO), R(0, 0, 12, 40, 50),
             R(0, 0, 11, 60, 70)),
     10000, .want = DSLAB_CHECK_FAIL},
    {"mr: keys are judged apart", MR, "", 3,
     H_STEPS(W(2, 0, 11, 0, 10, OK), W(2, 1, 21, 0, 10, OK), W(2, 0, 12, 20, 30, OK),
             R(0, 0, 12, 40, 50), R(0, 1, 21, 60, 70)),
     10000, .want = DSLAB_CHECK_UNKNOWN},
    {"mr: violations come in the order of their reads", MR, "", 3,
     H_STEPS(W(2, 0, 11, 0, 10, OK), W(2, 0, 12, 20, 30, OK), R(1, 0, 12, 40, 50),
             R(0, 0, 12, 41, 51), R(0, 0, 11, 60, 70), R(1, 0, 11, 80, 90)),
     10000, .want = DSLAB_CHECK_FAIL, H_VIOLATIONS(2), .message_has = {"client 0"},
     .second_message_has = "client 1"},
};

H_MAIN_CASES(cases)
