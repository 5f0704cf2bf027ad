/* grade_causes.h (private to grader/): which faults of a run caused a
 * check's violation, by counterfactual runs (grade_causes.c; the
 * definition is in docs/EXERCISE_FORMAT.md, "Evidence"). */
#ifndef DSLAB_GRADE_CAUSES_H
#define DSLAB_GRADE_CAUSES_H

#include <stdbool.h>
#include <stdint.h>

#include "dslab/diag.h"
#include "dslab/scenario.h"

/* Runs of subsets of two or more faults a grade may add to the one run
 * per fault: the search is exact while at most 6 faults could share the
 * blame (2^6 - 6 - 1 = 57 subsets). */
#define CAUSES_SUBSET_RUNS_MAX 64
/* Candidates beyond this many are not put into subsets (their own runs
 * still count). */
#define CAUSES_SUBSET_CANDIDATES_MAX 62

struct causes {
    int faults_count;
    bool *cause;         /* [faults_count]: the fault is a cause */
    bool *alone;         /* [faults_count]: the run without it alone holds */
    uint64_t *with_mask; /* [faults_count]: a cause not needed alone: the
                            other faults (bits over cand[]) removed with it */
    int *cand;           /* fault indices whose removal alone still violates */
    int cand_count;
    bool complete;       /* every subset of the candidates was run */
    int runs;            /* counterfactual runs made */
};

/* Fills *c for `check` (a name of s->checks) at `seed`. A check that
 * explore cannot report on (beyond DSLAB_EXPLORE_CHECKS_MAX) has no
 * causes. Returns 0, or -1 with diag set. Free with gr_causes_free(). */
int gr_causes_compute(const struct dslab_scenario *s, uint64_t seed, const char *check, struct causes *c,
                   struct dslab_diag *diag);
void gr_causes_free(struct causes *c);

/* "the crash of n2 at 1.5s and the crash of n3 at 1.5s": the faults of
 * `mask` (bits over c->cand), into buf. */
void gr_causes_describe_mask(const struct causes *c, const struct dslab_scenario *s, uint64_t mask, char *buf,
                          int buf_size);

#endif
