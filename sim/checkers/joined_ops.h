/* joined_ops.h (private to sim/checkers/): a history's operations with
 * each invoke joined to its completion, sorted by op_id, for the checkers
 * that judge reads against writes (stale_reads.c, session_guarantees.c). */
#ifndef DSLAB_JOINED_OPS_H
#define DSLAB_JOINED_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "dslab/history.h"

struct joined_op {
    uint64_t op_id;
    enum dslab_op_fn fn;
    enum dslab_op_type outcome; /* DSLAB_OP_INVOKE while no completion was seen */
    int32_t node;               /* the completion's node (else the invoke's) */
    int32_t client;
    int64_t key;
    int64_t value;        /* write: value written; read: value read (ok only) */
    int64_t invoke_ns;
    int64_t complete_ns;  /* INT64_MAX unless ok */
    uint64_t invoke_trace, complete_trace;
};

/* The operations of `h` (owned by the caller, free()), sorted by op_id;
 * *count_out is their number. NULL when out of memory. A completion
 * without an invoke, or a second completion, is ignored. */
struct joined_op *joined_ops(const struct dslab_history *h, size_t *count_out);

#endif
