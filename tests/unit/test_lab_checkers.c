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

/* A history op, as the simulator records it (op and trace ids count from 1). */
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

/* A completed op in the history only, by node (= client 0's request to it). */
#define OP(id, type, fn, node, key, value, t_ms) H_HISTORY((id), (type), (fn), (node), (key), (value), (t_ms))
#define READ_OK(id, node, key, value, t_ms) OP((id), DSLAB_OP_OK, DSLAB_OP_READ, (node), (key), (value), (t_ms))
#define NIL DSLAB_HISTORY_NIL
/* echo: two ok echoes of their keys, one timed out (no verdict), one write (not an echo) */
#define ECHO_BASE                                                                                  \
    READ_OK(1, 0, 7, 7, 10), OP(2, DSLAB_OP_INFO, DSLAB_OP_READ, 1, 8, NIL, 20),                   \
        OP(3, DSLAB_OP_OK, DSLAB_OP_WRITE, 1, 8, 123, 30)
/* unique-ids: three distinct ids from three nodes and a refusal */
#define IDS_BASE                                                                                   \
    READ_OK(1, 0, 0, 1, 10), READ_OK(2, 1, 0, 2, 20), OP(3, DSLAB_OP_FAIL, DSLAB_OP_READ, 1, 0, NIL, 25), \
        READ_OK(4, 2, 0, 3, 30)

static const struct h_ck_case cases[] = {
    {"echo: ok echoes pass; a timeout or a write proves nothing", "echo", NULL, 3, H_STEPS(ECHO_BASE), 100,
     .want = DSLAB_CHECK_PASS},
    {"echo: a wrong value fails", "echo", NULL, 3, H_STEPS(ECHO_BASE, READ_OK(4, 2, 9, 10, 40) /* wrong value */), 100,
     .want = DSLAB_CHECK_FAIL, H_VIOLATIONS(1), .nodes_ordered = true, .nodes_count = 1, .node_ids = {2},
     .message_has = {"came back as 10"}},
    {"echo: a refused and an empty echo fail", "echo", NULL, 3,
     H_STEPS(OP(1, DSLAB_OP_FAIL, DSLAB_OP_READ, 1, 0, NIL, 10), READ_OK(2, 1, 5, NIL, 20)), 100,
     .want = DSLAB_CHECK_FAIL, H_VIOLATIONS(2), .message_has = {"refused"}, .second_message_has = "empty"},
    {"unique-ids: distinct ids pass", "unique-ids", NULL, 3, H_STEPS(IDS_BASE), 100, .want = DSLAB_CHECK_PASS},
    {"unique-ids: an id from two nodes fails, naming both", "unique-ids", NULL, 3,
     H_STEPS(IDS_BASE, READ_OK(5, 2, 0, 1, 40) /* n3 repeats n1's id */), 100, .want = DSLAB_CHECK_FAIL,
     H_VIOLATIONS(1), .nodes_ordered = true, .nodes_count = 2, .node_ids = {0, 2}, H_WINDOW(10, 40)},
    {"unique-ids: one node twice, and an ok without an id, fail", "unique-ids", NULL, 3,
     H_STEPS(READ_OK(1, 1, 0, 5, 10), READ_OK(2, 1, 0, 5, 20) /* one node, twice */, READ_OK(3, 0, 0, NIL, 30)), 100,
     .want = DSLAB_CHECK_FAIL, H_VIOLATIONS(2)},
    /* each checker names the argument it refuses */
    {"echo refuses an argument", "echo", NULL, 3, .refuse = (const char *const[]){"1s", NULL}, .refuse_has = "1s"},
    {"unique-ids refuses an argument", "unique-ids", NULL, 3, .refuse = (const char *const[]){"x", NULL},
     .refuse_has = "x"},
    {"broadcast refuses a word", "broadcast", NULL, 3, .refuse = (const char *const[]){"soon", NULL},
     .refuse_has = "soon"},
    {"broadcast refuses a zero bound", "broadcast", NULL, 3, .refuse = (const char *const[]){"0s", NULL},
     .refuse_has = "0s"},
};

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

H_MAIN_CASES_AND(cases, cmocka_unit_test(test_broadcast))
