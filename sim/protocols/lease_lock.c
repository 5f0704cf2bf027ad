/* lease_lock.c: a lock service that grants leases, clients that hold the
 * lock while they write to a storage service, and (optionally) fencing
 * tokens checked by the storage. After Kleppmann, "How to do distributed
 * locking" (2016): a lease is a promise measured on clocks, and a process
 * pause or a drifting clock makes a holder keep acting on a promise that
 * has run out while the server has already granted the lock to someone else.
 *
 * Roles: `server` (default the first node) grants leases, `storage`
 * (default the second) stores writes, every other node is a client:
 *
 *   client: think --ACQUIRE--> server          (resent every `retry`)
 *           <--GRANT(token, remaining)--       lease ends at send time +
 *                                              remaining - margin (own clock)
 *     loop: check the lease has `work` left   -- no --> RELEASE (or "expired"
 *           work (a timer of `work`)                     if it already ran out)
 *           WRITE(token) --> storage           (no second check: it just did)
 *           wait for the answer (or `retry`,   rejected --> "expired", think
 *             or the lease's end if sooner)
 *     after `writes` writes: RELEASE, think, again
 *
 *   server: grants to one client at a time for `lease` of its own monotonic
 *           clock; on expiry or release, to the next waiting client (round
 *           robin). Tokens grow by one per grant and are synced before the
 *           grant leaves; after a restart it grants nothing for one lease,
 *           since it forgot who held the lock.
 *   storage: fencing on: rejects a write whose token is below the highest
 *           it has accepted (durable). Fencing off: accepts everything (the
 *           token is then only the lease's id, for the checkers).
 *
 * A pause between the check and the write (DSLAB_FAULT_PAUSE) or a slow clock
 * lets a client write after its lease ended. Annotations the checkers read
 * (mutual-exclusion): "lock" on clients, text "acquired" / "released" /
 * "expired", value = token; "lease" on the server, "granted <node> for
 * <lease>ns" /
 * "released" / "expired", value = token; "storage" on the storage node,
 * "accepted ..." / "rejected ...", value = token. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/assert.h"
#include "dslab/bits.h"
#include "dslab/node.h"
#include "dslab/suggest.h"
#include "dslab/time.h"
#include "protocols/proto_util.h"

/* Waiting clients are a bit mask. */
#define LL_NODES_MAX DSLAB_BITS_NODES_MAX

struct ll_config {
    int32_t server;
    int32_t storage;
    int64_t lease_ns;
    int64_t margin_ns;
    int64_t work_ns;
    int64_t think_ns;
    int64_t retry_ns;
    int64_t writes;
    bool fencing;
};

enum ll_msg_type { LL_ACQUIRE = 1, LL_GRANT, LL_RELEASE, LL_WRITE, LL_WRITE_ACK };

struct ll_msg {
    uint8_t type;
    uint8_t accepted; /* WRITE_ACK */
    uint8_t reserved[6];
    uint64_t attempt;     /* ACQUIRE, GRANT */
    int64_t token;        /* GRANT, RELEASE, WRITE, WRITE_ACK */
    int64_t remaining_ns; /* GRANT: lease left on the server's clock */
    int64_t value;        /* WRITE, WRITE_ACK */
};

enum ll_timer_tag {
    LL_TIMER_THINK = 1,  /* client: time to acquire */
    LL_TIMER_RETRY,      /* client: acquire unanswered; tag also carries the attempt */
    LL_TIMER_WORK,       /* client: work done, write; tag also carries the token */
    LL_TIMER_ACK,        /* client: storage silent; tag also carries the write's value */
    LL_TIMER_EXPIRE,     /* server: lease over; tag also carries the token */
    LL_TIMER_QUIET,      /* server: the post-restart wait is over */
};

enum ll_client_phase { LL_IDLE, LL_ACQUIRING, LL_HOLDING };

enum ll_role { LL_ROLE_SERVER, LL_ROLE_STORAGE, LL_ROLE_CLIENT };

struct ll_state {
    int32_t self;
    int32_t nodes_count;
    enum ll_role role;
    int64_t writes_max; /* the config's, for describe() */
    /* server */
    int64_t next_token; /* durable */
    int32_t holder;     /* -1 = free */
    int32_t last_holder;
    int64_t holder_token;
    uint64_t waiting;   /* clients waiting for the lock */
    uint64_t attempt_of[LL_NODES_MAX];
    int64_t quiet_until_mono_ns;
    int64_t expiry_mono_ns;
    uint64_t expire_timer;
    int64_t grants;
    /* client */
    enum ll_client_phase phase;
    uint64_t attempt;
    int64_t sent_mono_ns;
    int64_t token;
    int64_t lease_end_mono_ns;
    int64_t writes_done;
    int64_t awaiting_value; /* the write waiting for the storage's answer, 0 = none */
    uint64_t retry_timer;
    int64_t leases_held;
    /* storage */
    int64_t highest_token; /* durable */
    int64_t last_value;
    int64_t accepted, rejected;
};

static uint64_t tag_of(enum ll_timer_tag kind, uint64_t arg) {
    return (uint64_t)kind | arg << 8;
}

/* --- configuration ------------------------------------------------------------ */

static const char *const ll_known_params[] = {
    "server", "storage", "lease", "margin", "work", "think", "retry", "writes", "fencing", NULL,
};

static int param_node(const struct dslab_scenario *s, const char *key, int32_t default_node,
                      int32_t *out, struct dslab_diag *diag) {
    const struct dslab_scenario_param *p = dslab_param_find(s, key);
    *out = default_node;
    if (!p) return 0;
    *out = dslab_scenario_node_index(s, p->value);
    if (*out >= 0) return 0;
    const char *names[DSLAB_PARAMS_MAX];
    int count = 0;
    for (int32_t i = 0; i < s->nodes_count && count < DSLAB_PARAMS_MAX; i++) {
        names[count++] = s->node_names[i];
    }
    const char *near = dslab_suggest_nearest(p->value, names, count);
    char message[160];
    snprintf(message, sizeof message, "protocol parameter '%s': unknown node '%s'%s%s%s", key,
             p->value, near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
    return proto_param_error(s, key, diag, message);
}

static int ll_configure(const struct dslab_scenario *s, void **config_out, struct dslab_diag *diag) {
    struct ll_config c;
    memset(&c, 0, sizeof c);
    if (s->nodes_count < 3 || s->nodes_count > LL_NODES_MAX) {
        return proto_error(s, diag, "lease-lock needs 3 to %d nodes (a server, a storage node and "
                                    "clients); the scenario has %d",
                                    LL_NODES_MAX, (int)s->nodes_count);
    }
    if (dslab_param_reject_unknown(s, ll_known_params, diag) != 0 ||
        param_node(s, "server", 0, &c.server, diag) != 0 ||
        param_node(s, "storage", 1, &c.storage, diag) != 0 ||
        dslab_param_duration_ns(s, "lease", DSLAB_NS_PER_S, &c.lease_ns, diag) != 0 ||
        dslab_param_duration_ns(s, "margin", 0, &c.margin_ns, diag) != 0 ||
        dslab_param_duration_ns(s, "work", 100 * DSLAB_NS_PER_MS, &c.work_ns, diag) != 0 ||
        dslab_param_duration_ns(s, "think", 200 * DSLAB_NS_PER_MS, &c.think_ns, diag) != 0 ||
        dslab_param_duration_ns(s, "retry", 300 * DSLAB_NS_PER_MS, &c.retry_ns, diag) != 0 ||
        dslab_param_int(s, "writes", 3, 1, 1000000, &c.writes, diag) != 0 ||
        dslab_param_bool(s, "fencing", false, &c.fencing, diag) != 0) {
        return -1;
    }
    if (c.server == c.storage) {
        return proto_param_error(s, "storage", diag, "the storage node must not be the server");
    }
    if (c.lease_ns <= 0) return proto_param_error(s, "lease", diag, "lease must be > 0");
    if (c.margin_ns >= c.lease_ns) {
        return proto_param_error(s, "margin", diag, "margin must be shorter than the lease");
    }
    if (c.work_ns <= 0) return proto_param_error(s, "work", diag, "work must be > 0");
    if (c.retry_ns <= 0) return proto_param_error(s, "retry", diag, "retry must be > 0");
    return proto_config_keep(s, &c, sizeof c, config_out, diag);
}

static void send_msg(struct dslab_node_ctx *ctx, int32_t to, struct ll_msg *m) {
    dslab_ctx_send(ctx, to, m, sizeof *m);
}

/* --- the lock server --------------------------------------------------------- */

static void grant(struct dslab_node_ctx *ctx, struct ll_state *s, int32_t client) {
    const struct ll_config *c = dslab_ctx_config(ctx);
    s->holder = client;
    s->last_holder = client;
    /* Fencing tokens strictly increase, across crashes too: the new one is
     * above the last one made durable. */
    const void *p;
    int64_t durable = 0;
    if (dslab_ctx_store_get(ctx, "token", &p) == (long)sizeof durable) memcpy(&durable, p, sizeof durable);
    DSLAB_ASSERT(s->next_token >= durable && s->next_token < INT64_MAX);
    s->holder_token = ++s->next_token;
    s->grants++;
    s->waiting &= ~dslab_bits_of(client);
    dslab_ctx_store_put(ctx, "token", &s->next_token, sizeof s->next_token);
    dslab_ctx_store_sync(ctx); /* a token is never handed out twice, even across a crash */
    s->expiry_mono_ns = dslab_ctx_mono_ns(ctx) + c->lease_ns;
    s->expire_timer = dslab_ctx_set_timer(ctx, c->lease_ns, tag_of(LL_TIMER_EXPIRE,
                                                             (uint64_t)s->holder_token));
    dslab_ctx_annotate(ctx, "lease", s->holder_token, "granted %s for %lldns", dslab_ctx_node_name(ctx, client),
                 (long long)c->lease_ns);
    struct ll_msg m = {.type = LL_GRANT, .attempt = s->attempt_of[client],
                       .token = s->holder_token, .remaining_ns = c->lease_ns};
    send_msg(ctx, client, &m);
}

static void grant_next(struct dslab_node_ctx *ctx, struct ll_state *s) {
    if (s->holder >= 0 || s->waiting == 0) return;
    if (dslab_ctx_mono_ns(ctx) < s->quiet_until_mono_ns) return; /* the QUIET timer retries */
    for (int32_t i = 1; i <= s->nodes_count; i++) {
        int32_t client = (s->last_holder + i) % s->nodes_count;
        if (s->waiting >> client & 1u) {
            grant(ctx, s, client);
            return;
        }
    }
}

static void server_on_acquire(struct dslab_node_ctx *ctx, struct ll_state *s, int32_t from,
                              const struct ll_msg *m) {
    s->attempt_of[from] = m->attempt;
    if (s->holder == from) { /* the grant was lost or is late: say again what is left */
        struct ll_msg g = {.type = LL_GRANT, .attempt = m->attempt, .token = s->holder_token,
                           .remaining_ns = s->expiry_mono_ns - dslab_ctx_mono_ns(ctx)};
        send_msg(ctx, from, &g);
        return;
    }
    s->waiting |= dslab_bits_of(from);
    grant_next(ctx, s);
}

static void server_end_lease(struct dslab_node_ctx *ctx, struct ll_state *s, const char *why) {
    dslab_ctx_annotate(ctx, "lease", s->holder_token, "%s", why);
    dslab_ctx_cancel_timer(ctx, s->expire_timer);
    s->holder = -1;
    grant_next(ctx, s);
}

/* --- the clients ----------------------------------------------------------------- */

static void client_think(struct dslab_node_ctx *ctx, struct ll_state *s) {
    const struct ll_config *c = dslab_ctx_config(ctx);
    s->phase = LL_IDLE;
    int64_t delay_ns = dslab_rng_range_i64(dslab_ctx_rng(ctx), c->think_ns / 2, c->think_ns / 2 * 3);
    dslab_ctx_set_timer(ctx, delay_ns, LL_TIMER_THINK);
}

static void client_send_acquire(struct dslab_node_ctx *ctx, struct ll_state *s) {
    const struct ll_config *c = dslab_ctx_config(ctx);
    s->phase = LL_ACQUIRING;
    s->attempt++;
    s->sent_mono_ns = dslab_ctx_mono_ns(ctx); /* the lease can't have started before this */
    struct ll_msg m = {.type = LL_ACQUIRE, .attempt = s->attempt};
    send_msg(ctx, c->server, &m);
    s->retry_timer = dslab_ctx_set_timer(ctx, c->retry_ns, tag_of(LL_TIMER_RETRY, s->attempt));
}

static void client_release(struct dslab_node_ctx *ctx, struct ll_state *s) {
    const struct ll_config *c = dslab_ctx_config(ctx);
    dslab_ctx_annotate(ctx, "lock", s->token, "released");
    struct ll_msg m = {.type = LL_RELEASE, .token = s->token};
    send_msg(ctx, c->server, &m);
    client_think(ctx, s);
}

/* The check before each piece of work: is there enough lease left for it? */
static void client_step(struct dslab_node_ctx *ctx, struct ll_state *s) {
    const struct ll_config *c = dslab_ctx_config(ctx);
    int64_t now_ns = dslab_ctx_mono_ns(ctx);
    if (now_ns >= s->lease_end_mono_ns) {
        dslab_ctx_annotate(ctx, "lock", s->token, "expired");
        client_think(ctx, s);
    } else if (s->writes_done >= c->writes || now_ns + c->work_ns > s->lease_end_mono_ns) {
        client_release(ctx, s);
    } else {
        dslab_ctx_set_timer(ctx, c->work_ns, tag_of(LL_TIMER_WORK, (uint64_t)s->token));
    }
}

/* Work done: write what it computed. No second check, it just checked.
 * The next check waits for the storage's answer (or `retry` without one),
 * so a release never overtakes the holder's own last write; but never past
 * the lease's end on its own clock: a holder whose lease runs out while it
 * waits says "expired" then, not when the answer or `retry` comes (its
 * belief must end with its lease; a late answer is then ignored). */
static void client_write(struct dslab_node_ctx *ctx, struct ll_state *s) {
    const struct ll_config *c = dslab_ctx_config(ctx);
    s->writes_done++;
    struct ll_msg m = {.type = LL_WRITE, .token = s->token,
                       .value = (int64_t)(s->self + 1) * 1000000 + s->token * 100 + s->writes_done};
    send_msg(ctx, c->storage, &m);
    s->awaiting_value = m.value;
    int64_t wait_ns = c->retry_ns, left_ns = s->lease_end_mono_ns - dslab_ctx_mono_ns(ctx);
    if (left_ns < wait_ns) wait_ns = left_ns > 0 ? left_ns : 0;
    dslab_ctx_set_timer(ctx, wait_ns, tag_of(LL_TIMER_ACK, (uint64_t)m.value));
}

static void client_on_grant(struct dslab_node_ctx *ctx, struct ll_state *s, const struct ll_msg *m) {
    const struct ll_config *c = dslab_ctx_config(ctx);
    if (s->phase != LL_ACQUIRING || m->attempt != s->attempt) return;
    dslab_ctx_cancel_timer(ctx, s->retry_timer);
    s->token = m->token;
    s->lease_end_mono_ns = s->sent_mono_ns + m->remaining_ns - c->margin_ns;
    if (dslab_ctx_mono_ns(ctx) >= s->lease_end_mono_ns) { /* arrived too late to be of use */
        struct ll_msg r = {.type = LL_RELEASE, .token = m->token};
        send_msg(ctx, c->server, &r);
        client_think(ctx, s);
        return;
    }
    s->phase = LL_HOLDING;
    s->writes_done = 0;
    s->awaiting_value = 0;
    s->leases_held++;
    dslab_ctx_annotate(ctx, "lock", s->token, "acquired");
    client_step(ctx, s);
}

static void client_on_write_ack(struct dslab_node_ctx *ctx, struct ll_state *s, const struct ll_msg *m) {
    bool current = s->phase == LL_HOLDING && m->token == s->token;
    if (current && m->value == s->awaiting_value) s->awaiting_value = 0;
    if (m->accepted) {
        if (current && s->awaiting_value == 0) client_step(ctx, s);
        return;
    }
    dslab_ctx_annotate(ctx, "fence", m->token, "storage rejected token %lld: the lock has moved on",
                 (long long)m->token);
    if (!current) return;
    dslab_ctx_annotate(ctx, "lock", s->token, "expired");
    client_think(ctx, s);
}

/* --- the storage ------------------------------------------------------------------- */

static void storage_on_write(struct dslab_node_ctx *ctx, struct ll_state *s, int32_t from,
                             const struct ll_msg *m) {
    const struct ll_config *c = dslab_ctx_config(ctx);
    struct ll_msg ack = {.type = LL_WRITE_ACK, .token = m->token, .value = m->value};
    if (c->fencing && m->token < s->highest_token) {
        s->rejected++;
        dslab_ctx_annotate(ctx, "storage", m->token, "rejected v=%lld from %s (token %lld < %lld)",
                     (long long)m->value, dslab_ctx_node_name(ctx, from), (long long)m->token,
                     (long long)s->highest_token);
    } else {
        /* With fencing, the storage never accepts a token below one it
         * accepted (fencing tokens only grow at the storage). */
        DSLAB_ASSERT(!c->fencing || m->token >= s->highest_token);
        s->accepted++;
        ack.accepted = 1;
        if (m->token > s->highest_token) s->highest_token = m->token;
        s->last_value = m->value;
        dslab_ctx_store_put(ctx, "highest", &s->highest_token, sizeof s->highest_token);
        dslab_ctx_store_put(ctx, "value", &s->last_value, sizeof s->last_value);
        dslab_ctx_store_sync(ctx);
        dslab_ctx_annotate(ctx, "storage", m->token, "accepted v=%lld from %s", (long long)m->value,
                     dslab_ctx_node_name(ctx, from));
    }
    send_msg(ctx, from, &ack);
}

/* --- vtable -------------------------------------------------------------------------- */

static void ll_init(struct dslab_node_ctx *ctx, void *state) {
    struct ll_state *s = state;
    const struct ll_config *c = dslab_ctx_config(ctx);
    s->self = dslab_ctx_self(ctx);
    s->nodes_count = dslab_ctx_nodes_count(ctx);
    s->holder = -1;
    s->last_holder = c->server;
    s->writes_max = c->writes;
    s->role = s->self == c->server    ? LL_ROLE_SERVER
              : s->self == c->storage ? LL_ROLE_STORAGE
                                      : LL_ROLE_CLIENT;
    const void *p;
    if (s->self == c->server) {
        bool restarted = dslab_ctx_store_get(ctx, "token", &p) == (long)sizeof s->next_token;
        if (restarted) {
            memcpy(&s->next_token, p, sizeof s->next_token);
            s->quiet_until_mono_ns = dslab_ctx_mono_ns(ctx) + c->lease_ns;
            dslab_ctx_set_timer(ctx, c->lease_ns, LL_TIMER_QUIET);
        }
        dslab_ctx_report_role(ctx, DSLAB_ROLE_OTHER, s->next_token, "lock-server%s",
                        restarted ? " (restarted: no grants for one lease)" : "");
    } else if (s->self == c->storage) {
        if (dslab_ctx_store_get(ctx, "highest", &p) == (long)sizeof s->highest_token) {
            memcpy(&s->highest_token, p, sizeof s->highest_token);
        }
        dslab_ctx_report_role(ctx, DSLAB_ROLE_OTHER, s->highest_token, "storage");
    } else {
        dslab_ctx_report_role(ctx, DSLAB_ROLE_OTHER, 0, "client");
        client_think(ctx, s);
    }
}

static void ll_on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *msg,
                          size_t len) {
    struct ll_state *s = state;
    const struct ll_config *c = dslab_ctx_config(ctx);
    struct ll_msg m;
    if (len != sizeof m || from < 0 || from >= s->nodes_count) return;
    memcpy(&m, msg, sizeof m);
    if (s->self == c->server) {
        if (m.type == LL_ACQUIRE && from != c->storage) server_on_acquire(ctx, s, from, &m);
        if (m.type == LL_RELEASE && s->holder == from && m.token == s->holder_token) {
            server_end_lease(ctx, s, "released");
        }
    } else if (s->self == c->storage) {
        if (m.type == LL_WRITE) storage_on_write(ctx, s, from, &m);
    } else if (from == c->server && m.type == LL_GRANT) {
        client_on_grant(ctx, s, &m);
    } else if (from == c->storage && m.type == LL_WRITE_ACK) {
        client_on_write_ack(ctx, s, &m);
    }
}

static void ll_on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t timer_id, uint64_t tag) {
    (void)timer_id;
    struct ll_state *s = state;
    uint64_t arg = tag >> 8;
    switch ((enum ll_timer_tag)(tag & 0xff)) {
    case LL_TIMER_THINK:
        if (s->phase == LL_IDLE) client_send_acquire(ctx, s);
        break;
    case LL_TIMER_RETRY:
        if (s->phase == LL_ACQUIRING && arg == s->attempt) client_send_acquire(ctx, s);
        break;
    case LL_TIMER_WORK:
        if (s->phase == LL_HOLDING && (int64_t)arg == s->token) client_write(ctx, s);
        break;
    case LL_TIMER_ACK: /* no answer: go on as if accepted; the check decides */
        if (s->phase == LL_HOLDING && s->awaiting_value != 0 &&
            (int64_t)arg == s->awaiting_value) {
            s->awaiting_value = 0;
            client_step(ctx, s);
        }
        break;
    case LL_TIMER_EXPIRE:
        if (s->holder >= 0 && (int64_t)arg == s->holder_token) server_end_lease(ctx, s, "expired");
        break;
    case LL_TIMER_QUIET:
        grant_next(ctx, s);
        break;
    }
}

static void ll_describe(const void *state, char *buf, size_t buf_size) {
    const struct ll_state *s = state;
    static const char *const phases[] = {"idle", "acquiring", "holding"};
    switch (s->role) {
    case LL_ROLE_SERVER:
        snprintf(buf, buf_size, "lock server: %s token %lld, %d waiting",
                 s->holder >= 0 ? "held," : "free, last", (long long)s->next_token,
                 dslab_bits_count(s->waiting));
        break;
    case LL_ROLE_STORAGE:
        snprintf(buf, buf_size, "storage: highest token %lld, %lld accepted, %lld rejected",
                 (long long)s->highest_token, (long long)s->accepted, (long long)s->rejected);
        break;
    case LL_ROLE_CLIENT:
        snprintf(buf, buf_size, "client: %s token %lld, %lld/%lld writes, %lld leases",
                 phases[s->phase], (long long)s->token, (long long)s->writes_done,
                 (long long)s->writes_max, (long long)s->leases_held);
        break;
    }
}

static void ll_message_label(const void *msg, size_t len, char *buf, size_t buf_size) {
    struct ll_msg m;
    memset(&m, 0, sizeof m);
    memcpy(&m, msg, len < sizeof m ? len : sizeof m);
    switch ((enum ll_msg_type)m.type) {
    case LL_ACQUIRE:
        snprintf(buf, buf_size, "acquire #%llu", (unsigned long long)m.attempt);
        break;
    case LL_GRANT:
        snprintf(buf, buf_size, "grant token %lld for %lldms", (long long)m.token,
                 (long long)(m.remaining_ns / DSLAB_NS_PER_MS));
        break;
    case LL_RELEASE:
        snprintf(buf, buf_size, "release token %lld", (long long)m.token);
        break;
    case LL_WRITE:
        snprintf(buf, buf_size, "write v=%lld token %lld", (long long)m.value, (long long)m.token);
        break;
    case LL_WRITE_ACK:
        snprintf(buf, buf_size, "%s token %lld", m.accepted ? "accepted" : "rejected",
                 (long long)m.token);
        break;
    default:
        snprintf(buf, buf_size, "?");
        break;
    }
}

const struct dslab_protocol protocol_lease_lock = {
    .name = "lease-lock",
    .summary = "a lease-based lock server, clients writing to storage, optional fencing tokens",
    .state_size = sizeof(struct ll_state),
    .configure = ll_configure,
    .destroy_config = proto_config_free,
    .init = ll_init,
    .on_message = ll_on_message,
    .on_timer = ll_on_timer,
    .describe = ll_describe,
    .message_label = ll_message_label,
};
