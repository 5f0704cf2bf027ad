/* taxonomy.c: the vocabulary of exercises (exercises/taxonomy.yaml).
 *
 * Three lists: failure_modes, trade_offs, assumptions. Each entry has an
 * id, a name, synonyms learners may type, a definition, the idea of the
 * design brief it belongs to, and the scenarios that show it. Lookup folds
 * case, a final plural "s" and everything but letters and digits, so
 * "Split Brain", "split-brain" and "splitbrains" are the same answer; a
 * trade-off is also found by its two sides in either order with any
 * connector ("linearizability against latency" = "latency vs
 * linearizability"); words around a term ("the CAP trade-off") and
 * remarks ("split brain (two primaries)") are allowed as long as only one
 * term is named; a typo gets the nearest term as "did you mean".
 * Every form names one term only (checked at load). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/suggest.h"
#include "grader.h"
#include "load_start.h"
#include "dslab/yaml_tree.h"

static const char *const list_keys[TERM_KIND_COUNT] = {"failure_modes", "trade_offs", "assumptions"};
static const char *const ideas[] = {"implicit-explicit", "unimagined-failure", "humans"};

const char *grader_term_kind_name(enum term_kind k) {
    static const char *const names[] = {"failure mode", "trade-off", "assumption"};
    return k < TERM_KIND_COUNT ? names[k] : "term";
}

const char *grader_article(const char *noun) {
    return noun[0] && strchr("aeiou", noun[0]) ? "an" : "a";
}

static int load_term(struct taxonomy *t, const struct dslab_ynode *item, enum term_kind kind,
                     struct term *out, struct dslab_diag *d) {
    static const char *const keys[] = {"id", "name", "synonyms", "definition", "idea",
                                       "scenarios", "monitor"};
    const char *file = t->path;
    if (dslab_ytree_expect_mapping(d, file, item, "a term like { id: split-brain, name: ... }") < 0) return -1;
    if (dslab_ytree_check_keys(d, file, item, keys, kind == TERM_ASSUMPTION ? 7 : 6) < 0) return -1;
    out->kind = kind;
    out->pos.line = item->line;
    out->pos.col = item->col;
    if (dslab_ytree_require_text(d, file, item, "id", &out->id) < 0) return -1;
    if (dslab_ytree_require_text(d, file, item, "name", &out->name) < 0) return -1;
    if (dslab_ytree_require_text(d, file, item, "definition", &out->definition) < 0) return -1;
    if (dslab_ytree_require_text(d, file, item, "idea", &out->idea) < 0) return -1;
    if (dslab_ytree_optional_text(d, file, item, "monitor", &out->monitor) < 0) return -1;
    bool idea_ok = false;
    for (int i = 0; i < 3; i++) idea_ok |= strcmp(out->idea, ideas[i]) == 0;
    if (!idea_ok) {
        const char *near = dslab_suggest_nearest(out->idea, ideas, 3);
        return dslab_ytree_error(d, file, dslab_ydoc_map_get(item, "idea"),
                        "unknown idea '%s' (%s%s%sexpected implicit-explicit, unimagined-failure or humans)",
                        out->idea, near ? "did you mean '" : "", near ? near : "", near ? "'? " : "");
    }
    const struct dslab_ynode *syn = dslab_ydoc_map_get(item, "synonyms");
    if (syn && dslab_ytree_string_list(d, file, syn, "a list of synonyms", &out->synonyms, &out->synonyms_count) < 0) return -1;
    const struct dslab_ynode *sc = dslab_ydoc_map_get(item, "scenarios");
    if (sc && dslab_ytree_string_list(d, file, sc, "a list of scenario paths", &out->scenarios, &out->scenarios_count) < 0) return -1;
    return 0;
}

static bool term_matches(const struct term *e, const char *text, bool exact, bool sides);

/* Every id, name, monitor and synonym must name one term only, also by a
 * trade-off's two sides. */
static int check_unique(struct taxonomy *t, struct dslab_diag *d) {
    for (int i = 0; i < t->terms_count; i++) {
        const struct term *a = &t->terms[i];
        for (int s = -3; s < a->synonyms_count; s++) {
            const char *word = s == -3 ? a->id : s == -2 ? a->name : s == -1 ? a->monitor : a->synonyms[s];
            if (!word) continue;
            for (int j = 0; j < t->terms_count; j++) {
                const struct term *b = &t->terms[j];
                if (b == a || !term_matches(b, word, true, true)) continue;
                return dslab_diag_set(d, t->path, a->pos.line, a->pos.col,
                                "'%s' of term '%s' also names term '%s' (line %d)", word, a->id,
                                b->id, b->pos.line);
            }
        }
    }
    return 0;
}

static int load_lists(struct taxonomy *t, struct dslab_diag *d) {
    const struct dslab_ynode *root = t->doc.root;
    if (!root) return dslab_diag_set(d, t->path, 1, 1, "the taxonomy is empty");
    if (dslab_ytree_expect_mapping(d, t->path, root, "a mapping with failure_modes, trade_offs, assumptions") < 0) return -1;
    if (dslab_ytree_check_keys(d, t->path, root, list_keys, TERM_KIND_COUNT) < 0) return -1;
    int total = 0;
    for (int k = 0; k < TERM_KIND_COUNT; k++) {
        const struct dslab_ynode *list = dslab_ydoc_map_get(root, list_keys[k]);
        if (!list) return dslab_ytree_error(d, t->path, root, "missing key '%s'", list_keys[k]);
        if (dslab_ytree_expect_list(d, t->path, list, "a list of terms") < 0) return -1;
        total += list->count;
    }
    t->terms = calloc((size_t)total + 1, sizeof *t->terms);
    if (!t->terms) return dslab_diag_set(d, t->path, 0, 0, "out of memory");
    for (int k = 0; k < TERM_KIND_COUNT; k++) {
        const struct dslab_ynode *list = dslab_ydoc_map_get(root, list_keys[k]);
        for (const struct dslab_ynode *item = list->first; item; item = item->next) {
            if (load_term(t, item, (enum term_kind)k, &t->terms[t->terms_count], d) < 0) return -1;
            t->terms_count++;
        }
    }
    return check_unique(t, d);
}

struct taxonomy *grader_taxonomy_load(const char *path, struct dslab_diag *d) {
    struct taxonomy *t = gr_zalloc(sizeof *t, path, d);
    if (!t) return NULL;
    snprintf(t->path, sizeof t->path, "%s", path);
    if (dslab_ydoc_load_file(&t->doc, path, NULL, d) < 0) {
        free(t);
        return NULL;
    }
    if (load_lists(t, d) < 0) {
        grader_taxonomy_free(t);
        return NULL;
    }
    return t;
}

void grader_taxonomy_free(struct taxonomy *t) {
    if (!t) return;
    for (int i = 0; i < t->terms_count; i++) {
        free(t->terms[i].synonyms);
        free(t->terms[i].scenarios);
    }
    free(t->terms);
    dslab_ydoc_free(&t->doc);
    free(t);
}

/* Letters and digits only, lower case, and a plural "s" of the whole
 * phrase dropped when it is longer than 3 ("stale reads" = "stale read"). */
static void fold(const char *text, char *out, int size) {
    grader_key_normalize_term(text, out, size);
    size_t n = strlen(out);
    if (n > 3 && out[n - 1] == 's' && out[n - 2] != 's') out[n - 1] = 0;
}

static bool same(const char *a_folded, const char *b) {
    char nb[256];
    fold(b, nb, (int)sizeof nb);
    return nb[0] && strcmp(a_folded, nb) == 0;
}

/* A side in its plain form: the qualifier "under (a) partition" dropped
 * (it says when the trade is made, not what is traded), and the names of
 * the strongest consistency model read as "consistency", so "availability
 * over linearizability under a partition" is the CAP trade-off. */
static void side_canonical(char *side) {
    static const char *const qualifiers[] = {"underapartition", "underpartition", "duringapartition",
                                             "duringpartition", "inapartition", "whenpartitioned"};
    static const char *const consistency[] = {"linearizability", "linearisability", "linearizable",
                                              "linearisable", "strongconsistency"};
    size_t n = strlen(side);
    for (size_t i = 0; i < sizeof qualifiers / sizeof qualifiers[0]; i++) {
        size_t q = strlen(qualifiers[i]);
        if (n > q && strcmp(side + n - q, qualifiers[i]) == 0) side[n - q] = 0, n -= q;
    }
    for (size_t i = 0; i < sizeof consistency / sizeof consistency[0]; i++) {
        if (strcmp(side, consistency[i]) == 0) strcpy(side, "consistency");
    }
}

const char *const grader_taxonomy_connectors[] = {"vs", "v", "versus", "against", "over", "instead of", "rather than"};
const int grader_taxonomy_connectors_count = (int)(sizeof grader_taxonomy_connectors / sizeof grader_taxonomy_connectors[0]);

/* A trade-off said as two sides: "A vs B", "A versus B", "A against B",
 * "A over B", "A instead of B", "A rather than B" (and "A v B"). Splits
 * the folded sides into a and b; false when there is no connector. The
 * first connector counts: "consistency vs availability under partition"
 * has the sides "consistency" and "availability under partition". */
bool grader_taxonomy_two_sides(const char *text, char *a, char *b, int size) {
    char words[512];
    grader_key_normalize_words(text, false, words, (int)sizeof words);
    for (char *p = words; *p; p = strchr(p, ' ') ? strchr(p, ' ') + 1 : p + strlen(p)) {
        if (p == words) continue; /* a side is never empty */
        for (int c = 0; c < grader_taxonomy_connectors_count; c++) {
            size_t len = strlen(grader_taxonomy_connectors[c]);
            if (strncmp(p, grader_taxonomy_connectors[c], len) != 0 || p[len] != ' ') continue;
            p[-1] = 0;
            fold(words, a, size);
            fold(p + len + 1, b, size);
            side_canonical(a);
            side_canonical(b);
            p[-1] = ' ';
            if (a[0] && b[0]) return true;
        }
    }
    return false;
}

/* Whether a trade-off form matches the sides (a, b), in either order. */
static bool same_sides(const char *a, const char *b, const char *form) {
    char fa[256], gr_feedback[256];
    if (!grader_taxonomy_two_sides(form, fa, gr_feedback, (int)sizeof fa)) return false;
    return (strcmp(a, fa) == 0 && strcmp(b, gr_feedback) == 0) || (strcmp(a, gr_feedback) == 0 && strcmp(b, fa) == 0);
}

static const char *form_of(const struct term *e, int i) {
    if (i == 0) return e->id;
    if (i == 1) return e->name;
    if (i == 2) return e->monitor;
    return i - 3 < e->synonyms_count ? e->synonyms[i - 3] : NULL;
}

/* Whether `text` names term e: one of its forms folded, or for a
 * trade-off, one of its forms' two sides in either order. */
static bool term_matches(const struct term *e, const char *text, bool exact, bool sides) {
    char norm[256], a[256], b[256];
    fold(text, norm, (int)sizeof norm);
    if (!norm[0]) return false;
    for (int f = 0; exact && f < 3 + e->synonyms_count; f++) {
        const char *form = form_of(e, f);
        if (form && same(norm, form)) return true;
    }
    if (!sides || e->kind != TERM_TRADE_OFF || !grader_taxonomy_two_sides(text, a, b, (int)sizeof a)) return false;
    for (int f = 0; f < 3 + e->synonyms_count; f++) {
        const char *form = form_of(e, f);
        if (form && same_sides(a, b, form)) return true;
    }
    return false;
}

static const struct term *find_whole(const struct taxonomy *t, const char *text, enum term_kind kind) {
    for (int pass = 0; pass < 2; pass++) { /* exact forms first, then a trade-off's sides */
        for (int i = 0; i < t->terms_count; i++) {
            const struct term *e = &t->terms[i];
            if (kind != TERM_KIND_COUNT && e->kind != kind) continue;
            if (term_matches(e, text, pass == 0, pass == 1)) return e;
        }
    }
    return NULL;
}

/* Words around a term that do not change it: "the split brain problem",
 * "a CAP trade-off". Writes the rest to out; false when there were none. */
static bool strip_filler(const char *text, char *out, int size) {
    static const char *const leading[] = {"the ", "a ", "an "};
    static const char *const trailing[] = {" trade off", " tradeoff", " problem", " issue", " failure mode", " scenario"};
    char words[512];
    grader_key_normalize_words(text, false, words, (int)sizeof words);
    char *start = words;
    bool changed = false;
    for (size_t i = 0; i < sizeof leading / sizeof leading[0]; i++) {
        size_t n = strlen(leading[i]);
        if (strncmp(start, leading[i], n) == 0 && start[n]) start += n, changed = true, i = (size_t)-1;
    }
    for (size_t i = 0; i < sizeof trailing / sizeof trailing[0]; i++) {
        size_t len = strlen(start), n = strlen(trailing[i]);
        if (len > n && strcmp(start + len - n, trailing[i]) == 0) start[len - n] = 0, changed = true;
    }
    snprintf(out, (size_t)size, "%s", start);
    return changed && out[0];
}

static const struct term *find_part(const struct taxonomy *t, const char *part) {
    char stripped[512];
    const struct term *e = find_whole(t, part, TERM_KIND_COUNT);
    if (!e && strip_filler(part, stripped, (int)sizeof stripped)) e = find_whole(t, stripped, TERM_KIND_COUNT);
    return e;
}

/* An answer with remarks: "split brain (two primaries)", "split brain:
 * n1 and n2 both led". Parts are split at , ; : ( ) [ ] / " - " and the
 * words "or", "and"; each is looked up (any kind). The answer is the one
 * term the parts name; naming several (hedging: "split brain or stale
 * read") names none. */
static const struct term *find_in_parts(const struct taxonomy *t, const char *text) {
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", text);
    for (char *c = buf; *c; c++) {
        if (strchr(",;:()[]/", *c)) *c = '|';
        if (c[0] == ' ' && c[1] == '-' && c[2] == ' ') c[1] = '|';
        if ((unsigned char)c[0] == 0xe2 && (unsigned char)c[1] == 0x80 && ((unsigned char)c[2] == 0x93 || (unsigned char)c[2] == 0x94)) {
            c[0] = '|', c[1] = ' ', c[2] = ' '; /* en and em dashes */
        }
    }
    /* the words "or" and "and" separate too */
    for (char *c = buf; *c; c++) {
        bool start = c == buf || c[-1] == ' ' || c[-1] == '|';
        size_t n = (c[0] | 0x20) == 'o' && (c[1] | 0x20) == 'r' ? 2
                   : (c[0] | 0x20) == 'a' && (c[1] | 0x20) == 'n' && (c[2] | 0x20) == 'd' ? 3 : 0;
        if (start && n && (c[n] == ' ' || c[n] == '|' || !c[n])) memset(c, '|', n);
    }
    const struct term *found = NULL;
    bool several = false, parts = false;
    char *save = NULL;
    for (char *part = strtok_r(buf, "|", &save); part; part = strtok_r(NULL, "|", &save)) {
        char norm[8];
        if (!grader_key_normalize_term(part, norm, (int)sizeof norm)[0]) continue;
        if (!parts && strlen(part) == strlen(text)) return NULL; /* nothing was split */
        parts = true;
        const struct term *e = find_part(t, part);
        if (e && found && e != found) several = true;
        if (e) found = e;
    }
    return several ? NULL : found;
}

/* The words before a causal clause ("lost updates due to clock skew",
 * "split brain because the old primary kept serving"): the answer is what
 * comes first, the clause is the learner's explanation of it. Copies the
 * head to out; false when there is no such clause or nothing before it. */
static bool cause_head(const char *text, char *out, int size) {
    static const char *const clauses[] = {" due to ", " because of ", " because ", " caused by ",
                                          " since ", " as a result of "};
    char words[512];
    grader_key_normalize_words(text, false, words, (int)sizeof words);
    char *cut = NULL;
    for (size_t i = 0; i < sizeof clauses / sizeof clauses[0]; i++) {
        char *hit = strstr(words, clauses[i]);
        if (hit && (!cut || hit < cut)) cut = hit;
    }
    if (!cut || cut == words) return false;
    *cut = 0;
    snprintf(out, (size_t)size, "%s", words);
    return true;
}

static const struct term *find_one(const struct taxonomy *t, const char *text, enum term_kind kind) {
    const struct term *e = find_whole(t, text, kind);
    if (e) return e;
    char stripped[512];
    if (strip_filler(text, stripped, (int)sizeof stripped) && (e = find_whole(t, stripped, kind)) != NULL) return e;
    e = find_in_parts(t, text);
    return e && (kind == TERM_KIND_COUNT || e->kind == kind) ? e : NULL;
}

const struct term *grader_taxonomy_find(const struct taxonomy *t, const char *text, enum term_kind kind) {
    const struct term *e = find_one(t, text, kind);
    char head[512];
    if (!e && cause_head(text, head, (int)sizeof head)) e = find_one(t, head, kind);
    return e;
}

const struct term *grader_taxonomy_suggest(const struct taxonomy *t, const char *text, enum term_kind kind) {
    char norm[256];
    grader_key_normalize_term(text, norm, (int)sizeof norm);
    if (!norm[0]) return NULL;
    const struct term *best = NULL;
    int best_distance = 1 << 30;
    for (int i = 0; i < t->terms_count; i++) {
        const struct term *e = &t->terms[i];
        if (kind != TERM_KIND_COUNT && e->kind != kind) continue;
        for (int s = -2; s < e->synonyms_count; s++) {
            char cand[256];
            grader_key_normalize_term(s == -2 ? e->id : s == -1 ? e->name : e->synonyms[s], cand, (int)sizeof cand);
            int dist = dslab_suggest_distance(norm, cand);
            if (dist < best_distance) {
                best_distance = dist;
                best = e;
            }
        }
    }
    int limit = (int)strlen(norm) / 3;
    return best && best_distance <= (limit > 1 ? limit : 1) ? best : NULL;
}
