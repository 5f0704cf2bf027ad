/* sim.c: the event loop and the lifecycle of a simulation (see sim.h).
 *
 * One loop: pop the earliest event (time, seq), set now, dispatch by kind.
 * Everything that happens is an event: deliveries, timers, faults, client
 * actions, narration, assumption deadlines. Nodes that are paused hold
 * their due events in order and get them at resume; crashed nodes lose
 * them. See docs/ARCHITECTURE.md for how a run flows through the modules. */
#include "sim_internal.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/node_code.h"
#include "dslab/time.h"

void sim_fail(struct dslab_sim *sim, const char *fmt, ...) {
    if (sim->failed) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sim->error, sizeof sim->error, fmt, ap);
    va_end(ap);
    sim->failed = true;
}

void sim_emit(struct dslab_sim *sim, struct dslab_trace_event *ev) {
    ev->id = sim->next_trace_id++;
    ev->t_ns = sim->now_ns;
    for (int i = 0; i < sim->sinks_count; i++) {
        sim->sinks[i].fn(sim->sinks[i].user, ev);
    }
}

uint32_t sim_unusual_now(const struct dslab_sim *sim) {
    uint32_t u = 0;
    if (sim_tracing(sim)) u |= SIM_UNUSUAL_TRACE;
    if (net_cuts_any(&sim->net)) u |= SIM_UNUSUAL_CUTS;
    if (!net_links_plain(&sim->net)) u |= SIM_UNUSUAL_LINKS;
    /* A latency over every int64 value (never loaded) has no count of values. */
    if ((uint64_t)sim->net.base.latency.simple.b_ns - (uint64_t)sim->net.base.latency.simple.a_ns == UINT64_MAX) {
        u |= SIM_UNUSUAL_LINKS;
    }
    if (sim->deployed) u |= SIM_UNUSUAL_DEPLOYED;
    if (sim->sc->node_costs) u |= SIM_UNUSUAL_COSTS; /* costs_init sets n->costs only then */
    if (sim->sc->assumptions.message_delay_declared) u |= SIM_UNUSUAL_DELAY;
    return u;
}

void sim_refresh_unusual(struct dslab_sim *sim) {
    sim->unusual = sim_unusual_now(sim);
    if ((sim->unusual & ~(uint32_t)SIM_UNUSUAL_TRACE) == 0) { /* dslab_ctx_send's plain path, traced or not */
        const struct dslab_latency_simple *u = &sim->net.base.latency.simple;
        sim->plain_latency_min_ns = u->a_ns;
        sim->plain_latency_values = (uint64_t)u->b_ns - (uint64_t)u->a_ns + 1;
    }
}

uint32_t sim_schedule_failed(struct dslab_sim *sim, bool limit) {
    if (limit) {
        sim_fail(sim, "more than %d messages and timers in flight at t=%lld ns "
                 "(limit DSLAB_IN_FLIGHT_MAX)", DSLAB_IN_FLIGHT_MAX, (long long)sim->now_ns);
    } else {
        sim_fail(sim, "out of memory for events");
    }
    return UINT32_MAX;
}

static int checks_create(struct dslab_sim *sim, struct dslab_diag *diag) {
    const struct dslab_scenario *s = sim->sc;
    if (s->checks_count == 0) return 0;
    sim->checks = calloc((size_t)s->checks_count, sizeof *sim->checks);
    if (!sim->checks) return dslab_diag_set(diag, s->path, 0, 0, "out of memory");
    for (int i = 0; i < s->checks_count; i++) {
        const struct dslab_scenario_check *c = &s->checks[i];
        const struct dslab_checker *ck = dslab_checker_find(c->name);
        if (!ck) {
            return dslab_diag_set(diag, s->path, c->pos.line, c->pos.col, "unknown check '%s'", c->name);
        }
        if (ck->create(s, c, &sim->checks[i].state, diag) != 0) return -1;
        sim->checks[i].checker = ck;
        snprintf(sim->checks[i].result.name, sizeof sim->checks[i].result.name, "%s", c->name);
        sim->checks_count = i + 1;
    }
    return 0;
}

static int nodes_create(struct dslab_sim *sim, struct dslab_diag *diag) {
    const struct dslab_scenario *s = sim->sc;
    /* Hot records on cache lines (sim_internal.h): 128 bytes each, dense;
     * the cold rest of each record in its own array. */
    size_t bytes = (size_t)s->nodes_count * sizeof *sim->nodes;
    sim->nodes = aligned_alloc(_Alignof(struct node_rt), bytes);
    sim->node_cold = calloc((size_t)s->nodes_count, sizeof *sim->node_cold);
    if (!sim->nodes || !sim->node_cold) {
        return dslab_diag_set(diag, s->path, 0, 0, "out of memory for %d nodes", s->nodes_count);
    }
    memset(sim->nodes, 0, bytes);
    for (int32_t i = 0; i < s->nodes_count; i++) sim->nodes[i].cold = &sim->node_cold[i];
    sim->nodes_count = s->nodes_count;
    size_t state_size = sim->proto->state_size ? sim->proto->state_size : 1;
    for (int32_t i = 0; i < s->nodes_count; i++) {
        struct node_rt *n = &sim->nodes[i];
        n->ctx.sim = sim;
        n->ctx.node = i;
        n->state = state_size <= NODE_STATE_INLINE_BYTES ? n->state_inline : calloc(1, state_size);
        if (!n->state) return dslab_diag_set(diag, s->path, 0, 0, "out of memory for node state");
        dslab_rng_init(&n->rng, sim->seed, DSLAB_RNG_PURPOSE_NODE, s->node_names[i]);
        dslab_rng_init(&n->net_rng, sim->seed, DSLAB_RNG_PURPOSE_NETWORK, s->node_names[i]);
        clock_init(&n->cold->clock, s->clocks[i].offset_ns, s->clocks[i].drift_ppm);
        n->status = DSLAB_NODE_UP;
        store_init(&n->cold->store);
    }
    return 0;
}

struct dslab_sim *dslab_sim_create(const struct dslab_scenario *s, uint64_t seed, struct dslab_diag *diag) {
    /* Node code from a file is loaded by the host module (sim/nodes/). */
    if (s->protocol.origin == DSLAB_PROTOCOL_SOURCE || s->protocol.origin == DSLAB_PROTOCOL_PLUGIN) {
        const struct dslab_protocol *code = dslab_node_code_protocol(s, diag);
        return code ? dslab_sim_create_with_protocol(s, code, seed, diag) : NULL;
    }
    const struct dslab_protocol *proto = dslab_protocol_of_scenario(s);
    if (!proto) {
        dslab_diag_set(diag, s->path, s->protocol.pos.line, s->protocol.pos.col, "unknown protocol '%s'",
                 s->protocol.name);
        return NULL;
    }
    return dslab_sim_create_with_protocol(s, proto, seed, diag);
}

struct dslab_sim *dslab_sim_create_with_protocol(const struct dslab_scenario *s, const struct dslab_protocol *proto,
                                     uint64_t seed, struct dslab_diag *diag) {
    struct dslab_sim *sim = calloc(1, sizeof *sim);
    if (!sim) {
        dslab_diag_set(diag, s->path, 0, 0, "out of memory");
        return NULL;
    }
    sim->sc = s;
    sim->seed = seed;
    sim->events_max = s->events_max > 0 ? s->events_max : DSLAB_EVENTS_DEFAULT_MAX;
    dslab_history_init(&sim->history);
    sim->proto = proto;
    if (evq_init(&sim->q) != 0 || payload_pool_init(&sim->payloads) != 0 ||
        net_init(&sim->net, s->nodes_count, &s->network) != 0) {
        dslab_diag_set(diag, s->path, 0, 0, "out of memory");
        dslab_sim_destroy(sim);
        return NULL;
    }
    for (int i = 0; i < s->link_overrides_count; i++) {
        const struct dslab_scenario_link_override *o = &s->link_overrides[i];
        if (net_override(&sim->net, o->from_node, o->to_node, o->fields, &o->link) != 0 ||
            (o->both_ways && net_override(&sim->net, o->to_node, o->from_node, o->fields, &o->link) != 0)) {
            dslab_diag_set(diag, s->path, 0, 0, "out of memory");
            dslab_sim_destroy(sim);
            return NULL;
        }
    }
    dslab_rng_init(&sim->faults_rng, seed, DSLAB_RNG_PURPOSE_FAULTS, NULL);
    if ((sim->proto->configure && sim->proto->configure(s, &sim->proto_config, diag) != 0) ||
        nodes_create(sim, diag) != 0 || checks_create(sim, diag) != 0) {
        dslab_sim_destroy(sim);
        return NULL;
    }
    if (workload_init(sim) != 0) {
        dslab_diag_set(diag, s->path, 0, 0, "%s", sim->error);
        dslab_sim_destroy(sim);
        return NULL;
    }
    assume_init(sim);
    if (costs_init(sim) != 0) {
        dslab_diag_set(diag, s->path, 0, 0, "%s", sim->error);
        dslab_sim_destroy(sim);
        return NULL;
    }
    sim_refresh_unusual(sim);
    return sim;
}

/* Nodes start at the first dslab_sim_run, after sinks are attached, so the
 * trace sees init()'s sends and annotations. */
static void sim_start(struct dslab_sim *sim) {
    struct dslab_trace_event ev = {.kind = DSLAB_TRACE_RUN_START, .node = -1, .peer = -1,
                             .a = (int64_t)sim->seed, .b = sim->nodes_count,
                             .text = sim->sc->name};
    sim_emit(sim, &ev);
    for (int32_t i = 0; i < sim->nodes_count; i++) {
        sim->proto->init(&sim->nodes[i].ctx, sim->nodes[i].state);
    }
    assume_on_clock_change(sim);
    assume_on_topology_change(sim);
}

void dslab_sim_destroy(struct dslab_sim *sim) {
    if (!sim) return;
    for (int i = 0; i < sim->checks_count; i++) {
        if (sim->checks[i].checker) sim->checks[i].checker->destroy(sim->checks[i].state);
    }
    free(sim->checks);
    for (int32_t i = 0; i < sim->nodes_count; i++) {
        if (sim->nodes[i].state != sim->nodes[i].state_inline) free(sim->nodes[i].state);
        free(sim->nodes[i].cold->deferred);
        free(sim->nodes[i].cold->cpu_queue);
        store_deinit(&sim->nodes[i].cold->store);
    }
    free(sim->nodes);
    free(sim->node_cold);
    if (sim->proto && sim->proto->destroy_config && sim->proto_config) {
        sim->proto->destroy_config(sim->proto_config);
    }
    payload_pool_deinit(&sim->payloads);
    free(sim->clients);
    free(sim->probes);
    free(sim->injected);
    free(sim->shed);
    dslab_history_deinit(&sim->history);
    net_deinit(&sim->net);
    costs_link_free(sim);
    evq_deinit(&sim->q);
    free(sim);
}

int dslab_sim_add_sink_flags(struct dslab_sim *sim, dslab_trace_sink_fn fn, void *user, unsigned flags) {
    if (sim->sinks_count == SIM_SINKS_MAX) return -1;
    sim->sinks[sim->sinks_count].fn = fn;
    sim->sinks[sim->sinks_count].user = user;
    sim->sinks_count++;
    if (!(flags & DSLAB_SIM_SINK_NO_LABELS)) sim->label_sinks_count++;
    sim_refresh_unusual(sim);
    return 0;
}

int dslab_sim_add_sink(struct dslab_sim *sim, dslab_trace_sink_fn fn, void *user) {
    return dslab_sim_add_sink_flags(sim, fn, user, 0);
}

static void checks_sink(void *user, const struct dslab_trace_event *ev) {
    struct dslab_sim *sim = user;
    for (int i = 0; i < sim->checks_count; i++) {
        if (sim->checks[i].checker->on_event) {
            sim->checks[i].checker->on_event(sim->checks[i].state, ev);
        }
    }
}

static void defer_event(struct dslab_sim *sim, struct node_rt *n, uint32_t slot) {
    if (n->cold->deferred_count == n->cold->deferred_capacity) {
        uint32_t capacity = n->cold->deferred_capacity ? n->cold->deferred_capacity * 2 : 16;
        uint32_t *d = realloc(n->cold->deferred, capacity * sizeof *d);
        if (!d) {
            sim_fail(sim, "out of memory holding events of a paused node");
            return;
        }
        n->cold->deferred = d;
        n->cold->deferred_capacity = capacity;
    }
    n->cold->deferred[n->cold->deferred_count++] = slot;
}

void sim_drop_event(struct dslab_sim *sim, uint32_t slot, const char *reason) {
    struct event *e = evq_event(&sim->q, slot);
    if (e->kind == EV_DELIVER) {
        sim->stats.messages_dropped++;
        if (sim_tracing(sim)) {
            struct dslab_trace_event ev = {.kind = DSLAB_TRACE_DROP, .node = e->peer, .peer = e->node,
                                     .msg_id = e->id, .tag = reason};
            sim_emit(sim, &ev);
        }
        payload_free(&sim->payloads, e->payload_slot);
    }
    evq_release(&sim->q, slot);
}

/* Dispatches one popped event. Returns nothing: failures set sim->failed. */
static inline __attribute__((always_inline)) void dispatch(struct dslab_sim *sim, uint32_t slot) {
    struct event *e = evq_event(&sim->q, slot);
    bool node_event = e->kind == EV_DELIVER || e->kind == EV_TIMER || e->kind == EV_REQUEST;
    if (node_event) {
        struct node_rt *n = &sim->nodes[e->node];
        if (n->status == DSLAB_NODE_CRASHED || (e->kind == EV_TIMER && e->incarnation != n->incarnation)) {
            sim_drop_event(sim, slot, "crashed");
            return;
        }
        if (n->status == DSLAB_NODE_PAUSED) {
            defer_event(sim, n, slot);
            return;
        }
        if (__builtin_expect(n->costs != NULL, 0) && n->costs->cpu_on && e->kind != EV_TIMER) {
            if (costs_cpu_arrive(sim, slot)) return; /* waits, is served later, or shed */
            if (e->served) { /* its service is over: run it, then free the worker */
                int32_t node = e->node;
                struct event served_copy = *e;
                if (served_copy.kind == EV_DELIVER) {
                    node_deliver(sim, &served_copy);
                    payload_free(&sim->payloads, served_copy.payload_slot);
                } else {
                    workload_request_at_node(sim, &served_copy);
                }
                evq_release(&sim->q, slot);
                costs_cpu_done(sim, node);
                return;
            }
        }
    }
    struct event copy = *e;
    switch ((enum ev_kind)copy.kind) {
    case EV_DELIVER:
        node_deliver(sim, &copy);
        payload_free(&sim->payloads, copy.payload_slot);
        break;
    case EV_TIMER: {
        sim->stats.timers_fired++;
        uint64_t timer_id = ((uint64_t)copy.gen << 32) | slot;
        evq_release(&sim->q, slot); /* before the handler: it may set timers */
        if (sim_tracing(sim)) {
            if (copy.aux2 > 0) {
                struct dslab_trace_event late = {.kind = DSLAB_TRACE_COST, .node = copy.node, .peer = -1,
                                           .a = copy.aux2, .b = -1, .tag = "timer_late"};
                sim_emit(sim, &late);
            }
            struct dslab_trace_event ev = {.kind = DSLAB_TRACE_TIMER, .node = copy.node, .peer = -1,
                                     .a = (int64_t)timer_id, .b = (int64_t)copy.tag};
            sim_emit(sim, &ev);
        }
        struct node_rt *n = &sim->nodes[copy.node];
        sim->proto->on_timer(&n->ctx, n->state, timer_id, copy.tag);
        return;
    }
    case EV_INJECTED:
        faults_apply(sim, &sim->injected[copy.aux]);
        break;
    case EV_RESUME: {
        struct node_rt *n = &sim->nodes[copy.node];
        if (n->status == DSLAB_NODE_PAUSED && (uint32_t)copy.aux == n->cold->pause_gen) {
            n->status = DSLAB_NODE_UP;
            struct dslab_trace_event ev = {.kind = DSLAB_TRACE_RESUME, .node = copy.node, .peer = -1};
            sim_emit(sim, &ev);
            /* Held events run now, in the order they fell due. */
            for (uint32_t i = 0; i < n->cold->deferred_count && !sim->failed; i++) {
                if (evq_push(&sim->q, sim->now_ns, n->cold->deferred[i]) != 0) {
                    sim_fail(sim, "out of memory for events");
                }
            }
            n->cold->deferred_count = 0;
        }
        break;
    }
    case EV_CLIENT_NEXT:
        workload_next(sim, copy.node);
        break;
    case EV_CLIENT_TIMEOUT:
        workload_timeout(sim, copy.node, copy.id);
        break;
    case EV_REQUEST:
        workload_request_at_node(sim, &copy);
        break;
    case EV_REPLY:
        workload_reply(sim, &copy);
        break;
    case EV_ASSUMPTION:
        assume_fire(sim, &copy);
        break;
    case EV_COST_PAUSE:
        costs_pause_due(sim, copy.node);
        break;
    case EV_FREE:
    case EV_CANCELLED:
        break;
    }
    evq_release(&sim->q, slot);
}

/* Delivers message event `slot` to its node, which is up, in a run with
 * no cut link, deploy or cost model: dispatch's EV_DELIVER case and
 * node_deliver's common case, and node_deliver_checked's trace record
 * when a sink is attached (before the handler, as there). Only the inline
 * payload is copied (a handler that sends may move the pool when it
 * grows): the slot stays taken until the handler returns, so its other
 * fields are read again through its index after it. */
static inline __attribute__((always_inline)) void deliver_plain(struct dslab_sim *sim, uint32_t slot, bool traced) {
    const struct event *e = evq_event(&sim->q, slot);
    sim->stats.messages_delivered++;
    if (traced) { /* after the count, before the handler, as node_deliver_checked */
        struct dslab_trace_event ev = {.kind = DSLAB_TRACE_DELIVER, .node = e->node, .peer = e->peer,
                                       .msg_id = e->id};
        sim_emit(sim, &ev);
        e = evq_event(&sim->q, slot); /* sinks only read; taken again all the same */
    }
    struct node_rt *n = &sim->nodes[e->node];
    _Alignas(16) unsigned char payload_copy[EVENT_INLINE_BYTES]; /* aligned as in the event */
    const void *payload;
    if (e->payload_slot == PAYLOAD_HANDLE_INLINE) {
        memcpy(payload_copy, e->payload_inline, sizeof payload_copy);
        payload = payload_copy;
    } else {
        payload = payload_ptr(&sim->payloads, e->payload_slot);
    }
    sim->proto->on_message(&n->ctx, n->state, e->peer, payload, e->payload_len);
    payload_free(&sim->payloads, evq_event(&sim->q, slot)->payload_slot);
    evq_release(&sim->q, slot);
}

/* deliver_plain with its trace record, out of line: the untraced run
 * loop stays as it was. */
static __attribute__((noinline)) void deliver_plain_traced(struct dslab_sim *sim, uint32_t slot) {
    deliver_plain(sim, slot, true);
}

/* The scenario's own schedule (faults, then narration) is not in the heap:
 * it is read through cursors, and an entry at time t runs before every heap
 * event at t. So adding a fault at 5s changes nothing before 5s: no event
 * slot or sequence number is taken earlier on its account. */
static int64_t script_next_ns(const struct dslab_sim *sim) {
    int64_t t = DSLAB_TIME_NS_NEVER;
    if (sim->next_fault < sim->sc->faults_count) t = sim->sc->faults[sim->next_fault].at_ns;
    if (sim->next_narration < sim->sc->narration_count &&
        sim->sc->narration[sim->next_narration].at_ns < t) {
        t = sim->sc->narration[sim->next_narration].at_ns;
    }
    return t;
}

static void script_run_one(struct dslab_sim *sim) {
    const struct dslab_scenario *sc = sim->sc;
    if (sim->next_fault < sc->faults_count && sc->faults[sim->next_fault].at_ns == sim->now_ns) {
        faults_apply(sim, &sc->faults[sim->next_fault++]);
        return;
    }
    const struct dslab_scenario_narration *nr = &sc->narration[sim->next_narration++];
    assert(nr->at_ns == sim->now_ns);
    struct dslab_trace_event ev = {.kind = DSLAB_TRACE_NARRATION, .node = -1, .peer = -1,
                             .a = nr->pause ? 1 : 0, .text = nr->text};
    sim_emit(sim, &ev);
}

enum dslab_sim_status dslab_sim_run(struct dslab_sim *sim, int64_t until_ns, int64_t events_max) {
    assert(!sim->finished);
    if (sim->next_trace_id == 0) {
        if (sim->checks_count > 0) dslab_sim_add_sink_flags(sim, checks_sink, sim, DSLAB_SIM_SINK_NO_LABELS);
        sim_start(sim);
    }
    int64_t budget = events_max > 0 ? events_max : sim->events_max;
    uint64_t stop_at = sim->stats.events + (uint64_t)budget;
    /* Only script_run_one moves the script's cursors (the scenario is
     * constant): its next time is read again after each entry it runs. */
    int64_t script_ns = script_next_ns(sim);
    /* Nothing runs at DSLAB_TIME_NS_NEVER: one test for both bounds. */
    int64_t last_ns = until_ns < DSLAB_TIME_NS_NEVER ? until_ns : DSLAB_TIME_NS_NEVER - 1;
    /* A heap event runs when it is due before the script's next entry (an
     * entry at t runs before every heap event at t) and not after last_ns:
     * one test per event, the bound recomputed when the script moves.
     * Times are never negative, so script_ns - 1 does not wrap. */
    int64_t heap_last_ns = script_ns <= last_ns ? script_ns - 1 : last_ns;
    while (!sim->failed) {
        if (sim->q.count > 0) {
            int64_t heap_ns = evq_min_ns(&sim->q);
            if (heap_ns <= heap_last_ns) {
                if (sim->stats.events >= stop_at) return DSLAB_SIM_EVENT_BUDGET;
                /* Time never goes back; now_ns is never before the last
                 * pop's time, so this also checks evq_pop_min's order. */
                assert(heap_ns >= sim->now_ns);
                sim->now_ns = heap_ns;
                sim->stats.events++;
                if (DSLAB_ASSERT_EXPENSIVE) DSLAB_ASSERT(sim->unusual == sim_unusual_now(sim));
                uint32_t slot = evq_pop_min(&sim->q);
                struct event *e = evq_event(&sim->q, slot);
                /* A message, in a run with nothing unusual for deliveries (no
                 * trace, cut, deploy or cost model), to a node that is up:
                 * what dispatch and node_deliver would do, without the
                 * event's copy; and the same with a trace sink the one
                 * unusual thing, writing the record node_deliver_checked
                 * would. */
                if (e->kind == EV_DELIVER && (sim->unusual & (SIM_UNUSUAL_DELIVER | SIM_UNUSUAL_COSTS)) == 0 &&
                    sim->nodes[e->node].status == DSLAB_NODE_UP) {
                    deliver_plain(sim, slot, false);
                    continue;
                }
                if (e->kind == EV_DELIVER &&
                    (sim->unusual & (SIM_UNUSUAL_DELIVER | SIM_UNUSUAL_COSTS)) == SIM_UNUSUAL_TRACE &&
                    sim->nodes[e->node].status == DSLAB_NODE_UP) {
                    deliver_plain_traced(sim, slot);
                    continue;
                }
                if (e->kind == EV_CANCELLED) {
                    evq_release(&sim->q, slot);
                    continue;
                }
                dispatch(sim, slot);
                continue;
            }
        }
        /* The script's entry is next (the heap is empty or due later). */
        if (script_ns > last_ns) break;
        if (sim->stats.events >= stop_at) return DSLAB_SIM_EVENT_BUDGET;
        assert(script_ns >= sim->now_ns);
        sim->now_ns = script_ns;
        sim->stats.events++;
        script_run_one(sim);
        script_ns = script_next_ns(sim);
        heap_last_ns = script_ns <= last_ns ? script_ns - 1 : last_ns;
    }
    if (sim->failed) return DSLAB_SIM_ERROR;
    if (until_ns != DSLAB_TIME_NS_NEVER && until_ns > sim->now_ns) sim->now_ns = until_ns;
    return DSLAB_SIM_OK;
}

int dslab_sim_step(struct dslab_sim *sim, int64_t until_ns) {
    int64_t next_ns = dslab_sim_next_event_ns(sim);
    if (next_ns == DSLAB_TIME_NS_NEVER || next_ns > until_ns) return 0;
    uint64_t before = sim->stats.events;
    dslab_sim_run(sim, next_ns, 1);
    return sim->stats.events > before;
}

int64_t dslab_sim_next_event_ns(const struct dslab_sim *sim) {
    int64_t heap_ns = sim->q.count ? evq_min_ns(&sim->q) : DSLAB_TIME_NS_NEVER;
    int64_t script_ns = script_next_ns(sim);
    return script_ns < heap_ns ? script_ns : heap_ns;
}

void dslab_sim_finish(struct dslab_sim *sim) {
    assert(!sim->finished);
    if (sim->next_trace_id == 0) dslab_sim_run(sim, 0, 1);
    sim->finished = true;
    if (sim->proto->on_finish) {
        for (int32_t i = 0; i < sim->nodes_count; i++) {
            sim->proto->on_finish(&sim->nodes[i].ctx, sim->nodes[i].state);
        }
    }
    struct dslab_trace_event ev = {.kind = DSLAB_TRACE_RUN_END, .node = -1, .peer = -1,
                             .a = (int64_t)sim->stats.events};
    sim_emit(sim, &ev);
    sim->stats.trace_events = sim->next_trace_id;
    for (int i = 0; i < sim->checks_count; i++) {
        struct sim_check *c = &sim->checks[i];
        c->checker->finish(c->state, &sim->history, sim->now_ns, &c->result);
    }
}

int dslab_sim_inject(struct dslab_sim *sim, const struct dslab_fault *f, struct dslab_diag *diag) {
    if ((f->node >= sim->nodes_count) || (f->peer >= sim->nodes_count)) {
        return dslab_diag_set(diag, "", 0, 0, "no such node");
    }
    if (f->kind == DSLAB_FAULT_PARTITION && f->shape == DSLAB_PARTITION_GROUPS) {
        return dslab_diag_set(diag, "", 0, 0, "live partitions must use a named shape");
    }
    if (sim->injected_count == sim->injected_capacity) {
        int capacity = sim->injected_capacity ? sim->injected_capacity * 2 : 16;
        struct dslab_fault *fs = realloc(sim->injected, (size_t)capacity * sizeof *fs);
        if (!fs) return dslab_diag_set(diag, "", 0, 0, "out of memory");
        sim->injected = fs;
        sim->injected_capacity = capacity;
    }
    struct dslab_fault *copy = &sim->injected[sim->injected_count];
    *copy = *f;
    copy->at_ns = sim->now_ns;
    copy->group_of_node = NULL; /* injected partitions use named shapes only */
    struct event *e;
    if (sim_schedule(sim, sim->now_ns, &e) == UINT32_MAX) return dslab_diag_set(diag, "", 0, 0, "%s", sim->error);
    e->kind = EV_INJECTED;
    e->aux = sim->injected_count++;
    return 0;
}

/* --- node lifecycle (called by faults.c) --------------------------------- */

void sim_node_crash(struct dslab_sim *sim, int32_t node) {
    struct node_rt *n = &sim->nodes[node];
    if (n->status == DSLAB_NODE_CRASHED) return;
    for (uint32_t i = 0; i < n->cold->deferred_count; i++) sim_drop_event(sim, n->cold->deferred[i], "crashed");
    n->cold->deferred_count = 0;
    costs_on_crash(sim, node); /* before the status: held messages are found by sender */
    if (n->costs && n->costs->cpu_on) costs_cpu_on_crash(sim, node);
    n->status = DSLAB_NODE_CRASHED;
    n->incarnation++;
    n->cold->pause_gen++;
    memset(n->state, 0, sim->proto->state_size ? sim->proto->state_size : 1);
}

/* Only a crashed node restarts (faults.c traces a restart of any other
 * node as no_effect). */
void sim_node_restart(struct dslab_sim *sim, int32_t node, bool lose_unsynced) {
    struct node_rt *n = &sim->nodes[node];
    assert(n->status == DSLAB_NODE_CRASHED);
    if (lose_unsynced) store_lose_unsynced(&n->cold->store);
    n->status = DSLAB_NODE_UP;
    if (sim->proto->on_restart) sim->proto->on_restart(&n->ctx, n->state);
    else sim->proto->init(&n->ctx, n->state);
}

/* The caller (faults.c) has checked that the pause has an effect: the node
 * is not crashed, and the pause ends later than one already in force. An
 * extension keeps the pause's start (paused_since_ns). */
void sim_node_pause(struct dslab_sim *sim, int32_t node, int64_t duration_ns) {
    struct node_rt *n = &sim->nodes[node];
    int64_t until_ns = dslab_time_add_sat(sim->now_ns, duration_ns);
    assert(n->status != DSLAB_NODE_CRASHED);
    assert(n->status != DSLAB_NODE_PAUSED || n->cold->paused_until_ns < until_ns);
    if (n->status != DSLAB_NODE_PAUSED) n->cold->paused_since_ns = sim->now_ns;
    n->status = DSLAB_NODE_PAUSED;
    n->cold->paused_until_ns = until_ns;
    n->cold->pause_gen++;
    struct event *e;
    if (sim_schedule(sim, until_ns, &e) == UINT32_MAX) return;
    e->kind = EV_RESUME;
    e->node = node;
    e->aux = n->cold->pause_gen;
}

/* A drift change moves the true time at which each pending timer of the
 * node reaches its monotonic deadline: recompute them, then restore the
 * heap. O(pending events); drift changes are rare. */
void sim_node_set_drift(struct dslab_sim *sim, int32_t node, int64_t drift_ppm) {
    struct node_rt *n = &sim->nodes[node];
    clock_set_drift(&n->cold->clock, sim->now_ns, drift_ppm);
    for (uint32_t i = 0; i < sim->q.count; i++) {
        struct evq_entry *entry = &sim->q.heap[i];
        struct event *e = evq_event(&sim->q, evq_entry_slot(entry));
        if (e->kind == EV_TIMER && e->node == node) {
            entry->at_ns = dslab_time_add_sat(clock_true_at_mono(&n->cold->clock, e->aux, sim->now_ns),
                                        e->aux2); /* plus its scheduling delay (costs.c) */
        }
    }
    evq_reheap(&sim->q);
}

/* --- inspection ---------------------------------------------------------- */

int64_t dslab_sim_now_ns(const struct dslab_sim *sim) { return sim->now_ns; }
uint64_t dslab_sim_seed(const struct dslab_sim *sim) { return sim->seed; }
const struct dslab_scenario *dslab_sim_scenario(const struct dslab_sim *sim) { return sim->sc; }
const struct dslab_sim_stats *dslab_sim_get_stats(const struct dslab_sim *sim) { return &sim->stats; }
const struct dslab_history *dslab_sim_history(const struct dslab_sim *sim) { return &sim->history; }
const char *dslab_sim_error(const struct dslab_sim *sim) { return sim->error; }
int dslab_sim_check_count(const struct dslab_sim *sim) { return sim->checks_count; }

const struct dslab_check_result *dslab_sim_check_result(const struct dslab_sim *sim, int index) {
    return index >= 0 && index < sim->checks_count ? &sim->checks[index].result : NULL;
}

const struct dslab_assumption_state *dslab_sim_assumption(const struct dslab_sim *sim, int index) {
    return index >= 0 && index < DSLAB_SIM_ASSUMPTIONS_COUNT ? &sim->assumptions[index] : NULL;
}

enum dslab_node_status dslab_sim_node_status(const struct dslab_sim *sim, int32_t node) {
    return sim->nodes[node].status;
}

int64_t dslab_sim_node_wall_ns(const struct dslab_sim *sim, int32_t node) {
    return clock_wall_ns(&sim->nodes[node].cold->clock, sim->now_ns);
}

int64_t dslab_sim_node_mono_ns(const struct dslab_sim *sim, int32_t node) {
    return clock_mono_ns(&sim->nodes[node].cold->clock, sim->now_ns);
}

int64_t dslab_sim_node_drift_ppm(const struct dslab_sim *sim, int32_t node) {
    return sim->nodes[node].cold->clock.drift_ppm;
}

void dslab_sim_node_describe(const struct dslab_sim *sim, int32_t node, char *buf, size_t buf_size) {
    const struct node_rt *n = &sim->nodes[node];
    if (n->status == DSLAB_NODE_CRASHED) {
        snprintf(buf, buf_size, "crashed");
    } else if (sim->proto->describe) {
        sim->proto->describe(n->state, buf, buf_size);
    } else {
        snprintf(buf, buf_size, "%s", sim->proto->name);
    }
}

bool dslab_sim_link_up(const struct dslab_sim *sim, int32_t from, int32_t to) {
    return !net_blocked(&sim->net, from, to);
}
