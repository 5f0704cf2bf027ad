/* test_scenario.c: the scenario loader (sim/scenario/): conversion, errors
 * with positions, limits, --set overrides, out-of-memory at every
 * allocation, save/load round trip, the param_* helpers, and rolling
 * restarts expanded into their crashes and restarts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dslab/node.h"
#include "dslab/scenario.h"
#include "harness.h"

static const char full_yaml[] =
    "name: leader-loses-majority\n"
    "title: \"A leader loses its majority\"\n"
    "description: |\n"
    "  Two lines\n"
    "  of text.\n"
    "seed: 42\n"
    "duration: 10s\n"
    "limits: { events: 5000000 }\n"
    "nodes: 5\n"
    "clocks:\n"
    "  n3: { offset: -80ms, drift_ppm: 200 }\n"
    "network:\n"
    "  latency: uniform(1ms, 5ms)\n"
    "  loss: 0.001\n"
    "  order: fifo\n"
    "  links:\n"
    "    - { from: n1, to: n2, latency: constant(200ms), loss: 0.5, both: true }\n"
    "protocol: { name: gossip-pingpong }\n"
    "workload:\n"
    "  clients: 2\n"
    "  rate: 50/s\n"
    "  ops: { read: 0.5, write: 0.25, cas: 0.25 }\n"
    "  keys: 4\n"
    "  target: n2\n"
    "faults:\n"
    "  - { at: 6s, heal: all }\n"
    "  - { at: 2s, partition: [[n1], [n2, n3]] }\n"
    "  - { at: 2s, partition: isolate-one, node: n4 }\n"
    "  - { at: 3s, cut: { from: n1, to: n2 } }\n"
    "  - { at: 3s, crash: n1 }\n"
    "  - { at: 4s, restart: n1, lose_unsynced: true }\n"
    "  - { at: 3s, pause: n2, for: 500ms }\n"
    "  - { at: 7s, clock: n3, jump: -500ms }\n"
    "  - { at: 7s, clock: n3, drift_ppm: 500 }\n"
    "  - { at: 2s, link: [n1, n2], latency: constant(100ms), loss: 0.2, duplicate: 0.1 }\n"
    "  - { at: 2s, slow: n2, factor: 10 }\n"
    "  - { at: 1s, partition: majority-minority, minority: [n4, n5] }\n"
    "  - { at: 1s, partition: bridge, node: n3 }\n"
    "  - { at: 1s, partition: majorities-ring }\n"
    "assumptions: { message_delay_below: 100ms, clock_skew_below: 50ms, majority_connected: true }\n"
    "narration:\n"
    "  - { at: 5s, say: \"later\" }\n"
    "  - { at: 1.9s, say: \"n1 is leader.\", pause: true }\n";

static struct dslab_scenario *load_text(const char *text, struct dslab_diag *d) {
    return dslab_scenario_load_buffer(text, strlen(text), "t.yaml", NULL, 0, NULL, d);
}

/* Loads `text` expecting an error whose formatted form contains `needle`. */
static void expect_error(const char *text, const char *needle) {
    struct dslab_diag d;
    struct dslab_scenario *s = load_text(text, &d);
    char buf[1200];
    dslab_diag_format(&d, buf, (int)sizeof buf);
    if (s) fail_msg("loaded although '%s' was expected", needle);
    if (!strstr(buf, needle)) fail_msg("error '%s' lacks '%s'", buf, needle);
}

static void test_full_scenario_converts_every_section(void **state) {
    (void)state;
    struct dslab_diag d;
    struct dslab_scenario *s = load_text(full_yaml, &d);
    if (!s) fail_msg("%s:%d:%d: %s", d.file, d.line, d.col, d.message);
    assert_string_equal(s->name, "leader-loses-majority");
    assert_string_equal(s->title, "A leader loses its majority");
    assert_string_equal(s->description, "Two lines\nof text.\n");
    assert_int_equal(s->seed, 42);
    assert_int_equal(s->duration_ns, INT64_C(10000000000));
    assert_int_equal(s->events_max, 5000000);
    assert_int_equal(s->nodes_count, 5);
    assert_string_equal(s->node_names[4], "n5");
    assert_int_equal(dslab_scenario_node_index(s, "n3"), 2);
    assert_int_equal(dslab_scenario_node_index(s, "n9"), -1);
    assert_int_equal(s->clocks[2].offset_ns, -80000000);
    assert_int_equal(s->clocks[2].drift_ppm, 200);
    assert_int_equal(s->network.link.latency.kind, DSLAB_LATENCY_UNIFORM);
    assert_int_equal(s->network.link.loss_ppm, 1000);
    assert_true(s->network.fifo);
    assert_int_equal(s->link_overrides_count, 1);
    assert_int_equal(s->link_overrides[0].fields, DSLAB_LINK_FIELD_LATENCY | DSLAB_LINK_FIELD_LOSS);
    assert_true(s->link_overrides[0].both_ways);
    assert_int_equal(s->link_overrides[0].pos.line, 17);
    assert_string_equal(s->protocol.name, "gossip-pingpong");
    assert_int_equal(s->workload.clients_count, 2);
    assert_int_equal(s->workload.interval_ns_mean, 40000000); /* 2 clients at 50/s total */
    assert_int_equal(s->workload.read_weight, 500000);
    assert_int_equal(s->workload.cas_weight, 250000);
    assert_int_equal(s->workload.keys_count, 4);
    assert_int_equal(s->workload.timeout_ns, 1000000000);
    assert_int_equal(s->workload.stop_ns, s->duration_ns);
    assert_int_equal(s->workload.target, DSLAB_TARGET_NODE);
    assert_int_equal(s->workload.target_node, 1);
    assert_true(s->assumptions.clock_skew_declared);
    assert_false(s->assumptions.pause_declared);
    assert_int_equal(s->assumptions.clock_skew_pos.line, 40);
    assert_int_equal(s->narration_count, 2);
    assert_string_equal(s->narration[0].text, "n1 is leader.");
    assert_true(s->narration[0].pause);
    dslab_scenario_free(s);
}

static void test_faults_are_sorted_stably_and_resolved(void **state) {
    (void)state;
    struct dslab_diag d;
    struct dslab_scenario *s = load_text(full_yaml, &d);
    assert_non_null(s);
    assert_int_equal(s->faults_count, 14);
    for (int i = 1; i < s->faults_count; i++) assert_true(s->faults[i - 1].at_ns <= s->faults[i].at_ns);
    /* the three at 1s keep file order */
    assert_int_equal(s->faults[0].shape, DSLAB_PARTITION_GROUPS); /* minority: -> groups */
    assert_int_equal(s->faults[0].group_of_node[3], 0);
    assert_int_equal(s->faults[0].group_of_node[0], 1);
    assert_int_equal(s->faults[1].shape, DSLAB_PARTITION_BRIDGE);
    assert_int_equal(s->faults[1].node, 2);
    assert_int_equal(s->faults[2].shape, DSLAB_PARTITION_MAJORITIES_RING);
    /* then 2s: groups, isolate-one, link, slow in file order */
    const struct dslab_fault *g = &s->faults[3];
    assert_int_equal(g->kind, DSLAB_FAULT_PARTITION);
    assert_int_equal(g->group_of_node[0], 0);
    assert_int_equal(g->group_of_node[2], 1);
    assert_int_equal(g->group_of_node[4], -1);
    assert_int_equal(g->pos.line, 27);
    assert_int_equal(s->faults[4].shape, DSLAB_PARTITION_ISOLATE_ONE);
    assert_int_equal(s->faults[5].kind, DSLAB_FAULT_LINK);
    assert_true(s->faults[5].both_ways);
    assert_int_equal(s->faults[5].link.duplicate_ppm, 100000);
    assert_int_equal(s->faults[6].kind, DSLAB_FAULT_SLOW);
    assert_int_equal(s->faults[6].slow_factor, 10);
    assert_int_equal(s->faults[7].kind, DSLAB_FAULT_CUT);
    assert_false(s->faults[7].both_ways);
    assert_int_equal(s->faults[9].kind, DSLAB_FAULT_PAUSE);
    assert_int_equal(s->faults[9].duration_ns, 500000000);
    assert_int_equal(s->faults[10].kind, DSLAB_FAULT_RESTART);
    assert_true(s->faults[10].lose_unsynced);
    assert_int_equal(s->faults[11].kind, DSLAB_FAULT_HEAL);
    assert_int_equal(s->faults[11].node, -1);
    assert_int_equal(s->faults[12].kind, DSLAB_FAULT_CLOCK_JUMP);
    assert_int_equal(s->faults[12].jump_ns, -500000000);
    assert_int_equal(s->faults[13].kind, DSLAB_FAULT_CLOCK_DRIFT);
    assert_int_equal(s->faults[13].drift_ppm, 500);
    dslab_scenario_free(s);
}

static const char base[] = "name: t\nduration: 10s\nnodes: 3\nprotocol: gossip-pingpong\n";

static void expect_error_with(const char *extra, const char *needle) {
    char text[4096];
    snprintf(text, sizeof text, "%s%s", base, extra);
    expect_error(text, needle);
}

static void test_errors_name_position_and_expectation(void **state) {
    (void)state;
    expect_error_with("netwrok: {}\n", "t.yaml:5:1: error: unknown key 'netwrok' (did you mean 'network'?)");
    expect_error_with("zzz: 1\n", "unknown key 'zzz' (expected one of: name, title,");
    expect_error("name: t\nnodes: 3\nprotocol: gossip-pingpong\n", "t.yaml:1:1: error: missing key 'duration'");
    expect_error("name: t\nduration: 10s\nnodes: 3\n", "missing key 'protocol'");
    expect_error("name: t\nduration: fast\nnodes: 3\nprotocol: x\n",
                 "t.yaml:2:11: error: expected a duration like 150ms, got 'fast'");
    expect_error_with("faults:\n  - { at: 12s, crash: n1 }\n",
                      "t.yaml:6:11: error: fault at 12s is after the end of the run (duration 10s)");
    expect_error_with("faults:\n  - { at: 1s, crash: n7 }\n", "unknown node 'n7' (did you mean 'n1'?)");
    expect_error_with("faults:\n  - { at: 1s, partiton: [[n1]] }\n",
                      "6:15: error: unknown key 'partiton' (did you mean 'partition'?)");
    expect_error_with("faults:\n  - { at: 1s, partition: [[n1], [n1, n2]] }\n", "node 'n1' appears twice");
    expect_error_with("faults:\n  - { at: 1s, crash: n1, pause: n2 }\n", "write two faults");
    expect_error_with("faults:\n  - { at: 1s, crash: n1, for: 1s }\n", "'for' does not apply to a crash fault");
    expect_error_with("faults:\n  - { at: 1s }\n", "a fault needs an action");
    expect_error_with("network: { loss: 1.5 }\n", "more than 1");
    expect_error_with("network:\n  latency: uniform(1ms, fast)\n", "t.yaml:6:25: error: expected a duration");
    expect_error_with("network: { latency: uniform(1ms, fast) }\n", "t.yaml:5:21: error: expected a duration");
    expect_error_with("workload: { rate: 50 }\n", "has no unit");
    expect_error_with("checks: [nope]\n", "unknown check 'nope'");
    expect_error_with("duration: 5s\n", "t.yaml:5:1: error: duplicate key 'duration' (first at line 2)");
    expect_error("name: t\nduration: 10s\nnodes: [a, b, a]\nprotocol: gossip-pingpong\n",
                 "t.yaml:3:15: error: node 'a' is listed twice");
    expect_error("name: t\nduration: 10s\nnodes: 3\nprotocol: raftt\n", "unknown protocol 'raftt'");
    expect_error("", "empty scenario file");
    expect_error("# only a comment\n", "empty scenario file");
    expect_error("- a\n- b\n", "expected a mapping with name, duration");
    expect_error("name: t\nduration: 10s\nnodes: 3\nprotocol: [a\n", "t.yaml:");
    expect_error("name: \"t\xff\"\n", "not valid UTF-8");
}

static void test_commas_inside_flow_latencies_are_rejoined(void **state) {
    (void)state;
    struct dslab_diag d;
    struct dslab_scenario *s = load_text("name: t\nduration: 10s\nnodes: 3\nprotocol: gossip-pingpong\n"
                                   "network: { latency: uniform(1ms, 5ms), loss: 0.001, order: fifo }\n"
                                   "faults:\n  - { at: 1s, link: [n1, n2], latency: mix(0.9 pareto(1ms, 1.5), "
                                   "0.1 exponential(20ms)) }\n",
                                   &d);
    if (!s) fail_msg("%s:%d:%d: %s", d.file, d.line, d.col, d.message);
    assert_int_equal(s->network.link.latency.kind, DSLAB_LATENCY_UNIFORM);
    assert_int_equal(s->network.link.latency.simple.b_ns, 5000000);
    assert_int_equal(s->network.link.loss_ppm, 1000);
    assert_int_equal(s->faults[0].link.latency.kind, DSLAB_LATENCY_MIXTURE);
    assert_int_equal(s->faults[0].link.latency.components_count, 2);
    dslab_scenario_free(s);
}

static void test_limits_stop_hostile_files(void **state) {
    (void)state;
    char *text = malloc(8192);
    assert_non_null(text);
    /* billion laughs: 10^6 nodes after expansion */
    strcpy(text, "a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    const char *names = "abcdef";
    for (int level = 1; level < 6; level++) {
        char line[200];
        snprintf(line, sizeof line, "%c: &%c [", names[level], names[level]);
        strcat(text, line);
        for (int i = 0; i < 10; i++) {
            snprintf(line, sizeof line, "%s*%c", i ? ", " : "", names[level - 1]);
            strcat(text, line);
        }
        strcat(text, "]\n");
    }
    expect_error(text, "DSLAB_YAML_NODES_MAX");
    /* deep nesting */
    strcpy(text, "a: ");
    for (int i = 0; i < 40; i++) strcat(text, "[");
    for (int i = 0; i < 40; i++) strcat(text, "]");
    strcat(text, "\n");
    expect_error(text, "deeper than 32");
    expect_error("a: &a [*a]\n", "unknown alias '*a'");
    free(text);
    /* An alias bomb of a big scalar: few nodes, gigabytes of text when
     * every alias copies it. 300 x 300 aliases of 500 KB. */
    size_t scalar = 500000, size = scalar + 8192;
    text = malloc(size);
    assert_non_null(text);
    strcpy(text, "a: &a ");
    memset(text + 6, 'x', scalar);
    size_t at = 6 + scalar;
    at += (size_t)snprintf(text + at, size - at, "\nb: &b [");
    for (int i = 0; i < 300; i++) at += (size_t)snprintf(text + at, size - at, "%s*a", i ? "," : "");
    at += (size_t)snprintf(text + at, size - at, "]\nc: [");
    for (int i = 0; i < 300; i++) at += (size_t)snprintf(text + at, size - at, "%s*b", i ? "," : "");
    snprintf(text + at, size - at, "]\n");
    expect_error(text, "DSLAB_YAML_TEXT_BYTES_MAX");
    free(text);
    char *big = malloc(2 * 1024 * 1024);
    assert_non_null(big);
    memset(big, '#', 2 * 1024 * 1024);
    struct dslab_diag d;
    assert_null(dslab_scenario_load_buffer(big, 2 * 1024 * 1024, "big.yaml", NULL, 0, NULL, &d));
    assert_non_null(strstr(d.message, "DSLAB_SCENARIO_BYTES_MAX"));
    free(big);
}

static void test_overrides_edit_the_tree(void **state) {
    (void)state;
    struct dslab_scenario_override ov[] = {
        {"nodes", "[a, b, c, d]"}, {"network.loss", "0.1"}, {"faults.0.at", "3s"},
        {"workload.rate", "10/s"}, {"seed", "7"},
    };
    struct dslab_diag d;
    struct dslab_scenario *s =
        dslab_scenario_load_buffer(full_yaml, strlen(full_yaml), "t.yaml", ov, 1, NULL, &d);
    assert_null(s); /* nodes renamed: n3 in clocks is unknown */
    assert_non_null(strstr(d.message, "unknown node 'n3'"));
    s = dslab_scenario_load_buffer(full_yaml, strlen(full_yaml), "t.yaml", ov + 1, 4, NULL, &d);
    if (!s) fail_msg("%s:%d: %s", d.file, d.line, d.message);
    assert_int_equal(s->network.link.loss_ppm, 100000);
    assert_int_equal(s->seed, 7);
    assert_int_equal(s->workload.interval_ns_mean, 200000000);
    assert_int_equal(s->faults[s->faults_count - 1].kind, DSLAB_FAULT_CLOCK_DRIFT); /* heal moved to 3s */
    dslab_scenario_free(s);
    struct dslab_scenario_override bad[] = {{"network.lose", "0.1"}};
    assert_null(dslab_scenario_load_buffer(full_yaml, strlen(full_yaml), "t.yaml", bad, 1, NULL, &d));
    char buf[1200];
    dslab_diag_format(&d, buf, (int)sizeof buf);
    assert_string_equal(buf, "--set network.lose=0.1: error: unknown key 'lose' (did you mean 'loss'?)");
    struct dslab_scenario_override range[] = {{"faults.99.at", "1s"}};
    assert_null(dslab_scenario_load_buffer(full_yaml, strlen(full_yaml), "t.yaml", range, 1, NULL, &d));
    assert_non_null(strstr(d.message, "out of range"));
}

/* ---- out of memory at every allocation ----------------------------------- */

struct counting {
    long calls;
    long fail_at; /* 0 = never */
    long live;
};

static void *c_malloc(size_t size, void *user) {
    struct counting *c = user;
    if (++c->calls == c->fail_at) return NULL;
    void *p = malloc(size);
    if (p) c->live++;
    return p;
}
static void *c_realloc(void *ptr, size_t size, void *user) {
    struct counting *c = user;
    if (++c->calls == c->fail_at) return NULL;
    void *p = realloc(ptr, size);
    if (p && !ptr) c->live++;
    return p;
}
static void c_free(void *ptr, void *user) {
    struct counting *c = user;
    if (ptr) c->live--;
    free(ptr);
}

/* Loads yaml (with the overrides) failing each allocation in turn: every
 * one is a clean "out of memory" error that leaks nothing. */
static void expect_every_failed_allocation_clean(const char *yaml, const struct dslab_scenario_override *ov,
                                                 int ov_count) {
    struct counting c = {0, 0, 0};
    struct dslab_scenario_alloc hooks = {c_malloc, c_realloc, c_free, &c};
    struct dslab_diag d;
    struct dslab_scenario *s = dslab_scenario_load_buffer(yaml, strlen(yaml), "t.yaml", ov, ov_count, &hooks, &d);
    assert_non_null(s);
    dslab_scenario_free(s);
    assert_int_equal(c.live, 0);
    long needed = c.calls;
    assert_true(needed > 10);
    for (long n = 1; n <= needed; n++) {
        c = (struct counting){0, n, 0};
        s = dslab_scenario_load_buffer(yaml, strlen(yaml), "t.yaml", ov, ov_count, &hooks, &d);
        if (s) fail_msg("allocation %ld of %ld failed but the load succeeded", n, needed);
        if (!strstr(d.message, "out of memory")) fail_msg("allocation %ld: '%s'", n, d.message);
        if (c.live != 0) fail_msg("allocation %ld: %ld blocks leaked", n, c.live);
    }
}

static void test_every_failed_allocation_is_a_clean_error(void **state) {
    (void)state;
    struct dslab_scenario_override ov[] = {{"network.loss", "0.2"}, {"faults.1.at", "2.5s"}};
    expect_every_failed_allocation_clean(full_yaml, ov, 2);
}

/* ---- rolling restarts ------------------------------------------------------ */

static const char rolling_yaml[] = "name: t\nduration: 10s\nnodes: 4\nprotocol: gossip-pingpong\nfaults:\n"
                                   "  - { at: 9s, crash: n4 }\n"
                                   "  - { at: 2s, rolling-restart: [n3, n1, n2], batch: 2, down: 100ms, wait: 50ms, "
                                   "lose_unsynced: true }\n"
                                   "  - { at: 1s, rolling-restart: all }\n";

static void test_rolling_restart_expands_into_its_crashes_and_restarts(void **state) {
    (void)state;
    struct dslab_diag d;
    struct dslab_scenario *s = load_text(rolling_yaml, &d);
    if (!s) fail_msg("%s", d.message);
    assert_int_equal(s->faults_count, 1 + 6 + 8);
    /* `all` with the defaults: every node down at 1s, up at 1.3s, in order */
    for (int i = 0; i < 4; i++) {
        assert_int_equal(s->faults[i].kind, DSLAB_FAULT_CRASH);
        assert_int_equal(s->faults[i].node, i);
        assert_int_equal(s->faults[i].at_ns, 1000000000);
        assert_int_equal(s->faults[i].pos.line, 8);
        assert_int_equal(s->faults[4 + i].kind, DSLAB_FAULT_RESTART);
        assert_int_equal(s->faults[4 + i].node, i);
        assert_int_equal(s->faults[4 + i].at_ns, 1300000000);
        assert_false(s->faults[4 + i].lose_unsynced);
    }
    /* n3 and n1 down at 2s, up at 2.1s; n2 down at 2.15s, up at 2.25s */
    static const struct { enum dslab_fault_kind kind; int32_t node; int64_t at_ns; } want[] = {
        {DSLAB_FAULT_CRASH, 2, 2000000000},   {DSLAB_FAULT_CRASH, 0, 2000000000},
        {DSLAB_FAULT_RESTART, 2, 2100000000}, {DSLAB_FAULT_RESTART, 0, 2100000000},
        {DSLAB_FAULT_CRASH, 1, 2150000000},   {DSLAB_FAULT_RESTART, 1, 2250000000},
    };
    for (int i = 0; i < 6; i++) {
        const struct dslab_fault *f = &s->faults[8 + i];
        assert_int_equal(f->kind, want[i].kind);
        assert_int_equal(f->node, want[i].node);
        assert_int_equal(f->at_ns, want[i].at_ns);
        assert_int_equal(f->pos.line, 7);
        if (f->kind == DSLAB_FAULT_RESTART) assert_true(f->lose_unsynced);
    }
    assert_int_equal(s->faults[14].kind, DSLAB_FAULT_CRASH);
    assert_int_equal(s->faults[14].node, 3);
    dslab_scenario_free(s);
    /* an override changes the tool, not the list's shape in the file */
    struct dslab_scenario_override ov[] = {{"faults.1.batch", "1"}};
    s = dslab_scenario_load_buffer(rolling_yaml, strlen(rolling_yaml), "t.yaml", ov, 1, NULL, &d);
    if (!s) fail_msg("%s", d.message);
    assert_int_equal(s->faults[13].at_ns, 2300000000 + 100000000); /* third batch: 2s + 2 x 150ms, +100ms */
    dslab_scenario_free(s);
    expect_every_failed_allocation_clean(rolling_yaml, NULL, 0);
}

static void test_rolling_restart_errors(void **state) {
    (void)state;
    expect_error_with("faults: [ { at: 1s, rolling-restart: [n1, n1] } ]\n", "n1 is listed twice");
    expect_error_with("faults: [ { at: 1s, rolling-restart: [] } ]\n", "needs at least one node");
    expect_error_with("faults: [ { at: 1s, rolling-restart: all, batch: 0 } ]\n", "from 1 to 3");
    expect_error_with("faults: [ { at: 9s, rolling-restart: all, batch: 1, wait: 1s } ]\n",
                      "brings its last node back at 11.900s, after the run ends (10.000s)");
    expect_error_with("faults: [ { at: 1s, rolling-restart: all, wait: 25h } ]\n", "more than one day");
    expect_error_with("faults: [ { at: 1s, rolling-restart: all, crash: n1 } ]\n", "a fault has one action");
    expect_error_with("faults: [ { at: 1s, pause: n1, for: 1s, batch: 2 } ]\n", "'batch' does not apply");
}

/* ---- save and load back --------------------------------------------------- */

static void assert_same_scenario(const struct dslab_scenario *a, const struct dslab_scenario *b) {
    assert_string_equal(a->name, b->name);
    assert_string_equal(a->title, b->title);
    assert_string_equal(a->description, b->description);
    assert_true(a->seed == b->seed);
    assert_int_equal(a->duration_ns, b->duration_ns);
    assert_int_equal(a->events_max, b->events_max);
    assert_int_equal(a->nodes_count, b->nodes_count);
    for (int i = 0; i < a->nodes_count; i++) {
        assert_string_equal(a->node_names[i], b->node_names[i]);
        assert_memory_equal(&a->clocks[i], &b->clocks[i], sizeof a->clocks[i]);
    }
    assert_int_equal(a->network.link.loss_ppm, b->network.link.loss_ppm);
    assert_int_equal(dslab_latency_mean_ns(&a->network.link.latency), dslab_latency_mean_ns(&b->network.link.latency));
    assert_int_equal(a->network.fifo, b->network.fifo);
    assert_int_equal(a->link_overrides_count, b->link_overrides_count);
    assert_memory_equal(&a->workload, &b->workload, sizeof a->workload);
    assert_int_equal(a->faults_count, b->faults_count);
    for (int i = 0; i < a->faults_count; i++) {
        const struct dslab_fault *x = &a->faults[i], *y = &b->faults[i];
        assert_int_equal(x->at_ns, y->at_ns);
        assert_int_equal(x->kind, y->kind);
        assert_int_equal(x->node, y->node);
        assert_int_equal(x->peer, y->peer);
        assert_int_equal(x->both_ways, y->both_ways);
        assert_int_equal(x->duration_ns, y->duration_ns);
        assert_int_equal(x->jump_ns, y->jump_ns);
        assert_int_equal(x->drift_ppm, y->drift_ppm);
        assert_int_equal(x->slow_factor, y->slow_factor);
        assert_int_equal(x->link_fields, y->link_fields);
        assert_int_equal(x->shape, y->shape);
        assert_int_equal(!x->group_of_node, !y->group_of_node);
        if (x->group_of_node) {
            assert_memory_equal(x->group_of_node, y->group_of_node, sizeof(int32_t) * (size_t)a->nodes_count);
        }
    }
    assert_int_equal(a->assumptions.clock_skew_below_ns, b->assumptions.clock_skew_below_ns);
    assert_int_equal(a->assumptions.majority_connected_declared, b->assumptions.majority_connected_declared);
    assert_int_equal(a->narration_count, b->narration_count);
    for (int i = 0; i < a->narration_count; i++) {
        assert_string_equal(a->narration[i].text, b->narration[i].text);
        assert_int_equal(a->narration[i].at_ns, b->narration[i].at_ns);
    }
}

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = calloc(1, 1 << 20);
    assert_non_null(buf);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_save_loads_back_equal(void **state) {
    (void)state;
    char dir[] = "/tmp/dslab-test-scenario-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char p1[128], p2[128];
    snprintf(p1, sizeof p1, "%s/one.yaml", dir);
    snprintf(p2, sizeof p2, "%s/two.yaml", dir);
    struct dslab_diag d;
    struct dslab_scenario *a = load_text(full_yaml, &d);
    assert_non_null(a);
    if (dslab_scenario_save(a, p1, &d) != 0) fail_msg("%s", d.message);
    struct dslab_scenario *b = dslab_scenario_load(p1, NULL, 0, NULL, &d);
    if (!b) fail_msg("%s:%d:%d: %s", d.file, d.line, d.col, d.message);
    assert_same_scenario(a, b);
    assert_int_equal(dslab_scenario_save(b, p2, &d), 0);
    char *t1 = slurp(p1), *t2 = slurp(p2);
    assert_string_equal(t1, t2); /* saving is a fixed point */
    free(t1);
    free(t2);
    assert_int_equal(dslab_scenario_save(a, "/nonexistent-dir/x.yaml", &d), -1);
    assert_non_null(strstr(d.message, "cannot write"));
    dslab_scenario_free(a);
    dslab_scenario_free(b);
    unlink(p1);
    unlink(p2);
    rmdir(dir);
}

/* ---- param helpers -------------------------------------------------------- */

static void test_param_helpers_parse_and_point_at_the_key(void **state) {
    (void)state;
    struct dslab_scenario s;
    memset(&s, 0, sizeof s);
    snprintf(s.path, sizeof s.path, "p.yaml");
    snprintf(s.protocol.name, sizeof s.protocol.name, "raft");
    char v0[] = "150ms", v1[] = "7", v2[] = "yes", v3[] = "fast", v4[] = "strict";
    struct dslab_scenario_param params[] = {
        {"election_timeout", v0, {3, 5}}, {"fanout", v1, {3, 30}}, {"fencing", v2, {4, 5}},
        {"heartbeat", v3, {5, 5}},        {"mode", v4, {6, 5}},
    };
    s.protocol.params = params;
    s.protocol.params_count = 5;
    struct dslab_diag d;
    int64_t ns, n;
    bool b;
    int choice;
    assert_non_null(dslab_param_find(&s, "fanout"));
    assert_null(dslab_param_find(&s, "nope"));
    assert_int_equal(dslab_param_duration_ns(&s, "election_timeout", 1, &ns, &d), 0);
    assert_int_equal(ns, 150000000);
    assert_int_equal(dslab_param_duration_ns(&s, "absent", 99, &ns, &d), 0);
    assert_int_equal(ns, 99);
    assert_int_equal(dslab_param_int(&s, "fanout", 1, 1, 10, &n, &d), 0);
    assert_int_equal(n, 7);
    assert_int_equal(dslab_param_int(&s, "fanout", 1, 1, 5, &n, &d), -1);
    assert_int_equal(d.line, 3);
    assert_int_equal(d.col, 30);
    assert_int_equal(dslab_param_bool(&s, "fencing", false, &b, &d), 0);
    assert_true(b);
    assert_int_equal(dslab_param_duration_ns(&s, "heartbeat", 1, &ns, &d), -1);
    char buf[1200];
    dslab_diag_format(&d, buf, (int)sizeof buf);
    assert_string_equal(buf, "p.yaml:5:5: error: protocol parameter 'heartbeat': expected a duration like 150ms, got 'fast'");
    const char *const modes[] = {"strict", "relaxed", NULL};
    assert_int_equal(dslab_param_choice(&s, "mode", modes, 1, &choice, &d), 0);
    assert_int_equal(choice, 0);
    const char *const known[] = {"election_timeout", "fanout", "fencing", "heartbeat", "mdoe", NULL};
    assert_int_equal(dslab_param_reject_unknown(&s, known, &d), -1);
    assert_string_equal(d.message, "unknown protocol parameter 'mode' (did you mean 'mdoe'?)");
    assert_int_equal(d.line, 6);
    const char *const all[] = {"election_timeout", "fanout", "fencing", "heartbeat", "mode", NULL};
    assert_int_equal(dslab_param_reject_unknown(&s, all, &d), 0);
}

H_MAIN(cmocka_unit_test(test_full_scenario_converts_every_section),
       cmocka_unit_test(test_faults_are_sorted_stably_and_resolved),
       cmocka_unit_test(test_errors_name_position_and_expectation),
       cmocka_unit_test(test_commas_inside_flow_latencies_are_rejoined),
       cmocka_unit_test(test_limits_stop_hostile_files),
       cmocka_unit_test(test_overrides_edit_the_tree),
       cmocka_unit_test(test_every_failed_allocation_is_a_clean_error),
       cmocka_unit_test(test_rolling_restart_expands_into_its_crashes_and_restarts),
       cmocka_unit_test(test_rolling_restart_errors),
       cmocka_unit_test(test_save_loads_back_equal),
       cmocka_unit_test(test_param_helpers_parse_and_point_at_the_key))
