/* raft_internal.h (private): state, messages and helpers shared by the
 * Raft files (raft.c: roles, elections, vtable; raft_repl.c: replication,
 * commit, client requests and reads; raft_log.c: log, persistence, the
 * key-value state machine's sessions, labels; the log's storage and the
 * map itself are shared with primary-backup: repl_log.c, kv_map.c). Protocol docs: docs/PROTOCOLS.md.
 *
 * Index convention: log indexes are 1-based as in the paper; entry i lives
 * in log[i - 1]; index 0 is the empty prefix with term 0.
 *
 * The fixed-size node state block (the simulator zeroes it at creation
 * and at a crash) holds everything but the parts that grow with use - the
 * log, the key-value map and the client sessions - which live in a struct
 * raft_mem per node that the config owns (below). The log is bounded by
 * RAFT_LOG_MAX, so the map holds at most a distinct key per log entry. */
#ifndef DSLAB_RAFT_INTERNAL_H
#define DSLAB_RAFT_INTERNAL_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dslab/assert.h"
#include "dslab/limits.h"
#include "dslab/node.h"
#include "protocols/kv_map.h"
#include "protocols/repl_log.h"

/* Invariants of Figure 2 and the thesis, stated where they must hold
 * (docs/PROTOCOLS.md, "Raft invariants"). A failure is a bug in this
 * protocol, never bad input: node code sees only its own messages and
 * store. Always on, in every build type (dslab/assert.h). */
#define RAFT_ASSERT(cond) DSLAB_ASSERT(cond)

/* Votes and acks are bit masks of node indexes; 64 nodes is far beyond
 * what anyone runs Raft with (5 and 7 are the usual sizes). */
#define RAFT_NODES_MAX 64
/* Log entries a node can hold (no snapshots). A leader refuses new writes
 * once full (DSLAB_REPLY_FAIL), so the bound shows as unavailability, never as
 * a crash. 8192 writes is far more than a lesson-sized run makes. */
#define RAFT_LOG_MAX 8192
/* The flat table the map's final report keeps the order of (kv_map.h):
 * at most RAFT_LOG_MAX keys, load factor <= 1/2. */
#define RAFT_KV_SLOTS (2 * RAFT_LOG_MAX)
/* Client requests waiting at one node for commit / for a read round. */
#define RAFT_PENDING_MAX 512
#define RAFT_READS_MAX 512

enum raft_role {
    RAFT_FOLLOWER,
    RAFT_PRE_CANDIDATE,
    RAFT_CANDIDATE,
    RAFT_LEADER,
};

enum raft_read_mode {
    RAFT_READ_LEADER_LOCAL,
    RAFT_READ_INDEX,
    RAFT_READ_LEASE,
};

enum raft_commit_rule {
    RAFT_COMMIT_PAPER,
    RAFT_COMMIT_NAIVE,
};

enum raft_timer_tag {
    RAFT_TIMER_ELECTION = 1,
    RAFT_TIMER_HEARTBEAT = 2,
    RAFT_TIMER_GROUP_COMMIT = 3, /* the leader syncs and ships a batch of writes */
    RAFT_TIMER_MEMBERSHIP = 4,   /* a scripted membership step is due (raft_membership.c) */
};

/* Membership change (raft_membership.c, thesis 4.1): the scenario's script
 * of single-server steps, each due at a time on the leader's monotonic
 * clock. At most this many steps. */
#define RAFT_MEMBER_STEPS_MAX 64
/* A configuration entry's cmd (never a kv_map command): the state machine
 * applies it as a no-op; key = its step number (1-based), value = the
 * voting members as a bit mask of node indexes. */
#define RAFT_CMD_CONFIG 100

struct raft_member_step {
    int64_t at_ns;  /* due once the leader's monotonic clock reads this */
    int32_t node;   /* the server added or removed */
    bool add;       /* true: add; false: remove */
};

struct raft_config {
    int64_t election_timeout_ns_min;
    int64_t election_timeout_ns_max;
    int64_t heartbeat_ns;
    int64_t lease_ns;
    bool pre_vote;
    enum raft_read_mode read_mode;
    int32_t entries_per_append_max;
    /* paper (default): only entries of the leader's own term commit by
     * counting replicas (Figure 2, Figure 8). naive: any entry stored on a
     * majority counts as committed - the bug of Figure 8, for lessons. */
    enum raft_commit_rule commit_rule;
    /* Client sessions (thesis 6.3): entries carry (client, serial) and the
     * state machine applies each serial once, answering a retry with the
     * cached result. Off: a retried write may apply twice. */
    bool client_sessions;
    /* Durability (docs/PROTOCOLS.md, raft): false (default, `ack: after-sync`)
     * = log entries are synced before a node acknowledges them; true
     * (`ack: before-sync`) = never synced on the append path (the page cache
     * only; term and vote are still synced): fast, lost at a power failure. */
    bool ack_before_sync;
    /* Group commit: 0 = the leader syncs and ships each client write at
     * once; > 0 = it collects writes for this long, then one sync and one
     * AppendEntries round carry them all. Range [0, 1s]. */
    int64_t group_commit_ns;
    /* Owned: one struct raft_mem per node (raft_mems_count), for this
     * simulator's life (each simulator configures its own). */
    struct raft_mem *mems;
    int32_t mems_count;
    /* Snapshots (raft_snapshot.c): 0 = off. > 0 = a follower the leader
     * would have to send everything from index 1 (an empty log) after
     * entries committed gets this many bytes on the wire first, in
     * chunks of snapshot_chunk_bytes (0 = one message), one chunk in
     * flight. Only the transfer's time is modelled (docs/ASSUMPTIONS.md). */
    int64_t snapshot_bytes;
    int64_t snapshot_chunk_bytes;
    /* Membership (raft_membership.c). membership_on: `members` or
     * `membership` was given; off, every node is a voting member for ever
     * and nothing below is used (the code paths are the same as before). */
    bool membership_on;
    /* `membership_change: direct` (unsafe, for the lesson): the leader
     * proposes each due step at once, without waiting for the previous
     * change to commit nor for an entry of its own term to commit. */
    bool membership_direct;
    uint64_t initial_members; /* the configuration before any config entry */
    int32_t steps_count;
    struct raft_member_step steps[RAFT_MEMBER_STEPS_MAX];
};

/* One log entry, as stored, persisted and sent (48 bytes). */
struct raft_entry {
    int64_t term;
    int64_t key;
    int64_t value;    /* write: value; cas: new value */
    int64_t expected; /* cas */
    int32_t cmd;      /* enum kv_cmd */
    int32_t client;   /* the client that asked (sessions) */
    uint64_t serial;  /* its operation's serial; 0 = no session (no dedup) */
};

/* --- messages: flat structs, the first byte is the type ------------------ */
enum raft_msg_type {
    RAFT_MSG_VOTE = 1,      /* RequestVote or PreVote */
    RAFT_MSG_VOTE_RESP = 2,
    RAFT_MSG_APPEND = 3,    /* AppendEntries (empty = heartbeat) */
    RAFT_MSG_APPEND_RESP = 4,
    RAFT_MSG_SNAPSHOT = 5,  /* InstallSnapshot: one chunk, its size declared on the wire */
    RAFT_MSG_SNAPSHOT_RESP = 6,
};

/* Both directions of InstallSnapshot (raft_snapshot.c): a chunk covers
 * bytes [offset, offset + len) of a snapshot of `total` bytes; the answer
 * echoes offset and len. */
struct raft_snapshot_msg {
    uint8_t type; /* RAFT_MSG_SNAPSHOT or RAFT_MSG_SNAPSHOT_RESP */
    uint8_t reserved[7];
    int64_t term;
    int64_t offset;
    int64_t len;
    int64_t total;
};

/* Bounds snapshot_bytes / snapshot_chunk_bytes (events per transfer). */
#define RAFT_SNAPSHOT_CHUNKS_MAX 100000

struct raft_vote_msg {
    uint8_t type;     /* RAFT_MSG_VOTE or RAFT_MSG_VOTE_RESP */
    uint8_t pre_vote; /* 1: a pre-vote round, nobody's term changes */
    uint8_t granted;  /* responses */
    uint8_t reserved[5];
    int64_t term;      /* sender's current term */
    int64_t vote_term; /* the term the vote is for (pre-vote: term + 1) */
    int64_t last_index;/* requests: candidate's last log index and term */
    int64_t last_term;
};

struct raft_append_head {
    uint8_t type; /* RAFT_MSG_APPEND */
    uint8_t reserved[3];
    int32_t count; /* entries that follow */
    int64_t term;
    int64_t prev_index;
    int64_t prev_term;
    int64_t commit;
    uint64_t seq;         /* leader's heartbeat round, echoed back */
    int64_t sent_mono_ns; /* leader's monotonic clock at send, echoed back */
};

_Static_assert(offsetof(struct raft_append_head, count) == REPL_BATCH_COUNT_OFFSET,
               "repl_log_batch_receive reads the count there");

#define RAFT_APPEND_ENTRIES_MAX \
    ((int)((DSLAB_MSG_PAYLOAD_MAX - sizeof(struct raft_append_head)) / sizeof(struct raft_entry)))

struct raft_append_msg {
    struct raft_append_head head;
    struct raft_entry entries[RAFT_APPEND_ENTRIES_MAX];
};

struct raft_append_resp_msg {
    uint8_t type; /* RAFT_MSG_APPEND_RESP */
    uint8_t success;
    uint8_t reserved[6];
    int64_t term;
    int64_t match_index; /* success: last index now known to match; else a hint */
    uint64_t seq;
    int64_t sent_mono_ns;
};

/* --- state ---------------------------------------------------------------- */
/* Per client: the latest serial applied and its result (thesis 6.3). A
 * client has one operation at a time, so the latest is all it can retry. */
struct raft_session {
    uint64_t serial;  /* 0: none applied yet */
    int32_t status;   /* enum dslab_reply_status of that apply */
    int32_t reserved; /* zero */
};

struct raft_pending_write {
    int64_t index; /* log index the request was appended at */
    int64_t term;  /* and its term: a different term there means it lost */
    uint64_t request_id;
};

struct raft_pending_read {
    uint64_t request_id;
    int64_t key;
    uint64_t seq_needed; /* heartbeat round a majority must ack */
    int64_t read_index;  /* answer once applied through this */
};

/* The parts of a node's state that grow with use, outside the state
 * block. Inside it they made the block 978 KB a node, which the simulator
 * zeroes for every node of every run: most of `dslab explore`'s time on
 * Raft (issue 15). The config owns one per node for the simulator's life,
 * so a crash (which zeroes the block and its pointer to this) leaks
 * nothing; raft_boot attaches the node's own and empties it, which is what
 * the zeroing did: nothing of it survives a crash but memory. */
struct raft_mem {
    struct raft_entry *log;  /* entry i at log[i - 1]; grown by repl_log.c */
    size_t log_capacity;
    struct kv_map_table kv;      /* the applied map (kv_map.h) */
    struct raft_session *sessions; /* per client id below sessions_count; the rest are none yet */
    size_t sessions_count;
};

struct raft_state {
    /* Persistent: mirrored in the durable store, synced before answering. */
    int64_t current_term;
    int32_t voted_for; /* -1 = none */
    int64_t log_len;
    struct raft_mem *mem; /* this node's (the config's), attached by raft_boot; NULL after a crash */

    /* Volatile. */
    enum raft_role role;
    bool group_commit_armed;  /* a RAFT_TIMER_GROUP_COMMIT is pending */
    int64_t leader_synced_len;/* group commit: the leader's log is durable up to here */
    int32_t self;
    int32_t nodes_count;
    int32_t leader_id; /* -1 = unknown */
    int64_t commit_index;
    int64_t last_applied;
    uint64_t election_timer_id;  /* valid while election_timer_armed */
    uint64_t heartbeat_timer_id; /* valid while heartbeat_timer_armed */
    bool election_timer_armed;
    bool heartbeat_timer_armed;
    bool heard_leader;              /* leader_contact_mono_ns is valid */
    int64_t leader_contact_mono_ns; /* last AppendEntries from a current leader */
    uint64_t votes_mask;            /* candidate / pre-candidate */

    /* Leader. */
    int64_t next_index[RAFT_NODES_MAX];
    int64_t match_index[RAFT_NODES_MAX];
    uint64_t acked_seq[RAFT_NODES_MAX];
    int64_t acked_sent_mono_ns[RAFT_NODES_MAX];
    uint64_t heartbeat_seq;
    int64_t noop_index; /* first entry of this leadership */
    /* Snapshot transfer per follower (reset when leadership starts). */
    int64_t snap_offset[RAFT_NODES_MAX];  /* bytes acknowledged */
    uint64_t snap_seq[RAFT_NODES_MAX];    /* heartbeat round when the chunk in flight left */
    bool snap_inflight[RAFT_NODES_MAX];
    bool snap_installed[RAFT_NODES_MAX];

    int writes_count;
    struct raft_pending_write writes[RAFT_PENDING_MAX];
    int reads_count;
    struct raft_pending_read reads[RAFT_READS_MAX];

    /* Membership (raft_membership.c): the configuration this node uses is
     * the latest in its log, committed or not (thesis 4.1); without one,
     * the config's initial members. Rebuilt from the log after every
     * change to it. */
    uint64_t config_mask;  /* voting members, bit per node index */
    int64_t config_index;  /* log index of that config entry; 0 = initial */
    int32_t config_step;   /* its step number; 0 = initial */
    bool membership_timer_armed;
    uint64_t membership_timer_id; /* valid while membership_timer_armed */
};

/* raft.c */
const struct raft_config *raft_cfg(const struct dslab_node_ctx *ctx);
/* The invariants that hold between any two events at this node. */
void raft_check_invariants(struct dslab_node_ctx *ctx, const struct raft_state *s);
int32_t raft_majority(const struct raft_state *s);
void raft_become_follower(struct dslab_node_ctx *ctx, struct raft_state *s, int64_t term);
/* An answer of `term` to this node as leader: a newer term makes it a
 * follower. True only when it still leads in `term` (the answer is not
 * stale). */
bool raft_leader_answered(struct dslab_node_ctx *ctx, struct raft_state *s, int64_t term);
void raft_reset_election_timer(struct dslab_node_ctx *ctx, struct raft_state *s);

/* raft_repl.c */
void raft_send_append(struct dslab_node_ctx *ctx, struct raft_state *s, int32_t peer);
void raft_broadcast_append(struct dslab_node_ctx *ctx, struct raft_state *s);
/* A message of `term` (>= current) from the leader `from`: follow it,
 * remember when it was heard, restart the election timer. */
void raft_heard_leader(struct dslab_node_ctx *ctx, struct raft_state *s, int32_t from,
                       int64_t term);
void raft_on_append(struct dslab_node_ctx *ctx, struct raft_state *s, int32_t from,
                    const struct raft_append_msg *m);
void raft_on_append_resp(struct dslab_node_ctx *ctx, struct raft_state *s, int32_t from,
                         const struct raft_append_resp_msg *m);
void raft_on_request(struct dslab_node_ctx *ctx, void *state, const struct dslab_client_request *req);
/* Answers or refuses everything pending when leadership ends. */
void raft_abandon_reads(struct dslab_node_ctx *ctx, struct raft_state *s);
void raft_set_commit(struct dslab_node_ctx *ctx, struct raft_state *s, int64_t commit);
/* Leader: commit what a majority of the members store (Figure 2, rule 4). */
void raft_advance_commit(struct dslab_node_ctx *ctx, struct raft_state *s);
/* Group commit: one sync for the writes collected, then one round ships them. */
void raft_group_commit(struct dslab_node_ctx *ctx, struct raft_state *s);
bool raft_lease_held(struct dslab_node_ctx *ctx, const struct raft_state *s);

/* raft_membership.c (raft_membership_parse.c: configure) */
static inline uint64_t raft_all_nodes_mask(int32_t count) {
    return count >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << count) - 1;
}
/* Parses `members`, `membership` and `membership_change` into c. */
int raft_membership_configure(const struct dslab_scenario *sc, struct raft_config *c,
                              struct dslab_diag *diag);
bool raft_is_member(const struct raft_state *s, int32_t node);
/* How many nodes of `mask` are voting members. */
int32_t raft_members_in(const struct raft_state *s, uint64_t mask);
/* Recomputes config_mask/index/step from the log (the latest config entry). */
void raft_config_refresh(struct dslab_node_ctx *ctx, struct raft_state *s);
/* Follower: after its log changed, refresh, and arm or drop the election
 * timer as it became or stopped being a member. */
void raft_config_follow(struct dslab_node_ctx *ctx, struct raft_state *s);
/* Leader: proposes the scripted steps that are due and allowed. */
void raft_membership_tick(struct dslab_node_ctx *ctx, struct raft_state *s);
/* Arms the timer for the next step due after now (boot, restart, firing). */
void raft_membership_arm(struct dslab_node_ctx *ctx, struct raft_state *s);
/* Leader: steps down once the entry that removed it is committed. */
void raft_membership_committed(struct dslab_node_ctx *ctx, struct raft_state *s);
/* The values of the voting members compacted into out (RAFT_NODES_MAX);
 * *self_out = this node's place there, -1 when it is not a member.
 * Returns how many. */
int32_t raft_member_values(const struct raft_state *s, const int64_t *values, int64_t *out,
                           int32_t *self_out);

/* raft_snapshot.c */
/* True while `peer` must get a snapshot before entries: AppendEntries to
 * it carry none and start at index 0 (a heartbeat, a probe). */
bool raft_snapshot_holds(struct dslab_node_ctx *ctx, const struct raft_state *s, int32_t peer);
/* Leader: a live answer from `peer` of round `seq`: sends the next chunk,
 * or again the one in flight when a later round came back without it. */
void raft_snapshot_progress(struct dslab_node_ctx *ctx, struct raft_state *s, int32_t peer,
                            uint64_t seq);
void raft_on_snapshot(struct dslab_node_ctx *ctx, struct raft_state *s, int32_t from,
                      const struct raft_snapshot_msg *m);
void raft_on_snapshot_resp(struct dslab_node_ctx *ctx, struct raft_state *s, int32_t from,
                           const struct raft_snapshot_msg *m);

/* raft_log.c */
const struct repl_log_spec *raft_log_spec(void);
/* The log's entries (NULL while a crashed node's state is zeroed: then
 * log_len is 0). */
const struct raft_entry *raft_entries(const struct raft_state *s);
/* Attaches the node's struct raft_mem (the config's) and empties it. */
void raft_mem_attach(struct dslab_node_ctx *ctx, struct raft_state *s);
/* Frees every node's (destroy_config). */
void raft_mems_free(struct raft_mem *mems, int32_t count);
/* The applied map's keys (end-of-run reports). */
int64_t raft_kv_count(const struct raft_state *s);
void raft_kv_report_final(struct dslab_node_ctx *ctx, const struct raft_state *s);
/* The log as repl_log.c sees it (borrows s). */
struct repl_log raft_log_of(struct raft_state *s);
int64_t raft_term_at(const struct raft_state *s, int64_t index);
int64_t raft_last_term(const struct raft_state *s);
/* Appends one entry in memory and the store (not synced). -1 when full. */
int raft_log_append(struct dslab_node_ctx *ctx, struct raft_state *s, const struct raft_entry *e);
/* Drops entries after `len` (in memory and the store's length record). */
void raft_log_truncate(struct dslab_node_ctx *ctx, struct raft_state *s, int64_t len);
/* ack: before-sync only: committed entries after `len` were lost (a power
 * failure took them from a majority); commitIndex and the applied state go
 * back to the surviving prefix, traced as a `commit_lost` annotation. */
void raft_commit_lost(struct dslab_node_ctx *ctx, struct raft_state *s, int64_t len);
void raft_persist_meta(struct dslab_node_ctx *ctx, const struct raft_state *s);
/* True when the store holds this term and vote (written, as before a reply). */
bool raft_meta_stored(struct dslab_node_ctx *ctx, const struct raft_state *s);
/* Rebuilds term, vote and log from the durable store. */
void raft_load(struct dslab_node_ctx *ctx, struct raft_state *s);
/* Applies one entry to the map; returns DSLAB_REPLY_OK or DSLAB_REPLY_FAIL (cas).
 * An entry with a session serial already applied for its client changes
 * nothing and returns the cached result (DSLAB_REPLY_UNKNOWN for a serial older
 * than the latest: its result is no longer kept). */
enum dslab_reply_status raft_kv_apply(struct raft_state *s, const struct raft_entry *e);
/* The client's session, or NULL for an out-of-range client id. */
const struct raft_session *raft_session_of(const struct raft_state *s, int32_t client);
int64_t raft_kv_get(const struct raft_state *s, int64_t key);
void raft_describe(const void *state, char *buf, size_t buf_size);
void raft_message_label(const void *msg, size_t len, char *buf, size_t buf_size);
const char *raft_role_name(enum raft_role role);
enum dslab_role_class raft_role_class(enum raft_role role);

#endif
