/* test_quorum_kv.c: quorum-kv's conflict resolution (directly on records)
 * and its message handling through small real scenarios: quorums answer
 * with what they saw, LWW drops the older stamp, version vectors keep
 * concurrent writes as siblings and resolve them with the next write, read
 * repair fixes replicas that were behind, Lamport timestamps keep causal
 * order under a stepped-back clock but drop one of two concurrent writes, a sloppy quorum stays writable
 * with a replica cut off and hands the hints off after the heal, a
 * restarted replica keeps what it acknowledged, and bad parameters are
 * load errors. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "dslab/scenario.h"
#include "dslab/sim.h"
#include "dslab/time.h"
#include "protocols/quorum_kv_internal.h"

/* --- records ------------------------------------------------------------------ */

static struct qkv_record one(int64_t value, int64_t ts_ns, int32_t writer, uint32_t a, uint32_t b,
                             uint32_t c) {
    struct qkv_record r;
    memset(&r, 0, sizeof r);
    r.count = 1;
    r.v[0].value = value;
    r.v[0].ts_ns = ts_ns;
    r.v[0].writer = writer;
    r.v[0].vv[0] = a;
    r.v[0].vv[1] = b;
    r.v[0].vv[2] = c;
    return r;
}

static void test_lww_keeps_the_larger_stamp_and_counts_the_loser(void **st) {
    (void)st;
    struct qkv_record into = one(1, 500, 0, 0, 0, 0);
    struct qkv_record older = one(2, 100, 2, 0, 0, 0); /* written later, by a slow clock */
    assert_int_equal(qkv_record_merge(QKV_LWW, &into, &older), 1);
    assert_int_equal(into.v[0].value, 1);
    struct qkv_record newer = one(3, 600, 1, 0, 0, 0);
    assert_int_equal(qkv_record_merge(QKV_LWW, &into, &newer), 0);
    assert_int_equal(into.v[0].value, 3);
    struct qkv_record tie = one(4, 600, 2, 0, 0, 0); /* same stamp: the larger writer wins */
    assert_int_equal(qkv_record_merge(QKV_LWW, &into, &tie), 0);
    assert_int_equal(into.v[0].value, 4);
    assert_int_equal(qkv_record_merge(QKV_LWW, &into, &tie), 0); /* a duplicate is no loss */
}

static void test_vv_keeps_concurrent_versions_as_siblings(void **st) {
    (void)st;
    struct qkv_record a = one(10, 0, 0, 1, 0, 0);
    struct qkv_record b = one(20, 0, 1, 0, 1, 0);
    struct qkv_record ab = a, ba = b;
    qkv_record_merge(QKV_VERSION_VECTORS, &ab, &b);
    qkv_record_merge(QKV_VERSION_VECTORS, &ba, &a);
    assert_int_equal(ab.count, 2);
    /* canonical order: the same record whatever the arrival order */
    assert_int_equal(qkv_record_digest(&ab), qkv_record_digest(&ba));
    assert_int_equal(qkv_record_pick(&ab)->value, qkv_record_pick(&ba)->value);
    /* a write that saw both replaces both */
    struct qkv_record c = one(30, 0, 2, 1, 1, 1);
    qkv_record_merge(QKV_VERSION_VECTORS, &ab, &c);
    assert_int_equal(ab.count, 1);
    assert_int_equal(ab.v[0].value, 30);
    /* an old version arriving late changes nothing */
    qkv_record_merge(QKV_VERSION_VECTORS, &ab, &a);
    assert_int_equal(ab.count, 1);
    qkv_record_merge(QKV_VERSION_VECTORS, &ab, &c);
    assert_int_equal(ab.count, 1);
}

static void test_vv_sibling_overflow_is_bounded(void **st) {
    (void)st;
    struct qkv_record into;
    memset(&into, 0, sizeof into);
    for (int i = 0; i < 3 * QKV_SIBLINGS_MAX; i++) {
        struct qkv_record r;
        memset(&r, 0, sizeof r);
        r.count = 1;
        r.v[0].value = i;
        r.v[0].vv[i % QKV_NODES_MAX] = (uint32_t)(i / QKV_NODES_MAX + 1);
        qkv_record_merge(QKV_VERSION_VECTORS, &into, &r);
        assert_true(into.count <= QKV_SIBLINGS_MAX);
    }
    assert_int_equal(into.count, QKV_SIBLINGS_MAX);
}

static void test_ring_gives_n_distinct_replicas_then_fallbacks(void **st) {
    (void)st;
    int32_t seen = 0;
    for (int32_t i = 0; i < 5; i++) seen |= 1 << qkv_ring_node(7, i, 5);
    assert_int_equal(seen, 31);
    assert_int_equal(qkv_ring_node(-1, 0, 5), 4); /* negative keys stay on the ring */
    struct qkv_config c = {.n = 3};
    assert_true(qkv_is_replica(&c, 0, 2, 5));
    assert_false(qkv_is_replica(&c, 0, 3, 5));
}

/* --- scenarios -------------------------------------------------------------------- */

static int count_notes(const struct h_rec *r, const char *tag, const char *text_part) {
    return h_count(r, &(struct h_match){.tag = tag, .text_has = text_part});
}

struct outcome {
    enum dslab_check_verdict verdict; /* of the first check */
    char summary[256];
    int64_t ok, fail, info;
    int64_t reads_nil_after_ns; /* ok reads of nil after this time: see test */
};

/* Every annotation of the last run (node, a, tag, text). */
static struct h_rec g_notes;

/* Loads `yaml`, runs it with `seed`, fills *out; returns the history's
 * count of ok reads that returned nil after `nil_after_ns`. */
static void run_yaml(const char *yaml, uint64_t seed, int64_t nil_after_ns, struct outcome *out) {
    struct dslab_scenario *s = h_load(yaml);
    h_rec_free(&g_notes);
    h_rec_init(&g_notes, "*");
    struct dslab_sim *sim = h_sim(s, seed, h_rec_sink, &g_notes);
    memset(out, 0, sizeof *out);
    if (dslab_sim_check_count(sim) > 0) {
        out->verdict = dslab_sim_check_result(sim, 0)->verdict;
        snprintf(out->summary, sizeof out->summary, "%s", dslab_sim_check_result(sim, 0)->summary);
    }
    const struct dslab_history *h = dslab_sim_history(sim);
    for (size_t i = 0; i < h->count; i++) {
        const struct dslab_history_op *o = &h->ops[i];
        out->ok += o->type == DSLAB_OP_OK;
        out->fail += o->type == DSLAB_OP_FAIL;
        out->info += o->type == DSLAB_OP_INFO;
        if (o->type == DSLAB_OP_OK && o->fn == DSLAB_OP_READ && o->value == DSLAB_HISTORY_NIL &&
            o->time_ns > nil_after_ns) {
            out->reads_nil_after_ns++;
        }
    }
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
}

/* The start of a 3s run of quorum-kv on three nodes, each message taking
 * `latency`; the quorum settings follow. */
#define QKV_3S(latency)                                                                            \
    "name: t\nduration: 3s\nnodes: [n1, n2, n3]\nnetwork: { latency: \"" latency "\" }\n"            \
    "protocol: { name: quorum-kv, n: 3, "

static const char *const base_yaml =
    QKV_3S("uniform(1ms, 5ms)") "r: 2, w: 2, %s }\n"
    "workload: { clients: 3, rate: 40/s, ops: { read: 1, write: 1 }, keys: 2, timeout: 1s }\n"
    "%s\n"
    "checks: [stale-reads]\n";

static void yaml_of(char *buf, size_t size, const char *params, const char *extra) {
    snprintf(buf, size, base_yaml, params, extra);
}

static void test_quorum_reads_see_acknowledged_writes(void **st) {
    (void)st;
    char y[2048];
    yaml_of(y, sizeof y, "resolution: lww", "");
    struct outcome o;
    run_yaml(y, 3, 0, &o);
    assert_int_equal(o.verdict, DSLAB_CHECK_PASS);
    assert_true(o.ok > 100);
    assert_int_equal(o.fail + o.info, 0);
}

static void test_lww_with_a_slow_clock_drops_and_annotates(void **st) {
    (void)st;
    char y[2048];
    yaml_of(y, sizeof y, "resolution: lww", "clocks: { n3: { offset: -800ms } }");
    struct outcome o;
    run_yaml(y, 3, 0, &o);
    assert_int_equal(o.verdict, DSLAB_CHECK_FAIL);
    assert_true(count_notes(&g_notes, "conflict", "dropped") > 0);
    /* the same skew under version vectors: nothing dropped, nothing stale */
    yaml_of(y, sizeof y, "resolution: version-vectors", "clocks: { n3: { offset: -800ms } }");
    run_yaml(y, 3, 0, &o);
    assert_int_equal(o.verdict, DSLAB_CHECK_PASS);
    assert_int_equal(count_notes(&g_notes, "conflict", "dropped"), 0);
}

static void test_concurrent_vv_writes_become_siblings(void **st) {
    (void)st;
    /* w=1, r=1 and a slow network: writes through different coordinators
     * often miss each other's context */
    const char *y =
        QKV_3S("uniform(20ms, 60ms)")
        "r: 1, w: 1, resolution: version-vectors }\n"
        "workload: { clients: 6, rate: 100/s, ops: { read: 1, write: 2 }, keys: 1 }\n"
        "checks: [\"stale-reads: 100%\"]\n";
    struct outcome o;
    run_yaml(y, 5, 0, &o);
    assert_true(count_notes(&g_notes, "conflict", "siblings") > 0);
    assert_true(count_notes(&g_notes, "read", "siblings; returned") > 0);
    assert_int_equal(o.verdict, DSLAB_CHECK_PASS);
}

/* resolution: lamport. A wall clock stepped back a second (or 800ms slow)
 * loses writes under lww; Lamport timestamps order each write after its
 * context whatever the clocks say. What they cannot do: writes that miss
 * each other's context (r = w = 1, a slow network) are concurrent, and
 * one of each pair is dropped, where version vectors keep siblings. */
static void test_lamport_keeps_causal_order_not_concurrent_writes(void **st) {
    (void)st;
    char y[2048];
    const char *step = "faults: [{ at: 1s, clock: n3, jump: -1s }]";
    struct outcome o;
    yaml_of(y, sizeof y, "resolution: lww", step);
    run_yaml(y, 3, 0, &o);
    assert_int_equal(o.verdict, DSLAB_CHECK_FAIL);
    yaml_of(y, sizeof y, "resolution: lamport", step);
    run_yaml(y, 3, 0, &o);
    assert_int_equal(o.verdict, DSLAB_CHECK_PASS);
    yaml_of(y, sizeof y, "resolution: lamport", "clocks: { n3: { offset: -800ms } }");
    run_yaml(y, 3, 0, &o);
    assert_int_equal(o.verdict, DSLAB_CHECK_PASS);
    assert_true(o.ok > 100);
    const char *concurrent =
        QKV_3S("uniform(20ms, 60ms)")
        "r: 1, w: 1, resolution: lamport }\n"
        "workload: { clients: 6, rate: 100/s, ops: { read: 1, write: 2 }, keys: 1 }\n"
        "checks: [\"stale-reads: 100%\"]\n";
    run_yaml(concurrent, 5, 0, &o);
    assert_true(count_notes(&g_notes, "conflict", "lamport k0: kept") > 0);
    assert_int_equal(count_notes(&g_notes, "conflict", "siblings"), 0);
    assert_int_equal(count_notes(&g_notes, "read", "siblings; returned"), 0);
}

static void test_lamport_merge_is_lww_on_the_stamp(void **st) {
    (void)st;
    struct qkv_record into = one(1, 16, 0, 0, 0, 0);
    struct qkv_record late = one(2, 15, 2, 0, 0, 0); /* an older stamp arriving late */
    assert_int_equal(qkv_record_merge(QKV_LAMPORT, &into, &late), 1);
    assert_int_equal(into.v[0].value, 1);
    struct qkv_record tie = one(3, 16, 2, 0, 0, 0); /* concurrent: the same stamp, the larger writer wins */
    assert_int_equal(qkv_record_merge(QKV_LAMPORT, &into, &tie), 0);
    assert_int_equal(into.v[0].value, 3);
    assert_int_equal(into.count, 1);
}

static void test_read_repair_only_when_enabled(void **st) {
    (void)st;
    const char *fmt =
        QKV_3S("mix(0.7 uniform(1ms, 5ms), 0.3 uniform(50ms, 100ms))")
        "r: 1, w: 1, read_repair: %s }\n"
        "workload: { clients: 4, rate: 80/s, ops: { read: 2, write: 1 }, keys: 1 }\n";
    char y[1024];
    struct outcome o;
    snprintf(y, sizeof y, fmt, "true");
    run_yaml(y, 2, 0, &o);
    int repairs = count_notes(&g_notes, "repair", "read repair k0");
    assert_true(repairs > 0);
    snprintf(y, sizeof y, fmt, "false");
    run_yaml(y, 2, 0, &o);
    assert_int_equal(count_notes(&g_notes, "repair", ""), 0);
}

static const char *const sloppy_fmt =
    "name: t\nduration: 4s\nnodes: [n1, n2, n3, n4]\n"
    "network: { latency: \"uniform(1ms, 5ms)\" }\n"
    "protocol: { name: quorum-kv, n: 3, r: 1, w: 3, sloppy: %s, timeout: 400ms }\n"
    "workload: { clients: 2, rate: 20/s, ops: { write: 1 }, keys: 1, target: n1, "
    "timeout: 1s }\n"
    "faults:\n  - { at: 1s, partition: [[n3], [n1, n2, n4]] }\n  - { at: 2.5s, heal: all }\n";

static void test_sloppy_quorum_writes_through_a_partition_and_hands_off(void **st) {
    (void)st;
    char y[1024];
    struct outcome o;
    snprintf(y, sizeof y, sloppy_fmt, "true");
    run_yaml(y, 1, 0, &o);
    assert_int_equal(o.info, 0); /* every write reached w=3: n4 stood in for n3 */
    assert_true(count_notes(&g_notes, "hint", "holding k0 for n3") > 0);
    int handed = 0;
    for (int i = 0; i < g_notes.count; i++) {
        if (strcmp(g_notes.notes[i].tag, "hint") == 0 && strstr(g_notes.notes[i].text, "handed k0 to n3")) {
            assert_true(g_notes.notes[i].t_ns >= 2500 * DSLAB_NS_PER_MS); /* only after the heal */
            handed++;
        }
    }
    assert_true(handed > 0);
    /* strict quorum: with n3 cut off, w=3 cannot be met */
    snprintf(y, sizeof y, sloppy_fmt, "false");
    run_yaml(y, 1, 0, &o);
    assert_true(o.info > 0);
    assert_true(count_notes(&g_notes, "gave-up", "outcome unknown") > 0);
    assert_int_equal(count_notes(&g_notes, "hint", ""), 0);
}

static void test_restarted_replica_keeps_acknowledged_writes(void **st) {
    (void)st;
    /* r=1 at n1 answers from n1's own copy at once; w=3 means n1 had every
     * acknowledged write. A crash and restart (unsynced writes lost) must
     * not bring back nil. */
    const char *y =
        QKV_3S("uniform(1ms, 5ms)")
        "r: 1, w: 3 }\n"
        "workload: { clients: 2, rate: 40/s, ops: { read: 1, write: 1 }, keys: 1, "
        "target: n1 }\n"
        "faults:\n  - { at: 1.5s, crash: n1 }\n  - { at: 1.6s, restart: n1, lose_unsynced: true }\n"
        "checks: [stale-reads]\n";
    struct outcome o;
    run_yaml(y, 4, 0, &o);
    assert_int_equal(o.verdict, DSLAB_CHECK_PASS);
    run_yaml(y, 4, 1600 * DSLAB_NS_PER_MS, &o);
    assert_int_equal(o.reads_nil_after_ns, 0);
}

static void test_cas_is_refused(void **st) {
    (void)st;
    const char *y =
        "name: t\nduration: 1s\nnodes: 3\nprotocol: { name: quorum-kv }\n"
        "workload: { clients: 1, rate: 20/s, ops: { cas: 1 }, keys: 1 }\n";
    struct outcome o;
    run_yaml(y, 1, 0, &o);
    assert_true(o.fail > 0);
    assert_int_equal(o.ok, 0);
}

static void test_bad_parameters_are_errors(void **st) {
    (void)st;
    h_expect_error("name: t\nduration: 1s\nnodes: 3\nprotocol: { name: quorum-kv, r: 4 }\n",
                      "r must be at most n");
    h_expect_error("name: t\nduration: 1s\nnodes: 3\nprotocol: { name: quorum-kv, n: 4 }\n",
                      "'n'");
    h_expect_error("name: t\nduration: 1s\nnodes: 3\n"
                      "protocol: { name: quorum-kv, resolution: vector }\n",
                      "resolution");
    h_expect_error("name: t\nduration: 1s\nnodes: 3\nprotocol: { name: quorum-kv, slopy: true }\n",
                      "did you mean 'sloppy'");
    h_expect_error("name: t\nduration: 1s\nnodes: 17\nprotocol: { name: quorum-kv }\n",
                      "at most 16 nodes");
}

H_MAIN(cmocka_unit_test(test_lww_keeps_the_larger_stamp_and_counts_the_loser),
       cmocka_unit_test(test_vv_keeps_concurrent_versions_as_siblings),
       cmocka_unit_test(test_vv_sibling_overflow_is_bounded),
       cmocka_unit_test(test_ring_gives_n_distinct_replicas_then_fallbacks),
       cmocka_unit_test(test_quorum_reads_see_acknowledged_writes),
       cmocka_unit_test(test_lww_with_a_slow_clock_drops_and_annotates),
       cmocka_unit_test(test_concurrent_vv_writes_become_siblings),
       cmocka_unit_test(test_lamport_keeps_causal_order_not_concurrent_writes),
       cmocka_unit_test(test_lamport_merge_is_lww_on_the_stamp),
       cmocka_unit_test(test_read_repair_only_when_enabled),
       cmocka_unit_test(test_sloppy_quorum_writes_through_a_partition_and_hands_off),
       cmocka_unit_test(test_restarted_replica_keeps_acknowledged_writes),
       cmocka_unit_test(test_cas_is_refused),
       cmocka_unit_test(test_bad_parameters_are_errors))
