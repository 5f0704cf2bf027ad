/* test_counter_service.c: the counter-service protocol through small
 * scenarios (n1 counts, the other nodes forward and resend), judged by
 * exactly-once-effects and by its own annotations:
 *   - a clean network: every increment applied once, nothing resent;
 *   - network duplicates apply increments twice; dedup_window answers the
 *     copies from its record; retries: 0 does not help against them;
 *   - a one-way cut from n1: every resend applied; the other way round
 *     nothing is; retries: 0 gives up instead (at most once); a window
 *     shorter than the resend gap lets resends through;
 *   - a full dedup table forgets the oldest ids early (and says so);
 *   - cas is refused; the final counts are reported by n1 only;
 *   - bad parameters are load errors at the parameter; a run is
 *     deterministic. */
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define BASE                                                                                       \
    "name: t\nduration: %s\nnodes: [n1, n2, n3]\n"                                                 \
    "network: { latency: uniform(1ms, 10ms)%s }\n"                                                 \
    "protocol: { name: counter-service, retry_after: 100ms, retries: %d, dedup_window: %s }\n"      \
    "workload: { clients: 4, rate: %s, ops: { %s }, keys: 2, timeout: 1s, "                         \
    "target: { read: [n2, n3], write: [n2, n3] } }\n"                                              \
    "faults: [%s]\n"                                                                               \
    "checks: [exactly-once-effects]\n"

struct cs_case {
    const char *duration, *network, *dedup, *rate, *ops, *faults;
    int retries;
};

static struct h_run *run_case(const struct cs_case *c) {
    char yaml[2048];
    snprintf(yaml, sizeof yaml, BASE, c->duration ? c->duration : "4s", c->network ? c->network : "",
             c->retries, c->dedup ? c->dedup : "0s", c->rate ? c->rate : "40/s",
             c->ops ? c->ops : "read: 0.5, write: 0.5", c->faults ? c->faults : "");
    return h_run(yaml, "apply dedup evict retry gave-up final-state final", NULL, NULL);
}

static enum dslab_check_verdict verdict(const struct h_run *r) {
    return h_check_named(r->sim, "exactly-once-effects")->verdict;
}

static void test_clean_network_applies_once(void **state) {
    (void)state;
    struct h_run *r = run_case(&(struct cs_case){.retries = 3});
    assert_int_equal(verdict(r), DSLAB_CHECK_PASS);
    assert_true(h_count(&r->rec, &(struct h_match){.tag = "apply"}) > 20);
    assert_int_equal(h_count(&r->rec, &(struct h_match){.tag = "retry"}), 0);
    assert_int_equal(h_count(&r->rec, &(struct h_match){.tag = "apply", .text_has = "attempt 2"}), 0);
    /* n1 reports its counters; the frontends report nothing */
    assert_int_equal(h_count(&r->rec, &(struct h_match){.tag = "final-state"}), 1);
    assert_int_equal(h_count(&r->rec, &(struct h_match){.tag = "final-state", .by_node = true, .node = 0}), 1);
    assert_int_equal(h_count(&r->rec, &(struct h_match){.tag = "final"}), 2);
    h_run_free(r);
}

static void test_duplicates_and_dedup(void **state) {
    (void)state;
    struct h_run *r = run_case(&(struct cs_case){.network = ", duplicate: 0.2", .retries = 3});
    assert_int_equal(verdict(r), DSLAB_CHECK_FAIL);
    assert_int_equal(h_count(&r->rec, &(struct h_match){.tag = "dedup"}), 0);
    h_run_free(r);
    r = run_case(&(struct cs_case){.network = ", duplicate: 0.2", .retries = 0});
    assert_int_equal(verdict(r), DSLAB_CHECK_FAIL); /* the network duplicates without any resend */
    h_run_free(r);
    r = run_case(&(struct cs_case){.network = ", duplicate: 0.2", .retries = 3, .dedup = "1s"});
    assert_int_equal(verdict(r), DSLAB_CHECK_PASS);
    assert_true(h_count(&r->rec, &(struct h_match){.tag = "dedup"}) > 0);
    h_run_free(r);
}

static void test_one_way_cut(void **state) {
    (void)state;
    const char *from_n1 = "{ at: 1.5s, cut: { from: n1, to: n2 } }, { at: 2.1s, heal: all }";
    struct h_run *r = run_case(&(struct cs_case){.retries = 3, .faults = from_n1});
    assert_int_equal(verdict(r), DSLAB_CHECK_FAIL);
    assert_true(h_count(&r->rec, &(struct h_match){.tag = "apply", .text_has = "attempt 4"}) > 0);
    assert_true(h_count(&r->rec, &(struct h_match){.tag = "gave-up", .by_node = true, .node = 1}) > 0);
    h_run_free(r);
    /* requests lost instead of answers: nothing reaches n1 twice */
    r = run_case(&(struct cs_case){.retries = 3,
                                   .faults = "{ at: 1.5s, cut: { from: n2, to: n1 } }, { at: 2.1s, heal: all }"});
    assert_int_equal(verdict(r), DSLAB_CHECK_PASS);
    assert_int_equal(h_count(&r->rec, &(struct h_match){.tag = "apply", .text_has = "attempt 2"}), 0);
    h_run_free(r);
    /* at most once: no resend, the frontend gives up at once */
    r = run_case(&(struct cs_case){.retries = 0, .faults = from_n1});
    assert_int_equal(verdict(r), DSLAB_CHECK_PASS);
    assert_int_equal(h_count(&r->rec, &(struct h_match){.tag = "retry"}), 0);
    assert_true(h_count(&r->rec, &(struct h_match){.tag = "gave-up"}) > 0);
    h_run_free(r);
    /* a window shorter than the 100ms between resends remembers nothing useful */
    r = run_case(&(struct cs_case){.retries = 3, .dedup = "50ms", .faults = from_n1});
    assert_int_equal(verdict(r), DSLAB_CHECK_FAIL);
    h_run_free(r);
    r = run_case(&(struct cs_case){.retries = 3, .dedup = "1s", .faults = from_n1});
    assert_int_equal(verdict(r), DSLAB_CHECK_PASS);
    assert_true(h_count(&r->rec, &(struct h_match){.tag = "dedup", .by_node = true, .node = 0}) > 0);
    h_run_free(r);
}

static void test_full_table_evicts_oldest(void **state) {
    (void)state;
    /* over 1024 increments, all remembered for a day: more than the ids n1 keeps */
    struct h_run *r = run_case(&(struct cs_case){.duration = "10s", .rate = "800/s", .ops = "write: 1",
                                                 .retries = 3, .dedup = "24h"});
    int applied = h_count(&r->rec, &(struct h_match){.tag = "apply"});
    assert_true(applied > 1100);
    assert_int_equal(h_count(&r->rec, &(struct h_match){.tag = "evict"}), applied - 1024);
    assert_int_equal(verdict(r), DSLAB_CHECK_PASS); /* no copies in this run: forgetting costs nothing */
    h_run_free(r);
}

static void test_cas_refused(void **state) {
    (void)state;
    struct h_run *r = run_case(&(struct cs_case){.ops = "cas: 1", .retries = 3});
    assert_int_equal(verdict(r), DSLAB_CHECK_UNKNOWN); /* no increment to judge */
    assert_int_equal(h_count(&r->rec, &(struct h_match){.tag = "apply"}), 0);
    h_run_free(r);
}

static void test_bad_parameters(void **state) {
    (void)state;
    static const struct h_refusal cases[] = {
        {"retry_after: 0s", "retry_after must be > 0"},
        {"retry_after: -1s", "expected a duration >= 0"},
        {"retries: -1", "retries"},
        {"retries: 101", "retries"},
        {"dedup_window: -5ms", "expected a duration >= 0"},
        {"dedup_window: 25h", "dedup_window"},
        {"dedup_windw: 1s", "did you mean 'dedup_window'"},
    };
    H_EXPECT_REFUSALS("name: t\nduration: 1s\nnodes: [n1, n2]\nprotocol: { name: counter-service, %s }\n", cases);
    h_expect_error("name: t\nduration: 1s\nnodes: [n1]\nprotocol: { name: counter-service }\n",
                   "counter-service needs 2+ nodes");
}

static void test_deterministic(void **state) {
    (void)state;
    h_expect_seed_decides("name: t\nduration: 2s\nnodes: [n1, n2, n3]\nnetwork: { duplicate: 0.1, loss: 0.1 }\n"
                          "protocol: { name: counter-service, dedup_window: 300ms }\n"
                          "workload: { clients: 3, rate: 60/s, ops: { read: 1, write: 1 } }\n",
                          7);
}

H_MAIN(cmocka_unit_test(test_clean_network_applies_once), cmocka_unit_test(test_duplicates_and_dedup),
       cmocka_unit_test(test_one_way_cut), cmocka_unit_test(test_full_table_evicts_oldest),
       cmocka_unit_test(test_cas_refused), cmocka_unit_test(test_bad_parameters),
       cmocka_unit_test(test_deterministic))
