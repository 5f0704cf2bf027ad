/* history.h: a Jepsen-style history of client operations.
 *
 * Each client operation appears as an invoke and, later, exactly one
 * completion: ok (it happened), fail (it certainly did not), or info (the
 * client gave up: it may or may not have happened, at any time after the
 * invoke). Times are true simulation time. Checkers (sim/checkers/) read
 * histories; `dslab check-history` builds them from external files. */
#ifndef DSLAB_HISTORY_H
#define DSLAB_HISTORY_H

#include <stddef.h>
#include <stdint.h>

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

/* The value of a key never written, and of a read that returned nothing. */
#define DSLAB_HISTORY_NIL INT64_MIN

enum dslab_op_fn {
    DSLAB_OP_READ,
    DSLAB_OP_WRITE,
    DSLAB_OP_CAS,     /* compare `expected`, set `value` */
    DSLAB_OP_APPEND,  /* kv models of external histories */
    DSLAB_OP_ACQUIRE, /* mutex models */
    DSLAB_OP_RELEASE,
};

enum dslab_op_type {
    DSLAB_OP_INVOKE,
    DSLAB_OP_OK,
    DSLAB_OP_FAIL,
    DSLAB_OP_INFO,
};

struct dslab_history_op {
    uint64_t op_id;   /* the invoke and its completion share it */
    enum dslab_op_type type;
    enum dslab_op_fn fn;
    int32_t client;
    int32_t node;     /* node the request was (last) sent to, -1 if none */
    int64_t key;
    int64_t value;    /* invoke: value written / new value; ok read: value read */
    int64_t expected; /* cas */
    int64_t time_ns;
    uint64_t trace_id;/* trace event id of this record (evidence) */
};

struct dslab_history {
    struct dslab_history_op *ops; /* owned, in time order */
    size_t count;
    size_t capacity;
};

void dslab_history_init(struct dslab_history *h);
void dslab_history_deinit(struct dslab_history *h);
/* Appends a copy; returns 0 or -1 when out of memory. */
int dslab_history_append(struct dslab_history *h, const struct dslab_history_op *op);

const char *dslab_op_fn_name(enum dslab_op_fn fn);
const char *dslab_op_type_name(enum dslab_op_type type);

#pragma GCC visibility pop

#endif
