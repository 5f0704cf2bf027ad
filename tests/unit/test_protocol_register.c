/* test_protocol_register.c: protocols defined outside the library
 * (dslab_protocol_register, dslab/node.h). A tiny ring protocol registered here
 * is named by `protocol: test-ring` in a scenario, configured from its
 * parameters and run; the registry refuses what it must (clashes with
 * built-ins, duplicates, bad names, missing callbacks, a full table), and
 * an unregistered protocol is unknown again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "dslab/limits.h"
#include "dslab/node.h"
#include "dslab/scenario.h"
#include "dslab/sim.h"
#include "dslab/trace.h"

/* ---- the test protocol: a token goes round the ring `laps` times --------- */

struct ring_config {
    int64_t laps;
};
struct ring_state {
    int64_t seen; /* tokens this node received */
};

static int ring_configure(const struct dslab_scenario *s, void **config_out, struct dslab_diag *diag) {
    static const char *const known[] = {"laps", NULL};
    static struct ring_config config; /* one scenario at a time in this test */
    if (dslab_param_reject_unknown(s, known, diag) < 0) return -1;
    if (dslab_param_int(s, "laps", 2, 1, 100, &config.laps, diag) < 0) return -1;
    *config_out = &config;
    return 0;
}

static void ring_send_on(struct dslab_node_ctx *ctx, int64_t hops) {
    int32_t next = (dslab_ctx_self(ctx) + 1) % dslab_ctx_nodes_count(ctx);
    dslab_ctx_send(ctx, next, &hops, sizeof hops);
}

static void ring_init(struct dslab_node_ctx *ctx, void *state) {
    (void)state;
    if (dslab_ctx_self(ctx) == 0) dslab_ctx_set_timer(ctx, 1000000, 0); /* start after 1 ms */
}

static void ring_on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t id, uint64_t tag) {
    (void)state, (void)id, (void)tag;
    ring_send_on(ctx, 1);
}

static void ring_on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *msg,
                            size_t len) {
    (void)from;
    struct ring_state *st = state;
    const struct ring_config *config = dslab_ctx_config(ctx);
    int64_t hops;
    assert_int_equal(len, sizeof hops);
    memcpy(&hops, msg, sizeof hops);
    st->seen++;
    dslab_ctx_annotate(ctx, "seen", st->seen, "token %lld", (long long)hops);
    if (hops < config->laps * dslab_ctx_nodes_count(ctx)) ring_send_on(ctx, hops + 1);
}

static const struct dslab_protocol test_ring = {
    .name = "test-ring",
    .summary = "a token round a ring (test_protocol_register.c)",
    .state_size = sizeof(struct ring_state),
    .configure = ring_configure,
    .init = ring_init,
    .on_message = ring_on_message,
    .on_timer = ring_on_timer,
};

/* ---- helpers --------------------------------------------------------------- */

static int reset(void **state) {
    (void)state;
    dslab_protocol_unregister_all();
    return 0;
}

static struct dslab_scenario *load(const char *text, struct dslab_diag *d) {
    dslab_diag_clear(d);
    return dslab_scenario_load_buffer(text, strlen(text), "t.yaml", NULL, 0, NULL, d);
}

struct counts {
    int delivered;
    int annotations;
};

static void count_sink(void *user, const struct dslab_trace_event *ev) {
    struct counts *c = user;
    if (ev->kind == DSLAB_TRACE_DELIVER) c->delivered++;
    if (ev->kind == DSLAB_TRACE_ANNOTATE && strcmp(ev->tag, "seen") == 0) c->annotations++;
}

/* Runs `text` to its end; returns the deliveries. */
static int run_deliveries(const char *text) {
    struct dslab_diag d;
    struct dslab_scenario *s = load(text, &d);
    if (!s) fail_msg("load: %s:%d:%d: %s", d.file, d.line, d.col, d.message);
    struct dslab_sim *sim = dslab_sim_create(s, s->seed, &d);
    assert_non_null(sim);
    struct counts c = {0};
    assert_int_equal(dslab_sim_add_sink(sim, count_sink, &c), 0);
    assert_int_equal(dslab_sim_run(sim, s->duration_ns, 0), DSLAB_SIM_OK);
    dslab_sim_finish(sim);
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
    assert_int_equal(c.annotations, c.delivered);
    return c.delivered;
}

/* ---- tests ----------------------------------------------------------------- */

static void test_registered_protocol_runs_from_a_scenario(void **state) {
    (void)state;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    assert_int_equal(dslab_protocol_register(&test_ring, &d), 0);
    assert_ptr_equal(dslab_protocol_find("test-ring"), &test_ring);
    /* default: 2 laps of 4 nodes */
    assert_int_equal(run_deliveries("name: t\nduration: 1s\nnodes: 4\nprotocol: test-ring\n"
                                    "network: { latency: constant(1ms) }\n"),
                     8);
    /* its parameters are read by its configure() */
    assert_int_equal(run_deliveries("name: t\nduration: 1s\nnodes: 3\n"
                                    "protocol: { name: test-ring, laps: 5 }\n"
                                    "network: { latency: constant(1ms) }\n"),
                     15);
}

static void test_registered_protocol_errors_are_positioned(void **state) {
    (void)state;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    assert_int_equal(dslab_protocol_register(&test_ring, &d), 0);
    /* its configure() errors point at the parameter, like a built-in's */
    assert_null(
        load("name: t\nduration: 1s\nnodes: 3\nprotocol: { name: test-ring, laps: 0 }\n", &d));
    assert_int_equal(d.line, 4);
    assert_int_equal(d.col, 30);
    assert_non_null(strstr(d.message, "laps"));
    assert_null(
        load("name: t\nduration: 1s\nnodes: 3\nprotocol: { name: test-ring, lap: 3 }\n", &d));
    assert_non_null(strstr(d.message, "did you mean 'laps'"));
    /* a typo of a registered name suggests it */
    assert_null(load("name: t\nduration: 1s\nnodes: 3\nprotocol: test-rign\n", &d));
    assert_string_equal(d.message, "unknown protocol 'test-rign' (did you mean 'test-ring'?)");
}

static void test_unregistered_protocol_is_unknown(void **state) {
    (void)state;
    static const char text[] = "name: t\nduration: 1s\nnodes: 3\nprotocol: test-ring\n";
    struct dslab_diag d;
    assert_null(load(text, &d));
    assert_non_null(strstr(d.message, "unknown protocol 'test-ring'"));
    assert_int_equal(dslab_protocol_register(&test_ring, &d), 0);
    struct dslab_scenario *s = load(text, &d);
    assert_non_null(s);
    dslab_scenario_free(s);
    assert_int_equal(dslab_protocol_unregister(&test_ring), 0);
    assert_int_equal(dslab_protocol_unregister(&test_ring), -1);
    assert_null(dslab_protocol_find("test-ring"));
    assert_null(load(text, &d));
    assert_non_null(strstr(d.message, "unknown protocol 'test-ring'"));
}

static void expect_refused(const struct dslab_protocol *p, const char *message) {
    struct dslab_diag d;
    dslab_diag_clear(&d);
    assert_int_equal(dslab_protocol_register(p, &d), -1);
    assert_string_equal(d.message, message);
    assert_string_equal(d.file, "");
}

static void test_registry_refuses_what_it_must(void **state) {
    (void)state;
    expect_refused(NULL, "no protocol to register (NULL)");
    struct dslab_protocol p = test_ring;
    p.name = "raft";
    expect_refused(&p,
                   "protocol 'raft' is built in; a registered protocol needs a name of its own");
    p.name = "";
    expect_refused(&p, "a registered protocol needs a name");
    p.name = NULL;
    expect_refused(&p, "a registered protocol needs a name");
    p.name = "has space";
    expect_refused(&p, "protocol name 'has space' may hold only letters, digits, '-' and '_'");
    p.name = "colon:x";
    expect_refused(&p, "protocol name 'colon:x' may hold only letters, digits, '-' and '_'");
    char long_name[80];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    p.name = long_name;
    expect_refused(&p, "protocol name 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' is longer "
                       "than 63 bytes");
    long_name[63] = '\0'; /* 63 bytes fit */
    struct dslab_diag d;
    assert_int_equal(dslab_protocol_register(&p, &d), 0);
    assert_int_equal(dslab_protocol_unregister(&p), 0);
    p.name = "no-timer";
    p.on_timer = NULL;
    expect_refused(&p, "protocol 'no-timer' lacks on_timer (init, on_message and on_timer are "
                       "required)");
    p = test_ring;
    p.init = NULL;
    expect_refused(&p, "protocol 'test-ring' lacks init (init, on_message and on_timer are "
                       "required)");
    /* a second protocol with a registered name, or the same one twice */
    assert_int_equal(dslab_protocol_register(&test_ring, &d), 0);
    expect_refused(&test_ring, "protocol 'test-ring' is already registered");
    p = test_ring;
    expect_refused(&p, "protocol 'test-ring' is already registered");
    /* refused registrations changed nothing */
    const char *names[64 + DSLAB_PROTOCOLS_REGISTERED_MAX];
    int n = dslab_protocol_names(names, (int)(sizeof names / sizeof names[0]));
    assert_int_equal(n, dslab_protocol_count() + 1);
    assert_string_equal(names[n - 1], "test-ring");
}

static void test_table_is_bounded_and_clears(void **state) {
    (void)state;
    static struct dslab_protocol many[DSLAB_PROTOCOLS_REGISTERED_MAX + 1];
    static char names[DSLAB_PROTOCOLS_REGISTERED_MAX + 1][16];
    struct dslab_diag d;
    for (int i = 0; i <= DSLAB_PROTOCOLS_REGISTERED_MAX; i++) {
        many[i] = test_ring;
        snprintf(names[i], sizeof names[i], "p%d", i);
        many[i].name = names[i];
    }
    for (int i = 0; i < DSLAB_PROTOCOLS_REGISTERED_MAX; i++) {
        assert_int_equal(dslab_protocol_register(&many[i], &d), 0);
    }
    char message[128];
    snprintf(message, sizeof message,
             "more than %d registered protocols (DSLAB_PROTOCOLS_REGISTERED_MAX)",
             DSLAB_PROTOCOLS_REGISTERED_MAX);
    expect_refused(&many[DSLAB_PROTOCOLS_REGISTERED_MAX], message);
    /* unregistering one in the middle keeps the others, in order */
    assert_int_equal(dslab_protocol_unregister(&many[5]), 0);
    assert_null(dslab_protocol_find("p5"));
    assert_ptr_equal(dslab_protocol_find("p6"), &many[6]);
    assert_int_equal(dslab_protocol_register(&many[DSLAB_PROTOCOLS_REGISTERED_MAX], &d), 0);
    const char *list[64 + DSLAB_PROTOCOLS_REGISTERED_MAX];
    int n = dslab_protocol_names(list, (int)(sizeof list / sizeof list[0]));
    assert_int_equal(n, dslab_protocol_count() + DSLAB_PROTOCOLS_REGISTERED_MAX);
    assert_string_equal(list[dslab_protocol_count() + 5], "p6");
    assert_string_equal(list[n - 1], names[DSLAB_PROTOCOLS_REGISTERED_MAX]);
    /* dslab_protocol_names never writes past `max` */
    const char *two[2] = {NULL, NULL};
    assert_int_equal(dslab_protocol_names(two, 1), 1);
    assert_null(two[1]);
    dslab_protocol_unregister_all();
    assert_null(dslab_protocol_find("p0"));
    assert_int_equal(dslab_protocol_names(list, (int)(sizeof list / sizeof list[0])), dslab_protocol_count());
    /* built-ins are untouched by all this */
    assert_non_null(dslab_protocol_find("raft"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_registered_protocol_runs_from_a_scenario, reset),
        cmocka_unit_test_setup(test_registered_protocol_errors_are_positioned, reset),
        cmocka_unit_test_setup(test_unregistered_protocol_is_unknown, reset),
        cmocka_unit_test_setup(test_registry_refuses_what_it_must, reset),
        cmocka_unit_test_setup(test_table_is_bounded_and_clears, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
