/* postmortem_run.c: the two runs of a post-mortem (dslab/postmortem.h):
 * the first finds the violations and the ids of the events they cite, the
 * second (same scenario, same seed, so the same ids) keeps the timeline
 * and the JSONL of each cited event. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/trace.h"
#include "report/postmortem_internal.h"

static void evidence_sink(void *user, const struct dslab_trace_event *ev) {
    struct evidence *e = user;
    for (int i = 0; i < e->count; i++) {
        if (e->ids[i] != ev->id || e->lines[i]) continue;
        char buf[1024];
        dslab_trace_event_to_jsonl(ev, (const char (*)[32])e->sc->node_names, e->sc->nodes_count, buf, (int)sizeof buf);
        buf[strcspn(buf, "\n")] = 0;
        e->lines[i] = strdup(buf);
    }
}

const char *postmortem_evidence_line(const struct evidence *e, uint64_t id) {
    for (int i = 0; i < e->count; i++) {
        if (e->ids[i] == id) return e->lines[i] ? e->lines[i] : "(not found)";
    }
    return "(not collected)";
}

static void collect_ids(struct evidence *ev, const struct dslab_sim *sim) {
    for (int c = 0; c < dslab_sim_check_count(sim); c++) {
        const struct dslab_check_result *r = dslab_sim_check_result(sim, c);
        for (int v = 0; v < r->violations_count && v < CITED_VIOLATIONS_MAX; v++) {
            for (int k = 0; k < r->violations[v].evidence_count && ev->count < DSLAB_POSTMORTEM_EVIDENCE_MAX; k++) {
                ev->ids[ev->count++] = r->violations[v].evidence[k];
            }
        }
    }
}

struct dslab_postmortem *dslab_postmortem_run(const struct dslab_scenario *sc, uint64_t seed, struct dslab_diag *diag) {
    struct dslab_postmortem *pm = calloc(1, sizeof *pm);
    if (!pm) {
        dslab_diag_set(diag, sc->path, 0, 0, "out of memory");
        return NULL;
    }
    pm->sc = sc;
    pm->seed = seed;
    pm->ev.sc = sc;
    if (dslab_run_start(&pm->first, sc, seed, false, diag) < 0) {
        free(pm);
        return NULL;
    }
    dslab_run_to_end(&pm->first, sc->duration_ns);
    collect_ids(&pm->ev, pm->first.sim);
    if (dslab_run_start(&pm->second, sc, seed, true, diag) < 0) {
        dslab_postmortem_free(pm);
        return NULL;
    }
    if (!pm->second.timeline) {
        dslab_diag_set(diag, sc->path, 0, 0, "out of memory");
        dslab_postmortem_free(pm);
        return NULL;
    }
    dslab_sim_add_sink(pm->second.sim, evidence_sink, &pm->ev);
    dslab_run_to_end(&pm->second, sc->duration_ns);
    return pm;
}

void dslab_postmortem_free(struct dslab_postmortem *pm) {
    if (!pm) return;
    for (int i = 0; i < pm->ev.count; i++) free(pm->ev.lines[i]);
    dslab_run_free(&pm->first); /* a run never started is all zeros: nothing to free */
    dslab_run_free(&pm->second);
    free(pm);
}
