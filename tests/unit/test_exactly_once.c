/* test_exactly_once.c: the exactly-once-effects checker on hand-made
 * histories and final counts (a write is "add one", a read the count):
 *   - consistent reads pass; a read above the increments invoked before
 *     it completed fails, with its window, nodes and evidence;
 *   - an unknown increment may have happened (room for it); a failed one
 *     certainly did not (no room); one invoked after the read completed
 *     gives no room either;
 *   - a read below the increments acknowledged before it was invoked is a
 *     lost acknowledged increment; a concurrent increment may or may not
 *     be in the read;
 *   - the same excess seen again is not a new violation; a larger one is;
 *     keys are judged apart;
 *   - final counts: above all increments, or below the acknowledged ones,
 *     fail and name the node that holds the counter;
 *   - nothing incremented: not judged; arguments are refused. */
#include <string.h>

#include "harness.h"

static void test_consistent_reads_pass(void **state) {
    (void)state;
    struct h_ck k;
    h_ck_begin(&k, "exactly-once-effects", "", 3);
    h_ck_op(&k, 1, DSLAB_OP_WRITE, 0, 7, 10, 20, DSLAB_OP_OK);
    h_ck_op(&k, 1, DSLAB_OP_READ, 0, 1, 30, 40, DSLAB_OP_OK);
    h_ck_op(&k, 2, DSLAB_OP_WRITE, 0, 8, 50, 60, DSLAB_OP_OK);
    h_ck_op(&k, 2, DSLAB_OP_READ, 0, 2, 70, 80, DSLAB_OP_OK);
    h_ck_final_state(&k, 90, 0, "server");
    h_ck_final_value(&k, 90, 0, 0, 2);
    h_ck_expect(&k, 100, DSLAB_CHECK_PASS, "2 increments (2 ok, 0 unknown or unfinished), 2 reads checked");
}

static void test_read_above_invoked_fails(void **state) {
    (void)state;
    struct h_ck k;
    h_ck_begin(&k, "exactly-once-effects", "", 3);
    h_ck_op(&k, 1, DSLAB_OP_WRITE, 0, 7, 10, 20, DSLAB_OP_OK);
    h_ck_op(&k, 2, DSLAB_OP_READ, 0, 1, 30, 40, DSLAB_OP_OK);
    h_ck_op(&k, 2, DSLAB_OP_READ, 0, 2, 50, 60, DSLAB_OP_OK); /* one increment, counted twice */
    h_ck_final_state(&k, 90, 0, "server");
    h_ck_final_value(&k, 90, 0, 0, 2);
    struct dslab_check_result r = h_ck_result(&k, 100);
    assert_int_equal(r.verdict, DSLAB_CHECK_FAIL);
    assert_int_equal(r.violations_total, 1); /* the final count shows no more than the read did */
    const struct dslab_check_violation *v = &r.violations[0];
    h_expect_window(v, 40, 60); /* from the last read that was right */
    assert_true(h_has_node(v, 2));
    assert_true(h_has_node(v, 0)); /* n1 holds the counter */
    assert_non_null(strstr(v->message, "k0 read 2 at 0.060000s but only 1 increments had been invoked"));
    assert_non_null(strstr(r.summary, "at least 1 applied more than once"));
}

static void test_unknown_increment_is_room(void **state) {
    (void)state;
    struct h_ck k;
    h_ck_begin(&k, "exactly-once-effects", "", 3);
    h_ck_op(&k, 1, DSLAB_OP_WRITE, 0, 7, 10, 25, DSLAB_OP_INFO); /* timed out: may have happened */
    h_ck_op(&k, 1, DSLAB_OP_WRITE, 0, 8, 20, 0, DSLAB_OP_INVOKE); /* never completed */
    h_ck_op(&k, 2, DSLAB_OP_READ, 0, 2, 30, 40, DSLAB_OP_OK);
    h_ck_expect(&k, 100, DSLAB_CHECK_PASS, "2 increments (0 ok, 2 unknown or unfinished)");
}

static void test_failed_increment_is_no_room(void **state) {
    (void)state;
    struct h_ck k;
    h_ck_begin(&k, "exactly-once-effects", "", 3);
    h_ck_op(&k, 1, DSLAB_OP_WRITE, 0, 7, 10, 20, DSLAB_OP_FAIL); /* certainly did not happen */
    h_ck_op(&k, 2, DSLAB_OP_READ, 0, 1, 30, 40, DSLAB_OP_OK);
    h_ck_expect(&k, 100, DSLAB_CHECK_FAIL, "at least 1 applied more than once");
}

static void test_later_increment_is_no_room(void **state) {
    (void)state;
    struct h_ck k;
    h_ck_begin(&k, "exactly-once-effects", "", 3);
    h_ck_op(&k, 2, DSLAB_OP_READ, 0, 1, 10, 20, DSLAB_OP_OK); /* reads 1 before anyone incremented */
    h_ck_op(&k, 1, DSLAB_OP_WRITE, 0, 7, 21, 30, DSLAB_OP_OK);
    h_ck_expect(&k, 100, DSLAB_CHECK_FAIL, "at least 1 applied more than once");
}

static void test_lost_acknowledged_increment(void **state) {
    (void)state;
    struct h_ck k;
    h_ck_begin(&k, "exactly-once-effects", "", 3);
    h_ck_op(&k, 1, DSLAB_OP_WRITE, 0, 7, 10, 20, DSLAB_OP_OK);
    h_ck_op(&k, 1, DSLAB_OP_WRITE, 0, 8, 30, 40, DSLAB_OP_OK);
    h_ck_op(&k, 2, DSLAB_OP_READ, 0, 1, 50, 60, DSLAB_OP_OK);
    struct dslab_check_result r = h_ck_result(&k, 100);
    assert_int_equal(r.verdict, DSLAB_CHECK_FAIL);
    assert_non_null(strstr(r.violations[0].message, "1 acknowledged increments lost"));
    assert_non_null(strstr(r.summary, "1 acknowledged lost"));
}

static void test_concurrent_increment_either_way(void **state) {
    (void)state;
    for (int64_t seen = 0; seen <= 1; seen++) {
        struct h_ck k;
        h_ck_begin(&k, "exactly-once-effects", "", 3);
        h_ck_op(&k, 1, DSLAB_OP_WRITE, 0, 7, 10, 50, DSLAB_OP_OK); /* overlaps the read */
        h_ck_op(&k, 2, DSLAB_OP_READ, 0, seen, 20, 40, DSLAB_OP_OK);
        h_ck_expect(&k, 100, DSLAB_CHECK_PASS, "1 increments");
    }
}

static void test_excess_reported_when_it_grows(void **state) {
    (void)state;
    struct h_ck k;
    h_ck_begin(&k, "exactly-once-effects", "", 3);
    h_ck_op(&k, 1, DSLAB_OP_WRITE, 0, 7, 10, 20, DSLAB_OP_OK);
    h_ck_op(&k, 2, DSLAB_OP_READ, 0, 2, 30, 40, DSLAB_OP_OK);  /* 1 ahead */
    h_ck_op(&k, 2, DSLAB_OP_READ, 0, 2, 50, 60, DSLAB_OP_OK);  /* still 1 ahead: not new */
    h_ck_op(&k, 1, DSLAB_OP_WRITE, 0, 8, 70, 80, DSLAB_OP_OK);
    h_ck_op(&k, 2, DSLAB_OP_READ, 0, 4, 90, 100, DSLAB_OP_OK); /* 2 ahead: new */
    struct dslab_check_result r = h_ck_result(&k, 200);
    assert_int_equal(r.verdict, DSLAB_CHECK_FAIL);
    assert_int_equal(r.violations_total, 2);
    h_expect_window(&r.violations[0], 10, 40);
    h_expect_window(&r.violations[1], 60, 100);
    assert_non_null(strstr(r.summary, "at least 2 applied more than once"));
}

static void test_keys_apart_and_in_time_order(void **state) {
    (void)state;
    struct h_ck k;
    h_ck_begin(&k, "exactly-once-effects", "", 3);
    h_ck_op(&k, 1, DSLAB_OP_WRITE, 5, 7, 10, 20, DSLAB_OP_OK);
    h_ck_op(&k, 1, DSLAB_OP_WRITE, 3, 7, 10, 20, DSLAB_OP_OK);
    h_ck_op(&k, 2, DSLAB_OP_READ, 3, 1, 30, 40, DSLAB_OP_OK); /* key 3: right */
    h_ck_op(&k, 2, DSLAB_OP_READ, 5, 2, 30, 45, DSLAB_OP_OK); /* key 5: 1 ahead (key 3's increment is not room) */
    h_ck_op(&k, 2, DSLAB_OP_READ, 3, 2, 50, 55, DSLAB_OP_OK); /* key 3: 1 ahead, later */
    struct dslab_check_result r = h_ck_result(&k, 100);
    assert_int_equal(r.violations_total, 2);
    assert_non_null(strstr(r.violations[0].message, "k5 read 2"));
    assert_non_null(strstr(r.violations[1].message, "k3 read 2"));
    assert_non_null(strstr(r.summary, "at least 2 applied more than once"));
}

static void test_final_counts(void **state) {
    (void)state;
    struct h_ck k;
    h_ck_begin(&k, "exactly-once-effects", "", 3);
    h_ck_op(&k, 1, DSLAB_OP_WRITE, 0, 7, 10, 20, DSLAB_OP_OK);
    h_ck_op(&k, 1, DSLAB_OP_WRITE, 1, 7, 10, 20, DSLAB_OP_OK);
    h_ck_final_state(&k, 90, 0, "server");
    h_ck_final_value(&k, 90, 0, 0, 3); /* key 0: 2 ahead */
    h_ck_final_value(&k, 90, 0, 1, 0); /* key 1: the acknowledged increment is gone */
    struct dslab_check_result r = h_ck_result(&k, 100);
    assert_int_equal(r.verdict, DSLAB_CHECK_FAIL);
    assert_int_equal(r.violations_total, 2);
    bool high = false, low = false;
    for (int i = 0; i < r.violations_count; i++) {
        const struct dslab_check_violation *v = &r.violations[i];
        assert_true(h_has_node(v, 0));
        assert_int_equal(v->to_ns, 100 * DSLAB_NS_PER_MS);
        high |= strstr(v->message, "k0 ends at 3 but only 1 increments were invoked: at least 2") != NULL;
        low |= strstr(v->message, "k1 ends at 0 but 1 increments were acknowledged: 1 acknowledged") != NULL;
    }
    assert_true(high && low);
}

static void test_not_judged(void **state) {
    (void)state;
    struct h_ck k;
    h_ck_begin(&k, "exactly-once-effects", "", 3);
    h_ck_expect(&k, 100, DSLAB_CHECK_UNKNOWN, "not judged: no increment was invoked");
    h_ck_begin(&k, "exactly-once-effects", "", 3);
    h_ck_op(&k, 2, DSLAB_OP_READ, 0, 0, 30, 40, DSLAB_OP_OK);
    h_ck_op(&k, 2, DSLAB_OP_CAS, 0, 1, 30, 40, DSLAB_OP_FAIL);
    h_ck_expect(&k, 100, DSLAB_CHECK_UNKNOWN, "not judged: no increment was invoked");
    /* a read above zero with nothing invoked is judged: it is an effect from nowhere */
    h_ck_begin(&k, "exactly-once-effects", "", 3);
    h_ck_op(&k, 2, DSLAB_OP_READ, 0, 1, 30, 40, DSLAB_OP_OK);
    h_ck_expect(&k, 100, DSLAB_CHECK_FAIL, "at least 1 applied more than once");
}

/* Values no counter holds: nothing read (nil), the extremes of int64. No
 * overflow (the sanitizer build would say), and each is judged. */
static void test_extreme_values(void **state) {
    (void)state;
    struct h_ck k;
    h_ck_begin(&k, "exactly-once-effects", "", 3);
    h_ck_op(&k, 1, DSLAB_OP_WRITE, 0, 7, 10, 20, DSLAB_OP_OK);
    h_ck_op(&k, 2, DSLAB_OP_READ, 0, DSLAB_HISTORY_NIL, 30, 40, DSLAB_OP_OK); /* 0: one acknowledged lost */
    h_ck_op(&k, 2, DSLAB_OP_READ, 0, INT64_MIN + 1, 50, 60, DSLAB_OP_OK);
    h_ck_op(&k, 2, DSLAB_OP_READ, 0, INT64_MAX, 70, 80, DSLAB_OP_OK);
    h_ck_final_state(&k, 90, 0, "server");
    h_ck_final_value(&k, 90, 0, 0, INT64_MIN);
    h_ck_final_value(&k, 90, 0, 9, INT64_MAX); /* a key nobody incremented */
    struct dslab_check_result r = h_ck_result(&k, 100);
    assert_int_equal(r.verdict, DSLAB_CHECK_FAIL);
    assert_int_equal(r.violations_total, 4); /* nil, the low read, the high read, key 9 */
    assert_non_null(strstr(r.summary, "applied more than once"));
}

static void test_arguments_refused(void **state) {
    (void)state;
    h_ck_expect_refused("exactly-once-effects", "1s", 3, "takes no arguments");
}

H_MAIN(cmocka_unit_test(test_consistent_reads_pass), cmocka_unit_test(test_read_above_invoked_fails),
       cmocka_unit_test(test_unknown_increment_is_room), cmocka_unit_test(test_failed_increment_is_no_room),
       cmocka_unit_test(test_later_increment_is_no_room), cmocka_unit_test(test_lost_acknowledged_increment),
       cmocka_unit_test(test_concurrent_increment_either_way), cmocka_unit_test(test_excess_reported_when_it_grows),
       cmocka_unit_test(test_keys_apart_and_in_time_order), cmocka_unit_test(test_final_counts),
       cmocka_unit_test(test_not_judged), cmocka_unit_test(test_extreme_values),
       cmocka_unit_test(test_arguments_refused))
