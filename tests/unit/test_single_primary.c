/* test_single_primary.c: single-primary-per-epoch and single-primary-at-once
 * on hand-made traces they must accept and ones they must reject.
 *
 * Each test feeds the checker "role" annotations, crashes and restarts as
 * the simulator would (increasing ids, true times) and reads its verdict,
 * windows, nodes and evidence. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* A typed role report (dslab_ctx_report_role) with the epoch (a); the class is
 * named by the text. Returns its trace id. */
static uint64_t role(struct h_ck *k, int64_t t_ms, int32_t node, const char *text, int64_t epoch) {
    return h_ck_role(k, t_ms, node, text, epoch);
}

/* A typed role report whose text says something else than its class. */
static uint64_t role_text(struct h_ck *k, int64_t t_ms, int32_t node, enum dslab_role_class role,
                          const char *text, int64_t epoch) {
    return h_ck_report(k, t_ms, node, DSLAB_ANNOTATION_ROLE, role, "role", text, epoch, 0);
}

/* --- single-primary-at-once ------------------------------------------------ */

static void test_at_once_accepts_step_down_before_promotion(void **state) {
    (void)state;
    struct h_ck r;
    h_ck_begin(&r, "single-primary-at-once", "", 4);
    role(&r, 0, 0, "primary", 1);
    role(&r, 0, 1, "backup", 1);
    role(&r, 2160, 0, "backup", 1);
    role(&r, 2300, 1, "primary", 2);
    assert_int_equal(h_ck_end(&r, 5000), DSLAB_CHECK_PASS);
    assert_int_equal(r.result.violations_total, 0);
}

static void test_at_once_accepts_handover_at_the_same_instant(void **state) {
    (void)state;
    struct h_ck r;
    h_ck_begin(&r, "single-primary-at-once", "", 4);
    role(&r, 0, 0, "primary", 1);
    role(&r, 2000, 0, "backup", 1);
    role(&r, 2000, 1, "primary", 2); /* zero-length overlap is no overlap */
    assert_int_equal(h_ck_end(&r, 5000), DSLAB_CHECK_PASS);
}

static void test_at_once_accepts_same_node_in_a_new_epoch(void **state) {
    (void)state;
    struct h_ck r;
    h_ck_begin(&r, "single-primary-at-once", "", 4);
    role(&r, 0, 0, "primary", 1);
    role(&r, 1000, 0, "primary", 2);
    assert_int_equal(h_ck_end(&r, 5000), DSLAB_CHECK_PASS);
}

static void test_at_once_accepts_crash_ending_a_primaryship(void **state) {
    (void)state;
    struct h_ck r;
    h_ck_begin(&r, "single-primary-at-once", "", 4);
    role(&r, 0, 0, "primary", 1);
    h_ck_emit(&r, 2000, DSLAB_TRACE_CRASH, 0, -1, 0, NULL, NULL);
    role(&r, 2300, 1, "primary", 2);
    h_ck_emit(&r, 3000, DSLAB_TRACE_RESTART, 0, -1, 0, NULL, NULL);
    role(&r, 3000, 0, "backup", 1);
    assert_int_equal(h_ck_end(&r, 5000), DSLAB_CHECK_PASS);
}

static void test_at_once_rejects_split_brain_with_window_and_evidence(void **state) {
    (void)state;
    struct h_ck r;
    h_ck_begin(&r, "single-primary-at-once", "", 4);
    uint64_t a = role(&r, 0, 0, "primary", 1);
    role(&r, 0, 1, "backup", 1);
    uint64_t b = role(&r, 2300, 1, "primary", 2);
    uint64_t stop = role(&r, 4030, 0, "backup", 2);
    assert_int_equal(h_ck_end(&r, 5000), DSLAB_CHECK_FAIL);
    assert_int_equal(r.result.violations_total, 1);
    const struct dslab_check_violation *v = &r.result.violations[0];
    assert_int_equal(v->from_ns, 2300 * DSLAB_NS_PER_MS);
    assert_int_equal(v->to_ns, 4030 * DSLAB_NS_PER_MS);
    assert_true(h_has_node(v, 0) && h_has_node(v, 1));
    assert_true(h_has_evidence(v, a) && h_has_evidence(v, b) && h_has_evidence(v, stop));
}

/* The checkers read the typed class, never the text: a primary whose text
 * says "boss" is a primary, a backup whose text says "primary" is not, and
 * a free note tagged "role" (dslab_ctx_annotate, not a typed report) is ignored. */
static void test_typed_role_decides_not_the_text(void **state) {
    (void)state;
    struct h_ck r;
    h_ck_begin(&r, "single-primary-at-once", "", 4);
    uint64_t a = role_text(&r, 0, 0, DSLAB_ROLE_PRIMARY, "boss", 1);
    role_text(&r, 100, 2, DSLAB_ROLE_BACKUP, "primary", 1);
    h_ck_note(&r, 150, 2, "role", "primary", 1); /* untyped */
    uint64_t b = role_text(&r, 200, 1, DSLAB_ROLE_LEADER, "chief", 2);
    assert_int_equal(h_ck_end(&r, 1000), DSLAB_CHECK_FAIL);
    assert_int_equal(r.result.violations_total, 1);
    const struct dslab_check_violation *v = &r.result.violations[0];
    assert_true(h_has_node(v, 0) && h_has_node(v, 1) && !h_has_node(v, 2));
    assert_true(h_has_evidence(v, a) && h_has_evidence(v, b));

    h_ck_begin(&r, "single-primary-at-once", "", 4);
    role_text(&r, 0, 0, DSLAB_ROLE_PRIMARY, "primary", 1);
    role_text(&r, 100, 1, DSLAB_ROLE_BACKUP, "primary", 1);
    role_text(&r, 200, 2, DSLAB_ROLE_COORDINATOR, "leader", 1);
    h_ck_note(&r, 300, 2, "role", "leader", 1);
    assert_int_equal(h_ck_end(&r, 1000), DSLAB_CHECK_PASS);
}

static void test_at_once_rejects_overlap_open_at_the_end(void **state) {
    (void)state;
    struct h_ck r;
    h_ck_begin(&r, "single-primary-at-once", "", 4);
    role(&r, 0, 0, "leader", 1); /* Raft's word counts too */
    role(&r, 1500, 2, "leader", 2);
    assert_int_equal(h_ck_end(&r, 3000), DSLAB_CHECK_FAIL);
    h_expect_window(&r.result.violations[0], 1500, 3000);
}

static void test_at_once_reports_every_pair_of_three_primaries(void **state) {
    (void)state;
    struct h_ck r;
    h_ck_begin(&r, "single-primary-at-once", "", 4);
    role(&r, 0, 0, "primary", 1);
    role(&r, 100, 1, "primary", 2);
    role(&r, 200, 2, "primary", 2);
    assert_int_equal(h_ck_end(&r, 1000), DSLAB_CHECK_FAIL);
    assert_int_equal(r.result.violations_total, 3);
}

static void test_at_once_ignores_candidates(void **state) {
    (void)state;
    struct h_ck r;
    h_ck_begin(&r, "single-primary-at-once", "", 4);
    role(&r, 0, 0, "primary", 1);
    role(&r, 300, 1, "candidate", 2);
    role(&r, 400, 2, "candidate", 3);
    assert_int_equal(h_ck_end(&r, 1000), DSLAB_CHECK_PASS);
}

/* --- single-primary-per-epoch ------------------------------------------------ */

static void test_per_epoch_accepts_split_brain_in_different_epochs(void **state) {
    (void)state;
    struct h_ck r;
    h_ck_begin(&r, "single-primary-per-epoch", "", 4);
    role(&r, 0, 0, "primary", 1);
    role(&r, 2300, 1, "primary", 2);
    assert_int_equal(h_ck_end(&r, 5000), DSLAB_CHECK_PASS);
}

static void test_per_epoch_rejects_two_primaries_of_one_epoch_even_apart(void **state) {
    (void)state;
    struct h_ck r;
    h_ck_begin(&r, "single-primary-per-epoch", "", 4);
    uint64_t a = role(&r, 1000, 0, "primary", 3);
    role(&r, 2000, 0, "backup", 3);
    uint64_t b = role(&r, 3000, 1, "primary", 3);
    assert_int_equal(h_ck_end(&r, 5000), DSLAB_CHECK_FAIL);
    const struct dslab_check_violation *v = &r.result.violations[0];
    assert_int_equal(v->from_ns, 3000 * DSLAB_NS_PER_MS);
    assert_true(h_has_evidence(v, a) && h_has_evidence(v, b));
    assert_non_null(strstr(v->message, "epoch 3"));
    /* ...which single-primary-at-once accepts: they never overlapped. */
    h_ck_begin(&r, "single-primary-at-once", "", 4);
    role(&r, 1000, 0, "primary", 3);
    role(&r, 2000, 0, "backup", 3);
    role(&r, 3000, 1, "primary", 3);
    assert_int_equal(h_ck_end(&r, 5000), DSLAB_CHECK_PASS);
}

static void test_checkers_reject_arguments(void **state) {
    (void)state;
    const char *const checkers[] = {"single-primary-at-once", "single-primary-per-epoch"};
    static char names[2][DSLAB_NAME_MAX] = {"n1", "n2"};
    for (int i = 0; i < 2; i++) {
        struct dslab_scenario sc;
        memset(&sc, 0, sizeof sc);
        sc.nodes_count = 2;
        sc.node_names = names;
        struct dslab_scenario_check check;
        memset(&check, 0, sizeof check);
        strcpy(check.name, checkers[i]);
        check.args = (char *)"2s";
        check.pos.line = 7;
        struct dslab_diag d;
        memset(&d, 0, sizeof d);
        void *st = NULL;
        assert_int_equal(dslab_checker_find(checkers[i])->create(&sc, &check, &st, &d), -1);
        assert_int_equal(d.line, 7);
    }
}

/* A primary frozen by a pause accepts nothing: the at-once view does not
 * count it while paused. n1 (epoch 1) is paused 1s..3s; n2 leads epoch 2
 * from 1.5s; n1 steps down as it wakes (its lease ran out while frozen). */
static void test_at_once_does_not_count_a_paused_primary(void **state) {
    (void)state;
    struct h_ck r;
    h_ck_begin(&r, "single-primary-at-once", NULL, 4);
    role(&r, 0, 0, "primary", 1);
    h_ck_emit(&r, 1000, DSLAB_TRACE_PAUSE, 0, -1, 2000 * DSLAB_NS_PER_MS, NULL, NULL);
    role(&r, 1500, 1, "primary", 2);
    h_ck_emit(&r, 3000, DSLAB_TRACE_RESUME, 0, -1, 0, NULL, NULL);
    role(&r, 3000, 0, "backup", 2);
    assert_int_equal(h_ck_end(&r, 5000), DSLAB_CHECK_PASS);
}

/* ... but one that wakes and keeps leading is a second primary from its
 * resume until it steps down; and the per-epoch view is unchanged. */
static void test_at_once_counts_a_primary_that_wakes_still_leading(void **state) {
    (void)state;
    struct h_ck r;
    h_ck_begin(&r, "single-primary-at-once", NULL, 4);
    role(&r, 0, 0, "primary", 1);
    h_ck_emit(&r, 1000, DSLAB_TRACE_PAUSE, 0, -1, 2000 * DSLAB_NS_PER_MS, NULL, NULL);
    role(&r, 1500, 1, "primary", 2);
    h_ck_emit(&r, 3000, DSLAB_TRACE_RESUME, 0, -1, 0, NULL, NULL);
    role(&r, 3500, 0, "backup", 2);
    assert_int_equal(h_ck_end(&r, 5000), DSLAB_CHECK_FAIL);
    assert_int_equal(r.result.violations_count, 1);
    h_expect_window(&r.result.violations[0], 3000, 3500);
    /* A crash while paused ends it for good. */
    h_ck_begin(&r, "single-primary-at-once", NULL, 4);
    role(&r, 0, 0, "primary", 1);
    h_ck_emit(&r, 1000, DSLAB_TRACE_PAUSE, 0, -1, 2000 * DSLAB_NS_PER_MS, NULL, NULL);
    role(&r, 1500, 1, "primary", 2);
    h_ck_emit(&r, 2000, DSLAB_TRACE_CRASH, 0, -1, 0, NULL, NULL);
    h_ck_emit(&r, 3000, DSLAB_TRACE_RESUME, 0, -1, 0, NULL, NULL);
    assert_int_equal(h_ck_end(&r, 5000), DSLAB_CHECK_PASS);
}

H_MAIN(cmocka_unit_test(test_at_once_accepts_step_down_before_promotion),
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
       cmocka_unit_test(test_at_once_counts_a_primary_that_wakes_still_leading))
