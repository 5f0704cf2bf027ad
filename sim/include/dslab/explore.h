/* explore.h: `dslab explore` as a library. Runs a scenario over many seeds
 * with randomly drawn faults (within its `explore:` bounds) on a pool of
 * threads, finds the runs that break a check, shrinks each check's first
 * failing run to a minimal fault schedule and writes it as a reproducer
 * scenario; reports the results as text or JSON; merges the JSON results
 * of shards.
 *
 *   dslab_explore_seeds(request) ──> struct dslab_xr ──> dslab_xr_print_text / dslab_xr_print_json
 *   dslab_explore_merge_files(shard results) ──┘
 *
 * The results (struct dslab_xr) are folded in seed order from per-seed records
 * and shrinking is a pure function of (scenario, seed, check), so they are
 * the same for any thread count, any finishing order and any sharding: a
 * merge of shard results builds the same struct dslab_xr as one run over all
 * seeds. Nothing here prints on its own or reads a clock: text goes to the
 * FILE * the caller passes, progress to the caller's callback, and errors
 * come back as whole messages in the caller's buffer. Reproducer files are
 * written under the out directory only. sim/explore/; docs/EXPLORE.md. */
#ifndef DSLAB_EXPLORE_PUBLIC_H
#define DSLAB_EXPLORE_PUBLIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dslab/scenario.h"

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

/* Checks explored per scenario (a scenario may have more; they still run
 * but explore reports on the first DSLAB_EXPLORE_CHECKS_MAX). */
#define DSLAB_EXPLORE_CHECKS_MAX 32

enum dslab_explore_mode {
    DSLAB_EXPLORE_FAULTS_SCENARIO, /* the scenario's own schedule only (seeds vary) */
    DSLAB_EXPLORE_FAULTS_RANDOM,   /* random faults only */
    DSLAB_EXPLORE_FAULTS_BOTH,     /* the scenario's schedule plus random faults */
};
/* "scenario", "random" or "both": the words of --faults. */
const char *dslab_explore_mode_name(enum dslab_explore_mode m);

/* Log-linear histogram of non-negative durations in ns: 16 sub-buckets per
 * power of two (about 6% resolution). Integer counts: sums of histograms
 * do not depend on the order they are added in. */
#define DSLAB_EXPLORE_HIST_BUCKETS 960
struct dslab_explore_hist {
    uint64_t count;
    uint64_t buckets[DSLAB_EXPLORE_HIST_BUCKETS];
};
/* The lowest value of a bucket. */
int64_t dslab_explore_hist_bucket_low_ns(int bucket);
/* The value below which a fraction per_mille/1000 of samples lie (bucket
 * midpoint), or -1 when empty. */
int64_t dslab_explore_hist_percentile_ns(const struct dslab_explore_hist *h, int per_mille);

/* Distributions learners care about, over many runs. */
struct dslab_explore_metrics {
    struct dslab_explore_hist election;  /* time from start to the first leader */
    struct dslab_explore_hist failover;  /* leader lost (crash, pause, cut off) -> a new leader */
    struct dslab_explore_hist latency;   /* client ops that completed ok */
};

/* First failing seeds printed per check; seeds that stopped early kept. */
#define DSLAB_XR_FIRST_SEEDS_SHOWN 5
#define DSLAB_XR_ERROR_SEEDS_KEPT 10

/* Ranges of the flags, also enforced on every results file merged
 * (docs/EXPLORE.md). Seeds stay below 2^63 so that every number of the
 * JSON results is a signed 64-bit integer. */
#define DSLAB_XR_SEEDS_MAX UINT64_C(10000000)
#define DSLAB_XR_FROM_MAX (UINT64_C(0x7fffffffffffffff) - DSLAB_XR_SEEDS_MAX)
#define DSLAB_XR_SHARDS_MAX 64
#define DSLAB_XR_BUDGET_MAX 1000000
/* The results format written by --json and read by --merge; other
 * versions are refused. 2: `shards` lists shard numbers (1 had a mask). */
#define DSLAB_XR_FORMAT_VERSION 2
/* One results file: at most this many bytes, and at most this much memory
 * for its parsed tree (about 220 bytes per failing seed listed). */
#define DSLAB_XR_FILE_BYTES_MAX (128u * 1024u * 1024u)
#define DSLAB_XR_PARSE_MEMORY_MAX (512u * 1024u * 1024u)
/* A merged reproducer is re-run with at most this many events. */
#define DSLAB_XR_RERUN_EVENTS_MAX INT64_C(5000000)

/* Whether a reproducer file was run again after it was written. */
enum dslab_xr_rerun {
    DSLAB_XR_NOT_RERUN,     /* not run (yet): nothing is claimed */
    DSLAB_XR_RERUN_FAILS,   /* loaded and run: the check fails, as it should */
    DSLAB_XR_RERUN_HOLDS,   /* loaded and run: the check held (the file is wrong) */
    DSLAB_XR_RERUN_STOPPED, /* could not be loaded, or stopped early (event cap, a limit) */
};

struct dslab_xr_fail {
    uint64_t seed;
    int64_t at_ns;     /* first violation */
    uint32_t kinds_on; /* the fault kinds this seed had on (swarm) */
};

struct dslab_xr_repro {
    bool present;
    uint64_t seed;
    int runs;              /* runs spent shrinking */
    bool minimal;          /* every fault left was shown necessary */
    int faults_before;     /* faults in the seed's schedule */
    int faults_after;
    int64_t violation_ns;
    int necessary_count;
    char **necessary;      /* owned: one description per episode left */
    char *yaml;            /* owned: the reproducer file's text */
    enum dslab_xr_rerun rerun;   /* the written file, loaded and run again */
    uint64_t rerun_events;       /* events that re-run processed (0: not run, or not loaded) */
    uint64_t rerun_failed_mask;  /* bit i: check i (the scenario's order, as in dslab_xr.checks)
                                  * failed in that re-run too; 0 when not re-run. A shrunk
                                  * schedule is not one of the explored seeds, so it can
                                  * break a check that held in every one of them */
};

struct dslab_xr_check {
    char name[64];
    uint64_t failing;
    uint64_t unknown;
    struct dslab_xr_fail *fails; /* owned: every failing seed, in seed order */
    uint64_t fails_count, fails_capacity;
    struct dslab_xr_repro repro;
};

/* The results of an exploration (or of merged shards). */
struct dslab_xr {
    char scenario_path[512];
    char scenario_name[64];
    uint64_t scenario_hash;  /* FNV-1a of the file's bytes and --set overrides */
    char faults_mode[16];    /* scenario | random | both */
    int budget;
    uint64_t seed_from;
    uint64_t seeds;          /* N: seeds in the whole exploration */
    int shard_count;         /* M (1 = not sharded) */
    uint64_t shards_mask;    /* bit I-1: shard I's results are in (up to 64 shards);
                              * JSON: "shards": [I, ...] */
    uint64_t seeds_run;
    uint64_t errors;         /* seeds that stopped early (event budget, limits) */
    uint64_t error_seeds[DSLAB_XR_ERROR_SEEDS_KEPT];
    char error_message[160]; /* of the first such seed */
    uint64_t kinds_on[DSLAB_EXPLORE_KIND_COUNT]; /* seeds that had each kind on */
    int checks_count;
    struct dslab_xr_check checks[DSLAB_EXPLORE_CHECKS_MAX];
    struct dslab_explore_metrics metrics;
};

/* Frees what x owns and zeroes it. */
void dslab_xr_free(struct dslab_xr *x);

/* Progress while the seeds run, reported on the calling thread. */
enum dslab_explore_phase {
    DSLAB_EXPLORE_PROGRESS_START, /* about to run `total` seeds */
    DSLAB_EXPLORE_PROGRESS_TICK,  /* about every 100 ms while they run */
    DSLAB_EXPLORE_PROGRESS_DONE,  /* every seed ran (or the pool stopped on an error) */
};
struct dslab_explore_progress {
    enum dslab_explore_phase phase;
    uint64_t done, total;   /* seeds run so far, seeds to run */
    uint64_t failing;       /* seeds so far in which a check failed */
};
typedef void (*dslab_explore_progress_fn)(void *user, const struct dslab_explore_progress *p);

/* What to explore. Ranges as the flags of `dslab explore` (docs/EXPLORE.md). */
struct dslab_explore_request {
    const struct dslab_scenario *sc;   /* loaded with `overrides` applied; borrowed */
    const char *path;            /* the scenario file as given: hashed, and named in the results */
    const struct dslab_scenario_override *overrides; /* the --set overrides, hashed; borrowed */
    int overrides_count;
    enum dslab_explore_mode mode;
    uint64_t seed_from;          /* 0 .. DSLAB_XR_FROM_MAX */
    uint64_t seeds;              /* 1 .. DSLAB_XR_SEEDS_MAX: seeds seed_from .. seed_from+seeds-1 */
    int shard_index, shard_count; /* 1 <= index <= count <= DSLAB_XR_SHARDS_MAX: every count-th seed */
    int budget;                  /* runs spent shrinking each failing check, 0 .. DSLAB_XR_BUDGET_MAX (0: off) */
    int jobs;                    /* threads, >= 1 */
    const char *out_dir;         /* where reproducers are written (created when one is) */
    dslab_explore_progress_fn progress; /* NULL: none */
    void *progress_user;
};

/* Runs the request's seeds on req->jobs threads, shrinks the first failing
 * seed of every failing check (in parallel over checks), writes each
 * reproducer as <out_dir>/<check>-seed<S>.yaml and runs it again. Fills x
 * (zeroed first; free with dslab_xr_free, also after an error). Returns 0, or -1
 * with a whole message for people in err. */
int dslab_explore_seeds(const struct dslab_explore_request *req, struct dslab_xr *x, char *err, int err_size);

/* Reads and validates the JSON results of `dslab explore --json` in
 * paths[0..count) (regular files of at most DSLAB_XR_FILE_BYTES_MAX bytes, all
 * from the same exploration, no shard twice) and merges them into x
 * (zeroed first; free with dslab_xr_free). Then writes their reproducers into
 * out_dir as <check>-seed<S>.yaml, never anywhere else: names are built
 * from checked check names, an existing entry that is not a regular file
 * is refused, files are created beside (O_EXCL|O_NOFOLLOW) and renamed
 * into place, and each is run again (at most DSLAB_XR_RERUN_EVENTS_MAX events).
 * Returns 0, or -1 with a whole message in err. */
int dslab_explore_merge_files(struct dslab_xr *x, const char *const *paths, int count, const char *out_dir,
                        char *err, int err_size);

/* The summary for people; out_dir names where the reproducers are. Text
 * from outside (paths, shards' descriptions) is escaped, repro lines are
 * shell-quoted (dslab/quote.h). */
void dslab_xr_print_text(FILE *out, const struct dslab_xr *x, const char *out_dir);
/* The results as one JSON object (docs/EXPLORE.md, "JSON results"). */
void dslab_xr_print_json(FILE *out, const struct dslab_xr *x);

#pragma GCC visibility pop

#endif
