/* test_final_state_oracle.c: convergence and broadcast (sim/checkers/),
 * which sort the final values once instead of looking every key up at
 * every node, against the plain nodes x keys reading of their contract
 * (written out here) on random runs: 2 to 8 nodes, some crashed, some
 * restarted, some silent; keys and values from small ranges so nodes agree
 * and disagree; repeated values for one key at one node; nil values; on
 * half the convergence runs, some keys with declared replicas
 * (dslab_ctx_report_final_replicas, sometimes declared twice: the union
 * counts), compared only across the live nodes among them. The
 * verdict, the violations (which keys or messages, in which order, naming
 * which nodes) and the summary must be the same. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dslab/rng.h"
#include "harness.h"

static uint64_t rng_state = 1;
static uint64_t next_rand(void) { return dslab_rng_splitmix64(&rng_state); }

enum { NODES_MAX = H_CK_NODES_MAX, VALUES_MAX = 64 };

/* One random run's end: which nodes are up and reported, and what each holds. */
struct world {
    int nodes;
    bool crashed[NODES_MAX], reported[NODES_MAX];
    int values_count[NODES_MAX];
    int64_t keys[NODES_MAX][VALUES_MAX], values[NODES_MAX][VALUES_MAX];
    bool declared[8];  /* key 0..7: replicas declared */
    uint64_t mask[8];  /* the union of the declared masks, bit n = node n */
};

/* Feeds `w`, drawn at random, to the checker begun in k: faults before the
 * quiet point (a heal at 1 s), final reports at 2 s. */
static void draw(struct h_ck *k, struct world *w, int64_t key_range, bool declare) {
    memset(w, 0, sizeof *w);
    w->nodes = k->sc.nodes_count;
    for (int n = 0; n < w->nodes; n++) {
        uint64_t r = next_rand();
        if (r % 5 == 0) {
            h_ck_emit(k, 100, DSLAB_TRACE_CRASH, n, -1, 0, NULL, NULL);
            w->crashed[n] = (r >> 8) % 2 == 0;
            if (!w->crashed[n]) h_ck_emit(k, 200, DSLAB_TRACE_RESTART, n, -1, 0, NULL, NULL);
        }
    }
    h_ck_emit(k, 1000, DSLAB_TRACE_HEAL, -1, 0, 0, NULL, NULL);
    for (int n = 0; n < w->nodes; n++) {
        if (w->crashed[n] || next_rand() % 7 == 0) continue; /* a crashed node reports nothing; some are silent */
        w->reported[n] = true;
        h_ck_final_state(k, 2000, n, "backup");
        int count = (int)(next_rand() % (uint64_t)(key_range + 3));
        for (int i = 0; i < count && i < VALUES_MAX; i++) {
            uint64_t r = next_rand();
            int64_t key = (int64_t)(r % (uint64_t)key_range);
            int64_t value = r % 11 == 0 ? DSLAB_HISTORY_NIL : (int64_t)((r >> 16) % 3);
            w->keys[n][w->values_count[n]] = key;
            w->values[n][w->values_count[n]++] = value;
            h_ck_final_value(k, 2000, n, key, value);
        }
    }
    for (int64_t key = 0; declare && key < 8; key++) {
        for (int twice = 0; twice < 2 && next_rand() % 3 == 0; twice++) {
            uint64_t mask = next_rand() & ((UINT64_C(1) << w->nodes) - 1);
            w->declared[key] = true;
            w->mask[key] |= mask;
            h_ck_report(k, 2000, (int)(next_rand() % (uint64_t)w->nodes), DSLAB_ANNOTATION_FINAL_REPLICAS,
                        DSLAB_ROLE_NONE, "final-replicas", "replicas", (int64_t)mask, key);
        }
    }
}

static bool live(const struct world *w, int n) { return w->reported[n] && !w->crashed[n]; }

/* Whether node n should hold key: every node, unless the key's replicas were declared. */
static bool should_hold(const struct world *w, int n, int64_t key) {
    return !w->declared[key] || (w->mask[key] >> n & 1);
}

/* Node n's first value of key (in report order), or false when it has none. */
static bool holds(const struct world *w, int n, int64_t key, int64_t *value) {
    for (int i = 0; i < w->values_count[n]; i++) {
        if (w->keys[n][i] == key) {
            *value = w->values[n][i];
            return true;
        }
    }
    return false;
}

static void test_convergence_matches_the_plain_reading(void **st) {
    (void)st;
    for (int trial = 0; trial < 3000; trial++) {
        struct h_ck k;
        h_ck_begin(&k, "convergence", "500ms", 2 + (int)(next_rand() % (NODES_MAX - 1)));
        struct world w;
        draw(&k, &w, 1 + (int64_t)(next_rand() % 6), trial % 2 == 1);
        struct dslab_check_result got = h_ck_result(&k, 3000);
        /* the contract: keys by their first live holder that should hold
         * them, then by key; a key agrees when every live node that should
         * hold it has the same value, absent = nil */
        int replicas = 0;
        for (int n = 0; n < w.nodes; n++) replicas += live(&w, n);
        int64_t bad_keys[NODES_MAX * VALUES_MAX], keys = 0, bad = 0;
        int bad_holders[NODES_MAX * VALUES_MAX];
        for (int n = 0; n < w.nodes; n++) {
            if (!live(&w, n)) continue;
            for (int64_t key = 0; key < 8; key++) {
                int64_t v;
                bool earlier = false;
                for (int e = 0; e < n; e++) earlier |= live(&w, e) && should_hold(&w, e, key) && holds(&w, e, key, &v);
                if (earlier || !should_hold(&w, n, key) || !holds(&w, n, key, &v)) continue;
                keys++;
                bool agree = true;
                int holders = 0;
                for (int m = 0; m < w.nodes; m++) {
                    int64_t other = DSLAB_HISTORY_NIL;
                    if (live(&w, m) && should_hold(&w, m, key)) holds(&w, m, key, &other), agree &= other == v, holders++;
                }
                if (!agree) bad_holders[bad] = holders, bad_keys[bad++] = key;
            }
        }
        char want[256];
        if (replicas == 0) {
            assert_int_equal(got.verdict, DSLAB_CHECK_UNKNOWN);
            continue;
        }
        if (replicas < 2) {
            assert_int_equal(got.verdict, DSLAB_CHECK_UNKNOWN);
            assert_non_null(strstr(got.summary, "only one live node"));
            continue;
        }
        assert_int_equal(got.verdict, bad ? DSLAB_CHECK_FAIL : DSLAB_CHECK_PASS);
        assert_int_equal(got.violations_total, bad);
        for (int i = 0; i < got.violations_count; i++) {
            char head[64];
            snprintf(head, sizeof head, "replicas disagree on key %" PRId64 ": ", bad_keys[i]);
            assert_memory_equal(got.violations[i].message, head, strlen(head));
            assert_int_equal(got.violations[i].nodes_count, bad_holders[i]);
            assert_int_equal(got.violations[i].evidence_count, bad_holders[i] + 1);
        }
        if (bad) {
            snprintf(want, sizeof want, "%d live nodes reported; %" PRId64 " keys compared across their replicas, %" PRId64 " disagree",
                     replicas, keys, bad);
        } else {
            snprintf(want, sizeof want, "%d live nodes reported; %" PRId64 " keys compared across their replicas, all agree",
                     replicas, keys);
        }
        assert_memory_equal(got.summary, want, strlen(want));
    }
}

static void test_broadcast_matches_the_plain_reading(void **st) {
    (void)st;
    for (int trial = 0; trial < 3000; trial++) {
        struct h_ck k;
        int nodes = 2 + (int)(next_rand() % (NODES_MAX - 1));
        h_ck_begin(&k, "broadcast", "500ms", nodes);
        /* acknowledged (and other) broadcasts of messages 0..5, before the quiet point */
        int ops = (int)(next_rand() % 12);
        int64_t acked_values[16];
        int32_t acked_by[16];
        int acked = 0;
        for (int i = 0; i < ops; i++) {
            uint64_t r = next_rand();
            int32_t client = (int32_t)(r % (uint64_t)nodes);
            enum dslab_op_type type = r % 4 == 0 ? DSLAB_OP_INFO : DSLAB_OP_OK;
            int64_t value = (int64_t)((r >> 8) % 6);
            h_ck_op(&k, client, DSLAB_OP_WRITE, value, value, 10 * i, 10 * i + 5, type);
            if (type == DSLAB_OP_OK) acked_values[acked] = value, acked_by[acked++] = client;
        }
        struct world w;
        draw(&k, &w, 6, false);
        struct dslab_check_result got = h_ck_result(&k, 3000);
        /* the contract: first every up node that reported nothing; then per
         * acknowledged message in history order, every live node lacking it */
        char want[NODES_MAX * 16 + 16][160];
        int64_t missing = 0, total = 0;
        for (int n = 0; n < nodes; n++) {
            if (w.crashed[n] || w.reported[n]) continue;
            snprintf(want[total++], sizeof want[0], "n%d is up but reported no final state", n + 1);
        }
        for (int i = 0; i < acked; i++) {
            for (int n = 0; n < nodes; n++) {
                int64_t v;
                if (!live(&w, n) || holds(&w, n, acked_values[i], &v)) continue;
                missing++;
                snprintf(want[total++], sizeof want[0], "message %" PRId64 " (acknowledged by n%d) never reached n%d",
                         acked_values[i], (int)acked_by[i] + 1, n + 1);
            }
        }
        assert_int_equal(got.violations_total, total);
        for (int i = 0; i < got.violations_count; i++) assert_string_equal(got.violations[i].message, want[i]);
        if (acked == 0 && total == 0) {
            assert_int_equal(got.verdict, DSLAB_CHECK_UNKNOWN);
            continue;
        }
        assert_int_equal(got.verdict, total ? DSLAB_CHECK_FAIL : DSLAB_CHECK_PASS);
        char summary[128];
        snprintf(summary, sizeof summary, "%d acknowledged messages, %" PRId64 " missing deliveries", acked, missing);
        assert_string_equal(got.summary, summary);
    }
}

H_MAIN(cmocka_unit_test(test_convergence_matches_the_plain_reading),
       cmocka_unit_test(test_broadcast_matches_the_plain_reading))
