/* exercise_ask.c: asking an exercise's questions and building the
 * answers file (YAML) from what the learner types (exercise_cli.h).
 *
 * One answer line at a time, read whole (getline), at most
 * ASK_LINE_MAX bytes: a longer line is refused as a whole (never cut and
 * fed to the next question), as is a line that is not UTF-8. At a
 * terminal the learner is asked again; reading a file (--stdin) it is an
 * error that names the line. Everything the learner typed is written as
 * YAML double-quoted scalars with control characters escaped, so no input
 * can break the answers file's structure (a fault line of a break
 * question is the exception: it is YAML the learner writes on purpose). */
#define _POSIX_C_SOURCE 200809L /* getline, open_memstream */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/json_write.h"
#include "dslab/time.h"
#include "dslab/text.h"
#include "exercise_cli.h"

struct ask {
    const struct exercise *e;
    bool tty;
    int hint_next;
    long line_no;         /* lines read so far */
    char *line;           /* getline buffer, owned */
    size_t line_cap;
    FILE *out;            /* the answers text (open_memstream) */
    char *text;
    size_t text_len;
    char error[256];      /* set when reading must stop with an error */
};

static void add(struct ask *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct ask *s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vfprintf(s->out, fmt, ap);
    va_end(ap);
}

/* A YAML double-quoted scalar: the one JSON string escaper (a JSON
 * literal is valid YAML; dslab/json_write.h). */
static void add_quoted(struct ask *s, const char *text) {
    dslab_json_write_string(s->out, text);
}

/* Reads one answer line into s->line (hints handled); 0, or -1 at the end
 * of input or on an error (s->error set). */
static int ask(struct ask *s, const char *prompt) {
    for (;;) {
        printf("%s> ", prompt);
        fflush(stdout);
        ssize_t n = getline(&s->line, &s->line_cap, stdin);
        if (n < 0) {
            if (!s->tty) printf("\n");
            return -1;
        }
        s->line_no++;
        while (n > 0 && (s->line[n - 1] == '\n' || s->line[n - 1] == '\r')) s->line[--n] = 0;
        const char *problem = (size_t)n > ASK_LINE_MAX ? "is longer than the limit"
                              : strlen(s->line) != (size_t)n ? "contains a NUL byte"
                              : !dslab_text_utf8_valid(s->line, (size_t)n, NULL) ? "is not UTF-8 text" : NULL;
        if (problem) {
            if (!s->tty) {
                snprintf(s->error, sizeof s->error, "stdin line %ld %s (an answer line has at most %d bytes of UTF-8 text)",
                         s->line_no, problem, ASK_LINE_MAX);
                return -1;
            }
            printf("that answer %s (at most %d bytes of UTF-8 text); type it again\n", problem, ASK_LINE_MAX);
            continue;
        }
        if (!s->tty) printf("%s\n", s->line);
        if (strcmp(s->line, "hint") != 0) return 0;
        if (s->hint_next < s->e->hints_count) {
            printf("hint %d: %s\n", s->hint_next + 1, s->e->hints[s->hint_next]);
            s->hint_next++;
        } else {
            printf("no more hints\n");
        }
    }
}

static void ask_failure_mode(struct ask *s, const struct question *q) {
    if (ask(s, "failure mode") < 0 || !s->line[0]) {
        add(s, "~\n");
        return;
    }
    add(s, "{ mode: ");
    add_quoted(s, s->line);
    if (q->evidence && ask(s, "time window FROM TO (e.g. 1.2s 1.5s)") == 0) {
        for (char *p = s->line; *p; p++) {
            if (*p == ',' || (p[0] == '.' && p[1] == '.')) *p = ' ';
        }
        char *save = NULL;
        char *from = strtok_r(s->line, " \t", &save);
        char *to = from ? strtok_r(NULL, " \t", &save) : NULL;
        if (from && to) {
            add(s, ", from: ");
            add_quoted(s, from);
            add(s, ", to: ");
            add_quoted(s, to);
        }
    }
    if (q->evidence && ask(s, "nodes (e.g. n1 n2)") == 0 && s->line[0]) {
        add(s, ", nodes: [");
        int n = 0;
        char *save = NULL;
        for (char *t = strtok_r(s->line, " \t,[]", &save); t; t = strtok_r(NULL, " \t,[]", &save)) {
            if (n++) add(s, ", ");
            add_quoted(s, t);
        }
        add(s, "]");
    }
    add(s, " }\n");
}

static void ask_lines(struct ask *s, const struct question *q) {
    int n = 0;
    bool fix = q->kind == Q_FIX;
    char seed[64] = "";
    add(s, fix ? "{" : "{ faults: [");
    const char *prompt = fix ? "PATH=VALUE (empty line ends)" : "fault like { at: 1s, crash: n1 } or seed N (empty line ends)";
    while (ask(s, prompt) == 0 && s->line[0]) {
        if (fix) {
            char *eq = strchr(s->line, '=');
            if (!eq) {
                printf("write PATH=VALUE, e.g. %s=...\n", q->allowed[0]);
                continue;
            }
            *eq = 0;
            add(s, "%s ", n++ ? "," : "");
            add_quoted(s, s->line);
            add(s, ": ");
            add_quoted(s, eq + 1);
        } else if (strncmp(s->line, "seed ", 5) == 0) {
            snprintf(seed, sizeof seed, "%.*s", (int)sizeof seed - 1, s->line + 5);
        } else {
            add(s, "%s%s", n++ ? ", " : "", s->line);
        }
    }
    if (fix) {
        add(s, " }\n");
    } else if (seed[0]) {
        add(s, "], seed: ");
        add_quoted(s, seed);
        add(s, " }\n");
    } else {
        add(s, "] }\n");
    }
}

/* A declare answer: "NAME: BOUND" (or NAME=BOUND) lines until an empty one. */
static void ask_declare(struct ask *s) {
    int n = 0;
    add(s, "{");
    while (ask(s, "assumption like pause_below: 2s (empty line ends)") == 0 && s->line[0]) {
        char *sep = strpbrk(s->line, ":=");
        if (!sep) {
            printf("write NAME: BOUND, e.g. clock_skew_below: 100ms or majority_connected: true\n");
            continue;
        }
        char *value = sep + 1;
        while (*value == ' ') value++;
        while (sep > s->line && sep[-1] == ' ') sep--;
        *sep = 0;
        add(s, "%s ", n++ ? "," : "");
        add_quoted(s, s->line);
        add(s, ": ");
        add_quoted(s, value);
    }
    add(s, " }\n");
}

static void ask_question(struct ask *s, const struct question *q, int index) {
    printf("\nquestion %d of %d (%s): %s\n", index + 1, s->e->questions_count, grader_question_kind_name(q->kind), q->prompt);
    if (q->kind == Q_FIX) {
        printf("you may change:");
        for (int i = 0; i < q->allowed_count; i++) printf(" %s", q->allowed[i]);
        printf("\n");
    }
    if (q->kind == Q_BREAK) printf("budget: %d fault(s); the design is %s\n", q->budget_faults, q->design);
    if (q->kind == Q_PREDICT) printf("answer holds or fails\n");
    if (q->kind == Q_DECLARE) {
        printf("before you run it: the assumptions the design relies on, with their bounds, one a line as in a scenario's\n"
               "`assumptions:` (clock_skew_below, message_delay_below, pause_below: a duration; majority_connected: true)\n");
    }
    if (q->kind == Q_OPERATE && q->runbook) {
        char t[40];
        printf("the runbook's steps (step 1 of your order runs at %s, the next every %lld ms):\n",
               dslab_time_format_s(q->runbook->start_ns, t, sizeof t), (long long)(q->runbook->every_ns / DSLAB_NS_PER_MS));
        for (int i = 0; i < q->runbook->steps_count; i++) printf("  %s: %s\n", q->runbook->steps[i].id, q->runbook->steps[i].text);
    } else if (q->kind == Q_OPERATE) {
        char t[40];
        dslab_time_format_s(q->alert_at_ns, t, sizeof t);
        printf("the alert fires at %s: %s\nat most %d action(s), none before it, each TIME:VERB[:A[:B]] as in `dslab viz --act`\n",
               t, q->alert_text, q->budget_actions);
    }
    add(s, "  ");
    add_quoted(s, q->id);
    add(s, ": ");
    if (q->kind == Q_FAILURE_MODE) {
        ask_failure_mode(s, q);
    } else if (q->kind == Q_FIX || q->kind == Q_BREAK) {
        ask_lines(s, q);
    } else if (q->kind == Q_DECLARE) {
        ask_declare(s);
    } else if (q->kind == Q_OPERATE) {
        int n = 0;
        add(s, "[");
        while (ask(s, q->runbook ? "step id, in your order (empty line ends)" : "action like 3s:restart:n1 (empty line ends)") == 0 &&
               s->line[0]) {
            add(s, "%s", n++ ? ", " : "");
            add_quoted(s, s->line);
        }
        add(s, "]\n");
    } else if (ask(s, "answer") == 0 && s->line[0]) {
        add_quoted(s, s->line);
        add(s, "\n");
    } else {
        add(s, "~\n");
    }
}

char *excli_ask_answers(const struct exercise *e, const char *learner, bool tty, void (*before_run)(void *user),
                        void *user, char *error, size_t error_size) {
    struct ask s = {.e = e, .tty = tty};
    s.out = open_memstream(&s.text, &s.text_len);
    if (!s.out) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    printf("\nType 'hint' at any prompt for a hint (%d available).\n", e->hints_count);
    add(&s, "# answers written by `dslab exercise %s`\nexercise: %s\n", e->id, e->id);
    if (learner) {
        add(&s, "learner: ");
        add_quoted(&s, learner);
        add(&s, "\n");
    }
    add(&s, "answers:\n");
    /* Declarations are made before the run is seen (docs/EXERCISE_FORMAT.md). */
    for (int i = 0; i < e->questions_count && !s.error[0]; i++) {
        if (e->questions[i].kind == Q_DECLARE) ask_question(&s, &e->questions[i], i);
    }
    if (before_run && !s.error[0]) before_run(user);
    for (int i = 0; i < e->questions_count && !s.error[0]; i++) {
        if (e->questions[i].kind != Q_DECLARE) ask_question(&s, &e->questions[i], i);
    }
    free(s.line);
    bool failed = fclose(s.out) != 0 || s.error[0];
    if (failed) {
        snprintf(error, error_size, "%s", s.error[0] ? s.error : "out of memory");
        free(s.text);
        return NULL;
    }
    return s.text;
}
