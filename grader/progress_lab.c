/* progress_lab.c: recording a lab's grade in the learner's progress
 * (grader_lab.h; docs/EXERCISE_FORMAT.md "Labs"). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "grader_lab.h"
#include "progress_internal.h"

uint64_t grader_lab_code_hash(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    uint64_t h = UINT64_C(14695981039346656037);
    int c;
    while ((c = fgetc(f)) != EOF) {
        h ^= (uint64_t)(unsigned char)c;
        h *= UINT64_C(1099511628211);
    }
    fclose(f);
    return h;
}

struct lab_attempt {
    const struct lab *lab;
    const struct lab_grade *g;
    uint64_t code_hash;
};

static int record_lab(struct progress *p, const void *arg) {
    const struct lab_attempt *a = arg;
    p->credits_count = 0;
    char id[64];
    snprintf(id, sizeof id, "labs/%.58s", a->lab->id);
    struct progress_entry *e = (struct progress_entry *)grader_progress_find(p, id);
    if (!e && !(e = gr_progress_add_entry(p, id))) return -1;
    e->attempts++;
    if (a->g->score * 1000 > e->best_milli) e->best_milli = a->g->score * 1000;
    int max = 0;
    for (int i = 0; i < a->lab->tests_count; i++) max += a->lab->tests[i].points;
    e->max_milli = max * 1000;
    for (int i = 0; i < a->g->tests_count; i++) {
        const struct lab_test_result *r = &a->g->results[i];
        struct progress_question *q = (struct progress_question *)grader_progress_find_question(p, id, r->test->id);
        if (!q && !(q = gr_progress_add_question(p, id, r->test->id))) return -1;
        char answer[128];
        snprintf(answer, sizeof answer, "code %016" PRIx64 ": %s%s", a->code_hash,
                 r->passed ? "passed" : "failed ", r->passed ? "" : (r->check[0] ? r->check : "run stopped"));
        bool seen = false;
        for (int k = 0; k < q->answers_count && !seen; k++) seen = strcmp(q->answers[k], answer) == 0;
        if (seen) continue;
        if (gr_progress_keep_answer(q, answer) < 0) return -1;
        q->attempts++;
        if (r->passed && !q->right_at) q->right_at = q->attempts;
    }
    /* The lab counts as passed once every test passed in one attempt. */
    e->passed |= a->g->passed && a->g->tests_count == a->lab->tests_count;
    return 0;
}

int grader_progress_update_lab(struct progress *p, const char *path, const struct lab *lab, const struct lab_grade *g,
                        uint64_t code_hash, struct dslab_diag *diag) {
    struct lab_attempt a = {.lab = lab, .g = g, .code_hash = code_hash};
    return grader_progress_update_with(p, path, record_lab, &a, diag);
}
