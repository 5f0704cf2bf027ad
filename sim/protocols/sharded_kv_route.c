/* sharded_kv_route.c: one request's way to the data.
 *
 * A node handling an operation on key k (from a client, or forwarded):
 *   1. holds k                        -> serves it (whatever its view says:
 *                                        the data is here and nowhere else;
 *                                        with replicas, only reads, or the owner)
 *   2. its view names another owner   -> forwards it there (FWD), at most
 *      and the request has < 2 hops      twice, and relays the answer back;
 *                                        with replicas a client's read goes to
 *                                        a copy drawn from this node's stream
 *   3. another owner, 2 hops          -> refuses (views disagree: fail)
 *   4. it owns k, k may still arrive  -> the handoff rule (`handoff`):
 *      from the old owner                forward: PULL the old owner, which
 *                                        serves it if it still holds k, says
 *                                        NOT_YET if k is on the wire (the
 *                                        request waits for the MOVE) or ABSENT;
 *                                        stale: serve what is here (nil);
 *                                        refuse: fail until the old owner's DONE
 *   5. it owns k                      -> serves it (nil for a key never written)
 *
 * A request this node waits on (forwarded, pulled, parked) is given up
 * after `timeout` without an answer to anyone: the client times out and
 * records the operation as indeterminate. */
#include <string.h>

#include "dslab/history.h"
#include "protocols/sharded_kv_internal.h"

const struct skv_ring *skv_view(const struct dslab_node_ctx *ctx, const struct skv_state *s) {
    const struct skv_config *c = dslab_ctx_config(ctx);
    return s->changed ? &c->after : &c->before;
}

uint64_t skv_timeout_tag(int32_t slot, uint64_t seq) {
    return (uint64_t)SKV_TIMER_TIMEOUT | (uint64_t)slot << 8 | seq << 16;
}

/* Applies op to this node's table; *version_out: a write's new version. */
static enum dslab_reply_status serve(struct dslab_node_ctx *ctx, struct skv_state *s,
                                     const struct skv_pending *op, int64_t *value_out, int64_t *version_out) {
    int32_t i = skv_table_find(s->keys, s->keys_count, op->key);
    int64_t current = i >= 0 ? s->keys[i].value : DSLAB_HISTORY_NIL;
    s->served++;
    if (op->fn == DSLAB_OP_READ) {
        *value_out = current;
        return DSLAB_REPLY_OK;
    }
    *value_out = op->value;
    if (op->fn == DSLAB_OP_CAS && current != op->expected) return DSLAB_REPLY_FAIL;
    *version_out = skv_table_put(s->keys, &s->keys_count, SKV_KEYS_MAX, op->key, op->value);
    if (*version_out < 0) {
        dslab_ctx_annotate(ctx, "full", op->key, "no room for k%lld", (long long)op->key);
        return DSLAB_REPLY_FAIL;
    }
    return DSLAB_REPLY_OK;
}

void skv_answer(struct dslab_node_ctx *ctx, const struct skv_pending *p, int status, int64_t value) {
    if (p->upstream < 0) {
        dslab_ctx_reply(ctx, p->upstream_id, (enum dslab_reply_status)status, value);
        return;
    }
    struct skv_msg m;
    memset(&m, 0, sizeof m);
    m.type = SKV_MSG_REPLY;
    m.status = (uint8_t)status;
    m.seq = p->upstream_id;
    m.key = p->key;
    m.value = value;
    dslab_ctx_send(ctx, p->upstream, &m, sizeof m);
}

static void serve_and_answer(struct dslab_node_ctx *ctx, struct skv_state *s, const struct skv_pending *p) {
    const struct skv_config *c = dslab_ctx_config(ctx);
    int64_t value = DSLAB_HISTORY_NIL, version = 0;
    enum dslab_reply_status st = serve(ctx, s, p, &value, &version);
    if (c->replicas > 1 && p->fn != DSLAB_OP_READ && st == DSLAB_REPLY_OK) {
        skv_replicate(ctx, s, p, value, version); /* answers when every copy has it */
        return;
    }
    skv_answer(ctx, p, st, value);
}

static void release(struct dslab_node_ctx *ctx, struct skv_pending *p) {
    dslab_ctx_cancel_timer(ctx, p->timer);
    memset(p, 0, sizeof *p);
}

struct skv_pending *skv_pending_new(struct skv_state *s) {
    for (int32_t i = 0; i < SKV_PENDING_MAX; i++) {
        if (!s->pending[i].used) return &s->pending[i];
    }
    return NULL;
}

/* Sends op (type FWD or PULL) to `to` and waits for its REPLY. */
static void ask(struct dslab_node_ctx *ctx, struct skv_state *s, const struct skv_pending *op,
                uint8_t type, int32_t to) {
    const struct skv_config *c = dslab_ctx_config(ctx);
    struct skv_pending *p = skv_pending_new(s);
    if (!p) {
        s->refused++;
        dslab_ctx_annotate(ctx, "refused", op->key, "k%lld: %d requests in flight already",
                           (long long)op->key, SKV_PENDING_MAX);
        skv_answer(ctx, op, DSLAB_REPLY_FAIL, DSLAB_HISTORY_NIL);
        return;
    }
    *p = *op;
    p->used = true;
    p->parked = false;
    p->waits_on = to;
    p->seq = ++s->next_seq;
    p->timer = dslab_ctx_set_timer(ctx, c->timeout_ns, skv_timeout_tag((int32_t)(p - s->pending), p->seq));
    struct skv_msg m;
    memset(&m, 0, sizeof m);
    m.type = type;
    m.fn = p->fn;
    m.hops = (uint8_t)(p->hops + 1);
    m.seq = p->seq;
    m.key = p->key;
    m.value = p->value;
    m.expected = p->expected;
    dslab_ctx_send(ctx, to, &m, sizeof m);
}

void skv_handle(struct dslab_node_ctx *ctx, struct skv_state *s, int32_t upstream, uint64_t id,
                const struct skv_msg *msg) {
    const struct skv_config *c = dslab_ctx_config(ctx);
    struct skv_pending op;
    memset(&op, 0, sizeof op);
    op.fn = msg->fn;
    op.hops = msg->hops;
    op.upstream = upstream;
    op.upstream_id = id;
    op.key = msg->key;
    op.value = msg->value;
    op.expected = msg->expected;
    if (skv_table_find(s->keys, s->keys_count, op.key) >= 0) { /* 1 */
        serve_and_answer(ctx, s, &op);
        return;
    }
    int32_t owner = skv_ring_owner(skv_view(ctx, s), op.key);
    if (owner != s->self && owner >= 0 && op.hops < 2) { /* 2 */
        s->forwarded++;
        ask(ctx, s, &op, SKV_MSG_FWD, owner);
        return;
    }
    if (owner != s->self) { /* 3 */
        s->refused++;
        dslab_ctx_annotate(ctx, "refused", op.key, "k%lld is not mine and has been forwarded twice",
                           (long long)op.key);
        skv_answer(ctx, &op, DSLAB_REPLY_FAIL, DSLAB_HISTORY_NIL);
        return;
    }
    int32_t old = s->changed ? skv_ring_owner(&c->before, op.key) : s->self;
    if (old >= 0 && old != s->self && (s->awaiting >> old & 1u)) { /* 4 */
        if (c->handoff == SKV_HANDOFF_FORWARD) {
            ask(ctx, s, &op, SKV_MSG_PULL, old);
            return;
        }
        if (c->handoff == SKV_HANDOFF_REFUSE) {
            s->refused++;
            skv_answer(ctx, &op, DSLAB_REPLY_FAIL, DSLAB_HISTORY_NIL);
            return;
        }
        s->stale++;
        dslab_ctx_annotate(ctx, "stale", op.key, "k%lld served before it arrived from %s",
                           (long long)op.key, dslab_ctx_node_name(ctx, old));
    }
    serve_and_answer(ctx, s, &op); /* 5 */
}

void skv_on_pull(struct dslab_node_ctx *ctx, struct skv_state *s, int32_t from, const struct skv_msg *m) {
    struct skv_pending op;
    memset(&op, 0, sizeof op);
    op.fn = m->fn;
    op.upstream = from;
    op.upstream_id = m->seq;
    op.key = m->key;
    op.value = m->value;
    op.expected = m->expected;
    if (skv_table_find(s->keys, s->keys_count, m->key) >= 0) {
        serve_and_answer(ctx, s, &op);
    } else {
        skv_answer(ctx, &op, skv_in_flight(s, m->key) ? SKV_NOT_YET : SKV_ABSENT, DSLAB_HISTORY_NIL);
    }
}

static struct skv_pending *pending_by_seq(struct skv_state *s, uint64_t seq) {
    for (int32_t i = 0; i < SKV_PENDING_MAX; i++) {
        if (s->pending[i].used && s->pending[i].seq == seq) return &s->pending[i];
    }
    return NULL;
}

void skv_on_reply(struct dslab_node_ctx *ctx, struct skv_state *s, int32_t from, const struct skv_msg *m) {
    struct skv_pending *p = pending_by_seq(s, m->seq);
    if (!p || p->waits_on != from) return; /* given up already, or not ours */
    if (m->status == SKV_NOT_YET && skv_table_find(s->keys, s->keys_count, p->key) < 0) {
        p->parked = true; /* its MOVE is on the wire: skv_unpark serves it */
        return;
    }
    if (m->status == SKV_NOT_YET || m->status == SKV_ABSENT) {
        serve_and_answer(ctx, s, p);
    } else {
        skv_answer(ctx, p, m->status, m->value);
    }
    release(ctx, p);
}

void skv_unpark(struct dslab_node_ctx *ctx, struct skv_state *s, int32_t from, bool key_any, int64_t key) {
    for (int32_t i = 0; i < SKV_PENDING_MAX; i++) {
        struct skv_pending *p = &s->pending[i];
        if (!p->used || !p->parked) continue;
        if (key_any ? p->waits_on != from : p->key != key) continue;
        serve_and_answer(ctx, s, p);
        release(ctx, p);
    }
}

void skv_on_timeout(struct dslab_node_ctx *ctx, struct skv_state *s, int32_t slot, uint64_t seq) {
    if (slot < 0 || slot >= SKV_PENDING_MAX) return;
    struct skv_pending *p = &s->pending[slot];
    if (!p->used || p->seq != seq) return;
    dslab_ctx_annotate(ctx, "gave-up", p->key, "k%lld: no answer from %s", (long long)p->key,
                       p->waits_on >= 0 ? dslab_ctx_node_name(ctx, p->waits_on) : "its copies");
    memset(p, 0, sizeof *p);
}
