/* kv_map.c: the key-value state machine of the replicated protocols (see
 * kv_map.h). Linear probing from a splitmix64 hash of the key. */
#include "protocols/kv_map.h"

#include <stdbool.h>
#include <string.h>

#include "dslab/rng.h"

/* The slot holding `key`, or the free slot where it would go. */
static size_t slot_of(const struct kv_slot *slots, size_t slots_count, int64_t key,
                      bool *found) {
    uint64_t h = (uint64_t)key;
    size_t i = (size_t)(dslab_rng_splitmix64(&h) % slots_count);
    while (slots[i].used && slots[i].key != key) {
        i = (i + 1) % slots_count;
    }
    *found = slots[i].used != 0;
    return i;
}

int64_t kv_map_get(const struct kv_slot *slots, size_t slots_count, int64_t key) {
    bool found = false;
    size_t i = slot_of(slots, slots_count, key, &found);
    return found ? slots[i].value : DSLAB_HISTORY_NIL;
}

static void put(struct kv_slot *slots, size_t slots_count, int64_t key, int64_t value) {
    bool found = false;
    size_t i = slot_of(slots, slots_count, key, &found);
    if (!found) {
        /* At most one new key per applied entry: the table cannot fill. */
        slots[i].used = 1;
        slots[i].key = key;
    }
    slots[i].value = value;
}

enum dslab_reply_status kv_map_apply(struct kv_slot *slots, size_t slots_count, int32_t cmd,
                               int64_t key, int64_t value, int64_t expected) {
    switch (cmd) {
    case KV_CMD_WRITE:
        put(slots, slots_count, key, value);
        return DSLAB_REPLY_OK;
    case KV_CMD_CAS:
        if (kv_map_get(slots, slots_count, key) != expected) {
            return DSLAB_REPLY_FAIL;
        }
        put(slots, slots_count, key, value);
        return DSLAB_REPLY_OK;
    default:
        return DSLAB_REPLY_OK; /* no-op */
    }
}

void kv_map_command_of(const struct dslab_client_request *req, int32_t *cmd, int64_t *key,
                       int64_t *value, int64_t *expected) {
    *cmd = req->fn == DSLAB_OP_CAS ? KV_CMD_CAS : KV_CMD_WRITE;
    *key = req->key;
    *value = req->value;
    *expected = req->expected;
}

int64_t kv_map_count(const struct kv_slot *slots, size_t slots_count) {
    int64_t n = 0;
    for (size_t i = 0; i < slots_count; i++) {
        n += slots[i].used != 0;
    }
    return n;
}

void kv_map_clear(struct kv_slot *slots, size_t slots_count) {
    memset(slots, 0, slots_count * sizeof *slots);
}

void kv_map_report_final(struct dslab_node_ctx *ctx, const struct kv_slot *slots, size_t slots_count) {
    for (size_t i = 0; i < slots_count; i++) {
        if (slots[i].used) {
            dslab_ctx_report_final_value(ctx, slots[i].key, slots[i].value);
        }
    }
}
