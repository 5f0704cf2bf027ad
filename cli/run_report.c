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
    case TRACE_SLOW:
        snprintf(line, sizeof line, "%s %s x%" PRId64, ev->text ? "slow-disk " : "slow      ",
                 who(t, ev->node), ev->a);
        break;
    case TRACE_ANNOTATE:
        if (ev->tag && strcmp(ev->tag, "role") == 0) role_line(t, ev, line, sizeof line);
        break;
    case TRACE_CRASH:
        if (ev->node >= 0 && ev->node < t->nodes_count) t->leading[ev->node] = 0;
        snprintf(line, sizeof line, "crash      %s", who(t, ev->node));
        break;
    case TRACE_ASSUMPTION: snprintf(line, sizeof line, "ASSUMPTION %s broken: %s", ev->tag, ev->text); break;
    case TRACE_NARRATION: snprintf(line, sizeof line, "narration  \"%s\"", ev->text); break;
    case TRACE_NO_EFFECT: snprintf(line, sizeof line, "no effect  %s", ev->text); break;
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
    fprintf(out, "  faults         %" PRIu64 " applied", st->faults_applied);
    if (st->faults_no_effect) fprintf(out, ", %" PRIu64 " without effect (not applied)", st->faults_no_effect);
    fputc('\n', out);
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

/* --json: one object, written with the one JSON writer (json_write.h). */
static void json_check(struct json_writer *w, const struct scenario *sc, const struct check_result *r) {
    jw_object_begin(w);
    jw_member_string(w, "name", r->name);
    jw_member_string(w, "verdict", r->verdict == CHECK_PASS ? "pass" : r->verdict == CHECK_FAIL ? "fail" : "unknown");
    jw_member_int(w, "violations_total", r->violations_total);
    jw_member_string(w, "summary", r->summary);
    jw_key(w, "violations");
    jw_array_begin(w);
    for (int k = 0; k < r->violations_count; k++) {
        const struct check_violation *v = &r->violations[k];
        jw_object_begin(w);
        jw_member_int(w, "from_ns", v->from_ns);
        jw_member_int(w, "to_ns", v->to_ns);
        jw_member_int(w, "at_ns", v->at_ns);
        jw_key(w, "nodes");
        jw_array_begin(w);
        for (int j = 0; j < v->nodes_count; j++) jw_string(w, sc->node_names[v->nodes[j]]);
        jw_array_end(w);
        jw_key(w, "evidence");
        jw_array_begin(w);
        for (int j = 0; j < v->evidence_count; j++) jw_uint(w, v->evidence[j]);
        jw_array_end(w);
        jw_member_string(w, "message", v->message);
        jw_object_end(w);
    }
    jw_array_end(w);
    jw_object_end(w);
}

void run_report_json(FILE *out, const struct sim *sim, const char *repro) {
    const struct scenario *sc = sim_scenario(sim);
    const struct sim_stats *st = sim_get_stats(sim);
    struct json_writer w;
    jw_init(&w, out);
    jw_object_begin(&w);
    jw_member_string(&w, "scenario", sc->name);
    jw_member_string(&w, "file", sc->path);
    jw_member_uint(&w, "seed", sim_seed(sim));
    jw_member_string(&w, "repro", repro);
    jw_member_int(&w, "end_ns", sim_now_ns(sim));
    jw_key(&w, "stats");
    jw_object_begin(&w);
    jw_member_uint(&w, "events", st->events);
    jw_member_uint(&w, "trace_events", st->trace_events);
    jw_member_uint(&w, "messages_sent", st->messages_sent);
    jw_member_uint(&w, "messages_delivered", st->messages_delivered);
    jw_member_uint(&w, "messages_dropped", st->messages_dropped);
    jw_member_uint(&w, "messages_duplicated", st->messages_duplicated);
    jw_member_uint(&w, "faults_applied", st->faults_applied);
    jw_member_uint(&w, "faults_no_effect", st->faults_no_effect);
    jw_member_uint(&w, "client_ops", st->client_ops);
    jw_member_uint(&w, "client_ok", st->client_ok);
    jw_member_uint(&w, "client_fail", st->client_fail);
    jw_member_uint(&w, "client_info", st->client_info);
    jw_object_end(&w);
    jw_key(&w, "assumptions");
    jw_array_begin(&w);
    for (int i = 0; i < SIM_ASSUMPTIONS_COUNT; i++) {
        const struct assumption_state *a = sim_assumption(sim, i);
        if (!a->declared) continue;
        jw_object_begin(&w);
        jw_member_string(&w, "name", a->name);
        jw_member_bool(&w, "violated", a->violated);
        if (a->violated) {
            jw_member_int(&w, "at_ns", a->violated_at_ns);
            jw_member_uint(&w, "trace_id", a->trace_id);
            jw_member_string(&w, "message", a->message);
        }
        jw_object_end(&w);
    }
    jw_array_end(&w);
    jw_key(&w, "checks");
    jw_array_begin(&w);
    for (int i = 0; i < sim_check_count(sim); i++) json_check(&w, sc, sim_check_result(sim, i));
    jw_array_end(&w);
    jw_member_bool(&w, "passed", run_report_exit_code(sim) == 0);
    jw_object_end(&w);
    jw_end_document(&w);
}

int run_report_exit_code(const struct sim *sim) {
    for (int i = 0; i < sim_check_count(sim); i++) {
        if (sim_check_result(sim, i)->verdict != CHECK_PASS) return 1;
    }
    return 0;
}
