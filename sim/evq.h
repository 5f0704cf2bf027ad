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

struct event {
    uint32_t kind;      /* enum ev_kind */
    uint32_t gen;       /* slot generation */
    int32_t node;       /* receiver / owner */
    int32_t peer;       /* sender / client */
    uint32_t incarnation; /* node incarnation when scheduled (timers) */
    uint32_t payload_len;
    uint32_t payload_slot;
    uint32_t served;    /* costs.cpu: 1 = its service time has passed */
    uint64_t id;        /* msg id, timer id, request id, op id */
    uint64_t tag;
    int64_t aux;
    int64_t aux2;
};

struct evq_entry {
    int64_t at_ns;
    uint64_t seq_slot;
};

struct evq {
    struct evq_entry *heap; /* owned */
    uint32_t count;
    uint32_t capacity;
    struct event *events;   /* owned, pool of slots */
    uint32_t events_capacity;
    uint32_t free_head;     /* free list through event.payload_slot; UINT32_MAX = empty */
    uint32_t events_used;   /* slots ever handed out (high-water mark) */
    uint64_t next_seq;
    int64_t popped_ns;      /* time of the last pop: time never goes back */
};

int evq_init(struct evq *q);
void evq_deinit(struct evq *q);

/* Takes a free event slot; the caller fills it and pushes it. Returns
 * UINT32_MAX when the pool cannot grow (limit or memory). */
uint32_t evq_alloc(struct evq *q);
void evq_release(struct evq *q, uint32_t slot);
static inline struct event *evq_event(struct evq *q, uint32_t slot) {
    return &q->events[slot];
}
/* Schedules slot at at_ns with the next sequence number. 0 or -1 (memory). */
int evq_push(struct evq *q, int64_t at_ns, uint32_t slot);
/* Earliest entry; count must be > 0. */
static inline const struct evq_entry *evq_peek(const struct evq *q) {
    return &q->heap[0];
}
/* Removes the earliest entry and returns its slot. */
uint32_t evq_pop(struct evq *q, int64_t *at_ns);
static inline uint32_t evq_entry_slot(const struct evq_entry *e) {
    return (uint32_t)(e->seq_slot & (EVQ_SLOTS_MAX - 1));
}
/* Restores heap order after entries' times were changed in place. */
void evq_reheap(struct evq *q);

#endif
