/* progress_internal.h (private): what progress_file.c (the file) needs
 * of progress.c (the records): adding a record of each kind. Each returns
 * the new zeroed record (its name set), or NULL out of memory. */
#ifndef DSLAB_GRADER_PROGRESS_INTERNAL_H
#define DSLAB_GRADER_PROGRESS_INTERNAL_H

#include "grader.h"

struct progress_entry *gr_progress_add_entry(struct progress *p, const char *id);
struct progress_question *gr_progress_add_question(struct progress *p, const char *exercise, const char *question);
struct progress_mastery *gr_progress_add_mastery(struct progress *p, const char *term);
/* Keeps `answer` as q's newest (the oldest dropped past PROGRESS_ANSWERS_KEPT). */
int gr_progress_keep_answer(struct progress_question *q, const char *answer);

#endif
