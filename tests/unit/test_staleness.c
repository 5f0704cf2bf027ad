/* test_staleness.c: the read_after_write workload (sim/workload.c) and the
 * read-after-write staleness metric (sim/staleness.c, dslab/staleness.h):
 * a small run whose every probe was judged by hand from its trace; the
 * bucket rules; a probe is a read of the written key exactly its delay
 * after the ok; r + w > n is always fresh and r = w = 1 gets fresher with
 * waiting; the section survives dslab_scenario_save. Bad values are in
 * tests/bad/scenario/workload-read-after-write-*. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/staleness.h"
#include "harness.h"

/* Hand-checked (seed 3; the trace's client records, ms). A value is stale
 * when a write acknowledged before the probe was invoked had begun after
 * that value's write was acknowledged:
 *   20.722 c1 probe after 2000001 (acked 17.722) -> 2000001: fresh (op 2,
 *          acked later, began at 10.568, before that ack)
 *  200.065 c0 probe after 1000001 (acked 197.065) -> 2000003: fresh (op 7
 *          began at 274.452: not acknowledged when the probe began)
 *  238.555 c1 probe after 2000002 (acked 235.555) -> 2000002: fresh
 *  283.023 c1 probe after 2000003 (op 7, began 274.452, acked 280.023)
 *          -> 2000002 (acked 235.555, before op 7 began): stale
 *  369.093 c0 probe after 1000002 (acked 366.093) -> 1000002: fresh
 * 5 probes, 4 fresh, all at 3ms: one bucket [2ms, 5ms) of the 1-2-5 rule. */
static const char *small =
    "name: t\nseed: 3\nduration: 400ms\nnodes: [n1, n2, n3]\n"
    "network: { latency: \"mix(0.8 uniform(1ms, 5ms), 0.2 uniform(40ms, 120ms))\" }\n"
    "protocol: { name: quorum-kv, n: 3, r: 1, w: 1, read_repair: false }\n"
    "workload: { clients: 2, rate: 40/s, ops: { write: 1 }, keys: 1,\n"
    "            read_after_write: { delay: constant(3ms) } }\n";

static void test_small_run_judged_by_hand(void **state) {
    (void)state;
    struct h_run *r = h_run(small, NULL, NULL, NULL);
    struct dslab_staleness st;
    assert_int_equal(dslab_staleness_compute(r->sim, &st), 0);
    assert_true(st.on);
    assert_int_equal(st.probes, 5);
    assert_int_equal(st.reads, 5);
    assert_int_equal(st.fresh, 4);
    assert_int_equal(st.unanswered, 0);
    assert_int_equal(st.count, 1);
    assert_int_equal(st.buckets[0].from_ns, 2000000);
    assert_int_equal(st.buckets[0].to_ns, 5000000);
    assert_int_equal(st.buckets[0].delay_min_ns, 3000000);
    assert_int_equal(st.buckets[0].delay_max_ns, 3000000);
    assert_int_equal(st.buckets[0].fresh, 4);
    dslab_staleness_free(&st);
    h_run_free(r);
}

static void bucket(int64_t d, int64_t w, int64_t from, int64_t to) {
    int64_t f, t;
    dslab_staleness_bucket_of(d, w, &f, &t);
    if (f != from || t != to) fail_msg("delay %lld width %lld: [%lld, %lld), expected [%lld, %lld)", (long long)d,
                                       (long long)w, (long long)f, (long long)t, (long long)from, (long long)to);
}

static void test_bucket_rules(void **state) {
    (void)state;
    bucket(0, 0, 0, 1000);
    bucket(999, 0, 0, 1000);
    bucket(1000, 0, 1000, 2000);
    bucket(1999, 0, 1000, 2000);
    bucket(2000, 0, 2000, 5000);
    bucket(4999, 0, 2000, 5000);
    bucket(5000, 0, 5000, 10000);
    bucket(10000, 0, 10000, 20000);
    bucket(99999999, 0, 50000000, 100000000);
    bucket(100000000, 0, 100000000, 200000000);
    bucket(INT64_MAX, 0, 5000000000000000000, INT64_MAX);
    bucket(0, 10000000, 0, 10000000);
    bucket(9999999, 10000000, 0, 10000000);
    bucket(10000000, 10000000, 10000000, 20000000);
    bucket(INT64_MAX, 1000, INT64_MAX - INT64_MAX % 1000, INT64_MAX);
}

/* Every probe is a read of the key its client just wrote, invoked exactly
 * the constant delay after that write's ok. */
struct probe_watch {
    int64_t ok_at_ns[4], ok_key[4];
    int probes, bad;
};

static void watch(void *user, const struct dslab_trace_event *ev) {
    struct probe_watch *w = user;
    if (ev->kind != DSLAB_TRACE_CLIENT || !ev->op || ev->op->client >= 4) return;
    const struct dslab_history_op *op = ev->op;
    if (op->type == DSLAB_OP_OK && op->fn == DSLAB_OP_WRITE) {
        w->ok_at_ns[op->client] = op->time_ns;
        w->ok_key[op->client] = op->key;
    } else if (op->type == DSLAB_OP_INVOKE && op->fn == DSLAB_OP_READ) {
        w->probes++;
        w->bad += op->key != w->ok_key[op->client] || op->time_ns != w->ok_at_ns[op->client] + 7000000;
    }
}

static void test_probe_reads_the_written_key_after_the_delay(void **state) {
    (void)state;
    struct probe_watch w;
    memset(&w, 0, sizeof w);
    for (int i = 0; i < 4; i++) w.ok_key[i] = -1;
    struct h_run *r = h_run("name: t\nduration: 3s\nnodes: 3\nprotocol: { name: raft }\n"
                            "workload: { clients: 4, rate: 100/s, ops: { write: 1 }, keys: 50,\n"
                            "            read_after_write: { delay: 7ms } }\n",
                            NULL, watch, &w);
    assert_true(w.probes > 20);
    assert_int_equal(w.bad, 0);
    h_run_free(r);
}

static const char *pbs =
    "name: t\nduration: 120s\nnodes: [n1, n2, n3]\n"
    "network: { latency: \"mix(0.8 uniform(1ms, 5ms), 0.2 uniform(40ms, 120ms))\" }\n"
    "protocol: { name: quorum-kv, n: 3, r: %d, w: %d, read_repair: false }\n"
    "workload: { clients: 2, rate: 20/s, ops: { write: 1 }, keys: 64,\n"
    "            read_after_write: { delay: \"uniform(0ms, 150ms)\", bucket: 50ms } }\n";

static struct dslab_staleness run_pbs(int r_, int w_) {
    char text[1024];
    snprintf(text, sizeof text, pbs, r_, w_);
    struct h_run *r = h_run(text, NULL, NULL, NULL);
    struct dslab_staleness st;
    assert_int_equal(dslab_staleness_compute(r->sim, &st), 0);
    h_run_free(r);
    return st;
}

static void test_quorums_that_overlap_are_always_fresh(void **state) {
    (void)state;
    struct dslab_staleness st = run_pbs(2, 2);
    assert_true(st.reads > 500);
    assert_int_equal(st.fresh, st.reads);
    dslab_staleness_free(&st);
}

static void test_waiting_longer_is_fresher(void **state) {
    (void)state;
    struct dslab_staleness st = run_pbs(1, 1);
    assert_int_equal(st.count, 3); /* [0, 50ms), [50ms, 100ms), [100ms, 150ms) */
    const struct dslab_staleness_bucket *a = &st.buckets[0], *c = &st.buckets[2];
    assert_int_equal(a->from_ns, 0);
    assert_int_equal(c->to_ns, 150000000);
    assert_true(a->reads > 300 && c->reads > 300);
    /* fresh/reads strictly rises, and the last bucket is well above the first */
    assert_true(a->fresh * c->reads + a->reads * c->reads / 20 < c->fresh * a->reads);
    assert_true(a->fresh < a->reads);
    dslab_staleness_free(&st);
}

static void test_off_without_the_key_and_survives_save(void **state) {
    (void)state;
    struct h_run *r = h_run("name: t\nduration: 1s\nnodes: 3\nprotocol: { name: raft }\n"
                            "workload: { clients: 1, rate: 10/s }\n", NULL, NULL, NULL);
    struct dslab_staleness st;
    assert_int_equal(dslab_staleness_compute(r->sim, &st), 0);
    assert_false(st.on);
    h_run_free(r);
    struct dslab_scenario *s = h_load(small);
    struct dslab_scenario *back = h_save_reload(s);
    assert_true(back->workload.probe_on);
    assert_int_equal(dslab_latency_mean_ns(&back->workload.probe_delay_ns), 3000000);
    assert_int_equal(back->workload.probe_bucket_ns, 0);
    dslab_scenario_free(back);
    dslab_scenario_free(s);
}

H_MAIN(cmocka_unit_test(test_small_run_judged_by_hand), cmocka_unit_test(test_bucket_rules),
       cmocka_unit_test(test_probe_reads_the_written_key_after_the_delay),
       cmocka_unit_test(test_quorums_that_overlap_are_always_fresh),
       cmocka_unit_test(test_waiting_longer_is_fresher),
       cmocka_unit_test(test_off_without_the_key_and_survives_save))
