/* main.c: the `dslab` command: dispatches to one subcommand per file.
 * See cli/cli.h for the conventions every subcommand follows. */
#include "cli.h"
#include "data_root.h"
#include "dslab/text.h"

#include <stdbool.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef DSLAB_VERSION
#error "DSLAB_VERSION is defined by the build (the CMake project version)"
#endif

const struct cli_command cli_commands[] = {
    {"run", "run a scenario and check it", cmd_run},
    {"lint", "check scenario files without running them, and exercise files by grading them", cmd_lint},
    {"check-history", "check a recorded history for linearizability", cmd_check_history},
    {"explore", "run many seeds with random faults, shrink failures to reproducers", cmd_explore},
#ifdef DSLAB_HAVE_VIZ
    {"viz", "show a run: window, or headless PNG frames", cmd_viz},
#endif
    {"tour", "a guided first tour (15 minutes), ending at your first exercise", cmd_tour},
    {"exercises", "list the exercises with your progress and mastery", cmd_exercises},
    {"exercise", "do an exercise: brief, run, questions, grade", cmd_exercise},
    {"grade", "grade an answers file against what really happened", cmd_grade},
    {"explain", "define a failure mode, trade-off or assumption", cmd_explain},
    {"reveal", "mentors: an exercise's key, or model answers", cmd_reveal},
    {"class-report", "mentors: a Markdown report over many answers files", cmd_class_report},
    {"report", "a blameless post-mortem of a run (Markdown and figures)", cmd_report},
    {"help", "show help for dslab or one command", cmd_help},
};
const int cli_commands_count = (int)(sizeof cli_commands / sizeof cli_commands[0]);

int cli_usage_error(const char *cmd, const char *fmt, ...) {
    va_list ap;
    /* The message quotes argv: escaped like every diagnostic (dslab/text.h). */
    char raw[DSLAB_DIAG_MESSAGE_MAX], safe[4 * DSLAB_DIAG_MESSAGE_MAX];
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    dslab_text_escape(raw, strlen(raw), safe, sizeof safe);
    fprintf(stderr, "dslab%s%s: error: %s", cmd ? " " : "", cmd ? cmd : "", safe);
    fprintf(stderr, "\n(see 'dslab %s%s--help')\n", cmd ? cmd : "", cmd ? " " : "");
    return EXIT_BAD_INPUT;
}

int cli_operand(const char *cmd, const char *arg, const char **slot, const char *what, bool name_both) {
    if (arg[0] == '-' && arg[1]) return cli_usage_error(cmd, "unknown option '%s'", arg);
    if (!*slot) {
        *slot = arg;
        return 0;
    }
    if (name_both) return cli_usage_error(cmd, "one %s at a time (got '%s' and '%s')", what, *slot, arg);
    return cli_usage_error(cmd, "one %s at a time", what);
}

void cli_print_diag(const struct dslab_diag *d) {
    char buf[DSLAB_DIAG_MESSAGE_MAX + DSLAB_DIAG_PATH_MAX + 64];
    dslab_diag_format(d, buf, (int)sizeof buf);
    fprintf(stderr, "%s\n", buf);
}

int cli_is_help(const char *arg) {
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

void cli_exit_if_help(const char *arg, const char *usage) {
    if (!cli_is_help(arg)) return;
    fputs(usage, stdout);
    exit(0);
}

struct dslab_scenario *cli_load_scenario(const char *file, const struct cli_overrides *o) {
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct dslab_scenario *sc =
        dslab_scenario_load(file, o ? o->items : NULL, o ? o->count : 0, NULL, &d);
    if (!sc) cli_print_diag(&d);
    return sc;
}

/* Runs at exit (also after a command's exit(0), e.g. --help): output that
 * could not be written (a full disk, /dev/full, a closed pipe) is an
 * error, never a silent success: a message on stderr and exit status 2. */
static void check_stdout_at_exit(void) {
    errno = 0;
    bool failed = fflush(stdout) != 0;
    int saved = errno;
    failed |= ferror(stdout) != 0;
    if (failed) {
        fprintf(stderr, "dslab: error: writing the output failed: %s\n",
                saved ? strerror(saved) : "write error");
        _exit(EXIT_BAD_INPUT);
    }
}

int main(int argc, char **argv) {
    atexit(check_stdout_at_exit);
    cli_root_set_argv0(argv[0]); /* finding the data root (data_root.h) */
    cli_root_export();
    if (argc < 2) {
        cmd_help(1, argv);
        return cli_usage_error(NULL, "no command given");
    }
    const char *name = argv[1];
    if (cli_is_help(name)) {
        return cmd_help(1, argv);
    }
    if (strcmp(name, "--version") == 0) {
        printf("dslab %s\n", DSLAB_VERSION); /* CMake's project(VERSION), cli/CMakeLists.txt */
        return 0;
    }
    if (cli_enable_node_code() != 0) return EXIT_BAD_INPUT;
    for (int i = 0; i < cli_commands_count; i++) {
        if (strcmp(cli_commands[i].name, name) == 0) {
            return cli_commands[i].main(argc - 1, argv + 1);
        }
    }
#ifndef DSLAB_HAVE_VIZ
    if (strcmp(name, "viz") == 0) {
        return cmd_viz(argc - 1, argv + 1); /* says why it was not built */
    }
#endif
    return cli_usage_error(NULL, "unknown command '%s'", name);
}
