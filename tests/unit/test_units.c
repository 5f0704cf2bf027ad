/* test_units.c: the exact parsers of scenario values (sim/scenario/units.c). */
#include <stdint.h>
#include <string.h>

#include "scenario/units.h"
#include "harness.h"

static int64_t dur(const char *text) {
    char err[DSLAB_UNITS_ERR_MAX];
    int64_t v = -12345;
    assert_int_equal(dslab_units_parse_duration_ns(text, true, &v, err, (int)sizeof err), 0);
    return v;
}

static void dur_fails(const char *text, bool allow_negative, const char *needle) {
    char err[DSLAB_UNITS_ERR_MAX] = "";
    int64_t v;
    assert_int_equal(dslab_units_parse_duration_ns(text, allow_negative, &v, err, (int)sizeof err), -1);
    if (!strstr(err, needle)) fail_msg("'%s': error '%s' lacks '%s'", text, err, needle);
}

static void test_durations_are_exact_in_every_unit(void **state) {
    (void)state;
    assert_int_equal(dur("150ms"), 150000000);
    assert_int_equal(dur("2s"), 2000000000);
    assert_int_equal(dur("1.5s"), 1500000000);
    assert_int_equal(dur("0.1s"), 100000000);
    assert_int_equal(dur("250us"), 250000);
    assert_int_equal(dur("10ns"), 10);
    assert_int_equal(dur("1m"), INT64_C(60000000000));
    assert_int_equal(dur("1min"), INT64_C(60000000000));
    assert_int_equal(dur("1h"), INT64_C(3600000000000));
    assert_int_equal(dur("0"), 0);
    assert_int_equal(dur("-500ms"), -500000000);
    assert_int_equal(dur("1.000000001s"), 1000000001);
}

static void test_durations_reject_bad_text(void **state) {
    (void)state;
    dur_fails("fast", true, "expected a duration like 150ms, got 'fast'");
    dur_fails("10", true, "has no unit");
    dur_fails("10 ms", true, "expected a duration");
    dur_fails("10parsecs", true, "expected a duration");
    dur_fails("-5ms", false, ">= 0");
    dur_fails("1.5ns", true, "not a whole number");
    dur_fails("99999999999999999999s", true, "more than one day");
    dur_fails("9999999999h", true, "more than one day");
    dur_fails("86400000000001ns", true, "more than one day");
    assert_int_equal(dur("24h"), INT64_C(86400000000000));
    assert_int_equal(dur("-86400s"), -INT64_C(86400000000000));
    dur_fails("-86400000000001ns", true, "more than one day");
    dur_fails("9223372036854775807ns", true, "more than one day");
    dur_fails("", true, "expected a duration");
}

/* A parser case: the text, and what it gives (err_has NULL) or the part
 * its error must contain ("" for any error). */
struct parse_case {
    const char *text;
    int64_t want, per_ns;
    const char *err_has;
};

/* rc and err from a parse of c->text: an error must be one, with err_has. */
static bool parsed_ok(const struct parse_case *c, int rc, const char *err) {
    if (c->err_has) {
        if (rc != -1 || !strstr(err, c->err_has)) fail_msg("'%s': rc %d, error '%s' (want '%s')", c->text, rc, err, c->err_has);
        return false;
    }
    if (rc != 0) fail_msg("'%s': rc %d: %s", c->text, rc, err);
    return true;
}

static void test_rates_are_kept_as_exact_fractions(void **state) {
    (void)state;
    static const struct parse_case cases[] = {
        {"100/s", 1, 10000000, NULL}, {"6000/min", 1, 10000000, NULL}, {"0.5/s", 1, 2000000000, NULL},
        {"3/40ms", 3, 40000000, NULL}, {"50", 0, 0, "no unit"},       {"0/s", 0, 0, ""},
        {"5/fortnight", 0, 0, ""},    {"-5/s", 0, 0, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[DSLAB_UNITS_ERR_MAX] = "";
        struct units_rate r;
        if (!parsed_ok(&cases[i], units_parse_rate(cases[i].text, &r, err, (int)sizeof err), err)) continue;
        if ((int64_t)r.count != cases[i].want || (int64_t)r.per_ns != cases[i].per_ns) {
            fail_msg("'%s': %lld per %lld ns", cases[i].text, (long long)r.count, (long long)r.per_ns);
        }
    }
}

static void test_probabilities_in_ppm_within_zero_and_one(void **state) {
    (void)state;
    static const struct parse_case cases[] = {
        {"0.001", 1000, 0, NULL},   {"0.1%", 1000, 0, NULL},         {"1", 1000000, 0, NULL},
        {"0", 0, 0, NULL},          {"100%", 1000000, 0, NULL},      {"1.5", 0, 0, "more than 1"},
        {"1e-3", 0, 0, "exponents"}, {"-0.1", 0, 0, "negative"},     {"0.0000001", 0, 0, ""},
        {"half", 0, 0, ""},         {"101%", 0, 0, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[DSLAB_UNITS_ERR_MAX] = "";
        uint32_t p;
        if (!parsed_ok(&cases[i], units_parse_probability_ppm(cases[i].text, &p, err, (int)sizeof err), err)) continue;
        if ((int64_t)p != cases[i].want) fail_msg("'%s': %u ppm", cases[i].text, (unsigned)p);
    }
}

static void test_integers_are_range_checked(void **state) {
    (void)state;
    char err[DSLAB_UNITS_ERR_MAX];
    int64_t v;
    assert_int_equal(dslab_units_parse_int("42", 0, 100, &v, err, (int)sizeof err), 0);
    assert_int_equal(v, 42);
    assert_int_equal(dslab_units_parse_int("-7", -10, 10, &v, err, (int)sizeof err), 0);
    assert_int_equal(v, -7);
    assert_int_equal(dslab_units_parse_int("101", 0, 100, &v, err, (int)sizeof err), -1);
    assert_non_null(strstr(err, "from 0 to 100"));
    assert_int_equal(dslab_units_parse_int("1.5", 0, 100, &v, err, (int)sizeof err), -1);
    assert_int_equal(dslab_units_parse_int("99999999999999999999999", 0, 100, &v, err,
                                     (int)sizeof err),
                     -1);
    uint64_t u;
    assert_int_equal(dslab_units_parse_u64("18446744073709551615", &u, err, (int)sizeof err), 0);
    assert_true(u == UINT64_MAX);
    assert_int_equal(dslab_units_parse_u64("18446744073709551616", &u, err, (int)sizeof err), -1);
    assert_int_equal(dslab_units_parse_u64("-1", &u, err, (int)sizeof err), -1);
}

static void test_booleans_and_weights(void **state) {
    (void)state;
    char err[DSLAB_UNITS_ERR_MAX];
    bool b = false;
    assert_int_equal(dslab_units_parse_bool("yes", &b, err, (int)sizeof err), 0);
    assert_true(b);
    assert_int_equal(dslab_units_parse_bool("off", &b, err, (int)sizeof err), 0);
    assert_false(b);
    assert_int_equal(dslab_units_parse_bool("maybe", &b, err, (int)sizeof err), -1);
    uint64_t w;
    assert_int_equal(units_parse_decimal_micro("0.5", 1000000000, &w, err, (int)sizeof err), 0);
    assert_int_equal(w, 500000);
    assert_int_equal(units_parse_decimal_micro("3", 1000000000, &w, err, (int)sizeof err), 0);
    assert_int_equal(w, 3000000);
    assert_int_equal(units_parse_decimal_micro("0.0000001", 1000000000, &w, err,
                                               (int)sizeof err),
                     -1);
    char buf[32];
    units_format_ppm(1000, buf, (int)sizeof buf);
    assert_string_equal(buf, "0.001");
    units_format_ppm(1000000, buf, (int)sizeof buf);
    assert_string_equal(buf, "1");
    units_format_ppm(1500000, buf, (int)sizeof buf);
    assert_string_equal(buf, "1.5");
}

H_MAIN(cmocka_unit_test(test_durations_are_exact_in_every_unit),
       cmocka_unit_test(test_durations_reject_bad_text),
       cmocka_unit_test(test_rates_are_kept_as_exact_fractions),
       cmocka_unit_test(test_probabilities_in_ppm_within_zero_and_one),
       cmocka_unit_test(test_integers_are_range_checked),
       cmocka_unit_test(test_booleans_and_weights))
