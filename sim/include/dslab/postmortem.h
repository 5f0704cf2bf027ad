/* postmortem.h: the debrief of a run written like a blameless post-mortem
 * (`dslab report`, docs/EXERCISE_FORMAT.md): summary and impact, a timeline of
 * faults, role changes, broken assumptions and violations, which
 * assumptions broke first and how long before the first violation, the
 * evidence (the trace events each checker cites), figures, and how to
 * reproduce.
 *
 * The run is done twice with the same seed: the first finds the
 * violations, the second collects the cited events by id (a run is
 * deterministic, so ids agree). The library writes Markdown to the FILE *
 * the caller passes; it has no renderer, so figures come from a callback
 * (the `dslab` command draws them with the visualiser). sim/report/. */
#ifndef DSLAB_POSTMORTEM_H
#define DSLAB_POSTMORTEM_H

#include <stdint.h>
#include <stdio.h>

#include "dslab/diag.h"
#include "dslab/scenario.h"

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

/* Trace events cited as evidence that are collected (the rest: "(not
 * collected)"). */
#define DSLAB_POSTMORTEM_EVIDENCE_MAX 256

struct dslab_postmortem; /* opaque: the two runs and the evidence */

/* Runs sc (borrowed: it must outlive the result) twice with seed. Returns
 * the result, or NULL with diag set (a run could not be created, out of
 * memory). */
struct dslab_postmortem *dslab_postmortem_run(const struct dslab_scenario *sc, uint64_t seed, struct dslab_diag *diag);

/* Figures: `draw` writes a PNG of the run (scenario file, seed) at at_ns
 * (-1: the whole run) to png_path and returns 0, or returns -1 and the
 * report leaves that figure out. */
struct dslab_postmortem_figures {
    int (*draw)(void *user, const char *png_path, int64_t at_ns);
    void *user;
};

/* Writes the report (Markdown) to out. `file` is the scenario file as the
 * reader should run it again; `dir` is where the report and its figures go.
 * figures NULL: the report says the visualiser was not built. */
void dslab_postmortem_write(FILE *out, const struct dslab_postmortem *pm, const char *file, const char *dir,
                      const struct dslab_postmortem_figures *figures);
void dslab_postmortem_free(struct dslab_postmortem *pm);

#pragma GCC visibility pop

#endif
