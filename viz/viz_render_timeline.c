/* viz_render_timeline.c: the scrubber at the bottom: the whole run from 0
 * to its end, message traffic as a faint histogram, markers for faults
 * (vermillion, above), violations (red, below: from their start to their
 * end), broken assumptions (purple) and narration (blue), and the
 * playhead. Clicking seeks (viz_input.c). What the scenario scripts (faults,
 * narration) is drawn for the whole run: a map of where to look. What the
 * run reveals (violations, broken assumptions) is drawn only once the
 * cursor has passed its start, and a violation's bar only up to the
 * cursor: a red mark ahead of the playhead would answer "what happens
 * next?" before the room does. */
#include "viz_internal.h"

#include <stdio.h>
#include <string.h>

#include "dslab/time.h"

struct frect timeline_track(const struct viz_app *app) {
    float s = app->lay.scale;
    struct frect t = app->lay.timeline;
    return (struct frect){t.x + 14 * s, t.y + 16 * s, t.w - 28 * s, t.h - 32 * s};
}

float timeline_time_to_x(const struct viz_app *app, int64_t t_ns) {
    struct frect tr = timeline_track(app);
    int64_t end = app->model.rec.end_ns > 0 ? app->model.rec.end_ns : 1;
    return tr.x + tr.w * (float)((double)t_ns / (double)end);
}

int64_t timeline_x_to_time(const struct viz_app *app, float x) {
    struct frect tr = timeline_track(app);
    double f = (double)(x - tr.x) / (double)tr.w;
    if (f < 0) f = 0;
    if (f > 1) f = 1;
    return (int64_t)(f * (double)app->model.rec.end_ns);
}

static void draw_traffic(struct viz_app *app, struct frect tr) {
    const struct recording *r = &app->model.rec;
    int32_t max = 1;
    for (int b = 0; b < REC_TRAFFIC_BINS; b++) {
        if (r->traffic[b] > max) max = r->traffic[b];
    }
    float bw = tr.w / REC_TRAFFIC_BINS;
    for (int b = 0; b < REC_TRAFFIC_BINS; b++) {
        float h = tr.h * 0.9f * (float)r->traffic[b] / (float)max;
        draw_rect(&app->draw, tr.x + bw * (float)b, tr.y + tr.h - h, bw - 0.5f, h, RGBA(0x56B4E9, 60));
        float hd = tr.h * 0.9f * (float)r->traffic_dropped[b] / (float)max;
        draw_rect(&app->draw, tr.x + bw * (float)b, tr.y + tr.h - hd, bw - 0.5f, hd, RGBA(0xD55E00, 120));
    }
}

static void draw_ticks(struct viz_app *app, struct frect tr) {
    float s = app->lay.scale;
    int64_t end = app->model.rec.end_ns;
    static const int64_t mults[] = {1, 2, 5};
    int64_t step = DSLAB_NS_PER_MS;
    float max_ticks = tr.w / (70 * s);
    for (int k = 1; (float)(end / step) > max_ticks && k < 40; k++) {
        int64_t decade = DSLAB_NS_PER_MS;
        for (int j = 0; j < k / 3; j++) decade *= 10;
        step = decade * mults[k % 3];
    }
    for (int64_t t = 0; t <= end; t += step) {
        float x = timeline_time_to_x(app, t);
        draw_line(&app->draw, x, tr.y + tr.h, x, tr.y + tr.h + 3 * s, 1, COL_TEXT_DIM);
        char buf[24];
        if (step >= DSLAB_NS_PER_S) snprintf(buf, sizeof buf, "%llds", (long long)(t / DSLAB_NS_PER_S));
        else snprintf(buf, sizeof buf, "%gs", (double)t / 1e9);
        text_draw(&app->fonts, &app->draw, FONT_SMALL, buf, x, tr.y + tr.h + 2 * s, COL_TEXT_DIM, ALIGN_CENTER);
    }
}

static void draw_markers(struct viz_app *app, struct frect tr) {
    const struct recording *r = &app->model.rec;
    float s = app->lay.scale, t = 6 * s;
    for (int32_t k = 0; k < r->faults.n; k++) {
        int32_t ei = r->faults.v[k];
        float x = timeline_time_to_x(app, r->events[ei].t_ns);
        bool sel = app->sel == SEL_EVENT && app->sel_index == ei;
        struct rgba c = sel ? COL_SELECT : COL_VERMILLION;
        draw_triangle(&app->draw, x - t, tr.y - t * 1.6f, x + t, tr.y - t * 1.6f, x, tr.y, c);
        viz_app_hit(app, (struct frect){x - t, tr.y - t * 2, 2 * t, t * 2}, SEL_EVENT, ei);
    }
    for (int32_t k = 0; k < r->narration.n; k++) {
        int32_t ei = r->narration.v[k];
        float x = timeline_time_to_x(app, r->events[ei].t_ns);
        bool pause = r->events[ei].a != 0;
        draw_round_rect(&app->draw, x - 4 * s, tr.y + 1 * s, 8 * s, 9 * s, 2 * s, COL_SKY);
        if (pause) draw_rect(&app->draw, x - 1 * s, tr.y + 3 * s, 2 * s, 5 * s, RGBA(0x10131a, 255));
        viz_app_hit(app, (struct frect){x - 5 * s, tr.y, 10 * s, 12 * s}, SEL_EVENT, ei);
    }
    for (int32_t k = 0; k < r->assumptions.n; k++) {
        int32_t ei = r->assumptions.v[k];
        if (ei >= app->model.ev_count) continue; /* not broken yet */
        float x = timeline_time_to_x(app, r->events[ei].t_ns);
        draw_diamond(&app->draw, x, tr.y + tr.h / 2, 5 * s, COL_PURPLE);
        viz_app_hit(app, (struct frect){x - 5 * s, tr.y + tr.h / 2 - 5 * s, 10 * s, 10 * s}, SEL_EVENT, ei);
    }
    for (int32_t v = 0; v < r->violations_count; v++) {
        const struct rec_violation *rv = &r->violations[v];
        if (!rec_violation_begun(r, v, app->model.now_ns)) continue;
        int64_t to_ns = rv->to_ns < app->model.now_ns ? rv->to_ns : app->model.now_ns;
        float xa = timeline_time_to_x(app, rv->from_ns), xb = timeline_time_to_x(app, to_ns);
        if (xb - xa < 2 * s) xb = xa + 2 * s;
        bool sel = app->sel == SEL_VIOLATION && app->sel_index == v;
        draw_rect(&app->draw, xa, tr.y + tr.h - 4 * s, xb - xa, 4 * s, COL_RED);
        draw_triangle(&app->draw, xa - t, tr.y + tr.h + t * 1.6f, xa + t, tr.y + tr.h + t * 1.6f, xa,
                      tr.y + tr.h, sel ? COL_SELECT : COL_RED);
        viz_app_hit(app, (struct frect){xa - t, tr.y + tr.h - 4 * s, xb - xa + 2 * t, t * 2 + 4 * s}, SEL_VIOLATION, v);
    }
}

void render_timeline(struct viz_app *app) {
    float s = app->lay.scale;
    struct frect box = app->lay.timeline;
    if (!app->chrome_on) { /* else it is in the static layer (viz_chrome_begin) */
        draw_round_rect(&app->draw, box.x, box.y, box.w, box.h, 6 * s, COL_PANEL);
    }
    struct frect tr = timeline_track(app);
    draw_rect(&app->draw, tr.x, tr.y, tr.w, tr.h, RGBA(0x1b1f27, 255));
    draw_traffic(app, tr);
    draw_ticks(app, tr);
    /* Played part, then markers over it, then the playhead on top. */
    float px = timeline_time_to_x(app, app->model.now_ns);
    draw_rect(&app->draw, tr.x, tr.y + tr.h - 2 * s, px - tr.x, 2 * s, COL_TEXT_DIM);
    draw_markers(app, tr);
    draw_line(&app->draw, px, tr.y - 10 * s, px, tr.y + tr.h + 2 * s, 2 * s, COL_SELECT);
    draw_circle(&app->draw, px, tr.y - 10 * s, 4.5f * s, COL_SELECT);
}
