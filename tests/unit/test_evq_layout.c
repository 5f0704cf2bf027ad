/* test_evq_layout.c: the cache-friendly core keeps its promises
 * (docs/ARCHITECTURE.md, "Memory layout"): the event queue pops in exact
 * (time, push order) whatever mix of pops, pushes (fused with the pop
 * before them or not), growth and reheaps, with many equal times; the
 * earliest time is right while the root waits to be sifted; the pool and
 * the heap's child groups sit on cache lines across growth; payloads of
 * every length around the inline limit reach the handler intact. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/node.h"
#include "evq.h"
#include "harness.h"
#include "sim_internal.h"

/* The reference: pending (time, push number) pairs, popped by a scan. */
struct ref {
    int64_t at[4096];
    uint64_t order[4096];
    uint64_t id[4096];
    int count;
};

static void ref_pop(struct ref *r, int64_t *at, uint64_t *id) {
    int best = 0;
    for (int i = 1; i < r->count; i++) {
        if (r->at[i] < r->at[best] || (r->at[i] == r->at[best] && r->order[i] < r->order[best])) best = i;
    }
    *at = r->at[best];
    *id = r->id[best];
    r->count--;
    r->at[best] = r->at[r->count];
    r->order[best] = r->order[r->count];
    r->id[best] = r->id[r->count];
}

static void test_evq_pops_in_exact_order_under_fused_pushes(void **state) {
    (void)state;
    static struct ref r;
    memset(&r, 0, sizeof r);
    struct evq q;
    assert_int_equal(evq_init(&q), 0);
    uint64_t x = 12345, pushes = 0;
    int64_t now = 0;
    for (int step = 0; step < 60000; step++) {
        x = x * UINT64_C(6364136223846793005) + 1442695040888963407u;
        int op = (int)((x >> 33) % 8);
        /* Times from a small range: many ties, which only the push order breaks. */
        if ((op < 4 || q.count == 0) && r.count < 4000) {
            int64_t at = now + (int64_t)((x >> 40) % 5);
            uint32_t slot = evq_alloc(&q);
            assert_int_not_equal(slot, UINT32_MAX);
            evq_event(&q, slot)->kind = EV_TIMER;
            evq_event(&q, slot)->id = pushes;
            assert_int_equal(evq_push(&q, at, slot), 0);
            r.at[r.count] = at;
            r.order[r.count] = pushes;
            r.id[r.count] = pushes;
            r.count++;
            pushes++;
        } else if (op == 7 && q.count > 0) {
            evq_reheap(&q); /* as a drift change does, root dirty or not */
        } else if (q.count > 0) {
            int64_t want_at;
            uint64_t want_id;
            ref_pop(&r, &want_at, &want_id);
            assert_int_equal(evq_min_ns(&q), want_at);
            int64_t at;
            uint32_t slot = evq_pop(&q, &at);
            assert_int_equal(at, want_at);
            assert_int_equal(evq_event(&q, slot)->id, want_id);
            evq_release(&q, slot);
            now = at;
        }
        assert_int_equal((int)q.count, r.count);
        assert_int_equal((uintptr_t)q.events % 64, 0);      /* one event, one line */
        assert_int_equal((uintptr_t)&q.heap[1] % 64, 0);    /* children of k: one line */
    }
    assert_true(q.events_capacity > 1024); /* the pool grew: alignment held across growth */
    assert_true(q.capacity > 1024);
    evq_deinit(&q);
}

/* A protocol that sends messages of every length 0..40 and records what
 * arrives: the payload bytes must be those sent. */
struct lens_state {
    int received;
    int bad;
};

static void lens_send_all(struct dslab_node_ctx *ctx) {
    unsigned char buf[40] = {0};
    for (size_t len = 0; len <= sizeof buf; len++) {
        for (size_t i = 0; i < len; i++) buf[i] = (unsigned char)(len * 31 + i);
        dslab_ctx_send(ctx, 1, buf, len);
    }
}

static void lens_init(struct dslab_node_ctx *ctx, void *state) {
    (void)state;
    if (dslab_ctx_self(ctx) == 0) lens_send_all(ctx);
}

static void lens_on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *msg,
                            size_t len) {
    (void)from;
    struct lens_state *st = state;
    const unsigned char *b = msg;
    for (size_t i = 0; i < len; i++) {
        if (b[i] != (unsigned char)(len * 31 + i)) st->bad++;
    }
    st->received++;
    /* Sending from the handler reuses slots: the payload read above must
     * not have been overwritten by then (checked again after). */
    if (st->received == 1) lens_send_all(ctx);
    for (size_t i = 0; i < len; i++) {
        if (b[i] != (unsigned char)(len * 31 + i)) st->bad++;
    }
}

static void lens_on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t id, uint64_t tag) {
    (void)ctx, (void)state, (void)id, (void)tag;
}

static const struct dslab_protocol lens_protocol = {
    .name = "lens",
    .summary = "messages of every length",
    .state_size = sizeof(struct lens_state),
    .init = lens_init,
    .on_message = lens_on_message,
    .on_timer = lens_on_timer,
};

static void test_payloads_of_every_length_arrive_intact(void **state) {
    (void)state;
    struct dslab_scenario *s = h_load("name: t\nseed: 1\nduration: 1s\nnodes: 2\n"
                                      "network: { latency: uniform(1ms, 3ms), order: unordered }\n"
                                      "protocol: gossip-pingpong\n");
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct dslab_sim *sim = dslab_sim_create_with_protocol(s, &lens_protocol, 1, &d);
    assert_non_null(sim);
    assert_int_equal(dslab_sim_run(sim, DSLAB_TIME_NS_NEVER, 0), DSLAB_SIM_OK);
    /* The state (8 bytes) lives in the node record, which starts a line. */
    assert_ptr_equal(sim->nodes[1].state, sim->nodes[1].state_inline);
    assert_int_equal((uintptr_t)&sim->nodes[1] % 64, 0);
    const struct lens_state *st = sim->nodes[1].state;
    assert_int_equal(st->received, 2 * 41);
    assert_int_equal(st->bad, 0);
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
}

H_MAIN(cmocka_unit_test(test_evq_pops_in_exact_order_under_fused_pushes),
       cmocka_unit_test(test_payloads_of_every_length_arrive_intact))
