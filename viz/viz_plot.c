/* viz_plot.c: a histogram or a CDF of durations, drawn headless with the
 * visualiser's renderer (software renderer on an offscreen surface, the
 * same fonts and palette) and saved as PNG. Used by `dslab explore --plot`.
 *
 *   title                                   caption
 *   1.0 ┤            ____----------
 *       │        ___/   p50 ¦   p99 ¦
 *   0.0 ┼───────/───────────┴───────┴──── log x: 1ms 2ms 5ms 10ms ...
 *
 * The x axis is logarithmic (durations span decades); ticks at 1, 2 and 5
 * times each power of ten. Library code: errors come back in a diag. */
#include "viz_plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/time.h"
#include "viz_internal.h"

struct plot_area {
    float x, y, w, h;    /* pixels */
    double lx0, lx1;     /* log10 of the x range (ns) */
};

static float px(const struct plot_area *a, int64_t ns) {
    double l = log10((double)(ns < 1 ? 1 : ns));
    return a->x + (float)((l - a->lx0) / (a->lx1 - a->lx0)) * a->w;
}

static float py(const struct plot_area *a, double fraction) {
    return a->y + a->h - (float)fraction * a->h;
}

static void x_ticks(struct fonts *fo, struct draw *d, const struct plot_area *a) {
    static const int mult[] = {1, 2, 5};
    int e0 = (int)floor(a->lx0), e1 = (int)ceil(a->lx1);
    float last_x = -1000;
    for (int e = e0; e <= e1; e++) {
        for (int m = 0; m < 3; m++) {
            double v = mult[m] * pow(10.0, e);
            double l = log10(v);
            if (l < a->lx0 - 1e-9 || l > a->lx1 + 1e-9) continue;
            int64_t ns = (int64_t)llround(v);
            float x = px(a, ns);
            draw_line(d, x, a->y, x, a->y + a->h, 1, m == 0 ? COL_PANEL_EDGE : COL_GRID);
            char label[32];
            dslab_time_format_human(ns, label, (int)sizeof label);
            if (x - last_x >= (float)text_width(fo, FONT_SMALL, label) + 8) {
                text_draw(fo, d, FONT_SMALL, label, x, a->y + a->h + 6, COL_TEXT_DIM, ALIGN_CENTER);
                last_x = x;
            }
        }
    }
}

static void y_ticks(struct fonts *fo, struct draw *d, const struct plot_area *a, uint64_t max_count,
                    bool cdf) {
    for (int i = 0; i <= 4; i++) {
        float y = py(a, i / 4.0);
        char label[32];
        if (cdf) snprintf(label, sizeof label, "%d%%", i * 25);
        else snprintf(label, sizeof label, "%llu", (unsigned long long)(max_count * (uint64_t)i / 4));
        draw_line(d, a->x, y, a->x + a->w, y, 1, COL_GRID);
        text_draw(fo, d, FONT_SMALL, label, a->x - 8, y - (float)fo->height[FONT_SMALL] / 2, COL_TEXT_DIM,
                  ALIGN_RIGHT);
    }
}

static void draw_histogram(struct draw *d, const struct plot_area *a, const struct viz_plot_data *p,
                           uint64_t max_count) {
    for (int i = 0; i < p->bins; i++) {
        float x0 = px(a, p->lo_ns[i]), x1 = px(a, p->hi_ns[i]);
        float y = py(a, max_count ? (double)p->counts[i] / (double)max_count : 0);
        if (x1 - x0 < 1) x1 = x0 + 1;
        draw_rect(d, x0, y, x1 - x0, a->y + a->h - y, COL_SKY);
    }
}

/* The x where the CDF reaches `fraction` (linear inside the bin). */
static int64_t quantile_ns(const struct viz_plot_data *p, uint64_t total, double fraction) {
    uint64_t seen = 0;
    for (int i = 0; i < p->bins; i++) {
        if ((double)(seen + p->counts[i]) >= fraction * (double)total) {
            double inside = p->counts[i] ? (fraction * (double)total - (double)seen) / (double)p->counts[i] : 0;
            return p->lo_ns[i] + (int64_t)(inside * (double)(p->hi_ns[i] - p->lo_ns[i]));
        }
        seen += p->counts[i];
    }
    return p->hi_ns[p->bins - 1];
}

static void draw_cdf(struct fonts *fo, struct draw *d, const struct plot_area *a,
                     const struct viz_plot_data *p, uint64_t total) {
    uint64_t seen = 0;
    float x_prev = px(a, p->lo_ns[0]), y_prev = py(a, 0);
    for (int i = 0; i < p->bins; i++) {
        seen += p->counts[i];
        float x0 = px(a, p->lo_ns[i]), x1 = px(a, p->hi_ns[i]);
        float y1 = py(a, (double)seen / (double)total);
        draw_line(d, x_prev, y_prev, x0, y_prev, 2, COL_ORANGE);
        draw_line(d, x0, y_prev, x1, y1, 2, COL_ORANGE);
        x_prev = x1;
        y_prev = y1;
    }
    draw_line(d, x_prev, y_prev, a->x + a->w, y_prev, 2, COL_ORANGE);
    static const double marks[] = {0.5, 0.99};
    static const char *const names[] = {"p50", "p99"};
    for (int m = 0; m < 2; m++) {
        int64_t q = quantile_ns(p, total, marks[m]);
        float x = px(a, q);
        draw_dashed(d, x, a->y, x, a->y + a->h, 1, 4, COL_TEXT_DIM);
        char label[48], t[32];
        snprintf(label, sizeof label, "%s %s", names[m], dslab_time_format_human(q, t, (int)sizeof t));
        text_draw(fo, d, FONT_SMALL, label, x + 4, a->y + 4 + (float)m * (float)fo->height[FONT_SMALL],
                  COL_TEXT, ALIGN_LEFT);
    }
}

static const double tick_logs[] = {0.0, 0.30103, 0.69897, 1.0}; /* log10 of 1, 2, 5, 10 */

static double tick_at_or_below(double l) {
    double e = floor(l);
    double best = e;
    for (int i = 0; i < 4; i++) {
        if (e + tick_logs[i] <= l + 1e-9) best = e + tick_logs[i];
    }
    return best;
}

static double tick_at_or_above(double l) {
    double e = floor(l);
    for (int i = 0; i < 4; i++) {
        if (e + tick_logs[i] >= l - 1e-9) return e + tick_logs[i];
    }
    return e + 1;
}

static void render(struct fonts *fo, struct draw *d, const struct viz_plot_data *p,
                   enum viz_plot_kind kind, int width, int height) {
    uint64_t total = 0, max_count = 0;
    for (int i = 0; i < p->bins; i++) {
        total += p->counts[i];
        if (p->counts[i] > max_count) max_count = p->counts[i];
    }
    max_count = (max_count + 3) / 4 * 4; /* the four y ticks land on whole counts */
    draw_rect(d, 0, 0, (float)width, (float)height, COL_BG);
    struct plot_area a = {78, 64, (float)width - 78 - 28, (float)height - 64 - 52, 0, 1};
    /* From the 1-2-5 tick at or below the first bin to the one at or
     * above the last, so both ends carry a label. */
    a.lx0 = tick_at_or_below(log10((double)(p->lo_ns[0] < 1 ? 1 : p->lo_ns[0])));
    a.lx1 = tick_at_or_above(log10((double)(p->hi_ns[p->bins - 1] < 2 ? 2 : p->hi_ns[p->bins - 1])));
    if (a.lx1 - a.lx0 < 0.3) a.lx1 = a.lx0 + 0.3; /* at least a factor of 2 wide */
    draw_rect(d, a.x, a.y, a.w, a.h, COL_PANEL);
    x_ticks(fo, d, &a);
    y_ticks(fo, d, &a, max_count, kind == VIZ_PLOT_CDF);
    if (kind == VIZ_PLOT_CDF) draw_cdf(fo, d, &a, p, total);
    else draw_histogram(d, &a, p, max_count);
    draw_rect_outline(d, a.x, a.y, a.w, a.h, 1, COL_PANEL_EDGE);
    char title[200];
    snprintf(title, sizeof title, "%s: %s", p->title ? p->title : "",
             kind == VIZ_PLOT_CDF ? "CDF" : "histogram");
    text_draw(fo, d, FONT_TITLE, title, a.x, 14, COL_TEXT, ALIGN_LEFT);
    if (p->caption) text_draw(fo, d, FONT_SMALL, p->caption, a.x, 14 + (float)fo->height[FONT_TITLE], COL_TEXT_DIM, ALIGN_LEFT);
    text_draw(fo, d, FONT_SMALL, kind == VIZ_PLOT_CDF ? "fraction of samples at or below" : "samples",
              a.x + a.w, 14 + (float)fo->height[FONT_TITLE], COL_TEXT_DIM, ALIGN_RIGHT);
    draw_flush(d);
}

int viz_plot_png(const struct viz_plot_data *data, enum viz_plot_kind kind, int width, int height,
                 const char *path, struct dslab_diag *diag) {
    if (data->bins < 1) return dslab_diag_set(diag, path, 0, 0, "nothing to plot: no samples");
    if (!getenv("SDL_VIDEODRIVER")) SDL_setenv("SDL_VIDEODRIVER", "dummy", 1);
    if (SDL_Init(0) != 0) return dslab_diag_set(diag, "", 0, 0, "cannot start SDL: %s", SDL_GetError());
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *ren = surf ? SDL_CreateSoftwareRenderer(surf) : NULL;
    int rc = 0;
    if (!ren) {
        rc = dslab_diag_set(diag, "", 0, 0, "cannot make a %dx%d software renderer: %s", width, height,
                      SDL_GetError());
    } else {
        struct fonts *fo = calloc(1, sizeof *fo);
        struct draw d;
        draw_init(&d, ren);
        if (!fo) {
            rc = dslab_diag_set(diag, "", 0, 0, "out of memory");
        } else if (fonts_init(fo, ren, 1.0f, diag) == 0) {
            render(fo, &d, data, kind, width, height);
            rc = viz_png_save(ren, width, height, path, diag);
            fonts_deinit(fo);
        } else {
            rc = -1;
        }
        free(fo);
        draw_deinit(&d);
        SDL_DestroyRenderer(ren);
    }
    if (surf) SDL_FreeSurface(surf);
    TTF_Quit();
    SDL_Quit();
    return rc;
}
