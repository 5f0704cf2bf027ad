/* colour.c: when and how `dslab` colours its terminal output (colour.h). */
#include "colour.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int cli_colour_flag(const char *command, int argc, char **argv, int *i, enum cli_colour_when *when) {
    const char *a = argv[*i], *value;
    if (strcmp(a, "--color") == 0 || strcmp(a, "--colour") == 0) {
        if (*i + 1 >= argc) {
            cli_usage_error(command, "--color needs auto, always or never");
            return -1;
        }
        value = argv[++*i];
    } else if (strncmp(a, "--color=", 8) == 0 || strncmp(a, "--colour=", 9) == 0) {
        value = strchr(a, '=') + 1;
    } else {
        cli_usage_error(command, "unknown option '%s'", a);
        return -1;
    }
    if (strcmp(value, "auto") == 0) *when = CLI_COLOUR_AUTO;
    else if (strcmp(value, "always") == 0) *when = CLI_COLOUR_ALWAYS;
    else if (strcmp(value, "never") == 0) *when = CLI_COLOUR_NEVER;
    else {
        cli_usage_error(command, "--color is auto, always or never, got '%s'", value);
        return -1;
    }
    return 0;
}

bool cli_colour_on(enum cli_colour_when when, FILE *f) {
    if (when == CLI_COLOUR_ALWAYS) return true;
    if (when == CLI_COLOUR_NEVER) return false;
    const char *no_color = getenv("NO_COLOR");
    if (no_color && no_color[0]) return false;
    const char *term = getenv("TERM");
    if (term && strcmp(term, "dumb") == 0) return false;
    return isatty(fileno(f)) == 1;
}

struct dslab_style cli_colour_style(enum cli_colour_when when, FILE *f) {
    if (!cli_colour_on(when, f)) return DSLAB_STYLE_PLAIN;
    /* bold red, yellow, green, reset (SGR) */
    return (struct dslab_style){"\033[1;31m", "\033[33m", "\033[32m", "\033[0m"};
}
