/* joined_ops.c: invokes joined to their completions (joined_ops.h). */
#include <stdlib.h>

#include "checkers/joined_ops.h"
#include "dslab/assert.h"

static int by_op_id(const void *pa, const void *pb) {
    const struct joined_op *a = pa, *b = pb;
    return a->op_id < b->op_id ? -1 : a->op_id > b->op_id;
}

struct joined_op *joined_ops(const struct dslab_history *h, size_t *count_out) {
    size_t n = 0;
    for (size_t i = 0; i < h->count; i++) n += h->ops[i].type == DSLAB_OP_INVOKE;
    struct joined_op *ops = calloc(n ? n : 1, sizeof *ops);
    if (!ops) return NULL;
    size_t k = 0;
    for (size_t i = 0; i < h->count; i++) {
        const struct dslab_history_op *o = &h->ops[i];
        if (o->type != DSLAB_OP_INVOKE) continue;
        ops[k++] = (struct joined_op){.op_id = o->op_id, .fn = o->fn, .outcome = DSLAB_OP_INVOKE,
                                      .node = o->node, .client = o->client, .key = o->key,
                                      .value = o->value, .invoke_ns = o->time_ns,
                                      .complete_ns = INT64_MAX, .invoke_trace = o->trace_id};
    }
    qsort(ops, n, sizeof *ops, by_op_id);
    for (size_t i = 0; i < h->count; i++) {
        const struct dslab_history_op *o = &h->ops[i];
        if (o->type == DSLAB_OP_INVOKE) continue;
        struct joined_op probe = {.op_id = o->op_id};
        struct joined_op *op = bsearch(&probe, ops, n, sizeof *ops, by_op_id);
        if (!op || op->outcome != DSLAB_OP_INVOKE) continue;
        op->outcome = o->type;
        op->complete_trace = o->trace_id;
        op->node = o->node;
        if (o->type == DSLAB_OP_OK) {
            DSLAB_ASSERT(o->time_ns >= op->invoke_ns); /* the history is in time order */
            op->complete_ns = o->time_ns;
            if (op->fn == DSLAB_OP_READ) op->value = o->value;
        }
    }
    *count_out = n;
    return ops;
}
