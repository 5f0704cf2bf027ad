/* test_viz_render.c: the visualiser as a person sees it: frames rendered
 * headless (software renderer on a surface), then pixels that matter are
 * checked: a crashed node is drawn as crashed, a partition line exists, a
 * violation marker is red at the right x, the checks panel shows no
 * failure before it happens (and its lines at several cursor times), a
 * crashed or just restarted node has no role. Also: clicks and keys through the
 * real input handler, and exact rewinding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dslab/time.h"
#include "viz_fixture.h"

/* Five Raft nodes; the leader n1 (seed 9) is cut off with n2 at 3s and
 * reads it serves locally go stale (linearizable fails); n4 crashes at 1s
 * and restarts at 2s. */
static const char scenario_text[] =
    "name: viz-test\n"
    "title: Visualiser test\n"
    "seed: 9\n"
    "duration: 8s\n"
    "nodes: 5\n"
    "network: { latency: \"uniform(2ms, 8ms)\", order: fifo }\n"
    "protocol: { name: raft, election_timeout_min: 150ms, election_timeout_max: 300ms,\n"
    "            heartbeat: 50ms, read_mode: leader-local }\n"
    "workload: { clients: 4, rate: 80/s, ops: { read: 0.6, write: 0.4 }, keys: 2,\n"
    "            timeout: 500ms, target: random }\n"
    "faults:\n"
    "  - { at: 1s, crash: n4 }\n"
    "  - { at: 2s, restart: n4 }\n"
    "  - { at: 3s, partition: [[n1, n2], [n3, n4, n5]] }\n"
    "  - { at: 7s, heal: all }\n"
    "checks: [one-leader-per-term, linearizable]\n"
    "narration:\n"
    "  - { at: 2.9s, say: \"The network is about to split.\", pause: true }\n";

static int setup(void **state) { return viz_fixture_setup(state, scenario_text, "viz-test.yaml"); }

static int near_colour(uint32_t p, uint32_t want, int tol) {
    int dr = (int)((p >> 16) & 255) - (int)((want >> 16) & 255);
    int dg = (int)((p >> 8) & 255) - (int)((want >> 8) & 255);
    int db = (int)(p & 255) - (int)(want & 255);
    return abs(dr) <= tol && abs(dg) <= tol && abs(db) <= tol;
}

/* Counts pixels of a colour in a square around (cx, cy). */
static int count_colour(struct fixture *f, float cx, float cy, int half, uint32_t want, int tol) {
    int n = 0;
    for (int dy = -half; dy <= half; dy++) {
        for (int dx = -half; dx <= half; dx++) {
            n += near_colour(pixel(f, cx + (float)dx, cy + (float)dy), want, tol);
        }
    }
    return n;
}

static void render_at(struct fixture *f, int64_t t_ns) {
    viz_app_seek(&f->app, t_ns);
    viz_app_render(&f->app);
    SDL_RenderFlush(f->ren);
}

static void test_crashed_node_is_drawn_grey_with_a_cross(void **state) {
    struct fixture *f = *state;
    float x, y, r;
    cluster_node_pos(&f->app, 3, &x, &y, &r);
    render_at(f, 1500 * DSLAB_NS_PER_MS); /* n4 is down */
    assert_int_equal(dslab_sim_node_status(f->app.model.cursor, 3), DSLAB_NODE_CRASHED);
    /* Inside the disc, off the cross: the crashed grey. */
    assert_true(near_colour(pixel(f, x + r * 0.75f, y), 0x5b6170, 6));
    /* On the cross's arm: the dark stroke. */
    assert_true(near_colour(pixel(f, x + r * 0.3f, y + r * 0.3f), 0x1b1f27, 12));
    render_at(f, 500 * DSLAB_NS_PER_MS); /* n4 is up: not grey */
    assert_false(near_colour(pixel(f, x + r * 0.75f, y), 0x5b6170, 6));
}

static void test_partition_draws_cut_links(void **state) {
    struct fixture *f = *state;
    float x1, y1, x3, y3, r;
    cluster_node_pos(&f->app, 0, &x1, &y1, &r); /* n1: one side */
    cluster_node_pos(&f->app, 2, &x3, &y3, &r); /* n3: the other */
    float mx = (x1 + x3) / 2, my = (y1 + y3) / 2;
    render_at(f, 2500 * DSLAB_NS_PER_MS);
    assert_false(f->app.model.any_link_down);
    assert_int_equal(count_colour(f, mx, my, 4, 0xD55E00, 20), 0);
    render_at(f, 4 * DSLAB_NS_PER_S);
    assert_true(f->app.model.any_link_down);
    assert_false(viz_model_link_up(&f->app.model, 0, 2));
    /* The cut mark (a vermillion cross) sits on the middle of the link. */
    assert_true(count_colour(f, mx, my, 4, 0xD55E00, 20) >= 5);
    render_at(f, 7500 * DSLAB_NS_PER_MS); /* healed */
    assert_int_equal(count_colour(f, mx, my, 4, 0xD55E00, 20), 0);
}

/* The timeline's violation markers appear only once the cursor has passed
 * their start: at t=0 none is drawn (a red mark ahead of the playhead
 * would answer "what happens next?"; it used to be drawn for the whole
 * run from the start), at the end every one is, and in between exactly
 * those that have begun. */
static bool marker_red(struct fixture *f, const struct recording *rec, int32_t v) {
    struct frect tr = timeline_track(&f->app);
    /* Independent of the renderer's mapping: the fraction of the run. */
    float x = tr.x + tr.w * (float)((double)rec->violations[v].from_ns / (double)rec->end_ns);
    float y = tr.y + tr.h + 4; /* the marker under the track */
    return count_colour(f, x, y, 1, 0xff3b30, 10) >= 3;
}

static void test_violation_marker_is_red_at_its_time(void **state) {
    struct fixture *f = *state;
    const struct recording *rec = &f->app.model.rec;
    assert_true(rec->violations_count > 0);
    render_at(f, 0);
    for (int32_t v = 0; v < rec->violations_count; v++) assert_false(marker_red(f, rec, v));
    render_at(f, rec->end_ns);
    for (int32_t v = 0; v < rec->violations_count; v++) assert_true(marker_red(f, rec, v));
    /* Somewhere without a violation the same spot is not red. */
    struct frect tr = timeline_track(&f->app);
    assert_int_equal(count_colour(f, tr.x + 2, tr.y + tr.h + 4, 1, 0xff3b30, 10), 0);
    /* Between the first and the last start: begun ones only. */
    int64_t lo = rec->violations[0].from_ns, hi = lo;
    for (int32_t v = 1; v < rec->violations_count; v++) {
        if (rec->violations[v].from_ns < lo) lo = rec->violations[v].from_ns;
        if (rec->violations[v].from_ns > hi) hi = rec->violations[v].from_ns;
    }
    assert_true(hi > lo); /* the scenario has violations at different times */
    int64_t mid = lo + (hi - lo) / 2;
    render_at(f, mid);
    int shown = 0, hidden = 0;
    for (int32_t v = 0; v < rec->violations_count; v++) {
        bool begun = rec->violations[v].from_ns <= mid;
        /* A later violation starting within a marker's width of a begun one is covered by it. */
        bool near_begun = false;
        for (int32_t u = 0; u < rec->violations_count && !begun; u++) {
            double dx = (double)(rec->violations[u].from_ns - rec->violations[v].from_ns) / (double)rec->end_ns * tr.w;
            if (rec->violations[u].from_ns <= mid && dx > -14 && dx < 14) near_begun = true;
        }
        if (begun) {
            assert_true(marker_red(f, rec, v));
            shown++;
        } else if (!near_begun) {
            assert_false(marker_red(f, rec, v));
            hidden++;
        }
    }
    assert_true(shown > 0 && hidden > 0);
}

/* The banner's "ev N" counts simulator events processed by the displayed
 * time: at the end of the run, the "events" `dslab run` prints (its stats);
 * it used to count trace records, a different number. Read from the text
 * the frame drew. */
static long long banner_ev(struct fixture *f) {
    const struct fonts *fo = &f->app.fonts;
    for (int32_t i = 0; i < fo->boxes_count; i++) {
        const char *ev = strstr(fo->boxes[i].text, " ev ");
        if (strncmp(fo->boxes[i].text, "of ", 3) == 0 && ev) return atoll(ev + 4);
    }
    fail_msg("no \"of ... ev N\" in the banner");
    return -1;
}

static void test_banner_event_count_is_the_runs(void **state) {
    struct fixture *f = *state;
    f->app.fonts.record_boxes = true;
    render_at(f, f->app.model.rec.end_ns);
    long long at_end = banner_ev(f);
    assert_int_equal(at_end, (long long)f->app.model.rec.stats.events);
    assert_true(at_end != (long long)f->app.model.rec.stats.trace_events);
    render_at(f, 2 * DSLAB_NS_PER_S);
    long long mid = banner_ev(f);
    assert_true(mid > 0 && mid < at_end);
    f->app.fonts.record_boxes = false;
}

static bool banner_has(struct fixture *f, const char *needle) {
    const struct fonts *fo = &f->app.fonts;
    for (int32_t i = 0; i < fo->boxes_count; i++) {
        if (strstr(fo->boxes[i].text, needle)) return true;
    }
    return false;
}

/* A narration stop waits for space or a click on the banner (`dslab
 * tour` steps); only a stop whose text asks (a '?') shows "What happens
 * next?" (the fixture's 2.9s stop is a statement). */
static void test_narration_stop_goes_on_with_a_click(void **state) {
    struct fixture *f = *state;
    struct viz_app *app = &f->app;
    app->fonts.record_boxes = true;
    viz_app_seek(app, 2800 * DSLAB_NS_PER_MS);
    app->playing = true;
    app->narration_hold = false;
    viz_playback_tick(app, 10.0);
    assert_true(app->narration_hold);
    viz_app_render(app);
    assert_false(banner_has(f, "What happens next?"));
    assert_true(banner_has(f, "space / click: go on"));
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_MOUSEBUTTONDOWN;
    ev.button.button = SDL_BUTTON_LEFT;
    ev.button.x = (Sint32)(app->lay.banner.x + app->lay.banner.w / 2);
    ev.button.y = (Sint32)(app->lay.banner.y + app->lay.banner.h / 2);
    viz_input_event(app, &ev);
    assert_false(app->narration_hold);
    assert_true(app->playing);
    app->playing = false;
    app->fonts.record_boxes = false;
}

/* After a live intervention the scripted narration at or after it no
 * longer describes the run on screen: it is marked "(scripted for the
 * original run)" and greyed, and its pause no longer stops playback;
 * narration before the intervention is unchanged. */

static void test_narration_after_an_intervention_is_marked(void **state) {
    struct fixture *f = *state;
    struct viz_app *app = &f->app;
    app->fonts.record_boxes = true;
    render_at(f, 2950 * DSLAB_NS_PER_MS); /* the 2.9s entry, original run */
    assert_true(banner_has(f, "The network is about"));
    assert_false(banner_has(f, "(scripted for the original run)"));
    /* Playback stops at the pause entry in the original run. */
    viz_app_seek(app, 2800 * DSLAB_NS_PER_MS);
    app->playing = true;
    app->narration_hold = false;
    viz_playback_tick(app, 10.0);
    assert_true(app->narration_hold);
    app->narration_hold = false;
    /* Crash n3 at 2.5s: the 2.9s entry was written for a run that is gone. */
    viz_app_seek(app, 2500 * DSLAB_NS_PER_MS);
    struct dslab_diag d;
    struct viz_action act;
    memset(&act, 0, sizeof act);
    assert_int_equal(viz_action_parse("2.5s:crash:n3", &act, &d), 0);
    assert_int_equal(viz_session_apply(app, &act, &d), 0);
    render_at(f, 2950 * DSLAB_NS_PER_MS);
    assert_true(banner_has(f, "(scripted for the original run)"));
    viz_app_seek(app, 2800 * DSLAB_NS_PER_MS);
    app->playing = true;
    viz_playback_tick(app, 10.0);
    assert_false(app->narration_hold);
    app->fonts.record_boxes = false;
}

/* Red pixels (COL_RED: FAIL, violations) anywhere in the inspector. */
static int inspector_red_pixels(struct fixture *f) {
    struct frect in = f->app.lay.inspector;
    SDL_Rect r = {(int)in.x, (int)in.y, (int)in.w, (int)in.h};
    uint32_t *px = calloc((size_t)r.w * (size_t)r.h, 4);
    assert_non_null(px);
    assert_int_equal(SDL_RenderReadPixels(f->ren, &r, SDL_PIXELFORMAT_ARGB8888, px, r.w * 4), 0);
    int n = 0;
    for (int i = 0; i < r.w * r.h; i++) n += near_colour(px[i] & 0xffffff, 0xff3b30, 10);
    free(px);
    return n;
}

/* The run summary must not spoil what happens next: before the first
 * violation no check is red; once one has begun, it is. */
static void test_checks_panel_shows_no_failure_before_it_happens(void **state) {
    struct fixture *f = *state;
    const struct recording *rec = &f->app.model.rec;
    assert_true(rec->violations_count > 0);
    int64_t first = rec->violations[0].from_ns;
    for (int32_t v = 1; v < rec->violations_count; v++) {
        if (rec->violations[v].from_ns < first) first = rec->violations[v].from_ns;
    }
    assert_true(first > 500 * DSLAB_NS_PER_MS);
    render_at(f, 0);
    assert_int_equal(inspector_red_pixels(f), 0);
    render_at(f, 500 * DSLAB_NS_PER_MS);
    assert_int_equal(inspector_red_pixels(f), 0);
    render_at(f, first - 1);
    assert_int_equal(inspector_red_pixels(f), 0);
    render_at(f, first);
    assert_true(inspector_red_pixels(f) > 20);
    render_at(f, rec->end_ns);
    assert_true(inspector_red_pixels(f) > 20);
}

/* The checks panel's lines (rec_check_at) at several cursor times. */
static void test_checks_panel_text_at_the_cursor(void **state) {
    struct fixture *f = *state;
    const struct recording *rec = &f->app.model.rec;
    char buf[200];
    int lin = -1, olpt = -1;
    for (int i = 0; i < rec->checks_count; i++) {
        if (strcmp(rec->checks[i].name, "linearizable") == 0) lin = i;
        if (strcmp(rec->checks[i].name, "one-leader-per-term") == 0) olpt = i;
    }
    assert_true(lin >= 0 && olpt >= 0);
    assert_int_equal(rec->checks[lin].verdict, DSLAB_CHECK_FAIL);
    assert_int_equal(rec->checks[olpt].verdict, DSLAB_CHECK_PASS);
    int64_t first = rec->checks[lin].first_violation_ns;
    assert_true(first > 0 && first < rec->end_ns);
    int64_t before[] = {0, 500 * DSLAB_NS_PER_MS, first - 1};
    for (size_t k = 0; k < sizeof before / sizeof before[0]; k++) {
        assert_int_equal(rec_check_at(rec, lin, before[k], buf, sizeof buf), REC_CHECK_SO_FAR_OK);
        assert_string_equal(buf, "linearizable: so far ok (verdict at the end of the run)");
        assert_int_equal(rec_check_at(rec, olpt, before[k], buf, sizeof buf), REC_CHECK_SO_FAR_OK);
        for (int32_t v = 0; v < rec->violations_count; v++) assert_false(rec_violation_begun(rec, v, before[k]));
    }
    char t[48], want[200];
    fmt_time(first, t, sizeof t);
    snprintf(want, sizeof want, "linearizable: FAIL at %s (1 violation so far)", t);
    assert_int_equal(rec_check_at(rec, lin, first, buf, sizeof buf), REC_CHECK_FAILED);
    assert_string_equal(buf, want);
    assert_int_equal(rec_check_at(rec, olpt, first, buf, sizeof buf), REC_CHECK_SO_FAR_OK);
    /* Just before the end: every violation has begun, still no verdict. */
    int32_t n = 0;
    for (int32_t v = 0; v < rec->violations_count; v++) n += rec->violations[v].check_index == lin;
    assert_int_equal(rec_check_at(rec, lin, rec->end_ns - 1, buf, sizeof buf), REC_CHECK_FAILED);
    snprintf(want, sizeof want, "linearizable: FAIL at %s (%d violation%s so far)", t, n, n == 1 ? "" : "s");
    assert_string_equal(buf, want);
    /* At the end: the end-of-run verdicts. */
    assert_int_equal(rec_check_at(rec, lin, rec->end_ns, buf, sizeof buf), REC_CHECK_FAILED);
    assert_true(strncmp(buf, "linearizable: FAIL  ", 20) == 0);
    assert_int_equal(rec_check_at(rec, olpt, rec->end_ns, buf, sizeof buf), REC_CHECK_PASSED);
    assert_true(strncmp(buf, "one-leader-per-term: pass  ", 27) == 0);
}

/* n4 (a follower) crashes at 1s and restarts at 2s, reporting "follower"
 * one event after its restart. While down, and in that one event, it has
 * no role: never the role it had before the crash. */
static void test_crashed_node_has_no_old_role(void **state) {
    struct fixture *f = *state;
    const struct recording *rec = &f->app.model.rec;
    const struct ivec *st = &rec->nodes[3].status;
    int32_t crash = -1, restart = -1;
    for (int32_t i = 0; i < st->n; i++) {
        uint8_t k = rec->events[st->v[i]].kind;
        if (k == DSLAB_TRACE_CRASH && crash < 0) crash = st->v[i];
        if (k == DSLAB_TRACE_RESTART && restart < 0) restart = st->v[i];
    }
    assert_true(crash > 0 && restart > crash);
    assert_int_equal(rec_node_role_class(rec, 3, crash), DSLAB_ROLE_FOLLOWER); /* just before */
    assert_string_equal(rec_node_role(rec, 3, crash), "follower");
    int32_t at[] = {crash + 1, (crash + restart) / 2, restart, restart + 1};
    for (size_t k = 0; k < sizeof at / sizeof at[0]; k++) {
        bool role_since = false; /* a role report after the restart, before at[k] */
        for (int32_t i = 0; i < rec->nodes[3].role.n; i++) {
            role_since |= rec->nodes[3].role.v[i] > restart && rec->nodes[3].role.v[i] < at[k];
        }
        if (role_since) continue;
        assert_int_equal(rec_node_role_class(rec, 3, at[k]), DSLAB_ROLE_NONE);
        assert_string_equal(rec_node_role(rec, 3, at[k]), "");
    }
    /* Its next report holds again. */
    int32_t next = -1;
    for (int32_t i = 0; i < rec->nodes[3].role.n && next < 0; i++) {
        if (rec->nodes[3].role.v[i] > restart) next = rec->nodes[3].role.v[i];
    }
    assert_true(next > restart);
    assert_int_not_equal(rec_node_role_class(rec, 3, next + 1), DSLAB_ROLE_NONE);
    /* The cursor at 1.5s shows the same: crashed, no role. */
    viz_app_seek(&f->app, 1500 * DSLAB_NS_PER_MS);
    assert_int_equal(rec_node_role_class(rec, 3, f->app.model.ev_count), DSLAB_ROLE_NONE);
}

static void test_rewinding_shows_the_same_state(void **state) {
    struct fixture *f = *state;
    struct viz_model *m = &f->app.model;
    viz_app_seek(&f->app, 3200 * DSLAB_NS_PER_MS);
    int32_t ev = m->ev_count;
    char before[5][VIZ_DESCRIBE_MAX];
    int64_t wall[5];
    for (int i = 0; i < 5; i++) {
        memcpy(before[i], m->describe[i], VIZ_DESCRIBE_MAX);
        wall[i] = dslab_sim_node_wall_ns(m->cursor, i);
    }
    viz_app_seek(&f->app, 5 * DSLAB_NS_PER_S);
    assert_true(m->ev_count > ev);
    viz_app_seek(&f->app, 3200 * DSLAB_NS_PER_MS); /* back: a re-run from 0 */
    assert_int_equal(m->ev_count, ev);
    for (int i = 0; i < 5; i++) {
        assert_string_equal(before[i], m->describe[i]);
        assert_int_equal(wall[i], dslab_sim_node_wall_ns(m->cursor, i));
    }
}

static void key(struct fixture *f, SDL_Keycode k, uint16_t mod) {
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_KEYDOWN;
    ev.key.keysym.sym = k;
    ev.key.keysym.mod = mod;
    viz_input_event(&f->app, &ev);
}

static void mouse(struct fixture *f, uint32_t type, float x, float y) {
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    if (type == SDL_MOUSEMOTION) {
        ev.motion.x = (int)x;
        ev.motion.y = (int)y;
    } else {
        ev.button.button = SDL_BUTTON_LEFT;
        ev.button.x = (int)x;
        ev.button.y = (int)y;
    }
    viz_input_event(&f->app, &ev);
}

static void test_click_node_and_key_c_crashes_it(void **state) {
    struct fixture *f = *state;
    render_at(f, 500 * DSLAB_NS_PER_MS);
    float x, y, r;
    cluster_node_pos(&f->app, 1, &x, &y, &r);
    mouse(f, SDL_MOUSEBUTTONDOWN, x, y);
    mouse(f, SDL_MOUSEBUTTONUP, x, y);
    assert_int_equal(f->app.sel, SEL_NODE);
    assert_int_equal(f->app.sel_index, 1);
    key(f, SDLK_c, 0);
    assert_int_equal(f->app.model.interventions_count, 1);
    assert_int_equal(dslab_sim_node_status(f->app.model.cursor, 1), DSLAB_NODE_CRASHED);
    assert_int_equal(f->app.model.now_ns, 500 * DSLAB_NS_PER_MS); /* still at the same moment */
    render_at(f, 600 * DSLAB_NS_PER_MS);
    assert_true(near_colour(pixel(f, x + r * 0.75f, y), 0x5b6170, 6));
}

static void test_drag_between_nodes_cuts_the_link(void **state) {
    struct fixture *f = *state;
    render_at(f, 500 * DSLAB_NS_PER_MS);
    float x0, y0, x2, y2, r;
    cluster_node_pos(&f->app, 0, &x0, &y0, &r);
    cluster_node_pos(&f->app, 2, &x2, &y2, &r);
    assert_true(viz_model_link_up(&f->app.model, 0, 2));
    mouse(f, SDL_MOUSEBUTTONDOWN, x0, y0);
    mouse(f, SDL_MOUSEMOTION, (x0 + x2) / 2, (y0 + y2) / 2);
    mouse(f, SDL_MOUSEMOTION, x2, y2);
    mouse(f, SDL_MOUSEBUTTONUP, x2, y2);
    assert_false(viz_model_link_up(&f->app.model, 0, 2));
    assert_false(viz_model_link_up(&f->app.model, 2, 0));
    assert_true(viz_model_link_up(&f->app.model, 0, 1));
}

static void test_step_back_and_forward_by_one_event(void **state) {
    struct fixture *f = *state;
    viz_app_seek(&f->app, 1 * DSLAB_NS_PER_S);
    int32_t ev = f->app.model.ev_count;
    key(f, SDLK_RIGHT, 0);
    assert_int_equal(f->app.model.ev_count, ev + 1);
    key(f, SDLK_LEFT, 0);
    key(f, SDLK_LEFT, 0);
    assert_int_equal(f->app.model.ev_count, ev - 1);
}

static void test_playback_stops_at_a_pausing_narration(void **state) {
    struct fixture *f = *state;
    viz_app_seek(&f->app, 2500 * DSLAB_NS_PER_MS);
    key(f, SDLK_SPACE, 0);
    assert_true(f->app.playing);
    for (int i = 0; i < 100 && f->app.playing; i++) {
        viz_playback_tick(&f->app, 0.5); /* big real-time steps */
    }
    assert_false(f->app.playing);
    assert_true(f->app.narration_hold);
    assert_int_equal(f->app.model.now_ns, 2900 * DSLAB_NS_PER_MS);
    key(f, SDLK_SPACE, 0); /* continue past it */
    assert_true(f->app.playing);
    viz_playback_tick(&f->app, 0.5);
    assert_true(f->app.model.now_ns > 2900 * DSLAB_NS_PER_MS);
}

/* The recording reads typed reports: the role's class (not its text) and
 * the latest term report whatever the protocol calls it ("epoch" for
 * primary-backup), so a backup that adopted epoch 2 is labelled e2/t2
 * even though its last role report was made in epoch 1. */
static void test_recording_reads_typed_role_and_term(void **state) {
    (void)state;
    struct recording rec;
    rec_init(&rec, 2);
    struct dslab_trace_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = DSLAB_TRACE_ANNOTATE;
    ev.node = 1;
    ev.peer = -1;
    ev.tag = "role";
    ev.text = "primary"; /* the text says primary, the class says backup */
    ev.a = 1;
    ev.annotation = DSLAB_ANNOTATION_ROLE;
    ev.role = DSLAB_ROLE_BACKUP;
    rec_sink(&rec, &ev);
    ev.id = 1;
    ev.tag = "epoch";
    ev.text = "epoch 2";
    ev.a = 2;
    ev.annotation = DSLAB_ANNOTATION_TERM;
    ev.role = DSLAB_ROLE_NONE;
    rec_sink(&rec, &ev);
    assert_int_equal(rec_node_role_class(&rec, 1, 2), DSLAB_ROLE_BACKUP);
    assert_int_equal(role_look_of(rec_node_role_class(&rec, 1, 2)), LOOK_FOLLOWER);
    assert_string_equal(rec_node_role(&rec, 1, 2), "primary");
    assert_int_equal(rec_node_term(&rec, 1, 2), 2);
    assert_int_equal(rec_node_term(&rec, 1, 1), 1);
    assert_int_equal(rec_node_role_class(&rec, 0, 2), DSLAB_ROLE_NONE);
    assert_int_equal(role_look_of(DSLAB_ROLE_COORDINATOR), LOOK_LEADER);
    assert_int_equal(role_look_of(DSLAB_ROLE_PRIMARY), LOOK_LEADER);
    assert_int_equal(role_look_of(DSLAB_ROLE_OTHER), LOOK_OTHER);
    rec_free(&rec);
}


/* A violation over the whole run (load-balance's busiest node, judged at
 * the end) is not shown before the end: it read "FAIL at 0.000000s" at
 * any cursor time. A violation that begins at 0 but ends earlier is shown
 * from 0; a later one in the same check gives its own start. */
static void test_whole_run_violation_only_at_the_end(void **state) {
    (void)state;
    struct rec_check checks[2] = {{.name = "load-balance", .verdict = DSLAB_CHECK_FAIL, .first_violation_ns = 0},
                                  {.name = "linearizable", .verdict = DSLAB_CHECK_FAIL, .first_violation_ns = 0}};
    struct rec_violation viols[3] = {{.check_index = 0, .from_ns = 0, .to_ns = 5 * DSLAB_NS_PER_S},
                                     {.check_index = 1, .from_ns = 0, .to_ns = 1 * DSLAB_NS_PER_S},
                                     {.check_index = 1, .from_ns = 2 * DSLAB_NS_PER_S, .to_ns = 3 * DSLAB_NS_PER_S}};
    struct recording *rp = calloc(1, sizeof *rp); /* owned here: large, its checks are inline */
    assert_non_null(rp);
    memcpy(rp->checks, checks, sizeof checks);
    rp->checks_count = 2;
    rp->violations = viols;
    rp->violations_count = 3;
    rp->end_ns = 5 * DSLAB_NS_PER_S;
    const struct recording *r = rp;
    char buf[200];
    int64_t times[] = {0, 2 * DSLAB_NS_PER_S, r->end_ns - 1};
    for (size_t k = 0; k < sizeof times / sizeof times[0]; k++) {
        assert_false(rec_violation_begun(r, 0, times[k]));
        assert_int_equal(rec_check_at(r, 0, times[k], buf, sizeof buf), REC_CHECK_SO_FAR_OK);
        assert_string_equal(buf, "load-balance: so far ok (verdict at the end of the run)");
        assert_true(rec_violation_begun(r, 1, times[k]));
        assert_int_equal(rec_check_at(r, 1, times[k], buf, sizeof buf), REC_CHECK_FAILED);
        assert_true(strncmp(buf, "linearizable: FAIL at 0", 23) == 0);
    }
    assert_true(rec_violation_begun(r, 0, r->end_ns));
    assert_int_equal(rec_check_at(r, 0, r->end_ns, buf, sizeof buf), REC_CHECK_FAILED);
    assert_false(rec_violation_begun(r, 2, 2 * DSLAB_NS_PER_S - 1));
    assert_true(rec_violation_begun(r, 2, 2 * DSLAB_NS_PER_S));
    free(rp);
}

/* An operation cited as evidence is outlined red only once the violation
 * citing it has begun, not from its own completion (which may come first:
 * a read that completes at 1s and is shown stale by a violation from 2s). */
static void test_cited_op_red_only_once_its_violation_began(void **state) {
    (void)state;
    struct rec_event events[2] = {{.kind = DSLAB_TRACE_CLIENT, .ref = 0, .t_ns = DSLAB_NS_PER_S},
                                  {.kind = DSLAB_TRACE_CLIENT, .ref = 1, .t_ns = DSLAB_NS_PER_S}};
    struct rec_op ops[2] = {{.cited_from_ns = INT64_MAX, .complete_ns = DSLAB_NS_PER_S},
                            {.cited_from_ns = INT64_MAX, .complete_ns = DSLAB_NS_PER_S}};
    struct rec_violation viols[1] = {{.check_index = 0, .from_ns = 2 * DSLAB_NS_PER_S, .to_ns = 3 * DSLAB_NS_PER_S,
                                      .evidence_count = 1, .evidence = {0}}};
    struct recording *rp = calloc(1, sizeof *rp); /* owned here: large, its checks are inline */
    assert_non_null(rp);
    rp->events = events;
    rp->events_count = 2;
    rp->ops = ops;
    rp->ops_count = 2;
    rp->violations = viols;
    rp->violations_count = 1;
    rp->end_ns = 5 * DSLAB_NS_PER_S;
    rec_finalize(rp, DSLAB_NS_PER_MS);
    assert_false(rec_op_cited_by_begun(rp, 0, DSLAB_NS_PER_S));
    assert_false(rec_op_cited_by_begun(rp, 0, 2 * DSLAB_NS_PER_S - 1));
    assert_true(rec_op_cited_by_begun(rp, 0, 2 * DSLAB_NS_PER_S));
    assert_false(rec_op_cited_by_begun(rp, 1, rp->end_ns)); /* never cited */
    assert_false(rec_op_cited_by_begun(rp, 2, rp->end_ns)); /* out of range */
    free(rp);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_crashed_node_is_drawn_grey_with_a_cross, setup, viz_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_partition_draws_cut_links, setup, viz_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_violation_marker_is_red_at_its_time, setup, viz_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_banner_event_count_is_the_runs, setup, viz_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_narration_after_an_intervention_is_marked, setup, viz_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_narration_stop_goes_on_with_a_click, setup, viz_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_checks_panel_shows_no_failure_before_it_happens, setup, viz_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_checks_panel_text_at_the_cursor, setup, viz_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_crashed_node_has_no_old_role, setup, viz_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_rewinding_shows_the_same_state, setup, viz_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_click_node_and_key_c_crashes_it, setup, viz_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_drag_between_nodes_cuts_the_link, setup, viz_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_step_back_and_forward_by_one_event, setup, viz_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_playback_stops_at_a_pausing_narration, setup, viz_fixture_teardown),
        cmocka_unit_test(test_recording_reads_typed_role_and_term),
        cmocka_unit_test(test_whole_run_violation_only_at_the_end),
        cmocka_unit_test(test_cited_op_red_only_once_its_violation_began),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
