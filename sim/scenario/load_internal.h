/* load_internal.h (private): shared helpers of the scenario loader.
 *
 * scenario_load.c converts the top level, nodes, network, protocol,
 * workload, assumptions, checks and narration; scenario_faults.c the fault
 * schedule; overrides.c applies --set to the YAML tree first. Every helper
 * returns 0, or -1 with the diag set to the first error, positioned at the
 * YAML node it is about ("file:line:col", or "--set PATH=VALUE" for nodes an
 * override created). Kinds, keys and plain typed scalars (durations,
 * integers, booleans, probabilities) are checked with the shared layer of
 * dslab/yaml_tree.h, called with L->diag and L->file. Memory comes from the
 * scenario's allocator hooks. */
#ifndef DSLAB_SCENARIO_LOAD_INTERNAL_H
#define DSLAB_SCENARIO_LOAD_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dslab/scenario.h"
#include "scenario/yaml_doc.h"

struct node_name_ref {
    const char *name; /* borrowed from the scenario's node_names */
    int32_t index;
};

struct loader {
    const char *file;
    struct dslab_diag *diag;
    struct dslab_scenario_alloc alloc;
    struct dslab_scenario *s;
    struct node_name_ref *nodes_by_name; /* sorted by name, for lookups; owned */
};

/* Zeroed memory from the hooks; NULL with diag set when out of memory. */
void *load_alloc(struct loader *L, size_t size);
/* The array for the YAML list `seq`: `seq` must be a list (else the error
 * says it is expected to be `expected`) of at most `max` items (else "more
 * than MAX WHAT"); returns a zeroed array of seq->count items of
 * `item_size` bytes (load_alloc), or NULL with L->diag set. */
void *load_list(struct loader *L, const struct dslab_ynode *seq, const char *expected, int max, const char *what,
                size_t item_size);
char *load_strdup(struct loader *L, const char *text);
void load_free(struct loader *L, void *p);
/* Puts `count` items of `item_size` bytes in order of the int64_t time at
 * `at_ns_offset`, stably (equal times keep file order); nothing moves when
 * they already are. Returns 0, or -1 with L->diag set when out of memory. */
int load_sort_by_time(struct loader *L, void *items, int count, size_t item_size,
                      size_t at_ns_offset);

/* `map` must be a mapping (else "expected EXAMPLE, got ...") whose keys are
 * all among the `count` in `keys` (dslab_ytree_check_keys). 0, or -1 with
 * L->diag set. */
int load_keyed_mapping(struct loader *L, const struct dslab_ynode *map, const char *example,
                       const char *const *keys, int count);
/* A time within the run: [0, duration]; `what` names it ("fault"). */
int load_time_in_run(struct loader *L, const struct dslab_ynode *n, const char *what, int64_t *out);
int load_latency(struct loader *L, const struct dslab_ynode *n, struct dslab_latency_dist *out);
/* protocol_code.c: which of name/source/plugin the protocol mapping gives
 * (exactly one). Returns 0 for a built-in (*name_out: the name node), 1
 * for source/plugin (origin, code_path, name and pos set), -1 on error. */
int load_protocol_origin(struct loader *L, const struct dslab_ynode *map, const struct dslab_ynode **name_out);
/* A file name given as a protocol name ("my_raft.c", "x.so"): an error
 * that shows the `source:`/`plugin:` form (-1); else 0. */
int load_protocol_file_as_name(struct loader *L, const struct dslab_ynode *name);
/* True for name, source and plugin: keys that are not parameters. */
bool load_protocol_is_origin_key(const char *key);
/* A node name -> its index; "unknown node" with did-you-mean. */
int load_node_ref(struct loader *L, const struct dslab_ynode *n, int32_t *out);
/* A two-node link: [a, b] (both ways) or {from: a, to: b} (one way). */
int load_link_ends(struct loader *L, const struct dslab_ynode *n, int32_t *from, int32_t *to,
                   bool *both_ways);

/* scenario_faults.c */
int load_faults(struct loader *L, const struct dslab_ynode *seq);
/* scenario_rolling.c: how many fault slots an item of `faults:` needs (2
 * per node for a rolling restart, at least 1), and the expansion itself: writes
 * 2 x nodes faults from out[0] (first is the item's `at` and position;
 * out may be first); returns how many, or -1 with the diagnostic set. */
int64_t load_rolling_restart_size(const struct dslab_ynode *item, int32_t nodes_count);
int load_rolling_restart(struct loader *L, const struct dslab_ynode *item, const struct dslab_ynode *v,
                         const struct dslab_fault *first, struct dslab_fault *out);

/* scenario_explore.c: the `explore:` section (NULL map = defaults only),
 * its defaults, and its canonical YAML for dslab_scenario_save(). */
int load_explore(struct loader *L, const struct dslab_ynode *map);
void scenario_explore_defaults(struct dslab_scenario *s);
void scenario_save_explore(FILE *f, const struct dslab_scenario *s);
/* "partition", "clock-jump", ... / "majority-minority", ...: the names used
 * in the section (static strings; "?" when out of range). */
const char *scenario_explore_kind_name(int kind);
const char *scenario_explore_shape_name(int shape);

/* scenario_costs.c: the `costs:` section (NULL or null = every model off)
 * and its canonical YAML (nothing when the section was absent). */
int load_costs(struct loader *L, const struct dslab_ynode *map);
void scenario_save_costs(FILE *f, const struct dslab_scenario *s);

/* overrides.c: applies --set overrides to the tree. */
int overrides_apply(struct dslab_ydoc *doc, const struct dslab_scenario_override *overrides, int count,
                    struct dslab_diag *diag);

#endif
