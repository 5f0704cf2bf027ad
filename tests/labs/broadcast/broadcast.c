/* broadcast.c: the reference solution of lab 2 (exercises/labs/broadcast):
 * every message a node acknowledges reaches every node, through
 * partitions, message loss and crashes.
 *
 * A client's write of value V is "broadcast V". The node that takes it
 *   1. appends V to its log and makes it durable (put + sync) BEFORE
 *      answering DSLAB_REPLY_OK: an acknowledged message survives a crash;
 *   2. pushes V to every peer at once (eager gossip: fast when the
 *      network is healthy);
 *   3. anti-entropy, every `sync_every` (default 100ms): to each peer it
 *      sends up to BATCH entries of its log from what that peer last
 *      confirmed; the peer adds what it lacks (durably) and confirms how
 *      far it got. Lost pushes, partitions and restarts are repaired by
 *      this loop alone, so the eager push may be lost freely.
 * Membership is a hash set beside the log. After a crash the log comes
 * back from the store and every peer's confirmation restarts at 0.
 * At the end each live node reports its log (dslab_ctx_report_final_state, then
 * one dslab_ctx_report_final_value per message with key = value = the message). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/node.h"

#define LOG_MAX 4096
#define SET_SLOTS 8192 /* power of two, > 2 * LOG_MAX */
#define BATCH 100
#define PEERS_MAX 16
#define SET_EMPTY INT64_MIN

enum msg_type { MSG_PUSH = 1, MSG_ACK = 2 };

/* PUSH: from = index in the sender's log of values[0]; ACK: the same
 * from and count, confirming the sender's entries [from, from + count). */
struct bc_msg {
    int32_t type;
    int32_t count;
    int64_t from;
    int64_t values[BATCH];
};

struct bc_config {
    int64_t sync_every_ns;
};

struct bc_state {
    int64_t count;
    int64_t log[LOG_MAX];
    int64_t set[SET_SLOTS];
    int64_t confirmed[PEERS_MAX]; /* how much of our log each peer confirmed */
};

static int bc_configure(const struct dslab_scenario *s, void **config_out, struct dslab_diag *diag) {
    static const char *const known[] = {"sync_every", NULL};
    struct bc_config *c = calloc(1, sizeof *c);
    if (!c) return dslab_diag_set(diag, s->path, 0, 0, "out of memory");
    if (dslab_param_reject_unknown(s, known, diag) != 0 ||
        dslab_param_duration_ns(s, "sync_every", 100000000, &c->sync_every_ns, diag) != 0) {
        free(c);
        return -1;
    }
    if (c->sync_every_ns <= 0) {
        free(c);
        return dslab_param_error_at(s, dslab_param_find(s, "sync_every"), diag, "must be more than 0");
    }
    if (s->nodes_count > PEERS_MAX) {
        free(c);
        return dslab_diag_set(diag, s->path, 0, 0, "this broadcast node handles at most %d nodes", PEERS_MAX);
    }
    *config_out = c;
    return 0;
}

static void bc_destroy_config(void *config) {
    free(config);
}

static uint64_t slot_of(int64_t v) {
    return ((uint64_t)v * UINT64_C(0x9E3779B97F4A7C15)) >> 51; /* 13 bits: SET_SLOTS */
}

static bool set_has(const struct bc_state *st, int64_t v) {
    for (uint64_t i = slot_of(v);; i = (i + 1) & (SET_SLOTS - 1)) {
        if (st->set[i] == SET_EMPTY) return false;
        if (st->set[i] == v) return true;
    }
}

static void set_add(struct bc_state *st, int64_t v) {
    uint64_t i = slot_of(v);
    while (st->set[i] != SET_EMPTY) i = (i + 1) & (SET_SLOTS - 1);
    st->set[i] = v;
}

/* Adds v (durably) unless known; returns true when it was new. */
static bool learn(struct dslab_node_ctx *ctx, struct bc_state *st, int64_t v) {
    if (set_has(st, v) || st->count >= LOG_MAX) return false;
    char key[32];
    snprintf(key, sizeof key, "m%lld", (long long)st->count);
    dslab_ctx_store_put(ctx, key, &v, sizeof v);
    st->log[st->count++] = v;
    dslab_ctx_store_put(ctx, "count", &st->count, sizeof st->count);
    set_add(st, v);
    return true;
}

static void send_batch(struct dslab_node_ctx *ctx, struct bc_state *st, int32_t peer, int64_t from) {
    struct bc_msg m = {.type = MSG_PUSH, .from = from};
    while (m.count < BATCH && from + m.count < st->count) {
        m.values[m.count] = st->log[from + m.count];
        m.count++;
    }
    if (m.count == 0) return;
    dslab_ctx_send(ctx, peer, &m, offsetof(struct bc_msg, values) + (size_t)m.count * sizeof m.values[0]);
}

static void start(struct dslab_node_ctx *ctx, struct bc_state *st) {
    const struct bc_config *c = dslab_ctx_config(ctx);
    for (int i = 0; i < SET_SLOTS; i++) st->set[i] = SET_EMPTY;
    const void *v;
    int64_t n = 0;
    if (dslab_ctx_store_get(ctx, "count", &v) == (long)sizeof n) memcpy(&n, v, sizeof n);
    for (int64_t i = 0; i < n && i < LOG_MAX; i++) {
        char key[32];
        snprintf(key, sizeof key, "m%lld", (long long)i);
        int64_t x;
        if (dslab_ctx_store_get(ctx, key, &v) != (long)sizeof x) continue;
        memcpy(&x, v, sizeof x);
        if (!set_has(st, x)) {
            st->log[st->count++] = x;
            set_add(st, x);
        }
    }
    dslab_ctx_set_timer(ctx, c->sync_every_ns, 0);
}

static void bc_init(struct dslab_node_ctx *ctx, void *state) {
    start(ctx, state);
}

static void bc_on_request(struct dslab_node_ctx *ctx, void *state, const struct dslab_client_request *req) {
    struct bc_state *st = state;
    if (req->fn != DSLAB_OP_WRITE) {
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_FAIL, DSLAB_HISTORY_NIL);
        return;
    }
    if (!set_has(st, req->value) && st->count >= LOG_MAX) {
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_FAIL, DSLAB_HISTORY_NIL);
        return;
    }
    if (learn(ctx, st, req->value)) {
        dslab_ctx_store_sync(ctx);
        for (int32_t p = 0; p < dslab_ctx_nodes_count(ctx); p++) {
            if (p != dslab_ctx_self(ctx)) send_batch(ctx, st, p, st->count - 1);
        }
    }
    dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_OK, DSLAB_HISTORY_NIL);
}

static void bc_on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *msg, size_t len) {
    struct bc_state *st = state;
    struct bc_msg m;
    if (len < offsetof(struct bc_msg, values) || len > sizeof m || from < 0 || from >= PEERS_MAX) return;
    memset(&m, 0, sizeof m);
    memcpy(&m, msg, len);
    if (m.type == MSG_ACK) {
        /* Only a contiguous confirmation counts: an eager push of entry
         * 40 confirms nothing about 0..39. */
        int64_t upto = m.from + m.count;
        if (m.from <= st->confirmed[from] && upto > st->confirmed[from] && upto <= st->count) {
            st->confirmed[from] = upto;
        }
        return;
    }
    if (m.type != MSG_PUSH || m.count < 0 || m.count > BATCH ||
        len != offsetof(struct bc_msg, values) + (size_t)m.count * sizeof m.values[0]) {
        return;
    }
    bool any = false;
    for (int i = 0; i < m.count; i++) any |= learn(ctx, st, m.values[i]);
    if (any) dslab_ctx_store_sync(ctx);
    struct bc_msg ack = {.type = MSG_ACK, .from = m.from, .count = m.count};
    dslab_ctx_send(ctx, from, &ack, offsetof(struct bc_msg, values));
}

static void bc_on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t timer_id, uint64_t tag) {
    (void)timer_id;
    (void)tag;
    struct bc_state *st = state;
    const struct bc_config *c = dslab_ctx_config(ctx);
    for (int32_t p = 0; p < dslab_ctx_nodes_count(ctx); p++) {
        if (p != dslab_ctx_self(ctx)) send_batch(ctx, st, p, st->confirmed[p]);
    }
    dslab_ctx_set_timer(ctx, c->sync_every_ns, 0);
}

static void bc_on_finish(struct dslab_node_ctx *ctx, void *state) {
    struct bc_state *st = state;
    dslab_ctx_report_final_state(ctx, st->count, "%lld messages", (long long)st->count);
    for (int64_t i = 0; i < st->count; i++) {
        dslab_ctx_report_final_value(ctx, st->log[i], st->log[i]);
    }
}

static void bc_describe(const void *state, char *buf, size_t size) {
    const struct bc_state *st = state;
    snprintf(buf, size, "%lld messages", (long long)st->count);
}

static void bc_label(const void *msg, size_t len, char *buf, size_t size) {
    struct bc_msg m;
    memset(&m, 0, sizeof m);
    memcpy(&m, msg, len < sizeof m ? len : sizeof m);
    if (m.type == MSG_ACK) snprintf(buf, size, "ack %lld..%lld", (long long)m.from, (long long)(m.from + m.count));
    else snprintf(buf, size, "push %d from %lld", m.count, (long long)m.from);
}

const struct dslab_protocol dslab_node_protocol = {
    .api_version = DSLAB_NODE_API_VERSION,
    .name = "lab-broadcast",
    .summary = "lab 2 reference: broadcast with eager push and anti-entropy",
    .state_size = sizeof(struct bc_state),
    .configure = bc_configure,
    .destroy_config = bc_destroy_config,
    .init = bc_init,
    .on_message = bc_on_message,
    .on_timer = bc_on_timer,
    .on_request = bc_on_request,
    .on_restart = NULL,
    .describe = bc_describe,
    .message_label = bc_label,
    .on_finish = bc_on_finish,
};
