/* style.h: how a report for people marks what matters (failures, broken
 * assumptions, passes): the escape sequences a front end chose, or none.
 * The library never decides: a front end passes DSLAB_STYLE_PLAIN or its
 * own (cli/colour.c: ANSI colours on a terminal, off for pipes, files and
 * NO_COLOR). Every field is a string printed as is before/after the
 * marked text ("" for none); none may be NULL. */
#ifndef DSLAB_STYLE_H
#define DSLAB_STYLE_H

struct dslab_style {
    const char *bad;   /* a failure, a broken assumption */
    const char *warn;  /* unknown: a search budget ran out */
    const char *good;  /* a pass */
    const char *reset; /* back to plain */
};

#define DSLAB_STYLE_PLAIN ((struct dslab_style){"", "", "", ""})

#endif
