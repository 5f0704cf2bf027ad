/* viz_session.c: game-day interventions and saving the session.
 *
 * Each intervention is a struct dslab_fault at the displayed time, handed to
 * viz_model_intervene(), which appends it to the scenario's fault list and
 * re-runs: what is on screen afterwards is exactly the run of the saved
 * scenario (`dslab run saved.yaml` gives a byte-identical trace). Scripted
 * actions (`--act 1.5s:crash:n2`) go through the same functions, so tests
 * exercise the code a click runs. */
#include "viz_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/action.h"
#include "dslab/time.h"

static void fault_blank(struct dslab_fault *f, enum dslab_fault_kind kind) {
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->node = -1;
    f->peer = -1;
    f->slow_factor = 1;
}

static int intervene(struct viz_app *app, const struct dslab_fault *f, const char *what) {
    struct dslab_diag d;
    dslab_diag_clear(&d);
    char t[40];
    fmt_time(app->model.now_ns, t, sizeof t);
    if (viz_model_intervene(&app->model, f, &d) != 0) {
        viz_app_toast(app, "cannot %s: %s", what, d.message);
        return -1;
    }
    viz_app_toast(app, "%s at %s", what, t);
    return 0;
}

static const char *name(struct viz_app *app, int32_t n) {
    return viz_model_node_name(&app->model, n);
}

int viz_session_crash_toggle(struct viz_app *app, int32_t node) {
    int64_t since;
    bool restarted;
    enum dslab_node_status st = rec_node_status(&app->model.rec, node, app->model.ev_count, &since, &restarted);
    struct dslab_fault f;
    char what[80];
    fault_blank(&f, st == DSLAB_NODE_CRASHED ? DSLAB_FAULT_RESTART : DSLAB_FAULT_CRASH);
    f.node = node;
    snprintf(what, sizeof what, "%s %s", st == DSLAB_NODE_CRASHED ? "restart" : "crash", name(app, node));
    return intervene(app, &f, what);
}

int viz_session_pause(struct viz_app *app, int32_t node) {
    struct dslab_fault f;
    char what[80];
    fault_blank(&f, DSLAB_FAULT_PAUSE);
    f.node = node;
    f.duration_ns = DSLAB_NS_PER_S;
    snprintf(what, sizeof what, "pause %s for 1s", name(app, node));
    return intervene(app, &f, what);
}

int viz_session_cut(struct viz_app *app, int32_t from, int32_t to, bool one_way) {
    struct dslab_fault f;
    char what[80];
    bool down = !viz_model_link_up(&app->model, from, to) ||
                (!one_way && !viz_model_link_up(&app->model, to, from));
    fault_blank(&f, down ? DSLAB_FAULT_HEAL : DSLAB_FAULT_CUT);
    f.node = from;
    f.peer = to;
    f.both_ways = down ? true : !one_way;
    snprintf(what, sizeof what, "%s %s %s %s", down ? "heal" : "cut", name(app, from),
             f.both_ways ? "<->" : "->", name(app, to));
    return intervene(app, &f, what);
}

int viz_session_heal_all(struct viz_app *app) {
    struct dslab_fault f;
    fault_blank(&f, DSLAB_FAULT_HEAL);
    f.both_ways = true; /* as the loader reads `heal: all` */
    return intervene(app, &f, "heal the network");
}

int viz_session_clock_jump(struct viz_app *app, int32_t node, int64_t jump_ns) {
    struct dslab_fault f;
    char what[80], d[32];
    fault_blank(&f, DSLAB_FAULT_CLOCK_JUMP);
    f.node = node;
    f.jump_ns = jump_ns;
    fmt_offset(jump_ns, d, sizeof d);
    snprintf(what, sizeof what, "jump %s's clock %s", name(app, node), d);
    return intervene(app, &f, what);
}

int viz_session_clock_drift(struct viz_app *app, int32_t node, int64_t delta_ppm) {
    struct dslab_fault f;
    char what[80];
    fault_blank(&f, DSLAB_FAULT_CLOCK_DRIFT);
    f.node = node;
    f.drift_ppm = (app->model.cursor ? dslab_sim_node_drift_ppm(app->model.cursor, node) : 0) + delta_ppm;
    snprintf(what, sizeof what, "%s's clock drift %+lldppm", name(app, node), (long long)f.drift_ppm);
    return intervene(app, &f, what);
}

/* The partitions the P key cycles through, in order; after them comes
 * "two halves" (explicit groups). at_node: the shape centres on the
 * selected node (named after the label). */
struct partition_choice {
    enum dslab_partition_shape shape;
    bool at_node;
    const char *label;
};
#define PARTITION_CHOICES 4
static const struct partition_choice partition_choices[PARTITION_CHOICES] = {
    {DSLAB_PARTITION_ISOLATE_ONE, true, "isolate"},
    {DSLAB_PARTITION_MAJORITY_MINORITY, false, "majority | minority"},
    {DSLAB_PARTITION_BRIDGE, true, "bridge through"},
    {DSLAB_PARTITION_MAJORITIES_RING, false, "overlapping majorities (ring)"},
};

static int partition_shape(struct viz_app *app, int shape_index, int32_t node) {
    struct dslab_fault f;
    char what[96];
    int32_t n = app->model.scenario->nodes_count;
    fault_blank(&f, DSLAB_FAULT_PARTITION);
    int32_t groups[DSLAB_NODES_MAX > 64 ? 64 : DSLAB_NODES_MAX];
    int32_t *g = NULL;
    if (shape_index >= 0 && shape_index < PARTITION_CHOICES) {
        const struct partition_choice *c = &partition_choices[shape_index];
        f.shape = c->shape;
        if (c->at_node) {
            f.node = node;
            snprintf(what, sizeof what, "partition: %s %s", c->label, name(app, node));
        } else {
            snprintf(what, sizeof what, "partition: %s", c->label);
        }
    } else {
        f.shape = DSLAB_PARTITION_GROUPS;
        g = n <= 64 ? groups : malloc((size_t)n * sizeof *g);
        if (!g) abort();
        for (int32_t i = 0; i < n; i++) g[i] = i < n / 2 ? 0 : 1;
        f.group_of_node = g;
        snprintf(what, sizeof what, "partition: two halves");
    }
    int rc = intervene(app, &f, what);
    if (g && g != groups) free(g);
    return rc;
}

int viz_session_partition_next(struct viz_app *app) {
    int32_t node = app->sel == SEL_NODE ? app->sel_index : 0;
    int shape = app->partition_shape_next;
    app->partition_shape_next = (shape + 1) % 5;
    return partition_shape(app, shape, node);
}

int viz_session_save(struct viz_app *app, const char *path) {
    char buf[600];
    if (!path) path = app->opt->save_session_path;
    if (!path) {
        snprintf(buf, sizeof buf, "%s-session.yaml", app->model.scenario->name);
        path = buf;
    }
    struct dslab_diag d;
    dslab_diag_clear(&d);
    if (viz_model_save(&app->model, path, &d) != 0) {
        viz_app_toast(app, "cannot save: %s", d.message);
        return -1;
    }
    viz_app_toast(app, "saved %d action(s) to %s", app->model.interventions_count, path);
    return 0;
}

/* ---- scripted actions --------------------------------------------------- */
/* Parses "1.5s", "-100ms", "250us", "7ns" into ns. Returns 0 or -1. */
static int parse_duration(const char *s, int64_t *out) {
    char *end;
    double v = strtod(s, &end);
    if (end == s) return -1;
    double mult = 0;
    if (strcmp(end, "ns") == 0) mult = 1;
    else if (strcmp(end, "us") == 0) mult = 1e3;
    else if (strcmp(end, "ms") == 0) mult = 1e6;
    else if (strcmp(end, "s") == 0) mult = 1e9;
    else return -1;
    *out = (int64_t)(v * mult + (v < 0 ? -0.5 : 0.5));
    return 0;
}

/* The vocabulary is the library's (dslab/action.h), shared with the
 * grader's `operate` answers. */
int viz_action_parse(const char *text, struct viz_action *out, struct dslab_diag *diag) {
    struct dslab_action a;
    memset(out, 0, sizeof *out);
    if (dslab_action_parse(text, &a, diag) != 0) return -1;
    out->at_ns = a.at_ns;
    snprintf(out->verb, sizeof out->verb, "%s", a.verb);
    snprintf(out->node, sizeof out->node, "%s", a.node);
    snprintf(out->arg, sizeof out->arg, "%s", a.arg);
    return 0;
}

/* A deploy (a software version) or a pause with its duration: the library
 * makes the fault. */
static int apply_library(struct viz_app *app, const struct viz_action *va, struct dslab_diag *diag) {
    struct dslab_action a;
    memset(&a, 0, sizeof a);
    a.at_ns = app->model.now_ns;
    snprintf(a.verb, sizeof a.verb, "%s", va->verb);
    snprintf(a.node, sizeof a.node, "%s", va->node);
    snprintf(a.arg, sizeof a.arg, "%s", va->arg);
    struct dslab_fault f;
    if (dslab_action_to_fault(app->model.scenario, &a, &f, NULL, diag) != 0) return -1;
    char what[160];
    if (f.kind == DSLAB_FAULT_DEPLOY) snprintf(what, sizeof what, "deploy version %d to %s", (int)f.version, va->node);
    else if (f.kind == DSLAB_FAULT_SET) snprintf(what, sizeof what, "set %s to %s", va->node, va->arg);
    else if (f.kind == DSLAB_FAULT_SHED) snprintf(what, sizeof what, "%s sheds %s of arrivals", va->node, va->arg);
    else snprintf(what, sizeof what, "pause %s for %s", va->node, va->arg);
    return intervene(app, &f, what) == 0 ? 0 : dslab_diag_set(diag, "", 0, 0, "action %s: %s", va->verb, app->toast);
}

static int32_t action_node(struct viz_app *app, const char *nm, const struct viz_action *a, struct dslab_diag *diag) {
    int32_t n = dslab_scenario_node_index(app->model.scenario, nm);
    if (n < 0) {
        dslab_diag_set(diag, "", 0, 0, "action %s: unknown node '%s'", a->verb, nm);
    }
    return n;
}

static int apply_partition(struct viz_app *app, const struct viz_action *a, struct dslab_diag *diag) {
    static const char *const shapes[] = {"isolate", "majority", "bridge", "ring", "halves"};
    for (int i = 0; i < 5; i++) {
        if (strcmp(a->node, shapes[i]) != 0) continue;
        int32_t node = 0;
        bool at_node = i < PARTITION_CHOICES && partition_choices[i].at_node;
        if (at_node && (node = action_node(app, a->arg, a, diag)) < 0) return -1;
        return partition_shape(app, i, node);
    }
    return dslab_diag_set(diag, "", 0, 0, "action partition: shape '%s' is not isolate, majority, bridge, ring or halves", a->node);
}

int viz_session_apply(struct viz_app *app, const struct viz_action *a, struct dslab_diag *diag) {
    const char *v = a->verb;
    if (strcmp(v, "heal") == 0 && !a->node[0]) return viz_session_heal_all(app) == 0 ? 0 : dslab_diag_set(diag, "", 0, 0, "action heal failed: %s", app->toast);
    if (strcmp(v, "partition") == 0) return apply_partition(app, a, diag);
    if (strcmp(v, "deploy") == 0 || strcmp(v, "set") == 0 || strcmp(v, "shed") == 0 || (strcmp(v, "pause") == 0 && a->arg[0])) {
        return apply_library(app, a, diag);
    }
    int32_t n = action_node(app, a->node, a, diag);
    if (n < 0) return -1;
    int rc;
    if (strcmp(v, "crash") == 0 || strcmp(v, "restart") == 0) {
        int64_t since;
        bool restarted;
        bool crashed = rec_node_status(&app->model.rec, n, app->model.ev_count, &since, &restarted) == DSLAB_NODE_CRASHED;
        if (crashed != (strcmp(v, "restart") == 0)) {
            return dslab_diag_set(diag, "", 0, 0, "action %s: %s is %s", v, a->node, crashed ? "already crashed" : "not crashed");
        }
        rc = viz_session_crash_toggle(app, n);
    } else if (strcmp(v, "pause") == 0) {
        rc = viz_session_pause(app, n);
    } else if (strcmp(v, "cut") == 0 || strcmp(v, "cut1") == 0 || strcmp(v, "heal") == 0) {
        int32_t p = action_node(app, a->arg, a, diag);
        if (p < 0) return -1;
        rc = viz_session_cut(app, n, p, strcmp(v, "cut1") == 0);
    } else {
        int64_t x = 0;
        if (strcmp(v, "jump") == 0) {
            if (parse_duration(a->arg, &x) != 0) return dslab_diag_set(diag, "", 0, 0, "action jump: bad duration '%s'", a->arg);
            rc = viz_session_clock_jump(app, n, x);
        } else {
            char *end;
            x = strtoll(a->arg, &end, 10);
            if (end == a->arg) return dslab_diag_set(diag, "", 0, 0, "action drift: bad ppm '%s'", a->arg);
            int64_t cur = app->model.cursor ? dslab_sim_node_drift_ppm(app->model.cursor, n) : 0;
            rc = viz_session_clock_drift(app, n, x - cur); /* the action gives the new drift */
        }
    }
    return rc == 0 ? 0 : dslab_diag_set(diag, "", 0, 0, "action %s: %s", v, app->toast);
}
