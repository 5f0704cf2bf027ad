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
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/lin_models.h"
#include "dslab/check.h"
#include "dslab/history.h"
#include "dslab/time.h"

static char names[3][DSLAB_NAME_MAX] = {"n1", "n2", "n3"};

static struct scenario fake_scenario(void) {
    struct scenario s;
    memset(&s, 0, sizeof s);
    snprintf(s.path, sizeof s.path, "t.yaml");
    s.nodes_count = 3;
    s.node_names = names;
    return s;
}

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
    struct diag d;
    diag_clear(&d);
    assert_int_equal(lin_check(h, &cfg, "test", &rep, &d), 0);
    enum lin_verdict v = rep.verdict;
    lin_check_report_deinit(&rep);
    return v;
}

static void test_lin_return_and_call_at_one_position_are_concurrent(void **state) {
    (void)state;
    /* write 1 in [0,1); write 2 in [2,5); a read called at 5 returns 1. The
     * read's call and write 2's return share position 5: they overlap, so
     * the read may take effect before write 2. */
    struct lin_history h;
    lin_history_init(&h);
    lin_add(&h, 0, OP_WRITE, 1, 0, 1);
    lin_add(&h, 0, OP_WRITE, 2, 2, 5);
    lin_add(&h, 1, OP_READ, 1, 5, 6);
    assert_int_equal(lin_verdict_of(&h), LIN_LINEARIZABLE);
    lin_history_deinit(&h);
    /* One position later the write has returned first: the read is stale. */
    lin_history_init(&h);
    lin_add(&h, 0, OP_WRITE, 1, 0, 1);
    lin_add(&h, 0, OP_WRITE, 2, 2, 5);
    lin_add(&h, 1, OP_READ, 1, 6, 7);
    assert_int_equal(lin_verdict_of(&h), LIN_NOT_LINEARIZABLE);
    lin_history_deinit(&h);
}

/* ---- stale-reads: equal instants ------------------------------------------ */

struct hb {
    struct history h;
    uint64_t next_id, next_trace;
};

/* An op invoked at t0 and completed ok at t1 (ms); value read or written. */
static void sr_op(struct hb *b, enum op_fn fn, int64_t value, int64_t t0_ms, int64_t t1_ms) {
    uint64_t id = ++b->next_id;
    struct history_op o = {.op_id = id, .type = OP_INVOKE, .fn = fn, .client = (int32_t)id % 3,
                           .node = (int32_t)id % 3, .key = 0,
                           .value = fn == OP_READ ? HISTORY_NIL : value, .expected = HISTORY_NIL,
                           .time_ns = t0_ms * NS_PER_MS, .trace_id = b->next_trace++};
    assert_int_equal(history_append(&b->h, &o), 0);
    o.type = OP_OK;
    o.time_ns = t1_ms * NS_PER_MS;
    o.trace_id = b->next_trace++;
    o.value = value;
    assert_int_equal(history_append(&b->h, &o), 0);
}

static int by_time(const void *pa, const void *pb) {
    const struct history_op *a = pa, *b = pb;
    if (a->time_ns != b->time_ns) return a->time_ns < b->time_ns ? -1 : 1;
    return a->trace_id < b->trace_id ? -1 : 1;
}

static enum check_verdict stale_verdict(struct hb *b) {
    struct scenario s = fake_scenario();
    struct scenario_check check;
    memset(&check, 0, sizeof check);
    const struct checker *c = checker_find("stale-reads");
    assert_non_null(c);
    void *st = NULL;
    struct diag d;
    assert_int_equal(c->create(&s, &check, &st, &d), 0);
    qsort(b->h.ops, b->h.count, sizeof *b->h.ops, by_time);
    struct check_result r;
    memset(&r, 0, sizeof r);
    c->finish(st, &b->h, 10 * NS_PER_S, &r);
    c->destroy(st);
    history_deinit(&b->h);
    return r.verdict;
}

static void test_stale_reads_a_write_ending_as_the_read_begins_is_not_before_it(void **state) {
    (void)state;
    struct hb b = {0};
    history_init(&b.h);
    sr_op(&b, OP_WRITE, 1, 0, 1);
    sr_op(&b, OP_WRITE, 2, 2, 5);
    sr_op(&b, OP_READ, 1, 5, 6); /* invoked at 5ms, when write 2 was acknowledged */
    assert_int_equal(stale_verdict(&b), CHECK_PASS);
    history_init(&b.h);
    b.next_id = b.next_trace = 0;
    sr_op(&b, OP_WRITE, 1, 0, 1);
    sr_op(&b, OP_WRITE, 2, 2, 5);
    sr_op(&b, OP_READ, 1, 6, 7); /* 1ms later: stale */
    assert_int_equal(stale_verdict(&b), CHECK_FAIL);
}

/* ---- one-leader-per-term --------------------------------------------------- */

static enum check_verdict olpt_verdict(const int32_t *node, const int64_t *term, int n) {
    struct scenario s = fake_scenario();
    struct scenario_check check;
    memset(&check, 0, sizeof check);
    strcpy(check.name, "one-leader-per-term");
    const struct checker *c = checker_find("one-leader-per-term");
    assert_non_null(c);
    void *st = NULL;
    struct diag d;
    assert_int_equal(c->create(&s, &check, &st, &d), 0);
    for (int i = 0; i < n; i++) {
        struct trace_event ev;
        memset(&ev, 0, sizeof ev);
        ev.id = (uint64_t)i + 1;
        ev.t_ns = (int64_t)(i + 1) * NS_PER_S;
        ev.kind = TRACE_ANNOTATE;
        ev.node = node[i];
        ev.peer = -1;
        ev.tag = "role";
        ev.text = "ruler"; /* the typed class decides, not the text */
        ev.annotation = ANNOTATION_ROLE;
        ev.role = ROLE_LEADER;
        ev.a = term[i];
        c->on_event(st, &ev);
    }
    struct history h;
    history_init(&h);
    struct check_result r;
    memset(&r, 0, sizeof r);
    c->finish(st, &h, 10 * NS_PER_S, &r);
    c->destroy(st);
    history_deinit(&h);
    return r.verdict;
}

static void test_olpt_two_nodes_in_one_term_fail_one_node_twice_passes(void **state) {
    (void)state;
    assert_int_equal(olpt_verdict((int32_t[]){0, 1}, (int64_t[]){3, 3}, 2), CHECK_FAIL);
    assert_int_equal(olpt_verdict((int32_t[]){0, 1, 2}, (int64_t[]){2, 3, 3}, 3), CHECK_FAIL);
    assert_int_equal(olpt_verdict((int32_t[]){0, 0}, (int64_t[]){3, 3}, 2), CHECK_PASS);
    assert_int_equal(olpt_verdict((int32_t[]){0, 1, 2}, (int64_t[]){1, 2, 3}, 3), CHECK_PASS);
}

/* ---- convergence ------------------------------------------------------------ */

/* values[i] = node i's final value of key 1, or -1 when it lacks the key. */
static enum check_verdict convergence_verdict(const int64_t *values) {
    struct scenario s = fake_scenario();
    struct scenario_check check;
    memset(&check, 0, sizeof check);
    strcpy(check.name, "convergence");
    const struct checker *c = checker_find("convergence");
    assert_non_null(c);
    void *st = NULL;
    struct diag d;
    assert_int_equal(c->create(&s, &check, &st, &d), 0);
    uint64_t id = 1;
    for (int32_t i = 0; i < 3; i++) {
        struct trace_event ev;
        memset(&ev, 0, sizeof ev);
        ev.kind = TRACE_ANNOTATE;
        ev.node = i;
        ev.peer = -1;
        ev.t_ns = 10 * NS_PER_S;
        ev.id = id++;
        ev.tag = "final-state";
        ev.text = "";
        ev.annotation = ANNOTATION_FINAL_STATE;
        ev.a = values[i] >= 0;
        c->on_event(st, &ev);
        if (values[i] < 0) continue;
        ev.id = id++;
        ev.tag = "final";
        ev.text = "key=9 value=v"; /* the typed key (b) decides, not the text */
        ev.annotation = ANNOTATION_FINAL_VALUE;
        ev.b = 1;
        ev.a = values[i];
        c->on_event(st, &ev);
    }
    struct history h;
    history_init(&h);
    struct check_result r;
    memset(&r, 0, sizeof r);
    c->finish(st, &h, 10 * NS_PER_S, &r);
    c->destroy(st);
    history_deinit(&h);
    return r.verdict;
}

static void test_convergence_a_replica_missing_a_key_has_not_converged(void **state) {
    (void)state;
    assert_int_equal(convergence_verdict((int64_t[]){5, 5, 5}), CHECK_PASS);
    assert_int_equal(convergence_verdict((int64_t[]){5, 5, 6}), CHECK_FAIL);
    assert_int_equal(convergence_verdict((int64_t[]){5, 5, -1}), CHECK_FAIL);
    assert_int_equal(convergence_verdict((int64_t[]){-1, 5, 5}), CHECK_FAIL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lin_return_and_call_at_one_position_are_concurrent),
        cmocka_unit_test(test_stale_reads_a_write_ending_as_the_read_begins_is_not_before_it),
        cmocka_unit_test(test_olpt_two_nodes_in_one_term_fail_one_node_twice_passes),
        cmocka_unit_test(test_convergence_a_replica_missing_a_key_has_not_converged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
