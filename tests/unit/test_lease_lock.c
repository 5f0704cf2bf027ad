/* test_lease_lock.c: lease-lock through small real scenarios. Without
 * faults the lock is exclusive in all three views on many seeds; tokens
 * grow by one per grant; a pause makes the paused holder write after its
 * lease (accepted without fencing, rejected with it, and the client then
 * learns it lost the lock); a slow clock stretches a lease unless the
 * margin covers it; a restarted server grants nothing for one lease and
 * never reuses a token; bad parameters are load errors. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "dslab/scenario.h"
#include "dslab/sim.h"
#include "dslab/time.h"

/* Every annotation of the last run (node, a = token, tag, text). */
static struct h_rec g_notes;

static int count_notes(const char *tag, const char *text_prefix) {
    return h_count(&g_notes, &(struct h_match){.tag = tag, .text_prefix = text_prefix});
}

/* Runs `yaml` with `seed`; returns the first check's verdict (PASS if none). */
static enum dslab_check_verdict run_yaml(const char *yaml, uint64_t seed, char *summary,
                                   size_t summary_size) {
    struct dslab_scenario *s = h_load(yaml);
    h_rec_free(&g_notes);
    h_rec_init(&g_notes, "*");
    struct dslab_sim *sim = h_sim(s, seed, h_rec_sink, &g_notes);
    enum dslab_check_verdict v = DSLAB_CHECK_PASS;
    if (dslab_sim_check_count(sim) > 0) {
        v = dslab_sim_check_result(sim, 0)->verdict;
        if (summary) snprintf(summary, summary_size, "%s", dslab_sim_check_result(sim, 0)->summary);
    }
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
    return v;
}

static const char *const fmt =
    "name: t\nduration: 4s\nnodes: [lock, store, c1, c2%s]\n%s\n"
    "network: { latency: \"uniform(1ms, 5ms)\" }\n"
    "protocol: { name: lease-lock, lease: 1s, %s }\n"
    "%s\n"
    "checks: [\"mutual-exclusion%s\"]\n";

/* Four nodes (as in scenarios/locks/) unless the faults need no seed to
 * match those files; params must give work, writes and think. */
static void yaml_of(char *buf, size_t size, const char *clocks, const char *params,
                    const char *faults, const char *check_args) {
    const char *more = faults[0] || clocks[0] ? "" : ", c3";
    snprintf(buf, size, fmt, more, clocks, params, faults, check_args);
}

#define STD "work: 100ms, writes: 3, think: 200ms, "

static void test_without_faults_the_lock_is_exclusive_in_every_view(void **st) {
    (void)st;
    char y[2048], summary[256];
    yaml_of(y, sizeof y, "", STD "fencing: false", "", "");
    for (uint64_t seed = 1; seed <= 20; seed++) {
        if (run_yaml(y, seed, summary, sizeof summary) != DSLAB_CHECK_PASS) {
            fail_msg("seed %llu: %s", (unsigned long long)seed, summary);
        }
        assert_true(count_notes("lock", "acquired") >= 5);
        assert_int_equal(count_notes("lock", "expired"), 0);
    }
}

static void test_tokens_grow_by_one_per_grant(void **st) {
    (void)st;
    char y[2048];
    yaml_of(y, sizeof y, "", STD "fencing: true", "", "");
    run_yaml(y, 7, NULL, 0);
    int64_t last = 0;
    int grants = 0;
    for (int i = 0; i < g_notes.count; i++) {
        if (strcmp(g_notes.notes[i].tag, "lease") || strncmp(g_notes.notes[i].text, "granted", 7)) continue;
        assert_int_equal(g_notes.notes[i].a, last + 1);
        last = g_notes.notes[i].a;
        grants++;
    }
    assert_true(grants >= 5);
}

static const char *const pause_fault = "faults: [ { at: 0.25s, pause: c1, for: 1.5s } ]";

static void test_pause_breaks_the_lease_without_fencing(void **st) {
    (void)st;
    char y[2048], summary[256];
    /* seed 1: c1 holds the lock when the pause hits (see gc-pause-lease.yaml) */
    yaml_of(y, sizeof y, "", STD "fencing: false", pause_fault, ": storage");
    assert_int_equal(run_yaml(y, 1, summary, sizeof summary), DSLAB_CHECK_FAIL);
    assert_true(count_notes("lock", "expired") >= 1); /* c1 finds out only after it wrote */
    assert_int_equal(count_notes("storage", "rejected"), 0);
}

static void test_fencing_rejects_the_stale_holder_who_then_lets_go(void **st) {
    (void)st;
    char y[2048], summary[256];
    yaml_of(y, sizeof y, "", STD "fencing: true", pause_fault, ": storage");
    assert_int_equal(run_yaml(y, 1, summary, sizeof summary), DSLAB_CHECK_PASS);
    assert_true(count_notes("storage", "rejected") >= 1);
    assert_true(count_notes("fence", "storage rejected token") >= 1);
    assert_non_null(strstr(summary, "overlaps (not judged)"));
    /* the holders view still sees the believed overlap */
    yaml_of(y, sizeof y, "", STD "fencing: true", pause_fault, ": holders");
    assert_int_equal(run_yaml(y, 1, summary, sizeof summary), DSLAB_CHECK_FAIL);
}

static void test_slow_clock_needs_a_margin(void **st) {
    (void)st;
    char y[2048], summary[256];
    const char *clocks = "clocks: { c1: { drift_ppm: -100000 } }";
    int broken = 0;
    for (uint64_t seed = 1; seed <= 10; seed++) {
        yaml_of(y, sizeof y, clocks, "writes: 1000, work: 50ms, think: 100ms", "", ": holders");
        broken += run_yaml(y, seed, summary, sizeof summary) == DSLAB_CHECK_FAIL;
        yaml_of(y, sizeof y, clocks, "writes: 1000, work: 50ms, think: 100ms, margin: 150ms", "",
                ": holders");
        if (run_yaml(y, seed, summary, sizeof summary) != DSLAB_CHECK_PASS) {
            fail_msg("margin 150ms, seed %llu: %s", (unsigned long long)seed, summary);
        }
    }
    assert_true(broken > 0);
}

static void test_restarted_server_waits_a_lease_and_keeps_counting(void **st) {
    (void)st;
    char y[2048], summary[256];
    yaml_of(y, sizeof y, "", STD "fencing: true",
            "faults: [ { at: 1.2s, crash: lock }, { at: 1.3s, restart: lock } ]", "");
    assert_int_equal(run_yaml(y, 3, summary, sizeof summary), DSLAB_CHECK_PASS);
    int64_t last = 0;
    for (int i = 0; i < g_notes.count; i++) {
        if (strcmp(g_notes.notes[i].tag, "lease") || strncmp(g_notes.notes[i].text, "granted", 7)) continue;
        assert_true(g_notes.notes[i].a > last); /* no token is ever reused */
        last = g_notes.notes[i].a;
        if (g_notes.notes[i].t_ns > 1200 * DSLAB_NS_PER_MS) {
            assert_true(g_notes.notes[i].t_ns >= 2300 * DSLAB_NS_PER_MS); /* restart + one lease */
        }
    }
    assert_int_equal(count_notes("role", "lock-server (restarted"), 1);
}

static void expect_load_error(const char *params, const char *nodes, const char *part) {
    char y[1024];
    snprintf(y, sizeof y, "name: t\nduration: 1s\nnodes: %s\nprotocol: { name: lease-lock%s }\n",
             nodes, params);
    h_expect_error(y, part);
}

static void test_bad_parameters_are_errors(void **st) {
    (void)st;
    expect_load_error("", "2", "needs 3");
    expect_load_error(", storage: n1", "3", "must not be the server");
    expect_load_error(", server: n7", "3", "unknown node 'n7'");
    expect_load_error(", margin: 2s", "3", "margin must be shorter");
    expect_load_error(", fencin: true", "3", "did you mean 'fencing'");
}

H_MAIN(cmocka_unit_test(test_without_faults_the_lock_is_exclusive_in_every_view),
       cmocka_unit_test(test_tokens_grow_by_one_per_grant),
       cmocka_unit_test(test_pause_breaks_the_lease_without_fencing),
       cmocka_unit_test(test_fencing_rejects_the_stale_holder_who_then_lets_go),
       cmocka_unit_test(test_slow_clock_needs_a_margin),
       cmocka_unit_test(test_restarted_server_waits_a_lease_and_keeps_counting),
       cmocka_unit_test(test_bad_parameters_are_errors))
