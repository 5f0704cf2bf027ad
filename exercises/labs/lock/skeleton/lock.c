/* lock.c: your lock service for lab 6 (README.md). Copy it, fill in the
 * TODOs, and grade it:  dslab grade labs/lock --node lock.c
 *
 * Three kinds of node in one program, by index: node 0 is the lock server,
 * node 1 the storage, every other node a client. A client acquires the
 * lock (a lease of `lease` on the server's clock), does `writes` writes to
 * the storage (each after `work` of local time), releases, thinks for
 * `think`, and again. A client can be paused for longer than its lease:
 * when it wakes it still believes it holds the lock. Fencing tokens make
 * the storage refuse such a write.
 * What the `mutual-exclusion` check reads (keep these annotations; value =
 * the lease's token):
 *   server:  "lease"   "granted <client> for <lease in ns>ns", "released", "expired"
 *   client:  "lock"    "acquired", "released", "expired"
 *   storage: "storage" "accepted ...", "rejected ..."
 * Only "dslab/node.h" (docs/NODE_API.md). */
#include <stdlib.h>
#include <string.h>

#include "dslab/node.h"

struct config {
    int64_t lease_ns, work_ns, think_ns, writes;
};

/* Zeroed by the simulator before init() and after a crash. */
struct state {
    int64_t next_token;   /* server */
    int32_t holder;       /* server: -1 = free */
    int64_t highest;      /* storage: TODO */
};

static int node_configure(const struct dslab_scenario *s, void **config_out, struct dslab_diag *diag) {
    static const char *const known[] = {"lease", "work", "think", "writes", NULL};
    struct config *c = calloc(1, sizeof *c);
    if (!c) return dslab_diag_set(diag, s->path, 0, 0, "out of memory");
    if (dslab_param_reject_unknown(s, known, diag) != 0 ||
        dslab_param_duration_ns(s, "lease", 1000000000, &c->lease_ns, diag) != 0 ||
        dslab_param_duration_ns(s, "work", 100000000, &c->work_ns, diag) != 0 ||
        dslab_param_duration_ns(s, "think", 200000000, &c->think_ns, diag) != 0 ||
        dslab_param_int(s, "writes", 3, 1, 1000, &c->writes, diag) != 0) {
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
    struct state *st = state;
    st->holder = -1;
    /* TODO: the server: what must survive a restart, and what must it not
     * do right after one? The storage: which token did it last accept? */
    if (dslab_ctx_self(ctx) >= 2) {
        /* TODO: a client starts by thinking, then asks the server. */
    }
}

static void node_on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *msg, size_t len) {
    (void)ctx, (void)state, (void)from, (void)msg, (void)len;
    /* TODO: acquire / grant / release / write / write-ack. */
}

static void node_on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t timer_id, uint64_t tag) {
    (void)ctx, (void)state, (void)timer_id, (void)tag;
    /* TODO: lease expiry at the server; think and work at a client. */
}

const struct dslab_protocol dslab_node_protocol = {
    .api_version = DSLAB_NODE_API_VERSION,
    .name = "my-lock",
    .summary = "lab 6: a lock service with fencing tokens",
    .state_size = sizeof(struct state),
    .configure = node_configure,
    .destroy_config = node_destroy_config,
    .init = node_init,
    .on_message = node_on_message,
    .on_timer = node_on_timer,
};
