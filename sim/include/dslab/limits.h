/* limits.h: every limit dslab enforces, each with its reason.
 *
 * Hitting one is a clear error (exit status 2 for input, a stopped run for
 * budgets), never an out-of-memory kill or a hang. */
#ifndef DSLAB_LIMITS_H
#define DSLAB_LIMITS_H

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

/* Nodes in one scenario. Memory is a fixed cost per node (a node record of
 * a few hundred bytes, its name, clock and protocol state) plus the
 * messages in flight (docs/ARCHITECTURE.md, "Memory layout"). Single-link
 * cuts are an N x N bit matrix reserved at the first cut (1.25 GB of
 * address space at 100,000 nodes, of which only the touched pages use
 * memory, sim/net.h). */
#define DSLAB_NODES_MAX 100000
/* Node names appear in traces, errors and on screen; 31 chars is plenty. */
#define DSLAB_NAME_MAX 32
/* Protocols registered at run time (dslab_protocol_register, dslab/node.h): an
 * embedding program or a test adds a handful; a fixed table needs no
 * allocation and keeps lookup a short scan. */
#define DSLAB_PROTOCOLS_REGISTERED_MAX 64
/* Scenario files are hand-written; 1 MiB is far beyond any real one and
 * keeps a hostile file from exhausting memory in the YAML parser. */
#define DSLAB_SCENARIO_BYTES_MAX (1024 * 1024)
/* YAML nesting: real scenarios nest 4 deep; this stops stack-depth attacks. */
#define DSLAB_YAML_DEPTH_MAX 32
/* YAML nodes in one document after alias expansion (billion-laughs guard). */
#define DSLAB_YAML_NODES_MAX 200000
/* Scalar text bytes in one document after alias expansion, each scalar
 * counted as its length + 1: four times the largest file. Bounds what any
 * reader that copies every string of the tree can allocate (an alias of an
 * alias of a 500 KB scalar would otherwise ask for gigabytes). */
#define DSLAB_YAML_TEXT_BYTES_MAX (4 * DSLAB_SCENARIO_BYTES_MAX)
/* Run length: one simulated day. Longer runs are a typo ("10000s"?). */
#define DSLAB_DURATION_NS_MAX (INT64_C(86400) * INT64_C(1000000000))
/* Fault schedule entries in one scenario. */
#define DSLAB_FAULTS_MAX 10000
/* Narration entries in one scenario. */
#define DSLAB_NARRATION_MAX 1000
/* Narration text length. */
#define DSLAB_TEXT_MAX 1024
/* Protocol parameters in one scenario. */
#define DSLAB_PARAMS_MAX 64
/* Bytes of a protocol `source:`/`plugin:` path, after joining it to the
 * scenario's directory (PATH_MAX-class paths are refused, not cut). */
#define DSLAB_CODE_PATH_MAX 512
/* Bytes of a node code file: a C source or a shared object dslab reads. */
#define DSLAB_CODE_BYTES_MAX (64 * 1024 * 1024)
/* Clients in one workload. */
#define DSLAB_CLIENTS_MAX 10000
/* Keys in one workload. */
#define DSLAB_KEYS_MAX 1000000
/* Message payloads are copied into fixed pool slots; protocols batch to fit. */
#define DSLAB_MSG_PAYLOAD_MAX 1024
/* The largest size a message may declare on the wire (dslab_ctx_send_sized): 1 TiB. */
#define DSLAB_WIRE_BYTES_MAX (UINT64_C(1) << 40)
/* Default event budget of a run: a run that exceeds it stops with a message.
 * 2e9 events is ~10 minutes of the fastest run; --set limits.events=N. */
#define DSLAB_EVENTS_DEFAULT_MAX INT64_C(2000000000)
/* Messages (and timers) in flight at once: bounds pool memory (~1.1 KB each). */
#define DSLAB_IN_FLIGHT_MAX (4 * 1024 * 1024)
/* Payload bytes in flight at once, per payload size class (64-byte and
 * 1 KiB slots): without it DSLAB_IN_FLIGHT_MAX messages of 1 KiB would take
 * 4 GiB, an out-of-memory kill on a laptop. 256K large messages in flight
 * is far beyond any protocol that batches sensibly. */
#define DSLAB_IN_FLIGHT_PAYLOAD_BYTES_MAX (256 * 1024 * 1024)
/* Durable store: keys per node and bytes per value. */
#define DSLAB_STORE_KEYS_MAX 100000
#define DSLAB_STORE_VALUE_BYTES_MAX (1024 * 1024)
/* Trace annotation text (copied into the trace). */
#define DSLAB_ANNOTATION_MAX 160

#pragma GCC visibility pop

#endif
