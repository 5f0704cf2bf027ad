/* cmd_class_report.c: `dslab class-report ANSWERS...`: a mentor's view of
 * a team's answer files, in Markdown: per exercise the score distribution,
 * per question the pass rate and the most common wrong answer with its
 * misconception, and the free-text answers to review. Files that do not
 * parse are listed with their error, not fatal. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "exercise_cli.h"

static const char usage[] =
    "usage: dslab class-report ANSWERS.yaml... [--out FILE] [--root DIR]\n"
    "\n"
    "Grades every answers file and prints a Markdown report for a mentor.\n";

struct graded {
    const struct exercise *e;
    char learner[128];
    struct grade_result r;
};

static void learner_name(const struct answers *a, const char *path, char *out, size_t size) {
    const struct ynode *l = a->doc.root ? ydoc_map_get(a->doc.root, "learner") : NULL;
    if (l && l->kind == YNODE_SCALAR && !ydoc_is_null(l)) {
        snprintf(out, size, "%s", l->text);
        return;
    }
    const char *slash = strrchr(path, '/');
    snprintf(out, size, "%s", slash ? slash + 1 : path);
}

static void per_question(FILE *o, const struct exercise *e, struct graded *g, int n) {
    fprintf(o, "\n| question | kind | passed | most common wrong answer | times | misconception |\n|---|---|---|---|---|---|\n");
    for (int q = 0; q < e->questions_count; q++) {
        int passed = 0, total = 0, best = 0;
        const char *best_answer = NULL, *best_mc = NULL;
        for (int i = 0; i < n; i++) {
            if (g[i].e != e) continue;
            const struct question_grade *qg = &g[i].r.q[q];
            total++;
            passed += qg->pass;
            if (qg->pass || !qg->answered || e->questions[q].kind == Q_EXPLAIN) continue;
            int same = 0;
            for (int j = 0; j < n; j++) {
                if (g[j].e == e && !g[j].r.q[q].pass && g[j].r.q[q].answered && strcmp(g[j].r.q[q].answer, qg->answer) == 0) same++;
            }
            if (same > best) best = same, best_answer = qg->answer, best_mc = qg->misconception;
        }
        fprintf(o, "| %s | %s | %d/%d | %s | %d | %s |\n", e->questions[q].id, question_kind_name(e->questions[q].kind), passed, total,
                best_answer ? best_answer : "-", best, best_mc ? best_mc : "-");
    }
}

static void per_exercise(FILE *o, const struct exercise *e, struct graded *g, int n) {
    int buckets[5] = {0}, count = 0, passed = 0;
    fprintf(o, "\n## %s: %s\n\n| learner | score | result |\n|---|---|---|\n", e->id, e->title);
    for (int i = 0; i < n; i++) {
        if (g[i].e != e) continue;
        const struct grade_result *r = &g[i].r;
        int pct = r->max_milli ? (int)((int64_t)r->score_milli * 100 / r->max_milli) : 0;
        buckets[pct == 100 ? 4 : pct / 25]++;
        count++;
        passed += r->pass;
        fprintf(o, "| %s | %.2f/%.0f | %s |\n", g[i].learner, r->score_milli / 1000.0, r->max_milli / 1000.0, r->pass ? "pass" : "fail");
    }
    static const char *const labels[] = {"0-24%", "25-49%", "50-74%", "75-99%", "100%"};
    fprintf(o, "\n%d of %d passed. Score distribution:\n\n```\n", passed, count);
    for (int b = 0; b < 5; b++) {
        fprintf(o, "%-7s %3d ", labels[b], buckets[b]);
        for (int k = 0; k < buckets[b]; k++) fputc('#', o);
        fputc('\n', o);
    }
    fprintf(o, "```\n");
    per_question(o, e, g, n);
    int header = 0;
    for (int i = 0; i < n; i++) {
        if (g[i].e != e) continue;
        for (int q = 0; q < g[i].r.count; q++) {
            const struct question_grade *qg = &g[i].r.q[q];
            if (!qg->needs_review || !qg->answered) continue;
            if (!header++) fprintf(o, "\n### Free text to review\n\n");
            fprintf(o, "- **%s**, %s: \"%s\"  \n  %s\n", g[i].learner, qg->q->id, qg->answer, qg->feedback);
        }
    }
}

static int grade_file(const struct catalog *c, const char *path, struct graded *g, FILE *errors) {
    struct diag d;
    diag_clear(&d);
    struct answers *probe = answers_load(path, NULL, &d);
    const struct exercise *e = probe ? catalog_find(c, probe->exercise_id) : NULL;
    if (probe && !e) snprintf(d.message, sizeof d.message, "unknown exercise '%s'", probe->exercise_id), snprintf(d.file, sizeof d.file, "%s", path), d.line = d.col = 0;
    answers_free(probe);
    struct answers *a = e ? answers_load(path, e, &d) : NULL;
    int rc = -1;
    if (a && grade_answers(c, e, a, &g->r, &d) == 0) {
        g->e = e;
        learner_name(a, path, g->learner, sizeof g->learner);
        rc = 0;
    }
    if (rc < 0) {
        char buf[DIAG_MESSAGE_MAX + DIAG_PATH_MAX + 64];
        diag_format(&d, buf, (int)sizeof buf);
        fprintf(errors, "- `%s`\n", buf);
    }
    answers_free(a);
    return rc;
}

int cmd_class_report(int argc, char **argv) {
    const char *root = NULL, *out_path = NULL;
    int files = 0;
    char **paths = calloc((size_t)argc, sizeof *paths);
    if (!paths) return EXIT_BAD_INPUT;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            fputs(usage, stdout);
            free(paths);
            return 0;
        } else if ((strcmp(argv[i], "--root") == 0 || strcmp(argv[i], "--out") == 0) && i + 1 < argc) {
            if (argv[i][2] == 'r') root = argv[++i];
            else out_path = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            free(paths);
            return cli_usage_error("class-report", "unknown option '%s'", argv[i]);
        } else {
            paths[files++] = argv[i];
        }
    }
    if (!files) {
        free(paths);
        return cli_usage_error("class-report", "give one or more answers files");
    }
    struct catalog *c = excli_catalog(root);
    struct graded *g = calloc((size_t)files, sizeof *g);
    /* --out is written to a temporary file and renamed: never half-written. */
    struct outfile out;
    FILE *o = cli_atomic_open(&out, out_path ? out_path : "-");
    char *errors_text = NULL;
    size_t errors_len = 0;
    FILE *errors = open_memstream(&errors_text, &errors_len);
    if (!c || !g || !o || !errors) {
        if (!o) fprintf(stderr, "%s: error: cannot write the report\n", out_path);
        if (o) outfile_abort(&out);
        if (errors) fclose(errors);
        free(errors_text);
        free(g), free(paths), catalog_free(c);
        return EXIT_BAD_INPUT;
    }
    int n = 0;
    for (int i = 0; i < files; i++) n += grade_file(c, paths[i], &g[n], errors) == 0;
    fclose(errors);
    fprintf(o, "# Class report\n\n%d answers file%s graded, %d could not be read.\n", n, n == 1 ? "" : "s", files - n);
    for (int x = 0; x < c->count; x++) {
        int any = 0;
        for (int i = 0; i < n; i++) any |= g[i].e == c->exercises[x];
        if (any) per_exercise(o, c->exercises[x], g, n);
    }
    if (errors_len) fprintf(o, "\n## Files that could not be graded\n\n%s", errors_text);
    for (int i = 0; i < n; i++) grade_result_free(&g[i].r);
    int code = n > 0 ? 0 : EXIT_BAD_INPUT;
    if (n == 0) {
        fprintf(stderr, "dslab class-report: error: none of the %d answers file%s could be graded "
                "(the report says why)\n", files, files == 1 ? "" : "s");
    }
    if (cli_atomic_commit(&out) != 0) code = EXIT_BAD_INPUT;
    free(errors_text);
    free(g);
    free(paths);
    catalog_free(c);
    return code;
}
