/* node.h: what a protocol sees. The behaviour vtable and the node context.
 *
 * A protocol (sim/protocols/) is a `struct dslab_protocol`: a name, a configure
 * step that parses its scenario parameters once, and per-node callbacks.
 * Callbacks receive a `struct dslab_node_ctx *` and the node's state block (size
 * `state_size`, zeroed by the simulator before init and after a crash).
 * Node code never sees `struct dslab_sim`, true time, or other nodes' state: only
 * its own clocks, its own RNG stream, the network, timers and its durable
 * store. Everything a callback gets by pointer is borrowed until it returns.
 *
 *   init ------> on_message / on_timer / on_request ... (crash) ... on_restart
 *
 * After a crash the state block is zeroed (volatile state lost), pending
 * timers are gone and messages to the node are dropped until restart. */
#ifndef DSLAB_NODE_H
#define DSLAB_NODE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dslab/annotation.h"
#include "dslab/diag.h"
#include "dslab/history.h"
#include "dslab/rng.h"
#include "dslab/scenario.h"

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

struct dslab_node_ctx;

/* A client request as the node receives it. */
struct dslab_client_request {
    uint64_t request_id; /* pass back to dslab_ctx_reply() */
    int32_t client;
    /* The client's operation number: the same for every retry of one
     * operation, larger for each later operation of the same client (a
     * client has one operation at a time). For at-most-once sessions. */
    uint64_t serial;
    enum dslab_op_fn fn;
    int64_t key;
    int64_t value;    /* write: the value; cas: the new value */
    int64_t expected; /* cas: the value compared against */
};

enum dslab_reply_status {
    DSLAB_REPLY_OK,       /* done; for reads `value` is the result (DSLAB_HISTORY_NIL if none) */
    DSLAB_REPLY_FAIL,     /* definitely did not happen (e.g. cas mismatch, refused) */
    DSLAB_REPLY_REDIRECT, /* did not happen; retry at node `value` (client follows once per op) */
    /* May or may not have happened (e.g. a write whose log entry this node
     * dropped, which another node may still commit). `value` is a node to
     * retry the same operation at, or -1: no retry. Once an operation got
     * this answer the client records it as unknown (:info) unless a retry
     * answers DSLAB_REPLY_OK: a later "did not happen" speaks only for the retry. */
    DSLAB_REPLY_UNKNOWN,
};

/* The version of this API a plugin was compiled against. A plugin sets
 * `.api_version = DSLAB_NODE_API_VERSION` in its `dslab_node_protocol`;
 * dslab refuses a plugin whose number differs from its own (the layout of
 * struct dslab_protocol or the meaning of a ctx_ call changed). Built-in
 * protocols may leave it 0. docs/NODE_API.md. */
#define DSLAB_NODE_API_VERSION 2

/* The symbol a plugin (a shared object, docs/NODE_API.md) defines:
 *   const struct dslab_protocol dslab_node_protocol = { .api_version = ..., ... }; */
#define DSLAB_NODE_PROTOCOL_SYMBOL "dslab_node_protocol"

struct dslab_protocol {
    /* First, so a plugin of any version can be asked which one it is. */
    uint32_t api_version;
    const char *name;
    const char *summary; /* one line for `dslab help protocols` */
    size_t state_size;   /* bytes of per-node state */

    /* Parses scenario parameters into a config (allocated here, freed by
     * destroy_config). Returns 0, or -1 with diag set (file from the
     * scenario, line/col from the param). May be NULL: no parameters. */
    int (*configure)(const struct dslab_scenario *s, void **config_out, struct dslab_diag *diag);
    void (*destroy_config)(void *config);

    void (*init)(struct dslab_node_ctx *ctx, void *state);
    void (*on_message)(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *msg,
                       size_t len);
    void (*on_timer)(struct dslab_node_ctx *ctx, void *state, uint64_t timer_id, uint64_t tag);
    /* May be NULL: requests are then answered DSLAB_REPLY_FAIL. */
    void (*on_request)(struct dslab_node_ctx *ctx, void *state, const struct dslab_client_request *req);
    /* Called at restart after a crash; the durable store is intact. May be
     * NULL: init() is called instead. */
    void (*on_restart)(struct dslab_node_ctx *ctx, void *state);
    /* One line for the visualiser: "leader t3 commit=17". May be NULL. */
    void (*describe)(const void *state, char *buf, size_t buf_size);
    /* Short label of a message for traces: "AppendEntries t3 [5..7]". May be NULL. */
    void (*message_label)(const void *msg, size_t len, char *buf, size_t buf_size);
    /* Called after the run ends (state still readable), for final checks
     * such as convergence. May be NULL. */
    void (*on_finish)(struct dslab_node_ctx *ctx, void *state);

    /* Parameters an operator may change while the run goes on (a `set`
     * fault or action, docs/SCENARIO_FORMAT.md "Changing a parameter
     * mid-run"): the keys (as in the scenario, without "protocol."),
     * NULL-terminated; NULL: none. Every other parameter is read once. */
    const char *const *reconfigurable;
    /* Sets parameter `key` (one of `reconfigurable`) to `value` (as
     * written in a scenario), validated as configure() does, with the
     * same range. config NULL: only checks the value (a loader asking
     * before the run); else changes the config configure() made, from
     * now on for every node (nodes read it at their next use: a timer
     * already set keeps its delay). Returns 0, or -1 with diag set (no
     * position) and nothing changed. NULL when `reconfigurable` is. */
    int (*reconfigure)(void *config, const char *key, const char *value, struct dslab_diag *diag);
};

/* The protocol a scenario's `protocol: NAME` names, built in or
 * registered; NULL when unknown. */
const struct dslab_protocol *dslab_protocol_find(const char *name);
/* The protocol a scenario runs: its `process:` node if it has one, else
 * dslab_protocol_find(name) (source and plugin code: see dslab/node_code.h).
 * NULL when unknown. */
const struct dslab_protocol *dslab_protocol_of_scenario(const struct dslab_scenario *s);
/* The built-in protocols, in help order (registered ones are not listed). */
int dslab_protocol_count(void);
const struct dslab_protocol *dslab_protocol_at(int index);

/* --- protocols defined outside the library --------------------------------
 * An embedding program, a test or a learner's node adds its own protocol:
 *
 *     static const struct dslab_protocol mine = {.name = "my-echo", ...};
 *     if (dslab_protocol_register(&mine, &diag) < 0) ... print diag ...
 *     ... dslab_scenario_load() of a file with `protocol: my-echo`, dslab_sim_create() ...
 *     dslab_protocol_unregister(&mine);
 *
 * Lifetime: the struct is borrowed, not copied. Keep it (and its name)
 * alive and registered while any scenario naming it is loaded or any sim
 * made from one exists; unregister only after dslab_sim_destroy(). A scenario
 * loaded after the protocol is unregistered fails with "unknown protocol".
 * Limits: at most DSLAB_PROTOCOLS_REGISTERED_MAX at once; the name is 1 to
 * 63 letters, digits, '-' or '_', and must not be a built-in protocol's or
 * an already registered one's; init, on_message and on_timer are required
 * (the other callbacks may be NULL, as for built-ins). Registration is
 * process-wide and thread-safe, but a registered protocol behaves like a
 * built-in one only if it is deterministic too (dslab/node.h's rules). */
/* Returns 0, or -1 with diag set (no file position) and nothing changed. */
int dslab_protocol_register(const struct dslab_protocol *p, struct dslab_diag *diag);
/* Removes `p` (by pointer). Returns 0, or -1 when it was not registered. */
int dslab_protocol_unregister(const struct dslab_protocol *p);
/* Removes every registered protocol (tests start from a clean table). */
void dslab_protocol_unregister_all(void);
/* The names a scenario may use, built-in ones first, then registered ones
 * in registration order; writes at most `max` and returns how many. The
 * names are borrowed (a registered one until it is unregistered). */
int dslab_protocol_names(const char **names, int max);

/* --- identity and configuration ------------------------------------------ */
int32_t dslab_ctx_self(const struct dslab_node_ctx *ctx);
int32_t dslab_ctx_nodes_count(const struct dslab_node_ctx *ctx);
const char *dslab_ctx_node_name(const struct dslab_node_ctx *ctx, int32_t node);
/* The config from protocol->configure (borrowed, read-only, shared by nodes). */
const void *dslab_ctx_config(const struct dslab_node_ctx *ctx);

/* --- clocks: the only time node code may read ---------------------------- */
/* Wall clock: offset + drift + jumps; can go backwards. */
int64_t dslab_ctx_wall_ns(const struct dslab_node_ctx *ctx);
/* Monotonic clock: drifts with the node's oscillator, never goes back. */
int64_t dslab_ctx_mono_ns(const struct dslab_node_ctx *ctx);

/* --- randomness: this node's own stream ---------------------------------- */
struct dslab_rng *dslab_ctx_rng(struct dslab_node_ctx *ctx);

/* --- network ------------------------------------------------------------- */
/* Copies len bytes (<= DSLAB_MSG_PAYLOAD_MAX) and sends them to `to`. */
void dslab_ctx_send(struct dslab_node_ctx *ctx, int32_t to, const void *msg, size_t len);
/* As dslab_ctx_send, but the message counts as wire_bytes on the wire (0 ..
 * DSLAB_WIRE_BYTES_MAX; dslab_ctx_send counts len): what the link model of
 * `costs.links` charges, so a protocol can send a 1 KiB stand-in for a
 * 50 MB snapshot. Without that model the size changes nothing. A size out
 * of range stops the run with an error. */
void dslab_ctx_send_sized(struct dslab_node_ctx *ctx, int32_t to, const void *msg, size_t len,
                    uint64_t wire_bytes);

/* --- timers, in local monotonic time ------------------------------------- */
/* Fires after delay_ns of this node's monotonic clock (a fast clock fires
 * early in true time; a paused node fires late). Returns an id for cancel. */
uint64_t dslab_ctx_set_timer(struct dslab_node_ctx *ctx, int64_t delay_ns, uint64_t tag);
/* Cancels a pending timer; harmless if it already fired. */
void dslab_ctx_cancel_timer(struct dslab_node_ctx *ctx, uint64_t timer_id);

/* --- clients ------------------------------------------------------------- */
void dslab_ctx_reply(struct dslab_node_ctx *ctx, uint64_t request_id, enum dslab_reply_status status,
               int64_t value);

/* --- durable store: survives crashes; unsynced writes may not ------------ */
/* Writes key -> bytes (copied). Visible to reads at once; durable only
 * after dslab_ctx_store_sync(). Returns 0, -1 past a DSLAB_STORE_* limit. */
int dslab_ctx_store_put(struct dslab_node_ctx *ctx, const char *key, const void *value, size_t len);
/* Returns the value's length and a borrowed pointer valid until the next
 * store call on this node, or -1 when absent. */
long dslab_ctx_store_get(struct dslab_node_ctx *ctx, const char *key, const void **value_out);
void dslab_ctx_store_sync(struct dslab_node_ctx *ctx);

/* --- annotations: state changes worth seeing, into the trace ------------- */
/* A free note for people: tag is a static string naming the fact
 * ("commit", "lock", "vote"), value its number (an index, a token, -1 if
 * none), text the rest. Checkers do not read roles, terms or final values
 * from notes: report those with the typed calls below. */
void dslab_ctx_annotate(struct dslab_node_ctx *ctx, const char *tag, int64_t value, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* --- typed reports: what checkers, the visualiser and the run summary read
 *
 * These are the contract between node code and everything that judges or
 * shows it (dslab/annotation.h). Each becomes one DSLAB_TRACE_ANNOTATE event
 * with its typed fields set; the text is for people only and no checker
 * parses it. Called while no sink records the run, they cost nothing.
 *
 * Who reads what:
 *   role (DSLAB_ROLE_LEADER / DSLAB_ROLE_PRIMARY lead)   one-leader-per-term,
 *       leader-available, leader-stable, single-primary-per-epoch,
 *       single-primary-at-once, the run summary's timeline, the
 *       visualiser's node colours and shapes, explore's leader probe;
 *   term                                     the visualiser's term label;
 *   final state and final values             no-lost-acknowledged-writes,
 *       convergence (and the run summary through them). */

/* This node now has role class `role` in term (or epoch) `term`; call it at
 * boot and at every role change. A report of a leading class
 * (dslab_role_class_leads) starts a leadership of `term`; any other role report,
 * or a crash, ends it. The text, printf-style, is the protocol's own name
 * for the role ("pre-candidate", "lock-server"); pass "%s",
 * dslab_role_class_name(role) when there is none. Trace: tag "role", value =
 * term, the text. `role` must be a class other than DSLAB_ROLE_NONE and `term`
 * 0 .. INT64_MAX (protocols without terms pass 0, or a number of their
 * own such as a fencing token); else the run stops with an error naming
 * the node. */
void dslab_ctx_report_role(struct dslab_node_ctx *ctx, enum dslab_role_class role, int64_t term, const char *fmt,
                     ...) __attribute__((format(printf, 4, 5)));

/* This node moved to term (or epoch) `term`. `word` is a string literal
 * naming the protocol's kind of term ("term", "epoch", "ballot", "view"):
 * it is the trace tag, and the text reads "WORD TERM" ("term 3"). `term`
 * is 0 .. INT64_MAX and `word` non-empty, else the run stops with an error. */
void dslab_ctx_report_term(struct dslab_node_ctx *ctx, int64_t term, const char *word);

/* The state a node ends the run with, from protocol->on_finish: first one
 * dslab_ctx_report_final_state (keys_count = the number of final values that
 * follow; the text, printf-style, says anything else: "leader t3
 * applied=17"), then one dslab_ctx_report_final_value per key the node holds,
 * in any order (keys_count 0 .. INT64_MAX, else the run stops with an
 * error; keys and values are any int64). A node that reports nothing (a
 * crashed one) is left out of the replica comparison. Trace: tag "final-state", value = keys_count,
 * the text; then tag "final", value = value, text "key=K value=V". */
void dslab_ctx_report_final_state(struct dslab_node_ctx *ctx, int64_t keys_count, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void dslab_ctx_report_final_value(struct dslab_node_ctx *ctx, int64_t key, int64_t value);
/* For a store that keeps each key on some nodes only (quorum-kv's
 * preference lists): after dslab_ctx_report_final_state, the nodes `key`
 * lives on, bit i = node index i (nodes 0..62; replicas_mask 1 ..
 * 2^63 - 1, else the run stops with an error). Replica comparisons
 * (convergence) then compare only those nodes for that key, the union of
 * what the live nodes declared, a declared replica that holds nothing
 * counting as absent; a key nobody declared is compared across every
 * node. Trace: tag "final-replicas", value = the mask, text "key=K
 * replicas=n1 n2 n3". */
void dslab_ctx_report_final_replicas(struct dslab_node_ctx *ctx, int64_t key, uint64_t replicas_mask);

/* --- parameter helpers for configure() ----------------------------------- */
/* Find a parameter by key; NULL if absent. */
const struct dslab_scenario_param *dslab_param_find(const struct dslab_scenario *s, const char *key);
/* Each returns 0 (value set, or default kept when absent) or -1 with diag.
 * Durations are 0..24h (the duration parser refuses more, and negatives). */
int dslab_param_duration_ns(const struct dslab_scenario *s, const char *key, int64_t default_ns,
                      int64_t *out, struct dslab_diag *diag);
int dslab_param_int(const struct dslab_scenario *s, const char *key, int64_t default_value, int64_t min,
              int64_t max, int64_t *out, struct dslab_diag *diag);
int dslab_param_bool(const struct dslab_scenario *s, const char *key, bool default_value, bool *out,
               struct dslab_diag *diag);
/* One of `choices` (NULL-terminated); *out is its index. */
int dslab_param_choice(const struct dslab_scenario *s, const char *key, const char *const *choices,
                 int default_index, int *out, struct dslab_diag *diag);
/* Errors for parameters not in `known` (NULL-terminated), with "did you mean". */
/* "protocol parameter 'KEY': MESSAGE" at p's position (or its --set). */
int dslab_param_error_at(const struct dslab_scenario *s, const struct dslab_scenario_param *p, struct dslab_diag *diag,
                   const char *message);
int dslab_param_reject_unknown(const struct dslab_scenario *s, const char *const *known, struct dslab_diag *diag);

#pragma GCC visibility pop

#endif
