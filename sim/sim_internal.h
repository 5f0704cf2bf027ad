/* sim_internal.h: the inside of struct dslab_sim, shared by the sim/ modules
 * (sim.c loop, node_ctx.c, faults.c, workload.c, assume.c). Protocols and
 * everything outside sim/ see only the public headers.
 *
 * Ownership: struct dslab_sim owns every array here; the scenario is borrowed. */
#ifndef DSLAB_SIM_INTERNAL_H
#define DSLAB_SIM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "dslab/check.h"
#include "dslab/node.h"
#include "dslab/sim.h"
#include "evq.h"
#include "net.h"
#include "payload_pool.h"
#include "store.h"

#define SIM_SINKS_MAX 8
/* A client follows at most this many redirects for one operation. */
#define CLIENT_REDIRECTS_MAX 3

struct dslab_node_ctx {
    struct dslab_sim *sim;
    int32_t node;
};

/* A protocol state of at most this many bytes lives inside the node record
 * (gossip-pingpong's 16; most real protocols' states are larger and are
 * allocated apart). */
#define NODE_STATE_INLINE_BYTES 16u

/* What a node keeps that a delivery does not read: clocks, pauses, the
 * durable store, the cost models' streams and queues. One array of these,
 * sim->node_cold, apart from the hot records (struct node_rt), so the hot
 * records are dense (docs/ARCHITECTURE.md, "Memory layout"). */
struct node_cold {
    int64_t hold_until_ns;   /* the node's messages and replies depart no earlier (set by a model only) */
    struct node_clock clock;
    int64_t paused_since_ns; /* start of the pause in force (extensions keep it) */
    int64_t paused_until_ns;
    uint32_t pause_gen;      /* bumped at each pause/crash: older resumes are void */
    uint32_t *deferred;      /* owned: event slots held while paused, in order */
    uint32_t deferred_count;
    uint32_t deferred_capacity;
    struct store store;
    /* Time costs (costs.c); unused while the node's models are off. */
    struct dslab_rng disk_rng, timer_rng, pause_rng;
    int64_t disk_free_ns;    /* the disk has finished every sync asked for by then */
    int64_t disk_write_ns;   /* write time not yet charged to a sync */
    uint32_t disk_slow_factor; /* slow-disk fault: disk draws multiplied (0 or 1 = normal) */
    int32_t version;         /* deploy fault: software version (0 = never deployed = 1) */
    /* CPU (costs_cpu.c): workers busy, and the FIFO of event slots waiting
     * for one (a ring, owned). */
    struct dslab_rng cpu_rng;
    int32_t cpu_busy;
    uint32_t *cpu_queue;
    uint32_t cpu_head, cpu_count, cpu_capacity;
};

/* One node's hot record: two cache lines, what a delivery reads. Records
 * are 64-byte aligned and exactly 128 bytes, one dense array: line 0 the
 * fields every event reads and a small protocol state, line 1 the two RNG
 * streams a handler that sends draws from (docs/ARCHITECTURE.md, "Memory
 * layout"). Everything else is in the node's struct node_cold. */
struct node_rt {
    /* line 0 */
    _Alignas(64) struct dslab_node_ctx ctx;
    void *state;             /* protocol->state_size bytes: state_inline, or owned */
    /* Read on every send and timer (costs.c): */
    const struct dslab_scenario_node_costs *costs; /* borrowed from the scenario; NULL = all off */
    enum dslab_node_status status;
    uint32_t incarnation;    /* bumped at crash: older timers are void */
    struct node_cold *cold;  /* &sim->node_cold[node] */
    _Alignas(16) unsigned char state_inline[NODE_STATE_INLINE_BYTES];
    /* line 1 */
    struct dslab_rng rng;          /* the node's own stream (dslab_ctx_rng) */
    struct dslab_rng net_rng;      /* network draws for messages this node sends */
};
_Static_assert(offsetof(struct node_rt, rng) == 64, "line 0 of a node record holds its hot fields");
_Static_assert(sizeof(struct node_rt) == 128, "node records are two cache lines, a power of two apart");

/* One directed link's transmitter (costs_link.c); key from*N+to+1, 0 = empty. */
struct link_tx {
    uint64_t key_plus_one;
    int64_t free_ns; /* the last message queued on it has been sent by then */
};

struct client_rt {
    struct dslab_rng rng;
    bool busy;
    uint64_t op_id;
    uint64_t req_id;       /* current request; replies to others are stale */
    struct dslab_history_op invoke;
    int64_t invoke_index;  /* index of invoke's record in sim->history */
    int redirects;
    bool maybe_done;       /* a node answered DSLAB_REPLY_UNKNOWN for this op */
    uint64_t values_issued;
    int64_t seen[16];      /* last value seen per key % 16, for cas */
    struct dslab_rng probe_rng; /* read_after_write delays (workload.probe_on) */
    bool probe_due;        /* the next operation is a read of probe_key */
    int64_t probe_key;
    int64_t probe_delay_ns;
};

/* A read_after_write probe: the history index of its read's invoke and the
 * delay after its write's ok (staleness.c reads them at the end). */
struct probe_rec {
    int64_t invoke_index;
    int64_t delay_ns;
};

struct sim_check {
    const struct dslab_checker *checker;
    void *state;
    struct dslab_check_result result;
};

/* What a run uses beyond the plain core, one bit each (sim->unusual).
 * The hot paths test the whole word once, and only when it is not zero
 * test each feature as before (docs/ARCHITECTURE.md, "Small N"). A bit
 * may be set while its feature happens to do nothing (a slow factor of 1,
 * a deploy of the same version): that costs the checks, never a result. */
enum sim_unusual {
    SIM_UNUSUAL_TRACE = 1u << 0,    /* a trace sink is attached */
    SIM_UNUSUAL_CUTS = 1u << 1,     /* a partition shape or a single-link exception (net_cuts_any) */
    SIM_UNUSUAL_LINKS = 1u << 2,    /* not net_links_plain: overrides, loss, duplication, slow, FIFO, latency */
    SIM_UNUSUAL_DEPLOYED = 1u << 3, /* a deploy fault was applied: deliveries check versions */
    SIM_UNUSUAL_COSTS = 1u << 4,    /* the scenario has cost models (some node's n->costs may be set) */
    SIM_UNUSUAL_DELAY = 1u << 5,    /* the scenario declares a message delay assumption */
};
/* What a delivery must check: a cut link, a version, a trace record. */
#define SIM_UNUSUAL_DELIVER (SIM_UNUSUAL_TRACE | SIM_UNUSUAL_CUTS | SIM_UNUSUAL_DEPLOYED)

struct dslab_sim {
    const struct dslab_scenario *sc;
    uint64_t seed;
    const struct dslab_protocol *proto;
    void *proto_config;      /* owned via proto->destroy_config */
    int64_t now_ns;
    int64_t events_max;
    int32_t nodes_count;
    struct node_rt *nodes;   /* owned: the hot records, 64-byte aligned */
    struct node_cold *node_cold; /* owned: the rest of each node's record */
    struct evq q;
    struct net net;
    struct dslab_rng faults_rng;
    int next_fault;          /* cursor into sc->faults (sorted by time) */
    int next_narration;      /* cursor into sc->narration (sorted by time) */

    struct payload_pool payloads;

    int32_t clients_count;
    struct client_rt *clients; /* owned */
    struct dslab_history history;
    struct probe_rec *probes;  /* owned (workload.c); read_after_write probes in order */
    size_t probes_count, probes_capacity;

    uint64_t next_msg_id;
    uint64_t next_op_id;
    uint64_t next_req_id;

    struct { dslab_trace_sink_fn fn; void *user; } sinks[SIM_SINKS_MAX];
    int sinks_count;
    int label_sinks_count;    /* sinks that read message labels */
    uint64_t next_trace_id;

    struct sim_check *checks; /* owned */
    int checks_count;

    struct dslab_assumption_state assumptions[DSLAB_SIM_ASSUMPTIONS_COUNT];
    uint32_t skew_gen;          /* invalidates a scheduled skew crossing */
    bool delay_scheduled;

    struct dslab_fault *injected;     /* owned: live interventions (dslab_sim_inject) */
    int injected_count;
    int injected_capacity;

    struct link_tx *link_tx;    /* owned (costs_link.c); NULL until the first charged send */
    uint32_t link_tx_capacity;  /* power of two */
    uint32_t link_tx_count;
    bool sending_sized;          /* inside dslab_ctx_send_sized: the next fields hold its size */
    bool deployed;               /* a deploy fault was applied: deliveries check versions */
    struct shed_rt *shed;        /* owned (costs_cpu.c); NULL until the first shed fault: one per node */
    uint64_t sending_wire_bytes;

    /* enum sim_unusual bits, a summary of the fields it names: set by
     * sim_refresh_unusual after creation, after a sink is attached and
     * after every fault (the only changes to what it summarises); Debug
     * builds compare it with a recomputation at every event. */
    uint32_t unusual;
    /* While unusual == 0: the base latency, uniform, as uniform_ns draws
     * it (node_ctx.c): its minimum and its number of values, max - min + 1. */
    int64_t plain_latency_min_ns;
    uint64_t plain_latency_values;

    struct dslab_sim_stats stats;
    bool failed;
    bool finished;
    char error[640]; /* room for a process node's error with its command and line */
    char label[128];            /* scratch for message labels */
};

/* sim.c */
void sim_emit(struct dslab_sim *sim, struct dslab_trace_event *ev);
/* The bytes of an EV_DELIVER event's message: inside the event (at most
 * EVENT_INLINE_BYTES, evq.h) or in the payload pool. Valid while e is. */
static inline const void *sim_event_payload(const struct dslab_sim *sim, const struct event *e) {
    return e->payload_slot == PAYLOAD_HANDLE_INLINE ? (const void *)e->payload_inline
                                                    : (const void *)payload_ptr(&sim->payloads, e->payload_slot);
}

static inline bool sim_tracing(const struct dslab_sim *sim) {
    return sim->sinks_count > 0;
}
/* The enum sim_unusual bits of the simulation's present state. */
uint32_t sim_unusual_now(const struct dslab_sim *sim);
/* sim->unusual = sim_unusual_now(sim); after anything it summarises changed. */
void sim_refresh_unusual(struct dslab_sim *sim);
void sim_fail(struct dslab_sim *sim, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* sim_schedule's failure: sim_fail with the limit's or memory's message. */
uint32_t sim_schedule_failed(struct dslab_sim *sim, bool limit);
/* Below this many event slots (64 bytes each: 16 KiB) the pool, the
 * heap and the node records of a run stay in the L1 cache, and the
 * prefetch below is a dozen instructions per message that fetch nothing: at
 * N = 10 (40 messages in flight) it was 14 of 587 instructions per
 * delivery (issue 15). The count only grows, so the test is predicted. */
#define SIM_PREFETCH_EVENTS_MIN 256u
/* Starts fetching the line of the event the next pop returns, then the
 * two lines of the hot record of its node (status, a small state, the RNG
 * streams). Reading the event's node field may
 * wait for that line, but nothing after it depends on the read, so the
 * processor runs on while both arrive: at N = 10,000 the node's lines are
 * then often there when the delivery starts (docs/ARCHITECTURE.md,
 * "Memory layout"). A hint only: it changes nothing that runs. `fresh`
 * is the slot just scheduled, whose fields are not filled in yet. */
static inline void sim_prefetch_next_node(const struct dslab_sim *sim, uint32_t fresh) {
    uint32_t next = evq_entry_slot(&sim->q.heap[0]);
    const struct event *e = &sim->q.events[next];
    __builtin_prefetch(e);
    uint32_t node = (uint32_t)e->node;
    if (next != fresh && node < (uint32_t)sim->nodes_count) {
        const char *rec = (const char *)&sim->nodes[node];
        __builtin_prefetch(rec);
        __builtin_prefetch(rec + 64);
    }
}
/* Schedules a fresh event (kind set by the caller through *out). Returns the
 * slot or UINT32_MAX after sim_fail. Inline: it runs once per message. */
static inline uint32_t sim_schedule(struct dslab_sim *sim, int64_t at_ns, struct event **out) {
    DSLAB_ASSERT(at_ns >= sim->now_ns);
    *out = NULL;
    if (sim->q.count >= DSLAB_IN_FLIGHT_MAX) return sim_schedule_failed(sim, true);
    uint32_t slot = evq_alloc(&sim->q);
    if (slot == UINT32_MAX || evq_push(&sim->q, at_ns, slot) != 0) return sim_schedule_failed(sim, false);
    *out = evq_event(&sim->q, slot);
    if (sim->q.events_used >= SIM_PREFETCH_EVENTS_MIN) sim_prefetch_next_node(sim, slot);
    if (sim->q.count > sim->stats.in_flight_max) sim->stats.in_flight_max = sim->q.count;
    return slot;
}
/* sim_schedule in two halves, for the send path, which fills the event
 * between them: then only the simulator and the slot are live across the
 * heap's push, which is inline (a call and the registers it saved were
 * some 20 instructions per message; issue 15). sim_take_event: the
 * checks and a slot whose every field but the generation the caller
 * writes (it is not zeroed), or UINT32_MAX after sim_fail. */
static inline __attribute__((always_inline)) uint32_t sim_take_event(struct dslab_sim *sim, int64_t at_ns) {
    DSLAB_ASSERT(at_ns >= sim->now_ns);
    if (sim->q.count >= DSLAB_IN_FLIGHT_MAX) return sim_schedule_failed(sim, true);
    uint32_t slot = evq_alloc_unzeroed(&sim->q);
    if (slot == UINT32_MAX) return sim_schedule_failed(sim, false);
    return slot;
}
/* The second half: pushes the filled slot taken for at_ns. 0, or -1
 * after sim_fail (memory). */
static inline __attribute__((always_inline)) int sim_push_event(struct dslab_sim *sim, int64_t at_ns, uint32_t slot) {
    if (evq_push_inline(&sim->q, at_ns, slot) != 0) {
        sim_schedule_failed(sim, false);
        return -1;
    }
    if (sim->q.events_used >= SIM_PREFETCH_EVENTS_MIN) sim_prefetch_next_node(sim, slot);
    if (sim->q.count > sim->stats.in_flight_max) sim->stats.in_flight_max = sim->q.count;
    return 0;
}
void sim_node_crash(struct dslab_sim *sim, int32_t node);
void sim_node_restart(struct dslab_sim *sim, int32_t node, bool lose_unsynced);
void sim_node_pause(struct dslab_sim *sim, int32_t node, int64_t duration_ns);
void sim_node_set_drift(struct dslab_sim *sim, int32_t node, int64_t drift_ppm);

/* node_ctx.c */
/* Delivers message event e (the dispatcher's copy) to its node: dropped
 * if the link is cut now or the sender's version is newer (deploys),
 * traced, handed to the protocol. */
void node_deliver_checked(struct dslab_sim *sim, const struct event *e);
/* node_deliver_checked with its common case inline: no deploy, no trace
 * sink, no cut link, which leaves nothing but the count and the call. */
static inline void node_deliver(struct dslab_sim *sim, const struct event *e) {
    /* No trace sink, no cut anywhere, no deploy: one test for the three. */
    if (__builtin_expect((sim->unusual & SIM_UNUSUAL_DELIVER) != 0, 0)) {
        node_deliver_checked(sim, e);
        return;
    }
    sim->stats.messages_delivered++;
    struct node_rt *n = &sim->nodes[e->node];
    sim->proto->on_message(&n->ctx, n->state, e->peer, sim_event_payload(sim, e), e->payload_len);
}
int64_t sim_net_latency_ns(struct dslab_sim *sim, int32_t from, int32_t to, struct dslab_rng *r);

/* faults.c */
void faults_apply(struct dslab_sim *sim, const struct dslab_fault *f);

/* costs.c: the time-cost models of the `costs:` section. All are no-ops
 * for a node whose models are off. */
int costs_init(struct dslab_sim *sim);
void costs_on_put(struct dslab_sim *sim, int32_t node);
/* The sync's completion time (sim_fail on memory). */
void costs_sync(struct dslab_sim *sim, int32_t node);
/* When a message or reply of node sent now may leave (>= now). */
static inline int64_t costs_depart_ns(const struct dslab_sim *sim, int32_t node) {
    const struct node_rt *n = &sim->nodes[node];
    if (!n->costs) return sim->now_ns; /* only a model ever holds a node's departures */
    int64_t h = n->cold->hold_until_ns;
    return h > sim->now_ns ? h : sim->now_ns;
}
int64_t costs_timer_delay_ns(struct dslab_sim *sim, int32_t node);
void costs_on_crash(struct dslab_sim *sim, int32_t node);
void costs_pause_due(struct dslab_sim *sim, int32_t node);
/* costs_link.c: the link model (costs.links). The serialisation time of
 * wire_bytes at bandwidth_bps, rounded up, saturating. */
int64_t costs_link_serialise_ns(uint64_t wire_bytes, int64_t bandwidth_bps);
/* Queues a message of `from` (whose link model is on) on from -> to at
 * depart_ns; returns when its last bit has left, or -1 after sim_fail. */
int64_t costs_link_depart(struct dslab_sim *sim, int32_t from, int32_t to, uint64_t msg_id,
                          int64_t depart_ns, uint64_t wire_bytes);
void costs_link_free(struct dslab_sim *sim);
/* costs_cpu.c: the CPU model (costs.cpu), for messages and client requests
 * at a node whose model is on. costs_cpu_arrive: true when it took the
 * event (queued it, started its service or shed it), false when the event
 * runs now (its service has completed: then call costs_cpu_done after its
 * handler). */
bool costs_cpu_arrive(struct dslab_sim *sim, uint32_t slot);
void costs_cpu_done(struct dslab_sim *sim, int32_t node);
void costs_cpu_on_crash(struct dslab_sim *sim, int32_t node);
/* Load shedding by the operator (a `shed` fault): node's CPU model refuses
 * `ppm` parts per million of what arrives, before any worker or queue: a
 * deterministic share (every arrival adds ppm to a credit; at a million
 * the arrival is shed and the credit loses a million), no random draw.
 * sim_set_shed_ppm returns -1 when out of memory. */
struct shed_rt {
    uint32_t ppm;
    uint32_t credit_ppm;
};
uint32_t sim_shed_ppm(const struct dslab_sim *sim, int32_t node);
int sim_set_shed_ppm(struct dslab_sim *sim, int32_t node, uint32_t ppm);
/* sim.c: drops a popped event (a message is traced as dropped for reason). */
void sim_drop_event(struct dslab_sim *sim, uint32_t slot, const char *reason);

/* workload.c */
int workload_init(struct dslab_sim *sim);
void workload_next(struct dslab_sim *sim, int32_t client);
void workload_timeout(struct dslab_sim *sim, int32_t client, uint64_t op_id);
void workload_reply(struct dslab_sim *sim, const struct event *e);
void workload_request_at_node(struct dslab_sim *sim, const struct event *e);

/* assume.c */
void assume_init(struct dslab_sim *sim);
void assume_on_clock_change(struct dslab_sim *sim);
void assume_on_topology_change(struct dslab_sim *sim);
void assume_on_message(struct dslab_sim *sim, int64_t delay_ns);
/* After a pause of node took effect (new, or extended): arms the monitor
 * for the pause's whole length, from its start. */
void assume_on_pause(struct dslab_sim *sim, int32_t node);
/* After node restarted; a restart that loses unsynced writes breaks no_power_loss. */
void assume_on_restart(struct dslab_sim *sim, int32_t node, bool lose_unsynced);
void assume_fire(struct dslab_sim *sim, const struct event *e);

#endif
