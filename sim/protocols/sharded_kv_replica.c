/* sharded_kv_replica.c: copies of each key (`replicas` > 1), so that a
 * hot key's reads spread over several nodes.
 *
 * The key's owner (replica 0) takes every write and cas; after applying it
 * (a new version) it sends REPL to the other replicas and answers the
 * request only when all of them acknowledged: no acknowledged write is
 * missing from any copy. A replica keeps a copy only if it is newer than
 * the one it has (versions), so reordered REPLs cannot roll it back. Any
 * copy answers a read (sharded_kv_route.c). The price: every write is
 * applied `replicas` times, and two reads at two copies during one write
 * may see new then old (not linearizable; never older than a write
 * acknowledged before the read: stale-reads holds). A lost REPL or ack
 * leaves the write unanswered (the client times out: indeterminate). */
#include <string.h>

#include "protocols/sharded_kv_internal.h"

void skv_replicate(struct dslab_node_ctx *ctx, struct skv_state *s, const struct skv_pending *op,
                   int64_t value, int64_t version) {
    const struct skv_config *c = dslab_ctx_config(ctx);
    struct skv_pending *p = skv_pending_new(s);
    if (!p) { /* applied here, copies not sent: outcome unknown to the client */
        dslab_ctx_annotate(ctx, "refused", op->key, "k%lld: %d requests in flight already",
                           (long long)op->key, SKV_PENDING_MAX);
        skv_answer(ctx, op, DSLAB_REPLY_UNKNOWN, -1);
        return;
    }
    *p = *op;
    p->used = true;
    p->parked = false;
    p->waits_on = -1;
    p->value = value;
    p->seq = ++s->next_seq;
    p->acks_left = 0;
    p->timer = dslab_ctx_set_timer(ctx, c->timeout_ns, skv_timeout_tag((int32_t)(p - s->pending), p->seq));
    const struct skv_ring *view = skv_view(ctx, s);
    for (int32_t j = 0; j < c->replicas; j++) {
        int32_t to = skv_ring_replica(view, op->key, j);
        if (to < 0 || to == s->self) continue;
        struct skv_msg m;
        memset(&m, 0, sizeof m);
        m.type = SKV_MSG_REPL;
        m.seq = p->seq;
        m.key = op->key;
        m.value = value;
        m.expected = version;
        dslab_ctx_send(ctx, to, &m, sizeof m);
        p->acks_left++;
    }
    if (p->acks_left == 0) { /* fewer members than replicas: this is the only copy */
        skv_answer(ctx, p, DSLAB_REPLY_OK, value);
        dslab_ctx_cancel_timer(ctx, p->timer);
        memset(p, 0, sizeof *p);
    }
}

void skv_on_repl(struct dslab_node_ctx *ctx, struct skv_state *s, int32_t from, const struct skv_msg *m) {
    s->served++; /* a copy costs this node a write */
    if (skv_table_apply(s->keys, &s->keys_count, SKV_KEYS_MAX, m->key, m->value, m->expected) < 0) {
        dslab_ctx_annotate(ctx, "full", m->key, "no room for k%lld", (long long)m->key);
        return; /* not acknowledged: the write stays unanswered */
    }
    struct skv_msg ack;
    memset(&ack, 0, sizeof ack);
    ack.type = SKV_MSG_REPL_ACK;
    ack.seq = m->seq;
    ack.key = m->key;
    dslab_ctx_send(ctx, from, &ack, sizeof ack);
}

void skv_on_repl_ack(struct dslab_node_ctx *ctx, struct skv_state *s, int32_t from, const struct skv_msg *m) {
    (void)from;
    for (int32_t i = 0; i < SKV_PENDING_MAX; i++) {
        struct skv_pending *p = &s->pending[i];
        if (!p->used || p->seq != m->seq || p->waits_on != -1) continue;
        if (--p->acks_left > 0) return;
        skv_answer(ctx, p, DSLAB_REPLY_OK, p->value);
        dslab_ctx_cancel_timer(ctx, p->timer);
        memset(p, 0, sizeof *p);
        return;
    }
}
