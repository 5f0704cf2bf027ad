/* progress_file.c: the progress file (docs/EXERCISE_FORMAT.md, "Progress"):
 * $XDG_DATA_HOME/dslab/<profile>/progress.yaml (or ~/.local/share/...).
 *
 *   version: 2
 *   exercises:
 *     - { id: ID, attempts: N, best: MILLI, max: MILLI, passed: BOOL }
 *   questions:
 *     - { exercise: ID, question: QID, attempts: N, right_at: K, answers: ["...", ...] }
 *   mastery:
 *     - { term: TERM, right: N, mastered: N, after: K }
 *
 * A file without `version:` is version 1 (dslab before attempts were
 * counted): its mastery entries { term, count } load as right = mastered =
 * count with `after` unknown (0), and it has no questions; the next save
 * writes version 2. A newer version is an error (never silently dropped).
 *
 * Two graders may finish at once (a class running `dslab grade` in a
 * loop, two terminals): the read-modify-write is done under an exclusive
 * flock on PATH.lock, a file kept beside it (never removed: removing it
 * would let two writers lock different files). The write itself is
 * atomic: PATH.tmp, fsync, rename; under the lock the temporary name can
 * be fixed, so one left by a killed writer is simply overwritten. */
#define _DEFAULT_SOURCE /* flock, nanosleep, O_NOFOLLOW */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dslab/json_write.h"
#include "progress_internal.h"
#include "dslab/units.h"
#include "dslab/yaml_tree.h"

#define COUNT_MAX 1000000000

/* A name field (id, question, term) of at most PROGRESS_NAME_MAX bytes. */
static int require_name(struct dslab_diag *d, const char *file, const struct dslab_ynode *map, const char *key, const char **out) {
    if (dslab_ytree_require_text(d, file, map, key, out) < 0) return -1;
    if (strlen(*out) > PROGRESS_NAME_MAX) {
        return dslab_ytree_error(d, file, dslab_ydoc_map_get(map, key), "'%s' is longer than %d bytes", key, PROGRESS_NAME_MAX);
    }
    return 0;
}

static int load_entry(struct progress *p, const struct dslab_ynode *item, struct dslab_diag *d) {
    static const char *const keys[] = {"id", "attempts", "best", "max", "passed"};
    if (dslab_ytree_expect_mapping(d, p->path, item, "{ id: ..., attempts: N, best: N, max: N, passed: BOOL }") < 0) return -1;
    if (dslab_ytree_check_keys(d, p->path, item, keys, 5) < 0) return -1;
    const char *id, *passed = "false";
    int64_t attempts = 0, best = 0, max = 0;
    if (require_name(d, p->path, item, "id", &id) < 0) return -1;
    if (dslab_ytree_optional_int(d, p->path, item, "attempts", 0, COUNT_MAX, &attempts) < 0) return -1;
    if (dslab_ytree_optional_int(d, p->path, item, "best", 0, COUNT_MAX, &best) < 0) return -1;
    if (dslab_ytree_optional_int(d, p->path, item, "max", 0, COUNT_MAX, &max) < 0) return -1;
    if (dslab_ytree_optional_text(d, p->path, item, "passed", &passed) < 0) return -1;
    bool pass;
    char err[DSLAB_UNITS_ERR_MAX];
    if (dslab_units_parse_bool(passed, &pass, err, (int)sizeof err) < 0) return dslab_ytree_error(d, p->path, item, "%s", err);
    if (grader_progress_find(p, id)) return dslab_ytree_error(d, p->path, item, "exercise '%s' is listed twice", id);
    struct progress_entry *e = gr_progress_add_entry(p, id);
    if (!e) return dslab_ytree_error(d, p->path, item, "out of memory");
    e->attempts = (int)attempts;
    e->best_milli = (int)best;
    e->max_milli = (int)max;
    e->passed = pass;
    return 0;
}

static int load_question(struct progress *p, const struct dslab_ynode *item, struct dslab_diag *d) {
    static const char *const keys[] = {"exercise", "question", "attempts", "right_at", "answers"};
    if (dslab_ytree_expect_mapping(d, p->path, item, "{ exercise: ID, question: QID, attempts: N, right_at: K, answers: [...] }") < 0) return -1;
    if (dslab_ytree_check_keys(d, p->path, item, keys, 5) < 0) return -1;
    const char *ex, *qid;
    int64_t attempts = 0, right_at = 0;
    if (require_name(d, p->path, item, "exercise", &ex) < 0) return -1;
    if (require_name(d, p->path, item, "question", &qid) < 0) return -1;
    if (dslab_ytree_optional_int(d, p->path, item, "attempts", 0, COUNT_MAX, &attempts) < 0) return -1;
    if (dslab_ytree_optional_int(d, p->path, item, "right_at", 0, attempts, &right_at) < 0) return -1;
    if (grader_progress_find_question(p, ex, qid)) return dslab_ytree_error(d, p->path, item, "question '%s' of '%s' is listed twice", qid, ex);
    struct progress_question *q = gr_progress_add_question(p, ex, qid);
    if (!q) return dslab_ytree_error(d, p->path, item, "out of memory");
    q->attempts = (int)attempts;
    q->right_at = (int)right_at;
    const struct dslab_ynode *list = dslab_ydoc_map_get(item, "answers");
    if (!list || dslab_ydoc_is_null(list)) return 0;
    if (dslab_ytree_expect_list(d, p->path, list, "a list of answers") < 0) return -1;
    for (const struct dslab_ynode *a = list->first; a; a = a->next) {
        if (dslab_ytree_expect_scalar(d, p->path, a, "an answer as text") < 0) return -1;
        if (gr_progress_keep_answer(q, a->text) < 0) return dslab_ytree_error(d, p->path, a, "out of memory");
    }
    return 0;
}

static int load_mastery(struct progress *p, const struct dslab_ynode *item, int version, struct dslab_diag *d) {
    static const char *const v1[] = {"term", "count"};
    static const char *const v2[] = {"term", "right", "mastered", "after"};
    if (dslab_ytree_expect_mapping(d, p->path, item, version == 1 ? "{ term: ..., count: N }" : "{ term: ..., right: N, mastered: N, after: K }") < 0) return -1;
    if (dslab_ytree_check_keys(d, p->path, item, version == 1 ? v1 : v2, version == 1 ? 2 : 4) < 0) return -1;
    const char *term;
    int64_t right = 0, mastered = 0, after = 0;
    if (require_name(d, p->path, item, "term", &term) < 0) return -1;
    if (version == 1) {
        if (dslab_ytree_optional_int(d, p->path, item, "count", 0, COUNT_MAX, &right) < 0) return -1;
        mastered = right; /* credited before attempts were counted: kept, `after` unknown */
    } else {
        if (dslab_ytree_optional_int(d, p->path, item, "right", 0, COUNT_MAX, &right) < 0) return -1;
        if (dslab_ytree_optional_int(d, p->path, item, "mastered", 0, right, &mastered) < 0) return -1;
        if (dslab_ytree_optional_int(d, p->path, item, "after", 0, COUNT_MAX, &after) < 0) return -1;
    }
    if (grader_progress_find_mastery(p, term)) return dslab_ytree_error(d, p->path, item, "term '%s' is listed twice", term);
    struct progress_mastery *m = gr_progress_add_mastery(p, term);
    if (!m) return dslab_ytree_error(d, p->path, item, "out of memory");
    m->right = (int)right;
    m->mastered = (int)mastered;
    m->best_after = (int)after;
    return 0;
}

/* Calls `each` on every item of the list `key` of `top` (absent or ~ = none). */
static int load_list(struct progress *p, const struct dslab_ynode *top, const char *key, int version,
                     int (*each)(struct progress *, const struct dslab_ynode *, int, struct dslab_diag *), struct dslab_diag *d) {
    const struct dslab_ynode *list = dslab_ydoc_map_get(top, key);
    if (!list || dslab_ydoc_is_null(list)) return 0;
    if (dslab_ytree_expect_list(d, p->path, list, "a list") < 0) return -1;
    for (const struct dslab_ynode *i = list->first; i; i = i->next) {
        if (each(p, i, version, d) < 0) return -1;
    }
    return 0;
}

static int each_entry(struct progress *p, const struct dslab_ynode *i, int v, struct dslab_diag *d) {
    (void)v;
    return load_entry(p, i, d);
}
static int each_question(struct progress *p, const struct dslab_ynode *i, int v, struct dslab_diag *d) {
    (void)v;
    return load_question(p, i, d);
}

static int load_doc(struct progress *p, const struct dslab_ynode *top, struct dslab_diag *d) {
    static const char *const keys[] = {"version", "exercises", "questions", "mastery"};
    if (!top) return 0;
    if (dslab_ytree_expect_mapping(d, p->path, top, "a mapping with version, exercises, questions and mastery") < 0) return -1;
    if (dslab_ytree_check_keys(d, p->path, top, keys, 4) < 0) return -1;
    int64_t version = 1;
    const struct dslab_ynode *v = dslab_ydoc_map_get(top, "version");
    if (v && dslab_ytree_optional_int(d, p->path, top, "version", 1, 1000, &version) < 0) return -1;
    if (version > PROGRESS_VERSION) {
        return dslab_ytree_error(d, p->path, v, "progress file version %lld was written by a newer dslab (this one reads 1..%d)",
                        (long long)version, PROGRESS_VERSION);
    }
    if (version == 1 && dslab_ydoc_map_get(top, "questions")) {
        return dslab_ytree_error(d, p->path, dslab_ydoc_map_get(top, "questions"), "'questions' needs 'version: 2'");
    }
    if (load_list(p, top, "exercises", (int)version, each_entry, d) < 0) return -1;
    if (load_list(p, top, "questions", (int)version, each_question, d) < 0) return -1;
    return load_list(p, top, "mastery", (int)version, load_mastery, d);
}

int grader_progress_load(struct progress *p, const char *path, struct dslab_diag *d) {
    memset(p, 0, sizeof *p);
    snprintf(p->path, sizeof p->path, "%s", path);
    if (access(path, F_OK) != 0) return 0;
    struct dslab_ydoc doc;
    if (dslab_ydoc_load_file(&doc, path, NULL, d) < 0) return -1;
    int rc = load_doc(p, doc.root, d);
    dslab_ydoc_free(&doc);
    return rc;
}

/* A YAML double-quoted scalar: the one JSON string escaper (a JSON
 * literal is valid YAML; dslab/json_write.h). */
static void put_quoted(FILE *f, const char *text) {
    dslab_json_write_string(f, text);
}

static void write_doc(FILE *f, const struct progress *p) {
    fprintf(f, "# dslab progress, written by `dslab grade` and `dslab exercise` (docs/EXERCISE_FORMAT.md).\n");
    fprintf(f, "version: %d\nexercises:\n", PROGRESS_VERSION);
    for (int i = 0; i < p->count; i++) {
        const struct progress_entry *e = &p->entries[i];
        fprintf(f, "  - { id: ");
        put_quoted(f, e->id);
        fprintf(f, ", attempts: %d, best: %d, max: %d, passed: %s }\n", e->attempts, e->best_milli, e->max_milli,
                e->passed ? "true" : "false");
    }
    fprintf(f, "questions:\n");
    for (int i = 0; i < p->questions_count; i++) {
        const struct progress_question *q = &p->questions[i];
        fprintf(f, "  - { exercise: ");
        put_quoted(f, q->exercise);
        fprintf(f, ", question: ");
        put_quoted(f, q->question);
        fprintf(f, ", attempts: %d, right_at: %d, answers: [", q->attempts, q->right_at);
        for (int k = 0; k < q->answers_count; k++) {
            if (k) fprintf(f, ", ");
            put_quoted(f, q->answers[k]);
        }
        fprintf(f, "] }\n");
    }
    fprintf(f, "mastery:\n");
    for (int i = 0; i < p->mastery_count; i++) {
        const struct progress_mastery *m = &p->mastery[i];
        fprintf(f, "  - { term: ");
        put_quoted(f, m->term);
        fprintf(f, ", right: %d, mastered: %d, after: %d }\n", m->right, m->mastered, m->best_after);
    }
}

/* mkdir -p of the directory part of `path`. */
static int make_parents(const char *path) {
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) return 0;
    *slash = 0;
    for (char *c = dir + 1; *c; c++) {
        if (*c != '/') continue;
        *c = 0;
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) return -1;
        *c = '/';
    }
    return mkdir(dir, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

int grader_progress_save(const struct progress *p, struct dslab_diag *d) {
    if (make_parents(p->path) < 0) return dslab_diag_set(d, p->path, 0, 0, "cannot create the directory: %s", strerror(errno));
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.tmp", p->path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        int saved = errno;
        if (fd >= 0) close(fd);
        return dslab_diag_set(d, tmp, 0, 0, "cannot write: %s", strerror(saved));
    }
    write_doc(f, p);
    int failed = fflush(f) != 0 || ferror(f);
    if (!failed) failed = fsync(fileno(f)) != 0 && errno != EINVAL;
    int saved = errno;
    failed |= fclose(f) != 0;
    if (failed || rename(tmp, p->path) != 0) {
        if (!failed) saved = errno;
        remove(tmp);
        return dslab_diag_set(d, p->path, 0, 0, "cannot write: %s", strerror(saved));
    }
    return 0;
}

/* An exclusive flock on PATH.lock, waiting up to PROGRESS_LOCK_WAIT_MS.
 * Returns the descriptor (closing it unlocks), or -1 with diag. */
static int lock_progress(const char *path, struct dslab_diag *d) {
    char lock[1100];
    snprintf(lock, sizeof lock, "%s.lock", path);
    int fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return dslab_diag_set(d, lock, 0, 0, "cannot open the lock file: %s", strerror(errno));
    const struct timespec step = {0, 10 * 1000 * 1000};
    for (int waited_ms = 0;; waited_ms += 10) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) return fd;
        if (errno != EWOULDBLOCK && errno != EINTR) break;
        if (waited_ms >= PROGRESS_LOCK_WAIT_MS) {
            close(fd);
            return dslab_diag_set(d, lock, 0, 0, "another dslab has held the progress lock for %d s; "
                            "is one stuck?", PROGRESS_LOCK_WAIT_MS / 1000);
        }
        nanosleep(&step, NULL);
    }
    int saved = errno;
    close(fd);
    return dslab_diag_set(d, lock, 0, 0, "cannot lock: %s", strerror(saved));
}

static int record_grade(struct progress *p, const void *r) {
    return grader_progress_record(p, r);
}

int grader_progress_update(struct progress *p, const char *path, const struct grade_result *r, struct dslab_diag *d) {
    return grader_progress_update_with(p, path, record_grade, r, d);
}

int grader_progress_update_with(struct progress *p, const char *path, int (*record)(struct progress *, const void *),
                         const void *arg, struct dslab_diag *d) {
    memset(p, 0, sizeof *p);
    if (make_parents(path) < 0) return dslab_diag_set(d, path, 0, 0, "cannot create the directory: %s", strerror(errno));
    int fd = lock_progress(path, d);
    if (fd < 0) return -1;
    int rc = grader_progress_load(p, path, d);
    if (rc == 0 && record(p, arg) < 0) rc = dslab_diag_set(d, path, 0, 0, "out of memory");
    if (rc == 0) rc = grader_progress_save(p, d);
    close(fd); /* unlocks */
    return rc;
}
