/* test_lab_checkers.c: the checkers the labs' batteries need (echo,
 * unique-ids, broadcast), on hand-made histories and final states:
 *   - echo: an ok echo must carry its key back; a refused one fails; a
 *     timed-out one (info) proves nothing; writes are not echoes;
 *   - unique-ids: the same id from two nodes, or twice from one, fails and
 *     names both nodes; distinct ids pass; an ok with no id fails;
 *   - broadcast: an acknowledged message missing at a live node fails; at
 *     a crashed node it does not; a live node that reported nothing fails
 *     (a text annotation "final-state" is not a report: the checker reads
 *     the typed ctx_report_final_state/_value, dslab/annotation.h);
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

static char names[3][DSLAB_NAME_MAX] = {"n1", "n2", "n3"};

static struct scenario fake_scenario(void) {
    struct scenario s;
    memset(&s, 0, sizeof s);
    snprintf(s.path, sizeof s.path, "t.yaml");
    s.nodes_count = 3;
    s.node_names = names;
    return s;
}

static void add_op(struct history *h, enum op_type type, enum op_fn fn, int32_t node, int64_t key, int64_t value,
                   int64_t t_ns) {
    struct history_op op = {.op_id = h->count + 1, .type = type, .fn = fn, .client = 0, .node = node,
                            .key = key, .value = value, .expected = HISTORY_NIL, .time_ns = t_ns,
                            .trace_id = h->count + 1};
    assert_int_equal(history_append(h, &op), 0);
}

struct run {
    const struct checker *c;
    void *st;
    struct scenario s;
    struct check_result r;
};

static void start(struct run *run, const char *name, const char *args) {
    memset(run, 0, sizeof *run);
    run->s = fake_scenario();
    struct scenario_check check;
    memset(&check, 0, sizeof check);
    snprintf(check.name, sizeof check.name, "%s", name);
    check.args = (char *)args;
    run->c = checker_find(name);
    assert_non_null(run->c);
    struct diag d;
    diag_clear(&d);
    assert_int_equal(run->c->create(&run->s, &check, &run->st, &d), 0);
}

/* An annotation as node_ctx.c emits it: ANNOTATION_NOTE for ctx_annotate,
 * the typed kinds for ctx_report_final_state (a = keys) and
 * ctx_report_final_value (b = key, a = value). */
static void annotate(struct run *run, int32_t node, enum annotation_kind kind, const char *tag, int64_t a,
                     int64_t b, const char *text, int64_t t_ns) {
    static uint64_t id = 100;
    struct trace_event ev = {.id = id++, .t_ns = t_ns, .kind = TRACE_ANNOTATE, .node = node, .peer = -1,
                             .a = a, .b = b, .tag = tag, .text = text, .annotation = kind};
    run->c->on_event(run->st, &ev);
}

static void event(struct run *run, enum trace_kind kind, int32_t node, int64_t t_ns) {
    struct trace_event ev = {.id = 1, .t_ns = t_ns, .kind = kind, .node = node, .peer = -1};
    run->c->on_event(run->st, &ev);
}

static enum check_verdict finish(struct run *run, struct history *h, int64_t end_ns) {
    run->c->finish(run->st, h, end_ns, &run->r);
    run->c->destroy(run->st);
    return run->r.verdict;
}

static void test_echo(void **state) {
    (void)state;
    struct history h;
    struct run run;
    history_init(&h);
    add_op(&h, OP_OK, OP_READ, 0, 7, 7, 10);
    add_op(&h, OP_INFO, OP_READ, 1, 8, HISTORY_NIL, 20);  /* timed out: no verdict */
    add_op(&h, OP_OK, OP_WRITE, 1, 8, 123, 30);           /* not an echo */
    start(&run, "echo", NULL);
    assert_int_equal(finish(&run, &h, 100), CHECK_PASS);

    add_op(&h, OP_OK, OP_READ, 2, 9, 10, 40); /* wrong value */
    start(&run, "echo", NULL);
    assert_int_equal(finish(&run, &h, 100), CHECK_FAIL);
    assert_int_equal(run.r.violations_count, 1);
    assert_int_equal(run.r.violations[0].nodes[0], 2);
    assert_non_null(strstr(run.r.violations[0].message, "came back as 10"));
    history_deinit(&h);

    history_init(&h);
    add_op(&h, OP_FAIL, OP_READ, 1, 0, HISTORY_NIL, 10);
    add_op(&h, OP_OK, OP_READ, 1, 5, HISTORY_NIL, 20);
    start(&run, "echo", NULL);
    assert_int_equal(finish(&run, &h, 100), CHECK_FAIL);
    assert_int_equal(run.r.violations_count, 2);
    assert_non_null(strstr(run.r.violations[0].message, "refused"));
    assert_non_null(strstr(run.r.violations[1].message, "empty"));
    history_deinit(&h);
}

static void test_unique_ids(void **state) {
    (void)state;
    struct history h;
    struct run run;
    history_init(&h);
    add_op(&h, OP_OK, OP_READ, 0, 0, 1, 10);
    add_op(&h, OP_OK, OP_READ, 1, 0, 2, 20);
    add_op(&h, OP_FAIL, OP_READ, 1, 0, HISTORY_NIL, 25);
    add_op(&h, OP_OK, OP_READ, 2, 0, 3, 30);
    start(&run, "unique-ids", NULL);
    assert_int_equal(finish(&run, &h, 100), CHECK_PASS);

    add_op(&h, OP_OK, OP_READ, 2, 0, 1, 40); /* n3 repeats n1's id */
    start(&run, "unique-ids", NULL);
    assert_int_equal(finish(&run, &h, 100), CHECK_FAIL);
    assert_int_equal(run.r.violations_count, 1);
    assert_int_equal(run.r.violations[0].nodes_count, 2);
    assert_int_equal(run.r.violations[0].nodes[0], 0);
    assert_int_equal(run.r.violations[0].nodes[1], 2);
    assert_int_equal(run.r.violations[0].from_ns, 10);
    assert_int_equal(run.r.violations[0].to_ns, 40);
    history_deinit(&h);

    history_init(&h);
    add_op(&h, OP_OK, OP_READ, 1, 0, 5, 10);
    add_op(&h, OP_OK, OP_READ, 1, 0, 5, 20); /* one node, twice */
    add_op(&h, OP_OK, OP_READ, 0, 0, HISTORY_NIL, 30);
    start(&run, "unique-ids", NULL);
    assert_int_equal(finish(&run, &h, 100), CHECK_FAIL);
    assert_int_equal(run.r.violations_count, 2);
    history_deinit(&h);
}

/* Writes 11 and 12 acknowledged by n1 at 1s; the run ends at 5s. */
/* n2_reports: 0 = n2 reports nothing, 1 = typed reports, 2 = the same
 * facts as text annotations only (the string convention the typed calls
 * replaced; not a report). */
static enum check_verdict broadcast_verdict(const char *args, const bool held[3][2], bool n3_crashed,
                                            int n2_reports, int64_t end_ns, struct run *run) {
    struct history h;
    history_init(&h);
    add_op(&h, OP_INVOKE, OP_WRITE, 0, 0, 11, NS_PER_S - 10);
    add_op(&h, OP_OK, OP_WRITE, 0, 0, 11, NS_PER_S);
    add_op(&h, OP_OK, OP_WRITE, 0, 0, 12, NS_PER_S);
    start(run, "broadcast", args);
    struct trace_event w = {.id = 2, .t_ns = NS_PER_S, .kind = TRACE_CLIENT, .node = -1, .peer = -1,
                            .op = &h.ops[1]};
    run->c->on_event(run->st, &w);
    if (n3_crashed) event(run, TRACE_CRASH, 2, 2 * NS_PER_S);
    for (int32_t n = 0; n < 3; n++) {
        if ((n == 2 && n3_crashed) || (n == 1 && n2_reports == 0)) continue;
        bool text = n == 1 && n2_reports == 2;
        enum annotation_kind state = text ? ANNOTATION_NOTE : ANNOTATION_FINAL_STATE;
        enum annotation_kind value = text ? ANNOTATION_NOTE : ANNOTATION_FINAL_VALUE;
        annotate(run, n, state, "final-state", held[n][0] + held[n][1], 0, "", end_ns);
        if (held[n][0]) annotate(run, n, value, "final", 11, 11, "key=11 value=11", end_ns);
        if (held[n][1]) annotate(run, n, value, "final", 12, 12, "key=12 value=12", end_ns);
    }
    enum check_verdict v = finish(run, &h, end_ns);
    history_deinit(&h);
    return v;
}

static void test_broadcast(void **state) {
    (void)state;
    struct run run;
    const bool all[3][2] = {{true, true}, {true, true}, {true, true}};
    const bool n2_lacks[3][2] = {{true, true}, {true, false}, {true, true}};
    const bool n3_lacks[3][2] = {{true, true}, {true, true}, {false, false}};
    assert_int_equal(broadcast_verdict(NULL, all, false, 1, 5 * NS_PER_S, &run), CHECK_PASS);
    assert_int_equal(broadcast_verdict(NULL, n2_lacks, false, 1, 5 * NS_PER_S, &run), CHECK_FAIL);
    assert_int_equal(run.r.violations_count, 1);
    assert_non_null(strstr(run.r.violations[0].message, "message 12 (acknowledged by n1) never reached n2"));
    /* a crashed node is not judged */
    assert_int_equal(broadcast_verdict(NULL, n3_lacks, true, 1, 5 * NS_PER_S, &run), CHECK_PASS);
    /* a live node that reported nothing */
    assert_int_equal(broadcast_verdict(NULL, all, false, 0, 5 * NS_PER_S, &run), CHECK_FAIL);
    assert_non_null(strstr(run.r.violations[0].message, "n2 is up but reported no final state"));
    /* text annotations in the old convention are notes for people, not reports */
    assert_int_equal(broadcast_verdict(NULL, all, false, 2, 5 * NS_PER_S, &run), CHECK_FAIL);
    assert_int_equal(run.r.violations_count, 1);
    assert_non_null(strstr(run.r.violations[0].message, "n2 is up but reported no final state"));
    /* the run ended 4s after the last write: a 4.5s bound cannot be judged yet */
    assert_int_equal(broadcast_verdict("4500ms", n2_lacks, false, 1, 5 * NS_PER_S, &run), CHECK_UNKNOWN);
    assert_int_equal(broadcast_verdict("2s", n2_lacks, false, 1, 5 * NS_PER_S, &run), CHECK_FAIL);
}

static void test_bad_arguments(void **state) {
    (void)state;
    struct scenario s = fake_scenario();
    const char *const cases[][2] = {{"echo", "1s"}, {"unique-ids", "x"}, {"broadcast", "soon"}, {"broadcast", "0s"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct scenario_check check;
        memset(&check, 0, sizeof check);
        snprintf(check.name, sizeof check.name, "%s", cases[i][0]);
        check.args = (char *)cases[i][1];
        void *st = NULL;
        struct diag d;
        diag_clear(&d);
        assert_int_equal(checker_find(cases[i][0])->create(&s, &check, &st, &d), -1);
        assert_non_null(strstr(d.message, cases[i][1]));
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_echo),
        cmocka_unit_test(test_unique_ids),
        cmocka_unit_test(test_broadcast),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
