/* viz_model.c: what the visualiser shows, as data: a recording of the whole
 * run plus a "cursor" simulation standing at the displayed time.
 *
 * The recording comes from one full run with a recording sink (and clock
 * samples taken between chunks of dslab_sim_run, which does not change the run:
 * events are ordered by (time, sequence) whatever the chunking). The cursor
 * sim has no sinks; it answers what only live state knows (describe(),
 * clocks, links). Seeking forward advances it; seeking back re-creates it
 * and runs from 0: the simulator is deterministic, so the state is exactly
 * the one shown before. Interventions are faults appended to the scenario's
 * list at the current time, followed by a full re-run, so the session on
 * screen is by construction the run of the saved scenario. */
#include "dslab/outfile.h"
#include "viz_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/time.h"

#define CLOCK_SAMPLES_BUDGET 400000 /* nodes x samples kept */

static int64_t host_ms(void) {
    return (int64_t)SDL_GetTicks64();
}

static void cursor_reset(struct viz_model *m) {
    if (m->cursor) {
        dslab_sim_destroy(m->cursor);
        m->cursor = NULL;
    }
}

static void sample_clocks(struct viz_model *m, struct dslab_sim *sim, int32_t k) {
    struct recording *r = &m->rec;
    int64_t t = dslab_sim_now_ns(sim);
    r->sample_ns[k] = t;
    for (int32_t n = 0; n < r->nodes_count; n++) {
        int64_t w = dslab_sim_node_wall_ns(sim, n) - t, mo = dslab_sim_node_mono_ns(sim, n) - t;
        r->wall_off_ns[(size_t)n * (size_t)r->samples_count + (size_t)k] = w;
        r->mono_off_ns[(size_t)n * (size_t)r->samples_count + (size_t)k] = mo;
        if (w < r->clock_off_ns_min) r->clock_off_ns_min = w;
        if (w > r->clock_off_ns_max) r->clock_off_ns_max = w;
        if (mo < r->clock_off_ns_min) r->clock_off_ns_min = mo;
        if (mo > r->clock_off_ns_max) r->clock_off_ns_max = mo;
    }
}

static void alloc_samples(struct recording *r) {
    int32_t n = r->nodes_count > 0 ? r->nodes_count : 1;
    int32_t k = CLOCK_SAMPLES_BUDGET / n;
    r->samples_count = k < 60 ? 60 : k > 600 ? 600 : k;
    size_t cells = (size_t)n * (size_t)r->samples_count;
    r->sample_ns = calloc((size_t)r->samples_count, sizeof *r->sample_ns);
    r->wall_off_ns = calloc(cells, sizeof *r->wall_off_ns);
    r->mono_off_ns = calloc(cells, sizeof *r->mono_off_ns);
    if (!r->sample_ns || !r->wall_off_ns || !r->mono_off_ns) {
        abort();
    }
}

/* One full run into m->rec. */
static int full_run(struct viz_model *m, struct dslab_diag *diag) {
    struct dslab_scenario *s = m->scenario;
    int64_t t0 = host_ms();
    rec_free(&m->rec);
    rec_init(&m->rec, s->nodes_count);
    struct dslab_sim *sim = dslab_sim_create(s, m->seed, diag);
    if (!sim) {
        return -1;
    }
    dslab_sim_add_sink(sim, rec_sink, &m->rec);
    struct dslab_trace_hasher hasher;
    dslab_trace_hasher_init(&hasher, (const char(*)[32])s->node_names, s->nodes_count);
    dslab_sim_add_sink(sim, dslab_trace_hasher_sink, &hasher);
    alloc_samples(&m->rec);
    int32_t k_max = m->rec.samples_count;
    int rc = 0;
    for (int32_t k = 0; k < k_max; k++) {
        int64_t t = s->duration_ns * k / (k_max - 1);
        enum dslab_sim_status st = dslab_sim_run(sim, t, 0);
        sample_clocks(m, sim, k);
        if (st == DSLAB_SIM_ERROR) {
            rc = dslab_diag_set(diag, s->path, 0, 0, "the run stopped: %s", dslab_sim_error(sim));
            break;
        }
        if (st == DSLAB_SIM_EVENT_BUDGET) {
            break;
        }
    }
    dslab_sim_finish(sim);
    m->trace_hash = hasher.hash;
    rec_take_results(&m->rec, sim);
    dslab_sim_destroy(sim);
    if (m->rec.end_ns < s->duration_ns) {
        m->rec.end_ns = s->duration_ns;
    }
    int64_t mean = dslab_latency_mean_ns(&s->network.link.latency);
    rec_finalize(&m->rec, mean > 0 ? mean / 2 : DSLAB_NS_PER_MS);
    m->rerun_ms = host_ms() - t0;
    return rc;
}

int viz_model_init(struct viz_model *m, struct dslab_scenario *s, uint64_t seed, struct dslab_diag *diag) {
    memset(m, 0, sizeof *m);
    m->scenario = s;
    m->seed = seed;
    m->orig_faults = s->faults;
    m->orig_faults_count = s->faults_count;
    m->faults_count = s->faults_count;
    m->faults = viz_grow(NULL, &m->faults_cap, s->faults_count + 1, sizeof *m->faults);
    if (s->faults_count > 0) {
        memcpy(m->faults, s->faults, (size_t)s->faults_count * sizeof *m->faults);
    }
    s->faults = m->faults;
    m->describe = calloc((size_t)(s->nodes_count > 0 ? s->nodes_count : 1), sizeof *m->describe);
    if (!m->describe) {
        abort();
    }
    if (s->nodes_count <= VIZ_LINKS_NODES_MAX) {
        m->link_up = malloc((size_t)s->nodes_count * (size_t)s->nodes_count + 1);
        if (!m->link_up) {
            abort();
        }
        memset(m->link_up, 1, (size_t)s->nodes_count * (size_t)s->nodes_count + 1);
    }
    rec_init(&m->rec, s->nodes_count);
    if (full_run(m, diag) != 0) {
        viz_model_deinit(m);
        return -1;
    }
    viz_model_seek(m, 0);
    return 0;
}

void viz_model_deinit(struct viz_model *m) {
    cursor_reset(m);
    if (m->scenario) {
        m->scenario->faults = m->orig_faults;
        m->scenario->faults_count = m->orig_faults_count;
    }
    for (int32_t i = 0; i < m->groups_count; i++) {
        free(m->groups[i]);
    }
    free(m->groups);
    free(m->faults);
    free(m->describe);
    free(m->link_up);
    rec_free(&m->rec);
    memset(m, 0, sizeof *m);
}

int viz_model_rerun(struct viz_model *m, struct dslab_diag *diag) {
    int64_t now = m->now_ns;
    cursor_reset(m);
    if (full_run(m, diag) != 0) {
        return -1;
    }
    viz_model_seek(m, now);
    return 0;
}

static void refresh_cursor_views(struct viz_model *m) {
    int32_t n = m->scenario->nodes_count;
    for (int32_t i = 0; i < n; i++) {
        m->describe[i][0] = '\0';
        if (m->cursor) {
            dslab_sim_node_describe(m->cursor, i, m->describe[i], sizeof m->describe[i]);
        }
    }
    m->any_link_down = false;
    if (!m->link_up || !m->cursor) {
        return;
    }
    for (int32_t a = 0; a < n; a++) {
        for (int32_t b = 0; b < n; b++) {
            bool up = a == b || dslab_sim_link_up(m->cursor, a, b);
            m->link_up[a * n + b] = up;
            if (!up) {
                m->any_link_down = true;
            }
        }
    }
}

static void cursor_to(struct viz_model *m, int64_t t_ns) {
    if (m->cursor && dslab_sim_now_ns(m->cursor) > t_ns) {
        cursor_reset(m);
    }
    if (!m->cursor) {
        struct dslab_diag d;
        dslab_diag_clear(&d);
        m->cursor = dslab_sim_create(m->scenario, m->seed, &d);
        if (!m->cursor) {
            return; /* the full run succeeded with the same input: cannot happen */
        }
    }
    dslab_sim_run(m->cursor, t_ns, 0);
    refresh_cursor_views(m);
}

void viz_model_seek(struct viz_model *m, int64_t t_ns) {
    if (t_ns < 0) t_ns = 0;
    if (t_ns > m->rec.end_ns) t_ns = m->rec.end_ns;
    m->now_ns = t_ns;
    m->ev_count = rec_events_until(&m->rec, t_ns);
    cursor_to(m, t_ns);
}

void viz_model_seek_event(struct viz_model *m, int32_t ev_count) {
    if (ev_count < 0) ev_count = 0;
    if (ev_count > m->rec.events_count) ev_count = m->rec.events_count;
    m->ev_count = ev_count;
    m->now_ns = ev_count > 0 ? m->rec.events[ev_count - 1].t_ns : 0;
    cursor_to(m, m->now_ns);
}

int viz_model_intervene(struct viz_model *m, const struct dslab_fault *f, struct dslab_diag *diag) {
    struct dslab_scenario *s = m->scenario;
    struct dslab_fault nf = *f;
    nf.at_ns = m->now_ns;
    nf.pos.line = 0;
    nf.pos.col = 0;
    if (nf.kind == DSLAB_FAULT_PARTITION && nf.shape == DSLAB_PARTITION_GROUPS && nf.group_of_node) {
        int32_t *g = malloc((size_t)s->nodes_count * sizeof *g);
        if (!g) {
            abort();
        }
        memcpy(g, nf.group_of_node, (size_t)s->nodes_count * sizeof *g);
        *VIZ_PUSH(m->groups, m->groups_count, m->groups_cap) = g;
        nf.group_of_node = g;
    }
    /* After every fault at or before now: file order breaks ties. */
    int32_t at = m->faults_count;
    while (at > 0 && m->faults[at - 1].at_ns > nf.at_ns) {
        at--;
    }
    m->faults = viz_grow(m->faults, &m->faults_cap, m->faults_count + 1, sizeof *m->faults);
    memmove(&m->faults[at + 1], &m->faults[at],
            (size_t)(m->faults_count - at) * sizeof *m->faults);
    m->faults[at] = nf;
    m->faults_count++;
    s->faults = m->faults;
    s->faults_count = m->faults_count;
    if (m->interventions_count == 0 || nf.at_ns < m->first_intervention_ns) {
        m->first_intervention_ns = nf.at_ns;
    }
    m->interventions_count++;
    return viz_model_rerun(m, diag);
}

long long viz_model_events_processed(const struct viz_model *m) {
    const struct dslab_sim_stats *st = m->cursor ? dslab_sim_get_stats(m->cursor) : NULL;
    return st ? (long long)st->events : 0;
}

bool viz_model_narration_stale(const struct viz_model *m, int32_t ev_index) {
    if (m->interventions_count == 0 || ev_index < 0 || ev_index >= m->rec.events_count) return false;
    return m->rec.events[ev_index].t_ns >= m->first_intervention_ns;
}

int viz_model_save(struct viz_model *m, const char *path, struct dslab_diag *diag) {
    uint64_t seed = m->scenario->seed;
    m->scenario->seed = m->seed;
    int rc = dslab_scenario_save(m->scenario, path, diag);
    m->scenario->seed = seed;
    return rc;
}

/* The trace goes through dslab/outfile.h: a temporary renamed over PATH
 * when complete (a crash or a full disk never leaves a half-written
 * trace), or straight to a device or FIFO. */
int viz_model_write_trace(struct viz_model *m, const char *path, struct dslab_diag *diag) {
    struct dslab_outfile out;
    if (dslab_outfile_open(&out, path, diag) < 0) return -1;
    FILE *f = out.f;
    struct dslab_sim *sim = dslab_sim_create(m->scenario, m->seed, diag);
    if (!sim) {
        dslab_outfile_abort(&out);
        return -1;
    }
    struct dslab_trace_writer w;
    dslab_trace_writer_init(&w, f, DSLAB_TRACE_FORMAT_JSONL, (const char(*)[32])m->scenario->node_names,
                      m->scenario->nodes_count);
    dslab_sim_add_sink(sim, dslab_trace_writer_sink, &w);
    struct dslab_trace_hasher hasher;
    dslab_trace_hasher_init(&hasher, (const char(*)[32])m->scenario->node_names, m->scenario->nodes_count);
    dslab_sim_add_sink(sim, dslab_trace_hasher_sink, &hasher);
    dslab_sim_run(sim, m->scenario->duration_ns, 0);
    dslab_sim_finish(sim);
    dslab_outfile_note_error(&out, dslab_trace_writer_finish(&w));
    dslab_sim_destroy(sim);
    if (dslab_outfile_commit(&out, diag) < 0) return -1;
    /* The run on screen was recorded in chunks with interventions re-run:
     * it must be the very run a replay gives. */
    if (hasher.hash != m->trace_hash) {
        return dslab_diag_set(diag, path, 0, 0,
                        "internal error: the session shown (hash %016llx) differs from its "
                        "replay (hash %016llx)",
                        (unsigned long long)m->trace_hash, (unsigned long long)hasher.hash);
    }
    return 0;
}

const char *viz_model_node_name(const struct viz_model *m, int32_t node) {
    if (node < 0 || node >= m->scenario->nodes_count) {
        return "?";
    }
    return m->scenario->node_names[node];
}

bool viz_model_link_up(const struct viz_model *m, int32_t from, int32_t to) {
    int32_t n = m->scenario->nodes_count;
    if (!m->link_up || from < 0 || to < 0 || from >= n || to >= n) {
        return true;
    }
    return m->link_up[from * n + to] != 0;
}
