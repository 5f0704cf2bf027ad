/* fuzz_answers.c: libFuzzer target for the answers loader (grader/answers.c).
 *
 * Learners' answers files reach a mentor by the dozen (`dslab class-report`)
 * and none may crash the grader. Once, at start-up, a few exercises are
 * loaded from the source tree's exercises/ so that every question kind is
 * present (failure-mode with evidence, trade-off, assumption, predict, fix,
 * break, explain, operate, declare); the first byte of an input picks the exercise, the rest
 * is the answers file given to grader_answers_load_buffer(). A rejected file must
 * come with a message; an accepted one is walked through grader_answers_get() for
 * every question. Grading itself (which runs simulations) is not fuzzed. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "grader.h"

#ifndef DSLAB_SOURCE_DIR
#error "DSLAB_SOURCE_DIR must name the source tree (tests/fuzz/CMakeLists.txt)"
#endif

/* Together these ask every kind of question. */
static const char *const fuzz_exercise_files[] = {
    "exercises/replication/primary-backup-split-brain.yaml", /* failure-mode, trade-off, fix, explain */
    "exercises/operating-at-2am/paused-lock-holder.yaml",    /* assumption, declare */
    "exercises/consensus/deposed-leader-stale-reads.yaml",   /* predict */
    "exercises/transactions/break-two-phase-commit.yaml",    /* break */
    "exercises/operating-at-2am/half-finished-rollout.yaml", /* operate */
    "exercises/operating-at-2am/the-overload-runbook.yaml",  /* operate with steps (runbook order) */
};
#define FUZZ_EXERCISES_COUNT (int)(sizeof fuzz_exercise_files / sizeof fuzz_exercise_files[0])

static struct exercise *fuzz_exercises[FUZZ_EXERCISES_COUNT];
static int fuzz_exercises_count;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    for (int i = 0; i < FUZZ_EXERCISES_COUNT; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", DSLAB_SOURCE_DIR, fuzz_exercise_files[i]);
        struct dslab_diag d;
        dslab_diag_clear(&d);
        struct exercise *e = grader_exercise_load(path, DSLAB_SOURCE_DIR, NULL, &d);
        if (!e) {
            char buf[DSLAB_DIAG_MESSAGE_MAX + DSLAB_DIAG_PATH_MAX + 64];
            dslab_diag_format(&d, buf, (int)sizeof buf);
            fprintf(stderr, "fuzz_answers: skipping an exercise: %s\n", buf);
            continue;
        }
        fuzz_exercises[fuzz_exercises_count++] = e;
    }
    if (fuzz_exercises_count == 0) {
        fprintf(stderr, "fuzz_answers: no exercise loaded; fuzzing without one\n");
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    const struct exercise *e = NULL;
    if (fuzz_exercises_count > 0) e = fuzz_exercises[data[0] % fuzz_exercises_count];
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct answers *a = grader_answers_load_buffer((const char *)data + 1, size - 1, "fuzz-answers.yaml",
                                            e, &d);
    if (!a) {
        if (d.message[0] == '\0') __builtin_trap(); /* an error must say what */
        return 0;
    }
    for (int i = 0; e && i < e->questions_count; i++) {
        const struct dslab_ynode *v = grader_answers_get(a, e->questions[i].id);
        if (v && v->kind == DSLAB_YNODE_SCALAR && !v->text) __builtin_trap();
    }
    grader_answers_free(a);
    return 0;
}
