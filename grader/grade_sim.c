/* grade_sim.c: questions graded by running the simulator.
 *
 * predict: the variant (the question's --set overrides) runs at the
 *   exercise's seed; the prediction is right when the named check's
 *   verdict is what the learner said.
 * (fix questions: grade_fix.c)
 * break: the learner's fault schedule (within the budget) is added to the
 *   design; it passes when the named check fails.
 * A value the scenario loader or the protocol rejects is a malformed
 * answer: its error is moved to the answer's position in the file. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/time.h"
#include "grade_internal.h"
#include "dslab/yaml_tree.h"

/* "holds" / "fails" answers: 1 holds, 0 fails, -1 neither. */
static int parse_outcome(const char *text) {
    static const char *const holds[] = {"holds", "hold", "pass", "passes", "ok", "yes", "safe", "noviolation", "held", "true"};
    static const char *const fails[] = {"fails", "fail", "violated", "violation", "breaks", "no", "unsafe", "failed", "false", "broken"};
    char norm[64];
    grader_key_normalize_term(text, norm, (int)sizeof norm);
    for (size_t i = 0; i < sizeof holds / sizeof holds[0]; i++) {
        if (strcmp(norm, holds[i]) == 0) return 1;
    }
    for (size_t i = 0; i < sizeof fails / sizeof fails[0]; i++) {
        if (strcmp(norm, fails[i]) == 0) return 0;
    }
    return -1;
}

/* A loader or protocol error about an override: report it at `at` in the
 * answers file with the loader's message (not its scenario path, which
 * the learner did not write). */
static int answer_error(struct grade_ctx *g, const struct dslab_ynode *at, const struct dslab_diag *inner) {
    return dslab_ytree_error(g->diag, g->a->path, at, "%s", inner->message);
}

int gr_grade_predict(struct grade_ctx *g, const struct dslab_ynode *v, struct question_grade *qg) {
    const struct question *q = qg->q;
    int said = parse_outcome(v->text);
    snprintf(qg->answer, sizeof qg->answer, "%s", said == 1 ? "holds" : said == 0 ? "fails" : v->text);
    if (said < 0) {
        gr_feedback(qg, "Answer 'holds' or 'fails' (will %s hold in the variant?).", q->check);
        return 0;
    }
    struct dslab_scenario_override *ov = calloc((size_t)q->variant_count + 1, sizeof *ov);
    if (!ov) return dslab_ytree_error(g->diag, g->a->path, v, "out of memory");
    for (int i = 0; i < q->variant_count; i++) {
        ov[i].path = q->variant[i].path;
        ov[i].value = q->variant[i].value;
    }
    struct run_outcome o;
    int rc = grader_run(g->scenario_path, ov, q->variant_count, g->e->seed, g->e->seed_given, &o, g->diag);
    free(ov);
    if (rc < 0) return -1;
    const struct dslab_check_result *cr = gr_find_check(&o, q->check);
    int actual = cr && cr->verdict == DSLAB_CHECK_PASS;
    qg->pass = cr && actual == said;
    qg->score_milli = qg->pass ? q->points * 1000 : 0;
    gr_feedback(qg, "%s The variant ran: %s %s%s%s.", qg->pass ? "Right." : "Not what happened.", q->check,
       actual ? "held" : "failed", cr && !actual && cr->violations_count ? ": " : "",
       cr && !actual && cr->violations_count ? cr->violations[0].message : "");
    grader_run_outcome_free(&o);
    return 0;
}

static const char *fault_kind_of(const struct dslab_ynode *f) {
    static const char *const kinds[] = {"partition", "heal", "cut", "crash", "restart", "pause", "clock", "link", "slow", "deploy"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (dslab_ydoc_map_get(f, kinds[i])) return kinds[i];
    }
    return NULL;
}

static bool kind_allowed(const struct question *q, const char *kind) {
    static const char *const kinds[] = {"partition", "heal", "cut", "crash", "restart", "pause", "clock", "link", "slow"};
    static const uint32_t bits[] = {1u << DSLAB_FAULT_PARTITION, 1u << DSLAB_FAULT_HEAL, 1u << DSLAB_FAULT_CUT, 1u << DSLAB_FAULT_CRASH,
                                    1u << DSLAB_FAULT_RESTART, 1u << DSLAB_FAULT_PAUSE, 1u << DSLAB_FAULT_CLOCK_JUMP,
                                    1u << DSLAB_FAULT_LINK, 1u << DSLAB_FAULT_SLOW};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strcmp(kinds[i], kind) == 0) return (q->budget_kinds & bits[i]) != 0;
    }
    return false;
}

int gr_grade_break(struct grade_ctx *g, const struct dslab_ynode *v, struct question_grade *qg) {
    const struct question *q = qg->q;
    const struct dslab_ynode *list = v->kind == DSLAB_YNODE_MAPPING ? dslab_ydoc_map_get(v, "faults") : v;
    const struct dslab_ynode *seed_node = v->kind == DSLAB_YNODE_MAPPING ? dslab_ydoc_map_get(v, "seed") : NULL;
    char *shown = gr_yaml_flow_alloc(v);
    if (!shown) return dslab_ytree_error(g->diag, g->a->path, v, "out of memory");
    snprintf(qg->answer, sizeof qg->answer, "%s", shown);
    if (strlen(shown) >= sizeof qg->answer && sizeof qg->answer > 4) snprintf(qg->answer + sizeof qg->answer - 4, 4, "...");
    free(shown);
    if (list->count == 0) {
        gr_feedback(qg, "No faults, no failure: the design holds on its own.");
        return 0;
    }
    if (list->count > q->budget_faults) {
        gr_feedback(qg, "Your schedule has %d faults; the budget is %d.", list->count, q->budget_faults);
        return 0;
    }
    for (const struct dslab_ynode *f = list->first; f; f = f->next) {
        const char *kind = fault_kind_of(f);
        if (kind && !kind_allowed(q, kind)) {
            gr_feedback(qg, "Fault kind '%s' is outside the budget.", kind);
            return 0;
        }
    }
    /* The loader is the only parser of faults: the schedule goes to it as
     * a `faults` override, rendered without a size limit. */
    char *value = gr_yaml_flow_alloc(list);
    if (!value) return dslab_ytree_error(g->diag, g->a->path, v, "out of memory");
    struct dslab_scenario_override ov = {.path = "faults", .value = value};
    char design[1100];
    grader_exercise_scenario_path(g->e, q->design, design, (int)sizeof design);
    uint64_t seed = 0;
    if (seed_node) seed = strtoull(seed_node->text, NULL, 10);
    struct run_outcome o;
    struct dslab_diag inner;
    dslab_diag_clear(&inner);
    int rc = grader_run(design, &ov, 1, seed, seed_node != NULL, &o, &inner);
    free(value);
    if (rc < 0) {
        grader_run_outcome_free(&o);
        return answer_error(g, list, &inner);
    }
    const struct dslab_check_result *cr = gr_find_check(&o, q->check);
    qg->pass = cr && cr->verdict == DSLAB_CHECK_FAIL;
    qg->score_milli = qg->pass ? q->points * 1000 : 0;
    char t[32];
    if (qg->pass) {
        gr_feedback(qg, "Broken: %s failed at t=%s: %s", q->check, dslab_time_format_s(cr->violations[0].from_ns, t, sizeof t),
           cr->violations[0].message);
    } else if (!cr) {
        gr_feedback(qg, "(The design does not run the check %s: the exercise is broken.)", q->check);
    } else {
        gr_feedback(qg, "The design survived your schedule: %s held (%s).", q->check, cr->summary);
    }
    grader_run_outcome_free(&o);
    return 0;
}
