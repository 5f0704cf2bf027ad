/* leaks.c: an exercise must not give its answers away.
 *
 * What a learner reads before answering (the title, read_first, the brief,
 * the hints and the questions' prompts) must not contain an accepted term
 * of the exercise's own questions: any key's id, name, synonym or monitor
 * name. "Read first: dslab explain split brain" next to "name the failure
 * mode" is the answer. Matching is as lenient as the grader's (case,
 * punctuation and spacing folded: "split-brain", "Split Brain" and
 * "splitbrain" are one phrase), on whole words, with a plural folded, so
 * rewording around the check is hard. Check names (`no-lost-acknowledged-
 * writes`) are not leaks: the run the learner watches prints them with
 * their verdicts, and the question is what failed, not which check.
 * grader_catalog_load runs it for every exercise, so a leaking exercise is an
 * error for its author. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grader.h"
#include "dslab/yaml_tree.h"

/* Letters and digits of one word (bytes >= 0x80 count as letters, so
 * UTF-8 words stay whole), lower case; returns its end in `text`. */
static const char *next_word(const char *text, char *word, size_t size, const char **start) {
    const unsigned char *p = (const unsigned char *)text;
    while (*p && !isalnum(*p) && *p < 0x80) p++;
    *start = (const char *)p;
    size_t n = 0;
    while (*p && (isalnum(*p) || *p >= 0x80)) {
        if (n + 1 < size) word[n++] = (char)tolower(*p);
        p++;
    }
    word[n] = 0;
    return (const char *)p;
}

static bool same_up_to_plural(const char *words, const char *phrase) {
    size_t a = strlen(words), b = strlen(phrase);
    if (a == b) return strcmp(words, phrase) == 0;
    if (a == b + 1) return strncmp(words, phrase, b) == 0 && words[b] == 's';
    if (a == b + 2) return strncmp(words, phrase, b) == 0 && strcmp(words + b, "es") == 0;
    if (a + 1 == b) return strncmp(words, phrase, a) == 0 && phrase[a] == 's';
    return false;
}

bool grader_leaks_text_has_phrase(const char *text, const char *phrase) {
    char target[256];
    grader_key_normalize_term(phrase, target, (int)sizeof target);
    size_t want = strlen(target);
    if (!want) return false;
    const char *start;
    char word[256];
    for (const char *p = next_word(text, word, sizeof word, &start); word[0]; p = next_word(p, word, sizeof word, &start)) {
        /* the words from here on, glued, until they are longer than the phrase */
        char glued[512];
        snprintf(glued, sizeof glued, "%s", word);
        const char *q = p;
        for (;;) {
            if (same_up_to_plural(glued, target)) return true;
            if (strlen(glued) > want + 2) break;
            const char *ws;
            char more[256];
            q = next_word(q, more, sizeof more, &ws);
            if (!more[0]) break;
            size_t used = strlen(glued);
            if (used + strlen(more) + 1 > sizeof glued) break;
            memcpy(glued + used, more, strlen(more) + 1);
        }
    }
    return false;
}

/* The accepted forms of a term: name, id, monitor, synonyms. */
static const char *term_form(const struct term *t, int i) {
    if (i == 0) return t->name;
    if (i == 1) return t->id;
    if (i == 2) return t->monitor;
    return i - 3 < t->synonyms_count ? t->synonyms[i - 3] : NULL;
}

/* The term among `keys` (hashed with `salt`) whose id, name or synonym
 * appears in `text`, else NULL. *phrase is set to the form found. */
static const struct term *find_in_text(const struct taxonomy *tax, const char *salt,
                                       const char (*keys)[GRADER_HASH_LEN + 1], int keys_count,
                                       const char *text, const char **phrase) {
    for (int k = 0; k < keys_count; k++) {
        const struct term *t = grader_grade_key_term(tax, salt, keys[k]);
        if (!t) continue;
        for (int i = 0; i < 3 + t->synonyms_count; i++) {
            const char *form = term_form(t, i);
            if (form && grader_leaks_text_has_phrase(text, form)) {
                *phrase = form;
                return t;
            }
            /* a trade-off's sides with any connector, in either order */
            char a[256], b[256], said[600];
            if (!form || t->kind != TERM_TRADE_OFF || !grader_taxonomy_two_sides(form, a, b, (int)sizeof a)) continue;
            for (int c = 0; c < 2 * grader_taxonomy_connectors_count; c++) {
                const char *conn = grader_taxonomy_connectors[c / 2];
                snprintf(said, sizeof said, "%s %s %s", c % 2 ? b : a, conn, c % 2 ? a : b);
                if (grader_leaks_text_has_phrase(text, said)) {
                    *phrase = form;
                    return t;
                }
            }
        }
    }
    return NULL;
}

static bool name_char(char c) {
    return isalnum((unsigned char)c) || c == '-' || c == '_';
}

/* Blanks out every check name in `text` (whole names only). */
static void blank_check_names(char *text) {
    for (int c = 0; c < dslab_checker_count(); c++) {
        const char *name = dslab_checker_at(c)->name;
        size_t len = strlen(name);
        for (char *p = strstr(text, name); p; p = strstr(p + 1, name)) {
            if ((p > text && name_char(p[-1])) || name_char(p[len])) continue;
            memset(p, ' ', len);
        }
    }
}

/* Checks one text the learner reads (field `what`, at node `at`). */
static int check_text(const struct exercise *e, const struct taxonomy *tax, const char *what,
                      const struct dslab_ynode *at, const char *original, struct dslab_diag *d) {
    char *text = strdup(original);
    if (!text) return dslab_ytree_error(d, e->path, at, "out of memory");
    blank_check_names(text);
    int rc = 0;
    for (int i = 0; i < e->questions_count; i++) {
        const struct question *q = &e->questions[i];
        if (q->kind != Q_FAILURE_MODE && q->kind != Q_TRADE_OFF && q->kind != Q_ASSUMPTION) continue;
        const char *phrase = NULL;
        const struct term *t = find_in_text(tax, e->salt, (const char (*)[GRADER_HASH_LEN + 1])q->keys,
                                                  q->keys_count, text, &phrase);
        if (!t) continue;
        rc = dslab_ytree_error(d, e->path, at, "%s gives away the answer to question '%s': it contains '%s' "
                      "(the %s '%s'); point at a broader topic or a section of the docs instead",
                      what, q->id, phrase, grader_term_kind_name(t->kind), t->id);
        break;
    }
    free(text);
    return rc;
}

/* The i-th item of the list (or scalar) at `key` of the exercise's top node. */
static const struct dslab_ynode *item_at(const struct exercise *e, const char *key, int i) {
    const struct dslab_ynode *n = e->doc.root ? dslab_ydoc_map_get(e->doc.root, key) : NULL;
    if (!n || n->kind != DSLAB_YNODE_SEQUENCE) return n;
    const struct dslab_ynode *it = n->first;
    while (it && i-- > 0) it = it->next;
    return it ? it : n;
}

int grader_exercise_check_leaks(const struct exercise *e, const struct taxonomy *tax, struct dslab_diag *d) {
    if (!tax) return 0;
    if (e->title && check_text(e, tax, "the title", item_at(e, "title", 0), e->title, d) < 0) return -1;
    for (int i = 0; i < e->read_first_count; i++) {
        if (check_text(e, tax, "read_first", item_at(e, "read_first", i), e->read_first[i], d) < 0) return -1;
    }
    if (e->brief && check_text(e, tax, "the brief", item_at(e, "brief", 0), e->brief, d) < 0) return -1;
    for (int i = 0; i < e->hints_count; i++) {
        if (check_text(e, tax, "a hint", item_at(e, "hints", i), e->hints[i], d) < 0) return -1;
    }
    const struct dslab_ynode *qs = e->doc.root ? dslab_ydoc_map_get(e->doc.root, "questions") : NULL;
    const struct dslab_ynode *qn = qs && qs->kind == DSLAB_YNODE_SEQUENCE ? qs->first : NULL;
    for (int i = 0; i < e->questions_count; i++, qn = qn ? qn->next : NULL) {
        const struct dslab_ynode *at = qn && qn->kind == DSLAB_YNODE_MAPPING ? dslab_ydoc_map_get(qn, "prompt") : NULL;
        char what[128];
        snprintf(what, sizeof what, "the prompt of question '%s'", e->questions[i].id);
        if (e->questions[i].prompt && check_text(e, tax, what, at, e->questions[i].prompt, d) < 0) return -1;
    }
    return 0;
}
