/* sharded_kv_move.c: the membership change and the rebalance it causes.
 *
 * At `change_at` on its monotonic clock every node switches from the view
 * before the change to the view after it (sharded_kv_ring.c). A node of
 * the old view then moves every key it holds whose owner in the new view
 * is another node, one key per 1/move_rate, in key order: the key leaves
 * its table, travels as MOVE (key_bytes on the wire: with costs.links it
 * queues on the link like any message), and is forgotten when the new
 * owner's MOVE_ACK comes back. When it has nothing left to move and
 * nothing unacknowledged it sends DONE to every node. A node of the new
 * view awaits DONE from every other node of the old view; until then a
 * key it owns but does not hold may still arrive (sharded_kv_route.c,
 * rule 4). With `handoff: stale`, a MOVE that finds the key already
 * written here replaces it: the write served early is lost (annotated
 * "overwrite").
 *
 * Not resent: a lost MOVE, MOVE_ACK or DONE stalls the rebalance (the
 * scenarios of this protocol lose no messages; docs/PROTOCOLS.md). */
#include <string.h>

#include "protocols/sharded_kv_internal.h"

bool skv_in_flight(const struct skv_state *s, int64_t key) {
    return skv_table_find(s->flight, s->flight_count, key) >= 0;
}

static void send_simple(struct dslab_node_ctx *ctx, int32_t to, uint8_t type, int64_t key, int64_t value) {
    struct skv_msg m;
    memset(&m, 0, sizeof m);
    m.type = type;
    m.key = key;
    m.value = value;
    dslab_ctx_send(ctx, to, &m, sizeof m);
}

static void finish_if_done(struct dslab_node_ctx *ctx, struct skv_state *s) {
    if (s->done_sent || s->flight_count > 0) return;
    const struct skv_config *c = dslab_ctx_config(ctx);
    for (int32_t i = 0; i < s->keys_count; i++) {
        if (skv_ring_owner(&c->after, s->keys[i].key) != s->self) return; /* more to move */
    }
    s->done_sent = true;
    s->rebalance_end_ns = dslab_ctx_mono_ns(ctx);
    if (!(c->before.members_mask >> s->self & 1u)) return; /* held nothing before: nobody waits */
    for (int32_t n = 0; n < s->nodes_count; n++) {
        if (n != s->self) send_simple(ctx, n, SKV_MSG_DONE, 0, 0);
    }
    if (s->moved_out == 0) return;
    dslab_ctx_annotate(ctx, "rebalanced", s->moved_out, "rebalance done: %lld keys moved out in %lld ms",
                       (long long)s->moved_out,
                       (long long)((s->rebalance_end_ns - s->rebalance_start_ns) / 1000000));
}

void skv_change(struct dslab_node_ctx *ctx, struct skv_state *s) {
    const struct skv_config *c = dslab_ctx_config(ctx);
    if (s->changed) return;
    s->changed = true;
    s->rebalance_start_ns = dslab_ctx_mono_ns(ctx);
    s->served_at_change = s->served;
    s->awaiting = (c->after.members_mask >> s->self & 1u)
                      ? c->before.members_mask & ~(1u << s->self)
                      : 0u;
    if (s->self == c->change_node) {
        dslab_ctx_annotate(ctx, "change", c->after.members_count, "%s %s: %d nodes own keys now",
                           dslab_ctx_node_name(ctx, s->self),
                           c->change == SKV_CHANGE_JOIN ? "joins" : "leaves",
                           (int)c->after.members_count);
    }
    skv_move_tick(ctx, s);
}

void skv_move_tick(struct dslab_node_ctx *ctx, struct skv_state *s) {
    const struct skv_config *c = dslab_ctx_config(ctx);
    if (!s->changed || s->done_sent) return;
    for (int32_t i = 0; i < s->keys_count; i++) {
        int32_t to = skv_ring_owner(&c->after, s->keys[i].key);
        if (to == s->self || to < 0) continue;
        struct skv_entry e = s->keys[i];
        skv_table_remove(s->keys, &s->keys_count, e.key);
        /* never full: configure keeps the workload's keys within SKV_KEYS_MAX */
        (void)skv_table_apply(s->flight, &s->flight_count, SKV_KEYS_MAX, e.key, e.value, e.version);
        struct skv_msg m;
        memset(&m, 0, sizeof m);
        m.type = SKV_MSG_MOVE;
        m.key = e.key;
        m.value = e.value;
        m.expected = e.version;
        dslab_ctx_send_sized(ctx, to, &m, sizeof m, c->key_bytes);
        s->moved_out++;
        dslab_ctx_set_timer(ctx, c->move_interval_ns, SKV_TIMER_MOVE);
        return;
    }
    finish_if_done(ctx, s);
}

void skv_on_move(struct dslab_node_ctx *ctx, struct skv_state *s, int32_t from, const struct skv_msg *m) {
    if (skv_table_find(s->keys, s->keys_count, m->key) >= 0) { /* handoff: stale served it early */
        s->overwritten++;
        dslab_ctx_annotate(ctx, "overwrite", m->key,
                           "k%lld arrived from %s and replaced the value written here before it",
                           (long long)m->key, dslab_ctx_node_name(ctx, from));
        skv_table_remove(s->keys, &s->keys_count, m->key);
    }
    if (skv_table_apply(s->keys, &s->keys_count, SKV_KEYS_MAX, m->key, m->value, m->expected) < 0) {
        dslab_ctx_annotate(ctx, "full", m->key, "no room for k%lld", (long long)m->key);
        return; /* not acknowledged: the old owner keeps it on the wire */
    }
    s->moved_in++;
    send_simple(ctx, from, SKV_MSG_MOVE_ACK, m->key, 0);
    skv_unpark(ctx, s, from, false, m->key);
}

void skv_on_move_ack(struct dslab_node_ctx *ctx, struct skv_state *s, int32_t from, const struct skv_msg *m) {
    (void)from;
    skv_table_remove(s->flight, &s->flight_count, m->key);
    finish_if_done(ctx, s);
}

void skv_on_done(struct dslab_node_ctx *ctx, struct skv_state *s, int32_t from) {
    if (from < 0 || from >= SKV_NODES_MAX) return;
    s->awaiting &= ~(1u << from);
    skv_unpark(ctx, s, from, true, 0);
}
