/* grade_causes.c: which faults of a run caused a check's violation
 * (docs/EXERCISE_FORMAT.md, "Evidence").
 *
 * Fault i is a cause when some set W of the run's other faults, whose
 * removal alone still leaves the check violated, makes i needed: the run
 * without W and i holds (a contingency, as in Halpern and Pearl's actual
 * causation). W = {} is the plain counterfactual, "the run without it
 * holds". Shared fate (two crashes, each enough alone): the run without
 * either one still fails and the run without both holds, so each is a
 * cause with W = the other. A fault no W makes needed (the run without it
 * still fails, and so does the run without it and any set of the others
 * that could share the blame) is not a cause.
 *
 * The search: one run without each fault (n runs). The candidates C are
 * the faults whose removal alone still violates. W ranges over subsets of
 * C only: a fault needed alone cannot be in W, since the run without W
 * would then hold (assuming that removing more faults never brings a
 * violation back; docs/ASSUMPTIONS.md). Every subset of C of two or more
 * faults is run once, smallest first, at most CAUSES_SUBSET_RUNS_MAX:
 * the search is exact while |C| <= 6, and n + 64 runs bound a grade. */
#include "grade_causes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/explore.h"
#include "dslab/explore_engine.h"

struct subset_run {
    uint64_t mask; /* bits over cand[] */
    bool violated;
};

/* Whether the run without the faults `removed` (indices, count) still
 * violates check `index`: 1 violated, 0 holds, -1 error. */
static int run_without(const struct dslab_scenario *s, uint64_t seed, int index, const int *removed,
                       int removed_count, struct dslab_diag *diag) {
    struct dslab_explore_schedule sch;
    if (dslab_explore_draw(s, seed, DSLAB_EXPLORE_FAULTS_SCENARIO, &sch) < 0) {
        return dslab_diag_set(diag, s->path, 0, 0, "out of memory");
    }
    for (int k = sch.count - 1; k >= 0; k--) {
        for (int r = 0; r < removed_count; r++) {
            if (sch.eps[k].fault_index == removed[r]) {
                dslab_explore_schedule_remove(&sch, k, 1);
                break;
            }
        }
    }
    struct dslab_explore_outcome out;
    int rc = dslab_explore_run(s, seed, &sch, &out, NULL, diag);
    dslab_explore_schedule_free(&sch);
    if (rc < 0) return -1;
    return !(out.status == DSLAB_SIM_OK && !(out.failed_mask & (UINT64_C(1) << index)));
}

/* Gosper's hack: the next larger mask with the same number of bits. */
static uint64_t next_same_bits(uint64_t v) {
    uint64_t t = v | (v - 1);
    return (t + 1) | (((~t & -~t) - 1) >> (__builtin_ctzll(v) + 1));
}

/* Runs the subsets of the first `m` candidates with two or more faults,
 * smallest first, into runs[*count..]; sets c->complete. */
static int run_subsets(const struct dslab_scenario *s, uint64_t seed, int index, struct causes *c, int m,
                       struct subset_run *runs, int *count, struct dslab_diag *diag) {
    int removed[CAUSES_SUBSET_CANDIDATES_MAX];
    int budget = CAUSES_SUBSET_RUNS_MAX;
    c->complete = m == c->cand_count;
    for (int k = 2; k <= m; k++) {
        for (uint64_t v = (UINT64_C(1) << k) - 1; v < (UINT64_C(1) << m); v = next_same_bits(v)) {
            if (budget-- == 0) {
                c->complete = false;
                return 0;
            }
            int n = 0;
            for (int p = 0; p < m; p++) {
                if (v >> p & 1) removed[n++] = c->cand[p];
            }
            int rc = run_without(s, seed, index, removed, n, diag);
            if (rc < 0) return -1;
            c->runs++;
            runs[*count].mask = v;
            runs[(*count)++].violated = rc == 1;
        }
    }
    return 0;
}

static const struct subset_run *find_run(const struct subset_run *runs, int count, uint64_t mask) {
    for (int i = 0; i < count; i++) {
        if (runs[i].mask == mask) return &runs[i];
    }
    return NULL;
}

/* Marks the candidates that some contingency W makes needed. */
static void judge_candidates(struct causes *c, const struct subset_run *runs, int count) {
    for (int p = 0; p < c->cand_count && p < CAUSES_SUBSET_CANDIDATES_MAX; p++) {
        uint64_t bit = UINT64_C(1) << p;
        for (int w = 0; w < count && !c->cause[c->cand[p]]; w++) {
            if ((runs[w].mask & bit) || !runs[w].violated) continue;
            const struct subset_run *with = find_run(runs, count, runs[w].mask | bit);
            if (with && !with->violated) {
                c->cause[c->cand[p]] = true;
                c->with_mask[c->cand[p]] = runs[w].mask;
            }
        }
    }
}

int gr_causes_compute(const struct dslab_scenario *s, uint64_t seed, const char *check, struct causes *c,
                   struct dslab_diag *diag) {
    memset(c, 0, sizeof *c);
    int n = s->faults_count;
    c->faults_count = n;
    c->complete = true;
    c->cause = calloc((size_t)n + 1, sizeof *c->cause);
    c->alone = calloc((size_t)n + 1, sizeof *c->alone);
    c->with_mask = calloc((size_t)n + 1, sizeof *c->with_mask);
    c->cand = calloc((size_t)n + 1, sizeof *c->cand);
    if (!c->cause || !c->alone || !c->with_mask || !c->cand) return dslab_diag_set(diag, s->path, 0, 0, "out of memory");
    int index = -1;
    for (int i = 0; i < s->checks_count && index < 0; i++) {
        if (strcmp(s->checks[i].name, check) == 0) index = i;
    }
    if (index < 0 || index >= DSLAB_EXPLORE_CHECKS_MAX) return 0;
    for (int i = 0; i < n; i++) {
        int rc = run_without(s, seed, index, &i, 1, diag);
        if (rc < 0) return -1;
        c->runs++;
        c->alone[i] = c->cause[i] = rc == 0;
        if (rc == 1) c->cand[c->cand_count++] = i;
    }
    if (c->cand_count < 2) return 0; /* W = {} only: the runs above decide */
    int m = c->cand_count < CAUSES_SUBSET_CANDIDATES_MAX ? c->cand_count : CAUSES_SUBSET_CANDIDATES_MAX;
    /* The reference run (W = {}) and the runs without one candidate, all
     * violated, then the subsets. */
    struct subset_run *runs = calloc((size_t)(1 + m + CAUSES_SUBSET_RUNS_MAX), sizeof *runs);
    if (!runs) return dslab_diag_set(diag, s->path, 0, 0, "out of memory");
    int count = 0;
    runs[count++] = (struct subset_run){0, true};
    for (int p = 0; p < m; p++) runs[count++] = (struct subset_run){UINT64_C(1) << p, true};
    int rc = run_subsets(s, seed, index, c, m, runs, &count, diag);
    if (rc == 0) judge_candidates(c, runs, count);
    free(runs);
    return rc;
}

void gr_causes_free(struct causes *c) {
    free(c->cause);
    free(c->alone);
    free(c->with_mask);
    free(c->cand);
    memset(c, 0, sizeof *c);
}

void gr_causes_describe_mask(const struct causes *c, const struct dslab_scenario *s, uint64_t mask, char *buf,
                          int buf_size) {
    int used = 0;
    buf[0] = 0;
    for (int p = 0; p < c->cand_count && p < CAUSES_SUBSET_CANDIDATES_MAX && used < buf_size; p++) {
        if (!(mask >> p & 1)) continue;
        char desc[200];
        dslab_explore_fault_describe(s, &s->faults[c->cand[p]], desc, (int)sizeof desc);
        mask &= ~(UINT64_C(1) << p);
        used += snprintf(buf + used, (size_t)(buf_size - used), "%s%s", used ? (mask ? ", the " : " and the ") : "",
                         desc);
    }
}
