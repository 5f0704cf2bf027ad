/* counter_exact.c: `counter-exact: BOUND` (default 1s): after quiescence,
 * every replica's count equals what the clients were told.
 *
 * For counters updated by `write` (increment by 1) and `cas` (decrement by
 * 1), as the crdt protocol takes them (docs/PROTOCOLS.md). Per key: ok
 * increments count certainly, failed ones not at all, and those whose
 * outcome is unknown (info, or never completed) may or may not have
 * happened; likewise decrements. So a replica's final count must lie in
 *   [ok_inc - ok_dec - unknown_dec,  ok_inc + unknown_inc - ok_dec]
 * (exactly ok_inc - ok_dec when nothing is unknown). A key a node does not
 * report counts as 0. The judging point, the "not judged" cases and the
 * window of a violation are convergence's (final_state.h: the bound after
 * the last fault or write); each live replica and key off the range is one
 * violation citing the replica's "final" annotation. */
#include <inttypes.h>
#include <stdio.h>

#include "checkers/check_util.h"
#include "checkers/final_state.h"
#include "checkers/final_state_judge.h"
#include "checkers/update_ops.h"
#include "dslab/check.h"

struct cx_tally {
    int64_t ok_inc, ok_dec, unknown_inc, unknown_dec;
};

struct cx_run {
    struct final_state_bounded *st;
    struct dslab_check_result *result;
    int64_t from_ns, end_ns;
    int64_t judged, off;
    char example[96];
};

static void judge_key(struct cx_run *run, int64_t key, const struct cx_tally *t) {
    const struct final_state *fs = &run->st->fs;
    int64_t lo = t->ok_inc - t->ok_dec - t->unknown_dec;
    int64_t hi = t->ok_inc + t->unknown_inc - t->ok_dec;
    for (int32_t i = 0; i < fs->nodes_count; i++) {
        if (!final_state_live(fs, i)) continue;
        const struct final_value *v = final_state_find(fs, i, key);
        int64_t value = v ? v->value : 0;
        run->judged++;
        if (value >= lo && value <= hi) continue;
        run->off++;
        const char *name = run->st->scenario->node_names[i];
        char expected[64];
        if (lo == hi) snprintf(expected, sizeof expected, "%" PRId64, lo);
        else snprintf(expected, sizeof expected, "%" PRId64 "..%" PRId64, lo, hi);
        if (run->off == 1) {
            snprintf(run->example, sizeof run->example, "k%" PRId64 " on %s: %" PRId64
                     ", expected %s", key, name, value, expected);
        }
        struct dslab_check_violation *cv = dslab_check_result_add(
            run->result, run->from_ns, run->end_ns,
            "counter k%" PRId64 " on %s is %" PRId64 ", but %" PRId64 " increments and %" PRId64
            " decrements were acknowledged (expected %s): %" PRId64 " %s",
            key, name, value, t->ok_inc, t->ok_dec, expected,
            value < lo ? lo - value : value - hi, value < lo ? "missing" : "too many");
        dslab_check_violation_add_node(cv, i);
        dslab_check_violation_add_evidence(cv, v ? v->trace_id : fs->nodes[i].report_trace_id);
    }
}

static void tally_add(struct cx_tally *t, const struct update_op *u) {
    bool ok = u->outcome == DSLAB_OP_OK, unknown = u->outcome == DSLAB_OP_INFO;
    if (u->positive) {
        t->ok_inc += ok;
        t->unknown_inc += unknown;
    } else {
        t->ok_dec += ok;
        t->unknown_dec += unknown;
    }
}

static void cx_finish(void *state, const struct dslab_history *history, int64_t end_ns,
                      struct dslab_check_result *result) {
    struct final_state_bounded *st = state;
    struct update_ops ops;
    if (!final_state_judgeable_updates(st, history, end_ns, result, &ops)) return;
    struct cx_run run = {.st = st, .result = result, .from_ns = st->quiet_from_ns + st->bound_ns,
                         .end_ns = end_ns};
    struct cx_tally all = {0};
    int64_t counters = 0;
    for (size_t i = 0; i < ops.count;) {
        struct cx_tally t = {0};
        size_t j = i;
        for (; j < ops.count && ops.ops[j].key == ops.ops[i].key; j++) tally_add(&t, &ops.ops[j]);
        judge_key(&run, ops.ops[i].key, &t);
        all.ok_inc += t.ok_inc;
        all.ok_dec += t.ok_dec;
        counters++;
        i = j;
    }
    /* Keys a replica holds that no client updated: they must be 0. */
    const struct final_state *fs = &st->fs;
    int64_t key;
    for (size_t k = 0; final_state_next_unupdated(fs, &ops, &k, &key);) {
        struct cx_tally zero = {0};
        judge_key(&run, key, &zero);
        counters++;
    }
    update_ops_free(&ops);
    result->verdict = run.off ? DSLAB_CHECK_FAIL : DSLAB_CHECK_PASS;
    if (run.off) {
        snprintf(result->summary, sizeof result->summary,
                 "%" PRId64 " of %" PRId64 " replica counts are not the acknowledged count (%s)",
                 run.off, run.judged, run.example);
    } else {
        snprintf(result->summary, sizeof result->summary,
                 "%d replicas hold the acknowledged count of %" PRId64 " counters (%" PRId64
                 " increments, %" PRId64 " decrements acknowledged)",
                 (int)final_state_reported_live(fs), counters, all.ok_inc, all.ok_dec);
    }
}

const struct dslab_checker checker_counter_exact = FINAL_STATE_AGREEMENT_CHECKER(cx, "counter-exact",
    "after quiescence every replica's count is the acknowledged increments minus decrements");
