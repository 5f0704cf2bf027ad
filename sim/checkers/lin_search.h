/* lin_search.h: the Wing-Gong / Lowe linearizability search (private).
 *
 * Given operations with a call position and a return position (a strict
 * order of history events; LIN_POS_NEVER for operations that never
 * returned) and a sequential model, decide whether some total order of the
 * operations respects real time (an op that returned before another was
 * called comes first) and is legal for the model. Operations that never
 * returned are optional: they may take effect at any point after their
 * call, or never. This is the algorithm of Lowe's "Testing for
 * linearizability" with the (linearized set, model state) cache that
 * Porcupine uses; it is iterative (an explicit stack, no recursion) and its
 * effort is bounded: when the cache reaches `states_max` entries (or the
 * memory reaches `bytes_max`), the verdict is LIN_UNKNOWN, never a hang.
 * The cache only answers "seen before?", so the result never depends on
 * hash order. Models (lin_models.c) are a step function over int64 state
 * words; equal states must have equal words. */
#ifndef DSLAB_LIN_SEARCH_H
#define DSLAB_LIN_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ret_pos of an operation that never completed (indeterminate). */
#define LIN_POS_NEVER INT64_MAX
/* Largest model state, in int64 words (kv: one word per key of a partition). */
#define LIN_STATE_WORDS_MAX 64
/* Operations in one search: the linearized set is a bitset over them. */
#define LIN_SEARCH_OPS_MAX (1u << 24)

enum lin_step {
    LIN_STEP_ILLEGAL = 0,   /* the model forbids the op in this state */
    LIN_STEP_OK = 1,        /* legal; the next state was written */
    LIN_STEP_EXHAUSTED = -1,/* the model ran out of its memory budget */
};

struct lin_model {
    int state_words; /* 1..LIN_STATE_WORDS_MAX */
    /* Applies operation `op_index` to `state` and writes the next state
     * to `state_out` (distinct from `state`). Returns an enum lin_step. */
    int (*step)(void *ctx, size_t op_index, const int64_t *state, int64_t *state_out);
    /* May be NULL. True when operation `op_index` never changes any state
     * (a read, a cas known to have failed). A pure operation that is legal
     * now is linearized next without trying the alternatives (see
     * lin_search.c, "pure operations first"). */
    bool (*pure)(void *ctx, size_t op_index);
};

struct lin_search_op {
    int64_t call_pos;
    int64_t ret_pos; /* > call_pos, or LIN_POS_NEVER */
};

struct lin_search_config {
    const struct lin_model *model;
    void *model_ctx;                  /* borrowed, passed to step() */
    const int64_t *init_state;        /* model->state_words words; borrowed */
    const struct lin_search_op *ops;  /* borrowed */
    size_t ops_count;                 /* <= LIN_SEARCH_OPS_MAX */
    uint64_t states_max;              /* cache entries; > 0 */
    size_t bytes_max;                 /* cache memory; > 0 */
};

enum lin_verdict {
    LIN_LINEARIZABLE,
    LIN_NOT_LINEARIZABLE,
    LIN_UNKNOWN,
};

enum lin_unknown_reason {
    LIN_UNKNOWN_NONE,
    LIN_UNKNOWN_STATES,  /* states_max reached */
    LIN_UNKNOWN_MEMORY,  /* bytes_max reached or an allocation failed */
};

struct lin_search_result {
    enum lin_verdict verdict;
    enum lin_unknown_reason unknown_reason;
    uint64_t states; /* cache entries created */
    uint64_t steps;  /* model steps tried */
    /* The deepest point of the search: depth_max operations linearized, in
     * the order prefix[0..depth_max) (owned by the result, free with
     * lin_search_result_deinit), after which blocked_op (the op whose
     * return came next) could not be linearized. `state` is the model
     * state after the prefix. For a linearizable history the prefix is a
     * full linearization. blocked_op is SIZE_MAX when not applicable. */
    size_t depth_max;
    size_t *prefix;
    size_t blocked_op;
    int64_t state[LIN_STATE_WORDS_MAX];
};

/* Runs the search. Never fails: out of memory is LIN_UNKNOWN. `out` must
 * be released with lin_search_result_deinit(). */
void lin_search_run(const struct lin_search_config *cfg, struct lin_search_result *out);
void lin_search_result_deinit(struct lin_search_result *r);

#endif
