/* scenario_costs.c: the `costs:` section (time-cost models: disk, timers,
 * process pauses, link bandwidth, CPU queues) into scenario->node_costs, and its canonical YAML for
 * dslab_scenario_save(). The format and every range are in
 * docs/SCENARIO_FORMAT.md ("costs"); the models' semantics in
 * docs/ASSUMPTIONS.md. Absent section = node_costs NULL = every model off.
 *
 *   costs:
 *     disk: { write: constant(50us), sync: uniform(4ms, 6ms) }
 *     timers: { delay: uniform(0ms, 0.3ms) }
 *     pauses: { every: exponential(30s), length: uniform(10ms, 50ms) }
 *     links: { bandwidth: 100Mbps }         # each node's outgoing links
 *     cpu: { workers: 2, queue: 100, request: exponential(1ms) }
 *     nodes:
 *       n3: { disk: { sync: constant(40ms) } }   # per node, key by key
 */
#include <stdio.h>
#include <string.h>

#include "dslab/json_write.h"
#include "dslab/scenario.h"
#include "dslab/time.h"
#include "scenario/load_internal.h"
#include "scenario/units.h"

/* One distribution, with its mean checked against [min_ns, max_ns]. */
static int load_cost_range(struct loader *L, const struct dslab_ynode *n, int64_t min_ns,
                           int64_t max_ns, const char *what, struct dslab_latency_dist *out) {
    if (load_latency(L, n, out) < 0) return -1;
    int64_t mean_ns = dslab_latency_mean_ns(out);
    if (mean_ns < min_ns || mean_ns > max_ns) {
        char lo[32], hi[32], got[32];
        return dslab_ytree_error(L->diag, L->file, n, "%s %s has a mean of %s: expected %s to %s", what, n->text,
                          dslab_time_format_human(mean_ns, got, sizeof got),
                          dslab_time_format_human(min_ns, lo, sizeof lo),
                          dslab_time_format_human(max_ns, hi, sizeof hi));
    }
    return 0;
}

static int load_cost_dist(struct loader *L, const struct dslab_ynode *n, int64_t min_ns,
                          const char *what, struct dslab_latency_dist *out) {
    return load_cost_range(L, n, min_ns, DSLAB_COST_NS_MAX, what, out);
}

/* The distribution under `key` of `map`, when it is there (min 0). */
static int load_optional_cost_dist(struct loader *L, const struct dslab_ynode *map, const char *key,
                                   const char *what, struct dslab_latency_dist *out) {
    const struct dslab_ynode *n = dslab_ydoc_map_get(map, key);
    return n ? load_cost_dist(L, n, 0, what, out) : 0;
}

static int load_disk(struct loader *L, const struct dslab_ynode *map, struct dslab_scenario_node_costs *c) {
    static const char *const keys[] = {"write", "sync"};
    if (load_keyed_mapping(L, map, "a mapping like { write: constant(50us), sync: 5ms }", keys, 2) < 0) {
        return -1;
    }
    if (!dslab_ydoc_map_get(map, "write") && !dslab_ydoc_map_get(map, "sync")) {
        return dslab_ytree_error(L->diag, L->file, map, "disk needs write or sync (a latency distribution)");
    }
    if (load_optional_cost_dist(L, map, "write", "disk write latency", &c->disk_write_ns) < 0) return -1;
    if (load_optional_cost_dist(L, map, "sync", "disk sync latency", &c->disk_sync_ns) < 0) return -1;
    c->disk_on = true;
    return 0;
}

static int load_timers(struct loader *L, const struct dslab_ynode *map, struct dslab_scenario_node_costs *c) {
    static const char *const keys[] = {"delay"};
    const struct dslab_ynode *n;
    if (load_keyed_mapping(L, map, "a mapping like { delay: uniform(0ms, 0.3ms) }", keys, 1) < 0 ||
        dslab_ytree_require(L->diag, L->file, map, "delay", &n) < 0 ||
        load_cost_dist(L, n, 0, "timer delay", &c->timer_delay_ns) < 0) {
        return -1;
    }
    c->timer_on = true;
    return 0;
}

static int load_pauses(struct loader *L, const struct dslab_ynode *map, struct dslab_scenario_node_costs *c) {
    static const char *const keys[] = {"every", "length"};
    const struct dslab_ynode *e, *l;
    if (dslab_ytree_expect_mapping(L->diag, L->file, map,
                            "a mapping like { every: exponential(30s), length: uniform(10ms, 50ms) }") <
            0 ||
        dslab_ytree_check_keys(L->diag, L->file, map, keys, 2) < 0 || dslab_ytree_require(L->diag, L->file, map, "every", &e) < 0 ||
        dslab_ytree_require(L->diag, L->file, map, "length", &l) < 0 ||
        load_cost_range(L, e, DSLAB_COST_PAUSE_EVERY_NS_MIN, DSLAB_COST_PAUSE_EVERY_NS_MAX,
                        "pause interval", &c->pause_every_ns) < 0 ||
        load_cost_dist(L, l, 0, "pause length", &c->pause_length_ns) < 0) {
        return -1;
    }
    c->pause_on = true;
    return 0;
}

__extension__ typedef unsigned __int128 u128;

/* A bandwidth "DECIMAL UNIT", UNIT one of bps, kbps, Mbps, Gbps (bits per
 * second, powers of 1000), within the documented range. */
static int load_bandwidth(struct loader *L, const struct dslab_ynode *n, int64_t *out_bps) {
    static const struct { const char *unit; uint64_t bps; } units[] = {
        {"bps", 1}, {"kbps", 1000}, {"Mbps", 1000000}, {"Gbps", 1000000000}};
    const char *text = n->kind == DSLAB_YNODE_SCALAR ? n->text : NULL;
    char number[32];
    size_t len = 0;
    while (text && text[len] && (text[len] == '.' || (text[len] >= '0' && text[len] <= '9'))) len++;
    int u = -1;
    for (int i = 0; text && len > 0 && len < sizeof number && i < 4; i++) {
        if (strcmp(text + len, units[i].unit) == 0) u = i;
    }
    if (u < 0) {
        return dslab_ytree_error(L->diag, L->file, n,
                          "expected a bandwidth like 100Mbps (units bps, kbps, Mbps, Gbps), got '%s'",
                          text ? text : "a non-scalar");
    }
    memcpy(number, text, len);
    number[len] = 0;
    char err[160];
    uint64_t micro;
    /* The range check below bounds it; this bound only keeps the product in 64 bits. */
    if (units_parse_decimal_micro(number, UINT64_C(1000000) * 1000000000000, &micro, err, sizeof err) < 0) {
        return dslab_ytree_error(L->diag, L->file, n, "bandwidth '%s': %s", text, err);
    }
    u128 bps = (u128)micro * units[u].bps / 1000000u;
    if (bps < (u128)DSLAB_COST_BANDWIDTH_BPS_MIN || bps > (u128)DSLAB_COST_BANDWIDTH_BPS_MAX) {
        return dslab_ytree_error(L->diag, L->file, n, "bandwidth %s is out of range: expected 1kbps to 400Gbps", text);
    }
    *out_bps = (int64_t)bps;
    return 0;
}

static int load_links(struct loader *L, const struct dslab_ynode *map, struct dslab_scenario_node_costs *c) {
    static const char *const keys[] = {"bandwidth"};
    const struct dslab_ynode *n;
    if (load_keyed_mapping(L, map, "a mapping like { bandwidth: 100Mbps }", keys, 1) < 0 ||
        dslab_ytree_require(L->diag, L->file, map, "bandwidth", &n) < 0 ||
        load_bandwidth(L, n, &c->link_bandwidth_bps) < 0) {
        return -1;
    }
    c->link_on = true;
    return 0;
}

/* Appends one kind to s->cpu_kinds (grown through the allocator hooks). */
static int push_kind(struct loader *L, const char *name, const struct dslab_latency_dist *d) {
    struct dslab_scenario *s = L->s;
    int32_t n = s->cpu_kinds_count;
    if ((n & (n - 1)) == 0) { /* 0, 1, 2, 4, ...: double */
        size_t capacity = n ? (size_t)n * 2 : 1;
        void *p = L->alloc.realloc_fn(s->cpu_kinds, capacity * sizeof *s->cpu_kinds, L->alloc.user);
        if (!p) {
            dslab_diag_set(L->diag, L->file, 0, 0, "out of memory while loading the scenario");
            return -1;
        }
        s->cpu_kinds = p;
    }
    struct dslab_scenario_cpu_kind *k = &s->cpu_kinds[n];
    memset(k, 0, sizeof *k);
    snprintf(k->name, sizeof k->name, "%s", name);
    k->service_ns = *d;
    s->cpu_kinds_count = n + 1;
    return 0;
}

/* A kind name: 1..31 bytes of letters, digits, '_', '-', '.', not starting
 * with '-' or '.' (so that it is a plain YAML key when saved). */
static bool kind_name_ok(const char *t) {
    size_t len = strlen(t);
    if (len == 0 || len >= DSLAB_COST_CPU_KIND_NAME_MAX || t[0] == '-' || t[0] == '.') return false;
    for (size_t i = 0; i < len; i++) {
        char ch = t[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
                  ch == '-' || ch == '.';
        if (!ok) return false;
    }
    return true;
}

/* `messages:` or `requests:` of costs.cpu: a mapping kind -> distribution,
 * into a new range of s->cpu_kinds. Request kinds are read, write, cas. */
static int load_kinds(struct loader *L, const struct dslab_ynode *map, bool requests, int32_t *first,
                      int32_t *count) {
    static const char *const request_kinds[] = {"read", "write", "cas"};
    if (dslab_ytree_expect_mapping(L->diag, L->file, map,
                                   requests ? "a mapping like { read: 100us, write: exponential(2ms) }"
                                            : "a mapping like { AppendEntries: 200us, RequestVote: 20us }") < 0) {
        return -1;
    }
    if (requests && dslab_ytree_check_keys(L->diag, L->file, map, request_kinds, 3) < 0) return -1;
    if (map->count < 1 || map->count > DSLAB_COST_CPU_KINDS_MAX) {
        return dslab_ytree_error(L->diag, L->file, map, "expected 1 to %d kinds, got %d", DSLAB_COST_CPU_KINDS_MAX,
                                 (int)map->count);
    }
    *first = L->s->cpu_kinds_count;
    *count = 0;
    for (const struct dslab_ynode *k = map->first; k; k = k->next) {
        if (!kind_name_ok(k->text)) {
            return dslab_ytree_error(L->diag, L->file, k,
                                     "message kind '%s': expected 1 to %d letters, digits, '_', '-' or '.', not "
                                     "starting with '-' or '.' (the first word of a message label, like AppendEntries)",
                                     k->text, DSLAB_COST_CPU_KIND_NAME_MAX - 1);
        }
        struct dslab_latency_dist d;
        char what[96];
        snprintf(what, sizeof what, "cpu service time of %s", k->text);
        if (load_cost_dist(L, k->value, 0, what, &d) < 0 || push_kind(L, k->text, &d) < 0) return -1;
        (*count)++;
    }
    return 0;
}

static int load_cpu(struct loader *L, const struct dslab_ynode *map, struct dslab_scenario_node_costs *c) {
    static const char *const keys[] = {"workers", "queue", "message", "request", "messages", "requests"};
    const struct dslab_ynode *n;
    int64_t workers, queue = -1;
    if (dslab_ytree_expect_mapping(L->diag, L->file, map,
                            "a mapping like { workers: 2, queue: 100, request: exponential(1ms) }") < 0 ||
        dslab_ytree_check_keys(L->diag, L->file, map, keys, 6) < 0 ||
        dslab_ytree_require(L->diag, L->file, map, "workers", &n) < 0 ||
        dslab_ytree_int(L->diag, L->file, n, 1, DSLAB_COST_CPU_WORKERS_MAX, &workers) < 0) {
        return -1;
    }
    if ((n = dslab_ydoc_map_get(map, "queue")) &&
        dslab_ytree_int(L->diag, L->file, n, 0, DSLAB_COST_CPU_QUEUE_MAX, &queue) < 0) {
        return -1;
    }
    if (!dslab_ydoc_map_get(map, "message") && !dslab_ydoc_map_get(map, "request") &&
        !dslab_ydoc_map_get(map, "messages") && !dslab_ydoc_map_get(map, "requests")) {
        return dslab_ytree_error(L->diag, L->file, map,
                                 "cpu needs message or request (a service-time distribution), or messages or requests "
                                 "(per kind)");
    }
    if ((n = dslab_ydoc_map_get(map, "messages")) &&
        load_kinds(L, n, false, &c->cpu_message_kinds_first, &c->cpu_message_kinds_count) < 0) {
        return -1;
    }
    if ((n = dslab_ydoc_map_get(map, "requests")) &&
        load_kinds(L, n, true, &c->cpu_request_kinds_first, &c->cpu_request_kinds_count) < 0) {
        return -1;
    }
    if (load_optional_cost_dist(L, map, "message", "cpu message service time", &c->cpu_message_ns) < 0) return -1;
    if (load_optional_cost_dist(L, map, "request", "cpu request service time", &c->cpu_request_ns) < 0) return -1;
    c->cpu_workers = (int32_t)workers;
    c->cpu_queue_max = (int32_t)queue;
    c->cpu_on = true;
    return 0;
}

/* disk/timers/pauses/links/cpu of `map` into *c (keys absent from map are kept). */
static int load_models(struct loader *L, const struct dslab_ynode *map, struct dslab_scenario_node_costs *c) {
    const struct dslab_ynode *n;
    if ((n = dslab_ydoc_map_get(map, "disk")) && load_disk(L, n, c) < 0) return -1;
    if ((n = dslab_ydoc_map_get(map, "timers")) && load_timers(L, n, c) < 0) return -1;
    if ((n = dslab_ydoc_map_get(map, "pauses")) && load_pauses(L, n, c) < 0) return -1;
    if ((n = dslab_ydoc_map_get(map, "links")) && load_links(L, n, c) < 0) return -1;
    if ((n = dslab_ydoc_map_get(map, "cpu")) && load_cpu(L, n, c) < 0) return -1;
    return 0;
}

int load_costs(struct loader *L, const struct dslab_ynode *map) {
    static const char *const keys[] = {"disk", "timers", "pauses", "links", "cpu", "nodes"};
    static const char *const node_keys[] = {"disk", "timers", "pauses", "links", "cpu"};
    struct dslab_scenario *s = L->s;
    if (!map || dslab_ydoc_is_null(map)) return 0;
    if (load_keyed_mapping(L, map, "a mapping of disk, timers, pauses, links, cpu, nodes", keys, 6) < 0) {
        return -1;
    }
    s->node_costs = load_alloc(L, sizeof *s->node_costs * (size_t)s->nodes_count);
    if (!s->node_costs) return -1;
    struct dslab_scenario_node_costs all;
    memset(&all, 0, sizeof all);
    if (load_models(L, map, &all) < 0) return -1;
    for (int32_t i = 0; i < s->nodes_count; i++) s->node_costs[i] = all;
    const struct dslab_ynode *nodes = dslab_ydoc_map_get(map, "nodes");
    if (!nodes || dslab_ydoc_is_null(nodes)) return 0;
    if (dslab_ytree_expect_mapping(L->diag, L->file, nodes, "a mapping of node names to { disk, timers, pauses, links, cpu }") < 0) {
        return -1;
    }
    for (const struct dslab_ynode *k = nodes->first; k; k = k->next) {
        int32_t node;
        if (load_node_ref(L, k, &node) < 0 ||
            load_keyed_mapping(L, k->value, "a mapping like { disk: { sync: 40ms } }", node_keys, 5) < 0 ||
            load_models(L, k->value, &s->node_costs[node]) < 0) {
            return -1;
        }
    }
    return 0;
}

static void put_dist(FILE *f, const char *key, const struct dslab_latency_dist *d, bool first) {
    char text[512];
    dslab_latency_format(d, text, (int)sizeof text);
    fprintf(f, "%s%s: ", first ? "" : ", ", key);
    dslab_json_write_string(f, text); /* the one escaper (dslab/json_write.h) */
}

static void put_kinds(FILE *f, const struct dslab_scenario *s, const char *key, int32_t first, int32_t count) {
    if (count == 0) return;
    fprintf(f, ", %s: {", key);
    for (int32_t i = 0; i < count; i++) {
        const struct dslab_scenario_cpu_kind *k = &s->cpu_kinds[first + i];
        if (i == 0) fputc(' ', f);
        put_dist(f, k->name, &k->service_ns, i == 0);
    }
    fputs(" }", f);
}

void scenario_save_costs(FILE *f, const struct dslab_scenario *s) {
    if (!s->node_costs) return;
    fputs("costs:\n  nodes:\n", f);
    for (int32_t i = 0; i < s->nodes_count; i++) {
        const struct dslab_scenario_node_costs *c = &s->node_costs[i];
        fprintf(f, "    %s: {", s->node_names[i]);
        bool first = true;
        if (c->disk_on) {
            fputs(" disk: {", f);
            put_dist(f, "write", &c->disk_write_ns, true);
            put_dist(f, "sync", &c->disk_sync_ns, false);
            fputs("}", f);
            first = false;
        }
        if (c->timer_on) {
            fputs(first ? " timers: {" : ", timers: {", f);
            put_dist(f, "delay", &c->timer_delay_ns, true);
            fputs("}", f);
            first = false;
        }
        if (c->pause_on) {
            fputs(first ? " pauses: {" : ", pauses: {", f);
            put_dist(f, "every", &c->pause_every_ns, true);
            put_dist(f, "length", &c->pause_length_ns, false);
            fputs("}", f);
            first = false;
        }
        if (c->link_on) {
            fprintf(f, "%slinks: { bandwidth: %lldbps }", first ? " " : ", ", (long long)c->link_bandwidth_bps);
            first = false;
        }
        if (c->cpu_on) {
            fprintf(f, "%scpu: { workers: %d", first ? " " : ", ", (int)c->cpu_workers);
            if (c->cpu_queue_max >= 0) fprintf(f, ", queue: %d", (int)c->cpu_queue_max);
            put_dist(f, "message", &c->cpu_message_ns, false);
            put_dist(f, "request", &c->cpu_request_ns, false);
            put_kinds(f, s, "messages", c->cpu_message_kinds_first, c->cpu_message_kinds_count);
            put_kinds(f, s, "requests", c->cpu_request_kinds_first, c->cpu_request_kinds_count);
            fputs(" }", f);
        }
        fputs(" }\n", f);
    }
}
