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

#include "dslab/style.h"
#include "dslab/diag.h"
#include "dslab/scenario.h"
#include "dslab/sim.h"
#include "dslab/trace.h"

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

/* Notable events kept per run; later ones are counted, not kept. */
#define DSLAB_TIMELINE_MAX 400

/* A trace sink that keeps the events a person wants in a summary: faults,
 * role changes, assumptions broken, narration. Texts are copied. It never
 * reads message labels (add it with DSLAB_SIM_SINK_NO_LABELS). */
struct dslab_timeline {
    int count;
    int64_t dropped; /* notable events past DSLAB_TIMELINE_MAX */
    struct {
        int64_t t_ns;
        enum dslab_trace_kind kind;
        char line[200];
    } items[DSLAB_TIMELINE_MAX];
    const char (*node_names)[32];
    int32_t nodes_count;
    unsigned char *leading; /* owned: per node, 1 while it is leader/primary */
};

/* Returns 0, or -1 when out of memory. Free with dslab_timeline_deinit(). */
int dslab_timeline_init(struct dslab_timeline *t, const char (*node_names)[32], int32_t nodes_count);
void dslab_timeline_deinit(struct dslab_timeline *t);
void dslab_timeline_sink(void *user, const struct dslab_trace_event *ev);

/* A run of a scenario: created by dslab_run_start (more sinks, such as a trace
 * writer, may be added to `sim` before dslab_run_to_end), run to its end and
 * finished by dslab_run_to_end, freed by dslab_run_free. */
struct dslab_run {
    struct dslab_sim *sim;           /* owned */
    struct dslab_timeline *timeline; /* owned; NULL when not asked for (or out of memory) */
    enum dslab_sim_status status;    /* set by dslab_run_to_end */
    char stopped[1200];        /* status != DSLAB_SIM_OK: "FILE: error: the run stopped at t=..." */
};
/* Creates the simulation of sc with seed, with a timeline sink when
 * `timeline`. Returns 0, or -1 with diag set (then nothing needs freeing). */
int dslab_run_start(struct dslab_run *r, const struct dslab_scenario *sc, uint64_t seed, bool timeline, struct dslab_diag *diag);
/* Runs until until_ns (the scenario's budget of events) and finishes the
 * run (protocols' on_finish, checkers' verdicts). Returns r->status. */
enum dslab_sim_status dslab_run_to_end(struct dslab_run *r, int64_t until_ns);
void dslab_run_free(struct dslab_run *r);

/* The summary for people: timeline (when not NULL), counts, assumptions,
 * checks. wall_s is the wall-clock time the caller measured. */
void dslab_run_report_text(FILE *out, const struct dslab_sim *sim, const struct dslab_timeline *timeline,
                     double wall_s);
/* The same with failures, broken assumptions and passes marked by `style`
 * (dslab/style.h; the plain one writes exactly dslab_run_report_text). */
void dslab_run_report_text_styled(FILE *out, const struct dslab_sim *sim, const struct dslab_timeline *timeline,
                                  double wall_s, const struct dslab_style *style);
/* The summary as one JSON object, with the repro line. */
void dslab_run_report_json(FILE *out, const struct dslab_sim *sim, const char *repro);
/* 1 if any check failed (or was unknown), else 0. */
int dslab_run_report_exit_code(const struct dslab_sim *sim);

#pragma GCC visibility pop

#endif
