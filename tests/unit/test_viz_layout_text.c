/* test_viz_layout_text.c: the visualiser is readable on a projector:
 * every piece of text a frame draws is recorded (fonts.record_boxes,
 * viz/viz_font.c) and no two boxes may overlap, none may stick out of the
 * window, none may be cut by the clip rectangle of the view it is drawn
 * in. Frames: 3, 4, 5 and 7 nodes, long node names, a protocol with long
 * role words (primary-backup), time-cost badges (retry-storm-no-backoff), at 1024x768 and 1280x800, projector mode
 * and normal mode, at several moments (before anything, during faults,
 * the end) with nothing, a node and a violation selected.
 *
 * DSLAB_VIZ_PNG_DIR=DIR also writes each frame there, to look at. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dslab/time.h"
#include "viz_internal.h"

#define RAFT_BODY                                                                                  \
    "network: { latency: \"uniform(2ms, 8ms)\", order: fifo }\n"                                  \
    "protocol: { name: raft, election_timeout_min: 150ms, election_timeout_max: 300ms,\n"         \
    "            heartbeat: 50ms, read_mode: leader-local }\n"                                     \
    "workload: { clients: 4, rate: 80/s, ops: { read: 0.6, write: 0.4 }, keys: 2,\n"              \
    "            timeout: 500ms, target: random }\n"                                               \
    "checks: [one-leader-per-term, linearizable]\n"                                                \
    "assumptions: { clock_skew_below: 50ms }\n"

struct scn {
    const char *name;
    const char *text; /* NULL: load `file` under $DSLAB_ROOT */
    const char *file;
};

static const struct scn scenarios[] = {
    {"raft3",
     "name: raft3\ntitle: Three Raft nodes lose one\nseed: 2\nduration: 4s\nnodes: 3\n" RAFT_BODY
     "faults:\n  - { at: 1s, crash: n1 }\n  - { at: 2s, restart: n1 }\n"
     "narration:\n  - { at: 0.5s, say: \"Three nodes; one will crash at one second. Who leads then?\" }\n", NULL},
    {"raft4",
     "name: raft4\ntitle: Four Raft nodes split two and two\nseed: 4\nduration: 4s\nnodes: 4\n" RAFT_BODY
     "faults:\n  - { at: 1s, partition: [[n1, n2], [n3, n4]] }\n  - { at: 3s, heal: all }\n", NULL},
    {"raft5",
     "name: leader-loses-majority\ntitle: A leader loses its majority\nseed: 9\nduration: 6s\nnodes: 5\n"
     "clocks:\n  n3: { offset: 4ms, drift_ppm: 40 }\n" RAFT_BODY
     "faults:\n  - { at: 3s, partition: [[n1, n2], [n3, n4, n5]] }\n"
     "  - { at: 4s, clock: n3, jump: -2s }\n  - { at: 5s, heal: all }\n"
     "narration:\n"
     "  - { at: 2.9s, say: \"The network is about to split n1 and n2 from the other three. What will "
     "each side do?\", pause: true }\n", NULL},
    {"raft7",
     "name: raft7\ntitle: Seven nodes, two crash\nseed: 5\nduration: 4s\nnodes: 7\n" RAFT_BODY
     "faults:\n  - { at: 1s, crash: n2 }\n  - { at: 1.2s, crash: n5 }\n  - { at: 2.5s, restart: n2 }\n", NULL},
    {"long-names",
     "name: a-scenario-with-a-rather-long-name-for-a-projector\n"
     "title: Long node names in a small window are still readable\nseed: 9\nduration: 4s\n"
     "nodes: [frankfurt-primary-01, frankfurt-replica-02, dublin-replica-03, dublin-replica-04, "
     "virginia-witness-05]\n" RAFT_BODY
     "faults:\n  - { at: 1.5s, partition: [[frankfurt-primary-01, frankfurt-replica-02], "
     "[dublin-replica-03, dublin-replica-04, virginia-witness-05]] }\n", NULL},
    {"pb3",
     "name: pb3\ntitle: Asynchronous replication forgets acknowledged writes\nseed: 1\nduration: 4s\n"
     "nodes: [n1, n2, n3]\nnetwork: { latency: \"uniform(1ms, 5ms)\" }\n"
     "protocol: { name: primary-backup, heartbeat: 50ms, failover_after: 300ms, replication: async,"
     " fencing: true }\n"
     "workload: { clients: 4, rate: 120/s, ops: { read: 0.3, write: 0.7 }, keys: 8, timeout: 300ms,"
     " stop: 2.1s }\n"
     "faults:\n  - { at: 2s, crash: n1 }\n  - { at: 3s, restart: n1 }\n"
     "checks: [no-lost-acknowledged-writes, single-primary-at-once, linearizable]\n", NULL},
    /* Time costs: CPU bars, queue lengths and badges beside the discs. */
    {"costs", NULL, "scenarios/overload/retry-storm-no-backoff.yaml"},
};

static const int sizes[][2] = {{1024, 768}, {1280, 800}};

static bool overlap(const struct text_box *a, const struct text_box *b) {
    const float slack = 1.0f; /* antialiased edges may touch */
    return a->x + a->w - slack > b->x && b->x + b->w - slack > a->x && a->y + a->h - slack > b->y &&
           b->y + b->h - slack > a->y;
}

/* A box wholly outside its clip rectangle is not seen at all (a lane
 * scrolled away): not a problem. One partly inside is cut. */
static int clip_state(const struct text_box *b) {
    if (b->clip.w <= 0) return 0;
    float cx = (float)b->clip.x, cy = (float)b->clip.y;
    float cx2 = cx + (float)b->clip.w, cy2 = cy + (float)b->clip.h;
    if (b->x >= cx2 || b->x + b->w <= cx || b->y >= cy2 || b->y + b->h <= cy) return -1; /* unseen */
    const float slack = 1.0f;
    bool inside = b->x >= cx - slack && b->x + b->w <= cx2 + slack && b->y >= cy - slack &&
                  b->y + b->h <= cy2 + slack;
    return inside ? 0 : 1;
}

/* Checks the frame's recorded text; appends problems to bad. */
static int check_frame(const struct fonts *fo, int w, int h, const char *frame, char *bad, size_t size) {
    int problems = 0;
    for (int32_t i = 0; i < fo->boxes_count; i++) {
        const struct text_box *a = &fo->boxes[i];
        int cs = clip_state(a);
        if (cs < 0) continue;
        size_t n = strlen(bad);
        if (a->x < 0 || a->y < 0 || a->x + a->w > (float)w + 0.5f || a->y + a->h > (float)h + 0.5f) {
            snprintf(bad + n, size - n, "%s: \"%s\" off the window at %.0f,%.0f %.0fx%.0f\n", frame,
                     a->text, a->x, a->y, a->w, a->h);
            problems++;
            continue;
        }
        if (cs > 0) {
            snprintf(bad + n, size - n, "%s: \"%s\" cut by its view (%.0f,%.0f %.0fx%.0f in %d,%d %dx%d)\n",
                     frame, a->text, a->x, a->y, a->w, a->h, a->clip.x, a->clip.y, a->clip.w, a->clip.h);
            problems++;
            continue;
        }
        for (int32_t j = i + 1; j < fo->boxes_count; j++) {
            const struct text_box *b = &fo->boxes[j];
            if (clip_state(b) < 0 || !overlap(a, b)) continue;
            n = strlen(bad);
            snprintf(bad + n, size - n, "%s: \"%s\" (%.0f,%.0f %.0fx%.0f) overlaps \"%s\" (%.0f,%.0f %.0fx%.0f)\n",
                     frame, a->text, a->x, a->y, a->w, a->h, b->text, b->x, b->y, b->w, b->h);
            problems++;
        }
    }
    return problems;
}

struct moment {
    const char *label;
    int64_t at_ns;
    enum sel_kind sel;
};

static void run_scenario(const struct scn *sc, int w, int h, bool projector, char *bad, size_t size,
                         int *frames, int *boxes) {
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct dslab_scenario *s = NULL;
    if (sc->text) {
        s = dslab_scenario_load_buffer(sc->text, strlen(sc->text), sc->name, NULL, 0, NULL, &d);
    } else {
        const char *root = getenv("DSLAB_ROOT");
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", root ? root : ".", sc->file);
        s = dslab_scenario_load(path, NULL, 0, NULL, &d);
    }
    if (!s) fail_msg("%s: %s", sc->name, d.message);
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *ren = SDL_CreateSoftwareRenderer(surf);
    assert_non_null(ren);
    struct viz_options opt;
    memset(&opt, 0, sizeof opt);
    opt.scenario = s;
    opt.seed = s->seed;
    opt.width = w;
    opt.height = h;
    opt.projector = projector;
    struct viz_app *app = calloc(1, sizeof *app);
    assert_non_null(app);
    if (viz_app_init(app, &opt, ren, &d) != 0) fail_msg("%s: %s", sc->name, d.message);
    app->toast[0] = '\0';
    app->fonts.record_boxes = true;
    int64_t end = app->model.rec.end_ns;
    const struct moment moments[] = {
        {"start", 0, SEL_NONE},
        {"t1.2", 1200 * DSLAB_NS_PER_MS, SEL_NONE},
        {"t3.2-node", 3200 * DSLAB_NS_PER_MS, SEL_NODE},
        {"end", end, SEL_NONE},
        {"end-node", end, SEL_NODE},
        {"end-violation", end, SEL_VIOLATION},
    };
    const char *png_dir = getenv("DSLAB_VIZ_PNG_DIR");
    for (size_t k = 0; k < sizeof moments / sizeof moments[0]; k++) {
        const struct moment *mo = &moments[k];
        if (mo->sel == SEL_VIOLATION && app->model.rec.violations_count == 0) continue;
        viz_app_seek(app, mo->at_ns);
        app->sel = mo->sel;
        app->sel_index = mo->sel == SEL_NONE ? -1 : 0;
        viz_app_render(app);
        SDL_RenderFlush(ren);
        char frame[160];
        snprintf(frame, sizeof frame, "%s-%dx%d-%s-%s", sc->name, w, h, projector ? "projector" : "normal",
                 mo->label);
        *frames += 1;
        *boxes += app->fonts.boxes_count;
        check_frame(&app->fonts, w, h, frame, bad, size);
        if (png_dir) {
            char path[512];
            snprintf(path, sizeof path, "%s/%s.png", png_dir, frame);
            if (viz_png_save(ren, w, h, path, &d) != 0) fail_msg("%s", d.message);
        }
    }
    viz_app_deinit(app);
    free(app);
    SDL_DestroyRenderer(ren);
    SDL_FreeSurface(surf);
    dslab_scenario_free(s);
}

static void check_mode(bool projector) {
    SDL_setenv("SDL_VIDEODRIVER", "dummy", 1);
    assert_int_equal(SDL_Init(0), 0);
    size_t size = 1 << 20;
    char *bad = calloc(1, size);
    assert_non_null(bad);
    int frames = 0, boxes = 0;
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++) {
        for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
            run_scenario(&scenarios[i], sizes[z][0], sizes[z][1], projector, bad, size, &frames, &boxes);
        }
    }
    TTF_Quit();
    SDL_Quit();
    /* The test looked at something: frames with text in them. */
    assert_true(frames >= 60);
    assert_true(boxes >= frames * 20);
    if (bad[0]) {
        fprintf(stderr, "%s", bad);
        free(bad);
        fail_msg("text boxes overlap or are cut (%s mode; listed above)", projector ? "projector" : "normal");
    }
    free(bad);
}

static void test_projector_text_never_overlaps_or_is_cut(void **state) {
    (void)state;
    check_mode(true);
}

static void test_normal_text_never_overlaps_or_is_cut(void **state) {
    (void)state;
    check_mode(false);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_projector_text_never_overlaps_or_is_cut),
        cmocka_unit_test(test_normal_text_never_overlaps_or_is_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
