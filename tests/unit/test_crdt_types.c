/* test_crdt_types.c: the crdt protocol's replicated types
 * (sim/protocols/crdt_types.c) on their own: the merge is commutative,
 * associative and idempotent on random states of every type (seeded
 * xoshiro streams, so a failure repeats), the wire form round-trips, and
 * the semantics the lessons rest on: a PN-counter keeps concurrent
 * increments that an LWW counter drops; an OR-set keeps an add its remove
 * never saw (add wins) and drops one it saw; an LWW set lets a remove with
 * a fast clock beat a later add. */
#include <string.h>

#include "harness.h"
#include "dslab/rng.h"
#include "protocols/crdt_internal.h"

static const enum crdt_type all_types[] = {CRDT_LWW_COUNTER, CRDT_PN_COUNTER, CRDT_LWW_SET,
                                           CRDT_OR_SET};
enum { NODES = 5, REPLICAS = 3, STEPS = 40 };

/* A random reachable state: REPLICAS replicas doing random updates (with
 * random, possibly equal or backwards, wall clocks) and random merges;
 * returns replica `pick`'s state. */
static struct crdt_obj random_state(enum crdt_type t, struct dslab_rng *rng) {
    struct crdt_obj r[REPLICAS];
    for (int i = 0; i < REPLICAS; i++) crdt_obj_empty(&r[i]);
    for (int step = 0; step < STEPS; step++) {
        int i = (int)dslab_rng_below(rng, REPLICAS);
        if (dslab_rng_below(rng, 3) == 0) {
            int j = (int)dslab_rng_below(rng, REPLICAS);
            crdt_obj_merge(t, &r[i], &r[j], NODES);
        } else {
            int32_t node = (int32_t)dslab_rng_below(rng, NODES);
            int64_t wall = (int64_t)dslab_rng_below(rng, 20) - 5; /* collisions and negatives */
            crdt_obj_update(t, &r[i], node, NODES, wall, dslab_rng_below(rng, 3) != 0);
        }
    }
    return r[dslab_rng_below(rng, REPLICAS)];
}

static struct crdt_obj merged(enum crdt_type t, struct crdt_obj a, const struct crdt_obj *b) {
    crdt_obj_merge(t, &a, b, NODES);
    return a;
}

static void test_merge_is_a_semilattice_on_random_states(void **st) {
    (void)st;
    for (size_t ti = 0; ti < sizeof all_types / sizeof all_types[0]; ti++) {
        enum crdt_type t = all_types[ti];
        struct dslab_rng rng;
        dslab_rng_init_indexed(&rng, 20261203, DSLAB_RNG_PURPOSE_NODE, ti);
        for (int trial = 0; trial < 500; trial++) {
            struct crdt_obj a = random_state(t, &rng), b = random_state(t, &rng),
                            c = random_state(t, &rng);
            struct crdt_obj ab = merged(t, a, &b), ba = merged(t, b, &a);
            assert_true(crdt_obj_equal(t, &ab, &ba, NODES)); /* commutative */
            struct crdt_obj ab_c = merged(t, ab, &c), bc = merged(t, b, &c);
            struct crdt_obj a_bc = merged(t, a, &bc);
            assert_true(crdt_obj_equal(t, &ab_c, &a_bc, NODES)); /* associative */
            struct crdt_obj aa = merged(t, a, &a);
            assert_true(crdt_obj_equal(t, &aa, &a, NODES)); /* idempotent */
            struct crdt_obj ab_b = merged(t, ab, &b);
            assert_true(crdt_obj_equal(t, &ab_b, &ab, NODES)); /* absorbs what it merged */
            assert_int_equal(crdt_obj_value(t, &ab, NODES), crdt_obj_value(t, &ba, NODES));
        }
    }
}

static void test_wire_form_round_trips(void **st) {
    (void)st;
    for (size_t ti = 0; ti < sizeof all_types / sizeof all_types[0]; ti++) {
        enum crdt_type t = all_types[ti];
        struct dslab_rng rng;
        dslab_rng_init_indexed(&rng, 7, DSLAB_RNG_PURPOSE_NODE, ti);
        for (int trial = 0; trial < 100; trial++) {
            struct crdt_obj a = random_state(t, &rng), back;
            int64_t words[2 * CRDT_NODES_MAX];
            assert_true(crdt_obj_words(t, NODES) <= sizeof words / sizeof words[0]);
            crdt_obj_pack(t, &a, NODES, words);
            crdt_obj_unpack(t, &back, NODES, words);
            assert_true(crdt_obj_equal(t, &a, &back, NODES));
        }
    }
}

/* Two replicas increment concurrently (3 and 2 times), then exchange states. */
static int64_t after_concurrent_increments(enum crdt_type t) {
    struct crdt_obj x, y;
    crdt_obj_empty(&x);
    crdt_obj_empty(&y);
    for (int i = 0; i < 3; i++) crdt_obj_update(t, &x, 0, NODES, 100 + i, true);
    for (int i = 0; i < 2; i++) crdt_obj_update(t, &y, 1, NODES, 200 + i, true);
    struct crdt_obj xy = merged(t, x, &y), yx = merged(t, y, &x);
    assert_int_equal(crdt_obj_value(t, &xy, NODES), crdt_obj_value(t, &yx, NODES));
    return crdt_obj_value(t, &xy, NODES);
}

static void test_pn_counter_keeps_concurrent_increments_lww_drops_them(void **st) {
    (void)st;
    assert_int_equal(after_concurrent_increments(CRDT_PN_COUNTER), 5);
    assert_int_equal(after_concurrent_increments(CRDT_LWW_COUNTER), 2); /* y's later stamp won */
}

static void test_pn_counter_decrements(void **st) {
    (void)st;
    struct crdt_obj x, y;
    crdt_obj_empty(&x);
    crdt_obj_empty(&y);
    crdt_obj_update(CRDT_PN_COUNTER, &x, 0, NODES, 0, true);
    crdt_obj_update(CRDT_PN_COUNTER, &y, 2, NODES, 0, false);
    crdt_obj_update(CRDT_PN_COUNTER, &y, 2, NODES, 0, false);
    struct crdt_obj xy = merged(CRDT_PN_COUNTER, x, &y);
    assert_int_equal(crdt_obj_value(CRDT_PN_COUNTER, &xy, NODES), -1);
}

static void test_or_set_remove_drops_what_it_saw_and_keeps_what_it_did_not(void **st) {
    (void)st;
    const enum crdt_type t = CRDT_OR_SET;
    struct crdt_obj a, b, c;
    crdt_obj_empty(&a);
    crdt_obj_empty(&c);
    crdt_obj_update(t, &a, 0, NODES, 0, true);  /* add at n1 */
    b = a;                                      /* n2 saw it */
    crdt_obj_update(t, &b, 1, NODES, 0, false); /* remove at n2 */
    assert_int_equal(crdt_obj_value(t, &b, NODES), 0);
    struct crdt_obj ab = merged(t, a, &b);
    assert_int_equal(crdt_obj_value(t, &ab, NODES), 0); /* the seen add is gone everywhere */
    crdt_obj_update(t, &c, 2, NODES, 0, true);          /* a concurrent add at n3 */
    struct crdt_obj abc = merged(t, ab, &c);
    assert_int_equal(crdt_obj_value(t, &abc, NODES), 1); /* add wins */
    crdt_obj_update(t, &a, 0, NODES, 0, true);           /* n1 adds again after the remove */
    struct crdt_obj re = merged(t, b, &a);
    assert_int_equal(crdt_obj_value(t, &re, NODES), 1);
    crdt_obj_update(t, &re, 1, NODES, 0, false); /* a remove that saw everything */
    struct crdt_obj all = merged(t, merged(t, re, &a), &abc);
    assert_int_equal(crdt_obj_value(t, &all, NODES), 1); /* only c's add was unseen... */
    crdt_obj_update(t, &all, 3, NODES, 0, false);        /* ...until a remove sees it too */
    assert_int_equal(crdt_obj_value(t, &all, NODES), 0);
}

static void test_lww_set_fast_clock_remove_beats_a_later_add(void **st) {
    (void)st;
    const enum crdt_type t = CRDT_LWW_SET;
    struct crdt_obj fast, slow;
    crdt_obj_empty(&fast);
    crdt_obj_empty(&slow);
    crdt_obj_update(t, &fast, 2, NODES, 1500, false); /* remove at true 1000, clock +500 */
    crdt_obj_update(t, &slow, 0, NODES, 1200, true);  /* add at true 1200, later */
    struct crdt_obj m = merged(t, slow, &fast);
    assert_int_equal(crdt_obj_value(t, &m, NODES), 0); /* the later add is lost */
    crdt_obj_empty(&slow);
    crdt_obj_update(CRDT_OR_SET, &slow, 0, NODES, 1200, true);
    crdt_obj_empty(&fast);
    crdt_obj_update(CRDT_OR_SET, &fast, 2, NODES, 1500, false);
    m = merged(CRDT_OR_SET, slow, &fast);
    assert_int_equal(crdt_obj_value(CRDT_OR_SET, &m, NODES), 1); /* no clock, no loss */
}

H_MAIN(cmocka_unit_test(test_merge_is_a_semilattice_on_random_states),
       cmocka_unit_test(test_wire_form_round_trips),
       cmocka_unit_test(test_pn_counter_keeps_concurrent_increments_lww_drops_them),
       cmocka_unit_test(test_pn_counter_decrements),
       cmocka_unit_test(test_or_set_remove_drops_what_it_saw_and_keeps_what_it_did_not),
       cmocka_unit_test(test_lww_set_fast_clock_remove_beats_a_later_add))
