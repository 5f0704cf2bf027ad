/* class_report_labs.c: the labs in `dslab class-report`: lab submission
 * files (lab_submission.c: lab, learner, node) are graded with the lab's
 * battery and shown per lab as a learner-by-test matrix: per cell pass,
 * or fail with the check that failed; then the score. Counterexamples are
 * saved next to each submission file (LAB.TEST.counterexample.yaml). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/quote.h"
#include "cli.h"
#include "class_report_labs.h"
#include "exercise_cli.h"

int class_labs_grade(const char *path, const char *root, struct class_lab *row, FILE *errors) {
    memset(row, 0, sizeof *row);
    struct lab_submission sub;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    char out_dir[1100];
    const char *slash = strrchr(path, '/');
    snprintf(out_dir, sizeof out_dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
    size_t n = 0;
    int rc = grader_lab_submission_load(path, root, &sub, &d);
    if (rc == 0) {
        n = strlen(sub.node);
        struct lab_node node = {.origin = n > 3 && strcmp(sub.node + n - 3, ".so") == 0 ? DSLAB_PROTOCOL_PLUGIN
                                                                                       : DSLAB_PROTOCOL_SOURCE,
                                .code_path = sub.node};
        struct lab_grade_options opt = {.out_dir = out_dir};
        rc = grader_lab_load(sub.lab_dir, &row->lab, &d);
        if (rc == 0) rc = grader_lab_grade(&row->lab, &node, &opt, &row->g, &d);
    }
    if (rc != 0) {
        char buf[DSLAB_DIAG_MESSAGE_MAX + DSLAB_DIAG_PATH_MAX + 64];
        dslab_diag_format(&d, buf, (int)sizeof buf);
        fprintf(errors, "- ");
        dslab_quote_put(errors, buf, DSLAB_QUOTE_MARKDOWN, 400);
        fprintf(errors, "\n");
        return -1;
    }
    snprintf(row->learner, sizeof row->learner, "%s", sub.learner);
    return 0;
}

void class_labs_print(FILE *o, const struct class_lab *rows, int n) {
    for (int i = 0; i < n; i++) {
        bool first = true;
        for (int k = 0; k < i && first; k++) first = strcmp(rows[k].lab.id, rows[i].lab.id) != 0;
        if (!first) continue;
        const struct lab *lab = &rows[i].lab;
        char esc[400];
        fprintf(o, "\n## Lab %s: %s\n\n| learner |", lab->id, dslab_quote_escape(lab->title, DSLAB_QUOTE_MARKDOWN, 120, esc, sizeof esc));
        for (int t = 0; t < lab->tests_count; t++) fprintf(o, " %s (%d) |", lab->tests[t].id, lab->tests[t].points);
        fprintf(o, " score |\n|---|");
        for (int t = 0; t <= lab->tests_count; t++) fprintf(o, "---|");
        fprintf(o, "\n");
        int passed = 0, learners = 0;
        for (int k = i; k < n; k++) {
            if (strcmp(rows[k].lab.id, lab->id) != 0) continue;
            learners++;
            passed += rows[k].g.passed;
            fprintf(o, "| %s |", dslab_quote_escape(rows[k].learner, DSLAB_QUOTE_MARKDOWN, 64, esc, sizeof esc));
            for (int t = 0; t < rows[k].g.tests_count; t++) {
                const struct lab_test_result *r = &rows[k].g.results[t];
                if (r->passed) fprintf(o, " pass |");
                else fprintf(o, " **fail** %s |", r->check[0] ? r->check : "(run stopped)");
            }
            fprintf(o, " %d/%d |\n", rows[k].g.score, rows[k].g.max);
        }
        fprintf(o, "\n%d of %d submission%s passed every test. Each failing cell's counterexample is "
                "LAB.TEST.counterexample.yaml next to the submission (`dslab viz` it).\n",
                passed, learners, learners == 1 ? "" : "s");
    }
}
