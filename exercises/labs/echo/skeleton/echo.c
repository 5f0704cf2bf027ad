/* echo.c: your node for lab 1 (README.md). Copy it, fill in the TODOs,
 * and grade it:  dslab grade labs/echo --node echo.c
 *
 * One program, two services, chosen by the protocol parameter `service`:
 *   echo        a client's read of key K must be answered DSLAB_REPLY_OK with K;
 *   unique-ids  a client's read asks for a new id: answer DSLAB_REPLY_OK with an
 *               id no node has ever handed out, or ever will, through
 *               partitions, crashes and restarts that lose unsynced writes.
 * Only "dslab/node.h" (docs/NODE_API.md): time, randomness and storage come
 * through the ctx_ calls, so every run can be replayed exactly. */
#include <stdlib.h>
#include <string.h>

#include "dslab/node.h"

enum service { SERVICE_ECHO, SERVICE_IDS };

struct config {
    int service;
};

/* Zeroed by the simulator before init() and after a crash. */
struct state {
    int64_t next; /* TODO: what else must an id depend on? */
};

static int node_configure(const struct dslab_scenario *s, void **config_out, struct dslab_diag *diag) {
    static const char *const known[] = {"service", NULL};
    static const char *const services[] = {"echo", "unique-ids", NULL};
    struct config *c = calloc(1, sizeof *c);
    if (!c) return dslab_diag_set(diag, s->path, 0, 0, "out of memory");
    if (dslab_param_reject_unknown(s, known, diag) != 0 ||
        dslab_param_choice(s, "service", services, SERVICE_ECHO, &c->service, diag) != 0) {
        free(c);
        return -1;
    }
    *config_out = c;
    return 0;
}

static void node_destroy_config(void *config) {
    free(config);
}

static void node_init(struct dslab_node_ctx *ctx, void *state) {
    (void)ctx;
    (void)state;
    /* TODO (unique-ids): what must survive a crash? dslab_ctx_store_get,
     * dslab_ctx_store_put and dslab_ctx_store_sync (a write is durable only once synced). */
}

static void node_on_request(struct dslab_node_ctx *ctx, void *state, const struct dslab_client_request *req) {
    struct state *st = state;
    const struct config *c = dslab_ctx_config(ctx);
    if (c->service == SERVICE_ECHO) {
        /* TODO: answer with what the client sent (req->key). */
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_FAIL, DSLAB_HISTORY_NIL);
        return;
    }
    /* TODO: an id unique across nodes (dslab_ctx_self) and across restarts. */
    dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_OK, st->next++);
}

static void node_on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *msg, size_t len) {
    (void)ctx, (void)state, (void)from, (void)msg, (void)len;
}

static void node_on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t timer_id, uint64_t tag) {
    (void)ctx, (void)state, (void)timer_id, (void)tag;
}

const struct dslab_protocol dslab_node_protocol = {
    .api_version = DSLAB_NODE_API_VERSION,
    .name = "my-echo",
    .summary = "lab 1: echo and unique ids",
    .state_size = sizeof(struct state),
    .configure = node_configure,
    .destroy_config = node_destroy_config,
    .init = node_init,
    .on_message = node_on_message,
    .on_timer = node_on_timer,
    .on_request = node_on_request,
};
