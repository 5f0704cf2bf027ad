/* test_stale_reads.c: the stale-reads checker on hand-written histories it
 * must accept (reads that real-time order allows, however odd) and ones it
 * must reject (a value replaced before the read began, nil after a write,
 * a value nobody wrote), its measures (versions and time behind), and its
 * three argument forms. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static void start(struct h_ck *b, const char *args) { h_ck_begin(b, "stale-reads", args, 3); }

/* An op invoked at t0 and completed at t1 (ms), by client = node = its id
 * mod 3. type DSLAB_OP_INVOKE = no completion. Reads: value = value read (ok);
 * writes: value written. */
static void op(struct h_ck *b, enum dslab_op_fn fn, int64_t key, int64_t value, int64_t t0_ms,
               int64_t t1_ms, enum dslab_op_type type) {
    h_ck_op(b, (int32_t)((b->next_op + 1) % 3), fn, key, value, t0_ms, t1_ms, type);
}

static void test_read_after_write_sees_it_passes(void **st) {
    (void)st;
    struct h_ck b;
    start(&b, "");
    op(&b, DSLAB_OP_WRITE, 0, 11, 0, 10, DSLAB_OP_OK);
    op(&b, DSLAB_OP_READ, 0, 11, 20, 30, DSLAB_OP_OK);
    op(&b, DSLAB_OP_READ, 1, DSLAB_HISTORY_NIL, 20, 30, DSLAB_OP_OK); /* another key, never written */
    h_ck_expect(&b, 10 * 1000, DSLAB_CHECK_PASS, "0 of 2 reads stale");
}

static void test_read_during_write_may_return_old_value(void **st) {
    (void)st;
    struct h_ck b;
    start(&b, "");
    op(&b, DSLAB_OP_WRITE, 0, 11, 0, 10, DSLAB_OP_OK);
    op(&b, DSLAB_OP_WRITE, 0, 12, 20, 40, DSLAB_OP_OK);
    op(&b, DSLAB_OP_READ, 0, 11, 25, 35, DSLAB_OP_OK); /* invoked before 12 was acknowledged */
    assert_int_equal(h_ck_result(&b, 10 * 1000).verdict, DSLAB_CHECK_PASS);
}

static void test_overlapping_writes_either_order_passes(void **st) {
    (void)st;
    struct h_ck b;
    start(&b, "");
    op(&b, DSLAB_OP_WRITE, 0, 11, 0, 10, DSLAB_OP_OK);
    op(&b, DSLAB_OP_WRITE, 0, 12, 5, 15, DSLAB_OP_OK); /* overlaps 11: may be ordered first */
    op(&b, DSLAB_OP_READ, 0, 11, 20, 25, DSLAB_OP_OK);
    op(&b, DSLAB_OP_READ, 0, 12, 30, 35, DSLAB_OP_OK);
    assert_int_equal(h_ck_result(&b, 10 * 1000).verdict, DSLAB_CHECK_PASS);
}

static void test_replaced_value_is_stale_with_measures(void **st) {
    (void)st;
    struct h_ck b;
    start(&b, "");
    op(&b, DSLAB_OP_WRITE, 0, 11, 0, 10, DSLAB_OP_OK);
    op(&b, DSLAB_OP_WRITE, 0, 12, 20, 30, DSLAB_OP_OK);
    op(&b, DSLAB_OP_WRITE, 0, 13, 40, 50, DSLAB_OP_OK);
    op(&b, DSLAB_OP_READ, 0, 11, 80, 90, DSLAB_OP_OK); /* 2 versions behind, 12 acked 50ms before */
    struct dslab_check_result r = h_ck_result(&b, 10 * 1000);
    assert_int_equal(r.verdict, DSLAB_CHECK_FAIL);
    assert_int_equal(r.violations_total, 1);
    const struct dslab_check_violation *v = &r.violations[0];
    assert_int_equal(v->from_ns, 30 * DSLAB_NS_PER_MS);
    assert_int_equal(v->to_ns, 90 * DSLAB_NS_PER_MS);
    assert_non_null(strstr(v->message, "got 11, but 2 newer writes"));
    assert_non_null(strstr(v->message, "50ms stale"));
    assert_int_equal(v->evidence_count, 4); /* read invoke, read ok, 11's ok, 12's ok */
    assert_non_null(strstr(r.summary, "1 of 1 reads stale"));
    assert_non_null(strstr(r.summary, "worst 2 versions"));
}

static void test_keys_are_judged_apart(void **st) {
    (void)st;
    struct h_ck b;
    start(&b, "");
    for (int64_t k = 0; k < 3; k++) {
        op(&b, DSLAB_OP_WRITE, k, 100 + k, 0, 10, DSLAB_OP_OK);
        op(&b, DSLAB_OP_WRITE, k, 200 + k, 20, 30, DSLAB_OP_OK);
    }
    op(&b, DSLAB_OP_READ, 0, 200, 40, 50, DSLAB_OP_OK);
    op(&b, DSLAB_OP_READ, 1, 201, 40, 50, DSLAB_OP_OK);
    op(&b, DSLAB_OP_READ, 2, 102, 40, 50, DSLAB_OP_OK); /* only key 2 is behind */
    op(&b, DSLAB_OP_READ, 3, DSLAB_HISTORY_NIL, 40, 50, DSLAB_OP_OK);
    struct dslab_check_result r = h_ck_result(&b, 10 * 1000);
    assert_int_equal(r.violations_total, 1);
    assert_non_null(strstr(r.violations[0].message, "key 2"));
    assert_non_null(strstr(r.violations[0].message, "1 newer write was"));
}

static void test_nil_after_acknowledged_write_is_stale(void **st) {
    (void)st;
    struct h_ck b;
    start(&b, "");
    op(&b, DSLAB_OP_WRITE, 0, 11, 0, 10, DSLAB_OP_OK);
    op(&b, DSLAB_OP_READ, 0, DSLAB_HISTORY_NIL, 20, 30, DSLAB_OP_OK);
    struct dslab_check_result r = h_ck_result(&b, 10 * 1000);
    assert_int_equal(r.verdict, DSLAB_CHECK_FAIL);
    assert_non_null(strstr(r.violations[0].message, "got nil"));
}

static void test_indeterminate_writes_never_make_reads_stale(void **st) {
    (void)st;
    struct h_ck b;
    start(&b, "");
    op(&b, DSLAB_OP_WRITE, 0, 11, 0, 500, DSLAB_OP_INFO);  /* may take effect any time after 0 */
    op(&b, DSLAB_OP_WRITE, 0, 12, 10, 20, DSLAB_OP_OK);
    op(&b, DSLAB_OP_READ, 0, 11, 30, 40, DSLAB_OP_OK);     /* 11 may have landed after 12 */
    op(&b, DSLAB_OP_WRITE, 0, 13, 50, 900, DSLAB_OP_INFO); /* unknown: does not replace 11 */
    op(&b, DSLAB_OP_READ, 0, 11, 950, 960, DSLAB_OP_OK);
    op(&b, DSLAB_OP_READ, 0, 14, 970, 980, DSLAB_OP_OK);   /* 14 is still in flight: fine */
    op(&b, DSLAB_OP_WRITE, 0, 14, 965, 0, DSLAB_OP_INVOKE);
    assert_int_equal(h_ck_result(&b, 10 * 1000).verdict, DSLAB_CHECK_PASS);
}

static void test_value_never_written_is_reported(void **st) {
    (void)st;
    struct h_ck b;
    start(&b, "");
    op(&b, DSLAB_OP_WRITE, 0, 11, 0, 10, DSLAB_OP_FAIL);
    op(&b, DSLAB_OP_READ, 0, 99, 20, 30, DSLAB_OP_OK);
    op(&b, DSLAB_OP_READ, 0, 11, 40, 50, DSLAB_OP_OK);
    struct dslab_check_result r = h_ck_result(&b, 10 * 1000);
    assert_int_equal(r.verdict, DSLAB_CHECK_FAIL);
    assert_int_equal(r.violations_total, 2);
    assert_non_null(strstr(r.violations[0].message, "which no write wrote"));
    assert_non_null(strstr(r.violations[1].message, "failed"));
}

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

static void test_bad_arguments_are_errors(void **st) {
    (void)st;
    h_ck_expect_refused_each("stale-reads", (const char *const[]){"lots", "1.5", "-3ms", "10parsecs", NULL}, 3,
                             "stale-reads");
}

H_MAIN(cmocka_unit_test(test_read_after_write_sees_it_passes),
       cmocka_unit_test(test_read_during_write_may_return_old_value),
       cmocka_unit_test(test_overlapping_writes_either_order_passes),
       cmocka_unit_test(test_replaced_value_is_stale_with_measures),
       cmocka_unit_test(test_keys_are_judged_apart),
       cmocka_unit_test(test_nil_after_acknowledged_write_is_stale),
       cmocka_unit_test(test_indeterminate_writes_never_make_reads_stale),
       cmocka_unit_test(test_value_never_written_is_reported),
       cmocka_unit_test(test_fraction_argument_allows_a_share),
       cmocka_unit_test(test_bound_argument_judges_time_behind),
       cmocka_unit_test(test_bad_arguments_are_errors))
