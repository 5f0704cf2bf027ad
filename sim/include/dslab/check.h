/* check.h: checkers, the oracles that say when a run went wrong.
 *
 * A checker is named in a scenario's `checks:`. It watches the trace as a
 * sink while the run goes (true time, all events) and gives its verdict at
 * the end, when it can also read the client history. Each violation names
 * its time window, the nodes involved and the ids of the trace events that
 * show it: the evidence exercises grade against and the visualiser marks.
 * Checkers live in sim/checkers/, one per file. */
#ifndef DSLAB_CHECK_H
#define DSLAB_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "dslab/diag.h"
#include "dslab/history.h"
#include "dslab/scenario.h"
#include "dslab/trace.h"

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

#define DSLAB_CHECK_VIOLATION_NODES_MAX 8
#define DSLAB_CHECK_VIOLATION_EVIDENCE_MAX 16
/* A checker keeps at most this many violations (and counts the rest). */
#define DSLAB_CHECK_VIOLATIONS_KEPT_MAX 64

enum dslab_check_verdict {
    DSLAB_CHECK_PASS,
    DSLAB_CHECK_FAIL,
    DSLAB_CHECK_UNKNOWN, /* e.g. linearizability search budget exhausted */
};

struct dslab_check_violation {
    int64_t from_ns;    /* the window that shows the violation */
    int64_t to_ns;
    int64_t at_ns;      /* the time of the failure: the first moment the run
                           had broken the property (to_ns unless the checker
                           says otherwise: e.g. the start of an overlap) */
    int nodes_count;
    int32_t nodes[DSLAB_CHECK_VIOLATION_NODES_MAX];
    int evidence_count;
    uint64_t evidence[DSLAB_CHECK_VIOLATION_EVIDENCE_MAX]; /* trace event ids */
    char message[256];
};

struct dslab_check_result {
    char name[64];
    enum dslab_check_verdict verdict;
    int64_t violations_total;   /* may exceed violations_count */
    int violations_count;
    struct dslab_check_violation violations[DSLAB_CHECK_VIOLATIONS_KEPT_MAX];
    char summary[256];          /* one line: "2 leaders in term 3", "1204 ops checked" */
};

struct dslab_checker {
    const char *name;
    const char *summary;
    /* Parses `check->args` and allocates state. Returns 0, or -1 with diag
     * set. The loader calls it too (then destroys at once) so a bad check
     * argument is a load error. destroy() follows every successful create. */
    int (*create)(const struct dslab_scenario *s, const struct dslab_scenario_check *check, void **state_out,
                  struct dslab_diag *diag);
    void (*on_event)(void *state, const struct dslab_trace_event *ev);
    /* Fills `result` (name is filled by the caller). history is complete. */
    void (*finish)(void *state, const struct dslab_history *history, int64_t end_ns,
                   struct dslab_check_result *result);
    void (*destroy)(void *state);
};

const struct dslab_checker *dslab_checker_find(const char *name);
int dslab_checker_count(void);
const struct dslab_checker *dslab_checker_at(int index);

/* Adds a violation to `r` (kept up to the limit, always counted) and sets
 * the verdict to FAIL. Returns the stored violation or NULL when only
 * counted, so the caller can add nodes and evidence. */
struct dslab_check_violation *dslab_check_result_add(struct dslab_check_result *r, int64_t from_ns, int64_t to_ns,
                                         const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void dslab_check_violation_add_node(struct dslab_check_violation *v, int32_t node);
/* Sets the time of the failure (default: the window's end); v may be NULL. */
void dslab_check_violation_set_at(struct dslab_check_violation *v, int64_t at_ns);
void dslab_check_violation_add_evidence(struct dslab_check_violation *v, uint64_t trace_id);

#pragma GCC visibility pop

#endif
