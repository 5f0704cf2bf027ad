/* final_state_judge.c: whether a checker of final states can judge a run
 * (final_state_judge.h). */
#include <stdio.h>

#include "checkers/final_state_judge.h"
#include "dslab/time.h"

bool final_state_live(const struct final_state *fs, int32_t node) {
    return fs->nodes[node].reported && !fs->nodes[node].crashed;
}

bool final_state_judgeable(struct final_state_bounded *st, int64_t end_ns,
                           struct dslab_check_result *result) {
    struct final_state *fs = &st->fs;
    final_state_seal(fs);
    result->verdict = DSLAB_CHECK_UNKNOWN;
    if (fs->out_of_memory) {
        snprintf(result->summary, sizeof result->summary, "out of memory collecting final states");
        return false;
    }
    if (final_state_reported_live(fs) == 0) {
        snprintf(result->summary, sizeof result->summary,
                 "not judged: no live node annotated its final state");
        return false;
    }
    if (end_ns - st->quiet_from_ns < st->bound_ns) {
        char bound[32], quiet[32];
        dslab_time_format_human(st->bound_ns, bound, sizeof bound);
        dslab_time_format_human(end_ns - st->quiet_from_ns, quiet, sizeof quiet);
        snprintf(result->summary, sizeof result->summary,
                 "not judged: the run ended %s after the last fault or write, the bound is %s",
                 quiet, bound);
        return false;
    }
    return true;
}

bool final_state_judgeable_updates(struct final_state_bounded *st, const struct dslab_history *history,
                                   int64_t end_ns, struct dslab_check_result *result, struct update_ops *ops) {
    if (!final_state_judgeable(st, end_ns, result)) return false;
    if (update_ops_collect(history, ops) == 0) return true;
    result->verdict = DSLAB_CHECK_UNKNOWN;
    snprintf(result->summary, sizeof result->summary, "out of memory reading the history");
    return false;
}

bool final_state_next_unupdated(const struct final_state *fs, const struct update_ops *ops, size_t *k,
                                int64_t *key) {
    for (; *k < fs->count; (*k)++) {
        const struct final_value *v = &fs->values[*k];
        bool first = *k == 0 || fs->values[*k - 1].key != v->key || fs->values[*k - 1].node != v->node;
        if (!first || update_ops_has_key(ops, v->key) || !final_state_live(fs, v->node)) continue;
        bool earlier = false; /* each key once, at its first live holder */
        for (int32_t n = 0; n < v->node && !earlier; n++) {
            earlier = final_state_live(fs, n) && final_state_find(fs, n, v->key);
        }
        if (earlier) continue;
        *key = v->key;
        (*k)++;
        return true;
    }
    return false;
}
