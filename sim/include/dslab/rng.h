/* rng.h: seeded pseudo-random streams, one per purpose.
 *
 * xoshiro256** seeded through splitmix64. A stream is derived from the
 * scenario seed and a stream key (a purpose and, for per-node streams, the
 * node's name), so an extra draw in one stream never shifts another, and
 * adding a node or a fault does not reshuffle the others. The caller owns
 * the struct; there is no global state. */
#ifndef DSLAB_RNG_H
#define DSLAB_RNG_H

#include <stdint.h>

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

struct dslab_rng {
    uint64_t s[4];
};

/* Stream purposes. Per-node streams also mix in the node's name. */
enum dslab_rng_purpose {
    DSLAB_RNG_PURPOSE_NETWORK = 1, /* per sending node: latency, loss, duplication */
    DSLAB_RNG_PURPOSE_FAULTS = 2,  /* random choices inside fault application */
    DSLAB_RNG_PURPOSE_WORKLOAD = 3,/* per client: op mix, keys, think time */
    DSLAB_RNG_PURPOSE_NODE = 4,    /* per node: what the protocol draws via dslab_ctx_rng */
    DSLAB_RNG_PURPOSE_EXPLORE = 5, /* fault schedules drawn by `dslab explore` */
    DSLAB_RNG_PURPOSE_COST_DISK = 6,  /* per node: disk write/sync latencies (costs:) */
    DSLAB_RNG_PURPOSE_COST_TIMER = 7, /* per node: timer scheduling delays (costs:) */
    DSLAB_RNG_PURPOSE_COST_PAUSE = 8, /* per node: GC-like pauses (costs:) */
    DSLAB_RNG_PURPOSE_COST_CPU = 9,   /* per node: CPU service times (costs:) */
    DSLAB_RNG_PURPOSE_PROBE = 10,     /* per client: read_after_write delays */
};

/* Seeds `r` for (seed, purpose, name). name may be NULL. */
void dslab_rng_init(struct dslab_rng *r, uint64_t seed, enum dslab_rng_purpose purpose, const char *name);
/* Seeds `r` for (seed, purpose, index): for numbered streams such as clients. */
void dslab_rng_init_indexed(struct dslab_rng *r, uint64_t seed, enum dslab_rng_purpose purpose, uint64_t index);

uint64_t dslab_rng_next_u64(struct dslab_rng *r);
/* Uniform integer in [0, bound); bound > 0. Unbiased (Lemire's method). */
uint64_t dslab_rng_below(struct dslab_rng *r, uint64_t bound);
/* Uniform integer in [lo, hi], lo <= hi. */
int64_t dslab_rng_range_i64(struct dslab_rng *r, int64_t lo, int64_t hi);
/* Uniform double in [0, 1), 53 random bits. */
double dslab_rng_unit(struct dslab_rng *r);
/* True with probability ppm / 1e6. */
int dslab_rng_chance_ppm(struct dslab_rng *r, uint32_t ppm);

/* splitmix64 step, exposed for seed derivation and hashing. */
uint64_t dslab_rng_splitmix64(uint64_t *state);
/* splitmix64's finalizer alone: a fixed 64-bit mix (a bijection), the one
 * hash of an integer every module uses (placement, state fingerprints). */
uint64_t dslab_mix64(uint64_t x);

#pragma GCC visibility pop

#endif
