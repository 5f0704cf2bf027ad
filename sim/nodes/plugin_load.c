/* plugin_load.c: a shared object -> its struct dslab_protocol.
 *
 * HOST ACTION: dlopen runs the object's code (constructors) in this
 * process, so the import check (elf_imports.c) comes first. The object is
 * loaded RTLD_NOW | RTLD_LOCAL: a missing dslab function is an error now,
 * not in the middle of a run, and its symbols do not leak into the next
 * plugin's. Its dslab calls (dslab_ctx_send, dslab_param_int, ...) resolve to the
 * dslab executable's exported symbols (CMake ENABLE_EXPORTS). */
#include <dlfcn.h>
#include <string.h>

#include "nodes/nodes_internal.h"

/* A plugin's state block per node; larger is surely a mistake. */
#define PLUGIN_STATE_BYTES_MAX (16u * 1024u * 1024u)

static bool name_ok(const char *name) {
    size_t len = strnlen(name, 64);
    if (len == 0 || len >= 64) return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_';
        if (!ok) return false;
    }
    return true;
}

const struct dslab_protocol *plugin_load(const char *so_path, const struct node_code_where *w,
                                   struct dslab_diag *diag) {
    /* dlopen searches the library path for a name without a slash. */
    char path[DSLAB_CODE_PATH_MAX + 3];
    snprintf(path, sizeof path, "%s%s", strchr(so_path, '/') ? "" : "./", so_path);
    dlerror();
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *why = dlerror();
        dslab_diag_set(diag, w->scenario, w->line, w->col, "cannot load %s: %s", w->shown,
                 why ? why : "unknown dlopen error");
        return NULL;
    }
    /* Loaded objects stay loaded (dslab/node_code.h): never dlclose. */
    const struct dslab_protocol *p = dlsym(handle, DSLAB_NODE_PROTOCOL_SYMBOL);
    if (!p) {
        dslab_diag_set(diag, w->scenario, w->line, w->col,
                 "%s does not define %s: node code defines `const struct dslab_protocol "
                 "dslab_node_protocol = { .api_version = DSLAB_NODE_API_VERSION, ... };` "
                 "(docs/NODE_API.md)", w->shown, DSLAB_NODE_PROTOCOL_SYMBOL);
        return NULL;
    }
    if (p->api_version != DSLAB_NODE_API_VERSION) {
        if (p->api_version == 0) {
            dslab_diag_set(diag, w->scenario, w->line, w->col,
                     "%s does not say which node API it was written for: set .api_version = "
                     "DSLAB_NODE_API_VERSION in dslab_node_protocol", w->shown);
        } else {
            dslab_diag_set(diag, w->scenario, w->line, w->col,
                     "%s was built for node API version %u, this dslab has version %d: rebuild "
                     "it against this dslab's dslab/node.h", w->shown, p->api_version,
                     DSLAB_NODE_API_VERSION);
        }
        return NULL;
    }
    if (!p->name || !name_ok(p->name)) {
        dslab_diag_set(diag, w->scenario, w->line, w->col,
                 "%s: dslab_node_protocol.name must be 1 to 63 letters, digits, '-' or '_'",
                 w->shown);
        return NULL;
    }
    if (dslab_protocol_find(p->name)) {
        dslab_diag_set(diag, w->scenario, w->line, w->col,
                 "%s names its protocol '%s', which is a built-in protocol: give it a name of "
                 "its own", w->shown, p->name);
        return NULL;
    }
    const char *missing = !p->init ? "init" : !p->on_message ? "on_message"
                        : !p->on_timer ? "on_timer" : NULL;
    if (missing) {
        dslab_diag_set(diag, w->scenario, w->line, w->col,
                 "%s: dslab_node_protocol.%s is NULL; init, on_message and on_timer are required "
                 "(the others may be NULL)", w->shown, missing);
        return NULL;
    }
    if (p->state_size > PLUGIN_STATE_BYTES_MAX) {
        dslab_diag_set(diag, w->scenario, w->line, w->col,
                 "%s: state_size %zu is more than %u bytes per node", w->shown, p->state_size,
                 PLUGIN_STATE_BYTES_MAX);
        return NULL;
    }
    return p;
}
