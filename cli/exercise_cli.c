/* exercise_cli.c: shared helpers of the exercise commands (exercise_cli.h). */
#include "exercise_cli.h"
#include "dslab/json_write.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "data_root.h"

const char *excli_root(const char *flag) {
    return cli_data_root(flag).path; /* the lookup order: data_root.h */
}

struct catalog *excli_catalog(const char *root_flag) {
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct catalog *c = grader_catalog_load(excli_root(root_flag), &d);
    if (!c) cli_print_diag(&d);
    return c;
}

struct taxonomy *excli_taxonomy(const char *root) {
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/exercises/taxonomy.yaml", root);
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct taxonomy *tax = grader_taxonomy_load(path, &d);
    if (!tax) cli_print_diag(&d);
    return tax;
}

const struct exercise *excli_find(const struct catalog *c, const char *cmd, const char *id) {
    const struct exercise *e = grader_catalog_find(c, id);
    if (e) return e;
    const char *near = grader_catalog_suggest(c, id);
    if (near) cli_usage_error(cmd, "unknown exercise '%s' (did you mean '%s'?)", id, near);
    else cli_usage_error(cmd, "unknown exercise '%s' (`dslab exercises` lists them)", id);
    return NULL;
}

int excli_progress_path(const char *profile, char *out, int out_size) {
    struct dslab_diag d;
    dslab_diag_clear(&d);
    if (grader_progress_path(getenv("XDG_DATA_HOME"), getenv("HOME"), profile ? profile : "default", out, out_size, &d) < 0) {
        fprintf(stderr, "dslab: error: %s\n", d.message);
        return -1;
    }
    return 0;
}

void excli_record(const char *profile, const struct grade_result *r, FILE *notes) {
    char path[1024];
    if (excli_progress_path(profile, path, (int)sizeof path) < 0) return;
    struct progress *p = calloc(1, sizeof *p);
    struct dslab_diag d;
    dslab_diag_clear(&d);
    if (!p) return;
    if (grader_progress_update(p, path, r, &d) < 0) {
        char buf[DSLAB_DIAG_MESSAGE_MAX + DSLAB_DIAG_PATH_MAX + 64];
        dslab_diag_format(&d, buf, (int)sizeof buf);
        fprintf(stderr, "%s (progress not saved)\n", buf);
    } else if (notes) {
        for (int i = 0; i < p->credits_count; i++) {
            const struct progress_credit *c = &p->credits[i];
            if (c->mastered) {
                fprintf(notes, "mastery: +%s (%s right after %d attempt%s)\n", c->term, c->question, c->after,
                        c->after == 1 ? "" : "s");
            } else {
                fprintf(notes, "mastery: %s not credited: %s was right only after %d attempts (mastery counts "
                        "a term named right on the first or second attempt of a question)\n", c->term, c->question, c->after);
            }
        }
    }
    grader_progress_free(p);
    free(p);
}

static void print_points(FILE *out, int milli) {
    if (milli % 1000 == 0) fprintf(out, "%d", milli / 1000);
    else fprintf(out, "%.2f", milli / 1000.0);
}

void excli_print_grade(FILE *out, const struct grade_result *r) {
    fprintf(out, "exercise %s: %s\n\n", r->e->id, r->e->title);
    int review = 0;
    for (int i = 0; i < r->count; i++) {
        const struct question_grade *qg = &r->q[i];
        const char *verdict = !qg->answered ? "MISSING" : qg->needs_review ? "REVIEW" : qg->pass ? "PASS" : "FAIL";
        fprintf(out, "  %-8s %s (%s)  ", verdict, qg->q->id, grader_question_kind_name(qg->q->kind));
        print_points(out, qg->score_milli);
        fprintf(out, "/%d\n           ", qg->q->points);
        dslab_quote_put(out, qg->feedback, DSLAB_QUOTE_PLAIN, 0); /* quotes the learner's answer */
        fputc('\n', out);
        review += qg->needs_review && qg->answered;
    }
    fprintf(out, "\nscore ");
    print_points(out, r->score_milli);
    fprintf(out, "/");
    print_points(out, r->max_milli);
    fprintf(out, "   result: %s\n", r->pass ? "PASS" : "FAIL");
    if (review) fprintf(out, "%d free-text answer%s flagged for a mentor's review.\n", review, review == 1 ? "" : "s");
    if (r->pass) fprintf(out, "\ndebrief\n%s\n", r->e->debrief);
}

void excli_print_grade_json(FILE *out, const struct grade_result *r) {
    struct dslab_json_writer w; /* the one JSON writer (json_write.h) */
    dslab_jw_init(&w, out);
    dslab_jw_object_begin(&w);
    dslab_jw_member_string(&w, "exercise", r->e->id);
    dslab_jw_member_bool(&w, "pass", r->pass);
    dslab_jw_key(&w, "score");
    dslab_jw_thousandths(&w, r->score_milli);
    dslab_jw_key(&w, "max");
    dslab_jw_thousandths(&w, r->max_milli);
    dslab_jw_key(&w, "questions");
    dslab_jw_array_begin(&w);
    for (int i = 0; i < r->count; i++) {
        const struct question_grade *qg = &r->q[i];
        dslab_jw_object_begin(&w);
        dslab_jw_member_string(&w, "id", qg->q->id);
        dslab_jw_member_string(&w, "kind", grader_question_kind_name(qg->q->kind));
        dslab_jw_member_bool(&w, "answered", qg->answered);
        dslab_jw_member_bool(&w, "pass", qg->pass);
        dslab_jw_member_bool(&w, "needs_review", qg->needs_review);
        dslab_jw_key(&w, "score");
        dslab_jw_thousandths(&w, qg->score_milli);
        dslab_jw_member_int(&w, "max", qg->q->points);
        dslab_jw_member_string(&w, "answer", qg->answer);
        dslab_jw_member_bool(&w, "misconception", qg->misconception);
        dslab_jw_member_string(&w, "feedback", qg->feedback);
        dslab_jw_object_end(&w);
    }
    dslab_jw_array_end(&w);
    dslab_jw_object_end(&w);
    dslab_jw_end_document(&w);
}
