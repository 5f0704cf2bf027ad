/* staleness_report.c: the read-after-write staleness metric
 * (dslab/staleness.h) in a run's summary for people and in its --json
 * object. Prints nothing when the workload has no read_after_write. */
#include <inttypes.h>
#include <stdio.h>

#include "dslab/json_write.h"
#include "dslab/staleness.h"
#include "dslab/time.h"
#include "report/staleness_report.h"

/* fresh / reads in thousandths, rounded half up; reads > 0. */
static int64_t milli(int64_t fresh, int64_t reads) { return (fresh * 2000 + reads) / (2 * reads); }

void staleness_report_text(FILE *out, const struct dslab_sim *sim) {
    struct dslab_staleness s;
    if (dslab_staleness_compute(sim, &s) != 0) {
        fprintf(out, "\nread after write\n  (out of memory computing the metric)\n");
        return;
    }
    if (!s.on) return;
    fprintf(out, "\nread after write (P = reads that returned the latest committed value / reads answered)\n");
    fprintf(out, "  %" PRId64 " probes: %" PRId64 " answered, %" PRId64 " fresh, %" PRId64 " unanswered (fail or timed out)\n",
            s.probes, s.reads, s.fresh, s.unanswered);
    if (s.count) fprintf(out, "  %-24s %8s %8s %8s  %s\n", "delay", "reads", "fresh", "P", "delays drawn");
    for (size_t i = 0; i < s.count; i++) {
        const struct dslab_staleness_bucket *b = &s.buckets[i];
        char from[32], to[32], lo[32], hi[32], range[72], p[48];
        snprintf(range, sizeof range, "[%s, %s)", dslab_time_format_human(b->from_ns, from, sizeof from),
                 dslab_time_format_human(b->to_ns, to, sizeof to));
        if (b->reads) {
            int64_t m = milli(b->fresh, b->reads);
            snprintf(p, sizeof p, "%" PRId64 ".%03" PRId64, m / 1000, m % 1000);
        } else {
            snprintf(p, sizeof p, "-");
        }
        fprintf(out, "  %-24s %8" PRId64 " %8" PRId64 " %8s  %s .. %s\n", range, b->reads, b->fresh, p,
                dslab_time_format_human(b->delay_min_ns, lo, sizeof lo),
                dslab_time_format_human(b->delay_max_ns, hi, sizeof hi));
    }
    dslab_staleness_free(&s);
}

void staleness_report_json(struct dslab_json_writer *w, const struct dslab_sim *sim) {
    struct dslab_staleness s;
    if (dslab_staleness_compute(sim, &s) != 0 || !s.on) return; /* out of memory: the member is left out */
    dslab_jw_key(w, "read_after_write");
    dslab_jw_object_begin(w);
    dslab_jw_member_int(w, "bucket_ns", s.bucket_ns);
    dslab_jw_member_int(w, "probes", s.probes);
    dslab_jw_member_int(w, "reads", s.reads);
    dslab_jw_member_int(w, "fresh", s.fresh);
    dslab_jw_member_int(w, "unanswered", s.unanswered);
    dslab_jw_key(w, "buckets");
    dslab_jw_array_begin(w);
    for (size_t i = 0; i < s.count; i++) {
        const struct dslab_staleness_bucket *b = &s.buckets[i];
        dslab_jw_object_begin(w);
        dslab_jw_member_int(w, "from_ns", b->from_ns);
        dslab_jw_member_int(w, "to_ns", b->to_ns);
        dslab_jw_member_int(w, "delay_min_ns", b->delay_min_ns);
        dslab_jw_member_int(w, "delay_max_ns", b->delay_max_ns);
        dslab_jw_member_int(w, "reads", b->reads);
        dslab_jw_member_int(w, "fresh", b->fresh);
        dslab_jw_member_int(w, "unanswered", b->unanswered);
        dslab_jw_key(w, "probability");
        if (b->reads) dslab_jw_thousandths(w, milli(b->fresh, b->reads));
        else dslab_jw_null(w);
        dslab_jw_object_end(w);
    }
    dslab_jw_array_end(w);
    dslab_jw_object_end(w);
    dslab_staleness_free(&s);
}
