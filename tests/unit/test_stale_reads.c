/* test_stale_reads.c: the stale-reads checker on hand-written histories it
 * must accept (reads that real-time order allows, however odd) and ones it
 * must reject (a value replaced before the read began, nil after a write,
 * a value nobody wrote), its measures (versions and time behind), and its
 * three argument forms. One row a history (tests/unit/harness_cases.h);
 * every history ends at 10s, on 3 nodes. */
#include <stdint.h>

#include "harness.h"

static void start(struct h_ck *b, const char *args) { h_ck_begin(b, "stale-reads", args, 3); }

/* An op invoked at t0 and completed at t1 (ms), by client = node = its id
 * mod 3 (the n-th op of a history has id n). type DSLAB_OP_INVOKE = no
 * completion. Reads: value = value read (ok); writes: value written. */
static void op(struct h_ck *b, enum dslab_op_fn fn, int64_t key, int64_t value, int64_t t0_ms,
               int64_t t1_ms, enum dslab_op_type type) {
    h_ck_op(b, (int32_t)((b->next_op + 1) % 3), fn, key, value, t0_ms, t1_ms, type);
}

#define SR "stale-reads"
#define W(id, key, value, t0_ms, t1_ms, type) H_OP((id) % 3, DSLAB_OP_WRITE, (key), (value), (t0_ms), (t1_ms), (type))
#define R(id, key, value, t0_ms, t1_ms) H_OP((id) % 3, DSLAB_OP_READ, (key), (value), (t0_ms), (t1_ms), DSLAB_OP_OK)
#define NIL DSLAB_HISTORY_NIL

static const struct h_ck_case cases[] = {
    {"a read after the write sees it: pass", SR, "", 3,
     H_STEPS(W(1, 0, 11, 0, 10, DSLAB_OP_OK), R(2, 0, 11, 20, 30),
             R(3, 1, NIL, 20, 30) /* another key, never written */),
     10000, .want = DSLAB_CHECK_PASS, .summary_has = {"0 of 2 reads stale"}},
    {"a read during a write may return the old value", SR, "", 3,
     H_STEPS(W(1, 0, 11, 0, 10, DSLAB_OP_OK), W(2, 0, 12, 20, 40, DSLAB_OP_OK),
             R(3, 0, 11, 25, 35) /* invoked before 12 was acknowledged */),
     10000, .want = DSLAB_CHECK_PASS},
    {"overlapping writes in either order pass", SR, "", 3,
     H_STEPS(W(1, 0, 11, 0, 10, DSLAB_OP_OK),
             W(2, 0, 12, 5, 15, DSLAB_OP_OK), /* overlaps 11: may be ordered first */
             R(3, 0, 11, 20, 25), R(4, 0, 12, 30, 35)),
     10000, .want = DSLAB_CHECK_PASS},
    {"a replaced value is stale, with its measures", SR, "", 3,
     H_STEPS(W(1, 0, 11, 0, 10, DSLAB_OP_OK), W(2, 0, 12, 20, 30, DSLAB_OP_OK),
             W(3, 0, 13, 40, 50, DSLAB_OP_OK),
             R(4, 0, 11, 80, 90) /* 2 versions behind, 12 acked 50ms before */),
     10000, .want = DSLAB_CHECK_FAIL, H_VIOLATIONS(1), H_WINDOW(30, 90),
     .message_has = {"got 11, but 2 newer writes", "50ms stale"},
     .evidence_count = 4, /* read invoke, read ok, 11's ok, 12's ok */
     .summary_has = {"1 of 1 reads stale", "worst 2 versions"}},
    {"keys are judged apart", SR, "", 3,
     H_STEPS(W(1, 0, 100, 0, 10, DSLAB_OP_OK), W(2, 0, 200, 20, 30, DSLAB_OP_OK),
             W(3, 1, 101, 0, 10, DSLAB_OP_OK), W(4, 1, 201, 20, 30, DSLAB_OP_OK),
             W(5, 2, 102, 0, 10, DSLAB_OP_OK), W(6, 2, 202, 20, 30, DSLAB_OP_OK), R(7, 0, 200, 40, 50),
             R(8, 1, 201, 40, 50), R(9, 2, 102, 40, 50), /* only key 2 is behind */
             R(10, 3, NIL, 40, 50)),
     10000, .want = DSLAB_CHECK_FAIL, H_VIOLATIONS(1), .message_has = {"key 2", "1 newer write was"}},
    {"nil after an acknowledged write is stale", SR, "", 3,
     H_STEPS(W(1, 0, 11, 0, 10, DSLAB_OP_OK), R(2, 0, NIL, 20, 30)), 10000,
     .want = DSLAB_CHECK_FAIL, .message_has = {"got nil"}},
    {"indeterminate writes never make reads stale", SR, "", 3,
     H_STEPS(W(1, 0, 11, 0, 500, DSLAB_OP_INFO), /* may take effect any time after 0 */
             W(2, 0, 12, 10, 20, DSLAB_OP_OK),
             R(3, 0, 11, 30, 40),                /* 11 may have landed after 12 */
             W(4, 0, 13, 50, 900, DSLAB_OP_INFO), /* unknown: does not replace 11 */
             R(5, 0, 11, 950, 960), R(6, 0, 14, 970, 980), /* 14 is still in flight: fine */
             W(7, 0, 14, 965, 0, DSLAB_OP_INVOKE)),
     10000, .want = DSLAB_CHECK_PASS},
    {"a value never written is reported", SR, "", 3,
     H_STEPS(W(1, 0, 11, 0, 10, DSLAB_OP_FAIL), R(2, 0, 99, 20, 30), R(3, 0, 11, 40, 50)), 10000,
     .want = DSLAB_CHECK_FAIL, H_VIOLATIONS(2), .message_has = {"which no write wrote"}, .second_message_has = "failed"},
    {"bad arguments are errors", SR, NULL, 3, .refuse = (const char *const[]){"lots", "1.5", "-3ms", "10parsecs", NULL},
     .refuse_has = "stale-reads"},
};

static void stale_history(struct h_ck *b, const char *args, int reads, int stale, int64_t stale_ms) {
    start(b, args);
    op(b, DSLAB_OP_WRITE, 0, 11, 0, 10, DSLAB_OP_OK);
    op(b, DSLAB_OP_WRITE, 0, 12, 20, 30, DSLAB_OP_OK);
    for (int i = 0; i < reads; i++) {
        op(b, DSLAB_OP_READ, 0, i < stale ? 11 : 12, 30 + stale_ms + i, 31 + stale_ms + i, DSLAB_OP_OK);
    }
}

static void test_fraction_argument_allows_a_share(void **st) {
    (void)st;
    struct h_ck b;
    stale_history(&b, "5%", 20, 1, 5);
    assert_int_equal(h_ck_result(&b, 10 * 1000).verdict, DSLAB_CHECK_PASS);
    stale_history(&b, "0.05", 20, 2, 5);
    struct dslab_check_result r = h_ck_result(&b, 10 * 1000);
    assert_int_equal(r.verdict, DSLAB_CHECK_FAIL);
    assert_int_equal(r.violations_total, 2); /* over the share: every stale read listed */
    stale_history(&b, "0", 20, 1, 5);
    assert_int_equal(h_ck_result(&b, 10 * 1000).verdict, DSLAB_CHECK_FAIL);
}

static void test_bound_argument_judges_time_behind(void **st) {
    (void)st;
    struct h_ck b;
    stale_history(&b, "10ms", 3, 3, 5); /* 5..7ms behind */
    assert_int_equal(h_ck_result(&b, 10 * 1000).verdict, DSLAB_CHECK_PASS);
    stale_history(&b, "10ms", 3, 3, 20); /* 20..22ms behind */
    struct dslab_check_result r = h_ck_result(&b, 10 * 1000);
    assert_int_equal(r.verdict, DSLAB_CHECK_FAIL);
    assert_int_equal(r.violations_total, 3);
}

H_MAIN_CASES_AND(cases, cmocka_unit_test(test_fraction_argument_allows_a_share),
             cmocka_unit_test(test_bound_argument_judges_time_behind))
