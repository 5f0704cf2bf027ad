/* cmd_exercises.c: `dslab exercises [--json]`: the curriculum by track,
 * with the learner's progress and a mastery map over the taxonomy (the
 * terms the learner has named right on the first or second attempt of a
 * question; those right only after more attempts are shown apart). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "exercise_cli.h"
#include "dslab/json_write.h"

static const char usage[] =
    "usage: dslab exercises [--json] [--profile NAME] [--root DIR]\n"
    "\n"
    "Lists the exercises by track with your progress, and a mastery map of\n"
    "the failure modes and trade-offs you have named correctly.\n"
    "--json prints a list of objects (id, title, track, difficulty, ...).\n";

/* --json: a list of objects, written with the one JSON writer. */
static void print_json(const struct catalog *c, const struct progress *p) {
    struct dslab_json_writer w;
    dslab_jw_init(&w, stdout);
    dslab_jw_array_begin(&w);
    for (int i = 0; i < c->count; i++) {
        const struct exercise *e = c->exercises[i];
        const struct progress_entry *pe = grader_progress_find(p, e->id);
        char scenario_path[1100];
        grader_exercise_scenario_path(e, e->scenario, scenario_path, (int)sizeof scenario_path);
        dslab_jw_object_begin(&w);
        dslab_jw_member_string(&w, "id", e->id);
        dslab_jw_member_string(&w, "title", e->title);
        dslab_jw_member_string(&w, "track", e->track);
        dslab_jw_member_int(&w, "difficulty", e->difficulty);
        dslab_jw_member_string(&w, "scenario", scenario_path);
        dslab_jw_key(&w, "kinds");
        dslab_jw_array_begin(&w);
        for (int q = 0; q < e->questions_count; q++) dslab_jw_string(&w, grader_question_kind_name(e->questions[q].kind));
        dslab_jw_array_end(&w);
        dslab_jw_member_int(&w, "attempts", pe ? pe->attempts : 0);
        dslab_jw_member_bool(&w, "passed", pe && pe->passed);
        dslab_jw_key(&w, "best");
        dslab_jw_thousandths(&w, pe ? pe->best_milli : 0);
        dslab_jw_object_end(&w);
    }
    dslab_jw_array_end(&w);
    dslab_jw_end_document(&w);
}

static void print_text(const struct catalog *c, const struct progress *p, const char *profile) {
    int passed = 0;
    for (int t = 0; t < grader_tracks_count; t++) {
        printf("%s\n", grader_tracks[t]);
        for (int i = 0; i < c->count; i++) {
            const struct exercise *e = c->exercises[i];
            if (strcmp(e->track, grader_tracks[t]) != 0) continue;
            const struct progress_entry *pe = grader_progress_find(p, e->id);
            const char *mark = pe && pe->passed ? "[x]" : pe ? "[~]" : "[ ]";
            passed += pe && pe->passed;
            char title[512];
            printf("  %s %-36s %s%*s", mark, e->id, dslab_quote_escape(e->title, DSLAB_QUOTE_PLAIN, 100, title, sizeof title), 1, "");
            for (int d = 0; d < e->difficulty; d++) printf("*");
            printf("\n");
        }
    }
    printf("\n%d of %d exercises passed (profile %s)\n", passed, c->count, profile ? profile : "default");
    for (int k = 0; k < TERM_KIND_COUNT; k++) {
        int total = 0, known = 0;
        char line[8192] = "";
        size_t used = 0;
        for (int i = 0; i < c->taxonomy->terms_count; i++) {
            const struct term *term = &c->taxonomy->terms[i];
            if (term->kind != (enum term_kind)k) continue;
            total++;
            const struct progress_mastery *m = grader_progress_find_mastery(p, term->id);
            known += m && m->mastered > 0;
            char item[160];
            if (m && m->mastered > 0 && m->best_after > 1) snprintf(item, sizeof item, "+%s (after %d attempts)", term->id, m->best_after);
            else if (m && m->mastered > 0) snprintf(item, sizeof item, "+%s", term->id);
            else if (m && m->right > 0) snprintf(item, sizeof item, "~%s (after %d attempts)", term->id, m->best_after);
            else snprintf(item, sizeof item, "%s", term->id);
            if (used < sizeof line) used += (size_t)snprintf(line + used, sizeof line - used, "%s%s", used ? ", " : "", item);
        }
        printf("mastery of %ss: %d of %d\n  %s\n", grader_term_kind_name((enum term_kind)k), known, total, line);
    }
    printf("(+ = named right on the first attempt of a question, or as said on the second; ~ = named right\n"
           " only after more attempts, not counted as mastered; `dslab explain TERM` defines each)\n");
}

int cmd_exercises(int argc, char **argv) {
    const char *profile = NULL, *root = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        cli_exit_if_help(argv[i], usage);
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if ((strcmp(argv[i], "--profile") == 0 || strcmp(argv[i], "--root") == 0) && i + 1 < argc) {
            if (argv[i][2] == 'p') profile = argv[++i];
            else root = argv[++i];
        } else {
            return cli_usage_error("exercises", "unknown argument '%s'", argv[i]);
        }
    }
    struct catalog *c = excli_catalog(root);
    if (!c) return EXIT_BAD_INPUT;
    struct progress *p = calloc(1, sizeof *p);
    char path[1024];
    struct dslab_diag d;
    dslab_diag_clear(&d);
    int code = 0;
    if (!p || excli_progress_path(profile, path, (int)sizeof path) < 0) {
        code = EXIT_BAD_INPUT;
    } else if (grader_progress_load(p, path, &d) < 0) {
        cli_print_diag(&d);
        code = EXIT_BAD_INPUT;
    } else if (json) {
        print_json(c, p);
    } else {
        print_text(c, p, profile);
    }
    if (p) grader_progress_free(p);
    free(p);
    grader_catalog_free(c);
    return code;
}
