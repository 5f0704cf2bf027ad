/* test_workload_routes.c: per-operation client routing (`workload.target:
 * { read: NODES, write: NODES }`, sim/workload.c): reads go only to the
 * read set and are spread over it, writes and cas only to the write set;
 * `random` or a missing key means any node; the form survives
 * dslab_scenario_save; bad sets are refused with a clear message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

struct seen {
    int reads_at[5], writes_at[5]; /* invocations by node */
};

static void sink(void *user, const struct dslab_trace_event *ev) {
    struct seen *c = user;
    if (ev->kind != DSLAB_TRACE_CLIENT || !ev->op || ev->op->type != DSLAB_OP_INVOKE) return;
    if (ev->op->node < 0 || ev->op->node >= 5) return;
    if (ev->op->fn == DSLAB_OP_READ) c->reads_at[ev->op->node]++;
    else c->writes_at[ev->op->node]++;
}

static const char *base =
    "name: t\nduration: 2s\nnodes: 5\nprotocol: { name: raft, heartbeat: 50ms }\n"
    "workload: { clients: 4, rate: 200/s, ops: { read: 1, write: 1, cas: 1 }, target: %s }\n";

static struct seen run(const char *target) {
    char text[512];
    snprintf(text, sizeof text, base, target);
    struct seen c;
    memset(&c, 0, sizeof c);
    struct dslab_scenario *s = h_load(text);
    struct dslab_sim *sim = h_sim(s, 3, sink, &c);
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
    return c;
}

static void test_reads_and_writes_go_to_their_sets(void **state) {
    (void)state;
    struct seen c = run("{ read: [n2, n3], write: n1 }");
    assert_true(c.reads_at[1] > 10 && c.reads_at[2] > 10); /* both readers used */
    assert_int_equal(c.reads_at[0] + c.reads_at[3] + c.reads_at[4], 0);
    assert_true(c.writes_at[0] > 20);
    assert_int_equal(c.writes_at[1] + c.writes_at[2] + c.writes_at[3] + c.writes_at[4], 0);
}

static void test_random_or_missing_means_any_node(void **state) {
    (void)state;
    struct seen c = run("{ write: [n4] }");
    for (int i = 0; i < 5; i++) assert_true(c.reads_at[i] > 0);
    for (int i = 0; i < 5; i++) {
        if (i != 3) assert_int_equal(c.writes_at[i], 0);
    }
    c = run("{ read: random, write: n5 }");
    for (int i = 0; i < 5; i++) assert_true(c.reads_at[i] > 0);
}

static void test_routes_survive_save(void **state) {
    (void)state;
    char text[512];
    snprintf(text, sizeof text, base, "{ read: [n2, n3], write: n1 }");
    struct dslab_scenario *s = h_load(text);
    struct dslab_scenario *back = h_save_reload(s);
    assert_int_equal(back->workload.target, DSLAB_TARGET_ROUTES);
    assert_int_equal(back->workload.route_read.count, 2);
    assert_int_equal(back->workload.route_read.nodes[1], 2);
    assert_int_equal(back->workload.route_write.count, 1);
    assert_int_equal(back->workload.route_write.nodes[0], 0);
    dslab_scenario_free(back);
    dslab_scenario_free(s);
}

static void test_bad_routes_are_refused(void **state) {
    (void)state;
    static const struct h_refusal cases[] = {
        {"{ read: [n2, n2] }", "node 'n2' is listed twice"},
        {"{ read: [n9] }", "n9"},
        {"{ read: [] }", "expected random, a node name or a list of 1 to 16 node names"},
        {"{ read: { a: 1 } }", "expected random, a node name or a list of 1 to 16 node names"},
        {"{ }", "target needs read or write (a node name or a list of them)"},
        {"{ reads: n1 }", "unknown key 'reads'"},
        {"[n1, n2]", "random, a node name or { read: NODES, write: NODES }"},
    };
    H_EXPECT_REFUSALS(base, cases);
}

H_MAIN(cmocka_unit_test(test_reads_and_writes_go_to_their_sets),
       cmocka_unit_test(test_random_or_missing_means_any_node),
       cmocka_unit_test(test_routes_survive_save),
       cmocka_unit_test(test_bad_routes_are_refused))
