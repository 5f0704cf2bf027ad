/* history_export_internal.h: what the two history writers share (private):
 * each history record's Jepsen process id and, for an invoke, how its
 * operation completed (dslab/history_export.h says why the ids change). */
#ifndef DSLAB_HISTORY_EXPORT_INTERNAL_H
#define DSLAB_HISTORY_EXPORT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dslab/history.h"

/* No completion (yet): the op was still open when the run ended. */
#define HX_PENDING (-1)

struct hx_plan {
    int64_t *process;   /* per record: its process id */
    int *completion;    /* per invoke record: enum dslab_op_type of its completion, or HX_PENDING */
    bool *skip;         /* per record: a completion with no open invoke (never written) */
};

/* Fills `plan` for `h`. Returns 0, or -1 when out of memory (nothing to free). */
int hx_plan_build(const struct dslab_history *h, struct hx_plan *plan);
void hx_plan_free(struct hx_plan *plan);

int hx_write_edn(FILE *out, const struct dslab_history *h, const struct hx_plan *plan,
                 const char *scenario, uint64_t seed);
int hx_write_porcupine(FILE *out, const struct dslab_history *h, const struct hx_plan *plan);

#endif
