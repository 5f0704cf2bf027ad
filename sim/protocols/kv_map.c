/* kv_map.c: the key-value state machine of the replicated protocols (see
 * kv_map.h). Linear probing from a splitmix64 hash of the key. */
#include "protocols/kv_map.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/rng.h"
#include "grow.h"

static uint64_t key_hash(int64_t key) {
    uint64_t h = (uint64_t)key;
    return dslab_rng_splitmix64(&h);
}

/* The slot holding `key`, or the free slot where it would go. */
static size_t slot_of(const struct kv_slot *slots, size_t slots_count, int64_t key,
                      bool *found) {
    size_t i = (size_t)(key_hash(key) % slots_count);
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

/* --- grown on demand ------------------------------------------------------ */

void kv_map_table_init(struct kv_map_table *t, size_t legacy_slots) {
    memset(t, 0, sizeof *t);
    t->legacy_slots = legacy_slots;
}

void kv_map_table_free(struct kv_map_table *t) {
    free(t->slots);
    kv_map_table_init(t, t->legacy_slots);
}

void kv_map_table_clear(struct kv_map_table *t) {
    if (t->slots) memset(t->slots, 0, t->capacity * sizeof *t->slots);
    t->count = 0;
}

/* The slot of `key` or the free one where it would go (capacity > 0). */
static size_t table_slot(const struct kv_map_table *t, int64_t key, bool *found) {
    size_t mask = t->capacity - 1, i = (size_t)key_hash(key) & mask;
    while (t->slots[i].used && t->slots[i].key != key) i = (i + 1) & mask;
    *found = t->slots[i].used != 0;
    return i;
}

int64_t kv_map_table_get(const struct kv_map_table *t, int64_t key) {
    bool found = false;
    size_t i = t->capacity ? table_slot(t, key, &found) : 0;
    return found ? t->slots[i].value : DSLAB_HISTORY_NIL;
}

/* Room for one more key: doubles (rehashing, insertion numbers kept) when
 * the table would be more than half full. Returns -1 when out of memory. */
static int table_reserve(struct kv_map_table *t) {
    if (2 * (t->count + 1) <= t->capacity) return 0;
    size_t capacity = t->capacity ? 2 * t->capacity : 16;
    struct kv_slot *old = t->slots, *slots = calloc(capacity, sizeof *slots);
    if (!slots) return -1;
    size_t old_capacity = t->capacity;
    t->slots = slots;
    t->capacity = capacity;
    for (size_t j = 0; j < old_capacity; j++) {
        if (!old[j].used) continue;
        bool found = false;
        t->slots[table_slot(t, old[j].key, &found)] = old[j];
    }
    free(old);
    return 0;
}

static int table_put(struct kv_map_table *t, int64_t key, int64_t value) {
    bool found = false;
    size_t i = t->capacity ? table_slot(t, key, &found) : 0;
    if (!found) {
        if (table_reserve(t) != 0) return -1;
        i = table_slot(t, key, &found);
        t->slots[i].key = key;
        t->slots[i].used = (int64_t)++t->count;
    }
    t->slots[i].value = value;
    return 0;
}

int kv_map_table_apply(struct kv_map_table *t, int32_t cmd, int64_t key, int64_t value, int64_t expected,
                   enum dslab_reply_status *status) {
    *status = DSLAB_REPLY_OK;
    if (cmd == KV_CMD_CAS && kv_map_table_get(t, key) != expected) {
        *status = DSLAB_REPLY_FAIL;
        return 0;
    }
    if (cmd == KV_CMD_WRITE || cmd == KV_CMD_CAS) return table_put(t, key, value);
    return 0; /* no-op */
}

/* A held key and where the flat table would keep it. */
struct placed {
    size_t legacy_slot;
    const struct kv_slot *slot;
};

static int placed_cmp(const void *pa, const void *pb) {
    const struct placed *a = pa, *b = pb;
    return (a->legacy_slot > b->legacy_slot) - (a->legacy_slot < b->legacy_slot);
}

int kv_map_table_report_final(struct dslab_node_ctx *ctx, const struct kv_map_table *t) {
    if (t->count == 0) return 0;
    /* by insertion number: the order the flat table received the keys */
    struct placed *keys = calloc(t->count, sizeof *keys);
    /* the flat table's taken slots, as a set: slot + 1 in open addressing */
    size_t taken_capacity = 16;
    while (taken_capacity < 2 * t->count) taken_capacity *= 2;
    size_t *taken = calloc(taken_capacity, sizeof *taken);
    if (!keys || !taken) {
        free(keys);
        free(taken);
        return -1;
    }
    for (size_t j = 0; j < t->capacity; j++) {
        if (t->slots[j].used) keys[t->slots[j].used - 1].slot = &t->slots[j];
    }
    size_t mask = taken_capacity - 1;
    for (size_t k = 0; k < t->count; k++) {
        size_t s = (size_t)(key_hash(keys[k].slot->key) % t->legacy_slots);
        for (;;) { /* the first slot from the hash the flat table had free */
            size_t h = (size_t)key_hash((int64_t)s) & mask;
            while (taken[h] && taken[h] != s + 1) h = (h + 1) & mask;
            if (!taken[h]) {
                taken[h] = s + 1;
                break;
            }
            s = (s + 1) % t->legacy_slots;
        }
        keys[k].legacy_slot = s;
    }
    qsort(keys, t->count, sizeof *keys, placed_cmp);
    for (size_t k = 0; k < t->count; k++) {
        dslab_ctx_report_final_value(ctx, keys[k].slot->key, keys[k].slot->value);
    }
    free(keys);
    free(taken);
    return 0;
}
