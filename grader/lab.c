/* lab.c: reading a lab's lab.yaml (see grader_lab.h and docs/EXERCISE_FORMAT.md,
 * "Labs"). Pure parsing: the battery's scenarios are loaded when graded,
 * after the learner's node is registered. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "grader_lab.h"
#include "dslab/yaml_tree.h"

static const char *const lab_keys[] = {"id", "title", "kind", "readme", "skeletons", "reference", "generated_reference", "tests"};
static const char *const test_keys[] = {"id", "scenario", "points", "seeds", "explore", "about"};

bool grader_lab_path_detect(const char *path) {
    struct stat st;
    char buf[1100];
    if (stat(path, &st) != 0) return false;
    if (S_ISDIR(st.st_mode)) {
        snprintf(buf, sizeof buf, "%s/lab.yaml", path);
        return stat(buf, &st) == 0 && S_ISREG(st.st_mode);
    }
    size_t len = strlen(path);
    return len >= 8 && strcmp(path + len - 8, "lab.yaml") == 0;
}

static int copy_text(struct dslab_diag *d, const char *file, const struct dslab_ynode *at, const char *text, char *out,
                     size_t size, const char *what) {
    if (strlen(text) >= size) return dslab_ytree_error(d, file, at, "%s is longer than %zu bytes", what, size - 1);
    memcpy(out, text, strlen(text) + 1);
    return 0;
}

/* `generated_reference: tests/labs/raft/raft.c`: a path relative to the
 * build's generated tree, kept with its position (resolved at lint time). */
static int load_generated_reference(struct dslab_diag *d, const char *f, const struct dslab_ynode *root,
                                    bool has_reference, struct lab *out) {
    const char *gen = NULL;
    if (dslab_ytree_optional_text(d, f, root, "generated_reference", &gen) != 0) return -1;
    if (!gen) return 0;
    const struct dslab_ynode *gn = dslab_ydoc_map_get(root, "generated_reference");
    if (has_reference) {
        return dslab_ytree_error(d, f, gn, "a lab names one reference: 'reference' (a file) or 'generated_reference' "
                                           "(made by the build), not both");
    }
    if (!gen[0] || gen[0] == '/' || strstr(gen, "..") || strlen(gen) >= sizeof out->generated.path) {
        return dslab_ytree_error(d, f, gn,
                                 "generated_reference '%s': give a path inside the build's generated tree "
                                 "(relative, no '..', at most %zu bytes)",
                                 gen, sizeof out->generated.path - 1);
    }
    memcpy(out->generated.path, gen, strlen(gen) + 1);
    out->generated.line = gn->line;
    out->generated.col = gn->col;
    return 0;
}

int grader_lab_resolve_reference(struct lab *lab, const char *generated_root, struct dslab_diag *d) {
    if (!lab->generated.path[0]) return 0;
    const char *rel = lab->generated.path;
    if (!generated_root || !generated_root[0]) {
        return dslab_diag_set(d, lab->path, lab->generated.line, lab->generated.col,
                              "generated_reference '%s': where the build's generated references are is not "
                              "known (set DSLAB_LABS_GENERATED to BUILD/labs_generated)",
                              rel);
    }
    struct stat st;
    if ((size_t)snprintf(lab->reference, sizeof lab->reference, "%s/%s", generated_root, rel) >= sizeof lab->reference ||
        stat(lab->reference, &st) != 0 || !S_ISREG(st.st_mode)) {
        int rc = dslab_diag_set(d, lab->path, lab->generated.line, lab->generated.col,
                                "generated_reference '%s' was not generated (looked for %s/%s): build the labs "
                                "(cmake --build BUILD, needs python3) or set DSLAB_LABS_GENERATED to BUILD/labs_generated",
                                rel, generated_root, rel);
        lab->reference[0] = '\0';
        return rc;
    }
    return 0;
}

static int load_test(struct lab *lab, const struct dslab_ynode *n, struct lab_test *t, struct dslab_diag *d) {
    const char *f = lab->path;
    if (dslab_ytree_expect_mapping(d, f, n, "a test (a mapping with id and scenario)") != 0 ||
        dslab_ytree_check_keys(d, f, n, test_keys, (int)(sizeof test_keys / sizeof test_keys[0])) != 0) {
        return -1;
    }
    const char *id = NULL, *scenario = NULL, *about = "";
    int64_t points = 1, seeds = 3, explore = 0;
    if (dslab_ytree_require_text(d, f, n, "id", &id) != 0 || dslab_ytree_require_text(d, f, n, "scenario", &scenario) != 0 ||
        dslab_ytree_optional_text(d, f, n, "about", &about) != 0 ||
        dslab_ytree_optional_int(d, f, n, "points", 1, 10, &points) != 0 ||
        dslab_ytree_optional_int(d, f, n, "seeds", 1, 200, &seeds) != 0 ||
        dslab_ytree_optional_int(d, f, n, "explore", 0, 200, &explore) != 0) {
        return -1;
    }
    const struct dslab_ynode *idn = dslab_ydoc_map_get(n, "id");
    for (const char *c = id; *c; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-')) {
            return dslab_ytree_error(d, f, idn, "test id '%s': use lowercase letters, digits and '-'", id);
        }
    }
    for (int i = 0; i < lab->tests_count; i++) {
        if (strcmp(lab->tests[i].id, id) == 0) return dslab_ytree_error(d, f, idn, "test id '%s' is used twice", id);
    }
    if (copy_text(d, f, idn, id, t->id, sizeof t->id, "a test id") != 0 ||
        copy_text(d, f, dslab_ydoc_map_get(n, "about"), about, t->about, sizeof t->about, "about") != 0) {
        return -1;
    }
    const struct dslab_ynode *sn = dslab_ydoc_map_get(n, "scenario");
    if (scenario[0] == '/') return dslab_ytree_error(d, f, sn, "scenario '%s': give a path relative to the lab", scenario);
    if ((size_t)snprintf(t->scenario, sizeof t->scenario, "%s/%s", lab->dir, scenario) >= sizeof t->scenario) {
        return dslab_ytree_error(d, f, sn, "scenario path too long");
    }
    struct stat st;
    if (stat(t->scenario, &st) != 0 || !S_ISREG(st.st_mode)) {
        return dslab_ytree_error(d, f, sn, "scenario '%s' not found (looked for %s)", scenario, t->scenario);
    }
    t->points = (int)points;
    t->seeds = (int)seeds;
    t->explore = (int)explore;
    return 0;
}

int grader_lab_load(const char *path, struct lab *out, struct dslab_diag *d) {
    memset(out, 0, sizeof *out);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        size_t len = strlen(path);
        while (len > 1 && path[len - 1] == '/') len--;
        if ((size_t)snprintf(out->path, sizeof out->path, "%.*s/lab.yaml", (int)len, path) >= sizeof out->path) {
            return dslab_diag_set(d, path, 0, 0, "path too long");
        }
    } else if (strlen(path) >= sizeof out->path) {
        return dslab_diag_set(d, NULL, 0, 0, "path too long");
    } else {
        memcpy(out->path, path, strlen(path) + 1);
    }
    const char *slash = strrchr(out->path, '/');
    if (slash) snprintf(out->dir, sizeof out->dir, "%.*s", (int)(slash - out->path), out->path);
    else snprintf(out->dir, sizeof out->dir, ".");

    struct dslab_ydoc doc;
    if (dslab_ydoc_load_file(&doc, out->path, NULL, d) != 0) return -1;
    const char *f = out->path;
    int rc = -1;
    const struct dslab_ynode *root = doc.root;
    const char *id = NULL, *title = NULL, *kind = NULL;
    if (!root) {
        dslab_diag_set(d, f, 1, 1, "empty lab file (expected id, title, kind: implement, tests)");
        goto done;
    }
    if (dslab_ytree_expect_mapping(d, f, root, "a lab (a mapping)") != 0 ||
        dslab_ytree_check_keys(d, f, root, lab_keys, (int)(sizeof lab_keys / sizeof lab_keys[0])) != 0 ||
        dslab_ytree_require_text(d, f, root, "id", &id) != 0 || dslab_ytree_require_text(d, f, root, "title", &title) != 0 ||
        dslab_ytree_require_text(d, f, root, "kind", &kind) != 0) {
        goto done;
    }
    if (strcmp(kind, "implement") != 0) {
        dslab_ytree_error(d, f, dslab_ydoc_map_get(root, "kind"), "a lab's kind is 'implement', not '%s'", kind);
        goto done;
    }
    if (copy_text(d, f, dslab_ydoc_map_get(root, "id"), id, out->id, sizeof out->id, "the id") != 0 ||
        copy_text(d, f, dslab_ydoc_map_get(root, "title"), title, out->title, sizeof out->title, "the title") != 0) {
        goto done;
    }
    const char *ref = NULL;
    if (dslab_ytree_optional_text(d, f, root, "reference", &ref) != 0) goto done;
    if (ref) {
        const struct dslab_ynode *rn = dslab_ydoc_map_get(root, "reference");
        struct stat rst;
        if (ref[0] == '/' ||
            (size_t)snprintf(out->reference, sizeof out->reference, "%s/%s", out->dir, ref) >= sizeof out->reference) {
            dslab_ytree_error(d, f, rn, "reference '%s': give a path relative to the lab, at most 1000 bytes", ref);
            goto done;
        }
        if (stat(out->reference, &rst) != 0 || !S_ISREG(rst.st_mode)) {
            dslab_ytree_error(d, f, rn, "reference '%s' not found (looked for %s)", ref, out->reference);
            goto done;
        }
    }
    if (load_generated_reference(d, f, root, ref != NULL, out) != 0) goto done;
    const struct dslab_ynode *sk = dslab_ydoc_map_get(root, "skeletons");
    if (sk) {
        const char **names = NULL;
        int count = 0;
        if (dslab_ytree_string_list(d, f, sk, "skeleton files", &names, &count) != 0) goto done;
        for (int i = 0; i < count; i++) {
            char skel[1100];
            struct stat kst;
            snprintf(skel, sizeof skel, "%s/%s", out->dir, names[i]);
            if (names[i][0] == '/' || stat(skel, &kst) != 0 || !S_ISREG(kst.st_mode)) {
                dslab_ytree_error(d, f, sk, "skeleton '%s' not found (looked for %s)", names[i], skel);
                free(names);
                goto done;
            }
        }
        free(names);
    }
    const struct dslab_ynode *tests = dslab_ydoc_map_get(root, "tests");
    if (!tests) {
        dslab_ytree_error(d, f, root, "a lab needs 'tests' (at least one)");
        goto done;
    }
    if (dslab_ytree_expect_list(d, f, tests, "a list of tests") != 0) goto done;
    if (tests->count < 1 || tests->count > LAB_TESTS_MAX) {
        dslab_ytree_error(d, f, tests, "a lab has 1 to %d tests, not %d", LAB_TESTS_MAX, tests->count);
        goto done;
    }
    for (const struct dslab_ynode *n = tests->first; n; n = n->next) {
        if (load_test(out, n, &out->tests[out->tests_count], d) != 0) goto done;
        out->tests_count++;
    }
    rc = 0;
done:
    dslab_ydoc_free(&doc);
    return rc;
}
