/* update_ops.c: a history's writes and cas as whole operations, sorted by
 * (key, invoke time) (update_ops.h). */
#include <stdlib.h>
#include <string.h>

#include "checkers/update_ops.h"

struct slot {
    uint64_t op_id;
    size_t index; /* into the output */
};

static int by_op_id(const void *a, const void *b) {
    const struct slot *x = a, *y = b;
    return x->op_id < y->op_id ? -1 : x->op_id > y->op_id;
}

static int by_key_invoke(const void *a, const void *b) {
    const struct update_op *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    if (x->invoke_ns != y->invoke_ns) return x->invoke_ns < y->invoke_ns ? -1 : 1;
    return x->trace_id < y->trace_id ? -1 : x->trace_id > y->trace_id;
}

static bool is_update(enum dslab_op_fn fn) {
    return fn == DSLAB_OP_WRITE || fn == DSLAB_OP_CAS;
}

int update_ops_collect(const struct dslab_history *h, struct update_ops *out) {
    memset(out, 0, sizeof *out);
    size_t n = 0;
    for (size_t i = 0; i < h->count; i++) {
        n += h->ops[i].type == DSLAB_OP_INVOKE && is_update(h->ops[i].fn);
    }
    if (n == 0) return 0;
    out->ops = calloc(n, sizeof out->ops[0]);
    struct slot *slots = calloc(n, sizeof slots[0]);
    if (!out->ops || !slots) {
        free(out->ops);
        free(slots);
        out->ops = NULL;
        return -1;
    }
    for (size_t i = 0; i < h->count; i++) {
        const struct dslab_history_op *op = &h->ops[i];
        if (op->type != DSLAB_OP_INVOKE || !is_update(op->fn)) continue;
        struct update_op *u = &out->ops[out->count];
        u->key = op->key;
        u->positive = op->fn == DSLAB_OP_WRITE;
        u->outcome = DSLAB_OP_INFO;
        u->node = op->node;
        u->invoke_ns = op->time_ns;
        u->complete_ns = INT64_MAX;
        u->trace_id = op->trace_id;
        slots[out->count] = (struct slot){.op_id = op->op_id, .index = out->count};
        out->count++;
    }
    qsort(slots, n, sizeof slots[0], by_op_id);
    for (size_t i = 0; i < h->count; i++) {
        const struct dslab_history_op *op = &h->ops[i];
        if (op->type == DSLAB_OP_INVOKE || !is_update(op->fn)) continue;
        struct slot want = {.op_id = op->op_id};
        const struct slot *s = bsearch(&want, slots, n, sizeof slots[0], by_op_id);
        if (!s) continue; /* a completion without its invoke: nothing to pair */
        struct update_op *u = &out->ops[s->index];
        u->outcome = op->type;
        u->node = op->node;
        u->complete_ns = op->time_ns;
        u->trace_id = op->trace_id;
    }
    free(slots);
    qsort(out->ops, out->count, sizeof out->ops[0], by_key_invoke);
    return 0;
}

void update_ops_free(struct update_ops *u) {
    free(u->ops);
    memset(u, 0, sizeof *u);
}

bool update_ops_has_key(const struct update_ops *u, int64_t key) {
    size_t lo = 0, hi = u->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (u->ops[mid].key < key) lo = mid + 1;
        else hi = mid;
    }
    return lo < u->count && u->ops[lo].key == key;
}
