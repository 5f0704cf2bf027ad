/* node_ctx.c: the context API that protocols call (see dslab/node.h), and
 * message delivery into them. This is the hot path of the simulator: a
 * send is a few RNG draws, a pool slot, a copy and a heap push; nothing
 * here allocates in the steady state or formats text unless tracing. */
#include <assert.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "dslab/latency.h"
#include "dslab/time.h"
#include "rng_inline.h"
#include "sim_internal.h"

/* The hot record a context belongs to: every context handed to node code
 * is &n->ctx, the record's first member (sim.c), so the record is the
 * context's own address, no index into sim->nodes. */
_Static_assert(offsetof(struct node_rt, ctx) == 0, "a node's context starts its hot record");
static inline struct node_rt *node_of(struct dslab_node_ctx *ctx) {
    struct node_rt *n = (struct node_rt *)(void *)ctx;
    if (DSLAB_ASSERT_EXPENSIVE) DSLAB_ASSERT(n == &ctx->sim->nodes[ctx->node]);
    return n;
}

int32_t dslab_ctx_self(const struct dslab_node_ctx *ctx) { return ctx->node; }
int32_t dslab_ctx_nodes_count(const struct dslab_node_ctx *ctx) { return ctx->sim->nodes_count; }
const void *dslab_ctx_config(const struct dslab_node_ctx *ctx) { return ctx->sim->proto_config; }

const char *dslab_ctx_node_name(const struct dslab_node_ctx *ctx, int32_t node) {
    assert(node >= 0 && node < ctx->sim->nodes_count);
    return ctx->sim->sc->node_names[node];
}

int64_t dslab_ctx_wall_ns(const struct dslab_node_ctx *ctx) {
    return clock_wall_ns(&ctx->sim->nodes[ctx->node].cold->clock, ctx->sim->now_ns);
}

int64_t dslab_ctx_mono_ns(const struct dslab_node_ctx *ctx) {
    return clock_mono_ns(&ctx->sim->nodes[ctx->node].cold->clock, ctx->sim->now_ns);
}

struct dslab_rng *dslab_ctx_rng(struct dslab_node_ctx *ctx) {
    return &node_of(ctx)->rng;
}

/* dslab_latency_sample_ns of uniform(lo_ns, hi_ns), inline: the one draw
 * dslab_rng_range_i64(lo_ns, hi_ns) makes (rng_inline.h is the code
 * behind dslab_rng_below). The loader keeps lo_ns <= hi_ns. */
static inline int64_t uniform_ns(int64_t lo_ns, int64_t hi_ns, struct dslab_rng *r) {
    uint64_t span = (uint64_t)hi_ns - (uint64_t)lo_ns;
    if (span == UINT64_MAX) return (int64_t)rng_next_inline(r);
    return (int64_t)((uint64_t)lo_ns + rng_below_inline(r, span + 1));
}

/* One latency draw for from -> to with the link's parameters `lp`. */
static int64_t link_latency_ns(struct dslab_sim *sim, const struct dslab_link_params *lp, int32_t from,
                               int32_t to, struct dslab_rng *r) {
    int64_t latency_ns;
    if (lp->latency.kind != DSLAB_LATENCY_MIXTURE && lp->latency.simple.kind == DSLAB_LATENCY_UNIFORM) {
        /* the common case, inline: the same draw */
        latency_ns = uniform_ns(lp->latency.simple.a_ns, lp->latency.simple.b_ns, r);
    } else {
        latency_ns = dslab_latency_sample_ns(&lp->latency, r);
    }
    uint32_t factor = net_slow_factor(&sim->net, from, to);
    if (factor > 1) latency_ns *= factor;
    return latency_ns;
}

int64_t sim_net_latency_ns(struct dslab_sim *sim, int32_t from, int32_t to, struct dslab_rng *r) {
    struct dslab_link_params scratch;
    return link_latency_ns(sim, net_link(&sim->net, from, to, &scratch), from, to, r);
}

static void trace_drop(struct dslab_sim *sim, int32_t from, int32_t to, uint64_t msg_id,
                       const char *reason) {
    sim->stats.messages_dropped++;
    if (sim_tracing(sim)) {
        struct dslab_trace_event ev = {.kind = DSLAB_TRACE_DROP, .node = from, .peer = to, .msg_id = msg_id,
                                 .tag = reason};
        sim_emit(sim, &ev);
    }
}

/* Schedules one copy of a message; returns its delivery time or -1. */
/* The size on the wire of the message being sent: what dslab_ctx_send_sized
 * declared, else its payload bytes. */
static inline uint64_t wire_bytes_of(const struct dslab_sim *sim, size_t len) {
    return sim->sending_sized ? sim->sending_wire_bytes : (uint64_t)len;
}

/* The arrival of a message of a node with a cost model: after any sync
 * hold (*depart_ns, *held_ns) and its serialisation (costs.links), plus
 * latency. -1 after sim_fail. Out of line: the hot path without models
 * pays one test for it. */
static __attribute__((noinline)) int64_t costed_arrival(struct dslab_sim *sim, int32_t from, int32_t to,
                                                        uint64_t msg_id, size_t len, int64_t latency_ns,
                                                        int64_t *depart_ns, int64_t *held_ns) {
    const struct node_rt *src = &sim->nodes[from];
    if (src->cold->hold_until_ns > *depart_ns) *depart_ns = *held_ns = src->cold->hold_until_ns;
    int64_t sent_ns = *depart_ns; /* the last bit has left (costs.links) */
    if (src->costs->link_on) {
        sent_ns = costs_link_depart(sim, from, to, msg_id, *depart_ns, wire_bytes_of(sim, len));
        if (sent_ns < 0) return -1;
    }
    return dslab_time_add_sat(sent_ns, latency_ns);
}

/* A message lost on the way was still sent: it occupies the link
 * (costs.links). Out of line, as costed_arrival. */
static __attribute__((noinline)) void charge_lost(struct dslab_sim *sim, int32_t from, int32_t to,
                                                  uint64_t msg_id, size_t len) {
    const struct node_rt *src = &sim->nodes[from];
    if (!src->costs || !src->costs->link_on) return;
    costs_link_depart(sim, from, to, msg_id, costs_depart_ns(sim, from), wire_bytes_of(sim, len));
}

/* memcpy of len <= EVENT_INLINE_BYTES bytes as two fixed-size copies that
 * may overlap (a call to memcpy costs more than the copy). */
static inline void copy_short(unsigned char *dst, const void *msg, size_t len) {
    const unsigned char *src = msg;
    if (len >= 8) {
        memcpy(dst, src, 8);
        memcpy(dst + len - 8, src + len - 8, 8);
    } else if (len >= 4) {
        memcpy(dst, src, 4);
        memcpy(dst + len - 4, src + len - 4, 4);
    } else {
        for (size_t i = 0; i < len; i++) dst[i] = src[i];
    }
}

/* Schedules the delivery of a copy of msg from -> to at at_ns (held_ns:
 * see schedule_copy): the event, its payload inside it or in a pool slot.
 * Returns at_ns, or -1 after sim_fail. */
static inline __attribute__((always_inline)) int64_t schedule_event(struct dslab_sim *sim, int32_t from,
                                                                    int32_t to, uint64_t msg_id,
                                                                    const void *msg, size_t len,
                                                                    int64_t at_ns, int64_t held_ns) {
    if (at_ns < 0) {
        sim_fail(sim, "out of memory for FIFO link state");
        return -1;
    }
    /* A short payload travels inside its event (evq.h), a longer one in a pool slot. */
    uint32_t payload = PAYLOAD_HANDLE_INLINE;
    if (len > EVENT_INLINE_BYTES) {
        payload = payload_alloc(&sim->payloads, len);
        if (payload == PAYLOAD_HANDLE_NONE) {
            sim_fail(sim, "too many message payloads in flight: more than %d messages or %d MiB "
                     "of payloads (DSLAB_IN_FLIGHT_MAX, DSLAB_IN_FLIGHT_PAYLOAD_BYTES_MAX), or out "
                     "of memory", DSLAB_IN_FLIGHT_MAX, DSLAB_IN_FLIGHT_PAYLOAD_BYTES_MAX >> 20);
            return -1;
        }
    }
    uint32_t slot = sim_take_event(sim, at_ns);
    if (slot == UINT32_MAX) {
        payload_free(&sim->payloads, payload);
        return -1;
    }
    /* Every field but the generation: the slot is not zeroed (sim_take_event). */
    _Static_assert(sizeof(struct event) == 8 * sizeof(uint32_t) + 2 * sizeof(uint64_t) + EVENT_INLINE_BYTES,
                   "schedule_event writes every field of an event: a new field needs its line here");
    struct event *e = evq_event(&sim->q, slot);
    e->kind = EV_DELIVER;
    e->node = to;
    e->peer = from;
    e->incarnation = 0;
    e->payload_len = (uint32_t)len;
    e->payload_slot = payload;
    e->served = 0; /* costs.cpu: not yet served */
    e->id = msg_id;
    e->aux2 = held_ns; /* held: costs_on_crash drops it */
    memset(e->payload_inline, 0, EVENT_INLINE_BYTES); /* tag and aux, or the inline payload's tail */
    if (payload == PAYLOAD_HANDLE_INLINE) {
        copy_short(e->payload_inline, msg, len);
    } else {
        memcpy(payload_ptr(&sim->payloads, payload), msg, len);
    }
    if (sim_push_event(sim, at_ns, slot) != 0) {
        e->kind = EV_FREE; /* as sim_schedule leaves a slot it could not push */
        payload_free(&sim->payloads, payload);
        return -1;
    }
    return at_ns;
}

static int64_t schedule_copy(struct dslab_sim *sim, const struct dslab_link_params *lp, int32_t from,
                             int32_t to, uint64_t msg_id, const void *msg, size_t len) {
    struct node_rt *src = &sim->nodes[from];
    int64_t latency_ns = link_latency_ns(sim, lp, from, to, &src->net_rng);
    /* After a dslab_ctx_store_sync with a disk model, the message waits for it
     * (held_ns = its departure; 0 = it leaves now). */
    int64_t depart_ns = sim->now_ns, held_ns = 0, arrive_ns = depart_ns + latency_ns;
    /* hold_until_ns is only ever set by a model, so one test covers both. */
    if (__builtin_expect(src->costs != NULL, 0)) {
        arrive_ns = costed_arrival(sim, from, to, msg_id, len, latency_ns, &depart_ns, &held_ns);
        if (arrive_ns < 0) return -1;
    }
    int64_t at_ns = sim->net.fifo ? net_fifo_delivery(&sim->net, from, to, depart_ns, arrive_ns) : arrive_ns;
    at_ns = schedule_event(sim, from, to, msg_id, msg, len, at_ns, held_ns);
    if (at_ns >= 0 && sim->sc->assumptions.message_delay_declared) assume_on_message(sim, at_ns - sim->now_ns);
    return at_ns;
}

/* dslab_ctx_send past its common case: link overrides, loss, duplication,
 * a cut link, a trace. */
/* A send's trace record (a trace sink is attached): the protocol's label
 * of the message, when a sink takes labels, and the record, at_ns its
 * delivery time (-1: it will not be delivered). */
static void trace_send(struct dslab_sim *sim, int32_t from, int32_t to, uint64_t msg_id, int64_t at_ns,
                       const void *msg, size_t len) {
    sim->label[0] = 0;
    if (sim->proto->message_label && sim->label_sinks_count > 0) {
        sim->proto->message_label(msg, len, sim->label, sizeof sim->label);
    }
    struct dslab_trace_event ev = {.kind = DSLAB_TRACE_SEND, .node = from, .peer = to, .msg_id = msg_id,
                                   .a = at_ns, .b = (int64_t)len, .text = sim->label};
    sim_emit(sim, &ev);
}

static __attribute__((noinline)) void send_checked(struct dslab_sim *sim, int32_t from, int32_t to,
                                                   const void *msg, size_t len) {
    uint64_t msg_id = ++sim->next_msg_id;
    sim->stats.messages_sent++;
    struct dslab_link_params scratch;
    /* Without overrides every link has the base parameters (no lookup). */
    const struct dslab_link_params *lp =
        sim->net.overrides_count == 0 ? &sim->net.base : net_link(&sim->net, from, to, &scratch);
    struct dslab_rng *r = &sim->nodes[from].net_rng;
    /* A chance of 0 draws nothing (dslab_rng_chance_ppm): skipping the call is the same stream. */
    bool lost = lp->loss_ppm != 0 && dslab_rng_chance_ppm(r, lp->loss_ppm);
    bool duplicated = lp->duplicate_ppm != 0 && dslab_rng_chance_ppm(r, lp->duplicate_ppm);
    bool blocked = net_blocked(&sim->net, from, to);
    int64_t at_ns = -1;
    if (!blocked && !lost) {
        at_ns = schedule_copy(sim, lp, from, to, msg_id, msg, len);
    } else if (!blocked) {
        charge_lost(sim, from, to, msg_id, len);
    }
    if (sim_tracing(sim)) trace_send(sim, from, to, msg_id, at_ns, msg, len);
    if (blocked || lost) {
        trace_drop(sim, from, to, msg_id, blocked ? "partition" : "loss");
        return;
    }
    if (duplicated) {
        int64_t dup_at_ns = schedule_copy(sim, lp, from, to, msg_id, msg, len);
        sim->stats.messages_duplicated++;
        if (sim_tracing(sim)) {
            struct dslab_trace_event ev = {.kind = DSLAB_TRACE_DUPLICATE, .node = from, .peer = to,
                                     .msg_id = msg_id, .a = dup_at_ns};
            sim_emit(sim, &ev);
        }
    }
}

/* A send in a run with nothing unusual (enum sim_unusual) but perhaps a
 * trace: base link parameters with a uniform latency, no loss or
 * duplication (no draw for either), no cut, no slow node, no cost model,
 * no FIFO, no delay assumption. schedule_copy would make the same one draw
 * (uniform_ns's, with its bounds from sim_refresh_unusual) and the same
 * event. Returns the message's id; *at_ns its delivery time (-1 after
 * sim_fail). */
static inline __attribute__((always_inline)) uint64_t send_plain(struct dslab_sim *sim, struct node_rt *src,
                                                                 int32_t from, int32_t to, const void *msg,
                                                                 size_t len, int64_t *at_ns) {
    uint64_t msg_id = ++sim->next_msg_id;
    sim->stats.messages_sent++;
    uint64_t latency_ns = rng_below_inline(&src->net_rng, sim->plain_latency_values);
    *at_ns = schedule_event(sim, from, to, msg_id, msg, len,
                            sim->now_ns + (int64_t)((uint64_t)sim->plain_latency_min_ns + latency_ns), 0);
    return msg_id;
}

/* send_plain when a trace sink is the one unusual thing (every --trace,
 * every run with checks): send_checked's record after the event, as
 * there. Out of line: the untraced path stays as it was. */
static __attribute__((noinline)) void send_plain_traced(struct dslab_sim *sim, struct node_rt *src, int32_t from,
                                                        int32_t to, const void *msg, size_t len) {
    int64_t at_ns;
    uint64_t msg_id = send_plain(sim, src, from, to, msg, len, &at_ns);
    trace_send(sim, from, to, msg_id, at_ns, msg, len);
}

void dslab_ctx_send(struct dslab_node_ctx *ctx, int32_t to, const void *msg, size_t len) {
    struct dslab_sim *sim = ctx->sim;
    int32_t from = ctx->node;
    assert((uint32_t)to < (uint32_t)sim->nodes_count); /* 0 <= to < nodes_count, one comparison */
    assert(len <= DSLAB_MSG_PAYLOAD_MAX);
    const struct net *net = &sim->net;
    if (__builtin_expect(sim->unusual == 0, 1)) {
        int64_t at_ns;
        (void)send_plain(sim, node_of(ctx), from, to, msg, len, &at_ns);
        return;
    }
    if (sim->unusual == SIM_UNUSUAL_TRACE) {
        send_plain_traced(sim, node_of(ctx), from, to, msg, len);
        return;
    }
    /* The common case with something unusual elsewhere: base link
     * parameters without loss or duplication (no draw for either), the
     * link open, no trace: send_checked would do exactly this. */
    if (net->overrides_count == 0 && net->base.loss_ppm == 0 && net->base.duplicate_ppm == 0 &&
        !sim_tracing(sim) && !net_blocked(net, from, to)) {
        uint64_t msg_id = ++sim->next_msg_id;
        sim->stats.messages_sent++;
        (void)schedule_copy(sim, &net->base, from, to, msg_id, msg, len);
        return;
    }
    send_checked(sim, from, to, msg, len);
}

void dslab_ctx_send_sized(struct dslab_node_ctx *ctx, int32_t to, const void *msg, size_t len,
                    uint64_t wire_bytes) {
    if (wire_bytes > DSLAB_WIRE_BYTES_MAX) {
        sim_fail(ctx->sim, "%s: dslab_ctx_send_sized: wire size %llu bytes is over the maximum %llu "
                 "(DSLAB_WIRE_BYTES_MAX, 1 TiB)", ctx->sim->sc->node_names[ctx->node],
                 (unsigned long long)wire_bytes, (unsigned long long)DSLAB_WIRE_BYTES_MAX);
        return;
    }
    /* dslab_ctx_send with the size declared (a field, not an argument, so the
     * plain dslab_ctx_send path pays nothing for it). */
    ctx->sim->sending_sized = true;
    ctx->sim->sending_wire_bytes = wire_bytes;
    dslab_ctx_send(ctx, to, msg, len);
    ctx->sim->sending_sized = false;
}

/* A node's software version (deploy faults); 0 = never deployed = 1. */
static inline int32_t node_version(const struct node_rt *n) {
    return n->cold->version ? n->cold->version : 1;
}

void node_deliver_checked(struct dslab_sim *sim, const struct event *e) {
    /* A partition that started while the message was in flight drops it. */
    if (net_blocked(&sim->net, e->peer, e->node)) {
        trace_drop(sim, e->peer, e->node, e->id, "partition");
        return;
    }
    /* A node does not understand a newer version's messages (deploy faults;
     * both versions as the message arrives). */
    if (sim->deployed && node_version(&sim->nodes[e->peer]) > node_version(&sim->nodes[e->node])) {
        trace_drop(sim, e->peer, e->node, e->id, "version");
        return;
    }
    sim->stats.messages_delivered++;
    if (sim_tracing(sim)) {
        struct dslab_trace_event ev = {.kind = DSLAB_TRACE_DELIVER, .node = e->node, .peer = e->peer,
                                 .msg_id = e->id};
        sim_emit(sim, &ev);
    }
    struct node_rt *n = &sim->nodes[e->node];
    /* e is the dispatcher's copy of the event: an inline payload stays put
     * while the handler sends (and so schedules) more. */
    const void *payload = sim_event_payload(sim, e);
    sim->proto->on_message(&n->ctx, n->state, e->peer, payload, e->payload_len);
}

uint64_t dslab_ctx_set_timer(struct dslab_node_ctx *ctx, int64_t delay_ns, uint64_t tag) {
    struct dslab_sim *sim = ctx->sim;
    struct node_rt *n = &sim->nodes[ctx->node];
    if (delay_ns < 0) delay_ns = 0;
    /* Saturates: a deadline past int64 is never (clock_true_at_mono). */
    int64_t deadline_mono_ns = dslab_time_add_sat(clock_mono_ns(&n->cold->clock, sim->now_ns), delay_ns);
    int64_t at_ns = clock_true_at_mono(&n->cold->clock, deadline_mono_ns, sim->now_ns);
    int64_t late_ns = 0;
    if (n->costs) { /* costs: timers (the lateness is kept for drift changes) */
        late_ns = costs_timer_delay_ns(sim, ctx->node);
        at_ns = dslab_time_add_sat(at_ns, late_ns);
    }
    struct event *e;
    uint32_t slot = sim_schedule(sim, at_ns, &e);
    if (slot == UINT32_MAX) return 0;
    e->kind = EV_TIMER;
    e->node = ctx->node;
    e->incarnation = n->incarnation;
    e->aux = deadline_mono_ns;
    e->aux2 = late_ns; /* the scheduling delay (costs: timers), kept across drift changes */
    e->tag = tag;
    return ((uint64_t)e->gen << 32) | slot;
}

void dslab_ctx_cancel_timer(struct dslab_node_ctx *ctx, uint64_t timer_id) {
    struct dslab_sim *sim = ctx->sim;
    uint32_t slot = (uint32_t)(timer_id & 0xffffffffu);
    uint32_t gen = (uint32_t)(timer_id >> 32);
    if (slot >= sim->q.events_used) return;
    struct event *e = evq_event(&sim->q, slot);
    if (e->gen == gen && e->kind == EV_TIMER && e->node == ctx->node) {
        e->kind = EV_CANCELLED;
    }
}

int dslab_ctx_store_put(struct dslab_node_ctx *ctx, const char *key, const void *value, size_t len) {
    struct node_rt *n = &ctx->sim->nodes[ctx->node];
    int rc = store_put(&n->cold->store, key, value, len);
    if (rc == 0 && n->costs) costs_on_put(ctx->sim, ctx->node);
    return rc;
}

long dslab_ctx_store_get(struct dslab_node_ctx *ctx, const char *key, const void **value_out) {
    return store_get(&ctx->sim->nodes[ctx->node].cold->store, key, value_out);
}

void dslab_ctx_store_sync(struct dslab_node_ctx *ctx) {
    const struct node_rt *n = &ctx->sim->nodes[ctx->node];
    if (n->costs && n->costs->disk_on) {
        costs_sync(ctx->sim, ctx->node);
        return;
    }
    if (store_sync(&ctx->sim->nodes[ctx->node].cold->store) != 0) {
        sim_fail(ctx->sim, "out of memory syncing the durable store of %s",
                 dslab_ctx_node_name(ctx, ctx->node));
    }
}

/* One DSLAB_TRACE_ANNOTATE event with the text formatted from fmt/ap. */
static void emit_annotation(struct dslab_node_ctx *ctx, enum dslab_annotation_kind kind,
                            enum dslab_role_class role, const char *tag, int64_t a, int64_t b,
                            const char *fmt, va_list ap) __attribute__((format(printf, 7, 0)));
static void emit_annotation(struct dslab_node_ctx *ctx, enum dslab_annotation_kind kind,
                            enum dslab_role_class role, const char *tag, int64_t a, int64_t b,
                            const char *fmt, va_list ap) {
    char text[DSLAB_ANNOTATION_MAX];
    vsnprintf(text, sizeof text, fmt, ap);
    struct dslab_trace_event ev = {.kind = DSLAB_TRACE_ANNOTATE, .node = ctx->node, .peer = -1, .a = a,
                             .b = b, .tag = tag, .text = text, .annotation = kind,
                             .role = role};
    sim_emit(ctx->sim, &ev);
}

/* The same for a text given as printf arguments. */
static void emit_annotation_f(struct dslab_node_ctx *ctx, enum dslab_annotation_kind kind,
                              enum dslab_role_class role, const char *tag, int64_t a, int64_t b,
                              const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static void emit_annotation_f(struct dslab_node_ctx *ctx, enum dslab_annotation_kind kind,
                              enum dslab_role_class role, const char *tag, int64_t a, int64_t b,
                              const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    emit_annotation(ctx, kind, role, tag, a, b, fmt, ap);
    va_end(ap);
}

/* The tags of the typed reports: a free note under one of them would look
 * like a role or a final value in the trace and count for nothing, so it
 * stops the run naming the typed call (docs/NODE_API.md, "Free notes"). */
static bool annotate_tag_reserved(struct dslab_node_ctx *ctx, const char *tag) {
    static const char *const reserved[][2] = {
        {"role", "dslab_ctx_report_role(ctx, DSLAB_ROLE_LEADER, term, \"...\")"},
        {"final-state", "dslab_ctx_report_final_state(ctx, keys_count, \"...\")"},
        {"final", "dslab_ctx_report_final_value(ctx, key, value)"},
        {"final-replicas", "dslab_ctx_report_final_replicas(ctx, key, replicas_mask)"},
    };
    for (size_t i = 0; tag && i < sizeof reserved / sizeof reserved[0]; i++) {
        if (strcmp(tag, reserved[i][0]) == 0) {
            sim_fail(ctx->sim, "node %s: dslab_ctx_annotate with the tag '%s', which is reserved: "
                     "checkers and the visualiser read only the typed report; call %s",
                     dslab_ctx_node_name(ctx, ctx->node), tag, reserved[i][1]);
            return true;
        }
    }
    return false;
}

void dslab_ctx_annotate(struct dslab_node_ctx *ctx, const char *tag, int64_t value, const char *fmt, ...) {
    if (annotate_tag_reserved(ctx, tag) || !sim_tracing(ctx->sim)) return;
    va_list ap;
    va_start(ap, fmt);
    emit_annotation(ctx, DSLAB_ANNOTATION_NOTE, DSLAB_ROLE_NONE, tag, value, 0, fmt, ap);
    va_end(ap);
}

/* Node code (possibly a learner's) broke a documented range: the run
 * stops with an error naming the node. Returns false then. */
static bool report_ok(struct dslab_node_ctx *ctx, bool ok, const char *what, long long got) {
    if (!ok) {
        sim_fail(ctx->sim, "node %s reported %s %lld (dslab/node.h)",
                 dslab_ctx_node_name(ctx, ctx->node), what, got);
    }
    return ok;
}

void dslab_ctx_report_role(struct dslab_node_ctx *ctx, enum dslab_role_class role, int64_t term, const char *fmt,
                     ...) {
    if (!report_ok(ctx, role > DSLAB_ROLE_NONE && role < DSLAB_ROLE_CLASS_COUNT,
                   "a role class outside enum dslab_role_class:", (long long)role) ||
        !report_ok(ctx, term >= 0, "a negative term:", (long long)term)) {
        return;
    }
    if (!sim_tracing(ctx->sim)) return;
    va_list ap;
    va_start(ap, fmt);
    emit_annotation(ctx, DSLAB_ANNOTATION_ROLE, role, "role", term, 0, fmt, ap);
    va_end(ap);
}

void dslab_ctx_report_term(struct dslab_node_ctx *ctx, int64_t term, const char *word) {
    if (!report_ok(ctx, term >= 0, "a negative term:", (long long)term) ||
        !report_ok(ctx, word && word[0], "a term without its word (NULL or \"\"), term",
                   (long long)term)) {
        return;
    }
    if (!sim_tracing(ctx->sim)) return;
    emit_annotation_f(ctx, DSLAB_ANNOTATION_TERM, DSLAB_ROLE_NONE, word, term, 0, "%s %lld", word,
                      (long long)term);
}

void dslab_ctx_report_final_state(struct dslab_node_ctx *ctx, int64_t keys_count, const char *fmt, ...) {
    if (!report_ok(ctx, keys_count >= 0, "a negative count of final keys:", (long long)keys_count)) {
        return;
    }
    if (!sim_tracing(ctx->sim)) return;
    va_list ap;
    va_start(ap, fmt);
    emit_annotation(ctx, DSLAB_ANNOTATION_FINAL_STATE, DSLAB_ROLE_NONE, "final-state", keys_count, 0, fmt, ap);
    va_end(ap);
}

void dslab_ctx_report_final_value(struct dslab_node_ctx *ctx, int64_t key, int64_t value) {
    if (!sim_tracing(ctx->sim)) return;
    emit_annotation_f(ctx, DSLAB_ANNOTATION_FINAL_VALUE, DSLAB_ROLE_NONE, "final", value, key,
                      "key=%lld value=%lld", (long long)key, (long long)value);
}

void dslab_ctx_report_final_replicas(struct dslab_node_ctx *ctx, int64_t key, uint64_t replicas_mask) {
    if (!report_ok(ctx, replicas_mask != 0 && replicas_mask < (UINT64_C(1) << 63),
                   "a replica mask outside 1 .. 2^63 - 1 for key", (long long)key)) {
        return;
    }
    if (!sim_tracing(ctx->sim)) return;
    char names[DSLAB_ANNOTATION_MAX] = "";
    size_t used = 0;
    int32_t nodes = dslab_ctx_nodes_count(ctx);
    for (int32_t i = 0; i < 63 && used < sizeof names; i++) {
        if (!(replicas_mask >> i & 1)) continue;
        const char *name = i < nodes ? dslab_ctx_node_name(ctx, i) : "?";
        int w = snprintf(names + used, sizeof names - used, "%s%s", used ? " " : "", name);
        if (w < 0 || (size_t)w >= sizeof names - used) break;
        used += (size_t)w;
    }
    emit_annotation_f(ctx, DSLAB_ANNOTATION_FINAL_REPLICAS, DSLAB_ROLE_NONE, "final-replicas",
                      (int64_t)replicas_mask, key, "key=%lld replicas=%s", (long long)key, names);
}
