/* progress.c: a learner's progress, one YAML file per profile:
 * $XDG_DATA_HOME/dslab/<profile>/progress.yaml (or ~/.local/share/...).
 * Written atomically (a temporary file beside it, fsync, rename), so a
 * crash mid-write leaves the old file. The mastery map counts, per
 * taxonomy term, the questions answered right with it. The caller reads
 * the environment and passes it in: this library never reads the host's
 * settings itself. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grader.h"
#include "scenario/units.h"
#include "yutil.h"

int progress_path(const char *xdg_data_home, const char *home, const char *profile, char *out,
                  int out_size, struct diag *d) {
    if (!profile[0] || strlen(profile) > 63) return diag_set(d, "", 0, 0, "a profile name has 1 to 63 characters");
    for (const char *p = profile; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_')) {
            return diag_set(d, "", 0, 0, "a profile name has letters, digits, '-' and '_' only, got '%s'", profile);
        }
    }
    if (xdg_data_home && xdg_data_home[0] == '/') {
        snprintf(out, (size_t)out_size, "%s/dslab/%s/progress.yaml", xdg_data_home, profile);
    } else if (home && home[0]) {
        snprintf(out, (size_t)out_size, "%s/.local/share/dslab/%s/progress.yaml", home, profile);
    } else {
        return diag_set(d, "", 0, 0, "neither XDG_DATA_HOME nor HOME is set: nowhere to keep progress");
    }
    return 0;
}

static int load_entry(struct progress *p, const struct ynode *item, struct diag *d) {
    static const char *const keys[] = {"id", "attempts", "best", "max", "passed"};
    if (yu_expect_mapping(d, p->path, item, "{ id: ..., attempts: N, best: N, max: N, passed: BOOL }") < 0) return -1;
    if (yu_check_keys(d, p->path, item, keys, 5) < 0) return -1;
    if (p->count == (int)(sizeof p->entries / sizeof p->entries[0])) return 0;
    struct progress_entry *e = &p->entries[p->count];
    const char *id, *passed = "false";
    int64_t attempts = 0, best = 0, max = 0;
    if (yu_require_text(d, p->path, item, "id", &id) < 0) return -1;
    if (yu_optional_int(d, p->path, item, "attempts", 0, 1000000000, &attempts) < 0) return -1;
    if (yu_optional_int(d, p->path, item, "best", 0, 1000000000, &best) < 0) return -1;
    if (yu_optional_int(d, p->path, item, "max", 0, 1000000000, &max) < 0) return -1;
    if (yu_optional_text(d, p->path, item, "passed", &passed) < 0) return -1;
    char err[UNITS_ERR_MAX];
    if (units_parse_bool(passed, &e->passed, err, (int)sizeof err) < 0) return yu_error(d, p->path, item, "%s", err);
    snprintf(e->id, sizeof e->id, "%s", id);
    e->attempts = (int)attempts;
    e->best_milli = (int)best;
    e->max_milli = (int)max;
    p->count++;
    return 0;
}

static int load_mastery(struct progress *p, const struct ynode *item, struct diag *d) {
    static const char *const keys[] = {"term", "count"};
    if (yu_expect_mapping(d, p->path, item, "{ term: ..., count: N }") < 0) return -1;
    if (yu_check_keys(d, p->path, item, keys, 2) < 0) return -1;
    if (p->mastery_count == (int)(sizeof p->mastery / sizeof p->mastery[0])) return 0;
    const char *term;
    int64_t count = 0;
    if (yu_require_text(d, p->path, item, "term", &term) < 0) return -1;
    if (yu_optional_int(d, p->path, item, "count", 0, 1000000000, &count) < 0) return -1;
    snprintf(p->mastery[p->mastery_count].term, sizeof p->mastery[0].term, "%s", term);
    p->mastery[p->mastery_count++].count = (int)count;
    return 0;
}

static int load_doc(struct progress *p, const struct ynode *top, struct diag *d) {
    static const char *const keys[] = {"exercises", "mastery"};
    if (!top) return 0;
    if (yu_expect_mapping(d, p->path, top, "a mapping with exercises and mastery") < 0) return -1;
    if (yu_check_keys(d, p->path, top, keys, 2) < 0) return -1;
    const struct ynode *ex = ydoc_map_get(top, "exercises");
    if (ex && !ydoc_is_null(ex)) {
        if (yu_expect_list(d, p->path, ex, "a list") < 0) return -1;
        for (const struct ynode *i = ex->first; i; i = i->next) {
            if (load_entry(p, i, d) < 0) return -1;
        }
    }
    const struct ynode *m = ydoc_map_get(top, "mastery");
    if (m && !ydoc_is_null(m)) {
        if (yu_expect_list(d, p->path, m, "a list") < 0) return -1;
        for (const struct ynode *i = m->first; i; i = i->next) {
            if (load_mastery(p, i, d) < 0) return -1;
        }
    }
    return 0;
}

int progress_load(struct progress *p, const char *path, struct diag *d) {
    memset(p, 0, sizeof *p);
    snprintf(p->path, sizeof p->path, "%s", path);
    if (access(path, F_OK) != 0) return 0;
    struct ydoc doc;
    if (ydoc_load_file(&doc, path, NULL, d) < 0) return -1;
    int rc = load_doc(p, doc.root, d);
    ydoc_free(&doc);
    return rc;
}

const struct progress_entry *progress_find(const struct progress *p, const char *id) {
    for (int i = 0; i < p->count; i++) {
        if (strcmp(p->entries[i].id, id) == 0) return &p->entries[i];
    }
    return NULL;
}

void progress_record(struct progress *p, const struct grade_result *r) {
    struct progress_entry *e = (struct progress_entry *)progress_find(p, r->e->id);
    if (!e && p->count < (int)(sizeof p->entries / sizeof p->entries[0])) {
        e = &p->entries[p->count++];
        memset(e, 0, sizeof *e);
        snprintf(e->id, sizeof e->id, "%s", r->e->id);
    }
    if (e) {
        e->attempts++;
        if (r->score_milli > e->best_milli) e->best_milli = r->score_milli;
        e->max_milli = r->max_milli;
        e->passed |= r->pass;
    }
    for (int h = 0; h < r->hits_count; h++) {
        int i = 0;
        while (i < p->mastery_count && strcmp(p->mastery[i].term, r->hits[h].term_id) != 0) i++;
        if (i == p->mastery_count) {
            if (p->mastery_count == (int)(sizeof p->mastery / sizeof p->mastery[0])) continue;
            snprintf(p->mastery[i].term, sizeof p->mastery[i].term, "%s", r->hits[h].term_id);
            p->mastery[i].count = 0;
            p->mastery_count++;
        }
        p->mastery[i].count++;
    }
}

/* mkdir -p of the directory part of `path`. */
static int make_parents(const char *path) {
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash) return 0;
    *slash = 0;
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    return mkdir(dir, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

int progress_save(const struct progress *p, struct diag *d) {
    if (make_parents(p->path) < 0) return diag_set(d, p->path, 0, 0, "cannot create the directory: %s", strerror(errno));
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", p->path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) return diag_set(d, tmp, 0, 0, "cannot write: %s", strerror(errno));
    fprintf(f, "# dslab progress, written by `dslab grade` and `dslab exercise`.\nexercises:\n");
    for (int i = 0; i < p->count; i++) {
        const struct progress_entry *e = &p->entries[i];
        fprintf(f, "  - { id: %s, attempts: %d, best: %d, max: %d, passed: %s }\n", e->id, e->attempts,
                e->best_milli, e->max_milli, e->passed ? "true" : "false");
    }
    fprintf(f, "mastery:\n");
    for (int i = 0; i < p->mastery_count; i++) {
        fprintf(f, "  - { term: %s, count: %d }\n", p->mastery[i].term, p->mastery[i].count);
    }
    int failed = fflush(f) != 0 || ferror(f);
    if (!failed) failed = fsync(fileno(f)) != 0 && errno != EINVAL;
    failed |= fclose(f) != 0;
    if (failed || rename(tmp, p->path) != 0) {
        int saved = errno;
        remove(tmp);
        return diag_set(d, p->path, 0, 0, "cannot write: %s", strerror(saved));
    }
    return 0;
}
