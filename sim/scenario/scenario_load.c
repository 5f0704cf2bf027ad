/* scenario_load.c: YAML tree -> struct dslab_scenario, validated.
 *
 * The file is parsed into a tree (yaml_doc.c), --set overrides edit the
 * tree (overrides.c), then each section is converted here in a fixed order
 * (the fault schedule in scenario_faults.c). Unknown keys are checked before
 * anything else in a mapping, so a typo gets "did you mean" rather than a
 * "missing key". Last, the protocol's configure() and every checker's
 * create() run once, so a bad parameter or check argument is a load error.
 * The format is specified in docs/SCENARIO_FORMAT.md.
 *
 * The scenario is allocated with a hidden header holding the allocator
 * hooks, so dslab_scenario_free() can return everything through them. */
#define _XOPEN_SOURCE 700 /* realpath: the process directory of a process node */
#include "dslab/scenario.h"

#include <limits.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/check.h"
#include "dslab/node.h"
#include "dslab/suggest.h"
#include "dslab/time.h"
#include "scenario/load_internal.h"
#include "scenario/units.h"

struct scenario_box {
    struct dslab_scenario_alloc alloc;
    struct dslab_scenario s;
};

static struct scenario_box *box_of(struct dslab_scenario *s) {
    return (struct scenario_box *)(void *)((char *)s - offsetof(struct scenario_box, s));
}

void dslab_scenario_free(struct dslab_scenario *s) {
    if (!s) return;
    struct scenario_box *box = box_of(s);
    struct dslab_scenario_alloc *a = &box->alloc;
#define FREE(p)                                \
    do {                                       \
        if (p) a->free_fn((void *)(p), a->user); \
    } while (0)
    FREE(s->title);
    FREE(s->description);
    FREE(s->node_names);
    FREE(s->clocks);
    FREE(s->link_overrides);
    for (int i = 0; i < s->protocol.params_count; i++) FREE(s->protocol.params[i].value);
    FREE(s->protocol.params);
    FREE(s->protocol.process);
    FREE(s->protocol.process_dir);
    for (int i = 0; i < s->faults_count; i++) FREE(s->faults[i].group_of_node);
    FREE(s->faults);
    for (int i = 0; i < s->checks_count; i++) FREE(s->checks[i].args);
    FREE(s->checks);
    for (int i = 0; i < s->narration_count; i++) FREE(s->narration[i].text);
    FREE(s->narration);
    FREE(s->node_costs);
    FREE(s->cpu_kinds);
#undef FREE
    a->free_fn(box, a->user);
}

static char *box_strdup(struct scenario_box *box, const char *text) {
    size_t len = strlen(text) + 1;
    char *copy = box->alloc.malloc_fn(len, box->alloc.user);
    if (copy) memcpy(copy, text, len);
    return copy;
}

int dslab_scenario_use_process(struct dslab_scenario *s, const char *command, const char *dir) {
    struct scenario_box *box = box_of(s);
    char *cmd = box_strdup(box, command), *cwd = box_strdup(box, dir);
    if (!cmd || !cwd) {
        if (cmd) box->alloc.free_fn(cmd, box->alloc.user);
        if (cwd) box->alloc.free_fn(cwd, box->alloc.user);
        return -1;
    }
    if (s->protocol.process) box->alloc.free_fn(s->protocol.process, box->alloc.user);
    if (s->protocol.process_dir) box->alloc.free_fn(s->protocol.process_dir, box->alloc.user);
    s->protocol.process = cmd;
    s->protocol.process_dir = cwd;
    s->protocol.origin = DSLAB_PROTOCOL_PROCESS;
    s->protocol.code_path[0] = '\0';
    snprintf(s->protocol.name, sizeof s->protocol.name, "process");
    return 0;
}

int32_t dslab_scenario_node_index(const struct dslab_scenario *s, const char *name) {
    for (int32_t i = 0; i < s->nodes_count; i++) {
        if (strcmp(s->node_names[i], name) == 0) return i;
    }
    return -1;
}

static struct dslab_src_pos pos_of(const struct dslab_ynode *n) {
    return (struct dslab_src_pos){n->line, n->col};
}

/* ---- name, text, seed, duration, limits ---------------------------------- */

static int load_name(struct loader *L, const struct dslab_ynode *n) {
    if (dslab_ytree_expect_scalar(L->diag, L->file, n, "a name like leader-election") < 0) return -1;
    size_t len = strlen(n->text);
    bool ok = len < sizeof L->s->name;
    for (const char *c = n->text; *c && ok; c++) {
        ok = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-';
    }
    if (!ok) {
        return dslab_ytree_error(L->diag, L->file, n,
                           "name '%s' must be lower-case letters, digits and '-', at most %d "
                           "characters",
                           n->text, (int)sizeof L->s->name - 1);
    }
    memcpy(L->s->name, n->text, len + 1);
    return 0;
}

static int load_text(struct loader *L, const struct dslab_ynode *n, char **out) {
    if (!n || dslab_ydoc_is_null(n)) {
        *out = load_strdup(L, "");
    } else {
        if (dslab_ytree_expect_scalar(L->diag, L->file, n, "text") < 0) return -1;
        *out = load_strdup(L, n->text);
    }
    return *out ? 0 : -1;
}

static int load_basics(struct loader *L, const struct dslab_ynode *root) {
    struct dslab_scenario *s = L->s;
    const struct dslab_ynode *n;
    if (dslab_ytree_require(L->diag, L->file, root, "name", &n) < 0 || load_name(L, n) < 0) return -1;
    if (load_text(L, dslab_ydoc_map_get(root, "title"), &s->title) < 0) return -1;
    if (load_text(L, dslab_ydoc_map_get(root, "description"), &s->description) < 0) return -1;
    s->seed = 1;
    if ((n = dslab_ydoc_map_get(root, "seed")) &&
        dslab_ytree_u64(L->diag, L->file, n, "a seed like 42", &s->seed) < 0) {
        return -1;
    }
    if (dslab_ytree_require(L->diag, L->file, root, "duration", &n) < 0 ||
        dslab_ytree_duration(L->diag, L->file, n, false, &s->duration_ns) < 0) {
        return -1;
    }
    if (s->duration_ns == 0) {
        return dslab_ytree_error(L->diag, L->file, n, "duration must be more than 0");
    }
    if (s->duration_ns > DSLAB_DURATION_NS_MAX) {
        return dslab_ytree_error(L->diag, L->file, n,
                           "duration %s is more than one day (DSLAB_DURATION_NS_MAX)", n->text);
    }
    s->events_max = DSLAB_EVENTS_DEFAULT_MAX;
    if ((n = dslab_ydoc_map_get(root, "limits"))) {
        static const char *const keys[] = {"events"};
        const struct dslab_ynode *e;
        if (load_keyed_mapping(L, n, "a mapping like { events: 5000000 }", keys, 1) < 0) {
            return -1;
        }
        if ((e = dslab_ydoc_map_get(n, "events")) &&
            dslab_ytree_int(L->diag, L->file, e, 1, INT64_MAX / 2, &s->events_max) < 0) {
            return -1;
        }
    }
    return 0;
}

/* ---- nodes and clocks ---------------------------------------------------- */

static int name_ref_cmp(const void *pa, const void *pb) {
    return strcmp(((const struct node_name_ref *)pa)->name,
                  ((const struct node_name_ref *)pb)->name);
}

static int load_node_name(struct loader *L, const struct dslab_ynode *n, char *out) {
    if (dslab_ytree_expect_scalar(L->diag, L->file, n, "a node name like n1") < 0) return -1;
    size_t len = strlen(n->text);
    if (len == 0) return dslab_ytree_error(L->diag, L->file, n, "a node name cannot be empty (\"\")");
    bool ok = len < DSLAB_NAME_MAX;
    for (const char *c = n->text; *c && ok; c++) {
        ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
             *c == '-' || *c == '_';
    }
    if (!ok) {
        return dslab_ytree_error(L->diag, L->file, n,
                           "node name '%s' must be letters, digits, '-' and '_', at most %d "
                           "characters",
                           n->text, DSLAB_NAME_MAX - 1);
    }
    memcpy(out, n->text, len + 1);
    return 0;
}

static int load_nodes(struct loader *L, const struct dslab_ynode *n) {
    struct dslab_scenario *s = L->s;
    int64_t count = 0;
    if (n->kind == DSLAB_YNODE_SEQUENCE) {
        count = n->count;
        if (count < 1 || count > DSLAB_NODES_MAX) {
            return dslab_ytree_error(L->diag, L->file, n, "expected 1 to %d nodes, got %lld",
                               DSLAB_NODES_MAX, (long long)count);
        }
    } else if (n->kind != DSLAB_YNODE_SCALAR || dslab_ydoc_is_null(n)) {
        return dslab_ytree_expect_scalar(L->diag, L->file, n,
                                   "a number of nodes or a list of names like [a, b, c]");
    } else if (dslab_ytree_int(L->diag, L->file, n, 1, DSLAB_NODES_MAX, &count) < 0) {
        return -1;
    }
    s->nodes_count = (int32_t)count;
    s->node_names = load_alloc(L, sizeof *s->node_names * (size_t)count);
    s->clocks = s->node_names ? load_alloc(L, sizeof *s->clocks * (size_t)count) : NULL;
    L->nodes_by_name = s->clocks ? load_alloc(L, sizeof *L->nodes_by_name * (size_t)count) : NULL;
    if (!L->nodes_by_name) return -1;
    const struct dslab_ynode *item = n->kind == DSLAB_YNODE_SEQUENCE ? n->first : NULL;
    for (int32_t i = 0; i < s->nodes_count; i++) {
        if (item) {
            if (load_node_name(L, item, s->node_names[i]) < 0) return -1;
            item = item->next;
        } else {
            snprintf(s->node_names[i], DSLAB_NAME_MAX, "n%d", (int)i + 1);
        }
        L->nodes_by_name[i] = (struct node_name_ref){s->node_names[i], i};
    }
    qsort(L->nodes_by_name, (size_t)count, sizeof *L->nodes_by_name, name_ref_cmp);
    for (int32_t i = 1; i < s->nodes_count; i++) {
        if (strcmp(L->nodes_by_name[i].name, L->nodes_by_name[i - 1].name) == 0) {
            int32_t later = L->nodes_by_name[i].index > L->nodes_by_name[i - 1].index
                                ? L->nodes_by_name[i].index
                                : L->nodes_by_name[i - 1].index;
            return dslab_ytree_error(L->diag, L->file, dslab_ydoc_seq_at(n, later), "node '%s' is listed twice",
                               s->node_names[later]);
        }
    }
    return 0;
}

static int load_clocks(struct loader *L, const struct dslab_ynode *map) {
    static const char *const keys[] = {"offset", "drift_ppm"};
    if (dslab_ytree_expect_mapping(L->diag, L->file, map,
                             "a mapping of node names to { offset, drift_ppm }") < 0) {
        return -1;
    }
    for (const struct dslab_ynode *k = map->first; k; k = k->next) {
        int32_t node;
        const struct dslab_ynode *v = k->value, *f;
        if (load_node_ref(L, k, &node) < 0 ||
            dslab_ytree_expect_mapping(L->diag, L->file, v,
                                 "a mapping like { offset: 80ms, drift_ppm: 200 }") < 0 ||
            dslab_ytree_check_keys(L->diag, L->file, v, keys, 2) < 0) {
            return -1;
        }
        struct dslab_scenario_clock *c = &L->s->clocks[node];
        if ((f = dslab_ydoc_map_get(v, "offset")) &&
            dslab_ytree_duration(L->diag, L->file, f, true, &c->offset_ns) < 0) {
            return -1;
        }
        if (c->offset_ns > DSLAB_DURATION_NS_MAX || c->offset_ns < -DSLAB_DURATION_NS_MAX) {
            return dslab_ytree_error(L->diag, L->file, f, "clock offset %s is more than one day",
                               f->text);
        }
        if ((f = dslab_ydoc_map_get(v, "drift_ppm")) &&
            dslab_ytree_int(L->diag, L->file, f, -100000, 100000, &c->drift_ppm) < 0) {
            return -1;
        }
    }
    return 0;
}

/* ---- network ------------------------------------------------------------- */

/* latency/loss/duplicate of a mapping into `link`; sets the field mask. */
static int load_link_fields(struct loader *L, const struct dslab_ynode *map, struct dslab_link_params *link,
                            uint32_t *fields) {
    const struct dslab_ynode *n;
    *fields = 0;
    if ((n = dslab_ydoc_map_get(map, "latency"))) {
        if (load_latency(L, n, &link->latency) < 0) return -1;
        *fields |= DSLAB_LINK_FIELD_LATENCY;
    }
    if ((n = dslab_ydoc_map_get(map, "loss"))) {
        if (dslab_ytree_probability(L->diag, L->file, n, &link->loss_ppm) < 0) return -1;
        *fields |= DSLAB_LINK_FIELD_LOSS;
    }
    if ((n = dslab_ydoc_map_get(map, "duplicate"))) {
        if (dslab_ytree_probability(L->diag, L->file, n, &link->duplicate_ppm) < 0) return -1;
        *fields |= DSLAB_LINK_FIELD_DUPLICATE;
    }
    return 0;
}

static int load_link_overrides(struct loader *L, const struct dslab_ynode *seq) {
    static const char *const keys[] = {"from", "to", "latency", "loss", "duplicate", "both"};
    struct dslab_scenario *s = L->s;
    s->link_overrides = load_list(L, seq, "a list of { from, to, latency, loss, duplicate, both }",
                                  DSLAB_FAULTS_MAX, "link overrides", sizeof *s->link_overrides);
    if (!s->link_overrides) return -1;
    for (const struct dslab_ynode *item = seq->first; item; item = item->next) {
        struct dslab_scenario_link_override *o = &s->link_overrides[s->link_overrides_count++];
        const struct dslab_ynode *f, *t, *b;
        o->pos = pos_of(item);
        o->link = s->network.link;
        if (dslab_ytree_expect_mapping(L->diag, L->file, item,
                                 "a mapping like { from: n1, to: n2, loss: 0.5 }") < 0 ||
            dslab_ytree_check_keys(L->diag, L->file, item, keys, 6) < 0 ||
            dslab_ytree_require(L->diag, L->file, item, "from", &f) < 0 ||
            dslab_ytree_require(L->diag, L->file, item, "to", &t) < 0 ||
            load_node_ref(L, f, &o->from_node) < 0 || load_node_ref(L, t, &o->to_node) < 0 ||
            load_link_fields(L, item, &o->link, &o->fields) < 0) {
            return -1;
        }
        if (o->from_node == o->to_node) {
            return dslab_ytree_error(L->diag, L->file, t, "a link needs two different nodes");
        }
        if ((b = dslab_ydoc_map_get(item, "both")) && dslab_ytree_bool(L->diag, L->file, b, &o->both_ways) < 0) {
            return -1;
        }
        if (o->fields == 0) {
            return dslab_ytree_error(L->diag, L->file, item,
                               "a link override needs latency, loss or duplicate");
        }
    }
    return 0;
}

static int load_network(struct loader *L, const struct dslab_ynode *map) {
    static const char *const keys[] = {"latency", "loss", "duplicate", "order", "links"};
    struct dslab_scenario_network *net = &L->s->network;
    char err[256];
    int rc = dslab_latency_parse("uniform(1ms, 10ms)", &net->link.latency, err, (int)sizeof err, NULL);
    (void)rc;
    if (!map) return 0;
    const struct dslab_ynode *n;
    uint32_t fields;
    if (dslab_ytree_expect_mapping(L->diag, L->file, map,
                             "a mapping like { latency: uniform(1ms, 5ms), loss: 0.01 }") < 0 ||
        dslab_ytree_check_keys(L->diag, L->file, map, keys, 5) < 0 ||
        load_link_fields(L, map, &net->link, &fields) < 0) {
        return -1;
    }
    if ((n = dslab_ydoc_map_get(map, "order"))) {
        if (dslab_ytree_expect_scalar(L->diag, L->file, n, "fifo or unordered") < 0) return -1;
        if (strcmp(n->text, "fifo") == 0) net->fifo = true;
        else if (strcmp(n->text, "unordered") == 0) net->fifo = false;
        else {
            return dslab_ytree_error(L->diag, L->file, n, "expected fifo or unordered, got '%s'",
                               n->text);
        }
    }
    if ((n = dslab_ydoc_map_get(map, "links"))) return load_link_overrides(L, n);
    return 0;
}

/* ---- protocol ------------------------------------------------------------ */

static int unknown_protocol(struct loader *L, const struct dslab_ynode *n) {
    const char *names[64 + DSLAB_PROTOCOLS_REGISTERED_MAX];
    int count = dslab_protocol_names(names, (int)(sizeof names / sizeof names[0]));
    const char *near = dslab_suggest_nearest(n->text, names, count);
    if (near) {
        return dslab_ytree_error(L->diag, L->file, n, "unknown protocol '%s' (did you mean '%s'?)",
                           n->text, near);
    }
    char list[400] = "";
    size_t used = 0;
    for (int i = 0; i < count && used < sizeof list; i++) {
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", names[i]);
    }
    return dslab_ytree_error(L->diag, L->file, n, "unknown protocol '%s' (expected one of: %s)", n->text,
                       list);
}

/* `process: CMD` instead of `name:` (docs/PROCESS_NODES.md): the command
 * and its directory; validate_plugins() checks both through the process
 * protocol's configure(). */
static int load_protocol_process(struct loader *L, const struct dslab_ynode *n,
                                 const struct dslab_ynode *cmd) {
    struct dslab_scenario_protocol *p = &L->s->protocol;
    if (dslab_ydoc_map_get(n, "name")) {
        return dslab_ytree_error(L->diag, L->file, cmd, "give exactly one of 'name' and 'process' in protocol:");
    }
    if (dslab_ytree_expect_scalar(L->diag, L->file, cmd, "a command like \"python3 my_node.py\"") < 0) return -1;
    if (!(p->process = load_strdup(L, cmd->text))) return -1;
    /* The directory: process_dir (relative to the file's) or the file's,
     * made absolute so a copy of the scenario saved elsewhere still runs. */
    const struct dslab_ynode *dir = dslab_ydoc_map_get(n, "process_dir");
    if (dir && dslab_ytree_expect_scalar(L->diag, L->file, dir, "a directory") < 0) return -1;
    const char *path = L->s->path, *slash = strrchr(path, '/');
    char joined[PATH_MAX], resolved[PATH_MAX];
    int len = dir && dir->text[0] == '/' ? snprintf(joined, sizeof joined, "%s", dir->text)
              : slash ? snprintf(joined, sizeof joined, "%.*s/%s", (int)(slash - path), path,
                                 dir ? dir->text : ".")
                      : snprintf(joined, sizeof joined, "./%s", dir ? dir->text : ".");
    if (len < 0 || (size_t)len >= sizeof joined) {
        return dslab_ytree_error(L->diag, L->file, dir ? dir : cmd, "the process directory is too long");
    }
    if (!(p->process_dir = load_strdup(L, realpath(joined, resolved) ? resolved : joined))) return -1;
    memcpy(p->name, "process", sizeof "process");
    p->origin = DSLAB_PROTOCOL_PROCESS;
    p->pos = pos_of(cmd);
    return 0;
}

static int load_protocol(struct loader *L, const struct dslab_ynode *n) {
    struct dslab_scenario_protocol *p = &L->s->protocol;
    const struct dslab_ynode *name = n;
    int code = 0; /* 1: source, plugin or process (not a built-in name) */
    const struct dslab_ynode *cmd = n->kind == DSLAB_YNODE_MAPPING ? dslab_ydoc_map_get(n, "process") : NULL;
    if (cmd) {
        if (dslab_ydoc_map_get(n, "source") || dslab_ydoc_map_get(n, "plugin")) {
            return dslab_ytree_error(L->diag, L->file, cmd,
                               "give exactly one of name, source, plugin and process in protocol:");
        }
        if (load_protocol_process(L, n, cmd) < 0) return -1;
        code = 1;
    } else if (n->kind == DSLAB_YNODE_MAPPING) {
        if ((code = load_protocol_origin(L, n, &name)) < 0) return -1;
    } else if (dslab_ytree_expect_scalar(L->diag, L->file, n, "a mapping like { name: raft, election_timeout: 150ms }") < 0) {
        return -1;
    }
    if (!code) {
        if (dslab_ytree_expect_scalar(L->diag, L->file, name, "a protocol name like raft") < 0) return -1;
        if (strlen(name->text) >= sizeof p->name || !dslab_protocol_find(name->text)) {
            return load_protocol_file_as_name(L, name) < 0 ? -1 : unknown_protocol(L, name);
        }
        memcpy(p->name, name->text, strlen(name->text) + 1);
        p->pos = pos_of(name);
    }
    if (n->kind != DSLAB_YNODE_MAPPING) return 0;
    if (n->count - 1 > DSLAB_PARAMS_MAX) {
        return dslab_ytree_error(L->diag, L->file, n, "more than %d protocol parameters",
                           DSLAB_PARAMS_MAX);
    }
    p->params = load_alloc(L, sizeof *p->params * (size_t)n->count);
    if (!p->params) return -1;
    for (const struct dslab_ynode *k = n->first; k; k = k->next) {
        if (load_protocol_is_origin_key(k->text) ||
            (cmd && (strcmp(k->text, "process") == 0 || strcmp(k->text, "process_dir") == 0))) {
            continue;
        }
        if (strlen(k->text) >= sizeof p->params[0].key) {
            return dslab_ytree_error(L->diag, L->file, k, "protocol parameter name '%s' is too long",
                               k->text);
        }
        if (dslab_ytree_expect_scalar(L->diag, L->file, k->value,
                                "a single value for a protocol parameter") < 0) {
            return -1;
        }
        struct dslab_scenario_param *param = &p->params[p->params_count];
        memcpy(param->key, k->text, strlen(k->text) + 1);
        param->pos = pos_of(k);
        if (!(param->value = load_strdup(L, k->value->text))) return -1;
        p->params_count++;
    }
    return 0;
}

/* ---- workload ------------------------------------------------------------ */

static int load_ops(struct loader *L, const struct dslab_ynode *map, struct dslab_scenario_workload *w) {
    static const char *const keys[] = {"read", "write", "cas"};
    uint32_t *weights[] = {&w->read_weight, &w->write_weight, &w->cas_weight};
    if (dslab_ytree_expect_mapping(L->diag, L->file, map, "a mapping like { read: 0.5, write: 0.5 }") <
            0 ||
        dslab_ytree_check_keys(L->diag, L->file, map, keys, 3) < 0) {
        return -1;
    }
    uint64_t sum = 0;
    for (int i = 0; i < 3; i++) {
        const struct dslab_ynode *n = dslab_ydoc_map_get(map, keys[i]);
        uint64_t micro = 0;
        char err[DSLAB_UNITS_ERR_MAX];
        if (n) {
            if (dslab_ytree_expect_scalar(L->diag, L->file, n, "a weight like 0.5") < 0) return -1;
            if (units_parse_decimal_micro(n->text, UINT64_C(1000000000), &micro, err,
                                          (int)sizeof err) < 0) {
                return dslab_ytree_error(L->diag, L->file, n, "%s", err);
            }
        }
        *weights[i] = (uint32_t)micro;
        sum += micro;
    }
    if (sum == 0) {
        return dslab_ytree_error(L->diag, L->file, map,
                           "every op weight is 0; give read, write or cas a weight");
    }
    return 0;
}

static int load_rate(struct loader *L, const struct dslab_ynode *n, struct dslab_scenario_workload *w) {
    struct units_rate rate;
    char err[DSLAB_UNITS_ERR_MAX];
    if (dslab_ytree_expect_scalar(L->diag, L->file, n, "a rate like 50/s") < 0) return -1;
    if (units_parse_rate(n->text, &rate, err, (int)sizeof err) < 0) {
        return dslab_ytree_error(L->diag, L->file, n, "%s", err);
    }
    /* interval per client = clients * per_ns / count, rounded to nearest. */
    uint64_t total;
    if (__builtin_mul_overflow((uint64_t)w->clients_count, (uint64_t)rate.per_ns, &total)) {
        return dslab_ytree_error(L->diag, L->file, n, "rate %s is too low", n->text);
    }
    uint64_t interval = (total + rate.count / 2) / rate.count;
    if (interval == 0) {
        return dslab_ytree_error(L->diag, L->file, n,
                           "rate %s is more than one operation per nanosecond per client", n->text);
    }
    if (interval > (uint64_t)DSLAB_DURATION_NS_MAX) {
        return dslab_ytree_error(L->diag, L->file, n,
                           "rate %s is less than one operation per day per client", n->text);
    }
    w->interval_ns_mean = (int64_t)interval;
    return 0;
}

static int load_workload_times(struct loader *L, const struct dslab_ynode *map,
                               struct dslab_scenario_workload *w) {
    const struct dslab_ynode *n;
    w->timeout_ns = DSLAB_NS_PER_S;
    w->start_ns = 0;
    w->stop_ns = L->s->duration_ns;
    if ((n = dslab_ydoc_map_get(map, "timeout")) &&
        dslab_ytree_duration(L->diag, L->file, n, false, &w->timeout_ns) < 0) {
        return -1;
    }
    if (n && w->timeout_ns == 0) {
        return dslab_ytree_error(L->diag, L->file, n, "timeout must be more than 0");
    }
    if ((n = dslab_ydoc_map_get(map, "start")) && load_time_in_run(L, n, "workload start", &w->start_ns) < 0) {
        return -1;
    }
    if ((n = dslab_ydoc_map_get(map, "stop")) && load_time_in_run(L, n, "workload stop", &w->stop_ns) < 0) {
        return -1;
    }
    if (w->stop_ns < w->start_ns) {
        return dslab_ytree_error(L->diag, L->file, n, "workload stop is before its start");
    }
    return 0;
}

/* A route of `target: { read: ..., write: ... }`: `random`, a node name or
 * a list of 1..DSLAB_ROUTE_NODES_MAX distinct node names. */
static int load_route(struct loader *L, const struct dslab_ynode *n, struct dslab_workload_route *out) {
    out->count = 0;
    if (n->kind == DSLAB_YNODE_SCALAR && strcmp(n->text, "random") == 0) return 0;
    if (n->kind == DSLAB_YNODE_SCALAR) {
        out->count = 1;
        return load_node_ref(L, n, &out->nodes[0]);
    }
    if (n->kind != DSLAB_YNODE_SEQUENCE || n->count < 1 || n->count > DSLAB_ROUTE_NODES_MAX) {
        return dslab_ytree_error(L->diag, L->file, n, "expected random, a node name or a list of 1 to %d node names",
                           DSLAB_ROUTE_NODES_MAX);
    }
    for (const struct dslab_ynode *it = n->first; it; it = it->next) {
        int32_t node;
        if (load_node_ref(L, it, &node) < 0) return -1;
        for (int32_t i = 0; i < out->count; i++) {
            if (out->nodes[i] == node) return dslab_ytree_error(L->diag, L->file, it, "node '%s' is listed twice", it->text);
        }
        out->nodes[out->count++] = node;
    }
    return 0;
}

/* `read_after_write: { delay: DIST, bucket: DURATION }` (docs/SCENARIO_FORMAT.md). */
static int load_read_after_write(struct loader *L, const struct dslab_ynode *map,
                                 struct dslab_scenario_workload *w) {
    static const char *const keys[] = {"delay", "bucket"};
    const struct dslab_ynode *n;
    if (load_keyed_mapping(L, map, "a mapping like { delay: uniform(0ms, 100ms), bucket: 10ms }", keys, 2) < 0 ||
        dslab_ytree_require(L->diag, L->file, map, "delay", &n) < 0 ||
        load_latency(L, n, &w->probe_delay_ns) < 0) {
        return -1;
    }
    int64_t mean_ns = dslab_latency_mean_ns(&w->probe_delay_ns);
    if (mean_ns < 0 || mean_ns > DSLAB_PROBE_DELAY_NS_MAX) {
        char got[32];
        return dslab_ytree_error(L->diag, L->file, n, "read_after_write delay %s has a mean of %s: expected 0 to 60s",
                                 n->text, dslab_time_format_human(mean_ns, got, sizeof got));
    }
    if ((n = dslab_ydoc_map_get(map, "bucket"))) {
        if (dslab_ytree_duration(L->diag, L->file, n, false, &w->probe_bucket_ns) < 0) return -1;
        if (w->probe_bucket_ns < DSLAB_PROBE_BUCKET_NS_MIN || w->probe_bucket_ns > DSLAB_PROBE_BUCKET_NS_MAX) {
            return dslab_ytree_error(L->diag, L->file, n, "read_after_write bucket %s is out of range: expected 1us to 1h",
                                     n->text);
        }
    }
    w->probe_on = true;
    return 0;
}

static int load_workload(struct loader *L, const struct dslab_ynode *map) {
    static const char *const keys[] = {"clients", "rate",    "ops",   "keys",   "timeout",
                                       "start",   "stop",    "target", "read_after_write",
                                       "hot_key"};
    struct dslab_scenario_workload *w = &L->s->workload;
    const struct dslab_ynode *n;
    int64_t v;
    w->target = DSLAB_TARGET_RANDOM;
    w->target_node = -1;
    if (!map) return 0;
    if (dslab_ytree_expect_mapping(L->diag, L->file, map, "a mapping like { clients: 2, rate: 50/s }") <
            0 ||
        dslab_ytree_check_keys(L->diag, L->file, map, keys, 10) < 0) {
        return -1;
    }
    w->clients_count = 1;
    if ((n = dslab_ydoc_map_get(map, "clients"))) {
        if (dslab_ytree_int(L->diag, L->file, n, 0, DSLAB_CLIENTS_MAX, &v) < 0) return -1;
        w->clients_count = (int32_t)v;
    }
    if (dslab_ytree_require(L->diag, L->file, map, "rate", &n) < 0) return -1;
    if (w->clients_count > 0 && load_rate(L, n, w) < 0) return -1;
    w->read_weight = w->write_weight = 1000000u;
    if ((n = dslab_ydoc_map_get(map, "ops")) && load_ops(L, n, w) < 0) return -1;
    w->keys_count = 1;
    if ((n = dslab_ydoc_map_get(map, "keys"))) {
        if (dslab_ytree_int(L->diag, L->file, n, 1, DSLAB_KEYS_MAX, &v) < 0) return -1;
        w->keys_count = (int32_t)v;
    }
    if ((n = dslab_ydoc_map_get(map, "hot_key"))) {
        if (dslab_ytree_probability(L->diag, L->file, n, &w->hot_key_ppm) < 0) return -1;
        if (w->hot_key_ppm > 0 && w->keys_count < 2) {
            return dslab_ytree_error(L->diag, L->file, n,
                                     "hot_key needs keys of 2 or more (with one key every "
                                     "operation is already on key 0)");
        }
    }
    if (load_workload_times(L, map, w) < 0) return -1;
    if ((n = dslab_ydoc_map_get(map, "read_after_write")) && !dslab_ydoc_is_null(n) &&
        load_read_after_write(L, n, w) < 0) {
        return -1;
    }
    if ((n = dslab_ydoc_map_get(map, "target")) && n->kind == DSLAB_YNODE_MAPPING) {
        static const char *const route_keys[] = {"read", "write"};
        if (dslab_ytree_check_keys(L->diag, L->file, n, route_keys, 2) < 0) return -1;
        if (!dslab_ydoc_map_get(n, "read") && !dslab_ydoc_map_get(n, "write")) {
            return dslab_ytree_error(L->diag, L->file, n, "target needs read or write (a node name or a list of them)");
        }
        const struct dslab_ynode *r;
        if ((r = dslab_ydoc_map_get(n, "read")) && load_route(L, r, &w->route_read) < 0) return -1;
        if ((r = dslab_ydoc_map_get(n, "write")) && load_route(L, r, &w->route_write) < 0) return -1;
        w->target = DSLAB_TARGET_ROUTES;
    } else if (n) {
        if (dslab_ytree_expect_scalar(L->diag, L->file, n, "random, a node name or { read: NODES, write: NODES }") < 0) return -1;
        if (strcmp(n->text, "random") != 0) {
            if (load_node_ref(L, n, &w->target_node) < 0) return -1;
            w->target = DSLAB_TARGET_NODE;
        }
    }
    return 0;
}

/* ---- assumptions --------------------------------------------------------- */

static int load_assumption_duration(struct loader *L, const struct dslab_ynode *map, const char *key,
                                    bool *declared, int64_t *out, struct dslab_src_pos *pos) {
    const struct dslab_ynode *n = dslab_ydoc_map_get(map, key);
    if (!n) return 0;
    if (dslab_ytree_duration(L->diag, L->file, n, false, out) < 0) return -1;
    if (*out == 0) return dslab_ytree_error(L->diag, L->file, n, "%s must be more than 0", key);
    *declared = true;
    *pos = pos_of(n);
    return 0;
}

static int load_assumptions(struct loader *L, const struct dslab_ynode *map) {
    static const char *const keys[] = {"message_delay_below", "clock_skew_below", "pause_below",
                                       "majority_connected", "no_power_loss"};
    struct dslab_scenario_assumptions *a = &L->s->assumptions;
    if (dslab_ytree_expect_mapping(L->diag, L->file, map, "a mapping like { clock_skew_below: 50ms }") <
            0 ||
        dslab_ytree_check_keys(L->diag, L->file, map, keys, 5) < 0 ||
        load_assumption_duration(L, map, keys[0], &a->message_delay_declared,
                                 &a->message_delay_below_ns, &a->message_delay_pos) < 0 ||
        load_assumption_duration(L, map, keys[1], &a->clock_skew_declared, &a->clock_skew_below_ns,
                                 &a->clock_skew_pos) < 0 ||
        load_assumption_duration(L, map, keys[2], &a->pause_declared, &a->pause_below_ns,
                                 &a->pause_pos) < 0) {
        return -1;
    }
    const struct dslab_ynode *n = dslab_ydoc_map_get(map, keys[3]);
    if (n) {
        if (dslab_ytree_bool(L->diag, L->file, n, &a->majority_connected) < 0) return -1;
        a->majority_connected_declared = true;
        a->majority_connected_pos = pos_of(n);
    }
    if ((n = dslab_ydoc_map_get(map, keys[4]))) {
        if (dslab_ytree_bool(L->diag, L->file, n, &a->no_power_loss) < 0) return -1;
        a->no_power_loss_declared = true;
        a->no_power_loss_pos = pos_of(n);
    }
    return 0;
}

/* ---- checks -------------------------------------------------------------- */

static int unknown_check(struct loader *L, const struct dslab_ynode *at, const char *name) {
    const char *names[64];
    int count = dslab_checker_count() < 64 ? dslab_checker_count() : 64;
    for (int i = 0; i < count; i++) names[i] = dslab_checker_at(i)->name;
    const char *near = dslab_suggest_nearest(name, names, count);
    if (near) {
        return dslab_ytree_error(L->diag, L->file, at, "unknown check '%s' (did you mean '%s'?)", name,
                           near);
    }
    if (count == 0) {
        return dslab_ytree_error(L->diag, L->file, at, "unknown check '%s' (no checks are available)",
                           name);
    }
    char list[400] = "";
    size_t used = 0;
    for (int i = 0; i < count && used < sizeof list; i++) {
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", names[i]);
    }
    return dslab_ytree_error(L->diag, L->file, at, "unknown check '%s' (expected one of: %s)", name,
                       list);
}

static int load_check(struct loader *L, const struct dslab_ynode *item, struct dslab_scenario_check *c) {
    char name[sizeof c->name + 1];
    const char *args = "";
    const struct dslab_ynode *at = item;
    if (item->kind == DSLAB_YNODE_MAPPING && item->count == 1) {
        at = item->first;
        if (dslab_ytree_expect_scalar(L->diag, L->file, at->value, "the check's arguments as text") < 0) {
            return -1;
        }
        args = at->value->text;
        snprintf(name, sizeof name, "%s", at->text);
    } else if (item->kind == DSLAB_YNODE_SCALAR && !dslab_ydoc_is_null(item)) {
        const char *colon = strchr(item->text, ':');
        size_t len = colon ? (size_t)(colon - item->text) : strlen(item->text);
        snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1),
                 item->text);
        if (colon) args = colon + 1 + strspn(colon + 1, " \t");
    } else {
        return dslab_ytree_expect_scalar(L->diag, L->file, item, "a check name or { name: arguments }");
    }
    if (strlen(name) >= sizeof c->name || !dslab_checker_find(name)) return unknown_check(L, at, name);
    memcpy(c->name, name, strlen(name) + 1);
    c->pos = pos_of(at);
    c->args = load_strdup(L, args);
    return c->args ? 0 : -1;
}

static int load_checks(struct loader *L, const struct dslab_ynode *seq) {
    struct dslab_scenario *s = L->s;
    s->checks = load_list(L, seq, "a list of check names like [linearizable]", DSLAB_PARAMS_MAX, "checks",
                          sizeof *s->checks);
    if (!s->checks) return -1;
    for (const struct dslab_ynode *item = seq->first; item; item = item->next) {
        if (load_check(L, item, &s->checks[s->checks_count]) < 0) return -1;
        s->checks_count++;
    }
    return 0;
}

/* ---- narration ----------------------------------------------------------- */

static int load_narration(struct loader *L, const struct dslab_ynode *seq) {
    static const char *const keys[] = {"at", "say", "pause"};
    struct dslab_scenario *s = L->s;
    s->narration = load_list(L, seq, "a list of { at: 1s, say: \"...\" }", DSLAB_NARRATION_MAX,
                             "narration entries", sizeof *s->narration);
    if (!s->narration) return -1;
    for (const struct dslab_ynode *item = seq->first; item; item = item->next) {
        struct dslab_scenario_narration *e = &s->narration[s->narration_count];
        const struct dslab_ynode *at, *say, *p;
        if (dslab_ytree_expect_mapping(L->diag, L->file, item,
                                 "a mapping like { at: 1s, say: \"...\" }") < 0 ||
            dslab_ytree_check_keys(L->diag, L->file, item, keys, 3) < 0 ||
            dslab_ytree_require(L->diag, L->file, item, "at", &at) < 0 ||
            dslab_ytree_require(L->diag, L->file, item, "say", &say) < 0 ||
            load_time_in_run(L, at, "narration", &e->at_ns) < 0 ||
            dslab_ytree_expect_scalar(L->diag, L->file, say, "text to say") < 0) {
            return -1;
        }
        if (strlen(say->text) > DSLAB_TEXT_MAX) {
            return dslab_ytree_error(L->diag, L->file, say, "narration text is longer than %d bytes",
                               DSLAB_TEXT_MAX);
        }
        if ((p = dslab_ydoc_map_get(item, "pause")) && dslab_ytree_bool(L->diag, L->file, p, &e->pause) < 0) {
            return -1;
        }
        e->pos = pos_of(item);
        if (!(e->text = load_strdup(L, say->text))) return -1;
        s->narration_count++;
    }
    return load_sort_by_time(L, s->narration, s->narration_count, sizeof *s->narration,
                             offsetof(struct dslab_scenario_narration, at_ns));
}

/* ---- validation by the protocol and the checkers ------------------------- */

static int validate_plugins(struct loader *L) {
    struct dslab_scenario *s = L->s;
    /* Built-in (or registered) protocols and process nodes are configured
     * here, so a bad parameter, command or node name is a load error with
     * its position (configure() of `process:` only parses; it starts
     * nothing). Node code from a file (source:, plugin:) is configured when
     * it is loaded, in dslab_sim_create. */
    const struct dslab_protocol *p = NULL;
    if (s->protocol.origin == DSLAB_PROTOCOL_BUILTIN || s->protocol.origin == DSLAB_PROTOCOL_PROCESS) {
        p = dslab_protocol_of_scenario(s);
        if (!p) { /* a registered protocol another thread unregistered meanwhile */
            return dslab_diag_set(L->diag, L->file, s->protocol.pos.line, s->protocol.pos.col,
                            "unknown protocol '%s'", s->protocol.name);
        }
    }
    if (p && !p->configure && s->protocol.params_count > 0) {
        const struct dslab_scenario_param *param = &s->protocol.params[0];
        return dslab_diag_set(L->diag, L->file, param->pos.line, param->pos.col,
                        "unknown protocol parameter '%s' (%s takes no parameters)", param->key,
                        p->name);
    }
    if (p && p->configure) {
        void *config = NULL;
        if (p->configure(s, &config, L->diag) < 0) return -1;
        if (p->destroy_config) p->destroy_config(config);
    }
    for (int i = 0; i < s->checks_count; i++) {
        const struct dslab_checker *c = dslab_checker_find(s->checks[i].name);
        void *state = NULL;
        if (c->create) {
            if (c->create(s, &s->checks[i], &state, L->diag) < 0) return -1;
            if (c->destroy) c->destroy(state);
        }
    }
    return 0;
}

/* ---- top level ----------------------------------------------------------- */

static int load_top(struct loader *L, const struct dslab_ynode *root) {
    static const char *const keys[] = {
        "name",    "title",  "description", "seed",   "duration",    "limits",
        "nodes",   "clocks", "network",     "protocol", "workload",  "faults",
        "assumptions", "checks", "narration", "explore", "costs"};
    const struct dslab_ynode *n;
    if (dslab_ytree_check_keys(L->diag, L->file, root, keys, (int)(sizeof keys / sizeof keys[0])) < 0 ||
        load_basics(L, root) < 0 || dslab_ytree_require(L->diag, L->file, root, "nodes", &n) < 0 ||
        load_nodes(L, n) < 0) {
        return -1;
    }
    if ((n = dslab_ydoc_map_get(root, "clocks")) && load_clocks(L, n) < 0) return -1;
    if (load_network(L, dslab_ydoc_map_get(root, "network")) < 0) return -1;
    if (dslab_ytree_require(L->diag, L->file, root, "protocol", &n) < 0 || load_protocol(L, n) < 0) {
        return -1;
    }
    if (load_workload(L, dslab_ydoc_map_get(root, "workload")) < 0) return -1;
    if ((n = dslab_ydoc_map_get(root, "faults")) && !dslab_ydoc_is_null(n) && load_faults(L, n) < 0) return -1;
    if ((n = dslab_ydoc_map_get(root, "assumptions")) && load_assumptions(L, n) < 0) return -1;
    if ((n = dslab_ydoc_map_get(root, "checks")) && !dslab_ydoc_is_null(n) && load_checks(L, n) < 0) return -1;
    if ((n = dslab_ydoc_map_get(root, "narration")) && !dslab_ydoc_is_null(n) && load_narration(L, n) < 0) {
        return -1;
    }
    if (load_explore(L, dslab_ydoc_map_get(root, "explore")) < 0) return -1;
    if (load_costs(L, dslab_ydoc_map_get(root, "costs")) < 0) return -1;
    return validate_plugins(L);
}

static struct dslab_scenario *load_doc(struct dslab_ydoc *doc, const char *file,
                                 const struct dslab_scenario_override *overrides, int overrides_count,
                                 struct dslab_diag *diag) {
    if (!doc->root) {
        dslab_diag_set(diag, file, 0, 0,
                 "empty scenario file: expected a mapping with name, duration, nodes, "
                 "protocol...");
        return NULL;
    }
    if (doc->root->kind != DSLAB_YNODE_MAPPING) {
        dslab_diag_set(diag, file, doc->root->line, doc->root->col,
                 "expected a mapping with name, duration, nodes, protocol... at the top of the "
                 "file, got %s",
                 dslab_ydoc_kind_name(doc->root));
        return NULL;
    }
    if (overrides_apply(doc, overrides, overrides_count, diag) < 0) return NULL;
    struct loader L = {.file = file, .diag = diag, .alloc = doc->alloc};
    struct scenario_box *box = load_alloc(&L, sizeof *box);
    if (!box) return NULL;
    box->alloc = doc->alloc;
    L.s = &box->s;
    snprintf(L.s->path, sizeof L.s->path, "%s", file);
    int rc = load_top(&L, doc->root);
    load_free(&L, L.nodes_by_name);
    if (rc < 0) {
        dslab_scenario_free(L.s);
        return NULL;
    }
    return L.s;
}

struct dslab_scenario *dslab_scenario_load(const char *path, const struct dslab_scenario_override *overrides,
                               int overrides_count, const struct dslab_scenario_alloc *alloc,
                               struct dslab_diag *diag) {
    struct dslab_ydoc doc;
    dslab_diag_clear(diag);
    if (dslab_ydoc_load_file(&doc, path, alloc, diag) < 0) return NULL;
    struct dslab_scenario *s = load_doc(&doc, path, overrides, overrides_count, diag);
    dslab_ydoc_free(&doc);
    return s;
}

struct dslab_scenario *dslab_scenario_load_buffer(const char *text, size_t len, const char *name_for_errors,
                                      const struct dslab_scenario_override *overrides,
                                      int overrides_count, const struct dslab_scenario_alloc *alloc,
                                      struct dslab_diag *diag) {
    struct dslab_ydoc doc;
    dslab_diag_clear(diag);
    if (dslab_ydoc_parse(&doc, text, len, name_for_errors, alloc, diag) < 0) return NULL;
    struct dslab_scenario *s = load_doc(&doc, name_for_errors, overrides, overrides_count, diag);
    dslab_ydoc_free(&doc);
    return s;
}
