/* cmd_grade_lab.c: `dslab grade LAB --node FILE` or `--process "CMD"`
 * (a node in any language, docs/PROCESS_NODES.md): grades a learner's node
 * against a lab's battery (grader/grader_lab.h, docs/EXERCISE_FORMAT.md "Labs").
 * Prints one line per test (PASS, or FAIL with the shrunk counterexample
 * and `dslab viz FILE` to watch it) and the score. Exit 0 every test
 * passed, 1 one failed, 2 bad input (no such lab, node code that does not
 * compile or load, a parameter it rejects). Records the attempt in the
 * learner's progress as "labs/ID" (progress_lab.c) unless --no-progress. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dslab/quote.h"
#include "cli.h"
#include "exercise_cli.h"
#include "grader_lab.h"

/* A lab by path (DIR or DIR/lab.yaml), or by id under ROOT/exercises/labs/
 * ("echo" or "labs/echo"). */
static int resolve_lab(const char *arg, const char *root_flag, char *out, size_t size) {
    if (grader_lab_path_detect(arg)) {
        snprintf(out, size, "%s", arg);
        return 0;
    }
    const char *id = strncmp(arg, "labs/", 5) == 0 ? arg + 5 : arg;
    snprintf(out, size, "%s/exercises/labs/%s", excli_root(root_flag), id);
    if (strchr(id, '/') == NULL && id[0] && grader_lab_path_detect(out)) return 0;
    fprintf(stderr, "dslab: error: no lab '%s' (the labs are the directories of %s/exercises/labs/, "
            "e.g. labs/echo; or give a lab's directory)\n", arg, excli_root(root_flag));
    return -1;
}

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The file a process node's code is in, for the progress record's code
 * hash: the last word of the command that names a regular file ("python3
 * my_node.py" -> my_node.py), or NULL (then the hash is 0: the attempts
 * still count, regrades of unchanged code are not recognised). The
 * command's words split at spaces, as a sketch: quoting is not resolved. */
static const char *process_code_file(const char *cmd, char *buf, size_t size) {
    const char *found = NULL;
    for (const char *p = cmd; *p;) {
        while (*p == ' ') p++;
        size_t n = strcspn(p, " ");
        if (n > 0 && n < size) {
            memcpy(buf, p, n);
            buf[n] = '\0';
            struct stat st;
            if (stat(buf, &st) == 0 && S_ISREG(st.st_mode)) found = p;
        }
        p += n;
    }
    if (!found) return NULL;
    size_t n = strcspn(found, " ");
    memcpy(buf, found, n);
    buf[n] = '\0';
    return buf;
}

/* Records the attempt in the profile's progress (errors printed). */
static void record(const char *profile, const struct lab *lab, const struct lab_grade *g, const char *node_file) {
    char path[1024];
    if (excli_progress_path(profile, path, (int)sizeof path) < 0) return;
    struct progress *p = calloc(1, sizeof *p);
    if (!p) return;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    uint64_t hash = node_file ? grader_lab_code_hash(node_file) : 0;
    if (grader_progress_update_lab(p, path, lab, g, hash, &d) < 0) {
        char buf[DSLAB_DIAG_MESSAGE_MAX + DSLAB_DIAG_PATH_MAX + 64];
        dslab_diag_format(&d, buf, (int)sizeof buf);
        fprintf(stderr, "%s (progress not saved)\n", buf);
    }
    grader_progress_free(p);
    free(p);
}

int cmd_grade_lab(const char *lab_arg, const char *node_file, const char *process, const char *root_flag, const char *out_dir,
                  const char *only_test, int seeds_scale, const char *profile, bool record_progress) {
    char lab_path[1100], progress_file[1024];
    /* a bad --profile is refused before grading, not after */
    if (record_progress && excli_progress_path(profile, progress_file, (int)sizeof progress_file) < 0) {
        return EXIT_BAD_INPUT;
    }
    if (resolve_lab(lab_arg, root_flag, lab_path, sizeof lab_path) != 0) return EXIT_BAD_INPUT;
    struct lab_node node = {.origin = DSLAB_PROTOCOL_PROCESS, .process = process};
    char code_file[1024];
    if (process) {
        node_file = process_code_file(process, code_file, sizeof code_file);
    } else {
        struct stat st;
        if (stat(node_file, &st) != 0 || !S_ISREG(st.st_mode)) {
            fprintf(stderr, "dslab: error: --node %s: no such file\n", node_file);
            return EXIT_BAD_INPUT;
        }
        node.origin = ends_with(node_file, ".so") ? DSLAB_PROTOCOL_PLUGIN : DSLAB_PROTOCOL_SOURCE;
        node.code_path = node_file;
    }
    struct lab_grade_options opt = {.out_dir = out_dir ? out_dir : ".", .only_test = only_test,
                                    .seeds_scale = seeds_scale};
    static struct lab lab;
    static struct lab_grade g;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    if (grader_lab_load(lab_path, &lab, &d) != 0 || grader_lab_grade(&lab, &node, &opt, &g, &d) != 0) {
        cli_print_diag(&d);
        return EXIT_BAD_INPUT;
    }
    printf("lab %s: %s\n", lab.id, lab.title);
    for (int i = 0; i < g.tests_count; i++) {
        const struct lab_test_result *r = &g.results[i];
        printf("%s %s (%d point%s, %d runs): %s\n", r->passed ? "PASS" : "FAIL", r->test->id, r->test->points,
               r->test->points == 1 ? "" : "s", r->runs, r->test->about);
        if (!r->passed) {
            /* The checker's words may quote the node's own texts: escaped. */
            char lines[sizeof r->feedback];
            memcpy(lines, r->feedback, sizeof lines);
            for (char *line = strtok(lines, "\n"); line; line = strtok(NULL, "\n")) {
                fputs("  ", stdout);
                dslab_quote_put(stdout, line, DSLAB_QUOTE_PLAIN, 1000);
                fputc('\n', stdout);
            }
            if (r->counterexample[0]) printf("  Watch it: dslab viz %s\n", r->counterexample);
        }
    }
    printf("score: %d/%d points%s\n", g.score, g.max, g.passed ? ", passed" : "");
    if (record_progress) record(profile, &lab, &g, node_file);
    return g.passed ? 0 : EXIT_CHECK_FAILED;
}
