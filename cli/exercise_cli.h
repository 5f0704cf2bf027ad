/* exercise_cli.h: what the exercise commands (exercises, exercise, grade,
 * reveal, class-report, explain, report) share: finding the curriculum,
 * the learner's progress file, and printing verdicts and JSON strings. */
#ifndef DSLAB_EXERCISE_CLI_H
#define DSLAB_EXERCISE_CLI_H

#include <stdio.h>

#include "dslab/quote.h"
#include "grader.h"

/* Where exercises/ lives: `flag` (--root) if given, else the data root
 * found by cli_data_root() (data_root.h). */
const char *excli_root(const char *flag);
/* Loads the catalog, printing the error; NULL on failure. */
struct catalog *excli_catalog(const char *root_flag);
/* Loads ROOT/exercises/taxonomy.yaml (`root` a directory, not a flag),
 * printing the error; NULL on failure. */
struct taxonomy *excli_taxonomy(const char *root);
/* The exercise `id` or an error with "did you mean" (printed). */
const struct exercise *excli_find(const struct catalog *c, const char *cmd, const char *id);
/* The progress file path for a profile (default "default"), printing errors. */
int excli_progress_path(const char *profile, char *out, int out_size);
/* Records a graded attempt in the profile's progress (errors printed);
 * what it did to the mastery map is printed to `notes` unless NULL. */
void excli_record(const char *profile, const struct grade_result *r, FILE *notes);

/* The longest answer line `dslab exercise` reads (bytes). */
#define ASK_LINE_MAX 4096
/* Asks e's questions on stdin/stdout and returns the answers file's text
 * (caller frees), or NULL with `error` set (a line too long or not UTF-8
 * when !tty; out of memory). The file starts with `learner: NAME` when
 * learner is not NULL (class-report groups attempts by it). The `declare`
 * questions come first, before the run: then `before_run(user)` is called
 * (when not NULL; it shows the run), then the other questions, in order.
 * exercise_ask.c. */
char *excli_ask_answers(const struct exercise *e, const char *learner, bool tty, void (*before_run)(void *user),
                        void *user, char *error, size_t error_size);

/* Text from learners (names, answers) and other files is shown through
 * dslab_quote_escape() and dslab_quote_put() (dslab/quote.h). */
void excli_print_grade(FILE *out, const struct grade_result *r);
void excli_print_grade_json(FILE *out, const struct grade_result *r);

#endif
