/* raft_snapshot.c: InstallSnapshot as a cost on the link (docs/PROTOCOLS.md,
 * raft `snapshot_bytes`).
 *
 * This Raft keeps its whole log (no compaction), so a snapshot here is a
 * transfer of declared size, not of content: a follower the leader would
 * have to send everything from index 1 (its log is empty: a blank disk, a
 * new node) after entries have committed first gets `snapshot_bytes` on
 * the wire (dslab_ctx_send_sized), then the entries as usual. With a link
 * model (costs.links) the transfer occupies the leader's link to that
 * follower, and every message behind it waits: unchunked, the heartbeats
 * wait for the whole snapshot. With `snapshot_chunk_bytes` the leader
 * sends one chunk at a time and the next only when the follower has
 * acknowledged it, so heartbeats slip in between chunks.
 *
 *   leader                         follower (empty log)
 *     Heartbeat prev=0 (probe) ---->
 *     <---------------------------- AppendResp ok 0
 *     InstallSnapshot [0, c) ------>  (resets its election timer)
 *     <---------------------------- SnapshotResp [0, c)
 *     InstallSnapshot [c, 2c) ----->  ... until total, then AppendEntries [1..]
 *
 * A chunk lost (dropped, or the follower crashed) is sent again when an
 * answer to a round sent two rounds after it comes back without it. */
#include <string.h>

#include "protocols/raft_internal.h"

bool raft_snapshot_holds(struct dslab_node_ctx *ctx, const struct raft_state *s, int32_t peer) {
    return raft_cfg(ctx)->snapshot_bytes > 0 && s->role == RAFT_LEADER &&
           !s->snap_installed[peer] && s->next_index[peer] == 1 && s->commit_index > 0;
}

static void send_chunk(struct dslab_node_ctx *ctx, struct raft_state *s, int32_t peer) {
    const struct raft_config *c = raft_cfg(ctx);
    struct raft_snapshot_msg m;
    memset(&m, 0, sizeof m);
    m.type = RAFT_MSG_SNAPSHOT;
    m.term = s->current_term;
    m.offset = s->snap_offset[peer];
    m.total = c->snapshot_bytes;
    int64_t left = m.total - m.offset;
    m.len = c->snapshot_chunk_bytes > 0 && c->snapshot_chunk_bytes < left ? c->snapshot_chunk_bytes
                                                                            : left;
    RAFT_ASSERT(m.len > 0);
    s->snap_inflight[peer] = true;
    s->snap_seq[peer] = s->heartbeat_seq;
    dslab_ctx_send_sized(ctx, peer, &m, sizeof m, (uint64_t)m.len);
}

void raft_snapshot_progress(struct dslab_node_ctx *ctx, struct raft_state *s, int32_t peer,
                            uint64_t seq) {
    if (!raft_snapshot_holds(ctx, s, peer)) {
        return;
    }
    if (!s->snap_inflight[peer] || seq >= s->snap_seq[peer] + 2) {
        send_chunk(ctx, s, peer);
    }
}

void raft_on_snapshot(struct dslab_node_ctx *ctx, struct raft_state *s, int32_t from,
                      const struct raft_snapshot_msg *m) {
    struct raft_snapshot_msg r;
    memset(&r, 0, sizeof r);
    r.type = RAFT_MSG_SNAPSHOT_RESP;
    r.offset = m->offset;
    r.len = m->len;
    r.total = m->total;
    if (m->term >= s->current_term) {
        raft_heard_leader(ctx, s, from, m->term);
    }
    r.term = s->current_term;
    dslab_ctx_send(ctx, from, &r, sizeof r);
}

void raft_on_snapshot_resp(struct dslab_node_ctx *ctx, struct raft_state *s, int32_t from,
                           const struct raft_snapshot_msg *m) {
    if (!raft_leader_answered(ctx, s, m->term) || !s->snap_inflight[from] ||
        m->offset != s->snap_offset[from] || m->len <= 0) {
        return; /* stale, a duplicate, or a newer term: it follows now */
    }
    s->snap_inflight[from] = false;
    s->snap_offset[from] += m->len;
    if (s->snap_offset[from] < raft_cfg(ctx)->snapshot_bytes) {
        send_chunk(ctx, s, from);
        return;
    }
    s->snap_installed[from] = true;
    dslab_ctx_annotate(ctx, "snapshot", s->current_term, "snapshot of %lld bytes installed on %s",
                       (long long)s->snap_offset[from], dslab_ctx_node_name(ctx, from));
    raft_send_append(ctx, s, from);
}
