/* test_delivery.c: what happens to each message and timer, counted one by
 * one: every message sent is delivered, lost or dropped (never silently
 * vanishes, never appears twice unless duplicated); a lossy link loses
 * about its share; a duplicated message is delivered twice; a message in
 * flight when a partition starts is dropped at arrival, and one whose link
 * healed before arrival is delivered (docs/ASSUMPTIONS.md); a crash voids
 * the node's pending timers even when it restarts before they fall due.
 * These are the simulator's guarantees that mutation testing
 * (tests/mutants/core-*.mutant) showed no other test pinned down. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "dslab/scenario.h"
#include "dslab/sim.h"
#include "dslab/time.h"
#include "dslab/trace.h"

/* --- "burst": n1 sends `BURST` numbered messages to n2 at start; every node
 * sets one 100ms timer at (re)start. ---------------------------------------- */
#define BURST 2000

static void burst_init(struct dslab_node_ctx *ctx, void *state) {
    (void)state;
    if (dslab_ctx_self(ctx) == 0) {
        for (int32_t i = 0; i < BURST; i++) dslab_ctx_send(ctx, 1, &i, sizeof i);
    }
    dslab_ctx_set_timer(ctx, 100 * DSLAB_NS_PER_MS, 7);
}

static void burst_restart(struct dslab_node_ctx *ctx, void *state) {
    (void)state;
    dslab_ctx_set_timer(ctx, 100 * DSLAB_NS_PER_MS, 8);
}

static const struct dslab_protocol burst = {
    .name = "burst", .state_size = 1, .init = burst_init, .on_message = h_ignore_message,
    .on_timer = h_ignore_timer, .on_restart = burst_restart,
};

/* --- counting sink ----------------------------------------------------------- */
struct counts {
    int sent, delivered, duplicated, dropped_loss, dropped_partition, dropped_crash;
    int copies[BURST + 1];      /* deliveries per message id */
    int64_t timer_at_ns[16];    /* n1's timer firings */
    uint64_t timer_tag[16];
    int timers;
};

static void count_sink(void *user, const struct dslab_trace_event *ev) {
    struct counts *c = user;
    switch (ev->kind) {
    case DSLAB_TRACE_SEND: c->sent++; break;
    case DSLAB_TRACE_DUPLICATE: c->duplicated++; break;
    case DSLAB_TRACE_DELIVER:
        c->delivered++;
        if (ev->msg_id <= BURST) c->copies[ev->msg_id]++;
        break;
    case DSLAB_TRACE_DROP:
        if (strcmp(ev->tag, "loss") == 0) c->dropped_loss++;
        else if (strcmp(ev->tag, "partition") == 0) c->dropped_partition++;
        else c->dropped_crash++;
        break;
    case DSLAB_TRACE_TIMER:
        if (ev->node == 0 && c->timers < 16) {
            c->timer_at_ns[c->timers] = ev->t_ns;
            c->timer_tag[c->timers++] = (uint64_t)ev->b;
        }
        break;
    default: break;
    }
}

static struct counts *run_burst(const char *network, const char *faults) {
    static struct counts c;
    memset(&c, 0, sizeof c);
    h_run_text(&burst, 5, count_sink, &c, "name: t\nduration: 1s\nnodes: 2\nprotocol: burst\nnetwork: %s\n%s", network,
               faults);
    assert_int_equal(c.sent, BURST);
    return &c;
}

static void test_a_clean_link_delivers_every_message_once(void **state) {
    (void)state;
    struct counts *c = run_burst("{ latency: \"uniform(1ms, 10ms)\" }", "");
    assert_int_equal(c->delivered, BURST);
    for (int i = 1; i <= BURST; i++) assert_int_equal(c->copies[i], 1);
}

static void test_a_lossy_link_loses_its_share_and_delivers_the_rest(void **state) {
    (void)state;
    struct counts *c = run_burst("{ latency: \"uniform(1ms, 10ms)\", loss: 0.3 }", "");
    /* 30% of 2000 = 600; a binomial's spread is ~20, so 450..750 is safe. */
    assert_in_range(c->dropped_loss, 450, 750);
    assert_int_equal(c->delivered + c->dropped_loss, BURST);
    for (int i = 1; i <= BURST; i++) assert_in_range(c->copies[i], 0, 1);
}

static void test_a_duplicated_message_is_delivered_twice(void **state) {
    (void)state;
    struct counts *c = run_burst("{ latency: \"uniform(1ms, 10ms)\", duplicate: 0.2 }", "");
    assert_in_range(c->duplicated, 300, 500);
    assert_int_equal(c->delivered, BURST + c->duplicated);
    int twice = 0;
    for (int i = 1; i <= BURST; i++) {
        assert_in_range(c->copies[i], 1, 2);
        twice += c->copies[i] == 2;
    }
    assert_int_equal(twice, c->duplicated);
}

static void test_a_partition_drops_messages_already_in_flight(void **state) {
    (void)state;
    /* All sent at 0, arriving at 100ms; the partition starts at 50ms. */
    struct counts *c = run_burst("{ latency: constant(100ms) }",
                                 "faults: [ { at: 50ms, partition: [[n1], [n2]] } ]\n");
    assert_int_equal(c->delivered, 0);
    assert_int_equal(c->dropped_partition, BURST);
}

static void test_a_link_healed_before_arrival_delivers(void **state) {
    (void)state;
    struct counts *c = run_burst("{ latency: constant(100ms) }",
                                 "faults: [ { at: 50ms, partition: [[n1], [n2]] },\n"
                                 "          { at: 80ms, heal: all } ]\n");
    assert_int_equal(c->delivered, BURST);
    assert_int_equal(c->dropped_partition, 0);
}

static void test_a_crash_voids_timers_even_after_a_quick_restart(void **state) {
    (void)state;
    /* n1's boot timer is due at 100ms; it crashes at 50ms and is back at
     * 60ms, setting a new timer for 160ms. Only that one may fire. */
    struct counts *c = run_burst("{ latency: constant(1ms) }",
                                 "faults: [ { at: 50ms, crash: n1 }, { at: 60ms, restart: n1 } ]\n");
    assert_int_equal(c->timers, 1);
    assert_int_equal(c->timer_at_ns[0], 160 * DSLAB_NS_PER_MS);
    assert_int_equal(c->timer_tag[0], 8);
}

H_MAIN_WITH_PROTOCOL(burst, cmocka_unit_test(test_a_clean_link_delivers_every_message_once),
       cmocka_unit_test(test_a_lossy_link_loses_its_share_and_delivers_the_rest),
       cmocka_unit_test(test_a_duplicated_message_is_delivered_twice),
       cmocka_unit_test(test_a_partition_drops_messages_already_in_flight),
       cmocka_unit_test(test_a_link_healed_before_arrival_delivers),
       cmocka_unit_test(test_a_crash_voids_timers_even_after_a_quick_restart))
