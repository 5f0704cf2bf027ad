/* raft_log.c: the Raft log, its persistence, the key-value state machine,
 * and the one-line texts for the visualiser and traces.
 *
 * Durable layout (one store key per fact, so an append is one put):
 *   raft/term  int64 current term       raft/vote  int32 voted-for (-1 none)
 *   raft/len   int64 log length         raft/e/N   struct raft_entry N (1-based)
 * `raft/len` is the authority: entries past it are stale and overwritten
 * later. Callers sync (ctx_store_sync) before any message that depends on
 * what they wrote leaves the node, as the paper requires. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dslab/rng.h"
#include "protocols/raft_internal.h"

#define RAFT_KEY_TERM "raft/term"
#define RAFT_KEY_VOTE "raft/vote"
#define RAFT_KEY_LEN "raft/len"

static void entry_key(int64_t index, char *buf, size_t buf_size) {
    snprintf(buf, buf_size, "raft/e/%" PRId64, index);
}

int64_t raft_term_at(const struct raft_state *s, int64_t index) {
    if (index <= 0 || index > s->log_len) {
        return 0;
    }
    return s->log[index - 1].term;
}

int64_t raft_last_term(const struct raft_state *s) {
    return raft_term_at(s, s->log_len);
}

static void put_len(struct node_ctx *ctx, const struct raft_state *s) {
    ctx_store_put(ctx, RAFT_KEY_LEN, &s->log_len, sizeof s->log_len);
}

int raft_log_append(struct node_ctx *ctx, struct raft_state *s, const struct raft_entry *e) {
    /* Terms never decrease along the log, and no entry is from the future. */
    RAFT_ASSERT(e->term >= raft_last_term(s) && e->term <= s->current_term);
    if (s->log_len >= RAFT_LOG_MAX) {
        return -1;
    }
    s->log[s->log_len] = *e;
    s->log_len++;
    char key[48];
    entry_key(s->log_len, key, sizeof key);
    if (ctx_store_put(ctx, key, e, sizeof *e) != 0) {
        s->log_len--;
        return -1;
    }
    put_len(ctx, s);
    return 0;
}

void raft_log_truncate(struct node_ctx *ctx, struct raft_state *s, int64_t len) {
    if (len >= s->log_len) {
        return;
    }
    /* Leader Append-Only: a leader never deletes its own entries. */
    RAFT_ASSERT(s->role != RAFT_LEADER);
    /* A committed entry is never removed (the naive commit rule, a lesson
     * knob, breaks exactly this: Figure 8). */
    RAFT_ASSERT(len >= s->commit_index || raft_cfg(ctx)->commit_rule == RAFT_COMMIT_NAIVE);
    s->log_len = len < 0 ? 0 : len;
    put_len(ctx, s);
}

void raft_persist_meta(struct node_ctx *ctx, const struct raft_state *s) {
    ctx_store_put(ctx, RAFT_KEY_TERM, &s->current_term, sizeof s->current_term);
    ctx_store_put(ctx, RAFT_KEY_VOTE, &s->voted_for, sizeof s->voted_for);
}

bool raft_meta_stored(struct node_ctx *ctx, const struct raft_state *s) {
    const void *p = NULL;
    int64_t term = 0;
    int32_t vote = 0;
    if (ctx_store_get(ctx, RAFT_KEY_TERM, &p) != (long)sizeof term) {
        return false;
    }
    memcpy(&term, p, sizeof term);
    if (ctx_store_get(ctx, RAFT_KEY_VOTE, &p) != (long)sizeof vote) {
        return false;
    }
    memcpy(&vote, p, sizeof vote);
    return term == s->current_term && vote == s->voted_for;
}

static int64_t load_i64(struct node_ctx *ctx, const char *key, int64_t absent) {
    const void *p = NULL;
    long n = ctx_store_get(ctx, key, &p);
    int64_t v = absent;
    if (n == (long)sizeof v) {
        memcpy(&v, p, sizeof v);
    }
    return v;
}

void raft_load(struct node_ctx *ctx, struct raft_state *s) {
    s->current_term = load_i64(ctx, RAFT_KEY_TERM, 0);
    s->voted_for = -1;
    const void *p = NULL;
    int32_t vote = -1;
    if (ctx_store_get(ctx, RAFT_KEY_VOTE, &p) == (long)sizeof vote) {
        memcpy(&vote, p, sizeof vote);
        s->voted_for = vote;
    }
    int64_t len = load_i64(ctx, RAFT_KEY_LEN, 0);
    if (len < 0 || len > RAFT_LOG_MAX) {
        len = 0;
    }
    s->log_len = 0;
    for (int64_t i = 1; i <= len; i++) {
        char key[48];
        entry_key(i, key, sizeof key);
        if (ctx_store_get(ctx, key, &p) != (long)sizeof(struct raft_entry)) {
            break; /* a torn tail: keep the prefix that is there */
        }
        memcpy(&s->log[i - 1], p, sizeof(struct raft_entry));
        s->log_len = i;
    }
}

/* --- key-value state machine ---------------------------------------------- */

static size_t kv_slot_of(const struct raft_state *s, int64_t key, bool *found) {
    uint64_t h = (uint64_t)key;
    size_t i = (size_t)(rng_splitmix64(&h) % RAFT_KV_SLOTS);
    while (s->kv[i].used && s->kv[i].key != key) {
        i = (i + 1) % RAFT_KV_SLOTS;
    }
    *found = s->kv[i].used != 0;
    return i;
}

int64_t raft_kv_get(const struct raft_state *s, int64_t key) {
    bool found = false;
    size_t i = kv_slot_of(s, key, &found);
    return found ? s->kv[i].value : HISTORY_NIL;
}

static void kv_put(struct raft_state *s, int64_t key, int64_t value) {
    bool found = false;
    size_t i = kv_slot_of(s, key, &found);
    if (!found) {
        /* At most one new key per applied entry: the table cannot fill. */
        s->kv[i].used = 1;
        s->kv[i].key = key;
        s->kv_count++;
    }
    s->kv[i].value = value;
}

static enum reply_status kv_apply_command(struct raft_state *s, const struct raft_entry *e) {
    switch (e->cmd) {
    case RAFT_CMD_WRITE:
        kv_put(s, e->key, e->value);
        return REPLY_OK;
    case RAFT_CMD_CAS:
        if (raft_kv_get(s, e->key) != e->expected) {
            return REPLY_FAIL;
        }
        kv_put(s, e->key, e->value);
        return REPLY_OK;
    default:
        return REPLY_OK; /* no-op */
    }
}

enum reply_status raft_kv_apply(struct raft_state *s, const struct raft_entry *e) {
    if (e->serial == 0 || e->client < 0 || e->client >= DSLAB_CLIENTS_MAX) {
        return kv_apply_command(s, e); /* no session */
    }
    struct raft_session *session = &s->sessions[e->client];
    if (e->serial == session->serial) {
        return (enum reply_status)session->status; /* a retry: applied once already */
    }
    if (e->serial < session->serial) {
        return REPLY_UNKNOWN; /* an older operation the client has given up on */
    }
    enum reply_status status = kv_apply_command(s, e);
    session->serial = e->serial;
    session->status = (int32_t)status;
    return status;
}

const struct raft_session *raft_session_of(const struct raft_state *s, int32_t client) {
    return client >= 0 && client < DSLAB_CLIENTS_MAX ? &s->sessions[client] : NULL;
}

/* --- texts ----------------------------------------------------------------- */

enum role_class raft_role_class(enum raft_role role) {
    switch (role) {
    case RAFT_LEADER: return ROLE_LEADER;
    case RAFT_CANDIDATE:
    case RAFT_PRE_CANDIDATE: return ROLE_CANDIDATE;
    default: return ROLE_FOLLOWER;
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
    } else {
        snprintf(buf, buf_size, "raft? (%zu bytes)", len);
    }
}
