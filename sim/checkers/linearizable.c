/* linearizable.c: the `linearizable` checker of simulator runs.
 *
 * At the end of the run it reads the client history: an invoke and its
 * completion make one operation; :fail means it did not happen (dropped);
 * :info, or no completion by the end of the run, means it may have
 * happened at any time after the invoke, or never. The model is a map of
 * int64 registers (read / write / cas per key, every key starting nil) and
 * keys are checked independently (lin_models.c), each with its own search
 * budget. Every key that cannot be linearized is a violation whose window
 * is that of the first operation that cannot be linearized, whose nodes
 * are the nodes it and the last linearized op went to, and whose evidence
 * is the trace ids of their invoke and completion records. A key whose
 * search budget runs out makes the verdict UNKNOWN (unless another fails);
 * so does a history without any operation (not judged).
 *
 * Argument (after the name in `checks:`): none, or `budget=N` or just `N`
 * (cached search states per key, default 1000000). Cost: O(ops) to build, then
 * the search, which is bounded by the budget. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/check_util.h"
#include "dslab/check.h"
#include "dslab/lincheck.h"
#include "hist_parse.h"
#include "lin_models.h"

#define LIN_CHECK_STATES_DEFAULT DSLAB_LINCHECK_STATES_DEFAULT
#define LIN_CHECK_BYTES_MAX ((size_t)512 << 20)

struct lin_checker {
    uint64_t states_max;
    bool budget_given;  /* budget=N: exactly N; else the default grows per op */
};

static int lin_create(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                      void **state_out, struct dslab_diag *diag) {
    uint64_t states_max = LIN_CHECK_STATES_DEFAULT;
    bool budget_given = false;
    const char *args = check->args ? check->args : "";
    while (*args == ' ') args++;
    if (*args) {
        char *end = NULL;
        unsigned long long v = 0;
        if (strncmp(args, "budget=", 7) == 0) args += 7;
        errno = 0;
        if (*args >= '0' && *args <= '9') v = strtoull(args, &end, 10);
        while (end && *end == ' ') end++;
        if (!end || *end != '\0' || v == 0 || errno == ERANGE || v > DSLAB_LINCHECK_STATES_MAX) {
            return dslab_diag_set(diag, s->path, check->pos.line, check->pos.col,
                            "linearizable takes no argument or 'budget=N' (search states per "
                            "key, N in 1..%u), got '%s'", DSLAB_LINCHECK_STATES_MAX, check->args);
        }
        states_max = v;
        budget_given = true;
    }
    struct lin_checker *st = check_state_new(s, check, sizeof *st, diag);
    if (!st) return -1;
    st->states_max = states_max;
    st->budget_given = budget_given;
    *state_out = st;
    return 0;
}

static void lin_destroy(void *state) {
    free(state);
}

static int on_invoke(struct lin_history *lh, struct hist_pairing *open, const struct dslab_history_op *r,
                     int64_t pos) {
    if (r->fn != DSLAB_OP_READ && r->fn != DSLAB_OP_WRITE && r->fn != DSLAB_OP_CAS) return 0; /* not ours */
    struct lin_op op = {.fn = (int)r->fn, .flags = LIN_OP_OPEN, .key = r->key,
                        .value = r->fn == DSLAB_OP_READ ? DSLAB_HISTORY_NIL : r->value,
                        .expected = r->expected, .call_pos = pos, .ret_pos = LIN_POS_NEVER,
                        .call_ns = r->time_ns, .ret_ns = -1, .client = r->client, .node = r->node,
                        .call_trace_id = r->trace_id, .ret_trace_id = UINT64_MAX};
    int64_t index = lin_history_add_op(lh, &op);
    if (index < 0) return -1;
    return hist_pairing_open(open, (int64_t)r->op_id, (size_t)index);
}

static void on_completion(struct lin_history *lh, struct hist_pairing *open,
                          const struct dslab_history_op *r, int64_t pos) {
    size_t index = hist_pairing_find(open, (int64_t)r->op_id);
    if (index == SIZE_MAX) return; /* a completion of an op we do not model */
    hist_pairing_close(open, (int64_t)r->op_id);
    struct lin_op *op = &lh->ops[index];
    op->ret_ns = r->time_ns;
    op->ret_trace_id = r->trace_id;
    if (r->node >= 0) op->node = r->node;
    if (r->type == DSLAB_OP_FAIL) {
        op->flags |= LIN_OP_DELETED;
    } else if (r->type == DSLAB_OP_OK) {
        op->flags &= ~(uint32_t)LIN_OP_OPEN;
        op->ret_pos = pos;
        if (op->fn == DSLAB_OP_READ) op->value = r->value;
    }
    /* DSLAB_OP_INFO: stays open; its record is still evidence. */
}

/* Builds operations from the run's history. Returns 0 or -1 (out of memory). */
static int build_history(const struct dslab_history *history, struct lin_history *lh) {
    struct hist_pairing open;
    hist_pairing_init(&open);
    snprintf(lh->format, sizeof lh->format, "simulator");
    int rc = 0;
    for (size_t i = 0; i < history->count && rc == 0; i++) {
        const struct dslab_history_op *r = &history->ops[i];
        if (r->type == DSLAB_OP_INVOKE) {
            rc = on_invoke(lh, &open, r, (int64_t)i);
        } else {
            on_completion(lh, &open, r, (int64_t)i);
        }
    }
    hist_pairing_deinit(&open);
    lin_history_compact(lh);
    return rc;
}

static void add_op_evidence(struct dslab_check_violation *v, const struct lin_op *op) {
    dslab_check_violation_add_node(v, op->node);
    dslab_check_violation_add_evidence(v, op->call_trace_id);
    if (op->ret_trace_id != UINT64_MAX) dslab_check_violation_add_evidence(v, op->ret_trace_id);
}

static void report_violation(const struct lin_history *lh, const struct lin_partition_report *p,
                             int64_t end_ns, struct dslab_check_result *result) {
    char key[64], what[160], last[160];
    lin_key_describe(lh, p->key, key, sizeof key);
    if (p->blocked_op == SIZE_MAX) {
        dslab_check_result_add(result, 0, end_ns, "key %s: not linearizable", key);
        return;
    }
    const struct lin_op *op = &lh->ops[p->blocked_op];
    const struct lin_op *prev = p->last_op != SIZE_MAX ? &lh->ops[p->last_op] : NULL;
    lin_op_describe(lh, op, what, sizeof what);
    if (prev) lin_op_describe(lh, prev, last, sizeof last);
    struct dslab_check_violation *v = dslab_check_result_add(
        result, op->call_ns, op->ret_ns >= 0 ? op->ret_ns : end_ns,
        "key %s: client %" PRId64 " %s cannot be linearized: after %zu ops the key holds %s%s%s%s",
        key, op->client, what, p->linearized_count, p->state, prev ? " (last: " : "",
        prev ? last : "", prev ? ")" : "");
    if (!v) return;
    add_op_evidence(v, op);
    if (prev) add_op_evidence(v, prev);
}

static void lin_finish(void *state, const struct dslab_history *history, int64_t end_ns,
                       struct dslab_check_result *result) {
    const struct lin_checker *st = state;
    struct lin_history lh;
    lin_history_init(&lh);
    result->verdict = DSLAB_CHECK_PASS;
    if (build_history(history, &lh) < 0) {
        result->verdict = DSLAB_CHECK_UNKNOWN;
        snprintf(result->summary, sizeof result->summary, "out of memory building the history");
        lin_history_deinit(&lh);
        return;
    }
    struct lin_check_config cfg = {.model = LIN_MODEL_KV, .states_max = st->states_max,
                                   .states_per_op = st->budget_given ? 0 : DSLAB_LINCHECK_STATES_PER_OP,
                                   .bytes_max = LIN_CHECK_BYTES_MAX, .stop_at_first_fail = false};
    struct lin_check_report rep;
    struct dslab_diag diag;
    dslab_diag_clear(&diag);
    if (lin_check(&lh, &cfg, "", &rep, &diag) < 0) {
        result->verdict = DSLAB_CHECK_UNKNOWN;
        snprintf(result->summary, sizeof result->summary, "cannot check: %.200s", diag.message);
        lin_history_deinit(&lh);
        return;
    }
    size_t failed = 0, unknown = 0;
    for (size_t i = 0; i < rep.partitions_count; i++) {
        const struct lin_partition_report *p = &rep.partitions[i];
        if (p->verdict == LIN_NOT_LINEARIZABLE) {
            failed++;
            report_violation(&lh, p, end_ns, result);
        } else if (p->verdict == LIN_UNKNOWN) {
            unknown++;
        }
    }
    if (failed) {
        snprintf(result->summary, sizeof result->summary,
                 "%zu of %zu key%s not linearizable (%zu ops)", failed, rep.partitions_count,
                 rep.partitions_count == 1 ? "" : "s", lh.ops_count);
    } else if (history->count == 0) {
        check_not_judged(result, "no client operation in the history");
    } else if (unknown) {
        result->verdict = DSLAB_CHECK_UNKNOWN;
        snprintf(result->summary, sizeof result->summary,
                 "search budget exhausted on %zu of %zu key%s (%zu ops); raise budget=N", unknown,
                 rep.partitions_count, rep.partitions_count == 1 ? "" : "s", lh.ops_count);
    } else {
        snprintf(result->summary, sizeof result->summary, "%zu ops on %zu key%s linearizable",
                 lh.ops_count, rep.partitions_count, rep.partitions_count == 1 ? "" : "s");
    }
    lin_check_report_deinit(&rep);
    lin_history_deinit(&lh);
}

const struct dslab_checker checker_linearizable = CHECKER_AT_END(lin, "linearizable",
    "client operations are linearizable (per-key read/write/cas registers)");
