/* postmortem_internal.h (private to sim/report/): what a post-mortem
 * keeps between its runs and its writing (dslab/postmortem.h). */
#ifndef DSLAB_POSTMORTEM_INTERNAL_H
#define DSLAB_POSTMORTEM_INTERNAL_H

#include "dslab/postmortem.h"
#include "dslab/report.h"

/* Violations per check whose evidence is collected and shown. */
#define CITED_VIOLATIONS_MAX 8

/* The trace events the checkers cite, collected by id in the second run. */
struct evidence {
    int count;
    uint64_t ids[DSLAB_POSTMORTEM_EVIDENCE_MAX];
    char *lines[DSLAB_POSTMORTEM_EVIDENCE_MAX]; /* owned JSONL of each cited event */
    const struct dslab_scenario *sc;
};

struct dslab_postmortem {
    const struct dslab_scenario *sc; /* borrowed */
    uint64_t seed;
    struct dslab_run first;          /* finds the violations */
    struct dslab_run second;         /* with the timeline and the evidence */
    struct evidence ev;
};

/* The JSONL line of event `id`, "(not found)" or "(not collected)". */
const char *postmortem_evidence_line(const struct evidence *e, uint64_t id);

#endif
