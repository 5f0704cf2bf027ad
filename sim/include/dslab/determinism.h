/* determinism.h: is a scenario's run deterministic in this process?
 *
 * Runs the scenario twice with the same seed, two fresh simulators side by
 * side, one event at a time, and compares their traces event by event (the
 * JSON Lines form, docs/TRACE_FORMAT.md). Built-in protocols always agree;
 * learner node code may not (a static variable kept across runs, the
 * address of an allocation, an uninitialised read): the first event where
 * the traces part is the place to look. `dslab run --check-determinism`. */
#ifndef DSLAB_DETERMINISM_H
#define DSLAB_DETERMINISM_H

#include <stdbool.h>
#include <stdint.h>

#include "dslab/diag.h"
#include "dslab/scenario.h"

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

struct dslab_determinism_result {
    bool same;
    uint64_t hash;   /* the trace hash (trace_hasher, trace.h) of run 1 */
    uint64_t events; /* trace events that agreed */
    /* When !same: the first differing trace event (0-based index, the true
     * time it happened in run 1 or 2) and its JSON Lines form in each run,
     * "" when that run had no such event (it ended first). Cut to fit. */
    uint64_t diff_index;
    char first[1024];
    char second[1024];
};

/* Returns 0 with *r filled, or -1 with diag set (the scenario cannot be
 * simulated, a run hit its event budget or a limit). until_ns <= 0: the
 * scenario's duration. */
int dslab_determinism_check(const struct dslab_scenario *s, uint64_t seed, int64_t until_ns,
                      struct dslab_determinism_result *r, struct dslab_diag *diag);

#pragma GCC visibility pop

#endif
