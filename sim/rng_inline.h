/* rng_inline.h: the xoshiro256** step and the unbiased bounded draw as
 * inline functions, for the simulator's hot path (a message's latency).
 * rng.c's public dslab_rng_next_u64 and dslab_rng_below are these same
 * functions, so an inline draw and a call give the same numbers. Private
 * to sim/. */
#ifndef DSLAB_RNG_INLINE_H
#define DSLAB_RNG_INLINE_H

#include <stdint.h>

#include "dslab/rng.h"

static inline uint64_t rng_rotl(uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next_inline(struct dslab_rng *r) {
    uint64_t *s = r->s;
    uint64_t result = rng_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rng_rotl(s[3], 45);
    return result;
}

/* The rest of rng_below_inline after a first draw whose low half `low`
 * fell below bound (probability bound / 2^64): the threshold's division
 * and the redraws. Out of line (rng.c), so the common path needs no
 * registers saved and no division. Returns the draw's value. */
uint64_t rng_below_rare(struct dslab_rng *r, uint64_t bound, uint64_t low, uint64_t high);

/* Uniform in [0, bound), bound > 0: Lemire's nearly divisionless method
 * (unbiased; the division only when the first draw lands in the sliver). */
static inline uint64_t rng_below_inline(struct dslab_rng *r, uint64_t bound) {
    __extension__ typedef unsigned __int128 rng_u128;
    rng_u128 m = (rng_u128)rng_next_inline(r) * bound;
    uint64_t low = (uint64_t)m;
    if (__builtin_expect(low < bound, 0)) return rng_below_rare(r, bound, low, (uint64_t)(m >> 64));
    return (uint64_t)(m >> 64);
}

#endif
