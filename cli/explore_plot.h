/* explore_plot.h: `dslab explore --plot DIR` (explore_plot.c): PNG plots
 * of an exploration's distributions, drawn by the visualiser. */
#ifndef DSLAB_EXPLORE_PLOT_H
#define DSLAB_EXPLORE_PLOT_H

#include "dslab/explore.h"

/* Writes the plots into dir. Returns 0, or -1 with a message (also when
 * the visualiser, hence SDL2, is not built). */
int explore_plot(const struct dslab_xr *x, const char *dir, char *err, int err_size);

#endif
