/* final_state.h (private to sim/checkers/): the replicas' final states as
 * protocols annotate them in on_finish, for no-lost-acknowledged-writes
 * and convergence.
 *
 * The contract (dslab/node.h): at the end of a run every live node calls
 * dslab_ctx_report_final_state once, then dslab_ctx_report_final_value per key it
 * holds (DSLAB_ANNOTATION_FINAL_STATE / DSLAB_ANNOTATION_FINAL_VALUE events: b = key,
 * a = value). A crashed node reports nothing. The collector also follows
 * crashes, restarts and typed role reports, so a checker knows which
 * nodes are up and which believe they lead (dslab_role_class_leads). Texts are
 * never parsed. */
#ifndef DSLAB_FINAL_STATE_H
#define DSLAB_FINAL_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dslab/diag.h"
#include "dslab/scenario.h"
#include "dslab/trace.h"

struct final_value {
    int32_t node;
    int64_t key;
    int64_t value;
    uint64_t trace_id;
};

/* The nodes a key lives on, as reported (dslab_ctx_report_final_replicas). */
struct final_replicas {
    int64_t key;
    uint64_t mask; /* bit i = node index i */
};

struct final_node {
    bool crashed;
    bool primary;   /* the last role report was of a leading class */
    bool reported;  /* reported its final state */
    uint64_t report_trace_id;
};

struct final_state {
    int32_t nodes_count;
    struct final_node *nodes;    /* owned, nodes_count entries */
    struct final_value *values;  /* owned; sorted by (node, key) after final_state_seal */
    size_t count;
    size_t capacity;
    struct final_replicas *replicas; /* owned; sorted by key, one per key, after seal */
    size_t replicas_count;
    size_t replicas_capacity;
    bool out_of_memory;
};

/* Returns 0 or -1 when out of memory. */
int final_state_init(struct final_state *fs, int32_t nodes_count);
void final_state_deinit(struct final_state *fs);
void final_state_on_event(struct final_state *fs, const struct dslab_trace_event *ev);
/* Sorts the values for lookups; call once, at finish. */
void final_state_seal(struct final_state *fs);
/* The node's final value of `key`, or NULL when it holds none. */
const struct final_value *final_state_find(const struct final_state *fs, int32_t node,
                                           int64_t key);
/* Whether `node` should hold `key`: among the replicas the reports
 * declared for it (their union), or any node when none were declared.
 * After final_state_seal. */
bool final_state_should_hold(const struct final_state *fs, int32_t node, int64_t key);
/* A checker's state block of `size` bytes whose FIRST member is its
 * struct final_state: zeroed, the final state initialised for the
 * scenario's nodes. Returns it (free with final_state_checker_destroy),
 * or NULL with "out of memory" in diag at the check's position. */
void *final_state_checker_alloc(size_t size, const struct dslab_scenario *s,
                                const struct dslab_scenario_check *check, struct dslab_diag *diag);
/* A checker's destroy (struct dslab_checker) for a malloc'd state block
 * whose FIRST member is its struct final_state: deinits it and frees the
 * block. NULL does nothing. */
void final_state_checker_destroy(void *state);
/* A checker's on_event for such a block that reads nothing else while the
 * run goes: follows the final state (final_state_on_event). */
void final_state_checker_on_event(void *state, const struct dslab_trace_event *ev);
/* The descriptor (struct dslab_checker) of a checker whose state block
 * starts with its struct final_state: PREFIX_create,
 * final_state_checker_on_event, PREFIX_finish, and
 * final_state_checker_destroy. */
#define FINAL_STATE_CHECKER(prefix, name_, summary_)                                                \
    {.name = (name_), .summary = (summary_), .create = prefix##_create,                             \
     .on_event = final_state_checker_on_event, .finish = prefix##_finish,                           \
     .destroy = final_state_checker_destroy}
/* The state of convergence and broadcast: the final state, and a bound
 * after the quiet point. The quiet point is the later of the last network
 * or node fault (partition, heal, cut, link change, slow-down, crash,
 * restart, the end of a pause) and the last client write or cas record
 * (invoke or completion). */
struct final_state_bounded {
    struct final_state fs; /* first: final_state_checker_destroy frees the block through it */
    const struct dslab_scenario *scenario; /* borrowed */
    int64_t bound_ns;
    int64_t quiet_from_ns;
    uint64_t quiet_trace_id;
    bool has_quiet_trace;
};
/* Creates one; the check's argument is the bound (a duration > 0, default
 * 1s), refused with "USAGE (got 'ARGS')". Returns 0, or -1 with diag set. */
int final_state_bounded_create(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                               const char *usage, void **state_out, struct dslab_diag *diag);
/* final_state_bounded_create for a checker whose bound is how long the
 * replicas may take to agree (convergence, counter-exact, set-membership):
 * the usage names the check, "NAME takes how long replicas may take to
 * agree after the last fault or write, e.g. 'NAME: 2s'". */
int final_state_agreement_create(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                                 void **state_out, struct dslab_diag *diag);
/* Follows the final state and the quiet point (a checker's on_event). */
void final_state_bounded_on_event(void *state, const struct dslab_trace_event *ev);
/* The descriptor of such a checker: PREFIX_create (FINAL_STATE_AGREEMENT_CHECKER:
 * final_state_agreement_create), PREFIX_finish. */
#define FINAL_STATE_BOUNDED_CHECKER_CREATE(prefix, create_fn, name_, summary_)                      \
    {.name = (name_), .summary = (summary_), .create = (create_fn),                                 \
     .on_event = final_state_bounded_on_event, .finish = prefix##_finish,                           \
     .destroy = final_state_checker_destroy}
#define FINAL_STATE_BOUNDED_CHECKER(prefix, name_, summary_)                                        \
    FINAL_STATE_BOUNDED_CHECKER_CREATE(prefix, prefix##_create, name_, summary_)
#define FINAL_STATE_AGREEMENT_CHECKER(prefix, name_, summary_)                                      \
    FINAL_STATE_BOUNDED_CHECKER_CREATE(prefix, final_state_agreement_create, name_, summary_)
/* Nodes up at the end that reported a final state. */
int32_t final_state_reported_live(const struct final_state *fs);

#endif
