/* scenario.h: a scenario as the simulator consumes it.
 *
 * A scenario file (YAML, docs/SCENARIO_FORMAT.md) is loaded into this plain
 * struct by dslab_scenario_load(); nothing in sim/ reads YAML. Node references are
 * resolved to indices (0-based, in declaration order) at load time, and
 * every entry keeps its 1-based source line and column so later errors can
 * point at the file. Ownership: everything reachable from a struct dslab_scenario
 * is owned by it and freed by dslab_scenario_free(). */
#ifndef DSLAB_SCENARIO_H
#define DSLAB_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dslab/diag.h"
#include "dslab/latency.h"
#include "dslab/limits.h"

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

struct dslab_src_pos {
    int line; /* 1-based, 0 = not from a file (default or --set) */
    int col;
};

struct dslab_link_params {
    struct dslab_latency_dist latency;
    uint32_t loss_ppm;      /* probability a message is lost, parts per million */
    uint32_t duplicate_ppm; /* probability a message is delivered twice */
};

/* Which fields of a link change a fault sets (bit mask). */
enum dslab_link_field {
    DSLAB_LINK_FIELD_LATENCY = 1u << 0,
    DSLAB_LINK_FIELD_LOSS = 1u << 1,
    DSLAB_LINK_FIELD_DUPLICATE = 1u << 2,
};

struct dslab_scenario_network {
    struct dslab_link_params link; /* every link, before overrides */
    bool fifo;               /* true: a link never reorders ("order: fifo") */
};

/* A per-link override from the `network.links:` list (gray failure). */
struct dslab_scenario_link_override {
    int32_t from_node;
    int32_t to_node;
    bool both_ways;
    uint32_t fields; /* enum dslab_link_field mask */
    struct dslab_link_params link;
    struct dslab_src_pos pos;
};

struct dslab_scenario_clock {
    int64_t offset_ns; /* wall clock minus true time at t=0 */
    int64_t drift_ppm; /* +100 = runs 100 us per second fast */
};

enum dslab_partition_shape {
    DSLAB_PARTITION_GROUPS,          /* explicit groups; unlisted nodes form one more group */
    DSLAB_PARTITION_MAJORITY_MINORITY,/* first floor(N/2)+1 nodes vs the rest (or `minority:`) */
    DSLAB_PARTITION_ISOLATE_ONE,     /* `node` alone vs the rest */
    DSLAB_PARTITION_BRIDGE,          /* two halves; `node` sees both, halves don't see each other */
    DSLAB_PARTITION_MAJORITIES_RING, /* each node sees a majority (ring neighbours), no two the same */
};

/* Software versions a `deploy` fault may install (every node starts at 1).
 * A node does not understand messages from a node of a newer version
 * (docs/SCENARIO_FORMAT.md, "Deploys and versions"). */
#define DSLAB_VERSION_MAX 1000

/* A `set` fault (a parameter changed mid-run, docs/SCENARIO_FORMAT.md
 * "Changing a parameter mid-run"): bytes of the key and of the value. */
#define DSLAB_PARAM_KEY_MAX 47
#define DSLAB_PARAM_VALUE_MAX 63

enum dslab_fault_kind {
    DSLAB_FAULT_PARTITION,  /* partition: replaces all cuts with the shape's */
    DSLAB_FAULT_HEAL,       /* heal: all links (node/peer < 0), or one cut both ways */
    DSLAB_FAULT_CUT,        /* cut: node -> peer (one-way) or both ways */
    DSLAB_FAULT_CRASH,      /* crash: node; volatile state lost */
    DSLAB_FAULT_RESTART,    /* restart: node; durable store kept (unsynced maybe lost) */
    DSLAB_FAULT_PAUSE,      /* pause: node for duration_ns (stop-the-world) */
    DSLAB_FAULT_CLOCK_JUMP, /* clock: node, jump: jump_ns on its wall clock */
    DSLAB_FAULT_CLOCK_DRIFT,/* clock: node, drift: drift_ppm from now on */
    DSLAB_FAULT_LINK,       /* link: node -> peer (or both), change link params */
    DSLAB_FAULT_SLOW,       /* slow: node, factor: latency to/from it multiplied */
    DSLAB_FAULT_SLOW_DISK,  /* slow-disk: node, factor: its disk latencies (costs.disk) multiplied */
    DSLAB_FAULT_DEPLOY,     /* deploy: node, version: its software version from now on */
    DSLAB_FAULT_SET,        /* set: protocol parameter param_key to param_value from now on */
    DSLAB_FAULT_SHED,       /* shed: node's CPU model refuses shed_ppm of the work arriving (0 = stop) */
    DSLAB_FAULT_KIND_COUNT
};

struct dslab_fault {
    int64_t at_ns;
    enum dslab_fault_kind kind;
    struct dslab_src_pos pos;
    int32_t node;          /* -1 when not applicable */
    int32_t peer;          /* -1 when not applicable */
    bool both_ways;        /* cut/heal/link: also peer -> node */
    int64_t duration_ns;   /* pause */
    int64_t jump_ns;       /* clock jump (negative = backwards) */
    int64_t drift_ppm;     /* clock drift */
    bool lose_unsynced;    /* restart: durable writes not yet synced are lost */
    uint32_t slow_factor;  /* slow, slow-disk: multiplier >= 1 (1 = back to normal) */
    int32_t version;       /* deploy: 1..DSLAB_VERSION_MAX */
    uint32_t shed_ppm;     /* shed: 0..1000000 parts per million of arrivals refused */
    char param_key[DSLAB_PARAM_KEY_MAX + 1];   /* set: the protocol parameter, without "protocol." */
    char param_value[DSLAB_PARAM_VALUE_MAX + 1]; /* set: its new value as written */
    uint32_t link_fields;  /* link: enum dslab_link_field mask */
    struct dslab_link_params link;
    enum dslab_partition_shape shape;
    int32_t *group_of_node;/* DSLAB_PARTITION_GROUPS: group index per node, -1 unlisted; owned */
};

/* One protocol parameter as written (scalars only). The protocol parses the
 * value itself through the helpers in node.h and reports errors at pos. */
struct dslab_scenario_param {
    char key[64];
    char *value; /* owned, NUL-terminated */
    struct dslab_src_pos pos;
};

/* Where the protocol's code comes from (docs/SCENARIO_FORMAT.md, protocol).
 * Loading learner code is a host action done when a simulator is created
 * (dslab/node_code.h); the scenario only names the file. */
enum dslab_protocol_origin {
    DSLAB_PROTOCOL_BUILTIN, /* `name: raft`: sim/protocols/ */
    DSLAB_PROTOCOL_SOURCE,  /* `source: my_raft.c`: compiled to a cached shared object */
    DSLAB_PROTOCOL_PLUGIN,  /* `plugin: ./my_raft.so`: a prebuilt shared object */
    DSLAB_PROTOCOL_PROCESS, /* `process: "python3 node.py"`: one process per node (sim/nodes/) */
};

struct dslab_scenario_protocol {
    /* Built-in: its name. Source/plugin: the file's name as written (for
     * reports); the code's own protocol name is known once it is loaded. */
    char name[64];
    struct dslab_src_pos pos;
    enum dslab_protocol_origin origin;
    /* Source/plugin: the file, relative to the scenario's directory when
     * written relative (so it opens from the current directory); else "". */
    char code_path[DSLAB_CODE_PATH_MAX];
    /* Process nodes, `process: "python3 my_node.py"`: the command
     * (docs/PROCESS_NODES.md); NULL otherwise. Owned. */
    char *process;
    /* The directory the process runs in, absolute when the scenario file's
     * directory could be resolved: `process_dir:` (relative to the file)
     * or the file's directory. NULL with `process` NULL. Owned. */
    char *process_dir;
    int params_count;
    struct dslab_scenario_param *params; /* owned */
};

enum dslab_workload_target {
    DSLAB_TARGET_RANDOM, /* each op goes to a uniformly random node */
    DSLAB_TARGET_NODE,   /* every op goes to target_node */
    DSLAB_TARGET_ROUTES, /* reads to one node set, writes and cas to another */
};

/* `target: { read: [...], write: [...] }`: at most this many nodes per set. */
#define DSLAB_ROUTE_NODES_MAX 16
/* One route: an op of its kind goes to a node drawn uniformly from nodes
 * (count 0 = any node, as DSLAB_TARGET_RANDOM). */
struct dslab_workload_route {
    int32_t count;
    int32_t nodes[DSLAB_ROUTE_NODES_MAX];
};

struct dslab_scenario_workload {
    int32_t clients_count;     /* 0 = no workload */
    int64_t interval_ns_mean;  /* per client: mean think time between ops */
    uint32_t read_weight;      /* op mix, relative weights */
    uint32_t write_weight;
    uint32_t cas_weight;
    int32_t keys_count;
    /* `hot_key: P` (docs/SCENARIO_FORMAT.md): a share of the operations,
     * in parts per million (0 = off, the default: keys stay uniform and no
     * draw is made), go to key 0; the rest draw uniformly over keys_count. */
    uint32_t hot_key_ppm;
    int64_t timeout_ns;        /* client gives up: the op is indeterminate (info) */
    int64_t start_ns;
    int64_t stop_ns;           /* no new ops after this; DSLAB_TIME_NS_NEVER = duration */
    enum dslab_workload_target target;
    int32_t target_node;
    struct dslab_workload_route route_read;  /* DSLAB_TARGET_ROUTES: reads */
    struct dslab_workload_route route_write; /* DSLAB_TARGET_ROUTES: writes and cas */
    /* `read_after_write:` (docs/SCENARIO_FORMAT.md): after a write or cas
     * completes ok, the client's next operation is a read of the same key
     * (a probe), issued a draw of probe_delay_ns after the ok instead of a
     * think time. Delay mean 0..DSLAB_PROBE_DELAY_NS_MAX; bucket width 0 (the
     * 1-2-5 rule) or DSLAB_PROBE_BUCKET_NS_MIN..DSLAB_PROBE_BUCKET_NS_MAX. */
    bool probe_on;
    struct dslab_latency_dist probe_delay_ns;
    int64_t probe_bucket_ns;
};
#define DSLAB_PROBE_DELAY_NS_MAX (INT64_C(60) * INT64_C(1000000000))      /* 60 s */
#define DSLAB_PROBE_BUCKET_NS_MIN INT64_C(1000)                           /* 1 us */
#define DSLAB_PROBE_BUCKET_NS_MAX (INT64_C(3600) * INT64_C(1000000000))   /* 1 h */

/* Each assumption is off unless declared (its `declared` flag). */
struct dslab_scenario_assumptions {
    bool clock_skew_declared;
    int64_t clock_skew_below_ns;
    bool message_delay_declared;
    int64_t message_delay_below_ns;
    bool pause_declared;
    int64_t pause_below_ns;
    bool majority_connected_declared;
    bool majority_connected; /* the value written: `majority_connected: true` */
    struct dslab_src_pos clock_skew_pos, message_delay_pos, pause_pos, majority_connected_pos;
    bool no_power_loss_declared;
    bool no_power_loss;      /* the value written: `no_power_loss: true` */
    struct dslab_src_pos no_power_loss_pos;
};

struct dslab_scenario_check {
    char name[64];
    char *args; /* owned; "" when none: text after the name, e.g. an SLO */
    struct dslab_src_pos pos;
};

struct dslab_scenario_narration {
    int64_t at_ns;
    char *text; /* owned */
    bool pause;
    struct dslab_src_pos pos;
};

/* Fault kinds `dslab explore` may draw (bit i = 1u << EXPLORE_KIND_...). */
enum dslab_explore_kind {
    DSLAB_EXPLORE_KIND_PARTITION,   /* a partition shape, healed after a while */
    DSLAB_EXPLORE_KIND_CRASH,       /* crash, restarted after a while */
    DSLAB_EXPLORE_KIND_PAUSE,       /* stop-the-world pause */
    DSLAB_EXPLORE_KIND_CLOCK_JUMP,  /* wall clock steps forward or back */
    DSLAB_EXPLORE_KIND_CLOCK_DRIFT, /* drift for a while, then back to the scenario's */
    DSLAB_EXPLORE_KIND_LOSS,        /* message loss on one node's links for a while */
    DSLAB_EXPLORE_KIND_SLOW,        /* one node's links slowed for a while */
    DSLAB_EXPLORE_KIND_COUNT
};

/* Partition shapes explore may draw (bit i = 1u << EXPLORE_SHAPE_...). */
enum dslab_explore_shape {
    DSLAB_EXPLORE_SHAPE_MAJORITY_MINORITY, /* random minority vs the rest */
    DSLAB_EXPLORE_SHAPE_ISOLATE_ONE,
    DSLAB_EXPLORE_SHAPE_BRIDGE,
    DSLAB_EXPLORE_SHAPE_MAJORITIES_RING,
    DSLAB_EXPLORE_SHAPE_ONE_WAY,           /* one node cannot send to (or hear from) the rest */
    DSLAB_EXPLORE_SHAPE_COUNT
};

/* The `explore:` section: bounds within which `dslab explore` draws random
 * faults (docs/SCENARIO_FORMAT.md, docs/EXPLORE.md). Ranges are inclusive.
 * Every fault drawn starts in [start_ns, heal_ns) and is undone by heal_ns,
 * so the run ends with a healthy phase in which liveness can be judged. */
struct dslab_scenario_explore {
    bool declared;            /* the file had an `explore:` section */
    uint32_t kinds_mask;      /* enum dslab_explore_kind bits allowed */
    uint32_t shapes_mask;     /* enum dslab_explore_shape bits allowed */
    int32_t max_faults;       /* faults drawn per seed: 1..max_faults */
    int64_t start_ns;         /* no fault starts before this */
    int64_t heal_ns;          /* every fault is over by this time */
    int64_t fault_ns_min, fault_ns_max;   /* how long a partition/crash/loss/slow/drift lasts */
    int64_t pause_ns_min, pause_ns_max;
    int64_t jump_ns_min, jump_ns_max;     /* may be negative */
    int64_t drift_ppm_min, drift_ppm_max;
    uint32_t loss_ppm_min, loss_ppm_max;
    uint32_t slow_factor_min, slow_factor_max;
    bool lose_unsynced;       /* restarts after crashes lose unsynced writes */
    struct dslab_src_pos pos;
};

/* Time costs of one node (the `costs:` section, docs/SCENARIO_FORMAT.md).
 * Each model is off unless its flag is set; all off = the simulator charges
 * nothing, as before the section existed. Ranges (checked at load): every
 * distribution's mean within [0, DSLAB_COST_NS_MAX], pause `every` mean
 * within [DSLAB_COST_PAUSE_EVERY_NS_MIN, DSLAB_COST_PAUSE_EVERY_NS_MAX]. */
#define DSLAB_COST_NS_MAX (INT64_C(60) * INT64_C(1000000000))   /* 60 s */
#define DSLAB_COST_PAUSE_EVERY_NS_MIN INT64_C(1000000)           /* 1 ms */
#define DSLAB_COST_PAUSE_EVERY_NS_MAX (INT64_C(3600) * INT64_C(1000000000)) /* 1 h */
/* costs.links.bandwidth: bits per second, 1 kbps .. 400 Gbps. */
#define DSLAB_COST_BANDWIDTH_BPS_MIN INT64_C(1000)
#define DSLAB_COST_BANDWIDTH_BPS_MAX INT64_C(400000000000)
/* costs.cpu: workers 1..DSLAB_COST_CPU_WORKERS_MAX, queue 0..DSLAB_COST_CPU_QUEUE_MAX. */
#define DSLAB_COST_CPU_WORKERS_MAX 1024
#define DSLAB_COST_CPU_QUEUE_MAX 1000000
/* costs.cpu.messages / requests: at most DSLAB_COST_CPU_KINDS_MAX kinds per
 * map, each name 1..DSLAB_COST_CPU_KIND_NAME_MAX-1 bytes. */
#define DSLAB_COST_CPU_KINDS_MAX 32
#define DSLAB_COST_CPU_KIND_NAME_MAX 32
/* One per-kind service time: a message kind (the first word of the
 * protocol's message label, "AppendEntries") or a request kind ("read",
 * "write", "cas"). */
struct dslab_scenario_cpu_kind {
    char name[DSLAB_COST_CPU_KIND_NAME_MAX];
    struct dslab_latency_dist service_ns;
};
struct dslab_scenario_node_costs {
    bool disk_on;
    struct dslab_latency_dist disk_write_ns; /* per put; charged to the sync that covers it */
    struct dslab_latency_dist disk_sync_ns;  /* per sync that has writes to make durable */
    bool timer_on;
    struct dslab_latency_dist timer_delay_ns;/* each timer fires this much late */
    bool pause_on;
    struct dslab_latency_dist pause_every_ns;/* gap between GC-like stalls */
    struct dslab_latency_dist pause_length_ns;
    bool link_on;                      /* links: the node's outgoing links serialise */
    int64_t link_bandwidth_bps;        /* each outgoing link's rate, bits per second */
    bool cpu_on;                       /* cpu: messages and requests wait for a worker */
    int32_t cpu_workers;
    int32_t cpu_queue_max;             /* waiting room; -1 = unbounded */
    struct dslab_latency_dist cpu_message_ns;/* service time of a message from a node */
    struct dslab_latency_dist cpu_request_ns;/* service time of a client request */
    /* Per-kind service times replacing cpu_message_ns / cpu_request_ns for
     * the kinds they name: ranges [first, first + count) of
     * dslab_scenario.cpu_kinds (count 0 = none). */
    int32_t cpu_message_kinds_first, cpu_message_kinds_count;
    int32_t cpu_request_kinds_first, cpu_request_kinds_count;
};

struct dslab_scenario {
    char path[512];   /* as given on the command line */
    char name[64];
    char *title;      /* owned, may be "" */
    char *description;/* owned, may be "" */
    uint64_t seed;
    int64_t duration_ns;
    int64_t events_max;

    int32_t nodes_count;
    char (*node_names)[DSLAB_NAME_MAX]; /* owned, nodes_count entries */
    struct dslab_scenario_clock *clocks;       /* owned, nodes_count entries */

    struct dslab_scenario_network network;
    int link_overrides_count;
    struct dslab_scenario_link_override *link_overrides; /* owned */

    struct dslab_scenario_protocol protocol;
    struct dslab_scenario_workload workload;

    int faults_count;
    struct dslab_fault *faults; /* owned, sorted by (at_ns, file order) */

    struct dslab_scenario_assumptions assumptions;

    int checks_count;
    struct dslab_scenario_check *checks; /* owned */

    int narration_count;
    struct dslab_scenario_narration *narration; /* owned, sorted by at_ns */

    struct dslab_scenario_explore explore; /* bounds for `dslab explore`; defaults when absent */

    /* `costs:` (scenario_costs.c): nodes_count entries, owned; NULL when the
     * scenario has no costs section (every model off). */
    struct dslab_scenario_node_costs *node_costs;
    struct dslab_scenario_cpu_kind *cpu_kinds; /* owned; the tables node_costs ranges point into */
    int32_t cpu_kinds_count;
};

/* A --set KEY=VALUE override, applied to the YAML tree before conversion. */
struct dslab_scenario_override {
    const char *path;  /* dotted path, e.g. "network.loss" or "nodes"; borrowed */
    const char *value; /* parsed as a YAML scalar; borrowed */
};

/* Allocator hooks so tests can fail the Nth allocation. NULL = libc. */
struct dslab_scenario_alloc {
    void *(*malloc_fn)(size_t size, void *user);
    void *(*realloc_fn)(void *ptr, size_t size, void *user);
    void (*free_fn)(void *ptr, void *user);
    void *user;
};

/* Loads `path`, applies overrides in order, validates everything (node
 * names, times within duration, protocol and check names exist...).
 * Returns a scenario to free with dslab_scenario_free(), or NULL with `diag` set
 * to the first error. Never crashes on any input. */
struct dslab_scenario *dslab_scenario_load(const char *path, const struct dslab_scenario_override *overrides,
                               int overrides_count, const struct dslab_scenario_alloc *alloc,
                               struct dslab_diag *diag);
/* Same, from a buffer; `name_for_errors` is used as the file name. */
struct dslab_scenario *dslab_scenario_load_buffer(const char *text, size_t len, const char *name_for_errors,
                                      const struct dslab_scenario_override *overrides,
                                      int overrides_count, const struct dslab_scenario_alloc *alloc,
                                      struct dslab_diag *diag);
void dslab_scenario_free(struct dslab_scenario *s);

/* Makes `s` run process nodes: every node runs `command` (copied) in
 * `dir` (copied), in place of the protocol it named (`dslab run
 * --process`, a lab graded with --process). Uses the scenario's own
 * allocator; the protocol's source position is left alone. Returns 0, or
 * -1 out of memory (then `s` is unchanged). */
int dslab_scenario_use_process(struct dslab_scenario *s, const char *command, const char *dir);

/* Node index by name, or -1. */
int32_t dslab_scenario_node_index(const struct dslab_scenario *s, const char *name);

/* Writes `s` back as YAML that dslab_scenario_load() reads into an equal
 * scenario (used by `dslab viz` to save a session and by explore).
 * Returns 0, or -1 with diag set on an I/O error. The file is written to a
 * temporary name and renamed, so it is never half-written. */
int dslab_scenario_save(const struct dslab_scenario *s, const char *path, struct dslab_diag *diag);

#pragma GCC visibility pop

#endif
