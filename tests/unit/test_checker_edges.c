/* test_checker_edges.c: checkers at the exact boundaries their definitions
 * draw, where an off-by-one or a swapped comparison hides from tests on
 * typical runs (each of these was a surviving mutant, tests/mutants/):
 *   - linearizability: a return and a call at the same position are
 *     concurrent (either order is allowed), not "return first";
 *   - stale-reads: a write that completed at the very instant a read began
 *     did not complete *before* it, so reading the older value is not stale;
 *   - one-leader-per-term: two nodes leading the same term fail; one node
 *     leading the same term twice (re-announced) and two nodes in two terms
 *     pass;
 *   - convergence: a live replica that lacks a key the others hold has not
 *     converged, wherever it sits in node order. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/lin_models.h"
#include "harness.h"
#include "dslab/check.h"
#include "dslab/history.h"
#include "dslab/time.h"

/* ---- linearizability: equal positions ------------------------------------- */

static void lin_add(struct lin_history *h, int64_t client, int fn, int64_t value, int64_t call,
                    int64_t ret) {
    struct lin_op op = {.fn = fn, .key = 0, .value = value, .call_pos = call, .ret_pos = ret,
                        .client = client, .node = -1, .call_line = (int)call + 1,
                        .ret_line = (int)ret + 1};
    assert_true(lin_history_add_op(h, &op) >= 0);
}

static enum lin_verdict lin_verdict_of(const struct lin_history *h) {
    struct lin_check_config cfg = {.model = LIN_MODEL_CAS_REGISTER, .states_max = 100000,
                                   .bytes_max = (size_t)64 << 20};
    struct lin_check_report rep;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    assert_int_equal(lin_check(h, &cfg, "test", &rep, &d), 0);
    enum lin_verdict v = rep.verdict;
    lin_check_report_deinit(&rep);
    return v;
}

/* write 1 in [0,1), write 2 in [2,5), then a read of 1 in [call, ret). */
static enum lin_verdict write_write_read(int64_t call, int64_t ret) {
    struct lin_history h;
    lin_history_init(&h);
    lin_add(&h, 0, DSLAB_OP_WRITE, 1, 0, 1);
    lin_add(&h, 0, DSLAB_OP_WRITE, 2, 2, 5);
    lin_add(&h, 1, DSLAB_OP_READ, 1, call, ret);
    enum lin_verdict v = lin_verdict_of(&h);
    lin_history_deinit(&h);
    return v;
}

static void test_lin_return_and_call_at_one_position_are_concurrent(void **state) {
    (void)state;
    /* write 1 in [0,1); write 2 in [2,5); a read called at 5 returns 1. The
     * read's call and write 2's return share position 5: they overlap, so
     * the read may take effect before write 2. */
    assert_int_equal(write_write_read(5, 6), LIN_LINEARIZABLE);
    /* One position later the write has returned first: the read is stale. */
    assert_int_equal(write_write_read(6, 7), LIN_NOT_LINEARIZABLE);
}

/* ---- stale-reads: equal instants ------------------------------------------ */

/* An op invoked at t0 and completed ok at t1 (ms); value read or written. */
static void sr_op(struct h_ck *b, enum dslab_op_fn fn, int64_t value, int64_t t0_ms, int64_t t1_ms) {
    h_ck_op(b, (int32_t)((b->next_op + 1) % 3), fn, 0, value, t0_ms, t1_ms, DSLAB_OP_OK);
}

static void test_stale_reads_a_write_ending_as_the_read_begins_is_not_before_it(void **state) {
    (void)state;
    struct h_ck b;
    h_ck_begin(&b, "stale-reads", "", 3);
    sr_op(&b, DSLAB_OP_WRITE, 1, 0, 1);
    sr_op(&b, DSLAB_OP_WRITE, 2, 2, 5);
    sr_op(&b, DSLAB_OP_READ, 1, 5, 6); /* invoked at 5ms, when write 2 was acknowledged */
    assert_int_equal(h_ck_end(&b, 10 * 1000), DSLAB_CHECK_PASS);
    h_ck_begin(&b, "stale-reads", "", 3);
    sr_op(&b, DSLAB_OP_WRITE, 1, 0, 1);
    sr_op(&b, DSLAB_OP_WRITE, 2, 2, 5);
    sr_op(&b, DSLAB_OP_READ, 1, 6, 7); /* 1ms later: stale */
    assert_int_equal(h_ck_end(&b, 10 * 1000), DSLAB_CHECK_FAIL);
}

/* ---- one-leader-per-term --------------------------------------------------- */

static enum dslab_check_verdict olpt_verdict(const int32_t *node, const int64_t *term, int n) {
    struct h_ck k;
    h_ck_begin(&k, "one-leader-per-term", "", 3);
    for (int i = 0; i < n; i++) /* the typed class decides, not the text */
        h_ck_report(&k, (i + 1) * 1000, node[i], DSLAB_ANNOTATION_ROLE, DSLAB_ROLE_LEADER, "role", "ruler",
                    term[i], 0);
    return h_ck_end(&k, 10 * 1000);
}

static void test_olpt_two_nodes_in_one_term_fail_one_node_twice_passes(void **state) {
    (void)state;
    assert_int_equal(olpt_verdict((int32_t[]){0, 1}, (int64_t[]){3, 3}, 2), DSLAB_CHECK_FAIL);
    assert_int_equal(olpt_verdict((int32_t[]){0, 1, 2}, (int64_t[]){2, 3, 3}, 3), DSLAB_CHECK_FAIL);
    assert_int_equal(olpt_verdict((int32_t[]){0, 0}, (int64_t[]){3, 3}, 2), DSLAB_CHECK_PASS);
    assert_int_equal(olpt_verdict((int32_t[]){0, 1, 2}, (int64_t[]){1, 2, 3}, 3), DSLAB_CHECK_PASS);
}

/* ---- convergence ------------------------------------------------------------ */

/* values[i] = node i's final value of key 1, or -1 when it lacks the key. */
static enum dslab_check_verdict convergence_verdict(const int64_t *values) {
    struct h_ck k;
    h_ck_begin(&k, "convergence", "", 3);
    for (int32_t i = 0; i < 3; i++) {
        h_ck_report(&k, 10 * 1000, i, DSLAB_ANNOTATION_FINAL_STATE, DSLAB_ROLE_NONE, "final-state", "",
                    values[i] >= 0, 0);
        /* the typed key (b = 1) decides, not the text */
        if (values[i] >= 0)
            h_ck_report(&k, 10 * 1000, i, DSLAB_ANNOTATION_FINAL_VALUE, DSLAB_ROLE_NONE, "final",
                        "key=9 value=v", values[i], 1);
    }
    return h_ck_end(&k, 10 * 1000);
}

static void test_convergence_a_replica_missing_a_key_has_not_converged(void **state) {
    (void)state;
    assert_int_equal(convergence_verdict((int64_t[]){5, 5, 5}), DSLAB_CHECK_PASS);
    assert_int_equal(convergence_verdict((int64_t[]){5, 5, 6}), DSLAB_CHECK_FAIL);
    assert_int_equal(convergence_verdict((int64_t[]){5, 5, -1}), DSLAB_CHECK_FAIL);
    assert_int_equal(convergence_verdict((int64_t[]){-1, 5, 5}), DSLAB_CHECK_FAIL);
}

H_MAIN(cmocka_unit_test(test_lin_return_and_call_at_one_position_are_concurrent),
       cmocka_unit_test(test_stale_reads_a_write_ending_as_the_read_begins_is_not_before_it),
       cmocka_unit_test(test_olpt_two_nodes_in_one_term_fail_one_node_twice_passes),
       cmocka_unit_test(test_convergence_a_replica_missing_a_key_has_not_converged))
