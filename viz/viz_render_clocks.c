/* viz_render_clocks.c: the clocks view: for each node, what its clocks
 * say against true time.
 *
 * One row per node: its wall clock offset (wall - true), monotonic offset
 * (mono - true) and drift, then a strip chart of both offsets over the
 * whole run on a y scale shared by all rows (so skews compare at a glance;
 * the dim line is true time). The part after "now" is dimmed. Clock jumps
 * are marked with a triangle pointing the way the wall clock jumped. */
#include "viz_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dslab/time.h"

/* Offsets span nanoseconds to seconds in one run (a 4 ms skew next to a
 * 2 s jump), so the strip uses a signed log scale: each decade above
 * 100 us gets the same height, and a small skew stays visible. */
static float signed_log(int64_t off_ns) {
    double a = off_ns < 0 ? -(double)off_ns : (double)off_ns;
    double v = log10(1.0 + a / 1e5);
    return (float)(off_ns < 0 ? -v : v);
}

static float off_to_y(const struct recording *r, int64_t off, float y0, float h) {
    float lo = signed_log(r->clock_off_ns_min < 0 ? r->clock_off_ns_min : 0);
    float hi = signed_log(r->clock_off_ns_max > 0 ? r->clock_off_ns_max : 0);
    if (hi - lo < 1.0f) {
        float mid = (hi + lo) / 2; /* under ~1 ms either way: a fixed scale */
        lo = mid - 0.5f;
        hi = mid + 0.5f;
    }
    float f = (signed_log(off) - lo) / (hi - lo);
    return y0 + h - f * h;
}

static void draw_strip(struct viz_app *app, int32_t node, struct frect a) {
    const struct recording *r = &app->model.rec;
    struct draw *d = &app->draw;
    float s = app->lay.scale;
    int32_t k = r->samples_count;
    if (k < 2 || r->end_ns <= 0) return;
    draw_rect(d, a.x, a.y, a.w, a.h, RGBA(0x1b1f27, 255));
    float zy = off_to_y(r, 0, a.y + 2, a.h - 4);
    draw_line(d, a.x, zy, a.x + a.w, zy, 1, RGBA(0x59617a, 255));
    const int64_t *wall = &r->wall_off_ns[(size_t)node * (size_t)k];
    const int64_t *mono = &r->mono_off_ns[(size_t)node * (size_t)k];
    int64_t now = app->model.now_ns;
    /* About one segment per 2 pixels; a jump stays a vertical step. */
    int32_t stride = (int32_t)((float)k / (a.w / 2));
    if (stride < 1) stride = 1;
    float y_top = a.y + 2, h = a.h - 4;
    int32_t prev = 0;
    for (int32_t i = stride; prev < k - 1; i += stride) {
        if (i > k - 1) i = k - 1;
        float x0 = a.x + a.w * (float)r->sample_ns[prev] / (float)r->end_ns;
        float x1 = a.x + a.w * (float)r->sample_ns[i] / (float)r->end_ns;
        bool past = r->sample_ns[i] <= now;
        struct rgba cw = COL_ORANGE, cm = COL_SKY;
        if (!past) {
            cw.a = 70;
            cm.a = 70;
        }
        draw_line(d, x0, off_to_y(r, mono[prev], y_top, h), x1, off_to_y(r, mono[i], y_top, h), 1.4f * s, cm);
        draw_line(d, x0, off_to_y(r, wall[prev], y_top, h), x1, off_to_y(r, wall[i], y_top, h), 1.8f * s, cw);
        prev = i;
    }
    float nx = a.x + a.w * (float)now / (float)r->end_ns;
    draw_line(d, nx, a.y, nx, a.y + a.h, 1.2f * s, RGBA(0xffffff, 200));
    const struct ivec *ce = &r->nodes[node].clock;
    for (int32_t i = 0; i < ce->n; i++) {
        const struct rec_event *e = &r->events[ce->v[i]];
        if (e->kind != DSLAB_TRACE_CLOCK_JUMP) continue;
        float jx = a.x + a.w * (float)e->t_ns / (float)r->end_ns, t = 5 * s;
        struct rgba c = e->t_ns <= now ? COL_VERMILLION : RGBA(0xD55E00, 110);
        if (e->a >= 0) {
            draw_triangle(d, jx, a.y, jx - t, a.y + t * 1.4f, jx + t, a.y + t * 1.4f, c);
        } else {
            draw_triangle(d, jx, a.y + a.h, jx - t, a.y + a.h - t * 1.4f, jx + t, a.y + a.h - t * 1.4f, c);
        }
    }
}

static void clock_row(struct viz_app *app, int32_t node, float x, float y, float w, float h,
                      const float *col) {
    struct viz_model *m = &app->model;
    struct fonts *fo = &app->fonts;
    float ty = y + h / 2 - (float)fo->height[FONT_MONO] / 2;
    bool sel = app->sel == SEL_NODE && app->sel_index == node;
    if (sel) {
        draw_rect(&app->draw, x - 4, y, w + 8, h, RGBA(0x3a4458, 255));
    }
    text_draw_fit(fo, &app->draw, FONT_BOLD, viz_model_node_name(m, node), x, ty, col[0] - 4, COL_TEXT);
    char buf[48];
    int64_t wall = m->cursor ? dslab_sim_node_wall_ns(m->cursor, node) - m->now_ns : 0;
    int64_t mono = m->cursor ? dslab_sim_node_mono_ns(m->cursor, node) - m->now_ns : 0;
    int64_t drift = m->cursor ? dslab_sim_node_drift_ppm(m->cursor, node) : 0;
    fmt_offset(wall, buf, sizeof buf);
    struct rgba wc = (wall > 5 * DSLAB_NS_PER_MS || wall < -5 * DSLAB_NS_PER_MS) ? COL_ORANGE : COL_TEXT;
    text_draw(fo, &app->draw, FONT_MONO, buf, x + col[1], ty, wc, ALIGN_RIGHT);
    fmt_offset(mono, buf, sizeof buf);
    if (col[2] > col[1]) text_draw(fo, &app->draw, FONT_MONO, buf, x + col[2], ty, COL_TEXT, ALIGN_RIGHT);
    snprintf(buf, sizeof buf, "%+lld", (long long)drift);
    text_draw(fo, &app->draw, FONT_MONO, buf, x + col[3], ty, drift ? COL_YELLOW : COL_TEXT_DIM,
              ALIGN_RIGHT);
    if (w - col[3] - 8 >= 30) {
        draw_strip(app, node, (struct frect){x + col[3] + 8, y + 2, w - col[3] - 8, h - 4});
    }
    viz_app_hit(app, (struct frect){x, y, w, h}, SEL_NODE, node);
}

void render_clocks(struct viz_app *app) {
    struct viz_model *m = &app->model;
    struct fonts *fo = &app->fonts;
    float s = app->lay.scale;
    char t[40];
    fmt_time(m->now_ns, t, sizeof t);
    struct frect c = render_panel(app, app->lay.clocks, "Clocks");
    float tx = app->lay.clocks.x + 10 * s + (float)text_width(fo, FONT_BOLD, "Clocks  ");
    tx += (float)text_draw(fo, &app->draw, FONT_SMALL, "true time ", tx, app->lay.clocks.y + 6 * s, COL_TEXT_DIM, ALIGN_LEFT);
    text_draw(fo, &app->draw, FONT_MONO, t, tx, app->lay.clocks.y + 5 * s, COL_TEXT, ALIGN_LEFT);
    /* Column right edges: name | wall-true | mono-true | drift | chart. */
    float cw = (float)text_width(fo, FONT_MONO, "-000.000ms");
    float col[4] = {44 * s, 44 * s + cw + 6 * s, 44 * s + 2 * cw + 14 * s, 0};
    float ppm_w = (float)text_width(fo, FONT_MONO, "+0000") + 8 * s;
    col[3] = col[2] + ppm_w;
    /* A narrow panel (projector mode in a small window) drops the
     * monotonic column (col[2] = col[1]: clock_row skips it) rather than
     * cut the drift off at the edge. */
    if (col[3] > c.w) {
        col[2] = col[1];
        col[3] = col[1] + ppm_w;
    }
    float hy = c.y;
    text_draw(fo, &app->draw, FONT_SMALL, "wall-true", c.x + col[1], hy, COL_ORANGE, ALIGN_RIGHT);
    if (col[2] > col[1]) text_draw(fo, &app->draw, FONT_SMALL, "mono-true", c.x + col[2], hy, COL_SKY, ALIGN_RIGHT);
    text_draw(fo, &app->draw, FONT_SMALL, "ppm", c.x + col[3], hy, COL_TEXT_DIM, ALIGN_RIGHT);
    text_draw_fit(fo, &app->draw, FONT_SMALL, "over the run (log scale)", c.x + col[3] + 8 * s, hy,
                  c.w - col[3] - 8 * s, COL_TEXT_DIM);
    float top = hy + (float)fo->height[FONT_SMALL] + 3 * s;
    int32_t n = m->scenario->nodes_count;
    float row_h = (float)fo->height[FONT_MONO] + 10 * s;
    float roomy = (c.y + c.h - top) / (float)(n > 0 ? n : 1);
    if (roomy > row_h) row_h = roomy < 46 * s ? roomy : 46 * s; /* taller strips when there is room */
    int32_t fit = (int32_t)((c.y + c.h - top) / row_h);
    if (fit < 1) return;
    int32_t first = app->sel == SEL_NODE && app->sel_index >= fit ? app->sel_index - fit + 1 : 0;
    int32_t shown = n - first < fit ? n - first : fit;
    if (shown < n - first && shown > 1) shown--; /* room for the "more" line */
    for (int32_t i = 0; i < shown; i++) {
        clock_row(app, first + i, c.x, top + (float)i * row_h, c.w, row_h - 2 * s, col);
    }
    if (first + shown < n) {
        char more[64];
        snprintf(more, sizeof more, "... %d more (select a node to see its clock)",
                 n - first - shown);
        text_draw(fo, &app->draw, FONT_SMALL, more, c.x, top + (float)shown * row_h + 2 * s,
                  COL_TEXT_DIM, ALIGN_LEFT);
    }
}
