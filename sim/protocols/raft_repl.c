/* raft_repl.c: Raft log replication, commit, apply, and client requests.
 *
 *   client --write--> leader: append + sync, AppendEntries to all
 *   follower: check prev (index, term), truncate a conflicting suffix,
 *             append + sync, then AppendResp(match)
 *   leader: commit N once a majority matches N and log[N] is of its term
 *           (commit_rule: naive drops the term test, for the lesson);
 *           apply in order; the request's node replies when its entry
 *           applies, and "unknown" (retry at the leader) if it drops the
 *           entry, which may still commit elsewhere. With client sessions
 *           the state machine applies each (client, serial) once.
 *
 * Reads, by read_mode (docs/PROTOCOLS.md):
 *   leader-local  answer from the local map at once; an old leader that
 *                 has not noticed it was replaced answers stale values;
 *   read-index    note read_index = max(commit, own no-op), start a
 *                 heartbeat round, answer when a majority acked a round
 *                 sent after the read arrived and apply reached read_index;
 *   lease         answer at once while a majority acked heartbeats sent
 *                 within `lease` on the leader's monotonic clock, else as
 *                 read-index. Safe only while clocks drift less than the
 *                 lease's margin below election_timeout_min.
 * Heartbeat rounds are numbered (seq) and carry the leader's monotonic
 * send time; followers echo both, so one ack confirms a round and dates a
 * lease. */
#include <string.h>

#include "protocols/raft_internal.h"
#include "protocols/repl_majority.h"

/* --- sending ----------------------------------------------------------------- */

void raft_send_append(struct dslab_node_ctx *ctx, struct raft_state *s, int32_t peer) {
    struct raft_append_msg m;
    memset(&m.head, 0, sizeof m.head);
    int64_t prev = 0;
    /* A follower waiting for a snapshot gets probes (prev 0, no entries). */
    int32_t count = raft_snapshot_holds(ctx, s, peer)
                        ? 0
                        : repl_log_batch(raft_log_of(s), s->next_index[peer],
                                         raft_cfg(ctx)->entries_per_append_max, &prev, m.entries);
    m.head.type = RAFT_MSG_APPEND;
    m.head.count = count;
    m.head.term = s->current_term;
    m.head.prev_index = prev;
    m.head.prev_term = raft_term_at(s, prev);
    m.head.commit = s->commit_index;
    m.head.seq = s->heartbeat_seq;
    m.head.sent_mono_ns = dslab_ctx_mono_ns(ctx);
    dslab_ctx_send(ctx, peer, &m, sizeof m.head + (size_t)count * sizeof(struct raft_entry));
}

/* A new heartbeat round: every ack of it confirms leadership after now. */
void raft_broadcast_append(struct dslab_node_ctx *ctx, struct raft_state *s) {
    s->heartbeat_seq++;
    for (int32_t peer = 0; peer < s->nodes_count; peer++) {
        if (peer != s->self && raft_is_member(s, peer)) {
            raft_send_append(ctx, s, peer);
        }
    }
}

/* --- pending requests -------------------------------------------------------- */

/* Replies to the write waiting at `index`, if any. The request's entry won
 * the index only if the entry applied there has the term it was given;
 * otherwise it certainly never commits (the index is committed to another
 * entry, and an entry lives only at its own index). */
static void resolve_write(struct dslab_node_ctx *ctx, struct raft_state *s, int64_t index,
                          int64_t entry_term, enum dslab_reply_status status) {
    for (int i = 0; i < s->writes_count; i++) {
        struct raft_pending_write *w = &s->writes[i];
        if (w->index != index) {
            continue;
        }
        if (w->term == entry_term) {
            dslab_ctx_reply(ctx, w->request_id, status, status == DSLAB_REPLY_UNKNOWN ? -1 : 0);
        } else {
            repl_reply_not_done(ctx, w->request_id, s->leader_id, s->self);
        }
        s->writes[i] = s->writes[--s->writes_count];
        return;
    }
}

/* A suffix this node drops was not committed yet, but other nodes may
 * still hold the same entries, and a later leader may commit them (the
 * Figure 8 situation): the outcome is unknown, never "failed". The client
 * is pointed at the leader to retry; with client sessions a retry applies
 * at most once, without them it may apply twice. */
static void resolve_truncated(struct dslab_node_ctx *ctx, struct raft_state *s, int64_t from_index) {
    for (int i = 0; i < s->writes_count;) {
        if (s->writes[i].index >= from_index) {
            int64_t retry_at = s->leader_id >= 0 && s->leader_id != s->self ? s->leader_id : -1;
            dslab_ctx_reply(ctx, s->writes[i].request_id, DSLAB_REPLY_UNKNOWN, retry_at);
            s->writes[i] = s->writes[--s->writes_count];
        } else {
            i++;
        }
    }
}

static bool read_confirmed(const struct raft_state *s, const struct raft_pending_read *r) {
    int32_t acks = raft_is_member(s, s->self) ? 1 : 0;
    for (int32_t peer = 0; peer < s->nodes_count; peer++) {
        if (peer != s->self && raft_is_member(s, peer) && s->acked_seq[peer] >= r->seq_needed) {
            acks++;
        }
    }
    return acks >= raft_majority(s);
}

/* Answers every read-index read whose round and apply point are reached. */
static void check_reads(struct dslab_node_ctx *ctx, struct raft_state *s) {
    if (s->role != RAFT_LEADER) {
        return;
    }
    int kept = 0;
    for (int i = 0; i < s->reads_count; i++) {
        struct raft_pending_read r = s->reads[i];
        if (read_confirmed(s, &r) && s->last_applied >= r.read_index) {
            dslab_ctx_reply(ctx, r.request_id, DSLAB_REPLY_OK, raft_kv_get(s, r.key));
        } else {
            s->reads[kept++] = r;
        }
    }
    s->reads_count = kept;
}

void raft_abandon_reads(struct dslab_node_ctx *ctx, struct raft_state *s) {
    /* A read changes nothing, so refusing it is always truthful. */
    for (int i = 0; i < s->reads_count; i++) {
        dslab_ctx_reply(ctx, s->reads[i].request_id, DSLAB_REPLY_FAIL, 0);
    }
    s->reads_count = 0;
}

/* --- commit and apply ------------------------------------------------------ */

void raft_set_commit(struct dslab_node_ctx *ctx, struct raft_state *s, int64_t commit) {
    if (!repl_commit_to(ctx, &s->commit_index, s->log_len, commit)) {
        return; /* commitIndex never decreases */
    }
    while (s->last_applied < s->commit_index) {
        s->last_applied++;
        const struct raft_entry *e = &raft_entries(s)[s->last_applied - 1];
        enum dslab_reply_status status = raft_kv_apply(s, e);
        resolve_write(ctx, s, s->last_applied, e->term, status);
    }
    raft_membership_committed(ctx, s);
    check_reads(ctx, s);
}

/* Figure 2, leader rule 4: commit N when a majority matches N and
 * log[N].term == currentTerm. An entry of an earlier term is never
 * committed by counting its replicas (Figure 8: a later leader can still
 * overwrite it); it commits when an entry of this term after it does. */
void raft_advance_commit(struct dslab_node_ctx *ctx, struct raft_state *s) {
    bool naive = raft_cfg(ctx)->commit_rule == RAFT_COMMIT_NAIVE;
    /* With group commit the leader's own copy counts once it is synced. */
    s->match_index[s->self] = raft_cfg(ctx)->group_commit_ns > 0 ? s->leader_synced_len : s->log_len;
    /* Only the members of the configuration in use count (all nodes
     * without membership changes); a leader removing itself does not. */
    int64_t match[RAFT_NODES_MAX];
    int32_t self_at;
    int32_t members = raft_member_values(s, s->match_index, match, &self_at);
    int64_t n = repl_majority_index(raft_log_spec(), raft_entries(s), s->log_len, match, members,
                                    raft_majority(s), s->commit_index, s->current_term, naive);
    if (n > s->commit_index) {
        RAFT_ASSERT(naive || raft_term_at(s, n) == s->current_term);
        raft_set_commit(ctx, s, n);
    }
}

/* --- follower side ------------------------------------------------------------ */

/* Where the leader should retry after a mismatch at prev_index: skip the
 * whole conflicting term at once (thesis 5.3's optimisation). */
static int64_t conflict_hint(const struct raft_state *s, int64_t prev_index) {
    return repl_log_conflict_hint(raft_log_spec(), raft_entries(s), s->log_len, prev_index,
                                  s->commit_index);
}

/* A received entry conflicts with ours from new_len + 1 on: drop them and
 * tell the clients waiting there that the outcome is unknown. */
static void truncate_received(struct dslab_node_ctx *ctx, void *state, int64_t new_len) {
    struct raft_state *s = state;
    raft_log_truncate(ctx, s, new_len);
    resolve_truncated(ctx, s, new_len + 1);
}

/* Stores the message's entries after prev; returns the last index known to
 * match the leader. */
static int64_t store_entries(struct dslab_node_ctx *ctx, struct raft_state *s,
                             const struct raft_append_msg *m) {
    /* The caller checked the Log Matching precondition. */
    RAFT_ASSERT(raft_term_at(s, m->head.prev_index) == m->head.prev_term);
    int64_t match = repl_log_store_received(ctx, raft_log_of(s), m->head.prev_index, m->entries,
                                            m->head.count, truncate_received, s);
    /* Log Matching: through `match` this log now equals the leader's; its
     * terms never decrease and none is from the future. */
    for (int64_t i = m->head.prev_index + 1; i <= match; i++) {
        RAFT_ASSERT(raft_term_at(s, i) == m->entries[i - m->head.prev_index - 1].term);
        RAFT_ASSERT(raft_term_at(s, i) >= raft_term_at(s, i - 1) &&
                    raft_term_at(s, i) <= s->current_term);
    }
    if (!raft_cfg(ctx)->ack_before_sync) {
        dslab_ctx_store_sync(ctx); /* entries are durable before the ack leaves */
    }
    return match;
}

void raft_heard_leader(struct dslab_node_ctx *ctx, struct raft_state *s, int32_t from,
                       int64_t term) {
    RAFT_ASSERT(term >= s->current_term);
    /* Election Safety: no other leader of this node's own term (except
     * under membership_change: direct, whose point is that there can be:
     * this leader then follows the other). */
    RAFT_ASSERT(!(s->role == RAFT_LEADER && term == s->current_term) ||
                raft_cfg(ctx)->membership_direct);
    if (term > s->current_term || s->role != RAFT_FOLLOWER) {
        raft_become_follower(ctx, s, term);
    }
    s->leader_id = from;
    s->heard_leader = true;
    s->leader_contact_mono_ns = dslab_ctx_mono_ns(ctx);
    raft_reset_election_timer(ctx, s);
}

void raft_on_append(struct dslab_node_ctx *ctx, struct raft_state *s, int32_t from,
                    const struct raft_append_msg *m) {
    struct raft_append_resp_msg r;
    memset(&r, 0, sizeof r);
    r.type = RAFT_MSG_APPEND_RESP;
    r.seq = m->head.seq;
    r.sent_mono_ns = m->head.sent_mono_ns;
    if (m->head.term >= s->current_term) {
        raft_heard_leader(ctx, s, from, m->head.term);
        int64_t prev = m->head.prev_index;
        if (prev < 0 || prev > s->log_len || raft_term_at(s, prev) != m->head.prev_term) {
            r.match_index = conflict_hint(s, prev < 0 ? 0 : prev);
        } else {
            r.success = 1;
            r.match_index = store_entries(ctx, s, m);
            raft_config_follow(ctx, s); /* the latest config in the log, committed or not */
            if (m->head.commit > s->commit_index) {
                raft_set_commit(ctx, s,
                                m->head.commit < r.match_index ? m->head.commit : r.match_index);
            }
        }
    }
    r.term = s->current_term;
    dslab_ctx_send(ctx, from, &r, sizeof r);
}

/* --- leader side --------------------------------------------------------------- */

void raft_on_append_resp(struct dslab_node_ctx *ctx, struct raft_state *s, int32_t from,
                         const struct raft_append_resp_msg *m) {
    if (!raft_leader_answered(ctx, s, m->term)) {
        return; /* stale, or a newer term: it follows now */
    }
    /* Any answer of this term means `from` accepts this node as leader. */
    if (m->seq > s->acked_seq[from]) {
        s->acked_seq[from] = m->seq;
    }
    /* matchIndex only grows while followers keep what they acknowledged.
     * Under ack: before-sync a follower that restarted without its unsynced
     * entries answers a request newer than every answer seen so far with a
     * shorter log: bring matchIndex down to it, or the leader would retry
     * past the follower's end for ever. */
    if (raft_cfg(ctx)->ack_before_sync && !m->success &&
        m->sent_mono_ns > s->acked_sent_mono_ns[from] && m->match_index < s->match_index[from]) {
        dslab_ctx_annotate(ctx, "follower_lost", m->match_index,
                           "%s lost entries %lld..%lld it had acknowledged (ack: before-sync)",
                           dslab_ctx_node_name(ctx, from), (long long)(m->match_index + 1),
                           (long long)s->match_index[from]);
        s->match_index[from] = m->match_index;
    }
    repl_follower_answered(&s->acked_sent_mono_ns[from], &s->match_index[from], &s->next_index[from],
                           m->sent_mono_ns, m->success, m->match_index);
    if (m->success) {
        raft_advance_commit(ctx, s);
        raft_membership_tick(ctx, s);
    } else {
        int64_t next = m->match_index + 1;
        if (next < s->next_index[from]) {
            s->next_index[from] = next;
        }
        if (s->next_index[from] <= s->match_index[from]) {
            s->next_index[from] = s->match_index[from] + 1;
        }
    }
    check_reads(ctx, s);
    if (raft_snapshot_holds(ctx, s, from)) {
        raft_snapshot_progress(ctx, s, from, m->seq);
    } else if (s->role == RAFT_LEADER && (!m->success || s->next_index[from] <= s->log_len)) {
        raft_send_append(ctx, s, from);
    }
}

bool raft_lease_held(struct dslab_node_ctx *ctx, const struct raft_state *s) {
    if (s->role != RAFT_LEADER) {
        return false;
    }
    /* The majority-th latest acked send time (this node counts as now). */
    int64_t now_ns = dslab_ctx_mono_ns(ctx);
    int64_t times[RAFT_NODES_MAX];
    int32_t self_at;
    int32_t members = raft_member_values(s, s->acked_sent_mono_ns, times, &self_at);
    int64_t start_ns = repl_majority_latest(times, members, self_at, now_ns, raft_majority(s));
    return start_ns != INT64_MIN && now_ns < start_ns + raft_cfg(ctx)->lease_ns;
}

/* --- client requests ----------------------------------------------------------- */

static void on_read(struct dslab_node_ctx *ctx, struct raft_state *s, const struct dslab_client_request *req) {
    enum raft_read_mode mode = raft_cfg(ctx)->read_mode;
    bool own_term_applied = s->last_applied >= s->noop_index;
    if (mode == RAFT_READ_LEADER_LOCAL ||
        (mode == RAFT_READ_LEASE && own_term_applied && raft_lease_held(ctx, s))) {
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_OK, raft_kv_get(s, req->key));
        return;
    }
    if (s->reads_count >= RAFT_READS_MAX) {
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_FAIL, 0);
        return;
    }
    struct raft_pending_read *r = &s->reads[s->reads_count++];
    r->request_id = req->request_id;
    r->key = req->key;
    r->seq_needed = s->heartbeat_seq + 1; /* the round broadcast below */
    r->read_index = s->commit_index > s->noop_index ? s->commit_index : s->noop_index;
    raft_broadcast_append(ctx, s);
    check_reads(ctx, s); /* a one-node cluster is its own majority */
}

static void on_write(struct dslab_node_ctx *ctx, struct raft_state *s, const struct dslab_client_request *req) {
    struct raft_entry e;
    memset(&e, 0, sizeof e);
    e.term = s->current_term;
    kv_map_command_of(req, &e.cmd, &e.key, &e.value, &e.expected);
    e.client = req->client;
    if (raft_cfg(ctx)->client_sessions) {
        e.serial = req->serial;
        const struct raft_session *session = raft_session_of(s, req->client);
        if (session && req->serial != 0 && session->serial == req->serial) {
            /* A retry of an operation already applied: its cached result. */
            dslab_ctx_reply(ctx, req->request_id, (enum dslab_reply_status)session->status, 0);
            return;
        }
    }
    if (s->writes_count >= RAFT_PENDING_MAX || raft_log_append(ctx, s, &e) != 0) {
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_FAIL, 0); /* full: refused, not done */
        return;
    }
    struct raft_pending_write *w = &s->writes[s->writes_count++];
    w->index = s->log_len;
    w->term = e.term;
    w->request_id = req->request_id;
    int64_t window_ns = raft_cfg(ctx)->group_commit_ns;
    if (window_ns > 0) {
        if (!s->group_commit_armed) {
            dslab_ctx_set_timer(ctx, window_ns, RAFT_TIMER_GROUP_COMMIT);
            s->group_commit_armed = true;
        }
        return;
    }
    if (!raft_cfg(ctx)->ack_before_sync) {
        dslab_ctx_store_sync(ctx);
    }
    raft_broadcast_append(ctx, s);
    raft_advance_commit(ctx, s); /* a one-node cluster commits at once */
}

void raft_group_commit(struct dslab_node_ctx *ctx, struct raft_state *s) {
    if (!raft_cfg(ctx)->ack_before_sync) {
        dslab_ctx_store_sync(ctx);
    }
    s->leader_synced_len = s->log_len;
    raft_broadcast_append(ctx, s);
    raft_advance_commit(ctx, s);
}

static void raft_on_leader_request(struct dslab_node_ctx *ctx, struct raft_state *s,
                                   const struct dslab_client_request *req) {
    switch (req->fn) {
    case DSLAB_OP_READ:
        on_read(ctx, s, req);
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

void raft_on_request(struct dslab_node_ctx *ctx, void *state, const struct dslab_client_request *req) {
    struct raft_state *s = state;
    if (s->role != RAFT_LEADER) {
        repl_reply_not_done(ctx, req->request_id, s->leader_id, s->self);
        return;
    }
    raft_on_leader_request(ctx, s, req);
    raft_check_invariants(ctx, s);
}
