/* declare.c: grading a `declare` answer (docs/EXERCISE_FORMAT.md,
 * "Declaring the assumptions").
 *
 * The learner's declarations replace the scenario's `assumptions:` and the
 * exercise's scenario runs at its seed with them armed as monitors; the
 * feedback always ends with what the run said of each: held, or broke at
 * T and why, set beside the first failing check (did the declaration warn
 * of it?). The verdict, independent of that report:
 *   - at most `max` declarations (declaring everything claims nothing);
 *   - every need declared, its bound within the author's MIN..MAX
 *     (looser than MAX is unsafe, tighter than MIN claims a weakness the
 *     design does not have);
 *   - a declaration beyond the needs is allowed, but it must hold in the
 *     scenario run without its faults: a bound the system's normal running
 *     already breaks (message_delay_below: 1ns) is no design's assumption.
 * A failing answer that makes a declared degenerate's mistake (same
 * monitors, each need on the same side of its range) gets its feedback
 * first. Runs: one, plus one without faults when there are extras. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/time.h"
#include "dslab/yaml_tree.h"
#include "grade_internal.h"
#include "grader_declare.h"

enum verdict { V_OK, V_TIGHT, V_LOOSE, V_EXTRA };

static const struct declare_need *need_of(const struct declare_question *dq, int monitor) {
    for (int i = 0; i < dq->needs_count; i++) {
        if (dq->needs[i].monitor == monitor) return &dq->needs[i];
    }
    return NULL;
}

static enum verdict verdict_of(const struct declare_question *dq, const struct declare_bound *b) {
    const struct declare_need *n = need_of(dq, b->monitor);
    if (!n) return V_EXTRA;
    return b->bound_ns < n->min_ns ? V_TIGHT : b->bound_ns > n->max_ns ? V_LOOSE : V_OK;
}

static const struct declare_bound *declared(const struct declare_set *s, int monitor) {
    for (int i = 0; i < s->count; i++) {
        if (s->items[i].monitor == monitor) return &s->items[i];
    }
    return NULL;
}

/* The same mistake: both declare more than `max`, or the same monitors,
 * each on the same side of its range. */
static bool same_mistake(const struct declare_question *dq, const struct declare_set *a, const struct declare_set *b) {
    if (a->count > dq->max_declared && b->count > dq->max_declared) return true;
    if (a->count != b->count) return false;
    for (int i = 0; i < a->count; i++) {
        const struct declare_bound *o = declared(b, a->items[i].monitor);
        if (!o || verdict_of(dq, o) != verdict_of(dq, &a->items[i])) return false;
    }
    return true;
}

static void arm(struct dslab_scenario_assumptions *a, const struct declare_set *s) {
    memset(a, 0, sizeof *a);
    for (int i = 0; i < s->count; i++) {
        int64_t b = s->items[i].bound_ns;
        const char *name = grader_declare_monitors[s->items[i].monitor].name;
        if (strcmp(name, "clock_skew_below") == 0) a->clock_skew_declared = true, a->clock_skew_below_ns = b;
        else if (strcmp(name, "message_delay_below") == 0) a->message_delay_declared = true, a->message_delay_below_ns = b;
        else if (strcmp(name, "pause_below") == 0) a->pause_declared = true, a->pause_below_ns = b;
        else if (strcmp(name, "majority_connected") == 0) a->majority_connected_declared = true, a->majority_connected = true;
        else a->no_power_loss_declared = true, a->no_power_loss = true;
    }
}

/* Runs the exercise's scenario at its seed with `s` armed (without its
 * faults when `faultless`). 0, or -1 with d. */
static int run_armed(const char *scenario_path, const struct exercise *e, const struct declare_set *s, bool faultless,
                     struct run_outcome *o, uint64_t *seed, struct dslab_diag *d) {
    memset(o, 0, sizeof *o);
    struct dslab_scenario *sc = dslab_scenario_load(scenario_path, NULL, 0, NULL, d);
    if (!sc) return -1;
    arm(&sc->assumptions, s);
    int saved = sc->faults_count;
    if (faultless) sc->faults_count = 0;
    *seed = e->seed_given ? e->seed : sc->seed;
    int rc = grader_run_loaded(sc, *seed, o, d);
    sc->faults_count = saved;
    dslab_scenario_free(sc);
    return rc;
}

static const struct dslab_assumption_state *state_of(const struct run_outcome *o, int monitor) {
    for (int i = 0; i < DSLAB_SIM_ASSUMPTIONS_COUNT; i++) {
        if (o->assumptions[i].name && strcmp(o->assumptions[i].name, grader_declare_monitors[monitor].name) == 0) return &o->assumptions[i];
    }
    return NULL;
}

/* The earliest violation of check `c` (index into its violations), or -1. */
static int first_violation(const struct dslab_check_result *c) {
    int first = -1;
    for (int i = 0; i < c->violations_count; i++) {
        if (first < 0 || c->violations[i].from_ns < c->violations[first].from_ns) first = i;
    }
    return first;
}

static const char *bound_text(const struct declare_bound *b, char *buf, int size) {
    if (grader_declare_monitors[b->monitor].is_flag) snprintf(buf, (size_t)size, "true");
    else dslab_time_format_duration(b->bound_ns, buf, size);
    return buf;
}

/* What the run said of each declaration, and of the first failing check. */
static void report(struct question_grade *qg, const struct declare_set *s, const struct run_outcome *o, uint64_t seed) {
    char t1[40], t2[40], b[40];
    int64_t first_break = -1;
    int first_break_m = -1;
    if (s->count == 0) gr_feedback(qg, "In the run (seed %" PRIu64 ") nothing was declared, so nothing warned you.", seed);
    else gr_feedback(qg, "In the run (seed %" PRIu64 ") with your declarations armed as monitors:", seed);
    for (int i = 0; i < s->count; i++) {
        const struct declare_bound *d = &s->items[i];
        const struct dslab_assumption_state *st = state_of(o, d->monitor);
        const char *name = grader_declare_monitors[d->monitor].name;
        bound_text(d, b, (int)sizeof b);
        if (st && st->violated) {
            gr_feedback(qg, "%s declared %s: %s; it broke at %s (%s)", i ? "You" : "you", name, b,
                        dslab_time_format_s(st->violated_at_ns, t1, sizeof t1), st->message);
            if (first_break < 0 || st->violated_at_ns < first_break) first_break = st->violated_at_ns, first_break_m = d->monitor;
        } else {
            gr_feedback(qg, "%s declared %s: %s; it held for the whole run", i ? "You" : "you", name, b);
        }
    }
    int f = grader_run_outcome_first_failure(o);
    if (f < 0) {
        gr_feedback(qg, "Every check held in this run.");
        return;
    }
    const struct dslab_check_result *c = &o->checks[f];
    int v = first_violation(c);
    if (v < 0) {
        gr_feedback(qg, "%s failed: %s.", c->name, c->summary);
        return;
    }
    /* A violation spans from when the damage starts to show (a stale read,
     * a write acknowledged that will be lost) to its end. */
    int64_t from_ns = c->violations[v].from_ns;
    int64_t to_ns = c->violations[v].to_ns > from_ns ? c->violations[v].to_ns : from_ns;
    const char *broke = first_break_m >= 0 ? grader_declare_monitors[first_break_m].name : "";
    if (first_break >= 0 && first_break <= from_ns) {
        gr_feedback(qg, "%s failed at %s, %s after %s broke: your declaration would have warned of it.", c->name,
                    dslab_time_format_s(from_ns, t1, sizeof t1), dslab_time_format_human(from_ns - first_break, t2, sizeof t2),
                    broke);
    } else if (first_break >= 0 && first_break <= to_ns) {
        gr_feedback(qg, "%s's first violation runs from %s to %s, and %s broke within it, at %s: your declaration "
                    "marks the moment it went wrong.", c->name, dslab_time_format_s(from_ns, t1, sizeof t1),
                    dslab_time_format_s(to_ns, t2, sizeof t2), broke, dslab_time_format_s(first_break, b, sizeof b));
    } else {
        gr_feedback(qg, "%s failed at %s and none of your declarations had broken by then: they did not see it coming.",
                    c->name, dslab_time_format_s(from_ns, t1, sizeof t1));
    }
}

int gr_grade_declare(struct grade_ctx *g, const struct dslab_ynode *v, struct question_grade *qg) {
    const struct question *q = qg->q;
    const struct declare_question *dq = q->declare;
    struct declare_set s;
    if (grader_declare_parse(g->a->path, v, &s, g->diag) < 0) return -1; /* checked when loaded */
    grader_declare_format(&s, qg->answer, (int)sizeof qg->answer);
    struct run_outcome o, clean;
    memset(&clean, 0, sizeof clean);
    uint64_t seed;
    if (run_armed(g->scenario_path, g->e, &s, false, &o, &seed, g->diag) < 0) return -1;
    int extras = 0;
    for (int i = 0; i < s.count; i++) extras += verdict_of(dq, &s.items[i]) == V_EXTRA;
    if (extras && run_armed(g->scenario_path, g->e, &s, true, &clean, &seed, g->diag) < 0) {
        grader_run_outcome_free(&o);
        return -1;
    }
    char b[40], t[40];
    bool pass = true;
    if (s.count > dq->max_declared) {
        pass = false;
        gr_feedback(qg, "You declared %d assumptions; this design rests on at most %d: a declaration says the design "
                    "breaks without it, and declaring everything tells the on-call nothing.", s.count, dq->max_declared);
    }
    for (int i = 0; i < dq->needs_count; i++) {
        const struct declare_need *n = &dq->needs[i];
        const struct declare_bound *d = declared(&s, n->monitor);
        const char *name = grader_declare_monitors[n->monitor].name;
        if (!d) {
            pass = false;
            gr_feedback(qg, "A load-bearing assumption is missing: %s", n->missing);
        } else if (d->bound_ns > n->max_ns) {
            pass = false;
            gr_feedback(qg, "With %s: %s the design would be unsafe while the declaration still held: %s", name,
                        bound_text(d, b, (int)sizeof b), n->loose);
        } else if (d->bound_ns < n->min_ns) {
            pass = false;
            gr_feedback(qg, "%s: %s is tighter than this design needs: it claims the design breaks at far less than it "
                        "survives; what in the design decides how much it tolerates?", name, bound_text(d, b, (int)sizeof b));
        }
    }
    for (int i = 0; i < s.count && extras; i++) {
        const struct declare_bound *d = &s.items[i];
        if (verdict_of(dq, d) != V_EXTRA) continue;
        const struct dslab_assumption_state *st = state_of(&clean, d->monitor);
        const char *name = grader_declare_monitors[d->monitor].name;
        if (st && st->violated) {
            pass = false;
            gr_feedback(qg, "%s: %s breaks even in the run without faults (at %s: %s): no design can rest on a bound "
                        "its normal running exceeds.", name, bound_text(d, b, (int)sizeof b),
                        dslab_time_format_s(st->violated_at_ns, t, sizeof t), st->message);
        } else {
            gr_feedback(qg, "%s is not one this design's safety rests on (allowed, within %d declarations).", name,
                        dq->max_declared);
        }
    }
    if (pass) gr_feedback_first(qg, "Right: these are the assumptions the design rests on, with bounds it can live with.");
    report(qg, &s, &o, seed);
    if (!pass) {
        for (int k = 0; k < dq->degenerate_count; k++) {
            if (!same_mistake(dq, &dq->degenerate[k].set, &s)) continue;
            qg->misconception = dq->degenerate[k].feedback; /* class reports count it like a misconception */
            gr_feedback_first(qg, dq->degenerate[k].feedback);
            break;
        }
    }
    qg->pass = pass;
    qg->score_milli = pass ? q->points * 1000 : 0;
    grader_run_outcome_free(&o);
    grader_run_outcome_free(&clean);
    return 0;
}

int grader_declare_model_breaks(const struct exercise *e, const struct question *q, int *broken, struct dslab_diag *d) {
    char path[1100];
    grader_exercise_scenario_path(e, e->scenario, path, (int)sizeof path);
    struct declare_set s;
    grader_declare_model(q, &s);
    struct run_outcome o;
    uint64_t seed;
    if (run_armed(path, e, &s, false, &o, &seed, d) < 0) return -1;
    *broken = 0;
    for (int i = 0; i < s.count; i++) {
        const struct dslab_assumption_state *st = state_of(&o, s.items[i].monitor);
        *broken += st && st->violated;
    }
    grader_run_outcome_free(&o);
    return 0;
}
