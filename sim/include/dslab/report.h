/* report.h: a run of a scenario to its end and what is said about it: the
 * readable summary with its timeline of notable events (faults, role
 * changes, broken assumptions, narration), the --json form, and the exit
 * status a front end gives. Used by `dslab run`, `dslab exercise` and the
 * post-mortem (dslab/postmortem.h). Nothing here prints on its own or
 * reads a clock: text goes to the FILE * the caller passes, and the
 * wall-clock time a summary shows is measured by the caller
 * (dslab/host_clock.h). sim/report/. */
#ifndef DSLAB_REPORT_H
#define DSLAB_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dslab/diag.h"
#include "dslab/scenario.h"
#include "dslab/sim.h"
#include "dslab/trace.h"

/* Notable events kept per run; later ones are counted, not kept. */
#define TIMELINE_MAX 400

/* A trace sink that keeps the events a person wants in a summary: faults,
 * role changes, assumptions broken, narration. Texts are copied. It never
 * reads message labels (add it with SIM_SINK_NO_LABELS). */
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

/* A run of a scenario: created by run_start (more sinks, such as a trace
 * writer, may be added to `sim` before run_to_end), run to its end and
 * finished by run_to_end, freed by run_free. */
struct run {
    struct sim *sim;           /* owned */
    struct timeline *timeline; /* owned; NULL when not asked for (or out of memory) */
    enum sim_status status;    /* set by run_to_end */
    char stopped[1200];        /* status != SIM_OK: "FILE: error: the run stopped at t=..." */
};
/* Creates the simulation of sc with seed, with a timeline sink when
 * `timeline`. Returns 0, or -1 with diag set (then nothing needs freeing). */
int run_start(struct run *r, const struct scenario *sc, uint64_t seed, bool timeline, struct diag *diag);
/* Runs until until_ns (the scenario's budget of events) and finishes the
 * run (protocols' on_finish, checkers' verdicts). Returns r->status. */
enum sim_status run_to_end(struct run *r, int64_t until_ns);
void run_free(struct run *r);

/* The summary for people: timeline (when not NULL), counts, assumptions,
 * checks. wall_s is the wall-clock time the caller measured. */
void run_report_text(FILE *out, const struct sim *sim, const struct timeline *timeline,
                     double wall_s);
/* The summary as one JSON object, with the repro line. */
void run_report_json(FILE *out, const struct sim *sim, const char *repro);
/* 1 if any check failed (or was unknown), else 0. */
int run_report_exit_code(const struct sim *sim);

#endif
