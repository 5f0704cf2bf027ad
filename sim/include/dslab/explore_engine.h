/* explore_engine.h: the engine behind `dslab explore`.
 *
 *   seed ──> dslab_explore_draw ──> schedule (episodes) ──> dslab_explore_expand ──> faults
 *                                   │                                     │
 *                                   │              scenario copy + faults ┴─> sim
 *                                   └──> dslab_explore_shrink (delta debugging) ──> minimal schedule
 *
 * A schedule is a list of episodes: one fault and the fault that undoes it
 * (a partition and its heal, a crash and its restart, ...), or a single
 * fault (a clock jump, a pause, a fault copied from the scenario file).
 * Shrinking removes, shortens and delays whole episodes, so a reproducer
 * never keeps a partition without its heal. Everything here is a pure
 * function of (scenario, seed, schedule): no threads, no host reads, so a
 * seed gives the same schedule, verdicts and reproducer on any thread
 * count and any machine. explore_pool.c runs seeds in parallel; the
 * public face of explore is dslab/explore.h.
 * Docs: docs/EXPLORE.md. */
#ifndef DSLAB_EXPLORE_ENGINE_H
#define DSLAB_EXPLORE_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "dslab/diag.h"
#include "dslab/explore.h"
#include "dslab/scenario.h"
#include "dslab/sim.h"

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

/* An episode kind beyond enum dslab_explore_kind: a fault copied from the file. */
#define DSLAB_EXPLORE_EPISODE_SCENARIO DSLAB_EXPLORE_KIND_COUNT

struct dslab_explore_episode {
    int kind;            /* enum dslab_explore_kind, or DSLAB_EXPLORE_EPISODE_SCENARIO */
    int shape;           /* partition: enum dslab_explore_shape */
    int64_t at_ns;
    int64_t duration_ns; /* until undone (pause: the pause); 0 for a jump or a file fault */
    int32_t node;        /* the node the fault is about */
    int32_t direction;   /* one-way partition: 0 = node cannot send, 1 = cannot hear */
    int64_t amount;      /* jump_ns, drift_ppm, loss_ppm or slow factor */
    uint64_t pick;       /* majority-minority: seeds the choice of the minority */
    int32_t fault_index; /* DSLAB_EXPLORE_EPISODE_SCENARIO: index into the scenario's faults */
};

/* Owned array of episodes, in time order. Free with dslab_explore_schedule_free. */
struct dslab_explore_schedule {
    int count;
    struct dslab_explore_episode *eps;
    uint32_t kinds_on;   /* swarm: the kinds this seed allowed (enum dslab_explore_kind bits) */
};

int dslab_explore_schedule_copy(struct dslab_explore_schedule *dst, const struct dslab_explore_schedule *src);
void dslab_explore_schedule_free(struct dslab_explore_schedule *s);
/* Removes eps[from, from+count). */
void dslab_explore_schedule_remove(struct dslab_explore_schedule *s, int from, int count);

/* The schedule of `seed`: the scenario's faults and/or random ones drawn
 * from the DSLAB_RNG_PURPOSE_EXPLORE stream of `seed` within s->explore.
 * Returns 0, or -1 when out of memory. */
int dslab_explore_draw(const struct dslab_scenario *s, uint64_t seed, enum dslab_explore_mode mode,
                 struct dslab_explore_schedule *out);

/* A scenario that borrows everything from a base scenario except its
 * faults, which come from a schedule. Never pass `sc` to dslab_scenario_free(). */
struct dslab_explore_scenario {
    struct dslab_scenario sc;
    struct dslab_fault *faults;   /* owned */
    int32_t *groups;        /* owned: group_of_node arrays of drawn partitions */
};
/* Returns 0, or -1 when out of memory (then nothing needs freeing). */
int dslab_explore_expand(const struct dslab_scenario *base, const struct dslab_explore_schedule *sch,
                   struct dslab_explore_scenario *out);
void dslab_explore_scenario_free(struct dslab_explore_scenario *x);

/* Histograms (struct dslab_explore_hist, dslab/explore.h): the bucket of a value,
 * adding a sample, adding a histogram to another. */
int dslab_explore_hist_bucket(int64_t v_ns);
void dslab_explore_hist_add(struct dslab_explore_hist *h, int64_t v_ns);
void dslab_explore_hist_merge(struct dslab_explore_hist *into, const struct dslab_explore_hist *from);

/* The outcome of one run. */
struct dslab_explore_outcome {
    enum dslab_sim_status status;
    uint64_t failed_mask;     /* bit i: check i failed */
    uint64_t unknown_mask;    /* bit i: check i gave no verdict */
    int64_t violation_ns[DSLAB_EXPLORE_CHECKS_MAX]; /* first violation of each failed check */
    uint64_t events;          /* events the run processed (callers budget by it) */
    char error[160];          /* status != DSLAB_SIM_OK: why */
};

/* Runs `sch` on `base` with `seed`. Adds to `metrics` when not NULL.
 * Returns 0, or -1 with diag set when the sim cannot be created. */
int dslab_explore_run(const struct dslab_scenario *base, uint64_t seed, const struct dslab_explore_schedule *sch,
                struct dslab_explore_outcome *out, struct dslab_explore_metrics *metrics, struct dslab_diag *diag);

/* Delta debugging: the smallest schedule (remove episodes, then shorten and
 * delay the rest, then remove again, then remove single faults, such as a
 * heal the failure does not need) on which check `check` still fails with
 * `seed`, within `budget` runs. `in` must fail. On return `final` holds
 * the faults left (its scenario is `base` with those faults) and, when
 * `minimal` is set, removing any one of them makes the check pass: each
 * fault is necessary. */
struct dslab_explore_shrink_result {
    struct dslab_explore_schedule schedule; /* the episodes left after step 3 */
    struct dslab_explore_scenario final;    /* the faults left after step 4 */
    int faults_before;     /* faults of the schedule shrunk */
    int runs;
    bool minimal;          /* every fault left was shown necessary within budget */
    int64_t violation_ns;  /* first violation of the check on the result */
};
void dslab_explore_shrink_result_free(struct dslab_explore_shrink_result *r);
int dslab_explore_shrink(const struct dslab_scenario *base, uint64_t seed, const struct dslab_explore_schedule *in,
                   int check, int budget, struct dslab_explore_shrink_result *out, struct dslab_diag *diag);

/* One line per episode: "partition isolate-one n1 at 2.1s for 800ms". */
void dslab_explore_episode_describe(const struct dslab_scenario *s, const struct dslab_explore_episode *ep,
                              char *buf, int buf_size);
/* One line per fault: "heal all at 7.322s". */
void dslab_explore_fault_describe(const struct dslab_scenario *s, const struct dslab_fault *f, char *buf,
                            int buf_size);

#pragma GCC visibility pop

#endif
