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
    memset(&q->events[slot], 0, sizeof q->events[slot]); /* generation 0 */
    return slot;
}

/* The heap is 4-ary: half the depth of a binary heap, and the four
 * children of a node share one cache line (16-byte entries, heap[1]
 * aligned to a line), which matters once the heap outgrows the L1 cache. */
#define ARITY 4

/* (at_ns, seq_slot): the time first; the packed sequence breaks ties. */
static inline bool entry_less(const struct evq_entry *a, const struct evq_entry *b) {
    return a->at_ns < b->at_ns || (a->at_ns == b->at_ns && a->seq_slot < b->seq_slot);
}

/* The earliest of the four children c[0..3] (one cache line), as a byte
 * offset from c (0, 16, 32 or 48): a tournament on the 64-bit times,
 * written for conditional moves (which child wins is a coin toss a branch
 * predictor cannot learn); an equal time, rare, takes the exact path
 * through the sequence. */
static inline size_t min_of_four(const struct evq_entry *c) {
    int64_t t0 = c[0].at_ns, t1 = c[1].at_ns, t2 = c[2].at_ns, t3 = c[3].at_ns;
    size_t a = t1 < t0 ? sizeof *c : 0, b = t3 < t2 ? 3 * sizeof *c : 2 * sizeof *c;
    int64_t ta = t1 < t0 ? t1 : t0, tb = t3 < t2 ? t3 : t2;
    if (__builtin_expect(t0 == t1 || t2 == t3 || ta == tb, 0)) {
        size_t best = 0;
        for (size_t k = 1; k < ARITY; k++) {
            if (entry_less(&c[k], &c[best])) best = k;
        }
        return best * sizeof *c;
    }
    return tb < ta ? b : a;
}

static void sift_up(struct evq_entry *heap, uint32_t i, uint32_t top, struct evq_entry item) {
    while (i > top) {
        uint32_t parent = (i - 1) / ARITY;
        if (!entry_less(&item, &heap[parent])) {
            break;
        }
        heap[i] = heap[parent];
        i = parent;
    }
    heap[i] = item;
}

/* Places item in the subtree rooted at i (whose children are valid heaps).
 * Bottom-up: the hole at i descends to a leaf along the earliest children
 * (three comparisons per level, none against item), then item climbs back
 * from there. Items placed here (the last entry, a new event) belong near
 * the leaves, so the climb is short. */
static inline __attribute__((always_inline)) void sift_down(struct evq_entry *heap, uint32_t count, uint32_t i, struct evq_entry item) {
    uint32_t top = i;
    /* heap[j] has a full group of four children (4j + 4 < count) iff j < full. */
    uint32_t full = count > 0 ? (count - 1) / ARITY : 0;
    /* The descent works on byte offsets into the heap: the children of the
     * entry at offset o start at 4 o + 16 (entry 4j + 1 of entry j), one
     * address computation per level, and the earliest child's offset is
     * that plus min_of_four's. */
    unsigned char *base = (unsigned char *)heap;
    size_t hole = (size_t)i * sizeof *heap, full_bytes = (size_t)full * sizeof *heap;
    while (hole < full_bytes) {
        size_t first = ARITY * hole + sizeof *heap;
        size_t best = first + min_of_four((const struct evq_entry *)(base + first));
        memcpy(base + hole, base + best, sizeof *heap);
        hole = best;
    }
    i = (uint32_t)(hole / sizeof *heap);
    uint32_t first = ARITY * i + 1;
    if (first < count) { /* the last, partial group (at most 3): its children are leaves */
        uint32_t best = first;
        for (uint32_t c = first + 1; c < count; c++) {
            if (entry_less(&heap[c], &heap[best])) best = c;
        }
        heap[i] = heap[best];
        i = best;
    }
    sift_up(heap, i, top, item);
}

/* Debug builds: every child of heap[i] sorts after it. */
static void check_heap_at(const struct evq *q, uint32_t i) {
    for (uint32_t c = ARITY * i + 1; c <= ARITY * i + ARITY && c < q->count; c++) {
        DSLAB_ASSERT(entry_less(&q->heap[i], &q->heap[c]));
    }
}

void evq_settle(struct evq *q) {
    if (q->top_dirty) {
        q->top_dirty = false;
        sift_down(q->heap, q->count, 0, q->heap[0]);
        if (DSLAB_ASSERT_EXPENSIVE) check_heap_at(q, 0);
    }
}

int evq_push(struct evq *q, int64_t at_ns, uint32_t slot) {
    DSLAB_ASSERT(slot < EVQ_SLOTS_MAX);
    DSLAB_ASSERT(q->next_seq < EVQ_SEQ_MAX);
    DSLAB_ASSERT(at_ns >= q->popped_ns); /* nothing is scheduled in the past */
    if (q->count == q->capacity) {
        uint32_t capacity = q->capacity * 2;
        struct evq_entry *heap = grow_aligned(&q->heap_block, q->heap, q->count * sizeof *heap,
                                              capacity * sizeof *heap, HEAP_LINE_OFFSET);
        if (!heap) {
            return -1;
        }
        q->heap = heap;
        q->capacity = capacity;
    }
    struct evq_entry item = {at_ns, (q->next_seq++ << EVQ_SLOT_BITS) | slot};
    if (q->top_dirty) {
        /* Fused with the pop before: the entry parked at the root goes back
         * to the end, where it was (its parent there sorts before it), and
         * the new entry is sifted down from the root. */
        q->top_dirty = false;
        q->heap[q->count] = q->heap[0];
        q->count++;
        sift_down(q->heap, q->count, 0, item);
        if (DSLAB_ASSERT_EXPENSIVE) check_heap_at(q, 0);
    } else {
        sift_up(q->heap, q->count, 0, item);
        q->count++;
    }
    return 0;
}

void evq_reheap(struct evq *q) {
    q->top_dirty = false;
    for (uint32_t i = q->count / ARITY + 1; i-- > 0;) {
        if (i < q->count) sift_down(q->heap, q->count, i, q->heap[i]);
    }
    if (DSLAB_ASSERT_EXPENSIVE) {
        for (uint32_t i = 0; i < q->count; i++) check_heap_at(q, i);
    }
}
