/* check_util.h (private to sim/checkers/): what the checkers' create,
 * record and finish steps would otherwise each repeat - reading their
 * argument, growing the arrays in which they keep what they saw, and the
 * verdict when they saw nothing to judge. */
#ifndef DSLAB_CHECK_UTIL_H
#define DSLAB_CHECK_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "dslab/check.h"
#include "grow.h" /* grow_array, for the arrays of what checkers saw */

/* For a checker without arguments: 0, or -1 with "NAME takes no arguments
 * (got 'ARGS')" at the check's position. */
int check_no_arguments(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                       struct dslab_diag *diag);
/* A checker that cannot run without an argument: 0 when one was given,
 * else -1 with "NAME needs an argument (none was given): WHAT; ...
 * e.g. 'checks: [\"NAME: EXAMPLE\"]'" (not a usage line quoting an empty
 * argument back at the user). */
int check_argument_required(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                            const char *what, const char *example, struct dslab_diag *diag);
/* A checker whose argument is one duration > 0: *out_ns keeps its default
 * when the argument is absent. Returns 0, or -1 with "USAGE (got 'ARGS')". */
int check_duration_argument(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                            const char *usage, int64_t *out_ns, struct dslab_diag *diag);

/* A checker's state: `size` zeroed bytes (the caller frees them), or NULL
 * with "out of memory" at the check's position. */
void *check_state_new(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                      size_t size, struct dslab_diag *diag);
/* For a checker with per-node arrays of `nodes_max`: 0, or -1 with "NAME
 * supports at most MAX nodes" at the check's position. */
int check_nodes_at_most(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                        int nodes_max, struct dslab_diag *diag);

/* A checker without state that reads only the history at the end: its
 * create refuses arguments (check_no_arguments) and sets no state. */
int check_create_stateless(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                           void **state_out, struct dslab_diag *diag);

/* For a checker that gathers its violations while the run goes (in a
 * result of its own, `found`): copies them into `result`, keeping the name
 * the caller filled in; the verdict is FAIL when there are any, else PASS. */
void check_result_take(struct dslab_check_result *result, const struct dslab_check_result *found);

/* A checker's descriptor (struct dslab_checker) from the names of its
 * functions, which share a prefix:
 *   const struct dslab_checker checker_slo = CHECKER(slo, "slo", "an objective ...");
 * takes slo_create, slo_on_event, slo_finish and slo_destroy.
 * CHECKER_CREATE: the create function named apart (checkers that share the
 * rest); CHECKER_AT_END: no on_event (it reads only the history at the
 * end); CHECKER_STATELESS: that, with check_create_stateless and no state. */
#define CHECKER_CREATE(prefix, create_fn, name_, summary_)                                          \
    {.name = (name_), .summary = (summary_), .create = (create_fn), .on_event = prefix##_on_event,  \
     .finish = prefix##_finish, .destroy = prefix##_destroy}
#define CHECKER(prefix, name_, summary_) CHECKER_CREATE(prefix, prefix##_create, name_, summary_)
#define CHECKER_AT_END(prefix, name_, summary_)                                                     \
    {.name = (name_), .summary = (summary_), .create = prefix##_create, .on_event = NULL,            \
     .finish = prefix##_finish, .destroy = prefix##_destroy}
#define CHECKER_STATELESS(prefix, name_, summary_)                                                  \
    {.name = (name_), .summary = (summary_), .create = check_create_stateless, .on_event = NULL,     \
     .finish = prefix##_finish, .destroy = free}

/* A verdict is a claim: a checker that saw none of what it judges (no role
 * reports, no client operation of its kind, no final state...) says so
 * instead of passing. Sets the verdict to UNKNOWN and the summary to
 * "not judged: " and the formatted reason. */
void check_not_judged(struct dslab_check_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
