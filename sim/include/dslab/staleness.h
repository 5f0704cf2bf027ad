/* staleness.h: the read-after-write staleness metric of a run whose
 * workload has `read_after_write` (docs/SCENARIO_FORMAT.md): for each probe
 * (a read issued a delay after the client's own write or cas completed
 * ok), whether it returned the latest committed value, grouped by delay.
 *
 * Rule (docs/ASSUMPTIONS.md, "Read-after-write staleness"): a probe that
 * completes ok returned the latest committed value (it is fresh) unless
 * some write or cas of its key that was acknowledged before the probe was
 * invoked had itself been invoked after the write of the returned value was
 * acknowledged (then that value was certainly superseded: stale). The
 * value of a write not acknowledged by then (in flight, timed out) is
 * fresh; nil is stale once any write of the key was acknowledged; a value
 * no write set, or that of a write that failed, is stale. With one writer
 * per key this is "the read returns the last acknowledged write or a
 * newer one"; with concurrent writers any of the writes that may be last
 * in real-time order counts. Probes that end fail or info are counted as
 * unanswered, not in any probability.
 *
 * Buckets: with `bucket: W`, delay d goes to [k*W, (k+1)*W), k = d / W;
 * without it, to the 1-2-5 series [0, 1us), [1us, 2us), [2us, 5us),
 * [5us, 10us), [10us, 20us), ... (a bucket's end is the next value of
 * 1, 2, 5 times a power of ten ns, from 1us). Only non-empty buckets are
 * listed, in increasing delay. */
#ifndef DSLAB_STALENESS_H
#define DSLAB_STALENESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dslab/sim.h"

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

struct dslab_staleness_bucket {
    int64_t from_ns, to_ns;             /* [from, to) */
    int64_t delay_min_ns, delay_max_ns; /* of the probes in it */
    int64_t reads;                      /* probes answered ok */
    int64_t fresh;                      /* of those, fresh */
    int64_t unanswered;                 /* probes that ended fail or info */
};

struct dslab_staleness {
    bool on;                   /* the workload has read_after_write */
    int64_t bucket_ns;         /* 0 = the 1-2-5 rule */
    int64_t probes, reads, fresh, unanswered;
    size_t count;
    struct dslab_staleness_bucket *buckets; /* owned, count entries */
};

/* Computes the metric of sim's history so far. Returns 0 (out->on false
 * when the workload has no read_after_write), or -1 when out of memory.
 * Free with dslab_staleness_free(). */
int dslab_staleness_compute(const struct dslab_sim *sim, struct dslab_staleness *out);
void dslab_staleness_free(struct dslab_staleness *s);
/* The bucket [from, to) of delay_ns under the rule of bucket_ns. */
void dslab_staleness_bucket_of(int64_t delay_ns, int64_t bucket_ns, int64_t *from_ns, int64_t *to_ns);

#pragma GCC visibility pop

#endif
