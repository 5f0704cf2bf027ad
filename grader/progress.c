/* progress.c: what a learner's progress records and how one graded
 * attempt changes it (the file format and locking are progress_file.c).
 *
 * Per exercise: attempts, best score, passed. Per question: the distinct
 * answers given, in order (submitting the same answer again, e.g. while
 * working on another question, is not a new attempt at this one), and the
 * attempt that was first right. Per taxonomy term: the questions it was
 * named right in, and how many of those were right on the first or second
 * attempt: only those count as mastered, so trying every term of a closed
 * list in turn gets the question right but not the mastery. The caller
 * reads the environment and passes it in: this library never reads the
 * host's settings itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "progress_internal.h"

int grader_progress_path(const char *xdg_data_home, const char *home, const char *profile, char *out,
                  int out_size, struct dslab_diag *d) {
    if (!profile[0] || strlen(profile) > 63) return dslab_diag_set(d, "", 0, 0, "a profile name has 1 to 63 characters");
    for (const char *p = profile; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_')) {
            return dslab_diag_set(d, "", 0, 0, "a profile name has letters, digits, '-' and '_' only");
        }
    }
    if (xdg_data_home && xdg_data_home[0] == '/') {
        snprintf(out, (size_t)out_size, "%s/dslab/%s/progress.yaml", xdg_data_home, profile);
    } else if (home && home[0]) {
        snprintf(out, (size_t)out_size, "%s/.local/share/dslab/%s/progress.yaml", home, profile);
    } else {
        return dslab_diag_set(d, "", 0, 0, "neither XDG_DATA_HOME nor HOME is set: nowhere to keep progress");
    }
    return 0;
}

void grader_progress_free(struct progress *p) {
    for (int i = 0; i < p->questions_count; i++) {
        for (int k = 0; k < p->questions[i].answers_count; k++) free(p->questions[i].answers[k]);
    }
    free(p->entries);
    free(p->questions);
    free(p->mastery);
    p->entries = NULL;
    p->questions = NULL;
    p->mastery = NULL;
    p->count = p->questions_count = p->mastery_count = 0;
}

/* Grows `*array` (of `size`-byte items) to hold one more; the new item is
 * zeroed. Returns it, or NULL out of memory. */
static void *grow(void *array_ptr, int *count, size_t size) {
    void **array = array_ptr;
    char *grown = realloc(*array, size * (size_t)(*count + 1));
    if (!grown) return NULL;
    *array = grown;
    memset(grown + size * (size_t)*count, 0, size);
    return grown + size * (size_t)(*count)++;
}

struct progress_entry *gr_progress_add_entry(struct progress *p, const char *id) {
    struct progress_entry *e = grow(&p->entries, &p->count, sizeof *e);
    if (e) snprintf(e->id, sizeof e->id, "%.63s", id);
    return e;
}

struct progress_question *gr_progress_add_question(struct progress *p, const char *exercise, const char *question) {
    struct progress_question *q = grow(&p->questions, &p->questions_count, sizeof *q);
    if (q) {
        snprintf(q->exercise, sizeof q->exercise, "%.63s", exercise);
        snprintf(q->question, sizeof q->question, "%.63s", question);
    }
    return q;
}

struct progress_mastery *gr_progress_add_mastery(struct progress *p, const char *term) {
    struct progress_mastery *m = grow(&p->mastery, &p->mastery_count, sizeof *m);
    if (m) snprintf(m->term, sizeof m->term, "%.63s", term);
    return m;
}

/* Keeps `answer` as the newest of q's answers (dropping the oldest when
 * PROGRESS_ANSWERS_KEPT are kept); cut to PROGRESS_ANSWER_MAX bytes. */
int gr_progress_keep_answer(struct progress_question *q, const char *answer) {
    char cut[PROGRESS_ANSWER_MAX];
    size_t len = strlen(answer);
    if (len >= sizeof cut) {
        size_t keep = sizeof cut - 4;
        while (keep > 0 && ((unsigned char)answer[keep] & 0xc0) == 0x80) keep--; /* whole UTF-8 characters */
        snprintf(cut, sizeof cut, "%.*s...", (int)keep, answer);
        answer = cut;
    }
    char *copy = strdup(answer);
    if (!copy) return -1;
    if (q->answers_count == PROGRESS_ANSWERS_KEPT) {
        free(q->answers[0]);
        memmove(q->answers, q->answers + 1, sizeof q->answers[0] * (PROGRESS_ANSWERS_KEPT - 1));
        q->answers_count--;
    }
    q->answers[q->answers_count++] = copy;
    return 0;
}

/* Names are kept up to 63 bytes (longer ones cut when recorded), and
 * compared the same way. */
static bool same_name(const char *kept, const char *name) {
    return strncmp(kept, name, PROGRESS_NAME_MAX) == 0;
}

const struct progress_entry *grader_progress_find(const struct progress *p, const char *id) {
    for (int i = 0; i < p->count; i++) {
        if (same_name(p->entries[i].id, id)) return &p->entries[i];
    }
    return NULL;
}

const struct progress_question *grader_progress_find_question(const struct progress *p, const char *exercise,
                                                       const char *question) {
    for (int i = 0; i < p->questions_count; i++) {
        const struct progress_question *q = &p->questions[i];
        if (same_name(q->exercise, exercise) && same_name(q->question, question)) return q;
    }
    return NULL;
}

const struct progress_mastery *grader_progress_find_mastery(const struct progress *p, const char *term) {
    for (int i = 0; i < p->mastery_count; i++) {
        if (same_name(p->mastery[i].term, term)) return &p->mastery[i];
    }
    return NULL;
}

/* The taxonomy term a taxonomy question was answered right with, or NULL:
 * the grade keeps the resolved term's id as the answer, and it is right
 * when it hashes to one of the keys (an assumption must also pass: its
 * monitor fired). */
static const char *term_named_right(const struct exercise *e, const struct question_grade *qg) {
    const struct question *q = qg->q;
    if (q->kind != Q_FAILURE_MODE && q->kind != Q_TRADE_OFF && q->kind != Q_ASSUMPTION) return NULL;
    if (!qg->answered || !qg->answer[0] || (q->kind == Q_ASSUMPTION && !qg->pass)) return NULL;
    char h[GRADER_HASH_LEN + 1];
    grader_key_hash(e->salt, qg->answer, h);
    for (int i = 0; i < q->keys_count; i++) {
        if (strcmp(q->keys[i], h) == 0) return qg->answer;
    }
    return NULL;
}

/* Whether a question counts as right for its attempt count. */
bool grader_progress_question_right(const struct exercise *e, const struct question_grade *qg) {
    if (qg->q->kind == Q_FAILURE_MODE || qg->q->kind == Q_TRADE_OFF || qg->q->kind == Q_ASSUMPTION) {
        return term_named_right(e, qg) != NULL;
    }
    return qg->pass;
}

static int record_question(struct progress *p, const struct exercise *e, const struct question_grade *qg) {
    struct progress_question *q = (struct progress_question *)grader_progress_find_question(p, e->id, qg->q->id);
    if (!q && !(q = gr_progress_add_question(p, e->id, qg->q->id))) return -1;
    for (int i = 0; i < q->answers_count; i++) {
        if (strcmp(q->answers[i], qg->answer) == 0) return 0; /* the same answer again */
    }
    if (gr_progress_keep_answer(q, qg->answer) < 0) return -1;
    q->attempts++;
    if (q->right_at || !grader_progress_question_right(e, qg)) return 0;
    q->right_at = q->attempts;
    const char *term = term_named_right(e, qg);
    if (!term) return 0;
    struct progress_mastery *m = (struct progress_mastery *)grader_progress_find_mastery(p, term);
    if (!m && !(m = gr_progress_add_mastery(p, term))) return -1;
    bool mastered = q->right_at <= PROGRESS_MASTERY_ATTEMPTS;
    m->right++;
    m->mastered += mastered;
    if (m->best_after == 0 || q->right_at < m->best_after) m->best_after = q->right_at;
    if (p->credits_count < (int)(sizeof p->credits / sizeof p->credits[0])) {
        struct progress_credit *c = &p->credits[p->credits_count++];
        c->question = qg->q->id;
        snprintf(c->term, sizeof c->term, "%.63s", term);
        c->after = q->right_at;
        c->mastered = mastered;
    }
    return 0;
}

int grader_progress_record(struct progress *p, const struct grade_result *r) {
    p->credits_count = 0;
    struct progress_entry *e = (struct progress_entry *)grader_progress_find(p, r->e->id);
    if (!e && !(e = gr_progress_add_entry(p, r->e->id))) return -1;
    e->attempts++;
    if (r->score_milli > e->best_milli) e->best_milli = r->score_milli;
    e->max_milli = r->max_milli;
    e->passed |= r->pass;
    for (int i = 0; i < r->count; i++) {
        if (r->q[i].answered && record_question(p, r->e, &r->q[i]) < 0) return -1;
    }
    return 0;
}
