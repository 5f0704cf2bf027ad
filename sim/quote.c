/* quote.c: shell quoting and control-character escaping for terminals
 * (dslab_shell_quote, dslab_shell_join, dslab_printable; dslab/quote.h). */
#include "dslab/quote.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/text.h"
#include "text_sink.h"

static void put_hex(struct text_sink *k, unsigned char c) {
    static const char hex[] = "0123456789abcdef";
    char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
    text_sink_put(k, e, 4);
}

static bool plain_byte(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("_@%+=:,./-", c) != NULL;
}

/* The length of the dslab_printable character at p (valid UTF-8, not a C0, DEL
 * or C1 control), or 0. */
static int printable_len(const unsigned char *p, size_t len) {
    if (p[0] < 0x20 || p[0] == 0x7f) return 0;
    int n = (int)dslab_text_utf8_seq(p, len);
    if (n == 2 && p[0] == 0xC2 && p[1] < 0xA0) return 0; /* U+0080..U+009F */
    return n;
}

size_t dslab_shell_quote(const char *s, char *buf, size_t size) {
    struct text_sink k = {buf, size, 0};
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    bool plain = len > 0, printable_all = true;
    for (size_t i = 0; i < len;) {
        int n = printable_len(p + i, len - i);
        if (n == 0) {
            printable_all = false;
            plain = false;
            break;
        }
        if (n != 1 || !plain_byte(p[i])) plain = false;
        i += (size_t)n;
    }
    if (plain) {
        text_sink_put(&k, s, len);
    } else if (printable_all) {
        text_sink_put(&k, "'", 1);
        for (size_t i = 0; i < len; i++) {
            if (p[i] == '\'') text_sink_put(&k, "'\\''", 4);
            else text_sink_put(&k, s + i, 1);
        }
        text_sink_put(&k, "'", 1);
    } else {
        text_sink_put(&k, "$'", 2);
        for (size_t i = 0; i < len;) {
            unsigned char c = p[i];
            int n = printable_len(p + i, len - i);
            if (c == '\\' || c == '\'') {
                char e[2] = {'\\', (char)c};
                text_sink_put(&k, e, 2);
            } else if (c == '\n') {
                text_sink_put(&k, "\\n", 2);
            } else if (c == '\t') {
                text_sink_put(&k, "\\t", 2);
            } else if (c == '\r') {
                text_sink_put(&k, "\\r", 2);
            } else if (n == 0) {
                put_hex(&k, c);
            } else {
                text_sink_put(&k, s + i, (size_t)n);
                i += (size_t)n;
                continue;
            }
            i++;
        }
        text_sink_put(&k, "'", 1);
    }
    text_sink_finish(&k);
    return k.len;
}

char *dslab_shell_join(const char *const *words, int count) {
    size_t total = 1;
    for (int i = 0; i < count; i++) total += dslab_shell_quote(words[i], NULL, 0) + 1;
    char *out = malloc(total);
    if (!out) return NULL;
    size_t len = 0;
    for (int i = 0; i < count; i++) {
        if (i) out[len++] = ' ';
        len += dslab_shell_quote(words[i], out + len, total - len);
    }
    out[len] = 0;
    return out;
}

const char *dslab_printable(const char *s, char *buf, size_t size) {
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    bool clean = true;
    for (size_t i = 0; i < len && clean;) {
        int n = printable_len(p + i, len - i);
        clean = n > 0;
        i += (size_t)(n > 0 ? n : 1);
    }
    if (clean) return s;
    /* Copy while at least 4 bytes ("...", NUL) stay free after the piece. */
    size_t out = 0;
    for (size_t i = 0; i < len;) {
        int n = printable_len(p + i, len - i);
        size_t piece = n > 0 ? (size_t)n : 4;
        if (out + piece + 4 > size) {
            memcpy(buf + out, "...", 3);
            out += 3;
            break;
        }
        if (n > 0) {
            memcpy(buf + out, s + i, (size_t)n);
            i += (size_t)n;
        } else {
            static const char hex[] = "0123456789abcdef";
            buf[out] = '\\';
            buf[out + 1] = 'x';
            buf[out + 2] = hex[p[i] >> 4];
            buf[out + 3] = hex[p[i] & 15];
            i++;
        }
        out += piece;
    }
    buf[out] = 0;
    return buf;
}
