/* harness_cases.c: checker tests as tables (harness_cases.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static uint64_t feed(struct h_ck *k, const struct h_step *s) {
    switch (s->kind) {
    case H_STEP_NOTE: return h_ck_note(k, s->t_ms, s->node, s->tag, s->text, s->a);
    case H_STEP_ROLE: return h_ck_role(k, s->t_ms, s->node, s->text, s->a);
    case H_STEP_REPORT:
        return h_ck_report(k, s->t_ms, s->node, (enum dslab_annotation_kind)s->k1, (enum dslab_role_class)s->k2,
                           s->tag, s->text, s->a, s->b);
    case H_STEP_EVENT:
        return h_ck_emit(k, s->t_ms, (enum dslab_trace_kind)s->k1, s->node, (int32_t)s->b, s->a, s->tag, s->text);
    case H_STEP_FINAL_STATE: return h_ck_final_state(k, s->t_ms, s->node, s->text);
    case H_STEP_FINAL_VALUE: return h_ck_final_value(k, s->t_ms, s->node, s->a, s->b);
    case H_STEP_RECORD:
    case H_STEP_HISTORY: {
        struct dslab_history_op op = {.op_id = (uint64_t)s->c, .type = (enum dslab_op_type)s->k2,
                                      .fn = (enum dslab_op_fn)s->k1, .node = s->node, .key = s->a, .value = s->b,
                                      .expected = DSLAB_HISTORY_NIL, .time_ns = s->t_ms * DSLAB_NS_PER_MS};
        return h_ck_record(k, &op, s->kind == H_STEP_RECORD);
    }
    case H_STEP_OP:
        return h_ck_op(k, s->node, (enum dslab_op_fn)s->k1, s->a, s->b, s->t_ms, s->c, (enum dslab_op_type)s->k2);
    case H_STEP_END: break;
    }
    fail_msg("step kind %d", (int)s->kind);
    return 0;
}

static void expect_has(const char *what, const char *text, const char *part) {
    if (part && !strstr(text, part)) fail_msg("%s '%s' does not contain '%s'", what, text, part);
}

static void expect_first_violation(const struct h_ck_case *c, const struct dslab_check_result *r,
                                   const uint64_t *ids, int steps) {
    bool any = c->message_has[0] || c->has_from || c->has_to || c->nodes_in || c->nodes_out || c->nodes_count ||
               c->evidence || c->evidence_count || c->second_message_has;
    if (!any) return;
    assert_true(r->violations_count >= (c->second_message_has ? 2 : 1));
    const struct dslab_check_violation *v = &r->violations[0];
    for (int i = 0; i < 2; i++) expect_has("the violation", v->message, c->message_has[i]);
    if (c->has_from) assert_int_equal(v->from_ns, c->from_ns);
    if (c->has_to) assert_int_equal(v->to_ns, c->to_ns);
    for (int32_t n = 0; n < 32; n++) {
        if (c->nodes_in & (UINT32_C(1) << n) && !h_has_node(v, n)) fail_msg("node %d is not in the violation", (int)n);
        if (c->nodes_out & (UINT32_C(1) << n) && h_has_node(v, n)) fail_msg("node %d is in the violation", (int)n);
    }
    if (c->nodes_count) assert_int_equal(v->nodes_count, c->nodes_count);
    for (int i = 0; c->nodes_ordered && i < c->nodes_count; i++) assert_int_equal(v->nodes[i], c->node_ids[i]);
    for (int i = 0; i < steps; i++) {
        if (c->evidence & H_S(i) && !h_has_evidence(v, ids[i])) fail_msg("step %d is not in the evidence", i);
    }
    if (c->evidence_count) assert_int_equal(v->evidence_count, c->evidence_count);
    if (c->second_message_has) expect_has("the second violation", r->violations[1].message, c->second_message_has);
}

void h_ck_case_test(void **state) {
    const struct h_ck_case *c = *state;
    if (c->refuse) {
        h_ck_expect_refused_each(c->checker, c->refuse, c->nodes, c->refuse_has ? c->refuse_has : "");
        return;
    }
    struct h_ck k;
    if (c->node_names) h_ck_begin_named(&k, c->checker, c->args, c->node_names);
    else h_ck_begin(&k, c->checker, c->args, c->nodes);
    uint64_t ids[H_CASE_STEPS_MAX];
    int n = 0;
    for (const struct h_step *s = c->steps; s->kind != H_STEP_END; s++) {
        if (n == H_CASE_STEPS_MAX) fail_msg("more than %d steps", H_CASE_STEPS_MAX);
        ids[n++] = feed(&k, s);
    }
    h_ck_end(&k, c->end_ms);
    const struct dslab_check_result *r = &k.result;
    if (r->verdict != c->want) {
        fail_msg("verdict %d, want %d (summary: %s)", (int)r->verdict, (int)c->want, r->summary);
    }
    for (int i = 0; i < 3; i++) expect_has("the summary", r->summary, c->summary_has[i]);
    if (c->has_violations) { /* the total, and as many kept as fit */
        assert_int_equal(r->violations_total, c->violations);
        assert_int_equal(r->violations_count,
                         c->violations < DSLAB_CHECK_VIOLATIONS_KEPT_MAX ? c->violations : DSLAB_CHECK_VIOLATIONS_KEPT_MAX);
    }
    expect_first_violation(c, r, ids, n);
}

void h_run_case_test(void **state) {
    const struct h_run_case *c = *state;
    struct h_run *r = h_run(c->yaml, c->tags, NULL, NULL);
    for (int i = 0; i < 8 && c->counts[i].op; i++) {
        const struct h_count_want *w = &c->counts[i];
        int got = h_count(&r->rec, &w->m);
        bool okay = w->op == '=' ? got == w->n : w->op == '>' ? got > w->n : got >= w->n;
        if (!okay) {
            fail_msg("count %d (tag %s, text %s, node %d, a %lld, %lld..%lld ns): %d, want %c %d", i,
                     w->m.tag ? w->m.tag : "*", w->m.text ? w->m.text : "*", w->m.by_node ? (int)w->m.node : -1,
                     w->m.by_a ? (long long)w->m.a : -1LL, (long long)w->m.from_ns, (long long)w->m.to_ns, got, w->op,
                     w->n);
        }
    }
    if (c->has_verdict || c->message_has) {
        const struct dslab_check_result *res = dslab_sim_check_result(r->sim, 0);
        assert_non_null(res);
        if (c->has_verdict) assert_int_equal(res->verdict, c->verdict);
        if (c->message_has) {
            assert_true(res->violations_count >= 1);
            expect_has("the violation", res->violations[0].message, c->message_has);
        }
    }
    h_run_free(r);
}

int h_run_rows(const void *rows, size_t count, size_t size, CMUnitTestFunction fn, const struct CMUnitTest *more,
               size_t more_count) {
    struct CMUnitTest *tests = calloc(count + more_count + 1, sizeof *tests);
    if (!tests) return 1;
    for (size_t i = 0; i < count; i++) {
        void *row = (char *)(uintptr_t)rows + i * size;
        const char *name;
        memcpy(&name, row, sizeof name);
        tests[i] = (struct CMUnitTest){.name = name, .test_func = fn, .initial_state = row};
    }
    for (size_t i = 0; i < more_count; i++) tests[count + i] = more[i];
    int rc = _cmocka_run_group_tests("rows", tests, count + more_count, NULL, NULL);
    free(tests);
    return rc;
}

int h_run_cases(const struct h_ck_case *cases, size_t count, const struct CMUnitTest *more, size_t more_count) {
    return h_run_rows(cases, count, sizeof *cases, h_ck_case_test, more, more_count);
}
