/* proto_load.c: open-loop client load (see proto_load.h). */
#include "protocols/proto_load.h"

#include "detmath.h"
#include "dslab/limits.h"
#include "dslab/node.h"
#include "dslab/time.h"
#include "scenario/units.h"

int proto_param_rate(const struct dslab_scenario *s, const char *key, int64_t default_mean_ns,
                     int64_t *mean_ns, struct dslab_diag *diag) {
    const struct dslab_scenario_param *p = dslab_param_find(s, key);
    *mean_ns = default_mean_ns;
    if (!p) return 0;
    struct units_rate r = {0, 0};
    char err[DSLAB_UNITS_ERR_MAX];
    if (units_parse_rate(p->value, &r, err, (int)sizeof err) != 0) {
        return dslab_param_error_at(s, p, diag, err);
    }
    /* The mean gap between arrivals: 1us (a million per second) to one day. */
    *mean_ns = r.per_ns / (int64_t)r.count;
    if (*mean_ns < DSLAB_NS_PER_US) {
        return dslab_param_error_at(s, p, diag,
                              "more than one arrival per microsecond (at most 1000000/s)");
    }
    if (*mean_ns > DSLAB_DURATION_NS_MAX) {
        return dslab_param_error_at(s, p, diag, "less than one arrival per day (at least 1/24h)");
    }
    return 0;
}

int64_t proto_exp_gap_ns(struct dslab_node_ctx *ctx, int64_t mean_ns) {
    double u = dslab_rng_unit(dslab_ctx_rng(ctx));
    int64_t ns = (int64_t)(-(double)mean_ns * det_log(1.0 - u));
    return ns < 0 ? 0 : ns;
}
