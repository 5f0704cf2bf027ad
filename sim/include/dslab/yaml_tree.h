/* yaml_tree.h: a YAML file as a small tree of nodes, and the one layer that
 * validates such trees, for every YAML input (scenarios, exercises, answers,
 * the taxonomy, progress files).
 *
 * Parsing: dslab_ydoc_load_file()/dslab_ydoc_parse() build the tree with libyaml. Every
 * node carries its 1-based line and column. Aliases are expanded by copying
 * (the tree is a tree). Limits from limits.h are enforced while parsing:
 * file size (DSLAB_SCENARIO_BYTES_MAX), nesting depth (DSLAB_YAML_DEPTH_MAX),
 * nodes after alias expansion (DSLAB_YAML_NODES_MAX), scalar text after
 * alias expansion (DSLAB_YAML_TEXT_BYTES_MAX), 1024 anchors. Duplicate keys,
 * a second document, text that is not UTF-8 or holds control characters
 * (other than tab and newline) are errors. All memory belongs to the ydoc:
 * dslab_ydoc_free() releases it, and every pointer into the tree with it.
 *
 * Validating: the ytree_* functions check one node (its kind, its keys, its
 * value and range) and on failure set the diag to one positioned error,
 * "file:line:col: error: ...", with "did you mean" for unknown keys. A node
 * a --set override made (line 0, `origin` set) is reported as
 * "--set PATH=VALUE: error: ...". Each returns 0, or -1 with the diag set.
 * `file` names the input in errors; it and the diag are borrowed. */
#ifndef DSLAB_YAML_TREE_H
#define DSLAB_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dslab/diag.h"
#include "dslab/scenario.h"

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

/* ---- the tree ------------------------------------------------------------ */

enum dslab_ynode_kind { DSLAB_YNODE_SCALAR, DSLAB_YNODE_SEQUENCE, DSLAB_YNODE_MAPPING };

struct dslab_ynode {
    enum dslab_ynode_kind kind;
    int line; /* 1-based; 0 when the node came from a --set override */
    int col;
    const char *origin; /* the override text ("network.loss=0.1") when line == 0 */
    /* scalar */
    char *text; /* NUL-terminated (a NUL inside the scalar is an error) */
    size_t text_len;
    bool plain;  /* unquoted, so `~`, `null` and "" mean "no value" */
    bool multiline; /* a block or multi-line scalar: columns inside are not exact */
    /* sequence: items; mapping: keys (scalars), each key's value in `value` */
    int count;
    struct dslab_ynode *first;
    struct dslab_ynode *last;
    struct dslab_ynode *next;  /* next item or key in the parent */
    struct dslab_ynode *value; /* for mapping keys */
    size_t subtree_nodes; /* nodes in this subtree, itself included */
    size_t subtree_text_bytes; /* scalar text in this subtree, each text_len + 1 */
};

struct dslab_ydoc_block;

struct dslab_ydoc {
    struct dslab_scenario_alloc alloc; /* hooks (never NULL functions) */
    struct dslab_ydoc_block *blocks;   /* arena */
    struct dslab_ynode *root;          /* NULL for an empty document */
    size_t nodes_count;
    size_t text_bytes; /* scalar text after alias expansion (<= DSLAB_YAML_TEXT_BYTES_MAX) */
};

/* Parses `text` (len bytes, need not be NUL-terminated). `file` names the
 * source in errors. `hooks` may be NULL (libc). Returns 0, or -1 with diag
 * set; on failure the doc is already freed. An empty document gives
 * root == NULL and returns 0. */
int dslab_ydoc_parse(struct dslab_ydoc *doc, const char *text, size_t len, const char *file,
               const struct dslab_scenario_alloc *hooks, struct dslab_diag *diag);
/* Reads the regular file at `path` (through the hooks) and parses it. */
int dslab_ydoc_load_file(struct dslab_ydoc *doc, const char *path, const struct dslab_scenario_alloc *hooks,
                   struct dslab_diag *diag);
void dslab_ydoc_free(struct dslab_ydoc *doc);

/* The value of `key` in a mapping, or NULL (also when `map` is not one). */
struct dslab_ynode *dslab_ydoc_map_get(const struct dslab_ynode *map, const char *key);
/* The key node of `key` in a mapping, or NULL. */
struct dslab_ynode *dslab_ydoc_map_key(const struct dslab_ynode *map, const char *key);
/* Item `index` of a sequence, or NULL. */
struct dslab_ynode *dslab_ydoc_seq_at(const struct dslab_ynode *seq, int index);
/* True for a plain empty scalar, `~` or `null`. */
bool dslab_ydoc_is_null(const struct dslab_ynode *n);
/* "a mapping", "a list", "a value" or "nothing", for error messages
 * (static strings). */
const char *dslab_ydoc_kind_name(const struct dslab_ynode *n);

/* ---- validation ---------------------------------------------------------- */

/* Sets the diag to `fmt` positioned at `at` (NULL: no position). Returns -1. */
int dslab_ytree_error(struct dslab_diag *d, const char *file, const struct dslab_ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The first key of mapping `map` not in `known` is an error: "unknown key
 * 'K' (did you mean 'X'?)", or "(expected one of: a, b, ...)". */
int dslab_ytree_check_keys(struct dslab_diag *d, const char *file, const struct dslab_ynode *map,
                     const char *const *known, int count);
/* The value of `key` in `map`; "missing key 'K'" at the mapping. */
int dslab_ytree_require(struct dslab_diag *d, const char *file, const struct dslab_ynode *map, const char *key,
                  const struct dslab_ynode **out);

/* `n` must be a mapping / a list / a non-empty scalar; otherwise
 * "expected WHAT, got 'text'" or "expected WHAT, got a list" (or a mapping,
 * nothing). `what` is written for people: "a duration like 150ms". */
int dslab_ytree_expect_mapping(struct dslab_diag *d, const char *file, const struct dslab_ynode *n,
                         const char *what);
int dslab_ytree_expect_list(struct dslab_diag *d, const char *file, const struct dslab_ynode *n, const char *what);
int dslab_ytree_expect_scalar(struct dslab_diag *d, const char *file, const struct dslab_ynode *n,
                        const char *what);

/* A required / optional non-empty scalar of `map` (borrowed text).
 * dslab_ytree_optional_text leaves *out unchanged when the key is absent. */
int dslab_ytree_require_text(struct dslab_diag *d, const char *file, const struct dslab_ynode *map,
                       const char *key, const char **out);
int dslab_ytree_optional_text(struct dslab_diag *d, const char *file, const struct dslab_ynode *map,
                        const char *key, const char **out);

/* Typed scalars. Ranges and units are those of docs/SCENARIO_FORMAT.md. */
/* A decimal integer within [min, max] ("an integer from MIN to MAX"). */
int dslab_ytree_int(struct dslab_diag *d, const char *file, const struct dslab_ynode *n, int64_t min, int64_t max,
              int64_t *out);
/* An optional integer of `map` within [min, max]; *out unchanged when absent. */
int dslab_ytree_optional_int(struct dslab_diag *d, const char *file, const struct dslab_ynode *map,
                       const char *key, int64_t min, int64_t max, int64_t *out);
/* An unsigned 64-bit decimal (seeds); `what` as for dslab_ytree_expect_scalar. */
int dslab_ytree_u64(struct dslab_diag *d, const char *file, const struct dslab_ynode *n, const char *what,
              uint64_t *out);
/* true/false/yes/no/on/off. */
int dslab_ytree_bool(struct dslab_diag *d, const char *file, const struct dslab_ynode *n, bool *out);
/* A duration with a unit, at most one day either way (DSLAB_DURATION_NS_MAX);
 * negative only when allow_negative. */
int dslab_ytree_duration(struct dslab_diag *d, const char *file, const struct dslab_ynode *n, bool allow_negative,
                   int64_t *out);
/* A probability in [0, 1] ("0.001", "0.1%"), in parts per million. */
int dslab_ytree_probability(struct dslab_diag *d, const char *file, const struct dslab_ynode *n, uint32_t *out);

/* A scalar or a list of scalars -> an array of borrowed texts (NULL and 0
 * for a null node). The array is malloc'd: the caller frees it. */
int dslab_ytree_string_list(struct dslab_diag *d, const char *file, const struct dslab_ynode *n, const char *what,
                      const char ***out, int *count);

#pragma GCC visibility pop

#endif
