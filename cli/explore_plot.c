/* explore_plot.c: `dslab explore --plot DIR`: PNG plots of the
 * distributions (a CDF and a histogram per metric), drawn by the
 * visualiser's SDL2 renderer (viz/viz_plot.c). Without SDL2 the flag says
 * plots are unavailable; everything else of explore works. */
#include <stdio.h>

#include "explore_cli.h"

#if defined(DSLAB_HAVE_VIZ) && defined(DSLAB_EXPLORE_PLOT_TODO)
#include "viz_plot.h"
#endif

int explore_plot(const struct xr *x, const char *dir, char *err, int err_size) {
#if defined(DSLAB_HAVE_VIZ) && defined(DSLAB_EXPLORE_PLOT_TODO)
    return viz_plot_explore(x, dir, err, err_size);
#else
    (void)x;
    (void)dir;
    snprintf(err, (size_t)err_size,
             "plots are unavailable: this dslab was built without the visualiser (SDL2)");
    return -1;
#endif
}
