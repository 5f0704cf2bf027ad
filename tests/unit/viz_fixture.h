/* viz_fixture.h: the headless visualiser fixture shared by the test_viz_*
 * unit tests: a scenario from text, a 1280x800 software renderer on a
 * surface (SDL's dummy video driver) and a viz_app on it. Header-only
 * (each test_*.c is its own program). */
#ifndef DSLAB_TESTS_VIZ_FIXTURE_H
#define DSLAB_TESTS_VIZ_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "viz_internal.h"

struct fixture {
    struct dslab_scenario *sc;
    struct viz_options opt;
    SDL_Surface *surf;
    SDL_Renderer *ren;
    struct viz_app app;
};

/* cmocka group setup: *state = a fixture for `text` (named `name` in errors). */
static inline int viz_fixture_setup(void **state, const char *text, const char *name) {
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    struct dslab_diag d;
    dslab_diag_clear(&d);
    f->sc = dslab_scenario_load_buffer(text, strlen(text), name, NULL, 0, NULL, &d);
    if (!f->sc) fail_msg("%s", d.message);
    SDL_setenv("SDL_VIDEODRIVER", "dummy", 1);
    assert_int_equal(SDL_Init(0), 0);
    f->surf = SDL_CreateRGBSurfaceWithFormat(0, 1280, 800, 32, SDL_PIXELFORMAT_ARGB8888);
    f->ren = SDL_CreateSoftwareRenderer(f->surf);
    assert_non_null(f->ren);
    f->opt.scenario = f->sc;
    f->opt.seed = f->sc->seed;
    f->opt.width = 1280;
    f->opt.height = 800;
    if (viz_app_init(&f->app, &f->opt, f->ren, &d) != 0) fail_msg("%s", d.message);
    *state = f;
    return 0;
}

static inline int viz_fixture_teardown(void **state) {
    struct fixture *f = *state;
    viz_app_deinit(&f->app);
    SDL_DestroyRenderer(f->ren);
    SDL_FreeSurface(f->surf);
    dslab_scenario_free(f->sc);
    TTF_Quit();
    SDL_Quit();
    free(f);
    return 0;
}

/* The RGB of one rendered pixel. */
static inline uint32_t pixel(struct fixture *f, float x, float y) {
    uint32_t p = 0;
    SDL_Rect r = {(int)x, (int)y, 1, 1};
    SDL_RenderReadPixels(f->ren, &r, SDL_PIXELFORMAT_ARGB8888, &p, 4);
    return p & 0xffffff;
}

#endif
