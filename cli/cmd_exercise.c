/* cmd_exercise.c: `dslab exercise ID`: one exercise, start to finish.
 *
 * Shows the brief, runs the scenario (a text timeline and the checks'
 * verdicts; PNG frames through the visualiser when it is built), asks the
 * questions (exercise_ask.c), writes the answers file and grades it. At a
 * terminal it prompts. Without one it refuses (exit 2, nothing written or
 * recorded: `dslab grade ID FILE` is the way), unless --stdin asks it to
 * read the answers line by line, in question order (docs/EXERCISE_FORMAT.md,
 * "Answering at the terminal"):
 *   failure-mode  the mode; then "FROM TO" (e.g. 1.2s 1.5s); then the nodes
 *   fix           lines PATH=VALUE, ended by an empty line
 *   break         lines { at: 1s, crash: n1 } (and "seed N"), ended by an empty line
 *   others        one line
 * A line "hint" shows the next hint; an empty answer leaves a question
 * unanswered. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "dslab/outfile.h"
#include "dslab/report.h"
#include "dslab/sim.h"
#include "dslab/text.h"
#include "exercise_cli.h"

static const char usage[] =
    "usage: dslab exercise ID [options]\n"
    "\n"
    "Shows the exercise's brief, runs its scenario, asks its questions at the\n"
    "terminal, writes your answers to a file and grades them. Without a\n"
    "terminal, write the answers file yourself and run `dslab grade ID FILE`\n"
    "(or pass --stdin to answer line by line from stdin).\n"
    "\n"
    "options:\n"
    "  --out FILE        the answers file (default ID.answers.yaml)\n"
    "  --png-dir DIR     where the visualiser writes frames (default .; created)\n"
    "  --no-png          no PNG frames\n"
    "  --no-window       never open the visualiser window (it opens when there is\n"
    "                    a display, the visualiser is built and stdin is a terminal)\n"
    "  --no-run          do not run the scenario first\n"
    "  --stdin           read the answers from stdin, one line per prompt, even\n"
    "                    when it is not a terminal (docs/EXERCISE_FORMAT.md)\n"
    "  --learner NAME    the `learner:` line of the answers file, by which\n"
    "                    `dslab class-report` groups attempts (default: the\n"
    "                    --profile name; else, at a terminal, you are asked)\n"
    "  --profile NAME    record progress under this profile\n"
    "  --root DIR        the directory holding exercises/ and scenarios/\n";

/* With a display, the visualiser window; the learner closes it to go on. */
static int want_window(int allowed) {
#ifdef DSLAB_HAVE_VIZ
    const char *x = getenv("DISPLAY"), *w = getenv("WAYLAND_DISPLAY");
    return allowed && isatty(0) && ((x && x[0]) || (w && w[0]));
#else
    (void)allowed;
    return 0;
#endif
}

static void show_run(const struct exercise *e, const char *png_dir, int png, int window) {
    char path[1100];
    grader_exercise_scenario_path(e, e->scenario, path, (int)sizeof path);
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct dslab_scenario *sc = dslab_scenario_load(path, NULL, 0, NULL, &d);
    struct dslab_run run;
    if (!sc || dslab_run_start(&run, sc, e->seed_given ? e->seed : sc->seed, true, &d) < 0) {
        cli_print_diag(&d);
        dslab_scenario_free(sc);
        return;
    }
    if (!run.timeline) { /* out of memory */
        dslab_run_free(&run);
        dslab_scenario_free(sc);
        return;
    }
    dslab_run_to_end(&run, sc->duration_ns);
    printf("\n--- the run: %s (seed %llu) ---\n", path, (unsigned long long)dslab_sim_seed(run.sim));
    dslab_run_report_text(stdout, run.sim, run.timeline, 0.0);
    uint64_t seed = dslab_sim_seed(run.sim);
    dslab_run_free(&run);
    dslab_scenario_free(sc);
#ifdef DSLAB_HAVE_VIZ
    if (window) {
        char seed_text[32];
        snprintf(seed_text, sizeof seed_text, "%llu", (unsigned long long)seed);
        printf("\nOpening the run in the visualiser (h for keys). Close the window to answer.\n");
        fflush(stdout);
        char *args[] = {"viz", path, "--seed", seed_text, NULL};
        if (cmd_viz(4, args) == 0) return;
        printf("(the window could not be opened; writing a picture instead)\n");
    }
    if (png) {
        char out[1200], seed_text[32];
        snprintf(out, sizeof out, "%s/%s.png", png_dir, e->id);
        snprintf(seed_text, sizeof seed_text, "%llu", (unsigned long long)seed);
        char *args[] = {"viz", path, "--seed", seed_text, "--png", out, NULL};
        if (cmd_viz(6, args) == 0) printf("picture of the run: %s\n", out);
    }
#else
    (void)png_dir;
    (void)png;
    (void)seed;
    (void)window;
#endif
}

/* The learner's name for the answers file: --learner, else --profile;
 * "" when neither (then, at a terminal, the learner is asked for it).
 * 1..LEARNER_NAME_MAX bytes of printable UTF-8 text, no control
 * characters: else a usage error, before any question is asked. */
#define LEARNER_NAME_MAX 63
static bool learner_ok(const char *s) {
    size_t len = strlen(s);
    bool ok = len >= 1 && len <= LEARNER_NAME_MAX;
    for (size_t i = 0; ok && i < len; i++) ok = (unsigned char)s[i] >= 0x20 && s[i] != 0x7f;
    return ok && dslab_text_utf8_valid(s, len, NULL);
}

/* show_run's arguments, for excli_ask_answers to call it after the
 * declare questions (they are answered before the run is seen). */
struct show_args {
    const struct exercise *e;
    const char *png_dir;
    int png, window;
};

static void show_run_cb(void *user) {
    const struct show_args *a = user;
    show_run(a->e, a->png_dir, a->png, want_window(a->window));
}

static int learner_name(const char *learner, const char *profile, char buf[LEARNER_NAME_MAX + 1]) {
    buf[0] = '\0';
    const char *from = learner ? learner : profile;
    if (!from) return 0;
    if (!learner_ok(from)) {
        cli_usage_error("exercise", "%s: a learner's name is 1 to %d bytes of printable UTF-8 text",
                        learner ? "--learner" : "--profile", LEARNER_NAME_MAX);
        return -1;
    }
    snprintf(buf, LEARNER_NAME_MAX + 1, "%s", from);
    return 0;
}

/* At a terminal without --learner/--profile: asks once for the name that
 * class-report shows (enter skips it; the report then shows the file's
 * name). Not with --stdin: that input is one answer per line. */
static void learner_ask(char buf[LEARNER_NAME_MAX + 1]) {
    char *line = NULL;
    size_t cap = 0;
    for (;;) {
        printf("\nYour name, for the class report (enter to skip)> ");
        fflush(stdout);
        ssize_t n = getline(&line, &cap, stdin);
        if (n <= 0) break;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
        if (n == 0) break;
        if (learner_ok(line)) {
            snprintf(buf, LEARNER_NAME_MAX + 1, "%s", line);
            break;
        }
        printf("(1 to %d characters of text, please)\n", LEARNER_NAME_MAX);
    }
    free(line);
}

int cmd_exercise(int argc, char **argv) {
    const char *id = NULL, *out = NULL, *png_dir = ".", *profile = NULL, *root = NULL, *learner = NULL;
    int png = 1, run = 1, window = 1, from_stdin = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        cli_exit_if_help(a, usage);
        if (strcmp(a, "--no-png") == 0) {
            png = 0;
        } else if (strcmp(a, "--no-run") == 0) {
            run = 0;
        } else if (strcmp(a, "--no-window") == 0) {
            window = 0;
        } else if (strcmp(a, "--stdin") == 0) {
            from_stdin = 1;
        } else if (next && (strcmp(a, "--out") == 0 || strcmp(a, "--png-dir") == 0 || strcmp(a, "--profile") == 0 || strcmp(a, "--root") == 0 || strcmp(a, "--learner") == 0)) {
            if (strcmp(a, "--out") == 0) out = next;
            else if (strcmp(a, "--learner") == 0) learner = next;
            else if (strcmp(a, "--png-dir") == 0) png_dir = next;
            else if (strcmp(a, "--profile") == 0) profile = next;
            else root = next;
            i++;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("exercise", "unknown option '%s' (or it needs a value)", a);
        } else if (!id) {
            id = a;
        } else {
            return cli_usage_error("exercise", "one exercise at a time");
        }
    }
    if (!id) return cli_usage_error("exercise", "missing exercise id (`dslab exercises` lists them)");
    /* Everything that can be refused is refused before the run and the questions. */
    char learner_buf[LEARNER_NAME_MAX + 1];
    if (learner_name(learner, profile, learner_buf) < 0) return EXIT_BAD_INPUT;
    char progress_file[1024];
    if (excli_progress_path(profile, progress_file, (int)sizeof progress_file) < 0) return EXIT_BAD_INPUT;
    bool tty = isatty(0) != 0;
    if (!tty && !from_stdin) {
        return cli_usage_error("exercise", "stdin is not a terminal, so there is nobody to ask: write the "
                               "answers to a file and run `dslab grade %s FILE` (`dslab exercise %s --help`; "
                               "--stdin reads answers line by line)", id, id);
    }
    struct catalog *c = excli_catalog(root);
    if (!c) return EXIT_BAD_INPUT;
    const struct exercise *e = excli_find(c, "exercise", id);
    if (!e) {
        grader_catalog_free(c);
        return EXIT_BAD_INPUT;
    }
#ifdef DSLAB_HAVE_VIZ
    if (run && png && dslab_mkdir_p(png_dir, 0755) != 0) {
        fprintf(stderr, "dslab exercise: error: cannot create the --png-dir '%s': %s\n", png_dir, strerror(errno));
        grader_catalog_free(c);
        return EXIT_BAD_INPUT;
    }
#endif
    printf("%s  [%s, difficulty %d]\n\n%s\n", e->title, e->track, e->difficulty, e->brief);
    for (int i = 0; i < e->read_first_count; i++) printf("%s%s\n", i ? "              " : "read first:   ", e->read_first[i]);
    char error[300];
    if (!learner_buf[0] && tty && !from_stdin) learner_ask(learner_buf);
    struct show_args sa = {.e = e, .png_dir = png_dir, .png = png, .window = window};
    char *text = excli_ask_answers(e, learner_buf[0] ? learner_buf : NULL, tty, run ? show_run_cb : NULL, &sa, error,
                                   sizeof error);
    if (!text) {
        fprintf(stderr, "dslab exercise: error: %s; no answers written, no attempt recorded\n", error);
        grader_catalog_free(c);
        return EXIT_BAD_INPUT;
    }
    char path[1100];
    if (out) snprintf(path, sizeof path, "%s", out);
    else snprintf(path, sizeof path, "%s.answers.yaml", e->id);
    struct dslab_outfile of;
    FILE *f = cli_atomic_open(&of, path);
    int code = EXIT_BAD_INPUT;
    if (!f || (fputs(text, f), cli_atomic_commit(&of)) != 0) {
        fprintf(stderr, "%s: error: cannot write the answers file\n", path);
    } else {
        printf("\nanswers written to %s; grading...\n\n", path);
        char root_copy[512], id_copy[128];
        snprintf(root_copy, sizeof root_copy, "%s", c->root);
        snprintf(id_copy, sizeof id_copy, "%s", e->id);
        char *args[] = {"grade", id_copy, path, "--profile", (char *)(profile ? profile : "default"), "--root", root_copy, NULL};
        grader_catalog_free(c);
        c = NULL;
        code = cmd_grade(7, args);
    }
    free(text);
    grader_catalog_free(c);
    return code;
}
