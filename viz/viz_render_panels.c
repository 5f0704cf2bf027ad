/* viz_render_panels.c: panel frames, the banner (scenario, time, playback,
 * narration) and the help overlay that lists every key.
 *
 * Static layer: the background and panel fills do not change between
 * frames, so they are drawn once per layout into a target texture and each
 * frame starts by copying it (about 1 ms of rectangle fills saved per frame
 * on the software renderer); views then skip their panel fill.
 *
 * Narration: the latest entry at or before the displayed time is shown in
 * the banner; an entry with `pause: true` stops playback when reached
 * (viz_input.c) and the banner then asks "what happens next?". */
#include "viz_internal.h"

#include <stdio.h>
#include <string.h>

#include "dslab/time.h"

void viz_clip(struct viz_app *app, struct frect r) {
    draw_flush(&app->draw);
    if (r.w <= 0 || r.h <= 0) {
        SDL_RenderSetClipRect(app->ren, NULL);
        return;
    }
    SDL_Rect c = {(int)r.x, (int)r.y, (int)(r.w + 0.5f), (int)(r.h + 0.5f)};
    SDL_RenderSetClipRect(app->ren, &c);
}

/* The static layer: background and the fills of every panel. Panels do not
 * overlap and are drawn before their contents, so drawing them all first
 * gives the same picture as drawing each one as its view starts. */
static void chrome_draw(struct viz_app *app) {
    const struct layout *l = &app->lay;
    float r = 6 * l->scale;
    const struct frect p[] = {l->timeline, l->cluster, l->clocks,
                              l->spacetime, l->history, l->inspector};
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++) {
        draw_round_rect(&app->draw, p[i].x, p[i].y, p[i].w, p[i].h, r, COL_PANEL);
    }
    draw_flush(&app->draw);
}

static bool chrome_fresh(const struct viz_app *app) {
    const struct layout *a = &app->lay, *b = &app->chrome_lay;
    return app->chrome && a->width == b->width && a->height == b->height &&
           a->scale == b->scale && a->projector == b->projector;
}

static void chrome_make(struct viz_app *app) {
    viz_chrome_drop(app);
    if (!SDL_RenderTargetSupported(app->ren) || app->lay.width <= 0 || app->lay.height <= 0) {
        return;
    }
    SDL_Texture *t = SDL_CreateTexture(app->ren, SDL_PIXELFORMAT_ARGB8888,
                                       SDL_TEXTUREACCESS_TARGET, app->lay.width, app->lay.height);
    if (!t) {
        return;
    }
    if (SDL_SetRenderTarget(app->ren, t) != 0) {
        SDL_DestroyTexture(t);
        return;
    }
    SDL_RenderSetClipRect(app->ren, NULL);
    SDL_SetRenderDrawColor(app->ren, COL_BG.r, COL_BG.g, COL_BG.b, 255);
    SDL_RenderClear(app->ren);
    chrome_draw(app);
    SDL_SetRenderTarget(app->ren, NULL);
    SDL_SetTextureBlendMode(t, SDL_BLENDMODE_NONE);
    app->chrome = t;
    app->chrome_lay = app->lay;
}

void viz_chrome_drop(struct viz_app *app) {
    if (app->chrome) {
        SDL_DestroyTexture(app->chrome);
    }
    app->chrome = NULL;
    app->chrome_on = false;
}

void viz_chrome_begin(struct viz_app *app) {
    draw_flush(&app->draw);
    SDL_RenderSetClipRect(app->ren, NULL);
    if (!chrome_fresh(app)) {
        chrome_make(app);
    }
    app->chrome_on = app->chrome && SDL_RenderCopy(app->ren, app->chrome, NULL, NULL) == 0;
    if (!app->chrome_on) {
        SDL_SetRenderDrawColor(app->ren, COL_BG.r, COL_BG.g, COL_BG.b, 255);
        SDL_RenderClear(app->ren);
    }
}

struct frect render_panel(struct viz_app *app, struct frect r, const char *title) {
    float s = app->lay.scale;
    if (!app->chrome_on) {
        draw_round_rect(&app->draw, r.x, r.y, r.w, r.h, 6 * s, COL_PANEL);
    }
    float th = (float)app->fonts.height[FONT_BOLD];
    if (title) {
        text_draw(&app->fonts, &app->draw, FONT_BOLD, title, r.x + 10 * s, r.y + 5 * s,
                  COL_TEXT_DIM, ALIGN_LEFT);
    }
    float top = title ? th + 9 * s : 6 * s;
    return (struct frect){r.x + 8 * s, r.y + top, r.w - 16 * s, r.h - top - 6 * s};
}

/* The narration entry to show now: index into rec.narration, or -1. */
static int32_t current_narration(const struct viz_app *app) {
    const struct recording *r = &app->model.rec;
    return ivec_last_before(&r->narration, app->model.ev_count);
}

static void draw_play_icon(struct viz_app *app, float x, float y, float size) {
    struct draw *d = &app->draw;
    if (app->playing) {
        draw_rect(d, x, y, size * 0.32f, size, COL_TEXT);
        draw_rect(d, x + size * 0.6f, y, size * 0.32f, size, COL_TEXT);
    } else {
        draw_triangle(d, x, y, x + size * 0.9f, y + size / 2, x, y + size, COL_TEXT);
    }
}

#define STALE_NOTE "(scripted for the original run) "
#define CONTINUE_HINT "space / click: go on"

static void render_narration(struct viz_app *app, float x, float w) {
    const struct recording *r = &app->model.rec;
    int32_t ni = current_narration(app);
    if (ni < 0) {
        return;
    }
    int32_t ei = r->narration.v[ni];
    const struct rec_event *e = &r->events[ei];
    /* After an intervention the script may describe what no longer
     * happens: it is shown greyed, after a note saying so, and never stops
     * playback (viz_input.c). */
    bool stale = viz_model_narration_stale(&app->model, ei);
    float s = app->lay.scale;
    struct frect b = app->lay.banner;
    bool hold = app->narration_hold && !stale;
    struct rgba bg = stale ? RGBA(0x22262e, 255) : hold ? RGBA(0x0a3a5c, 255) : RGBA(0x12324a, 255);
    draw_round_rect(&app->draw, x, b.y + 6 * s, w, b.h - 12 * s, 6 * s, bg);
    draw_rect(&app->draw, x, b.y + 6 * s, 5 * s, b.h - 12 * s, stale ? COL_TEXT_DIM : COL_SKY);
    float tx = x + 14 * s;
    float ty = b.y + b.h / 2 - (float)app->fonts.height[FONT_NORMAL] / 2;
    /* A stop that asks (its text has a question mark) says so; any other
     * stop only waits for the reader (a tour's step). */
    if (hold && strchr(rec_str(r, e->text_off), '?')) {
        tx += text_draw(&app->fonts, &app->draw, FONT_BOLD, "What happens next?  ", tx, ty,
                        COL_YELLOW, ALIGN_LEFT);
    }
    char text[600];
    snprintf(text, sizeof text, "%s%s", stale ? STALE_NOTE : "", rec_str(r, e->text_off));
    float hint_w = hold ? (float)text_width(&app->fonts, FONT_SMALL, CONTINUE_HINT) + 16 * s : 0;
    float max_w = x + w - tx - hint_w - 8 * s;
    /* The largest font whose lines all fit in the banner (a projector in a
     * small window: bold, then normal, then small), else small, cut. */
    const enum font_id prefer[3] = {app->projector ? FONT_BOLD : FONT_NORMAL, FONT_NORMAL, FONT_SMALL};
    float inner_h = b.h - 14 * s;
    enum font_id f = FONT_SMALL;
    int lines = 1;
    for (int k = 0; k < 3; k++) {
        int fit = (int)(inner_h / ((float)app->fonts.height[prefer[k]] + 1));
        if (fit < 1) fit = 1;
        if (fit > 3) fit = 3;
        bool complete;
        int used = text_wrap_lines(&app->fonts, prefer[k], text, max_w, fit, &complete);
        f = prefer[k];
        lines = used;
        if (complete) break;
    }
    struct rgba tc = stale ? COL_TEXT_DIM : COL_TEXT;
    float lh = (float)app->fonts.height[f] + 1;
    text_draw_wrapped(&app->fonts, &app->draw, f, text, tx, b.y + b.h / 2 - lh * (float)lines / 2, max_w,
                      lines, tc);
    if (hold) {
        text_draw(&app->fonts, &app->draw, FONT_SMALL, CONTINUE_HINT, x + w - 8 * s,
                  ty + 2 * s, COL_TEXT_DIM, ALIGN_RIGHT);
    }
}

void render_banner(struct viz_app *app) {
    float s = app->lay.scale;
    struct frect b = app->lay.banner;
    struct viz_model *m = &app->model;
    draw_rect(&app->draw, b.x, b.y, b.w, b.h, RGBA(0x12151b, 255));
    draw_rect(&app->draw, b.x, b.y + b.h - 2 * s, b.w, 2 * s, COL_PANEL_EDGE);
    float x = 12 * s;
    float mid = b.y + b.h / 2;
    const char *title = m->scenario->title && *m->scenario->title ? m->scenario->title
                                                                   : m->scenario->name;
    float title_w = b.w * 0.22f;
    text_draw_fit(&app->fonts, &app->draw, FONT_TITLE, title, x, mid - (float)app->fonts.height[FONT_TITLE] / 2 - 6 * s,
                  title_w, COL_TEXT);
    char sub[160];
    snprintf(sub, sizeof sub, "%s  seed %llu  %d nodes", m->scenario->name,
             (unsigned long long)m->seed, m->scenario->nodes_count);
    text_draw_fit(&app->fonts, &app->draw, FONT_SMALL, sub, x, mid + 4 * s, title_w, COL_TEXT_DIM);
    x += title_w + 14 * s;
    float icon = 14 * s;
    draw_play_icon(app, x, mid - icon / 2, icon);
    x += icon + 10 * s;
    char t[48], dur[48], line[128];
    fmt_time(m->now_ns, t, sizeof t);
    dslab_time_format_duration(m->rec.end_ns, dur, sizeof dur);
    snprintf(line, sizeof line, "t = %s", t);
    text_draw(&app->fonts, &app->draw, FONT_MONO, line, x, mid - (float)app->fonts.height[FONT_MONO] - 1 * s,
              COL_TEXT, ALIGN_LEFT);
    double sp = viz_speeds[app->speed_index];
    snprintf(line, sizeof line, "of %s x%g ev %lld", dur, sp, viz_model_events_processed(m));
    text_draw(&app->fonts, &app->draw, FONT_MONO, line, x, mid + 2 * s, COL_TEXT_DIM, ALIGN_LEFT);
    x += (float)text_width(&app->fonts, FONT_MONO, "of 12s x0.02 ev 100000") + 16 * s;
    float right_w = (float)text_width(&app->fonts, FONT_SMALL, "h / ?  help") + 20 * s;
    render_narration(app, x, b.w - x - right_w);
    text_draw(&app->fonts, &app->draw, FONT_SMALL, "h / ?  help", b.w - 12 * s,
              mid - (float)app->fonts.height[FONT_SMALL] / 2, COL_TEXT_DIM, ALIGN_RIGHT);
}

static const char *const help_lines[][2] = {
    {"space", "play / pause (continues past a narration stop; or click it)"},
    {"right / left", "step one event forward / back"},
    {"shift + right / left", "jump 10 events"},
    {"] / [", "faster / slower (0.01x to 1000x)"},
    {"f / F", "next / previous fault"},
    {"v / V", "next / previous violation"},
    {"n / N", "next / previous narration"},
    {"home / end", "start / end of the run"},
    {"click timeline", "seek there"},
    {"+ / -  (wheel)", "zoom the space-time diagram"},
    {"drag diagram", "pan in time (0 follows now again)"},
    {"page up / down", "scroll node lanes"},
    {"click", "select a node, message, operation or marker"},
    {"esc", "clear the selection (or close help)"},
    {"", ""},
    {"c", "crash / restart the selected node"},
    {"p", "pause the selected node for 1s"},
    {"drag node to node", "cut the link both ways (again: heal)"},
    {"shift + drag", "cut one way only"},
    {"k", "partition: next shape (isolate, majority, halves...)"},
    {"H", "heal the whole network"},
    {"j / J", "jump the selected node's clock +100ms / -100ms"},
    {"d / D", "clock drift +200ppm / -200ppm"},
    {"s", "save the session as a scenario"},
    {"P", "projector mode (large fonts)"},
    {"h or ?", "this help"},
    {"q", "quit"},
};

void render_help(struct viz_app *app) {
    float s = app->lay.scale;
    struct draw *d = &app->draw;
    draw_rect(d, 0, 0, (float)app->lay.width, (float)app->lay.height, RGBA(0x000000, 170));
    int n = (int)(sizeof help_lines / sizeof help_lines[0]);
    float line_h = (float)app->fonts.height[FONT_NORMAL] + 5 * s;
    float w = 620 * s, h = line_h * (float)n + 70 * s;
    if (w > (float)app->lay.width - 20) w = (float)app->lay.width - 20;
    float x = ((float)app->lay.width - w) / 2, y = ((float)app->lay.height - h) / 2;
    if (y < 4) y = 4;
    draw_round_rect(d, x, y, w, h, 10 * s, RGBA(0x232833, 250));
    text_draw(&app->fonts, d, FONT_TITLE, "Keys and mouse", x + 20 * s, y + 14 * s, COL_TEXT,
              ALIGN_LEFT);
    float ky = y + 48 * s;
    for (int i = 0; i < n; i++) {
        text_draw(&app->fonts, d, FONT_MONO, help_lines[i][0], x + 20 * s, ky, COL_ORANGE,
                  ALIGN_LEFT);
        text_draw(&app->fonts, d, FONT_NORMAL, help_lines[i][1], x + 200 * s, ky, COL_TEXT,
                  ALIGN_LEFT);
        ky += line_h;
    }
}
