/* explore_driver.h (private): the pieces dslab_explore_seeds() and
 * dslab_explore_merge_files() (explore_main.c, dslab/explore.h) put together:
 * the thread pool that runs seeds and shrinks failing checks
 * (explore_pool.c), the reproducer files (explore_repro.c) and reading a
 * results file to merge (explore_merge_file.c). */
#ifndef DSLAB_EXPLORE_DRIVER_H
#define DSLAB_EXPLORE_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "dslab/explore_engine.h"
#include "explore/explore_results.h"

/* A pool's work: the seeds of one shard. */
struct explore_job {
    const struct dslab_scenario *sc;
    enum dslab_explore_mode mode;
    const uint64_t *seeds;        /* the seeds to run, increasing; borrowed */
    uint64_t seeds_count;
    int jobs;                     /* threads, >= 1 */
    dslab_explore_progress_fn progress; /* NULL: none */
    void *progress_user;
};
/* Runs every seed and fills x's counts, failing seeds and metrics in seed
 * order. Returns 0, or -1 with diag set (a run could not be created). */
int explore_pool_run(const struct explore_job *job, struct dslab_xr *x, struct dslab_diag *diag);
/* Shrinks the first failing seed of every failing check, in parallel over
 * checks, and fills x->checks[i].repro (not yaml/rerun); finals[i] gets
 * the faults left for check i (owned by the caller afterwards: free each
 * with dslab_explore_scenario_free). Returns 0, or -1 with diag set. */
int explore_pool_shrink(const struct explore_job *job, struct dslab_xr *x,
                        struct dslab_explore_scenario finals[DSLAB_EXPLORE_CHECKS_MAX], struct dslab_diag *diag);

/* Writes c's reproducer (final: its faults, shrunk on sc) to out_dir (which
 * must exist), fills c->repro.yaml and checks that the file, loaded and
 * run, fails the check (c->repro.rerun). Returns 0, or -1 with err. */
int explore_repro_make(const struct dslab_scenario *sc, struct dslab_xr_check *c, const struct dslab_explore_scenario *final,
                       const char *out_dir, char *err, int err_size);
/* Writes each check's reproducer text (merged from shards) into out_dir
 * (see dslab_explore_merge_files) and runs each file again. Returns 0, or -1
 * with a message in err. */
int xr_write_reproducers(struct dslab_xr *x, const char *out_dir, char *err, int err_size);

/* xr_merge_buffer for a file: a regular file (a named pipe must not hang
 * us) of at most DSLAB_XR_FILE_BYTES_MAX bytes. */
int xr_merge_file(struct dslab_xr *x, const char *path, bool first, char *err, int err_size);

#endif
