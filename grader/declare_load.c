/* declare_load.c: loading a `declare` question and reading a declaration
 * (docs/EXERCISE_FORMAT.md, "Declaring the assumptions").
 *
 *   needs:                        the load-bearing assumptions, 1..5
 *     - bound: enc:...            "pause_below: 500ms..2s" (MIN..MAX; or MAX alone,
 *                                 then MIN = 1ns); "majority_connected: true"
 *       missing: "..."            feedback when it is not declared (must not name it)
 *       loose: "..."              feedback when the bound is looser than MAX
 *   max: 2                        declarations at most (needs..5, default needs + 1)
 *   degenerate:                   at least two declarations that must fail
 *     - { declare: { pause_below: 1ns, ... }, feedback: "..." }
 *
 * A declaration is the scenario's `assumptions:` mapping: each key a
 * monitor (grader_declare_monitors), each value a duration > 0 (at most a day) or,
 * for majority_connected and no_power_loss, `true`. The model answer is every need at its
 * MAX; the loader checks it fits `max`, and that no prompt or `missing`
 * text names a need (its monitor or any form of its taxonomy term). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/suggest.h"
#include "dslab/time.h"
#include "dslab/units.h"
#include "dslab/yaml_tree.h"
#include "grade_internal.h"
#include "grader_declare.h"

const struct declare_monitor grader_declare_monitors[DECLARE_MONITORS_COUNT] = {
    {"clock_skew_below", false},
    {"message_delay_below", false},
    {"pause_below", false},
    {"majority_connected", true},
    {"no_power_loss", true},
};

int grader_declare_monitor_find(const char *name) {
    for (int i = 0; i < DECLARE_MONITORS_COUNT; i++) {
        if (strcmp(grader_declare_monitors[i].name, name) == 0) return i;
    }
    return -1;
}

static int unknown_monitor(struct dslab_diag *d, const char *file, const struct dslab_ynode *k) {
    const char *names[DECLARE_MONITORS_COUNT];
    for (int i = 0; i < DECLARE_MONITORS_COUNT; i++) names[i] = grader_declare_monitors[i].name;
    const char *near = dslab_suggest_nearest(k->text, names, DECLARE_MONITORS_COUNT);
    if (near) return dslab_ytree_error(d, file, k, "unknown assumption '%s' (did you mean '%s'?)", k->text, near);
    return dslab_ytree_error(d, file, k, "unknown assumption '%s' (expected clock_skew_below, message_delay_below, "
                             "pause_below, majority_connected or no_power_loss)", k->text);
}

int grader_declare_parse(const char *file, const struct dslab_ynode *v, struct declare_set *out, struct dslab_diag *d) {
    struct declare_set s;
    memset(&s, 0, sizeof s);
    if (dslab_ytree_expect_mapping(d, file, v, "a mapping of assumptions to bounds like { pause_below: 2s, "
                                   "majority_connected: true }") < 0) {
        return -1;
    }
    for (const struct dslab_ynode *k = v->first; k; k = k->next) {
        int m = grader_declare_monitor_find(k->text);
        if (m < 0) return unknown_monitor(d, file, k);
        struct declare_bound *b = &s.items[s.count++]; /* keys are unique (the YAML reader), so at most 4 */
        b->monitor = m;
        if (grader_declare_monitors[m].is_flag) {
            bool on;
            if (dslab_ytree_expect_scalar(d, file, k->value, "true") < 0) return -1;
            if (dslab_ytree_bool(d, file, k->value, &on) < 0) return -1;
            if (!on) return dslab_ytree_error(d, file, k->value, "%s: false declares nothing; leave it out instead", k->text);
            b->bound_ns = 1;
        } else {
            if (dslab_ytree_expect_scalar(d, file, k->value, "a duration like 2s") < 0) return -1;
            if (dslab_ytree_duration(d, file, k->value, false, &b->bound_ns) < 0) return -1;
            if (b->bound_ns == 0) return dslab_ytree_error(d, file, k->value, "%s must be more than 0", k->text);
        }
    }
    if (out) *out = s;
    return 0;
}

void grader_declare_format(const struct declare_set *s, char *buf, int size) {
    int used = snprintf(buf, (size_t)size, "{ ");
    for (int i = 0; i < s->count && used > 0 && used < size; i++) {
        const struct declare_bound *b = &s->items[i];
        char t[40];
        if (grader_declare_monitors[b->monitor].is_flag) snprintf(t, sizeof t, "true");
        else dslab_time_format_duration(b->bound_ns, t, (int)sizeof t);
        used += snprintf(buf + used, (size_t)(size - used), "%s%s: %s", i ? ", " : "", grader_declare_monitors[b->monitor].name, t);
    }
    if (used > 0 && used < size) snprintf(buf + used, (size_t)(size - used), " }");
}

void grader_declare_model(const struct question *q, struct declare_set *out) {
    memset(out, 0, sizeof *out);
    for (int i = 0; i < q->declare->needs_count; i++) {
        out->items[out->count].monitor = q->declare->needs[i].monitor;
        out->items[out->count++].bound_ns = q->declare->needs[i].max_ns;
    }
}

/* "pause_below: 500ms..2s", "pause_below: 2s", "majority_connected: true". */
static int parse_need(const char *plain, struct declare_need *n, char *err, int err_size) {
    char text[256];
    snprintf(text, sizeof text, "%.255s", plain);
    char *colon = strchr(text, ':');
    if (!colon) return snprintf(err, (size_t)err_size, "expected \"MONITOR: MIN..MAX\""), -1;
    *colon = 0;
    char *name = text, *value = colon + 1;
    while (*value == ' ') value++;
    for (char *e = name + strlen(name); e > name && e[-1] == ' '; e--) e[-1] = 0;
    n->monitor = grader_declare_monitor_find(name);
    if (n->monitor < 0) return snprintf(err, (size_t)err_size, "'%s' is no assumption a scenario declares", name), -1;
    if (grader_declare_monitors[n->monitor].is_flag) {
        if (strcmp(value, "true") != 0) return snprintf(err, (size_t)err_size, "%s takes true", name), -1;
        n->min_ns = n->max_ns = 1;
        return 0;
    }
    char *dots = strstr(value, "..");
    n->min_ns = 1;
    char unit_err[200];
    if (dots) {
        *dots = 0;
        if (dslab_units_parse_duration_ns(value, false, &n->min_ns, unit_err, (int)sizeof unit_err) < 0) {
            return snprintf(err, (size_t)err_size, "MIN: %s", unit_err), -1;
        }
        value = dots + 2;
    }
    if (dslab_units_parse_duration_ns(value, false, &n->max_ns, unit_err, (int)sizeof unit_err) < 0) {
        return snprintf(err, (size_t)err_size, "MAX: %s", unit_err), -1;
    }
    if (n->min_ns <= 0 || n->max_ns < n->min_ns) {
        return snprintf(err, (size_t)err_size, "the range must have 0 < MIN <= MAX"), -1;
    }
    return 0;
}

/* Whether `text` names monitor m: its name, or a form of its taxonomy term. */
static const char *names_monitor(const struct taxonomy *tax, int m, const char *text) {
    const char *name = grader_declare_monitors[m].name;
    if (grader_leaks_text_has_phrase(text, name)) return name;
    for (int i = 0; tax && i < tax->terms_count; i++) {
        const struct term *t = &tax->terms[i];
        if (t->kind != TERM_ASSUMPTION || !t->monitor || strcmp(t->monitor, name) != 0) continue;
        if (grader_leaks_text_has_phrase(text, t->name)) return t->name;
        if (grader_leaks_text_has_phrase(text, t->id)) return t->id;
        for (int k = 0; k < t->synonyms_count; k++) {
            if (grader_leaks_text_has_phrase(text, t->synonyms[k])) return t->synonyms[k];
        }
    }
    return NULL;
}

static int load_needs(struct exercise *e, struct question *q, const struct dslab_ynode *qn, const struct taxonomy *tax,
                      struct dslab_diag *d) {
    struct declare_question *dq = q->declare;
    const struct dslab_ynode *list = dslab_ydoc_map_get(qn, "needs");
    if (!list) return dslab_ytree_error(d, e->path, qn, "missing key 'needs' (the load-bearing assumptions, each "
                                        "{ bound: enc:..., missing: ..., loose: ... })");
    if (dslab_ytree_expect_list(d, e->path, list, "a list of { bound: enc:..., missing: ..., loose: ... }") < 0) return -1;
    if (list->count < 1 || list->count > DECLARE_MONITORS_COUNT) {
        return dslab_ytree_error(d, e->path, list, "declare 1 to %d needs (found %d)", DECLARE_MONITORS_COUNT, list->count);
    }
    static const char *const keys[] = {"bound", "missing", "loose"};
    for (const struct dslab_ynode *i = list->first; i; i = i->next) {
        struct declare_need *n = &dq->needs[dq->needs_count];
        n->pos.line = i->line;
        n->pos.col = i->col;
        if (dslab_ytree_expect_mapping(d, e->path, i, "{ bound: enc:..., missing: ..., loose: ... }") < 0) return -1;
        if (dslab_ytree_check_keys(d, e->path, i, keys, 3) < 0) return -1;
        const struct dslab_ynode *b;
        if (dslab_ytree_require(d, e->path, i, "bound", &b) < 0) return -1;
        char plain[GRADER_TEXT_MAX], err[300];
        if (dslab_ytree_expect_scalar(d, e->path, b, "an encoded text like enc:1f2e...") < 0) return -1;
        if (grader_key_decode(e->salt, b->text, plain, (int)sizeof plain) < 0) {
            return dslab_ytree_error(d, e->path, b, "expected an encoded \"MONITOR: MIN..MAX\" (make one with `dslab "
                                     "reveal --encode %s \"pause_below: 500ms..2s\"`)", e->salt);
        }
        if (parse_need(plain, n, err, (int)sizeof err) < 0) {
            return dslab_ytree_error(d, e->path, b, "bound decodes to '%s': %s", plain, err);
        }
        for (int k = 0; k < dq->needs_count; k++) {
            if (dq->needs[k].monitor == n->monitor) return dslab_ytree_error(d, e->path, b, "%s is needed twice", grader_declare_monitors[n->monitor].name);
        }
        if (dslab_ytree_require_text(d, e->path, i, "missing", &n->missing) < 0) return -1;
        const char *leak = names_monitor(tax, n->monitor, n->missing);
        if (leak) {
            return dslab_ytree_error(d, e->path, dslab_ydoc_map_get(i, "missing"), "'missing' gives the need away: it "
                                     "contains '%s'; hint at what in the design depends on it instead", leak);
        }
        if (grader_declare_monitors[n->monitor].is_flag) {
            if (dslab_ydoc_map_get(i, "loose")) return dslab_ytree_error(d, e->path, dslab_ydoc_map_get(i, "loose"), "%s has no bound to be loose", grader_declare_monitors[n->monitor].name);
        } else if (dslab_ytree_require_text(d, e->path, i, "loose", &n->loose) < 0) {
            return -1;
        }
        dq->needs_count++;
    }
    /* What the learner reads before declaring: the prompt, title, brief, hints. */
    const struct dslab_ynode *top = e->doc.root;
    const char *fields[] = {"prompt", "title", "brief", "hints"};
    for (int f = 0; f < 4; f++) {
        const struct dslab_ynode *n = dslab_ydoc_map_get(f == 0 ? qn : top, fields[f]);
        for (const struct dslab_ynode *t = n && n->kind == DSLAB_YNODE_SEQUENCE ? n->first : n; t;
             t = n->kind == DSLAB_YNODE_SEQUENCE ? t->next : NULL) {
            if (t->kind != DSLAB_YNODE_SCALAR) continue;
            for (int k = 0; k < dq->needs_count; k++) {
                const char *leak = names_monitor(tax, dq->needs[k].monitor, t->text);
                if (leak) {
                    return dslab_ytree_error(d, e->path, t, "the %s gives away what question '%s' asks to declare: it "
                                             "contains '%s'", fields[f], q->id, leak);
                }
            }
        }
    }
    return 0;
}

static int load_degenerate(struct exercise *e, struct question *q, const struct dslab_ynode *qn, struct dslab_diag *d) {
    struct declare_question *dq = q->declare;
    const struct dslab_ynode *list = dslab_ydoc_map_get(qn, "degenerate");
    if (!list) return dslab_ytree_error(d, e->path, qn, "missing key 'degenerate' (at least two declarations that must "
                                        "fail, like every assumption at 1ns)");
    if (dslab_ytree_expect_list(d, e->path, list, "a list of { declare: { pause_below: 1ns }, feedback: ... }") < 0) return -1;
    if (list->count < 2) return dslab_ytree_error(d, e->path, list, "declare at least two degenerate declarations (found %d)", list->count);
    dq->degenerate = calloc((size_t)list->count, sizeof *dq->degenerate);
    if (!dq->degenerate) return dslab_ytree_error(d, e->path, list, "out of memory");
    static const char *const keys[] = {"declare", "feedback"};
    for (const struct dslab_ynode *i = list->first; i; i = i->next) {
        struct declare_degenerate *g = &dq->degenerate[dq->degenerate_count++];
        g->pos.line = i->line;
        g->pos.col = i->col;
        if (dslab_ytree_expect_mapping(d, e->path, i, "{ declare: { pause_below: 1ns }, feedback: ... }") < 0) return -1;
        if (dslab_ytree_check_keys(d, e->path, i, keys, 2) < 0) return -1;
        const struct dslab_ynode *set;
        if (dslab_ytree_require(d, e->path, i, "declare", &set) < 0) return -1;
        if (grader_declare_parse(e->path, set, &g->set, d) < 0) return -1;
        if (dslab_ytree_require_text(d, e->path, i, "feedback", &g->feedback) < 0) return -1;
    }
    return 0;
}

int grader_declare_load(struct exercise *e, struct question *q, const struct dslab_ynode *qn, const struct taxonomy *tax,
                        struct dslab_diag *d) {
    q->declare = calloc(1, sizeof *q->declare);
    if (!q->declare) return dslab_ytree_error(d, e->path, qn, "out of memory");
    if (load_needs(e, q, qn, tax, d) < 0) return -1;
    int64_t max = q->declare->needs_count + 1 > DECLARE_MONITORS_COUNT ? DECLARE_MONITORS_COUNT : q->declare->needs_count + 1;
    if (dslab_ytree_optional_int(d, e->path, qn, "max", q->declare->needs_count, DECLARE_MONITORS_COUNT, &max) < 0) return -1;
    q->declare->max_declared = (int)max;
    return load_degenerate(e, q, qn, d);
}

void grader_declare_free(struct question *q) {
    if (!q->declare) return;
    free(q->declare->degenerate);
    free(q->declare);
    q->declare = NULL;
}
