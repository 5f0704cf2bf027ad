/* explore_shrink.c: delta debugging of a failing fault schedule.
 *
 * Given a seed and a schedule on which a check fails, find a smaller
 * schedule on which the same check still fails with the same seed:
 *   1. remove episodes: halves, quarters, ... then one at a time (ddmin);
 *   2. shorten each remaining episode (halve its duration while it fails)
 *      and move it later (the largest delay that still fails, trying
 *      all of the room before heal_after, then half of it, ...); a clock
 *      jump is also halved towards zero;
 *   3. remove again, one at a time, until no single episode can go;
 *   4. expand the episodes into faults and remove single faults (a heal
 *      the failure does not need, one cut of a one-way partition...).
 * Every candidate is one deterministic run, so the result depends only on
 * (scenario, seed, schedule, check, budget). When step 4 ends within the
 * budget, each fault left is necessary: without it the check passes.
 * That is the fault attribution `dslab explore` reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/time.h"
#include "dslab/explore_engine.h"

struct shrinker {
    const struct dslab_scenario *base;
    uint64_t seed;
    int check;
    int budget;
    int runs;
    int64_t violation_ns;
    struct dslab_diag *diag;
    bool error;
};

/* 1 if `check` fails on `sch`, 0 if not, 0 (and error set) on a failure
 * to run or when the budget is spent. */
static int fails(struct shrinker *k, const struct dslab_explore_schedule *sch) {
    if (k->runs >= k->budget || k->error) return 0;
    k->runs++;
    struct dslab_explore_outcome out;
    if (dslab_explore_run(k->base, k->seed, sch, &out, NULL, k->diag) < 0) {
        k->error = true;
        return 0;
    }
    if (out.failed_mask & (UINT64_C(1) << k->check)) {
        k->violation_ns = out.violation_ns[k->check];
        return 1;
    }
    return 0;
}

/* A candidate: a copy of `sch` to change (false, k->error set, when out of memory). */
static bool candidate(struct shrinker *k, struct dslab_explore_schedule *cand, const struct dslab_explore_schedule *sch) {
    if (dslab_explore_schedule_copy(cand, sch) >= 0) return true;
    k->error = true;
    return false;
}

/* Keeps the changed `cand` in place of *sch when the check still fails
 * on it (1); else frees it (0). */
static int keep_if_fails(struct shrinker *k, struct dslab_explore_schedule *sch, struct dslab_explore_schedule *cand) {
    if (!fails(k, cand)) {
        dslab_explore_schedule_free(cand);
        return 0;
    }
    dslab_explore_schedule_free(sch);
    *sch = *cand;
    return 1;
}

/* Tries `sch` without eps[from, from+count). Keeps the removal if it fails. */
static int try_remove(struct shrinker *k, struct dslab_explore_schedule *sch, int from, int count) {
    struct dslab_explore_schedule cand;
    if (!candidate(k, &cand, sch)) return 0;
    dslab_explore_schedule_remove(&cand, from, count);
    return keep_if_fails(k, sch, &cand);
}

/* ddmin-style: chunks of halving size, then single episodes to a fixpoint.
 * Returns 1 when the last single-removal pass ran to the end unchanged. */
static int remove_episodes(struct shrinker *k, struct dslab_explore_schedule *sch, bool chunks) {
    for (int chunk = chunks ? sch->count / 2 : 1; chunk > 1; chunk /= 2) {
        for (int from = 0; from + chunk <= sch->count && !k->error;) {
            if (!try_remove(k, sch, from, chunk)) from += chunk;
        }
    }
    for (;;) {
        bool changed = false;
        for (int i = 0; i < sch->count;) {
            if (k->runs >= k->budget || k->error) return 0;
            if (try_remove(k, sch, i, 1)) changed = true;
            else i++;
        }
        if (!changed) return 1;
    }
}

/* Latest start of an episode: it must still end by heal_after (drawn
 * faults) or by the end of the run (faults from the file). */
static int64_t latest_start_ns(const struct dslab_scenario *s, const struct dslab_explore_episode *ep) {
    if (ep->kind == DSLAB_EXPLORE_EPISODE_SCENARIO) return s->duration_ns;
    return s->explore.heal_ns - (ep->duration_ns > 0 ? ep->duration_ns : 1);
}

/* Applies `mutate` to eps[i] of a copy; keeps it if the check still fails. */
static int try_change(struct shrinker *k, struct dslab_explore_schedule *sch, int i,
                      const struct dslab_explore_episode *changed) {
    struct dslab_explore_schedule cand;
    if (!candidate(k, &cand, sch)) return 0;
    cand.eps[i] = *changed;
    return keep_if_fails(k, sch, &cand);
}

static void shorten(struct shrinker *k, struct dslab_explore_schedule *sch, int i) {
    const int64_t floor_ns = DSLAB_NS_PER_MS;
    while (sch->eps[i].kind != DSLAB_EXPLORE_EPISODE_SCENARIO && sch->eps[i].duration_ns / 2 >= floor_ns &&
           k->runs < k->budget && !k->error) {
        struct dslab_explore_episode ep = sch->eps[i];
        ep.duration_ns = ep.duration_ns / 2 / floor_ns * floor_ns;
        if (!try_change(k, sch, i, &ep)) break;
    }
    while (sch->eps[i].kind == DSLAB_EXPLORE_KIND_CLOCK_JUMP && sch->eps[i].amount / 2 / DSLAB_NS_PER_MS != 0 &&
           k->runs < k->budget && !k->error) {
        struct dslab_explore_episode ep = sch->eps[i];
        ep.amount = ep.amount / 2 / DSLAB_NS_PER_MS * DSLAB_NS_PER_MS;
        if (ep.amount == 0) break;
        if (!try_change(k, sch, i, &ep)) break;
    }
}

static void delay(struct shrinker *k, struct dslab_explore_schedule *sch, int i) {
    int64_t room_ns = latest_start_ns(k->base, &sch->eps[i]) - sch->eps[i].at_ns;
    for (int64_t step = room_ns; step >= DSLAB_NS_PER_MS && k->runs < k->budget && !k->error; step /= 2) {
        struct dslab_explore_episode ep = sch->eps[i];
        /* Whole milliseconds when the episode started on one. */
        int64_t s = ep.at_ns % DSLAB_NS_PER_MS == 0 ? step / DSLAB_NS_PER_MS * DSLAB_NS_PER_MS : step;
        ep.at_ns += s;
        if (try_change(k, sch, i, &ep)) break;
    }
}

/* Step 4: the episodes left, expanded, become single faults (a partition
 * and its heal are two) and each is removed in turn while the check still
 * fails. Fills out->final and out->minimal. 0, or -1 out of memory. */
static int single_faults(struct shrinker *k, struct dslab_explore_shrink_result *out) {
    struct dslab_explore_scenario x;
    struct dslab_explore_schedule faults;
    if (dslab_explore_expand(k->base, &out->schedule, &x) < 0) return -1;
    if (dslab_explore_draw(&x.sc, k->seed, DSLAB_EXPLORE_FAULTS_SCENARIO, &faults) < 0) {
        dslab_explore_scenario_free(&x);
        return -1;
    }
    struct shrinker fk = *k;
    fk.base = &x.sc;
    out->minimal = remove_episodes(&fk, &faults, false) == 1 && !fk.error;
    k->runs = fk.runs;
    k->error = fk.error;
    /* Keep the faults left, in order; group arrays stay in x.groups. */
    struct dslab_fault *kept = malloc(sizeof *kept * (size_t)(faults.count ? faults.count : 1));
    if (!kept) {
        dslab_explore_schedule_free(&faults);
        dslab_explore_scenario_free(&x);
        return -1;
    }
    for (int i = 0; i < faults.count; i++) kept[i] = x.sc.faults[faults.eps[i].fault_index];
    free(x.faults);
    x.faults = kept;
    x.sc.faults = kept;
    x.sc.faults_count = faults.count;
    out->final = x;
    dslab_explore_schedule_free(&faults);
    return 0;
}

int dslab_explore_shrink(const struct dslab_scenario *base, uint64_t seed, const struct dslab_explore_schedule *in,
                   int check, int budget, struct dslab_explore_shrink_result *out, struct dslab_diag *diag) {
    memset(out, 0, sizeof *out);
    struct shrinker k = {.base = base, .seed = seed, .check = check, .budget = budget,
                         .diag = diag, .violation_ns = -1};
    if (dslab_explore_schedule_copy(&out->schedule, in) < 0) {
        return dslab_diag_set(diag, base->path, 0, 0, "out of memory");
    }
    if (!fails(&k, &out->schedule)) {
        out->runs = k.runs;
        if (k.error) return -1;
        return dslab_diag_set(diag, base->path, 0, 0, "the schedule to shrink does not fail");
    }
    int64_t first_violation_ns = k.violation_ns;
    struct dslab_explore_scenario before;
    if (dslab_explore_expand(base, in, &before) == 0) {
        out->faults_before = before.sc.faults_count;
        dslab_explore_scenario_free(&before);
    }
    remove_episodes(&k, &out->schedule, true);
    /* Shortening and delaying change times; the episodes stay in place in
     * the array (order among equal times is the array's order). */
    for (int i = 0; i < out->schedule.count; i++) {
        shorten(&k, &out->schedule, i);
        delay(&k, &out->schedule, i);
    }
    remove_episodes(&k, &out->schedule, false);
    if (!k.error && single_faults(&k, out) == 0) {
        /* The violation time of the final faults: one more run, as the
         * last candidate tried may have been one that passed. */
        struct dslab_explore_schedule all;
        k.base = &out->final.sc;
        k.budget = k.runs + 1;
        if (dslab_explore_draw(&out->final.sc, seed, DSLAB_EXPLORE_FAULTS_SCENARIO, &all) == 0) {
            if (fails(&k, &all)) first_violation_ns = k.violation_ns;
            dslab_explore_schedule_free(&all);
        }
    } else {
        k.error = true;
    }
    out->runs = k.runs;
    out->violation_ns = first_violation_ns;
    return k.error ? -1 : 0;
}

void dslab_explore_shrink_result_free(struct dslab_explore_shrink_result *r) {
    dslab_explore_schedule_free(&r->schedule);
    dslab_explore_scenario_free(&r->final);
}
