/* stale_reads.c: the stale-reads checker. How stale do reads get, and how
 * often? A weaker, more talkative oracle than `linearizable`: it measures
 * instead of searching, so it also grades eventually consistent stores.
 *
 * Definition (real-time order only, per key): a successful read R that
 * returned value v, written by write Wv, is stale when some other write W'
 * of the same key completed ok before R was invoked and was itself invoked
 * after Wv completed: W' certainly replaced v before R began, so no
 * ordering of the writes lets R see v. Reading the initial value (nil) is
 * stale when any write completed before R began. Writes whose outcome is
 * unknown (info) never make a read stale, and a value written by an info
 * write never counts as old. A read of a value that was never written, or
 * whose write failed, is reported too: that is worse than stale.
 *
 * How stale: `versions` = how many such W' there were; `time` = R's
 * invoke time minus the earliest completion among them (how long the
 * newer value had been acknowledged when R began).
 *
 * Argument: none or "0" (no stale read allowed); a fraction "0.05" or "5%"
 * (fails when more than that share of reads are stale; then every stale
 * read is listed); a duration "100ms" (only reads staler than that, in
 * time, are violations). A history without any ok read is not judged
 * (unknown).
 *
 * Cost: O(n log n) in the history at finish: sorts, then one sweep per
 * key with a Fenwick tree answers every read's "how many newer writes,
 * and which completed first" (answer_queries). */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/check_util.h"
#include "checkers/joined_ops.h"
#include "dslab/assert.h"
#include "dslab/check.h"
#include "dslab/time.h"
#include "scenario/units.h"

enum sr_mode { SR_FRACTION, SR_BOUND };

struct sr_state {
    const struct dslab_scenario *sc; /* borrowed: outlives the checker */
    enum sr_mode mode;
    uint32_t fraction_ppm; /* SR_FRACTION: allowed share of stale reads */
    int64_t bound_ns;      /* SR_BOUND: allowed staleness in time */
};

/* One operation: its invoke and completion joined. */

static int sr_create(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                     void **state_out, struct dslab_diag *diag) {
    struct sr_state st = {.sc = s, .mode = SR_FRACTION};
    const char *a = check->args ? check->args : "";
    char err[DSLAB_UNITS_ERR_MAX];
    size_t len = strlen(a);
    if (len > 0 && isalpha((unsigned char)a[len - 1])) {
        st.mode = SR_BOUND;
        if (dslab_units_parse_duration_ns(a, false, &st.bound_ns, err, sizeof err) != 0) {
            return dslab_diag_set(diag, s->path, check->pos.line, check->pos.col,
                            "stale-reads: %s (e.g. 'stale-reads: 100ms')", err);
        }
    } else if (len > 0 && units_parse_probability_ppm(a, &st.fraction_ppm, err, sizeof err) != 0) {
        return dslab_diag_set(diag, s->path, check->pos.line, check->pos.col,
                        "stale-reads takes the share of reads allowed to be stale ('0', "
                        "'0.05', '5%%') or a staleness bound ('100ms'); got '%s'",
                        a);
    }
    struct sr_state *out = malloc(sizeof *out);
    if (!out) return dslab_diag_set(diag, s->path, check->pos.line, check->pos.col, "out of memory");
    *out = st;
    *state_out = out;
    return 0;
}

/* Writes ordered by (key, value) so a read finds its write by search. */
static int by_key_value(const void *pa, const void *pb) {
    const struct joined_op *a = pa, *b = pb;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    if (a->value != b->value) return a->value < b->value ? -1 : 1;
    return a->op_id < b->op_id ? -1 : a->op_id > b->op_id;
}

static const char *node_name(const struct dslab_scenario *sc, int32_t node) {
    return sc && node >= 0 && node < sc->nodes_count ? sc->node_names[node] : "?";
}

static bool is_write(const struct joined_op *o) {
    return o->fn == DSLAB_OP_WRITE || o->fn == DSLAB_OP_CAS || o->fn == DSLAB_OP_APPEND;
}

struct sr_totals {
    int64_t reads, stale, unexplained;
    int64_t versions_max, stale_ns_max, stale_ns_sum;
};

static void report_stale(const struct dslab_scenario *sc, const struct joined_op *r, const struct joined_op *wv,
                         const struct joined_op *newer, int64_t versions, struct dslab_check_result *res) {
    int64_t stale_ns = r->invoke_ns - newer->complete_ns;
    char t_ack[32], t_read[32], age[32];
    dslab_time_format_s(newer->complete_ns, t_ack, sizeof t_ack);
    dslab_time_format_s(r->invoke_ns, t_read, sizeof t_read);
    dslab_time_format_human(stale_ns, age, sizeof age);
    char got[48];
    if (r->value == DSLAB_HISTORY_NIL) snprintf(got, sizeof got, "nil (never written)");
    else snprintf(got, sizeof got, "%lld", (long long)r->value);
    const char *at = node_name(sc, r->node);
    struct dslab_check_violation *v = dslab_check_result_add(
        res, newer->complete_ns, r->complete_ns,
        "stale read of key %lld via %s at %s: got %s, but %lld newer write%s acknowledged "
        "(first %lld at %s): %s stale",
        (long long)r->key, at, t_read, got, (long long)versions, versions == 1 ? " was" : "s were",
        (long long)newer->value, t_ack, age);
    if (!v) return;
    dslab_check_violation_add_node(v, r->node);
    if (newer->node != r->node) dslab_check_violation_add_node(v, newer->node);
    dslab_check_violation_add_evidence(v, r->invoke_trace);
    dslab_check_violation_add_evidence(v, r->complete_trace);
    if (wv) dslab_check_violation_add_evidence(v, wv->complete_trace);
    dslab_check_violation_add_evidence(v, newer->complete_trace);
}

/* What the pre-pass found for one ok read (indexed like the ops array). */
struct sr_read_info {
    const struct joined_op *wv;    /* the write whose value it returned; NULL: nil or unexplained */
    const struct joined_op *newer; /* the earliest-acknowledged newer write; NULL: not stale */
    int64_t versions;          /* how many newer writes were acknowledged before it began */
    bool unexplained;          /* it returned a value no successful write wrote */
};

/* Finds the write of (key, value) in writes (sorted by by_key_value):
 * the first one, or writes_count when there is none. */
static size_t find_write(const struct joined_op *writes, size_t writes_count, int64_t key, int64_t value) {
    struct joined_op probe = {.key = key, .value = value, .op_id = 0};
    size_t lo = 0, hi = writes_count; /* first write with (key, value) >= probe */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (by_key_value(&writes[mid], &probe) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* A read's question about its key's ok writes: how many have
 * invoke_ns > after_ns and complete_ns < before_ns, and which of them
 * completed first (ties: the first in (value, op_id) order)? */
struct sr_query {
    size_t read;      /* index in ops */
    int64_t key;
    int64_t after_ns; /* when the value it read was acknowledged (INT64_MIN: nil) */
    int64_t before_ns; /* when it was invoked */
};

static int query_order(const void *pa, const void *pb) { /* key, then after_ns descending */
    const struct sr_query *a = pa, *b = pb;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    if (a->after_ns != b->after_ns) return a->after_ns > b->after_ns ? -1 : 1;
    return a->read < b->read ? -1 : a->read > b->read;
}

/* Ok writes by (key, complete_ns, value, op_id): a write's rank here is
 * its place in the tie-break order of "completed first". */
static int by_key_complete(const void *pa, const void *pb) {
    const struct joined_op *a = *(const struct joined_op *const *)pa, *b = *(const struct joined_op *const *)pb;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    if (a->complete_ns != b->complete_ns) return a->complete_ns < b->complete_ns ? -1 : 1;
    return by_key_value(a, b);
}

struct sr_ranked { /* an ok write with its rank in by_key_complete order */
    const struct joined_op *w;
    size_t rank;
};

static int by_key_invoke_desc(const void *pa, const void *pb) {
    const struct sr_ranked *a = pa, *b = pb;
    if (a->w->key != b->w->key) return a->w->key < b->w->key ? -1 : 1;
    if (a->w->invoke_ns != b->w->invoke_ns) return a->w->invoke_ns > b->w->invoke_ns ? -1 : 1;
    return a->rank < b->rank ? -1 : a->rank > b->rank;
}

/* A Fenwick tree over ranks 0..n-1 counting inserted writes. */
static void fenwick_add(uint32_t *tree, size_t n, size_t rank) {
    for (size_t i = rank + 1; i <= n; i += i & (~i + 1)) tree[i - 1]++;
}

static int64_t fenwick_prefix(const uint32_t *tree, size_t rank_end) { /* ranks < rank_end */
    int64_t sum = 0;
    for (size_t i = rank_end; i > 0; i -= i & (~i + 1)) sum += tree[i - 1];
    return sum;
}

/* First index in byc (sorted by by_key_complete) whose (key, complete_ns)
 * is >= (key, at_ns). */
static size_t lower_bound_complete(const struct joined_op *const *byc, size_t n, int64_t key, int64_t at_ns) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct joined_op *w = byc[mid];
        if (w->key < key || (w->key == key && w->complete_ns < at_ns)) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* Answers every query in O((reads + writes) log writes): queries sorted by
 * key and after_ns descending sweep the key's writes in invoke_ns
 * descending order, inserting each into a Fenwick tree over its
 * completion rank while its invoke_ns > after_ns. The count below
 * before_ns is a prefix sum; the earliest completion among the inserted
 * writes is the smallest rank inserted, and it is a newer write exactly
 * when it completed before before_ns. Returns -1 when out of memory. */
static int answer_queries(const struct joined_op *writes, size_t writes_count, struct sr_query *q,
                          size_t q_count, struct sr_read_info *info) {
    size_t m = 0;
    for (size_t i = 0; i < writes_count; i++) m += writes[i].outcome == DSLAB_OP_OK;
    const struct joined_op **byc = calloc(m ? m : 1, sizeof *byc);
    struct sr_ranked *byi = calloc(m ? m : 1, sizeof *byi);
    uint32_t *tree = calloc(m ? m : 1, sizeof *tree);
    if (!byc || !byi || !tree) {
        free(byc), free(byi), free(tree);
        return -1;
    }
    for (size_t i = 0, k = 0; i < writes_count; i++) {
        if (writes[i].outcome == DSLAB_OP_OK) byc[k++] = &writes[i];
    }
    qsort(byc, m, sizeof *byc, by_key_complete);
    for (size_t r = 0; r < m; r++) byi[r] = (struct sr_ranked){.w = byc[r], .rank = r};
    qsort(byi, m, sizeof *byi, by_key_invoke_desc);
    qsort(q, q_count, sizeof *q, query_order);
    size_t j = 0;             /* next write in byi to insert */
    size_t min_rank = SIZE_MAX; /* smallest rank inserted for the current key */
    for (size_t i = 0; i < q_count; i++) {
        const struct sr_query *qi = &q[i];
        if (i == 0 || q[i - 1].key != qi->key) {
            min_rank = SIZE_MAX;
            while (j < m && byi[j].w->key < qi->key) j++; /* skip keys nobody read */
        }
        for (; j < m && byi[j].w->key == qi->key && byi[j].w->invoke_ns > qi->after_ns; j++) {
            fenwick_add(tree, m, byi[j].rank);
            if (byi[j].rank < min_rank) min_rank = byi[j].rank;
        }
        struct sr_read_info *out = &info[qi->read];
        size_t key_start = lower_bound_complete(byc, m, qi->key, INT64_MIN);
        size_t below = lower_bound_complete(byc, m, qi->key, qi->before_ns);
        out->versions = fenwick_prefix(tree, below) - fenwick_prefix(tree, key_start);
        out->newer = out->versions > 0 ? byc[min_rank] : NULL;
        DSLAB_ASSERT(out->versions == 0 || (min_rank < below && byc[min_rank]->key == qi->key));
    }
    free(byc), free(byi), free(tree);
    return 0;
}

/* Judges every ok read at once; info is indexed like ops. Returns -1 when
 * out of memory. */
static int judge_reads(const struct joined_op *ops, size_t n, const struct joined_op *writes,
                       size_t writes_count, struct sr_read_info *info) {
    struct sr_query *q = calloc(n ? n : 1, sizeof *q);
    if (!q) return -1;
    size_t q_count = 0;
    for (size_t i = 0; i < n; i++) {
        const struct joined_op *r = &ops[i];
        info[i] = (struct sr_read_info){0};
        if (r->fn != DSLAB_OP_READ || r->outcome != DSLAB_OP_OK) continue;
        int64_t wv_done_ns = INT64_MIN; /* nil: "written" before the run */
        if (r->value != DSLAB_HISTORY_NIL) {
            size_t lo = find_write(writes, writes_count, r->key, r->value);
            if (lo == writes_count || writes[lo].key != r->key || writes[lo].value != r->value ||
                writes[lo].outcome == DSLAB_OP_FAIL) {
                info[i].unexplained = true;
                info[i].wv = lo < writes_count && writes[lo].key == r->key ? &writes[lo] : NULL;
                continue;
            }
            info[i].wv = &writes[lo];
            wv_done_ns = writes[lo].complete_ns;
            if (wv_done_ns == INT64_MAX) continue; /* its write never completed: not old */
        }
        q[q_count++] = (struct sr_query){.read = i, .key = r->key, .after_ns = wv_done_ns,
                                         .before_ns = r->invoke_ns};
    }
    int rc = answer_queries(writes, writes_count, q, q_count, info);
    free(q);
    return rc;
}

static void report_unexplained(const struct dslab_scenario *sc, const struct joined_op *r,
                               const struct joined_op *wv, struct dslab_check_result *res) {
    const char *at = node_name(sc, r->node);
    struct dslab_check_violation *v = dslab_check_result_add(
        res, r->invoke_ns, r->complete_ns, "read of key %lld via %s returned %lld, %s",
        (long long)r->key, at, (long long)r->value,
        wv ? "written only by a write that failed" : "which no write wrote");
    if (!v) return;
    dslab_check_violation_add_node(v, r->node);
    dslab_check_violation_add_evidence(v, r->invoke_trace);
    dslab_check_violation_add_evidence(v, r->complete_trace);
    if (wv) dslab_check_violation_add_evidence(v, wv->complete_trace);
}

/* Walks every ok read; reports those the mode judges (all, in pass 2). */
static void judge(const struct sr_state *st, const struct dslab_scenario *sc, const struct joined_op *ops,
                  size_t n, const struct sr_read_info *info, bool report_all, struct sr_totals *t,
                  struct dslab_check_result *res) {
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < n; i++) {
        const struct joined_op *r = &ops[i];
        if (r->fn != DSLAB_OP_READ || r->outcome != DSLAB_OP_OK) continue;
        t->reads++;
        const struct sr_read_info *ri = &info[i];
        if (ri->unexplained) {
            t->unexplained++;
            if (res) report_unexplained(sc, r, ri->wv, res);
            continue;
        }
        if (!ri->newer) continue;
        int64_t stale_ns = r->invoke_ns - ri->newer->complete_ns;
        t->stale++;
        t->stale_ns_sum += stale_ns;
        if (ri->versions > t->versions_max) t->versions_max = ri->versions;
        if (stale_ns > t->stale_ns_max) t->stale_ns_max = stale_ns;
        bool judged = st->mode == SR_BOUND ? stale_ns > st->bound_ns : report_all;
        if (res && judged) report_stale(sc, r, ri->wv, ri->newer, ri->versions, res);
    }
}

static void sr_summary(const struct sr_state *st, const struct sr_totals *t,
                       struct dslab_check_result *res) {
    char worst[32] = "0ns", mean[32] = "0ns", limit[48] = "";
    dslab_time_format_human(t->stale_ns_max, worst, sizeof worst);
    dslab_time_format_human(t->stale > 0 ? t->stale_ns_sum / t->stale : 0, mean, sizeof mean);
    int64_t pct_x100 = t->reads > 0 ? t->stale * 10000 / t->reads : 0;
    if (st->mode == SR_BOUND) {
        char b[32];
        snprintf(limit, sizeof limit, "; bound %s", dslab_time_format_human(st->bound_ns, b, sizeof b));
    } else if (st->fraction_ppm > 0) {
        snprintf(limit, sizeof limit, "; allowed %lld.%02lld%%",
                 (long long)(st->fraction_ppm / 10000), (long long)(st->fraction_ppm / 100 % 100));
    }
    int n;
    if (t->stale == 0) {
        n = snprintf(res->summary, sizeof res->summary, "0 of %lld reads stale%s",
                     (long long)t->reads, limit);
    } else {
        n = snprintf(res->summary, sizeof res->summary,
                     "%lld of %lld reads stale (%lld.%02lld%%), worst %lld versions / %s "
                     "behind, mean %s%s",
                     (long long)t->stale, (long long)t->reads, (long long)(pct_x100 / 100),
                     (long long)(pct_x100 % 100), (long long)t->versions_max, worst, mean,
                     limit);
    }
    if (t->unexplained > 0 && n > 0 && (size_t)n < sizeof res->summary) {
        snprintf(res->summary + n, sizeof res->summary - (size_t)n,
                 "; %lld reads of values never (successfully) written", (long long)t->unexplained);
    }
}

static void sr_finish(void *state, const struct dslab_history *history, int64_t end_ns,
                      struct dslab_check_result *result) {
    (void)end_ns;
    const struct sr_state *st = state;
    size_t n = 0;
    struct joined_op *ops = joined_ops(history, &n);
    struct joined_op *writes = ops ? calloc(n ? n : 1, sizeof *writes) : NULL;
    if (!ops || !writes) {
        free(ops);
        result->verdict = DSLAB_CHECK_UNKNOWN;
        snprintf(result->summary, sizeof result->summary, "out of memory");
        return;
    }
    size_t writes_count = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_write(&ops[i])) writes[writes_count++] = ops[i];
    }
    qsort(writes, writes_count, sizeof *writes, by_key_value);
    struct sr_read_info *info = calloc(n ? n : 1, sizeof *info);
    if (!info || judge_reads(ops, n, writes, writes_count, info) != 0) {
        free(info), free(writes), free(ops);
        result->verdict = DSLAB_CHECK_UNKNOWN;
        snprintf(result->summary, sizeof result->summary, "out of memory");
        return;
    }
    struct sr_totals t;
    judge(st, st->sc, ops, n, info, false, &t, NULL);
    result->verdict = DSLAB_CHECK_PASS;
    bool over = st->mode == SR_FRACTION &&
                (uint64_t)t.stale * 1000000u > (uint64_t)st->fraction_ppm * (uint64_t)t.reads;
    if (over || st->mode == SR_BOUND || t.unexplained > 0) {
        judge(st, st->sc, ops, n, info, over, &t, result);
    }
    if (t.reads == 0) check_not_judged(result, "no read completed ok");
    else sr_summary(st, &t, result);
    free(info);
    free(writes);
    free(ops);
}

static void sr_destroy(void *state) {
    free(state);
}

const struct dslab_checker checker_stale_reads = CHECKER_AT_END(sr, "stale-reads",
    "reads that return a value older than a write acknowledged before they began");
