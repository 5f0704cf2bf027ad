/* test_gateway.c: the gateway protocol (workers that wait on dependencies,
 * one shared pool or bulkheads) through small scenarios.
 *
 * A sink keeps the clients' "request" outcomes per class (the dependency
 * named in `class=`) and why they failed, and the gateway's "pool" notes,
 * so a test can say which class a stalled dependency hurt: healthy runs
 * are all ok; a paused dependency exhausts a shared pool and the other
 * class fails with "no free worker"; bulkheads keep the other class
 * whole; workers split with the remainder to the first compartment; a
 * call timeout frees its worker; a paused gateway makes clients time out;
 * bad settings are errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

struct gw_run {
    int64_t ok[2], failed[2]; /* [0] = class=db, [1] = class=recs */
    int64_t no_worker, call_timeout, timeout;
    int64_t ok_latency_ns_min;
    char pool_notes[512];     /* the "pool" texts, ';'-separated */
};

static void sink(void *user, const struct dslab_trace_event *ev) {
    struct gw_run *r = user;
    if (ev->kind != DSLAB_TRACE_ANNOTATE || !ev->tag || !ev->text) return;
    if (strcmp(ev->tag, "pool") == 0) {
        size_t n = strlen(r->pool_notes);
        snprintf(r->pool_notes + n, sizeof r->pool_notes - n, "%s;", ev->text);
        return;
    }
    if (strcmp(ev->tag, "request") != 0) return;
    int cls = strstr(ev->text, "class=recs") ? 1 : 0;
    assert_true(cls == 1 || strstr(ev->text, "class=db") != NULL);
    if (strncmp(ev->text, "ok", 2) == 0) {
        r->ok[cls]++;
        if (r->ok_latency_ns_min == 0 || ev->a < r->ok_latency_ns_min) r->ok_latency_ns_min = ev->a;
        return;
    }
    r->failed[cls]++;
    r->no_worker += strstr(ev->text, "(no free worker)") != NULL;
    r->call_timeout += strstr(ev->text, "(call timeout)") != NULL;
    r->timeout += strstr(ev->text, "(timeout)") != NULL;
}

static struct gw_run *run_yaml(const char *yaml) {
    struct gw_run *r = calloc(1, sizeof *r);
    assert_non_null(r);
    h_run_free(h_run(yaml, NULL, sink, r));
    return r;
}

#define NET "name: t\nseed: 3\nnodes: [api, db, recs, c1, c2]\nnetwork: { latency: \"uniform(1ms, 3ms)\" }\nduration: 4s\n"
#define GW(extra) "protocol: { name: gateway, rate: 50/s, workers: 8, call_timeout: 5s" extra " }\n"
#define RECS_STALLS "faults: [ { at: 1s, pause: recs, for: 2s } ]\n"

static void test_healthy_dependencies_answer_everything(void **state) {
    (void)state;
    struct gw_run *r = run_yaml(NET GW(""));
    assert_true(r->ok[0] > 50 && r->ok[1] > 50); /* 100/s, half each, over 4s */
    assert_int_equal(r->failed[0] + r->failed[1], 0);
    assert_string_equal(r->pool_notes, "");
    free(r);
}

static void test_a_stalled_dependency_exhausts_a_shared_pool(void **state) {
    (void)state;
    struct gw_run *r = run_yaml(NET GW("") RECS_STALLS);
    assert_true(r->failed[0] > 20); /* db is healthy, yet its requests find no worker */
    assert_true(r->no_worker >= r->failed[0]);
    assert_non_null(strstr(r->pool_notes, "all full (8/8 busy)"));
    assert_non_null(strstr(r->pool_notes, "all has room")); /* recs answers at 3s */
    free(r);
}

static void test_bulkheads_keep_the_other_class_whole(void **state) {
    (void)state;
    struct gw_run *r = run_yaml(NET GW(", pool: per-dependency") RECS_STALLS);
    assert_int_equal(r->failed[0], 0);
    assert_true(r->ok[0] > 50);
    assert_true(r->failed[1] > 20);
    assert_non_null(strstr(r->pool_notes, "recs full (4/4 busy)"));
    assert_null(strstr(r->pool_notes, "db full"));
    free(r);
}

static void test_workers_split_with_the_remainder_first(void **state) {
    (void)state;
    struct gw_run *r = run_yaml(NET "protocol: { name: gateway, rate: 50/s, workers: 5, pool: per-dependency }\n"
                                    "faults: [ { at: 1s, pause: db, for: 2s }, { at: 1s, pause: recs, for: 2s } ]\n");
    assert_non_null(strstr(r->pool_notes, "db full (3/3 busy)"));
    assert_non_null(strstr(r->pool_notes, "recs full (2/2 busy)"));
    free(r);
}

/* 25/s of recs, each holding a worker 200ms at most: ~5 of 16 workers. */
static void test_a_call_timeout_frees_its_worker(void **state) {
    (void)state;
    struct gw_run *r = run_yaml(NET "protocol: { name: gateway, rate: 25/s, workers: 16, call_timeout: 200ms }\n"
                                RECS_STALLS);
    assert_true(r->call_timeout > 20);
    assert_int_equal(r->no_worker, 0);
    assert_int_equal(r->failed[0], 0);
    free(r);
}

static void test_a_silent_gateway_times_the_clients_out(void **state) {
    (void)state;
    struct gw_run *r = run_yaml(NET "protocol: { name: gateway, rate: 50/s, timeout: 300ms }\n"
                                    "faults: [ { at: 1s, crash: api } ]\n");
    assert_true(r->timeout > 100); /* 3s x 100/s, but those sent in the last 300ms */
    assert_int_equal(r->timeout, r->failed[0] + r->failed[1]);
    free(r);
}

/* db's links 100 times slower: a call takes at least 2 x 100ms. The
 * gateway restarts early (its workers' generations still small, as are
 * the new life's) while calls are in flight; their late DONEs must not
 * complete the new life's requests (which would be faster than possible). */
static void test_a_restarted_gateway_ignores_answers_to_its_old_calls(void **state) {
    (void)state;
    struct gw_run *r = run_yaml(NET "protocol: { name: gateway, rate: 50/s, workers: 64, dependencies: 1 }\n"
                                    "faults: [ { at: 0s, slow: db, factor: 100 }, { at: 250ms, crash: api }, "
                                    "{ at: 260ms, restart: api } ]\n");
    assert_true(r->ok[0] > 100);
    assert_true(r->ok_latency_ns_min >= 200 * DSLAB_NS_PER_MS);
    free(r);
}

static void test_rejects_bad_settings(void **state) {
    (void)state;
    h_expect_error("name: t\nnodes: [api, db, recs]\nduration: 1s\nprotocol: { name: gateway }\n",
                   "at least one client");
    h_expect_error(NET "protocol: { name: gateway, dependencies: 3, workers: 2, pool: per-dependency }\n",
                   "at least one worker per dependency");
    h_expect_error(NET "protocol: { name: gateway, pool: bulkhead }\n", "per-dependency");
    h_expect_error(NET "protocol: { name: gateway, workers: 257 }\n", "workers");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_healthy_dependencies_answer_everything),
        cmocka_unit_test(test_a_stalled_dependency_exhausts_a_shared_pool),
        cmocka_unit_test(test_bulkheads_keep_the_other_class_whole),
        cmocka_unit_test(test_workers_split_with_the_remainder_first),
        cmocka_unit_test(test_a_call_timeout_frees_its_worker),
        cmocka_unit_test(test_a_silent_gateway_times_the_clients_out),
        cmocka_unit_test(test_a_restarted_gateway_ignores_answers_to_its_old_calls),
        cmocka_unit_test(test_rejects_bad_settings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
