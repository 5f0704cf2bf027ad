/* payload_pool.h: storage for message payloads in flight. Private to sim/.
 *
 * Two size classes: small slots (PAYLOAD_SMALL_BYTES) for the common short
 * message, large slots (DSLAB_MSG_PAYLOAD_MAX) for the rest. Slots live in
 * chunks that never move once allocated, so a payload pointer handed to
 * on_message stays valid while the handler sends more messages. Freed slots
 * go on a per-class free list threaded through the slots themselves: after
 * warm-up nothing is allocated per message. A handle is class << 31 | index.
 * Memory: ~64 B per small message in flight, ~1 KiB per large one; a
 * message of at most EVENT_INLINE_BYTES takes no slot at all (it travels
 * in its event, evq.h: handle PAYLOAD_HANDLE_INLINE). Slots per chunk are
 * a power of two, so finding a slot is two shifts and a mask. */
#ifndef DSLAB_PAYLOAD_POOL_H
#define DSLAB_PAYLOAD_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "dslab/limits.h"

_Static_assert((DSLAB_MSG_PAYLOAD_MAX & (DSLAB_MSG_PAYLOAD_MAX - 1)) == 0,
               "payload slot sizes are powers of two");

#define PAYLOAD_SMALL_BYTES 64u
#define PAYLOAD_CHUNK_BYTES (256u * 1024u)
#define PAYLOAD_HANDLE_NONE UINT32_MAX
/* The payload is inside the event (never a pool index: those stay below
 * DSLAB_IN_FLIGHT_MAX); payload_free ignores it. */
#define PAYLOAD_HANDLE_INLINE (UINT32_MAX - 1u)

struct payload_class {
    uint32_t slot_bytes;
    uint32_t slot_shift;    /* log2(slot_bytes) */
    uint32_t chunk_shift;   /* log2(slots_per_chunk) */
    uint32_t slots_per_chunk;
    uint32_t chunks_max;
    unsigned char **chunks; /* owned, chunks_max entries */
    uint32_t chunks_count;
    uint32_t free_head;     /* PAYLOAD_HANDLE_NONE = empty */
    uint32_t used;          /* slots ever handed out */
};

struct payload_pool {
    struct payload_class classes[2];
};

int payload_pool_init(struct payload_pool *p);
void payload_pool_deinit(struct payload_pool *p);
/* A slot for len <= DSLAB_MSG_PAYLOAD_MAX bytes, or PAYLOAD_HANDLE_NONE
 * when the limit (per class: DSLAB_IN_FLIGHT_MAX slots and
 * DSLAB_IN_FLIGHT_PAYLOAD_BYTES_MAX bytes) or memory runs out. */
uint32_t payload_alloc(struct payload_pool *p, size_t len);
void payload_free_slot(struct payload_pool *p, uint32_t handle);
/* Frees a handle from payload_alloc; PAYLOAD_HANDLE_INLINE is a no-op. */
static inline void payload_free(struct payload_pool *p, uint32_t handle) {
    if (handle != PAYLOAD_HANDLE_INLINE) payload_free_slot(p, handle);
}

static inline unsigned char *payload_ptr(const struct payload_pool *p, uint32_t handle) {
    const struct payload_class *c = &p->classes[handle >> 31];
    uint32_t index = handle & 0x7fffffffu;
    return c->chunks[index >> c->chunk_shift] +
           ((size_t)(index & (c->slots_per_chunk - 1)) << c->slot_shift);
}

#endif
