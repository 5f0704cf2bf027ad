/* history.c: the client history container (see dslab/history.h).
 * Growth doubles the array: amortised O(1), never per-op malloc. */
#include "dslab/history.h"

#include <stdlib.h>
#include <string.h>

void dslab_history_init(struct dslab_history *h) {
    memset(h, 0, sizeof *h);
}

void dslab_history_deinit(struct dslab_history *h) {
    free(h->ops);
    memset(h, 0, sizeof *h);
}

int dslab_history_append(struct dslab_history *h, const struct dslab_history_op *op) {
    if (h->count == h->capacity) {
        size_t capacity = h->capacity ? h->capacity * 2 : 256;
        struct dslab_history_op *ops = realloc(h->ops, capacity * sizeof *ops);
        if (!ops) {
            return -1;
        }
        h->ops = ops;
        h->capacity = capacity;
    }
    h->ops[h->count++] = *op;
    return 0;
}

const char *dslab_op_fn_name(enum dslab_op_fn fn) {
    switch (fn) {
    case DSLAB_OP_READ: return "read";
    case DSLAB_OP_WRITE: return "write";
    case DSLAB_OP_CAS: return "cas";
    case DSLAB_OP_APPEND: return "append";
    case DSLAB_OP_ACQUIRE: return "acquire";
    case DSLAB_OP_RELEASE: return "release";
    }
    return "?";
}

const char *dslab_op_type_name(enum dslab_op_type type) {
    switch (type) {
    case DSLAB_OP_INVOKE: return "invoke";
    case DSLAB_OP_OK: return "ok";
    case DSLAB_OP_FAIL: return "fail";
    case DSLAB_OP_INFO: return "info";
    }
    return "?";
}
