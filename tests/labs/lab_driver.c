/* lab_driver.c: grades a node linked into this program against a lab's
 * battery: the reference solutions and their broken variants
 * (tests/labs/mutants/) are built into one program each (tests/labs/labs.cmake),
 * defining `dslab_node_protocol` as a learner's C plugin does.
 *
 *   lab_driver LAB_DIR [--out-dir DIR] [--scale N] [--test ID]
 *
 * Prints one line per test (PASS, or FAIL with the shrunk counterexample)
 * and the score. Exit 0 every test passed, 1 one failed, 2 an error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/node.h"
#include "grader_lab.h"

extern const struct dslab_protocol dslab_node_protocol;

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s LAB_DIR [--out-dir DIR] [--scale N] [--test ID]\n", argv[0]);
        return 2;
    }
    struct lab_grade_options opt = {.out_dir = "."};
    for (int i = 2; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--out-dir") == 0) opt.out_dir = argv[i + 1];
        else if (strcmp(argv[i], "--scale") == 0) opt.seeds_scale = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--test") == 0) opt.only_test = argv[i + 1];
        else {
            fprintf(stderr, "unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    if (opt.seeds_scale < 0 || opt.seeds_scale > 100) {
        fprintf(stderr, "--scale is 1..100\n");
        return 2;
    }
    struct lab_node node = {.linked = &dslab_node_protocol};
    static struct lab lab;
    static struct lab_grade g;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    if (grader_lab_load(argv[1], &lab, &d) != 0 || grader_lab_grade(&lab, &node, &opt, &g, &d) != 0) {
        fprintf(stderr, "%s:%d:%d: error: %s\n", d.file, d.line, d.col, d.message);
        return 2;
    }
    for (int i = 0; i < g.tests_count; i++) {
        const struct lab_test_result *r = &g.results[i];
        printf("%s %s (%d point%s, %d runs)\n", r->passed ? "PASS" : "FAIL", r->test->id, r->test->points,
               r->test->points == 1 ? "" : "s", r->runs);
        if (!r->passed) {
            printf("%s\n", r->feedback);
            if (r->counterexample[0]) printf("Watch it: dslab viz %s\n", r->counterexample);
        }
    }
    printf("%s: %d/%d points%s\n", lab.id, g.score, g.max, g.passed ? ", passed" : "");
    return g.passed ? 0 : 1;
}
