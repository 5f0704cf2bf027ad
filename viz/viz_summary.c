/* viz_summary.c: the counts in the inspector's run summary (nothing
 * selected). They are the numbers `dslab run` prints for the same run
 * (its dslab_sim_stats, kept by rec_take_results), never counted again
 * from the recording. */
#include "viz_internal.h"

#include <stdio.h>

static void add(struct viz_summary_lines *out, const char *key, long long value) {
    if (out->count >= VIZ_SUMMARY_LINES_MAX) return;
    snprintf(out->key[out->count], sizeof out->key[0], "%s", key);
    out->value[out->count] = value;
    out->count++;
}

void viz_summary_lines(const struct viz_model *m, struct viz_summary_lines *out) {
    const struct recording *r = &m->rec;
    out->count = 0;
    /* The run's own stats, as `dslab run` prints them: "events" is what the
     * simulator processed; the trace has more records (the header's "ev"
     * counts those: sends, annotations, client operations...). */
    const struct dslab_sim_stats *st = &r->stats;
    add(out, "events", (long long)st->events);
    add(out, "trace records", (long long)st->trace_events);
    add(out, "msgs sent", (long long)st->messages_sent);
    add(out, "dropped", (long long)st->messages_dropped);
    add(out, "duplicated", (long long)st->messages_duplicated);
    add(out, "faults", (long long)st->faults_applied);
}
