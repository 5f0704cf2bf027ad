/* test_core_units.c: the core's building blocks in isolation: the event
 * queue's total order and pooling, the clocks' drift/jump arithmetic, RNG
 * stream independence, the durable store's sync semantics, and the
 * deterministic log/exp. */
#include <stdint.h>
#include <math.h>
#include <string.h>

#include "clock.h"
#include "detmath.h"
#include "dslab/rng.h"
#include "dslab/time.h"
#include "evq.h"
#include "store.h"
#include "harness.h"

static void test_evq_orders_by_time_then_insertion(void **state) {
    (void)state;
    struct evq q;
    assert_int_equal(evq_init(&q), 0);
    int64_t times[] = {50, 10, 50, 10, 30, 50};
    uint32_t slots[6];
    for (int i = 0; i < 6; i++) {
        slots[i] = evq_alloc(&q);
        evq_event(&q, slots[i])->id = (uint64_t)i;
        evq_event(&q, slots[i])->kind = EV_TIMER;
        assert_int_equal(evq_push(&q, times[i], slots[i]), 0);
    }
    uint64_t expected[] = {1, 3, 4, 0, 2, 5};
    for (int i = 0; i < 6; i++) {
        int64_t at;
        uint32_t slot = evq_pop(&q, &at);
        assert_int_equal(evq_event(&q, slot)->id, expected[i]);
        evq_release(&q, slot);
    }
    assert_int_equal(q.count, 0);
    evq_deinit(&q);
}

static void test_evq_reuses_slots_without_growing(void **state) {
    (void)state;
    struct evq q;
    assert_int_equal(evq_init(&q), 0);
    for (int round = 0; round < 10000; round++) {
        uint32_t slot = evq_alloc(&q);
        evq_event(&q, slot)->kind = EV_TIMER;
        evq_push(&q, round, slot);
        int64_t at;
        evq_release(&q, evq_pop(&q, &at));
    }
    assert_int_equal(q.events_used, 1);
    evq_deinit(&q);
}

static void test_evq_release_bumps_generation(void **state) {
    (void)state;
    struct evq q;
    evq_init(&q);
    uint32_t slot = evq_alloc(&q);
    evq_event(&q, slot)->kind = EV_TIMER;
    uint32_t gen = evq_event(&q, slot)->gen;
    evq_release(&q, slot);
    uint32_t again = evq_alloc(&q);
    assert_int_equal(again, slot);
    assert_int_not_equal(evq_event(&q, again)->gen, gen);
    evq_deinit(&q);
}

static void test_clock_fast_clock_runs_ahead(void **state) {
    (void)state;
    struct node_clock c;
    clock_init(&c, 0, 1000); /* +1000 ppm: 1 ms per second fast */
    assert_int_equal(clock_mono_ns(&c, DSLAB_NS_PER_S), DSLAB_NS_PER_S + DSLAB_NS_PER_MS);
    /* A 1 s local timer fires before 1 s of true time. */
    int64_t t = clock_true_at_mono(&c, DSLAB_NS_PER_S, 0);
    assert_true(t < DSLAB_NS_PER_S);
    assert_true(clock_mono_ns(&c, t) >= DSLAB_NS_PER_S);
    assert_true(clock_mono_ns(&c, t - 1) < DSLAB_NS_PER_S);
}

static void test_clock_slow_clock_fires_late(void **state) {
    (void)state;
    struct node_clock c;
    clock_init(&c, 0, -50000);
    int64_t t = clock_true_at_mono(&c, 100 * DSLAB_NS_PER_MS, 0);
    assert_true(t > 100 * DSLAB_NS_PER_MS);
    assert_true(clock_mono_ns(&c, t) >= 100 * DSLAB_NS_PER_MS);
    assert_true(clock_mono_ns(&c, t - 1) < 100 * DSLAB_NS_PER_MS);
}

static void test_clock_jump_moves_wall_not_monotonic(void **state) {
    (void)state;
    struct node_clock c;
    clock_init(&c, 80 * DSLAB_NS_PER_MS, 0);
    assert_int_equal(clock_wall_ns(&c, 0), 80 * DSLAB_NS_PER_MS);
    int64_t mono_before = clock_mono_ns(&c, DSLAB_NS_PER_S);
    clock_jump(&c, -500 * DSLAB_NS_PER_MS);
    assert_int_equal(clock_wall_ns(&c, DSLAB_NS_PER_S), DSLAB_NS_PER_S + 80 * DSLAB_NS_PER_MS - 500 * DSLAB_NS_PER_MS);
    assert_int_equal(clock_mono_ns(&c, DSLAB_NS_PER_S), mono_before);
}

static void test_clock_drift_change_is_continuous(void **state) {
    (void)state;
    struct node_clock c;
    clock_init(&c, 0, 200);
    int64_t before = clock_mono_ns(&c, 5 * DSLAB_NS_PER_S);
    clock_set_drift(&c, 5 * DSLAB_NS_PER_S, -300);
    assert_int_equal(clock_mono_ns(&c, 5 * DSLAB_NS_PER_S), before);
    assert_true(clock_mono_ns(&c, 6 * DSLAB_NS_PER_S) > before);
    for (int64_t t = 5 * DSLAB_NS_PER_S; t < 5 * DSLAB_NS_PER_S + 1000; t++) {
        assert_true(clock_mono_ns(&c, t + 1) >= clock_mono_ns(&c, t));
    }
}

static void test_rng_streams_are_independent(void **state) {
    (void)state;
    struct dslab_rng a, b, a2;
    dslab_rng_init(&a, 42, DSLAB_RNG_PURPOSE_NODE, "n1");
    dslab_rng_init(&b, 42, DSLAB_RNG_PURPOSE_NODE, "n2");
    dslab_rng_init(&a2, 42, DSLAB_RNG_PURPOSE_NODE, "n1");
    /* Drawing from b does not change a's sequence. */
    for (int i = 0; i < 100; i++) dslab_rng_next_u64(&b);
    for (int i = 0; i < 100; i++) assert_int_equal(dslab_rng_next_u64(&a), dslab_rng_next_u64(&a2));
    dslab_rng_init(&a, 42, DSLAB_RNG_PURPOSE_NODE, "n1");
    dslab_rng_init(&b, 42, DSLAB_RNG_PURPOSE_NODE, "n2");
    assert_int_not_equal(dslab_rng_next_u64(&a), dslab_rng_next_u64(&b));
    dslab_rng_init(&a, 42, DSLAB_RNG_PURPOSE_NODE, "n1");
    dslab_rng_init(&b, 43, DSLAB_RNG_PURPOSE_NODE, "n1");
    assert_int_not_equal(dslab_rng_next_u64(&a), dslab_rng_next_u64(&b));
}

static void test_rng_below_is_in_range_and_covers_it(void **state) {
    (void)state;
    struct dslab_rng r;
    dslab_rng_init(&r, 7, DSLAB_RNG_PURPOSE_WORKLOAD, NULL);
    int seen[10] = {0};
    for (int i = 0; i < 10000; i++) {
        uint64_t x = dslab_rng_below(&r, 10);
        assert_true(x < 10);
        seen[x]++;
    }
    for (int i = 0; i < 10; i++) assert_true(seen[i] > 850 && seen[i] < 1150);
    for (int i = 0; i < 1000; i++) {
        int64_t v = dslab_rng_range_i64(&r, -5, 5);
        assert_true(v >= -5 && v <= 5);
    }
}

static void test_store_sync_survives_lose_unsynced(void **state) {
    (void)state;
    struct store s;
    store_init(&s);
    const void *v;
    assert_int_equal(store_put(&s, "term", "3", 1), 0);
    assert_int_equal(store_sync(&s), 0);
    assert_int_equal(store_put(&s, "term", "4", 1), 0);
    assert_int_equal(store_put(&s, "vote", "n2", 2), 0);
    assert_int_equal(store_get(&s, "term", &v), 1);
    assert_memory_equal(v, "4", 1);
    store_lose_unsynced(&s);
    assert_int_equal(store_get(&s, "term", &v), 1);
    assert_memory_equal(v, "3", 1);
    assert_int_equal(store_get(&s, "vote", &v), -1);
    store_deinit(&s);
}

static void test_store_keeps_keys_sorted(void **state) {
    (void)state;
    struct store s;
    store_init(&s);
    const char *keys[] = {"log/0003", "log/0001", "term", "log/0002", "a"};
    for (int i = 0; i < 5; i++) store_put(&s, keys[i], keys[i], strlen(keys[i]));
    for (size_t i = 1; i < s.count; i++) assert_true(strcmp(s.entries[i - 1].key, s.entries[i].key) < 0);
    const void *v;
    assert_int_equal(store_get(&s, "log/0002", &v), 8);
    store_deinit(&s);
}

static void test_detmath_matches_libm_closely(void **state) {
    (void)state;
    double xs[] = {1e-9, 0.001, 0.5, 0.999, 1.0, 2.0, 10.0, 12345.678, 1e12};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        double want = log(xs[i]);
        assert_true(fabs(det_log(xs[i]) - want) <= 1e-14 * (fabs(want) + 1));
    }
    double es[] = {-20, -1, -1e-6, 0, 0.5, 1, 5, 30};
    for (size_t i = 0; i < sizeof es / sizeof es[0]; i++) {
        double want = exp(es[i]);
        assert_true(fabs(det_exp(es[i]) - want) <= 1e-14 * want);
    }
    assert_true(fabs(det_pow(2.0, 10.0) - 1024.0) < 1e-9);
    for (double x = -20; x <= 20; x += 0.37) assert_true(fabs(det_cos(x) - cos(x)) < 1e-14);
}

static void test_time_format(void **state) {
    (void)state;
    char buf[32];
    assert_string_equal(dslab_time_format_s(1534200000, buf, sizeof buf), "1.534200s");
    assert_string_equal(dslab_time_format_duration(150 * DSLAB_NS_PER_MS, buf, sizeof buf), "150ms");
    assert_string_equal(dslab_time_format_duration(-500 * DSLAB_NS_PER_MS, buf, sizeof buf), "-500ms");
    assert_string_equal(dslab_time_format_duration(2 * DSLAB_NS_PER_S, buf, sizeof buf), "2s");
}

H_MAIN(cmocka_unit_test(test_evq_orders_by_time_then_insertion),
       cmocka_unit_test(test_evq_reuses_slots_without_growing),
       cmocka_unit_test(test_evq_release_bumps_generation),
       cmocka_unit_test(test_clock_fast_clock_runs_ahead),
       cmocka_unit_test(test_clock_slow_clock_fires_late),
       cmocka_unit_test(test_clock_jump_moves_wall_not_monotonic),
       cmocka_unit_test(test_clock_drift_change_is_continuous),
       cmocka_unit_test(test_rng_streams_are_independent),
       cmocka_unit_test(test_rng_below_is_in_range_and_covers_it),
       cmocka_unit_test(test_store_sync_survives_lose_unsynced),
       cmocka_unit_test(test_store_keeps_keys_sorted),
       cmocka_unit_test(test_detmath_matches_libm_closely),
       cmocka_unit_test(test_time_format))
