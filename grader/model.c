/* model.c: the model answers of an exercise, for mentors (`dslab reveal
 * --answers`). Taxonomy keys are read back by hashing every term of the
 * taxonomy with the exercise's salt; evidence windows and nodes come from
 * the reference run's first violation, predictions from running the
 * variant, fixes, breaks and explanations from the encoded solutions. The
 * result must grade as a full pass: tests/e2e/exercises.sh checks that for
 * every exercise. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/time.h"
#include "grade_internal.h"
#include "grader_declare.h"

#define MODEL_TEXT_MAX 32768

const struct term *grader_grade_key_term(const struct taxonomy *t, const char *salt, const char *hash) {
    for (int i = 0; i < t->terms_count; i++) {
        char h[GRADER_HASH_LEN + 1];
        grader_key_hash(salt, t->terms[i].id, h);
        if (strcmp(h, hash) == 0) return &t->terms[i];
    }
    return NULL;
}

static void append(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(char *buf, const char *fmt, ...) {
    size_t used = strlen(buf);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, MODEL_TEXT_MAX - used, fmt, ap);
    va_end(ap);
}

static void quoted(char *buf, const char *text) {
    gr_yaml_quote(text, buf, MODEL_TEXT_MAX);
}

static int model_failure_mode(struct grade_ctx *g, const struct question *q, const struct term *t, char *buf) {
    if (!q->evidence) {
        quoted(buf, t->name);
        return 0;
    }
    if (gr_base_run(g) < 0) return -1;
    const struct dslab_check_result *cr = gr_find_check(&g->base, q->check);
    append(buf, "{ mode: ");
    quoted(buf, t->name);
    if (cr && cr->violations_count > 0) {
        const struct dslab_check_violation *v = &cr->violations[0];
        char a[40], b[40];
        append(buf, ", from: %s, to: %s", dslab_time_format_duration(v->from_ns, a, sizeof a),
               dslab_time_format_duration(v->to_ns, b, sizeof b));
        struct dslab_scenario *s = dslab_scenario_load(g->scenario_path, NULL, 0, NULL, g->diag);
        if (!s) return -1;
        if (v->nodes_count > 0) {
            append(buf, ", nodes: [");
            for (int i = 0; i < v->nodes_count; i++) append(buf, "%s%s", i ? ", " : "", s->node_names[v->nodes[i]]);
            append(buf, "]");
        }
        dslab_scenario_free(s);
    }
    append(buf, " }");
    return 0;
}

static int model_predict(struct grade_ctx *g, const struct question *q, char *buf) {
    struct dslab_scenario_override ov[32];
    for (int i = 0; i < q->variant_count && i < 32; i++) {
        ov[i].path = q->variant[i].path;
        ov[i].value = q->variant[i].value;
    }
    struct run_outcome o;
    if (grader_run(g->scenario_path, ov, q->variant_count, g->e->seed, g->e->seed_given, &o, g->diag) < 0) return -1;
    const struct dslab_check_result *cr = gr_find_check(&o, q->check);
    append(buf, "%s", cr && cr->verdict == DSLAB_CHECK_PASS ? "holds" : "fails");
    grader_run_outcome_free(&o);
    return 0;
}

/* A fix solution is "path=value" lines. */
static void model_fix(const char *plain, char *buf) {
    append(buf, "{ ");
    char copy[GRADER_TEXT_MAX];
    snprintf(copy, sizeof copy, "%s", plain);
    int n = 0;
    for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
        char *eq = strchr(line, '=');
        if (!eq) continue;
        *eq = 0;
        append(buf, "%s%s: ", n++ ? ", " : "", line);
        quoted(buf, eq + 1);
    }
    append(buf, " }");
}

static int model_one(struct grade_ctx *g, const struct question *q, char *buf) {
    const struct exercise *e = g->e;
    char plain[GRADER_TEXT_MAX];
    append(buf, "  %s: ", q->id);
    switch (q->kind) {
    case Q_FAILURE_MODE:
    case Q_TRADE_OFF:
    case Q_ASSUMPTION: {
        const struct term *t = grader_grade_key_term(g->c->taxonomy, e->salt, q->keys[0]);
        if (!t) return dslab_diag_set(g->diag, e->path, q->pos.line, q->pos.col, "key of question '%s' names no term", q->id);
        if (q->kind == Q_FAILURE_MODE) {
            if (model_failure_mode(g, q, t, buf) < 0) return -1;
        } else {
            quoted(buf, t->name);
        }
        break;
    }
    case Q_PREDICT:
        if (model_predict(g, q, buf) < 0) return -1;
        break;
    case Q_OPERATE: {
        if (q->runbook) { /* the model order: step ids */
            append(buf, "[");
            for (int i = 0; i < q->runbook->solution_count; i++) {
                append(buf, "%s", i ? ", " : "");
                quoted(buf, q->runbook->steps[q->runbook->solution[i]].id);
            }
            append(buf, "]");
            break;
        }
        struct dslab_action acts[GRADER_OPERATE_ACTIONS_MAX];
        char err[300];
        int n;
        if (grader_key_decode(e->salt, q->solution, plain, (int)sizeof plain) < 0 ||
            (n = gr_operate_parse_lines(plain, acts, GRADER_OPERATE_ACTIONS_MAX, err, (int)sizeof err)) < 0) {
            return dslab_diag_set(g->diag, e->path, q->pos.line, q->pos.col, "the solution of '%s' does not decode", q->id);
        }
        append(buf, "[");
        for (int i = 0; i < n; i++) {
            char one[DSLAB_ACTION_TEXT_MAX + 40];
            dslab_action_format(&acts[i], one, (int)sizeof one);
            append(buf, "%s", i ? ", " : "");
            quoted(buf, one);
        }
        append(buf, "]");
        break;
    }
    case Q_DECLARE: {
        struct declare_set s;
        char text[400];
        grader_declare_model(q, &s);
        grader_declare_format(&s, text, (int)sizeof text);
        append(buf, "%s", text);
        break;
    }
    case Q_FIX:
    case Q_BREAK:
    case Q_EXPLAIN:
        if (grader_key_decode(e->salt, q->solution, plain, (int)sizeof plain) < 0) {
            return dslab_diag_set(g->diag, e->path, q->pos.line, q->pos.col, "the solution of '%s' does not decode", q->id);
        }
        if (q->kind == Q_FIX) model_fix(plain, buf);
        else if (q->kind == Q_BREAK) append(buf, "%s", plain);
        else quoted(buf, plain);
        break;
    default: break;
    }
    append(buf, "\n");
    return 0;
}

char *grader_grade_model_answers(const struct catalog *c, const struct exercise *e, struct dslab_diag *diag) {
    char *buf = calloc(1, MODEL_TEXT_MAX);
    if (!buf) {
        dslab_diag_set(diag, e->path, 0, 0, "out of memory");
        return NULL;
    }
    struct grade_ctx g = {.c = c, .e = e, .diag = diag};
    grader_exercise_scenario_path(e, e->scenario, g.scenario_path, (int)sizeof g.scenario_path);
    append(buf, "# Model answers for %s (dslab reveal --answers). Grades as a full pass.\n", e->id);
    append(buf, "exercise: %s\nlearner: model\nanswers:\n", e->id);
    int rc = 0;
    for (int i = 0; i < e->questions_count && rc == 0; i++) rc = model_one(&g, &e->questions[i], buf);
    grader_run_outcome_free(&g.base);
    if (rc < 0) {
        free(buf);
        return NULL;
    }
    return buf;
}
