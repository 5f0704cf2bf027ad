/* retry_storm.c: clients that retry against a server of finite capacity.
 *
 * n1 is the server. Its capacity is the CPU model of the scenario
 * (`costs.cpu` or `costs.nodes.n1.cpu`: workers, a bounded FIFO queue that
 * sheds, a service time per message; docs/ASSUMPTIONS.md "Time costs"), not
 * a queue of this protocol: a request's handler runs when its service ends,
 * and answers OK. The server cannot tell a request whose client gave up
 * from a live one, so it serves both: that wasted work is what makes an
 * overload outlive its cause. A shed request is never answered (the CPU
 * model tells nobody); its client times out. The trigger of an overload is
 * a fault: a `pause` of n1 (a GC-like stall), `slow` links, a crash.
 *
 * Every other node is a client with an open-loop arrival process, `rate`
 * per client: Poisson (`arrivals: poisson`), or one request every 1/rate
 * (`arrivals: periodic`: a cache refill or a config poll on a timer). All
 * clients start at t=0, so periodic clients without jitter act in step: a
 * thundering herd every period. `jitter` spreads every wait a client
 * computes (the periodic gap, keeping its mean; the backoff). A logical
 * request gets up to 1 + `retries` attempts:
 *
 *   send attempt --OK--> done ("request" ok, value = latency ns)
 *        |  timeout
 *        v
 *   attempts left? --no--> done ("request" fail, value = time spent)
 *        | yes: wait backoff (none: 0; exponential: base * 2^(n-1) up to
 *        |      backoff_max; jitter full: uniformly 0..that; equal:
 *        |      half of it plus uniformly 0..the other half) and send again
 *
 * Circuit breaker (optional): `breaker_threshold` failed attempts in a row
 * open it; while open, attempts fail at once without being sent; after
 * `breaker_cooldown` one probe goes through (half-open); its success
 * closes the breaker, its failure opens it again.
 *
 * Metastability: with retries and no backoff, a stall that pushes the
 * queueing delay past the client timeout makes every served request a
 * wasted one and multiplies the offered load by the attempts; the CPU queue
 * then stays full after the stall ends. Annotations: "request" (client;
 * ok/fail, value = latency ns), "breaker" (client; open/half-open/closed).
 * The queue is the CPU model's (`cost` records cpu/cpu_queued/cpu_shed).
 * Knobs: docs/PROTOCOLS.md. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/limits.h"
#include "dslab/node.h"
#include "dslab/time.h"
#include "protocols/proto_load.h"
#include "protocols/proto_reconf.h"
#include "protocols/proto_util.h"
#include "scenario/units.h"

#define RS_OUTSTANDING_MAX 512 /* logical requests a client tracks at once */
#define RS_ATTEMPTS_MAX 64

enum rs_msg_type { MSG_REQUEST, MSG_OK };
enum rs_timer_kind { TM_ARRIVAL = 1, TM_TIMEOUT, TM_RETRY };
enum rs_backoff { BACKOFF_NONE, BACKOFF_EXPONENTIAL };
enum rs_arrivals { ARRIVALS_POISSON, ARRIVALS_PERIODIC };
enum rs_jitter { JITTER_NONE, JITTER_FULL, JITTER_EQUAL };
enum rs_breaker { BREAKER_CLOSED, BREAKER_OPEN, BREAKER_HALF_OPEN };

struct rs_config {
    int64_t arrival_ns_mean; /* from `rate`, per client */
    int arrivals;            /* enum rs_arrivals */
    int64_t timeout_ns;
    int64_t retries;
    int backoff;
    int64_t backoff_base_ns, backoff_max_ns;
    int jitter; /* enum rs_jitter */
    bool breaker;
    int64_t breaker_threshold;
    int64_t breaker_cooldown_ns;
};

struct rs_msg {
    uint8_t type;
    uint8_t attempt;
    uint64_t id; /* the client's logical request id */
};

struct rs_request {
    uint64_t id; /* 0 = free; id % RS_OUTSTANDING_MAX = slot */
    int64_t start_mono_ns;
    uint8_t attempt; /* attempts sent so far */
    bool in_flight;  /* an attempt is awaiting its reply or timeout */
    bool probe;      /* this attempt is the half-open breaker's probe */
};

struct rs_server {
    int64_t served;
};

struct rs_client {
    struct rs_request reqs[RS_OUTSTANDING_MAX];
    uint64_t next_seq;
    int64_t ok, failed;
    int breaker;
    int64_t failures_in_row;
    int64_t open_until_mono_ns;
    bool probe_in_flight;
};

struct rs_state {
    bool server;
    union {
        struct rs_server s;
        struct rs_client c;
    } u;
};

static const char *const rs_known[] = {
    "rate", "arrivals", "timeout", "retries", "backoff", "backoff_base", "backoff_max", "jitter",
    "breaker", "breaker_threshold", "breaker_cooldown", NULL,
};
static const char *const rs_backoffs[] = {"none", "exponential", NULL};
static const char *const rs_arrivals_names[] = {"poisson", "periodic", NULL};
static const char *const rs_jitters[] = {"none", "full", "equal", NULL};

/* `jitter`: none, full or equal; the booleans of older scenarios still
 * mean none (false) and full (true), so their runs are unchanged. */
static int rs_param_jitter(const struct dslab_scenario *s, int *out, struct dslab_diag *diag) {
    const struct dslab_scenario_param *p = dslab_param_find(s, "jitter");
    bool on = false;
    char err[DSLAB_UNITS_ERR_MAX];
    if (p && dslab_units_parse_bool(p->value, &on, err, (int)sizeof err) == 0) {
        *out = on ? JITTER_FULL : JITTER_NONE;
        return 0;
    }
    return dslab_param_choice(s, "jitter", rs_jitters, JITTER_NONE, out, diag);
}

/* Keys of the protocol-private server queue this protocol had before the
 * CPU model, each with where its meaning went: an old scenario gets this
 * instead of a bare "unknown key". */
static const char *const rs_moved[][2] = {
    {"queue_max", "the server's queue is the CPU model now: costs.nodes.n1.cpu.queue"},
    {"service_time", "the server's service time is the CPU model now: costs.nodes.n1.cpu.message"},
    {"queue_sample", "the queue length is in the CPU model's cost records now (no sampling)"},
    {"slow_from", "the slowdown is a fault now, e.g. { at: 2s, pause: n1, for: 500ms }"},
    {"slow_for", "the slowdown is a fault now, e.g. { at: 2s, pause: n1, for: 500ms }"},
    {"slow_factor", "the slowdown is a fault now, e.g. { at: 2s, pause: n1, for: 500ms }"},
};

static int rs_reject_moved(const struct dslab_scenario *s, struct dslab_diag *diag) {
    for (size_t i = 0; i < sizeof rs_moved / sizeof rs_moved[0]; i++) {
        const struct dslab_scenario_param *p = dslab_param_find(s, rs_moved[i][0]);
        if (p) return dslab_param_error_at(s, p, diag, rs_moved[i][1]);
    }
    return 0;
}

static int rs_configure(const struct dslab_scenario *s, void **config_out, struct dslab_diag *diag) {
    struct rs_config c;
    memset(&c, 0, sizeof c);
    if (rs_reject_moved(s, diag) != 0 || dslab_param_reject_unknown(s, rs_known, diag) != 0 ||
        proto_param_rate(s, "rate", 10 * DSLAB_NS_PER_MS, &c.arrival_ns_mean, diag) != 0 ||
        dslab_param_choice(s, "arrivals", rs_arrivals_names, ARRIVALS_POISSON, &c.arrivals, diag) != 0 ||
        dslab_param_duration_ns(s, "timeout", 100 * DSLAB_NS_PER_MS, &c.timeout_ns, diag) != 0 ||
        dslab_param_int(s, "retries", 3, 0, RS_ATTEMPTS_MAX - 1, &c.retries, diag) != 0 ||
        dslab_param_choice(s, "backoff", rs_backoffs, BACKOFF_NONE, &c.backoff, diag) != 0 ||
        dslab_param_duration_ns(s, "backoff_base", 10 * DSLAB_NS_PER_MS, &c.backoff_base_ns, diag) != 0 ||
        dslab_param_duration_ns(s, "backoff_max", DSLAB_NS_PER_S, &c.backoff_max_ns, diag) != 0 ||
        rs_param_jitter(s, &c.jitter, diag) != 0 ||
        dslab_param_bool(s, "breaker", false, &c.breaker, diag) != 0 ||
        dslab_param_int(s, "breaker_threshold", 5, 1, 1000000, &c.breaker_threshold, diag) != 0 ||
        dslab_param_duration_ns(s, "breaker_cooldown", 500 * DSLAB_NS_PER_MS, &c.breaker_cooldown_ns,
                          diag) != 0) {
        return -1;
    }
    if (s->nodes_count < 2) {
        return proto_error(s, diag, "retry-storm needs 2+ nodes: n1 serves, the others are clients");
    }
    if (c.timeout_ns <= 0) {
        return proto_error(s, diag, "retry-storm: timeout must be > 0");
    }
    if (!s->node_costs || !s->node_costs[0].cpu_on) {
        return proto_error(s, diag, "retry-storm: the server's capacity is the CPU model; give n1 one, e.g. "
                                    "costs: { nodes: { n1: { cpu: { workers: 1, queue: 100, message: 2ms } } } }");
    }
    return proto_config_keep(s, &c, sizeof c, config_out, diag);
}

static const struct rs_config *cfg(const struct dslab_node_ctx *ctx) {
    return dslab_ctx_config(ctx);
}

static uint64_t tag_of(enum rs_timer_kind kind, uint64_t id, uint8_t attempt) {
    return (id << 12) | ((uint64_t)attempt << 4) | (uint64_t)kind;
}

/* --- server ----------------------------------------------------------------- */

/* The CPU model has charged the service time already: answer at once. */
static void server_on_request(struct dslab_node_ctx *ctx, struct rs_server *sv, int32_t from,
                              const struct rs_msg *m) {
    struct rs_msg r = {.type = MSG_OK, .attempt = m->attempt, .id = m->id};
    dslab_ctx_send(ctx, from, &r, sizeof r);
    sv->served++;
}

/* --- client: breaker ---------------------------------------------------------- */

static void breaker_set(struct dslab_node_ctx *ctx, struct rs_client *cl, enum rs_breaker b) {
    static const char *const names[] = {"closed", "open", "half-open"};
    if (cl->breaker == (int)b) return;
    cl->breaker = (int)b;
    dslab_ctx_annotate(ctx, "breaker", (int64_t)b, "%s", names[b]);
}

/* May an attempt go out now? Marks the half-open probe. */
static bool breaker_allows(struct dslab_node_ctx *ctx, struct rs_client *cl, struct rs_request *r) {
    if (!cfg(ctx)->breaker) return true;
    if (cl->breaker == BREAKER_OPEN && dslab_ctx_mono_ns(ctx) >= cl->open_until_mono_ns) {
        breaker_set(ctx, cl, BREAKER_HALF_OPEN);
        cl->probe_in_flight = false;
    }
    if (cl->breaker == BREAKER_CLOSED) return true;
    if (cl->breaker == BREAKER_HALF_OPEN && !cl->probe_in_flight) {
        cl->probe_in_flight = true;
        r->probe = true;
        return true;
    }
    return false;
}

static void breaker_result(struct dslab_node_ctx *ctx, struct rs_client *cl, struct rs_request *r,
                           bool ok) {
    if (r->probe) {
        cl->probe_in_flight = false;
        r->probe = false;
    }
    if (ok) {
        cl->failures_in_row = 0;
        if (cfg(ctx)->breaker) breaker_set(ctx, cl, BREAKER_CLOSED);
        return;
    }
    cl->failures_in_row++;
    if (!cfg(ctx)->breaker) return;
    if (cl->breaker == BREAKER_HALF_OPEN || cl->failures_in_row >= cfg(ctx)->breaker_threshold) {
        cl->open_until_mono_ns = dslab_ctx_mono_ns(ctx) + cfg(ctx)->breaker_cooldown_ns;
        breaker_set(ctx, cl, BREAKER_OPEN);
    }
}

/* --- client: requests ----------------------------------------------------------- */

static void finish_request(struct dslab_node_ctx *ctx, struct rs_client *cl, struct rs_request *r,
                           bool ok, const char *why) {
    int64_t latency_ns = dslab_ctx_mono_ns(ctx) - r->start_mono_ns;
    if (ok) cl->ok++;
    else cl->failed++;
    dslab_ctx_annotate(ctx, "request", latency_ns, "%s%s%s", ok ? "ok" : "fail", why[0] ? " " : "", why);
    r->id = 0;
}

static void send_attempt(struct dslab_node_ctx *ctx, struct rs_client *cl, struct rs_request *r) {
    if (!breaker_allows(ctx, cl, r)) {
        finish_request(ctx, cl, r, false, "(breaker open)");
        return;
    }
    r->attempt++;
    r->in_flight = true;
    struct rs_msg m = {.type = MSG_REQUEST, .attempt = r->attempt, .id = r->id};
    dslab_ctx_send(ctx, 0, &m, sizeof m);
    dslab_ctx_set_timer(ctx, cfg(ctx)->timeout_ns, tag_of(TM_TIMEOUT, r->id, r->attempt));
}

/* A wait of up to ns with the configured jitter: full draws 0..ns, equal
 * keeps half and draws the other half (never shorter than ns/2). */
static int64_t jittered_ns(struct dslab_node_ctx *ctx, int64_t ns) {
    int jitter = cfg(ctx)->jitter;
    if (jitter == JITTER_NONE || ns <= 0) return ns;
    if (jitter == JITTER_FULL) return (int64_t)dslab_rng_below(dslab_ctx_rng(ctx), (uint64_t)ns + 1);
    int64_t half_ns = ns / 2;
    return half_ns + (int64_t)dslab_rng_below(dslab_ctx_rng(ctx), (uint64_t)(ns - half_ns) + 1);
}

static int64_t backoff_ns(struct dslab_node_ctx *ctx, int attempt) {
    const struct rs_config *c = cfg(ctx);
    if (c->backoff == BACKOFF_NONE) return 0;
    int64_t ns = c->backoff_base_ns;
    for (int i = 1; i < attempt && ns < c->backoff_max_ns; i++) ns *= 2;
    if (ns > c->backoff_max_ns) ns = c->backoff_max_ns;
    return jittered_ns(ctx, ns);
}

/* The current attempt timed out: retry or give up. */
static void attempt_failed(struct dslab_node_ctx *ctx, struct rs_client *cl, struct rs_request *r,
                           const char *why) {
    r->in_flight = false;
    breaker_result(ctx, cl, r, false);
    if (r->attempt > cfg(ctx)->retries) {
        finish_request(ctx, cl, r, false, why);
        return;
    }
    int64_t wait_ns = backoff_ns(ctx, r->attempt);
    if (wait_ns == 0) send_attempt(ctx, cl, r);
    else dslab_ctx_set_timer(ctx, wait_ns, tag_of(TM_RETRY, r->id, r->attempt));
}

static struct rs_request *request_of(struct rs_client *cl, uint64_t id) {
    struct rs_request *r = &cl->reqs[id % RS_OUTSTANDING_MAX];
    return r->id == id && id != 0 ? r : NULL;
}

static void new_request(struct dslab_node_ctx *ctx, struct rs_client *cl) {
    uint64_t id = ++cl->next_seq * RS_OUTSTANDING_MAX;
    for (uint64_t k = 0; k < RS_OUTSTANDING_MAX; k++) {
        if (cl->reqs[k].id == 0) {
            struct rs_request *r = &cl->reqs[k];
            *r = (struct rs_request){.id = id + k, .start_mono_ns = dslab_ctx_mono_ns(ctx)};
            send_attempt(ctx, cl, r);
            return;
        }
    }
    cl->failed++; /* the client itself is saturated */
    dslab_ctx_annotate(ctx, "request", 0, "fail (client saturated)");
}

/* The next arrival. Periodic: every mean gap, or, with jitter, a wait of
 * up to twice it (full) or between half and one and a half times it
 * (equal), so the mean rate stays `rate`. Poisson gaps are random
 * already; jitter does not touch them (and their draws are unchanged). */
static void schedule_arrival(struct dslab_node_ctx *ctx) {
    const struct rs_config *c = cfg(ctx);
    if (c->arrivals == ARRIVALS_PERIODIC) {
        int64_t gap_ns = c->arrival_ns_mean; /* at most a day: doubling cannot overflow */
        struct dslab_rng *rng = dslab_ctx_rng(ctx);
        if (c->jitter == JITTER_FULL) gap_ns = (int64_t)dslab_rng_below(rng, 2 * (uint64_t)gap_ns + 1);
        else if (c->jitter == JITTER_EQUAL) gap_ns = gap_ns / 2 + (int64_t)dslab_rng_below(rng, (uint64_t)gap_ns + 1);
        dslab_ctx_set_timer(ctx, gap_ns, tag_of(TM_ARRIVAL, 0, 0));
        return;
    }
    dslab_ctx_set_timer(ctx, proto_exp_gap_ns(ctx, c->arrival_ns_mean), tag_of(TM_ARRIVAL, 0, 0));
}

static void client_on_timer(struct dslab_node_ctx *ctx, struct rs_client *cl, enum rs_timer_kind kind,
                            uint64_t id, uint8_t attempt) {
    if (kind == TM_ARRIVAL) {
        new_request(ctx, cl);
        schedule_arrival(ctx);
        return;
    }
    struct rs_request *r = request_of(cl, id);
    if (!r || r->attempt != attempt) return;
    if (kind == TM_TIMEOUT && r->in_flight) attempt_failed(ctx, cl, r, "(timeout)");
    else if (kind == TM_RETRY && !r->in_flight) send_attempt(ctx, cl, r);
}

static void client_on_message(struct dslab_node_ctx *ctx, struct rs_client *cl, const struct rs_msg *m) {
    struct rs_request *r = request_of(cl, m->id);
    if (!r) return; /* done already: a late reply to an earlier attempt */
    if (m->type == MSG_OK) {
        breaker_result(ctx, cl, r, true);
        finish_request(ctx, cl, r, true, "");
    }
}

/* --- vtable ------------------------------------------------------------------------ */

static void rs_init(struct dslab_node_ctx *ctx, void *state) {
    struct rs_state *st = state;
    st->server = dslab_ctx_self(ctx) == 0;
    dslab_ctx_report_role(ctx, DSLAB_ROLE_OTHER, 0, "%s", st->server ? "server" : "client");
    if (!st->server) schedule_arrival(ctx);
}

static void rs_on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *msg,
                          size_t len) {
    struct rs_state *st = state;
    struct rs_msg m;
    if (!proto_msg_fixed(&m, sizeof m, msg, len)) return;
    if (st->server && m.type == MSG_REQUEST) server_on_request(ctx, &st->u.s, from, &m);
    else if (!st->server && from == 0) client_on_message(ctx, &st->u.c, &m);
}

static void rs_on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t timer_id, uint64_t tag) {
    (void)timer_id;
    struct rs_state *st = state;
    enum rs_timer_kind kind = (enum rs_timer_kind)(tag & 0xf);
    if (!st->server) client_on_timer(ctx, &st->u.c, kind, tag >> 12, (uint8_t)((tag >> 4) & 0xff));
}

static void rs_describe(const void *state, char *buf, size_t buf_size) {
    static const char *const breakers[] = {"closed", "open", "half-open"};
    const struct rs_state *st = state;
    if (st->server) {
        snprintf(buf, buf_size, "server: served %lld", (long long)st->u.s.served);
    } else {
        snprintf(buf, buf_size, "client: %lld ok, %lld failed, breaker %s", (long long)st->u.c.ok,
                 (long long)st->u.c.failed, breakers[st->u.c.breaker]);
    }
}

static void rs_message_label(const void *msg, size_t len, char *buf, size_t buf_size) {
    static const char *const names[] = {"REQ", "OK"};
    struct rs_msg m;
    if (len != sizeof m) {
        snprintf(buf, buf_size, "?");
        return;
    }
    memcpy(&m, msg, sizeof m);
    if (m.type > MSG_OK) {
        snprintf(buf, buf_size, "?");
        return;
    }
    snprintf(buf, buf_size, "%s r%llu #%d", names[m.type],
             (unsigned long long)(m.id / RS_OUTSTANDING_MAX), (int)m.attempt);
}

/* What an operator may change mid-run (an `operate` answer's
 * "3s:set:protocol.retries:0"): the clients' policy, read at each attempt,
 * timeout and retry. Ranges as in rs_configure. The rate and the server's
 * capacity are not the clients' to change. */
#define RS_DAY_NS DSLAB_DURATION_NS_MAX
static const struct proto_reconf_param rs_reconf[] = {
    {"retries", PROTO_RECONF_INT, offsetof(struct rs_config, retries), 0, RS_ATTEMPTS_MAX - 1, NULL, false},
    {"timeout", PROTO_RECONF_DURATION, offsetof(struct rs_config, timeout_ns), 1, RS_DAY_NS, NULL, false},
    {"backoff", PROTO_RECONF_CHOICE, offsetof(struct rs_config, backoff), 0, 0, rs_backoffs, false},
    {"backoff_base", PROTO_RECONF_DURATION, offsetof(struct rs_config, backoff_base_ns), 0, RS_DAY_NS, NULL, false},
    {"backoff_max", PROTO_RECONF_DURATION, offsetof(struct rs_config, backoff_max_ns), 0, RS_DAY_NS, NULL, false},
    {"jitter", PROTO_RECONF_CHOICE, offsetof(struct rs_config, jitter), 0, 0, rs_jitters, true},
    {"breaker", PROTO_RECONF_BOOL, offsetof(struct rs_config, breaker), 0, 0, NULL, false},
    {"breaker_threshold", PROTO_RECONF_INT, offsetof(struct rs_config, breaker_threshold), 1, 1000000, NULL, false},
    {"breaker_cooldown", PROTO_RECONF_DURATION, offsetof(struct rs_config, breaker_cooldown_ns), 0, RS_DAY_NS, NULL, false},
};
#define RS_RECONF_COUNT ((int)(sizeof rs_reconf / sizeof rs_reconf[0]))
static const char *const rs_reconf_keys[] = {"retries", "timeout", "backoff", "backoff_base", "backoff_max", "jitter",
                                             "breaker", "breaker_threshold", "breaker_cooldown", NULL};
_Static_assert(sizeof rs_reconf_keys / sizeof rs_reconf_keys[0] == RS_RECONF_COUNT + 1, "one key per entry");

static int rs_reconfigure(void *config, const char *key, const char *value, struct dslab_diag *diag) {
    return proto_reconfigure(rs_reconf, RS_RECONF_COUNT, config, key, value, diag);
}

const struct dslab_protocol protocol_retry_storm = {
    .name = "retry-storm",
    .summary = "n1 serves at the CPU model's rate; clients time out and retry",
    .state_size = sizeof(struct rs_state),
    .configure = rs_configure,
    .destroy_config = proto_config_free,
    .init = rs_init,
    .on_message = rs_on_message,
    .on_timer = rs_on_timer,
    .describe = rs_describe,
    .message_label = rs_message_label,
    .reconfigurable = rs_reconf_keys,
    .reconfigure = rs_reconfigure,
};
