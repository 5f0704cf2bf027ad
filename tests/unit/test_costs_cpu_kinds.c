/* test_costs_cpu_kinds.c: per-kind CPU service times of `costs.cpu`
 * (`messages:` by the first word of the message label, `requests:` by
 * read/write/cas; sim/costs_cpu.c): a named kind gets its own service
 * time, other kinds the default; a per-node table replaces the top-level
 * one; the tables survive dslab_scenario_save; bad tables are refused
 * with a clear error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* --- "kinds": n1 sends 1..4 to n2 at start; odd = "Big", even = "Small".
 * Requests are answered ok at once. */
static void kinds_init(struct dslab_node_ctx *ctx, void *state) {
    (void)state;
    if (dslab_ctx_self(ctx) != 0) return;
    for (int32_t v = 1; v <= 4; v++) dslab_ctx_send(ctx, 1, &v, sizeof v);
}

static void kinds_on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *m, size_t len) {
    (void)ctx, (void)state, (void)from, (void)m, (void)len;
}

static void kinds_on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t id, uint64_t tag) {
    (void)ctx, (void)state, (void)id, (void)tag;
}

static void kinds_on_request(struct dslab_node_ctx *ctx, void *state, const struct dslab_client_request *req) {
    (void)state;
    dslab_ctx_reply(ctx, req->request_id, DSLAB_REPLY_OK, req->fn == DSLAB_OP_READ ? DSLAB_HISTORY_NIL : req->value);
}

static void kinds_label(const void *msg, size_t len, char *buf, size_t size) {
    int32_t v = 0;
    if (len == sizeof v) memcpy(&v, msg, sizeof v);
    snprintf(buf, size, "%s %d", v % 2 ? "Big" : "Small", (int)v);
}

static const struct dslab_protocol kinds = {
    .name = "kinds", .state_size = 1, .init = kinds_init, .on_message = kinds_on_message,
    .on_timer = kinds_on_timer, .on_request = kinds_on_request, .message_label = kinds_label,
};

struct seen {
    int64_t deliver_ns[8];   /* by msg id */
    int64_t service_ns[8];   /* by msg id, from the `cpu` cost record */
    int64_t read_ns, write_ns; /* service time of the last read / write request */
};

static void sink(void *user, const struct dslab_trace_event *ev) {
    struct seen *c = user;
    if (ev->kind == DSLAB_TRACE_DELIVER && ev->msg_id < 8) c->deliver_ns[ev->msg_id] = ev->t_ns;
    if (ev->kind != DSLAB_TRACE_COST || strcmp(ev->tag, "cpu") != 0) return;
    if (ev->msg_id > 0 && ev->msg_id < 8) c->service_ns[ev->msg_id] = ev->a;
}

/* Requests: the service time is the reply's delay beyond the two 1ms trips. */
static void client_sink(void *user, const struct dslab_trace_event *ev) {
    struct seen *c = user;
    static int64_t invoked_ns[64];
    sink(user, ev);
    if (ev->kind != DSLAB_TRACE_CLIENT || !ev->op || ev->op->op_id >= 64) return;
    if (ev->op->type == DSLAB_OP_INVOKE) invoked_ns[ev->op->op_id] = ev->t_ns;
    if (ev->op->type != DSLAB_OP_OK) return;
    int64_t service_ns = ev->t_ns - invoked_ns[ev->op->op_id] - 2 * DSLAB_NS_PER_MS;
    if (ev->op->fn == DSLAB_OP_READ) c->read_ns = service_ns;
    else c->write_ns = service_ns;
}

static struct seen *run(const char *costs, const char *workload) {
    static struct seen c;
    memset(&c, 0, sizeof c);
    h_run_text(&kinds, 5, workload[0] ? client_sink : sink, &c,
               "name: t\nduration: 2s\nnodes: 2\nprotocol: gossip-pingpong\n"
               "network: { latency: constant(1ms) }\n%s\n%s\n",
               costs, workload);
    return &c;
}

static void test_a_named_message_kind_gets_its_own_time(void **state) {
    (void)state;
    /* one worker, FIFO: Big 10ms, Small 1ms, Big 10ms, Small 1ms from 1ms */
    struct seen *c = run("costs: { cpu: { workers: 1, message: constant(1ms), messages: { Big: constant(10ms) } } }", "");
    assert_int_equal(c->service_ns[1], 10 * DSLAB_NS_PER_MS);
    assert_int_equal(c->service_ns[2], 1 * DSLAB_NS_PER_MS);
    assert_int_equal(c->service_ns[3], 10 * DSLAB_NS_PER_MS);
    assert_int_equal(c->service_ns[4], 1 * DSLAB_NS_PER_MS);
    assert_int_equal(c->deliver_ns[1], 11 * DSLAB_NS_PER_MS);
    assert_int_equal(c->deliver_ns[2], 12 * DSLAB_NS_PER_MS);
    assert_int_equal(c->deliver_ns[3], 22 * DSLAB_NS_PER_MS);
    assert_int_equal(c->deliver_ns[4], 23 * DSLAB_NS_PER_MS);
    /* a kind that never occurs changes nothing; without `message` the default is 0 */
    c = run("costs: { cpu: { workers: 1, messages: { Huge: constant(50ms), Small: 2ms } } }", "");
    assert_int_equal(c->service_ns[1], 0);
    assert_int_equal(c->service_ns[2], 2 * DSLAB_NS_PER_MS);
    assert_int_equal(c->deliver_ns[1], 1 * DSLAB_NS_PER_MS);
    assert_int_equal(c->deliver_ns[4], 5 * DSLAB_NS_PER_MS);
}

static void test_a_per_node_table_replaces_the_top_level_one(void **state) {
    (void)state;
    struct seen *c = run("costs:\n  cpu: { workers: 1, messages: { Big: 10ms } }\n"
                         "  nodes: { n2: { cpu: { workers: 1, message: 3ms, messages: { Small: 7ms } } } }", "");
    assert_int_equal(c->service_ns[1], 3 * DSLAB_NS_PER_MS); /* Big is not in n2's table: its default */
    assert_int_equal(c->service_ns[2], 7 * DSLAB_NS_PER_MS);
}

static void test_request_kinds(void **state) {
    (void)state;
    struct seen *c = run("costs: { cpu: { workers: 4, request: constant(1ms), requests: { write: constant(5ms) } } }",
                         "workload: { clients: 1, rate: 5/s, target: n1 }");
    assert_int_equal(c->write_ns, 5 * DSLAB_NS_PER_MS);
    assert_int_equal(c->read_ns, 1 * DSLAB_NS_PER_MS);
}

static void test_tables_survive_save(void **state) {
    (void)state;
    struct dslab_scenario *s = h_load("name: t\nduration: 1s\nnodes: 2\nprotocol: raft\n"
                                      "costs:\n  cpu: { workers: 2, messages: { AppendEntries: 200us, Vote_2.x: "
                                      "\"uniform(1ms, 2ms)\" }, requests: { cas: 3ms } }\n"
                                      "  nodes: { n2: { cpu: { workers: 1, requests: { read: 1us } } } }\n");
    struct dslab_scenario *back = h_save_reload(s);
    for (int n = 0; n < 2; n++) {
        const struct dslab_scenario_node_costs *a = &s->node_costs[n], *b = &back->node_costs[n];
        assert_int_equal(a->cpu_message_kinds_count, b->cpu_message_kinds_count);
        assert_int_equal(a->cpu_request_kinds_count, b->cpu_request_kinds_count);
        for (int32_t i = 0; i < a->cpu_message_kinds_count; i++) {
            const struct dslab_scenario_cpu_kind *x = &s->cpu_kinds[a->cpu_message_kinds_first + i];
            const struct dslab_scenario_cpu_kind *y = &back->cpu_kinds[b->cpu_message_kinds_first + i];
            assert_string_equal(x->name, y->name);
            assert_int_equal(dslab_latency_mean_ns(&x->service_ns), dslab_latency_mean_ns(&y->service_ns));
        }
        for (int32_t i = 0; i < a->cpu_request_kinds_count; i++) {
            assert_string_equal(s->cpu_kinds[a->cpu_request_kinds_first + i].name,
                                back->cpu_kinds[b->cpu_request_kinds_first + i].name);
        }
    }
    assert_int_equal(s->node_costs[0].cpu_message_kinds_count, 2);
    assert_int_equal(s->node_costs[1].cpu_message_kinds_count, 2); /* inherited */
    assert_string_equal(s->cpu_kinds[s->node_costs[1].cpu_request_kinds_first].name, "read");
    dslab_scenario_free(back);
    dslab_scenario_free(s);
}

static void bad(const char *cpu, const char *part) {
    char text[8192];
    snprintf(text, sizeof text, "name: t\nduration: 1s\nnodes: 2\nprotocol: raft\ncosts: { cpu: %s }\n", cpu);
    h_expect_error(text, part);
}

static void test_bad_tables_are_refused(void **state) {
    (void)state;
    bad("{ workers: 1, requests: { delete: 1ms } }", "unknown key 'delete'");
    bad("{ workers: 1, requests: { read: 2min } }", "cpu service time of read 2min has a mean of 120s: expected 0ns to 60s");
    bad("{ workers: 1, messages: { Big: -1ms } }", "expected a duration >= 0 like 150ms, got '-1ms'");
    bad("{ workers: 1, messages: {} }", "expected 1 to 32 kinds, got 0");
    bad("{ workers: 1, messages: [Big] }", "a mapping like { AppendEntries: 200us, RequestVote: 20us }");
    bad("{ workers: 1, messages: { \"a b\": 1ms } }", "message kind 'a b': expected 1 to 31 letters");
    bad("{ workers: 1, messages: { -x: 1ms } }", "message kind '-x'");
    bad("{ workers: 1, messages: { aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: 1ms } }", "expected 1 to 31 letters");
    bad("{ workers: 1 }", "cpu needs message or request (a service-time distribution), or messages or requests");
    char many[4096] = "{ workers: 1, messages: {";
    for (int i = 0; i < 33; i++) {
        size_t len = strlen(many);
        snprintf(many + len, sizeof many - len, "%s K%d: 1ms", i ? "," : "", i);
    }
    strcat(many, " } }");
    bad(many, "expected 1 to 32 kinds, got 33");
}

H_MAIN(cmocka_unit_test(test_a_named_message_kind_gets_its_own_time),
       cmocka_unit_test(test_a_per_node_table_replaces_the_top_level_one), cmocka_unit_test(test_request_kinds),
       cmocka_unit_test(test_tables_survive_save), cmocka_unit_test(test_bad_tables_are_refused))
