/* assume.c: assumption monitors. Make the implicit explicit.
 *
 * A scenario declares what its design relies on; the run reports the first
 * moment each assumption stops holding (docs/ASSUMPTIONS.md defines each):
 *   clock_skew_below     max wall-clock difference between any two nodes
 *   message_delay_below  network latency of every message that is delivered
 *   pause_below          length of every process pause
 *   majority_connected   some node reaches a strict majority of live nodes,
 *                        both ways, including itself
 *   no_power_loss        no restart loses the node's unsynced writes (every
 *                        crash is a process crash, never a power loss)
 * Skew between clock changes is max_i e_i(t) - min_i e_i(t) with each e_i
 * linear in t: a convex function, so if it is below the bound now and at
 * the end of the run it is below in between, and otherwise the first
 * crossing is found by bisection and scheduled as an event. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dslab/time.h"
#include "sim_internal.h"

enum { A_SKEW, A_DELAY, A_PAUSE, A_MAJORITY, A_POWER };

void assume_init(struct dslab_sim *sim) {
    const struct dslab_scenario_assumptions *a = &sim->sc->assumptions;
    static const char *const names[DSLAB_SIM_ASSUMPTIONS_COUNT] = {
        "clock_skew_below", "message_delay_below", "pause_below", "majority_connected", "no_power_loss"};
    for (int i = 0; i < DSLAB_SIM_ASSUMPTIONS_COUNT; i++) {
        sim->assumptions[i].name = names[i];
        sim->assumptions[i].violated_at_ns = -1;
    }
    sim->assumptions[A_SKEW].declared = a->clock_skew_declared;
    sim->assumptions[A_DELAY].declared = a->message_delay_declared;
    sim->assumptions[A_PAUSE].declared = a->pause_declared;
    sim->assumptions[A_MAJORITY].declared = a->majority_connected_declared && a->majority_connected;
    sim->assumptions[A_POWER].declared = a->no_power_loss_declared && a->no_power_loss;
}

static void violate(struct dslab_sim *sim, int index, int32_t node, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void violate(struct dslab_sim *sim, int index, int32_t node, const char *fmt, ...) {
    struct dslab_assumption_state *st = &sim->assumptions[index];
    if (!st->declared || st->violated) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->message, sizeof st->message, fmt, ap);
    va_end(ap);
    st->violated = true;
    st->violated_at_ns = sim->now_ns;
    st->trace_id = sim->next_trace_id;
    struct dslab_trace_event ev = {.kind = DSLAB_TRACE_ASSUMPTION, .node = node, .peer = -1,
                             .tag = st->name, .text = st->message};
    sim_emit(sim, &ev);
}

static void schedule_assumption(struct dslab_sim *sim, int index, int64_t at_ns, uint64_t gen,
                                int32_t node, int64_t value) {
    struct event *e;
    if (sim_schedule(sim, at_ns, &e) == UINT32_MAX) return;
    e->kind = EV_ASSUMPTION;
    e->aux = index;
    e->tag = gen;
    e->node = node;
    e->aux2 = value;
}

/* Skew at true time t, and the nodes with the largest and smallest error. */
static int64_t skew_at(const struct dslab_sim *sim, int64_t t_ns, int32_t *hi, int32_t *lo) {
    int64_t max_ns = INT64_MIN, min_ns = INT64_MAX;
    for (int32_t i = 0; i < sim->nodes_count; i++) {
        int64_t err = clock_error_ns(&sim->nodes[i].cold->clock, t_ns);
        if (err > max_ns) { max_ns = err; *hi = i; }
        if (err < min_ns) { min_ns = err; *lo = i; }
    }
    return max_ns - min_ns;
}

void assume_on_clock_change(struct dslab_sim *sim) {
    struct dslab_assumption_state *st = &sim->assumptions[A_SKEW];
    if (!st->declared || st->violated) return;
    sim->skew_gen++;
    int64_t bound_ns = sim->sc->assumptions.clock_skew_below_ns;
    int32_t hi = 0, lo = 0;
    int64_t now_skew = skew_at(sim, sim->now_ns, &hi, &lo);
    if (now_skew >= bound_ns) {
        char b1[32], b2[32];
        violate(sim, A_SKEW, hi, "clock skew %s between %s and %s reached the bound %s",
                dslab_time_format_human(now_skew, b1, sizeof b1), sim->sc->node_names[hi],
                sim->sc->node_names[lo], dslab_time_format_human(bound_ns, b2, sizeof b2));
        return;
    }
    int64_t end_ns = sim->sc->duration_ns;
    if (end_ns <= sim->now_ns || skew_at(sim, end_ns, &hi, &lo) < bound_ns) return;
    int64_t ok_ns = sim->now_ns, bad_ns = end_ns; /* skew(ok) < bound <= skew(bad) */
    while (bad_ns - ok_ns > 1) {
        int64_t mid_ns = ok_ns + (bad_ns - ok_ns) / 2;
        if (skew_at(sim, mid_ns, &hi, &lo) >= bound_ns) bad_ns = mid_ns;
        else ok_ns = mid_ns;
    }
    schedule_assumption(sim, A_SKEW, bad_ns, sim->skew_gen, -1, 0);
}

void assume_on_message(struct dslab_sim *sim, int64_t delay_ns) {
    if (sim->delay_scheduled || !sim->assumptions[A_DELAY].declared) return;
    int64_t bound_ns = sim->sc->assumptions.message_delay_below_ns;
    if (delay_ns < bound_ns) return;
    sim->delay_scheduled = true;
    schedule_assumption(sim, A_DELAY, dslab_time_add_sat(sim->now_ns, bound_ns), 0, -1, delay_ns);
}

/* One monitor event per pause that took effect, tagged with the node's
 * pause generation: a crash, or an extension, makes the older one void. The
 * violation is reported when the pause has lasted the bound, only if the
 * node is then still in that same pause. */
void assume_on_pause(struct dslab_sim *sim, int32_t node) {
    if (!sim->assumptions[A_PAUSE].declared || sim->assumptions[A_PAUSE].violated) return;
    const struct node_rt *n = &sim->nodes[node];
    int64_t bound_ns = sim->sc->assumptions.pause_below_ns;
    int64_t length_ns = n->cold->paused_until_ns - n->cold->paused_since_ns;
    if (length_ns < bound_ns) return;
    int64_t at_ns = dslab_time_add_sat(n->cold->paused_since_ns, bound_ns);
    if (at_ns < sim->now_ns) at_ns = sim->now_ns;
    schedule_assumption(sim, A_PAUSE, at_ns, n->cold->pause_gen, node, length_ns);
}

/* True when some live node reaches more than half of all nodes both ways
 * (itself included). O(N^2) bit tests, only when the assumption is on. */
static bool majority_connected(const struct dslab_sim *sim, int32_t *best_out) {
    int32_t n = sim->nodes_count, best = 0;
    for (int32_t i = 0; i < n; i++) {
        if (sim->nodes[i].status == DSLAB_NODE_CRASHED) continue;
        int32_t reach = 0;
        for (int32_t j = 0; j < n; j++) {
            if (sim->nodes[j].status == DSLAB_NODE_CRASHED) continue;
            if (i == j || (!net_blocked(&sim->net, i, j) && !net_blocked(&sim->net, j, i))) reach++;
        }
        if (reach > best) best = reach;
        if (reach > n / 2) {
            *best_out = reach;
            return true;
        }
    }
    *best_out = best;
    return false;
}

void assume_on_topology_change(struct dslab_sim *sim) {
    struct dslab_assumption_state *st = &sim->assumptions[A_MAJORITY];
    if (!st->declared || st->violated) return;
    int32_t best;
    if (!majority_connected(sim, &best)) {
        violate(sim, A_MAJORITY, -1,
                "no node reaches a majority: the best connected node reaches %d of %d nodes",
                (int)best, (int)sim->nodes_count);
    }
}

/* A restart that drops what the node wrote without syncing is a power
 * loss (docs/SCENARIO_FORMAT.md, `lose_unsynced`): reported at the restart,
 * the moment the loss shows, whether or not the node had unsynced writes
 * (the assumption is about the environment, not the protocol). */
void assume_on_restart(struct dslab_sim *sim, int32_t node, bool lose_unsynced) {
    if (!lose_unsynced) return;
    violate(sim, A_POWER, node, "%s restarted without its unsynced writes (a power loss, not a process crash)",
            sim->sc->node_names[node]);
}

void assume_fire(struct dslab_sim *sim, const struct event *e) {
    char b1[32], b2[32];
    switch (e->aux) {
    case A_SKEW: {
        if ((uint32_t)e->tag != sim->skew_gen) return; /* clocks changed since */
        int32_t hi = 0, lo = 0;
        int64_t skew = skew_at(sim, sim->now_ns, &hi, &lo);
        violate(sim, A_SKEW, hi, "clock skew %s between %s and %s reached the bound %s (drift)",
                dslab_time_format_human(skew, b1, sizeof b1), sim->sc->node_names[hi],
                sim->sc->node_names[lo],
                dslab_time_format_human(sim->sc->assumptions.clock_skew_below_ns, b2, sizeof b2));
        break;
    }
    case A_DELAY:
        violate(sim, A_DELAY, -1, "a message took %s in the network (bound %s)",
                dslab_time_format_human(e->aux2, b1, sizeof b1),
                dslab_time_format_human(sim->sc->assumptions.message_delay_below_ns, b2, sizeof b2));
        break;
    case A_PAUSE: {
        const struct node_rt *n = &sim->nodes[e->node];
        if (n->status != DSLAB_NODE_PAUSED || n->cold->pause_gen != (uint32_t)e->tag) return;
        violate(sim, A_PAUSE, e->node, "%s was paused for %s (bound %s)",
                sim->sc->node_names[e->node], dslab_time_format_human(e->aux2, b1, sizeof b1),
                dslab_time_format_human(sim->sc->assumptions.pause_below_ns, b2, sizeof b2));
        break;
    }
    default:
        break;
    }
}
