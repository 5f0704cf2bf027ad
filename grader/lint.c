/* lint.c: checking an exercise the way a mentor would before learners
 * see it (`dslab lint EXERCISE.yaml`).
 *
 * Loading already checks the file itself (keys, hashes, scenarios, that
 * every allowed fix parameter exists for the protocol, and whatever else
 * grader_exercise_load() rejects, such as answers leaked into the brief). Lint
 * then grades, through the same grader learners meet:
 *   - the model answers (`dslab reveal --answers`) pass with full marks;
 *   - each declared misconception, put in place of the model's term, fails
 *     its question with its own feedback;
 *   - each declared degenerate fix fails its question with its own feedback.
 * Counterexamples of fixes are written under `work_dir`, which the caller
 * owns (a temporary directory). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grade_internal.h"
#include "grader_declare.h"

static void finding(struct grader_exercise_lint *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void finding(struct grader_exercise_lint *l, const char *fmt, ...) {
    if (l->count == l->cap) {
        int cap = l->cap ? l->cap * 2 : 8;
        char **grown = realloc(l->messages, sizeof *grown * (size_t)cap);
        if (!grown) {
            l->out_of_memory = true;
            return;
        }
        l->messages = grown;
        l->cap = cap;
    }
    char *m = malloc(1024);
    if (!m) {
        l->out_of_memory = true;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, 1024, fmt, ap);
    va_end(ap);
    l->messages[l->count++] = m;
}

/* The model answers with question `qid`'s line replaced by `line` (or
 * unchanged when line is NULL). Caller frees. */
static char *with_answer(const char *model, const char *qid, const char *line) {
    size_t cap = strlen(model) + (line ? strlen(line) : 0) + 64;
    char *out = malloc(cap);
    if (!out) return NULL;
    out[0] = 0;
    char prefix[128];
    snprintf(prefix, sizeof prefix, "  %s: ", qid);
    size_t used = 0;
    for (const char *p = model; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
        if (line && strncmp(p, prefix, strlen(prefix)) == 0) {
            used += (size_t)snprintf(out + used, cap - used, "%s%s\n", prefix, line);
        } else {
            memcpy(out + used, p, len);
            used += len;
            out[used] = 0;
        }
        p += len;
    }
    return out;
}

/* Grades `text`; fills *qg with a copy of question `qi`'s grade. -1 when
 * the answers do not load or grade (diag set). */
static int grade_text(const struct catalog *c, const struct exercise *e, const char *text, const char *name,
                      int qi, struct question_grade *qg, struct grade_result *all, struct dslab_diag *d) {
    struct answers *a = grader_answers_load_buffer(text, strlen(text), name, e, d);
    if (!a) return -1;
    struct grade_result r;
    int rc = grader_grade_answers(c, e, a, &r, d);
    grader_answers_free(a);
    if (rc < 0) return -1;
    if (qi >= 0) *qg = r.q[qi];
    if (all) {
        all->pass = r.pass;
        all->score_milli = r.score_milli;
        all->max_milli = r.max_milli;
    }
    grader_grade_result_free(&r);
    return 0;
}

static void quote_into(char *buf, size_t size, const char *text) {
    buf[0] = 0;
    gr_yaml_quote(text, buf, size);
}

/* The model's failure-mode answer with another term as its mode. */
static void replace_mode(const char *model_line, const char *model_term, const char *term, char *out, size_t size) {
    char from[300], to[300];
    quote_into(from, sizeof from, model_term);
    quote_into(to, sizeof to, term);
    const char *at = strstr(model_line, from);
    if (!at) {
        snprintf(out, size, "%s", to);
        return;
    }
    snprintf(out, size, "%.*s%s%s", (int)(at - model_line), model_line, to, at + strlen(from));
}

/* Grades the model answers with question qi's answer replaced by `line`,
 * which must fail with `feedback`; a finding otherwise. `what` names it
 * ("degenerate fix", "tempting order", "degenerate declaration"); `hint`
 * is what a finding that it passes tells the author to do. */
static void lint_must_fail(const struct catalog *c, const struct exercise *e, const char *model, const char *name, int qi,
                           const char *what, const char *line, const char *feedback, int pos_line, const char *hint,
                           struct grader_exercise_lint *l, struct dslab_diag *d) {
    const struct question *q = &e->questions[qi];
    char *text = with_answer(model, q->id, line);
    struct question_grade qg;
    if (!text || grade_text(c, e, text, name, qi, &qg, NULL, d) < 0) {
        finding(l, "question '%s': %s %s does not grade: %s", q->id, what, line, text ? d->message : "out of memory");
    } else if (qg.pass) {
        finding(l, "question '%s': %s %s passes (line %d): %s", q->id, what, line, pos_line, hint);
    } else if (!strstr(qg.feedback, feedback)) {
        finding(l, "question '%s': %s %s fails without its own feedback (got: %s)", q->id, what, line, qg.feedback);
    } else {
        l->degenerate_ok++;
    }
    free(text);
}

/* The model text's answer to `qid` (after "  qid: "), copied. */
static void model_line_of(const char *model, const char *qid, char *out, size_t size) {
    char prefix[128];
    snprintf(prefix, sizeof prefix, "\n  %s: ", qid);
    const char *p = strstr(model, prefix);
    out[0] = 0;
    if (!p) return;
    p += strlen(prefix);
    const char *nl = strchr(p, '\n');
    snprintf(out, size, "%.*s", (int)(nl ? nl - p : (long)strlen(p)), p);
}

static void lint_misconceptions(const struct catalog *c, const struct exercise *e, const char *model,
                                const char *name, int qi, struct grader_exercise_lint *l, struct dslab_diag *d) {
    const struct question *q = &e->questions[qi];
    const struct term *right = grader_grade_key_term(c->taxonomy, e->salt, q->keys[0]);
    char model_line[2048], line[2048];
    model_line_of(model, q->id, model_line, sizeof model_line);
    for (int m = 0; m < q->misconceptions_count; m++) {
        const struct misconception *mc = &q->misconceptions[m];
        const struct term *t = grader_grade_key_term(c->taxonomy, e->salt, mc->hash);
        if (!t || !right) {
            finding(l, "question '%s': misconception %d names no taxonomy term", q->id, m + 1);
            continue;
        }
        replace_mode(model_line, right->name, t->name, line, sizeof line);
        char *text = with_answer(model, q->id, line);
        struct question_grade qg;
        if (!text || grade_text(c, e, text, name, qi, &qg, NULL, d) < 0) {
            finding(l, "question '%s': misconception '%s' does not grade: %s", q->id, t->name, text ? d->message : "out of memory");
        } else if (qg.pass) {
            finding(l, "question '%s': misconception '%s' passes", q->id, t->name);
        } else if (!strstr(qg.feedback, mc->feedback)) {
            finding(l, "question '%s': misconception '%s' fails without its own feedback (got: %s)", q->id, t->name, qg.feedback);
        } else {
            l->misconceptions_ok++;
        }
        free(text);
    }
}

static void lint_degenerate(const struct catalog *c, const struct exercise *e, const char *model, const char *name,
                            int qi, struct grader_exercise_lint *l, struct dslab_diag *d) {
    const struct question *q = &e->questions[qi];
    for (int k = 0; k < q->degenerate_count; k++) {
        const struct degenerate_fix *df = &q->degenerate[k];
        char line[2048] = "{ ";
        for (int i = 0; i < df->set_count; i++) {
            size_t used = strlen(line);
            snprintf(line + used, sizeof line - used, "%s%s: ", i ? ", " : "", df->set[i].path);
            gr_yaml_quote(df->set[i].value, line, sizeof line);
        }
        size_t used = strlen(line);
        snprintf(line + used, sizeof line - used, " }");
        lint_must_fail(c, e, model, name, qi, "degenerate fix", line, df->feedback, df->pos.line,
                       "the goals or the stress must catch it", l, d);
    }
}

/* Each tempting action list of an operate question must fail with its feedback. */
static void lint_tempting(const struct catalog *c, const struct exercise *e, const char *model, const char *name,
                          int qi, struct grader_exercise_lint *l, struct dslab_diag *d) {
    const struct question *q = &e->questions[qi];
    for (int k = 0; q->runbook && k < q->runbook->tempting_count; k++) { /* runbook orders */
        const struct runbook_tempting *t = &q->runbook->tempting[k];
        char line[1024] = "[";
        for (int i = 0; i < t->count; i++) {
            size_t used = strlen(line);
            snprintf(line + used, sizeof line - used, "%s", i ? ", " : "");
            gr_yaml_quote(q->runbook->steps[t->order[i]].id, line, sizeof line);
        }
        size_t used = strlen(line);
        snprintf(line + used, sizeof line - used, "]");
        lint_must_fail(c, e, model, name, qi, "tempting order", line, t->feedback, t->pos.line,
                       "the goals or checks must catch it", l, d);
    }
    for (int k = 0; k < q->tempting_count; k++) {
        const struct tempting_acts *ta = &q->tempting[k];
        char line[2048] = "[";
        for (int i = 0; i < ta->count; i++) {
            char one[DSLAB_ACTION_TEXT_MAX + 40];
            dslab_action_format(&ta->acts[i], one, (int)sizeof one);
            size_t used = strlen(line);
            snprintf(line + used, sizeof line - used, "%s", i ? ", " : "");
            gr_yaml_quote(one, line, sizeof line);
        }
        size_t used = strlen(line);
        snprintf(line + used, sizeof line - used, "]");
        lint_must_fail(c, e, model, name, qi, "tempting actions", line, ta->feedback, ta->pos.line,
                       "the goals or checks must catch it", l, d);
    }
}

/* A declare question: its scenario must break a need when the model's
 * bounds are armed (else it teaches nothing), and each degenerate
 * declaration must fail with its feedback. */
static void lint_declare(const struct catalog *c, const struct exercise *e, const char *model, const char *name,
                         int qi, struct grader_exercise_lint *l, struct dslab_diag *d) {
    const struct question *q = &e->questions[qi];
    int broken = 0;
    if (grader_declare_model_breaks(e, q, &broken, d) < 0) {
        finding(l, "question '%s': the scenario does not run with the model's declarations: %s", q->id, d->message);
    } else if (broken == 0) {
        finding(l, "question '%s': no load-bearing assumption breaks in the run with the model's bounds: choose a "
                "scenario (or a seed) that breaks one", q->id);
    }
    for (int k = 0; k < q->declare->degenerate_count; k++) {
        const struct declare_degenerate *dg = &q->declare->degenerate[k];
        char line[512];
        grader_declare_format(&dg->set, line, (int)sizeof line);
        lint_must_fail(c, e, model, name, qi, "degenerate declaration", line, dg->feedback, dg->pos.line,
                       "tighten the needs' ranges or max", l, d);
    }
}

int grader_exercise_lint(const struct catalog *c, const struct exercise *e, const char *work_dir, struct grader_exercise_lint *l,
                  struct dslab_diag *d) {
    memset(l, 0, sizeof *l);
    /* An answer in the title, read_first, brief or hints: an error at its place. */
    if (grader_exercise_check_leaks(e, c->taxonomy, d) < 0) return -1;
    char name[1200];
    snprintf(name, sizeof name, "%s/%s.answers.yaml", work_dir, e->id);
    char *model = grader_grade_model_answers(c, e, d);
    if (!model) return -1;
    struct grade_result all;
    if (grade_text(c, e, model, name, -1, NULL, &all, d) < 0) {
        finding(l, "the model answers do not grade: %s", d->message);
    } else if (!all.pass || all.score_milli != all.max_milli) {
        finding(l, "the model answers (dslab reveal %s --answers) do not pass with full marks: %d.%03d of %d", e->id,
                all.score_milli / 1000, all.score_milli % 1000, all.max_milli / 1000);
    } else {
        l->model_ok = true;
    }
    for (int i = 0; i < e->questions_count; i++) {
        if (e->questions[i].misconceptions_count > 0) lint_misconceptions(c, e, model, name, i, l, d);
        if (e->questions[i].kind == Q_FIX) lint_degenerate(c, e, model, name, i, l, d);
        if (e->questions[i].kind == Q_OPERATE) lint_tempting(c, e, model, name, i, l, d);
        if (e->questions[i].kind == Q_DECLARE) lint_declare(c, e, model, name, i, l, d);
    }
    free(model);
    dslab_diag_clear(d);
    return l->out_of_memory ? dslab_diag_set(d, e->path, 0, 0, "out of memory") : 0;
}

void grader_exercise_lint_free(struct grader_exercise_lint *l) {
    for (int i = 0; i < l->count; i++) free(l->messages[i]);
    free(l->messages);
    memset(l, 0, sizeof *l);
}

bool grader_exercise_file_detect(const char *path) {
    struct dslab_ydoc doc;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    if (dslab_ydoc_load_file(&doc, path, NULL, &d) < 0) return false;
    bool is = doc.root && doc.root->kind == DSLAB_YNODE_MAPPING && dslab_ydoc_map_get(doc.root, "questions") != NULL;
    dslab_ydoc_free(&doc);
    return is;
}
