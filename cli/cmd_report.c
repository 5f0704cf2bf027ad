/* cmd_report.c: `dslab report FILE [--seed N] --out DIR`: writes
 * DIR/report.md, a debrief of a run written like a blameless post-mortem
 * (the library's dslab/postmortem.h runs the scenario and writes it); this
 * file parses the flags, draws the figures with the visualiser when it is
 * built, and writes the file atomically. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "data_root.h"
#include "dslab/postmortem.h"
#include "dslab/time.h"

static const char usage[] =
    "usage: dslab report FILE [--seed N] --out DIR\n"
    "\n"
    "Runs a scenario and writes DIR/report.md, a blameless post-mortem of the\n"
    "run: timeline of faults and violations, which assumptions broke first,\n"
    "the annotated evidence, and PNG figures when the visualiser is built.\n";

#ifdef DSLAB_HAVE_VIZ
struct figure_source {
    const char *file;
    uint64_t seed;
};

/* `dslab viz FILE --seed S --png PNG [--at T]`: 0 when it was drawn. */
static int draw_figure(void *user, const char *png_path, int64_t at_ns) {
    const struct figure_source *f = user;
    char seed_text[32], at[64];
    snprintf(seed_text, sizeof seed_text, "%" PRIu64, f->seed);
    char *args[] = {"viz", (char *)f->file, "--seed", seed_text, "--png", (char *)png_path, NULL, NULL, NULL};
    if (at_ns < 0) return cmd_viz(6, args);
    dslab_time_format_duration(at_ns, at, sizeof at);
    args[6] = "--at";
    args[7] = at;
    return cmd_viz(8, args);
}
#endif

int cmd_report(int argc, char **argv) {
    const char *file = NULL, *dir = NULL;
    uint64_t seed = 0;
    int seed_given = 0;
    for (int i = 1; i < argc; i++) {
        cli_exit_if_help(argv[i], usage);
        if (strcmp(argv[i], "--seed") == 0) {
            if (i + 1 >= argc || cli_parse_u64(argv[i + 1], &seed) != 0) return cli_usage_error("report", "--seed needs a non-negative integer");
            seed_given = 1;
            i++;
        } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            dir = argv[++i];
        } else if (cli_operand("report", argv[i], &file, "scenario file", false) != 0) {
            return EXIT_BAD_INPUT;
        }
    }
    if (!file || !dir) return cli_usage_error("report", "usage: dslab report FILE [--seed N] --out DIR");
    file = cli_scenario_arg(file); /* data_root.h */
    struct dslab_scenario *sc = cli_load_scenario(file, NULL);
    if (!sc) return EXIT_BAD_INPUT;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    if (!seed_given) seed = sc->seed;
    mkdir(dir, 0755);
    int code = EXIT_BAD_INPUT;
    struct dslab_postmortem *pm = dslab_postmortem_run(sc, seed, &d);
    if (!pm) {
        cli_print_diag(&d);
    } else {
#ifdef DSLAB_HAVE_VIZ
        struct figure_source source = {file, seed};
        struct dslab_postmortem_figures figures = {draw_figure, &source}, *fig = &figures;
#else
        const struct dslab_postmortem_figures *fig = NULL;
#endif
        char path[1100];
        snprintf(path, sizeof path, "%s/report.md", dir);
        struct dslab_outfile out;
        FILE *o = cli_atomic_open(&out, path);
        if (o) dslab_postmortem_write(o, pm, file, dir, fig);
        if (!o || cli_atomic_commit(&out) != 0) fprintf(stderr, "%s: error: cannot write the report\n", path);
        else printf("wrote %s\n", path), code = 0;
    }
    dslab_postmortem_free(pm);
    dslab_scenario_free(sc);
    return code;
}
