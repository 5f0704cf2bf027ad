/* cmd_run.c: `dslab run FILE`: run a scenario, print the seed and a repro
 * line first, then the summary; exit 0 when all checks hold, 1 when one
 * fails, 2 on bad input (or a run stopped by its event budget). */
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "colour.h"
#include "dslab/history_export.h"
#include "data_root.h"
#include "dslab/host_clock.h"
#include "dslab/quote.h"
#include "dslab/report.h"
#include "dslab/determinism.h"
#include "dslab/scenario.h"
#include "dslab/text.h"
#include "dslab/shiviz.h"
#include "dslab/sim.h"
#include "dslab/trace.h"

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
    "  --history FILE           write the client history to FILE (- for standard output)\n"
    "  --history-format FORMAT  edn (default; Jepsen/Knossos) or porcupine (Porcupine's\n"
    "                           kv log); `dslab check-history` reads both (docs/EXPORTS.md)\n"
    "  --shiviz FILE            write a ShiViz log (vector clocks per node) to FILE\n"
    "                           (- for standard output; docs/EXPORTS.md)\n"
    "  --json                   print the summary as one JSON object\n"
    "  --quiet                  print only the seed, repro line and verdict\n"
    "  --color WHEN             auto (default: colours on a terminal unless NO_COLOR\n"
    "                           is set), always or never\n"
    "  --check-determinism      run twice (fresh simulators, same seed) and compare\n"
    "                           the traces event by event instead of reporting:\n"
    "                           exit 0 when they agree, 1 at the first difference\n"
    "  --node FILE              use this node code instead of the scenario's protocol,\n"
    "                           keeping its parameters: a C source (.c, compiled and\n"
    "                           cached) or a shared object (docs/NODE_API.md)\n"
    "  --process \"CMD\"          run this program as every node instead of the scenario's\n"
    "                           protocol, keeping its parameters; it runs in the current\n"
    "                           directory (docs/PROCESS_NODES.md)\n"
    "\n"
    "exit status: 0 all checks hold, 1 a check failed (or the run is not\n"
    "deterministic), 2 bad input or usage\n";

struct run_opts {
    const char *file;
    uint64_t seed;
    int seed_given;
    int64_t until_ns;
    const char *until_text;
    struct cli_overrides overrides;
    const char *trace_path;
    int trace_format;
    const char *history_path;              /* --history */
    enum dslab_history_format history_format;
    const char *shiviz_path;               /* --shiviz */
    int json;
    int quiet;
    enum cli_colour_when colour; /* --color */
    int check_determinism;
    const char *node_file; /* --node: replaces the scenario's protocol */
    const char *process;   /* --process: the same, with a process per node */
};

/* The field a file-name option (--trace, --history, --shiviz) sets, or
 * NULL for any other argument. */
static const char **file_option(struct run_opts *o, const char *a) {
    if (strcmp(a, "--trace") == 0) return &o->trace_path;
    if (strcmp(a, "--history") == 0) return &o->history_path;
    if (strcmp(a, "--shiviz") == 0) return &o->shiviz_path;
    return NULL;
}

static int parse_args(int argc, char **argv, struct run_opts *o) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        const char **path;
        cli_exit_if_help(a, usage);
        if (strcmp(a, "--seed") == 0) {
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
        } else if ((path = file_option(o, a)) != NULL) {
            if (!next) return cli_usage_error("run", "%s needs a file name", a);
            *path = next;
            i++;
        } else if (strcmp(a, "--trace-format") == 0) {
            if (next && strcmp(next, "jsonl") == 0) o->trace_format = DSLAB_TRACE_FORMAT_JSONL;
            else if (next && strcmp(next, "chrome") == 0) o->trace_format = DSLAB_TRACE_FORMAT_CHROME;
            else return cli_usage_error("run", "--trace-format is jsonl or chrome, got '%s'", next ? next : "");
            i++;
        } else if (strcmp(a, "--history-format") == 0) {
            if (dslab_history_format_parse(next, &o->history_format) != 0) {
                return cli_usage_error("run", "--history-format is edn or porcupine, got '%s'", next ? next : "");
            }
            i++;
        } else if (strcmp(a, "--json") == 0) {
            o->json = 1;
        } else if (strncmp(a, "--colo", 6) == 0) {
            if (cli_colour_flag("run", argc, argv, &i, &o->colour) < 0) return EXIT_BAD_INPUT;
        } else if (strcmp(a, "--check-determinism") == 0) {
            o->check_determinism = 1;
        } else if (strcmp(a, "--node") == 0) {
            if (!next || !next[0]) return cli_usage_error("run", "--node needs a C source (.c) or shared object file");
            if (o->node_file) return cli_usage_error("run", "--node given twice");
            o->node_file = next;
            i++;
        } else if (strcmp(a, "--process") == 0) {
            if (!next || !next[0]) return cli_usage_error("run", "--process needs a command, e.g. \"python3 my_node.py\"");
            if (o->process) return cli_usage_error("run", "--process given twice");
            o->process = next;
            i++;
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            o->quiet = 1;
        } else if (cli_operand("run", a, &o->file, "scenario file", true) != 0) {
            return EXIT_BAD_INPUT;
        }
    }
    if (!o->file) return cli_usage_error("run", "missing scenario file");
    o->file = cli_scenario_arg(o->file); /* data_root.h */
    if (o->node_file && o->process) return cli_usage_error("run", "give --node or --process, not both");
    if (o->check_determinism && (o->trace_path || o->json || o->history_path || o->shiviz_path)) {
        return cli_usage_error("run", "--check-determinism prints only its verdict: no --trace, --history, --shiviz or --json with it");
    }
    const char *outputs[] = {o->trace_path, o->history_path, o->shiviz_path};
    int to_stdout = 0;
    for (int k = 0; k < 3; k++) to_stdout += outputs[k] && strcmp(outputs[k], "-") == 0;
    if (to_stdout > 1) return cli_usage_error("run", "only one of --trace, --history and --shiviz can be - (standard output)");
    return 0;
}

/* The command that repeats this run, each word shell-quoted (dslab/quote.h):
 * a string to free(), or NULL when out of memory. */
static char *format_repro(const struct run_opts *o, uint64_t seed) {
    char seed_text[24];
    snprintf(seed_text, sizeof seed_text, "%" PRIu64, seed);
    /* dslab run FILE --seed N, the --set pairs, --until, --node, --process */
    const char *words[5 + 2 * CLI_OVERRIDES_MAX + 6];
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
    if (o->node_file) {
        words[n++] = "--node";
        words[n++] = o->node_file;
    }
    if (o->process) {
        words[n++] = "--process";
        words[n++] = o->process;
    }
    out = dslab_shell_join(words, n);
done:
    for (int i = 0; i < o->overrides.count; i++) free(sets[i]);
    return out;
}


/* --shiviz: the writer on its own output file, a sink of the run. */
static int open_shiviz(const char *path, struct dslab_outfile *out, const struct dslab_scenario *sc,
                       struct dslab_run *run, struct dslab_shiviz_writer **w) {
    struct dslab_diag d;
    dslab_diag_clear(&d);
    FILE *f = cli_atomic_open(out, path);
    if (!f) return -1;
    *w = dslab_shiviz_writer_create(f, (const char (*)[32])sc->node_names, sc->nodes_count, &d);
    if (!*w) {
        dslab_outfile_abort(out);
        cli_print_diag(&d);
        return -1;
    }
    dslab_sim_add_sink(run->sim, dslab_shiviz_writer_sink, *w);
    return 0;
}

/* --history: the client history in --history-format (dslab/history_export.h). */
static int write_history(const struct run_opts *o, const struct dslab_scenario *sc, uint64_t seed,
                         const struct dslab_sim *sim) {
    struct dslab_outfile out;
    FILE *f = cli_atomic_open(&out, o->history_path);
    if (!f) return -1;
    struct dslab_history_export_info info = {.scenario = sc->name, .seed = seed};
    if (dslab_history_export(f, dslab_sim_history(sim), o->history_format, &info) != 0) {
        fprintf(stderr, "dslab run: error: %s: the history could not be written\n", o->history_path);
        dslab_outfile_abort(&out);
        return -1;
    }
    return cli_atomic_commit(&out);
}

static int run_with_repro(struct run_opts *o, struct dslab_scenario *sc, uint64_t seed, const char *repro) {
    int64_t until_ns = o->until_ns > 0 ? o->until_ns : sc->duration_ns;
    /* An export to - (--trace, --history, --shiviz) owns standard output:
     * the report goes to stderr. */
    bool export_stdout = (o->trace_path && strcmp(o->trace_path, "-") == 0) ||
                         (o->history_path && strcmp(o->history_path, "-") == 0) ||
                         (o->shiviz_path && strcmp(o->shiviz_path, "-") == 0);
    FILE *report = export_stdout ? stderr : stdout;
    FILE *info = o->json ? stderr : report;
    fprintf(info, "seed %" PRIu64 "\nrepro: %s\n", seed, repro);
    if (!o->quiet && !o->json) {
        fprintf(info, "scenario %s%s%s\n", sc->name, sc->title[0] ? ": " : "", sc->title);
    }
    fflush(info);

    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct dslab_run run;
    if (dslab_run_start(&run, sc, seed, !o->quiet && !o->json, &d) < 0) {
        cli_print_diag(&d);
        return EXIT_BAD_INPUT;
    }
    struct dslab_trace_writer writer;
    struct dslab_outfile trace_out;
    FILE *trace_file = NULL;
    if (o->trace_path) {
        trace_file = cli_atomic_open(&trace_out, o->trace_path);
        if (!trace_file) {
            dslab_run_free(&run);
            return EXIT_BAD_INPUT;
        }
        dslab_trace_writer_init(&writer, trace_file, o->trace_format,
                          (const char (*)[32])sc->node_names, sc->nodes_count);
        dslab_sim_add_sink(run.sim, dslab_trace_writer_sink, &writer);
    }
    struct dslab_outfile shiviz_out;
    struct dslab_shiviz_writer *shiviz = NULL;
    if (o->shiviz_path && open_shiviz(o->shiviz_path, &shiviz_out, sc, &run, &shiviz) != 0) {
        if (trace_file) dslab_outfile_abort(&trace_out);
        dslab_run_free(&run);
        return EXIT_BAD_INPUT;
    }
    double start_s = dslab_host_clock_s();
    int code = dslab_run_to_end(&run, until_ns) == DSLAB_SIM_OK ? 0 : EXIT_BAD_INPUT;
    double wall_s = dslab_host_clock_s() - start_s;
    if (code != 0) fprintf(stderr, "%s\n", run.stopped);
    if (trace_file) {
        dslab_outfile_note_error(&trace_out, dslab_trace_writer_finish(&writer));
        if (cli_atomic_commit(&trace_out) != 0) code = EXIT_BAD_INPUT;
    }
    if (shiviz) {
        if (dslab_shiviz_writer_finish(shiviz) != 0) {
            fprintf(stderr, "dslab run: error: %s: the ShiViz log could not be written completely\n",
                    o->shiviz_path);
            dslab_outfile_abort(&shiviz_out);
            code = EXIT_BAD_INPUT;
        } else if (cli_atomic_commit(&shiviz_out) != 0) {
            code = EXIT_BAD_INPUT;
        }
        dslab_shiviz_writer_free(shiviz);
    }
    if (o->history_path && write_history(o, sc, seed, run.sim) != 0) code = EXIT_BAD_INPUT;
    if (code == 0) code = dslab_run_report_exit_code(run.sim);
    struct dslab_style style = o->json ? DSLAB_STYLE_PLAIN : cli_colour_style(o->colour, report);
    if (o->json) {
        dslab_run_report_json(report, run.sim, repro);
    } else if (!o->quiet) {
        dslab_run_report_text_styled(report, run.sim, run.timeline, wall_s, &style);
    }
    if (!o->json) {
        if (code == 0) fprintf(report, "\nresult: %sall checks hold%s\n", style.good, style.reset);
        else if (code == 1) fprintf(report, "\nresult: %sa check failed%s   repro: %s\n", style.bad, style.reset, repro);
    }
    dslab_run_free(&run);
    return code;
}

/* --check-determinism: two runs compared (dslab/determinism.h). */
static int check_determinism(struct run_opts *o, struct dslab_scenario *sc, uint64_t seed, const char *repro) {
    printf("seed %" PRIu64 "\nrepro: %s --check-determinism\n", seed, repro);
    fflush(stdout);
    struct dslab_determinism_result *r = malloc(sizeof *r);
    if (!r) return cli_usage_error("run", "out of memory");
    struct dslab_diag d;
    dslab_diag_clear(&d);
    int code = 0;
    if (dslab_determinism_check(sc, seed, o->until_ns, r, &d) != 0) {
        cli_print_diag(&d);
        code = EXIT_BAD_INPUT;
    } else if (r->same) {
        printf("deterministic: trace hash %016" PRIx64 " (2 runs, %" PRIu64 " events each)\n",
               r->hash, r->events);
    } else {
        char a[4 * sizeof r->first], b[4 * sizeof r->second];
        dslab_text_escape(r->first, strlen(r->first), a, sizeof a);
        dslab_text_escape(r->second, strlen(r->second), b, sizeof b);
        printf("NOT deterministic: the two runs part at trace event #%" PRIu64
               " (the first %" PRIu64 " agree):\n  run 1: %s\n  run 2: %s\n"
               "Node code must keep its state in its state block and get time, randomness and "
               "storage only from its context (docs/NODE_API.md): look for static variables, "
               "addresses used as values, uninitialised memory.\n",
               r->diff_index, r->events, a[0] ? a : "(the run had ended)",
               b[0] ? b : "(the run had ended)");
        code = 1;
    }
    free(r);
    return code;
}

/* --node FILE: the scenario's protocol becomes this file's code (a .c is
 * compiled, anything else loaded as a shared object); parameters stay. */
static int replace_protocol(const char *file, struct dslab_scenario *sc) {
    size_t len = strlen(file);
    if (len >= sizeof sc->protocol.code_path) {
        return cli_usage_error("run", "the --node path is longer than %d bytes", DSLAB_CODE_PATH_MAX - 1);
    }
    memcpy(sc->protocol.code_path, file, len + 1);
    sc->protocol.origin = len > 2 && strcmp(file + len - 2, ".c") == 0 ? DSLAB_PROTOCOL_SOURCE : DSLAB_PROTOCOL_PLUGIN;
    const char *base = strrchr(file, '/');
    snprintf(sc->protocol.name, sizeof sc->protocol.name, "%s", base ? base + 1 : file);
    sc->protocol.pos = (struct dslab_src_pos){0, 0};
    return 0;
}

/* --process CMD: every node is a process running CMD in the current
 * directory (sim/nodes/process_node.c); parameters stay. The command is
 * checked when the simulator is created (the process protocol's
 * configure): a bad one is exit 2 there. */
static int replace_with_process(const char *cmd, struct dslab_scenario *sc) {
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) return cli_usage_error("run", "--process: cannot read the current directory");
    if (dslab_scenario_use_process(sc, cmd, cwd) != 0) return cli_usage_error("run", "out of memory");
    sc->protocol.pos = (struct dslab_src_pos){0, 0};
    return 0;
}

static int grader_run_loaded(struct run_opts *o, struct dslab_scenario *sc) {
    uint64_t seed = o->seed_given ? o->seed : sc->seed;
    if (o->node_file && replace_protocol(o->node_file, sc) != 0) return EXIT_BAD_INPUT;
    if (o->process && replace_with_process(o->process, sc) != 0) return EXIT_BAD_INPUT;
    char *repro = format_repro(o, seed);
    if (!repro) return cli_usage_error("run", "out of memory");
    int code = o->check_determinism ? check_determinism(o, sc, seed, repro)
                                    : run_with_repro(o, sc, seed, repro);
    free(repro);
    return code;
}

int cmd_run(int argc, char **argv) {
    struct run_opts o;
    memset(&o, 0, sizeof o);
    int code = parse_args(argc, argv, &o);
    if (code == 0) {
        struct dslab_scenario *sc = cli_load_scenario(o.file, &o.overrides);
        code = sc ? grader_run_loaded(&o, sc) : EXIT_BAD_INPUT;
        dslab_scenario_free(sc);
    }
    cli_overrides_free(&o.overrides);
    return code;
}
