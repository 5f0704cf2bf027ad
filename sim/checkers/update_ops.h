/* update_ops.h (private to sim/checkers/): a history's updates (write and
 * cas) as whole operations - invoke and outcome paired - sorted by (key,
 * invoke time), for the checkers of replicated counters and sets
 * (counter_exact.c, set_membership.c). There, `write` is the positive
 * update (increment, add) and `cas` the negative one (decrement, remove):
 * the crdt protocol's client operations (docs/PROTOCOLS.md). */
#ifndef DSLAB_UPDATE_OPS_H
#define DSLAB_UPDATE_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dslab/history.h"

struct update_op {
    int64_t key;
    bool positive;          /* write: increment / add; cas: decrement / remove */
    enum dslab_op_type outcome; /* OK, FAIL, or INFO (also: never completed) */
    int32_t node;           /* the node of the completion (or the invoke) */
    int64_t invoke_ns;
    int64_t complete_ns;    /* INT64_MAX when it never completed */
    uint64_t trace_id;      /* the completion's record, else the invoke's */
};

struct update_ops {
    struct update_op *ops;  /* owned */
    size_t count;
};

/* Builds them from `h`. Returns 0, or -1 when out of memory (ops NULL). */
int update_ops_collect(const struct dslab_history *h, struct update_ops *out);
void update_ops_free(struct update_ops *u);
/* Whether some update names `key` (binary search). */
bool update_ops_has_key(const struct update_ops *u, int64_t key);

#endif
