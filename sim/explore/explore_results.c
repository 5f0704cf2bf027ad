/* explore_results.c: the results of an exploration (struct dslab_xr,
 * explore_results.h): freeing them, adding failing seeds, and the one place
 * where a reproducer's file name is made from a check's name. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/check.h"
#include "explore/explore_results.h"
#include "grow.h"

void dslab_xr_free(struct dslab_xr *x) {
    for (int c = 0; c < x->checks_count; c++) {
        struct dslab_xr_check *xc = &x->checks[c];
        free(xc->fails);
        for (int i = 0; i < xc->repro.necessary_count; i++) free(xc->repro.necessary[i]);
        free(xc->repro.necessary);
        free(xc->repro.yaml);
    }
    memset(x, 0, sizeof *x);
}

int xr_add_fail(struct dslab_xr_check *c, const struct dslab_xr_fail *f) {
    size_t cap = (size_t)c->fails_capacity;
    struct dslab_xr_fail *p = grow_array(c->fails, &cap, (size_t)c->fails_count, sizeof *p, 64);
    if (!p) return -1;
    c->fails = p;
    c->fails_capacity = cap;
    c->fails[c->fails_count++] = *f;
    return 0;
}

bool xr_check_name_ok(const char *s) {
    size_t len = strnlen(s, 64);
    if (len == 0 || len > 63) return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
    }
    return dslab_checker_find(s) != NULL;
}

int xr_repro_file_name(const struct dslab_xr_check *c, char *buf, size_t size) {
    if (!xr_check_name_ok(c->name)) {
        if (size) buf[0] = 0;
        return -1;
    }
    int n = snprintf(buf, size, "%s-seed%" PRIu64 ".yaml", c->name, c->repro.seed);
    return n > 0 && (size_t)n < size ? 0 : -1;
}

void xr_repro_path(const struct dslab_xr_check *c, const char *out_dir, char *buf, size_t size) {
    char file[128];
    if (xr_repro_file_name(c, file, sizeof file) < 0) snprintf(file, sizeof file, "(invalid check name)");
    snprintf(buf, size, "%s/%s", out_dir, file);
}
