/* explore_run.c: one run of a schedule, its verdicts, and the
 * distributions learners care about.
 *
 * A probe (a trace sink) measures, per run: the time to the first leader
 * (a typed role report of a leading class: DSLAB_ROLE_LEADER or DSLAB_ROLE_PRIMARY,
 * dslab/annotation.h), the time from losing the leader (it
 * crashed, paused, or a partition or cut left it without a majority) to a
 * different node leading (failure detection plus election), and the
 * latency of every client operation that completed ok. Samples go into
 * log-linear histograms of integer counts, which add up the same in any
 * order, so totals over many runs do not depend on thread scheduling. */
#include <stdlib.h>
#include <string.h>

#include "dslab/time.h"
#include "dslab/explore_engine.h"

/* ---- histograms ------------------------------------------------------------ */

int dslab_explore_hist_bucket(int64_t v_ns) {
    if (v_ns < 16) return v_ns < 0 ? 0 : (int)v_ns;
    int e = 63 - __builtin_clzll((unsigned long long)v_ns); /* >= 4 */
    int sub = (int)((uint64_t)v_ns >> (e - 4)) & 15;
    return 16 + (e - 4) * 16 + sub;
}

int64_t dslab_explore_hist_bucket_low_ns(int bucket) {
    if (bucket < 16) return bucket;
    int e = (bucket - 16) / 16 + 4, sub = (bucket - 16) % 16;
    return (int64_t)((uint64_t)(16 + sub) << (e - 4));
}

void dslab_explore_hist_add(struct dslab_explore_hist *h, int64_t v_ns) {
    h->buckets[dslab_explore_hist_bucket(v_ns)]++;
    h->count++;
}

void dslab_explore_hist_merge(struct dslab_explore_hist *into, const struct dslab_explore_hist *from) {
    into->count += from->count;
    for (int i = 0; i < DSLAB_EXPLORE_HIST_BUCKETS; i++) into->buckets[i] += from->buckets[i];
}

int64_t dslab_explore_hist_percentile_ns(const struct dslab_explore_hist *h, int per_mille) {
    if (h->count == 0) return -1;
    /* The rank of the sample: ceil(count * p), at least 1. */
    uint64_t rank = (h->count * (uint64_t)per_mille + 999) / 1000;
    if (rank == 0) rank = 1;
    uint64_t seen = 0;
    for (int i = 0; i < DSLAB_EXPLORE_HIST_BUCKETS; i++) {
        seen += h->buckets[i];
        if (seen >= rank) {
            int64_t lo = dslab_explore_hist_bucket_low_ns(i);
            int64_t hi = i + 1 < DSLAB_EXPLORE_HIST_BUCKETS ? dslab_explore_hist_bucket_low_ns(i + 1) : lo;
            return lo + (hi - lo) / 2;
        }
    }
    return -1;
}

/* ---- the probe ------------------------------------------------------------- */

struct probe {
    const struct dslab_sim *sim;
    struct dslab_explore_metrics *metrics; /* NULL: measure nothing */
    int32_t nodes_count;
    int32_t leader;          /* -1 when none is known */
    int32_t lost_leader;     /* the leader we lost, while waiting for the next */
    int64_t lost_at_ns;      /* -1 when not waiting */
    bool elected;
    int64_t *invoke_ns;      /* per client: the open operation's invoke time */
    int32_t clients_count;
};

static bool has_majority(const struct probe *p, int32_t node) {
    int32_t reach = 1;
    for (int32_t j = 0; j < p->nodes_count; j++) {
        if (j != node && dslab_sim_link_up(p->sim, node, j) && dslab_sim_link_up(p->sim, j, node)) reach++;
    }
    return 2 * reach > p->nodes_count;
}

static void lose_leader(struct probe *p, int64_t t_ns) {
    if (p->leader < 0) return;
    if (p->lost_at_ns < 0) {
        p->lost_at_ns = t_ns;
        p->lost_leader = p->leader;
    }
    p->leader = -1;
}

static void on_role(struct probe *p, const struct dslab_trace_event *ev) {
    if (!dslab_role_class_leads(ev->role)) {
        if (ev->node == p->leader) p->leader = -1;
        return;
    }
    if (!p->elected) {
        p->elected = true;
        dslab_explore_hist_add(&p->metrics->election, ev->t_ns);
    }
    if (p->lost_at_ns >= 0 && ev->node != p->lost_leader) {
        dslab_explore_hist_add(&p->metrics->failover, ev->t_ns - p->lost_at_ns);
        p->lost_at_ns = -1;
    } else if (p->lost_at_ns >= 0 && ev->node == p->lost_leader) {
        p->lost_at_ns = -1; /* the old leader came back first: nothing was detected */
    }
    p->leader = ev->node;
}

static void on_client(struct probe *p, const struct dslab_history_op *op) {
    if (!op || op->client < 0 || op->client >= p->clients_count) return;
    if (op->type == DSLAB_OP_INVOKE) {
        p->invoke_ns[op->client] = op->time_ns;
    } else if (op->type == DSLAB_OP_OK && p->invoke_ns[op->client] >= 0) {
        dslab_explore_hist_add(&p->metrics->latency, op->time_ns - p->invoke_ns[op->client]);
        p->invoke_ns[op->client] = -1;
    } else {
        p->invoke_ns[op->client] = -1;
    }
}

static void probe_sink(void *user, const struct dslab_trace_event *ev) {
    struct probe *p = user;
    switch (ev->kind) {
    case DSLAB_TRACE_ANNOTATE:
        if (ev->annotation == DSLAB_ANNOTATION_ROLE && ev->node >= 0) on_role(p, ev);
        break;
    case DSLAB_TRACE_CRASH:
    case DSLAB_TRACE_PAUSE:
        if (ev->node == p->leader) lose_leader(p, ev->t_ns);
        break;
    case DSLAB_TRACE_PARTITION:
    case DSLAB_TRACE_CUT:
        if (p->leader >= 0 && !has_majority(p, p->leader)) lose_leader(p, ev->t_ns);
        break;
    case DSLAB_TRACE_CLIENT: on_client(p, ev->op); break;
    default: break;
    }
}

/* ---- one run ----------------------------------------------------------------- */

static void collect(const struct dslab_sim *sim, struct dslab_explore_outcome *out) {
    int checks = dslab_sim_check_count(sim);
    if (checks > DSLAB_EXPLORE_CHECKS_MAX) checks = DSLAB_EXPLORE_CHECKS_MAX;
    for (int i = 0; i < checks; i++) {
        const struct dslab_check_result *r = dslab_sim_check_result(sim, i);
        if (r->verdict == DSLAB_CHECK_FAIL) {
            out->failed_mask |= UINT64_C(1) << i;
            /* the time of the first failure, not the start of its window */
            int64_t first = DSLAB_TIME_NS_NEVER;
            for (int v = 0; v < r->violations_count; v++) {
                if (r->violations[v].at_ns < first) first = r->violations[v].at_ns;
            }
            out->violation_ns[i] = first == DSLAB_TIME_NS_NEVER ? dslab_sim_now_ns(sim) : first;
        } else if (r->verdict == DSLAB_CHECK_UNKNOWN) {
            out->unknown_mask |= UINT64_C(1) << i;
        }
    }
}

int dslab_explore_run(const struct dslab_scenario *base, uint64_t seed, const struct dslab_explore_schedule *sch,
                struct dslab_explore_outcome *out, struct dslab_explore_metrics *metrics, struct dslab_diag *diag) {
    memset(out, 0, sizeof *out);
    struct dslab_explore_scenario x;
    if (dslab_explore_expand(base, sch, &x) < 0) return dslab_diag_set(diag, base->path, 0, 0, "out of memory");
    struct dslab_sim *sim = dslab_sim_create(&x.sc, seed, diag);
    if (!sim) {
        dslab_explore_scenario_free(&x);
        return -1;
    }
    struct probe p = {.sim = sim, .metrics = metrics, .nodes_count = base->nodes_count,
                      .leader = -1, .lost_leader = -1, .lost_at_ns = -1};
    if (metrics) {
        p.clients_count = base->workload.clients_count;
        p.invoke_ns = malloc(sizeof *p.invoke_ns * (size_t)(p.clients_count ? p.clients_count : 1));
        if (!p.invoke_ns) p.clients_count = 0;
        for (int32_t i = 0; i < p.clients_count; i++) p.invoke_ns[i] = -1;
        dslab_sim_add_sink_flags(sim, probe_sink, &p, DSLAB_SIM_SINK_NO_LABELS);
    }
    out->status = dslab_sim_run(sim, base->duration_ns, 0);
    if (out->status == DSLAB_SIM_ERROR) {
        snprintf(out->error, sizeof out->error, "%s", dslab_sim_error(sim));
    } else if (out->status == DSLAB_SIM_EVENT_BUDGET) {
        snprintf(out->error, sizeof out->error, "stopped by its event budget");
    }
    out->events = dslab_sim_get_stats(sim)->events;
    dslab_sim_finish(sim);
    collect(sim, out);
    free(p.invoke_ns);
    dslab_sim_destroy(sim);
    dslab_explore_scenario_free(&x);
    return 0;
}
