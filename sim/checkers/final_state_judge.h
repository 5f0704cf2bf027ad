/* final_state_judge.h (private to sim/checkers/): the verdicts a checker
 * of final states (struct final_state_bounded) gives before it judges
 * anything: out of memory, no live replica, or a run that ended before
 * the bound after the last fault or write, and the keys no client
 * updated. Shared by counter-exact and set-membership; convergence words
 * its own. */
#ifndef DSLAB_FINAL_STATE_JUDGE_H
#define DSLAB_FINAL_STATE_JUDGE_H

#include <stdbool.h>

#include "checkers/final_state.h"
#include "checkers/update_ops.h"
#include "dslab/check.h"

/* A node that is up at the end and reported its final state. */
bool final_state_live(const struct final_state *fs, int32_t node);
/* Seals the final state; returns true when the run can be judged, else
 * false with the verdict UNKNOWN and the summary saying why. */
bool final_state_judgeable(struct final_state_bounded *st, int64_t end_ns,
                           struct dslab_check_result *result);
/* final_state_judgeable, then the history's updates into *ops (the caller
 * frees them with update_ops_free): true when there is something to judge,
 * else false with the verdict UNKNOWN (also when out of memory). */
bool final_state_judgeable_updates(struct final_state_bounded *st, const struct dslab_history *history,
                                   int64_t end_ns, struct dslab_check_result *result, struct update_ops *ops);

/* The keys live replicas hold at the end that no update in `ops` touched
 * (they must still hold their initial value), each once, at its first live
 * holder, in the final state's order:
 *   for (size_t k = 0; final_state_next_unupdated(fs, ops, &k, &key);) ...
 * Sets *key and returns true, or false when there are no more. */
bool final_state_next_unupdated(const struct final_state *fs, const struct update_ops *ops, size_t *k,
                                int64_t *key);

#endif
