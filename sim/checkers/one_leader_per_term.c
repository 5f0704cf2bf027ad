/* one_leader_per_term.c: Raft's Election Safety, checked in true time.
 *
 * Leadership is read from typed role reports (dslab_ctx_report_role,
 * dslab/annotation.h): a report of a leading class (DSLAB_ROLE_LEADER, or
 * DSLAB_ROLE_PRIMARY for epoch-based protocols) with value = term starts a
 * leadership; any other role report, or a crash of the node, ends it.
 * The text of the report plays no part. At the end, every term held by two different nodes is a violation:
 * the window runs from the second election to the end of the overlap (or
 * the second election itself when the first had already ended), the nodes
 * are both leaders, the evidence the two "role" annotations. A run in
 * which no node reported any role is not judged (unknown): a verdict
 * must be a claim, and "no term had two leaders" would claim nothing.
 *
 * The file also holds leader-available, the liveness side (see below).
 *
 * The records are kept by leaderships.h (shared with single_primary.c):
 * one per leadership; finish sorts them by (term, start, trace id). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/check_util.h"
#include "checkers/leaderships.h"
#include "dslab/assert.h"
#include "dslab/check.h"
#include "scenario/units.h"

/* The reason every role-based checker gives when no node reported a role. */
#define NO_ROLE_REPORTS "no node reported a role (dslab_ctx_report_role), so no leader could be seen"

struct olpt_state {
    const struct dslab_scenario *scenario; /* borrowed: outlives the checker */
    struct leaderships leaders;            /* owned */
};

static int olpt_create(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                       void **state_out, struct dslab_diag *diag) {
    if (check_no_arguments(s, check, diag) != 0) {
        return -1;
    }
    struct olpt_state *st = calloc(1, sizeof *st);
    if (!st || leaderships_init(&st->leaders, s->nodes_count) != 0) {
        free(st);
        return dslab_diag_set(diag, s->path, check->pos.line, check->pos.col, "out of memory");
    }
    st->scenario = s;
    *state_out = st;
    return 0;
}

static void olpt_on_event(void *state, const struct dslab_trace_event *ev) {
    struct olpt_state *st = state;
    leaderships_follow(&st->leaders, ev);
}

static void report(const void *ctx, const struct leadership *first, const struct leadership *second,
                   int64_t from_ns, int64_t to_ns, struct dslab_check_result *result) {
    const struct olpt_state *st = ctx;
    const char *a = st->scenario->node_names[first->node];
    const char *b = st->scenario->node_names[second->node];
    struct dslab_check_violation *v = dslab_check_result_add(result, from_ns, to_ns,
                                                 "two leaders in term %lld (%s, %s)",
                                                 (long long)first->term, a, b);
    leaderships_violation_pair(v, first, second, from_ns);
}

static void olpt_finish(void *state, const struct dslab_history *history, int64_t end_ns,
                        struct dslab_check_result *result) {
    (void)history;
    struct olpt_state *st = state;
    leaderships_close(&st->leaders, end_ns);
    int64_t terms = 0;
    int64_t bad_terms = leaderships_same_term(&st->leaders, report, st, result, &terms);
    if (st->leaders.out_of_memory) {
        result->verdict = result->verdict == DSLAB_CHECK_FAIL ? DSLAB_CHECK_FAIL : DSLAB_CHECK_UNKNOWN;
        snprintf(result->summary, sizeof result->summary, "out of memory while recording leaders");
        return;
    }
    if (st->leaders.role_reports == 0) {
        check_not_judged(result, NO_ROLE_REPORTS);
    } else if (bad_terms > 0) {
        snprintf(result->summary, sizeof result->summary, "%lld of %lld terms had two leaders",
                 (long long)bad_terms, (long long)terms);
    } else {
        result->verdict = DSLAB_CHECK_PASS;
        snprintf(result->summary, sizeof result->summary,
                 "%lld terms had a leader, none had two", (long long)terms);
    }
}

static void olpt_destroy(void *state) {
    struct olpt_state *st = state;
    if (st) {
        leaderships_free(&st->leaders);
        free(st);
    }
}

const struct dslab_checker checker_one_leader_per_term = CHECKER(olpt, "one-leader-per-term",
    "no two nodes lead in the same term (Raft's Election Safety)");

/* --- leader-available and leader-stable: the liveness side -----------------
 * Election Safety holds trivially when nobody is ever elected, so split
 * votes and a flapping leader need their own oracles; both follow who
 * leads exactly as above.
 *
 * leader-available [DURATION, default 1s]: every stretch of true time in
 * which no node leads (from t=0 until the first election, and after each
 * leader steps down or crashes until the next is elected) longer than the
 * argument is a violation; the nodes are the leaders on either side (all
 * nodes when there was none), the evidence the annotations that opened and
 * closed the gap. An isolated old leader still counts as a leader: this
 * checks elections, not what clients see.
 *
 * leader-stable [N, default 0]: at most N leader changes after the first
 * election; each further election (a new leader, or the same node in a
 * new term) is a violation from the previous election to this one, with
 * both leaders and both annotations. A one-way partition that keeps
 * deposing leaders shows up here. Without any role report leader-stable
 * is not judged (unknown); leader-available then sees no leader at all. */
#define LEADER_GAP_NS_DEFAULT INT64_C(1000000000)

enum elections_mode { MODE_GAPS, MODE_CHANGES };

struct elections_state {
    const struct dslab_scenario *scenario; /* borrowed */
    enum elections_mode mode;
    int32_t nodes_count;
    int64_t gap_ns_max;      /* MODE_GAPS */
    int64_t changes_max;     /* MODE_CHANGES */
    uint8_t *leading;        /* per node; owned */
    int32_t leaders;
    int64_t gap_from_ns;
    int32_t gap_prev_leader; /* -1 = none */
    uint64_t gap_from_trace_id;
    bool gap_from_has_trace;
    int64_t elections;
    int64_t gap_ns_longest;
    int64_t first_leader_ns; /* -1 until someone leads */
    int64_t last_election_ns;
    int32_t last_leader;
    int64_t last_term;       /* the term of that election (the role report's) */
    uint64_t last_election_trace_id;
    int64_t role_reports; /* none: leader-stable has nothing to judge */
    struct dslab_check_result found; /* violations seen while the run goes, copied at finish */
};

static int elections_create(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                            enum elections_mode mode, void **state_out, struct dslab_diag *diag) {
    int64_t arg = mode == MODE_GAPS ? LEADER_GAP_NS_DEFAULT : 0;
    if (check->args && check->args[0]) {
        char err[DSLAB_UNITS_ERR_MAX];
        int rc = mode == MODE_GAPS
                     ? dslab_units_parse_duration_ns(check->args, false, &arg, err, sizeof err)
                     : dslab_units_parse_int(check->args, 0, INT32_MAX, &arg, err, sizeof err);
        if (rc != 0 || (mode == MODE_GAPS && arg <= 0)) {
            return dslab_diag_set(diag, s->path, check->pos.line, check->pos.col, "%s (got '%s')",
                            mode == MODE_GAPS
                                ? "leader-available takes the longest allowed leaderless "
                                  "gap, e.g. 'leader-available: 1s'"
                                : "leader-stable takes the number of leader changes "
                                  "allowed, e.g. 'leader-stable: 1'",
                            check->args);
        }
    }
    struct elections_state *st = calloc(1, sizeof *st);
    int32_t n = s->nodes_count > 0 ? s->nodes_count : 1;
    if (st) {
        st->leading = calloc((size_t)n, 1);
    }
    if (!st || !st->leading) {
        free(st);
        return dslab_diag_set(diag, s->path, check->pos.line, check->pos.col, "out of memory");
    }
    st->scenario = s;
    st->mode = mode;
    st->nodes_count = s->nodes_count;
    st->gap_ns_max = arg;
    st->changes_max = arg;
    st->gap_prev_leader = -1;
    st->first_leader_ns = -1;
    st->last_leader = -1;
    *state_out = st;
    return 0;
}

static int gap_create(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                      void **state_out, struct dslab_diag *diag) {
    return elections_create(s, check, MODE_GAPS, state_out, diag);
}

static int stable_create(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                         void **state_out, struct dslab_diag *diag) {
    return elections_create(s, check, MODE_CHANGES, state_out, diag);
}

/* A gap [gap_from_ns, to_ns) ended (next_leader >= 0) or the run did. */
static void gap_close(struct elections_state *st, int64_t to_ns, int32_t next_leader,
                      uint64_t trace_id) {
    int64_t gap_ns = to_ns - st->gap_from_ns;
    if (gap_ns > st->gap_ns_longest) {
        st->gap_ns_longest = gap_ns;
    }
    if (st->mode != MODE_GAPS || gap_ns <= st->gap_ns_max) {
        return;
    }
    struct dslab_check_violation *v = dslab_check_result_add(
        &st->found, st->gap_from_ns, to_ns, "no leader for %lld ms%s",
        (long long)(gap_ns / 1000000), next_leader >= 0 ? "" : " (until the end of the run)");
    if (!v) {
        return;
    }
    dslab_check_violation_set_at(v, st->gap_from_ns + st->gap_ns_max);
    if (st->gap_prev_leader < 0 && next_leader < 0) {
        for (int32_t i = 0; i < st->nodes_count && i < DSLAB_CHECK_VIOLATION_NODES_MAX; i++) {
            dslab_check_violation_add_node(v, i);
        }
    }
    if (st->gap_prev_leader >= 0) {
        dslab_check_violation_add_node(v, st->gap_prev_leader);
    }
    if (next_leader >= 0 && next_leader != st->gap_prev_leader) {
        dslab_check_violation_add_node(v, next_leader);
    }
    if (st->gap_from_has_trace) {
        dslab_check_violation_add_evidence(v, st->gap_from_trace_id);
    }
    if (next_leader >= 0) {
        dslab_check_violation_add_evidence(v, trace_id);
    }
}

static void on_election(struct elections_state *st, const struct dslab_trace_event *ev) {
    st->elections++;
    if (st->first_leader_ns < 0) {
        st->first_leader_ns = ev->t_ns;
    }
    if (st->mode == MODE_CHANGES && st->elections - 1 > st->changes_max) {
        const char *a = st->scenario->node_names[st->last_leader];
        const char *b = st->scenario->node_names[ev->node];
        /* The same node elected again in a newer term is a change of
         * leadership too (a new election), but "n1 -> n1" reads as a no-op:
         * say it was re-elected, and from which term. */
        struct dslab_check_violation *v =
            ev->node == st->last_leader
                ? dslab_check_result_add(&st->found, st->last_election_ns, ev->t_ns,
                                   "leader change %lld: %s re-elected in term %lld (it led term %lld)",
                                   (long long)(st->elections - 1), b, (long long)ev->a,
                                   (long long)st->last_term)
                : dslab_check_result_add(&st->found, st->last_election_ns, ev->t_ns,
                                   "leader change %lld: %s (term %lld) -> %s (term %lld)",
                                   (long long)(st->elections - 1), a, (long long)st->last_term, b,
                                   (long long)ev->a);
        if (v) {
            dslab_check_violation_add_node(v, st->last_leader);
            if (ev->node != st->last_leader) {
                dslab_check_violation_add_node(v, ev->node);
            }
            dslab_check_violation_add_evidence(v, st->last_election_trace_id);
            dslab_check_violation_add_evidence(v, ev->id);
        }
    }
    st->last_election_ns = ev->t_ns;
    st->last_leader = ev->node;
    st->last_term = ev->a;
    st->last_election_trace_id = ev->id;
}

static void set_leading(struct elections_state *st, const struct dslab_trace_event *ev, bool leading) {
    int32_t node = ev->node;
    if (leading) {
        on_election(st, ev); /* also a re-election in a new term without stepping down */
    }
    if (st->leading[node] == leading) {
        return;
    }
    st->leading[node] = leading;
    if (leading) {
        if (st->leaders++ == 0) {
            gap_close(st, ev->t_ns, node, ev->id);
        }
    } else if (--st->leaders == 0) {
        st->gap_from_ns = ev->t_ns;
        st->gap_prev_leader = node;
        st->gap_from_trace_id = ev->id;
        st->gap_from_has_trace = true;
    }
}

static void elections_on_event(void *state, const struct dslab_trace_event *ev) {
    struct elections_state *st = state;
    if (ev->node < 0 || ev->node >= st->nodes_count) {
        return;
    }
    if (ev->kind == DSLAB_TRACE_CRASH) {
        set_leading(st, ev, false);
    } else if (ev->kind == DSLAB_TRACE_ANNOTATE && ev->annotation == DSLAB_ANNOTATION_ROLE) {
        st->role_reports++;
        set_leading(st, ev, dslab_role_class_leads(ev->role));
    }
}

static void elections_finish(void *state, const struct dslab_history *history, int64_t end_ns,
                             struct dslab_check_result *result) {
    (void)history;
    struct elections_state *st = state;
    if (st->leaders == 0) {
        gap_close(st, end_ns, -1, 0);
    }
    check_result_take(result, &st->found);
    char first[32] = "never";
    if (st->first_leader_ns >= 0) {
        snprintf(first, sizeof first, "%lld ms", (long long)(st->first_leader_ns / 1000000));
    }
    snprintf(result->summary, sizeof result->summary,
             "%lld elections, first leader after %s, longest leaderless gap %lld ms",
             (long long)st->elections, first, (long long)(st->gap_ns_longest / 1000000));
    if (st->mode == MODE_CHANGES && st->role_reports == 0) {
        check_not_judged(result, NO_ROLE_REPORTS);
    }
}

static void elections_destroy(void *state) {
    struct elections_state *st = state;
    if (st) {
        free(st->leading);
        free(st);
    }
}

const struct dslab_checker checker_leader_available = CHECKER_CREATE(elections, gap_create, "leader-available",
    "no stretch without a leader longer than the argument (default 1s)");

const struct dslab_checker checker_leader_stable = CHECKER_CREATE(elections, stable_create, "leader-stable",
    "at most N leader changes after the first election (default 0)");
