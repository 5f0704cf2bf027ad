/* session_guarantees.c: two per-client checkers, `read-your-writes` and
 * `monotonic-reads` (Terry et al., "Session Guarantees for Weakly
 * Consistent Replicated Data", 1994). They judge what one client sees,
 * from the client history alone, so they work for any key-value protocol.
 *
 * Definitions (real-time order, per client and key, as in stale-reads):
 * a value v is *older than* a write W when the write of v completed ok
 * before W was invoked: W certainly replaced v. Nil is older than every
 * write. Writes with unknown outcome (info) are never older than anything
 * (they may take effect late), and a read of a value no ok or info write
 * wrote is left to stale-reads.
 *
 * - read-your-writes: an ok read R of key k by client c must not return a
 *   value older than any write of k by c that completed ok before R was
 *   invoked.
 * - monotonic-reads: an ok read R of key k by client c must not return a
 *   value older than the write of a value an earlier read of k by c
 *   returned (an earlier ok read: one that completed before R was
 *   invoked); nor nil after an earlier read returned a value.
 *
 * Each violation names the client, the node that served the read, the two
 * values and times, and as evidence the read's invoke and completion and
 * the completion of the operation it should have seen. No argument. A
 * history without an ok read that had something to see (an earlier own
 * write; an earlier own read of a value) is not judged (unknown).
 *
 * Cost: O(n log n): ops sorted per (client, key, time), one sweep. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/check_util.h"
#include "checkers/joined_ops.h"
#include "dslab/check.h"
#include "dslab/time.h"

enum sg_kind { SG_RYW, SG_MONOTONIC };

struct sg_state {
    const struct dslab_scenario *sc; /* borrowed: outlives the checker */
    enum sg_kind kind;
};

/* One operation: invoke and completion joined. */

static int sg_create_kind(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                          void **state_out, struct dslab_diag *diag, enum sg_kind kind) {
    if (check_no_arguments(s, check, diag) != 0) return -1;
    struct sg_state *st = check_state_new(s, check, sizeof *st, diag);
    if (!st) return -1;
    st->sc = s;
    st->kind = kind;
    *state_out = st;
    return 0;
}

static int ryw_create(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                      void **state_out, struct dslab_diag *diag) {
    return sg_create_kind(s, check, state_out, diag, SG_RYW);
}

static int mr_create(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                     void **state_out, struct dslab_diag *diag) {
    return sg_create_kind(s, check, state_out, diag, SG_MONOTONIC);
}

static bool is_write(const struct joined_op *o) {
    return o->fn == DSLAB_OP_WRITE || o->fn == DSLAB_OP_CAS || o->fn == DSLAB_OP_APPEND;
}

/* Writes by (key, value, op_id): a read finds the write of its value. */
static int by_key_value(const void *pa, const void *pb) {
    const struct joined_op *a = *(const struct joined_op *const *)pa, *b = *(const struct joined_op *const *)pb;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    if (a->value != b->value) return a->value < b->value ? -1 : 1;
    return a->op_id < b->op_id ? -1 : a->op_id > b->op_id;
}

/* The write (ok or info) of (key, value), or NULL (nil, failed, never written). */
static const struct joined_op *find_write(const struct joined_op *const *writes, size_t count, int64_t key,
                                      int64_t value) {
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct joined_op *w = writes[mid];
        if (w->key < key || (w->key == key && w->value < value)) lo = mid + 1;
        else hi = mid;
    }
    for (; lo < count && writes[lo]->key == key && writes[lo]->value == value; lo++) {
        if (writes[lo]->outcome == DSLAB_OP_OK || writes[lo]->outcome == DSLAB_OP_INFO) return writes[lo];
    }
    return NULL;
}

/* A point in one (client, key) sweep: an op's invoke (reads only: where
 * it is judged) or its ok completion (where it becomes something to see). */
struct sg_point {
    const struct joined_op *op;
    int64_t at_ns;
    bool completion;
};

static int point_order(const void *pa, const void *pb) {
    const struct sg_point *a = pa, *b = pb;
    if (a->op->client != b->op->client) return a->op->client < b->op->client ? -1 : 1;
    if (a->op->key != b->op->key) return a->op->key < b->op->key ? -1 : 1;
    if (a->at_ns != b->at_ns) return a->at_ns < b->at_ns ? -1 : 1;
    /* at the same instant an invoke comes first: "completed before" is strict */
    if (a->completion != b->completion) return a->completion ? 1 : -1;
    return a->op->op_id < b->op->op_id ? -1 : a->op->op_id > b->op->op_id;
}

static const char *node_name(const struct dslab_scenario *sc, int32_t node) {
    return sc && node >= 0 && node < sc->nodes_count ? sc->node_names[node] : "?";
}

static void value_text(int64_t v, char *buf, size_t size) {
    if (v == DSLAB_HISTORY_NIL) snprintf(buf, size, "nil");
    else snprintf(buf, size, "%lld", (long long)v);
}

/* `seen` is the op the read should have seen: the client's own write
 * (read-your-writes) or its earlier read (monotonic-reads). */
static void report(const struct sg_state *st, const struct joined_op *r, const struct joined_op *seen,
                   struct dslab_check_result *res) {
    char got[32], want[32], t_read[32], t_seen[32];
    value_text(r->value, got, sizeof got);
    value_text(seen->value, want, sizeof want);
    dslab_time_format_s(r->invoke_ns, t_read, sizeof t_read);
    dslab_time_format_s(seen->complete_ns, t_seen, sizeof t_seen);
    struct dslab_check_violation *v;
    if (st->kind == SG_RYW) {
        v = dslab_check_result_add(res, seen->complete_ns, r->complete_ns,
                                   "client %d read key %lld via %s at %s and got %s, older than its "
                                   "own write of %s acknowledged by %s at %s",
                                   (int)r->client, (long long)r->key, node_name(st->sc, r->node),
                                   t_read, got, want, node_name(st->sc, seen->node), t_seen);
    } else {
        v = dslab_check_result_add(res, seen->complete_ns, r->complete_ns,
                                   "client %d read key %lld via %s at %s and got %s, older than the %s "
                                   "it had read via %s at %s",
                                   (int)r->client, (long long)r->key, node_name(st->sc, r->node),
                                   t_read, got, want, node_name(st->sc, seen->node), t_seen);
    }
    if (!v) return;
    dslab_check_violation_add_node(v, r->node);
    if (seen->node != r->node) dslab_check_violation_add_node(v, seen->node);
    dslab_check_violation_add_evidence(v, r->invoke_trace);
    dslab_check_violation_add_evidence(v, r->complete_trace);
    dslab_check_violation_add_evidence(v, seen->complete_trace);
}

/* Is the value of read r older than write w (ok or info, with invoke_ns)? */
static bool older_than(const struct joined_op *const *writes, size_t count, const struct joined_op *r,
                       const struct joined_op *w) {
    if (r->value == DSLAB_HISTORY_NIL) return true;
    const struct joined_op *wv = find_write(writes, count, r->key, r->value);
    if (!wv || wv == w) return false; /* unexplained (stale-reads reports it), or that very write */
    return wv->complete_ns < w->invoke_ns;
}

struct sg_found { /* a violation: the read, and the op it should have seen */
    const struct joined_op *read, *seen;
};

struct sg_totals {
    int64_t judged, violations;
    struct sg_found *found; /* [violations]; owned; NULL when out of memory */
};

/* Violations are reported in the order of their reads. */
static int found_order(const void *pa, const void *pb) {
    const struct sg_found *a = pa, *b = pb;
    if (a->read->invoke_ns != b->read->invoke_ns) return a->read->invoke_ns < b->read->invoke_ns ? -1 : 1;
    return a->read->op_id < b->read->op_id ? -1 : a->read->op_id > b->read->op_id;
}

/* One sweep per (client, key): what the client has seen so far is the op
 * with the latest invoke among its ok writes (read-your-writes) or among
 * the writes of the values its ok reads returned (monotonic-reads). */
static void sweep(const struct sg_state *st, const struct sg_point *pts, size_t np,
                  const struct joined_op *const *writes, size_t nw, struct sg_totals *t) {
    const struct joined_op *seen = NULL;       /* the op to report as what should have been seen */
    const struct joined_op *seen_write = NULL; /* the write it stands for (its invoke is the bar) */
    bool seen_value = false;               /* monotonic: an earlier read returned a value */
    for (size_t i = 0; i < np; i++) {
        const struct sg_point *p = &pts[i];
        if (i == 0 || p->op->client != pts[i - 1].op->client || p->op->key != pts[i - 1].op->key) {
            seen = seen_write = NULL;
            seen_value = false;
        }
        const struct joined_op *o = p->op;
        if (p->completion) {
            const struct joined_op *w = NULL;
            if (st->kind == SG_RYW && is_write(o)) w = o;
            if (st->kind == SG_MONOTONIC && o->fn == DSLAB_OP_READ && o->value != DSLAB_HISTORY_NIL) {
                w = find_write(writes, nw, o->key, o->value);
                if (!w) continue; /* unexplained: nothing to hold later reads to */
                seen_value = true;
            }
            if (w && (!seen_write || w->invoke_ns > seen_write->invoke_ns)) {
                seen_write = w;
                seen = o;
            }
            continue;
        }
        if (!seen_write) continue; /* nothing to see yet */
        t->judged++;
        bool bad = st->kind == SG_RYW ? older_than(writes, nw, o, seen_write)
                                      : (o->value == DSLAB_HISTORY_NIL ? seen_value
                                                                       : older_than(writes, nw, o, seen_write));
        if (!bad) continue;
        if (t->found) t->found[t->violations] = (struct sg_found){.read = o, .seen = seen};
        t->violations++;
    }
}

static void sg_finish(void *state, const struct dslab_history *history, int64_t end_ns,
                      struct dslab_check_result *result) {
    (void)end_ns;
    const struct sg_state *st = state;
    size_t n = 0;
    struct joined_op *ops = joined_ops(history, &n);
    const struct joined_op **writes = ops ? calloc(n ? n : 1, sizeof *writes) : NULL;
    struct sg_point *pts = writes ? calloc(n ? 2 * n : 1, sizeof *pts) : NULL;
    if (!pts) {
        free(writes), free(ops);
        result->verdict = DSLAB_CHECK_UNKNOWN;
        snprintf(result->summary, sizeof result->summary, "out of memory");
        return;
    }
    size_t nw = 0, np = 0;
    for (size_t i = 0; i < n; i++) {
        const struct joined_op *o = &ops[i];
        if (is_write(o)) writes[nw++] = o;
        bool ok = o->outcome == DSLAB_OP_OK;
        if (ok && o->fn == DSLAB_OP_READ) pts[np++] = (struct sg_point){.op = o, .at_ns = o->invoke_ns};
        bool counts = st->kind == SG_RYW ? is_write(o) : o->fn == DSLAB_OP_READ;
        if (ok && counts) pts[np++] = (struct sg_point){.op = o, .at_ns = o->complete_ns, .completion = true};
    }
    qsort(writes, nw, sizeof *writes, by_key_value);
    qsort(pts, np, sizeof *pts, point_order);
    struct sg_totals t = {.found = calloc(n ? n : 1, sizeof *t.found)}; /* at most one per read */
    if (!t.found) {
        free(pts), free(writes), free(ops);
        result->verdict = DSLAB_CHECK_UNKNOWN;
        snprintf(result->summary, sizeof result->summary, "out of memory");
        return;
    }
    sweep(st, pts, np, writes, nw, &t);
    qsort(t.found, (size_t)t.violations, sizeof *t.found, found_order);
    for (int64_t i = 0; i < t.violations; i++) report(st, t.found[i].read, t.found[i].seen, result);
    free(t.found);
    result->verdict = t.violations > 0 ? DSLAB_CHECK_FAIL : DSLAB_CHECK_PASS;
    if (t.judged == 0) {
        check_not_judged(result, st->kind == SG_RYW ? "no read followed a write of its client"
                                                    : "no read followed a read of its client");
    } else {
        snprintf(result->summary, sizeof result->summary, "%lld of %lld reads %s",
                 (long long)t.violations, (long long)t.judged,
                 st->kind == SG_RYW ? "after a client's own write missed it"
                                    : "after a client's earlier read went back in time");
    }
    free(pts), free(writes), free(ops);
}

static void sg_destroy(void *state) {
    free(state);
}

const struct dslab_checker checker_read_your_writes = {
    .name = "read-your-writes",
    .summary = "no client reads a value older than its own acknowledged write",
    .create = ryw_create, .on_event = NULL, .finish = sg_finish, .destroy = sg_destroy};
const struct dslab_checker checker_monotonic_reads = {
    .name = "monotonic-reads",
    .summary = "no client reads a value older than one it read before",
    .create = mr_create, .on_event = NULL, .finish = sg_finish, .destroy = sg_destroy};
