/* lab.h: labs, the exercises of kind `implement` (docs/EXERCISE_FORMAT.md,
 * "Labs"). A learner writes a node; the lab's battery runs it:
 *
 *   exercises/labs/<id>/lab.yaml ──lab_load()──> struct lab (tests: scenario, seeds, explore seeds)
 *                                                   │
 *   learner's protocol ──protocol_register("learner")
 *                                                   │
 *   lab_grade(): per test  scenario × seeds (its own faults)
 *                        + scenario × explore seeds (random faults from its `explore:` section)
 *                        first failing run ──explore_shrink──> minimal counterexample file
 *
 * Every battery scenario names `protocol: learner` (with the lab's
 * parameters): the grader registers the node under test under that name
 * before loading them. */
#ifndef DSLAB_GRADER_LAB_H
#define DSLAB_GRADER_LAB_H

#include <stdbool.h>
#include <stdint.h>

#include "dslab/diag.h"
#include "dslab/node.h"

#define LAB_TESTS_MAX 16
#define LAB_PROTOCOL_NAME "learner"

struct lab_test {
    char id[64];
    char scenario[1024]; /* resolved path */
    int points;          /* 1..10 */
    int seeds;           /* 1..200: seeds 1..N with the scenario's faults */
    int explore;         /* 0..200: seeds 1..N of random faults plus the scenario's */
    char about[256];     /* one line: what the test shows */
};

struct lab {
    char id[64];
    char title[128];
    char path[1024];     /* lab.yaml */
    char dir[1024];      /* its directory */
    int tests_count;
    struct lab_test tests[LAB_TESTS_MAX];
};

/* Loads DIR/lab.yaml (or a lab.yaml path). Errors at file:line:col. */
int lab_load(const char *path, struct lab *out, struct diag *diag);
/* True when `path` is a lab directory or a lab.yaml. */
bool lab_path_detect(const char *path);

struct lab_test_result {
    const struct lab_test *test;
    bool passed;
    int runs;              /* simulations run (shrinking included) */
    uint64_t seed;         /* the failing run's seed */
    bool explored;         /* the failing run had random faults */
    char check[64];        /* the failing check, or "" (run error) */
    char feedback[2048];   /* what failed, the shrunk faults, the checker's words */
    char counterexample[1100]; /* the saved reproducer, or "" */
};

struct lab_grade {
    int tests_count;
    struct lab_test_result results[LAB_TESTS_MAX];
    int score, max;        /* points */
    bool passed;
};

struct lab_grade_options {
    const char *out_dir;   /* where counterexamples go ("." when NULL) */
    int seeds_scale;       /* multiplies seeds and explore (1 when 0; 1..100) */
    int shrink_runs;       /* budget per counterexample (120 when 0) */
    const char *only_test; /* run one test, or NULL */
};

/* Registers `node` as the learner protocol and runs the battery.
 * Returns 0 (grade filled), or -1 with diag (a scenario that does not
 * load, a protocol that rejects the lab's parameters). */
int lab_grade(const struct lab *lab, const struct protocol *node, const struct lab_grade_options *opt,
              struct lab_grade *out, struct diag *diag);

#endif
