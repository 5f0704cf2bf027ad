/* viz_render_spacetime.c: the space-time (Lamport) diagram: a lane per
 * node, time to the right, an arrow per message from send to delivery.
 *
 * Lanes are coloured by the node's role (thick orange while leader), grey
 * and hatched while crashed, hatched yellow while paused. Faults sit on the
 * lanes as marks, violations as red bands on the lanes they involve,
 * narration as dotted vertical lines. Only what has happened by "now" is
 * drawn: messages still in flight end at the now line. The window can be
 * zoomed and panned; by default it follows now. The selected message,
 * node or event is drawn white here and in every other view. */
#include "viz_internal.h"

#include <stdio.h>
#include <string.h>

#include "dslab/time.h"

static void window_bounds(const struct viz_app *app, int64_t *t0, int64_t *t1) {
    int64_t w = app->st_window_ns > 0 ? app->st_window_ns : DSLAB_NS_PER_S;
    int64_t end = app->st_follow ? app->model.now_ns + w / 12 : app->st_end_ns;
    if (end < w && app->st_follow) end = w;
    *t1 = end;
    *t0 = end - w;
}

/* The lane area shared with the history view: [x0, x0 + w). */
static float gutter(const struct viz_app *app) {
    return 58 * app->lay.scale;
}

float st_time_to_x(const struct viz_app *app, struct frect area, int64_t t_ns) {
    int64_t t0, t1;
    window_bounds(app, &t0, &t1);
    float x0 = area.x + gutter(app), w = area.w - gutter(app);
    return x0 + w * (float)((double)(t_ns - t0) / (double)(t1 - t0));
}

int64_t st_x_to_time(const struct viz_app *app, struct frect area, float x) {
    int64_t t0, t1;
    window_bounds(app, &t0, &t1);
    float x0 = area.x + gutter(app), w = area.w - gutter(app);
    return t0 + (int64_t)((double)(x - x0) / (double)w * (double)(t1 - t0));
}

struct lanes {
    struct frect area; /* content area of the panel */
    float top, lane_h;
    int32_t first, count;
};

static float lane_y(const struct lanes *L, int32_t node) {
    return L->top + ((float)(node - L->first) + 0.5f) * L->lane_h;
}

static bool lane_visible(const struct lanes *L, int32_t node) {
    return node >= L->first && node < L->first + L->count;
}

static float clampf(float v, float lo, float hi) {
    return v < lo ? lo : v > hi ? hi : v;
}

/* ---- time axis ---------------------------------------------------------- */
static int64_t nice_step(int64_t span_ns, int ticks) {
    int64_t raw = span_ns / (ticks > 0 ? ticks : 1);
    int64_t step = 1;
    while (step * 10 <= raw) step *= 10;
    if (step * 5 <= raw) return step * 5;
    if (step * 2 <= raw) return step * 2;
    return step;
}

static void fmt_tick(int64_t t, int64_t step, char *buf, size_t size) {
    if (step >= DSLAB_NS_PER_S) snprintf(buf, size, "%llds", (long long)(t / DSLAB_NS_PER_S));
    else if (step >= DSLAB_NS_PER_MS) snprintf(buf, size, "%.*fs", step >= 100 * DSLAB_NS_PER_MS ? 1 : step >= 10 * DSLAB_NS_PER_MS ? 2 : 3, (double)t / 1e9);
    else snprintf(buf, size, "%.6fs", (double)t / 1e9);
}

static void draw_axis(struct viz_app *app, struct frect c, float y_top, float y_bottom) {
    int64_t t0, t1;
    window_bounds(app, &t0, &t1);
    float s = app->lay.scale;
    int64_t step = nice_step(t1 - t0, (int)((c.w - gutter(app)) / (90 * s)));
    int64_t first = (t0 >= 0 ? t0 + step - 1 : t0) / step * step;
    for (int64_t t = first; t <= t1; t += step) {
        float x = st_time_to_x(app, c, t);
        if (x < c.x + gutter(app)) continue;
        draw_line(&app->draw, x, y_top, x, y_bottom, 1, COL_GRID);
        char buf[32];
        fmt_tick(t, step, buf, sizeof buf);
        /* A label that would stick out of the panel is left out (its grid
         * line stays): a cut "3.2" reads as another number. */
        float half = (float)text_width(&app->fonts, FONT_SMALL, buf) / 2;
        if (x - half < c.x + gutter(app) - 4 * s || x + half > c.x + c.w + 6 * s) continue;
        text_draw(&app->fonts, &app->draw, FONT_SMALL, buf, x, c.y, COL_TEXT_DIM, ALIGN_CENTER);
    }
}

/* ---- lanes -------------------------------------------------------------- */
static void lane_segment(struct viz_app *app, const struct lanes *L, int32_t node, int64_t a,
                         int64_t b, int kind) {
    int64_t t0, t1;
    window_bounds(app, &t0, &t1);
    if (b < t0 || a > t1 || b <= a) return;
    float s = app->lay.scale;
    float xa = clampf(st_time_to_x(app, L->area, a), L->area.x + gutter(app), L->area.x + L->area.w);
    float xb = clampf(st_time_to_x(app, L->area, b), L->area.x + gutter(app), L->area.x + L->area.w);
    float y = lane_y(L, node), hh = L->lane_h * 0.32f;
    if (hh > 7 * s) hh = 7 * s;
    if (kind == 0) { /* crashed */
        draw_rect(&app->draw, xa, y - hh, xb - xa, 2 * hh, RGBA(0x444a57, 255));
        draw_hatch(&app->draw, xa, y - hh, xb - xa, 2 * hh, 6 * s, RGBA(0x1b1f27, 255));
    } else if (kind == 1) { /* paused */
        draw_rect(&app->draw, xa, y - hh, xb - xa, 2 * hh, RGBA(0xF0E442, 60));
        draw_hatch(&app->draw, xa, y - hh, xb - xa, 2 * hh, 5 * s, RGBA(0xF0E442, 150));
    } else { /* role */
        struct rgba c = role_colour((enum role_look)(kind - 2));
        float th = kind - 2 == LOOK_LEADER ? 5 * s : kind - 2 == LOOK_CANDIDATE ? 3 * s : 2 * s;
        if (kind - 2 == LOOK_NONE) c = RGBA(0x59617a, 255);
        draw_rect(&app->draw, xa, y - th / 2, xb - xa, th, c);
    }
}

static void draw_lane_states(struct viz_app *app, const struct lanes *L, int32_t node) {
    const struct recording *r = &app->model.rec;
    int64_t now = app->model.now_ns;
    int32_t evn = app->model.ev_count;
    /* Role: from each role annotation to the next (or now); a crash or a
     * restart ends it (no role until the node reports one again). */
    const struct ivec *ro = &r->nodes[node].role;
    const struct ivec *st = &r->nodes[node].status;
    int64_t from = 0;
    int kind = 2 + LOOK_NONE;
    for (int32_t i = 0, j = 0;;) {
        int32_t ri = i < ro->n && ro->v[i] < evn ? ro->v[i] : INT32_MAX;
        int32_t sj = j < st->n && st->v[j] < evn ? st->v[j] : INT32_MAX;
        if (ri == INT32_MAX && sj == INT32_MAX) break;
        const struct rec_event *e = &r->events[ri < sj ? ri : sj];
        bool reset = e->kind == DSLAB_TRACE_CRASH || e->kind == DSLAB_TRACE_RESTART;
        if (ri < sj || reset) {
            lane_segment(app, L, node, from, e->t_ns, kind);
            from = e->t_ns;
            kind = 2 + (int)(ri < sj ? role_look_of((enum dslab_role_class)e->role) : LOOK_NONE);
        }
        if (ri < sj) i++; else j++;
    }
    lane_segment(app, L, node, from, now, kind);
    /* Status: crashed and paused spans drawn over the role. */
    int64_t since = -1;
    int st_kind = -1;
    for (int32_t i = 0; i < st->n && st->v[i] < evn; i++) {
        const struct rec_event *e = &r->events[st->v[i]];
        if (st_kind >= 0) lane_segment(app, L, node, since, e->t_ns, st_kind);
        st_kind = e->kind == DSLAB_TRACE_CRASH ? 0 : e->kind == DSLAB_TRACE_PAUSE ? 1 : -1;
        since = e->t_ns;
    }
    if (st_kind >= 0) lane_segment(app, L, node, since, now, st_kind);
}

/* ---- messages ----------------------------------------------------------- */
static void draw_msg_arrow(struct viz_app *app, const struct lanes *L, int32_t i) {
    const struct recording *r = &app->model.rec;
    const struct rec_msg *m = &r->msgs[i];
    float s = app->lay.scale;
    int64_t now = app->model.now_ns;
    bool sel = app->sel == SEL_MSG && app->sel_index == i;
    float xa = st_time_to_x(app, L->area, m->send_ns), ya = lane_y(L, m->from);
    int64_t end = m->end_ns < now ? m->end_ns : now;
    float f = m->end_ns > m->send_ns ? (float)(end - m->send_ns) / (float)(m->end_ns - m->send_ns) : 1;
    float xe = st_time_to_x(app, L->area, m->end_ns), ye = lane_y(L, m->to);
    bool done = m->end_ns <= now && m->end_ev >= 0 && m->end_ev < app->model.ev_count;
    if (m->fate == FATE_DROPPED && m->sched_ns < 0) {
        f *= 0.45f; /* lost when sent: it dies on the way */
    }
    float xb = xa + (xe - xa) * f, yb = ya + (ye - ya) * f;
    struct rgba c = m->dup_of >= 0 ? COL_PURPLE : RGBA(0x9fb3d1, 210);
    if (m->fate == FATE_DROPPED && done) c = RGBA(0xD55E00, 220);
    if (sel) c = COL_SELECT;
    float w = (sel ? 2.4f : 1.1f) * s;
    if (m->fate == FATE_DROPPED && done) {
        draw_dashed(&app->draw, xa, ya, xb, yb, w, 3 * s, c);
        draw_cross(&app->draw, xb, yb, 3.5f * s, 1.6f * s, COL_VERMILLION);
    } else if (done) {
        draw_arrow(&app->draw, xa, ya, xb, yb, w, 6 * s, c);
    } else {
        draw_line(&app->draw, xa, ya, xb, yb, w, c);
        draw_dot(&app->draw, xb, yb, 2.5f * s, c);
    }
    float hx = xa + (xb - xa) * 0.6f, hy = ya + (yb - ya) * 0.6f;
    viz_app_hit(app, (struct frect){hx - 5 * s, hy - 5 * s, 10 * s, 10 * s}, SEL_MSG, i);
}

static void draw_messages(struct viz_app *app, const struct lanes *L) {
    const struct recording *r = &app->model.rec;
    int64_t t0, t1;
    window_bounds(app, &t0, &t1);
    int64_t now = app->model.now_ns;
    int32_t lo = rec_first_msg_sent_at(r, t0 - r->msg_span_ns_max);
    /* The newest first, at most ARROWS_MAX: past that a diagram is ink. */
    enum { ARROWS_MAX = 2000 };
    int32_t hi_i = lo;
    while (hi_i < r->msgs_count && r->msgs[hi_i].send_ns <= now && r->msgs[hi_i].send_ns <= t1 &&
           r->msgs[hi_i].send_ev < app->model.ev_count) {
        hi_i++;
    }
    int32_t drawn = 0;
    for (int32_t i = hi_i - 1; i >= lo && drawn < ARROWS_MAX; i--) {
        const struct rec_msg *m = &r->msgs[i];
        if (m->end_ns < t0) continue;
        if (!lane_visible(L, m->from) && !lane_visible(L, m->to)) continue;
        draw_msg_arrow(app, L, i);
        drawn++;
    }
}

/* ---- events on lanes ---------------------------------------------------- */
/* Walks `list` (event indices in time order) from *k: the next event that
 * has happened (before ev_count) and lies in the window, with its x; -1
 * when none is left. */
static int32_t next_mark_in_window(const struct viz_app *app, const struct lanes *L,
                                   const struct ivec *list, int32_t *k, float *x) {
    int64_t t0, t1;
    window_bounds(app, &t0, &t1);
    for (; *k < list->n && list->v[*k] < app->model.ev_count; (*k)++) {
        int32_t ei = list->v[*k];
        int64_t t_ns = app->model.rec.events[ei].t_ns;
        if (t_ns < t0 || t_ns > t1) continue;
        *x = st_time_to_x(app, L->area, t_ns);
        (*k)++;
        return ei;
    }
    return -1;
}

static void draw_fault_marks(struct viz_app *app, const struct lanes *L) {
    const struct recording *r = &app->model.rec;
    float s = app->lay.scale, x;
    for (int32_t k = 0, ei; (ei = next_mark_in_window(app, L, &r->faults, &k, &x)) >= 0;) {
        const struct rec_event *e = &r->events[ei];
        bool sel = app->sel == SEL_EVENT && app->sel_index == ei;
        struct rgba c = sel ? COL_SELECT : COL_VERMILLION;
        if (e->node >= 0 && lane_visible(L, e->node)) {
            float y = lane_y(L, e->node), r6 = 6 * s;
            if (e->kind == DSLAB_TRACE_CRASH) draw_cross(&app->draw, x, y, r6, 2.2f * s, c);
            else if (e->kind == DSLAB_TRACE_RESTART) draw_triangle(&app->draw, x, y - r6, x - r6, y + r6, x + r6, y + r6, sel ? c : COL_GREEN);
            else if (e->kind == DSLAB_TRACE_PAUSE) { draw_rect(&app->draw, x - 4 * s, y - r6, 3 * s, 2 * r6, COL_YELLOW); draw_rect(&app->draw, x + 1 * s, y - r6, 3 * s, 2 * r6, COL_YELLOW); }
            else draw_diamond(&app->draw, x, y, r6, c);
            viz_app_hit(app, (struct frect){x - 7 * s, y - 7 * s, 14 * s, 14 * s}, SEL_EVENT, ei);
        } else if (e->node < 0) { /* network-wide: a line across all lanes */
            draw_dashed(&app->draw, x, L->top, x, L->top + L->lane_h * (float)L->count, 1.5f * s, 4 * s, c);
            char buf[120];
            rec_event_describe(r, (const char(*)[DSLAB_NAME_MAX])app->model.scenario->node_names, ei, buf, sizeof buf);
            text_draw_fit(&app->fonts, &app->draw, FONT_SMALL, buf, x + 3 * s, L->top + 1,
                          L->area.x + L->area.w - x - 4 * s, COL_VERMILLION);
            viz_app_hit(app, (struct frect){x - 4 * s, L->top, 8 * s, L->lane_h * (float)L->count}, SEL_EVENT, ei);
        }
    }
}

static void draw_violations(struct viz_app *app, const struct lanes *L) {
    const struct recording *r = &app->model.rec;
    float s = app->lay.scale;
    int64_t now = app->model.now_ns;
    for (int32_t v = 0; v < r->violations_count; v++) {
        const struct rec_violation *rv = &r->violations[v];
        if (!rec_violation_begun(r, v, now)) continue; /* no spoilers (viz_checks.c) */
        int64_t to = rv->to_ns < now ? rv->to_ns : now;
        float xa = st_time_to_x(app, L->area, rv->from_ns), xb = st_time_to_x(app, L->area, to);
        if (xb - xa < 3 * s) xb = xa + 3 * s;
        xa = clampf(xa, L->area.x + gutter(app), L->area.x + L->area.w);
        xb = clampf(xb, L->area.x + gutter(app), L->area.x + L->area.w);
        bool sel = app->sel == SEL_VIOLATION && app->sel_index == v;
        for (int k = 0; k < rv->nodes_count; k++) {
            if (!lane_visible(L, rv->nodes[k])) continue;
            float y = lane_y(L, rv->nodes[k]);
            draw_rect(&app->draw, xa, y - L->lane_h * 0.42f, xb - xa, L->lane_h * 0.84f, RGBA(0xff3b30, sel ? 120 : 70));
        }
        if (rv->nodes_count == 0) {
            draw_rect(&app->draw, xa, L->top, xb - xa, L->lane_h * (float)L->count, RGBA(0xff3b30, 40));
        }
        draw_rect(&app->draw, xa, L->top - 3 * s, xb - xa, 3 * s, COL_RED);
        viz_app_hit(app, (struct frect){xa, L->top - 6 * s, xb - xa, 8 * s}, SEL_VIOLATION, v);
    }
}

static void draw_narration_marks(struct viz_app *app, const struct lanes *L) {
    float s = app->lay.scale, x;
    for (int32_t k = 0; next_mark_in_window(app, L, &app->model.rec.narration, &k, &x) >= 0;) {
        draw_dashed(&app->draw, x, L->top, x, L->top + L->lane_h * (float)L->count, 1.2f * s, 2 * s, COL_SKY);
    }
}

/* A selected violation: each evidence event ringed in red on its lane. */
static void draw_evidence(struct viz_app *app, const struct lanes *L) {
    const struct recording *r = &app->model.rec;
    const struct rec_violation *rv = &r->violations[app->sel_index];
    float s = app->lay.scale;
    for (int k = 0; k < rv->evidence_count; k++) {
        const struct rec_event *e = &r->events[rv->evidence[k]];
        int32_t node = e->node;
        if (node < 0 && e->kind == DSLAB_TRACE_CLIENT && e->ref >= 0) node = r->ops[e->ref].node;
        if (node < 0 || !lane_visible(L, node) || rv->evidence[k] >= app->model.ev_count) continue;
        float x = st_time_to_x(app, L->area, e->t_ns), y = lane_y(L, node);
        draw_ring(&app->draw, x, y, 7 * s, 2 * s, COL_RED);
    }
}

static void draw_selected_event(struct viz_app *app, const struct lanes *L) {
    if (app->sel == SEL_VIOLATION && app->sel_index >= 0) {
        draw_evidence(app, L);
        return;
    }
    if (app->sel != SEL_EVENT || app->sel_index < 0) return;
    const struct rec_event *e = &app->model.rec.events[app->sel_index];
    if (e->node < 0 || !lane_visible(L, e->node)) return;
    float x = st_time_to_x(app, L->area, e->t_ns), y = lane_y(L, e->node);
    draw_ring(&app->draw, x, y, 8 * app->lay.scale, 2 * app->lay.scale, COL_SELECT);
}

void render_spacetime(struct viz_app *app) {
    struct viz_model *m = &app->model;
    float s = app->lay.scale;
    struct frect c = render_panel(app, app->lay.spacetime, "Space-time diagram");
    viz_clip(app, app->lay.spacetime);
    int32_t n = m->scenario->nodes_count;
    struct lanes L;
    L.area = c;
    L.top = c.y + (float)app->fonts.height[FONT_SMALL] + 4 * s;
    float avail = c.y + c.h - L.top;
    L.lane_h = avail / (float)(n > 0 ? n : 1);
    if (L.lane_h < 16 * s) L.lane_h = 16 * s;
    if (L.lane_h > 60 * s) L.lane_h = 60 * s;
    L.count = (int32_t)(avail / L.lane_h);
    if (L.count > n) L.count = n;
    if (app->lane_first > n - L.count) app->lane_first = n - L.count;
    if (app->lane_first < 0) app->lane_first = 0;
    L.first = app->lane_first;
    draw_axis(app, c, L.top, L.top + L.lane_h * (float)L.count);
    for (int32_t i = L.first; i < L.first + L.count; i++) {
        float y = lane_y(&L, i);
        bool sel = app->sel == SEL_NODE && app->sel_index == i;
        if (sel) draw_rect(&app->draw, c.x, y - L.lane_h / 2, c.w, L.lane_h, RGBA(0x3a4458, 160));
        draw_line(&app->draw, c.x + gutter(app), y, c.x + c.w, y, 1, RGBA(0x3a4150, 255));
        text_draw_fit(&app->fonts, &app->draw, FONT_BOLD, viz_model_node_name(m, i), c.x,
                      y - (float)app->fonts.height[FONT_BOLD] / 2, gutter(app) - 6 * s,
                      sel ? COL_SELECT : COL_TEXT);
        viz_app_hit(app, (struct frect){c.x, y - L.lane_h / 2, gutter(app), L.lane_h}, SEL_NODE, i);
        draw_lane_states(app, &L, i);
    }
    /* Marks and arrows stay right of the lane names. */
    viz_clip(app, (struct frect){c.x + gutter(app), app->lay.spacetime.y, c.w - gutter(app) + 8 * s,
                                 app->lay.spacetime.h});
    draw_violations(app, &L);
    draw_narration_marks(app, &L);
    draw_messages(app, &L);
    draw_fault_marks(app, &L);
    draw_selected_event(app, &L);
    float nx = st_time_to_x(app, c, m->now_ns);
    if (nx >= c.x + gutter(app) && nx <= c.x + c.w) {
        draw_line(&app->draw, nx, L.top - 2 * s, nx, L.top + L.lane_h * (float)L.count, 1.5f * s, RGBA(0xffffff, 220));
    }
    viz_clip(app, (struct frect){0, 0, 0, 0});
    if (L.count < n) {
        /* Right of the panel's title, in the words that fit beside it. */
        char more[64];
        float room = c.x + c.w - (app->lay.spacetime.x + 10 * s) -
                     (float)text_width(&app->fonts, FONT_BOLD, "Space-time diagram") - 10 * s;
        snprintf(more, sizeof more, "lanes %d-%d of %d (page up/down)", L.first + 1, L.first + L.count, n);
        if ((float)text_width(&app->fonts, FONT_SMALL, more) > room) {
            snprintf(more, sizeof more, "lanes %d-%d of %d", L.first + 1, L.first + L.count, n);
        }
        if ((float)text_width(&app->fonts, FONT_SMALL, more) <= room) {
            text_draw(&app->fonts, &app->draw, FONT_SMALL, more, c.x + c.w, app->lay.spacetime.y + 5 * s,
                      COL_TEXT_DIM, ALIGN_RIGHT);
        }
    }
}
