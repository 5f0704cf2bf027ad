/* load_util.c: the scenario loader's own helpers (see load_internal.h):
 * memory from the scenario's hooks, and the values only scenarios have
 * (times within the run, latencies, node names, links). Kinds, keys and
 * plain typed scalars are checked by the shared layer, dslab/yaml_tree.h;
 * every error is positioned at the YAML node it is about. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/suggest.h"
#include "dslab/time.h"
#include "scenario/load_internal.h"

void *load_list(struct loader *L, const struct dslab_ynode *seq, const char *expected, int max, const char *what,
                size_t item_size) {
    if (dslab_ytree_expect_list(L->diag, L->file, seq, expected) < 0) return NULL;
    if (seq->count > max) {
        dslab_ytree_error(L->diag, L->file, seq, "more than %d %s", max, what);
        return NULL;
    }
    return load_alloc(L, item_size * (size_t)seq->count);
}

void *load_alloc(struct loader *L, size_t size) {
    void *p = L->alloc.malloc_fn(size ? size : 1, L->alloc.user);
    if (!p) {
        dslab_diag_set(L->diag, L->file, 0, 0, "out of memory while loading the scenario");
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

struct time_order {
    int64_t at_ns;
    int32_t index;
};

static int time_order_cmp(const void *pa, const void *pb) {
    const struct time_order *a = pa, *b = pb;
    if (a->at_ns != b->at_ns) return a->at_ns < b->at_ns ? -1 : 1;
    return a->index < b->index ? -1 : (a->index > b->index);
}

static int64_t time_at(const void *items, int i, size_t item_size, size_t at_ns_offset) {
    int64_t at_ns;
    memcpy(&at_ns, (const char *)items + (size_t)i * item_size + at_ns_offset, sizeof at_ns);
    return at_ns;
}

/* qsort on (time, file index), then a permuted copy. */
int load_sort_by_time(struct loader *L, void *items, int count, size_t item_size,
                      size_t at_ns_offset) {
    int i = 1;
    while (i < count && time_at(items, i, item_size, at_ns_offset) >=
                            time_at(items, i - 1, item_size, at_ns_offset)) {
        i++;
    }
    if (i >= count) return 0; /* in order already */
    struct time_order *order = load_alloc(L, sizeof *order * (size_t)count);
    char *sorted = order ? load_alloc(L, item_size * (size_t)count) : NULL;
    if (!sorted) {
        load_free(L, order);
        return -1;
    }
    for (i = 0; i < count; i++) order[i] = (struct time_order){time_at(items, i, item_size, at_ns_offset), i};
    qsort(order, (size_t)count, sizeof *order, time_order_cmp);
    for (i = 0; i < count; i++) {
        memcpy(sorted + (size_t)i * item_size, (const char *)items + (size_t)order[i].index * item_size,
               item_size);
    }
    memcpy(items, sorted, item_size * (size_t)count);
    load_free(L, sorted);
    load_free(L, order);
    return 0;
}

int load_time_in_run(struct loader *L, const struct dslab_ynode *n, const char *what, int64_t *out) {
    if (dslab_ytree_duration(L->diag, L->file, n, false, out) < 0) return -1;
    if (*out > L->s->duration_ns) {
        char d[32];
        dslab_time_format_duration(L->s->duration_ns, d, (int)sizeof d);
        return dslab_ytree_error(L->diag, L->file, n,
                           "%s at %s is after the end of the run (duration %s)", what, n->text, d);
    }
    return 0;
}

int load_keyed_mapping(struct loader *L, const struct dslab_ynode *map, const char *example,
                       const char *const *keys, int count) {
    if (dslab_ytree_expect_mapping(L->diag, L->file, map, example) < 0) return -1;
    return dslab_ytree_check_keys(L->diag, L->file, map, keys, count) < 0 ? -1 : 0;
}

int load_latency(struct loader *L, const struct dslab_ynode *n, struct dslab_latency_dist *out) {
    if (dslab_ytree_expect_scalar(L->diag, L->file, n, "a latency like uniform(1ms, 5ms)") < 0) return -1;
    char err[256];
    int offset = 0;
    if (dslab_latency_parse(n->text, out, err, (int)sizeof err, &offset) < 0) {
        if (n->line > 0 && !n->multiline) {
            struct dslab_ynode at = *n;
            at.col += offset + (n->plain ? 0 : 1);
            return dslab_ytree_error(L->diag, L->file, &at, "%s", err);
        }
        return dslab_ytree_error(L->diag, L->file, n, "%s", err);
    }
    return 0;
}

static int32_t find_node(const struct loader *L, const char *name) {
    const struct dslab_scenario *s = L->s;
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

static int unknown_node(struct loader *L, const struct dslab_ynode *n) {
    const struct dslab_scenario *s = L->s;
    int limit = (int)strlen(n->text) / 3;
    if (limit < 1) limit = 1;
    int best = -1, best_distance = limit + 1;
    for (int32_t i = 0; i < s->nodes_count; i++) {
        int d = dslab_suggest_distance(n->text, s->node_names[i]);
        if (d < best_distance) {
            best_distance = d;
            best = i;
        }
    }
    if (best >= 0) {
        return dslab_ytree_error(L->diag, L->file, n, "unknown node '%s' (did you mean '%s'?)", n->text,
                           s->node_names[best]);
    }
    char list[300] = "";
    size_t used = 0;
    for (int32_t i = 0; i < s->nodes_count && i < 8; i++) {
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                                 s->node_names[i]);
    }
    return dslab_ytree_error(L->diag, L->file, n, "unknown node '%s' (the nodes are %s%s)", n->text, list,
                       s->nodes_count > 8 ? ", ..." : "");
}

int load_node_ref(struct loader *L, const struct dslab_ynode *n, int32_t *out) {
    if (dslab_ytree_expect_scalar(L->diag, L->file, n, "a node name") < 0) return -1;
    *out = find_node(L, n->text);
    return *out >= 0 ? 0 : unknown_node(L, n);
}

int load_link_ends(struct loader *L, const struct dslab_ynode *n, int32_t *from, int32_t *to,
                   bool *both_ways) {
    if (n->kind == DSLAB_YNODE_SEQUENCE) {
        if (n->count != 2) {
            return dslab_ytree_error(L->diag, L->file, n, "expected two nodes [a, b], got a list of %d",
                               n->count);
        }
        *both_ways = true;
        if (load_node_ref(L, n->first, from) < 0 || load_node_ref(L, n->last, to) < 0) return -1;
        if (*from == *to) {
            return dslab_ytree_error(L->diag, L->file, n->last, "a link needs two different nodes");
        }
        return 0;
    }
    if (n->kind != DSLAB_YNODE_MAPPING) {
        return dslab_ytree_expect_mapping(L->diag, L->file, n,
                                    "[a, b] (both ways) or {from: a, to: b} (one way)");
    }
    static const char *const keys[] = {"from", "to"};
    const struct dslab_ynode *f, *t;
    if (dslab_ytree_check_keys(L->diag, L->file, n, keys, 2) < 0 ||
        dslab_ytree_require(L->diag, L->file, n, "from", &f) < 0 ||
        dslab_ytree_require(L->diag, L->file, n, "to", &t) < 0) {
        return -1;
    }
    *both_ways = false;
    if (load_node_ref(L, f, from) < 0 || load_node_ref(L, t, to) < 0) return -1;
    if (*from == *to) return dslab_ytree_error(L->diag, L->file, t, "a link needs two different nodes");
    return 0;
}
