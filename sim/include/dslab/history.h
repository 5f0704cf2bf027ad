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

/* The value of a key never written, and of a read that returned nothing. */
#define HISTORY_NIL INT64_MIN

enum op_fn {
    OP_READ,
    OP_WRITE,
    OP_CAS,     /* compare `expected`, set `value` */
    OP_APPEND,  /* kv models of external histories */
    OP_ACQUIRE, /* mutex models */
    OP_RELEASE,
};

enum op_type {
    OP_INVOKE,
    OP_OK,
    OP_FAIL,
    OP_INFO,
};

struct history_op {
    uint64_t op_id;   /* the invoke and its completion share it */
    enum op_type type;
    enum op_fn fn;
    int32_t client;
    int32_t node;     /* node the request was (last) sent to, -1 if none */
    int64_t key;
    int64_t value;    /* invoke: value written / new value; ok read: value read */
    int64_t expected; /* cas */
    int64_t time_ns;
    uint64_t trace_id;/* trace event id of this record (evidence) */
};

struct history {
    struct history_op *ops; /* owned, in time order */
    size_t count;
    size_t capacity;
};

void history_init(struct history *h);
void history_deinit(struct history *h);
/* Appends a copy; returns 0 or -1 when out of memory. */
int history_append(struct history *h, const struct history_op *op);

const char *op_fn_name(enum op_fn fn);
const char *op_type_name(enum op_type type);

#endif
