/* leaderships.c: the leadership records of one-leader-per-term and the
 * single-primary checkers (see leaderships.h). */
#include "checkers/leaderships.h"

#include <stdlib.h>
#include <string.h>

#include "checkers/check_util.h"
#include "dslab/annotation.h"
#include "dslab/assert.h"

int leaderships_init(struct leaderships *l, int32_t nodes_count) {
    memset(l, 0, sizeof *l);
    int32_t n = nodes_count > 0 ? nodes_count : 1;
    l->open_of_node = malloc((size_t)n * sizeof *l->open_of_node);
    if (!l->open_of_node) {
        return -1;
    }
    for (int32_t i = 0; i < n; i++) {
        l->open_of_node[i] = -1;
    }
    l->nodes_count = nodes_count;
    return 0;
}

void leaderships_free(struct leaderships *l) {
    free(l->records);
    free(l->open_of_node);
    l->records = NULL;
    l->open_of_node = NULL;
}

void leaderships_end(struct leaderships *l, const struct dslab_trace_event *ev) {
    int64_t open = l->open_of_node[ev->node];
    if (open >= 0) {
        DSLAB_ASSERT(ev->t_ns >= l->records[open].from_ns); /* ends no earlier than it began */
        l->records[open].to_ns = ev->t_ns;
        l->records[open].to_trace_id = ev->id;
        l->records[open].has_to_trace = true;
        l->open_of_node[ev->node] = -1;
    }
}

void leaderships_start(struct leaderships *l, const struct dslab_trace_event *ev, int64_t term) {
    leaderships_end(l, ev);
    struct leadership *grown = grow_array(l->records, &l->capacity, l->count, sizeof *grown, 64);
    if (!grown) {
        l->out_of_memory = true;
        return;
    }
    l->records = grown;
    struct leadership *r = &l->records[l->count];
    memset(r, 0, sizeof *r);
    r->term = term;
    r->node = ev->node;
    r->from_ns = ev->t_ns;
    r->to_ns = INT64_MAX;
    r->from_trace_id = ev->id;
    l->open_of_node[ev->node] = (int64_t)l->count;
    l->count++;
}

bool leaderships_follow(struct leaderships *l, const struct dslab_trace_event *ev) {
    if (ev->node < 0 || ev->node >= l->nodes_count) {
        return false;
    }
    if (ev->kind == DSLAB_TRACE_CRASH) {
        leaderships_end(l, ev);
        return true;
    }
    if (ev->kind == DSLAB_TRACE_ANNOTATE && ev->annotation == DSLAB_ANNOTATION_ROLE) {
        l->role_reports++;
        if (dslab_role_class_leads(ev->role)) {
            leaderships_start(l, ev, ev->a);
        } else {
            leaderships_end(l, ev);
        }
        return true;
    }
    return false;
}

void leaderships_close(struct leaderships *l, int64_t end_ns) {
    for (size_t i = 0; i < l->count; i++) {
        if (l->records[i].to_ns == INT64_MAX) {
            l->records[i].to_ns = end_ns;
        }
    }
}

static int by_term_cmp(const void *pa, const void *pb) {
    const struct leadership *a = pa, *b = pb;
    if (a->term != b->term) return a->term < b->term ? -1 : 1;
    if (a->from_ns != b->from_ns) return a->from_ns < b->from_ns ? -1 : 1;
    return a->from_trace_id < b->from_trace_id ? -1 : (a->from_trace_id > b->from_trace_id);
}

int64_t leaderships_same_term(struct leaderships *l, leaderships_report_fn report, const void *ctx,
                              struct dslab_check_result *result, int64_t *terms_out) {
    if (l->count > 1) {
        qsort(l->records, l->count, sizeof *l->records, by_term_cmp);
    }
    int64_t bad_terms = 0;
    *terms_out = 0;
    for (size_t i = 0; i < l->count;) {
        size_t j = i + 1;
        bool bad = false;
        for (; j < l->count && l->records[j].term == l->records[i].term; j++) {
            const struct leadership *a = &l->records[i], *b = &l->records[j];
            if (b->node != a->node) {
                int64_t end_ns = a->to_ns < b->to_ns ? a->to_ns : b->to_ns;
                report(ctx, a, b, b->from_ns, end_ns > b->from_ns ? end_ns : b->from_ns, result);
                bad = true;
            }
        }
        (*terms_out)++;
        bad_terms += bad;
        i = j;
    }
    return bad_terms;
}

void leaderships_violation_pair(struct dslab_check_violation *v, const struct leadership *a,
                                const struct leadership *b, int64_t at_ns) {
    dslab_check_violation_set_at(v, at_ns);
    if (v) {
        dslab_check_violation_add_node(v, a->node);
        dslab_check_violation_add_node(v, b->node);
        dslab_check_violation_add_evidence(v, a->from_trace_id);
        dslab_check_violation_add_evidence(v, b->from_trace_id);
    }
}
