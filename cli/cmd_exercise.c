/* cmd_exercise.c: `dslab exercise ID`: one exercise, start to finish.
 *
 * Shows the brief, runs the scenario (a text timeline and the checks'
 * verdicts; PNG frames through the visualiser when it is built), asks the
 * questions, writes the answers file and grades it. At a terminal it
 * prompts; otherwise it reads the answers line by line from stdin, in
 * question order (docs/EXERCISE_FORMAT.md, "Answering on stdin"):
 *   failure-mode  the mode; then "FROM TO" (e.g. 1.2s 1.5s); then the nodes
 *   fix           lines PATH=VALUE, ended by an empty line
 *   break         lines { at: 1s, crash: n1 } (and "seed N"), ended by an empty line
 *   others        one line
 * A line "hint" shows the next hint; an empty answer leaves a question
 * unanswered. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dslab/sim.h"
#include "exercise_cli.h"
#include "run_report.h"

#define ANSWERS_TEXT_MAX 32768

static const char usage[] =
    "usage: dslab exercise ID [options]\n"
    "\n"
    "Shows the exercise's brief, runs its scenario, asks its questions,\n"
    "writes your answers to a file and grades them.\n"
    "\n"
    "options:\n"
    "  --out FILE        the answers file (default ID.answers.yaml)\n"
    "  --png-dir DIR     where the visualiser writes frames (default .)\n"
    "  --no-png          no PNG frames\n"
    "  --no-window       never open the visualiser window (it opens when there is\n"
    "                    a display, the visualiser is built and stdin is a terminal)\n"
    "  --no-run          do not run the scenario first\n"
    "  --profile NAME    record progress under this profile\n"
    "  --root DIR        the directory holding exercises/ and scenarios/\n";

struct session {
    const struct exercise *e;
    int hint_next;
    int tty;
    char text[ANSWERS_TEXT_MAX];
};

static void add(struct session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct session *s, const char *fmt, ...) {
    size_t used = strlen(s->text);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->text + used, sizeof s->text - used, fmt, ap);
    va_end(ap);
}

static void add_quoted(struct session *s, const char *text) {
    add(s, "\"");
    for (const char *p = text; *p; p++) add(s, "%s%c", *p == '"' || *p == '\\' ? "\\" : "", *p);
    add(s, "\"");
}

/* Reads one answer line (hints handled); returns 0, or -1 at end of input. */
static int ask(struct session *s, const char *prompt, char *line, size_t size) {
    for (;;) {
        printf("%s> ", prompt);
        fflush(stdout);
        if (!fgets(line, (int)size, stdin)) {
            if (!s->tty) printf("\n");
            return -1;
        }
        line[strcspn(line, "\r\n")] = 0;
        if (!s->tty) printf("%s\n", line);
        if (strcmp(line, "hint") != 0) return 0;
        if (s->hint_next < s->e->hints_count) printf("hint %d: %s\n", s->hint_next + 1, s->e->hints[s->hint_next]), s->hint_next++;
        else printf("no more hints\n");
    }
}

static void ask_failure_mode(struct session *s, const struct question *q) {
    char mode[512], window[256] = "", nodes[256] = "";
    if (ask(s, "failure mode", mode, sizeof mode) < 0 || !mode[0]) {
        add(s, "~\n");
        return;
    }
    if (q->evidence) {
        ask(s, "time window FROM TO (e.g. 1.2s 1.5s)", window, sizeof window);
        ask(s, "nodes (e.g. n1 n2)", nodes, sizeof nodes);
    }
    add(s, "{ mode: ");
    add_quoted(s, mode);
    char from[64], to[64];
    for (char *p = window; *p; p++) if (*p == ',' || (p[0] == '.' && p[1] == '.')) *p = ' ';
    if (sscanf(window, "%63s %63s", from, to) == 2) add(s, ", from: %s, to: %s", from, to);
    if (nodes[0]) {
        add(s, ", nodes: [");
        int n = 0;
        for (char *t = strtok(nodes, " ,[]"); t; t = strtok(NULL, " ,[]")) add(s, "%s%s", n++ ? ", " : "", t);
        add(s, "]");
    }
    add(s, " }\n");
}

static void ask_lines(struct session *s, const struct question *q) {
    char line[1024];
    int n = 0;
    bool fix = q->kind == Q_FIX;
    char seed[64] = "";
    add(s, fix ? "{" : "{ faults: [");
    while (ask(s, fix ? "PATH=VALUE (empty line ends)" : "fault like { at: 1s, crash: n1 } or seed N (empty line ends)", line, sizeof line) == 0 && line[0]) {
        if (fix) {
            char *eq = strchr(line, '=');
            if (!eq) {
                printf("write PATH=VALUE, e.g. %s=...\n", q->allowed[0]);
                continue;
            }
            *eq = 0;
            add(s, "%s %s: ", n++ ? "," : "", line);
            add_quoted(s, eq + 1);
        } else if (strncmp(line, "seed ", 5) == 0) {
            snprintf(seed, sizeof seed, "%.*s", (int)sizeof seed - 1, line + 5);
        } else {
            add(s, "%s%s", n++ ? ", " : "", line);
        }
    }
    if (fix) add(s, " }\n");
    else if (seed[0]) add(s, "], seed: %s }\n", seed);
    else add(s, "] }\n");
}

static void ask_question(struct session *s, const struct question *q, int index) {
    printf("\nquestion %d of %d (%s): %s\n", index + 1, s->e->questions_count, question_kind_name(q->kind), q->prompt);
    if (q->kind == Q_FIX) {
        printf("you may change:");
        for (int i = 0; i < q->allowed_count; i++) printf(" %s", q->allowed[i]);
        printf("\n");
    }
    if (q->kind == Q_BREAK) printf("budget: %d fault(s); the design is %s\n", q->budget_faults, q->design);
    if (q->kind == Q_PREDICT) printf("answer holds or fails\n");
    add(s, "  %s: ", q->id);
    char line[2048];
    if (q->kind == Q_FAILURE_MODE) {
        ask_failure_mode(s, q);
    } else if (q->kind == Q_FIX || q->kind == Q_BREAK) {
        ask_lines(s, q);
    } else if (ask(s, "answer", line, sizeof line) == 0 && line[0]) {
        add_quoted(s, line);
        add(s, "\n");
    } else {
        add(s, "~\n");
    }
}

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
    exercise_scenario_path(e, e->scenario, path, (int)sizeof path);
    struct diag d;
    diag_clear(&d);
    struct scenario *sc = scenario_load(path, NULL, 0, NULL, &d);
    struct sim *sim = sc ? sim_create(sc, e->seed_given ? e->seed : sc->seed, &d) : NULL;
    struct timeline *tl = malloc(sizeof *tl);
    if (!sim || !tl || timeline_init(tl, (const char (*)[32])sc->node_names, sc->nodes_count) < 0) {
        if (!sim) cli_print_diag(&d);
        free(tl);
        sim_destroy(sim);
        scenario_free(sc);
        return;
    }
    sim_add_sink(sim, timeline_sink, tl);
    sim_run(sim, sc->duration_ns, 0);
    sim_finish(sim);
    printf("\n--- the run: %s (seed %llu) ---\n", path, (unsigned long long)sim_seed(sim));
    run_report_text(stdout, sim, tl, 0.0);
    uint64_t seed = sim_seed(sim);
    timeline_deinit(tl);
    free(tl);
    sim_destroy(sim);
    scenario_free(sc);
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

int cmd_exercise(int argc, char **argv) {
    const char *id = NULL, *out = NULL, *png_dir = ".", *profile = NULL, *root = NULL;
    int png = 1, run = 1, window = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (cli_is_help(a)) {
            fputs(usage, stdout);
            return 0;
        } else if (strcmp(a, "--no-png") == 0) {
            png = 0;
        } else if (strcmp(a, "--no-run") == 0) {
            run = 0;
        } else if (strcmp(a, "--no-window") == 0) {
            window = 0;
        } else if (next && (strcmp(a, "--out") == 0 || strcmp(a, "--png-dir") == 0 || strcmp(a, "--profile") == 0 || strcmp(a, "--root") == 0)) {
            if (strcmp(a, "--out") == 0) out = next;
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
    struct catalog *c = excli_catalog(root);
    if (!c) return EXIT_BAD_INPUT;
    const struct exercise *e = excli_find(c, "exercise", id);
    struct session *s = e ? calloc(1, sizeof *s) : NULL;
    if (!s) {
        catalog_free(c);
        return EXIT_BAD_INPUT;
    }
    s->e = e;
    s->tty = isatty(0);
    printf("%s  [%s, difficulty %d]\n\n%s\n", e->title, e->track, e->difficulty, e->brief);
    for (int i = 0; i < e->read_first_count; i++) printf("%s%s\n", i ? "              " : "read first:   ", e->read_first[i]);
    if (run) show_run(e, png_dir, png, want_window(window));
    printf("\nType 'hint' at any prompt for a hint (%d available).\n", e->hints_count);
    add(s, "# answers written by `dslab exercise %s`\nexercise: %s\nanswers:\n", e->id, e->id);
    for (int i = 0; i < e->questions_count; i++) ask_question(s, &e->questions[i], i);
    char path[1100];
    if (out) snprintf(path, sizeof path, "%s", out);
    else snprintf(path, sizeof path, "%s.answers.yaml", e->id);
    struct outfile of;
    FILE *f = cli_atomic_open(&of, path);
    int code = EXIT_BAD_INPUT;
    if (!f || (fputs(s->text, f), cli_atomic_commit(&of)) != 0) {
        fprintf(stderr, "%s: error: cannot write the answers file\n", path);
    } else {
        printf("\nanswers written to %s; grading...\n\n", path);
        char root_copy[512], id_copy[128];
        snprintf(root_copy, sizeof root_copy, "%s", c->root);
        snprintf(id_copy, sizeof id_copy, "%s", e->id);
        char *args[] = {"grade", id_copy, path, "--profile", (char *)(profile ? profile : "default"), "--root", root_copy, NULL};
        catalog_free(c);
        c = NULL;
        code = cmd_grade(7, args);
    }
    free(s);
    catalog_free(c);
    return code;
}
