/* cmd_explore.c: `dslab explore FILE --seeds N`: run a scenario over many
 * seeds with randomly drawn faults, find the runs that break a check,
 * shrink each check's first failing run to a minimal fault schedule and
 * write it as a reproducer scenario; `--merge` combines the --json results
 * of shards. All of that is the library's (dslab/explore.h); this file
 * parses flags, shows progress and the wall time on stderr, prints the
 * results and writes plots (explore_plot.c). Docs: docs/EXPLORE.md. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "data_root.h"
#include "dslab/explore.h"
#include "dslab/host_clock.h"
#include "dslab/quote.h"
#include "explore_plot.h"

#define SEEDS_MAX DSLAB_XR_SEEDS_MAX
#define SHARDS_MAX DSLAB_XR_SHARDS_MAX

static const char usage[] =
    "usage: dslab explore FILE --seeds N [options]\n"
    "       dslab explore --merge FILES... [--out DIR] [--json] [--plot DIR]\n"
    "\n"
    "Runs the scenario over N seeds with randomly drawn faults (within its\n"
    "`explore:` bounds), finds the runs that break a check, shrinks the first\n"
    "failing run of each check to a minimal fault schedule and writes it as a\n"
    "scenario: DIR/<check>-seed<S>.yaml. Results do not depend on --jobs.\n"
    "\n"
    "options:\n"
    "  --seeds N                seeds to run (required): S .. S+N-1\n"
    "  --from S                 the first seed (default 1)\n"
    "  --jobs J                 threads (default: all cores)\n"
    "  --faults MODE            random (default): random faults only;\n"
    "                           scenario: the file's faults only; both: the two\n"
    "  --budget K               runs spent shrinking each failing check (default 300)\n"
    "  --shard I/M              run only shard I of M (1..M, M <= 64): every M-th seed;\n"
    "                           merge the --json results with --merge\n"
    "  --out DIR                where reproducers are written (default explore-out)\n"
    "  --json                   print the results as one JSON object\n"
    "  --plot DIR               write PNG plots of the distributions (needs SDL2)\n"
    "  --set KEY=VALUE          override a scalar of the scenario (repeatable)\n"
    "  --quiet                  no progress on stderr\n"
    "  --merge FILES...         merge --json results of shards into one summary\n"
    "\n"
    "exit status: 0 every check held, 1 a check failed, 2 bad input or usage\n";

struct explore_opts {
    const char *file;
    uint64_t seeds;
    bool seeds_given;
    uint64_t from;
    int jobs;
    enum dslab_explore_mode mode;
    int budget;
    int shard_index, shard_count; /* 1-based index */
    const char *out_dir;
    const char *plot_dir;
    bool json, quiet;
    struct cli_overrides overrides;
    const char *const *merge_files;
    int merge_count;
};

static int parse_shard(struct explore_opts *o, const char *text) {
    unsigned i, m;
    char extra;
    if (!text || sscanf(text, "%u/%u%c", &i, &m, &extra) != 2 || m < 1 || m > SHARDS_MAX || i < 1 || i > m) {
        return cli_usage_error("explore", "--shard needs I/M with 1 <= I <= M <= %d, got '%s'", SHARDS_MAX,
                               text ? text : "");
    }
    o->shard_index = (int)i;
    o->shard_count = (int)m;
    return 0;
}

static int parse_value_flag(struct explore_opts *o, const char *a, const char *next) {
    uint64_t v;
    if (strcmp(a, "--seeds") == 0) {
        if (!next || cli_parse_u64(next, &o->seeds) != 0 || o->seeds == 0 || o->seeds > SEEDS_MAX) {
            return cli_usage_error("explore", "--seeds needs a number from 1 to %" PRIu64 " (shard beyond that)", SEEDS_MAX);
        }
        o->seeds_given = true;
    } else if (strcmp(a, "--from") == 0) {
        if (!next || cli_parse_u64(next, &o->from) != 0 || o->from > DSLAB_XR_FROM_MAX) {
            return cli_usage_error("explore", "--from needs a seed number from 0 to %" PRIu64, DSLAB_XR_FROM_MAX);
        }
    } else if (strcmp(a, "--jobs") == 0 || strcmp(a, "-j") == 0) {
        if (!next || cli_parse_u64(next, &v) != 0 || v < 1 || v > 1024) {
            return cli_usage_error("explore", "--jobs needs a number from 1 to 1024");
        }
        o->jobs = (int)v;
    } else if (strcmp(a, "--budget") == 0) {
        if (!next || cli_parse_u64(next, &v) != 0 || v > DSLAB_XR_BUDGET_MAX) {
            return cli_usage_error("explore", "--budget needs a number of runs from 0 to %d", DSLAB_XR_BUDGET_MAX);
        }
        o->budget = (int)v;
    } else if (strcmp(a, "--faults") == 0) {
        if (next && strcmp(next, "random") == 0) o->mode = DSLAB_EXPLORE_FAULTS_RANDOM;
        else if (next && strcmp(next, "scenario") == 0) o->mode = DSLAB_EXPLORE_FAULTS_SCENARIO;
        else if (next && strcmp(next, "both") == 0) o->mode = DSLAB_EXPLORE_FAULTS_BOTH;
        else return cli_usage_error("explore", "--faults is scenario, random or both, got '%s'", next ? next : "");
    } else if (strcmp(a, "--shard") == 0) {
        return parse_shard(o, next);
    } else if (strcmp(a, "--out") == 0 || strcmp(a, "--plot") == 0) {
        if (!next || !next[0]) return cli_usage_error("explore", "%s needs a directory", a);
        if (a[2] == 'o') o->out_dir = next;
        else o->plot_dir = next;
    } else if (strcmp(a, "--set") == 0) {
        if (!next) return cli_usage_error("explore", "--set needs KEY=VALUE");
        return cli_overrides_add(&o->overrides, "explore", next);
    } else {
        return 1; /* not a flag with a value */
    }
    return 0;
}

static int parse_args(int argc, char **argv, struct explore_opts *o) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        cli_exit_if_help(a, usage);
        int rc = parse_value_flag(o, a, next);
        if (rc == 0) {
            i++;
            continue;
        }
        if (rc != 1) return EXIT_BAD_INPUT;
        if (strcmp(a, "--json") == 0) o->json = true;
        else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) o->quiet = true;
        else if (strncmp(a, "--set=", 6) == 0) {
            if (cli_overrides_add(&o->overrides, "explore", a + 6) != 0) return EXIT_BAD_INPUT;
        } else if (strcmp(a, "--merge") == 0) {
            o->merge_files = (const char *const *)&argv[i + 1];
            while (i + 1 < argc && argv[i + 1][0] != '-') {
                o->merge_count++;
                i++;
            }
            if (o->merge_count == 0) return cli_usage_error("explore", "--merge needs result files");
        } else if (cli_operand("explore", a, &o->file, "scenario file", true) != 0) {
            return EXIT_BAD_INPUT;
        }
    }
    if (o->merge_count > 0) {
        if (o->file) return cli_usage_error("explore", "--merge takes result files, not a scenario ('%s')", o->file);
        return 0;
    }
    if (!o->file) return cli_usage_error("explore", "missing scenario file");
    o->file = cli_scenario_arg(o->file); /* data_root.h */
    if (!o->seeds_given) return cli_usage_error("explore", "--seeds N is required");
    return 0;
}

/* Progress on stderr: on a terminal a bar redrawn every 0.1 s; else a line
 * at each tenth of the seeds (at most one a second) and one at the end. */
struct progress_view {
    const struct explore_opts *o;
    bool tty;
    double start_s, last_s;
    uint64_t next_line, step;
};

static void show_progress(const struct progress_view *v, const struct dslab_explore_progress *p, double t) {
    double elapsed = t - v->start_s;
    double rate = elapsed > 0 ? (double)p->done / elapsed : 0;
    double eta = rate > 0 ? (double)(p->total - p->done) / rate : 0;
    if (v->tty) {
        const int width = 30;
        int filled = p->total ? (int)((double)width * (double)p->done / (double)p->total) : width;
        char bar[64];
        for (int i = 0; i < width; i++) bar[i] = i < filled ? '#' : '.';
        bar[width] = 0;
        fprintf(stderr, "\r[%s] %" PRIu64 "/%" PRIu64 " seeds  %" PRIu64 " failing  %.0f seeds/s  ETA %.0fs  ",
                bar, p->done, p->total, p->failing, rate, eta);
        if (p->phase == DSLAB_EXPLORE_PROGRESS_DONE) fputc('\n', stderr);
    } else {
        fprintf(stderr, "explore: %" PRIu64 "/%" PRIu64 " seeds, %" PRIu64 " failing, %.0f seeds/s, ETA %.0fs\n",
                p->done, p->total, p->failing, rate, eta);
    }
    fflush(stderr);
}

static void on_progress(void *user, const struct dslab_explore_progress *p) {
    struct progress_view *v = user;
    double t = dslab_host_clock_s();
    if (p->phase == DSLAB_EXPLORE_PROGRESS_START) {
        const struct explore_opts *o = v->o;
        fprintf(stderr, "explore: %s, %" PRIu64 " seeds, faults %s, %d thread%s\n", o->file, p->total,
                dslab_explore_mode_name(o->mode), o->jobs, o->jobs == 1 ? "" : "s");
        v->start_s = v->last_s = t;
        v->step = p->total / 10 ? p->total / 10 : 1;
        v->next_line = v->step;
        return;
    }
    if (p->phase == DSLAB_EXPLORE_PROGRESS_TICK) {
        if (!v->tty && !(p->done >= v->next_line && t - v->last_s >= 1.0)) return;
        v->last_s = t;
        while (v->next_line <= p->done) v->next_line += v->step;
    }
    show_progress(v, p, t);
}

/* Prints the results, writes plots; returns the exit status. */
static int finish(const struct explore_opts *o, const struct dslab_xr *x) {
    if (o->json) dslab_xr_print_json(stdout, x);
    else dslab_xr_print_text(stdout, x, o->out_dir);
    fflush(stdout);
    if (o->plot_dir) {
        char err[600];
        if (explore_plot(x, o->plot_dir, err, (int)sizeof err) < 0) {
            fprintf(stderr, "dslab explore: --plot: %s\n", err);
        } else if (!o->quiet) {
            fprintf(stderr, "explore: plots written to %s/\n", o->plot_dir);
        }
    }
    if (x->seeds_run == 0 && x->errors > 0) return EXIT_BAD_INPUT;
    for (int c = 0; c < x->checks_count; c++) {
        if (x->checks[c].failing) return EXIT_CHECK_FAILED;
    }
    return EXIT_CHECKS_HOLD;
}

static int explore_loaded(const struct explore_opts *o, const struct dslab_scenario *sc) {
    struct dslab_xr *x = malloc(sizeof *x);
    if (!x) return cli_usage_error("explore", "out of memory");
    struct progress_view view = {.o = o, .tty = isatty(2) != 0};
    struct dslab_explore_request q = {
        .sc = sc, .path = o->file, .overrides = o->overrides.items, .overrides_count = o->overrides.count,
        .mode = o->mode, .seed_from = o->from, .seeds = o->seeds, .shard_index = o->shard_index,
        .shard_count = o->shard_count, .budget = o->budget, .jobs = o->jobs, .out_dir = o->out_dir,
        .progress = o->quiet ? NULL : on_progress, .progress_user = &view};
    int code = EXIT_BAD_INPUT;
    char err[2048], shown[2200];
    double start_s = dslab_host_clock_s();
    if (dslab_explore_seeds(&q, x, err, (int)sizeof err) < 0) {
        fprintf(stderr, "%s\n", dslab_printable(err, shown, sizeof shown));
    } else {
        double wall_s = dslab_host_clock_s() - start_s;
        uint64_t ran = x->seeds_run + x->errors;
        if (!o->quiet) {
            fprintf(stderr, "explore: %" PRIu64 " seeds in %.2fs (%.0f seeds/s, %d thread%s)\n",
                    ran, wall_s, wall_s > 0 ? (double)ran / wall_s : 0.0, o->jobs, o->jobs == 1 ? "" : "s");
        }
        code = finish(o, x);
    }
    dslab_xr_free(x);
    free(x);
    return code;
}

static int merge(const struct explore_opts *o) {
    struct dslab_xr *x = malloc(sizeof *x);
    if (!x) return cli_usage_error("explore", "out of memory");
    int code = EXIT_BAD_INPUT;
    char err[2048], shown[2200];
    if (dslab_explore_merge_files(x, o->merge_files, o->merge_count, o->out_dir, err, (int)sizeof err) < 0) {
        fprintf(stderr, "%s\n", dslab_printable(err, shown, sizeof shown));
    } else {
        code = finish(o, x);
    }
    dslab_xr_free(x);
    free(x);
    return code;
}

int cmd_explore(int argc, char **argv) {
    struct explore_opts o;
    memset(&o, 0, sizeof o);
    o.from = 1;
    o.mode = DSLAB_EXPLORE_FAULTS_RANDOM;
    o.budget = 300;
    o.shard_index = o.shard_count = 1;
    o.out_dir = "explore-out";
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o.jobs = cores > 0 ? (int)(cores < 1024 ? cores : 1024) : 1;
    int code = parse_args(argc, argv, &o);
    if (code == 0 && o.merge_count > 0) {
        code = merge(&o);
    } else if (code == 0) {
        struct dslab_scenario *sc = cli_load_scenario(o.file, &o.overrides);
        code = sc ? explore_loaded(&o, sc) : EXIT_BAD_INPUT;
        dslab_scenario_free(sc);
    }
    cli_overrides_free(&o.overrides);
    return code;
}
