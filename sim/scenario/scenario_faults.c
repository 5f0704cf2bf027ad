/* scenario_faults.c: the `faults:` list -> struct dslab_fault[], sorted.
 *
 * Each item is a mapping with `at:` and exactly one action key (partition,
 * heal, cut, crash, restart, pause, clock, link, slow, slow-disk, deploy,
 * rolling-restart, set, shed) plus that action's own keys; a rolling restart
 * becomes the crashes and restarts it makes (scenario_rolling.c). Checks run
 * in this order so the error is the most useful one: unknown keys (did you
 * mean), `at`, the action, keys that do not belong to the action, then the
 * action's values. The result is sorted by at_ns,
 * stable (file order among equal times). Spec: docs/SCENARIO_FORMAT.md. */
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/assert.h"
#include "dslab/limits.h"
#include "dslab/suggest.h"
#include "fault_set.h"
#include "scenario/load_internal.h"

struct action {
    const char *key;
    enum dslab_fault_kind kind;
    const char *extras[4]; /* keys this action takes besides `at` and itself */
};

static const struct action actions[] = {
    {"partition", DSLAB_FAULT_PARTITION, {"node", "minority"}},
    {"heal", DSLAB_FAULT_HEAL, {NULL}},
    {"cut", DSLAB_FAULT_CUT, {NULL}},
    {"crash", DSLAB_FAULT_CRASH, {NULL}},
    {"restart", DSLAB_FAULT_RESTART, {"lose_unsynced"}},
    {"pause", DSLAB_FAULT_PAUSE, {"for"}},
    {"clock", DSLAB_FAULT_CLOCK_JUMP, {"jump", "drift_ppm"}},
    {"link", DSLAB_FAULT_LINK, {"latency", "loss", "duplicate"}},
    {"slow", DSLAB_FAULT_SLOW, {"factor"}},
    {"slow-disk", DSLAB_FAULT_SLOW_DISK, {"factor"}},
    {"deploy", DSLAB_FAULT_DEPLOY, {"version"}},
    /* expanded into crashes and restarts (scenario_rolling.c) */
    {"rolling-restart", DSLAB_FAULT_CRASH, {"batch", "down", "wait", "lose_unsynced"}},
    {"set", DSLAB_FAULT_SET, {"to"}},
    {"shed", DSLAB_FAULT_SHED, {"fraction"}},
};
#define ACTIONS_COUNT ((int)(sizeof actions / sizeof actions[0]))

static const char *const fault_keys[] = {
    "at",   "partition", "heal",     "cut",           "crash", "restart", "pause",
    "clock", "link",     "slow",     "node",          "minority", "lose_unsynced", "for",
    "jump", "drift_ppm", "latency",  "loss",          "duplicate", "factor", "slow-disk",
    "deploy", "version", "rolling-restart", "batch", "down", "wait", "set", "to", "shed", "fraction",
};
#define FAULT_KEYS_COUNT ((int)(sizeof fault_keys / sizeof fault_keys[0]))

static const char *const shapes[] = {"majority-minority", "isolate-one", "bridge",
                                     "majorities-ring"};

static const struct action *action_of(const char *key) {
    for (int i = 0; i < ACTIONS_COUNT; i++) {
        if (strcmp(actions[i].key, key) == 0) return &actions[i];
    }
    return NULL;
}

static bool action_takes(const struct action *a, const char *key) {
    if (strcmp(key, "at") == 0 || strcmp(key, a->key) == 0) return true;
    for (int i = 0; i < 4 && a->extras[i]; i++) {
        if (strcmp(a->extras[i], key) == 0) return true;
    }
    return false;
}

/* Finds the one action key and checks the other keys belong to it. */
static int find_action(struct loader *L, const struct dslab_ynode *item, const struct dslab_ynode **key_out,
                       const struct action **out) {
    *out = NULL;
    for (const struct dslab_ynode *k = item->first; k; k = k->next) {
        const struct action *a = action_of(k->text);
        if (!a) continue;
        if (*out) {
            return dslab_ytree_error(L->diag, L->file, k,
                               "a fault has one action; this one has '%s' and '%s' (write two "
                               "faults)",
                               (*out)->key, a->key);
        }
        *out = a;
        *key_out = k;
    }
    if (!*out) {
        return dslab_ytree_error(L->diag, L->file, item,
                           "a fault needs an action (expected one of: partition, heal, cut, "
                           "crash, restart, pause, clock, link, slow, slow-disk, deploy, "
                           "rolling-restart, set, shed)");
    }
    for (const struct dslab_ynode *k = item->first; k; k = k->next) {
        if (action_takes(*out, k->text)) continue;
        char list[128];
        int used = snprintf(list, sizeof list, "at, %s", (*out)->key);
        for (int i = 0; i < 4 && (*out)->extras[i]; i++) {
            used += snprintf(list + used, sizeof list - (size_t)used, ", %s", (*out)->extras[i]);
        }
        return dslab_ytree_error(L->diag, L->file, k, "'%s' does not apply to a %s fault (it takes: %s)",
                           k->text, (*out)->key, list);
    }
    return 0;
}

/* ---- partitions ---------------------------------------------------------- */

static int load_groups(struct loader *L, const struct dslab_ynode *seq, struct dslab_fault *f) {
    int32_t n = L->s->nodes_count;
    f->shape = DSLAB_PARTITION_GROUPS;
    f->group_of_node = load_alloc(L, sizeof *f->group_of_node * (size_t)n);
    if (!f->group_of_node) return -1;
    for (int32_t i = 0; i < n; i++) f->group_of_node[i] = -1;
    if (seq->count == 0) {
        return dslab_ytree_error(L->diag, L->file, seq, "a partition needs at least one group");
    }
    int32_t group = 0;
    for (const struct dslab_ynode *g = seq->first; g; g = g->next, group++) {
        if (dslab_ytree_expect_list(L->diag, L->file, g,
                              "a group of nodes like [n1, n2] (partition: [[n1], [n2, n3]])") < 0) {
            return -1;
        }
        if (g->count == 0) {
            return dslab_ytree_error(L->diag, L->file, g, "a partition group cannot be empty");
        }
        for (const struct dslab_ynode *m = g->first; m; m = m->next) {
            int32_t node;
            if (load_node_ref(L, m, &node) < 0) return -1;
            if (f->group_of_node[node] >= 0) {
                return dslab_ytree_error(L->diag, L->file, m, "node '%s' appears twice in the partition",
                                   m->text);
            }
            f->group_of_node[node] = group;
        }
    }
    return 0;
}

static int load_minority(struct loader *L, const struct dslab_ynode *seq, struct dslab_fault *f) {
    int32_t n = L->s->nodes_count;
    if (dslab_ytree_expect_list(L->diag, L->file, seq, "a list of nodes like [n1, n2]") < 0) return -1;
    if (seq->count == 0 || 2 * seq->count >= n) {
        return dslab_ytree_error(L->diag, L->file, seq, "a minority has 1 to %d of the %d nodes, got %d",
                           (n - 1) / 2, n, seq->count);
    }
    /* Stored as explicit groups: the minority is group 0, the rest group 1. */
    f->shape = DSLAB_PARTITION_GROUPS;
    f->group_of_node = load_alloc(L, sizeof *f->group_of_node * (size_t)n);
    if (!f->group_of_node) return -1;
    for (int32_t i = 0; i < n; i++) f->group_of_node[i] = 1;
    for (const struct dslab_ynode *m = seq->first; m; m = m->next) {
        int32_t node;
        if (load_node_ref(L, m, &node) < 0) return -1;
        if (f->group_of_node[node] == 0) {
            return dslab_ytree_error(L->diag, L->file, m, "node '%s' appears twice in the minority",
                               m->text);
        }
        f->group_of_node[node] = 0;
    }
    return 0;
}

static int load_shape(struct loader *L, const struct dslab_ynode *item, const struct dslab_ynode *v,
                      struct dslab_fault *f) {
    static const enum dslab_partition_shape kinds[] = {DSLAB_PARTITION_MAJORITY_MINORITY,
                                                 DSLAB_PARTITION_ISOLATE_ONE, DSLAB_PARTITION_BRIDGE,
                                                 DSLAB_PARTITION_MAJORITIES_RING};
    int shape = -1;
    for (int i = 0; i < 4; i++) {
        if (strcmp(v->text, shapes[i]) == 0) shape = i;
    }
    if (shape < 0) {
        const char *near = dslab_suggest_nearest(v->text, shapes, 4);
        if (near) {
            return dslab_ytree_error(L->diag, L->file, v, "unknown partition '%s' (did you mean '%s'?)",
                               v->text, near);
        }
        return dslab_ytree_error(L->diag, L->file, v,
                           "unknown partition '%s' (expected groups like [[n1], [n2, n3]] or one "
                           "of: majority-minority, isolate-one, bridge, majorities-ring)",
                           v->text);
    }
    f->shape = kinds[shape];
    const struct dslab_ynode *node = dslab_ydoc_map_get(item, "node");
    const struct dslab_ynode *minority = dslab_ydoc_map_get(item, "minority");
    bool needs_node = f->shape == DSLAB_PARTITION_ISOLATE_ONE || f->shape == DSLAB_PARTITION_BRIDGE;
    if (needs_node && !node) {
        return dslab_ytree_error(L->diag, L->file, item, "partition: %s needs node: NAME", v->text);
    }
    if (!needs_node && node) {
        return dslab_ytree_error(L->diag, L->file, dslab_ydoc_map_key(item, "node"),
                           "partition: %s takes no node", v->text);
    }
    if (minority && f->shape != DSLAB_PARTITION_MAJORITY_MINORITY) {
        return dslab_ytree_error(L->diag, L->file, dslab_ydoc_map_key(item, "minority"),
                           "only partition: majority-minority takes a minority");
    }
    int32_t min_nodes = f->shape == DSLAB_PARTITION_BRIDGE || f->shape == DSLAB_PARTITION_MAJORITIES_RING ? 3 : 2;
    if (L->s->nodes_count < min_nodes) {
        return dslab_ytree_error(L->diag, L->file, v, "partition: %s needs at least %d nodes", v->text,
                           (int)min_nodes);
    }
    if (node && load_node_ref(L, node, &f->node) < 0) return -1;
    if (minority) return load_minority(L, minority, f);
    return 0;
}

static int load_partition(struct loader *L, const struct dslab_ynode *item, const struct dslab_ynode *v,
                          struct dslab_fault *f) {
    if (v->kind == DSLAB_YNODE_SEQUENCE) {
        if (dslab_ydoc_map_get(item, "node") || dslab_ydoc_map_get(item, "minority")) {
            const struct dslab_ynode *k = dslab_ydoc_map_key(item, "node");
            return dslab_ytree_error(L->diag, L->file, k ? k : dslab_ydoc_map_key(item, "minority"),
                               "'%s' does not apply to a partition into groups",
                               k ? "node" : "minority");
        }
        return load_groups(L, v, f);
    }
    if (dslab_ytree_expect_scalar(L->diag, L->file, v,
                            "groups like [[n1], [n2, n3]] or a shape like majority-minority") < 0) {
        return -1;
    }
    return load_shape(L, item, v, f);
}

/* ---- the other actions --------------------------------------------------- */

/* { at: 3s, set: protocol.retries, to: 0 }: checked against the protocol. */
static int load_set(struct loader *L, const struct dslab_ynode *item, const struct dslab_ynode *v,
                    struct dslab_fault *f) {
    const struct dslab_ynode *to = dslab_ydoc_map_get(item, "to");
    if (dslab_ytree_expect_scalar(L->diag, L->file, v, "a parameter like protocol.retries") < 0) return -1;
    if (!to) return dslab_ytree_error(L->diag, L->file, item, "set needs to: VALUE (the parameter's new value)");
    if (dslab_ytree_expect_scalar(L->diag, L->file, to, "the parameter's new value, like 0 or 200ms") < 0) return -1;
    struct dslab_diag inner;
    dslab_diag_clear(&inner);
    if (dslab_fault_set_param(L->s, v->text, to->text, f, &inner) != 0) {
        const struct dslab_ynode *at = strncmp(inner.message, "set: protocol.", 14) == 0 ? to : v;
        return dslab_ytree_error(L->diag, L->file, at, "%s", inner.message);
    }
    return 0;
}

static int load_node_action(struct loader *L, const struct dslab_ynode *item, const struct dslab_ynode *v,
                            struct dslab_fault *f) {
    const struct dslab_ynode *n;
    int64_t x;
    if (load_node_ref(L, v, &f->node) < 0) return -1;
    switch (f->kind) {
    case DSLAB_FAULT_RESTART:
        if ((n = dslab_ydoc_map_get(item, "lose_unsynced"))) {
            return dslab_ytree_bool(L->diag, L->file, n, &f->lose_unsynced);
        }
        return 0;
    case DSLAB_FAULT_PAUSE:
        if (!(n = dslab_ydoc_map_get(item, "for"))) {
            return dslab_ytree_error(L->diag, L->file, item, "pause needs for: DURATION");
        }
        if (dslab_ytree_duration(L->diag, L->file, n, false, &f->duration_ns) < 0) return -1;
        if (f->duration_ns == 0) {
            return dslab_ytree_error(L->diag, L->file, n, "a pause must last more than 0");
        }
        if (f->duration_ns > DSLAB_DURATION_NS_MAX) {
            return dslab_ytree_error(L->diag, L->file, n, "a pause of %s is more than one day", n->text);
        }
        return 0;
    case DSLAB_FAULT_SLOW:
    case DSLAB_FAULT_SLOW_DISK:
        if (!(n = dslab_ydoc_map_get(item, "factor"))) {
            return dslab_ytree_error(L->diag, L->file, item, "%s needs factor: N (1 to 1000)",
                               f->kind == DSLAB_FAULT_SLOW ? "slow" : "slow-disk");
        }
        if (dslab_ytree_int(L->diag, L->file, n, 1, 1000, &x) < 0) return -1;
        f->slow_factor = (uint32_t)x;
        return 0;
    case DSLAB_FAULT_SHED:
        if (!(n = dslab_ydoc_map_get(item, "fraction"))) {
            return dslab_ytree_error(L->diag, L->file, item, "shed needs fraction: F (0 to 1; 0 stops shedding)");
        }
        return dslab_ytree_probability(L->diag, L->file, n, &f->shed_ppm);
    case DSLAB_FAULT_DEPLOY:
        if (!(n = dslab_ydoc_map_get(item, "version"))) {
            return dslab_ytree_error(L->diag, L->file, item, "deploy needs version: N (1 to %d)",
                                     DSLAB_VERSION_MAX);
        }
        if (dslab_ytree_int(L->diag, L->file, n, 1, DSLAB_VERSION_MAX, &x) < 0) return -1;
        f->version = (int32_t)x;
        return 0;
    default: return 0;
    }
}

static int load_clock(struct loader *L, const struct dslab_ynode *item, const struct dslab_ynode *v,
                      struct dslab_fault *f) {
    const struct dslab_ynode *jump = dslab_ydoc_map_get(item, "jump");
    const struct dslab_ynode *drift = dslab_ydoc_map_get(item, "drift_ppm");
    if (load_node_ref(L, v, &f->node) < 0) return -1;
    if (!jump == !drift) {
        return dslab_ytree_error(L->diag, L->file, item,
                           "a clock fault needs exactly one of jump: DURATION or drift_ppm: N");
    }
    if (drift) {
        f->kind = DSLAB_FAULT_CLOCK_DRIFT;
        return dslab_ytree_int(L->diag, L->file, drift, -100000, 100000, &f->drift_ppm);
    }
    if (dslab_ytree_duration(L->diag, L->file, jump, true, &f->jump_ns) < 0) return -1;
    if (f->jump_ns > DSLAB_DURATION_NS_MAX || f->jump_ns < -DSLAB_DURATION_NS_MAX) {
        return dslab_ytree_error(L->diag, L->file, jump, "a clock jump of %s is more than one day",
                           jump->text);
    }
    return 0;
}

static int load_link_fault(struct loader *L, const struct dslab_ynode *item, const struct dslab_ynode *v,
                           struct dslab_fault *f) {
    const struct dslab_ynode *n;
    if (load_link_ends(L, v, &f->node, &f->peer, &f->both_ways) < 0) return -1;
    if ((n = dslab_ydoc_map_get(item, "latency"))) {
        if (load_latency(L, n, &f->link.latency) < 0) return -1;
        f->link_fields |= DSLAB_LINK_FIELD_LATENCY;
    }
    if ((n = dslab_ydoc_map_get(item, "loss"))) {
        if (dslab_ytree_probability(L->diag, L->file, n, &f->link.loss_ppm) < 0) return -1;
        f->link_fields |= DSLAB_LINK_FIELD_LOSS;
    }
    if ((n = dslab_ydoc_map_get(item, "duplicate"))) {
        if (dslab_ytree_probability(L->diag, L->file, n, &f->link.duplicate_ppm) < 0) return -1;
        f->link_fields |= DSLAB_LINK_FIELD_DUPLICATE;
    }
    if (f->link_fields == 0) {
        return dslab_ytree_error(L->diag, L->file, item, "a link fault needs latency, loss or duplicate");
    }
    return 0;
}

/* Fills f (and, for a rolling restart, the slots after it): returns how
 * many faults it wrote, or -1. */
static int load_fault(struct loader *L, const struct dslab_ynode *item, struct dslab_fault *f) {
    const struct dslab_ynode *at = NULL, *key = NULL;
    const struct action *a = NULL;
    f->node = f->peer = -1;
    f->slow_factor = 1;
    f->link = L->s->network.link;
    f->pos = (struct dslab_src_pos){item->line, item->col};
    if (load_keyed_mapping(L, item, "a mapping like { at: 2s, crash: n1 }", fault_keys, FAULT_KEYS_COUNT) < 0 ||
        dslab_ytree_require(L->diag, L->file, item, "at", &at) < 0 ||
        load_time_in_run(L, at, "fault", &f->at_ns) < 0 || find_action(L, item, &key, &a) < 0) {
        return -1;
    }
    const struct dslab_ynode *v = key->value;
    f->kind = a->kind;
    if (strcmp(a->key, "rolling-restart") == 0) return load_rolling_restart(L, item, v, f, f);
    int rc;
    switch (a->kind) {
    case DSLAB_FAULT_PARTITION: rc = load_partition(L, item, v, f); break;
    case DSLAB_FAULT_HEAL:
        if (v->kind == DSLAB_YNODE_SCALAR && strcmp(v->text, "all") == 0) {
            f->both_ways = true;
            rc = 0;
        } else if (v->kind == DSLAB_YNODE_SCALAR) {
            rc = dslab_ytree_expect_mapping(L->diag, L->file, v,
                                            "all, [a, b] (both ways) or {from: a, to: b}");
        } else {
            rc = load_link_ends(L, v, &f->node, &f->peer, &f->both_ways);
        }
        break;
    case DSLAB_FAULT_CUT: rc = load_link_ends(L, v, &f->node, &f->peer, &f->both_ways); break;
    case DSLAB_FAULT_CLOCK_JUMP: rc = load_clock(L, item, v, f); break;
    case DSLAB_FAULT_LINK: rc = load_link_fault(L, item, v, f); break;
    case DSLAB_FAULT_SET: rc = load_set(L, item, v, f); break;
    default: rc = load_node_action(L, item, v, f); break;
    }
    return rc < 0 ? -1 : 1;
}

int load_faults(struct loader *L, const struct dslab_ynode *seq) {
    struct dslab_scenario *s = L->s;
    if (dslab_ytree_expect_list(L->diag, L->file, seq, "a list of faults like [{ at: 2s, crash: n1 }]") < 0) {
        return -1;
    }
    /* A rolling restart is one item and two faults per node: count them all
     * before allocating, so the limit holds for what runs. */
    int64_t capacity = 0;
    for (const struct dslab_ynode *item = seq->first; item; item = item->next) {
        capacity += item->kind == DSLAB_YNODE_MAPPING ? load_rolling_restart_size(item, s->nodes_count) : 1;
        if (capacity > DSLAB_FAULTS_MAX) {
            return dslab_ytree_error(L->diag, L->file, seq,
                                     "more than %d faults (DSLAB_FAULTS_MAX)%s", DSLAB_FAULTS_MAX,
                                     item->kind == DSLAB_YNODE_MAPPING && dslab_ydoc_map_get(item, "rolling-restart")
                                         ? "; a rolling restart counts a crash and a restart per node"
                                         : "");
        }
    }
    s->faults = load_alloc(L, sizeof *s->faults * (size_t)capacity);
    if (!s->faults) return -1;
    for (const struct dslab_ynode *item = seq->first; item; item = item->next) {
        struct dslab_fault *f = &s->faults[s->faults_count];
        s->faults_count++; /* counted first: dslab_scenario_free() frees group_of_node */
        int written = load_fault(L, item, f);
        if (written < 0) return -1;
        DSLAB_ASSERT(s->faults_count - 1 + written <= capacity);
        s->faults_count += written - 1;
    }
    return load_sort_by_time(L, s->faults, s->faults_count, sizeof *s->faults,
                             offsetof(struct dslab_fault, at_ns));
}
