/* proto_reconf.c: one reconfigure step over a protocol's table of
 * parameters that may change mid-run (proto_reconf.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dslab/limits.h"
#include "dslab/time.h"
#include "dslab/units.h"
#include "protocols/proto_reconf.h"

/* "retries, timeout, backoff" into out. */
static void keys_list(const struct proto_reconf_param *t, int count, char *out, size_t size) {
    size_t used = 0;
    out[0] = 0;
    for (int i = 0; i < count && used < size; i++) {
        int w = snprintf(out + used, size - used, "%s%s", i ? ", " : "", t[i].key);
        if (w < 0) return;
        used += (size_t)w;
    }
}

static int parse_choice(const struct proto_reconf_param *p, const char *value, int *out, struct dslab_diag *diag) {
    char names[160] = "";
    size_t used = 0;
    for (int i = 0; p->choices[i]; i++) {
        if (strcmp(p->choices[i], value) == 0) {
            *out = i;
            return 0;
        }
        int w = snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "", p->choices[i]);
        if (w > 0 && (size_t)w < sizeof names - used) used += (size_t)w;
    }
    return dslab_diag_set(diag, "", 0, 0, "protocol.%s: '%s' is not one of %s", p->key, value, names);
}

int proto_reconfigure(const struct proto_reconf_param *table, int count, void *config, const char *key,
                      const char *value, struct dslab_diag *diag) {
    const struct proto_reconf_param *p = NULL;
    for (int i = 0; i < count && !p; i++) {
        if (strcmp(table[i].key, key) == 0) p = &table[i];
    }
    if (!p) {
        char keys[256];
        keys_list(table, count, keys, sizeof keys);
        return dslab_diag_set(diag, "", 0, 0, "protocol.%s cannot change mid-run (these can: %s)", key, keys);
    }
    char err[DSLAB_UNITS_ERR_MAX];
    int64_t x = 0;
    bool b = false;
    int choice = 0;
    switch (p->type) {
    case PROTO_RECONF_DURATION:
        if (dslab_units_parse_duration_ns(value, false, &x, err, sizeof err) != 0) {
            return dslab_diag_set(diag, "", 0, 0, "protocol.%s: %s", key, err);
        }
        if (x < p->min || x > p->max) {
            char lo[40], hi[40];
            return dslab_diag_set(diag, "", 0, 0, "protocol.%s: %s is out of range (%s to %s)", key, value,
                                  dslab_time_format_human(p->min, lo, (int)sizeof lo),
                                  dslab_time_format_human(p->max, hi, (int)sizeof hi));
        }
        break;
    case PROTO_RECONF_INT:
        if (dslab_units_parse_int(value, p->min, p->max, &x, err, sizeof err) != 0) {
            return dslab_diag_set(diag, "", 0, 0, "protocol.%s: %s", key, err);
        }
        break;
    case PROTO_RECONF_BOOL:
        if (dslab_units_parse_bool(value, &b, err, sizeof err) != 0) {
            return dslab_diag_set(diag, "", 0, 0, "protocol.%s: %s", key, err);
        }
        break;
    case PROTO_RECONF_CHOICE:
        if (p->booleans && dslab_units_parse_bool(value, &b, err, sizeof err) == 0) {
            choice = b ? 1 : 0;
        } else if (parse_choice(p, value, &choice, diag) != 0) {
            return -1;
        }
        break;
    }
    if (!config) return 0;
    char *field = (char *)config + p->offset;
    switch (p->type) {
    case PROTO_RECONF_DURATION:
    case PROTO_RECONF_INT: memcpy(field, &x, sizeof x); break;
    case PROTO_RECONF_BOOL: memcpy(field, &b, sizeof b); break;
    case PROTO_RECONF_CHOICE: memcpy(field, &choice, sizeof choice); break;
    }
    return 0;
}
