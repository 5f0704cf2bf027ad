/* text.h: checking that input is UTF-8 text, and escaping what is not
 * before it reaches a terminal.
 *
 * Every text input (scenario, answers, exercise, progress and taxonomy
 * YAML; external histories) is checked when it is loaded: a UTF-16 or
 * UTF-32 file (a byte-order mark, or NUL bytes), a NUL byte, or bytes that
 * are not well-formed UTF-8 (overlong forms, surrogates, code points above
 * U+10FFFF, truncated sequences) are errors with the position of the first
 * bad byte. Every diagnostic message is escaped (dslab/diag.h), so bytes
 * that slip through anywhere are shown as \xNN, never sent raw. */
#ifndef DSLAB_TEXT_H
#define DSLAB_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "dslab/diag.h"

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

/* Length of the well-formed UTF-8 sequence at s[0..len), or 0 when the
 * bytes there are not one (len > 0). */
size_t dslab_text_utf8_seq(const unsigned char *s, size_t len);

/* True when s[0..len) is well-formed UTF-8; else *bad_offset (if not NULL)
 * is the offset of the first byte of the first bad sequence. */
bool dslab_text_utf8_valid(const char *s, size_t len, size_t *bad_offset);

/* Checks a whole input file: no UTF-16/UTF-32 byte-order mark, no NUL
 * byte, well-formed UTF-8 (a UTF-8 byte-order mark is allowed), no control
 * character but tab, newline and carriage return (C1 controls included). Returns 0,
 * or -1 with diag set at the first bad byte's line and column ("file:
 * line:col: error: the file is not valid UTF-8 text (bad byte 0xe9)"). */
int dslab_text_check_file(const char *text, size_t len, const char *file, struct dslab_diag *diag);

/* Copies s[0..len) into out (cap bytes, always NUL-terminated, cut short
 * if needed) with every control character, DEL and byte that is not part
 * of well-formed UTF-8 written as \xNN. Returns the length written. */
size_t dslab_text_escape(const char *s, size_t len, char *out, size_t cap);

#pragma GCC visibility pop

#endif
