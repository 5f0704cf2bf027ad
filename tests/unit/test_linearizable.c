/* test_linearizable.c: the linearizability search, its models and the
 * `linearizable` checker, on hand-built histories it must accept or
 * reject: overlapping operations in either order, indeterminate operations
 * that did or did not happen, cas success and failure, stale reads, reads
 * of values never written, impossible real-time orders, the budget that
 * turns a hard search into UNKNOWN, and the checker's window, nodes and
 * evidence fields. Positions are small integers: [call, ret). */
#include <stdint.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/lin_models.h"
#include "dslab/check.h"
#include "harness.h"

#define OPEN LIN_POS_NEVER

/* ---- building histories ---------------------------------------------- */

static void add(struct lin_history *h, int64_t client, int fn, int64_t key, int64_t value,
                int64_t expected, int64_t call, int64_t ret, uint32_t flags) {
    struct lin_op op = {.fn = fn, .flags = flags, .key = key, .value = value, .expected = expected,
                        .call_pos = call, .ret_pos = ret, .client = client, .node = -1,
                        .call_line = (int)call + 1, .ret_line = ret == OPEN ? 0 : (int)ret + 1};
    if (ret == OPEN) op.flags |= LIN_OP_OPEN;
    assert_true(lin_history_add_op(h, &op) >= 0);
}

static void w(struct lin_history *h, int64_t client, int64_t v, int64_t call, int64_t ret) {
    add(h, client, DSLAB_OP_WRITE, 0, v, 0, call, ret, 0);
}

static void r(struct lin_history *h, int64_t client, int64_t v, int64_t call, int64_t ret) {
    add(h, client, DSLAB_OP_READ, 0, v, 0, call, ret, 0);
}

static void cas(struct lin_history *h, int64_t client, int64_t from, int64_t to, int64_t call,
                int64_t ret, uint32_t flags) {
    add(h, client, DSLAB_OP_CAS, 0, to, from, call, ret, flags);
}

static enum lin_verdict check_model(const struct lin_history *h, enum lin_model_kind model,
                                    bool initial_set, int64_t initial, uint64_t states_max,
                                    struct lin_check_report *rep) {
    struct lin_check_config cfg = {.model = model, .initial_set = initial_set, .initial = initial,
                                   .states_max = states_max, .bytes_max = (size_t)64 << 20};
    struct dslab_diag d;
    dslab_diag_clear(&d);
    assert_int_equal(lin_check(h, &cfg, "test", rep, &d), 0);
    return rep->verdict;
}

/* Checks a cas-register history from nil (or `initial`) and returns the verdict. */
static enum lin_verdict verdict_of(const struct lin_history *h, bool initial_set, int64_t initial) {
    struct lin_check_report rep;
    enum lin_verdict v = check_model(h, LIN_MODEL_CAS_REGISTER, initial_set, initial, 100000, &rep);
    lin_check_report_deinit(&rep);
    return v;
}

#define H_BEGIN struct lin_history h; lin_history_init(&h)
#define H_END lin_history_deinit(&h)

/* ---- register histories and their verdicts, one row each ---------- */

/* One operation of a row: as add() takes it. */
struct lin_row_op {
    bool used; /* false ends the row's ops */
    int64_t client;
    int fn;
    int64_t value, expected, call, ret;
    uint32_t flags;
};
#define W(client, v, call, ret) {true, (client), DSLAB_OP_WRITE, (v), 0, (call), (ret), 0}
#define R(client, v, call, ret) {true, (client), DSLAB_OP_READ, (v), 0, (call), (ret), 0}
#define CAS(client, from, to, call, ret, flags) {true, (client), DSLAB_OP_CAS, (to), (from), (call), (ret), (flags)}
#define NIL DSLAB_HISTORY_NIL

struct lin_row {
    const char *name;
    struct lin_row_op ops[8];
    bool initial_set;         /* the register starts at 0, not nil */
    enum lin_verdict want;
};

static const struct lin_row rows[] = {
    /* accepted */
    {"overlapping writes may take effect in either order (1 last)", {W(0, 1, 0, 10), W(1, 2, 1, 11), R(2, 1, 12, 13), R(0, 1, 14, 15)},
     false, LIN_LINEARIZABLE},
    {"overlapping writes may take effect in either order (2 last)", {W(0, 1, 0, 10), W(1, 2, 1, 11), R(2, 2, 12, 13), R(0, 2, 14, 15)},
     false, LIN_LINEARIZABLE},
    {"a read concurrent with a write may see the old value", {W(0, 1, 0, 1), W(0, 2, 2, 10), R(1, 1, 3, 4)}, false,
     LIN_LINEARIZABLE},
    {"a read concurrent with a write may see the new value", {W(0, 1, 0, 1), W(0, 2, 2, 10), R(1, 2, 3, 4)}, false,
     LIN_LINEARIZABLE},
    {"an indeterminate write that happened may be read",
     {W(0, 5, 0, OPEN) /* client 0 crashed: :info */, R(1, 5, 3, 4), R(1, 5, 5, 6)}, false, LIN_LINEARIZABLE},
    {"an indeterminate write that never happened is fine", {W(0, 5, 0, OPEN), R(1, NIL, 3, 4), R(1, NIL, 100, 101)}, false,
     LIN_LINEARIZABLE},
    {"an indeterminate write takes effect late",
     {W(0, 5, 0, OPEN), R(1, NIL, 3, 4), R(1, 5, 10, 11) /* it happened between the two reads */}, false,
     LIN_LINEARIZABLE},
    {"cas success and failure",
     {W(0, 0, 0, 1), CAS(0, 0, 1, 2, 3, 0) /* succeeded */,
      CAS(1, 0, 2, 4, 5, LIN_OP_CAS_FAILED) /* returned false: value was 1 */, R(2, 1, 6, 7),
      CAS(3, 7, 9, 8, OPEN, 0) /* indeterminate, compare fails: a no-op */, R(2, 1, 20, 21)},
     false, LIN_LINEARIZABLE},
    {"the initial value is configurable: 0", {CAS(0, 0, 3, 0, 1, 0), R(1, 3, 2, 3)}, true, LIN_LINEARIZABLE},
    {"the initial value is configurable: nil is not 0", {CAS(0, 0, 3, 0, 1, 0), R(1, 3, 2, 3)}, false,
     LIN_NOT_LINEARIZABLE},
    {"unconstrained reads never reject",
     {W(0, 1, 0, 1), {true, 1, DSLAB_OP_READ, NIL, 0, 2, 3, LIN_OP_OUT_UNKNOWN} /* timed-out read */,
      R(1, NIL, 4, OPEN) /* :info read */},
     false, LIN_LINEARIZABLE},
    /* rejected */
    {"a read of a value never written is rejected", {W(0, 1, 0, 10), W(1, 2, 0, 10), R(2, 7, 1, 9)}, false,
     LIN_NOT_LINEARIZABLE},
    {"real-time order between clients is enforced",
     {W(0, 1, 0, 1) /* A's write completes ... */, R(1, NIL, 2, 3) /* ... before B's read starts: nil is impossible */},
     false, LIN_NOT_LINEARIZABLE},
    {"an indeterminate write cannot unhappen",
     {W(0, 5, 0, OPEN), R(1, 5, 3, 4), R(1, NIL, 5, 6) /* once seen, it happened */}, false, LIN_NOT_LINEARIZABLE},
    {"a failed cas whose compare held is rejected",
     {W(0, 4, 0, 1), CAS(1, 4, 5, 2, 3, LIN_OP_CAS_FAILED) /* value was 4: it must have succeeded */}, false,
     LIN_NOT_LINEARIZABLE},
    {"a cas that succeeded needs the expected value", {W(0, 1, 0, 1), CAS(1, 2, 3, 2, 3, 0)}, false,
     LIN_NOT_LINEARIZABLE},
};

static void test_row(void **state) {
    const struct lin_row *row = *state;
    H_BEGIN;
    for (int i = 0; i < 8 && row->ops[i].used; i++) {
        const struct lin_row_op *o = &row->ops[i];
        add(&h, o->client, o->fn, 0, o->value, o->expected, o->call, o->ret, o->flags);
    }
    assert_int_equal(verdict_of(&h, row->initial_set, 0), row->want);
    H_END;
}

/* ---- rejected --------------------------------------------------------- */

static void test_stale_read_after_completed_write_is_rejected(void **s) {
    (void)s;
    H_BEGIN;
    w(&h, 0, 1, 0, 1);
    w(&h, 0, 2, 2, 3);
    r(&h, 1, 1, 4, 5);
    struct lin_check_report rep;
    assert_int_equal(check_model(&h, LIN_MODEL_CAS_REGISTER, false, 0, 1000, &rep),
                     LIN_NOT_LINEARIZABLE);
    /* The read is the op that cannot be linearized, after both writes. */
    assert_int_equal(rep.first_fail, 0);
    assert_int_equal(rep.partitions[0].blocked_op, 2);
    assert_int_equal(rep.partitions[0].linearized_count, 2);
    assert_int_equal(rep.partitions[0].last_op, 1);
    assert_string_equal(rep.partitions[0].state, "2");
    lin_check_report_deinit(&rep);
    H_END;
}

static void test_register_model_rejects_cas_as_bad_input(void **s) {
    (void)s;
    H_BEGIN;
    cas(&h, 1, 2, 3, 2, 3, 0);
    struct lin_check_config cfg = {.model = LIN_MODEL_REGISTER, .states_max = 10, .bytes_max = 1 << 20};
    struct lin_check_report rep;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    assert_int_equal(lin_check(&h, &cfg, "f.log", &rep, &d), -1);
    assert_non_null(strstr(d.message, "cas-register"));
    assert_int_equal(d.line, 3);
    H_END;
}

/* ---- budget ----------------------------------------------------------- */

/* n concurrent writes and a read of a value never written: the search must
 * try every subset of writes before it can say no. */
static void hard_history(struct lin_history *h, int n) {
    for (int i = 0; i < n; i++) w(h, i, i + 1, i, 1000 + i);
    r(h, n, 999, n, 2000);
}

static void test_budget_exhaustion_is_unknown_not_a_hang(void **s) {
    (void)s;
    H_BEGIN;
    hard_history(&h, 24);
    struct lin_check_report rep;
    assert_int_equal(check_model(&h, LIN_MODEL_CAS_REGISTER, false, 0, 5000, &rep), LIN_UNKNOWN);
    assert_int_equal(rep.partitions[0].unknown_reason, LIN_UNKNOWN_STATES);
    assert_true(rep.partitions[0].states <= 5000);
    lin_check_report_deinit(&rep);
    H_END;
}

static void test_small_hard_history_is_decided_within_budget(void **s) {
    (void)s;
    H_BEGIN;
    hard_history(&h, 8);
    assert_int_equal(verdict_of(&h, false, 0), LIN_NOT_LINEARIZABLE);
    H_END;
}

/* Timeouts during a partition: many indeterminate writes of values nobody
 * reads. They must not blow up the search for a real violation. */
static void test_many_unobserved_indeterminate_writes_stay_cheap(void **s) {
    (void)s;
    H_BEGIN;
    w(&h, 0, 1, 0, 1);
    for (int i = 0; i < 40; i++) w(&h, 10 + i, 100 + i, 2 + i, OPEN);
    w(&h, 1, 2, 50, 51);
    r(&h, 2, 1, 52, 53); /* stale */
    struct lin_check_report rep;
    assert_int_equal(check_model(&h, LIN_MODEL_CAS_REGISTER, false, 0, 2000, &rep),
                     LIN_NOT_LINEARIZABLE);
    assert_true(rep.partitions[0].states < 100);
    lin_check_report_deinit(&rep);
    H_END;
}

/* A failed cas observes "not equal": an unread indeterminate write can be
 * what made it fail, so it must not be dropped. */
static void test_failed_cas_can_depend_on_an_unread_indeterminate_write(void **s) {
    (void)s;
    H_BEGIN;
    w(&h, 0, 3, 0, 1);
    w(&h, 1, 5, 2, OPEN);
    cas(&h, 2, 3, 9, 3, 4, LIN_OP_CAS_FAILED);
    assert_int_equal(verdict_of(&h, false, 0), LIN_LINEARIZABLE);
    h.ops[1].call_pos = 5; /* the write began only after the cas returned */
    assert_int_equal(verdict_of(&h, false, 0), LIN_NOT_LINEARIZABLE);
    H_END;
}

static void test_long_sequential_history_does_not_recurse(void **s) {
    (void)s;
    H_BEGIN;
    for (int i = 0; i < 20000; i++) {
        w(&h, 0, i, 4 * i, 4 * i + 1);
        r(&h, 1, i, 4 * i + 2, 4 * i + 3);
    }
    struct lin_check_report rep;
    assert_int_equal(check_model(&h, LIN_MODEL_CAS_REGISTER, false, 0, 100000, &rep),
                     LIN_LINEARIZABLE);
    assert_int_equal(rep.partitions[0].linearized_count, 40000);
    lin_check_report_deinit(&rep);
    H_END;
}

/* ---- kv, per key ------------------------------------------------------ */

static void test_kv_keys_are_checked_independently(void **s) {
    (void)s;
    H_BEGIN;
    add(&h, 0, DSLAB_OP_WRITE, 1, 10, 0, 0, 1, 0);
    add(&h, 0, DSLAB_OP_WRITE, 2, 20, 0, 2, 3, 0);
    add(&h, 1, DSLAB_OP_READ, 1, 10, 0, 4, 5, 0);
    add(&h, 1, DSLAB_OP_READ, 2, 10, 0, 6, 7, 0);          /* key 2 never held 10 */
    add(&h, 1, DSLAB_OP_READ, 3, DSLAB_HISTORY_NIL, 0, 8, 9, 0); /* key 3 never written */
    struct lin_check_report rep;
    assert_int_equal(check_model(&h, LIN_MODEL_KV, false, 0, 1000, &rep), LIN_NOT_LINEARIZABLE);
    assert_int_equal(rep.partitions_count, 3);
    int failed = 0;
    for (size_t i = 0; i < rep.partitions_count; i++) {
        if (rep.partitions[i].verdict == LIN_NOT_LINEARIZABLE) {
            failed++;
            assert_int_equal(rep.partitions[i].key, 2);
            assert_int_equal(rep.partitions[i].blocked_op, 3);
        }
    }
    assert_int_equal(failed, 1);
    lin_check_report_deinit(&rep);
    H_END;
}

static void test_kv_string_appends_concurrent_in_either_order(void **s) {
    (void)s;
    H_BEGIN;
    h.string_values = true;
    int64_t a = lin_strings_intern(&h.strings, "a", 1);
    int64_t b = lin_strings_intern(&h.strings, "b", 1);
    int64_t ab = lin_strings_intern(&h.strings, "ab", 2);
    int64_t ba = lin_strings_intern(&h.strings, "ba", 2);
    add(&h, 0, DSLAB_OP_APPEND, 0, a, 0, 0, 10, 0);
    add(&h, 1, DSLAB_OP_APPEND, 0, b, 0, 1, 11, 0);
    add(&h, 2, DSLAB_OP_READ, 0, ba, 0, 12, 13, 0);
    struct lin_check_report rep;
    assert_int_equal(check_model(&h, LIN_MODEL_KV, false, 0, 1000, &rep), LIN_LINEARIZABLE);
    lin_check_report_deinit(&rep);
    h.ops[2].value = ab;
    assert_int_equal(check_model(&h, LIN_MODEL_KV, false, 0, 1000, &rep), LIN_LINEARIZABLE);
    lin_check_report_deinit(&rep);
    h.ops[2].value = a; /* both appends completed before the read */
    assert_int_equal(check_model(&h, LIN_MODEL_KV, false, 0, 1000, &rep), LIN_NOT_LINEARIZABLE);
    assert_string_equal(rep.partitions[0].state, "\"ab\"");
    lin_check_report_deinit(&rep);
    H_END;
}

static void test_kv_txn_joins_keys_into_one_partition(void **s) {
    (void)s;
    H_BEGIN;
    /* txn [write x 1, write y 1] then a read of x=1, y=0: torn. */
    struct lin_micro m[] = {{.fn = DSLAB_OP_WRITE, .key = 1, .value = 1},
                            {.fn = DSLAB_OP_WRITE, .key = 2, .value = 1},
                            {.fn = DSLAB_OP_READ, .key = 1, .value = 1},
                            {.fn = DSLAB_OP_READ, .key = 2, .value = 0}};
    for (int i = 0; i < 4; i++) assert_true(lin_history_add_micro(&h, &m[i]) >= 0);
    struct lin_op t1 = {.fn = LIN_FN_TXN, .call_pos = 0, .ret_pos = 1, .micro_first = 0, .micro_count = 2};
    struct lin_op t2 = {.fn = LIN_FN_TXN, .call_pos = 2, .ret_pos = 3, .micro_first = 2, .micro_count = 2};
    assert_true(lin_history_add_op(&h, &t1) >= 0);
    assert_true(lin_history_add_op(&h, &t2) >= 0);
    struct lin_check_report rep;
    assert_int_equal(check_model(&h, LIN_MODEL_KV, true, 0, 1000, &rep), LIN_NOT_LINEARIZABLE);
    assert_int_equal(rep.partitions_count, 1);
    lin_check_report_deinit(&rep);
    h.micros[3].value = 1;
    assert_int_equal(check_model(&h, LIN_MODEL_KV, true, 0, 1000, &rep), LIN_LINEARIZABLE);
    lin_check_report_deinit(&rep);
    H_END;
}

/* ---- mutex ------------------------------------------------------------ */

static void test_mutex_held_twice_is_rejected(void **s) {
    (void)s;
    H_BEGIN;
    add(&h, 0, DSLAB_OP_ACQUIRE, 0, 0, 0, 0, 1, 0);
    add(&h, 1, DSLAB_OP_ACQUIRE, 0, 0, 0, 2, 3, 0);
    struct lin_check_report rep;
    assert_int_equal(check_model(&h, LIN_MODEL_MUTEX, false, 0, 1000, &rep), LIN_NOT_LINEARIZABLE);
    assert_string_equal(rep.partitions[0].state, "held");
    lin_check_report_deinit(&rep);
    H_END;
}

static void test_mutex_indeterminate_release_may_have_happened(void **s) {
    (void)s;
    H_BEGIN;
    add(&h, 0, DSLAB_OP_ACQUIRE, 0, 0, 0, 0, 1, 0);
    add(&h, 0, DSLAB_OP_RELEASE, 0, 0, 0, 2, OPEN, 0); /* client 0 crashed while releasing */
    add(&h, 1, DSLAB_OP_ACQUIRE, 0, 0, 0, 3, 4, 0);
    struct lin_check_report rep;
    assert_int_equal(check_model(&h, LIN_MODEL_MUTEX, false, 0, 1000, &rep), LIN_LINEARIZABLE);
    lin_check_report_deinit(&rep);
    h.ops[1].call_pos = 5; /* released only after the second acquire returned: too late */
    assert_int_equal(check_model(&h, LIN_MODEL_MUTEX, false, 0, 1000, &rep), LIN_NOT_LINEARIZABLE);
    lin_check_report_deinit(&rep);
    H_END;
}

/* ---- the simulator checker -------------------------------------------- */

struct dslab_sim_history {
    struct dslab_history h;
    uint64_t next_trace_id;
};

static void rec(struct dslab_sim_history *sh, uint64_t op_id, enum dslab_op_type type, enum dslab_op_fn fn,
                int32_t client, int32_t node, int64_t key, int64_t value, int64_t t_ms) {
    struct dslab_history_op op = {.op_id = op_id, .type = type, .fn = fn, .client = client, .node = node,
                            .key = key, .value = value, .expected = 0, .time_ns = t_ms * 1000000,
                            .trace_id = sh->next_trace_id++};
    assert_int_equal(dslab_history_append(&sh->h, &op), 0);
}

static void run_checker(const char *args, const struct dslab_history *h, struct dslab_check_result *res) {
    const struct dslab_checker *c = dslab_checker_find("linearizable");
    assert_non_null(c);
    struct dslab_scenario sc;
    memset(&sc, 0, sizeof sc);
    snprintf(sc.path, sizeof sc.path, "t.yaml");
    struct dslab_scenario_check check = {.name = "linearizable", .args = (char *)args};
    void *state = NULL;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    assert_int_equal(c->create(&sc, &check, &state, &d), 0);
    memset(res, 0, sizeof *res);
    c->finish(state, h, 10000000000, res);
    c->destroy(state);
}

static void test_checker_reports_window_nodes_and_evidence(void **s) {
    (void)s;
    struct dslab_sim_history sh = {.next_trace_id = 100};
    dslab_history_init(&sh.h);
    rec(&sh, 1, DSLAB_OP_INVOKE, DSLAB_OP_WRITE, 0, 0, 7, 1, 10);  /* trace 100 */
    rec(&sh, 1, DSLAB_OP_OK, DSLAB_OP_WRITE, 0, 0, 7, 1, 20);      /* 101 */
    rec(&sh, 2, DSLAB_OP_INVOKE, DSLAB_OP_WRITE, 0, 0, 7, 2, 30);  /* 102 */
    rec(&sh, 2, DSLAB_OP_OK, DSLAB_OP_WRITE, 0, 0, 7, 2, 40);      /* 103 */
    rec(&sh, 3, DSLAB_OP_INVOKE, DSLAB_OP_READ, 1, 2, 7, 0, 50);   /* 104: read sent to n3 */
    rec(&sh, 3, DSLAB_OP_OK, DSLAB_OP_READ, 1, 2, 7, 1, 60);       /* 105: stale */
    rec(&sh, 4, DSLAB_OP_INVOKE, DSLAB_OP_WRITE, 2, 1, 8, 5, 70);  /* 106: key 8, crashed */
    rec(&sh, 4, DSLAB_OP_INFO, DSLAB_OP_WRITE, 2, 1, 8, 5, 80);    /* 107 */
    rec(&sh, 5, DSLAB_OP_INVOKE, DSLAB_OP_READ, 3, 1, 8, 0, 90);   /* 108 */
    rec(&sh, 5, DSLAB_OP_OK, DSLAB_OP_READ, 3, 1, 8, 5, 95);       /* 109: the info write happened */
    rec(&sh, 6, DSLAB_OP_INVOKE, DSLAB_OP_WRITE, 3, 1, 8, 6, 96);  /* 110 */
    rec(&sh, 6, DSLAB_OP_FAIL, DSLAB_OP_WRITE, 3, 1, 8, 6, 97);    /* 111: did not happen */
    rec(&sh, 7, DSLAB_OP_INVOKE, DSLAB_OP_READ, 3, 1, 8, 0, 98);   /* 112 */
    rec(&sh, 7, DSLAB_OP_OK, DSLAB_OP_READ, 3, 1, 8, 5, 99);       /* 113 */
    rec(&sh, 8, DSLAB_OP_INVOKE, DSLAB_OP_WRITE, 2, 0, 9, 3, 99);  /* 114: never completes */
    struct dslab_check_result res;
    run_checker("", &sh.h, &res);
    assert_int_equal(res.verdict, DSLAB_CHECK_FAIL);
    assert_int_equal(res.violations_total, 1);
    const struct dslab_check_violation *v = &res.violations[0];
    assert_int_equal(v->from_ns, 50000000);
    assert_int_equal(v->to_ns, 60000000);
    assert_int_equal(v->nodes_count, 2);
    assert_int_equal(v->nodes[0], 2); /* the read's node, then the last write's */
    assert_int_equal(v->nodes[1], 0);
    assert_int_equal(v->evidence_count, 4);
    assert_int_equal(v->evidence[0], 104);
    assert_int_equal(v->evidence[1], 105);
    assert_int_equal(v->evidence[2], 102);
    assert_int_equal(v->evidence[3], 103);
    assert_non_null(strstr(v->message, "key 7"));
    assert_non_null(strstr(v->message, "read -> 1"));
    /* Key 8 passed: without the stale read, everything is linearizable. */
    sh.h.ops[5].value = 2;
    run_checker("budget=1000", &sh.h, &res);
    assert_int_equal(res.verdict, DSLAB_CHECK_PASS);
    assert_int_equal(res.violations_total, 0);
    dslab_history_deinit(&sh.h);
}

static void test_checker_budget_exhaustion_is_unknown(void **s) {
    (void)s;
    struct dslab_sim_history sh = {.next_trace_id = 0};
    dslab_history_init(&sh.h);
    for (int i = 0; i < 20; i++) rec(&sh, (uint64_t)i + 1, DSLAB_OP_INVOKE, DSLAB_OP_WRITE, i, 0, 0, i + 1, 1);
    rec(&sh, 100, DSLAB_OP_INVOKE, DSLAB_OP_READ, 50, 0, 0, 0, 2);
    for (int i = 0; i < 20; i++) rec(&sh, (uint64_t)i + 1, DSLAB_OP_OK, DSLAB_OP_WRITE, i, 0, 0, i + 1, 3);
    rec(&sh, 100, DSLAB_OP_OK, DSLAB_OP_READ, 50, 0, 0, 999, 4);
    struct dslab_check_result res;
    run_checker("budget=500", &sh.h, &res);
    assert_int_equal(res.verdict, DSLAB_CHECK_UNKNOWN);
    run_checker("700", &sh.h, &res);
    assert_int_equal(res.verdict, DSLAB_CHECK_UNKNOWN);
    assert_non_null(strstr(res.summary, "budget"));
    dslab_history_deinit(&sh.h);
}

static void test_checker_rejects_bad_arguments(void **s) {
    (void)s;
    const struct dslab_checker *c = dslab_checker_find("linearizable");
    assert_non_null(c);
    struct dslab_scenario sc;
    memset(&sc, 0, sizeof sc);
    const char *bad[] = {"budget=", "budget=0", "budget=12x", "fast", "budget=-3", "0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct dslab_scenario_check check = {.name = "linearizable", .args = (char *)bad[i],
                                       .pos = {.line = 4, .col = 9}};
        void *state = NULL;
        struct dslab_diag d;
        dslab_diag_clear(&d);
        assert_int_equal(c->create(&sc, &check, &state, &d), -1);
        assert_int_equal(d.line, 4);
    }
}

H_MAIN_ROWS_AND(rows, test_row,        cmocka_unit_test(test_stale_read_after_completed_write_is_rejected),
       cmocka_unit_test(test_register_model_rejects_cas_as_bad_input),
       cmocka_unit_test(test_budget_exhaustion_is_unknown_not_a_hang),
       cmocka_unit_test(test_small_hard_history_is_decided_within_budget),
       cmocka_unit_test(test_many_unobserved_indeterminate_writes_stay_cheap),
       cmocka_unit_test(test_failed_cas_can_depend_on_an_unread_indeterminate_write),
       cmocka_unit_test(test_long_sequential_history_does_not_recurse),
       cmocka_unit_test(test_kv_keys_are_checked_independently),
       cmocka_unit_test(test_kv_string_appends_concurrent_in_either_order),
       cmocka_unit_test(test_kv_txn_joins_keys_into_one_partition),
       cmocka_unit_test(test_mutex_held_twice_is_rejected),
       cmocka_unit_test(test_mutex_indeterminate_release_may_have_happened),
       cmocka_unit_test(test_checker_reports_window_nodes_and_evidence),
       cmocka_unit_test(test_checker_budget_exhaustion_is_unknown),
       cmocka_unit_test(test_checker_rejects_bad_arguments))
