/* grade_fix.c: a fix question, graded adversarially.
 *
 * A fix passes only if, with the learner's parameters applied as typed
 * values (fix_apply.c):
 *   (a) the exercise's safety checks hold on every seed of the question,
 *   (b) its liveness goals hold on every seed too (a leader within X, a
 *       share of client operations ok, an SLO): a fix that stops the
 *       system to keep it safe is not a fix;
 *   (c) a bounded explore of the fixed design (the question's `stress`:
 *       faults of the exercise's kinds, with magnitudes beyond the
 *       scenario's) finds no counterexample. When it finds one, the
 *       shrinker of sim/explore reduces it and the reproducer is saved
 *       next to the answers file, so the learner can watch it in
 *       `dslab viz`.
 * A failing fix that sets the same parameters as a degenerate fix the
 * author declared also gets that fix's feedback. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/time.h"
#include "dslab/explore_engine.h"
#include "grade_internal.h"
#include "dslab/yaml_tree.h"

/* The first failure of a set of checks over the seeds. */
struct seed_failures {
    int seeds_failed;
    uint64_t first_seed;
    char first[600];
};

static void note_failure(struct seed_failures *sf, uint64_t seed, const char *fmt, const char *a, const char *b)
    __attribute__((format(printf, 3, 0)));
static void note_failure(struct seed_failures *sf, uint64_t seed, const char *fmt, const char *a, const char *b) {
    if (sf->seeds_failed++ == 0) {
        sf->first_seed = seed;
        /* A long message is cut, and says so. */
        if (snprintf(sf->first, sizeof sf->first, fmt, a, b) >= (int)sizeof sf->first) {
            memcpy(sf->first + sizeof sf->first - 4, "...", 4);
        }
    }
}

/* The simulated events a grade may still spend (GRADER_GRADE_EVENTS_MAX):
 * a fix that makes every run enormous (a timer firing every nanosecond)
 * fails in bounded time instead of grading for hours. Events, not wall
 * time, so the verdict is the same on every machine. */
struct events_budget {
    int64_t remaining;
    bool exhausted;
    int64_t largest_run;     /* the most events one run of this grade took */
};

static int64_t run_cap(const struct events_budget *b) {
    return b->remaining < GRADER_RUN_EVENTS_MAX ? b->remaining : GRADER_RUN_EVENTS_MAX;
}

static void spend(struct events_budget *b, uint64_t events, bool stopped_by_budget) {
    b->remaining -= (int64_t)events;
    if ((int64_t)events > b->largest_run) b->largest_run = (int64_t)events;
    if (stopped_by_budget || b->remaining <= 0) b->exhausted = true;
}

/* The learner's fix as typed values; -1 with g->diag at the bad value. */
static int parse_answer(struct grade_ctx *g, const struct dslab_ynode *v, struct fix_value **out, int *count) {
    *out = calloc((size_t)v->count + 1, sizeof **out);
    *count = 0;
    if (!*out) return dslab_ytree_error(g->diag, g->a->path, v, "out of memory");
    for (const struct dslab_ynode *k = v->first; k; k = k->next) {
        char err[400];
        if (grader_fix_parse_value(k->text, k->value->text, &(*out)[*count], err, (int)sizeof err) < 0) {
            return dslab_ytree_error(g->diag, g->a->path, k->value, "%s", err);
        }
        (*count)++;
    }
    return 0;
}

static const struct dslab_ynode *value_node(const struct dslab_ynode *v, int index) {
    const struct dslab_ynode *k = v->first;
    for (int i = 0; k && i < index; i++) k = k->next;
    return k ? k->value : v;
}

/* "protocol.lease=2s, protocol.fencing=true" for feedback and reports. */
static void describe_fix(const struct dslab_ynode *v, char *buf, size_t size) {
    size_t used = 0;
    buf[0] = 0;
    for (const struct dslab_ynode *k = v->first; k && used < size; k = k->next) {
        int n = snprintf(buf + used, size - used, "%s%s=%s", used ? ", " : "", k->text, k->value->text);
        if (n < 0 || (size_t)n >= size - used) {
            if (size > 4) snprintf(buf + size - 4, 4, "...");
            return;
        }
        used += (size_t)n;
    }
}

/* (a) and (b): every seed of the question. */
static int run_seeds(struct grade_ctx *g, const struct question *q, struct fixed_scenario *f,
                     struct seed_failures *safety, struct seed_failures *goals, struct events_budget *b) {
    for (int i = 0; i < q->seeds_count && !b->exhausted; i++) {
        uint64_t seed = q->seeds_from + (uint64_t)i;
        struct run_outcome o;
        f->sc.events_max = run_cap(b);
        if (grader_run_loaded(&f->sc, seed, &o, g->diag) < 0) {
            grader_run_outcome_free(&o);
            return -1;
        }
        spend(b, o.events, o.budget_exhausted);
        if (b->exhausted) {
            grader_run_outcome_free(&o);
            break;
        }
        bool safe_noted = !o.ran, goal_noted = false;
        if (!o.ran) note_failure(safety, seed, "%s%s", o.error, "");
        for (int c = 0; c < o.checks_count; c++) {
            const struct dslab_check_result *cr = &o.checks[c];
            if (cr->verdict == DSLAB_CHECK_PASS) continue;
            const char *why = cr->violations_count ? cr->violations[0].message : cr->summary;
            if (c < f->goals_first && !safe_noted) {
                note_failure(safety, seed, "%s: %s", cr->name, why);
                safe_noted = true;
            } else if (c >= f->goals_first && !goal_noted) {
                char text[300];
                snprintf(text, sizeof text, "%s %s", cr->name, f->sc.checks[c].args);
                note_failure(goals, seed, "%s failed: %s", text, why);
                goal_noted = true;
            }
        }
        /* One failure per kind per seed is counted (note_failure counts calls). */
        grader_run_outcome_free(&o);
    }
    return 0;
}

/* The checks the stress judges, as explore's bit mask. */
static uint64_t stress_mask(const struct question *q, const struct fixed_scenario *f) {
    uint64_t mask = 0;
    if (q->stress.checks_count == 0) {
        for (int i = 0; i < f->goals_first && i < DSLAB_EXPLORE_CHECKS_MAX; i++) mask |= UINT64_C(1) << i;
        return mask;
    }
    for (int i = 0; i < q->stress.checks_count; i++) {
        int k = gr_fixed_scenario_check_index(f, q->stress.checks[i]);
        if (k >= 0 && k < DSLAB_EXPLORE_CHECKS_MAX) mask |= UINT64_C(1) << k;
    }
    return mask;
}

/* The reproducer's path: next to the answers file, ID.QUESTION.counterexample.yaml. */
static void counterexample_path(const struct grade_ctx *g, const struct question *q, char *out, size_t size) {
    const char *slash = strrchr(g->a->path, '/');
    if (slash) snprintf(out, size, "%.*s/%s.%s.counterexample.yaml", (int)(slash - g->a->path), g->a->path, g->e->id, q->id);
    else snprintf(out, size, "%s.%s.counterexample.yaml", g->e->id, q->id);
}

/* Shrinks the failing schedule of `seed`, saves it and writes the feedback. */
static int report_counterexample(struct grade_ctx *g, struct question_grade *qg, const struct dslab_scenario *sc,
                                 uint64_t seed, const struct dslab_explore_schedule *sch, int check,
                                 const char *fix_text, int shrink_runs) {
    const struct question *q = qg->q;
    struct dslab_explore_shrink_result res;
    memset(&res, 0, sizeof res);
    struct dslab_diag inner;
    dslab_diag_clear(&inner);
    char when[32], desc[200], path[1200];
    if (shrink_runs < 1 || dslab_explore_shrink(sc, seed, sch, check, shrink_runs, &res, &inner) < 0) {
        dslab_explore_shrink_result_free(&res);
        gr_feedback(qg, "Your fix (%s) survives the scenario's faults, but not faults beyond them: with explore seed %" PRIu64
           " %s fails.", fix_text, seed, sc->checks[check].name);
        return 0;
    }
    gr_feedback(qg, "Your fix (%s) survives the scenario's faults, but not harsher faults of the same kinds; this "
       "schedule breaks it:", fix_text);
    for (int i = 0; i < res.final.sc.faults_count; i++) {
        dslab_explore_fault_describe(&res.final.sc, &res.final.sc.faults[i], desc, (int)sizeof desc);
        gr_feedback(qg, "%s%s", desc, i + 1 < res.final.sc.faults_count ? ";" : ".");
    }
    /* One more run of the reproducer, for the checker's own words. */
    struct run_outcome o;
    const char *args = sc->checks[check].args ? sc->checks[check].args : "";
    dslab_diag_clear(&inner);
    if (grader_run_loaded(&res.final.sc, seed, &o, &inner) == 0 && check < o.checks_count &&
        o.checks[check].violations_count > 0) {
        gr_feedback(qg, "%s%s%s fails at t=%s: %s.", sc->checks[check].name, args[0] ? ": " : "", args,
           dslab_time_format_s(o.checks[check].violations[0].from_ns, when, sizeof when), o.checks[check].violations[0].message);
    } else {
        gr_feedback(qg, "%s%s%s fails at t=%s.", sc->checks[check].name, args[0] ? ": " : "", args,
           dslab_time_format_s(res.violation_ns, when, sizeof when));
    }
    grader_run_outcome_free(&o);
    counterexample_path(g, q, path, sizeof path);
    res.final.sc.seed = seed;
    dslab_diag_clear(&inner);
    if (dslab_scenario_save(&res.final.sc, path, &inner) == 0) {
        gr_feedback(qg, "Watch it: dslab viz %s", path);
    } else {
        gr_feedback(qg, "(The reproducer could not be saved: %s; it is explore seed %" PRIu64 ".)", inner.message, seed);
    }
    dslab_explore_shrink_result_free(&res);
    return 0;
}

/* Drops the drawn episodes about nodes outside stress.nodes (the
 * scenario's own faults stay). */
static void keep_stress_nodes(const struct question *q, const struct dslab_scenario *s, struct dslab_explore_schedule *sch) {
    if (q->stress.nodes_count == 0) return;
    for (int i = 0; i < sch->count;) {
        const struct dslab_explore_episode *ep = &sch->eps[i];
        bool keep = ep->kind == DSLAB_EXPLORE_EPISODE_SCENARIO;
        for (int k = 0; k < q->stress.nodes_count && !keep; k++) {
            keep = ep->node >= 0 && ep->node < s->nodes_count && strcmp(s->node_names[ep->node], q->stress.nodes[k]) == 0;
        }
        if (keep) i++;
        else dslab_explore_schedule_remove(sch, i, 1);
    }
}

/* (c): returns 1 when a counterexample was found (feedback written), 0
 * when none, -1 on an error. */
static int run_stress(struct grade_ctx *g, struct question_grade *qg, const struct fixed_scenario *f,
                      const char *fix_text, struct events_budget *b) {
    const struct question *q = qg->q;
    struct dslab_scenario sc = f->sc;
    sc.explore = q->stress.bounds;
    sc.duration_ns = q->stress.duration_ns;
    uint64_t mask = stress_mask(q, f);
    enum dslab_explore_mode mode = q->stress.keep_scenario_faults ? DSLAB_EXPLORE_FAULTS_BOTH : DSLAB_EXPLORE_FAULTS_RANDOM;
    for (int i = 0; i < q->stress.seeds; i++) {
        uint64_t seed = (uint64_t)i + 1;
        struct dslab_explore_schedule sch;
        if (dslab_explore_draw(&sc, seed, mode, &sch) < 0) return dslab_diag_set(g->diag, g->e->path, 0, 0, "out of memory");
        keep_stress_nodes(q, &sc, &sch);
        struct dslab_explore_outcome out;
        sc.events_max = run_cap(b);
        if (dslab_explore_run(&sc, seed, &sch, &out, NULL, g->diag) < 0) {
            dslab_explore_schedule_free(&sch);
            return -1;
        }
        spend(b, out.events, out.status == DSLAB_SIM_EVENT_BUDGET);
        if (b->exhausted) {
            dslab_explore_schedule_free(&sch);
            return 0;
        }
        uint64_t failed = out.failed_mask & mask;
        if (failed) {
            int check = __builtin_ctzll(failed);
            /* Each shrinking run may take twice this run's events; the
             * runs are as many as the rest of the budget pays for. */
            sc.events_max = 2 * (int64_t)out.events + 1000;
            int64_t runs = b->remaining / sc.events_max;
            int rc = report_counterexample(g, qg, &sc, seed, &sch, check, fix_text,
                                           runs < GRADER_SHRINK_RUNS_MAX ? (int)runs : GRADER_SHRINK_RUNS_MAX);
            dslab_explore_schedule_free(&sch);
            return rc < 0 ? -1 : 1;
        }
        dslab_explore_schedule_free(&sch);
    }
    return 0;
}

/* How far a learner's value is from a declared one: 0 when equal; for
 * numbers the ratio's distance from 1 (so 10m is nearer 1h than 2s);
 * -1 when they cannot be compared (different words, kinds or faults):
 * then the declared fix is not the learner's. */
static double value_distance(const struct fix_value *a, const struct fix_value *b) {
    if (grader_fix_value_equal(a, b)) return 0;
    if (a->kind != b->kind) return -1;
    if (a->kind == FIXV_DURATION || a->kind == FIXV_INT) {
        double x = (double)(a->num > 0 ? a->num : 1), y = (double)(b->num > 0 ? b->num : 1);
        return x > y ? x / y - 1 : y / x - 1;
    }
    return -1;
}

/* The declared degenerate fix that sets the same parameters as the
 * learner, with the nearest values; NULL when none sets the same ones. */
static const struct degenerate_fix *degenerate_of(const struct question *q, const struct fix_value *v, int n) {
    const struct degenerate_fix *best = NULL;
    double best_distance = 0;
    for (int d = 0; d < q->degenerate_count; d++) {
        const struct degenerate_fix *df = &q->degenerate[d];
        if (df->set_count != n) continue;
        int same = 0;
        double distance = 0;
        bool comparable = true;
        for (int i = 0; i < df->set_count; i++) {
            for (int k = 0; k < n; k++) {
                if (strcmp(df->set[i].path, v[k].path) != 0) continue;
                struct fix_value dv;
                char err[300];
                same++;
                double one = -1;
                if (grader_fix_parse_value(df->set[i].path, df->set[i].value, &dv, err, (int)sizeof err) == 0) {
                    one = value_distance(&v[k], &dv);
                }
                if (one < 0) comparable = false;
                else distance += one;
            }
        }
        if (same == n && comparable && (!best || distance < best_distance)) {
            best = df;
            best_distance = distance;
        }
    }
    return best;
}

int gr_grade_fix(struct grade_ctx *g, const struct dslab_ynode *v, struct question_grade *qg) {
    const struct question *q = qg->q;
    char fix_text[256];
    describe_fix(v, fix_text, sizeof fix_text);
    snprintf(qg->answer, sizeof qg->answer, "%s", fix_text);
    struct fix_value *vals = NULL;
    int n = 0;
    if (parse_answer(g, v, &vals, &n) < 0) {
        free(vals);
        return -1;
    }
    struct fixed_scenario f;
    struct dslab_diag inner;
    dslab_diag_clear(&inner);
    int bad = -1;
    if (gr_fixed_scenario_build(g->scenario_path, q, vals, n, &f, &inner, &bad) < 0) {
        gr_fixed_scenario_free(&f);
        free(vals);
        /* An error that names no parameter is about the only one given. */
        if (bad < 0 && n == 1) bad = 0;
        return dslab_ytree_error(g->diag, g->a->path, bad >= 0 ? value_node(v, bad) : v, "%s", inner.message);
    }
    if (n == 0) gr_feedback(qg, "You changed nothing: this is the unfixed design.");
    struct seed_failures safety = {0}, goals = {0};
    struct events_budget budget = {.remaining = GRADER_GRADE_EVENTS_MAX};
    int rc = run_seeds(g, q, &f, &safety, &goals, &budget);
    if (rc == 0 && budget.exhausted) {
        gr_feedback(qg, "Your fix makes the system do far too much work: grading it ran out of its budget of %" PRId64
           " simulated events (the largest run took %" PRId64 "; the unfixed design's take a few thousand). "
           "A timer firing far too often is not a fix.", GRADER_GRADE_EVENTS_MAX, budget.largest_run);
    } else if (rc == 0 && safety.seeds_failed > 0) {
        gr_feedback(qg, "The fix fails on %d of %d seeds. First: seed %" PRIu64 ": %s", safety.seeds_failed, q->seeds_count,
           safety.first_seed, safety.first);
    } else if (rc == 0 && goals.seeds_failed > 0) {
        gr_feedback(qg, "Safe, but not a fix: the system must stay useful. On %d of %d seeds a goal fails. First: seed %" PRIu64
           ": %s", goals.seeds_failed, q->seeds_count, goals.first_seed, goals.first);
    } else if (rc == 0) {
        rc = run_stress(g, qg, &f, fix_text, &budget);
        if (rc == 0 && budget.exhausted) {
            gr_feedback(qg, "Your fix makes the system do far too much work under harsher faults: grading it ran out of "
               "its budget of %" PRId64 " simulated events (the largest run took %" PRId64 ").",
               GRADER_GRADE_EVENTS_MAX, budget.largest_run);
        } else if (rc == 0) {
            qg->pass = true;
            gr_feedback(qg, "The fix holds on all %d seeds (%" PRIu64 "..%" PRIu64 "), keeps its goals, and survived %d "
               "explored schedules of harsher faults.", q->seeds_count, q->seeds_from,
               q->seeds_from + (uint64_t)q->seeds_count - 1, q->stress.seeds);
        }
        rc = rc < 0 ? -1 : 0;
    }
    if (rc == 0 && !qg->pass) {
        const struct degenerate_fix *df = degenerate_of(q, vals, n);
        if (df) {
            qg->misconception = df->feedback; /* class reports count it like a misconception */
            gr_feedback_first(qg, df->feedback);
        }
    }
    qg->score_milli = qg->pass ? q->points * 1000 : 0;
    gr_fixed_scenario_free(&f);
    free(vals);
    return rc;
}
