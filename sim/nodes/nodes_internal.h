/* nodes_internal.h (private): the steps of loading node code from files
 * (dslab/node_code.h). All of them are host actions: files, processes,
 * dlopen. Errors go to a diag positioned at the scenario's protocol entry
 * (`file`, `line`, `col` of struct node_code_where). */
#ifndef DSLAB_NODES_INTERNAL_H
#define DSLAB_NODES_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "dslab/diag.h"
#include "dslab/node.h"

/* Where errors point: the scenario file and its `source:`/`plugin:`. */
struct node_code_where {
    const char *scenario; /* scenario path */
    int line, col;
    const char *shown; /* the code file as the learner named it: "my_raft.c" */
};

struct node_code_env {
    char include_dir[512];
    char cache_dir[512];
    char cc[256];
    FILE *messages;
};

/* Reads a whole regular file (at most `max` bytes) into a malloc'd buffer
 * (NUL-terminated; *len excludes it). Returns 0, or -1 with errno set
 * (EFBIG past max, EISDIR/EINVAL for a non-regular file). */
int nodes_read_file(const char *path, size_t max, char **out, size_t *len);

/* source_compile.c: the cached shared object for `source_path` (compiled
 * now unless the cache has it) into so_path (cap bytes). Returns 0, or -1
 * with diag set. */
int source_compile(const struct node_code_env *env, const struct node_code_where *w,
                   const char *source_path, char *so_path, size_t cap, struct dslab_diag *diag);

/* elf_imports.c: refuses a shared object whose dynamic imports give time,
 * randomness, host storage or other host state (the list and why is in
 * docs/NODE_API.md). Reads the ELF file itself; never runs its code.
 * Returns 0, or -1 with diag naming the first such function. */
int elf_check_imports(const char *so_path, const struct node_code_where *w, struct dslab_diag *diag);

/* elf_statics.c: the names of the object's writable static variables
 * (comma-separated into names_out, cut to cap) and how many there are.
 * Reads .symtab; a stripped object has none to report. Returns 0, or -1
 * when the file cannot be read as ELF (elf_check_imports says why). */
int elf_find_statics(const char *so_path, char *names_out, size_t cap, int *count_out);

/* plugin_load.c: dlopen + dlsym(DSLAB_NODE_PROTOCOL_SYMBOL), then checks
 * of the ABI version, the name and the required callbacks. The handle is
 * never closed. Returns the protocol, or NULL with diag set. */
const struct dslab_protocol *plugin_load(const char *so_path, const struct node_code_where *w,
                                   struct dslab_diag *diag);

#endif
