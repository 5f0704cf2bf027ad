/* grader_declare.h: `declare` questions: the learner names, before the run,
 * the assumptions the design relies on and their bounds, in the scenario's
 * own vocabulary ({ pause_below: 2s, majority_connected: true }); the
 * grader arms them as the run's monitors and says which held and which
 * broke, and when (docs/EXERCISE_FORMAT.md, "Declaring the assumptions").
 *
 *   grader_declare_monitors.c  the monitors a declaration may name, and bounds
 *   declare_load.c      the question (needs, max, degenerate) and the answer's shape
 *   declare.c           the grade: the runs, the verdict, the report
 *
 * Ownership: a struct declare_question is owned by its struct question
 * (freed by grader_declare_free); its strings point into the exercise's
 * YAML tree. */
#ifndef DSLAB_GRADER_DECLARE_H
#define DSLAB_GRADER_DECLARE_H

#include <stdbool.h>
#include <stdint.h>

#include "grader.h"

/* The monitors a declaration may name: the scenario's `assumptions:`
 * (docs/SCENARIO_FORMAT.md), in the simulator's order. */
#define DECLARE_MONITORS_COUNT 5

struct declare_monitor {
    const char *name;            /* "pause_below": the scenario key and the sim's monitor name */
    bool is_flag;                /* majority_connected: declared as `true`, no bound */
};
extern const struct declare_monitor grader_declare_monitors[DECLARE_MONITORS_COUNT];
/* The monitor named `name` exactly, or -1. */
int grader_declare_monitor_find(const char *name);

/* One declared assumption: a monitor and its bound (ns; 1 for a flag). */
struct declare_bound {
    int monitor;
    int64_t bound_ns;
};

/* A set of declarations (an answer, or a degenerate one), one per monitor at most. */
struct declare_set {
    int count;
    struct declare_bound items[DECLARE_MONITORS_COUNT];
};

/* An assumption the design is load-bearing on: declared bounds from
 * min_ns (tighter claims a weakness the design does not have) to max_ns
 * (looser is unsafe) are right. Encoded in the file as "MONITOR: MIN..MAX"
 * (or "MONITOR: MAX", or "majority_connected: true"). */
struct declare_need {
    int monitor;
    int64_t min_ns, max_ns;
    const char *missing;         /* feedback when it is not declared (must not name it) */
    const char *loose;           /* feedback when the bound is looser than max */
    struct dslab_src_pos pos;
};

/* A declaration that must fail (`dslab lint` checks it); a learner's
 * failing answer that makes the same mistake (the same monitors, each need
 * on the same side of its range) gets its feedback. */
struct declare_degenerate {
    struct declare_set set;
    const char *feedback;
    struct dslab_src_pos pos;
};

struct declare_question {
    int needs_count;             /* 1..DECLARE_MONITORS_COUNT */
    struct declare_need needs[DECLARE_MONITORS_COUNT];
    int max_declared;            /* needs_count..DECLARE_MONITORS_COUNT; default needs_count + 1 */
    int degenerate_count;        /* at least 2 */
    struct declare_degenerate *degenerate; /* owned */
};

/* Loads a `declare` question's keys (exercise.c calls it); q->declare is
 * set on success and on failure (free with grader_declare_free). */
int grader_declare_load(struct exercise *e, struct question *q, const struct dslab_ynode *qn,
                        const struct taxonomy *tax, struct dslab_diag *d);
void grader_declare_free(struct question *q);

/* The shape of an answer (a mapping of monitor names to bounds), parsed
 * into `out` when not NULL; errors at the offending key or value. */
int grader_declare_parse(const char *file, const struct dslab_ynode *v, struct declare_set *out,
                         struct dslab_diag *d);

/* Grades one answer (grade.c calls it): the runs, the verdict, the report. */
struct grade_ctx;
int gr_grade_declare(struct grade_ctx *g, const struct dslab_ynode *v, struct question_grade *qg);

/* "{ pause_below: 2s, majority_connected: true }" into buf. */
void grader_declare_format(const struct declare_set *s, char *buf, int size);

/* The model answer: every need at its loosest right bound. */
void grader_declare_model(const struct question *q, struct declare_set *out);

/* Runs the exercise's scenario at its seed with the model answer's
 * monitors armed; *broken is how many needs broke. 0, or -1 with d. */
int grader_declare_model_breaks(const struct exercise *e, const struct question *q, int *broken,
                                struct dslab_diag *d);

#endif
