/* quorum_kv_internal.h (private): state, messages and helpers shared by
 * the quorum-kv files (quorum_kv.c: configuration, the coordinator, message
 * handlers, the vtable; quorum_kv_data.c: versions, conflict resolution,
 * the replica's local store, persistence and hints). Knobs and trade-offs:
 * docs/PROTOCOLS.md, section quorum-kv.
 *
 * Everything lives in the fixed-size node state block, so a crash (which
 * zeroes it) cannot leak and nothing is malloc'd per request. Every bound
 * below shows as a refused request (DSLAB_REPLY_FAIL) or a dropped hint with an
 * annotation, never as a crash. */
#ifndef DSLAB_QUORUM_KV_INTERNAL_H
#define DSLAB_QUORUM_KV_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dslab/limits.h"
#include "dslab/node.h"

/* Version vectors have one entry per node; masks are 32-bit. Dynamo-style
 * stores are taught with 3-5 nodes; 16 keeps a message under 1 KiB. */
#define QKV_NODES_MAX 16
/* Concurrent versions kept for one key (version-vectors mode). More than
 * this many concurrent writes to one key without a read in between is far
 * beyond a lesson; the overflow keeps the first by the canonical order and
 * is annotated ("conflict", "siblings overflow"). */
#define QKV_SIBLINGS_MAX 8
/* Distinct keys one replica stores; a write to a 65th key is refused. */
#define QKV_KEYS_MAX 64
/* Client requests one coordinator works on at once. */
#define QKV_PENDING_MAX 32
/* Hinted writes a fallback node holds for absent replicas. */
#define QKV_HINTS_MAX 64

enum qkv_resolution {
    QKV_LWW,             /* last writer wins on the coordinator's wall clock */
    QKV_VERSION_VECTORS, /* causal order; concurrent writes kept as siblings */
    QKV_LAMPORT,         /* last writer wins on a Lamport timestamp: causal, one version */
};

struct qkv_config {
    int32_t n; /* replicas per key */
    int32_t r; /* replies a read waits for */
    int32_t w; /* acks a write waits for */
    enum qkv_resolution resolution;
    bool read_repair;
    bool sloppy;
    int64_t timeout_ns;          /* coordinator gives up on a request */
    int64_t sloppy_after_ns;     /* sloppy: ask fallbacks for silent replicas */
    int64_t handoff_interval_ns; /* hinted handoff retry period */
    int64_t anti_entropy_interval_ns; /* 0 = off: how often a replica pushes its records to the
                                         key's other replicas */
};

/* One version of a key's value. LWW uses (ts_ns, writer) as the order;
 * version-vectors mode uses vv (one counter per coordinator). */
struct qkv_version {
    int64_t value;
    int64_t ts_ns;  /* LWW: the coordinator's wall clock when it took the write;
                     * lamport: the Lamport timestamp (a count, not ns) */
    int32_t writer; /* the coordinator */
    uint32_t vv[QKV_NODES_MAX];
};

/* A key's versions: exactly one in LWW mode, the concurrent siblings in
 * version-vectors mode, kept in canonical order (qkv_record_normalize). */
struct qkv_record {
    int64_t key;
    int32_t count;
    int32_t reserved;
    struct qkv_version v[QKV_SIBLINGS_MAX];
};

/* --- messages ------------------------------------------------------------- */
enum qkv_msg_type {
    QKV_MSG_READ = 1,     /* coordinator -> replica: seq, key */
    QKV_MSG_READ_REPLY,   /* replica -> coordinator: seq, rec */
    QKV_MSG_WRITE,        /* coordinator -> replica: seq (0 = read repair, no ack), rec, hint_for */
    QKV_MSG_WRITE_ACK,    /* replica -> coordinator: seq */
    QKV_MSG_HANDOFF,      /* hint holder -> intended replica: seq = hint id, rec */
    QKV_MSG_HANDOFF_ACK,  /* intended replica -> hint holder: seq = hint id */
    QKV_MSG_SYNC,         /* replica -> the key's other replicas (anti-entropy): rec, no ack */
};

struct qkv_msg {
    uint8_t type;
    uint8_t reserved[3];
    int32_t hint_for; /* WRITE: the replica this copy stands in for, -1 = none */
    uint64_t seq;
    struct qkv_record rec; /* only rec.key and the first rec.count versions are sent */
};

/* Bytes of a message carrying `count` versions. */
#define QKV_MSG_LEN(count) \
    (offsetof(struct qkv_msg, rec) + offsetof(struct qkv_record, v) + \
     (size_t)(count) * sizeof(struct qkv_version))
_Static_assert(QKV_MSG_LEN(QKV_SIBLINGS_MAX) <= DSLAB_MSG_PAYLOAD_MAX,
               "a full sibling set must fit in one message");

/* --- the coordinator's requests -------------------------------------------- */
enum qkv_phase {
    QKV_PHASE_READ,    /* a client read: waiting for r replies */
    QKV_PHASE_CONTEXT, /* version vectors, lamport: a write reads its context first */
    QKV_PHASE_WRITE,   /* waiting for w acks */
};

struct qkv_pending {
    bool used;
    bool replied;          /* the client has its answer; still collecting for repair */
    enum qkv_phase phase;
    uint64_t request_id;
    uint64_t seq;          /* matches replies to this request */
    int64_t key;
    int64_t value;         /* write: the client's value */
    uint32_t asked;        /* nodes sent this phase's request (incl. fallbacks) */
    uint32_t answered;     /* of those, the ones that answered */
    uint32_t fallback_used;/* fallback nodes already asked */
    uint64_t timeout_timer;
    uint64_t sloppy_timer;
    struct qkv_record merged; /* read/context: everything answered so far */
    struct qkv_record out;    /* write: the version being written */
    uint64_t digest[QKV_NODES_MAX]; /* read: fingerprint of each answer, for repair */
};

struct qkv_hint {
    uint64_t id;
    int32_t for_node;
    int32_t reserved;
    struct qkv_record rec;
};

struct qkv_state {
    int32_t self;
    int32_t nodes_count;
    int32_t keys_count;
    int32_t hints_count;
    uint32_t vv_counter;   /* this node's version-vector entry (lamport: its Lamport clock); durable */
    uint64_t next_seq;
    uint64_t next_hint_id;
    bool handoff_armed;
    int64_t stats_reads, stats_writes, stats_repairs, stats_conflicts, stats_handoffs, stats_syncs;
    struct qkv_record data[QKV_KEYS_MAX];
    struct qkv_hint hints[QKV_HINTS_MAX];
    struct qkv_pending pending[QKV_PENDING_MAX];
};

enum qkv_timer_tag {
    QKV_TIMER_TIMEOUT = 1,  /* tag = TIMEOUT | slot << 8 */
    QKV_TIMER_SLOPPY = 2,   /* tag = SLOPPY | slot << 8 */
    QKV_TIMER_HANDOFF = 3,
    QKV_TIMER_ANTI_ENTROPY = 4,
};

/* --- quorum_kv_data.c --------------------------------------------------------- */
/* The i-th node of key's ring order: the first n are its preference list,
 * the rest its fallbacks in the order a sloppy quorum asks them. */
int32_t qkv_ring_node(int64_t key, int32_t i, int32_t nodes_count);
bool qkv_is_replica(const struct qkv_config *c, int64_t key, int32_t node, int32_t nodes_count);

/* True when a's causal history includes b's (a >= b entrywise). */
bool qkv_vv_descends(const struct qkv_version *a, const struct qkv_version *b);
/* LWW: a beats b by (ts_ns, writer, value). */
bool qkv_lww_newer(const struct qkv_version *a, const struct qkv_version *b);
/* Merges `in` into `into` by the resolution rule. Returns the number of
 * versions of `in` that were discarded as losers (LWW) — the "lost" ones. */
int32_t qkv_record_merge(enum qkv_resolution res, struct qkv_record *into,
                         const struct qkv_record *in);
/* The version a read returns: LWW the only one; with siblings the one with
 * the largest vector sum, then the largest value (deterministic). */
const struct qkv_version *qkv_record_pick(const struct qkv_record *rec);
uint64_t qkv_record_digest(const struct qkv_record *rec);

/* The replica's copy of key (NULL when absent); create makes room. */
struct qkv_record *qkv_local_find(struct qkv_state *s, int64_t key);
struct qkv_record *qkv_local_create(struct dslab_node_ctx *ctx, struct qkv_state *s, int64_t key);
/* Merges `in` into the local copy, persists and syncs. Returns 0, or -1
 * when the key table is full. Annotates LWW losses and new siblings. */
int qkv_local_apply(struct dslab_node_ctx *ctx, struct qkv_state *s, const struct qkv_record *in);
/* Fills out with the local copy merged with hints held for key. */
void qkv_local_read(const struct dslab_node_ctx *ctx, const struct qkv_state *s, int64_t key,
                    struct qkv_record *out);
void qkv_persist_counter(struct dslab_node_ctx *ctx, struct qkv_state *s);
void qkv_load(struct dslab_node_ctx *ctx, struct qkv_state *s);

int qkv_hint_add(struct dslab_node_ctx *ctx, struct qkv_state *s, int32_t for_node,
                 const struct qkv_record *rec);
void qkv_hint_remove(struct dslab_node_ctx *ctx, struct qkv_state *s, uint64_t id);

void qkv_message_label(const void *msg, size_t len, char *buf, size_t buf_size);

#endif
