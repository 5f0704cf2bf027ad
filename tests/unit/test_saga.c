/* test_saga.c: the saga protocol through small scenarios, and the
 * money-conserved checker on hand-made traces it must accept or reject.
 *
 * Protocol tests run a three-node scenario (orchestrator, debit service,
 * credit service) with a recorder for the "saga" and "money" annotations
 * and assert on what happened: transfers finish "done" and conserve money;
 * refused credits are compensated (or, without compensation, destroy the
 * debit); duplicated messages are harmless only with idempotent services;
 * a restarted orchestrator compensates what it had logged; bad parameters
 * are refused. Checker rows feed the checker adversarial traces: late
 * moves after a saga ended, a restored balance, malformed and
 * out-of-range annotations, repeated ends. */
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define BASE                                                                                        \
    "name: t\nseed: 4\nduration: 3s\nnodes: [orch, bank-a, bank-b]\n"                             \
    "workload: { clients: 2, rate: 20/s, ops: { write: 1 }, target: orch, timeout: 1s }\n"       \
    "checks: [money-conserved]\n"

static struct h_run *run_saga(const char *network, const char *params, const char *faults) {
    char yaml[2048];
    int n = snprintf(yaml, sizeof yaml, BASE "network: { latency: \"uniform(1ms, 3ms)\"%s }\n"
                                           "protocol: { name: saga, step_timeout: 50ms%s }\n%s",
                     network, params, faults);
    assert_true(n > 0 && (size_t)n < sizeof yaml);
    return h_run(yaml, "saga money", NULL, NULL);
}

static int notes(const struct h_run *r, const char *tag, const char *text) {
    return h_count(&r->rec, &(struct h_match){.tag = tag, .text = text});
}

static void expect_money(const struct h_run *r, enum dslab_check_verdict want) {
    const struct dslab_check_result *c = h_check_named(r->sim, "money-conserved");
    if (c->verdict != want) fail_msg("money-conserved: %s", c->summary);
}

static void test_transfers_finish_and_conserve_money(void **state) {
    (void)state;
    struct h_run *r = run_saga("", ", fail_percent: 0", "");
    int begun = notes(r, "saga", "begin");
    assert_true(begun > 20);
    assert_true(notes(r, "saga", "done") >= begun - 2); /* at most the last ones still open */
    assert_int_equal(notes(r, "saga", "compensated") + notes(r, "saga", "failed") + notes(r, "saga", "stuck"), 0);
    expect_money(r, DSLAB_CHECK_PASS);
    h_run_free(r);
}

static void test_refused_credits_are_compensated(void **state) {
    (void)state;
    struct h_run *r = run_saga("", ", fail_percent: 100", "");
    assert_true(notes(r, "saga", "compensated") > 20);
    assert_int_equal(notes(r, "saga", "done"), 0);
    /* every refund follows its debit: as many +10 (refund) as -10 (debit) on bank-a */
    assert_int_equal(h_count(&r->rec, &(struct h_match){.tag = "money", .text_prefix = "-10 (debit"}),
                     h_count(&r->rec, &(struct h_match){.tag = "money", .text_prefix = "+10 (refund"}) +
                         (notes(r, "saga", "begin") - notes(r, "saga", "compensated")));
    expect_money(r, DSLAB_CHECK_PASS);
    h_run_free(r);
}

static void test_without_compensation_money_is_destroyed(void **state) {
    (void)state;
    struct h_run *r = run_saga("", ", fail_percent: 100, compensate: false", "");
    assert_true(notes(r, "saga", "failed") > 20);
    expect_money(r, DSLAB_CHECK_FAIL);
    assert_non_null(strstr(h_check_named(r->sim, "money-conserved")->violations[0].message,
                           "ended failed with 10 destroyed"));
    h_run_free(r);
}

/* Every message may arrive twice: harmless for idempotent services only. */
static void test_duplicates_need_idempotent_services(void **state) {
    (void)state;
    struct h_run *r = run_saga(", duplicate: 0.3", ", fail_percent: 20", "");
    expect_money(r, DSLAB_CHECK_PASS);
    h_run_free(r);
    r = run_saga(", duplicate: 0.3", ", fail_percent: 20, idempotent: false", "");
    expect_money(r, DSLAB_CHECK_FAIL);
    h_run_free(r);
}

/* Lost messages: resent (retries) and recognised (idempotent), nothing is
 * lost; with no retries a lost refund leaves a saga stuck. */
static void test_loss_needs_retries(void **state) {
    (void)state;
    struct h_run *r = run_saga(", loss: 0.1", ", fail_percent: 20, retries: 30", "");
    expect_money(r, DSLAB_CHECK_PASS);
    h_run_free(r);
    r = run_saga(", loss: 0.1", ", fail_percent: 20, retries: 0", "");
    assert_true(notes(r, "saga", "stuck") > 0);
    expect_money(r, DSLAB_CHECK_FAIL);
    h_run_free(r);
}

/* The orchestrator crashes with sagas in flight; restarted, it compensates
 * every saga it had logged and not finished. */
static void test_restarted_orchestrator_compensates(void **state) {
    (void)state;
    /* 40-60ms links: a saga takes ~200ms, so one is always in flight at the crash */
    struct h_run *r = h_run(BASE "network: { latency: \"uniform(40ms, 60ms)\" }\n"
                                 "protocol: { name: saga, step_timeout: 300ms, fail_percent: 0, retries: 20 }\n"
                                 "faults:\n  - { at: 1s, crash: orch }\n  - { at: 1.5s, restart: orch }\n",
                            "saga money", NULL, NULL);
    int begun = notes(r, "saga", "begin");
    int ended = notes(r, "saga", "done") + notes(r, "saga", "compensated");
    assert_true(notes(r, "saga", "compensated") >= 1);
    assert_true(ended >= begun - 2);
    expect_money(r, DSLAB_CHECK_PASS);
    h_run_free(r);
}

/* bank-b's answers are lost for 300ms: the orchestrator gives up on
 * credits bank-b applied and compensates them. A reversible credit is
 * taken back; a paid-out one (credit_reversible: false) is not, and the
 * refund of the debit then creates money. */
static void test_a_paid_out_credit_cannot_be_compensated(void **state) {
    (void)state;
    const char *outage = "faults:\n  - { at: 1s, link: { from: bank-b, to: orch }, loss: 1 }\n"
                         "  - { at: 1.3s, link: { from: bank-b, to: orch }, loss: 0 }\n";
    struct h_run *r = run_saga("", ", fail_percent: 0, retries: 3", outage);
    assert_true(notes(r, "saga", "compensated") > 0);
    assert_true(h_count(&r->rec, &(struct h_match){.tag = "money", .text_prefix = "-10 (uncredit"}) > 0);
    expect_money(r, DSLAB_CHECK_PASS);
    h_run_free(r);
    r = run_saga("", ", fail_percent: 0, retries: 3, credit_reversible: false", outage);
    assert_true(notes(r, "saga", "compensated") > 0);
    assert_int_equal(h_count(&r->rec, &(struct h_match){.tag = "money", .text_prefix = "-10 (uncredit"}), 0);
    expect_money(r, DSLAB_CHECK_FAIL);
    assert_non_null(strstr(h_check_named(r->sim, "money-conserved")->violations[0].message,
                           "ended compensated with 10 created"));
    h_run_free(r);
    /* going forward instead: the credit is retried until it answers */
    r = run_saga("", ", fail_percent: 0, retries: 1000000, credit_reversible: false", outage);
    assert_int_equal(notes(r, "saga", "compensated"), 0);
    expect_money(r, DSLAB_CHECK_PASS);
    h_run_free(r);
}

static void test_bad_parameters_are_refused(void **state) {
    (void)state;
    h_expect_error("name: t\nduration: 1s\nnodes: [a, b]\nprotocol: { name: saga }\n", "exactly 3 nodes");
    h_expect_error("name: t\nduration: 1s\nnodes: [a, b, c, d]\nprotocol: { name: saga }\n", "exactly 3 nodes");
    h_expect_error("name: t\nduration: 1s\nnodes: [a, b, c]\nprotocol: { name: saga, retrys: 3 }\n", "retries");
    h_expect_error("name: t\nduration: 1s\nnodes: [a, b, c]\nprotocol: { name: saga, fail_percent: 101 }\n",
                   "fail_percent");
    h_expect_error("name: t\nduration: 1s\nnodes: [a, b, c]\nprotocol: { name: saga, step_timeout: 0s }\n",
                   "step_timeout");
    h_expect_error("name: t\nduration: 1s\nnodes: [a, b, c]\nprotocol: { name: saga, amount: 0 }\n", "amount");
    h_expect_error("name: t\nduration: 1s\nnodes: [a, b, c]\nprotocol: { name: saga, compensate: maybe }\n",
                   "compensate");
}

/* --- the money-conserved checker on hand-made traces (harness_cases.h) --- */

#define MC "money-conserved"
#define NAMES "orch bank-a bank-b"
enum { ORCH = 0, BANK_A = 1, BANK_B = 2 };
#define SAGA(t_ms, id, text) H_NOTE((t_ms), ORCH, "saga", (text), (id))
#define MONEY(t_ms, node, id, text) H_NOTE((t_ms), (node), "money", (text), (id))
/* A complete transfer of 10 for saga `id` from t_ms. */
#define TRANSFER(t_ms, id)                                                                          \
    SAGA((t_ms), (id), "begin"), MONEY((t_ms) + 2, BANK_A, (id), "-10 (debit, balance 990)"),     \
        MONEY((t_ms) + 4, BANK_B, (id), "+10 (credit, balance 1010)"), SAGA((t_ms) + 6, (id), "done")

static const struct h_ck_case cases[] = {
    {"transfers that finish pass", MC, "", 0, H_STEPS(TRANSFER(0, 1), TRANSFER(10, 2)), 100,
     .want = DSLAB_CHECK_PASS, .node_names = NAMES,
     .summary_has = {"2 sagas ended: 2 done", "all accounts together +0"}},
    {"a compensated saga passes", MC, "", 0,
     H_STEPS(SAGA(0, 1, "begin"), MONEY(2, BANK_A, 1, "-10 (debit)"), MONEY(8, BANK_A, 1, "+10 (refund)"),
             SAGA(9, 1, "compensated")),
     100, .want = DSLAB_CHECK_PASS, .node_names = NAMES, .summary_has = {"1 compensated"}},
    {"a failed saga that kept its debit destroyed money", MC, "", 0,
     H_STEPS(TRANSFER(0, 1), SAGA(10, 2, "begin"), MONEY(12, BANK_A, 2, "-10 (debit)"), SAGA(20, 2, "failed")),
     100, .want = DSLAB_CHECK_FAIL, .node_names = NAMES, H_VIOLATIONS(1), H_WINDOW(20, 100),
     .message_has = {"saga 2 ended failed with 10 destroyed (net -10)"}, .nodes_count = 2,
     .nodes_in = (1u << ORCH) | (1u << BANK_A), .nodes_out = 1u << BANK_B, .evidence = H_S(6)},
    {"a late duplicate after the end created money", MC, "", 0,
     H_STEPS(TRANSFER(0, 1), MONEY(50, BANK_B, 1, "+10 (credit, balance 1020)")), 100, .want = DSLAB_CHECK_FAIL,
     .node_names = NAMES, H_VIOLATIONS(1), H_WINDOW(50, 100),
     .message_has = {"saga 1 moved +10 at bank-b after it ended done: 10 created"}, .evidence = H_S(3) | H_S(4)},
    {"a balance restored later closes the window", MC, "", 0,
     H_STEPS(SAGA(0, 1, "begin"), MONEY(2, BANK_A, 1, "-10"), SAGA(5, 1, "stuck"),
             MONEY(40, BANK_A, 1, "+10 (refund, late)")),
     100, .want = DSLAB_CHECK_FAIL, .node_names = NAMES, H_VIOLATIONS(1), H_WINDOW(5, 40),
     .message_has = {"ended stuck"}, .evidence = H_S(2) | H_S(3)},
    {"an open saga is in flight, not judged", MC, "", 0,
     H_STEPS(TRANSFER(0, 1), SAGA(10, 2, "begin"), MONEY(12, BANK_A, 2, "-10 (debit)")), 100,
     .want = DSLAB_CHECK_PASS, .node_names = NAMES, .summary_has = {"1 open at the end", "together -10"}},
    {"only the first end counts", MC, "", 0,
     H_STEPS(TRANSFER(0, 1), SAGA(20, 1, "failed"), SAGA(30, 1, "compensated")), 100,
     .want = DSLAB_CHECK_PASS, .node_names = NAMES, .summary_has = {"1 done, 0 compensated, 0 failed"}},
    {"malformed and out-of-range annotations are ignored", MC, "", 0,
     H_STEPS(TRANSFER(0, 1), MONEY(20, BANK_A, 1, "ten (debit)"), MONEY(21, BANK_A, 1, "-10x"),
             MONEY(22, BANK_A, 1, "-99999999999999999999"), MONEY(23, BANK_A, 1, "-1000000000001"),
             MONEY(24, BANK_A, 0, "-10"), MONEY(25, BANK_A, -5, "-10"), MONEY(26, BANK_A, INT64_MAX, "-10"),
             SAGA(27, INT64_MAX, "failed"), MONEY(28, BANK_A, 1, ""), SAGA(29, 1, "begun")),
     100, .want = DSLAB_CHECK_PASS, .node_names = NAMES, .summary_has = {"1 sagas ended: 1 done"}},
    {"money that no saga ever ended is not judged", MC, "", 0,
     H_STEPS(SAGA(0, 1, "begin"), MONEY(1, BANK_A, 1, "-10")), 100, .want = DSLAB_CHECK_UNKNOWN,
     .node_names = NAMES, .summary_has = {"not judged"}},
    {"a run without sagas is not judged", MC, "", 3, H_STEPS(H_CRASH(10, 1)), 100, .want = DSLAB_CHECK_UNKNOWN},
    {"the checker takes no argument", MC, NULL, 3, .refuse = (const char *const[]){"1s", NULL},
     .refuse_has = "takes no arguments"},
};

H_MAIN_CASES_AND(cases, cmocka_unit_test(test_transfers_finish_and_conserve_money),
                 cmocka_unit_test(test_refused_credits_are_compensated),
                 cmocka_unit_test(test_without_compensation_money_is_destroyed),
                 cmocka_unit_test(test_duplicates_need_idempotent_services), cmocka_unit_test(test_loss_needs_retries),
                 cmocka_unit_test(test_restarted_orchestrator_compensates),
                 cmocka_unit_test(test_a_paid_out_credit_cannot_be_compensated),
                 cmocka_unit_test(test_bad_parameters_are_refused))
