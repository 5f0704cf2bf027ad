/* node.h: what a protocol sees. The behaviour vtable and the node context.
 *
 * A protocol (sim/protocols/) is a `struct protocol`: a name, a configure
 * step that parses its scenario parameters once, and per-node callbacks.
 * Callbacks receive a `struct node_ctx *` and the node's state block (size
 * `state_size`, zeroed by the simulator before init and after a crash).
 * Node code never sees `struct sim`, true time, or other nodes' state: only
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

#include "dslab/diag.h"
#include "dslab/history.h"
#include "dslab/rng.h"
#include "dslab/scenario.h"

struct node_ctx;

/* A client request as the node receives it. */
struct client_request {
    uint64_t request_id; /* pass back to ctx_reply() */
    int32_t client;
    /* The client's operation number: the same for every retry of one
     * operation, larger for each later operation of the same client (a
     * client has one operation at a time). For at-most-once sessions. */
    uint64_t serial;
    enum op_fn fn;
    int64_t key;
    int64_t value;    /* write: the value; cas: the new value */
    int64_t expected; /* cas: the value compared against */
};

enum reply_status {
    REPLY_OK,       /* done; for reads `value` is the result (HISTORY_NIL if none) */
    REPLY_FAIL,     /* definitely did not happen (e.g. cas mismatch, refused) */
    REPLY_REDIRECT, /* did not happen; retry at node `value` (client follows once per op) */
    /* May or may not have happened (e.g. a write whose log entry this node
     * dropped, which another node may still commit). `value` is a node to
     * retry the same operation at, or -1: no retry. Once an operation got
     * this answer the client records it as unknown (:info) unless a retry
     * answers REPLY_OK: a later "did not happen" speaks only for the retry. */
    REPLY_UNKNOWN,
};

struct protocol {
    const char *name;
    const char *summary; /* one line for `dslab help protocols` */
    size_t state_size;   /* bytes of per-node state */

    /* Parses scenario parameters into a config (allocated here, freed by
     * destroy_config). Returns 0, or -1 with diag set (file from the
     * scenario, line/col from the param). May be NULL: no parameters. */
    int (*configure)(const struct scenario *s, void **config_out, struct diag *diag);
    void (*destroy_config)(void *config);

    void (*init)(struct node_ctx *ctx, void *state);
    void (*on_message)(struct node_ctx *ctx, void *state, int32_t from, const void *msg,
                       size_t len);
    void (*on_timer)(struct node_ctx *ctx, void *state, uint64_t timer_id, uint64_t tag);
    /* May be NULL: requests are then answered REPLY_FAIL. */
    void (*on_request)(struct node_ctx *ctx, void *state, const struct client_request *req);
    /* Called at restart after a crash; the durable store is intact. May be
     * NULL: init() is called instead. */
    void (*on_restart)(struct node_ctx *ctx, void *state);
    /* One line for the visualiser: "leader t3 commit=17". May be NULL. */
    void (*describe)(const void *state, char *buf, size_t buf_size);
    /* Short label of a message for traces: "AppendEntries t3 [5..7]". May be NULL. */
    void (*message_label)(const void *msg, size_t len, char *buf, size_t buf_size);
    /* Called after the run ends (state still readable), for final checks
     * such as convergence. May be NULL. */
    void (*on_finish)(struct node_ctx *ctx, void *state);
};

/* The built-in protocols, by name; NULL when unknown. */
const struct protocol *protocol_find(const char *name);
/* The protocol a scenario runs: its `process:` node if it has one, else
 * protocol_find(name). NULL when unknown. */
const struct protocol *protocol_of_scenario(const struct scenario *s);
/* All built-in protocols, for help text and "did you mean". */
int protocol_count(void);
const struct protocol *protocol_at(int index);

/* --- identity and configuration ------------------------------------------ */
int32_t ctx_self(const struct node_ctx *ctx);
int32_t ctx_nodes_count(const struct node_ctx *ctx);
const char *ctx_node_name(const struct node_ctx *ctx, int32_t node);
/* The config from protocol->configure (borrowed, read-only, shared by nodes). */
const void *ctx_config(const struct node_ctx *ctx);

/* --- clocks: the only time node code may read ---------------------------- */
/* Wall clock: offset + drift + jumps; can go backwards. */
int64_t ctx_wall_ns(const struct node_ctx *ctx);
/* Monotonic clock: drifts with the node's oscillator, never goes back. */
int64_t ctx_mono_ns(const struct node_ctx *ctx);

/* --- randomness: this node's own stream ---------------------------------- */
struct rng *ctx_rng(struct node_ctx *ctx);

/* --- network ------------------------------------------------------------- */
/* Copies len bytes (<= DSLAB_MSG_PAYLOAD_MAX) and sends them to `to`. */
void ctx_send(struct node_ctx *ctx, int32_t to, const void *msg, size_t len);

/* --- timers, in local monotonic time ------------------------------------- */
/* Fires after delay_ns of this node's monotonic clock (a fast clock fires
 * early in true time; a paused node fires late). Returns an id for cancel. */
uint64_t ctx_set_timer(struct node_ctx *ctx, int64_t delay_ns, uint64_t tag);
/* Cancels a pending timer; harmless if it already fired. */
void ctx_cancel_timer(struct node_ctx *ctx, uint64_t timer_id);

/* --- clients ------------------------------------------------------------- */
void ctx_reply(struct node_ctx *ctx, uint64_t request_id, enum reply_status status,
               int64_t value);

/* --- durable store: survives crashes; unsynced writes may not ------------ */
/* Writes key -> bytes (copied). Visible to reads at once; durable only
 * after ctx_store_sync(). Returns 0, -1 past a DSLAB_STORE_* limit. */
int ctx_store_put(struct node_ctx *ctx, const char *key, const void *value, size_t len);
/* Returns the value's length and a borrowed pointer valid until the next
 * store call on this node, or -1 when absent. */
long ctx_store_get(struct node_ctx *ctx, const char *key, const void **value_out);
void ctx_store_sync(struct node_ctx *ctx);

/* --- annotations: state changes worth seeing, into the trace ------------- */
/* tag is a static string naming the fact ("role", "term", "commit", "lock");
 * value is its number (term, epoch, index, -1 if none); text is for people.
 * Checkers read tags: "role" with text "leader"/"primary" and value = term
 * or epoch is how one-leader-per-term finds leaders. */
void ctx_annotate(struct node_ctx *ctx, const char *tag, int64_t value, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* --- parameter helpers for configure() ----------------------------------- */
/* Find a parameter by key; NULL if absent. */
const struct scenario_param *param_find(const struct scenario *s, const char *key);
/* Each returns 0 (value set, or default kept when absent) or -1 with diag.
 * Durations are 0..24h (the duration parser refuses more, and negatives). */
int param_duration_ns(const struct scenario *s, const char *key, int64_t default_ns,
                      int64_t *out, struct diag *diag);
int param_int(const struct scenario *s, const char *key, int64_t default_value, int64_t min,
              int64_t max, int64_t *out, struct diag *diag);
int param_bool(const struct scenario *s, const char *key, bool default_value, bool *out,
               struct diag *diag);
/* One of `choices` (NULL-terminated); *out is its index. */
int param_choice(const struct scenario *s, const char *key, const char *const *choices,
                 int default_index, int *out, struct diag *diag);
/* Errors for parameters not in `known` (NULL-terminated), with "did you mean". */
/* "protocol parameter 'KEY': MESSAGE" at p's position (or its --set). */
int param_error_at(const struct scenario *s, const struct scenario_param *p, struct diag *diag,
                   const char *message);
int param_reject_unknown(const struct scenario *s, const char *const *known, struct diag *diag);

#endif
