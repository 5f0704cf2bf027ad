/* run_summary.c: the summary of a finished run for people (timeline,
 * counts, assumptions, checks) and the exit status it implies
 * (dslab/report.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dslab/report.h"
#include "dslab/time.h"
#include "report/staleness_report.h"

static const char *verdict_name(enum dslab_check_verdict v) {
    return v == DSLAB_CHECK_PASS ? "PASS" : v == DSLAB_CHECK_FAIL ? "FAIL" : "UNKNOWN";
}

static void print_check(FILE *out, const struct dslab_scenario *sc, const struct dslab_check_result *r,
                        const struct dslab_style *st) {
    char t1[32], t2[32];
    const char *mark = r->verdict == DSLAB_CHECK_PASS ? st->good : r->verdict == DSLAB_CHECK_FAIL ? st->bad : st->warn;
    const char *verdict = verdict_name(r->verdict);
    int pad = 7 - (int)strlen(verdict); /* the plain layout: the verdict in 7 columns */
    fprintf(out, "  %-28s %s%s%s%*s %s\n", r->name, mark, verdict, st->reset, pad > 0 ? pad : 0, "",
            r->summary);
    for (int i = 0; i < r->violations_count && i < 3; i++) {
        const struct dslab_check_violation *v = &r->violations[i];
        fprintf(out, "      violation %s .. %s:", dslab_time_format_s(v->from_ns, t1, sizeof t1),
                dslab_time_format_s(v->to_ns, t2, sizeof t2));
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

void dslab_run_report_text(FILE *out, const struct dslab_sim *sim, const struct dslab_timeline *timeline,
                     double wall_s) {
    struct dslab_style plain = DSLAB_STYLE_PLAIN;
    dslab_run_report_text_styled(out, sim, timeline, wall_s, &plain);
}

void dslab_run_report_text_styled(FILE *out, const struct dslab_sim *sim, const struct dslab_timeline *timeline,
                                  double wall_s, const struct dslab_style *style) {
    const struct dslab_scenario *sc = dslab_sim_scenario(sim);
    const struct dslab_sim_stats *st = dslab_sim_get_stats(sim);
    char t[32];
    if (timeline && timeline->count) {
        fprintf(out, "\ntimeline\n");
        for (int i = 0; i < timeline->count; i++) {
            fprintf(out, "  %12s  %s\n", dslab_time_format_s(timeline->items[i].t_ns, t, sizeof t),
                    timeline->items[i].line);
        }
        if (timeline->dropped) fprintf(out, "  ... %" PRId64 " more (see --trace)\n", timeline->dropped);
    }
    fprintf(out, "\nrun\n");
    fprintf(out, "  simulated      %s of %d nodes, protocol %s\n", dslab_time_format_s(dslab_sim_now_ns(sim), t, sizeof t),
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
    if (st->cpu_queue_max || st->cpu_shed || st->cpu_shed_operator) {
        fprintf(out, "  cpu            longest queue %" PRIu64 ", %" PRIu64 " shed (queue full)", st->cpu_queue_max,
                st->cpu_shed);
        if (st->cpu_shed_operator) fprintf(out, ", %" PRIu64 " shed by the operator", st->cpu_shed_operator);
        fputc('\n', out);
    }
    staleness_report_text(out, sim);
    int declared = 0;
    for (int i = 0; i < DSLAB_SIM_ASSUMPTIONS_COUNT; i++) declared += dslab_sim_assumption(sim, i)->declared;
    if (declared) {
        fprintf(out, "\nassumptions\n");
        for (int i = 0; i < DSLAB_SIM_ASSUMPTIONS_COUNT; i++) {
            const struct dslab_assumption_state *a = dslab_sim_assumption(sim, i);
            if (!a->declared) continue;
            if (a->violated) {
                fprintf(out, "  %-28s %sBROKEN%s  at %s: %s\n", a->name, style->bad, style->reset,
                        dslab_time_format_s(a->violated_at_ns, t, sizeof t), a->message);
            } else {
                fprintf(out, "  %-28s held\n", a->name);
            }
        }
    }
    fprintf(out, "\nchecks\n");
    if (dslab_sim_check_count(sim) == 0) fprintf(out, "  (none declared: add `checks:` to the scenario)\n");
    for (int i = 0; i < dslab_sim_check_count(sim); i++) print_check(out, sc, dslab_sim_check_result(sim, i), style);
}

int dslab_run_report_exit_code(const struct dslab_sim *sim) {
    for (int i = 0; i < dslab_sim_check_count(sim); i++) {
        if (dslab_sim_check_result(sim, i)->verdict != DSLAB_CHECK_PASS) return 1;
    }
    return 0;
}
