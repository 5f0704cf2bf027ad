/* viz.h: the SDL2 visualiser, as the `dslab viz` command sees it.
 *
 * The visualiser re-runs a scenario in process (never parses trace files):
 * it records every trace event of the run, then shows the state at any
 * simulated time in several linked views (cluster ring, clocks, space-time
 * diagram, client history, timeline). It runs as a window, or headless
 * (SDL's offscreen/dummy video driver and the software renderer) to write
 * PNG frames. Interventions (crash a node, cut a link, ...) become faults at
 * the current simulated time; the session can be saved as a scenario whose
 * replay gives a byte-identical trace. Keys and views: docs/VISUALISER.md.
 *
 * Library code: nothing here prints; errors come back in a struct dslab_diag. */
#ifndef DSLAB_VIZ_H
#define DSLAB_VIZ_H

#include <stdbool.h>
#include <stdint.h>

#include "dslab/diag.h"
#include "dslab/scenario.h"

/* A scripted intervention (`--act 1.5s:crash:n2`), applied at at_ns. */
struct viz_action {
    int64_t at_ns;
    char verb[16];      /* dslab/action.h: crash restart pause cut cut1 heal partition jump drift deploy */
    char node[32];      /* first argument, "" when none */
    char arg[64];       /* second argument (peer, duration, shape), "" when none */
};

#define VIZ_ACTIONS_MAX 256

struct viz_options {
    /* The scenario to show. Borrowed; the visualiser temporarily replaces
     * its fault list with one that includes interventions and puts the
     * original back before returning. Load it with the default allocator. */
    struct dslab_scenario *scenario;
    uint64_t seed;              /* the seed to run with */
    int width, height;          /* window or frame size in pixels */
    bool projector;             /* large fonts, fewer details */

    const char *png_path;       /* headless: one frame at at_ns */
    int64_t at_ns;
    const char *frames_dir;     /* headless: frames from 0 to until_ns at fps */
    int fps;
    int64_t until_ns;           /* < 0: the scenario's duration */

    const char *save_session_path; /* write the session as a scenario on exit */
    const char *trace_path;        /* write the session's JSON Lines trace on exit */
    int actions_count;
    struct viz_action actions[VIZ_ACTIONS_MAX];
    double speed;               /* simulated s per real s; <= 0: chosen from latency */
    int64_t start_ns;           /* interactive: initial time */
    bool start_playing;         /* interactive: start in play mode */
    const char *select_node;    /* select this node at start (inspector shows it) */
    bool show_help;             /* start with the help overlay shown */
    int64_t quit_after_ms;      /* interactive: quit after this much real time (<= 0: never) */
};

/* Parses an action "TIME:VERB[:NODE[:ARG]]" (TIME like "1.5s").
 * Returns 0, or -1 with a message in diag. */
int viz_action_parse(const char *text, struct viz_action *out, struct dslab_diag *diag);

/* Headless: renders the frame(s) asked for in opt (png_path or frames_dir).
 * Returns 0, or -1 with diag set. */
int viz_render_headless(const struct viz_options *opt, struct dslab_diag *diag);

/* What a window session ended with (for scripts and tests). */
struct viz_result {
    int64_t start_ns, end_ns;   /* displayed time when it opened and closed */
    long long start_ev, end_ev; /* events processed then, as `dslab run` and the "ev N" label count them */
    int32_t start_record, end_record; /* trace records shown then (what a step moves by) */
    int interventions;
};

/* Opens a window and runs until the user quits. Returns 0, or -1 with
 * diag set (no display, SDL failure, bad scenario). res may be NULL. */
int viz_run_window(const struct viz_options *opt, struct viz_result *res, struct dslab_diag *diag);

/* Where each node's disc is drawn in a frame of opt's size (window
 * pixels), for scripts that drive the window. Fills up to max (x, y)
 * pairs; returns the number of nodes, or -1 with diag. */
int viz_node_positions(const struct viz_options *opt, float *xy, int max, struct dslab_diag *diag);

#endif
