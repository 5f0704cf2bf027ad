/* test_replication_checks.c: no-lost-acknowledged-writes and convergence on
 * hand-made histories and final states they must accept and reject.
 *
 * A test builds a client history (invoke/ok/info records with true times
 * and trace ids) and the protocol's end-of-run annotations ("role",
 * "final-state", "final key=K value=V"), feeds them to the checker in id
 * order as the simulator would, and reads the verdict and evidence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* One client record, fed to the checker too; returns its trace id. */
static uint64_t record(struct h_ck *r, uint64_t op_id, enum dslab_op_type type, enum dslab_op_fn fn,
                       int32_t node, int64_t key, int64_t value, int64_t t_ms) {
    struct dslab_history_op op = {.op_id = op_id, .type = type, .fn = fn, .node = node, .key = key,
                            .value = value, .expected = DSLAB_HISTORY_NIL, .time_ns = t_ms * DSLAB_NS_PER_MS};
    return h_ck_record(r, &op, true);
}

/* A write from invoke_ms to done_ms (done < 0: no completion). Records are
 * appended in call order, so tests call in time order. */
static uint64_t write_invoke(struct h_ck *r, int32_t node, int64_t key, int64_t value,
                             int64_t t_ms) {
    r->next_op++;
    return record(r, r->next_op, DSLAB_OP_INVOKE, DSLAB_OP_WRITE, node, key, value, t_ms);
}

static uint64_t write_done(struct h_ck *r, uint64_t op_id, enum dslab_op_type type, int32_t node,
                           int64_t key, int64_t value, int64_t t_ms) {
    return record(r, op_id, type, DSLAB_OP_WRITE, node, key, value, t_ms);
}

/* A node's typed end-of-run reports (dslab_ctx_report_role, _final_state,
 * _final_value). */
static uint64_t final_state(struct h_ck *r, int64_t t_ms, int32_t node, const char *role_text) {
    return h_ck_final_state(r, t_ms, node, role_text);
}

static uint64_t final_value(struct h_ck *r, int64_t t_ms, int32_t node, int64_t key,
                            int64_t value) {
    return h_ck_final_value(r, t_ms, node, key, value);
}

/* The key of a final value is the typed field (dslab_ctx_report_final_value),
 * not the text: a text naming another key changes nothing, and a free
 * note tagged "final" (dslab_ctx_annotate) is no final value at all. */
static void test_nlw_reads_the_typed_key_not_the_text(void **state) {
    (void)state;
    struct h_ck r;
    h_ck_begin(&r, "no-lost-acknowledged-writes", "", 3);
    write_invoke(&r, 0, 1, 12, 0);
    write_done(&r, 1, DSLAB_OP_OK, 0, 1, 12, 10);
    final_state(&r, 100, 0, "primary");
    h_ck_report(&r, 100, 0, DSLAB_ANNOTATION_FINAL_VALUE, DSLAB_ROLE_NONE, "final", "key=2 value=7", 12, 1);
    assert_int_equal(h_ck_end(&r, 100), DSLAB_CHECK_PASS);

    h_ck_begin(&r, "no-lost-acknowledged-writes", "", 3);
    write_invoke(&r, 0, 1, 12, 0);
    write_done(&r, 1, DSLAB_OP_OK, 0, 1, 12, 10);
    final_state(&r, 100, 0, "primary");
    h_ck_report(&r, 100, 0, DSLAB_ANNOTATION_FINAL_VALUE, DSLAB_ROLE_NONE, "final", "key=1 value=12", 12, 2);
    h_ck_note(&r, 100, 0, "final", "key=1 value=12", 12);
    assert_int_equal(h_ck_end(&r, 100), DSLAB_CHECK_FAIL);
}

/* --- no-lost-acknowledged-writes ------------------------------------------------ */

static void test_nlw_accepts_last_write_in_final_state(void **state) {
    (void)state;
    struct h_ck r;
    h_ck_begin(&r, "no-lost-acknowledged-writes", "", 3);
    write_invoke(&r, 0, 1, 11, 0);
    write_done(&r, 1, DSLAB_OP_OK, 0, 1, 11, 10);
    write_invoke(&r, 0, 1, 12, 20);
    write_done(&r, 2, DSLAB_OP_OK, 0, 1, 12, 30);
    final_state(&r, 100, 0, "primary");
    final_value(&r, 100, 0, 1, 12);
    assert_int_equal(h_ck_end(&r, 100), DSLAB_CHECK_PASS);
}

static void test_nlw_rejects_older_value_with_evidence(void **state) {
    (void)state;
    struct h_ck r;
    h_ck_begin(&r, "no-lost-acknowledged-writes", "", 3);
    write_invoke(&r, 0, 1, 11, 0);
    uint64_t f_ok = write_done(&r, 1, DSLAB_OP_OK, 0, 1, 11, 10);
    uint64_t w_inv = write_invoke(&r, 0, 1, 12, 20);
    uint64_t w_ok = write_done(&r, 2, DSLAB_OP_OK, 0, 1, 12, 30);
    final_state(&r, 100, 1, "primary");
    uint64_t fin = final_value(&r, 100, 1, 1, 11);
    assert_int_equal(h_ck_end(&r, 100), DSLAB_CHECK_FAIL);
    assert_int_equal(r.result.violations_total, 1);
    const struct dslab_check_violation *v = &r.result.violations[0];
    assert_int_equal(v->from_ns, 30 * DSLAB_NS_PER_MS);
    assert_true(h_has_evidence(v, w_inv) && h_has_evidence(v, w_ok) && h_has_evidence(v, fin) &&
                h_has_evidence(v, f_ok));
    assert_non_null(strstr(v->message, "= 12"));
}

static void test_nlw_accepts_value_of_a_concurrent_write(void **state) {
    (void)state;
    struct h_ck r;
    h_ck_begin(&r, "no-lost-acknowledged-writes", "", 3);
    write_invoke(&r, 0, 1, 11, 0);
    write_invoke(&r, 0, 1, 12, 10);
    write_done(&r, 1, DSLAB_OP_OK, 0, 1, 11, 30); /* 11 overlaps 12: either may be last */
    write_done(&r, 2, DSLAB_OP_OK, 0, 1, 12, 40);
    final_state(&r, 100, 0, "primary");
    final_value(&r, 100, 0, 1, 11);
    assert_int_equal(h_ck_end(&r, 100), DSLAB_CHECK_PASS);
}

static void test_nlw_accepts_value_of_an_indeterminate_write(void **state) {
    (void)state;
    struct h_ck r;
    h_ck_begin(&r, "no-lost-acknowledged-writes", "", 3);
    write_invoke(&r, 0, 1, 11, 0);          /* times out: may land any time later */
    write_invoke(&r, 0, 1, 12, 20);
    write_done(&r, 2, DSLAB_OP_OK, 0, 1, 12, 30);
    write_done(&r, 1, DSLAB_OP_INFO, 0, 1, 11, 300);
    final_state(&r, 400, 0, "primary");
    final_value(&r, 400, 0, 1, 11);
    assert_int_equal(h_ck_end(&r, 400), DSLAB_CHECK_PASS);
}

static void test_nlw_rejects_absent_key_and_unknown_value(void **state) {
    (void)state;
    struct h_ck r;
    h_ck_begin(&r, "no-lost-acknowledged-writes", "", 3);
    write_invoke(&r, 0, 1, 11, 0);
    write_done(&r, 1, DSLAB_OP_OK, 0, 1, 11, 10);
    write_invoke(&r, 0, 2, 21, 20);
    write_done(&r, 2, DSLAB_OP_OK, 0, 2, 21, 30);
    final_state(&r, 100, 0, "primary");
    final_value(&r, 100, 0, 2, 999); /* nobody wrote 999; key 1 absent */
    assert_int_equal(h_ck_end(&r, 100), DSLAB_CHECK_FAIL);
    assert_int_equal(r.result.violations_total, 2);
}

static void test_nlw_judges_the_primary_not_lagging_backups(void **state) {
    (void)state;
    struct h_ck r;
    h_ck_begin(&r, "no-lost-acknowledged-writes", "", 3);
    write_invoke(&r, 0, 1, 11, 0);
    write_done(&r, 1, DSLAB_OP_OK, 0, 1, 11, 10);
    write_invoke(&r, 0, 1, 12, 20);
    write_done(&r, 2, DSLAB_OP_OK, 0, 1, 12, 30);
    final_state(&r, 100, 0, "primary");
    final_value(&r, 100, 0, 1, 12);
    final_state(&r, 100, 1, "backup");
    final_value(&r, 100, 1, 1, 11); /* one heartbeat behind: fine */
    assert_int_equal(h_ck_end(&r, 100), DSLAB_CHECK_PASS);
}

static void test_nlw_without_primary_needs_every_node_to_lose_it(void **state) {
    (void)state;
    struct h_ck r;
    h_ck_begin(&r, "no-lost-acknowledged-writes", "", 3);
    write_invoke(&r, 0, 1, 11, 0);
    write_done(&r, 1, DSLAB_OP_OK, 0, 1, 11, 10);
    write_invoke(&r, 0, 1, 12, 20);
    write_done(&r, 2, DSLAB_OP_OK, 0, 1, 12, 30);
    h_ck_emit(&r, 50, DSLAB_TRACE_CRASH, 0, -1, 0, NULL, NULL); /* the primary is down */
    final_state(&r, 100, 1, "backup");
    final_value(&r, 100, 1, 1, 11);
    final_state(&r, 100, 2, "backup");
    final_value(&r, 100, 2, 1, 12);
    assert_int_equal(h_ck_end(&r, 100), DSLAB_CHECK_PASS);
}

static void test_nlw_unknown_without_final_state(void **state) {
    (void)state;
    struct h_ck r;
    h_ck_begin(&r, "no-lost-acknowledged-writes", "", 3);
    write_invoke(&r, 0, 1, 11, 0);
    write_done(&r, 1, DSLAB_OP_OK, 0, 1, 11, 10);
    assert_int_equal(h_ck_end(&r, 100), DSLAB_CHECK_UNKNOWN);
}

/* --- convergence ------------------------------------------------------------------ */

static void test_convergence_accepts_agreement_after_quiet(void **state) {
    (void)state;
    struct h_ck r;
    h_ck_begin(&r, "convergence", "500ms", 3);
    h_ck_emit(&r, 1000, DSLAB_TRACE_HEAL, -1, -1, 0, NULL, NULL);
    for (int32_t n = 0; n < 3; n++) {
        final_state(&r, 2000, n, n == 0 ? "primary" : "backup");
        final_value(&r, 2000, n, 1, 11);
        final_value(&r, 2000, n, 2, 21);
    }
    assert_int_equal(h_ck_end(&r, 2000), DSLAB_CHECK_PASS);
}

static void test_convergence_rejects_disagreement_with_evidence(void **state) {
    (void)state;
    struct h_ck r;
    h_ck_begin(&r, "convergence", "500ms", 3);
    h_ck_emit(&r, 1000, DSLAB_TRACE_HEAL, -1, -1, 0, NULL, NULL);
    final_state(&r, 2000, 0, "primary");
    uint64_t a = final_value(&r, 2000, 0, 1, 11);
    final_state(&r, 2000, 1, "backup");
    uint64_t b = final_value(&r, 2000, 1, 1, 12);
    uint64_t c = final_state(&r, 2000, 2, "backup"); /* lacks key 1 */
    assert_int_equal(h_ck_end(&r, 2000), DSLAB_CHECK_FAIL);
    assert_int_equal(r.result.violations_total, 1);
    const struct dslab_check_violation *v = &r.result.violations[0];
    assert_int_equal(v->from_ns, 1500 * DSLAB_NS_PER_MS);
    assert_int_equal(v->nodes_count, 3);
    assert_true(h_has_evidence(v, a) && h_has_evidence(v, b) && h_has_evidence(v, c));
    assert_non_null(strstr(v->message, "n3=absent"));
}

static void test_convergence_ignores_crashed_nodes(void **state) {
    (void)state;
    struct h_ck r;
    h_ck_begin(&r, "convergence", "500ms", 3);
    h_ck_emit(&r, 1000, DSLAB_TRACE_CRASH, 2, -1, 0, NULL, NULL);
    for (int32_t n = 0; n < 2; n++) {
        final_state(&r, 2000, n, "backup");
        final_value(&r, 2000, n, 1, 11);
    }
    assert_int_equal(h_ck_end(&r, 2000), DSLAB_CHECK_PASS);
}

static void test_convergence_unknown_when_the_run_ends_too_soon(void **state) {
    (void)state;
    struct h_ck r;
    h_ck_begin(&r, "convergence", "2s", 3);
    h_ck_emit(&r, 1000, DSLAB_TRACE_HEAL, -1, -1, 0, NULL, NULL);
    write_invoke(&r, 0, 1, 11, 1500); /* writes count as disturbance too */
    final_state(&r, 3000, 0, "primary");
    final_value(&r, 3000, 0, 1, 11);
    final_state(&r, 3000, 1, "backup");
    assert_int_equal(h_ck_end(&r, 3000), DSLAB_CHECK_UNKNOWN);
    assert_non_null(strstr(r.result.summary, "not judged"));
}

static void test_convergence_rejects_bad_arguments(void **state) {
    (void)state;
    h_ck_expect_refused_each("convergence", (const char *const[]){"soon", "-1s", "0", "2", NULL}, 3, "");
}

H_MAIN(cmocka_unit_test(test_nlw_reads_the_typed_key_not_the_text),
       cmocka_unit_test(test_nlw_accepts_last_write_in_final_state),
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
       cmocka_unit_test(test_convergence_rejects_bad_arguments))
