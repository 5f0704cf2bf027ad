/* sharded_kv.c: a partitioned (sharded) key-value store: every key lives
 * on exactly one node, chosen by `partitioning` (mod-n or consistent
 * hashing with `vnodes` points per node: sharded_kv_ring.c). A client may
 * reach any node; that node forwards the request to the key's owner and
 * relays the answer (sharded_kv_route.c). One membership change during the
 * run (`change: join | leave` of `change_node` at `change_at`) moves the
 * keys whose owner changed, at `move_rate` keys per second
 * (sharded_kv_move.c); requests for a key still on its way are handled by
 * `handoff`. This file: the parameters, the vtable, the end-of-run report.
 * `replicas` > 1 keeps copies of every key for reads (sharded_kv_replica.c).
 * Nothing is durable: a crashed node's keys are unavailable and lost. Knobs and trade-offs: docs/PROTOCOLS.md, sharded-kv. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/history.h"
#include "dslab/time.h"
#include "protocols/proto_util.h"
#include "protocols/sharded_kv_internal.h"

/* --- configuration ---------------------------------------------------------- */

static const char *const skv_known_params[] = {
    "partitioning", "vnodes", "change", "change_node", "change_at", "move_rate", "key_bytes",
    "handoff",      "timeout", "replicas", NULL,
};
static const char *const skv_schemes[] = {"mod-n", "consistent-hash", NULL};
static const char *const skv_changes[] = {"none", "join", "leave", NULL};
static const char *const skv_handoffs[] = {"forward", "stale", "refuse", NULL};

#define SKV_KEY_BYTES_MAX (INT64_C(1) << 30) /* 1 GiB: a value, not a snapshot */
#define SKV_MOVE_RATE_MAX 1000000            /* one key per microsecond */

static int change_node_of(const struct dslab_scenario *s, int32_t *out, struct dslab_diag *diag) {
    *out = s->nodes_count - 1; /* default: the last node */
    const struct dslab_scenario_param *p = dslab_param_find(s, "change_node");
    if (!p) return 0;
    for (int32_t i = 0; i < s->nodes_count; i++) {
        if (strcmp(s->node_names[i], p->value) == 0) {
            *out = i;
            return 0;
        }
    }
    return dslab_param_error_at(s, p, diag, "change_node must be one of the scenario's nodes");
}

static int skv_configure(const struct dslab_scenario *s, void **config_out, struct dslab_diag *diag) {
    if (s->nodes_count > SKV_NODES_MAX) {
        return proto_error(s, diag, "sharded-kv supports at most %d nodes, the scenario has %d",
                           SKV_NODES_MAX, (int)s->nodes_count);
    }
    if (s->workload.clients_count > 0 && s->workload.keys_count > SKV_KEYS_MAX) {
        return proto_error(s, diag, "sharded-kv holds at most %d keys per node; workload.keys is %d",
                           SKV_KEYS_MAX, (int)s->workload.keys_count);
    }
    struct skv_config *c = calloc(1, sizeof *c);
    if (!c) return proto_error(s, diag, "out of memory");
    int scheme = SKV_CONSISTENT_HASH, change = SKV_CHANGE_NONE, handoff = SKV_HANDOFF_FORWARD;
    int64_t vnodes = 0, move_rate = 0, key_bytes = 0, replicas = 1;
    int rc = -1;
    if (dslab_param_reject_unknown(s, skv_known_params, diag) != 0 ||
        dslab_param_choice(s, "partitioning", skv_schemes, SKV_CONSISTENT_HASH, &scheme, diag) != 0 ||
        dslab_param_int(s, "vnodes", 16, 1, SKV_VNODES_MAX, &vnodes, diag) != 0 ||
        dslab_param_choice(s, "change", skv_changes, SKV_CHANGE_NONE, &change, diag) != 0 ||
        change_node_of(s, &c->change_node, diag) != 0 ||
        dslab_param_duration_ns(s, "change_at", 5 * DSLAB_NS_PER_S, &c->change_at_ns, diag) != 0 ||
        dslab_param_int(s, "move_rate", 100, 1, SKV_MOVE_RATE_MAX, &move_rate, diag) != 0 ||
        dslab_param_int(s, "key_bytes", 1024, 1, SKV_KEY_BYTES_MAX, &key_bytes, diag) != 0 ||
        dslab_param_choice(s, "handoff", skv_handoffs, SKV_HANDOFF_FORWARD, &handoff, diag) != 0 ||
        dslab_param_duration_ns(s, "timeout", 500 * DSLAB_NS_PER_MS, &c->timeout_ns, diag) != 0 ||
        dslab_param_int(s, "replicas", 1, 1, s->nodes_count, &replicas, diag) != 0) {
        goto out;
    }
    if (c->timeout_ns <= 0) {
        proto_param_error(s, "timeout", diag, "timeout must be > 0");
        goto out;
    }
    if (change != SKV_CHANGE_NONE && c->change_at_ns >= s->duration_ns) {
        proto_param_error(s, "change_at", diag, "change_at must be before the end of the run");
        goto out;
    }
    if (change == SKV_CHANGE_NONE && (dslab_param_find(s, "change_node") || dslab_param_find(s, "change_at"))) {
        proto_param_error(s, dslab_param_find(s, "change_node") ? "change_node" : "change_at", diag,
                          "change_node and change_at need change: join or change: leave");
        goto out;
    }
    if (replicas > 1 && change != SKV_CHANGE_NONE) {
        proto_param_error(s, "replicas", diag,
                          "replicas above 1 needs change: none (a rebalance moves one copy per key)");
        goto out;
    }
    if (change == SKV_CHANGE_LEAVE && s->nodes_count < 2) {
        proto_param_error(s, "change", diag, "change: leave needs 2 or more nodes (one must stay)");
        goto out;
    }
    c->partitioning = scheme;
    c->vnodes = (int32_t)vnodes;
    c->change = change;
    c->handoff = handoff;
    c->replicas = (int32_t)replicas;
    c->move_rate = move_rate;
    c->move_interval_ns = DSLAB_NS_PER_S / move_rate;
    c->key_bytes = (uint64_t)key_bytes;
    uint32_t all = s->nodes_count == 32 ? UINT32_MAX : (1u << s->nodes_count) - 1u;
    uint32_t before = change == SKV_CHANGE_JOIN ? all & ~(1u << c->change_node) : all;
    uint32_t after = change == SKV_CHANGE_LEAVE ? all & ~(1u << c->change_node) : all;
    if (change == SKV_CHANGE_JOIN && s->nodes_count < 2) {
        proto_param_error(s, "change", diag, "change: join needs 2 or more nodes (one must own keys first)");
        goto out;
    }
    skv_ring_build(&c->before, scheme, before, s->nodes_count, c->vnodes);
    skv_ring_build(&c->after, scheme, after, s->nodes_count, c->vnodes);
    *config_out = c;
    return 0;
out:
    free(c);
    return rc;
}

static void skv_destroy_config(void *config) {
    free(config);
}

/* --- callbacks ----------------------------------------------------------------- */

static void skv_init(struct dslab_node_ctx *ctx, void *state) {
    const struct skv_config *c = dslab_ctx_config(ctx);
    struct skv_state *s = state;
    s->up = true;
    s->self = dslab_ctx_self(ctx);
    s->nodes_count = dslab_ctx_nodes_count(ctx);
    s->rebalance_start_ns = s->rebalance_end_ns = -1;
    if (c->change != SKV_CHANGE_NONE) dslab_ctx_set_timer(ctx, c->change_at_ns, SKV_TIMER_CHANGE);
}

static void skv_on_request(struct dslab_node_ctx *ctx, void *state, const struct dslab_client_request *req) {
    struct skv_msg m;
    memset(&m, 0, sizeof m);
    m.fn = (uint8_t)req->fn;
    m.key = req->key;
    m.value = req->value;
    m.expected = req->expected;
    skv_handle(ctx, state, -1, req->request_id, &m);
}

static void skv_on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *msg, size_t len) {
    struct skv_state *s = state;
    struct skv_msg m;
    if (!proto_msg_fixed(&m, sizeof m, msg, len)) return;
    switch (m.type) {
    case SKV_MSG_FWD: skv_handle(ctx, s, from, m.seq, &m); break;
    case SKV_MSG_PULL: skv_on_pull(ctx, s, from, &m); break;
    case SKV_MSG_REPLY: skv_on_reply(ctx, s, from, &m); break;
    case SKV_MSG_MOVE: skv_on_move(ctx, s, from, &m); break;
    case SKV_MSG_MOVE_ACK: skv_on_move_ack(ctx, s, from, &m); break;
    case SKV_MSG_DONE: skv_on_done(ctx, s, from); break;
    case SKV_MSG_REPL: skv_on_repl(ctx, s, from, &m); break;
    case SKV_MSG_REPL_ACK: skv_on_repl_ack(ctx, s, from, &m); break;
    default: break;
    }
}

static void skv_on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t timer_id, uint64_t tag) {
    (void)timer_id;
    struct skv_state *s = state;
    switch (tag & 0xff) {
    case SKV_TIMER_CHANGE: skv_change(ctx, s); break;
    case SKV_TIMER_MOVE: skv_move_tick(ctx, s); break;
    case SKV_TIMER_TIMEOUT: skv_on_timeout(ctx, s, (int32_t)(tag >> 8 & 0xff), tag >> 16); break;
    default: break;
    }
}

/* The run's metrics: the load of each node that owns keys at the end
 * ("load", value = requests it served since the membership change, or in
 * the whole run without one; read by the load-balance checker), and its
 * keys as final values (no-lost-acknowledged-writes: a write is lost when
 * no node holds it). A node outside the final view reports no load. */
static void skv_on_finish(struct dslab_node_ctx *ctx, void *state) {
    struct skv_state *s = state;
    if (!s->up) return; /* crashed: its keys are gone with it */
    if (skv_view(ctx, s)->members_mask >> s->self & 1u) {
        int64_t load = s->served - s->served_at_change;
        dslab_ctx_annotate(ctx, "load", load, "served %lld requests%s", (long long)load,
                           s->changed ? " since the change" : "");
    }
    if (s->moved_in > 0) { /* counted where keys arrived: a crashed sender still counts */
        dslab_ctx_annotate(ctx, "moved", s->moved_in, "%lld keys moved in", (long long)s->moved_in);
    }
    dslab_ctx_report_final_state(ctx, s->keys_count,
                                 "%d keys; served %lld, forwarded %lld, refused %lld, stale %lld; "
                                 "moved out %lld, in %lld, overwritten %lld",
                                 (int)s->keys_count, (long long)s->served, (long long)s->forwarded,
                                 (long long)s->refused, (long long)s->stale, (long long)s->moved_out,
                                 (long long)s->moved_in, (long long)s->overwritten);
    for (int32_t i = 0; i < s->keys_count; i++) {
        dslab_ctx_report_final_value(ctx, s->keys[i].key, s->keys[i].value);
    }
}

static void skv_describe(const void *state, char *buf, size_t size) {
    const struct skv_state *s = state;
    int32_t parked = 0;
    for (int32_t i = 0; i < SKV_PENDING_MAX; i++) parked += s->pending[i].used && s->pending[i].parked;
    snprintf(buf, size, "%d keys, %d moving, %d waiting, served %lld", (int)s->keys_count,
             (int)s->flight_count, (int)parked, (long long)s->served);
}

static void skv_message_label(const void *msg, size_t len, char *buf, size_t size) {
    struct skv_msg m;
    if (!proto_msg_fixed(&m, sizeof m, msg, len)) {
        snprintf(buf, size, "?");
        return;
    }
    static const char *const kinds[] = {"?", "Fwd", "Pull", "Reply", "Move", "MoveAck", "Done", "Repl", "ReplAck"};
    const char *kind = m.type < sizeof kinds / sizeof kinds[0] ? kinds[m.type] : "?";
    switch (m.type) {
    case SKV_MSG_FWD:
    case SKV_MSG_PULL:
        snprintf(buf, size, "%s %s k%lld #%llu", kind, dslab_op_fn_name((enum dslab_op_fn)m.fn),
                 (long long)m.key, (unsigned long long)m.seq);
        break;
    case SKV_MSG_REPLY:
        snprintf(buf, size, "%s k%lld %s #%llu", kind, (long long)m.key,
                 m.status == SKV_NOT_YET  ? "not-yet"
                 : m.status == SKV_ABSENT ? "absent"
                 : m.status == DSLAB_REPLY_OK ? "ok"
                                              : "fail",
                 (unsigned long long)m.seq);
        break;
    case SKV_MSG_MOVE:
    case SKV_MSG_REPL: snprintf(buf, size, "%s k%lld v=%lld", kind, (long long)m.key, (long long)m.value); break;
    case SKV_MSG_REPL_ACK:
    case SKV_MSG_MOVE_ACK: snprintf(buf, size, "%s k%lld", kind, (long long)m.key); break;
    default: snprintf(buf, size, "%s", kind); break;
    }
}

const struct dslab_protocol protocol_sharded_kv = {
    .name = "sharded-kv",
    .summary = "keys partitioned by mod-n or consistent hashing; a node joins or leaves, keys move",
    .state_size = sizeof(struct skv_state),
    .configure = skv_configure,
    .destroy_config = skv_destroy_config,
    .init = skv_init,
    .on_message = skv_on_message,
    .on_timer = skv_on_timer,
    .on_request = skv_on_request,
    .on_restart = NULL,
    .describe = skv_describe,
    .message_label = skv_message_label,
    .on_finish = skv_on_finish,
};
