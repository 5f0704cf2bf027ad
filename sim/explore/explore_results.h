/* explore_results.h (private): the results of a whole `dslab explore`
 * (struct xr), and how the JSON results of shards are validated and merged
 * into them (explore_merge.c, with Jansson). Pure functions of their
 * input: no files, no clock, no threads. cli/ fills the results (its
 * thread pool), prints them and writes the reproducer files
 * (cli/explore_cli.h).
 *
 * The results are built in seed order from per-seed records, so they are
 * the same for any thread count, any finishing order and any sharding:
 * the text summary is a function of struct xr alone, and a merge of shard
 * results builds the same struct xr as one run over all seeds.
 * Docs: docs/EXPLORE.md. */
#ifndef DSLAB_EXPLORE_RESULTS_H
#define DSLAB_EXPLORE_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dslab/explore_engine.h"

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
    struct explore_scenario final; /* owned; the faults left (only in a run that shrank, not a merge) */
};

struct xr_check {
    char name[64];
    uint64_t failing;
    uint64_t unknown;
    struct xr_fail *fails; /* owned: every failing seed, in seed order */
    uint64_t fails_count, fails_capacity;
    struct xr_repro repro;
};

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
/* Adds a failing seed (seeds must come in increasing order). 0 or -1. */
int xr_add_fail(struct xr_check *c, const struct xr_fail *f);

/* Reads JSON results of `dslab explore --json` (explore_merge.c) from
 * data[0..len) into x (zeroed first when `first`), or merges them into x
 * when x already holds results of the same exploration. Every field is
 * validated (names, ranges, seeds in their shards, counts consistent,
 * the reproducer a loadable scenario); nothing is written anywhere.
 * Returns 0, or -1 with a whole message ("NAME:LINE:COL: error: ..." or
 * "NAME: error: ...") in err. */
int xr_merge_buffer(struct xr *x, const char *data, size_t len, bool first,
                    const char *name_for_errors, char *err, int err_size);
/* True when s is a plain check name: 1..63 of a-z 0-9 '-' '_', and a
 * check dslab knows. Only such names become file names. */
bool xr_check_name_ok(const char *s);
/* "<check>-seed<S>.yaml" for c's reproducer; -1 (buf "") when the check's
 * name is not plain. */
int xr_repro_file_name(const struct xr_check *c, char *buf, size_t size);
/* "<out_dir>/<check>-seed<S>.yaml" for c's reproducer. */
void xr_repro_path(const struct xr_check *c, const char *out_dir, char *buf, size_t size);

#endif
