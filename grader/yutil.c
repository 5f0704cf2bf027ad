/* yutil.c: positioned errors and typed reads over the YAML tree for the
 * grader's files (see yutil.h). */
#include "yutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/suggest.h"
#include "scenario/units.h"

int yu_error(struct diag *d, const char *file, const struct ynode *at, const char *fmt, ...) {
    char message[DIAG_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    return diag_set(d, file, at ? at->line : 0, at ? at->col : 0, "%s", message);
}

int yu_check_keys(struct diag *d, const char *file, const struct ynode *map,
                  const char *const *known, int count) {
    for (const struct ynode *k = map->first; k; k = k->next) {
        bool found = false;
        for (int i = 0; i < count && !found; i++) found = strcmp(k->text, known[i]) == 0;
        if (found) continue;
        const char *near = suggest_nearest(k->text, known, count);
        if (near) return yu_error(d, file, k, "unknown key '%s' (did you mean '%s'?)", k->text, near);
        char list[400];
        size_t used = 0;
        list[0] = 0;
        for (int i = 0; i < count && used < sizeof list; i++) {
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", known[i]);
        }
        return yu_error(d, file, k, "unknown key '%s' (expected one of: %s)", k->text, list);
    }
    return 0;
}

static int expect_fail(struct diag *d, const char *file, const struct ynode *n, const char *what) {
    if (n->kind == YNODE_SCALAR && !ydoc_is_null(n)) {
        return yu_error(d, file, n, "expected %s, got '%s'", what, n->text);
    }
    return yu_error(d, file, n, "expected %s, got %s", what,
                    ydoc_is_null(n) ? "nothing" : ydoc_kind_name(n));
}

int yu_expect_mapping(struct diag *d, const char *file, const struct ynode *n, const char *what) {
    return n->kind == YNODE_MAPPING ? 0 : expect_fail(d, file, n, what);
}

int yu_expect_list(struct diag *d, const char *file, const struct ynode *n, const char *what) {
    return n->kind == YNODE_SEQUENCE ? 0 : expect_fail(d, file, n, what);
}

int yu_expect_scalar(struct diag *d, const char *file, const struct ynode *n, const char *what) {
    return n->kind == YNODE_SCALAR && !ydoc_is_null(n) ? 0 : expect_fail(d, file, n, what);
}

int yu_require_text(struct diag *d, const char *file, const struct ynode *map, const char *key,
                    const char **out) {
    const struct ynode *v = ydoc_map_get(map, key);
    if (!v) return yu_error(d, file, map, "missing key '%s'", key);
    if (yu_expect_scalar(d, file, v, "text") < 0) return -1;
    *out = v->text;
    return 0;
}

int yu_optional_text(struct diag *d, const char *file, const struct ynode *map, const char *key,
                     const char **out) {
    const struct ynode *v = ydoc_map_get(map, key);
    if (!v) return 0;
    if (yu_expect_scalar(d, file, v, "text") < 0) return -1;
    *out = v->text;
    return 0;
}

int yu_optional_int(struct diag *d, const char *file, const struct ynode *map, const char *key,
                    int64_t min, int64_t max, int64_t *out) {
    const struct ynode *v = ydoc_map_get(map, key);
    if (!v) return 0;
    if (yu_expect_scalar(d, file, v, "an integer") < 0) return -1;
    char err[UNITS_ERR_MAX];
    if (units_parse_int(v->text, min, max, out, err, (int)sizeof err) < 0) {
        return yu_error(d, file, v, "%s", err);
    }
    return 0;
}

int yu_duration(struct diag *d, const char *file, const struct ynode *n, bool allow_negative,
                int64_t *out) {
    if (yu_expect_scalar(d, file, n, "a duration like 150ms") < 0) return -1;
    char err[UNITS_ERR_MAX];
    if (units_parse_duration_ns(n->text, allow_negative, out, err, (int)sizeof err) < 0) {
        return yu_error(d, file, n, "%s", err);
    }
    return 0;
}

int yu_string_list(struct diag *d, const char *file, const struct ynode *n, const char *what,
                   const char ***out, int *count) {
    *out = NULL;
    *count = 0;
    if (n->kind == YNODE_SCALAR && !ydoc_is_null(n)) {
        *out = malloc(sizeof **out);
        if (!*out) return yu_error(d, file, n, "out of memory");
        (*out)[0] = n->text;
        *count = 1;
        return 0;
    }
    if (ydoc_is_null(n)) return 0;
    if (yu_expect_list(d, file, n, what) < 0) return -1;
    *out = calloc((size_t)(n->count ? n->count : 1), sizeof **out);
    if (!*out) return yu_error(d, file, n, "out of memory");
    for (const struct ynode *i = n->first; i; i = i->next) {
        if (yu_expect_scalar(d, file, i, what) < 0) {
            free(*out);
            *out = NULL;
            *count = 0;
            return -1;
        }
        (*out)[(*count)++] = i->text;
    }
    return 0;
}
