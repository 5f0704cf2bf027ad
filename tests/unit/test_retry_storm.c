/* test_retry_storm.c: the retry-storm server and clients through small
 * scenarios.
 *
 * A sink keeps the "request" outcomes (client, ok/fail text, latency), the
 * server's "queue" samples, the "breaker" transitions and how many REQ
 * messages were sent, so a test can say what the clients saw and how hard
 * they hit the server: a healthy run is all ok; a full queue rejects; a
 * slowdown without backoff leaves the queue full after it ends, retries=0
 * lets it drain; a breaker opens under failure and closes afterwards;
 * exponential backoff sends fewer attempts than none. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

struct dslab_run {
    int64_t ok, failed, rejected_fail, breaker_open_fail;
    int64_t latency_ns_max;
    int64_t queue_last, queue_max_seen;
    int64_t requests_sent;
    int breakers_opened, breakers_closed;
};

static void sink(void *user, const struct dslab_trace_event *ev) {
    struct dslab_run *r = user;
    if (ev->kind == DSLAB_TRACE_SEND && ev->text && strncmp(ev->text, "REQ", 3) == 0) r->requests_sent++;
    if (ev->kind != DSLAB_TRACE_ANNOTATE) return;
    if (strcmp(ev->tag, "request") == 0) {
        if (strncmp(ev->text, "ok", 2) == 0) {
            r->ok++;
            if (ev->a > r->latency_ns_max) r->latency_ns_max = ev->a;
        } else {
            r->failed++;
            r->rejected_fail += strstr(ev->text, "rejected") != NULL;
            r->breaker_open_fail += strstr(ev->text, "breaker open") != NULL;
        }
    } else if (strcmp(ev->tag, "queue") == 0) {
        r->queue_last = ev->a;
        if (ev->a > r->queue_max_seen) r->queue_max_seen = ev->a;
    } else if (strcmp(ev->tag, "breaker") == 0) {
        r->breakers_opened += strcmp(ev->text, "open") == 0;
        r->breakers_closed += strcmp(ev->text, "closed") == 0;
    }
}

/* Runs the scenario to its end; returns what the sink counted (free()). */
static struct dslab_run *run_yaml(const char *yaml) {
    struct dslab_run *r = calloc(1, sizeof *r);
    assert_non_null(r);
    h_run_free(h_run(yaml, NULL, sink, r));
    return r;
}

#define BASE                                                                                       \
    "name: t\nseed: 4\nnodes: [n1, n2, n3]\nnetwork: { latency: \"uniform(1ms, 3ms)\" }\n"
/* two clients at 180/s against 500/s: 72% load, then 5x slower for 1s */
#define STORM(extra)                                                                               \
    BASE "duration: 6s\nprotocol: { name: retry-storm, service_time: 2ms, queue_max: 100, "        \
         "rate: 180/s, timeout: 100ms, slow_from: 1s, slow_for: 1s, slow_factor: 5"   \
         extra " }\n"

static void test_healthy_server_answers_everything(void **state) {
    (void)state;
    struct dslab_run *r = run_yaml(BASE "duration: 2s\nprotocol: { name: retry-storm, rate: 100/s }\n");
    assert_true(r->ok > 300);
    assert_int_equal(r->failed, 0);
    assert_true(r->latency_ns_max < 20 * DSLAB_NS_PER_MS);
    assert_true(r->queue_max_seen < 10);
    free(r);
}

static void test_full_queue_rejects(void **state) {
    (void)state;
    struct dslab_run *r = run_yaml(BASE "duration: 2s\nprotocol: { name: retry-storm, rate: 400/s, "
                                  "service_time: 5ms, queue_max: 5, retries: 0 }\n");
    assert_true(r->rejected_fail > 100); /* 800/s offered, 200/s served */
    assert_true(r->ok > 300);
    free(r);
}

static void test_slowdown_without_backoff_outlives_itself(void **state) {
    (void)state;
    struct dslab_run *r = run_yaml(STORM(", retries: 3, backoff: none"));
    assert_true(r->queue_last >= 90); /* 4s after the slowdown ended */
    assert_true(r->failed > r->ok);
    free(r);
}

static void test_without_retries_the_queue_drains(void **state) {
    (void)state;
    struct dslab_run *r = run_yaml(STORM(", retries: 0"));
    assert_true(r->queue_max_seen >= 90); /* the slowdown filled it */
    assert_true(r->queue_last < 10);
    assert_true(r->ok > 3 * r->failed);
    free(r);
}

static void test_a_pause_of_the_server_also_triggers_the_storm(void **state) {
    (void)state;
    struct dslab_run *r = run_yaml(BASE "duration: 6s\nprotocol: { name: retry-storm, service_time: 2ms, "
                                  "queue_max: 100, rate: 180/s, timeout: 100ms, retries: 3 }\n"
                                  "faults: [ { at: 1s, pause: n1, for: 500ms } ]\n");
    assert_true(r->queue_last >= 90);
    free(r);
}

static void test_breaker_opens_and_closes(void **state) {
    (void)state;
    struct dslab_run *r = run_yaml(STORM(", retries: 3, backoff: exponential, backoff_base: 50ms, jitter: true, "
                                   "breaker: true, breaker_threshold: 5, breaker_cooldown: 500ms"));
    assert_true(r->breakers_opened >= 2);
    assert_true(r->breakers_closed >= 2);
    assert_true(r->breaker_open_fail > 0);
    assert_true(r->queue_last < 10);
    free(r);
}

static void test_backoff_sends_fewer_attempts_than_none(void **state) {
    (void)state;
    /* the server is down for good: only the retry policy decides the load */
    const char *base = BASE "duration: 3s\nfaults: [ { at: 1s, crash: n1 } ]\n";
    char yaml[1024];
    snprintf(yaml, sizeof yaml, "%sprotocol: { name: retry-storm, rate: 50/s, retries: 5 }\n", base);
    struct dslab_run *none = run_yaml(yaml);
    snprintf(yaml, sizeof yaml,
             "%sprotocol: { name: retry-storm, rate: 50/s, retries: 5, backoff: exponential, "
             "backoff_base: 200ms }\n",
             base);
    struct dslab_run *expo = run_yaml(yaml);
    assert_true(none->requests_sent > expo->requests_sent + 50);
    free(none);
    free(expo);
}

static void test_bad_backoff_is_an_error(void **state) {
    (void)state;
    const char *yaml = BASE "duration: 1s\nprotocol: { name: retry-storm, backoff: linear }\n";
    h_expect_error(yaml, "backoff");
    yaml = BASE "duration: 1s\nprotocol: { name: retry-storm, rate: fast }\n";
    h_expect_error(yaml, "rate");
}

H_MAIN(cmocka_unit_test(test_healthy_server_answers_everything),
       cmocka_unit_test(test_full_queue_rejects),
       cmocka_unit_test(test_slowdown_without_backoff_outlives_itself),
       cmocka_unit_test(test_without_retries_the_queue_drains),
       cmocka_unit_test(test_a_pause_of_the_server_also_triggers_the_storm),
       cmocka_unit_test(test_breaker_opens_and_closes),
       cmocka_unit_test(test_backoff_sends_fewer_attempts_than_none),
       cmocka_unit_test(test_bad_backoff_is_an_error))
