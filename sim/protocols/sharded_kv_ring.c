/* sharded_kv_ring.c: where a key lives in one membership view.
 *
 *   mod-n:            the members in ascending node order; key k lives on
 *                     members[k mod count]. Perfectly even for keys 0..K-1,
 *                     but a change of count re-deals almost every key.
 *   consistent-hash:  each member puts `vnodes` points on a 64-bit ring at
 *                     mix64(salt ^ node << 32 ^ vnode); key k lives on the
 *                     member of the first point at or after mix64(k ^ salt)
 *                     (wrapping). A member joining or leaving changes the
 *                     owner only of the keys its points cover: ~1/count.
 *
 * Deterministic: hashes depend only on node indices, vnode numbers and
 * keys; points are sorted by (hash, node, vnode), a total order. */
#include <stdlib.h>
#include <string.h>

#include "dslab/rng.h"
#include "dslab/assert.h"
#include "protocols/sharded_kv_internal.h"

#define SKV_KEY_SALT UINT64_C(0x5bd1e9955bd1e995)
#define SKV_POINT_SALT UINT64_C(0x9e3779b97f4a7c15)

static int point_cmp(const void *a, const void *b) {
    const struct skv_point *p = a, *q = b;
    if (p->hash != q->hash) return p->hash < q->hash ? -1 : 1;
    if (p->node != q->node) return p->node < q->node ? -1 : 1;
    return (p->vnode > q->vnode) - (p->vnode < q->vnode);
}

void skv_ring_build(struct skv_ring *ring, int32_t scheme, uint32_t members_mask, int32_t nodes_count,
                    int32_t vnodes) {
    DSLAB_ASSERT(nodes_count >= 0 && nodes_count <= SKV_NODES_MAX);
    DSLAB_ASSERT(vnodes >= 1 && vnodes <= SKV_VNODES_MAX);
    memset(ring, 0, sizeof *ring);
    ring->scheme = scheme;
    for (int32_t n = 0; n < nodes_count; n++) {
        if (!(members_mask >> n & 1u)) continue;
        ring->members[ring->members_count++] = n;
        ring->members_mask |= 1u << n;
        if (scheme != SKV_CONSISTENT_HASH) continue;
        for (int32_t v = 0; v < vnodes; v++) {
            struct skv_point *p = &ring->points[ring->points_count++];
            p->hash = dslab_mix64(SKV_POINT_SALT ^ ((uint64_t)n << 32) ^ (uint64_t)v);
            p->node = n;
            p->vnode = v;
        }
    }
    if (ring->points_count > 1) {
        qsort(ring->points, (size_t)ring->points_count, sizeof ring->points[0], point_cmp);
    }
}

int32_t skv_ring_owner(const struct skv_ring *ring, int64_t key) {
    return skv_ring_replica(ring, key, 0);
}

/* Index of the first point at or after key's hash (wrapping). */
static int32_t first_point(const struct skv_ring *ring, int64_t key) {
    uint64_t h = dslab_mix64((uint64_t)key ^ SKV_KEY_SALT);
    /* first point with hash >= h; past the last one wraps to the first */
    int32_t lo = 0, hi = ring->points_count;
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (ring->points[mid].hash < h) lo = mid + 1;
        else hi = mid;
    }
    return lo == ring->points_count ? 0 : lo;
}

int32_t skv_ring_replica(const struct skv_ring *ring, int64_t key, int32_t j) {
    if (ring->members_count == 0 || j < 0 || j >= ring->members_count) return -1;
    if (ring->scheme != SKV_CONSISTENT_HASH) {
        int64_t m = key % ring->members_count;
        if (m < 0) m += ring->members_count;
        return ring->members[(m + j) % ring->members_count];
    }
    /* walk clockwise from the key, skipping nodes already counted */
    uint32_t seen = 0;
    int32_t found = -1;
    for (int32_t i = first_point(ring, key), step = 0; step < ring->points_count && found < j; step++) {
        int32_t node = ring->points[i].node;
        if (!(seen >> node & 1u)) {
            seen |= 1u << node;
            if (++found == j) return node;
        }
        i = i + 1 == ring->points_count ? 0 : i + 1;
    }
    return -1; /* unreachable: every member has points */
}
