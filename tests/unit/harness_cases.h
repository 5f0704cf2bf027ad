/* harness_cases.h: checker tests as tables (part of the unit-test harness,
 * included by harness.h). A checker test that is "these events, then this
 * verdict" is one row of a table instead of one function each:
 *
 *   static const struct h_ck_case cases[] = {
 *       {"at-once accepts a handover at the same instant", "single-primary-at-once", "", 4,
 *        H_STEPS(H_ROLE(0, 0, "primary", 1), H_ROLE(2000, 0, "backup", 1), H_ROLE(2000, 1, "primary", 2)),
 *        5000, .want = DSLAB_CHECK_PASS},
 *   };
 *   H_MAIN_CASES_AND(cases, cmocka_unit_test(test_something_else))
 *
 * Every row is its own cmocka test (named by the row), run by
 * h_ck_case_test: the steps are fed to the checker as h_ck_* would (in
 * order, increasing trace ids), then the verdict and every expectation the
 * row sets are asserted. What a row leaves zero is not checked, except the
 * verdict. A row names `.want` (so its other fields are designated too).
 * Tests that need more than this stay functions. */
#ifndef DSLAB_TESTS_HARNESS_CASES_H
#define DSLAB_TESTS_HARNESS_CASES_H

enum h_step_kind {
    H_STEP_END = 0,
    H_STEP_NOTE,        /* h_ck_note(t, node, tag, text, a) */
    H_STEP_ROLE,        /* h_ck_role(t, node, text, a) */
    H_STEP_REPORT,      /* h_ck_report(t, node, k1, k2, tag, text, a, b) */
    H_STEP_EVENT,       /* h_ck_emit(t, k1, node, b (peer), a, tag, text) */
    H_STEP_FINAL_STATE, /* h_ck_final_state(t, node, text) */
    H_STEP_FINAL_VALUE, /* h_ck_final_value(t, node, a, b) */
    H_STEP_RECORD,      /* h_ck_record, emitted: op c, type k2, fn k1, node, key a, value b, at t */
    H_STEP_OP,          /* h_ck_op(node, k1, a, b, t, c, k2): history only */
    H_STEP_HISTORY,     /* h_ck_record, history only: as H_STEP_RECORD */
};

struct h_step {
    enum h_step_kind kind;
    int64_t t_ms;
    int32_t node;
    const char *tag;
    const char *text;
    int64_t a, b, c;
    int k1, k2;
};

#define H_STEPS_END {H_STEP_END, 0, 0, NULL, NULL, 0, 0, 0, 0, 0}
/* A row's steps: H_STEPS(H_ROLE(...), H_CRASH(...)), ended for you. */
#define H_STEPS(...) ((const struct h_step[]){__VA_ARGS__, H_STEPS_END})
/* A row that feeds nothing (the checker sees an empty run). */
#define H_NO_STEPS ((const struct h_step[]){H_STEPS_END})
#define H_NOTE(t_ms, node, tag, text, a) {H_STEP_NOTE, (t_ms), (node), (tag), (text), (a), 0, 0, 0, 0}
#define H_ROLE(t_ms, node, text, term) {H_STEP_ROLE, (t_ms), (node), NULL, (text), (term), 0, 0, 0, 0}
#define H_REPORT(t_ms, node, akind, role, tag, text, a, b)                                           \
    {H_STEP_REPORT, (t_ms), (node), (tag), (text), (a), (b), 0, (akind), (role)}
#define H_EMIT(t_ms, tkind, node, peer, a, text) {H_STEP_EVENT, (t_ms), (node), NULL, (text), (a), (peer), 0, (tkind), 0}
#define H_EVENT(t_ms, tkind, node, a) H_EMIT((t_ms), (tkind), (node), -1, (a), NULL)
#define H_CRASH(t_ms, node) H_EVENT((t_ms), DSLAB_TRACE_CRASH, (node), 0)
#define H_FINAL_STATE(t_ms, node, role_text) {H_STEP_FINAL_STATE, (t_ms), (node), NULL, (role_text), 0, 0, 0, 0, 0}
#define H_FINAL_VALUE(t_ms, node, key, value) {H_STEP_FINAL_VALUE, (t_ms), (node), NULL, NULL, (key), (value), 0, 0, 0}
/* A client record fed to the checker: op `op_id` of `type`, `fn` by `node`. */
#define H_RECORD(op_id, type, fn, node, key, value, t_ms)                                            \
    {H_STEP_RECORD, (t_ms), (node), NULL, NULL, (key), (value), (op_id), (fn), (type)}
/* The same record in the history only (not fed as an event). */
#define H_HISTORY(op_id, type, fn, node, key, value, t_ms)                                           \
    {H_STEP_HISTORY, (t_ms), (node), NULL, NULL, (key), (value), (op_id), (fn), (type)}
/* h_ck_op: invoked at t0, completed with `type` at t1 (history only). */
#define H_OP(client, fn, key, value, t0_ms, t1_ms, type)                                             \
    {H_STEP_OP, (t0_ms), (client), NULL, NULL, (key), (value), (t1_ms), (fn), (type)}

/* Designated-initializer pieces for a row's expectations. */
#define H_VIOLATIONS(n) .has_violations = true, .violations = (n)
#define H_FROM(ms) .has_from = true, .from_ns = (int64_t)(ms) * DSLAB_NS_PER_MS
#define H_TO_NS(ns) .has_to = true, .to_ns = (ns)
#define H_WINDOW(from_ms, to_ms) H_FROM(from_ms), H_TO_NS((int64_t)(to_ms) * DSLAB_NS_PER_MS)
/* Bit for step i (0-based) in a row's `evidence` mask. */
#define H_S(i) (UINT32_C(1) << (i))

enum { H_CASE_STEPS_MAX = 32 };

struct h_ck_case {
    const char *name; /* the cmocka test's name */
    const char *checker;
    const char *args;
    int nodes;                  /* n1..nN (ignored with node_names) */
    const struct h_step *steps; /* H_STEPS(...) (ends with H_STEPS_END); at most H_CASE_STEPS_MAX */
    int64_t end_ms;
    enum dslab_check_verdict want;
    const char *node_names;     /* space-separated (h_ck_begin_named), or NULL */
    const char *summary_has[3]; /* each in the result's summary */
    bool has_violations;
    int violations; /* violations_total */
    /* the first violation: */
    const char *message_has[2]; /* each in its message */
    bool has_from, has_to;
    int64_t from_ns, to_ns;
    uint32_t nodes_in, nodes_out; /* bit n: node n is / is not among its nodes */
    int nodes_count;              /* 0: not checked */
    bool nodes_ordered;           /* its nodes are node_ids[0..nodes_count), in order */
    int32_t node_ids[4];
    uint32_t evidence;            /* H_S(i): step i's trace id is in its evidence */
    int evidence_count;           /* 0: not checked */
    const char *second_message_has; /* in the second violation's message */
    /* A row with `refuse` feeds nothing: the checker must refuse each of
     * these args (NULL-terminated) on `nodes` nodes, with a message that
     * contains refuse_has (h_ck_expect_refused_each). */
    const char *const *refuse;
    const char *refuse_has;
};

/* Any table: runs each of `count` rows (`size` bytes each, whose first
 * member is the row's name, a const char *) as its own cmocka test `fn`
 * (*state is the row), then `more`; cmocka's status. */
int h_run_rows(const void *rows, size_t count, size_t size, CMUnitTestFunction fn, const struct CMUnitTest *more,
               size_t more_count);
/* main() for a table of rows run by `fn`. */
#define H_MAIN_ROWS(rows, fn)                                                                      \
    int main(void) { return h_run_rows((rows), sizeof(rows) / sizeof((rows)[0]), sizeof((rows)[0]), (fn), NULL, 0); }
/* main() for a table of rows run by `fn` and the file's other tests (at least one). */
#define H_MAIN_ROWS_AND(rows, fn, ...)                                                             \
    int main(void) {                                                                               \
        const struct CMUnitTest h_more[] = {__VA_ARGS__};                                          \
        return h_run_rows((rows), sizeof(rows) / sizeof((rows)[0]), sizeof((rows)[0]), (fn), h_more, \
                          sizeof h_more / sizeof h_more[0]);                                       \
    }

/* ---- scenario runs as rows: what the recorder must count, the verdict ---- */

/* h_count(m) compared with n: op '=' equal, '>' more than, 'g' at least. */
struct h_count_want {
    struct h_match m;
    char op;
    int n;
};

struct h_run_case {
    const char *name;
    const char *yaml;              /* run to its end (h_run) */
    const char *tags;              /* recorded (h_rec) */
    struct h_count_want counts[8]; /* up to the first with op 0 */
    bool has_verdict;
    enum dslab_check_verdict verdict; /* of the scenario's first check */
    const char *message_has;          /* in that check's first violation */
};
/* The row's verdict: .has_verdict = true, .verdict = (v). */
#define H_VERDICT(v) .has_verdict = true, .verdict = (v)
/* A cmocka test function: *state is a const struct h_run_case. */
void h_run_case_test(void **state);

/* A cmocka test function: *state is a const struct h_ck_case. */
void h_ck_case_test(void **state);
/* Runs each row of `cases` as its own test, then `more`; cmocka's status. */
int h_run_cases(const struct h_ck_case *cases, size_t count, const struct CMUnitTest *more, size_t more_count);

/* main() for a table of rows. */
#define H_MAIN_CASES(cases)                                                                        \
    int main(void) { return h_run_cases((cases), sizeof(cases) / sizeof((cases)[0]), NULL, 0); }
/* main() for a table of rows and the file's other tests (at least one). */
#define H_MAIN_CASES_AND(cases, ...)                                                               \
    int main(void) {                                                                               \
        const struct CMUnitTest h_more[] = {__VA_ARGS__};                                          \
        return h_run_cases((cases), sizeof(cases) / sizeof((cases)[0]), h_more,                    \
                           sizeof h_more / sizeof h_more[0]);                                      \
    }

#endif
