/* raft.c: Raft (Ongaro & Ousterhout 2014) leader election, roles, timers
 * and the protocol vtable. Replication, commit and client requests are in
 * raft_repl.c; the log, persistence and the state machine in raft_log.c.
 * Knobs and the trade-off each controls: docs/PROTOCOLS.md.
 *
 *            timeout            timeout (pre_vote only)
 *   follower -------> [pre-candidate] -- majority of pre-votes --+
 *      ^  ^                 |                                    v
 *      |  |   higher term / |  leader seen       timeout     candidate
 *      |  +-----------------+                  +----------->  (term+1)
 *      |      higher term or current leader    |  majority of votes
 *      +------------------------------------ leader <-------+
 *
 * Annotations: "role" (text = role, value = term) on every role change and
 * every new candidacy; "term" on term changes; "vote" when granting one;
 * "commit" when the commit index moves. one-leader-per-term reads "role".
 *
 * Pre-vote (thesis 9.6): a node that times out first asks whether it could
 * win, without raising its term, so a node that cannot hear the leader
 * (a one-way partition) does not depose it over and over. Voters refuse a
 * pre-vote while they hear from a leader. In lease mode voters also refuse
 * real votes within election_timeout_min of hearing from the leader
 * (thesis 6.4.1): otherwise a new leader could be elected while the old
 * one still trusts its lease even with perfect clocks. That memory is
 * volatile, so in lease mode a restarted node assumes it heard a leader
 * at its restart and waits election_timeout_min before voting.
 *
 * Invariants are asserted where they must hold (RAFT_ASSERT), and
 * raft_check_invariants runs after every message, timer and request. */
#include <stdlib.h>
#include <string.h>

#include "dslab/time.h"
#include "protocols/raft_internal.h"
#include "protocols/proto_util.h"

/* --- configuration -------------------------------------------------------- */

static const char *const raft_known_params[] = {
    "election_timeout_min", "election_timeout_max", "heartbeat", "pre_vote", "read_mode",
    "lease", "max_entries_per_append", "commit_rule",
    "client_sessions", "ack", "group_commit", "snapshot_bytes", "snapshot_chunk_bytes",
    "members", "membership", "membership_change", NULL,
};
static const char *const raft_ack_modes[] = {"after-sync", "before-sync", NULL};
static const char *const raft_read_modes[] = {"leader-local", "read-index", "lease", NULL};
/* Indexes match enum raft_commit_rule. */
static const char *const raft_commit_rules[] = {"paper", "naive", NULL};

_Static_assert(RAFT_SNAPSHOT_CHUNKS_MAX == 100000, "the snapshot_chunk_bytes error names the bound");

static int raft_configure(const struct dslab_scenario *s, void **config_out, struct dslab_diag *diag) {
    struct raft_config c;
    memset(&c, 0, sizeof c);
    int read_mode = RAFT_READ_INDEX;
    int commit_rule = RAFT_COMMIT_PAPER;
    int64_t entries_max = 0;
    int ack_mode = 0;
    if (dslab_param_reject_unknown(s, raft_known_params, diag) != 0 ||
        dslab_param_duration_ns(s, "election_timeout_min", 150 * DSLAB_NS_PER_MS, &c.election_timeout_ns_min,
                          diag) != 0 ||
        dslab_param_duration_ns(s, "election_timeout_max", 300 * DSLAB_NS_PER_MS, &c.election_timeout_ns_max,
                          diag) != 0 ||
        dslab_param_duration_ns(s, "heartbeat", 50 * DSLAB_NS_PER_MS, &c.heartbeat_ns, diag) != 0 ||
        dslab_param_bool(s, "pre_vote", false, &c.pre_vote, diag) != 0 ||
        dslab_param_choice(s, "read_mode", raft_read_modes, RAFT_READ_INDEX, &read_mode, diag) != 0 ||
        dslab_param_duration_ns(s, "lease", c.election_timeout_ns_min / 10 * 9, &c.lease_ns, diag) != 0 ||
        dslab_param_int(s, "max_entries_per_append", 16, 1, RAFT_APPEND_ENTRIES_MAX, &entries_max,
                  diag) != 0 ||
        dslab_param_choice(s, "commit_rule", raft_commit_rules, RAFT_COMMIT_PAPER, &commit_rule,
                     diag) != 0 ||
        dslab_param_bool(s, "client_sessions", true, &c.client_sessions, diag) != 0 ||
        dslab_param_choice(s, "ack", raft_ack_modes, 0, &ack_mode, diag) != 0 ||
        dslab_param_duration_ns(s, "group_commit", 0, &c.group_commit_ns, diag) != 0 ||
        dslab_param_int(s, "snapshot_bytes", 0, 0, (int64_t)DSLAB_WIRE_BYTES_MAX, &c.snapshot_bytes,
                        diag) != 0 ||
        dslab_param_int(s, "snapshot_chunk_bytes", 0, 0, (int64_t)DSLAB_WIRE_BYTES_MAX,
                        &c.snapshot_chunk_bytes, diag) != 0) {
        return -1;
    }
    if (c.snapshot_chunk_bytes > 0 && c.snapshot_bytes == 0) {
        return proto_param_error(s, "snapshot_chunk_bytes", diag,
                                 "snapshot_chunk_bytes needs snapshot_bytes > 0");
    }
    if (c.snapshot_chunk_bytes > 0 &&
        (c.snapshot_bytes - 1) / c.snapshot_chunk_bytes + 1 > RAFT_SNAPSHOT_CHUNKS_MAX) {
        return proto_param_error(s, "snapshot_chunk_bytes", diag,
                                 "snapshot_chunk_bytes must cut snapshot_bytes into at most "
                                 "100000 chunks");
    }
    c.ack_before_sync = ack_mode == 1;
    if (c.group_commit_ns < 0 || c.group_commit_ns > DSLAB_NS_PER_S) {
        return proto_param_error(s, "group_commit", diag, "group_commit must be 0 to 1s");
    }
    if (s->nodes_count > RAFT_NODES_MAX) {
        return proto_error(s, diag, "raft supports at most %d nodes, the scenario has %d", RAFT_NODES_MAX,
                                    (int)s->nodes_count);
    }
    if (c.election_timeout_ns_min <= 0) {
        return proto_param_error(s, "election_timeout_min", diag, "election_timeout_min must be > 0");
    }
    if (c.election_timeout_ns_max < c.election_timeout_ns_min) {
        return proto_param_error(s, "election_timeout_max", diag,
                                 "election_timeout_max must be >= election_timeout_min");
    }
    if (c.heartbeat_ns <= 0) {
        return proto_param_error(s, "heartbeat", diag, "heartbeat must be > 0");
    }
    if (c.lease_ns <= 0) {
        return proto_param_error(s, "lease", diag, "lease must be > 0");
    }
    if (raft_membership_configure(s, &c, diag) != 0) {
        return -1;
    }
    c.read_mode = (enum raft_read_mode)read_mode;
    c.entries_per_append_max = (int32_t)entries_max;
    c.commit_rule = (enum raft_commit_rule)commit_rule;
    c.mems_count = s->nodes_count;
    c.mems = calloc(s->nodes_count > 0 ? (size_t)s->nodes_count : 1, sizeof *c.mems);
    if (!c.mems) return proto_error(s, diag, "out of memory");
    for (int32_t i = 0; i < c.mems_count; i++) kv_map_table_init(&c.mems[i].kv, RAFT_KV_SLOTS);
    if (proto_config_keep(s, &c, sizeof c, config_out, diag) != 0) {
        free(c.mems);
        return -1;
    }
    return 0;
}

static void raft_destroy_config(void *config) {
    struct raft_config *c = config;
    if (c) raft_mems_free(c->mems, c->mems_count);
    free(c);
}

const struct raft_config *raft_cfg(const struct dslab_node_ctx *ctx) {
    return dslab_ctx_config(ctx);
}

/* A majority of the configuration this node uses (every node without
 * membership changes). */
int32_t raft_majority(const struct raft_state *s) {
    if (s->config_mask != raft_all_nodes_mask(s->nodes_count)) {
        return raft_members_in(s, s->config_mask) / 2 + 1;
    }
    return s->nodes_count / 2 + 1;
}

/* --- roles and timers ------------------------------------------------------ */

static void set_role(struct dslab_node_ctx *ctx, struct raft_state *s, enum raft_role role) {
    bool was_leader = s->role == RAFT_LEADER;
    s->role = role;
    dslab_ctx_report_role(ctx, raft_role_class(role), s->current_term, "%s", raft_role_name(role));
    if (was_leader && role != RAFT_LEADER) {
        if (s->heartbeat_timer_armed) {
            dslab_ctx_cancel_timer(ctx, s->heartbeat_timer_id);
            s->heartbeat_timer_armed = false;
        }
        raft_abandon_reads(ctx, s);
    }
}

static void set_term(struct dslab_node_ctx *ctx, struct raft_state *s, int64_t term) {
    RAFT_ASSERT(term >= s->current_term); /* currentTerm never decreases */
    if (term == s->current_term) {
        return;
    }
    s->current_term = term;
    s->voted_for = -1;
    dslab_ctx_report_term(ctx, term, "term");
}

void raft_reset_election_timer(struct dslab_node_ctx *ctx, struct raft_state *s) {
    const struct raft_config *c = raft_cfg(ctx);
    if (s->election_timer_armed) {
        dslab_ctx_cancel_timer(ctx, s->election_timer_id);
    }
    if (!raft_is_member(s, s->self)) {
        s->election_timer_armed = false; /* not a member: never stands (raft_membership.c) */
        return;
    }
    int64_t delay_ns =
        dslab_rng_range_i64(dslab_ctx_rng(ctx), c->election_timeout_ns_min, c->election_timeout_ns_max);
    s->election_timer_id = dslab_ctx_set_timer(ctx, delay_ns, RAFT_TIMER_ELECTION);
    s->election_timer_armed = true;
}

/* Moves to `term` (>= current) as a follower. Persists before returning,
 * so whatever the caller sends next already reflects the new term. */
void raft_become_follower(struct dslab_node_ctx *ctx, struct raft_state *s, int64_t term) {
    if (term > s->current_term) {
        set_term(ctx, s, term);
        raft_persist_meta(ctx, s);
        dslab_ctx_store_sync(ctx);
        s->leader_id = -1;
    }
    if (s->role != RAFT_FOLLOWER) {
        set_role(ctx, s, RAFT_FOLLOWER);
        if (!s->election_timer_armed) {
            raft_reset_election_timer(ctx, s);
        }
    }
}

bool raft_leader_answered(struct dslab_node_ctx *ctx, struct raft_state *s, int64_t term) {
    if (term > s->current_term) {
        raft_become_follower(ctx, s, term);
        return false;
    }
    return s->role == RAFT_LEADER && term == s->current_term;
}

static void send_vote_requests(struct dslab_node_ctx *ctx, struct raft_state *s, bool pre_vote) {
    struct raft_vote_msg m;
    memset(&m, 0, sizeof m);
    m.type = RAFT_MSG_VOTE;
    m.pre_vote = pre_vote;
    m.term = s->current_term;
    m.vote_term = pre_vote ? s->current_term + 1 : s->current_term;
    m.last_index = s->log_len;
    m.last_term = raft_last_term(s);
    for (int32_t peer = 0; peer < s->nodes_count; peer++) {
        if (peer != s->self && raft_is_member(s, peer)) {
            dslab_ctx_send(ctx, peer, &m, sizeof m);
        }
    }
}

static void become_leader(struct dslab_node_ctx *ctx, struct raft_state *s) {
    /* Election Safety, locally: a majority of votes of this very term,
     * one of them our own, durable before we asked. */
    RAFT_ASSERT(s->role == RAFT_CANDIDATE && s->voted_for == s->self);
    RAFT_ASSERT(raft_members_in(s, s->votes_mask) >= raft_majority(s));
    if (s->election_timer_armed) {
        dslab_ctx_cancel_timer(ctx, s->election_timer_id);
        s->election_timer_armed = false;
    }
    s->leader_id = s->self;
    for (int32_t i = 0; i < s->nodes_count; i++) {
        s->next_index[i] = s->log_len + 1;
        s->match_index[i] = 0;
        s->acked_seq[i] = 0;
        s->acked_sent_mono_ns[i] = INT64_MIN;
        s->snap_offset[i] = 0;
        s->snap_seq[i] = 0;
        s->snap_inflight[i] = false;
        s->snap_installed[i] = false;
    }
    /* A no-op of the new term: committing it commits everything before it
     * and is what read-index and lease reads wait for (thesis 6.4). */
    struct raft_entry noop;
    memset(&noop, 0, sizeof noop);
    noop.term = s->current_term;
    noop.cmd = KV_CMD_NOOP;
    s->noop_index = raft_log_append(ctx, s, &noop) == 0 ? s->log_len : s->log_len + 1;
    dslab_ctx_store_sync(ctx);
    s->match_index[s->self] = s->log_len;
    s->leader_synced_len = s->log_len;
    set_role(ctx, s, RAFT_LEADER);
    s->heartbeat_timer_id = dslab_ctx_set_timer(ctx, raft_cfg(ctx)->heartbeat_ns, RAFT_TIMER_HEARTBEAT);
    s->heartbeat_timer_armed = true;
    raft_broadcast_append(ctx, s);
    if (raft_cfg(ctx)->membership_on) {
        raft_advance_commit(ctx, s); /* a one-member configuration */
        raft_membership_tick(ctx, s);
    } else if (s->nodes_count == 1) {
        raft_set_commit(ctx, s, s->log_len);
    }
}

static void start_election(struct dslab_node_ctx *ctx, struct raft_state *s) {
    set_term(ctx, s, s->current_term + 1);
    s->voted_for = s->self;
    raft_persist_meta(ctx, s);
    dslab_ctx_store_sync(ctx);
    s->leader_id = -1;
    s->votes_mask = UINT64_C(1) << s->self;
    set_role(ctx, s, RAFT_CANDIDATE);
    raft_reset_election_timer(ctx, s);
    if (raft_members_in(s, s->votes_mask) >= raft_majority(s)) {
        become_leader(ctx, s);
        return;
    }
    send_vote_requests(ctx, s, false);
}

static void start_pre_vote(struct dslab_node_ctx *ctx, struct raft_state *s) {
    s->votes_mask = UINT64_C(1) << s->self;
    s->leader_id = -1;
    if (raft_members_in(s, s->votes_mask) >= raft_majority(s)) {
        start_election(ctx, s);
        return;
    }
    set_role(ctx, s, RAFT_PRE_CANDIDATE);
    raft_reset_election_timer(ctx, s);
    send_vote_requests(ctx, s, true);
}

static void on_election_timeout(struct dslab_node_ctx *ctx, struct raft_state *s) {
    s->election_timer_armed = false;
    if (s->role == RAFT_LEADER || !raft_is_member(s, s->self)) {
        return;
    }
    if (raft_cfg(ctx)->pre_vote) {
        start_pre_vote(ctx, s);
    } else {
        start_election(ctx, s);
    }
}

/* --- votes ------------------------------------------------------------------- */

static bool log_up_to_date(const struct raft_state *s, const struct raft_vote_msg *m) {
    int64_t last_term = raft_last_term(s);
    return m->last_term > last_term || (m->last_term == last_term && m->last_index >= s->log_len);
}

/* True while this node has reason to believe a leader is alive. */
static bool leader_seen_recently(struct dslab_node_ctx *ctx, const struct raft_state *s) {
    if (s->role == RAFT_LEADER) {
        return true;
    }
    return s->heard_leader &&
           dslab_ctx_mono_ns(ctx) - s->leader_contact_mono_ns < raft_cfg(ctx)->election_timeout_ns_min;
}

static void on_vote_request(struct dslab_node_ctx *ctx, struct raft_state *s, int32_t from,
                            const struct raft_vote_msg *m) {
    struct raft_vote_msg r;
    memset(&r, 0, sizeof r);
    r.type = RAFT_MSG_VOTE_RESP;
    r.pre_vote = m->pre_vote;
    r.vote_term = m->vote_term;
    if (m->pre_vote) {
        /* Nothing changes here: a pre-vote is a question, not a vote. */
        r.granted = m->vote_term > s->current_term && log_up_to_date(s, m) &&
                    !leader_seen_recently(ctx, s);
    } else {
        /* Lease mode, and membership changes (thesis 4.2.3: a removed
         * server that never learnt it would depose the leader with its
         * higher terms): no vote while a leader is heard. */
        bool sticky = (raft_cfg(ctx)->read_mode == RAFT_READ_LEASE || raft_cfg(ctx)->membership_on) &&
                      leader_seen_recently(ctx, s);
        if (m->vote_term > s->current_term && !sticky) {
            raft_become_follower(ctx, s, m->vote_term);
        }
        /* A candidate or leader of this term voted for itself: can_vote fails. */
        bool can_vote = s->voted_for == -1 || s->voted_for == from;
        if (m->vote_term == s->current_term && can_vote && log_up_to_date(s, m) && !sticky) {
            r.granted = 1;
            raft_become_follower(ctx, s, s->current_term); /* a pre-candidate stands down */
            RAFT_ASSERT(s->voted_for == -1 || s->voted_for == from); /* one vote per term */
            s->voted_for = from;
            raft_persist_meta(ctx, s);
            dslab_ctx_store_sync(ctx); /* the vote is durable before it is sent */
            RAFT_ASSERT(raft_meta_stored(ctx, s));
            raft_reset_election_timer(ctx, s);
            dslab_ctx_annotate(ctx, "vote", s->current_term, "vote for %s in t%lld",
                         dslab_ctx_node_name(ctx, from), (long long)s->current_term);
        }
    }
    r.term = s->current_term;
    dslab_ctx_send(ctx, from, &r, sizeof r);
}

static void on_vote_response(struct dslab_node_ctx *ctx, struct raft_state *s, int32_t from,
                             const struct raft_vote_msg *m) {
    if (m->term > s->current_term && !m->granted) {
        raft_become_follower(ctx, s, m->term);
        return;
    }
    if (!m->granted) {
        return;
    }
    bool counts = (m->pre_vote && s->role == RAFT_PRE_CANDIDATE &&
                   m->vote_term == s->current_term + 1) ||
                  (!m->pre_vote && s->role == RAFT_CANDIDATE && m->vote_term == s->current_term);
    if (!counts) {
        return; /* a late answer to an earlier round */
    }
    s->votes_mask |= UINT64_C(1) << from;
    if (raft_members_in(s, s->votes_mask) < raft_majority(s)) {
        return;
    }
    if (s->role == RAFT_PRE_CANDIDATE) {
        start_election(ctx, s);
    } else {
        become_leader(ctx, s);
    }
}

/* --- invariants ---------------------------------------------------------------- */

void raft_check_invariants(struct dslab_node_ctx *ctx, const struct raft_state *s) {
    (void)ctx;
    RAFT_ASSERT(s->log_len >= 0 && s->log_len <= RAFT_LOG_MAX);
    /* lastApplied <= commitIndex <= last log index (this node applies
     * everything committed at once, so the first two are equal). */
    RAFT_ASSERT(s->last_applied == s->commit_index);
    RAFT_ASSERT(s->commit_index >= 0 && s->commit_index <= s->log_len);
    RAFT_ASSERT(raft_last_term(s) <= s->current_term);
    if (s->role == RAFT_LEADER) {
        RAFT_ASSERT(s->voted_for == s->self && s->leader_id == s->self);
        RAFT_ASSERT(s->match_index[s->self] <= s->log_len);
    }
    if (s->role == RAFT_CANDIDATE) {
        RAFT_ASSERT(s->voted_for == s->self);
    }
}

/* --- vtable ------------------------------------------------------------------- */

static void raft_boot(struct dslab_node_ctx *ctx, void *state) {
    struct raft_state *s = state;
    s->self = dslab_ctx_self(ctx);
    s->nodes_count = dslab_ctx_nodes_count(ctx);
    s->leader_id = -1;
    s->role = RAFT_FOLLOWER;
    raft_mem_attach(ctx, s);
    raft_load(ctx, s);
    raft_config_refresh(ctx, s);
    dslab_ctx_report_role(ctx, raft_role_class(s->role), s->current_term, "%s",
                    raft_role_name(s->role));
    raft_reset_election_timer(ctx, s);
    raft_membership_arm(ctx, s);
    raft_check_invariants(ctx, s);
}

/* After a crash the node cannot know when it last heard a leader: it may
 * have acked a heartbeat that a leader's lease now rests on just before it
 * crashed. In lease mode it therefore acts as if it heard a leader at the
 * moment of restart, so it grants no vote (and no pre-vote) until
 * election_timeout_min has passed on its monotonic clock since then -
 * later than any moment its pre-crash ack allowed (docs/ASSUMPTIONS.md). */
static void raft_restart(struct dslab_node_ctx *ctx, void *state) {
    struct raft_state *s = state;
    raft_boot(ctx, s);
    if (raft_cfg(ctx)->read_mode == RAFT_READ_LEASE) {
        s->heard_leader = true;
        s->leader_contact_mono_ns = dslab_ctx_mono_ns(ctx);
    }
}

static void raft_on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *msg,
                            size_t len) {
    struct raft_state *s = state;
    uint8_t type = len > 0 ? *(const uint8_t *)msg : 0;
    if (from < 0 || from >= s->nodes_count || from == s->self) {
        return;
    }
    if (type == RAFT_MSG_VOTE || type == RAFT_MSG_VOTE_RESP) {
        struct raft_vote_msg m;
        if (!proto_msg_fixed(&m, sizeof m, msg, len)) {
            /* malformed: ignore */
        } else if (type == RAFT_MSG_VOTE) {
            on_vote_request(ctx, s, from, &m);
        } else {
            on_vote_response(ctx, s, from, &m);
        }
    } else if (type == RAFT_MSG_APPEND && len >= sizeof(struct raft_append_head)) {
        struct raft_append_msg m;
        if (!repl_log_batch_receive(raft_log_spec(), msg, len, sizeof m.head, RAFT_APPEND_ENTRIES_MAX,
                                    &m)) {
            return; /* malformed: ignore */
        }
        raft_on_append(ctx, s, from, &m);
    } else if (type == RAFT_MSG_APPEND_RESP) {
        struct raft_append_resp_msg m;
        if (proto_msg_fixed(&m, sizeof m, msg, len)) {
            raft_on_append_resp(ctx, s, from, &m);
        }
    } else if (type == RAFT_MSG_SNAPSHOT || type == RAFT_MSG_SNAPSHOT_RESP) {
        struct raft_snapshot_msg m;
        if (!proto_msg_fixed(&m, sizeof m, msg, len)) {
            /* malformed: ignore */
        } else if (type == RAFT_MSG_SNAPSHOT) {
            raft_on_snapshot(ctx, s, from, &m);
        } else {
            raft_on_snapshot_resp(ctx, s, from, &m);
        }
    }
    raft_check_invariants(ctx, s);
}

static void raft_on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t timer_id, uint64_t tag) {
    struct raft_state *s = state;
    if (tag == RAFT_TIMER_ELECTION && s->election_timer_armed &&
        timer_id == s->election_timer_id) {
        on_election_timeout(ctx, s);
    } else if (tag == RAFT_TIMER_HEARTBEAT && s->heartbeat_timer_armed &&
               timer_id == s->heartbeat_timer_id && s->role == RAFT_LEADER) {
        s->heartbeat_timer_id =
            dslab_ctx_set_timer(ctx, raft_cfg(ctx)->heartbeat_ns, RAFT_TIMER_HEARTBEAT);
        raft_broadcast_append(ctx, s);
        raft_membership_tick(ctx, s);
    } else if (tag == RAFT_TIMER_MEMBERSHIP && s->membership_timer_armed &&
               timer_id == s->membership_timer_id) {
        s->membership_timer_armed = false;
        raft_membership_tick(ctx, s);
        raft_membership_arm(ctx, s);
    } else if (tag == RAFT_TIMER_GROUP_COMMIT && s->group_commit_armed) {
        s->group_commit_armed = false;
        if (s->role == RAFT_LEADER) raft_group_commit(ctx, s);
    }
    raft_check_invariants(ctx, s);
}

/* The final state for no-lost-acknowledged-writes and convergence: the
 * applied map, in the convention of sim/checkers/final_state.h. */
static void raft_on_finish(struct dslab_node_ctx *ctx, void *state) {
    const struct raft_state *s = state;
    if (s->nodes_count == 0) {
        return; /* crashed: the state block is zeroed */
    }
    dslab_ctx_report_final_state(ctx, raft_kv_count(s), "%s t%lld applied=%lld",
                           raft_role_name(s->role), (long long)s->current_term,
                           (long long)s->last_applied);
    raft_kv_report_final(ctx, s);
}

const struct dslab_protocol protocol_raft = {
    .name = "raft",
    .summary = "Raft: elections, log replication, kv state machine; pre-vote, 3 read modes",
    .state_size = sizeof(struct raft_state),
    .configure = raft_configure,
    .destroy_config = raft_destroy_config,
    .init = raft_boot,
    .on_message = raft_on_message,
    .on_timer = raft_on_timer,
    .on_request = raft_on_request,
    .on_restart = raft_restart,
    .describe = raft_describe,
    .message_label = raft_message_label,
    .on_finish = raft_on_finish,
};
