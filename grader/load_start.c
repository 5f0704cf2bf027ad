/* load_start.c: the start every grader file loader shares (load_start.h). */
#include "load_start.h"

#include <stdlib.h>

void *gr_zalloc(size_t size, const char *path, struct dslab_diag *d) {
    void *p = calloc(1, size);
    if (!p) dslab_diag_set(d, path, 0, 0, "out of memory");
    return p;
}

int gr_doc_read(struct dslab_ydoc *doc, const char *text, size_t len, const char *path, struct dslab_diag *d) {
    return text ? dslab_ydoc_parse(doc, text, len, path, NULL, d) : dslab_ydoc_load_file(doc, path, NULL, d);
}
