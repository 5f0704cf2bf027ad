/* costs_cpu.c: the CPU model of `costs.cpu` (docs/ASSUMPTIONS.md, "Time
 * costs"). A node with the model on has `workers` workers and a FIFO
 * waiting room of at most `queue` entries (unbounded without it). Every
 * message from a node and every client request that reaches it needs a
 * worker for a service time drawn from `message` or `request`: with a
 * worker free it starts at once, else it waits in the queue, else (queue
 * full) it is shed: a message is dropped (`drop`, reason `overload`; its
 * sender learns nothing, as with loss), a request is dropped (its client
 * times out). The handler runs when the service completes, then the worker
 * takes the next waiting entry. Timers cost no CPU and wait for nothing.
 *
 * The event itself is what waits: its slot is re-pushed at the service's
 * end with `served` set, or kept in the node's ring of waiting slots.
 * A crash drops the waiting entries and frees the workers; a served event
 * scheduled before a crash is dropped after it (incarnation). Draws come
 * from the node's own CPU stream (DSLAB_RNG_PURPOSE_COST_CPU). */
#include <stdio.h>
#include <stdlib.h>

#include "dslab/latency.h"
#include "dslab/time.h"
#include "sim_internal.h"

static void emit(struct dslab_sim *sim, const struct event *e, const char *tag, int64_t ns,
                 int64_t until_ns) {
    if (!sim_tracing(sim)) return;
    const struct node_rt *n = &sim->nodes[e->node];
    char text[48];
    snprintf(text, sizeof text, "busy=%d queue=%u", (int)n->cpu_busy, (unsigned)n->cpu_count);
    struct dslab_trace_event ev = {.kind = DSLAB_TRACE_COST, .node = e->node, .a = ns, .b = until_ns,
                             .tag = tag, .text = text,
                             .peer = e->kind == EV_DELIVER ? e->peer : -1,
                             .msg_id = e->kind == EV_DELIVER ? e->id : 0};
    sim_emit(sim, &ev);
}

/* Starts the service of slot on a free worker. */
static void serve(struct dslab_sim *sim, uint32_t slot) {
    struct event *e = evq_event(&sim->q, slot);
    struct node_rt *n = &sim->nodes[e->node];
    const struct dslab_scenario_node_costs *c = n->costs;
    int64_t ns = dslab_latency_sample_ns(e->kind == EV_DELIVER ? &c->cpu_message_ns : &c->cpu_request_ns,
                                   &n->cpu_rng);
    int64_t done_ns = dslab_time_add_sat(sim->now_ns, ns);
    n->cpu_busy++;
    e->served = 1;
    e->incarnation = n->incarnation;
    if (evq_push(&sim->q, done_ns, slot) != 0) {
        sim_fail(sim, "out of memory for events");
        return;
    }
    emit(sim, e, "cpu", ns, done_ns);
}

bool costs_cpu_arrive(struct dslab_sim *sim, uint32_t slot) {
    struct event *e = evq_event(&sim->q, slot);
    struct node_rt *n = &sim->nodes[e->node];
    if (e->served) {
        if (e->incarnation == n->incarnation) return false; /* runs now */
        sim_drop_event(sim, slot, "crashed"); /* served for a node that crashed since */
        return true;
    }
    /* A message cut by a partition in flight is dropped as without the model. */
    if (e->kind == EV_DELIVER && net_blocked(&sim->net, e->peer, e->node)) return false;
    if (n->cpu_busy < n->costs->cpu_workers) {
        serve(sim, slot);
        return true;
    }
    int32_t max = n->costs->cpu_queue_max;
    if (max >= 0 && n->cpu_count >= (uint32_t)max) {
        emit(sim, e, "cpu_shed", 0, -1);
        sim->stats.cpu_shed++;
        sim_drop_event(sim, slot, "overload");
        return true;
    }
    if (n->cpu_count == n->cpu_capacity) {
        uint32_t capacity = n->cpu_capacity ? n->cpu_capacity * 2 : 16;
        uint32_t *q = malloc(capacity * sizeof *q);
        if (!q) {
            sim_fail(sim, "out of memory for the CPU queue of %s", sim->sc->node_names[e->node]);
            return true;
        }
        for (uint32_t i = 0; i < n->cpu_count; i++) q[i] = n->cpu_queue[(n->cpu_head + i) % n->cpu_capacity];
        free(n->cpu_queue);
        n->cpu_queue = q;
        n->cpu_head = 0;
        n->cpu_capacity = capacity;
    }
    n->cpu_queue[(n->cpu_head + n->cpu_count) % n->cpu_capacity] = slot;
    n->cpu_count++;
    if (n->cpu_count > sim->stats.cpu_queue_max) sim->stats.cpu_queue_max = n->cpu_count;
    emit(sim, e, "cpu_queued", 0, -1);
    return true;
}

void costs_cpu_done(struct dslab_sim *sim, int32_t node) {
    struct node_rt *n = &sim->nodes[node];
    if (n->cpu_busy > 0) n->cpu_busy--;
    if (n->cpu_count == 0 || n->status == DSLAB_NODE_CRASHED) return;
    uint32_t slot = n->cpu_queue[n->cpu_head];
    n->cpu_head = (n->cpu_head + 1) % n->cpu_capacity;
    n->cpu_count--;
    serve(sim, slot);
}

void costs_cpu_on_crash(struct dslab_sim *sim, int32_t node) {
    struct node_rt *n = &sim->nodes[node];
    for (uint32_t i = 0; i < n->cpu_count; i++) {
        sim_drop_event(sim, n->cpu_queue[(n->cpu_head + i) % n->cpu_capacity], "crashed");
    }
    n->cpu_count = 0;
    n->cpu_head = 0;
    n->cpu_busy = 0;
}
