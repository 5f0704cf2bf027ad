/* grade_evidence.c: the evidence of a failure-mode answer, against what
 * the checker of the question found in the reference run.
 *
 *   { mode: TERM, from: 1.2s, to: 1.5s, nodes: [n1, n2], cause: "crash n1 at 1.49s" }
 *
 * The window (from, to), with the question's tolerance:
 *   - must overlap a violation of the check;
 *   - must not end before the first violation, nor at or before the
 *     earliest fault that caused them (a cause: the run without it, or
 *     without it and some of the other faults that could share the blame
 *     while the run without those others alone still violates, no longer
 *     violates the check; grade_causes.c);
 *   - must not start before both the violations it overlaps and the
 *     earliest fault they need (less the tolerance), and may be at most
 *     twice the longest violation it overlaps (its span, and again its
 *     span or the time from its cause to its end), plus the tolerance on
 *     each side: a window over the whole run is not evidence.
 * The nodes must all be involved in violations the window overlaps (the
 * union over them, not the first one).
 * The cause, a fault as `dslab run` lists it (its kind, node(s) and time),
 * must be a fault of the run that is a cause in that sense: with shared
 * fate (two crashes, each enough) either one is.
 * A window and a cause are both time evidence; given both, both must be
 * right. Half the question's points are the term, a quarter the time
 * evidence, a quarter the nodes (a right cause names its nodes). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/time.h"
#include "dslab/explore_engine.h"
#include "grade_causes.h"
#include "grade_internal.h"
#include "dslab/units.h"
#include "dslab/yaml_tree.h"

static bool overlaps(const struct dslab_check_violation *v, int64_t from_ns, int64_t to_ns, int64_t tol) {
    return from_ns <= v->to_ns + tol && to_ns >= v->from_ns - tol;
}

static bool violation_has_node(const struct dslab_check_violation *v, int node) {
    for (int k = 0; k < v->nodes_count; k++) {
        if (v->nodes[k] == node) return true;
    }
    return false;
}

/* ---- the cause --------------------------------------------------------- */

static const char *const kind_words[] = {"partition", "heal", "cut", "crash", "restart", "pause", "clock", "link", "slow"};

static int kind_of_word(const char *w) {
    for (int i = 0; i < (int)(sizeof kind_words / sizeof kind_words[0]); i++) {
        if (strcmp(kind_words[i], w) == 0) return i;
    }
    return -1;
}

struct cause {
    int kind;          /* index in kind_words, -1 when none */
    bool at_given;
    int64_t at_ns;
    int nodes_count;
    int nodes[8];
    char unknown[DSLAB_NAME_MAX]; /* a node-like name the run does not have */
};

/* Letters then digits ("n9", "store2"): reads as a node name. */
static bool node_like(const char *w) {
    const char *p = w;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) p++;
    if (p == w || !*p) return false;
    while (*p >= '0' && *p <= '9') p++;
    return *p == 0;
}

static void cause_add_node(struct cause *c, const struct dslab_scenario *s, const char *word, bool structured) {
    int idx = dslab_scenario_node_index(s, word);
    if (idx >= 0) {
        bool seen = false;
        for (int i = 0; i < c->nodes_count; i++) seen |= c->nodes[i] == idx;
        if (!seen && c->nodes_count < 8) c->nodes[c->nodes_count++] = idx;
    } else if ((structured || node_like(word)) && !c->unknown[0] && strlen(word) < sizeof c->unknown) {
        snprintf(c->unknown, sizeof c->unknown, "%s", word);
    }
}

/* The node names inside a fault's value ({ from: n1, to: n2 }, [n1],
 * n1); the mapping keys are the fault's own words, not nodes. */
static void cause_collect_nodes(struct cause *c, const struct dslab_scenario *s, const struct dslab_ynode *n) {
    if (n->kind == DSLAB_YNODE_SCALAR) {
        if (!dslab_ydoc_is_null(n)) cause_add_node(c, s, n->text, true);
        return;
    }
    for (const struct dslab_ynode *i = n->first; i; i = i->next) {
        cause_collect_nodes(c, s, n->kind == DSLAB_YNODE_MAPPING ? i->value : i);
    }
}

/* "crash n1 at 1.49s", or { at: 1.49s, crash: n1 } as in a scenario. */
static void cause_parse(const struct dslab_ynode *n, const struct dslab_scenario *s, struct cause *c) {
    memset(c, 0, sizeof *c);
    c->kind = -1;
    char err[DSLAB_UNITS_ERR_MAX];
    if (n->kind == DSLAB_YNODE_MAPPING) {
        for (const struct dslab_ynode *k = n->first; k; k = k->next) {
            if (strcmp(k->text, "at") == 0 && k->value->kind == DSLAB_YNODE_SCALAR) {
                c->at_given = dslab_units_parse_duration_ns(k->value->text, false, &c->at_ns, err, (int)sizeof err) == 0;
            } else if (c->kind < 0 && kind_of_word(k->text) >= 0) {
                c->kind = kind_of_word(k->text);
                cause_collect_nodes(c, s, k->value);
            }
        }
        return;
    }
    char text[256];
    if (snprintf(text, sizeof text, "%s", n->text) >= (int)sizeof text) return; /* too long: no kind, asked again */
    bool next_is_time = false;
    for (char *save = NULL, *w = strtok_r(text, " \t,;()", &save); w; w = strtok_r(NULL, " \t,;()", &save)) {
        if (next_is_time) {
            c->at_given = dslab_units_parse_duration_ns(w, false, &c->at_ns, err, (int)sizeof err) == 0;
            next_is_time = false;
        } else if (strcmp(w, "at") == 0) {
            next_is_time = true;
        } else if (c->kind < 0 && kind_of_word(w) >= 0) {
            c->kind = kind_of_word(w);
        } else {
            cause_add_node(c, s, w, false);
        }
    }
}

static bool fault_kind_matches(int word, enum dslab_fault_kind k) {
    static const enum dslab_fault_kind of_word[] = {DSLAB_FAULT_PARTITION, DSLAB_FAULT_HEAL, DSLAB_FAULT_CUT, DSLAB_FAULT_CRASH, DSLAB_FAULT_RESTART,
                                              DSLAB_FAULT_PAUSE, DSLAB_FAULT_CLOCK_JUMP, DSLAB_FAULT_LINK, DSLAB_FAULT_SLOW};
    if (word == 6) return k == DSLAB_FAULT_CLOCK_JUMP || k == DSLAB_FAULT_CLOCK_DRIFT;
    return of_word[word] == k;
}

static bool fault_involves(const struct dslab_fault *f, int node) {
    if (f->node == node || f->peer == node) return true;
    return f->kind == DSLAB_FAULT_PARTITION; /* a partition involves every node */
}

/* The scenario fault the cause names, or -1. */
static int cause_match(const struct cause *c, const struct dslab_scenario *s, int64_t tol) {
    for (int i = 0; i < s->faults_count; i++) {
        const struct dslab_fault *f = &s->faults[i];
        if (!fault_kind_matches(c->kind, f->kind)) continue;
        if (c->at_ns > f->at_ns + tol || c->at_ns < f->at_ns - tol) continue;
        bool all = true;
        for (int k = 0; k < c->nodes_count; k++) all &= fault_involves(f, c->nodes[k]);
        if (all) return i;
    }
    return -1;
}

/* Why a fault of the run is not a cause, into qg's feedback. */
static void feedback_not_cause(const struct causes *cs, const struct dslab_scenario *s, int i, const char *desc,
                               struct question_grade *qg) {
    const struct question *q = qg->q;
    if (cs->cand_count < 2) {
        gr_feedback(qg, "The run without the %s still violates %s: that fault is not what caused it.", desc, q->check);
    } else if (cs->complete) {
        char others[600];
        uint64_t all = cs->cand_count >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << cs->cand_count) - 1;
        for (int p = 0; p < cs->cand_count && p < 64; p++) {
            if (cs->cand[p] == i) all &= ~(UINT64_C(1) << p);
        }
        gr_causes_describe_mask(cs, s, all, others, (int)sizeof others);
        gr_feedback(qg, "The run without the %s still violates %s, and removing it never makes the difference, "
           "also together with the other faults that could share the blame (the %s): that fault is not what caused it.",
           desc, q->check, others);
    } else {
        gr_feedback(qg, "The run without the %s still violates %s, and so does every run without it and up to a few "
           "of the other %d faults that could share the blame (%d runs tried): the grader does not count it as a "
           "cause. Name a fault whose removal makes the check hold.", desc, q->check, cs->cand_count - 1, cs->runs);
    }
}

/* 1 right, 0 wrong (feedback written), -1 error. */
static int grade_cause(const struct dslab_ynode *n, const struct dslab_scenario *s, const struct causes *cs,
                       struct question_grade *qg) {
    const struct question *q = qg->q;
    struct cause c;
    cause_parse(n, s, &c);
    if (c.kind < 0 || !c.at_given) {
        gr_feedback(qg, "Give the cause as a fault the way `dslab run` lists it: its kind, node(s) and time, like "
           "\"crash n1 at 1.49s\".");
        return 0;
    }
    char t[32], desc[200];
    if (c.unknown[0]) {
        gr_feedback(qg, "'%s' is not a node of this run (its nodes are %s..%s).", c.unknown, s->node_names[0],
           s->node_names[s->nodes_count - 1]);
        return 0;
    }
    int i = cause_match(&c, s, q->tolerance_ns);
    if (i < 0) {
        gr_feedback(qg, "This run has no %s%s near t=%s (the faults are in the timeline of `dslab run`).", kind_words[c.kind],
           c.nodes_count ? " of those nodes" : "", dslab_time_format_s(c.at_ns, t, sizeof t));
        return 0;
    }
    dslab_explore_fault_describe(s, &s->faults[i], desc, (int)sizeof desc);
    if (!cs->cause[i]) {
        feedback_not_cause(cs, s, i, desc, qg);
        return 0;
    }
    if (cs->alone[i]) {
        gr_feedback(qg, "Right cause: without the %s, %s holds.", desc, q->check);
    } else {
        char with[600];
        gr_causes_describe_mask(cs, s, cs->with_mask[i], with, (int)sizeof with);
        gr_feedback(qg, "Right cause (shared fate): without the %s alone, %s still fails, because the %s does the "
           "same harm; without both, it holds.", desc, q->check, with);
    }
    return 1;
}

/* ---- window and nodes -------------------------------------------------- */

static int grade_window(const struct question *q, const struct dslab_check_result *cr, int64_t from_ns, int64_t to_ns,
                        const struct dslab_scenario *s, const bool *cause, struct question_grade *qg) {
    int64_t tol = q->tolerance_ns;
    char a[32], b[32], c[32];
    const struct dslab_check_violation *first = NULL, *longest = NULL, *earliest_in = NULL;
    for (int i = 0; i < cr->violations_count; i++) {
        const struct dslab_check_violation *v = &cr->violations[i];
        if (!first || v->from_ns < first->from_ns) first = v;
        if (!overlaps(v, from_ns, to_ns, tol)) continue;
        if (!longest || v->to_ns - v->from_ns > longest->to_ns - longest->from_ns) longest = v;
        if (!earliest_in || v->from_ns < earliest_in->from_ns) earliest_in = v;
    }
    int earliest = -1;
    for (int i = 0; i < s->faults_count; i++) {
        if (cause[i] && (earliest < 0 || s->faults[i].at_ns < s->faults[earliest].at_ns)) earliest = i;
    }
    if (to_ns < first->from_ns - tol) {
        gr_feedback(qg, "Your window ends at %s, before the first violation of %s (at %s).", dslab_time_format_s(to_ns, a, sizeof a),
           q->check, dslab_time_format_s(first->from_ns, b, sizeof b));
        return 0;
    }
    if (earliest >= 0 && to_ns <= s->faults[earliest].at_ns) {
        char desc[200];
        dslab_explore_fault_describe(s, &s->faults[earliest], desc, (int)sizeof desc);
        gr_feedback(qg, "Your window ends at %s, before the fault the violation needs (%s): evidence comes after its cause.",
           dslab_time_format_s(to_ns, a, sizeof a), desc);
        return 0;
    }
    if (!longest) {
        gr_feedback(qg, "Your window does not overlap any violation of %s (the first is at %s .. %s).", q->check,
           dslab_time_format_s(first->from_ns, a, sizeof a), dslab_time_format_s(first->to_ns, b, sizeof b));
        return 0;
    }
    /* It may start at the cause (the earliest fault that is a cause) or at the
     * violation, whichever is first, not long before both. */
    int64_t lead_ns = earliest_in->from_ns;
    if (earliest >= 0 && s->faults[earliest].at_ns < lead_ns) lead_ns = s->faults[earliest].at_ns;
    if (from_ns < lead_ns - tol) {
        gr_feedback(qg, "Your window starts at %s, long before anything happened: the violation it covers starts at %s%s%s. "
           "Narrow it to when it happened.", dslab_time_format_s(from_ns, a, sizeof a),
           dslab_time_format_s(earliest_in->from_ns, b, sizeof b), earliest >= 0 ? " and its cause at " : "",
           earliest >= 0 ? dslab_time_format_s(s->faults[earliest].at_ns, c, sizeof c) : "");
        return 0;
    }
    /* Twice the violation's span plus the tolerance each side; a window
     * that starts at the cause may also cover the time from the cause to
     * the violation. */
    int64_t span = longest->to_ns - longest->from_ns;
    int64_t from_cause = earliest >= 0 && s->faults[earliest].at_ns < longest->from_ns
                             ? longest->to_ns - s->faults[earliest].at_ns : span;
    int64_t allowed = span + from_cause + 2 * tol;
    if (to_ns - from_ns > allowed) {
        gr_feedback(qg, "Your window is %s wide; the violation it covers lasts %s: narrow it to when it happened "
           "(at most %s).", dslab_time_format_s(to_ns - from_ns, a, sizeof a), dslab_time_format_s(span, b, sizeof b),
           dslab_time_format_s(allowed, c, sizeof c));
        return 0;
    }
    return 1;
}

/* 1 all named nodes are involved, 0 not (feedback), -1 error. */
static int grade_nodes(struct grade_ctx *g, const struct dslab_ynode *nodes, const struct dslab_check_result *cr,
                       int64_t from_ns, int64_t to_ns, bool window, const struct dslab_scenario *s,
                       struct question_grade *qg) {
    int64_t tol = qg->q->tolerance_ns;
    bool any_overlap = false, unconstrained = false;
    for (int i = 0; i < cr->violations_count; i++) {
        const struct dslab_check_violation *v = &cr->violations[i];
        if (window && !overlaps(v, from_ns, to_ns, tol)) continue;
        any_overlap = true;
        unconstrained |= v->nodes_count == 0;
    }
    /* A window that overlaps nothing: judge the nodes against every violation. */
    if (!any_overlap) window = false;
    int ok = 1;
    for (const struct dslab_ynode *n = nodes->first; n; n = n->next) {
        int idx = dslab_scenario_node_index(s, n->text);
        if (idx < 0) {
            return dslab_ytree_error(g->diag, g->a->path, n, "unknown node '%s' (the scenario's nodes are %s..%s)", n->text,
                            s->node_names[0], s->node_names[s->nodes_count - 1]);
        }
        bool in = unconstrained;
        for (int i = 0; i < cr->violations_count && !in; i++) {
            const struct dslab_check_violation *v = &cr->violations[i];
            if (window && !overlaps(v, from_ns, to_ns, tol)) continue;
            in = violation_has_node(v, idx);
        }
        if (!in) {
            gr_feedback(qg, "%s was not involved in %s.", n->text, window ? "the violations in your window" : "any violation");
            ok = 0;
        }
    }
    return ok;
}

int gr_grade_evidence(struct grade_ctx *g, const struct dslab_ynode *v, struct question_grade *qg) {
    const struct question *q = qg->q;
    const struct dslab_ynode *from = v->kind == DSLAB_YNODE_MAPPING ? dslab_ydoc_map_get(v, "from") : NULL;
    const struct dslab_ynode *cause = v->kind == DSLAB_YNODE_MAPPING ? dslab_ydoc_map_get(v, "cause") : NULL;
    const struct dslab_ynode *nodes = v->kind == DSLAB_YNODE_MAPPING ? dslab_ydoc_map_get(v, "nodes") : NULL;
    if (!from && !cause) {
        gr_feedback(qg, "Give the evidence too: the time window (from, to) and the nodes, or the fault that caused it (cause).");
        return 0;
    }
    int64_t from_ns = 0, to_ns = 0;
    if (from && dslab_ytree_duration(g->diag, g->a->path, from, false, &from_ns) < 0) return -1;
    if (from && dslab_ytree_duration(g->diag, g->a->path, dslab_ydoc_map_get(v, "to"), false, &to_ns) < 0) return -1;
    if (gr_base_run(g) < 0) return -1;
    const struct dslab_check_result *cr = gr_find_check(&g->base, q->check);
    if (!cr || cr->violations_count == 0) {
        gr_feedback(qg, "(The reference run found no violation of %s, so the evidence was not graded.)", q->check);
        return 500;
    }
    struct dslab_scenario *s = dslab_scenario_load(g->scenario_path, NULL, 0, NULL, g->diag);
    if (!s) return -1;
    struct causes cs;
    int rc = gr_causes_compute(s, g->e->seed_given ? g->e->seed : s->seed, q->check, &cs, g->diag);
    int time_ok = 1, cause_ok = 0, nodes_ok = 0;
    if (rc >= 0 && from) time_ok = grade_window(q, cr, from_ns, to_ns, s, cs.cause, qg);
    if (rc >= 0 && cause) {
        cause_ok = grade_cause(cause, s, &cs, qg);
        if (cause_ok < 0) rc = -1;
        else time_ok = time_ok && cause_ok;
    }
    if (rc >= 0 && nodes && nodes->count > 0) {
        nodes_ok = grade_nodes(g, nodes, cr, from_ns, to_ns, from != NULL, s, qg);
        if (nodes_ok < 0) rc = -1;
    } else if (rc >= 0 && cause_ok) {
        nodes_ok = 1; /* the cause names its nodes */
    } else if (rc >= 0) {
        gr_feedback(qg, "Name the nodes involved.");
    }
    gr_causes_free(&cs);
    dslab_scenario_free(s);
    if (rc < 0) return -1;
    int earned = (time_ok ? 250 : 0) + (nodes_ok ? 250 : 0);
    if (earned == 500 && from) {
        char a[32], b[32];
        gr_feedback(qg, "The evidence matches what %s found between %s and %s.", q->check, dslab_time_format_s(from_ns, a, sizeof a),
           dslab_time_format_s(to_ns, b, sizeof b));
    }
    return earned;
}
