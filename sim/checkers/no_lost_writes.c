/* no_lost_writes.c: no-lost-acknowledged-writes, durability across crash
 * and failover, judged from the client history and the final state.
 *
 * The final state is what protocols annotate in on_finish (final_state.h:
 * "final-state", then one "final" per key). The authority is every live
 * node that ends the run as primary (or leader): that is what clients
 * would read. With none, every live node that reported counts, and a
 * write is lost only if no node has it.
 *
 * A write or cas acknowledged ok (w) is lost at a node when the node's
 * final value of w's key is
 *   - nothing (the key is absent), or
 *   - the value of an operation f that finished ok before w was invoked
 *     (f precedes w in real time, so in any linearization w comes after
 *     f and f's value cannot be the last), or
 *   - a value no client ever wrote.
 * Written values are unique per run, which names f. A value from a write
 * that was concurrent with w, or whose outcome is unknown (info), may
 * legally be last, so it clears w. The check is one-sided: a lost write
 * that a later acknowledged write overwrote is not seen (the final state
 * no longer shows it); scenarios stop writing soon after the fault.
 *
 * Each lost write is a violation from its ok to the end of the run, with
 * the node that acknowledged it and the nodes that lack it; evidence: its
 * invoke and ok records, the final annotation, and f's ok record.
 * Without a final state, or without any acknowledged write, the verdict
 * is unknown (not judged).
 * Cost: O(ops log ops) to index the history, O(writes * nodes log n). */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/check_util.h"
#include "checkers/final_state.h"
#include "dslab/check.h"

struct nlw_state {
    struct final_state fs; /* first: final_state_checker_destroy frees the block through it */
    const struct dslab_scenario *scenario; /* borrowed */
};

/* One write or cas of the history, invoke and completion joined. */
struct nlw_write {
    uint64_t op_id;
    int32_t node;
    int64_t key;
    int64_t value;
    int64_t invoke_ns;
    uint64_t invoke_trace_id;
    enum dslab_op_type outcome; /* DSLAB_OP_INVOKE while none arrived */
    int64_t done_ns;
    uint64_t done_trace_id;
};

static int nlw_create(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                      void **state_out, struct dslab_diag *diag) {
    if (check_no_arguments(s, check, diag) != 0) {
        return -1;
    }
    struct nlw_state *st = final_state_checker_alloc(sizeof *st, s, check, diag);
    if (!st) return -1;
    st->scenario = s;
    *state_out = st;
    return 0;
}

static int by_op_id(const void *pa, const void *pb) {
    const struct nlw_write *a = pa, *b = pb;
    return a->op_id < b->op_id ? -1 : (a->op_id > b->op_id);
}

static int by_value(const void *pa, const void *pb) {
    const struct nlw_write *a = pa, *b = pb;
    if (a->value != b->value) return a->value < b->value ? -1 : 1;
    return a->op_id < b->op_id ? -1 : (a->op_id > b->op_id);
}

static struct nlw_write *find_op(struct nlw_write *w, size_t n, uint64_t op_id) {
    struct nlw_write key = {.op_id = op_id};
    return bsearch(&key, w, n, sizeof *w, by_op_id);
}

/* Writes and cas ops of the history, sorted by op id; NULL when out of memory. */
static struct nlw_write *collect_writes(const struct dslab_history *h, size_t *count_out) {
    size_t n = 0;
    for (size_t i = 0; i < h->count; i++) {
        n += h->ops[i].type == DSLAB_OP_INVOKE && (h->ops[i].fn == DSLAB_OP_WRITE || h->ops[i].fn == DSLAB_OP_CAS);
    }
    struct nlw_write *w = calloc(n ? n : 1, sizeof *w);
    if (!w) {
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < h->count; i++) {
        const struct dslab_history_op *op = &h->ops[i];
        if (op->type == DSLAB_OP_INVOKE && (op->fn == DSLAB_OP_WRITE || op->fn == DSLAB_OP_CAS)) {
            w[k++] = (struct nlw_write){.op_id = op->op_id, .node = op->node, .key = op->key,
                                        .value = op->value, .invoke_ns = op->time_ns,
                                        .invoke_trace_id = op->trace_id,
                                        .outcome = DSLAB_OP_INVOKE};
        }
    }
    qsort(w, n, sizeof *w, by_op_id);
    for (size_t i = 0; i < h->count; i++) {
        const struct dslab_history_op *op = &h->ops[i];
        struct nlw_write *x = op->type != DSLAB_OP_INVOKE ? find_op(w, n, op->op_id) : NULL;
        if (x && x->outcome == DSLAB_OP_INVOKE) {
            x->outcome = op->type;
            x->done_ns = op->time_ns;
            x->done_trace_id = op->trace_id;
            x->node = op->node;
        }
    }
    *count_out = n;
    return w;
}

/* Whether `node`'s final state loses w; *f_out is the op whose value it holds. */
static bool lost_at(const struct nlw_state *st, const struct nlw_write *by_val, size_t n,
                    int32_t node, const struct nlw_write *w, const struct final_value **fv_out,
                    const struct nlw_write **f_out) {
    const struct final_value *fv = final_state_find(&st->fs, node, w->key);
    *fv_out = fv;
    *f_out = NULL;
    if (!fv) {
        return true;
    }
    if (fv->value == w->value) {
        return false;
    }
    struct nlw_write key = {.value = fv->value, .op_id = 0};
    size_t lo = 0, hi = n;
    while (lo < hi) { /* first entry with this value */
        size_t mid = lo + (hi - lo) / 2;
        if (by_value(&by_val[mid], &key) < 0) lo = mid + 1;
        else hi = mid;
    }
    if (lo == n || by_val[lo].value != fv->value || by_val[lo].key != w->key) {
        return true; /* a value nobody wrote to this key */
    }
    *f_out = &by_val[lo];
    return (*f_out)->outcome == DSLAB_OP_OK && (*f_out)->done_ns < w->invoke_ns;
}

static void report(struct nlw_state *st, const struct nlw_write *w, const bool *missing,
                   const struct final_value *const *fvs, const struct nlw_write *const *fs,
                   int64_t end_ns, struct dslab_check_result *result) {
    char where[160] = "";
    size_t used = 0;
    for (int32_t i = 0; i < st->fs.nodes_count && used < sizeof where - 40; i++) {
        if (!missing[i]) continue;
        char val[32] = "nothing";
        if (fvs[i]) snprintf(val, sizeof val, "%" PRId64, fvs[i]->value);
        used += (size_t)snprintf(where + used, sizeof where - used, "%s%s has %s",
                                 used ? ", " : "", st->scenario->node_names[i], val);
    }
    struct dslab_check_violation *v = dslab_check_result_add(
        result, w->done_ns, end_ns, "acknowledged write of key %" PRId64 " = %" PRId64
        " (ok by %s) is lost: %s", w->key, w->value,
        w->node >= 0 && w->node < st->fs.nodes_count ? st->scenario->node_names[w->node] : "?",
        where);
    if (!v) return;
    if (w->node >= 0 && w->node < st->fs.nodes_count) dslab_check_violation_add_node(v, w->node);
    dslab_check_violation_add_evidence(v, w->invoke_trace_id);
    dslab_check_violation_add_evidence(v, w->done_trace_id);
    for (int32_t i = 0; i < st->fs.nodes_count; i++) {
        if (!missing[i]) continue;
        dslab_check_violation_add_node(v, i);
        dslab_check_violation_add_evidence(v, fvs[i] ? fvs[i]->trace_id
                                               : st->fs.nodes[i].report_trace_id);
        if (fs[i] && fs[i]->outcome == DSLAB_OP_OK) dslab_check_violation_add_evidence(v, fs[i]->done_trace_id);
    }
}

/* "n2, primary/leader" or "n1 n3, no primary: all live nodes". */
static void describe_judges(const struct nlw_state *st, bool any_primary, char *buf,
                            size_t buf_size) {
    size_t used = 0;
    buf[0] = '\0';
    for (int32_t i = 0; i < st->fs.nodes_count && used + 40 < buf_size; i++) {
        const struct final_node *fn = &st->fs.nodes[i];
        if (fn->reported && !fn->crashed && (!any_primary || fn->primary)) {
            used += (size_t)snprintf(buf + used, buf_size - used, "%s%s", used ? " " : "",
                                     st->scenario->node_names[i]);
        }
    }
    snprintf(buf + used, buf_size - used, "%s",
             any_primary ? ", primary/leader" : ", no primary: all live nodes");
}

static void nlw_finish(void *state, const struct dslab_history *history, int64_t end_ns,
                       struct dslab_check_result *result) {
    struct nlw_state *st = state;
    struct final_state *fs = &st->fs;
    final_state_seal(fs);
    int32_t n_nodes = fs->nodes_count;
    bool any_primary = false;
    for (int32_t i = 0; i < n_nodes; i++) {
        any_primary |= fs->nodes[i].reported && !fs->nodes[i].crashed && fs->nodes[i].primary;
    }
    if (final_state_reported_live(fs) == 0 || fs->out_of_memory) {
        result->verdict = DSLAB_CHECK_UNKNOWN;
        snprintf(result->summary, sizeof result->summary, "%s",
                 fs->out_of_memory ? "out of memory collecting final states"
                                   : "no live node annotated its final state (does the "
                                     "protocol have on_finish?)");
        return;
    }
    size_t n = 0;
    struct nlw_write *by_id = collect_writes(history, &n);
    struct nlw_write *by_val = by_id ? malloc((n ? n : 1) * sizeof *by_val) : NULL;
    bool *missing = calloc((size_t)n_nodes + 1, sizeof *missing);
    const struct final_value **fvs = calloc((size_t)n_nodes + 1, sizeof *fvs);
    const struct nlw_write **fops = calloc((size_t)n_nodes + 1, sizeof *fops);
    if (!by_id || !by_val || !missing || !fvs || !fops) {
        result->verdict = DSLAB_CHECK_UNKNOWN;
        snprintf(result->summary, sizeof result->summary, "out of memory indexing the history");
        goto out;
    }
    memcpy(by_val, by_id, n * sizeof *by_val);
    qsort(by_val, n, sizeof *by_val, by_value);
    int64_t acked = 0, lost = 0;
    for (size_t k = 0; k < n; k++) {
        const struct nlw_write *w = &by_id[k];
        if (w->outcome != DSLAB_OP_OK) continue;
        acked++;
        int32_t judges = 0, losers = 0;
        for (int32_t i = 0; i < n_nodes; i++) {
            const struct final_node *fn = &fs->nodes[i];
            missing[i] = false;
            if (!fn->reported || fn->crashed || (any_primary && !fn->primary)) continue;
            judges++;
            missing[i] = lost_at(st, by_val, n, i, w, &fvs[i], &fops[i]);
            losers += missing[i];
        }
        if (losers > 0 && (any_primary || losers == judges)) {
            lost++;
            report(st, w, missing, fvs, fops, end_ns, result);
        }
    }
    if (acked == 0) {
        check_not_judged(result, "no write was acknowledged ok, so none could be lost");
        goto out;
    }
    char judges[96];
    describe_judges(st, any_primary, judges, sizeof judges);
    result->verdict = lost ? DSLAB_CHECK_FAIL : DSLAB_CHECK_PASS;
    snprintf(result->summary, sizeof result->summary,
             lost ? "%lld of %lld acknowledged writes lost (final state of %s)"
                  : "%lld lost of %lld acknowledged writes (final state of %s)",
             (long long)lost, (long long)acked, judges);
out:
    free(by_id);
    free(by_val);
    free(missing);
    free(fvs);
    free(fops);
}

const struct dslab_checker checker_no_lost_acknowledged_writes = FINAL_STATE_CHECKER(nlw, "no-lost-acknowledged-writes",
    "every write acknowledged ok is in the final state of the primary (or leader)");
