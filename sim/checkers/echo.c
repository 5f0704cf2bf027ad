/* echo.c: the echo service answers every request with what was sent.
 *
 * `echo` (no arguments), for the labs' echo service: a client's read of
 * key K is an echo request carrying K; the node must answer it DSLAB_REPLY_OK
 * with the value K. Every ok read whose value is not its key is a
 * violation, and so is a failed one (an echo has no reason to be
 * refused). A request that timed out (info) proves nothing either way;
 * a run without any answered echo is not judged (unknown). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "checkers/check_util.h"
#include "dslab/check.h"

static void echo_finish(void *state, const struct dslab_history *h, int64_t end_ns, struct dslab_check_result *r) {
    (void)state;
    (void)end_ns;
    int64_t checked = 0;
    for (size_t i = 0; i < h->count; i++) {
        const struct dslab_history_op *op = &h->ops[i];
        if (op->fn != DSLAB_OP_READ || (op->type != DSLAB_OP_OK && op->type != DSLAB_OP_FAIL)) continue;
        checked++;
        struct dslab_check_violation *v = NULL;
        if (op->type == DSLAB_OP_FAIL) {
            v = dslab_check_result_add(r, op->time_ns, op->time_ns, "echo of %" PRId64 " (client %d) was refused",
                                 op->key, (int)op->client);
        } else if (op->value != op->key) {
            if (op->value == DSLAB_HISTORY_NIL) {
                v = dslab_check_result_add(r, op->time_ns, op->time_ns,
                                     "echo of %" PRId64 " (client %d) came back empty", op->key, (int)op->client);
            } else {
                v = dslab_check_result_add(r, op->time_ns, op->time_ns,
                                     "echo of %" PRId64 " (client %d) came back as %" PRId64, op->key,
                                     (int)op->client, op->value);
            }
        }
        if (v) {
            if (op->node >= 0) dslab_check_violation_add_node(v, op->node);
            dslab_check_violation_add_evidence(v, op->trace_id);
        }
    }
    if (checked == 0) {
        check_not_judged(r, "no echo request was answered");
        return;
    }
    snprintf(r->summary, sizeof r->summary, "%" PRId64 " echoes checked", checked);
}

const struct dslab_checker checker_echo = CHECKER_STATELESS(echo, "echo",
    "every echo request is answered ok with the value it carried");
