/* diag.h: diagnostics for operating errors (bad input, broken limits).
 *
 * Library code never prints: it fills a struct dslab_diag owned by the caller and
 * returns an error status; main() prints it. Lines and columns are 1-based
 * (libyaml's 0-based marks are converted in scenario/yaml_doc.c only).
 * Printed form: "file:line:col: error: message". The file and message are
 * stored escaped (dslab/text.h): control characters and bytes that are not
 * UTF-8 become \xNN, so quoting hostile input never writes raw bytes. */
#ifndef DSLAB_DIAG_H
#define DSLAB_DIAG_H

#include <stdarg.h>

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

#define DSLAB_DIAG_MESSAGE_MAX 512
#define DSLAB_DIAG_PATH_MAX 512

struct dslab_diag {
    char file[DSLAB_DIAG_PATH_MAX]; /* "" when the error has no file */
    int line;                 /* 1-based; 0 when unknown */
    int col;                  /* 1-based; 0 when unknown */
    char message[DSLAB_DIAG_MESSAGE_MAX];
};

void dslab_diag_clear(struct dslab_diag *d);
/* Sets the diagnostic; returns -1 so callers can `return dslab_diag_set(...)`. */
int dslab_diag_set(struct dslab_diag *d, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
int dslab_diag_vset(struct dslab_diag *d, const char *file, int line, int col, const char *fmt, va_list ap);
/* Writes "file:line:col: error: message" (parts omitted when unknown). */
void dslab_diag_format(const struct dslab_diag *d, char *buf, int buf_size);

#pragma GCC visibility pop

#endif
