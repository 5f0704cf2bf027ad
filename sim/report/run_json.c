/* run_json.c: the summary of a finished run as one JSON object (`dslab
 * run --json`), written with the one JSON writer (dslab/json_write.h). */
#include <stdio.h>

#include "dslab/json_write.h"
#include "dslab/report.h"
#include "report/staleness_report.h"

static void json_check(struct dslab_json_writer *w, const struct dslab_scenario *sc, const struct dslab_check_result *r) {
    dslab_jw_object_begin(w);
    dslab_jw_member_string(w, "name", r->name);
    dslab_jw_member_string(w, "verdict", r->verdict == DSLAB_CHECK_PASS ? "pass" : r->verdict == DSLAB_CHECK_FAIL ? "fail" : "unknown");
    dslab_jw_member_int(w, "violations_total", r->violations_total);
    dslab_jw_member_string(w, "summary", r->summary);
    dslab_jw_key(w, "violations");
    dslab_jw_array_begin(w);
    for (int k = 0; k < r->violations_count; k++) {
        const struct dslab_check_violation *v = &r->violations[k];
        dslab_jw_object_begin(w);
        dslab_jw_member_int(w, "from_ns", v->from_ns);
        dslab_jw_member_int(w, "to_ns", v->to_ns);
        dslab_jw_member_int(w, "at_ns", v->at_ns);
        dslab_jw_key(w, "nodes");
        dslab_jw_array_begin(w);
        for (int j = 0; j < v->nodes_count; j++) dslab_jw_string(w, sc->node_names[v->nodes[j]]);
        dslab_jw_array_end(w);
        dslab_jw_key(w, "evidence");
        dslab_jw_array_begin(w);
        for (int j = 0; j < v->evidence_count; j++) dslab_jw_uint(w, v->evidence[j]);
        dslab_jw_array_end(w);
        dslab_jw_member_string(w, "message", v->message);
        dslab_jw_object_end(w);
    }
    dslab_jw_array_end(w);
    dslab_jw_object_end(w);
}

void dslab_run_report_json(FILE *out, const struct dslab_sim *sim, const char *repro) {
    const struct dslab_scenario *sc = dslab_sim_scenario(sim);
    const struct dslab_sim_stats *st = dslab_sim_get_stats(sim);
    struct dslab_json_writer w;
    dslab_jw_init(&w, out);
    dslab_jw_object_begin(&w);
    dslab_jw_member_string(&w, "scenario", sc->name);
    dslab_jw_member_string(&w, "file", sc->path);
    dslab_jw_member_uint(&w, "seed", dslab_sim_seed(sim));
    dslab_jw_member_string(&w, "repro", repro);
    dslab_jw_member_int(&w, "end_ns", dslab_sim_now_ns(sim));
    dslab_jw_key(&w, "stats");
    dslab_jw_object_begin(&w);
    dslab_jw_member_uint(&w, "events", st->events);
    dslab_jw_member_uint(&w, "trace_events", st->trace_events);
    dslab_jw_member_uint(&w, "messages_sent", st->messages_sent);
    dslab_jw_member_uint(&w, "messages_delivered", st->messages_delivered);
    dslab_jw_member_uint(&w, "messages_dropped", st->messages_dropped);
    dslab_jw_member_uint(&w, "messages_duplicated", st->messages_duplicated);
    dslab_jw_member_uint(&w, "faults_applied", st->faults_applied);
    dslab_jw_member_uint(&w, "faults_no_effect", st->faults_no_effect);
    dslab_jw_member_uint(&w, "client_ops", st->client_ops);
    dslab_jw_member_uint(&w, "client_ok", st->client_ok);
    dslab_jw_member_uint(&w, "client_fail", st->client_fail);
    dslab_jw_member_uint(&w, "client_info", st->client_info);
    if (sc->node_costs) { /* costs.cpu: only with a costs: section, so other runs' JSON is unchanged */
        dslab_jw_member_uint(&w, "cpu_queue_max", st->cpu_queue_max);
        dslab_jw_member_uint(&w, "cpu_shed", st->cpu_shed);
        if (st->cpu_shed_operator) dslab_jw_member_uint(&w, "cpu_shed_operator", st->cpu_shed_operator);
    }
    dslab_jw_object_end(&w);
    staleness_report_json(&w, sim);
    dslab_jw_key(&w, "assumptions");
    dslab_jw_array_begin(&w);
    for (int i = 0; i < DSLAB_SIM_ASSUMPTIONS_COUNT; i++) {
        const struct dslab_assumption_state *a = dslab_sim_assumption(sim, i);
        if (!a->declared) continue;
        dslab_jw_object_begin(&w);
        dslab_jw_member_string(&w, "name", a->name);
        dslab_jw_member_bool(&w, "violated", a->violated);
        if (a->violated) {
            dslab_jw_member_int(&w, "at_ns", a->violated_at_ns);
            dslab_jw_member_uint(&w, "trace_id", a->trace_id);
            dslab_jw_member_string(&w, "message", a->message);
        }
        dslab_jw_object_end(&w);
    }
    dslab_jw_array_end(&w);
    dslab_jw_key(&w, "checks");
    dslab_jw_array_begin(&w);
    for (int i = 0; i < dslab_sim_check_count(sim); i++) json_check(&w, sc, dslab_sim_check_result(sim, i));
    dslab_jw_array_end(&w);
    dslab_jw_member_bool(&w, "passed", dslab_run_report_exit_code(sim) == 0);
    dslab_jw_object_end(&w);
    dslab_jw_end_document(&w);
}
