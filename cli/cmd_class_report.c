/* cmd_class_report.c: `dslab class-report ANSWERS...`: a mentor's view of
 * a team's answers files, in Markdown (docs/EXERCISE_FORMAT.md, "Class
 * report"). Files of the same learner (`learner:`, else the file name)
 * and exercise are that learner's attempts, in the order given. Per
 * exercise: a learner-by-question matrix (score, attempts, misconception
 * hit, likely brute force), the score distribution of the last attempts,
 * per question the pass count (passes that matched a declared
 * misconception or degenerate fix counted apart), the misconceptions by
 * how many learners hit them, the fixes that matched one, likely brute
 * force, and the free text to review. Files that do not grade are listed
 * with their error, not fatal. Every name and answer is escaped: no
 * learner text can start a row or a line (text_escape.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "class_report_labs.h"
#include "exercise_cli.h"

#define NAME_CHARS_MAX 64     /* a learner's name is shown up to this many characters */
#define ANSWER_CHARS_MAX 120  /* an answer in a table */
#define BRUTE_FORCE_ATTEMPTS 3 /* closed-list answers tried before flagging */

static const char usage[] =
    "usage: dslab class-report ANSWERS.yaml... [--out FILE] [--root DIR]\n"
    "\n"
    "Grades every answers file and prints a Markdown report for a mentor.\n"
    "Several files of one learner for one exercise are that learner's\n"
    "attempts, in the order given (e.g. ada/1.yaml ada/2.yaml).\n"
    "A lab submission (a file with `lab: ID`, `learner: NAME`, `node: FILE`)\n"
    "is graded with the lab's battery and shown in a learner-by-test table.\n";

struct graded {
    const struct exercise *e;
    char learner[256];
    struct grade_result r;
};

/* One learner's attempts at one exercise. */
struct group {
    const struct exercise *e;
    const char *learner;
    int count;
    int *attempts;               /* indices into the graded files, in order */
};

/* Per group and question, over its attempts. */
struct cell {
    const struct question_grade *last; /* the last attempt's grade */
    int attempts;                /* distinct answers given */
    int right_at;                /* attempt first right, 0 = never */
    int changes;                 /* times the answer changed from one file to the next */
    const char *misconception;   /* a declared misconception hit, in any attempt */
    const char *misconception_answer;
    bool brute_force;
};

static void learner_name(const struct answers *a, const char *path, char *out, size_t size) {
    const struct dslab_ynode *l = a->doc.root ? dslab_ydoc_map_get(a->doc.root, "learner") : NULL;
    if (l && l->kind == DSLAB_YNODE_SCALAR && !dslab_ydoc_is_null(l)) {
        snprintf(out, size, "%s", l->text);
        return;
    }
    const char *slash = strrchr(path, '/');
    snprintf(out, size, "%s", slash ? slash + 1 : path);
}

static const char *md(const char *text, size_t max, char *buf, size_t size) {
    return dslab_quote_escape(text, DSLAB_QUOTE_MARKDOWN, max, buf, size);
}

static bool is_closed_list(enum question_kind k) {
    return k == Q_FAILURE_MODE || k == Q_TRADE_OFF || k == Q_ASSUMPTION || k == Q_PREDICT;
}

static struct cell cell_of(const struct group *gr, const struct graded *g, int q) {
    struct cell c = {0};
    const char *seen[64], *previous = NULL;
    int seen_count = 0;
    for (int a = 0; a < gr->count; a++) {
        const struct question_grade *qg = &g[gr->attempts[a]].r.q[q];
        c.last = qg;
        if (!qg->answered) continue;
        c.changes += previous && strcmp(previous, qg->answer) != 0;
        previous = qg->answer;
        if (qg->misconception && !c.misconception) c.misconception = qg->misconception, c.misconception_answer = qg->answer;
        bool repeat = false;
        for (int k = 0; k < seen_count && !repeat; k++) repeat = strcmp(seen[k], qg->answer) == 0;
        if (repeat) continue;
        if (seen_count < 64) seen[seen_count++] = qg->answer;
        c.attempts++;
        if (!c.right_at && grader_progress_question_right(gr->e, qg)) c.right_at = c.attempts;
    }
    enum question_kind kind = gr->e->questions[q].kind;
    int limit = kind == Q_PREDICT ? 2 : BRUTE_FORCE_ATTEMPTS;
    /* many different answers, or cycling back through the same ones */
    c.brute_force = is_closed_list(kind) && (c.attempts >= limit || c.changes >= BRUTE_FORCE_ATTEMPTS) && c.right_at != 1;
    return c;
}

static void print_points(FILE *o, int milli) {
    if (milli % 1000 == 0) fprintf(o, "%d", milli / 1000);
    else fprintf(o, "%.2f", milli / 1000.0);
}

static void matrix(FILE *o, const struct exercise *e, struct group *groups, int n_groups, const struct graded *g) {
    char buf[1024];
    fprintf(o, "\n| learner | attempts |");
    for (int q = 0; q < e->questions_count; q++) fprintf(o, " %s |", md(e->questions[q].id, 0, buf, sizeof buf));
    fprintf(o, " score | result |\n|---|---|");
    for (int q = 0; q < e->questions_count; q++) fprintf(o, "---|");
    fprintf(o, "---|---|\n");
    for (int i = 0; i < n_groups; i++) {
        const struct group *gr = &groups[i];
        if (gr->e != e) continue;
        const struct grade_result *last = &g[gr->attempts[gr->count - 1]].r;
        fprintf(o, "| %s | %d |", md(gr->learner, NAME_CHARS_MAX, buf, sizeof buf), gr->count);
        for (int q = 0; q < e->questions_count; q++) {
            struct cell c = cell_of(gr, g, q);
            if (!c.last->answered) {
                fprintf(o, " - (%d) |", c.attempts);
                continue;
            }
            fprintf(o, " %s ", c.last->needs_review ? "review" : c.last->pass ? "pass" : "fail");
            print_points(o, c.last->score_milli);
            fprintf(o, "/%d (%d)%s%s |", e->questions[q].points, c.attempts, c.misconception ? " M" : "",
                    c.brute_force ? " B" : "");
        }
        fprintf(o, " ");
        print_points(o, last->score_milli);
        fprintf(o, "/");
        print_points(o, last->max_milli);
        fprintf(o, " | %s |\n", last->pass ? "pass" : "fail");
    }
    fprintf(o, "\nA cell: the last attempt's verdict and score, (distinct answers given), M: a declared "
               "misconception or degenerate fix was answered, B: likely brute force (below).\n");
}

static void distribution(FILE *o, const struct exercise *e, const struct group *groups, int n_groups, const struct graded *g) {
    int buckets[5] = {0}, count = 0, passed = 0;
    for (int i = 0; i < n_groups; i++) {
        if (groups[i].e != e) continue;
        const struct grade_result *r = &g[groups[i].attempts[groups[i].count - 1]].r;
        int pct = r->max_milli ? (int)((int64_t)r->score_milli * 100 / r->max_milli) : 0;
        buckets[pct == 100 ? 4 : pct / 25]++;
        count++;
        passed += r->pass;
    }
    static const char *const labels[] = {"0-24%", "25-49%", "50-74%", "75-99%", "100%"};
    fprintf(o, "\n%d of %d learner%s passed (last attempts). Score distribution:\n\n```\n", passed, count, count == 1 ? "" : "s");
    for (int b = 0; b < 5; b++) {
        fprintf(o, "%-7s %3d ", labels[b], buckets[b]);
        for (int k = 0; k < buckets[b]; k++) fputc('#', o);
        fputc('\n', o);
    }
    fprintf(o, "```\n");
}

static void per_question(FILE *o, const struct exercise *e, const struct group *groups, int n_groups, const struct graded *g) {
    char b1[1024], b2[1024], b3[2048];
    fprintf(o, "\n| question | kind | passed | passed with a declared misconception or degenerate fix | most common wrong answer | times | its misconception |\n|---|---|---|---|---|---|---|\n");
    for (int q = 0; q < e->questions_count; q++) {
        int passed = 0, passed_mc = 0, total = 0, best = 0;
        const char *best_answer = NULL, *best_mc = NULL;
        for (int i = 0; i < n_groups; i++) {
            if (groups[i].e != e) continue;
            const struct question_grade *qg = &g[groups[i].attempts[groups[i].count - 1]].r.q[q];
            total++;
            if (qg->pass && qg->misconception) passed_mc++;
            else passed += qg->pass;
            /* a wrong answer: not a right term whose evidence was missing */
            if (qg->pass || !qg->answered || e->questions[q].kind == Q_EXPLAIN || grader_progress_question_right(e, qg)) continue;
            int same = 0;
            for (int j = 0; j < n_groups; j++) {
                if (groups[j].e != e) continue;
                const struct question_grade *other = &g[groups[j].attempts[groups[j].count - 1]].r.q[q];
                if (!other->pass && other->answered && !grader_progress_question_right(e, other) && strcmp(other->answer, qg->answer) == 0) same++;
            }
            if (same > best) best = same, best_answer = qg->answer, best_mc = qg->misconception;
        }
        fprintf(o, "| %s | %s | %d/%d | %d | %s | %d | %s |\n", md(e->questions[q].id, 0, b1, sizeof b1),
                grader_question_kind_name(e->questions[q].kind), passed, total, passed_mc,
                best_answer ? md(best_answer, ANSWER_CHARS_MAX, b2, sizeof b2) : "-", best,
                best_mc ? md(best_mc, 0, b3, sizeof b3) : "-");
    }
}

/* The misconceptions (and degenerate fixes) by how many learners hit them. */
static void misconceptions(FILE *o, const struct exercise *e, const struct group *groups, int n_groups, const struct graded *g) {
    char b1[1024], b2[2048], b3[1024];
    int header = 0;
    for (int q = 0; q < e->questions_count; q++) {
        const char *done[64];
        int done_count = 0;
        for (int i = 0; i < n_groups; i++) {
            if (groups[i].e != e) continue;
            struct cell c = cell_of(&groups[i], g, q);
            const char *mc = c.misconception;
            bool seen = !mc;
            for (int k = 0; k < done_count && !seen; k++) seen = done[k] == mc;
            if (seen) continue;
            if (done_count < 64) done[done_count++] = mc;
            int learners = 0;
            char names[1024] = "";
            size_t used = 0;
            for (int j = 0; j < n_groups; j++) {
                if (groups[j].e != e || cell_of(&groups[j], g, q).misconception != mc) continue;
                learners++;
                if (used < sizeof names) {
                    used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", used ? ", " : "",
                                             md(groups[j].learner, NAME_CHARS_MAX, b3, sizeof b3));
                }
            }
            if (!header++) fprintf(o, "\n### Misconceptions, by how many learners hit them\n\n| question | answer | learners | who | feedback |\n|---|---|---|---|---|\n");
            fprintf(o, "| %s | %s | %d | %s | ", md(e->questions[q].id, 0, b1, sizeof b1),
                    md(c.misconception_answer, ANSWER_CHARS_MAX, b2, sizeof b2), learners, names);
            fprintf(o, "%s |\n", md(mc, 0, b2, sizeof b2));
        }
    }
    if (!header) fprintf(o, "\nNo declared misconception or degenerate fix was answered.\n");
}

static void fixes_and_brute_force(FILE *o, const struct exercise *e, const struct group *groups, int n_groups, const struct graded *g) {
    char b1[1024], b2[1024], b3[1024], b4[1024];
    int header = 0;
    for (int i = 0; i < n_groups; i++) {
        if (groups[i].e != e) continue;
        for (int q = 0; q < e->questions_count; q++) {
            if (e->questions[q].kind != Q_FIX && e->questions[q].kind != Q_OPERATE && e->questions[q].kind != Q_DECLARE) continue;
            for (int a = 0; a < groups[i].count; a++) {
                const struct question_grade *qg = &g[groups[i].attempts[a]].r.q[q];
                if (!qg->answered || !qg->misconception) continue;
                if (!header++) fprintf(o, "\n### Fix, operate and declare answers that matched a declared degenerate fix, tempting action or degenerate declaration\n\n");
                fprintf(o, "- **%s**, %s, attempt %d: `%s` %s: %s\n", md(groups[i].learner, NAME_CHARS_MAX, b1, sizeof b1),
                        md(e->questions[q].id, 0, b2, sizeof b2), a + 1,
                        dslab_quote_escape(qg->answer, DSLAB_QUOTE_PLAIN, ANSWER_CHARS_MAX, b3, sizeof b3),
                        qg->pass ? "PASSED (only as this declared fix)" : "failed", md(qg->misconception, 0, b4, sizeof b4));
            }
        }
    }
    header = 0;
    for (int i = 0; i < n_groups; i++) {
        if (groups[i].e != e) continue;
        for (int q = 0; q < e->questions_count; q++) {
            struct cell c = cell_of(&groups[i], g, q);
            if (!c.brute_force) continue;
            if (!header++) fprintf(o, "\n### Likely brute force\n\nClosed-list questions answered with %d or more different answers, or changed %d or more times (cycling), or a prediction flipped after a wrong one:\n\n", BRUTE_FORCE_ATTEMPTS, BRUTE_FORCE_ATTEMPTS);
            fprintf(o, "- **%s**, %s: %d answers, changed %d time%s (", md(groups[i].learner, NAME_CHARS_MAX, b1, sizeof b1),
                    md(e->questions[q].id, 0, b2, sizeof b2), c.attempts, c.changes, c.changes == 1 ? "" : "s");
            const char *seen[64];
            int seen_count = 0;
            for (int a = 0; a < groups[i].count; a++) {
                const struct question_grade *qg = &g[groups[i].attempts[a]].r.q[q];
                bool repeat = !qg->answered;
                for (int k = 0; k < seen_count && !repeat; k++) repeat = strcmp(seen[k], qg->answer) == 0;
                if (repeat || seen_count == 64) continue;
                fprintf(o, "%s%s", seen_count ? ", " : "", md(qg->answer, 40, b3, sizeof b3));
                seen[seen_count++] = qg->answer;
            }
            if (c.right_at) fprintf(o, "); right after %d attempts: not counted as mastered\n", c.right_at);
            else fprintf(o, "); never right\n");
        }
    }
}

static void free_text(FILE *o, const struct exercise *e, const struct group *groups, int n_groups, const struct graded *g) {
    char b1[1024], b2[1024], b3[GRADER_TEXT_MAX * 5];
    int header = 0;
    for (int i = 0; i < n_groups; i++) {
        if (groups[i].e != e) continue;
        const struct grade_result *r = &g[groups[i].attempts[groups[i].count - 1]].r;
        for (int q = 0; q < r->count; q++) {
            const struct question_grade *qg = &r->q[q];
            if (!qg->needs_review || !qg->answered) continue;
            if (!header++) fprintf(o, "\n### Free text to review\n\n");
            fprintf(o, "- **%s**, %s: \"%s\"  \n", md(groups[i].learner, NAME_CHARS_MAX, b1, sizeof b1),
                    md(qg->q->id, 0, b2, sizeof b2), md(qg->answer, 0, b3, sizeof b3));
            fprintf(o, "  %s\n", md(qg->feedback, 0, b3, sizeof b3));
        }
    }
}

static void per_exercise(FILE *o, const struct exercise *e, struct group *groups, int n_groups, const struct graded *g) {
    fprintf(o, "\n## %s: %s\n", e->id, e->title);
    matrix(o, e, groups, n_groups, g);
    distribution(o, e, groups, n_groups, g);
    per_question(o, e, groups, n_groups, g);
    misconceptions(o, e, groups, n_groups, g);
    fixes_and_brute_force(o, e, groups, n_groups, g);
    free_text(o, e, groups, n_groups, g);
}

static int grade_file(const struct catalog *c, const char *path, struct graded *g, FILE *errors) {
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct answers *probe = grader_answers_load(path, NULL, &d);
    const struct exercise *e = probe ? grader_catalog_find(c, probe->exercise_id) : NULL;
    if (probe && !e) {
        char id[256];
        dslab_quote_escape(probe->exercise_id, DSLAB_QUOTE_PLAIN, 60, id, sizeof id);
        dslab_diag_set(&d, path, 0, 0, "unknown exercise '%s'", id);
    }
    grader_answers_free(probe);
    struct answers *a = e ? grader_answers_load(path, e, &d) : NULL;
    int rc = -1;
    if (a && grader_grade_answers(c, e, a, &g->r, &d) == 0) {
        g->e = e;
        learner_name(a, path, g->learner, sizeof g->learner);
        rc = 0;
    }
    if (rc < 0) {
        char buf[DSLAB_DIAG_MESSAGE_MAX + DSLAB_DIAG_PATH_MAX + 64];
        dslab_diag_format(&d, buf, (int)sizeof buf);
        fprintf(errors, "- ");
        dslab_quote_put(errors, buf, DSLAB_QUOTE_MARKDOWN, 400);
        fprintf(errors, "\n");
    }
    grader_answers_free(a);
    return rc;
}

/* Groups the graded files by exercise and learner, attempts in order. */
static int group_files(struct graded *g, int n, struct group **out) {
    struct group *groups = calloc((size_t)n + 1, sizeof *groups);
    int count = 0;
    if (!groups) return -1;
    for (int i = 0; i < n; i++) {
        int k = 0;
        while (k < count && !(groups[k].e == g[i].e && strcmp(groups[k].learner, g[i].learner) == 0)) k++;
        if (k == count) {
            groups[k].e = g[i].e;
            groups[k].learner = g[i].learner;
            groups[k].attempts = calloc((size_t)n, sizeof *groups[k].attempts);
            if (!groups[k].attempts) break;
            count++;
        }
        groups[k].attempts[groups[k].count++] = i;
    }
    *out = groups;
    return count;
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
    struct dslab_outfile out;
    FILE *o = cli_atomic_open(&out, out_path ? out_path : "-");
    char *errors_text = NULL;
    size_t errors_len = 0;
    FILE *errors = open_memstream(&errors_text, &errors_len);
    if (!c || !g || !o || !errors) {
        if (!o) fprintf(stderr, "%s: error: cannot write the report\n", out_path);
        if (o) dslab_outfile_abort(&out);
        if (errors) fclose(errors);
        free(errors_text);
        free(g), free(paths), grader_catalog_free(c);
        return EXIT_BAD_INPUT;
    }
    int n = 0, n_labs = 0, lab_files = 0;
    struct class_lab *labs = calloc((size_t)files, sizeof *labs);
    for (int i = 0; i < files; i++) {
        if (labs && grader_lab_submission_detect(paths[i])) {
            lab_files++;
            n_labs += class_labs_grade(paths[i], excli_root(root), &labs[n_labs], errors) == 0;
        } else {
            n += grade_file(c, paths[i], &g[n], errors) == 0;
        }
    }
    fclose(errors);
    struct group *groups = NULL;
    int n_groups = group_files(g, n, &groups);
    fprintf(o, "# Class report\n\n%d answers file%s graded, %d could not be read.\n", n, n == 1 ? "" : "s",
            files - lab_files - n);
    if (lab_files) {
        fprintf(o, "%d lab submission%s graded, %d could not be.\n", n_labs, n_labs == 1 ? "" : "s",
                lab_files - n_labs);
    }
    for (int x = 0; x < c->count && n_groups > 0; x++) {
        int any = 0;
        for (int i = 0; i < n_groups; i++) any |= groups[i].e == c->exercises[x];
        if (any) per_exercise(o, c->exercises[x], groups, n_groups, g);
    }
    class_labs_print(o, labs, n_labs);
    if (errors_len) fprintf(o, "\n## Files that could not be graded\n\n%s", errors_text);
    for (int i = 0; i < n; i++) grader_grade_result_free(&g[i].r);
    for (int i = 0; i < n_groups; i++) free(groups[i].attempts);
    free(groups);
    free(labs);
    int code = (n > 0 || n_labs > 0) && n_groups >= 0 ? 0 : EXIT_BAD_INPUT;
    if (n == 0 && n_labs == 0) {
        fprintf(stderr, "dslab class-report: error: none of the %d answers file%s could be graded "
                "(the report says why)\n", files, files == 1 ? "" : "s");
    } else if (n_groups < 0) {
        fprintf(stderr, "dslab class-report: error: out of memory\n");
    }
    if (cli_atomic_commit(&out) != 0) code = EXIT_BAD_INPUT;
    free(errors_text);
    free(g);
    free(paths);
    grader_catalog_free(c);
    return code;
}
