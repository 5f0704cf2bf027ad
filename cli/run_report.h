/* run_report.h: what `dslab run` prints about a finished run: the readable
 * summary with its timeline of notable events, and the --json form. Shared
 * with later commands that run scenarios (exercise, report). */
#ifndef DSLAB_RUN_REPORT_H
#define DSLAB_RUN_REPORT_H

#include <stdio.h>

#include "dslab/sim.h"
#include "dslab/trace.h"

#define TIMELINE_MAX 400

/* A trace sink that keeps the events a person wants in a summary: faults,
 * role changes, assumptions broken, narration. Texts are copied. */
struct timeline {
    int count;
    int64_t dropped; /* notable events past TIMELINE_MAX */
    struct {
        int64_t t_ns;
        enum trace_kind kind;
        char line[200];
    } items[TIMELINE_MAX];
    const char (*node_names)[32];
    int32_t nodes_count;
    unsigned char *leading; /* owned: per node, 1 while it is leader/primary */
};

/* Returns 0, or -1 when out of memory. Free with timeline_deinit(). */
int timeline_init(struct timeline *t, const char (*node_names)[32], int32_t nodes_count);
void timeline_deinit(struct timeline *t);
void timeline_sink(void *user, const struct trace_event *ev);

/* Prints the summary. `timeline` may be NULL. */
void run_report_text(FILE *out, const struct sim *sim, const struct timeline *timeline,
                     double wall_s);
void run_report_json(FILE *out, const struct sim *sim, const char *repro);
/* 1 if any check failed (or was unknown), else 0. */
int run_report_exit_code(const struct sim *sim);

#endif
