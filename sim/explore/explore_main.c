/* explore_main.c: an exploration from request to results
 * (dslab_explore_seeds, dslab_explore_merge_files; dslab/explore.h): the seeds of the
 * shard, the pool that runs and shrinks them, the reproducer files; or
 * shard results read, merged and their reproducers written. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "explore/explore_driver.h"

/* FNV-1a over the file's bytes and the overrides: merged shards must come
 * from the same scenario. Returns 0, or -1 when the file cannot be read. */
static int scenario_hash(const struct dslab_explore_request *q, uint64_t *out) {
    FILE *f = fopen(q->path, "rb");
    if (!f) return -1;
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    int c;
    while ((c = fgetc(f)) != EOF) h = (h ^ (uint64_t)(unsigned char)c) * UINT64_C(0x100000001b3);
    fclose(f);
    for (int i = 0; i < q->overrides_count; i++) {
        for (const char *p = q->overrides[i].path; *p; p++) h = (h ^ (unsigned char)*p) * UINT64_C(0x100000001b3);
        h = (h ^ '=') * UINT64_C(0x100000001b3);
        for (const char *p = q->overrides[i].value; *p; p++) h = (h ^ (unsigned char)*p) * UINT64_C(0x100000001b3);
        h = (h ^ '\n') * UINT64_C(0x100000001b3);
    }
    *out = h;
    return 0;
}

const char *dslab_explore_mode_name(enum dslab_explore_mode m) {
    return m == DSLAB_EXPLORE_FAULTS_SCENARIO ? "scenario" : m == DSLAB_EXPLORE_FAULTS_BOTH ? "both" : "random";
}

/* The results' header: what was explored. */
static void describe_request(const struct dslab_explore_request *q, struct dslab_xr *x) {
    snprintf(x->scenario_path, sizeof x->scenario_path, "%s", q->path);
    snprintf(x->scenario_name, sizeof x->scenario_name, "%s", q->sc->name);
    scenario_hash(q, &x->scenario_hash);
    snprintf(x->faults_mode, sizeof x->faults_mode, "%s", dslab_explore_mode_name(q->mode));
    x->budget = q->budget;
    x->seed_from = q->seed_from;
    x->seeds = q->seeds;
    x->shard_count = q->shard_count;
    x->shards_mask = UINT64_C(1) << (q->shard_index - 1);
    x->checks_count = q->sc->checks_count < DSLAB_EXPLORE_CHECKS_MAX ? q->sc->checks_count : DSLAB_EXPLORE_CHECKS_MAX;
    for (int c = 0; c < x->checks_count; c++) {
        snprintf(x->checks[c].name, sizeof x->checks[c].name, "%s", q->sc->checks[c].name);
    }
}

/* Every shard_count-th seed from shard_index-1: an array to free(). */
static uint64_t *shard_seeds(const struct dslab_explore_request *q, uint64_t *count) {
    uint64_t m = (uint64_t)q->shard_count, n = 0;
    uint64_t *seeds = malloc(sizeof *seeds * (size_t)(q->seeds / m + 1));
    if (!seeds) return NULL;
    for (uint64_t k = (uint64_t)(q->shard_index - 1); k < q->seeds; k += m) seeds[n++] = q->seed_from + k;
    *count = n;
    return seeds;
}

static int write_reproducers(const struct dslab_explore_request *q, struct dslab_xr *x,
                             const struct dslab_explore_scenario finals[DSLAB_EXPLORE_CHECKS_MAX], char *err, int err_size) {
    for (int c = 0; c < x->checks_count; c++) {
        struct dslab_xr_check *xc = &x->checks[c];
        if (!xc->repro.present) continue;
        if (mkdir(q->out_dir, 0777) != 0 && errno != EEXIST) {
            snprintf(err, (size_t)err_size, "%s: error: cannot create the directory: %s", q->out_dir, strerror(errno));
            return -1;
        }
        char why[700];
        if (explore_repro_make(q->sc, xc, &finals[c], q->out_dir, why, (int)sizeof why) < 0) {
            snprintf(err, (size_t)err_size, "dslab explore: error: %s", why);
            return -1;
        }
    }
    return 0;
}

int dslab_explore_seeds(const struct dslab_explore_request *q, struct dslab_xr *x, char *err, int err_size) {
    memset(x, 0, sizeof *x);
    err[0] = 0;
    describe_request(q, x);
    struct explore_job job = {.sc = q->sc, .mode = q->mode, .jobs = q->jobs,
                              .progress = q->progress, .progress_user = q->progress_user};
    uint64_t *seeds = shard_seeds(q, &job.seeds_count);
    if (!seeds) {
        snprintf(err, (size_t)err_size, "dslab explore: error: out of memory for the seeds");
        return -1;
    }
    job.seeds = seeds;
    struct dslab_explore_scenario *finals = calloc(DSLAB_EXPLORE_CHECKS_MAX, sizeof *finals);
    struct dslab_diag d;
    dslab_diag_clear(&d);
    int rc = -1;
    if (!finals) {
        snprintf(err, (size_t)err_size, "dslab explore: error: out of memory");
    } else if (explore_pool_run(&job, x, &d) < 0 || explore_pool_shrink(&job, x, finals, &d) < 0) {
        dslab_diag_format(&d, err, err_size);
    } else {
        rc = write_reproducers(q, x, finals, err, err_size);
    }
    for (int c = 0; finals && c < DSLAB_EXPLORE_CHECKS_MAX; c++) dslab_explore_scenario_free(&finals[c]);
    free(finals);
    free(seeds);
    return rc;
}

int dslab_explore_merge_files(struct dslab_xr *x, const char *const *paths, int count, const char *out_dir,
                        char *err, int err_size) {
    memset(x, 0, sizeof *x);
    err[0] = 0;
    for (int i = 0; i < count; i++) {
        if (xr_merge_file(x, paths[i], i == 0, err, err_size) < 0) return -1;
    }
    char why[700];
    if (xr_write_reproducers(x, out_dir, why, (int)sizeof why) < 0) {
        snprintf(err, (size_t)err_size, "dslab explore: error: %s", why);
        return -1;
    }
    return 0;
}
