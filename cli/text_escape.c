/* text_escape.c: showing text that came from learners and other files
 * (names, answers, paths, scenario titles) in reports and on terminals,
 * so that no such text can do more than be read: control characters
 * (newline, carriage return, ESC sequences, tab...) and bytes that are not
 * valid UTF-8 are shown as escapes, and in Markdown the characters that
 * format, link or end a table cell are backslash-escaped (exercise_cli.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exercise_cli.h"

/* Length of the valid UTF-8 character at p (1..4), or 0 if invalid. */
static size_t utf8_char(const unsigned char *p) {
    unsigned char c = p[0];
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (!len || (len == 2 && c < 0xc2) || (len == 4 && c > 0xf4)) return 0;
    for (size_t k = 1; k < len; k++) {
        if ((p[k] & 0xc0) != 0x80) return 0;
    }
    if (len == 3 && ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0))) return 0;
    if (len == 4 && ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90))) return 0;
    return len;
}

const char *excli_escape(const char *text, enum excli_escape how, size_t max_chars, char *buf, size_t size) {
    static const char markdown[] = "\\`*_[]<>|#~!";
    size_t n = 0, shown = 0;
    if (!size) return buf;
    const unsigned char *p = (const unsigned char *)(text ? text : "");
    while (*p) {
        char piece[8];
        size_t len = utf8_char(p), plen;
        if (max_chars && shown == max_chars) break;
        if (!len) {
            plen = (size_t)snprintf(piece, sizeof piece, "\\x%02x", *p), len = 1;
        } else if (*p == '\n' || *p == '\r' || *p == '\t') {
            plen = (size_t)snprintf(piece, sizeof piece, "\\%c", *p == '\n' ? 'n' : *p == '\r' ? 'r' : 't');
        } else if (*p < 0x20 || *p == 0x7f) {
            plen = (size_t)snprintf(piece, sizeof piece, "\\x%02x", *p);
        } else if (how == EXCLI_MARKDOWN && *p < 0x80 && strchr(markdown, *p)) {
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

void excli_put_escaped(FILE *out, const char *text, enum excli_escape how, size_t max_chars) {
    size_t len = strlen(text ? text : "");
    if (max_chars && max_chars < len) len = max_chars;
    size_t size = len * 5 + 8;
    char *buf = malloc(size);
    if (!buf) return;
    fputs(excli_escape(text, how, max_chars, buf, size), out);
    free(buf);
}
