/* units.h (private): exact parsers for the scalar values of scenario files.
 *
 * Durations ("150ms", "1.5s"), rates ("100/s"), probabilities ("0.001",
 * "0.1%"), decimal weights, integers and booleans. Everything is parsed
 * with integer arithmetic on the decimal digits: no floats, so "0.1s" is
 * exactly 100000000 ns on every machine. Overflow is an error, never a wrap.
 * Each parser returns 0, or -1 with a complete message for people in `err`
 * ("expected a duration like 150ms, got 'fast'"). The units are listed in
 * docs/SCENARIO_FORMAT.md. */
#ifndef DSLAB_SCENARIO_UNITS_H
#define DSLAB_SCENARIO_UNITS_H

#include <stdbool.h>
#include <stdint.h>

/* UNITS_ERR_MAX, durations (units_parse_duration_ns) and seeds
 * (units_parse_u64) are public: front ends parse flags with them; so are
 * integers and booleans (the grader reads them outside YAML nodes). */
#include "dslab/units.h"

/* A rate "COUNT/UNIT" (COUNT a positive decimal, UNIT one of ns, us, ms, s,
 * m, min, h) or "COUNT/DURATION" ("3/40ms"): `count` operations every
 * `per_ns` nanoseconds, exactly, in lowest terms (decimals scale both:
 * "0.5/s" is 1 per 2 s). */
struct units_rate {
    uint64_t count;
    int64_t per_ns;
};
int units_parse_rate(const char *text, struct units_rate *out, char *err, int err_size);

/* A probability within [0, 1]: "0.001", "1", "0.1%". Stored in parts per
 * million; finer values than 1e-6 are an error. Exponents are rejected with
 * a hint. */
int units_parse_probability_ppm(const char *text, uint32_t *out, char *err, int err_size);

/* A non-negative decimal with at most 6 fractional digits, in millionths,
 * at most max_micro. Used for relative weights ("0.5", "3"). */
int units_parse_decimal_micro(const char *text, uint64_t max_micro, uint64_t *out, char *err,
                              int err_size);

/* Writes ppm as a decimal probability ("0.001", "1", "0"). */
void units_format_ppm(uint64_t ppm, char *buf, int buf_size);

#endif
