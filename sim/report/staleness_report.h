/* staleness_report.h: private to sim/report/: the read-after-write
 * staleness section of the run summary (text) and of --json. */
#ifndef DSLAB_REPORT_STALENESS_REPORT_H
#define DSLAB_REPORT_STALENESS_REPORT_H

#include <stdio.h>

#include "dslab/json_write.h"
#include "dslab/sim.h"

void staleness_report_text(FILE *out, const struct dslab_sim *sim);
void staleness_report_json(struct dslab_json_writer *w, const struct dslab_sim *sim);

#endif
