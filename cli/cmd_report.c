/* cmd_report.c: `dslab report FILE [--seed N] --out DIR`: a debrief of a
 * run written like a blameless post-mortem (DIR/report.md): summary and
 * impact, a timeline of faults, role changes, broken assumptions and
 * violations, which assumptions broke first and how long before the first
 * violation, the evidence (the trace events each checker cites), PNG
 * figures from the visualiser when it is built, and how to reproduce.
 * The run is done twice with the same seed: the first finds the
 * violations, the second collects the cited events by id (a run is
 * deterministic, so ids agree). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "dslab/sim.h"
#include "dslab/time.h"
#include "exercise_cli.h"
#include "dslab/report.h"

#define REPORT_EVIDENCE_MAX 256

static const char usage[] =
    "usage: dslab report FILE [--seed N] --out DIR\n"
    "\n"
    "Runs a scenario and writes DIR/report.md, a blameless post-mortem of the\n"
    "run: timeline of faults and violations, which assumptions broke first,\n"
    "the annotated evidence, and PNG figures when the visualiser is built.\n";

struct evidence {
    int count;
    uint64_t ids[REPORT_EVIDENCE_MAX];
    char *lines[REPORT_EVIDENCE_MAX]; /* owned JSONL of each cited event */
    const struct scenario *sc;
};

static void evidence_sink(void *user, const struct trace_event *ev) {
    struct evidence *e = user;
    for (int i = 0; i < e->count; i++) {
        if (e->ids[i] != ev->id || e->lines[i]) continue;
        char buf[1024];
        trace_event_to_jsonl(ev, (const char (*)[32])e->sc->node_names, e->sc->nodes_count, buf, (int)sizeof buf);
        buf[strcspn(buf, "\n")] = 0;
        e->lines[i] = strdup(buf);
    }
}

static const char *evidence_line(const struct evidence *e, uint64_t id) {
    for (int i = 0; i < e->count; i++) {
        if (e->ids[i] == id) return e->lines[i] ? e->lines[i] : "(not found)";
    }
    return "(not collected)";
}

static void collect_ids(struct evidence *ev, const struct sim *sim) {
    for (int c = 0; c < sim_check_count(sim); c++) {
        const struct check_result *r = sim_check_result(sim, c);
        for (int v = 0; v < r->violations_count && v < 8; v++) {
            for (int k = 0; k < r->violations[v].evidence_count && ev->count < REPORT_EVIDENCE_MAX; k++) {
                ev->ids[ev->count++] = r->violations[v].evidence[k];
            }
        }
    }
}

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
        for (int v = 0; v < r->violations_count && v < 8; v++) {
            const struct check_violation *cv = &r->violations[v];
            any = 1;
            fprintf(o, "\n### %s, violation %d: %s .. %s\n\n", r->name, v + 1, time_format_s(cv->from_ns, a, sizeof a), time_format_s(cv->to_ns, b, sizeof b));
            quote_put(o, cv->message, QUOTE_MARKDOWN, 0);
            fprintf(o, "\n\nnodes:");
            for (int k = 0; k < cv->nodes_count; k++) fputc(' ', o), quote_put(o, sc->node_names[cv->nodes[k]], QUOTE_MARKDOWN, 0);
            fprintf(o, "\n\n```\n");
            for (int k = 0; k < cv->evidence_count; k++) quote_put(o, evidence_line(ev, cv->evidence[k]), QUOTE_PLAIN, 0), fputc('\n', o);
            fprintf(o, "```\n");
        }
    }
    if (!any) fprintf(o, "\nNo check found a violation.\n");
}

static void write_figures(FILE *o, const char *file, uint64_t seed, const char *dir, int64_t first_ns) {
#ifdef DSLAB_HAVE_VIZ
    char seed_text[32], png[1200], at[64];
    snprintf(seed_text, sizeof seed_text, "%" PRIu64, seed);
    fprintf(o, "\n## Figures\n\n");
    snprintf(png, sizeof png, "%s/end.png", dir);
    char *args[] = {"viz", (char *)file, "--seed", seed_text, "--png", png, NULL, NULL, NULL};
    if (cmd_viz(6, args) == 0) fprintf(o, "![the whole run](end.png)\n\n");
    if (first_ns >= 0) {
        snprintf(png, sizeof png, "%s/first-violation.png", dir);
        time_format_duration(first_ns, at, sizeof at);
        args[6] = "--at";
        args[7] = at;
        if (cmd_viz(8, args) == 0) fprintf(o, "![at the first violation](first-violation.png)\n");
    }
#else
    (void)file, (void)seed, (void)dir, (void)first_ns;
    fprintf(o, "\n## Figures\n\n(The visualiser was not built: no figures. `dslab viz FILE` draws them.)\n");
#endif
}

static int run_once(const struct scenario *sc, uint64_t seed, struct timeline *tl, struct evidence *ev, struct sim **out) {
    struct diag d;
    diag_clear(&d);
    struct sim *sim = sim_create(sc, seed, &d);
    if (!sim) {
        cli_print_diag(&d);
        return -1;
    }
    if (tl) sim_add_sink(sim, timeline_sink, tl);
    if (ev) sim_add_sink(sim, evidence_sink, ev);
    sim_run(sim, sc->duration_ns, 0);
    sim_finish(sim);
    *out = sim;
    return 0;
}

static void write_report(FILE *o, const char *file, uint64_t seed, const struct sim *sim, const struct timeline *tl,
                         const struct evidence *ev, const char *dir) {
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
    write_timeline(o, sim, tl);
    write_assumptions(o, sim);
    write_evidence(o, sim, ev);
    write_figures(o, file, seed, dir, first);
    fprintf(o, "\n## Questions for the review\n\n- What did the design assume that the run did not give it? Was that assumption written down?\n- How would an operator have noticed, and how long after the first violation?\n- Which knob trades this failure for another (`dslab explain` lists the trade-offs)?\n");
    fprintf(o, "\n## Reproduce\n\n```\ndslab run ");
    quote_put(o, file, QUOTE_PLAIN, 0);
    fprintf(o, " --seed %" PRIu64 "\n```\n", seed);
}

int cmd_report(int argc, char **argv) {
    const char *file = NULL, *dir = NULL;
    uint64_t seed = 0;
    int seed_given = 0;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            fputs(usage, stdout);
            return 0;
        } else if (strcmp(argv[i], "--seed") == 0) {
            if (i + 1 >= argc || cli_parse_u64(argv[i + 1], &seed) != 0) return cli_usage_error("report", "--seed needs a non-negative integer");
            seed_given = 1;
            i++;
        } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            dir = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error("report", "unknown option '%s'", argv[i]);
        } else if (!file) {
            file = argv[i];
        } else {
            return cli_usage_error("report", "one scenario file at a time");
        }
    }
    if (!file || !dir) return cli_usage_error("report", "usage: dslab report FILE [--seed N] --out DIR");
    struct diag d;
    diag_clear(&d);
    struct scenario *sc = scenario_load(file, NULL, 0, NULL, &d);
    if (!sc) {
        cli_print_diag(&d);
        return EXIT_BAD_INPUT;
    }
    if (!seed_given) seed = sc->seed;
    mkdir(dir, 0755);
    struct timeline *tl = malloc(sizeof *tl);
    struct evidence *ev = calloc(1, sizeof *ev);
    struct sim *first = NULL, *second = NULL;
    int code = EXIT_BAD_INPUT;
    if (tl && ev && timeline_init(tl, (const char (*)[32])sc->node_names, sc->nodes_count) == 0) {
        ev->sc = sc;
        if (run_once(sc, seed, NULL, NULL, &first) == 0) {
            collect_ids(ev, first);
            if (run_once(sc, seed, tl, ev, &second) == 0) {
                char path[1100];
                snprintf(path, sizeof path, "%s/report.md", dir);
                struct outfile out;
                FILE *o = cli_atomic_open(&out, path);
                if (o) write_report(o, file, seed, second, tl, ev, dir);
                if (!o || cli_atomic_commit(&out) != 0) fprintf(stderr, "%s: error: cannot write the report\n", path);
                else printf("wrote %s\n", path), code = 0;
            }
        }
        timeline_deinit(tl);
    }
    for (int i = 0; ev && i < ev->count; i++) free(ev->lines[i]);
    sim_destroy(first);
    sim_destroy(second);
    free(ev);
    free(tl);
    scenario_free(sc);
    return code;
}
