/* address_as_value.c: NOT deterministic on purpose (tests/e2e/plugin_nodes.sh).
 * Gossip that picks the next node from an address, that of its state
 * block (as code that hashes pointers or walks a pointer-keyed table
 * does): addresses differ between runs and between the two simulators of
 * --check-determinism. (A malloc'd and at once freed block would not do:
 * the allocator hands the two simulators the same address.) It imports
 * nothing forbidden. */
#include <stdint.h>

#include "dslab/node.h"

static void send_one(struct dslab_node_ctx *ctx, void *state) {
    int32_t n = dslab_ctx_nodes_count(ctx);
    uint64_t bits = (uint64_t)(uintptr_t)state >> 4; /* the bug: an address as a value */
    int32_t to = (int32_t)((bits ^ (bits >> 13)) % (uint64_t)(n - 1));
    if (to >= dslab_ctx_self(ctx)) to++;
    uint64_t hops = 0;
    dslab_ctx_send(ctx, to, &hops, sizeof hops);
}

static void init(struct dslab_node_ctx *ctx, void *state) {
    send_one(ctx, state);
}

static void on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *m, size_t len) {
    (void)from;
    (void)m;
    (void)len;
    send_one(ctx, state);
}

static void on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t id, uint64_t tag) {
    (void)ctx;
    (void)state;
    (void)id;
    (void)tag;
}

const struct dslab_protocol dslab_node_protocol = {
    .api_version = DSLAB_NODE_API_VERSION,
    .name = "address-as-value",
    .state_size = 16,
    .init = init,
    .on_message = on_message,
    .on_timer = on_timer,
};
