/* harness.h: what the cmocka unit tests share (compiled into every
 * tests/unit/test_*.c by tests/CMakeLists.txt). Three pieces:
 *
 * 1. Scenarios from a string, run to the end:
 *      struct h_run *r = h_run("name: t\n...", "txn", NULL, NULL);
 *      ... h_count(&r->rec, &(struct h_match){.tag = "txn", .text = "commit"}) ...
 *      h_run_free(r);
 *    h_load() / h_sim() when a test needs the steps apart (its own seed,
 *    protocol or sinks); h_load_error() when the YAML must be refused.
 *    A load or create error fails the test with file:line:col: message.
 *
 * 2. A recording sink: keeps a copy of the annotations (DSLAB_TRACE_ANNOTATE)
 *    whose tag is in a list, to count or find after the run (h_count,
 *    h_find, with a struct h_match: unset fields match anything).
 *
 * 3. A checker on a hand-made trace (struct h_ck): a fake scenario with
 *    nodes n1..nN, events with increasing trace ids and true times in ms,
 *    client records in a history, then the verdict:
 *      struct h_ck k;
 *      h_ck_begin(&k, "atomic-commit", "1s", 3);
 *      h_ck_note(&k, 5, 0, "txn", "commit", 1);
 *      assert_int_equal(h_ck_end(&k, 1000), DSLAB_CHECK_PASS);
 *    and h_has_node / h_has_evidence / h_check_named to read a result.
 *
 * 4. Checker tests as rows of a table (struct h_ck_case, harness_cases.h):
 *    the steps, the verdict and what the result must say; H_MAIN_CASES.
 *
 * H_MAIN(...) is each test program's main().
 *
 * Every function fails the running cmocka test (fail_msg) on a setup
 * error, so a test only asserts what it is about. This header includes
 * <cmocka.h> with its prerequisites; a test includes only "harness.h"
 * and what it uses beyond it. Ownership: what h_run/h_load/h_sim return
 * is the caller's (h_run_free, dslab_scenario_free, dslab_sim_destroy); an h_rec owns
 * its notes (h_rec_free); an h_ck owns nothing after h_ck_end. */
#ifndef DSLAB_TESTS_HARNESS_H
#define DSLAB_TESTS_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dslab/annotation.h"
#include "dslab/check.h"
#include "dslab/history.h"
#include "dslab/scenario.h"
#include "dslab/sim.h"
#include "dslab/time.h"
#include "dslab/trace.h"

/* The test program's main(): runs the listed tests in order, e.g.
 *   H_MAIN(cmocka_unit_test(test_one),
 *          cmocka_unit_test(test_two))
 * and exits with cmocka's status (the number of failed tests). */
#define H_MAIN(...)                                                                                \
    int main(void) {                                                                               \
        const struct CMUnitTest h_tests[] = {__VA_ARGS__};                                         \
        return cmocka_run_group_tests(h_tests, NULL, NULL);                                        \
    }

/* H_MAIN_WITH_PROTOCOL(p, tests...): H_MAIN with the test's own protocol
 * `p` (a struct dslab_protocol) registered for the whole group
 * (dslab_protocol_register, dslab/node.h), so the test's scenarios name it
 * (`protocol: ticker`) instead of borrowing a built-in protocol's name. */
#define H_MAIN_WITH_PROTOCOL(p, ...)                                                               \
    static int h_register_(void **state) {                                                         \
        (void)state;                                                                               \
        struct dslab_diag d;                                                                             \
        return dslab_protocol_register(&(p), &d);                                                        \
    }                                                                                              \
    static int h_unregister_(void **state) {                                                       \
        (void)state;                                                                               \
        return dslab_protocol_unregister(&(p));                                                          \
    }                                                                                              \
    int main(void) {                                                                               \
        const struct CMUnitTest h_tests[] = {__VA_ARGS__};                                         \
        return cmocka_run_group_tests(h_tests, h_register_, h_unregister_);                        \
    }

/* A protocol's on_message (dslab/node.h) that ignores every message, for
 * the tests' own protocols that only act on timers or requests. */
struct dslab_node_ctx;
void h_ignore_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *msg, size_t len);
/* A protocol's on_timer that ignores every timer. */
void h_ignore_timer(struct dslab_node_ctx *ctx, void *state, uint64_t id, uint64_t tag);

/* ---- 1. scenarios from a string ------------------------------------------- */

/* Loads YAML text (named "t.yaml" in messages). Fails the test if it does
 * not load. The caller owns the result (dslab_scenario_free). */
struct dslab_scenario *h_load(const char *yaml);

/* Saves `s` (dslab_scenario_save) to a temporary file and loads it back;
 * fails the test if either step fails. The caller owns the result. */
struct dslab_scenario *h_save_reload(const struct dslab_scenario *s);

/* A mkstemp/mkdtemp template in $TMPDIR (else /tmp): "DIR/dslab_NAME_XXXXXX"
 * in buf; fails the test if it does not fit. */
void h_tmp_template(char *buf, size_t size, const char *name);

/* Expects `yaml` to be refused, by the loader or by dslab_sim_create (a protocol
 * parameter is checked there). Fails the test if it is accepted; else
 * fills *d and returns d->message. */
const char *h_load_error(const char *yaml, struct dslab_diag *d);
/* h_load_error, and the message must contain `part`. */
void h_expect_error(const char *yaml, const char *part);
/* h_expect_error on the YAML text printf(fmt, ...) makes (at most 4 KiB;
 * longer fails the test). */
void h_expect_errorf(const char *part, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A setting to refuse: its text, and what the message must contain. */
struct h_refusal {
    const char *text;
    const char *part;
};
/* Each case's text put into `yaml_fmt` (a YAML text with one %s) must be
 * refused with a message containing its part (h_expect_errorf); a failure
 * names the case. H_EXPECT_REFUSALS(fmt, array) passes the array's size. */
void h_expect_refusals(const char *yaml_fmt, const struct h_refusal *cases, size_t count);
#define H_EXPECT_REFUSALS(yaml_fmt, cases) h_expect_refusals((yaml_fmt), (cases), sizeof(cases) / sizeof((cases)[0]))

/* Creates a simulation of `s` with `seed`, adds `sink` (if not NULL), runs
 * to s->duration_ns and finishes it. Fails the test if it cannot be
 * created or the run stops with an error (a limit hit). The caller owns the sim (dslab_sim_destroy) and keeps `s` alive. */
struct dslab_sim *h_sim(const struct dslab_scenario *s, uint64_t seed, dslab_trace_sink_fn sink, void *user);
/* h_sim with a protocol that is not built in (`proto`; NULL: the
 * scenario's own). */
struct dslab_sim *h_sim_with(const struct dslab_scenario *s, const struct dslab_protocol *proto, uint64_t seed,
                       dslab_trace_sink_fn sink, void *user);
/* Loads the scenario text printf(fmt, ...) makes (at most 4 KiB), runs it
 * as h_sim_with(s, proto, seed, sink, user) and frees sim and scenario: for
 * a test that only needs what its sink saw. */
void h_run_text(const struct dslab_protocol *proto, uint64_t seed, dslab_trace_sink_fn sink, void *user,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The determinism hash (FNV-1a of the JSON Lines trace) of `s` run to its
 * end with `seed`. */
uint64_t h_trace_hash(const struct dslab_scenario *s, uint64_t seed);

/* The seed decides the run: `yaml` run twice with `seed` gives the same
 * trace hash, and with seed + 1 a different one. */
void h_expect_seed_decides(const char *yaml, uint64_t seed);

/* The recording sink (2.): annotations whose tag is in `tags`. */
struct h_note {
    int64_t t_ns;
    int32_t node;
    int64_t a;
    int64_t b;
    char tag[32];
    char text[128]; /* truncated copy */
};

struct h_rec {
    const char *tags; /* space-separated tags kept; "*" = every annotation; borrowed */
    struct h_note *notes; /* owned */
    int count;
    int cap;
};

/* `tags` must outlive the recorder (a string literal). */
void h_rec_init(struct h_rec *r, const char *tags);
void h_rec_free(struct h_rec *r);
/* A dslab_trace_sink_fn; user is the struct h_rec. */
void h_rec_sink(void *user, const struct dslab_trace_event *ev);

/* What a note must be to match. Zeroed fields match anything: NULL
 * strings, by_node/by_a false, to_ns 0 (no upper bound). */
struct h_match {
    const char *tag;         /* equal */
    const char *text;        /* equal */
    const char *text_prefix; /* starts with */
    const char *text_has;    /* contains */
    bool by_node;
    int32_t node;
    bool by_a;
    int64_t a;
    int64_t from_ns; /* t_ns >= from_ns */
    int64_t to_ns;   /* t_ns < to_ns, unless 0 */
};

int h_count(const struct h_rec *r, const struct h_match *m);
/* The first match at index >= *from (then *from = its index + 1), or NULL. */
const struct h_note *h_find(const struct h_rec *r, const struct h_match *m, int *from);
/* The last match, or NULL. */
const struct h_note *h_find_last(const struct h_rec *r, const struct h_match *m);

/* A scenario run to its end with a recorder (tags NULL: none) and an
 * optional extra sink; seed = the scenario's. */
struct h_run {
    struct dslab_scenario *s;
    struct dslab_sim *sim;
    struct h_rec rec;
};
struct h_run *h_run(const char *yaml, const char *tags, dslab_trace_sink_fn sink, void *user);
void h_run_free(struct h_run *r);

/* The result of the check named `name` (a check "one-leader-per-term: 1s"
 * is named "one-leader-per-term"); fails the test if there is none. */
const struct dslab_check_result *h_check_named(const struct dslab_sim *sim, const char *name);

/* ---- 3. a checker on a hand-made trace -------------------------------------- */

enum { H_CK_NODES_MAX = 8 };

/* Do not copy or move a begun h_ck: its scenario points into it. */
struct h_ck {
    char names[H_CK_NODES_MAX][DSLAB_NAME_MAX];
    struct dslab_scenario sc; /* fake: path "t.yaml", nodes n1..nN */
    const struct dslab_checker *checker;
    void *state;
    uint64_t next_id; /* the next trace id handed out */
    uint64_t next_op; /* the last op id h_ck_op used */
    struct dslab_history h;
    struct dslab_check_result result;
};

/* Creates checker `name` with `args` ("" for none) on `nodes` nodes;
 * returns create()'s status (-1: *d says why, nothing to end). */
int h_ck_try(struct h_ck *k, const char *name, const char *args, int nodes, struct dslab_diag *d);
/* The same, failing the test if create() refuses. */
void h_ck_begin(struct h_ck *k, const char *name, const char *args, int nodes);
/* h_ck_begin with named nodes: `node_names` is space-separated
 * ("lock store c1 c2"), one word a node, at most H_CK_NODES_MAX. */
void h_ck_begin_named(struct h_ck *k, const char *name, const char *args, const char *node_names);
/* Feeds one event at t_ms; returns its trace id. */
uint64_t h_ck_emit(struct h_ck *k, int64_t t_ms, enum dslab_trace_kind kind, int32_t node, int32_t peer,
                   int64_t a, const char *tag, const char *text);
/* An annotation by `node`: tag, text and a. */
uint64_t h_ck_note(struct h_ck *k, int64_t t_ms, int32_t node, const char *tag, const char *text,
                   int64_t a);
/* Appends `op` to the history with the next trace id (its time_ns and
 * every other field as given); emits it as a DSLAB_TRACE_CLIENT event too when
 * `emit`. Returns the trace id. */
/* A typed report as node_ctx.c emits it (dslab_ctx_report_role/term/final_*,
 * dslab/annotation.h): kind, role class, the text shown to people, a (term,
 * epoch, or value) and b (a final value's key). */
uint64_t h_ck_report(struct h_ck *k, int64_t t_ms, int32_t node, enum dslab_annotation_kind kind,
                     enum dslab_role_class role, const char *tag, const char *text, int64_t a, int64_t b);
/* A typed role report whose class is named by `text` ("leader", "primary",
 * "backup", "follower", "candidate"; anything else is DSLAB_ROLE_OTHER), with the
 * same text, term/epoch `a`. */
uint64_t h_ck_role(struct h_ck *k, int64_t t_ms, int32_t node, const char *text, int64_t a);
/* A node's typed end-of-run reports: its role class, the final-state
 * marker (a = 1 when it has a state), and one final value of `key`. */
uint64_t h_ck_final_state(struct h_ck *k, int64_t t_ms, int32_t node, const char *role_text);
uint64_t h_ck_final_value(struct h_ck *k, int64_t t_ms, int32_t node, int64_t key, int64_t value);
uint64_t h_ck_record(struct h_ck *k, const struct dslab_history_op *op, bool emit);
/* An operation by `client` (also its node) invoked at t0_ms and completed
 * with `type` at t1_ms (type DSLAB_OP_INVOKE: never completed), history only.
 * Writes: value written; reads: value read (DSLAB_HISTORY_NIL unless DSLAB_OP_OK).
 * Op ids count from 1; returns the op id. */
uint64_t h_ck_op(struct h_ck *k, int32_t client, enum dslab_op_fn fn, int64_t key, int64_t value,
                 int64_t t0_ms, int64_t t1_ms, enum dslab_op_type type);
/* Sorts the history by (time, trace id) as the simulator records it,
 * finishes and destroys the checker, frees the history; returns the
 * verdict (the whole result is in k->result). */
enum dslab_check_verdict h_ck_end(struct h_ck *k, int64_t end_ms);
/* h_ck_end(k, end_ms) must give `want`, and the result's summary must
 * contain `summary_has`; a failure names the test's own file and line. */
#define h_ck_expect(k, end_ms, want, summary_has)                                                 \
    h_ck_expect_at((k), (end_ms), (want), (summary_has), __FILE__, __LINE__)
void h_ck_expect_at(struct h_ck *k, int64_t end_ms, enum dslab_check_verdict want, const char *summary_has,
                    const char *file, int line);
/* h_ck_end, returning a copy of the whole result. */
struct dslab_check_result h_ck_result(struct h_ck *k, int64_t end_ms);
/* Checker `name` must refuse `args` on `nodes` nodes with a message that
 * contains `part`. */
void h_ck_expect_refused(const char *name, const char *args, int nodes, const char *part);
/* h_ck_expect_refused for each of `args` (a NULL-terminated list). */
void h_ck_expect_refused_each(const char *name, const char *const *args, int nodes, const char *part);

/* The violation `v` spans [from_ms, to_ms] of true time (its from_ns and
 * to_ns); a macro, so a failure names the test's line. */
#define h_expect_window(v, from_ms, to_ms)                                                         \
    do {                                                                                           \
        assert_int_equal((v)->from_ns, (int64_t)(from_ms) * DSLAB_NS_PER_MS);                      \
        assert_int_equal((v)->to_ns, (int64_t)(to_ms) * DSLAB_NS_PER_MS);                          \
    } while (0)
bool h_has_node(const struct dslab_check_violation *v, int32_t node);
bool h_has_evidence(const struct dslab_check_violation *v, uint64_t trace_id);

/* ---- 4. checker tests as tables (harness_cases.h) --------------------------- */
#include "harness_cases.h"

#endif
