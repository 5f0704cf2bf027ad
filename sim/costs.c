/* costs.c: the time-cost models of a scenario's `costs:` section, applied
 * where the simulator charges them (docs/ASSUMPTIONS.md, "Time costs").
 *
 * Disk: each put adds a write-latency draw to the node's uncharged write
 * time; a sync that has writes to make durable occupies the disk (one
 * FIFO device per node) for that write time plus a sync-latency draw,
 * starting when the disk is free. Until the sync completes, every message
 * and client reply the node sends waits (hold_until_ns), and the writes it
 * covers are not durable (store_sync_begin / store_crash). A sync with
 * nothing to write only waits for the syncs before it.
 * Timers: each timer fires late by a draw of the node's delay distribution.
 * Pauses: the node stops the world for a drawn length at drawn intervals,
 * the same pause as the `pause` fault.
 * Links: costs_link.c (serialisation and a FIFO transmitter per link).
 * CPU: costs_cpu.c (workers, a bounded queue, shedding).
 * Every draw comes from a per-node stream of the run's seed and the node's
 * name, one stream per model, so switching one model on does not move the
 * draws of another, and with every model off nothing here draws or
 * schedules: traces are byte-identical to a run without the section. */
#include <stdint.h>
#include <string.h>

#include "dslab/latency.h"
#include "dslab/scenario.h"
#include "dslab/time.h"
#include "sim_internal.h"

static void emit_cost(struct dslab_sim *sim, int32_t node, const char *what, int64_t ns,
                      int64_t until_ns) {
    if (!sim_tracing(sim)) return;
    struct dslab_trace_event ev = {.kind = DSLAB_TRACE_COST, .node = node, .peer = -1, .a = ns,
                             .b = until_ns, .tag = what};
    sim_emit(sim, &ev);
}

static void schedule_pause(struct dslab_sim *sim, int32_t node) {
    struct node_rt *n = &sim->nodes[node];
    int64_t gap_ns = dslab_latency_sample_ns(&n->costs->pause_every_ns, &n->cold->pause_rng);
    if (gap_ns < 1000) gap_ns = 1000; /* at least 1 us apart: no event storm at gap 0 */
    struct event *e;
    if (sim_schedule(sim, dslab_time_add_sat(sim->now_ns, gap_ns), &e) == UINT32_MAX) return;
    e->kind = EV_COST_PAUSE;
    e->node = node;
}

int costs_init(struct dslab_sim *sim) {
    const struct dslab_scenario *s = sim->sc;
    if (!s->node_costs) return 0;
    for (int32_t i = 0; i < sim->nodes_count; i++) {
        struct node_rt *n = &sim->nodes[i];
        const struct dslab_scenario_node_costs *c = &s->node_costs[i];
        if (!c->disk_on && !c->timer_on && !c->pause_on && !c->link_on && !c->cpu_on) continue;
        n->costs = c;
        dslab_rng_init(&n->cold->disk_rng, sim->seed, DSLAB_RNG_PURPOSE_COST_DISK, s->node_names[i]);
        dslab_rng_init(&n->cold->timer_rng, sim->seed, DSLAB_RNG_PURPOSE_COST_TIMER, s->node_names[i]);
        dslab_rng_init(&n->cold->pause_rng, sim->seed, DSLAB_RNG_PURPOSE_COST_PAUSE, s->node_names[i]);
        dslab_rng_init(&n->cold->cpu_rng, sim->seed, DSLAB_RNG_PURPOSE_COST_CPU, s->node_names[i]);
        if (c->pause_on) schedule_pause(sim, i);
        if (sim->failed) return -1;
    }
    return 0;
}

/* A disk draw under the node's slow-disk factor (saturating). */
static int64_t slowed(const struct node_rt *n, int64_t ns) {
    if (n->cold->disk_slow_factor <= 1) return ns;
    return ns > INT64_MAX / n->cold->disk_slow_factor ? INT64_MAX : ns * n->cold->disk_slow_factor;
}

void costs_on_put(struct dslab_sim *sim, int32_t node) {
    struct node_rt *n = &sim->nodes[node];
    if (!n->costs || !n->costs->disk_on) return;
    n->cold->disk_write_ns =
        dslab_time_add_sat(n->cold->disk_write_ns, slowed(n, dslab_latency_sample_ns(&n->costs->disk_write_ns, &n->cold->disk_rng)));
}

void costs_sync(struct dslab_sim *sim, int32_t node) {
    struct node_rt *n = &sim->nodes[node];
    int64_t start_ns = n->cold->disk_free_ns > sim->now_ns ? n->cold->disk_free_ns : sim->now_ns;
    int64_t done_ns = start_ns;
    if (n->cold->store.dirty_count > 0 || n->cold->disk_write_ns > 0) {
        int64_t sync_ns = slowed(n, dslab_latency_sample_ns(&n->costs->disk_sync_ns, &n->cold->disk_rng));
        done_ns = dslab_time_add_sat(start_ns, dslab_time_add_sat(n->cold->disk_write_ns, sync_ns));
        n->cold->disk_write_ns = 0;
    }
    store_settle(&n->cold->store, sim->now_ns);
    if (store_sync_begin(&n->cold->store, done_ns) != 0) {
        sim_fail(sim, "out of memory syncing the durable store of %s", sim->sc->node_names[node]);
        return;
    }
    n->cold->disk_free_ns = done_ns;
    if (done_ns > n->cold->hold_until_ns) n->cold->hold_until_ns = done_ns;
    if (done_ns > sim->now_ns) emit_cost(sim, node, "sync", done_ns - sim->now_ns, done_ns);
}

int64_t costs_timer_delay_ns(struct dslab_sim *sim, int32_t node) {
    struct node_rt *n = &sim->nodes[node];
    if (!n->costs || !n->costs->timer_on) return 0;
    return dslab_latency_sample_ns(&n->costs->timer_delay_ns, &n->cold->timer_rng);
}

/* Messages and replies of `node` still held for a sync at the crash never
 * leave: cancelled in the heap (O(events in flight); crashes are rare). */
static void drop_held(struct dslab_sim *sim, int32_t node) {
    for (uint32_t i = 0; i < sim->q.count; i++) {
        uint32_t slot = evq_entry_slot(&sim->q.heap[i]);
        struct event *e = evq_event(&sim->q, slot);
        if ((e->kind != EV_DELIVER && e->kind != EV_REPLY) || e->peer != node ||
            e->aux2 <= sim->now_ns) {
            continue;
        }
        if (e->kind == EV_DELIVER) {
            sim->stats.messages_dropped++;
            if (sim_tracing(sim)) {
                struct dslab_trace_event ev = {.kind = DSLAB_TRACE_DROP, .node = node, .peer = e->node,
                                         .msg_id = e->id, .tag = "crashed"};
                sim_emit(sim, &ev);
            }
            payload_free(&sim->payloads, e->payload_slot);
        }
        e->kind = EV_CANCELLED;
    }
}

void costs_on_crash(struct dslab_sim *sim, int32_t node) {
    struct node_rt *n = &sim->nodes[node];
    if (!n->costs || !n->costs->disk_on) return;
    store_crash(&n->cold->store, sim->now_ns);
    if (n->cold->hold_until_ns > sim->now_ns) drop_held(sim, node);
    n->cold->disk_free_ns = sim->now_ns;
    n->cold->hold_until_ns = sim->now_ns;
    n->cold->disk_write_ns = 0;
}

void costs_pause_due(struct dslab_sim *sim, int32_t node) {
    struct node_rt *n = &sim->nodes[node];
    int64_t length_ns = dslab_latency_sample_ns(&n->costs->pause_length_ns, &n->cold->pause_rng);
    bool effect = n->status == DSLAB_NODE_UP && length_ns > 0;
    if (effect) {
        emit_cost(sim, node, "gc", length_ns, dslab_time_add_sat(sim->now_ns, length_ns));
        if (sim_tracing(sim)) {
            struct dslab_trace_event ev = {.kind = DSLAB_TRACE_PAUSE, .node = node, .peer = -1,
                                     .a = length_ns};
            sim_emit(sim, &ev);
        }
        sim_node_pause(sim, node, length_ns);
        assume_on_pause(sim, node);
    }
    /* The next interval counts from the end of this pause. */
    struct event *e;
    int64_t gap_ns = dslab_latency_sample_ns(&n->costs->pause_every_ns, &n->cold->pause_rng);
    if (gap_ns < 1000) gap_ns = 1000;
    int64_t at_ns = dslab_time_add_sat(sim->now_ns, dslab_time_add_sat(effect ? length_ns : 0, gap_ns));
    if (sim_schedule(sim, at_ns, &e) == UINT32_MAX) return;
    e->kind = EV_COST_PAUSE;
    e->node = node;
}
