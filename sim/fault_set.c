/* fault_set.c: checking a `set` fault against the protocol (fault_set.h). */
#include <stdio.h>
#include <string.h>

#include "dslab/node.h"
#include "dslab/suggest.h"
#include "fault_set.h"

#define SET_KEYS_MAX 32 /* keys named in a message; a protocol lists fewer */

/* "retries, timeout, ..." */
static void list_keys(const char *const *keys, char *out, size_t size) {
    size_t used = 0;
    out[0] = 0;
    for (int i = 0; keys[i] && used < size; i++) {
        int w = snprintf(out + used, size - used, "%sprotocol.%s", i ? ", " : "", keys[i]);
        if (w < 0) return;
        used += (size_t)w;
    }
}

int dslab_fault_set_param(const struct dslab_scenario *s, const char *path, const char *value, struct dslab_fault *f,
                          struct dslab_diag *diag) {
    static const char prefix[] = "protocol.";
    if (strncmp(path, prefix, sizeof prefix - 1) != 0 || !path[sizeof prefix - 1]) {
        return dslab_diag_set(diag, "", 0, 0,
                              "set: unknown path '%s': only a protocol parameter (protocol.KEY) can change mid-run", path);
    }
    const char *key = path + sizeof prefix - 1;
    const struct dslab_protocol *p = NULL;
    if (s->protocol.origin == DSLAB_PROTOCOL_BUILTIN || s->protocol.origin == DSLAB_PROTOCOL_PROCESS) {
        p = dslab_protocol_of_scenario(s);
    }
    if (!p || !p->reconfigurable || !p->reconfigure || !p->reconfigurable[0]) {
        return dslab_diag_set(diag, "", 0, 0, "set %s: protocol %s has no parameter that can change mid-run", path,
                              s->protocol.name);
    }
    const char *const *keys = p->reconfigurable;
    int count = 0;
    bool listed = false;
    while (keys[count] && count < SET_KEYS_MAX) listed |= strcmp(keys[count], key) == 0, count++;
    if (!listed) {
        char all[512];
        list_keys(keys, all, sizeof all);
        const char *near = dslab_suggest_nearest(key, keys, count);
        if (near) {
            return dslab_diag_set(diag, "", 0, 0, "set: protocol %s cannot change '%s' mid-run (did you mean 'protocol.%s'?)",
                                  p->name, path, near);
        }
        return dslab_diag_set(diag, "", 0, 0, "set: protocol %s cannot change '%s' mid-run; it can change %s", p->name,
                              path, all);
    }
    if (strlen(key) > DSLAB_PARAM_KEY_MAX || strlen(value) > DSLAB_PARAM_VALUE_MAX) {
        return dslab_diag_set(diag, "", 0, 0, "set %s: the value is longer than %d bytes", path, DSLAB_PARAM_VALUE_MAX);
    }
    struct dslab_diag inner;
    dslab_diag_clear(&inner);
    if (p->reconfigure(NULL, key, value, &inner) != 0) {
        return dslab_diag_set(diag, "", 0, 0, "set: %s", inner.message);
    }
    snprintf(f->param_key, sizeof f->param_key, "%s", key);
    snprintf(f->param_value, sizeof f->param_value, "%s", value);
    return 0;
}
