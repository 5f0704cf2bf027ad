/* lincheck.h: checking an external history file for linearizability.
 *
 * What `dslab check-history` runs. The file format is detected from the
 * content: Jepsen log lines (Porcupine's etcd data), a Knossos EDN
 * collection of operation maps, or Porcupine's kv format (one EDN map per
 * line); each keeps its own rules for failed and indeterminate operations.
 * The search (Wing-Gong/Lowe with a state cache, per key for kv) has a
 * budget of cached states per key; when it runs out the verdict is
 * DSLAB_LINCHECK_UNKNOWN rather than a hang. Library code: nothing is printed,
 * errors come back in a diag ("file:line:col: message"). */
#ifndef DSLAB_LINCHECK_H
#define DSLAB_LINCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dslab/diag.h"

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

/* History files larger than this are refused (the biggest known is 4 MiB). */
#define DSLAB_LINCHECK_FILE_BYTES_MAX (64 * 1024 * 1024)
/* Default search budget: cached states per key, 1,000,000 or 16 per
 * operation of the key, whichever is larger (about 100 bytes a state: a
 * 100,000-operation register history may use 1.6M states, ~200 MB). The
 * search also stops at a memory bound (1 GiB per key). An explicit budget
 * (--budget N) is used as given, 1..LINCHECK_STATES_MAX. */
#define DSLAB_LINCHECK_STATES_DEFAULT 1000000u
#define DSLAB_LINCHECK_STATES_PER_OP 16u
#define DSLAB_LINCHECK_STATES_MAX 1000000000u

enum dslab_lincheck_model {
    DSLAB_LINCHECK_MODEL_REGISTER,
    DSLAB_LINCHECK_MODEL_CAS_REGISTER,
    DSLAB_LINCHECK_MODEL_KV,
    DSLAB_LINCHECK_MODEL_MUTEX,
};

enum dslab_lincheck_verdict {
    DSLAB_LINCHECK_LINEARIZABLE,
    DSLAB_LINCHECK_NOT_LINEARIZABLE,
    DSLAB_LINCHECK_UNKNOWN,
};

struct dslab_lincheck_options {
    enum dslab_lincheck_model model;
    /* Initial value of the register / every key: "nil", an integer, a
     * string for string-valued kv histories, "free"/"held" for a mutex.
     * NULL: the format's default (nil; "" for string kv; free). Borrowed. */
    const char *initial;
    uint64_t states_max; /* per key; 0 = the default (see DSLAB_LINCHECK_STATES_DEFAULT) */
};

struct dslab_lincheck_result {
    enum dslab_lincheck_verdict verdict;
    char format[16];          /* "jepsen-log", "edn", "kv-txt" */
    size_t ops_count;         /* operations after dropping failed ones */
    size_t keys_count;        /* partitions (1 unless kv) */
    size_t keys_checked;
    size_t keys_unknown;
    uint64_t states_total;    /* cache entries of the deciding search of each key */
    uint64_t states_all_rounds; /* including the smaller searches before (work) */
    /* DSLAB_LINCHECK_NOT_LINEARIZABLE: the first operation that cannot be
     * linearized (on the first failing key, cheapest keys checked first). */
    char key[96];             /* "" for single-value models */
    char op[256];             /* e.g. "read -> 2" */
    int64_t process;
    int line, col;            /* where it completed (0 when never) */
    int invoke_line, invoke_col;
    size_t linearized_count;  /* ops linearized before it */
    char state[128];          /* the model state at that point, e.g. "3" */
    char last_op[256];        /* the last op of that prefix ("" if none) */
    int64_t last_process;
    int last_line;
    /* DSLAB_LINCHECK_UNKNOWN: the first undecided key, the states its last search
     * reached, its budget, and what stopped it. */
    char unknown_key[96];
    uint64_t unknown_states;
    uint64_t unknown_budget;
    bool unknown_by_memory;   /* the search's memory ran out, not the --budget */
};

/* "register", "cas-register", "kv", "mutex". Returns 0 or -1. */
int dslab_lincheck_model_parse(const char *name, enum dslab_lincheck_model *out);

/* Checks a file. Returns 0 with `out` filled, or -1 with `diag` set (bad
 * input: unreadable or malformed file, an operation the model lacks, a bad
 * --initial). */
int dslab_lincheck_file(const char *path, const struct dslab_lincheck_options *opt,
                  struct dslab_lincheck_result *out, struct dslab_diag *diag);
/* Same on a buffer; `name` is used in diagnostics. */
int dslab_lincheck_buffer(const char *text, size_t len, const char *name,
                    const struct dslab_lincheck_options *opt, struct dslab_lincheck_result *out,
                    struct dslab_diag *diag);

#pragma GCC visibility pop

#endif
