/* diag.c: filling and formatting diagnostics (see dslab/diag.h). */
#include "dslab/diag.h"

#include <stdio.h>
#include <string.h>

#include "dslab/text.h"

void diag_clear(struct diag *d) {
    memset(d, 0, sizeof *d);
}

/* Messages quote input (names, values, paths): control characters and
 * bytes that are not UTF-8 are escaped as \xNN so they never reach a
 * terminal raw. */
int diag_vset(struct diag *d, const char *file, int line, int col, const char *fmt, va_list ap) {
    char raw[DIAG_MESSAGE_MAX], raw_file[DIAG_PATH_MAX];
    /* Copied first: the arguments may point into *d itself. */
    snprintf(raw_file, sizeof raw_file, "%s", file ? file : "");
    vsnprintf(raw, sizeof raw, fmt, ap);
    text_escape(raw_file, strlen(raw_file), d->file, sizeof d->file);
    d->line = line;
    d->col = col;
    text_escape(raw, strlen(raw), d->message, sizeof d->message);
    return -1;
}

int diag_set(struct diag *d, const char *file, int line, int col, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    diag_vset(d, file, line, col, fmt, ap);
    va_end(ap);
    return -1;
}

void diag_format(const struct diag *d, char *buf, int buf_size) {
    if (d->file[0] && d->line > 0 && d->col > 0) {
        snprintf(buf, (size_t)buf_size, "%s:%d:%d: error: %s", d->file, d->line, d->col, d->message);
    } else if (d->file[0] && d->line > 0) {
        snprintf(buf, (size_t)buf_size, "%s:%d: error: %s", d->file, d->line, d->message);
    } else if (d->file[0]) {
        snprintf(buf, (size_t)buf_size, "%s: error: %s", d->file, d->message);
    } else {
        snprintf(buf, (size_t)buf_size, "error: %s", d->message);
    }
}
