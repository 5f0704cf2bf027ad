/* run.c: the grader runs scenarios and keeps what the checkers and the
 * assumption monitors found. The simulator is the source of truth: every
 * verdict about evidence, predictions, fixes and breaks comes from here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/sim.h"
#include "grader.h"

int grader_run_loaded(const struct dslab_scenario *s, uint64_t seed, struct run_outcome *out,
                      struct dslab_diag *d) {
    memset(out, 0, sizeof *out);
    out->loaded = true;
    struct dslab_sim *sim = dslab_sim_create(s, seed, d);
    if (!sim) return -1;
    enum dslab_sim_status status = dslab_sim_run(sim, s->duration_ns, 0);
    out->ran = status == DSLAB_SIM_OK;
    out->budget_exhausted = status == DSLAB_SIM_EVENT_BUDGET;
    out->events = dslab_sim_get_stats(sim)->events;
    if (!out->ran) {
        snprintf(out->error, sizeof out->error, "the run stopped early: %s",
                 status == DSLAB_SIM_ERROR ? dslab_sim_error(sim) : "event budget exhausted");
    }
    dslab_sim_finish(sim);
    out->checks_count = dslab_sim_check_count(sim);
    out->checks = calloc((size_t)out->checks_count + 1, sizeof *out->checks);
    if (!out->checks) {
        dslab_sim_destroy(sim);
        return dslab_diag_set(d, s->path, 0, 0, "out of memory");
    }
    for (int i = 0; i < out->checks_count; i++) out->checks[i] = *dslab_sim_check_result(sim, i);
    for (int i = 0; i < DSLAB_SIM_ASSUMPTIONS_COUNT; i++) out->assumptions[i] = *dslab_sim_assumption(sim, i);
    dslab_sim_destroy(sim);
    return 0;
}

int grader_run(const char *path, const struct dslab_scenario_override *ov, int ov_count, uint64_t seed,
               bool seed_given, struct run_outcome *out, struct dslab_diag *d) {
    memset(out, 0, sizeof *out);
    out->loaded = true;
    struct dslab_scenario *s = dslab_scenario_load(path, ov, ov_count, NULL, d);
    if (!s) {
        out->loaded = false;
        return -1;
    }
    int rc = grader_run_loaded(s, seed_given ? seed : s->seed, out, d);
    dslab_scenario_free(s);
    return rc;
}

void grader_run_outcome_free(struct run_outcome *o) {
    free(o->checks);
    o->checks = NULL;
    o->checks_count = 0;
}

int grader_run_outcome_first_failure(const struct run_outcome *o) {
    for (int i = 0; i < o->checks_count; i++) {
        if (o->checks[i].verdict != DSLAB_CHECK_PASS) return i;
    }
    return -1;
}
