/* test_fault_effect.c: a fault that changes nothing is not applied (issue
 * 11, item 5). Pausing or crashing a crashed node, restarting a node that
 * is not crashed, a pause inside a longer one, a jump of 0, a drift or a
 * slow factor already in force, cutting a cut link or healing an uncut one:
 * each is traced as `no_effect` (never as the fault), is not counted as
 * applied, and arms no assumption monitor. The pause monitor also judges
 * the pause that really happened: an extended pause by its whole length,
 * a pause ended early by a crash by what it lasted. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "dslab/scenario.h"
#include "dslab/sim.h"
#include "dslab/time.h"
#include "dslab/trace.h"

struct counts {
    int by_kind[DSLAB_TRACE_KIND_COUNT];
};

static void count_sink(void *user, const struct dslab_trace_event *ev) {
    struct counts *c = user;
    if ((unsigned)ev->kind < DSLAB_TRACE_KIND_COUNT) c->by_kind[ev->kind]++;
}

/* Runs a 3-node scenario with the given faults (YAML list items) and
 * assumptions; fills counts and returns the finished sim. */
static struct dslab_sim *run(const char *faults, struct counts *c, struct dslab_scenario **out) {
    char text[2048];
    snprintf(text, sizeof text,
             "name: t\nduration: 6s\nnodes: 3\nprotocol: { name: gossip-pingpong, initial: 0 }\n"
             "assumptions: { pause_below: 800ms }\nfaults:\n%s",
             faults);
    *out = h_load(text);
    memset(c, 0, sizeof *c);
    return h_sim(*out, 1, count_sink, c);
}

static bool pause_violated(const struct dslab_sim *sim) {
    for (int i = 0; i < DSLAB_SIM_ASSUMPTIONS_COUNT; i++) {
        const struct dslab_assumption_state *a = dslab_sim_assumption(sim, i);
        if (strcmp(a->name, "pause_below") == 0) return a->violated;
    }
    fail_msg("no pause_below assumption");
    return false;
}

static void done(struct dslab_sim *sim, struct dslab_scenario *s) {
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
}

static void test_pausing_a_crashed_node_is_not_applied_and_arms_nothing(void **state) {
    (void)state;
    struct counts c;
    struct dslab_scenario *s;
    struct dslab_sim *sim = run("  - { at: 1s, crash: n1 }\n  - { at: 2s, pause: n1, for: 2s }\n", &c, &s);
    assert_int_equal(c.by_kind[DSLAB_TRACE_PAUSE], 0);
    assert_int_equal(c.by_kind[DSLAB_TRACE_RESUME], 0);
    assert_int_equal(c.by_kind[DSLAB_TRACE_NO_EFFECT], 1);
    assert_false(pause_violated(sim));
    assert_int_equal(dslab_sim_get_stats(sim)->faults_applied, 1);
    assert_int_equal(dslab_sim_get_stats(sim)->faults_no_effect, 1);
    done(sim, s);
}

static void test_crashing_a_crashed_node_is_not_applied(void **state) {
    (void)state;
    struct counts c;
    struct dslab_scenario *s;
    struct dslab_sim *sim = run("  - { at: 1s, crash: n1 }\n  - { at: 2s, crash: n1 }\n", &c, &s);
    assert_int_equal(c.by_kind[DSLAB_TRACE_CRASH], 1);
    assert_int_equal(c.by_kind[DSLAB_TRACE_NO_EFFECT], 1);
    assert_int_equal(dslab_sim_get_stats(sim)->faults_applied, 1);
    done(sim, s);
}

static void test_restarting_a_running_or_paused_node_is_not_applied(void **state) {
    (void)state;
    struct counts c;
    struct dslab_scenario *s;
    struct dslab_sim *sim = run("  - { at: 1s, restart: n1 }\n  - { at: 2s, pause: n2, for: 500ms }\n"
                          "  - { at: 2100ms, restart: n2 }\n",
                          &c, &s);
    assert_int_equal(c.by_kind[DSLAB_TRACE_RESTART], 0);
    assert_int_equal(c.by_kind[DSLAB_TRACE_CRASH], 0);
    assert_int_equal(c.by_kind[DSLAB_TRACE_NO_EFFECT], 2);
    /* n2's pause was not cut short by the ignored restart */
    assert_int_equal(c.by_kind[DSLAB_TRACE_RESUME], 1);
    assert_int_equal(dslab_sim_node_status(sim, 0), DSLAB_NODE_UP);
    done(sim, s);
}

static void test_pause_inside_a_longer_pause_is_not_applied(void **state) {
    (void)state;
    struct counts c;
    struct dslab_scenario *s;
    struct dslab_sim *sim = run("  - { at: 1s, pause: n1, for: 500ms }\n"
                          "  - { at: 1100ms, pause: n1, for: 100ms }\n",
                          &c, &s);
    assert_int_equal(c.by_kind[DSLAB_TRACE_PAUSE], 1);
    assert_int_equal(c.by_kind[DSLAB_TRACE_NO_EFFECT], 1);
    assert_int_equal(c.by_kind[DSLAB_TRACE_RESUME], 1);
    done(sim, s);
}

/* Two pauses of 600ms each, the second starting while the first is in
 * force: n1 is stopped for 900ms in one piece, past the 800ms bound. */
static void test_extended_pause_is_judged_by_its_whole_length(void **state) {
    (void)state;
    struct counts c;
    struct dslab_scenario *s;
    struct dslab_sim *sim = run("  - { at: 1s, pause: n1, for: 600ms }\n"
                          "  - { at: 1300ms, pause: n1, for: 600ms }\n",
                          &c, &s);
    assert_int_equal(c.by_kind[DSLAB_TRACE_PAUSE], 2);
    assert_int_equal(c.by_kind[DSLAB_TRACE_RESUME], 1);
    assert_true(pause_violated(sim));
    for (int i = 0; i < DSLAB_SIM_ASSUMPTIONS_COUNT; i++) {
        const struct dslab_assumption_state *a = dslab_sim_assumption(sim, i);
        if (strcmp(a->name, "pause_below") == 0) {
            assert_int_equal(a->violated_at_ns, 1800 * DSLAB_NS_PER_MS);
            assert_non_null(strstr(a->message, "paused for 900ms"));
        }
    }
    done(sim, s);
}

/* A 2s pause ended after 300ms by a crash never lasted the 800ms bound. */
static void test_pause_cut_short_by_a_crash_does_not_break_the_bound(void **state) {
    (void)state;
    struct counts c;
    struct dslab_scenario *s;
    struct dslab_sim *sim = run("  - { at: 1s, pause: n1, for: 2s }\n  - { at: 1300ms, crash: n1 }\n"
                          "  - { at: 1400ms, restart: n1 }\n  - { at: 4s, pause: n2, for: 100ms }\n",
                          &c, &s);
    assert_false(pause_violated(sim));
    done(sim, s);
}

static void test_clock_slow_cut_and_heal_without_effect(void **state) {
    (void)state;
    struct counts c;
    struct dslab_scenario *s;
    struct dslab_sim *sim = run("  - { at: 1s, clock: n1, jump: 0s }\n"
                          "  - { at: 1s, clock: n1, drift_ppm: 0 }\n"
                          "  - { at: 1s, slow: n2, factor: 1 }\n"
                          "  - { at: 1s, heal: all }\n"
                          "  - { at: 1s, heal: [n1, n2] }\n"
                          "  - { at: 2s, cut: [n1, n2] }\n"
                          "  - { at: 2100ms, cut: { from: n1, to: n2 } }\n"
                          "  - { at: 2200ms, heal: [n1, n2] }\n",
                          &c, &s);
    assert_int_equal(c.by_kind[DSLAB_TRACE_NO_EFFECT], 6);
    assert_int_equal(c.by_kind[DSLAB_TRACE_CLOCK_JUMP], 0);
    assert_int_equal(c.by_kind[DSLAB_TRACE_CLOCK_DRIFT], 0);
    assert_int_equal(c.by_kind[DSLAB_TRACE_SLOW], 0);
    assert_int_equal(c.by_kind[DSLAB_TRACE_CUT], 1);
    assert_int_equal(c.by_kind[DSLAB_TRACE_HEAL], 1);
    assert_int_equal(dslab_sim_get_stats(sim)->faults_applied, 2);
    done(sim, s);
}

H_MAIN(cmocka_unit_test(test_pausing_a_crashed_node_is_not_applied_and_arms_nothing),
       cmocka_unit_test(test_crashing_a_crashed_node_is_not_applied),
       cmocka_unit_test(test_restarting_a_running_or_paused_node_is_not_applied),
       cmocka_unit_test(test_pause_inside_a_longer_pause_is_not_applied),
       cmocka_unit_test(test_extended_pause_is_judged_by_its_whole_length),
       cmocka_unit_test(test_pause_cut_short_by_a_crash_does_not_break_the_bound),
       cmocka_unit_test(test_clock_slow_cut_and_heal_without_effect))
