/* set_membership.c: `set-membership: BOUND` (default 1s): after
 * quiescence, every replica's set keeps what the clients were told.
 *
 * For sets updated by `write` (add element = key) and `cas` (remove it),
 * as the crdt protocol takes them (docs/PROTOCOLS.md); a replica's final
 * value of a key is 1 when the element is in its set, 0 when not (a key
 * it does not report: not in it). Failed operations did not happen;
 * unknown ones (info, never completed) may have, at any time after their
 * invoke. Per element, on every live replica:
 *
 *  1. an acknowledged add after which nothing removed it - every remove of
 *     the element that did not fail completed before the add was invoked -
 *     must be in the set (else: a lost add);
 *  2. an acknowledged remove after which nothing added it, and which saw
 *     every add - every add of the element was acknowledged by the same
 *     node before the remove was invoked, so that node held them all -
 *     must be out of the set (else: the remove was undone);
 *  3. an element no add (ok or unknown) ever named must be out of the set.
 *
 * Where neither 1 nor 2 applies (a remove concurrent with an add, or one
 * at a node that may not have seen an add yet), either outcome is right:
 * an add-wins set keeps the element, a remove-wins set drops it. So a
 * correct observed-remove set passes whatever the timing, and a
 * last-writer-wins set fails when a clock skewed its stamps: rule 1 when
 * a remove at a fast clock outranks a later add, rule 2 when a node's
 * clock went back between its adds and its remove. The judging point and
 * the violation window are convergence's (final_state.h). */
#include <inttypes.h>
#include <stdio.h>

#include "checkers/check_util.h"
#include "checkers/final_state.h"
#include "checkers/final_state_judge.h"
#include "checkers/update_ops.h"
#include "dslab/check.h"
#include "dslab/time.h"

enum sm_expect { SM_EITHER, SM_PRESENT, SM_ABSENT };

/* What the element's operations ops[0..n) (one key, by invoke time) oblige. */
static enum sm_expect expect_of(const struct update_op *ops, size_t n, const struct update_op **why) {
    bool any_add = false;
    for (size_t i = 0; i < n; i++) any_add |= ops[i].positive && ops[i].outcome != DSLAB_OP_FAIL;
    *why = NULL;
    if (!any_add) return SM_ABSENT; /* rule 3 */
    for (size_t i = n; i-- > 0;) { /* rule 1, the latest add first */
        const struct update_op *a = &ops[i];
        if (!a->positive || a->outcome != DSLAB_OP_OK) continue;
        bool removed_after = false;
        for (size_t j = 0; j < n && !removed_after; j++) {
            const struct update_op *r = &ops[j];
            removed_after = !r->positive && r->outcome != DSLAB_OP_FAIL &&
                            r->complete_ns >= a->invoke_ns;
        }
        if (!removed_after) {
            *why = a;
            return SM_PRESENT;
        }
    }
    for (size_t i = n; i-- > 0;) { /* rule 2 */
        const struct update_op *r = &ops[i];
        if (r->positive || r->outcome != DSLAB_OP_OK) continue;
        bool unseen = false;
        for (size_t j = 0; j < n && !unseen; j++) {
            const struct update_op *a = &ops[j];
            if (!a->positive || a->outcome == DSLAB_OP_FAIL) continue;
            unseen = a->outcome != DSLAB_OP_OK || a->node != r->node ||
                     a->complete_ns >= r->invoke_ns;
        }
        if (!unseen) {
            *why = r;
            return SM_ABSENT;
        }
    }
    return SM_EITHER;
}

struct sm_run {
    struct final_state_bounded *st;
    struct dslab_check_result *result;
    int64_t from_ns, end_ns;
    int64_t judged, wrong, elements;
    char example[96];
};

static void judge(struct sm_run *run, int64_t key, enum sm_expect want, const struct update_op *why) {
    const struct final_state *fs = &run->st->fs;
    run->elements++;
    if (want == SM_EITHER) return;
    for (int32_t i = 0; i < fs->nodes_count; i++) {
        if (!final_state_live(fs, i)) continue;
        const struct final_value *v = final_state_find(fs, i, key);
        bool present = v && v->value != 0;
        run->judged++;
        if (present == (want == SM_PRESENT)) continue;
        run->wrong++;
        const char *name = run->st->scenario->node_names[i];
        char at[32] = "";
        if (why) dslab_time_format_s(why->complete_ns, at, sizeof at);
        struct dslab_check_violation *cv;
        if (want == SM_PRESENT) {
            cv = dslab_check_result_add(run->result, run->from_ns, run->end_ns,
                                        "element %" PRId64 " is not in %s's set, but an add of it "
                                        "was acknowledged at %s after every remove of it (lost add)",
                                        key, name, at);
        } else if (why) {
            cv = dslab_check_result_add(run->result, run->from_ns, run->end_ns,
                                        "element %" PRId64 " is in %s's set, but a remove of it was "
                                        "acknowledged at %s by %s after every add of it there "
                                        "(remove undone)",
                                        key, name, at, run->st->scenario->node_names[why->node]);
        } else {
            cv = dslab_check_result_add(run->result, run->from_ns, run->end_ns,
                                        "element %" PRId64 " is in %s's set, but no client added it",
                                        key, name);
        }
        if (run->wrong == 1) {
            snprintf(run->example, sizeof run->example, "element %" PRId64 " on %s: %s", key, name,
                     present ? "present" : "absent");
        }
        dslab_check_violation_add_node(cv, i);
        dslab_check_violation_add_evidence(cv, v ? v->trace_id : fs->nodes[i].report_trace_id);
        if (why) {
            dslab_check_violation_add_node(cv, why->node);
            dslab_check_violation_add_evidence(cv, why->trace_id);
        }
    }
}

static void sm_finish(void *state, const struct dslab_history *history, int64_t end_ns,
                      struct dslab_check_result *result) {
    struct final_state_bounded *st = state;
    struct update_ops ops;
    if (!final_state_judgeable_updates(st, history, end_ns, result, &ops)) return;
    struct sm_run run = {.st = st, .result = result, .from_ns = st->quiet_from_ns + st->bound_ns,
                         .end_ns = end_ns};
    for (size_t i = 0; i < ops.count;) {
        size_t j = i;
        while (j < ops.count && ops.ops[j].key == ops.ops[i].key) j++;
        const struct update_op *why = NULL;
        enum sm_expect want = expect_of(ops.ops + i, j - i, &why);
        judge(&run, ops.ops[i].key, want, why);
        i = j;
    }
    /* Elements a replica holds that no client updated: rule 3. */
    const struct final_state *fs = &st->fs;
    int64_t key;
    for (size_t k = 0; final_state_next_unupdated(fs, &ops, &k, &key);) judge(&run, key, SM_ABSENT, NULL);
    update_ops_free(&ops);
    result->verdict = run.wrong ? DSLAB_CHECK_FAIL : DSLAB_CHECK_PASS;
    if (run.wrong) {
        snprintf(result->summary, sizeof result->summary,
                 "%" PRId64 " of %" PRId64 " judged memberships are wrong (%s)", run.wrong,
                 run.judged, run.example);
    } else if (run.judged == 0) {
        check_not_judged(result, "no add or remove followed every other update of its element "
                                 "(%" PRId64 " elements, none judged)", run.elements);
    } else {
        snprintf(result->summary, sizeof result->summary,
                 "%d replicas keep every acknowledged add and remove of %" PRId64
                 " elements (%" PRId64 " memberships judged)",
                 (int)final_state_reported_live(fs), run.elements, run.judged);
    }
}

const struct dslab_checker checker_set_membership = FINAL_STATE_AGREEMENT_CHECKER(sm, "set-membership",
    "after quiescence every replica's set keeps each acknowledged add and remove nothing followed");
