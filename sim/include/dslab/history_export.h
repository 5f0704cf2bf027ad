/* history_export.h: a run's client history written for other checkers:
 * Jepsen/Knossos EDN and Porcupine's key/value log (docs/EXPORTS.md).
 *
 * Both formats are what `dslab check-history` reads, so an export checked
 * there gets the verdict the run's `linearizable` checker gave (tested:
 * tests/unit/test_history_export.c, tests/e2e/history_export.sh).
 *
 * What is kept and how:
 *   - every operation of the history, in time order (the history's order);
 *   - a client's process id follows Jepsen's rule: after an indeterminate
 *     (:info) completion the client continues under a new process id
 *     (client + k * clients, k = its :info completions so far), so no
 *     process ever invokes while an earlier op of its own may still be open;
 *   - "absent" (a key never written, DSLAB_HISTORY_NIL) cannot be written as
 *     nil: Knossos reads a nil read as "unconstrained". EDN writes it as an
 *     integer that no operation uses (dslab_history_export_absent: -1, or
 *     lower when -1 is taken) and names it in a header comment, to be given
 *     as the initial value (`--initial`); the Porcupine log writes values as
 *     strings and absent as "", its kv model's initial value.
 * EDN keeps :fail and :info completions as Knossos has them. The Porcupine
 * log has only the :invoke/:ok lines of Porcupine's kv data: a failed op is
 * left out whole (it did not happen) and an indeterminate one keeps its
 * invoke and no completion (pending to the end: Porcupine's own Jepsen
 * parser gives such an op an "unknown" return at the end).
 * Library code: writes to the caller's FILE, prints nothing else. */
#ifndef DSLAB_HISTORY_EXPORT_H
#define DSLAB_HISTORY_EXPORT_H

#include <stdint.h>
#include <stdio.h>

#include "dslab/history.h"

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

enum dslab_history_format {
    DSLAB_HISTORY_FORMAT_EDN,       /* one EDN vector of operation maps (Knossos) */
    DSLAB_HISTORY_FORMAT_PORCUPINE, /* one EDN map per line (Porcupine's kv data) */
};

/* "edn" or "porcupine" to the format; returns 0, or -1 for another name. */
int dslab_history_format_parse(const char *name, enum dslab_history_format *out);

/* What the header comment of an EDN export says (borrowed strings; NULL
 * leaves a line out). */
struct dslab_history_export_info {
    const char *scenario; /* scenario name */
    uint64_t seed;
};

/* The integer an EDN export writes for "absent": -1, or the largest
 * negative integer below it that no value or cas expectation of `h` uses. */
int64_t dslab_history_export_absent(const struct dslab_history *h);

/* Writes `h` in `format` to `out`. Returns 0, or -1 when a write failed
 * (ferror(out)) or memory ran out. `info` may be NULL. */
int dslab_history_export(FILE *out, const struct dslab_history *h, enum dslab_history_format format,
                         const struct dslab_history_export_info *info);

#pragma GCC visibility pop

#endif
