/* evq.c: 4-ary min-heap over pooled events (see evq.h).
 * Both arrays grow by doubling outside the steady state; once the pool has
 * reached the run's peak of pending events, push/pop never allocate. */
#include "evq.h"

#include <stdlib.h>
#include <string.h>

#include "dslab/assert.h"

int evq_init(struct evq *q) {
    memset(q, 0, sizeof *q);
    q->free_head = UINT32_MAX;
    q->capacity = 1024;
    q->heap = malloc(q->capacity * sizeof *q->heap);
    q->events_capacity = 1024;
    q->events = calloc(q->events_capacity, sizeof *q->events);
    if (!q->heap || !q->events) {
        evq_deinit(q);
        return -1;
    }
    return 0;
}

void evq_deinit(struct evq *q) {
    free(q->heap);
    free(q->events);
    memset(q, 0, sizeof *q);
}

uint32_t evq_alloc(struct evq *q) {
    uint32_t slot;
    if (q->free_head != UINT32_MAX) {
        slot = q->free_head;
        q->free_head = q->events[slot].payload_slot;
    } else {
        if (q->events_used == q->events_capacity) {
            if (q->events_capacity >= EVQ_SLOTS_MAX) {
                return UINT32_MAX;
            }
            uint32_t capacity = q->events_capacity * 2;
            struct event *events = realloc(q->events, capacity * sizeof *events);
            if (!events) {
                return UINT32_MAX;
            }
            memset(events + q->events_capacity, 0,
                   (capacity - q->events_capacity) * sizeof *events);
            q->events = events;
            q->events_capacity = capacity;
        }
        slot = q->events_used++;
    }
    struct event *e = &q->events[slot];
    uint32_t gen = e->gen;
    memset(e, 0, sizeof *e);
    e->gen = gen;
    return slot;
}

void evq_release(struct evq *q, uint32_t slot) {
    struct event *e = &q->events[slot];
    DSLAB_ASSERT(e->kind != EV_FREE); /* no double release */
    e->kind = EV_FREE;
    e->gen++;
    e->payload_slot = q->free_head;
    q->free_head = slot;
}

/* The heap is 4-ary: half the depth of a binary heap, and the four
 * children of a node share a cache line (16-byte entries, 64-byte lines),
 * which matters once the heap outgrows the L1 cache. */
#define ARITY 4

__extension__ typedef unsigned __int128 u128;

/* (at_ns, seq_slot) as one unsigned 128-bit key; at_ns >= 0 always. */
static inline u128 entry_key(const struct evq_entry *e) {
    return ((u128)(uint64_t)e->at_ns << 64) | e->seq_slot;
}

static void sift_up(struct evq_entry *heap, uint32_t i) {
    struct evq_entry item = heap[i];
    u128 key = entry_key(&item);
    while (i > 0) {
        uint32_t parent = (i - 1) / ARITY;
        if (key >= entry_key(&heap[parent])) {
            break;
        }
        heap[i] = heap[parent];
        i = parent;
    }
    heap[i] = item;
}

static void sift_down(struct evq_entry *heap, uint32_t count, uint32_t i) {
    struct evq_entry item = heap[i];
    u128 key = entry_key(&item);
    for (;;) {
        uint32_t first = ARITY * i + 1;
        if (first >= count) {
            break;
        }
        uint32_t last = first + ARITY < count ? first + ARITY : count;
        uint32_t best = first;
        u128 best_key = entry_key(&heap[first]);
        for (uint32_t c = first + 1; c < last; c++) {
            u128 k = entry_key(&heap[c]);
            if (k < best_key) {
                best_key = k;
                best = c;
            }
        }
        if (best_key >= key) {
            break;
        }
        heap[i] = heap[best];
        i = best;
    }
    heap[i] = item;
}

/* Debug builds: every child of heap[i] sorts after it. */
static void check_heap_at(const struct evq *q, uint32_t i) {
    for (uint32_t c = ARITY * i + 1; c <= ARITY * i + ARITY && c < q->count; c++) {
        DSLAB_ASSERT(entry_key(&q->heap[i]) < entry_key(&q->heap[c]));
    }
}

int evq_push(struct evq *q, int64_t at_ns, uint32_t slot) {
    DSLAB_ASSERT(slot < EVQ_SLOTS_MAX);
    DSLAB_ASSERT(q->next_seq < EVQ_SEQ_MAX);
    DSLAB_ASSERT(at_ns >= q->popped_ns); /* nothing is scheduled in the past */
    if (q->count == q->capacity) {
        uint32_t capacity = q->capacity * 2;
        struct evq_entry *heap = realloc(q->heap, capacity * sizeof *heap);
        if (!heap) {
            return -1;
        }
        q->heap = heap;
        q->capacity = capacity;
    }
    q->heap[q->count].at_ns = at_ns;
    q->heap[q->count].seq_slot = (q->next_seq++ << EVQ_SLOT_BITS) | slot;
    sift_up(q->heap, q->count);
    q->count++;
    return 0;
}

uint32_t evq_pop(struct evq *q, int64_t *at_ns) {
    DSLAB_ASSERT(q->count > 0);
    struct evq_entry top = q->heap[0];
    DSLAB_ASSERT(top.at_ns >= q->popped_ns); /* time never goes back */
    q->popped_ns = top.at_ns;
    q->count--;
    if (q->count > 0) {
        q->heap[0] = q->heap[q->count];
        sift_down(q->heap, q->count, 0);
        if (DSLAB_ASSERT_EXPENSIVE) check_heap_at(q, 0);
    }
    *at_ns = top.at_ns;
    return evq_entry_slot(&top);
}

void evq_reheap(struct evq *q) {
    for (uint32_t i = q->count / ARITY + 1; i-- > 0;) {
        sift_down(q->heap, q->count, i);
    }
    if (DSLAB_ASSERT_EXPENSIVE) {
        for (uint32_t i = 0; i < q->count; i++) check_heap_at(q, i);
    }
}
