/* viz_render_history.c: client operations as bars from invoke to
 * completion, on the same time axis as the space-time diagram above.
 *
 *   ok       solid blue bar
 *   fail     orange outline, hatched (it certainly did not happen)
 *   info     grey, open-ended fade with "?" (it may have happened)
 *   pending  dashed outline up to now
 * Operations cited as evidence by a checker get a red outline; the selected
 * violation's evidence is linked by red lines to its events. */
#include "viz_internal.h"

#include <stdio.h>
#include <string.h>

#include "dslab/time.h"

static void op_label(const struct rec_op *o, char *buf, size_t size) {
    const char *fn = dslab_op_fn_name((enum dslab_op_fn)o->fn);
    char k[24];
    snprintf(k, sizeof k, "k%lld", (long long)o->key);
    if (o->fn == DSLAB_OP_READ) {
        if (o->result == DSLAB_OP_OK && o->out_value != DSLAB_HISTORY_NIL)
            snprintf(buf, size, "r %s=%lld", k, (long long)o->out_value);
        else if (o->result == DSLAB_OP_OK)
            snprintf(buf, size, "r %s=nil", k);
        else
            snprintf(buf, size, "r %s", k);
    } else if (o->fn == DSLAB_OP_WRITE) {
        snprintf(buf, size, "w %s=%lld", k, (long long)o->value);
    } else if (o->fn == DSLAB_OP_CAS) {
        snprintf(buf, size, "cas %s %lld->%lld", k, (long long)o->expected, (long long)o->value);
    } else {
        snprintf(buf, size, "%s %s", fn, k);
    }
}

static void draw_op(struct viz_app *app, struct frect c, float y, float h, int32_t i) {
    const struct recording *r = &app->model.rec;
    const struct rec_op *o = &r->ops[i];
    struct draw *d = &app->draw;
    float s = app->lay.scale;
    int64_t now = app->model.now_ns;
    bool complete = o->complete_ev >= 0 && o->complete_ev < app->model.ev_count;
    int64_t end = complete ? o->complete_ns : now;
    float xa = st_time_to_x(app, c, o->invoke_ns), xb = st_time_to_x(app, c, end);
    float left = c.x + 58 * s;
    if (xb < left || xa > c.x + c.w) return;
    if (xa < left) xa = left;
    if (xb > c.x + c.w) xb = c.x + c.w;
    if (xb - xa < 2) xb = xa + 2;
    bool sel = app->sel == SEL_OP && app->sel_index == i;
    bool bad = complete && rec_op_cited_by_begun(r, i, now);
    if (!complete) {
        draw_rect(d, xa, y, xb - xa, h, RGBA(0x56B4E9, 50));
        draw_dashed(d, xa, y, xb, y, 1, 3 * s, COL_SKY);
        draw_dashed(d, xa, y + h, xb, y + h, 1, 3 * s, COL_SKY);
    } else if (o->result == DSLAB_OP_OK) {
        draw_rect(d, xa, y, xb - xa, h, RGBA(0x0072B2, 255));
    } else if (o->result == DSLAB_OP_FAIL) {
        draw_rect(d, xa, y, xb - xa, h, RGBA(0xE69F00, 60));
        draw_hatch(d, xa, y, xb - xa, h, 5 * s, RGBA(0xE69F00, 200));
        draw_rect_outline(d, xa, y, xb - xa, h, 1.2f * s, COL_ORANGE);
    } else { /* info: indeterminate */
        draw_rect(d, xa, y, (xb - xa) * 0.6f, h, RGBA(0x8a8f9c, 200));
        draw_rect(d, xa + (xb - xa) * 0.6f, y, (xb - xa) * 0.4f, h, RGBA(0x8a8f9c, 90));
        if (xb - xa > 10 * s) {
            text_draw(&app->fonts, d, FONT_SMALL, "?", xb - 2 * s, y + h / 2 - (float)app->fonts.height[FONT_SMALL] / 2, COL_TEXT, ALIGN_RIGHT);
        }
    }
    if (bad) draw_rect_outline(d, xa - 1, y - 1, xb - xa + 2, h + 2, 2 * s, COL_RED);
    if (sel) draw_rect_outline(d, xa - 2, y - 2, xb - xa + 4, h + 4, 2 * s, COL_SELECT);
    char label[64];
    op_label(o, label, sizeof label);
    /* An indeterminate op's "?" sits at its right end: the label stops short of it. */
    float label_room = xb - xa - 6 * s;
    if (complete && o->result != DSLAB_OP_OK && o->result != DSLAB_OP_FAIL && xb - xa > 10 * s) {
        label_room -= (float)text_width(&app->fonts, FONT_SMALL, "?") + 4 * s;
    }
    if (xb - xa > 40 * s && label_room > 0 && h >= (float)app->fonts.height[FONT_SMALL] - 2) {
        text_draw_fit(&app->fonts, d, FONT_SMALL, label, xa + 3 * s,
                      y + h / 2 - (float)app->fonts.height[FONT_SMALL] / 2, label_room, COL_TEXT);
    }
    viz_app_hit(app, (struct frect){xa, y, xb - xa, h}, SEL_OP, i);
}

void render_history(struct viz_app *app) {
    struct viz_model *m = &app->model;
    const struct recording *r = &m->rec;
    float s = app->lay.scale;
    char title[96];
    snprintf(title, sizeof title, "History  (%d clients, %d ops)", r->clients_count, r->ops_count);
    struct frect c = render_panel(app, app->lay.history, title);
    viz_clip(app, app->lay.history);
    if (r->clients_count == 0) {
        text_draw(&app->fonts, &app->draw, FONT_SMALL, "no client workload in this scenario", c.x,
                  c.y + 4 * s, COL_TEXT_DIM, ALIGN_LEFT);
        viz_clip(app, (struct frect){0, 0, 0, 0});
        return;
    }
    float row_h = c.h / (float)r->clients_count;
    if (row_h > 22 * s) row_h = 22 * s;
    int32_t rows = (int32_t)(c.h / row_h);
    if (row_h < 3) {
        row_h = 3;
        rows = (int32_t)(c.h / row_h);
    }
    for (int32_t k = 0; k < rows && k < r->clients_count; k++) {
        float y = c.y + (float)k * row_h;
        if (row_h >= (float)app->fonts.height[FONT_SMALL]) {
            char name[16];
            snprintf(name, sizeof name, "c%d", k);
            text_draw(&app->fonts, &app->draw, FONT_SMALL, name, c.x, y + row_h / 2 - (float)app->fonts.height[FONT_SMALL] / 2, COL_TEXT_DIM, ALIGN_LEFT);
        }
        draw_line(&app->draw, c.x + 58 * s, y + row_h / 2, c.x + c.w, y + row_h / 2, 1, COL_GRID);
    }
    int64_t t_left = st_x_to_time(app, c, c.x + 58 * s);
    int64_t t_right = st_x_to_time(app, c, c.x + c.w);
    /* Ops are in invoke order; a long one may start far left: scan from a
     * generous margin (client timeout) before the window. */
    int64_t back = m->scenario->workload.timeout_ns > 0 ? m->scenario->workload.timeout_ns : DSLAB_NS_PER_S;
    for (int32_t i = rec_first_op_invoked_at(r, t_left - back); i < r->ops_count; i++) {
        const struct rec_op *o = &r->ops[i];
        if (o->invoke_ns > t_right || o->invoke_ev >= m->ev_count) break;
        if (o->client >= rows) continue;
        draw_op(app, c, c.y + (float)o->client * row_h + row_h * 0.15f, row_h * 0.7f, i);
    }
    float nx = st_time_to_x(app, c, m->now_ns);
    if (nx >= c.x + 58 * s && nx <= c.x + c.w) {
        draw_line(&app->draw, nx, c.y, nx, c.y + c.h, 1.5f * s, RGBA(0xffffff, 220));
    }
    viz_clip(app, (struct frect){0, 0, 0, 0});
}
