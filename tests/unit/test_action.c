/* test_action.c: operator actions (dslab/action.h) and deploy faults.
 *
 * The action parser shared by `dslab viz --act` and `operate` answers:
 * the forms it takes, the class of inputs it refuses (bounds on every
 * part, unknown verbs and nodes, stray arguments), the faults actions
 * become; deploys: a node does not understand a newer version's messages
 * (dropped with reason "version"), a rollback restores delivery, a deploy
 * of the version in force has no effect, and the loader's ranges. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/action.h"
#include "harness.h"

static const char *const three_nodes =
    "name: t\nduration: 2s\nnodes: [n1, n2, n3]\nprotocol: { name: gossip-pingpong }\n";

static void test_parses_the_vocabulary(void **state) {
    (void)state;
    struct dslab_action a;
    struct dslab_diag d;
    assert_int_equal(dslab_action_parse("1.5s:crash:n2", &a, &d), 0);
    assert_int_equal(a.at_ns, 1500 * DSLAB_NS_PER_MS);
    assert_string_equal(a.verb, "crash");
    assert_string_equal(a.node, "n2");
    assert_string_equal(a.arg, "");
    assert_int_equal(dslab_action_parse("2s:deploy:n1:2", &a, &d), 0);
    assert_string_equal(a.arg, "2");
    assert_int_equal(dslab_action_parse("0s:heal", &a, &d), 0);
    char text[200];
    dslab_action_format(&a, text, (int)sizeof text);
    struct dslab_action b;
    assert_int_equal(dslab_action_parse(text, &b, &d), 0); /* the canonical form parses back */
    assert_int_equal(b.at_ns, a.at_ns);
}

static void test_refuses_the_class_of_bad_actions(void **state) {
    (void)state;
    char long_node[80], long_arg[120], long_all[300];
    snprintf(long_node, sizeof long_node, "1s:crash:%040d", 7);
    snprintf(long_arg, sizeof long_arg, "1s:cut:n1:%070d", 7);
    memset(long_all, 'x', sizeof long_all - 1);
    long_all[sizeof long_all - 1] = 0;
    const struct { const char *text, *part; } bad[] = {
        {"", "expected TIME:VERB"}, {"crash", "expected TIME:VERB"}, {"1s", "expected TIME:VERB"},
        {"-1s:heal", "TIME like 1.5s"}, {"1:heal", "TIME like 1.5s"}, {"2d:heal", "TIME like 1.5s"},
        {"99999999999999999999s:heal", "TIME like 1.5s"}, {"1s:reboot:n1", "unknown verb 'reboot'"},
        {"1s:crashcrashcrashcrash:n1", "unknown verb"}, {"1s:cut:n1:n2:n3", "more than TIME:VERB:A:B"},
        {long_node, "first argument is longer than 31"}, {long_arg, "second argument is longer than 63"},
        {long_all, "at most 159"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct dslab_action a;
        struct dslab_diag d;
        dslab_diag_clear(&d);
        if (dslab_action_parse(bad[i].text, &a, &d) == 0) fail_msg("'%.40s' was accepted", bad[i].text);
        if (!strstr(d.message, bad[i].part)) fail_msg("'%.40s': '%s' lacks '%s'", bad[i].text, d.message, bad[i].part);
    }
}

static void test_actions_become_faults(void **state) {
    (void)state;
    struct dslab_scenario *s = h_load(three_nodes);
    int32_t groups[3];
    const struct { const char *text; enum dslab_fault_kind kind; int32_t node, peer; } good[] = {
        {"1s:crash:n2", DSLAB_FAULT_CRASH, 1, -1},       {"1s:restart:n3", DSLAB_FAULT_RESTART, 2, -1},
        {"1s:pause:n1:250ms", DSLAB_FAULT_PAUSE, 0, -1}, {"1s:cut:n1:n3", DSLAB_FAULT_CUT, 0, 2},
        {"1s:cut1:n3:n1", DSLAB_FAULT_CUT, 2, 0},        {"1s:heal", DSLAB_FAULT_HEAL, -1, -1},
        {"1s:heal:n2:n1", DSLAB_FAULT_HEAL, 1, 0},       {"1s:jump:n1:-200ms", DSLAB_FAULT_CLOCK_JUMP, 0, -1},
        {"1s:drift:n2:500", DSLAB_FAULT_CLOCK_DRIFT, 1, -1}, {"1s:deploy:n3:2", DSLAB_FAULT_DEPLOY, 2, -1},
        {"1s:partition:isolate:n2", DSLAB_FAULT_PARTITION, 1, -1}, {"1s:partition:halves", DSLAB_FAULT_PARTITION, -1, -1},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        struct dslab_action a;
        struct dslab_fault f;
        struct dslab_diag d;
        assert_int_equal(dslab_action_parse(good[i].text, &a, &d), 0);
        if (dslab_action_to_fault(s, &a, &f, groups, &d) != 0) fail_msg("'%s': %s", good[i].text, d.message);
        assert_int_equal(f.at_ns, DSLAB_NS_PER_S);
        assert_int_equal(f.kind, good[i].kind);
        assert_int_equal(f.node, good[i].node);
        assert_int_equal(f.peer, good[i].peer);
    }
    struct dslab_action a;
    struct dslab_fault f;
    struct dslab_diag d;
    dslab_action_parse("1s:pause:n1:250ms", &a, &d);
    dslab_action_to_fault(s, &a, &f, groups, &d);
    assert_int_equal(f.duration_ns, 250 * DSLAB_NS_PER_MS);
    dslab_action_parse("1s:deploy:n3:2", &a, &d);
    dslab_action_to_fault(s, &a, &f, groups, &d);
    assert_int_equal(f.version, 2);
    const struct { const char *text, *part; } bad[] = {
        {"1s:crash:n9", "unknown node 'n9'"}, {"1s:crash", "needs a node"}, {"1s:crash:n1:now", "takes no argument 'now'"},
        {"1s:heal:n1", "needs two nodes"}, {"1s:cut:n1:n1", "two different nodes"}, {"1s:pause:n1:0s", "bad duration"},
        {"1s:jump:n1:soon", "bad duration"}, {"1s:drift:n1:100001", "bad ppm"}, {"1s:deploy:n1", "bad version"},
        {"1s:deploy:n1:0", "bad version"}, {"1s:deploy:n1:1001", "bad version"}, {"1s:deploy:n1:1.5", "bad version"},
        {"1s:partition:square", "is not isolate"}, {"1s:partition:isolate", "needs a node"},
        {"1s:partition:halves:n1", "takes no argument"}, {"1s:heal:n1:n2:n3", "more than"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dslab_diag_clear(&d);
        if (dslab_action_parse(bad[i].text, &a, &d) == 0 && dslab_action_to_fault(s, &a, &f, groups, &d) == 0) {
            fail_msg("'%s' was accepted", bad[i].text);
        }
        if (!strstr(d.message, bad[i].part)) fail_msg("'%s': '%s' lacks '%s'", bad[i].text, d.message, bad[i].part);
    }
    dslab_scenario_free(s);
}

/* Counts drops by reason and deploy records. */
struct drops {
    int version, version_late, deploys, no_effect; /* version_late: after 1.1s */
    int64_t last_version;
};

static void count_drops(void *user, const struct dslab_trace_event *ev) {
    struct drops *c = user;
    if (ev->kind == DSLAB_TRACE_DROP && ev->tag && strcmp(ev->tag, "version") == 0) {
        c->version++;
        c->version_late += ev->t_ns > 1100 * DSLAB_NS_PER_MS;
    }
    if (ev->kind == DSLAB_TRACE_DEPLOY) c->deploys++, c->last_version = ev->a;
    if (ev->kind == DSLAB_TRACE_NO_EFFECT) c->no_effect++;
}

static const char *const pingpong_fmt =
    "name: t\nduration: 2s\nnodes: [n1, n2, n3]\nprotocol: { name: gossip-pingpong }\nfaults:\n%s";
/* Raft: heartbeats and their replies flow all the time. */
static const char *const raft_fmt =
    "name: t\nduration: 2s\nnodes: [n1, n2, n3]\nprotocol: { name: raft }\nfaults:\n%s";

static void test_newer_versions_are_not_understood(void **state) {
    (void)state;
    struct drops none = {0}, mixed = {0}, rolled_back = {0}, all_new = {0}, same = {0};
    h_run_text(NULL, 1, count_drops, &none, raft_fmt, "  - { at: 1s, heal: all }\n");
    assert_int_equal(none.version, 0);
    h_run_text(NULL, 1, count_drops, &mixed, raft_fmt, "  - { at: 500ms, deploy: n1, version: 2 }\n");
    assert_int_equal(mixed.deploys, 1);
    assert_int_equal(mixed.last_version, 2);
    assert_true(mixed.version_late > 0); /* n2, n3 cannot read n1, all along */
    h_run_text(NULL, 1, count_drops, &rolled_back, raft_fmt,
               "  - { at: 500ms, deploy: n1, version: 2 }\n  - { at: 1s, deploy: n1, version: 1 }\n");
    assert_true(rolled_back.version > 0);
    assert_int_equal(rolled_back.version_late, 0); /* the rollback restores delivery */
    h_run_text(NULL, 1, count_drops, &all_new, raft_fmt,
               "  - { at: 500ms, deploy: n1, version: 2 }\n  - { at: 500ms, deploy: n2, version: 2 }\n"
               "  - { at: 500ms, deploy: n3, version: 2 }\n");
    assert_int_equal(all_new.version_late, 0); /* one version again: everyone understands */
    h_run_text(NULL, 1, count_drops, &same, pingpong_fmt, "  - { at: 500ms, deploy: n1, version: 1 }\n");
    assert_int_equal(same.no_effect, 1);
    assert_int_equal(same.deploys, 0);
    assert_int_equal(same.version, 0);
}

static void test_deploy_loads_in_range_and_saves(void **state) {
    (void)state;
    static const struct h_refusal cases[] = {
        {"  - { at: 1s, deploy: n1 }\n", "deploy needs version"},
        {"  - { at: 1s, deploy: n1, version: 0 }\n", "1"},
        {"  - { at: 1s, deploy: n1, version: 1001 }\n", "1000"},
        {"  - { at: 1s, deploy: n9, version: 2 }\n", "n9"},
        {"  - { at: 1s, crash: n1, version: 2 }\n", "'version' does not apply to a crash fault"},
    };
    H_EXPECT_REFUSALS(pingpong_fmt, cases);
    char yaml[512];
    snprintf(yaml, sizeof yaml, pingpong_fmt, "  - { at: 1s, deploy: n2, version: 7 }\n");
    struct dslab_scenario *s = h_load(yaml);
    struct dslab_scenario *r = h_save_reload(s);
    assert_int_equal(r->faults[0].kind, DSLAB_FAULT_DEPLOY);
    assert_int_equal(r->faults[0].version, 7);
    assert_int_equal(h_trace_hash(s, 3), h_trace_hash(r, 3));
    dslab_scenario_free(r);
    dslab_scenario_free(s);
}

H_MAIN(cmocka_unit_test(test_parses_the_vocabulary), cmocka_unit_test(test_refuses_the_class_of_bad_actions),
       cmocka_unit_test(test_actions_become_faults), cmocka_unit_test(test_newer_versions_are_not_understood),
       cmocka_unit_test(test_deploy_loads_in_range_and_saves))
