/* run_report.c: the summary of a run for people and for machines. */
#include "run_report.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/time.h"
#include "json_write.h"

int timeline_init(struct timeline *t, const char (*node_names)[32], int32_t nodes_count) {
    memset(t, 0, sizeof *t);
    t->node_names = node_names;
    t->nodes_count = nodes_count;
    t->leading = calloc((size_t)nodes_count, 1);
    return t->leading ? 0 : -1;
}

void timeline_deinit(struct timeline *t) {
    free(t->leading);
    t->leading = NULL;
}

static const char *who(const struct timeline *t, int32_t node) {
    return node >= 0 ? t->node_names[node] : "?";
}

/* Role annotations worth a line: becoming leader/primary, and a leader
 * stepping down. Followers and candidates churn too much to list. */
static void role_line(struct timeline *t, const struct trace_event *ev, char *line, size_t size) {
    if (ev->node < 0 || ev->node >= t->nodes_count || !ev->text) return;
    int leads = strcmp(ev->text, "leader") == 0 || strcmp(ev->text, "primary") == 0;
    if (leads && !t->leading[ev->node]) {
        snprintf(line, size, "role       %s becomes %s (term/epoch %" PRId64 ")", who(t, ev->node), ev->text, ev->a);
    } else if (!leads && t->leading[ev->node]) {
        snprintf(line, size, "role       %s steps down to %s (term/epoch %" PRId64 ")", who(t, ev->node), ev->text, ev->a);
    }
    t->leading[ev->node] = (unsigned char)leads;
}

void timeline_sink(void *user, const struct trace_event *ev) {
    struct timeline *t = user;
    char line[200];
    char d[40];
    line[0] = 0;
    switch (ev->kind) {
    case TRACE_PARTITION: snprintf(line, sizeof line, "partition  %s", ev->text); break;
    case TRACE_HEAL:
        if (ev->node < 0) snprintf(line, sizeof line, "heal       all links");
        else snprintf(line, sizeof line, "heal       %s %s %s", who(t, ev->node), ev->a ? "<->" : "->", who(t, ev->peer));
        break;
    case TRACE_CUT: snprintf(line, sizeof line, "cut        %s %s %s", who(t, ev->node), ev->a ? "<->" : "->", who(t, ev->peer)); break;
    case TRACE_RESTART: snprintf(line, sizeof line, "restart    %s%s", who(t, ev->node), ev->a ? " (unsynced writes lost)" : ""); break;
    case TRACE_PAUSE: snprintf(line, sizeof line, "pause      %s for %s", who(t, ev->node), time_format_human(ev->a, d, sizeof d)); break;
    case TRACE_RESUME: snprintf(line, sizeof line, "resume     %s", who(t, ev->node)); break;
    case TRACE_CLOCK_JUMP: snprintf(line, sizeof line, "clock      %s jumps %s%s", who(t, ev->node), ev->a >= 0 ? "+" : "", time_format_human(ev->a, d, sizeof d)); break;
    case TRACE_CLOCK_DRIFT: snprintf(line, sizeof line, "clock      %s drifts %+" PRId64 " ppm", who(t, ev->node), ev->a); break;
    case TRACE_LINK: snprintf(line, sizeof line, "link       %s %s %s: %s", who(t, ev->node), ev->a ? "<->" : "->", who(t, ev->peer), ev->text ? ev->text : ""); break;
    case TRACE_SLOW: snprintf(line, sizeof line, "slow       %s x%" PRId64, who(t, ev->node), ev->a); break;
    case TRACE_ANNOTATE:
        if (ev->tag && strcmp(ev->tag, "role") == 0) role_line(t, ev, line, sizeof line);
        break;
    case TRACE_CRASH:
        if (ev->node >= 0 && ev->node < t->nodes_count) t->leading[ev->node] = 0;
        snprintf(line, sizeof line, "crash      %s", who(t, ev->node));
        break;
    case TRACE_ASSUMPTION: snprintf(line, sizeof line, "ASSUMPTION %s broken: %s", ev->tag, ev->text); break;
    case TRACE_NARRATION: snprintf(line, sizeof line, "narration  \"%s\"", ev->text); break;
    default: break;
    }
    if (!line[0]) return;
    if (t->count == TIMELINE_MAX) {
        t->dropped++;
        return;
    }
    t->items[t->count].t_ns = ev->t_ns;
    t->items[t->count].kind = ev->kind;
    snprintf(t->items[t->count].line, sizeof t->items[t->count].line, "%s", line);
    t->count++;
}

static const char *verdict_name(enum check_verdict v) {
    return v == CHECK_PASS ? "PASS" : v == CHECK_FAIL ? "FAIL" : "UNKNOWN";
}

static void print_check(FILE *out, const struct scenario *sc, const struct check_result *r) {
    char t1[32], t2[32];
    fprintf(out, "  %-28s %-7s %s\n", r->name, verdict_name(r->verdict), r->summary);
    for (int i = 0; i < r->violations_count && i < 3; i++) {
        const struct check_violation *v = &r->violations[i];
        fprintf(out, "      violation %s .. %s:", time_format_s(v->from_ns, t1, sizeof t1),
                time_format_s(v->to_ns, t2, sizeof t2));
        fprintf(out, " %s", v->message);
        if (v->nodes_count) {
            fprintf(out, " [");
            for (int k = 0; k < v->nodes_count; k++) {
                fprintf(out, "%s%s", k ? " " : "", sc->node_names[v->nodes[k]]);
            }
            fprintf(out, "]");
        }
        fprintf(out, "\n");
    }
    if (r->violations_total > 3) {
        fprintf(out, "      ... %" PRId64 " violations in all\n", r->violations_total);
    }
}

void run_report_text(FILE *out, const struct sim *sim, const struct timeline *timeline,
                     double wall_s) {
    const struct scenario *sc = sim_scenario(sim);
    const struct sim_stats *st = sim_get_stats(sim);
    char t[32];
    if (timeline && timeline->count) {
        fprintf(out, "\ntimeline\n");
        for (int i = 0; i < timeline->count; i++) {
            fprintf(out, "  %12s  %s\n", time_format_s(timeline->items[i].t_ns, t, sizeof t),
                    timeline->items[i].line);
        }
        if (timeline->dropped) fprintf(out, "  ... %" PRId64 " more (see --trace)\n", timeline->dropped);
    }
    fprintf(out, "\nrun\n");
    fprintf(out, "  simulated      %s of %d nodes, protocol %s\n", time_format_s(sim_now_ns(sim), t, sizeof t),
            (int)sc->nodes_count, sc->protocol.name);
    fprintf(out, "  events         %" PRIu64 "  (%.2f s of wall-clock time)\n", st->events, wall_s);
    fprintf(out, "  messages       %" PRIu64 " sent, %" PRIu64 " delivered, %" PRIu64 " dropped, %" PRIu64 " duplicated\n",
            st->messages_sent, st->messages_delivered, st->messages_dropped, st->messages_duplicated);
    fprintf(out, "  faults         %" PRIu64 " applied\n", st->faults_applied);
    if (st->client_ops) {
        fprintf(out, "  client ops     %" PRIu64 " invoked: %" PRIu64 " ok, %" PRIu64 " failed, %" PRIu64 " unknown (timed out)\n",
                st->client_ops, st->client_ok, st->client_fail, st->client_info);
    }
    int declared = 0;
    for (int i = 0; i < SIM_ASSUMPTIONS_COUNT; i++) declared += sim_assumption(sim, i)->declared;
    if (declared) {
        fprintf(out, "\nassumptions\n");
        for (int i = 0; i < SIM_ASSUMPTIONS_COUNT; i++) {
            const struct assumption_state *a = sim_assumption(sim, i);
            if (!a->declared) continue;
            if (a->violated) {
                fprintf(out, "  %-28s BROKEN  at %s: %s\n", a->name,
                        time_format_s(a->violated_at_ns, t, sizeof t), a->message);
            } else {
                fprintf(out, "  %-28s held\n", a->name);
            }
        }
    }
    fprintf(out, "\nchecks\n");
    if (sim_check_count(sim) == 0) fprintf(out, "  (none declared: add `checks:` to the scenario)\n");
    for (int i = 0; i < sim_check_count(sim); i++) print_check(out, sc, sim_check_result(sim, i));
}

static void json_string(FILE *out, const char *s) {
    json_write_string(out, s);
}

void run_report_json(FILE *out, const struct sim *sim, const char *repro) {
    const struct scenario *sc = sim_scenario(sim);
    const struct sim_stats *st = sim_get_stats(sim);
    fprintf(out, "{\"scenario\":");
    json_string(out, sc->name);
    fprintf(out, ",\"file\":");
    json_string(out, sc->path);
    fprintf(out, ",\"seed\":%" PRIu64 ",\"repro\":", sim_seed(sim));
    json_string(out, repro);
    fprintf(out, ",\"end_ns\":%" PRId64 ",\"stats\":{\"events\":%" PRIu64 ",\"trace_events\":%" PRIu64
            ",\"messages_sent\":%" PRIu64 ",\"messages_delivered\":%" PRIu64 ",\"messages_dropped\":%" PRIu64
            ",\"messages_duplicated\":%" PRIu64 ",\"faults_applied\":%" PRIu64 ",\"client_ops\":%" PRIu64
            ",\"client_ok\":%" PRIu64 ",\"client_fail\":%" PRIu64 ",\"client_info\":%" PRIu64 "}",
            sim_now_ns(sim), st->events, st->trace_events, st->messages_sent, st->messages_delivered,
            st->messages_dropped, st->messages_duplicated, st->faults_applied, st->client_ops,
            st->client_ok, st->client_fail, st->client_info);
    fprintf(out, ",\"assumptions\":[");
    int first = 1;
    for (int i = 0; i < SIM_ASSUMPTIONS_COUNT; i++) {
        const struct assumption_state *a = sim_assumption(sim, i);
        if (!a->declared) continue;
        fprintf(out, "%s{\"name\":\"%s\",\"violated\":%s", first ? "" : ",", a->name, a->violated ? "true" : "false");
        if (a->violated) {
            fprintf(out, ",\"at_ns\":%" PRId64 ",\"trace_id\":%" PRIu64 ",\"message\":", a->violated_at_ns, a->trace_id);
            json_string(out, a->message);
        }
        fprintf(out, "}");
        first = 0;
    }
    fprintf(out, "],\"checks\":[");
    for (int i = 0; i < sim_check_count(sim); i++) {
        const struct check_result *r = sim_check_result(sim, i);
        fprintf(out, "%s{\"name\":", i ? "," : "");
        json_string(out, r->name);
        fprintf(out, ",\"verdict\":\"%s\",\"violations_total\":%" PRId64 ",\"summary\":",
                r->verdict == CHECK_PASS ? "pass" : r->verdict == CHECK_FAIL ? "fail" : "unknown",
                r->violations_total);
        json_string(out, r->summary);
        fprintf(out, ",\"violations\":[");
        for (int k = 0; k < r->violations_count; k++) {
            const struct check_violation *v = &r->violations[k];
            fprintf(out, "%s{\"from_ns\":%" PRId64 ",\"to_ns\":%" PRId64 ",\"nodes\":[", k ? "," : "", v->from_ns, v->to_ns);
            for (int j = 0; j < v->nodes_count; j++) {
                fprintf(out, "%s", j ? "," : "");
                json_string(out, sc->node_names[v->nodes[j]]);
            }
            fprintf(out, "],\"evidence\":[");
            for (int j = 0; j < v->evidence_count; j++) fprintf(out, "%s%" PRIu64, j ? "," : "", v->evidence[j]);
            fprintf(out, "],\"message\":");
            json_string(out, v->message);
            fprintf(out, "}");
        }
        fprintf(out, "]}");
    }
    fprintf(out, "],\"passed\":%s}\n", run_report_exit_code(sim) == 0 ? "true" : "false");
}

int run_report_exit_code(const struct sim *sim) {
    for (int i = 0; i < sim_check_count(sim); i++) {
        if (sim_check_result(sim, i)->verdict != CHECK_PASS) return 1;
    }
    return 0;
}
