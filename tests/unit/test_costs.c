/* test_costs.c: the time-cost models of the `costs:` section (sim/costs.c,
 * docs/ASSUMPTIONS.md "Time costs"), one property each: a sync takes its
 * latency plus the writes it covers and the node's messages wait for it
 * (those sent before it do not); syncs queue on one disk; a crash while a
 * sync is in flight loses its writes and the messages waiting for it, a
 * crash after it keeps them; a sync with nothing to write costs nothing;
 * timers fire late by the delay drawn (also across a drift change); pauses
 * come at the drawn intervals; the section survives dslab_scenario_save; and
 * with the section absent nothing here happens. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/scenario.h"
#include "dslab/sim.h"
#include "dslab/time.h"
#include "dslab/trace.h"
#include "harness.h"

/* --- "persist": at start n1 sends "before", puts k = 7 (and k2 when
 * `syncs` is 2, with a sync after each), syncs, sends "after" to n2, and
 * sets a 100ms timer. On restart it records what k reads. -------------------- */
static int syncs_per_boot = 1;
static int puts_before_sync = 1;
static long k_after_restart = -2;
static bool sync_on_timer = false; /* the 100ms timer puts, syncs and sends msg 3 */

static void persist_init(struct dslab_node_ctx *ctx, void *state) {
    (void)state;
    if (dslab_ctx_self(ctx) != 0) return;
    int32_t before = 1, after = 2;
    dslab_ctx_send(ctx, 1, &before, sizeof before);
    int64_t v = 7;
    for (int i = 0; i < syncs_per_boot; i++) {
        char key[16];
        snprintf(key, sizeof key, "k%d", i);
        for (int p = 0; p < puts_before_sync; p++) dslab_ctx_store_put(ctx, i == 0 ? "k" : key, &v, sizeof v);
        dslab_ctx_store_sync(ctx);
    }
    dslab_ctx_send(ctx, 1, &after, sizeof after);
    dslab_ctx_set_timer(ctx, 100 * DSLAB_NS_PER_MS, 1);
}

static void persist_on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *m,
                               size_t len) {
    (void)ctx, (void)state, (void)from, (void)m, (void)len;
}

static void persist_on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t id, uint64_t tag) {
    (void)state, (void)id, (void)tag;
    if (!sync_on_timer || dslab_ctx_self(ctx) != 0) return;
    int64_t v = 8;
    int32_t late = 3;
    dslab_ctx_store_put(ctx, "t", &v, sizeof v);
    dslab_ctx_store_sync(ctx);
    dslab_ctx_send(ctx, 1, &late, sizeof late);
}

static void persist_restart(struct dslab_node_ctx *ctx, void *state) {
    (void)state;
    const void *v;
    if (dslab_ctx_self(ctx) == 0) k_after_restart = dslab_ctx_store_get(ctx, "k", &v);
}

static const struct dslab_protocol persist = {
    .name = "persist", .state_size = 1, .init = persist_init,
    .on_message = persist_on_message, .on_timer = persist_on_timer,
    .on_restart = persist_restart,
};

struct seen {
    int64_t deliver_ns[8]; /* by msg id */
    int delivered, dropped_crash;
    int64_t sync_ns[4], sync_until_ns[4];
    int syncs;
    int64_t timer_ns[4];
    int timers;
    int64_t late_ns[4];
    int lates;
    int64_t pause_at_ns[32];
    int pauses, gcs;
    int costs;
};

static void sink(void *user, const struct dslab_trace_event *ev) {
    struct seen *c = user;
    switch (ev->kind) {
    case DSLAB_TRACE_DELIVER:
        if (ev->msg_id < 8) c->deliver_ns[ev->msg_id] = ev->t_ns;
        c->delivered++;
        break;
    case DSLAB_TRACE_DROP:
        if (strcmp(ev->tag, "crashed") == 0) c->dropped_crash++;
        break;
    case DSLAB_TRACE_TIMER:
        if (ev->node == 0 && c->timers < 4) c->timer_ns[c->timers++] = ev->t_ns;
        break;
    case DSLAB_TRACE_PAUSE:
        if (c->pauses < 32) c->pause_at_ns[c->pauses] = ev->t_ns;
        c->pauses++;
        break;
    case DSLAB_TRACE_COST:
        c->costs++;
        if (strcmp(ev->tag, "sync") == 0 && c->syncs < 4) {
            c->sync_ns[c->syncs] = ev->a;
            c->sync_until_ns[c->syncs++] = ev->b;
        } else if (strcmp(ev->tag, "timer_late") == 0 && c->lates < 4) {
            c->late_ns[c->lates++] = ev->a;
        } else if (strcmp(ev->tag, "gc") == 0) {
            c->gcs++;
        }
        break;
    default: break;
    }
}

static struct dslab_scenario *load(const char *costs, const char *faults) {
    char text[2048];
    snprintf(text, sizeof text,
             "name: t\nduration: 1s\nnodes: 2\nprotocol: { name: gossip-pingpong, initial: 0 }\n"
             "network: { latency: constant(1ms) }\n%s%s", costs, faults);
    return h_load(text);
}

static struct seen *run_scenario(const struct dslab_scenario *s) {
    static struct seen c;
    memset(&c, 0, sizeof c);
    dslab_sim_destroy(h_sim_with(s, &persist, 5, sink, &c));
    return &c;
}

static struct seen *run(const char *costs, const char *faults) {
    struct dslab_scenario *s = load(costs, faults);
    struct seen *c = run_scenario(s);
    dslab_scenario_free(s);
    return c;
}

static void reset(void **state) {
    (void)state;
    syncs_per_boot = 1;
    puts_before_sync = 1;
    k_after_restart = -2;
    sync_on_timer = false;
}

static const char *disk = "costs: { disk: { write: constant(1ms), sync: constant(10ms) } }\n";

static void test_without_costs_nothing_waits(void **state) {
    reset(state);
    struct seen *c = run("", "");
    assert_int_equal(c->deliver_ns[1], 1 * DSLAB_NS_PER_MS);
    assert_int_equal(c->deliver_ns[2], 1 * DSLAB_NS_PER_MS);
    assert_int_equal(c->timer_ns[0], 100 * DSLAB_NS_PER_MS);
    assert_int_equal(c->costs, 0);
}

static void test_a_message_sent_after_a_sync_waits_for_it(void **state) {
    reset(state);
    struct seen *c = run(disk, "");
    assert_int_equal(c->deliver_ns[1], 1 * DSLAB_NS_PER_MS);            /* sent before the sync */
    assert_int_equal(c->deliver_ns[2], (1 + 10 + 1) * DSLAB_NS_PER_MS); /* write + sync + wire */
    assert_int_equal(c->syncs, 1);
    assert_int_equal(c->sync_ns[0], 11 * DSLAB_NS_PER_MS);
    assert_int_equal(c->sync_until_ns[0], 11 * DSLAB_NS_PER_MS);
}

static void test_every_write_is_charged_to_the_sync(void **state) {
    reset(state);
    puts_before_sync = 3;
    struct seen *c = run(disk, "");
    assert_int_equal(c->sync_ns[0], (3 + 10) * DSLAB_NS_PER_MS);
}

static void test_syncs_queue_on_one_disk(void **state) {
    reset(state);
    syncs_per_boot = 2;
    struct seen *c = run(disk, "");
    assert_int_equal(c->syncs, 2);
    assert_int_equal(c->sync_until_ns[0], 11 * DSLAB_NS_PER_MS);
    assert_int_equal(c->sync_until_ns[1], 22 * DSLAB_NS_PER_MS); /* starts when the first is done */
    assert_int_equal(c->deliver_ns[2], 23 * DSLAB_NS_PER_MS);
}

static void test_a_sync_with_nothing_to_write_costs_nothing(void **state) {
    reset(state);
    puts_before_sync = 0;
    struct seen *c = run(disk, "");
    assert_int_equal(c->syncs, 0); /* a free sync is not traced */
    assert_int_equal(c->deliver_ns[2], 1 * DSLAB_NS_PER_MS);
}

static void test_a_crash_during_the_sync_loses_its_writes_and_held_messages(void **state) {
    reset(state);
    struct seen *c = run(disk, "faults: [ { at: 5ms, crash: n1 },"
                               " { at: 6ms, restart: n1, lose_unsynced: true } ]\n");
    assert_int_equal(k_after_restart, -1);   /* the write never became durable */
    assert_int_equal(c->deliver_ns[2], 0);   /* "after" never left */
    assert_int_equal(c->dropped_crash, 1);
    assert_int_equal(c->delivered, 1);
}

static void test_a_crash_after_the_sync_keeps_its_writes(void **state) {
    reset(state);
    struct seen *c = run(disk, "faults: [ { at: 11ms, crash: n1 },"
                               " { at: 12ms, restart: n1, lose_unsynced: true } ]\n");
    assert_int_equal(k_after_restart, (long)sizeof(int64_t));
    assert_int_equal(c->deliver_ns[2], 12 * DSLAB_NS_PER_MS); /* it left at 11ms, before the crash */
}

static void test_a_timer_fires_late_by_the_delay(void **state) {
    reset(state);
    struct seen *c = run("costs: { timers: { delay: constant(3ms) } }\n", "");
    assert_int_equal(c->timer_ns[0], 103 * DSLAB_NS_PER_MS);
    assert_int_equal(c->lates, 1);
    assert_int_equal(c->late_ns[0], 3 * DSLAB_NS_PER_MS);
}

static void test_a_timer_stays_late_across_a_drift_change(void **state) {
    reset(state);
    /* Drift 0 from 50ms: the deadline does not move, the delay must stay. */
    struct seen *c = run("costs: { timers: { delay: constant(3ms) } }\n",
                         "faults: [ { at: 50ms, clock: n1, drift_ppm: 0 } ]\n");
    assert_int_equal(c->timer_ns[0], 103 * DSLAB_NS_PER_MS);
}

static void test_pauses_come_at_the_drawn_intervals(void **state) {
    reset(state);
    struct seen *c =
        run("costs: { nodes: { n2: { pauses: { every: constant(100ms), length: constant(10ms) } } } }\n",
            "");
    /* n2 pauses at 100ms, 210ms, ..., 100 + 110k < 1000: k = 0..8. */
    assert_int_equal(c->pauses, 9);
    assert_int_equal(c->gcs, 9);
    assert_int_equal(c->pause_at_ns[1], 210 * DSLAB_NS_PER_MS);
    assert_int_equal(c->deliver_ns[2], 1 * DSLAB_NS_PER_MS); /* n1 has no disk model */
}

static void test_a_slow_disk_multiplies_the_disk_latencies(void **state) {
    reset(state);
    sync_on_timer = true;
    struct seen *c = run(disk, "faults: [ { at: 50ms, slow-disk: n1, factor: 3 } ]\n");
    assert_int_equal(c->sync_ns[0], 11 * DSLAB_NS_PER_MS);  /* at start, before the fault */
    assert_int_equal(c->sync_ns[1], 33 * DSLAB_NS_PER_MS);  /* (1ms write + 10ms sync) x 3 */
    assert_int_equal(c->deliver_ns[3], 134 * DSLAB_NS_PER_MS);
    c = run(disk, "faults: [ { at: 50ms, slow-disk: n1, factor: 3 },"
                  " { at: 60ms, slow-disk: n1, factor: 1 } ]\n");
    assert_int_equal(c->sync_ns[1], 11 * DSLAB_NS_PER_MS); /* back to normal */
}

static void test_per_node_settings_override_the_default(void **state) {
    reset(state);
    struct seen *c = run("costs:\n  disk: { sync: constant(10ms) }\n"
                         "  nodes: { n1: { disk: { sync: constant(2ms) } } }\n", "");
    assert_int_equal(c->deliver_ns[2], 3 * DSLAB_NS_PER_MS);
}

static void test_the_section_survives_save_and_load(void **state) {
    reset(state);
    struct dslab_scenario *s = load("costs:\n  disk: { write: constant(1ms), sync: \"uniform(2ms, 4ms)\" }\n"
                              "  timers: { delay: \"exponential(50us)\" }\n"
                              "  nodes: { n2: { pauses: { every: 1s, length: 5ms } } }\n", "");
    struct dslab_scenario *back = h_save_reload(s);
    assert_non_null(back->node_costs);
    for (int i = 0; i < 2; i++) {
        const struct dslab_scenario_node_costs *a = &s->node_costs[i], *b = &back->node_costs[i];
        assert_int_equal(a->disk_on, b->disk_on);
        assert_int_equal(a->timer_on, b->timer_on);
        assert_int_equal(a->pause_on, b->pause_on);
        assert_int_equal(dslab_latency_mean_ns(&a->disk_sync_ns), dslab_latency_mean_ns(&b->disk_sync_ns));
        assert_int_equal(dslab_latency_mean_ns(&a->timer_delay_ns), dslab_latency_mean_ns(&b->timer_delay_ns));
        assert_int_equal(dslab_latency_mean_ns(&a->pause_every_ns), dslab_latency_mean_ns(&b->pause_every_ns));
    }
    assert_false(back->node_costs[0].pause_on);
    assert_true(back->node_costs[1].pause_on);
    dslab_scenario_free(back);
    dslab_scenario_free(s);
}

H_MAIN(cmocka_unit_test(test_without_costs_nothing_waits),
       cmocka_unit_test(test_a_message_sent_after_a_sync_waits_for_it),
       cmocka_unit_test(test_every_write_is_charged_to_the_sync),
       cmocka_unit_test(test_syncs_queue_on_one_disk),
       cmocka_unit_test(test_a_sync_with_nothing_to_write_costs_nothing),
       cmocka_unit_test(test_a_crash_during_the_sync_loses_its_writes_and_held_messages),
       cmocka_unit_test(test_a_crash_after_the_sync_keeps_its_writes),
       cmocka_unit_test(test_a_timer_fires_late_by_the_delay),
       cmocka_unit_test(test_a_timer_stays_late_across_a_drift_change),
       cmocka_unit_test(test_pauses_come_at_the_drawn_intervals),
       cmocka_unit_test(test_a_slow_disk_multiplies_the_disk_latencies),
       cmocka_unit_test(test_per_node_settings_override_the_default),
       cmocka_unit_test(test_the_section_survives_save_and_load))
