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

static void test_groups_partition_cuts_between_groups_only(void **state) {
    (void)state;
    struct dslab_scenario *s;
    struct dslab_sim *sim = cluster_after("{ at: 500ms, partition: [[n1], [n2, n3]] }", 5, &s);
    assert_false(dslab_sim_link_up(sim, 0, 1));
    assert_false(dslab_sim_link_up(sim, 1, 0));
    assert_true(dslab_sim_link_up(sim, 1, 2));
    /* unlisted n4, n5 form one more group */
    assert_true(dslab_sim_link_up(sim, 3, 4));
    assert_false(dslab_sim_link_up(sim, 3, 1));
    done(sim, s);
}

static void test_majority_minority_splits_3_2_and_keeps_majority(void **state) {
    (void)state;
    struct dslab_scenario *s;
    struct dslab_sim *sim = cluster_after("{ at: 500ms, partition: majority-minority }", 5, &s);
    int with2 = 0, with1 = 0;
    for (int32_t i = 0; i < 5; i++) {
        int up = links_up(sim, 5, i);
        if (up == 2) with2++;
        if (up == 1) with1++;
    }
    assert_int_equal(with2, 3);
    assert_int_equal(with1, 2);
    assert_false(dslab_sim_assumption(sim, 3)->violated);
    done(sim, s);
}

static void test_isolate_one_leaves_the_node_alone(void **state) {
    (void)state;
    struct dslab_scenario *s;
    struct dslab_sim *sim = cluster_after("{ at: 500ms, partition: isolate-one, node: n3 }", 5, &s);
    assert_int_equal(links_up(sim, 5, 2), 0);
    assert_int_equal(links_up(sim, 5, 0), 3);
    done(sim, s);
}

static void test_bridge_node_sees_both_halves(void **state) {
    (void)state;
    struct dslab_scenario *s;
    struct dslab_sim *sim = cluster_after("{ at: 500ms, partition: bridge, node: n3 }", 5, &s);
    assert_int_equal(links_up(sim, 5, 2), 4);
    for (int32_t i = 0; i < 5; i++) {
        if (i != 2) assert_int_equal(links_up(sim, 5, i), 2); /* its half-mate + bridge */
    }
    done(sim, s);
}

static void test_majorities_ring_gives_every_node_a_different_majority(void **state) {
    (void)state;
    struct dslab_scenario *s;
    struct dslab_sim *sim = cluster_after("{ at: 500ms, partition: majorities-ring }", 5, &s);
    for (int32_t i = 0; i < 5; i++) {
        assert_int_equal(links_up(sim, 5, i), 2); /* itself + 2 = 3 of 5 */
        assert_true(dslab_sim_link_up(sim, i, (i + 1) % 5));
        assert_false(dslab_sim_link_up(sim, i, (i + 2) % 5));
    }
    /* every node sees a majority, so the assumption holds */
    assert_false(dslab_sim_assumption(sim, 3)->violated);
    done(sim, s);
}

static void test_one_way_cut_blocks_one_direction(void **state) {
    (void)state;
    struct dslab_scenario *s;
    struct dslab_sim *sim = cluster_after("{ at: 500ms, cut: { from: n1, to: n2 } }", 3, &s);
    assert_false(dslab_sim_link_up(sim, 0, 1));
    assert_true(dslab_sim_link_up(sim, 1, 0));
    done(sim, s);
}

static void test_isolating_everyone_breaks_majority_connected(void **state) {
    (void)state;
    struct dslab_scenario *s;
    struct dslab_sim *sim = cluster_after("{ at: 500ms, partition: [[n1], [n2], [n3]] }", 3, &s);
    const struct dslab_assumption_state *a = dslab_sim_assumption(sim, 3);
    assert_true(a->violated);
    assert_int_equal(a->violated_at_ns, 500 * DSLAB_NS_PER_MS);
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

H_MAIN(cmocka_unit_test(test_groups_partition_cuts_between_groups_only),
       cmocka_unit_test(test_majority_minority_splits_3_2_and_keeps_majority),
       cmocka_unit_test(test_isolate_one_leaves_the_node_alone),
       cmocka_unit_test(test_bridge_node_sees_both_halves),
       cmocka_unit_test(test_majorities_ring_gives_every_node_a_different_majority),
       cmocka_unit_test(test_one_way_cut_blocks_one_direction),
       cmocka_unit_test(test_isolating_everyone_breaks_majority_connected),
       cmocka_unit_test(test_fifo_links_never_reorder_and_unordered_ones_do),
       cmocka_unit_test(test_duplication_delivers_extra_copies),
       cmocka_unit_test(test_link_override_and_slow_node_raise_latency))
