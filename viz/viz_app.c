/* viz_app.c: the visualiser application: state, frame composition, the
 * window event loop and the headless entry points.
 *
 * One frame = clear, each view in turn (they register clickable regions in
 * app->hits as they draw), overlays, flush. The same code draws into a
 * window or into an SDL_Surface through the software renderer (headless),
 * so a PNG shows exactly what a person sees. */
#include "viz_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dslab/time.h"

const double viz_speeds[] = {0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};
const int viz_speeds_count = (int)(sizeof viz_speeds / sizeof viz_speeds[0]);

static int default_speed_index(const struct dslab_scenario *s) {
    /* A typical message should take about a quarter of a second on screen. */
    double mean_s = (double)dslab_latency_mean_ns(&s->network.link.latency) / 1e9;
    double want = mean_s / 0.25;
    int best = 0;
    for (int i = 0; i < viz_speeds_count; i++) {
        if (viz_speeds[i] <= want) best = i;
    }
    if (viz_speeds[best] > 1.0) best = 6;
    return best;
}

static int64_t default_window_ns(const struct dslab_scenario *s) {
    int64_t mean = dslab_latency_mean_ns(&s->network.link.latency);
    int64_t w = mean * 60;
    if (w < 100 * DSLAB_NS_PER_MS) w = 100 * DSLAB_NS_PER_MS;
    if (w > s->duration_ns) w = s->duration_ns;
    return w > 0 ? w : DSLAB_NS_PER_S;
}

int viz_app_init(struct viz_app *app, const struct viz_options *opt, SDL_Renderer *ren,
                 struct dslab_diag *diag) {
    memset(app, 0, sizeof *app);
    app->opt = opt;
    app->ren = ren;
    app->projector = opt->projector;
    app->dpi_scale = 1.0f;
    app->sel = SEL_NONE;
    app->sel_index = -1;
    app->drag_from = -1;
    app->st_follow = true;
    if (viz_model_init(&app->model, opt->scenario, opt->seed, diag) != 0) {
        return -1;
    }
    app->speed_index = default_speed_index(opt->scenario);
    if (opt->speed > 0) {
        for (int i = 0; i < viz_speeds_count; i++) {
            if (viz_speeds[i] <= opt->speed * 1.0001) app->speed_index = i;
        }
    }
    app->st_window_ns = default_window_ns(opt->scenario);
    /* Dense runs: a window of about 400 messages stays readable. */
    const struct recording *r = &app->model.rec;
    if (r->end_ns > 0 && r->msgs_count > 0) {
        double per_ns = (double)r->msgs_count / (double)r->end_ns;
        if (per_ns * (double)app->st_window_ns > 400) {
            app->st_window_ns = (int64_t)(400 / per_ns);
            if (app->st_window_ns < 100 * DSLAB_NS_PER_US) app->st_window_ns = 100 * DSLAB_NS_PER_US;
        }
    }
    draw_init(&app->draw, ren);
    SDL_SetRenderDrawBlendMode(ren, SDL_BLENDMODE_BLEND);
    int w = 0, h = 0;
    SDL_GetRendererOutputSize(ren, &w, &h);
    float scale = app->projector ? 1.45f : 1.0f;
    if (fonts_init(&app->fonts, ren, scale, diag) != 0) {
        viz_model_deinit(&app->model);
        draw_deinit(&app->draw);
        return -1;
    }
    layout_compute(&app->lay, w, h, scale, app->projector);
    for (int i = 0; i < opt->actions_count; i++) {
        viz_app_seek(app, opt->actions[i].at_ns);
        if (viz_session_apply(app, &opt->actions[i], diag) != 0) {
            viz_app_deinit(app);
            return -1;
        }
    }
    viz_app_seek(app, opt->start_ns);
    app->help = opt->show_help;
    if (opt->select_node) {
        int32_t n = dslab_scenario_node_index(opt->scenario, opt->select_node);
        if (n < 0) {
            int rc = dslab_diag_set(diag, "", 0, 0, "--select: unknown node '%s'", opt->select_node);
            viz_app_deinit(app);
            return rc;
        }
        app->sel = SEL_NODE;
        app->sel_index = n;
    }
    return 0;
}

void viz_app_deinit(struct viz_app *app) {
    viz_chrome_drop(app);
    fonts_deinit(&app->fonts);
    draw_deinit(&app->draw);
    viz_model_deinit(&app->model);
    free(app->hits);
    app->hits = NULL;
}

void viz_app_relayout(struct viz_app *app, int width, int height) {
    float scale = app->dpi_scale * (app->projector ? 1.45f : 1.0f);
    if (scale != app->lay.scale) {
        struct dslab_diag d;
        fonts_deinit(&app->fonts);
        if (fonts_init(&app->fonts, app->ren, scale, &d) != 0) {
            app->quit = true;
            return;
        }
    }
    layout_compute(&app->lay, width, height, scale, app->projector);
}

void viz_app_toast(struct viz_app *app, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(app->toast, sizeof app->toast, fmt, ap);
    va_end(ap);
    app->toast_until_ms = SDL_GetTicks() + 3500;
}

void viz_app_hit(struct viz_app *app, struct frect r, enum sel_kind kind, int32_t index) {
    struct hit *h = VIZ_PUSH(app->hits, app->hits_count, app->hits_cap);
    h->r = r;
    h->kind = (uint8_t)kind;
    h->index = index;
}

void viz_app_seek(struct viz_app *app, int64_t t_ns) {
    viz_model_seek(&app->model, t_ns);
    app->narration_seen = app->model.ev_count;
}

void viz_app_seek_event(struct viz_app *app, int32_t ev_count) {
    viz_model_seek_event(&app->model, ev_count);
    app->narration_seen = app->model.ev_count;
}

static void render_toast(struct viz_app *app) {
    if (!app->toast[0] || SDL_GetTicks() > app->toast_until_ms) {
        return;
    }
    float s = app->lay.scale;
    int w = text_width(&app->fonts, FONT_BOLD, app->toast);
    float x = (float)app->lay.width / 2 - (float)w / 2 - 14 * s;
    float y = app->lay.timeline.y - 44 * s;
    draw_round_rect(&app->draw, x, y, (float)w + 28 * s, 32 * s, 8 * s, RGBA(0x0b0d12, 230));
    draw_rect(&app->draw, x, y + 6 * s, 4 * s, 20 * s, COL_ORANGE);
    text_draw(&app->fonts, &app->draw, FONT_BOLD, app->toast, x + 14 * s,
              y + 16 * s - (float)app->fonts.height[FONT_BOLD] / 2, COL_TEXT, ALIGN_LEFT);
}

void viz_app_render(struct viz_app *app) {
    app->hits_count = 0;
    fonts_boxes_clear(&app->fonts);
    viz_chrome_begin(app);
    render_timeline(app);
    render_cluster(app);
    render_clocks(app);
    render_spacetime(app);
    render_history(app);
    render_inspector(app);
    render_banner(app);
    render_toast(app);
    if (app->help) {
        render_help(app);
    }
    draw_flush(&app->draw);
}

/* ---- headless ----------------------------------------------------------- */
static int headless_renderer(const struct viz_options *opt, SDL_Surface **surf,
                             SDL_Renderer **ren, struct dslab_diag *diag) {
    if (!getenv("SDL_VIDEODRIVER")) {
        SDL_setenv("SDL_VIDEODRIVER", "dummy", 1);
    }
    if (SDL_Init(0) != 0) {
        return dslab_diag_set(diag, "", 0, 0, "cannot start SDL: %s", SDL_GetError());
    }
    *surf = SDL_CreateRGBSurfaceWithFormat(0, opt->width, opt->height, 32,
                                           SDL_PIXELFORMAT_ARGB8888);
    if (!*surf) {
        return dslab_diag_set(diag, "", 0, 0, "cannot make a %dx%d frame: %s", opt->width,
                        opt->height, SDL_GetError());
    }
    *ren = SDL_CreateSoftwareRenderer(*surf);
    if (!*ren) {
        SDL_FreeSurface(*surf);
        return dslab_diag_set(diag, "", 0, 0, "cannot make a software renderer: %s", SDL_GetError());
    }
    return 0;
}

static int render_frames(struct viz_app *app, const struct viz_options *opt, struct dslab_diag *diag) {
    if (mkdir(opt->frames_dir, 0777) != 0) {
        struct stat st;
        if (stat(opt->frames_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
            return dslab_diag_set(diag, opt->frames_dir, 0, 0, "cannot make the frames directory");
        }
    }
    int64_t until = opt->until_ns >= 0 ? opt->until_ns : app->model.rec.end_ns;
    int fps = opt->fps > 0 ? opt->fps : 25;
    double speed = viz_speeds[app->speed_index];
    int64_t step_ns = (int64_t)(speed * 1e9 / fps);
    if (step_ns < 1) step_ns = 1;
    int64_t frames = (until - opt->start_ns) / step_ns + 1;
    if (frames > 100000) {
        return dslab_diag_set(diag, "", 0, 0, "%lld frames is too many: raise the speed or shorten --until",
                        (long long)frames);
    }
    for (int64_t i = 0; i < frames; i++) {
        viz_app_seek(app, opt->start_ns + i * step_ns);
        viz_app_render(app);
        char path[1200];
        snprintf(path, sizeof path, "%s/frame_%05lld.png", opt->frames_dir, (long long)i);
        if (viz_png_save(app->ren, opt->width, opt->height, path, diag) != 0) {
            return -1;
        }
    }
    return 0;
}

static int finish_session(struct viz_app *app, const struct viz_options *opt, struct dslab_diag *diag) {
    if (opt->save_session_path && viz_model_save(&app->model, opt->save_session_path, diag) != 0) {
        return -1;
    }
    if (opt->trace_path && viz_model_write_trace(&app->model, opt->trace_path, diag) != 0) {
        return -1;
    }
    return 0;
}

/* A headless app: its renderer on a software surface and a zeroed
 * struct viz_app (not yet initialised). Returns the app (the caller
 * initialises it, then calls headless_close), or NULL with diag set. */
struct headless {
    SDL_Surface *surf;
    SDL_Renderer *ren;
};

static struct viz_app *headless_open(const struct viz_options *opt, struct headless *h, struct dslab_diag *diag) {
    h->surf = NULL;
    h->ren = NULL;
    if (headless_renderer(opt, &h->surf, &h->ren, diag) != 0) {
        SDL_Quit();
        return NULL;
    }
    struct viz_app *app = calloc(1, sizeof *app);
    if (!app) abort();
    return app;
}

/* Frees what headless_open made and shuts SDL down (the app is deinit'ed
 * by the caller if its init succeeded). */
static void headless_close(struct headless *h, struct viz_app *app) {
    free(app);
    SDL_DestroyRenderer(h->ren);
    SDL_FreeSurface(h->surf);
    TTF_Quit();
    SDL_Quit();
}

int viz_render_headless(const struct viz_options *opt, struct dslab_diag *diag) {
    struct headless h;
    struct viz_app *app = headless_open(opt, &h, diag);
    if (!app) return -1;
    int rc = viz_app_init(app, opt, h.ren, diag);
    if (rc == 0) {
        app->toast[0] = '\0'; /* no pop-ups in rendered frames */
        if (opt->png_path) {
            viz_app_seek(app, opt->at_ns);
            viz_app_render(app);
            rc = viz_png_save(h.ren, opt->width, opt->height, opt->png_path, diag);
        }
        if (rc == 0 && opt->frames_dir) {
            rc = render_frames(app, opt, diag);
        }
        if (rc == 0) {
            rc = finish_session(app, opt, diag);
        }
        viz_app_deinit(app);
    }
    headless_close(&h, app);
    return rc;
}

int viz_node_positions(const struct viz_options *opt, float *xy, int max, struct dslab_diag *diag) {
    struct headless h;
    struct viz_app *app = headless_open(opt, &h, diag);
    if (!app) return -1;
    int n = -1;
    if (viz_app_init(app, opt, h.ren, diag) == 0) {
        n = app->model.scenario->nodes_count;
        for (int i = 0; i < n && i < max; i++) {
            float r;
            cluster_node_pos(app, i, &xy[2 * i], &xy[2 * i + 1], &r);
        }
        viz_app_deinit(app);
    }
    headless_close(&h, app);
    return n;
}

/* ---- window ------------------------------------------------------------- */
static void update_dpi(struct viz_app *app) {
    int ww = 0, wh = 0, ow = 0, oh = 0;
    SDL_GetWindowSize(app->win, &ww, &wh);
    SDL_GetRendererOutputSize(app->ren, &ow, &oh);
    app->dpi_scale = ww > 0 ? (float)ow / (float)ww : 1.0f;
    if (app->dpi_scale < 1.0f) app->dpi_scale = 1.0f;
    viz_app_relayout(app, ow, oh);
}

static void window_loop(struct viz_app *app, const struct viz_options *opt) {
    uint64_t last = SDL_GetTicks64();
    uint64_t start = last;
    app->playing = opt->start_playing;
    while (!app->quit) {
        SDL_Event ev;
        bool had_event = false;
        while (SDL_PollEvent(&ev)) {
            had_event = true;
            if (ev.type == SDL_WINDOWEVENT && ev.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
                update_dpi(app);
            }
            if (ev.type == SDL_RENDER_TARGETS_RESET || ev.type == SDL_RENDER_DEVICE_RESET) {
                viz_chrome_drop(app); /* its pixels are gone: remade next frame */
            }
            viz_input_event(app, &ev);
        }
        uint64_t now = SDL_GetTicks64();
        if (app->playing) {
            viz_playback_tick(app, (double)(now - last) / 1000.0);
        }
        last = now;
        viz_app_render(app);
        SDL_RenderPresent(app->ren);
        if (opt->quit_after_ms > 0 && now - start > (uint64_t)opt->quit_after_ms) {
            app->quit = true;
        }
        if (!app->playing && !had_event && !app->dragging) {
            SDL_WaitEventTimeout(NULL, 100);
        } else {
            SDL_Delay(8);
        }
    }
}

int viz_run_window(const struct viz_options *opt, struct viz_result *res, struct dslab_diag *diag) {
    /* Without a display SDL may pick a driver with no screen (offscreen,
     * a console framebuffer) and the window would run where nobody sees
     * it: refuse, unless SDL_VIDEODRIVER asks for that on purpose. */
    const char *asked = getenv("SDL_VIDEODRIVER");
    bool has_display = getenv("DISPLAY") || getenv("WAYLAND_DISPLAY");
#if defined(__APPLE__) || defined(_WIN32)
    has_display = true;
#endif
    if (!asked && !has_display) {
        return dslab_diag_set(diag, "", 0, 0,
                        "no display (DISPLAY is not set): use --png FILE --at TIME or --frames DIR "
                        "for pictures without one, or run under xvfb-run");
    }
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        return dslab_diag_set(diag, "", 0, 0,
                        "cannot open a window: %s (no display? use --png for headless frames)",
                        SDL_GetError());
    }
    const char *drv = SDL_GetCurrentVideoDriver();
    if (!asked && drv && (strcmp(drv, "offscreen") == 0 || strcmp(drv, "dummy") == 0)) {
        SDL_Quit();
        return dslab_diag_set(diag, "", 0, 0, "no display (SDL chose the '%s' video driver): use --png "
                        "or --frames for pictures without one", drv);
    }
    char title[160];
    snprintf(title, sizeof title, "dslab viz: %s", opt->scenario->name);
    SDL_Window *win = SDL_CreateWindow(title, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                                       opt->width, opt->height,
                                       SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    if (!win) {
        int rc = dslab_diag_set(diag, "", 0, 0, "cannot open a window: %s", SDL_GetError());
        SDL_Quit();
        return rc;
    }
    SDL_Renderer *ren = SDL_CreateRenderer(win, -1, 0);
    if (!ren) {
        ren = SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE);
    }
    if (!ren) {
        int rc = dslab_diag_set(diag, "", 0, 0, "cannot make a renderer: %s", SDL_GetError());
        SDL_DestroyWindow(win);
        SDL_Quit();
        return rc;
    }
    struct viz_app *app = calloc(1, sizeof *app);
    if (!app) abort();
    int rc = viz_app_init(app, opt, ren, diag);
    if (rc == 0) {
        app->win = win;
        update_dpi(app);
        if (res) {
            res->start_ns = app->model.now_ns;
            res->start_ev = viz_model_events_processed(&app->model);
            res->start_record = app->model.ev_count;
        }
        window_loop(app, opt);
        if (res) {
            res->end_ns = app->model.now_ns;
            res->end_ev = viz_model_events_processed(&app->model);
            res->end_record = app->model.ev_count;
            res->interventions = app->model.interventions_count;
        }
        rc = finish_session(app, opt, diag);
        viz_app_deinit(app);
    }
    free(app);
    SDL_DestroyRenderer(ren);
    SDL_DestroyWindow(win);
    TTF_Quit();
    SDL_Quit();
    return rc;
}
