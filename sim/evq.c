/* evq.c: 4-ary min-heap over pooled events (see evq.h).
 * Both arrays grow by doubling outside the steady state; once the pool has
 * reached the run's peak of pending events, push/pop never allocate. */
#include "evq.h"

#include <stdlib.h>
#include <string.h>

#include "dslab/assert.h"

/* The cache line the layout is built around (docs/ARCHITECTURE.md,
 * "Memory layout"). */
#define LINE_BYTES 64u
/* heap[0] sits 48 bytes into a line, so heap[1 + 4k .. 4 + 4k], the
 * children of heap[k], fill exactly one line. */
#define HEAP_LINE_OFFSET 48u

/* Grows *block (owned; NULL at first) to hold `bytes` bytes starting at an
 * address that is `offset` bytes past a cache line, keeping the first
 * `keep` bytes of what *start pointed to. realloc keeps a large block's
 * pages where they are (mremap), so growth copies nothing and a page the
 * run never touches costs no memory; when realloc moves the block to
 * another offset within a line, the contents are moved to match. The
 * address is used for alignment only, never for order. Returns the new
 * start, or NULL (then nothing changed). */
static void *grow_aligned(void **block, void *start, size_t keep, size_t bytes, uintptr_t offset) {
    size_t old_shift = start ? (size_t)((unsigned char *)start - (unsigned char *)*block) : 0;
    unsigned char *b = realloc(*block, bytes + LINE_BYTES);
    if (!b) return NULL;
    size_t shift = (size_t)((offset - (uintptr_t)b) & (LINE_BYTES - 1));
    if (shift != old_shift && keep > 0) memmove(b + shift, b + old_shift, keep);
    *block = b;
    return b + shift;
}

int evq_init(struct evq *q) {
    memset(q, 0, sizeof *q);
    q->free_head = UINT32_MAX;
    q->capacity = 1024;
    q->heap = grow_aligned(&q->heap_block, NULL, 0, q->capacity * sizeof *q->heap, HEAP_LINE_OFFSET);
    q->events_capacity = 1024;
    q->events = grow_aligned(&q->events_block, NULL, 0, q->events_capacity * sizeof *q->events, 0);
    if (!q->heap || !q->events) {
        evq_deinit(q);
        return -1;
    }
    return 0;
}

void evq_deinit(struct evq *q) {
    free(q->heap_block);
    free(q->events_block);
    memset(q, 0, sizeof *q);
}

uint32_t evq_alloc_fresh(struct evq *q) {
    if (q->events_used == q->events_capacity) {
        if (q->events_capacity >= EVQ_SLOTS_MAX) {
            return UINT32_MAX;
        }
        uint32_t capacity = q->events_capacity * 2;
        struct event *events = grow_aligned(&q->events_block, q->events, q->events_used * sizeof *events,
                                            capacity * sizeof *events, 0);
        if (!events) {
            return UINT32_MAX;
        }
        q->events = events;
        q->events_capacity = capacity;
    }
    uint32_t slot = q->events_used++;
    DSLAB_ASSERT(slot < EVQ_SLOTS_MAX); /* so every slot fits its bits in a heap entry */
    memset(&q->events[slot], 0, sizeof q->events[slot]); /* generation 0 */
    return slot;
}

/* Debug builds: every child of heap[i] sorts after it. */
static void check_heap_at(const struct evq *q, uint32_t i) {
    for (uint32_t c = EVQ_ARITY * i + 1; c <= EVQ_ARITY * i + EVQ_ARITY && c < q->count; c++) {
        DSLAB_ASSERT(evq_entry_less(&q->heap[i], &q->heap[c]));
    }
}

void evq_check_root(const struct evq *q) {
    check_heap_at(q, 0);
}

void evq_settle(struct evq *q) {
    if (q->top_dirty) {
        q->top_dirty = false;
        evq_sift_down(q->heap, q->count, 0, q->heap[0]);
        if (DSLAB_ASSERT_EXPENSIVE) check_heap_at(q, 0);
    }
}

int evq_grow_heap(struct evq *q) {
    uint32_t capacity = q->capacity * 2;
    struct evq_entry *heap = grow_aligned(&q->heap_block, q->heap, q->count * sizeof *heap,
                                          capacity * sizeof *heap, HEAP_LINE_OFFSET);
    if (!heap) {
        return -1;
    }
    q->heap = heap;
    q->capacity = capacity;
    return 0;
}

int evq_push(struct evq *q, int64_t at_ns, uint32_t slot) {
    DSLAB_ASSERT(slot < EVQ_SLOTS_MAX);
    DSLAB_ASSERT(at_ns >= q->popped_ns); /* nothing is scheduled in the past */
    return evq_push_inline(q, at_ns, slot);
}

void evq_reheap(struct evq *q) {
    q->top_dirty = false;
    for (uint32_t i = q->count / EVQ_ARITY + 1; i-- > 0;) {
        if (i < q->count) evq_sift_down(q->heap, q->count, i, q->heap[i]);
    }
    if (DSLAB_ASSERT_EXPENSIVE) {
        for (uint32_t i = 0; i < q->count; i++) check_heap_at(q, i);
    }
}
