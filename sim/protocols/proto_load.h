/* proto_load.h (private to sim/protocols/): open-loop client load for the
 * protocols whose clients are their own nodes (retry-storm, gateway): the
 * `rate` parameter and the exponential gaps of a Poisson arrival process.
 * Apart from proto_util.h because that file is copied into lab reference
 * code, which sees only the public headers. */
#ifndef DSLAB_PROTO_LOAD_H
#define DSLAB_PROTO_LOAD_H

#include <stdint.h>

#include "dslab/diag.h"
#include "dslab/scenario.h"

struct dslab_node_ctx;

/* A rate parameter (`100/s`, docs/SCENARIO_FORMAT.md) as the mean gap
 * between arrivals, 1us .. 24h; `default_mean_ns` when the key is absent.
 * Returns 0, or -1 with diag at the parameter. */
int proto_param_rate(const struct dslab_scenario *s, const char *key, int64_t default_mean_ns,
                     int64_t *mean_ns, struct dslab_diag *diag);

/* An exponentially distributed gap of mean `mean_ns` (the next arrival of
 * a Poisson process): one draw from the node's protocol stream, >= 0. */
int64_t proto_exp_gap_ns(struct dslab_node_ctx *ctx, int64_t mean_ns);

#endif
