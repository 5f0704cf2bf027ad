/* cmd_grade.c: `dslab grade ID ANSWERS.yaml [--json]`: grades an answers
 * file against the exercise and what really happened in its runs. Exit 0
 * pass, 1 fail (no answers is a fail), 2 malformed answers (file:line:col)
 * or usage. Records the attempt in the learner's progress. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "exercise_cli.h"

static const char usage[] =
    "usage: dslab grade ID ANSWERS.yaml [options]\n"
    "       dslab grade LAB --node FILE.c|FILE.so [--test ID] [--out-dir DIR] [--seeds-scale N]\n"
    "       dslab grade LAB --process \"CMD\" [--test ID] [--out-dir DIR] [--seeds-scale N]\n"
    "\n"
    "Grades an answers file: each answer is checked against the exercise's\n"
    "runs (checker violations, assumption monitors, the fixed scenario over\n"
    "many seeds). An answers file reads:\n"
    "  exercise: ID\n"
    "  answers:\n"
    "    QUESTION: ANSWER\n"
    "\n"
    "options:\n"
    "  --json            print the verdicts as one JSON object\n"
    "  --profile NAME    record progress under this profile (default: default)\n"
    "  --no-progress     do not record the attempt\n"
    "  --root DIR        the directory holding exercises/ and scenarios/\n"
    "\n"
    "A lab (exercises/labs/, e.g. labs/echo) grades your own node instead:\n"
    "  --node FILE       your node: C source (compiled) or a shared object (.so)\n"
    "  --process \"CMD\"   your node as a program, one process per node, run in\n"
    "                    the current directory (docs/PROCESS_NODES.md)\n"
    "  --test ID         run one test of the lab's battery\n"
    "  --out-dir DIR     where counterexamples are saved (default: .)\n"
    "  --seeds-scale N   N times the battery's seeds, 1..100 (a longer run)\n"
    "Each test of the battery passes, or fails with the smallest schedule of\n"
    "faults that breaks it, saved as LAB.TEST.counterexample.yaml for dslab viz.\n"
    "\n"
    "exit status: 0 pass, 1 fail, 2 malformed answers file or usage\n";

int cmd_grade(int argc, char **argv) {
    const char *id = NULL, *file = NULL, *profile = NULL, *root = NULL;
    const char *node = NULL, *process = NULL, *only_test = NULL, *out_dir = NULL;
    int json = 0, record = 1, seeds_scale = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        cli_exit_if_help(a, usage);
        if (strcmp(a, "--json") == 0) {
            json = 1;
        } else if (strcmp(a, "--no-progress") == 0) {
            record = 0;
        } else if (strcmp(a, "--profile") == 0 || strcmp(a, "--root") == 0) {
            if (i + 1 >= argc) return cli_usage_error("grade", "%s needs a value", a);
            if (a[2] == 'p') profile = argv[++i];
            else root = argv[++i];
        } else if (strcmp(a, "--node") == 0 || strcmp(a, "--test") == 0 || strcmp(a, "--out-dir") == 0) {
            if (i + 1 >= argc) return cli_usage_error("grade", "%s needs a value", a);
            if (a[2] == 'n') node = argv[++i];
            else if (a[2] == 't') only_test = argv[++i];
            else out_dir = argv[++i];
        } else if (strcmp(a, "--process") == 0) {
            if (i + 1 >= argc) return cli_usage_error("grade", "%s needs a value", a);
            if (process) return cli_usage_error("grade", "--process given twice");
            process = argv[++i];
        } else if (strcmp(a, "--seeds-scale") == 0) {
            uint64_t v = 0;
            if (i + 1 >= argc || cli_parse_u64(argv[++i], &v) != 0 || v < 1 || v > 100) {
                return cli_usage_error("grade", "--seeds-scale takes a whole number 1..100");
            }
            seeds_scale = (int)v;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("grade", "unknown option '%s'", a);
        } else if (!id) {
            id = a;
        } else if (!file) {
            file = a;
        } else {
            return cli_usage_error("grade", "too many arguments ('%s')", a);
        }
    }
    if (node && process) return cli_usage_error("grade", "give --node or --process, not both");
    if (node) {
        if (!id || file) return cli_usage_error("grade", "usage: dslab grade LAB --node FILE");
        if (json) return cli_usage_error("grade", "--json is for answers files, not labs");
        return cmd_grade_lab(id, node, NULL, root, out_dir, only_test, seeds_scale, profile, record != 0);
    }
    if (process) {
        if (!id || file) return cli_usage_error("grade", "usage: dslab grade LAB --process \"CMD\"");
        if (json) return cli_usage_error("grade", "--json is for answers files, not labs");
        if (!process[0]) return cli_usage_error("grade", "--process needs a command, e.g. \"python3 my_node.py\"");
        return cmd_grade_lab(id, NULL, process, root, out_dir, only_test, seeds_scale, profile, record != 0);
    }
    if (only_test || out_dir || seeds_scale != 1) {
        return cli_usage_error("grade", "--test, --out-dir and --seeds-scale go with --node or --process (a lab)");
    }
    if (!id || !file) return cli_usage_error("grade", "usage: dslab grade ID ANSWERS.yaml");
    char progress_file[1024]; /* a bad --profile is refused before grading, not after */
    if (record && excli_progress_path(profile, progress_file, (int)sizeof progress_file) < 0) return EXIT_BAD_INPUT;
    struct catalog *c = excli_catalog(root);
    if (!c) return EXIT_BAD_INPUT;
    const struct exercise *e = excli_find(c, "grade", id);
    int code = EXIT_BAD_INPUT;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct answers *a = e ? grader_answers_load(file, e, &d) : NULL;
    struct grade_result r;
    memset(&r, 0, sizeof r);
    if (e && !a) {
        cli_print_diag(&d);
    } else if (a && grader_grade_answers(c, e, a, &r, &d) < 0) {
        cli_print_diag(&d);
    } else if (a) {
        if (json) excli_print_grade_json(stdout, &r);
        else excli_print_grade(stdout, &r);
        if (record) excli_record(profile, &r, json ? NULL : stdout);
        code = r.pass ? 0 : EXIT_CHECK_FAILED;
    }
    grader_grade_result_free(&r);
    grader_answers_free(a);
    grader_catalog_free(c);
    return code;
}
