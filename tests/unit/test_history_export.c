/* test_history_export.c: the history exports (dslab/history_export.h)
 * round-trip: a history written as EDN or as a Porcupine log and checked
 * by `dslab check-history`'s engine (dslab_lincheck_buffer) gets the
 * verdict the run's `linearizable` checker gives the history itself.
 *
 * Two parts: hand-made histories, one per corner of the class (indeterminate
 * ops, failed ops, reads of absent keys and of unknown results, several
 * keys, concurrent clients, a client continuing after :info, values that
 * collide with the "absent" stand-in), each with both verdicts; then a
 * property over real runs: every scenario with a `linearizable` check,
 * many seeds, both formats, the same verdict every time, and the runs
 * together must have shown both verdicts, :info and :fail (else the
 * property proved nothing). */
#include "harness.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/history_export.h"
#include "dslab/lincheck.h"
#include "dslab/report.h"

/* Exports h in `format`, checks the text as `dslab check-history FILE
 * --model kv [--initial A]` would, returns the verdict. */
static enum dslab_lincheck_verdict check_export(const struct dslab_history *h,
                                                enum dslab_history_format format, char **text_out) {
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    struct dslab_history_export_info info = {.scenario = "t", .seed = 1};
    assert_int_equal(dslab_history_export(f, h, format, &info), 0);
    fclose(f);
    char initial[32];
    snprintf(initial, sizeof initial, "%" PRId64, dslab_history_export_absent(h));
    struct dslab_lincheck_options opt = {.model = DSLAB_LINCHECK_MODEL_KV,
                                         .initial = format == DSLAB_HISTORY_FORMAT_EDN ? initial : NULL};
    struct dslab_lincheck_result r;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    if (dslab_lincheck_buffer(text, len, "export", &opt, &r, &d) != 0) {
        char msg[1400];
        dslab_diag_format(&d, msg, sizeof msg);
        fail_msg("the export does not parse: %s\n%s", msg, text);
    }
    if (text_out) *text_out = text;
    else free(text);
    return r.verdict;
}

static enum dslab_check_verdict from_lincheck(enum dslab_lincheck_verdict v) {
    return v == DSLAB_LINCHECK_LINEARIZABLE       ? DSLAB_CHECK_PASS
           : v == DSLAB_LINCHECK_NOT_LINEARIZABLE ? DSLAB_CHECK_FAIL
                                                  : DSLAB_CHECK_UNKNOWN;
}

/* Both exports of h must give `want`, which the checker must give too. */
static void expect_round_trip(const struct dslab_history *h, enum dslab_check_verdict want,
                              const char *what) {
    struct h_ck k;
    h_ck_begin(&k, "linearizable", "", 2);
    for (size_t i = 0; i < h->count; i++) h_ck_record(&k, &h->ops[i], false);
    enum dslab_check_verdict sim = h_ck_end(&k, 1000);
    if (sim != want) fail_msg("%s: the checker says %d, the test expects %d", what, sim, want);
    for (int f = 0; f < 2; f++) {
        char *text = NULL;
        enum dslab_check_verdict got = from_lincheck(check_export(h, (enum dslab_history_format)f, &text));
        if (got != want) fail_msg("%s: the %s export checks as %d, expected %d:\n%s", what,
                                  f ? "porcupine" : "edn", got, want, text);
        free(text);
    }
}

/* A history from a compact table, in time order: records with times 1, 2, ... ms. */
struct rec {
    int32_t client;
    uint64_t op_id;
    enum dslab_op_type type;
    enum dslab_op_fn fn;
    int64_t key, value, expected;
};
#define NIL DSLAB_HISTORY_NIL

static void build(struct dslab_history *h, const struct rec *r, size_t n) {
    dslab_history_init(h);
    for (size_t i = 0; i < n; i++) {
        struct dslab_history_op op = {.op_id = r[i].op_id, .type = r[i].type, .fn = r[i].fn,
                                      .client = r[i].client, .node = 0, .key = r[i].key,
                                      .value = r[i].value, .expected = r[i].expected,
                                      .time_ns = (int64_t)(i + 1) * DSLAB_NS_PER_MS};
        assert_int_equal(dslab_history_append(h, &op), 0);
    }
}

#define CASE(want, ...)                                                                            \
    do {                                                                                           \
        const struct rec case_recs_[] = {__VA_ARGS__};                                             \
        struct dslab_history case_h_;                                                              \
        build(&case_h_, case_recs_, sizeof case_recs_ / sizeof case_recs_[0]);                     \
        expect_round_trip(&case_h_, want, #want ": " #__VA_ARGS__);                                \
        dslab_history_deinit(&case_h_);                                                            \
    } while (0)

#define INV DSLAB_OP_INVOKE
#define OK DSLAB_OP_OK
#define FAIL DSLAB_OP_FAIL
#define INFO DSLAB_OP_INFO
#define RD DSLAB_OP_READ
#define WR DSLAB_OP_WRITE
#define CAS DSLAB_OP_CAS

static void test_absent_reads(void **state) {
    (void)state;
    /* a read of a key never written: absent, fine */
    CASE(DSLAB_CHECK_PASS, {0, 1, INV, RD, 0, NIL, NIL}, {0, 1, OK, RD, 0, NIL, NIL});
    /* absent after a completed write: stale (nil would have hidden it) */
    CASE(DSLAB_CHECK_FAIL, {0, 1, INV, WR, 0, 5, NIL}, {0, 1, OK, WR, 0, 5, NIL},
         {1, 2, INV, RD, 0, NIL, NIL}, {1, 2, OK, RD, 0, NIL, NIL});
    /* a cas from absent */
    CASE(DSLAB_CHECK_PASS, {0, 1, INV, CAS, 3, 7, NIL}, {0, 1, OK, CAS, 3, 7, NIL},
         {0, 2, INV, RD, 3, NIL, NIL}, {0, 2, OK, RD, 3, 7, NIL});
}

static void test_absent_collides_with_values(void **state) {
    (void)state;
    /* -1 and -2 are real values here: absent must be written as -3 */
    const struct rec recs[] = {{0, 1, INV, WR, 0, -1, NIL}, {0, 1, OK, WR, 0, -1, NIL},
                               {0, 2, INV, CAS, 0, -2, -1}, {0, 2, OK, CAS, 0, -2, -1},
                               {1, 3, INV, RD, 1, NIL, NIL}, {1, 3, OK, RD, 1, NIL, NIL}};
    struct dslab_history h;
    build(&h, recs, 6);
    assert_int_equal(dslab_history_export_absent(&h), -3);
    expect_round_trip(&h, DSLAB_CHECK_PASS, "values -1 and -2");
    dslab_history_deinit(&h);
    /* the stale read of absent on key 1 after a write of -1 there */
    CASE(DSLAB_CHECK_FAIL, {0, 1, INV, WR, 1, -1, NIL}, {0, 1, OK, WR, 1, -1, NIL},
         {1, 2, INV, RD, 1, NIL, NIL}, {1, 2, OK, RD, 1, NIL, NIL});
}

static void test_indeterminate_ops(void **state) {
    (void)state;
    /* an :info write may have happened: a later read of it is fine ... */
    CASE(DSLAB_CHECK_PASS, {0, 1, INV, WR, 0, 4, NIL}, {0, 1, INFO, WR, 0, 4, NIL},
         {1, 2, INV, RD, 0, NIL, NIL}, {1, 2, OK, RD, 0, 4, NIL});
    /* ... and may never happen: absent later is fine too */
    CASE(DSLAB_CHECK_PASS, {0, 1, INV, WR, 0, 4, NIL}, {0, 1, INFO, WR, 0, 4, NIL},
         {1, 2, INV, RD, 0, NIL, NIL}, {1, 2, OK, RD, 0, NIL, NIL});
    /* but not both orders at once: 4 then absent again */
    CASE(DSLAB_CHECK_FAIL, {0, 1, INV, WR, 0, 4, NIL}, {0, 1, INFO, WR, 0, 4, NIL},
         {1, 2, INV, RD, 0, NIL, NIL}, {1, 2, OK, RD, 0, 4, NIL},
         {1, 3, INV, RD, 0, NIL, NIL}, {1, 3, OK, RD, 0, NIL, NIL});
    /* a write never completed by the end of the run: pending, same rules */
    CASE(DSLAB_CHECK_PASS, {0, 1, INV, WR, 0, 4, NIL}, {1, 2, INV, RD, 0, NIL, NIL},
         {1, 2, OK, RD, 0, 4, NIL});
    /* the client goes on after :info (Jepsen renumbers its process): its
     * next op overlaps the indeterminate one without being an error */
    CASE(DSLAB_CHECK_PASS, {0, 1, INV, WR, 0, 4, NIL}, {0, 1, INFO, WR, 0, 4, NIL},
         {0, 2, INV, WR, 0, 5, NIL}, {0, 2, OK, WR, 0, 5, NIL}, {0, 3, INV, RD, 0, NIL, NIL},
         {0, 3, OK, RD, 0, 4, NIL});
    /* a read that ends :info says nothing */
    CASE(DSLAB_CHECK_PASS, {0, 1, INV, WR, 0, 4, NIL}, {0, 1, OK, WR, 0, 4, NIL},
         {1, 2, INV, RD, 0, NIL, NIL}, {1, 2, INFO, RD, 0, NIL, NIL}, {1, 3, INV, RD, 0, NIL, NIL},
         {1, 3, OK, RD, 0, 4, NIL});
}

static void test_failed_ops(void **state) {
    (void)state;
    /* a failed write did not happen: reading its value is a violation */
    CASE(DSLAB_CHECK_FAIL, {0, 1, INV, WR, 0, 4, NIL}, {0, 1, FAIL, WR, 0, 4, NIL},
         {1, 2, INV, RD, 0, NIL, NIL}, {1, 2, OK, RD, 0, 4, NIL});
    /* a failed cas did not happen either; a failed read says nothing */
    CASE(DSLAB_CHECK_PASS, {0, 1, INV, WR, 0, 1, NIL}, {0, 1, OK, WR, 0, 1, NIL},
         {0, 2, INV, CAS, 0, 9, 1}, {0, 2, FAIL, CAS, 0, 9, 1}, {1, 3, INV, RD, 0, NIL, NIL},
         {1, 3, FAIL, RD, 0, NIL, NIL}, {1, 4, INV, RD, 0, NIL, NIL}, {1, 4, OK, RD, 0, 1, NIL});
    CASE(DSLAB_CHECK_FAIL, {0, 1, INV, WR, 0, 1, NIL}, {0, 1, OK, WR, 0, 1, NIL},
         {0, 2, INV, CAS, 0, 9, 1}, {0, 2, FAIL, CAS, 0, 9, 1}, {1, 3, INV, RD, 0, NIL, NIL},
         {1, 3, OK, RD, 0, 9, NIL});
}

static void test_keys_and_concurrency(void **state) {
    (void)state;
    /* overlapping ops of three clients on two keys: either order works */
    CASE(DSLAB_CHECK_PASS, {0, 1, INV, WR, 0, 1, NIL}, {1, 2, INV, WR, 0, 2, NIL},
         {2, 3, INV, RD, 0, NIL, NIL}, {2, 3, OK, RD, 0, 2, NIL}, {1, 2, OK, WR, 0, 2, NIL},
         {0, 1, OK, WR, 0, 1, NIL}, {2, 4, INV, RD, 1, NIL, NIL}, {2, 4, OK, RD, 1, NIL, NIL},
         {0, 5, INV, RD, 0, NIL, NIL}, {0, 5, OK, RD, 0, 1, NIL});
    /* key 0 is fine, key 7 has a stale read: the history fails */
    CASE(DSLAB_CHECK_FAIL, {0, 1, INV, WR, 0, 1, NIL}, {0, 1, OK, WR, 0, 1, NIL},
         {1, 2, INV, WR, 7, 2, NIL}, {1, 2, OK, WR, 7, 2, NIL}, {1, 3, INV, WR, 7, 3, NIL},
         {1, 3, OK, WR, 7, 3, NIL}, {2, 4, INV, RD, 7, NIL, NIL}, {2, 4, OK, RD, 7, 2, NIL},
         {2, 5, INV, RD, 0, NIL, NIL}, {2, 5, OK, RD, 0, 1, NIL});
    /* the read overlaps both writes: it may see the second before the first completes */
    CASE(DSLAB_CHECK_PASS, {0, 1, INV, WR, 0, 1, NIL}, {2, 3, INV, RD, 0, NIL, NIL},
         {0, 1, OK, WR, 0, 1, NIL}, {1, 2, INV, WR, 0, 2, NIL}, {2, 3, OK, RD, 0, 2, NIL},
         {1, 2, OK, WR, 0, 2, NIL});
}

static void test_format_shape(void **state) {
    (void)state;
    const struct rec recs[] = {{0, 1, INV, WR, 2, 5, NIL}, {0, 1, OK, WR, 2, 5, NIL},
                               {1, 2, INV, CAS, 2, 6, 5}, {1, 2, FAIL, CAS, 2, 6, 5},
                               {1, 3, INV, RD, 2, NIL, NIL}, {1, 3, INFO, RD, 2, NIL, NIL},
                               {1, 4, INV, RD, 2, NIL, NIL}, {1, 4, OK, RD, 2, NIL, NIL}};
    struct dslab_history h;
    build(&h, recs, 8);
    char *edn = NULL, *por = NULL;
    check_export(&h, DSLAB_HISTORY_FORMAT_EDN, &edn);
    check_export(&h, DSLAB_HISTORY_FORMAT_PORCUPINE, &por);
    /* EDN: Knossos' keys, :fail and :info kept, the client renumbered after :info (2 clients) */
    assert_non_null(strstr(edn, "[{:process 0, :type :invoke, :f :write, :key 2, :value 5, :time 1000000, :index 0}\n"));
    assert_non_null(strstr(edn, "{:process 1, :type :fail, :f :cas, :key 2, :value [5 6], :time 4000000, :index 3}"));
    assert_non_null(strstr(edn, "{:process 1, :type :info, :f :read, :key 2, :value nil,"));
    assert_non_null(strstr(edn, "{:process 3, :type :ok, :f :read, :key 2, :value -1, :time 8000000, :index 7}]\n"));
    assert_non_null(strstr(edn, "--initial -1"));
    /* Porcupine: its kv lines exactly; no :fail (the cas is gone), no :info (pending) */
    const char *want = "{:process 0, :type :invoke, :f :put, :key \"2\", :value \"5\"}\n"
                       "{:process 0, :type :ok, :f :put, :key \"2\", :value \"5\"}\n"
                       "{:process 1, :type :invoke, :f :get, :key \"2\", :value nil}\n"
                       "{:process 3, :type :invoke, :f :get, :key \"2\", :value nil}\n"
                       "{:process 3, :type :ok, :f :get, :key \"2\", :value \"\"}\n";
    assert_string_equal(por, want);
    free(edn);
    free(por);
    dslab_history_deinit(&h);
}

/* ---- the property over real runs -------------------------------------- */

static const char *const scenarios[] = {
    "scenarios/raft/stale-read-leader-local.yaml",  "scenarios/raft/stale-read-read-index.yaml",
    "scenarios/raft/retry-double-apply.yaml",       "scenarios/raft/truncated-write-unknown.yaml",
    "scenarios/raft/lease-read-clock-drift.yaml",   "scenarios/replication/pb-async-lost-writes.yaml",
    "scenarios/replication/pb-split-brain.yaml",    "scenarios/replication/pb-sync.yaml",
    "scenarios/intro/leader-loses-majority.yaml",   "scenarios/raft/figure8-naive-commit.yaml",
};
#define SEEDS 25

static void test_round_trip_over_runs(void **state) {
    (void)state;
    const char *root = getenv("DSLAB_ROOT");
    if (!root) root = ".";
    int verdicts[3] = {0}, runs = 0;
    size_t infos = 0, fails = 0, multi_key = 0;
    for (size_t s = 0; s < sizeof scenarios / sizeof scenarios[0]; s++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", root, scenarios[s]);
        struct dslab_diag d;
        dslab_diag_clear(&d);
        struct dslab_scenario *sc = dslab_scenario_load(path, NULL, 0, NULL, &d);
        if (!sc) fail_msg("%s: %s", path, d.message);
        for (uint64_t seed = 1; seed <= SEEDS; seed++) {
            struct dslab_run run;
            assert_int_equal(dslab_run_start(&run, sc, seed, false, &d), 0);
            dslab_run_to_end(&run, sc->duration_ns);
            enum dslab_check_verdict sim = h_check_named(run.sim, "linearizable")->verdict;
            const struct dslab_history *h = dslab_sim_history(run.sim);
            bool keys = false;
            for (size_t i = 0; i < h->count; i++) {
                infos += h->ops[i].type == DSLAB_OP_INFO;
                fails += h->ops[i].type == DSLAB_OP_FAIL;
                keys = keys || h->ops[i].key != h->ops[0].key;
            }
            multi_key += keys;
            for (int f = 0; f < 2; f++) {
                enum dslab_check_verdict got = from_lincheck(check_export(h, (enum dslab_history_format)f, NULL));
                if (got != sim) {
                    fail_msg("%s --seed %" PRIu64 ": the run's checker says %d, the %s export %d", path,
                             seed, sim, f ? "porcupine" : "edn", got);
                }
            }
            verdicts[sim]++;
            runs++;
            dslab_run_free(&run);
        }
        dslab_scenario_free(sc);
    }
    print_message("%d runs: %d linearizable, %d not, %d unknown; %zu :info, %zu :fail records; "
                  "%zu runs with several keys\n", runs, verdicts[0], verdicts[1], verdicts[2], infos,
                  fails, multi_key);
    /* the property must have been tested on both verdicts and the hard records */
    assert_true(verdicts[DSLAB_CHECK_PASS] > 0);
    assert_true(verdicts[DSLAB_CHECK_FAIL] > 0);
    assert_true(infos > 0);
    assert_true(fails > 0);
    assert_true(multi_key > 0);
}

H_MAIN(cmocka_unit_test(test_absent_reads), cmocka_unit_test(test_absent_collides_with_values),
       cmocka_unit_test(test_indeterminate_ops), cmocka_unit_test(test_failed_ops),
       cmocka_unit_test(test_keys_and_concurrency), cmocka_unit_test(test_format_shape),
       cmocka_unit_test(test_round_trip_over_runs))
