/* test_crdt_checkers.c: counter-exact and set-membership on hand-made
 * histories and final states, adversarial ones included: unknown
 * outcomes widen the acceptable count, failed updates never count, a
 * remove concurrent with an add or at a node that may not have seen it
 * judges nothing, a remove at the node that acknowledged every add must
 * win, an element nobody added must be absent, and a run too short after
 * the last write is not judged. One row a history (harness_cases.h); the
 * cases that loop or read more than the first violation stay functions. */
#include <string.h>

#include "harness.h"

#define W DSLAB_OP_WRITE
#define C DSLAB_OP_CAS
#define OK DSLAB_OP_OK
#define FAILED DSLAB_OP_FAIL
#define INFO DSLAB_OP_INFO
#define PENDING DSLAB_OP_INVOKE

/* Every node of `nodes` reports value `v[i]` of key 0 at 5s. */
static void finals(struct h_ck *k, int nodes, const int64_t *v) {
    for (int i = 0; i < nodes; i++) {
        h_ck_final_state(k, 5000, i, "replica");
        h_ck_final_value(k, 5000, i, 0, v[i]);
    }
}

static void test_counter_exact_unknown_outcomes_widen_the_range(void **st) {
    (void)st;
    for (int64_t value = -1; value <= 3; value++) {
        struct h_ck k;
        h_ck_begin(&k, "counter-exact", "1s", 1);
        h_ck_op(&k, 0, W, 0, 1, 100, 110, OK);
        h_ck_op(&k, 0, W, 0, 2, 200, 1200, INFO);     /* may have happened */
        h_ck_op(&k, 1, C, 0, 3, 300, 0, PENDING);     /* never answered: may have */
        finals(&k, 1, (const int64_t[]){value});
        /* 1 certain increment, 0..1 more, 0..1 decrement: 0..2 */
        h_ck_expect(&k, 5000, value >= 0 && value <= 2 ? DSLAB_CHECK_PASS : DSLAB_CHECK_FAIL, "");
    }
}

static void test_set_membership_lost_add(void **st) {
    (void)st;
    struct h_ck k;
    h_ck_begin(&k, "set-membership", "1s", 3);
    h_ck_op(&k, 2, C, 0, 1, 100, 110, OK); /* remove through n3 */
    h_ck_op(&k, 0, W, 0, 2, 200, 210, OK); /* add through n1, after it */
    finals(&k, 3, (const int64_t[]){0, 0, 0});
    struct dslab_check_result r = h_ck_result(&k, 5000);
    assert_int_equal(r.verdict, DSLAB_CHECK_FAIL);
    assert_int_equal(r.violations_total, 3);
    assert_non_null(strstr(r.violations[0].message, "(lost add)"));
    assert_true(h_has_node(&r.violations[2], 0)); /* the add's node is named */
}

static void test_set_membership_concurrent_or_unseen_remove_judges_nothing(void **st) {
    (void)st;
    for (int64_t v = 0; v <= 1; v++) {
        struct h_ck k; /* the remove overlaps the add: either outcome */
        h_ck_begin(&k, "set-membership", "1s", 2);
        h_ck_op(&k, 0, W, 0, 1, 100, 150, OK);
        h_ck_op(&k, 1, C, 0, 2, 120, 130, OK);
        finals(&k, 2, (const int64_t[]){v, v});
        h_ck_expect(&k, 5000, DSLAB_CHECK_UNKNOWN, "none judged");
        /* a remove after the add, at a node that may not have seen it */
        h_ck_begin(&k, "set-membership", "1s", 2);
        h_ck_op(&k, 0, W, 0, 1, 100, 110, OK);
        h_ck_op(&k, 1, C, 0, 2, 200, 210, OK);
        finals(&k, 2, (const int64_t[]){v, v});
        h_ck_expect(&k, 5000, DSLAB_CHECK_UNKNOWN, "not judged");
    }
}

/* Node `node` reports value `v` of key 0 at 5s. */
#define FINAL(node, v) H_FINAL_STATE(5000, (node), "replica"), H_FINAL_VALUE(5000, (node), 0, (v))
#define CX "counter-exact"
#define SM "set-membership"
/* Operations: an update by `client` invoked at t0 and completed at t1 (ms). */
#define OP(client, fn, value, t0_ms, t1_ms, type) H_OP((client), (fn), 0, (value), (t0_ms), (t1_ms), (type))

static const struct h_ck_case cases[] = {
    {"counter-exact counts acknowledged updates", CX, "1s", 2,
     H_STEPS(OP(0, W, 1, 100, 110, OK), OP(1, W, 2, 105, 115, OK), OP(0, C, 3, 200, 210, OK),
             OP(1, W, 4, 300, 310, FAILED) /* never counts */, FINAL(0, 1), FINAL(1, 1)),
     5000, .want = DSLAB_CHECK_PASS, .summary_has = {"2 increments, 1 decrements"}},
    {"counter-exact fails a lost increment", CX, "1s", 2,
     H_STEPS(OP(0, W, 1, 100, 110, OK), OP(1, W, 2, 105, 115, OK), FINAL(0, 2),
             FINAL(1, 1) /* n2 kept one count: a lost increment */),
     5000, .want = DSLAB_CHECK_FAIL, H_VIOLATIONS(1), .nodes_in = 1u << 1,
     .message_has = {"counter k0 on n2 is 1", "1 missing"}},
    {"counter-exact: a key nobody updated must be zero", CX, "1s", 2,
     H_STEPS(OP(0, W, 1, 100, 110, OK), FINAL(0, 1), H_FINAL_VALUE(5000, 0, 7, 0), FINAL(1, 1),
             H_FINAL_VALUE(5000, 1, 7, 1) /* n2 invents a count of key 7 */),
     5000, .want = DSLAB_CHECK_FAIL, .summary_has = {"k7 on n2: 1, expected 0"}},
    {"counter-exact: not judged too soon", CX, "2s", 1,
     H_STEPS(H_RECORD(1, DSLAB_OP_INVOKE, W, 0, 0, 1, 4000) /* a write at 4s: the quiet point is 4s, the end 5s */,
             FINAL(0, 0)),
     5000, .want = DSLAB_CHECK_UNKNOWN, .summary_has = {"not judged"}},
    {"counter-exact: a bad bound is refused", CX, NULL, 1, .refuse = (const char *const[]){"soon", NULL},
     .refuse_has = "counter-exact takes how long"},
    {"set-membership: an add after the remove must stay", SM, "1s", 3,
     H_STEPS(OP(2, C, 1, 100, 110, OK), OP(0, W, 2, 200, 210, OK), FINAL(0, 1), FINAL(1, 1), FINAL(2, 1)),
     5000, .want = DSLAB_CHECK_PASS, .summary_has = {"3 memberships judged"}},
    {"set-membership: a remove that saw every add wins", SM, "1s", 2,
     H_STEPS(OP(0, W, 1, 100, 110, OK), OP(0, W, 2, 120, 130, OK), OP(1, W, 3, 125, 135, FAILED) /* did not happen */,
             OP(0, C, 4, 200, 210, OK) /* n1 acknowledged every add */, FINAL(0, 0), FINAL(1, 1)),
     5000, .want = DSLAB_CHECK_FAIL, .summary_has = {"element 0 on n2: present"}},
    /* an add whose outcome is unknown may land after the remove */
    {"set-membership: an unknown add may land after the remove", SM, "1s", 2,
     H_STEPS(OP(0, W, 1, 100, 110, OK), OP(1, W, 3, 125, 1125, INFO), OP(0, C, 4, 200, 210, OK), FINAL(0, 1),
             FINAL(1, 1)),
     5000, .want = DSLAB_CHECK_UNKNOWN, .summary_has = {"not judged"}},
    {"set-membership: an element no client touched must be absent", SM, "1s", 2,
     H_STEPS(OP(0, W, 1, 100, 110, OK), FINAL(0, 1), FINAL(1, 1),
             H_FINAL_VALUE(5000, 1, 5, 1) /* n2 invents element 5 */),
     5000, .want = DSLAB_CHECK_FAIL, H_VIOLATIONS(1), .summary_has = {"element 5 on n2: present"}},
    {"set-membership: an element nobody added", SM, "1s", 2,
     H_STEPS(OP(0, C, 1, 100, 110, OK) /* only a remove */, FINAL(0, 0), FINAL(1, 1)),
     5000, .want = DSLAB_CHECK_FAIL, .summary_has = {"element 0 on n2: present"}},
};

H_MAIN_CASES_AND(cases, cmocka_unit_test(test_counter_exact_unknown_outcomes_widen_the_range),
                 cmocka_unit_test(test_set_membership_lost_add),
                 cmocka_unit_test(test_set_membership_concurrent_or_unseen_remove_judges_nothing))
