/* pb_repl.c: primary-backup's log, its persistence, the key-value map,
 * replication, client requests, and the texts for traces and the
 * visualiser. Roles, failover and the lease are in primary_backup.c.
 *
 *   client --write--> primary: append + sync, then
 *     sync:  Repl to every backup now; the client hears OK once a majority
 *            (the primary included) stores the entry: it survives any
 *            failover that needs a majority's grant;
 *     async: apply and answer OK at once; the entry ships with the next
 *            heartbeat, so up to one heartbeat of acknowledged writes
 *            lives only on the primary.
 *   backup: check (prev_seq, prev_epoch), drop a conflicting suffix (and
 *           undo it in the map if it was applied), append + sync, ack.
 *
 * Durable layout (repl_log.h): pb/epoch, pb/vote, pb/len, pb/e/N (entry N,
 * 1-based); pb/len is the authority, entries past it are overwritten later. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dslab/assert.h"
#include "protocols/pb_internal.h"
#include "protocols/repl_majority.h"

static const struct repl_log_spec pb_log_spec_value = {
    .term_key = "pb/epoch",
    .vote_key = "pb/vote",
    .len_key = "pb/len",
    .entry_prefix = "pb/e/",
    .entry_size = sizeof(struct pb_entry),
    .entries_max = PB_LOG_MAX,
};

const struct repl_log_spec *pb_log_spec(void) {
    return &pb_log_spec_value;
}

static struct repl_log log_of(struct pb_state *s) {
    return (struct repl_log){&pb_log_spec_value, s->log, &s->log_len, NULL, NULL}; /* a fixed array */
}

/* --- the log and its persistence ------------------------------------------------ */

int64_t pb_epoch_at(const struct pb_state *s, int64_t seq) {
    return repl_log_term_at(&pb_log_spec_value, s->log, s->log_len, seq);
}

int pb_log_append(struct dslab_node_ctx *ctx, struct pb_state *s, const struct pb_entry *e) {
    return repl_log_append(ctx, log_of(s), e);
}

void pb_persist_meta(struct dslab_node_ctx *ctx, const struct pb_state *s) {
    repl_log_persist_meta(ctx, &pb_log_spec_value, s->epoch, s->voted_for);
}

void pb_load(struct dslab_node_ctx *ctx, struct pb_state *s) {
    repl_log_load(ctx, log_of(s), &s->epoch, &s->voted_for);
}

/* --- the key-value map ------------------------------------------------------------- */

int64_t pb_kv_get(const struct pb_state *s, int64_t key) {
    return kv_map_get(s->kv, PB_KV_SLOTS, key);
}

static enum dslab_reply_status kv_apply(struct pb_state *s, const struct pb_entry *e) {
    return kv_map_apply(s->kv, PB_KV_SLOTS, e->cmd, e->key, e->value, e->expected);
}

/* Drops entries after `len`; entries already applied are undone by
 * rebuilding the map from the log that remains. */
static void log_truncate(struct dslab_node_ctx *ctx, struct pb_state *s, int64_t len) {
    if (!repl_log_truncate(ctx, log_of(s), len)) {
        return;
    }
    if (s->applied > s->log_len) {
        dslab_ctx_annotate(ctx, "rollback", s->applied - s->log_len,
                     "dropped %lld applied entries after seq %lld",
                     (long long)(s->applied - s->log_len), (long long)s->log_len);
        kv_map_clear(s->kv, PB_KV_SLOTS);
        for (int64_t i = 0; i < s->log_len; i++) {
            kv_apply(s, &s->log[i]);
        }
        s->applied = s->log_len;
    }
    if (s->commit > s->log_len) {
        s->commit = s->log_len;
    }
}

/* --- commit and apply ------------------------------------------------------------------ */

static void resolve_pending(struct dslab_node_ctx *ctx, struct pb_state *s, int64_t seq,
                            enum dslab_reply_status status) {
    for (int i = 0; i < s->pending_count; i++) {
        if (s->pending[i].seq == seq) {
            dslab_ctx_reply(ctx, s->pending[i].request_id, status, 0);
            s->pending[i] = s->pending[--s->pending_count];
            return;
        }
    }
}

void pb_set_commit(struct dslab_node_ctx *ctx, struct pb_state *s, int64_t commit) {
    DSLAB_ASSERT(s->applied <= s->commit);
    if (!repl_commit_to(ctx, &s->commit, s->log_len, commit)) {
        return;
    }
    while (s->applied < s->commit) {
        const struct pb_entry *e = &s->log[s->applied++];
        enum dslab_reply_status status = kv_apply(s, e);
        if (s->role == PB_PRIMARY) {
            resolve_pending(ctx, s, s->applied, status);
        }
    }
}

/* Sync: an entry of this epoch is committed once a majority stores it
 * (older entries commit with it, as in Raft). */
void pb_advance_commit(struct dslab_node_ctx *ctx, struct pb_state *s) {
    s->match_seq[s->self] = s->log_len;
    int64_t n = repl_majority_index(&pb_log_spec_value, s->log, s->log_len, s->match_seq,
                                    s->nodes_count, pb_majority(s), s->commit, s->epoch, false);
    if (n > s->commit) {
        pb_set_commit(ctx, s, n);
    }
}

/* --- sending -------------------------------------------------------------------------- */

void pb_send_repl(struct dslab_node_ctx *ctx, struct pb_state *s, int32_t peer) {
    struct pb_repl_msg m;
    memset(&m.head, 0, sizeof m.head);
    int64_t prev = 0;
    int32_t count = repl_log_batch(log_of(s), s->next_seq[peer],
                                   pb_cfg(ctx)->entries_per_message_max, &prev, m.entries);
    m.head.type = PB_MSG_REPL;
    m.head.count = count;
    m.head.epoch = s->epoch;
    m.head.prev_seq = prev;
    m.head.prev_epoch = pb_epoch_at(s, prev);
    m.head.commit = s->commit;
    m.head.sent_mono_ns = dslab_ctx_mono_ns(ctx);
    dslab_ctx_send(ctx, peer, &m, sizeof m.head + (size_t)count * sizeof(struct pb_entry));
}

void pb_broadcast_repl(struct dslab_node_ctx *ctx, struct pb_state *s) {
    for (int32_t peer = 0; peer < s->nodes_count; peer++) {
        if (peer != s->self) {
            pb_send_repl(ctx, s, peer);
        }
    }
}

/* --- backup side ------------------------------------------------------------------------ */

/* Where the primary should retry after a mismatch at prev: skip the whole
 * conflicting epoch at once. */
static int64_t conflict_hint(const struct pb_state *s, int64_t prev) {
    return repl_log_conflict_hint(&pb_log_spec_value, s->log, s->log_len, prev, 0);
}

static void truncate_received(struct dslab_node_ctx *ctx, void *state, int64_t new_len) {
    log_truncate(ctx, state, new_len);
}

static int64_t store_entries(struct dslab_node_ctx *ctx, struct pb_state *s,
                             const struct pb_repl_msg *m) {
    int64_t match = repl_log_store_received(ctx, log_of(s), m->head.prev_seq, m->entries,
                                            m->head.count, truncate_received, s);
    dslab_ctx_store_sync(ctx); /* entries are durable before the ack leaves */
    return match;
}

/* Whether to take a Repl from `from` at all; may make this node a backup. */
static bool accept_primary(struct dslab_node_ctx *ctx, struct pb_state *s, int32_t from,
                           int64_t epoch) {
    if (epoch > s->epoch || s->role != PB_BACKUP) {
        if (s->role == PB_PRIMARY &&
            (epoch < s->epoch || (epoch == s->epoch && from > s->self))) {
            return false; /* our own heartbeats will tell it */
        }
        pb_become_backup(ctx, s, epoch > s->epoch ? epoch : s->epoch, from);
    }
    pb_heard_primary(ctx, s, from);
    return true;
}

void pb_on_repl(struct dslab_node_ctx *ctx, struct pb_state *s, int32_t from,
                const struct pb_repl_msg *m) {
    struct pb_repl_resp_msg r;
    memset(&r, 0, sizeof r);
    r.type = PB_MSG_REPL_RESP;
    r.repl_epoch = m->head.epoch;
    r.sent_mono_ns = m->head.sent_mono_ns;
    if (pb_cfg(ctx)->fencing && m->head.epoch < s->epoch) {
        r.stale = 1; /* fenced: this node promised a newer epoch */
        r.epoch = s->epoch;
        dslab_ctx_send(ctx, from, &r, sizeof r);
        return;
    }
    if (!accept_primary(ctx, s, from, m->head.epoch)) {
        return;
    }
    int64_t prev = m->head.prev_seq;
    if (prev < 0 || prev > s->log_len || pb_epoch_at(s, prev) != m->head.prev_epoch) {
        r.match_seq = conflict_hint(s, prev < 0 ? 0 : prev);
    } else {
        r.success = 1;
        r.match_seq = store_entries(ctx, s, m);
        if (m->head.commit > s->commit) {
            pb_set_commit(ctx, s, m->head.commit < r.match_seq ? m->head.commit : r.match_seq);
        }
    }
    r.epoch = s->epoch;
    dslab_ctx_send(ctx, from, &r, sizeof r);
}

/* --- primary side ------------------------------------------------------------------------- */

void pb_on_repl_resp(struct dslab_node_ctx *ctx, struct pb_state *s, int32_t from,
                     const struct pb_repl_resp_msg *m) {
    const struct pb_config *c = pb_cfg(ctx);
    if (m->stale) {
        if (c->fencing && m->epoch > s->epoch) {
            dslab_ctx_annotate(ctx, "fenced", m->epoch, "%s rejected epoch %lld: it knows epoch %lld",
                         dslab_ctx_node_name(ctx, from), (long long)s->epoch, (long long)m->epoch);
            pb_become_backup(ctx, s, m->epoch, -1);
        }
        return;
    }
    if (s->role != PB_PRIMARY || m->repl_epoch != s->epoch) {
        return; /* an answer to an earlier primaryship */
    }
    repl_follower_answered(&s->acked_mono_ns[from], &s->match_seq[from], &s->next_seq[from],
                           m->sent_mono_ns, m->success, m->match_seq);
    if (m->success) {
        if (c->replication == PB_SYNC) {
            pb_advance_commit(ctx, s);
        }
    } else {
        /* Without fencing a backup's log can move back (it took a stale
         * primary's entries), so its old match is not trusted either. */
        if (m->match_seq < s->match_seq[from]) {
            s->match_seq[from] = m->match_seq;
        }
        if (m->match_seq + 1 < s->next_seq[from]) {
            s->next_seq[from] = m->match_seq + 1;
        }
    }
    pb_update_lease(ctx, s);
    /* Async ships new entries only with heartbeats; catching up after a
     * mismatch goes at once in both modes. */
    bool more = s->next_seq[from] <= s->log_len && c->replication == PB_SYNC;
    if (s->role == PB_PRIMARY && (!m->success || more)) {
        pb_send_repl(ctx, s, from);
    }
}

/* --- client requests ---------------------------------------------------------------------- */

static void on_write(struct dslab_node_ctx *ctx, struct pb_state *s, const struct dslab_client_request *req) {
    struct pb_entry e;
    memset(&e, 0, sizeof e);
    e.epoch = s->epoch;
    kv_map_command_of(req, &e.cmd, &e.key, &e.value, &e.expected);
    if (s->pending_count >= PB_PENDING_MAX || pb_log_append(ctx, s, &e) != 0) {
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_FAIL, 0); /* full: refused, not done */
        return;
    }
    dslab_ctx_store_sync(ctx);
    struct pb_pending *p = &s->pending[s->pending_count++];
    p->seq = s->log_len;
    p->request_id = req->request_id;
    if (pb_cfg(ctx)->replication == PB_ASYNC) {
        pb_set_commit(ctx, s, s->log_len); /* applies and answers now */
        return;
    }
    for (int32_t peer = 0; peer < s->nodes_count; peer++) {
        if (peer != s->self && s->next_seq[peer] == s->log_len) {
            pb_send_repl(ctx, s, peer); /* peers that are caught up get it now */
        }
    }
    pb_advance_commit(ctx, s); /* a one-node cluster commits at once */
}

void pb_on_request(struct dslab_node_ctx *ctx, void *state, const struct dslab_client_request *req) {
    struct pb_state *s = state;
    if (s->role == PB_BACKUP && req->fn == DSLAB_OP_READ && pb_cfg(ctx)->backup_reads) {
        /* backup_reads: what this backup has applied, however far behind */
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_OK, pb_kv_get(s, req->key));
        return;
    }
    if (s->role != PB_PRIMARY || !pb_lease_held(ctx, s)) {
        repl_reply_not_done(ctx, req->request_id, s->primary_id, s->self);
        return;
    }
    switch (req->fn) {
    case DSLAB_OP_READ:
        if (s->applied < s->own_seq) {
            /* Until its no-op commits, a new primary may lack committed writes. */
            dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_FAIL, 0);
        } else {
            dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_OK, pb_kv_get(s, req->key));
        }
        break;
    case DSLAB_OP_WRITE:
    case DSLAB_OP_CAS:
        on_write(ctx, s, req);
        break;
    default:
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_FAIL, 0);
        break;
    }
}

/* --- texts ----------------------------------------------------------------------------------- */

void pb_annotate_final(struct dslab_node_ctx *ctx, const struct pb_state *s) {
    int64_t keys = kv_map_count(s->kv, PB_KV_SLOTS);
    dslab_ctx_report_final_state(ctx, keys, "%s epoch=%" PRId64 " applied=%" PRId64 " keys=%" PRId64,
                           pb_role_name(s->role), s->epoch, s->applied, keys);
    kv_map_report_final(ctx, s->kv, PB_KV_SLOTS);
}

enum dslab_role_class pb_role_class(enum pb_role role) {
    switch (role) {
    case PB_PRIMARY: return DSLAB_ROLE_PRIMARY;
    case PB_CANDIDATE: return DSLAB_ROLE_CANDIDATE;
    default: return DSLAB_ROLE_BACKUP;
    }
}

const char *pb_role_name(enum pb_role role) {
    switch (role) {
    case PB_PRIMARY: return "primary";
    case PB_CANDIDATE: return "candidate";
    default: return "backup";
    }
}

void pb_describe(const void *state, char *buf, size_t buf_size) {
    const struct pb_state *s = state;
    if (s->role == PB_BACKUP && s->primary_id >= 0) {
        snprintf(buf, buf_size, "backup e%" PRId64 " of n%d log=%" PRId64 " commit=%" PRId64,
                 s->epoch, (int)s->primary_id + 1, s->log_len, s->commit);
    } else {
        snprintf(buf, buf_size, "%s e%" PRId64 " log=%" PRId64 " commit=%" PRId64,
                 pb_role_name(s->role), s->epoch, s->log_len, s->commit);
    }
}

void pb_message_label(const void *msg, size_t len, char *buf, size_t buf_size) {
    uint8_t type = len > 0 ? *(const uint8_t *)msg : 0;
    if (type == PB_MSG_REPL && len >= sizeof(struct pb_repl_head)) {
        struct pb_repl_head h;
        memcpy(&h, msg, sizeof h);
        if (h.count > 0) {
            snprintf(buf, buf_size, "Repl e%" PRId64 " [%" PRId64 "..%" PRId64 "] c%" PRId64,
                     h.epoch, h.prev_seq + 1, h.prev_seq + h.count, h.commit);
        } else {
            snprintf(buf, buf_size, "Heartbeat e%" PRId64 " c%" PRId64, h.epoch, h.commit);
        }
    } else if (type == PB_MSG_REPL_RESP && len == sizeof(struct pb_repl_resp_msg)) {
        struct pb_repl_resp_msg m;
        memcpy(&m, msg, sizeof m);
        snprintf(buf, buf_size, "ReplResp e%" PRId64 " %s %" PRId64, m.repl_epoch,
                 m.stale ? "stale" : (m.success ? "ok" : "reject"),
                 m.stale ? m.epoch : m.match_seq);
    } else if ((type == PB_MSG_PROMOTE || type == PB_MSG_PROMOTE_RESP) &&
               len == sizeof(struct pb_promote_msg)) {
        struct pb_promote_msg m;
        memcpy(&m, msg, sizeof m);
        if (type == PB_MSG_PROMOTE) {
            snprintf(buf, buf_size, "Promote e%" PRId64 " last=%" PRId64 "/e%" PRId64, m.epoch,
                     m.last_seq, m.last_epoch);
        } else {
            snprintf(buf, buf_size, "PromoteResp e%" PRId64 " %s", m.epoch,
                     m.granted ? "granted" : "denied");
        }
    } else {
        snprintf(buf, buf_size, "pb? (%zu bytes)", len);
    }
}
