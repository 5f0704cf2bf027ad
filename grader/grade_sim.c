/* grade_sim.c: questions graded by running the simulator.
 *
 * predict: the variant (the question's --set overrides) runs at the
 *   exercise's seed; the prediction is right when the named check's
 *   verdict is what the learner said.
 * fix: the learner's parameter changes run over seeds_count seeds from
 *   seeds_from, with the question's goals added as checks; it passes only
 *   if every check holds on every seed. An empty fix is the unfixed
 *   scenario, and fails like it.
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
#include "yutil.h"

#define FIX_OVERRIDES_MAX 40

void yaml_quote(const char *text, char *buf, size_t size) {
    size_t n = strlen(buf);
    if (n + 1 < size) buf[n++] = '"';
    for (const char *p = text; *p && n + 3 < size; p++) {
        if (*p == '"' || *p == '\\') buf[n++] = '\\';
        if (*p == '\n') {
            buf[n++] = '\\';
            buf[n++] = 'n';
            continue;
        }
        buf[n++] = *p;
    }
    if (n + 1 < size) buf[n++] = '"';
    buf[n < size ? n : size - 1] = 0;
}

void yaml_flow(const struct ynode *n, char *buf, size_t size) {
    size_t used = strlen(buf);
    if (n->kind == YNODE_SCALAR) {
        if (ydoc_is_null(n)) snprintf(buf + used, size - used, "~");
        else yaml_quote(n->text, buf, size);
        return;
    }
    bool map = n->kind == YNODE_MAPPING;
    snprintf(buf + used, size - used, "%s", map ? "{" : "[");
    for (const struct ynode *i = n->first; i; i = i->next) {
        used = strlen(buf);
        snprintf(buf + used, size - used, "%s", i == n->first ? "" : ", ");
        if (map) {
            used = strlen(buf);
            snprintf(buf + used, size - used, "%s: ", i->text);
            yaml_flow(i->value, buf, size);
        } else {
            yaml_flow(i, buf, size);
        }
    }
    used = strlen(buf);
    snprintf(buf + used, size - used, "%s", map ? "}" : "]");
}

int grade_parse_outcome(const char *text) {
    static const char *const holds[] = {"holds", "hold", "pass", "passes", "ok", "yes", "safe", "noviolation", "held", "true"};
    static const char *const fails[] = {"fails", "fail", "violated", "violation", "breaks", "no", "unsafe", "failed", "false", "broken"};
    char norm[64];
    key_normalize_term(text, norm, (int)sizeof norm);
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
static int answer_error(struct grade_ctx *g, const struct ynode *at, const struct diag *inner) {
    return yu_error(g->diag, g->a->path, at, "%s", inner->message);
}

int grade_predict(struct grade_ctx *g, const struct ynode *v, struct question_grade *qg) {
    const struct question *q = qg->q;
    int said = grade_parse_outcome(v->text);
    snprintf(qg->answer, sizeof qg->answer, "%s", said == 1 ? "holds" : said == 0 ? "fails" : v->text);
    if (said < 0) {
        fb(qg, "Answer 'holds' or 'fails' (will %s hold in the variant?).", q->check);
        return 0;
    }
    struct scenario_override ov[32];
    for (int i = 0; i < q->variant_count && i < 32; i++) {
        ov[i].path = q->variant[i].path;
        ov[i].value = q->variant[i].value;
    }
    struct run_outcome o;
    if (grader_run(g->scenario_path, ov, q->variant_count, g->e->seed, g->e->seed_given, &o, g->diag) < 0) return -1;
    const struct check_result *cr = grade_find_check(&o, q->check);
    int actual = cr && cr->verdict == CHECK_PASS;
    qg->pass = cr && actual == said;
    qg->score_milli = qg->pass ? q->points * 1000 : 0;
    fb(qg, "%s The variant ran: %s %s%s%s.", qg->pass ? "Right." : "Not what happened.", q->check,
       actual ? "held" : "failed", cr && !actual && cr->violations_count ? ": " : "",
       cr && !actual && cr->violations_count ? cr->violations[0].message : "");
    run_outcome_free(&o);
    return 0;
}

/* The answer key whose override an error names ("--set PATH=..."). */
static const struct ynode *override_node(const struct ynode *map, const struct diag *inner) {
    if (strncmp(inner->file, "--set ", 6) == 0) {
        for (const struct ynode *k = map->first; k; k = k->next) {
            size_t len = strlen(k->text);
            if (strncmp(inner->file + 6, k->text, len) == 0 && inner->file[6 + len] == '=') return k->value;
        }
    }
    return map;
}

static int fix_overrides(struct grade_ctx *g, const struct ynode *v, struct scenario_override *ov,
                         char *checks_list, size_t checks_size, int *count) {
    const struct question *q = g->fix_q;
    int n = 0;
    if (q->fix_checks_count > 0) {
        /* The question grades with its own checks: "checks=[a, b]". */
        snprintf(checks_list, checks_size, "[");
        for (int i = 0; i < q->fix_checks_count; i++) {
            size_t used = strlen(checks_list);
            snprintf(checks_list + used, checks_size - used, "%s", i ? ", " : "");
            yaml_quote(q->fix_checks[i], checks_list, checks_size);
        }
        size_t used = strlen(checks_list);
        snprintf(checks_list + used, checks_size - used, "]");
        ov[n].path = "checks";
        ov[n].value = checks_list;
        n++;
    }
    for (const struct ynode *k = v->first; k && n < FIX_OVERRIDES_MAX - 8; k = k->next) {
        ov[n].path = k->text;
        ov[n].value = k->value->text;
        n++;
    }
    /* Goals are appended as checks: find how many the scenario has. */
    struct diag inner;
    diag_clear(&inner);
    struct scenario *s = scenario_load(g->scenario_path, ov, n, NULL, &inner);
    if (!s) return answer_error(g, override_node(v, &inner), &inner);
    int checks = s->checks_count;
    scenario_free(s);
    *count = n;
    return checks;
}

int grade_fix(struct grade_ctx *g, const struct ynode *v, struct question_grade *qg) {
    const struct question *q = qg->q;
    struct scenario_override ov[FIX_OVERRIDES_MAX];
    char storage[8][160];
    int n = 0;
    qg->answer[0] = 0;
    yaml_flow(v, qg->answer, sizeof qg->answer);
    char checks_list[1024];
    g->fix_q = q;
    int checks = fix_overrides(g, v, ov, checks_list, sizeof checks_list, &n);
    if (checks < 0) return -1;
    for (int i = 0; i < q->goals_count && i < 8; i++) {
        snprintf(storage[i], sizeof storage[i], "checks.%d", checks + i);
        ov[n].path = storage[i];
        ov[n].value = q->goals[i];
        n++;
    }
    if (v->count == 0) fb(qg, "You changed nothing: this is the unfixed design.");
    int failed = 0;
    uint64_t first_seed = 0;
    char first[1100] = "";
    for (int i = 0; i < q->seeds_count; i++) {
        uint64_t seed = q->seeds_from + (uint64_t)i;
        struct run_outcome o;
        struct diag inner;
        diag_clear(&inner);
        if (grader_run(g->scenario_path, ov, n, seed, true, &o, &inner) < 0) {
            run_outcome_free(&o);
            return answer_error(g, override_node(v, &inner), &inner);
        }
        int f = run_outcome_first_failure(&o);
        if (f >= 0 || !o.ran) {
            if (failed++ == 0) {
                first_seed = seed;
                if (!o.ran) snprintf(first, sizeof first, "%s", o.error);
                else snprintf(first, sizeof first, "%s: %s", o.checks[f].name,
                              o.checks[f].violations_count ? o.checks[f].violations[0].message : o.checks[f].summary);
            }
        }
        run_outcome_free(&o);
    }
    qg->pass = failed == 0;
    qg->score_milli = qg->pass ? q->points * 1000 : 0;
    if (qg->pass) {
        fb(qg, "The fix holds on all %d seeds (%" PRIu64 "..%" PRIu64 ")%s.", q->seeds_count, q->seeds_from,
           q->seeds_from + (uint64_t)q->seeds_count - 1, q->goals_count ? ", goals included" : "");
    } else {
        fb(qg, "The fix fails on %d of %d seeds. First: seed %" PRIu64 ": %s", failed, q->seeds_count, first_seed, first);
    }
    return 0;
}

static const char *fault_kind_of(const struct ynode *f) {
    static const char *const kinds[] = {"partition", "heal", "cut", "crash", "restart", "pause", "clock", "link", "slow"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (ydoc_map_get(f, kinds[i])) return kinds[i];
    }
    return NULL;
}

static bool kind_allowed(const struct question *q, const char *kind) {
    static const char *const kinds[] = {"partition", "heal", "cut", "crash", "restart", "pause", "clock", "link", "slow"};
    static const uint32_t bits[] = {1u << FAULT_PARTITION, 1u << FAULT_HEAL, 1u << FAULT_CUT, 1u << FAULT_CRASH,
                                    1u << FAULT_RESTART, 1u << FAULT_PAUSE, 1u << FAULT_CLOCK_JUMP,
                                    1u << FAULT_LINK, 1u << FAULT_SLOW};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strcmp(kinds[i], kind) == 0) return (q->budget_kinds & bits[i]) != 0;
    }
    return false;
}

int grade_break(struct grade_ctx *g, const struct ynode *v, struct question_grade *qg) {
    const struct question *q = qg->q;
    const struct ynode *list = v->kind == YNODE_MAPPING ? ydoc_map_get(v, "faults") : v;
    const struct ynode *seed_node = v->kind == YNODE_MAPPING ? ydoc_map_get(v, "seed") : NULL;
    qg->answer[0] = 0;
    yaml_flow(v, qg->answer, sizeof qg->answer);
    if (list->count == 0) {
        fb(qg, "No faults, no failure: the design holds on its own.");
        return 0;
    }
    if (list->count > q->budget_faults) {
        fb(qg, "Your schedule has %d faults; the budget is %d.", list->count, q->budget_faults);
        return 0;
    }
    for (const struct ynode *f = list->first; f; f = f->next) {
        const char *kind = fault_kind_of(f);
        if (kind && !kind_allowed(q, kind)) {
            fb(qg, "Fault kind '%s' is outside the budget.", kind);
            return 0;
        }
    }
    char *value = calloc(1, 8192);
    if (!value) return yu_error(g->diag, g->a->path, v, "out of memory");
    yaml_flow(list, value, 8192);
    struct scenario_override ov = {.path = "faults", .value = value};
    char design[1100];
    exercise_scenario_path(g->e, q->design, design, (int)sizeof design);
    uint64_t seed = 0;
    if (seed_node) seed = strtoull(seed_node->text, NULL, 10);
    struct run_outcome o;
    struct diag inner;
    diag_clear(&inner);
    int rc = grader_run(design, &ov, 1, seed, seed_node != NULL, &o, &inner);
    free(value);
    if (rc < 0) {
        run_outcome_free(&o);
        return answer_error(g, list, &inner);
    }
    const struct check_result *cr = grade_find_check(&o, q->check);
    qg->pass = cr && cr->verdict == CHECK_FAIL;
    qg->score_milli = qg->pass ? q->points * 1000 : 0;
    char t[32];
    if (qg->pass) {
        fb(qg, "Broken: %s failed at t=%s: %s", q->check, time_format_s(cr->violations[0].from_ns, t, sizeof t),
           cr->violations[0].message);
    } else if (!cr) {
        fb(qg, "(The design does not run the check %s: the exercise is broken.)", q->check);
    } else {
        fb(qg, "The design survived your schedule: %s held (%s).", q->check, cr->summary);
    }
    run_outcome_free(&o);
    return 0;
}
