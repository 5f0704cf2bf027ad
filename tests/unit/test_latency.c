/* test_latency.c: latency distributions: parse/format, sampling statistics,
 * draw counts and determinism (sim/latency.c). */
#include <stdint.h>
#include <string.h>

#include "dslab/latency.h"
#include "dslab/rng.h"
#include "harness.h"

#define DRAWS 100000

static struct dslab_latency_dist parse_ok(const char *text) {
    struct dslab_latency_dist d;
    char err[256] = "";
    int offset = -1;
    if (dslab_latency_parse(text, &d, err, (int)sizeof err, &offset) != 0) {
        fail_msg("'%s' did not parse: %s (at %d)", text, err, offset);
    }
    return d;
}

static void parse_fails(const char *text, const char *needle, int offset_expected) {
    struct dslab_latency_dist d;
    char err[256] = "";
    int offset = -1;
    assert_int_equal(dslab_latency_parse(text, &d, err, (int)sizeof err, &offset), -1);
    if (!strstr(err, needle)) fail_msg("'%s': error '%s' lacks '%s'", text, err, needle);
    if (offset_expected >= 0) assert_int_equal(offset, offset_expected);
}

static double sampled_mean(const char *text, uint64_t seed) {
    struct dslab_latency_dist d = parse_ok(text);
    struct dslab_rng r;
    dslab_rng_init(&r, seed, DSLAB_RNG_PURPOSE_NETWORK, "test");
    double sum = 0;
    for (int i = 0; i < DRAWS; i++) {
        int64_t x = dslab_latency_sample_ns(&d, &r);
        assert_true(x >= 0 && x <= DSLAB_LATENCY_NS_MAX);
        sum += (double)x;
    }
    return sum / DRAWS;
}

static void assert_near(double got, double want, double rel) {
    double diff = got > want ? got - want : want - got;
    if (diff > want * rel) fail_msg("got %.1f, want %.1f (+-%.1f%%)", got, want, rel * 100);
}

static void test_parse_and_format_round_trip(void **state) {
    (void)state;
    const char *canonical[] = {
        "constant(3ms)",
        "uniform(1ms, 5ms)",
        "normal(10ms, 2ms)",
        "exponential(5ms)",
        "exponential(5ms, 1ms)",
        "lognormal(3ms, 0.5)",
        "lognormal(3ms, 0.25, 2ms)",
        "pareto(1ms, 1.5)",
        "mix(0.9 pareto(1ms, 1.5), 0.1 exponential(20ms))",
    };
    for (size_t i = 0; i < sizeof canonical / sizeof canonical[0]; i++) {
        struct dslab_latency_dist d = parse_ok(canonical[i]);
        char buf[256];
        dslab_latency_format(&d, buf, (int)sizeof buf);
        assert_string_equal(buf, canonical[i]);
        struct dslab_latency_dist again = parse_ok(buf);
        char buf2[256];
        dslab_latency_format(&again, buf2, (int)sizeof buf2);
        assert_string_equal(buf, buf2);
        assert_int_equal(dslab_latency_mean_ns(&d), dslab_latency_mean_ns(&again));
    }
    struct dslab_latency_dist bare = parse_ok("5ms");
    assert_int_equal(bare.kind, DSLAB_LATENCY_CONSTANT);
    assert_int_equal(bare.simple.a_ns, 5000000);
    struct dslab_latency_dist spaced = parse_ok("  uniform( 1ms ,5ms )  ");
    assert_int_equal(spaced.simple.b_ns, 5000000);
}

static void test_parse_errors_say_what_and_where(void **state) {
    (void)state;
    parse_fails("unifrom(1ms, 5ms)", "did you mean 'uniform'", 0);
    parse_fails("gaussian(1ms)", "expected one of", 0);
    parse_fails("fast", "expected a latency like uniform(1ms, 5ms)", 0);
    parse_fails("uniform(1ms)", "uniform takes (min, max), got 1 argument", 0);
    parse_fails("uniform(5ms, 1ms)", "min is more than max", 0);
    parse_fails("uniform(1ms, fast)", "got 'fast'", 13);
    parse_fails("constant(1ms, 2ms)", "takes (delay)", 14);
    parse_fails("pareto(1ms, -1)", "above 0", 12);
    parse_fails("uniform(1ms, 5ms) extra", "unexpected 'extra'", 18);
    parse_fails("mix(0.5 constant(1ms), 0.4 constant(2ms))", "add up to 0.9", 0);
    parse_fails("constant(2h)", "more than 1h", 9);
    parse_fails("uniform(1ms, 5ms", "expected ',' or ')'", -1);
}

static void test_sampled_means_match_each_kind(void **state) {
    (void)state;
    assert_near(sampled_mean("constant(3ms)", 1), 3e6, 0.0);
    assert_near(sampled_mean("uniform(1ms, 5ms)", 2), 3e6, 0.01);
    assert_near(sampled_mean("normal(10ms, 2ms)", 3), 10e6, 0.01);
    assert_near(sampled_mean("exponential(5ms)", 4), 5e6, 0.02);
    assert_near(sampled_mean("exponential(5ms, 1ms)", 5), 6e6, 0.02);
    /* lognormal mean = median * exp(sigma^2 / 2) */
    assert_near(sampled_mean("lognormal(3ms, 0.5)", 6), 3e6 * 1.1331484530668263, 0.02);
    /* pareto mean = alpha * scale / (alpha - 1); alpha 3 keeps the variance finite */
    assert_near(sampled_mean("pareto(1ms, 3)", 7), 1.5e6, 0.02);
    struct dslab_latency_dist d = parse_ok("pareto(1ms, 3)");
    assert_int_equal(dslab_latency_mean_ns(&d), 1500000);
}

static void test_mixture_weights_pick_components(void **state) {
    (void)state;
    struct dslab_latency_dist d = parse_ok("mix(0.9 constant(1ms), 0.1 constant(100ms))");
    struct dslab_rng r;
    dslab_rng_init(&r, 9, DSLAB_RNG_PURPOSE_NETWORK, NULL);
    int slow = 0;
    for (int i = 0; i < DRAWS; i++) {
        if (dslab_latency_sample_ns(&d, &r) == 100000000) slow++;
    }
    assert_near((double)slow, DRAWS * 0.1, 0.03);
    assert_int_equal(dslab_latency_mean_ns(&d), 10900000);
}

/* The documented number of draws per kind: after one sample, the stream
 * must be where that many direct draws would leave it. */
static void test_draw_counts_per_kind(void **state) {
    (void)state;
    struct { const char *text; int draws; } cases[] = {
        {"constant(1ms)", 0},       {"uniform(1ms, 2ms)", 1},
        {"normal(1ms, 1ms)", 2},    {"exponential(1ms)", 1},
        {"lognormal(1ms, 0.5)", 2}, {"pareto(1ms, 2)", 1},
        {"mix(0.5 constant(1ms), 0.5 constant(2ms))", 1},
        {"mix(0.5 normal(1ms, 1ms), 0.5 lognormal(2ms, 0.1))", 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct dslab_latency_dist d = parse_ok(cases[i].text);
        struct dslab_rng a, b;
        dslab_rng_init(&a, 5, DSLAB_RNG_PURPOSE_NETWORK, NULL);
        dslab_rng_init(&b, 5, DSLAB_RNG_PURPOSE_NETWORK, NULL);
        dslab_latency_sample_ns(&d, &a);
        for (int k = 0; k < cases[i].draws; k++) dslab_rng_next_u64(&b);
        if (dslab_rng_next_u64(&a) != dslab_rng_next_u64(&b)) fail_msg("%s: draw count differs", cases[i].text);
    }
}

static void test_same_seed_same_samples(void **state) {
    (void)state;
    struct dslab_latency_dist d = parse_ok("mix(0.7 lognormal(3ms, 0.5), 0.3 pareto(1ms, 1.5))");
    struct dslab_rng a, b;
    dslab_rng_init(&a, 77, DSLAB_RNG_PURPOSE_NETWORK, "n1");
    dslab_rng_init(&b, 77, DSLAB_RNG_PURPOSE_NETWORK, "n1");
    for (int i = 0; i < 1000; i++) assert_int_equal(dslab_latency_sample_ns(&d, &a), dslab_latency_sample_ns(&d, &b));
}

static void test_samples_are_clamped(void **state) {
    (void)state;
    struct dslab_latency_dist d = parse_ok("pareto(59m, 0.01)");
    struct dslab_rng r;
    dslab_rng_init(&r, 3, DSLAB_RNG_PURPOSE_NETWORK, NULL);
    for (int i = 0; i < 1000; i++) assert_true(dslab_latency_sample_ns(&d, &r) <= DSLAB_LATENCY_NS_MAX);
    d = parse_ok("normal(1ms, 50ms)");
    for (int i = 0; i < 1000; i++) assert_true(dslab_latency_sample_ns(&d, &r) >= 0);
}

H_MAIN(cmocka_unit_test(test_parse_and_format_round_trip),
       cmocka_unit_test(test_parse_errors_say_what_and_where),
       cmocka_unit_test(test_sampled_means_match_each_kind),
       cmocka_unit_test(test_mixture_weights_pick_components),
       cmocka_unit_test(test_draw_counts_per_kind),
       cmocka_unit_test(test_same_seed_same_samples),
       cmocka_unit_test(test_samples_are_clamped))
