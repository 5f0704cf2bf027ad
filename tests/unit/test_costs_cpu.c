/* test_costs_cpu.c: the CPU model of `costs.cpu` (sim/costs_cpu.c,
 * docs/ASSUMPTIONS.md "Time costs"), one property each: a message is
 * handled when its service time has passed; with every worker busy it
 * waits in FIFO order; with the queue full it is shed (a `drop` with
 * reason `overload`, counted in the stats); more workers serve in
 * parallel; a crash drops what waits and what is in service, also after a
 * restart; the queue length shows in the `cost` records; the section
 * survives dslab_scenario_save; bad settings are refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* --- "burst": at start n1 sends five messages to n2 (ids 1..5). --------- */
static void burst_init(struct dslab_node_ctx *ctx, void *state) {
    (void)state;
    if (dslab_ctx_self(ctx) != 0) return;
    for (int32_t v = 1; v <= 5; v++) dslab_ctx_send(ctx, 1, &v, sizeof v);
}

static const struct dslab_protocol burst = {
    .name = "burst", .state_size = 1, .init = burst_init,
    .on_message = h_ignore_message, .on_timer = h_ignore_timer,
};

struct seen {
    int64_t deliver_ns[8]; /* by msg id; 0 = not delivered */
    const char *drop[8];   /* by msg id: the drop reason */
    int cpu, queued, shed;
    char last_text[48];    /* of the last cost record */
    struct dslab_sim_stats stats;
};

static void sink(void *user, const struct dslab_trace_event *ev) {
    struct seen *c = user;
    if (ev->kind == DSLAB_TRACE_DELIVER && ev->msg_id < 8) c->deliver_ns[ev->msg_id] = ev->t_ns;
    if (ev->kind == DSLAB_TRACE_DROP && ev->msg_id < 8) c->drop[ev->msg_id] = ev->tag;
    if (ev->kind != DSLAB_TRACE_COST) return;
    if (strcmp(ev->tag, "cpu") == 0) c->cpu++;
    if (strcmp(ev->tag, "cpu_queued") == 0) c->queued++;
    if (strcmp(ev->tag, "cpu_shed") == 0) c->shed++;
    snprintf(c->last_text, sizeof c->last_text, "%s", ev->text ? ev->text : "");
}

/* Messages 1..5 were delivered at these times in ms (0: not delivered). */
static void expect_delivered_ms(const struct seen *c, int64_t m1, int64_t m2, int64_t m3, int64_t m4, int64_t m5) {
    const int64_t want[6] = {0, m1, m2, m3, m4, m5};
    for (int id = 1; id <= 5; id++) {
        if (c->deliver_ns[id] != want[id] * DSLAB_NS_PER_MS) {
            fail_msg("message %d delivered at %lld ns, want %lld ms", id, (long long)c->deliver_ns[id], (long long)want[id]);
        }
    }
}

static struct seen *run(const char *extra) {
    static struct seen c;
    memset(&c, 0, sizeof c);
    char text[1024];
    snprintf(text, sizeof text,
             "name: t\nduration: 1s\nnodes: 2\nprotocol: gossip-pingpong\n"
             "network: { latency: constant(1ms) }\n%s\n", extra);
    struct dslab_scenario *s = h_load(text);
    struct dslab_sim *sim = h_sim_with(s, &burst, 5, sink, &c);
    c.stats = *dslab_sim_get_stats(sim);
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
    return &c;
}

static void test_without_the_model_all_arrive_at_once(void **state) {
    (void)state;
    struct seen *c = run("");
    expect_delivered_ms(c, 1, 1, 1, 1, 1);
    assert_int_equal(c->cpu + c->queued + c->shed, 0);
}

static void test_one_worker_serves_in_order_and_sheds_when_full(void **state) {
    (void)state;
    struct seen *c = run("costs: { nodes: { n2: { cpu: { workers: 1, queue: 2, message: constant(10ms) } } } }");
    expect_delivered_ms(c, 11, 21, 31, 0, 0);
    assert_string_equal(c->drop[4], "overload");
    assert_string_equal(c->drop[5], "overload");
    assert_int_equal(c->cpu, 3);
    assert_int_equal(c->queued, 2);
    assert_int_equal(c->shed, 2);
    assert_int_equal(c->stats.cpu_shed, 2);
    assert_int_equal(c->stats.cpu_queue_max, 2);
    assert_int_equal(c->stats.messages_dropped, 2);
}

static void test_without_a_bound_nothing_is_shed(void **state) {
    (void)state;
    struct seen *c = run("costs: { cpu: { workers: 1, message: constant(10ms) } }");
    expect_delivered_ms(c, 11, 21, 31, 41, 51);
    assert_int_equal(c->shed, 0);
    assert_int_equal(c->stats.cpu_queue_max, 4);
}

static void test_a_zero_queue_sheds_whatever_finds_the_workers_busy(void **state) {
    (void)state;
    struct seen *c = run("costs: { cpu: { workers: 2, queue: 0, message: constant(10ms) } }");
    expect_delivered_ms(c, 11, 11, 0, 0, 0); /* the other three are shed */
    assert_int_equal(c->shed, 3);
}

static void test_workers_serve_in_parallel(void **state) {
    (void)state;
    struct seen *c = run("costs: { cpu: { workers: 2, message: constant(10ms) } }");
    expect_delivered_ms(c, 11, 11, 21, 21, 31);
}

static void test_the_queue_length_is_in_the_trace(void **state) {
    (void)state;
    struct seen *c = run("costs: { cpu: { workers: 1, message: constant(10ms) } }");
    /* The last record: message 5 starts its service, nothing waits. */
    assert_string_equal(c->last_text, "busy=1 queue=0");
    c = run("costs: { cpu: { workers: 1, queue: 1, message: constant(10ms) } }");
    assert_int_equal(c->shed, 3);
}

static void test_a_crash_drops_what_waits_and_what_is_served(void **state) {
    (void)state;
    struct seen *c = run("costs: { cpu: { workers: 1, message: constant(10ms) } }\n"
                         "faults:\n  - { at: 15ms, crash: n2 }\n  - { at: 16ms, restart: n2 }");
    assert_int_equal(c->deliver_ns[1], 11 * DSLAB_NS_PER_MS);
    for (int id = 2; id <= 5; id++) {
        assert_int_equal(c->deliver_ns[id], 0);
        assert_string_equal(c->drop[id], "crashed");
    }
}

static const char *overload_yaml =
    "name: t\nduration: 3s\nnodes: [n1, n2, n3]\nnetwork: { latency: constant(1ms) }\n"
    "protocol: { name: raft, heartbeat: 50ms }\n"
    "workload: { clients: 20, rate: 2000/s, timeout: 100ms, target: n1 }\n%s";

static void test_shed_requests_time_out_at_their_clients(void **state) {
    (void)state;
    char text[1024];
    snprintf(text, sizeof text, overload_yaml, "");
    struct h_run *r = h_run(text, NULL, NULL, NULL);
    uint64_t info_without = dslab_sim_get_stats(r->sim)->client_info;
    assert_int_equal(dslab_sim_get_stats(r->sim)->cpu_shed, 0);
    h_run_free(r);
    snprintf(text, sizeof text, overload_yaml,
             "costs: { nodes: { n1: { cpu: { workers: 1, queue: 5, request: constant(5ms) } } } }\n");
    r = h_run(text, NULL, NULL, NULL);
    const struct dslab_sim_stats *st = dslab_sim_get_stats(r->sim);
    /* 2000/s offered to a node that serves 200/s: most are shed, and each
     * shed request is an operation its client gave up on. */
    assert_true(st->cpu_shed > 500);
    assert_int_equal(st->cpu_queue_max, 5);
    assert_true(st->client_info >= info_without + st->cpu_shed / 2);
    h_run_free(r);
}

static void test_the_section_survives_save(void **state) {
    (void)state;
    struct dslab_scenario *s = h_load("name: t\nduration: 1s\nnodes: 2\nprotocol: gossip-pingpong\n"
                                "costs: { cpu: { workers: 3, request: exponential(2ms) },"
                                " nodes: { n2: { cpu: { workers: 1, queue: 7, message: 1ms } } } }\n");
    struct dslab_scenario *back = h_save_reload(s);
    for (int i = 0; i < 2; i++) {
        const struct dslab_scenario_node_costs *a = &s->node_costs[i], *b = &back->node_costs[i];
        assert_true(b->cpu_on);
        assert_int_equal(a->cpu_workers, b->cpu_workers);
        assert_int_equal(a->cpu_queue_max, b->cpu_queue_max);
        assert_int_equal(dslab_latency_mean_ns(&a->cpu_message_ns), dslab_latency_mean_ns(&b->cpu_message_ns));
        assert_int_equal(dslab_latency_mean_ns(&a->cpu_request_ns), dslab_latency_mean_ns(&b->cpu_request_ns));
    }
    assert_int_equal(s->node_costs[0].cpu_queue_max, -1);
    assert_int_equal(s->node_costs[1].cpu_queue_max, 7);
    assert_int_equal(s->node_costs[1].cpu_workers, 1);
    dslab_scenario_free(back);
    dslab_scenario_free(s);
}

static void test_bad_settings_are_refused(void **state) {
    (void)state;
    static const struct h_refusal cases[] = {
        {"{ workers: 0, message: 1ms }", "1 to 1024"},
        {"{ workers: 1025, message: 1ms }", "1 to 1024"},
        {"{ workers: two, message: 1ms }", "two"},
        {"{ workers: 1, queue: -1, message: 1ms }", "0 to 1000000"},
        {"{ workers: 1, queue: 1000001, message: 1ms }", "0 to 1000000"},
        {"{ message: 1ms }", "missing key 'workers'"},
        {"{ workers: 1 }", "cpu needs message or request (a service-time distribution)"},
        {"{ workers: 1, message: 61s }", "cpu message service time 61s has a mean of 61s: expected 0ns to 60s"},
        {"{ workers: 1, request: sometimes }", "sometimes"},
        {"{ workers: 1, mesage: 1ms }", "unknown key 'mesage'"},
        {"4", "a mapping like { workers: 2, queue: 100, request: exponential(1ms) }"},
    };
    H_EXPECT_REFUSALS("name: t\nduration: 1s\nnodes: 2\nprotocol: gossip-pingpong\ncosts: { cpu: %s }\n", cases);
}

H_MAIN(cmocka_unit_test(test_without_the_model_all_arrive_at_once),
       cmocka_unit_test(test_one_worker_serves_in_order_and_sheds_when_full),
       cmocka_unit_test(test_without_a_bound_nothing_is_shed),
       cmocka_unit_test(test_a_zero_queue_sheds_whatever_finds_the_workers_busy),
       cmocka_unit_test(test_workers_serve_in_parallel),
       cmocka_unit_test(test_the_queue_length_is_in_the_trace),
       cmocka_unit_test(test_a_crash_drops_what_waits_and_what_is_served),
       cmocka_unit_test(test_shed_requests_time_out_at_their_clients),
       cmocka_unit_test(test_the_section_survives_save),
       cmocka_unit_test(test_bad_settings_are_refused))
