/* grade_internal.h (private): shared state of one grading, between
 * grade.c (taxonomy answers, evidence, explanations, the verdict) and
 * grade_sim.c (questions graded by running: predict, fix, break). */
#ifndef DSLAB_GRADER_GRADE_INTERNAL_H
#define DSLAB_GRADER_GRADE_INTERNAL_H

#include "grader.h"

struct grade_ctx {
    const struct catalog *c;
    const struct exercise *e;
    const struct answers *a;
    char scenario_path[1100];
    bool base_done;
    int base_rc;
    struct run_outcome base;    /* the exercise's scenario at its seed */
    struct diag *diag;
    const struct question *fix_q; /* the fix being graded */
};

/* The reference run, once (0, or -1 with diag). */
int grade_base_run(struct grade_ctx *g);
/* The check result named `name` in `o`, or NULL. */
const struct check_result *grade_find_check(const struct run_outcome *o, const char *name);

/* Appends a sentence to qg->feedback (space-separated, truncated to fit). */
void fb(struct question_grade *qg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Each fills qg (answered, pass, score_milli, feedback); -1 with diag
 * for answers that turn out malformed when run. */
int grade_predict(struct grade_ctx *g, const struct ynode *v, struct question_grade *qg);
int grade_fix(struct grade_ctx *g, const struct ynode *v, struct question_grade *qg);
int grade_break(struct grade_ctx *g, const struct ynode *v, struct question_grade *qg);

/* "holds" / "fails" answers: 1 holds, 0 fails, -1 neither. */
int grade_parse_outcome(const char *text);

/* Appends a flow-style YAML rendering of `n` to buf (scalars quoted). */
void yaml_flow(const struct ynode *n, char *buf, size_t size);
/* Appends `text` as a double-quoted YAML scalar. */
void yaml_quote(const char *text, char *buf, size_t size);

#endif
