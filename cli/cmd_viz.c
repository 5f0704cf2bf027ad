/* cmd_viz.c: `dslab viz FILE`: the visualiser, in a window or headless
 * (PNG frames). The visualiser itself is viz/ (docs/VISUALISER.md); this
 * file parses flags and prints. When dslab was built without SDL2 the
 * command still exists and says why it cannot run. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "data_root.h"
#include "dslab/scenario.h"

#ifndef DSLAB_HAVE_VIZ

int cmd_viz(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr,
            "dslab viz: error: the visualiser was not built: SDL2, SDL2_ttf or SDL2_image\n"
            "was not found when dslab was configured. Install them (Debian/Ubuntu:\n"
            "libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev fonts-dejavu-core, or run\n"
            "`make deps`), then rebuild. `dslab run FILE` works without it.\n");
    return EXIT_BAD_INPUT;
}

#else

#include "viz.h"


static const char usage[] =
    "usage: dslab viz FILE [options]\n"
    "\n"
    "Shows a run: the cluster, clocks, a space-time diagram, client history and a\n"
    "timeline. Pause, step, rewind, and inject faults by hand (h in the window\n"
    "lists every key). Headless with --png or --frames (no display needed).\n"
    "\n"
    "options:\n"
    "  --seed N                 use seed N instead of the scenario's\n"
    "  --set KEY=VALUE          override a scalar by its dotted path (repeatable)\n"
    "  --png OUT.png            render one frame to OUT.png and exit\n"
    "  --at TIME                the simulated time of that frame (default: the end)\n"
    "  --frames DIR             render frames DIR/frame_00000.png ... and exit\n"
    "  --fps N                  frames per second of real time for --frames (25)\n"
    "  --until TIME             last frame's simulated time for --frames\n"
    "  --speed X                simulated seconds per real second (0.01 .. 1000)\n"
    "  --act TIME:VERB[:A[:B]]  an intervention at TIME, as if clicked (repeatable):\n"
    "                           crash:N restart:N pause:N[:1s] cut:N:M cut1:N:M heal[:N:M]\n"
    "                           partition:isolate:N|majority|bridge:N|ring|halves\n"
    "                           jump:N:-100ms drift:N:200 deploy:N:VERSION\n"
    "  --save-session OUT.yaml  save the session (scenario + interventions) on exit\n"
    "  --trace OUT.jsonl        write the session's trace on exit (as dslab run --trace)\n"
    "  --start TIME             start the window at this time\n"
    "  --play                   start playing at once\n"
    "  --quit-after MS          close the window after MS milliseconds (for scripts)\n"
    "  --select NODE            select a node (the inspector shows it)\n"
    "  --show-help              start with the key list shown\n"
    "  --print-nodes            print where each node is drawn (x y in pixels) and exit\n"
    "  --projector              large fonts for a projector\n"
    "  --size WxH               window or frame size in pixels (1280x800)\n"
    "\n"
    "exit status: 0 done, 2 bad input, usage, or no display\n";

struct viz_cli {
    const char *file;
    uint64_t seed;
    int seed_given;
    int64_t at_ns;
    int at_given;
    int print_nodes;
    double speed;
    struct cli_overrides overrides;
    struct viz_options opt;
};

static int parse_time(const char *flag, const char *v, int64_t *out) {
    if (!v || cli_parse_duration_ns(v, out) != 0 || *out < 0) {
        return cli_usage_error("viz", "%s needs a time like 2.5s, got '%s'", flag, v ? v : "");
    }
    return 0;
}

static int parse_size(const char *v, struct viz_options *o) {
    int w = 0, h = 0;
    if (!v || sscanf(v, "%dx%d", &w, &h) != 2 || w < 320 || h < 240 || w > 8192 || h > 8192) {
        return cli_usage_error("viz", "--size needs WxH between 320x240 and 8192x8192, got '%s'", v ? v : "");
    }
    o->width = w;
    o->height = h;
    return 0;
}

static int parse_act(struct viz_cli *c, const char *v) {
    struct viz_options *o = &c->opt;
    if (!v) return cli_usage_error("viz", "--act needs TIME:VERB[:ARGS]");
    if (o->actions_count == VIZ_ACTIONS_MAX) return cli_usage_error("viz", "too many --act (limit %d)", VIZ_ACTIONS_MAX);
    struct dslab_diag d;
    dslab_diag_clear(&d);
    if (viz_action_parse(v, &o->actions[o->actions_count], &d) != 0) {
        return cli_usage_error("viz", "%s", d.message);
    }
    o->actions_count++;
    return 0;
}

/* One option with its value (argv[*i + 1]); returns 0, -1 unknown, or an exit code. */
static int parse_valued(struct viz_cli *c, const char *a, const char *next, int *i) {
    struct viz_options *o = &c->opt;
    int rc = 0;
    if (strcmp(a, "--seed") == 0) {
        if (!next || cli_parse_u64(next, &c->seed) != 0) return cli_usage_error("viz", "--seed needs a non-negative integer");
        c->seed_given = 1;
    } else if (strcmp(a, "--set") == 0) {
        rc = next ? cli_overrides_add(&c->overrides, "viz", next) : cli_usage_error("viz", "--set needs KEY=VALUE");
    } else if (strcmp(a, "--png") == 0) {
        o->png_path = next;
    } else if (strcmp(a, "--at") == 0) {
        rc = parse_time("--at", next, &c->at_ns);
        c->at_given = 1;
    } else if (strcmp(a, "--frames") == 0) {
        o->frames_dir = next;
    } else if (strcmp(a, "--fps") == 0) {
        o->fps = next ? atoi(next) : 0;
        if (o->fps < 1 || o->fps > 240) return cli_usage_error("viz", "--fps needs 1..240");
    } else if (strcmp(a, "--until") == 0) {
        rc = parse_time("--until", next, &o->until_ns);
    } else if (strcmp(a, "--speed") == 0) {
        c->speed = next ? atof(next) : 0;
        if (c->speed < 0.01 || c->speed > 1000) return cli_usage_error("viz", "--speed needs 0.01..1000");
    } else if (strcmp(a, "--act") == 0) {
        rc = parse_act(c, next);
    } else if (strcmp(a, "--save-session") == 0) {
        o->save_session_path = next;
    } else if (strcmp(a, "--select") == 0) {
        o->select_node = next;
    } else if (strcmp(a, "--trace") == 0) {
        o->trace_path = next;
    } else if (strcmp(a, "--start") == 0) {
        rc = parse_time("--start", next, &o->start_ns);
    } else if (strcmp(a, "--quit-after") == 0) {
        o->quit_after_ms = next ? atoll(next) : 0;
    } else if (strcmp(a, "--size") == 0) {
        rc = parse_size(next, o);
    } else {
        return -1;
    }
    if (!next) return cli_usage_error("viz", "%s needs a value", a);
    (*i)++;
    return rc;
}

static int parse_args(int argc, char **argv, struct viz_cli *c) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        cli_exit_if_help(a, usage);
        if (strcmp(a, "--projector") == 0) {
            c->opt.projector = true;
        } else if (strcmp(a, "--play") == 0) {
            c->opt.start_playing = true;
        } else if (strcmp(a, "--show-help") == 0) {
            c->opt.show_help = true;
        } else if (strcmp(a, "--print-nodes") == 0) {
            c->print_nodes = 1;
        } else if (a[0] == '-' && a[1]) {
            int rc = parse_valued(c, a, i + 1 < argc ? argv[i + 1] : NULL, &i);
            if (rc == -1) return cli_usage_error("viz", "unknown option '%s'", a);
            if (rc != 0) return rc;
        } else if (!c->file) {
            c->file = cli_scenario_arg(a); /* data_root.h */
        } else {
            return cli_usage_error("viz", "one scenario file at a time (got '%s' and '%s')", c->file, a);
        }
    }
    if (!c->file) return cli_usage_error("viz", "missing scenario file");
    return 0;
}

static int print_nodes(const struct viz_options *o, const struct dslab_scenario *sc) {
    float *xy = calloc((size_t)sc->nodes_count * 2 + 2, sizeof *xy);
    if (!xy) return EXIT_BAD_INPUT;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    int n = viz_node_positions(o, xy, sc->nodes_count, &d);
    if (n < 0) {
        cli_print_diag(&d);
        free(xy);
        return EXIT_BAD_INPUT;
    }
    for (int i = 0; i < n; i++) {
        printf("%s %d %d\n", sc->node_names[i], (int)xy[2 * i], (int)xy[2 * i + 1]);
    }
    free(xy);
    return 0;
}

static int run(struct viz_cli *c, struct dslab_scenario *sc) {
    struct viz_options *o = &c->opt;
    o->scenario = sc;
    o->seed = c->seed_given ? c->seed : sc->seed;
    o->at_ns = c->at_given ? c->at_ns : sc->duration_ns;
    if (o->at_ns > sc->duration_ns) o->at_ns = sc->duration_ns;
    for (int i = 0; i < o->actions_count; i++) {
        if (o->actions[i].at_ns > sc->duration_ns) {
            return cli_usage_error("viz", "--act at %.3fs is after the end of the run", (double)o->actions[i].at_ns / 1e9);
        }
        if (i > 0 && o->actions[i].at_ns < o->actions[i - 1].at_ns) {
            return cli_usage_error("viz", "--act entries must be in time order");
        }
    }
    struct dslab_diag d;
    dslab_diag_clear(&d);
    int rc;
    bool headless = o->png_path || o->frames_dir;
    struct viz_result res;
    memset(&res, 0, sizeof res);
    if (c->print_nodes) {
        return print_nodes(o, sc);
    } else if (headless) {
        rc = viz_render_headless(o, &d);
    } else {
        rc = viz_run_window(o, &res, &d);
    }
    if (rc != 0) {
        cli_print_diag(&d);
        return EXIT_BAD_INPUT;
    }
    if (!headless) {
        printf("closed at t=%.6fs (event %lld, record %d; opened at t=%.6fs, event %lld, record %d), "
               "%d intervention(s)\n",
               (double)res.end_ns / 1e9, res.end_ev, (int)res.end_record, (double)res.start_ns / 1e9, res.start_ev,
               (int)res.start_record, res.interventions);
    }
    if (o->png_path) printf("wrote %s (t=%.6fs, seed %" PRIu64 ")\n", o->png_path, (double)o->at_ns / 1e9, o->seed);
    if (o->frames_dir) printf("wrote frames to %s/\n", o->frames_dir);
    if (o->save_session_path) printf("saved the session to %s\n", o->save_session_path);
    if (o->trace_path) printf("wrote the trace to %s\n", o->trace_path);
    return 0;
}

int cmd_viz(int argc, char **argv) {
    struct viz_cli *c = calloc(1, sizeof *c);
    if (!c) return EXIT_BAD_INPUT;
    c->opt.width = 1280;
    c->opt.height = 800;
    c->opt.until_ns = -1;
    int code = parse_args(argc, argv, c);
    if (code == 0) {
        if (c->speed > 0) c->opt.speed = c->speed;
        struct dslab_scenario *sc = cli_load_scenario(c->file, &c->overrides);
        code = sc ? run(c, sc) : EXIT_BAD_INPUT;
        dslab_scenario_free(sc);
    }
    cli_overrides_free(&c->overrides);
    free(c);
    return code;
}

#endif
