/* viz_checks.c: what the checks say at the displayed moment. The checkers
 * run over the whole run, so their verdicts are only known at its end; a
 * room watching the run must not see "linearizable: FAIL" at t=0. Before
 * the end a check shows FAIL only once one of its violations has begun
 * (its from_ns is at or before the cursor), with that moment; otherwise
 * "so far ok". At the end of the run it shows the end-of-run verdict.
 * A violation whose window is the whole run (from its start to its end:
 * load-balance's busiest node, a key linearizable could not place in
 * time) is a judgement of the run as a whole, known only at the end: it
 * counts as begun only then, or it would read FAIL at t=0. The same rule
 * decides when an operation cited as evidence is outlined in red. */
#include "viz_internal.h"

#include <stdio.h>

int64_t rec_violation_begin_ns(const struct recording *r, int32_t v) {
    const struct rec_violation *rv = &r->violations[v];
    bool whole_run = rv->from_ns <= 0 && rv->to_ns >= r->end_ns;
    return whole_run ? r->end_ns : rv->from_ns;
}

bool rec_violation_begun(const struct recording *r, int32_t v, int64_t now_ns) {
    if (v < 0 || v >= r->violations_count) return false;
    return rec_violation_begin_ns(r, v) <= now_ns;
}

bool rec_op_cited_by_begun(const struct recording *r, int32_t op, int64_t now_ns) {
    return op >= 0 && op < r->ops_count && r->ops[op].cited_from_ns <= now_ns;
}

enum rec_check_state rec_check_at(const struct recording *r, int i, int64_t now_ns, char *buf, size_t size) {
    const struct rec_check *c = &r->checks[i];
    int begun = 0;
    int64_t first_ns = -1; /* the earliest begun violation's start */
    for (int32_t v = 0; v < r->violations_count; v++) {
        if (r->violations[v].check_index != i || !rec_violation_begun(r, v, now_ns)) continue;
        begun++;
        if (first_ns < 0 || r->violations[v].from_ns < first_ns) first_ns = r->violations[v].from_ns;
    }
    if (now_ns >= r->end_ns) {
        const char *word = c->verdict == DSLAB_CHECK_PASS ? "pass" : c->verdict == DSLAB_CHECK_FAIL ? "FAIL" : "unknown";
        snprintf(buf, size, "%s: %s  %s", c->name, word, c->summary);
        return c->verdict == DSLAB_CHECK_PASS ? REC_CHECK_PASSED
               : c->verdict == DSLAB_CHECK_FAIL ? REC_CHECK_FAILED
                                                : REC_CHECK_UNKNOWN;
    }
    if (begun > 0) {
        char t[48];
        fmt_time(first_ns, t, sizeof t);
        snprintf(buf, size, "%s: FAIL at %s (%d violation%s so far)", c->name, t, begun, begun == 1 ? "" : "s");
        return REC_CHECK_FAILED;
    }
    snprintf(buf, size, "%s: so far ok (verdict at the end of the run)", c->name);
    return REC_CHECK_SO_FAR_OK;
}
