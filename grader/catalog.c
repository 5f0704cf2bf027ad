/* catalog.c: the curriculum, every exercise under <root>/exercises/.
 *
 * Layout: exercises/taxonomy.yaml and exercises/<track>/<id>.yaml, one
 * directory per track, in the fixed order of grader_tracks. Files are read
 * in sorted name order (never directory order), ids are unique, an
 * exercise lives in its track's directory, and none gives its answers
 * away (leaks.c). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/suggest.h"
#include "grader.h"
#include "load_start.h"

const char *const grader_tracks[] = {
    "time-and-clocks",        "networks-and-failures", "replication",
    "partitioning",           "consensus",             "transactions",
    "locks-leases-fencing",   "failure-detection",     "overload",
    "storage-and-durability", "convergence",           "operating-at-2am",
};
const int grader_tracks_count = (int)(sizeof grader_tracks / sizeof grader_tracks[0]);

#define CATALOG_FILES_MAX 256

static int cmp_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted *.yaml names in dir; count or -1. Caller frees each and the array. */
static int list_yaml(const char *dir, char ***out) {
    *out = NULL;
    DIR *dh = opendir(dir);
    if (!dh) return 0;
    char **names = calloc(CATALOG_FILES_MAX, sizeof *names);
    int n = 0;
    struct dirent *de;
    while (names && (de = readdir(dh)) != NULL && n < CATALOG_FILES_MAX) {
        size_t len = strlen(de->d_name);
        if (len > 5 && strcmp(de->d_name + len - 5, ".yaml") == 0 && de->d_name[0] != '.') {
            names[n] = strdup(de->d_name);
            if (names[n]) n++;
        }
    }
    closedir(dh);
    if (!names) return -1;
    qsort(names, (size_t)n, sizeof *names, cmp_names);
    *out = names;
    return n;
}

static int add_exercise(struct catalog *c, struct exercise *e, const char *track, struct dslab_diag *d) {
    if (strcmp(e->track, track) != 0) {
        dslab_diag_set(d, e->path, 0, 0, "the exercise is in track '%s' but in the directory exercises/%s/", e->track, track);
        grader_exercise_free(e);
        return -1;
    }
    for (int i = 0; i < c->count; i++) {
        if (strcmp(c->exercises[i]->id, e->id) == 0) {
            dslab_diag_set(d, e->path, 0, 0, "exercise id '%s' is also used by %s", e->id, c->exercises[i]->path);
            grader_exercise_free(e);
            return -1;
        }
    }
    struct exercise **grown = realloc(c->exercises, sizeof *grown * (size_t)(c->count + 1));
    if (!grown) {
        grader_exercise_free(e);
        return dslab_diag_set(d, e->path, 0, 0, "out of memory");
    }
    c->exercises = grown;
    c->exercises[c->count++] = e;
    return 0;
}

static int load_track(struct catalog *c, const char *track, struct dslab_diag *d) {
    char dir[700];
    snprintf(dir, sizeof dir, "%s/exercises/%s", c->root, track);
    char **names;
    int n = list_yaml(dir, &names);
    if (n < 0) return dslab_diag_set(d, dir, 0, 0, "out of memory");
    int rc = 0;
    for (int i = 0; i < n; i++) {
        char path[1000];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        struct exercise *e = rc == 0 ? grader_exercise_load(path, c->root, c->taxonomy, d) : NULL;
        if (e && grader_exercise_check_leaks(e, c->taxonomy, d) < 0) {
            grader_exercise_free(e);
            e = NULL;
        }
        if (rc == 0 && (!e || add_exercise(c, e, track, d) < 0)) rc = -1;
        free(names[i]);
    }
    free(names);
    return rc;
}

struct catalog *grader_catalog_load(const char *root, struct dslab_diag *d) {
    struct catalog *c = gr_zalloc(sizeof *c, root, d);
    if (!c) return NULL;
    snprintf(c->root, sizeof c->root, "%s", root);
    char path[700];
    snprintf(path, sizeof path, "%s/exercises/taxonomy.yaml", root);
    c->taxonomy = grader_taxonomy_load(path, d);
    if (!c->taxonomy) {
        free(c);
        return NULL;
    }
    for (int t = 0; t < grader_tracks_count; t++) {
        if (load_track(c, grader_tracks[t], d) < 0) {
            grader_catalog_free(c);
            return NULL;
        }
    }
    return c;
}

void grader_catalog_free(struct catalog *c) {
    if (!c) return;
    for (int i = 0; i < c->count; i++) grader_exercise_free(c->exercises[i]);
    free(c->exercises);
    grader_taxonomy_free(c->taxonomy);
    free(c);
}

const struct exercise *grader_catalog_find(const struct catalog *c, const char *id) {
    for (int i = 0; i < c->count; i++) {
        if (strcmp(c->exercises[i]->id, id) == 0) return c->exercises[i];
    }
    return NULL;
}

const char *grader_catalog_suggest(const struct catalog *c, const char *id) {
    const char *ids[CATALOG_FILES_MAX];
    int n = c->count < CATALOG_FILES_MAX ? c->count : CATALOG_FILES_MAX;
    for (int i = 0; i < n; i++) ids[i] = c->exercises[i]->id;
    return dslab_suggest_nearest(id, ids, n);
}
