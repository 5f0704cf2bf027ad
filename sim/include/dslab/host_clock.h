/* host_clock.h: the host's monotonic clock, for programs that time what
 * they ask the library to do (seconds of wall-clock time a run took,
 * seeds per second, benchmarks).
 *
 * The one function of the library that reads the host's clock. The
 * simulation, the explorer and the reports never call it
 * (docs/ARCHITECTURE.md, "Determinism"); a front end calls this and passes
 * the result in where a report shows it. The only library callers are the
 * host I/O of learner nodes (sim/nodes/: a process node's wall-time budget
 * per event, the C compiler's timeout), which bound a wait with it and
 * never let it change a run. */
#ifndef DSLAB_HOST_CLOCK_H
#define DSLAB_HOST_CLOCK_H

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

/* Seconds on CLOCK_MONOTONIC: only differences mean anything. */
double dslab_host_clock_s(void);

#pragma GCC visibility pop

#endif
