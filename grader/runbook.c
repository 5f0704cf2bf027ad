/* runbook.c: runbook-order questions, an `operate` question with `steps:`
 * (docs/EXERCISE_FORMAT.md "Runbook order").
 *
 *   steps:                         the runbook's steps, 2..8, in any order
 *     - { id: drain, text: "Shed all traffic at n1", act: ["0s:shed:n1:1"] }
 *   start: 3.1s                    when the first step runs (at or after the alert)
 *   every: 500ms                   the time between steps
 *   tempting: [{ order: [restore, drain, fix], feedback: ... }]   at least two
 *   solution: enc:...              the model order, step ids one a line
 *
 * The answer is the order, `[drain, fix, restore]`: step k of it runs at
 * start + k * every, each of its actions at that time plus the action's
 * own TIME (an offset). The run is graded as an operate answer (goals and
 * checks on every seed; operate.c), so an order passes when the system
 * recovers, not when it matches the solution; an order that leaves a step
 * out fails without a run. A failing order gets the
 * feedback of the tempting order whose inversions against the solution
 * ("restore before fix") it all makes (the one with most of them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/suggest.h"
#include "dslab/time.h"
#include "dslab/yaml_tree.h"
#include "grade_internal.h"

static int step_index(const struct runbook *r, const char *id) {
    for (int i = 0; i < r->steps_count; i++) {
        if (strcmp(r->steps[i].id, id) == 0) return i;
    }
    return -1;
}

/* An unknown step id: did you mean, or the list. */
static int unknown_step(struct dslab_diag *d, const char *file, const struct dslab_ynode *n, const struct runbook *r) {
    const char *ids[GRADER_RUNBOOK_STEPS_MAX];
    char all[400] = "";
    size_t used = 0;
    for (int i = 0; i < r->steps_count; i++) {
        ids[i] = r->steps[i].id;
        int w = snprintf(all + used, sizeof all - used, "%s%s", i ? ", " : "", ids[i]);
        if (w > 0 && (size_t)w < sizeof all - used) used += (size_t)w;
    }
    const char *near = dslab_suggest_nearest(n->text, ids, r->steps_count);
    if (near) return dslab_ytree_error(d, file, n, "unknown step '%s' (did you mean '%s'?)", n->text, near);
    return dslab_ytree_error(d, file, n, "unknown step '%s' (the steps: %s)", n->text, all);
}

/* An order (a list of step ids, each at most once) into out; its length,
 * or -1 with d at the item. */
static int parse_order(const char *file, const struct runbook *r, const struct dslab_ynode *v, int *out,
                       struct dslab_diag *d) {
    const char *shape = "the steps' ids in your order, like [drain, fix, restore]";
    if (v->kind == DSLAB_YNODE_MAPPING) return dslab_ytree_error(d, file, v, "expected %s", shape);
    if (v->kind == DSLAB_YNODE_SEQUENCE && v->count > r->steps_count) {
        return dslab_ytree_error(d, file, v, "%d steps: the runbook has %d", v->count, r->steps_count);
    }
    int n = 0;
    const struct dslab_ynode *i = v->kind == DSLAB_YNODE_SEQUENCE ? v->first : v;
    for (; i; i = v->kind == DSLAB_YNODE_SEQUENCE ? i->next : NULL) {
        if (dslab_ytree_expect_scalar(d, file, i, shape) < 0) return -1;
        int k = step_index(r, i->text);
        if (k < 0) return unknown_step(d, file, i, r);
        for (int j = 0; j < n; j++) {
            if (out[j] == k) return dslab_ytree_error(d, file, i, "step '%s' appears twice: each step runs once", i->text);
        }
        out[n++] = k;
    }
    return n;
}

int gr_runbook_check_answer(const char *file, const struct question *q, const struct dslab_ynode *v,
                            struct dslab_diag *d) {
    int order[GRADER_RUNBOOK_STEPS_MAX];
    return parse_order(file, q->runbook, v, order, d) < 0 ? -1 : 0;
}

/* Position of step k in order[0..n), or -1. */
static int pos_in(const int *order, int n, int k) {
    for (int i = 0; i < n; i++) {
        if (order[i] == k) return i;
    }
    return -1;
}

/* The actions of an order, at their times. Returns the count. */
static int order_actions(const struct runbook *r, const int *order, int n, struct dslab_action *out) {
    int count = 0;
    for (int k = 0; k < n; k++) {
        const struct runbook_step *st = &r->steps[order[k]];
        for (int a = 0; a < st->count; a++) {
            out[count] = st->acts[a];
            out[count].at_ns = r->start_ns + (int64_t)k * r->every_ns + st->acts[a].at_ns;
            count++;
        }
    }
    return count;
}

/* ---- loading ---------------------------------------------------------------- */

static int load_steps(struct exercise *e, struct runbook *r, const struct dslab_ynode *list, struct dslab_diag *d) {
    static const char *const keys[] = {"id", "text", "act"};
    if (dslab_ytree_expect_list(d, e->path, list, "a list of { id: drain, text: ..., act: [\"0s:shed:n1:1\"] }") < 0) return -1;
    if (list->count < 2 || list->count > GRADER_RUNBOOK_STEPS_MAX) {
        return dslab_ytree_error(d, e->path, list, "a runbook has 2 to %d steps (found %d)", GRADER_RUNBOOK_STEPS_MAX, list->count);
    }
    for (const struct dslab_ynode *i = list->first; i; i = i->next) {
        struct runbook_step *st = &r->steps[r->steps_count];
        const struct dslab_ynode *act;
        if (dslab_ytree_expect_mapping(d, e->path, i, "{ id: drain, text: ..., act: [\"0s:shed:n1:1\"] }") < 0 ||
            dslab_ytree_check_keys(d, e->path, i, keys, 3) < 0 || dslab_ytree_require_text(d, e->path, i, "id", &st->id) < 0 ||
            dslab_ytree_require_text(d, e->path, i, "text", &st->text) < 0 ||
            dslab_ytree_require(d, e->path, i, "act", &act) < 0) {
            return -1;
        }
        if (step_index(r, st->id) >= 0) return dslab_ytree_error(d, e->path, i, "two steps are called '%s'", st->id);
        if (dslab_ytree_expect_list(d, e->path, act, "a list of actions, each TIME:VERB[:A[:B]] with TIME the offset in the step") < 0) return -1;
        if (act->count < 1 || act->count > GRADER_RUNBOOK_STEP_ACTIONS_MAX) {
            return dslab_ytree_error(d, e->path, act, "a step has 1 to %d actions", GRADER_RUNBOOK_STEP_ACTIONS_MAX);
        }
        for (const struct dslab_ynode *a = act->first; a; a = a->next) {
            struct dslab_diag inner;
            dslab_diag_clear(&inner);
            if (dslab_ytree_expect_scalar(d, e->path, a, "an action like 0s:shed:n1:1") < 0) return -1;
            if (dslab_action_parse(a->text, &st->acts[st->count++], &inner) != 0) {
                return dslab_ytree_error(d, e->path, a, "%s", inner.message);
            }
        }
        r->steps_count++;
    }
    return 0;
}

/* The pairs (a before b in t) the solution has the other way round. */
static void inversions(const struct runbook *r, struct runbook_tempting *t) {
    t->pairs_count = 0;
    for (int i = 0; i < t->count; i++) {
        for (int j = i + 1; j < t->count; j++) {
            int pa = pos_in(r->solution, r->solution_count, t->order[i]);
            int pb = pos_in(r->solution, r->solution_count, t->order[j]);
            if (pa >= 0 && pb >= 0 && pa > pb) {
                t->pairs[t->pairs_count][0] = t->order[i];
                t->pairs[t->pairs_count][1] = t->order[j];
                t->pairs_count++;
            }
        }
    }
}

static int load_tempting(struct exercise *e, struct runbook *r, const struct dslab_ynode *qn, struct dslab_diag *d) {
    static const char *const keys[] = {"order", "feedback"};
    const struct dslab_ynode *list = dslab_ydoc_map_get(qn, "tempting");
    if (!list) return dslab_ytree_error(d, e->path, qn, "missing key 'tempting' (at least two orders that must fail, "
                                        "like restoring traffic before the fix)");
    if (dslab_ytree_expect_list(d, e->path, list, "a list of { order: [restore, drain, fix], feedback: ... }") < 0) return -1;
    if (list->count < 2 || list->count > GRADER_RUNBOOK_STEPS_MAX) {
        return dslab_ytree_error(d, e->path, list, "declare 2 to %d tempting orders (found %d)", GRADER_RUNBOOK_STEPS_MAX,
                                 list->count);
    }
    for (const struct dslab_ynode *i = list->first; i; i = i->next) {
        struct runbook_tempting *t = &r->tempting[r->tempting_count++];
        const struct dslab_ynode *order;
        t->pos = (struct dslab_src_pos){i->line, i->col};
        if (dslab_ytree_expect_mapping(d, e->path, i, "{ order: [restore, drain, fix], feedback: ... }") < 0 ||
            dslab_ytree_check_keys(d, e->path, i, keys, 2) < 0 ||
            dslab_ytree_require_text(d, e->path, i, "feedback", &t->feedback) < 0 ||
            dslab_ytree_require(d, e->path, i, "order", &order) < 0) {
            return -1;
        }
        if ((t->count = parse_order(e->path, r, order, t->order, d)) < 0) return -1;
        inversions(r, t);
        if (t->pairs_count == 0) {
            return dslab_ytree_error(d, e->path, order, "this order puts no two steps the other way round from the solution: "
                                     "it cannot be the tempting mistake");
        }
    }
    return 0;
}

static int load_solution(struct exercise *e, struct runbook *r, const struct dslab_ynode *qn, struct dslab_diag *d) {
    const struct dslab_ynode *sol = dslab_ydoc_map_get(qn, "solution");
    if (!sol) return dslab_ytree_error(d, e->path, qn, "missing key 'solution' (the encoded model order, step ids one a line)");
    char plain[GRADER_TEXT_MAX];
    if (dslab_ytree_expect_scalar(d, e->path, sol, "an encoded text like enc:1f2e...") < 0) return -1;
    if (grader_key_decode(e->salt, sol->text, plain, (int)sizeof plain) < 0) {
        return dslab_ytree_error(d, e->path, sol, "expected an encoded text (make one with `dslab reveal --encode %s TEXT`)", e->salt);
    }
    for (char *save = NULL, *l = strtok_r(plain, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        int k = step_index(r, l);
        if (k < 0 || pos_in(r->solution, r->solution_count, k) >= 0) {
            return dslab_ytree_error(d, e->path, sol, "the solution decodes to '%s', not a step id used once", l);
        }
        r->solution[r->solution_count++] = k;
    }
    if (r->solution_count == 0) return dslab_ytree_error(d, e->path, sol, "the solution decodes to no step");
    return 0;
}

int gr_runbook_load(struct exercise *e, struct question *q, const struct dslab_ynode *qn,
                    const struct dslab_scenario *s, struct dslab_diag *d) {
    struct runbook *r = calloc(1, sizeof *r);
    if (!r) return dslab_ytree_error(d, e->path, qn, "out of memory");
    q->runbook = r; /* owned by q from here (gr_operate_free) */
    const struct dslab_ynode *start, *every;
    char t[40];
    if (load_steps(e, r, dslab_ydoc_map_get(qn, "steps"), d) < 0 ||
        dslab_ytree_require(d, e->path, qn, "start", &start) < 0 ||
        dslab_ytree_duration(d, e->path, start, false, &r->start_ns) < 0 ||
        dslab_ytree_require(d, e->path, qn, "every", &every) < 0 ||
        dslab_ytree_duration(d, e->path, every, false, &r->every_ns) < 0) {
        return -1;
    }
    if (r->start_ns < q->alert_at_ns) {
        return dslab_ytree_error(d, e->path, start, "the first step at %s comes before the alert at %s", start->text,
                                 dslab_time_format_s(q->alert_at_ns, t, sizeof t));
    }
    /* Every action of every step, in the last slot, within the run and
     * valid against the scenario: no order can then be refused. */
    int32_t *groups = calloc((size_t)s->nodes_count + 1, sizeof *groups);
    if (!groups) return dslab_ytree_error(d, e->path, qn, "out of memory");
    int rc = 0;
    int64_t last_ns = r->start_ns + (int64_t)(r->steps_count - 1) * r->every_ns;
    for (int i = 0; i < r->steps_count && rc == 0; i++) {
        for (int a = 0; a < r->steps[i].count && rc == 0; a++) {
            struct dslab_action x = r->steps[i].acts[a];
            struct dslab_fault f;
            struct dslab_diag inner;
            dslab_diag_clear(&inner);
            x.at_ns += last_ns;
            if (dslab_action_to_fault(s, &x, &f, groups, &inner) != 0) {
                rc = dslab_ytree_error(d, e->path, qn, "step '%s': %s", r->steps[i].id, inner.message);
            } else if (x.at_ns >= s->duration_ns) {
                rc = dslab_ytree_error(d, e->path, every, "step '%s' run last is not over before the end of the run (%s)",
                                       r->steps[i].id, dslab_time_format_s(s->duration_ns, t, sizeof t));
            }
        }
    }
    free(groups);
    if (rc < 0 || load_solution(e, r, qn, d) < 0 || load_tempting(e, r, qn, d) < 0) return -1;
    return 0;
}

/* ---- grading ------------------------------------------------------------------- */

/* The tempting order whose every inversion the answer makes (most pairs), or NULL. */
static const struct runbook_tempting *tempting_of(const struct runbook *r, const int *order, int n) {
    const struct runbook_tempting *best = NULL;
    for (int i = 0; i < r->tempting_count; i++) {
        const struct runbook_tempting *t = &r->tempting[i];
        bool all = true;
        for (int p = 0; p < t->pairs_count && all; p++) {
            int a = pos_in(order, n, t->pairs[p][0]), b = pos_in(order, n, t->pairs[p][1]);
            all = a >= 0 && b >= 0 && a < b;
        }
        if (all && (!best || t->pairs_count > best->pairs_count)) best = t;
    }
    return best;
}

int gr_grade_runbook(struct grade_ctx *g, const struct dslab_ynode *v, struct question_grade *qg) {
    const struct runbook *r = qg->q->runbook;
    int order[GRADER_RUNBOOK_STEPS_MAX];
    int n = parse_order(g->a->path, r, v, order, g->diag);
    if (n < 0) return -1;
    struct dslab_action acts[GRADER_RUNBOOK_STEPS_MAX * GRADER_RUNBOOK_STEP_ACTIONS_MAX];
    int count = order_actions(r, order, n, acts);
    size_t used = 0;
    qg->answer[0] = 0;
    for (int k = 0; k < n; k++) {
        int w = snprintf(qg->answer + used, sizeof qg->answer - used, "%s%s", k ? ", " : "", r->steps[order[k]].id);
        if (w < 0 || (size_t)w >= sizeof qg->answer - used) break;
        used += (size_t)w;
    }
    if (n < r->steps_count) {
        char left[200] = "";
        size_t u = 0;
        for (int i = 0; i < r->steps_count; i++) {
            if (pos_in(order, n, i) >= 0) continue;
            int w = snprintf(left + u, sizeof left - u, "%s%s", u ? ", " : "", r->steps[i].id);
            if (w > 0 && (size_t)w < sizeof left - u) u += (size_t)w;
        }
        gr_feedback(qg, "You left out %s: a runbook order places every step once.", left);
        qg->score_milli = 0;
        return 0;
    }
    int rc = gr_operate_run(g, v, qg, acts, count, false);
    if (rc == 0 && !qg->pass) {
        const struct runbook_tempting *t = tempting_of(r, order, n);
        if (t) {
            qg->misconception = t->feedback; /* class reports count it like a misconception */
            gr_feedback_first(qg, t->feedback);
        }
    }
    return rc;
}
