/* cmd_lint.c: `dslab lint FILE... [--set KEY=VALUE]...`
 *
 * Loads and validates each scenario without running it (the same
 * scenario_load() the other commands use, so lint finds exactly the errors
 * a run would). Prints one "ok" line per good file on stdout and the first
 * error of each bad file on stderr as "file:line:col: error: ...".
 * Exit status: 0 when every file is fine, 2 when any is not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dslab/scenario.h"
#include "dslab/time.h"

static void lint_usage(FILE *out) {
    fprintf(out,
            "usage: dslab lint FILE... [--set KEY=VALUE]...\n"
            "\n"
            "Checks scenario files without running them: YAML syntax, every key and\n"
            "value, node names, times within the run, the protocol's parameters and\n"
            "the checks. Errors read file:line:col: error: message.\n"
            "\n"
            "  --set KEY=VALUE   override a key before checking (e.g. --set network.loss=0.1,\n"
            "                    --set faults.0.at=3s); applies to every file; repeatable\n"
            "\n"
            "Exit status: 0 all files are fine, 2 at least one is not.\n");
}

static int lint_one(const char *path, const struct scenario_override *overrides, int count) {
    struct diag diag;
    struct scenario *s = scenario_load(path, overrides, count, NULL, &diag);
    if (!s) {
        cli_print_diag(&diag);
        return EXIT_BAD_INPUT;
    }
    char duration[32];
    time_format_duration(s->duration_ns, duration, (int)sizeof duration);
    printf("%s: ok (%d node%s, protocol %s, %d fault%s, duration %s)\n", path, (int)s->nodes_count,
           s->nodes_count == 1 ? "" : "s", s->protocol.name, s->faults_count,
           s->faults_count == 1 ? "" : "s", duration);
    scenario_free(s);
    return 0;
}

int cmd_lint(int argc, char **argv) {
    struct cli_overrides overrides = {0};
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    int files_count = 0, status = 0;
    if (!files) {
        fprintf(stderr, "dslab lint: error: out of memory\n");
        status = EXIT_BAD_INPUT;
        goto done;
    }
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            lint_usage(stdout);
            goto done;
        }
        if (strcmp(argv[i], "--set") == 0 || strncmp(argv[i], "--set=", 6) == 0) {
            if (cli_overrides_take(&overrides, "lint", argc, argv, &i) != 0) {
                status = EXIT_BAD_INPUT;
                goto done;
            }
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            status = cli_usage_error("lint", "unknown option '%s'", argv[i]);
            goto done;
        } else {
            files[files_count++] = argv[i];
        }
    }
    if (files_count == 0) {
        status = cli_usage_error("lint", "no scenario file given");
        goto done;
    }
    for (int i = 0; i < files_count; i++) {
        if (lint_one(files[i], overrides.items, overrides.count) != 0) status = EXIT_BAD_INPUT;
    }
done:
    cli_overrides_free(&overrides);
    free(files);
    return status;
}
