/* crdt.c: replicas of counters or sets that accept every update locally
 * (always available) and converge by anti-entropy: every
 * `anti_entropy_interval` each node sends its whole state to `fanout`
 * peers drawn from its own random stream, and a receiver merges it
 * (crdt_types.c). The replicated types are in crdt_internal.h; knobs and
 * client operations in docs/PROTOCOLS.md ("crdt").
 *
 * One object per workload key. Client operations, answered at once by the
 * node the client reaches:
 *   read  k  the value: the count, or 1 (k is in the set) / 0 (it is not);
 *   write k  increment counter k by 1, or add element k;
 *   cas   k  decrement counter k by 1, or remove element k (the cas's
 *            expected and new values are ignored).
 * A local update is persisted (whole state, synced) before the reply, so a
 * restarted node keeps its own increments and dots; what it had merged
 * from others comes back by anti-entropy.
 *
 * Annotations: "overwrite" (value = key) when an LWW merge replaced a
 * different local value: the updates behind the loser are gone. */
#include <stdio.h>
#include <string.h>

#include "dslab/node.h"
#include "dslab/time.h"
#include "protocols/crdt_internal.h"
#include "protocols/proto_util.h"

struct crdt_config {
    enum crdt_type type;
    int64_t interval_ns;
    int32_t fanout;
    int32_t keys;
};

struct crdt_state {
    struct crdt_obj obj[CRDT_KEYS_MAX];
    int64_t updates;   /* local updates applied */
    int64_t merges;    /* states received and merged */
};

static const char *const crdt_types[] = {"lww-counter", "pn-counter", "lww-set", "or-set", NULL};

static int crdt_configure(const struct dslab_scenario *s, void **config_out,
                          struct dslab_diag *diag) {
    static const char *const known[] = {"type", "anti_entropy_interval", "fanout", NULL};
    struct crdt_config c;
    memset(&c, 0, sizeof c);
    if (s->nodes_count > CRDT_NODES_MAX) {
        return proto_error(s, diag, "crdt supports at most %d nodes, the scenario has %d",
                           CRDT_NODES_MAX, (int)s->nodes_count);
    }
    int32_t keys = s->workload.clients_count > 0 ? s->workload.keys_count : 1;
    if (keys > CRDT_KEYS_MAX) {
        return proto_error(s, diag, "crdt supports at most %d keys (workload.keys), the scenario "
                                    "has %d", CRDT_KEYS_MAX, (int)keys);
    }
    int type = CRDT_PN_COUNTER;
    int64_t fanout = 1;
    int64_t peers = s->nodes_count > 1 ? s->nodes_count - 1 : 1;
    if (dslab_param_reject_unknown(s, known, diag) != 0 ||
        dslab_param_choice(s, "type", crdt_types, CRDT_PN_COUNTER, &type, diag) != 0 ||
        dslab_param_duration_ns(s, "anti_entropy_interval", 200 * DSLAB_NS_PER_MS, &c.interval_ns,
                                diag) != 0 ||
        dslab_param_int(s, "fanout", 1, 1, peers, &fanout, diag) != 0) {
        return -1;
    }
    if (c.interval_ns < DSLAB_NS_PER_MS) {
        return proto_param_error(s, "anti_entropy_interval", diag,
                                 "anti_entropy_interval must be at least 1ms (at most 24h)");
    }
    c.type = (enum crdt_type)type;
    c.fanout = (int32_t)fanout;
    c.keys = keys;
    if (crdt_msg_bytes(c.type, s->nodes_count, keys) > DSLAB_MSG_PAYLOAD_MAX) {
        return proto_error(s, diag, "crdt %s state of %d keys on %d nodes takes %zu bytes, more "
                                    "than a message holds (%d): use fewer keys or nodes",
                           crdt_types[type], (int)keys, (int)s->nodes_count,
                           crdt_msg_bytes(c.type, s->nodes_count, keys), DSLAB_MSG_PAYLOAD_MAX);
    }
    return proto_config_keep(s, &c, sizeof c, config_out, diag);
}

/* --- the whole state as words: the message and the stored record ---------- */

static size_t pack_state(const struct crdt_config *c, const struct crdt_state *st, int32_t nodes,
                         int64_t *words) {
    size_t per = crdt_obj_words(c->type, nodes), used = 1;
    words[0] = c->keys;
    for (int32_t k = 0; k < c->keys; k++, used += per) {
        crdt_obj_pack(c->type, &st->obj[k], nodes, words + used);
    }
    return used * sizeof words[0];
}

static void persist(struct dslab_node_ctx *ctx, const struct crdt_state *st) {
    const struct crdt_config *c = dslab_ctx_config(ctx);
    int64_t words[DSLAB_MSG_PAYLOAD_MAX / sizeof(int64_t)];
    size_t bytes = pack_state(c, st, dslab_ctx_nodes_count(ctx), words);
    dslab_ctx_store_put(ctx, "crdt", words, bytes);
    dslab_ctx_store_sync(ctx);
}

static void schedule(struct dslab_node_ctx *ctx, int64_t delay_ns) {
    dslab_ctx_set_timer(ctx, delay_ns, 0);
}

static void crdt_init(struct dslab_node_ctx *ctx, void *state) {
    struct crdt_state *st = state;
    const struct crdt_config *c = dslab_ctx_config(ctx);
    int32_t nodes = dslab_ctx_nodes_count(ctx);
    for (int32_t k = 0; k < CRDT_KEYS_MAX; k++) crdt_obj_empty(&st->obj[k]);
    const void *p = NULL;
    long len = dslab_ctx_store_get(ctx, "crdt", &p);
    if (len >= 0 && (size_t)len == crdt_msg_bytes(c->type, nodes, c->keys)) {
        int64_t words[DSLAB_MSG_PAYLOAD_MAX / sizeof(int64_t)];
        memcpy(words, p, (size_t)len);
        size_t per = crdt_obj_words(c->type, nodes);
        for (int32_t k = 0; k < c->keys; k++) {
            crdt_obj_unpack(c->type, &st->obj[k], nodes, words + 1 + (size_t)k * per);
        }
    }
    /* First round at a random phase in (0, interval], so nodes do not gossip in lockstep. */
    schedule(ctx, 1 + (int64_t)dslab_rng_below(dslab_ctx_rng(ctx), (uint64_t)c->interval_ns));
}

/* --- anti-entropy ------------------------------------------------------------ */

static void crdt_on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t timer_id,
                          uint64_t tag) {
    (void)timer_id;
    (void)tag;
    struct crdt_state *st = state;
    const struct crdt_config *c = dslab_ctx_config(ctx);
    int32_t nodes = dslab_ctx_nodes_count(ctx), self = dslab_ctx_self(ctx);
    schedule(ctx, c->interval_ns);
    if (nodes < 2) return;
    int64_t words[DSLAB_MSG_PAYLOAD_MAX / sizeof(int64_t)];
    size_t bytes = pack_state(c, st, nodes, words);
    /* `fanout` distinct peers: a partial Fisher-Yates shuffle of the others in id order. */
    int32_t peers[CRDT_NODES_MAX], count = 0;
    for (int32_t j = 0; j < nodes; j++) {
        if (j != self) peers[count++] = j;
    }
    for (int32_t i = 0; i < c->fanout && i < count; i++) {
        int32_t pick = i + (int32_t)dslab_rng_below(dslab_ctx_rng(ctx), (uint64_t)(count - i));
        int32_t to = peers[pick];
        peers[pick] = peers[i];
        peers[i] = to;
        dslab_ctx_send(ctx, to, words, bytes);
    }
}

static void crdt_on_message(struct dslab_node_ctx *ctx, void *state, int32_t from,
                            const void *msg, size_t len) {
    struct crdt_state *st = state;
    const struct crdt_config *c = dslab_ctx_config(ctx);
    int32_t nodes = dslab_ctx_nodes_count(ctx);
    if (len != crdt_msg_bytes(c->type, nodes, c->keys)) return; /* malformed */
    int64_t words[DSLAB_MSG_PAYLOAD_MAX / sizeof(int64_t)];
    memcpy(words, msg, len);
    if (words[0] != c->keys) return;
    size_t per = crdt_obj_words(c->type, nodes);
    st->merges++;
    for (int32_t k = 0; k < c->keys; k++) {
        struct crdt_obj in;
        crdt_obj_unpack(c->type, &in, nodes, words + 1 + (size_t)k * per);
        int64_t before = crdt_obj_value(c->type, &st->obj[k], nodes);
        crdt_obj_merge(c->type, &st->obj[k], &in, nodes);
        int64_t after = crdt_obj_value(c->type, &st->obj[k], nodes);
        if (crdt_type_is_lww(c->type) && before != after) {
            dslab_ctx_annotate(ctx, "overwrite", k, "k%d: %lld replaced by %lld from %s",
                               (int)k, (long long)before, (long long)after,
                               dslab_ctx_node_name(ctx, from));
        }
    }
}

/* --- clients ----------------------------------------------------------------- */

static void crdt_on_request(struct dslab_node_ctx *ctx, void *state,
                            const struct dslab_client_request *req) {
    struct crdt_state *st = state;
    const struct crdt_config *c = dslab_ctx_config(ctx);
    int32_t nodes = dslab_ctx_nodes_count(ctx);
    if (req->key < 0 || req->key >= c->keys) {
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_FAIL, 0);
        return;
    }
    struct crdt_obj *o = &st->obj[req->key];
    if (req->fn == DSLAB_OP_READ) {
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_OK, crdt_obj_value(c->type, o, nodes));
        return;
    }
    if (req->fn != DSLAB_OP_WRITE && req->fn != DSLAB_OP_CAS) {
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_FAIL, 0);
        return;
    }
    crdt_obj_update(c->type, o, dslab_ctx_self(ctx), nodes, dslab_ctx_wall_ns(ctx),
                    req->fn == DSLAB_OP_WRITE);
    st->updates++;
    persist(ctx, st);
    dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_OK, 0);
}

/* --- reports ----------------------------------------------------------------- */

static void crdt_on_finish(struct dslab_node_ctx *ctx, void *state) {
    const struct crdt_state *st = state;
    const struct crdt_config *c = dslab_ctx_config(ctx);
    int32_t nodes = dslab_ctx_nodes_count(ctx);
    dslab_ctx_report_final_state(ctx, c->keys, "%s: %lld local updates, %lld states merged",
                                 crdt_types[c->type], (long long)st->updates,
                                 (long long)st->merges);
    for (int32_t k = 0; k < c->keys; k++) {
        dslab_ctx_report_final_value(ctx, k, crdt_obj_value(c->type, &st->obj[k], nodes));
    }
}

static void crdt_describe(const void *state, char *buf, size_t buf_size) {
    const struct crdt_state *st = state;
    snprintf(buf, buf_size, "%lld updates, %lld merges", (long long)st->updates,
             (long long)st->merges);
}

static void crdt_message_label(const void *msg, size_t len, char *buf, size_t buf_size) {
    int64_t keys = -1;
    if (len >= sizeof keys) memcpy(&keys, msg, sizeof keys);
    snprintf(buf, buf_size, "AntiEntropy %lld keys, %zu bytes", (long long)keys, len);
}

const struct dslab_protocol protocol_crdt = {
    .name = "crdt",
    .summary = "counters or sets updated locally, converging by anti-entropy (LWW or CRDT merge)",
    .state_size = sizeof(struct crdt_state),
    .configure = crdt_configure,
    .destroy_config = proto_config_free,
    .init = crdt_init,
    .on_message = crdt_on_message,
    .on_timer = crdt_on_timer,
    .on_request = crdt_on_request,
    .on_restart = NULL, /* init() reloads the durable store */
    .describe = crdt_describe,
    .message_label = crdt_message_label,
    .on_finish = crdt_on_finish,
};
