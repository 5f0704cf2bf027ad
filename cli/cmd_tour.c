/* cmd_tour.c: `dslab tour`, a guided first run for someone alone: the
 * scenario scenarios/intro/tour.yaml, whose narration is the tour's steps.
 *
 * With a display (and the visualiser built): the window plays it; each
 * step stops and waits for space or a click, a step that asks shows
 * "What happens next?" (the narration mechanism of the default scenario,
 * docs/VISUALISER.md). Closing the window opens the first exercise.
 * Without a display, or with --text / --png-dir: the same steps as text,
 * a PNG of each moment (when the visualiser is built), a pause at each
 * question when stdin is a terminal, then the exercise (at a terminal) or
 * the command that opens it. This file only parses, calls and prints. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "data_root.h"
#include "dslab/scenario.h"
#include "dslab/outfile.h"

#ifdef DSLAB_HAVE_VIZ
#include "viz.h"
#endif

#define TOUR_SCENARIO "scenarios/intro/tour.yaml"
/* The exercise on the failure the tour shows (a deposed leader serving
 * stale reads): the natural first one after it. */
#define TOUR_EXERCISE "deposed-leader-stale-reads"

static const char usage[] =
    "usage: dslab tour [options]\n"
    "\n"
    "A guided first tour (about fifteen minutes): a five-node Raft cluster\n"
    "loses its leader's majority, step by step. Each step explains what is on\n"
    "screen and waits; some ask \"what happens next?\" before showing it. At the\n"
    "end it opens your first exercise (dslab exercise " TOUR_EXERCISE ").\n"
    "With a display it plays in the visualiser window (space or a click goes on,\n"
    "q ends); without one, or with --text, it prints the same steps and writes a\n"
    "picture of each.\n"
    "\n"
    "options:\n"
    "  --text            the text tour, even with a display\n"
    "  --png-dir DIR     the text tour, its pictures in DIR (default tour/)\n"
    "  --no-png          the text tour without pictures\n"
    "  --projector       large fonts, for a room (window and pictures)\n"
    "  --no-exercise     end without opening the exercise (print its command)\n"
    "exit status: 0 done, 2 bad usage or a missing tour scenario\n";

struct tour_opts {
    bool text, png, projector, exercise;
    const char *png_dir;
};

static int parse(int argc, char **argv, struct tour_opts *o) {
    o->text = false;
    o->png = true;
    o->projector = false;
    o->exercise = true;
    o->png_dir = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        cli_exit_if_help(a, usage);
        if (strcmp(a, "--text") == 0) {
            o->text = true;
        } else if (strcmp(a, "--no-png") == 0) {
            o->png = false;
            o->text = true;
        } else if (strcmp(a, "--projector") == 0) {
            o->projector = true;
        } else if (strcmp(a, "--no-exercise") == 0) {
            o->exercise = false;
        } else if (strcmp(a, "--png-dir") == 0) {
            if (i + 1 >= argc || !argv[i + 1][0]) return cli_usage_error("tour", "--png-dir needs a directory");
            o->png_dir = argv[++i];
            o->text = true;
        } else {
            return cli_usage_error("tour", "unknown option or argument '%s'", a);
        }
    }
    if (!o->png_dir) o->png_dir = "tour";
    return 0;
}

/* The last step: the exercise, at a terminal; else its command. */
static int finish(const struct tour_opts *o, bool window) {
    printf("\nThat was the tour. Next, your first exercise: the same failure, and you say what\n"
           "happened, why, and how to fix it.\n");
    if (!o->exercise || !isatty(0)) {
        printf("  dslab exercise %s\n", TOUR_EXERCISE);
        if (o->exercise) printf("(stdin is not a terminal: run it yourself)\n");
        return 0;
    }
    printf("Opening it: dslab exercise %s\n\n", TOUR_EXERCISE);
    fflush(stdout);
    char id[] = TOUR_EXERCISE, no_window[] = "--no-window", name[] = "exercise";
    char *args[] = {name, id, window ? NULL : no_window, NULL};
    return cmd_exercise(window ? 2 : 3, args);
}

#ifdef DSLAB_HAVE_VIZ
static void viz_defaults(struct viz_options *v, struct dslab_scenario *sc, bool projector) {
    memset(v, 0, sizeof *v);
    v->scenario = sc;
    v->seed = sc->seed;
    v->width = 1280;
    v->height = 800;
    v->until_ns = -1;
    v->projector = projector;
}
#endif

/* One step's picture: DIR/step-NN.png at the step's time. 0, or -1 (said). */
static int step_png(const struct tour_opts *o, struct dslab_scenario *sc, int k, int64_t at_ns,
                    char *path, size_t size) {
    path[0] = '\0';
#ifdef DSLAB_HAVE_VIZ
    if (!o->png) return 0;
    snprintf(path, size, "%s/step-%02d.png", o->png_dir, k + 1);
    struct viz_options v;
    viz_defaults(&v, sc, o->projector);
    v.png_path = path;
    v.at_ns = at_ns;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    if (viz_render_headless(&v, &d) != 0) {
        cli_print_diag(&d);
        return -1;
    }
#else
    (void)o;
    (void)sc;
    (void)k;
    (void)at_ns;
    (void)size;
#endif
    return 0;
}

static void wait_enter(void) {
    int c;
    do c = getchar();
    while (c != '\n' && c != EOF);
}

static int text_tour(const struct tour_opts *o, struct dslab_scenario *sc) {
    bool tty = isatty(0) != 0;
#ifdef DSLAB_HAVE_VIZ
    if (o->png && dslab_mkdir_p(o->png_dir, 0755) != 0) {
        fprintf(stderr, "dslab tour: error: cannot create the picture directory '%s'\n", o->png_dir);
        return EXIT_BAD_INPUT;
    }
#else
    printf("(the visualiser was not built: the tour has no pictures)\n");
#endif
    printf("%s\n\n%s\n", sc->title, sc->description);
    int n = sc->narration_count;
    for (int k = 0; k < n; k++) {
        const struct dslab_scenario_narration *e = &sc->narration[k];
        char path[1200];
        if (step_png(o, sc, k, e->at_ns, path, sizeof path) != 0) return EXIT_BAD_INPUT;
        printf("\n[step %d of %d, t=%.3fs] %s\n", k + 1, n, (double)e->at_ns / 1e9, e->text);
        if (path[0]) printf("  picture: %s\n", path);
        bool question = strchr(e->text, '?') != NULL;
        if (question) printf("  What happens next? Think it over before the next step.\n");
        if (tty && e->pause) {
            printf("  (enter: go on) ");
            fflush(stdout);
            wait_enter();
        }
    }
    printf("\nWatch it yourself: dslab viz %s  (or dslab run %s)\n", TOUR_SCENARIO, TOUR_SCENARIO);
    return finish(o, false);
}

int cmd_tour(int argc, char **argv) {
    struct tour_opts o;
    int rc = parse(argc, argv, &o);
    if (rc != 0) return rc;
    struct dslab_scenario *sc = cli_load_scenario(cli_scenario_arg(TOUR_SCENARIO), NULL);
    if (!sc) return EXIT_BAD_INPUT;
    bool display = getenv("DISPLAY") || getenv("WAYLAND_DISPLAY");
#if defined(__APPLE__) || defined(_WIN32)
    display = true;
#endif
#ifdef DSLAB_HAVE_VIZ
    if (!o.text && display) {
        printf("dslab tour: the tour plays in the window; space or a click goes on, q ends it.\n");
        fflush(stdout);
        struct viz_options v;
        viz_defaults(&v, sc, o.projector);
        v.start_playing = true;
        v.speed = 0.2; /* the partition at 3s arrives after ~15 s of watching */
        struct viz_result res;
        memset(&res, 0, sizeof res);
        struct dslab_diag d;
        dslab_diag_clear(&d);
        if (viz_run_window(&v, &res, &d) == 0) {
            dslab_scenario_free(sc);
            return finish(&o, true);
        }
        cli_print_diag(&d);
        printf("(no window: the text tour instead)\n");
    }
#else
    if (!o.text && display) printf("(the visualiser was not built: the text tour)\n");
#endif
    if (!o.text && !display) printf("(no display: the text tour; pictures in %s/)\n", o.png_dir);
    rc = text_tour(&o, sc);
    dslab_scenario_free(sc);
    return rc;
}
