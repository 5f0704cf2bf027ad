/* broadcast.c: your node for lab 2 (README.md). Copy it, fill in the
 * TODOs, and grade it:  dslab grade labs/broadcast --node broadcast.c
 *
 * A client's write of value V means "broadcast message V". Once you answer
 * it DSLAB_REPLY_OK, V must reach every node, whatever the network does (loss,
 * duplicates, partitions) and even if nodes crash and restart. At the end
 * of the run, on_finish reports what this node holds (the `broadcast`
 * check reads it). Only "dslab/node.h" (docs/NODE_API.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/node.h"

#define MESSAGES_MAX 4096

/* Zeroed by the simulator before init() and after a crash. */
struct state {
    int64_t count;
    int64_t messages[MESSAGES_MAX];
};

static bool known(const struct state *st, int64_t v) {
    for (int64_t i = 0; i < st->count; i++) {
        if (st->messages[i] == v) return true;
    }
    return false;
}

static void node_init(struct dslab_node_ctx *ctx, void *state) {
    (void)state;
    /* TODO: after a restart, what do you still have? (dslab_ctx_store_get) */
    dslab_ctx_set_timer(ctx, 100 * 1000 * 1000, 0); /* a tick every 100ms (local monotonic time) */
}

static void node_on_request(struct dslab_node_ctx *ctx, void *state, const struct dslab_client_request *req) {
    struct state *st = state;
    if (req->fn != DSLAB_OP_WRITE || (st->count == MESSAGES_MAX && !known(st, req->value))) {
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_FAIL, DSLAB_HISTORY_NIL);
        return;
    }
    if (!known(st, req->value)) st->messages[st->count++] = req->value;
    /* TODO: tell the others (dslab_ctx_send). Is a single send enough? */
    dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_OK, DSLAB_HISTORY_NIL);
}

static void node_on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *msg, size_t len) {
    (void)ctx, (void)state, (void)from, (void)msg, (void)len;
    /* TODO: learn what a peer sends you. */
}

static void node_on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t timer_id, uint64_t tag) {
    (void)state, (void)timer_id, (void)tag;
    /* TODO: anti-entropy: repair what was lost. */
    dslab_ctx_set_timer(ctx, 100 * 1000 * 1000, 0);
}

/* The report the `broadcast` check reads: the final state, then one final
 * value per message with key = value = the message. Keep it. */
static void node_on_finish(struct dslab_node_ctx *ctx, void *state) {
    struct state *st = state;
    dslab_ctx_report_final_state(ctx, st->count, "%lld messages", (long long)st->count);
    for (int64_t i = 0; i < st->count; i++) {
        dslab_ctx_report_final_value(ctx, st->messages[i], st->messages[i]);
    }
}

const struct dslab_protocol dslab_node_protocol = {
    .api_version = DSLAB_NODE_API_VERSION,
    .name = "my-broadcast",
    .summary = "lab 2: broadcast under partitions",
    .state_size = sizeof(struct state),
    .init = node_init,
    .on_message = node_on_message,
    .on_timer = node_on_timer,
    .on_request = node_on_request,
    .on_finish = node_on_finish,
};
