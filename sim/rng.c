/* rng.c: xoshiro256** streams seeded through splitmix64 (see dslab/rng.h).
 *
 * A stream's key is (seed, purpose, name-or-index): the name is folded with
 * FNV-1a so per-node streams follow the node's name, not its position, and
 * adding a node leaves every other node's stream as it was. */
#include "dslab/rng.h"

#include <string.h>

#include "rng_inline.h"

__extension__ typedef unsigned __int128 u128;

uint64_t dslab_mix64(uint64_t x) {
    x = (x ^ (x >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94D049BB133111EB);
    return x ^ (x >> 31);
}

uint64_t dslab_rng_splitmix64(uint64_t *state) {
    return dslab_mix64(*state += UINT64_C(0x9E3779B97F4A7C15));
}

static uint64_t fnv1a(const char *s) {
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (; s && *s; s++) {
        h ^= (unsigned char)*s;
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

static void seed_from_key(struct dslab_rng *r, uint64_t seed, uint64_t purpose, uint64_t key) {
    uint64_t sm = seed;
    uint64_t mixed = dslab_rng_splitmix64(&sm) ^ (purpose * UINT64_C(0xD6E8FEB86659FD93));
    sm = mixed ^ dslab_rng_splitmix64(&key);
    for (int i = 0; i < 4; i++) {
        r->s[i] = dslab_rng_splitmix64(&sm);
    }
    /* xoshiro must not start from all zeros; splitmix64 never yields four
     * zeros in a row, but state the proof as a check. */
    if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0) {
        r->s[0] = 1;
    }
}

void dslab_rng_init(struct dslab_rng *r, uint64_t seed, enum dslab_rng_purpose purpose, const char *name) {
    seed_from_key(r, seed, (uint64_t)purpose, fnv1a(name));
}

void dslab_rng_init_indexed(struct dslab_rng *r, uint64_t seed, enum dslab_rng_purpose purpose, uint64_t index) {
    seed_from_key(r, seed, (uint64_t)purpose + UINT64_C(0x100), index);
}

uint64_t dslab_rng_next_u64(struct dslab_rng *r) {
    return rng_next_inline(r);
}

__attribute__((noinline)) uint64_t rng_below_rare(struct dslab_rng *r, uint64_t bound, uint64_t low,
                                                 uint64_t high) {
    uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
        u128 m = (u128)rng_next_inline(r) * bound;
        low = (uint64_t)m;
        high = (uint64_t)(m >> 64);
    }
    return high;
}

uint64_t dslab_rng_below(struct dslab_rng *r, uint64_t bound) {
    return rng_below_inline(r, bound);
}

int64_t dslab_rng_range_i64(struct dslab_rng *r, int64_t lo, int64_t hi) {
    uint64_t span = (uint64_t)hi - (uint64_t)lo;
    if (span == UINT64_MAX) {
        return (int64_t)dslab_rng_next_u64(r);
    }
    return (int64_t)((uint64_t)lo + dslab_rng_below(r, span + 1));
}

double dslab_rng_unit(struct dslab_rng *r) {
    return (double)(dslab_rng_next_u64(r) >> 11) * 0x1.0p-53;
}

int dslab_rng_chance_ppm(struct dslab_rng *r, uint32_t ppm) {
    if (ppm == 0) return 0;
    if (ppm >= 1000000u) return 1;
    return dslab_rng_below(r, 1000000u) < ppm;
}
