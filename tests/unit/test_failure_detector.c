/* test_failure_detector.c: heartbeat and SWIM failure detection through
 * small scenarios, and the fd-accuracy checker on hand-made traces.
 *
 * Protocol tests keep every "suspect"/"alive"/"confirm" annotation
 * (observer, target, time) and assert what a detector must do: stay quiet
 * on a healthy network, notice a crash within its timeout, withdraw the
 * suspicion when the node returns, and (SWIM) refute a rumour about
 * itself instead of being declared dead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "protocols/fd_phi.h"

/* Every "suspect"/"alive"/"confirm" annotation: node = observer, a = target. */
static struct h_run *run_yaml(const char *yaml) {
    return h_run(yaml, "suspect alive confirm", NULL, NULL);
}

/* Notes with this tag about `target` (any if < 0) in [from_ms, to_ms). */
static int count(const struct h_run *r, const char *tag, int64_t target, int64_t from_ms,
                 int64_t to_ms) {
    return h_count(&r->rec, &(struct h_match){.tag = tag, .by_a = target >= 0, .a = target,
                                              .from_ns = from_ms * DSLAB_NS_PER_MS,
                                              .to_ns = to_ms * DSLAB_NS_PER_MS});
}

#define NET "name: t\nseed: 5\nnodes: [n1, n2, n3, n4]\nnetwork: { latency: \"uniform(1ms, 5ms)\" }\n"
#define HB "protocol: { name: failure-detector, mode: heartbeat, heartbeat_interval: 100ms, timeout: 300ms }\n"
#define PHI "protocol: { name: failure-detector, mode: phi, heartbeat_interval: 100ms, phi_threshold: 8, phi_min_stddev: 50ms }\n"
#define SWIM "protocol: { name: failure-detector, mode: swim, ping_interval: 200ms, ping_timeout: 60ms, k: 2, suspicion_timeout: 600ms }\n"

#define LOSSY_SWIM(suspicion)                                                                    \
    "name: t\nseed: 2\nnodes: [n1, n2, n3, n4]\n"                                                 \
    "network: { latency: \"uniform(1ms, 5ms)\", loss: 0.1 }\n"                                    \
    "protocol: { name: failure-detector, mode: swim, k: 0, suspicion_timeout: " suspicion " }\n"  \
    "duration: 10s\nchecks: [\"fd-accuracy: 2s confirm\"]\n"

/* Notes with this tag about `target` (any if < 0) in [from_ms, to_ms). */
#define NOTES(what, target, from_ms, to_ms)                                                        \
    {.tag = (what), .by_a = (target) >= 0, .a = (target), .from_ns = (from_ms) * DSLAB_NS_PER_MS,         \
     .to_ns = (to_ms) * DSLAB_NS_PER_MS}
#define TAGS "suspect alive confirm"
#define FD_1S "checks: [\"fd-accuracy: 1s\"]\n"

/* Protocol runs, one row each (tests/unit/harness_cases.h). */
static const struct h_run_case runs[] = {
    {"heartbeat: quiet on a healthy network", NET HB "duration: 3s\n" FD_1S, TAGS,
     {{NOTES("suspect", -1, 0, 3000), '=', 0}}, H_VERDICT(DSLAB_CHECK_PASS)},
    {"heartbeat suspects a crash within its timeout",
     NET HB "duration: 3s\nfaults: [ { at: 1s, crash: n3 }, { at: 2s, restart: n3 } ]\n" FD_1S, TAGS,
     {{NOTES("suspect", 2, 0, 1000), '=', 0},
      {NOTES("suspect", 2, 1000, 1200), '=', 0}, /* not before the timeout */
      {NOTES("suspect", 2, 1200, 1500), '=', 3}, /* each of the other three */
      {NOTES("alive", 2, 2000, 2200), '=', 3}},  /* back after the restart */
     H_VERDICT(DSLAB_CHECK_PASS)},
    {"heartbeat: a pause is a justified suspicion", NET HB "duration: 3s\nfaults: [ { at: 1s, pause: n2, for: 800ms } ]\n" FD_1S,
     TAGS, {{NOTES("suspect", 1, 1000, 1800), '=', 3}, {NOTES("alive", 1, 1800, 1900), 'g', 3}},
     H_VERDICT(DSLAB_CHECK_PASS)},
    {"heartbeat: a short timeout with loss is inaccurate",
     "name: t\nseed: 5\nnodes: [n1, n2, n3, n4]\nnetwork: { latency: \"uniform(1ms, 20ms)\", loss: 0.1 }\n"
     "protocol: { name: failure-detector, heartbeat_interval: 100ms, timeout: 150ms }\nduration: 3s\n" FD_1S,
     TAGS, {{NOTES("suspect", -1, 0, 3000), '>', 5}}, H_VERDICT(DSLAB_CHECK_FAIL),
     .message_has = "while it was up and reachable"},
    {"phi: quiet on a healthy network", NET PHI "duration: 3s\n" FD_1S, TAGS,
     {{NOTES("suspect", -1, 0, 3000), '=', 0}}, H_VERDICT(DSLAB_CHECK_PASS)},
    /* gaps of ~100ms, spread floored at 50ms: phi 8 is ~5.2 deviations past the mean */
    {"phi suspects a crash after mean + a few deviations",
     NET PHI "duration: 3s\nfaults: [ { at: 1s, crash: n3 }, { at: 2s, restart: n3 } ]\n" FD_1S, TAGS,
     {{NOTES("suspect", 2, 0, 1250), '=', 0},
      {NOTES("suspect", 2, 1250, 1500), '=', 3},
      {NOTES("alive", 2, 2000, 2200), '=', 3}},
     H_VERDICT(DSLAB_CHECK_PASS)},
    /* the 1s outage is not a sample of n3's gaps: the second crash is seen as fast */
    {"phi: an outage does not teach the window",
     NET PHI "duration: 4s\nfaults: [ { at: 1s, crash: n3 }, { at: 2s, restart: n3 }, { at: 3s, crash: n3 } ]\n" FD_1S,
     TAGS, {{NOTES("suspect", 2, 3000, 3500), '=', 3}}, H_VERDICT(DSLAB_CHECK_PASS)},
    {"swim confirms a crash everywhere",
     NET SWIM "duration: 4s\nfaults: [ { at: 1s, crash: n4 } ]\nchecks: [\"fd-accuracy: 2s confirm\"]\n", TAGS,
     {{NOTES("suspect", -1, 0, 1000), '=', 0},
      {NOTES("confirm", 3, 1000, 3000), '=', 3},
      {NOTES("confirm", -1, 0, 4000), '=', 3}}, /* nobody else */
     H_VERDICT(DSLAB_CHECK_PASS)},
    {"swim: a restarted member comes back alive",
     NET SWIM "duration: 5s\nfaults: [ { at: 1s, crash: n4 }, { at: 3s, restart: n4 } ]\n", TAGS,
     {{NOTES("confirm", 3, 1000, 3000), '=', 3}, {NOTES("alive", 3, 3000, 5000), '=', 3}}, /* higher incarnation wins */
     .has_verdict = false},
    /* k=0: a lost ping or ack means a suspicion; the suspect must refute it */
    {"swim refutes a suspicion under loss", LOSSY_SWIM("1500ms"), TAGS,
     {{NOTES("suspect", -1, 0, 10000), '>', 20},
      {NOTES("alive", -1, 0, 10000), '>', 20},
      {NOTES("confirm", -1, 0, 10000), '=', 0}},
     H_VERDICT(DSLAB_CHECK_PASS)},
    {"swim: a short suspicion timeout declares the living dead",
     LOSSY_SWIM("300ms"), /* too short for the refutation to spread */
     TAGS, {{NOTES("confirm", -1, 0, 10000), '>', 0}}, H_VERDICT(DSLAB_CHECK_FAIL), .message_has = "declared dead"},
};

/* The last word of each observer about each target is not a suspicion. */
static bool all_alive_at_the_end(const struct h_run *r, int32_t n) {
    for (int32_t i = 0; i < n; i++) {
        for (int32_t j = 0; j < n; j++) {
            const char *last = "alive";
            for (int k = 0; k < r->rec.count; k++) {
                if (r->rec.notes[k].node == i && r->rec.notes[k].a == j) last = r->rec.notes[k].tag;
            }
            if (strcmp(last, "alive") != 0) return false;
        }
    }
    return true;
}

static void test_partition_suspicions_are_justified_and_heal(void **state) {
    (void)state;
    const char *faults = "duration: 8s\nfaults: [ { at: 1s, partition: [[n1], [n2, n3, n4]] }, "
                         "{ at: 3s, heal: all } ]\nchecks: [\"fd-accuracy: 2s\"]\n";
    char yaml[1024];
    snprintf(yaml, sizeof yaml, "%s%s%s", NET, HB, faults);
    struct h_run *r = run_yaml(yaml);
    assert_int_equal(count(r, "suspect", 0, 1000, 3000), 3); /* everyone suspects n1 */
    assert_int_equal(count(r, "suspect", -1, 1000, 3000), 6); /* and n1 everyone */
    assert_true(all_alive_at_the_end(r, 4));
    assert_int_equal(dslab_sim_check_result(r->sim, 0)->verdict, DSLAB_CHECK_PASS);
    h_run_free(r);
    snprintf(yaml, sizeof yaml, "%s%s%s", NET, SWIM, faults);
    r = run_yaml(yaml);
    assert_int_equal(count(r, "confirm", 0, 1000, 3000), 3); /* both sides declare the other dead */
    assert_int_equal(count(r, "confirm", -1, 1000, 3000), 6);
    assert_true(all_alive_at_the_end(r, 4)); /* dead members are still probed: views reconcile */
    h_run_free(r);
}

/* Known values of the logistic estimate (computed apart in double
 * precision): the same thousandths on every machine and build. */
static void test_phi_known_values(void **state) {
    (void)state;
    struct fd_phi_window w;
    memset(&w, 0, sizeof w);
    for (int i = 0; i < 10; i++) fd_phi_add(&w, 32, 100 * DSLAB_NS_PER_MS);
    int64_t ms = DSLAB_NS_PER_MS;
    assert_int_equal(fd_phi_milli(&w, 100 * ms, 100 * ms, 50 * ms), 301);   /* at the mean: -log10(1/2) */
    assert_int_equal(fd_phi_milli(&w, 200 * ms, 100 * ms, 50 * ms), 1642);  /* 2 deviations */
    assert_int_equal(fd_phi_milli(&w, 400 * ms, 100 * ms, 50 * ms), 10782); /* 6 deviations */
    assert_int_equal(fd_phi_milli(&w, 0, 100 * ms, 50 * ms), 9);           /* 2 deviations early: ~0.01 */
    assert_int_equal(fd_phi_milli(&w, 3600 * DSLAB_NS_PER_S, 100 * ms, 50 * ms), FD_PHI_MILLI_MAX);
}

/* Fewer than two samples: the bootstrap (mean = interval, deviation a
 * quarter of it); phi never decreases with the silence; a learnt spread
 * lowers phi for the same silence; the ring forgets the oldest sample. */
static void test_phi_bootstrap_monotone_and_window(void **state) {
    (void)state;
    int64_t ms = DSLAB_NS_PER_MS;
    struct fd_phi_window w;
    memset(&w, 0, sizeof w);
    assert_int_equal(fd_phi_milli(&w, 150 * ms, 100 * ms, 1 * ms), 1642); /* 2 x 25ms past 100ms */
    int64_t last = 0;
    for (int64_t t = 0; t <= 2000; t += 5) {
        int64_t phi = fd_phi_milli(&w, t * ms, 100 * ms, 1 * ms);
        assert_true(phi >= last);
        last = phi;
    }
    struct fd_phi_window regular, noisy;
    memset(&regular, 0, sizeof regular);
    memset(&noisy, 0, sizeof noisy);
    for (int i = 0; i < 8; i++) {
        fd_phi_add(&regular, 8, 100 * ms);
        fd_phi_add(&noisy, 8, (i % 2 ? 20 : 180) * ms); /* same mean, deviation 80ms */
    }
    assert_true(fd_phi_milli(&noisy, 300 * ms, 100 * ms, 10 * ms) < fd_phi_milli(&regular, 300 * ms, 100 * ms, 10 * ms));
    assert_int_equal(noisy.count, 8);
    for (int i = 0; i < 8; i++) fd_phi_add(&noisy, 8, 100 * ms); /* the noisy past is forgotten */
    assert_int_equal(noisy.count, 8);
    assert_int_equal(fd_phi_milli(&noisy, 300 * ms, 100 * ms, 10 * ms), fd_phi_milli(&regular, 300 * ms, 100 * ms, 10 * ms));
}

static void test_phi_rejects_bad_parameters(void **state) {
    (void)state;
    h_expect_error(NET "duration: 1s\nprotocol: { name: failure-detector, mode: phi, phi_threshold: 0 }\n",
                   "phi_threshold");
    h_expect_error(NET "duration: 1s\nprotocol: { name: failure-detector, mode: phi, phi_window: 33 }\n",
                   "phi_window");
    h_expect_error(NET "duration: 1s\nprotocol: { name: failure-detector, mode: phi, phi_min_stddev: 0ms }\n",
                   "must be > 0");
}

static void test_swim_rejects_ping_timeout_past_the_period(void **state) {
    (void)state;
    const char *yaml = NET "duration: 1s\nprotocol: { name: failure-detector, mode: swim, "
                           "ping_interval: 100ms, ping_timeout: 100ms }\n";
    h_expect_error(yaml, "ping_timeout must be shorter");
}

/* --- the fd-accuracy checker on hand-made traces (tests/unit/harness_cases.h) --- */

#define FD "fd-accuracy"
/* `observer` says `tag` ("suspect", "alive", "confirm") about `target`. */
#define SAYS(t_ms, observer, tag, target) H_NOTE((t_ms), (observer), (tag), "", (target))
#define RESTART(t_ms, node) H_EVENT((t_ms), DSLAB_TRACE_RESTART, (node), 0)
#define SPLIT_N1(t_ms) H_EMIT((t_ms), DSLAB_TRACE_PARTITION, -1, -1, 0, "{n1} | {n2 n3}")
#define HEAL(t_ms) H_EVENT((t_ms), DSLAB_TRACE_HEAL, -1, 0)

static const struct h_ck_case cases[] = {
    {"checker accepts a timely detection", FD, "1s", 3,
     H_STEPS(H_CRASH(1000, 2), SAYS(1300, 0, "suspect", 2), SAYS(1400, 1, "suspect", 2), RESTART(3000, 2),
             SAYS(3100, 0, "alive", 2), SAYS(3100, 1, "alive", 2)),
     5000, .want = DSLAB_CHECK_PASS, .summary_has = {"2 detections, max 400 ms, mean 350 ms"}},
    {"checker rejects a false suspicion", FD, "1s", 3, H_STEPS(SAYS(500, 0, "suspect", 1), SAYS(700, 0, "alive", 1)),
     5000, .want = DSLAB_CHECK_FAIL, .message_has = {"n1 suspected n2 while it was up and reachable"},
     H_WINDOW(500, 700), .evidence_count = 2},
    {"checker excuses a recent partition and a pause", FD, "1s", 3,
     H_STEPS(SPLIT_N1(100), SAYS(400, 1, "suspect", 0), /* during the partition */
             HEAL(1000), SAYS(1500, 2, "suspect", 0), /* stale news within 1s of the heal */
             H_EVENT(2000, DSLAB_TRACE_PAUSE, 1, 300 * DSLAB_NS_PER_MS), SAYS(2200, 0, "suspect", 1),
             H_EVENT(2300, DSLAB_TRACE_RESUME, 1, 0)),
     3000, .want = DSLAB_CHECK_PASS},
    /* ...but not 1s after it all ended */
    {"checker does not excuse a suspicion 1s after a heal", FD, "1s", 3,
     H_STEPS(SPLIT_N1(100), HEAL(1000), SAYS(2100, 2, "suspect", 0)), 3000, .want = DSLAB_CHECK_FAIL},
    {"checker: a one-way cut is an impairment", FD, "1s", 3,
     H_STEPS(H_EMIT(100, DSLAB_TRACE_CUT, 1, 0, 0, NULL), /* n2 -> n1 only */
             SAYS(500, 0, "suspect", 1), SAYS(600, 2, "suspect", 1) /* n3 still hears n2 */),
     3000, .want = DSLAB_CHECK_FAIL, H_VIOLATIONS(1), .message_has = {"n3 suspected n2"}},
    {"checker rejects a slow and a missed detection", FD, "1s", 3,
     H_STEPS(H_CRASH(1000, 2), SAYS(2500, 0, "suspect", 2) /* 1.5s: too slow; n2 never notices */),
     5000, .want = DSLAB_CHECK_FAIL, H_VIOLATIONS(2), .message_has = {"n1 detected n3's crash after 1500 ms"},
     .second_message_has = "n2 never detected n3's crash"},
    {"checker does not judge a short outage", FD, "1s", 3, H_STEPS(H_CRASH(1000, 2), RESTART(1500, 2)), 5000,
     .want = DSLAB_CHECK_PASS},
    {"checker in confirm mode counts suspicions only", FD, "1s confirm", 3,
     H_STEPS(SAYS(500, 0, "suspect", 1), /* refuted rumour: fine */
             SAYS(700, 0, "alive", 1), H_CRASH(1000, 2), SAYS(1200, 0, "suspect", 2), SAYS(1800, 0, "confirm", 2),
             SAYS(1900, 1, "confirm", 2)),
     3000, .want = DSLAB_CHECK_PASS, .summary_has = {"max 900 ms", "(1 unjustified suspicions)"}},
    {"checker in confirm mode rejects a false declaration of death", FD, "1s confirm", 3,
     H_STEPS(SAYS(500, 0, "confirm", 1)), 3000, .want = DSLAB_CHECK_FAIL, .message_has = {"n1 declared dead n2"}},
    {"checker refuses bad arguments", FD, NULL, 2, .refuse = (const char *const[]){"", "fast", "1s maybe", "-1s", NULL},
     .refuse_has = "fd-accuracy: 2s"},
};

int main(void) {
    const struct CMUnitTest more[] = {
        cmocka_unit_test(test_partition_suspicions_are_justified_and_heal),
        cmocka_unit_test(test_swim_rejects_ping_timeout_past_the_period),
        cmocka_unit_test(test_phi_known_values),
        cmocka_unit_test(test_phi_bootstrap_monotone_and_window),
        cmocka_unit_test(test_phi_rejects_bad_parameters),
    };
    int failed = h_run_rows(runs, sizeof runs / sizeof runs[0], sizeof runs[0], h_run_case_test, NULL, 0);
    return failed + h_run_cases(cases, sizeof cases / sizeof cases[0], more, sizeof more / sizeof more[0]);
}
