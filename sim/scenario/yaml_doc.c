/* yaml_doc.c: libyaml events -> a tree of ynodes (see dslab/yaml_tree.h and yaml_doc.h).
 *
 * One pass over libyaml's event stream with an explicit stack (depth is
 * bounded by DSLAB_YAML_DEPTH_MAX, so no recursion on input). Aliases are
 * copied, and counted before copying (nodes and scalar text bytes), so a
 * "billion laughs" file stops at DSLAB_YAML_NODES_MAX and an alias bomb of
 * big scalars at DSLAB_YAML_TEXT_BYTES_MAX, with an error at the alias,
 * instead of eating memory. An alias copy shares its anchor's text, so the
 * parser itself holds at most the file's text plus the nodes. An anchor is
 * registered when its node is complete, so an alias can never refer to an
 * enclosing node (no cycles). Nodes live in an arena of blocks taken from
 * the scenario_alloc hooks; dslab_ydoc_free() returns the blocks. */
#include "scenario/yaml_doc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "dslab/limits.h"
#include "dslab/text.h"

#define BLOCK_BYTES (16 * 1024)

struct dslab_ydoc_block {
    struct dslab_ydoc_block *next;
    size_t used;
    size_t size;
    /* followed by `size` bytes, max-aligned */
};

/* ---- allocation ---------------------------------------------------------- */

static void *libc_malloc(size_t size, void *user) {
    (void)user;
    return malloc(size);
}
static void *libc_realloc(void *ptr, size_t size, void *user) {
    (void)user;
    return realloc(ptr, size);
}
static void libc_free(void *ptr, void *user) {
    (void)user;
    free(ptr);
}

void ydoc_alloc_init(struct dslab_scenario_alloc *alloc, const struct dslab_scenario_alloc *hooks) {
    alloc->malloc_fn = hooks && hooks->malloc_fn ? hooks->malloc_fn : libc_malloc;
    alloc->realloc_fn = hooks && hooks->realloc_fn ? hooks->realloc_fn : libc_realloc;
    alloc->free_fn = hooks && hooks->free_fn ? hooks->free_fn : libc_free;
    alloc->user = hooks ? hooks->user : NULL;
}

static size_t block_header_bytes(void) {
    size_t align = _Alignof(max_align_t);
    return (sizeof(struct dslab_ydoc_block) + align - 1) / align * align;
}

void *ydoc_alloc(struct dslab_ydoc *doc, size_t size) {
    size_t align = _Alignof(max_align_t);
    size = (size + align - 1) / align * align;
    struct dslab_ydoc_block *b = doc->blocks;
    if (!b || b->size - b->used < size) {
        size_t payload = size > BLOCK_BYTES / 4 ? size : BLOCK_BYTES;
        b = doc->alloc.malloc_fn(block_header_bytes() + payload, doc->alloc.user);
        if (!b) return NULL;
        b->size = payload;
        b->used = 0;
        if (payload == size && doc->blocks) {
            /* A big allocation: keep the current block on top for small ones. */
            b->next = doc->blocks->next;
            doc->blocks->next = b;
        } else {
            b->next = doc->blocks;
            doc->blocks = b;
        }
    }
    char *p = (char *)b + block_header_bytes() + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

char *ydoc_strdup(struct dslab_ydoc *doc, const char *text, size_t len) {
    char *s = ydoc_alloc(doc, len + 1);
    if (!s) return NULL;
    memcpy(s, text, len);
    s[len] = '\0';
    return s;
}

void dslab_ydoc_free(struct dslab_ydoc *doc) {
    struct dslab_ydoc_block *b = doc->blocks;
    while (b) {
        struct dslab_ydoc_block *next = b->next;
        doc->alloc.free_fn(b, doc->alloc.user);
        b = next;
    }
    doc->blocks = NULL;
    doc->root = NULL;
}

/* ---- queries ------------------------------------------------------------- */

struct dslab_ynode *dslab_ydoc_map_key(const struct dslab_ynode *map, const char *key) {
    if (!map || map->kind != DSLAB_YNODE_MAPPING) return NULL;
    for (struct dslab_ynode *k = map->first; k; k = k->next) {
        if (strcmp(k->text, key) == 0) return k;
    }
    return NULL;
}

struct dslab_ynode *dslab_ydoc_map_get(const struct dslab_ynode *map, const char *key) {
    struct dslab_ynode *k = dslab_ydoc_map_key(map, key);
    return k ? k->value : NULL;
}

struct dslab_ynode *dslab_ydoc_seq_at(const struct dslab_ynode *seq, int index) {
    if (!seq || seq->kind != DSLAB_YNODE_SEQUENCE || index < 0) return NULL;
    struct dslab_ynode *n = seq->first;
    while (n && index-- > 0) n = n->next;
    return n;
}

bool dslab_ydoc_is_null(const struct dslab_ynode *n) {
    return n && n->kind == DSLAB_YNODE_SCALAR && n->plain &&
           (n->text[0] == '\0' || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
            strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0);
}

const char *dslab_ydoc_kind_name(const struct dslab_ynode *n) {
    if (!n) return "nothing";
    switch (n->kind) {
    case DSLAB_YNODE_MAPPING: return "a mapping";
    case DSLAB_YNODE_SEQUENCE: return "a list";
    case DSLAB_YNODE_SCALAR: return dslab_ydoc_is_null(n) ? "nothing" : "a value";
    }
    return "?";
}

void ydoc_mark_origin(struct dslab_ynode *n, const char *origin) {
    /* Depth is bounded by DSLAB_YAML_DEPTH_MAX, so recursion is fine. */
    for (; n; n = n->next) {
        n->line = 0;
        n->col = 0;
        n->origin = origin;
        if (n->value) ydoc_mark_origin(n->value, origin);
        if (n->first) ydoc_mark_origin(n->first, origin);
    }
}

/* ---- the parser ---------------------------------------------------------- */

struct anchor {
    const char *name;
    struct dslab_ynode *node;
    int height; /* levels below the node, for the depth limit after expansion */
};

struct frame {
    bool flow; /* written in { } or [ ] */
    struct dslab_ynode *node;
    struct dslab_ynode *pending_key; /* mapping: key waiting for its value */
    const char *anchor;        /* registered when the node completes */
    int height;
};

struct builder {
    struct dslab_ydoc *doc;
    const char *file;
    struct dslab_diag *diag;
    const char *text;
    size_t len;
    struct frame stack[DSLAB_YAML_DEPTH_MAX + 1];
    int depth;
    struct anchor *anchors;
    int anchors_count;
    struct dslab_ynode *root;
    int root_height;
};

/* The one place libyaml's 0-based marks become 1-based positions. */
static void pos_from_mark(yaml_mark_t mark, int *line, int *col) {
    *line = (int)mark.line + 1;
    *col = (int)mark.column + 1;
}

static int fail_at(struct builder *b, yaml_mark_t mark, const char *fmt, const char *arg) {
    int line, col;
    pos_from_mark(mark, &line, &col);
    return dslab_diag_set(b->diag, b->file, line, col, fmt, arg);
}

static int fail_oom(struct builder *b) {
    return dslab_diag_set(b->diag, b->file, 0, 0, "out of memory while reading the file");
}

static struct dslab_ynode *node_new(struct builder *b, enum dslab_ynode_kind kind, yaml_mark_t mark) {
    struct dslab_ynode *n = ydoc_alloc(b->doc, sizeof *n);
    if (!n) return NULL;
    n->kind = kind;
    pos_from_mark(mark, &n->line, &n->col);
    n->subtree_nodes = 1;
    return n;
}

/* A copy of the tree `src` in `doc`: new nodes; the text is copied too
 * when `copy_text` (src may live in another doc's arena), else shared (an
 * alias: the same doc). */
static struct dslab_ynode *copy_tree(struct dslab_ydoc *doc, const struct dslab_ynode *src,
                                     bool copy_text) {
    struct dslab_ynode *n = ydoc_alloc(doc, sizeof *n);
    if (!n) return NULL;
    *n = *src;
    n->next = NULL;
    n->first = n->last = NULL;
    n->value = NULL;
    if (copy_text && src->text && !(n->text = ydoc_strdup(doc, src->text, src->text_len))) return NULL;
    if (src->value && !(n->value = copy_tree(doc, src->value, copy_text))) return NULL;
    for (const struct dslab_ynode *c = src->first; c; c = c->next) {
        struct dslab_ynode *cc = copy_tree(doc, c, copy_text);
        if (!cc) return NULL;
        if (n->last) n->last->next = cc;
        else n->first = cc;
        n->last = cc;
    }
    return n;
}

/* A copy of `src` (same doc) for an alias: new nodes, shared text. */
static struct dslab_ynode *alias_copy(struct dslab_ydoc *doc, const struct dslab_ynode *src) {
    return copy_tree(doc, src, false);
}

struct dslab_ynode *ydoc_copy(struct dslab_ydoc *doc, const struct dslab_ynode *src) {
    return copy_tree(doc, src, true);
}

/* Orders keys by text, then by position: the second of a run of equal keys
 * is that key's first duplicate. */
static int key_cmp(const void *pa, const void *pb) {
    const struct dslab_ynode *a = *(const struct dslab_ynode *const *)pa;
    const struct dslab_ynode *b = *(const struct dslab_ynode *const *)pb;
    int c = strcmp(a->text, b->text);
    if (c != 0) return c;
    if (a->line != b->line) return a->line < b->line ? -1 : 1;
    return a->col < b->col ? -1 : (a->col > b->col);
}

static bool pos_before(const struct dslab_ynode *a, const struct dslab_ynode *b) {
    return a->line < b->line || (a->line == b->line && a->col < b->col);
}

/* The duplicate key that appears first in the file, or NULL. Small maps
 * (every real one) are checked pairwise; big ones are sorted, O(n log n). */
static int map_find_duplicate(struct builder *b, const struct dslab_ynode *map,
                              const struct dslab_ynode **dup, const struct dslab_ynode **orig) {
    *dup = *orig = NULL;
    if (map->count <= 32) {
        for (const struct dslab_ynode *k = map->first; k; k = k->next) {
            for (const struct dslab_ynode *j = map->first; j != k; j = j->next) {
                if (strcmp(j->text, k->text) == 0) {
                    *dup = k;
                    *orig = j;
                    return 0;
                }
            }
        }
        return 0;
    }
    const struct dslab_ynode **keys =
        b->doc->alloc.malloc_fn(sizeof *keys * (size_t)map->count, b->doc->alloc.user);
    if (!keys) return -1;
    int n = 0;
    for (const struct dslab_ynode *k = map->first; k; k = k->next) keys[n++] = k;
    qsort(keys, (size_t)n, sizeof *keys, key_cmp);
    for (int i = 1; i < n; i++) {
        if (strcmp(keys[i]->text, keys[i - 1]->text) == 0 &&
            (i < 2 || strcmp(keys[i - 2]->text, keys[i]->text) != 0) &&
            (!*dup || pos_before(keys[i], *dup))) {
            *dup = keys[i];
            *orig = keys[i - 1];
        }
    }
    b->doc->alloc.free_fn((void *)keys, b->doc->alloc.user);
    return 0;
}

/* Adds a completed node to the collection on top of the stack (or makes it
 * the root). `height` is the number of levels below it. */
static int attach(struct builder *b, struct dslab_ynode *n, int height, yaml_mark_t mark) {
    if (b->depth == 0) {
        b->root = n;
        b->root_height = height;
        return 0;
    }
    struct frame *top = &b->stack[b->depth - 1];
    if (b->depth + height > DSLAB_YAML_DEPTH_MAX) {
        return fail_at(b, mark, "nesting is deeper than %s levels (DSLAB_YAML_DEPTH_MAX)", "32");
    }
    if (top->height < height + 1) top->height = height + 1;
    struct dslab_ynode *parent = top->node;
    top->node->subtree_nodes += n->subtree_nodes;
    top->node->subtree_text_bytes += n->subtree_text_bytes;
    if (parent->kind == DSLAB_YNODE_MAPPING && !top->pending_key) {
        if (n->kind != DSLAB_YNODE_SCALAR) {
            return fail_at(b, mark, "a mapping key must be plain text, not %s",
                           n->kind == DSLAB_YNODE_MAPPING ? "a mapping" : "a list");
        }
        top->pending_key = n;
    } else if (parent->kind == DSLAB_YNODE_MAPPING) {
        top->pending_key->value = n;
        n = top->pending_key;
        top->pending_key = NULL;
    }
    if (parent->kind == DSLAB_YNODE_SEQUENCE || n->value) {
        if (parent->last) parent->last->next = n;
        else parent->first = n;
        parent->last = n;
        parent->count++;
    }
    return 0;
}

/* Adds `more` to a running total of the document (`*total`: its nodes or
 * its scalar text after alias expansion); past `max`, fails with
 * `too_many` (a format whose one %s is `max_text`). */
static int count_up(struct builder *b, size_t *total, size_t more, size_t max, const char *too_many,
                    const char *max_text, yaml_mark_t mark) {
    *total += more;
    return *total > max ? fail_at(b, mark, too_many, max_text) : 0;
}

static int count_nodes(struct builder *b, size_t more, yaml_mark_t mark) {
    return count_up(b, &b->doc->nodes_count, more, DSLAB_YAML_NODES_MAX,
                    "more than %s YAML nodes after expanding aliases (DSLAB_YAML_NODES_MAX); "
                    "is this a 'billion laughs' file?",
                    "200000", mark);
}

/* Counts `more` bytes of scalar text (after alias expansion). */
static int count_text(struct builder *b, size_t more, yaml_mark_t mark) {
    return count_up(b, &b->doc->text_bytes, more, DSLAB_YAML_TEXT_BYTES_MAX,
                    "more than %s bytes of text after expanding aliases "
                    "(DSLAB_YAML_TEXT_BYTES_MAX); is this an alias bomb?",
                    "4194304", mark);
}

static int register_anchor(struct builder *b, const char *name, struct dslab_ynode *n, int height,
                           yaml_mark_t mark) {
    if (!name) return 0;
    if (b->anchors_count == YDOC_ANCHORS_MAX) {
        return fail_at(b, mark, "more than %s anchors in one file", "1024");
    }
    if (!b->anchors) {
        b->anchors = ydoc_alloc(b->doc, sizeof *b->anchors * YDOC_ANCHORS_MAX);
        if (!b->anchors) return fail_oom(b);
    }
    b->anchors[b->anchors_count++] = (struct anchor){name, n, height};
    return 0;
}

static int on_scalar(struct builder *b, const yaml_event_t *ev) {
    const char *value = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    if (count_nodes(b, 1, ev->start_mark) < 0) return -1;
    if (count_text(b, len + 1, ev->start_mark) < 0) return -1;
    struct dslab_ynode *n = node_new(b, DSLAB_YNODE_SCALAR, ev->start_mark);
    if (!n) return fail_oom(b);
    if (memchr(value, '\0', len)) {
        return fail_at(b, ev->start_mark, "text contains a NUL character%s", "");
    }
    /* Escapes ("\ud800", "\e") can make what the file's bytes cannot:
     * invalid UTF-8 and control characters. Tab and newline are text. */
    size_t bad;
    if (!dslab_text_utf8_valid(value, len, &bad)) {
        return fail_at(b, ev->start_mark,
                       "text is not valid UTF-8 (an escape makes a surrogate or an invalid "
                       "character)%s", "");
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)value[i];
        bool c1 = c == 0xc2 && i + 1 < len && (unsigned char)value[i + 1] < 0xa0;
        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f || c1) {
            char code[8];
            snprintf(code, sizeof code, "\\x%02x", c1 ? (unsigned char)value[i + 1] : c);
            return fail_at(b, ev->start_mark,
                           "text contains a control character (%s); only tab and newline are "
                           "allowed", code);
        }
    }
    n->text = ydoc_strdup(b->doc, value, len);
    if (!n->text) return fail_oom(b);
    n->text_len = len;
    n->subtree_text_bytes = len + 1;
    n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    n->multiline = ev->start_mark.line != ev->end_mark.line ||
                   ev->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
                   ev->data.scalar.style == YAML_FOLDED_SCALAR_STYLE;
    if (attach(b, n, 0, ev->start_mark) < 0) return -1;
    if (ev->data.scalar.anchor) {
        const char *name = ydoc_strdup(b->doc, (const char *)ev->data.scalar.anchor,
                                       strlen((const char *)ev->data.scalar.anchor));
        if (!name) return fail_oom(b);
        return register_anchor(b, name, n, 0, ev->start_mark);
    }
    return 0;
}

static int on_alias(struct builder *b, const yaml_event_t *ev) {
    const char *name = (const char *)ev->data.alias.anchor;
    const struct anchor *a = NULL;
    for (int i = b->anchors_count - 1; i >= 0; i--) {
        if (strcmp(b->anchors[i].name, name) == 0) {
            a = &b->anchors[i];
            break;
        }
    }
    if (!a) {
        return fail_at(b, ev->start_mark, "unknown alias '*%s' (no anchor of that name before it)",
                       name);
    }
    if (count_nodes(b, a->node->subtree_nodes, ev->start_mark) < 0) return -1;
    if (count_text(b, a->node->subtree_text_bytes, ev->start_mark) < 0) return -1;
    if (b->depth + a->height > DSLAB_YAML_DEPTH_MAX) {
        return fail_at(b, ev->start_mark, "nesting is deeper than %s levels (DSLAB_YAML_DEPTH_MAX)",
                       "32");
    }
    struct dslab_ynode *copy = alias_copy(b->doc, a->node);
    if (!copy) return fail_oom(b);
    /* An anchored mapping key has its value hung on it once its mapping
     * has it: the alias stands for the key alone. (Copied, the value made
     * attach() link the copy twice, a cycle, and the duplicate-key check
     * spun forever on "&a k: x" then "*a : y" in a nested mapping.) */
    copy->value = NULL;
    pos_from_mark(ev->start_mark, &copy->line, &copy->col);
    return attach(b, copy, a->height, ev->start_mark);
}

static int on_collection_start(struct builder *b, const yaml_event_t *ev, enum dslab_ynode_kind kind) {
    if (b->depth >= DSLAB_YAML_DEPTH_MAX) {
        return fail_at(b, ev->start_mark, "nesting is deeper than %s levels (DSLAB_YAML_DEPTH_MAX)",
                       "32");
    }
    if (count_nodes(b, 1, ev->start_mark) < 0) return -1;
    struct dslab_ynode *n = node_new(b, kind, ev->start_mark);
    if (!n) return fail_oom(b);
    const yaml_char_t *anchor = kind == DSLAB_YNODE_MAPPING ? ev->data.mapping_start.anchor
                                                      : ev->data.sequence_start.anchor;
    const char *name = NULL;
    if (anchor) {
        name = ydoc_strdup(b->doc, (const char *)anchor, strlen((const char *)anchor));
        if (!name) return fail_oom(b);
    }
    bool flow = kind == DSLAB_YNODE_MAPPING
                    ? ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                    : ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
    b->stack[b->depth++] = (struct frame){flow, n, NULL, name, 0};
    return 0;
}

/* Parentheses still open in a plain scalar ("uniform(1ms" -> 1). */
static int open_parens(const struct dslab_ynode *n) {
    int depth = 0;
    if (!n || n->kind != DSLAB_YNODE_SCALAR || !n->plain) return 0;
    for (const char *c = n->text; *c; c++) depth += *c == '(' ? 1 : *c == ')' ? -1 : 0;
    return depth;
}

/* In { } and [ ] a comma always separates entries, so the scenario sketch
 * `{ latency: uniform(1ms, 5ms) }` reads as `latency: "uniform(1ms"` plus a
 * key `5ms)` without a value. People write it that way, so a plain scalar
 * with an unclosed '(' takes back the following plain entries (keys
 * without values, in a mapping) until its parentheses close. */
static bool rejoinable(const struct dslab_ynode *coll, const struct dslab_ynode *part) {
    return part && part->plain && part->kind == DSLAB_YNODE_SCALAR &&
           (coll->kind == DSLAB_YNODE_SEQUENCE || dslab_ydoc_is_null(part->value));
}

static int rejoin_flow_commas(struct builder *b, struct dslab_ynode *coll) {
    for (struct dslab_ynode *k = coll->first; k; k = k->next) {
        struct dslab_ynode *v = coll->kind == DSLAB_YNODE_MAPPING ? k->value : k;
        int depth = open_parens(v);
        if (depth <= 0 || !rejoinable(coll, k->next)) continue;
        /* First find the run of parts, then join it in one allocation
         * (joining part by part copied the growing text each time:
         * quadratic in a long run). */
        size_t len = v->text_len;
        struct dslab_ynode *end = k->next; /* first node after the run */
        while (depth > 0 && rejoinable(coll, end)) {
            len += 2 + end->text_len;
            depth += open_parens(end);
            end = end->next;
        }
        /* The ", " between parts is new text: counted like any text. */
        size_t added = len - v->text_len;
        for (struct dslab_ynode *p = k->next; p != end; p = p->next) added -= p->text_len;
        yaml_mark_t mark = {0};
        mark.line = (size_t)(v->line > 0 ? v->line - 1 : 0);
        mark.column = (size_t)(v->col > 0 ? v->col - 1 : 0);
        if (count_text(b, added, mark) < 0) return -1;
        coll->subtree_text_bytes += added;
        char *text = ydoc_alloc(b->doc, len + 1);
        if (!text) return fail_oom(b);
        size_t at = 0;
        memcpy(text, v->text, v->text_len);
        at += v->text_len;
        for (struct dslab_ynode *p = k->next; p != end; p = p->next) {
            memcpy(text + at, ", ", 2);
            memcpy(text + at + 2, p->text, p->text_len);
            at += 2 + p->text_len;
            coll->count--;
            if (coll->last == p) coll->last = k;
        }
        text[at] = '\0';
        v->text = text;
        v->text_len = len;
        v->multiline = true; /* columns inside no longer match the file */
        k->next = end;
    }
    return 0;
}

static int on_collection_end(struct builder *b, const yaml_event_t *ev) {
    struct frame f = b->stack[--b->depth];
    if (f.flow && rejoin_flow_commas(b, f.node) < 0) return -1;
    if (f.node->kind == DSLAB_YNODE_MAPPING) {
        const struct dslab_ynode *dup, *orig;
        if (map_find_duplicate(b, f.node, &dup, &orig) < 0) return fail_oom(b);
        if (dup) {
            return dslab_diag_set(b->diag, b->file, dup->line, dup->col,
                            "duplicate key '%s' (first at line %d)", dup->text, orig->line);
        }
    }
    if (attach(b, f.node, f.height, ev->start_mark) < 0) return -1;
    return register_anchor(b, f.anchor, f.node, f.height, ev->start_mark);
}

/* Byte offset -> 1-based line and column (reader errors carry no mark). */
static void pos_from_offset(const char *text, size_t len, size_t offset, int *line, int *col) {
    *line = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < offset && i < len; i++) {
        if (text[i] == '\n') {
            (*line)++;
            line_start = i + 1;
        }
    }
    *col = (int)(offset - line_start) + 1;
}

static int parser_error(struct builder *b, const yaml_parser_t *p) {
    if (p->error == YAML_MEMORY_ERROR) return fail_oom(b);
    if (p->error == YAML_READER_ERROR) {
        int line, col;
        pos_from_offset(b->text, b->len, p->problem_offset, &line, &col);
        if (p->problem && strstr(p->problem, "leading") && p->problem_value >= 0) {
            return dslab_diag_set(b->diag, b->file, line, col,
                            "the file is not valid UTF-8 text (%s: byte 0x%02x)", p->problem,
                            (unsigned)p->problem_value & 0xffu);
        }
        const char *problem = p->problem ? p->problem : "unreadable";
        return dslab_diag_set(b->diag, b->file, line, col, "the file is not valid %stext (%s)",
                        strstr(problem, "UTF-8") ? "UTF-8 " : "", problem);
    }
    int line, col;
    pos_from_mark(p->problem_mark, &line, &col);
    if (p->problem_mark.index < b->len && b->text[p->problem_mark.index] == '\t') {
        return dslab_diag_set(b->diag, b->file, line, col,
                        "invalid YAML: a tab character; YAML is indented with spaces");
    }
    if (p->context) {
        return dslab_diag_set(b->diag, b->file, line, col, "invalid YAML: %s %s", p->problem,
                        p->context);
    }
    return dslab_diag_set(b->diag, b->file, line, col, "invalid YAML: %s",
                    p->problem ? p->problem : "syntax error");
}

/* Handles one event. Returns 1 at the end of the stream, 0 to go on, -1. */
static int on_event(struct builder *b, const yaml_event_t *ev, int *documents) {
    switch (ev->type) {
    case YAML_STREAM_START_EVENT:
    case YAML_DOCUMENT_END_EVENT: return 0;
    case YAML_STREAM_END_EVENT: return 1;
    case YAML_DOCUMENT_START_EVENT:
        if (++*documents > 1) {
            return fail_at(b, ev->start_mark,
                           "a second YAML document ('---'); a file holds only one%s", "");
        }
        return 0;
    case YAML_SCALAR_EVENT: return on_scalar(b, ev);
    case YAML_ALIAS_EVENT: return on_alias(b, ev);
    case YAML_SEQUENCE_START_EVENT: return on_collection_start(b, ev, DSLAB_YNODE_SEQUENCE);
    case YAML_MAPPING_START_EVENT: return on_collection_start(b, ev, DSLAB_YNODE_MAPPING);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: return on_collection_end(b, ev);
    case YAML_NO_EVENT: return 0;
    }
    return 0;
}

int dslab_ydoc_parse(struct dslab_ydoc *doc, const char *text, size_t len, const char *file,
               const struct dslab_scenario_alloc *hooks, struct dslab_diag *diag) {
    memset(doc, 0, sizeof *doc);
    ydoc_alloc_init(&doc->alloc, hooks);
    if (len > DSLAB_SCENARIO_BYTES_MAX) {
        return dslab_diag_set(diag, file, 0, 0,
                        "the file is larger than %d bytes, the limit for every YAML input (DSLAB_SCENARIO_BYTES_MAX)",
                        DSLAB_SCENARIO_BYTES_MAX);
    }
    /* UTF-16/32 (libyaml would read them), NUL bytes, bad UTF-8: one
     * error with the position of the first bad byte. */
    if (dslab_text_check_file(text, len, file, diag) < 0) return -1;
    struct builder b = {.doc = doc, .file = file, .diag = diag, .text = text, .len = len};
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) return fail_oom(&b);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    int documents = 0, rc = 0;
    while (rc == 0) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            rc = parser_error(&b, &parser);
            break;
        }
        rc = on_event(&b, &ev, &documents);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    if (rc < 0) {
        dslab_ydoc_free(doc);
        return -1;
    }
    doc->root = dslab_ydoc_is_null(b.root) ? NULL : b.root;
    return 0;
}

int dslab_ydoc_load_file(struct dslab_ydoc *doc, const char *path, const struct dslab_scenario_alloc *hooks,
                   struct dslab_diag *diag) {
    memset(doc, 0, sizeof *doc);
    ydoc_alloc_init(&doc->alloc, hooks);
    /* O_NONBLOCK: opening a FIFO must not wait for a writer (a hang);
     * only regular files are read, and for them the flag does nothing. */
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0) {
        return dslab_diag_set(diag, path, 0, 0, "cannot open the file: %s", strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return dslab_diag_set(diag, path, 0, 0, "cannot read the file: %s", strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return dslab_diag_set(diag, path, 0, 0, "%s",
                        S_ISDIR(st.st_mode) ? "is a directory, not a file"
                                            : "is not a regular file");
    }
    if (st.st_size > DSLAB_SCENARIO_BYTES_MAX) {
        close(fd);
        return dslab_diag_set(diag, path, 0, 0,
                        "the file is larger than %d bytes, the limit for every YAML input (DSLAB_SCENARIO_BYTES_MAX)",
                        DSLAB_SCENARIO_BYTES_MAX);
    }
    size_t size = (size_t)st.st_size;
    char *buf = doc->alloc.malloc_fn(size + 1, doc->alloc.user);
    if (!buf) {
        close(fd);
        return dslab_diag_set(diag, path, 0, 0, "out of memory while reading the file");
    }
    size_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
    int read_errno = errno;
    close(fd);
    if (got != size) {
        doc->alloc.free_fn(buf, doc->alloc.user);
        return dslab_diag_set(diag, path, 0, 0, "cannot read the file: %s",
                        strerror(read_errno));
    }
    int rc = dslab_ydoc_parse(doc, buf, size, path, hooks, diag);
    doc->alloc.free_fn(buf, doc->alloc.user);
    return rc;
}
