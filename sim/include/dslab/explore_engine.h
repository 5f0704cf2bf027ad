/* explore_engine.h: the engine behind `dslab explore`, public because the grader uses it too.
 *
 *   seed ──> explore_draw ──> schedule (episodes) ──> explore_expand ──> faults
 *                                   │                                     │
 *                                   │              scenario copy + faults ┴─> sim
 *                                   └──> explore_shrink (delta debugging) ──> minimal schedule
 *
 * A schedule is a list of episodes: one fault and the fault that undoes it
 * (a partition and its heal, a crash and its restart, ...), or a single
 * fault (a clock jump, a pause, a fault copied from the scenario file).
 * Shrinking removes, shortens and delays whole episodes, so a reproducer
 * never keeps a partition without its heal. Everything here is a pure
 * function of (scenario, seed, schedule): no threads, no host reads, so a
 * seed gives the same schedule, verdicts and reproducer on any thread
 * count and any machine. cli/cmd_explore.c runs seeds in parallel.
 * Docs: docs/EXPLORE.md. */
#ifndef DSLAB_EXPLORE_H
#define DSLAB_EXPLORE_H

#include <stdbool.h>
#include <stdint.h>

#include "dslab/diag.h"
#include "dslab/scenario.h"
#include "dslab/sim.h"

/* Checks explored per scenario (a scenario may have more; they still run
 * but explore reports on the first EXPLORE_CHECKS_MAX). */
#define EXPLORE_CHECKS_MAX 32
/* An episode kind beyond enum explore_kind: a fault copied from the file. */
#define EXPLORE_EPISODE_SCENARIO EXPLORE_KIND_COUNT

enum explore_mode {
    EXPLORE_FAULTS_SCENARIO, /* the scenario's own schedule only (seeds vary) */
    EXPLORE_FAULTS_RANDOM,   /* random faults only */
    EXPLORE_FAULTS_BOTH,     /* the scenario's schedule plus random faults */
};

struct explore_episode {
    int kind;            /* enum explore_kind, or EXPLORE_EPISODE_SCENARIO */
    int shape;           /* partition: enum explore_shape */
    int64_t at_ns;
    int64_t duration_ns; /* until undone (pause: the pause); 0 for a jump or a file fault */
    int32_t node;        /* the node the fault is about */
    int32_t direction;   /* one-way partition: 0 = node cannot send, 1 = cannot hear */
    int64_t amount;      /* jump_ns, drift_ppm, loss_ppm or slow factor */
    uint64_t pick;       /* majority-minority: seeds the choice of the minority */
    int32_t fault_index; /* EXPLORE_EPISODE_SCENARIO: index into the scenario's faults */
};

/* Owned array of episodes, in time order. Free with explore_schedule_free. */
struct explore_schedule {
    int count;
    struct explore_episode *eps;
    uint32_t kinds_on;   /* swarm: the kinds this seed allowed (enum explore_kind bits) */
};

int explore_schedule_copy(struct explore_schedule *dst, const struct explore_schedule *src);
void explore_schedule_free(struct explore_schedule *s);
/* Removes eps[from, from+count). */
void explore_schedule_remove(struct explore_schedule *s, int from, int count);

/* The schedule of `seed`: the scenario's faults and/or random ones drawn
 * from the RNG_PURPOSE_EXPLORE stream of `seed` within s->explore.
 * Returns 0, or -1 when out of memory. */
int explore_draw(const struct scenario *s, uint64_t seed, enum explore_mode mode,
                 struct explore_schedule *out);

/* A scenario that borrows everything from a base scenario except its
 * faults, which come from a schedule. Never pass `sc` to scenario_free(). */
struct explore_scenario {
    struct scenario sc;
    struct fault *faults;   /* owned */
    int32_t *groups;        /* owned: group_of_node arrays of drawn partitions */
};
/* Returns 0, or -1 when out of memory (then nothing needs freeing). */
int explore_expand(const struct scenario *base, const struct explore_schedule *sch,
                   struct explore_scenario *out);
void explore_scenario_free(struct explore_scenario *x);

/* Log-linear histogram of non-negative durations in ns: 16 sub-buckets per
 * power of two (about 6% resolution). Integer counts: sums of histograms
 * do not depend on the order they are added in. */
#define EXPLORE_HIST_BUCKETS 960
struct explore_hist {
    uint64_t count;
    uint64_t buckets[EXPLORE_HIST_BUCKETS];
};
int explore_hist_bucket(int64_t v_ns);
int64_t explore_hist_bucket_low_ns(int bucket);
void explore_hist_add(struct explore_hist *h, int64_t v_ns);
void explore_hist_merge(struct explore_hist *into, const struct explore_hist *from);
/* The value below which a fraction per_mille/1000 of samples lie (bucket
 * midpoint), or -1 when empty. */
int64_t explore_hist_percentile_ns(const struct explore_hist *h, int per_mille);

/* Distributions learners care about, over many runs. */
struct explore_metrics {
    struct explore_hist election;  /* time from start to the first leader */
    struct explore_hist failover;  /* leader lost (crash, pause, cut off) -> a new leader */
    struct explore_hist latency;   /* client ops that completed ok */
};

/* The outcome of one run. */
struct explore_outcome {
    enum sim_status status;
    uint64_t failed_mask;     /* bit i: check i failed */
    uint64_t unknown_mask;    /* bit i: check i gave no verdict */
    int64_t violation_ns[EXPLORE_CHECKS_MAX]; /* first violation of each failed check */
    uint64_t events;          /* events the run processed (callers budget by it) */
    char error[160];          /* status != SIM_OK: why */
};

/* Runs `sch` on `base` with `seed`. Adds to `metrics` when not NULL.
 * Returns 0, or -1 with diag set when the sim cannot be created. */
int explore_run(const struct scenario *base, uint64_t seed, const struct explore_schedule *sch,
                struct explore_outcome *out, struct explore_metrics *metrics, struct diag *diag);

/* Delta debugging: the smallest schedule (remove episodes, then shorten and
 * delay the rest, then remove again, then remove single faults, such as a
 * heal the failure does not need) on which check `check` still fails with
 * `seed`, within `budget` runs. `in` must fail. On return `final` holds
 * the faults left (its scenario is `base` with those faults) and, when
 * `minimal` is set, removing any one of them makes the check pass: each
 * fault is necessary. */
struct explore_shrink_result {
    struct explore_schedule schedule; /* the episodes left after step 3 */
    struct explore_scenario final;    /* the faults left after step 4 */
    int faults_before;     /* faults of the schedule shrunk */
    int runs;
    bool minimal;          /* every fault left was shown necessary within budget */
    int64_t violation_ns;  /* first violation of the check on the result */
};
void explore_shrink_result_free(struct explore_shrink_result *r);
int explore_shrink(const struct scenario *base, uint64_t seed, const struct explore_schedule *in,
                   int check, int budget, struct explore_shrink_result *out, struct diag *diag);

/* One line per episode: "partition isolate-one n1 at 2.1s for 800ms". */
void explore_episode_describe(const struct scenario *s, const struct explore_episode *ep,
                              char *buf, int buf_size);
/* One line per fault: "heal all at 7.322s". */
void explore_fault_describe(const struct scenario *s, const struct fault *f, char *buf,
                            int buf_size);

#endif
