/* explore_cli.h: the parts of `dslab explore` that live in cli/: how the
 * results (struct xr, sim/explore/explore_results.h) are printed (text,
 * JSON), read from files to merge, written as reproducer files, and the
 * thread pool that fills them. The engine (drawing, running, shrinking)
 * and the validation and merging of shard results are sim/explore/.
 * Docs: docs/EXPLORE.md. */
#ifndef DSLAB_EXPLORE_CLI_H
#define DSLAB_EXPLORE_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dslab/explore_engine.h"
#include "explore/explore_results.h"

/* The summary for people (stdout; explore_report.c) and as one JSON
 * object (explore_json.c). out_dir names where reproducers were written. */
void xr_print_text(FILE *out, const struct xr *x, const char *out_dir);
void xr_print_json(FILE *out, const struct xr *x);

/* xr_merge_buffer for a file (a regular file of at most XR_FILE_BYTES_MAX;
 * explore_merge.c). */
int xr_merge_file(struct xr *x, const char *path, bool first, char *err, int err_size);

/* Writes each check's reproducer text (merged from shards) into out_dir
 * as <check>-seed<S>.yaml, never anywhere else: the name is built from a
 * checked check name and the seed, an existing entry that is not a
 * regular file (a symlink, a FIFO) is refused, the file is created beside
 * it (O_EXCL|O_NOFOLLOW) and renamed into place. Then runs each file again
 * (at most XR_RERUN_EVENTS_MAX events) and sets repro.rerun. Returns 0,
 * or -1 with a message in err. */
int xr_write_reproducers(struct xr *x, const char *out_dir, char *err, int err_size);

/* Writes c's reproducer (c->repro.final, shrunk on sc) to out_dir (which
 * must exist), fills c->repro.yaml and checks that the file, loaded and run,
 * fails the check (c->repro.rerun). Returns 0, or -1 with err. */
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
