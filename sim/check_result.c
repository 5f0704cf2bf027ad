/* check_result.c: helpers checkers use to report violations (check.h). */
#include <stdarg.h>
#include <stdio.h>

#include "dslab/check.h"

struct dslab_check_violation *dslab_check_result_add(struct dslab_check_result *r, int64_t from_ns, int64_t to_ns,
                                         const char *fmt, ...) {
    r->verdict = DSLAB_CHECK_FAIL;
    r->violations_total++;
    if (r->violations_count >= DSLAB_CHECK_VIOLATIONS_KEPT_MAX) return NULL;
    struct dslab_check_violation *v = &r->violations[r->violations_count++];
    v->from_ns = from_ns;
    v->to_ns = to_ns;
    v->at_ns = to_ns;
    v->nodes_count = 0;
    v->evidence_count = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->message, sizeof v->message, fmt, ap);
    va_end(ap);
    return v;
}

void dslab_check_violation_add_node(struct dslab_check_violation *v, int32_t node) {
    if (!v || node < 0) return;
    for (int i = 0; i < v->nodes_count; i++) {
        if (v->nodes[i] == node) return;
    }
    if (v->nodes_count < DSLAB_CHECK_VIOLATION_NODES_MAX) v->nodes[v->nodes_count++] = node;
}

void dslab_check_violation_set_at(struct dslab_check_violation *v, int64_t at_ns) {
    if (v) v->at_ns = at_ns;
}

void dslab_check_violation_add_evidence(struct dslab_check_violation *v, uint64_t trace_id) {
    if (v && v->evidence_count < DSLAB_CHECK_VIOLATION_EVIDENCE_MAX) {
        v->evidence[v->evidence_count++] = trace_id;
    }
}
