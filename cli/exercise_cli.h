/* exercise_cli.h: what the exercise commands (exercises, exercise, grade,
 * reveal, class-report, explain, report) share: finding the curriculum,
 * the learner's progress file, and printing verdicts and JSON strings. */
#ifndef DSLAB_EXERCISE_CLI_H
#define DSLAB_EXERCISE_CLI_H

#include <stdio.h>

#include "grader.h"

/* Where exercises/ lives: `flag` (--root) if given, else $DSLAB_ROOT,
 * else the current directory when it has exercises/taxonomy.yaml, else
 * the source tree dslab was built from. */
const char *excli_root(const char *flag);
/* Loads the catalog, printing the error; NULL on failure. */
struct catalog *excli_catalog(const char *root_flag);
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
 * when !tty; out of memory). exercise_ask.c. */
char *excli_ask_answers(const struct exercise *e, bool tty, char *error, size_t error_size);

/* How text from learners (names, answers) and other files is shown. */
enum excli_escape {
    EXCLI_PLAIN,    /* a terminal or a code block: control characters and invalid UTF-8 escaped */
    EXCLI_MARKDOWN, /* Markdown text or a table cell: also \ ` * _ [ ] < > | # ~ ! escaped */
};
/* Writes `text` into buf (always terminated) with every control character
 * shown as \n, \r, \t or \xNN and every byte that is not part of valid
 * UTF-8 as \xNN, so no learner-supplied text can start a line, move the
 * cursor or forge a table row; at most `max_chars` characters of the text
 * are shown (0 = all that fit), then "...". Returns buf. (text_escape.c) */
const char *excli_escape(const char *text, enum excli_escape how, size_t max_chars, char *buf, size_t size);
/* The same, written to `out`. */
void excli_put_escaped(FILE *out, const char *text, enum excli_escape how, size_t max_chars);

void excli_print_grade(FILE *out, const struct grade_result *r);
void excli_print_grade_json(FILE *out, const struct grade_result *r);

#endif
