/* staleness.c: the read-after-write staleness metric (dslab/staleness.h,
 * where the freshness rule and the bucket rule are stated). Computed after
 * the fact from the run's history and its list of probes (workload.c): one
 * pass indexes every operation by op id (where it was invoked, how and
 * where it ended), a second walks the history in order keeping, per key,
 * the latest start (invoke) of a write acknowledged so far, and judges
 * each probe at its invoke: its value is superseded when such a write
 * started after the value's own write was acknowledged. */
#include <stdlib.h>
#include <string.h>

#include "dslab/staleness.h"
#include "dslab/time.h"
#include "sim_internal.h"

void dslab_staleness_bucket_of(int64_t delay_ns, int64_t bucket_ns, int64_t *from_ns, int64_t *to_ns) {
    if (delay_ns < 0) delay_ns = 0;
    if (bucket_ns > 0) {
        int64_t k = delay_ns / bucket_ns;
        *from_ns = k * bucket_ns;
        *to_ns = dslab_time_add_sat(*from_ns, bucket_ns);
        return;
    }
    static const int64_t steps[3] = {1, 2, 5};
    int64_t from = 0, decade = 1000; /* the first edge is 1us */
    for (;;) {
        for (int i = 0; i < 3; i++) {
            int64_t edge = steps[i] * decade;
            if (delay_ns < edge) {
                *from_ns = from;
                *to_ns = edge;
                return;
            }
            from = edge;
        }
        if (decade > INT64_MAX / 10 / 5) { /* past 5e17 ns: one last bucket */
            *from_ns = from;
            *to_ns = INT64_MAX;
            return;
        }
        decade *= 10;
    }
}

struct op_end {
    int64_t invoke_index; /* -1: no invoke seen */
    int64_t end_index;    /* -1: never completed */
    enum dslab_op_type end_type;
};

struct value_op {
    int64_t value;
    uint64_t op_id;
};

static int cmp_value(const void *a, const void *b) {
    const struct value_op *x = a, *y = b;
    return x->value < y->value ? -1 : x->value > y->value;
}

struct judged {
    int64_t from_ns, to_ns, delay_ns;
    int outcome; /* 0 stale, 1 fresh, 2 unanswered */
};

static int cmp_judged(const void *a, const void *b) {
    const struct judged *x = a, *y = b;
    return x->from_ns < y->from_ns ? -1 : x->from_ns > y->from_ns;
}

/* The op that wrote `value` (writes and cas; values are unique per run), or 0. */
static uint64_t writer_of(const struct value_op *v, size_t n, int64_t value) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].value < value) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && v[lo].value == value ? v[lo].op_id : 0;
}

static bool is_write(enum dslab_op_fn fn) { return fn == DSLAB_OP_WRITE || fn == DSLAB_OP_CAS; }

/* Judges every probe into j[] (probes_count entries). */
static int judge(const struct dslab_sim *sim, struct judged *j) {
    const struct dslab_history *h = &sim->history;
    size_t ops_n = (size_t)sim->next_op_id + 1;
    size_t keys_n = (size_t)(sim->sc->workload.keys_count > 0 ? sim->sc->workload.keys_count : 1);
    struct op_end *ends = malloc(ops_n * sizeof *ends);
    struct value_op *values = malloc((h->count ? h->count : 1) * sizeof *values);
    int64_t *latest = malloc(keys_n * sizeof *latest); /* per key: latest start of an acked write, -1 */
    int64_t *probe_at = malloc((h->count ? h->count : 1) * sizeof *probe_at); /* history index -> probe or -1 */
    int rc = -1;
    if (!ends || !values || !latest || !probe_at) goto out;
    for (size_t i = 0; i < ops_n; i++) ends[i] = (struct op_end){-1, -1, DSLAB_OP_INVOKE};
    size_t values_n = 0;
    for (size_t i = 0; i < h->count; i++) {
        const struct dslab_history_op *op = &h->ops[i];
        probe_at[i] = -1;
        if (op->op_id >= ops_n) continue;
        if (op->type == DSLAB_OP_INVOKE) {
            ends[op->op_id].invoke_index = (int64_t)i;
            if (is_write(op->fn)) values[values_n++] = (struct value_op){op->value, op->op_id};
        } else {
            ends[op->op_id].end_index = (int64_t)i;
            ends[op->op_id].end_type = op->type;
        }
    }
    qsort(values, values_n, sizeof *values, cmp_value);
    for (size_t p = 0; p < sim->probes_count; p++) probe_at[sim->probes[p].invoke_index] = (int64_t)p;
    for (size_t k = 0; k < keys_n; k++) latest[k] = -1;
    for (size_t i = 0; i < h->count; i++) {
        const struct dslab_history_op *op = &h->ops[i];
        bool key_ok = op->key >= 0 && (size_t)op->key < keys_n;
        if (op->type == DSLAB_OP_OK && is_write(op->fn) && key_ok) {
            int64_t started = ends[op->op_id].invoke_index;
            if (started > latest[op->key]) latest[op->key] = started;
            continue;
        }
        if (probe_at[i] < 0) continue;
        struct judged *r = &j[probe_at[i]];
        r->delay_ns = sim->probes[probe_at[i]].delay_ns;
        const struct op_end *e = &ends[op->op_id];
        if (e->end_type != DSLAB_OP_OK || !key_ok) {
            r->outcome = 2;
            continue;
        }
        int64_t got = h->ops[e->end_index].value;
        if (got == DSLAB_HISTORY_NIL) { /* the initial value: superseded by any acknowledged write */
            r->outcome = latest[op->key] < 0;
            continue;
        }
        uint64_t w = writer_of(values, values_n, got);
        if (!w || ends[w].end_type == DSLAB_OP_FAIL) continue; /* stale: no write set it */
        int64_t acked = ends[w].end_type == DSLAB_OP_OK ? ends[w].end_index : INT64_MAX;
        /* fresh unless a write acknowledged before the probe began after this one's ack */
        r->outcome = latest[op->key] < acked;
    }
    rc = 0;
out:
    free(ends);
    free(values);
    free(latest);
    free(probe_at);
    return rc;
}

int dslab_staleness_compute(const struct dslab_sim *sim, struct dslab_staleness *out) {
    memset(out, 0, sizeof *out);
    const struct dslab_scenario_workload *w = &sim->sc->workload;
    if (!w->probe_on) return 0;
    out->on = true;
    out->bucket_ns = w->probe_bucket_ns;
    size_t n = sim->probes_count;
    struct judged *j = calloc(n ? n : 1, sizeof *j);
    if (!j || judge(sim, j) != 0) {
        free(j);
        return -1;
    }
    for (size_t i = 0; i < n; i++) dslab_staleness_bucket_of(j[i].delay_ns, w->probe_bucket_ns, &j[i].from_ns, &j[i].to_ns);
    /* stable enough: equal keys are merged, so the order among them never shows */
    qsort(j, n, sizeof *j, cmp_judged);
    out->buckets = calloc(n ? n : 1, sizeof *out->buckets);
    if (!out->buckets) {
        free(j);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        struct dslab_staleness_bucket *b = out->count ? &out->buckets[out->count - 1] : NULL;
        if (!b || b->from_ns != j[i].from_ns) {
            b = &out->buckets[out->count++];
            *b = (struct dslab_staleness_bucket){.from_ns = j[i].from_ns, .to_ns = j[i].to_ns,
                                                 .delay_min_ns = j[i].delay_ns, .delay_max_ns = j[i].delay_ns};
        }
        if (j[i].delay_ns < b->delay_min_ns) b->delay_min_ns = j[i].delay_ns;
        if (j[i].delay_ns > b->delay_max_ns) b->delay_max_ns = j[i].delay_ns;
        out->probes++;
        if (j[i].outcome == 2) {
            b->unanswered++;
            out->unanswered++;
            continue;
        }
        b->reads++;
        out->reads++;
        b->fresh += j[i].outcome == 1;
        out->fresh += j[i].outcome == 1;
    }
    free(j);
    return 0;
}

void dslab_staleness_free(struct dslab_staleness *s) {
    free(s->buckets);
    s->buckets = NULL;
    s->count = 0;
}
