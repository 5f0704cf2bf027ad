/* fd_phi.c: the phi accrual estimate (see fd_phi.h). O(window) per call:
 * an observer checks each peer every heartbeat_interval / 4, so 32 samples
 * x 64 peers is a few thousand additions per check at most. */
#include "protocols/fd_phi.h"

#include <math.h>

#include "detmath.h"
#include "dslab/assert.h"

void fd_phi_add(struct fd_phi_window *w, int32_t window, int64_t interval_ns) {
    DSLAB_ASSERT(window >= 2 && window <= FD_PHI_WINDOW_MAX);
    DSLAB_ASSERT(interval_ns >= 0); /* 0: two heartbeats arrived together */
    if (w->next >= window) w->next = 0;
    w->interval_ns[w->next] = interval_ns;
    w->next = (w->next + 1) % window;
    if (w->count < window) w->count++;
}

int64_t fd_phi_milli(const struct fd_phi_window *w, int64_t elapsed_ns, int64_t expected_ns,
                     int64_t min_stddev_ns) {
    static const double LN10 = 2.30258509299404568402;
    DSLAB_ASSERT(elapsed_ns >= 0 && expected_ns > 0 && min_stddev_ns > 0);
    double mean = (double)expected_ns, stddev = (double)expected_ns / 4;
    if (w->count >= 2) {
        int64_t sum = 0; /* <= 32 samples of at most ~2^57 ns each (24h timeouts) */
        for (int32_t i = 0; i < w->count; i++) sum += w->interval_ns[i];
        mean = (double)sum / w->count;
        double squares = 0; /* in index order: the same rounding everywhere */
        for (int32_t i = 0; i < w->count; i++) {
            double d = (double)w->interval_ns[i] - mean;
            squares += d * d;
        }
        stddev = sqrt(squares / w->count); /* IEEE 754: exactly rounded */
    }
    if (stddev < (double)min_stddev_ns) stddev = (double)min_stddev_ns;
    double y = ((double)elapsed_ns - mean) / stddev;
    if (y > 1e6) return FD_PHI_MILLI_MAX; /* far past any threshold; keeps y^3 finite */
    double z = y * (1.5976 + 0.070566 * y * y);
    /* -log10(e^-z / (1 + e^-z)) = (z + ln(1 + e^-z)) / ln 10: no underflow for large z */
    double phi = (z + det_log(1 + det_exp(-z))) / LN10;
    if (!(phi > 0)) return 0;
    if (phi >= FD_PHI_MILLI_MAX / 1000.0) return FD_PHI_MILLI_MAX;
    return (int64_t)(phi * 1000);
}
