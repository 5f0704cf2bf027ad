/* net.h: links between nodes: partitions, per-link parameters, FIFO order.
 * Private to sim/.
 *
 * Reachability is a partition shape plus exceptions. The shape is what the
 * last partition fault made: none, groups (a group id per node; nodes in
 * different groups cannot talk, a node in NET_GROUP_ALL talks to all) or
 * the majorities ring (nodes further apart on the ring than `ring_reach`
 * cannot talk): set in O(N), tested in O(1). Single-link cuts and heals on
 * top of it are an N x N bit matrix of exceptions, allocated (calloc: zero
 * pages, mapped as they are touched) at the first one and freed when a
 * partition or heal drops them (a run without them never pays for it): bit from*N+to set = from ->
 * to is the opposite of what the shape says. Per-link parameter overrides
 * (gray failure) are an array in the order they were made, indexed by an
 * open-addressing table keyed by from*N+to (lookups only: its order never
 * reaches behaviour), so a lookup is O(1) however many there are. FIFO
 * links remember their last scheduled
 * delivery time in an open-addressing table keyed by from*N+to; it is used
 * for lookups only, its order never reaches behaviour, and it forgets links
 * whose last delivery is past, so it grows with messages in flight. */
#ifndef DSLAB_NET_H
#define DSLAB_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "dslab/scenario.h"

struct net_override {
    int32_t from;
    int32_t to;
    uint32_t fields; /* enum dslab_link_field */
    struct dslab_link_params link;
};

/* A slot of the link-override index. from*N+to < 10^10 (DSLAB_NODES_MAX
 * is 100,000) needs 64 bits. */
struct net_index_slot {
    uint64_t key_plus_one; /* 0 = empty */
    uint32_t at;           /* index into overrides */
};

struct fifo_entry {
    uint64_t key_plus_one; /* 0 = empty */
    int64_t last_ns;
};

enum net_shape {
    NET_SHAPE_NONE,   /* fully connected */
    NET_SHAPE_GROUPS, /* group[] */
    NET_SHAPE_RING,   /* ring_reach */
};

/* A group id that talks to every group (the bridge of a bridge partition). */
#define NET_GROUP_ALL INT32_MAX

struct net {
    int32_t nodes_count;
    enum net_shape shape;
    int32_t *group;          /* owned, per node (NET_SHAPE_GROUPS); NULL until the first */
    int32_t ring_reach;      /* NET_SHAPE_RING: neighbours seen on each side */
    uint64_t *flipped;       /* owned, N x N exception bits; NULL = none yet */
    uint64_t flipped_count;  /* set bits in `flipped` */
    struct dslab_link_params base;
    bool fifo;
    struct net_override *overrides; /* owned, in the order they were made */
    int overrides_count;
    int overrides_capacity;
    struct net_index_slot *override_index; /* owned; probes never touch `overrides` */
    uint32_t override_index_capacity; /* power of two, at least twice the count */
    uint32_t *slow_factor;   /* owned, per node; NULL = none slow */
    struct fifo_entry *fifo_table; /* owned */
    uint32_t fifo_capacity;  /* power of two */
    uint32_t fifo_count;
};

int net_init(struct net *n, int32_t nodes_count, const struct dslab_scenario_network *cfg);
void net_deinit(struct net *n);

/* What the partition shape alone says about from -> to. */
static inline bool net_shape_blocks(const struct net *n, int32_t from, int32_t to) {
    switch (n->shape) {
    case NET_SHAPE_NONE: return false;
    case NET_SHAPE_GROUPS: {
        int32_t a = n->group[from], b = n->group[to];
        return a != b && a != NET_GROUP_ALL && b != NET_GROUP_ALL;
    }
    case NET_SHAPE_RING: {
        int32_t d = from > to ? from - to : to - from;
        if (n->nodes_count - d < d) d = n->nodes_count - d;
        return d > n->ring_reach;
    }
    }
    return false;
}

static inline bool net_blocked(const struct net *n, int32_t from, int32_t to) {
    /* No shape: no switch (the common case, with no exceptions either,
     * is then two loads). */
    bool blocked = n->shape != NET_SHAPE_NONE && net_shape_blocks(n, from, to);
    if (n->flipped_count == 0) return blocked;
    uint64_t bit = (uint64_t)from * (uint64_t)n->nodes_count + (uint64_t)to;
    return blocked != (bool)((n->flipped[bit >> 6] >> (bit & 63)) & 1u);
}
/* A partition shape or a single-link exception is in force: only then
 * can net_blocked answer true. */
static inline bool net_cuts_any(const struct net *n) {
    return n->shape != NET_SHAPE_NONE || n->flipped_count > 0;
}
/* Every link has the base parameters, without loss or duplication, with
 * a uniform latency; no node is slow; the network is unordered (no FIFO
 * bookkeeping). Then a send is one latency draw and nothing else. */
bool net_links_plain(const struct net *n);
/* Cuts or heals one link on top of the shape. Returns 0, or -1 when the
 * exception matrix cannot be allocated. */
int net_set_blocked(struct net *n, int32_t from, int32_t to, bool blocked);
/* Everything connected: no shape, no exceptions. */
void net_heal_all(struct net *n);
/* A partition replaces the shape and drops every exception (O(N)).
 * `group` (nodes_count ids, NET_GROUP_ALL = talks to all) is copied.
 * Return 0, or -1 on memory failure (then nothing changed). */
int net_set_groups(struct net *n, const int32_t *group);
void net_set_ring(struct net *n, int32_t reach);

/* Parameters of from -> to: the override if any, else the base. */
const struct dslab_link_params *net_link(const struct net *n, int32_t from, int32_t to,
                                   struct dslab_link_params *scratch);
/* Applies a link fault's fields to from -> to. 0 or -1 (memory). */
int net_override(struct net *n, int32_t from, int32_t to, uint32_t fields,
                 const struct dslab_link_params *link);
int net_set_slow(struct net *n, int32_t node, uint32_t factor);
static inline uint32_t net_slow_factor(const struct net *n, int32_t from, int32_t to) {
    if (!n->slow_factor) return 1;
    uint32_t a = n->slow_factor[from], b = n->slow_factor[to];
    return a > b ? a : b;
}

/* FIFO: the delivery time of a message from -> to that the network would
 * deliver at want_ns: never before the link's previous delivery. Records it.
 * Returns want_ns unchanged on unordered networks. -1 on memory failure.
 * now_ns lets the table forget links with nothing in flight. */
int64_t net_fifo_delivery(struct net *n, int32_t from, int32_t to, int64_t now_ns,
                          int64_t want_ns);

#endif
