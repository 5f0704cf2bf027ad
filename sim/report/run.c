/* run.c: one run of a scenario from creation to its verdicts, with the
 * timeline its summary shows (dslab/report.h): what `dslab run`,
 * `dslab exercise` and the post-mortem share. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/report.h"
#include "dslab/time.h"

int run_start(struct run *r, const struct scenario *sc, uint64_t seed, bool timeline, struct diag *diag) {
    memset(r, 0, sizeof *r);
    r->sim = sim_create(sc, seed, diag);
    if (!r->sim) return -1;
    if (timeline) {
        /* Out of memory for the timeline: the run goes on without one. */
        r->timeline = malloc(sizeof *r->timeline);
        if (r->timeline && timeline_init(r->timeline, (const char (*)[32])sc->node_names, sc->nodes_count) == 0) {
            sim_add_sink_flags(r->sim, timeline_sink, r->timeline, SIM_SINK_NO_LABELS);
        } else {
            free(r->timeline);
            r->timeline = NULL;
        }
    }
    return 0;
}

/* Why the run stopped early, said before sim_finish changes anything. */
static void describe_stop(struct run *r) {
    const struct scenario *sc = sim_scenario(r->sim);
    char t[32];
    if (r->status == SIM_EVENT_BUDGET) {
        snprintf(r->stopped, sizeof r->stopped,
                 "%s: error: the run stopped at t=%s after its event budget of %" PRIu64
                 " events; raise it with `limits: { events: N }` or --set limits.events=N",
                 sc->path, time_format_s(sim_now_ns(r->sim), t, sizeof t), sim_get_stats(r->sim)->events);
    } else if (r->status == SIM_ERROR) {
        snprintf(r->stopped, sizeof r->stopped, "%s: error: the run stopped at t=%s: %s", sc->path,
                 time_format_s(sim_now_ns(r->sim), t, sizeof t), sim_error(r->sim));
    }
}

enum sim_status run_to_end(struct run *r, int64_t until_ns) {
    r->status = sim_run(r->sim, until_ns, 0);
    r->stopped[0] = 0;
    describe_stop(r);
    sim_finish(r->sim);
    if (r->status != SIM_ERROR && sim_error(r->sim)[0]) { /* a node failed in on_finish (process nodes) */
        const struct scenario *sc = sim_scenario(r->sim);
        char t[32];
        snprintf(r->stopped, sizeof r->stopped, "%s: error: the run stopped at its end (t=%s): %s",
                 sc->path, time_format_s(sim_now_ns(r->sim), t, sizeof t), sim_error(r->sim));
        r->status = SIM_ERROR;
    }
    return r->status;
}

void run_free(struct run *r) {
    if (r->timeline) timeline_deinit(r->timeline);
    free(r->timeline);
    sim_destroy(r->sim);
    memset(r, 0, sizeof *r);
}
