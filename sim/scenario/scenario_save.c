/* scenario_save.c: struct dslab_scenario -> YAML that loads back to an equal
 * scenario (positions aside). Used by `dslab viz` to save a session and by
 * `dslab explore` to write reproducers.
 *
 * Everything is written explicitly in its canonical form: durations with
 * the largest exact unit, probabilities as decimals of their ppm, latencies
 * through dslab_latency_format(), the workload rate as "CLIENTS/INTERVAL" so the
 * mean interval comes back to the nanosecond. Free text is double-quoted
 * with escapes. The file is written to PATH.tmp and renamed over PATH, so
 * a reader never sees half a file. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

#include "dslab/json_write.h"
#include "dslab/outfile.h"
#include "dslab/scenario.h"
#include "dslab/time.h"
#include "scenario/load_internal.h"
#include "scenario/units.h"

/* A YAML double-quoted scalar: the one JSON string escaper (a JSON
 * literal is valid YAML; dslab/json_write.h). */
static void put_quoted(FILE *f, const char *text) {
    dslab_json_write_string(f, text);
}

static const char *dur(int64_t ns, char *buf) {
    return dslab_time_format_duration(ns, buf, 32);
}

static const char *ppm(uint64_t v, char *buf) {
    units_format_ppm(v, buf, 32);
    return buf;
}

static void put_link_fields(FILE *f, const struct dslab_link_params *link, uint32_t fields) {
    char buf[32], lat[512];
    if (fields & DSLAB_LINK_FIELD_LATENCY) {
        dslab_latency_format(&link->latency, lat, (int)sizeof lat);
        fputs(", latency: ", f);
        put_quoted(f, lat);
    }
    if (fields & DSLAB_LINK_FIELD_LOSS) fprintf(f, ", loss: %s", ppm(link->loss_ppm, buf));
    if (fields & DSLAB_LINK_FIELD_DUPLICATE) fprintf(f, ", duplicate: %s", ppm(link->duplicate_ppm, buf));
}

static bool default_names(const struct dslab_scenario *s) {
    for (int32_t i = 0; i < s->nodes_count; i++) {
        char name[DSLAB_NAME_MAX];
        snprintf(name, sizeof name, "n%d", (int)i + 1);
        if (strcmp(name, s->node_names[i]) != 0) return false;
    }
    return true;
}

static void save_header(FILE *f, const struct dslab_scenario *s) {
    char buf[32];
    fprintf(f, "name: %s\ntitle: ", s->name);
    put_quoted(f, s->title ? s->title : "");
    fputs("\ndescription: ", f);
    put_quoted(f, s->description ? s->description : "");
    fprintf(f, "\nseed: %" PRIu64 "\nduration: %s\n", s->seed, dur(s->duration_ns, buf));
    fprintf(f, "limits: { events: %" PRId64 " }\n", s->events_max);
    if (default_names(s)) {
        fprintf(f, "nodes: %d\n", (int)s->nodes_count);
    } else {
        fputs("nodes: [", f);
        for (int32_t i = 0; i < s->nodes_count; i++) {
            fprintf(f, "%s%s", i ? ", " : "", s->node_names[i]);
        }
        fputs("]\n", f);
    }
    bool any_clock = false;
    for (int32_t i = 0; i < s->nodes_count; i++) {
        const struct dslab_scenario_clock *c = &s->clocks[i];
        if (c->offset_ns == 0 && c->drift_ppm == 0) continue;
        if (!any_clock) fputs("clocks:\n", f);
        any_clock = true;
        fprintf(f, "  %s: { offset: %s, drift_ppm: %" PRId64 " }\n", s->node_names[i],
                dur(c->offset_ns, buf), c->drift_ppm);
    }
}

static void save_network_block(FILE *f, const struct dslab_scenario *s) {
    char lat[512], buf[32];
    dslab_latency_format(&s->network.link.latency, lat, (int)sizeof lat);
    fputs("network:\n  latency: ", f);
    put_quoted(f, lat);
    fprintf(f, "\n  loss: %s\n", ppm(s->network.link.loss_ppm, buf));
    fprintf(f, "  duplicate: %s\n", ppm(s->network.link.duplicate_ppm, buf));
    fprintf(f, "  order: %s\n", s->network.fifo ? "fifo" : "unordered");
    if (s->link_overrides_count > 0) fputs("  links:\n", f);
    for (int i = 0; i < s->link_overrides_count; i++) {
        const struct dslab_scenario_link_override *o = &s->link_overrides[i];
        fprintf(f, "    - { from: %s, to: %s, both: %s", s->node_names[o->from_node],
                s->node_names[o->to_node], o->both_ways ? "true" : "false");
        put_link_fields(f, &o->link, o->fields);
        fputs(" }\n", f);
    }
}

/* A route of `target: { read, write }`: random or a list of node names. */
static void put_route(FILE *f, const struct dslab_scenario *s, const struct dslab_workload_route *r) {
    if (r->count == 0) {
        fputs("random", f);
        return;
    }
    fputs("[", f);
    for (int32_t i = 0; i < r->count; i++) fprintf(f, "%s%s", i ? ", " : "", s->node_names[r->nodes[i]]);
    fputs("]", f);
}

static void save_protocol_workload(FILE *f, const struct dslab_scenario *s) {
    char buf[32], buf2[32];
    if (s->protocol.origin == DSLAB_PROTOCOL_PROCESS) {
        fprintf(f, "protocol:\n  process: ");
        put_quoted(f, s->protocol.process);
        fprintf(f, "\n  process_dir: ");
        put_quoted(f, s->protocol.process_dir ? s->protocol.process_dir : ".");
        fprintf(f, "\n");
    } else if (s->protocol.origin == DSLAB_PROTOCOL_BUILTIN) {
        fprintf(f, "protocol:\n  name: %s\n", s->protocol.name);
    } else {
        /* Absolute, so the saved file finds the code from any directory. */
        char cwd[PATH_MAX], abs[PATH_MAX + DSLAB_CODE_PATH_MAX + 2];
        const char *path = s->protocol.code_path;
        if (path[0] != '/' && getcwd(cwd, sizeof cwd)) {
            snprintf(abs, sizeof abs, "%s/%s", cwd, path);
            path = abs;
        }
        fprintf(f, "protocol:\n  %s: ", s->protocol.origin == DSLAB_PROTOCOL_SOURCE ? "source" : "plugin");
        put_quoted(f, path);
        fputc('\n', f);
    }
    for (int i = 0; i < s->protocol.params_count; i++) {
        fprintf(f, "  %s: ", s->protocol.params[i].key);
        put_quoted(f, s->protocol.params[i].value);
        fputc('\n', f);
    }
    const struct dslab_scenario_workload *w = &s->workload;
    if (w->clients_count == 0) return;
    fprintf(f, "workload:\n  clients: %d\n", (int)w->clients_count);
    fprintf(f, "  rate: %d/%s\n", (int)w->clients_count, dur(w->interval_ns_mean, buf));
    fprintf(f, "  ops: { read: %s, ", ppm(w->read_weight, buf));
    fprintf(f, "write: %s, ", ppm(w->write_weight, buf));
    fprintf(f, "cas: %s }\n", ppm(w->cas_weight, buf));
    fprintf(f, "  keys: %d\n  timeout: %s\n", (int)w->keys_count, dur(w->timeout_ns, buf));
    fprintf(f, "  start: %s\n  stop: %s\n", dur(w->start_ns, buf), dur(w->stop_ns, buf2));
    if (w->hot_key_ppm > 0) fprintf(f, "  hot_key: %s\n", ppm(w->hot_key_ppm, buf));
    if (w->probe_on) {
        char dist[512];
        dslab_latency_format(&w->probe_delay_ns, dist, (int)sizeof dist);
        fprintf(f, "  read_after_write: { delay: \"%s\"", dist);
        if (w->probe_bucket_ns > 0) fprintf(f, ", bucket: %s", dur(w->probe_bucket_ns, buf));
        fputs(" }\n", f);
    }
    if (w->target == DSLAB_TARGET_ROUTES) {
        fputs("  target: { read: ", f);
        put_route(f, s, &w->route_read);
        fputs(", write: ", f);
        put_route(f, s, &w->route_write);
        fputs(" }\n", f);
        return;
    }
    fprintf(f, "  target: %s\n",
            w->target == DSLAB_TARGET_NODE ? s->node_names[w->target_node] : "random");
}

static void put_ends(FILE *f, const struct dslab_scenario *s, const struct dslab_fault *x) {
    if (x->both_ways) {
        fprintf(f, "[%s, %s]", s->node_names[x->node], s->node_names[x->peer]);
    } else {
        fprintf(f, "{ from: %s, to: %s }", s->node_names[x->node], s->node_names[x->peer]);
    }
}

static void put_groups(FILE *f, const struct dslab_scenario *s, const struct dslab_fault *x) {
    int32_t groups = 0;
    for (int32_t i = 0; i < s->nodes_count; i++) {
        if (x->group_of_node[i] + 1 > groups) groups = x->group_of_node[i] + 1;
    }
    fputc('[', f);
    bool first_group = true;
    for (int32_t g = 0; g < groups; g++) {
        bool first = true;
        for (int32_t i = 0; i < s->nodes_count; i++) {
            if (x->group_of_node[i] != g) continue;
            fprintf(f, "%s%s", first ? (first_group ? "[" : ", [") : ", ", s->node_names[i]);
            first = false;
            first_group = false;
        }
        if (!first) fputc(']', f);
    }
    fputc(']', f);
}

static void save_fault(FILE *f, const struct dslab_scenario *s, const struct dslab_fault *x) {
    static const char *const shape_names[] = {"", "majority-minority", "isolate-one", "bridge",
                                              "majorities-ring"};
    char buf[32];
    fprintf(f, "  - { at: %s, ", dur(x->at_ns, buf));
    const char *node = x->node >= 0 ? s->node_names[x->node] : "";
    switch (x->kind) {
    case DSLAB_FAULT_PARTITION:
        fputs("partition: ", f);
        if (x->shape == DSLAB_PARTITION_GROUPS) put_groups(f, s, x);
        else fputs(shape_names[x->shape], f);
        if (x->shape == DSLAB_PARTITION_ISOLATE_ONE || x->shape == DSLAB_PARTITION_BRIDGE) {
            fprintf(f, ", node: %s", node);
        }
        break;
    case DSLAB_FAULT_HEAL:
        fputs("heal: ", f);
        if (x->node < 0) fputs("all", f);
        else put_ends(f, s, x);
        break;
    case DSLAB_FAULT_CUT: fputs("cut: ", f); put_ends(f, s, x); break;
    case DSLAB_FAULT_CRASH: fprintf(f, "crash: %s", node); break;
    case DSLAB_FAULT_RESTART:
        fprintf(f, "restart: %s, lose_unsynced: %s", node, x->lose_unsynced ? "true" : "false");
        break;
    case DSLAB_FAULT_PAUSE: fprintf(f, "pause: %s, for: %s", node, dur(x->duration_ns, buf)); break;
    case DSLAB_FAULT_CLOCK_JUMP: fprintf(f, "clock: %s, jump: %s", node, dur(x->jump_ns, buf)); break;
    case DSLAB_FAULT_CLOCK_DRIFT:
        fprintf(f, "clock: %s, drift_ppm: %" PRId64, node, x->drift_ppm);
        break;
    case DSLAB_FAULT_LINK:
        fputs("link: ", f);
        put_ends(f, s, x);
        put_link_fields(f, &x->link, x->link_fields);
        break;
    case DSLAB_FAULT_SLOW: fprintf(f, "slow: %s, factor: %u", node, (unsigned)x->slow_factor); break;
    case DSLAB_FAULT_SLOW_DISK:
        fprintf(f, "slow-disk: %s, factor: %u", node, (unsigned)x->slow_factor);
        break;
    case DSLAB_FAULT_DEPLOY: fprintf(f, "deploy: %s, version: %d", node, (int)x->version); break;
    case DSLAB_FAULT_SET:
        fprintf(f, "set: protocol.%s, to: ", x->param_key);
        put_quoted(f, x->param_value);
        break;
    case DSLAB_FAULT_SHED: fprintf(f, "shed: %s, fraction: %s", node, ppm(x->shed_ppm, buf)); break;
    case DSLAB_FAULT_KIND_COUNT: break;
    }
    fputs(" }\n", f);
}

static void save_rest(FILE *f, const struct dslab_scenario *s) {
    char buf[32];
    if (s->faults_count > 0) fputs("faults:\n", f);
    for (int i = 0; i < s->faults_count; i++) save_fault(f, s, &s->faults[i]);
    const struct dslab_scenario_assumptions *a = &s->assumptions;
    if (a->message_delay_declared || a->clock_skew_declared || a->pause_declared ||
        a->majority_connected_declared || a->no_power_loss_declared) {
        fputs("assumptions:\n", f);
        if (a->message_delay_declared) {
            fprintf(f, "  message_delay_below: %s\n", dur(a->message_delay_below_ns, buf));
        }
        if (a->clock_skew_declared) {
            fprintf(f, "  clock_skew_below: %s\n", dur(a->clock_skew_below_ns, buf));
        }
        if (a->pause_declared) fprintf(f, "  pause_below: %s\n", dur(a->pause_below_ns, buf));
        if (a->majority_connected_declared) {
            fprintf(f, "  majority_connected: %s\n", a->majority_connected ? "true" : "false");
        }
        if (a->no_power_loss_declared) fprintf(f, "  no_power_loss: %s\n", a->no_power_loss ? "true" : "false");
    }
    if (s->checks_count > 0) fputs("checks:\n", f);
    for (int i = 0; i < s->checks_count; i++) {
        fprintf(f, "  - { %s: ", s->checks[i].name);
        put_quoted(f, s->checks[i].args);
        fputs(" }\n", f);
    }
    if (s->narration_count > 0) fputs("narration:\n", f);
    for (int i = 0; i < s->narration_count; i++) {
        fprintf(f, "  - { at: %s, say: ", dur(s->narration[i].at_ns, buf));
        put_quoted(f, s->narration[i].text);
        fprintf(f, ", pause: %s }\n", s->narration[i].pause ? "true" : "false");
    }
}

int dslab_scenario_save(const struct dslab_scenario *s, const char *path, struct dslab_diag *diag) {
    /* Atomic for a regular file, through for a device (dslab/outfile.h). */
    struct dslab_outfile out;
    if (dslab_outfile_open(&out, path, diag) < 0) return -1;
    FILE *f = out.f;
    fprintf(f, "# Written by dslab (dslab_scenario_save); see docs/SCENARIO_FORMAT.md.\n");
    save_header(f, s);
    save_network_block(f, s);
    save_protocol_workload(f, s);
    save_rest(f, s);
    if (s->explore.declared) scenario_save_explore(f, s);
    scenario_save_costs(f, s);
    return dslab_outfile_commit(&out, diag);
}
