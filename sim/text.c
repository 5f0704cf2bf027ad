/* text.c: UTF-8 validation and escaping (see dslab/text.h). */
#include "dslab/text.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

size_t dslab_text_utf8_seq(const unsigned char *s, size_t len) {
    if (len == 0) return 0;
    unsigned c = s[0];
    if (c < 0x80) return 1;
    size_t n;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) n = 2, cp = c & 0x1fu;
    else if (c >= 0xe0 && c <= 0xef) n = 3, cp = c & 0x0fu;
    else if (c >= 0xf0 && c <= 0xf4) n = 4, cp = c & 0x07u;
    else return 0; /* a continuation byte, an overlong lead (C0, C1) or F5..FF */
    if (len < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0u) != 0x80u) return 0;
        cp = (cp << 6) | (s[i] & 0x3fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)) return 0; /* overlong */
    if (cp >= 0xd800 && cp <= 0xdfff) return 0;                      /* surrogate */
    if (cp > 0x10ffff) return 0;
    return n;
}

bool dslab_text_utf8_valid(const char *s, size_t len, size_t *bad_offset) {
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = dslab_text_utf8_seq(u + i, len - i);
        if (n == 0) {
            if (bad_offset) *bad_offset = i;
            return false;
        }
        i += n;
    }
    return true;
}

/* 1-based line and column (in bytes) of `offset`. */
static void position(const char *text, size_t offset, int *line, int *col) {
    *line = 1;
    size_t start = 0;
    for (size_t i = 0; i < offset; i++) {
        if (text[i] == '\n') {
            (*line)++;
            start = i + 1;
        }
    }
    *col = (int)(offset - start) + 1;
}

int dslab_text_check_file(const char *text, size_t len, const char *file, struct dslab_diag *diag) {
    const unsigned char *u = (const unsigned char *)text;
    if (len >= 4 && ((u[0] == 0xff && u[1] == 0xfe && u[2] == 0 && u[3] == 0) ||
                     (u[0] == 0 && u[1] == 0 && u[2] == 0xfe && u[3] == 0xff))) {
        return dslab_diag_set(diag, file, 1, 1,
                        "the file is UTF-32 text (it starts with a byte-order mark); save it as "
                        "UTF-8");
    }
    if (len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff))) {
        return dslab_diag_set(diag, file, 1, 1,
                        "the file is UTF-16 text (it starts with a byte-order mark); save it as "
                        "UTF-8");
    }
    const char *nul = memchr(text, '\0', len);
    size_t bad;
    bool utf8 = dslab_text_utf8_valid(text, nul ? (size_t)(nul - text) : len, &bad);
    int line, col;
    if (!utf8) {
        position(text, bad, &line, &col);
        return dslab_diag_set(diag, file, line, col,
                        "the file is not valid UTF-8 text (bad byte 0x%02x)",
                        (unsigned)u[bad]);
    }
    if (nul) {
        position(text, (size_t)(nul - text), &line, &col);
        return dslab_diag_set(diag, file, line, col,
                        "the file contains a NUL byte (is it UTF-16 text? save it as UTF-8)");
    }
    for (size_t i = 0; i < len; i++) {
        bool c1 = u[i] == 0xc2 && i + 1 < len && u[i + 1] >= 0x80 && u[i + 1] < 0xa0;
        if ((u[i] < 0x20 && u[i] != '\t' && u[i] != '\n' && u[i] != '\r') || u[i] == 0x7f || c1) {
            position(text, i, &line, &col);
            return dslab_diag_set(diag, file, line, col,
                            "the file contains a control character (0x%02x); only tab, newline "
                            "and carriage return are allowed",
                            c1 ? (unsigned)u[i + 1] : (unsigned)u[i]);
        }
    }
    return 0;
}

size_t dslab_text_escape(const char *s, size_t len, char *out, size_t cap) {
    const unsigned char *u = (const unsigned char *)s;
    size_t o = 0;
    if (cap == 0) return 0;
    for (size_t i = 0; i < len;) {
        size_t n = u[i] < 0x80 ? 1 : dslab_text_utf8_seq(u + i, len - i);
        bool plain = n > 1 || (n == 1 && u[i] >= 0x20 && u[i] != 0x7f);
        /* C1 controls (U+0080..U+009F) act on terminals too. */
        if (n == 2 && u[i] == 0xc2 && u[i + 1] < 0xa0) plain = false;
        if (plain) {
            if (o + n >= cap) break;
            memcpy(out + o, u + i, n);
            o += n;
            i += n;
        } else {
            size_t bytes = n ? n : 1;
            if (o + 4 * bytes >= cap) break;
            for (size_t k = 0; k < bytes; k++) {
                snprintf(out + o, 5, "\\x%02x", (unsigned)u[i + k]);
                o += 4;
            }
            i += bytes;
        }
    }
    out[o] = '\0';
    return o;
}
