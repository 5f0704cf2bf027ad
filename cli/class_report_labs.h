/* class_report_labs.h: the labs' part of `dslab class-report`
 * (class_report_labs.c). */
#ifndef DSLAB_CLASS_REPORT_LABS_H
#define DSLAB_CLASS_REPORT_LABS_H

#include <stdio.h>

#include "grader_lab.h"

struct class_lab {
    struct lab lab;
    struct lab_grade g;
    char learner[128];
};

/* Grades one submission into `row`; 0, or -1 after writing why to
 * `errors` (Markdown, escaped). */
int class_labs_grade(const char *path, const char *root, struct class_lab *row, FILE *errors);
/* One section per lab, in the order the labs first appear. */
void class_labs_print(FILE *o, const struct class_lab *rows, int n);

#endif
