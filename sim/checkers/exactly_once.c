/* exactly_once.c: exactly-once-effects, every increment applied once,
 * judged from the client history and the final counters.
 *
 * For counter protocols (counter-service): a client's write of key K is
 * "add one to K", a read returns K's count. With every increment applied
 * exactly once:
 *   - at most once: an ok read of K returns at most U, the number of
 *     increments of K invoked before the read completed (a failed one
 *     certainly did not happen and does not count; an unknown one may
 *     have, and counts). More is an increment applied twice (or more);
 *   - at least once for acknowledged ones: it returns at least L, the
 *     number of increments of K acknowledged ok before the read was
 *     invoked. Less is an acknowledged increment lost.
 * The same bounds hold for the final count a node reports for K
 * (dslab_ctx_report_final_value) against all increments of K.
 *
 * A violation is reported when the excess (or the shortfall) of a key
 * grows past the largest already reported for it, so a counter that is
 * two ahead from then on is one violation, not one per read. It spans from
 * the last observation of the key that did not show it (an ok read's
 * completion, else the key's first increment) to the read or the end that
 * shows it; nodes: the read's node and the nodes whose final count of K
 * is too high (or low); evidence: the read's invoke and completion, the
 * final value. The excess is a lower bound on the double applications: an
 * unknown increment that was in fact never applied leaves room the
 * checker cannot see. Violations are listed in time order (of those kept:
 * the first DSLAB_CHECK_VIOLATIONS_KEPT_MAX found, key by key). A run
 * without increments is not judged.
 * Cost: O(ops log ops). */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "checkers/check_util.h"
#include "checkers/final_state.h"
#include "dslab/check.h"

struct eo_state {
    struct final_state fs; /* first: final_state_checker_destroy frees the block through it */
};

/* One read or increment, invoke and completion joined. */
struct eo_op {
    uint64_t op_id;
    enum dslab_op_fn fn;
    int32_t node;
    int64_t key;
    int64_t value; /* an ok read: the count */
    int64_t invoke_ns;
    uint64_t invoke_trace_id;
    enum dslab_op_type outcome; /* DSLAB_OP_INVOKE while none arrived */
    int64_t done_ns;
    uint64_t done_trace_id;
};

struct eo_tally {
    size_t increments, ok, unknown, reads;
    int64_t excess, shortfall; /* over keys: each key's largest excess (shortfall) */
};

static int eo_create(const struct dslab_scenario *s, const struct dslab_scenario_check *check, void **state_out,
                     struct dslab_diag *diag) {
    if (check_no_arguments(s, check, diag) != 0) return -1;
    struct eo_state *st = final_state_checker_alloc(sizeof *st, s, check, diag);
    if (!st) return -1;
    *state_out = st;
    return 0;
}

static int by_op_id(const void *pa, const void *pb) {
    const struct eo_op *a = pa, *b = pb;
    return a->op_id < b->op_id ? -1 : (a->op_id > b->op_id);
}

static int by_ns(const void *pa, const void *pb) {
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return a < b ? -1 : (a > b);
}

/* Reads of one key by completion time, then op id. */
static int by_key_done(const void *pa, const void *pb) {
    const struct eo_op *a = pa, *b = pb;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    if (a->done_ns != b->done_ns) return a->done_ns < b->done_ns ? -1 : 1;
    return a->op_id < b->op_id ? -1 : (a->op_id > b->op_id);
}

/* Violations in the order they were shown (keys were checked one by one). */
static int by_time(const void *pa, const void *pb) {
    const struct dslab_check_violation *a = pa, *b = pb;
    if (a->to_ns != b->to_ns) return a->to_ns < b->to_ns ? -1 : 1;
    return a->from_ns < b->from_ns ? -1 : (a->from_ns > b->from_ns);
}

/* A count as the arithmetic below may use it: a read of nothing is 0, and
 * any value is clamped to +-2^62 so that differences with counts of
 * history entries cannot overflow (a protocol may report anything). */
static int64_t count_of(int64_t value) {
    const int64_t lim = INT64_C(1) << 62;
    if (value == DSLAB_HISTORY_NIL) return 0;
    return value > lim ? lim : value < -lim ? -lim : value;
}

/* How many of the sorted times[0..n) are <= t (or < t when strict). */
static size_t count_upto(const int64_t *times, size_t n, int64_t t, bool strict) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strict ? times[mid] < t : times[mid] <= t) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* The history's reads and increments, invoke and completion joined, sorted
 * by op id. Returns the count, or -1 when out of memory (*out NULL). */
static long eo_collect(const struct dslab_history *h, struct eo_op **out) {
    *out = calloc(h->count + 1, sizeof **out);
    if (!*out) return -1;
    size_t n = 0;
    for (size_t i = 0; i < h->count; i++) {
        const struct dslab_history_op *op = &h->ops[i];
        if (op->type != DSLAB_OP_INVOKE || (op->fn != DSLAB_OP_READ && op->fn != DSLAB_OP_WRITE)) continue;
        (*out)[n++] = (struct eo_op){.op_id = op->op_id, .fn = op->fn, .node = op->node, .key = op->key,
                                     .invoke_ns = op->time_ns, .invoke_trace_id = op->trace_id,
                                     .outcome = DSLAB_OP_INVOKE, .value = DSLAB_HISTORY_NIL};
    }
    qsort(*out, n, sizeof **out, by_op_id);
    for (size_t i = 0; i < h->count; i++) {
        const struct dslab_history_op *op = &h->ops[i];
        if (op->type == DSLAB_OP_INVOKE) continue;
        struct eo_op probe = {.op_id = op->op_id};
        struct eo_op *w = bsearch(&probe, *out, n, sizeof **out, by_op_id);
        if (!w || w->outcome != DSLAB_OP_INVOKE) continue;
        w->outcome = op->type;
        w->done_ns = op->time_ns;
        w->done_trace_id = op->trace_id;
        if (op->node >= 0) w->node = op->node;
        if (op->type == DSLAB_OP_OK) w->value = op->value;
    }
    return (long)n;
}

/* The increments of one key: invoke times of those that may have happened
 * (not failed), completion times of the acknowledged ones; both sorted. */
struct eo_key {
    int64_t key;
    int64_t *invoked; /* of the key's slice of the scratch arrays */
    size_t n_invoked;
    int64_t *acked;
    size_t n_acked;
    int64_t first_ns;
};

/* ops[*at..] are sorted by key: gathers the increments of `key` and moves
 * *at past them. */
static void key_gather(const struct eo_op *ops, size_t n, size_t *at, int64_t key, struct eo_key *k,
                       struct eo_tally *t) {
    k->key = key;
    k->n_invoked = k->n_acked = 0;
    k->first_ns = -1;
    for (; *at < n && ops[*at].key == key; (*at)++) {
        const struct eo_op *o = &ops[*at];
        if (o->fn != DSLAB_OP_WRITE) continue;
        t->increments++;
        if (o->outcome == DSLAB_OP_FAIL) continue;
        if (o->outcome == DSLAB_OP_OK) t->ok++;
        else t->unknown++;
        k->invoked[k->n_invoked++] = o->invoke_ns;
        if (o->outcome == DSLAB_OP_OK) k->acked[k->n_acked++] = o->done_ns;
        if (k->first_ns < 0 || o->invoke_ns < k->first_ns) k->first_ns = o->invoke_ns;
    }
    qsort(k->invoked, k->n_invoked, sizeof *k->invoked, by_ns);
    qsort(k->acked, k->n_acked, sizeof *k->acked, by_ns);
}

/* Adds the final counts of `key` that break the bounds (nodes, evidence)
 * to v, or counts them when v is NULL. `too_high`: above `bound`, else below. */
static int final_breaks(const struct final_state *fs, int64_t key, int64_t bound, bool too_high,
                        struct dslab_check_violation *v, int64_t *worst) {
    int found = 0;
    for (int32_t node = 0; node < fs->nodes_count; node++) {
        const struct final_value *f = final_state_find(fs, node, key);
        if (!f) continue;
        int64_t value = count_of(f->value);
        if (too_high ? value <= bound : value >= bound) continue;
        found++;
        int64_t gap = too_high ? value - bound : bound - value;
        if (worst && gap > *worst) *worst = gap;
        if (v) {
            dslab_check_violation_add_node(v, node);
            dslab_check_violation_add_evidence(v, f->trace_id);
        }
    }
    return found;
}

/* The nodes that hold a counter of `key` at the end (where it was applied). */
static void holders_add(const struct final_state *fs, int64_t key, struct dslab_check_violation *v) {
    for (int32_t node = 0; node < fs->nodes_count; node++) {
        if (final_state_find(fs, node, key)) dslab_check_violation_add_node(v, node);
    }
}

static void check_key(const struct eo_op *reads, size_t n_reads, struct eo_key *k, const struct final_state *fs,
                      int64_t end_ns, struct dslab_check_result *r, struct eo_tally *t) {
    int64_t shown_excess = 0, shown_short = 0;
    int64_t clean_ns = k->first_ns >= 0 ? k->first_ns : 0; /* the last observation that showed nothing new */
    for (size_t i = 0; i < n_reads; i++) {
        const struct eo_op *rd = &reads[i];
        t->reads++;
        int64_t upper = (int64_t)count_upto(k->invoked, k->n_invoked, rd->done_ns, false);
        int64_t lower = (int64_t)count_upto(k->acked, k->n_acked, rd->invoke_ns, true);
        int64_t excess = count_of(rd->value) - upper, shortfall = lower - count_of(rd->value);
        struct dslab_check_violation *v = NULL;
        if (excess > shown_excess) {
            v = dslab_check_result_add(r, clean_ns, rd->done_ns,
                                       "k%" PRId64 " read %" PRId64 " at %" PRId64 ".%06" PRId64 "s but only %" PRId64
                                       " increments had been invoked: at least %" PRId64 " applied more than once",
                                       k->key, rd->value, rd->done_ns / 1000000000, rd->done_ns % 1000000000 / 1000, upper, excess);
            shown_excess = excess;
        } else if (shortfall > shown_short) {
            v = dslab_check_result_add(r, clean_ns, rd->done_ns,
                                       "k%" PRId64 " read %" PRId64 " at %" PRId64 ".%06" PRId64 "s but %" PRId64
                                       " increments had been acknowledged: %" PRId64 " acknowledged increments lost",
                                       k->key, rd->value, rd->done_ns / 1000000000, rd->done_ns % 1000000000 / 1000, lower, shortfall);
            shown_short = shortfall;
        } else {
            clean_ns = rd->done_ns;
        }
        if (!v) continue;
        if (rd->node >= 0) dslab_check_violation_add_node(v, rd->node);
        holders_add(fs, k->key, v);
        dslab_check_violation_add_evidence(v, rd->invoke_trace_id);
        dslab_check_violation_add_evidence(v, rd->done_trace_id);
    }
    int64_t all = (int64_t)k->n_invoked, acked = (int64_t)k->n_acked;
    int64_t worst = 0;
    if (final_breaks(fs, k->key, all, true, NULL, &worst) > 0 && worst > shown_excess) {
        struct dslab_check_violation *v = dslab_check_result_add(
            r, clean_ns, end_ns, "k%" PRId64 " ends at %" PRId64 " but only %" PRId64
            " increments were invoked: at least %" PRId64 " applied more than once",
            k->key, all + worst, all, worst);
        final_breaks(fs, k->key, all, true, v, NULL);
    }
    t->excess += worst > shown_excess ? worst : shown_excess;
    worst = 0;
    if (final_breaks(fs, k->key, acked, false, NULL, &worst) > 0 && worst > shown_short) {
        struct dslab_check_violation *v = dslab_check_result_add(
            r, clean_ns, end_ns, "k%" PRId64 " ends at %" PRId64 " but %" PRId64
            " increments were acknowledged: %" PRId64 " acknowledged increments lost",
            k->key, acked - worst, acked, worst);
        final_breaks(fs, k->key, acked, false, v, NULL);
    }
    t->shortfall += worst > shown_short ? worst : shown_short;
}

static void eo_finish(void *state, const struct dslab_history *h, int64_t end_ns, struct dslab_check_result *r) {
    struct eo_state *st = state;
    final_state_seal(&st->fs);
    struct eo_op *ops = NULL;
    long got = eo_collect(h, &ops);
    int64_t *scratch = got >= 0 ? calloc(2 * (size_t)got + 2, sizeof *scratch) : NULL;
    if (got < 0 || !scratch || st->fs.out_of_memory) {
        free(ops);
        free(scratch);
        r->verdict = DSLAB_CHECK_UNKNOWN;
        snprintf(r->summary, sizeof r->summary, "out of memory");
        return;
    }
    size_t n = (size_t)got;
    /* Ok reads first, grouped by key and in completion order; the rest after. */
    size_t n_reads = 0;
    for (size_t i = 0; i < n; i++) {
        if (ops[i].fn == DSLAB_OP_READ && ops[i].outcome == DSLAB_OP_OK) {
            struct eo_op tmp = ops[n_reads];
            ops[n_reads++] = ops[i];
            ops[i] = tmp;
        }
    }
    qsort(ops, n_reads, sizeof *ops, by_key_done);
    qsort(ops + n_reads, n - n_reads, sizeof *ops, by_key_done);
    struct eo_tally t = {0};
    struct eo_key k = {.invoked = scratch, .acked = scratch + got + 1};
    /* Every key that was incremented or read, or that a node ends with, in key order. */
    int64_t *keys = calloc(n + st->fs.count + 1, sizeof *keys);
    if (!keys) {
        free(ops);
        free(scratch);
        r->verdict = DSLAB_CHECK_UNKNOWN;
        snprintf(r->summary, sizeof r->summary, "out of memory");
        return;
    }
    size_t n_keys = 0;
    for (size_t i = 0; i < n; i++) keys[n_keys++] = ops[i].key;
    for (size_t i = 0; i < st->fs.count; i++) keys[n_keys++] = st->fs.values[i].key;
    qsort(keys, n_keys, sizeof *keys, by_ns);
    size_t read_at = 0, rest_at = 0;
    for (size_t i = 0; i < n_keys; i++) {
        if (i > 0 && keys[i] == keys[i - 1]) continue;
        size_t from = read_at;
        while (read_at < n_reads && ops[read_at].key == keys[i]) read_at++;
        key_gather(ops + n_reads, n - n_reads, &rest_at, keys[i], &k, &t);
        check_key(ops + from, read_at - from, &k, &st->fs, end_ns, r, &t);
    }
    qsort(r->violations, (size_t)r->violations_count, sizeof r->violations[0], by_time);
    if (t.increments == 0 && r->violations_total == 0) {
        check_not_judged(r, "no increment was invoked");
    } else {
        snprintf(r->summary, sizeof r->summary,
                 "%zu increments (%zu ok, %zu unknown or unfinished), %zu reads checked; at least %" PRId64
                 " applied more than once, %" PRId64 " acknowledged lost",
                 t.increments, t.ok, t.unknown, t.reads, t.excess, t.shortfall);
    }
    free(keys);
    free(ops);
    free(scratch);
}

const struct dslab_checker checker_exactly_once_effects = FINAL_STATE_CHECKER(eo,
    "exactly-once-effects", "every increment of a counter is applied once: never twice, never lost once acknowledged");
