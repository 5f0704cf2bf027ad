/* operate.c: grading an `operate` answer, the operator's actions during
 * an incident (docs/EXERCISE_FORMAT.md, "Operating during an incident").
 *
 * The answer is a list of actions in the visualiser's vocabulary
 * (dslab/action.h), "3s:deploy:n1:1". The grade, in order:
 *   - more actions than the budget: fails (the count is part of the skill);
 *   - an action before the alert: fails (nobody acts on what has not fired);
 *   - the scenario runs with the actions added as faults at their times, at
 *     each of the question's seeds, with the question's safety checks and
 *     its goals (what "recovered" means, e.g. an SLO after the alert):
 *     passes when every check and goal holds on every seed.
 * A failing answer that takes every action of a declared tempting list
 * (times aside) gets that list's feedback first. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/time.h"
#include "grade_internal.h"
#include "dslab/yaml_tree.h"

/* Upper bound on the items of an answer before it is malformed (the
 * budget is judged by the grade, with feedback; this only bounds work). */
#define OPERATE_ANSWER_ITEMS_MAX 256

int gr_operate_check_answer(const char *file, const struct dslab_ynode *v, struct dslab_diag *d) {
    const char *shape = "a list of actions like [\"3s:restart:n1\", \"3.2s:deploy:n2:1\"] (TIME:VERB[:A[:B]])";
    if (v->kind == DSLAB_YNODE_MAPPING) return dslab_ytree_error(d, file, v, "expected %s", shape);
    if (v->kind == DSLAB_YNODE_SEQUENCE && v->count > OPERATE_ANSWER_ITEMS_MAX) {
        return dslab_ytree_error(d, file, v, "%d actions: at most %d", v->count, OPERATE_ANSWER_ITEMS_MAX);
    }
    const struct dslab_ynode *i = v->kind == DSLAB_YNODE_SEQUENCE ? v->first : v;
    for (; i; i = v->kind == DSLAB_YNODE_SEQUENCE ? i->next : NULL) {
        if (dslab_ytree_expect_scalar(d, file, i, shape) < 0) return -1;
        struct dslab_action a;
        struct dslab_diag inner;
        dslab_diag_clear(&inner);
        if (dslab_action_parse(i->text, &a, &inner) != 0) return dslab_ytree_error(d, file, i, "%s", inner.message);
    }
    return 0;
}

static bool same_action(const struct dslab_action *a, const struct dslab_action *b) {
    return strcmp(a->verb, b->verb) == 0 && strcmp(a->node, b->node) == 0 && strcmp(a->arg, b->arg) == 0;
}

/* The declared tempting list the answer takes all of (the longest such), or NULL. */
static const struct tempting_acts *tempting_of(const struct question *q, const struct dslab_action *a, int n) {
    const struct tempting_acts *best = NULL;
    for (int t = 0; t < q->tempting_count; t++) {
        const struct tempting_acts *ta = &q->tempting[t];
        bool all = true;
        for (int k = 0; k < ta->count && all; k++) {
            bool found = false;
            for (int i = 0; i < n && !found; i++) found = same_action(&ta->acts[k], &a[i]);
            all = found;
        }
        if (all && (!best || ta->count > best->count)) best = ta;
    }
    return best;
}

/* The answer as text for reports: "3s:deploy:n1:1, 3s:deploy:n2:1". */
static void describe(const struct dslab_action *a, int n, char *out, size_t size) {
    size_t used = 0;
    out[0] = 0;
    for (int i = 0; i < n && used < size; i++) {
        char one[DSLAB_ACTION_TEXT_MAX + 40];
        dslab_action_format(&a[i], one, (int)sizeof one);
        int w = snprintf(out + used, size - used, "%s%s", i ? ", " : "", one);
        if (w < 0 || (size_t)w >= size - used) {
            if (size > 4) snprintf(out + size - 4, 4, "...");
            return;
        }
        used += (size_t)w;
    }
    if (n == 0) snprintf(out, size, "(no action)");
}

/* The scenario's faults and the actions', sorted by time (stable: the
 * scenario's first at equal times, then the actions in answer order). */
static struct dslab_fault *merged_faults(const struct dslab_scenario *s, const struct dslab_fault *f, int n) {
    int total = s->faults_count + n;
    struct dslab_fault *all = calloc((size_t)total + 1, sizeof *all);
    if (!all) return NULL;
    int i = 0, k = 0, o = 0;
    while (i < s->faults_count || k < n) {
        if (k >= n || (i < s->faults_count && s->faults[i].at_ns <= f[k].at_ns)) all[o++] = s->faults[i++];
        else all[o++] = f[k++];
    }
    return all;
}

/* Sorts actions by time, stably (insertion sort: at most 256). */
static void sort_by_time(struct dslab_action *a, int n) {
    for (int i = 1; i < n; i++) {
        struct dslab_action x = a[i];
        int j = i - 1;
        while (j >= 0 && a[j].at_ns > x.at_ns) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = x;
    }
}

/* Runs the seeds; writes the first failure into qg. 0 (qg->pass set), or -1. */
static int run_seeds(struct grade_ctx *g, struct question_grade *qg, struct fixed_scenario *f) {
    const struct question *q = qg->q;
    int failed = 0;
    char first[700] = "";
    uint64_t first_seed = 0;
    bool first_goal = false;
    for (int i = 0; i < q->seeds_count; i++) {
        uint64_t seed = q->seeds_from + (uint64_t)i;
        struct run_outcome o;
        f->sc.events_max = GRADER_RUN_EVENTS_MAX;
        if (grader_run_loaded(&f->sc, seed, &o, g->diag) < 0) {
            grader_run_outcome_free(&o);
            return -1;
        }
        int bad = o.ran ? grader_run_outcome_first_failure(&o) : -1;
        if (!o.ran || bad >= 0) {
            if (failed++ == 0) {
                first_seed = seed;
                if (!o.ran) {
                    snprintf(first, sizeof first, "%.600s", o.error);
                } else {
                    const struct dslab_check_result *cr = &o.checks[bad];
                    const char *args = f->sc.checks[bad].args ? f->sc.checks[bad].args : "";
                    first_goal = bad >= f->goals_first;
                    snprintf(first, sizeof first, "%s%s%.100s: %.400s", cr->name, args[0] ? ": " : "", args,
                             cr->violations_count ? cr->violations[0].message : cr->summary);
                }
            }
        }
        grader_run_outcome_free(&o);
    }
    if (failed == 0) {
        qg->pass = true;
        gr_feedback(qg, "Recovered: the goals and the safety checks hold on %s%d seed%s (%" PRIu64 "..%" PRIu64 ").",
                    q->seeds_count > 1 ? "all " : "", q->seeds_count, q->seeds_count > 1 ? "s" : "", q->seeds_from,
                    q->seeds_from + (uint64_t)q->seeds_count - 1);
    } else if (first_goal) {
        gr_feedback(qg, "Not recovered in time: on %d of %d seed%s a goal fails. First: seed %" PRIu64 ": %s", failed,
                    q->seeds_count, q->seeds_count > 1 ? "s" : "", first_seed, first);
    } else {
        gr_feedback(qg, "Your actions break what must hold: on %d of %d seed%s a safety check fails. First: seed %" PRIu64
                    ": %s", failed, q->seeds_count, q->seeds_count > 1 ? "s" : "", first_seed, first);
    }
    return 0;
}

/* Positions an error at the i-th item of the answer. */
static const struct dslab_ynode *item_at(const struct dslab_ynode *v, int i) {
    if (v->kind != DSLAB_YNODE_SEQUENCE) return v;
    const struct dslab_ynode *it = v->first;
    for (int k = 0; k < i && it; k++) it = it->next;
    return it ? it : v;
}

/* Where an error about action i goes: its item with `rules` (an operate
 * answer lists the actions), else the answer (a runbook's actions come
 * from its steps). */
static const struct dslab_ynode *pos_of(const struct dslab_ynode *v, int i, bool rules) {
    return rules ? item_at(v, i) : v;
}

int gr_operate_run(struct grade_ctx *g, const struct dslab_ynode *v, struct question_grade *qg, struct dslab_action *acts,
                   int n, bool rules) {
    const struct question *q = qg->q;
    struct dslab_fault *faults = calloc((size_t)n + 1, sizeof *faults);
    struct fixed_scenario f;
    memset(&f, 0, sizeof f);
    int32_t *groups = NULL;
    int rc = -1, bad = -1;
    if (!faults) {
        dslab_diag_set(g->diag, g->a->path, 0, 0, "out of memory");
        goto out;
    }
    struct dslab_diag inner;
    dslab_diag_clear(&inner);
    if (gr_fixed_scenario_build(g->scenario_path, q, NULL, 0, &f, &inner, &bad) < 0) {
        dslab_diag_set(g->diag, g->e->path, q->pos.line, q->pos.col, "%s", inner.message);
        goto out;
    }
    /* Node names and values against the scenario; then the rules. The
     * answer's order is kept for errors; the runs take them by time. */
    groups = calloc((size_t)n * (size_t)f.sc.nodes_count + 1, sizeof *groups);
    if (!groups) {
        dslab_diag_set(g->diag, g->a->path, 0, 0, "out of memory");
        goto out;
    }
    int64_t earliest = INT64_MAX;
    int early = -1;
    for (int i = 0; i < n; i++) {
        char t[40], text[DSLAB_ACTION_TEXT_MAX + 40];
        dslab_action_format(&acts[i], text, (int)sizeof text);
        if (dslab_action_to_fault(&f.sc, &acts[i], &faults[i], groups + (size_t)i * (size_t)f.sc.nodes_count, &inner) != 0) {
            dslab_ytree_error(g->diag, g->a->path, pos_of(v, i, rules), "%s", inner.message);
            goto out;
        }
        if (acts[i].at_ns >= f.sc.duration_ns) {
            dslab_ytree_error(g->diag, g->a->path, pos_of(v, i, rules), "action '%s' is not before the end of the run (%s)",
                              text, dslab_time_format_s(f.sc.duration_ns, t, sizeof t));
            goto out;
        }
        if (acts[i].at_ns < earliest) earliest = acts[i].at_ns, early = i;
    }
    rc = 0;
    char t1[40], t2[40];
    if (rules && n > q->budget_actions) {
        gr_feedback(qg, "%d actions, over the budget of %d: at 2 AM every action is a risk of its own; find the few "
                    "that matter.", n, q->budget_actions);
    } else if (rules && n > 0 && earliest < q->alert_at_ns) {
        gr_feedback(qg, "Your action '%s' comes at %s, before the alert at %s: an operator cannot respond to what has "
                    "not fired yet.", item_at(v, early)->text, dslab_time_format_s(earliest, t1, sizeof t1),
                    dslab_time_format_s(q->alert_at_ns, t2, sizeof t2));
    } else {
        if (n == 0) gr_feedback(qg, "You did nothing: this is the incident left to run its course.");
        /* Stable by time; faults[] follows acts[] through the sort. */
        struct dslab_fault *sorted = calloc((size_t)n + 1, sizeof *sorted);
        int *order = calloc((size_t)n + 1, sizeof *order);
        if (!sorted || !order) {
            free(sorted);
            free(order);
            rc = dslab_diag_set(g->diag, g->a->path, 0, 0, "out of memory");
            goto out;
        }
        for (int i = 0; i < n; i++) order[i] = i;
        for (int i = 1; i < n; i++) { /* insertion sort, stable */
            int x = order[i], j = i - 1;
            while (j >= 0 && faults[order[j]].at_ns > faults[x].at_ns) {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = x;
        }
        for (int i = 0; i < n; i++) sorted[i] = faults[order[i]];
        free(order);
        struct dslab_fault *all = merged_faults(&f.sc, sorted, n);
        free(sorted);
        if (!all) {
            rc = dslab_diag_set(g->diag, g->a->path, 0, 0, "out of memory");
            goto out;
        }
        const struct dslab_fault *saved = f.sc.faults;
        int saved_count = f.sc.faults_count;
        f.sc.faults = all;
        f.sc.faults_count = saved_count + n;
        rc = run_seeds(g, qg, &f);
        f.sc.faults = (struct dslab_fault *)saved;
        f.sc.faults_count = saved_count;
        free(all);
    }
    qg->score_milli = qg->pass ? q->points * 1000 : 0;
out:
    gr_fixed_scenario_free(&f);
    free(groups);
    free(faults);
    return rc;
}

int gr_grade_operate(struct grade_ctx *g, const struct dslab_ynode *v, struct question_grade *qg) {
    const struct question *q = qg->q;
    if (q->runbook) return gr_grade_runbook(g, v, qg);
    int n = v->kind == DSLAB_YNODE_SEQUENCE ? v->count : 1;
    struct dslab_action *acts = calloc((size_t)n + 1, sizeof *acts);
    if (!acts) return dslab_diag_set(g->diag, g->a->path, 0, 0, "out of memory");
    for (int i = 0; i < n; i++) {
        struct dslab_diag inner;
        if (dslab_action_parse(item_at(v, i)->text, &acts[i], &inner) != 0) { /* checked when loaded */
            dslab_ytree_error(g->diag, g->a->path, item_at(v, i), "%s", inner.message);
            free(acts);
            return -1;
        }
    }
    char text[256];
    describe(acts, n, text, sizeof text);
    snprintf(qg->answer, sizeof qg->answer, "%s", text);
    int rc = gr_operate_run(g, v, qg, acts, n, true);
    if (rc == 0 && !qg->pass) {
        sort_by_time(acts, n);
        const struct tempting_acts *ta = tempting_of(q, acts, n);
        if (ta) {
            qg->misconception = ta->feedback; /* class reports count it like a misconception */
            gr_feedback_first(qg, ta->feedback);
        }
    }
    free(acts);
    return rc;
}
