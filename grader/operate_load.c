/* operate_load.c: loading an `operate` question (docs/EXERCISE_FORMAT.md,
 * "Operating during an incident").
 *
 *   alert: { at: 2.5s, text: "availability below 90%" }
 *   goals: ["slo: availability 90% of requests per 500ms each after 3.5s"]
 *   checks: [one-leader-per-term]      optional: the safety checks
 *   budget: 3                          actions at most (1..16, default 4)
 *   seeds: 1                           seeds from seeds_from (default the exercise's seed)
 *   tempting: [{ act: ["3s:crash:n1", ...], feedback: ... }, ...]   at least two
 *   solution: enc:...                  the model actions, one a line
 *
 * Everything a grade relies on is checked here: the actions of the
 * solution and of each tempting list parse, name nodes of the scenario,
 * come at or after the alert and before the end of the run, and fit the
 * budget (a tempting list that broke those rules would fail for the rule,
 * and `dslab lint` would prove nothing about it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/time.h"
#include "grade_internal.h"
#include "dslab/yaml_tree.h"

int gr_operate_parse_lines(const char *text, struct dslab_action *out, int max, char *err, int err_size) {
    int n = 0;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\r')) len--;
        while (len > 0 && *p == ' ') p++, len--;
        if (len > 0) {
            char line[DSLAB_ACTION_TEXT_MAX + 2];
            if (len > DSLAB_ACTION_TEXT_MAX) {
                snprintf(err, (size_t)err_size, "an action line is longer than %d bytes", DSLAB_ACTION_TEXT_MAX);
                return -1;
            }
            if (n == max) {
                snprintf(err, (size_t)err_size, "more than %d actions", max);
                return -1;
            }
            memcpy(line, p, len);
            line[len] = 0;
            struct dslab_diag d;
            dslab_diag_clear(&d);
            if (dslab_action_parse(line, &out[n], &d) != 0) {
                snprintf(err, (size_t)err_size, "%s", d.message);
                return -1;
            }
            n++;
        }
        if (!nl) break;
        p = nl + 1;
    }
    return n;
}

/* The actions `a` (n of them) against the scenario and the question's rules. */
static int check_actions(struct exercise *e, const struct question *q, const struct dslab_scenario *s,
                         const struct dslab_action *a, int n, const struct dslab_ynode *at, const char *what,
                         struct dslab_diag *d) {
    if (n == 0) return dslab_ytree_error(d, e->path, at, "%s: no action", what);
    if (n > q->budget_actions) {
        return dslab_ytree_error(d, e->path, at, "%s: %d actions, over the question's budget of %d", what, n,
                                 q->budget_actions);
    }
    int32_t *groups = calloc((size_t)s->nodes_count + 1, sizeof *groups);
    if (!groups) return dslab_ytree_error(d, e->path, at, "out of memory");
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        char t[40], text[DSLAB_ACTION_TEXT_MAX + 40];
        dslab_action_format(&a[i], text, (int)sizeof text);
        struct dslab_fault f;
        struct dslab_diag inner;
        dslab_diag_clear(&inner);
        if (dslab_action_to_fault(s, &a[i], &f, groups, &inner) != 0) {
            rc = dslab_ytree_error(d, e->path, at, "%s: %s", what, inner.message);
        } else if (a[i].at_ns < q->alert_at_ns) {
            rc = dslab_ytree_error(d, e->path, at, "%s: '%s' comes before the alert at %s", what, text,
                                   dslab_time_format_s(q->alert_at_ns, t, sizeof t));
        } else if (a[i].at_ns >= s->duration_ns) {
            rc = dslab_ytree_error(d, e->path, at, "%s: '%s' is not before the end of the run (%s)", what, text,
                                   dslab_time_format_s(s->duration_ns, t, sizeof t));
        }
    }
    free(groups);
    return rc;
}

static int load_alert(struct exercise *e, struct question *q, const struct dslab_ynode *qn,
                      const struct dslab_scenario *s, struct dslab_diag *d) {
    const struct dslab_ynode *al = dslab_ydoc_map_get(qn, "alert");
    if (!al) return dslab_ytree_error(d, e->path, qn, "missing key 'alert' (what fires and when, like { at: 2s, text: \"p99 > 500ms on n2\" })");
    static const char *const keys[] = {"at", "text"};
    if (dslab_ytree_expect_mapping(d, e->path, al, "{ at: 2s, text: \"p99 > 500ms on n2\" }") < 0) return -1;
    if (dslab_ytree_check_keys(d, e->path, al, keys, 2) < 0) return -1;
    const struct dslab_ynode *at;
    if (dslab_ytree_require(d, e->path, al, "at", &at) < 0) return -1;
    if (dslab_ytree_duration(d, e->path, at, false, &q->alert_at_ns) < 0) return -1;
    if (q->alert_at_ns >= s->duration_ns) {
        char t[40];
        return dslab_ytree_error(d, e->path, at, "the alert at %s is not before the end of the run (%s)", at->text,
                                 dslab_time_format_s(s->duration_ns, t, sizeof t));
    }
    return dslab_ytree_require_text(d, e->path, al, "text", &q->alert_text);
}

static int load_tempting(struct exercise *e, struct question *q, const struct dslab_ynode *qn,
                         const struct dslab_scenario *s, struct dslab_diag *d) {
    const struct dslab_ynode *list = dslab_ydoc_map_get(qn, "tempting");
    if (!list) return dslab_ytree_error(d, e->path, qn, "missing key 'tempting' (at least two action lists that "
                                        "must fail, like restarting every node at once)");
    if (dslab_ytree_expect_list(d, e->path, list, "a list of { act: [\"3s:restart:n1\"], feedback: ... }") < 0) return -1;
    if (list->count < 2) return dslab_ytree_error(d, e->path, list, "declare at least two tempting action lists (found %d)", list->count);
    q->tempting = calloc((size_t)list->count, sizeof *q->tempting);
    if (!q->tempting) return dslab_ytree_error(d, e->path, list, "out of memory");
    static const char *const keys[] = {"act", "feedback"};
    for (const struct dslab_ynode *i = list->first; i; i = i->next) {
        struct tempting_acts *t = &q->tempting[q->tempting_count++];
        t->pos.line = i->line;
        t->pos.col = i->col;
        if (dslab_ytree_expect_mapping(d, e->path, i, "{ act: [\"3s:restart:n1\"], feedback: ... }") < 0) return -1;
        if (dslab_ytree_check_keys(d, e->path, i, keys, 2) < 0) return -1;
        if (dslab_ytree_require_text(d, e->path, i, "feedback", &t->feedback) < 0) return -1;
        const struct dslab_ynode *act = dslab_ydoc_map_get(i, "act");
        if (!act) return dslab_ytree_error(d, e->path, i, "missing key 'act'");
        if (gr_operate_check_answer(e->path, act, d) < 0) return -1;
        int n = act->kind == DSLAB_YNODE_SEQUENCE ? act->count : 1;
        t->acts = calloc((size_t)n + 1, sizeof *t->acts);
        if (!t->acts) return dslab_ytree_error(d, e->path, act, "out of memory");
        const struct dslab_ynode *a = act->kind == DSLAB_YNODE_SEQUENCE ? act->first : act;
        for (; a; a = act->kind == DSLAB_YNODE_SEQUENCE ? a->next : NULL) {
            struct dslab_diag inner;
            dslab_action_parse(a->text, &t->acts[t->count++], &inner); /* checked above */
        }
        if (check_actions(e, q, s, t->acts, t->count, act, "tempting actions", d) < 0) return -1;
    }
    return 0;
}

static int load_solution(struct exercise *e, struct question *q, const struct dslab_ynode *qn,
                         const struct dslab_scenario *s, struct dslab_diag *d) {
    const struct dslab_ynode *sol = dslab_ydoc_map_get(qn, "solution");
    if (!sol) return dslab_ytree_error(d, e->path, qn, "missing key 'solution' (the encoded model actions, one a line)");
    char plain[GRADER_TEXT_MAX];
    if (dslab_ytree_expect_scalar(d, e->path, sol, "an encoded text like enc:1f2e...") < 0) return -1;
    if (grader_key_decode(e->salt, sol->text, plain, (int)sizeof plain) < 0) {
        return dslab_ytree_error(d, e->path, sol, "expected an encoded text (make one with `dslab reveal --encode %s TEXT`)", e->salt);
    }
    q->solution = sol->text;
    struct dslab_action acts[GRADER_OPERATE_ACTIONS_MAX];
    char err[300];
    int n = gr_operate_parse_lines(plain, acts, GRADER_OPERATE_ACTIONS_MAX, err, (int)sizeof err);
    if (n < 0) return dslab_ytree_error(d, e->path, sol, "the solution decodes to actions that do not parse: %s", err);
    return check_actions(e, q, s, acts, n, sol, "the solution", d);
}

int gr_operate_load(struct exercise *e, struct question *q, const struct dslab_ynode *qn, struct dslab_diag *d) {
    char path[1100];
    grader_exercise_scenario_path(e, e->scenario, path, (int)sizeof path);
    struct dslab_diag inner;
    dslab_diag_clear(&inner);
    struct dslab_scenario *s = dslab_scenario_load(path, NULL, 0, NULL, &inner);
    if (!s) return dslab_ytree_error(d, e->path, qn, "the scenario does not load: %s", inner.message);
    int rc = -1;
    const struct dslab_ynode *g = dslab_ydoc_map_get(qn, "goals");
    const struct dslab_ynode *fc = dslab_ydoc_map_get(qn, "checks");
    int64_t budget = 4, seeds = 1, from = e->seed_given ? (int64_t)e->seed : (int64_t)s->seed;
    if (load_alert(e, q, qn, s, d) < 0) goto out;
    if (!g) {
        dslab_ytree_error(d, e->path, qn, "missing key 'goals' (what recovered means, like \"slo: availability 90%% of "
                          "requests per 500ms each after 4s\")");
        goto out;
    }
    if (dslab_ytree_string_list(d, e->path, g, "a list of checks like \"slo: availability 90% of ops after 4s\"", &q->goals, &q->goals_count) < 0) goto out;
    if (q->goals_count == 0) {
        dslab_ytree_error(d, e->path, g, "declare at least one goal");
        goto out;
    }
    if (fc && dslab_ytree_string_list(d, e->path, fc, "a list of checks", &q->fix_checks, &q->fix_checks_count) < 0) goto out;
    q->fix_checks_given = fc != NULL; /* checks: [] judges the goals alone */
    if (dslab_ytree_optional_int(d, e->path, qn, "budget", 1, GRADER_OPERATE_ACTIONS_MAX, &budget) < 0) goto out;
    if (dslab_ytree_optional_int(d, e->path, qn, "seeds", 1, 100, &seeds) < 0) goto out;
    if (dslab_ytree_optional_int(d, e->path, qn, "seeds_from", 0, INT64_MAX / 2, &from) < 0) goto out;
    {   /* The goals and checks must make checkers (as a grade will). */
        struct fixed_scenario f;
        int bad;
        dslab_diag_clear(&inner);
        int built = gr_fixed_scenario_build(path, q, NULL, 0, &f, &inner, &bad);
        gr_fixed_scenario_free(&f);
        if (built < 0) {
            dslab_ytree_error(d, e->path, fc ? fc : g, "a goal or check does not load: %s", inner.message);
            goto out;
        }
    }
    q->budget_actions = (int)budget;
    q->seeds_count = (int)seeds;
    q->seeds_from = (uint64_t)from;
    if (dslab_ydoc_map_get(qn, "steps")) { /* a runbook-order question (runbook.c) */
        rc = gr_runbook_load(e, q, qn, s, d);
        goto out;
    }
    if (load_tempting(e, q, qn, s, d) < 0) goto out;
    if (load_solution(e, q, qn, s, d) < 0) goto out;
    rc = 0;
out:
    dslab_scenario_free(s);
    return rc;
}

void gr_operate_free(struct question *q) {
    free(q->runbook);
    q->runbook = NULL;
    for (int i = 0; i < q->tempting_count; i++) free(q->tempting[i].acts);
    free(q->tempting);
    q->tempting = NULL;
    q->tempting_count = 0;
}
