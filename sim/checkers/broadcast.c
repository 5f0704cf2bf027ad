/* broadcast.c: every acknowledged broadcast reaches every live node.
 *
 * `broadcast: 2s` (default 1s), for the labs' broadcast service: a
 * client's write of value V is "broadcast message V"; once a node has
 * answered it DSLAB_REPLY_OK the message must reach every node. At the end of
 * the run each live node annotates "final-state" and then one "final" per
 * message it holds with key = value = the message (final_state.h). If the
 * run went on for at least the bound after the quiet point (the last
 * network or node fault, or the last write or cas record, as in
 * convergence: final_state.h),
 * every acknowledged message missing at a live node is a violation naming
 * it; a live node that reported nothing is one too. A run that ended
 * sooner cannot be judged: the verdict is unknown, and says so; so is one
 * in which no message was acknowledged (and every live node reported). */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "checkers/check_util.h"
#include "checkers/final_state.h"
#include "dslab/check.h"
#include "dslab/time.h"
#include "scenario/units.h"

static int bc_create(const struct dslab_scenario *s, const struct dslab_scenario_check *check, void **state_out,
                     struct dslab_diag *diag) {
    return final_state_bounded_create(s, check,
                                      "broadcast takes how long a message may take to reach every node after the "
                                      "last fault or write, e.g. 'broadcast: 2s'",
                                      state_out, diag);
}

/* A message and how many live nodes that reported hold it. */
struct holders {
    int64_t message;
    int32_t count;
};

static int holders_cmp(const void *pa, const void *pb) {
    const struct holders *a = pa, *b = pb;
    return (a->message > b->message) - (a->message < b->message);
}

/* Every message held by a live node that reported, with its holders (each
 * node once), sorted by message; *count_out of them. NULL when out of
 * memory. O(v log v) in the final values. */
static struct holders *count_holders(const struct final_state *fs, size_t *count_out) {
    struct holders *h = malloc((fs->count ? fs->count : 1) * sizeof *h);
    if (!h) return NULL;
    size_t n = 0;
    for (size_t k = 0; k < fs->count; k++) { /* sealed: by (node, key) */
        const struct final_value *v = &fs->values[k];
        const struct final_node *node = &fs->nodes[v->node];
        if (node->crashed || !node->reported ||
            (k > 0 && fs->values[k - 1].node == v->node && fs->values[k - 1].key == v->key)) {
            continue;
        }
        h[n++] = (struct holders){v->key, 1};
    }
    qsort(h, n, sizeof *h, holders_cmp);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m > 0 && h[m - 1].message == h[i].message) {
            h[m - 1].count++;
        } else {
            h[m++] = h[i];
        }
    }
    *count_out = m;
    return h;
}

static int32_t holders_of(const struct holders *h, size_t n, int64_t message) {
    struct holders want = {message, 0};
    const struct holders *found = bsearch(&want, h, n, sizeof *h, holders_cmp);
    return found ? found->count : 0;
}

static void bc_finish(void *state, const struct dslab_history *h, int64_t end_ns, struct dslab_check_result *r) {
    struct final_state_bounded *st = state;
    struct final_state *fs = &st->fs;
    final_state_seal(fs);
    r->verdict = DSLAB_CHECK_UNKNOWN;
    if (fs->out_of_memory) {
        snprintf(r->summary, sizeof r->summary, "out of memory collecting final states");
        return;
    }
    if (end_ns - st->quiet_from_ns < st->bound_ns) {
        char quiet[32], bound[32];
        snprintf(r->summary, sizeof r->summary,
                 "not judged: the run ended %s after the last fault or write, the bound is %s",
                 dslab_time_format_human(end_ns - st->quiet_from_ns, quiet, sizeof quiet),
                 dslab_time_format_human(st->bound_ns, bound, sizeof bound));
        return;
    }
    r->verdict = DSLAB_CHECK_PASS;
    int64_t from_ns = st->quiet_from_ns + st->bound_ns;
    for (int32_t n = 0; n < fs->nodes_count; n++) {
        if (fs->nodes[n].crashed || fs->nodes[n].reported) continue;
        struct dslab_check_violation *v = dslab_check_result_add(r, from_ns, end_ns, "%s is up but reported no final state",
                                                     st->scenario->node_names[n]);
        dslab_check_violation_add_node(v, n);
    }
    /* Each acknowledged message is looked up once among the holders; only
     * one some live node lacks walks the nodes (to name them): O((h + v)
     * log v) plus the misses, not h x nodes lookups. */
    int32_t receivers = 0;
    for (int32_t n = 0; n < fs->nodes_count; n++) receivers += !fs->nodes[n].crashed && fs->nodes[n].reported;
    size_t held_count = 0;
    struct holders *held = count_holders(fs, &held_count);
    if (!held) {
        r->verdict = DSLAB_CHECK_UNKNOWN;
        snprintf(r->summary, sizeof r->summary, "out of memory judging final states");
        return;
    }
    int64_t acked = 0, missing = 0;
    for (size_t i = 0; i < h->count; i++) {
        const struct dslab_history_op *op = &h->ops[i];
        if (op->fn != DSLAB_OP_WRITE || op->type != DSLAB_OP_OK) continue;
        acked++;
        if (holders_of(held, held_count, op->value) == receivers) continue;
        for (int32_t n = 0; n < fs->nodes_count; n++) {
            if (fs->nodes[n].crashed || !fs->nodes[n].reported) continue;
            if (final_state_find(fs, n, op->value)) continue;
            missing++;
            struct dslab_check_violation *v =
                dslab_check_result_add(r, from_ns, end_ns, "message %" PRId64 " (acknowledged by %s) never reached %s",
                                 op->value, op->node >= 0 ? st->scenario->node_names[op->node] : "a node",
                                 st->scenario->node_names[n]);
            dslab_check_violation_add_node(v, n);
            if (op->node >= 0) dslab_check_violation_add_node(v, op->node);
            dslab_check_violation_add_evidence(v, op->trace_id);
            dslab_check_violation_add_evidence(v, fs->nodes[n].report_trace_id);
        }
    }
    free(held);
    if (acked == 0 && r->violations_total == 0) {
        check_not_judged(r, "no broadcast message was acknowledged");
        return;
    }
    snprintf(r->summary, sizeof r->summary, "%" PRId64 " acknowledged messages, %" PRId64 " missing deliveries",
             acked, missing);
}

const struct dslab_checker checker_broadcast = FINAL_STATE_BOUNDED_CHECKER(bc, "broadcast",
    "every acknowledged broadcast message reaches every live node within the bound");
