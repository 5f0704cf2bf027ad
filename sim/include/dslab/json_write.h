/* json_write.h: the one JSON string escaper and the one JSON writer of
 * dslab: every --json output, the explore results and the trace use them.
 *
 * Output is always valid UTF-8 and valid JSON: '"' and '\\' are escaped,
 * a newline is written as \n, every other byte below 0x20, DEL and the C1
 * controls U+0080..U+009F as \u00XX (lower-case hex), so a literal is
 * also a valid YAML double-quoted scalar (the YAML files dslab writes use
 * it too) and never carries a terminal control; other valid UTF-8 sequences are copied as they are, and a
 * byte that does not start a valid UTF-8 sequence (a stray continuation
 * byte, an overlong form, a surrogate, a code point above U+10FFFF, a cut
 * sequence) is replaced by \ufffd, one replacement per such byte. For
 * valid input the bytes are exactly what the trace has always had
 * (docs/TRACE_FORMAT.md), so golden traces do not change. */
#ifndef DSLAB_JSON_WRITE_H
#define DSLAB_JSON_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

/* Writes the JSON string literal of s[0..len) (with its quotes) into buf,
 * snprintf style: at most size bytes including a NUL (buf may be NULL when
 * size is 0); returns the full length, so a caller can size a buffer. */
size_t dslab_json_escape(const char *s, size_t len, char *buf, size_t size);
/* Writes the literal of a NUL-terminated string (NULL writes ""). */
void dslab_json_write_string(FILE *out, const char *s);

/* A streaming writer: commas, nesting and escaping are its business, the
 * caller says what comes next. No spaces or newlines are written (the
 * caller ends the document with dslab_jw_end_document). Nesting beyond
 * DSLAB_JSON_WRITER_DEPTH_MAX is a programming error: it is clamped, never an
 * overflow. */
#define DSLAB_JSON_WRITER_DEPTH_MAX 32
struct dslab_json_writer {
    FILE *out;                              /* borrowed */
    int depth;
    bool need_comma[DSLAB_JSON_WRITER_DEPTH_MAX + 1];
    bool after_key;
};
void dslab_jw_init(struct dslab_json_writer *w, FILE *out);
void dslab_jw_object_begin(struct dslab_json_writer *w);
void dslab_jw_object_end(struct dslab_json_writer *w);
void dslab_jw_array_begin(struct dslab_json_writer *w);
void dslab_jw_array_end(struct dslab_json_writer *w);
/* The key of the next member of the current object. */
void dslab_jw_key(struct dslab_json_writer *w, const char *key);
void dslab_jw_string(struct dslab_json_writer *w, const char *s);
void dslab_jw_int(struct dslab_json_writer *w, int64_t v);
void dslab_jw_uint(struct dslab_json_writer *w, uint64_t v);
void dslab_jw_bool(struct dslab_json_writer *w, bool v);
/* milli / 1000 with exactly three decimals ("1.250", "-0.001"): scores. */
void dslab_jw_thousandths(struct dslab_json_writer *w, int64_t milli);
/* A member of the current object: dslab_jw_key then the value. */
void dslab_jw_member_string(struct dslab_json_writer *w, const char *key, const char *s);
void dslab_jw_member_int(struct dslab_json_writer *w, const char *key, int64_t v);
void dslab_jw_member_uint(struct dslab_json_writer *w, const char *key, uint64_t v);
void dslab_jw_member_bool(struct dslab_json_writer *w, const char *key, bool v);
void dslab_jw_null(struct dslab_json_writer *w);
/* Ends a top-level document with a newline. */
void dslab_jw_end_document(struct dslab_json_writer *w);

#pragma GCC visibility pop

#endif
