/* viz_plot.h: small statistical plots drawn with the visualiser's SDL2
 * renderer, written headless as PNG (used by `dslab explore --plot`).
 *
 * The data are bins of durations (ns) with counts, e.g. the non-empty
 * buckets of a histogram; the x axis is logarithmic so microseconds and
 * seconds share one plot. Library code: errors come back in a diag. */
#ifndef DSLAB_VIZ_PLOT_H
#define DSLAB_VIZ_PLOT_H

#include <stdbool.h>
#include <stdint.h>

#include "dslab/diag.h"

enum viz_plot_kind {
    VIZ_PLOT_HISTOGRAM, /* a bar per bin, height = count */
    VIZ_PLOT_CDF,       /* the fraction of samples at or below x, with p50/p99 marked */
};

/* Bin i covers [lo_ns[i], hi_ns[i]) and holds counts[i] samples; bins are
 * in increasing order and 1 <= bins. Arrays are borrowed. */
struct viz_plot_data {
    const char *title;   /* "Time to elect a leader" */
    const char *caption; /* a second line, e.g. "1000 seeds, 1000 samples" */
    const int64_t *lo_ns;
    const int64_t *hi_ns;
    const uint64_t *counts;
    int bins;
};

/* Renders one plot of width x height pixels to a PNG file at path.
 * Returns 0, or -1 with diag set (SDL, fonts, I/O). */
int viz_plot_png(const struct viz_plot_data *data, enum viz_plot_kind kind, int width, int height,
                 const char *path, struct dslab_diag *diag);

#endif
