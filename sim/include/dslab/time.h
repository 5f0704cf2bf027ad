/* time.h: simulated time, and the only units the simulator speaks.
 *
 * Time is an int64 count of nanoseconds. True simulation time starts at 0
 * and only the simulator sees it; node code sees its own skewed clocks
 * (see node.h). Every variable that holds a time or a duration carries its
 * unit last in its name: `delay_ns`, `timeout_ns`, `at_ns`.
 * int64 nanoseconds reach 292 years, far past DSLAB_DURATION_NS_MAX. */
#ifndef DSLAB_TIME_H
#define DSLAB_TIME_H

#include <stdint.h>

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

#define DSLAB_NS_PER_US INT64_C(1000)
#define DSLAB_NS_PER_MS INT64_C(1000000)
#define DSLAB_NS_PER_S INT64_C(1000000000)

/* "never" for deadlines: greater than any reachable time. */
#define DSLAB_TIME_NS_NEVER INT64_MAX

/* Saturating time arithmetic, the one place it lives: sums, differences
 * and products of times and durations clamp to [INT64_MIN, INT64_MAX]
 * instead of overflowing (signed overflow is undefined behaviour). A
 * deadline that saturates at INT64_MAX = DSLAB_TIME_NS_NEVER never comes.
 * Scenario values are bounded (docs/SCENARIO_FORMAT.md) so that runs never
 * get near the ends; these keep the arithmetic defined if one does. */
static inline int64_t dslab_time_add_sat(int64_t a_ns, int64_t b_ns) {
    if (b_ns > 0 && a_ns > INT64_MAX - b_ns) return INT64_MAX;
    if (b_ns < 0 && a_ns < INT64_MIN - b_ns) return INT64_MIN;
    return a_ns + b_ns;
}
static inline int64_t dslab_time_sub_sat(int64_t a_ns, int64_t b_ns) {
    if (b_ns < 0 && a_ns > INT64_MAX + b_ns) return INT64_MAX;
    if (b_ns > 0 && a_ns < INT64_MIN + b_ns) return INT64_MIN;
    return a_ns - b_ns;
}
/* d_ns * k for k >= 0 (a multiplier such as a retry count or a factor). */
static inline int64_t dslab_time_mul_sat(int64_t d_ns, int64_t k) {
    if (k <= 0 || d_ns == 0) return 0;
    if (d_ns > 0 && d_ns > INT64_MAX / k) return INT64_MAX;
    if (d_ns < 0 && d_ns < INT64_MIN / k) return INT64_MIN;
    return d_ns * k;
}

/* Formats t_ns as seconds with microsecond precision ("1.534200s") into buf.
 * Returns buf. Deterministic: integer arithmetic only. */
char *dslab_time_format_s(int64_t t_ns, char *buf, int buf_size);

/* Formats a duration the way scenario files write it, choosing the largest
 * unit that represents it exactly ("150ms", "2s", "1500us", "7ns"). */
char *dslab_time_format_duration(int64_t d_ns, char *buf, int buf_size);

/* Formats a duration for people, with about four significant digits:
 * "1.996s", "50ms", "1.25ms", "730us", "12ns". Not for round trips. */
char *dslab_time_format_human(int64_t d_ns, char *buf, int buf_size);

#pragma GCC visibility pop

#endif
