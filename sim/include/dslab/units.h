/* units.h: the scenario loader's exact parsers for the values front ends
 * take on their command lines (--until 5s, --seed 42), so a flag accepts
 * exactly what a scenario file does. Integer arithmetic on the decimal
 * digits, no floats; overflow is an error. Each returns 0, or -1 with a
 * complete message for people in `err`. The units are listed in
 * docs/SCENARIO_FORMAT.md; the other parsers of scenario values are
 * private to the loader (sim/scenario/units.h). */
#ifndef DSLAB_UNITS_H
#define DSLAB_UNITS_H

#include <stdbool.h>
#include <stdint.h>

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

#define DSLAB_UNITS_ERR_MAX 256

/* A duration with a unit: ns, us, ms, s, m (minutes), min, h. "0" alone is
 * zero. Decimals are allowed when the result is a whole number of ns.
 * A leading '-' only when allow_negative. Every duration is at most one
 * day (DSLAB_DURATION_NS_MAX) either way: no scenario value, protocol
 * parameter or checker argument can bring a time near int64 overflow
 * (sums of a few and products with the bounded factors stay far below). */
int dslab_units_parse_duration_ns(const char *text, bool allow_negative, int64_t *out, char *err,
                            int err_size);

/* An unsigned 64-bit decimal integer (seeds). */
int dslab_units_parse_u64(const char *text, uint64_t *out, char *err, int err_size);

/* Also public for values read outside a YAML node (the grader's fix values
 * "path: value", progress files); for a node use dslab/yaml_tree.h, whose
 * dslab_ytree_int/dslab_ytree_bool add the position. */
/* A decimal integer within [min, max]. */
int dslab_units_parse_int(const char *text, int64_t min, int64_t max, int64_t *out, char *err,
                    int err_size);

/* true/false/yes/no/on/off (also capitalised or upper case). */
int dslab_units_parse_bool(const char *text, bool *out, char *err, int err_size);

/* An unsigned 64-bit decimal integer (seeds). */
int dslab_units_parse_u64(const char *text, uint64_t *out, char *err, int err_size);

#pragma GCC visibility pop

#endif
