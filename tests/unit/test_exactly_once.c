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
 *   - nothing incremented: not judged; arguments are refused.
 * One row a history (tests/unit/harness_cases.h); the cases that check
 * more than the first violation stay functions. */
#include <string.h>

#include "harness.h"

#define EO "exactly-once-effects"
/* An increment (a write of `id`) and a read of the count, by `client`,
 * invoked at t0 and completed at t1 (ms) with `type` (a read: ok). */
#define W(client, key, id, t0_ms, t1_ms, type) H_OP((client), DSLAB_OP_WRITE, (key), (id), (t0_ms), (t1_ms), (type))
#define R(client, key, count, t0_ms, t1_ms) H_OP((client), DSLAB_OP_READ, (key), (count), (t0_ms), (t1_ms), DSLAB_OP_OK)
/* n1 (node 0) holds the counter. */
#define SERVER_FINAL(t_ms) H_FINAL_STATE((t_ms), 0, "server")

static const struct h_ck_case cases[] = {
    {"consistent reads pass", EO, "", 3,
     H_STEPS(W(1, 0, 7, 10, 20, DSLAB_OP_OK), R(1, 0, 1, 30, 40), W(2, 0, 8, 50, 60, DSLAB_OP_OK), R(2, 0, 2, 70, 80),
             SERVER_FINAL(90), H_FINAL_VALUE(90, 0, 0, 2)),
     100, .want = DSLAB_CHECK_PASS, .summary_has = {"2 increments (2 ok, 0 unknown or unfinished), 2 reads checked"}},
    {"a read above the increments invoked fails", EO, "", 3,
     H_STEPS(W(1, 0, 7, 10, 20, DSLAB_OP_OK), R(2, 0, 1, 30, 40),
             R(2, 0, 2, 50, 60) /* one increment, counted twice */, SERVER_FINAL(90), H_FINAL_VALUE(90, 0, 0, 2)),
     100, .want = DSLAB_CHECK_FAIL,
     H_VIOLATIONS(1), /* the final count shows no more than the read did */
     H_WINDOW(40, 60), /* from the last read that was right */
     .nodes_in = 1u << 2 | 1u << 0, /* the reader, and n1 that holds the counter */
     .message_has = {"k0 read 2 at 0.060000s but only 1 increments had been invoked"},
     .summary_has = {"at least 1 applied more than once"}},
    {"an unknown increment is room", EO, "", 3,
     H_STEPS(W(1, 0, 7, 10, 25, DSLAB_OP_INFO) /* timed out: may have happened */,
             W(1, 0, 8, 20, 0, DSLAB_OP_INVOKE) /* never completed */, R(2, 0, 2, 30, 40)),
     100, .want = DSLAB_CHECK_PASS, .summary_has = {"2 increments (0 ok, 2 unknown or unfinished)"}},
    {"a failed increment is no room", EO, "", 3,
     H_STEPS(W(1, 0, 7, 10, 20, DSLAB_OP_FAIL) /* certainly did not happen */, R(2, 0, 1, 30, 40)),
     100, .want = DSLAB_CHECK_FAIL, .summary_has = {"at least 1 applied more than once"}},
    {"a later increment is no room", EO, "", 3,
     H_STEPS(R(2, 0, 1, 10, 20) /* reads 1 before anyone incremented */, W(1, 0, 7, 21, 30, DSLAB_OP_OK)),
     100, .want = DSLAB_CHECK_FAIL, .summary_has = {"at least 1 applied more than once"}},
    {"a lost acknowledged increment fails", EO, "", 3,
     H_STEPS(W(1, 0, 7, 10, 20, DSLAB_OP_OK), W(1, 0, 8, 30, 40, DSLAB_OP_OK), R(2, 0, 1, 50, 60)),
     100, .want = DSLAB_CHECK_FAIL, .message_has = {"1 acknowledged increments lost"},
     .summary_has = {"1 acknowledged lost"}},
    {"a concurrent increment may be missing from the read", EO, "", 3,
     H_STEPS(W(1, 0, 7, 10, 50, DSLAB_OP_OK) /* overlaps the read */, R(2, 0, 0, 20, 40)),
     100, .want = DSLAB_CHECK_PASS, .summary_has = {"1 increments"}},
    {"a concurrent increment may be in the read", EO, "", 3,
     H_STEPS(W(1, 0, 7, 10, 50, DSLAB_OP_OK) /* overlaps the read */, R(2, 0, 1, 20, 40)),
     100, .want = DSLAB_CHECK_PASS, .summary_has = {"1 increments"}},
    {"keys are judged apart and reported in time order", EO, "", 3,
     H_STEPS(W(1, 5, 7, 10, 20, DSLAB_OP_OK), W(1, 3, 7, 10, 20, DSLAB_OP_OK), R(2, 3, 1, 30, 40) /* key 3: right */,
             R(2, 5, 2, 30, 45) /* key 5: 1 ahead (key 3's increment is not room) */,
             R(2, 3, 2, 50, 55) /* key 3: 1 ahead, later */),
     100, .want = DSLAB_CHECK_FAIL, H_VIOLATIONS(2), .message_has = {"k5 read 2"}, .second_message_has = "k3 read 2",
     .summary_has = {"at least 2 applied more than once"}},
    {"nothing invoked is not judged", EO, "", 3, H_NO_STEPS, 100, .want = DSLAB_CHECK_UNKNOWN,
     .summary_has = {"not judged: no increment was invoked"}},
    {"reads and a failed cas are not judged", EO, "", 3,
     H_STEPS(R(2, 0, 0, 30, 40), H_OP(2, DSLAB_OP_CAS, 0, 1, 30, 40, DSLAB_OP_FAIL)),
     100, .want = DSLAB_CHECK_UNKNOWN, .summary_has = {"not judged: no increment was invoked"}},
    /* a read above zero with nothing invoked is judged: it is an effect from nowhere */
    {"a read above zero with nothing invoked fails", EO, "", 3, H_STEPS(R(2, 0, 1, 30, 40)),
     100, .want = DSLAB_CHECK_FAIL, .summary_has = {"at least 1 applied more than once"}},
    /* Values no counter holds: nothing read (nil), the extremes of int64. No
     * overflow (the sanitizer build would say), and each is judged. */
    {"extreme values are judged", EO, "", 3,
     H_STEPS(W(1, 0, 7, 10, 20, DSLAB_OP_OK), R(2, 0, DSLAB_HISTORY_NIL, 30, 40) /* 0: one acknowledged lost */,
             R(2, 0, INT64_MIN + 1, 50, 60), R(2, 0, INT64_MAX, 70, 80), SERVER_FINAL(90),
             H_FINAL_VALUE(90, 0, 0, INT64_MIN), H_FINAL_VALUE(90, 0, 9, INT64_MAX) /* a key nobody incremented */),
     100, .want = DSLAB_CHECK_FAIL, H_VIOLATIONS(4), /* nil, the low read, the high read, key 9 */
     .summary_has = {"applied more than once"}},
    {"arguments are refused", EO, NULL, 3, .refuse = (const char *const[]){"1s", NULL},
     .refuse_has = "takes no arguments"},
};

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

H_MAIN_CASES_AND(cases, cmocka_unit_test(test_excess_reported_when_it_grows), cmocka_unit_test(test_final_counts))
