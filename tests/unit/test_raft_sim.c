/* test_raft_sim.c: Raft through the real simulator, from scenario text.
 *
 * Handler-level tests are in test_raft.c (a fake context); these check
 * cluster behaviour end to end: an election happens, writes commit on every
 * node, a higher term deposes a leader, pre-vote keeps an isolated node's
 * term from inflating, and a crash that loses unsynced writes never breaks
 * Election Safety or linearizability. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "dslab/scenario.h"
#include "dslab/sim.h"

static const char base[] =
    "name: t\n"
    "duration: 3s\n"
    "nodes: [n1, n2, n3]\n"
    "network: { latency: \"uniform(1ms, 5ms)\" }\n";

/* Runs base + extra at `seed`; returns the finished sim (destroy it). */
static struct dslab_sim *run(const char *extra, uint64_t seed, struct dslab_scenario **s_out) {
    char text[4096];
    snprintf(text, sizeof text, "%s%s", base, extra);
    *s_out = h_load(text);
    return h_sim(*s_out, seed, NULL, NULL);
}

static void done(struct dslab_sim *sim, struct dslab_scenario *s) {
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
}

/* The check named `check` passed; then done(sim, s). */
static void done_passing(struct dslab_sim *sim, struct dslab_scenario *s, const char *check) {
    assert_int_equal(h_check_named(sim, check)->verdict, DSLAB_CHECK_PASS);
    done(sim, s);
}

static int count_role(const struct dslab_sim *sim, const char *role) {
    int n = 0;
    for (int32_t i = 0; i < 3; i++) {
        char buf[128];
        dslab_sim_node_describe(sim, i, buf, sizeof buf);
        if (strncmp(buf, role, strlen(role)) == 0 && buf[strlen(role)] == ' ') n++;
    }
    return n;
}

static long term_of(const struct dslab_sim *sim, int32_t node) {
    char buf[128];
    dslab_sim_node_describe(sim, node, buf, sizeof buf);
    const char *t = strstr(buf, " t");
    assert_non_null(t);
    return strtol(t + 2, NULL, 10);
}

static void test_three_nodes_elect_exactly_one_leader(void **state) {
    (void)state;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        struct dslab_scenario *s;
        struct dslab_sim *sim = run("protocol: { name: raft }\n"
                              "checks: [one-leader-per-term, leader-available: 400ms, leader-stable]\n",
                              seed, &s);
        assert_int_equal(count_role(sim, "leader"), 1);
        assert_int_equal(count_role(sim, "follower"), 2);
        assert_int_equal(h_check_named(sim, "one-leader-per-term")->verdict, DSLAB_CHECK_PASS);
        assert_int_equal(h_check_named(sim, "leader-available")->verdict, DSLAB_CHECK_PASS);
        done_passing(sim, s, "leader-stable");
    }
}

static void test_writes_commit_on_every_node(void **state) {
    (void)state;
    struct dslab_scenario *s;
    struct dslab_sim *sim = run("protocol: { name: raft }\n"
                          "workload: { clients: 2, rate: 50/s, ops: { write: 1 }, keys: 2, stop: 2s }\n"
                          "checks: [linearizable]\n",
                          3, &s);
    const struct dslab_sim_stats *st = dslab_sim_get_stats(sim);
    assert_true(st->client_ok > 50);
    assert_int_equal(st->client_info, 0);
    /* A second after the last write, every node has committed the same log. */
    char first[128];
    dslab_sim_node_describe(sim, 0, first, sizeof first);
    const char *c0 = strstr(first, "commit=");
    assert_non_null(c0);
    for (int32_t i = 1; i < 3; i++) {
        char buf[128];
        dslab_sim_node_describe(sim, i, buf, sizeof buf);
        assert_string_equal(strstr(buf, "commit="), c0);
    }
    done_passing(sim, s, "linearizable");
}

static void test_higher_term_after_heal_deposes_the_old_leader(void **state) {
    (void)state;
    /* Seed 9 of stale-read-leader-local: n1 leads term 1 and is isolated. */
    struct dslab_scenario *s;
    struct dslab_sim *sim = run("protocol: { name: raft }\n"
                          "faults:\n"
                          "  - { at: 1s, partition: isolate-one, node: n1 }\n"
                          "  - { at: 2s, heal: all }\n"
                          "checks: [one-leader-per-term]\n",
                          9, &s);
    char buf[128];
    dslab_sim_node_describe(sim, 0, buf, sizeof buf);
    if (strncmp(buf, "follower ", 9) != 0) fail_msg("n1 should have stepped down: %s", buf);
    assert_true(term_of(sim, 0) >= 2);
    assert_int_equal(count_role(sim, "leader"), 1);
    done_passing(sim, s, "one-leader-per-term");
}

static void test_pre_vote_stops_term_inflation_of_an_isolated_node(void **state) {
    (void)state;
    const char *faults = "faults: [ { at: 0s, partition: isolate-one, node: n3 } ]\n";
    char with[512], without[512];
    snprintf(with, sizeof with, "protocol: { name: raft, pre_vote: true }\n%s", faults);
    snprintf(without, sizeof without, "protocol: { name: raft, pre_vote: false }\n%s", faults);
    for (uint64_t seed = 1; seed <= 10; seed++) {
        struct dslab_scenario *s;
        struct dslab_sim *sim = run(without, seed, &s);
        long inflated = term_of(sim, 2);
        done(sim, s);
        sim = run(with, seed, &s);
        long kept = term_of(sim, 2);
        long leader_term = term_of(sim, 0);
        done(sim, s);
        assert_true(inflated >= 8); /* 3s of 150-300ms timeouts, one term each */
        assert_true(kept <= leader_term);
    }
}

static void test_crash_losing_unsynced_writes_keeps_safety(void **state) {
    (void)state;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        struct dslab_scenario *s;
        struct dslab_sim *sim = run("protocol: { name: raft }\n"
                              "workload: { clients: 3, rate: 60/s, ops: { read: 0.4, write: 0.4, cas: 0.2 }, keys: 2, timeout: 400ms }\n"
                              "faults:\n"
                              "  - { at: 0.8s, crash: n1 }\n"
                              "  - { at: 0.9s, restart: n1, lose_unsynced: true }\n"
                              "  - { at: 1.5s, crash: n2 }\n"
                              "  - { at: 1.6s, restart: n2, lose_unsynced: true }\n"
                              "checks: [one-leader-per-term, linearizable]\n",
                              seed, &s);
        assert_int_equal(h_check_named(sim, "one-leader-per-term")->verdict, DSLAB_CHECK_PASS);
        assert_int_not_equal(h_check_named(sim, "linearizable")->verdict, DSLAB_CHECK_FAIL);
        assert_true(dslab_sim_get_stats(sim)->client_ok > 0);
        done(sim, s);
    }
}

H_MAIN(cmocka_unit_test(test_three_nodes_elect_exactly_one_leader),
       cmocka_unit_test(test_writes_commit_on_every_node),
       cmocka_unit_test(test_higher_term_after_heal_deposes_the_old_leader),
       cmocka_unit_test(test_pre_vote_stops_term_inflation_of_an_isolated_node),
       cmocka_unit_test(test_crash_losing_unsynced_writes_keeps_safety))
