/* test_lin_budget.c: the linearizability search decides big histories with
 * its default budget, reports budgets consistently, and its pure-first rule
 * (lin_search.c) never changes a verdict (issue 11, item 8).
 *
 * - A generated linearizable register history of 100,000 operations (10
 *   processes, overlapping windows, unique written values) is decided
 *   "linearizable" by `dslab check-history`'s defaults; before, the default
 *   said "unknown". Not timed (it takes about a second in Release).
 * - With an explicit budget that runs out, the states reported equal the
 *   budget (before: the sum of all rounds, larger than the budget).
 * - Small random histories, linearizable or not, get the verdict a brute
 *   force over all orders gives: the search with the pure-first rule is
 *   sound and complete. */
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/lin_search.h"
#include "dslab/lincheck.h"
#include "harness.h"

static uint64_t rng_state;
static uint64_t next_u64(void) { /* xorshift64*: the test's own stream */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * UINT64_C(2685821657736338717);
}
static int64_t below(int64_t n) { return (int64_t)(next_u64() % (uint64_t)n); }

struct gen_op {
    int64_t point2; /* linearization point, doubled (between start and end) */
    int process;
    bool write;
    int64_t start, end, value;
};

static int by_point(const void *a, const void *b) {
    const struct gen_op *x = a, *y = b;
    return x->point2 < y->point2 ? -1 : x->point2 > y->point2;
}

struct gen_ev {
    int64_t t;
    int ret; /* 0 invoke, 1 completion: invokes first at equal times */
    const struct gen_op *op;
};

static int by_time(const void *a, const void *b) {
    const struct gen_ev *x = a, *y = b;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return x->ret - y->ret;
}

/* A linearizable register history in Knossos EDN: each op takes effect at
 * one instant of its window; reads return the value at that instant. */
static char *generate(int ops_count, int processes, uint64_t seed) {
    rng_state = seed;
    struct gen_op *ops = calloc((size_t)ops_count, sizeof *ops);
    int64_t *free_at = calloc((size_t)processes, sizeof *free_at);
    assert_non_null(ops);
    assert_non_null(free_at);
    for (int k = 0; k < ops_count; k++) {
        int p = (int)below(processes);
        struct gen_op *o = &ops[k];
        o->process = p;
        o->start = free_at[p] + 1 + below(5);
        o->end = o->start + 1 + below(30);
        o->point2 = 2 * o->start + 1 + below(2 * (o->end - o->start) - 1);
        o->write = below(2) == 0;
        free_at[p] = o->end;
    }
    qsort(ops, (size_t)ops_count, sizeof *ops, by_point);
    int64_t value = -1; /* -1: nil */
    for (int k = 0; k < ops_count; k++) {
        if (ops[k].write) value = k + 1;
        ops[k].value = value;
    }
    struct gen_ev *ev = calloc((size_t)ops_count * 2, sizeof *ev);
    assert_non_null(ev);
    for (int k = 0; k < ops_count; k++) {
        ev[2 * k] = (struct gen_ev){ops[k].start, 0, &ops[k]};
        ev[2 * k + 1] = (struct gen_ev){ops[k].end, 1, &ops[k]};
    }
    qsort(ev, (size_t)ops_count * 2, sizeof *ev, by_time);
    size_t cap = (size_t)ops_count * 2 * 80 + 16, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    text[len++] = '(';
    for (int k = 0; k < ops_count * 2; k++) {
        const struct gen_op *o = ev[k].op;
        char v[24] = "nil";
        if (o->value >= 0 && (o->write || ev[k].ret)) snprintf(v, sizeof v, "%lld", (long long)o->value);
        len += (size_t)snprintf(text + len, cap - len, "{:type :%s, :f :%s, :value %s, :process %d}\n",
                                ev[k].ret ? "ok" : "invoke", o->write ? "write" : "read", v, o->process);
    }
    text[len++] = ')';
    text[len] = 0;
    free(ops);
    free(free_at);
    free(ev);
    return text;
}

static void test_default_budget_decides_a_100k_op_register_history(void **state) {
    (void)state;
    char *text = generate(100000, 10, 1);
    struct dslab_lincheck_options opt = {.model = DSLAB_LINCHECK_MODEL_REGISTER};
    struct dslab_lincheck_result r;
    struct dslab_diag d;
    assert_int_equal(dslab_lincheck_buffer(text, strlen(text), "gen.edn", &opt, &r, &d), 0);
    assert_int_equal(r.ops_count, 100000);
    if (r.verdict != DSLAB_LINCHECK_LINEARIZABLE) {
        fail_msg("verdict %d after %llu states (budget %llu)", (int)r.verdict,
                 (unsigned long long)r.states_total, (unsigned long long)r.unknown_budget);
    }
    free(text);
}

static void test_budget_numbers_agree(void **state) {
    (void)state;
    char *text = generate(20000, 10, 2);
    struct dslab_lincheck_options opt = {.model = DSLAB_LINCHECK_MODEL_REGISTER, .states_max = 30000};
    struct dslab_lincheck_result r;
    struct dslab_diag d;
    assert_int_equal(dslab_lincheck_buffer(text, strlen(text), "gen.edn", &opt, &r, &d), 0);
    assert_int_equal(r.verdict, DSLAB_LINCHECK_UNKNOWN);
    assert_int_equal(r.unknown_budget, 30000);
    assert_int_equal(r.unknown_states, 30000);
    assert_int_equal(r.states_total, 30000); /* the deciding search, not the sum of rounds */
    assert_true(r.states_all_rounds > r.states_total);
    assert_int_equal(r.unknown_by_memory, 0);
    free(text);
}

/* ---- brute force against the search on small random histories ---------- */

#define SMALL_MAX 7
struct small {
    int n;
    bool write[SMALL_MAX];
    int64_t value[SMALL_MAX]; /* write: value written; read: value returned (0 = initial) */
    int64_t call[SMALL_MAX], ret[SMALL_MAX];
};

static int small_step(void *ctx, size_t i, const int64_t *st, int64_t *out) {
    const struct small *h = ctx;
    out[0] = st[0];
    if (h->write[i]) {
        out[0] = h->value[i];
        return LIN_STEP_OK;
    }
    return st[0] == h->value[i] ? LIN_STEP_OK : LIN_STEP_ILLEGAL;
}

static bool small_pure(void *ctx, size_t i) {
    const struct small *h = ctx;
    return !h->write[i];
}

static bool brute(const struct small *h, int *perm, int depth, bool *used, int64_t st) {
    if (depth == h->n) return true;
    for (int i = 0; i < h->n; i++) {
        if (used[i]) continue;
        bool ok = true; /* every unused op that returned before i's call must go first */
        for (int j = 0; j < h->n && ok; j++) ok = used[j] || j == i || h->ret[j] > h->call[i];
        if (!ok) continue;
        if (!h->write[i] && h->value[i] != st) continue;
        used[i] = true;
        perm[depth] = i;
        if (brute(h, perm, depth + 1, used, h->write[i] ? h->value[i] : st)) return true;
        used[i] = false;
    }
    return false;
}

static void test_pure_first_agrees_with_brute_force(void **state) {
    (void)state;
    rng_state = 99;
    int verdicts[2] = {0, 0};
    for (int round = 0; round < 3000; round++) {
        struct small h = {.n = 2 + (int)below(SMALL_MAX - 1)};
        for (int i = 0; i < h.n; i++) {
            h.write[i] = below(2) == 0;
            h.value[i] = h.write[i] ? i + 1 : below(h.n + 1);
            h.call[i] = 2 * below(10);
            h.ret[i] = h.call[i] + 1 + 2 * below(6);
        }
        int perm[SMALL_MAX];
        bool used[SMALL_MAX] = {false};
        bool expect = brute(&h, perm, 0, used, 0);
        struct lin_search_op ops[SMALL_MAX];
        for (int i = 0; i < h.n; i++) ops[i] = (struct lin_search_op){h.call[i], h.ret[i]};
        int64_t init = 0;
        struct lin_model model = {.state_words = 1, .step = small_step, .pure = small_pure};
        struct lin_search_config cfg = {.model = &model, .model_ctx = &h, .init_state = &init,
                                        .ops = ops, .ops_count = (size_t)h.n,
                                        .states_max = 1000000, .bytes_max = (size_t)1 << 26};
        struct lin_search_result r;
        lin_search_run(&cfg, &r);
        if ((r.verdict == LIN_LINEARIZABLE) != expect || r.verdict == LIN_UNKNOWN) {
            fail_msg("round %d: search says %d, brute force %d", round, (int)r.verdict, expect);
        }
        verdicts[expect]++;
        lin_search_result_deinit(&r);
    }
    assert_true(verdicts[0] > 100 && verdicts[1] > 100); /* both kinds were tried */
}

H_MAIN(cmocka_unit_test(test_pure_first_agrees_with_brute_force),
       cmocka_unit_test(test_budget_numbers_agree),
       cmocka_unit_test(test_default_budget_decides_a_100k_op_register_history))
