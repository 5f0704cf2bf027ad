/* yaml_tree.c: the one validation layer over YAML trees (dslab/yaml_tree.h),
 * shared by the scenario loader and the grader: positioned errors, kind
 * checks, required and unknown keys with "did you mean", typed scalars. */
#include "dslab/yaml_tree.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/suggest.h"
#include "scenario/units.h"

int dslab_ytree_error(struct dslab_diag *d, const char *file, const struct dslab_ynode *at, const char *fmt, ...) {
    char message[DSLAB_DIAG_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    if (at && at->line == 0 && at->origin) {
        char where[DSLAB_DIAG_PATH_MAX];
        snprintf(where, sizeof where, "--set %s", at->origin);
        return dslab_diag_set(d, where, 0, 0, "%s", message);
    }
    return dslab_diag_set(d, file, at ? at->line : 0, at ? at->col : 0, "%s", message);
}

/* "a, b, c" into buf; a list longer than buf is cut. */
static void join_names(char *buf, size_t buf_size, const char *const *names, int count) {
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < count && used < buf_size; i++) {
        int n = snprintf(buf + used, buf_size - used, "%s%s", i ? ", " : "", names[i]);
        if (n < 0) break;
        used += (size_t)n;
    }
}

int dslab_ytree_check_keys(struct dslab_diag *d, const char *file, const struct dslab_ynode *map,
                     const char *const *known, int count) {
    for (const struct dslab_ynode *k = map->first; k; k = k->next) {
        bool found = false;
        for (int i = 0; i < count && !found; i++) found = strcmp(k->text, known[i]) == 0;
        if (found) continue;
        const char *near = dslab_suggest_nearest(k->text, known, count);
        if (near) {
            return dslab_ytree_error(d, file, k, "unknown key '%s' (did you mean '%s'?)", k->text, near);
        }
        char list[400];
        join_names(list, sizeof list, known, count);
        return dslab_ytree_error(d, file, k, "unknown key '%s' (expected one of: %s)", k->text, list);
    }
    return 0;
}

int dslab_ytree_require(struct dslab_diag *d, const char *file, const struct dslab_ynode *map, const char *key,
                  const struct dslab_ynode **out) {
    *out = dslab_ydoc_map_get(map, key);
    if (!*out) return dslab_ytree_error(d, file, map, "missing key '%s'", key);
    return 0;
}

static int expect_fail(struct dslab_diag *d, const char *file, const struct dslab_ynode *n, const char *what) {
    if (n->kind == DSLAB_YNODE_SCALAR && !dslab_ydoc_is_null(n)) {
        return dslab_ytree_error(d, file, n, "expected %s, got '%s'", what, n->text);
    }
    return dslab_ytree_error(d, file, n, "expected %s, got %s", what, dslab_ydoc_kind_name(n));
}

int dslab_ytree_expect_mapping(struct dslab_diag *d, const char *file, const struct dslab_ynode *n,
                         const char *what) {
    return n->kind == DSLAB_YNODE_MAPPING ? 0 : expect_fail(d, file, n, what);
}

int dslab_ytree_expect_list(struct dslab_diag *d, const char *file, const struct dslab_ynode *n, const char *what) {
    return n->kind == DSLAB_YNODE_SEQUENCE ? 0 : expect_fail(d, file, n, what);
}

int dslab_ytree_expect_scalar(struct dslab_diag *d, const char *file, const struct dslab_ynode *n, const char *what) {
    return n->kind == DSLAB_YNODE_SCALAR && !dslab_ydoc_is_null(n) ? 0 : expect_fail(d, file, n, what);
}

int dslab_ytree_require_text(struct dslab_diag *d, const char *file, const struct dslab_ynode *map, const char *key,
                       const char **out) {
    const struct dslab_ynode *v;
    if (dslab_ytree_require(d, file, map, key, &v) < 0) return -1;
    if (dslab_ytree_expect_scalar(d, file, v, "text") < 0) return -1;
    *out = v->text;
    return 0;
}

int dslab_ytree_optional_text(struct dslab_diag *d, const char *file, const struct dslab_ynode *map, const char *key,
                        const char **out) {
    const struct dslab_ynode *v = dslab_ydoc_map_get(map, key);
    if (!v) return 0;
    if (dslab_ytree_expect_scalar(d, file, v, "text") < 0) return -1;
    *out = v->text;
    return 0;
}

/* A units parser's result `rc` on the text of `n`: its error at `n`. */
static int parsed(struct dslab_diag *d, const char *file, const struct dslab_ynode *n, int rc,
                  const char *err) {
    return rc < 0 ? dslab_ytree_error(d, file, n, "%s", err) : 0;
}

static int int_in_range(struct dslab_diag *d, const char *file, const struct dslab_ynode *n, const char *what,
                        int64_t min, int64_t max, int64_t *out) {
    if (dslab_ytree_expect_scalar(d, file, n, what) < 0) return -1;
    char err[DSLAB_UNITS_ERR_MAX];
    return parsed(d, file, n, dslab_units_parse_int(n->text, min, max, out, err, (int)sizeof err), err);
}

int dslab_ytree_int(struct dslab_diag *d, const char *file, const struct dslab_ynode *n, int64_t min, int64_t max,
              int64_t *out) {
    char what[96];
    snprintf(what, sizeof what, "an integer from %lld to %lld", (long long)min, (long long)max);
    return int_in_range(d, file, n, what, min, max, out);
}

int dslab_ytree_optional_int(struct dslab_diag *d, const char *file, const struct dslab_ynode *map, const char *key,
                       int64_t min, int64_t max, int64_t *out) {
    const struct dslab_ynode *v = dslab_ydoc_map_get(map, key);
    return v ? int_in_range(d, file, v, "an integer", min, max, out) : 0;
}

int dslab_ytree_u64(struct dslab_diag *d, const char *file, const struct dslab_ynode *n, const char *what,
              uint64_t *out) {
    if (dslab_ytree_expect_scalar(d, file, n, what) < 0) return -1;
    char err[DSLAB_UNITS_ERR_MAX];
    return parsed(d, file, n, dslab_units_parse_u64(n->text, out, err, (int)sizeof err), err);
}

int dslab_ytree_bool(struct dslab_diag *d, const char *file, const struct dslab_ynode *n, bool *out) {
    if (dslab_ytree_expect_scalar(d, file, n, "true or false") < 0) return -1;
    char err[DSLAB_UNITS_ERR_MAX];
    return parsed(d, file, n, dslab_units_parse_bool(n->text, out, err, (int)sizeof err), err);
}

int dslab_ytree_duration(struct dslab_diag *d, const char *file, const struct dslab_ynode *n, bool allow_negative,
                   int64_t *out) {
    if (dslab_ytree_expect_scalar(d, file, n, "a duration like 150ms") < 0) return -1;
    char err[DSLAB_UNITS_ERR_MAX];
    int rc = dslab_units_parse_duration_ns(n->text, allow_negative, out, err, (int)sizeof err);
    return parsed(d, file, n, rc, err);
}

int dslab_ytree_probability(struct dslab_diag *d, const char *file, const struct dslab_ynode *n, uint32_t *out) {
    if (dslab_ytree_expect_scalar(d, file, n, "a probability like 0.001") < 0) return -1;
    char err[DSLAB_UNITS_ERR_MAX];
    return parsed(d, file, n, units_parse_probability_ppm(n->text, out, err, (int)sizeof err), err);
}

int dslab_ytree_string_list(struct dslab_diag *d, const char *file, const struct dslab_ynode *n, const char *what,
                      const char ***out, int *count) {
    *out = NULL;
    *count = 0;
    if (n->kind == DSLAB_YNODE_SCALAR && !dslab_ydoc_is_null(n)) {
        *out = malloc(sizeof **out);
        if (!*out) return dslab_ytree_error(d, file, n, "out of memory");
        (*out)[0] = n->text;
        *count = 1;
        return 0;
    }
    if (dslab_ydoc_is_null(n)) return 0;
    if (dslab_ytree_expect_list(d, file, n, what) < 0) return -1;
    *out = calloc((size_t)(n->count ? n->count : 1), sizeof **out);
    if (!*out) return dslab_ytree_error(d, file, n, "out of memory");
    for (const struct dslab_ynode *i = n->first; i; i = i->next) {
        if (dslab_ytree_expect_scalar(d, file, i, what) < 0) {
            free(*out);
            *out = NULL;
            *count = 0;
            return -1;
        }
        (*out)[(*count)++] = i->text;
    }
    return 0;
}
