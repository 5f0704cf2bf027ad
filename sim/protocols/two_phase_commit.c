/* two_phase_commit.c: two-phase commit (Gray 1978), with a coordinator log.
 *
 * n1 (node 0) coordinates; every other node is a participant. A transaction
 * writes one (key, value) at every participant. Transactions come from
 * client writes sent to n1 (other nodes redirect there) and, when
 * `txn_interval` is set, from a timer on n1 (a random key of `keys`).
 *
 *   coordinator                         participant
 *   log BEGIN (sync) --- PREPARE ---->  lock key free? log PREPARED (sync)
 *                    <--- YES / NO ---  (NO: key locked, abort_percent, full)
 *   all YES: log COMMIT; any NO or vote_timeout: log ABORT
 *   (the decision is durable after log_sync_delay, then:)
 *                    --- COMMIT/ABORT ->  log decision (sync), unlock
 *                    <------ ACK -------
 *   all ACKs: log DONE                   in doubt past decision_timeout:
 *   unacked after resend_interval: resend    STATUS? to the coordinator
 *
 * The blocking problem: a participant that voted YES may not decide alone
 * (the others may have voted either way), so if the coordinator crashes
 * after PREPARE the participant stays in doubt, holding its lock, until
 * the coordinator comes back. A restarted coordinator reads its log:
 * BEGIN without a decision becomes ABORT (presumed abort), decisions not
 * yet acknowledged are resent, and STATUS? about an unknown transaction is
 * answered ABORT.
 *
 * Annotations, tag "txn", value = transaction id: coordinator "begin",
 * "commit", "abort", "done"; participant "vote-yes", "vote-no", "commit",
 * "abort", "in-doubt" (first decision_timeout passed, or restarted while
 * prepared). Tag "role": "coordinator" / "participant". The atomic-commit
 * checker reads "txn". Knobs: docs/PROTOCOLS.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/assert.h"
#include "dslab/bits.h"
#include "dslab/node.h"
#include "dslab/time.h"
#include "protocols/proto_util.h"

#define TPC_TXNS_MAX 32  /* concurrent transactions at n1; in-doubt slots at a participant */
#define TPC_NODES_MAX DSLAB_BITS_NODES_MAX /* participants are bits of a uint64_t */

enum tpc_msg_type { MSG_PREPARE, MSG_YES, MSG_NO, MSG_COMMIT, MSG_ABORT, MSG_ACK, MSG_STATUS };
enum tpc_rec_state { REC_BEGIN = 1, REC_COMMIT, REC_ABORT, REC_PREPARED };
enum tpc_phase { PH_FREE, PH_VOTING, PH_LOGGING, PH_DECIDED };
enum tpc_timer_kind { TM_VOTE = 1, TM_LOGGED, TM_RESEND, TM_DOUBT, TM_NEXT_TXN };

struct tpc_config {
    int64_t vote_timeout_ns;
    int64_t decision_timeout_ns;
    int64_t resend_interval_ns;
    int64_t log_sync_delay_ns;
    int64_t txn_interval_ns; /* 0 = clients only */
    int64_t keys_count;
    int64_t abort_percent;
};

struct tpc_msg {
    uint8_t type;
    int64_t txn;
    int64_t key;
    int64_t value;
};

struct tpc_record { /* durable: "c/<id>" at n1, "p/<id>" at participants */
    int32_t state;
    int32_t done; /* n1: every participant acknowledged the decision */
    int64_t key;
    int64_t value;
};

struct tpc_txn { /* coordinator side */
    enum tpc_phase phase;
    int64_t id;
    int64_t key;
    int64_t value;
    bool commit;
    bool has_client;
    uint64_t request_id;
    uint64_t yes_mask;
    uint64_t ack_mask;
};

struct tpc_doubt { /* participant side: prepared, decision unknown */
    int64_t id; /* 0 = free slot */
    int64_t key;
    int64_t value;
    bool announced; /* "in-doubt" annotated */
};

struct tpc_state {
    int64_t next_txn;
    struct tpc_txn txns[TPC_TXNS_MAX];
    struct tpc_doubt doubt[TPC_TXNS_MAX];
    int64_t committed;
    int64_t aborted;
};

static const char *const tpc_known[] = {
    "vote_timeout", "decision_timeout", "resend_interval", "log_sync_delay",
    "txn_interval", "keys", "abort_percent", NULL,
};

static int tpc_configure(const struct dslab_scenario *s, void **config_out, struct dslab_diag *diag) {
    struct tpc_config c;
    memset(&c, 0, sizeof c);
    if (dslab_param_reject_unknown(s, tpc_known, diag) != 0 ||
        dslab_param_duration_ns(s, "vote_timeout", 200 * DSLAB_NS_PER_MS, &c.vote_timeout_ns, diag) != 0 ||
        dslab_param_duration_ns(s, "decision_timeout", 300 * DSLAB_NS_PER_MS, &c.decision_timeout_ns,
                          diag) != 0 ||
        dslab_param_duration_ns(s, "resend_interval", 100 * DSLAB_NS_PER_MS, &c.resend_interval_ns, diag) != 0 ||
        dslab_param_duration_ns(s, "log_sync_delay", 5 * DSLAB_NS_PER_MS, &c.log_sync_delay_ns, diag) != 0 ||
        dslab_param_duration_ns(s, "txn_interval", 0, &c.txn_interval_ns, diag) != 0 ||
        dslab_param_int(s, "keys", 16, 1, 1000000, &c.keys_count, diag) != 0 ||
        dslab_param_int(s, "abort_percent", 0, 0, 100, &c.abort_percent, diag) != 0) {
        return -1;
    }
    if (s->nodes_count < 2 || s->nodes_count > TPC_NODES_MAX) {
        return proto_error(s, diag, "two-phase-commit needs 2..%d nodes (n1 coordinates), the scenario has %d",
                                    TPC_NODES_MAX, (int)s->nodes_count);
    }
    if (c.vote_timeout_ns <= 0 || c.decision_timeout_ns <= 0 || c.resend_interval_ns <= 0) {
        return proto_error(s, diag, "two-phase-commit timeouts must be > 0");
    }
    return proto_config_keep(s, &c, sizeof c, config_out, diag);
}

static const struct tpc_config *cfg(const struct dslab_node_ctx *ctx) {
    return dslab_ctx_config(ctx);
}

static uint64_t timer_tag(enum tpc_timer_kind kind, int64_t txn) {
    return ((uint64_t)txn << 8) | (uint64_t)kind;
}

static uint64_t all_participants(const struct dslab_node_ctx *ctx) {
    int32_t n = dslab_ctx_nodes_count(ctx);
    return dslab_bits_first(n) & ~dslab_bits_of(0);
}

static void send_msg(struct dslab_node_ctx *ctx, int32_t to, enum tpc_msg_type type, int64_t txn,
                     int64_t key, int64_t value) {
    struct tpc_msg m = {.type = (uint8_t)type, .txn = txn, .key = key, .value = value};
    dslab_ctx_send(ctx, to, &m, sizeof m);
}

/* --- durable records -------------------------------------------------------- */

static void rec_key(char *buf, size_t size, char side, int64_t txn) {
    snprintf(buf, size, "%c/%lld", side, (long long)txn);
}

static int rec_put(struct dslab_node_ctx *ctx, char side, int64_t txn, enum tpc_rec_state state,
                   bool done, int64_t key, int64_t value) {
    char k[32];
    rec_key(k, sizeof k, side, txn);
    /* A decision never changes once logged: COMMIT and ABORT are final. */
    const void *p;
    struct tpc_record old;
    if (dslab_ctx_store_get(ctx, k, &p) == (long)sizeof old) {
        memcpy(&old, p, sizeof old);
        DSLAB_ASSERT((old.state != REC_COMMIT && old.state != REC_ABORT) || old.state == (int32_t)state);
    }
    struct tpc_record r = {.state = (int32_t)state, .done = done, .key = key, .value = value};
    return dslab_ctx_store_put(ctx, k, &r, sizeof r);
}

static bool rec_get(struct dslab_node_ctx *ctx, char side, int64_t txn, struct tpc_record *out) {
    char k[32];
    rec_key(k, sizeof k, side, txn);
    const void *v;
    if (dslab_ctx_store_get(ctx, k, &v) != (long)sizeof *out) return false;
    memcpy(out, v, sizeof *out);
    return true;
}

static int64_t get_i64(struct dslab_node_ctx *ctx, const char *key, int64_t fallback) {
    const void *v;
    int64_t x;
    if (dslab_ctx_store_get(ctx, key, &v) != (long)sizeof x) return fallback;
    memcpy(&x, v, sizeof x);
    return x;
}

static void put_i64(struct dslab_node_ctx *ctx, const char *key, int64_t x) {
    (void)dslab_ctx_store_put(ctx, key, &x, sizeof x);
}

/* --- coordinator ------------------------------------------------------------ */

static struct tpc_txn *txn_find(struct tpc_state *st, int64_t id) {
    for (int i = 0; i < TPC_TXNS_MAX; i++) {
        if (st->txns[i].phase != PH_FREE && st->txns[i].id == id) return &st->txns[i];
    }
    return NULL;
}

static struct tpc_txn *txn_free_slot(struct tpc_state *st) {
    for (int i = 0; i < TPC_TXNS_MAX; i++) {
        if (st->txns[i].phase == PH_FREE) return &st->txns[i];
    }
    return NULL;
}

/* The lowest id that may still need recovery: every id below it is DONE. */
static void persist_low(struct dslab_node_ctx *ctx, struct tpc_state *st) {
    int64_t low = st->next_txn;
    for (int i = 0; i < TPC_TXNS_MAX; i++) {
        if (st->txns[i].phase != PH_FREE && st->txns[i].id < low) low = st->txns[i].id;
    }
    put_i64(ctx, "c/low", low); /* no sync needed: an older low only rescans DONE records */
}

static void begin_txn(struct dslab_node_ctx *ctx, struct tpc_state *st, int64_t key, int64_t value,
                      bool has_client, uint64_t request_id) {
    struct tpc_txn *t = txn_free_slot(st);
    int64_t id = st->next_txn;
    if (!t || rec_put(ctx, 'c', id, REC_BEGIN, false, key, value) != 0) {
        if (has_client) dslab_ctx_reply(ctx, request_id, DSLAB_REPLY_FAIL, DSLAB_HISTORY_NIL);
        return;
    }
    st->next_txn++;
    put_i64(ctx, "c/next", st->next_txn);
    dslab_ctx_store_sync(ctx); /* BEGIN is durable before any participant can vote */
    memset(t, 0, sizeof *t);
    t->phase = PH_VOTING;
    t->id = id;
    t->key = key;
    t->value = value;
    t->has_client = has_client;
    t->request_id = request_id;
    dslab_ctx_annotate(ctx, "txn", id, "begin");
    for (int32_t p = 1; p < dslab_ctx_nodes_count(ctx); p++) send_msg(ctx, p, MSG_PREPARE, id, key, value);
    dslab_ctx_set_timer(ctx, cfg(ctx)->vote_timeout_ns, timer_tag(TM_VOTE, id));
}

/* The decision is written now and durable after log_sync_delay (TM_LOGGED). */
static void decide(struct dslab_node_ctx *ctx, struct tpc_txn *t, bool commit) {
    if (t->phase != PH_VOTING) return;
    t->phase = PH_LOGGING;
    t->commit = commit;
    dslab_ctx_set_timer(ctx, cfg(ctx)->log_sync_delay_ns, timer_tag(TM_LOGGED, t->id));
}

static void send_decision(struct dslab_node_ctx *ctx, const struct tpc_txn *t) {
    for (int32_t p = 1; p < dslab_ctx_nodes_count(ctx); p++) {
        if (!(t->ack_mask & dslab_bits_of(p))) {
            send_msg(ctx, p, t->commit ? MSG_COMMIT : MSG_ABORT, t->id, t->key, t->value);
        }
    }
}

static void logged(struct dslab_node_ctx *ctx, struct tpc_state *st, struct tpc_txn *t) {
    (void)rec_put(ctx, 'c', t->id, t->commit ? REC_COMMIT : REC_ABORT, false, t->key, t->value);
    dslab_ctx_store_sync(ctx);
    t->phase = PH_DECIDED;
    if (t->commit) st->committed++;
    else st->aborted++;
    dslab_ctx_annotate(ctx, "txn", t->id, "%s", t->commit ? "commit" : "abort");
    if (t->has_client) dslab_ctx_reply(ctx, t->request_id, t->commit ? DSLAB_REPLY_OK : DSLAB_REPLY_FAIL, 0);
    send_decision(ctx, t);
    dslab_ctx_set_timer(ctx, cfg(ctx)->resend_interval_ns, timer_tag(TM_RESEND, t->id));
}

static void coord_on_ack(struct dslab_node_ctx *ctx, struct tpc_state *st, int32_t from, int64_t id) {
    struct tpc_txn *t = txn_find(st, id);
    if (!t || t->phase != PH_DECIDED) return;
    t->ack_mask |= dslab_bits_of(from);
    if ((t->ack_mask & all_participants(ctx)) != all_participants(ctx)) return;
    (void)rec_put(ctx, 'c', id, t->commit ? REC_COMMIT : REC_ABORT, true, t->key, t->value);
    dslab_ctx_annotate(ctx, "txn", id, "done");
    t->phase = PH_FREE;
    persist_low(ctx, st);
}

/* A participant asks what became of `id`. Undecided: no answer yet. */
static void coord_on_status(struct dslab_node_ctx *ctx, struct tpc_state *st, int32_t from, int64_t id) {
    struct tpc_txn *t = txn_find(st, id);
    if (t) {
        if (t->phase == PH_DECIDED) {
            send_msg(ctx, from, t->commit ? MSG_COMMIT : MSG_ABORT, id, t->key, t->value);
        }
        return;
    }
    struct tpc_record r;
    bool commit = rec_get(ctx, 'c', id, &r) && r.state == REC_COMMIT;
    send_msg(ctx, from, commit ? MSG_COMMIT : MSG_ABORT, id, 0, 0); /* presumed abort */
}

static void coord_on_message(struct dslab_node_ctx *ctx, struct tpc_state *st, int32_t from,
                             const struct tpc_msg *m) {
    struct tpc_txn *t = txn_find(st, m->txn);
    switch ((enum tpc_msg_type)m->type) {
    case MSG_YES:
        if (t && t->phase == PH_VOTING) {
            t->yes_mask |= dslab_bits_of(from);
            if (t->yes_mask == all_participants(ctx)) decide(ctx, t, true);
        }
        break;
    case MSG_NO:
        if (t) decide(ctx, t, false);
        break;
    case MSG_ACK:
        coord_on_ack(ctx, st, from, m->txn);
        break;
    case MSG_STATUS:
        coord_on_status(ctx, st, from, m->txn);
        break;
    default:
        break;
    }
}

/* Reads the log: BEGIN without a decision is aborted (nobody can have
 * committed it: n1 never sent COMMIT), decisions not acknowledged by every
 * participant are resent. More unfinished records than slots (possible
 * when "c/low" was lost unsynced) get one resend without tracking. */
static void coord_recover(struct dslab_node_ctx *ctx, struct tpc_state *st) {
    st->next_txn = get_i64(ctx, "c/next", 1);
    int64_t low = get_i64(ctx, "c/low", 1);
    for (int64_t id = low; id < st->next_txn; id++) {
        struct tpc_record r;
        if (!rec_get(ctx, 'c', id, &r) || r.done) continue;
        if (r.state == REC_BEGIN) {
            r.state = REC_ABORT;
            (void)rec_put(ctx, 'c', id, REC_ABORT, false, r.key, r.value);
            dslab_ctx_annotate(ctx, "txn", id, "abort");
            st->aborted++;
        }
        struct tpc_txn *t = txn_free_slot(st);
        struct tpc_txn scratch;
        if (!t) t = &scratch;
        memset(t, 0, sizeof *t);
        t->phase = PH_DECIDED;
        t->id = id;
        t->key = r.key;
        t->value = r.value;
        t->commit = r.state == REC_COMMIT;
        send_decision(ctx, t);
        if (t != &scratch) dslab_ctx_set_timer(ctx, cfg(ctx)->resend_interval_ns, timer_tag(TM_RESEND, id));
    }
    dslab_ctx_store_sync(ctx);
    persist_low(ctx, st);
}

static void coord_on_timer(struct dslab_node_ctx *ctx, struct tpc_state *st, enum tpc_timer_kind kind,
                           int64_t id) {
    struct tpc_txn *t = txn_find(st, id);
    switch (kind) {
    case TM_VOTE:
        if (t && t->phase == PH_VOTING) decide(ctx, t, false);
        break;
    case TM_LOGGED:
        if (t && t->phase == PH_LOGGING) logged(ctx, st, t);
        break;
    case TM_RESEND:
        if (t && t->phase == PH_DECIDED) {
            send_decision(ctx, t);
            dslab_ctx_set_timer(ctx, cfg(ctx)->resend_interval_ns, timer_tag(TM_RESEND, id));
        }
        break;
    case TM_NEXT_TXN: {
        int64_t key = (int64_t)dslab_rng_below(dslab_ctx_rng(ctx), (uint64_t)cfg(ctx)->keys_count);
        begin_txn(ctx, st, key, st->next_txn, false, 0);
        dslab_ctx_set_timer(ctx, cfg(ctx)->txn_interval_ns, timer_tag(TM_NEXT_TXN, 0));
        break;
    }
    default:
        break;
    }
}

/* --- participant ------------------------------------------------------------ */

static struct tpc_doubt *doubt_find(struct tpc_state *st, int64_t id) {
    for (int i = 0; i < TPC_TXNS_MAX; i++) {
        if (st->doubt[i].id == id && id != 0) return &st->doubt[i];
    }
    return NULL;
}

/* "p/doubt": the ids of the prepared transactions, so a restart finds them. */
static void persist_doubt(struct dslab_node_ctx *ctx, const struct tpc_state *st) {
    int64_t ids[TPC_TXNS_MAX];
    for (int i = 0; i < TPC_TXNS_MAX; i++) ids[i] = st->doubt[i].id;
    (void)dslab_ctx_store_put(ctx, "p/doubt", ids, sizeof ids);
}

static void part_on_prepare(struct dslab_node_ctx *ctx, struct tpc_state *st, const struct tpc_msg *m) {
    struct tpc_record r;
    if (rec_get(ctx, 'p', m->txn, &r)) { /* a duplicate: repeat the vote */
        bool yes = r.state == REC_PREPARED || r.state == REC_COMMIT;
        send_msg(ctx, 0, yes ? MSG_YES : MSG_NO, m->txn, 0, 0);
        return;
    }
    struct tpc_doubt *slot = NULL;
    bool locked = false;
    for (int i = 0; i < TPC_TXNS_MAX; i++) {
        if (st->doubt[i].id != 0 && st->doubt[i].key == m->key) locked = true;
        if (st->doubt[i].id == 0 && !slot) slot = &st->doubt[i];
    }
    int64_t pct = cfg(ctx)->abort_percent;
    bool refuse = pct > 0 && (int64_t)dslab_rng_below(dslab_ctx_rng(ctx), 100) < pct;
    if (locked || !slot || refuse ||
        rec_put(ctx, 'p', m->txn, REC_PREPARED, false, m->key, m->value) != 0) {
        (void)rec_put(ctx, 'p', m->txn, REC_ABORT, false, m->key, m->value);
        st->aborted++;
        dslab_ctx_annotate(ctx, "txn", m->txn, "vote-no");
        send_msg(ctx, 0, MSG_NO, m->txn, 0, 0);
        return;
    }
    slot->id = m->txn;
    slot->key = m->key;
    slot->value = m->value;
    slot->announced = false;
    persist_doubt(ctx, st);
    dslab_ctx_store_sync(ctx); /* the vote is durable before it leaves */
    dslab_ctx_annotate(ctx, "txn", m->txn, "vote-yes");
    send_msg(ctx, 0, MSG_YES, m->txn, 0, 0);
    dslab_ctx_set_timer(ctx, cfg(ctx)->decision_timeout_ns, timer_tag(TM_DOUBT, m->txn));
}

static void part_on_decision(struct dslab_node_ctx *ctx, struct tpc_state *st, const struct tpc_msg *m) {
    bool commit = m->type == MSG_COMMIT;
    struct tpc_doubt *d = doubt_find(st, m->txn);
    struct tpc_record r;
    if (d) {
        (void)rec_put(ctx, 'p', m->txn, commit ? REC_COMMIT : REC_ABORT, false, d->key, d->value);
        d->id = 0;
        persist_doubt(ctx, st);
        dslab_ctx_store_sync(ctx); /* the decision is durable before the ACK */
        if (commit) st->committed++;
        else st->aborted++;
        dslab_ctx_annotate(ctx, "txn", m->txn, "%s", commit ? "commit" : "abort");
    } else if (!commit && !rec_get(ctx, 'p', m->txn, &r)) {
        /* aborted before our PREPARE arrived: a late PREPARE must vote NO */
        (void)rec_put(ctx, 'p', m->txn, REC_ABORT, false, 0, 0);
    }
    send_msg(ctx, 0, MSG_ACK, m->txn, 0, 0);
}

static void part_on_doubt_timer(struct dslab_node_ctx *ctx, struct tpc_state *st, int64_t id) {
    struct tpc_doubt *d = doubt_find(st, id);
    if (!d) return;
    if (!d->announced) {
        d->announced = true;
        dslab_ctx_annotate(ctx, "txn", id, "in-doubt");
    }
    send_msg(ctx, 0, MSG_STATUS, id, 0, 0);
    dslab_ctx_set_timer(ctx, cfg(ctx)->decision_timeout_ns, timer_tag(TM_DOUBT, id));
}

static void part_recover(struct dslab_node_ctx *ctx, struct tpc_state *st) {
    const void *v;
    int64_t ids[TPC_TXNS_MAX];
    if (dslab_ctx_store_get(ctx, "p/doubt", &v) != (long)sizeof ids) return;
    memcpy(ids, v, sizeof ids);
    for (int i = 0; i < TPC_TXNS_MAX; i++) {
        struct tpc_record r;
        if (ids[i] == 0 || !rec_get(ctx, 'p', ids[i], &r) || r.state != REC_PREPARED) continue;
        st->doubt[i] = (struct tpc_doubt){.id = ids[i], .key = r.key, .value = r.value,
                                          .announced = true};
        dslab_ctx_annotate(ctx, "txn", ids[i], "in-doubt");
        send_msg(ctx, 0, MSG_STATUS, ids[i], 0, 0);
        dslab_ctx_set_timer(ctx, cfg(ctx)->decision_timeout_ns, timer_tag(TM_DOUBT, ids[i]));
    }
}

/* --- vtable ----------------------------------------------------------------- */

static void tpc_init(struct dslab_node_ctx *ctx, void *state) {
    struct tpc_state *st = state;
    bool coordinator = dslab_ctx_self(ctx) == 0;
    dslab_ctx_report_role(ctx, coordinator ? DSLAB_ROLE_COORDINATOR : DSLAB_ROLE_PARTICIPANT, 0, "%s",
                    coordinator ? "coordinator" : "participant");
    if (!coordinator) return;
    st->next_txn = 1;
    if (cfg(ctx)->txn_interval_ns > 0) {
        dslab_ctx_set_timer(ctx, cfg(ctx)->txn_interval_ns, timer_tag(TM_NEXT_TXN, 0));
    }
}

static void tpc_on_restart(struct dslab_node_ctx *ctx, void *state) {
    struct tpc_state *st = state;
    bool coordinator = dslab_ctx_self(ctx) == 0;
    dslab_ctx_report_role(ctx, coordinator ? DSLAB_ROLE_COORDINATOR : DSLAB_ROLE_PARTICIPANT, 0, "%s",
                    coordinator ? "coordinator" : "participant");
    if (!coordinator) {
        part_recover(ctx, st);
        return;
    }
    coord_recover(ctx, st);
    if (cfg(ctx)->txn_interval_ns > 0) {
        dslab_ctx_set_timer(ctx, cfg(ctx)->txn_interval_ns, timer_tag(TM_NEXT_TXN, 0));
    }
}

static void tpc_on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *msg,
                           size_t len) {
    struct tpc_state *st = state;
    struct tpc_msg m;
    if (!proto_msg_fixed(&m, sizeof m, msg, len)) return;
    if (dslab_ctx_self(ctx) == 0) {
        coord_on_message(ctx, st, from, &m);
    } else if (from == 0 && m.type == MSG_PREPARE) {
        part_on_prepare(ctx, st, &m);
    } else if (from == 0 && (m.type == MSG_COMMIT || m.type == MSG_ABORT)) {
        part_on_decision(ctx, st, &m);
    }
}

static void tpc_on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t timer_id, uint64_t tag) {
    (void)timer_id;
    struct tpc_state *st = state;
    enum tpc_timer_kind kind = (enum tpc_timer_kind)(tag & 0xff);
    int64_t id = (int64_t)(tag >> 8);
    if (kind == TM_DOUBT) part_on_doubt_timer(ctx, st, id);
    else coord_on_timer(ctx, st, kind, id);
}

static void tpc_on_request(struct dslab_node_ctx *ctx, void *state, const struct dslab_client_request *req) {
    if (dslab_ctx_self(ctx) != 0) {
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_REDIRECT, 0);
    } else if (req->fn == DSLAB_OP_WRITE) {
        begin_txn(ctx, state, req->key, req->value, true, req->request_id);
    } else {
        dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_FAIL, DSLAB_HISTORY_NIL); /* writes only */
    }
}

static void tpc_describe(const void *state, char *buf, size_t buf_size) {
    const struct tpc_state *st = state;
    int active = 0;
    int in_doubt = 0;
    for (int i = 0; i < TPC_TXNS_MAX; i++) {
        active += st->txns[i].phase != PH_FREE;
        in_doubt += st->doubt[i].id != 0;
    }
    if (st->next_txn > 0) {
        snprintf(buf, buf_size, "coordinator: %d active, %lld committed, %lld aborted", active,
                 (long long)st->committed, (long long)st->aborted);
    } else {
        snprintf(buf, buf_size, "participant: %d in doubt, %lld committed, %lld aborted", in_doubt,
                 (long long)st->committed, (long long)st->aborted);
    }
}

static void tpc_message_label(const void *msg, size_t len, char *buf, size_t buf_size) {
    static const char *const names[] = {"PREPARE", "YES", "NO", "COMMIT", "ABORT", "ACK", "STATUS?"};
    struct tpc_msg m;
    if (len != sizeof m) {
        snprintf(buf, buf_size, "?");
        return;
    }
    memcpy(&m, msg, sizeof m);
    const char *name = m.type < sizeof names / sizeof names[0] ? names[m.type] : "?";
    if (m.type == MSG_PREPARE) {
        snprintf(buf, buf_size, "PREPARE t%lld k%lld", (long long)m.txn, (long long)m.key);
    } else {
        snprintf(buf, buf_size, "%s t%lld", name, (long long)m.txn);
    }
}

const struct dslab_protocol protocol_two_phase_commit = {
    .name = "two-phase-commit",
    .summary = "2PC: n1 coordinates prepare/vote/commit with a durable log; blocks if n1 dies",
    .state_size = sizeof(struct tpc_state),
    .configure = tpc_configure,
    .destroy_config = proto_config_free,
    .init = tpc_init,
    .on_message = tpc_on_message,
    .on_timer = tpc_on_timer,
    .on_request = tpc_on_request,
    .on_restart = tpc_on_restart,
    .describe = tpc_describe,
    .message_label = tpc_message_label,
};
