/* test_stale_reads_oracle.c: the stale-reads checker (an O(n log n) sweep)
 * against its definition evaluated the slow, obvious way, on thousands of
 * seeded random histories: several keys, overlapping and tied times,
 * failed and indeterminate writes, nil reads and reads of values nobody
 * wrote. Every read's verdict, version count and "first newer write" must
 * agree with the oracle, and so must the summary's totals. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define ORACLE_OPS_MAX 48

struct oracle_op {
    enum dslab_op_fn fn;
    int64_t key, value, t0_ms, t1_ms;
    enum dslab_op_type type;
};

static uint64_t rng_next(uint64_t *s) { /* xorshift64*: seeded, deterministic */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

static int64_t pick(uint64_t *s, int64_t n) { return (int64_t)(rng_next(s) % (uint64_t)n); }

/* A random history: writes of unique values per key; reads of a written
 * value, nil, or a value no write wrote; outcomes ok, fail and info. */
static size_t make_history(uint64_t seed, struct oracle_op *ops) {
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
    size_t n = 4 + (size_t)pick(&s, ORACLE_OPS_MAX - 4);
    int64_t keys = 1 + pick(&s, 3), span_ms = 5 + pick(&s, 60), next_value = 1;
    for (size_t i = 0; i < n; i++) {
        struct oracle_op *o = &ops[i];
        o->key = pick(&s, keys);
        o->t0_ms = pick(&s, span_ms);
        o->t1_ms = o->t0_ms + pick(&s, 12); /* zero-length ops and ties too */
        int64_t outcome = pick(&s, 10);
        o->type = outcome < 7 ? DSLAB_OP_OK : outcome < 9 ? DSLAB_OP_INFO : DSLAB_OP_FAIL;
        if (pick(&s, 2) == 0) {
            o->fn = DSLAB_OP_WRITE;
            o->value = next_value++;
            continue;
        }
        o->fn = DSLAB_OP_READ;
        int64_t what = pick(&s, 8);
        o->value = what == 0 ? DSLAB_HISTORY_NIL : what == 1 ? 1000 + pick(&s, 5) : 1 + pick(&s, n);
    }
    return n;
}

struct oracle_totals {
    int64_t reads, stale, unexplained, versions_max, stale_ns_max;
};

/* The definition (stale_reads.c's header), one read at a time against
 * every write: the newer writes completed ok before the read began and
 * were invoked after the read value's write completed. */
static void oracle(const struct oracle_op *ops, size_t n, struct oracle_totals *t, int64_t *versions,
                   int64_t *newer_value) {
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < n; i++) {
        const struct oracle_op *r = &ops[i];
        versions[i] = 0;
        newer_value[i] = 0;
        if (r->fn != DSLAB_OP_READ || r->type != DSLAB_OP_OK) continue;
        t->reads++;
        int64_t written_done_ms = INT64_MIN;
        if (r->value != DSLAB_HISTORY_NIL) {
            const struct oracle_op *wv = NULL;
            for (size_t j = 0; j < n; j++) {
                if (ops[j].fn == DSLAB_OP_WRITE && ops[j].key == r->key && ops[j].value == r->value) wv = &ops[j];
            }
            if (!wv || wv->type == DSLAB_OP_FAIL) {
                t->unexplained++;
                continue;
            }
            if (wv->type != DSLAB_OP_OK) continue; /* never acknowledged: not old */
            written_done_ms = wv->t1_ms;
        }
        const struct oracle_op *first = NULL;
        for (size_t j = 0; j < n; j++) {
            const struct oracle_op *w = &ops[j];
            if (w->fn != DSLAB_OP_WRITE || w->key != r->key || w->type != DSLAB_OP_OK) continue;
            if (w->t1_ms < r->t0_ms && w->t0_ms > written_done_ms) {
                versions[i]++;
                if (!first || w->t1_ms < first->t1_ms || (w->t1_ms == first->t1_ms && w->value < first->value)) {
                    first = w;
                }
            }
        }
        if (!first) continue;
        newer_value[i] = first->value;
        t->stale++;
        if (versions[i] > t->versions_max) t->versions_max = versions[i];
        int64_t stale_ns = (r->t0_ms - first->t1_ms) * DSLAB_NS_PER_MS;
        if (stale_ns > t->stale_ns_max) t->stale_ns_max = stale_ns;
    }
}

/* Does some violation report read `r` as stale with these measures? */
static bool reported(const struct dslab_check_result *res, const struct oracle_op *r, int64_t versions,
                     int64_t newer_value) {
    char key[64], measures[96], first[64], value[48];
    snprintf(key, sizeof key, "stale read of key %lld ", (long long)r->key);
    snprintf(measures, sizeof measures, "but %lld newer write%s", (long long)versions,
             versions == 1 ? " was" : "s were");
    snprintf(first, sizeof first, "(first %lld at ", (long long)newer_value);
    if (r->value == DSLAB_HISTORY_NIL) snprintf(value, sizeof value, "got nil (never written),");
    else snprintf(value, sizeof value, "got %lld,", (long long)r->value);
    for (int v = 0; v < res->violations_count; v++) {
        const char *m = res->violations[v].message;
        if (strstr(m, key) && strstr(m, measures) && strstr(m, first) && strstr(m, value)) return true;
    }
    return false;
}

static void test_agrees_with_the_definition_on_random_histories(void **st) {
    (void)st;
    int64_t stale_seen = 0, unexplained_seen = 0;
    for (uint64_t seed = 1; seed <= 3000; seed++) {
        struct oracle_op ops[ORACLE_OPS_MAX];
        size_t n = make_history(seed, ops);
        int64_t versions[ORACLE_OPS_MAX], newer_value[ORACLE_OPS_MAX];
        struct oracle_totals want;
        oracle(ops, n, &want, versions, newer_value);
        struct h_ck b;
        h_ck_begin(&b, "stale-reads", "0", 3);
        for (size_t i = 0; i < n; i++) {
            h_ck_op(&b, (int32_t)(i % 3), ops[i].fn, ops[i].key, ops[i].value, ops[i].t0_ms, ops[i].t1_ms,
                    ops[i].type);
        }
        struct dslab_check_result res = h_ck_result(&b, 1000);
        if (want.reads == 0) { /* nothing to judge: the checker says so */
            assert_int_equal(res.verdict, DSLAB_CHECK_UNKNOWN);
            continue;
        }
        char summary[160];
        if (want.stale == 0) {
            snprintf(summary, sizeof summary, "0 of %lld reads stale", (long long)want.reads);
        } else {
            char worst[32];
            dslab_time_format_human(want.stale_ns_max, worst, sizeof worst);
            snprintf(summary, sizeof summary, "%lld of %lld reads stale (", (long long)want.stale,
                     (long long)want.reads);
            if (!strstr(res.summary, summary)) fail_msg("seed %llu: summary '%s', want '%s'", (unsigned long long)seed, res.summary, summary);
            snprintf(summary, sizeof summary, "worst %lld versions / %s behind", (long long)want.versions_max, worst);
        }
        if (!strstr(res.summary, summary)) {
            fail_msg("seed %llu: summary '%s', want '%s'", (unsigned long long)seed, res.summary, summary);
        }
        enum dslab_check_verdict verdict = want.stale + want.unexplained > 0 ? DSLAB_CHECK_FAIL : DSLAB_CHECK_PASS;
        assert_int_equal(res.verdict, verdict);
        assert_int_equal(res.violations_total, want.stale + want.unexplained);
        for (size_t i = 0; i < n; i++) {
            if (newer_value[i] != 0 && !reported(&res, &ops[i], versions[i], newer_value[i])) {
                fail_msg("seed %llu: read #%zu (key %lld, got %lld) should be reported %lld versions behind, "
                         "first newer %lld", (unsigned long long)seed, i + 1, (long long)ops[i].key,
                         (long long)ops[i].value, (long long)versions[i], (long long)newer_value[i]);
            }
        }
        stale_seen += want.stale;
        unexplained_seen += want.unexplained;
    }
    /* The generator must reach the interesting cases, or this test proves nothing. */
    assert_true(stale_seen > 1000);
    assert_true(unexplained_seen > 100);
}

H_MAIN(cmocka_unit_test(test_agrees_with_the_definition_on_random_histories))
