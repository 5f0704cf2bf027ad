/* viz_internal.h: the visualiser's private types, shared by the files of viz/ only.
 *
 *   scenario ─> model (viz_model.c): full run with a recording sink
 *                 │  recording (viz_record.c): events, messages, ops, ...
 *                 │  cursor sim at the displayed time (describe, clocks, links)
 *                 v
 *   app (viz_app.c) ─> views (viz_render_*.c) ─> draw batch (viz_draw.c)
 *        ^                                       + text (viz_font.c)
 *        └── input (viz_input.c), interventions (viz_session.c)
 *
 * The displayed moment is (now_ns, ev_count): the first ev_count recorded
 * events have happened. Views read the recording up to ev_count and the
 * cursor sim; nothing in a view changes the model. */
#ifndef DSLAB_VIZ_INTERNAL_H
#define DSLAB_VIZ_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "dslab/sim.h"
#include "viz.h"

/* ---- small growable arrays (abort on out of memory: a UI, not the core) */
void *viz_grow(void *ptr, int32_t *cap, int32_t need, size_t elem_size);
#define VIZ_PUSH(arr, n, cap) \
    ((arr) = viz_grow((arr), &(cap), (n) + 1, sizeof *(arr)), &(arr)[(n)++])

struct ivec {
    int32_t *v;
    int32_t n, cap;
};
void ivec_push(struct ivec *iv, int32_t x);
/* Index of the last element e with key(e) <= limit among event indices: the
 * elements are event indices, ascending; returns -1 when none < ev_count. */
int32_t ivec_last_before(const struct ivec *iv, int32_t ev_count);

/* ---- the recording (viz_record.c) -------------------------------------- */
enum rec_tag { REC_TAG_OTHER, REC_TAG_ROLE, REC_TAG_TERM };

struct rec_event {
    int64_t t_ns;
    int64_t a, b;
    uint64_t msg_id;
    int32_t node, peer;
    uint32_t text_off; /* into the arena; 0 = "" */
    uint32_t tag_off;
    int32_t ref;       /* message or op index, -1 */
    uint8_t kind;      /* enum dslab_trace_kind */
    uint8_t tag_kind;  /* enum rec_tag */
    uint8_t role;      /* REC_TAG_ROLE: the reported enum dslab_role_class */
};

#define REC_TRAFFIC_BINS 240

enum rec_fate { FATE_PENDING, FATE_DELIVERED, FATE_DROPPED };

struct rec_msg {
    uint64_t msg_id;
    int32_t from, to;
    int64_t send_ns;
    int64_t sched_ns;  /* scheduled delivery, -1 dropped at send */
    int64_t end_ns;    /* delivered/dropped time (visual for drop at send) */
    int32_t send_ev, end_ev; /* end_ev -1 while pending */
    int32_t dup_of;    /* original copy, -1 */
    int32_t next_copy; /* next copy of the same msg_id, -1 */
    uint32_t label_off;
    uint32_t reason_off;
    uint8_t fate;
};

struct rec_op {
    uint64_t op_id;
    int32_t client, node;
    uint8_t fn;
    uint8_t result;    /* enum dslab_op_type; DSLAB_OP_INVOKE while pending */
    int64_t cited_from_ns; /* when the first violation citing it as evidence begins (rec_finalize); INT64_MAX: never */
    int64_t key, value, expected, out_value;
    int64_t invoke_ns, complete_ns; /* complete -1 while pending */
    int32_t invoke_ev, complete_ev;
};

struct rec_violation {
    char check[64];
    int check_index;   /* into recording.checks, -1 past REC_CHECKS_MAX */
    char message[256];
    int64_t from_ns, to_ns;
    int nodes_count;
    int32_t nodes[DSLAB_CHECK_VIOLATION_NODES_MAX];
    int evidence_count;
    int32_t evidence[DSLAB_CHECK_VIOLATION_EVIDENCE_MAX]; /* event indices */
};

/* One declared check's end-of-run result. The views never show it before
 * the end of the run: rec_check_at (viz_checks.c) says what is known at
 * the displayed moment. */
#define REC_CHECKS_MAX 8
struct rec_check {
    char name[64];
    char summary[128];
    uint8_t verdict;            /* enum dslab_check_verdict */
    int64_t first_violation_ns; /* earliest violation from_ns, -1 none */
};

struct rec_node {
    struct ivec status; /* CRASH RESTART PAUSE RESUME events */
    struct ivec role;   /* ANNOTATE, typed role report (DSLAB_ANNOTATION_ROLE) */
    struct ivec term;   /* ANNOTATE, typed term report (DSLAB_ANNOTATION_TERM) */
    struct ivec clock;  /* CLOCK_JUMP CLOCK_DRIFT */
    struct ivec msgs_sent; /* message indices sent by the node */
    struct ivec costs;  /* COST events of the node (costs: models) */
};

struct u64map { /* open addressing: key -> int32 value; key 0 unused */
    uint64_t *keys;
    int32_t *vals;
    int32_t cap, n;
};

struct recording {
    int32_t nodes_count;
    int32_t clients_count;
    int64_t end_ns;
    struct rec_event *events;
    int32_t events_count, events_cap;
    struct rec_msg *msgs;
    int32_t msgs_count, msgs_cap;
    int64_t msg_span_ns_max; /* longest end - send, for in-flight scans */
    int64_t cost_span_ns_max; /* longest until - t of a COST record (viz_costs.c scans) */
    int32_t msgs_dropped;
    int32_t traffic[REC_TRAFFIC_BINS];  /* sends per bin of the run (timeline) */
    int32_t traffic_dropped[REC_TRAFFIC_BINS];
    struct u64map msg_map;   /* msg_id -> first copy */
    struct rec_op *ops;
    int32_t ops_count, ops_cap;
    struct u64map op_map;
    struct rec_node *nodes;
    struct ivec faults;      /* fault event indices (crash..slow) */
    struct ivec narration;   /* narration event indices */
    struct ivec assumptions; /* assumption event indices */
    struct rec_violation *violations;
    int32_t violations_count, violations_cap;
    struct dslab_sim_stats stats;           /* the run's counts (rec_take_results) */
    struct rec_check checks[REC_CHECKS_MAX]; /* the end-of-run results */
    int checks_count;
    /* Clock samples: samples_count times, per node wall/mono offsets. */
    int32_t samples_count;
    int64_t *sample_ns;
    int64_t *wall_off_ns;    /* [node * samples_count + k] */
    int64_t *mono_off_ns;
    int64_t clock_off_ns_min, clock_off_ns_max;
    char *arena;
    int32_t arena_size, arena_cap;
};

void rec_init(struct recording *r, int32_t nodes_count);
void rec_free(struct recording *r);
/* A dslab_trace_sink_fn; user is the struct recording. */
void rec_sink(void *user, const struct dslab_trace_event *ev);
/* After the run: message spans; a message dropped when sent is shown
 * flying for drop_flight_ns before it dies. */
void rec_finalize(struct recording *r, int64_t drop_flight_ns);
/* After the run: copies its stats and checker results (evidence ids ->
 * event indices). */
void rec_take_results(struct recording *r, const struct dslab_sim *sim);
const char *rec_str(const struct recording *r, uint32_t off);
/* What check i says at now_ns, without spoiling what happens next
 * (viz_checks.c): before the end of the run a check is FAIL only once one
 * of its violations has begun (from_ns <= now_ns), else "so far ok";
 * at or after end_ns it is the end-of-run verdict. One line into buf. */
enum rec_check_state {
    REC_CHECK_SO_FAR_OK, /* run not over, no violation yet */
    REC_CHECK_FAILED,    /* a violation has begun (or final FAIL) */
    REC_CHECK_PASSED,    /* run over, pass */
    REC_CHECK_UNKNOWN,   /* run over, the check could not decide */
};
enum rec_check_state rec_check_at(const struct recording *r, int i, int64_t now_ns, char *buf, size_t size);
/* Whether violation v has begun at now_ns (from_ns <= now_ns). */
bool rec_violation_begun(const struct recording *r, int32_t v, int64_t now_ns);
/* When violation v counts as begun: its from_ns, or the end of the run
 * for a violation over the whole run. */
int64_t rec_violation_begin_ns(const struct recording *r, int32_t v);
/* Whether op is cited as evidence by a violation begun at now_ns: an
 * operation is outlined red only from then, never from its completion. */
bool rec_op_cited_by_begun(const struct recording *r, int32_t op, int64_t now_ns);
/* First event index with t_ns > t (the events happened by time t). */
int32_t rec_events_until(const struct recording *r, int64_t t_ns);
/* The first message sent at or after t_ns (messages are in send order),
 * msgs_count when none. */
int32_t rec_first_msg_sent_at(const struct recording *r, int64_t t_ns);
/* The first operation invoked at or after t_ns (operations are in invoke
 * order), ops_count when none. */
int32_t rec_first_op_invoked_at(const struct recording *r, int64_t t_ns);
/* Message index for a msg_id (first copy), -1. */
int32_t rec_msg_find(const struct recording *r, uint64_t msg_id);
/* The event index of the node's last CRASH or RESTART among the first
 * ev_count events, -1 when none. */
int32_t rec_node_last_reset(const struct recording *r, int32_t node, int32_t ev_count);
/* Role text / term value of a node with the first ev_count events. A role
 * reported before the node's last crash or restart no longer holds: until
 * it reports again the role is "" and the class DSLAB_ROLE_NONE. */
const char *rec_node_role(const struct recording *r, int32_t node, int32_t ev_count);
/* The class of that role report, DSLAB_ROLE_NONE before any. */
enum dslab_role_class rec_node_role_class(const struct recording *r, int32_t node, int32_t ev_count);
int64_t rec_node_term(const struct recording *r, int32_t node, int32_t ev_count);
/* Status from the recording: DSLAB_NODE_UP/CRASHED/PAUSED; *since_ns when it began. */
enum dslab_node_status rec_node_status(const struct recording *r, int32_t node, int32_t ev_count,
                                 int64_t *since_ns, bool *restarted);
/* A one-line description of event i ("n1 -> n2 AppendEntries"). */
void rec_event_describe(const struct recording *r, const char (*names)[DSLAB_NAME_MAX],
                        int32_t i, char *buf, size_t size);

/* ---- time costs at the displayed moment (viz_costs.c) ------------------ */
struct viz_app;
struct rec_costs {
    bool any;            /* the node has cost records (since its last crash) */
    bool cpu;            /* costs.cpu records seen: cpu_busy/cpu_queue are known */
    int32_t cpu_busy;    /* workers serving now */
    int32_t cpu_queue;   /* entries waiting for a worker */
    int32_t syncs;       /* disk syncs in flight */
    int32_t wire;        /* messages on the node's outgoing links, not fully sent */
    bool gc;             /* stopped by a costs.pauses (GC-like) pause now */
    int64_t gc_until_ns;
    int64_t late_ns, late_at_ns; /* the last late timer within the scan, -1 none */
};
/* What the node's cost models hold at (ev_count, now_ns), from the trace's
 * `cost` records: services, syncs and transmissions whose until_ns is
 * still ahead, the queue length of the last cpu record. */
void rec_node_costs(const struct recording *r, int32_t node, int32_t ev_count, int64_t now_ns,
                    struct rec_costs *out);
/* Cluster view: small badges beside the node disc at (x, y), radius rad.
 * Returns the rectangle drawn over (w = 0: nothing), which node labels avoid. */
struct frect render_node_costs(struct viz_app *app, int32_t node, float x, float y, float rad);
/* Inspector lines for the selected node (nothing without cost records). */
struct viz_costs_lines {
    int count;
    char key[6][24];
    char value[6][96];
};
void viz_costs_lines(const struct viz_app *app, int32_t node, struct viz_costs_lines *out);

/* ---- the model: recording + cursor sim + interventions (viz_model.c) -- */
#define VIZ_DESCRIBE_MAX 96

struct viz_model {
    struct dslab_scenario *scenario;      /* borrowed, faults swapped (see viz.h) */
    struct dslab_fault *orig_faults;      /* put back by viz_model_deinit */
    int orig_faults_count;
    struct dslab_fault *faults;           /* owned merged list: scenario + interventions */
    int32_t faults_count, faults_cap;
    int32_t **groups;               /* owned group_of_node arrays of interventions */
    int32_t groups_count, groups_cap;
    int interventions_count;
    int64_t first_intervention_ns;  /* the earliest intervention's time (when count > 0) */
    uint64_t seed;
    struct recording rec;
    struct dslab_sim *cursor;             /* no sinks; advanced to now_ns */
    int64_t now_ns;
    int32_t ev_count;
    char (*describe)[VIZ_DESCRIBE_MAX]; /* per node, at cursor time */
    uint8_t *link_up;               /* [from * n + to], nodes_count <= VIZ_LINKS_NODES_MAX */
    bool any_link_down;
    int64_t rerun_ms;               /* last full run, for the status line */
    uint64_t trace_hash;            /* trace_hasher hash of the recorded run */
};
#define VIZ_LINKS_NODES_MAX 64

int viz_model_init(struct viz_model *m, struct dslab_scenario *s, uint64_t seed, struct dslab_diag *diag);
void viz_model_deinit(struct viz_model *m);
/* Re-runs the whole scenario (after an intervention). Keeps now_ns. */
int viz_model_rerun(struct viz_model *m, struct dslab_diag *diag);
/* Shows the state at t_ns (all events <= t_ns happened). Exact both ways. */
void viz_model_seek(struct viz_model *m, int64_t t_ns);
/* Shows the state after the first ev_count events. */
void viz_model_seek_event(struct viz_model *m, int32_t ev_count);

/* The counts in the inspector's run summary (viz_summary.c), in order. */
#define VIZ_SUMMARY_LINES_MAX 8
struct viz_summary_lines {
    int count;
    char key[VIZ_SUMMARY_LINES_MAX][24];
    long long value[VIZ_SUMMARY_LINES_MAX];
};
void viz_summary_lines(const struct viz_model *m, struct viz_summary_lines *out);
/* Adds a fault at now_ns and re-runs. Returns 0 or -1 with diag. */
int viz_model_intervene(struct viz_model *m, const struct dslab_fault *f, struct dslab_diag *diag);
/* Events the simulator has processed by the displayed time (the cursor's
 * count): what the banner's "ev" shows, and at the end of the run the
 * "events" `dslab run` prints. Trace records (ev_count) are another count. */
long long viz_model_events_processed(const struct viz_model *m);
/* Whether narration event ev_index was written for a run that no longer
 * is the one on screen: an intervention happened at or before its time
 * (the run is the scripted one only up to the first intervention). */
bool viz_model_narration_stale(const struct viz_model *m, int32_t ev_index);
/* Writes the session (scenario + interventions) as YAML. */
int viz_model_save(struct viz_model *m, const char *path, struct dslab_diag *diag);
/* Writes the JSON Lines trace of the session (a fresh run). */
int viz_model_write_trace(struct viz_model *m, const char *path, struct dslab_diag *diag);
const char *viz_model_node_name(const struct viz_model *m, int32_t node);
bool viz_model_link_up(const struct viz_model *m, int32_t from, int32_t to);

/* ---- drawing (viz_draw.c): a batch of triangles, flushed in one call -- */
struct rgba {
    uint8_t r, g, b, a;
};
#define RGBA(hex, alpha) \
    ((struct rgba){(uint8_t)((hex) >> 16), (uint8_t)((hex) >> 8), (uint8_t)(hex), (alpha)})

#define DRAW_DOT_SIZES 24

struct draw {
    SDL_Renderer *ren;
    SDL_Vertex *v;
    int32_t n, cap;
    SDL_Texture *dot[DRAW_DOT_SIZES]; /* anti-aliased discs by diameter */
};
void draw_init(struct draw *d, SDL_Renderer *ren);
void draw_deinit(struct draw *d);
void draw_flush(struct draw *d);
void draw_rect(struct draw *d, float x, float y, float w, float h, struct rgba c);
void draw_rect_outline(struct draw *d, float x, float y, float w, float h, float lw,
                       struct rgba c);
void draw_round_rect(struct draw *d, float x, float y, float w, float h, float r, struct rgba c);
void draw_line(struct draw *d, float x0, float y0, float x1, float y1, float w, struct rgba c);
void draw_dashed(struct draw *d, float x0, float y0, float x1, float y1, float w, float dash,
                 struct rgba c);
void draw_circle(struct draw *d, float cx, float cy, float r, struct rgba c);
/* A small anti-aliased disc from a cached sprite: cheap in the thousands. */
void draw_dot(struct draw *d, float cx, float cy, float r, struct rgba c);
void draw_ring(struct draw *d, float cx, float cy, float r, float w, struct rgba c);
/* Regular-ish shapes centred at (cx, cy) with outer radius r. */
void draw_star(struct draw *d, float cx, float cy, float r, struct rgba c);
void draw_diamond(struct draw *d, float cx, float cy, float r, struct rgba c);
void draw_triangle(struct draw *d, float x0, float y0, float x1, float y1, float x2, float y2,
                   struct rgba c);
void draw_arrow(struct draw *d, float x0, float y0, float x1, float y1, float w, float head,
                struct rgba c);
void draw_cross(struct draw *d, float cx, float cy, float r, float w, struct rgba c);
void draw_hatch(struct draw *d, float x, float y, float w, float h, float step, struct rgba c);

/* ---- text (viz_font.c) -------------------------------------------------- */
enum font_id { FONT_SMALL, FONT_NORMAL, FONT_BOLD, FONT_MONO, FONT_TITLE, FONT_BIG, FONT_COUNT };
enum text_align { ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT };

struct text_entry;
/* A drawn piece of text, recorded when fonts.record_boxes is on (tests of
 * the layout read them: no two may overlap, none may be cut by the window
 * or by the clip rectangle it was drawn in). x, y, w, h: the text's box
 * in output pixels; clip: the clip rectangle in force (w = 0: none). */
#define TEXT_BOX_TEXT_MAX 48
struct text_box {
    float x, y, w, h;
    SDL_Rect clip;
    uint8_t font;
    char text[TEXT_BOX_TEXT_MAX];
};
struct fonts {
    TTF_Font *f[FONT_COUNT];
    int height[FONT_COUNT];
    SDL_Renderer *ren;
    struct text_entry *cache;
    int32_t cache_count, cache_cap;
    int32_t *table; /* hash -> cache index + 1 */
    int32_t table_cap;
    bool record_boxes;        /* tests: record every text drawn (off: no cost) */
    struct text_box *boxes;   /* owned; emptied by fonts_boxes_clear */
    int32_t boxes_count, boxes_cap;
};
/* Forgets the recorded text boxes (the frame starts again). */
void fonts_boxes_clear(struct fonts *fo);
int fonts_init(struct fonts *fo, SDL_Renderer *ren, float scale, struct dslab_diag *diag);
/* One face the visualiser wants: its DejaVu file name, family and style. */
#define VIZ_FONT_PATH_MAX 1024
struct viz_font_want {
    const char *file;   /* "DejaVuSans-Bold.ttf" */
    const char *family; /* "DejaVu Sans" */
    bool bold, mono;
};
/* Finds a file for each of the n faces (viz_font_find.c: DSLAB_FONT_DIR,
 * fontconfig, then the usual font directories). 0, or -1 with diag. */
int viz_fonts_locate(const struct viz_font_want *wants, int n, char (*paths)[VIZ_FONT_PATH_MAX],
                     struct dslab_diag *diag);
void fonts_deinit(struct fonts *fo);
/* Draws UTF-8 text with its top at y; returns its width. Flushes d first. */
int text_draw(struct fonts *fo, struct draw *d, enum font_id f, const char *s, float x, float y,
              struct rgba c, enum text_align align);
int text_width(struct fonts *fo, enum font_id f, const char *s);
/* Draws as much of s as fits in max_w, with an ellipsis. */
int text_draw_fit(struct fonts *fo, struct draw *d, enum font_id f, const char *s, float x,
                  float y, float max_w, struct rgba c);

/* Word-wraps s into at most max_lines lines; returns the height used. */
int text_draw_wrapped(struct fonts *fo, struct draw *d, enum font_id f, const char *s, float x,
                      float y, float max_w, int max_lines, struct rgba c);
/* How many lines (<= max_lines) s wraps into at max_w, without drawing;
 * *complete: all of it fitted (nothing cut with an ellipsis). */
int text_wrap_lines(struct fonts *fo, enum font_id f, const char *s, float max_w, int max_lines,
                    bool *complete);

/* ---- palette (Okabe-Ito, colour-blind safe) and theme ----------------- */
#define COL_BG RGBA(0x1b1f27, 255)
#define COL_PANEL RGBA(0x232833, 255)
#define COL_PANEL_EDGE RGBA(0x343b4a, 255)
#define COL_GRID RGBA(0x2e3441, 255)
#define COL_TEXT RGBA(0xe8eaef, 255)
#define COL_TEXT_DIM RGBA(0x9aa3b5, 255)
#define COL_ORANGE RGBA(0xE69F00, 255)
#define COL_SKY RGBA(0x56B4E9, 255)
#define COL_GREEN RGBA(0x009E73, 255)
#define COL_YELLOW RGBA(0xF0E442, 255)
#define COL_BLUE RGBA(0x0072B2, 255)
#define COL_VERMILLION RGBA(0xD55E00, 255)
#define COL_PURPLE RGBA(0xCC79A7, 255)
#define COL_RED RGBA(0xff3b30, 255) /* violations only */
#define COL_CRASHED RGBA(0x5b6170, 255)
#define COL_SELECT RGBA(0xffffff, 255)

/* ---- layout (viz_layout.c) --------------------------------------------- */
struct frect {
    float x, y, w, h;
};
struct layout {
    int width, height;
    float scale;          /* 1.0 at 1280x800 normal mode; DPI and projector multiply */
    bool projector;
    struct frect banner;  /* top: title, time, narration */
    struct frect cluster;
    struct frect clocks;
    struct frect spacetime;
    struct frect history;
    struct frect inspector;
    struct frect timeline;
};
void layout_compute(struct layout *l, int width, int height, float scale, bool projector);
bool frect_contains(struct frect r, float x, float y);

/* ---- app state shared by views and input (viz_app.c) ------------------- */
enum sel_kind { SEL_NONE, SEL_NODE, SEL_MSG, SEL_OP, SEL_EVENT, SEL_VIOLATION, SEL_BUTTON };
/* Inspector buttons (hit index of SEL_BUTTON). */
enum viz_button {
    BTN_CRASH, BTN_RESTART, BTN_PAUSE, BTN_JUMP_FWD, BTN_JUMP_BACK, BTN_DRIFT, BTN_HEAL_ALL,
    BTN_SAVE, BTN_PARTITION,
};

enum viz_drag { DRAG_NONE, DRAG_NODE, DRAG_PAN, DRAG_SCRUB };

struct hit {
    struct frect r;
    uint8_t kind; /* enum sel_kind */
    int32_t index;
};

struct viz_app {
    struct viz_model model;
    const struct viz_options *opt;
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Surface *surface; /* headless target */
    struct draw draw;
    struct fonts fonts;
    struct layout lay;
    float dpi_scale;
    bool projector;
    /* playback */
    bool playing;
    int speed_index;        /* into viz_speeds */
    int32_t narration_seen; /* narration events up to here were shown */
    bool narration_hold;    /* stopped at a pause: true entry */
    /* space-time window */
    int64_t st_window_ns;
    int64_t st_end_ns;      /* right edge; follows now when st_follow */
    bool st_follow;
    int32_t lane_first;     /* first node lane shown */
    /* selection, overlays, drag */
    enum sel_kind sel;
    int32_t sel_index;
    bool help;
    bool dragging;          /* a node-to-node drag (cut a link) */
    uint8_t drag_mode;      /* enum viz_drag */
    float drag_last_x;
    int32_t drag_from;
    float drag_x, drag_y;
    bool drag_one_way;
    int partition_shape_next;
    char toast[200];
    uint32_t toast_until_ms;
    struct hit *hits;
    int32_t hits_count, hits_cap;
    bool quit;
    /* The static layer (background and panel fills), drawn once per layout
     * into a texture and copied at the start of each frame; owned. */
    SDL_Texture *chrome;
    struct layout chrome_lay; /* the layout it was drawn for */
    bool chrome_on;           /* this frame started from it: views skip panel fills */
};

extern const double viz_speeds[];
extern const int viz_speeds_count;

int viz_app_init(struct viz_app *app, const struct viz_options *opt, SDL_Renderer *ren,
                 struct dslab_diag *diag);
void viz_app_deinit(struct viz_app *app);
void viz_app_relayout(struct viz_app *app, int width, int height);
void viz_app_render(struct viz_app *app);
void viz_app_toast(struct viz_app *app, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void viz_app_hit(struct viz_app *app, struct frect r, enum sel_kind kind, int32_t index);
/* Moves the displayed time; playback uses it too. */
void viz_app_seek(struct viz_app *app, int64_t t_ns);
void viz_app_seek_event(struct viz_app *app, int32_t ev_count);

/* views (viz_render_*.c) */
void render_banner(struct viz_app *app);
void render_cluster(struct viz_app *app);
void render_clocks(struct viz_app *app);
void render_spacetime(struct viz_app *app);
void render_history(struct viz_app *app);
void render_inspector(struct viz_app *app);
void render_timeline(struct viz_app *app);
void render_help(struct viz_app *app);
/* Timeline geometry, shared with input for seeking. */
struct frect timeline_track(const struct viz_app *app);
int64_t timeline_x_to_time(const struct viz_app *app, float x);
float timeline_time_to_x(const struct viz_app *app, int64_t t_ns);
/* Clips drawing to r (flushes first); an empty r clips nothing. */
void viz_clip(struct viz_app *app, struct frect r);
/* Panel frame with a title; returns the content rect. */
struct frect render_panel(struct viz_app *app, struct frect r, const char *title);
/* Starts a frame from the cached static layer (remade when the layout
 * changed), or, without render targets, from a cleared frame. */
void viz_chrome_begin(struct viz_app *app);
/* Forgets the static layer (renderer reset, shutdown). */
void viz_chrome_drop(struct viz_app *app);
/* Where the node's disc is on the ring (cluster view). */
void cluster_node_pos(const struct viz_app *app, int32_t node, float *x, float *y, float *r);
/* Time <-> x in the shared space-time/history window. */
float st_time_to_x(const struct viz_app *app, struct frect area, int64_t t_ns);
int64_t st_x_to_time(const struct viz_app *app, struct frect area, float x);
/* How a role class looks: leading classes (leader, primary, coordinator)
 * as leaders, followers/backups/participants as followers. */
enum role_look { LOOK_NONE, LOOK_LEADER, LOOK_FOLLOWER, LOOK_CANDIDATE, LOOK_OTHER };
enum role_look role_look_of(enum dslab_role_class role);
struct rgba role_colour(enum role_look rc);
/* Formats a time for labels: "1.234567s" or compact "1.23s". */
void fmt_time(int64_t t_ns, char *buf, size_t size);
void fmt_offset(int64_t d_ns, char *buf, size_t size);

/* input (viz_input.c) and session actions (viz_session.c) */
void viz_input_event(struct viz_app *app, const SDL_Event *ev);
void viz_playback_tick(struct viz_app *app, double real_dt_s);
int viz_session_apply(struct viz_app *app, const struct viz_action *act, struct dslab_diag *diag);
int viz_session_crash_toggle(struct viz_app *app, int32_t node);
int viz_session_pause(struct viz_app *app, int32_t node);
int viz_session_cut(struct viz_app *app, int32_t from, int32_t to, bool one_way);
int viz_session_partition_next(struct viz_app *app);
int viz_session_heal_all(struct viz_app *app);
int viz_session_clock_jump(struct viz_app *app, int32_t node, int64_t jump_ns);
int viz_session_clock_drift(struct viz_app *app, int32_t node, int64_t drift_ppm);
int viz_session_save(struct viz_app *app, const char *path);

/* headless PNG (viz_png.c) */
int viz_png_save(SDL_Renderer *ren, int width, int height, const char *path, struct dslab_diag *diag);

#endif
