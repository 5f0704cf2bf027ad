/* payload_pool.c: two-class slot pool for message payloads (payload_pool.h). */
#include "payload_pool.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static int class_init(struct payload_class *c, uint32_t slot_bytes) {
    memset(c, 0, sizeof *c);
    c->slot_bytes = slot_bytes;
    c->slots_per_chunk = PAYLOAD_CHUNK_BYTES / slot_bytes;
    c->slot_shift = (uint32_t)__builtin_ctz(slot_bytes);
    c->chunk_shift = (uint32_t)__builtin_ctz(c->slots_per_chunk);
    uint32_t slots_max = DSLAB_IN_FLIGHT_PAYLOAD_BYTES_MAX / slot_bytes;
    if (slots_max > DSLAB_IN_FLIGHT_MAX) slots_max = DSLAB_IN_FLIGHT_MAX;
    c->chunks_max = (slots_max + c->slots_per_chunk - 1) / c->slots_per_chunk;
    c->free_head = PAYLOAD_HANDLE_NONE;
    c->chunks = calloc(c->chunks_max, sizeof *c->chunks);
    return c->chunks ? 0 : -1;
}

int payload_pool_init(struct payload_pool *p) {
    memset(p, 0, sizeof *p);
    if (class_init(&p->classes[0], PAYLOAD_SMALL_BYTES) != 0 ||
        class_init(&p->classes[1], DSLAB_MSG_PAYLOAD_MAX) != 0) {
        payload_pool_deinit(p);
        return -1;
    }
    return 0;
}

void payload_pool_deinit(struct payload_pool *p) {
    for (int k = 0; k < 2; k++) {
        struct payload_class *c = &p->classes[k];
        for (uint32_t i = 0; i < c->chunks_count; i++) free(c->chunks[i]);
        free(c->chunks);
    }
    memset(p, 0, sizeof *p);
}

uint32_t payload_alloc(struct payload_pool *p, size_t len) {
    assert(len <= DSLAB_MSG_PAYLOAD_MAX);
    uint32_t k = len > PAYLOAD_SMALL_BYTES ? 1u : 0u;
    struct payload_class *c = &p->classes[k];
    uint32_t tag = k << 31;
    if (c->free_head != PAYLOAD_HANDLE_NONE) {
        uint32_t handle = c->free_head;
        memcpy(&c->free_head, payload_ptr(p, handle), sizeof(uint32_t));
        return handle;
    }
    if (c->used == c->chunks_count * c->slots_per_chunk) {
        if (c->chunks_count == c->chunks_max) return PAYLOAD_HANDLE_NONE;
        unsigned char *chunk = aligned_alloc(64, PAYLOAD_CHUNK_BYTES); /* slots never straddle lines */
        if (!chunk) return PAYLOAD_HANDLE_NONE;
        c->chunks[c->chunks_count++] = chunk;
    }
    return tag | c->used++;
}

void payload_free_slot(struct payload_pool *p, uint32_t handle) {
    struct payload_class *c = &p->classes[handle >> 31];
    memcpy(payload_ptr(p, handle), &c->free_head, sizeof(uint32_t));
    c->free_head = handle;
}
