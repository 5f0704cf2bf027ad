/* quote.h: printing strings that came from outside (command lines, files,
 * shard results) safely. Shell quoting for the repro lines people paste
 * back into a shell; control-character escaping for any other text shown
 * on a terminal, so a file name or a shard's text cannot move the cursor,
 * recolour the terminal or fake a line of output. */
#ifndef DSLAB_QUOTE_H
#define DSLAB_QUOTE_H

#include <stddef.h>

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
size_t shell_quote(const char *s, char *buf, size_t size);

/* The words quoted as above and joined by single spaces: a string to
 * free(), or NULL when out of memory. */
char *shell_join(const char *const *words, int count);

/* `s` when it has nothing to escape; else a copy in buf (size >= 16) in
 * which every control character (C0, DEL, C1) and every byte that is not
 * valid UTF-8 is written as \xHH. A copy that does not fit ends in "...". */
const char *printable(const char *s, char *buf, size_t size);

#endif
