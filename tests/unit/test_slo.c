/* test_slo.c: the slo checker on hand-made histories and annotations.
 *
 * Objectives it must parse or refuse; latency and availability verdicts
 * at the edge of the target; which samples count (op kinds, fail and info,
 * operations still pending at the end); "request" annotations taking the
 * place of the history; the windows named in violations and the
 * percentile in the summary. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static int ck_try(struct h_ck *k, const char *args, struct dslab_diag *d) {
    return h_ck_try(k, "slo", args, 2, d);
}

static void ck_open(struct h_ck *k, const char *args) { h_ck_begin(k, "slo", args, 2); }

/* One operation: invoked at t_ms, completed `type` after latency_ms (< 0: never). */
static void ck_op(struct h_ck *k, int64_t t_ms, enum dslab_op_fn fn, enum dslab_op_type type, int64_t latency_ms) {
    struct dslab_history_op op = {.op_id = ++k->next_op, .type = DSLAB_OP_INVOKE, .fn = fn, .client = 0,
                            .node = 1, .key = 0, .value = 1, .time_ns = t_ms * DSLAB_NS_PER_MS};
    h_ck_record(k, &op, false);
    if (latency_ms < 0) return;
    op.type = type;
    op.time_ns = (t_ms + latency_ms) * DSLAB_NS_PER_MS;
    h_ck_record(k, &op, false);
}

static void ck_request(struct h_ck *k, int64_t t_ms, int32_t node, bool ok, int64_t latency_ms) {
    h_ck_note(k, t_ms, node, "request", ok ? "ok" : "fail (timeout)", latency_ms * DSLAB_NS_PER_MS);
}

static void test_parses_objectives(void **state) {
    (void)state;
    const char *good[] = {"99% of writes within 500ms", "95% of requests within 200ms per 2s",
                          "availability 99%", "availability 99.95% of reads",
                          "99.9% OF Reads WITHIN 1s", "50% of cas within 10ms"};
    const char *bad[] = {"", "99% of writes", "99 of writes within 500ms", "99% of frogs within 1s",
                         "availability", "availability 101%", "99% of writes within soon",
                         "99% of writes within 500ms per", "0% of writes within 1s",
                         "99% of writes within 500ms and more",
                         /* more words than any objective has (the parser holds 12) */
                         "availability 50% of writes per 1s each after 4s and more",
                         "a b c d e f g h i j k l m n o p q r s t u v w x y z",
                         "availability 50% of writes after", "availability 50% of writes after soon"};
    struct h_ck k;
    struct dslab_diag d;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        ck_open(&k, good[i]);
        h_ck_end(&k, 1000);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (ck_try(&k, bad[i], &d) == 0) fail_msg("'%s' was accepted", bad[i]);
        assert_non_null(strstr(d.message, "99% of writes within 500ms"));
    }
}

static void test_latency_objective_at_the_edge(void **state) {
    (void)state;
    struct h_ck k;
    ck_open(&k, "99% of writes within 500ms");
    for (int i = 0; i < 99; i++) ck_op(&k, i * 10, DSLAB_OP_WRITE, DSLAB_OP_OK, 20);
    ck_op(&k, 995, DSLAB_OP_WRITE, DSLAB_OP_OK, 900); /* 1 of 100 slow: exactly 99% */
    for (int i = 0; i < 50; i++) ck_op(&k, i * 10, DSLAB_OP_READ, DSLAB_OP_FAIL, 1); /* not writes */
    h_ck_expect(&k, 3000, DSLAB_CHECK_PASS, "99.00% of 100 writes");
    assert_non_null(strstr(k.result.summary, "p99 = 20.0 ms"));

    ck_open(&k, "99% of writes within 500ms");
    for (int i = 0; i < 98; i++) ck_op(&k, i * 10, DSLAB_OP_WRITE, DSLAB_OP_OK, 20);
    ck_op(&k, 985, DSLAB_OP_WRITE, DSLAB_OP_OK, 501);
    ck_op(&k, 995, DSLAB_OP_WRITE, DSLAB_OP_INFO, 1000); /* timed out: bad */
    h_ck_expect(&k, 3000, DSLAB_CHECK_FAIL, "p99 = 501.0 ms");
}

static void test_pending_operations_count_once_past_the_bound(void **state) {
    (void)state;
    struct h_ck k;
    ck_open(&k, "90% of ops within 100ms");
    for (int i = 0; i < 9; i++) ck_op(&k, i * 10, DSLAB_OP_READ, DSLAB_OP_OK, 5);
    ck_op(&k, 950, DSLAB_OP_READ, DSLAB_OP_OK, -1); /* pending 50ms at the end: not judged */
    ck_op(&k, 960, DSLAB_OP_READ, DSLAB_OP_OK, -1);
    assert_int_equal(h_ck_end(&k, 1000), DSLAB_CHECK_PASS);
    ck_open(&k, "90% of ops within 100ms");
    for (int i = 0; i < 9; i++) ck_op(&k, i * 10, DSLAB_OP_READ, DSLAB_OP_OK, 5);
    ck_op(&k, 100, DSLAB_OP_READ, DSLAB_OP_OK, -1); /* pending 900ms: bad */
    ck_op(&k, 110, DSLAB_OP_READ, DSLAB_OP_OK, -1);
    assert_int_equal(h_ck_end(&k, 1000), DSLAB_CHECK_FAIL);
}

static void test_availability_ignores_latency(void **state) {
    (void)state;
    struct h_ck k;
    ck_open(&k, "availability 75%");
    ck_op(&k, 0, DSLAB_OP_WRITE, DSLAB_OP_OK, 5000);
    ck_op(&k, 10, DSLAB_OP_READ, DSLAB_OP_OK, 1);
    ck_op(&k, 20, DSLAB_OP_CAS, DSLAB_OP_OK, 1);
    ck_op(&k, 30, DSLAB_OP_CAS, DSLAB_OP_FAIL, 1);
    assert_int_equal(h_ck_end(&k, 9000), DSLAB_CHECK_PASS);
    ck_open(&k, "availability 80% of cas");
    ck_op(&k, 20, DSLAB_OP_CAS, DSLAB_OP_OK, 1);
    ck_op(&k, 30, DSLAB_OP_CAS, DSLAB_OP_FAIL, 1);
    assert_int_equal(h_ck_end(&k, 9000), DSLAB_CHECK_FAIL);
}

static void test_annotations_replace_the_history(void **state) {
    (void)state;
    struct h_ck k;
    ck_open(&k, "90% of requests within 300ms");
    for (int i = 0; i < 10; i++) ck_op(&k, i, DSLAB_OP_WRITE, DSLAB_OP_FAIL, 1); /* would be 0% alone */
    for (int t = 0; t < 950; t += 10) ck_request(&k, t, 1, true, 20);
    for (int t = 950; t < 1000; t += 10) ck_request(&k, t, 1, false, 100);
    h_ck_expect(&k, 5000, DSLAB_CHECK_PASS, "95.00% of 100 requests (annotations)");
    /* a writes objective reads the history even when annotations exist */
    ck_open(&k, "90% of writes within 300ms");
    for (int i = 0; i < 10; i++) ck_op(&k, i, DSLAB_OP_WRITE, DSLAB_OP_FAIL, 1);
    ck_request(&k, 5, 1, true, 20);
    h_ck_expect(&k, 5000, DSLAB_CHECK_FAIL, "(history)");
}

static void test_after_ignores_what_came_before(void **state) {
    (void)state;
    struct h_ck k;
    ck_open(&k, "availability 90% of writes per 500ms each after 2s");
    for (int i = 0; i < 10; i++) ck_op(&k, 100 * i, DSLAB_OP_WRITE, DSLAB_OP_FAIL, 10); /* before 2s: not judged */
    for (int i = 0; i < 20; i++) ck_op(&k, 2000 + 100 * i, DSLAB_OP_WRITE, DSLAB_OP_OK, 10);
    assert_int_equal(h_ck_end(&k, 5000), DSLAB_CHECK_PASS);
    ck_open(&k, "availability 90% of writes per 500ms each after 2s");
    for (int i = 0; i < 20; i++) ck_op(&k, 2000 + 100 * i, DSLAB_OP_WRITE, i < 3 ? DSLAB_OP_FAIL : DSLAB_OP_OK, 10);
    assert_int_equal(h_ck_end(&k, 5000), DSLAB_CHECK_FAIL);
    ck_open(&k, "availability 90% of writes per 500ms each after 4s"); /* nothing after 4s: each fails */
    for (int i = 0; i < 10; i++) ck_op(&k, 100 * i, DSLAB_OP_WRITE, DSLAB_OP_OK, 10);
    assert_int_equal(h_ck_end(&k, 5000), DSLAB_CHECK_FAIL);
}

static void test_violation_names_the_missed_windows(void **state) {
    (void)state;
    struct h_ck k;
    ck_open(&k, "95% of requests within 300ms");
    for (int t = 0; t < 6000; t += 10) ck_request(&k, t, 1, true, 20);
    for (int t = 2000; t < 4000; t += 5) ck_request(&k, t + 1, 0, false, 100); /* 2s..4s bad */
    for (int t = 4000; t < 4500; t += 10) ck_request(&k, t + 2, 1, true, 400); /* 4s.. slow */
    assert_int_equal(h_ck_end(&k, 6000), DSLAB_CHECK_FAIL);
    assert_int_equal(k.result.violations_total, 1);
    const struct dslab_check_violation *v = &k.result.violations[0];
    assert_int_equal(v->from_ns, 2 * DSLAB_NS_PER_S);
    assert_int_equal(v->to_ns, 5 * DSLAB_NS_PER_S);
    assert_int_equal(v->evidence_count, DSLAB_CHECK_VIOLATION_EVIDENCE_MAX);
    assert_non_null(strstr(v->message, "within 300 ms (target 95%)"));
    assert_non_null(strstr(k.result.summary, "(annotations)"));
}

static void test_per_window_argument(void **state) {
    (void)state;
    struct h_ck k;
    ck_open(&k, "availability 90% per 500ms");
    for (int t = 0; t < 3000; t += 10) ck_request(&k, t, 1, t < 1000 || t >= 1500, 1);
    assert_int_equal(h_ck_end(&k, 3000), DSLAB_CHECK_FAIL);
    h_expect_window(&k.result.violations[0], 1000, 1500);
}

static void test_each_window_must_meet_and_silence_fails(void **state) {
    (void)state;
    struct h_ck k;
    /* 90% over the run, but one second with none ok: fails with 'each'. */
    ck_open(&k, "availability 50% of writes per 1s each");
    for (int i = 0; i < 90; i++) ck_op(&k, 2000 + i * 10, DSLAB_OP_WRITE, DSLAB_OP_OK, 5);
    for (int i = 0; i < 10; i++) ck_op(&k, 100 + i * 10, DSLAB_OP_WRITE, DSLAB_OP_FAIL, 5);
    assert_int_equal(h_ck_end(&k, 3000), DSLAB_CHECK_FAIL);
    assert_true(k.result.violations_count >= 1);
    assert_int_equal(k.result.violations[0].from_ns, 0);
    /* Without 'each' the same run passes. */
    ck_open(&k, "availability 50% of writes per 1s");
    for (int i = 0; i < 90; i++) ck_op(&k, 2000 + i * 10, DSLAB_OP_WRITE, DSLAB_OP_OK, 5);
    for (int i = 0; i < 10; i++) ck_op(&k, 100 + i * 10, DSLAB_OP_WRITE, DSLAB_OP_FAIL, 5);
    assert_int_equal(h_ck_end(&k, 3000), DSLAB_CHECK_PASS);
    /* No samples at all: a service turned off does not meet 'each'. */
    ck_open(&k, "availability 50% of writes per 1s each");
    assert_int_equal(h_ck_end(&k, 3000), DSLAB_CHECK_FAIL);
    assert_non_null(strstr(k.result.violations[0].message, "no writes at all"));
    struct dslab_diag d;
    assert_int_not_equal(ck_try(&k, "availability 50% of writes each", &d), 0);
}

/* "availability 75% of db requests": only request annotations with the
 * token class=db (any case) count; class=dbx and a text without a class
 * do not. */
static void test_per_class_objective_counts_only_its_class(void **state) {
    (void)state;
    static const char *const notes[] = {
        "ok class=db", "fail (no free worker) class=db", "fail (timeout) class=recs", "ok class=db",
        "ok class=dbx", "ok class=DB", "fail", "fail class=recs",
    };
    const char *objectives[] = {"availability 75% of db requests", "availability 80% of db requests",
                                "75% of db requests within 50ms"};
    const enum dslab_check_verdict want[] = {DSLAB_CHECK_PASS, DSLAB_CHECK_FAIL, DSLAB_CHECK_PASS};
    for (size_t o = 0; o < 3; o++) {
        struct h_ck k;
        ck_open(&k, objectives[o]);
        for (size_t i = 0; i < sizeof notes / sizeof notes[0]; i++) {
            h_ck_note(&k, 100 * (int64_t)(i + 1), 1, "request", notes[i], 10 * DSLAB_NS_PER_MS);
        }
        assert_int_equal(h_ck_end(&k, 1000), want[o]);
        assert_non_null(strstr(k.result.summary, "of 4 db requests"));
    }
    struct h_ck k;
    struct dslab_diag d;
    assert_int_not_equal(ck_try(&k, "availability 99% of frogs", &d), 0); /* a class needs the word requests */
    assert_int_not_equal(ck_try(&k, "99% of d/b requests within 1s", &d), 0);
}

H_MAIN(cmocka_unit_test(test_parses_objectives),
       cmocka_unit_test(test_each_window_must_meet_and_silence_fails),
       cmocka_unit_test(test_latency_objective_at_the_edge),
       cmocka_unit_test(test_pending_operations_count_once_past_the_bound),
       cmocka_unit_test(test_availability_ignores_latency),
       cmocka_unit_test(test_annotations_replace_the_history),
       cmocka_unit_test(test_violation_names_the_missed_windows),
       cmocka_unit_test(test_per_window_argument),
       cmocka_unit_test(test_after_ignores_what_came_before),
       cmocka_unit_test(test_per_class_objective_counts_only_its_class))
