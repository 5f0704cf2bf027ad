/* proto_util.c: shared helpers of the protocols' configure steps (see
 * proto_util.h). */
#include "protocols/proto_util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/limits.h"
#include "dslab/node.h"
#include "dslab/time.h"
#include "scenario/units.h"

int proto_param_error(const struct dslab_scenario *s, const char *key, struct dslab_diag *diag,
                      const char *message) {
    const struct dslab_scenario_param *p = dslab_param_find(s, key);
    int line = p ? p->pos.line : s->protocol.pos.line;
    int col = p ? p->pos.col : s->protocol.pos.col;
    return dslab_diag_set(diag, s->path, line, col, "%s", message);
}

int proto_error(const struct dslab_scenario *s, struct dslab_diag *diag, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    dslab_diag_vset(diag, s->path, s->protocol.pos.line, s->protocol.pos.col, fmt, ap);
    va_end(ap);
    return -1;
}

bool proto_msg_fixed(void *out, size_t size, const void *msg, size_t len) {
    if (len != size) {
        return false;
    }
    memcpy(out, msg, size);
    return true;
}

int proto_config_keep(const struct dslab_scenario *s, const void *config, size_t size,
                      void **config_out, struct dslab_diag *diag) {
    void *out = malloc(size);
    if (!out) {
        return dslab_diag_set(diag, s->path, 0, 0, "out of memory");
    }
    memcpy(out, config, size);
    *config_out = out;
    return 0;
}

void proto_config_free(void *config) {
    free(config);
}

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
