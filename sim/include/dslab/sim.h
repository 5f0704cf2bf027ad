/* sim.h: a deterministic simulation of one scenario.
 *
 *   scenario ──> dslab_sim_create ──> dslab_sim_run(until, budget) ──> dslab_sim_finish ──> results
 *                   │                 │
 *                   │           event queue (time, seq) ─> nodes, network,
 *                   │           clocks, faults, clients ─> trace sinks
 *                   └─ per-purpose RNG streams from the seed
 *
 * A struct dslab_sim owns all of its state: no globals, so simulations run side
 * by side in threads. The scenario is borrowed and must outlive the sim.
 * Same scenario + seed = the same events in the same order, bit for bit. */
#ifndef DSLAB_SIM_H
#define DSLAB_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "dslab/check.h"
#include "dslab/diag.h"
#include "dslab/history.h"
#include "dslab/node.h"
#include "dslab/scenario.h"
#include "dslab/trace.h"

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

struct dslab_sim;

struct dslab_sim_stats {
    uint64_t events;              /* events processed by the loop */
    uint64_t trace_events;        /* trace events emitted (ids used) */
    uint64_t messages_sent;
    uint64_t messages_delivered;
    uint64_t messages_dropped;    /* all reasons */
    uint64_t messages_duplicated;
    uint64_t timers_fired;
    uint64_t faults_applied;
    uint64_t faults_no_effect;    /* faults that would change nothing (not applied) */
    uint64_t client_ops;          /* invocations */
    uint64_t client_ok, client_fail, client_info;
    uint64_t in_flight_max;       /* most messages+timers pending at once */
    uint64_t cpu_shed;            /* costs.cpu: messages and requests shed (queue full) */
    uint64_t cpu_shed_operator;   /* costs.cpu: shed by a `shed` fault or action */
    uint64_t cpu_queue_max;       /* costs.cpu: longest queue of any node */
};

enum dslab_sim_status {
    DSLAB_SIM_OK,            /* reached until_ns */
    DSLAB_SIM_EVENT_BUDGET,  /* stopped: events_max processed */
    DSLAB_SIM_ERROR,         /* a limit was hit (diag says which) */
};

enum dslab_node_status {
    DSLAB_NODE_UP,
    DSLAB_NODE_CRASHED,
    DSLAB_NODE_PAUSED,
};

struct dslab_assumption_state {
    const char *name;     /* "clock_skew_below", ... */
    bool declared;
    bool violated;
    int64_t violated_at_ns;
    uint64_t trace_id;    /* the DSLAB_TRACE_ASSUMPTION event */
    char message[200];
};
#define DSLAB_SIM_ASSUMPTIONS_COUNT 5

/* Creates a simulation at t=0 with nodes initialised (init() ran) and
 * faults, narration and clients scheduled. seed overrides the scenario's.
 * Returns NULL with diag set (protocol configuration errors, limits). */
struct dslab_sim *dslab_sim_create(const struct dslab_scenario *s, uint64_t seed, struct dslab_diag *diag);
/* Same with `proto` instead of the protocol the scenario names (which is
 * ignored); `proto` is borrowed. To run a protocol that is not built in,
 * prefer dslab_protocol_register() (dslab/node.h): the scenario then names it
 * and its configure() checks its parameters at load time. */
struct dslab_sim *dslab_sim_create_with_protocol(const struct dslab_scenario *s, const struct dslab_protocol *proto,
                                     uint64_t seed, struct dslab_diag *diag);
void dslab_sim_destroy(struct dslab_sim *sim);

/* Adds a trace consumer; call before the first dslab_sim_run. At most 8. */
int dslab_sim_add_sink(struct dslab_sim *sim, dslab_trace_sink_fn fn, void *user);
/* Flags for dslab_sim_add_sink_flags. */
enum {
    /* The sink never reads the `text` of DSLAB_TRACE_SEND (the protocol's message
     * label). When every sink says so, labels are not formatted at all:
     * checkers and summaries then cost no snprintf per message. */
    DSLAB_SIM_SINK_NO_LABELS = 1u << 0,
};
int dslab_sim_add_sink_flags(struct dslab_sim *sim, dslab_trace_sink_fn fn, void *user, unsigned flags);

/* Processes events with time <= until_ns, at most events_max more events
 * (<= 0: the scenario's budget). Can be called repeatedly to advance. */
enum dslab_sim_status dslab_sim_run(struct dslab_sim *sim, int64_t until_ns, int64_t events_max);
/* Processes exactly one event if any is due at or before until_ns.
 * Returns 1 if one was processed, 0 if none. */
int dslab_sim_step(struct dslab_sim *sim, int64_t until_ns);
/* Time of the next pending event, or DSLAB_TIME_NS_NEVER. */
int64_t dslab_sim_next_event_ns(const struct dslab_sim *sim);

/* Ends the run at the current time: protocol on_finish, checker verdicts.
 * Emits DSLAB_TRACE_RUN_END. Call once. */
void dslab_sim_finish(struct dslab_sim *sim);

/* Applies a fault now (the visualiser's live interventions). at_ns is
 * ignored; returns 0 or -1 with diag (bad node...). */
int dslab_sim_inject(struct dslab_sim *sim, const struct dslab_fault *f, struct dslab_diag *diag);

int64_t dslab_sim_now_ns(const struct dslab_sim *sim);
uint64_t dslab_sim_seed(const struct dslab_sim *sim);
const struct dslab_scenario *dslab_sim_scenario(const struct dslab_sim *sim);
const struct dslab_sim_stats *dslab_sim_get_stats(const struct dslab_sim *sim);
const struct dslab_history *dslab_sim_history(const struct dslab_sim *sim);
const char *dslab_sim_error(const struct dslab_sim *sim); /* after DSLAB_SIM_ERROR */

/* Results, valid after dslab_sim_finish(). */
int dslab_sim_check_count(const struct dslab_sim *sim);
const struct dslab_check_result *dslab_sim_check_result(const struct dslab_sim *sim, int index);
const struct dslab_assumption_state *dslab_sim_assumption(const struct dslab_sim *sim, int index);

/* Inspection for the visualiser and tests (current time). */
enum dslab_node_status dslab_sim_node_status(const struct dslab_sim *sim, int32_t node);
int64_t dslab_sim_node_wall_ns(const struct dslab_sim *sim, int32_t node);
int64_t dslab_sim_node_mono_ns(const struct dslab_sim *sim, int32_t node);
int64_t dslab_sim_node_drift_ppm(const struct dslab_sim *sim, int32_t node);
void dslab_sim_node_describe(const struct dslab_sim *sim, int32_t node, char *buf, size_t buf_size);
/* True when a message from -> to would currently get through the partition. */
bool dslab_sim_link_up(const struct dslab_sim *sim, int32_t from, int32_t to);

#pragma GCC visibility pop

#endif
