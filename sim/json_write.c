/* json_write.c: the JSON string escaper and streaming writer (see
 * json_write.h). Pure functions of their input: no locale, no state. */
#include "dslab/json_write.h"

#include <inttypes.h>
#include <string.h>

#include "dslab/text.h"
#include "text_sink.h"

size_t dslab_json_escape(const char *s, size_t len, char *buf, size_t size) {
    struct text_sink k = {buf, size, 0};
    const unsigned char *p = (const unsigned char *)s;
    text_sink_put(&k, "\"", 1);
    for (size_t i = 0; i < len;) {
        unsigned char c = p[i];
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            text_sink_put(&k, e, 2);
            i++;
        } else if (c == '\n') {
            text_sink_put(&k, "\\n", 2);
            i++;
        } else if (c < 0x20 || c == 0x7f || (c == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] < 0xa0)) {
            /* C0 controls, DEL and C1 controls (U+0080..U+009F): \u00XX,
             * so the literal is also a valid YAML double-quoted scalar and
             * never drives a terminal. */
            unsigned cp = c == 0xc2 ? p[i + 1] : c;
            static const char hex[] = "0123456789abcdef";
            char e[6] = {'\\', 'u', '0', '0', hex[cp >> 4], hex[cp & 15]};
            text_sink_put(&k, e, 6);
            i += c == 0xc2 ? 2 : 1;
        } else {
            size_t n = dslab_text_utf8_seq(p + i, len - i);
            if (n == 0) {
                text_sink_put(&k, "\\ufffd", 6);
                i++;
            } else {
                text_sink_put(&k, (const char *)p + i, (size_t)n);
                i += (size_t)n;
            }
        }
    }
    text_sink_put(&k, "\"", 1);
    text_sink_finish(&k);
    return k.len;
}

void dslab_json_write_string(FILE *out, const char *s) {
    if (!s) s = "";
    size_t len = strlen(s);
    char small[512];
    size_t need = dslab_json_escape(s, len, small, sizeof small);
    if (need < sizeof small) {
        fwrite(small, 1, need, out);
        return;
    }
    /* Long strings: escape in pieces cut at character boundaries, writing
     * the quotes once. */
    fputc('"', out);
    size_t i = 0;
    while (i < len) {
        size_t piece = len - i < 64 ? len - i : 64;
        /* Never cut a valid sequence: extend over at most 3 continuation bytes. */
        while (i + piece < len && piece < 67 && ((unsigned char)s[i + piece] & 0xC0) == 0x80) piece++;
        size_t n = dslab_json_escape(s + i, piece, small, sizeof small); /* <= 2 + 6 * 67 bytes < 512 */
        fwrite(small + 1, 1, n - 2, out);
        i += piece;
    }
    fputc('"', out);
}

/* ---- the writer ---------------------------------------------------------- */

void dslab_jw_init(struct dslab_json_writer *w, FILE *out) {
    memset(w, 0, sizeof *w);
    w->out = out;
}

static void before_value(struct dslab_json_writer *w) {
    if (!w->after_key && w->need_comma[w->depth]) fputc(',', w->out);
    w->after_key = false;
}

static void after_value(struct dslab_json_writer *w) {
    w->need_comma[w->depth] = true;
}

static void open_level(struct dslab_json_writer *w, char c) {
    before_value(w);
    fputc(c, w->out);
    if (w->depth < DSLAB_JSON_WRITER_DEPTH_MAX) w->depth++;
    w->need_comma[w->depth] = false;
}

static void close_level(struct dslab_json_writer *w, char c) {
    fputc(c, w->out);
    if (w->depth > 0) w->depth--;
    w->after_key = false;
    after_value(w);
}

void dslab_jw_object_begin(struct dslab_json_writer *w) { open_level(w, '{'); }
void dslab_jw_object_end(struct dslab_json_writer *w) { close_level(w, '}'); }
void dslab_jw_array_begin(struct dslab_json_writer *w) { open_level(w, '['); }
void dslab_jw_array_end(struct dslab_json_writer *w) { close_level(w, ']'); }

void dslab_jw_key(struct dslab_json_writer *w, const char *key) {
    before_value(w);
    dslab_json_write_string(w->out, key);
    fputc(':', w->out);
    w->after_key = true;
}

void dslab_jw_string(struct dslab_json_writer *w, const char *s) {
    before_value(w);
    dslab_json_write_string(w->out, s);
    after_value(w);
}

void dslab_jw_int(struct dslab_json_writer *w, int64_t v) {
    before_value(w);
    fprintf(w->out, "%" PRId64, v);
    after_value(w);
}

void dslab_jw_uint(struct dslab_json_writer *w, uint64_t v) {
    before_value(w);
    fprintf(w->out, "%" PRIu64, v);
    after_value(w);
}

void dslab_jw_bool(struct dslab_json_writer *w, bool v) {
    before_value(w);
    fputs(v ? "true" : "false", w->out);
    after_value(w);
}

void dslab_jw_member_string(struct dslab_json_writer *w, const char *key, const char *s) {
    dslab_jw_key(w, key);
    dslab_jw_string(w, s);
}

void dslab_jw_member_int(struct dslab_json_writer *w, const char *key, int64_t v) {
    dslab_jw_key(w, key);
    dslab_jw_int(w, v);
}

void dslab_jw_member_uint(struct dslab_json_writer *w, const char *key, uint64_t v) {
    dslab_jw_key(w, key);
    dslab_jw_uint(w, v);
}

void dslab_jw_member_bool(struct dslab_json_writer *w, const char *key, bool v) {
    dslab_jw_key(w, key);
    dslab_jw_bool(w, v);
}

void dslab_jw_thousandths(struct dslab_json_writer *w, int64_t milli) {
    before_value(w);
    uint64_t m = milli < 0 ? (uint64_t)0 - (uint64_t)milli : (uint64_t)milli;
    fprintf(w->out, "%s%" PRIu64 ".%03u", milli < 0 ? "-" : "", m / 1000, (unsigned)(m % 1000));
    after_value(w);
}

void dslab_jw_null(struct dslab_json_writer *w) {
    before_value(w);
    fputs("null", w->out);
    after_value(w);
}

void dslab_jw_end_document(struct dslab_json_writer *w) {
    fputc('\n', w->out);
    w->need_comma[0] = false;
}
