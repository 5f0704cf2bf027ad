/* arrival_peak.c: the peak rate at which messages arrive at one node: a
 * thundering herd made judgeable. An average load far below a server's
 * capacity says nothing when every client sends in the same instant; this
 * checker bounds what arrives within any window of a given length.
 *
 *   checks: ["arrival-peak: n1 at most 50 per 100ms"]
 *
 * Reads DSLAB_TRACE_SEND (a = the scheduled delivery time, -1 = dropped at
 * once) and DSLAB_TRACE_DUPLICATE (a = the copy's delivery time) of every
 * message to the node: an arrival is when a message reaches the node,
 * whether its CPU model then serves, queues or sheds it, and whether the
 * node is paused (it meets the message at its resume) or crashed (it is
 * lost). A message a partition cuts in flight is counted: the load was
 * offered. Arrivals are kept (24 bytes each) and sorted at the end, as
 * sends do not arrive in send order; the window slides over them, so a
 * burst across a window boundary is not split. A violation is each
 * stretch in which more than N arrivals fall within some window: from the
 * first arrival of the first such window to the last of the last, with
 * the first senders (up to 8) as nodes. Without any arrival: not judged. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/check_util.h"
#include "dslab/latency.h"
#include "dslab/scenario.h"
#include "dslab/time.h"
#include "dslab/units.h"

#define AP_COUNT_MAX 1000000

struct ap_arrival {
    int64_t at_ns;
    uint64_t trace_id; /* the send's (or duplicate's) event: evidence, and the tie-break of equal times */
    int32_t sender;
};

struct ap_state {
    int32_t node;
    int64_t count_max; /* N: more is a violation */
    int64_t window_ns;
    struct ap_arrival *arrivals;
    size_t count, capacity;
    bool out_of_memory;
};

static int ap_usage(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                    struct dslab_diag *diag) {
    return dslab_diag_set(diag, s->path, check->pos.line, check->pos.col,
                          "arrival-peak takes 'NODE at most N per WINDOW' (a node of the scenario, N 1..%d, "
                          "WINDOW a duration > 0 up to 1h), e.g. 'n1 at most 50 per 100ms' (got '%s')",
                          AP_COUNT_MAX, check->args ? check->args : "");
}

/* "NODE at most N per WINDOW", words separated by single spaces. */
static int ap_parse(struct ap_state *st, const struct dslab_scenario *s, const char *args) {
    char node[64], count[32], window[64], tail[2];
    if (sscanf(args, " %63s at most %31s per %63s %1s", node, count, window, tail) != 3) return -1;
    st->node = dslab_scenario_node_index(s, node);
    if (st->node < 0) return -1;
    char err[DSLAB_UNITS_ERR_MAX];
    if (dslab_units_parse_int(count, 1, AP_COUNT_MAX, &st->count_max, err, (int)sizeof err) < 0) return -1;
    if (dslab_units_parse_duration_ns(window, false, &st->window_ns, err, (int)sizeof err) < 0) return -1;
    return st->window_ns > 0 && st->window_ns <= DSLAB_LATENCY_NS_MAX ? 0 : -1;
}

static int ap_create(const struct dslab_scenario *s, const struct dslab_scenario_check *check, void **out,
                     struct dslab_diag *diag) {
    if (check_argument_required(s, check, "the node and its bound", "n1 at most 50 per 100ms",
                                diag) < 0) {
        return -1;
    }
    struct ap_state *st = check_state_new(s, check, sizeof *st, diag);
    if (!st) return -1;
    if (ap_parse(st, s, check->args) < 0) {
        free(st);
        return ap_usage(s, check, diag);
    }
    *out = st;
    return 0;
}

static void ap_on_event(void *state, const struct dslab_trace_event *ev) {
    struct ap_state *st = state;
    if (ev->kind != DSLAB_TRACE_SEND && ev->kind != DSLAB_TRACE_DUPLICATE) return;
    if (ev->peer != st->node || ev->a < 0 || st->out_of_memory) return;
    struct ap_arrival *grown = grow_array(st->arrivals, &st->capacity, st->count, sizeof *grown, 1024);
    if (!grown) {
        st->out_of_memory = true;
        return;
    }
    st->arrivals = grown;
    st->arrivals[st->count] = (struct ap_arrival){ev->a, ev->id, ev->node};
    st->count++;
}

static int ap_cmp(const void *pa, const void *pb) {
    const struct ap_arrival *a = pa, *b = pb;
    if (a->at_ns != b->at_ns) return a->at_ns < b->at_ns ? -1 : 1;
    return a->trace_id < b->trace_id ? -1 : a->trace_id > b->trace_id;
}

/* Adds the stretch [first, last] of arrivals as one violation. */
static void ap_violation(struct dslab_check_result *r, const struct ap_state *st, size_t first, size_t last,
                         int64_t peak, int64_t peak_from_ns) {
    char window[32], from[32];
    dslab_time_format_duration(st->window_ns, window, (int)sizeof window);
    struct dslab_check_violation *v = dslab_check_result_add(
        r, st->arrivals[first].at_ns, st->arrivals[last].at_ns,
        "%" PRId64 " arrivals within %s from %s (bound %" PRId64 ")", peak, window,
        dslab_time_format_s(peak_from_ns, from, (int)sizeof from), st->count_max);
    if (!v) return; /* counted only: past the violations kept */
    for (size_t i = first; i <= last && i - first < DSLAB_CHECK_VIOLATION_EVIDENCE_MAX; i++) {
        dslab_check_violation_add_evidence(v, st->arrivals[i].trace_id);
    }
    int added = 0;
    for (size_t i = first; i <= last && added < DSLAB_CHECK_VIOLATION_NODES_MAX; i++) {
        bool seen = false;
        for (size_t k = first; k < i && !seen; k++) seen = st->arrivals[k].sender == st->arrivals[i].sender;
        if (!seen) dslab_check_violation_add_node(v, st->arrivals[i].sender), added++;
    }
}

static void ap_finish(void *state, const struct dslab_history *h, int64_t end_ns, struct dslab_check_result *r) {
    (void)h;
    struct ap_state *st = state;
    /* a message due after the end never arrived */
    size_t kept = 0;
    for (size_t i = 0; i < st->count; i++) {
        if (st->arrivals[i].at_ns <= end_ns) st->arrivals[kept++] = st->arrivals[i];
    }
    st->count = kept;
    if (st->count == 0) {
        check_not_judged(r, "no message arrived at the node");
        return;
    }
    qsort(st->arrivals, st->count, sizeof *st->arrivals, ap_cmp);
    r->verdict = DSLAB_CHECK_PASS; /* a violation below makes it FAIL */
    /* window [i, j): the arrivals within window_ns of arrival i */
    int64_t peak_all = 0, peak_all_from_ns = 0;
    size_t j = 0, open_first = 0, open_last = 0;
    int64_t open_peak = 0, open_peak_from_ns = 0;
    bool open = false;
    for (size_t i = 0; i < st->count; i++) {
        if (j < i) j = i;
        while (j < st->count && st->arrivals[j].at_ns - st->arrivals[i].at_ns < st->window_ns) j++;
        int64_t in_window = (int64_t)(j - i);
        if (in_window > peak_all) peak_all = in_window, peak_all_from_ns = st->arrivals[i].at_ns;
        if (in_window <= st->count_max) continue;
        if (open && i > open_last) {
            ap_violation(r, st, open_first, open_last, open_peak, open_peak_from_ns);
            open = false;
        }
        if (!open) open = true, open_first = i, open_peak = 0;
        if (j - 1 > open_last || open_first == i) open_last = j - 1;
        if (in_window > open_peak) open_peak = in_window, open_peak_from_ns = st->arrivals[i].at_ns;
    }
    if (open) ap_violation(r, st, open_first, open_last, open_peak, open_peak_from_ns);
    int64_t span_ns = end_ns > 0 ? end_ns : 1;
    /* count x window x 100 fits: count <= 2^31, window <= 1h < 2^42 ns */
    int64_t mean_x100 = (int64_t)st->count * st->window_ns / span_ns * 100 +
                        (int64_t)st->count * st->window_ns % span_ns * 100 / span_ns;
    char window[32], from[32];
    dslab_time_format_duration(st->window_ns, window, (int)sizeof window);
    snprintf(r->summary, sizeof r->summary,
             "peak %" PRId64 " arrivals within %s (from %s), bound %" PRId64 "; %zu in all, a mean of "
             "%" PRId64 ".%02" PRId64 " per %s",
             peak_all, window, dslab_time_format_s(peak_all_from_ns, from, (int)sizeof from), st->count_max, st->count, mean_x100 / 100,
             mean_x100 % 100, window);
    if (st->out_of_memory) r->verdict = DSLAB_CHECK_UNKNOWN;
}

static void ap_destroy(void *state) {
    struct ap_state *st = state;
    if (!st) return;
    free(st->arrivals);
    free(st);
}

const struct dslab_checker checker_arrival_peak = CHECKER(ap, "arrival-peak",
    "at most N messages arrive at a node within any window of a given length (a thundering herd)");
