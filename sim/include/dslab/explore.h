/* explore.h: `dslab explore` as a library. Runs a scenario over many seeds
 * with randomly drawn faults (within its `explore:` bounds) on a pool of
 * threads, finds the runs that break a check, shrinks each check's first
 * failing run to a minimal fault schedule and writes it as a reproducer
 * scenario; reports the results as text or JSON; merges the JSON results
 * of shards.
 *
 *   explore_seeds(request) ──> struct xr ──> xr_print_text / xr_print_json
 *   explore_merge_files(shard results) ──┘
 *
 * The results (struct xr) are folded in seed order from per-seed records
 * and shrinking is a pure function of (scenario, seed, check), so they are
 * the same for any thread count, any finishing order and any sharding: a
 * merge of shard results builds the same struct xr as one run over all
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

/* Checks explored per scenario (a scenario may have more; they still run
 * but explore reports on the first EXPLORE_CHECKS_MAX). */
#define EXPLORE_CHECKS_MAX 32

enum explore_mode {
    EXPLORE_FAULTS_SCENARIO, /* the scenario's own schedule only (seeds vary) */
    EXPLORE_FAULTS_RANDOM,   /* random faults only */
    EXPLORE_FAULTS_BOTH,     /* the scenario's schedule plus random faults */
};
/* "scenario", "random" or "both": the words of --faults. */
const char *explore_mode_name(enum explore_mode m);

/* Log-linear histogram of non-negative durations in ns: 16 sub-buckets per
 * power of two (about 6% resolution). Integer counts: sums of histograms
 * do not depend on the order they are added in. */
#define EXPLORE_HIST_BUCKETS 960
struct explore_hist {
    uint64_t count;
    uint64_t buckets[EXPLORE_HIST_BUCKETS];
};
/* The lowest value of a bucket. */
int64_t explore_hist_bucket_low_ns(int bucket);
/* The value below which a fraction per_mille/1000 of samples lie (bucket
 * midpoint), or -1 when empty. */
int64_t explore_hist_percentile_ns(const struct explore_hist *h, int per_mille);

/* Distributions learners care about, over many runs. */
struct explore_metrics {
    struct explore_hist election;  /* time from start to the first leader */
    struct explore_hist failover;  /* leader lost (crash, pause, cut off) -> a new leader */
    struct explore_hist latency;   /* client ops that completed ok */
};

/* First failing seeds printed per check; seeds that stopped early kept. */
#define XR_FIRST_SEEDS_SHOWN 5
#define XR_ERROR_SEEDS_KEPT 10

/* Ranges of the flags, also enforced on every results file merged
 * (docs/EXPLORE.md). Seeds stay below 2^63 so that every number of the
 * JSON results is a signed 64-bit integer. */
#define XR_SEEDS_MAX UINT64_C(10000000)
#define XR_FROM_MAX (UINT64_C(0x7fffffffffffffff) - XR_SEEDS_MAX)
#define XR_SHARDS_MAX 64
#define XR_BUDGET_MAX 1000000
/* The results format written by --json and read by --merge; other
 * versions are refused. 2: `shards` lists shard numbers (1 had a mask). */
#define XR_FORMAT_VERSION 2
/* One results file: at most this many bytes, and at most this much memory
 * for its parsed tree (about 220 bytes per failing seed listed). */
#define XR_FILE_BYTES_MAX (128u * 1024u * 1024u)
#define XR_PARSE_MEMORY_MAX (512u * 1024u * 1024u)
/* A merged reproducer is re-run with at most this many events. */
#define XR_RERUN_EVENTS_MAX INT64_C(5000000)

/* Whether a reproducer file was run again after it was written. */
enum xr_rerun {
    XR_NOT_RERUN,     /* not run (yet): nothing is claimed */
    XR_RERUN_FAILS,   /* loaded and run: the check fails, as it should */
    XR_RERUN_HOLDS,   /* loaded and run: the check held (the file is wrong) */
    XR_RERUN_STOPPED, /* could not be loaded, or stopped early (event cap, a limit) */
};

struct xr_fail {
    uint64_t seed;
    int64_t at_ns;     /* first violation */
    uint32_t kinds_on; /* the fault kinds this seed had on (swarm) */
};

struct xr_repro {
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
    enum xr_rerun rerun;   /* the written file, loaded and run again */
};

struct xr_check {
    char name[64];
    uint64_t failing;
    uint64_t unknown;
    struct xr_fail *fails; /* owned: every failing seed, in seed order */
    uint64_t fails_count, fails_capacity;
    struct xr_repro repro;
};

/* The results of an exploration (or of merged shards). */
struct xr {
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
    uint64_t error_seeds[XR_ERROR_SEEDS_KEPT];
    char error_message[160]; /* of the first such seed */
    uint64_t kinds_on[EXPLORE_KIND_COUNT]; /* seeds that had each kind on */
    int checks_count;
    struct xr_check checks[EXPLORE_CHECKS_MAX];
    struct explore_metrics metrics;
};

/* Frees what x owns and zeroes it. */
void xr_free(struct xr *x);

/* Progress while the seeds run, reported on the calling thread. */
enum explore_phase {
    EXPLORE_PROGRESS_START, /* about to run `total` seeds */
    EXPLORE_PROGRESS_TICK,  /* about every 100 ms while they run */
    EXPLORE_PROGRESS_DONE,  /* every seed ran (or the pool stopped on an error) */
};
struct explore_progress {
    enum explore_phase phase;
    uint64_t done, total;   /* seeds run so far, seeds to run */
    uint64_t failing;       /* seeds so far in which a check failed */
};
typedef void (*explore_progress_fn)(void *user, const struct explore_progress *p);

/* What to explore. Ranges as the flags of `dslab explore` (docs/EXPLORE.md). */
struct explore_request {
    const struct scenario *sc;   /* loaded with `overrides` applied; borrowed */
    const char *path;            /* the scenario file as given: hashed, and named in the results */
    const struct scenario_override *overrides; /* the --set overrides, hashed; borrowed */
    int overrides_count;
    enum explore_mode mode;
    uint64_t seed_from;          /* 0 .. XR_FROM_MAX */
    uint64_t seeds;              /* 1 .. XR_SEEDS_MAX: seeds seed_from .. seed_from+seeds-1 */
    int shard_index, shard_count; /* 1 <= index <= count <= XR_SHARDS_MAX: every count-th seed */
    int budget;                  /* runs spent shrinking each failing check, 0 .. XR_BUDGET_MAX (0: off) */
    int jobs;                    /* threads, >= 1 */
    const char *out_dir;         /* where reproducers are written (created when one is) */
    explore_progress_fn progress; /* NULL: none */
    void *progress_user;
};

/* Runs the request's seeds on req->jobs threads, shrinks the first failing
 * seed of every failing check (in parallel over checks), writes each
 * reproducer as <out_dir>/<check>-seed<S>.yaml and runs it again. Fills x
 * (zeroed first; free with xr_free, also after an error). Returns 0, or -1
 * with a whole message for people in err. */
int explore_seeds(const struct explore_request *req, struct xr *x, char *err, int err_size);

/* Reads and validates the JSON results of `dslab explore --json` in
 * paths[0..count) (regular files of at most XR_FILE_BYTES_MAX bytes, all
 * from the same exploration, no shard twice) and merges them into x
 * (zeroed first; free with xr_free). Then writes their reproducers into
 * out_dir as <check>-seed<S>.yaml, never anywhere else: names are built
 * from checked check names, an existing entry that is not a regular file
 * is refused, files are created beside (O_EXCL|O_NOFOLLOW) and renamed
 * into place, and each is run again (at most XR_RERUN_EVENTS_MAX events).
 * Returns 0, or -1 with a whole message in err. */
int explore_merge_files(struct xr *x, const char *const *paths, int count, const char *out_dir,
                        char *err, int err_size);

/* The summary for people; out_dir names where the reproducers are. Text
 * from outside (paths, shards' descriptions) is escaped, repro lines are
 * shell-quoted (dslab/quote.h). */
void xr_print_text(FILE *out, const struct xr *x, const char *out_dir);
/* The results as one JSON object (docs/EXPLORE.md, "JSON results"). */
void xr_print_json(FILE *out, const struct xr *x);

#endif
