/* primary_backup.c: primary-backup replication with heartbeat failover:
 * configuration, roles, failover, promotion, the primary's lease, and the
 * protocol vtable. The log, replication and client requests are in
 * pb_repl.c. Knobs and their trade-offs: docs/PROTOCOLS.md.
 *
 * n1 starts as the primary of epoch 1. The primary sends heartbeats every
 * `heartbeat` (they carry the log); a backup that hears no primary for
 * `failover_after` (plus a stagger by its rank after the last primary, so
 * the next node in line goes first) fails over:
 *
 *   fencing: false                          fencing: true
 *   backup --timeout--> primary(epoch+1)    backup --timeout--> candidate(epoch+1)
 *   (alone: nobody is asked)                  PROMOTE to all; a node grants if it has
 *                                             heard no primary for grant_quiet, knows
 *                                             no higher epoch and the candidate's log
 *                                             is at least as long (by epoch, seq)
 *                                           candidate --majority--> primary
 *
 * With fencing, a node that granted epoch E rejects replication of any
 * older epoch and answers "stale": the old primary learns it was deposed
 * and steps down. The primary also holds a lease: it serves clients only
 * while a majority acknowledged a heartbeat sent within `lease`, and steps
 * down the moment the lease runs out. Since lease < grant_quiet <=
 * failover_after, with clocks that do not drift apart the old primary has
 * stopped before any node grants a new epoch: one primary at a time.
 * Without fencing a partitioned primary keeps serving while the other side
 * promotes a new one: split brain, until heartbeats of the higher epoch
 * reach the old primary (it then steps down).
 *
 * Annotations: "role" (primary/backup/candidate, value = epoch), "epoch",
 * "commit", "fenced" (a stale primary learns it was deposed), "lease"
 * (a primary stepping down at lease expiry); at the end "final-state" and
 * one "final" per key (value = the key's value, text "key=K value=V"),
 * read by no-lost-acknowledged-writes and convergence. */
#include <stdlib.h>
#include <string.h>

#include "dslab/assert.h"
#include "dslab/time.h"
#include "protocols/pb_internal.h"
#include "protocols/proto_util.h"
#include "protocols/repl_majority.h"

/* --- configuration ---------------------------------------------------------- */

static const char *const pb_known_params[] = {
    "heartbeat", "failover_after", "replication", "fencing", "lease", "max_entries_per_message",
    "backup_reads", NULL,
};
static const char *const pb_replications[] = {"sync", "async", NULL};

static int pb_configure(const struct dslab_scenario *s, void **config_out, struct dslab_diag *diag) {
    struct pb_config c;
    memset(&c, 0, sizeof c);
    int replication = PB_SYNC;
    int64_t entries_max = 0;
    if (dslab_param_reject_unknown(s, pb_known_params, diag) != 0 ||
        dslab_param_duration_ns(s, "heartbeat", 50 * DSLAB_NS_PER_MS, &c.heartbeat_ns, diag) != 0 ||
        dslab_param_duration_ns(s, "failover_after", 300 * DSLAB_NS_PER_MS, &c.failover_after_ns, diag) != 0 ||
        dslab_param_choice(s, "replication", pb_replications, PB_SYNC, &replication, diag) != 0 ||
        dslab_param_bool(s, "fencing", false, &c.fencing, diag) != 0 ||
        dslab_param_bool(s, "backup_reads", false, &c.backup_reads, diag) != 0 ||
        dslab_param_duration_ns(s, "lease", c.failover_after_ns / 3 * 2, &c.lease_ns, diag) != 0 ||
        dslab_param_int(s, "max_entries_per_message", PB_REPL_ENTRIES_MAX, 1, PB_REPL_ENTRIES_MAX,
                  &entries_max, diag) != 0) {
        return -1;
    }
    if (s->nodes_count > PB_NODES_MAX) {
        return proto_error(s, diag, "primary-backup supports at most %d nodes, the scenario has %d",
                                    PB_NODES_MAX, (int)s->nodes_count);
    }
    if (c.heartbeat_ns <= 0) {
        return proto_param_error(s, "heartbeat", diag, "heartbeat must be > 0");
    }
    if (c.failover_after_ns <= c.heartbeat_ns) {
        return proto_param_error(s, "failover_after", diag,
                                 "failover_after must be longer than heartbeat");
    }
    if (c.lease_ns <= 0 || c.lease_ns >= c.failover_after_ns) {
        return proto_param_error(s, "lease", diag,
                                 "lease must be > 0 and shorter than failover_after (a new primary "
                                 "may be promoted failover_after after the last heartbeat)");
    }
    c.grant_quiet_ns = c.lease_ns + (c.failover_after_ns - c.lease_ns) / 2;
    c.replication = (enum pb_replication)replication;
    c.initial_primary = 0;
    c.entries_per_message_max = (int32_t)entries_max;
    return proto_config_keep(s, &c, sizeof c, config_out, diag);
}

const struct pb_config *pb_cfg(const struct dslab_node_ctx *ctx) {
    return dslab_ctx_config(ctx);
}

int32_t pb_majority(const struct pb_state *s) {
    return s->nodes_count / 2 + 1;
}

/* --- timers and roles -------------------------------------------------------- */

static void cancel(struct dslab_node_ctx *ctx, bool *armed, uint64_t id) {
    if (*armed) {
        dslab_ctx_cancel_timer(ctx, id);
        *armed = false;
    }
}

/* Backups wait failover_after plus half of it per node ahead of them in
 * line after the last primary, so the next node in line fails over first
 * and the others hear it before their own timers fire. */
static void arm_failover(struct dslab_node_ctx *ctx, struct pb_state *s, bool retry) {
    const struct pb_config *c = pb_cfg(ctx);
    cancel(ctx, &s->failover_timer_armed, s->failover_timer_id);
    int64_t delay_ns;
    if (retry) {
        delay_ns = c->failover_after_ns / 2 +
                   dslab_rng_range_i64(dslab_ctx_rng(ctx), 0, c->failover_after_ns / 2);
    } else {
        int32_t last = s->last_primary >= 0 ? s->last_primary : 0;
        int32_t rank = (s->self - last - 1 + s->nodes_count) % s->nodes_count;
        delay_ns = c->failover_after_ns + rank * (c->failover_after_ns / 2) +
                   dslab_rng_range_i64(dslab_ctx_rng(ctx), 0, c->heartbeat_ns / 2);
    }
    s->failover_timer_id = dslab_ctx_set_timer(ctx, delay_ns, PB_TIMER_FAILOVER);
    s->failover_timer_armed = true;
}

static void set_role(struct dslab_node_ctx *ctx, struct pb_state *s, enum pb_role role) {
    bool was_primary = s->role == PB_PRIMARY;
    s->role = role;
    dslab_ctx_report_role(ctx, pb_role_class(role), role == PB_CANDIDATE ? s->candidate_epoch : s->epoch,
                    "%s", pb_role_name(role));
    if (was_primary && role != PB_PRIMARY) {
        cancel(ctx, &s->heartbeat_timer_armed, s->heartbeat_timer_id);
        cancel(ctx, &s->lease_timer_armed, s->lease_timer_id);
        /* Writes waiting for acks may still be committed by the next
         * primary: no answer is the truthful one (the client times out). */
        s->pending_count = 0;
    }
}

static void set_epoch(struct dslab_node_ctx *ctx, struct pb_state *s, int64_t epoch) {
    if (epoch == s->epoch) {
        return;
    }
    DSLAB_ASSERT(epoch > s->epoch); /* epochs never go back */
    s->epoch = epoch;
    s->voted_for = -1;
    dslab_ctx_report_term(ctx, epoch, "epoch");
}

/* Follows `primary` (-1 = unknown) in `epoch` (>= current), persisting a
 * new epoch before anything that depends on it is sent. */
void pb_become_backup(struct dslab_node_ctx *ctx, struct pb_state *s, int64_t epoch, int32_t primary) {
    DSLAB_ASSERT(epoch >= s->epoch);
    if (epoch > s->epoch) {
        set_epoch(ctx, s, epoch);
        pb_persist_meta(ctx, s);
        dslab_ctx_store_sync(ctx);
    }
    s->primary_id = primary;
    if (primary >= 0) {
        s->last_primary = primary;
    }
    if (s->role != PB_BACKUP) {
        set_role(ctx, s, PB_BACKUP);
    }
    if (!s->failover_timer_armed) {
        arm_failover(ctx, s, false);
    }
}

void pb_heard_primary(struct dslab_node_ctx *ctx, struct pb_state *s, int32_t primary) {
    s->heard_primary = true;
    s->heard_primary_mono_ns = dslab_ctx_mono_ns(ctx);
    s->primary_id = primary;
    s->last_primary = primary;
    arm_failover(ctx, s, false);
}

static void become_primary(struct dslab_node_ctx *ctx, struct pb_state *s, int64_t acked_mono_ns) {
    /* One primary per epoch in this node's view: it never leads an epoch
     * whose grant it gave to another node. */
    DSLAB_ASSERT(s->voted_for == s->self || s->voted_for < 0);
    cancel(ctx, &s->failover_timer_armed, s->failover_timer_id);
    s->primary_id = s->self;
    s->last_primary = s->self;
    for (int32_t i = 0; i < s->nodes_count; i++) {
        s->next_seq[i] = s->log_len + 1;
        s->match_seq[i] = 0;
        bool granted = (s->grants_mask >> i) & 1u;
        s->acked_mono_ns[i] = granted ? acked_mono_ns : INT64_MIN;
    }
    /* A no-op of the new epoch: once it commits, everything before it has,
     * and reads may be served (the new primary's map is complete). */
    struct pb_entry noop;
    memset(&noop, 0, sizeof noop);
    noop.epoch = s->epoch;
    noop.cmd = KV_CMD_NOOP;
    s->own_seq = pb_log_append(ctx, s, &noop) == 0 ? s->log_len : s->log_len + 1;
    dslab_ctx_store_sync(ctx);
    s->match_seq[s->self] = s->log_len;
    set_role(ctx, s, PB_PRIMARY);
    s->heartbeat_timer_id = dslab_ctx_set_timer(ctx, pb_cfg(ctx)->heartbeat_ns, PB_TIMER_HEARTBEAT);
    s->heartbeat_timer_armed = true;
    if (pb_cfg(ctx)->replication == PB_ASYNC) {
        pb_set_commit(ctx, s, s->log_len);
    } else {
        pb_advance_commit(ctx, s);
    }
    pb_broadcast_repl(ctx, s);
    pb_update_lease(ctx, s);
}

/* --- the lease (fencing) -------------------------------------------------- */

/* The start of the lease: the majority-th latest acknowledged send time
 * (this node counts as now), or INT64_MIN. */
static int64_t lease_start_ns(const struct pb_state *s, int64_t now_ns) {
    return repl_majority_latest(s->acked_mono_ns, s->nodes_count, s->self, now_ns,
                                pb_majority(s));
}

bool pb_lease_held(struct dslab_node_ctx *ctx, const struct pb_state *s) {
    if (s->role != PB_PRIMARY) {
        return false;
    }
    if (!pb_cfg(ctx)->fencing) {
        return true;
    }
    int64_t now_ns = dslab_ctx_mono_ns(ctx);
    int64_t start_ns = lease_start_ns(s, now_ns);
    return start_ns != INT64_MIN && now_ns < start_ns + pb_cfg(ctx)->lease_ns;
}

/* Re-arms the lease timer at the lease's end, or steps down when it is over. */
void pb_update_lease(struct dslab_node_ctx *ctx, struct pb_state *s) {
    const struct pb_config *c = pb_cfg(ctx);
    if (!c->fencing || s->role != PB_PRIMARY) {
        return;
    }
    cancel(ctx, &s->lease_timer_armed, s->lease_timer_id);
    int64_t now_ns = dslab_ctx_mono_ns(ctx);
    int64_t start_ns = lease_start_ns(s, now_ns);
    if (start_ns == INT64_MIN || now_ns >= start_ns + c->lease_ns) {
        dslab_ctx_annotate(ctx, "lease", s->epoch,
                     "lease expired: no majority acked a heartbeat in the last %lld ms",
                     (long long)(c->lease_ns / DSLAB_NS_PER_MS));
        s->heard_primary = false;
        pb_become_backup(ctx, s, s->epoch, -1);
        return;
    }
    s->lease_timer_id = dslab_ctx_set_timer(ctx, start_ns + c->lease_ns - now_ns, PB_TIMER_LEASE);
    s->lease_timer_armed = true;
}

/* --- failover and promotion ---------------------------------------------------- */

/* A candidate asks for an epoch without adopting it: only a majority's
 * grant makes it real, so a node cut off from the majority does not come
 * back with a higher epoch that deposes a healthy primary. */
static void start_candidacy(struct dslab_node_ctx *ctx, struct pb_state *s) {
    s->candidate_epoch = (s->candidate_epoch > s->epoch ? s->candidate_epoch : s->epoch) + 1;
    s->primary_id = -1;
    s->grants_mask = dslab_bits_of(s->self);
    s->candidacy_mono_ns = dslab_ctx_mono_ns(ctx);
    set_role(ctx, s, PB_CANDIDATE);
    arm_failover(ctx, s, true);
    struct pb_promote_msg m;
    memset(&m, 0, sizeof m);
    m.type = PB_MSG_PROMOTE;
    m.epoch = s->candidate_epoch;
    m.last_seq = s->log_len;
    m.last_epoch = pb_epoch_at(s, s->log_len);
    m.sent_mono_ns = s->candidacy_mono_ns;
    for (int32_t peer = 0; peer < s->nodes_count; peer++) {
        if (peer != s->self) {
            dslab_ctx_send(ctx, peer, &m, sizeof m);
        }
    }
}

/* A majority granted candidate_epoch: adopt it durably, then lead. */
static void win_candidacy(struct dslab_node_ctx *ctx, struct pb_state *s) {
    set_epoch(ctx, s, s->candidate_epoch);
    s->voted_for = s->self;
    pb_persist_meta(ctx, s);
    dslab_ctx_store_sync(ctx);
    become_primary(ctx, s, s->candidacy_mono_ns);
}

static void on_failover_timeout(struct dslab_node_ctx *ctx, struct pb_state *s) {
    s->failover_timer_armed = false;
    if (s->role == PB_PRIMARY) {
        return;
    }
    if (pb_cfg(ctx)->fencing) {
        start_candidacy(ctx, s);
        if (dslab_bits_count(s->grants_mask) >= pb_majority(s)) {
            win_candidacy(ctx, s); /* a one-node cluster */
        }
        return;
    }
    /* No fencing: nobody is asked. The next epoch is this node's. */
    set_epoch(ctx, s, s->epoch + 1);
    pb_persist_meta(ctx, s);
    dslab_ctx_store_sync(ctx);
    s->grants_mask = 0;
    become_primary(ctx, s, INT64_MIN);
}

static bool log_at_least(const struct pb_state *s, const struct pb_promote_msg *m) {
    int64_t last_epoch = pb_epoch_at(s, s->log_len);
    return m->last_epoch > last_epoch || (m->last_epoch == last_epoch && m->last_seq >= s->log_len);
}

static void on_promote(struct dslab_node_ctx *ctx, struct pb_state *s, int32_t from,
                       const struct pb_promote_msg *m) {
    struct pb_promote_msg r;
    memset(&r, 0, sizeof r);
    r.type = PB_MSG_PROMOTE_RESP;
    r.epoch = m->epoch;
    r.sent_mono_ns = m->sent_mono_ns;
    bool quiet = !s->heard_primary ||
                 dslab_ctx_mono_ns(ctx) - s->heard_primary_mono_ns >= pb_cfg(ctx)->grant_quiet_ns;
    bool regrant = m->epoch == s->epoch && s->voted_for == from;
    if (s->role != PB_PRIMARY && quiet && (m->epoch > s->epoch || regrant)) {
        if (log_at_least(s, m)) {
            pb_become_backup(ctx, s, m->epoch, -1);
            s->voted_for = from;
            pb_persist_meta(ctx, s);
            dslab_ctx_store_sync(ctx); /* the promise is durable before it is sent */
            r.granted = 1;
            /* Granting counts as hearing a primary: no other candidate gets
             * this node's grant for grant_quiet, which dates the lease. */
            s->heard_primary = true;
            s->heard_primary_mono_ns = dslab_ctx_mono_ns(ctx);
            s->last_primary = from;
            arm_failover(ctx, s, false);
            dslab_ctx_annotate(ctx, "grant", m->epoch, "grant epoch %lld to %s",
                         (long long)m->epoch, dslab_ctx_node_name(ctx, from));
        }
    }
    r.known_epoch = s->epoch;
    dslab_ctx_send(ctx, from, &r, sizeof r);
}

static void on_promote_resp(struct dslab_node_ctx *ctx, struct pb_state *s, int32_t from,
                            const struct pb_promote_msg *m) {
    if (!m->granted) {
        if (m->known_epoch > s->epoch) {
            pb_become_backup(ctx, s, m->known_epoch, -1);
        }
        return;
    }
    if (s->role != PB_CANDIDATE || m->epoch != s->candidate_epoch) {
        return; /* a late answer to an earlier candidacy */
    }
    s->grants_mask |= dslab_bits_of(from);
    if (dslab_bits_count(s->grants_mask) >= pb_majority(s)) {
        win_candidacy(ctx, s);
    }
}

/* --- vtable ---------------------------------------------------------------------- */

static void pb_common_boot(struct dslab_node_ctx *ctx, struct pb_state *s) {
    s->booted = true;
    s->self = dslab_ctx_self(ctx);
    s->nodes_count = dslab_ctx_nodes_count(ctx);
    s->primary_id = -1;
    s->last_primary = pb_cfg(ctx)->initial_primary;
    s->role = PB_BACKUP;
}

static void pb_init(struct dslab_node_ctx *ctx, void *state) {
    struct pb_state *s = state;
    pb_common_boot(ctx, s);
    pb_load(ctx, s);
    if (s->epoch == 0) {
        /* Epoch 1 is configuration: its primary needs nobody's grant. */
        s->epoch = 1;
        s->voted_for = pb_cfg(ctx)->initial_primary;
        pb_persist_meta(ctx, s);
        dslab_ctx_store_sync(ctx);
    }
    if (s->self == pb_cfg(ctx)->initial_primary && s->epoch == 1 && s->log_len == 0) {
        s->grants_mask = ~UINT64_C(0);
        become_primary(ctx, s, dslab_ctx_mono_ns(ctx));
        s->grants_mask = 0;
        return;
    }
    s->primary_id = s->epoch == 1 ? pb_cfg(ctx)->initial_primary : -1;
    dslab_ctx_report_role(ctx, pb_role_class(s->role), s->epoch, "%s", pb_role_name(s->role));
    arm_failover(ctx, s, false);
}

/* After a crash: back as a backup with the durable epoch and log; the map
 * is rebuilt as the primary's commit point arrives. */
static void pb_restart(struct dslab_node_ctx *ctx, void *state) {
    struct pb_state *s = state;
    pb_common_boot(ctx, s);
    pb_load(ctx, s);
    dslab_ctx_report_role(ctx, pb_role_class(s->role), s->epoch, "%s", pb_role_name(s->role));
    arm_failover(ctx, s, false);
}

static void pb_on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *msg,
                          size_t len) {
    struct pb_state *s = state;
    uint8_t type = len > 0 ? *(const uint8_t *)msg : 0;
    if (from < 0 || from >= s->nodes_count || from == s->self) {
        return;
    }
    if (type == PB_MSG_REPL) {
        struct pb_repl_msg m;
        if (!repl_log_batch_receive(pb_log_spec(), msg, len, sizeof m.head, PB_REPL_ENTRIES_MAX, &m)) {
            return; /* malformed: ignore */
        }
        pb_on_repl(ctx, s, from, &m);
    } else if (type == PB_MSG_REPL_RESP) {
        struct pb_repl_resp_msg m;
        if (proto_msg_fixed(&m, sizeof m, msg, len)) {
            pb_on_repl_resp(ctx, s, from, &m);
        }
    } else if ((type == PB_MSG_PROMOTE || type == PB_MSG_PROMOTE_RESP) && pb_cfg(ctx)->fencing) {
        struct pb_promote_msg m;
        if (!proto_msg_fixed(&m, sizeof m, msg, len)) {
            /* malformed: ignore */
        } else if (type == PB_MSG_PROMOTE) {
            on_promote(ctx, s, from, &m);
        } else {
            on_promote_resp(ctx, s, from, &m);
        }
    }
}

static void pb_on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t timer_id, uint64_t tag) {
    struct pb_state *s = state;
    if (tag == PB_TIMER_FAILOVER && s->failover_timer_armed && timer_id == s->failover_timer_id) {
        on_failover_timeout(ctx, s);
    } else if (tag == PB_TIMER_HEARTBEAT && s->heartbeat_timer_armed &&
               timer_id == s->heartbeat_timer_id && s->role == PB_PRIMARY) {
        s->heartbeat_timer_id = dslab_ctx_set_timer(ctx, pb_cfg(ctx)->heartbeat_ns, PB_TIMER_HEARTBEAT);
        pb_broadcast_repl(ctx, s);
    } else if (tag == PB_TIMER_LEASE && s->lease_timer_armed && timer_id == s->lease_timer_id) {
        s->lease_timer_armed = false;
        pb_update_lease(ctx, s);
    }
}

static void pb_on_finish(struct dslab_node_ctx *ctx, void *state) {
    const struct pb_state *s = state;
    if (s->booted) {
        pb_annotate_final(ctx, s);
    }
}

const struct dslab_protocol protocol_primary_backup = {
    .name = "primary-backup",
    .summary = "primary-backup: heartbeat failover, sync/async replication, optional fencing",
    .state_size = sizeof(struct pb_state),
    .configure = pb_configure,
    .destroy_config = proto_config_free,
    .init = pb_init,
    .on_message = pb_on_message,
    .on_timer = pb_on_timer,
    .on_request = pb_on_request,
    .on_restart = pb_restart,
    .describe = pb_describe,
    .message_label = pb_message_label,
    .on_finish = pb_on_finish,
};
