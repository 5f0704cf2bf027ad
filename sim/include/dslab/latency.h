/* latency.h: message latency distributions.
 *
 * A distribution is a plain value: a kind and its parameters in nanoseconds
 * (or, for shapes, dimensionless), or a weighted mixture of up to
 * DSLAB_LATENCY_MIX_MAX simple components, which is enough to write down the
 * production-fitted models in Bailis et al., "Probabilistically Bounded
 * Staleness" (e.g. 0.9 of pareto plus 0.1 of exponential).
 * Sampling uses doubles but converts to integer nanoseconds at once and
 * clamps to [0, DSLAB_LATENCY_NS_MAX]; the build uses -ffp-contract=off so the
 * same bits come out on every machine. */
#ifndef DSLAB_LATENCY_H
#define DSLAB_LATENCY_H

#include <stdint.h>

#include "dslab/rng.h"

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

#define DSLAB_LATENCY_MIX_MAX 8
/* One hour: a latency above this is a modelling error, not a slow network. */
#define DSLAB_LATENCY_NS_MAX (INT64_C(3600) * INT64_C(1000000000))

enum dslab_latency_kind {
    DSLAB_LATENCY_CONSTANT,    /* a_ns */
    DSLAB_LATENCY_UNIFORM,     /* a_ns = min, b_ns = max */
    DSLAB_LATENCY_NORMAL,      /* a_ns = mean, b_ns = stddev (truncated at 0) */
    DSLAB_LATENCY_EXPONENTIAL, /* a_ns = mean; plus b_ns as a shift */
    DSLAB_LATENCY_LOGNORMAL,   /* a_ns = median (e^mu), shape = sigma; plus b_ns shift */
    DSLAB_LATENCY_PARETO,      /* a_ns = scale (minimum x_m), shape = alpha */
    DSLAB_LATENCY_MIXTURE,     /* components[] with weights */
};

struct dslab_latency_simple {
    enum dslab_latency_kind kind; /* never DSLAB_LATENCY_MIXTURE */
    int64_t a_ns;
    int64_t b_ns;
    double shape;
};

struct dslab_latency_dist {
    enum dslab_latency_kind kind;
    struct dslab_latency_simple simple;                         /* when kind != MIXTURE */
    int components_count;                                 /* when kind == MIXTURE */
    struct dslab_latency_simple components[DSLAB_LATENCY_MIX_MAX];
    uint32_t weights_ppm[DSLAB_LATENCY_MIX_MAX];                /* sum to 1,000,000 */
};

/* Draws one latency in ns from `r`. Exactly one or two draws per call for
 * simple kinds (documented per kind in latency.c), plus one for a mixture. */
int64_t dslab_latency_sample_ns(const struct dslab_latency_dist *d, struct dslab_rng *r);

/* Parses "uniform(1ms, 5ms)", "constant(3ms)", "normal(10ms, 2ms)",
 * "exponential(5ms)", "lognormal(3ms, 0.5)", "pareto(1ms, 1.5)",
 * "mix(0.9 pareto(1ms,1.5), 0.1 exponential(20ms))", or a bare duration
 * ("5ms" = constant). Returns 0, or -1 with an explanation in err (and the
 * 0-based offset of the problem in *err_offset). */
int dslab_latency_parse(const char *text, struct dslab_latency_dist *out, char *err, int err_size,
                  int *err_offset);

/* Writes the canonical text form, which dslab_latency_parse() reads back. */
void dslab_latency_format(const struct dslab_latency_dist *d, char *buf, int buf_size);

/* An upper bound of the typical range (mean for most kinds), for display. */
int64_t dslab_latency_mean_ns(const struct dslab_latency_dist *d);

#pragma GCC visibility pop

#endif
