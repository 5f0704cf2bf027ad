/* fd_phi.h (private to sim/protocols/): the phi accrual suspicion level
 * (Hayashibara, Defago, Yared, Katayama, "The phi accrual failure
 * detector", SRDS 2004; the estimate as in Akka's and Cassandra's).
 *
 * An observer keeps the last `window` inter-arrival times of a peer's
 * heartbeats. Given the time since the last one, phi = -log10(P(a gap
 * at least this long)), with the gaps modelled as a normal distribution of
 * the window's mean and standard deviation (a floor, `min_stddev_ns`,
 * keeps a perfectly regular network from making phi infinite after one
 * late heartbeat). phi = 1 means a 10% chance the peer is fine and only
 * late, 8 about one in 10^8. The normal tail uses the logistic
 * approximation 1 / (1 + e^(y (1.5976 + 0.070566 y^2))), y in standard
 * deviations; the exponential and logarithm come from detmath.c and the
 * square root is IEEE's (exactly rounded), so phi has the same bits on
 * every machine (docs/ASSUMPTIONS.md "Phi accrual"). The result is an
 * integer in thousandths: comparisons and traces never see a double. */
#ifndef DSLAB_FD_PHI_H
#define DSLAB_FD_PHI_H

#include <stdint.h>

#define FD_PHI_WINDOW_MAX 32   /* samples kept per peer: 32 x 8 bytes x 64 peers = 16 KiB a node */
#define FD_PHI_MILLI_MAX 999999999 /* phi is capped at 999999.999 */

/* The last `window` inter-arrival times of one peer, a ring. Zeroed = empty. */
struct fd_phi_window {
    int64_t interval_ns[FD_PHI_WINDOW_MAX];
    int32_t count; /* samples held, <= window */
    int32_t next;  /* where the next sample goes */
};

/* Adds one inter-arrival time (>= 0), dropping the oldest beyond `window`
 * (2..FD_PHI_WINDOW_MAX). */
void fd_phi_add(struct fd_phi_window *w, int32_t window, int64_t interval_ns);

/* phi x 1000 for a silence of `elapsed_ns` (>= 0). With fewer than two
 * samples the estimate is the bootstrap: mean `expected_ns` (the
 * heartbeat interval), deviation expected_ns / 4. The deviation is at least
 * `min_stddev_ns` (> 0). 0 .. FD_PHI_MILLI_MAX, non-decreasing in
 * elapsed_ns. */
int64_t fd_phi_milli(const struct fd_phi_window *w, int64_t elapsed_ns, int64_t expected_ns,
                     int64_t min_stddev_ns);

#endif
