/* proto_reconf.h (private to sim/protocols/): a protocol's parameters that
 * may change mid-run, as a table, and the one reconfigure step over it
 * (struct dslab_protocol.reconfigure; docs/SCENARIO_FORMAT.md "Changing a
 * parameter mid-run"). A protocol lists each such parameter once with its
 * type, range and place in its config struct; the value is parsed and
 * ranged exactly as configure() would, so a value configure() refuses is
 * refused mid-run too. */
#ifndef DSLAB_PROTO_RECONF_H
#define DSLAB_PROTO_RECONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dslab/diag.h"

enum proto_reconf_type {
    PROTO_RECONF_DURATION, /* int64_t ns, min_ns..max_ns (within 0..1 day) */
    PROTO_RECONF_INT,      /* int64_t, min..max */
    PROTO_RECONF_BOOL,     /* bool */
    PROTO_RECONF_CHOICE,   /* int: the index of the value in `choices` */
};

struct proto_reconf_param {
    const char *key;
    enum proto_reconf_type type;
    size_t offset;          /* of the field in the protocol's config struct */
    int64_t min, max;       /* DURATION (ns) and INT */
    const char *const *choices; /* CHOICE: NULL-terminated */
    bool booleans;          /* CHOICE: true and false also accepted, meaning choices[1] and choices[0]
                               (a key that was a boolean, as its configure accepts it) */
};

/* Finds `key` in the table (count entries), checks `value` and, with
 * config non-NULL, stores it. Returns 0, or -1 with diag set (no
 * position): the key is not in the table (the message names the ones
 * that are), or the value does not parse or is out of range. */
int proto_reconfigure(const struct proto_reconf_param *table, int count, void *config, const char *key,
                      const char *value, struct dslab_diag *diag);

#endif
