/* postmortem_write.c: the Markdown of a post-mortem (dslab/postmortem.h):
 * summary, timeline (faults and role changes merged with violations),
 * which assumptions broke first, the evidence each check cites, figures
 * (drawn by the caller), questions for the review and the repro line.
 * Every text that came from a file is escaped (dslab/quote.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/quote.h"
#include "dslab/time.h"
#include "report/postmortem_internal.h"

static int64_t first_violation_ns(const struct sim *sim) {
    int64_t first = -1;
    for (int c = 0; c < sim_check_count(sim); c++) {
        const struct check_result *r = sim_check_result(sim, c);
        for (int v = 0; v < r->violations_count; v++) {
            if (first < 0 || r->violations[v].from_ns < first) first = r->violations[v].from_ns;
        }
    }
    return first;
}

/* Timeline items and violations (each list in time order), merged. */
static void write_timeline(FILE *o, const struct sim *sim, const struct timeline *tl) {
    char t[32];
    fprintf(o, "\n## Timeline\n\nTrue simulated time. Faults and role changes as the trace recorded them; violations as the checkers found them.\n\n```\n");
    struct { int64_t at_ns; const char *check; const char *message; } v[64];
    int n = 0;
    for (int c = 0; c < sim_check_count(sim); c++) {
        const struct check_result *r = sim_check_result(sim, c);
        for (int k = 0; k < r->violations_count && n < 64; k++) {
            int j = n++;
            while (j > 0 && v[j - 1].at_ns > r->violations[k].from_ns) v[j] = v[j - 1], j--;
            v[j].at_ns = r->violations[k].from_ns;
            v[j].check = r->name;
            v[j].message = r->violations[k].message;
        }
    }
    int i = 0, k = 0;
    while (i < tl->count || k < n) {
        if (k < n && (i == tl->count || v[k].at_ns < tl->items[i].t_ns)) {
            fprintf(o, "%12s  VIOLATION  %s: ", time_format_s(v[k].at_ns, t, sizeof t), v[k].check);
            quote_put(o, v[k].message, QUOTE_PLAIN, 0);
            fputc('\n', o);
            k++;
        } else {
            fprintf(o, "%12s  ", time_format_s(tl->items[i].t_ns, t, sizeof t));
            quote_put(o, tl->items[i].line, QUOTE_PLAIN, 0);
            fputc('\n', o);
            i++;
        }
    }
    fprintf(o, "```\n");
}

static void write_assumptions(FILE *o, const struct sim *sim) {
    int64_t first = first_violation_ns(sim);
    const struct assumption_state *order[SIM_ASSUMPTIONS_COUNT];
    int n = 0;
    for (int i = 0; i < SIM_ASSUMPTIONS_COUNT; i++) {
        const struct assumption_state *a = sim_assumption(sim, i);
        if (a->declared && a->violated) order[n++] = a;
    }
    for (int i = 1; i < n; i++) {
        for (int j = i; j > 0 && order[j]->violated_at_ns < order[j - 1]->violated_at_ns; j--) {
            const struct assumption_state *x = order[j];
            order[j] = order[j - 1];
            order[j - 1] = x;
        }
    }
    fprintf(o, "\n## Which assumptions broke first\n\n");
    if (n == 0) fprintf(o, "No declared assumption broke. If a check failed anyway, the design rests on an assumption nobody wrote down: that is the finding.\n");
    char t[32], d[32];
    for (int i = 0; i < n; i++) {
        fprintf(o, "%d. `%s` broke at t=%s: ", i + 1, order[i]->name, time_format_s(order[i]->violated_at_ns, t, sizeof t));
        quote_put(o, order[i]->message, QUOTE_MARKDOWN, 0);
        if (first >= 0 && order[i]->violated_at_ns <= first) fprintf(o, " (%s before the first violation)", time_format_human(first - order[i]->violated_at_ns, d, sizeof d));
        else if (first >= 0) fprintf(o, " (after the first violation)");
        fprintf(o, "\n");
    }
    for (int i = 0; i < SIM_ASSUMPTIONS_COUNT; i++) {
        const struct assumption_state *a = sim_assumption(sim, i);
        if (a->declared && !a->violated) fprintf(o, "- `%s` held for the whole run.\n", a->name);
    }
}

static void write_evidence(FILE *o, const struct sim *sim, const struct evidence *ev) {
    char a[32], b[32];
    const struct scenario *sc = sim_scenario(sim);
    fprintf(o, "\n## Evidence\n\n");
    int any = 0;
    for (int c = 0; c < sim_check_count(sim); c++) {
        const struct check_result *r = sim_check_result(sim, c);
        fprintf(o, "- **%s**: %s. ", r->name, r->verdict == CHECK_PASS ? "held" : r->verdict == CHECK_FAIL ? "FAILED" : "unknown");
        quote_put(o, r->summary, QUOTE_MARKDOWN, 0);
        fputc('\n', o);
        for (int v = 0; v < r->violations_count && v < CITED_VIOLATIONS_MAX; v++) {
            const struct check_violation *cv = &r->violations[v];
            any = 1;
            fprintf(o, "\n### %s, violation %d: %s .. %s\n\n", r->name, v + 1, time_format_s(cv->from_ns, a, sizeof a), time_format_s(cv->to_ns, b, sizeof b));
            quote_put(o, cv->message, QUOTE_MARKDOWN, 0);
            fprintf(o, "\n\nnodes:");
            for (int k = 0; k < cv->nodes_count; k++) fputc(' ', o), quote_put(o, sc->node_names[cv->nodes[k]], QUOTE_MARKDOWN, 0);
            fprintf(o, "\n\n```\n");
            for (int k = 0; k < cv->evidence_count; k++) quote_put(o, postmortem_evidence_line(ev, cv->evidence[k]), QUOTE_PLAIN, 0), fputc('\n', o);
            fprintf(o, "```\n");
        }
    }
    if (!any) fprintf(o, "\nNo check found a violation.\n");
}

static void write_figures(FILE *o, const struct postmortem_figures *figures, const char *dir, int64_t first_ns) {
    if (!figures) {
        fprintf(o, "\n## Figures\n\n(The visualiser was not built: no figures. `dslab viz FILE` draws them.)\n");
        return;
    }
    char png[1200];
    fprintf(o, "\n## Figures\n\n");
    snprintf(png, sizeof png, "%s/end.png", dir);
    if (figures->draw(figures->user, png, -1) == 0) fprintf(o, "![the whole run](end.png)\n\n");
    if (first_ns >= 0) {
        snprintf(png, sizeof png, "%s/first-violation.png", dir);
        if (figures->draw(figures->user, png, first_ns) == 0) fprintf(o, "![at the first violation](first-violation.png)\n");
    }
}

void postmortem_write(FILE *o, const struct postmortem *pm, const char *file, const char *dir,
                      const struct postmortem_figures *figures) {
    const struct sim *sim = pm->second.sim;
    uint64_t seed = pm->seed;
    const struct scenario *sc = sim_scenario(sim);
    const struct sim_stats *st = sim_get_stats(sim);
    char t[32];
    int64_t first = first_violation_ns(sim);
    int failed = run_report_exit_code(sim);
    fprintf(o, "# Post-mortem: ");
    quote_put(o, sc->title[0] ? sc->title : sc->name, QUOTE_MARKDOWN, 200);
    fprintf(o, "\n\n*Blameless: this report describes what the system did and what it assumed, not who is at fault. Every person and every component acted on the information it had.*\n\n");
    char name[512];
    quote_escape(sc->name, QUOTE_PLAIN, 100, name, sizeof name);
    fprintf(o, "## Summary\n\nScenario `%s`, seed %" PRIu64 ", %d nodes running %s for %s of simulated time. %d fault%s applied; %" PRIu64 " client operations (%" PRIu64 " ok, %" PRIu64 " failed, %" PRIu64 " unknown). ",
            name, seed, sc->nodes_count, sc->protocol.name, time_format_s(sc->duration_ns, t, sizeof t), (int)st->faults_applied,
            st->faults_applied == 1 ? " was" : "s were", st->client_ops, st->client_ok, st->client_fail, st->client_info);
    if (failed) fprintf(o, "A check failed: the first violation began at t=%s.\n", time_format_s(first, t, sizeof t));
    else fprintf(o, "Every check held.\n");
    if (sc->description[0]) {
        char *flat = strdup(sc->description); /* a description's line breaks are spaces in the quote */
        for (char *p = flat; p && *p; p++) {
            if (*p == '\n' || *p == '\r' || *p == '\t') *p = ' ';
        }
        fprintf(o, "\n> ");
        quote_put(o, flat ? flat : "", QUOTE_MARKDOWN, 0);
        fputc('\n', o);
        free(flat);
    }
    write_timeline(o, sim, pm->second.timeline);
    write_assumptions(o, sim);
    write_evidence(o, sim, &pm->ev);
    write_figures(o, figures, dir, first);
    fprintf(o, "\n## Questions for the review\n\n- What did the design assume that the run did not give it? Was that assumption written down?\n- How would an operator have noticed, and how long after the first violation?\n- Which knob trades this failure for another (`dslab explain` lists the trade-offs)?\n");
    fprintf(o, "\n## Reproduce\n\n```\ndslab run ");
    quote_put(o, file, QUOTE_PLAIN, 0);
    fprintf(o, " --seed %" PRIu64 "\n```\n", seed);
}

