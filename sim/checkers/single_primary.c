/* single_primary.c: at most one primary, per epoch and at any instant.
 *
 * Both checkers read who is primary from typed role reports
 * (dslab_ctx_report_role): a leading class (DSLAB_ROLE_PRIMARY, or DSLAB_ROLE_LEADER) with
 * value = epoch starts a primaryship; any other role report, or a crash,
 * ends it; the report's text plays no part. The simulator's
 * true time is the clock: nodes' own clocks play no part.
 *
 * single-primary-per-epoch: two different nodes primary in the same epoch
 *   (at any times) is a violation from the second promotion to the end of
 *   the overlap (or the promotion itself when the first had ended); the
 *   evidence is both "role" annotations. What fencing by epoch promises.
 * single-primary-at-once: two different nodes that both believe they are
 *   primary at the same instant, whatever their epochs: each overlap is a
 *   violation from its start to its end, with the annotations that began
 *   both primaryships and the event that ended the overlap. What clients
 *   of a split brain see: two nodes accepting writes. A paused node
 *   accepts nothing: in this view its primaryship is suspended from the
 *   pause to the resume (and ends there if the node steps down as it
 *   wakes), so a fenced primary frozen past its lease is not a second
 *   primary; one that wakes and keeps leading is, from its resume.
 * A run in which no node reported any role is not judged by either
 * (unknown): "never two primaries" would claim nothing.
 *
 * The records are kept by leaderships.h (shared with one_leader_per_term.c;
 * a record's term is the epoch): one per primaryship (a run has few);
 * finish sorts them, O(n log n), then compares neighbours in time,
 * O(n * overlapping). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/check_util.h"
#include "checkers/leaderships.h"
#include "dslab/check.h"
#include "dslab/time.h"

enum sp_mode { SP_PER_EPOCH, SP_AT_ONCE };

struct sp_state {
    const struct dslab_scenario *scenario; /* borrowed: outlives the checker */
    enum sp_mode mode;
    struct leaderships primaries; /* term = epoch; owned */
    int64_t *paused_epoch; /* at-once: epoch a paused primary resumes in, -1 if none; owned */
};

static int sp_create(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                     enum sp_mode mode, void **state_out, struct dslab_diag *diag) {
    if (check_no_arguments(s, check, diag) != 0) {
        return -1;
    }
    struct sp_state *st = calloc(1, sizeof *st);
    int32_t n = s->nodes_count > 0 ? s->nodes_count : 1;
    if (st) {
        st->paused_epoch = malloc((size_t)n * sizeof *st->paused_epoch);
    }
    if (!st || !st->paused_epoch || leaderships_init(&st->primaries, s->nodes_count) != 0) {
        if (st) {
            free(st->paused_epoch);
        }
        free(st);
        return dslab_diag_set(diag, s->path, check->pos.line, check->pos.col, "out of memory");
    }
    for (int32_t i = 0; i < n; i++) {
        st->paused_epoch[i] = -1;
    }
    st->scenario = s;
    st->mode = mode;
    *state_out = st;
    return 0;
}

static int per_epoch_create(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                            void **state_out, struct dslab_diag *diag) {
    return sp_create(s, check, SP_PER_EPOCH, state_out, diag);
}

static int at_once_create(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                          void **state_out, struct dslab_diag *diag) {
    return sp_create(s, check, SP_AT_ONCE, state_out, diag);
}

static void sp_on_event(void *state, const struct dslab_trace_event *ev) {
    struct sp_state *st = state;
    struct leaderships *p = &st->primaries;
    if (leaderships_follow(p, ev)) { /* a crash or a role report */
        st->paused_epoch[ev->node] = -1;
        return;
    }
    if (ev->node < 0 || ev->node >= p->nodes_count || st->mode != SP_AT_ONCE) {
        return;
    }
    if (ev->kind == DSLAB_TRACE_PAUSE) {
        int64_t open = p->open_of_node[ev->node];
        if (open >= 0 && st->paused_epoch[ev->node] < 0) {
            st->paused_epoch[ev->node] = p->records[open].term;
            leaderships_end(p, ev);
        }
    } else if (ev->kind == DSLAB_TRACE_RESUME) {
        int64_t epoch = st->paused_epoch[ev->node];
        st->paused_epoch[ev->node] = -1;
        if (epoch >= 0) leaderships_start(p, ev, epoch);
    }
}

static int by_start_cmp(const void *pa, const void *pb) {
    const struct leadership *a = pa, *b = pb;
    if (a->from_ns != b->from_ns) return a->from_ns < b->from_ns ? -1 : 1;
    return a->from_trace_id < b->from_trace_id ? -1 : (a->from_trace_id > b->from_trace_id);
}

static struct dslab_check_violation *report_pair(const struct sp_state *st,
                                           const struct leadership *a,
                                           const struct leadership *b, int64_t from_ns,
                                           int64_t to_ns, struct dslab_check_result *result) {
    const char *na = st->scenario->node_names[a->node];
    const char *nb = st->scenario->node_names[b->node];
    char len[32];
    dslab_time_format_human(to_ns - from_ns, len, sizeof len);
    struct dslab_check_violation *v =
        st->mode == SP_PER_EPOCH
            ? dslab_check_result_add(result, from_ns, to_ns, "two primaries in epoch %lld (%s, %s)",
                               (long long)a->term, na, nb)
            : dslab_check_result_add(result, from_ns, to_ns,
                               "%s (epoch %lld) and %s (epoch %lld) both primary for %s", na,
                               (long long)a->term, nb, (long long)b->term, len);
    leaderships_violation_pair(v, a, b, from_ns);
    return v;
}

static void report_same_epoch(const void *ctx, const struct leadership *a, const struct leadership *b,
                              int64_t from_ns, int64_t to_ns, struct dslab_check_result *result) {
    report_pair(ctx, a, b, from_ns, to_ns, result);
}

/* Returns the total overlap time; counts windows in *windows_out. */
static int64_t finish_at_once(struct sp_state *st, struct dslab_check_result *result,
                              int64_t *windows_out) {
    struct leaderships *p = &st->primaries;
    qsort(p->records, p->count, sizeof *p->records, by_start_cmp);
    int64_t total_ns = 0;
    *windows_out = 0;
    for (size_t i = 0; i < p->count; i++) {
        const struct leadership *a = &p->records[i];
        for (size_t j = i + 1; j < p->count && p->records[j].from_ns < a->to_ns; j++) {
            const struct leadership *b = &p->records[j];
            int64_t to_ns = a->to_ns < b->to_ns ? a->to_ns : b->to_ns;
            if (b->node == a->node || to_ns <= b->from_ns) {
                continue;
            }
            struct dslab_check_violation *v = report_pair(st, a, b, b->from_ns, to_ns, result);
            const struct leadership *ender = a->to_ns <= b->to_ns ? a : b;
            if (v && ender->has_to_trace) {
                dslab_check_violation_add_evidence(v, ender->to_trace_id);
            }
            total_ns += to_ns - b->from_ns;
            (*windows_out)++;
        }
    }
    return total_ns;
}

static void sp_finish(void *state, const struct dslab_history *history, int64_t end_ns,
                      struct dslab_check_result *result) {
    (void)history;
    struct sp_state *st = state;
    leaderships_close(&st->primaries, end_ns);
    if (st->primaries.out_of_memory) {
        result->verdict = DSLAB_CHECK_UNKNOWN;
        snprintf(result->summary, sizeof result->summary, "out of memory recording primaries");
        return;
    }
    if (st->primaries.role_reports == 0) {
        check_not_judged(result, "no node reported a role (dslab_ctx_report_role), so no primary "
                                 "could be seen");
        return;
    }
    int64_t groups = 0;
    if (st->mode == SP_PER_EPOCH) {
        int64_t bad = leaderships_same_term(&st->primaries, report_same_epoch, st, result, &groups);
        snprintf(result->summary, sizeof result->summary,
                 bad ? "%lld of %lld epochs had two primaries"
                     : "%lld epochs had a primary, none had two",
                 (long long)(bad ? bad : groups), (long long)groups);
        result->verdict = bad ? DSLAB_CHECK_FAIL : DSLAB_CHECK_PASS;
        return;
    }
    int64_t total_ns = finish_at_once(st, result, &groups);
    char len[32];
    dslab_time_format_human(total_ns, len, sizeof len);
    if (groups > 0) {
        snprintf(result->summary, sizeof result->summary,
                 "two primaries at once in %lld window(s), %s in all", (long long)groups, len);
        result->verdict = DSLAB_CHECK_FAIL;
    } else {
        snprintf(result->summary, sizeof result->summary,
                 "%lld primaryships, never two at the same time", (long long)st->primaries.count);
        result->verdict = DSLAB_CHECK_PASS;
    }
}

static void sp_destroy(void *state) {
    struct sp_state *st = state;
    if (st) {
        leaderships_free(&st->primaries);
        free(st->paused_epoch);
        free(st);
    }
}

const struct dslab_checker checker_single_primary_per_epoch = CHECKER_CREATE(sp, per_epoch_create, "single-primary-per-epoch",
    "no two nodes are primary (or leader) in the same epoch (term)");

const struct dslab_checker checker_single_primary_at_once = CHECKER_CREATE(sp, at_once_create, "single-primary-at-once",
    "no two nodes believe they are primary (or leader) at the same true time");
