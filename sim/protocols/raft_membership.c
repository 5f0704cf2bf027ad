/* raft_membership.c: Raft cluster membership change, one server at a time
 * (Ongaro's thesis, section 4.1). Docs: docs/PROTOCOLS.md, "Membership
 * change".
 *
 * - A configuration is a log entry (cmd RAFT_CMD_CONFIG, value = the
 *   voting members as a bit mask, key = its step number). Every node uses
 *   the latest configuration in its log, committed or not; a truncation
 *   that drops it brings the one before back. With none, the scenario's
 *   `members` (default: every node).
 * - Changes come from the scenario's script (`membership: "add n4 at 2s,
 *   remove n1 at 4s"`): the steps are applied in order, step k + 1 after
 *   step k is in the leader's log; a leader proposes the next step once
 *   its monotonic clock reached the step's time and (safe mode) the
 *   previous configuration entry is committed AND an entry of its own term
 *   (its no-op) is committed. The second condition is the fix of the bug
 *   in single-server changes found after the thesis (raft-dev, 2015): a
 *   new leader could otherwise append a change on top of an uncommitted
 *   change of an earlier leader and two majorities that do not overlap
 *   could both decide.
 * - A leader that removes itself keeps leading (without counting itself)
 *   until that entry commits, then steps down.
 * - A node that is not a member arms no election timer: it stands for
 *   nothing, but answers AppendEntries and votes (a new server catches up
 *   by ordinary replication). A new server counts towards majorities from
 *   the moment the entry adding it is in the leader's log: there is no
 *   non-voting catch-up phase (the thesis' 4.2.1), so adding an empty
 *   server to a cluster with a member down can stall commits until it
 *   caught up.
 * The script is parsed in raft_membership_parse.c.
 * - `membership_change: direct` (unsafe, a lesson): the leader proposes
 *   every due step at once, without either wait; two steps at the same
 *   time then change two servers at once, and the old and the new
 *   configuration can elect two leaders in one term. */
#include <stdio.h>
#include <string.h>

#include "protocols/raft_internal.h"

/* --- configuration from the log ------------------------------------------- */

bool raft_is_member(const struct raft_state *s, int32_t node) {
    return node >= 0 && node < 64 && (s->config_mask >> node) & 1;
}

int32_t raft_members_in(const struct raft_state *s, uint64_t mask) {
    return __builtin_popcountll(mask & s->config_mask);
}

void raft_config_refresh(struct dslab_node_ctx *ctx, struct raft_state *s) {
    const struct raft_config *c = raft_cfg(ctx);
    uint64_t was = s->config_mask;
    s->config_mask = c->membership_on ? c->initial_members : raft_all_nodes_mask(s->nodes_count);
    s->config_index = 0;
    s->config_step = 0;
    if (!c->membership_on) return;
    const struct raft_entry *log = raft_entries(s);
    for (int64_t i = s->log_len; i >= 1; i--) {
        if (log[i - 1].cmd == RAFT_CMD_CONFIG) {
            s->config_mask = (uint64_t)log[i - 1].value;
            s->config_index = i;
            s->config_step = (int32_t)log[i - 1].key;
            break;
        }
    }
    RAFT_ASSERT(s->config_mask != 0 && s->config_step >= 0 && s->config_step <= c->steps_count);
    if (s->config_mask != was) {
        char names[512];
        size_t used = 0;
        names[0] = '\0';
        for (int32_t i = 0; i < s->nodes_count && used + 1 < sizeof names; i++) {
            if (raft_is_member(s, i)) {
                int n = snprintf(names + used, sizeof names - used, "%s%s", used ? "," : "",
                                 dslab_ctx_node_name(ctx, i));
                if (n > 0) used += (size_t)n;
            }
        }
        dslab_ctx_annotate(ctx, "config", s->config_step, "config %s (step %d at %lld)%s", names,
                           (int)s->config_step, (long long)s->config_index,
                           raft_is_member(s, s->self) ? "" : ": not a member");
    }
}

void raft_config_follow(struct dslab_node_ctx *ctx, struct raft_state *s) {
    if (!raft_cfg(ctx)->membership_on) return;
    raft_config_refresh(ctx, s);
    if (s->role == RAFT_LEADER) return;
    if (raft_is_member(s, s->self)) {
        if (!s->election_timer_armed) raft_reset_election_timer(ctx, s);
    } else if (s->election_timer_armed) {
        dslab_ctx_cancel_timer(ctx, s->election_timer_id);
        s->election_timer_armed = false;
    }
}

int32_t raft_member_values(const struct raft_state *s, const int64_t *values, int64_t *out,
                           int32_t *self_out) {
    int32_t n = 0;
    *self_out = -1;
    for (int32_t i = 0; i < s->nodes_count; i++) {
        if (!raft_is_member(s, i)) continue;
        if (i == s->self) *self_out = n;
        out[n++] = values[i];
    }
    return n;
}

/* --- the leader's side ------------------------------------------------------ */

void raft_membership_tick(struct dslab_node_ctx *ctx, struct raft_state *s) {
    const struct raft_config *c = raft_cfg(ctx);
    if (!c->membership_on) return;
    while (s->role == RAFT_LEADER && s->config_step < c->steps_count) {
        const struct raft_member_step *st = &c->steps[s->config_step];
        if (dslab_ctx_mono_ns(ctx) < st->at_ns) return;
        if (!c->membership_direct) {
            /* One change at a time: the previous one is committed. */
            if (s->commit_index < s->config_index) return;
            /* And an entry of this leader's term is committed (its no-op):
             * until then an uncommitted change of an earlier leader may
             * still be in some logs, and this one on top of it could give
             * two majorities that do not overlap. */
            if (s->commit_index < s->noop_index) return;
        }
        /* The safe rule, stated where it must hold. */
        RAFT_ASSERT(c->membership_direct ||
                    (s->commit_index >= s->config_index && s->commit_index >= s->noop_index));
        struct raft_entry e;
        memset(&e, 0, sizeof e);
        e.term = s->current_term;
        e.cmd = RAFT_CMD_CONFIG;
        e.key = s->config_step + 1;
        uint64_t bit = UINT64_C(1) << st->node;
        e.value = (int64_t)(st->add ? s->config_mask | bit : s->config_mask & ~bit);
        RAFT_ASSERT((uint64_t)e.value != 0); /* checked when the script was parsed */
        if (raft_log_append(ctx, s, &e) != 0) return; /* full: no change */
        raft_config_refresh(ctx, s);
        RAFT_ASSERT(s->config_index == s->log_len && s->config_step == (int32_t)e.key);
        if (!c->ack_before_sync) dslab_ctx_store_sync(ctx);
        s->leader_synced_len = s->log_len;
        s->match_index[s->self] = s->log_len;
        if (st->add) {
            /* An empty server: find its log's end from the top down. */
            s->next_index[st->node] = s->log_len;
            s->match_index[st->node] = 0;
        }
        raft_broadcast_append(ctx, s);
        raft_advance_commit(ctx, s); /* a one-member configuration commits at once */
    }
}

void raft_membership_committed(struct dslab_node_ctx *ctx, struct raft_state *s) {
    if (!raft_cfg(ctx)->membership_on || s->role != RAFT_LEADER) return;
    if (raft_is_member(s, s->self) || s->commit_index < s->config_index) return;
    dslab_ctx_annotate(ctx, "removed", s->config_index,
                       "leader steps down: the config at %lld that removed it is committed",
                       (long long)s->config_index);
    raft_become_follower(ctx, s, s->current_term);
    s->leader_id = -1;
}

void raft_membership_arm(struct dslab_node_ctx *ctx, struct raft_state *s) {
    const struct raft_config *c = raft_cfg(ctx);
    if (!c->membership_on || s->membership_timer_armed) return;
    int64_t now_ns = dslab_ctx_mono_ns(ctx);
    for (int32_t i = 0; i < c->steps_count; i++) {
        if (c->steps[i].at_ns > now_ns) {
            s->membership_timer_id = dslab_ctx_set_timer(ctx, c->steps[i].at_ns - now_ns,
                                                         RAFT_TIMER_MEMBERSHIP);
            s->membership_timer_armed = true;
            return;
        }
    }
}
