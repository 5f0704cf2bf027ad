/* clock.c: drifting monotonic and jumping wall clocks (see clock.h).
 * 128-bit intermediates: (t * drift) overflows int64 after ~25 hours of
 * true time at 100000 ppm; DSLAB_DURATION_NS_MAX is one day. */
#include "clock.h"

#include "dslab/assert.h"

#include "dslab/time.h"

__extension__ typedef __int128 i128;

#define PPM INT64_C(1000000)

/* floor(a / b) for b > 0. */
static i128 floor_div(i128 a, i128 b) {
    i128 q = a / b;
    if ((a % b != 0) && (a < 0)) {
        q--;
    }
    return q;
}

void clock_init(struct node_clock *c, int64_t offset_ns, int64_t drift_ppm) {
    DSLAB_ASSERT(drift_ppm > -CLOCK_DRIFT_PPM_MAX - 1 && drift_ppm < CLOCK_DRIFT_PPM_MAX + 1);
    c->anchor_true_ns = 0;
    c->anchor_mono_ns = 0;
    c->drift_ppm = drift_ppm;
    c->wall_offset_ns = offset_ns;
}

int64_t clock_mono_ns(const struct node_clock *c, int64_t true_ns) {
    /* Read at or after the last drift change only: before it, the clock
     * would be read at the new rate, and could seem to go back. */
    DSLAB_ASSERT(true_ns >= c->anchor_true_ns);
    i128 dt = (i128)true_ns - c->anchor_true_ns;
    if (c->drift_ppm == 0) return (int64_t)(c->anchor_mono_ns + dt); /* the common case, no division */
    return (int64_t)(c->anchor_mono_ns + floor_div(dt * (PPM + c->drift_ppm), PPM));
}

int64_t clock_wall_ns(const struct node_clock *c, int64_t true_ns) {
    return clock_mono_ns(c, true_ns) + c->wall_offset_ns;
}

int64_t clock_error_ns(const struct node_clock *c, int64_t true_ns) {
    return clock_wall_ns(c, true_ns) - true_ns;
}

int64_t clock_true_at_mono(const struct node_clock *c, int64_t mono_ns, int64_t now_ns) {
    if (clock_mono_ns(c, now_ns) >= mono_ns) {
        return now_ns;
    }
    i128 dm = (i128)mono_ns - c->anchor_mono_ns;
    i128 rate = PPM + c->drift_ppm;
    /* Without drift the division is exact: floor((dm * PPM + PPM - 1) / PPM) = dm. */
    i128 t = c->anchor_true_ns + (c->drift_ppm == 0 ? dm : floor_div(dm * PPM + rate - 1, rate));
    /* Past CLOCK_TRUE_NS_FAR (a slow clock stretches a huge deadline
     * beyond int64) the deadline is never: no run gets near it, and the
     * settling loops below must not meet int64's end. */
    if (t >= CLOCK_TRUE_NS_FAR) {
        return DSLAB_TIME_NS_NEVER;
    }
    /* Integer rounding can leave t one step off either way: settle it. */
    while (t > now_ns && clock_mono_ns(c, (int64_t)t - 1) >= mono_ns) {
        t--;
    }
    while (clock_mono_ns(c, (int64_t)t) < mono_ns) {
        t++;
    }
    DSLAB_ASSERT(t >= now_ns);
    return (int64_t)t;
}

void clock_set_drift(struct node_clock *c, int64_t now_ns, int64_t drift_ppm) {
    DSLAB_ASSERT(drift_ppm >= -CLOCK_DRIFT_PPM_MAX && drift_ppm <= CLOCK_DRIFT_PPM_MAX);
    int64_t mono_ns = clock_mono_ns(c, now_ns);
    DSLAB_ASSERT(mono_ns >= c->anchor_mono_ns); /* the monotonic clock never goes back */
    c->anchor_mono_ns = mono_ns;
    c->anchor_true_ns = now_ns;
    c->drift_ppm = drift_ppm;
}

void clock_jump(struct node_clock *c, int64_t jump_ns) {
    c->wall_offset_ns += jump_ns;
}
