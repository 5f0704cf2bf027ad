/* test_failure_detector.c: heartbeat and SWIM failure detection through
 * small scenarios, and the fd-accuracy checker on hand-made traces.
 *
 * Protocol tests keep every "suspect"/"alive"/"confirm" annotation
 * (observer, target, time) and assert what a detector must do: stay quiet
 * on a healthy network, notice a crash within its timeout, withdraw the
 * suspicion when the node returns, and (SWIM) refute a rumour about
 * itself instead of being declared dead. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/check.h"
#include "dslab/scenario.h"
#include "dslab/sim.h"
#include "dslab/time.h"
#include "dslab/trace.h"

#define NOTES_MAX 4096

struct note {
    int64_t t_ns;
    int32_t observer;
    int64_t target;
    char tag[16];
};

struct run {
    struct scenario *s;
    struct sim *sim;
    int notes_count;
    struct note notes[NOTES_MAX];
};

static void sink(void *user, const struct trace_event *ev) {
    struct run *r = user;
    if (ev->kind != TRACE_ANNOTATE || r->notes_count >= NOTES_MAX) return;
    if (strcmp(ev->tag, "suspect") != 0 && strcmp(ev->tag, "alive") != 0 &&
        strcmp(ev->tag, "confirm") != 0) {
        return;
    }
    struct note *n = &r->notes[r->notes_count++];
    n->t_ns = ev->t_ns;
    n->observer = ev->node;
    n->target = ev->a;
    snprintf(n->tag, sizeof n->tag, "%s", ev->tag);
}

static struct run *run_yaml(const char *yaml) {
    struct run *r = calloc(1, sizeof *r);
    assert_non_null(r);
    struct diag d;
    r->s = scenario_load_buffer(yaml, strlen(yaml), "t.yaml", NULL, 0, NULL, &d);
    if (!r->s) fail_msg("load: %d:%d: %s", d.line, d.col, d.message);
    r->sim = sim_create(r->s, r->s->seed, &d);
    if (!r->sim) fail_msg("create: %s", d.message);
    sim_add_sink(r->sim, sink, r);
    sim_run(r->sim, r->s->duration_ns, 0);
    sim_finish(r->sim);
    return r;
}

static void run_free(struct run *r) {
    sim_destroy(r->sim);
    scenario_free(r->s);
    free(r);
}

/* Notes with this tag about `target` (any if < 0) in [from_ms, to_ms). */
static int count(const struct run *r, const char *tag, int64_t target, int64_t from_ms,
                 int64_t to_ms) {
    int n = 0;
    for (int i = 0; i < r->notes_count; i++) {
        const struct note *x = &r->notes[i];
        if (strcmp(x->tag, tag) == 0 && (target < 0 || x->target == target) &&
            x->t_ns >= from_ms * NS_PER_MS && x->t_ns < to_ms * NS_PER_MS) {
            n++;
        }
    }
    return n;
}

#define NET "name: t\nseed: 5\nnodes: [n1, n2, n3, n4]\nnetwork: { latency: \"uniform(1ms, 5ms)\" }\n"
#define HB "protocol: { name: failure-detector, mode: heartbeat, heartbeat_interval: 100ms, timeout: 300ms }\n"
#define SWIM "protocol: { name: failure-detector, mode: swim, ping_interval: 200ms, ping_timeout: 60ms, k: 2, suspicion_timeout: 600ms }\n"

static void test_heartbeat_quiet_on_a_healthy_network(void **state) {
    (void)state;
    struct run *r = run_yaml(NET HB "duration: 3s\nchecks: [\"fd-accuracy: 1s\"]\n");
    assert_int_equal(count(r, "suspect", -1, 0, 3000), 0);
    assert_int_equal(sim_check_result(r->sim, 0)->verdict, CHECK_PASS);
    run_free(r);
}

static void test_heartbeat_suspects_a_crash_within_its_timeout(void **state) {
    (void)state;
    struct run *r = run_yaml(NET HB "duration: 3s\n"
                                    "faults: [ { at: 1s, crash: n3 }, { at: 2s, restart: n3 } ]\n"
                                    "checks: [\"fd-accuracy: 1s\"]\n");
    assert_int_equal(count(r, "suspect", 2, 0, 1000), 0);
    assert_int_equal(count(r, "suspect", 2, 1000, 1200), 0); /* not before the timeout */
    assert_int_equal(count(r, "suspect", 2, 1200, 1500), 3); /* each of the other three */
    assert_int_equal(count(r, "alive", 2, 2000, 2200), 3);   /* back after the restart */
    assert_int_equal(sim_check_result(r->sim, 0)->verdict, CHECK_PASS);
    run_free(r);
}

static void test_heartbeat_pause_is_a_justified_suspicion(void **state) {
    (void)state;
    struct run *r = run_yaml(NET HB "duration: 3s\n"
                                    "faults: [ { at: 1s, pause: n2, for: 800ms } ]\n"
                                    "checks: [\"fd-accuracy: 1s\"]\n");
    assert_int_equal(count(r, "suspect", 1, 1000, 1800), 3);
    assert_true(count(r, "alive", 1, 1800, 1900) >= 3);
    assert_int_equal(sim_check_result(r->sim, 0)->verdict, CHECK_PASS);
    run_free(r);
}

static void test_heartbeat_short_timeout_with_loss_is_inaccurate(void **state) {
    (void)state;
    struct run *r = run_yaml("name: t\nseed: 5\nnodes: [n1, n2, n3, n4]\n"
                             "network: { latency: \"uniform(1ms, 20ms)\", loss: 0.1 }\n"
                             "protocol: { name: failure-detector, heartbeat_interval: 100ms, "
                             "timeout: 150ms }\n"
                             "duration: 3s\nchecks: [\"fd-accuracy: 1s\"]\n");
    assert_true(count(r, "suspect", -1, 0, 3000) > 5);
    const struct check_result *c = sim_check_result(r->sim, 0);
    assert_int_equal(c->verdict, CHECK_FAIL);
    assert_non_null(strstr(c->violations[0].message, "while it was up and reachable"));
    run_free(r);
}

static void test_swim_confirms_a_crash_everywhere(void **state) {
    (void)state;
    struct run *r = run_yaml(NET SWIM "duration: 4s\n"
                                      "faults: [ { at: 1s, crash: n4 } ]\n"
                                      "checks: [\"fd-accuracy: 2s confirm\"]\n");
    assert_int_equal(count(r, "suspect", -1, 0, 1000), 0);
    assert_int_equal(count(r, "confirm", 3, 1000, 3000), 3);
    assert_int_equal(count(r, "confirm", -1, 0, 4000), 3); /* nobody else */
    assert_int_equal(sim_check_result(r->sim, 0)->verdict, CHECK_PASS);
    run_free(r);
}

static void test_swim_restarted_member_comes_back_alive(void **state) {
    (void)state;
    struct run *r = run_yaml(NET SWIM "duration: 5s\n"
                                      "faults: [ { at: 1s, crash: n4 }, { at: 3s, restart: n4 } ]\n");
    assert_int_equal(count(r, "confirm", 3, 1000, 3000), 3);
    assert_int_equal(count(r, "alive", 3, 3000, 5000), 3); /* higher incarnation wins */
    run_free(r);
}

#define LOSSY_SWIM(suspicion)                                                                    \
    "name: t\nseed: 2\nnodes: [n1, n2, n3, n4]\n"                                                 \
    "network: { latency: \"uniform(1ms, 5ms)\", loss: 0.1 }\n"                                    \
    "protocol: { name: failure-detector, mode: swim, k: 0, suspicion_timeout: " suspicion " }\n"  \
    "duration: 10s\nchecks: [\"fd-accuracy: 2s confirm\"]\n"

static void test_swim_refutes_suspicion_under_loss(void **state) {
    (void)state;
    /* k=0: a lost ping or ack means a suspicion; the suspect must refute it */
    struct run *r = run_yaml(LOSSY_SWIM("1500ms"));
    assert_true(count(r, "suspect", -1, 0, 10000) > 20);
    assert_true(count(r, "alive", -1, 0, 10000) > 20);
    assert_int_equal(count(r, "confirm", -1, 0, 10000), 0);
    assert_int_equal(sim_check_result(r->sim, 0)->verdict, CHECK_PASS);
    run_free(r);
}

static void test_swim_short_suspicion_timeout_declares_the_living_dead(void **state) {
    (void)state;
    struct run *r = run_yaml(LOSSY_SWIM("300ms")); /* too short for the refutation to spread */
    assert_true(count(r, "confirm", -1, 0, 10000) > 0);
    const struct check_result *c = sim_check_result(r->sim, 0);
    assert_int_equal(c->verdict, CHECK_FAIL);
    assert_non_null(strstr(c->violations[0].message, "declared dead"));
    run_free(r);
}

/* The last word of each observer about each target is not a suspicion. */
static bool all_alive_at_the_end(const struct run *r, int32_t n) {
    for (int32_t i = 0; i < n; i++) {
        for (int32_t j = 0; j < n; j++) {
            const char *last = "alive";
            for (int k = 0; k < r->notes_count; k++) {
                if (r->notes[k].observer == i && r->notes[k].target == j) last = r->notes[k].tag;
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
    struct run *r = run_yaml(yaml);
    assert_int_equal(count(r, "suspect", 0, 1000, 3000), 3); /* everyone suspects n1 */
    assert_int_equal(count(r, "suspect", -1, 1000, 3000), 6); /* and n1 everyone */
    assert_true(all_alive_at_the_end(r, 4));
    assert_int_equal(sim_check_result(r->sim, 0)->verdict, CHECK_PASS);
    run_free(r);
    snprintf(yaml, sizeof yaml, "%s%s%s", NET, SWIM, faults);
    r = run_yaml(yaml);
    assert_int_equal(count(r, "confirm", 0, 1000, 3000), 3); /* both sides declare the other dead */
    assert_int_equal(count(r, "confirm", -1, 1000, 3000), 6);
    assert_true(all_alive_at_the_end(r, 4)); /* dead members are still probed: views reconcile */
    run_free(r);
}

static void test_swim_rejects_ping_timeout_past_the_period(void **state) {
    (void)state;
    const char *yaml = NET "duration: 1s\nprotocol: { name: failure-detector, mode: swim, "
                           "ping_interval: 100ms, ping_timeout: 100ms }\n";
    struct diag d;
    struct scenario *s = scenario_load_buffer(yaml, strlen(yaml), "t.yaml", NULL, 0, NULL, &d);
    struct sim *sim = s ? sim_create(s, 1, &d) : NULL;
    assert_null(sim);
    assert_non_null(strstr(d.message, "ping_timeout must be shorter"));
    scenario_free(s);
}

/* --- the fd-accuracy checker on hand-made traces ------------------------------- */

extern const struct checker checker_fd_accuracy;

struct ck {
    struct scenario *s;
    void *state;
    uint64_t next_id;
    struct check_result result;
};

static void ck_open(struct ck *k, const char *args) {
    const char *yaml = "name: t\nduration: 10s\nnodes: [n1, n2, n3]\n"
                       "protocol: { name: failure-detector }\n";
    struct diag d;
    memset(k, 0, sizeof *k);
    k->s = scenario_load_buffer(yaml, strlen(yaml), "t.yaml", NULL, 0, NULL, &d);
    assert_non_null(k->s);
    struct scenario_check c = {.name = "fd-accuracy", .args = (char *)args};
    assert_int_equal(checker_fd_accuracy.create(k->s, &c, &k->state, &d), 0);
}

static void ck_emit(struct ck *k, int64_t t_ms, enum trace_kind kind, int32_t node, int32_t peer,
                    int64_t a, const char *tag, const char *text) {
    struct trace_event ev = {.id = k->next_id++, .t_ns = t_ms * NS_PER_MS, .kind = kind,
                             .node = node, .peer = peer, .a = a, .tag = tag, .text = text};
    checker_fd_accuracy.on_event(k->state, &ev);
}

static void ck_note(struct ck *k, int64_t t_ms, int32_t observer, const char *tag, int64_t target) {
    ck_emit(k, t_ms, TRACE_ANNOTATE, observer, -1, target, tag, "");
}

static enum check_verdict ck_close(struct ck *k, int64_t end_ms) {
    struct history h;
    history_init(&h);
    checker_fd_accuracy.finish(k->state, &h, end_ms * NS_PER_MS, &k->result);
    checker_fd_accuracy.destroy(k->state);
    scenario_free(k->s);
    return k->result.verdict;
}

static void test_checker_accepts_timely_detection(void **state) {
    (void)state;
    struct ck k;
    ck_open(&k, "1s");
    ck_emit(&k, 1000, TRACE_CRASH, 2, -1, 0, NULL, NULL);
    ck_note(&k, 1300, 0, "suspect", 2);
    ck_note(&k, 1400, 1, "suspect", 2);
    ck_emit(&k, 3000, TRACE_RESTART, 2, -1, 0, NULL, NULL);
    ck_note(&k, 3100, 0, "alive", 2);
    ck_note(&k, 3100, 1, "alive", 2);
    assert_int_equal(ck_close(&k, 5000), CHECK_PASS);
    assert_non_null(strstr(k.result.summary, "2 detections, max 400 ms, mean 350 ms"));
}

static void test_checker_rejects_false_suspicion(void **state) {
    (void)state;
    struct ck k;
    ck_open(&k, "1s");
    ck_note(&k, 500, 0, "suspect", 1);
    ck_note(&k, 700, 0, "alive", 1);
    assert_int_equal(ck_close(&k, 5000), CHECK_FAIL);
    const struct check_violation *v = &k.result.violations[0];
    assert_non_null(strstr(v->message, "n1 suspected n2 while it was up and reachable"));
    assert_int_equal(v->from_ns, 500 * NS_PER_MS);
    assert_int_equal(v->to_ns, 700 * NS_PER_MS);
    assert_int_equal(v->evidence_count, 2);
}

static void test_checker_excuses_recent_partition_and_pause(void **state) {
    (void)state;
    struct ck k;
    ck_open(&k, "1s");
    ck_emit(&k, 100, TRACE_PARTITION, -1, -1, 0, NULL, "{n1} | {n2 n3}");
    ck_note(&k, 400, 1, "suspect", 0); /* during the partition */
    ck_emit(&k, 1000, TRACE_HEAL, -1, -1, 0, NULL, NULL);
    ck_note(&k, 1500, 2, "suspect", 0); /* stale news within 1s of the heal */
    ck_emit(&k, 2000, TRACE_PAUSE, 1, -1, 300 * NS_PER_MS, NULL, NULL);
    ck_note(&k, 2200, 0, "suspect", 1);
    ck_emit(&k, 2300, TRACE_RESUME, 1, -1, 0, NULL, NULL);
    assert_int_equal(ck_close(&k, 3000), CHECK_PASS);
    /* ...but not 1s after it all ended */
    ck_open(&k, "1s");
    ck_emit(&k, 100, TRACE_PARTITION, -1, -1, 0, NULL, "{n1} | {n2 n3}");
    ck_emit(&k, 1000, TRACE_HEAL, -1, -1, 0, NULL, NULL);
    ck_note(&k, 2100, 2, "suspect", 0);
    assert_int_equal(ck_close(&k, 3000), CHECK_FAIL);
}

static void test_checker_one_way_cut_is_an_impairment(void **state) {
    (void)state;
    struct ck k;
    ck_open(&k, "1s");
    ck_emit(&k, 100, TRACE_CUT, 1, 0, 0, NULL, NULL); /* n2 -> n1 only */
    ck_note(&k, 500, 0, "suspect", 1);
    ck_note(&k, 600, 2, "suspect", 1); /* n3 still hears n2 */
    assert_int_equal(ck_close(&k, 3000), CHECK_FAIL);
    assert_int_equal(k.result.violations_total, 1);
    assert_non_null(strstr(k.result.violations[0].message, "n3 suspected n2"));
}

static void test_checker_rejects_slow_and_missed_detection(void **state) {
    (void)state;
    struct ck k;
    ck_open(&k, "1s");
    ck_emit(&k, 1000, TRACE_CRASH, 2, -1, 0, NULL, NULL);
    ck_note(&k, 2500, 0, "suspect", 2); /* 1.5s: too slow; n2 never notices */
    assert_int_equal(ck_close(&k, 5000), CHECK_FAIL);
    assert_int_equal(k.result.violations_total, 2);
    assert_non_null(strstr(k.result.violations[0].message, "n1 detected n3's crash after 1500 ms"));
    assert_non_null(strstr(k.result.violations[1].message, "n2 never detected n3's crash"));
}

static void test_checker_short_outage_is_not_judged(void **state) {
    (void)state;
    struct ck k;
    ck_open(&k, "1s");
    ck_emit(&k, 1000, TRACE_CRASH, 2, -1, 0, NULL, NULL);
    ck_emit(&k, 1500, TRACE_RESTART, 2, -1, 0, NULL, NULL);
    assert_int_equal(ck_close(&k, 5000), CHECK_PASS);
}

static void test_checker_confirm_mode_counts_suspicions_only(void **state) {
    (void)state;
    struct ck k;
    ck_open(&k, "1s confirm");
    ck_note(&k, 500, 0, "suspect", 1); /* refuted rumour: fine */
    ck_note(&k, 700, 0, "alive", 1);
    ck_emit(&k, 1000, TRACE_CRASH, 2, -1, 0, NULL, NULL);
    ck_note(&k, 1200, 0, "suspect", 2);
    ck_note(&k, 1800, 0, "confirm", 2);
    ck_note(&k, 1900, 1, "confirm", 2);
    assert_int_equal(ck_close(&k, 3000), CHECK_PASS);
    assert_non_null(strstr(k.result.summary, "max 900 ms"));
    assert_non_null(strstr(k.result.summary, "(1 unjustified suspicions)"));
    ck_open(&k, "1s confirm");
    ck_note(&k, 500, 0, "confirm", 1); /* a false declaration of death */
    assert_int_equal(ck_close(&k, 3000), CHECK_FAIL);
    assert_non_null(strstr(k.result.violations[0].message, "n1 declared dead n2"));
}

static void test_checker_rejects_bad_arguments(void **state) {
    (void)state;
    const char *yaml = "name: t\nduration: 1s\nnodes: [n1, n2]\nprotocol: { name: failure-detector }\n";
    const char *bad[] = {"", "fast", "1s maybe", "-1s"};
    struct diag d;
    struct scenario *s = scenario_load_buffer(yaml, strlen(yaml), "t.yaml", NULL, 0, NULL, &d);
    assert_non_null(s);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct scenario_check c = {.name = "fd-accuracy", .args = (char *)bad[i]};
        void *st = NULL;
        assert_int_equal(checker_fd_accuracy.create(s, &c, &st, &d), -1);
        assert_non_null(strstr(d.message, "fd-accuracy: 2s"));
    }
    scenario_free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_heartbeat_quiet_on_a_healthy_network),
        cmocka_unit_test(test_heartbeat_suspects_a_crash_within_its_timeout),
        cmocka_unit_test(test_heartbeat_pause_is_a_justified_suspicion),
        cmocka_unit_test(test_heartbeat_short_timeout_with_loss_is_inaccurate),
        cmocka_unit_test(test_swim_confirms_a_crash_everywhere),
        cmocka_unit_test(test_swim_restarted_member_comes_back_alive),
        cmocka_unit_test(test_swim_refutes_suspicion_under_loss),
        cmocka_unit_test(test_swim_short_suspicion_timeout_declares_the_living_dead),
        cmocka_unit_test(test_partition_suspicions_are_justified_and_heal),
        cmocka_unit_test(test_swim_rejects_ping_timeout_past_the_period),
        cmocka_unit_test(test_checker_accepts_timely_detection),
        cmocka_unit_test(test_checker_rejects_false_suspicion),
        cmocka_unit_test(test_checker_excuses_recent_partition_and_pause),
        cmocka_unit_test(test_checker_one_way_cut_is_an_impairment),
        cmocka_unit_test(test_checker_rejects_slow_and_missed_detection),
        cmocka_unit_test(test_checker_short_outage_is_not_judged),
        cmocka_unit_test(test_checker_confirm_mode_counts_suspicions_only),
        cmocka_unit_test(test_checker_rejects_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
