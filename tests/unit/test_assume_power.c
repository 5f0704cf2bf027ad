/* test_assume_power.c: the `no_power_loss` assumption monitor (sim/assume.c,
 * docs/ASSUMPTIONS.md): a restart that loses the node's unsynced writes
 * breaks it, at that restart and naming the node; a plain restart (a
 * process crash) does not; only the first is reported; `false` or leaving
 * it out declares nothing; it round-trips through a saved scenario; and
 * its value must be a boolean. */
#include <string.h>

#include "dslab/sim.h"
#include "dslab/time.h"
#include "harness.h"

#define POWER_INDEX 4 /* the fifth monitor, after majority_connected */

static const char base[] =
    "name: t\nduration: 4s\nnodes: [n1, n2, n3]\nprotocol: { name: raft }\n"
    "faults:\n"
    "  - { at: 1s, crash: n1 }\n"
    "  - { at: 1.5s, restart: n1 }\n"
    "  - { at: 2s, crash: n2 }\n"
    "  - { at: 2.2s, restart: n2, lose_unsynced: true }\n"
    "  - { at: 3s, crash: n3 }\n"
    "  - { at: 3.1s, restart: n3, lose_unsynced: true }\n";

static const struct dslab_assumption_state *run_power(const char *assumptions, struct dslab_scenario **s,
                                                      struct dslab_sim **sim) {
    char text[1024];
    strcpy(text, base);
    strcat(text, assumptions);
    *s = h_load(text);
    *sim = h_sim(*s, 1, NULL, NULL);
    const struct dslab_assumption_state *a = dslab_sim_assumption(*sim, POWER_INDEX);
    assert_non_null(a);
    assert_string_equal(a->name, "no_power_loss");
    return a;
}

static void test_a_restart_losing_unsynced_writes_breaks_it(void **state) {
    (void)state;
    struct dslab_scenario *s;
    struct dslab_sim *sim;
    const struct dslab_assumption_state *a = run_power("assumptions: { no_power_loss: true }\n", &s, &sim);
    assert_true(a->declared && a->violated);
    /* Not the plain restart of n1 at 1.5s; the first losing one, not n3's. */
    assert_int_equal(a->violated_at_ns, 2200 * DSLAB_NS_PER_MS);
    assert_non_null(strstr(a->message, "n2 restarted without its unsynced writes"));
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
}

static void test_process_crashes_only_hold(void **state) {
    (void)state;
    static const char text[] =
        "name: t\nduration: 3s\nnodes: [n1, n2, n3]\nprotocol: { name: raft }\n"
        "faults: [{ at: 1s, crash: n1 }, { at: 1.5s, restart: n1 }]\n"
        "assumptions: { no_power_loss: true }\n";
    struct dslab_scenario *s = h_load(text);
    struct dslab_sim *sim = h_sim(s, 1, NULL, NULL);
    const struct dslab_assumption_state *a = dslab_sim_assumption(sim, POWER_INDEX);
    assert_true(a->declared);
    assert_false(a->violated);
    assert_int_equal(a->violated_at_ns, -1);
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
}

static void test_undeclared_or_false_watches_nothing(void **state) {
    (void)state;
    struct dslab_scenario *s;
    struct dslab_sim *sim;
    const struct dslab_assumption_state *a = run_power("assumptions: { no_power_loss: false }\n", &s, &sim);
    assert_false(a->declared);
    assert_false(a->violated);
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
    a = run_power("", &s, &sim);
    assert_false(a->declared || a->violated);
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
}

static void test_it_saves_and_must_be_a_boolean(void **state) {
    (void)state;
    char text[1024];
    strcpy(text, base);
    strcat(text, "assumptions: { no_power_loss: true, pause_below: 1s }\n");
    struct dslab_scenario *s = h_load(text);
    struct dslab_scenario *back = h_save_reload(s);
    assert_true(back->assumptions.no_power_loss_declared && back->assumptions.no_power_loss);
    assert_true(back->assumptions.pause_declared);
    dslab_scenario_free(back);
    dslab_scenario_free(s);
    h_expect_error("name: t\nduration: 1s\nnodes: 3\nprotocol: { name: raft }\nassumptions: { no_power_loss: 2s }\n",
                   "expected true or false");
    h_expect_error("name: t\nduration: 1s\nnodes: 3\nprotocol: { name: raft }\nassumptions: { no_power_los: true }\n",
                   "did you mean 'no_power_loss'");
}

H_MAIN(cmocka_unit_test(test_a_restart_losing_unsynced_writes_breaks_it),
       cmocka_unit_test(test_process_crashes_only_hold),
       cmocka_unit_test(test_undeclared_or_false_watches_nothing),
       cmocka_unit_test(test_it_saves_and_must_be_a_boolean))
