/* test_fault_effect.c: a fault that changes nothing is not applied (issue
 * 11, item 5). Pausing or crashing a crashed node, restarting a node that
 * is not crashed, a pause inside a longer one, a jump of 0, a drift or a
 * slow factor already in force, cutting a cut link or healing an uncut one:
 * each is traced as `no_effect` (never as the fault), is not counted as
 * applied, and arms no assumption monitor. The pause monitor also judges
 * the pause that really happened: an extended pause by its whole length,
 * a pause ended early by a crash by what it lasted. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "dslab/scenario.h"
#include "dslab/sim.h"
#include "dslab/time.h"
#include "dslab/trace.h"

struct counts {
    int by_kind[DSLAB_TRACE_KIND_COUNT];
};

static void count_sink(void *user, const struct dslab_trace_event *ev) {
    struct counts *c = user;
    if ((unsigned)ev->kind < DSLAB_TRACE_KIND_COUNT) c->by_kind[ev->kind]++;
}

/* Runs a 3-node scenario with the given faults (YAML list items) and
 * assumptions; fills counts and returns the finished sim. */
static struct dslab_sim *run(const char *faults, struct counts *c, struct dslab_scenario **out) {
    char text[2048];
    snprintf(text, sizeof text,
             "name: t\nduration: 6s\nnodes: 3\nprotocol: { name: gossip-pingpong, initial: 0 }\n"
             "assumptions: { pause_below: 800ms }\nfaults:\n%s",
             faults);
    *out = h_load(text);
    memset(c, 0, sizeof *c);
    return h_sim(*out, 1, count_sink, c);
}

/* The pause_below monitor, or NULL. */
static const struct dslab_assumption_state *pause_monitor(const struct dslab_sim *sim) {
    for (int i = 0; i < DSLAB_SIM_ASSUMPTIONS_COUNT; i++) {
        const struct dslab_assumption_state *a = dslab_sim_assumption(sim, i);
        if (strcmp(a->name, "pause_below") == 0) return a;
    }
    return NULL;
}

/* A trace kind and how many events of it the run must have. */
struct kind_count {
    bool on;
    enum dslab_trace_kind kind;
    int n;
};
#define K(kind, n) {true, (kind), (n)}

enum pause_want { PAUSE_ANY, PAUSE_HOLDS, PAUSE_BROKEN };

/* One run: its faults, and what must come of them. */
struct row {
    const char *name;
    const char *faults;          /* YAML list items */
    struct kind_count kinds[8];  /* up to the first not on */
    int applied, no_effect;      /* the stats' faults_applied and faults_no_effect; -1: not checked */
    enum pause_want pause;
    int64_t pause_broken_at_ms;  /* with PAUSE_BROKEN, when (0: not checked) */
    const char *pause_message;   /* with PAUSE_BROKEN, in its message */
    bool n1_up;                  /* n1 is up at the end */
};

static const struct row rows[] = {
    {"pausing a crashed node is not applied and arms nothing",
     "  - { at: 1s, crash: n1 }\n  - { at: 2s, pause: n1, for: 2s }\n",
     {K(DSLAB_TRACE_PAUSE, 0), K(DSLAB_TRACE_RESUME, 0), K(DSLAB_TRACE_NO_EFFECT, 1)}, 1, 1, PAUSE_HOLDS, 0, NULL,
     false},
    {"crashing a crashed node is not applied", "  - { at: 1s, crash: n1 }\n  - { at: 2s, crash: n1 }\n",
     {K(DSLAB_TRACE_CRASH, 1), K(DSLAB_TRACE_NO_EFFECT, 1)}, 1, -1, PAUSE_ANY, 0, NULL, false},
    {"restarting a running or paused node is not applied",
     "  - { at: 1s, restart: n1 }\n  - { at: 2s, pause: n2, for: 500ms }\n  - { at: 2100ms, restart: n2 }\n",
     {K(DSLAB_TRACE_RESTART, 0), K(DSLAB_TRACE_CRASH, 0), K(DSLAB_TRACE_NO_EFFECT, 2),
      K(DSLAB_TRACE_RESUME, 1)}, /* n2's pause was not cut short by the ignored restart */
     -1, -1, PAUSE_ANY, 0, NULL, true},
    {"a pause inside a longer pause is not applied",
     "  - { at: 1s, pause: n1, for: 500ms }\n  - { at: 1100ms, pause: n1, for: 100ms }\n",
     {K(DSLAB_TRACE_PAUSE, 1), K(DSLAB_TRACE_NO_EFFECT, 1), K(DSLAB_TRACE_RESUME, 1)}, -1, -1, PAUSE_ANY, 0, NULL,
     false},
    /* Two pauses of 600ms each, the second starting while the first is in
     * force: n1 is stopped for 900ms in one piece, past the 800ms bound. */
    {"an extended pause is judged by its whole length",
     "  - { at: 1s, pause: n1, for: 600ms }\n  - { at: 1300ms, pause: n1, for: 600ms }\n",
     {K(DSLAB_TRACE_PAUSE, 2), K(DSLAB_TRACE_RESUME, 1)}, -1, -1, PAUSE_BROKEN, 1800, "paused for 900ms", false},
    /* A 2s pause ended after 300ms by a crash never lasted the 800ms bound. */
    {"a pause cut short by a crash does not break the bound",
     "  - { at: 1s, pause: n1, for: 2s }\n  - { at: 1300ms, crash: n1 }\n"
     "  - { at: 1400ms, restart: n1 }\n  - { at: 4s, pause: n2, for: 100ms }\n",
     {{false, 0, 0}}, -1, -1, PAUSE_HOLDS, 0, NULL, false},
    {"clock, slow, cut and heal without effect",
     "  - { at: 1s, clock: n1, jump: 0s }\n  - { at: 1s, clock: n1, drift_ppm: 0 }\n"
     "  - { at: 1s, slow: n2, factor: 1 }\n  - { at: 1s, heal: all }\n  - { at: 1s, heal: [n1, n2] }\n"
     "  - { at: 2s, cut: [n1, n2] }\n  - { at: 2100ms, cut: { from: n1, to: n2 } }\n"
     "  - { at: 2200ms, heal: [n1, n2] }\n",
     {K(DSLAB_TRACE_NO_EFFECT, 6), K(DSLAB_TRACE_CLOCK_JUMP, 0), K(DSLAB_TRACE_CLOCK_DRIFT, 0), K(DSLAB_TRACE_SLOW, 0),
      K(DSLAB_TRACE_CUT, 1), K(DSLAB_TRACE_HEAL, 1)},
     2, -1, PAUSE_ANY, 0, NULL, false},
};

static void test_row(void **state) {
    const struct row *w = *state;
    struct counts c;
    struct dslab_scenario *s;
    struct dslab_sim *sim = run(w->faults, &c, &s);
    for (int i = 0; i < 8 && w->kinds[i].on; i++) {
        if (c.by_kind[w->kinds[i].kind] != w->kinds[i].n) {
            fail_msg("%d events of kind %d, want %d", c.by_kind[w->kinds[i].kind], (int)w->kinds[i].kind, w->kinds[i].n);
        }
    }
    const struct dslab_sim_stats *st = dslab_sim_get_stats(sim);
    if (w->applied >= 0) assert_int_equal(st->faults_applied, w->applied);
    if (w->no_effect >= 0) assert_int_equal(st->faults_no_effect, w->no_effect);
    const struct dslab_assumption_state *a = pause_monitor(sim);
    assert_non_null(a);
    if (w->pause != PAUSE_ANY) assert_int_equal(a->violated, w->pause == PAUSE_BROKEN);
    if (w->pause_broken_at_ms) assert_int_equal(a->violated_at_ns, w->pause_broken_at_ms * DSLAB_NS_PER_MS);
    if (w->pause_message) assert_non_null(strstr(a->message, w->pause_message));
    if (w->n1_up) assert_int_equal(dslab_sim_node_status(sim, 0), DSLAB_NODE_UP);
    dslab_sim_destroy(sim);
    dslab_scenario_free(s);
}

H_MAIN_ROWS(rows, test_row)
