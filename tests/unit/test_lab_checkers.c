/* test_lab_checkers.c: the checkers the labs' batteries need (echo,
 * unique-ids, broadcast), on hand-made histories and final states:
 *   - echo: an ok echo must carry its key back; a refused one fails; a
 *     timed-out one (info) proves nothing; writes are not echoes;
 *   - unique-ids: the same id from two nodes, or twice from one, fails and
 *     names both nodes; distinct ids pass; an ok with no id fails;
 *   - broadcast: an acknowledged message missing at a live node fails; at
 *     a crashed node it does not; a live node that reported nothing fails
 *     (a text annotation "final-state" is not a report: the checker reads
 *     the typed dslab_ctx_report_final_state/_value, dslab/annotation.h);
 *     a run that ended within the bound after the last write is unknown;
 *   - all three refuse arguments they do not take. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "dslab/check.h"
#include "dslab/history.h"
#include "dslab/time.h"
#include "harness.h"

static char names[3][DSLAB_NAME_MAX] = {"n1", "n2", "n3"};

static struct dslab_scenario fake_scenario(void) {
    struct dslab_scenario s;
    memset(&s, 0, sizeof s);
    snprintf(s.path, sizeof s.path, "t.yaml");
    s.nodes_count = 3;
    s.node_names = names;
    return s;
}

static void add_op(struct dslab_history *h, enum dslab_op_type type, enum dslab_op_fn fn, int32_t node, int64_t key, int64_t value,
                   int64_t t_ns) {
    struct dslab_history_op op = {.op_id = h->count + 1, .type = type, .fn = fn, .client = 0, .node = node,
                            .key = key, .value = value, .expected = DSLAB_HISTORY_NIL, .time_ns = t_ns,
                            .trace_id = h->count + 1};
    assert_int_equal(dslab_history_append(h, &op), 0);
}

struct dslab_run {
    const struct dslab_checker *c;
    void *st;
    struct dslab_scenario s;
    struct dslab_check_result r;
};

static void start(struct dslab_run *run, const char *name, const char *args) {
    memset(run, 0, sizeof *run);
    run->s = fake_scenario();
    struct dslab_scenario_check check;
    memset(&check, 0, sizeof check);
    snprintf(check.name, sizeof check.name, "%s", name);
    check.args = (char *)args;
    run->c = dslab_checker_find(name);
    assert_non_null(run->c);
    struct dslab_diag d;
    dslab_diag_clear(&d);
    assert_int_equal(run->c->create(&run->s, &check, &run->st, &d), 0);
}

/* An annotation as node_ctx.c emits it: DSLAB_ANNOTATION_NOTE for dslab_ctx_annotate,
 * the typed kinds for dslab_ctx_report_final_state (a = keys) and
 * dslab_ctx_report_final_value (b = key, a = value). */
static void annotate(struct dslab_run *run, int32_t node, enum dslab_annotation_kind kind, const char *tag, int64_t a,
                     int64_t b, const char *text, int64_t t_ns) {
    static uint64_t id = 100;
    struct dslab_trace_event ev = {.id = id++, .t_ns = t_ns, .kind = DSLAB_TRACE_ANNOTATE, .node = node, .peer = -1,
                             .a = a, .b = b, .tag = tag, .text = text, .annotation = kind};
    run->c->on_event(run->st, &ev);
}

static void event(struct dslab_run *run, enum dslab_trace_kind kind, int32_t node, int64_t t_ns) {
    struct dslab_trace_event ev = {.id = 1, .t_ns = t_ns, .kind = kind, .node = node, .peer = -1};
    run->c->on_event(run->st, &ev);
}

static enum dslab_check_verdict finish(struct dslab_run *run, struct dslab_history *h, int64_t end_ns) {
    run->c->finish(run->st, h, end_ns, &run->r);
    run->c->destroy(run->st);
    return run->r.verdict;
}

static void test_echo(void **state) {
    (void)state;
    struct dslab_history h;
    struct dslab_run run;
    dslab_history_init(&h);
    add_op(&h, DSLAB_OP_OK, DSLAB_OP_READ, 0, 7, 7, 10);
    add_op(&h, DSLAB_OP_INFO, DSLAB_OP_READ, 1, 8, DSLAB_HISTORY_NIL, 20);  /* timed out: no verdict */
    add_op(&h, DSLAB_OP_OK, DSLAB_OP_WRITE, 1, 8, 123, 30);           /* not an echo */
    start(&run, "echo", NULL);
    assert_int_equal(finish(&run, &h, 100), DSLAB_CHECK_PASS);

    add_op(&h, DSLAB_OP_OK, DSLAB_OP_READ, 2, 9, 10, 40); /* wrong value */
    start(&run, "echo", NULL);
    assert_int_equal(finish(&run, &h, 100), DSLAB_CHECK_FAIL);
    assert_int_equal(run.r.violations_count, 1);
    assert_int_equal(run.r.violations[0].nodes[0], 2);
    assert_non_null(strstr(run.r.violations[0].message, "came back as 10"));
    dslab_history_deinit(&h);

    dslab_history_init(&h);
    add_op(&h, DSLAB_OP_FAIL, DSLAB_OP_READ, 1, 0, DSLAB_HISTORY_NIL, 10);
    add_op(&h, DSLAB_OP_OK, DSLAB_OP_READ, 1, 5, DSLAB_HISTORY_NIL, 20);
    start(&run, "echo", NULL);
    assert_int_equal(finish(&run, &h, 100), DSLAB_CHECK_FAIL);
    assert_int_equal(run.r.violations_count, 2);
    assert_non_null(strstr(run.r.violations[0].message, "refused"));
    assert_non_null(strstr(run.r.violations[1].message, "empty"));
    dslab_history_deinit(&h);
}

static void test_unique_ids(void **state) {
    (void)state;
    struct dslab_history h;
    struct dslab_run run;
    dslab_history_init(&h);
    add_op(&h, DSLAB_OP_OK, DSLAB_OP_READ, 0, 0, 1, 10);
    add_op(&h, DSLAB_OP_OK, DSLAB_OP_READ, 1, 0, 2, 20);
    add_op(&h, DSLAB_OP_FAIL, DSLAB_OP_READ, 1, 0, DSLAB_HISTORY_NIL, 25);
    add_op(&h, DSLAB_OP_OK, DSLAB_OP_READ, 2, 0, 3, 30);
    start(&run, "unique-ids", NULL);
    assert_int_equal(finish(&run, &h, 100), DSLAB_CHECK_PASS);

    add_op(&h, DSLAB_OP_OK, DSLAB_OP_READ, 2, 0, 1, 40); /* n3 repeats n1's id */
    start(&run, "unique-ids", NULL);
    assert_int_equal(finish(&run, &h, 100), DSLAB_CHECK_FAIL);
    assert_int_equal(run.r.violations_count, 1);
    assert_int_equal(run.r.violations[0].nodes_count, 2);
    assert_int_equal(run.r.violations[0].nodes[0], 0);
    assert_int_equal(run.r.violations[0].nodes[1], 2);
    assert_int_equal(run.r.violations[0].from_ns, 10);
    assert_int_equal(run.r.violations[0].to_ns, 40);
    dslab_history_deinit(&h);

    dslab_history_init(&h);
    add_op(&h, DSLAB_OP_OK, DSLAB_OP_READ, 1, 0, 5, 10);
    add_op(&h, DSLAB_OP_OK, DSLAB_OP_READ, 1, 0, 5, 20); /* one node, twice */
    add_op(&h, DSLAB_OP_OK, DSLAB_OP_READ, 0, 0, DSLAB_HISTORY_NIL, 30);
    start(&run, "unique-ids", NULL);
    assert_int_equal(finish(&run, &h, 100), DSLAB_CHECK_FAIL);
    assert_int_equal(run.r.violations_count, 2);
    dslab_history_deinit(&h);
}

/* Writes 11 and 12 acknowledged by n1 at 1s; the run ends at 5s. */
/* n2_reports: 0 = n2 reports nothing, 1 = typed reports, 2 = the same
 * facts as text annotations only (the string convention the typed calls
 * replaced; not a report). */
static enum dslab_check_verdict broadcast_verdict(const char *args, const bool held[3][2], bool n3_crashed,
                                            int n2_reports, int64_t end_ns, struct dslab_run *run) {
    struct dslab_history h;
    dslab_history_init(&h);
    add_op(&h, DSLAB_OP_INVOKE, DSLAB_OP_WRITE, 0, 0, 11, DSLAB_NS_PER_S - 10);
    add_op(&h, DSLAB_OP_OK, DSLAB_OP_WRITE, 0, 0, 11, DSLAB_NS_PER_S);
    add_op(&h, DSLAB_OP_OK, DSLAB_OP_WRITE, 0, 0, 12, DSLAB_NS_PER_S);
    start(run, "broadcast", args);
    struct dslab_trace_event w = {.id = 2, .t_ns = DSLAB_NS_PER_S, .kind = DSLAB_TRACE_CLIENT, .node = -1, .peer = -1,
                            .op = &h.ops[1]};
    run->c->on_event(run->st, &w);
    if (n3_crashed) event(run, DSLAB_TRACE_CRASH, 2, 2 * DSLAB_NS_PER_S);
    for (int32_t n = 0; n < 3; n++) {
        if ((n == 2 && n3_crashed) || (n == 1 && n2_reports == 0)) continue;
        bool text = n == 1 && n2_reports == 2;
        enum dslab_annotation_kind state = text ? DSLAB_ANNOTATION_NOTE : DSLAB_ANNOTATION_FINAL_STATE;
        enum dslab_annotation_kind value = text ? DSLAB_ANNOTATION_NOTE : DSLAB_ANNOTATION_FINAL_VALUE;
        annotate(run, n, state, "final-state", held[n][0] + held[n][1], 0, "", end_ns);
        if (held[n][0]) annotate(run, n, value, "final", 11, 11, "key=11 value=11", end_ns);
        if (held[n][1]) annotate(run, n, value, "final", 12, 12, "key=12 value=12", end_ns);
    }
    enum dslab_check_verdict v = finish(run, &h, end_ns);
    dslab_history_deinit(&h);
    return v;
}

static void test_broadcast(void **state) {
    (void)state;
    struct dslab_run run;
    const bool all[3][2] = {{true, true}, {true, true}, {true, true}};
    const bool n2_lacks[3][2] = {{true, true}, {true, false}, {true, true}};
    const bool n3_lacks[3][2] = {{true, true}, {true, true}, {false, false}};
    assert_int_equal(broadcast_verdict(NULL, all, false, 1, 5 * DSLAB_NS_PER_S, &run), DSLAB_CHECK_PASS);
    assert_int_equal(broadcast_verdict(NULL, n2_lacks, false, 1, 5 * DSLAB_NS_PER_S, &run), DSLAB_CHECK_FAIL);
    assert_int_equal(run.r.violations_count, 1);
    assert_non_null(strstr(run.r.violations[0].message, "message 12 (acknowledged by n1) never reached n2"));
    /* a crashed node is not judged */
    assert_int_equal(broadcast_verdict(NULL, n3_lacks, true, 1, 5 * DSLAB_NS_PER_S, &run), DSLAB_CHECK_PASS);
    /* a live node that reported nothing */
    assert_int_equal(broadcast_verdict(NULL, all, false, 0, 5 * DSLAB_NS_PER_S, &run), DSLAB_CHECK_FAIL);
    assert_non_null(strstr(run.r.violations[0].message, "n2 is up but reported no final state"));
    /* text annotations in the old convention are notes for people, not reports */
    assert_int_equal(broadcast_verdict(NULL, all, false, 2, 5 * DSLAB_NS_PER_S, &run), DSLAB_CHECK_FAIL);
    assert_int_equal(run.r.violations_count, 1);
    assert_non_null(strstr(run.r.violations[0].message, "n2 is up but reported no final state"));
    /* the run ended 4s after the last write: a 4.5s bound cannot be judged yet */
    assert_int_equal(broadcast_verdict("4500ms", n2_lacks, false, 1, 5 * DSLAB_NS_PER_S, &run), DSLAB_CHECK_UNKNOWN);
    assert_int_equal(broadcast_verdict("2s", n2_lacks, false, 1, 5 * DSLAB_NS_PER_S, &run), DSLAB_CHECK_FAIL);
}

static void test_bad_arguments(void **state) {
    (void)state;
    struct dslab_scenario s = fake_scenario();
    const char *const cases[][2] = {{"echo", "1s"}, {"unique-ids", "x"}, {"broadcast", "soon"}, {"broadcast", "0s"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct dslab_scenario_check check;
        memset(&check, 0, sizeof check);
        snprintf(check.name, sizeof check.name, "%s", cases[i][0]);
        check.args = (char *)cases[i][1];
        void *st = NULL;
        struct dslab_diag d;
        dslab_diag_clear(&d);
        assert_int_equal(dslab_checker_find(cases[i][0])->create(&s, &check, &st, &d), -1);
        assert_non_null(strstr(d.message, cases[i][1]));
    }
}

H_MAIN(cmocka_unit_test(test_echo),
       cmocka_unit_test(test_unique_ids),
       cmocka_unit_test(test_broadcast),
       cmocka_unit_test(test_bad_arguments))
