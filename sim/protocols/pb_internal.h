/* pb_internal.h (private): state, messages and helpers shared by the
 * primary-backup files (primary_backup.c: configuration, roles, failover,
 * promotion, the lease, the vtable; pb_repl.c: the log, its persistence,
 * the key-value map, replication, client requests, texts). The log's
 * storage and the map are shared with Raft: repl_log.c, kv_map.c.
 * Protocol docs: docs/PROTOCOLS.md ("Primary-backup").
 *
 * Sequence numbers are 1-based positions in the replicated log; entry s
 * lives in log[s - 1]; seq 0 is the empty prefix with epoch 0.
 *
 * Everything is in the fixed-size node state block (zeroed at a crash):
 * nothing is malloc'd. The log is bounded by PB_LOG_MAX; a full primary
 * refuses writes (DSLAB_REPLY_FAIL), which shows as unavailability. */
#ifndef DSLAB_PB_INTERNAL_H
#define DSLAB_PB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dslab/bits.h"
#include "dslab/limits.h"
#include "dslab/node.h"
#include "protocols/kv_map.h"
#include "protocols/repl_log.h"

/* Acks and grants are bit masks of node indexes. */
#define PB_NODES_MAX DSLAB_BITS_NODES_MAX
#define PB_LOG_MAX 4096
#define PB_KV_SLOTS (2 * PB_LOG_MAX) /* at most one new key per entry: load <= 1/2 */
#define PB_PENDING_MAX 512

enum pb_role {
    PB_BACKUP,
    PB_CANDIDATE, /* fencing only: asking a majority to accept a new epoch */
    PB_PRIMARY,
};

enum pb_replication { PB_SYNC, PB_ASYNC };

enum pb_timer_tag {
    PB_TIMER_FAILOVER = 1,  /* backup/candidate: no primary heard for too long */
    PB_TIMER_HEARTBEAT = 2, /* primary: heartbeat (and, async, log shipping) */
    PB_TIMER_LEASE = 3,     /* primary with fencing: the lease runs out */
};

struct pb_config {
    int64_t heartbeat_ns;
    int64_t failover_after_ns;
    int64_t lease_ns;        /* fencing: primary serves only while acked within this */
    int64_t grant_quiet_ns;  /* fencing: a node grants a new epoch only this long after
                                hearing a primary; between lease_ns and failover_after_ns */
    enum pb_replication replication;
    bool fencing;
    bool backup_reads; /* a backup answers reads from its own applied map (may be behind) */
    int32_t initial_primary;
    int32_t entries_per_message_max;
};

struct pb_entry {
    int64_t epoch;
    int64_t key;
    int64_t value;    /* write: value; cas: new value */
    int64_t expected; /* cas */
    int32_t cmd;      /* enum kv_cmd */
    int32_t reserved;
};

/* --- messages: flat structs, the first byte is the type ------------------- */
enum pb_msg_type {
    PB_MSG_REPL = 1,      /* entries (none = heartbeat) from a primary */
    PB_MSG_REPL_RESP = 2,
    PB_MSG_PROMOTE = 3,   /* fencing: a candidate asks for a new epoch */
    PB_MSG_PROMOTE_RESP = 4,
};

struct pb_repl_head {
    uint8_t type;
    uint8_t reserved[3];
    int32_t count;
    int64_t epoch;
    int64_t prev_seq;
    int64_t prev_epoch;
    int64_t commit;
    int64_t sent_mono_ns; /* echoed back: dates the primary's lease */
};

_Static_assert(offsetof(struct pb_repl_head, count) == REPL_BATCH_COUNT_OFFSET,
               "repl_log_batch_receive reads the count there");

#define PB_REPL_ENTRIES_MAX \
    ((int)((DSLAB_MSG_PAYLOAD_MAX - sizeof(struct pb_repl_head)) / sizeof(struct pb_entry)))

struct pb_repl_msg {
    struct pb_repl_head head;
    struct pb_entry entries[PB_REPL_ENTRIES_MAX];
};

struct pb_repl_resp_msg {
    uint8_t type;
    uint8_t success;
    uint8_t stale; /* fencing: the sender's epoch is behind; `epoch` is ours */
    uint8_t reserved[5];
    int64_t epoch;      /* the responder's epoch */
    int64_t repl_epoch; /* the epoch of the message answered (stale answers are ignored) */
    int64_t match_seq; /* success: last seq known to match; else a hint */
    int64_t sent_mono_ns;
};

struct pb_promote_msg {
    uint8_t type;
    uint8_t granted; /* responses */
    uint8_t reserved[6];
    int64_t epoch;   /* the epoch asked for */
    int64_t known_epoch; /* responses: the responder's epoch */
    int64_t last_seq;    /* requests: the candidate's log */
    int64_t last_epoch;
    int64_t sent_mono_ns;
};

/* --- state ------------------------------------------------------------------ */
struct pb_pending {
    int64_t seq;
    uint64_t request_id;
};

struct pb_state {
    /* Persistent (pb/epoch, pb/vote, pb/len, pb/e/N), synced before use. */
    int64_t epoch;     /* the highest epoch this node knows of or promised */
    int32_t voted_for; /* fencing: candidate granted `epoch`, -1 none */
    int64_t log_len;
    struct pb_entry log[PB_LOG_MAX];

    /* Volatile. */
    bool booted; /* false in a zeroed (crashed) state block */
    enum pb_role role;
    int32_t self;
    int32_t nodes_count;
    int32_t primary_id;   /* the primary followed in `epoch`, -1 unknown */
    int32_t last_primary; /* the last primary followed: orders failover */
    int64_t commit;
    int64_t applied;
    bool heard_primary;
    int64_t heard_primary_mono_ns;
    uint64_t failover_timer_id;
    bool failover_timer_armed;
    uint64_t heartbeat_timer_id;
    bool heartbeat_timer_armed;
    uint64_t lease_timer_id;
    bool lease_timer_armed;
    uint64_t grants_mask;       /* candidate */
    int64_t candidate_epoch;    /* the epoch asked for; adopted only once granted */
    int64_t candidacy_mono_ns;  /* candidate: when PROMOTE was sent */

    /* Primary. */
    int64_t next_seq[PB_NODES_MAX];
    int64_t match_seq[PB_NODES_MAX];
    int64_t acked_mono_ns[PB_NODES_MAX]; /* latest echoed send time, per node */
    int64_t own_seq; /* first entry of this primaryship (its no-op) */
    int pending_count;
    struct pb_pending pending[PB_PENDING_MAX];

    struct kv_slot kv[PB_KV_SLOTS];
};

/* primary_backup.c */
const struct pb_config *pb_cfg(const struct dslab_node_ctx *ctx);
int32_t pb_majority(const struct pb_state *s);
void pb_become_backup(struct dslab_node_ctx *ctx, struct pb_state *s, int64_t epoch, int32_t primary);
void pb_heard_primary(struct dslab_node_ctx *ctx, struct pb_state *s, int32_t primary);
bool pb_lease_held(struct dslab_node_ctx *ctx, const struct pb_state *s);
void pb_update_lease(struct dslab_node_ctx *ctx, struct pb_state *s);

/* pb_repl.c */
const struct repl_log_spec *pb_log_spec(void);
void pb_send_repl(struct dslab_node_ctx *ctx, struct pb_state *s, int32_t peer);
void pb_broadcast_repl(struct dslab_node_ctx *ctx, struct pb_state *s);
void pb_on_repl(struct dslab_node_ctx *ctx, struct pb_state *s, int32_t from,
                const struct pb_repl_msg *m);
void pb_on_repl_resp(struct dslab_node_ctx *ctx, struct pb_state *s, int32_t from,
                     const struct pb_repl_resp_msg *m);
void pb_on_request(struct dslab_node_ctx *ctx, void *state, const struct dslab_client_request *req);
void pb_advance_commit(struct dslab_node_ctx *ctx, struct pb_state *s);
void pb_set_commit(struct dslab_node_ctx *ctx, struct pb_state *s, int64_t commit);
int64_t pb_epoch_at(const struct pb_state *s, int64_t seq);
int pb_log_append(struct dslab_node_ctx *ctx, struct pb_state *s, const struct pb_entry *e);
void pb_persist_meta(struct dslab_node_ctx *ctx, const struct pb_state *s);
void pb_load(struct dslab_node_ctx *ctx, struct pb_state *s);
int64_t pb_kv_get(const struct pb_state *s, int64_t key);
void pb_annotate_final(struct dslab_node_ctx *ctx, const struct pb_state *s);
void pb_describe(const void *state, char *buf, size_t buf_size);
void pb_message_label(const void *msg, size_t len, char *buf, size_t buf_size);
const char *pb_role_name(enum pb_role role);
enum dslab_role_class pb_role_class(enum pb_role role);

#endif
