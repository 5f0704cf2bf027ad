/* test_crdt_protocol.c: the crdt protocol in small real runs: every type
 * converges after a partition heals (replicas agree, and the CRDT types
 * hold the acknowledged counts and memberships); an LWW counter loses
 * concurrent increments a PN-counter keeps; a crashed replica keeps its
 * own acknowledged increments (persisted) and gets the rest back by
 * anti-entropy; requests are answered at once, on both sides of a
 * partition; parameters out of range are load errors. */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "dslab/sim.h"

static const char *scenario_fmt =
    "name: t\n"
    "duration: 6s\n"
    "nodes: [n1, n2, n3, n4]\n"
    "network: { latency: \"uniform(1ms, 5ms)\" }\n"
    "protocol: { name: crdt, type: %s, anti_entropy_interval: 100ms, fanout: 1 }\n"
    "workload: { clients: 4, rate: 80/s, ops: { read: 0.2, write: 0.5, cas: 0.3 }, keys: 3, stop: 3s }\n"
    "faults:\n"
    "  - { at: 500ms, partition: [[n1, n2], [n3, n4]] }\n"
    "%s"
    "  - { at: 2500ms, heal: all }\n"
    "checks: [convergence: 1s, %s: 1s]\n";

static struct dslab_sim *run(const char *type, const char *extra_faults, const char *check,
                             uint64_t seed, struct dslab_scenario **s_out) {
    char yaml[2048];
    snprintf(yaml, sizeof yaml, scenario_fmt, type, extra_faults, check);
    *s_out = h_load(yaml);
    return h_sim(*s_out, seed, NULL, NULL);
}

static void expect(const char *type, const char *faults, const char *check,
                   enum dslab_check_verdict conv, enum dslab_check_verdict exact) {
    for (uint64_t seed = 1; seed <= 5; seed++) {
        struct dslab_scenario *s;
        struct dslab_sim *sim = run(type, faults, check, seed, &s);
        const struct dslab_history *h = dslab_sim_history(sim);
        for (size_t i = 0; i < h->count; i++) { /* always available: no failure */
            assert_true(h->ops[i].type == DSLAB_OP_INVOKE || h->ops[i].type == DSLAB_OP_OK ||
                        faults[0] != '\0');
        }
        const struct dslab_check_result *c = h_check_named(sim, "convergence");
        const struct dslab_check_result *x = h_check_named(sim, check);
        if (c->verdict != conv || x->verdict != exact) {
            fail_msg("%s seed %llu: convergence %s, %s %s", type, (unsigned long long)seed,
                     c->summary, check, x->summary);
        }
        dslab_sim_destroy(sim);
        dslab_scenario_free(s);
    }
}

static void test_crdt_types_converge_after_heal(void **st) {
    (void)st;
    expect("pn-counter", "", "counter-exact", DSLAB_CHECK_PASS, DSLAB_CHECK_PASS);
    expect("or-set", "", "set-membership", DSLAB_CHECK_PASS, DSLAB_CHECK_PASS);
    /* LWW types agree too: convergence is not correctness */
    expect("lww-set", "", "convergence", DSLAB_CHECK_PASS, DSLAB_CHECK_PASS);
}

static void test_lww_counter_loses_what_pn_counter_keeps(void **st) {
    (void)st;
    expect("lww-counter", "", "counter-exact", DSLAB_CHECK_PASS, DSLAB_CHECK_FAIL);
}

static void test_crashed_replica_keeps_its_increments(void **st) {
    (void)st;
    const char *crash = "  - { at: 1s, crash: n3 }\n  - { at: 1500ms, restart: n3 }\n";
    expect("pn-counter", crash, "counter-exact", DSLAB_CHECK_PASS, DSLAB_CHECK_PASS);
    expect("or-set", crash, "set-membership", DSLAB_CHECK_PASS, DSLAB_CHECK_PASS);
}

static void test_bad_parameters(void **st) {
    (void)st;
    static const struct h_refusal cases[] = {
        {"type: g-counter", "unknown value 'g-counter'"},
        {"fanout: 0", "expected an integer from 1 to 2"},
        {"fanout: 3", "expected an integer from 1 to 2"},
        {"anti_entropy_interval: 0s", "at least 1ms"},
        {"anti_entropy_interval: 999us", "at least 1ms"},
        {"anti_entropy_interval: 25h", "more than one day"},
        {"anti_entropy: 1s", "unknown protocol parameter 'anti_entropy'"},
    };
    H_EXPECT_REFUSALS("name: t\nduration: 1s\nnodes: 3\nprotocol: { name: crdt, %s }\n", cases);
    h_expect_error("name: t\nduration: 1s\nnodes: 3\nprotocol: { name: crdt }\n"
                   "workload: { clients: 1, rate: 10/s, keys: 9 }\n",
                   "at most 8 keys");
    h_expect_error("name: t\nduration: 1s\nnodes: 17\nprotocol: { name: crdt }\n", "at most 16 nodes");
    h_expect_error("name: t\nduration: 1s\nnodes: 16\nprotocol: { name: crdt, type: pn-counter }\n"
                   "workload: { clients: 1, rate: 10/s, keys: 8 }\n",
                   "more than a message holds (1024)");
}

H_MAIN(cmocka_unit_test(test_crdt_types_converge_after_heal),
       cmocka_unit_test(test_lww_counter_loses_what_pn_counter_keeps),
       cmocka_unit_test(test_crashed_replica_keeps_its_increments),
       cmocka_unit_test(test_bad_parameters))
