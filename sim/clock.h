/* clock.h: a node's clocks as functions of true time. Private to sim/.
 *
 * The monotonic clock is piecewise linear in true time: from an anchor
 * (true, mono) it advances at (1e6 + drift_ppm) / 1e6. A drift change
 * re-anchors at the current time, so the clock never jumps and never goes
 * back (drift is limited to +-100000 ppm, so the rate stays positive).
 * The wall clock is the monotonic clock plus an offset that jumps move:
 * it can go backwards. mono(0) = 0; wall(0) = the scenario's offset. */
#ifndef DSLAB_CLOCK_H
#define DSLAB_CLOCK_H

#include <stdint.h>

#define CLOCK_DRIFT_PPM_MAX INT64_C(100000)
/* True times at or past this (about 73 years) are "never" for timers: runs
 * last at most one day, and clock arithmetic stays far from int64's end. */
#define CLOCK_TRUE_NS_FAR (INT64_MAX / 4)

struct node_clock {
    int64_t anchor_true_ns;
    int64_t anchor_mono_ns;
    int64_t drift_ppm;
    int64_t wall_offset_ns;
};

void clock_init(struct node_clock *c, int64_t offset_ns, int64_t drift_ppm);
int64_t clock_mono_ns(const struct node_clock *c, int64_t true_ns);
int64_t clock_wall_ns(const struct node_clock *c, int64_t true_ns);
/* The earliest true time >= now_ns at which mono reaches mono_ns, or
 * DSLAB_TIME_NS_NEVER when that is at or past CLOCK_TRUE_NS_FAR. */
int64_t clock_true_at_mono(const struct node_clock *c, int64_t mono_ns, int64_t now_ns);
void clock_set_drift(struct node_clock *c, int64_t now_ns, int64_t drift_ppm);
void clock_jump(struct node_clock *c, int64_t jump_ns);
/* Wall clock minus true time at true_ns (the error NTP would see). */
int64_t clock_error_ns(const struct node_clock *c, int64_t true_ns);

#endif
