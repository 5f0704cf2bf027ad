/* cmd_reveal.c: `dslab reveal ID [--answers]`: for mentors. Prints the
 * answer key and the debrief, or (--answers) a model answers file that
 * grades as a full pass. For authors: --hash SALT TERM and --encode SALT
 * TEXT make the keys and encoded texts of exercise files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dslab/time.h"
#include "exercise_cli.h"
#include "grader_declare.h"

static const char usage[] =
    "usage: dslab reveal ID [--answers] [--root DIR]\n"
    "       dslab reveal --hash SALT TERM      (authors: a hashed key)\n"
    "       dslab reveal --encode SALT TEXT    (authors: an encoded text)\n"
    "\n"
    "Prints an exercise's answer key and debrief (spoilers: for mentors).\n"
    "--answers prints a model answers file instead; it grades as a full pass.\n"
    "The salt of an exercise is its id unless the file sets `salt:`.\n";

static void print_terms(const struct catalog *c, const struct exercise *e, const struct question *q) {
    printf("    accepted:  ");
    for (int k = 0; k < q->keys_count; k++) {
        const struct term *t = grader_grade_key_term(c->taxonomy, e->salt, q->keys[k]);
        printf("%s%s", k ? ", " : "", t ? t->name : "(no term)");
    }
    printf("\n");
    for (int m = 0; m < q->misconceptions_count; m++) {
        const struct term *t = grader_grade_key_term(c->taxonomy, e->salt, q->misconceptions[m].hash);
        printf("    misconception '%s': %s\n", t ? t->name : "?", q->misconceptions[m].feedback);
    }
    if (q->check && q->evidence) printf("    evidence:  the violations of %s (tolerance %lld ms)\n", q->check, (long long)(q->tolerance_ns / 1000000));
}

static void print_question(const struct catalog *c, const struct exercise *e, const struct question *q) {
    char plain[GRADER_TEXT_MAX];
    printf("  %s (%s, %d point%s)\n    %s\n", q->id, grader_question_kind_name(q->kind), q->points, q->points == 1 ? "" : "s", q->prompt);
    switch (q->kind) {
    case Q_FAILURE_MODE:
    case Q_TRADE_OFF:
    case Q_ASSUMPTION: print_terms(c, e, q); break;
    case Q_PREDICT:
        printf("    variant:  ");
        for (int i = 0; i < q->variant_count; i++) printf(" --set %s=%s", q->variant[i].path, q->variant[i].value);
        printf("\n    graded by running it: does %s hold?\n", q->check);
        break;
    case Q_OPERATE: {
        char t[40];
        dslab_time_format_s(q->alert_at_ns, t, sizeof t);
        printf("    alert:     at %s: %s\n", t, q->alert_text);
        if (!q->runbook) {
            printf("    budget:    %d action%s, none before the alert\n", q->budget_actions, q->budget_actions == 1 ? "" : "s");
        }
        printf("    graded over %d seed%s from %llu", q->seeds_count, q->seeds_count == 1 ? "" : "s",
               (unsigned long long)q->seeds_from);
        for (int i = 0; i < q->goals_count; i++) printf("%s%s", i ? ", " : "; goals: ", q->goals[i]);
        printf("\n");
        if (q->runbook) { /* a runbook-order question */
            const struct runbook *r = q->runbook;
            printf("    steps, from %s every %lld ms:\n", dslab_time_format_s(r->start_ns, t, sizeof t),
                   (long long)(r->every_ns / DSLAB_NS_PER_MS));
            for (int i = 0; i < r->steps_count; i++) printf("      %s: %s\n", r->steps[i].id, r->steps[i].text);
            printf("    solution: ");
            for (int i = 0; i < r->solution_count; i++) printf(" %s", r->steps[r->solution[i]].id);
            printf("\n");
            for (int i = 0; i < r->tempting_count; i++) {
                printf("    tempting order:");
                for (int k = 0; k < r->tempting[i].count; k++) printf(" %s", r->steps[r->tempting[i].order[k]].id);
                printf("\n      %s\n", r->tempting[i].feedback);
            }
        } else if (grader_key_decode(e->salt, q->solution, plain, (int)sizeof plain) == 0) {
            for (char *save = NULL, *l = strtok_r(plain, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                printf("    solution:  %s\n", l);
            }
        }
        for (int i = 0; i < q->tempting_count; i++) {
            printf("    tempting: ");
            for (int k = 0; k < q->tempting[i].count; k++) {
                char one[DSLAB_ACTION_TEXT_MAX + 40];
                dslab_action_format(&q->tempting[i].acts[k], one, (int)sizeof one);
                printf(" %s", one);
            }
            printf("\n      %s\n", q->tempting[i].feedback);
        }
        break;
    }
    case Q_DECLARE: {
        const struct declare_question *dq = q->declare;
        for (int i = 0; i < dq->needs_count; i++) {
            const struct declare_need *n = &dq->needs[i];
            char lo[40], hi[40];
            if (grader_declare_monitors[n->monitor].is_flag) {
                printf("    needs:     %s: true\n", grader_declare_monitors[n->monitor].name);
            } else {
                printf("    needs:     %s: %s..%s (no looser than %s)\n", grader_declare_monitors[n->monitor].name,
                       dslab_time_format_duration(n->min_ns, lo, sizeof lo), dslab_time_format_duration(n->max_ns, hi, sizeof hi), hi);
            }
            printf("      missing: %s\n", n->missing);
            if (n->loose) printf("      loose:   %s\n", n->loose);
        }
        printf("    at most %d declaration%s\n", dq->max_declared, dq->max_declared == 1 ? "" : "s");
        for (int i = 0; i < dq->degenerate_count; i++) {
            char line[400];
            grader_declare_format(&dq->degenerate[i].set, line, (int)sizeof line);
            printf("    degenerate: %s\n      %s\n", line, dq->degenerate[i].feedback);
        }
        break;
    }
    case Q_FIX:
    case Q_BREAK:
    case Q_EXPLAIN:
        if (grader_key_decode(e->salt, q->solution, plain, (int)sizeof plain) == 0) printf("    solution:  %s\n", plain);
        if (q->kind == Q_FIX) {
            printf("    allowed:  ");
            for (int i = 0; i < q->allowed_count; i++) printf(" %s", q->allowed[i]);
            printf("\n    graded over %d seeds from %llu", q->seeds_count, (unsigned long long)q->seeds_from);
            for (int i = 0; i < q->goals_count; i++) printf("%s%s", i ? ", " : "; goals: ", q->goals[i]);
            printf("\n");
        }
        if (q->kind == Q_BREAK) printf("    design: %s; budget %d faults; must make %s fail\n", q->design, q->budget_faults, q->check);
        for (int i = 0; i < q->rubric_count; i++) {
            if (grader_key_decode(e->salt, q->rubric[i], plain, (int)sizeof plain) == 0) printf("    rubric:    %s\n", plain);
        }
        break;
    default: break;
    }
}

static int author_tool(int argc, char **argv) {
    if (argc != 4) return cli_usage_error("reveal", "%s needs SALT and a text", argv[1]);
    if (strcmp(argv[1], "--hash") == 0) {
        char h[GRADER_HASH_LEN + 1];
        grader_key_hash(argv[2], argv[3], h);
        printf("%s\n", h);
        return 0;
    }
    char out[GRADER_TEXT_MAX * 2 + 8];
    if (strlen(argv[3]) >= GRADER_TEXT_MAX || grader_key_encode(argv[2], argv[3], out, (int)sizeof out) < 0) {
        return cli_usage_error("reveal", "the text is too long (limit %d bytes)", GRADER_TEXT_MAX - 1);
    }
    printf("%s\n", out);
    return 0;
}

int cmd_reveal(int argc, char **argv) {
    if (argc > 1 && (strcmp(argv[1], "--hash") == 0 || strcmp(argv[1], "--encode") == 0)) return author_tool(argc, argv);
    const char *id = NULL, *root = NULL;
    int answers = 0;
    for (int i = 1; i < argc; i++) {
        cli_exit_if_help(argv[i], usage);
        if (strcmp(argv[i], "--answers") == 0) {
            answers = 1;
        } else if (strcmp(argv[i], "--root") == 0 && i + 1 < argc) {
            root = argv[++i];
        } else if (cli_operand("reveal", argv[i], &id, "exercise", false) != 0) {
            return EXIT_BAD_INPUT;
        }
    }
    if (!id) return cli_usage_error("reveal", "missing exercise id");
    struct catalog *c = excli_catalog(root);
    if (!c) return EXIT_BAD_INPUT;
    const struct exercise *e = excli_find(c, "reveal", id);
    int code = e ? 0 : EXIT_BAD_INPUT;
    if (e && answers) {
        struct dslab_diag d;
        dslab_diag_clear(&d);
        char *text = grader_grade_model_answers(c, e, &d);
        if (text) fputs(text, stdout);
        else cli_print_diag(&d), code = EXIT_BAD_INPUT;
        free(text);
    } else if (e) {
        char scenario_path[1100];
        grader_exercise_scenario_path(e, e->scenario, scenario_path, (int)sizeof scenario_path);
        printf("exercise %s: %s  [%s, difficulty %d]\nscenario %s%s\n\nkey\n", e->id, e->title, e->track, e->difficulty, scenario_path,
               e->seed_given ? "" : " (its own seed)");
        for (int i = 0; i < e->questions_count; i++) print_question(c, e, &e->questions[i]);
        printf("\ndebrief\n%s\n", e->debrief);
    }
    grader_catalog_free(c);
    return code;
}
