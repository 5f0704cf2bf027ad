/* test_annotations.c: the typed reports of dslab/node.h through a real run.
 * A test protocol reports roles whose texts say something else than their
 * class, a term under its own word, and final values: the trace events
 * carry the typed fields, the JSON Lines keep tag/value/text, the checkers
 * judge by the class and the typed key, and a role class outside the enum
 * stops the run with an error naming the node. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "dslab/annotation.h"
#include "dslab/check.h"
#include "dslab/node.h"
#include "dslab/scenario.h"
#include "dslab/sim.h"
#include "dslab/time.h"
#include "dslab/trace.h"
#include "harness.h"

/* --- a test protocol that only reports ------------------------------------- */
struct reporter_state {
    int32_t unused;
};

/* n1 leads term 1 calling itself "boss"; n2 is a follower calling itself
 * "leader" and then leads term 1 too as "chief": two leaders of one term
 * whose texts never say "leader" for either. */
static void reporter_init(struct dslab_node_ctx *ctx, void *state) {
    (void)state;
    dslab_ctx_report_term(ctx, 1, "epoch");
    if (dslab_ctx_self(ctx) == 0) {
        dslab_ctx_report_role(ctx, DSLAB_ROLE_LEADER, 1, "boss");
    } else if (dslab_ctx_self(ctx) == 1) {
        dslab_ctx_report_role(ctx, DSLAB_ROLE_FOLLOWER, 1, "%s", "leader");
        dslab_ctx_set_timer(ctx, 100 * DSLAB_NS_PER_MS, 1);
    } else {
        dslab_ctx_report_role(ctx, DSLAB_ROLE_OTHER, 0, "%s", dslab_role_class_name(DSLAB_ROLE_OTHER));
    }
}

static void reporter_on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t id, uint64_t tag) {
    (void)state;
    (void)id;
    (void)tag;
    dslab_ctx_report_role(ctx, DSLAB_ROLE_LEADER, 1, "chief");
}

static void reporter_on_finish(struct dslab_node_ctx *ctx, void *state) {
    (void)state;
    dslab_ctx_report_final_state(ctx, 2, "node %d done", (int)dslab_ctx_self(ctx));
    dslab_ctx_report_final_value(ctx, 7, 70);
    dslab_ctx_report_final_value(ctx, -3, INT64_MIN);
}

static const struct dslab_protocol reporter = {
    .name = "reporter", .state_size = sizeof(struct reporter_state), .init = reporter_init,
    .on_message = h_ignore_message, .on_timer = reporter_on_timer,
    .on_finish = reporter_on_finish,
};

/* Reports a role class that is not in the enum (as a buggy plugin might). */
static void bad_init(struct dslab_node_ctx *ctx, void *state) {
    (void)state;
    dslab_ctx_report_role(ctx, (enum dslab_role_class)DSLAB_ROLE_CLASS_COUNT, 1, "weird");
}

/* A negative term, as a learner's off-by-one might report. */
static void negative_term_init(struct dslab_node_ctx *ctx, void *state) {
    (void)state;
    dslab_ctx_report_term(ctx, -1, "term");
}

/* The old string form of the typed reports: a note tagged "role" (or
 * "final-state", "final") stops the run naming the typed call, tracing or
 * not; other tags are free notes. The tag is the node's state here. */
static const char *string_tag;
static void string_tag_init(struct dslab_node_ctx *ctx, void *state) {
    (void)state;
    dslab_ctx_annotate(ctx, "commit", 1, "a free note");
    dslab_ctx_annotate(ctx, string_tag, 1, "leader");
}

static const struct dslab_protocol string_tag_reporter = {
    .name = "string-tag", .state_size = sizeof(struct reporter_state),
    .init = string_tag_init, .on_message = h_ignore_message,
};

static const struct dslab_protocol negative_term_reporter = {
    .name = "negative-term", .state_size = sizeof(struct reporter_state),
    .init = negative_term_init, .on_message = h_ignore_message,
};

static const struct dslab_protocol bad_reporter = {
    .name = "bad-reporter", .state_size = sizeof(struct reporter_state), .init = bad_init,
    .on_message = h_ignore_message,
};

/* --- recording --------------------------------------------------------------- */
#define REC_MAX 256
struct recorder {
    int count;
    struct dslab_trace_event ev[REC_MAX];
    char jsonl[REC_MAX][256];
    const struct dslab_scenario *s;
};

static void recorder_sink(void *user, const struct dslab_trace_event *ev) {
    struct recorder *r = user;
    if (ev->kind != DSLAB_TRACE_ANNOTATE || r->count == REC_MAX) return;
    r->ev[r->count] = *ev;
    r->ev[r->count].tag = NULL;
    r->ev[r->count].text = NULL;
    dslab_trace_event_to_jsonl(ev, (const char (*)[32])r->s->node_names, r->s->nodes_count,
                         r->jsonl[r->count], (int)sizeof r->jsonl[r->count]);
    r->count++;
}

static struct dslab_scenario *load(void) {
    static const char text[] =
        "name: t\nduration: 1s\nnodes: 3\nprotocol: { name: gossip-pingpong }\n"
        "checks: [one-leader-per-term, single-primary-at-once]\n";
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct dslab_scenario *s = dslab_scenario_load_buffer(text, strlen(text), "test.yaml", NULL, 0, NULL, &d);
    if (!s) fail_msg("scenario did not load: %s:%d:%d: %s", d.file, d.line, d.col, d.message);
    return s;
}

static const struct dslab_check_result *result_named(const struct dslab_sim *sim, const char *name) {
    for (int i = 0; i < dslab_sim_check_count(sim); i++) {
        if (strcmp(dslab_sim_check_result(sim, i)->name, name) == 0) return dslab_sim_check_result(sim, i);
    }
    fail_msg("no check %s", name);
    return NULL;
}

static int find(const struct recorder *r, const char *jsonl_part) {
    for (int i = 0; i < r->count; i++) {
        if (strstr(r->jsonl[i], jsonl_part)) return i;
    }
    return -1;
}

static void test_typed_reports_reach_trace_and_checkers(void **state) {
    (void)state;
    struct dslab_scenario *s = load();
    static struct recorder rec;
    memset(&rec, 0, sizeof rec);
    rec.s = s;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct dslab_sim *sim = dslab_sim_create_with_protocol(s, &reporter, 1, &d);
    assert_non_null(sim);
    dslab_sim_add_sink(sim, recorder_sink, &rec);
    assert_int_equal(dslab_sim_run(sim, s->duration_ns, 0), DSLAB_SIM_OK);
    dslab_sim_finish(sim);

    /* The file keeps tag, value and text; the event carries the class. */
    int boss = find(&rec, "\"node\":\"n1\",\"value\":1,\"tag\":\"role\",\"text\":\"boss\"");
    assert_true(boss >= 0);
    assert_int_equal(rec.ev[boss].annotation, DSLAB_ANNOTATION_ROLE);
    assert_int_equal(rec.ev[boss].role, DSLAB_ROLE_LEADER);
    int fake = find(&rec, "\"node\":\"n2\",\"value\":1,\"tag\":\"role\",\"text\":\"leader\"");
    assert_true(fake >= 0);
    assert_int_equal(rec.ev[fake].role, DSLAB_ROLE_FOLLOWER);
    int term = find(&rec, "\"tag\":\"epoch\",\"text\":\"epoch 1\"");
    assert_true(term >= 0);
    assert_int_equal(rec.ev[term].annotation, DSLAB_ANNOTATION_TERM);
    assert_int_equal(rec.ev[term].a, 1);
    int fs = find(&rec, "\"tag\":\"final-state\",\"text\":\"node 0 done\"");
    assert_true(fs >= 0);
    assert_int_equal(rec.ev[fs].annotation, DSLAB_ANNOTATION_FINAL_STATE);
    assert_int_equal(rec.ev[fs].a, 2);
    int fv = find(&rec, "\"tag\":\"final\",\"text\":\"key=-3 value=-9223372036854775808\"");
    assert_true(fv >= 0);
    assert_int_equal(rec.ev[fv].annotation, DSLAB_ANNOTATION_FINAL_VALUE);
    assert_int_equal(rec.ev[fv].b, -3);
    assert_true(rec.ev[fv].a == INT64_MIN);
    /* Every "role" line of this protocol came from the typed call. */
    for (int i = 0; i < rec.count; i++) {
        if (strstr(rec.jsonl[i], "\"tag\":\"role\"")) {
            assert_int_equal(rec.ev[i].annotation, DSLAB_ANNOTATION_ROLE);
        }
    }

    /* n1 ("boss") and n2 ("chief") both lead term 1: both checkers see it,
     * and n2's earlier "leader" text as a follower counts for nothing. */
    const struct dslab_check_result *olpt = result_named(sim, "one-leader-per-term");
    assert_int_equal(olpt->verdict, DSLAB_CHECK_FAIL);
    assert_int_equal(olpt->violations_total, 1);
    assert_int_equal(olpt->violations[0].from_ns, 100 * DSLAB_NS_PER_MS);
    const struct dslab_check_result *sp = result_named(sim, "single-primary-at-once");
    assert_int_equal(sp->verdict, DSLAB_CHECK_FAIL);
    assert_int_equal(sp->violations[0].from_ns, 100 * DSLAB_NS_PER_MS);
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
}

static void test_reports_outside_their_range_stop_the_run(void **state) {
    (void)state;
    struct dslab_scenario *s = load();
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct dslab_sim *sim = dslab_sim_create_with_protocol(s, &bad_reporter, 1, &d);
    assert_non_null(sim);
    assert_int_equal(dslab_sim_run(sim, s->duration_ns, 0), DSLAB_SIM_ERROR);
    assert_non_null(strstr(dslab_sim_error(sim), "node n1 reported a role class outside enum dslab_role_class: 9"));
    dslab_sim_destroy(sim);
    sim = dslab_sim_create_with_protocol(s, &negative_term_reporter, 1, &d);
    assert_non_null(sim);
    assert_int_equal(dslab_sim_run(sim, s->duration_ns, 0), DSLAB_SIM_ERROR);
    assert_non_null(strstr(dslab_sim_error(sim), "node n1 reported a negative term: -1"));
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
}

static void test_string_tags_for_typed_reports_stop_the_run(void **state) {
    (void)state;
    struct dslab_scenario *s = load();
    static const struct {
        const char *tag, *call;
    } cases[] = {
        {"role", "call dslab_ctx_report_role(ctx, DSLAB_ROLE_LEADER, term, \"...\")"},
        {"final-state", "call dslab_ctx_report_final_state(ctx, keys_count, \"...\")"},
        {"final", "call dslab_ctx_report_final_value(ctx, key, value)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        string_tag = cases[i].tag;
        struct dslab_diag d;
        dslab_diag_clear(&d);
        struct dslab_sim *sim = dslab_sim_create_with_protocol(s, &string_tag_reporter, 1, &d);
        assert_non_null(sim);
        assert_int_equal(dslab_sim_run(sim, s->duration_ns, 0), DSLAB_SIM_ERROR);
        const char *e = dslab_sim_error(sim);
        assert_non_null(strstr(e, "node n1: dslab_ctx_annotate with the tag '"));
        assert_non_null(strstr(e, cases[i].tag));
        assert_non_null(strstr(e, cases[i].call));
        dslab_sim_destroy(sim);
    }
    string_tag = "leader-ish"; /* not reserved: a free note */
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct dslab_sim *sim = dslab_sim_create_with_protocol(s, &string_tag_reporter, 1, &d);
    assert_non_null(sim);
    assert_int_not_equal(dslab_sim_run(sim, s->duration_ns, 0), DSLAB_SIM_ERROR);
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
}

static void test_role_class_names_and_leading(void **state) {
    (void)state;
    assert_string_equal(dslab_role_class_name(DSLAB_ROLE_LEADER), "leader");
    assert_string_equal(dslab_role_class_name(DSLAB_ROLE_PARTICIPANT), "participant");
    assert_string_equal(dslab_role_class_name(DSLAB_ROLE_NONE), "none");
    assert_string_equal(dslab_role_class_name((enum dslab_role_class)-1), "none");
    assert_string_equal(dslab_role_class_name(DSLAB_ROLE_CLASS_COUNT), "none");
    for (int c = 0; c <= DSLAB_ROLE_CLASS_COUNT; c++) {
        assert_int_equal(dslab_role_class_leads((enum dslab_role_class)c), c == DSLAB_ROLE_LEADER || c == DSLAB_ROLE_PRIMARY);
    }
}

H_MAIN(cmocka_unit_test(test_typed_reports_reach_trace_and_checkers),
       cmocka_unit_test(test_reports_outside_their_range_stop_the_run),
       cmocka_unit_test(test_role_class_names_and_leading),
       cmocka_unit_test(test_string_tags_for_typed_reports_stop_the_run))
