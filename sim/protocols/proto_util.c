/* proto_util.c: shared helpers of the protocols' configure steps (see
 * proto_util.h). */
#include "protocols/proto_util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/node.h"

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
