/* test_reconfigure.c: parameters changed mid-run (`set`) and load shedding
 * (`shed`), as operator actions and as scenario faults
 * (docs/SCENARIO_FORMAT.md "Changing a parameter mid-run").
 *
 * A `set` at T takes effect exactly at T: a protocol that reads its config
 * at every timer sees the old value before and the new one after; a key
 * the protocol cannot change, a value out of its range, a protocol with no
 * hook are refused when the action or the scenario is loaded, with the
 * keys it can change. `shed` refuses exactly the share it names of what
 * arrives at the node's CPU model from T on, and nothing before. Both save
 * and load back to the same run. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dslab/action.h"
#include "dslab/node.h"
#include "dslab/units.h"
#include "harness.h"
#include "protocols/proto_reconf.h"

/* --- a protocol whose one parameter, `period`, may change mid-run -------- */
struct probe_config {
    int64_t period_ns;
};

static int probe_configure(const struct dslab_scenario *s, void **out, struct dslab_diag *diag) {
    static struct probe_config c; /* one sim at a time in this test */
    if (dslab_param_duration_ns(s, "period", 100 * DSLAB_NS_PER_MS, &c.period_ns, diag) != 0) return -1;
    *out = &c;
    return 0;
}

static int probe_reconfigure(void *config, const char *key, const char *value, struct dslab_diag *diag) {
    char err[DSLAB_UNITS_ERR_MAX];
    int64_t ns;
    if (strcmp(key, "period") != 0) return dslab_diag_set(diag, "", 0, 0, "protocol.%s cannot change mid-run", key);
    if (dslab_units_parse_duration_ns(value, false, &ns, err, (int)sizeof err) != 0 || ns < DSLAB_NS_PER_MS) {
        return dslab_diag_set(diag, "", 0, 0, "protocol.period: '%s' is out of range (1ms to 1 day)", value);
    }
    if (config) ((struct probe_config *)config)->period_ns = ns;
    return 0;
}

/* Node 0 annotates the period it reads at every timer, then sets the next. */
static void probe_tick(struct dslab_node_ctx *ctx) {
    const struct probe_config *c = dslab_ctx_config(ctx);
    dslab_ctx_annotate(ctx, "period", c->period_ns, "%s", "tick");
    dslab_ctx_set_timer(ctx, c->period_ns, 0);
}
static void probe_init(struct dslab_node_ctx *ctx, void *state) {
    (void)state;
    if (dslab_ctx_self(ctx) == 0) dslab_ctx_set_timer(ctx, 50 * DSLAB_NS_PER_MS, 0);
}
static void probe_on_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *m, size_t len) {
    (void)ctx, (void)state, (void)from, (void)m, (void)len;
}
static void probe_on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t id, uint64_t tag) {
    (void)state, (void)id, (void)tag;
    probe_tick(ctx);
}

static const char *const probe_keys[] = {"period", NULL};
static const struct dslab_protocol probe = {
    .name = "reconf-probe", .state_size = 8, .configure = probe_configure, .init = probe_init,
    .on_message = probe_on_message, .on_timer = probe_on_timer, .reconfigurable = probe_keys,
    .reconfigure = probe_reconfigure,
};
static const struct dslab_protocol fixed = {
    .name = "reconf-fixed", .state_size = 8, .configure = probe_configure, .init = probe_init,
    .on_message = probe_on_message, .on_timer = probe_on_timer,
};

static const char *const probe_fmt =
    "name: t\nduration: 2s\nnodes: [n1, n2]\nprotocol: { name: reconf-probe }\nfaults:\n%s";

struct seen {
    int64_t before_ns, after_ns; /* the period read before / after 1s */
    int64_t set_at_ns;
    int sets;
};

static void watch(void *user, const struct dslab_trace_event *ev) {
    struct seen *s = user;
    if (ev->kind == DSLAB_TRACE_ANNOTATE && ev->tag && strcmp(ev->tag, "period") == 0) {
        if (ev->t_ns < DSLAB_NS_PER_S) s->before_ns = ev->a;
        else if (!s->after_ns) s->after_ns = ev->a;
    }
    if (ev->kind == DSLAB_TRACE_SET) {
        s->sets++;
        s->set_at_ns = ev->t_ns;
        assert_string_equal(ev->tag, "period");
        assert_string_equal(ev->text, "30ms");
    }
}

static void register_probes(void) {
    struct dslab_diag d;
    dslab_protocol_unregister_all();
    assert_int_equal(dslab_protocol_register(&probe, &d), 0);
    assert_int_equal(dslab_protocol_register(&fixed, &d), 0);
}

static void test_a_set_takes_effect_exactly_at_its_time(void **state) {
    (void)state;
    register_probes();
    struct seen s = {0};
    h_run_text(NULL, 1, watch, &s, probe_fmt, "  - { at: 1s, set: protocol.period, to: 30ms }\n");
    assert_int_equal(s.sets, 1);
    assert_int_equal(s.set_at_ns, DSLAB_NS_PER_S);
    assert_int_equal(s.before_ns, 100 * DSLAB_NS_PER_MS); /* ticks at 50, 150 ... 950ms */
    assert_int_equal(s.after_ns, 30 * DSLAB_NS_PER_MS);   /* the tick at 1.05s reads the new value */
    dslab_protocol_unregister_all();
}

static void test_refused_sets_name_what_can_change(void **state) {
    (void)state;
    register_probes();
    static const struct h_refusal cases[] = {
        {"  - { at: 1s, set: protocol.perod, to: 30ms }\n", "did you mean 'protocol.period'"},
        {"  - { at: 1s, set: protocol.period, to: 10us }\n", "out of range (1ms to 1 day)"},
        {"  - { at: 1s, set: protocol.period }\n", "set needs to: VALUE"},
        {"  - { at: 1s, set: network.loss, to: 0.1 }\n", "only a protocol parameter"},
        {"  - { at: 1s, shed: n1 }\n", "shed needs fraction"},
        {"  - { at: 1s, shed: n1, fraction: 1.5 }\n", "1"},
        {"  - { at: 1s, shed: n9, fraction: 0.5 }\n", "n9"},
    };
    H_EXPECT_REFUSALS(probe_fmt, cases);
    h_expect_error("name: t\nduration: 2s\nnodes: [n1, n2]\nprotocol: { name: reconf-fixed }\nfaults:\n"
                   "  - { at: 1s, set: protocol.period, to: 30ms }\n",
                   "has no parameter that can change mid-run");
    dslab_protocol_unregister_all();
}

static const char *const storm =
    "name: t\nduration: 3s\nnodes: [n1, n2, n3]\nnetwork: { latency: constant(1ms) }\n"
    "costs: { nodes: { n1: { cpu: { workers: 1, queue: 1000, message: constant(1ms) } } } }\n"
    "protocol: { name: retry-storm, rate: 50/s, retries: 0 }\n";

static void test_actions_set_and_shed_become_faults(void **state) {
    (void)state;
    struct dslab_scenario *s = h_load(storm);
    const struct { const char *text, *part; } bad[] = {
        {"1s:set:protocol.retries:64", "0 to 63"}, {"1s:set:protocol.rate:10/s", "cannot change 'protocol.rate' mid-run"},
        {"1s:set:protocol.retires:0", "did you mean 'protocol.retries'"}, {"1s:set:protocol.retries", "needs a parameter and a value"},
        {"1s:set:network.loss:0.1", "only a protocol parameter"}, {"1s:set:protocol.timeout:0s", "out of range"},
        {"1s:set:protocol.backoff:linear", "not one of none, exponential"}, {"1s:set:protocol.jitter:maybe", "not one of none, full, equal"},
        {"1s:shed:n1:1.5", "bad fraction"}, {"1s:shed:n1", "bad fraction"}, {"1s:shed:n1:-0.1", "bad fraction"},
        {"1s:shed:n2:0.5", "n2 has no CPU model"}, {"1s:shed:n9:0.5", "unknown node 'n9'"},
    };
    struct dslab_action a;
    struct dslab_fault f;
    struct dslab_diag d;
    int32_t groups[3];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dslab_diag_clear(&d);
        if (dslab_action_parse(bad[i].text, &a, &d) == 0 && dslab_action_to_fault(s, &a, &f, groups, &d) == 0) {
            fail_msg("'%s' was accepted", bad[i].text);
        }
        if (!strstr(d.message, bad[i].part)) fail_msg("'%s': '%s' lacks '%s'", bad[i].text, d.message, bad[i].part);
    }
    assert_int_equal(dslab_action_parse("2s:set:protocol.timeout:250ms", &a, &d), 0);
    assert_int_equal(dslab_action_to_fault(s, &a, &f, groups, &d), 0);
    assert_int_equal(f.kind, DSLAB_FAULT_SET);
    assert_string_equal(f.param_key, "timeout");
    assert_string_equal(f.param_value, "250ms");
    assert_int_equal(dslab_action_parse("2s:shed:n1:25%", &a, &d), 0);
    assert_int_equal(dslab_action_to_fault(s, &a, &f, groups, &d), 0);
    assert_int_equal(f.kind, DSLAB_FAULT_SHED);
    assert_int_equal(f.node, 0);
    assert_int_equal(f.shed_ppm, 250000);
    dslab_scenario_free(s);
}

struct sheds {
    int arrived_before, shed_before, arrived_after, shed_after, records;
};

static void count_sheds(void *user, const struct dslab_trace_event *ev) {
    struct sheds *c = user;
    if (ev->kind == DSLAB_TRACE_SHED) c->records++;
    if (ev->kind != DSLAB_TRACE_COST || !ev->tag || strncmp(ev->tag, "cpu", 3) != 0) return;
    bool shed = strcmp(ev->tag, "cpu_shed") == 0;
    bool arrival = shed || strcmp(ev->tag, "cpu_queued") == 0 ||
                   (strcmp(ev->tag, "cpu") == 0 && ev->msg_id != 0); /* a start, queued or not */
    if (!arrival) return;
    if (ev->t_ns < DSLAB_NS_PER_S) c->arrived_before++, c->shed_before += shed;
    else c->arrived_after++, c->shed_after += shed;
}

static void test_shed_refuses_exactly_its_share_from_its_time(void **state) {
    (void)state;
    char yaml[1024];
    snprintf(yaml, sizeof yaml, "%sfaults:\n  - { at: 1s, shed: n1, fraction: 0.5 }\n", storm);
    struct dslab_scenario *s = h_load(yaml);
    struct sheds c = {0};
    dslab_sim_destroy(h_sim(s, 1, count_sheds, &c));
    assert_int_equal(c.records, 1);
    assert_int_equal(c.shed_before, 0);
    assert_true(c.arrived_after > 50);
    /* "cpu" records count served arrivals again when a queued one starts:
     * with an idle server (1ms service, 100/s) nothing queues, so each
     * arrival is one record and every second one is shed. */
    assert_int_equal(c.shed_after, (c.arrived_after) / 2);
    struct dslab_scenario *r = h_save_reload(s);
    assert_int_equal(r->faults[0].kind, DSLAB_FAULT_SHED);
    assert_int_equal(r->faults[0].shed_ppm, 500000);
    assert_int_equal(h_trace_hash(s, 3), h_trace_hash(r, 3));
    dslab_scenario_free(r);
    dslab_scenario_free(s);
    /* A set saves and loads back too. */
    snprintf(yaml, sizeof yaml, "%sfaults:\n  - { at: 1s, set: protocol.retries, to: 2 }\n", storm);
    s = h_load(yaml);
    r = h_save_reload(s);
    assert_int_equal(r->faults[0].kind, DSLAB_FAULT_SET);
    assert_string_equal(r->faults[0].param_key, "retries");
    assert_string_equal(r->faults[0].param_value, "2");
    assert_int_equal(h_trace_hash(s, 3), h_trace_hash(r, 3));
    dslab_scenario_free(r);
    dslab_scenario_free(s);
}

/* A choice that was once a boolean (retry-storm's jitter: none, full,
 * equal; true and false still mean full and none) stores the index, an
 * int, whichever way it is written; found when set: wrote a bool into the
 * int field (equal could not be set, and true set only the low byte). */
static void test_a_former_boolean_choice_takes_both_spellings(void **state) {
    (void)state;
    static const char *const modes[] = {"none", "full", "equal", NULL};
    struct cfg { int mode; int64_t after; } c = {2, 77};
    const struct proto_reconf_param table[] = {
        {"mode", PROTO_RECONF_CHOICE, offsetof(struct cfg, mode), 0, 0, modes, true},
    };
    struct dslab_diag d;
    static const struct { const char *value; int want; } ok[] = {
        {"true", 1}, {"false", 0}, {"equal", 2}, {"full", 1}, {"none", 0}, {"yes", 1},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        c.mode = -1;
        assert_int_equal(proto_reconfigure(table, 1, &c, "mode", ok[i].value, &d), 0);
        assert_int_equal(c.mode, ok[i].want);
        assert_int_equal(c.after, 77);
    }
    c.mode = 2;
    assert_int_equal(proto_reconfigure(table, 1, &c, "mode", "maybe", &d), -1);
    assert_non_null(strstr(d.message, "not one of none, full, equal"));
    assert_int_equal(c.mode, 2);
}

H_MAIN(cmocka_unit_test(test_a_set_takes_effect_exactly_at_its_time),
       cmocka_unit_test(test_a_former_boolean_choice_takes_both_spellings),
       cmocka_unit_test(test_refused_sets_name_what_can_change),
       cmocka_unit_test(test_actions_set_and_shed_become_faults),
       cmocka_unit_test(test_shed_refuses_exactly_its_share_from_its_time))
