/* lab_submission.c: a learner's lab submission for `dslab class-report`
 * (grader_lab.h): a small YAML file naming the lab, the learner and the node,
 *
 *   lab: echo              # a lab under ROOT/exercises/labs/
 *   learner: ada           # optional; default: the file's name
 *   node: ada/my_echo.c    # relative to this file; C source or .so
 *
 * Pure parsing and path checks; grading is lab_grade's. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "grader_lab.h"
#include "dslab/yaml_tree.h"

static const char *const sub_keys[] = {"lab", "learner", "node"};

bool grader_lab_submission_detect(const char *path) {
    struct dslab_ydoc doc;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    if (dslab_ydoc_load_file(&doc, path, NULL, &d) != 0) return false;
    bool yes = doc.root && doc.root->kind == DSLAB_YNODE_MAPPING && dslab_ydoc_map_get(doc.root, "lab") != NULL;
    dslab_ydoc_free(&doc);
    return yes;
}

int grader_lab_submission_load(const char *path, const char *root, struct lab_submission *out, struct dslab_diag *d) {
    memset(out, 0, sizeof *out);
    struct dslab_ydoc doc;
    if (dslab_ydoc_load_file(&doc, path, NULL, d) != 0) return -1;
    int rc = -1;
    const char *lab = NULL, *learner = NULL, *node = NULL;
    const struct dslab_ynode *r = doc.root;
    if (!r) {
        dslab_diag_set(d, path, 1, 1, "empty file (expected lab, learner, node)");
        goto done;
    }
    if (dslab_ytree_expect_mapping(d, path, r, "a lab submission (lab, learner, node)") != 0 ||
        dslab_ytree_check_keys(d, path, r, sub_keys, 3) != 0 || dslab_ytree_require_text(d, path, r, "lab", &lab) != 0 ||
        dslab_ytree_optional_text(d, path, r, "learner", &learner) != 0 || dslab_ytree_require_text(d, path, r, "node", &node) != 0) {
        goto done;
    }
    for (const char *c = lab; *c; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-')) {
            dslab_ytree_error(d, path, dslab_ydoc_map_get(r, "lab"), "lab '%s': a lab id has lowercase letters, digits and '-'", lab);
            goto done;
        }
    }
    snprintf(out->lab_dir, sizeof out->lab_dir, "%s/exercises/labs/%s", root, lab);
    if (!grader_lab_path_detect(out->lab_dir)) {
        dslab_ytree_error(d, path, dslab_ydoc_map_get(r, "lab"), "no lab '%s' (looked for %s/lab.yaml)", lab, out->lab_dir);
        goto done;
    }
    const char *slash = strrchr(path, '/');
    int dir_len = slash ? (int)(slash - path) + 1 : 0;
    if ((size_t)snprintf(out->node, sizeof out->node, "%.*s%s", node[0] == '/' ? 0 : dir_len, path, node) >=
        sizeof out->node) {
        dslab_ytree_error(d, path, dslab_ydoc_map_get(r, "node"), "the node's path is too long");
        goto done;
    }
    struct stat st;
    if (stat(out->node, &st) != 0 || !S_ISREG(st.st_mode)) {
        dslab_ytree_error(d, path, dslab_ydoc_map_get(r, "node"), "node '%s' not found (looked for %s)", node, out->node);
        goto done;
    }
    const char *base = slash ? slash + 1 : path;
    snprintf(out->learner, sizeof out->learner, "%s", learner ? learner : base);
    rc = 0;
done:
    dslab_ydoc_free(&doc);
    return rc;
}
