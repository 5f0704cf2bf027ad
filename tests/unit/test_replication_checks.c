/* test_replication_checks.c: no-lost-acknowledged-writes and convergence on
 * hand-made histories and final states they must accept and reject.
 *
 * A test builds a client history (invoke/ok/info records with true times
 * and trace ids) and the protocol's end-of-run annotations ("role",
 * "final-state", "final key=K value=V"), feeds them to the checker in id
 * order as the simulator would, and reads the verdict and evidence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dslab/check.h"
#include "dslab/time.h"

static char names[3][DSLAB_NAME_MAX] = {"n1", "n2", "n3"};

struct run {
    struct scenario sc;
    const struct checker *checker;
    void *state;
    uint64_t next_id;
    uint64_t next_op;
    struct history h;
    struct check_result result;
};

static void begin(struct run *r, const char *checker, const char *args) {
    memset(r, 0, sizeof *r);
    strcpy(r->sc.path, "test.yaml");
    r->sc.nodes_count = 3;
    r->sc.node_names = names;
    history_init(&r->h);
    r->checker = checker_find(checker);
    assert_non_null(r->checker);
    struct scenario_check check;
    memset(&check, 0, sizeof check);
    strcpy(check.name, checker);
    check.args = (char *)args;
    struct diag d;
    memset(&d, 0, sizeof d);
    assert_int_equal(r->checker->create(&r->sc, &check, &r->state, &d), 0);
}

/* Gives `ev` the next id, the time and no peer, and shows it to the checker. */
static uint64_t deliver(struct run *r, int64_t t_ms, struct trace_event *ev) {
    ev->id = r->next_id++;
    ev->t_ns = t_ms * NS_PER_MS;
    ev->peer = -1;
    r->checker->on_event(r->state, ev);
    return ev->id;
}

static uint64_t emit(struct run *r, int64_t t_ms, enum trace_kind kind, int32_t node,
                     const char *tag, const char *text, int64_t a, const struct history_op *op) {
    struct trace_event ev = {.kind = kind, .node = node, .tag = tag, .text = text, .a = a,
                             .op = op};
    return deliver(r, t_ms, &ev);
}

/* One client record; returns its trace id. */
static uint64_t record(struct run *r, uint64_t op_id, enum op_type type, enum op_fn fn,
                       int32_t node, int64_t key, int64_t value, int64_t t_ms) {
    struct history_op op;
    memset(&op, 0, sizeof op);
    op.op_id = op_id;
    op.type = type;
    op.fn = fn;
    op.node = node;
    op.key = key;
    op.value = value;
    op.expected = HISTORY_NIL;
    op.time_ns = t_ms * NS_PER_MS;
    op.trace_id = r->next_id;
    assert_int_equal(history_append(&r->h, &op), 0);
    return emit(r, t_ms, TRACE_CLIENT, node, NULL, NULL, 0, &op);
}

/* A write from invoke_ms to done_ms (done < 0: no completion). Records are
 * appended in call order, so tests call in time order. */
static uint64_t write_invoke(struct run *r, int32_t node, int64_t key, int64_t value,
                             int64_t t_ms) {
    r->next_op++;
    return record(r, r->next_op, OP_INVOKE, OP_WRITE, node, key, value, t_ms);
}

static uint64_t write_done(struct run *r, uint64_t op_id, enum op_type type, int32_t node,
                           int64_t key, int64_t value, int64_t t_ms) {
    return record(r, op_id, type, OP_WRITE, node, key, value, t_ms);
}

/* A typed annotation as node_ctx.c emits it (b = key for final values). */
static uint64_t report(struct run *r, int64_t t_ms, int32_t node, enum annotation_kind kind,
                       enum role_class role, const char *tag, const char *text, int64_t a,
                       int64_t b) {
    struct trace_event ev = {.kind = TRACE_ANNOTATE, .node = node, .tag = tag, .text = text,
                             .a = a, .b = b, .annotation = kind, .role = role};
    return deliver(r, t_ms, &ev);
}

static uint64_t final_state(struct run *r, int64_t t_ms, int32_t node, enum role_class role) {
    report(r, t_ms, node, ANNOTATION_ROLE, role, "role", role_class_name(role), 1, 0);
    return report(r, t_ms, node, ANNOTATION_FINAL_STATE, ROLE_NONE, "final-state", "state", 0, 0);
}

static uint64_t final_value(struct run *r, int64_t t_ms, int32_t node, int64_t key,
                            int64_t value) {
    char text[64];
    snprintf(text, sizeof text, "key=%lld value=%lld", (long long)key, (long long)value);
    return report(r, t_ms, node, ANNOTATION_FINAL_VALUE, ROLE_NONE, "final", text, value, key);
}

static void end(struct run *r, int64_t end_ms) {
    strcpy(r->result.name, r->checker->name);
    r->checker->finish(r->state, &r->h, end_ms * NS_PER_MS, &r->result);
    r->checker->destroy(r->state);
    history_deinit(&r->h);
}

static bool has_evidence(const struct check_violation *v, uint64_t id) {
    for (int i = 0; i < v->evidence_count; i++) {
        if (v->evidence[i] == id) return true;
    }
    return false;
}

/* --- no-lost-acknowledged-writes ------------------------------------------------ */

/* The key of a final value is the typed field (ctx_report_final_value),
 * not the text: a text naming another key changes nothing, and a free
 * note tagged "final" (ctx_annotate) is no final value at all. */
static void test_nlw_reads_the_typed_key_not_the_text(void **state) {
    (void)state;
    struct run r;
    begin(&r, "no-lost-acknowledged-writes", "");
    write_invoke(&r, 0, 1, 12, 0);
    write_done(&r, 1, OP_OK, 0, 1, 12, 10);
    final_state(&r, 100, 0, ROLE_PRIMARY);
    report(&r, 100, 0, ANNOTATION_FINAL_VALUE, ROLE_NONE, "final", "key=2 value=7", 12, 1);
    end(&r, 100);
    assert_int_equal(r.result.verdict, CHECK_PASS);

    begin(&r, "no-lost-acknowledged-writes", "");
    write_invoke(&r, 0, 1, 12, 0);
    write_done(&r, 1, OP_OK, 0, 1, 12, 10);
    final_state(&r, 100, 0, ROLE_PRIMARY);
    report(&r, 100, 0, ANNOTATION_FINAL_VALUE, ROLE_NONE, "final", "key=1 value=12", 12, 2);
    report(&r, 100, 0, ANNOTATION_NOTE, ROLE_NONE, "final", "key=1 value=12", 12, 0);
    end(&r, 100);
    assert_int_equal(r.result.verdict, CHECK_FAIL);
}

static void test_nlw_accepts_last_write_in_final_state(void **state) {
    (void)state;
    struct run r;
    begin(&r, "no-lost-acknowledged-writes", "");
    write_invoke(&r, 0, 1, 11, 0);
    write_done(&r, 1, OP_OK, 0, 1, 11, 10);
    write_invoke(&r, 0, 1, 12, 20);
    write_done(&r, 2, OP_OK, 0, 1, 12, 30);
    final_state(&r, 100, 0, ROLE_PRIMARY);
    final_value(&r, 100, 0, 1, 12);
    end(&r, 100);
    assert_int_equal(r.result.verdict, CHECK_PASS);
}

static void test_nlw_rejects_older_value_with_evidence(void **state) {
    (void)state;
    struct run r;
    begin(&r, "no-lost-acknowledged-writes", "");
    write_invoke(&r, 0, 1, 11, 0);
    uint64_t f_ok = write_done(&r, 1, OP_OK, 0, 1, 11, 10);
    uint64_t w_inv = write_invoke(&r, 0, 1, 12, 20);
    uint64_t w_ok = write_done(&r, 2, OP_OK, 0, 1, 12, 30);
    final_state(&r, 100, 1, ROLE_PRIMARY);
    uint64_t fin = final_value(&r, 100, 1, 1, 11);
    end(&r, 100);
    assert_int_equal(r.result.verdict, CHECK_FAIL);
    assert_int_equal(r.result.violations_total, 1);
    const struct check_violation *v = &r.result.violations[0];
    assert_int_equal(v->from_ns, 30 * NS_PER_MS);
    assert_true(has_evidence(v, w_inv) && has_evidence(v, w_ok) && has_evidence(v, fin) &&
                has_evidence(v, f_ok));
    assert_non_null(strstr(v->message, "= 12"));
}

static void test_nlw_accepts_value_of_a_concurrent_write(void **state) {
    (void)state;
    struct run r;
    begin(&r, "no-lost-acknowledged-writes", "");
    write_invoke(&r, 0, 1, 11, 0);
    write_invoke(&r, 0, 1, 12, 10);
    write_done(&r, 1, OP_OK, 0, 1, 11, 30); /* 11 overlaps 12: either may be last */
    write_done(&r, 2, OP_OK, 0, 1, 12, 40);
    final_state(&r, 100, 0, ROLE_PRIMARY);
    final_value(&r, 100, 0, 1, 11);
    end(&r, 100);
    assert_int_equal(r.result.verdict, CHECK_PASS);
}

static void test_nlw_accepts_value_of_an_indeterminate_write(void **state) {
    (void)state;
    struct run r;
    begin(&r, "no-lost-acknowledged-writes", "");
    write_invoke(&r, 0, 1, 11, 0);          /* times out: may land any time later */
    write_invoke(&r, 0, 1, 12, 20);
    write_done(&r, 2, OP_OK, 0, 1, 12, 30);
    write_done(&r, 1, OP_INFO, 0, 1, 11, 300);
    final_state(&r, 400, 0, ROLE_PRIMARY);
    final_value(&r, 400, 0, 1, 11);
    end(&r, 400);
    assert_int_equal(r.result.verdict, CHECK_PASS);
}

static void test_nlw_rejects_absent_key_and_unknown_value(void **state) {
    (void)state;
    struct run r;
    begin(&r, "no-lost-acknowledged-writes", "");
    write_invoke(&r, 0, 1, 11, 0);
    write_done(&r, 1, OP_OK, 0, 1, 11, 10);
    write_invoke(&r, 0, 2, 21, 20);
    write_done(&r, 2, OP_OK, 0, 2, 21, 30);
    final_state(&r, 100, 0, ROLE_PRIMARY);
    final_value(&r, 100, 0, 2, 999); /* nobody wrote 999; key 1 absent */
    end(&r, 100);
    assert_int_equal(r.result.verdict, CHECK_FAIL);
    assert_int_equal(r.result.violations_total, 2);
}

static void test_nlw_judges_the_primary_not_lagging_backups(void **state) {
    (void)state;
    struct run r;
    begin(&r, "no-lost-acknowledged-writes", "");
    write_invoke(&r, 0, 1, 11, 0);
    write_done(&r, 1, OP_OK, 0, 1, 11, 10);
    write_invoke(&r, 0, 1, 12, 20);
    write_done(&r, 2, OP_OK, 0, 1, 12, 30);
    final_state(&r, 100, 0, ROLE_PRIMARY);
    final_value(&r, 100, 0, 1, 12);
    final_state(&r, 100, 1, ROLE_BACKUP);
    final_value(&r, 100, 1, 1, 11); /* one heartbeat behind: fine */
    end(&r, 100);
    assert_int_equal(r.result.verdict, CHECK_PASS);
}

static void test_nlw_without_primary_needs_every_node_to_lose_it(void **state) {
    (void)state;
    struct run r;
    begin(&r, "no-lost-acknowledged-writes", "");
    write_invoke(&r, 0, 1, 11, 0);
    write_done(&r, 1, OP_OK, 0, 1, 11, 10);
    write_invoke(&r, 0, 1, 12, 20);
    write_done(&r, 2, OP_OK, 0, 1, 12, 30);
    emit(&r, 50, TRACE_CRASH, 0, NULL, NULL, 0, NULL); /* the primary is down */
    final_state(&r, 100, 1, ROLE_BACKUP);
    final_value(&r, 100, 1, 1, 11);
    final_state(&r, 100, 2, ROLE_BACKUP);
    final_value(&r, 100, 2, 1, 12);
    end(&r, 100);
    assert_int_equal(r.result.verdict, CHECK_PASS);
}

static void test_nlw_unknown_without_final_state(void **state) {
    (void)state;
    struct run r;
    begin(&r, "no-lost-acknowledged-writes", "");
    write_invoke(&r, 0, 1, 11, 0);
    write_done(&r, 1, OP_OK, 0, 1, 11, 10);
    end(&r, 100);
    assert_int_equal(r.result.verdict, CHECK_UNKNOWN);
}

/* --- convergence ------------------------------------------------------------------ */

static void test_convergence_accepts_agreement_after_quiet(void **state) {
    (void)state;
    struct run r;
    begin(&r, "convergence", "500ms");
    emit(&r, 1000, TRACE_HEAL, -1, NULL, NULL, 0, NULL);
    for (int32_t n = 0; n < 3; n++) {
        final_state(&r, 2000, n, n == 0 ? ROLE_PRIMARY : ROLE_BACKUP);
        final_value(&r, 2000, n, 1, 11);
        final_value(&r, 2000, n, 2, 21);
    }
    end(&r, 2000);
    assert_int_equal(r.result.verdict, CHECK_PASS);
}

static void test_convergence_rejects_disagreement_with_evidence(void **state) {
    (void)state;
    struct run r;
    begin(&r, "convergence", "500ms");
    emit(&r, 1000, TRACE_HEAL, -1, NULL, NULL, 0, NULL);
    final_state(&r, 2000, 0, ROLE_PRIMARY);
    uint64_t a = final_value(&r, 2000, 0, 1, 11);
    final_state(&r, 2000, 1, ROLE_BACKUP);
    uint64_t b = final_value(&r, 2000, 1, 1, 12);
    uint64_t c = final_state(&r, 2000, 2, ROLE_BACKUP); /* lacks key 1 */
    end(&r, 2000);
    assert_int_equal(r.result.verdict, CHECK_FAIL);
    assert_int_equal(r.result.violations_total, 1);
    const struct check_violation *v = &r.result.violations[0];
    assert_int_equal(v->from_ns, 1500 * NS_PER_MS);
    assert_int_equal(v->nodes_count, 3);
    assert_true(has_evidence(v, a) && has_evidence(v, b) && has_evidence(v, c));
    assert_non_null(strstr(v->message, "n3=absent"));
}

static void test_convergence_ignores_crashed_nodes(void **state) {
    (void)state;
    struct run r;
    begin(&r, "convergence", "500ms");
    emit(&r, 1000, TRACE_CRASH, 2, NULL, NULL, 0, NULL);
    for (int32_t n = 0; n < 2; n++) {
        final_state(&r, 2000, n, ROLE_BACKUP);
        final_value(&r, 2000, n, 1, 11);
    }
    end(&r, 2000);
    assert_int_equal(r.result.verdict, CHECK_PASS);
}

static void test_convergence_unknown_when_the_run_ends_too_soon(void **state) {
    (void)state;
    struct run r;
    begin(&r, "convergence", "2s");
    emit(&r, 1000, TRACE_HEAL, -1, NULL, NULL, 0, NULL);
    write_invoke(&r, 0, 1, 11, 1500); /* writes count as disturbance too */
    final_state(&r, 3000, 0, ROLE_PRIMARY);
    final_value(&r, 3000, 0, 1, 11);
    final_state(&r, 3000, 1, ROLE_BACKUP);
    end(&r, 3000);
    assert_int_equal(r.result.verdict, CHECK_UNKNOWN);
    assert_non_null(strstr(r.result.summary, "not judged"));
}

static void test_convergence_rejects_bad_arguments(void **state) {
    (void)state;
    const char *const bad[] = {"soon", "-1s", "0", "2"};
    for (int i = 0; i < 4; i++) {
        struct scenario sc;
        memset(&sc, 0, sizeof sc);
        sc.nodes_count = 3;
        sc.node_names = names;
        struct scenario_check check;
        memset(&check, 0, sizeof check);
        strcpy(check.name, "convergence");
        check.args = (char *)bad[i];
        struct diag d;
        memset(&d, 0, sizeof d);
        void *st = NULL;
        assert_int_equal(checker_find("convergence")->create(&sc, &check, &st, &d), -1);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nlw_accepts_last_write_in_final_state),
        cmocka_unit_test(test_nlw_reads_the_typed_key_not_the_text),
        cmocka_unit_test(test_nlw_rejects_older_value_with_evidence),
        cmocka_unit_test(test_nlw_accepts_value_of_a_concurrent_write),
        cmocka_unit_test(test_nlw_accepts_value_of_an_indeterminate_write),
        cmocka_unit_test(test_nlw_rejects_absent_key_and_unknown_value),
        cmocka_unit_test(test_nlw_judges_the_primary_not_lagging_backups),
        cmocka_unit_test(test_nlw_without_primary_needs_every_node_to_lose_it),
        cmocka_unit_test(test_nlw_unknown_without_final_state),
        cmocka_unit_test(test_convergence_accepts_agreement_after_quiet),
        cmocka_unit_test(test_convergence_rejects_disagreement_with_evidence),
        cmocka_unit_test(test_convergence_ignores_crashed_nodes),
        cmocka_unit_test(test_convergence_unknown_when_the_run_ends_too_soon),
        cmocka_unit_test(test_convergence_rejects_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
