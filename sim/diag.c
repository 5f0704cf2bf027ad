/* diag.c: filling and formatting diagnostics (see dslab/diag.h). */
#include "dslab/diag.h"

#include <stdio.h>
#include <string.h>

#include "dslab/text.h"

void dslab_diag_clear(struct dslab_diag *d) {
    memset(d, 0, sizeof *d);
}

/* Messages quote input (names, values, paths): control characters and
 * bytes that are not UTF-8 are escaped as \xNN so they never reach a
 * terminal raw. */
int dslab_diag_vset(struct dslab_diag *d, const char *file, int line, int col, const char *fmt, va_list ap) {
    char raw[DSLAB_DIAG_MESSAGE_MAX], raw_file[DSLAB_DIAG_PATH_MAX];
    /* Copied first: the arguments may point into *d itself. */
    snprintf(raw_file, sizeof raw_file, "%s", file ? file : "");
    vsnprintf(raw, sizeof raw, fmt, ap);
    dslab_text_escape(raw_file, strlen(raw_file), d->file, sizeof d->file);
    d->line = line;
    d->col = col;
    dslab_text_escape(raw, strlen(raw), d->message, sizeof d->message);
    return -1;
}

int dslab_diag_set(struct dslab_diag *d, const char *file, int line, int col, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    dslab_diag_vset(d, file, line, col, fmt, ap);
    va_end(ap);
    return -1;
}

void dslab_diag_format(const struct dslab_diag *d, char *buf, int buf_size) {
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
