/* kv_map.h (private to sim/protocols/): the key-value state machine that
 * Raft and primary-backup apply their logs to: int64 keys to int64 values
 * in an open-addressing table that lives in the protocol's state block
 * (all zero = empty, so a crash empties it), and the commands of their
 * log entries: no-op, write, compare-and-set.
 *
 * The table is sized by the protocol: at least twice its log capacity, so
 * with at most one new key per applied entry it is never more than half
 * full and a put cannot fail. Iteration (kv_map_report_final) goes in slot
 * order, which depends only on the keys and the table size: deterministic.
 * struct kv_map_table is the same map grown on demand, outside the state block. */
#ifndef DSLAB_KV_MAP_H
#define DSLAB_KV_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "dslab/node.h"

struct kv_slot {
    int64_t key;
    int64_t value;
    int64_t used; /* 0/1; int64 keeps the slot free of padding */
};

/* The commands a log entry carries (the numbers are in stored entries). */
enum kv_cmd {
    KV_CMD_NOOP = 0,
    KV_CMD_WRITE = 1,
    KV_CMD_CAS = 2,
};

/* The value of `key`, or DSLAB_HISTORY_NIL when absent. */
int64_t kv_map_get(const struct kv_slot *slots, size_t slots_count, int64_t key);
/* Applies one command: a write sets key to value; a cas sets it only when
 * it holds `expected` (else DSLAB_REPLY_FAIL, nothing changes); a no-op (or any
 * other number) changes nothing. Returns DSLAB_REPLY_OK or DSLAB_REPLY_FAIL. */
enum dslab_reply_status kv_map_apply(struct kv_slot *slots, size_t slots_count, int32_t cmd,
                               int64_t key, int64_t value, int64_t expected);
/* The command a client's write or cas request asks for, as a log entry's
 * fields: KV_CMD_CAS for DSLAB_OP_CAS, else KV_CMD_WRITE, with its key,
 * value and expected value. */
void kv_map_command_of(const struct dslab_client_request *req, int32_t *cmd, int64_t *key,
                       int64_t *value, int64_t *expected);
/* Keys held (a scan: for end-of-run reports, not the hot path). */
int64_t kv_map_count(const struct kv_slot *slots, size_t slots_count);
/* Empties the table. */
void kv_map_clear(struct kv_slot *slots, size_t slots_count);
/* dslab_ctx_report_final_value for every key, in slot order. */
void kv_map_report_final(struct dslab_node_ctx *ctx, const struct kv_slot *slots, size_t slots_count);

/* --- the same map, grown on demand (Raft) -----------------------------------
 * Open addressing in a table that doubles when half full (grow.h), so an
 * empty map costs nothing and a map of k keys about 48k bytes. Its final
 * report lists the keys in exactly the order kv_map_report_final gives for
 * a flat table of `legacy_slots` slots holding the same keys inserted in
 * the same order (traces stay what they were when the table was flat):
 * linear probing without deletions puts each key at the first free slot
 * from its hash in insertion order, which the report replays. A slot's
 * `used` is the key's insertion number (1, 2, ...), 0 when free. */
struct kv_map_table {
    struct kv_slot *slots; /* owned (free with kv_map_table_free); NULL while empty */
    size_t capacity;       /* a power of two, or 0 */
    size_t count;          /* keys held; also the last insertion number */
    size_t legacy_slots;   /* the flat table's size the report order follows */
};

void kv_map_table_init(struct kv_map_table *t, size_t legacy_slots);
void kv_map_table_free(struct kv_map_table *t);
/* Empties it (keeps the memory). */
void kv_map_table_clear(struct kv_map_table *t);
int64_t kv_map_table_get(const struct kv_map_table *t, int64_t key);
/* As kv_map_apply. Returns -1 (nothing changed) when out of memory. */
int kv_map_table_apply(struct kv_map_table *t, int32_t cmd, int64_t key, int64_t value, int64_t expected,
                   enum dslab_reply_status *status);
/* dslab_ctx_report_final_value for every key, in the flat table's slot
 * order (above). Returns -1 when out of memory for the ordering (nothing
 * reported). */
int kv_map_table_report_final(struct dslab_node_ctx *ctx, const struct kv_map_table *t);

#endif
