/* gossip_pingpong.c: the benchmark workload as a protocol.
 *
 * At start each node sends `initial` messages (default 4) to uniformly
 * random other nodes; each delivery makes the receiver send one message to
 * a uniformly random other node. The number of messages in flight stays
 * constant (nodes * initial) unless the network drops them, which makes
 * it a clean measure of the simulator's per-message cost. The message
 * carries a hop count so traces show how far a message has travelled. */
#include <stdio.h>
#include <string.h>

#include "dec_text.h"
#include "dslab/node.h"
#include "protocols/proto_util.h"

struct gp_config {
    int64_t initial;
};

struct gp_state {
    uint64_t received;
    uint64_t hops_max;
};

struct gp_msg {
    uint64_t hops;
};

static int gp_configure(const struct dslab_scenario *s, void **config_out, struct dslab_diag *diag) {
    static const char *const known[] = {"initial", NULL};
    if (dslab_param_reject_unknown(s, known, diag) != 0) return -1;
    struct gp_config c;
    memset(&c, 0, sizeof c);
    if (dslab_param_int(s, "initial", 4, 0, 1000, &c.initial, diag) != 0) {
        return -1;
    }
    return proto_config_keep(s, &c, sizeof c, config_out, diag);
}

static void send_random(struct dslab_node_ctx *ctx, uint64_t hops) {
    int32_t n = dslab_ctx_nodes_count(ctx);
    if (n < 2) return;
    int32_t to = (int32_t)dslab_rng_below(dslab_ctx_rng(ctx), (uint64_t)(n - 1));
    if (to >= dslab_ctx_self(ctx)) to++; /* uniform over the others */
    struct gp_msg m = {.hops = hops};
    dslab_ctx_send(ctx, to, &m, sizeof m);
}

static void gp_init(struct dslab_node_ctx *ctx, void *state) {
    (void)state;
    const struct gp_config *c = dslab_ctx_config(ctx);
    for (int64_t i = 0; i < c->initial; i++) send_random(ctx, 0);
}

static void gp_on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *msg,
                          size_t len) {
    (void)from;
    struct gp_state *st = state;
    struct gp_msg m;
    if (!proto_msg_fixed(&m, sizeof m, msg, len)) return;
    st->received++;
    if (m.hops + 1 > st->hops_max) st->hops_max = m.hops + 1;
    send_random(ctx, m.hops + 1);
}

static void gp_on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t timer_id, uint64_t tag) {
    (void)ctx;
    (void)state;
    (void)timer_id;
    (void)tag;
}

static void gp_describe(const void *state, char *buf, size_t buf_size) {
    const struct gp_state *st = state;
    snprintf(buf, buf_size, "received %llu, longest path %llu hops",
             (unsigned long long)st->received, (unsigned long long)st->hops_max);
}

static void gp_message_label(const void *msg, size_t len, char *buf, size_t buf_size) {
    struct gp_msg m = {0};
    if (len == sizeof m) memcpy(&m, msg, sizeof m);
    /* by hand, as snprintf("ping hop %llu") would: this runs on every
     * traced send of the benchmark (issue 15) */
    char label[sizeof "ping hop " - 1 + DEC_TEXT_MAX_BYTES + 3]; /* room for a fixed-size copy */
    memcpy(label, "ping hop ", sizeof "ping hop " - 1);
    size_t n = (size_t)(dec_put_u64(label + sizeof "ping hop " - 1, m.hops) - label);
    if (buf_size == 0) return;
    if (n > buf_size - 1) n = buf_size - 1;
    if (buf_size >= sizeof label) {
        memcpy(buf, label, sizeof label); /* one fixed-size copy; the NUL ends it */
    } else {
        memcpy(buf, label, n);
    }
    buf[n] = 0;
}

const struct dslab_protocol protocol_gossip_pingpong = {
    .name = "gossip-pingpong",
    .summary = "each delivery sends one message to a random node (the benchmark workload)",
    .state_size = sizeof(struct gp_state),
    .configure = gp_configure,
    .destroy_config = proto_config_free,
    .init = gp_init,
    .on_message = gp_on_message,
    .on_timer = gp_on_timer,
    .describe = gp_describe,
    .message_label = gp_message_label,
};
