/* test_retry_storm.c: the retry-storm clients against a server whose
 * capacity is the CPU model (costs.nodes.n1.cpu), through small scenarios.
 *
 * A sink keeps the "request" outcomes (client, ok/fail text, latency), the
 * server's queue length from the CPU model's `cost` records ("busy=B
 * queue=Q"), the shed messages, the "breaker" transitions and how many REQ
 * messages were sent, so a test can say what the clients saw and how hard
 * they hit the server: a healthy run is all ok; a full queue sheds and the
 * client times out; a stall without backoff leaves the queue full after it
 * ends, retries=0 lets it drain, so does a queue short enough to be served
 * within the timeout; a breaker opens under failure and closes afterwards;
 * exponential backoff sends fewer attempts than none; periodic clients
 * without jitter send in step, with full or equal jitter apart at the same
 * mean rate (and `jitter: true/false` still mean full/none); a server without a
 * CPU model and the old private-queue keys are errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

struct dslab_run {
    int64_t ok, failed, timeout_fail, breaker_open_fail, shed;
    int64_t latency_ns_max;
    int64_t queue_last, queue_max_seen;
    int64_t requests_sent;
    int breakers_opened, breakers_closed;
    /* first attempts (REQ ... #1) per client node < 32: the last send time
     * and the shortest and longest gap between two of them */
    int64_t first_sent_ns[32], gap_ns_min, gap_ns_max;
    int64_t first_attempts;
};

static void sink(void *user, const struct dslab_trace_event *ev) {
    struct dslab_run *r = user;
    if (ev->kind == DSLAB_TRACE_SEND && ev->text && strncmp(ev->text, "REQ", 3) == 0) {
        r->requests_sent++;
        size_t len = strlen(ev->text);
        if (len >= 3 && strcmp(ev->text + len - 3, " #1") == 0 && ev->node >= 0 && ev->node < 32) {
            int64_t *last = &r->first_sent_ns[ev->node];
            if (*last > 0) {
                int64_t gap_ns = ev->t_ns - *last;
                if (r->gap_ns_min == 0 || gap_ns < r->gap_ns_min) r->gap_ns_min = gap_ns;
                if (gap_ns > r->gap_ns_max) r->gap_ns_max = gap_ns;
            }
            *last = ev->t_ns;
            r->first_attempts++;
        }
    }
    if (ev->kind == DSLAB_TRACE_COST && ev->node == 0 && ev->tag && strncmp(ev->tag, "cpu", 3) == 0) {
        const char *q = ev->text ? strstr(ev->text, "queue=") : NULL;
        if (q) {
            r->queue_last = atoll(q + 6);
            if (r->queue_last > r->queue_max_seen) r->queue_max_seen = r->queue_last;
        }
        r->shed += strcmp(ev->tag, "cpu_shed") == 0;
        return;
    }
    if (ev->kind != DSLAB_TRACE_ANNOTATE) return;
    if (strcmp(ev->tag, "request") == 0) {
        if (strncmp(ev->text, "ok", 2) == 0) {
            r->ok++;
            if (ev->a > r->latency_ns_max) r->latency_ns_max = ev->a;
        } else {
            r->failed++;
            r->timeout_fail += strstr(ev->text, "timeout") != NULL;
            r->breaker_open_fail += strstr(ev->text, "breaker open") != NULL;
        }
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

#define NET "name: t\nseed: 4\nnodes: [n1, n2, n3]\nnetwork: { latency: \"uniform(1ms, 3ms)\" }\n"
/* n1 serves one request per 2ms (500/s) with room for Q waiting */
#define CPU(q) "costs: { nodes: { n1: { cpu: { workers: 1, queue: " #q ", message: constant(2ms) } } } }\n"
#define BASE NET CPU(100)
/* two clients at 180/s against 500/s: 72% load, then n1 stalls for 500ms */
#define STALL "faults: [ { at: 1s, pause: n1, for: 500ms } ]\n"
#define STORM(extra)                                                                               \
    BASE STALL "duration: 6s\nprotocol: { name: retry-storm, rate: 180/s, timeout: 100ms" extra " }\n"

static void test_healthy_server_answers_everything(void **state) {
    (void)state;
    struct dslab_run *r = run_yaml(BASE "duration: 2s\nprotocol: { name: retry-storm, rate: 100/s }\n");
    assert_true(r->ok > 300);
    assert_int_equal(r->failed, 0);
    assert_true(r->latency_ns_max < 20 * DSLAB_NS_PER_MS);
    assert_true(r->queue_max_seen < 10);
    free(r);
}

static void test_full_queue_sheds_and_the_client_times_out(void **state) {
    (void)state;
    struct dslab_run *r = run_yaml(NET "duration: 2s\nprotocol: { name: retry-storm, rate: 400/s, "
                                  "retries: 0 }\n"
                                  "costs: { nodes: { n1: { cpu: { workers: 1, queue: 5, message: constant(5ms) } } } }\n");
    assert_true(r->shed > 100); /* 800/s offered, 200/s served */
    /* nobody tells the client: every failure is a timeout, one per shed
     * request but those shed in the last 100ms (the run ends first) */
    assert_int_equal(r->timeout_fail, r->failed);
    assert_true(r->timeout_fail >= r->shed - 100 && r->timeout_fail <= r->shed);
    assert_true(r->ok > 300);
    free(r);
}

static void test_stall_without_backoff_outlives_itself(void **state) {
    (void)state;
    struct dslab_run *r = run_yaml(STORM(", retries: 3, backoff: none"));
    assert_true(r->queue_last >= 90); /* 4.5s after the stall ended */
    assert_true(2 * r->failed > r->ok); /* all was well for the first second */
    free(r);
}

static void test_without_retries_the_queue_drains(void **state) {
    (void)state;
    struct dslab_run *r = run_yaml(STORM(", retries: 0"));
    assert_true(r->queue_max_seen >= 90); /* the stall filled it */
    assert_true(r->queue_last < 10);
    assert_true(r->ok > 3 * r->failed);
    free(r);
}

static void test_a_queue_served_within_the_timeout_drains(void **state) {
    (void)state;
    /* 40 waiting x 2ms = 80ms < the 100ms timeout: nothing served is wasted */
    struct dslab_run *r = run_yaml(NET CPU(40) STALL "duration: 6s\nprotocol: { name: retry-storm, "
                                  "rate: 180/s, timeout: 100ms, retries: 3 }\n");
    assert_true(r->shed > 0); /* the stall overflowed it */
    assert_true(r->queue_last < 10);
    assert_true(r->ok > 3 * r->failed);
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

/* twenty clients refreshing once every 100ms, started together */
#define PERIODIC(jitter)                                                                           \
    "name: t\nseed: 4\nnodes: 21\nnetwork: { latency: \"uniform(1ms, 3ms)\" }\n" CPU(100)        \
    "duration: 3s\nprotocol: { name: retry-storm, arrivals: periodic, rate: 10/s, jitter: " jitter " }\n"

static void test_periodic_clients_without_jitter_arrive_in_step(void **state) {
    (void)state;
    struct dslab_run *r = run_yaml(PERIODIC("none"));
    /* every client every 100ms exactly: all twenty land in n1's queue at once */
    assert_int_equal(r->gap_ns_min, 100 * DSLAB_NS_PER_MS);
    assert_int_equal(r->gap_ns_max, 100 * DSLAB_NS_PER_MS);
    assert_int_equal(r->first_attempts, 20 * 30); /* at 0.1s .. 3.0s (the end is included) */
    assert_true(r->queue_max_seen >= 18);
    free(r);
}

static void test_jitter_spreads_periodic_clients_and_keeps_the_rate(void **state) {
    (void)state;
    struct dslab_run *full = run_yaml(PERIODIC("full"));
    struct dslab_run *equal = run_yaml(PERIODIC("equal"));
    /* full: gaps of 0..200ms; equal: 50..150ms; both a mean of 100ms */
    assert_true(full->gap_ns_max <= 200 * DSLAB_NS_PER_MS && full->gap_ns_min < 50 * DSLAB_NS_PER_MS);
    assert_true(equal->gap_ns_min >= 50 * DSLAB_NS_PER_MS && equal->gap_ns_max <= 150 * DSLAB_NS_PER_MS);
    assert_true(equal->gap_ns_max > 120 * DSLAB_NS_PER_MS && equal->gap_ns_min < 80 * DSLAB_NS_PER_MS);
    for (int i = 0; i < 2; i++) {
        const struct dslab_run *r = i ? equal : full;
        assert_true(r->first_attempts > 20 * 30 * 9 / 10 && r->first_attempts < 20 * 30 * 11 / 10);
        assert_true(r->queue_max_seen < 10); /* spread: no wave */
        assert_int_equal(r->failed, 0);
    }
    free(full);
    free(equal);
}

static void test_jitter_booleans_still_mean_none_and_full(void **state) {
    (void)state;
    struct dslab_run *t = run_yaml(PERIODIC("true"));
    struct dslab_run *full = run_yaml(PERIODIC("full"));
    struct dslab_run *f = run_yaml(PERIODIC("false"));
    assert_int_equal(t->gap_ns_min, full->gap_ns_min);
    assert_int_equal(t->requests_sent, full->requests_sent);
    assert_int_equal(f->gap_ns_min, 100 * DSLAB_NS_PER_MS);
    free(t);
    free(full);
    free(f);
}

static void test_bad_backoff_is_an_error(void **state) {
    (void)state;
    const char *yaml = BASE "duration: 1s\nprotocol: { name: retry-storm, backoff: linear }\n";
    h_expect_error(yaml, "backoff");
    yaml = BASE "duration: 1s\nprotocol: { name: retry-storm, rate: fast }\n";
    h_expect_error(yaml, "rate");
    h_expect_error(BASE "duration: 1s\nprotocol: { name: retry-storm, jitter: sometimes }\n",
                   "expected one of: none, full, equal, got 'sometimes'");
    h_expect_error(BASE "duration: 1s\nprotocol: { name: retry-storm, jitter: ful }\n", "did you mean 'full'");
    h_expect_error(BASE "duration: 1s\nprotocol: { name: retry-storm, arrivals: bursty }\n", "arrivals");
}

static void test_the_server_needs_the_cpu_model(void **state) {
    (void)state;
    h_expect_error(NET "duration: 1s\nprotocol: { name: retry-storm }\n", "the server's capacity is the CPU model");
    /* a CPU model on another node only is not n1's */
    h_expect_error(NET "duration: 1s\nprotocol: { name: retry-storm }\n"
                   "costs: { nodes: { n2: { cpu: { workers: 1, message: 1ms } } } }\n",
                   "the server's capacity is the CPU model");
}

static void test_the_old_private_queue_keys_say_where_they_went(void **state) {
    (void)state;
    h_expect_error(BASE "duration: 1s\nprotocol: { name: retry-storm, queue_max: 10 }\n",
                   "costs.nodes.n1.cpu.queue");
    h_expect_error(BASE "duration: 1s\nprotocol: { name: retry-storm, service_time: 2ms }\n",
                   "costs.nodes.n1.cpu.message");
    h_expect_error(BASE "duration: 1s\nprotocol: { name: retry-storm, slow_factor: 4 }\n",
                   "pause: n1");
}

H_MAIN(cmocka_unit_test(test_healthy_server_answers_everything),
       cmocka_unit_test(test_full_queue_sheds_and_the_client_times_out),
       cmocka_unit_test(test_stall_without_backoff_outlives_itself),
       cmocka_unit_test(test_without_retries_the_queue_drains),
       cmocka_unit_test(test_a_queue_served_within_the_timeout_drains),
       cmocka_unit_test(test_breaker_opens_and_closes),
       cmocka_unit_test(test_backoff_sends_fewer_attempts_than_none),
       cmocka_unit_test(test_periodic_clients_without_jitter_arrive_in_step),
       cmocka_unit_test(test_jitter_spreads_periodic_clients_and_keeps_the_rate),
       cmocka_unit_test(test_jitter_booleans_still_mean_none_and_full),
       cmocka_unit_test(test_bad_backoff_is_an_error),
       cmocka_unit_test(test_the_server_needs_the_cpu_model),
       cmocka_unit_test(test_the_old_private_queue_keys_say_where_they_went))
