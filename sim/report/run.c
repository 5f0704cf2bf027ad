/* run.c: one run of a scenario from creation to its verdicts, with the
 * timeline its summary shows (dslab/report.h): what `dslab run`,
 * `dslab exercise` and the post-mortem share. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/report.h"
#include "dslab/time.h"

int dslab_run_start(struct dslab_run *r, const struct dslab_scenario *sc, uint64_t seed, bool timeline, struct dslab_diag *diag) {
    memset(r, 0, sizeof *r);
    r->sim = dslab_sim_create(sc, seed, diag);
    if (!r->sim) return -1;
    if (timeline) {
        /* Out of memory for the timeline: the run goes on without one. */
        r->timeline = malloc(sizeof *r->timeline);
        if (r->timeline && dslab_timeline_init(r->timeline, (const char (*)[32])sc->node_names, sc->nodes_count) == 0) {
            dslab_sim_add_sink_flags(r->sim, dslab_timeline_sink, r->timeline, DSLAB_SIM_SINK_NO_LABELS);
        } else {
            free(r->timeline);
            r->timeline = NULL;
        }
    }
    return 0;
}

/* Why the run stopped early, said before dslab_sim_finish changes anything. */
static void describe_stop(struct dslab_run *r) {
    const struct dslab_scenario *sc = dslab_sim_scenario(r->sim);
    char t[32];
    if (r->status == DSLAB_SIM_EVENT_BUDGET) {
        snprintf(r->stopped, sizeof r->stopped,
                 "%s: error: the run stopped at t=%s after its event budget of %" PRIu64
                 " events; raise it with `limits: { events: N }` or --set limits.events=N",
                 sc->path, dslab_time_format_s(dslab_sim_now_ns(r->sim), t, sizeof t), dslab_sim_get_stats(r->sim)->events);
    } else if (r->status == DSLAB_SIM_ERROR) {
        snprintf(r->stopped, sizeof r->stopped, "%s: error: the run stopped at t=%s: %s", sc->path,
                 dslab_time_format_s(dslab_sim_now_ns(r->sim), t, sizeof t), dslab_sim_error(r->sim));
    }
}

enum dslab_sim_status dslab_run_to_end(struct dslab_run *r, int64_t until_ns) {
    r->status = dslab_sim_run(r->sim, until_ns, 0);
    r->stopped[0] = 0;
    describe_stop(r);
    dslab_sim_finish(r->sim);
    if (r->status != DSLAB_SIM_ERROR && dslab_sim_error(r->sim)[0]) { /* a node failed in on_finish (process nodes) */
        const struct dslab_scenario *sc = dslab_sim_scenario(r->sim);
        char t[32];
        snprintf(r->stopped, sizeof r->stopped, "%s: error: the run stopped at its end (t=%s): %s",
                 sc->path, dslab_time_format_s(dslab_sim_now_ns(r->sim), t, sizeof t), dslab_sim_error(r->sim));
        r->status = DSLAB_SIM_ERROR;
    }
    return r->status;
}

void dslab_run_free(struct dslab_run *r) {
    if (r->timeline) dslab_timeline_deinit(r->timeline);
    free(r->timeline);
    dslab_sim_destroy(r->sim);
    memset(r, 0, sizeof *r);
}
