/* static_counter.c: NOT deterministic on purpose (tests/e2e/plugin_nodes.sh).
 * Gossip whose hop count comes from a static variable: it is shared by
 * every node and every simulation of the process, so a second run starts
 * where the first left off. It imports nothing forbidden, so only
 * `dslab run --check-determinism` can tell. */
#include <stdio.h>
#include <string.h>

#include "dslab/node.h"

static uint64_t sent_total; /* the bug: state outside the state block */

static void send_one(struct dslab_node_ctx *ctx) {
    int32_t n = dslab_ctx_nodes_count(ctx);
    int32_t to = (int32_t)dslab_rng_below(dslab_ctx_rng(ctx), (uint64_t)(n - 1));
    if (to >= dslab_ctx_self(ctx)) to++;
    uint64_t hops = sent_total++;
    dslab_ctx_send(ctx, to, &hops, sizeof hops);
}

static void init(struct dslab_node_ctx *ctx, void *state) {
    (void)state;
    send_one(ctx);
}

static void on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *m, size_t len) {
    (void)state;
    (void)from;
    (void)m;
    (void)len;
    send_one(ctx);
}

static void on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t id, uint64_t tag) {
    (void)ctx;
    (void)state;
    (void)id;
    (void)tag;
}

static void label(const void *m, size_t len, char *buf, size_t size) {
    uint64_t hops = 0;
    if (len == sizeof hops) memcpy(&hops, m, sizeof hops);
    snprintf(buf, size, "ping %llu", (unsigned long long)hops);
}

const struct dslab_protocol dslab_node_protocol = {
    .api_version = DSLAB_NODE_API_VERSION,
    .name = "static-counter",
    .init = init,
    .on_message = on_message,
    .on_timer = on_timer,
    .message_label = label,
};
