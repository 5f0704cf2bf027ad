/* answers.c: a learner's answers file.
 *
 *   exercise: stale-read-deposed-leader
 *   learner: ada                    # optional, for class reports
 *   answers:
 *     what-failed: { mode: stale read, from: 1.2s, to: 1.5s, nodes: [n1] }
 *     cause-too:   { mode: blocking commit, cause: "crash n1 at 1.49s" }
 *     trade-off: latency over consistency
 *     fix: { protocol.read_mode: read-index }
 *
 * Shape errors are malformed input (file:line:col); an empty or missing
 * `answers:` is not: it grades as a fail. A question left empty (`~`) is
 * unanswered. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/suggest.h"
#include "grade_internal.h"
#include "grader_declare.h"
#include "load_start.h"
#include "dslab/yaml_tree.h"

static int check_failure_mode(const char *f, const struct dslab_ynode *v, struct dslab_diag *d) {
    static const char *const keys[] = {"mode", "from", "to", "nodes", "cause"};
    if (v->kind == DSLAB_YNODE_SCALAR) return 0;
    if (dslab_ytree_expect_mapping(d, f, v, "a failure mode, or { mode: ..., from: 1.2s, to: 1.5s, nodes: [n1] }") < 0) return -1;
    if (dslab_ytree_check_keys(d, f, v, keys, 5) < 0) return -1;
    const struct dslab_ynode *c = dslab_ydoc_map_get(v, "cause");
    if (c && c->kind == DSLAB_YNODE_SEQUENCE) {
        return dslab_ytree_error(d, f, c, "expected one fault, like \"crash n1 at 1.49s\" or { at: 1.49s, crash: n1 }");
    }
    const struct dslab_ynode *m = dslab_ydoc_map_get(v, "mode");
    if (!m) return dslab_ytree_error(d, f, v, "missing key 'mode' (the failure mode's name)");
    if (dslab_ytree_expect_scalar(d, f, m, "the failure mode's name") < 0) return -1;
    int64_t from = 0, to = 0;
    const struct dslab_ynode *a = dslab_ydoc_map_get(v, "from");
    const struct dslab_ynode *b = dslab_ydoc_map_get(v, "to");
    if (a && dslab_ytree_duration(d, f, a, false, &from) < 0) return -1;
    if (b && dslab_ytree_duration(d, f, b, false, &to) < 0) return -1;
    if (a && b && to < from) return dslab_ytree_error(d, f, b, "'to' is before 'from'");
    if ((a == NULL) != (b == NULL)) return dslab_ytree_error(d, f, a ? a : b, "give both 'from' and 'to' (the time window)");
    const struct dslab_ynode *n = dslab_ydoc_map_get(v, "nodes");
    if (n) {
        if (dslab_ytree_expect_list(d, f, n, "a list of node names like [n1, n2]") < 0) return -1;
        for (const struct dslab_ynode *i = n->first; i; i = i->next) {
            if (dslab_ytree_expect_scalar(d, f, i, "a node name") < 0) return -1;
        }
    }
    return 0;
}

static int check_fix(const char *f, const struct question *q, const struct dslab_ynode *v, struct dslab_diag *d) {
    if (dslab_ytree_expect_mapping(d, f, v, "a mapping of parameters to values like { protocol.fencing: true }") < 0) return -1;
    for (const struct dslab_ynode *k = v->first; k; k = k->next) {
        if (dslab_ytree_expect_scalar(d, f, k->value, "a value") < 0) return -1;
        bool allowed = false;
        for (int i = 0; i < q->allowed_count && !allowed; i++) allowed = strcmp(q->allowed[i], k->text) == 0;
        if (allowed) continue;
        const char *near = dslab_suggest_nearest(k->text, q->allowed, q->allowed_count);
        if (near) return dslab_ytree_error(d, f, k, "'%s' may not be changed in this fix (did you mean '%s'?)", k->text, near);
        char list[400] = "";
        size_t used = 0;
        for (int i = 0; i < q->allowed_count && used < sizeof list; i++) {
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", q->allowed[i]);
        }
        return dslab_ytree_error(d, f, k, "'%s' may not be changed in this fix (allowed: %s)", k->text, list);
    }
    return 0;
}

static int check_break(const char *f, const struct dslab_ynode *v, struct dslab_diag *d) {
    static const char *const keys[] = {"faults", "seed"};
    const struct dslab_ynode *list = v;
    if (v->kind == DSLAB_YNODE_MAPPING) {
        if (dslab_ytree_check_keys(d, f, v, keys, 2) < 0) return -1;
        list = dslab_ydoc_map_get(v, "faults");
        if (!list) return dslab_ytree_error(d, f, v, "missing key 'faults' (the fault schedule)");
        const struct dslab_ynode *s = dslab_ydoc_map_get(v, "seed");
        uint64_t seed;
        if (s && dslab_ytree_u64(d, f, s, "a seed", &seed) < 0) return -1;
    }
    if (dslab_ytree_expect_list(d, f, list, "a fault schedule: a list like [{ at: 1s, crash: n1 }]") < 0) return -1;
    for (const struct dslab_ynode *i = list->first; i; i = i->next) {
        if (dslab_ytree_expect_mapping(d, f, i, "a fault like { at: 1s, crash: n1 }") < 0) return -1;
    }
    return 0;
}

static int check_answer(const struct answers *a, const struct question *q, const struct dslab_ynode *v,
                        struct dslab_diag *d) {
    const char *f = a->path;
    if (dslab_ydoc_is_null(v)) return 0; /* unanswered */
    switch (q->kind) {
    case Q_FAILURE_MODE: return check_failure_mode(f, v, d);
    case Q_FIX: return check_fix(f, q, v, d);
    case Q_BREAK: return check_break(f, v, d);
    case Q_OPERATE: return q->runbook ? gr_runbook_check_answer(f, q, v, d) : gr_operate_check_answer(f, v, d);
    case Q_DECLARE: return grader_declare_parse(f, v, NULL, d);
    default: return dslab_ytree_expect_scalar(d, f, v, q->kind == Q_EXPLAIN ? "your explanation as text" : "an answer as text");
    }
}

static int check_answers(struct answers *a, const struct exercise *e, struct dslab_diag *d) {
    static const char *const keys[] = {"exercise", "learner", "answers"};
    const char *f = a->path;
    const struct dslab_ynode *top = a->doc.root;
    if (!top) return dslab_diag_set(d, f, 1, 1, "the answers file is empty (expected 'exercise: ID' and 'answers:')");
    if (dslab_ytree_expect_mapping(d, f, top, "a mapping with 'exercise:' and 'answers:'") < 0) return -1;
    if (dslab_ytree_check_keys(d, f, top, keys, 3) < 0) return -1;
    if (dslab_ytree_require_text(d, f, top, "exercise", &a->exercise_id) < 0) return -1;
    if (e && strcmp(a->exercise_id, e->id) != 0) {
        return dslab_ytree_error(d, f, dslab_ydoc_map_get(top, "exercise"), "these are answers to exercise '%s', not '%s'", a->exercise_id, e->id);
    }
    const char *learner;
    if (dslab_ytree_optional_text(d, f, top, "learner", &learner) < 0) return -1;
    const struct dslab_ynode *m = dslab_ydoc_map_get(top, "answers");
    if (!m || dslab_ydoc_is_null(m)) return 0;
    if (dslab_ytree_expect_mapping(d, f, m, "a mapping of question ids to answers") < 0) return -1;
    a->map = m;
    if (!e) return 0;
    const char *ids[64];
    int n = e->questions_count < 64 ? e->questions_count : 64;
    for (int i = 0; i < n; i++) ids[i] = e->questions[i].id;
    for (const struct dslab_ynode *k = m->first; k; k = k->next) {
        const struct question *q = NULL;
        for (int i = 0; i < e->questions_count && !q; i++) {
            if (strcmp(e->questions[i].id, k->text) == 0) q = &e->questions[i];
        }
        if (!q) {
            const char *near = dslab_suggest_nearest(k->text, ids, n);
            if (near) return dslab_ytree_error(d, f, k, "unknown question '%s' (did you mean '%s'?)", k->text, near);
            return dslab_ytree_error(d, f, k, "unknown question '%s' (exercise %s asks: %s%s%s%s)", k->text, e->id,
                            ids[0], n > 1 ? ", " : "", n > 1 ? ids[1] : "", n > 2 ? ", ..." : "");
        }
        if (check_answer(a, q, k->value, d) < 0) return -1;
    }
    return 0;
}

/* Reads `text` (len bytes) or, when text is NULL, the file `path`. */
static struct answers *load(const char *text, size_t len, const char *path,
                            const struct exercise *e, struct dslab_diag *d) {
    struct answers *a = gr_zalloc(sizeof *a, path, d);
    if (!a) return NULL;
    snprintf(a->path, sizeof a->path, "%s", path);
    if (gr_doc_read(&a->doc, text, len, path, d) < 0) {
        free(a);
        return NULL;
    }
    if (check_answers(a, e, d) < 0) {
        grader_answers_free(a);
        return NULL;
    }
    return a;
}

struct answers *grader_answers_load_buffer(const char *text, size_t len, const char *name,
                                           const struct exercise *e, struct dslab_diag *d) {
    return load(text, len, name, e, d);
}

struct answers *grader_answers_load(const char *path, const struct exercise *e, struct dslab_diag *d) {
    return load(NULL, 0, path, e, d);
}

void grader_answers_free(struct answers *a) {
    if (!a) return;
    dslab_ydoc_free(&a->doc);
    free(a);
}

const struct dslab_ynode *grader_answers_get(const struct answers *a, const char *question_id) {
    if (!a->map) return NULL;
    const struct dslab_ynode *v = dslab_ydoc_map_get(a->map, question_id);
    return v && !dslab_ydoc_is_null(v) ? v : NULL;
}
