/* test_workload_hot_key.c: the workload's `hot_key` share: about that
 * share of operations go to key 0 and the rest spread over all keys; it
 * survives a save and reload; out-of-range shares and a hot key with one
 * key are load errors; off, the runs draw exactly as before (the same
 * trace as a scenario that never names it). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "dslab/scenario.h"
#include "dslab/sim.h"

static const char *const YAML =
    "name: t\nduration: 10s\nnodes: 3\nprotocol: { name: sharded-kv }\n"
    "workload: { clients: 4, rate: 400/s, keys: 50%s }\n";

static void key_counts(const char *extra, int64_t *zero, int64_t *total, int64_t *others_max) {
    char yaml[512];
    snprintf(yaml, sizeof yaml, YAML, extra);
    struct h_run *r = h_run(yaml, NULL, NULL, NULL);
    const struct dslab_history *h = dslab_sim_history(r->sim);
    int64_t per_key[50] = {0};
    *zero = *total = *others_max = 0;
    for (size_t i = 0; i < h->count; i++) {
        if (h->ops[i].type != DSLAB_OP_INVOKE) continue;
        assert_true(h->ops[i].key >= 0 && h->ops[i].key < 50);
        per_key[h->ops[i].key]++;
        (*total)++;
    }
    *zero = per_key[0];
    for (int k = 1; k < 50; k++) {
        if (per_key[k] > *others_max) *others_max = per_key[k];
    }
    h_run_free(r);
}

static void test_share_goes_to_key_zero(void **st) {
    (void)st;
    int64_t zero, total, others;
    key_counts(", hot_key: 0.4", &zero, &total, &others);
    assert_true(total > 1000);
    /* 0.4 + 0.6/50 = 41.2% expected; over 3 standard deviations either way */
    assert_true(zero * 1000 > total * 370 && zero * 1000 < total * 455);
    assert_true(others * 20 < total); /* no other key near it */
    key_counts("", &zero, &total, &others);
    assert_true(zero * 10 < total); /* off: key 0 is one of 50 */
}

static void test_off_is_the_same_run_as_before(void **st) {
    (void)st;
    char a[512], b[512];
    snprintf(a, sizeof a, YAML, "");
    snprintf(b, sizeof b, YAML, ", hot_key: 0");
    struct dslab_scenario *sa = h_load(a), *sb = h_load(b);
    assert_true(h_trace_hash(sa, 3) == h_trace_hash(sb, 3));
    dslab_scenario_free(sa);
    dslab_scenario_free(sb);
}

static void test_save_and_reload_keep_it(void **st) {
    (void)st;
    char yaml[512];
    snprintf(yaml, sizeof yaml, YAML, ", hot_key: 12.5%");
    struct dslab_scenario *s = h_load(yaml);
    assert_int_equal(s->workload.hot_key_ppm, 125000);
    struct dslab_scenario *again = h_save_reload(s);
    assert_int_equal(again->workload.hot_key_ppm, 125000);
    dslab_scenario_free(s);
    dslab_scenario_free(again);
}

static void test_bad_shares_are_refused(void **st) {
    (void)st;
    const char *base = "name: t\nduration: 1s\nnodes: 3\nprotocol: { name: sharded-kv }\n"
                       "workload: { rate: 1/s, %s }\n";
    struct h_refusal cases[] = {
        {"keys: 10, hot_key: 1.5", "is more than 1"},
        {"keys: 10, hot_key: -0.1", "is negative"},
        {"keys: 10, hot_key: 1e-3", "exponents are not supported"},
        {"keys: 10, hot_key: 0.0000001", "finer than one in a million"},
        {"keys: 10, hot_key: lots", "expected a probability"},
        {"keys: 1, hot_key: 0.5", "hot_key needs keys of 2 or more"},
        {"hot_key: 0.5", "hot_key needs keys of 2 or more"},
        {"keys: 10, hotkey: 0.5", "did you mean 'hot_key'"},
    };
    H_EXPECT_REFUSALS(base, cases);
}

H_MAIN(cmocka_unit_test(test_share_goes_to_key_zero), cmocka_unit_test(test_off_is_the_same_run_as_before),
       cmocka_unit_test(test_save_and_reload_keep_it), cmocka_unit_test(test_bad_shares_are_refused))
