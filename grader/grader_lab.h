/* grader_lab.h: the grader's public interface for labs, the exercises of
 * kind `implement` (docs/EXERCISE_FORMAT.md, "Labs"), next to grader.h;
 * used by cli/ and tests/labs/lab_driver.c. A learner writes a node; the
 * lab's battery runs it:
 *
 *   exercises/labs/<id>/lab.yaml ──grader_lab_load()──> struct lab (tests: scenario, seeds, explore seeds)
 *                                                   │
 *   the node under test ──> every battery scenario's protocol (its parameters kept)
 *                                                   │
 *   grader_lab_grade(): per test  scenario × seeds (its own faults)
 *                        + scenario × explore seeds (random faults from its `explore:` section)
 *                        first failing run ──dslab_explore_shrink──> minimal counterexample file
 *
 * Every battery scenario names the lab's skeleton as its code
 * (`protocol: { source: ../skeleton/x.c, ... }`, so `dslab run` on it runs
 * the starting point); the grader replaces that with the node under test
 * and keeps the parameters: a C source or shared object (loaded by
 * dslab/node_code.h when the simulator is created), or a protocol linked
 * into the program (registered as "learner": tests/labs/lab_driver.c). */
#ifndef DSLAB_GRADER_GRADER_LAB_H
#define DSLAB_GRADER_GRADER_LAB_H

#include <stdbool.h>
#include <stdint.h>

#include "dslab/diag.h"
#include "dslab/node.h"
#include "dslab/scenario.h"
#include "grader.h"

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
    char reference[1100];/* the reference solution (`reference:`, resolved), or "" */
    /* `generated_reference:` instead: a path under the build's tree of
     * generated references (BUILD/labs_generated, tests/labs/labs.cmake),
     * where the lab.yaml names it; "" when the lab names none. Resolved into
     * `reference` by grader_lab_resolve_reference. */
    struct {
        char path[256];
        int line, col;
    } generated;
    int tests_count;
    struct lab_test tests[LAB_TESTS_MAX];
};

/* Loads DIR/lab.yaml (or a lab.yaml path). Errors at file:line:col. */
int grader_lab_load(const char *path, struct lab *out, struct dslab_diag *diag);
/* A lab naming `generated_reference:` gets `reference` set to
 * GENERATED_ROOT/that path (NULL root: where the references are is not
 * known). 0, or -1 with a diag at the key when the root is unknown or the
 * file is not there (the build did not generate it). No-op for other labs. */
int grader_lab_resolve_reference(struct lab *lab, const char *generated_root, struct dslab_diag *diag);
/* True when `path` is a lab directory or a lab.yaml. */
bool grader_lab_path_detect(const char *path);

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

/* The node under test: exactly one of the three (linked, code_path,
 * process). Borrowed for the call. */
struct lab_node {
    const struct dslab_protocol *linked; /* registered as LAB_PROTOCOL_NAME */
    enum dslab_protocol_origin origin;   /* DSLAB_PROTOCOL_SOURCE, DSLAB_PROTOCOL_PLUGIN or DSLAB_PROTOCOL_PROCESS */
    const char *code_path;         /* source/plugin: made absolute by grader_lab_grade */
    /* DSLAB_PROTOCOL_PROCESS: the command (docs/PROCESS_NODES.md), run in
     * process_dir (the current directory when NULL; made absolute), so
     * its relative paths are the learner's. */
    const char *process;
    const char *process_dir;
};

struct lab_grade_options {
    const char *out_dir;   /* where counterexamples go ("." when NULL) */
    int seeds_scale;       /* multiplies seeds and explore (1 when 0; 1..100) */
    int shrink_runs;       /* budget per counterexample (120 when 0) */
    const char *only_test; /* run one test, or NULL */
};

/* Runs the battery on `node`. Returns 0 (grade filled), or -1 with diag:
 * a scenario that does not load, node code that does not compile or load,
 * a protocol that rejects the lab's parameters. */
int grader_lab_grade(const struct lab *lab, const struct lab_node *node, const struct lab_grade_options *opt,
              struct lab_grade *out, struct dslab_diag *diag);

/* progress_lab.c: a lab grade in the learner's progress (progress.yaml):
 * the entry "labs/ID" (attempts, best and max score in thousandths of a
 * point, passed) and one question per test graded, whose answers are
 * "code HASH: passed" or "code HASH: failed CHECK" (HASH: FNV-1a of the
 * node's bytes), so regrading the same code is not a new attempt and
 * right_at is the attempt whose code first passed. */
uint64_t grader_lab_code_hash(const char *path); /* 0 when unreadable */
int grader_progress_update_lab(struct progress *p, const char *path, const struct lab *lab, const struct lab_grade *g,
                        uint64_t code_hash, struct dslab_diag *diag);

/* lab_submission.c: `lab: ID`, `learner: NAME`, `node: FILE` (relative
 * to the submission), for `dslab class-report`. */
struct lab_submission {
    char lab_dir[1100];  /* ROOT/exercises/labs/ID */
    char learner[128];
    char node[1100];     /* resolved */
};
bool grader_lab_submission_detect(const char *path);
int grader_lab_submission_load(const char *path, const char *root, struct lab_submission *out, struct dslab_diag *diag);

#endif
