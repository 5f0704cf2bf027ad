/* explore_schedule.c: random fault schedules (swarm style) and their
 * expansion into a scenario's fault list.
 *
 * Drawing: each seed first decides which fault kinds and partition shapes
 * are on (each allowed one with probability 1/2, at least one), then how
 * many faults (1..max_faults), then each fault's kind, time, node and size
 * within the scenario's `explore:` bounds. Swarm testing: a seed with only
 * crashes explores crashes far more deeply than one that mixes everything.
 * All draws come from the DSLAB_RNG_PURPOSE_EXPLORE stream of the seed, so a
 * seed's schedule is a pure function of (scenario, seed, mode).
 *
 * Expansion: every episode becomes concrete faults, with nothing left for
 * the simulator to choose (a majority-minority split becomes explicit
 * groups), so removing one episode never changes what another one does.
 * Each episode that lasts is undone by heal_after at the latest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/rng.h"
#include "dslab/time.h"
#include "dslab/explore_engine.h"
#include "scenario/load_internal.h"

/* ---- schedules ------------------------------------------------------------ */

int dslab_explore_schedule_copy(struct dslab_explore_schedule *dst, const struct dslab_explore_schedule *src) {
    dst->count = src->count;
    dst->kinds_on = src->kinds_on;
    dst->eps = malloc(sizeof *dst->eps * (size_t)(src->count ? src->count : 1));
    if (!dst->eps) {
        dst->count = 0;
        return -1;
    }
    if (src->count) memcpy(dst->eps, src->eps, sizeof *dst->eps * (size_t)src->count);
    return 0;
}

void dslab_explore_schedule_free(struct dslab_explore_schedule *s) {
    free(s->eps);
    s->eps = NULL;
    s->count = 0;
}

void dslab_explore_schedule_remove(struct dslab_explore_schedule *s, int from, int count) {
    if (from < 0 || count <= 0 || from >= s->count) return;
    if (from + count > s->count) count = s->count - from;
    memmove(&s->eps[from], &s->eps[from + count],
            sizeof *s->eps * (size_t)(s->count - from - count));
    s->count -= count;
}

/* ---- drawing ---------------------------------------------------------------- */

/* Kinds that make sense with this many nodes. */
static uint32_t feasible_kinds(const struct dslab_scenario *s) {
    uint32_t mask = s->explore.kinds_mask;
    if (s->nodes_count < 2) {
        mask &= ~((1u << DSLAB_EXPLORE_KIND_PARTITION) | (1u << DSLAB_EXPLORE_KIND_LOSS) |
                  (1u << DSLAB_EXPLORE_KIND_SLOW));
    }
    return mask;
}

static uint32_t feasible_shapes(const struct dslab_scenario *s) {
    uint32_t mask = s->explore.shapes_mask;
    if (s->nodes_count < 3) {
        mask &= ~((1u << DSLAB_EXPLORE_SHAPE_BRIDGE) | (1u << DSLAB_EXPLORE_SHAPE_MAJORITIES_RING));
    }
    return mask;
}

/* Swarm: each bit of `mask` on with probability 1/2; at least one. */
static uint32_t swarm_subset(struct dslab_rng *r, uint32_t mask) {
    if (mask == 0) return 0;
    for (;;) {
        uint32_t on = 0;
        for (int i = 0; i < 32; i++) {
            if ((mask & (1u << i)) && dslab_rng_below(r, 2)) on |= 1u << i;
        }
        if (on) return on;
    }
}

/* Uniformly one of the set bits of mask (mask != 0). */
static int pick_bit(struct dslab_rng *r, uint32_t mask) {
    int bits = __builtin_popcount(mask);
    int k = (int)dslab_rng_below(r, (uint64_t)bits);
    for (int i = 0; i < 32; i++) {
        if ((mask & (1u << i)) && k-- == 0) return i;
    }
    return 0;
}

/* Times drawn are whole milliseconds (readable reproducers), but never
 * below the bound `lo` (which may itself be finer). */
static int64_t round_ms(int64_t v_ns, int64_t lo) {
    int64_t r = v_ns / DSLAB_NS_PER_MS * DSLAB_NS_PER_MS;
    return r < lo ? lo : r;
}

static void draw_episode(const struct dslab_scenario *s, struct dslab_rng *r, uint32_t kinds, uint32_t shapes,
                         struct dslab_explore_episode *ep) {
    const struct dslab_scenario_explore *e = &s->explore;
    memset(ep, 0, sizeof *ep);
    ep->kind = pick_bit(r, kinds);
    ep->fault_index = -1;
    ep->at_ns = round_ms(dslab_rng_range_i64(r, e->start_ns, e->heal_ns - 1), e->start_ns);
    ep->node = (int32_t)dslab_rng_below(r, (uint64_t)s->nodes_count);
    int64_t room_ns = e->heal_ns - ep->at_ns;
    int64_t d = round_ms(dslab_rng_range_i64(r, e->fault_ns_min, e->fault_ns_max), e->fault_ns_min);
    ep->duration_ns = d < room_ns ? d : room_ns;
    switch (ep->kind) {
    case DSLAB_EXPLORE_KIND_PARTITION:
        ep->shape = shapes ? pick_bit(r, shapes) : DSLAB_EXPLORE_SHAPE_ISOLATE_ONE;
        ep->direction = (int32_t)dslab_rng_below(r, 2);
        ep->pick = dslab_rng_next_u64(r);
        break;
    case DSLAB_EXPLORE_KIND_PAUSE:
        d = round_ms(dslab_rng_range_i64(r, e->pause_ns_min, e->pause_ns_max), e->pause_ns_min);
        ep->duration_ns = d < room_ns ? d : room_ns;
        break;
    case DSLAB_EXPLORE_KIND_CLOCK_JUMP:
        ep->duration_ns = 0;
        ep->amount = round_ms(dslab_rng_range_i64(r, e->jump_ns_min, e->jump_ns_max), e->jump_ns_min);
        break;
    case DSLAB_EXPLORE_KIND_CLOCK_DRIFT:
        ep->amount = dslab_rng_range_i64(r, e->drift_ppm_min, e->drift_ppm_max);
        break;
    case DSLAB_EXPLORE_KIND_LOSS:
        ep->amount = dslab_rng_range_i64(r, e->loss_ppm_min, e->loss_ppm_max);
        break;
    case DSLAB_EXPLORE_KIND_SLOW:
        ep->amount = dslab_rng_range_i64(r, e->slow_factor_min, e->slow_factor_max);
        break;
    default: break;
    }
}

static int episode_cmp(const void *pa, const void *pb) {
    const struct dslab_explore_episode *a = pa, *b = pb;
    if (a->at_ns != b->at_ns) return a->at_ns < b->at_ns ? -1 : 1;
    /* File faults keep file order; drawn ones the order they were drawn in
     * (pick is unique per draw with overwhelming odds; fault_index breaks
     * the remaining ties among file faults). */
    if (a->fault_index != b->fault_index) return a->fault_index < b->fault_index ? -1 : 1;
    if (a->kind != b->kind) return a->kind < b->kind ? -1 : 1;
    if (a->node != b->node) return a->node < b->node ? -1 : 1;
    if (a->amount != b->amount) return a->amount < b->amount ? -1 : 1;
    if (a->duration_ns != b->duration_ns) return a->duration_ns < b->duration_ns ? -1 : 1;
    return a->pick < b->pick ? -1 : (a->pick > b->pick);
}

int dslab_explore_draw(const struct dslab_scenario *s, uint64_t seed, enum dslab_explore_mode mode,
                 struct dslab_explore_schedule *out) {
    struct dslab_rng r;
    dslab_rng_init(&r, seed, DSLAB_RNG_PURPOSE_EXPLORE, NULL);
    uint32_t kinds = mode == DSLAB_EXPLORE_FAULTS_SCENARIO ? 0 : swarm_subset(&r, feasible_kinds(s));
    uint32_t shapes = swarm_subset(&r, feasible_shapes(s));
    int drawn = kinds ? 1 + (int)dslab_rng_below(&r, (uint64_t)s->explore.max_faults) : 0;
    int from_file = mode == DSLAB_EXPLORE_FAULTS_RANDOM ? 0 : s->faults_count;
    out->count = 0;
    out->kinds_on = kinds;
    out->eps = malloc(sizeof *out->eps * (size_t)(drawn + from_file + 1));
    if (!out->eps) return -1;
    for (int i = 0; i < from_file; i++) {
        struct dslab_explore_episode *ep = &out->eps[out->count++];
        memset(ep, 0, sizeof *ep);
        ep->kind = DSLAB_EXPLORE_EPISODE_SCENARIO;
        ep->at_ns = s->faults[i].at_ns;
        ep->node = s->faults[i].node;
        ep->fault_index = i;
    }
    for (int i = 0; i < drawn; i++) draw_episode(s, &r, kinds, shapes, &out->eps[out->count++]);
    qsort(out->eps, (size_t)out->count, sizeof *out->eps, episode_cmp);
    return 0;
}

/* ---- expansion -------------------------------------------------------------- */

struct fault_list {
    struct dslab_fault *faults;
    int count, capacity;
    int64_t *order; /* per fault: episode index * 4 + phase, for a stable sort */
};

static struct dslab_fault *push(struct fault_list *l, const struct dslab_scenario *s, int64_t at_ns,
                          enum dslab_fault_kind kind, int32_t node, int32_t peer, int64_t order) {
    if (l->count == l->capacity) return NULL; /* sized exactly by the caller */
    struct dslab_fault *f = &l->faults[l->count];
    memset(f, 0, sizeof *f);
    f->at_ns = at_ns;
    f->kind = kind;
    f->node = node;
    f->peer = peer;
    f->slow_factor = 1;
    f->link = s->network.link;
    l->order[l->count++] = order;
    return f;
}

/* Loss on from -> to before any drawn fault: the file's override, or the base. */
static uint32_t loss_before(const struct dslab_scenario *s, int32_t from, int32_t to) {
    uint32_t loss = s->network.link.loss_ppm;
    for (int i = 0; i < s->link_overrides_count; i++) {
        const struct dslab_scenario_link_override *o = &s->link_overrides[i];
        bool match = (o->from_node == from && o->to_node == to) ||
                     (o->both_ways && o->from_node == to && o->to_node == from);
        if (match && (o->fields & DSLAB_LINK_FIELD_LOSS)) loss = o->link.loss_ppm;
    }
    return loss;
}

/* Faults one episode expands to (upper bound, for sizing). */
static int faults_needed(const struct dslab_scenario *s, const struct dslab_explore_episode *ep) {
    int n = s->nodes_count;
    if (ep->kind == DSLAB_EXPLORE_KIND_LOSS) return 3 * (n - 1);
    if (ep->kind == DSLAB_EXPLORE_KIND_PARTITION && ep->shape == DSLAB_EXPLORE_SHAPE_ONE_WAY) return 2 * (n - 1);
    return 2;
}

/* A random minority (1 .. (n-1)/2 nodes) as groups: minority 0, rest 1. */
static void minority_groups(int32_t n, uint64_t pick, int32_t *group_of_node) {
    struct dslab_rng r;
    dslab_rng_init_indexed(&r, pick, DSLAB_RNG_PURPOSE_EXPLORE, 1);
    int32_t size = 1 + (int32_t)dslab_rng_below(&r, (uint64_t)((n - 1) / 2 > 0 ? (n - 1) / 2 : 1));
    for (int32_t i = 0; i < n; i++) group_of_node[i] = 1;
    /* Partial Fisher-Yates over an implicit identity permutation. */
    for (int32_t k = 0; k < size; k++) {
        int32_t j;
        do {
            j = (int32_t)dslab_rng_below(&r, (uint64_t)n);
        } while (group_of_node[j] == 0);
        group_of_node[j] = 0;
    }
}

static void expand_partition(const struct dslab_scenario *s, const struct dslab_explore_episode *ep,
                             int64_t order, int32_t *groups, struct fault_list *l) {
    int64_t end_ns = ep->at_ns + ep->duration_ns;
    int32_t n = s->nodes_count;
    if (ep->shape == DSLAB_EXPLORE_SHAPE_ONE_WAY) {
        for (int32_t j = 0; j < n; j++) {
            if (j == ep->node) continue;
            int32_t from = ep->direction ? j : ep->node, to = ep->direction ? ep->node : j;
            push(l, s, ep->at_ns, DSLAB_FAULT_CUT, from, to, order);
            push(l, s, end_ns, DSLAB_FAULT_HEAL, from, to, order + 1);
        }
        return;
    }
    struct dslab_fault *f = push(l, s, ep->at_ns, DSLAB_FAULT_PARTITION, -1, -1, order);
    switch (ep->shape) {
    case DSLAB_EXPLORE_SHAPE_MAJORITY_MINORITY:
        f->shape = DSLAB_PARTITION_GROUPS;
        f->group_of_node = groups;
        minority_groups(n, ep->pick, groups);
        break;
    case DSLAB_EXPLORE_SHAPE_BRIDGE: f->shape = DSLAB_PARTITION_BRIDGE; f->node = ep->node; break;
    case DSLAB_EXPLORE_SHAPE_MAJORITIES_RING: f->shape = DSLAB_PARTITION_MAJORITIES_RING; break;
    default: f->shape = DSLAB_PARTITION_ISOLATE_ONE; f->node = ep->node; break;
    }
    f = push(l, s, end_ns, DSLAB_FAULT_HEAL, -1, -1, order + 1);
    f->both_ways = true;
}

static void expand_loss(const struct dslab_scenario *s, const struct dslab_explore_episode *ep, int64_t order,
                        struct fault_list *l) {
    int64_t end_ns = ep->at_ns + ep->duration_ns;
    for (int32_t j = 0; j < s->nodes_count; j++) {
        if (j == ep->node) continue;
        struct dslab_fault *f = push(l, s, ep->at_ns, DSLAB_FAULT_LINK, ep->node, j, order);
        f->both_ways = true;
        f->link_fields = DSLAB_LINK_FIELD_LOSS;
        f->link.loss_ppm = (uint32_t)ep->amount;
        f = push(l, s, end_ns, DSLAB_FAULT_LINK, ep->node, j, order + 1);
        f->link_fields = DSLAB_LINK_FIELD_LOSS;
        f->link.loss_ppm = loss_before(s, ep->node, j);
        f = push(l, s, end_ns, DSLAB_FAULT_LINK, j, ep->node, order + 1);
        f->link_fields = DSLAB_LINK_FIELD_LOSS;
        f->link.loss_ppm = loss_before(s, j, ep->node);
    }
}

static void expand_episode(const struct dslab_scenario *s, const struct dslab_explore_episode *ep,
                           int64_t order, int32_t *groups, struct fault_list *l) {
    int64_t end_ns = ep->at_ns + ep->duration_ns;
    struct dslab_fault *f;
    switch (ep->kind) {
    case DSLAB_EXPLORE_EPISODE_SCENARIO:
        f = push(l, s, ep->at_ns, DSLAB_FAULT_HEAL, -1, -1, order);
        *f = s->faults[ep->fault_index]; /* group_of_node stays borrowed from the file */
        f->at_ns = ep->at_ns;
        break;
    case DSLAB_EXPLORE_KIND_PARTITION: expand_partition(s, ep, order, groups, l); break;
    case DSLAB_EXPLORE_KIND_CRASH:
        push(l, s, ep->at_ns, DSLAB_FAULT_CRASH, ep->node, -1, order);
        f = push(l, s, end_ns, DSLAB_FAULT_RESTART, ep->node, -1, order + 1);
        f->lose_unsynced = s->explore.lose_unsynced;
        break;
    case DSLAB_EXPLORE_KIND_PAUSE:
        f = push(l, s, ep->at_ns, DSLAB_FAULT_PAUSE, ep->node, -1, order);
        f->duration_ns = ep->duration_ns > 0 ? ep->duration_ns : 1;
        break;
    case DSLAB_EXPLORE_KIND_CLOCK_JUMP:
        f = push(l, s, ep->at_ns, DSLAB_FAULT_CLOCK_JUMP, ep->node, -1, order);
        f->jump_ns = ep->amount;
        break;
    case DSLAB_EXPLORE_KIND_CLOCK_DRIFT:
        f = push(l, s, ep->at_ns, DSLAB_FAULT_CLOCK_DRIFT, ep->node, -1, order);
        f->drift_ppm = ep->amount;
        f = push(l, s, end_ns, DSLAB_FAULT_CLOCK_DRIFT, ep->node, -1, order + 1);
        f->drift_ppm = s->clocks[ep->node].drift_ppm;
        break;
    case DSLAB_EXPLORE_KIND_LOSS: expand_loss(s, ep, order, l); break;
    case DSLAB_EXPLORE_KIND_SLOW:
        f = push(l, s, ep->at_ns, DSLAB_FAULT_SLOW, ep->node, -1, order);
        f->slow_factor = (uint32_t)ep->amount;
        push(l, s, end_ns, DSLAB_FAULT_SLOW, ep->node, -1, order + 1);
        break;
    default: break;
    }
}

struct sort_item {
    int64_t at_ns;
    int64_t order;
    int32_t index;
};

static int sort_item_cmp(const void *pa, const void *pb) {
    const struct sort_item *a = pa, *b = pb;
    if (a->at_ns != b->at_ns) return a->at_ns < b->at_ns ? -1 : 1;
    if (a->order != b->order) return a->order < b->order ? -1 : 1;
    return a->index < b->index ? -1 : (a->index > b->index);
}

/* Sorts by (time, episode order, position): the loader's stable order. */
static int sort_faults(struct fault_list *l) {
    struct sort_item *items = malloc(sizeof *items * (size_t)(l->count ? l->count : 1));
    struct dslab_fault *sorted = malloc(sizeof *sorted * (size_t)(l->count ? l->count : 1));
    if (!items || !sorted) {
        free(items);
        free(sorted);
        return -1;
    }
    for (int i = 0; i < l->count; i++) items[i] = (struct sort_item){l->faults[i].at_ns, l->order[i], i};
    qsort(items, (size_t)l->count, sizeof *items, sort_item_cmp);
    for (int i = 0; i < l->count; i++) sorted[i] = l->faults[items[i].index];
    free(items);
    free(l->faults);
    l->faults = sorted;
    return 0;
}

int dslab_explore_expand(const struct dslab_scenario *base, const struct dslab_explore_schedule *sch,
                   struct dslab_explore_scenario *out) {
    int needed = 0, partitions = 0;
    for (int i = 0; i < sch->count; i++) {
        needed += faults_needed(base, &sch->eps[i]);
        partitions += sch->eps[i].kind == DSLAB_EXPLORE_KIND_PARTITION;
    }
    struct fault_list l = {.capacity = needed};
    l.faults = malloc(sizeof *l.faults * (size_t)(needed ? needed : 1));
    l.order = malloc(sizeof *l.order * (size_t)(needed ? needed : 1));
    int32_t *groups = malloc(sizeof *groups * (size_t)(partitions ? partitions : 1) *
                             (size_t)base->nodes_count);
    if (!l.faults || !l.order || !groups) goto fail;
    int g = 0;
    for (int i = 0; i < sch->count; i++) {
        int32_t *slot = &groups[(size_t)g * (size_t)base->nodes_count];
        g += sch->eps[i].kind == DSLAB_EXPLORE_KIND_PARTITION;
        /* Episodes at equal times keep schedule order; starts before ends. */
        expand_episode(base, &sch->eps[i], (int64_t)i * 4, slot, &l);
    }
    if (sort_faults(&l) < 0) goto fail;
    free(l.order);
    out->sc = *base;
    out->sc.faults = l.faults;
    out->sc.faults_count = l.count;
    out->faults = l.faults;
    out->groups = groups;
    return 0;
fail:
    free(l.faults);
    free(l.order);
    free(groups);
    return -1;
}

void dslab_explore_scenario_free(struct dslab_explore_scenario *x) {
    free(x->faults);
    free(x->groups);
    x->faults = NULL;
    x->groups = NULL;
}

/* ---- descriptions ----------------------------------------------------------- */

/* "a -> b" or "a <-> b" into buf. */
static const char *ends(const struct dslab_scenario *s, const struct dslab_fault *f, char *buf, size_t size) {
    snprintf(buf, size, "%s %s %s", s->node_names[f->node], f->both_ways ? "<->" : "->",
             s->node_names[f->peer]);
    return buf;
}

/* "{n1 n2} | {n3 n4 n5}" for a groups partition. */
static void groups_text(const struct dslab_scenario *s, const struct dslab_fault *f, char *buf, size_t size) {
    size_t len = 0;
    buf[0] = 0;
    for (int32_t g = -1; g < s->nodes_count && len < size; g++) {
        bool first = true;
        for (int32_t i = 0; i < s->nodes_count && len < size; i++) {
            if (f->group_of_node[i] != g) continue;
            len += (size_t)snprintf(buf + len, size - len, "%s%s", first ? (len ? " | {" : "{") : " ",
                                    s->node_names[i]);
            first = false;
        }
        if (!first && len < size) len += (size_t)snprintf(buf + len, size - len, "}");
    }
}

void dslab_explore_fault_describe(const struct dslab_scenario *s, const struct dslab_fault *f, char *buf,
                            int buf_size) {
    static const char *const shape[] = {"", "majority-minority", "isolate-one", "bridge",
                                        "majorities-ring"};
    char at[32], x[32], e[160];
    const char *node = f->node >= 0 && f->node < s->nodes_count ? s->node_names[f->node] : "";
    size_t size = (size_t)buf_size;
    dslab_time_format_human(f->at_ns, at, (int)sizeof at);
    switch (f->kind) {
    case DSLAB_FAULT_PARTITION:
        if (f->shape == DSLAB_PARTITION_GROUPS) groups_text(s, f, e, sizeof e);
        else snprintf(e, sizeof e, "%s%s%s", shape[f->shape], f->node >= 0 ? " " : "", node);
        snprintf(buf, size, "partition %s at %s", e, at);
        break;
    case DSLAB_FAULT_HEAL:
        if (f->node < 0) snprintf(buf, size, "heal all at %s", at);
        else snprintf(buf, size, "heal %s at %s", ends(s, f, e, sizeof e), at);
        break;
    case DSLAB_FAULT_CUT: snprintf(buf, size, "cut %s at %s", ends(s, f, e, sizeof e), at); break;
    case DSLAB_FAULT_CRASH: snprintf(buf, size, "crash %s at %s", node, at); break;
    case DSLAB_FAULT_RESTART:
        snprintf(buf, size, "restart %s at %s%s", node, at, f->lose_unsynced ? " (unsynced writes lost)" : "");
        break;
    case DSLAB_FAULT_PAUSE:
        snprintf(buf, size, "pause %s for %s at %s", node, dslab_time_format_human(f->duration_ns, x, 32), at);
        break;
    case DSLAB_FAULT_CLOCK_JUMP:
        snprintf(buf, size, "clock %s jumps %s%s at %s", node, f->jump_ns >= 0 ? "+" : "",
                 dslab_time_format_human(f->jump_ns, x, 32), at);
        break;
    case DSLAB_FAULT_CLOCK_DRIFT:
        snprintf(buf, size, "clock %s drifts %+lld ppm from %s", node, (long long)f->drift_ppm, at);
        break;
    case DSLAB_FAULT_LINK:
        snprintf(buf, size, "link %s loss %u ppm at %s", ends(s, f, e, sizeof e), (unsigned)f->link.loss_ppm, at);
        break;
    case DSLAB_FAULT_SLOW:
        snprintf(buf, size, "slow %s x%u at %s%s", node, (unsigned)f->slow_factor, at,
                 f->slow_factor == 1 ? " (back to normal)" : "");
        break;
    case DSLAB_FAULT_SLOW_DISK:
        snprintf(buf, size, "slow-disk %s x%u at %s", node, (unsigned)f->slow_factor, at);
        break;
    case DSLAB_FAULT_DEPLOY: snprintf(buf, size, "deploy %s version %d at %s", node, (int)f->version, at); break;
    case DSLAB_FAULT_SET: snprintf(buf, size, "set protocol.%s to %s at %s", f->param_key, f->param_value, at); break;
    case DSLAB_FAULT_SHED:
        snprintf(buf, size, "shed %s %u.%02u%% at %s", node, (unsigned)(f->shed_ppm / 10000),
                 (unsigned)(f->shed_ppm % 10000 / 100), at);
        break;
    default: snprintf(buf, size, "fault at %s", at); break;
    }
}

void dslab_explore_episode_describe(const struct dslab_scenario *s, const struct dslab_explore_episode *ep,
                              char *buf, int buf_size) {
    char at[32], d[32], x[32];
    const char *node = ep->node >= 0 && ep->node < s->nodes_count ? s->node_names[ep->node] : "-";
    dslab_time_format_human(ep->at_ns, at, (int)sizeof at);
    dslab_time_format_human(ep->duration_ns, d, (int)sizeof d);
    switch (ep->kind) {
    case DSLAB_EXPLORE_EPISODE_SCENARIO: {
        struct dslab_fault f = s->faults[ep->fault_index];
        f.at_ns = ep->at_ns;
        dslab_explore_fault_describe(s, &f, buf, buf_size);
        break;
    }
    case DSLAB_EXPLORE_KIND_PARTITION:
        if (ep->shape == DSLAB_EXPLORE_SHAPE_ONE_WAY) {
            snprintf(buf, (size_t)buf_size, "one-way partition: %s cannot %s the others at %s for %s",
                     node, ep->direction ? "hear from" : "send to", at, d);
        } else if (ep->shape == DSLAB_EXPLORE_SHAPE_MAJORITY_MINORITY ||
                   ep->shape == DSLAB_EXPLORE_SHAPE_MAJORITIES_RING) {
            snprintf(buf, (size_t)buf_size, "partition %s at %s for %s",
                     scenario_explore_shape_name(ep->shape), at, d);
        } else {
            snprintf(buf, (size_t)buf_size, "partition %s %s at %s for %s",
                     scenario_explore_shape_name(ep->shape), node, at, d);
        }
        break;
    case DSLAB_EXPLORE_KIND_CRASH:
        snprintf(buf, (size_t)buf_size, "crash %s at %s, restart after %s", node, at, d);
        break;
    case DSLAB_EXPLORE_KIND_PAUSE: snprintf(buf, (size_t)buf_size, "pause %s at %s for %s", node, at, d); break;
    case DSLAB_EXPLORE_KIND_CLOCK_JUMP:
        snprintf(buf, (size_t)buf_size, "clock jump %s by %s at %s", node,
                 dslab_time_format_human(ep->amount, x, (int)sizeof x), at);
        break;
    case DSLAB_EXPLORE_KIND_CLOCK_DRIFT:
        snprintf(buf, (size_t)buf_size, "clock drift %s %lld ppm at %s for %s", node,
                 (long long)ep->amount, at, d);
        break;
    case DSLAB_EXPLORE_KIND_LOSS:
        snprintf(buf, (size_t)buf_size, "loss %lld%% on %s's links at %s for %s",
                 (long long)(ep->amount / 10000), node, at, d);
        break;
    case DSLAB_EXPLORE_KIND_SLOW:
        snprintf(buf, (size_t)buf_size, "slow %s x%lld at %s for %s", node, (long long)ep->amount,
                 at, d);
        break;
    default: snprintf(buf, (size_t)buf_size, "?"); break;
    }
}
