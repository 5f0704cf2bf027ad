/* test_arrival_peak.c: the arrival-peak checker on hand-made traces. An
 * arrival is a send (or duplicate) to the node, at its scheduled delivery
 * time: arrivals are judged in their own order, not the sends', over a
 * sliding window (a burst across a boundary of fixed windows is still one
 * burst), half-open (two arrivals exactly a window apart are not within
 * it); each stretch of too many is one violation with the senders;
 * dropped sends, messages to other nodes and arrivals after the end do not
 * count; no arrival is not judged; bad arguments are refused. */
#include <string.h>

#include "harness.h"

#define MS DSLAB_NS_PER_MS

/* a send from `from` at t_ms to n1 (node 0), arriving at arrive_us */
static uint64_t arrive(struct h_ck *k, int64_t t_ms, int32_t from, int64_t arrive_us) {
    return h_ck_emit(k, t_ms, DSLAB_TRACE_SEND, from, 0, arrive_us * DSLAB_NS_PER_US, NULL, "REQ");
}

static void test_a_burst_above_the_bound_is_one_violation_with_its_senders(void **state) {
    (void)state;
    struct h_ck k;
    h_ck_begin(&k, "arrival-peak", "n1 at most 2 per 10ms", 4);
    arrive(&k, 99, 1, 100000);
    uint64_t second = arrive(&k, 99, 2, 101000);
    arrive(&k, 100, 3, 102000);
    arrive(&k, 150, 1, 151000);
    struct dslab_check_result r = h_ck_result(&k, 1000);
    assert_int_equal(r.verdict, DSLAB_CHECK_FAIL);
    assert_int_equal(r.violations_count, 1);
    h_expect_window(&r.violations[0], 100, 102);
    for (int32_t n = 1; n <= 3; n++) assert_true(h_has_node(&r.violations[0], n));
    assert_true(h_has_evidence(&r.violations[0], second));
    assert_non_null(strstr(r.violations[0].message, "3 arrivals within 10ms from 0.100000s (bound 2)"));
    assert_non_null(strstr(r.summary, "peak 3 arrivals within 10ms"));
}

static void test_the_same_arrivals_spread_out_pass(void **state) {
    (void)state;
    struct h_ck k;
    h_ck_begin(&k, "arrival-peak", "n1 at most 2 per 10ms", 4);
    for (int i = 0; i < 30; i++) arrive(&k, 20 * i, 1 + i % 3, (20 * i + 1) * 1000);
    h_ck_expect(&k, 1000, DSLAB_CHECK_PASS, "peak 1 arrivals within 10ms");
}

static void test_arrivals_are_judged_in_arrival_order_not_send_order(void **state) {
    (void)state;
    struct h_ck k;
    h_ck_begin(&k, "arrival-peak", "n1 at most 2 per 10ms", 4);
    arrive(&k, 10, 1, 105000); /* slow: sent first, arrives last */
    arrive(&k, 50, 2, 100000);
    arrive(&k, 60, 3, 60000);
    arrive(&k, 90, 3, 101000);
    struct dslab_check_result r = h_ck_result(&k, 1000);
    assert_int_equal(r.violations_count, 1);
    h_expect_window(&r.violations[0], 100, 105);
}

static void test_the_window_slides_across_fixed_boundaries(void **state) {
    (void)state;
    struct h_ck k;
    /* fixed 10ms windows would see 1 | 2 and pass */
    h_ck_begin(&k, "arrival-peak", "n1 at most 2 per 10ms", 4);
    arrive(&k, 0, 1, 8000);
    arrive(&k, 0, 2, 12000);
    arrive(&k, 0, 3, 14000);
    h_ck_expect(&k, 1000, DSLAB_CHECK_FAIL, "peak 3");
    /* exactly a window apart is not within it */
    h_ck_begin(&k, "arrival-peak", "n1 at most 1 per 10ms", 4);
    arrive(&k, 0, 1, 0);
    arrive(&k, 0, 2, 10000);
    arrive(&k, 0, 3, 20000);
    h_ck_expect(&k, 1000, DSLAB_CHECK_PASS, "peak 1");
}

static void test_two_bursts_are_two_violations(void **state) {
    (void)state;
    struct h_ck k;
    h_ck_begin(&k, "arrival-peak", "n1 at most 2 per 10ms", 4);
    for (int burst = 0; burst < 2; burst++) {
        for (int i = 0; i < 3; i++) arrive(&k, 500 * burst, 1 + i, (500 * burst + 100) * 1000 + i);
    }
    struct dslab_check_result r = h_ck_result(&k, 1000);
    assert_int_equal(r.violations_count, 2);
    assert_int_equal(r.violations[1].from_ns, 600 * MS);
}

static void test_only_arrivals_at_the_node_within_the_run_count(void **state) {
    (void)state;
    struct h_ck k;
    h_ck_begin(&k, "arrival-peak", "n1 at most 2 per 10ms", 4);
    arrive(&k, 0, 1, 100000);
    h_ck_emit(&k, 0, DSLAB_TRACE_SEND, 2, 0, -1, NULL, "REQ");            /* dropped at once */
    h_ck_emit(&k, 0, DSLAB_TRACE_SEND, 1, 3, 100 * MS, NULL, "REQ");      /* to n4 */
    h_ck_emit(&k, 0, DSLAB_TRACE_DELIVER, 2, 0, 0, NULL, "REQ");          /* not an arrival record */
    arrive(&k, 990, 3, 1001000);                                          /* after the end */
    arrive(&k, 990, 2, 1002000);
    h_ck_expect(&k, 1000, DSLAB_CHECK_PASS, "1 in all");
    /* a duplicate is one more arrival */
    h_ck_begin(&k, "arrival-peak", "n1 at most 1 per 10ms", 4);
    arrive(&k, 0, 1, 100000);
    h_ck_emit(&k, 0, DSLAB_TRACE_DUPLICATE, 1, 0, 101 * MS, NULL, "REQ");
    h_ck_expect(&k, 1000, DSLAB_CHECK_FAIL, "peak 2");
}

static void test_no_arrival_is_not_judged(void **state) {
    (void)state;
    struct h_ck k;
    h_ck_begin(&k, "arrival-peak", "n1 at most 2 per 10ms", 4);
    arrive(&k, 990, 3, 1001000); /* due after the end */
    h_ck_expect(&k, 1000, DSLAB_CHECK_UNKNOWN, "not judged: no message arrived at the node");
}

static void test_bad_arguments_are_refused(void **state) {
    (void)state;
    static const char *const bad[] = {
        "n9 at most 5 per 1s", "n1 at most 0 per 1s", "n1 at most 1000001 per 1s", "n1 at most 5 per 0s",
        "n1 at most 5 per 2h", "n1 at most 5 per 1s please", "n1 most 5 per 1s", "n1 at most five per 1s",
        NULL,
    };
    h_ck_expect_refused_each("arrival-peak", bad, 4, "arrival-peak takes 'NODE at most N per WINDOW'");
    h_ck_expect_refused("arrival-peak", "", 4, "needs an argument");
}

H_MAIN(cmocka_unit_test(test_a_burst_above_the_bound_is_one_violation_with_its_senders),
       cmocka_unit_test(test_the_same_arrivals_spread_out_pass),
       cmocka_unit_test(test_arrivals_are_judged_in_arrival_order_not_send_order),
       cmocka_unit_test(test_the_window_slides_across_fixed_boundaries),
       cmocka_unit_test(test_two_bursts_are_two_violations),
       cmocka_unit_test(test_only_arrivals_at_the_node_within_the_run_count),
       cmocka_unit_test(test_no_arrival_is_not_judged),
       cmocka_unit_test(test_bad_arguments_are_refused))
