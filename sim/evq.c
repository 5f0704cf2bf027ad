/* evq.c: binary min-heap over pooled events (see evq.h).
 * Both arrays grow by doubling outside the steady state; once the pool has
 * reached the run's peak of pending events, push/pop never allocate. */
#include "evq.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

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
    assert(e->kind != EV_FREE);
    e->kind = EV_FREE;
    e->gen++;
    e->payload_slot = q->free_head;
    q->free_head = slot;
}

static inline int entry_less(const struct evq_entry *a, const struct evq_entry *b) {
    return a->at_ns < b->at_ns || (a->at_ns == b->at_ns && a->seq_slot < b->seq_slot);
}

static void sift_up(struct evq_entry *heap, uint32_t i) {
    struct evq_entry item = heap[i];
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;
        if (!entry_less(&item, &heap[parent])) {
            break;
        }
        heap[i] = heap[parent];
        i = parent;
    }
    heap[i] = item;
}

static void sift_down(struct evq_entry *heap, uint32_t count, uint32_t i) {
    struct evq_entry item = heap[i];
    for (;;) {
        uint32_t child = 2 * i + 1;
        if (child >= count) {
            break;
        }
        if (child + 1 < count && entry_less(&heap[child + 1], &heap[child])) {
            child++;
        }
        if (!entry_less(&heap[child], &item)) {
            break;
        }
        heap[i] = heap[child];
        i = child;
    }
    heap[i] = item;
}

int evq_push(struct evq *q, int64_t at_ns, uint32_t slot) {
    assert(slot < EVQ_SLOTS_MAX);
    assert(q->next_seq < EVQ_SEQ_MAX);
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
    assert(q->count > 0);
    struct evq_entry top = q->heap[0];
    q->count--;
    if (q->count > 0) {
        q->heap[0] = q->heap[q->count];
        sift_down(q->heap, q->count, 0);
    }
    *at_ns = top.at_ns;
    return evq_entry_slot(&top);
}

void evq_reheap(struct evq *q) {
    for (uint32_t i = q->count / 2; i-- > 0;) {
        sift_down(q->heap, q->count, i);
    }
}
