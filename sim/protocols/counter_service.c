/* counter_service.c: a counter behind frontends that retry: at-least-once
 * delivery meets a handler that is not idempotent.
 *
 * n1 is the server. It holds one counter per key (at most CS_KEYS_MAX
 * keys). A client's write of key K is "add one to K" (the value written is
 * ignored), answered with the new count; a read answers the count (0 for a
 * key never incremented); cas is refused. Applying an increment is the
 * effect that must happen exactly once per client operation.
 *
 * Every other node is a frontend: it forwards a client's request to n1 and
 * answers the client when n1 answers. When no answer comes within
 * `retry_after` it sends the same request again, up to `retries` times,
 * then answers "unknown" (it cannot tell a lost request from a lost
 * answer). This is at-least-once delivery: a duplicated message
 * (`network.duplicate`, a `link` fault), a lost or late answer (loss, a
 * one-way cut from n1, a slow n1) makes n1 see one operation twice, and
 * without deduplication it adds one twice.
 *
 * Idempotency keys: with `dedup_window` > 0, n1 remembers the id of every
 * increment it applied (the client and its operation number, the same for
 * every resend) for that long on its monotonic clock, and answers a repeat
 * within the window from the record without applying it again. A repeat
 * after the window, or after the record was evicted (more than
 * CS_DEDUP_MAX remembered at once), is applied again. The records live in
 * memory: a crash of n1 loses them and the counters (this protocol is not
 * about durability).
 *
 * Annotations: "apply" (n1; value = the new count), "dedup" (n1; a repeat
 * answered from the record), "evict" (n1; a record dropped early because
 * the table was full), "retry" (frontend; value = the attempt), "gave-up"
 * (frontend). Final state: n1 reports one final value per counter.
 * Knobs and limits: docs/PROTOCOLS.md (counter-service). */
#include <stdio.h>
#include <string.h>

#include "dslab/history.h"
#include "dslab/node.h"
#include "dslab/time.h"
#include "protocols/proto_util.h"

#define CS_KEYS_MAX 64        /* distinct counters n1 holds */
#define CS_PENDING_MAX 64     /* requests a frontend forwards at once */
#define CS_DEDUP_MAX 1024     /* increment ids n1 remembers at once */
#define CS_RETRIES_MAX 100

enum cs_msg_type { MSG_APPLY, MSG_DONE };
enum cs_fn { FN_READ, FN_INCREMENT };

struct cs_config {
    int64_t retry_after_ns;
    int64_t retries;
    int64_t dedup_window_ns; /* 0: no deduplication */
};

/* The one message both ways: APPLY frontend -> n1, DONE n1 -> frontend. */
struct cs_msg {
    uint8_t type;
    uint8_t fn;
    uint8_t attempt;
    uint8_t pad;
    int32_t client;
    uint64_t serial; /* with client: the idempotency key */
    int64_t key;
    uint32_t slot;   /* the frontend's slot and generation, echoed back */
    uint32_t gen;
    int64_t count;   /* DONE: the counter after the operation */
};

struct cs_record {
    int32_t client;
    uint64_t serial;
    int64_t count;
    int64_t at_mono_ns;
};

struct cs_counter {
    bool used;
    int64_t key;
    int64_t count;
};

struct cs_server {
    struct cs_counter counters[CS_KEYS_MAX];
    struct cs_record ring[CS_DEDUP_MAX]; /* oldest at head */
    int32_t head, len;
    int64_t applied, deduplicated, evicted;
};

struct cs_pending {
    bool used;
    uint32_t gen;
    uint64_t request_id;
    int32_t client;
    uint64_t serial;
    uint8_t fn;
    uint8_t attempt;
    int64_t key;
};

struct cs_frontend {
    struct cs_pending pending[CS_PENDING_MAX];
    uint32_t next_gen;
    int64_t forwarded, resent, gave_up;
};

struct cs_state {
    bool server;
    union {
        struct cs_server s;
        struct cs_frontend f;
    } u;
};

static const char *const cs_known[] = {"retry_after", "retries", "dedup_window", NULL};

static int cs_configure(const struct dslab_scenario *s, void **config_out, struct dslab_diag *diag) {
    struct cs_config c;
    memset(&c, 0, sizeof c);
    if (dslab_param_reject_unknown(s, cs_known, diag) != 0 ||
        dslab_param_duration_ns(s, "retry_after", 100 * DSLAB_NS_PER_MS, &c.retry_after_ns, diag) != 0 ||
        dslab_param_int(s, "retries", 3, 0, CS_RETRIES_MAX, &c.retries, diag) != 0 ||
        dslab_param_duration_ns(s, "dedup_window", 0, &c.dedup_window_ns, diag) != 0) {
        return -1;
    }
    if (c.retry_after_ns <= 0) {
        return proto_param_error(s, "retry_after", diag, "counter-service: retry_after must be > 0");
    }
    if (s->nodes_count < 2) {
        return proto_error(s, diag, "counter-service needs 2+ nodes: n1 counts, the others forward");
    }
    return proto_config_keep(s, &c, sizeof c, config_out, diag);
}

static const struct cs_config *cfg(const struct dslab_node_ctx *ctx) {
    return dslab_ctx_config(ctx);
}

/* --- server ----------------------------------------------------------------- */

static struct cs_counter *counter_of(struct cs_server *sv, int64_t key, bool create) {
    for (int i = 0; i < CS_KEYS_MAX; i++) {
        if (sv->counters[i].used && sv->counters[i].key == key) return &sv->counters[i];
    }
    if (!create) return NULL;
    for (int i = 0; i < CS_KEYS_MAX; i++) {
        if (!sv->counters[i].used) {
            sv->counters[i] = (struct cs_counter){.used = true, .key = key, .count = 0};
            return &sv->counters[i];
        }
    }
    return NULL;
}

/* Drops the records older than the window (the ring is in arrival order,
 * and n1's monotonic clock never goes back). */
static void dedup_expire(struct dslab_node_ctx *ctx, struct cs_server *sv) {
    int64_t now = dslab_ctx_mono_ns(ctx);
    while (sv->len > 0 && now - sv->ring[sv->head].at_mono_ns > cfg(ctx)->dedup_window_ns) {
        sv->head = (sv->head + 1) % CS_DEDUP_MAX;
        sv->len--;
    }
}

static const struct cs_record *dedup_find(const struct cs_server *sv, int32_t client, uint64_t serial) {
    for (int32_t i = 0; i < sv->len; i++) {
        const struct cs_record *r = &sv->ring[(sv->head + i) % CS_DEDUP_MAX];
        if (r->client == client && r->serial == serial) return r;
    }
    return NULL;
}

static void dedup_remember(struct dslab_node_ctx *ctx, struct cs_server *sv, int32_t client, uint64_t serial,
                           int64_t count) {
    if (sv->len == CS_DEDUP_MAX) {
        const struct cs_record *old = &sv->ring[sv->head];
        dslab_ctx_annotate(ctx, "evict", old->count, "table full: forgot client %d op %llu early",
                           (int)old->client, (unsigned long long)old->serial);
        sv->head = (sv->head + 1) % CS_DEDUP_MAX;
        sv->len--;
        sv->evicted++;
    }
    sv->ring[(sv->head + sv->len) % CS_DEDUP_MAX] =
        (struct cs_record){.client = client, .serial = serial, .count = count, .at_mono_ns = dslab_ctx_mono_ns(ctx)};
    sv->len++;
}

/* Runs one operation at n1; returns false when n1 cannot hold the key.
 * *count is the counter after it. */
static bool server_apply(struct dslab_node_ctx *ctx, struct cs_server *sv, uint8_t fn, int32_t client,
                         uint64_t serial, int64_t key, int attempt, int64_t *count) {
    if (fn == FN_READ) {
        const struct cs_counter *c = counter_of(sv, key, false);
        *count = c ? c->count : 0;
        return true;
    }
    bool dedup = cfg(ctx)->dedup_window_ns > 0;
    if (dedup) {
        dedup_expire(ctx, sv);
        const struct cs_record *r = dedup_find(sv, client, serial);
        if (r) {
            *count = r->count;
            sv->deduplicated++;
            dslab_ctx_annotate(ctx, "dedup", r->count, "k%lld: client %d op %llu already applied; not again",
                               (long long)key, (int)client, (unsigned long long)serial);
            return true;
        }
    }
    struct cs_counter *c = counter_of(sv, key, true);
    if (!c) return false;
    c->count++;
    sv->applied++;
    *count = c->count;
    dslab_ctx_annotate(ctx, "apply", c->count, "k%lld +1 = %lld (client %d op %llu, attempt %d)", (long long)key,
                       (long long)c->count, (int)client, (unsigned long long)serial, attempt);
    if (dedup) dedup_remember(ctx, sv, client, serial, c->count);
    return true;
}

static void server_on_message(struct dslab_node_ctx *ctx, struct cs_server *sv, int32_t from,
                              const struct cs_msg *m) {
    if (m->type != MSG_APPLY || m->fn > FN_INCREMENT) return;
    struct cs_msg r = *m;
    r.type = MSG_DONE;
    if (!server_apply(ctx, sv, m->fn, m->client, m->serial, m->key, m->attempt, &r.count)) return;
    dslab_ctx_send(ctx, from, &r, sizeof r);
}

/* --- frontend --------------------------------------------------------------- */

static void send_attempt(struct dslab_node_ctx *ctx, struct cs_frontend *fe, uint32_t slot) {
    struct cs_pending *p = &fe->pending[slot];
    p->attempt++;
    struct cs_msg m = {.type = MSG_APPLY, .fn = p->fn, .attempt = p->attempt, .client = p->client,
                       .serial = p->serial, .key = p->key, .slot = slot, .gen = p->gen};
    dslab_ctx_send(ctx, 0, &m, sizeof m);
    dslab_ctx_set_timer(ctx, cfg(ctx)->retry_after_ns, ((uint64_t)p->gen << 16) | slot);
}

static void frontend_on_request(struct dslab_node_ctx *ctx, struct cs_frontend *fe,
                                const struct dslab_client_request *req) {
    for (uint32_t i = 0; i < CS_PENDING_MAX; i++) {
        if (fe->pending[i].used) continue;
        fe->pending[i] = (struct cs_pending){.used = true, .gen = ++fe->next_gen, .request_id = req->request_id,
                                             .client = req->client, .serial = req->serial,
                                             .fn = req->fn == DSLAB_OP_READ ? FN_READ : FN_INCREMENT,
                                             .key = req->key};
        fe->forwarded++;
        send_attempt(ctx, fe, i);
        return;
    }
    dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_FAIL, 0); /* saturated: nothing was sent */
}

static void frontend_on_timer(struct dslab_node_ctx *ctx, struct cs_frontend *fe, uint64_t tag) {
    uint32_t slot = (uint32_t)(tag & 0xffff), gen = (uint32_t)(tag >> 16);
    if (slot >= CS_PENDING_MAX) return;
    struct cs_pending *p = &fe->pending[slot];
    if (!p->used || p->gen != gen) return;
    if (p->attempt > cfg(ctx)->retries) {
        fe->gave_up++;
        dslab_ctx_annotate(ctx, "gave-up", p->attempt, "client %d op %llu: no answer after %d attempts",
                           (int)p->client, (unsigned long long)p->serial, (int)p->attempt);
        /* Applied zero, one or more times: the frontend cannot tell. */
        dslab_ctx_reply(ctx, p->request_id, p->fn == FN_READ ? DSLAB_REPLY_FAIL : DSLAB_REPLY_UNKNOWN, -1);
        p->used = false;
        return;
    }
    fe->resent++;
    dslab_ctx_annotate(ctx, "retry", p->attempt + 1, "client %d op %llu: no answer in time, sending again",
                       (int)p->client, (unsigned long long)p->serial);
    send_attempt(ctx, fe, slot);
}

static void frontend_on_message(struct dslab_node_ctx *ctx, struct cs_frontend *fe, const struct cs_msg *m) {
    if (m->type != MSG_DONE || m->slot >= CS_PENDING_MAX) return;
    struct cs_pending *p = &fe->pending[m->slot];
    if (!p->used || p->gen != m->gen) return; /* answered already: a late or duplicated answer */
    dslab_ctx_reply(ctx, p->request_id, DSLAB_REPLY_OK, m->count);
    p->used = false;
}

/* --- vtable ------------------------------------------------------------------ */

static void cs_init(struct dslab_node_ctx *ctx, void *state) {
    struct cs_state *st = state;
    st->server = dslab_ctx_self(ctx) == 0;
    dslab_ctx_report_role(ctx, DSLAB_ROLE_OTHER, 0, "%s", st->server ? "server" : "frontend");
}

static void cs_on_request(struct dslab_node_ctx *ctx, void *state, const struct dslab_client_request *req) {
    struct cs_state *st = state;
    if (req->fn != DSLAB_OP_READ && req->fn != DSLAB_OP_WRITE) {
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_FAIL, 0); /* a counter has no compare-and-set */
        return;
    }
    if (!st->server) {
        frontend_on_request(ctx, &st->u.f, req);
        return;
    }
    int64_t count = 0;
    uint8_t fn = req->fn == DSLAB_OP_READ ? FN_READ : FN_INCREMENT;
    if (server_apply(ctx, &st->u.s, fn, req->client, req->serial, req->key, 1, &count)) {
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_OK, count);
    } else {
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_FAIL, 0); /* no room for another counter */
    }
}

static void cs_on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *msg, size_t len) {
    struct cs_state *st = state;
    struct cs_msg m;
    if (!proto_msg_fixed(&m, sizeof m, msg, len)) return;
    if (st->server) server_on_message(ctx, &st->u.s, from, &m);
    else if (from == 0) frontend_on_message(ctx, &st->u.f, &m);
}

static void cs_on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t timer_id, uint64_t tag) {
    (void)timer_id;
    struct cs_state *st = state;
    if (!st->server) frontend_on_timer(ctx, &st->u.f, tag);
}

/* A crash zeroed the state block: n1 starts with no counters and no records. */
static void cs_on_restart(struct dslab_node_ctx *ctx, void *state) {
    cs_init(ctx, state);
}

static void cs_on_finish(struct dslab_node_ctx *ctx, void *state) {
    struct cs_state *st = state;
    if (!st->server) return;
    const struct cs_server *sv = &st->u.s;
    int64_t keys = 0;
    for (int i = 0; i < CS_KEYS_MAX; i++) keys += sv->counters[i].used;
    dslab_ctx_report_final_state(ctx, keys, "server applied=%lld deduplicated=%lld", (long long)sv->applied,
                                 (long long)sv->deduplicated);
    for (int i = 0; i < CS_KEYS_MAX; i++) {
        if (sv->counters[i].used) dslab_ctx_report_final_value(ctx, sv->counters[i].key, sv->counters[i].count);
    }
}

static void cs_describe(const void *state, char *buf, size_t buf_size) {
    const struct cs_state *st = state;
    if (st->server) {
        snprintf(buf, buf_size, "server: %lld applied, %lld deduplicated, %d remembered",
                 (long long)st->u.s.applied, (long long)st->u.s.deduplicated, (int)st->u.s.len);
    } else {
        snprintf(buf, buf_size, "frontend: %lld forwarded, %lld resent, %lld gave up", (long long)st->u.f.forwarded,
                 (long long)st->u.f.resent, (long long)st->u.f.gave_up);
    }
}

static void cs_message_label(const void *msg, size_t len, char *buf, size_t buf_size) {
    struct cs_msg m;
    if (len != sizeof m) {
        snprintf(buf, buf_size, "?");
        return;
    }
    memcpy(&m, msg, sizeof m);
    const char *fn = m.fn == FN_READ ? "read" : "incr";
    if (m.type == MSG_APPLY) {
        snprintf(buf, buf_size, "%s k%lld c%d/%llu #%d", fn, (long long)m.key, (int)m.client,
                 (unsigned long long)m.serial, (int)m.attempt);
    } else if (m.type == MSG_DONE) {
        snprintf(buf, buf_size, "done k%lld = %lld c%d/%llu #%d", (long long)m.key, (long long)m.count,
                 (int)m.client, (unsigned long long)m.serial, (int)m.attempt);
    } else {
        snprintf(buf, buf_size, "?");
    }
}

const struct dslab_protocol protocol_counter_service = {
    .name = "counter-service",
    .summary = "n1 counts increments; frontends forward and retry (at-least-once; dedup_window = idempotency keys)",
    .state_size = sizeof(struct cs_state),
    .configure = cs_configure,
    .destroy_config = proto_config_free,
    .init = cs_init,
    .on_message = cs_on_message,
    .on_timer = cs_on_timer,
    .on_request = cs_on_request,
    .on_restart = cs_on_restart,
    .on_finish = cs_on_finish,
    .describe = cs_describe,
    .message_label = cs_message_label,
};
