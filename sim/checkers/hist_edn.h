/* hist_edn.h: a small EDN reader for Jepsen/Knossos histories (private).
 *
 * Reads every top-level form of a buffer into a tree of edn_value. Enough
 * of EDN for histories: nil, true/false, integers (int64; larger ones are an
 * error), floats, strings with escapes, characters, keywords, symbols,
 * lists, vectors, maps, sets, tagged values (#inst "...") and #_ discard.
 * `;` comments and commas are whitespace. Bad input is an error with a
 * 1-based line:col, never a crash; nesting (EDN_DEPTH_MAX) and the number
 * of values (EDN_VALUES_MAX) are limited. Ownership: all values and
 * strings live in the doc's arena; free with edn_doc_free(). */
#ifndef DSLAB_HIST_EDN_H
#define DSLAB_HIST_EDN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dslab/diag.h"

#define EDN_DEPTH_MAX 64
#define EDN_VALUES_MAX (16u * 1024u * 1024u)

enum edn_type {
    EDN_NIL,
    EDN_BOOL,
    EDN_INT,
    EDN_FLOAT,
    EDN_STRING,
    EDN_CHAR,
    EDN_KEYWORD, /* text without the leading ':' */
    EDN_SYMBOL,
    EDN_LIST,
    EDN_VECTOR,
    EDN_MAP,     /* items: key, value, key, value ... */
    EDN_SET,
    EDN_TAGGED,  /* text = tag; items[0] = the value */
};

struct edn_value {
    enum edn_type type;
    int line, col; /* 1-based start */
    bool b;
    int64_t i;
    double f;
    const char *text; /* string (unescaped), keyword, symbol, tag; NUL-terminated */
    size_t text_len;
    struct edn_value *items;
    size_t count;     /* items; for maps 2 * entries */
};

struct edn_arena_block;

struct edn_doc {
    struct edn_value *forms; /* top-level forms */
    size_t forms_count;
    struct edn_arena_block *blocks; /* owned */
    size_t values_count;
};

/* Parses `text` (need not be NUL-terminated). Returns 0, or -1 with diag
 * (file = name) set at the offending line:col. `doc` is always safe to
 * free afterwards. */
int edn_parse(const char *text, size_t len, const char *name, struct edn_doc *doc,
              struct dslab_diag *diag);
void edn_doc_free(struct edn_doc *doc);

/* The value under keyword `key` (without ':') in a map, or NULL. */
const struct edn_value *edn_map_get(const struct edn_value *map, const char *key);
bool edn_is_keyword(const struct edn_value *v, const char *name);
const char *edn_type_name(enum edn_type t);

#endif
