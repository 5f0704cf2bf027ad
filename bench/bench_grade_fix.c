/* bench_grade_fix.c: the cost of grading one fix, per exercise.
 *
 * For every exercise with a fix question: the model fix (which runs every
 * seed of the question, its goals, and the whole stress explore) and each
 * declared degenerate fix (which usually fails in the stress and then pays
 * for the shrinker and the saved reproducer) are graded `reps` times on
 * one thread; the median wall time of one grade is printed. Budget: 10 s
 * per grade on one core (issue 10). Prints numbers; never fails on speed.
 * usage: bench_grade_fix ROOT [REPS] */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dslab/host_clock.h"
#include "grader.h"


static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Grades `fix` (flow YAML) for question `q` of `e`; the median of reps. */
static double time_fix(const struct catalog *c, const struct exercise *e, const struct question *q,
                       const char *fix, const char *dir, int reps, bool *pass) {
    char text[4096], name[600];
    snprintf(text, sizeof text, "exercise: %s\nanswers:\n  %s: %s\n", e->id, q->id, fix);
    snprintf(name, sizeof name, "%s/bench.answers.yaml", dir);
    double t[64];
    for (int r = 0; r < reps; r++) {
        struct dslab_diag d;
        dslab_diag_clear(&d);
        struct answers *a = grader_answers_load_buffer(text, strlen(text), name, e, &d);
        if (!a) {
            fprintf(stderr, "%s: %s\n", e->id, d.message);
            exit(2);
        }
        struct grade_result res;
        double t0 = dslab_host_clock_s();
        if (grader_grade_answers(c, e, a, &res, &d) < 0) {
            fprintf(stderr, "%s: %s\n", e->id, d.message);
            exit(2);
        }
        t[r] = dslab_host_clock_s() - t0;
        for (int i = 0; i < res.count; i++) {
            if (res.q[i].q == q) *pass = res.q[i].pass;
        }
        grader_grade_result_free(&res);
        grader_answers_free(a);
    }
    qsort(t, (size_t)reps, sizeof t[0], by_value);
    return t[reps / 2];
}

/* The model fix: the question's line of the model answers. */
static void model_fix(const struct catalog *c, const struct exercise *e, const struct question *q, char *out,
                      size_t size) {
    struct dslab_diag d;
    dslab_diag_clear(&d);
    char *model = grader_grade_model_answers(c, e, &d);
    out[0] = 0;
    if (!model) return;
    char prefix[128];
    snprintf(prefix, sizeof prefix, "\n  %s: ", q->id);
    const char *p = strstr(model, prefix);
    if (p) {
        p += strlen(prefix);
        const char *nl = strchr(p, '\n');
        snprintf(out, size, "%.*s", (int)(nl ? nl - p : (long)strlen(p)), p);
    }
    free(model);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: bench_grade_fix ROOT [REPS]\n");
        return 2;
    }
    int reps = argc > 2 ? atoi(argv[2]) : 3;
    if (reps < 1 || reps > 64) reps = 3;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct catalog *c = grader_catalog_load(argv[1], &d);
    if (!c) {
        fprintf(stderr, "%s\n", d.message);
        return 2;
    }
    char dir[] = "/tmp/dslab-bench-grade-XXXXXX";
    if (!mkdtemp(dir)) return 2;
    printf("exercise\tanswer\tverdict\tseeds\tstress_seeds\tmedian_s\n");
    double worst = 0;
    for (int i = 0; i < c->count; i++) {
        const struct exercise *e = c->exercises[i];
        for (int k = 0; k < e->questions_count; k++) {
            const struct question *q = &e->questions[k];
            if (q->kind != Q_FIX) continue;
            char fix[2048];
            model_fix(c, e, q, fix, sizeof fix);
            bool pass = false;
            double s = time_fix(c, e, q, fix, dir, reps, &pass);
            worst = s > worst ? s : worst;
            printf("%s\tmodel\t%s\t%d\t%d\t%.3f\n", e->id, pass ? "pass" : "FAIL", q->seeds_count, q->stress.seeds, s);
            for (int g = 0; g < q->degenerate_count; g++) {
                const struct degenerate_fix *df = &q->degenerate[g];
                size_t used = (size_t)snprintf(fix, sizeof fix, "{ ");
                for (int v = 0; v < df->set_count && used < sizeof fix; v++) {
                    used += (size_t)snprintf(fix + used, sizeof fix - used, "%s%s: \"%s\"", v ? ", " : "",
                                             df->set[v].path, df->set[v].value);
                }
                if (used < sizeof fix) snprintf(fix + used, sizeof fix - used, " }");
                s = time_fix(c, e, q, fix, dir, reps, &pass);
                worst = s > worst ? s : worst;
                printf("%s\tdegenerate %d\t%s\t%d\t%d\t%.3f\n", e->id, g + 1, pass ? "PASS" : "fail", q->seeds_count,
                       q->stress.seeds, s);
            }
        }
    }
    printf("worst\t\t\t\t\t%.3f\n", worst);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir); /* counterexamples written while grading */
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    grader_catalog_free(c);
    return 0;
}
