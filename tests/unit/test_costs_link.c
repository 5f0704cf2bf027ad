/* test_costs_link.c: the link model of `costs.links` (sim/costs_link.c,
 * docs/ASSUMPTIONS.md "Time costs"), one property each: a message takes
 * size / bandwidth to leave before its latency; the messages behind a big
 * one on the same directed link wait for it (head-of-line blocking) while
 * another link does not; dslab_ctx_send counts the payload bytes and
 * dslab_ctx_send_sized the declared ones; serialisation rounds up to a whole ns;
 * a per-node bandwidth replaces the default for that node's links; a lost
 * message still occupies the link; the largest size at the lowest rate
 * is exact (no wrap); a declared size over the maximum stops the run with an error;
 * the section survives dslab_scenario_save; every bad bandwidth is refused; and
 * without the model nothing waits and no `cost` record appears. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "dslab/limits.h"

/* --- "bulk": at start n1 sends one message of big_wire_bytes on the wire
 * (a 4-byte payload) to n2, then a plain 4-byte message to n2 and one to
 * n3. Message ids are 1, 2, 3 in that order. ------------------------------ */
static uint64_t big_wire_bytes = 10000; /* set by run_as before each run */

static void bulk_init(struct dslab_node_ctx *ctx, void *state) {
    (void)state;
    if (dslab_ctx_self(ctx) != 0) return;
    int32_t v = 1;
    dslab_ctx_send_sized(ctx, 1, &v, sizeof v, big_wire_bytes);
    dslab_ctx_send(ctx, 1, &v, sizeof v);
    dslab_ctx_send(ctx, 2, &v, sizeof v);
}

static const struct dslab_protocol bulk = {
    .name = "bulk", .state_size = 1, .init = bulk_init,
    .on_message = h_ignore_message, .on_timer = h_ignore_timer,
};

struct seen {
    int64_t deliver_ns[4]; /* by msg id; 0 = not delivered */
    int wires;
    int64_t wire_ns[4], wire_until_ns[4]; /* by msg id */
    int32_t wire_peer[4];
    int costs;
};

static void sink(void *user, const struct dslab_trace_event *ev) {
    struct seen *c = user;
    if (ev->kind == DSLAB_TRACE_DELIVER && ev->msg_id < 4) c->deliver_ns[ev->msg_id] = ev->t_ns;
    if (ev->kind != DSLAB_TRACE_COST) return;
    c->costs++;
    if (strcmp(ev->tag, "wire") == 0 && ev->msg_id < 4) {
        c->wires++;
        c->wire_ns[ev->msg_id] = ev->a;
        c->wire_until_ns[ev->msg_id] = ev->b;
        c->wire_peer[ev->msg_id] = ev->peer;
    }
}

static struct dslab_scenario *load(const char *extra) {
    char text[2048];
    snprintf(text, sizeof text,
             "name: t\nduration: 2s\nnodes: 3\nprotocol: { name: gossip-pingpong, initial: 0 }\n"
             "%s\n",
             extra);
    return h_load(text);
}

/* Runs `extra` (network and costs lines) with the bulk protocol sending
 * `wire_bytes`; the run must end with `expect` (its error text in `error`). */
static struct seen *run_as(const char *extra, uint64_t wire_bytes, enum dslab_sim_status expect, char *error,
                           size_t error_size) {
    static struct seen c;
    memset(&c, 0, sizeof c);
    big_wire_bytes = wire_bytes;
    struct dslab_scenario *s = load(extra);
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct dslab_sim *sim = dslab_sim_create_with_protocol(s, &bulk, 5, &d);
    if (!sim) fail_msg("%s", d.message);
    dslab_sim_add_sink(sim, sink, &c);
    assert_int_equal(dslab_sim_run(sim, s->duration_ns, 0), expect);
    if (error) snprintf(error, error_size, "%s", expect == DSLAB_SIM_ERROR ? dslab_sim_error(sim) : "");
    dslab_sim_finish(sim);
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
    return &c;
}

/* run_as, ending without an error. */
static struct seen *run(const char *extra, uint64_t wire_bytes) {
    return run_as(extra, wire_bytes, DSLAB_SIM_OK, NULL, 0);
}

static const char *lan = "network: { latency: constant(1ms) }\n";
/* 8 Mbps = one byte per microsecond. */
static const char *slow = "network: { latency: constant(1ms) }\ncosts: { links: { bandwidth: 8Mbps } }\n";

static void test_without_the_model_nothing_waits(void **state) {
    (void)state;
    struct seen *c = run(lan, 10000);
    for (int id = 1; id <= 3; id++) assert_int_equal(c->deliver_ns[id], 1 * DSLAB_NS_PER_MS);
    assert_int_equal(c->costs, 0);
}

static void test_a_big_message_blocks_its_link_only(void **state) {
    (void)state;
    struct seen *c = run(slow, 10000); /* 10 ms at 8 Mbps */
    assert_int_equal(c->deliver_ns[1], 11 * DSLAB_NS_PER_MS);                     /* 10ms + 1ms */
    assert_int_equal(c->deliver_ns[2], 11 * DSLAB_NS_PER_MS + 4 * DSLAB_NS_PER_US);    /* behind it */
    assert_int_equal(c->deliver_ns[3], 1 * DSLAB_NS_PER_MS + 4 * DSLAB_NS_PER_US);     /* n1 -> n3 */
    assert_int_equal(c->wires, 3);
    assert_int_equal(c->wire_ns[1], 10 * DSLAB_NS_PER_MS);
    assert_int_equal(c->wire_until_ns[2], 10 * DSLAB_NS_PER_MS + 4 * DSLAB_NS_PER_US); /* waited + sent */
    assert_int_equal(c->wire_ns[2], 10 * DSLAB_NS_PER_MS + 4 * DSLAB_NS_PER_US);
    assert_int_equal(c->wire_peer[1], 1);
    assert_int_equal(c->wire_peer[3], 2);
}

static void test_serialisation_rounds_up(void **state) {
    (void)state;
    /* 8 bits at 3 kbps = 2666666.67 ns */
    struct seen *c = run("network: { latency: constant(1ms) }\ncosts: { links: { bandwidth: 3kbps } }\n", 1);
    assert_int_equal(c->wire_ns[1], 2666667);
}

static void test_a_node_can_have_its_own_bandwidth(void **state) {
    (void)state;
    struct seen *c = run("network: { latency: constant(1ms) }\n"
                         "costs: { links: { bandwidth: 8Mbps }, nodes: { n1: { links: { bandwidth: 0.08Gbps } } } }\n",
                         10000);
    assert_int_equal(c->wire_ns[1], 1 * DSLAB_NS_PER_MS); /* 80 Mbps: 10 bytes per us */
    assert_int_equal(c->deliver_ns[1], 2 * DSLAB_NS_PER_MS);
}

static void test_a_lost_message_still_occupies_the_link(void **state) {
    (void)state;
    struct seen *c = run("network: { latency: constant(1ms), links: [ { from: n1, to: n2, loss: 1 } ] }\n"
                         "costs: { links: { bandwidth: 8Mbps } }\n", 10000);
    assert_int_equal(c->deliver_ns[1], 0);
    assert_int_equal(c->deliver_ns[2], 0);
    assert_int_equal(c->wire_until_ns[1], 10 * DSLAB_NS_PER_MS);
    assert_int_equal(c->wire_until_ns[2], 10 * DSLAB_NS_PER_MS + 4 * DSLAB_NS_PER_US);
}

static void test_the_largest_size_at_the_lowest_rate_is_exact(void **state) {
    (void)state;
    /* 1 TiB at 1 kbps: 2^43 * 10^6 ns, 278 years */
    struct seen *c = run("network: { latency: constant(1ms) }\ncosts: { links: { bandwidth: 1kbps } }\n",
                         DSLAB_WIRE_BYTES_MAX);
    assert_int_equal(c->wire_until_ns[1], INT64_C(8796093022208000000));
    assert_int_equal(c->wire_until_ns[2], INT64_C(8796093022208000000) + 32 * DSLAB_NS_PER_MS);
    assert_int_equal(c->deliver_ns[1], 0);
    assert_int_equal(c->deliver_ns[2], 0); /* behind it: never */
    assert_int_not_equal(c->deliver_ns[3], 0);
}

static void test_a_size_over_the_maximum_is_an_error(void **state) {
    (void)state;
    char error[640];
    run_as(slow, DSLAB_WIRE_BYTES_MAX + 1, DSLAB_SIM_ERROR, error, sizeof error);
    if (!strstr(error, "dslab_ctx_send_sized: wire size 1099511627777 bytes is over the maximum")) {
        fail_msg("unexpected error: %s", error);
    }
}

static void test_the_section_survives_save(void **state) {
    (void)state;
    struct dslab_scenario *s = load("costs: { links: { bandwidth: 1.5Gbps }, nodes: { n2: { links: { bandwidth: 12kbps } } } }\n");
    struct dslab_scenario *back = h_save_reload(s);
    for (int i = 0; i < 3; i++) {
        assert_true(back->node_costs[i].link_on);
        assert_int_equal(back->node_costs[i].link_bandwidth_bps, s->node_costs[i].link_bandwidth_bps);
    }
    assert_int_equal(s->node_costs[0].link_bandwidth_bps, INT64_C(1500000000));
    assert_int_equal(s->node_costs[1].link_bandwidth_bps, 12000);
    dslab_scenario_free(back);
    dslab_scenario_free(s);
}

static void test_bad_bandwidths_are_refused(void **state) {
    (void)state;
    static const struct h_refusal cases[] = {
        {"{ bandwidth: fast }", "expected a bandwidth like 100Mbps (units bps, kbps, Mbps, Gbps), got 'fast'"},
        {"{ bandwidth: 100Mb }", "got '100Mb'"},
        {"{ bandwidth: 100 }", "got '100'"},
        {"{ bandwidth: Mbps }", "got 'Mbps'"},
        {"{ bandwidth: -1Mbps }", "got '-1Mbps'"},
        {"{ bandwidth: [1Mbps] }", "got 'a non-scalar'"},
        {"{ bandwidth: 0bps }", "bandwidth 0bps is out of range: expected 1kbps to 400Gbps"},
        {"{ bandwidth: 999bps }", "out of range"},
        {"{ bandwidth: 401Gbps }", "out of range"},
        {"{ bandwidth: 99999999999999999999999Gbps }", "bandwidth '99999999999999999999999Gbps'"},
        {"{ bandwidth: 1.2.3Mbps }", "bandwidth '1.2.3Mbps'"},
        {"{ }", "missing key 'bandwidth'"},
        {"{ bandwith: 1Mbps }", "unknown key 'bandwith'"},
        {"1Mbps", "a mapping like { bandwidth: 100Mbps }"},
    };
    H_EXPECT_REFUSALS("name: t\nduration: 1s\nnodes: 2\nprotocol: gossip-pingpong\ncosts: { links: %s }\n", cases);
    /* The edges of the range are accepted. */
    h_run_free(h_run("name: t\nduration: 1s\nnodes: 2\nprotocol: gossip-pingpong\n"
                     "costs: { links: { bandwidth: 1kbps }, nodes: { n2: { links: { bandwidth: 400Gbps } } } }\n",
                     NULL, NULL, NULL));
}

H_MAIN(cmocka_unit_test(test_without_the_model_nothing_waits),
       cmocka_unit_test(test_a_big_message_blocks_its_link_only),
       cmocka_unit_test(test_serialisation_rounds_up),
       cmocka_unit_test(test_a_node_can_have_its_own_bandwidth),
       cmocka_unit_test(test_a_lost_message_still_occupies_the_link),
       cmocka_unit_test(test_the_largest_size_at_the_lowest_rate_is_exact),
       cmocka_unit_test(test_a_size_over_the_maximum_is_an_error),
       cmocka_unit_test(test_the_section_survives_save),
       cmocka_unit_test(test_bad_bandwidths_are_refused))
