/* explore_plot.c: `dslab explore --plot DIR`: PNG plots of the
 * distributions, a CDF and a histogram per metric (election.cdf.png,
 * election.hist.png, failover.*, latency.*), drawn by the visualiser's
 * SDL2 renderer (viz/viz_plot.c). Without SDL2 the flag says plots are
 * unavailable; everything else of explore works. Metrics without samples
 * (no client workload, no leader) get no plot. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "explore_plot.h"

#ifdef DSLAB_HAVE_VIZ
#include "viz_plot.h"

static int plot_hist(const struct dslab_xr *x, const struct dslab_explore_hist *h, const char *name,
                     const char *title, const char *dir, char *err, int err_size) {
    if (h->count == 0) return 0;
    int64_t *lo = malloc(sizeof *lo * DSLAB_EXPLORE_HIST_BUCKETS);
    int64_t *hi = malloc(sizeof *hi * DSLAB_EXPLORE_HIST_BUCKETS);
    uint64_t *counts = malloc(sizeof *counts * DSLAB_EXPLORE_HIST_BUCKETS);
    int bins = 0, rc = 0;
    if (!lo || !hi || !counts) {
        snprintf(err, (size_t)err_size, "out of memory");
        rc = -1;
    }
    for (int b = 0; rc == 0 && b < DSLAB_EXPLORE_HIST_BUCKETS; b++) {
        if (!h->buckets[b]) continue;
        lo[bins] = dslab_explore_hist_bucket_low_ns(b);
        hi[bins] = b + 1 < DSLAB_EXPLORE_HIST_BUCKETS ? dslab_explore_hist_bucket_low_ns(b + 1) : lo[bins] + 1;
        counts[bins++] = h->buckets[b];
    }
    char caption[160];
    snprintf(caption, sizeof caption, "%s: %" PRIu64 " samples over %" PRIu64 " seeds",
             x->scenario_name, h->count, x->seeds_run);
    struct viz_plot_data data = {title, caption, lo, hi, counts, bins};
    static const char *const suffix[] = {"cdf", "hist"};
    static const enum viz_plot_kind kinds[] = {VIZ_PLOT_CDF, VIZ_PLOT_HISTOGRAM};
    for (int k = 0; rc == 0 && k < 2; k++) {
        char path[1100];
        struct dslab_diag d;
        dslab_diag_clear(&d);
        snprintf(path, sizeof path, "%s/%s.%s.png", dir, name, suffix[k]);
        if (viz_plot_png(&data, kinds[k], 900, 500, path, &d) < 0) {
            dslab_diag_format(&d, err, err_size);
            rc = -1;
        }
    }
    free(lo);
    free(hi);
    free(counts);
    return rc;
}
#endif

int explore_plot(const struct dslab_xr *x, const char *dir, char *err, int err_size) {
#ifdef DSLAB_HAVE_VIZ
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        snprintf(err, (size_t)err_size, "%s: cannot create the directory: %s", dir, strerror(errno));
        return -1;
    }
    if (plot_hist(x, &x->metrics.election, "election", "Time to elect a leader", dir, err, err_size) < 0 ||
        plot_hist(x, &x->metrics.failover, "failover", "Time to detect a failure (failover)", dir, err,
                  err_size) < 0 ||
        plot_hist(x, &x->metrics.latency, "latency", "Client latency (ok operations)", dir, err, err_size) < 0) {
        return -1;
    }
    return 0;
#else
    (void)x;
    (void)dir;
    snprintf(err, (size_t)err_size,
             "plots are unavailable: this dslab was built without the visualiser (SDL2)");
    return -1;
#endif
}
