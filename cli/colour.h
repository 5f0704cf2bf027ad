/* colour.h: colours in the terminal output of `dslab` (failures, broken
 * assumptions, passes), and when to use them. Off unless standard output
 * is a terminal, NO_COLOR is unset or empty (no-color.org) and TERM is not
 * "dumb"; `--color always|never|auto` (also `--color=WHEN`) overrides the
 * terminal test, and `always` overrides NO_COLOR too. --json output is
 * never coloured. */
#ifndef DSLAB_CLI_COLOUR_H
#define DSLAB_CLI_COLOUR_H

#include <stdbool.h>
#include <stdio.h>

#include "dslab/style.h"

enum cli_colour_when { CLI_COLOUR_AUTO, CLI_COLOUR_ALWAYS, CLI_COLOUR_NEVER };

/* Takes `--color WHEN` / `--color=WHEN` (or --colour) at argv[*i], an
 * option that starts with "--colo" (advancing *i past a separate value):
 * 0 with *when set, or -1 after a usage error was printed (exit 2): a bad
 * or missing value, or "unknown option" for another --colo... word. */
int cli_colour_flag(const char *command, int argc, char **argv, int *i, enum cli_colour_when *when);
/* Whether output to `f` gets colours. */
bool cli_colour_on(enum cli_colour_when when, FILE *f);
/* The style for `f`: ANSI colours, or plain. */
struct dslab_style cli_colour_style(enum cli_colour_when when, FILE *f);

#endif
