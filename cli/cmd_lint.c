/* cmd_lint.c: `dslab lint FILE... [--set KEY=VALUE]... [--root DIR]`
 *
 * Loads and validates each scenario without running it (the same
 * dslab_scenario_load() the other commands use, so lint finds exactly the errors
 * a run would). A file whose top level has `questions:` is an exercise:
 * it is loaded as the grader loads it, then grader_exercise_lint() grades its
 * model answers, misconceptions and degenerate fixes. Prints one "ok" line
 * per good file on stdout and the errors of each bad file on stderr as
 * "file:line:col: error: ...". Exit status: 0 when every file is fine, 2
 * when any is not. */
#define _XOPEN_SOURCE 700 /* realpath(), mkdtemp() */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "dslab/quote.h"
#include "cli.h"
#include "data_root.h"
#include "dslab/scenario.h"
#include "dslab/time.h"
#include "exercise_cli.h"
#include "grader_lab.h"

/* A fresh directory under $TMPDIR (or /tmp) for lint's grading runs, in
 * `work`; prints the error and returns -1 when it cannot be made. */
static int make_workdir(char *work, size_t size) {
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !tmp[0]) tmp = "/tmp";
    if (snprintf(work, size, "%s/dslab-lint-XXXXXX", tmp) >= (int)size || !mkdtemp(work)) {
        fprintf(stderr, "dslab lint: error: cannot create a temporary directory under %s\n", tmp);
        return -1;
    }
    return 0;
}

/* Where the labs' generated references are (a lab's
 * `generated_reference:`): $DSLAB_LABS_GENERATED, else the build tree this
 * dslab was built in when it still exists (tests/labs/labs.cmake), else
 * the data root: an installed share/dslab holds them at the same paths
 * (cmake/DslabInstall.cmake). */
static const char *labs_generated_root(void) {
    const char *env = getenv("DSLAB_LABS_GENERATED");
    if (env && env[0]) return env;
#ifdef DSLAB_LABS_GENERATED_DIR
    struct stat st;
    if (stat(DSLAB_LABS_GENERATED_DIR, &st) == 0 && S_ISDIR(st.st_mode)) return DSLAB_LABS_GENERATED_DIR;
#endif
    return cli_data_root(NULL).path;
}

static void lint_usage(FILE *out) {
    fprintf(out,
            "usage: dslab lint FILE... [--set KEY=VALUE]... [--root DIR]\n"
            "\n"
            "Checks scenario files without running them: YAML syntax, every key and\n"
            "value, node names, times within the run, the protocol's parameters and\n"
            "the checks. Errors read file:line:col: error: message.\n"
            "\n"
            "An exercise file (one with questions:) is loaded as the grader loads it\n"
            "(every allowed fix parameter must exist for the protocol), then graded:\n"
            "its model answers must pass with full marks, every declared misconception\n"
            "and every declared degenerate fix (and an operate question's tempting\n"
            "actions and a declare question's degenerate declarations, counted with\n"
            "them) must fail with its own feedback; a declare question's scenario must\n"
            "break a load-bearing assumption under the model's bounds.\n"
            "\n"
            "  --set KEY=VALUE   override a key before checking (e.g. --set network.loss=0.1,\n"
            "                    --set faults.0.at=3s); applies to every scenario file; repeatable\n"
            "  --root DIR        for exercises: the directory holding exercises/ and scenarios/\n"
            "                    (default: found above the file, else as `dslab grade` finds it)\n"
            "\n"
            "Exit status: 0 all files are fine, 2 at least one is not.\n");
}

static int lint_one(const char *path, const struct dslab_scenario_override *overrides, int count) {
    struct dslab_diag diag;
    struct dslab_scenario *s = dslab_scenario_load(path, overrides, count, NULL, &diag);
    if (!s) {
        cli_print_diag(&diag);
        return EXIT_BAD_INPUT;
    }
    char duration[32];
    dslab_time_format_duration(s->duration_ns, duration, (int)sizeof duration);
    printf("%s: ok (%d node%s, protocol %s, %d fault%s, duration %s)\n", path, (int)s->nodes_count,
           s->nodes_count == 1 ? "" : "s", s->protocol.name, s->faults_count,
           s->faults_count == 1 ? "" : "s", duration);
    dslab_scenario_free(s);
    return 0;
}

/* The root of an exercise file: the nearest directory above it holding
 * exercises/taxonomy.yaml, else the default of the exercise commands. */
static void exercise_root(const char *file, const char *flag, char *out, size_t size) {
    char dir[PATH_MAX];
    if (!flag && realpath(file, dir)) {
        for (char *slash = strrchr(dir, '/'); slash && slash != dir; slash = strrchr(dir, '/')) {
            *slash = 0;
            char probe[PATH_MAX + 32];
            snprintf(probe, sizeof probe, "%s/exercises/taxonomy.yaml", dir);
            if (access(probe, R_OK) == 0) {
                snprintf(out, size, "%s", dir);
                return;
            }
        }
    }
    snprintf(out, size, "%s", excli_root(flag));
}

/* Removes the files grader_exercise_lint wrote into `dir`, then `dir`. */
static void remove_work_dir(const char *dir) {
    DIR *d = opendir(dir);
    if (d) {
        for (struct dirent *e = readdir(d); e; e = readdir(d)) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            char path[PATH_MAX + 256];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

static int lint_exercise(const char *path, const char *root_flag) {
    char root[PATH_MAX];
    exercise_root(path, root_flag, root, sizeof root);
    struct taxonomy *tax = excli_taxonomy(root);
    if (!tax) return EXIT_BAD_INPUT;
    struct dslab_diag diag;
    dslab_diag_clear(&diag);
    struct exercise *e = grader_exercise_load(path, root, tax, &diag);
    if (!e) {
        cli_print_diag(&diag);
        grader_taxonomy_free(tax);
        return EXIT_BAD_INPUT;
    }
    struct catalog c = {.taxonomy = tax};
    if (snprintf(c.root, sizeof c.root, "%s", root) >= (int)sizeof c.root) {
        fprintf(stderr, "dslab lint: error: the root path %s is too long\n", root);
        grader_exercise_free(e);
        grader_taxonomy_free(tax);
        return EXIT_BAD_INPUT;
    }
    char work[PATH_MAX];
    int status = 0;
    if (make_workdir(work, sizeof work) < 0) {
        status = EXIT_BAD_INPUT;
    } else {
        struct grader_exercise_lint l;
        if (grader_exercise_lint(&c, e, work, &l, &diag) < 0) {
            cli_print_diag(&diag);
            status = EXIT_BAD_INPUT;
        } else if (l.count > 0) {
            for (int i = 0; i < l.count; i++) fprintf(stderr, "%s: error: %s\n", path, l.messages[i]);
            status = EXIT_BAD_INPUT;
        } else {
            printf("%s: ok (exercise %s: the model answers pass; %d misconception%s and %d degenerate "
                   "fix%s fail with their own feedback)\n", path, e->id, l.misconceptions_ok,
                   l.misconceptions_ok == 1 ? "" : "s", l.degenerate_ok, l.degenerate_ok == 1 ? "" : "es");
        }
        grader_exercise_lint_free(&l);
        remove_work_dir(work);
    }
    grader_exercise_free(e);
    grader_taxonomy_free(tax);
    return status;
}

/* A lab (grader/grader_lab.h): its file and battery scenarios load, its skeletons
 * exist, and its reference solution (committed, or generated by the build)
 * passes every test of the battery. */
static int lint_lab(const char *path) {
    static struct lab lab;
    static struct lab_grade g;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    if (grader_lab_load(path, &lab, &d) != 0) {
        cli_print_diag(&d);
        return EXIT_BAD_INPUT;
    }
    for (int i = 0; i < lab.tests_count; i++) {
        struct dslab_scenario *s = dslab_scenario_load(lab.tests[i].scenario, NULL, 0, NULL, &d);
        if (!s) {
            cli_print_diag(&d);
            return EXIT_BAD_INPUT;
        }
        dslab_scenario_free(s);
    }
    if (grader_lab_resolve_reference(&lab, labs_generated_root(), &d) != 0) {
        cli_print_diag(&d);
        return EXIT_BAD_INPUT;
    }
    if (!lab.reference[0]) {
        printf("%s: ok (lab %s: %d tests load; no reference to grade)\n", path, lab.id, lab.tests_count);
        return 0;
    }
    char work[PATH_MAX];
    if (make_workdir(work, sizeof work) < 0) return EXIT_BAD_INPUT;
    size_t n = strlen(lab.reference);
    struct lab_node node = {.origin = n > 3 && strcmp(lab.reference + n - 3, ".so") == 0 ? DSLAB_PROTOCOL_PLUGIN
                                                                                         : DSLAB_PROTOCOL_SOURCE,
                            .code_path = lab.reference};
    struct lab_grade_options opt = {.out_dir = work};
    int status = 0;
    if (grader_lab_grade(&lab, &node, &opt, &g, &d) != 0) {
        cli_print_diag(&d);
        status = EXIT_BAD_INPUT;
    } else if (!g.passed) {
        for (int i = 0; i < g.tests_count; i++) {
            if (g.results[i].passed) continue;
            fprintf(stderr, "%s: error: the reference %s fails test '%s':\n", path, lab.reference, g.results[i].test->id);
            dslab_quote_put(stderr, g.results[i].feedback, DSLAB_QUOTE_PLAIN, 2000);
            fputc('\n', stderr);
        }
        status = EXIT_BAD_INPUT;
    } else {
        printf("%s: ok (lab %s: the reference passes all %d tests)\n", path, lab.id, g.tests_count);
    }
    remove_work_dir(work);
    return status;
}

int cmd_lint(int argc, char **argv) {
    struct cli_overrides overrides = {0};
    const char *root = NULL;
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
        } else if (strcmp(argv[i], "--root") == 0) {
            if (i + 1 >= argc) {
                status = cli_usage_error("lint", "--root needs a directory");
                goto done;
            }
            root = argv[++i];
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
        int rc = grader_lab_path_detect(files[i])        ? lint_lab(files[i])
                 : grader_exercise_file_detect(files[i]) ? lint_exercise(files[i], root)
                                                  : lint_one(files[i], overrides.items, overrides.count);
        if (rc != 0) status = EXIT_BAD_INPUT;
    }
done:
    cli_overrides_free(&overrides);
    free(files);
    return status;
}
