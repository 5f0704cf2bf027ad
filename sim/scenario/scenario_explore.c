/* scenario_explore.c: the `explore:` section -> struct dslab_scenario_explore,
 * and its canonical form for dslab_scenario_save().
 *
 * The section bounds the random faults `dslab explore` draws for each seed
 * (which kinds, which partition shapes, how many, when, how long, how
 * large). It is optional: without it every scenario gets the defaults
 * below, so any scenario can be explored. Ranges are written as two-item
 * lists `[min, max]`, inclusive. Spec: docs/SCENARIO_FORMAT.md ("explore"),
 * how the bounds are used: docs/EXPLORE.md. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dslab/suggest.h"
#include "dslab/time.h"
#include "scenario/load_internal.h"
#include "scenario/units.h"

static const char *const kind_names[DSLAB_EXPLORE_KIND_COUNT] = {
    "partition", "crash", "pause", "clock-jump", "clock-drift", "loss", "slow"};
static const char *const shape_names[DSLAB_EXPLORE_SHAPE_COUNT] = {
    "majority-minority", "isolate-one", "bridge", "majorities-ring", "one-way"};

const char *scenario_explore_kind_name(int kind) {
    return kind >= 0 && kind < DSLAB_EXPLORE_KIND_COUNT ? kind_names[kind] : "?";
}

const char *scenario_explore_shape_name(int shape) {
    return shape >= 0 && shape < DSLAB_EXPLORE_SHAPE_COUNT ? shape_names[shape] : "?";
}

void scenario_explore_defaults(struct dslab_scenario *s) {
    struct dslab_scenario_explore *e = &s->explore;
    memset(e, 0, sizeof *e);
    e->kinds_mask = (1u << DSLAB_EXPLORE_KIND_COUNT) - 1;
    e->shapes_mask = (1u << DSLAB_EXPLORE_SHAPE_COUNT) - 1;
    e->max_faults = 4;
    e->start_ns = 0;
    /* Three quarters of the run, to the millisecond: the last quarter heals. */
    e->heal_ns = s->duration_ns / 4 * 3 / DSLAB_NS_PER_MS * DSLAB_NS_PER_MS;
    if (e->heal_ns <= 0) e->heal_ns = s->duration_ns;
    e->fault_ns_min = 100 * DSLAB_NS_PER_MS;
    e->fault_ns_max = 2 * DSLAB_NS_PER_S;
    e->pause_ns_min = 50 * DSLAB_NS_PER_MS;
    e->pause_ns_max = DSLAB_NS_PER_S;
    e->jump_ns_min = -DSLAB_NS_PER_S;
    e->jump_ns_max = DSLAB_NS_PER_S;
    e->drift_ppm_min = -500;
    e->drift_ppm_max = 500;
    e->loss_ppm_min = 100000;
    e->loss_ppm_max = 500000;
    e->slow_factor_min = 2;
    e->slow_factor_max = 20;
}

/* A list of names -> bit mask; each item must be one of `names`. */
static int load_name_mask(struct loader *L, const struct dslab_ynode *seq, const char *const *names,
                          int count, const char *what, uint32_t *out) {
    char expect[200];
    snprintf(expect, sizeof expect, "a list of %s like [%s, %s]", what, names[0], names[1]);
    if (dslab_ytree_expect_list(L->diag, L->file, seq, expect) < 0) return -1;
    if (seq->count == 0) {
        return dslab_ytree_error(L->diag, L->file, seq, "the list of %s cannot be empty", what);
    }
    *out = 0;
    for (const struct dslab_ynode *item = seq->first; item; item = item->next) {
        if (dslab_ytree_expect_scalar(L->diag, L->file, item, expect) < 0) return -1;
        int found = -1;
        for (int i = 0; i < count; i++) {
            if (strcmp(item->text, names[i]) == 0) found = i;
        }
        if (found < 0) {
            const char *near = dslab_suggest_nearest(item->text, names, count);
            if (near) {
                return dslab_ytree_error(L->diag, L->file, item, "unknown %s '%s' (did you mean '%s'?)",
                                   what, item->text, near);
            }
            return dslab_ytree_error(L->diag, L->file, item, "unknown %s '%s'", what, item->text);
        }
        *out |= 1u << found;
    }
    return 0;
}

enum range_type { RANGE_DURATION, RANGE_SIGNED_DURATION, RANGE_INT, RANGE_PROBABILITY };

/* `[min, max]` of one type into lo/hi, each within [min_allowed, max_allowed]. */
static int load_range(struct loader *L, const struct dslab_ynode *n, enum range_type type,
                      int64_t min_allowed, int64_t max_allowed, int64_t *lo, int64_t *hi) {
    if (dslab_ytree_expect_list(L->diag, L->file, n, "a range like [100ms, 2s]") < 0) return -1;
    if (n->count != 2) {
        return dslab_ytree_error(L->diag, L->file, n, "a range has two items [min, max], got %d",
                           n->count);
    }
    int64_t v[2];
    const struct dslab_ynode *item = n->first;
    for (int i = 0; i < 2; i++, item = item->next) {
        uint32_t ppm = 0;
        int rc;
        switch (type) {
        case RANGE_DURATION: rc = dslab_ytree_duration(L->diag, L->file, item, false, &v[i]); break;
        case RANGE_SIGNED_DURATION: rc = dslab_ytree_duration(L->diag, L->file, item, true, &v[i]); break;
        case RANGE_INT:
            rc = dslab_ytree_int(L->diag, L->file, item, min_allowed, max_allowed, &v[i]);
            break;
        default:
            rc = dslab_ytree_probability(L->diag, L->file, item, &ppm);
            v[i] = ppm;
            break;
        }
        if (rc < 0) return -1;
        if (v[i] < min_allowed || v[i] > max_allowed) {
            return dslab_ytree_error(L->diag, L->file, item, "'%s' is out of range for this bound",
                               item->text);
        }
    }
    if (v[0] > v[1]) {
        return dslab_ytree_error(L->diag, L->file, n, "the range's min is more than its max");
    }
    *lo = v[0];
    *hi = v[1];
    return 0;
}

static int load_ranges(struct loader *L, const struct dslab_ynode *map, struct dslab_scenario_explore *e) {
    const struct dslab_ynode *n;
    int64_t lo, hi;
    if ((n = dslab_ydoc_map_get(map, "fault_duration")) &&
        load_range(L, n, RANGE_DURATION, 1, DSLAB_DURATION_NS_MAX, &e->fault_ns_min,
                   &e->fault_ns_max) < 0) {
        return -1;
    }
    if ((n = dslab_ydoc_map_get(map, "pause")) &&
        load_range(L, n, RANGE_DURATION, 1, DSLAB_DURATION_NS_MAX, &e->pause_ns_min,
                   &e->pause_ns_max) < 0) {
        return -1;
    }
    if ((n = dslab_ydoc_map_get(map, "clock_jump")) &&
        load_range(L, n, RANGE_SIGNED_DURATION, -DSLAB_DURATION_NS_MAX, DSLAB_DURATION_NS_MAX,
                   &e->jump_ns_min, &e->jump_ns_max) < 0) {
        return -1;
    }
    if ((n = dslab_ydoc_map_get(map, "drift_ppm")) &&
        load_range(L, n, RANGE_INT, -100000, 100000, &e->drift_ppm_min, &e->drift_ppm_max) < 0) {
        return -1;
    }
    if ((n = dslab_ydoc_map_get(map, "loss"))) {
        if (load_range(L, n, RANGE_PROBABILITY, 0, 1000000, &lo, &hi) < 0) return -1;
        e->loss_ppm_min = (uint32_t)lo;
        e->loss_ppm_max = (uint32_t)hi;
    }
    if ((n = dslab_ydoc_map_get(map, "slow_factor"))) {
        if (load_range(L, n, RANGE_INT, 1, 1000, &lo, &hi) < 0) return -1;
        e->slow_factor_min = (uint32_t)lo;
        e->slow_factor_max = (uint32_t)hi;
    }
    return 0;
}

int load_explore(struct loader *L, const struct dslab_ynode *map) {
    static const char *const keys[] = {"faults",     "partitions", "max_faults",   "start",
                                       "heal_after", "fault_duration", "pause",    "clock_jump",
                                       "drift_ppm",  "loss",       "slow_factor",  "lose_unsynced"};
    struct dslab_scenario_explore *e = &L->s->explore;
    const struct dslab_ynode *n, *heal = NULL;
    int64_t v;
    scenario_explore_defaults(L->s);
    if (!map || dslab_ydoc_is_null(map)) return 0;
    if (dslab_ytree_expect_mapping(L->diag, L->file, map,
                             "a mapping like { faults: [partition, crash], max_faults: 3 }") < 0 ||
        dslab_ytree_check_keys(L->diag, L->file, map, keys, (int)(sizeof keys / sizeof keys[0])) < 0) {
        return -1;
    }
    e->declared = true;
    e->pos = (struct dslab_src_pos){map->line, map->col};
    if ((n = dslab_ydoc_map_get(map, "faults")) &&
        load_name_mask(L, n, kind_names, DSLAB_EXPLORE_KIND_COUNT, "fault kind", &e->kinds_mask) < 0) {
        return -1;
    }
    if ((n = dslab_ydoc_map_get(map, "partitions")) &&
        load_name_mask(L, n, shape_names, DSLAB_EXPLORE_SHAPE_COUNT, "partition shape",
                       &e->shapes_mask) < 0) {
        return -1;
    }
    if ((n = dslab_ydoc_map_get(map, "max_faults"))) {
        if (dslab_ytree_int(L->diag, L->file, n, 1, 64, &v) < 0) return -1;
        e->max_faults = (int32_t)v;
    }
    if ((n = dslab_ydoc_map_get(map, "start")) && load_time_in_run(L, n, "explore start", &e->start_ns) < 0) {
        return -1;
    }
    if ((heal = dslab_ydoc_map_get(map, "heal_after")) &&
        load_time_in_run(L, heal, "explore heal_after", &e->heal_ns) < 0) {
        return -1;
    }
    if (e->start_ns >= e->heal_ns) {
        return dslab_ytree_error(L->diag, L->file, heal ? heal : map,
                           "explore: heal_after must be later than start (faults happen between)");
    }
    if (load_ranges(L, map, e) < 0) return -1;
    if ((n = dslab_ydoc_map_get(map, "lose_unsynced")) &&
        dslab_ytree_bool(L->diag, L->file, n, &e->lose_unsynced) < 0) {
        return -1;
    }
    return 0;
}

static void put_mask(FILE *f, const char *key, uint32_t mask, const char *const *names, int count) {
    fprintf(f, "  %s: [", key);
    bool first = true;
    for (int i = 0; i < count; i++) {
        if (!(mask & (1u << i))) continue;
        fprintf(f, "%s%s", first ? "" : ", ", names[i]);
        first = false;
    }
    fputs("]\n", f);
}

void scenario_save_explore(FILE *f, const struct dslab_scenario *s) {
    const struct dslab_scenario_explore *e = &s->explore;
    char a[32], b[32];
    fputs("explore:\n", f);
    put_mask(f, "faults", e->kinds_mask, kind_names, DSLAB_EXPLORE_KIND_COUNT);
    put_mask(f, "partitions", e->shapes_mask, shape_names, DSLAB_EXPLORE_SHAPE_COUNT);
    fprintf(f, "  max_faults: %d\n", (int)e->max_faults);
    fprintf(f, "  start: %s\n", dslab_time_format_duration(e->start_ns, a, (int)sizeof a));
    fprintf(f, "  heal_after: %s\n", dslab_time_format_duration(e->heal_ns, a, (int)sizeof a));
    fprintf(f, "  fault_duration: [%s, %s]\n", dslab_time_format_duration(e->fault_ns_min, a, 32),
            dslab_time_format_duration(e->fault_ns_max, b, 32));
    fprintf(f, "  pause: [%s, %s]\n", dslab_time_format_duration(e->pause_ns_min, a, 32),
            dslab_time_format_duration(e->pause_ns_max, b, 32));
    fprintf(f, "  clock_jump: [%s, %s]\n", dslab_time_format_duration(e->jump_ns_min, a, 32),
            dslab_time_format_duration(e->jump_ns_max, b, 32));
    fprintf(f, "  drift_ppm: [%" PRId64 ", %" PRId64 "]\n", e->drift_ppm_min, e->drift_ppm_max);
    units_format_ppm(e->loss_ppm_min, a, 32);
    units_format_ppm(e->loss_ppm_max, b, 32);
    fprintf(f, "  loss: [%s, %s]\n", a, b);
    fprintf(f, "  slow_factor: [%u, %u]\n", (unsigned)e->slow_factor_min,
            (unsigned)e->slow_factor_max);
    fprintf(f, "  lose_unsynced: %s\n", e->lose_unsynced ? "true" : "false");
}
