/* failure_detector.c: who is up? Heartbeats with a timeout or with phi
 * accrual, or SWIM.
 *
 * mode: heartbeat. Every node sends a heartbeat to every other node each
 * `heartbeat_interval` and suspects a peer it has not heard from for
 * `timeout` (checked every timeout/4); hearing from it again clears the
 * suspicion. One knob trades detection time against false suspicions: a
 * timeout of a few intervals is fast but two lost or slow heartbeats in a
 * row suspect a healthy peer; a long one is accurate but slow.
 *
 * mode: phi (Hayashibara et al. 2004). The same heartbeats, but the
 * timeout adapts: each observer keeps the last `phi_window` inter-arrival
 * times of each peer and suspects it when phi, -log10 of the chance that
 * a gap this long is only a late heartbeat, reaches `phi_threshold`
 * (fd_phi.c). A network that turns slower little by little widens the
 * window's spread and phi stays low; an abrupt change, or a crash after a
 * noisy spell, takes longer to tell from a late heartbeat.
 *
 * mode: swim (Das, Gupta, Motivala 2002). Each `ping_interval` (the
 * protocol period) a node probes one member, in a shuffled round-robin:
 *
 *   PING --> target             no ACK within ping_timeout:
 *   <-- ACK                     PING-REQ(target) --> k other members
 *                                 each: PING --> target, ACK back --> relay ACK
 *   no ACK (direct or relayed) by the end of the period: suspect the target
 *
 * A suspicion is gossiped; a suspect that hears of it refutes with a higher
 * incarnation (ALIVE), so a healthy but unlucky member recovers; one not
 * refuted within `suspicion_timeout` is confirmed dead (DEAD, gossiped).
 * The dead are still probed, and a member that hears from one it holds
 * suspect or dead gossips that view again, so it reaches the member, which
 * refutes: after a partition heals the two sides find each other.
 * Updates ride on every PING/ACK/PING-REQ (up to FD_PIGGYBACK_MAX each,
 * each update sent about 3*log2(n) times). A restarted member comes back
 * with a higher incarnation (kept in its durable store).
 *
 * Annotations, value = the target's node index: "suspect", "alive" (a
 * suspicion or death withdrawn), "confirm" (swim: declared dead). The
 * fd-accuracy checker judges them against the true crashes, pauses and
 * partitions. Knobs: docs/PROTOCOLS.md. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/assert.h"
#include "dslab/node.h"
#include "dslab/time.h"
#include "protocols/fd_phi.h"
#include "protocols/proto_reconf.h"
#include "protocols/proto_util.h"

#define FD_NODES_MAX 64
#define FD_PIGGYBACK_MAX 6
#define FD_UPDATES_MAX 64 /* the gossip buffer */

enum fd_mode { MODE_HEARTBEAT, MODE_SWIM, MODE_PHI };
enum fd_msg_type { MSG_HEARTBEAT, MSG_PING, MSG_ACK, MSG_PING_REQ };
enum fd_member { MEMBER_ALIVE, MEMBER_SUSPECT, MEMBER_DEAD };
enum fd_timer { TM_HEARTBEAT = 1, TM_CHECK, TM_PERIOD, TM_PING_TIMEOUT, TM_SUSPICION };

struct fd_config {
    int mode;
    int64_t heartbeat_ns;
    int64_t timeout_ns;
    int64_t ping_interval_ns;
    int64_t ping_timeout_ns;
    int64_t k;
    int64_t suspicion_timeout_ns;
    int64_t phi_threshold; /* phi mode: suspect at phi >= this */
    int64_t phi_window;    /* samples kept per peer */
    int64_t phi_min_stddev_ns;
};

struct fd_update {
    int32_t member;
    uint8_t state;
    uint32_t incarnation;
};

struct fd_msg {
    uint8_t type;
    uint8_t updates_count;
    int32_t target;   /* PING-REQ: whom to probe */
    int32_t relay_for;/* PING/ACK on behalf of this node, -1 = direct */
    uint64_t seq;
    struct fd_update updates[FD_PIGGYBACK_MAX];
};

struct fd_gossip {
    struct fd_update u;
    int32_t sends_left; /* 0 = free slot */
};

struct fd_state {
    /* heartbeat */
    int64_t last_heard_mono_ns[FD_NODES_MAX];
    bool suspected[FD_NODES_MAX];
    /* phi (with the two above) */
    bool heard[FD_NODES_MAX]; /* a first heartbeat came: later ones give samples */
    struct fd_phi_window phi[FD_NODES_MAX];
    /* swim */
    uint32_t incarnation;
    uint8_t member_state[FD_NODES_MAX];
    uint32_t member_inc[FD_NODES_MAX];
    int32_t order[FD_NODES_MAX];
    int32_t order_pos, order_len;
    uint64_t seq;
    int32_t probe_target; /* -1 = none this period */
    bool probe_acked;
    struct fd_gossip gossip[FD_UPDATES_MAX];
};

static const char *const fd_known[] = {
    "mode", "heartbeat_interval", "timeout", "ping_interval", "ping_timeout", "k",
    "suspicion_timeout", "phi_threshold", "phi_window", "phi_min_stddev", NULL,
};
static const char *const fd_modes[] = {"heartbeat", "swim", "phi", NULL};

static int fd_configure(const struct dslab_scenario *s, void **config_out, struct dslab_diag *diag) {
    struct fd_config c;
    memset(&c, 0, sizeof c);
    if (dslab_param_reject_unknown(s, fd_known, diag) != 0 ||
        dslab_param_choice(s, "mode", fd_modes, MODE_HEARTBEAT, &c.mode, diag) != 0 ||
        dslab_param_duration_ns(s, "heartbeat_interval", 100 * DSLAB_NS_PER_MS, &c.heartbeat_ns, diag) != 0 ||
        dslab_param_duration_ns(s, "timeout", 300 * DSLAB_NS_PER_MS, &c.timeout_ns, diag) != 0 ||
        dslab_param_duration_ns(s, "ping_interval", 200 * DSLAB_NS_PER_MS, &c.ping_interval_ns, diag) != 0 ||
        dslab_param_duration_ns(s, "ping_timeout", 60 * DSLAB_NS_PER_MS, &c.ping_timeout_ns, diag) != 0 ||
        dslab_param_int(s, "k", 3, 0, FD_NODES_MAX, &c.k, diag) != 0 ||
        dslab_param_duration_ns(s, "suspicion_timeout", 600 * DSLAB_NS_PER_MS, &c.suspicion_timeout_ns,
                          diag) != 0 ||
        dslab_param_int(s, "phi_threshold", 8, 1, 100, &c.phi_threshold, diag) != 0 ||
        dslab_param_int(s, "phi_window", 32, 2, FD_PHI_WINDOW_MAX, &c.phi_window, diag) != 0 ||
        dslab_param_duration_ns(s, "phi_min_stddev", 10 * DSLAB_NS_PER_MS, &c.phi_min_stddev_ns, diag) != 0) {
        return -1;
    }
    if (s->nodes_count < 2 || s->nodes_count > FD_NODES_MAX) {
        return proto_error(s, diag, "failure-detector needs 2..%d nodes, the scenario has %d", FD_NODES_MAX,
                                    (int)s->nodes_count);
    }
    if (c.heartbeat_ns <= 0 || c.timeout_ns <= 0 || c.ping_interval_ns <= 0 ||
        c.ping_timeout_ns <= 0 || c.suspicion_timeout_ns <= 0 || c.phi_min_stddev_ns <= 0) {
        return proto_error(s, diag, "failure-detector intervals and timeouts must be > 0");
    }
    if (c.mode == MODE_SWIM && c.ping_timeout_ns >= c.ping_interval_ns) {
        return proto_param_error(s, "ping_timeout", diag,
                                 "ping_timeout must be shorter than ping_interval (indirect probes "
                                 "need the rest of the period)");
    }
    return proto_config_keep(s, &c, sizeof c, config_out, diag);
}

static const struct fd_config *cfg(const struct dslab_node_ctx *ctx) {
    return dslab_ctx_config(ctx);
}

static uint64_t tag_of(enum fd_timer kind, int32_t member, uint64_t x) {
    return (x << 16) | ((uint64_t)(uint32_t)member << 8) | (uint64_t)kind;
}

/* --- heartbeat mode --------------------------------------------------------- */

static void hb_send_all(struct dslab_node_ctx *ctx) {
    struct fd_msg m;
    memset(&m, 0, sizeof m);
    m.type = MSG_HEARTBEAT;
    m.relay_for = -1;
    for (int32_t j = 0; j < dslab_ctx_nodes_count(ctx); j++) {
        if (j != dslab_ctx_self(ctx)) dslab_ctx_send(ctx, j, &m, sizeof m);
    }
}

/* How often an observer looks: a quarter of the timeout, or in phi mode
 * of the heartbeat interval (phi's threshold is not a duration). */
static int64_t hb_check_ns(const struct fd_config *c) {
    int64_t ns = (c->mode == MODE_PHI ? c->heartbeat_ns : c->timeout_ns) / 4;
    return ns < DSLAB_NS_PER_MS ? DSLAB_NS_PER_MS : ns;
}

/* phi mode: suspect j when phi of its silence reaches the threshold. */
static void phi_check(struct dslab_node_ctx *ctx, struct fd_state *st, int32_t j, int64_t silent_ns) {
    const struct fd_config *c = cfg(ctx);
    int64_t milli = fd_phi_milli(&st->phi[j], silent_ns, c->heartbeat_ns, c->phi_min_stddev_ns);
    if (milli < c->phi_threshold * 1000) return;
    st->suspected[j] = true;
    dslab_ctx_annotate(ctx, "suspect", j, "%s (phi %lld.%lld, silent %lld ms)", dslab_ctx_node_name(ctx, j),
                       (long long)(milli / 1000), (long long)(milli % 1000 / 100),
                       (long long)(silent_ns / DSLAB_NS_PER_MS));
}

static void hb_check(struct dslab_node_ctx *ctx, struct fd_state *st) {
    int64_t now = dslab_ctx_mono_ns(ctx);
    for (int32_t j = 0; j < dslab_ctx_nodes_count(ctx); j++) {
        if (j == dslab_ctx_self(ctx) || st->suspected[j]) continue;
        DSLAB_ASSERT(now >= st->last_heard_mono_ns[j]); /* monotonic time */
        if (cfg(ctx)->mode == MODE_PHI) {
            phi_check(ctx, st, j, now - st->last_heard_mono_ns[j]);
        } else if (now - st->last_heard_mono_ns[j] > cfg(ctx)->timeout_ns) {
            st->suspected[j] = true;
            dslab_ctx_annotate(ctx, "suspect", j, "%s (silent %lld ms)", dslab_ctx_node_name(ctx, j),
                         (long long)((now - st->last_heard_mono_ns[j]) / DSLAB_NS_PER_MS));
        }
    }
}

static void hb_heard(struct dslab_node_ctx *ctx, struct fd_state *st, int32_t from) {
    int64_t now = dslab_ctx_mono_ns(ctx);
    /* phi: the first arrival only starts the clock, and a gap that ended a
     * suspicion measured an outage (a crash, a partition), not the
     * network: it would inflate the spread for the next 32 gaps. */
    if (cfg(ctx)->mode == MODE_PHI) {
        if (st->heard[from] && !st->suspected[from]) fd_phi_add(&st->phi[from], (int32_t)cfg(ctx)->phi_window, now - st->last_heard_mono_ns[from]);
        st->heard[from] = true;
    }
    st->last_heard_mono_ns[from] = now;
    if (st->suspected[from]) {
        st->suspected[from] = false;
        dslab_ctx_annotate(ctx, "alive", from, "%s", dslab_ctx_node_name(ctx, from));
    }
}

/* --- swim: membership and gossip ------------------------------------------------ */

static void gossip_push(struct dslab_node_ctx *ctx, struct fd_state *st, int32_t member, uint8_t state,
                        uint32_t incarnation) {
    int32_t n = dslab_ctx_nodes_count(ctx);
    int32_t log2n = 1;
    while ((1 << log2n) < n + 1) log2n++;
    struct fd_gossip *slot = NULL;
    for (int i = 0; i < FD_UPDATES_MAX; i++) { /* newer news about a member replaces older */
        if (st->gossip[i].sends_left > 0 && st->gossip[i].u.member == member) slot = &st->gossip[i];
    }
    for (int i = 0; i < FD_UPDATES_MAX && !slot; i++) {
        if (st->gossip[i].sends_left <= 0) slot = &st->gossip[i];
    }
    if (!slot) { /* full: replace the most-sent update */
        slot = &st->gossip[0];
        for (int i = 1; i < FD_UPDATES_MAX; i++) {
            if (st->gossip[i].sends_left < slot->sends_left) slot = &st->gossip[i];
        }
    }
    slot->u = (struct fd_update){.member = member, .state = state, .incarnation = incarnation};
    slot->sends_left = 3 * log2n;
}

/* Piggybacks the freshest updates (most sends left, lowest slot on ties):
 * news spreads first, old news fills what room is left. */
static void swim_send(struct dslab_node_ctx *ctx, struct fd_state *st, int32_t to, struct fd_msg *m) {
    bool taken[FD_UPDATES_MAX] = {false};
    m->updates_count = 0;
    while (m->updates_count < FD_PIGGYBACK_MAX) {
        int best = -1;
        for (int i = 0; i < FD_UPDATES_MAX; i++) {
            if (st->gossip[i].sends_left > 0 && !taken[i] &&
                (best < 0 || st->gossip[i].sends_left > st->gossip[best].sends_left)) {
                best = i;
            }
        }
        if (best < 0) break;
        taken[best] = true;
        m->updates[m->updates_count++] = st->gossip[best].u;
    }
    for (int i = 0; i < FD_UPDATES_MAX; i++) st->gossip[i].sends_left -= taken[i];
    dslab_ctx_send(ctx, to, m, sizeof *m);
}

static void set_member(struct dslab_node_ctx *ctx, struct fd_state *st, int32_t j, uint8_t state,
                       uint32_t incarnation) {
    static const char *const names[] = {"alive", "suspect", "confirm"};
    uint8_t old = st->member_state[j];
    uint32_t old_inc = st->member_inc[j];
    /* SWIM's order: a node never judges itself; what it knows of a member's
     * incarnation only grows; a member confirmed dead comes back only with
     * a newer incarnation. */
    DSLAB_ASSERT(j != dslab_ctx_self(ctx));
    DSLAB_ASSERT(incarnation >= old_inc);
    DSLAB_ASSERT(old != MEMBER_DEAD || incarnation > old_inc);
    st->member_state[j] = state;
    st->member_inc[j] = incarnation;
    gossip_push(ctx, st, j, state, incarnation);
    if (old != state) {
        dslab_ctx_annotate(ctx, names[state], j, "%s (incarnation %u)", dslab_ctx_node_name(ctx, j),
                     incarnation);
    }
    if (state == MEMBER_SUSPECT && (old != state || old_inc != incarnation)) {
        dslab_ctx_set_timer(ctx, cfg(ctx)->suspicion_timeout_ns, tag_of(TM_SUSPICION, j, incarnation));
    }
}

/* SWIM's override rules for an update about someone else. */
static void apply_update(struct dslab_node_ctx *ctx, struct fd_state *st, const struct fd_update *u) {
    int32_t j = u->member;
    if (j < 0 || j >= dslab_ctx_nodes_count(ctx) || u->state > MEMBER_DEAD) return;
    if (j == dslab_ctx_self(ctx)) {
        if (u->state != MEMBER_ALIVE && u->incarnation >= st->incarnation) {
            DSLAB_ASSERT(u->incarnation < UINT32_MAX);
            st->incarnation = u->incarnation + 1; /* refute */
            (void)dslab_ctx_store_put(ctx, "incarnation", &st->incarnation, sizeof st->incarnation);
            dslab_ctx_store_sync(ctx);
            gossip_push(ctx, st, j, MEMBER_ALIVE, st->incarnation);
        }
        return;
    }
    uint8_t cur = st->member_state[j];
    uint32_t inc = st->member_inc[j];
    bool take = false;
    switch (u->state) {
    case MEMBER_ALIVE: take = u->incarnation > inc; break;
    case MEMBER_SUSPECT:
        take = cur != MEMBER_DEAD && (u->incarnation > inc || (u->incarnation == inc && cur == MEMBER_ALIVE));
        break;
    case MEMBER_DEAD: take = cur != MEMBER_DEAD ? u->incarnation >= inc : u->incarnation > inc; break;
    }
    if (take) set_member(ctx, st, j, u->state, u->incarnation);
}

/* --- swim: probing ------------------------------------------------------------------- */

static void shuffle_order(struct dslab_node_ctx *ctx, struct fd_state *st) {
    st->order_len = 0;
    for (int32_t j = 0; j < dslab_ctx_nodes_count(ctx); j++) {
        if (j != dslab_ctx_self(ctx)) st->order[st->order_len++] = j;
    }
    for (int32_t i = st->order_len - 1; i > 0; i--) {
        int32_t k = (int32_t)dslab_rng_below(dslab_ctx_rng(ctx), (uint64_t)i + 1);
        int32_t t = st->order[i];
        st->order[i] = st->order[k];
        st->order[k] = t;
    }
    st->order_pos = 0;
}

/* The next member to probe: round-robin over a shuffled list. A dead
 * member is probed when its turn comes one time in FD_DEAD_PROBE_ONE_IN
 * (without indirect probes): after a partition heals, that is how two
 * sides that declared each other dead hear from each other again, at a
 * small cost in probes of the living. */
#define FD_DEAD_PROBE_ONE_IN 4
static int32_t next_target(struct dslab_node_ctx *ctx, struct fd_state *st) {
    for (int32_t tries = 0; tries < 2 * FD_NODES_MAX; tries++) {
        if (st->order_pos >= st->order_len) shuffle_order(ctx, st);
        if (st->order_len == 0) return -1;
        int32_t j = st->order[st->order_pos++];
        if (st->member_state[j] != MEMBER_DEAD ||
            dslab_rng_below(dslab_ctx_rng(ctx), FD_DEAD_PROBE_ONE_IN) == 0) {
            return j;
        }
    }
    return -1;
}

static void send_ping(struct dslab_node_ctx *ctx, struct fd_state *st, int32_t to, uint64_t seq,
                      int32_t relay_for) {
    struct fd_msg m;
    memset(&m, 0, sizeof m);
    m.type = MSG_PING;
    m.seq = seq;
    m.relay_for = relay_for;
    m.target = to;
    swim_send(ctx, st, to, &m);
}

static void swim_period(struct dslab_node_ctx *ctx, struct fd_state *st) {
    int32_t t = st->probe_target;
    if (t >= 0 && !st->probe_acked && st->member_state[t] == MEMBER_ALIVE) {
        set_member(ctx, st, t, MEMBER_SUSPECT, st->member_inc[t]);
    }
    st->probe_target = next_target(ctx, st);
    st->probe_acked = false;
    st->seq++;
    if (st->probe_target >= 0) {
        send_ping(ctx, st, st->probe_target, st->seq, -1);
        dslab_ctx_set_timer(ctx, cfg(ctx)->ping_timeout_ns, tag_of(TM_PING_TIMEOUT, 0, st->seq));
    }
    dslab_ctx_set_timer(ctx, cfg(ctx)->ping_interval_ns, tag_of(TM_PERIOD, 0, 0));
}

/* No direct ACK in time: ask k random other live members to probe. */
static void swim_ping_timeout(struct dslab_node_ctx *ctx, struct fd_state *st, uint64_t seq) {
    if (seq != st->seq || st->probe_acked || st->probe_target < 0) return;
    if (st->member_state[st->probe_target] == MEMBER_DEAD) return;
    int32_t candidates[FD_NODES_MAX];
    int32_t n = 0;
    for (int32_t j = 0; j < dslab_ctx_nodes_count(ctx); j++) {
        if (j != dslab_ctx_self(ctx) && j != st->probe_target && st->member_state[j] == MEMBER_ALIVE) {
            candidates[n++] = j;
        }
    }
    for (int64_t i = 0; i < cfg(ctx)->k && n > 0; i++) {
        int32_t pick = (int32_t)dslab_rng_below(dslab_ctx_rng(ctx), (uint64_t)n);
        struct fd_msg m;
        memset(&m, 0, sizeof m);
        m.type = MSG_PING_REQ;
        m.seq = seq;
        m.target = st->probe_target;
        m.relay_for = -1;
        swim_send(ctx, st, candidates[pick], &m);
        candidates[pick] = candidates[--n];
    }
}

static void swim_on_message(struct dslab_node_ctx *ctx, struct fd_state *st, int32_t from,
                            const struct fd_msg *m) {
    for (int i = 0; i < m->updates_count && i < FD_PIGGYBACK_MAX; i++) {
        apply_update(ctx, st, &m->updates[i]);
    }
    if (from != dslab_ctx_self(ctx) && st->member_state[from] != MEMBER_ALIVE) {
        /* it talks, yet we hold it suspect or dead: tell it, so it can refute */
        gossip_push(ctx, st, from, st->member_state[from], st->member_inc[from]);
    }
    struct fd_msg r;
    memset(&r, 0, sizeof r);
    r.seq = m->seq;
    switch ((enum fd_msg_type)m->type) {
    case MSG_PING: /* answer to the sender, who may be relaying */
        r.type = MSG_ACK;
        r.relay_for = m->relay_for;
        r.target = dslab_ctx_self(ctx);
        swim_send(ctx, st, from, &r);
        break;
    case MSG_PING_REQ:
        if (m->target >= 0 && m->target < dslab_ctx_nodes_count(ctx) && m->target != dslab_ctx_self(ctx)) {
            send_ping(ctx, st, m->target, m->seq, from);
        }
        break;
    case MSG_ACK:
        if (m->relay_for >= 0 && m->relay_for != dslab_ctx_self(ctx) &&
            m->relay_for < dslab_ctx_nodes_count(ctx)) {
            r.type = MSG_ACK;
            r.relay_for = -1;
            r.target = m->target;
            swim_send(ctx, st, m->relay_for, &r);
        } else if (m->seq == st->seq && m->target == st->probe_target) {
            st->probe_acked = true;
        }
        break;
    case MSG_HEARTBEAT:
        break;
    }
}

static void swim_start(struct dslab_node_ctx *ctx, struct fd_state *st) {
    const void *v;
    uint32_t stored = 0;
    if (dslab_ctx_store_get(ctx, "incarnation", &v) == (long)sizeof stored) memcpy(&stored, v, sizeof stored);
    st->incarnation = stored;
    if (stored > 0 || dslab_ctx_store_get(ctx, "started", &v) >= 0) {
        st->incarnation = stored + 1; /* a restart: come back newer than any rumour */
        gossip_push(ctx, st, dslab_ctx_self(ctx), MEMBER_ALIVE, st->incarnation);
    }
    (void)dslab_ctx_store_put(ctx, "incarnation", &st->incarnation, sizeof st->incarnation);
    (void)dslab_ctx_store_put(ctx, "started", "1", 1);
    dslab_ctx_store_sync(ctx);
    st->probe_target = -1;
    int64_t first_ns = (int64_t)dslab_rng_below(dslab_ctx_rng(ctx), (uint64_t)cfg(ctx)->ping_interval_ns);
    dslab_ctx_set_timer(ctx, first_ns, tag_of(TM_PERIOD, 0, 0));
}

/* --- vtable ------------------------------------------------------------------------ */

static void fd_init(struct dslab_node_ctx *ctx, void *state) {
    struct fd_state *st = state;
    if (cfg(ctx)->mode == MODE_SWIM) {
        swim_start(ctx, st);
        return;
    }
    int64_t now = dslab_ctx_mono_ns(ctx);
    for (int32_t j = 0; j < dslab_ctx_nodes_count(ctx); j++) st->last_heard_mono_ns[j] = now;
    hb_send_all(ctx);
    dslab_ctx_set_timer(ctx, cfg(ctx)->heartbeat_ns, tag_of(TM_HEARTBEAT, 0, 0));
    dslab_ctx_set_timer(ctx, hb_check_ns(cfg(ctx)), tag_of(TM_CHECK, 0, 0));
}

static void fd_on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *msg,
                          size_t len) {
    struct fd_state *st = state;
    struct fd_msg m;
    if (!proto_msg_fixed(&m, sizeof m, msg, len)) return;
    if (cfg(ctx)->mode == MODE_SWIM) swim_on_message(ctx, st, from, &m);
    else hb_heard(ctx, st, from);
}

static void fd_on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t timer_id, uint64_t tag) {
    (void)timer_id;
    struct fd_state *st = state;
    int32_t member = (int32_t)((tag >> 8) & 0xff);
    uint64_t x = tag >> 16;
    switch ((enum fd_timer)(tag & 0xff)) {
    case TM_HEARTBEAT:
        hb_send_all(ctx);
        dslab_ctx_set_timer(ctx, cfg(ctx)->heartbeat_ns, tag_of(TM_HEARTBEAT, 0, 0));
        break;
    case TM_CHECK:
        hb_check(ctx, st);
        dslab_ctx_set_timer(ctx, hb_check_ns(cfg(ctx)), tag_of(TM_CHECK, 0, 0));
        break;
    case TM_PERIOD:
        swim_period(ctx, st);
        break;
    case TM_PING_TIMEOUT:
        swim_ping_timeout(ctx, st, x);
        break;
    case TM_SUSPICION:
        if (st->member_state[member] == MEMBER_SUSPECT && st->member_inc[member] == (uint32_t)x) {
            set_member(ctx, st, member, MEMBER_DEAD, (uint32_t)x);
        }
        break;
    }
}

static void fd_describe(const void *state, char *buf, size_t buf_size) {
    const struct fd_state *st = state;
    int suspects = 0, dead = 0;
    for (int j = 0; j < FD_NODES_MAX; j++) {
        suspects += st->suspected[j] || st->member_state[j] == MEMBER_SUSPECT;
        dead += st->member_state[j] == MEMBER_DEAD;
    }
    snprintf(buf, buf_size, "incarnation %u: %d suspected, %d confirmed dead", st->incarnation,
             suspects, dead);
}

static void fd_message_label(const void *msg, size_t len, char *buf, size_t buf_size) {
    static const char *const names[] = {"heartbeat", "PING", "ACK", "PING-REQ"};
    struct fd_msg m;
    if (len != sizeof m) {
        snprintf(buf, buf_size, "?");
        return;
    }
    memcpy(&m, msg, sizeof m);
    if (m.type > MSG_PING_REQ) m.type = MSG_PING_REQ;
    int n = snprintf(buf, buf_size, "%s", names[m.type]);
    if (m.type == MSG_PING_REQ && n >= 0 && (size_t)n < buf_size) {
        n += snprintf(buf + n, buf_size - (size_t)n, " n%d", (int)m.target + 1);
    }
    if (m.updates_count > 0 && n >= 0 && (size_t)n < buf_size) {
        snprintf(buf + n, buf_size - (size_t)n, " +%d updates", (int)m.updates_count);
    }
}

/* What an operator may change mid-run ("3s:set:protocol.timeout:1s"): the
 * heartbeat timeout (each node's next check uses it) and SWIM's suspicion
 * timeout (suspicions raised from now on). Ranges as in fd_configure. */
static const struct proto_reconf_param fd_reconf[] = {
    {"timeout", PROTO_RECONF_DURATION, offsetof(struct fd_config, timeout_ns), 1, DSLAB_DURATION_NS_MAX, NULL, false},
    {"suspicion_timeout", PROTO_RECONF_DURATION, offsetof(struct fd_config, suspicion_timeout_ns), 1,
     DSLAB_DURATION_NS_MAX, NULL, false},
};
static const char *const fd_reconf_keys[] = {"timeout", "suspicion_timeout", NULL};

static int fd_reconfigure(void *config, const char *key, const char *value, struct dslab_diag *diag) {
    return proto_reconfigure(fd_reconf, (int)(sizeof fd_reconf / sizeof fd_reconf[0]), config, key, value, diag);
}

const struct dslab_protocol protocol_failure_detector = {
    .name = "failure-detector",
    .summary = "heartbeats with a timeout or phi accrual, or SWIM ping/ping-req/suspicion gossip",
    .state_size = sizeof(struct fd_state),
    .configure = fd_configure,
    .destroy_config = proto_config_free,
    .init = fd_init,
    .on_message = fd_on_message,
    .on_timer = fd_on_timer,
    .describe = fd_describe,
    .message_label = fd_message_label,
    .reconfigurable = fd_reconf_keys,
    .reconfigure = fd_reconfigure,
};
