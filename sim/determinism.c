/* determinism.c: two runs of one scenario compared event by event
 * (dslab/determinism.h). Each simulator's trace events go, as JSON Lines,
 * into its own queue; after each step of both, the queues' common prefix
 * is compared and dropped, so memory stays bounded by the events of one
 * step unless the runs part (then the comparison stops). */
#include <stdlib.h>
#include <string.h>

#include "dslab/determinism.h"
#include "dslab/sim.h"
#include "dslab/trace.h"
#include "grow.h"
#include "trace_line.h"

struct line_queue {
    char *buf;    /* records: text NUL-terminated, back to back */
    size_t head;  /* offset of the first unconsumed record */
    size_t tail;  /* bytes used */
    size_t cap;
    bool oom;
    const struct dslab_scenario *sc;
    uint64_t hash; /* trace_hash_bytes over whole records, as dslab_trace_hasher_sink */
};

static void queue_sink(void *user, const struct dslab_trace_event *ev) {
    struct line_queue *q = user;
    struct trace_line l; /* the whole record, however long: the hasher's bytes */
    trace_line_format(&l, ev, (const char (*)[32])q->sc->node_names, q->sc->nodes_count);
    if (!l.text) {
        q->oom = true;
        return;
    }
    q->hash = trace_hash_bytes(q->hash, l.text, l.len);
    size_t n = l.len;
    if (n > 0 && l.text[n - 1] == '\n') n--;
    if (q->head > 0 && q->head == q->tail) q->head = q->tail = 0;
    if (q->tail + n + 1 > q->cap) {
        if (q->head > 0) { /* compact */
            memmove(q->buf, q->buf + q->head, q->tail - q->head);
            q->tail -= q->head;
            q->head = 0;
        }
        if (grow_bytes(&q->buf, &q->cap, q->tail + n + 1, 8192) != 0) {
            q->oom = true;
            trace_line_free(&l);
            return;
        }
    }
    memcpy(q->buf + q->tail, l.text, n);
    q->buf[q->tail + n] = '\0';
    q->tail += n + 1;
    trace_line_free(&l);
}

static const char *queue_front(const struct line_queue *q) {
    return q->head < q->tail ? q->buf + q->head : NULL;
}

static void queue_pop(struct line_queue *q) {
    q->head += strlen(q->buf + q->head) + 1;
}

/* Compares the queues' common prefix; false at the first difference
 * (r filled). With `final`, a record left in one queue is a difference. */
static bool compare(struct line_queue *a, struct line_queue *b, bool final,
                    struct dslab_determinism_result *r) {
    for (;;) {
        const char *x = queue_front(a), *y = queue_front(b);
        if (!x || !y) {
            if (!final || (!x && !y)) return true;
            snprintf(r->first, sizeof r->first, "%s", x ? x : "");
            snprintf(r->second, sizeof r->second, "%s", y ? y : "");
            r->diff_index = r->events;
            return false;
        }
        if (strcmp(x, y) != 0) {
            snprintf(r->first, sizeof r->first, "%s", x);
            snprintf(r->second, sizeof r->second, "%s", y);
            r->diff_index = r->events;
            return false;
        }
        queue_pop(a);
        queue_pop(b);
        r->events++;
    }
}

static int run_error(const struct dslab_scenario *s, struct dslab_sim *sim, enum dslab_sim_status st,
                     int run, struct dslab_diag *diag) {
    if (st == DSLAB_SIM_EVENT_BUDGET) {
        return dslab_diag_set(diag, s->path, 0, 0,
                        "run %d stopped after its event budget; raise it with `limits: { events: "
                        "N }`", run);
    }
    return dslab_diag_set(diag, s->path, 0, 0, "run %d stopped: %s", run, dslab_sim_error(sim));
}

int dslab_determinism_check(const struct dslab_scenario *s, uint64_t seed, int64_t until_ns,
                      struct dslab_determinism_result *r, struct dslab_diag *diag) {
    memset(r, 0, sizeof *r);
    if (until_ns <= 0) until_ns = s->duration_ns;
    struct line_queue q[2];
    struct dslab_sim *sims[2] = {NULL, NULL};
    memset(q, 0, sizeof q);
    int rc = 0;
    for (int i = 0; i < 2 && rc == 0; i++) {
        q[i].sc = s;
        q[i].hash = TRACE_HASH_SEED;
        if (!(sims[i] = dslab_sim_create(s, seed, diag))) {
            rc = -1;
        } else {
            dslab_sim_add_sink(sims[i], queue_sink, &q[i]);
            /* Start the nodes (init() runs at the first dslab_sim_run) without
             * processing an event: until a time before t=0. */
            dslab_sim_run(sims[i], -1, 1);
        }
    }
    int64_t budget = s->events_max > 0 ? s->events_max : DSLAB_EVENTS_DEFAULT_MAX;
    bool same = true;
    for (int64_t steps = 0; rc == 0 && same; steps++) {
        if (steps >= budget) {
            rc = run_error(s, sims[0], DSLAB_SIM_EVENT_BUDGET, 1, diag);
            break;
        }
        int stepped = dslab_sim_step(sims[0], until_ns);
        stepped += dslab_sim_step(sims[1], until_ns);
        for (int i = 0; i < 2 && rc == 0; i++) {
            if (dslab_sim_error(sims[i]) && dslab_sim_error(sims[i])[0]) {
                rc = run_error(s, sims[i], DSLAB_SIM_ERROR, i + 1, diag);
            }
        }
        if (q[0].oom || q[1].oom) rc = dslab_diag_set(diag, s->path, 0, 0, "out of memory");
        if (rc == 0) same = compare(&q[0], &q[1], false, r);
        if (!stepped) break;
    }
    if (rc == 0 && same) {
        for (int i = 0; i < 2 && rc == 0; i++) {
            enum dslab_sim_status st = dslab_sim_run(sims[i], until_ns, 0); /* to until_ns: the end time */
            if (st != DSLAB_SIM_OK) rc = run_error(s, sims[i], st, i + 1, diag);
            else dslab_sim_finish(sims[i]);
        }
        if (rc == 0) same = compare(&q[0], &q[1], true, r);
    }
    r->same = same;
    r->hash = q[0].hash;
    for (int i = 0; i < 2; i++) {
        dslab_sim_destroy(sims[i]);
        free(q[i].buf);
    }
    return rc;
}
