/* net.h: links between nodes: partitions, per-link parameters, FIFO order.
 * Private to sim/.
 *
 * Reachability is an N x N bit matrix, allocated at the first cut (a run
 * with no partition never pays for it): bit from*N+to set = from -> to
 * blocked. Per-link parameter overrides (gray failure) are a short list
 * scanned only when non-empty. FIFO links remember their last scheduled
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
    uint32_t fields; /* enum link_field */
    struct link_params link;
};

struct fifo_entry {
    uint64_t key_plus_one; /* 0 = empty */
    int64_t last_ns;
};

struct net {
    int32_t nodes_count;
    uint64_t *blocked;       /* owned; NULL = fully connected */
    uint32_t blocked_links;  /* number of set bits */
    struct link_params base;
    bool fifo;
    struct net_override *overrides; /* owned */
    int overrides_count;
    int overrides_capacity;
    uint32_t *slow_factor;   /* owned, per node; NULL = none slow */
    struct fifo_entry *fifo_table; /* owned */
    uint32_t fifo_capacity;  /* power of two */
    uint32_t fifo_count;
};

int net_init(struct net *n, int32_t nodes_count, const struct scenario_network *cfg);
void net_deinit(struct net *n);

static inline bool net_blocked(const struct net *n, int32_t from, int32_t to) {
    if (!n->blocked) return false;
    uint64_t bit = (uint64_t)from * (uint64_t)n->nodes_count + (uint64_t)to;
    return (n->blocked[bit >> 6] >> (bit & 63)) & 1u;
}
/* Returns 0, or -1 when the matrix cannot be allocated. */
int net_set_blocked(struct net *n, int32_t from, int32_t to, bool blocked);
void net_heal_all(struct net *n);

/* Parameters of from -> to: the override if any, else the base. */
const struct link_params *net_link(const struct net *n, int32_t from, int32_t to,
                                   struct link_params *scratch);
/* Applies a link fault's fields to from -> to. 0 or -1 (memory). */
int net_override(struct net *n, int32_t from, int32_t to, uint32_t fields,
                 const struct link_params *link);
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
