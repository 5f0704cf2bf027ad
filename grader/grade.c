/* grade.c: grading an answers file against an exercise and its run.
 *
 * Taxonomy answers (failure-mode, trade-off, assumption) are resolved to a
 * term (synonyms and case folded; typos get "did you mean") and compared
 * by salted hash with the key; a known misconception gets its own
 * feedback. Evidence (time window, nodes, cause) is graded against the
 * violations the checker found in the reference run (grade_evidence.c);
 * an assumption must also be one the run's monitors saw break.
 * Explanations are scored by a rubric of concepts and always flagged for a
 * mentor. The exercise passes when every question but the explanations
 * passes. Scores are kept in thousandths of a point. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/time.h"
#include "grade_internal.h"
#include "grader_declare.h"
#include "dslab/yaml_tree.h"

void gr_feedback(struct question_grade *qg, const char *fmt, ...) {
    size_t used = strlen(qg->feedback);
    if (used + 2 >= sizeof qg->feedback) return;
    /* The text so far ends a sentence before the next one starts: a
     * violation's words ("... c1 (token 1) after c2 (token 2)") carry no
     * full stop of their own, and must not run into the next sentence. A
     * sentence left open on purpose (':' ';' ',') is continued. */
    if (used && used + 3 < sizeof qg->feedback) {
        char last = qg->feedback[used - 1];
        if (isalnum((unsigned char)last) || last == ')' || last == '"' || last == '\'' || last == ']') {
            qg->feedback[used++] = '.';
        }
        qg->feedback[used++] = ' ';
        qg->feedback[used] = 0;
    } else if (used) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(qg->feedback + used, sizeof qg->feedback - used, fmt, ap);
    va_end(ap);
}

void gr_feedback_first(struct question_grade *qg, const char *text) {
    char rest[sizeof qg->feedback];
    snprintf(rest, sizeof rest, "%s", qg->feedback);
    qg->feedback[0] = 0;
    gr_feedback(qg, "%s", text);
    if (rest[0]) gr_feedback(qg, "%s", rest);
}

int gr_base_run(struct grade_ctx *g) {
    if (!g->base_done) {
        g->base_done = true;
        g->base_rc = grader_run(g->scenario_path, NULL, 0, g->e->seed, g->e->seed_given, &g->base, g->diag);
    }
    return g->base_rc;
}

const struct dslab_check_result *gr_find_check(const struct run_outcome *o, const char *name) {
    for (int i = 0; i < o->checks_count; i++) {
        if (strcmp(o->checks[i].name, name) == 0) return &o->checks[i];
    }
    return NULL;
}

static bool key_matches(const struct exercise *e, const struct question *q, const struct term *t) {
    char h[GRADER_HASH_LEN + 1];
    grader_key_hash(e->salt, t->id, h);
    for (int i = 0; i < q->keys_count; i++) {
        if (strcmp(q->keys[i], h) == 0) return true;
    }
    return false;
}

static const struct misconception *misconception_of(const struct exercise *e, const struct question *q,
                                                    const struct term *t) {
    char h[GRADER_HASH_LEN + 1];
    grader_key_hash(e->salt, t->id, h);
    for (int i = 0; i < q->misconceptions_count; i++) {
        if (strcmp(q->misconceptions[i].hash, h) == 0) return &q->misconceptions[i];
    }
    return NULL;
}

static enum term_kind kind_of(enum question_kind k) {
    return k == Q_TRADE_OFF ? TERM_TRADE_OFF : k == Q_ASSUMPTION ? TERM_ASSUMPTION : TERM_FAILURE_MODE;
}

/* The assumption's monitor in the reference run, or NULL. */
static const struct dslab_assumption_state *monitor_of(struct grade_ctx *g, const struct term *t) {
    if (!t->monitor || gr_base_run(g) < 0) return NULL;
    for (int i = 0; i < DSLAB_SIM_ASSUMPTIONS_COUNT; i++) {
        if (g->base.assumptions[i].name && strcmp(g->base.assumptions[i].name, t->monitor) == 0) {
            return &g->base.assumptions[i];
        }
    }
    return NULL;
}

/* Whether a normalized side names one of the ';'-separated phrases (whole
 * words, stemmed like the side). */
static bool side_names(const char *side, char *phrases) {
    char padded[600], pn[256], pp[260];
    snprintf(padded, sizeof padded, " %s ", side);
    for (char *save = NULL, *p = strtok_r(phrases, ";", &save); p; p = strtok_r(NULL, ";", &save)) {
        grader_key_normalize_words(p, true, pn, (int)sizeof pn);
        snprintf(pp, sizeof pp, " %s ", pn);
        if (pn[0] && strstr(padded, pp)) return true;
    }
    return false;
}

/* A trade-off said with a direction ("A over B", "A rather than B", "A at
 * the expense of B": A kept, B given up) against the question's declared
 * direction. Returns -1 when the answer has it the wrong way round, 1 when
 * the right way, 0 when it states no direction ("A vs B", a bare term) or
 * the sides are not recognisably either. */
static int trade_off_direction(const struct exercise *e, const struct question *q, const char *text) {
    static const char *const directional[] = {" over ", " rather than ", " instead of ", " at the expense of ",
                                              " at the cost of ", " before "};
    static const char *const neutral[] = {" vs ", " v ", " versus ", " against ", " for ", " and "};
    char plain[GRADER_TEXT_MAX], words[520];
    if (!q->direction || grader_key_decode(e->salt, q->direction, plain, (int)sizeof plain) < 0) return 0;
    grader_key_normalize_words(text, true, words + 1, (int)sizeof words - 2);
    words[0] = ' ';
    strcat(words, " ");
    char *at = NULL;
    size_t len = 0;
    for (size_t i = 0; i < sizeof directional / sizeof directional[0]; i++) {
        char *hit = strstr(words, directional[i]);
        if (hit && (!at || hit < at)) at = hit, len = strlen(directional[i]);
    }
    if (!at) return 0;
    for (size_t i = 0; i < sizeof neutral / sizeof neutral[0]; i++) {
        char *hit = strstr(words, neutral[i]);
        if (hit && hit < at) return 0; /* "A vs B, B over ..." : no clear direction */
    }
    *at = 0;
    const char *kept_side = words + 1, *lost_side = at + len;
    char *bar = strchr(plain, '|');
    *bar = 0;
    char kept[GRADER_TEXT_MAX], lost[GRADER_TEXT_MAX];
    snprintf(kept, sizeof kept, "%s", plain);
    snprintf(lost, sizeof lost, "%s", bar + 1);
    char k1[GRADER_TEXT_MAX], k2[GRADER_TEXT_MAX], l1[GRADER_TEXT_MAX], l2[GRADER_TEXT_MAX];
    memcpy(k1, kept, sizeof kept), memcpy(k2, kept, sizeof kept), memcpy(l1, lost, sizeof lost), memcpy(l2, lost, sizeof lost);
    bool first_kept = side_names(kept_side, k1), first_lost = side_names(kept_side, l1);
    bool second_kept = side_names(lost_side, k2), second_lost = side_names(lost_side, l2);
    if ((first_lost && !first_kept) || (second_kept && !second_lost)) return -1;
    if ((first_kept && !first_lost) || (second_lost && !second_kept)) return 1;
    return 0;
}

/* Returns 1 when the term answer is right, 0 when wrong, -1 on error. */
static int grade_term(struct grade_ctx *g, const char *text, struct question_grade *qg, struct grade_result *r) {
    const struct question *q = qg->q;
    enum term_kind kind = kind_of(q->kind);
    const struct term *t = grader_taxonomy_find(g->c->taxonomy, text, kind);
    if (!t) {
        const struct term *other = grader_taxonomy_find(g->c->taxonomy, text, TERM_KIND_COUNT);
        const struct term *near = grader_taxonomy_suggest(g->c->taxonomy, text, kind);
        grader_key_normalize_words(text, false, qg->answer, (int)sizeof qg->answer);
        if (other) {
            const char *is = grader_term_kind_name(other->kind), *wanted = grader_term_kind_name(kind);
            gr_feedback(qg, "'%s' is %s %s, but this question asks for %s %s.", text, grader_article(is), is,
                        grader_article(wanted), wanted);
        }
        else if (near) gr_feedback(qg, "'%s' is not in the taxonomy (did you mean '%s'?).", text, near->name);
        else gr_feedback(qg, "'%s' is not in the taxonomy: `dslab explain TERM` lists the terms.", text);
        return 0;
    }
    snprintf(qg->answer, sizeof qg->answer, "%s", t->id);
    if (key_matches(g->e, q, t)) {
        if (q->kind == Q_ASSUMPTION) {
            const struct dslab_assumption_state *m = monitor_of(g, t);
            if (t->monitor && (!m || !m->violated)) {
                gr_feedback(qg, "'%s' is the right idea, but its monitor did not fire in this run.", t->name);
                return 0;
            }
            if (m) {
                char at[32];
                gr_feedback(qg, "Right: %s; its monitor fired at t=%s (%s).", t->name, dslab_time_format_s(m->violated_at_ns, at, sizeof at), m->message);
                if (r->hits_count < 16) r->hits[r->hits_count++].term_id = t->id;
                return 1;
            }
        }
        if (q->kind == Q_TRADE_OFF && trade_off_direction(g->e, q, text) < 0) {
            gr_feedback(qg, "The right trade-off (%s), but the wrong way round: your answer says the design kept "
               "what it gave up. Which side did it pay with?", t->name);
            qg->misconception = "the trade-off named the wrong way round";
            /* Reports show what was said, not the term it matched. */
            grader_key_normalize_words(text, false, qg->answer, (int)sizeof qg->answer);
            return 0;
        }
        gr_feedback(qg, "Right: %s.", t->name);
        if (r->hits_count < 16) r->hits[r->hits_count++].term_id = t->id;
        return 1;
    }
    const struct misconception *mc = misconception_of(g->e, q, t);
    if (mc) {
        qg->misconception = mc->feedback;
        gr_feedback(qg, "Not quite: %s", mc->feedback);
        return 0;
    }
    if (q->kind == Q_ASSUMPTION) {
        const struct dslab_assumption_state *m = monitor_of(g, t);
        if (m && m->violated) gr_feedback(qg, "'%s' did break in this run, but it is not the assumption the failure rested on.", t->name);
        else if (m && m->declared) gr_feedback(qg, "'%s' held for the whole run: its monitor never fired.", t->name);
        else if (t->monitor) gr_feedback(qg, "'%s' is not declared in this scenario's assumptions, so nothing shows it broke.", t->name);
    }
    if (q->feedback_wrong) gr_feedback(qg, "%s", q->feedback_wrong);
    else if (!qg->feedback[0]) gr_feedback(qg, "'%s' is a real %s, but not the one at work here.", t->name, grader_term_kind_name(kind));
    return 0;
}

static int grade_taxonomy_question(struct grade_ctx *g, const struct dslab_ynode *v, struct question_grade *qg,
                                   struct grade_result *r) {
    const struct question *q = qg->q;
    const char *text = v->kind == DSLAB_YNODE_SCALAR ? v->text : dslab_ydoc_map_get(v, "mode")->text;
    int right = grade_term(g, text, qg, r);
    if (right < 0) return -1;
    int milli = right ? 1000 : 0;
    bool pass = right;
    if (q->kind == Q_FAILURE_MODE && q->evidence) {
        int ev = gr_grade_evidence(g, v, qg);
        if (ev < 0) return -1;
        milli = (right ? 500 : 0) + ev;
        pass = right && ev == 500;
    }
    qg->pass = pass;
    qg->score_milli = milli * q->points;
    return 0;
}

/* Rubric concepts "name: phrase; phrase" found as whole words. */
static void grade_explain(struct grade_ctx *g, const char *text, struct question_grade *qg) {
    const struct question *q = qg->q;
    /* The whole text, however long: nothing is cut before matching. */
    size_t len = strlen(text);
    char *norm = malloc(len + 4), *padded = malloc(len + 6);
    if (!norm || !padded) {
        free(norm);
        free(padded);
        gr_feedback(qg, "(Out of memory while reading the explanation.)");
        qg->needs_review = true;
        return;
    }
    grader_key_normalize_words(text, true, norm, (int)(len + 4));
    snprintf(padded, len + 6, " %s ", norm);
    snprintf(qg->answer, sizeof qg->answer, "%s", text);
    int found = 0;
    char found_list[600] = "", missed_list[600] = "";
    for (int i = 0; i < q->rubric_count; i++) {
        char concept[GRADER_TEXT_MAX];
        if (grader_key_decode(g->e->salt, q->rubric[i], concept, (int)sizeof concept) < 0) continue;
        char *colon = strchr(concept, ':');
        char *phrases = colon ? colon + 1 : concept;
        if (colon) *colon = 0;
        bool hit = false;
        for (char *p = strtok(phrases, ";"); p && !hit; p = strtok(NULL, ";")) {
            char pn[256], pp[260];
            grader_key_normalize_words(p, true, pn, (int)sizeof pn);
            snprintf(pp, sizeof pp, " %s ", pn);
            hit = pn[0] && strstr(padded, pp) != NULL;
        }
        char *list = hit ? found_list : missed_list;
        size_t used = strlen(list);
        /* A long list is cut at 600 bytes: the return value is not needed. */
        if (snprintf(list + used, 600 - used, "%s%s", used ? "; " : "", concept) < 0) break;
        found += hit;
    }
    free(norm);
    free(padded);
    qg->pass = found >= q->rubric_min;
    qg->score_milli = q->points * 1000 * found / (q->rubric_count ? q->rubric_count : 1);
    qg->needs_review = true;
    gr_feedback(qg, "Rubric: %d of %d concepts (%d needed).", found, q->rubric_count, q->rubric_min);
    if (found_list[0]) gr_feedback(qg, "Found: %s.", found_list);
    if (missed_list[0]) gr_feedback(qg, "Not found: %s.", missed_list);
    gr_feedback(qg, "A mentor will review this answer.");
}

static int grade_one(struct grade_ctx *g, struct question_grade *qg, struct grade_result *r) {
    const struct question *q = qg->q;
    const struct dslab_ynode *v = g->a ? grader_answers_get(g->a, q->id) : NULL;
    qg->answered = v != NULL;
    if (!v) {
        gr_feedback(qg, "Not answered.");
        qg->needs_review = q->kind == Q_EXPLAIN;
        return 0;
    }
    switch (q->kind) {
    case Q_FAILURE_MODE:
    case Q_TRADE_OFF:
    case Q_ASSUMPTION: return grade_taxonomy_question(g, v, qg, r);
    case Q_PREDICT: return gr_grade_predict(g, v, qg);
    case Q_FIX: return gr_grade_fix(g, v, qg);
    case Q_BREAK: return gr_grade_break(g, v, qg);
    case Q_OPERATE: return gr_grade_operate(g, v, qg);
    case Q_DECLARE: return gr_grade_declare(g, v, qg);
    case Q_EXPLAIN: grade_explain(g, v->text, qg); return 0;
    default: return 0;
    }
}

int grader_grade_answers(const struct catalog *c, const struct exercise *e, const struct answers *a,
                  struct grade_result *out, struct dslab_diag *diag) {
    memset(out, 0, sizeof *out);
    out->e = e;
    out->q = calloc((size_t)e->questions_count, sizeof *out->q);
    if (!out->q) return dslab_diag_set(diag, e->path, 0, 0, "out of memory");
    out->count = e->questions_count;
    struct grade_ctx g = {.c = c, .e = e, .a = a, .diag = diag};
    grader_exercise_scenario_path(e, e->scenario, g.scenario_path, (int)sizeof g.scenario_path);
    int rc = 0;
    bool all = true;
    for (int i = 0; i < e->questions_count && rc == 0; i++) {
        struct question_grade *qg = &out->q[i];
        qg->q = &e->questions[i];
        rc = grade_one(&g, qg, out);
        out->score_milli += qg->score_milli;
        out->max_milli += qg->q->points * 1000;
        if (qg->q->kind != Q_EXPLAIN && !qg->pass) all = false;
    }
    out->pass = rc == 0 && all;
    if (g.base_done && g.base_rc == 0) {
        int f = grader_run_outcome_first_failure(&g.base);
        snprintf(out->run_summary, sizeof out->run_summary, "%s",
                 f < 0 ? "all checks held in the reference run" : g.base.checks[f].summary);
    }
    grader_run_outcome_free(&g.base);
    if (rc < 0) grader_grade_result_free(out);
    return rc;
}

void grader_grade_result_free(struct grade_result *r) {
    free(r->q);
    r->q = NULL;
    r->count = 0;
}
