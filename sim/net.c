/* net.c: reachability matrix, link overrides and FIFO bookkeeping (net.h). */
#include "net.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

int net_init(struct net *n, int32_t nodes_count, const struct scenario_network *cfg) {
    memset(n, 0, sizeof *n);
    n->nodes_count = nodes_count;
    n->base = cfg->link;
    n->fifo = cfg->fifo;
    return 0;
}

void net_deinit(struct net *n) {
    free(n->blocked);
    free(n->overrides);
    free(n->slow_factor);
    free(n->fifo_table);
    memset(n, 0, sizeof *n);
}

int net_set_blocked(struct net *n, int32_t from, int32_t to, bool blocked) {
    assert(from >= 0 && from < n->nodes_count && to >= 0 && to < n->nodes_count);
    if (!n->blocked) {
        if (!blocked) return 0;
        uint64_t bits = (uint64_t)n->nodes_count * (uint64_t)n->nodes_count;
        n->blocked = calloc((size_t)((bits + 63) / 64), sizeof(uint64_t));
        if (!n->blocked) return -1;
    }
    uint64_t bit = (uint64_t)from * (uint64_t)n->nodes_count + (uint64_t)to;
    uint64_t mask = UINT64_C(1) << (bit & 63);
    bool was = (n->blocked[bit >> 6] & mask) != 0;
    if (blocked && !was) {
        n->blocked[bit >> 6] |= mask;
        n->blocked_links++;
    } else if (!blocked && was) {
        n->blocked[bit >> 6] &= ~mask;
        n->blocked_links--;
    }
    return 0;
}

void net_heal_all(struct net *n) {
    if (n->blocked) {
        uint64_t bits = (uint64_t)n->nodes_count * (uint64_t)n->nodes_count;
        memset(n->blocked, 0, (size_t)((bits + 63) / 64) * sizeof(uint64_t));
    }
    n->blocked_links = 0;
}

const struct link_params *net_link(const struct net *n, int32_t from, int32_t to,
                                   struct link_params *scratch) {
    if (n->overrides_count == 0) {
        return &n->base;
    }
    const struct net_override *found = NULL;
    for (int i = 0; i < n->overrides_count; i++) {
        if (n->overrides[i].from == from && n->overrides[i].to == to) {
            found = &n->overrides[i];
            break;
        }
    }
    if (!found) {
        return &n->base;
    }
    *scratch = n->base;
    if (found->fields & LINK_FIELD_LATENCY) scratch->latency = found->link.latency;
    if (found->fields & LINK_FIELD_LOSS) scratch->loss_ppm = found->link.loss_ppm;
    if (found->fields & LINK_FIELD_DUPLICATE) scratch->duplicate_ppm = found->link.duplicate_ppm;
    return scratch;
}

int net_override(struct net *n, int32_t from, int32_t to, uint32_t fields,
                 const struct link_params *link) {
    for (int i = 0; i < n->overrides_count; i++) {
        struct net_override *o = &n->overrides[i];
        if (o->from == from && o->to == to) {
            o->fields |= fields;
            if (fields & LINK_FIELD_LATENCY) o->link.latency = link->latency;
            if (fields & LINK_FIELD_LOSS) o->link.loss_ppm = link->loss_ppm;
            if (fields & LINK_FIELD_DUPLICATE) o->link.duplicate_ppm = link->duplicate_ppm;
            return 0;
        }
    }
    if (n->overrides_count == n->overrides_capacity) {
        int capacity = n->overrides_capacity ? n->overrides_capacity * 2 : 8;
        struct net_override *o = realloc(n->overrides, (size_t)capacity * sizeof *o);
        if (!o) return -1;
        n->overrides = o;
        n->overrides_capacity = capacity;
    }
    struct net_override *o = &n->overrides[n->overrides_count++];
    o->from = from;
    o->to = to;
    o->fields = fields;
    o->link = *link;
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

static uint64_t mix64(uint64_t x) {
    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    return x;
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
