/* saga_service.c: the two services a saga's transfer crosses.
 *
 * Node 1 holds the source account (step 1: debit), node 2 the destination
 * (step 2: credit). Each keeps its balance durable ("bal", synced before
 * any answer leaves). A step DO applies the step's change, UNDO applies
 * its compensation (the opposite change). Node 1 refuses a debit the
 * balance cannot cover; node 2 refuses a credit with probability
 * `fail_percent` (the account is frozen, say).
 *
 * With `idempotent` a service records per saga and step what it did
 * ("s/<saga>/<step>": applied, refused or undone, synced with the
 * balance): a repeated DO answers as the first did, an UNDO of a step
 * never applied leaves a tombstone (a late DO is then refused), a repeated
 * UNDO changes nothing. Without it every DO and UNDO that arrives is
 * applied: a retry whose answer was lost applies twice, and undoing a step
 * that never happened moves money nobody moved.
 *
 * Without `credit_reversible` the credit is a pivot step: paid out once
 * applied (an email sent, money wired out). Its UNDO is acknowledged like
 * any compensation ("step": "cannot undo credit (paid out)") and takes
 * nothing back, so a saga compensated after its credit was applied ends
 * with the money both credited and refunded.
 *
 * Every change is annotated with tag "money", value = the saga id, text
 * "<signed change> (<what>, balance <new balance>)", the change first:
 * the money-conserved checker reads it. */
#include <stdio.h>
#include <string.h>

#include "protocols/saga_internal.h"

enum saga_rec { REC_NONE = 0, REC_APPLIED, REC_REFUSED, REC_UNDONE };

static void rec_key(char *buf, size_t size, int64_t saga, int step) {
    snprintf(buf, size, "s/%lld/%d", (long long)saga, step);
}

static enum saga_rec rec_get(struct dslab_node_ctx *ctx, int64_t saga, int step) {
    char k[48];
    rec_key(k, sizeof k, saga, step);
    const void *v;
    int32_t r;
    if (dslab_ctx_store_get(ctx, k, &v) != (long)sizeof r) return REC_NONE;
    memcpy(&r, v, sizeof r);
    return (enum saga_rec)r;
}

static void rec_put(struct dslab_node_ctx *ctx, int64_t saga, int step, enum saga_rec r) {
    if (!saga_cfg(ctx)->idempotent) return;
    char k[48];
    rec_key(k, sizeof k, saga, step);
    int32_t x = (int32_t)r;
    (void)dslab_ctx_store_put(ctx, k, &x, sizeof x);
}

/* The change step `step` makes to this service's balance (undo: its opposite). */
static int64_t change_of(const struct dslab_node_ctx *ctx, int step, bool undo) {
    int64_t amount = saga_cfg(ctx)->amount;
    int64_t change = step == 1 ? -amount : amount;
    return undo ? -change : change;
}

static void move(struct dslab_node_ctx *ctx, struct saga_state *st, int64_t saga, int64_t change,
                 const char *what) {
    st->balance += change;
    (void)dslab_ctx_store_put(ctx, "bal", &st->balance, sizeof st->balance);
    dslab_ctx_annotate(ctx, "money", saga, "%+lld (%s, balance %lld)", (long long)change, what,
                       (long long)st->balance);
}

static const char *what_of(int step, bool undo) {
    if (step == 1) return undo ? "refund" : "debit";
    return undo ? "uncredit" : "credit";
}

static bool refuse(struct dslab_node_ctx *ctx, const struct saga_state *st, int step) {
    if (step == 1) return st->balance < saga_cfg(ctx)->amount;
    int64_t pct = saga_cfg(ctx)->fail_percent;
    return pct > 0 && (int64_t)dslab_rng_below(dslab_ctx_rng(ctx), 100) < pct;
}

static void on_do(struct dslab_node_ctx *ctx, struct saga_state *st, const struct saga_msg *m, int step) {
    enum saga_rec r = saga_cfg(ctx)->idempotent ? rec_get(ctx, m->saga, step) : REC_NONE;
    enum saga_msg_type answer = SAGA_DONE;
    if (r == REC_REFUSED || r == REC_UNDONE) {
        answer = SAGA_REFUSED; /* refused before, or compensated before it arrived */
    } else if (r == REC_NONE) {
        if (refuse(ctx, st, step)) {
            rec_put(ctx, m->saga, step, REC_REFUSED);
            st->refused++;
            dslab_ctx_annotate(ctx, "step", m->saga, "refused %s", what_of(step, false));
            answer = SAGA_REFUSED;
        } else {
            move(ctx, st, m->saga, change_of(ctx, step, false), what_of(step, false));
            rec_put(ctx, m->saga, step, REC_APPLIED);
            st->applied++;
        }
    }
    dslab_ctx_store_sync(ctx); /* what we did is durable before we say so */
    saga_send(ctx, 0, answer, step, m->saga, 0);
}

static void on_undo(struct dslab_node_ctx *ctx, struct saga_state *st, const struct saga_msg *m, int step) {
    enum saga_rec r = saga_cfg(ctx)->idempotent ? rec_get(ctx, m->saga, step) : REC_APPLIED;
    if (r == REC_APPLIED && step == 2 && !saga_cfg(ctx)->credit_reversible) {
        /* A pivot: the credit was paid out when applied. The compensation
         * is acknowledged (the request to take it back was filed) and
         * moves nothing. */
        dslab_ctx_annotate(ctx, "step", m->saga, "cannot undo credit (paid out)");
    } else if (r == REC_APPLIED) {
        move(ctx, st, m->saga, change_of(ctx, step, true), what_of(step, true));
        st->undone++;
    }
    if (r != REC_REFUSED) rec_put(ctx, m->saga, step, REC_UNDONE); /* a tombstone if never applied */
    dslab_ctx_store_sync(ctx);
    saga_send(ctx, 0, SAGA_UNDONE, step, m->saga, 0);
}

void saga_service_on_message(struct dslab_node_ctx *ctx, struct saga_state *st, const struct saga_msg *m) {
    int step = dslab_ctx_self(ctx); /* node 1 serves step 1, node 2 step 2 */
    if (m->step != step || m->saga <= 0) return;
    if (m->type == SAGA_DO) on_do(ctx, st, m, step);
    else if (m->type == SAGA_UNDO) on_undo(ctx, st, m, step);
}

void saga_service_init(struct dslab_node_ctx *ctx, struct saga_state *st, bool restarted) {
    const void *v;
    st->balance = saga_cfg(ctx)->balance;
    if (restarted && dslab_ctx_store_get(ctx, "bal", &v) == (long)sizeof st->balance) {
        memcpy(&st->balance, v, sizeof st->balance);
    }
    if (!restarted) {
        (void)dslab_ctx_store_put(ctx, "bal", &st->balance, sizeof st->balance);
        dslab_ctx_store_sync(ctx);
    }
    dslab_ctx_report_role(ctx, DSLAB_ROLE_PARTICIPANT, 0, "%s", dslab_ctx_self(ctx) == 1 ? "debit" : "credit");
}
