/* repl_majority.c: majority counting, lease start, commit point and the
 * not-the-leader answer for Raft and primary-backup (repl_majority.h). */
#include "protocols/repl_majority.h"

#include "dslab/assert.h"

int64_t repl_majority_index(const struct repl_log_spec *spec, const void *entries, int64_t len,
                            const int64_t *match, int32_t nodes_count, int32_t majority,
                            int64_t commit, int64_t term, bool any_term) {
    for (int64_t n = len; n > commit; n--) {
        if (!any_term && repl_log_term_at(spec, entries, len, n) != term) {
            return 0; /* only entries of the leader's own term commit by counting */
        }
        int32_t count = 0;
        for (int32_t i = 0; i < nodes_count; i++) {
            count += match[i] >= n;
        }
        if (count >= majority) {
            return n;
        }
    }
    return 0;
}

int64_t repl_majority_latest(const int64_t *times, int32_t nodes_count, int32_t self,
                             int64_t now_ns, int32_t majority) {
    DSLAB_ASSERT(nodes_count <= REPL_NODES_MAX && majority >= 1 && majority <= nodes_count);
    int64_t sorted[REPL_NODES_MAX];
    int32_t n = 0;
    for (int32_t i = 0; i < nodes_count; i++) {
        int64_t t = i == self ? now_ns : times[i];
        int32_t j = n++;
        for (; j > 0 && sorted[j - 1] < t; j--) {
            sorted[j] = sorted[j - 1];
        }
        sorted[j] = t;
    }
    return sorted[majority - 1];
}

bool repl_commit_to(struct dslab_node_ctx *ctx, int64_t *commit_index, int64_t len, int64_t commit) {
    if (commit > len) {
        commit = len;
    }
    if (commit <= *commit_index) {
        return false; /* the commit point never moves back */
    }
    *commit_index = commit;
    dslab_ctx_annotate(ctx, "commit", commit, "commit %lld", (long long)commit);
    return true;
}

void repl_follower_answered(int64_t *acked_sent_mono_ns, int64_t *match, int64_t *next,
                            int64_t sent_mono_ns, bool success, int64_t answer_match) {
    if (sent_mono_ns > *acked_sent_mono_ns) {
        *acked_sent_mono_ns = sent_mono_ns;
    }
    if (!success) {
        return;
    }
    if (answer_match > *match) {
        *match = answer_match;
    }
    *next = *match + 1;
}

void repl_reply_not_done(struct dslab_node_ctx *ctx, uint64_t request_id, int32_t leader, int32_t self) {
    if (leader >= 0 && leader != self) {
        dslab_ctx_reply(ctx, request_id, DSLAB_REPLY_REDIRECT, leader);
    } else {
        dslab_ctx_reply(ctx, request_id, DSLAB_REPLY_FAIL, 0);
    }
}
