/* saga.c: a saga (Garcia-Molina and Salem, 1987): a money transfer across
 * two services as a sequence of local steps, each with a compensation.
 *
 * Node 0 orchestrates; node 1 holds the source account, node 2 the
 * destination (saga_service.c). A client write to node 0 starts a saga
 * (other nodes redirect there):
 *
 *   orchestrator                      services
 *   log BEGIN (sync)   --- DO 1 --->  node 1 debits `amount`  (or REFUSED)
 *                      <-- DONE 1 ---
 *                      --- DO 2 --->  node 2 credits `amount` (or REFUSED)
 *                      <-- DONE 2 ---
 *   both done: "done", the client gets ok.
 *
 * A step that is refused, or still unanswered after `retries` resends
 * (one every `step_timeout`), cannot finish the saga. With `compensate`
 * the orchestrator undoes, last first, every step that was or may have
 * been applied (an unanswered step may have been: its answer may be the
 * one lost), resending each UNDO up to `retries` times; all undone:
 * "compensated". A compensation still unanswered after its retries is
 * abandoned: "stuck" (the money stays where it was). Without `compensate`
 * the saga just ends "failed" and the steps already applied stand: a
 * debit without its credit destroys money. Every saga that does not end
 * "done" answers its client "fail".
 *
 * The orchestrator logs each saga's state ("g/<id>", synced before the
 * next message leaves); a restarted orchestrator finishes what it logged:
 * a saga that was waiting for a step treats it as maybe applied and
 * compensates (or, without `compensate`, ends "failed"); a compensation
 * goes on. Its client's request is lost with the crash (the client times
 * out).
 *
 * Annotations: tag "saga", value = saga id, "begin" / "done" /
 * "compensated" / "failed" / "stuck" on node 0; "money" and "step" on the
 * services (saga_service.c). Knobs: docs/PROTOCOLS.md (saga). */
#include <stdio.h>
#include <string.h>

#include "dslab/time.h"
#include "protocols/proto_util.h"
#include "protocols/saga_internal.h"

static const char *const saga_known[] = {
    "step_timeout", "retries", "amount", "balance", "fail_percent", "compensate", "idempotent",
    "credit_reversible", NULL,
};

static int saga_configure(const struct dslab_scenario *s, void **config_out, struct dslab_diag *diag) {
    struct saga_config c;
    memset(&c, 0, sizeof c);
    if (dslab_param_reject_unknown(s, saga_known, diag) != 0 ||
        dslab_param_duration_ns(s, "step_timeout", 100 * DSLAB_NS_PER_MS, &c.step_timeout_ns, diag) != 0 ||
        dslab_param_int(s, "retries", 3, 0, 1000000, &c.retries, diag) != 0 ||
        dslab_param_int(s, "amount", 10, 1, 1000000000, &c.amount, diag) != 0 ||
        dslab_param_int(s, "balance", 1000000, 0, 1000000000000, &c.balance, diag) != 0 ||
        dslab_param_int(s, "fail_percent", 10, 0, 100, &c.fail_percent, diag) != 0 ||
        dslab_param_bool(s, "compensate", true, &c.compensate, diag) != 0 ||
        dslab_param_bool(s, "idempotent", true, &c.idempotent, diag) != 0 ||
        dslab_param_bool(s, "credit_reversible", true, &c.credit_reversible, diag) != 0) {
        return -1;
    }
    if (s->nodes_count != 3) {
        return proto_error(s, diag,
                           "saga needs exactly 3 nodes (the orchestrator, the debit service, the "
                           "credit service, in that order), the scenario has %d",
                           (int)s->nodes_count);
    }
    if (c.step_timeout_ns <= 0) return proto_param_error(s, "step_timeout", diag, "step_timeout must be > 0");
    return proto_config_keep(s, &c, sizeof c, config_out, diag);
}

void saga_send(struct dslab_node_ctx *ctx, int32_t to, enum saga_msg_type type, int step, int64_t saga,
               int64_t amount) {
    struct saga_msg m = {.type = (uint8_t)type, .step = (uint8_t)step, .saga = saga, .amount = amount};
    dslab_ctx_send(ctx, to, &m, sizeof m);
}

/* --- the orchestrator's log ------------------------------------------------ */

static void log_slot(struct dslab_node_ctx *ctx, const struct saga_slot *g) {
    char k[32];
    snprintf(k, sizeof k, "g/%lld", (long long)g->id);
    (void)dslab_ctx_store_put(ctx, k, g, sizeof *g);
}

static void log_active(struct dslab_node_ctx *ctx, const struct saga_state *st) {
    int64_t ids[SAGA_SLOTS];
    for (int i = 0; i < SAGA_SLOTS; i++) ids[i] = st->slots[i].phase != SP_FREE ? st->slots[i].id : 0;
    (void)dslab_ctx_store_put(ctx, "g/active", ids, sizeof ids);
    (void)dslab_ctx_store_put(ctx, "g/next", &st->next_saga, sizeof st->next_saga);
}

static void persist(struct dslab_node_ctx *ctx, const struct saga_state *st, const struct saga_slot *g) {
    log_slot(ctx, g);
    log_active(ctx, st);
    dslab_ctx_store_sync(ctx); /* the state is durable before the message it leads to leaves */
}

/* --- the orchestrator ------------------------------------------------------ */

static struct saga_slot *slot_of(struct saga_state *st, int64_t id) {
    for (int i = 0; i < SAGA_SLOTS; i++) {
        if (st->slots[i].phase != SP_FREE && st->slots[i].id == id) return &st->slots[i];
    }
    return NULL;
}

/* Sends the current message of `g` (a step, or the compensation of the
 * highest step still to undo) and arms its resend timer. */
static void send_current(struct dslab_node_ctx *ctx, struct saga_slot *g) {
    g->tries++;
    g->seq++;
    saga_send(ctx, g->step, g->phase == SP_STEP ? SAGA_DO : SAGA_UNDO, g->step, g->id, saga_cfg(ctx)->amount);
    dslab_ctx_set_timer(ctx, saga_cfg(ctx)->step_timeout_ns, ((uint64_t)g->id << 16) | (g->seq & 0xffff));
}

static void finish(struct dslab_node_ctx *ctx, struct saga_state *st, struct saga_slot *g, const char *how,
                   int64_t *counter) {
    (*counter)++;
    dslab_ctx_annotate(ctx, "saga", g->id, "%s", how);
    if (g->has_client) {
        dslab_ctx_reply(ctx, g->request_id, counter == &st->done ? DSLAB_REPLY_OK : DSLAB_REPLY_FAIL, 0);
    }
    g->phase = SP_FREE;
    log_slot(ctx, g);
    log_active(ctx, st);
    dslab_ctx_store_sync(ctx);
}

/* Compensates the steps in g->undo, last first; none left: compensated. */
static void compensate_next(struct dslab_node_ctx *ctx, struct saga_state *st, struct saga_slot *g) {
    for (int s = SAGA_STEPS; s >= 1; s--) {
        if (g->undo & (1 << (s - 1))) {
            g->phase = SP_COMP;
            g->step = s;
            g->tries = 0;
            persist(ctx, st, g);
            send_current(ctx, g);
            return;
        }
    }
    finish(ctx, st, g, "compensated", &st->compensated);
}

/* The current step cannot finish the saga (refused, or unanswered). */
static void step_failed(struct dslab_node_ctx *ctx, struct saga_state *st, struct saga_slot *g) {
    if (!saga_cfg(ctx)->compensate) {
        finish(ctx, st, g, "failed", &st->failed);
        return;
    }
    compensate_next(ctx, st, g);
}

static void begin_saga(struct dslab_node_ctx *ctx, struct saga_state *st, uint64_t request_id) {
    struct saga_slot *g = NULL;
    for (int i = 0; i < SAGA_SLOTS && !g; i++) {
        if (st->slots[i].phase == SP_FREE) g = &st->slots[i];
    }
    if (!g) {
        dslab_ctx_reply(ctx, request_id, DSLAB_REPLY_FAIL, 0); /* too many in flight */
        return;
    }
    memset(g, 0, sizeof *g);
    g->id = st->next_saga++;
    g->phase = SP_STEP;
    g->step = 1;
    g->has_client = true;
    g->request_id = request_id;
    persist(ctx, st, g);
    dslab_ctx_annotate(ctx, "saga", g->id, "begin");
    send_current(ctx, g);
}

static void orch_on_message(struct dslab_node_ctx *ctx, struct saga_state *st, const struct saga_msg *m) {
    struct saga_slot *g = slot_of(st, m->saga);
    if (!g || m->step != g->step) return; /* an answer to an older message */
    if (g->phase == SP_STEP && m->type == SAGA_DONE) {
        g->undo |= 1 << (g->step - 1);
        if (g->step == SAGA_STEPS) {
            finish(ctx, st, g, "done", &st->done);
            return;
        }
        g->step++;
        g->tries = 0;
        persist(ctx, st, g);
        send_current(ctx, g);
    } else if (g->phase == SP_STEP && m->type == SAGA_REFUSED) {
        g->undo &= ~(1 << (g->step - 1)); /* refused: nothing to undo there */
        step_failed(ctx, st, g);
    } else if (g->phase == SP_COMP && m->type == SAGA_UNDONE) {
        g->undo &= ~(1 << (g->step - 1));
        compensate_next(ctx, st, g);
    }
}

static void orch_on_timer(struct dslab_node_ctx *ctx, struct saga_state *st, uint64_t tag) {
    struct saga_slot *g = slot_of(st, (int64_t)(tag >> 16));
    if (!g || (g->seq & 0xffff) != (tag & 0xffff)) return; /* answered since */
    if (g->tries <= saga_cfg(ctx)->retries) {
        send_current(ctx, g);
    } else if (g->phase == SP_STEP) {
        g->undo |= 1 << (g->step - 1); /* unanswered: it may have been applied */
        step_failed(ctx, st, g);
    } else {
        finish(ctx, st, g, "stuck", &st->stuck);
    }
}

static void orch_recover(struct dslab_node_ctx *ctx, struct saga_state *st) {
    const void *v;
    st->next_saga = 1;
    if (dslab_ctx_store_get(ctx, "g/next", &v) == (long)sizeof st->next_saga) {
        memcpy(&st->next_saga, v, sizeof st->next_saga);
    }
    int64_t ids[SAGA_SLOTS];
    if (dslab_ctx_store_get(ctx, "g/active", &v) != (long)sizeof ids) return;
    memcpy(ids, v, sizeof ids);
    for (int i = 0; i < SAGA_SLOTS; i++) {
        char k[32];
        snprintf(k, sizeof k, "g/%lld", (long long)ids[i]);
        struct saga_slot *g = &st->slots[i];
        if (ids[i] <= 0 || dslab_ctx_store_get(ctx, k, &v) != (long)sizeof *g) continue;
        memcpy(g, v, sizeof *g);
        if (g->phase == SP_FREE) continue;
        g->has_client = false; /* the request died with the crash */
        if (g->phase == SP_STEP) {
            g->undo |= 1 << (g->step - 1);
            step_failed(ctx, st, g);
        } else {
            g->tries = 0;
            send_current(ctx, g);
        }
    }
}

/* --- vtable ------------------------------------------------------------------ */

static void saga_init(struct dslab_node_ctx *ctx, void *state) {
    struct saga_state *st = state;
    if (dslab_ctx_self(ctx) != 0) {
        saga_service_init(ctx, st, false);
        return;
    }
    st->next_saga = 1;
    dslab_ctx_report_role(ctx, DSLAB_ROLE_COORDINATOR, 0, "orchestrator");
}

static void saga_on_restart(struct dslab_node_ctx *ctx, void *state) {
    struct saga_state *st = state;
    if (dslab_ctx_self(ctx) != 0) {
        saga_service_init(ctx, st, true);
        return;
    }
    dslab_ctx_report_role(ctx, DSLAB_ROLE_COORDINATOR, 0, "orchestrator");
    orch_recover(ctx, st);
}

static void saga_on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *msg,
                            size_t len) {
    struct saga_msg m;
    if (!proto_msg_fixed(&m, sizeof m, msg, len)) return;
    if (dslab_ctx_self(ctx) == 0) {
        if (from == m.step) orch_on_message(ctx, state, &m); /* a service answers for its own step */
    } else if (from == 0) {
        saga_service_on_message(ctx, state, &m);
    }
}

static void saga_on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t timer_id, uint64_t tag) {
    (void)timer_id;
    if (dslab_ctx_self(ctx) == 0) orch_on_timer(ctx, state, tag);
}

static void saga_on_request(struct dslab_node_ctx *ctx, void *state, const struct dslab_client_request *req) {
    if (dslab_ctx_self(ctx) != 0) {
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_REDIRECT, 0);
    } else if (req->fn == DSLAB_OP_WRITE) {
        begin_saga(ctx, state, req->request_id);
    } else {
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_FAIL, DSLAB_HISTORY_NIL); /* transfers only */
    }
}

static void saga_describe(const void *state, char *buf, size_t buf_size) {
    const struct saga_state *st = state;
    if (st->next_saga > 0) {
        int active = 0;
        for (int i = 0; i < SAGA_SLOTS; i++) active += st->slots[i].phase != SP_FREE;
        snprintf(buf, buf_size, "orchestrator: %d in flight, %lld done, %lld compensated, %lld failed, %lld stuck",
                 active, (long long)st->done, (long long)st->compensated, (long long)st->failed,
                 (long long)st->stuck);
    } else {
        snprintf(buf, buf_size, "service: balance %lld, %lld applied, %lld refused, %lld undone",
                 (long long)st->balance, (long long)st->applied, (long long)st->refused, (long long)st->undone);
    }
}

static void saga_message_label(const void *msg, size_t len, char *buf, size_t buf_size) {
    static const char *const names[] = {"DO", "UNDO", "DONE", "REFUSED", "UNDONE"};
    struct saga_msg m;
    if (len != sizeof m) {
        snprintf(buf, buf_size, "?");
        return;
    }
    memcpy(&m, msg, sizeof m);
    snprintf(buf, buf_size, "%s saga %lld step %d", m.type < 5 ? names[m.type] : "?", (long long)m.saga,
             (int)m.step);
}

const struct dslab_protocol protocol_saga = {
    .name = "saga",
    .summary = "a transfer as a saga: debit, then credit; compensations undo a saga that cannot finish",
    .state_size = sizeof(struct saga_state),
    .configure = saga_configure,
    .destroy_config = proto_config_free,
    .init = saga_init,
    .on_message = saga_on_message,
    .on_timer = saga_on_timer,
    .on_request = saga_on_request,
    .on_restart = saga_on_restart,
    .describe = saga_describe,
    .message_label = saga_message_label,
};
