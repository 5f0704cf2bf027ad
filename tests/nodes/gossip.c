/* gossip.c: gossip-pingpong (sim/protocols/gossip_pingpong.c) as learner
 * node code, written only against dslab/node.h. Same behaviour, so the
 * same trace bytes as the built-in: tests/e2e/plugin_nodes.sh compares
 * them and bench/run_plugin.sh times the two side by side. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/node.h"

struct config {
    int64_t initial;
};

struct state {
    uint64_t received;
    uint64_t hops_max;
};

struct msg {
    uint64_t hops;
};

static int configure(const struct dslab_scenario *s, void **config_out, struct dslab_diag *diag) {
    static const char *const known[] = {"initial", NULL};
    if (dslab_param_reject_unknown(s, known, diag) != 0) return -1;
    struct config *c = calloc(1, sizeof *c);
    if (!c) return dslab_diag_set(diag, s->path, 0, 0, "out of memory");
    if (dslab_param_int(s, "initial", 4, 0, 1000, &c->initial, diag) != 0) {
        free(c);
        return -1;
    }
    *config_out = c;
    return 0;
}

static void destroy_config(void *config) {
    free(config);
}

static void send_random(struct dslab_node_ctx *ctx, uint64_t hops) {
    int32_t n = dslab_ctx_nodes_count(ctx);
    if (n < 2) return;
    int32_t to = (int32_t)dslab_rng_below(dslab_ctx_rng(ctx), (uint64_t)(n - 1));
    if (to >= dslab_ctx_self(ctx)) to++;
    struct msg m = {.hops = hops};
    dslab_ctx_send(ctx, to, &m, sizeof m);
}

static void init(struct dslab_node_ctx *ctx, void *state) {
    (void)state;
    const struct config *c = dslab_ctx_config(ctx);
    for (int64_t i = 0; i < c->initial; i++) send_random(ctx, 0);
}

static void on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *data,
                       size_t len) {
    (void)from;
    struct state *st = state;
    struct msg m;
    if (len != sizeof m) return;
    memcpy(&m, data, sizeof m);
    st->received++;
    if (m.hops + 1 > st->hops_max) st->hops_max = m.hops + 1;
    send_random(ctx, m.hops + 1);
}

static void on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t timer_id, uint64_t tag) {
    (void)ctx;
    (void)state;
    (void)timer_id;
    (void)tag;
}

static void describe(const void *state, char *buf, size_t buf_size) {
    const struct state *st = state;
    snprintf(buf, buf_size, "received %llu, longest path %llu hops",
             (unsigned long long)st->received, (unsigned long long)st->hops_max);
}

static void message_label(const void *data, size_t len, char *buf, size_t buf_size) {
    struct msg m = {0};
    if (len == sizeof m) memcpy(&m, data, sizeof m);
    snprintf(buf, buf_size, "ping hop %llu", (unsigned long long)m.hops);
}

const struct dslab_protocol dslab_node_protocol = {
    .api_version = DSLAB_NODE_API_VERSION,
    .name = "gossip-c",
    .summary = "gossip-pingpong as node code",
    .state_size = sizeof(struct state),
    .configure = configure,
    .destroy_config = destroy_config,
    .init = init,
    .on_message = on_message,
    .on_timer = on_timer,
    .describe = describe,
    .message_label = message_label,
};
