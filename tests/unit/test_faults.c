/* test_faults.c: what each fault does to the cluster: partition shapes
 * (groups, majority-minority, isolate-one, bridge, majorities-ring), one-way
 * cuts, heals, link overrides, slow nodes, FIFO order and duplication, and
 * the majority_connected assumption, checked through the public sim API. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "dslab/scenario.h"
#include "dslab/sim.h"
#include "dslab/time.h"

/* Runs a quiet 5-node cluster to `at_ns` with one fault from YAML. */
static struct dslab_sim *cluster_after(const char *fault_yaml, int nodes, struct dslab_scenario **out) {
    char text[1024];
    snprintf(text, sizeof text,
             "name: t\nduration: 2s\nnodes: %d\nprotocol: { name: gossip-pingpong, initial: 0 }\n"
             "assumptions: { majority_connected: true }\nfaults:\n  - %s\n", nodes, fault_yaml);
    *out = h_load(text);
    struct dslab_diag d;
    struct dslab_sim *sim = dslab_sim_create(*out, 3, &d);
    assert_non_null(sim);
    dslab_sim_run(sim, DSLAB_NS_PER_S, 0);
    return sim;
}

static int links_up(const struct dslab_sim *sim, int n, int32_t node) {
    int up = 0;
    for (int32_t j = 0; j < n; j++) up += j != node && dslab_sim_link_up(sim, node, j) && dslab_sim_link_up(sim, j, node);
    return up;
}

static void done(struct dslab_sim *sim, struct dslab_scenario *s) {
    dslab_sim_finish(sim);
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
}

/* One fault on a quiet cluster, and the links it leaves (checked after 1s). */
struct link_want {
    bool on;
    int32_t from, to;
    bool up;
};
#define UP(from, to) {true, (from), (to), true}
#define DOWN(from, to) {true, (from), (to), false}

enum majority_want { MAJORITY_ANY, MAJORITY_HOLDS, MAJORITY_BROKEN_AT_500MS };

struct shape_row {
    const char *name;
    const char *fault;
    int nodes;
    struct link_want links[12]; /* up to the first not on */
    bool by_node;               /* links_up(node) == up_links[node] for every node */
    int up_links[5];
    int nodes_with[5];          /* with nodes_with_on: how many nodes have k links up, k = 0..4 */
    bool nodes_with_on;
    enum majority_want majority;
};

static const struct shape_row shapes[] = {
    {"a groups partition cuts between groups only", "{ at: 500ms, partition: [[n1], [n2, n3]] }", 5,
     {DOWN(0, 1), DOWN(1, 0), UP(1, 2), UP(3, 4) /* unlisted n4, n5 form one more group */, DOWN(3, 1)},
     .majority = MAJORITY_ANY},
    {"majority-minority splits 3-2 and keeps the majority", "{ at: 500ms, partition: majority-minority }", 5, {{0}},
     .nodes_with_on = true, .nodes_with = {0, 2, 3, 0, 0}, .majority = MAJORITY_HOLDS},
    {"isolate-one leaves the node alone", "{ at: 500ms, partition: isolate-one, node: n3 }", 5, {{0}},
     .by_node = true, .up_links = {3, 3, 0, 3, 3}},
    {"a bridge node sees both halves", "{ at: 500ms, partition: bridge, node: n3 }", 5, {{0}}, .by_node = true,
     .up_links = {2, 2, 4, 2, 2}}, /* its half-mate + bridge */
    /* itself + 2 = 3 of 5; every node sees a majority, so the assumption holds */
    {"majorities-ring gives every node a different majority", "{ at: 500ms, partition: majorities-ring }", 5,
     {UP(0, 1), UP(1, 2), UP(2, 3), UP(3, 4), UP(4, 0), DOWN(0, 2), DOWN(1, 3), DOWN(2, 4), DOWN(3, 0), DOWN(4, 1)},
     .by_node = true, .up_links = {2, 2, 2, 2, 2}, .majority = MAJORITY_HOLDS},
    {"a one-way cut blocks one direction", "{ at: 500ms, cut: { from: n1, to: n2 } }", 3, {DOWN(0, 1), UP(1, 0)},
     .majority = MAJORITY_ANY},
    {"isolating everyone breaks majority_connected", "{ at: 500ms, partition: [[n1], [n2], [n3]] }", 3, {{0}},
     .majority = MAJORITY_BROKEN_AT_500MS},
};

static void test_shape(void **state) {
    const struct shape_row *w = *state;
    struct dslab_scenario *s;
    struct dslab_sim *sim = cluster_after(w->fault, w->nodes, &s);
    for (int i = 0; i < 12 && w->links[i].on; i++) {
        const struct link_want *l = &w->links[i];
        if (dslab_sim_link_up(sim, l->from, l->to) != l->up) {
            fail_msg("link %d->%d is %s", (int)l->from, (int)l->to, l->up ? "down" : "up");
        }
    }
    int with[6] = {0};
    for (int32_t n = 0; n < w->nodes; n++) {
        int up = links_up(sim, w->nodes, n);
        with[up]++;
        if (w->by_node && up != w->up_links[n]) fail_msg("n%d has %d links up, want %d", (int)n + 1, up, w->up_links[n]);
    }
    for (int k = 0; w->nodes_with_on && k < 5; k++) assert_int_equal(with[k], w->nodes_with[k]);
    const struct dslab_assumption_state *a = dslab_sim_assumption(sim, 3);
    if (w->majority == MAJORITY_HOLDS) assert_false(a->violated);
    if (w->majority == MAJORITY_BROKEN_AT_500MS) {
        assert_true(a->violated);
        assert_int_equal(a->violated_at_ns, 500 * DSLAB_NS_PER_MS);
    }
    done(sim, s);
}

/* Message-level behaviour, through a trace sink. */
struct deliveries {
    int64_t sent_at[4096];
    int64_t latency_max_ns;
    int delivered, duplicates;
    uint64_t last_msg_per_link[4][4];
    int reordered;
};

static void deliveries_sink(void *user, const struct dslab_trace_event *ev) {
    struct deliveries *d = user;
    if (ev->kind == DSLAB_TRACE_SEND && ev->msg_id < 4096) d->sent_at[ev->msg_id] = ev->t_ns;
    if (ev->kind == DSLAB_TRACE_DUPLICATE) d->duplicates++;
    if (ev->kind == DSLAB_TRACE_DELIVER && ev->msg_id < 4096) {
        d->delivered++;
        int64_t lat = ev->t_ns - d->sent_at[ev->msg_id];
        if (lat > d->latency_max_ns) d->latency_max_ns = lat;
        if (ev->node < 4 && ev->peer < 4) {
            if (ev->msg_id < d->last_msg_per_link[ev->peer][ev->node]) d->reordered++;
            d->last_msg_per_link[ev->peer][ev->node] = ev->msg_id;
        }
    }
}

static struct deliveries *run_messages(const char *extra) {
    static struct deliveries d;
    memset(&d, 0, sizeof d);
    char text[1024];
    snprintf(text, sizeof text,
             "name: t\nduration: 200ms\nnodes: 3\nprotocol: { name: gossip-pingpong, initial: 4 }\n%s",
             extra);
    struct dslab_scenario *s = h_load(text);
    dslab_sim_destroy(h_sim(s, 11, deliveries_sink, &d));
    dslab_scenario_free(s);
    return &d;
}

static void test_fifo_links_never_reorder_and_unordered_ones_do(void **state) {
    (void)state;
    assert_int_equal(run_messages("network: { latency: \"uniform(1ms, 20ms)\", order: fifo }\n")->reordered, 0);
    assert_true(run_messages("network: { latency: \"uniform(1ms, 20ms)\", order: unordered }\n")->reordered > 0);
}

static void test_duplication_delivers_extra_copies(void **state) {
    (void)state;
    struct deliveries *d = run_messages("network: { duplicate: 0.2 }\n");
    assert_true(d->duplicates > 10);
}

static void test_link_override_and_slow_node_raise_latency(void **state) {
    (void)state;
    assert_true(run_messages("network: { latency: constant(2ms) }\n")->latency_max_ns == 2 * DSLAB_NS_PER_MS);
    assert_int_equal(run_messages("network:\n  latency: constant(2ms)\n  links:\n"
                                  "    - { from: n1, to: n2, latency: constant(30ms) }\n")->latency_max_ns,
                     30 * DSLAB_NS_PER_MS);
    assert_int_equal(run_messages("network: { latency: constant(2ms) }\n"
                                  "faults: [ { at: 0s, slow: n2, factor: 10 } ]\n")->latency_max_ns,
                     20 * DSLAB_NS_PER_MS);
}

H_MAIN_ROWS_AND(shapes, test_shape, cmocka_unit_test(test_fifo_links_never_reorder_and_unordered_ones_do),
                cmocka_unit_test(test_duplication_delivers_extra_copies),
                cmocka_unit_test(test_link_override_and_slow_node_raise_latency))
