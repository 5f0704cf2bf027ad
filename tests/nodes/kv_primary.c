/* kv_primary.c: a one-copy key-value register as learner node code,
 * written only against dslab/node.h (the e2e tests run the visualiser,
 * explore, report and the checkers on it: tests/e2e/plugin_tools.sh).
 *
 * The first node is the primary for its whole life: it reports role class
 * DSLAB_ROLE_LEADER in term 1 (dslab_ctx_report_role), the others DSLAB_ROLE_BACKUP. It
 * answers every client operation from its durable store, where it also
 * keeps the list of keys ever written, and at the end of the run reports
 * its final key values (dslab_ctx_report_final_state / dslab_ctx_report_final_value)
 * for no-lost-acknowledged-writes. The others redirect clients to it and
 * hear its heartbeats (a timer in local time). Parameters:
 *   sync: true|false (default true)   sync the store before answering a
 *        write; false is the deliberate bug: a restart that loses unsynced
 *        writes forgets acknowledged ones (explore finds it)
 *   heartbeat: duration (default 100ms) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/node.h"

struct config {
    bool sync;
    int64_t heartbeat_ns;
};

struct state {
    uint64_t heartbeats;  /* sent (primary) or heard (backup) */
    uint64_t ops;         /* answered by the primary */
};

struct msg {
    uint64_t seq;
};

#define KEYS_MAX 1024       /* distinct keys the primary keeps */
#define KEYS_STORE_KEY "keys" /* store key of the int64_t list of keys written */

static int configure(const struct dslab_scenario *s, void **config_out, struct dslab_diag *diag) {
    static const char *const known[] = {"sync", "heartbeat", NULL};
    if (dslab_param_reject_unknown(s, known, diag) != 0) return -1;
    struct config *c = calloc(1, sizeof *c);
    if (!c) return dslab_diag_set(diag, s->path, 0, 0, "out of memory");
    if (dslab_param_bool(s, "sync", true, &c->sync, diag) != 0 ||
        dslab_param_duration_ns(s, "heartbeat", 100000000, &c->heartbeat_ns, diag) != 0) {
        free(c);
        return -1;
    }
    if (c->heartbeat_ns < 1000000) {
        int rc = dslab_param_error_at(s, dslab_param_find(s, "heartbeat"), diag, "must be at least 1ms");
        free(c);
        return rc;
    }
    *config_out = c;
    return 0;
}

static void destroy_config(void *config) {
    free(config);
}

static void start(struct dslab_node_ctx *ctx) {
    if (dslab_ctx_self(ctx) != 0) {
        dslab_ctx_report_role(ctx, DSLAB_ROLE_BACKUP, 1, "backup");
        return;
    }
    const struct config *c = dslab_ctx_config(ctx);
    dslab_ctx_report_role(ctx, DSLAB_ROLE_LEADER, 1, "leader");
    dslab_ctx_set_timer(ctx, c->heartbeat_ns, 0);
}

static void init(struct dslab_node_ctx *ctx, void *state) {
    (void)state;
    start(ctx);
}

static void on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *data,
                       size_t len) {
    (void)ctx;
    (void)from;
    (void)data;
    (void)len;
    struct state *st = state;
    st->heartbeats++;
}

static void on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t timer_id, uint64_t tag) {
    (void)timer_id;
    (void)tag;
    struct state *st = state;
    const struct config *c = dslab_ctx_config(ctx);
    struct msg m = {.seq = ++st->heartbeats};
    for (int32_t n = 1; n < dslab_ctx_nodes_count(ctx); n++) dslab_ctx_send(ctx, n, &m, sizeof m);
    dslab_ctx_set_timer(ctx, c->heartbeat_ns, 0);
}

static int64_t load(struct dslab_node_ctx *ctx, const char *key) {
    const void *v = NULL;
    int64_t out = DSLAB_HISTORY_NIL;
    if (dslab_ctx_store_get(ctx, key, &v) == (long)sizeof out) memcpy(&out, v, sizeof out);
    return out;
}

/* The keys written so far, from the store: count, and up to KEYS_MAX in out. */
static int64_t load_keys(struct dslab_node_ctx *ctx, int64_t out[KEYS_MAX]) {
    const void *v = NULL;
    long n = dslab_ctx_store_get(ctx, KEYS_STORE_KEY, &v);
    if (n <= 0) return 0;
    int64_t count = n / (long)sizeof(int64_t);
    if (count > KEYS_MAX) count = KEYS_MAX;
    memcpy(out, v, (size_t)count * sizeof(int64_t));
    return count;
}

/* Adds key to the stored list (not synced here). -1 when full. */
static int remember_key(struct dslab_node_ctx *ctx, int64_t key) {
    int64_t keys[KEYS_MAX];
    int64_t count = load_keys(ctx, keys);
    for (int64_t i = 0; i < count; i++) {
        if (keys[i] == key) return 0;
    }
    if (count == KEYS_MAX) return -1;
    keys[count++] = key;
    return dslab_ctx_store_put(ctx, KEYS_STORE_KEY, keys, (size_t)count * sizeof(int64_t));
}

static void on_request(struct dslab_node_ctx *ctx, void *state, const struct dslab_client_request *req) {
    struct state *st = state;
    if (dslab_ctx_self(ctx) != 0) {
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_REDIRECT, 0);
        return;
    }
    const struct config *c = dslab_ctx_config(ctx);
    char key[32];
    snprintf(key, sizeof key, "k%lld", (long long)req->key);
    int64_t current = load(ctx, key);
    st->ops++;
    if (req->fn == DSLAB_OP_READ) {
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_OK, current);
        return;
    }
    if (req->fn == DSLAB_OP_CAS && current != req->expected) {
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_FAIL, 0);
        return;
    }
    if (req->fn != DSLAB_OP_WRITE && req->fn != DSLAB_OP_CAS) {
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_FAIL, 0);
        return;
    }
    if (remember_key(ctx, req->key) != 0 ||
        dslab_ctx_store_put(ctx, key, &req->value, sizeof req->value) != 0) {
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_FAIL, 0);
        return;
    }
    if (c->sync) dslab_ctx_store_sync(ctx);
    dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_OK, 0);
}

static void on_restart(struct dslab_node_ctx *ctx, void *state) {
    (void)state;
    start(ctx);
}

/* The primary's final values: one per key it holds. Backups hold no copy
 * and report nothing (no-lost-acknowledged-writes judges the leader). */
static void on_finish(struct dslab_node_ctx *ctx, void *state) {
    const struct state *st = state;
    if (dslab_ctx_self(ctx) != 0) return;
    int64_t keys[KEYS_MAX];
    int64_t count = load_keys(ctx, keys);
    dslab_ctx_report_final_state(ctx, count, "primary, %llu ops answered", (unsigned long long)st->ops);
    for (int64_t i = 0; i < count; i++) {
        char key[32];
        snprintf(key, sizeof key, "k%lld", (long long)keys[i]);
        dslab_ctx_report_final_value(ctx, keys[i], load(ctx, key));
    }
}

static void describe(const void *state, char *buf, size_t buf_size) {
    const struct state *st = state;
    snprintf(buf, buf_size, "heartbeats %llu, ops %llu", (unsigned long long)st->heartbeats,
             (unsigned long long)st->ops);
}

static void message_label(const void *data, size_t len, char *buf, size_t buf_size) {
    struct msg m = {0};
    if (len == sizeof m) memcpy(&m, data, sizeof m);
    snprintf(buf, buf_size, "heartbeat %llu", (unsigned long long)m.seq);
}

const struct dslab_protocol dslab_node_protocol = {
    .api_version = DSLAB_NODE_API_VERSION,
    .name = "kv-primary",
    .summary = "one primary answers from its durable store (test node code)",
    .state_size = sizeof(struct state),
    .configure = configure,
    .destroy_config = destroy_config,
    .init = init,
    .on_message = on_message,
    .on_timer = on_timer,
    .on_request = on_request,
    .on_restart = on_restart,
    .on_finish = on_finish,
    .describe = describe,
    .message_label = message_label,
};
