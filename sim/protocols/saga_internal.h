/* saga_internal.h (private to saga*.c): the saga protocol's shared pieces:
 * its configuration, its messages and the per-node state of the
 * orchestrator (saga.c) and the two services (saga_service.c). */
#ifndef DSLAB_SAGA_INTERNAL_H
#define DSLAB_SAGA_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "dslab/node.h"

#define SAGA_SLOTS 32 /* sagas in flight at the orchestrator */
#define SAGA_STEPS 2  /* step 1: debit at node 1; step 2: credit at node 2 */

struct saga_config {
    int64_t step_timeout_ns; /* resend an unanswered step or compensation after this */
    int64_t retries;         /* resends before giving up on a step (compensate) or a compensation (stuck) */
    int64_t amount;          /* moved by each transfer */
    int64_t balance;         /* each service's opening balance */
    int64_t fail_percent;    /* chance the credit service refuses a credit */
    bool compensate;         /* undo the applied steps of a saga that cannot finish */
    bool idempotent;         /* services remember what they did per saga */
    bool credit_reversible;  /* false: an applied credit is paid out at once (a pivot step):
                                its UNDO is acknowledged but takes nothing back */
};

enum saga_msg_type { SAGA_DO, SAGA_UNDO, SAGA_DONE, SAGA_REFUSED, SAGA_UNDONE };

struct saga_msg {
    uint8_t type;
    uint8_t step; /* 1 or 2 */
    int64_t saga;
    int64_t amount;
};

enum saga_phase { SP_FREE, SP_STEP, SP_COMP };

struct saga_slot { /* orchestrator side; also the durable record "g/<id>" */
    int32_t phase;   /* enum saga_phase */
    int32_t step;    /* SP_STEP: the step asked; SP_COMP: the step being undone */
    int32_t tries;   /* sends of the current message */
    int32_t undo;    /* bit s-1: step s may have been applied and must be undone */
    int64_t id;
    uint64_t seq;    /* the current timer's number: older timers are stale */
    uint64_t request_id;
    bool has_client;
};

struct saga_state {
    /* orchestrator */
    int64_t next_saga;
    struct saga_slot slots[SAGA_SLOTS];
    int64_t done, compensated, failed, stuck;
    /* services */
    int64_t balance;
    int64_t applied, refused, undone;
};

static inline const struct saga_config *saga_cfg(const struct dslab_node_ctx *ctx) {
    return dslab_ctx_config(ctx);
}

void saga_send(struct dslab_node_ctx *ctx, int32_t to, enum saga_msg_type type, int step, int64_t saga,
               int64_t amount);
/* Services (nodes 1 and 2). */
void saga_service_init(struct dslab_node_ctx *ctx, struct saga_state *st, bool restarted);
void saga_service_on_message(struct dslab_node_ctx *ctx, struct saga_state *st, const struct saga_msg *m);

#endif
