/* test_grader_declare.c: `declare` questions (grader/declare*.c) against
 * real exercises of the curriculum: the answer's shape and its errors'
 * positions; the verdict (missing, too loose, too tight, over the cap, an
 * extra bound the run without faults breaks); the run's report of which
 * declaration broke and when; degenerate feedback only for the same
 * mistake; and that the model's bounds break a need in the run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grader.h"
#include "grader_declare.h"
#include "harness.h"

static struct catalog *catalog;

static int setup(void **state) {
    (void)state;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    const char *r = getenv("DSLAB_ROOT");
    catalog = grader_catalog_load(r ? r : ".", &d);
    if (!catalog) fprintf(stderr, "%s:%d:%d: %s\n", d.file, d.line, d.col, d.message);
    return catalog ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    grader_catalog_free(catalog);
    return 0;
}

/* Grades `declaration` as the answer to exercise `id`'s question
 * `before-the-run`; fills *qg (a copy). -2 when the answers do not load. */
static int grade(const char *id, const char *declaration, struct question_grade *qg, struct dslab_diag *d) {
    const struct exercise *e = grader_catalog_find(catalog, id);
    assert_non_null(e);
    char text[600];
    snprintf(text, sizeof text, "exercise: %s\nanswers:\n  before-the-run: %s\n", id, declaration);
    dslab_diag_clear(d);
    struct answers *a = grader_answers_load_buffer(text, strlen(text), "a.yaml", e, d);
    if (!a) return -2;
    struct grade_result r;
    int rc = grader_grade_answers(catalog, e, a, &r, d);
    if (rc == 0) {
        for (int i = 0; i < r.count; i++) {
            if (r.q[i].q->kind == Q_DECLARE) *qg = r.q[i];
        }
        grader_grade_result_free(&r);
    }
    grader_answers_free(a);
    return rc;
}

static void test_malformed_declarations_have_positions(void **state) {
    (void)state;
    struct question_grade qg;
    struct dslab_diag d;
    assert_int_equal(grade("paused-lock-holder", "{ pause_below: 1s, pause_bellow: 2s }", &qg, &d), -2);
    assert_int_equal(d.line, 3);
    assert_int_equal(d.col, 38);
    assert_non_null(strstr(d.message, "did you mean 'pause_below'"));
    assert_int_equal(grade("paused-lock-holder", "{ pause_below: 0 }", &qg, &d), -2);
    assert_non_null(strstr(d.message, "more than 0"));
    assert_int_equal(grade("paused-lock-holder", "{ majority_connected: false }", &qg, &d), -2);
    assert_int_equal(grade("paused-lock-holder", "{ pause_below: 2 }", &qg, &d), -2);
    assert_int_equal(grade("paused-lock-holder", "[pause_below]", &qg, &d), -2);
    assert_int_equal(grade("paused-lock-holder", "{ pause_below: 1s, pause_below: 2s }", &qg, &d), -2);
}

static void test_model_passes_and_reports_the_break(void **state) {
    (void)state;
    struct question_grade qg;
    struct dslab_diag d;
    assert_int_equal(grade("paused-lock-holder", "{ pause_below: 900ms, message_delay_below: 900ms }", &qg, &d), 0);
    assert_true(qg.pass);
    assert_int_equal(qg.score_milli, 1000);
    /* c1's pause starts at 0.25s: a 900ms bound breaks at 1.15s, before mutual-exclusion fails. */
    assert_non_null(strstr(qg.feedback, "pause_below: 900ms; it broke at 1.150000s"));
    assert_non_null(strstr(qg.feedback, "message_delay_below: 900ms; it held"));
    assert_non_null(strstr(qg.feedback, "would have warned of it"));
    /* Within the range, tighter: still right, and it breaks earlier. */
    assert_int_equal(grade("paused-lock-holder", "{ message_delay_below: 50ms, pause_below: 200ms }", &qg, &d), 0);
    assert_true(qg.pass);
    assert_non_null(strstr(qg.feedback, "it broke at 0.450000s"));
}

static void test_missing_loose_tight_and_over_the_cap_fail(void **state) {
    (void)state;
    struct question_grade qg;
    struct dslab_diag d;
    assert_int_equal(grade("paused-lock-holder", "{ message_delay_below: 100ms }", &qg, &d), 0);
    assert_false(qg.pass);
    assert_non_null(strstr(qg.feedback, "A load-bearing assumption is missing: c1 checks its lease"));
    assert_null(strstr(qg.feedback, "pause_below")); /* the hint does not name it */
    assert_non_null(strstr(qg.feedback, "none of your declarations had broken by then"));
    /* Too loose: the declaration holds while the check fails. */
    assert_int_equal(grade("paused-lock-holder", "{ pause_below: 2s, message_delay_below: 100ms }", &qg, &d), 0);
    assert_false(qg.pass);
    assert_non_null(strstr(qg.feedback, "With pause_below: 2s the design would be unsafe"));
    assert_non_null(strstr(qg.feedback, "pause_below: 2s; it held for the whole run"));
    assert_null(qg.misconception);
    /* Too tight. */
    assert_int_equal(grade("paused-lock-holder", "{ pause_below: 10ms, message_delay_below: 100ms }", &qg, &d), 0);
    assert_false(qg.pass);
    assert_non_null(strstr(qg.feedback, "pause_below: 10ms is tighter than this design needs"));
    /* Every assumption: over the cap of 3, whatever the bounds; the degenerate's feedback. */
    assert_int_equal(grade("paused-lock-holder", "{ pause_below: 900ms, message_delay_below: 900ms, clock_skew_below: 1s, "
                                                  "majority_connected: true }", &qg, &d), 0);
    assert_false(qg.pass);
    assert_non_null(strstr(qg.feedback, "You declared 4 assumptions; this design rests on at most 3"));
    assert_non_null(qg.misconception);
    assert_non_null(strstr(qg.feedback, "Declaring everything at a nanosecond"));
}

static void test_degenerate_feedback_only_for_the_same_mistake(void **state) {
    (void)state;
    struct question_grade qg;
    struct dslab_diag d;
    /* Both needs too loose, like the declared { pause_below: 1h, message_delay_below: 1h }. */
    assert_int_equal(grade("paused-lock-holder", "{ message_delay_below: 2h, pause_below: 10h }", &qg, &d), 0);
    assert_false(qg.pass);
    assert_non_null(strstr(qg.feedback, "Bounds of an hour"));
    /* One too tight, one too loose: not that mistake. */
    assert_int_equal(grade("paused-lock-holder", "{ message_delay_below: 2h, pause_below: 1ms }", &qg, &d), 0);
    assert_false(qg.pass);
    assert_null(strstr(qg.feedback, "Bounds of an hour"));
    assert_null(qg.misconception);
}

static void test_extra_declarations_must_hold_without_faults(void **state) {
    (void)state;
    struct question_grade qg;
    struct dslab_diag d;
    /* last-writer-wins-skew needs only the clock bound; the network's
     * normal 1-5ms breaks a 1us delay bound even without faults. */
    assert_int_equal(grade("last-writer-wins-skew", "{ clock_skew_below: 50ms, message_delay_below: 1us }", &qg, &d), 0);
    assert_false(qg.pass);
    assert_non_null(strstr(qg.feedback, "message_delay_below: 1us breaks even in the run without faults"));
    /* An extra that holds is allowed (no pause in this run). */
    assert_int_equal(grade("last-writer-wins-skew", "{ clock_skew_below: 50ms, pause_below: 1ns }", &qg, &d), 0);
    assert_true(qg.pass);
    assert_non_null(strstr(qg.feedback, "pause_below is not one this design's safety rests on"));
    /* The skew is there from the start: the report says so. */
    assert_non_null(strstr(qg.feedback, "clock_skew_below: 50ms; it broke at 0.000000s"));
    /* Nothing declared: a fail that says nothing warned. */
    assert_int_equal(grade("last-writer-wins-skew", "{}", &qg, &d), 0);
    assert_false(qg.pass);
    assert_non_null(strstr(qg.feedback, "nothing was declared"));
}

static void test_flag_needs_and_the_model_breaks_a_need(void **state) {
    (void)state;
    struct question_grade qg;
    struct dslab_diag d;
    assert_int_equal(grade("replicas-in-one-rack", "{ majority_connected: yes, no_power_loss: on }", &qg, &d), 0);
    assert_true(qg.pass);
    assert_non_null(strstr(qg.feedback, "majority_connected: true; it broke at 2.000000s"));
    /* n1 and n2 lose power at 2s and come back without their unsynced writes at 2.2s. */
    assert_non_null(strstr(qg.feedback, "no_power_loss: true; it broke at 2.200000s (n1 restarted without its unsynced writes"));
    assert_int_equal(grade("replicas-in-one-rack", "{ majority_connected: true }", &qg, &d), 0);
    assert_false(qg.pass);
    for (int i = 0; i < catalog->count; i++) {
        const struct exercise *e = catalog->exercises[i];
        for (int k = 0; k < e->questions_count; k++) {
            if (e->questions[k].kind != Q_DECLARE) continue;
            int broken = -1;
            assert_int_equal(grader_declare_model_breaks(e, &e->questions[k], &broken, &d), 0);
            assert_true(broken > 0);
        }
    }
}

H_MAIN(cmocka_unit_test_setup_teardown(test_malformed_declarations_have_positions, setup, teardown),
       cmocka_unit_test_setup_teardown(test_model_passes_and_reports_the_break, setup, teardown),
       cmocka_unit_test_setup_teardown(test_missing_loose_tight_and_over_the_cap_fail, setup, teardown),
       cmocka_unit_test_setup_teardown(test_degenerate_feedback_only_for_the_same_mistake, setup, teardown),
       cmocka_unit_test_setup_teardown(test_extra_declarations_must_hold_without_faults, setup, teardown),
       cmocka_unit_test_setup_teardown(test_flag_needs_and_the_model_breaks_a_need, setup, teardown))
