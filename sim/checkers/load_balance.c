/* load_balance.c: how evenly a partitioned store spreads its work, and how
 * much data a membership change moved.
 *
 * Reads DSLAB_TRACE_ANNOTATE events that protocols emit at the end of the
 * run (sharded-kv, docs/PROTOCOLS.md):
 *   "load"   value = requests the node served (one per node that owns keys;
 *            the last one of a node counts)
 *   "moved"  value = keys the node moved out when its rebalance finished
 * Arguments, comma-separated, each optional:
 *   max/mean below R   the busiest node's load over the mean load must stay
 *                      below R (a decimal 1..1000, at most 2 decimals;
 *                      default 2)
 *   moved below N      fewer than N keys moved in all (N 1..1000000000;
 *                      default: not judged)
 * The summary always says max/mean, the busiest node, the mean and the
 * keys moved. Without any "load" annotation (or a mean of 0) the verdict
 * is unknown (not judged). */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/check_util.h"
#include "dslab/check.h"

#define LB_NODES_MAX 1024 /* nodes whose load is kept */

struct lb_state {
    int64_t ratio_max_x100;  /* R * 100 */
    int64_t moved_below;     /* 0 = not judged */
    int32_t nodes_count;
    int64_t load[LB_NODES_MAX];
    uint64_t load_trace[LB_NODES_MAX];
    bool reported[LB_NODES_MAX];
    int64_t moved;
    int32_t moved_nodes[LB_NODES_MAX];
    int32_t moved_count;
};

/* Reads a decimal with at most 2 decimals as hundredths; -1 on error. */
static int64_t parse_hundredths(const char *p, const char **end) {
    int64_t whole = 0, frac = 0;
    int digits = 0, fdigits = 0;
    while (isdigit((unsigned char)*p) && digits < 9) whole = whole * 10 + (*p++ - '0'), digits++;
    if (digits == 0 || isdigit((unsigned char)*p)) return -1;
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p) && fdigits < 2) frac = frac * 10 + (*p++ - '0'), fdigits++;
        if (fdigits == 0 || isdigit((unsigned char)*p)) return -1;
        if (fdigits == 1) frac *= 10;
    }
    *end = p;
    return whole * 100 + frac;
}

static const char *skip_spaces(const char *p) {
    while (*p == ' ') p++;
    return p;
}

static int lb_parse(struct lb_state *st, const char *args) {
    const char *p = skip_spaces(args);
    bool seen_ratio = false, seen_moved = false;
    while (*p) {
        const char *end = NULL;
        if (strncmp(p, "max/mean below ", 15) == 0 && !seen_ratio) {
            int64_t v = parse_hundredths(skip_spaces(p + 15), &end);
            if (v < 100 || v > 100000) return -1;
            st->ratio_max_x100 = v;
            seen_ratio = true;
        } else if (strncmp(p, "moved below ", 12) == 0 && !seen_moved) {
            int64_t v = parse_hundredths(skip_spaces(p + 12), &end);
            if (v < 100 || v % 100 != 0 || v > INT64_C(100000000000)) return -1;
            st->moved_below = v / 100;
            seen_moved = true;
        } else {
            return -1;
        }
        p = skip_spaces(end);
        if (*p == ',') {
            p = skip_spaces(p + 1);
            if (!*p) return -1;
        } else if (*p) {
            return -1;
        }
    }
    return 0;
}

static int lb_create(const struct dslab_scenario *s, const struct dslab_scenario_check *check, void **out,
                     struct dslab_diag *diag) {
    if (check_nodes_at_most(s, check, LB_NODES_MAX, diag) < 0) return -1;
    struct lb_state *st = check_state_new(s, check, sizeof *st, diag);
    if (!st) return -1;
    st->ratio_max_x100 = 200;
    st->nodes_count = s->nodes_count;
    if (lb_parse(st, check->args ? check->args : "") < 0) {
        free(st);
        return dslab_diag_set(diag, s->path, check->pos.line, check->pos.col,
                              "load-balance takes 'max/mean below R' (R 1..1000, at most 2 decimals) "
                              "and/or 'moved below N' (N 1..1000000000 keys), comma-separated "
                              "(got '%s')", check->args ? check->args : "");
    }
    *out = st;
    return 0;
}

static void lb_on_event(void *state, const struct dslab_trace_event *ev) {
    struct lb_state *st = state;
    if (ev->kind != DSLAB_TRACE_ANNOTATE || !ev->tag || ev->node < 0 || ev->node >= st->nodes_count) return;
    if (strcmp(ev->tag, "load") == 0 && ev->a >= 0) {
        st->load[ev->node] = ev->a;
        st->load_trace[ev->node] = ev->id;
        st->reported[ev->node] = true;
    } else if (strcmp(ev->tag, "moved") == 0 && ev->a > 0) {
        st->moved += ev->a;
        if (st->moved_count < LB_NODES_MAX) st->moved_nodes[st->moved_count++] = ev->node;
    }
}

static void lb_finish(void *state, const struct dslab_history *h, int64_t end_ns, struct dslab_check_result *r) {
    (void)h;
    struct lb_state *st = state;
    int64_t sum = 0, max = -1;
    int32_t n = 0, busiest = -1;
    for (int32_t i = 0; i < st->nodes_count; i++) {
        if (!st->reported[i]) continue;
        n++;
        sum += st->load[i];
        if (st->load[i] > max) max = st->load[i], busiest = i;
    }
    if (n == 0 || sum == 0) {
        check_not_judged(r, "%s", n == 0 ? "no node reported its load" : "no node served a request");
        return;
    }
    /* max / (sum / n) in hundredths, rounded down */
    int64_t ratio_x100 = max * 100 * n / sum;
    int64_t mean_x10 = sum * 10 / n;
    bool too_uneven = max * 100 * n >= st->ratio_max_x100 * sum;
    snprintf(r->summary, sizeof r->summary,
             "max/mean %" PRId64 ".%02" PRId64 " (busiest served %" PRId64 ", mean %" PRId64 ".%" PRId64
             " over %d nodes); %" PRId64 " keys moved",
             ratio_x100 / 100, ratio_x100 % 100, max, mean_x10 / 10, mean_x10 % 10, (int)n, st->moved);
    if (too_uneven) {
        struct dslab_check_violation *v = dslab_check_result_add(
            r, 0, end_ns, "the busiest node served %" PRId64 " requests, %" PRId64 ".%02" PRId64
            " times the mean (bound %" PRId64 ".%02" PRId64 ")", max, ratio_x100 / 100, ratio_x100 % 100,
            st->ratio_max_x100 / 100, st->ratio_max_x100 % 100);
        dslab_check_violation_add_node(v, busiest);
        dslab_check_violation_add_evidence(v, st->load_trace[busiest]);
    }
    if (st->moved_below > 0 && st->moved >= st->moved_below) {
        struct dslab_check_violation *v = dslab_check_result_add(
            r, 0, end_ns, "%" PRId64 " keys moved (bound: fewer than %" PRId64 ")", st->moved, st->moved_below);
        for (int32_t i = 0; i < st->moved_count; i++) dslab_check_violation_add_node(v, st->moved_nodes[i]);
    }
}

static void lb_destroy(void *state) {
    free(state);
}

const struct dslab_checker checker_load_balance = CHECKER(lb, "load-balance",
    "the busiest node's load over the mean (default below 2) and, optionally, the keys a rebalance moved");
