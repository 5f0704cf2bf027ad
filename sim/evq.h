/* evq.h: the event queue. Pooled events in a 4-ary min-heap.
 *
 * Order is total: (at_ns, seq), where seq is the insertion counter, so
 * ties never depend on memory addresses. A heap entry is 16 bytes: the time
 * and seq<<24|slot (seq is unique, so comparing the packed word compares
 * seq). Event bodies live in a pool of slots reused through a free list:
 * no malloc per event once the pool has grown to the run's peak. Each slot
 * has a generation, bumped when freed, so a stale handle (a timer id whose
 * event already fired) is recognised. Private to sim/.
 * Invariants (DSLAB_ASSERT, always on): nothing is pushed or popped at a
 * time before the last pop; in Debug builds, the heap order around every
 * pop, and the whole heap after a reheap. */
#ifndef DSLAB_EVQ_H
#define DSLAB_EVQ_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "dslab/assert.h"

#define EVQ_SLOT_BITS 24
#define EVQ_SLOTS_MAX (UINT32_C(1) << EVQ_SLOT_BITS) /* 16M, > DSLAB_IN_FLIGHT_MAX */
#define EVQ_SEQ_MAX (UINT64_C(1) << (64 - EVQ_SLOT_BITS))

enum ev_kind {
    EV_FREE = 0,       /* slot unused */
    EV_CANCELLED,      /* a cancelled timer still in the heap */
    EV_DELIVER,        /* message payload_slot from peer to node */
    EV_TIMER,          /* node's timer; aux = monotonic deadline, tag = protocol tag */
    EV_INJECTED,       /* aux = index into sim->injected */
    EV_RESUME,         /* end of node's pause; aux = pause generation */
    EV_CLIENT_NEXT,    /* client `node` issues its next op */
    EV_CLIENT_TIMEOUT, /* client `node` gives up on op id */
    EV_REQUEST,        /* request id arrives at node from client peer */
    EV_REPLY,          /* reply for request id arrives at client `node` */
    EV_ASSUMPTION,     /* aux = assumption index, tag = generation */
    EV_COST_PAUSE,     /* node's next GC-like pause falls due (costs: pauses) */
};

/* An event is 64 bytes, one cache line: the pool is aligned to 64 bytes,
 * so a slot never straddles two lines (docs/ARCHITECTURE.md, "Memory
 * layout"). A message of at most EVENT_INLINE_BYTES travels inside its
 * event (payload_slot = PAYLOAD_HANDLE_INLINE, the bytes in payload_inline
 * over tag and aux, which EV_DELIVER does not use); a longer one in a
 * payload pool slot. */
#define EVENT_INLINE_BYTES 16u

struct event {
    uint32_t kind;      /* enum ev_kind */
    uint32_t gen;       /* slot generation */
    int32_t node;       /* receiver / owner */
    int32_t peer;       /* sender / client */
    uint32_t incarnation; /* node incarnation when scheduled (timers) */
    uint32_t payload_len;
    uint32_t payload_slot; /* payload handle (payload_pool.h); the free list's link while free */
    uint32_t served;    /* costs.cpu: 1 = its service time has passed */
    uint64_t id;        /* msg id, timer id, request id, op id */
    int64_t aux2;
    union {
        struct {
            uint64_t tag;
            int64_t aux;
        };
        unsigned char payload_inline[EVENT_INLINE_BYTES]; /* EV_DELIVER with an inline payload */
    };
};
_Static_assert(sizeof(struct event) == 64, "an event is one cache line");

struct evq_entry {
    int64_t at_ns;
    uint64_t seq_slot;
};

/* The heap's root may be "dirty" after a pop: heap[0] then holds the last
 * entry, not yet sifted down. The entry set in heap[0..count) is always
 * exact (code that scans it, such as a drift change, sees every pending
 * event once); only the order at the root waits. A push fills the root
 * with the new entry and sifts that one down instead (a pop and a push
 * fused: the common handler sends one message per delivery); a pop or
 * evq_reheap first restores the order. Keys are unique (seq), so any valid
 * heap pops the same sequence: the fusion never changes behaviour. */
struct evq {
    struct evq_entry *heap; /* heap[1] starts a cache line: the 4 children of i are one line */
    uint32_t count;
    uint32_t capacity;
    bool top_dirty;
    struct event *events;   /* pool of slots, aligned to 64 bytes */
    uint32_t events_capacity;
    uint32_t free_head;     /* free list through event.payload_slot; UINT32_MAX = empty */
    uint32_t events_used;   /* slots ever handed out (high-water mark) */
    uint64_t next_seq_slot; /* the next sequence number << EVQ_SLOT_BITS (its slot bits 0) */
    int64_t popped_ns;      /* time of the last pop: time never goes back */
    void *heap_block;       /* owned: the allocation heap lives in */
    void *events_block;     /* owned: the allocation events live in */
};

int evq_init(struct evq *q);
void evq_deinit(struct evq *q);

/* A slot never handed out before (growing the pool), or UINT32_MAX. */
uint32_t evq_alloc_fresh(struct evq *q);
/* Takes a free event slot, zeroed but for its generation; the caller
 * fills it and pushes it. Returns UINT32_MAX when the pool cannot grow
 * (limit or memory). Inline: it runs once per message. */
static inline uint32_t evq_alloc(struct evq *q) {
    if (q->free_head == UINT32_MAX) return evq_alloc_fresh(q);
    uint32_t slot = q->free_head;
    struct event *e = &q->events[slot];
    q->free_head = e->payload_slot;
    uint32_t gen = e->gen;
    memset(e, 0, sizeof *e);
    e->gen = gen;
    return slot;
}
/* evq_alloc without the zeroing, for a caller that writes every field
 * but the generation (the send path: node_ctx.c, schedule_event). */
static inline uint32_t evq_alloc_unzeroed(struct evq *q) {
    if (q->free_head == UINT32_MAX) return evq_alloc_fresh(q);
    uint32_t slot = q->free_head;
    q->free_head = q->events[slot].payload_slot;
    return slot;
}
/* Returns slot to the free list (its generation bumped: stale handles of
 * it are recognised). */
static inline void evq_release(struct evq *q, uint32_t slot) {
    struct event *e = &q->events[slot];
    DSLAB_ASSERT(e->kind != EV_FREE); /* no double release */
    e->kind = EV_FREE;
    e->gen++;
    e->payload_slot = q->free_head;
    q->free_head = slot;
}
static inline struct event *evq_event(struct evq *q, uint32_t slot) {
    return &q->events[slot];
}
/* Schedules slot at at_ns with the next sequence number. 0 or -1 (memory).
 * evq_push_inline below is the same, for the send path. */
int evq_push(struct evq *q, int64_t at_ns, uint32_t slot);
/* The time of the earliest entry; count must be > 0. */
static inline int64_t evq_min_ns(const struct evq *q) {
    int64_t t = q->heap[0].at_ns;
    if (q->top_dirty) { /* the earliest is the root or one of its children */
        for (uint32_t c = 1; c <= 4 && c < q->count; c++) {
            if (q->heap[c].at_ns < t) t = q->heap[c].at_ns;
        }
    }
    return t;
}
static inline uint32_t evq_entry_slot(const struct evq_entry *e) {
    return (uint32_t)(e->seq_slot & (EVQ_SLOTS_MAX - 1));
}
/* Restores the order at a dirty root (see struct evq). */
void evq_settle(struct evq *q);
/* Removes the earliest entry and returns its slot, count > 0, for a
 * caller that has read the earliest time with evq_min_ns and asserted it
 * is not before the simulation's present time, itself never before the
 * last pop's (the run loop). Inline: it runs once per event; the sift it
 * needs is the next push's (fused) or settle's. */
static inline uint32_t evq_pop_min(struct evq *q) {
    if (q->top_dirty) evq_settle(q);
    struct evq_entry top = q->heap[0];
    q->popped_ns = top.at_ns;
    q->count--;
    if (q->count > 0) {
        q->heap[0] = q->heap[q->count]; /* sifted down later: evq_settle or a fused push */
        q->top_dirty = true;
    }
    return evq_entry_slot(&top);
}
/* evq_pop_min for any caller: it asserts what the run loop's checks imply. */
static inline uint32_t evq_pop(struct evq *q, int64_t *at_ns) {
    DSLAB_ASSERT(q->count > 0);
    if (q->top_dirty) evq_settle(q);
    *at_ns = q->heap[0].at_ns;
    DSLAB_ASSERT(*at_ns >= q->popped_ns); /* time never goes back */
    return evq_pop_min(q);
}
/* Restores heap order after entries' times were changed in place. */
void evq_reheap(struct evq *q);

/* --- the sift, inline so that the send path pushes without a call ------- */

/* The heap is 4-ary: half the depth of a binary heap, and the four
 * children of a node share one cache line (16-byte entries, heap[1]
 * aligned to a line), which matters once the heap outgrows the L1 cache. */
#define EVQ_ARITY 4

/* (at_ns, seq_slot): the time first; the packed sequence breaks ties. */
static inline bool evq_entry_less(const struct evq_entry *a, const struct evq_entry *b) {
    return a->at_ns < b->at_ns || (a->at_ns == b->at_ns && a->seq_slot < b->seq_slot);
}

/* The earliest of the four children c[0..3] (one cache line), as a byte
 * offset from c (0, 16, 32 or 48): a tournament on the 64-bit times,
 * written for conditional moves (which child wins is a coin toss a branch
 * predictor cannot learn); an equal time, rare, takes the exact path
 * through the sequence. */
static inline size_t evq_min_of_four(const struct evq_entry *c) {
    int64_t t0 = c[0].at_ns, t1 = c[1].at_ns, t2 = c[2].at_ns, t3 = c[3].at_ns;
    size_t a = t1 < t0 ? sizeof *c : 0, b = t3 < t2 ? 3 * sizeof *c : 2 * sizeof *c;
    int64_t ta = t1 < t0 ? t1 : t0, tb = t3 < t2 ? t3 : t2;
    if (__builtin_expect(t0 == t1 || t2 == t3 || ta == tb, 0)) {
        size_t best = 0;
        for (size_t k = 1; k < EVQ_ARITY; k++) {
            if (evq_entry_less(&c[k], &c[best])) best = k;
        }
        return best * sizeof *c;
    }
    return tb < ta ? b : a;
}

static inline void evq_sift_up(struct evq_entry *heap, uint32_t i, uint32_t top, struct evq_entry item) {
    while (i > top) {
        uint32_t parent = (i - 1) / EVQ_ARITY;
        if (!evq_entry_less(&item, &heap[parent])) {
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
static inline __attribute__((always_inline)) void evq_sift_down(struct evq_entry *heap, uint32_t count, uint32_t i, struct evq_entry item) {
    uint32_t top = i;
    /* heap[j] has a full group of four children (4j + 4 < count) iff j < full. */
    uint32_t full = count > 0 ? (count - 1) / EVQ_ARITY : 0;
    /* The descent works on byte offsets into the heap: the children of the
     * entry at offset o start at 4 o + 16 (entry 4j + 1 of entry j), one
     * address computation per level, and the earliest child's offset is
     * that plus min_of_four's. */
    unsigned char *base = (unsigned char *)heap;
    size_t hole = (size_t)i * sizeof *heap, full_bytes = (size_t)full * sizeof *heap;
    while (hole < full_bytes) {
        size_t first = EVQ_ARITY * hole + sizeof *heap;
        size_t best = first + evq_min_of_four((const struct evq_entry *)(base + first));
        memcpy(base + hole, base + best, sizeof *heap);
        hole = best;
    }
    i = (uint32_t)(hole / sizeof *heap);
    uint32_t first = EVQ_ARITY * i + 1;
    if (first < count) { /* the last, partial group (at most 3): its children are leaves */
        uint32_t best = first;
        for (uint32_t c = first + 1; c < count; c++) {
            if (evq_entry_less(&heap[c], &heap[best])) best = c;
        }
        heap[i] = heap[best];
        i = best;
    }
    evq_sift_up(heap, i, top, item);
}

/* Doubles the heap's capacity: 0, or -1 (memory; then nothing changed). */
int evq_grow_heap(struct evq *q);
/* Debug builds (DSLAB_ASSERT_EXPENSIVE): the root sorts before its children. */
void evq_check_root(const struct evq *q);

/* evq_push, inline, for the send path (sim_push_event): a message's send
 * pushes without a call (issue 15: the call and the registers it saved
 * were some 20 instructions per delivery). evq_push asserts its arguments
 * and is this; here the caller vouches for them: at_ns is not before the
 * simulation's present time (asserted by sim_take_event; the present is
 * never before the last pop), and the slot comes from evq_alloc, whose
 * slots are all below EVQ_SLOTS_MAX (asserted where a slot is first
 * made, evq_alloc_fresh). */
static inline __attribute__((always_inline)) int evq_push_inline(struct evq *q, int64_t at_ns, uint32_t slot) {
    if (__builtin_expect(q->count == q->capacity, 0) && evq_grow_heap(q) != 0) return -1;
    uint64_t seq_slot = q->next_seq_slot;
    /* A carry out of the add: the sequence numbers are used up (the
     * last, EVQ_SEQ_MAX - 1, is never handed out). */
    bool seq_used_up = __builtin_add_overflow(seq_slot, UINT64_C(1) << EVQ_SLOT_BITS, &q->next_seq_slot);
    DSLAB_ASSERT(!seq_used_up);
    struct evq_entry item = {at_ns, seq_slot | slot};
    if (q->top_dirty) {
        /* Fused with the pop before: the entry parked at the root goes back
         * to the end, where it was (its parent there sorts before it), and
         * the new entry is sifted down from the root. */
        q->top_dirty = false;
        q->heap[q->count] = q->heap[0];
        q->count++;
        evq_sift_down(q->heap, q->count, 0, item);
        if (DSLAB_ASSERT_EXPENSIVE) evq_check_root(q);
    } else {
        evq_sift_up(q->heap, q->count, 0, item);
        q->count++;
    }
    return 0;
}

#endif
