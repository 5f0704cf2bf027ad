/* explore_results.h (private): building the results of a whole `dslab
 * explore` (struct dslab_xr, dslab/explore.h), and how the JSON results of
 * shards are validated and merged into them (explore_merge.c, with
 * Jansson). Pure functions of their input: no files, no clock, no
 * threads. The thread pool fills the results, explore_repro.c writes the
 * reproducer files (explore_driver.h).
 *
 * The results are built in seed order from per-seed records, so they are
 * the same for any thread count, any finishing order and any sharding:
 * the text summary is a function of struct dslab_xr alone, and a merge of shard
 * results builds the same struct dslab_xr as one run over all seeds.
 * Docs: docs/EXPLORE.md. */
#ifndef DSLAB_EXPLORE_RESULTS_H
#define DSLAB_EXPLORE_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dslab/explore_engine.h"

/* Adds a failing seed (seeds must come in increasing order). 0 or -1. */
int xr_add_fail(struct dslab_xr_check *c, const struct dslab_xr_fail *f);

/* Reads JSON results of `dslab explore --json` (explore_merge.c) from
 * data[0..len) into x (zeroed first when `first`), or merges them into x
 * when x already holds results of the same exploration. Every field is
 * validated (names, ranges, seeds in their shards, counts consistent,
 * the reproducer a loadable scenario); nothing is written anywhere.
 * Returns 0, or -1 with a whole message ("NAME:LINE:COL: error: ..." or
 * "NAME: error: ...") in err. */
int xr_merge_buffer(struct dslab_xr *x, const char *data, size_t len, bool first,
                    const char *name_for_errors, char *err, int err_size);
/* True when s is a plain check name: 1..63 of a-z 0-9 '-' '_', and a
 * check dslab knows. Only such names become file names. */
bool xr_check_name_ok(const char *s);
/* "<check>-seed<S>.yaml" for c's reproducer; -1 (buf "") when the check's
 * name is not plain. */
int xr_repro_file_name(const struct dslab_xr_check *c, char *buf, size_t size);
/* "<out_dir>/<check>-seed<S>.yaml" for c's reproducer. */
void xr_repro_path(const struct dslab_xr_check *c, const char *out_dir, char *buf, size_t size);

#endif
