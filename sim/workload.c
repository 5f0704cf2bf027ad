/* workload.c: clients that send requests to nodes and record a history.
 *
 * Each client is closed-loop: one operation at a time, then an exponential
 * think time with the scenario's mean before the next. An operation is an
 * invoke, a request that travels to a node with network latency (clients
 * sit outside partitions: see docs/ASSUMPTIONS.md), and one completion:
 * ok/fail from the node's reply, a redirect followed up to
 * CLIENT_REDIRECTS_MAX times, or info when the client's timeout passes
 * first or a node answered "unknown" (the operation may or may not have
 * happened; a retry after "unknown" can still end ok). Written values are
 * unique per run, which keeps the linearizability search small.
 * With `read_after_write`, a write or cas that ends ok is followed, a drawn
 * delay later, by a read of its key (a probe, recorded in sim->probes for
 * the staleness metric, staleness.c). */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "detmath.h"
#include "dslab/latency.h"
#include "dslab/time.h"
#include "sim_internal.h"

/* request ids carry the client: id = counter * CLIENTS_SPAN + client */
#define CLIENTS_SPAN 16384u

static void emit_op(struct dslab_sim *sim, struct dslab_history_op *op) {
    op->trace_id = sim->next_trace_id;
    op->time_ns = sim->now_ns;
    if (dslab_history_append(&sim->history, op) != 0) {
        sim_fail(sim, "out of memory for the client history");
        return;
    }
    if (op->type == DSLAB_OP_INVOKE) {
        sim->clients[op->client].invoke_index = (int64_t)sim->history.count - 1;
    }
    struct dslab_trace_event ev = {.kind = DSLAB_TRACE_CLIENT, .node = op->node, .peer = op->client,
                             .op = op};
    sim_emit(sim, &ev);
}

static int64_t think_ns(struct dslab_sim *sim, struct client_rt *c) {
    double u = dslab_rng_unit(&c->rng);
    double mean = (double)sim->sc->workload.interval_ns_mean;
    double ns = -mean * det_log(1.0 - u);
    /* the mean is at most a day (dslab_scenario_load), so this is at most ~40
     * days; the clamp keeps the conversion defined whatever happens */
    if (!(ns > 0.0)) return 0;
    if (ns >= (double)DSLAB_TIME_NS_NEVER / 2) return DSLAB_TIME_NS_NEVER / 2;
    return (int64_t)ns;
}

static int probe_record(struct dslab_sim *sim, int64_t invoke_index, int64_t delay_ns) {
    if (sim->probes_count == sim->probes_capacity) {
        size_t capacity = sim->probes_capacity ? sim->probes_capacity * 2 : 64;
        struct probe_rec *p = realloc(sim->probes, capacity * sizeof *p);
        if (!p) {
            sim_fail(sim, "out of memory for read_after_write probes");
            return -1;
        }
        sim->probes = p;
        sim->probes_capacity = capacity;
    }
    sim->probes[sim->probes_count++] = (struct probe_rec){invoke_index, delay_ns};
    return 0;
}

static void schedule_next(struct dslab_sim *sim, int32_t client, int64_t at_ns) {
    struct event *e;
    if (sim_schedule(sim, at_ns, &e) == UINT32_MAX) return;
    e->kind = EV_CLIENT_NEXT;
    e->node = client;
}

int workload_init(struct dslab_sim *sim) {
    const struct dslab_scenario_workload *w = &sim->sc->workload;
    if (w->clients_count <= 0) return 0;
    if (w->clients_count > (int32_t)CLIENTS_SPAN) {
        sim_fail(sim, "too many clients");
        return -1;
    }
    sim->clients = calloc((size_t)w->clients_count, sizeof *sim->clients);
    if (!sim->clients) {
        sim_fail(sim, "out of memory for clients");
        return -1;
    }
    sim->clients_count = w->clients_count;
    for (int32_t i = 0; i < w->clients_count; i++) {
        struct client_rt *c = &sim->clients[i];
        dslab_rng_init_indexed(&c->rng, sim->seed, DSLAB_RNG_PURPOSE_WORKLOAD, (uint64_t)i);
        for (int k = 0; k < 16; k++) c->seen[k] = DSLAB_HISTORY_NIL;
        if (w->probe_on) {
            dslab_rng_init_indexed(&c->probe_rng, sim->seed, DSLAB_RNG_PURPOSE_PROBE, (uint64_t)i);
        }
        schedule_next(sim, i, dslab_time_add_sat(w->start_ns, think_ns(sim, c)));
    }
    return sim->failed ? -1 : 0;
}

/* A request carries its own operation: aux2 is the index of the operation's
 * invoke record in sim->history (append-only during the run). The node
 * executes that operation whenever the request arrives, even after the
 * client has given up on it (its completion is then :info) and moved on. */
static void send_request(struct dslab_sim *sim, int32_t client, int32_t node) {
    struct client_rt *c = &sim->clients[client];
    if (sim->failed) return;
    c->req_id = ++sim->next_req_id * CLIENTS_SPAN + (uint64_t)client;
    c->invoke.node = node;
    int64_t latency_ns = sim_net_latency_ns(sim, node, node, &c->rng);
    struct event *e;
    if (sim_schedule(sim, dslab_time_add_sat(sim->now_ns, latency_ns), &e) == UINT32_MAX) return;
    e->kind = EV_REQUEST;
    e->served = 0; /* costs.cpu: not yet served (a reused slot keeps old fields) */
    e->node = node;
    e->peer = client;
    e->id = c->req_id;
    e->aux2 = c->invoke_index;
}

static enum dslab_op_fn pick_fn(const struct dslab_scenario_workload *w, struct client_rt *c) {
    uint64_t total = (uint64_t)w->read_weight + w->write_weight + w->cas_weight;
    if (total == 0) return DSLAB_OP_READ;
    uint64_t x = dslab_rng_below(&c->rng, total);
    if (x < w->read_weight) return DSLAB_OP_READ;
    if (x < (uint64_t)w->read_weight + w->write_weight) return DSLAB_OP_WRITE;
    return DSLAB_OP_CAS;
}

/* A key: with hot_key, key 0 for that share of operations (one extra draw,
 * made only when hot_key is on, so runs without it draw as before). */
static int64_t pick_key(const struct dslab_scenario_workload *w, struct client_rt *c) {
    if (w->hot_key_ppm > 0 && dslab_rng_below(&c->rng, 1000000u) < w->hot_key_ppm) return 0;
    return (int64_t)dslab_rng_below(&c->rng, (uint64_t)(w->keys_count > 0 ? w->keys_count : 1));
}

void workload_next(struct dslab_sim *sim, int32_t client) {
    const struct dslab_scenario_workload *w = &sim->sc->workload;
    struct client_rt *c = &sim->clients[client];
    int64_t stop_ns = w->stop_ns < sim->sc->duration_ns ? w->stop_ns : sim->sc->duration_ns;
    if (sim->now_ns >= stop_ns) return;
    struct dslab_history_op op = {.op_id = ++sim->next_op_id, .type = DSLAB_OP_INVOKE, .client = client,
                            .value = DSLAB_HISTORY_NIL, .expected = DSLAB_HISTORY_NIL};
    bool probe = c->probe_due;
    c->probe_due = false;
    if (probe) { /* read_after_write: read the key just written, draw nothing */
        op.fn = DSLAB_OP_READ;
        op.key = c->probe_key;
    } else {
        op.fn = pick_fn(w, c);
        op.key = pick_key(w, c);
    }
    if (op.fn != DSLAB_OP_READ) {
        /* unique: client in the high digits, a per-client counter below */
        op.value = (int64_t)(client + 1) * 1000000 + (int64_t)++c->values_issued;
    }
    if (op.fn == DSLAB_OP_CAS) op.expected = c->seen[op.key % 16];
    if (w->target == DSLAB_TARGET_ROUTES) {
        /* Reads to one set, writes and cas to another; a set of one node
         * draws nothing, a set of k draws one of them, `random` any node. */
        const struct dslab_workload_route *r = op.fn == DSLAB_OP_READ ? &w->route_read : &w->route_write;
        if (r->count == 1) op.node = r->nodes[0];
        else if (r->count > 1) op.node = r->nodes[dslab_rng_below(&c->rng, (uint64_t)r->count)];
        else op.node = (int32_t)dslab_rng_below(&c->rng, (uint64_t)sim->nodes_count);
    } else {
        op.node = w->target == DSLAB_TARGET_NODE
                      ? w->target_node
                      : (int32_t)dslab_rng_below(&c->rng, (uint64_t)sim->nodes_count);
    }
    c->busy = true;
    c->op_id = op.op_id;
    c->redirects = 0;
    c->maybe_done = false;
    c->invoke = op;
    sim->stats.client_ops++;
    emit_op(sim, &op);
    if (probe && probe_record(sim, c->invoke_index, c->probe_delay_ns) != 0) return;
    send_request(sim, client, op.node);
    struct event *e;
    if (sim_schedule(sim, dslab_time_add_sat(sim->now_ns, w->timeout_ns), &e) == UINT32_MAX) return;
    e->kind = EV_CLIENT_TIMEOUT;
    e->node = client;
    e->id = op.op_id;
}

static void complete(struct dslab_sim *sim, int32_t client, enum dslab_op_type type, int64_t value) {
    struct client_rt *c = &sim->clients[client];
    struct dslab_history_op op = c->invoke;
    op.type = type;
    if (type == DSLAB_OP_OK && op.fn == DSLAB_OP_READ) op.value = value;
    if (type == DSLAB_OP_OK) c->seen[op.key % 16] = op.value;
    if (type == DSLAB_OP_OK) sim->stats.client_ok++;
    else if (type == DSLAB_OP_FAIL) sim->stats.client_fail++;
    else sim->stats.client_info++;
    c->busy = false;
    c->req_id = 0;
    emit_op(sim, &op);
    if (sim->sc->workload.probe_on && type == DSLAB_OP_OK && op.fn != DSLAB_OP_READ) {
        /* read_after_write: the next operation reads this key after a delay */
        c->probe_due = true;
        c->probe_key = op.key;
        c->probe_delay_ns = dslab_latency_sample_ns(&sim->sc->workload.probe_delay_ns, &c->probe_rng);
        schedule_next(sim, client, dslab_time_add_sat(sim->now_ns, c->probe_delay_ns));
        return;
    }
    schedule_next(sim, client, dslab_time_add_sat(sim->now_ns, think_ns(sim, c)));
}

void workload_timeout(struct dslab_sim *sim, int32_t client, uint64_t op_id) {
    struct client_rt *c = &sim->clients[client];
    if (c->busy && c->op_id == op_id) complete(sim, client, DSLAB_OP_INFO, DSLAB_HISTORY_NIL);
}

void workload_request_at_node(struct dslab_sim *sim, const struct event *e) {
    struct node_rt *n = &sim->nodes[e->node];
    assert(e->aux2 >= 0 && (size_t)e->aux2 < sim->history.count);
    const struct dslab_history_op *op = &sim->history.ops[e->aux2];
    assert(op->type == DSLAB_OP_INVOKE && op->client == e->peer);
    struct dslab_client_request req = {.request_id = e->id, .client = e->peer,
                                 .serial = op->op_id, .fn = op->fn,
                                 .key = op->key, .value = op->value,
                                 .expected = op->expected};
    if (!sim->proto->on_request) {
        dslab_ctx_reply(&n->ctx, e->id, DSLAB_REPLY_FAIL, DSLAB_HISTORY_NIL);
        return;
    }
    sim->proto->on_request(&n->ctx, n->state, &req);
}

void dslab_ctx_reply(struct dslab_node_ctx *ctx, uint64_t request_id, enum dslab_reply_status status,
               int64_t value) {
    struct dslab_sim *sim = ctx->sim;
    int32_t client = (int32_t)(request_id % CLIENTS_SPAN);
    if (client >= sim->clients_count) return;
    int64_t latency_ns = sim_net_latency_ns(sim, ctx->node, ctx->node,
                                            &sim->nodes[ctx->node].net_rng);
    struct event *e;
    int64_t depart_ns = costs_depart_ns(sim, ctx->node); /* after a sync in flight */
    if (sim_schedule(sim, dslab_time_add_sat(depart_ns, latency_ns), &e) == UINT32_MAX) return;
    e->kind = EV_REPLY;
    e->aux2 = depart_ns > sim->now_ns ? depart_ns : 0; /* held: costs_on_crash drops it */
    e->node = client;
    e->peer = ctx->node;
    e->id = request_id;
    e->tag = (uint64_t)status;
    e->aux = value;
}

void workload_reply(struct dslab_sim *sim, const struct event *e) {
    struct client_rt *c = &sim->clients[e->node];
    if (!c->busy || c->req_id != e->id) return; /* stale: timed out or redirected */
    switch ((enum dslab_reply_status)e->tag) {
    case DSLAB_REPLY_OK:
        complete(sim, e->node, DSLAB_OP_OK, e->aux);
        break;
    case DSLAB_REPLY_FAIL:
        complete(sim, e->node, c->maybe_done ? DSLAB_OP_INFO : DSLAB_OP_FAIL, DSLAB_HISTORY_NIL);
        break;
    case DSLAB_REPLY_UNKNOWN:
    case DSLAB_REPLY_REDIRECT:
        if ((enum dslab_reply_status)e->tag == DSLAB_REPLY_UNKNOWN) c->maybe_done = true;
        if (c->redirects < CLIENT_REDIRECTS_MAX && e->aux >= 0 && e->aux < sim->nodes_count) {
            c->redirects++;
            send_request(sim, e->node, (int32_t)e->aux);
        } else {
            complete(sim, e->node, c->maybe_done ? DSLAB_OP_INFO : DSLAB_OP_FAIL, DSLAB_HISTORY_NIL);
        }
        break;
    }
}
