/* repl_majority.h (private to sim/protocols/): the majority rules a
 * leader of a replicated log applies - which index a majority stores, when
 * a majority last confirmed it (leases), moving the commit point - and
 * the answer a non-leader gives a client. Shared by Raft and
 * primary-backup; node indexes run 0 .. nodes_count - 1. */
#ifndef DSLAB_REPL_MAJORITY_H
#define DSLAB_REPL_MAJORITY_H

#include <stdbool.h>
#include <stdint.h>

#include "dslab/bits.h"
#include "dslab/node.h"
#include "protocols/repl_log.h"

/* Acks and votes are bit masks of node indexes (dslab/bits.h). */
#define REPL_NODES_MAX DSLAB_BITS_NODES_MAX

/* The highest index above `commit` stored by `majority` nodes (match[i] =
 * the last index node i is known to store), or 0 when none. Counting stops
 * at the first entry, from the end, whose term is not `term` unless
 * any_term: an entry of an earlier term never commits by counting
 * replicas (Raft's Figure 8); it commits with a later one of `term`. */
int64_t repl_majority_index(const struct repl_log_spec *spec, const void *entries, int64_t len,
                            const int64_t *match, int32_t nodes_count, int32_t majority,
                            int64_t commit, int64_t term, bool any_term);
/* The `majority`-th latest of times[] (this node, `self`, counts as
 * now_ns): the moment a majority had last confirmed the leader, where a
 * lease starts. INT64_MIN entries are "never". */
int64_t repl_majority_latest(const int64_t *times, int32_t nodes_count, int32_t self,
                             int64_t now_ns, int32_t majority);
/* Moves *commit_index to `commit` (at most len) if that is further, with
 * the "commit" annotation; returns false when it did not move. */
bool repl_commit_to(struct dslab_node_ctx *ctx, int64_t *commit_index, int64_t len, int64_t commit);
/* A follower answered the leader (of the leader's current term, for the
 * entries it sent at sent_mono_ns): *acked_sent_mono_ns (the latest such
 * send time, for leases) only moves forward; a success raises *match to
 * answer_match (the last index the follower is known to store) and puts
 * *next right after *match. A failure leaves both to the caller (Raft and
 * primary-backup back off differently). */
void repl_follower_answered(int64_t *acked_sent_mono_ns, int64_t *match, int64_t *next,
                            int64_t sent_mono_ns, bool success, int64_t answer_match);
/* "Did not happen": the client is sent to `leader` when this node knows
 * another one, else told DSLAB_REPLY_FAIL. */
void repl_reply_not_done(struct dslab_node_ctx *ctx, uint64_t request_id, int32_t leader, int32_t self);

#endif
