/* test_single_primary.c: single-primary-per-epoch and single-primary-at-once
 * on hand-made traces they must accept and ones they must reject.
 *
 * Each test feeds the checker "role" annotations, crashes and restarts as
 * the simulator would (increasing ids, true times) and reads its verdict,
 * windows, nodes and evidence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dslab/check.h"
#include "dslab/time.h"

static char names[4][DSLAB_NAME_MAX] = {"n1", "n2", "n3", "n4"};

struct run {
    struct scenario sc;
    const struct checker *checker;
    void *state;
    uint64_t next_id;
    struct check_result result;
};

static void begin(struct run *r, const char *checker, const char *args) {
    memset(r, 0, sizeof *r);
    strcpy(r->sc.path, "test.yaml");
    r->sc.nodes_count = 4;
    r->sc.node_names = names;
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
                     const char *tag, const char *text, int64_t a) {
    struct trace_event ev = {.kind = kind, .node = node, .tag = tag, .text = text, .a = a};
    return deliver(r, t_ms, &ev);
}

/* A typed role report (what ctx_report_role emits) with its own text. */
static uint64_t role_text(struct run *r, int64_t t_ms, int32_t node, enum role_class role,
                          const char *text, int64_t epoch) {
    struct trace_event ev = {.kind = TRACE_ANNOTATE, .node = node, .tag = "role", .text = text,
                             .a = epoch, .annotation = ANNOTATION_ROLE, .role = role};
    return deliver(r, t_ms, &ev);
}

static uint64_t role(struct run *r, int64_t t_ms, int32_t node, enum role_class role,
                     int64_t epoch) {
    return role_text(r, t_ms, node, role, role_class_name(role), epoch);
}

static void end(struct run *r, int64_t end_ms) {
    struct history h;
    history_init(&h);
    strcpy(r->result.name, r->checker->name);
    r->checker->finish(r->state, &h, end_ms * NS_PER_MS, &r->result);
    r->checker->destroy(r->state);
    history_deinit(&h);
}

static bool has_evidence(const struct check_violation *v, uint64_t id) {
    for (int i = 0; i < v->evidence_count; i++) {
        if (v->evidence[i] == id) return true;
    }
    return false;
}

static bool has_node(const struct check_violation *v, int32_t node) {
    for (int i = 0; i < v->nodes_count; i++) {
        if (v->nodes[i] == node) return true;
    }
    return false;
}

/* --- single-primary-at-once ------------------------------------------------ */

static void test_at_once_accepts_step_down_before_promotion(void **state) {
    (void)state;
    struct run r;
    begin(&r, "single-primary-at-once", "");
    role(&r, 0, 0, ROLE_PRIMARY, 1);
    role(&r, 0, 1, ROLE_BACKUP, 1);
    role(&r, 2160, 0, ROLE_BACKUP, 1);
    role(&r, 2300, 1, ROLE_PRIMARY, 2);
    end(&r, 5000);
    assert_int_equal(r.result.verdict, CHECK_PASS);
    assert_int_equal(r.result.violations_total, 0);
}

static void test_at_once_accepts_handover_at_the_same_instant(void **state) {
    (void)state;
    struct run r;
    begin(&r, "single-primary-at-once", "");
    role(&r, 0, 0, ROLE_PRIMARY, 1);
    role(&r, 2000, 0, ROLE_BACKUP, 1);
    role(&r, 2000, 1, ROLE_PRIMARY, 2); /* zero-length overlap is no overlap */
    end(&r, 5000);
    assert_int_equal(r.result.verdict, CHECK_PASS);
}

static void test_at_once_accepts_same_node_in_a_new_epoch(void **state) {
    (void)state;
    struct run r;
    begin(&r, "single-primary-at-once", "");
    role(&r, 0, 0, ROLE_PRIMARY, 1);
    role(&r, 1000, 0, ROLE_PRIMARY, 2);
    end(&r, 5000);
    assert_int_equal(r.result.verdict, CHECK_PASS);
}

static void test_at_once_accepts_crash_ending_a_primaryship(void **state) {
    (void)state;
    struct run r;
    begin(&r, "single-primary-at-once", "");
    role(&r, 0, 0, ROLE_PRIMARY, 1);
    emit(&r, 2000, TRACE_CRASH, 0, NULL, NULL, 0);
    role(&r, 2300, 1, ROLE_PRIMARY, 2);
    emit(&r, 3000, TRACE_RESTART, 0, NULL, NULL, 0);
    role(&r, 3000, 0, ROLE_BACKUP, 1);
    end(&r, 5000);
    assert_int_equal(r.result.verdict, CHECK_PASS);
}

static void test_at_once_rejects_split_brain_with_window_and_evidence(void **state) {
    (void)state;
    struct run r;
    begin(&r, "single-primary-at-once", "");
    uint64_t a = role(&r, 0, 0, ROLE_PRIMARY, 1);
    role(&r, 0, 1, ROLE_BACKUP, 1);
    uint64_t b = role(&r, 2300, 1, ROLE_PRIMARY, 2);
    uint64_t stop = role(&r, 4030, 0, ROLE_BACKUP, 2);
    end(&r, 5000);
    assert_int_equal(r.result.verdict, CHECK_FAIL);
    assert_int_equal(r.result.violations_total, 1);
    const struct check_violation *v = &r.result.violations[0];
    assert_int_equal(v->from_ns, 2300 * NS_PER_MS);
    assert_int_equal(v->to_ns, 4030 * NS_PER_MS);
    assert_true(has_node(v, 0) && has_node(v, 1));
    assert_true(has_evidence(v, a) && has_evidence(v, b) && has_evidence(v, stop));
}

/* The checkers read the typed class, never the text: a primary whose text
 * says "boss" is a primary, a backup whose text says "primary" is not, and
 * a free note tagged "role" (not a typed report) is ignored. */
static void test_typed_role_decides_not_the_text(void **state) {
    (void)state;
    struct run r;
    begin(&r, "single-primary-at-once", "");
    uint64_t a = role_text(&r, 0, 0, ROLE_PRIMARY, "boss", 1);
    role_text(&r, 100, 2, ROLE_BACKUP, "primary", 1);
    emit(&r, 150, TRACE_ANNOTATE, 2, "role", "primary", 1); /* untyped: ctx_annotate */
    uint64_t b = role_text(&r, 200, 1, ROLE_LEADER, "chief", 2);
    end(&r, 1000);
    assert_int_equal(r.result.verdict, CHECK_FAIL);
    assert_int_equal(r.result.violations_total, 1);
    const struct check_violation *v = &r.result.violations[0];
    assert_true(has_node(v, 0) && has_node(v, 1) && !has_node(v, 2));
    assert_true(has_evidence(v, a) && has_evidence(v, b));

    begin(&r, "single-primary-at-once", "");
    role_text(&r, 0, 0, ROLE_PRIMARY, "primary", 1);
    role_text(&r, 100, 1, ROLE_BACKUP, "primary", 1);
    role_text(&r, 200, 2, ROLE_COORDINATOR, "leader", 1);
    emit(&r, 300, TRACE_ANNOTATE, 2, "role", "leader", 1);
    end(&r, 1000);
    assert_int_equal(r.result.verdict, CHECK_PASS);
}

static void test_at_once_rejects_overlap_open_at_the_end(void **state) {
    (void)state;
    struct run r;
    begin(&r, "single-primary-at-once", "");
    role(&r, 0, 0, ROLE_LEADER, 1); /* Raft's word counts too */
    role(&r, 1500, 2, ROLE_LEADER, 2);
    end(&r, 3000);
    assert_int_equal(r.result.verdict, CHECK_FAIL);
    assert_int_equal(r.result.violations[0].from_ns, 1500 * NS_PER_MS);
    assert_int_equal(r.result.violations[0].to_ns, 3000 * NS_PER_MS);
}

static void test_at_once_reports_every_pair_of_three_primaries(void **state) {
    (void)state;
    struct run r;
    begin(&r, "single-primary-at-once", "");
    role(&r, 0, 0, ROLE_PRIMARY, 1);
    role(&r, 100, 1, ROLE_PRIMARY, 2);
    role(&r, 200, 2, ROLE_PRIMARY, 2);
    end(&r, 1000);
    assert_int_equal(r.result.verdict, CHECK_FAIL);
    assert_int_equal(r.result.violations_total, 3);
}

static void test_at_once_ignores_candidates(void **state) {
    (void)state;
    struct run r;
    begin(&r, "single-primary-at-once", "");
    role(&r, 0, 0, ROLE_PRIMARY, 1);
    role(&r, 300, 1, ROLE_CANDIDATE, 2);
    role(&r, 400, 2, ROLE_CANDIDATE, 3);
    end(&r, 1000);
    assert_int_equal(r.result.verdict, CHECK_PASS);
}

/* --- single-primary-per-epoch ------------------------------------------------ */

static void test_per_epoch_accepts_split_brain_in_different_epochs(void **state) {
    (void)state;
    struct run r;
    begin(&r, "single-primary-per-epoch", "");
    role(&r, 0, 0, ROLE_PRIMARY, 1);
    role(&r, 2300, 1, ROLE_PRIMARY, 2);
    end(&r, 5000);
    assert_int_equal(r.result.verdict, CHECK_PASS);
}

static void test_per_epoch_rejects_two_primaries_of_one_epoch_even_apart(void **state) {
    (void)state;
    struct run r;
    begin(&r, "single-primary-per-epoch", "");
    uint64_t a = role(&r, 1000, 0, ROLE_PRIMARY, 3);
    role(&r, 2000, 0, ROLE_BACKUP, 3);
    uint64_t b = role(&r, 3000, 1, ROLE_PRIMARY, 3);
    end(&r, 5000);
    assert_int_equal(r.result.verdict, CHECK_FAIL);
    const struct check_violation *v = &r.result.violations[0];
    assert_int_equal(v->from_ns, 3000 * NS_PER_MS);
    assert_true(has_evidence(v, a) && has_evidence(v, b));
    assert_non_null(strstr(v->message, "epoch 3"));
    /* ...which single-primary-at-once accepts: they never overlapped. */
    begin(&r, "single-primary-at-once", "");
    role(&r, 1000, 0, ROLE_PRIMARY, 3);
    role(&r, 2000, 0, ROLE_BACKUP, 3);
    role(&r, 3000, 1, ROLE_PRIMARY, 3);
    end(&r, 5000);
    assert_int_equal(r.result.verdict, CHECK_PASS);
}

static void test_checkers_reject_arguments(void **state) {
    (void)state;
    const char *const checkers[] = {"single-primary-at-once", "single-primary-per-epoch"};
    for (int i = 0; i < 2; i++) {
        struct scenario sc;
        memset(&sc, 0, sizeof sc);
        sc.nodes_count = 2;
        sc.node_names = names;
        struct scenario_check check;
        memset(&check, 0, sizeof check);
        strcpy(check.name, checkers[i]);
        check.args = (char *)"2s";
        check.pos.line = 7;
        struct diag d;
        memset(&d, 0, sizeof d);
        void *st = NULL;
        assert_int_equal(checker_find(checkers[i])->create(&sc, &check, &st, &d), -1);
        assert_int_equal(d.line, 7);
    }
}

/* A primary frozen by a pause accepts nothing: the at-once view does not
 * count it while paused. n1 (epoch 1) is paused 1s..3s; n2 leads epoch 2
 * from 1.5s; n1 steps down as it wakes (its lease ran out while frozen). */
static void test_at_once_does_not_count_a_paused_primary(void **state) {
    (void)state;
    struct run r;
    begin(&r, "single-primary-at-once", NULL);
    role(&r, 0, 0, ROLE_PRIMARY, 1);
    emit(&r, 1000, TRACE_PAUSE, 0, NULL, NULL, 2000 * NS_PER_MS);
    role(&r, 1500, 1, ROLE_PRIMARY, 2);
    emit(&r, 3000, TRACE_RESUME, 0, NULL, NULL, 0);
    role(&r, 3000, 0, ROLE_BACKUP, 2);
    end(&r, 5000);
    assert_int_equal(r.result.verdict, CHECK_PASS);
}

/* ... but one that wakes and keeps leading is a second primary from its
 * resume until it steps down; and the per-epoch view is unchanged. */
static void test_at_once_counts_a_primary_that_wakes_still_leading(void **state) {
    (void)state;
    struct run r;
    begin(&r, "single-primary-at-once", NULL);
    role(&r, 0, 0, ROLE_PRIMARY, 1);
    emit(&r, 1000, TRACE_PAUSE, 0, NULL, NULL, 2000 * NS_PER_MS);
    role(&r, 1500, 1, ROLE_PRIMARY, 2);
    emit(&r, 3000, TRACE_RESUME, 0, NULL, NULL, 0);
    role(&r, 3500, 0, ROLE_BACKUP, 2);
    end(&r, 5000);
    assert_int_equal(r.result.verdict, CHECK_FAIL);
    assert_int_equal(r.result.violations_count, 1);
    assert_int_equal(r.result.violations[0].from_ns, 3000 * NS_PER_MS);
    assert_int_equal(r.result.violations[0].to_ns, 3500 * NS_PER_MS);
    /* A crash while paused ends it for good. */
    begin(&r, "single-primary-at-once", NULL);
    role(&r, 0, 0, ROLE_PRIMARY, 1);
    emit(&r, 1000, TRACE_PAUSE, 0, NULL, NULL, 2000 * NS_PER_MS);
    role(&r, 1500, 1, ROLE_PRIMARY, 2);
    emit(&r, 2000, TRACE_CRASH, 0, NULL, NULL, 0);
    emit(&r, 3000, TRACE_RESUME, 0, NULL, NULL, 0);
    end(&r, 5000);
    assert_int_equal(r.result.verdict, CHECK_PASS);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_at_once_accepts_step_down_before_promotion),
        cmocka_unit_test(test_at_once_accepts_handover_at_the_same_instant),
        cmocka_unit_test(test_at_once_accepts_same_node_in_a_new_epoch),
        cmocka_unit_test(test_at_once_accepts_crash_ending_a_primaryship),
        cmocka_unit_test(test_at_once_rejects_split_brain_with_window_and_evidence),
        cmocka_unit_test(test_at_once_rejects_overlap_open_at_the_end),
        cmocka_unit_test(test_typed_role_decides_not_the_text),
        cmocka_unit_test(test_at_once_reports_every_pair_of_three_primaries),
        cmocka_unit_test(test_at_once_ignores_candidates),
        cmocka_unit_test(test_per_epoch_accepts_split_brain_in_different_epochs),
        cmocka_unit_test(test_per_epoch_rejects_two_primaries_of_one_epoch_even_apart),
        cmocka_unit_test(test_checkers_reject_arguments),
        cmocka_unit_test(test_at_once_does_not_count_a_paused_primary),
        cmocka_unit_test(test_at_once_counts_a_primary_that_wakes_still_leading),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
