/* action.c: operator actions as faults (dslab/action.h). */
#include <stdio.h>
#include <string.h>

#include "dslab/action.h"
#include "dslab/time.h"
#include "dslab/units.h"
#include "fault_set.h"
#include "scenario/units.h"

const char *const dslab_action_verbs[] = {"crash", "restart", "pause", "cut",   "cut1", "heal", "partition",
                                          "jump",  "drift",   "deploy", "set", "shed", NULL};

#define VERB_LIST "crash restart pause cut cut1 heal partition jump drift deploy set shed"

/* Copies part [p, end) into out (size bytes); false when it does not fit. */
static bool copy_part(const char *p, size_t len, char *out, size_t size) {
    if (len >= size) return false;
    memcpy(out, p, len);
    out[len] = 0;
    return true;
}

int dslab_action_parse(const char *text, struct dslab_action *out, struct dslab_diag *diag) {
    memset(out, 0, sizeof *out);
    size_t len = strlen(text);
    if (len > DSLAB_ACTION_TEXT_MAX) {
        return dslab_diag_set(diag, "", 0, 0, "bad action: %zu bytes long (at most %d): expected TIME:VERB[:A[:B]], e.g. 1.5s:crash:n2",
                              len, DSLAB_ACTION_TEXT_MAX);
    }
    const char *parts[4] = {0};
    size_t lens[4] = {0};
    int n = 0;
    const char *p = text;
    for (;;) {
        const char *c = strchr(p, ':');
        if (n == 4) {
            return dslab_diag_set(diag, "", 0, 0, "bad action '%s': more than TIME:VERB:A:B", text);
        }
        parts[n] = p;
        lens[n] = c ? (size_t)(c - p) : strlen(p);
        n++;
        if (!c) break;
        p = c + 1;
    }
    char tbuf[64];
    char err[DSLAB_UNITS_ERR_MAX];
    if (n < 2 || !copy_part(parts[0], lens[0], tbuf, sizeof tbuf) ||
        dslab_units_parse_duration_ns(tbuf, false, &out->at_ns, err, sizeof err) != 0) {
        return dslab_diag_set(diag, "", 0, 0, "bad action '%s': expected TIME:VERB[:A[:B]] with TIME like 1.5s, e.g. 1.5s:crash:n2", text);
    }
    if (!copy_part(parts[1], lens[1], out->verb, sizeof out->verb)) {
        return dslab_diag_set(diag, "", 0, 0, "bad action '%s': unknown verb (" VERB_LIST ")", text);
    }
    if (n > 2 && !copy_part(parts[2], lens[2], out->node, sizeof out->node)) {
        return dslab_diag_set(diag, "", 0, 0, "bad action '%s': its first argument is longer than %zu bytes", text,
                              sizeof out->node - 1);
    }
    if (n > 3 && !copy_part(parts[3], lens[3], out->arg, sizeof out->arg)) {
        return dslab_diag_set(diag, "", 0, 0, "bad action '%s': its second argument is longer than %zu bytes", text,
                              sizeof out->arg - 1);
    }
    for (int i = 0; dslab_action_verbs[i]; i++) {
        if (strcmp(out->verb, dslab_action_verbs[i]) == 0) return 0;
    }
    return dslab_diag_set(diag, "", 0, 0, "bad action '%s': unknown verb '%s' (" VERB_LIST ")", text, out->verb);
}

static void blank(struct dslab_fault *f, const struct dslab_action *a, enum dslab_fault_kind kind) {
    memset(f, 0, sizeof *f);
    f->at_ns = a->at_ns;
    f->kind = kind;
    f->node = -1;
    f->peer = -1;
    f->slow_factor = 1;
}

static int node_of(const struct dslab_scenario *s, const struct dslab_action *a, const char *name,
                   int32_t *out, struct dslab_diag *diag) {
    if (!name[0]) return dslab_diag_set(diag, "", 0, 0, "action %s needs a node (e.g. %s:%s)", a->verb, a->verb,
                                        s->nodes_count > 0 ? s->node_names[0] : "n1");
    *out = dslab_scenario_node_index(s, name);
    if (*out < 0) return dslab_diag_set(diag, "", 0, 0, "action %s: unknown node '%s'", a->verb, name);
    return 0;
}

/* An argument the verb does not take is an error, not ignored. */
static int no_more(const struct dslab_action *a, bool node_ok, bool arg_ok, struct dslab_diag *diag) {
    if ((!node_ok && a->node[0]) || (!arg_ok && a->arg[0])) {
        return dslab_diag_set(diag, "", 0, 0, "action %s: takes no argument '%s'", a->verb,
                              !node_ok && a->node[0] ? a->node : a->arg);
    }
    return 0;
}

static int partition(const struct dslab_scenario *s, const struct dslab_action *a, struct dslab_fault *f,
                     int32_t *groups, struct dslab_diag *diag) {
    blank(f, a, DSLAB_FAULT_PARTITION);
    static const struct { const char *name; enum dslab_partition_shape shape; bool at_node; int min; } shapes[] = {
        {"isolate", DSLAB_PARTITION_ISOLATE_ONE, true, 2},
        {"majority", DSLAB_PARTITION_MAJORITY_MINORITY, false, 2},
        {"bridge", DSLAB_PARTITION_BRIDGE, true, 3},
        {"ring", DSLAB_PARTITION_MAJORITIES_RING, false, 3},
        {"halves", DSLAB_PARTITION_GROUPS, false, 2},
    };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        if (strcmp(a->node, shapes[i].name) != 0) continue;
        if (s->nodes_count < shapes[i].min) {
            return dslab_diag_set(diag, "", 0, 0, "action partition:%s needs at least %d nodes", a->node, shapes[i].min);
        }
        f->shape = shapes[i].shape;
        if (shapes[i].at_node) return node_of(s, a, a->arg, &f->node, diag);
        if (no_more(a, true, false, diag) < 0) return -1;
        if (f->shape == DSLAB_PARTITION_GROUPS) {
            for (int32_t k = 0; k < s->nodes_count; k++) groups[k] = k < s->nodes_count / 2 ? 0 : 1;
            f->group_of_node = groups;
        }
        return 0;
    }
    return dslab_diag_set(diag, "", 0, 0, "action partition: shape '%s' is not isolate, majority, bridge, ring or halves", a->node);
}

/* shed:N:FRACTION: N must have a CPU model, where shedding happens. */
static int shed(const struct dslab_scenario *s, const struct dslab_action *a, struct dslab_fault *f,
                struct dslab_diag *diag) {
    blank(f, a, DSLAB_FAULT_SHED);
    if (node_of(s, a, a->node, &f->node, diag) < 0) return -1;
    char err[DSLAB_UNITS_ERR_MAX];
    if (!a->arg[0] || units_parse_probability_ppm(a->arg, &f->shed_ppm, err, (int)sizeof err) != 0) {
        return dslab_diag_set(diag, "", 0, 0, "action shed: bad fraction '%s' (0 to 1, like 0.5 or 50%%; 0 stops shedding)",
                              a->arg);
    }
    if (!s->node_costs || !s->node_costs[f->node].cpu_on) {
        return dslab_diag_set(diag, "", 0, 0, "action shed: %s has no CPU model (costs.cpu), where load is shed", a->node);
    }
    return 0;
}

int dslab_action_to_fault(const struct dslab_scenario *s, const struct dslab_action *a, struct dslab_fault *f,
                          int32_t *groups, struct dslab_diag *diag) {
    const char *v = a->verb;
    char err[DSLAB_UNITS_ERR_MAX];
    int64_t x;
    if (strcmp(v, "partition") == 0) return partition(s, a, f, groups, diag);
    if (strcmp(v, "shed") == 0) return shed(s, a, f, diag);
    if (strcmp(v, "set") == 0) {
        blank(f, a, DSLAB_FAULT_SET);
        if (!a->node[0] || !a->arg[0]) {
            return dslab_diag_set(diag, "", 0, 0, "action set needs a parameter and a value (set:protocol.KEY:VALUE)");
        }
        return dslab_fault_set_param(s, a->node, a->arg, f, diag);
    }
    if (strcmp(v, "heal") == 0 && !a->node[0]) {
        blank(f, a, DSLAB_FAULT_HEAL);
        f->both_ways = true; /* as the loader reads `heal: all` */
        return no_more(a, false, false, diag);
    }
    if (strcmp(v, "cut") == 0 || strcmp(v, "cut1") == 0 || strcmp(v, "heal") == 0) {
        blank(f, a, strcmp(v, "heal") == 0 ? DSLAB_FAULT_HEAL : DSLAB_FAULT_CUT);
        f->both_ways = strcmp(v, "cut1") != 0;
        if (node_of(s, a, a->node, &f->node, diag) < 0) return -1;
        if (!a->arg[0]) return dslab_diag_set(diag, "", 0, 0, "action %s needs two nodes (%s:A:B)", v, v);
        if (node_of(s, a, a->arg, &f->peer, diag) < 0) return -1;
        if (f->peer == f->node) return dslab_diag_set(diag, "", 0, 0, "action %s: a link joins two different nodes", v);
        return 0;
    }
    if (strcmp(v, "crash") == 0 || strcmp(v, "restart") == 0) {
        blank(f, a, strcmp(v, "crash") == 0 ? DSLAB_FAULT_CRASH : DSLAB_FAULT_RESTART);
        if (node_of(s, a, a->node, &f->node, diag) < 0) return -1;
        return no_more(a, true, false, diag);
    }
    blank(f, a, DSLAB_FAULT_PAUSE);
    if (node_of(s, a, a->node, &f->node, diag) < 0) return -1;
    if (strcmp(v, "pause") == 0) {
        f->duration_ns = DSLAB_NS_PER_S;
        if (a->arg[0] && (dslab_units_parse_duration_ns(a->arg, false, &f->duration_ns, err, sizeof err) != 0 ||
                          f->duration_ns == 0)) {
            return dslab_diag_set(diag, "", 0, 0, "action pause: bad duration '%s' (more than 0, at most one day)", a->arg);
        }
        return 0;
    }
    if (strcmp(v, "jump") == 0) {
        f->kind = DSLAB_FAULT_CLOCK_JUMP;
        if (dslab_units_parse_duration_ns(a->arg, true, &f->jump_ns, err, sizeof err) != 0) {
            return dslab_diag_set(diag, "", 0, 0, "action jump: bad duration '%s' (like 200ms or -1s, at most one day)", a->arg);
        }
        return 0;
    }
    if (strcmp(v, "drift") == 0) {
        f->kind = DSLAB_FAULT_CLOCK_DRIFT;
        if (dslab_units_parse_int(a->arg, -100000, 100000, &x, err, sizeof err) != 0) {
            return dslab_diag_set(diag, "", 0, 0, "action drift: bad ppm '%s' (-100000 to 100000)", a->arg);
        }
        f->drift_ppm = x;
        return 0;
    }
    if (strcmp(v, "deploy") == 0) {
        f->kind = DSLAB_FAULT_DEPLOY;
        if (dslab_units_parse_int(a->arg, 1, DSLAB_VERSION_MAX, &x, err, sizeof err) != 0) {
            return dslab_diag_set(diag, "", 0, 0, "action deploy: bad version '%s' (1 to %d)", a->arg, DSLAB_VERSION_MAX);
        }
        f->version = (int32_t)x;
        return 0;
    }
    return dslab_diag_set(diag, "", 0, 0, "action: unknown verb '%s' (" VERB_LIST ")", v);
}

/* "2.6s", "0s", "1.000001s": seconds with the trailing zeros dropped
 * (exact: the digits of the ns count). */
static void seconds(int64_t ns, char *t, size_t size) {
    char frac[16];
    snprintf(frac, sizeof frac, "%09lld", (long long)(ns % DSLAB_NS_PER_S));
    int n = 9;
    while (n > 0 && frac[n - 1] == '0') n--;
    frac[n] = 0;
    snprintf(t, size, "%lld%s%ss", (long long)(ns / DSLAB_NS_PER_S), n ? "." : "", frac);
}

void dslab_action_format(const struct dslab_action *a, char *out, int out_size) {
    char t[40];
    seconds(a->at_ns, t, sizeof t);
    snprintf(out, (size_t)out_size, "%s:%s%s%s%s%s", t, a->verb, a->node[0] ? ":" : "", a->node, a->arg[0] ? ":" : "",
             a->arg);
}
