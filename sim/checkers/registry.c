/* registry.c: the built-in checkers, by the name scenarios use in `checks:`.
 * Add a checker: define `const struct dslab_checker checker_NAME` in its own file
 * here and list it below. */
#include <string.h>

#include "dslab/check.h"

extern const struct dslab_checker checker_one_leader_per_term;
extern const struct dslab_checker checker_leader_available;
extern const struct dslab_checker checker_linearizable;
extern const struct dslab_checker checker_single_primary_per_epoch;
extern const struct dslab_checker checker_single_primary_at_once;
extern const struct dslab_checker checker_no_lost_acknowledged_writes;
extern const struct dslab_checker checker_convergence;
extern const struct dslab_checker checker_atomic_commit;
extern const struct dslab_checker checker_slo;
extern const struct dslab_checker checker_fd_accuracy;
extern const struct dslab_checker checker_leader_stable;
extern const struct dslab_checker checker_stale_reads;
extern const struct dslab_checker checker_mutual_exclusion;
extern const struct dslab_checker checker_echo;
extern const struct dslab_checker checker_unique_ids;
extern const struct dslab_checker checker_broadcast;
extern const struct dslab_checker checker_load_balance;
extern const struct dslab_checker checker_counter_exact;
extern const struct dslab_checker checker_set_membership;
extern const struct dslab_checker checker_exactly_once_effects;
extern const struct dslab_checker checker_money_conserved;
extern const struct dslab_checker checker_read_your_writes;
extern const struct dslab_checker checker_monotonic_reads;
extern const struct dslab_checker checker_arrival_peak;

static const struct dslab_checker *const checkers[] = {
    &checker_one_leader_per_term,
    &checker_leader_available,
    &checker_linearizable,
    &checker_single_primary_per_epoch,
    &checker_single_primary_at_once,
    &checker_no_lost_acknowledged_writes,
    &checker_convergence,
    &checker_atomic_commit,
    &checker_slo,
    &checker_fd_accuracy,
    &checker_leader_stable,
    &checker_stale_reads,
    &checker_mutual_exclusion,
    &checker_echo,
    &checker_unique_ids,
    &checker_broadcast,
    &checker_load_balance,
    &checker_counter_exact,
    &checker_set_membership,
    &checker_exactly_once_effects,
    &checker_money_conserved,
    &checker_read_your_writes,
    &checker_monotonic_reads,
    &checker_arrival_peak,
    NULL, /* replaced as checkers land; see dslab_checker_count() */
};

int dslab_checker_count(void) {
    int n = 0;
    for (size_t i = 0; i < sizeof checkers / sizeof checkers[0]; i++) {
        if (checkers[i]) n++;
    }
    return n;
}

const struct dslab_checker *dslab_checker_at(int index) {
    return index >= 0 && index < dslab_checker_count() ? checkers[index] : NULL;
}

const struct dslab_checker *dslab_checker_find(const char *name) {
    for (int i = 0; i < dslab_checker_count(); i++) {
        if (strcmp(checkers[i]->name, name) == 0) {
            return checkers[i];
        }
    }
    return NULL;
}
