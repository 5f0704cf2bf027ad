/* unique_ids.c: an id service never hands out the same id twice.
 *
 * `unique-ids` (no arguments), for the labs' id service: a client's read
 * is a request for a new id, answered DSLAB_REPLY_OK with it. Every id given in
 * an ok reply must differ from every other, across nodes, partitions,
 * crashes and restarts; an empty id (no value) is a violation too. Each
 * repeated id is one violation from its first to its second hand-out,
 * naming both nodes. A run in which no id was handed out (and none came
 * back empty) is not judged (unknown). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "checkers/check_util.h"
#include "dslab/check.h"

/* Sorted by (value, time, history position): the first hand-out first. */
static int cmp_ops(const void *a, const void *b) {
    const struct dslab_history_op *x = *(const struct dslab_history_op *const *)a;
    const struct dslab_history_op *y = *(const struct dslab_history_op *const *)b;
    if (x->value != y->value) return x->value < y->value ? -1 : 1;
    if (x->time_ns != y->time_ns) return x->time_ns < y->time_ns ? -1 : 1;
    return x < y ? -1 : x > y;
}

static void ids_finish(void *state, const struct dslab_history *h, int64_t end_ns, struct dslab_check_result *r) {
    (void)state;
    (void)end_ns;
    const struct dslab_history_op **oks = calloc(h->count + 1, sizeof *oks);
    if (!oks) {
        r->verdict = DSLAB_CHECK_UNKNOWN;
        snprintf(r->summary, sizeof r->summary, "out of memory");
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < h->count; i++) {
        const struct dslab_history_op *op = &h->ops[i];
        if (op->fn != DSLAB_OP_READ || op->type != DSLAB_OP_OK) continue;
        if (op->value == DSLAB_HISTORY_NIL) {
            struct dslab_check_violation *v = dslab_check_result_add(r, op->time_ns, op->time_ns,
                                                         "client %d got no id", (int)op->client);
            if (v && op->node >= 0) dslab_check_violation_add_node(v, op->node);
            if (v) dslab_check_violation_add_evidence(v, op->trace_id);
            continue;
        }
        oks[n++] = op;
    }
    qsort(oks, n, sizeof *oks, cmp_ops);
    for (size_t i = 1; i < n; i++) {
        const struct dslab_history_op *a = oks[i - 1], *b = oks[i];
        if (a->value != b->value) continue;
        struct dslab_check_violation *v = dslab_check_result_add(
            r, a->time_ns, b->time_ns, "id %" PRId64 " handed out twice: to client %d and to client %d", b->value,
            (int)a->client, (int)b->client);
        if (!v) continue;
        if (a->node >= 0) dslab_check_violation_add_node(v, a->node);
        if (b->node >= 0) dslab_check_violation_add_node(v, b->node);
        dslab_check_violation_add_evidence(v, a->trace_id);
        dslab_check_violation_add_evidence(v, b->trace_id);
    }
    if (n == 0 && r->violations_total == 0) check_not_judged(r, "no id was handed out");
    else snprintf(r->summary, sizeof r->summary, "%zu ids checked", n);
    free(oks);
}

const struct dslab_checker checker_unique_ids = CHECKER_STATELESS(ids, "unique-ids",
    "no id is handed out twice");
