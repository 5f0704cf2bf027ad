/* sharded_kv_internal.h (private): state, messages and helpers shared by
 * the sharded-kv files: sharded_kv.c (configuration, the vtable),
 * sharded_kv_ring.c (placement: mod-n and consistent hashing),
 * sharded_kv_route.c (serving, forwarding and pulling one request),
 * sharded_kv_move.c (the membership change and the rebalance) and
 * sharded_kv_table.c (the keys a node holds). Knobs and trade-offs:
 * docs/PROTOCOLS.md, section sharded-kv.
 *
 * Everything lives in the config (read-only, shared) or in the fixed-size
 * node state block (zeroed by a crash); nothing is malloc'd per request.
 * Every bound shows as a refused request (DSLAB_REPLY_FAIL) with an
 * annotation, never as a crash. */
#ifndef DSLAB_SHARDED_KV_INTERNAL_H
#define DSLAB_SHARDED_KV_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dslab/node.h"

/* Membership sets are 32-bit masks. Partitioning is taught with 3-10 nodes. */
#define SKV_NODES_MAX 32
/* Points per node on the consistent-hash ring. */
#define SKV_VNODES_MAX 256
/* Distinct keys one node holds; a write to one more is refused. */
#define SKV_KEYS_MAX 1024
/* Requests one node waits on at once (forwarded or pulled). */
#define SKV_PENDING_MAX 64

enum skv_partitioning { SKV_MOD_N, SKV_CONSISTENT_HASH };
enum skv_change { SKV_CHANGE_NONE, SKV_CHANGE_JOIN, SKV_CHANGE_LEAVE };
/* What the new owner does with a request for a key whose data has not
 * arrived yet. */
enum skv_handoff {
    SKV_HANDOFF_FORWARD, /* ask the old owner; wait if the key is on the wire */
    SKV_HANDOFF_STALE,   /* serve from what it has (nil, or an older copy) */
    SKV_HANDOFF_REFUSE,  /* fail the request until the old owner is done */
};

struct skv_point {
    uint64_t hash;
    int32_t node;
    int32_t vnode;
};

/* One membership view and its placement. */
struct skv_ring {
    int32_t scheme; /* enum skv_partitioning */
    int32_t members_count;
    uint32_t members_mask;
    int32_t points_count;
    int32_t members[SKV_NODES_MAX]; /* ascending node index */
    struct skv_point points[SKV_NODES_MAX * SKV_VNODES_MAX]; /* consistent-hash: sorted by hash */
};

struct skv_config {
    int32_t partitioning; /* enum skv_partitioning */
    int32_t vnodes;
    int32_t change;       /* enum skv_change */
    int32_t change_node;  /* the node that joins or leaves */
    int32_t handoff;      /* enum skv_handoff */
    int32_t reserved;
    int64_t change_at_ns;     /* on each node's monotonic clock */
    int64_t move_interval_ns; /* 1 s / move_rate: one key leaves per interval */
    int64_t move_rate;        /* keys per second */
    uint64_t key_bytes;       /* a moved key's size on the wire (costs.links) */
    int64_t timeout_ns;       /* a forwarded or pulled request is given up */
    int32_t replicas;         /* copies of each key (1 = the owner only) */
    int32_t reserved2;
    struct skv_ring before, after;
};

/* --- messages ------------------------------------------------------------- */
enum skv_msg_type {
    SKV_MSG_FWD = 1,   /* contact -> owner: an operation, seq, hops */
    SKV_MSG_PULL,      /* new owner -> old owner: serve it if you hold the key */
    SKV_MSG_REPLY,     /* the answer to FWD or PULL: seq, status, value */
    SKV_MSG_MOVE,      /* old owner -> new owner: key, value (key_bytes on the wire) */
    SKV_MSG_MOVE_ACK,  /* new owner -> old owner: key */
    SKV_MSG_DONE,      /* old owner -> every node: nothing more will come from me */
    SKV_MSG_REPL,      /* owner -> replica: key, value, version (in `expected`), seq */
    SKV_MSG_REPL_ACK,  /* replica -> owner: seq */
};

/* REPLY statuses beyond enum dslab_reply_status (PULL answers). */
#define SKV_NOT_YET 100 /* the key is on the wire to you: wait for its MOVE */
#define SKV_ABSENT 101  /* I do not hold it and it is not on the wire: it is yours */

struct skv_msg {
    uint8_t type;
    uint8_t fn;     /* enum dslab_op_fn */
    uint8_t hops;   /* FWD: forwards so far */
    uint8_t status; /* REPLY */
    int32_t reserved;
    uint64_t seq;
    int64_t key;
    int64_t value;
    int64_t expected;
};

/* --- a node's state ------------------------------------------------------- */
struct skv_entry {
    int64_t key;
    int64_t value;
    int64_t version; /* 1 at the first write, +1 at each: copies apply only newer ones */
};

/* A request this node is working on: from a client (upstream -1) or a
 * forward from another node (upstream, upstream_seq). */
struct skv_pending {
    bool used;
    bool parked; /* waiting for the key's MOVE (or the old owner's DONE) */
    uint8_t fn;
    uint8_t hops;
    int32_t acks_left;    /* replication: REPL_ACKs still missing */
    int32_t upstream;     /* -1: a client */
    int32_t waits_on;     /* the node asked, or awaited */
    uint64_t upstream_id; /* client request id, or the upstream's seq */
    uint64_t seq;
    uint64_t timer;
    int64_t key, value, expected;
};

struct skv_state {
    bool up;            /* set by init: a crashed node's zeroed block reports nothing */
    int32_t self;
    int32_t nodes_count;
    bool changed;       /* this node has switched to the view after the change */
    bool done_sent;     /* its rebalance is over (DONE sent) */
    uint32_t awaiting;  /* nodes that may still send keys to this one */
    uint64_t next_seq;
    int32_t keys_count;     /* held keys, ascending in keys[] */
    int32_t flight_count;   /* moved keys not yet acknowledged */
    int32_t reserved;
    struct skv_entry keys[SKV_KEYS_MAX];
    struct skv_entry flight[SKV_KEYS_MAX];
    struct skv_pending pending[SKV_PENDING_MAX];
    /* counts for the run's metrics (reported at the end) */
    int64_t served_at_change; /* `served` when the view changed */
    int64_t served, forwarded, refused, stale, moved_out, moved_in, overwritten;
    int64_t rebalance_start_ns, rebalance_end_ns; /* monotonic; -1 = not yet */
};

enum skv_timer_tag {
    SKV_TIMER_CHANGE = 1,
    SKV_TIMER_MOVE = 2,
    SKV_TIMER_TIMEOUT = 3, /* tag = TIMEOUT | slot << 8 | seq << 16 */
};

/* --- sharded_kv_ring.c ------------------------------------------------------- */
/* Builds the view of `members_mask` (bits = node indices < nodes_count) under
 * scheme with `vnodes` points per member. Deterministic: the points depend
 * only on node indices, vnode numbers and a fixed salt. */
void skv_ring_build(struct skv_ring *ring, int32_t scheme, uint32_t members_mask, int32_t nodes_count,
                    int32_t vnodes);
/* The owner of key in this view (a node index), or -1 for an empty view. */
int32_t skv_ring_owner(const struct skv_ring *ring, int64_t key);
/* The j-th node holding key with replicas (j = 0 is the owner): mod-n the
 * j-th member after the owner in member order; consistent-hash the j-th
 * distinct node clockwise from the key. -1 when j >= members. */
int32_t skv_ring_replica(const struct skv_ring *ring, int64_t key, int32_t j);
/* True when node is one of the first `replicas` nodes of key. */
bool skv_ring_is_replica(const struct skv_ring *ring, int64_t key, int32_t replicas, int32_t node);
/* Hashes here use dslab_mix64 (dslab/rng.h: splitmix64's finalizer). */

/* --- sharded_kv_table.c ------------------------------------------------------ */
/* Index of key in a sorted table, or -1. */
int32_t skv_table_find(const struct skv_entry *t, int32_t count, int64_t key);
/* Sets key to value (inserting in order) with version + 1 (1 when new).
 * Returns the new version, or -1 when full. */
int64_t skv_table_put(struct skv_entry *t, int32_t *count, int32_t max, int64_t key, int64_t value);
/* Sets key to (value, version) unless it holds version or a later one.
 * Returns 1 applied, 0 older (ignored), -1 full. */
int skv_table_apply(struct skv_entry *t, int32_t *count, int32_t max, int64_t key, int64_t value,
                    int64_t version);
/* Removes key if present. */
void skv_table_remove(struct skv_entry *t, int32_t *count, int64_t key);

/* --- sharded_kv_route.c ------------------------------------------------------ */
/* The view this node routes by now. */
const struct skv_ring *skv_view(const struct dslab_node_ctx *ctx, const struct skv_state *s);
/* Starts work on an operation: from a client (upstream -1, id = request id)
 * or from FWD (upstream = sender, id = its seq). */
void skv_handle(struct dslab_node_ctx *ctx, struct skv_state *s, int32_t upstream, uint64_t id,
                const struct skv_msg *op);
void skv_on_pull(struct dslab_node_ctx *ctx, struct skv_state *s, int32_t from, const struct skv_msg *m);
void skv_on_reply(struct dslab_node_ctx *ctx, struct skv_state *s, int32_t from, const struct skv_msg *m);
void skv_on_timeout(struct dslab_node_ctx *ctx, struct skv_state *s, int32_t slot, uint64_t seq);
/* Retries the parked requests for key (its MOVE arrived) or, with key_any,
 * every request parked on node `from` (its DONE arrived). */
void skv_unpark(struct dslab_node_ctx *ctx, struct skv_state *s, int32_t from, bool key_any, int64_t key);

/* --- sharded_kv_replica.c ---------------------------------------------------- */
/* The owner applied a write (new version); copies it to the key's other
 * replicas and answers the request when all of them acknowledged. */
void skv_replicate(struct dslab_node_ctx *ctx, struct skv_state *s, const struct skv_pending *op,
                   int64_t value, int64_t version);
void skv_on_repl(struct dslab_node_ctx *ctx, struct skv_state *s, int32_t from, const struct skv_msg *m);
void skv_on_repl_ack(struct dslab_node_ctx *ctx, struct skv_state *s, int32_t from, const struct skv_msg *m);
/* A free pending slot (NULL when all are used). */
struct skv_pending *skv_pending_new(struct skv_state *s);
/* Answers op's upstream (a client or a node's REPLY). */
void skv_answer(struct dslab_node_ctx *ctx, const struct skv_pending *op, int status, int64_t value);
uint64_t skv_timeout_tag(int32_t slot, uint64_t seq);

/* --- sharded_kv_move.c ------------------------------------------------------- */
void skv_change(struct dslab_node_ctx *ctx, struct skv_state *s);
void skv_move_tick(struct dslab_node_ctx *ctx, struct skv_state *s);
void skv_on_move(struct dslab_node_ctx *ctx, struct skv_state *s, int32_t from, const struct skv_msg *m);
void skv_on_move_ack(struct dslab_node_ctx *ctx, struct skv_state *s, int32_t from, const struct skv_msg *m);
void skv_on_done(struct dslab_node_ctx *ctx, struct skv_state *s, int32_t from);
/* True while key is on the wire from this node (moved, not acknowledged). */
bool skv_in_flight(const struct skv_state *s, int64_t key);

#endif
