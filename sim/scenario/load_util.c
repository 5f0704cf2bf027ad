/* load_util.c: the scenario loader's helpers for errors, memory, keys and
 * typed scalars (see load_internal.h). Every error is positioned at the
 * YAML node it is about; nodes created by --set have no file position and
 * are reported as "--set PATH=VALUE: error: ...". */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/suggest.h"
#include "dslab/time.h"
#include "scenario/load_internal.h"
#include "scenario/units.h"

int load_error(struct loader *L, const struct ynode *at, const char *fmt, ...) {
    char message[DIAG_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    if (at && at->line == 0 && at->origin) {
        char file[DIAG_PATH_MAX];
        snprintf(file, sizeof file, "--set %s", at->origin);
        return diag_set(L->diag, file, 0, 0, "%s", message);
    }
    return diag_set(L->diag, L->file, at ? at->line : 0, at ? at->col : 0, "%s", message);
}

void *load_alloc(struct loader *L, size_t size) {
    void *p = L->alloc.malloc_fn(size ? size : 1, L->alloc.user);
    if (!p) {
        diag_set(L->diag, L->file, 0, 0, "out of memory while loading the scenario");
        return NULL;
    }
    memset(p, 0, size);
    return p;
}

char *load_strdup(struct loader *L, const char *text) {
    size_t len = strlen(text);
    char *p = load_alloc(L, len + 1);
    if (p) memcpy(p, text, len + 1);
    return p;
}

void load_free(struct loader *L, void *p) {
    if (p) L->alloc.free_fn(p, L->alloc.user);
}

static void join_names(char *buf, size_t buf_size, const char *const *names, int count) {
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < count && used < buf_size; i++) {
        int n = snprintf(buf + used, buf_size - used, "%s%s", i ? ", " : "", names[i]);
        if (n < 0) break;
        used += (size_t)n;
    }
}

int load_check_keys(struct loader *L, const struct ynode *map, const char *const *known,
                    int count) {
    for (const struct ynode *k = map->first; k; k = k->next) {
        bool found = false;
        for (int i = 0; i < count && !found; i++) found = strcmp(k->text, known[i]) == 0;
        if (found) continue;
        const char *near = suggest_nearest(k->text, known, count);
        if (near) {
            return load_error(L, k, "unknown key '%s' (did you mean '%s'?)", k->text, near);
        }
        char list[400];
        join_names(list, sizeof list, known, count);
        return load_error(L, k, "unknown key '%s' (expected one of: %s)", k->text, list);
    }
    return 0;
}

int load_require(struct loader *L, const struct ynode *map, const char *key,
                 const struct ynode **out) {
    *out = ydoc_map_get(map, key);
    if (!*out) return load_error(L, map, "missing key '%s'", key);
    return 0;
}

static const char *got_text(const struct ynode *n) {
    return n->kind == YNODE_SCALAR && !ydoc_is_null(n) ? n->text : NULL;
}

static int expect_fail(struct loader *L, const struct ynode *n, const char *what) {
    const char *text = got_text(n);
    if (text) return load_error(L, n, "expected %s, got '%s'", what, text);
    return load_error(L, n, "expected %s, got %s", what, ydoc_kind_name(n));
}

int load_expect_mapping(struct loader *L, const struct ynode *n, const char *what) {
    return n->kind == YNODE_MAPPING ? 0 : expect_fail(L, n, what);
}

int load_expect_list(struct loader *L, const struct ynode *n, const char *what) {
    return n->kind == YNODE_SEQUENCE ? 0 : expect_fail(L, n, what);
}

int load_expect_scalar(struct loader *L, const struct ynode *n, const char *what) {
    return n->kind == YNODE_SCALAR && !ydoc_is_null(n) ? 0 : expect_fail(L, n, what);
}

int load_duration(struct loader *L, const struct ynode *n, bool allow_negative, int64_t *out) {
    if (load_expect_scalar(L, n, "a duration like 150ms") < 0) return -1;
    char err[UNITS_ERR_MAX];
    if (units_parse_duration_ns(n->text, allow_negative, out, err, (int)sizeof err) < 0) {
        return load_error(L, n, "%s", err);
    }
    return 0;
}

int load_time_in_run(struct loader *L, const struct ynode *n, const char *what, int64_t *out) {
    if (load_duration(L, n, false, out) < 0) return -1;
    if (*out > L->s->duration_ns) {
        char d[32];
        time_format_duration(L->s->duration_ns, d, (int)sizeof d);
        return load_error(L, n, "%s at %s is after the end of the run (duration %s)", what,
                          n->text, d);
    }
    return 0;
}

int load_int(struct loader *L, const struct ynode *n, int64_t min, int64_t max, int64_t *out) {
    char what[96];
    snprintf(what, sizeof what, "an integer from %lld to %lld", (long long)min, (long long)max);
    if (load_expect_scalar(L, n, what) < 0) return -1;
    char err[UNITS_ERR_MAX];
    if (units_parse_int(n->text, min, max, out, err, (int)sizeof err) < 0) {
        return load_error(L, n, "%s", err);
    }
    return 0;
}

int load_bool(struct loader *L, const struct ynode *n, bool *out) {
    if (load_expect_scalar(L, n, "true or false") < 0) return -1;
    char err[UNITS_ERR_MAX];
    if (units_parse_bool(n->text, out, err, (int)sizeof err) < 0) {
        return load_error(L, n, "%s", err);
    }
    return 0;
}

int load_probability(struct loader *L, const struct ynode *n, uint32_t *out) {
    if (load_expect_scalar(L, n, "a probability like 0.001") < 0) return -1;
    char err[UNITS_ERR_MAX];
    if (units_parse_probability_ppm(n->text, out, err, (int)sizeof err) < 0) {
        return load_error(L, n, "%s", err);
    }
    return 0;
}

int load_latency(struct loader *L, const struct ynode *n, struct latency_dist *out) {
    if (load_expect_scalar(L, n, "a latency like uniform(1ms, 5ms)") < 0) return -1;
    char err[256];
    int offset = 0;
    if (latency_parse(n->text, out, err, (int)sizeof err, &offset) < 0) {
        if (n->line > 0 && !n->multiline) {
            struct ynode at = *n;
            at.col += offset + (n->plain ? 0 : 1);
            return load_error(L, &at, "%s", err);
        }
        return load_error(L, n, "%s", err);
    }
    return 0;
}

static int32_t find_node(const struct loader *L, const char *name) {
    const struct scenario *s = L->s;
    int lo = 0, hi = s->nodes_count - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        int c = strcmp(name, L->nodes_by_name[mid].name);
        if (c == 0) return L->nodes_by_name[mid].index;
        if (c < 0) hi = mid - 1;
        else lo = mid + 1;
    }
    return -1;
}

static int unknown_node(struct loader *L, const struct ynode *n) {
    const struct scenario *s = L->s;
    int limit = (int)strlen(n->text) / 3;
    if (limit < 1) limit = 1;
    int best = -1, best_distance = limit + 1;
    for (int32_t i = 0; i < s->nodes_count; i++) {
        int d = suggest_distance(n->text, s->node_names[i]);
        if (d < best_distance) {
            best_distance = d;
            best = i;
        }
    }
    if (best >= 0) {
        return load_error(L, n, "unknown node '%s' (did you mean '%s'?)", n->text,
                          s->node_names[best]);
    }
    char list[300] = "";
    size_t used = 0;
    for (int32_t i = 0; i < s->nodes_count && i < 8; i++) {
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                                 s->node_names[i]);
    }
    return load_error(L, n, "unknown node '%s' (the nodes are %s%s)", n->text, list,
                      s->nodes_count > 8 ? ", ..." : "");
}

int load_node_ref(struct loader *L, const struct ynode *n, int32_t *out) {
    if (load_expect_scalar(L, n, "a node name") < 0) return -1;
    *out = find_node(L, n->text);
    return *out >= 0 ? 0 : unknown_node(L, n);
}

int load_link_ends(struct loader *L, const struct ynode *n, int32_t *from, int32_t *to,
                   bool *both_ways) {
    if (n->kind == YNODE_SEQUENCE) {
        if (n->count != 2) {
            return load_error(L, n, "expected two nodes [a, b], got a list of %d", n->count);
        }
        *both_ways = true;
        if (load_node_ref(L, n->first, from) < 0 || load_node_ref(L, n->last, to) < 0) return -1;
        if (*from == *to) return load_error(L, n->last, "a link needs two different nodes");
        return 0;
    }
    if (n->kind != YNODE_MAPPING) {
        return load_expect_mapping(L, n, "[a, b] (both ways) or {from: a, to: b} (one way)");
    }
    static const char *const keys[] = {"from", "to"};
    const struct ynode *f, *t;
    if (load_check_keys(L, n, keys, 2) < 0 || load_require(L, n, "from", &f) < 0 ||
        load_require(L, n, "to", &t) < 0) {
        return -1;
    }
    *both_ways = false;
    if (load_node_ref(L, f, from) < 0 || load_node_ref(L, t, to) < 0) return -1;
    if (*from == *to) return load_error(L, t, "a link needs two different nodes");
    return 0;
}
