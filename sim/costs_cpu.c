/* costs_cpu.c: the CPU model of `costs.cpu` (docs/ASSUMPTIONS.md, "Time
 * costs"). A node with the model on has `workers` workers and a FIFO
 * waiting room of at most `queue` entries (unbounded without it). Every
 * message from a node and every client request that reaches it needs a
 * worker for a service time drawn from `message` or `request`: with a
 * worker free it starts at once, else it waits in the queue, else (queue
 * full) it is shed: a message is dropped (`drop`, reason `overload`; its
 * sender learns nothing, as with loss), a request is dropped (its client
 * times out). A message's service time is that of its kind when the node's
 * `messages:` names it (the kind is the first word of the protocol's label
 * of the message), a request's that of its operation ("read", "write",
 * "cas") when `requests:` names it. The handler runs when the service completes, then the worker
 * takes the next waiting entry. Timers cost no CPU and wait for nothing.
 *
 * The event itself is what waits: its slot is re-pushed at the service's
 * end with `served` set, or kept in the node's ring of waiting slots.
 * A crash drops the waiting entries and frees the workers; a served event
 * scheduled before a crash is dropped after it (incarnation). Draws come
 * from the node's own CPU stream (DSLAB_RNG_PURPOSE_COST_CPU). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/latency.h"
#include "dslab/time.h"
#include "sim_internal.h"

#define SHED_PPM_ONE 1000000u /* a whole, in parts per million */

static void emit(struct dslab_sim *sim, const struct event *e, const char *tag, int64_t ns,
                 int64_t until_ns) {
    if (!sim_tracing(sim)) return;
    const struct node_rt *n = &sim->nodes[e->node];
    char text[48];
    snprintf(text, sizeof text, "busy=%d queue=%u", (int)n->cold->cpu_busy, (unsigned)n->cold->cpu_count);
    struct dslab_trace_event ev = {.kind = DSLAB_TRACE_COST, .node = e->node, .a = ns, .b = until_ns,
                             .tag = tag, .text = text,
                             .peer = e->kind == EV_DELIVER ? e->peer : -1,
                             .msg_id = e->kind == EV_DELIVER ? e->id : 0};
    sim_emit(sim, &ev);
}

/* The kind's distribution in the range [first, first + count) of the
 * scenario's kind tables, or NULL. */
static const struct dslab_latency_dist *find_kind(const struct dslab_scenario *sc, int32_t first, int32_t count,
                                                  const char *kind, size_t kind_len) {
    for (int32_t i = first; i < first + count; i++) {
        const struct dslab_scenario_cpu_kind *k = &sc->cpu_kinds[i];
        if (strncmp(k->name, kind, kind_len) == 0 && k->name[kind_len] == 0) return &k->service_ns;
    }
    return NULL;
}

/* The service-time distribution of the event in slot: its kind's when the
 * node's `messages` / `requests` name it, else `message` / `request`. A
 * message's kind is the first word of the protocol's label of it. */
static const struct dslab_latency_dist *service_of(struct dslab_sim *sim, const struct event *e) {
    const struct dslab_scenario_node_costs *c = sim->nodes[e->node].costs;
    if (e->kind == EV_DELIVER) {
        if (c->cpu_message_kinds_count == 0 || !sim->proto->message_label) return &c->cpu_message_ns;
        char label[128];
        label[0] = 0;
        sim->proto->message_label(sim_event_payload(sim, e), e->payload_len, label, sizeof label);
        label[sizeof label - 1] = 0;
        size_t len = strcspn(label, " ");
        const struct dslab_latency_dist *d =
            find_kind(sim->sc, c->cpu_message_kinds_first, c->cpu_message_kinds_count, label, len);
        return d ? d : &c->cpu_message_ns;
    }
    if (c->cpu_request_kinds_count == 0) return &c->cpu_request_ns;
    const char *fn = dslab_op_fn_name(sim->history.ops[e->aux2].fn);
    const struct dslab_latency_dist *d =
        find_kind(sim->sc, c->cpu_request_kinds_first, c->cpu_request_kinds_count, fn, strlen(fn));
    return d ? d : &c->cpu_request_ns;
}

/* Starts the service of slot on a free worker. */
static void serve(struct dslab_sim *sim, uint32_t slot) {
    struct event *e = evq_event(&sim->q, slot);
    struct node_rt *n = &sim->nodes[e->node];
    int64_t ns = dslab_latency_sample_ns(service_of(sim, e), &n->cold->cpu_rng);
    int64_t done_ns = dslab_time_add_sat(sim->now_ns, ns);
    n->cold->cpu_busy++;
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
    if (sim->shed && sim->shed[e->node].ppm > 0) {
        struct shed_rt *sh = &sim->shed[e->node];
        sh->credit_ppm += sh->ppm;
        if (sh->credit_ppm >= SHED_PPM_ONE) {
            sh->credit_ppm -= SHED_PPM_ONE;
            emit(sim, e, "cpu_shed", 0, -1);
            sim->stats.cpu_shed_operator++;
            sim_drop_event(sim, slot, "overload");
            return true;
        }
    }
    if (n->cold->cpu_busy < n->costs->cpu_workers) {
        serve(sim, slot);
        return true;
    }
    int32_t max = n->costs->cpu_queue_max;
    if (max >= 0 && n->cold->cpu_count >= (uint32_t)max) {
        emit(sim, e, "cpu_shed", 0, -1);
        sim->stats.cpu_shed++;
        sim_drop_event(sim, slot, "overload");
        return true;
    }
    if (n->cold->cpu_count == n->cold->cpu_capacity) {
        uint32_t capacity = n->cold->cpu_capacity ? n->cold->cpu_capacity * 2 : 16;
        uint32_t *q = malloc(capacity * sizeof *q);
        if (!q) {
            sim_fail(sim, "out of memory for the CPU queue of %s", sim->sc->node_names[e->node]);
            return true;
        }
        for (uint32_t i = 0; i < n->cold->cpu_count; i++) q[i] = n->cold->cpu_queue[(n->cold->cpu_head + i) % n->cold->cpu_capacity];
        free(n->cold->cpu_queue);
        n->cold->cpu_queue = q;
        n->cold->cpu_head = 0;
        n->cold->cpu_capacity = capacity;
    }
    n->cold->cpu_queue[(n->cold->cpu_head + n->cold->cpu_count) % n->cold->cpu_capacity] = slot;
    n->cold->cpu_count++;
    if (n->cold->cpu_count > sim->stats.cpu_queue_max) sim->stats.cpu_queue_max = n->cold->cpu_count;
    emit(sim, e, "cpu_queued", 0, -1);
    return true;
}

void costs_cpu_done(struct dslab_sim *sim, int32_t node) {
    struct node_rt *n = &sim->nodes[node];
    if (n->cold->cpu_busy > 0) n->cold->cpu_busy--;
    if (n->cold->cpu_count == 0 || n->status == DSLAB_NODE_CRASHED) return;
    uint32_t slot = n->cold->cpu_queue[n->cold->cpu_head];
    n->cold->cpu_head = (n->cold->cpu_head + 1) % n->cold->cpu_capacity;
    n->cold->cpu_count--;
    serve(sim, slot);
}

uint32_t sim_shed_ppm(const struct dslab_sim *sim, int32_t node) {
    return sim->shed ? sim->shed[node].ppm : 0;
}

int sim_set_shed_ppm(struct dslab_sim *sim, int32_t node, uint32_t ppm) {
    if (!sim->shed) {
        sim->shed = calloc((size_t)sim->nodes_count, sizeof *sim->shed);
        if (!sim->shed) return -1;
    }
    sim->shed[node].ppm = ppm;
    sim->shed[node].credit_ppm = 0;
    return 0;
}

void costs_cpu_on_crash(struct dslab_sim *sim, int32_t node) {
    struct node_rt *n = &sim->nodes[node];
    for (uint32_t i = 0; i < n->cold->cpu_count; i++) {
        sim_drop_event(sim, n->cold->cpu_queue[(n->cold->cpu_head + i) % n->cold->cpu_capacity], "crashed");
    }
    n->cold->cpu_count = 0;
    n->cold->cpu_head = 0;
    n->cold->cpu_busy = 0;
}
