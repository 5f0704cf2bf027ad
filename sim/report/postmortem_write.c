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

static int64_t first_violation_ns(const struct dslab_sim *sim) {
    int64_t first = -1;
    for (int c = 0; c < dslab_sim_check_count(sim); c++) {
        const struct dslab_check_result *r = dslab_sim_check_result(sim, c);
        for (int v = 0; v < r->violations_count; v++) {
            if (first < 0 || r->violations[v].from_ns < first) first = r->violations[v].from_ns;
        }
    }
    return first;
}

/* Timeline items and violations (each list in time order), merged. */
static void write_timeline(FILE *o, const struct dslab_sim *sim, const struct dslab_timeline *tl) {
    char t[32];
    fprintf(o, "\n## Timeline\n\nTrue simulated time. Faults and role changes as the trace recorded them; violations as the checkers found them.\n\n```\n");
    struct { int64_t at_ns; const char *check; const char *message; } v[64];
    int n = 0;
    for (int c = 0; c < dslab_sim_check_count(sim); c++) {
        const struct dslab_check_result *r = dslab_sim_check_result(sim, c);
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
            fprintf(o, "%12s  VIOLATION  %s: ", dslab_time_format_s(v[k].at_ns, t, sizeof t), v[k].check);
            dslab_quote_put(o, v[k].message, DSLAB_QUOTE_PLAIN, 0);
            fputc('\n', o);
            k++;
        } else {
            fprintf(o, "%12s  ", dslab_time_format_s(tl->items[i].t_ns, t, sizeof t));
            dslab_quote_put(o, tl->items[i].line, DSLAB_QUOTE_PLAIN, 0);
            fputc('\n', o);
            i++;
        }
    }
    fprintf(o, "```\n");
}

static void write_assumptions(FILE *o, const struct dslab_sim *sim) {
    int64_t first = first_violation_ns(sim);
    const struct dslab_assumption_state *order[DSLAB_SIM_ASSUMPTIONS_COUNT];
    int n = 0;
    for (int i = 0; i < DSLAB_SIM_ASSUMPTIONS_COUNT; i++) {
        const struct dslab_assumption_state *a = dslab_sim_assumption(sim, i);
        if (a->declared && a->violated) order[n++] = a;
    }
    for (int i = 1; i < n; i++) {
        for (int j = i; j > 0 && order[j]->violated_at_ns < order[j - 1]->violated_at_ns; j--) {
            const struct dslab_assumption_state *x = order[j];
            order[j] = order[j - 1];
            order[j - 1] = x;
        }
    }
    fprintf(o, "\n## Which assumptions broke first\n\n");
    if (n == 0) fprintf(o, "No declared assumption broke. If a check failed anyway, the design rests on an assumption nobody wrote down: that is the finding.\n");
    char t[32], d[32];
    for (int i = 0; i < n; i++) {
        fprintf(o, "%d. `%s` broke at t=%s: ", i + 1, order[i]->name, dslab_time_format_s(order[i]->violated_at_ns, t, sizeof t));
        dslab_quote_put(o, order[i]->message, DSLAB_QUOTE_MARKDOWN, 0);
        if (first >= 0 && order[i]->violated_at_ns <= first) fprintf(o, " (%s before the first violation)", dslab_time_format_human(first - order[i]->violated_at_ns, d, sizeof d));
        else if (first >= 0) fprintf(o, " (after the first violation)");
        fprintf(o, "\n");
    }
    for (int i = 0; i < DSLAB_SIM_ASSUMPTIONS_COUNT; i++) {
        const struct dslab_assumption_state *a = dslab_sim_assumption(sim, i);
        if (a->declared && !a->violated) fprintf(o, "- `%s` held for the whole run.\n", a->name);
    }
}

static void write_evidence(FILE *o, const struct dslab_sim *sim, const struct evidence *ev) {
    char a[32], b[32];
    const struct dslab_scenario *sc = dslab_sim_scenario(sim);
    fprintf(o, "\n## Evidence\n\n");
    int any = 0;
    for (int c = 0; c < dslab_sim_check_count(sim); c++) {
        const struct dslab_check_result *r = dslab_sim_check_result(sim, c);
        fprintf(o, "- **%s**: %s. ", r->name, r->verdict == DSLAB_CHECK_PASS ? "held" : r->verdict == DSLAB_CHECK_FAIL ? "FAILED" : "unknown");
        dslab_quote_put(o, r->summary, DSLAB_QUOTE_MARKDOWN, 0);
        fputc('\n', o);
        for (int v = 0; v < r->violations_count && v < CITED_VIOLATIONS_MAX; v++) {
            const struct dslab_check_violation *cv = &r->violations[v];
            any = 1;
            fprintf(o, "\n### %s, violation %d: %s .. %s\n\n", r->name, v + 1, dslab_time_format_s(cv->from_ns, a, sizeof a), dslab_time_format_s(cv->to_ns, b, sizeof b));
            dslab_quote_put(o, cv->message, DSLAB_QUOTE_MARKDOWN, 0);
            fprintf(o, "\n\nnodes:");
            for (int k = 0; k < cv->nodes_count; k++) fputc(' ', o), dslab_quote_put(o, sc->node_names[cv->nodes[k]], DSLAB_QUOTE_MARKDOWN, 0);
            fprintf(o, "\n\n```\n");
            for (int k = 0; k < cv->evidence_count; k++) dslab_quote_put(o, postmortem_evidence_line(ev, cv->evidence[k]), DSLAB_QUOTE_PLAIN, 0), fputc('\n', o);
            fprintf(o, "```\n");
        }
    }
    if (!any) fprintf(o, "\nNo check found a violation.\n");
}

static void write_figures(FILE *o, const struct dslab_postmortem_figures *figures, const char *dir, int64_t first_ns) {
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

void dslab_postmortem_write(FILE *o, const struct dslab_postmortem *pm, const char *file, const char *dir,
                      const struct dslab_postmortem_figures *figures) {
    const struct dslab_sim *sim = pm->second.sim;
    uint64_t seed = pm->seed;
    const struct dslab_scenario *sc = dslab_sim_scenario(sim);
    const struct dslab_sim_stats *st = dslab_sim_get_stats(sim);
    char t[32];
    int64_t first = first_violation_ns(sim);
    int failed = dslab_run_report_exit_code(sim);
    fprintf(o, "# Post-mortem: ");
    dslab_quote_put(o, sc->title[0] ? sc->title : sc->name, DSLAB_QUOTE_MARKDOWN, 200);
    fprintf(o, "\n\n*Blameless: this report describes what the system did and what it assumed, not who is at fault. Every person and every component acted on the information it had.*\n\n");
    char name[512];
    dslab_quote_escape(sc->name, DSLAB_QUOTE_PLAIN, 100, name, sizeof name);
    fprintf(o, "## Summary\n\nScenario `%s`, seed %" PRIu64 ", %d nodes running %s for %s of simulated time. %d fault%s applied; %" PRIu64 " client operations (%" PRIu64 " ok, %" PRIu64 " failed, %" PRIu64 " unknown). ",
            name, seed, sc->nodes_count, sc->protocol.name, dslab_time_format_s(sc->duration_ns, t, sizeof t), (int)st->faults_applied,
            st->faults_applied == 1 ? " was" : "s were", st->client_ops, st->client_ok, st->client_fail, st->client_info);
    if (failed) fprintf(o, "A check failed: the first violation began at t=%s.\n", dslab_time_format_s(first, t, sizeof t));
    else fprintf(o, "Every check held.\n");
    if (sc->description[0]) {
        char *flat = strdup(sc->description); /* a description's line breaks are spaces in the quote */
        for (char *p = flat; p && *p; p++) {
            if (*p == '\n' || *p == '\r' || *p == '\t') *p = ' ';
        }
        fprintf(o, "\n> ");
        dslab_quote_put(o, flat ? flat : "", DSLAB_QUOTE_MARKDOWN, 0);
        fputc('\n', o);
        free(flat);
    }
    write_timeline(o, sim, pm->second.timeline);
    write_assumptions(o, sim);
    write_evidence(o, sim, &pm->ev);
    write_figures(o, figures, dir, first);
    fprintf(o, "\n## Questions for the review\n\n- What did the design assume that the run did not give it? Was that assumption written down?\n- How would an operator have noticed, and how long after the first violation?\n- Which knob trades this failure for another (`dslab explain` lists the trade-offs)?\n");
    fprintf(o, "\n## Reproduce\n\n```\ndslab run ");
    dslab_quote_put(o, file, DSLAB_QUOTE_PLAIN, 0);
    fprintf(o, " --seed %" PRIu64 "\n```\n", seed);
}

