/* test_crdt_checkers.c: counter-exact and set-membership on hand-made
 * histories and final states, adversarial ones included: unknown
 * outcomes widen the acceptable count, failed updates never count, a
 * remove concurrent with an add or at a node that may not have seen it
 * judges nothing, a remove at the node that acknowledged every add must
 * win, an element nobody added must be absent, and a run too short after
 * the last write is not judged. */
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

static void test_counter_exact_counts_acknowledged_updates(void **st) {
    (void)st;
    struct h_ck k;
    h_ck_begin(&k, "counter-exact", "1s", 2);
    h_ck_op(&k, 0, W, 0, 1, 100, 110, OK);
    h_ck_op(&k, 1, W, 0, 2, 105, 115, OK);
    h_ck_op(&k, 0, C, 0, 3, 200, 210, OK);
    h_ck_op(&k, 1, W, 0, 4, 300, 310, FAILED); /* never counts */
    finals(&k, 2, (const int64_t[]){1, 1});
    h_ck_expect(&k, 5000, DSLAB_CHECK_PASS, "2 increments, 1 decrements");

    h_ck_begin(&k, "counter-exact", "1s", 2);
    h_ck_op(&k, 0, W, 0, 1, 100, 110, OK);
    h_ck_op(&k, 1, W, 0, 2, 105, 115, OK);
    finals(&k, 2, (const int64_t[]){2, 1}); /* n2 kept one count: a lost increment */
    struct dslab_check_result r = h_ck_result(&k, 5000);
    assert_int_equal(r.verdict, DSLAB_CHECK_FAIL);
    assert_int_equal(r.violations_total, 1);
    assert_true(h_has_node(&r.violations[0], 1));
    assert_non_null(strstr(r.violations[0].message, "counter k0 on n2 is 1"));
    assert_non_null(strstr(r.violations[0].message, "1 missing"));
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

static void test_counter_exact_key_nobody_updated_must_be_zero(void **st) {
    (void)st;
    struct h_ck k;
    h_ck_begin(&k, "counter-exact", "1s", 2);
    h_ck_op(&k, 0, W, 0, 1, 100, 110, OK);
    for (int i = 0; i < 2; i++) {
        h_ck_final_state(&k, 5000, i, "replica");
        h_ck_final_value(&k, 5000, i, 0, 1);
        h_ck_final_value(&k, 5000, i, 7, i); /* n2 invents a count of key 7 */
    }
    h_ck_expect(&k, 5000, DSLAB_CHECK_FAIL, "k7 on n2: 1, expected 0");
}

static void test_counter_exact_not_judged_too_soon(void **st) {
    (void)st;
    struct h_ck k;
    h_ck_begin(&k, "counter-exact", "2s", 1);
    struct dslab_history_op op = {.op_id = 1, .type = DSLAB_OP_INVOKE, .fn = W, .client = 0,
                                  .node = 0, .key = 0, .value = 1, .time_ns = 4000 * DSLAB_NS_PER_MS};
    h_ck_record(&k, &op, true); /* a write at 4s: the quiet point is 4s, the end 5s */
    finals(&k, 1, (const int64_t[]){0});
    h_ck_expect(&k, 5000, DSLAB_CHECK_UNKNOWN, "not judged");
    h_ck_expect_refused("counter-exact", "soon", 1, "counter-exact takes how long");
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

    h_ck_begin(&k, "set-membership", "1s", 3);
    h_ck_op(&k, 2, C, 0, 1, 100, 110, OK);
    h_ck_op(&k, 0, W, 0, 2, 200, 210, OK);
    finals(&k, 3, (const int64_t[]){1, 1, 1});
    h_ck_expect(&k, 5000, DSLAB_CHECK_PASS, "3 memberships judged");
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

static void test_set_membership_remove_that_saw_every_add(void **st) {
    (void)st;
    struct h_ck k;
    h_ck_begin(&k, "set-membership", "1s", 2);
    h_ck_op(&k, 0, W, 0, 1, 100, 110, OK);
    h_ck_op(&k, 0, W, 0, 2, 120, 130, OK);
    h_ck_op(&k, 1, W, 0, 3, 125, 135, FAILED); /* did not happen */
    h_ck_op(&k, 0, C, 0, 4, 200, 210, OK);     /* n1 acknowledged every add */
    finals(&k, 2, (const int64_t[]){0, 1});
    h_ck_expect(&k, 5000, DSLAB_CHECK_FAIL, "element 0 on n2: present");
    /* an add whose outcome is unknown may land after the remove */
    h_ck_begin(&k, "set-membership", "1s", 2);
    h_ck_op(&k, 0, W, 0, 1, 100, 110, OK);
    h_ck_op(&k, 1, W, 0, 3, 125, 1125, INFO);
    h_ck_op(&k, 0, C, 0, 4, 200, 210, OK);
    finals(&k, 2, (const int64_t[]){1, 1});
    h_ck_expect(&k, 5000, DSLAB_CHECK_UNKNOWN, "not judged");
}

static void test_set_membership_element_nobody_added(void **st) {
    (void)st;
    struct h_ck k;
    h_ck_begin(&k, "set-membership", "1s", 2);
    h_ck_op(&k, 0, C, 0, 1, 100, 110, OK); /* only a remove */
    finals(&k, 2, (const int64_t[]){0, 1});
    h_ck_expect(&k, 5000, DSLAB_CHECK_FAIL, "element 0 on n2: present");
}

H_MAIN(cmocka_unit_test(test_counter_exact_counts_acknowledged_updates),
       cmocka_unit_test(test_counter_exact_unknown_outcomes_widen_the_range),
       cmocka_unit_test(test_counter_exact_key_nobody_updated_must_be_zero),
       cmocka_unit_test(test_counter_exact_not_judged_too_soon),
       cmocka_unit_test(test_set_membership_lost_add),
       cmocka_unit_test(test_set_membership_concurrent_or_unseen_remove_judges_nothing),
       cmocka_unit_test(test_set_membership_remove_that_saw_every_add),
       cmocka_unit_test(test_set_membership_element_nobody_added))
