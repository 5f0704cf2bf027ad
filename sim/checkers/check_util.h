/* check_util.h (private to sim/checkers/): what the checkers' create,
 * record and finish steps would otherwise each repeat - reading their
 * argument, growing the arrays in which they keep what they saw, and the
 * verdict when they saw nothing to judge. */
#ifndef DSLAB_CHECK_UTIL_H
#define DSLAB_CHECK_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "dslab/check.h"

/* Room for one more item in a growing array of `count` items: returns the
 * array itself while count < *capacity, else one of twice the capacity
 * (`first_capacity` the first time) with *capacity updated. Returns NULL
 * when out of memory, the old array untouched. The caller stores the
 * result (it may have moved). */
void *check_grow(void *items, size_t *capacity, size_t count, size_t item_size,
                 size_t first_capacity);
/* For a checker without arguments: 0, or -1 with "NAME takes no arguments
 * (got 'ARGS')" at the check's position. */
int check_no_arguments(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                       struct dslab_diag *diag);
/* A checker whose argument is one duration > 0: *out_ns keeps its default
 * when the argument is absent. Returns 0, or -1 with "USAGE (got 'ARGS')". */
int check_duration_argument(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                            const char *usage, int64_t *out_ns, struct dslab_diag *diag);

/* A verdict is a claim: a checker that saw none of what it judges (no role
 * reports, no client operation of its kind, no final state...) says so
 * instead of passing. Sets the verdict to UNKNOWN and the summary to
 * "not judged: " and the formatted reason. */
void check_not_judged(struct dslab_check_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
