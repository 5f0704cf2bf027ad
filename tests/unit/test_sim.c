/* test_sim.c: the simulator's promises, run through real scenarios:
 * determinism (same seed same trace, another seed another trace, a later
 * fault leaves the earlier trace alone, two sims in two threads), and the
 * semantics of partitions, pauses, crashes, restarts, clocks, assumptions
 * and the event budget; a trace sink changes nothing a run does. */
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "dslab/scenario.h"
#include "dslab/sim.h"
#include "dslab/time.h"
#include "dslab/trace.h"

/* --- a tiny test protocol: a periodic ticker ----------------------------- */
struct ticker_state {
    int64_t boots;
    int64_t ticks;
};

static void ticker_init(struct dslab_node_ctx *ctx, void *state) {
    struct ticker_state *st = state;
    const void *v;
    int64_t boots = 0;
    if (dslab_ctx_store_get(ctx, "boots", &v) == (long)sizeof boots) memcpy(&boots, v, sizeof boots);
    st->boots = boots + 1;
    dslab_ctx_store_put(ctx, "boots", &st->boots, sizeof st->boots);
    dslab_ctx_store_sync(ctx);
    dslab_ctx_annotate(ctx, "boot", st->boots, "boot %lld", (long long)st->boots);
    dslab_ctx_set_timer(ctx, 100 * DSLAB_NS_PER_MS, 1);
}

static void ticker_on_timer(struct dslab_node_ctx *ctx, void *state, uint64_t id, uint64_t tag) {
    (void)id;
    (void)tag;
    struct ticker_state *st = state;
    st->ticks++;
    int32_t to = (dslab_ctx_self(ctx) + 1) % dslab_ctx_nodes_count(ctx);
    dslab_ctx_send(ctx, to, &st->ticks, sizeof st->ticks);
    dslab_ctx_set_timer(ctx, 100 * DSLAB_NS_PER_MS, 1);
}

static const struct dslab_protocol ticker = {
    .name = "ticker", .state_size = sizeof(struct ticker_state), .init = ticker_init,
    .on_message = h_ignore_message, .on_timer = ticker_on_timer,
};

/* --- a recording sink ------------------------------------------------------ */
#define REC_MAX 20000
struct recorder {
    int count;
    struct dslab_trace_event ev[REC_MAX];
    uint64_t hash_before_cutoff;
    int64_t cutoff_ns;
    struct dslab_trace_hasher hasher;
};

static void recorder_sink(void *user, const struct dslab_trace_event *ev) {
    struct recorder *r = user;
    if (r->count < REC_MAX) {
        r->ev[r->count] = *ev;
        r->ev[r->count].text = NULL;
        r->ev[r->count].tag = NULL;
        r->ev[r->count].op = NULL;
        r->count++;
    }
    if (ev->t_ns < r->cutoff_ns) {
        dslab_trace_hasher_sink(&r->hasher, ev);
        r->hash_before_cutoff = r->hasher.hash;
    }
}

/* Runs `s` to its end with `proto` (NULL = built in), recording. */
static struct recorder *run(const struct dslab_scenario *s, const struct dslab_protocol *proto, uint64_t seed,
                            int64_t cutoff_ns) {
    static struct recorder rec;
    memset(&rec, 0, sizeof rec);
    rec.cutoff_ns = cutoff_ns;
    dslab_trace_hasher_init(&rec.hasher, (const char (*)[32])s->node_names, s->nodes_count);
    dslab_sim_destroy(h_sim_with(s, proto, seed, recorder_sink, &rec));
    return &rec;
}

static const char gossip[] =
    "name: t\nduration: 2s\nnodes: 5\nprotocol: { name: gossip-pingpong }\n"
    "network: { latency: \"uniform(1ms, 10ms)\", loss: 0.01, duplicate: 0.01 }\n";

static void test_same_seed_gives_same_trace_another_seed_another(void **state) {
    (void)state;
    h_expect_seed_decides(gossip, 42);
}

static void test_later_fault_leaves_earlier_trace_unchanged(void **state) {
    (void)state;
    static const char with_fault[] =
        "name: t\nduration: 8s\nnodes: 5\nprotocol: { name: gossip-pingpong }\n"
        "network: { latency: \"uniform(1ms, 10ms)\", loss: 0.01 }\n"
        "faults: [ { at: 5s, crash: n2 }, { at: 6s, partition: majority-minority } ]\n";
    static const char without[] =
        "name: t\nduration: 8s\nnodes: 5\nprotocol: { name: gossip-pingpong }\n"
        "network: { latency: \"uniform(1ms, 10ms)\", loss: 0.01 }\n";
    struct dslab_scenario *a = h_load(with_fault), *b = h_load(without);
    uint64_t ha = run(a, NULL, 9, 5 * DSLAB_NS_PER_S)->hash_before_cutoff;
    uint64_t hb = run(b, NULL, 9, 5 * DSLAB_NS_PER_S)->hash_before_cutoff;
    assert_int_equal(ha, hb);
    uint64_t ha_all = h_trace_hash(a, 9), hb_all = h_trace_hash(b, 9);
    assert_int_not_equal(ha_all, hb_all);
    dslab_scenario_free(a);
    dslab_scenario_free(b);
}

struct thread_arg {
    const struct dslab_scenario *s;
    uint64_t hash;
};

static void *thread_main(void *p) {
    struct thread_arg *a = p;
    struct dslab_trace_hasher h;
    dslab_trace_hasher_init(&h, (const char (*)[32])a->s->node_names, a->s->nodes_count);
    struct dslab_diag d;
    struct dslab_sim *sim = dslab_sim_create(a->s, 5, &d);
    dslab_sim_add_sink(sim, dslab_trace_hasher_sink, &h);
    dslab_sim_run(sim, a->s->duration_ns, 0);
    dslab_sim_finish(sim);
    dslab_sim_destroy(sim);
    a->hash = h.hash;
    return NULL;
}

static void test_two_sims_in_two_threads_match_serial(void **state) {
    (void)state;
    struct dslab_scenario *s = h_load(gossip);
    uint64_t serial = h_trace_hash(s, 5);
    struct thread_arg args[2] = {{s, 0}, {s, 0}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++) pthread_create(&t[i], NULL, thread_main, &args[i]);
    for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
    assert_int_equal(args[0].hash, serial);
    assert_int_equal(args[1].hash, serial);
    dslab_scenario_free(s);
}

static void test_partition_blocks_cross_side_messages(void **state) {
    (void)state;
    static const char text[] =
        "name: t\nduration: 3s\nnodes: 4\nprotocol: ticker\n"
        "faults: [ { at: 1s, partition: [[n1, n2], [n3, n4]] }, { at: 2s, heal: all } ]\n";
    struct dslab_scenario *s = h_load(text);
    struct recorder *r = run(s, &ticker, 1, 0);
    int cross_during = 0, cross_after = 0, dropped_partition = 0;
    for (int i = 0; i < r->count; i++) {
        const struct dslab_trace_event *e = &r->ev[i];
        if (e->kind == DSLAB_TRACE_DROP) dropped_partition++;
        if (e->kind != DSLAB_TRACE_DELIVER) continue;
        int cross = (e->node < 2) != (e->peer < 2);
        if (cross && e->t_ns >= DSLAB_NS_PER_S && e->t_ns < 2 * DSLAB_NS_PER_S) cross_during++;
        if (cross && e->t_ns >= 2 * DSLAB_NS_PER_S) cross_after++;
    }
    assert_int_equal(cross_during, 0);
    assert_true(cross_after > 0);
    assert_true(dropped_partition > 0);
    dslab_scenario_free(s);
}

static const char ticker_scenario[] =
    "name: t\nduration: 3s\nnodes: 3\nprotocol: ticker\n"
    "network: { latency: constant(1ms) }\n";

static int count_timers(const struct recorder *r, int32_t node, int64_t from_ns, int64_t to_ns) {
    int n = 0;
    for (int i = 0; i < r->count; i++) {
        const struct dslab_trace_event *e = &r->ev[i];
        if (e->kind == DSLAB_TRACE_TIMER && e->node == node && e->t_ns >= from_ns && e->t_ns < to_ns) n++;
    }
    return n;
}

static void test_paused_node_fires_timers_late_at_resume(void **state) {
    (void)state;
    char text[512];
    snprintf(text, sizeof text, "%sfaults: [ { at: 1050ms, pause: n2, for: 500ms } ]\n", ticker_scenario);
    struct dslab_scenario *s = h_load(text);
    struct recorder *r = run(s, &ticker, 1, 0);
    assert_int_equal(count_timers(r, 1, 1050 * DSLAB_NS_PER_MS, 1550 * DSLAB_NS_PER_MS), 0);
    /* The timer due at 1.1s fires at resume (1.55s), then ticks restart. */
    int at_resume = 0;
    for (int i = 0; i < r->count; i++) {
        if (r->ev[i].kind == DSLAB_TRACE_TIMER && r->ev[i].node == 1 && r->ev[i].t_ns == 1550 * DSLAB_NS_PER_MS) at_resume++;
    }
    assert_int_equal(at_resume, 1);
    assert_int_equal(count_timers(r, 0, 1050 * DSLAB_NS_PER_MS, 1550 * DSLAB_NS_PER_MS), 5);
    dslab_scenario_free(s);
}

static void test_crash_loses_timers_and_restart_keeps_store(void **state) {
    (void)state;
    char text[512];
    snprintf(text, sizeof text, "%sfaults: [ { at: 1s, crash: n3 }, { at: 2s, restart: n3 } ]\n",
             ticker_scenario);
    struct dslab_scenario *s = h_load(text);
    struct recorder *r = run(s, &ticker, 1, 0);
    assert_int_equal(count_timers(r, 2, DSLAB_NS_PER_S + 1, 2 * DSLAB_NS_PER_S), 0);
    assert_true(count_timers(r, 2, 2 * DSLAB_NS_PER_S, 3 * DSLAB_NS_PER_S) >= 9);
    /* boot annotations: value 1 at start, 2 after restart (store kept) */
    int64_t last_boot = 0;
    for (int i = 0; i < r->count; i++) {
        if (r->ev[i].kind == DSLAB_TRACE_ANNOTATE && r->ev[i].node == 2) last_boot = r->ev[i].a;
    }
    assert_int_equal(last_boot, 2);
    /* messages to the crashed node are dropped, not delivered */
    for (int i = 0; i < r->count; i++) {
        const struct dslab_trace_event *e = &r->ev[i];
        if (e->kind == DSLAB_TRACE_DELIVER && e->node == 2) {
            assert_false(e->t_ns > DSLAB_NS_PER_S && e->t_ns < 2 * DSLAB_NS_PER_S);
        }
    }
    dslab_scenario_free(s);
}

static void test_fast_clock_fires_timers_early(void **state) {
    (void)state;
    char text[512];
    snprintf(text, sizeof text, "%sclocks: { n1: { drift_ppm: 100000 } }\n", ticker_scenario);
    struct dslab_scenario *s = h_load(text);
    struct recorder *r = run(s, &ticker, 1, 0);
    /* 10% fast: 100ms local = 90.9ms true, so ~33 ticks in 3s vs 30. */
    int fast = count_timers(r, 0, 0, 3 * DSLAB_NS_PER_S), normal = count_timers(r, 1, 0, 3 * DSLAB_NS_PER_S);
    assert_int_equal(normal, 29);
    assert_int_equal(fast, 32);
    dslab_scenario_free(s);
}

static void test_skew_assumption_reports_the_crossing_moment(void **state) {
    (void)state;
    /* n1 drifts +10000 ppm = 10ms per second: skew reaches 50ms at 5s. */
    static const char text[] =
        "name: t\nduration: 8s\nnodes: 3\nprotocol: { name: gossip-pingpong, initial: 0 }\n"
        "clocks: { n1: { drift_ppm: 10000 } }\n"
        "assumptions: { clock_skew_below: 50ms, pause_below: 1s }\n";
    struct dslab_scenario *s = h_load(text);
    struct dslab_sim *sim = h_sim(s, 1, NULL, NULL);
    const struct dslab_assumption_state *skew = dslab_sim_assumption(sim, 0);
    assert_true(skew->declared && skew->violated);
    assert_int_equal(skew->violated_at_ns, 5 * DSLAB_NS_PER_S);
    assert_false(dslab_sim_assumption(sim, 2)->violated);
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
}

static void test_event_budget_stops_the_run(void **state) {
    (void)state;
    static const char text[] =
        "name: t\nduration: 10s\nnodes: 5\nlimits: { events: 1000 }\nprotocol: { name: gossip-pingpong }\n";
    struct dslab_scenario *s = h_load(text);
    struct dslab_diag d;
    struct dslab_sim *sim = dslab_sim_create(s, 1, &d);
    assert_int_equal(dslab_sim_run(sim, s->duration_ns, 0), DSLAB_SIM_EVENT_BUDGET);
    assert_int_equal(dslab_sim_get_stats(sim)->events, 1000);
    dslab_sim_finish(sim);
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
}

/* A trace sink changes nothing a run does. Without one (and without
 * checks), sends and deliveries take the core's plain paths while no fault
 * has made the run unusual (sim->unusual == 0, sim_internal.h); with one,
 * they take the checked paths; a sink attached mid-run switches paths at
 * once and sees every send and delivery after it. The faults below set
 * and clear each kind of cut, a slow node, a lossy link and a deploy, so
 * the flags word changes mid-run. Same seed: same statistics, same state
 * at every node. */
static void count_sends_deliveries(void *user, const struct dslab_trace_event *ev) {
    uint64_t *n = user;
    if (ev->kind == DSLAB_TRACE_SEND) n[0]++;
    if (ev->kind == DSLAB_TRACE_DELIVER) n[1]++;
}

struct run_summary {
    struct dslab_sim_stats stats;
    char describe[12][96];
};

/* Runs s to its end: no sink (mode 0), a sink from the start (1), or a
 * sink attached at 1.2 s (2), whose counts *seen get. */
static void run_summarised(const struct dslab_scenario *s, int mode, struct run_summary *out, uint64_t seen[2]) {
    struct dslab_diag d;
    struct dslab_sim *sim = dslab_sim_create(s, s->seed, &d);
    assert_non_null(sim);
    seen[0] = seen[1] = 0;
    uint64_t sent_before = 0, delivered_before = 0;
    if (mode == 1) assert_int_equal(dslab_sim_add_sink(sim, count_sends_deliveries, seen), 0);
    if (mode == 2) {
        assert_int_equal(dslab_sim_run(sim, 1200 * DSLAB_NS_PER_MS, 0), DSLAB_SIM_OK);
        sent_before = dslab_sim_get_stats(sim)->messages_sent;
        delivered_before = dslab_sim_get_stats(sim)->messages_delivered;
        assert_int_equal(dslab_sim_add_sink(sim, count_sends_deliveries, seen), 0);
    }
    assert_int_equal(dslab_sim_run(sim, s->duration_ns, 0), DSLAB_SIM_OK);
    dslab_sim_finish(sim);
    memset(out, 0, sizeof *out);
    out->stats = *dslab_sim_get_stats(sim);
    out->stats.trace_events = 0; /* counts what the sinks were sent, not what happened */
    for (int32_t i = 0; i < s->nodes_count; i++) dslab_sim_node_describe(sim, i, out->describe[i], sizeof out->describe[i]);
    if (mode == 2) {
        assert_int_equal(seen[0], out->stats.messages_sent - sent_before);
        assert_int_equal(seen[1], out->stats.messages_delivered - delivered_before);
    }
    dslab_sim_destroy(sim);
}

static void test_trace_sink_changes_nothing_a_run_does(void **state) {
    (void)state;
    static const char text[] =
        "name: t\nseed: 7\nduration: 4s\nnodes: 12\n"
        "network: { latency: \"uniform(1ms, 10ms)\" }\n"
        "protocol: { name: gossip-pingpong, initial: 40 }\n"
        "faults:\n"
        "  - { at: 500ms, partition: majority-minority }\n"
        "  - { at: 900ms, heal: all }\n"
        "  - { at: 1s, crash: n3 }\n"
        "  - { at: 1100ms, restart: n3 }\n"
        "  - { at: 1300ms, pause: n4, for: 200ms }\n"
        "  - { at: 1500ms, cut: { from: n1, to: n2 } }\n"
        "  - { at: 1700ms, heal: { from: n1, to: n2 } }\n"
        "  - { at: 2s, slow: n5, factor: 3 }\n"
        "  - { at: 2200ms, slow: n5, factor: 1 }\n"
        "  - { at: 2500ms, link: { from: n7, to: n8 }, loss: 0.5 }\n"
        "  - { at: 3s, deploy: n6, version: 2 }\n";
    struct dslab_scenario *s = h_load(text);
    assert_true(s->nodes_count <= 12);
    static struct run_summary plain, traced, attached;
    uint64_t seen_plain[2], seen_traced[2], seen_attached[2];
    run_summarised(s, 0, &plain, seen_plain);
    run_summarised(s, 1, &traced, seen_traced);
    run_summarised(s, 2, &attached, seen_attached);
    assert_true(plain.stats.messages_delivered > 40000); /* the faults did not stop the gossip */
    assert_true(plain.stats.messages_dropped > 0);
    assert_memory_equal(&plain, &traced, sizeof plain);
    assert_memory_equal(&plain, &attached, sizeof plain);
    assert_int_equal(seen_traced[0], traced.stats.messages_sent);
    assert_int_equal(seen_traced[1], traced.stats.messages_delivered);
    assert_true(seen_attached[0] > 0);
    dslab_scenario_free(s);
}

H_MAIN_WITH_PROTOCOL(ticker, cmocka_unit_test(test_same_seed_gives_same_trace_another_seed_another),
       cmocka_unit_test(test_later_fault_leaves_earlier_trace_unchanged),
       cmocka_unit_test(test_two_sims_in_two_threads_match_serial),
       cmocka_unit_test(test_partition_blocks_cross_side_messages),
       cmocka_unit_test(test_paused_node_fires_timers_late_at_resume),
       cmocka_unit_test(test_crash_loses_timers_and_restart_keeps_store),
       cmocka_unit_test(test_fast_clock_fires_timers_early),
       cmocka_unit_test(test_skew_assumption_reports_the_crossing_moment),
       cmocka_unit_test(test_event_budget_stops_the_run),
       cmocka_unit_test(test_trace_sink_changes_nothing_a_run_does))
