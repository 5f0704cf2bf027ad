/* quote.h: showing strings that came from outside (command lines, files,
 * shard results, learners' answers, scenario titles) safely. Shell quoting
 * for the repro lines people paste back into a shell; control-character
 * escaping for any other text shown on a terminal or written into a
 * report, so a file name or a shard's text cannot move the cursor,
 * recolour the terminal, fake a line of output or forge a Markdown table
 * row. Pure functions: they write into the caller's buffer or FILE *.
 * sim/quote.c (shell words, dslab_printable) and sim/quote_escape.c (the
 * plain and Markdown styles). */
#ifndef DSLAB_QUOTE_H
#define DSLAB_QUOTE_H

#include <stddef.h>
#include <stdio.h>

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

/* Writes `s` as one shell word into buf, snprintf style (at most size
 * bytes with the NUL; returns the full length):
 *   - as it is when every byte is one of A-Z a-z 0-9 _ @ % + = : , . / -
 *     (and s is not empty);
 *   - in single quotes ('it'\''s') when it has no control characters and
 *     is valid UTF-8;
 *   - else in bash's $'...' form, with \n, \t, \r, \\, \' and \xHH for
 *     every other control byte, DEL, C1 control or invalid UTF-8 byte, so
 *     the printed line is one line and pastes back as the same bytes.
 * Tested by feeding printed lines back to bash (tests/e2e/shell_quote.sh). */
size_t dslab_shell_quote(const char *s, char *buf, size_t size);

/* The words quoted as above and joined by single spaces: a string to
 * free(), or NULL when out of memory. */
char *dslab_shell_join(const char *const *words, int count);

/* `s` when it has nothing to escape; else a copy in buf (size >= 16) in
 * which every control character (C0, DEL, C1) and every byte that is not
 * valid UTF-8 is written as \xHH. A copy that does not fit ends in "...". */
const char *dslab_printable(const char *s, char *buf, size_t size);

/* How dslab_quote_escape shows text in reports and listings. */
enum dslab_quote_style {
    DSLAB_QUOTE_PLAIN,    /* a terminal or a code block: control characters and invalid UTF-8 escaped */
    DSLAB_QUOTE_MARKDOWN, /* Markdown text or a table cell: also \ ` * _ [ ] < > | # ~ ! escaped */
};
/* Writes `text` (NULL: "") into buf (always terminated) with every control
 * character shown as \n, \r, \t or \xNN, a C1 control as \u00NN and every
 * byte that is not part of valid UTF-8 as \xNN, so no outside text can
 * start a line, move the cursor or forge a table row; at most `max_chars`
 * characters of the text are shown (0 = all that fit), then "...".
 * Returns buf. */
const char *dslab_quote_escape(const char *text, enum dslab_quote_style how, size_t max_chars, char *buf, size_t size);
/* The same, written to `out`. */
void dslab_quote_put(FILE *out, const char *text, enum dslab_quote_style how, size_t max_chars);

#pragma GCC visibility pop

#endif
