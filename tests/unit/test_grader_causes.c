/* test_grader_causes.c: the cause of a failure-mode answer under shared
 * fate (grader/grade_causes.c, docs/EXERCISE_FORMAT.md "Evidence").
 *
 * A catalog in a temporary directory holds two-phase-commit-blocks with
 * its scenario changed: at 1.49s the coordinator n1 is both cut off from
 * the participants (for good) and crashed, each enough to block them; and
 * n3 is slowed from 0.5s, which blocks nobody. Either of the first two is
 * a cause; the slow-down is not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "grade_causes.h"
#include "grader.h"

static const char *root(void) {
    const char *r = getenv("DSLAB_ROOT");
    return r ? r : ".";
}

static char dir[] = "/tmp/dslab-causes-XXXXXX";

/* Copies `from` to `to`, replacing the first line starting with `prefix`
 * by `line` (when prefix is not NULL) and inserting `after_faults` after
 * the line "faults:". Returns 0 or -1. */
static int copy_edited(const char *from, const char *to, const char *prefix, const char *line,
                       const char *after_faults) {
    FILE *in = fopen(from, "r"), *out = fopen(to, "w");
    if (!in || !out) {
        if (in) fclose(in);
        if (out) fclose(out);
        return -1;
    }
    char buf[4096];
    bool replaced = false;
    while (fgets(buf, sizeof buf, in)) {
        if (prefix && !replaced && strncmp(buf, prefix, strlen(prefix)) == 0) {
            fputs(line, out);
            replaced = true;
            continue;
        }
        fputs(buf, out);
        if (after_faults && strcmp(buf, "faults:\n") == 0) fputs(after_faults, out);
    }
    fclose(in);
    return fclose(out);
}

static int setup(void **state) {
    (void)state;
    if (!mkdtemp(dir)) return -1;
    char a[1200], b[1200];
    snprintf(a, sizeof a, "%s/exercises", dir);
    if (mkdir(a, 0700) < 0) return -1;
    snprintf(a, sizeof a, "%s/exercises/transactions", dir);
    if (mkdir(a, 0700) < 0) return -1;
    snprintf(a, sizeof a, "%s/scenarios", dir);
    if (mkdir(a, 0700) < 0) return -1;
    snprintf(a, sizeof a, "%s/exercises/taxonomy.yaml", root());
    snprintf(b, sizeof b, "%s/exercises/taxonomy.yaml", dir);
    if (copy_edited(a, b, NULL, NULL, NULL) < 0) return -1;
    snprintf(a, sizeof a, "%s/exercises/transactions/two-phase-commit-blocks.yaml", root());
    snprintf(b, sizeof b, "%s/exercises/transactions/two-phase-commit-blocks.yaml", dir);
    if (copy_edited(a, b, "scenario:", "scenario: ../../scenarios/shared-fate.yaml\n", NULL) < 0) return -1;
    snprintf(a, sizeof a, "%s/scenarios/transactions/2pc-coordinator-crash.yaml", root());
    snprintf(b, sizeof b, "%s/scenarios/shared-fate.yaml", dir);
    return copy_edited(a, b, NULL, NULL,
                       "  - { at: 0.5s, slow: n3, factor: 2 }\n"
                       "  - { at: 1.49s, partition: [[n1], [n2, n3, n4]] }\n");
}

static int teardown(void **state) {
    (void)state;
    const char *files[] = {"exercises/taxonomy.yaml", "exercises/transactions/two-phase-commit-blocks.yaml",
                           "scenarios/shared-fate.yaml", "exercises/transactions", "exercises", "scenarios", ""};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char p[1200];
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        remove(p);
    }
    return 0;
}

/* Grades `what-failed: { mode: blocking commit, cause: CAUSE }`; returns
 * whether it passed, its feedback into fb. */
static bool grade_cause(const char *cause, char *fb, size_t fb_size) {
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct catalog *c = grader_catalog_load(dir, &d);
    if (!c) fail_msg("%s:%d: %s", d.file, d.line, d.message);
    const struct exercise *e = grader_catalog_find(c, "two-phase-commit-blocks");
    assert_non_null(e);
    char text[400];
    snprintf(text, sizeof text, "exercise: two-phase-commit-blocks\nanswers:\n  what-failed: { mode: blocking commit, cause: %s }\n",
             cause);
    struct answers *a = grader_answers_load_buffer(text, strlen(text), "answers.yaml", e, &d);
    assert_non_null(a);
    struct grade_result r;
    assert_int_equal(grader_grade_answers(c, e, a, &r, &d), 0);
    bool pass = false;
    for (int i = 0; i < r.count; i++) {
        if (strcmp(r.q[i].q->id, "what-failed") == 0) {
            pass = r.q[i].pass;
            snprintf(fb, fb_size, "%s", r.q[i].feedback);
        }
    }
    grader_grade_result_free(&r);
    grader_answers_free(a);
    grader_catalog_free(c);
    return pass;
}

static void test_either_fault_of_a_shared_fate_is_a_cause(void **state) {
    (void)state;
    char fb[2048];
    assert_true(grade_cause("crash n1 at 1.49s", fb, sizeof fb));
    assert_non_null(strstr(fb, "shared fate"));
    assert_non_null(strstr(fb, "partition"));
    assert_true(grade_cause("partition n1 at 1.49s", fb, sizeof fb));
    assert_non_null(strstr(fb, "shared fate"));
}

static void test_an_irrelevant_fault_beside_a_shared_fate_is_not_a_cause(void **state) {
    (void)state;
    char fb[2048];
    assert_false(grade_cause("slow n3 at 0.5s", fb, sizeof fb));
    assert_non_null(strstr(fb, "The run without the"));
    assert_non_null(strstr(fb, "still violates atomic-commit"));
    assert_non_null(strstr(fb, "that fault is not what caused it"));
}

/* The search is bounded: one run per fault, then every subset of two or
 * more of the three faults whose removal alone still violates: 3 + 4. */
static void test_the_search_runs_each_subset_once(void **state) {
    (void)state;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    char p[1200];
    snprintf(p, sizeof p, "%s/scenarios/shared-fate.yaml", dir);
    struct dslab_scenario *s = dslab_scenario_load(p, NULL, 0, NULL, &d);
    assert_non_null(s);
    struct causes c;
    assert_int_equal(gr_causes_compute(s, s->seed, "atomic-commit", &c, &d), 0);
    assert_int_equal(c.faults_count, 3);
    assert_int_equal(c.cand_count, 3);
    assert_true(c.complete);
    assert_int_equal(c.runs, 3 + 4);
    int causes = 0;
    for (int i = 0; i < c.faults_count; i++) {
        causes += c.cause[i];
        assert_false(c.alone[i]);
        if (s->faults[i].kind == DSLAB_FAULT_SLOW) assert_false(c.cause[i]);
    }
    assert_int_equal(causes, 2);
    gr_causes_free(&c);
    dslab_scenario_free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_either_fault_of_a_shared_fate_is_a_cause),
        cmocka_unit_test(test_an_irrelevant_fault_beside_a_shared_fate_is_not_a_cause),
        cmocka_unit_test(test_the_search_runs_each_subset_once),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
