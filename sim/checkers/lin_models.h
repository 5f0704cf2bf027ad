/* lin_models.h: operations, models and the per-key check driver (private).
 *
 * A struct lin_history is what every history source produces: the
 * simulator checker (linearizable.c) and the external file parsers
 * (hist_*.c). Operations are already paired (invoke + completion); failed
 * operations that certainly did not happen are not in it. Values are int64
 * (DSLAB_HISTORY_NIL = nil/absent) or, when `string_values` is set, ids of
 * interned literal strings. Models (see lin_model_kind) are step functions
 * for lin_search.c. lin_check() splits a kv history into independent
 * partitions (keys, joined when a transaction touches several), checks the
 * cheap ones first with a budget that grows in rounds, and reports per
 * partition. Ownership: a lin_history owns its arrays and strings; free it
 * with lin_history_deinit(). */
#ifndef DSLAB_LIN_MODELS_H
#define DSLAB_LIN_MODELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dslab/diag.h"
#include "dslab/history.h"
#include "lin_search.h"

enum lin_model_kind {
    LIN_MODEL_REGISTER,     /* read / write, one value */
    LIN_MODEL_CAS_REGISTER, /* read / write / cas, one value */
    LIN_MODEL_KV,           /* per key: read / write / cas / append, and txn */
    LIN_MODEL_MUTEX,        /* acquire / release; state 0 free, 1 held */
};

/* fn of a multi-key transaction (a list of lin_micro); others are enum dslab_op_fn. */
#define LIN_FN_TXN 100

/* lin_op.flags */
#define LIN_OP_OPEN (1u << 0)        /* indeterminate: any time after the call, or never */
#define LIN_OP_OUT_UNKNOWN (1u << 1) /* read result unconstrained */
#define LIN_OP_CAS_FAILED (1u << 2)  /* cas returned false: compare must fail, no effect */
#define LIN_OP_DELETED (1u << 3)     /* parsers: failed op, dropped by lin_history_compact */

struct lin_micro {
    int fn;        /* DSLAB_OP_READ or DSLAB_OP_WRITE */
    bool unknown;  /* read of nil: unconstrained */
    int64_t key;
    int64_t value;
    int32_t slot;  /* filled by lin_check */
};

struct lin_op {
    int fn;            /* enum dslab_op_fn or LIN_FN_TXN */
    uint32_t flags;
    int64_t key;       /* 0 when the history has no keys */
    int64_t value;     /* read: result; write/append: argument; cas: new value */
    int64_t expected;  /* cas */
    int64_t call_pos;  /* strict order of history events */
    int64_t ret_pos;   /* LIN_POS_NEVER when open */
    int64_t call_ns, ret_ns; /* simulator times (0 for files) */
    int64_t client;    /* process id */
    int32_t node;      /* -1 when none */
    int call_line, call_col, ret_line, ret_col; /* 1-based, 0 = none */
    uint64_t call_trace_id, ret_trace_id;
    uint32_t micro_first, micro_count; /* LIN_FN_TXN */
};

/* Interned byte strings (values and key names). Id 0 is always "". */
struct lin_strings {
    char *bytes;
    size_t bytes_used, bytes_capacity;
    size_t *offsets; /* id -> offset into bytes (NUL-terminated) */
    uint32_t *lengths;
    size_t count, capacity;
    uint32_t *table; /* open addressing: id + 1, 0 = empty */
    size_t table_capacity;
};

struct lin_history {
    struct lin_op *ops; /* owned */
    size_t ops_count, ops_capacity;
    struct lin_micro *micros; /* owned */
    size_t micros_count, micros_capacity;
    bool string_values; /* values are ids in `strings` */
    bool keys_are_strings; /* keys are ids in `strings` (else integers) */
    struct lin_strings strings;
    char format[16];    /* "jepsen-log", "edn", "kv-txt", "simulator" */
};

void lin_strings_init(struct lin_strings *t);
void lin_strings_deinit(struct lin_strings *t);
/* Returns the id of the string (interning it), or -1 when out of memory. */
int64_t lin_strings_intern(struct lin_strings *t, const char *s, size_t len);
const char *lin_strings_get(const struct lin_strings *t, int64_t id, size_t *len_out);

void lin_history_init(struct lin_history *h);
void lin_history_deinit(struct lin_history *h);
/* Appends a copy of `op`; returns its index, or -1 when out of memory. */
int64_t lin_history_add_op(struct lin_history *h, const struct lin_op *op);
int64_t lin_history_add_micro(struct lin_history *h, const struct lin_micro *m);
/* Removes LIN_OP_DELETED ops (keeps order). */
void lin_history_compact(struct lin_history *h);

/* Writes a short description of op ("read -> 3", "cas 1 -> 2",
 * "append \"x 0 1 y\"", "txn [read x 0, write y 2]"). Returns buf. */
const char *lin_op_describe(const struct lin_history *h, const struct lin_op *op, char *buf,
                            size_t size);
/* Writes a value ("nil", "3", "\"abc\""). */
const char *lin_value_describe(const struct lin_history *h, int64_t v, char *buf, size_t size);
/* Writes a key ("\"7\"", "x", "3"). */
const char *lin_key_describe(const struct lin_history *h, int64_t key, char *buf, size_t size);
const char *lin_model_name(enum lin_model_kind kind);

struct lin_check_config {
    enum lin_model_kind model;
    bool initial_set;
    int64_t initial;            /* for every key; in the history's value domain */
    uint64_t states_max;        /* per partition (cache entries) */
    /* When > 0, a partition of n ops gets max(states_max, states_per_op * n):
     * the default budget grows with the history (an explicit budget sets 0). */
    uint64_t states_per_op;
    size_t bytes_max;           /* per partition (cache + model strings) */
    bool stop_at_first_fail;    /* CLI: yes; simulator checker: no, report all */
};

struct lin_partition_report {
    int64_t key;              /* first key of the partition (0 without keys) */
    size_t ops_count;
    bool checked;             /* false when skipped after a failure */
    enum lin_verdict verdict;
    enum lin_unknown_reason unknown_reason;
    uint64_t states;          /* cache entries of the last round */
    uint64_t states_budget;   /* the partition's budget (its last round's is <= this) */
    size_t linearized_count;  /* deepest prefix: ops linearized */
    size_t blocked_op;        /* history op index that could not be linearized, or SIZE_MAX */
    size_t last_op;           /* last op of that prefix (history index), or SIZE_MAX */
    char state[128];          /* the model state after the prefix, described */
};

struct lin_check_report {
    enum lin_verdict verdict;
    size_t partitions_count;
    struct lin_partition_report *partitions; /* owned, in check order */
    uint64_t states_total;    /* over all partitions, last round of each: what the
                                 budgets are compared with */
    uint64_t states_all_rounds; /* work: every round of every partition */
    size_t first_fail;        /* index into partitions, or SIZE_MAX */
};

/* Checks `h` under cfg->model. Returns 0 with `report` filled (free with
 * lin_check_report_deinit), or -1 with `diag` set when the history does
 * not fit the model (an op the model has no step for: the diag names the
 * op's line when known) or memory ran out. `file` names the input in diag. */
int lin_check(const struct lin_history *h, const struct lin_check_config *cfg, const char *file,
              struct lin_check_report *report, struct dslab_diag *diag);
void lin_check_report_deinit(struct lin_check_report *r);

#endif
