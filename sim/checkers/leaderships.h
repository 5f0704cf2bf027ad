/* leaderships.h (private to sim/checkers/): who led (or was primary), in
 * which term (or epoch), over which stretch of true time - the record
 * keeping one-leader-per-term and the single-primary checkers share.
 *
 * Leadership is read from typed role reports (dslab_ctx_report_role): a
 * report of a leading class (dslab_role_class_leads) with value = term
 * starts a leadership; any other role report, or a crash of the node,
 * ends it. The report's text plays no part.
 *
 * Cost: one record per leadership in a growing array (a run elects few
 * leaders); sorting and the same-term scan are O(n log n) and
 * O(n * leaders per term). */
#ifndef DSLAB_LEADERSHIPS_H
#define DSLAB_LEADERSHIPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dslab/check.h"
#include "dslab/trace.h"

struct leadership {
    int64_t term; /* the epoch, for primary-backup */
    int32_t node;
    int64_t from_ns;
    int64_t to_ns; /* INT64_MAX while open */
    uint64_t from_trace_id;
    uint64_t to_trace_id; /* valid when has_to_trace */
    bool has_to_trace;
};

struct leaderships {
    int32_t nodes_count;
    int64_t *open_of_node; /* index into records, -1 if not leading; owned */
    struct leadership *records; /* owned */
    size_t count;
    size_t capacity;
    int64_t role_reports; /* none: nothing to judge */
    bool out_of_memory;
};

/* 0, or -1 when out of memory (then nothing is owned). */
int leaderships_init(struct leaderships *l, int32_t nodes_count);
void leaderships_free(struct leaderships *l);

/* Ends ev->node's open leadership (if any) at ev. */
void leaderships_end(struct leaderships *l, const struct dslab_trace_event *ev);
/* Ends ev->node's open leadership and starts one in `term` at ev; on
 * out of memory sets out_of_memory and records nothing. */
void leaderships_start(struct leaderships *l, const struct dslab_trace_event *ev, int64_t term);
/* Follows a crash or a role report of a node in range; returns whether ev
 * was one of those (other events are the caller's). */
bool leaderships_follow(struct leaderships *l, const struct dslab_trace_event *ev);
/* Closes every open leadership at end_ns (the end of the run). */
void leaderships_close(struct leaderships *l, int64_t end_ns);

/* Sorts the records by (term, start, trace id) and calls `report` for
 * each later record of a term held by another node than the term's first
 * record, with the window from the later start to the end of the overlap
 * (or the later start itself when the first had ended), passing `ctx` and
 * `result` through. Counts the terms in *terms_out and returns how many
 * had two leaders. */
typedef void (*leaderships_report_fn)(const void *ctx, const struct leadership *first,
                                      const struct leadership *second, int64_t from_ns,
                                      int64_t to_ns, struct dslab_check_result *result);
int64_t leaderships_same_term(struct leaderships *l, leaderships_report_fn report, const void *ctx,
                              struct dslab_check_result *result, int64_t *terms_out);

/* The details of a violation by two leaderships: at at_ns, both nodes,
 * and as evidence the role reports that began both (v may be NULL). */
void leaderships_violation_pair(struct dslab_check_violation *v, const struct leadership *a,
                                const struct leadership *b, int64_t at_ns);

#endif
