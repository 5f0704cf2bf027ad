/* cli.h: the subcommands of `dslab`, one file each (cli/cmd_*.c).
 *
 * Each command is `int cmd_NAME(int argc, char **argv)` where argv[0] is
 * the subcommand's name. Exit statuses: 0 success / all checks hold,
 * 1 a check failed (or a verdict was negative), 2 bad input or usage,
 * 3 unknown (a search budget ran out). Only cli/ prints. */
#ifndef DSLAB_CLI_H
#define DSLAB_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dslab/diag.h"
#include "dslab/outfile.h"
#include "dslab/scenario.h"

#define EXIT_CHECKS_HOLD 0
#define EXIT_CHECK_FAILED 1
#define EXIT_BAD_INPUT 2
#define EXIT_UNKNOWN 3

/* A command's main: argv[0] is the command's name; returns the exit status. */
typedef int cli_main_fn(int argc, char **argv);

struct cli_command {
    const char *name;
    const char *summary; /* one line for `dslab help` */
    cli_main_fn *main;
};

/* All commands, in the order `dslab help` lists them (cli/main.c). */
extern const struct cli_command cli_commands[];
extern const int cli_commands_count;

/* The commands, one cmd_*.c each. cmd_viz is always defined: without SDL2
 * it explains that the visualiser was not built. */
cli_main_fn cmd_run, cmd_lint, cmd_check_history, cmd_explore, cmd_viz, cmd_help, cmd_report;
/* Exercises and grading (grader/, docs/EXERCISE_FORMAT.md). */
cli_main_fn cmd_exercises, cmd_exercise, cmd_grade, cmd_explain, cmd_reveal, cmd_class_report, cmd_tour;

/* Prints "dslab: error: ..." for usage errors and returns EXIT_BAD_INPUT. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* What a command's flag loop does with an argument that is no known flag:
 * "-x" is an unknown option; the first operand is stored in *slot; a second
 * is refused, "one WHAT at a time" (with " (got 'A' and 'B')" when
 * name_both). Returns 0, or EXIT_BAD_INPUT after printing the usage error. */
int cli_operand(const char *cmd, const char *arg, const char **slot, const char *what, bool name_both);
/* Prints a diag as "file:line:col: error: message" to stderr. */
void cli_print_diag(const struct dslab_diag *d);
/* node_code_cli.c: allows scenarios with `source:`/`plugin:` node code.
 * Returns 0, or EXIT_BAD_INPUT after printing why not. */
int cli_enable_node_code(void);
/* cmd_grade_lab.c: `dslab grade LAB --node FILE` or `--process CMD` (a lab's
 * battery); exactly one of node_file and process is non-NULL. */
int cmd_grade_lab(const char *lab, const char *node_file, const char *process, const char *root_flag, const char *out_dir,
                  const char *only_test, int seeds_scale, const char *profile, bool record_progress);
/* Parses a duration with units ("150ms") for flags. Returns 0 or -1. */
int cli_parse_duration_ns(const char *text, int64_t *out);
/* Parses an unsigned 64-bit decimal. Returns 0 or -1. */
int cli_parse_u64(const char *text, uint64_t *out);
/* Writing an output file (dslab/outfile.h): a regular file is never
 * half-written (temporary + rename), a device or FIFO is written through,
 * "-" is standard output. cli_atomic_open() returns o->f, or NULL after
 * printing why; cli_atomic_commit() flushes, syncs and renames, and
 * returns 0, or -1 after printing why (e.g. "No space left on device"). */
FILE *cli_atomic_open(struct dslab_outfile *o, const char *path);
int cli_atomic_commit(struct dslab_outfile *o);
/* --set KEY=VALUE flags, in command-line order. */
#define CLI_OVERRIDES_MAX 64
struct cli_overrides {
    struct dslab_scenario_override items[CLI_OVERRIDES_MAX]; /* point into storage */
    char *storage[CLI_OVERRIDES_MAX];                  /* owned copies */
    int count;
};
/* Adds "KEY=VALUE". Returns 0, or prints a usage error and returns
 * EXIT_BAD_INPUT. */
int cli_overrides_add(struct cli_overrides *o, const char *cmd, const char *arg);
/* If argv[*i] is "--set" (value in the next argument, *i advanced) or
 * "--set=KEY=VALUE", adds it and returns 0 or EXIT_BAD_INPUT; otherwise
 * returns -1 and leaves *i alone. */
int cli_overrides_take(struct cli_overrides *o, const char *cmd, int argc, char **argv, int *i);
void cli_overrides_free(struct cli_overrides *o);
/* True when `arg` is "--help" or "-h". */
int cli_is_help(const char *arg);
/* When `arg` is "--help" or "-h": prints `usage` to stdout and exits 0
 * (for flag parsers, which run before a command allocates anything). */
void cli_exit_if_help(const char *arg, const char *usage);
/* Loads the scenario `file` with the --set overrides `o` (NULL: none).
 * Returns it (the caller frees it, dslab_scenario_free), or NULL after
 * printing the error (file:line:col). */
struct dslab_scenario *cli_load_scenario(const char *file, const struct cli_overrides *o);

#endif
