/* echo.c: the echo service answers every request with what was sent.
 *
 * `echo` (no arguments), for the labs' echo service: a client's read of
 * key K is an echo request carrying K; the node must answer it REPLY_OK
 * with the value K. Every ok read whose value is not its key is a
 * violation, and so is a failed one (an echo has no reason to be
 * refused). A request that timed out (info) proves nothing either way. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "dslab/check.h"

static int echo_create(const struct scenario *s, const struct scenario_check *check, void **state_out,
                       struct diag *diag) {
    if (check->args && check->args[0]) {
        return diag_set(diag, s->path, check->pos.line, check->pos.col, "echo takes no arguments (got '%s')",
                        check->args);
    }
    *state_out = NULL;
    return 0;
}

static void echo_on_event(void *state, const struct trace_event *ev) {
    (void)state;
    (void)ev;
}

static void echo_finish(void *state, const struct history *h, int64_t end_ns, struct check_result *r) {
    (void)state;
    (void)end_ns;
    int64_t checked = 0;
    for (size_t i = 0; i < h->count; i++) {
        const struct history_op *op = &h->ops[i];
        if (op->fn != OP_READ || (op->type != OP_OK && op->type != OP_FAIL)) continue;
        checked++;
        struct check_violation *v = NULL;
        if (op->type == OP_FAIL) {
            v = check_result_add(r, op->time_ns, op->time_ns, "echo of %" PRId64 " (client %d) was refused",
                                 op->key, (int)op->client);
        } else if (op->value != op->key) {
            if (op->value == HISTORY_NIL) {
                v = check_result_add(r, op->time_ns, op->time_ns,
                                     "echo of %" PRId64 " (client %d) came back empty", op->key, (int)op->client);
            } else {
                v = check_result_add(r, op->time_ns, op->time_ns,
                                     "echo of %" PRId64 " (client %d) came back as %" PRId64, op->key,
                                     (int)op->client, op->value);
            }
        }
        if (v) {
            if (op->node >= 0) check_violation_add_node(v, op->node);
            check_violation_add_evidence(v, op->trace_id);
        }
    }
    snprintf(r->summary, sizeof r->summary, "%" PRId64 " echoes checked", checked);
}

static void echo_destroy(void *state) {
    (void)state;
}

const struct checker checker_echo = {
    .name = "echo",
    .summary = "every echo request is answered ok with the value it carried",
    .create = echo_create,
    .on_event = echo_on_event,
    .finish = echo_finish,
    .destroy = echo_destroy,
};
