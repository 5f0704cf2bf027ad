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

static int conv_create(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                       void **state_out, struct dslab_diag *diag) {
    return final_state_bounded_create(s, check,
                                      "convergence takes how long replicas may take to agree after the "
                                      "last fault or write, e.g. 'convergence: 2s'",
                                      state_out, diag);
}

static bool live(const struct final_state *fs, int32_t i) {
    return fs->nodes[i].reported && !fs->nodes[i].crashed;
}

/* Checks one key across live nodes; returns true when they agree. */
static bool check_key(struct final_state_bounded *st, int64_t key, int64_t from_ns, int64_t end_ns,
                      struct dslab_check_result *result) {
    const struct final_state *fs = &st->fs;
    bool first = true, agree = true;
    int64_t seen = DSLAB_HISTORY_NIL;
    for (int32_t i = 0; i < fs->nodes_count; i++) {
        if (!live(fs, i) || !final_state_should_hold(fs, i, key)) continue;
        const struct final_value *v = final_state_find(fs, i, key);
        int64_t value = v ? v->value : DSLAB_HISTORY_NIL;
        agree &= first || value == seen;
        seen = value;
        first = false;
    }
    if (agree) {
        return true;
    }
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
    return false;
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
    int64_t keys = 0, bad = 0;
    int64_t from_ns = st->quiet_from_ns + st->bound_ns;
    for (size_t k = 0; k < fs->count; k++) {
        const struct final_value *v = &fs->values[k];
        /* Each key once: at its first holder among live nodes. */
        bool earlier = false;
        for (int32_t i = 0; i < v->node && !earlier; i++) {
            earlier = live(fs, i) && final_state_find(fs, i, v->key);
        }
        if (!live(fs, v->node) || earlier || (k > 0 && fs->values[k - 1].node == v->node &&
                                              fs->values[k - 1].key == v->key)) {
            continue;
        }
        keys++;
        bad += !check_key(st, v->key, from_ns, end_ns, result);
    }
    result->verdict = bad ? DSLAB_CHECK_FAIL : DSLAB_CHECK_PASS;
    if (bad) {
        snprintf(result->summary, sizeof result->summary,
                 "%d replicas disagree on %lld of %lld keys %s after the last fault or write",
                 (int)replicas, (long long)bad, (long long)keys, quiet);
    } else {
        snprintf(result->summary, sizeof result->summary,
                 "%d replicas agree on all %lld keys %s after the last fault or write",
                 (int)replicas, (long long)keys, quiet);
    }
}

const struct dslab_checker checker_convergence = FINAL_STATE_BOUNDED_CHECKER(conv, "convergence",
    "live replicas hold the same final state, given the bound after the last fault");
