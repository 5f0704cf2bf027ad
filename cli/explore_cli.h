/* explore_cli.h: the parts of `dslab explore` that live in cli/: the
 * results of a whole exploration, how they are printed (text, JSON), how
 * JSON results of shards merge, and the thread pool that fills them.
 *
 * The results are built in seed order from per-seed records, so they are
 * the same for any thread count, any finishing order and any sharding:
 * the text summary is a function of struct xr alone, and a merge of shard
 * results builds the same struct xr as one run over all seeds. The engine
 * (drawing, running, shrinking) is sim/explore/. Docs: docs/EXPLORE.md. */
#ifndef DSLAB_EXPLORE_CLI_H
#define DSLAB_EXPLORE_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "explore/explore.h"

/* First failing seeds printed per check; seeds that stopped early kept. */
#define XR_FIRST_SEEDS_SHOWN 5
#define XR_ERROR_SEEDS_KEPT 10

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
    bool verified;         /* the written file, loaded and run, fails the check */
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
    uint64_t shards_mask;    /* bit I-1: shard I's results are in (up to 64 shards) */
    uint64_t seeds_run;
    uint64_t errors;         /* seeds that stopped early (event budget, limits) */
    uint64_t error_seeds[XR_ERROR_SEEDS_KEPT];
    char error_message[160]; /* of the first such seed */
    uint64_t kinds_on[EXPLORE_KIND_COUNT]; /* seeds that had each kind on */
    int checks_count;
    struct xr_check checks[EXPLORE_CHECKS_MAX];
    struct explore_metrics metrics;
};

void xr_free(struct xr *x);
/* Adds a failing seed (seeds must come in increasing order). 0 or -1. */
int xr_add_fail(struct xr_check *c, const struct xr_fail *f);

/* The summary for people (stdout) and as one JSON object. out_dir names
 * where reproducers were written. */
void xr_print_text(FILE *out, const struct xr *x, const char *out_dir);
void xr_print_json(FILE *out, const struct xr *x);

/* Reads JSON results of `dslab explore --json` (one file) into x (zeroed
 * first), or merges them into x when x already holds results of the same
 * exploration. Returns 0, or -1 with a message in err. */
int xr_merge_file(struct xr *x, const char *path, bool first, char *err, int err_size);

/* "<out_dir>/<check>-seed<S>.yaml" for c's reproducer. */
void xr_repro_path(const struct xr_check *c, const char *out_dir, char *buf, size_t size);
/* Writes each check's reproducer yaml into out_dir as <check>-seed<S>.yaml.
 * Returns 0, or -1 with a message in err. */
int xr_write_reproducers(const struct xr *x, const char *out_dir, char *err, int err_size);

/* Writes c's reproducer (c->repro.final, shrunk on sc) to out_dir (which
 * must exist), fills c->repro.yaml and checks that the file, loaded and run,
 * fails the check (c->repro.verified). Returns 0, or -1 with err. */
int explore_repro_make(const struct scenario *sc, struct xr_check *c, const char *out_dir,
                       char *err, int err_size);

/* --plot: writes PNG plots of the distributions into dir. Returns 0, or -1
 * with a message (also when the visualiser, hence SDL2, is not built). */
int explore_plot(const struct xr *x, const char *dir, char *err, int err_size);

/* The thread pool (explore_pool.c). */
struct explore_job {
    const struct scenario *sc;
    enum explore_mode mode;
    uint64_t *seeds;         /* the seeds to run, increasing; borrowed */
    uint64_t seeds_count;
    int jobs;                /* threads */
    bool progress;           /* show progress on stderr */
    bool tty;                /* stderr is a terminal: a bar, else plain lines */
};
/* Runs every seed and fills x's counts, failing seeds and metrics in seed
 * order. Returns 0, or -1 with diag set (a run could not be created). */
int explore_pool_run(const struct explore_job *job, struct xr *x, struct diag *diag);
/* Shrinks the first failing seed of every failing check, in parallel over
 * checks, and fills x->checks[i].repro (not yaml/verified). */
int explore_pool_shrink(const struct explore_job *job, struct xr *x, struct diag *diag);

#endif
