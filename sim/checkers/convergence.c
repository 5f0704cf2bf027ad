/* convergence.c: replicas agree within a bound after the last disturbance.
 *
 * `convergence: 2s` (default 1s). The quiet point is the later of the last
 * network or node fault (partition, heal, cut, link change, slow-down,
 * crash, restart, the end of a pause) and the last client write or cas
 * record (invoke or completion): while writes keep coming, replicas differ
 * legitimately by what is in flight. If the run went on for at least the
 * bound after the quiet point, every node that is up at the end and
 * annotated its final state (final_state.h) must hold the same value for
 * every key; each key they disagree on is a violation from quiet point +
 * bound to the end, naming the nodes and citing their "final"
 * annotations (or "final-state" when a node lacks the key). A key whose
 * replicas the reports declared (dslab_ctx_report_final_replicas, a store
 * that keeps each key on some nodes) is compared across those only. A run that
 * ended sooner cannot be judged: the verdict is unknown, and says so; so
 * is one in which fewer than two live nodes reported (nothing to compare). */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/check_util.h"
#include "checkers/final_state.h"
#include "dslab/check.h"
#include "dslab/time.h"

static bool live(const struct final_state *fs, int32_t i) {
    return fs->nodes[i].reported && !fs->nodes[i].crashed;
}

/* A key the live nodes disagree on: names each live node's value (or
 * "absent") and cites its "final" annotation (or "final-state"). */
static void report_key(struct final_state_bounded *st, int64_t key, int64_t from_ns, int64_t end_ns,
                       struct dslab_check_result *result) {
    const struct final_state *fs = &st->fs;
    char text[200] = "";
    size_t used = 0;
    for (int32_t i = 0; i < fs->nodes_count && used < sizeof text - 48; i++) {
        if (!live(fs, i) || !final_state_should_hold(fs, i, key)) continue;
        const struct final_value *v = final_state_find(fs, i, key);
        char val[32] = "absent";
        if (v) snprintf(val, sizeof val, "%" PRId64, v->value);
        used += (size_t)snprintf(text + used, sizeof text - used, "%s%s=%s", used ? " " : "",
                                 st->scenario->node_names[i], val);
    }
    struct dslab_check_violation *cv = dslab_check_result_add(result, from_ns, end_ns,
                                                  "replicas disagree on key %" PRId64 ": %s",
                                                  key, text);
    for (int32_t i = 0; cv && i < fs->nodes_count; i++) {
        if (!live(fs, i) || !final_state_should_hold(fs, i, key)) continue;
        const struct final_value *v = final_state_find(fs, i, key);
        dslab_check_violation_add_node(cv, i);
        dslab_check_violation_add_evidence(cv, v ? v->trace_id : fs->nodes[i].report_trace_id);
    }
    if (cv && st->has_quiet_trace) {
        dslab_check_violation_add_evidence(cv, st->quiet_trace_id);
    }
}

/* One live node's value of a key (its first, as final_state_find gives);
 * for a key: where it was first held (the lowest live node). */
struct held {
    int64_t key;
    int32_t node;
    int64_t value;
};

static int held_by_key_cmp(const void *pa, const void *pb) {
    const struct held *a = pa, *b = pb;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    return (a->node > b->node) - (a->node < b->node);
}

/* Disagreeing keys in the order violations are reported: by the first
 * live node holding them, then by key. */
static int held_by_node_cmp(const void *pa, const void *pb) {
    const struct held *a = pa, *b = pb;
    if (a->node != b->node) return a->node < b->node ? -1 : 1;
    return (a->key > b->key) - (a->key < b->key);
}

/* How many live nodes should hold `key`: all `replicas` live reporters,
 * or, for a key whose replicas were declared, the live ones among those.
 * Nodes 63 and up hold no declared key (final_state_should_hold). */
static int32_t live_holders(const struct final_state *fs, int64_t key, int32_t replicas) {
    int32_t n = 0;
    bool declared = false;
    for (int32_t i = 0; i < fs->nodes_count; i++) {
        if (!live(fs, i)) continue;
        if (final_state_should_hold(fs, i, key)) {
            n++;
        } else {
            declared = true;
        }
    }
    return declared ? n : replicas;
}

/* Judges every key held by a live node that should hold it: they agree
 * when every live node that should hold the key holds the same value (an
 * absent key counts as DSLAB_HISTORY_NIL); values held by nodes outside a
 * key's declared replicas are not compared. One sort by key, so
 * O(v log v) in the final values v (plus a pass over the nodes per held
 * key whose replicas were declared), not nodes^2 x keys. Counts the keys;
 * returns the disagreements (-1: out of memory). */
static int64_t judge_keys(struct final_state_bounded *st, int32_t replicas, int64_t from_ns, int64_t end_ns,
                          int64_t *keys_out, struct dslab_check_result *result) {
    const struct final_state *fs = &st->fs;
    struct held *held = malloc((fs->count ? fs->count : 1) * sizeof *held);
    if (!held) return -1;
    size_t n = 0;
    for (size_t k = 0; k < fs->count; k++) { /* sealed: by (node, key, trace id) */
        const struct final_value *v = &fs->values[k];
        if (!live(fs, v->node) || (k > 0 && fs->values[k - 1].node == v->node && fs->values[k - 1].key == v->key) ||
            !final_state_should_hold(fs, v->node, v->key)) {
            continue;
        }
        held[n++] = (struct held){v->key, v->node, v->value};
    }
    qsort(held, n, sizeof *held, held_by_key_cmp);
    size_t bad = 0, keys = 0;
    for (size_t i = 0, j; i < n; i = j) {
        bool agree = true;
        for (j = i + 1; j < n && held[j].key == held[i].key; j++) agree &= held[j].value == held[i].value;
        /* a live node without the key holds nil */
        int32_t holders = fs->replicas_count ? live_holders(fs, held[i].key, replicas) : replicas;
        if ((int32_t)(j - i) < holders) agree &= held[i].value == DSLAB_HISTORY_NIL;
        keys++;
        if (!agree) held[bad++] = held[i]; /* bad <= i: overwrites only what was judged */
    }
    qsort(held, bad, sizeof *held, held_by_node_cmp);
    for (size_t i = 0; i < bad; i++) report_key(st, held[i].key, from_ns, end_ns, result);
    free(held);
    *keys_out = (int64_t)keys;
    return (int64_t)bad;
}

static void conv_finish(void *state, const struct dslab_history *history, int64_t end_ns,
                        struct dslab_check_result *result) {
    (void)history;
    struct final_state_bounded *st = state;
    struct final_state *fs = &st->fs;
    final_state_seal(fs);
    char bound[32], quiet[32];
    dslab_time_format_human(st->bound_ns, bound, sizeof bound);
    dslab_time_format_human(end_ns - st->quiet_from_ns, quiet, sizeof quiet);
    int32_t replicas = final_state_reported_live(fs);
    result->verdict = DSLAB_CHECK_UNKNOWN;
    if (fs->out_of_memory || replicas == 0) {
        snprintf(result->summary, sizeof result->summary, "%s",
                 fs->out_of_memory ? "out of memory collecting final states"
                                   : "no live node annotated its final state");
        return;
    }
    if (end_ns - st->quiet_from_ns < st->bound_ns) {
        snprintf(result->summary, sizeof result->summary,
                 "not judged: the run ended %s after the last fault or write, the bound is %s",
                 quiet, bound);
        return;
    }
    if (replicas < 2) {
        check_not_judged(result, "only one live node annotated its final state: nothing to compare");
        return;
    }
    int64_t keys = 0;
    int64_t bad = judge_keys(st, replicas, st->quiet_from_ns + st->bound_ns, end_ns, &keys, result);
    if (bad < 0) {
        snprintf(result->summary, sizeof result->summary, "out of memory judging final states");
        return;
    }
    result->verdict = bad ? DSLAB_CHECK_FAIL : DSLAB_CHECK_PASS;
    /* The node count is every live node that reported, not a replica count:
     * a key with declared replicas is compared across its live replicas
     * only (judge_keys), so the summary says which is which. */
    if (bad) {
        snprintf(result->summary, sizeof result->summary,
                 "%d live nodes reported; %lld keys compared across their replicas, %lld disagree %s after the last fault or write",
                 (int)replicas, (long long)keys, (long long)bad, quiet);
    } else {
        snprintf(result->summary, sizeof result->summary,
                 "%d live nodes reported; %lld keys compared across their replicas, all agree %s after the last fault or write",
                 (int)replicas, (long long)keys, quiet);
    }
}

const struct dslab_checker checker_convergence = FINAL_STATE_AGREEMENT_CHECKER(conv, "convergence",
    "live replicas hold the same final state, given the bound after the last fault");
