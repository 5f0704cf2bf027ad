/* implement.c: grading a learner's node against a lab's battery (grader_lab.h).
 *
 * Per test: the scenario at seeds 1..seeds with its own faults, then at
 * seeds 1..explore with random faults drawn from its `explore:` section on
 * top. The first failing run is shrunk by explore's delta debugging (as
 * the fix grader does, grade_fix.c) to the faults it needs, saved next to
 * the learner as LAB.TEST.counterexample.yaml and described in the
 * feedback. A test passes when every run holds every check; partial
 * credit is per test. Everything here is a function of the lab and the
 * node: the same node gets the same verdict and counterexample anywhere. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/time.h"
#include "dslab/explore_engine.h"
#include "grader.h"
#include "grader_lab.h"

static void fb(struct lab_test_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fb(struct lab_test_result *r, const char *fmt, ...) {
    size_t used = strlen(r->feedback);
    if (used + 2 >= sizeof r->feedback) return;
    if (used) r->feedback[used++] = '\n';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->feedback + used, sizeof r->feedback - used, fmt, ap);
    va_end(ap);
}

static int first_failed(const struct dslab_explore_outcome *o, int checks_count) {
    for (int i = 0; i < checks_count && i < DSLAB_EXPLORE_CHECKS_MAX; i++) {
        if (o->failed_mask & (UINT64_C(1) << i)) return i;
    }
    return -1;
}

/* Shrinks the failing schedule, saves the reproducer, writes feedback. */
static void counterexample(const struct lab *lab, const struct lab_grade_options *opt, const struct dslab_scenario *sc,
                           uint64_t seed, const struct dslab_explore_schedule *sch, int check,
                           struct lab_test_result *r) {
    struct dslab_explore_shrink_result res;
    memset(&res, 0, sizeof res);
    struct dslab_diag inner;
    dslab_diag_clear(&inner);
    char when[32], desc[200];
    const char *args = sc->checks[check].args ? sc->checks[check].args : "";
    int budget = opt->shrink_runs > 0 ? opt->shrink_runs : 120;
    if (dslab_explore_shrink(sc, seed, sch, check, budget, &res, &inner) < 0) {
        fb(r, "%s%s%s fails with seed %" PRIu64 "%s (not shrunk: %s).", sc->checks[check].name, args[0] ? ": " : "",
           args, seed, r->explored ? " and random faults" : "", inner.message);
        dslab_explore_shrink_result_free(&res);
        return;
    }
    r->runs += res.runs;
    if (res.final.sc.faults_count == 0) {
        fb(r, "It fails without any fault, at seed %" PRIu64 ".", seed);
    } else {
        fb(r, "The smallest schedule found that breaks it (seed %" PRIu64 "):", seed);
        for (int i = 0; i < res.final.sc.faults_count; i++) {
            dslab_explore_fault_describe(&res.final.sc, &res.final.sc.faults[i], desc, (int)sizeof desc);
            fb(r, "  %s", desc);
        }
    }
    struct run_outcome o;
    dslab_diag_clear(&inner);
    if (grader_run_loaded(&res.final.sc, seed, &o, &inner) == 0 && check < o.checks_count &&
        o.checks[check].violations_count > 0) {
        fb(r, "%s%s%s fails at t=%s: %s", sc->checks[check].name, args[0] ? ": " : "", args,
           dslab_time_format_s(o.checks[check].violations[0].from_ns, when, sizeof when),
           o.checks[check].violations[0].message);
    } else {
        fb(r, "%s%s%s fails at t=%s.", sc->checks[check].name, args[0] ? ": " : "", args,
           dslab_time_format_s(res.violation_ns, when, sizeof when));
    }
    grader_run_outcome_free(&o);
    r->runs++;
    char path[1100];
    snprintf(path, sizeof path, "%s/%s.%s.counterexample.yaml", opt->out_dir ? opt->out_dir : ".", lab->id,
             r->test->id);
    res.final.sc.seed = seed;
    dslab_diag_clear(&inner);
    if (dslab_scenario_save(&res.final.sc, path, &inner) == 0) {
        snprintf(r->counterexample, sizeof r->counterexample, "%s", path);
    } else {
        fb(r, "(The reproducer could not be saved: %s.)", inner.message);
    }
    dslab_explore_shrink_result_free(&res);
}

/* One run; returns 1 when it failed (r filled), 0 when it held, -1 on error. */
static int run_one(const struct lab *lab, const struct lab_grade_options *opt, const struct dslab_scenario *sc,
                   uint64_t seed, enum dslab_explore_mode mode, struct lab_test_result *r, struct dslab_diag *d) {
    struct dslab_explore_schedule sch;
    if (dslab_explore_draw(sc, seed, mode, &sch) < 0) return dslab_diag_set(d, sc->path, 0, 0, "out of memory");
    struct dslab_explore_outcome out;
    if (dslab_explore_run(sc, seed, &sch, &out, NULL, d) < 0) {
        dslab_explore_schedule_free(&sch);
        return -1;
    }
    r->runs++;
    int verdict = 0;
    r->seed = seed;
    r->explored = mode != DSLAB_EXPLORE_FAULTS_SCENARIO;
    if (out.status != DSLAB_SIM_OK) {
        fb(r, "The run with seed %" PRIu64 "%s stopped early: %s.", seed,
           r->explored ? " and random faults" : "", out.status == DSLAB_SIM_EVENT_BUDGET
               ? "the event budget ran out (does the node send or set timers in a loop?)" : out.error);
        verdict = 1;
    } else {
        int check = first_failed(&out, sc->checks_count);
        if (check >= 0) {
            snprintf(r->check, sizeof r->check, "%s", sc->checks[check].name);
            counterexample(lab, opt, sc, seed, &sch, check, r);
            verdict = 1;
        }
    }
    dslab_explore_schedule_free(&sch);
    return verdict;
}

/* Puts the node under test in the scenario's place; its parameters stay. */
static int use_node(struct dslab_scenario *sc, const struct lab_node *node, struct dslab_diag *d) {
    if (node->linked) {
        sc->protocol.origin = DSLAB_PROTOCOL_BUILTIN;
        snprintf(sc->protocol.name, sizeof sc->protocol.name, "%s", LAB_PROTOCOL_NAME);
        return 0;
    }
    if (node->origin == DSLAB_PROTOCOL_PROCESS) {
        if (dslab_scenario_use_process(sc, node->process, node->process_dir) != 0) {
            return dslab_diag_set(d, node->process, 0, 0, "out of memory");
        }
        return 0;
    }
    size_t len = strlen(node->code_path);
    if (len >= sizeof sc->protocol.code_path) return dslab_diag_set(d, node->code_path, 0, 0, "path too long");
    sc->protocol.origin = node->origin;
    memcpy(sc->protocol.code_path, node->code_path, len + 1);
    const char *base = strrchr(node->code_path, '/');
    snprintf(sc->protocol.name, sizeof sc->protocol.name, "%s", base ? base + 1 : node->code_path);
    return 0;
}

static int grade_test(const struct lab *lab, const struct lab_node *node, const struct lab_test *t,
                      const struct lab_grade_options *opt, struct lab_test_result *r, struct dslab_diag *d) {
    memset(r, 0, sizeof *r);
    r->test = t;
    struct dslab_scenario *sc = dslab_scenario_load(t->scenario, NULL, 0, NULL, d);
    if (!sc) return -1;
    if (use_node(sc, node, d) != 0) {
        dslab_scenario_free(sc);
        return -1;
    }
    int scale = opt->seeds_scale > 0 ? opt->seeds_scale : 1;
    int rc = 0;
    for (int i = 1; i <= t->seeds * scale && rc == 0; i++) {
        rc = run_one(lab, opt, sc, (uint64_t)i, DSLAB_EXPLORE_FAULTS_SCENARIO, r, d);
    }
    for (int i = 1; i <= t->explore * scale && rc == 0; i++) {
        rc = run_one(lab, opt, sc, (uint64_t)i, DSLAB_EXPLORE_FAULTS_BOTH, r, d);
    }
    dslab_scenario_free(sc);
    if (rc < 0) return -1;
    r->passed = rc == 0;
    return 0;
}

int grader_lab_grade(const struct lab *lab, const struct lab_node *node_in, const struct lab_grade_options *opt,
              struct lab_grade *out, struct dslab_diag *d) {
    memset(out, 0, sizeof *out);
    struct lab_node node = *node_in;
    char abs[PATH_MAX];
    if (node.linked) {
        /* The linked node runs under the lab's protocol name: a copy of its
         * vtable so named, registered (borrowed) until the next lab_grade. */
        static struct dslab_protocol learner;
        dslab_protocol_unregister(&learner); /* a previous lab_grade's, if any */
        learner = *node.linked;
        learner.name = LAB_PROTOCOL_NAME;
        if (dslab_protocol_register(&learner, d) != 0) return -1;
    } else if (node.origin == DSLAB_PROTOCOL_PROCESS) {
        if (!node.process || !node.process[0]) return dslab_diag_set(d, "", 0, 0, "the node's command is empty");
        const char *dir = node.process_dir ? node.process_dir : ".";
        if (!realpath(dir, abs)) {
            return dslab_diag_set(d, dir, 0, 0, "cannot open the node's directory: %s", strerror(errno));
        }
        node.process_dir = abs;
    } else {
        if (!node.code_path || !realpath(node.code_path, abs)) {
            return dslab_diag_set(d, node.code_path ? node.code_path : "", 0, 0, "cannot open the node's code: %s",
                            strerror(errno));
        }
        node.code_path = abs;
    }
    for (int i = 0; i < lab->tests_count; i++) {
        const struct lab_test *t = &lab->tests[i];
        if (opt->only_test && strcmp(opt->only_test, t->id) != 0) continue;
        struct lab_test_result *r = &out->results[out->tests_count];
        if (grade_test(lab, &node, t, opt, r, d) != 0) return -1;
        out->tests_count++;
        out->max += t->points;
        if (r->passed) out->score += t->points;
    }
    if (opt->only_test && out->tests_count == 0) {
        return dslab_diag_set(d, lab->path, 0, 0, "lab '%s' has no test '%s'", lab->id, opt->only_test);
    }
    out->passed = out->score == out->max;
    return 0;
}
