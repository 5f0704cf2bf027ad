/* viz_input.c: keys, mouse and playback.
 *
 * Every key is listed in the help overlay (viz_render_panels.c) and in
 * docs/VISUALISER.md; keep the three in step. Clicks go to the regions the
 * views registered while drawing the last frame, topmost first. Playback
 * advances simulated time by real time x speed and stops at narration
 * entries marked `pause: true` and at the end of the run. */
#include "viz_internal.h"

#include <stdio.h>
#include <string.h>

#include "dslab/time.h"

/* ---- playback ----------------------------------------------------------- */
void viz_playback_tick(struct viz_app *app, double real_dt_s) {
    struct viz_model *m = &app->model;
    if (app->narration_hold) {
        return;
    }
    int64_t adv = (int64_t)(real_dt_s * viz_speeds[app->speed_index] * 1e9);
    if (adv < 1) adv = 1;
    int64_t target = m->now_ns + adv;
    if (target >= m->rec.end_ns) {
        target = m->rec.end_ns;
        app->playing = false;
    }
    const struct recording *r = &m->rec;
    for (int32_t k = 0; k < r->narration.n; k++) {
        int32_t ei = r->narration.v[k];
        if (ei < m->ev_count || r->events[ei].t_ns > target) continue;
        /* A stop written for the original run does not ask about this one
         * (an intervention changed what happens next): no stop. */
        if (r->events[ei].a != 0 && !viz_model_narration_stale(m, ei)) {
            viz_app_seek_event(app, ei + 1);
            app->narration_hold = true;
            app->playing = false;
            return;
        }
    }
    viz_app_seek(app, target);
}

static void toggle_play(struct viz_app *app) {
    if (app->narration_hold) {
        app->narration_hold = false;
        app->playing = true;
        return;
    }
    if (!app->playing && app->model.now_ns >= app->model.rec.end_ns) {
        viz_app_seek(app, 0);
    }
    app->playing = !app->playing;
}

/* Selects what event i is about (its message, op, or the event itself). */
static void select_event(struct viz_app *app, int32_t i) {
    const struct recording *r = &app->model.rec;
    if (i < 0 || i >= r->events_count) {
        app->sel = SEL_NONE;
        return;
    }
    const struct rec_event *e = &r->events[i];
    bool msg = e->kind == DSLAB_TRACE_SEND || e->kind == DSLAB_TRACE_DELIVER || e->kind == DSLAB_TRACE_DROP ||
               e->kind == DSLAB_TRACE_DUPLICATE;
    if (msg && e->ref >= 0) {
        app->sel = SEL_MSG;
        app->sel_index = e->ref;
    } else if (e->kind == DSLAB_TRACE_CLIENT && e->ref >= 0) {
        app->sel = SEL_OP;
        app->sel_index = e->ref;
    } else {
        app->sel = SEL_EVENT;
        app->sel_index = i;
    }
}

static void step(struct viz_app *app, int32_t delta) {
    app->playing = false;
    app->narration_hold = false;
    viz_app_seek_event(app, app->model.ev_count + delta);
    select_event(app, app->model.ev_count - 1);
}

/* Jumps to the next (dir > 0) or previous event in list. */
static void jump_list(struct viz_app *app, const struct ivec *list, int dir, const char *what) {
    int32_t cur = app->model.ev_count;
    int32_t target = -1;
    for (int32_t k = 0; k < list->n; k++) {
        int32_t ei = list->v[k];
        if (dir > 0 && ei >= cur) { target = ei; break; }
        if (dir < 0 && ei < cur - 1) target = ei;
    }
    if (target < 0) {
        viz_app_toast(app, "no %s %s", dir > 0 ? "later" : "earlier", what);
        return;
    }
    app->playing = false;
    viz_app_seek_event(app, target + 1);
    app->sel = SEL_EVENT;
    app->sel_index = target;
}

static void jump_violation(struct viz_app *app, int dir) {
    const struct recording *r = &app->model.rec;
    int64_t now = app->model.now_ns;
    int32_t target = -1;
    for (int32_t v = 0; v < r->violations_count; v++) {
        if (dir > 0 && r->violations[v].from_ns > now && (target < 0 || r->violations[v].from_ns < r->violations[target].from_ns)) target = v;
        if (dir < 0 && r->violations[v].from_ns < now && (target < 0 || r->violations[v].from_ns > r->violations[target].from_ns)) target = v;
    }
    if (target < 0) {
        viz_app_toast(app, r->violations_count ? "no %s violation" : "no violations in this run%.0s",
                      dir > 0 ? "later" : "earlier");
        return;
    }
    app->playing = false;
    viz_app_seek(app, r->violations[target].from_ns);
    app->sel = SEL_VIOLATION;
    app->sel_index = target;
}

static void zoom(struct viz_app *app, double factor) {
    int64_t w = (int64_t)((double)app->st_window_ns * factor);
    if (w < 100 * DSLAB_NS_PER_US) w = 100 * DSLAB_NS_PER_US;
    if (w > app->model.rec.end_ns * 2) w = app->model.rec.end_ns * 2;
    if (!app->st_follow) {
        int64_t mid = app->st_end_ns - app->st_window_ns / 2;
        app->st_end_ns = mid + w / 2;
    }
    app->st_window_ns = w;
}

static int32_t selected_node(struct viz_app *app) {
    if (app->sel == SEL_NODE) return app->sel_index;
    viz_app_toast(app, "select a node first (click it)");
    return -1;
}

static void key_intervention(struct viz_app *app, SDL_Keycode k, bool shift) {
    int32_t n;
    switch (k) {
    case SDLK_c: if ((n = selected_node(app)) >= 0) viz_session_crash_toggle(app, n); break;
    case SDLK_p: if ((n = selected_node(app)) >= 0) viz_session_pause(app, n); break;
    case SDLK_j: if ((n = selected_node(app)) >= 0) viz_session_clock_jump(app, n, shift ? -100 * DSLAB_NS_PER_MS : 100 * DSLAB_NS_PER_MS); break;
    case SDLK_d: if ((n = selected_node(app)) >= 0) viz_session_clock_drift(app, n, shift ? -200 : 200); break;
    case SDLK_k: viz_session_partition_next(app); break;
    case SDLK_s: viz_session_save(app, NULL); break;
    default: break;
    }
}

static void on_key(struct viz_app *app, const SDL_KeyboardEvent *ke) {
    SDL_Keycode k = ke->keysym.sym;
    bool shift = (ke->keysym.mod & KMOD_SHIFT) != 0;
    if (app->help && k != SDLK_q) {
        app->help = false;
        return;
    }
    switch (k) {
    case SDLK_SPACE: toggle_play(app); break;
    case SDLK_RIGHT: step(app, shift ? 10 : 1); break;
    case SDLK_LEFT: step(app, shift ? -10 : -1); break;
    case SDLK_RIGHTBRACKET: if (app->speed_index < viz_speeds_count - 1) app->speed_index++; break;
    case SDLK_LEFTBRACKET: if (app->speed_index > 0) app->speed_index--; break;
    case SDLK_f: jump_list(app, &app->model.rec.faults, shift ? -1 : 1, "fault"); break;
    case SDLK_v: jump_violation(app, shift ? -1 : 1); break;
    case SDLK_n: jump_list(app, &app->model.rec.narration, shift ? -1 : 1, "narration"); break;
    case SDLK_HOME: app->playing = false; viz_app_seek(app, 0); break;
    case SDLK_END: app->playing = false; viz_app_seek(app, app->model.rec.end_ns); break;
    case SDLK_EQUALS: case SDLK_PLUS: case SDLK_KP_PLUS: zoom(app, 1 / 1.5); break;
    case SDLK_MINUS: case SDLK_KP_MINUS: zoom(app, 1.5); break;
    case SDLK_0: app->st_follow = true; break;
    case SDLK_PAGEDOWN: app->lane_first += 8; break;
    case SDLK_PAGEUP: app->lane_first = app->lane_first > 8 ? app->lane_first - 8 : 0; break;
    case SDLK_ESCAPE: app->sel = SEL_NONE; app->sel_index = -1; break;
    case SDLK_h:
        if (shift) viz_session_heal_all(app);
        else app->help = true;
        break;
    case SDLK_SLASH: case SDLK_QUESTION: app->help = true; break;
    case SDLK_q: app->quit = true; break;
    default:
        if (k == SDLK_p && shift) {
            app->projector = !app->projector;
            viz_app_relayout(app, app->lay.width, app->lay.height);
        } else {
            key_intervention(app, k, shift);
        }
        break;
    }
}

/* ---- mouse -------------------------------------------------------------- */
static const struct hit *hit_at(struct viz_app *app, float x, float y) {
    for (int32_t i = app->hits_count - 1; i >= 0; i--) {
        if (frect_contains(app->hits[i].r, x, y)) return &app->hits[i];
    }
    return NULL;
}

static void on_button(struct viz_app *app, int id) {
    int32_t n = app->sel == SEL_NODE ? app->sel_index : -1;
    switch (id) {
    case BTN_CRASH: case BTN_RESTART: if (n >= 0) viz_session_crash_toggle(app, n); break;
    case BTN_PAUSE: if (n >= 0) viz_session_pause(app, n); break;
    case BTN_JUMP_FWD: if (n >= 0) viz_session_clock_jump(app, n, 100 * DSLAB_NS_PER_MS); break;
    case BTN_JUMP_BACK: if (n >= 0) viz_session_clock_jump(app, n, -100 * DSLAB_NS_PER_MS); break;
    case BTN_DRIFT: if (n >= 0) viz_session_clock_drift(app, n, 200); break;
    case BTN_HEAL_ALL: viz_session_heal_all(app); break;
    case BTN_PARTITION: viz_session_partition_next(app); break;
    case BTN_SAVE: viz_session_save(app, NULL); break;
    default: break;
    }
}

static void on_click(struct viz_app *app, float x, float y) {
    const struct hit *h = hit_at(app, x, y);
    if (!h) {
        if (frect_contains(app->lay.timeline, x, y)) {
            app->drag_mode = DRAG_SCRUB;
            viz_app_seek(app, timeline_x_to_time(app, x));
            app->narration_hold = false;
        } else if (frect_contains(app->lay.spacetime, x, y) || frect_contains(app->lay.history, x, y)) {
            app->drag_mode = DRAG_PAN;
            app->drag_last_x = x;
        }
        return;
    }
    switch ((enum sel_kind)h->kind) {
    case SEL_BUTTON: on_button(app, h->index); return;
    case SEL_NODE:
        app->sel = SEL_NODE;
        app->sel_index = h->index;
        if (frect_contains(app->lay.cluster, x, y)) {
            app->drag_mode = DRAG_NODE;
            app->drag_from = h->index;
            app->drag_x = x;
            app->drag_y = y;
        }
        return;
    case SEL_EVENT:
        app->playing = false;
        viz_app_seek_event(app, h->index + 1);
        app->sel = SEL_EVENT;
        app->sel_index = h->index;
        return;
    case SEL_VIOLATION:
        app->playing = false;
        viz_app_seek(app, app->model.rec.violations[h->index].from_ns);
        app->sel = SEL_VIOLATION;
        app->sel_index = h->index;
        return;
    default:
        app->sel = (enum sel_kind)h->kind;
        app->sel_index = h->index;
        return;
    }
}

static void on_release(struct viz_app *app, float x, float y, bool shift) {
    if (app->drag_mode == DRAG_NODE && app->dragging) {
        const struct hit *h = hit_at(app, x, y);
        if (h && h->kind == SEL_NODE && h->index != app->drag_from) {
            viz_session_cut(app, app->drag_from, h->index, shift);
        }
    }
    app->dragging = false;
    app->drag_mode = DRAG_NONE;
}

static void on_motion(struct viz_app *app, float x, float y) {
    float s = app->lay.scale;
    if (app->drag_mode == DRAG_NODE) {
        float dx = x - app->drag_x, dy = y - app->drag_y;
        if (app->dragging || dx * dx + dy * dy > 36 * s * s) app->dragging = true;
        app->drag_x = x;
        app->drag_y = y;
        if (!app->dragging) return;
    } else if (app->drag_mode == DRAG_SCRUB) {
        viz_app_seek(app, timeline_x_to_time(app, x));
    } else if (app->drag_mode == DRAG_PAN) {
        struct frect c = app->lay.spacetime;
        int64_t dt = st_x_to_time(app, c, app->drag_last_x) - st_x_to_time(app, c, x);
        if (app->st_follow) {
            app->st_end_ns = st_x_to_time(app, c, c.x + c.w);
            app->st_follow = false;
        }
        app->st_end_ns += dt;
        app->drag_last_x = x;
    }
}

void viz_input_event(struct viz_app *app, const SDL_Event *ev) {
    /* Mouse coordinates are in window points; the layout is in pixels. */
    float k = app->dpi_scale > 0 ? app->dpi_scale : 1.0f;
    switch (ev->type) {
    case SDL_QUIT: app->quit = true; break;
    case SDL_KEYDOWN: on_key(app, &ev->key); break;
    case SDL_MOUSEBUTTONDOWN:
        if (ev->button.button == SDL_BUTTON_LEFT) {
            if (app->help) { app->help = false; break; }
            /* A click on the banner continues past a narration stop, as
             * space does (a tour on a touchpad or a projector remote). */
            if (app->narration_hold &&
                frect_contains(app->lay.banner, (float)ev->button.x * k, (float)ev->button.y * k)) {
                toggle_play(app);
                break;
            }
            app->drag_x = (float)ev->button.x * k;
            app->drag_y = (float)ev->button.y * k;
            on_click(app, (float)ev->button.x * k, (float)ev->button.y * k);
        }
        break;
    case SDL_MOUSEBUTTONUP:
        if (ev->button.button == SDL_BUTTON_LEFT) {
            on_release(app, (float)ev->button.x * k, (float)ev->button.y * k,
                       (SDL_GetModState() & KMOD_SHIFT) != 0);
        }
        break;
    case SDL_MOUSEMOTION: on_motion(app, (float)ev->motion.x * k, (float)ev->motion.y * k); break;
    case SDL_MOUSEWHEEL: zoom(app, ev->wheel.y > 0 ? 1 / 1.25 : 1.25); break;
    default: break;
    }
}
