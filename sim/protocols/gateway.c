/* gateway.c: a front end whose worker threads wait on downstream
 * dependencies; one shared pool of workers, or bulkheads.
 *
 * n1 is the gateway; the next `dependencies` nodes (n2, n3, ...) are
 * dependencies, each answering a call as soon as it arrives (its speed is
 * the network's, a `slow` fault, a `pause`, or a CPU model in `costs:`);
 * every other node is a client with open-loop Poisson arrivals at `rate`.
 * A request needs one dependency, chosen uniformly by the client: the
 * request's class, named after the dependency node.
 *
 *   client --REQ(class)--> gateway: a free worker in the class's pool?
 *     no  --> FAIL "no free worker" at once
 *     yes --> the worker is held: --CALL--> dependency --DONE--> OK,
 *             or no DONE within call_timeout: FAIL "call timeout"
 *
 * `pool: shared`: one pool of `workers` for every class, so one slow
 * dependency holds every worker waiting on it and the other classes find
 * none free (resource exhaustion that spreads). `pool: per-dependency`
 * (bulkheads): the workers split into one compartment per dependency
 * (workers / dependencies each, the remainder to the first ones), so a slow
 * dependency exhausts only its own; the price is that a burst of one
 * class cannot borrow the idle workers of another.
 *
 * Annotations: "request" (client; text `ok class=NAME`, `fail (no free
 * worker) class=NAME`, `fail (call timeout) class=NAME`, `fail (timeout)
 * class=NAME` when the gateway never answered within `timeout`; value =
 * latency ns), read by the slo checker, per class with `availability 99%
 * of NAME requests`; "pool" (gateway; value = the dependency's index, text
 * `NAME full (8/8 busy)` / `NAME has room`) when a compartment fills or
 * frees (in a shared pool, of the pool: `all full`). A restarted gateway
 * starts with every worker free and a new epoch (durable), so a DONE to a
 * call of its previous life frees nothing. Knobs: docs/PROTOCOLS.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/assert.h"
#include "dslab/node.h"
#include "dslab/time.h"
#include "protocols/proto_load.h"
#include "protocols/proto_util.h"

#define GW_WORKERS_MAX 256 /* a slot is 8 bits of a call's handle */
#define GW_DEPENDENCIES_MAX 8
#define GW_OUTSTANDING_MAX 512 /* requests a client tracks at once */

enum gw_msg_type { MSG_REQ, MSG_OK, MSG_FAIL, MSG_CALL, MSG_DONE };
enum gw_fail { FAIL_NO_WORKER = 1, FAIL_CALL_TIMEOUT };
enum gw_pool { POOL_SHARED, POOL_PER_DEPENDENCY };
enum gw_timer { TM_ARRIVAL = 1, TM_CALL_TIMEOUT, TM_CLIENT_TIMEOUT };

struct gw_config {
    int64_t arrival_ns_mean; /* per client, from `rate` */
    int64_t workers;
    int pool;
    int64_t dependencies;
    int64_t call_timeout_ns;
    int64_t timeout_ns; /* the client's */
};

/* 16 bytes: travels inside its event. */
struct gw_msg {
    uint8_t type;
    uint8_t reason; /* MSG_FAIL: enum gw_fail */
    uint8_t dep;    /* the class: dependency 0.. */
    uint8_t pad;
    uint32_t worker; /* MSG_CALL/DONE: epoch << 24 | worker slot << 16 | generation */
    uint64_t id;     /* the client's request id */
};

struct gw_worker {
    bool busy;
    uint8_t dep;
    uint16_t generation;
    int32_t client;
    uint64_t id;
};

struct gw_gateway {
    struct gw_worker workers[GW_WORKERS_MAX];
    int32_t busy[GW_DEPENDENCIES_MAX]; /* per compartment; shared: [0] */
    uint8_t epoch; /* restarts so far, mod 256 (durable): a DONE to a call
                    * made before a restart matches no worker of this one */
    int64_t served, rejected, timed_out;
};

struct gw_request {
    uint64_t id; /* 0 = free; id % GW_OUTSTANDING_MAX = slot */
    int64_t start_mono_ns;
    uint8_t dep;
};

struct gw_client {
    struct gw_request reqs[GW_OUTSTANDING_MAX];
    uint64_t next_seq;
    int64_t ok, failed;
};

enum gw_role { ROLE_GATEWAY, ROLE_DEPENDENCY, ROLE_CLIENT };

struct gw_state {
    int role;
    union {
        struct gw_gateway g;
        struct gw_client c;
        int64_t served; /* a dependency */
    } u;
};

static const char *const gw_known[] = {
    "rate", "workers", "pool", "dependencies", "call_timeout", "timeout", NULL,
};
static const char *const gw_pools[] = {"shared", "per-dependency", NULL};

static int gw_configure(const struct dslab_scenario *s, void **config_out, struct dslab_diag *diag) {
    struct gw_config c;
    memset(&c, 0, sizeof c);
    if (dslab_param_reject_unknown(s, gw_known, diag) != 0 ||
        proto_param_rate(s, "rate", 10 * DSLAB_NS_PER_MS, &c.arrival_ns_mean, diag) != 0 ||
        dslab_param_int(s, "workers", 16, 1, GW_WORKERS_MAX, &c.workers, diag) != 0 ||
        dslab_param_choice(s, "pool", gw_pools, POOL_SHARED, &c.pool, diag) != 0 ||
        dslab_param_int(s, "dependencies", 2, 1, GW_DEPENDENCIES_MAX, &c.dependencies, diag) != 0 ||
        dslab_param_duration_ns(s, "call_timeout", DSLAB_NS_PER_S, &c.call_timeout_ns, diag) != 0 ||
        dslab_param_duration_ns(s, "timeout", 2 * DSLAB_NS_PER_S, &c.timeout_ns, diag) != 0) {
        return -1;
    }
    if (s->nodes_count < c.dependencies + 2) {
        return proto_error(s, diag,
                           "gateway needs a gateway (the first node), %lld dependencies (the next nodes) and at least one client: "
                           "%lld+ nodes, the scenario has %d",
                           (long long)c.dependencies, (long long)c.dependencies + 2, (int)s->nodes_count);
    }
    if (c.call_timeout_ns <= 0 || c.timeout_ns <= 0) {
        return proto_error(s, diag, "gateway: call_timeout and timeout must be > 0");
    }
    if (c.pool == POOL_PER_DEPENDENCY && c.workers < c.dependencies) {
        return proto_param_error(s, "workers", diag,
                                 "pool: per-dependency needs at least one worker per dependency");
    }
    return proto_config_keep(s, &c, sizeof c, config_out, diag);
}

static const struct gw_config *cfg(const struct dslab_node_ctx *ctx) {
    return dslab_ctx_config(ctx);
}

static uint64_t tag_of(enum gw_timer kind, uint64_t x) {
    return (x << 4) | (uint64_t)kind;
}

static const char *dep_name(struct dslab_node_ctx *ctx, int dep) {
    return dslab_ctx_node_name(ctx, 1 + dep);
}

/* --- gateway ---------------------------------------------------------------------- */

/* The compartment of a class, and how many workers it has. */
static int compartment(const struct gw_config *c, int dep) {
    return c->pool == POOL_SHARED ? 0 : dep;
}

static int32_t capacity(const struct gw_config *c, int comp) {
    if (c->pool == POOL_SHARED) return (int32_t)c->workers;
    int64_t each = c->workers / c->dependencies;
    return (int32_t)(each + (comp < c->workers % c->dependencies ? 1 : 0));
}

static void pool_note(struct dslab_node_ctx *ctx, struct gw_gateway *g, int comp, bool full) {
    const struct gw_config *c = cfg(ctx);
    const char *name = c->pool == POOL_SHARED ? "all" : dep_name(ctx, comp);
    if (full) {
        dslab_ctx_annotate(ctx, "pool", comp, "%s full (%d/%d busy)", name, (int)g->busy[comp],
                           (int)capacity(c, comp));
    } else {
        dslab_ctx_annotate(ctx, "pool", comp, "%s has room", name);
    }
}

static void gateway_reply(struct dslab_node_ctx *ctx, int32_t client, uint64_t id, uint8_t dep,
                          enum gw_msg_type type, enum gw_fail reason) {
    struct gw_msg r = {.type = (uint8_t)type, .reason = (uint8_t)reason, .dep = dep, .id = id};
    dslab_ctx_send(ctx, client, &r, sizeof r);
}

static void gateway_release(struct dslab_node_ctx *ctx, struct gw_gateway *g, struct gw_worker *w) {
    int comp = compartment(cfg(ctx), w->dep);
    bool was_full = g->busy[comp] == capacity(cfg(ctx), comp);
    DSLAB_ASSERT(w->busy && g->busy[comp] > 0);
    w->busy = false;
    w->generation++;
    g->busy[comp]--;
    if (was_full) pool_note(ctx, g, comp, false);
}

static void gateway_on_request(struct dslab_node_ctx *ctx, struct gw_gateway *g, int32_t from,
                               const struct gw_msg *m) {
    const struct gw_config *c = cfg(ctx);
    if (m->dep >= c->dependencies) return; /* malformed */
    int comp = compartment(c, m->dep);
    if (g->busy[comp] >= capacity(c, comp)) {
        g->rejected++;
        gateway_reply(ctx, from, m->id, m->dep, MSG_FAIL, FAIL_NO_WORKER);
        return;
    }
    int32_t slot = 0;
    while (slot < c->workers && g->workers[slot].busy) slot++;
    DSLAB_ASSERT(slot < c->workers); /* busy counts never exceed the workers */
    struct gw_worker *w = &g->workers[slot];
    w->busy = true;
    w->dep = m->dep;
    w->client = from;
    w->id = m->id;
    g->busy[comp]++;
    DSLAB_ASSERT(g->busy[comp] <= capacity(c, comp)); /* a compartment never lends */
    if (g->busy[comp] == capacity(c, comp)) pool_note(ctx, g, comp, true);
    uint32_t handle = ((uint32_t)g->epoch << 24) | ((uint32_t)slot << 16) | w->generation;
    struct gw_msg call = {.type = MSG_CALL, .dep = m->dep, .worker = handle, .id = m->id};
    dslab_ctx_send(ctx, 1 + m->dep, &call, sizeof call);
    dslab_ctx_set_timer(ctx, c->call_timeout_ns, tag_of(TM_CALL_TIMEOUT, handle));
}

/* The worker of a handle, if it still waits on that call. */
static struct gw_worker *worker_of(struct dslab_node_ctx *ctx, struct gw_gateway *g, uint32_t handle) {
    uint32_t slot = (handle >> 16) & 0xff;
    if (handle >> 24 != g->epoch || slot >= (uint32_t)cfg(ctx)->workers) return NULL;
    struct gw_worker *w = &g->workers[slot];
    return w->busy && w->generation == (uint16_t)(handle & 0xffff) ? w : NULL;
}

static void gateway_on_done(struct dslab_node_ctx *ctx, struct gw_gateway *g, const struct gw_msg *m) {
    struct gw_worker *w = worker_of(ctx, g, m->worker);
    if (!w) return; /* the call had timed out */
    g->served++;
    gateway_reply(ctx, w->client, w->id, w->dep, MSG_OK, 0);
    gateway_release(ctx, g, w);
}

static void gateway_call_timeout(struct dslab_node_ctx *ctx, struct gw_gateway *g, uint32_t handle) {
    struct gw_worker *w = worker_of(ctx, g, handle);
    if (!w) return;
    g->timed_out++;
    gateway_reply(ctx, w->client, w->id, w->dep, MSG_FAIL, FAIL_CALL_TIMEOUT);
    gateway_release(ctx, g, w);
}

/* --- client --------------------------------------------------------------------------- */

static void schedule_arrival(struct dslab_node_ctx *ctx) {
    dslab_ctx_set_timer(ctx, proto_exp_gap_ns(ctx, cfg(ctx)->arrival_ns_mean), tag_of(TM_ARRIVAL, 0));
}

static void client_finish(struct dslab_node_ctx *ctx, struct gw_client *cl, struct gw_request *r,
                          const char *outcome) {
    bool ok = strcmp(outcome, "ok") == 0;
    if (ok) cl->ok++;
    else cl->failed++;
    dslab_ctx_annotate(ctx, "request", dslab_ctx_mono_ns(ctx) - r->start_mono_ns, "%s class=%s", outcome,
                       dep_name(ctx, r->dep));
    r->id = 0;
}

static void client_new_request(struct dslab_node_ctx *ctx, struct gw_client *cl) {
    uint8_t dep = (uint8_t)dslab_rng_below(dslab_ctx_rng(ctx), (uint64_t)cfg(ctx)->dependencies);
    uint64_t id = ++cl->next_seq * GW_OUTSTANDING_MAX;
    for (uint64_t k = 0; k < GW_OUTSTANDING_MAX; k++) {
        struct gw_request *r = &cl->reqs[k];
        if (r->id != 0) continue;
        *r = (struct gw_request){.id = id + k, .start_mono_ns = dslab_ctx_mono_ns(ctx), .dep = dep};
        struct gw_msg m = {.type = MSG_REQ, .dep = dep, .id = r->id};
        dslab_ctx_send(ctx, 0, &m, sizeof m);
        dslab_ctx_set_timer(ctx, cfg(ctx)->timeout_ns, tag_of(TM_CLIENT_TIMEOUT, r->id));
        return;
    }
    cl->failed++; /* the client itself is saturated */
    dslab_ctx_annotate(ctx, "request", 0, "fail (client saturated) class=%s", dep_name(ctx, dep));
}

static struct gw_request *request_of(struct gw_client *cl, uint64_t id) {
    struct gw_request *r = &cl->reqs[id % GW_OUTSTANDING_MAX];
    return id != 0 && r->id == id ? r : NULL;
}

static void client_on_reply(struct dslab_node_ctx *ctx, struct gw_client *cl, const struct gw_msg *m) {
    struct gw_request *r = request_of(cl, m->id);
    if (!r) return; /* timed out already */
    if (m->type == MSG_OK) client_finish(ctx, cl, r, "ok");
    else client_finish(ctx, cl, r, m->reason == FAIL_NO_WORKER ? "fail (no free worker)" : "fail (call timeout)");
}

/* --- vtable ------------------------------------------------------------------------------ */

static void gw_init(struct dslab_node_ctx *ctx, void *state) {
    struct gw_state *st = state;
    int32_t self = dslab_ctx_self(ctx);
    st->role = self == 0 ? ROLE_GATEWAY : (self <= cfg(ctx)->dependencies ? ROLE_DEPENDENCY : ROLE_CLIENT);
    static const char *const roles[] = {"gateway", "dependency", "client"};
    dslab_ctx_report_role(ctx, DSLAB_ROLE_OTHER, 0, "%s", roles[st->role]);
    if (st->role == ROLE_CLIENT) schedule_arrival(ctx);
    if (st->role == ROLE_GATEWAY) { /* a new epoch per start: answers to the old one's calls are stale */
        const void *v;
        uint32_t epoch = 0;
        if (dslab_ctx_store_get(ctx, "epoch", &v) == (long)sizeof epoch) memcpy(&epoch, v, sizeof epoch);
        epoch++;
        (void)dslab_ctx_store_put(ctx, "epoch", &epoch, sizeof epoch);
        dslab_ctx_store_sync(ctx);
        st->u.g.epoch = (uint8_t)epoch;
    }
}

static void gw_on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *msg, size_t len) {
    struct gw_state *st = state;
    struct gw_msg m;
    if (!proto_msg_fixed(&m, sizeof m, msg, len)) return;
    switch (st->role) {
    case ROLE_GATEWAY:
        if (m.type == MSG_REQ && from > cfg(ctx)->dependencies) gateway_on_request(ctx, &st->u.g, from, &m);
        else if (m.type == MSG_DONE && from >= 1 && from <= cfg(ctx)->dependencies) gateway_on_done(ctx, &st->u.g, &m);
        break;
    case ROLE_DEPENDENCY:
        if (m.type == MSG_CALL && from == 0) {
            m.type = MSG_DONE;
            st->u.served++;
            dslab_ctx_send(ctx, 0, &m, sizeof m);
        }
        break;
    default:
        if ((m.type == MSG_OK || m.type == MSG_FAIL) && from == 0) client_on_reply(ctx, &st->u.c, &m);
        break;
    }
}

static void gw_on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t timer_id, uint64_t tag) {
    (void)timer_id;
    struct gw_state *st = state;
    uint64_t x = tag >> 4;
    switch ((enum gw_timer)(tag & 0xf)) {
    case TM_ARRIVAL:
        client_new_request(ctx, &st->u.c);
        schedule_arrival(ctx);
        break;
    case TM_CALL_TIMEOUT:
        gateway_call_timeout(ctx, &st->u.g, (uint32_t)x);
        break;
    case TM_CLIENT_TIMEOUT: {
        struct gw_request *r = request_of(&st->u.c, x);
        if (r) client_finish(ctx, &st->u.c, r, "fail (timeout)");
        break;
    }
    }
}

static void gw_describe(const void *state, char *buf, size_t buf_size) {
    const struct gw_state *st = state;
    switch (st->role) {
    case ROLE_GATEWAY: {
        int32_t busy = 0;
        for (int i = 0; i < GW_DEPENDENCIES_MAX; i++) busy += st->u.g.busy[i];
        snprintf(buf, buf_size, "gateway: %d busy; served %lld, rejected %lld, call timeouts %lld", (int)busy,
                 (long long)st->u.g.served, (long long)st->u.g.rejected, (long long)st->u.g.timed_out);
        break;
    }
    case ROLE_DEPENDENCY: snprintf(buf, buf_size, "dependency: served %lld", (long long)st->u.served); break;
    default:
        snprintf(buf, buf_size, "client: %lld ok, %lld failed", (long long)st->u.c.ok, (long long)st->u.c.failed);
        break;
    }
}

static void gw_message_label(const void *msg, size_t len, char *buf, size_t buf_size) {
    static const char *const names[] = {"REQ", "OK", "FAIL", "CALL", "DONE"};
    struct gw_msg m;
    if (len != sizeof m) {
        snprintf(buf, buf_size, "?");
        return;
    }
    memcpy(&m, msg, sizeof m);
    if (m.type > MSG_DONE) {
        snprintf(buf, buf_size, "?");
        return;
    }
    if (m.type == MSG_CALL || m.type == MSG_DONE) {
        snprintf(buf, buf_size, "%s w%u", names[m.type], (unsigned)((m.worker >> 16) & 0xff));
    } else {
        snprintf(buf, buf_size, "%s r%llu dep%d", names[m.type], (unsigned long long)(m.id / GW_OUTSTANDING_MAX),
                 (int)m.dep + 1);
    }
}

const struct dslab_protocol protocol_gateway = {
    .name = "gateway",
    .summary = "a gateway's workers wait on dependencies: one shared pool, or bulkheads per dependency",
    .state_size = sizeof(struct gw_state),
    .configure = gw_configure,
    .destroy_config = proto_config_free,
    .init = gw_init,
    .on_message = gw_on_message,
    .on_timer = gw_on_timer,
    .describe = gw_describe,
    .message_label = gw_message_label,
};
