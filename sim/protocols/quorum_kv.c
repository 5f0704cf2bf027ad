/* quorum_kv.c: a Dynamo-style replicated key-value store (DeCandia et al.,
 * SOSP 2007): N replicas per key, R/W quorums, a coordinator per request,
 * conflict resolution by last-writer-wins or version vectors, read repair,
 * and an optional sloppy quorum with hinted handoff. Versions, merging and
 * the replica's store are in quorum_kv_data.c. Knobs: docs/PROTOCOLS.md.
 *
 * Key k is stored on its preference list: the n nodes following k mod
 * nodes on the ring (n1..nN in order); the nodes after those are its
 * fallbacks. The node a client reaches coordinates the request:
 *
 *   read:   READ -> all n replicas; reply with the merge of the first r
 *           answers; keep listening until all answered or the timeout,
 *           then (read_repair) send the merge to replicas that were behind.
 *   write:  LWW:  stamp (wall clock, self); WRITE -> n replicas; ok at w acks.
 *           VV:   read the context from r replicas first (what a Dynamo
 *                 client passes to put()), then stamp a vector that
 *                 descends from all of it; WRITE -> n; ok at w acks.
 *   sloppy: after sloppy_after without an answer from a replica, ask the
 *           next fallback instead; a write there is kept as a hint for the
 *           absent replica and handed off when it answers again.
 *   anti-entropy (anti_entropy_interval > 0): every interval each replica
 *           pushes its records to the key's other replicas (SYNC).
 *
 * A write that misses its w acks by the timeout is not answered: some
 * replicas may have it, so it neither happened nor failed for sure, and
 * the client records it as indeterminate (info). A read that misses r
 * fails. cas is not supported (replies fail): quorums cannot order it.
 *
 * Annotations: "conflict" (value = key) when LWW drops a version or new
 * siblings appear; "read" when a read met siblings (text: which it
 * returned); "repair" on read repair; "hint" for hinted handoff; "gave-up"
 * when a request times out at the coordinator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/assert.h"
#include "dslab/time.h"
#include "protocols/proto_util.h"
#include "protocols/quorum_kv_internal.h"

/* --- configuration ---------------------------------------------------------- */

static const char *const qkv_known_params[] = {
    "n", "r", "w", "resolution", "read_repair", "sloppy", "timeout", "sloppy_after",
    "handoff_interval", "anti_entropy_interval", NULL,
};
static const char *const qkv_resolutions[] = {"lww", "version-vectors", "lamport", NULL};

static int qkv_configure(const struct dslab_scenario *s, void **config_out, struct dslab_diag *diag) {
    struct qkv_config c;
    memset(&c, 0, sizeof c);
    if (s->nodes_count > QKV_NODES_MAX) {
        return proto_error(s, diag, "quorum-kv supports at most %d nodes, the scenario has %d",
                                    QKV_NODES_MAX, (int)s->nodes_count);
    }
    int64_t n = 0, r = 0, w = 0;
    int resolution = QKV_LWW;
    int64_t n_default = s->nodes_count < 3 ? s->nodes_count : 3;
    if (dslab_param_reject_unknown(s, qkv_known_params, diag) != 0 ||
        dslab_param_int(s, "n", n_default, 1, s->nodes_count, &n, diag) != 0 ||
        dslab_param_int(s, "r", n / 2 + 1, 1, QKV_NODES_MAX, &r, diag) != 0 ||
        dslab_param_int(s, "w", n / 2 + 1, 1, QKV_NODES_MAX, &w, diag) != 0 ||
        dslab_param_choice(s, "resolution", qkv_resolutions, QKV_LWW, &resolution, diag) != 0 ||
        dslab_param_bool(s, "read_repair", true, &c.read_repair, diag) != 0 ||
        dslab_param_bool(s, "sloppy", false, &c.sloppy, diag) != 0 ||
        dslab_param_duration_ns(s, "timeout", 500 * DSLAB_NS_PER_MS, &c.timeout_ns, diag) != 0 ||
        dslab_param_duration_ns(s, "sloppy_after", 100 * DSLAB_NS_PER_MS, &c.sloppy_after_ns, diag) != 0 ||
        dslab_param_duration_ns(s, "handoff_interval", 200 * DSLAB_NS_PER_MS, &c.handoff_interval_ns,
                          diag) != 0 ||
        dslab_param_duration_ns(s, "anti_entropy_interval", 0, &c.anti_entropy_interval_ns, diag) != 0) {
        return -1;
    }
    if (r > n) return proto_param_error(s, "r", diag, "r must be at most n (replicas per key)");
    if (w > n) return proto_param_error(s, "w", diag, "w must be at most n (replicas per key)");
    if (c.timeout_ns <= 0) return proto_param_error(s, "timeout", diag, "timeout must be > 0");
    if (c.sloppy_after_ns <= 0) {
        return proto_param_error(s, "sloppy_after", diag, "sloppy_after must be > 0");
    }
    if (c.handoff_interval_ns <= 0) {
        return proto_param_error(s, "handoff_interval", diag, "handoff_interval must be > 0");
    }
    c.n = (int32_t)n;
    c.r = (int32_t)r;
    c.w = (int32_t)w;
    c.resolution = (enum qkv_resolution)resolution;
    return proto_config_keep(s, &c, sizeof c, config_out, diag);
}

static uint64_t timer_tag(enum qkv_timer_tag kind, int32_t slot, uint64_t seq) {
    return (uint64_t)kind | (uint64_t)slot << 4 | seq << 16;
}

/* --- sending a phase's requests ---------------------------------------------- */

static void handle_local(struct dslab_node_ctx *ctx, struct qkv_state *s, struct qkv_pending *p,
                         int32_t hint_for);

static void send_phase_msg(struct dslab_node_ctx *ctx, struct qkv_pending *p, int32_t to,
                           int32_t hint_for) {
    p->asked |= 1u << to;
    if (to == dslab_ctx_self(ctx)) return; /* handled after the loop: see start_phase */
    struct qkv_msg m;
    memset(&m, 0, sizeof m);
    m.seq = p->seq;
    m.hint_for = hint_for;
    m.rec.key = p->key;
    if (p->phase == QKV_PHASE_WRITE) {
        m.type = QKV_MSG_WRITE;
        m.rec = p->out;
    } else {
        m.type = QKV_MSG_READ;
    }
    dslab_ctx_send(ctx, to, &m, QKV_MSG_LEN(m.rec.count));
}

static void start_phase(struct dslab_node_ctx *ctx, struct qkv_state *s, struct qkv_pending *p,
                        enum qkv_phase phase) {
    const struct qkv_config *c = dslab_ctx_config(ctx);
    p->phase = phase;
    p->asked = p->answered = p->fallback_used = 0;
    memset(&p->merged, 0, sizeof p->merged);
    p->merged.key = p->key;
    bool local = false;
    for (int32_t i = 0; i < c->n; i++) {
        int32_t node = qkv_ring_node(p->key, i, s->nodes_count);
        send_phase_msg(ctx, p, node, -1);
        local = local || node == s->self;
    }
    if (c->sloppy && c->n < s->nodes_count) {
        int32_t slot = (int32_t)(p - s->pending);
        dslab_ctx_cancel_timer(ctx, p->sloppy_timer);
        p->sloppy_timer =
            dslab_ctx_set_timer(ctx, c->sloppy_after_ns, timer_tag(QKV_TIMER_SLOPPY, slot, p->seq));
    }
    if (local) handle_local(ctx, s, p, -1);
}

static void finish_request(struct dslab_node_ctx *ctx, struct qkv_pending *p) {
    dslab_ctx_cancel_timer(ctx, p->timeout_timer);
    dslab_ctx_cancel_timer(ctx, p->sloppy_timer);
    memset(p, 0, sizeof *p);
}

/* --- the coordinator's reactions ----------------------------------------------- */

static void read_repair(struct dslab_node_ctx *ctx, struct qkv_state *s, struct qkv_pending *p) {
    const struct qkv_config *c = dslab_ctx_config(ctx);
    if (!c->read_repair || p->merged.count == 0) return;
    uint64_t want = qkv_record_digest(&p->merged);
    char who[96] = "";
    size_t used = 0;
    for (int32_t node = 0; node < s->nodes_count; node++) {
        bool behind = (p->answered >> node & 1u) && p->digest[node] != want;
        if (!behind || !qkv_is_replica(c, p->key, node, s->nodes_count)) continue;
        if (node == s->self) {
            qkv_local_apply(ctx, s, &p->merged);
        } else {
            struct qkv_msg m;
            memset(&m, 0, sizeof m);
            m.type = QKV_MSG_WRITE;
            m.hint_for = -1;
            m.rec = p->merged;
            dslab_ctx_send(ctx, node, &m, QKV_MSG_LEN(m.rec.count));
        }
        s->stats_repairs++;
        int n = snprintf(who + used, sizeof who - used, " %s", dslab_ctx_node_name(ctx, node));
        if (n > 0 && (size_t)n < sizeof who - used) used += (size_t)n;
    }
    if (used > 0) {
        dslab_ctx_annotate(ctx, "repair", p->key, "read repair k%lld ->%s", (long long)p->key, who);
    }
}

/* Version vectors: the new version descends from every version read.
 * Lamport: its timestamp is one more than the largest of this node's
 * clock and every timestamp read, so it orders after everything it saw. */
static void stamp_version(struct dslab_node_ctx *ctx, struct qkv_state *s, struct qkv_pending *p) {
    const struct qkv_config *c = dslab_ctx_config(ctx);
    memset(&p->out, 0, sizeof p->out);
    p->out.key = p->key;
    p->out.count = 1;
    struct qkv_version *v = &p->out.v[0];
    v->value = p->value;
    v->ts_ns = dslab_ctx_wall_ns(ctx);
    v->writer = s->self;
    if (c->resolution == QKV_VERSION_VECTORS) {
        for (int32_t i = 0; i < p->merged.count; i++) {
            for (int k = 0; k < QKV_NODES_MAX; k++) {
                if (p->merged.v[i].vv[k] > v->vv[k]) v->vv[k] = p->merged.v[i].vv[k];
            }
        }
        uint32_t mine = v->vv[s->self] > s->vv_counter ? v->vv[s->self] : s->vv_counter;
        DSLAB_ASSERT(mine < UINT32_MAX);
        v->vv[s->self] = mine + 1;
        s->vv_counter = mine + 1;
        /* Version vectors only grow: the new version descends from every
         * version in its context, and strictly (its own entry went up). */
        for (int32_t i = 0; i < p->merged.count; i++) {
            DSLAB_ASSERT(qkv_vv_descends(v, &p->merged.v[i]) &&
                         v->vv[s->self] > p->merged.v[i].vv[s->self]);
        }
        qkv_persist_counter(ctx, s); /* a restart must never reuse a counter */
    } else if (c->resolution == QKV_LAMPORT) {
        int64_t clock = s->vv_counter;
        for (int32_t i = 0; i < p->merged.count; i++) {
            if (p->merged.v[i].ts_ns > clock) clock = p->merged.v[i].ts_ns;
        }
        DSLAB_ASSERT(clock < UINT32_MAX);
        v->ts_ns = clock + 1;
        s->vv_counter = (uint32_t)(clock + 1);
        qkv_persist_counter(ctx, s);
    }
}

static void reply_read(struct dslab_node_ctx *ctx, struct qkv_pending *p) {
    const struct qkv_version *v = qkv_record_pick(&p->merged);
    int64_t value = v ? v->value : DSLAB_HISTORY_NIL;
    if (p->merged.count > 1) {
        dslab_ctx_annotate(ctx, "read", p->key, "k%lld has %d siblings; returned v=%lld",
                     (long long)p->key, (int)p->merged.count, (long long)value);
    }
    dslab_ctx_reply(ctx, p->request_id, DSLAB_REPLY_OK, value);
    p->replied = true;
}

static void on_read_reply(struct dslab_node_ctx *ctx, struct qkv_state *s, struct qkv_pending *p,
                          int32_t from, const struct qkv_record *rec) {
    const struct qkv_config *c = dslab_ctx_config(ctx);
    if (p->phase == QKV_PHASE_WRITE || !(p->asked >> from & 1u) || (p->answered >> from & 1u)) {
        return;
    }
    p->answered |= 1u << from;
    p->digest[from] = qkv_record_digest(rec);
    qkv_record_merge(c->resolution, &p->merged, rec);
    bool quorum = __builtin_popcount(p->answered) >= c->r;
    if (p->phase == QKV_PHASE_CONTEXT) {
        if (quorum) {
            stamp_version(ctx, s, p);
            start_phase(ctx, s, p, QKV_PHASE_WRITE);
        }
        return;
    }
    if (quorum && !p->replied) reply_read(ctx, p);
    if (p->replied && p->answered == p->asked) {
        read_repair(ctx, s, p);
        finish_request(ctx, p);
    }
}

static void on_write_ack(struct dslab_node_ctx *ctx, struct qkv_pending *p, int32_t from) {
    const struct qkv_config *c = dslab_ctx_config(ctx);
    if (p->phase != QKV_PHASE_WRITE || !(p->asked >> from & 1u)) return;
    p->answered |= 1u << from;
    if (__builtin_popcount(p->answered) >= c->w) {
        dslab_ctx_reply(ctx, p->request_id, DSLAB_REPLY_OK, p->value);
        finish_request(ctx, p);
    }
}

/* The coordinator is itself one of the nodes asked: no message, no delay.
 * May finish the request (and even start its next phase). */
static void handle_local(struct dslab_node_ctx *ctx, struct qkv_state *s, struct qkv_pending *p,
                         int32_t hint_for) {
    if (p->phase == QKV_PHASE_WRITE) {
        int rc = hint_for >= 0 ? qkv_hint_add(ctx, s, hint_for, &p->out)
                               : qkv_local_apply(ctx, s, &p->out);
        if (rc == 0 && hint_for >= 0 && !s->handoff_armed) {
            const struct qkv_config *c = dslab_ctx_config(ctx);
            dslab_ctx_set_timer(ctx, c->handoff_interval_ns, QKV_TIMER_HANDOFF);
            s->handoff_armed = true;
        }
        if (rc == 0) on_write_ack(ctx, p, s->self);
    } else {
        struct qkv_record rec;
        qkv_local_read(ctx, s, p->key, &rec);
        on_read_reply(ctx, s, p, s->self, &rec);
    }
}

static struct qkv_pending *pending_by_seq(struct qkv_state *s, uint64_t seq) {
    for (int32_t i = 0; i < QKV_PENDING_MAX; i++) {
        if (s->pending[i].used && s->pending[i].seq == seq) return &s->pending[i];
    }
    return NULL;
}

static void on_request(struct dslab_node_ctx *ctx, void *state, const struct dslab_client_request *req) {
    struct qkv_state *s = state;
    const struct qkv_config *c = dslab_ctx_config(ctx);
    if (req->fn != DSLAB_OP_READ && req->fn != DSLAB_OP_WRITE) {
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_FAIL, DSLAB_HISTORY_NIL);
        return;
    }
    struct qkv_pending *p = NULL;
    for (int32_t i = 0; i < QKV_PENDING_MAX && !p; i++) {
        if (!s->pending[i].used) p = &s->pending[i];
    }
    if (!p) {
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_FAIL, DSLAB_HISTORY_NIL);
        return;
    }
    memset(p, 0, sizeof *p);
    p->used = true;
    p->request_id = req->request_id;
    p->seq = ++s->next_seq;
    p->key = req->key;
    p->value = req->value;
    int32_t slot = (int32_t)(p - s->pending);
    p->timeout_timer = dslab_ctx_set_timer(ctx, c->timeout_ns, timer_tag(QKV_TIMER_TIMEOUT, slot, p->seq));
    p->sloppy_timer = UINT64_MAX;
    if (req->fn == DSLAB_OP_READ) {
        s->stats_reads++;
        start_phase(ctx, s, p, QKV_PHASE_READ);
    } else if (c->resolution != QKV_LWW) {
        s->stats_writes++;
        start_phase(ctx, s, p, QKV_PHASE_CONTEXT);
    } else {
        s->stats_writes++;
        stamp_version(ctx, s, p);
        start_phase(ctx, s, p, QKV_PHASE_WRITE);
    }
}

/* --- timers ------------------------------------------------------------------------ */

static void on_timeout(struct dslab_node_ctx *ctx, struct qkv_state *s, struct qkv_pending *p) {
    const struct qkv_config *c = dslab_ctx_config(ctx);
    if (p->phase == QKV_PHASE_READ) {
        if (!p->replied) dslab_ctx_reply(ctx, p->request_id, DSLAB_REPLY_FAIL, DSLAB_HISTORY_NIL);
        read_repair(ctx, s, p);
    } else if (p->phase == QKV_PHASE_CONTEXT) {
        dslab_ctx_annotate(ctx, "gave-up", p->key, "write k%lld: %d of %d context replies; failed",
                     (long long)p->key, (int)__builtin_popcount(p->answered), (int)c->r);
        dslab_ctx_reply(ctx, p->request_id, DSLAB_REPLY_FAIL, DSLAB_HISTORY_NIL); /* nothing was written */
    } else {
        dslab_ctx_annotate(ctx, "gave-up", p->key, "write k%lld v=%lld: %d of %d acks; outcome unknown",
                     (long long)p->key, (long long)p->value, (int)__builtin_popcount(p->answered),
                     (int)c->w);
    }
    finish_request(ctx, p);
}

/* Sloppy quorum: a fallback stands in for each replica that has not answered. */
static void on_sloppy(struct dslab_node_ctx *ctx, struct qkv_state *s, struct qkv_pending *p) {
    const struct qkv_config *c = dslab_ctx_config(ctx);
    p->sloppy_timer = UINT64_MAX;
    int32_t next = c->n;
    bool local = false;
    int32_t local_for = -1;
    for (int32_t i = 0; i < c->n; i++) {
        int32_t replica = qkv_ring_node(p->key, i, s->nodes_count);
        if (p->answered >> replica & 1u) continue;
        int32_t fallback = -1;
        for (; next < s->nodes_count && fallback < 0; next++) {
            int32_t node = qkv_ring_node(p->key, next, s->nodes_count);
            if (!(p->asked >> node & 1u)) fallback = node;
        }
        if (fallback < 0) break;
        p->fallback_used |= 1u << fallback;
        send_phase_msg(ctx, p, fallback, replica);
        if (fallback == s->self) {
            local = true;
            local_for = replica;
        }
    }
    if (local) handle_local(ctx, s, p, local_for);
}

static void send_handoffs(struct dslab_node_ctx *ctx, struct qkv_state *s) {
    for (int32_t i = 0; i < s->hints_count; i++) {
        struct qkv_msg m;
        memset(&m, 0, sizeof m);
        m.type = QKV_MSG_HANDOFF;
        m.hint_for = s->hints[i].for_node;
        m.seq = s->hints[i].id;
        m.rec = s->hints[i].rec;
        dslab_ctx_send(ctx, s->hints[i].for_node, &m, QKV_MSG_LEN(m.rec.count));
    }
}

/* Anti-entropy, the simplest kind: every record this node stores goes to
 * the key's other replicas, whether they differ or not (n - 1 messages
 * per key per round; Dynamo compares Merkle trees to send only what
 * differs). The receiver merges it as it merges a write, so replicas that
 * missed writes (a lost hint, no reads to repair them) converge within a
 * round once they can hear each other. */
static void anti_entropy_round(struct dslab_node_ctx *ctx, struct qkv_state *s) {
    const struct qkv_config *c = dslab_ctx_config(ctx);
    for (int32_t k = 0; k < s->keys_count; k++) {
        if (s->data[k].count == 0) continue;
        for (int32_t i = 0; i < c->n; i++) {
            int32_t to = qkv_ring_node(s->data[k].key, i, s->nodes_count);
            if (to == s->self) continue;
            struct qkv_msg m;
            memset(&m, 0, sizeof m);
            m.type = QKV_MSG_SYNC;
            m.hint_for = -1;
            m.rec = s->data[k];
            dslab_ctx_send(ctx, to, &m, QKV_MSG_LEN(m.rec.count));
            s->stats_syncs++;
        }
    }
}

static void on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t timer_id, uint64_t tag) {
    (void)timer_id;
    struct qkv_state *s = state;
    const struct qkv_config *c = dslab_ctx_config(ctx);
    enum qkv_timer_tag kind = (enum qkv_timer_tag)(tag & 0xf);
    if (kind == QKV_TIMER_ANTI_ENTROPY) {
        anti_entropy_round(ctx, s);
        dslab_ctx_set_timer(ctx, c->anti_entropy_interval_ns, QKV_TIMER_ANTI_ENTROPY);
        return;
    }
    if (kind == QKV_TIMER_HANDOFF) {
        s->handoff_armed = false;
        if (s->hints_count == 0) return;
        send_handoffs(ctx, s);
        dslab_ctx_set_timer(ctx, c->handoff_interval_ns, QKV_TIMER_HANDOFF);
        s->handoff_armed = true;
        return;
    }
    int32_t slot = (int32_t)(tag >> 4 & 0xfff);
    uint64_t seq = tag >> 16;
    if (slot >= QKV_PENDING_MAX) return;
    struct qkv_pending *p = &s->pending[slot];
    if (!p->used || p->seq != seq) return;
    if (kind == QKV_TIMER_TIMEOUT) on_timeout(ctx, s, p);
    else if (kind == QKV_TIMER_SLOPPY) on_sloppy(ctx, s, p);
}

/* --- messages ---------------------------------------------------------------------- */

static void send_small(struct dslab_node_ctx *ctx, int32_t to, enum qkv_msg_type type, uint64_t seq,
                       const struct qkv_record *rec) {
    struct qkv_msg m;
    memset(&m, 0, sizeof m);
    m.type = (uint8_t)type;
    m.hint_for = -1;
    m.seq = seq;
    if (rec) m.rec = *rec;
    dslab_ctx_send(ctx, to, &m, QKV_MSG_LEN(m.rec.count));
}

static void on_write_msg(struct dslab_node_ctx *ctx, struct qkv_state *s, int32_t from,
                         const struct qkv_msg *m) {
    const struct qkv_config *c = dslab_ctx_config(ctx);
    int rc;
    if (m->hint_for >= 0 && m->hint_for != s->self && m->hint_for < s->nodes_count) {
        rc = qkv_hint_add(ctx, s, m->hint_for, &m->rec);
        if (rc == 0 && !s->handoff_armed) {
            dslab_ctx_set_timer(ctx, c->handoff_interval_ns, QKV_TIMER_HANDOFF);
            s->handoff_armed = true;
        }
    } else {
        rc = qkv_local_apply(ctx, s, &m->rec);
    }
    if (rc == 0 && m->seq != 0) send_small(ctx, from, QKV_MSG_WRITE_ACK, m->seq, NULL);
}

static void on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *msg,
                       size_t len) {
    struct qkv_state *s = state;
    struct qkv_msg m;
    size_t head = QKV_MSG_LEN(0);
    if (len < head || len > sizeof m || from < 0 || from >= s->nodes_count) return;
    memset(&m, 0, sizeof m);
    memcpy(&m, msg, len);
    if (m.rec.count < 0 || m.rec.count > QKV_SIBLINGS_MAX || len != QKV_MSG_LEN(m.rec.count)) {
        return;
    }
    struct qkv_pending *p;
    struct qkv_record rec;
    switch ((enum qkv_msg_type)m.type) {
    case QKV_MSG_READ:
        qkv_local_read(ctx, s, m.rec.key, &rec);
        send_small(ctx, from, QKV_MSG_READ_REPLY, m.seq, &rec);
        break;
    case QKV_MSG_READ_REPLY:
        if ((p = pending_by_seq(s, m.seq)) && p->key == m.rec.key) {
            on_read_reply(ctx, s, p, from, &m.rec);
        }
        break;
    case QKV_MSG_WRITE:
        on_write_msg(ctx, s, from, &m);
        break;
    case QKV_MSG_WRITE_ACK:
        if ((p = pending_by_seq(s, m.seq))) on_write_ack(ctx, p, from);
        break;
    case QKV_MSG_HANDOFF:
        if (qkv_local_apply(ctx, s, &m.rec) == 0) {
            send_small(ctx, from, QKV_MSG_HANDOFF_ACK, m.seq, NULL);
        }
        break;
    case QKV_MSG_HANDOFF_ACK:
        qkv_hint_remove(ctx, s, m.seq);
        break;
    case QKV_MSG_SYNC:
        qkv_local_apply(ctx, s, &m.rec);
        break;
    }
}

/* --- lifecycle ------------------------------------------------------------------------ */

static void qkv_init(struct dslab_node_ctx *ctx, void *state) {
    struct qkv_state *s = state;
    const struct qkv_config *c = dslab_ctx_config(ctx);
    s->self = dslab_ctx_self(ctx);
    s->nodes_count = dslab_ctx_nodes_count(ctx);
    qkv_load(ctx, s);
    for (int32_t i = 0; i < QKV_PENDING_MAX; i++) s->pending[i].sloppy_timer = UINT64_MAX;
    if (s->hints_count > 0) {
        dslab_ctx_set_timer(ctx, c->handoff_interval_ns, QKV_TIMER_HANDOFF);
        s->handoff_armed = true;
    }
    if (c->anti_entropy_interval_ns > 0) {
        dslab_ctx_set_timer(ctx, c->anti_entropy_interval_ns, QKV_TIMER_ANTI_ENTROPY);
    }
}

/* The replica set of key, as a node mask (nodes < 64: QKV_NODES_MAX). */
static uint64_t replicas_mask(const struct qkv_config *c, int64_t key, int32_t nodes_count) {
    uint64_t mask = 0;
    for (int32_t i = 0; i < c->n; i++) mask |= UINT64_C(1) << qkv_ring_node(key, i, nodes_count);
    return mask;
}

/* The final state (final_state.h): one value per key this node stores as
 * a replica (the one a read of its copy returns), not what it holds as
 * hints for others; and, for every key it stores or holds hints for, the
 * key's preference list, so that convergence compares the replicas of a
 * key and no one else (a fallback is not expected to keep a copy, and a
 * replica that never heard of the key still counts as holding nothing).
 * A crashed node (its state zeroed) reports nothing. */
static void qkv_on_finish(struct dslab_node_ctx *ctx, void *state) {
    const struct qkv_state *s = state;
    if (s->nodes_count == 0) return;
    const struct qkv_config *c = dslab_ctx_config(ctx);
    int32_t held = 0;
    for (int32_t i = 0; i < s->keys_count; i++) held += qkv_record_pick(&s->data[i]) != NULL;
    dslab_ctx_report_final_state(ctx, held, "%d keys, %d hints held for others, %lld handed off, %lld synced",
                                 (int)held, (int)s->hints_count, (long long)s->stats_handoffs,
                                 (long long)s->stats_syncs);
    for (int32_t i = 0; i < s->keys_count; i++) {
        const struct qkv_version *v = qkv_record_pick(&s->data[i]);
        if (v) dslab_ctx_report_final_value(ctx, s->data[i].key, v->value);
    }
    for (int32_t i = 0; i < s->keys_count; i++) {
        dslab_ctx_report_final_replicas(ctx, s->data[i].key, replicas_mask(c, s->data[i].key, s->nodes_count));
    }
    for (int32_t i = 0; i < s->hints_count; i++) {
        dslab_ctx_report_final_replicas(ctx, s->hints[i].rec.key, replicas_mask(c, s->hints[i].rec.key, s->nodes_count));
    }
}

static void qkv_describe(const void *state, char *buf, size_t buf_size) {
    const struct qkv_state *s = state;
    int32_t busy = 0;
    for (int32_t i = 0; i < QKV_PENDING_MAX; i++) busy += s->pending[i].used;
    snprintf(buf, buf_size, "%d keys, %d hints, %d in flight, %lld conflicts, %lld repairs",
             (int)s->keys_count, (int)s->hints_count, (int)busy, (long long)s->stats_conflicts,
             (long long)s->stats_repairs);
}

const struct dslab_protocol protocol_quorum_kv = {
    .name = "quorum-kv",
    .summary = "Dynamo-style N/R/W quorums, LWW or version vectors, read repair, hinted handoff",
    .state_size = sizeof(struct qkv_state),
    .configure = qkv_configure,
    .destroy_config = proto_config_free,
    .init = qkv_init,
    .on_message = on_message,
    .on_timer = on_timer,
    .on_request = on_request,
    .on_restart = NULL, /* init() reloads the durable store */
    .describe = qkv_describe,
    .message_label = qkv_message_label,
    .on_finish = qkv_on_finish,
};
