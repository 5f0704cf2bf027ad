/* hist_edn.c: the EDN reader (see hist_edn.h).
 *
 * Recursive descent, depth-limited to EDN_DEPTH_MAX, over a byte buffer
 * with a cursor that tracks line and column. Children of a collection are
 * collected on a scratch stack shared by all levels, then copied into the
 * arena when the collection closes, so each value is copied once. */
#include "hist_edn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct edn_arena_block {
    struct edn_arena_block *next;
    size_t used, capacity;
    _Alignas(max_align_t) unsigned char data[];
};

struct reader {
    const char *p, *end;
    int line, col;
    const char *name;
    struct dslab_diag *diag;
    struct edn_doc *doc;
    struct edn_value *scratch; /* children of all open collections */
    size_t scratch_len, scratch_capacity;
};

static void *arena_alloc(struct edn_doc *doc, size_t size) {
    size = (size + 15) & ~(size_t)15;
    struct edn_arena_block *b = doc->blocks;
    if (!b || b->capacity - b->used < size) {
        size_t capacity = size > 65536 ? size : 65536;
        b = malloc(sizeof *b + capacity);
        if (!b) return NULL;
        b->next = doc->blocks;
        b->used = 0;
        b->capacity = capacity;
        doc->blocks = b;
    }
    void *ptr = b->data + b->used;
    b->used += size;
    return ptr;
}

void edn_doc_free(struct edn_doc *doc) {
    struct edn_arena_block *b = doc->blocks;
    while (b) {
        struct edn_arena_block *next = b->next;
        free(b);
        b = next;
    }
    memset(doc, 0, sizeof *doc);
}

static int fail_at(struct reader *r, int line, int col, const char *msg) {
    return dslab_diag_set(r->diag, r->name, line, col, "%s", msg);
}

static int fail(struct reader *r, const char *msg) {
    return fail_at(r, r->line, r->col, msg);
}

static void advance(struct reader *r) {
    if (*r->p == '\n') {
        r->line++;
        r->col = 1;
    } else {
        r->col++;
    }
    r->p++;
}

static void skip_space(struct reader *r) {
    while (r->p < r->end) {
        char c = *r->p;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == '\f') {
            advance(r);
        } else if (c == ';') {
            while (r->p < r->end && *r->p != '\n') advance(r);
        } else {
            return;
        }
    }
}

static bool is_delim(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == '\f' || c == '(' ||
           c == ')' || c == '[' || c == ']' || c == '{' || c == '}' || c == '"' || c == ';';
}

static bool is_symbol_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr(".*+!-_?$%&=<>/:#'", c) != NULL || (unsigned char)c >= 0x80;
}

static char *arena_text(struct reader *r, const char *s, size_t len) {
    char *t = arena_alloc(r->doc, len + 1);
    if (!t) return NULL;
    memcpy(t, s, len);
    t[len] = '\0';
    return t;
}

/* Reads a run of symbol characters into v->text. */
static int read_token(struct reader *r, struct edn_value *v, const char *what) {
    const char *start = r->p;
    while (r->p < r->end && !is_delim(*r->p)) {
        if (!is_symbol_char(*r->p)) return fail(r, "unexpected character in a symbol or keyword");
        advance(r);
    }
    if (r->p == start) return fail_at(r, v->line, v->col, what);
    v->text_len = (size_t)(r->p - start);
    v->text = arena_text(r, start, v->text_len);
    return v->text ? 0 : fail(r, "out of memory");
}

static int read_number(struct reader *r, struct edn_value *v) {
    const char *start = r->p;
    while (r->p < r->end && !is_delim(*r->p)) advance(r);
    size_t len = (size_t)(r->p - start);
    char buf[64];
    if (len >= sizeof buf) return fail_at(r, v->line, v->col, "number is too long");
    memcpy(buf, start, len);
    buf[len] = '\0';
    if (len > 1 && buf[len - 1] == 'N') buf[--len] = '\0';
    char *stop = NULL;
    errno = 0;
    bool is_float = strpbrk(buf, ".eEM") != NULL;
    if (is_float) {
        if (len > 1 && buf[len - 1] == 'M') buf[--len] = '\0';
        v->type = EDN_FLOAT;
        v->f = strtod(buf, &stop);
    } else {
        v->type = EDN_INT;
        long long x = strtoll(buf, &stop, 10);
        v->i = (int64_t)x;
    }
    if (!stop || *stop != '\0' || len == 0) return fail_at(r, v->line, v->col, "malformed number");
    if (errno == ERANGE) return fail_at(r, v->line, v->col, "integer does not fit in 64 bits");
    return 0;
}

static int put_utf8(char *out, unsigned cp) {
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

static int read_string(struct reader *r, struct edn_value *v) {
    advance(r); /* opening quote */
    const char *start = r->p;
    /* The unescaped text is never longer than the source. */
    while (r->p < r->end && *r->p != '"') {
        if (*r->p == '\\' && r->p + 1 < r->end) advance(r);
        advance(r);
    }
    if (r->p >= r->end) return fail_at(r, v->line, v->col, "unterminated string");
    size_t src_len = (size_t)(r->p - start);
    advance(r); /* closing quote */
    char *out = arena_alloc(r->doc, src_len + 1);
    if (!out) return fail(r, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < src_len; i++) {
        char c = start[i];
        if (c != '\\') {
            out[n++] = c;
            continue;
        }
        char e = start[++i];
        switch (e) {
        case 'n': out[n++] = '\n'; break;
        case 't': out[n++] = '\t'; break;
        case 'r': out[n++] = '\r'; break;
        case 'b':
        case 'f': /* control characters: they would reach the terminal raw */
            return fail_at(r, v->line, v->col,
                           "a \\b or \\f escape in a string (control characters are not allowed)");
        case '"': case '\\': case '/': out[n++] = e; break;
        case 'u': {
            unsigned cp = 0;
            if (i + 4 >= src_len) return fail_at(r, v->line, v->col, "bad \\u escape in string");
            for (int k = 1; k <= 4; k++) {
                char h = start[i + (size_t)k];
                unsigned d = h >= '0' && h <= '9' ? (unsigned)(h - '0')
                           : h >= 'a' && h <= 'f' ? (unsigned)(h - 'a' + 10)
                           : h >= 'A' && h <= 'F' ? (unsigned)(h - 'A' + 10) : 16u;
                if (d > 15) return fail_at(r, v->line, v->col, "bad \\u escape in string");
                cp = cp * 16 + d;
            }
            i += 4;
            if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || (cp >= 0x7f && cp < 0xa0)) {
                return fail_at(r, v->line, v->col,
                               "a \\u escape in a string makes a control character (not allowed)");
            }
            if (cp >= 0xd800 && cp <= 0xdfff) {
                return fail_at(r, v->line, v->col,
                               "a \\u escape in a string makes a lone surrogate (not valid UTF-8)");
            }
            if (src_len + 1 - n < 3) return fail_at(r, v->line, v->col, "bad \\u escape in string");
            n += (size_t)put_utf8(out + n, cp);
            break;
        }
        default:
            return fail_at(r, v->line, v->col, "unknown escape in string");
        }
    }
    out[n] = '\0';
    v->type = EDN_STRING;
    v->text = out;
    v->text_len = n;
    return 0;
}

static int read_value(struct reader *r, struct edn_value *v, int depth);

static int scratch_push(struct reader *r, const struct edn_value *v) {
    if (r->scratch_len == r->scratch_capacity) {
        size_t capacity = r->scratch_capacity ? r->scratch_capacity * 2 : 256;
        struct edn_value *s = realloc(r->scratch, capacity * sizeof *s);
        if (!s) return fail(r, "out of memory");
        r->scratch = s;
        r->scratch_capacity = capacity;
    }
    r->scratch[r->scratch_len++] = *v;
    return 0;
}

static int read_collection(struct reader *r, struct edn_value *v, char close, int depth) {
    if (depth >= EDN_DEPTH_MAX) return fail_at(r, v->line, v->col, "nesting is deeper than 64 levels");
    size_t base = r->scratch_len;
    for (;;) {
        skip_space(r);
        if (r->p >= r->end) {
            char msg[64];
            snprintf(msg, sizeof msg, "unterminated collection: no closing '%c'", close);
            return fail_at(r, v->line, v->col, msg);
        }
        if (*r->p == close) {
            advance(r);
            break;
        }
        struct edn_value child;
        if (read_value(r, &child, depth + 1) < 0) return -1;
        if (child.type == EDN_SYMBOL && child.text == NULL) continue; /* #_ discarded */
        if (scratch_push(r, &child) < 0) return -1;
    }
    v->count = r->scratch_len - base;
    if (v->type == EDN_MAP && v->count % 2 != 0) {
        return fail_at(r, v->line, v->col, "map has a key without a value");
    }
    v->items = arena_alloc(r->doc, (v->count ? v->count : 1) * sizeof *v->items);
    if (!v->items) return fail(r, "out of memory");
    if (v->count) memcpy(v->items, r->scratch + base, v->count * sizeof *v->items);
    r->scratch_len = base;
    return 0;
}

static int read_dispatch(struct reader *r, struct edn_value *v, int depth) {
    advance(r); /* '#' */
    if (r->p < r->end && *r->p == '{') {
        advance(r);
        v->type = EDN_SET;
        return read_collection(r, v, '}', depth);
    }
    if (r->p < r->end && *r->p == '_') {
        advance(r);
        skip_space(r);
        struct edn_value ignored;
        if (r->p >= r->end) return fail_at(r, v->line, v->col, "#_ with nothing to discard");
        if (read_value(r, &ignored, depth + 1) < 0) return -1;
        v->type = EDN_SYMBOL; /* marker: discarded */
        v->text = NULL;
        return 0;
    }
    v->type = EDN_TAGGED;
    if (read_token(r, v, "expected a tag after '#'") < 0) return -1;
    skip_space(r);
    if (r->p >= r->end) return fail_at(r, v->line, v->col, "tag with no value");
    v->items = arena_alloc(r->doc, sizeof *v->items);
    if (!v->items) return fail(r, "out of memory");
    v->count = 1;
    return read_value(r, &v->items[0], depth + 1);
}

static int read_symbolic(struct reader *r, struct edn_value *v) {
    if (*r->p == ':') {
        advance(r);
        v->type = EDN_KEYWORD;
        return read_token(r, v, "expected a keyword name after ':'");
    }
    if (*r->p == '\\') {
        advance(r);
        v->type = EDN_CHAR;
        if (r->p >= r->end) return fail_at(r, v->line, v->col, "character literal at end of input");
        const char *start = r->p;
        advance(r);
        while (r->p < r->end && !is_delim(*r->p)) advance(r);
        v->text_len = (size_t)(r->p - start);
        v->text = arena_text(r, start, v->text_len);
        return v->text ? 0 : fail(r, "out of memory");
    }
    char c = *r->p;
    bool sign = (c == '-' || c == '+') && r->p + 1 < r->end && r->p[1] >= '0' && r->p[1] <= '9';
    if ((c >= '0' && c <= '9') || sign) return read_number(r, v);
    if (!is_symbol_char(c) || c == '#') {
        char msg[64];
        if (c == ')' || c == ']' || c == '}') {
            snprintf(msg, sizeof msg, "unexpected '%c' with nothing to close", c);
        } else if ((unsigned char)c < 0x20 || c == 0x7f) {
            snprintf(msg, sizeof msg, "unexpected control character 0x%02x", (unsigned char)c);
        } else {
            snprintf(msg, sizeof msg, "unexpected character '%c'", c);
        }
        return fail(r, msg);
    }
    v->type = EDN_SYMBOL;
    if (read_token(r, v, "expected a value") < 0) return -1;
    if (strcmp(v->text, "nil") == 0) {
        v->type = EDN_NIL;
    } else if (strcmp(v->text, "true") == 0 || strcmp(v->text, "false") == 0) {
        v->type = EDN_BOOL;
        v->b = v->text[0] == 't';
    }
    return 0;
}

static int read_value(struct reader *r, struct edn_value *v, int depth) {
    memset(v, 0, sizeof *v);
    v->line = r->line;
    v->col = r->col;
    if (++r->doc->values_count > EDN_VALUES_MAX) return fail(r, "too many values (limit 16M)");
    switch (*r->p) {
    case '(':
        advance(r);
        v->type = EDN_LIST;
        return read_collection(r, v, ')', depth);
    case '[':
        advance(r);
        v->type = EDN_VECTOR;
        return read_collection(r, v, ']', depth);
    case '{':
        advance(r);
        v->type = EDN_MAP;
        return read_collection(r, v, '}', depth);
    case '"':
        return read_string(r, v);
    case '#':
        return read_dispatch(r, v, depth);
    default:
        return read_symbolic(r, v);
    }
}

int edn_parse(const char *text, size_t len, const char *name, struct edn_doc *doc,
              struct dslab_diag *diag) {
    memset(doc, 0, sizeof *doc);
    struct reader r = {.p = text, .end = text + len, .line = 1, .col = 1, .name = name,
                       .diag = diag, .doc = doc};
    int rc = 0;
    for (;;) {
        skip_space(&r);
        if (r.p >= r.end) break;
        struct edn_value v;
        if (read_value(&r, &v, 0) < 0) {
            rc = -1;
            break;
        }
        if (v.type == EDN_SYMBOL && v.text == NULL) continue;
        if (scratch_push(&r, &v) < 0) {
            rc = -1;
            break;
        }
    }
    if (rc == 0) {
        doc->forms_count = r.scratch_len;
        doc->forms = arena_alloc(doc, (r.scratch_len ? r.scratch_len : 1) * sizeof *doc->forms);
        if (!doc->forms) {
            rc = fail(&r, "out of memory");
        } else {
            if (r.scratch_len) memcpy(doc->forms, r.scratch, r.scratch_len * sizeof *doc->forms);
        }
    }
    free(r.scratch);
    return rc;
}

const struct edn_value *edn_map_get(const struct edn_value *map, const char *key) {
    if (!map || map->type != EDN_MAP) return NULL;
    for (size_t i = 0; i + 1 < map->count; i += 2) {
        if (edn_is_keyword(&map->items[i], key)) return &map->items[i + 1];
    }
    return NULL;
}

bool edn_is_keyword(const struct edn_value *v, const char *name) {
    return v && v->type == EDN_KEYWORD && strcmp(v->text, name) == 0;
}

const char *edn_type_name(enum edn_type t) {
    switch (t) {
    case EDN_NIL: return "nil";
    case EDN_BOOL: return "a boolean";
    case EDN_INT: return "an integer";
    case EDN_FLOAT: return "a float";
    case EDN_STRING: return "a string";
    case EDN_CHAR: return "a character";
    case EDN_KEYWORD: return "a keyword";
    case EDN_SYMBOL: return "a symbol";
    case EDN_LIST: return "a list";
    case EDN_VECTOR: return "a vector";
    case EDN_MAP: return "a map";
    case EDN_SET: return "a set";
    case EDN_TAGGED: return "a tagged value";
    }
    return "?";
}
