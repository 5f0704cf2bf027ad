/* bits.h: sets of nodes as the bits of a uint64_t.
 *
 * Protocols and checkers that keep "which nodes voted / acknowledged /
 * wait" in one word support at most DSLAB_BITS_NODES_MAX nodes (they refuse a
 * larger scenario at configure time). Shifting a 64-bit value by 64 or more
 * is undefined behaviour in C, and `(1 << n) - 1` with n = 64 is exactly
 * that: use these helpers instead of writing shifts by a node index or a
 * node count (tests/unit/test_bits.c; the 64-node cases in test_2pc.c). */
#ifndef DSLAB_BITS_H
#define DSLAB_BITS_H

#include <assert.h>
#include <stdint.h>

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

#define DSLAB_BITS_NODES_MAX 64

/* The set {node}; node in 0..63. */
static inline uint64_t dslab_bits_of(int32_t node) {
    assert(node >= 0 && node < DSLAB_BITS_NODES_MAX);
    return UINT64_C(1) << node;
}

/* The set {0, 1, ..., n-1}; n in 0..64. */
static inline uint64_t dslab_bits_first(int32_t n) {
    assert(n >= 0 && n <= DSLAB_BITS_NODES_MAX);
    return n >= DSLAB_BITS_NODES_MAX ? ~UINT64_C(0) : (UINT64_C(1) << n) - 1;
}

static inline int dslab_bits_count(uint64_t set) {
    return __builtin_popcountll(set);
}

#pragma GCC visibility pop

#endif
