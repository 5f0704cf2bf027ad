/* raft.c: your Raft node for labs 3, 4 and 5 (README.md of each): grow it
 * lab by lab and grade each step:
 *   dslab grade labs/raft-election --node raft.c   leader election
 *   dslab grade labs/raft-log --node raft.c        log replication, commit rule
 *   dslab grade labs/raft-kv --node raft.c         linearizable reads and writes
 *
 * What the checkers read (keep these reports, dslab/node.h):
 *   dslab_ctx_report_role(ctx, DSLAB_ROLE_LEADER, term, "leader")  when this node becomes leader
 *   dslab_ctx_report_role(ctx, DSLAB_ROLE_FOLLOWER or DSLAB_ROLE_CANDIDATE, term, ...) on other changes
 *   at the end (on_finish), dslab_ctx_report_final_state and one
 *   dslab_ctx_report_final_value(ctx, key, value) per key: the store's final
 *   values, for no-lost-acknowledged-writes.
 * Clients: on_request gets reads, writes and cas (struct dslab_client_request);
 * answer with dslab_ctx_reply: DSLAB_REPLY_OK, DSLAB_REPLY_FAIL (certainly not done),
 * DSLAB_REPLY_REDIRECT (value = the leader's index; the client retries there)
 * or DSLAB_REPLY_UNKNOWN. The battery passes election_timeout_min,
 * election_timeout_max, heartbeat and max_entries_per_append.
 * Persistent state (current term, vote, log) goes through dslab_ctx_store_put +
 * dslab_ctx_store_sync before you answer a message that depends on it.
 * Only "dslab/node.h" (docs/NODE_API.md). */
#include <stdlib.h>
#include <string.h>

#include "dslab/node.h"

struct config {
    int64_t election_timeout_min_ns, election_timeout_max_ns, heartbeat_ns, entries_per_append_max;
};

enum role { FOLLOWER, CANDIDATE, LEADER };
enum timer_tag { TIMER_ELECTION = 1, TIMER_HEARTBEAT = 2 };

/* Zeroed by the simulator before init() and after a crash. */
struct state {
    enum role role;
    int64_t current_term;
    int32_t voted_for; /* -1: none (set it in init: the block starts zeroed) */
    uint64_t election_timer;
    /* TODO: votes, the log, commit index, next/match index per peer, ... */
};

static int node_configure(const struct dslab_scenario *s, void **config_out, struct dslab_diag *diag) {
    static const char *const known[] = {"election_timeout_min", "election_timeout_max", "heartbeat",
                                        "max_entries_per_append", NULL};
    struct config *c = calloc(1, sizeof *c);
    if (!c) return dslab_diag_set(diag, s->path, 0, 0, "out of memory");
    if (dslab_param_reject_unknown(s, known, diag) != 0 ||
        dslab_param_duration_ns(s, "election_timeout_min", 150000000, &c->election_timeout_min_ns, diag) != 0 ||
        dslab_param_duration_ns(s, "election_timeout_max", 300000000, &c->election_timeout_max_ns, diag) != 0 ||
        dslab_param_duration_ns(s, "heartbeat", 50000000, &c->heartbeat_ns, diag) != 0 ||
        dslab_param_int(s, "max_entries_per_append", 16, 1, 64, &c->entries_per_append_max, diag) != 0) {
        free(c);
        return -1;
    }
    *config_out = c;
    return 0;
}

static void node_destroy_config(void *config) {
    free(config);
}

static void reset_election_timer(struct dslab_node_ctx *ctx, struct state *st) {
    const struct config *c = dslab_ctx_config(ctx);
    dslab_ctx_cancel_timer(ctx, st->election_timer);
    /* TODO: is the same timeout on every node a good idea? (dslab_rng_range_i64(dslab_ctx_rng(ctx), ...)) */
    st->election_timer = dslab_ctx_set_timer(ctx, c->election_timeout_min_ns, TIMER_ELECTION);
}

static void node_init(struct dslab_node_ctx *ctx, void *state) {
    struct state *st = state;
    st->voted_for = -1;
    /* TODO: read the term, vote and log back from the store (after a restart). */
    dslab_ctx_report_role(ctx, DSLAB_ROLE_FOLLOWER, st->current_term, "follower");
    reset_election_timer(ctx, st);
}

static void node_on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t timer_id, uint64_t tag) {
    struct state *st = state;
    (void)timer_id;
    if (tag == TIMER_ELECTION && st->role != LEADER) {
        /* TODO: become a candidate: new term, vote for yourself (durably),
         * ask every peer for its vote (dslab_ctx_send), count the answers. */
        reset_election_timer(ctx, st);
    }
}

static void node_on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *msg, size_t len) {
    (void)ctx, (void)state, (void)from, (void)msg, (void)len;
    /* TODO: RequestVote, AppendEntries and their answers (your own message
     * layout: a struct you copy in and out with memcpy, at most 1024 bytes). */
}

static void node_on_request(struct dslab_node_ctx *ctx, void *state, const struct dslab_client_request *req) {
    (void)state;
    /* TODO (lab 4, 5): a leader appends, replicates, commits, applies, answers. */
    dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_FAIL, DSLAB_HISTORY_NIL);
}

static void node_on_finish(struct dslab_node_ctx *ctx, void *state) {
    (void)state;
    /* TODO (lab 4): one dslab_ctx_report_final_value per key of your state machine. */
    dslab_ctx_report_final_state(ctx, 0, "0 keys");
}

const struct dslab_protocol dslab_node_protocol = {
    .api_version = DSLAB_NODE_API_VERSION,
    .name = "my-raft",
    .summary = "labs 3-5: Raft",
    .state_size = sizeof(struct state),
    .configure = node_configure,
    .destroy_config = node_destroy_config,
    .init = node_init,
    .on_message = node_on_message,
    .on_timer = node_on_timer,
    .on_request = node_on_request,
    .on_finish = node_on_finish,
};
