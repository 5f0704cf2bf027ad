/* load_start.h (private to grader/): the two steps every loader of a
 * grader file (taxonomy, catalog, exercise, answers) starts with. */
#ifndef DSLAB_GRADER_LOAD_START_H
#define DSLAB_GRADER_LOAD_START_H

#include <stddef.h>

#include "dslab/diag.h"
#include "dslab/yaml_tree.h"

/* A zeroed block of `size` bytes (the caller frees it), or NULL with
 * "out of memory" in `d`, naming `path`. */
void *gr_zalloc(size_t size, const char *path, struct dslab_diag *d);

/* Reads the YAML document `doc` from `text` (len bytes) when text is not
 * NULL, else from the file `path` (named in errors either way). Returns
 * 0, or -1 with `d` set. */
int gr_doc_read(struct dslab_ydoc *doc, const char *text, size_t len, const char *path, struct dslab_diag *d);

#endif
