/* test_limits.c: every input limit in dslab/limits.h is a clean error at
 * the offending place, not a crash or an out-of-memory kill, and a run
 * over its event budget stops (DSLAB_SIM_EVENT_BUDGET) instead of running on.
 * Limits that a short file reaches are in tests/bad/scenario (nesting,
 * aliases, nodes, duration, names) and tests/bad/cli (--set); the ones
 * here need generated files: thousands of faults, narration entries,
 * protocol parameters, checks, link overrides, and long texts; and the
 * run-time limits: the event budget, payload bytes in flight. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/limits.h"
#include "dslab/node.h"
#include "dslab/scenario.h"
#include "dslab/sim.h"
#include "harness.h"

static const char header[] = "name: limits\nduration: 10s\nnodes: 3\nprotocol: gossip-pingpong\n";

/* A growing text buffer; aborts the test when out of memory. */
struct text {
    char *s;
    size_t len, cap;
};

static void put(struct text *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (t->len + (size_t)n + 1 > t->cap) {
        t->cap = (t->len + (size_t)n + 1) * 2;
        t->s = realloc(t->s, t->cap);
        assert_non_null(t->s);
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

/* Loads t and expects an error containing `needle` at line `line`. */
static void expect_limit(struct text *t, int line, const char *needle) {
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct dslab_scenario *s = dslab_scenario_load_buffer(t->s, t->len, "limits.yaml", NULL, 0, NULL, &d);
    if (s) {
        dslab_scenario_free(s);
        fail_msg("loaded although '%s' was expected", needle);
    }
    if (!strstr(d.message, needle)) fail_msg("error '%s' lacks '%s'", d.message, needle);
    if (d.line != line) fail_msg("error '%s' at line %d, expected line %d", d.message, d.line, line);
    free(t->s);
    memset(t, 0, sizeof *t);
}

/* A limit a generated file passes: `head` (printf with header), `item`
 * (printf with its index) one more time than `max` allows, then `tail`;
 * the error is at `line` and says `message`. */
struct repeat_case {
    const char *head, *item;
    int max;
    const char *tail;
    int line;
    const char *message;
};

static void test_repeat_limit(void **state) {
    const struct repeat_case *c = *state;
    struct text t = {0};
    put(&t, c->head, header);
    for (int i = 0; i <= c->max; i++) put(&t, c->item, i);
    put(&t, "%s", c->tail);
    expect_limit(&t, c->line, c->message);
}

static const struct repeat_case too_many_faults = {
    "%sfaults:\n", "  - { at: 1s, crash: n1 }\n", DSLAB_FAULTS_MAX, "", 6,
    "more than 10000 faults (DSLAB_FAULTS_MAX)"};
static const struct repeat_case too_many_narration_entries = {
    "%snarration:\n", "  - { at: 1s, say: hi }\n", DSLAB_NARRATION_MAX, "", 6, "more than 1000 narration entries"};
static const struct repeat_case narration_text_too_long = {
    "%snarration:\n  - { at: 1s, say: ", "x", DSLAB_TEXT_MAX, " }\n", 6, "narration text is longer than 1024 bytes"};
static const struct repeat_case too_many_protocol_parameters = {
    "name: limits\nduration: 10s\nnodes: 3\nprotocol:\n  name: gossip-pingpong\n", "  p%d: 1\n", DSLAB_PARAMS_MAX, "",
    5, "more than 64 protocol parameters"};
static const struct repeat_case too_many_checks = {
    "%schecks:\n", "  - linearizable\n", DSLAB_PARAMS_MAX, "", 6, "more than 64 checks"};
static const struct repeat_case too_many_link_overrides = {
    "%snetwork:\n  links:\n", "    - { from: n1, to: n2, loss: 0.5 }\n", DSLAB_FAULTS_MAX, "", 7,
    "more than 10000 link overrides"};
/* H_MAIN's entry of a repeat_case: named test_<the case>. */
#define REPEAT_TEST(c) {"test_" #c, test_repeat_limit, NULL, NULL, (void *)&(c)}

/* The event budget: `limits: { events: N }` stops the run after N events. */
static void test_event_budget_stops_a_run(void **state) {
    (void)state;
    const char *text = "name: budget\nduration: 60s\nnodes: 5\nprotocol: gossip-pingpong\n"
                       "limits: { events: 500 }\n";
    struct dslab_diag d;
    struct dslab_scenario *s = dslab_scenario_load_buffer(text, strlen(text), "b.yaml", NULL, 0, NULL, &d);
    if (!s) fail_msg("%s", d.message);
    assert_int_equal(s->events_max, 500);
    struct dslab_sim *sim = dslab_sim_create(s, 1, &d);
    assert_non_null(sim);
    assert_int_equal(dslab_sim_run(sim, s->duration_ns, 0), DSLAB_SIM_EVENT_BUDGET);
    assert_int_equal(dslab_sim_get_stats(sim)->events, 500);
    assert_true(dslab_sim_now_ns(sim) < s->duration_ns);
    dslab_sim_finish(sim);
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
}

/* A protocol that floods its peer with 1 KiB messages every microsecond
 * over a one-hour link: the payloads in flight hit
 * DSLAB_IN_FLIGHT_PAYLOAD_BYTES_MAX (256 MiB) long before the 4M message
 * limit would have taken 4 GiB. The run stops with a message. */
static void flood_init(struct dslab_node_ctx *ctx, void *state) {
    (void)state;
    dslab_ctx_set_timer(ctx, 1000, 0);
}

static void flood_on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t timer_id, uint64_t tag) {
    (void)state, (void)timer_id, (void)tag;
    static const unsigned char big[DSLAB_MSG_PAYLOAD_MAX];
    for (int i = 0; i < 64; i++) dslab_ctx_send(ctx, 1, big, sizeof big);
    dslab_ctx_set_timer(ctx, 1000, 0);
}

static void test_large_payloads_in_flight_are_bounded(void **state) {
    (void)state;
    static const struct dslab_protocol flood = {
        .name = "flood",
        .summary = "sends 1 KiB messages until a limit stops it",
        .init = flood_init,
        .on_message = h_ignore_message,
        .on_timer = flood_on_timer,
    };
    const char *text = "name: flood\nduration: 1h\nnodes: 2\nprotocol: flood\n"
                       "network: { latency: constant(1h) }\n";
    struct dslab_diag d;
    assert_int_equal(dslab_protocol_register(&flood, &d), 0);
    struct dslab_scenario *s = dslab_scenario_load_buffer(text, strlen(text), "f.yaml", NULL, 0, NULL, &d);
    if (!s) fail_msg("%s", d.message);
    struct dslab_sim *sim = dslab_sim_create(s, 1, &d);
    assert_non_null(sim);
    assert_int_equal(dslab_sim_run(sim, s->duration_ns, 0), DSLAB_SIM_ERROR);
    const char *why = dslab_sim_error(sim);
    if (!strstr(why, "DSLAB_IN_FLIGHT_PAYLOAD_BYTES_MAX")) fail_msg("error: %s", why);
    /* Stopped at the byte limit, not at the message limit. */
    uint64_t in_flight = dslab_sim_get_stats(sim)->messages_sent - dslab_sim_get_stats(sim)->messages_delivered;
    assert_true(in_flight <= (uint64_t)DSLAB_IN_FLIGHT_PAYLOAD_BYTES_MAX / DSLAB_MSG_PAYLOAD_MAX + 64);
    assert_true(in_flight < (uint64_t)DSLAB_IN_FLIGHT_MAX);
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
    assert_int_equal(dslab_protocol_unregister(&flood), 0);
}

H_MAIN(REPEAT_TEST(too_many_faults),
       REPEAT_TEST(too_many_narration_entries),
       REPEAT_TEST(narration_text_too_long),
       REPEAT_TEST(too_many_protocol_parameters),
       REPEAT_TEST(too_many_checks),
       REPEAT_TEST(too_many_link_overrides),
       cmocka_unit_test(test_event_budget_stops_a_run),
       cmocka_unit_test(test_large_payloads_in_flight_are_bounded))
