/* bench_viz.c: how fast the visualiser draws and seeks (prints numbers,
 * asserts nothing; `make bench` runs it through bench/run_viz.sh).
 *
 * Frame time: the median CPU time of viz_app_render() plus the renderer flush
 * at 1280x800 on the software renderer (the headless path, and the
 * slowest one), over frames at successive times as during playback.
 * Targets (issue 4): 5-node raft < 4 ms; 50 nodes with 2,000 messages in
 * flight < 16 ms; 500 nodes < 50 ms. Seek: jumping to random times in a
 * 60 s 5-node raft run (backwards means re-running from 0) < 200 ms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dslab/time.h"
#include "viz_internal.h"

static const char raft5[] =
    "name: bench-raft5\nseed: 9\nduration: %s\nnodes: 5\n"
    "network: { latency: \"uniform(2ms, 8ms)\", order: fifo }\n"
    "protocol: { name: raft, election_timeout_min: 150ms, election_timeout_max: 300ms, heartbeat: 50ms }\n"
    "workload: { clients: 4, rate: 80/s, ops: { read: 0.6, write: 0.4 }, keys: 2, timeout: 500ms }\n"
    "faults:\n  - { at: 3s, partition: [[n1, n2], [n3, n4, n5]] }\n  - { at: 8s, heal: all }\n"
    "checks: [one-leader-per-term, linearizable]\n";

static const char gossip[] =
    "name: bench-gossip\nseed: 1\nduration: %s\nnodes: %d\n"
    "network: { latency: \"uniform(1ms, 10ms)\", order: unordered }\n"
    "protocol: { name: gossip-pingpong, initial: %d }\n";

/* CPU time of this thread: on a shared 2-core machine wall time mostly
 * measures the neighbours. The software renderer runs on this thread. */
static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

struct bench {
    struct dslab_scenario *sc;
    struct viz_options opt;
    SDL_Surface *surf;
    SDL_Renderer *ren;
    struct viz_app app;
    double init_ms;
};

static int bench_open(struct bench *b, const char *yaml) {
    memset(b, 0, sizeof *b);
    struct dslab_diag d;
    dslab_diag_clear(&d);
    b->sc = dslab_scenario_load_buffer(yaml, strlen(yaml), "bench.yaml", NULL, 0, NULL, &d);
    if (!b->sc) {
        fprintf(stderr, "bench_viz: %s\n", d.message);
        return -1;
    }
    b->surf = SDL_CreateRGBSurfaceWithFormat(0, 1280, 800, 32, SDL_PIXELFORMAT_ARGB8888);
    b->ren = SDL_CreateSoftwareRenderer(b->surf);
    b->opt.scenario = b->sc;
    b->opt.seed = b->sc->seed;
    b->opt.width = 1280;
    b->opt.height = 800;
    double t0 = now_ms();
    if (viz_app_init(&b->app, &b->opt, b->ren, &d) != 0) {
        fprintf(stderr, "bench_viz: %s\n", d.message);
        return -1;
    }
    b->init_ms = now_ms() - t0;
    return 0;
}

static void bench_close(struct bench *b) {
    viz_app_deinit(&b->app);
    SDL_DestroyRenderer(b->ren);
    SDL_FreeSurface(b->surf);
    dslab_scenario_free(b->sc);
}

/* Median frame time over `frames` frames from t0 in steps of dt. */
static double frame_median_ms(struct bench *b, int64_t t0, int64_t dt, int frames, int64_t *in_flight) {
    double *ms = calloc((size_t)frames, sizeof *ms);
    if (!ms) abort();
    *in_flight = 0;
    for (int i = 0; i < frames; i++) {
        viz_app_seek(&b->app, t0 + dt * i);
        double t = now_ms();
        viz_app_render(&b->app);
        SDL_RenderFlush(b->ren);
        ms[i] = now_ms() - t;
        int64_t n = 0, now = b->app.model.now_ns;
        for (int32_t k = 0; k < b->app.model.rec.msgs_count; k++) {
            const struct rec_msg *m = &b->app.model.rec.msgs[k];
            n += m->send_ns <= now && now < m->end_ns;
        }
        *in_flight += n;
    }
    *in_flight /= frames;
    qsort(ms, (size_t)frames, sizeof *ms, cmp_double);
    double med = ms[frames / 2];
    free(ms);
    return med;
}

/* Where the time of one frame goes, view by view (median of 20). */
static void breakdown(struct bench *b, int64_t t_ns) {
    static const char *const names[] = {"clear", "timeline", "cluster", "clocks", "spacetime", "history", "inspector", "banner"};
    enum { VIEWS = 8, REPS = 20 };
    double ms[VIEWS][REPS];
    viz_app_seek(&b->app, t_ns);
    struct viz_app *app = &b->app;
    for (int r = 0; r < REPS; r++) {
        for (int v = 0; v < VIEWS; v++) {
            double t = now_ms();
            switch (v) {
            case 0: SDL_RenderClear(app->ren); break;
            case 1: render_timeline(app); break;
            case 2: render_cluster(app); break;
            case 3: render_clocks(app); break;
            case 4: render_spacetime(app); break;
            case 5: render_history(app); break;
            case 6: render_inspector(app); break;
            default: render_banner(app); break;
            }
            draw_flush(&app->draw);
            SDL_RenderFlush(app->ren);
            ms[v][r] = now_ms() - t;
        }
        app->hits_count = 0;
    }
    printf("   breakdown (ms):");
    for (int v = 0; v < VIEWS; v++) {
        qsort(ms[v], REPS, sizeof ms[v][0], cmp_double);
        printf(" %s %.2f", names[v], ms[v][REPS / 2]);
    }
    printf("\n");
}

static void frames_case(const char *label, const char *yaml, int64_t t0, double target_ms) {
    struct bench b;
    if (bench_open(&b, yaml) != 0) return;
    int64_t in_flight;
    double med = frame_median_ms(&b, t0, 20 * DSLAB_NS_PER_MS / 10, 60, &in_flight);
    if (getenv("BENCH_VIZ_BREAKDOWN")) {
        double still = frame_median_ms(&b, t0, 0, 30, &in_flight);
        printf("   same frame again: %.2f ms\n", still);
    }
    printf("%-34s %8d %10lld %12.1f %10.2f %9.0f   %s\n", label, b.sc->nodes_count,
           (long long)in_flight, b.init_ms, med, target_ms, med < target_ms ? "ok" : "SLOW");
    if (getenv("BENCH_VIZ_BREAKDOWN")) breakdown(&b, t0);
    bench_close(&b);
}

static void seek_case(void) {
    char yaml[2048];
    snprintf(yaml, sizeof yaml, raft5, "60s");
    struct bench b;
    if (bench_open(&b, yaml) != 0) return;
    enum { SEEKS = 40 };
    double ms[SEEKS];
    uint64_t x = 12345;
    for (int i = 0; i < SEEKS; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        int64_t t = (int64_t)((x >> 11) % (uint64_t)(60 * DSLAB_NS_PER_S));
        double t0 = now_ms();
        viz_app_seek(&b.app, t);
        viz_app_render(&b.app);
        SDL_RenderFlush(b.ren);
        ms[i] = now_ms() - t0;
    }
    qsort(ms, SEEKS, sizeof ms[0], cmp_double);
    printf("seek + frame, 60s 5-node raft (%d events): median %.1f ms, max %.1f ms (target < 200 ms)  %s\n",
           b.app.model.rec.events_count, ms[SEEKS / 2], ms[SEEKS - 1], ms[SEEKS - 1] < 200 ? "ok" : "SLOW");
    bench_close(&b);
}

int main(int argc, char **argv) {
    const char *only = argc > 1 ? argv[1] : "";
    setvbuf(stdout, NULL, _IOLBF, 0);
    SDL_setenv("SDL_VIDEODRIVER", "dummy", 1);
    if (SDL_Init(0) != 0) {
        fprintf(stderr, "bench_viz: %s\n", SDL_GetError());
        return 1;
    }
    printf("== visualiser: 1280x800, software renderer, median of 60 frames\n");
    printf("%-34s %8s %10s %12s %10s %9s\n", "case", "nodes", "in_flight", "record_ms", "frame_ms", "target");
    char yaml[2048];
    /* An argument picks one case: raft, gossip50, gossip500 or seek. */
    if (!*only || strcmp(only, "raft") == 0) {
        snprintf(yaml, sizeof yaml, raft5, "12s");
        frames_case("raft, 5 nodes", yaml, 3 * DSLAB_NS_PER_S, 4);
    }
    if (!*only || strcmp(only, "gossip50") == 0) {
        snprintf(yaml, sizeof yaml, gossip, "1s", 50, 40);
        frames_case("gossip, 50 nodes, 2000 in flight", yaml, 500 * DSLAB_NS_PER_MS, 16);
    }
    if (!*only || strcmp(only, "gossip500") == 0) {
        snprintf(yaml, sizeof yaml, gossip, "1s", 500, 4);
        frames_case("gossip, 500 nodes", yaml, 500 * DSLAB_NS_PER_MS, 50);
    }
    if (!*only || strcmp(only, "seek") == 0) seek_case();
    TTF_Quit();
    SDL_Quit();
    return 0;
}
