/* lin_models.c: sequential models for the linearizability search and the
 * driver that splits a history into independent partitions (lin_models.h).
 *
 * Models: register (read/write), cas-register (+cas), kv (per key: read,
 * write, cas, append on strings, and multi-key txn), mutex. Indeterminate
 * ops are optional to the search (they never return); an indeterminate cas
 * whose compare fails is a no-op, which is the same as never happening.
 * Ops that cannot change the verdict are dropped before the search (see
 * mark_dropped): unconstrained reads (Knossos' nil reads, Porcupine's
 * timed-out reads) and indeterminate writes of values nobody observes.
 *
 * String values (Porcupine's kv) are states that grow by append. A state is
 * a node of a trie of appended literals (parent, literal), so an append is
 * O(1) memory whatever the length; two different trie paths with the same
 * text are distinct states, which only costs cache hits, never soundness.
 *
 * Partitions: keys are independent (P-compositionality) unless a txn joins
 * them (union-find). Cheap partitions go first, and budgets grow in rounds
 * (x10) so one hard key cannot starve the others. */
#include "lin_models.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUND_STATES_FIRST 20000

/* ---- string states: a trie of appended literals --------------------- */

struct trie_node {
    int64_t parent; /* -1 for the root ("") */
    int64_t lit;    /* literal id appended to parent */
    size_t len;     /* total length */
};

struct trie {
    struct trie_node *nodes;
    size_t count, capacity, count_max;
    uint64_t *table; /* (node id + 1); 0 = empty */
    size_t table_capacity;
};

static uint64_t pair_hash(int64_t a, int64_t b) {
    uint64_t x = (uint64_t)a * UINT64_C(0x9e3779b97f4a7c15) ^ (uint64_t)b;
    x ^= x >> 31;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    return x ^ (x >> 29);
}

static bool trie_init(struct trie *t, size_t count_max) {
    memset(t, 0, sizeof *t);
    t->count_max = count_max;
    t->capacity = 256;
    t->nodes = malloc(t->capacity * sizeof *t->nodes);
    if (!t->nodes) return false;
    t->nodes[0] = (struct trie_node){.parent = -1, .lit = -1, .len = 0};
    t->count = 1;
    return true;
}

static void trie_deinit(struct trie *t) {
    free(t->nodes);
    free(t->table);
}

static bool trie_grow_table(struct trie *t) {
    size_t capacity = t->table_capacity ? t->table_capacity * 2 : 512;
    uint64_t *table = calloc(capacity, sizeof *table);
    if (!table) return false;
    for (size_t id = 1; id < t->count; id++) {
        size_t j = (size_t)pair_hash(t->nodes[id].parent, t->nodes[id].lit) & (capacity - 1);
        while (table[j]) j = (j + 1) & (capacity - 1);
        table[j] = id + 1;
    }
    free(t->table);
    t->table = table;
    t->table_capacity = capacity;
    return true;
}

/* The node for parent + literal; -1 when out of budget or memory. */
static int64_t trie_child(struct trie *t, const struct lin_strings *lits, int64_t parent, int64_t lit) {
    size_t lit_len;
    lin_strings_get(lits, lit, &lit_len);
    if (lit_len == 0) return parent;
    if ((t->count + 1) * 2 > t->table_capacity && !trie_grow_table(t)) return -1;
    size_t mask = t->table_capacity - 1;
    size_t j = (size_t)pair_hash(parent, lit) & mask;
    for (; t->table[j]; j = (j + 1) & mask) {
        const struct trie_node *n = &t->nodes[t->table[j] - 1];
        if (n->parent == parent && n->lit == lit) return (int64_t)(t->table[j] - 1);
    }
    if (t->count >= t->count_max) return -1;
    if (t->count == t->capacity) {
        struct trie_node *nodes = realloc(t->nodes, t->capacity * 2 * sizeof *nodes);
        if (!nodes) return -1;
        t->nodes = nodes;
        t->capacity *= 2;
    }
    t->nodes[t->count] = (struct trie_node){parent, lit, t->nodes[parent].len + lit_len};
    t->table[j] = t->count + 1;
    return (int64_t)t->count++;
}

/* True when the text of `node` equals literal `lit`. */
static bool trie_equals(const struct trie *t, const struct lin_strings *lits, int64_t node,
                        int64_t lit) {
    size_t len;
    const char *s = lin_strings_get(lits, lit, &len);
    if (t->nodes[node].len != len) return false;
    size_t pos = len;
    for (int64_t n = node; n > 0; n = t->nodes[n].parent) {
        size_t piece_len;
        const char *piece = lin_strings_get(lits, t->nodes[n].lit, &piece_len);
        pos -= piece_len;
        if (memcmp(s + pos, piece, piece_len) != 0) return false;
    }
    return true;
}

/* Writes the text of `node` (its tail when long) into buf. */
static void trie_text(const struct trie *t, const struct lin_strings *lits, int64_t node, char *buf,
                      size_t size) {
    char tail[64];
    size_t pos = sizeof tail - 1;
    tail[pos] = '\0';
    for (int64_t n = node; n > 0 && pos > 0; n = t->nodes[n].parent) {
        size_t piece_len;
        const char *piece = lin_strings_get(lits, t->nodes[n].lit, &piece_len);
        for (size_t i = piece_len; i > 0 && pos > 0; i--) tail[--pos] = piece[i - 1];
    }
    snprintf(buf, size, "\"%s%s\"", t->nodes[node].len > sizeof tail - 1 ? "..." : "", tail + pos);
}

/* ---- the model ------------------------------------------------------ */

struct model_ctx {
    const struct lin_history *h;
    enum lin_model_kind kind;
    const size_t *ops;          /* partition op -> history op */
    const int32_t *op_slot;     /* partition op -> state slot */
    const int32_t *micro_slot;  /* history micro -> state slot */
    int words;                  /* state words of the partition */
    struct trie trie;           /* string values only */
};

static bool value_eq(const struct model_ctx *c, int64_t state_value, int64_t v) {
    if (!c->h->string_values || v == DSLAB_HISTORY_NIL || state_value == DSLAB_HISTORY_NIL) {
        return state_value == v;
    }
    return trie_equals(&c->trie, &c->h->strings, state_value, v);
}

/* The state value after writing literal `v`; false when out of budget. */
static bool value_set(struct model_ctx *c, int64_t v, int64_t *out) {
    if (!c->h->string_values || v == DSLAB_HISTORY_NIL) {
        *out = v;
        return true;
    }
    *out = trie_child(&c->trie, &c->h->strings, 0, v);
    return *out >= 0;
}

static bool value_append(struct model_ctx *c, int64_t state_value, int64_t v, int64_t *out) {
    if (v == DSLAB_HISTORY_NIL) {
        *out = state_value;
        return true;
    }
    *out = trie_child(&c->trie, &c->h->strings, state_value == DSLAB_HISTORY_NIL ? 0 : state_value, v);
    return *out >= 0;
}

static int step_txn(struct model_ctx *c, const struct lin_op *op, int64_t *out) {
    for (uint32_t k = 0; k < op->micro_count; k++) {
        size_t mi = op->micro_first + k;
        const struct lin_micro *m = &c->h->micros[mi];
        int32_t slot = c->micro_slot[mi];
        if (m->fn == DSLAB_OP_READ) {
            if (!m->unknown && !(op->flags & LIN_OP_OPEN) && !value_eq(c, out[slot], m->value)) {
                return LIN_STEP_ILLEGAL;
            }
        } else if (!value_set(c, m->value, &out[slot])) {
            return LIN_STEP_EXHAUSTED;
        }
    }
    return LIN_STEP_OK;
}

static int model_step(void *vctx, size_t i, const int64_t *state, int64_t *out) {
    struct model_ctx *c = vctx;
    const struct lin_op *op = &c->h->ops[c->ops[i]];
    int32_t slot = c->op_slot[i];
    memcpy(out, state, sizeof *out * (size_t)c->words);
    switch (op->fn) {
    case DSLAB_OP_ACQUIRE:
        if (state[0] != 0) return LIN_STEP_ILLEGAL;
        out[0] = 1;
        return LIN_STEP_OK;
    case DSLAB_OP_RELEASE:
        if (state[0] != 1) return LIN_STEP_ILLEGAL;
        out[0] = 0;
        return LIN_STEP_OK;
    case DSLAB_OP_READ:
        if (op->flags & (LIN_OP_OUT_UNKNOWN | LIN_OP_OPEN)) return LIN_STEP_OK;
        return value_eq(c, state[slot], op->value) ? LIN_STEP_OK : LIN_STEP_ILLEGAL;
    case DSLAB_OP_WRITE:
        return value_set(c, op->value, &out[slot]) ? LIN_STEP_OK : LIN_STEP_EXHAUSTED;
    case DSLAB_OP_APPEND:
        return value_append(c, state[slot], op->value, &out[slot]) ? LIN_STEP_OK
                                                                     : LIN_STEP_EXHAUSTED;
    case DSLAB_OP_CAS: {
        bool eq = value_eq(c, state[slot], op->expected);
        if (op->flags & LIN_OP_CAS_FAILED) return eq ? LIN_STEP_ILLEGAL : LIN_STEP_OK;
        if (!eq) return op->flags & LIN_OP_OPEN ? LIN_STEP_OK : LIN_STEP_ILLEGAL;
        return value_set(c, op->value, &out[slot]) ? LIN_STEP_OK : LIN_STEP_EXHAUSTED;
    }
    case LIN_FN_TXN:
        return step_txn(c, op, out);
    default:
        return LIN_STEP_ILLEGAL;
    }
}

/* Operations that never change the state (lin_search.h). */
static bool model_pure(void *vctx, size_t i) {
    const struct model_ctx *c = vctx;
    const struct lin_op *op = &c->h->ops[c->ops[i]];
    return op->fn == DSLAB_OP_READ || (op->fn == DSLAB_OP_CAS && (op->flags & LIN_OP_CAS_FAILED));
}

/* ---- fitting a history to a model ----------------------------------- */

static const char *model_hint(int fn) {
    switch (fn) {
    case DSLAB_OP_CAS: return " (try --model cas-register or kv)";
    case DSLAB_OP_APPEND:
    case LIN_FN_TXN: return " (try --model kv)";
    case DSLAB_OP_ACQUIRE:
    case DSLAB_OP_RELEASE: return " (try --model mutex)";
    default: return "";
    }
}

static bool model_allows(enum lin_model_kind kind, int fn) {
    switch (kind) {
    case LIN_MODEL_REGISTER: return fn == DSLAB_OP_READ || fn == DSLAB_OP_WRITE;
    case LIN_MODEL_CAS_REGISTER: return fn == DSLAB_OP_READ || fn == DSLAB_OP_WRITE || fn == DSLAB_OP_CAS;
    case LIN_MODEL_KV:
        return fn == DSLAB_OP_READ || fn == DSLAB_OP_WRITE || fn == DSLAB_OP_CAS || fn == DSLAB_OP_APPEND || fn == LIN_FN_TXN;
    case LIN_MODEL_MUTEX: return fn == DSLAB_OP_ACQUIRE || fn == DSLAB_OP_RELEASE;
    }
    return false;
}

static const char *fn_text(int fn) {
    return fn == LIN_FN_TXN ? "txn" : dslab_op_fn_name((enum dslab_op_fn)fn);
}

static int validate(const struct lin_history *h, const struct lin_check_config *cfg, const char *file,
                    struct dslab_diag *diag) {
    for (size_t i = 0; i < h->ops_count; i++) {
        const struct lin_op *op = &h->ops[i];
        if (!model_allows(cfg->model, op->fn)) {
            return dslab_diag_set(diag, file, op->call_line, op->call_col,
                            "the %s model has no '%s' operation%s", lin_model_name(cfg->model),
                            fn_text(op->fn), model_hint(op->fn));
        }
        if (op->fn == DSLAB_OP_APPEND && !h->string_values) {
            return dslab_diag_set(diag, file, op->call_line, op->call_col,
                            "'append' needs string values, this history has integers");
        }
        if (cfg->model != LIN_MODEL_KV && op->key != h->ops[0].key) {
            char a[80], b[80];
            return dslab_diag_set(diag, file, op->call_line, op->call_col,
                            "operation on key %s after key %s: the %s model has one value "
                            "(try --model kv)",
                            lin_key_describe(h, op->key, a, sizeof a),
                            lin_key_describe(h, h->ops[0].key, b, sizeof b),
                            lin_model_name(cfg->model));
        }
    }
    return 0;
}

/* Reads whose result is unconstrained: they can always be placed inside
 * their own window, so they never change the verdict. */
static bool read_unconstrained(const struct lin_history *h, const struct lin_op *op) {
    if (op->fn == DSLAB_OP_READ) return (op->flags & (LIN_OP_OUT_UNKNOWN | LIN_OP_OPEN)) != 0;
    if (op->fn != LIN_FN_TXN) return false;
    for (uint32_t k = 0; k < op->micro_count; k++) {
        const struct lin_micro *m = &h->micros[op->micro_first + k];
        if (m->fn != DSLAB_OP_READ) return false;
        if (!m->unknown && !(op->flags & LIN_OP_OPEN)) return false;
    }
    return true;
}

struct pair {
    int64_t key, value;
};

static int cmp_pair(const void *a, const void *b) {
    const struct pair *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->value < y->value ? -1 : x->value > y->value;
}

/* Marks the ops the search can skip: unconstrained reads, and (integer
 * registers without txns) indeterminate writes and cas whose new value no
 * op on that key ever observes (no read returns it, no cas expects it),
 * on keys with no failed cas. Such a write can only lead to states nobody
 * reads, and being optional it can always be left out; timeouts during a
 * partition produce many of them, each doubling the search. Returns false
 * when out of memory. */
static bool mark_dropped(const struct lin_history *h, enum lin_model_kind kind, bool *dropped) {
    bool reduce = kind != LIN_MODEL_MUTEX && !h->string_values;
    for (size_t i = 0; i < h->ops_count; i++) {
        dropped[i] = read_unconstrained(h, &h->ops[i]);
        if (h->ops[i].fn == LIN_FN_TXN) reduce = false;
    }
    if (!reduce) return true;
    struct pair *seen = malloc((h->ops_count + 1) * sizeof *seen);
    if (!seen) return false;
    size_t n = 0;
    for (size_t i = 0; i < h->ops_count; i++) {
        const struct lin_op *op = &h->ops[i];
        int64_t key = kind == LIN_MODEL_KV ? op->key : 0;
        if (op->fn == DSLAB_OP_READ && !dropped[i]) seen[n++] = (struct pair){key, op->value};
        if (op->fn == DSLAB_OP_CAS && op->flags & LIN_OP_CAS_FAILED) seen[n++] = (struct pair){key, INT64_MAX};
        if (op->fn == DSLAB_OP_CAS && !(op->flags & LIN_OP_CAS_FAILED)) seen[n++] = (struct pair){key, op->expected};
    }
    qsort(seen, n, sizeof *seen, cmp_pair);
    for (size_t i = 0; i < h->ops_count; i++) {
        const struct lin_op *op = &h->ops[i];
        if (!(op->flags & LIN_OP_OPEN) || (op->fn != DSLAB_OP_WRITE && op->fn != DSLAB_OP_CAS)) continue;
        int64_t key = kind == LIN_MODEL_KV ? op->key : 0;
        struct pair any_failed = {key, INT64_MAX}, mine = {key, op->value};
        if (bsearch(&any_failed, seen, n, sizeof *seen, cmp_pair)) continue;
        if (!bsearch(&mine, seen, n, sizeof *seen, cmp_pair)) dropped[i] = true;
    }
    free(seen);
    return true;
}

/* ---- partitions ----------------------------------------------------- */

struct partition {
    int64_t key;   /* smallest key */
    size_t first;  /* into plan.ops */
    size_t count;
    int words;
};

struct plan {
    size_t *ops;          /* history op indices, grouped by partition */
    int32_t *op_slot;     /* parallel to ops */
    int32_t *micro_slot;  /* per history micro */
    struct partition *parts;
    size_t parts_count;
};

static void plan_free(struct plan *p) {
    free(p->ops);
    free(p->op_slot);
    free(p->micro_slot);
    free(p->parts);
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static size_t key_index(const int64_t *keys, size_t n, int64_t key) {
    const int64_t *k = bsearch(&key, keys, n, sizeof *keys, cmp_i64);
    return k ? (size_t)(k - keys) : 0;
}

static size_t uf_find(size_t *parent, size_t x) {
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

/* First key of an op (for txn: its first micro's). */
static int64_t op_key(const struct lin_history *h, const struct lin_op *op) {
    return op->fn == LIN_FN_TXN && op->micro_count ? h->micros[op->micro_first].key : op->key;
}

/* The distinct keys of the kept ops, a union-find over them (joined by
 * txns), and for each key its partition and state slot. */
struct key_table {
    int64_t *keys; /* sorted, distinct */
    size_t count;
    size_t *parent;
    size_t *part_of_key;
    int32_t *slot_of_key;
};

static void key_table_free(struct key_table *kt) {
    free(kt->keys);
    free(kt->parent);
    free(kt->part_of_key);
    free(kt->slot_of_key);
}

static size_t key_slot_index(const struct key_table *kt, enum lin_model_kind kind, int64_t key) {
    return key_index(kt->keys, kt->count, kind == LIN_MODEL_KV ? key : 0);
}

/* Collects the sorted distinct keys and joins the keys of each txn. */
static int key_table_build(const struct lin_history *h, enum lin_model_kind kind,
                           const bool *dropped, struct key_table *kt) {
    memset(kt, 0, sizeof *kt);
    kt->keys = malloc((h->ops_count + h->micros_count + 1) * sizeof *kt->keys);
    if (!kt->keys) return -1;
    size_t n = 0;
    for (size_t i = 0; i < h->ops_count; i++) {
        const struct lin_op *op = &h->ops[i];
        if (dropped[i]) continue;
        if (kind != LIN_MODEL_KV) {
            kt->keys[n++] = 0;
        } else if (op->fn == LIN_FN_TXN) {
            for (uint32_t k = 0; k < op->micro_count; k++) kt->keys[n++] = h->micros[op->micro_first + k].key;
        } else {
            kt->keys[n++] = op->key;
        }
    }
    qsort(kt->keys, n, sizeof *kt->keys, cmp_i64);
    size_t u = 0;
    for (size_t i = 0; i < n; i++) {
        if (u == 0 || kt->keys[u - 1] != kt->keys[i]) kt->keys[u++] = kt->keys[i];
    }
    kt->count = u;
    kt->parent = malloc((u + 1) * sizeof *kt->parent);
    kt->part_of_key = malloc((u + 1) * sizeof *kt->part_of_key);
    kt->slot_of_key = malloc((u + 1) * sizeof *kt->slot_of_key);
    if (!kt->parent || !kt->part_of_key || !kt->slot_of_key) return -1;
    for (size_t k = 0; k < u; k++) kt->parent[k] = k;
    for (size_t i = 0; kind == LIN_MODEL_KV && i < h->ops_count; i++) {
        const struct lin_op *op = &h->ops[i];
        if (op->fn != LIN_FN_TXN || dropped[i]) continue;
        size_t a = uf_find(kt->parent, key_index(kt->keys, u, op_key(h, op)));
        for (uint32_t k = 1; k < op->micro_count; k++) {
            size_t b = uf_find(kt->parent, key_index(kt->keys, u, h->micros[op->micro_first + k].key));
            if (a != b) kt->parent[b] = a;
        }
    }
    return 0;
}

/* Numbers the partitions by their smallest key; gives each key a slot. */
static int plan_assign(struct plan *p, struct key_table *kt, const char *file, struct dslab_diag *diag) {
    size_t *part_of_root = malloc((kt->count + 1) * sizeof *part_of_root);
    p->parts = calloc(kt->count + 1, sizeof *p->parts);
    if (!part_of_root || !p->parts) {
        free(part_of_root);
        return dslab_diag_set(diag, file, 0, 0, "out of memory");
    }
    for (size_t k = 0; k < kt->count; k++) part_of_root[k] = SIZE_MAX;
    for (size_t k = 0; k < kt->count; k++) {
        size_t r = uf_find(kt->parent, k);
        if (part_of_root[r] == SIZE_MAX) {
            part_of_root[r] = p->parts_count++;
            p->parts[part_of_root[r]].key = kt->keys[k];
        }
        struct partition *part = &p->parts[part_of_root[r]];
        kt->part_of_key[k] = part_of_root[r];
        kt->slot_of_key[k] = part->words++;
        if (part->words > LIN_STATE_WORDS_MAX) {
            free(part_of_root);
            return dslab_diag_set(diag, file, 0, 0, "transactions join more than %d keys into one "
                            "partition; the kv model cannot check that", LIN_STATE_WORDS_MAX);
        }
    }
    free(part_of_root);
    return 0;
}

/* Places the kept ops, in history order, into their partitions' ranges. */
static int plan_place_ops(const struct lin_history *h, enum lin_model_kind kind, struct plan *p,
                          const bool *dropped, const struct key_table *kt, const char *file,
                          struct dslab_diag *diag) {
    for (size_t i = 0; i < h->ops_count; i++) {
        if (dropped[i]) continue;
        p->parts[kt->part_of_key[key_slot_index(kt, kind, op_key(h, &h->ops[i]))]].count++;
    }
    size_t *fill = malloc((p->parts_count + 1) * sizeof *fill);
    if (!fill) return dslab_diag_set(diag, file, 0, 0, "out of memory");
    for (size_t q = 0, at = 0; q < p->parts_count; q++) {
        p->parts[q].first = fill[q] = at;
        at += p->parts[q].count;
        if (p->parts[q].count > LIN_SEARCH_OPS_MAX) {
            free(fill);
            return dslab_diag_set(diag, file, 0, 0, "more than %u operations in one partition",
                            (unsigned)LIN_SEARCH_OPS_MAX);
        }
    }
    for (size_t i = 0; i < h->ops_count; i++) {
        const struct lin_op *op = &h->ops[i];
        if (dropped[i]) continue;
        size_t k = key_slot_index(kt, kind, op_key(h, op));
        size_t at = fill[kt->part_of_key[k]]++;
        p->ops[at] = i;
        p->op_slot[at] = kt->slot_of_key[k];
        for (uint32_t m = 0; kind == LIN_MODEL_KV && op->fn == LIN_FN_TXN && m < op->micro_count; m++) {
            size_t mi = op->micro_first + m;
            p->micro_slot[mi] = kt->slot_of_key[key_index(kt->keys, kt->count, h->micros[mi].key)];
        }
    }
    free(fill);
    return 0;
}

/* Splits the kept ops into partitions; one partition unless the model is kv. */
static int plan_build(const struct lin_history *h, enum lin_model_kind kind, struct plan *p,
                      const char *file, struct dslab_diag *diag) {
    memset(p, 0, sizeof *p);
    struct key_table kt;
    p->ops = malloc((h->ops_count + 1) * sizeof *p->ops);
    p->op_slot = malloc((h->ops_count + 1) * sizeof *p->op_slot);
    p->micro_slot = calloc(h->micros_count + 1, sizeof *p->micro_slot);
    bool *dropped = malloc(h->ops_count + 1);
    int rc;
    memset(&kt, 0, sizeof kt);
    if (!dropped || !mark_dropped(h, kind, dropped) || key_table_build(h, kind, dropped, &kt) < 0 ||
        !p->ops || !p->op_slot || !p->micro_slot) {
        rc = dslab_diag_set(diag, file, 0, 0, "out of memory");
    } else {
        rc = plan_assign(p, &kt, file, diag);
        if (rc == 0) rc = plan_place_ops(h, kind, p, dropped, &kt, file, diag);
    }
    key_table_free(&kt);
    free(dropped);
    if (rc < 0) plan_free(p);
    return rc;
}

/* ---- the driver ----------------------------------------------------- */

static void state_value_text(const struct model_ctx *c, int64_t v, char *buf, size_t size) {
    if (c->h->string_values && v != DSLAB_HISTORY_NIL) {
        trie_text(&c->trie, &c->h->strings, v, buf, size);
    } else {
        lin_value_describe(c->h, v, buf, size);
    }
}

/* Describes the state the blocked op saw: the values of the keys it uses. */
static void describe_state(const struct model_ctx *c, size_t part_op, const int64_t *state, char *buf,
                           size_t size) {
    const struct lin_op *op = &c->h->ops[c->ops[part_op]];
    char v[96], k[80];
    if (c->kind == LIN_MODEL_MUTEX) {
        snprintf(buf, size, "%s", state[0] ? "held" : "free");
    } else if (op->fn != LIN_FN_TXN) {
        state_value_text(c, state[c->op_slot[part_op]], buf, size);
    } else {
        size_t used = 0;
        buf[0] = '\0';
        for (uint32_t m = 0; m < op->micro_count && used + 1 < size; m++) {
            size_t mi = op->micro_first + m;
            state_value_text(c, state[c->micro_slot[mi]], v, sizeof v);
            const char *key = c->h->keys_are_strings
                                  ? lin_strings_get(&c->h->strings, c->h->micros[mi].key, NULL)
                                  : lin_key_describe(c->h, c->h->micros[mi].key, k, sizeof k);
            int n = snprintf(buf + used, size - used, "%s%s=%s", m ? ", " : "", key, v);
            used += n > 0 ? (size_t)n : 0;
        }
    }
}

static void init_state(struct model_ctx *c, const struct lin_check_config *cfg, int64_t *state) {
    int64_t v;
    if (c->kind == LIN_MODEL_MUTEX) {
        v = cfg->initial_set ? cfg->initial : 0;
    } else if (cfg->initial_set) {
        if (!value_set(c, cfg->initial, &v)) v = DSLAB_HISTORY_NIL; /* trie is fresh: cannot fail */
    } else {
        v = c->h->string_values ? 0 : DSLAB_HISTORY_NIL; /* "" or nil */
    }
    for (int i = 0; i < c->words; i++) state[i] = v;
}

/* One search over partition `q` with `states_max` cache entries. */
static void run_partition(const struct lin_history *h, const struct lin_check_config *cfg,
                          const struct plan *p, size_t q, uint64_t states_max,
                          struct lin_partition_report *rep) {
    const struct partition *part = &p->parts[q];
    struct model_ctx c = {.h = h, .kind = cfg->model, .ops = p->ops + part->first,
                          .op_slot = p->op_slot + part->first, .micro_slot = p->micro_slot,
                          .words = part->words};
    struct lin_search_op *sops = malloc((part->count + 1) * sizeof *sops);
    if (!sops || !trie_init(&c.trie, (size_t)states_max + part->count + 1024)) {
        free(sops);
        trie_deinit(&c.trie);
        rep->verdict = LIN_UNKNOWN;
        rep->unknown_reason = LIN_UNKNOWN_MEMORY;
        return;
    }
    for (size_t i = 0; i < part->count; i++) {
        const struct lin_op *op = &h->ops[c.ops[i]];
        sops[i].call_pos = op->call_pos;
        sops[i].ret_pos = op->flags & LIN_OP_OPEN ? LIN_POS_NEVER : op->ret_pos;
    }
    int64_t init[LIN_STATE_WORDS_MAX];
    init_state(&c, cfg, init);
    struct lin_model model = {.state_words = part->words, .step = model_step, .pure = model_pure};
    struct lin_search_config sc = {.model = &model, .model_ctx = &c, .init_state = init,
                                   .ops = sops, .ops_count = part->count,
                                   .states_max = states_max, .bytes_max = cfg->bytes_max};
    struct lin_search_result r;
    lin_search_run(&sc, &r);
    rep->checked = true;
    rep->verdict = r.verdict;
    rep->unknown_reason = r.unknown_reason;
    rep->states = r.states;
    rep->linearized_count = r.depth_max;
    rep->blocked_op = r.blocked_op != SIZE_MAX ? c.ops[r.blocked_op] : SIZE_MAX;
    rep->last_op = r.depth_max > 0 ? c.ops[r.prefix[r.depth_max - 1]] : SIZE_MAX;
    rep->state[0] = '\0';
    if (r.verdict == LIN_NOT_LINEARIZABLE && r.blocked_op != SIZE_MAX) {
        describe_state(&c, r.blocked_op, r.state, rep->state, sizeof rep->state);
    }
    lin_search_result_deinit(&r);
    trie_deinit(&c.trie);
    free(sops);
}

static void sort_by_cost(const struct plan *p, size_t *order) {
    for (size_t q = 0; q < p->parts_count; q++) order[q] = q;
    /* Insertion sort: partitions are few, and this keeps the code reentrant. */
    for (size_t i = 1; i < p->parts_count; i++) {
        size_t v = order[i], j = i;
        while (j > 0) {
            const struct partition *a = &p->parts[order[j - 1]], *b = &p->parts[v];
            if (a->count < b->count || (a->count == b->count && order[j - 1] < v)) break;
            order[j] = order[j - 1];
            j--;
        }
        order[j] = v;
    }
}

int lin_check(const struct lin_history *h, const struct lin_check_config *cfg, const char *file,
              struct lin_check_report *report, struct dslab_diag *diag) {
    memset(report, 0, sizeof *report);
    report->first_fail = SIZE_MAX;
    if (cfg->states_max == 0 || cfg->bytes_max == 0) {
        return dslab_diag_set(diag, file, 0, 0, "the search budget must be positive");
    }
    if (validate(h, cfg, file, diag) < 0) return -1;
    struct plan p;
    if (plan_build(h, cfg->model, &p, file, diag) < 0) return -1;
    size_t *order = malloc((p.parts_count + 1) * sizeof *order);
    bool *pending = malloc(p.parts_count + 1);
    report->partitions = calloc(p.parts_count + 1, sizeof *report->partitions);
    if (!order || !pending || !report->partitions) {
        free(order);
        free(pending);
        plan_free(&p);
        lin_check_report_deinit(report);
        return dslab_diag_set(diag, file, 0, 0, "out of memory");
    }
    report->partitions_count = p.parts_count;
    sort_by_cost(&p, order);
    for (size_t i = 0; i < p.parts_count; i++) {
        struct lin_partition_report *rep = &report->partitions[i];
        rep->key = p.parts[order[i]].key;
        rep->ops_count = p.parts[order[i]].count;
        rep->blocked_op = rep->last_op = SIZE_MAX;
        rep->states_budget = cfg->states_max;
        if (cfg->states_per_op > 0 &&
            (uint64_t)rep->ops_count > cfg->states_max / cfg->states_per_op) {
            rep->states_budget = (uint64_t)rep->ops_count * cfg->states_per_op;
        }
        pending[i] = true;
    }
    /* Rounds: each pending partition is searched again from scratch with
     * ten times the states, up to its own budget. */
    uint64_t round = ROUND_STATES_FIRST;
    bool stop = false, any_pending = p.parts_count > 0;
    while (!stop && any_pending) {
        any_pending = false;
        for (size_t i = 0; i < p.parts_count && !stop; i++) {
            if (!pending[i]) continue;
            struct lin_partition_report *rep = &report->partitions[i];
            uint64_t states_max = round < rep->states_budget ? round : rep->states_budget;
            run_partition(h, cfg, &p, order[i], states_max, rep);
            report->states_all_rounds += rep->states;
            bool retry = rep->verdict == LIN_UNKNOWN && rep->unknown_reason == LIN_UNKNOWN_STATES &&
                         states_max < rep->states_budget;
            pending[i] = retry;
            any_pending |= retry;
            if (rep->verdict == LIN_NOT_LINEARIZABLE && report->first_fail == SIZE_MAX) {
                report->first_fail = i;
                stop = cfg->stop_at_first_fail;
            }
        }
        round = round > UINT64_MAX / 10 ? UINT64_MAX : round * 10;
    }
    report->verdict = LIN_LINEARIZABLE;
    for (size_t i = 0; i < p.parts_count; i++) {
        const struct lin_partition_report *rep = &report->partitions[i];
        if (!rep->checked) continue;
        report->states_total += rep->states;
        if (rep->verdict == LIN_NOT_LINEARIZABLE) report->verdict = LIN_NOT_LINEARIZABLE;
        if (rep->verdict == LIN_UNKNOWN && report->verdict == LIN_LINEARIZABLE) report->verdict = LIN_UNKNOWN;
    }
    free(order);
    free(pending);
    plan_free(&p);
    return 0;
}

void lin_check_report_deinit(struct lin_check_report *r) {
    free(r->partitions);
    r->partitions = NULL;
    r->partitions_count = 0;
}
