/* process_line_fast.c: the fast path of pline_parse for the commonest
 * line after done, a message between nodes written compactly:
 *
 *   {"src":"n1","dest":"n2","body":{"type":"echo","echo":3,"in_reply_to":5}}
 *   {"action":"send","dest":"n2","body":{...}}
 *
 * It accepts only what it can prove the Jansson path (pline_parse_json)
 * would turn into the very same struct pline, byte for byte: the body must
 * already be what json_dumps(JSON_COMPACT | JSON_PRESERVE_ORDER) writes,
 * i.e. a flat object, no whitespace, keys and strings of printable ASCII
 * without escapes, integers in canonical form (no -0, at most 18 digits),
 * true/false/null, no duplicate keys. Anything else (nested values, reals,
 * escapes, spaces, client replies to "cN", other field orders) returns 0
 * and the caller takes the Jansson path, so errors are always the Jansson
 * path's. tests/unit/test_process_nodes.c compares both on adversarial
 * lines. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "nodes/process_line.h"

#define FAST_KEYS_MAX 16

struct span {
    const char *p;
    size_t n;
};

/* A string of printable ASCII without '"' or '\\' at *at (the opening
 * quote); advances past the closing quote. */
static bool scan_string(const char **at, const char *end, struct span *out) {
    const char *s = *at;
    if (s >= end || *s != '"') return false;
    const char *q = ++s;
    while (q < end && *q != '"') {
        unsigned char ch = (unsigned char)*q;
        if (ch < 0x20 || ch > 0x7e || ch == '\\') return false;
        q++;
    }
    if (q >= end) return false;
    out->p = s;
    out->n = (size_t)(q - s);
    *at = q + 1;
    return true;
}

/* A canonical integer: -?(0|[1-9][0-9]{0,17}), not -0. */
static bool scan_int(const char **at, const char *end, int64_t *out) {
    const char *s = *at;
    bool neg = s < end && *s == '-';
    if (neg) s++;
    const char *d = s;
    while (s < end && *s >= '0' && *s <= '9') s++;
    size_t n = (size_t)(s - d);
    if (n == 0 || n > 18 || (n > 1 && *d == '0') || (neg && n == 1 && *d == '0')) return false;
    if (s < end && (*s == '.' || *s == 'e' || *s == 'E')) return false; /* a real */
    int64_t v = 0;
    for (const char *c = d; c < s; c++) v = v * 10 + (*c - '0');
    *out = neg ? -v : v;
    *at = s;
    return true;
}

static bool scan_word(const char **at, const char *end, const char *word) {
    size_t n = strlen(word);
    if ((size_t)(end - *at) < n || memcmp(*at, word, n) != 0) return false;
    *at += n;
    return true;
}

static bool span_is(struct span s, const char *text) {
    return s.n == strlen(text) && memcmp(s.p, text, s.n) == 0;
}

/* "KEY":"VALUE" with KEY given; the value into *v. */
static bool scan_field(const char **at, const char *end, const char *key, struct span *v) {
    struct span k;
    return scan_string(at, end, &k) && span_is(k, key) && *at < end && *(*at)++ == ':' &&
           scan_string(at, end, v);
}

/* The flat body object at *at; fills type, in_reply_to; advances past '}'. */
static bool scan_body(const char **at, const char *end, struct span *type, int64_t *in_reply_to) {
    const char *s = *at;
    struct span keys[FAST_KEYS_MAX];
    int nkeys = 0;
    bool have_type = false;
    *in_reply_to = -1;
    if (s >= end || *s++ != '{') return false;
    if (s < end && *s == '}') return false; /* {}: no type, the Jansson path says so */
    for (;;) {
        struct span k;
        if (nkeys == FAST_KEYS_MAX || !scan_string(&s, end, &k) || s >= end || *s++ != ':') {
            return false;
        }
        for (int i = 0; i < nkeys; i++) {
            if (keys[i].n == k.n && memcmp(keys[i].p, k.n ? k.p : "", k.n) == 0) return false;
        }
        keys[nkeys++] = k;
        bool is_type = span_is(k, "type");
        bool is_id = span_is(k, "msg_id") || span_is(k, "in_reply_to");
        if (s >= end) return false;
        if (*s == '"') {
            struct span v;
            if (!scan_string(&s, end, &v)) return false;
            if (is_id) return false; /* not an integer: the Jansson path's error */
            if (is_type) {
                if (v.n == 0 || v.n > 64) return false;
                *type = v;
                have_type = true;
            }
        } else if (*s == '-' || (*s >= '0' && *s <= '9')) {
            int64_t v;
            if (!scan_int(&s, end, &v) || is_type) return false;
            if (is_id && v < 0) return false;
            if (span_is(k, "in_reply_to")) *in_reply_to = v;
        } else if (scan_word(&s, end, "true") || scan_word(&s, end, "false") ||
                   scan_word(&s, end, "null")) {
            if (is_type || is_id) return false;
        } else {
            return false; /* nested, or not JSON */
        }
        if (s >= end) return false;
        if (*s == '}') break;
        if (*s++ != ',') return false;
    }
    *at = s + 1;
    return have_type;
}

int pline_parse_fast(const char *line, size_t len, struct pline *out) {
    const char *s = line, *end = line + len;
    struct span src = {NULL, 0}, dest, type;
    if (!scan_word(&s, end, "{")) return 0;
    if (scan_word(&s, end, "\"action\":\"send\",")) {
        /* {"action":"send","dest":...} */
    } else if (!scan_field(&s, end, "src", &src) || src.n > 64 || !scan_word(&s, end, ",")) {
        return 0;
    }
    if (!scan_field(&s, end, "dest", &dest) || dest.n == 0 || dest.n > 64 ||
        !scan_word(&s, end, ",\"body\":")) {
        return 0;
    }
    if (dest.p[0] == 'c') return 0; /* perhaps a client reply: it needs the parsed body */
    const char *body = s;
    int64_t in_reply_to;
    if (!scan_body(&s, end, &type, &in_reply_to) || s + 1 != end || *s != '}') return 0;
    size_t body_len = (size_t)(s - body);
    /* One block: body, then src, dest and type, each NUL-terminated. */
    char *block = malloc(body_len + src.n + dest.n + type.n + 4);
    if (!block) return 0; /* the Jansson path reports it */
    char *w = block;
    memcpy(w, body, body_len);
    w[body_len] = '\0';
    out->body = w;
    out->body_len = body_len;
    w += body_len + 1;
    if (src.p) {
        memcpy(w, src.p, src.n);
        w[src.n] = '\0';
        out->src = w;
        w += src.n + 1;
    }
    memcpy(w, dest.p, dest.n);
    w[dest.n] = '\0';
    out->dest = w;
    w += dest.n + 1;
    memcpy(w, type.p, type.n);
    w[type.n] = '\0';
    out->body_type = w;
    out->in_reply_to = in_reply_to;
    out->kind = PLINE_SEND;
    return 1;
}
