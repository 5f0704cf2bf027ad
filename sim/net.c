/* net.c: reachability (partition shape plus single-link exceptions), link
 * overrides and FIFO bookkeeping (net.h). */
#include "net.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/latency.h"
#include "grow.h"

int net_init(struct net *n, int32_t nodes_count, const struct dslab_scenario_network *cfg) {
    memset(n, 0, sizeof *n);
    n->nodes_count = nodes_count;
    n->base = cfg->link;
    n->fifo = cfg->fifo;
    return 0;
}

void net_deinit(struct net *n) {
    free(n->group);
    free(n->flipped);
    free(n->overrides);
    free(n->override_index);
    free(n->slow_factor);
    free(n->fifo_table);
    memset(n, 0, sizeof *n);
}

bool net_links_plain(const struct net *n) {
    return n->overrides_count == 0 && n->base.loss_ppm == 0 && n->base.duplicate_ppm == 0 && !n->slow_factor &&
           !n->fifo && n->base.latency.kind != DSLAB_LATENCY_MIXTURE &&
           n->base.latency.simple.kind == DSLAB_LATENCY_UNIFORM;
}

static uint64_t link_key(const struct net *n, int32_t from, int32_t to) {
    return (uint64_t)from * (uint64_t)n->nodes_count + (uint64_t)to;
}

static uint64_t mix64(uint64_t x) {
    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    return x;
}

/* ---- reachability: shape plus exceptions ---------------------------------- */

/* The matrix is freed, not cleared: calloc hands back untouched zero pages,
 * so its memory is the pages cuts have touched (at 100,000 nodes the whole
 * matrix would be 1.25 GB; clearing it would touch every page). */
static void drop_exceptions(struct net *n) {
    if (n->flipped_count > 0) {
        free(n->flipped);
        n->flipped = NULL;
        n->flipped_count = 0;
    }
}

int net_set_blocked(struct net *n, int32_t from, int32_t to, bool blocked) {
    assert(from >= 0 && from < n->nodes_count && to >= 0 && to < n->nodes_count);
    bool flip = blocked != net_shape_blocks(n, from, to);
    if (!n->flipped) {
        if (!flip) return 0;
        uint64_t bits = (uint64_t)n->nodes_count * (uint64_t)n->nodes_count;
        n->flipped = calloc((size_t)((bits + 63) / 64), sizeof(uint64_t));
        if (!n->flipped) return -1;
    }
    uint64_t bit = link_key(n, from, to);
    uint64_t mask = UINT64_C(1) << (bit & 63);
    bool was = (n->flipped[bit >> 6] & mask) != 0;
    if (flip && !was) {
        n->flipped[bit >> 6] |= mask;
        n->flipped_count++;
    } else if (!flip && was) {
        n->flipped[bit >> 6] &= ~mask;
        n->flipped_count--;
    }
    return 0;
}

void net_heal_all(struct net *n) {
    n->shape = NET_SHAPE_NONE;
    drop_exceptions(n);
}

int net_set_groups(struct net *n, const int32_t *group) {
    if (!n->group) {
        n->group = malloc((size_t)n->nodes_count * sizeof *n->group);
        if (!n->group) return -1;
    }
    memcpy(n->group, group, (size_t)n->nodes_count * sizeof *n->group);
    n->shape = NET_SHAPE_GROUPS;
    drop_exceptions(n);
    return 0;
}

void net_set_ring(struct net *n, int32_t reach) {
    n->ring_reach = reach;
    n->shape = NET_SHAPE_RING;
    drop_exceptions(n);
}

/* ---- link overrides ------------------------------------------------------ */

/* Slot of from -> to in the index: its entry, or the empty slot where it
 * would go. The index is never full (load at most one half). */
static uint32_t index_slot(const struct net *n, uint64_t key_plus_one) {
    uint32_t mask = n->override_index_capacity - 1;
    uint32_t j = (uint32_t)mix64(key_plus_one) & mask;
    while (n->override_index[j].key_plus_one && n->override_index[j].key_plus_one != key_plus_one) {
        j = (j + 1) & mask;
    }
    return j;
}

static uint64_t index_key(const struct net *n, int32_t from, int32_t to) {
    return link_key(n, from, to) + 1;
}

static const struct net_override *find_override(const struct net *n, int32_t from, int32_t to) {
    if (n->overrides_count == 0) return NULL;
    const struct net_index_slot *s = &n->override_index[index_slot(n, index_key(n, from, to))];
    return s->key_plus_one ? &n->overrides[s->at] : NULL;
}

const struct dslab_link_params *net_link(const struct net *n, int32_t from, int32_t to,
                                   struct dslab_link_params *scratch) {
    const struct net_override *found = find_override(n, from, to);
    if (!found) {
        return &n->base;
    }
    *scratch = n->base;
    if (found->fields & DSLAB_LINK_FIELD_LATENCY) scratch->latency = found->link.latency;
    if (found->fields & DSLAB_LINK_FIELD_LOSS) scratch->loss_ppm = found->link.loss_ppm;
    if (found->fields & DSLAB_LINK_FIELD_DUPLICATE) scratch->duplicate_ppm = found->link.duplicate_ppm;
    return scratch;
}

/* Room for one more override: the array and an index at most half full. */
static int reserve_override(struct net *n) {
    size_t capacity_now = (size_t)n->overrides_capacity;
    struct net_override *grown = grow_array(n->overrides, &capacity_now, (size_t)n->overrides_count, sizeof *grown, 8);
    if (!grown) return -1;
    n->overrides = grown;
    n->overrides_capacity = (int)capacity_now;
    if ((uint32_t)(n->overrides_count + 1) * 2 <= n->override_index_capacity) return 0;
    uint32_t capacity = n->override_index_capacity ? n->override_index_capacity * 2 : 16;
    struct net_index_slot *index = calloc(capacity, sizeof *index);
    if (!index) return -1;
    free(n->override_index);
    n->override_index = index;
    n->override_index_capacity = capacity;
    for (int i = 0; i < n->overrides_count; i++) {
        const struct net_override *o = &n->overrides[i];
        uint64_t key = index_key(n, o->from, o->to);
        index[index_slot(n, key)] = (struct net_index_slot){key, (uint32_t)i};
    }
    return 0;
}

int net_override(struct net *n, int32_t from, int32_t to, uint32_t fields,
                 const struct dslab_link_params *link) {
    struct net_override *o = (struct net_override *)find_override(n, from, to);
    if (!o) {
        if (reserve_override(n) != 0) return -1;
        uint64_t key = index_key(n, from, to);
        n->override_index[index_slot(n, key)] = (struct net_index_slot){key, (uint32_t)n->overrides_count};
        o = &n->overrides[n->overrides_count++];
        o->from = from;
        o->to = to;
        o->fields = 0;
        o->link = *link;
    }
    o->fields |= fields;
    if (fields & DSLAB_LINK_FIELD_LATENCY) o->link.latency = link->latency;
    if (fields & DSLAB_LINK_FIELD_LOSS) o->link.loss_ppm = link->loss_ppm;
    if (fields & DSLAB_LINK_FIELD_DUPLICATE) o->link.duplicate_ppm = link->duplicate_ppm;
    return 0;
}

int net_set_slow(struct net *n, int32_t node, uint32_t factor) {
    if (!n->slow_factor) {
        n->slow_factor = malloc((size_t)n->nodes_count * sizeof *n->slow_factor);
        if (!n->slow_factor) return -1;
        for (int32_t i = 0; i < n->nodes_count; i++) n->slow_factor[i] = 1;
    }
    n->slow_factor[node] = factor < 1 ? 1 : factor;
    return 0;
}

/* Rehashes into a table twice as large, keeping only links with a
 * delivery still in the future: a link whose last delivery is at or before
 * now constrains nothing (every new message arrives after now). So the
 * table holds at most the links with messages in flight, not every pair
 * that ever talked. */
static int fifo_grow(struct net *n, int64_t now_ns) {
    uint32_t live = 0;
    for (uint32_t i = 0; i < n->fifo_capacity; i++) {
        live += n->fifo_table[i].key_plus_one && n->fifo_table[i].last_ns > now_ns;
    }
    uint32_t capacity = n->fifo_capacity ? n->fifo_capacity : 1024;
    while ((live + 1) * 2 > capacity) capacity *= 2;
    if (capacity == n->fifo_capacity && live * 4 > capacity) capacity *= 2;
    struct fifo_entry *table = calloc(capacity, sizeof *table);
    if (!table) return -1;
    n->fifo_count = 0;
    for (uint32_t i = 0; i < n->fifo_capacity; i++) {
        struct fifo_entry *e = &n->fifo_table[i];
        if (!e->key_plus_one || e->last_ns <= now_ns) continue;
        n->fifo_count++;
        uint32_t j = (uint32_t)mix64(e->key_plus_one) & (capacity - 1);
        while (table[j].key_plus_one) j = (j + 1) & (capacity - 1);
        table[j] = *e;
    }
    free(n->fifo_table);
    n->fifo_table = table;
    n->fifo_capacity = capacity;
    return 0;
}

int64_t net_fifo_delivery(struct net *n, int32_t from, int32_t to, int64_t now_ns,
                          int64_t want_ns) {
    if (!n->fifo) return want_ns;
    if ((n->fifo_count + 1) * 2 > n->fifo_capacity && fifo_grow(n, now_ns) != 0) return -1;
    uint64_t key = (uint64_t)from * (uint64_t)n->nodes_count + (uint64_t)to + 1;
    uint32_t j = (uint32_t)mix64(key) & (n->fifo_capacity - 1);
    while (n->fifo_table[j].key_plus_one && n->fifo_table[j].key_plus_one != key) {
        j = (j + 1) & (n->fifo_capacity - 1);
    }
    struct fifo_entry *e = &n->fifo_table[j];
    if (!e->key_plus_one) {
        e->key_plus_one = key;
        e->last_ns = want_ns;
        n->fifo_count++;
        return want_ns;
    }
    if (want_ns < e->last_ns) want_ns = e->last_ns;
    e->last_ns = want_ns;
    return want_ns;
}
