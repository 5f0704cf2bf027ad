/* yaml_doc.h (private): a scenario file as a small tree of YAML nodes.
 *
 * libyaml's event parser builds a tree of scalars, sequences and mappings,
 * each with its 1-based line and column (libyaml's marks are 0-based; the
 * one conversion is yaml_doc.c's pos_from_mark()). Aliases are expanded by
 * copying the nodes, so the tree is a tree (overrides may edit it); the
 * scalar text of an alias copy is shared with its anchor (text is never
 * edited in place: a change allocates new text). Limits from limits.h are
 * enforced while parsing: file size, nesting depth, nodes after alias
 * expansion, and scalar text bytes after alias expansion (what a reader
 * that copies every string would allocate). Duplicate keys are an error. All memory comes from
 * the scenario_alloc hooks and belongs to the ydoc: ydoc_free() releases it. */
#ifndef DSLAB_SCENARIO_YAML_DOC_H
#define DSLAB_SCENARIO_YAML_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "dslab/diag.h"
#include "dslab/scenario.h"

/* Anchors in one file: real scenarios use a handful; bounds alias lookup. */
#define YDOC_ANCHORS_MAX 1024

enum ynode_kind { YNODE_SCALAR, YNODE_SEQUENCE, YNODE_MAPPING };

struct ynode {
    enum ynode_kind kind;
    int line; /* 1-based; 0 when the node came from a --set override */
    int col;
    const char *origin; /* the override text ("network.loss=0.1") when line == 0 */
    /* scalar */
    char *text; /* NUL-terminated (a NUL inside the scalar ends it early) */
    size_t text_len;
    bool plain;  /* unquoted, so `~`, `null` and "" mean "no value" */
    bool multiline; /* a block or multi-line scalar: columns inside are not exact */
    /* sequence: items; mapping: keys (scalars), each key's value in `value` */
    int count;
    struct ynode *first;
    struct ynode *last;
    struct ynode *next;  /* next item or key in the parent */
    struct ynode *value; /* for mapping keys */
    size_t subtree_nodes; /* nodes in this subtree, itself included */
    size_t subtree_text_bytes; /* scalar text in this subtree, each text_len + 1 */
};

struct ydoc_block;

struct ydoc {
    struct scenario_alloc alloc; /* hooks (never NULL functions) */
    struct ydoc_block *blocks;   /* arena */
    struct ynode *root;          /* NULL for an empty document */
    size_t nodes_count;
    size_t text_bytes; /* scalar text after alias expansion (<= DSLAB_YAML_TEXT_BYTES_MAX) */
};

/* Fills `alloc` from `hooks` (NULL or NULL members = libc). */
void ydoc_alloc_init(struct scenario_alloc *alloc, const struct scenario_alloc *hooks);

/* Parses `text` (len bytes, need not be NUL-terminated). `file` names the
 * source in errors. Returns 0, or -1 with diag set. On failure the doc is
 * already freed. An empty document gives root == NULL and returns 0. */
int ydoc_parse(struct ydoc *doc, const char *text, size_t len, const char *file,
               const struct scenario_alloc *hooks, struct diag *diag);

/* Reads the file at `path` (through the hooks) and parses it. */
int ydoc_load_file(struct ydoc *doc, const char *path, const struct scenario_alloc *hooks,
                   struct diag *diag);

void ydoc_free(struct ydoc *doc);

/* Arena allocation from the doc (zeroed); NULL when out of memory. */
void *ydoc_alloc(struct ydoc *doc, size_t size);
char *ydoc_strdup(struct ydoc *doc, const char *text, size_t len);

/* The value of `key` in a mapping, or NULL. */
struct ynode *ydoc_map_get(const struct ynode *map, const char *key);
/* The key node of `key` in a mapping, or NULL. */
struct ynode *ydoc_map_key(const struct ynode *map, const char *key);
/* Item `index` of a sequence, or NULL. */
struct ynode *ydoc_seq_at(const struct ynode *seq, int index);
/* True for a plain empty scalar, `~` or `null`. */
bool ydoc_is_null(const struct ynode *n);
/* "a mapping", "a list", "'text'" for error messages (static or n->text). */
const char *ydoc_kind_name(const struct ynode *n);

/* A deep copy of `src` (from any doc) in `doc`'s arena; NULL when out of
 * memory. Depth is bounded by DSLAB_YAML_DEPTH_MAX. */
struct ynode *ydoc_copy(struct ydoc *doc, const struct ynode *src);

/* Marks every node of a subtree as coming from an override. */
void ydoc_mark_origin(struct ynode *n, const char *origin);

#endif
