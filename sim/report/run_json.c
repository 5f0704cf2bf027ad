/* run_json.c: the summary of a finished run as one JSON object (`dslab
 * run --json`), written with the one JSON writer (dslab/json_write.h). */
#include <stdio.h>

#include "dslab/json_write.h"
#include "dslab/report.h"

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
