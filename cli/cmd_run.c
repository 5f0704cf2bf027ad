/* cmd_run.c: `dslab run FILE`: run a scenario, print the seed and a repro
 * line first, then the summary; exit 0 when all checks hold, 1 when one
 * fails, 2 on bad input (or a run stopped by its event budget). */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "dslab/scenario.h"
#include "dslab/sim.h"
#include "dslab/time.h"
#include "dslab/trace.h"
#include "quote.h"
#include "run_report.h"

static const char usage[] =
    "usage: dslab run FILE [options]\n"
    "\n"
    "Runs a scenario and checks it. Prints the seed and a repro line first,\n"
    "then a timeline of notable events and the results of checks and assumptions.\n"
    "\n"
    "options:\n"
    "  --seed N                 use seed N instead of the scenario's\n"
    "  --until DURATION         stop at this simulated time (1ns..24h, e.g. 5s) instead of the duration\n"
    "  --set KEY=VALUE          override a scalar by its dotted path (repeatable),\n"
    "                           e.g. --set nodes=1000 --set network.loss=0.01\n"
    "  --trace FILE             write every event to FILE (- for standard output;\n"
    "                           the summary then goes to standard error)\n"
    "  --trace-format FORMAT    jsonl (default; docs/TRACE_FORMAT.md) or chrome\n"
    "                           (open in ui.perfetto.dev or chrome://tracing)\n"
    "  --json                   print the summary as one JSON object\n"
    "  --quiet                  print only the seed, repro line and verdict\n"
    "\n"
    "exit status: 0 all checks hold, 1 a check failed, 2 bad input or usage\n";

struct run_opts {
    const char *file;
    uint64_t seed;
    int seed_given;
    int64_t until_ns;
    const char *until_text;
    struct cli_overrides overrides;
    const char *trace_path;
    int trace_format;
    int json;
    int quiet;
};

static int parse_args(int argc, char **argv, struct run_opts *o) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (cli_is_help(a)) {
            fputs(usage, stdout);
            exit(0);
        } else if (strcmp(a, "--seed") == 0) {
            if (!next || cli_parse_u64(next, &o->seed) != 0) return cli_usage_error("run", "--seed needs a non-negative integer");
            o->seed_given = 1;
            i++;
        } else if (strcmp(a, "--until") == 0) {
            if (!next || cli_parse_duration_ns(next, &o->until_ns) != 0 || o->until_ns <= 0) {
                return cli_usage_error("run", "--until needs a duration from 1ns to 24h like 5s, got '%s'", next ? next : "");
            }
            o->until_text = next;
            i++;
        } else if (strcmp(a, "--set") == 0 || strncmp(a, "--set=", 6) == 0) {
            if (cli_overrides_take(&o->overrides, "run", argc, argv, &i) != 0) return EXIT_BAD_INPUT;
        } else if (strcmp(a, "--trace") == 0) {
            if (!next) return cli_usage_error("run", "--trace needs a file name");
            o->trace_path = next;
            i++;
        } else if (strcmp(a, "--trace-format") == 0) {
            if (next && strcmp(next, "jsonl") == 0) o->trace_format = TRACE_FORMAT_JSONL;
            else if (next && strcmp(next, "chrome") == 0) o->trace_format = TRACE_FORMAT_CHROME;
            else return cli_usage_error("run", "--trace-format is jsonl or chrome, got '%s'", next ? next : "");
            i++;
        } else if (strcmp(a, "--json") == 0) {
            o->json = 1;
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            o->quiet = 1;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("run", "unknown option '%s'", a);
        } else if (!o->file) {
            o->file = a;
        } else {
            return cli_usage_error("run", "one scenario file at a time (got '%s' and '%s')", o->file, a);
        }
    }
    if (!o->file) return cli_usage_error("run", "missing scenario file");
    return 0;
}

/* The command that repeats this run, each word shell-quoted (quote.h):
 * a string to free(), or NULL when out of memory. */
static char *format_repro(const struct run_opts *o, uint64_t seed) {
    char seed_text[24];
    snprintf(seed_text, sizeof seed_text, "%" PRIu64, seed);
    const char *words[4 + 2 * CLI_OVERRIDES_MAX + 2];
    char *sets[CLI_OVERRIDES_MAX] = {0};
    int n = 0;
    words[n++] = "dslab";
    words[n++] = "run";
    words[n++] = o->file;
    words[n++] = "--seed";
    words[n++] = seed_text;
    char *out = NULL;
    for (int i = 0; i < o->overrides.count; i++) {
        size_t len = strlen(o->overrides.items[i].path) + strlen(o->overrides.items[i].value) + 2;
        if (!(sets[i] = malloc(len))) goto done;
        snprintf(sets[i], len, "%s=%s", o->overrides.items[i].path, o->overrides.items[i].value);
        words[n++] = "--set";
        words[n++] = sets[i];
    }
    if (o->until_text) {
        words[n++] = "--until";
        words[n++] = o->until_text;
    }
    out = shell_join(words, n);
done:
    for (int i = 0; i < o->overrides.count; i++) free(sets[i]);
    return out;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int run_with_repro(struct run_opts *o, struct scenario *sc, uint64_t seed, const char *repro) {
    int64_t until_ns = o->until_ns > 0 ? o->until_ns : sc->duration_ns;
    /* With --trace - the trace owns standard output: the report goes to stderr. */
    bool trace_stdout = o->trace_path && strcmp(o->trace_path, "-") == 0;
    FILE *report = trace_stdout ? stderr : stdout;
    FILE *info = o->json ? stderr : report;
    fprintf(info, "seed %" PRIu64 "\nrepro: %s\n", seed, repro);
    if (!o->quiet && !o->json) {
        fprintf(info, "scenario %s%s%s\n", sc->name, sc->title[0] ? ": " : "", sc->title);
    }
    fflush(info);

    struct diag d;
    diag_clear(&d);
    struct sim *sim = sim_create(sc, seed, &d);
    if (!sim) {
        cli_print_diag(&d);
        return EXIT_BAD_INPUT;
    }
    struct trace_writer writer;
    struct outfile trace_out;
    FILE *trace_file = NULL;
    if (o->trace_path) {
        trace_file = cli_atomic_open(&trace_out, o->trace_path);
        if (!trace_file) {
            sim_destroy(sim);
            return EXIT_BAD_INPUT;
        }
        trace_writer_init(&writer, trace_file, o->trace_format,
                          (const char (*)[32])sc->node_names, sc->nodes_count);
        sim_add_sink(sim, trace_writer_sink, &writer);
    }
    struct timeline *tl = NULL;
    if (!o->quiet && !o->json) {
        tl = malloc(sizeof *tl);
        if (tl && timeline_init(tl, (const char (*)[32])sc->node_names, sc->nodes_count) == 0) {
            sim_add_sink_flags(sim, timeline_sink, tl, SIM_SINK_NO_LABELS);
        } else {
            free(tl);
            tl = NULL;
        }
    }
    double start_s = now_s();
    enum sim_status status = sim_run(sim, until_ns, 0);
    int code = 0;
    char t[32];
    if (status == SIM_EVENT_BUDGET) {
        fprintf(stderr, "%s: error: the run stopped at t=%s after its event budget of %" PRIu64
                " events; raise it with `limits: { events: N }` or --set limits.events=N\n",
                sc->path, time_format_s(sim_now_ns(sim), t, sizeof t), sim_get_stats(sim)->events);
        code = EXIT_BAD_INPUT;
    } else if (status == SIM_ERROR) {
        fprintf(stderr, "%s: error: the run stopped at t=%s: %s\n", sc->path,
                time_format_s(sim_now_ns(sim), t, sizeof t), sim_error(sim));
        code = EXIT_BAD_INPUT;
    }
    sim_finish(sim);
    if (status != SIM_ERROR && sim_error(sim)[0]) { /* a node failed in on_finish (process nodes) */
        fprintf(stderr, "%s: error: the run stopped at its end (t=%s): %s\n", sc->path,
                time_format_s(sim_now_ns(sim), t, sizeof t), sim_error(sim));
        code = EXIT_BAD_INPUT;
    }
    double wall_s = now_s() - start_s;
    if (trace_file) {
        trace_writer_finish(&writer);
        if (cli_atomic_commit(&trace_out) != 0) code = EXIT_BAD_INPUT;
    }
    if (code == 0) code = run_report_exit_code(sim);
    if (o->json) {
        run_report_json(report, sim, repro);
    } else if (!o->quiet) {
        run_report_text(report, sim, tl, wall_s);
    }
    if (!o->json) {
        if (code == 0) fprintf(report, "\nresult: all checks hold\n");
        else if (code == 1) fprintf(report, "\nresult: a check failed   repro: %s\n", repro);
    }
    if (tl) timeline_deinit(tl);
    free(tl);
    sim_destroy(sim);
    return code;
}

static int run_loaded(struct run_opts *o, struct scenario *sc) {
    uint64_t seed = o->seed_given ? o->seed : sc->seed;
    char *repro = format_repro(o, seed);
    if (!repro) return cli_usage_error("run", "out of memory");
    int code = run_with_repro(o, sc, seed, repro);
    free(repro);
    return code;
}

int cmd_run(int argc, char **argv) {
    struct run_opts o;
    memset(&o, 0, sizeof o);
    int code = parse_args(argc, argv, &o);
    if (code == 0) {
        struct diag d;
        diag_clear(&d);
        struct scenario *sc = scenario_load(o.file, o.overrides.items, o.overrides.count, NULL, &d);
        if (!sc) {
            cli_print_diag(&d);
            code = EXIT_BAD_INPUT;
        } else {
            code = run_loaded(&o, sc);
            scenario_free(sc);
        }
    }
    cli_overrides_free(&o.overrides);
    return code;
}
