/* units.c: exact parsers for durations, rates, probabilities, integers and
 * booleans (see units.h). A number is read as decimal digits into an integer
 * part and a fraction (digits and their count), then scaled by the unit with
 * exact integer arithmetic: the result must be whole and must not overflow. */
#include "scenario/units.h"

#include <stdio.h>
#include <string.h>

#include "dslab/limits.h"
#include "dslab/time.h"

#define FRAC_DIGITS_MAX 18

struct decimal {
    bool negative;
    uint64_t int_part;
    uint64_t frac; /* the fraction's digits as an integer */
    int frac_digits;
    const char *end; /* first byte after the number */
};

enum decimal_status { DECIMAL_OK, DECIMAL_NONE, DECIMAL_OVERFLOW };

static bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

/* Reads [-+]?digits[.digits] from p. */
static enum decimal_status decimal_read(const char *p, struct decimal *d) {
    memset(d, 0, sizeof *d);
    if (*p == '-' || *p == '+') {
        d->negative = *p == '-';
        p++;
    }
    bool any = false;
    while (is_digit(*p)) {
        uint64_t digit = (uint64_t)(*p - '0');
        if (d->int_part > (UINT64_MAX - digit) / 10u) return DECIMAL_OVERFLOW;
        d->int_part = d->int_part * 10u + digit;
        any = true;
        p++;
    }
    if (*p == '.' && is_digit(p[1])) {
        p++;
        while (is_digit(*p)) {
            if (d->frac_digits == FRAC_DIGITS_MAX) return DECIMAL_OVERFLOW;
            d->frac = d->frac * 10u + (uint64_t)(*p - '0');
            d->frac_digits++;
            any = true;
            p++;
        }
    }
    d->end = p;
    return any ? DECIMAL_OK : DECIMAL_NONE;
}

static uint64_t pow10_u64(int k) {
    uint64_t p = 1;
    while (k-- > 0) p *= 10u;
    return p;
}

static uint64_t gcd_u64(uint64_t a, uint64_t b) {
    while (b != 0) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* *out = d * scale exactly (ignoring the sign). Returns 0, -1 when the
 * result is not whole, -2 on overflow. */
static int decimal_scale(const struct decimal *d, uint64_t scale, uint64_t *out) {
    uint64_t whole;
    if (__builtin_mul_overflow(d->int_part, scale, &whole)) return -2;
    uint64_t p = pow10_u64(d->frac_digits);
    uint64_t g = gcd_u64(scale, p);
    uint64_t p_reduced = p / g, scale_reduced = scale / g;
    if (d->frac % p_reduced != 0) return -1;
    uint64_t part;
    if (__builtin_mul_overflow(d->frac / p_reduced, scale_reduced, &part)) return -2;
    if (__builtin_add_overflow(whole, part, out)) return -2;
    return 0;
}

static int fail(char *err, int err_size, const char *fmt, const char *text) {
    snprintf(err, (size_t)err_size, fmt, text);
    return -1;
}

struct unit {
    const char *name;
    int64_t ns;
};

static const struct unit time_units[] = {
    {"ns", 1},          {"us", DSLAB_NS_PER_US},           {"ms", DSLAB_NS_PER_MS},
    {"s", DSLAB_NS_PER_S},    {"m", 60 * DSLAB_NS_PER_S},        {"min", 60 * DSLAB_NS_PER_S},
    {"h", 3600 * DSLAB_NS_PER_S},
};

static const struct unit *unit_find(const char *name) {
    for (size_t i = 0; i < sizeof time_units / sizeof time_units[0]; i++) {
        if (strcmp(time_units[i].name, name) == 0) return &time_units[i];
    }
    return NULL;
}

int dslab_units_parse_duration_ns(const char *text, bool allow_negative, int64_t *out, char *err,
                            int err_size) {
    struct decimal d;
    enum decimal_status st = decimal_read(text, &d);
    if (st == DECIMAL_OVERFLOW) {
        return fail(err, err_size,
                    "duration '%s' is more than one day (24h), the longest duration dslab "
                    "accepts",
                    text);
    }
    if (st == DECIMAL_NONE) {
        return fail(err, err_size, "expected a duration like 150ms, got '%s'", text);
    }
    if (d.negative && !allow_negative) {
        return fail(err, err_size, "expected a duration >= 0 like 150ms, got '%s'", text);
    }
    const struct unit *u = NULL;
    if (*d.end == '\0') {
        if (d.int_part != 0 || d.frac != 0) {
            return fail(err, err_size,
                        "'%s' has no unit; expected a duration like 150ms (units: ns, us, ms, "
                        "s, m, h)",
                        text);
        }
        *out = 0;
        return 0;
    }
    u = unit_find(d.end);
    if (!u) {
        return fail(err, err_size,
                    "expected a duration like 150ms (units: ns, us, ms, s, m, h), got '%s'", text);
    }
    uint64_t ns;
    int rc = decimal_scale(&d, (uint64_t)u->ns, &ns);
    if (rc == -1) {
        return fail(err, err_size, "duration '%s' is not a whole number of nanoseconds", text);
    }
    if (rc == -2 || ns > (uint64_t)DSLAB_DURATION_NS_MAX) {
        return fail(err, err_size,
                    "duration '%s' is more than one day (24h), the longest duration dslab "
                    "accepts",
                    text);
    }
    *out = d.negative ? -(int64_t)ns : (int64_t)ns;
    return 0;
}

int units_parse_rate(const char *text, struct units_rate *out, char *err, int err_size) {
    struct decimal d;
    enum decimal_status st = decimal_read(text, &d);
    if (st == DECIMAL_OVERFLOW) {
        return fail(err, err_size, "rate '%s' is too large", text);
    }
    if (st == DECIMAL_NONE || d.negative || *d.end != '/') {
        if (st == DECIMAL_OK && *d.end == '\0') {
            return fail(err, err_size,
                        "rate '%s' has no unit; expected a rate like 50/s (per ms, s, min, h)",
                        text);
        }
        return fail(err, err_size, "expected a rate like 50/s, got '%s'", text);
    }
    /* Per a unit ("50/s") or per a duration ("3/40ms"). */
    int64_t unit_ns = 0;
    const struct unit *u = unit_find(d.end + 1);
    char derr[DSLAB_UNITS_ERR_MAX];
    if (u) {
        unit_ns = u->ns;
    } else if (is_digit(d.end[1]) &&
               dslab_units_parse_duration_ns(d.end + 1, false, &unit_ns, derr, (int)sizeof derr) < 0 &&
               strstr(derr, "more than one day")) {
        snprintf(err, (size_t)err_size, "rate '%s': %s", text, derr);
        return -1;
    } else if (!is_digit(d.end[1]) || unit_ns == 0) {
        return fail(err, err_size,
                    "expected a rate like 50/s or 3/40ms (per ns, us, ms, s, m, h), got '%s'",
                    text);
    }
    if (d.int_part == 0 && d.frac == 0) {
        return fail(err, err_size, "rate '%s' must be more than zero", text);
    }
    uint64_t p = pow10_u64(d.frac_digits);
    uint64_t count, per_ns;
    if (__builtin_mul_overflow(d.int_part, p, &count) ||
        __builtin_add_overflow(count, d.frac, &count) ||
        __builtin_mul_overflow((uint64_t)unit_ns, p, &per_ns) || per_ns > (uint64_t)INT64_MAX) {
        return fail(err, err_size, "rate '%s' has too many digits", text);
    }
    uint64_t g = gcd_u64(count, per_ns);
    out->count = count / g;
    out->per_ns = (int64_t)(per_ns / g);
    return 0;
}

int units_parse_probability_ppm(const char *text, uint32_t *out, char *err, int err_size) {
    struct decimal d;
    enum decimal_status st = decimal_read(text, &d);
    if (st == DECIMAL_OK && (*d.end == 'e' || *d.end == 'E')) {
        return fail(err, err_size,
                    "exponents are not supported in probabilities: write '%s' as a decimal "
                    "like 0.001 or a percentage like 0.1%%",
                    text);
    }
    bool percent = st == DECIMAL_OK && d.end[0] == '%' && d.end[1] == '\0';
    if (st != DECIMAL_OK || (*d.end != '\0' && !percent)) {
        return fail(err, err_size, "expected a probability like 0.001 or 0.1%%, got '%s'", text);
    }
    uint64_t ppm;
    int rc = decimal_scale(&d, percent ? 10000u : 1000000u, &ppm);
    if (d.negative && (ppm != 0 || rc != 0)) {
        return fail(err, err_size, "probability '%s' is negative; expected within [0, 1]", text);
    }
    if (rc == -2 || (rc == 0 && ppm > 1000000u)) {
        return fail(err, err_size, "probability '%s' is more than 1; expected within [0, 1]",
                    text);
    }
    if (rc == -1) {
        return fail(err, err_size,
                    "probability '%s' is finer than one in a million (0.000001)", text);
    }
    *out = (uint32_t)ppm;
    return 0;
}

int units_parse_decimal_micro(const char *text, uint64_t max_micro, uint64_t *out, char *err,
                              int err_size) {
    struct decimal d;
    enum decimal_status st = decimal_read(text, &d);
    if (st != DECIMAL_OK || *d.end != '\0' || d.negative) {
        return fail(err, err_size, "expected a number >= 0 like 0.5, got '%s'", text);
    }
    uint64_t micro;
    int rc = decimal_scale(&d, 1000000u, &micro);
    if (rc == -1) {
        return fail(err, err_size, "'%s' has more than 6 decimal places", text);
    }
    if (rc == -2 || micro > max_micro) {
        char msg[DSLAB_UNITS_ERR_MAX];
        char max_text[32];
        units_format_ppm(max_micro, max_text, (int)sizeof max_text);
        snprintf(msg, sizeof msg, "'%%s' is too large (at most %s)", max_text);
        return fail(err, err_size, msg, text);
    }
    *out = micro;
    return 0;
}

int dslab_units_parse_int(const char *text, int64_t min, int64_t max, int64_t *out, char *err,
                    int err_size) {
    struct decimal d;
    enum decimal_status st = decimal_read(text, &d);
    bool ok = st == DECIMAL_OK && d.frac_digits == 0 && *d.end == '\0';
    if (ok && d.int_part <= (uint64_t)INT64_MAX) {
        int64_t v = d.negative ? -(int64_t)d.int_part : (int64_t)d.int_part;
        if (v >= min && v <= max) {
            *out = v;
            return 0;
        }
    }
    snprintf(err, (size_t)err_size, "expected an integer from %lld to %lld, got '%s'",
             (long long)min, (long long)max, text);
    return -1;
}

int dslab_units_parse_u64(const char *text, uint64_t *out, char *err, int err_size) {
    struct decimal d;
    enum decimal_status st = decimal_read(text, &d);
    if (st == DECIMAL_OK && !d.negative && d.frac_digits == 0 && *d.end == '\0' &&
        is_digit(text[0])) {
        *out = d.int_part;
        return 0;
    }
    if (st == DECIMAL_OVERFLOW) {
        return fail(err, err_size, "'%s' is larger than 18446744073709551615", text);
    }
    return fail(err, err_size, "expected an unsigned integer like 42, got '%s'", text);
}

int dslab_units_parse_bool(const char *text, bool *out, char *err, int err_size) {
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES",
                                      "on",   "On",   "ON"};
    static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO",
                                     "off",   "Off",   "OFF"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcmp(text, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcmp(text, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return fail(err, err_size, "expected true or false, got '%s'", text);
}

void units_format_ppm(uint64_t ppm, char *buf, int buf_size) {
    uint64_t whole = ppm / 1000000u, frac = ppm % 1000000u;
    if (frac == 0) {
        snprintf(buf, (size_t)buf_size, "%llu", (unsigned long long)whole);
        return;
    }
    char digits[8];
    snprintf(digits, sizeof digits, "%06llu", (unsigned long long)frac);
    int n = 6;
    while (n > 0 && digits[n - 1] == '0') digits[--n] = '\0';
    snprintf(buf, (size_t)buf_size, "%llu.%s", (unsigned long long)whole, digits);
}
