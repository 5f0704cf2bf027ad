/* echo.c: the reference solution of lab 1 (exercises/labs/echo): an echo
 * service and a unique-id service, one node program, chosen by the
 * protocol parameter `service`.
 *
 * echo        a read of key K is answered DSLAB_REPLY_OK with K.
 * unique-ids  a read is a request for a new id. An id is
 *               epoch << 40 | node << 32 | counter
 *             where the epoch is this node's incarnation: read from the
 *             durable store at start, bumped, written and synced BEFORE
 *             the first id is handed out, so a restart (even one that
 *             loses unsynced writes) never reuses an epoch. The node id
 *             keeps nodes apart without talking: ids stay unique under
 *             any partition. The counter restarts at 0 in each epoch.
 * Uses only "dslab/node.h". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/node.h"

enum service { SERVICE_ECHO, SERVICE_IDS };

struct echo_config {
    int service;
};

struct echo_state {
    int64_t epoch;
    int64_t counter;
};

static const char *const services[] = {"echo", "unique-ids", NULL};

static int echo_configure(const struct dslab_scenario *s, void **config_out, struct dslab_diag *diag) {
    static const char *const known[] = {"service", NULL};
    struct echo_config *c = calloc(1, sizeof *c);
    if (!c) return dslab_diag_set(diag, s->path, 0, 0, "out of memory");
    if (dslab_param_reject_unknown(s, known, diag) != 0 ||
        dslab_param_choice(s, "service", services, SERVICE_ECHO, &c->service, diag) != 0) {
        free(c);
        return -1;
    }
    *config_out = c;
    return 0;
}

static void echo_destroy_config(void *config) {
    free(config);
}

static void echo_init(struct dslab_node_ctx *ctx, void *state) {
    struct echo_state *st = state;
    const void *v;
    int64_t epoch = 0;
    if (dslab_ctx_store_get(ctx, "epoch", &v) == (long)sizeof epoch) memcpy(&epoch, v, sizeof epoch);
    st->epoch = epoch + 1;
    st->counter = 0;
    dslab_ctx_store_put(ctx, "epoch", &st->epoch, sizeof st->epoch);
    dslab_ctx_store_sync(ctx);
    dslab_ctx_annotate(ctx, "epoch", st->epoch, "epoch %lld", (long long)st->epoch);
}

static void echo_on_request(struct dslab_node_ctx *ctx, void *state, const struct dslab_client_request *req) {
    struct echo_state *st = state;
    const struct echo_config *c = dslab_ctx_config(ctx);
    if (req->fn != DSLAB_OP_READ) {
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_FAIL, DSLAB_HISTORY_NIL);
        return;
    }
    if (c->service == SERVICE_ECHO) {
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_OK, req->key);
        return;
    }
    int64_t id = (st->epoch << 40) | ((int64_t)dslab_ctx_self(ctx) << 32) | st->counter;
    st->counter++;
    dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_OK, id);
}

static void echo_on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *msg, size_t len) {
    (void)ctx;
    (void)state;
    (void)from;
    (void)msg;
    (void)len;
}

static void echo_on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t timer_id, uint64_t tag) {
    (void)ctx;
    (void)state;
    (void)timer_id;
    (void)tag;
}

static void echo_describe(const void *state, char *buf, size_t size) {
    const struct echo_state *st = state;
    snprintf(buf, size, "epoch %lld next %lld", (long long)st->epoch, (long long)st->counter);
}

const struct dslab_protocol dslab_node_protocol = {
    .api_version = DSLAB_NODE_API_VERSION,
    .name = "lab-echo",
    .summary = "lab 1 reference: echo and unique ids",
    .state_size = sizeof(struct echo_state),
    .configure = echo_configure,
    .destroy_config = echo_destroy_config,
    .init = echo_init,
    .on_message = echo_on_message,
    .on_timer = echo_on_timer,
    .on_request = echo_on_request,
    .describe = echo_describe,
};
