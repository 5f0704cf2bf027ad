/* fd_accuracy.c: the fd-accuracy checker, a failure detector's two duties.
 *
 *   fd-accuracy: 2s           judge "suspect" annotations
 *   fd-accuracy: 2s confirm   judge "confirm" (SWIM's declaration of death);
 *                             suspicions are then only counted
 *
 * Reads annotations "suspect", "confirm", "alive" whose value is the
 * target's node index (failure-detector writes them), and the true state
 * of the run: DSLAB_TRACE_CRASH/RESTART, DSLAB_TRACE_PAUSE/RESUME and the links cut by
 * DSLAB_TRACE_PARTITION/CUT/HEAL. Target j is impaired for observer i while j is
 * crashed or paused, i is paused, or the link between them is cut either
 * way. Violations:
 *   - accuracy: i suspects (confirms) j although j has not been impaired
 *     for i at any time in the last DURATION (the argument): a false
 *     suspicion; its window runs until i withdraws it ("alive") or the end;
 *   - completeness: j crashed and an observer that stayed up did not
 *     suspect (confirm) it within DURATION: reported with the detection
 *     time, or as missed when j restarted or the run ended first (an
 *     outage shorter than DURATION is not judged).
 * The summary gives detection times (max and mean) and false suspicions.
 *
 * Cost: O(n^2) per fault event to update the impairment of each pair;
 * annotations are O(1). Up to 64 nodes. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/check_util.h"
#include "dslab/check.h"
#include "dslab/time.h"
#include "scenario/units.h"

#define FA_NODES_MAX 64
#define FA_NEVER INT64_MIN

struct fa_pair {
    bool blocked;             /* link i -> j cut */
    bool was_impaired;
    int64_t impaired_end_ns;  /* last time an impairment ended; FA_NEVER */
    bool suspected;           /* judged annotation outstanding */
    bool false_open;          /* that suspicion is a false one, not yet reported */
    int64_t false_from_ns;
    uint64_t false_trace_id;
    bool detect_pending;      /* j crashed; i has not detected it yet */
};

struct fa_state {
    const struct dslab_scenario *scenario; /* borrowed */
    int32_t n;
    int64_t bound_ns;
    bool judge_confirm;
    struct fa_pair pairs[FA_NODES_MAX][FA_NODES_MAX]; /* [observer][target] */
    bool crashed[FA_NODES_MAX], paused[FA_NODES_MAX];
    int64_t crash_ns[FA_NODES_MAX];
    uint64_t crash_trace_id[FA_NODES_MAX];
    int64_t detections, detection_ns_total, detection_ns_max;
    int64_t false_judged, suspicions_unjustified, missed;
    struct dslab_check_result found;
};

static int fa_create(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                     void **state_out, struct dslab_diag *diag) {
    if (check_argument_required(s, check, "the longest allowed detection time, optionally followed by 'confirm'",
                                "2s", diag) != 0) {
        return -1;
    }
    char text[128];
    snprintf(text, sizeof text, "%s", check->args);
    bool confirm = false;
    char *space = strchr(text, ' ');
    if (space) {
        *space = 0;
        confirm = strcmp(space + 1, "confirm") == 0;
    }
    int64_t bound_ns = 0;
    char err[DSLAB_UNITS_ERR_MAX];
    if ((space && !confirm) || dslab_units_parse_duration_ns(text, false, &bound_ns, err, sizeof err) != 0 ||
        bound_ns <= 0) {
        return dslab_diag_set(diag, s->path, check->pos.line, check->pos.col,
                        "fd-accuracy takes the longest allowed detection time, optionally "
                        "followed by 'confirm', e.g. 'fd-accuracy: 2s' (got '%s')",
                        check->args ? check->args : "");
    }
    if (check_nodes_at_most(s, check, FA_NODES_MAX, diag) != 0) return -1;
    struct fa_state *st = check_state_new(s, check, sizeof *st, diag);
    if (!st) return -1;
    st->scenario = s;
    st->n = s->nodes_count;
    st->bound_ns = bound_ns;
    st->judge_confirm = confirm;
    for (int i = 0; i < FA_NODES_MAX; i++) {
        for (int j = 0; j < FA_NODES_MAX; j++) st->pairs[i][j].impaired_end_ns = FA_NEVER;
    }
    *state_out = st;
    return 0;
}

static const char *name_of(const struct fa_state *st, int32_t node) {
    return st->scenario->node_names[node];
}

static bool impaired(const struct fa_state *st, int32_t i, int32_t j) {
    return st->crashed[j] || st->paused[j] || st->paused[i] || st->pairs[i][j].blocked ||
           st->pairs[j][i].blocked;
}

/* After a change of the true state: note the pairs whose impairment ended. */
static void refresh(struct fa_state *st, int64_t t_ns) {
    for (int32_t i = 0; i < st->n; i++) {
        for (int32_t j = 0; j < st->n; j++) {
            struct fa_pair *p = &st->pairs[i][j];
            bool now = impaired(st, i, j);
            if (p->was_impaired && !now) p->impaired_end_ns = t_ns;
            p->was_impaired = now;
        }
    }
}

/* --- partitions, from the trace text "{a b} | {c}" or "{a} <-b-> {c}" --- */

static void apply_partition(struct fa_state *st, const struct dslab_trace_event *ev) {
    int32_t side[FA_NODES_MAX];
    int32_t bridge = -1;
    for (int32_t i = 0; i < st->n; i++) side[i] = -1;
    if (ev->a == DSLAB_PARTITION_MAJORITIES_RING) { /* same rule as sim/faults.c */
        int32_t majority = st->n / 2 + 1, reach = majority / 2;
        if (2 * reach + 1 < majority) reach++;
        for (int32_t i = 0; i < st->n; i++) {
            for (int32_t j = 0; j < st->n; j++) {
                int32_t d = i > j ? i - j : j - i;
                if (st->n - d < d) d = st->n - d;
                st->pairs[i][j].blocked = d > reach;
            }
        }
        return;
    }
    int32_t group = -1;
    char name[DSLAB_NAME_MAX];
    const char *p = ev->text ? ev->text : "";
    while (*p) {
        if (*p == '{') {
            group++;
            p++;
        } else if (*p == '<' && p[1] == '-') { /* "<-name->" */
            p += 2;
            size_t k = 0;
            while (*p && *p != '-' && k + 1 < sizeof name) name[k++] = *p++;
            name[k] = 0;
            bridge = dslab_scenario_node_index(st->scenario, name);
            while (*p == '-' || *p == '>') p++;
        } else if (*p == ' ' || *p == '}' || *p == '|') p++;
        else {
            size_t k = 0;
            while (*p && *p != ' ' && *p != '}' && k + 1 < sizeof name) name[k++] = *p++;
            name[k] = 0;
            int32_t node = dslab_scenario_node_index(st->scenario, name);
            if (node >= 0 && node < st->n) side[node] = group;
        }
    }
    for (int32_t i = 0; i < st->n; i++) {
        for (int32_t j = 0; j < st->n; j++) {
            st->pairs[i][j].blocked = side[i] != side[j] && i != bridge && j != bridge;
        }
    }
}

static void apply_link(struct fa_state *st, const struct dslab_trace_event *ev, bool blocked) {
    if (ev->node < 0 || ev->peer < 0) {
        for (int32_t i = 0; i < st->n; i++) {
            for (int32_t j = 0; j < st->n; j++) st->pairs[i][j].blocked = false;
        }
        return;
    }
    if (ev->node >= st->n || ev->peer >= st->n) return;
    st->pairs[ev->node][ev->peer].blocked = blocked;
    if (ev->a) st->pairs[ev->peer][ev->node].blocked = blocked;
}

/* --- completeness -------------------------------------------------------------- */

static void detected(struct fa_state *st, int32_t i, int32_t j, const struct dslab_trace_event *ev) {
    struct fa_pair *p = &st->pairs[i][j];
    if (!p->detect_pending) return;
    p->detect_pending = false;
    int64_t ns = ev->t_ns - st->crash_ns[j];
    st->detections++;
    st->detection_ns_total += ns;
    if (ns > st->detection_ns_max) st->detection_ns_max = ns;
    if (ns <= st->bound_ns) return;
    struct dslab_check_violation *v = dslab_check_result_add(
        &st->found, st->crash_ns[j], ev->t_ns, "%s detected %s's crash after %lld ms (limit %lld ms)",
        name_of(st, i), name_of(st, j), (long long)(ns / DSLAB_NS_PER_MS),
        (long long)(st->bound_ns / DSLAB_NS_PER_MS));
    dslab_check_violation_set_at(v, st->crash_ns[j] + st->bound_ns);
    if (!v) return;
    dslab_check_violation_add_node(v, i);
    dslab_check_violation_add_node(v, j);
    dslab_check_violation_add_evidence(v, st->crash_trace_id[j]);
    dslab_check_violation_add_evidence(v, ev->id);
}

/* j's outage ends (restart or the end of the run) at t_ns. */
static void outage_end(struct fa_state *st, int32_t j, int64_t t_ns) {
    for (int32_t i = 0; i < st->n; i++) {
        struct fa_pair *p = &st->pairs[i][j];
        if (!p->detect_pending) continue;
        p->detect_pending = false;
        if (t_ns - st->crash_ns[j] <= st->bound_ns) continue;
        st->missed++;
        struct dslab_check_violation *v = dslab_check_result_add(
            &st->found, st->crash_ns[j], t_ns, "%s never detected %s's crash (down %lld ms%s)",
            name_of(st, i), name_of(st, j), (long long)((t_ns - st->crash_ns[j]) / DSLAB_NS_PER_MS),
            st->crashed[j] ? ", to the end of the run" : "");
        dslab_check_violation_set_at(v, st->crash_ns[j] + st->bound_ns);
        if (!v) continue;
        dslab_check_violation_add_node(v, i);
        dslab_check_violation_add_node(v, j);
        dslab_check_violation_add_evidence(v, st->crash_trace_id[j]);
    }
}

static void close_false(struct fa_state *st, int32_t i, int32_t j, int64_t to_ns,
                        const struct dslab_trace_event *ev);

static void on_crash(struct fa_state *st, const struct dslab_trace_event *ev) {
    int32_t j = ev->node;
    if (st->crashed[j]) return;
    st->crashed[j] = true;
    st->crash_ns[j] = ev->t_ns;
    st->crash_trace_id[j] = ev->id;
    for (int32_t k = 0; k < st->n; k++) { /* j no longer observes anyone */
        st->pairs[j][k].detect_pending = false;
        st->pairs[j][k].suspected = false;
        close_false(st, j, k, ev->t_ns, NULL);
    }
    for (int32_t i = 0; i < st->n; i++) {
        if (i == j || st->crashed[i]) continue;
        st->pairs[i][j].detect_pending = true;
        if (st->pairs[i][j].suspected) detected(st, i, j, ev); /* already suspected: 0 ms */
    }
}

/* --- accuracy ---------------------------------------------------------------------- */

static void close_false(struct fa_state *st, int32_t i, int32_t j, int64_t to_ns,
                        const struct dslab_trace_event *ev) {
    struct fa_pair *p = &st->pairs[i][j];
    if (!p->false_open) return;
    p->false_open = false;
    struct dslab_check_violation *v = dslab_check_result_add(
        &st->found, p->false_from_ns, to_ns, "%s %s %s while it was up and reachable",
        name_of(st, i), st->judge_confirm ? "declared dead" : "suspected", name_of(st, j));
    dslab_check_violation_set_at(v, p->false_from_ns);
    if (!v) return;
    dslab_check_violation_add_node(v, i);
    dslab_check_violation_add_node(v, j);
    dslab_check_violation_add_evidence(v, p->false_trace_id);
    if (ev) dslab_check_violation_add_evidence(v, ev->id);
}

static void on_annotation(struct fa_state *st, const struct dslab_trace_event *ev) {
    bool suspect = strcmp(ev->tag, "suspect") == 0;
    bool confirm = strcmp(ev->tag, "confirm") == 0;
    bool alive = strcmp(ev->tag, "alive") == 0;
    int32_t i = ev->node;
    if ((!suspect && !confirm && !alive) || ev->a < 0 || ev->a >= st->n || ev->a == i) return;
    int32_t j = (int32_t)ev->a;
    struct fa_pair *p = &st->pairs[i][j];
    if (alive) {
        p->suspected = false;
        close_false(st, i, j, ev->t_ns, ev);
        return;
    }
    bool justified = impaired(st, i, j) ||
                     (p->impaired_end_ns != FA_NEVER && ev->t_ns - p->impaired_end_ns <= st->bound_ns);
    if (suspect && !justified) st->suspicions_unjustified++;
    bool judged = st->judge_confirm ? confirm : (suspect || confirm);
    if (!judged || p->suspected) return;
    p->suspected = true;
    if (st->crashed[j]) detected(st, i, j, ev);
    if (!justified) {
        st->false_judged++;
        p->false_open = true;
        p->false_from_ns = ev->t_ns;
        p->false_trace_id = ev->id;
    }
}

static void fa_on_event(void *state, const struct dslab_trace_event *ev) {
    struct fa_state *st = state;
    if (ev->node >= st->n) return;
    switch (ev->kind) {
    case DSLAB_TRACE_CRASH:
        if (ev->node >= 0) on_crash(st, ev);
        break;
    case DSLAB_TRACE_RESTART:
        if (ev->node >= 0) {
            outage_end(st, ev->node, ev->t_ns);
            st->crashed[ev->node] = false;
        }
        break;
    case DSLAB_TRACE_PAUSE:
        if (ev->node >= 0) st->paused[ev->node] = true;
        break;
    case DSLAB_TRACE_RESUME:
        if (ev->node >= 0) st->paused[ev->node] = false;
        break;
    case DSLAB_TRACE_PARTITION:
        apply_partition(st, ev);
        break;
    case DSLAB_TRACE_CUT:
        apply_link(st, ev, true);
        break;
    case DSLAB_TRACE_HEAL:
        apply_link(st, ev, false);
        break;
    case DSLAB_TRACE_ANNOTATE:
        if (ev->node >= 0 && ev->tag && !st->crashed[ev->node]) on_annotation(st, ev);
        return;
    default:
        return;
    }
    refresh(st, ev->t_ns);
}

static void fa_finish(void *state, const struct dslab_history *history, int64_t end_ns,
                      struct dslab_check_result *result) {
    (void)history;
    struct fa_state *st = state;
    for (int32_t j = 0; j < st->n; j++) {
        if (st->crashed[j]) outage_end(st, j, end_ns);
        for (int32_t i = 0; i < st->n; i++) close_false(st, i, j, end_ns, NULL);
    }
    check_result_take(result, &st->found);
    int64_t mean_ms = st->detections ? st->detection_ns_total / st->detections / DSLAB_NS_PER_MS : 0;
    snprintf(result->summary, sizeof result->summary,
             "%lld detections, max %lld ms, mean %lld ms; %lld missed; %lld false %s "
             "(%lld unjustified suspicions)",
             (long long)st->detections, (long long)(st->detection_ns_max / DSLAB_NS_PER_MS),
             (long long)mean_ms, (long long)st->missed, (long long)st->false_judged,
             st->judge_confirm ? "confirmations" : "suspicions",
             (long long)st->suspicions_unjustified);
}

static void fa_destroy(void *state) {
    free(state);
}

const struct dslab_checker checker_fd_accuracy = CHECKER(fa, "fd-accuracy",
    "failure detector: no false suspicions, every crash detected within the bound");
