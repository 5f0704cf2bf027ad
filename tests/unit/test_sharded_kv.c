/* test_sharded_kv.c: sharded-kv's placement (mod-n and consistent hashing,
 * directly on rings), its key table, and its behaviour through small real
 * scenarios: a rebalance moves exactly the keys whose owner changed and
 * every key ends on its new owner, the handoff rules (stale reads wrong,
 * forward and refuse right), replicas, determinism, and bad parameters. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "dslab/scenario.h"
#include "dslab/sim.h"
#include "protocols/sharded_kv_internal.h"

static struct skv_ring *ring_new(int32_t scheme, uint32_t mask, int32_t nodes, int32_t vnodes) {
    struct skv_ring *r = malloc(sizeof *r);
    assert_non_null(r);
    skv_ring_build(r, scheme, mask, nodes, vnodes);
    return r;
}

/* --- placement ----------------------------------------------------------------- */

static void test_mod_n_deals_keys_by_member_order(void **st) {
    (void)st;
    struct skv_ring *four = ring_new(SKV_MOD_N, 0x0f, 5, 1);
    struct skv_ring *five = ring_new(SKV_MOD_N, 0x1f, 5, 1);
    struct skv_ring *gap = ring_new(SKV_MOD_N, 0x1d, 5, 1); /* n2 (index 1) left */
    assert_int_equal(skv_ring_owner(four, 7), 3);
    assert_int_equal(skv_ring_owner(five, 7), 2);
    assert_int_equal(skv_ring_owner(gap, 1), 2); /* members 0,2,3,4: the second */
    assert_int_equal(skv_ring_owner(four, -1), 3); /* negative keys wrap too */
    int moved = 0;
    for (int64_t k = 0; k < 1000; k++) moved += skv_ring_owner(four, k) != skv_ring_owner(five, k);
    assert_int_equal(moved, 800); /* a key stays only when k mod 4 == k mod 5: 4 in 20 */
    struct skv_ring *none = ring_new(SKV_MOD_N, 0, 5, 1);
    assert_int_equal(skv_ring_owner(none, 3), -1);
    free(four), free(five), free(gap), free(none);
}

static void test_consistent_hash_moves_only_to_the_joiner(void **st) {
    (void)st;
    struct skv_ring *before = ring_new(SKV_CONSISTENT_HASH, 0x0f, 5, 64);
    struct skv_ring *after = ring_new(SKV_CONSISTENT_HASH, 0x1f, 5, 64);
    int moved = 0, per_node[5] = {0};
    for (int64_t k = 0; k < 10000; k++) {
        int32_t a = skv_ring_owner(before, k), b = skv_ring_owner(after, k);
        assert_true(a >= 0 && a < 4);
        if (a != b) {
            assert_int_equal(b, 4); /* monotone: a key moves only to the new node */
            moved++;
        }
        per_node[b]++;
    }
    assert_true(moved > 1500 && moved < 2600); /* ~1/5, within the vnode spread */
    for (int i = 0; i < 5; i++) assert_true(per_node[i] > 1400 && per_node[i] < 2600);
    free(before), free(after);
}

static void test_consistent_hash_leave_moves_only_the_leavers_keys(void **st) {
    (void)st;
    struct skv_ring *before = ring_new(SKV_CONSISTENT_HASH, 0x1f, 5, 16);
    struct skv_ring *after = ring_new(SKV_CONSISTENT_HASH, 0x1d, 5, 16); /* index 1 leaves */
    for (int64_t k = 0; k < 5000; k++) {
        int32_t a = skv_ring_owner(before, k), b = skv_ring_owner(after, k);
        assert_int_not_equal(b, 1);
        if (a != 1) assert_int_equal(a, b);
    }
    free(before), free(after);
}

static void test_rings_are_deterministic_and_sorted(void **st) {
    (void)st;
    struct skv_ring *a = ring_new(SKV_CONSISTENT_HASH, 0x7, 3, 256);
    struct skv_ring *b = ring_new(SKV_CONSISTENT_HASH, 0x7, 3, 256);
    assert_int_equal(a->points_count, 3 * 256);
    assert_memory_equal(a, b, sizeof *a);
    for (int32_t i = 1; i < a->points_count; i++) assert_true(a->points[i - 1].hash <= a->points[i].hash);
    free(a), free(b);
}

static void test_replicas_are_distinct_nodes(void **st) {
    (void)st;
    int32_t schemes[] = {SKV_MOD_N, SKV_CONSISTENT_HASH};
    for (int si = 0; si < 2; si++) {
        struct skv_ring *r = ring_new(schemes[si], 0x1f, 5, 8);
        for (int64_t k = 0; k < 200; k++) {
            uint32_t seen = 0;
            assert_int_equal(skv_ring_replica(r, k, 0), skv_ring_owner(r, k));
            for (int32_t j = 0; j < 5; j++) {
                int32_t n = skv_ring_replica(r, k, j);
                assert_true(n >= 0 && n < 5);
                assert_false(seen >> n & 1u);
                seen |= 1u << n;
            }
            assert_int_equal(skv_ring_replica(r, k, 5), -1);
            assert_int_equal(skv_ring_replica(r, k, -1), -1);
        }
        free(r);
    }
}

/* --- the key table ---------------------------------------------------------------- */

static void test_table_keeps_keys_sorted_and_versions_grow(void **st) {
    (void)st;
    struct skv_entry t[4];
    int32_t n = 0;
    assert_int_equal(skv_table_put(t, &n, 4, 5, 50), 1);
    assert_int_equal(skv_table_put(t, &n, 4, -2, 20), 1);
    assert_int_equal(skv_table_put(t, &n, 4, 9, 90), 1);
    assert_int_equal(skv_table_put(t, &n, 4, 5, 51), 2);
    assert_int_equal(n, 3);
    assert_int_equal(t[0].key, -2);
    assert_int_equal(t[1].key, 5);
    assert_int_equal(t[1].value, 51);
    assert_int_equal(skv_table_apply(t, &n, 4, 5, 49, 1), 0); /* older: ignored */
    assert_int_equal(t[1].value, 51);
    assert_int_equal(skv_table_apply(t, &n, 4, 5, 52, 3), 1);
    assert_int_equal(skv_table_put(t, &n, 4, 0, 1), 1);
    assert_int_equal(skv_table_put(t, &n, 4, 7, 1), -1); /* full */
    skv_table_remove(t, &n, 5);
    skv_table_remove(t, &n, 6); /* absent: nothing */
    assert_int_equal(n, 3);
    assert_int_equal(skv_table_find(t, n, 5), -1);
    assert_int_equal(skv_table_find(t, n, 9), 2);
}

/* --- runs ------------------------------------------------------------------------------ */

/* Writes 0..39 once each before 1s (stop), then n5 joins at 2s. */
static const char *const JOIN_YAML =
    "name: t\nduration: 6s\nnodes: 5\nnetwork: { latency: constant(1ms) }\n"
    "protocol: { name: sharded-kv, partitioning: %s, vnodes: 16, change: join, change_at: 2s, "
    "move_rate: 100 }\n"
    "workload: { clients: 1, rate: 1000/s, keys: 40, ops: { write: 1 }, stop: 1s }\n";

static void check_join_moves_exactly(const char *scheme, int32_t scheme_id) {
    char yaml[1024];
    snprintf(yaml, sizeof yaml, JOIN_YAML, scheme);
    struct h_run *r = h_run(yaml, "moved final", NULL, NULL);
    struct skv_ring *before = ring_new(scheme_id, 0x0f, 5, 16);
    struct skv_ring *after = ring_new(scheme_id, 0x1f, 5, 16);
    int64_t want = 0, held = 0;
    for (int64_t k = 0; k < 40; k++) want += skv_ring_owner(before, k) != skv_ring_owner(after, k);
    int64_t moved = 0;
    int from = 0;
    const struct h_note *n;
    while ((n = h_find(&r->rec, &(struct h_match){.tag = "moved"}, &from))) moved += n->a;
    assert_int_equal(moved, want);
    from = 0;
    while ((n = h_find(&r->rec, &(struct h_match){.tag = "final"}, &from))) {
        assert_int_equal(n->node, skv_ring_owner(after, n->b)); /* every key on its new owner */
        held++;
    }
    assert_int_equal(held, 40); /* all 40 written keys, exactly once */
    free(before), free(after);
    h_run_free(r);
}

static void test_join_moves_exactly_the_keys_whose_owner_changed(void **st) {
    (void)st;
    check_join_moves_exactly("mod-n", SKV_MOD_N);
    check_join_moves_exactly("consistent-hash", SKV_CONSISTENT_HASH);
}

static const char *const HANDOFF_YAML =
    "name: t\nduration: 5s\nnodes: 5\nnetwork: { latency: uniform(1ms, 3ms) }\n"
    "protocol: { name: sharded-kv, vnodes: 16, change: join, change_at: 2s, move_rate: 10, handoff: %s }\n"
    "workload: { clients: 6, rate: 600/s, keys: 60 }\n"
    "checks: [linearizable, stale-reads]\n";

static enum dslab_check_verdict handoff_run(const char *mode, int *stale_notes, int64_t *failed) {
    char yaml[1024];
    snprintf(yaml, sizeof yaml, HANDOFF_YAML, mode);
    struct h_run *r = h_run(yaml, "stale", NULL, NULL);
    *stale_notes = h_count(&r->rec, &(struct h_match){.tag = "stale"});
    const struct dslab_history *h = dslab_sim_history(r->sim);
    *failed = 0;
    for (size_t i = 0; i < h->count; i++) *failed += h->ops[i].type == DSLAB_OP_FAIL;
    enum dslab_check_verdict v = h_check_named(r->sim, "linearizable")->verdict;
    h_run_free(r);
    return v;
}

static void test_handoff_rules(void **st) {
    (void)st;
    int stale = 0;
    int64_t failed = 0;
    assert_int_equal(handoff_run("stale", &stale, &failed), DSLAB_CHECK_FAIL);
    assert_true(stale > 0);
    assert_int_equal(handoff_run("forward", &stale, &failed), DSLAB_CHECK_PASS);
    assert_int_equal(stale, 0);
    assert_int_equal(failed, 0);
    assert_int_equal(handoff_run("refuse", &stale, &failed), DSLAB_CHECK_PASS);
    assert_true(failed > 0); /* safe, by refusing during the move */
}

static void test_replicas_spread_a_hot_keys_reads(void **st) {
    (void)st;
    const char *y =
        "name: t\nduration: 3s\nnodes: 4\nnetwork: { latency: uniform(1ms, 3ms) }\n"
        "protocol: { name: sharded-kv, replicas: %d }\n"
        "workload: { clients: 4, rate: 800/s, keys: 200, hot_key: 0.5, ops: { read: 0.9, write: 0.1 } }\n"
        "checks: [stale-reads, \"load-balance: max/mean below 1.3\"]\n";
    char yaml[1024];
    snprintf(yaml, sizeof yaml, y, 1);
    struct h_run *r = h_run(yaml, NULL, NULL, NULL);
    assert_int_equal(h_check_named(r->sim, "load-balance")->verdict, DSLAB_CHECK_FAIL);
    h_run_free(r);
    snprintf(yaml, sizeof yaml, y, 4);
    r = h_run(yaml, NULL, NULL, NULL);
    assert_int_equal(h_check_named(r->sim, "load-balance")->verdict, DSLAB_CHECK_PASS);
    assert_int_equal(h_check_named(r->sim, "stale-reads")->verdict, DSLAB_CHECK_PASS);
    h_run_free(r);
}

/* A copy that never acknowledges (its node crashed): the owner gives the
 * write up after `timeout` and says so, the client records it as
 * indeterminate, and nothing else breaks. */
static void test_a_write_whose_copy_never_answers_is_given_up(void **st) {
    (void)st;
    const char *y =
        "name: t\nduration: 3s\nnodes: 3\nnetwork: { latency: constant(1ms) }\n"
        "protocol: { name: sharded-kv, replicas: 3, timeout: 100ms }\n"
        "workload: { clients: 2, rate: 100/s, keys: 4, ops: { write: 1 }, timeout: 500ms }\n"
        "faults:\n  - { at: 1s, crash: n2 }\n";
    struct h_run *r = h_run(y, "gave-up", NULL, NULL);
    assert_true(h_count(&r->rec, &(struct h_match){.tag = "gave-up", .text_has = "no answer from its copies"}) > 0);
    const struct dslab_history *h = dslab_sim_history(r->sim);
    int64_t info = 0;
    for (size_t i = 0; i < h->count; i++) info += h->ops[i].type == DSLAB_OP_INFO;
    assert_true(info > 0);
    h_run_free(r);
}

static void test_runs_are_deterministic(void **st) {
    (void)st;
    char yaml[1024];
    snprintf(yaml, sizeof yaml, HANDOFF_YAML, "forward");
    h_expect_seed_decides(yaml, 7);
}

static void test_bad_parameters_are_errors(void **st) {
    (void)st;
    const char *base = "name: t\nduration: 10s\nnodes: 3\nprotocol: { name: sharded-kv, %s }\n";
    struct h_refusal cases[] = {
        {"partitioning: modulo", "partitioning"},
        {"vnodes: 0", "vnodes"},
        {"vnodes: 257", "vnodes"},
        {"change: join, change_node: n9", "change_node must be one of the scenario's nodes"},
        {"change: join, change_at: 10s", "change_at must be before the end of the run"},
        {"change_at: 1s", "change_node and change_at need change: join or change: leave"},
        {"move_rate: 0", "move_rate"},
        {"move_rate: 1000001", "move_rate"},
        {"key_bytes: 0", "key_bytes"},
        {"key_bytes: 1073741825", "key_bytes"},
        {"handoff: wait", "handoff"},
        {"timeout: 0", "timeout must be > 0"},
        {"replicas: 4", "replicas"},
        {"replicas: 2, change: leave", "replicas above 1 needs change: none"},
        {"vnode: 3", "did you mean 'vnodes'"},
    };
    H_EXPECT_REFUSALS(base, cases);
    h_expect_error("name: t\nduration: 1s\nnodes: 33\nprotocol: { name: sharded-kv }\n", "at most 32 nodes");
    h_expect_error("name: t\nduration: 10s\nnodes: 1\nprotocol: { name: sharded-kv, change: join }\n",
                   "change: join needs 2 or more nodes");
    h_expect_error("name: t\nduration: 1s\nnodes: 3\nprotocol: { name: sharded-kv }\n"
                   "workload: { rate: 1/s, keys: 1025 }\n",
                   "at most 1024 keys per node");
}

H_MAIN(cmocka_unit_test(test_mod_n_deals_keys_by_member_order),
       cmocka_unit_test(test_consistent_hash_moves_only_to_the_joiner),
       cmocka_unit_test(test_consistent_hash_leave_moves_only_the_leavers_keys),
       cmocka_unit_test(test_rings_are_deterministic_and_sorted),
       cmocka_unit_test(test_replicas_are_distinct_nodes),
       cmocka_unit_test(test_table_keeps_keys_sorted_and_versions_grow),
       cmocka_unit_test(test_join_moves_exactly_the_keys_whose_owner_changed),
       cmocka_unit_test(test_handoff_rules),
       cmocka_unit_test(test_replicas_spread_a_hot_keys_reads),
       cmocka_unit_test(test_a_write_whose_copy_never_answers_is_given_up),
       cmocka_unit_test(test_runs_are_deterministic),
       cmocka_unit_test(test_bad_parameters_are_errors))
