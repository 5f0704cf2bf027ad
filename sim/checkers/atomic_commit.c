/* atomic_commit.c: the atomic-commit checker (all or nothing, and blocking).
 *
 * Reads DSLAB_TRACE_ANNOTATE events tagged "txn" (value = transaction id), as
 * two-phase-commit writes them: "vote-yes", "vote-no", "commit", "abort",
 * "in-doubt" (others are ignored). Violations:
 *   - agreement: one node decided commit and another abort for the same
 *     transaction (window: first decision to the conflicting one);
 *   - validity: a node decided commit although some node voted no, or a
 *     participant committed without having voted yes;
 *   - blocking, only with an argument ("atomic-commit: 1s"): a participant
 *     stayed in doubt (voted yes, decision unknown) longer than that.
 * In-doubt time runs from "vote-yes" (or "in-doubt" after a restart) to
 * the node's decision; a crash ends it (the node is down, not waiting) and
 * the restarted node's "in-doubt" opens a new stretch; the run's end closes
 * the rest ("still in doubt at the end"). The summary reports how many
 * stretches there were and the longest, with or without a limit. A run
 * without any "txn" annotation (of a valid id) is not judged (unknown).
 *
 * Cost: one record per transaction id, in an array indexed by id (ids are
 * dense from 1); open doubts in one array, each also on two linked lists,
 * of its transaction (at most one entry per node) and of its node, so
 * opening or closing one costs O(nodes) and a crash O(k log k) for the k
 * doubts it ends, whatever the number of doubts open elsewhere. Closing
 * keeps the order of the former linear scan (a crash closes the node's
 * doubts from the last array position down; the array's last entry fills
 * a closed slot), so reports are the same. Up to 64 nodes.
 * bench/bench_checkers.c measures it; test_checker_oracles.c compares it
 * with the definition. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/check_util.h"
#include "dslab/assert.h"
#include "dslab/bits.h"
#include "dslab/check.h"

#define AC_NODES_MAX DSLAB_BITS_NODES_MAX
#define AC_TXN_ID_MAX (INT64_C(1) << 24) /* ids beyond are counted, not judged */

struct ac_txn {
    uint64_t yes_mask, no_mask, commit_mask, abort_mask;
    int64_t commit_ns, abort_ns, no_ns; /* first of each */
    uint64_t commit_id, abort_id, no_id;
    int32_t commit_node, abort_node, no_node;
    bool reported;
    size_t open_head_plus1; /* its list of open doubts: first position + 1, 0 = none */
};

#define AC_NONE SIZE_MAX

struct ac_doubt {
    int32_t node;
    int64_t txn;
    int64_t from_ns;
    uint64_t trace_id;
    size_t prev_of_txn, next_of_txn;   /* positions in `open`, AC_NONE at the ends */
    size_t prev_of_node, next_of_node;
};

struct ac_state {
    const struct dslab_scenario *scenario; /* borrowed */
    int64_t doubt_ns_max;            /* 0 = no limit */
    struct ac_txn *txns;             /* owned, index = id */
    size_t txns_capacity;
    int64_t txn_id_max;
    struct ac_doubt *open;           /* owned */
    size_t open_count, open_capacity;
    int64_t doubts, doubt_ns_longest, doubt_txn_longest;
    int32_t doubt_node_longest;
    int64_t ids_ignored;
    uint64_t voters_mask; /* nodes that ever voted: the participants */
    size_t open_of_node[AC_NODES_MAX]; /* per node: first position of its list, AC_NONE */
    size_t *scratch;                   /* owned: positions a crash closes */
    size_t scratch_capacity;
    bool out_of_memory;
    struct dslab_check_result found;
};

static int ac_create(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                     void **state_out, struct dslab_diag *diag) {
    int64_t limit_ns = 0;
    if (check_duration_argument(s, check,
                                "atomic-commit takes the longest time a participant may stay in "
                                "doubt, e.g. 'atomic-commit: 1s'",
                                &limit_ns, diag) != 0) {
        return -1;
    }
    if (check_nodes_at_most(s, check, AC_NODES_MAX, diag) != 0) return -1;
    struct ac_state *st = check_state_new(s, check, sizeof *st, diag);
    if (!st) return -1;
    st->scenario = s;
    st->doubt_ns_max = limit_ns;
    st->doubt_node_longest = -1;
    for (int i = 0; i < AC_NODES_MAX; i++) st->open_of_node[i] = AC_NONE;
    *state_out = st;
    return 0;
}

static struct ac_txn *txn_at(struct ac_state *st, int64_t id) {
    if (id <= 0 || id >= AC_TXN_ID_MAX) {
        st->ids_ignored++;
        return NULL;
    }
    struct ac_txn *grown = grow_to_index(st->txns, &st->txns_capacity, (size_t)id, sizeof *grown, 256);
    if (!grown) {
        st->out_of_memory = true;
        return NULL;
    }
    st->txns = grown;
    if (id > st->txn_id_max) st->txn_id_max = id;
    return &st->txns[id];
}

static const char *name_of(const struct ac_state *st, int32_t node) {
    return st->scenario->node_names[node];
}

/* The head of the transaction's list of open doubts, as a position. */
static size_t txn_head(const struct ac_state *st, int64_t txn) {
    return st->txns[txn].open_head_plus1 ? st->txns[txn].open_head_plus1 - 1 : AC_NONE;
}

static void set_txn_head(struct ac_state *st, int64_t txn, size_t pos) {
    st->txns[txn].open_head_plus1 = pos == AC_NONE ? 0 : pos + 1;
}

/* The open doubt of (node, txn), or AC_NONE. txn is a valid id. */
static size_t doubt_find(const struct ac_state *st, int32_t node, int64_t txn) {
    for (size_t i = txn_head(st, txn); i != AC_NONE; i = st->open[i].next_of_txn) {
        if (st->open[i].node == node) return i;
    }
    return AC_NONE;
}

static void doubt_unlink(struct ac_state *st, size_t i) {
    struct ac_doubt *d = &st->open[i];
    if (d->prev_of_txn != AC_NONE) st->open[d->prev_of_txn].next_of_txn = d->next_of_txn;
    else set_txn_head(st, d->txn, d->next_of_txn);
    if (d->next_of_txn != AC_NONE) st->open[d->next_of_txn].prev_of_txn = d->prev_of_txn;
    if (d->prev_of_node != AC_NONE) st->open[d->prev_of_node].next_of_node = d->next_of_node;
    else st->open_of_node[d->node] = d->next_of_node;
    if (d->next_of_node != AC_NONE) st->open[d->next_of_node].prev_of_node = d->prev_of_node;
}

/* Moves the doubt at `from` to the free position `to`, mending its links. */
static void doubt_move(struct ac_state *st, size_t from, size_t to) {
    struct ac_doubt *d = &st->open[to];
    *d = st->open[from];
    if (d->prev_of_txn != AC_NONE) st->open[d->prev_of_txn].next_of_txn = to;
    else set_txn_head(st, d->txn, to);
    if (d->next_of_txn != AC_NONE) st->open[d->next_of_txn].prev_of_txn = to;
    if (d->prev_of_node != AC_NONE) st->open[d->prev_of_node].next_of_node = to;
    else st->open_of_node[d->node] = to;
    if (d->next_of_node != AC_NONE) st->open[d->next_of_node].prev_of_node = to;
}

static void doubt_open(struct ac_state *st, const struct dslab_trace_event *ev) {
    if (doubt_find(st, ev->node, ev->a) != AC_NONE) return;
    struct ac_doubt *grown = grow_array(st->open, &st->open_capacity, st->open_count, sizeof *grown, 64);
    if (!grown) {
        st->out_of_memory = true;
        return;
    }
    st->open = grown;
    size_t i = st->open_count++;
    size_t txn_next = txn_head(st, ev->a), node_next = st->open_of_node[ev->node];
    st->open[i] = (struct ac_doubt){.node = ev->node, .txn = ev->a, .from_ns = ev->t_ns, .trace_id = ev->id,
                                    .prev_of_txn = AC_NONE, .next_of_txn = txn_next,
                                    .prev_of_node = AC_NONE, .next_of_node = node_next};
    if (txn_next != AC_NONE) st->open[txn_next].prev_of_txn = i;
    if (node_next != AC_NONE) st->open[node_next].prev_of_node = i;
    set_txn_head(st, ev->a, i);
    st->open_of_node[ev->node] = i;
}

/* Closes open[i] at to_ns; `ev` is the closing event or NULL at the end. */
static void doubt_close(struct ac_state *st, size_t i, int64_t to_ns, const struct dslab_trace_event *ev,
                        const char *why) {
    struct ac_doubt d = st->open[i];
    doubt_unlink(st, i);
    size_t last = --st->open_count;
    if (i != last) doubt_move(st, last, i);
    int64_t ns = to_ns - d.from_ns;
    DSLAB_ASSERT(ns >= 0); /* a doubt ends no earlier than it began */
    st->doubts++;
    if (ns > st->doubt_ns_longest) {
        st->doubt_ns_longest = ns;
        st->doubt_txn_longest = d.txn;
        st->doubt_node_longest = d.node;
    }
    if (st->doubt_ns_max <= 0 || ns <= st->doubt_ns_max) return;
    struct dslab_check_violation *v = dslab_check_result_add(
        &st->found, d.from_ns, to_ns, "%s blocked in doubt about txn %lld for %lld ms (%s)",
        name_of(st, d.node), (long long)d.txn, (long long)(ns / 1000000), why);
    dslab_check_violation_set_at(v, d.from_ns + st->doubt_ns_max);
    if (!v) return;
    dslab_check_violation_add_node(v, d.node);
    dslab_check_violation_add_evidence(v, d.trace_id);
    if (ev) dslab_check_violation_add_evidence(v, ev->id);
}

static int by_position_down(const void *pa, const void *pb) {
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    return a > b ? -1 : a < b;
}

/* Closes the node's doubt of ev->a, or with any_txn all its doubts, from
 * the last position down (filling a closed slot with the array's last
 * entry never moves one of them: those left are below it). */
static void doubt_close_matching(struct ac_state *st, const struct dslab_trace_event *ev, bool any_txn,
                                 const char *why) {
    if (!any_txn) {
        size_t i = doubt_find(st, ev->node, ev->a);
        if (i != AC_NONE) doubt_close(st, i, ev->t_ns, ev, why);
        return;
    }
    size_t k = 0;
    for (size_t i = st->open_of_node[ev->node]; i != AC_NONE; i = st->open[i].next_of_node) {
        size_t *grown = grow_array(st->scratch, &st->scratch_capacity, k, sizeof *grown, 64);
        if (!grown) {
            st->out_of_memory = true;
            return;
        }
        st->scratch = grown;
        st->scratch[k++] = i;
    }
    if (k > 1) qsort(st->scratch, k, sizeof *st->scratch, by_position_down);
    for (size_t j = 0; j < k; j++) doubt_close(st, st->scratch[j], ev->t_ns, ev, why);
}

static void report_split(struct ac_state *st, int64_t id, struct ac_txn *t) {
    if (t->reported) return;
    t->reported = true;
    bool commit_first = t->commit_ns <= t->abort_ns;
    int64_t from_ns = commit_first ? t->commit_ns : t->abort_ns;
    int64_t to_ns = commit_first ? t->abort_ns : t->commit_ns;
    struct dslab_check_violation *v = dslab_check_result_add(
        &st->found, from_ns, to_ns, "txn %lld committed at %s but aborted at %s", (long long)id,
        name_of(st, t->commit_node), name_of(st, t->abort_node));
    if (!v) return;
    dslab_check_violation_add_node(v, t->commit_node);
    dslab_check_violation_add_node(v, t->abort_node);
    dslab_check_violation_add_evidence(v, t->commit_id);
    dslab_check_violation_add_evidence(v, t->abort_id);
}

static void report_invalid_commit(struct ac_state *st, int64_t id, const struct ac_txn *t,
                                  const struct dslab_trace_event *ev) {
    bool no_vote = t->no_mask != 0;
    struct dslab_check_violation *v = dslab_check_result_add(
        &st->found, no_vote ? t->no_ns : ev->t_ns, ev->t_ns, "%s committed txn %lld %s%s",
        name_of(st, ev->node), (long long)id, no_vote ? "although it got a no vote from " :
                                                          "without having voted yes",
        no_vote ? name_of(st, t->no_node) : "");
    if (!v) return;
    dslab_check_violation_add_node(v, ev->node);
    if (no_vote) {
        dslab_check_violation_add_node(v, t->no_node);
        dslab_check_violation_add_evidence(v, t->no_id);
    }
    dslab_check_violation_add_evidence(v, ev->id);
}

static void on_decision(struct ac_state *st, struct ac_txn *t, const struct dslab_trace_event *ev,
                        bool commit) {
    uint64_t bit = dslab_bits_of(ev->node);
    if (commit) {
        bool voter = (st->voters_mask & bit) != 0; /* a participant, not a coordinator */
        if (t->no_mask || (voter && !(t->yes_mask & bit))) report_invalid_commit(st, ev->a, t, ev);
        if (!t->commit_mask) {
            t->commit_ns = ev->t_ns, t->commit_id = ev->id, t->commit_node = ev->node;
        }
        t->commit_mask |= bit;
    } else {
        if (!t->abort_mask) t->abort_ns = ev->t_ns, t->abort_id = ev->id, t->abort_node = ev->node;
        t->abort_mask |= bit;
    }
    if (t->commit_mask && t->abort_mask) report_split(st, ev->a, t);
    doubt_close_matching(st, ev, false, "then decided");
}

static void ac_on_event(void *state, const struct dslab_trace_event *ev) {
    struct ac_state *st = state;
    if (ev->node < 0 || ev->node >= st->scenario->nodes_count) return;
    if (ev->kind == DSLAB_TRACE_CRASH) {
        doubt_close_matching(st, ev, true, "until it crashed");
        return;
    }
    if (ev->kind != DSLAB_TRACE_ANNOTATE || !ev->tag || strcmp(ev->tag, "txn") != 0 || !ev->text) return;
    struct ac_txn *t = txn_at(st, ev->a);
    if (!t) return;
    uint64_t bit = dslab_bits_of(ev->node);
    if (strncmp(ev->text, "vote-", 5) == 0) st->voters_mask |= bit;
    if (strcmp(ev->text, "vote-yes") == 0) {
        t->yes_mask |= bit;
        doubt_open(st, ev);
    } else if (strcmp(ev->text, "in-doubt") == 0) {
        doubt_open(st, ev);
    } else if (strcmp(ev->text, "vote-no") == 0) {
        if (!t->no_mask) t->no_ns = ev->t_ns, t->no_id = ev->id, t->no_node = ev->node;
        t->no_mask |= bit;
        if (t->commit_mask) report_invalid_commit(st, ev->a, t, ev);
        on_decision(st, t, ev, false); /* a no vote is a unilateral abort */
    } else if (strcmp(ev->text, "commit") == 0) {
        on_decision(st, t, ev, true);
    } else if (strcmp(ev->text, "abort") == 0) {
        on_decision(st, t, ev, false);
    }
}

static void ac_finish(void *state, const struct dslab_history *history, int64_t end_ns,
                      struct dslab_check_result *result) {
    (void)history;
    struct ac_state *st = state;
    while (st->open_count > 0) doubt_close(st, st->open_count - 1, end_ns, NULL, "still in doubt at the end");
    int64_t committed = 0, aborted = 0, split = 0;
    for (int64_t id = 1; id <= st->txn_id_max; id++) {
        const struct ac_txn *t = &st->txns[id];
        committed += t->commit_mask && !t->abort_mask;
        aborted += t->abort_mask && !t->commit_mask;
        split += t->commit_mask && t->abort_mask;
    }
    check_result_take(result, &st->found);
    if (st->out_of_memory && result->verdict == DSLAB_CHECK_PASS) result->verdict = DSLAB_CHECK_UNKNOWN;
    if (result->verdict == DSLAB_CHECK_PASS && st->txn_id_max == 0) {
        check_not_judged(result, "no node annotated a transaction (tag \"txn\"), so none could be judged");
        return;
    }
    char longest[96] = "";
    if (st->doubt_node_longest >= 0) {
        snprintf(longest, sizeof longest, " (%s, txn %lld)", name_of(st, st->doubt_node_longest),
                 (long long)st->doubt_txn_longest);
    }
    snprintf(result->summary, sizeof result->summary,
             "%lld committed, %lld aborted, %lld split; %lld in-doubt stretches, longest %lld ms%s",
             (long long)committed, (long long)aborted, (long long)split, (long long)st->doubts,
             (long long)(st->doubt_ns_longest / 1000000), longest);
}

static void ac_destroy(void *state) {
    struct ac_state *st = state;
    if (!st) return;
    free(st->txns);
    free(st->open);
    free(st->scratch);
    free(st);
}

const struct dslab_checker checker_atomic_commit = CHECKER(ac, "atomic-commit",
    "all nodes that decide a transaction decide the same; optional in-doubt limit");
