/* fuzz_exercise.c: libFuzzer target for the exercise loader (grader/exercise.c).
 *
 * Exercise files come from course authors and from workshop leads who
 * write their own, and `dslab lint` is the first thing that reads them: no
 * input may crash, hang or leak in the loader. The input is an exercise
 * file given to grader_exercise_load_buffer() under a name inside the source
 * tree's exercises/consensus/, so the scenario paths real exercises use
 * ("../../scenarios/...") resolve, with the source tree's taxonomy loaded
 * once so hashed keys are checked against it. A rejected file must come
 * with a message; an accepted one goes through the leak check and has
 * every question's fields read. Grading (which runs simulations) is not
 * fuzzed here. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "grader.h"

#ifndef DSLAB_SOURCE_DIR
#error "DSLAB_SOURCE_DIR must name the source tree (tests/fuzz/CMakeLists.txt)"
#endif

static struct taxonomy *fuzz_taxonomy;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    fuzz_taxonomy = grader_taxonomy_load(DSLAB_SOURCE_DIR "/exercises/taxonomy.yaml", &d);
    if (!fuzz_taxonomy) fprintf(stderr, "fuzz_exercise: no taxonomy (%s); fuzzing without it\n", d.message);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct exercise *e = grader_exercise_load_buffer((const char *)data, size,
                                              DSLAB_SOURCE_DIR "/exercises/consensus/fuzz-input.yaml",
                                              DSLAB_SOURCE_DIR, fuzz_taxonomy, &d);
    if (!e) {
        if (d.message[0] == '\0') __builtin_trap(); /* an error must say what */
        return 0;
    }
    dslab_diag_clear(&d);
    if (fuzz_taxonomy && grader_exercise_check_leaks(e, fuzz_taxonomy, &d) < 0 && d.message[0] == '\0') {
        __builtin_trap();
    }
    size_t seen = 0;
    for (int i = 0; i < e->questions_count; i++) {
        const struct question *q = &e->questions[i];
        if (!q->id || !q->prompt) __builtin_trap(); /* the loader requires both */
        seen += strlen(q->id) + strlen(q->prompt) + (size_t)q->keys_count;
        for (int k = 0; k < q->allowed_count; k++) seen += strlen(q->allowed[k]);
    }
    if (seen == (size_t)-1) __builtin_trap(); /* keeps the reads */
    grader_exercise_free(e);
    return 0;
}
