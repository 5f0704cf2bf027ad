/* sim.h: a deterministic simulation of one scenario.
 *
 *   scenario ──> sim_create ──> sim_run(until, budget) ──> sim_finish ──> results
 *                   │                 │
 *                   │           event queue (time, seq) ─> nodes, network,
 *                   │           clocks, faults, clients ─> trace sinks
 *                   └─ per-purpose RNG streams from the seed
 *
 * A struct sim owns all of its state: no globals, so simulations run side
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

struct sim;

struct sim_stats {
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
    uint64_t cpu_queue_max;       /* costs.cpu: longest queue of any node */
};

enum sim_status {
    SIM_OK,            /* reached until_ns */
    SIM_EVENT_BUDGET,  /* stopped: events_max processed */
    SIM_ERROR,         /* a limit was hit (diag says which) */
};

enum node_status {
    NODE_UP,
    NODE_CRASHED,
    NODE_PAUSED,
};

struct assumption_state {
    const char *name;     /* "clock_skew_below", ... */
    bool declared;
    bool violated;
    int64_t violated_at_ns;
    uint64_t trace_id;    /* the TRACE_ASSUMPTION event */
    char message[200];
};
#define SIM_ASSUMPTIONS_COUNT 4

/* Creates a simulation at t=0 with nodes initialised (init() ran) and
 * faults, narration and clients scheduled. seed overrides the scenario's.
 * Returns NULL with diag set (protocol configuration errors, limits). */
struct sim *sim_create(const struct scenario *s, uint64_t seed, struct diag *diag);
/* Same with `proto` instead of the protocol the scenario names (which is
 * ignored); `proto` is borrowed. To run a protocol that is not built in,
 * prefer protocol_register() (dslab/node.h): the scenario then names it
 * and its configure() checks its parameters at load time. */
struct sim *sim_create_with_protocol(const struct scenario *s, const struct protocol *proto,
                                     uint64_t seed, struct diag *diag);
void sim_destroy(struct sim *sim);

/* Adds a trace consumer; call before the first sim_run. At most 8. */
int sim_add_sink(struct sim *sim, trace_sink_fn fn, void *user);
/* Flags for sim_add_sink_flags. */
enum {
    /* The sink never reads the `text` of TRACE_SEND (the protocol's message
     * label). When every sink says so, labels are not formatted at all:
     * checkers and summaries then cost no snprintf per message. */
    SIM_SINK_NO_LABELS = 1u << 0,
};
int sim_add_sink_flags(struct sim *sim, trace_sink_fn fn, void *user, unsigned flags);

/* Processes events with time <= until_ns, at most events_max more events
 * (<= 0: the scenario's budget). Can be called repeatedly to advance. */
enum sim_status sim_run(struct sim *sim, int64_t until_ns, int64_t events_max);
/* Processes exactly one event if any is due at or before until_ns.
 * Returns 1 if one was processed, 0 if none. */
int sim_step(struct sim *sim, int64_t until_ns);
/* Time of the next pending event, or TIME_NS_NEVER. */
int64_t sim_next_event_ns(const struct sim *sim);

/* Ends the run at the current time: protocol on_finish, checker verdicts.
 * Emits TRACE_RUN_END. Call once. */
void sim_finish(struct sim *sim);

/* Applies a fault now (the visualiser's live interventions). at_ns is
 * ignored; returns 0 or -1 with diag (bad node...). */
int sim_inject(struct sim *sim, const struct fault *f, struct diag *diag);

int64_t sim_now_ns(const struct sim *sim);
uint64_t sim_seed(const struct sim *sim);
const struct scenario *sim_scenario(const struct sim *sim);
const struct sim_stats *sim_get_stats(const struct sim *sim);
const struct history *sim_history(const struct sim *sim);
const char *sim_error(const struct sim *sim); /* after SIM_ERROR */

/* Results, valid after sim_finish(). */
int sim_check_count(const struct sim *sim);
const struct check_result *sim_check_result(const struct sim *sim, int index);
const struct assumption_state *sim_assumption(const struct sim *sim, int index);

/* Inspection for the visualiser and tests (current time). */
enum node_status sim_node_status(const struct sim *sim, int32_t node);
int64_t sim_node_wall_ns(const struct sim *sim, int32_t node);
int64_t sim_node_mono_ns(const struct sim *sim, int32_t node);
int64_t sim_node_drift_ppm(const struct sim *sim, int32_t node);
void sim_node_describe(const struct sim *sim, int32_t node, char *buf, size_t buf_size);
/* True when a message from -> to would currently get through the partition. */
bool sim_link_up(const struct sim *sim, int32_t from, int32_t to);

#endif
