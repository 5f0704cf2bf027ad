/* test_grader.c: the grader library: key normalization, hashing and
 * encoding; taxonomy lookup (synonyms, typos, kinds); answers files that
 * must load and ones that must not; grading taxonomy answers, evidence
 * windows and misconceptions against a real exercise of the curriculum;
 * fix values with their ranges, causal evidence, the union of nodes, and
 * fixes graded adversarially (goals, degenerate fixes, counterexamples). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grade_internal.h"
#include "grader.h"
#include "harness.h"

static const char *root(void) {
    const char *r = getenv("DSLAB_ROOT");
    return r ? r : ".";
}

static void test_normalize_folds_case_and_punctuation(void **state) {
    (void)state;
    char a[64], b[64];
    assert_string_equal(grader_key_normalize_term("Split-Brain", a, 64), grader_key_normalize_term("split brain", b, 64));
    assert_string_equal(grader_key_normalize_words("  The LEADERS, paused!", true, a, 64), "the leader paused");
    assert_string_equal(grader_key_normalize_words("process pauses", true, a, 64), "process pause");
}

static void test_hash_is_salted_and_normalized(void **state) {
    (void)state;
    char h1[GRADER_HASH_LEN + 1], h2[GRADER_HASH_LEN + 1], h3[GRADER_HASH_LEN + 1];
    grader_key_hash("ex-a", "split-brain", h1);
    grader_key_hash("ex-a", "Split Brain", h2);
    grader_key_hash("ex-b", "split-brain", h3);
    assert_string_equal(h1, h2);
    assert_string_not_equal(h1, h3);
    assert_int_equal(strlen(h1), GRADER_HASH_LEN);
    assert_null(strstr(h1, "split"));
}

static void test_encode_round_trips_and_hides(void **state) {
    (void)state;
    char enc[256], dec[128];
    assert_int_equal(grader_key_encode("salt", "protocol.fencing=true", enc, sizeof enc), 0);
    assert_null(strstr(enc, "fencing"));
    assert_int_equal(grader_key_decode("salt", enc, dec, sizeof dec), 0);
    assert_string_equal(dec, "protocol.fencing=true");
    assert_int_equal(grader_key_decode("salt", "enc:zz", dec, sizeof dec), -1);
    assert_int_equal(grader_key_decode("salt", "plain", dec, sizeof dec), -1);
}

static struct taxonomy *load_taxonomy(void) {
    char path[1024];
    snprintf(path, sizeof path, "%s/exercises/taxonomy.yaml", root());
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct taxonomy *t = grader_taxonomy_load(path, &d);
    if (!t) fprintf(stderr, "%s:%d:%d: %s\n", d.file, d.line, d.col, d.message);
    return t;
}

static void test_taxonomy_has_enough_terms_and_resolves_synonyms(void **state) {
    (void)state;
    struct taxonomy *t = load_taxonomy();
    assert_non_null(t);
    int counts[TERM_KIND_COUNT] = {0};
    for (int i = 0; i < t->terms_count; i++) counts[t->terms[i].kind]++;
    assert_true(counts[TERM_FAILURE_MODE] >= 25);
    assert_true(counts[TERM_TRADE_OFF] >= 12);
    assert_string_equal(grader_taxonomy_find(t, "TWO PRIMARIES", TERM_KIND_COUNT)->id, "split-brain");
    assert_string_equal(grader_taxonomy_find(t, "gc pause", TERM_FAILURE_MODE)->id, "process-pause");
    assert_null(grader_taxonomy_find(t, "split brain", TERM_TRADE_OFF));
    assert_string_equal(grader_taxonomy_find(t, "clock_skew_below", TERM_ASSUMPTION)->id, "bounded-clock-skew");
    assert_null(grader_taxonomy_find(t, "splt brian", TERM_KIND_COUNT));
    assert_string_equal(grader_taxonomy_suggest(t, "splt brian", TERM_KIND_COUNT)->id, "split-brain");
    assert_null(grader_taxonomy_suggest(t, "banana bread recipe", TERM_KIND_COUNT));
    grader_taxonomy_free(t);
}

static struct catalog *load_catalog(void) {
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct catalog *c = grader_catalog_load(root(), &d);
    if (!c) fprintf(stderr, "%s:%d:%d: %s\n", d.file, d.line, d.col, d.message);
    return c;
}

/* Grades answers `text` for exercise `id` as if read from file `name`;
 * -2 when the answers do not load. */
static int grade_named(const struct catalog *c, const char *id, const char *name, const char *text,
                       struct grade_result *r, struct dslab_diag *d) {
    const struct exercise *e = grader_catalog_find(c, id);
    assert_non_null(e);
    struct answers *a = grader_answers_load_buffer(text, strlen(text), name, e, d);
    if (!a) return -2;
    int rc = grader_grade_answers(c, e, a, r, d);
    grader_answers_free(a);
    return rc;
}

static int grade_text(const struct catalog *c, const char *id, const char *text, struct grade_result *r,
                      struct dslab_diag *d) {
    return grade_named(c, id, "answers.yaml", text, r, d);
}

static void test_malformed_answers_have_positions(void **state) {
    (void)state;
    struct catalog *c = load_catalog();
    assert_non_null(c);
    struct grade_result r;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    assert_int_equal(grade_text(c, "split-votes-forever", "exercise: split-votes-forever\nanswers:\n  what-faild: x\n", &r, &d), -2);
    assert_int_equal(d.line, 3);
    assert_int_equal(d.col, 3);
    assert_non_null(strstr(d.message, "did you mean 'what-failed'"));
    dslab_diag_clear(&d);
    assert_int_equal(grade_text(c, "split-votes-forever", "exercise: split-votes-forever\nanswers:\n  fix: { protocol.heartbeat: 1s }\n", &r, &d), -2);
    assert_non_null(strstr(d.message, "may not be changed"));
    grader_catalog_free(c);
}

static void test_taxonomy_answers_and_evidence(void **state) {
    (void)state;
    struct catalog *c = load_catalog();
    assert_non_null(c);
    struct grade_result r;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    /* Right mode, window overlapping the checker's violation, right nodes. */
    assert_int_equal(grade_text(c, "deposed-leader-stale-reads",
                                "exercise: deposed-leader-stale-reads\nanswers:\n  what-failed: { mode: zombie leader, from: 1.2s, to: 1.4s, nodes: [n1] }\n",
                                &r, &d), 0);
    assert_true(r.q[0].pass);
    assert_int_equal(r.q[0].score_milli, 2000);
    assert_false(r.pass); /* other questions unanswered */
    grader_grade_result_free(&r);
    /* Right mode, window far away, a node not involved: half the points. */
    assert_int_equal(grade_text(c, "deposed-leader-stale-reads",
                                "exercise: deposed-leader-stale-reads\nanswers:\n  what-failed: { mode: deposed leader, from: 2.8s, to: 2.9s, nodes: [n3] }\n",
                                &r, &d), 0);
    assert_false(r.q[0].pass);
    assert_int_equal(r.q[0].score_milli, 1000);
    assert_non_null(strstr(r.q[0].feedback, "does not overlap"));
    assert_non_null(strstr(r.q[0].feedback, "n3 was not involved"));
    grader_grade_result_free(&r);
    /* A window covering the whole run is not evidence. */
    assert_int_equal(grade_text(c, "deposed-leader-stale-reads",
                                "exercise: deposed-leader-stale-reads\nanswers:\n  what-failed: { mode: deposed leader, from: 0s, to: 3s, nodes: [n1] }\n",
                                &r, &d), 0);
    assert_non_null(strstr(r.q[0].feedback, "long before anything happened"));
    grader_grade_result_free(&r);
    /* The misconception gets its own feedback. */
    assert_int_equal(grade_text(c, "deposed-leader-stale-reads",
                                "exercise: deposed-leader-stale-reads\nanswers:\n  what-failed: stale read\n", &r, &d), 0);
    assert_non_null(r.q[0].misconception);
    assert_string_equal(r.q[0].answer, "stale-read");
    grader_grade_result_free(&r);
    /* No answers at all: a fail, not an error. */
    assert_int_equal(grade_text(c, "deposed-leader-stale-reads", "exercise: deposed-leader-stale-reads\n", &r, &d), 0);
    assert_false(r.pass);
    assert_int_equal(r.score_milli, 0);
    grader_grade_result_free(&r);
    grader_catalog_free(c);
}

static void test_model_answers_pass(void **state) {
    (void)state;
    struct catalog *c = load_catalog();
    assert_non_null(c);
    struct dslab_diag d;
    dslab_diag_clear(&d);
    const struct exercise *e = grader_catalog_find(c, "lease-reads-under-drift");
    char *text = grader_grade_model_answers(c, e, &d);
    assert_non_null(text);
    struct answers *a = grader_answers_load_buffer(text, strlen(text), "model.yaml", e, &d);
    assert_non_null(a);
    struct grade_result r;
    assert_int_equal(grader_grade_answers(c, e, a, &r, &d), 0);
    assert_true(r.pass);
    assert_int_equal(r.score_milli, r.max_milli);
    grader_grade_result_free(&r);
    grader_answers_free(a);
    free(text);
    grader_catalog_free(c);
}

/* One graded attempt at a one-question exercise, answered `answer`. */
static void record_attempt(struct progress *p, const struct exercise *e, const char *answer, bool right) {
    struct question_grade qg = {.q = &e->questions[0], .answered = true, .pass = right,
                                .score_milli = right ? 1000 : 0};
    snprintf(qg.answer, sizeof qg.answer, "%s", answer);
    struct grade_result r = {.e = e, .count = 1, .q = &qg, .score_milli = qg.score_milli,
                             .max_milli = 1000, .pass = right};
    assert_int_equal(grader_progress_record(p, &r), 0);
}

/* Brute force: each term of the closed list in turn gets the question
 * right, but not the mastery; resubmitting the same answer is not a new
 * attempt. */
static void test_progress_brute_force_is_not_mastery(void **state) {
    (void)state;
    struct progress *p = calloc(1, sizeof *p);
    struct question q = {.id = "trade-off", .kind = Q_TRADE_OFF, .points = 1, .keys_count = 1};
    struct exercise e = {.id = "ex-2", .salt = "ex-2", .questions_count = 1, .questions = &q};
    grader_key_hash("ex-2", "retries-vs-load", q.keys[0]);
    record_attempt(p, &e, "safety-vs-liveness", false);
    record_attempt(p, &e, "safety-vs-liveness", false); /* the same answer again */
    record_attempt(p, &e, "latency-vs-consistency", false);
    record_attempt(p, &e, "cap", false);
    record_attempt(p, &e, "retries-vs-load", true);
    assert_int_equal(grader_progress_find_question(p, "ex-2", "trade-off")->attempts, 4);
    assert_int_equal(p->credits_count, 1);
    assert_false(p->credits[0].mastered);
    assert_int_equal(p->credits[0].after, 4);
    const struct progress_mastery *m = grader_progress_find_mastery(p, "retries-vs-load");
    assert_int_equal(m->right, 1);
    assert_int_equal(m->mastered, 0);
    record_attempt(p, &e, "retries-vs-load", true); /* right again: no second credit */
    assert_int_equal(p->credits_count, 0);
    assert_int_equal(grader_progress_find_mastery(p, "retries-vs-load")->right, 1);
    grader_progress_free(p);
    free(p);
}

/* A version 1 file (before attempts were counted) still loads. */
static void test_progress_migrates_version_1(void **state) {
    (void)state;
    char dir[] = "/tmp/dslab-progress-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[1024];
    snprintf(path, sizeof path, "%s/progress.yaml", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("# dslab progress\nexercises:\n  - { id: ex-1, attempts: 3, best: 4000, max: 5000, passed: false }\n"
          "mastery:\n  - { term: split-brain, count: 2 }\n", f);
    fclose(f);
    struct progress *p = calloc(1, sizeof *p);
    struct dslab_diag d;
    dslab_diag_clear(&d);
    assert_int_equal(grader_progress_load(p, path, &d), 0);
    assert_int_equal(p->entries[0].attempts, 3);
    const struct progress_mastery *m = grader_progress_find_mastery(p, "split-brain");
    assert_non_null(m);
    assert_int_equal(m->mastered, 2);
    assert_int_equal(m->best_after, 0);
    grader_progress_free(p);
    f = fopen(path, "w");
    fputs("version: 3\nexercises:\n", f);
    fclose(f);
    assert_int_equal(grader_progress_load(p, path, &d), -1);
    assert_non_null(strstr(d.message, "newer dslab"));
    grader_progress_free(p);
    free(p);
}

/* The leak test matches as leniently as the grader: case, punctuation,
 * spacing, glued words and a plural; whole words only. */
static void test_leaks_phrase_matching(void **state) {
    (void)state;
    assert_true(grader_leaks_text_has_phrase("read first: dslab explain split brain", "split-brain"));
    assert_true(grader_leaks_text_has_phrase("A classic Split-Brain.", "split brain"));
    assert_true(grader_leaks_text_has_phrase("splitbrains happen", "split brain"));
    assert_true(grader_leaks_text_has_phrase("two  PRIMARIES, one partition", "two primaries"));
    assert_false(grader_leaks_text_has_phrase("a brain split in two", "split brain"));
    assert_false(grader_leaks_text_has_phrase("resplit brainstorm", "split brain"));
    assert_false(grader_leaks_text_has_phrase("", "split brain"));
    assert_false(grader_leaks_text_has_phrase("anything", "--"));
}

/* Trade-offs by their two sides, either order, any connector; a side
 * shared with a different trade-off is not enough. */
static void test_taxonomy_trade_off_sides(void **state) {
    (void)state;
    struct taxonomy *t = load_taxonomy();
    assert_non_null(t);
    assert_string_equal(grader_taxonomy_find(t, "latency against linearizability", TERM_TRADE_OFF)->id, "latency-vs-consistency");
    assert_string_equal(grader_taxonomy_find(t, "Linearizability over latency", TERM_KIND_COUNT)->id, "latency-vs-consistency");
    assert_string_equal(grader_taxonomy_find(t, "availability versus consistency", TERM_TRADE_OFF)->id, "consistency-vs-availability");
    assert_string_equal(grader_taxonomy_find(t, "clock drift", TERM_FAILURE_MODE)->id, "lease-clock-drift");
    assert_string_equal(grader_taxonomy_find(t, "false suspicions", TERM_FAILURE_MODE)->id, "false-suspicion");
    assert_null(grader_taxonomy_find(t, "latency vs memory", TERM_KIND_COUNT));
    assert_string_equal(grader_taxonomy_find(t, "throughput over latency", TERM_TRADE_OFF)->id, "latency-vs-throughput");
    assert_null(grader_taxonomy_find(t, "availability vs latency", TERM_KIND_COUNT));
    assert_null(grader_taxonomy_find(t, "latency against linearizability", TERM_FAILURE_MODE));
    /* words around a term and remarks, as long as one term is named */
    assert_string_equal(grader_taxonomy_find(t, "the CAP trade-off", TERM_TRADE_OFF)->id, "consistency-vs-availability");
    assert_string_equal(grader_taxonomy_find(t, "split brain (two primaries)", TERM_FAILURE_MODE)->id, "split-brain");
    assert_string_equal(grader_taxonomy_find(t, "split brain: n1 and n2 both led", TERM_FAILURE_MODE)->id, "split-brain");
    assert_null(grader_taxonomy_find(t, "split brain or stale read", TERM_KIND_COUNT));
    assert_null(grader_taxonomy_find(t, "split brain (stale read)", TERM_KIND_COUNT));
    assert_null(grader_taxonomy_find(t, "n1 and n2 both primary", TERM_KIND_COUNT));
    assert_null(grader_taxonomy_find(t, "split brain: latency vs consistency", TERM_FAILURE_MODE));
    char a[64], b[64];
    assert_true(grader_taxonomy_two_sides("A rather than B", a, b, 64));
    assert_string_equal(a, "a");
    assert_string_equal(b, "b");
    assert_false(grader_taxonomy_two_sides("versus", a, b, 64));
    assert_false(grader_taxonomy_two_sides("split brain", a, b, 64));
    grader_taxonomy_free(t);
}

static void test_progress_round_trips(void **state) {
    (void)state;
    char dir[] = "/tmp/dslab-progress-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[1024];
    struct dslab_diag d;
    dslab_diag_clear(&d);
    assert_int_equal(grader_progress_path(dir, "/nonexistent", "ws-1", path, sizeof path, &d), 0);
    assert_int_equal(grader_progress_path(dir, "/x", "../etc", path + 512, 512, &d), -1);
    struct progress *p = calloc(1, sizeof *p);
    assert_int_equal(grader_progress_load(p, path, &d), 0);
    assert_int_equal(p->count, 0);
    struct question q = {.id = "trade-off", .kind = Q_TRADE_OFF, .points = 1, .keys_count = 1};
    struct exercise e = {.id = "ex-1", .salt = "ex-1", .questions_count = 1, .questions = &q};
    grader_key_hash("ex-1", "consistency-vs-availability", q.keys[0]);
    record_attempt(p, &e, "safety-vs-liveness", false);
    record_attempt(p, &e, "consistency-vs-availability", true);
    assert_int_equal(p->credits_count, 1);
    assert_true(p->credits[0].mastered);
    assert_int_equal(p->credits[0].after, 2);
    assert_int_equal(grader_progress_save(p, &d), 0);
    grader_progress_free(p);
    assert_int_equal(grader_progress_load(p, path, &d), 0);
    assert_int_equal(p->count, 1);
    assert_int_equal(p->entries[0].attempts, 2);
    assert_int_equal(p->entries[0].best_milli, 1000);
    assert_true(p->entries[0].passed);
    const struct progress_question *pq = grader_progress_find_question(p, "ex-1", "trade-off");
    assert_non_null(pq);
    assert_int_equal(pq->attempts, 2);
    assert_int_equal(pq->right_at, 2);
    assert_string_equal(pq->answers[0], "safety-vs-liveness");
    const struct progress_mastery *m = grader_progress_find_mastery(p, "consistency-vs-availability");
    assert_non_null(m);
    assert_int_equal(m->mastered, 1);
    assert_int_equal(m->best_after, 2);
    grader_progress_free(p);
    free(p);
}

static void test_fix_values_are_typed_and_bounded(void **state) {
    (void)state;
    struct fix_value a, b;
    char err[300];
    assert_int_equal(grader_fix_parse_value("protocol.lease", "2s", &a, err, (int)sizeof err), 0);
    assert_int_equal(a.kind, FIXV_DURATION);
    assert_int_equal(grader_fix_parse_value("protocol.lease", "2000ms", &b, err, (int)sizeof err), 0);
    assert_true(grader_fix_value_equal(&a, &b));
    assert_string_equal(a.text, "2000000000ns");
    assert_int_equal(grader_fix_parse_value("protocol.lease", "9223372036854775807ns", &a, err, (int)sizeof err), -1);
    assert_non_null(strstr(err, "more than one day"));
    assert_int_equal(grader_fix_parse_value("protocol.lease", "99999999999999999999999h", &a, err, (int)sizeof err), -1);
    assert_int_equal(grader_fix_parse_value("protocol.lease", "25h", &a, err, (int)sizeof err), -1);
    assert_int_equal(grader_fix_parse_value("protocol.lease", "24h", &a, err, (int)sizeof err), 0);
    assert_int_equal(grader_fix_parse_value("protocol.lease", "-1s", &a, err, (int)sizeof err), -1);
    assert_int_equal(grader_fix_parse_value("protocol.lease", "1e3ms", &a, err, (int)sizeof err), -1);
    assert_non_null(strstr(err, "expected a duration")); /* a format error is not "out of range" */
    assert_int_equal(grader_fix_parse_value("protocol.r", "1000000001", &a, err, (int)sizeof err), -1);
    assert_int_equal(grader_fix_parse_value("protocol.r", "2", &a, err, (int)sizeof err), 0);
    assert_int_equal(a.kind, FIXV_INT);
    assert_int_equal(grader_fix_parse_value("protocol.fencing", "yes", &a, err, (int)sizeof err), 0);
    assert_int_equal(a.kind, FIXV_BOOL);
    assert_string_equal(a.text, "true");
    assert_int_equal(grader_fix_parse_value("protocol.read_mode", "read-index", &a, err, (int)sizeof err), 0);
    assert_int_equal(a.kind, FIXV_WORD);
    assert_int_equal(grader_fix_parse_value("faults.1", "{ at: 1s, restart: n1 }", &a, err, (int)sizeof err), 0);
    assert_int_equal(a.kind, FIXV_TEXT);
    char longer[400];
    memset(longer, 'x', sizeof longer - 1);
    longer[sizeof longer - 1] = 0;
    assert_int_equal(grader_fix_parse_value("protocol.read_mode", longer, &a, err, (int)sizeof err), -1);
    assert_non_null(strstr(err, "longer than"));
}

static const char *feedback_of(const struct grade_result *r, const char *qid) {
    for (int i = 0; i < r->count; i++) {
        if (strcmp(r->q[i].q->id, qid) == 0) return r->q[i].feedback;
    }
    fail_msg("no question %s", qid);
    return "";
}

static bool passed(const struct grade_result *r, const char *qid) {
    for (int i = 0; i < r->count; i++) {
        if (strcmp(r->q[i].q->id, qid) == 0) return r->q[i].pass;
    }
    return false;
}

static void test_evidence_windows_nodes_and_causes(void **state) {
    (void)state;
    struct catalog *c = load_catalog();
    assert_non_null(c);
    struct grade_result r;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    const char *id = "two-phase-commit-blocks";
    /* The union of violations: all three participants were blocked. */
    assert_int_equal(grade_text(c, id, "exercise: two-phase-commit-blocks\nanswers:\n  what-failed: { mode: blocking commit, from: 1.4s, to: 5s, nodes: [n4, n3, n2] }\n", &r, &d), 0);
    assert_true(passed(&r, "what-failed"));
    grader_grade_result_free(&r);
    /* A window that ends at the crash it needs. */
    assert_int_equal(grade_text(c, id, "exercise: two-phase-commit-blocks\nanswers:\n  what-failed: { mode: blocking commit, from: 1.40s, to: 1.49s, nodes: [n2] }\n", &r, &d), 0);
    assert_false(passed(&r, "what-failed"));
    assert_non_null(strstr(feedback_of(&r, "what-failed"), "before the fault the violation needs"));
    grader_grade_result_free(&r);
    /* The cause, checked by counterfactual; a fault that is not in the run. */
    assert_int_equal(grade_text(c, id, "exercise: two-phase-commit-blocks\nanswers:\n  what-failed: { mode: blocking commit, cause: { at: 1.5s, crash: n1 } }\n", &r, &d), 0);
    assert_true(passed(&r, "what-failed"));
    grader_grade_result_free(&r);
    assert_int_equal(grade_text(c, id, "exercise: two-phase-commit-blocks\nanswers:\n  what-failed: { mode: blocking commit, cause: crash n1 at 3s }\n", &r, &d), 0);
    assert_false(passed(&r, "what-failed"));
    assert_non_null(strstr(feedback_of(&r, "what-failed"), "This run has no crash"));
    grader_grade_result_free(&r);
    /* A fault of the run that the violation does not need. */
    assert_int_equal(grade_text(c, "async-replication-loses-writes", "exercise: async-replication-loses-writes\nanswers:\n  what-failed: { mode: lost acknowledged write, cause: restart n1 at 3s }\n", &r, &d), 0);
    assert_false(passed(&r, "what-failed"));
    assert_non_null(strstr(feedback_of(&r, "what-failed"), "is not what caused it"));
    grader_grade_result_free(&r);
    /* The third violation the run prints for the failure detector. */
    assert_int_equal(grade_text(c, "impatient-failure-detector", "exercise: impatient-failure-detector\nanswers:\n  what-failed: { mode: false suspicion, from: 0.375s, to: 0.4182s, nodes: [n1, n2] }\n", &r, &d), 0);
    assert_true(passed(&r, "what-failed"));
    grader_grade_result_free(&r);
    grader_catalog_free(c);
}

/* Grades a fix from an answers file named in a temporary directory, where
 * counterexamples are written. */
static int grade_fix_text(const struct catalog *c, const char *id, const char *dir, const char *fix,
                          struct grade_result *r, struct dslab_diag *d) {
    char text[512], name[256];
    snprintf(text, sizeof text, "exercise: %s\nanswers:\n  fix: %s\n", id, fix);
    snprintf(name, sizeof name, "%s/answers.yaml", dir);
    return grade_named(c, id, name, text, r, d);
}

static void test_fixes_graded_adversarially(void **state) {
    (void)state;
    struct catalog *c = load_catalog();
    assert_non_null(c);
    char dir[] = "/tmp/dslab-grader-XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct grade_result r;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    /* A longer lease without fencing survives the scenario's pause only. */
    assert_int_equal(grade_fix_text(c, "paused-lock-holder", dir, "{ protocol.lease: 3s }", &r, &d), 0);
    assert_false(passed(&r, "fix"));
    const char *f = feedback_of(&r, "fix");
    assert_non_null(strstr(f, "survives the scenario's faults"));
    assert_non_null(strstr(f, "only moves the line"));
    for (int i = 0; i < r.count; i++) {
        if (strcmp(r.q[i].q->id, "fix") == 0) assert_non_null(r.q[i].misconception); /* class reports count it */
    }
    const char *viz = strstr(f, "dslab viz ");
    assert_non_null(viz);
    char path[512];
    snprintf(path, sizeof path, "%s/paused-lock-holder.fix.counterexample.yaml", dir);
    assert_non_null(strstr(viz, path));
    struct dslab_scenario *s = dslab_scenario_load(path, NULL, 0, NULL, &d);
    assert_non_null(s); /* the reproducer loads */
    dslab_scenario_free(s);
    remove(path);
    grader_grade_result_free(&r);
    /* Timeouts longer than the run: no leader, no service. */
    assert_int_equal(grade_fix_text(c, "split-votes-forever", dir, "{ protocol.election_timeout_min: 5s, protocol.election_timeout_max: 9s }", &r, &d), 0);
    assert_false(passed(&r, "fix"));
    assert_non_null(strstr(feedback_of(&r, "fix"), "nobody ever stands for election"));
    grader_grade_result_free(&r);
    /* Right, in other values. */
    assert_int_equal(grade_fix_text(c, "paused-lock-holder", dir, "{ protocol.fencing: on, protocol.lease: 700ms }", &r, &d), 0);
    assert_true(passed(&r, "fix"));
    grader_grade_result_free(&r);
    /* An overflowing lease is malformed, at the value. */
    assert_int_equal(grade_fix_text(c, "paused-lock-holder", dir, "{ protocol.lease: 9223372036854775807ns }", &r, &d), -1);
    assert_int_equal(d.line, 3);
    assert_non_null(strstr(d.message, "more than one day"));
    rmdir(dir);
    grader_catalog_free(c);
}

H_MAIN(cmocka_unit_test(test_normalize_folds_case_and_punctuation),
       cmocka_unit_test(test_hash_is_salted_and_normalized),
       cmocka_unit_test(test_encode_round_trips_and_hides),
       cmocka_unit_test(test_taxonomy_has_enough_terms_and_resolves_synonyms),
       cmocka_unit_test(test_malformed_answers_have_positions),
       cmocka_unit_test(test_taxonomy_answers_and_evidence),
       cmocka_unit_test(test_model_answers_pass),
       cmocka_unit_test(test_progress_brute_force_is_not_mastery),
       cmocka_unit_test(test_progress_migrates_version_1),
       cmocka_unit_test(test_leaks_phrase_matching),
       cmocka_unit_test(test_taxonomy_trade_off_sides),
       cmocka_unit_test(test_progress_round_trips),
       cmocka_unit_test(test_fix_values_are_typed_and_bounded),
       cmocka_unit_test(test_evidence_windows_nodes_and_causes),
       cmocka_unit_test(test_fixes_graded_adversarially))
