/* quote_escape.c: showing text that came from learners and other files
 * (names, answers, paths, scenario titles) in reports and on terminals,
 * so that no such text can do more than be read: control characters
 * (newline, carriage return, ESC sequences, tab...) and bytes that are not
 * valid UTF-8 are shown as escapes, and in Markdown the characters that
 * format, link or end a table cell are backslash-escaped (dslab/quote.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/quote.h"
#include "dslab/text.h"

const char *dslab_quote_escape(const char *text, enum dslab_quote_style how, size_t max_chars, char *buf, size_t size) {
    static const char markdown[] = "\\`*_[]<>|#~!";
    size_t n = 0, shown = 0;
    if (!size) return buf;
    const unsigned char *p = (const unsigned char *)(text ? text : "");
    const unsigned char *end = p + strlen((const char *)p);
    while (*p) {
        char piece[8];
        size_t len = dslab_text_utf8_seq(p, (size_t)(end - p)), plen;
        if (max_chars && shown == max_chars) break;
        if (!len) {
            plen = (size_t)snprintf(piece, sizeof piece, "\\x%02x", *p), len = 1;
        } else if (*p == '\n' || *p == '\r' || *p == '\t') {
            plen = (size_t)snprintf(piece, sizeof piece, "\\%c", *p == '\n' ? 'n' : *p == '\r' ? 'r' : 't');
        } else if (*p < 0x20 || *p == 0x7f) {
            plen = (size_t)snprintf(piece, sizeof piece, "\\x%02x", *p);
        } else if (how == DSLAB_QUOTE_MARKDOWN && *p < 0x80 && strchr(markdown, *p)) {
            plen = (size_t)snprintf(piece, sizeof piece, "\\%c", *p);
        } else if (len == 2 && p[0] == 0xc2 && p[1] < 0xa0) { /* C1 controls (U+0080..U+009F) */
            plen = (size_t)snprintf(piece, sizeof piece, "\\u%04x", p[1]);
        } else {
            memcpy(piece, p, len);
            plen = len;
        }
        if (n + plen + 4 > size) break;
        memcpy(buf + n, piece, plen);
        n += plen;
        p += len;
        shown++;
    }
    if (*p) {
        size_t dots = n + 4 <= size ? 3 : 0;
        memcpy(buf + n, "...", dots);
        n += dots;
    }
    buf[n] = 0;
    return buf;
}

void dslab_quote_put(FILE *out, const char *text, enum dslab_quote_style how, size_t max_chars) {
    size_t len = strlen(text ? text : "");
    if (max_chars && max_chars < len) len = max_chars;
    size_t size = len * 5 + 8;
    char *buf = malloc(size);
    if (!buf) return;
    fputs(dslab_quote_escape(text, how, max_chars, buf, size), out);
    free(buf);
}
