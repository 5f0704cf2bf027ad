/* cmd_explain.c: `dslab explain TERM`: a taxonomy entry (failure mode,
 * trade-off or assumption). Synonyms resolve; a typo gets "did you mean";
 * with no TERM, lists every term by kind. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "exercise_cli.h"

static const char usage[] =
    "usage: dslab explain [TERM] [--root DIR]\n"
    "\n"
    "Prints a term of the taxonomy (exercises/taxonomy.yaml): its definition,\n"
    "synonyms, the idea it belongs to and scenarios that show it. Synonyms and\n"
    "case are folded (\"two leaders\" finds split-brain). Without TERM, lists all.\n";

static void print_term(const struct term *t) {
    printf("%s (%s, id %s)\n\n", t->name, grader_term_kind_name(t->kind), t->id);
    printf("%s\n", t->definition);
    if (t->synonyms_count) {
        printf("\nalso called: ");
        for (int i = 0; i < t->synonyms_count; i++) printf("%s%s", i ? ", " : "", t->synonyms[i]);
        printf("\n");
    }
    if (t->monitor) printf("monitor:     assumptions: { %s: ... } in a scenario\n", t->monitor);
    printf("idea:        %s\n", t->idea);
    if (t->scenarios_count) {
        printf("see:         ");
        for (int i = 0; i < t->scenarios_count; i++) printf("%s%s", i ? "\n             " : "", t->scenarios[i]);
        printf("\n");
    }
}

static void list_terms(const struct taxonomy *tax) {
    for (int k = 0; k < TERM_KIND_COUNT; k++) {
        printf("%s%ss\n", k ? "\n" : "", grader_term_kind_name((enum term_kind)k));
        for (int i = 0; i < tax->terms_count; i++) {
            if (tax->terms[i].kind == (enum term_kind)k) printf("  %-34s %s\n", tax->terms[i].id, tax->terms[i].name);
        }
    }
}

int cmd_explain(int argc, char **argv) {
    const char *root = NULL;
    char term[512] = "";
    for (int i = 1; i < argc; i++) {
        cli_exit_if_help(argv[i], usage);
        if (strcmp(argv[i], "--root") == 0 && i + 1 < argc) {
            root = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error("explain", "unknown option '%s'", argv[i]);
        } else {
            size_t used = strlen(term);
            snprintf(term + used, sizeof term - used, "%s%s", used ? " " : "", argv[i]);
        }
    }
    struct taxonomy *tax = excli_taxonomy(excli_root(root));
    if (!tax) return EXIT_BAD_INPUT;
    int code = 0;
    if (!term[0]) {
        list_terms(tax);
    } else {
        const struct term *t = grader_taxonomy_find(tax, term, TERM_KIND_COUNT);
        if (t) {
            print_term(t);
        } else {
            const struct term *near = grader_taxonomy_suggest(tax, term, TERM_KIND_COUNT);
            if (near) fprintf(stderr, "dslab explain: error: no term '%s' (did you mean '%s'?)\n", term, near->name);
            else fprintf(stderr, "dslab explain: error: no term '%s' (`dslab explain` lists them all)\n", term);
            code = EXIT_BAD_INPUT;
        }
    }
    grader_taxonomy_free(tax);
    return code;
}
