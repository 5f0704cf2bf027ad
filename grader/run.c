/* run.c: the grader runs scenarios and keeps what the checkers and the
 * assumption monitors found. The simulator is the source of truth: every
 * verdict about evidence, predictions, fixes and breaks comes from here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/sim.h"
#include "grader.h"

int grader_run_loaded(const struct scenario *s, uint64_t seed, struct run_outcome *out,
                      struct diag *d) {
    memset(out, 0, sizeof *out);
    out->loaded = true;
    struct sim *sim = sim_create(s, seed, d);
    if (!sim) return -1;
    enum sim_status status = sim_run(sim, s->duration_ns, 0);
    out->ran = status == SIM_OK;
    out->budget_exhausted = status == SIM_EVENT_BUDGET;
    out->events = sim_get_stats(sim)->events;
    if (!out->ran) {
        snprintf(out->error, sizeof out->error, "the run stopped early: %s",
                 status == SIM_ERROR ? sim_error(sim) : "event budget exhausted");
    }
    sim_finish(sim);
    out->checks_count = sim_check_count(sim);
    out->checks = calloc((size_t)out->checks_count + 1, sizeof *out->checks);
    if (!out->checks) {
        sim_destroy(sim);
        return diag_set(d, s->path, 0, 0, "out of memory");
    }
    for (int i = 0; i < out->checks_count; i++) out->checks[i] = *sim_check_result(sim, i);
    for (int i = 0; i < SIM_ASSUMPTIONS_COUNT && i < 4; i++) out->assumptions[i] = *sim_assumption(sim, i);
    sim_destroy(sim);
    return 0;
}

int grader_run(const char *path, const struct scenario_override *ov, int ov_count, uint64_t seed,
               bool seed_given, struct run_outcome *out, struct diag *d) {
    memset(out, 0, sizeof *out);
    out->loaded = true;
    struct scenario *s = scenario_load(path, ov, ov_count, NULL, d);
    if (!s) {
        out->loaded = false;
        return -1;
    }
    int rc = grader_run_loaded(s, seed_given ? seed : s->seed, out, d);
    scenario_free(s);
    return rc;
}

void grader_run_outcome_free(struct run_outcome *o) {
    free(o->checks);
    o->checks = NULL;
    o->checks_count = 0;
}

int grader_run_outcome_first_failure(const struct run_outcome *o) {
    for (int i = 0; i < o->checks_count; i++) {
        if (o->checks[i].verdict != CHECK_PASS) return i;
    }
    return -1;
}
