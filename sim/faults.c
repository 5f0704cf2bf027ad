/* faults.c: applying a fault from the schedule (or a live intervention).
 *
 * Partitions replace the network's partition shape (group ids per node,
 * or the majorities ring) in O(N) and drop every single-link cut or heal;
 * cuts and heals edit single links on top of the shape (net.h). Named shapes that need a choice the
 * scenario did not make (which nodes form the majority) draw it from the
 * faults stream, so the choice is the same for the same seed. Every fault
 * is traced with a readable description.
 *
 * A fault that would change nothing (crashing a crashed node, restarting a
 * node that is not crashed, pausing a crashed node or one already paused
 * past the new end, cutting a cut link, ...) is not applied: it is traced
 * as `no_effect` with the reason, is not counted as applied, and arms no
 * assumption monitor (docs/SCENARIO_FORMAT.md, "Faults that change
 * nothing"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/latency.h"
#include "dslab/time.h"
#include "sim_internal.h"

#define DESC_MAX 512

static const char *name_of(const struct dslab_sim *sim, int32_t node) {
    return sim->sc->node_names[node];
}

/* Appends "{a b c}" for the nodes with side[i] == want. */
static void describe_group(const struct dslab_sim *sim, const int32_t *side, int32_t want, char *buf,
                           size_t cap) {
    int32_t members = 0;
    for (int32_t i = 0; i < sim->nodes_count; i++) members += side[i] == want;
    if (members == 0) return;
    size_t len = strlen(buf);
    len += (size_t)snprintf(buf + len, cap > len ? cap - len : 0, "%s{", len ? " | " : "");
    int first = 1;
    for (int32_t i = 0; i < sim->nodes_count && len < cap; i++) {
        if (side[i] != want) continue;
        len += (size_t)snprintf(buf + len, cap - len, "%s%s", first ? "" : " ", name_of(sim, i));
        first = 0;
    }
    if (len < cap) snprintf(buf + len, cap - len, "}");
}

/* Blocks every pair whose sides differ (a side NET_GROUP_ALL sees all). */
static void apply_sides(struct dslab_sim *sim, const int32_t *side) {
    if (net_set_groups(&sim->net, side) != 0) sim_fail(sim, "out of memory for a partition");
}

/* Random order of node indices from the faults stream (Fisher-Yates). */
static void shuffled(struct dslab_sim *sim, int32_t *order) {
    for (int32_t i = 0; i < sim->nodes_count; i++) order[i] = i;
    for (int32_t i = sim->nodes_count - 1; i > 0; i--) {
        int32_t j = (int32_t)dslab_rng_below(&sim->faults_rng, (uint64_t)i + 1);
        int32_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
}

/* Two sides (0 and 1): applies them and describes side `first`, then the other. */
static void apply_two_sides(struct dslab_sim *sim, const int32_t *side, int32_t first, char *desc) {
    apply_sides(sim, side);
    describe_group(sim, side, first, desc, DESC_MAX);
    describe_group(sim, side, 1 - first, desc, DESC_MAX);
}

/* The node the fault names, or one drawn from the faults stream when it names none. */
static int32_t named_or_drawn(struct dslab_sim *sim, const struct dslab_fault *f, int32_t n) {
    return f->node >= 0 ? f->node : (int32_t)dslab_rng_below(&sim->faults_rng, (uint64_t)n);
}

static void partition_ring(struct dslab_sim *sim, char *desc) {
    int32_t n = sim->nodes_count;
    int32_t majority = n / 2 + 1;
    int32_t reach = majority / 2; /* neighbours seen on each side */
    if (2 * reach + 1 < majority) reach++;
    net_set_ring(&sim->net, reach); /* nodes further apart on the ring are cut */
    snprintf(desc, DESC_MAX, "majorities-ring: each node sees %d neighbour(s) on each side",
             (int)reach);
}

static void apply_partition(struct dslab_sim *sim, const struct dslab_fault *f, char *desc) {
    int32_t n = sim->nodes_count;
    int32_t *side = calloc((size_t)n, sizeof *side);
    int32_t *order = calloc((size_t)n, sizeof *order);
    if (!side || !order) {
        free(side);
        free(order);
        sim_fail(sim, "out of memory applying a partition");
        return;
    }
    desc[0] = 0;
    switch (f->shape) {
    case DSLAB_PARTITION_GROUPS: {
        int32_t groups = 0;
        for (int32_t i = 0; i < n; i++) {
            if (f->group_of_node[i] + 1 > groups) groups = f->group_of_node[i] + 1;
        }
        for (int32_t i = 0; i < n; i++) {
            side[i] = f->group_of_node[i] >= 0 ? f->group_of_node[i] : groups;
        }
        apply_sides(sim, side);
        for (int32_t g = 0; g <= groups; g++) describe_group(sim, side, g, desc, DESC_MAX);
        break;
    }
    case DSLAB_PARTITION_MAJORITY_MINORITY:
        shuffled(sim, order);
        for (int32_t k = 0; k < n; k++) side[order[k]] = k < n / 2 + 1 ? 0 : 1;
        apply_two_sides(sim, side, 0, desc);
        break;
    case DSLAB_PARTITION_ISOLATE_ONE: {
        int32_t alone = named_or_drawn(sim, f, n);
        for (int32_t i = 0; i < n; i++) side[i] = i == alone ? 1 : 0;
        apply_two_sides(sim, side, 1, desc);
        break;
    }
    case DSLAB_PARTITION_BRIDGE: {
        int32_t bridge = named_or_drawn(sim, f, n);
        int32_t k = 0;
        for (int32_t i = 0; i < n; i++) {
            if (i == bridge) continue;
            side[i] = k < (n - 1) / 2 ? 0 : 1;
            k++;
        }
        side[bridge] = NET_GROUP_ALL; /* the bridge sees both halves */
        apply_sides(sim, side);
        describe_group(sim, side, 0, desc, DESC_MAX);
        size_t len = strlen(desc);
        snprintf(desc + len, DESC_MAX - len, " <-%s->", name_of(sim, bridge));
        describe_group(sim, side, 1, desc, DESC_MAX);
        break;
    }
    case DSLAB_PARTITION_MAJORITIES_RING:
        partition_ring(sim, desc);
        break;
    }
    free(side);
    free(order);
}

static void emit(struct dslab_sim *sim, enum dslab_trace_kind kind, int32_t node, int32_t peer, int64_t a,
                 int64_t b, const char *text) {
    struct dslab_trace_event ev = {.kind = kind, .node = node, .peer = peer, .a = a, .b = b, .text = text};
    sim_emit(sim, &ev);
}

static void set_link(struct dslab_sim *sim, int32_t from, int32_t to, bool blocked) {
    if (net_set_blocked(&sim->net, from, to, blocked) != 0) {
        sim_fail(sim, "out of memory for the partition matrix");
    }
}

/* The link the fault names, and its reverse when it says both ways. */
static void set_fault_links(struct dslab_sim *sim, const struct dslab_fault *f, bool blocked) {
    set_link(sim, f->node, f->peer, blocked);
    if (f->both_ways) set_link(sim, f->peer, f->node, blocked);
}

/* Both directions the fault names are already in state `blocked`. */
static bool links_already(const struct dslab_sim *sim, const struct dslab_fault *f, bool blocked) {
    if (net_blocked(&sim->net, f->node, f->peer) != blocked) return false;
    return !f->both_ways || net_blocked(&sim->net, f->peer, f->node) == blocked;
}

/* Why fault f would change nothing now, written into why; false when it
 * has an effect. Partitions and link changes replace state wholesale and
 * always count as applied. */
static bool no_effect(const struct dslab_sim *sim, const struct dslab_fault *f, char *why, size_t cap) {
    const char *who = f->node >= 0 ? name_of(sim, f->node) : "";
    const struct node_rt *n = f->node >= 0 ? &sim->nodes[f->node] : NULL;
    char t[32];
    switch (f->kind) {
    case DSLAB_FAULT_CRASH:
        if (n->status != DSLAB_NODE_CRASHED) return false;
        snprintf(why, cap, "crash %s: %s is already crashed", who, who);
        return true;
    case DSLAB_FAULT_RESTART:
        if (n->status == DSLAB_NODE_CRASHED) return false;
        snprintf(why, cap, "restart %s: %s is not crashed (%s)", who, who,
                 n->status == DSLAB_NODE_PAUSED ? "paused" : "running");
        return true;
    case DSLAB_FAULT_PAUSE:
        dslab_time_format_human(f->duration_ns, t, sizeof t);
        if (n->status == DSLAB_NODE_CRASHED) {
            snprintf(why, cap, "pause %s for %s: %s is crashed", who, t, who);
            return true;
        }
        if (n->status == DSLAB_NODE_PAUSED &&
            n->cold->paused_until_ns >= dslab_time_add_sat(sim->now_ns, f->duration_ns)) {
            char u[32];
            snprintf(why, cap, "pause %s for %s: %s is already paused until %s", who, t, who,
                     dslab_time_format_s(n->cold->paused_until_ns, u, sizeof u));
            return true;
        }
        return false;
    case DSLAB_FAULT_CLOCK_JUMP:
        if (f->jump_ns != 0) return false;
        snprintf(why, cap, "clock %s jumps 0", who);
        return true;
    case DSLAB_FAULT_CLOCK_DRIFT:
        if (n->cold->clock.drift_ppm != f->drift_ppm) return false;
        snprintf(why, cap, "clock %s drift %lld ppm: it already drifts %lld ppm", who,
                 (long long)f->drift_ppm, (long long)f->drift_ppm);
        return true;
    case DSLAB_FAULT_SLOW:
        if (net_slow_factor(&sim->net, f->node, f->node) != f->slow_factor) return false;
        snprintf(why, cap, "slow %s x%u: its factor is already %u", who, f->slow_factor,
                 f->slow_factor);
        return true;
    case DSLAB_FAULT_SLOW_DISK:
        if (!n->costs || !n->costs->disk_on) {
            snprintf(why, cap, "slow-disk %s x%u: %s has no disk model (costs.disk)", who,
                     f->slow_factor, who);
            return true;
        }
        if ((n->cold->disk_slow_factor ? n->cold->disk_slow_factor : 1) != f->slow_factor) return false;
        snprintf(why, cap, "slow-disk %s x%u: its factor is already %u", who, f->slow_factor,
                 f->slow_factor);
        return true;
    case DSLAB_FAULT_CUT:
        if (!links_already(sim, f, true)) return false;
        snprintf(why, cap, "cut %s %s %s: already cut", who, f->both_ways ? "<->" : "->",
                 name_of(sim, f->peer));
        return true;
    case DSLAB_FAULT_HEAL:
        if (f->node < 0) {
            if (sim->net.shape != NET_SHAPE_NONE || sim->net.flipped_count != 0) return false;
            snprintf(why, cap, "heal all: no link is cut");
            return true;
        }
        if (!links_already(sim, f, false)) return false;
        snprintf(why, cap, "heal %s %s %s: not cut", who, f->both_ways ? "<->" : "->",
                 name_of(sim, f->peer));
        return true;
    case DSLAB_FAULT_DEPLOY:
        if ((n->cold->version ? n->cold->version : 1) != f->version) return false;
        snprintf(why, cap, "deploy %s version %d: it already runs version %d", who, (int)f->version,
                 (int)f->version);
        return true;
    case DSLAB_FAULT_SHED:
        if (!n->costs || !n->costs->cpu_on) {
            snprintf(why, cap, "shed %s: %s has no CPU model (costs.cpu)", who, who);
            return true;
        }
        if (sim_shed_ppm(sim, f->node) != f->shed_ppm) return false;
        snprintf(why, cap, "shed %s %u ppm: it already sheds %u ppm", who, (unsigned)f->shed_ppm,
                 (unsigned)f->shed_ppm);
        return true;
    case DSLAB_FAULT_PARTITION:
    case DSLAB_FAULT_LINK:
    case DSLAB_FAULT_SET: /* the protocol's config is opaque: always applied */
    case DSLAB_FAULT_KIND_COUNT:
        return false;
    }
    return false;
}

void faults_apply(struct dslab_sim *sim, const struct dslab_fault *f) {
    char desc[DESC_MAX];
    if (no_effect(sim, f, desc, sizeof desc)) {
        sim->stats.faults_no_effect++;
        emit(sim, DSLAB_TRACE_NO_EFFECT, f->node, f->kind == DSLAB_FAULT_CUT || f->kind == DSLAB_FAULT_HEAL ? f->peer : -1,
             0, 0, desc);
        return;
    }
    sim->stats.faults_applied++;
    switch (f->kind) {
    case DSLAB_FAULT_PARTITION:
        apply_partition(sim, f, desc);
        emit(sim, DSLAB_TRACE_PARTITION, -1, -1, f->shape, 0, desc);
        assume_on_topology_change(sim);
        break;
    case DSLAB_FAULT_HEAL:
        if (f->node < 0) {
            net_heal_all(&sim->net);
        } else {
            set_fault_links(sim, f, false);
        }
        emit(sim, DSLAB_TRACE_HEAL, f->node, f->peer, f->both_ways, 0, NULL);
        assume_on_topology_change(sim);
        break;
    case DSLAB_FAULT_CUT:
        set_fault_links(sim, f, true);
        emit(sim, DSLAB_TRACE_CUT, f->node, f->peer, f->both_ways, 0, NULL);
        assume_on_topology_change(sim);
        break;
    case DSLAB_FAULT_CRASH:
        sim_node_crash(sim, f->node);
        emit(sim, DSLAB_TRACE_CRASH, f->node, -1, 0, 0, NULL);
        assume_on_topology_change(sim);
        break;
    case DSLAB_FAULT_RESTART:
        emit(sim, DSLAB_TRACE_RESTART, f->node, -1, f->lose_unsynced, 0, NULL);
        sim_node_restart(sim, f->node, f->lose_unsynced);
        assume_on_topology_change(sim);
        assume_on_restart(sim, f->node, f->lose_unsynced);
        break;
    case DSLAB_FAULT_PAUSE:
        emit(sim, DSLAB_TRACE_PAUSE, f->node, -1, f->duration_ns, 0, NULL);
        sim_node_pause(sim, f->node, f->duration_ns);
        assume_on_pause(sim, f->node);
        break;
    case DSLAB_FAULT_CLOCK_JUMP:
        clock_jump(&sim->nodes[f->node].cold->clock, f->jump_ns);
        emit(sim, DSLAB_TRACE_CLOCK_JUMP, f->node, -1, f->jump_ns,
             clock_wall_ns(&sim->nodes[f->node].cold->clock, sim->now_ns), NULL);
        assume_on_clock_change(sim);
        break;
    case DSLAB_FAULT_CLOCK_DRIFT:
        sim_node_set_drift(sim, f->node, f->drift_ppm);
        emit(sim, DSLAB_TRACE_CLOCK_DRIFT, f->node, -1, f->drift_ppm, 0, NULL);
        assume_on_clock_change(sim);
        break;
    case DSLAB_FAULT_LINK: {
        if (net_override(&sim->net, f->node, f->peer, f->link_fields, &f->link) != 0 ||
            (f->both_ways && net_override(&sim->net, f->peer, f->node, f->link_fields, &f->link) != 0)) {
            sim_fail(sim, "out of memory for link overrides");
        }
        char lat[160];
        dslab_latency_format(&f->link.latency, lat, sizeof lat);
        snprintf(desc, sizeof desc, "%s%s%s loss=%u ppm duplicate=%u ppm",
                 (f->link_fields & DSLAB_LINK_FIELD_LATENCY) ? "latency=" : "",
                 (f->link_fields & DSLAB_LINK_FIELD_LATENCY) ? lat : "",
                 (f->link_fields & DSLAB_LINK_FIELD_LATENCY) ? "" : "", f->link.loss_ppm,
                 f->link.duplicate_ppm);
        emit(sim, DSLAB_TRACE_LINK, f->node, f->peer, f->both_ways, f->link_fields, desc);
        break;
    }
    case DSLAB_FAULT_SLOW:
        if (net_set_slow(&sim->net, f->node, f->slow_factor) != 0) {
            sim_fail(sim, "out of memory for slow nodes");
        }
        emit(sim, DSLAB_TRACE_SLOW, f->node, -1, f->slow_factor, 0, NULL);
        break;
    case DSLAB_FAULT_SLOW_DISK:
        sim->nodes[f->node].cold->disk_slow_factor = f->slow_factor;
        emit(sim, DSLAB_TRACE_SLOW, f->node, -1, f->slow_factor, 0, "disk");
        break;
    case DSLAB_FAULT_DEPLOY: {
        int32_t old = sim->nodes[f->node].cold->version ? sim->nodes[f->node].cold->version : 1;
        sim->nodes[f->node].cold->version = f->version;
        sim->deployed = true; /* deliveries check versions from now on */
        emit(sim, DSLAB_TRACE_DEPLOY, f->node, -1, f->version, old, NULL);
        break;
    }
    case DSLAB_FAULT_SET: {
        struct dslab_diag d;
        dslab_diag_clear(&d);
        /* Checked when the fault was loaded or the action parsed; a
         * protocol that refuses now stops the run with its reason. */
        if (!sim->proto->reconfigure ||
            sim->proto->reconfigure(sim->proto_config, f->param_key, f->param_value, &d) != 0) {
            sim_fail(sim, "set protocol.%s to %s: %s", f->param_key, f->param_value,
                     sim->proto->reconfigure ? d.message : "the protocol has no parameter that can change mid-run");
            break;
        }
        struct dslab_trace_event ev = {.kind = DSLAB_TRACE_SET, .node = -1, .peer = -1, .tag = f->param_key,
                                       .text = f->param_value};
        sim_emit(sim, &ev);
        break;
    }
    case DSLAB_FAULT_SHED:
        if (sim_set_shed_ppm(sim, f->node, f->shed_ppm) != 0) {
            sim_fail(sim, "out of memory for load shedding");
            break;
        }
        emit(sim, DSLAB_TRACE_SHED, f->node, -1, f->shed_ppm, 0, NULL);
        break;
    case DSLAB_FAULT_KIND_COUNT:
        break;
    }
    sim_refresh_unusual(sim); /* cuts, link parameters, slow nodes, deploys */
}
