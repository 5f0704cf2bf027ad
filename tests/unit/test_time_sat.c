/* test_time_sat.c: time arithmetic cannot overflow (issue 11, item 7).
 * The saturating helpers of dslab/time.h; a far deadline on a slow clock is
 * "never" at once (it used to loop for ever in clock_true_at_mono); a
 * protocol that asks for a timer of INT64_MAX on a node whose clock runs
 * 10% slow finishes its run. */
#include <stdint.h>
#include <string.h>

#include "clock.h"
#include "dslab/node.h"
#include "dslab/scenario.h"
#include "dslab/sim.h"
#include "dslab/time.h"
#include "harness.h"

static void test_saturating_helpers(void **state) {
    (void)state;
    assert_int_equal(dslab_time_add_sat(INT64_MAX - 1, 5), INT64_MAX);
    assert_int_equal(dslab_time_add_sat(INT64_MIN + 1, -5), INT64_MIN);
    assert_int_equal(dslab_time_add_sat(7, -9), -2);
    assert_int_equal(dslab_time_sub_sat(INT64_MIN + 1, 5), INT64_MIN);
    assert_int_equal(dslab_time_sub_sat(INT64_MAX - 1, -5), INT64_MAX);
    assert_int_equal(dslab_time_sub_sat(7, 9), -2);
    assert_int_equal(dslab_time_mul_sat(INT64_MAX / 2 + 1, 2), INT64_MAX);
    assert_int_equal(dslab_time_mul_sat(-(INT64_MAX / 2) - 2, 2), INT64_MIN);
    assert_int_equal(dslab_time_mul_sat(3 * DSLAB_NS_PER_S, 1000), 3000 * DSLAB_NS_PER_S);
    assert_int_equal(dslab_time_mul_sat(5, 0), 0);
}

static void test_far_deadline_on_a_slow_clock_is_never(void **state) {
    (void)state;
    struct node_clock c;
    clock_init(&c, 0, -100000);
    assert_int_equal(clock_true_at_mono(&c, INT64_MAX, 0), DSLAB_TIME_NS_NEVER);
    assert_int_equal(clock_true_at_mono(&c, INT64_MAX - 5, DSLAB_NS_PER_S), DSLAB_TIME_NS_NEVER);
    clock_set_drift(&c, 2 * DSLAB_NS_PER_S, 100000);
    assert_int_equal(clock_true_at_mono(&c, INT64_MAX, 2 * DSLAB_NS_PER_S), DSLAB_TIME_NS_NEVER);
    /* a near deadline is still exact: 0.9s of clock at 90% rate is 1s */
    clock_init(&c, 0, -100000);
    assert_int_equal(clock_true_at_mono(&c, 900 * DSLAB_NS_PER_MS, 0), DSLAB_NS_PER_S);
}

static void far_init(struct dslab_node_ctx *ctx, void *state) {
    (void)state;
    dslab_ctx_set_timer(ctx, INT64_MAX, 1);
    dslab_ctx_set_timer(ctx, INT64_MAX - 1000, 2);
    dslab_ctx_set_timer(ctx, 10 * DSLAB_NS_PER_MS, 3);
}
static void far_on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t id, uint64_t tag) {
    (void)state, (void)id;
    if (tag == 3) dslab_ctx_set_timer(ctx, INT64_MAX, 1); /* from a mono clock > 0 */
}
static void far_on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *m,
                           size_t len) {
    (void)ctx, (void)state, (void)from, (void)m, (void)len;
}
static const struct dslab_protocol far_timers = {
    .name = "far-timers", .init = far_init, .on_message = far_on_message,
    .on_timer = far_on_timer,
};

static void test_int64_max_timer_on_slow_clock_finishes(void **state) {
    (void)state;
    static const char text[] =
        "name: t\nduration: 2s\nnodes: 2\nprotocol: far-timers\n"
        "clocks: { n1: { drift_ppm: -100000 }, n2: { drift_ppm: 100000 } }\n"
        "faults: [ { at: 1s, clock: n1, drift_ppm: 50000 } ]\n";
    struct dslab_diag d;
    dslab_diag_clear(&d);
    assert_int_equal(dslab_protocol_register(&far_timers, &d), 0);
    struct dslab_scenario *s = dslab_scenario_load_buffer(text, strlen(text), "t.yaml", NULL, 0, NULL, &d);
    assert_non_null(s);
    struct dslab_sim *sim = dslab_sim_create(s, 1, &d);
    assert_non_null(sim);
    assert_int_equal(dslab_sim_run(sim, s->duration_ns, 0), DSLAB_SIM_OK);
    assert_int_equal(dslab_sim_now_ns(sim), s->duration_ns);
    dslab_sim_finish(sim);
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
    assert_int_equal(dslab_protocol_unregister(&far_timers), 0);
}

H_MAIN(cmocka_unit_test(test_saturating_helpers),
       cmocka_unit_test(test_far_deadline_on_a_slow_clock_is_never),
       cmocka_unit_test(test_int64_max_timer_on_slow_clock_finishes))
