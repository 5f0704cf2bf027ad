/* protocol_code.c: the `source:` / `plugin:` forms of the protocol section
 * (docs/SCENARIO_FORMAT.md, protocol). Pure parsing: it records which file
 * holds the node code, joined to the scenario's directory; compiling and
 * loading it is a host action done when a simulator is created
 * (sim/nodes/, dslab/node_code.h). */
#include <string.h>

#include "scenario/load_internal.h"

static const char *const origin_keys[] = {"name", "source", "plugin"};
#define ORIGIN_KEYS_COUNT 3

bool load_protocol_is_origin_key(const char *key) {
    for (int i = 0; i < ORIGIN_KEYS_COUNT; i++) {
        if (strcmp(key, origin_keys[i]) == 0) return true;
    }
    return false;
}

/* The last path component: "dir/my_raft.c" -> "my_raft.c". */
static const char *base_name(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int set_code_path(struct loader *L, const struct dslab_ynode *n, const char *what,
                         struct dslab_scenario_protocol *p) {
    const char *file = n->text;
    if (!file[0]) return dslab_ytree_error(L->diag, L->file, n, "expected %s, got an empty value", what);
    size_t dir_len = 0;
    const char *slash = strrchr(L->file, '/');
    /* A relative path is relative to the scenario file's directory; a
     * scenario read from a buffer or named without a directory has none. */
    if (file[0] != '/' && slash) dir_len = (size_t)(slash - L->file) + 1;
    size_t len = strlen(file);
    if (dir_len + len >= sizeof p->code_path) {
        return dslab_ytree_error(L->diag, L->file, n, "the path is too long: %zu bytes with the scenario's directory, "
                          "at most %d ('%.40s...')", dir_len + len, DSLAB_CODE_PATH_MAX - 1, file);
    }
    memcpy(p->code_path, L->file, dir_len);
    memcpy(p->code_path + dir_len, file, len + 1);
    const char *base = base_name(file);
    if (!base[0]) return dslab_ytree_error(L->diag, L->file, n, "expected a file name, got the directory '%s'", file);
    size_t base_len = strlen(base);
    if (base_len >= sizeof p->name) base_len = sizeof p->name - 1;
    memcpy(p->name, base, base_len);
    p->name[base_len] = '\0';
    return 0;
}

int load_protocol_origin(struct loader *L, const struct dslab_ynode *map, const struct dslab_ynode **name_out) {
    struct dslab_scenario_protocol *p = &L->s->protocol;
    const struct dslab_ynode *found[ORIGIN_KEYS_COUNT];
    int given = 0, which = -1;
    for (int i = 0; i < ORIGIN_KEYS_COUNT; i++) {
        found[i] = dslab_ydoc_map_get(map, origin_keys[i]);
        if (found[i]) {
            given++;
            if (which < 0) which = i;
        }
    }
    if (given == 0) {
        return dslab_ytree_error(L->diag, L->file, map, "missing key 'name' (or 'source' for your own C code, 'plugin' "
                          "for a shared object)");
    }
    if (given > 1) {
        int second = which + 1;
        while (!found[second]) second++;
        return dslab_ytree_error(L->diag, L->file, found[second], "the protocol has both '%s' and '%s': give exactly "
                          "one of name, source, plugin", origin_keys[which], origin_keys[second]);
    }
    *name_out = found[which];
    if (which == 0) {
        p->origin = DSLAB_PROTOCOL_BUILTIN;
        return 0;
    }
    static const char *const what[] = {"", "a C source file like my_raft.c",
                                       "a shared object like ./my_raft.so"};
    if (dslab_ytree_expect_scalar(L->diag, L->file, found[which], what[which]) < 0) return -1;
    p->origin = which == 1 ? DSLAB_PROTOCOL_SOURCE : DSLAB_PROTOCOL_PLUGIN;
    p->pos = (struct dslab_src_pos){found[which]->line, found[which]->col};
    return set_code_path(L, found[which], what[which], p) < 0 ? -1 : 1;
}

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

int load_protocol_file_as_name(struct loader *L, const struct dslab_ynode *name) {
    if (ends_with(name->text, ".c")) {
        return dslab_ytree_error(L->diag, L->file, name, "unknown protocol '%s': to compile your own node code write "
                          "protocol: { source: %s }", name->text, name->text);
    }
    if (ends_with(name->text, ".so")) {
        return dslab_ytree_error(L->diag, L->file, name, "unknown protocol '%s': to load a shared object write "
                          "protocol: { plugin: %s }", name->text, name->text);
    }
    return 0;
}
