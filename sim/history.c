/* history.c: the client history container (see dslab/history.h).
 * Growth doubles the array: amortised O(1), never per-op malloc. */
#include "dslab/history.h"

#include <stdlib.h>
#include <string.h>

void history_init(struct history *h) {
    memset(h, 0, sizeof *h);
}

void history_deinit(struct history *h) {
    free(h->ops);
    memset(h, 0, sizeof *h);
}

int history_append(struct history *h, const struct history_op *op) {
    if (h->count == h->capacity) {
        size_t capacity = h->capacity ? h->capacity * 2 : 256;
        struct history_op *ops = realloc(h->ops, capacity * sizeof *ops);
        if (!ops) {
            return -1;
        }
        h->ops = ops;
        h->capacity = capacity;
    }
    h->ops[h->count++] = *op;
    return 0;
}

const char *op_fn_name(enum op_fn fn) {
    switch (fn) {
    case OP_READ: return "read";
    case OP_WRITE: return "write";
    case OP_CAS: return "cas";
    case OP_APPEND: return "append";
    case OP_ACQUIRE: return "acquire";
    case OP_RELEASE: return "release";
    }
    return "?";
}

const char *op_type_name(enum op_type type) {
    switch (type) {
    case OP_INVOKE: return "invoke";
    case OP_OK: return "ok";
    case OP_FAIL: return "fail";
    case OP_INFO: return "info";
    }
    return "?";
}
