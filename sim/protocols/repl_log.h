/* repl_log.h (private to sim/protocols/): the durable replicated log that
 * Raft and primary-backup share - its store layout, append, truncate, the
 * term-and-vote record and loading it all back after a crash.
 *
 * The entries live in the protocol's own state block (an array of its own
 * entry type, whose first member is the int64_t term or epoch); this module
 * moves them as bytes of `spec->entry_size`. Indexes are 1-based: entry i
 * is entries[i - 1]; index 0 is the empty prefix with term 0.
 *
 * Durable layout, one store key per fact so an append is one put:
 *   TERM  int64 current term (or epoch)   VOTE  int32 voted-for (-1 none)
 *   LEN   int64 log length                PREFIX N  entry N (1-based)
 * LEN is the authority: entries past it are stale and overwritten later.
 * Nothing here syncs: callers call dslab_ctx_store_sync before any message that
 * depends on what they wrote leaves the node. */
#ifndef DSLAB_REPL_LOG_H
#define DSLAB_REPL_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dslab/node.h"

/* How one protocol keeps its log: static, read-only. */
struct repl_log_spec {
    const char *term_key;     /* "raft/term" */
    const char *vote_key;     /* "raft/vote" */
    const char *len_key;      /* "raft/len" */
    const char *entry_prefix; /* "raft/e/": entry N is "raft/e/N" */
    size_t entry_size;        /* sizeof the protocol's entry, first member int64_t term */
    int64_t entries_max;      /* capacity of the entries array */
};

/* The log as the caller's state holds it (borrowed pointers, valid for one
 * call; nothing here is kept). */
struct repl_log {
    const struct repl_log_spec *spec;
    void *entries;   /* spec->entries_max entries, or *capacity when grown */
    int64_t *len;
    /* A log grown on demand (grow.h, up to spec->entries_max): the owner's
     * pointer to its entries and their capacity, updated as it grows; both
     * NULL for a fixed array of spec->entries_max. */
    void **grown_entries;
    size_t *capacity;
};

/* The term of entry `index`, 0 for index 0 and past the end. */
int64_t repl_log_term_at(const struct repl_log_spec *spec, const void *entries, int64_t len,
                         int64_t index);
/* Appends `entry` (spec->entry_size bytes) in memory and the store (not
 * synced). Returns 0, or -1 when full or the store refuses it. */
int repl_log_append(struct dslab_node_ctx *ctx, struct repl_log log, const void *entry);
/* Drops entries after `new_len` (in memory and the store's LEN record).
 * Returns false when there was nothing to drop. */
bool repl_log_truncate(struct dslab_node_ctx *ctx, struct repl_log log, int64_t new_len);
/* Writes term and vote (not synced). */
void repl_log_persist_meta(struct dslab_node_ctx *ctx, const struct repl_log_spec *spec, int64_t term,
                           int32_t voted_for);
/* True when the store holds exactly this term and vote. */
bool repl_log_meta_stored(struct dslab_node_ctx *ctx, const struct repl_log_spec *spec, int64_t term,
                          int32_t voted_for);
/* The batch a leader sends a peer whose next index is `next` (clamped to
 * 1 .. len + 1): copies up to count_max entries from there into `dst`,
 * sets *prev_out to the index before them and returns how many. */
int32_t repl_log_batch(struct repl_log log, int64_t next, int32_t count_max, int64_t *prev_out,
                       void *dst);
/* Where a batch message's header keeps its int32 entry count: after the
 * type byte and three reserved bytes (each protocol asserts its header
 * has it there). */
#define REPL_BATCH_COUNT_OFFSET 4
/* A received batch message of `len` bytes at `msg`: when it is a header
 * of head_size and exactly its count (0 .. count_max) entries, copies it
 * to `out` (room for the header and count_max entries) and returns true;
 * otherwise (malformed) false, `out` untouched. */
bool repl_log_batch_receive(const struct repl_log_spec *spec, const void *msg, size_t len,
                            size_t head_size, int32_t count_max, void *out);
/* Where the leader should retry after a mismatch at `prev`: before the
 * whole run of entries of prev's term, but not below `floor` (Raft: the
 * commit index, which matches for sure; primary-backup: 0). */
int64_t repl_log_conflict_hint(const struct repl_log_spec *spec, const void *entries, int64_t len,
                               int64_t prev, int64_t floor);
/* Drops the entries after new_len, with what the protocol must do then
 * (answer writes, roll back its map); called by repl_log_store_received. */
typedef void (*repl_truncate_fn)(struct dslab_node_ctx *ctx, void *state, int64_t new_len);
/* Stores `count` received entries that follow index `prev` (whose term the
 * caller has checked): one already here with the same term is kept, one
 * with another term is dropped with everything after it (`truncate`), the
 * rest are appended until the log is full. Does not sync. Returns the last
 * index known to match the sender's log. */
int64_t repl_log_store_received(struct dslab_node_ctx *ctx, struct repl_log log, int64_t prev,
                                const void *entries, int32_t count, repl_truncate_fn truncate,
                                void *state);
/* Rebuilds term (0 when absent), vote (-1) and the log from the store; a
 * torn tail keeps the prefix that is there. */
void repl_log_load(struct dslab_node_ctx *ctx, struct repl_log log, int64_t *term, int32_t *voted_for);

#endif
