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
    struct dslab_diag *diag;
    const struct question *fix_q; /* the fix being graded */
};

/* The reference run, once (0, or -1 with diag). */
int gr_base_run(struct grade_ctx *g);
/* The check result named `name` in `o`, or NULL. */
const struct dslab_check_result *gr_find_check(const struct run_outcome *o, const char *name);

/* Appends a sentence to qg->feedback (space-separated, truncated to fit). */
void gr_feedback(struct question_grade *qg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Puts `text` before the feedback so far, as its own sentence: the
 * author's explanation comes first, the run's evidence (which may end in
 * a violation's words or a `dslab viz FILE`) after it. */
void gr_feedback_first(struct question_grade *qg, const char *text);

/* gr_grade_evidence returns the thousandths earned of the evidence half
 * (0..500), or -1. Each of the others fills qg (answered, pass, score_milli, feedback); -1 with diag
 * for answers that turn out malformed when run. */
int gr_grade_evidence(struct grade_ctx *g, const struct dslab_ynode *v, struct question_grade *qg);
int gr_grade_predict(struct grade_ctx *g, const struct dslab_ynode *v, struct question_grade *qg);
int gr_grade_fix(struct grade_ctx *g, const struct dslab_ynode *v, struct question_grade *qg);
int gr_grade_break(struct grade_ctx *g, const struct dslab_ynode *v, struct question_grade *qg);

/* ---- operate.c, operate_load.c: the operator's actions during an incident ---- */

/* Loads an operate question's keys (exercise.c calls it). */
int gr_operate_load(struct exercise *e, struct question *q, const struct dslab_ynode *qn, struct dslab_diag *d);
void gr_operate_free(struct question *q);
/* The shape of an answer: a list of "TIME:VERB[:A[:B]]" (or one), each
 * parsed; errors at the item. */
int gr_operate_check_answer(const char *file, const struct dslab_ynode *v, struct dslab_diag *d);
int gr_grade_operate(struct grade_ctx *g, const struct dslab_ynode *v, struct question_grade *qg);
/* Parses the decoded solution's lines ("2.5s:deploy:n1:1", one a line)
 * into at most max actions; the count, or -1 with err. */
int gr_operate_parse_lines(const char *text, struct dslab_action *out, int max, char *err, int err_size);

/* Runs acts[0..n) (n >= 0, in the answer's order) as operate does: with
 * `rules`, first the budget and the alert (operate); errors at the item of
 * v they came from (rules) or at v. Fills qg (pass, feedback, score);
 * 0, or -1 with diag for an action the scenario refuses. */
int gr_operate_run(struct grade_ctx *g, const struct dslab_ynode *v, struct question_grade *qg, struct dslab_action *acts,
                   int n, bool rules);

/* ---- runbook.c: an operate question with `steps:` (runbook order) ------- */

/* Loads `steps`, `start`, `every`, the tempting orders and the solution
 * (operate_load.c calls it when `steps:` is there). */
int gr_runbook_load(struct exercise *e, struct question *q, const struct dslab_ynode *qn,
                    const struct dslab_scenario *s, struct dslab_diag *d);
/* The shape of an answer: a list of step ids, each known and at most once. */
int gr_runbook_check_answer(const char *file, const struct question *q, const struct dslab_ynode *v,
                            struct dslab_diag *d);
int gr_grade_runbook(struct grade_ctx *g, const struct dslab_ynode *v, struct question_grade *qg);

/* ---- fix_apply.c: a fix as typed values on a borrowed scenario ---------- */

enum fix_value_kind { FIXV_DURATION, FIXV_INT, FIXV_BOOL, FIXV_WORD, FIXV_TEXT };

struct fix_value {
    const char *path;            /* borrowed: "protocol.lease", "faults.1" */
    enum fix_value_kind kind;    /* FIXV_TEXT: a path outside protocol., given to the loader */
    int64_t num;                 /* duration ns, integer, or bool 0/1 */
    char text[256];              /* canonical text ("2000000000ns", "true", the word) */
};

/* Parses `text` for `path` with the documented ranges (a duration 0..1 day,
 * an integer -10^9..10^9, a boolean, a word). -1 with err on a value out
 * of range. */
int grader_fix_parse_value(const char *path, const char *text, struct fix_value *out, char *err, int err_size);
/* Same path, same typed value ("2s" equals "2000ms"). */
bool grader_fix_value_equal(const struct fix_value *a, const struct fix_value *b);

/* The scenario with a fix applied: `sc` borrows `loaded` except its
 * protocol parameters and checks (the question's checks, then its goals
 * from index goals_first). Never pass `sc` to dslab_scenario_free(). */
struct fixed_scenario {
    struct dslab_scenario *loaded;     /* owned */
    struct dslab_scenario sc;
    struct dslab_scenario_param *params; /* owned */
    struct dslab_scenario_check *checks; /* owned */
    char **owned;                /* owned strings (values, check args) */
    int owned_count, owned_cap;
    int goals_first;
};

/* Builds and validates (protocol configure, checkers) the fixed scenario.
 * -1 with d set; *bad is then the index of the value at fault, or -1. */
int gr_fixed_scenario_build(const char *scenario_path, const struct question *q, const struct fix_value *v,
                         int n, struct fixed_scenario *f, struct dslab_diag *d, int *bad);
void gr_fixed_scenario_free(struct fixed_scenario *f);
/* The index of check `text` ("name", the first of that name, or "name: args"), or -1. */
int gr_fixed_scenario_check_index(const struct fixed_scenario *f, const char *text);

/* Appends `text` as a double-quoted YAML scalar (model answers). */
void gr_yaml_quote(const char *text, char *buf, size_t size);
/* A flow-style YAML rendering of `n` (scalars quoted), malloc'd; NULL when
 * out of memory. For author content and fault schedules only. */
char *gr_yaml_flow_alloc(const struct dslab_ynode *n);

#endif
