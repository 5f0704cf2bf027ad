/* raft_log.c: the Raft log (stored through repl_log.c), the key-value
 * state machine (kv_map.c) with client sessions, and the one-line texts for
 * the visualiser and traces.
 *
 * Durable layout (repl_log.h): raft/term, raft/vote, raft/len, raft/e/N
 * (struct raft_entry N, 1-based); `raft/len` is the authority. Callers sync
 * (dslab_ctx_store_sync) before any message that depends on what they wrote
 * leaves the node, as the paper requires. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocols/raft_internal.h"

static const struct repl_log_spec raft_log_spec_value = {
    .term_key = "raft/term",
    .vote_key = "raft/vote",
    .len_key = "raft/len",
    .entry_prefix = "raft/e/",
    .entry_size = sizeof(struct raft_entry),
    .entries_max = RAFT_LOG_MAX,
};

const struct repl_log_spec *raft_log_spec(void) {
    return &raft_log_spec_value;
}

const struct raft_entry *raft_entries(const struct raft_state *s) {
    return s->mem ? s->mem->log : NULL;
}

struct repl_log raft_log_of(struct raft_state *s) {
    RAFT_ASSERT(s->mem); /* attached at boot */
    return (struct repl_log){&raft_log_spec_value, s->mem->log, &s->log_len, (void **)&s->mem->log,
                             &s->mem->log_capacity};
}

int64_t raft_term_at(const struct raft_state *s, int64_t index) {
    return repl_log_term_at(&raft_log_spec_value, raft_entries(s), s->log_len, index);
}

void raft_mem_attach(struct dslab_node_ctx *ctx, struct raft_state *s) {
    const struct raft_config *c = raft_cfg(ctx);
    int32_t self = dslab_ctx_self(ctx);
    RAFT_ASSERT(self >= 0 && self < c->mems_count);
    s->mem = &c->mems[self];
    kv_map_table_clear(&s->mem->kv);
    if (s->mem->sessions) memset(s->mem->sessions, 0, s->mem->sessions_count * sizeof *s->mem->sessions);
}

void raft_mems_free(struct raft_mem *mems, int32_t count) {
    for (int32_t i = 0; mems && i < count; i++) {
        free(mems[i].log);
        kv_map_table_free(&mems[i].kv);
        free(mems[i].sessions);
    }
    free(mems);
}

int64_t raft_last_term(const struct raft_state *s) {
    return raft_term_at(s, s->log_len);
}

int raft_log_append(struct dslab_node_ctx *ctx, struct raft_state *s, const struct raft_entry *e) {
    /* Terms never decrease along the log, and no entry is from the future. */
    RAFT_ASSERT(e->term >= raft_last_term(s) && e->term <= s->current_term);
    return repl_log_append(ctx, raft_log_of(s), e);
}

void raft_log_truncate(struct dslab_node_ctx *ctx, struct raft_state *s, int64_t len) {
    if (len >= s->log_len) {
        return;
    }
    /* Leader Append-Only: a leader never deletes its own entries. */
    RAFT_ASSERT(s->role != RAFT_LEADER);
    if (len < s->commit_index && (raft_cfg(ctx)->ack_before_sync || raft_cfg(ctx)->membership_direct)) {
        /* ack: before-sync lets a majority lose committed entries at a
         * power failure; the leader elected afterwards may lack them.
         * membership_change: direct lets two majorities that do not
         * overlap commit different entries at one index. */
        repl_log_truncate(ctx, raft_log_of(s), len);
        raft_commit_lost(ctx, s, len);
        return;
    }
    /* A committed entry is never removed (the naive commit rule, a lesson
     * knob, breaks exactly this: Figure 8). */
    RAFT_ASSERT(len >= s->commit_index || raft_cfg(ctx)->commit_rule == RAFT_COMMIT_NAIVE);
    repl_log_truncate(ctx, raft_log_of(s), len);
}

void raft_commit_lost(struct dslab_node_ctx *ctx, struct raft_state *s, int64_t len) {
    /* Only the unsafe durability mode and the unsafe membership change
     * can take a committed entry away. */
    RAFT_ASSERT((raft_cfg(ctx)->ack_before_sync || raft_cfg(ctx)->membership_direct) &&
                len < s->commit_index && len >= 0);
    dslab_ctx_annotate(ctx, "commit_lost", len,
                       "committed entries %lld..%lld lost (%s): commit back to %lld",
                       (long long)(len + 1), (long long)s->commit_index,
                       raft_cfg(ctx)->ack_before_sync ? "ack: before-sync" : "membership_change: direct",
                       (long long)len);
    /* Rebuild the state machine from the surviving prefix: the map and the
     * client sessions are exactly what applying entries 1..len gives. */
    kv_map_table_clear(&s->mem->kv);
    if (s->mem->sessions) memset(s->mem->sessions, 0, s->mem->sessions_count * sizeof *s->mem->sessions);
    for (int64_t i = 1; i <= len; i++) {
        (void)raft_kv_apply(s, &s->mem->log[i - 1]);
    }
    s->commit_index = len;
    s->last_applied = len;
}

void raft_persist_meta(struct dslab_node_ctx *ctx, const struct raft_state *s) {
    repl_log_persist_meta(ctx, &raft_log_spec_value, s->current_term, s->voted_for);
}

bool raft_meta_stored(struct dslab_node_ctx *ctx, const struct raft_state *s) {
    return repl_log_meta_stored(ctx, &raft_log_spec_value, s->current_term, s->voted_for);
}

void raft_load(struct dslab_node_ctx *ctx, struct raft_state *s) {
    repl_log_load(ctx, raft_log_of(s), &s->current_term, &s->voted_for);
}

/* --- key-value state machine: the shared map plus client sessions ---------- */

int64_t raft_kv_get(const struct raft_state *s, int64_t key) {
    return kv_map_table_get(&s->mem->kv, key);
}

int64_t raft_kv_count(const struct raft_state *s) {
    return s->mem ? (int64_t)s->mem->kv.count : 0;
}

void raft_kv_report_final(struct dslab_node_ctx *ctx, const struct raft_state *s) {
    if (!s->mem) return;
    int rc = kv_map_table_report_final(ctx, &s->mem->kv);
    RAFT_ASSERT(rc == 0); /* out of memory for a few bytes a key at the end: say so, loudly */
}

static enum dslab_reply_status kv_apply_command(struct raft_state *s, const struct raft_entry *e) {
    enum dslab_reply_status status;
    int rc = kv_map_table_apply(&s->mem->kv, e->cmd, e->key, e->value, e->expected, &status);
    RAFT_ASSERT(rc == 0); /* out of memory: the map holds at most a key per log entry, a few MB */
    return status;
}

/* The client's session, growing the table to hold it (new ones are none
 * yet: zero). */
static struct raft_session *session_slot(struct raft_state *s, int32_t client) {
    struct raft_mem *m = s->mem;
    if ((size_t)client >= m->sessions_count) {
        size_t count = m->sessions_count ? m->sessions_count : 16;
        while (count <= (size_t)client) count *= 2;
        struct raft_session *grown = realloc(m->sessions, count * sizeof *grown);
        RAFT_ASSERT(grown); /* at most DSLAB_CLIENTS_MAX of 16 bytes */
        memset(grown + m->sessions_count, 0, (count - m->sessions_count) * sizeof *grown);
        m->sessions = grown;
        m->sessions_count = count;
    }
    return &m->sessions[client];
}

enum dslab_reply_status raft_kv_apply(struct raft_state *s, const struct raft_entry *e) {
    if (e->cmd == RAFT_CMD_CONFIG) {
        return DSLAB_REPLY_OK; /* a configuration: in use since it was appended */
    }
    if (e->serial == 0 || e->client < 0 || e->client >= DSLAB_CLIENTS_MAX) {
        return kv_apply_command(s, e); /* no session */
    }
    struct raft_session *session = session_slot(s, e->client);
    if (e->serial == session->serial) {
        return (enum dslab_reply_status)session->status; /* a retry: applied once already */
    }
    if (e->serial < session->serial) {
        return DSLAB_REPLY_UNKNOWN; /* an older operation the client has given up on */
    }
    enum dslab_reply_status status = kv_apply_command(s, e);
    session->serial = e->serial;
    session->status = (int32_t)status;
    return status;
}

const struct raft_session *raft_session_of(const struct raft_state *s, int32_t client) {
    static const struct raft_session none; /* a client with nothing applied yet */
    if (client < 0 || client >= DSLAB_CLIENTS_MAX) return NULL;
    const struct raft_mem *m = s->mem;
    return m && (size_t)client < m->sessions_count ? &m->sessions[client] : &none;
}

/* --- texts ----------------------------------------------------------------- */

enum dslab_role_class raft_role_class(enum raft_role role) {
    switch (role) {
    case RAFT_LEADER: return DSLAB_ROLE_LEADER;
    case RAFT_CANDIDATE:
    case RAFT_PRE_CANDIDATE: return DSLAB_ROLE_CANDIDATE;
    default: return DSLAB_ROLE_FOLLOWER;
    }
}

const char *raft_role_name(enum raft_role role) {
    switch (role) {
    case RAFT_LEADER: return "leader";
    case RAFT_CANDIDATE: return "candidate";
    case RAFT_PRE_CANDIDATE: return "pre-candidate";
    default: return "follower";
    }
}

void raft_describe(const void *state, char *buf, size_t buf_size) {
    const struct raft_state *s = state;
    snprintf(buf, buf_size, "%s t%" PRId64 " commit=%" PRId64 " log=%" PRId64,
             raft_role_name(s->role), s->current_term, s->commit_index, s->log_len);
}

void raft_message_label(const void *msg, size_t len, char *buf, size_t buf_size) {
    uint8_t type = len > 0 ? *(const uint8_t *)msg : 0;
    if ((type == RAFT_MSG_VOTE || type == RAFT_MSG_VOTE_RESP) &&
        len == sizeof(struct raft_vote_msg)) {
        struct raft_vote_msg m;
        memcpy(&m, msg, sizeof m);
        const char *what = m.pre_vote ? "PreVote" : "RequestVote";
        if (type == RAFT_MSG_VOTE) {
            snprintf(buf, buf_size, "%s t%" PRId64 " last=%" PRId64 "/t%" PRId64, what,
                     m.vote_term, m.last_index, m.last_term);
        } else {
            snprintf(buf, buf_size, "%sResp t%" PRId64 " %s", what, m.vote_term,
                     m.granted ? "granted" : "denied");
        }
    } else if (type == RAFT_MSG_APPEND && len >= sizeof(struct raft_append_head)) {
        struct raft_append_head h;
        memcpy(&h, msg, sizeof h);
        if (h.count > 0) {
            snprintf(buf, buf_size, "AppendEntries t%" PRId64 " [%" PRId64 "..%" PRId64 "] c%" PRId64,
                     h.term, h.prev_index + 1, h.prev_index + h.count, h.commit);
        } else {
            snprintf(buf, buf_size, "Heartbeat t%" PRId64 " c%" PRId64, h.term, h.commit);
        }
    } else if (type == RAFT_MSG_APPEND_RESP && len == sizeof(struct raft_append_resp_msg)) {
        struct raft_append_resp_msg m;
        memcpy(&m, msg, sizeof m);
        snprintf(buf, buf_size, "AppendResp t%" PRId64 " %s %" PRId64, m.term,
                 m.success ? "ok" : "reject", m.match_index);
    } else if ((type == RAFT_MSG_SNAPSHOT || type == RAFT_MSG_SNAPSHOT_RESP) &&
               len == sizeof(struct raft_snapshot_msg)) {
        struct raft_snapshot_msg m;
        memcpy(&m, msg, sizeof m);
        snprintf(buf, buf_size, "%s t%" PRId64 " [%" PRId64 "..%" PRId64 ") of %" PRId64,
                 type == RAFT_MSG_SNAPSHOT ? "InstallSnapshot" : "SnapshotResp", m.term, m.offset,
                 m.offset + m.len, m.total);
    } else {
        snprintf(buf, buf_size, "raft? (%zu bytes)", len);
    }
}
