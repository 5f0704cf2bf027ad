/* overrides.c: `--set PATH=VALUE` applied to the YAML tree before conversion.
 *
 * PATH is dotted: mapping keys ("network.loss", "protocol.fencing") and
 * list indices ("faults.0.at"). VALUE is parsed as YAML, so "1000" is a
 * scalar and "[n1, n2]" a list. A missing key is created (with mappings for
 * the missing levels); conversion then validates it like a key in the file,
 * so a typo gets "did you mean". Nodes from an override carry no position
 * but their origin, and errors about them read
 * "--set network.lose=0.1: error: unknown key 'lose' (did you mean 'loss'?)". */
#include <stdio.h>
#include <string.h>

#include "scenario/load_internal.h"

#define PATH_DEPTH_MAX 16

struct override_ctx {
    struct dslab_ydoc *doc;
    struct dslab_diag *diag;
    char file[DSLAB_DIAG_PATH_MAX]; /* "--set PATH=VALUE" */
    const char *origin;       /* "PATH=VALUE", in the doc's arena */
};

static int ofail(struct override_ctx *o, const char *fmt, const char *a, const char *b) {
    return dslab_diag_set(o->diag, o->file, 0, 0, fmt, a, b);
}

static int oom(struct override_ctx *o) {
    return dslab_diag_set(o->diag, o->file, 0, 0, "out of memory while applying the override");
}

/* The override's value as YAML, copied into the doc and marked. */
static struct dslab_ynode *parse_value(struct override_ctx *o, const char *value) {
    struct dslab_ydoc vdoc;
    struct dslab_diag vdiag;
    dslab_diag_clear(&vdiag);
    if (dslab_ydoc_parse(&vdoc, value, strlen(value), "--set", &o->doc->alloc, &vdiag) < 0) {
        if (strstr(vdiag.message, "out of memory")) {
            oom(o);
        } else {
            ofail(o, "cannot read the value: %s%s", vdiag.message, "");
        }
        return NULL;
    }
    struct dslab_ynode *n;
    if (vdoc.root) {
        n = ydoc_copy(o->doc, vdoc.root);
    } else {
        n = ydoc_alloc(o->doc, sizeof *n);
        if (n) {
            n->kind = DSLAB_YNODE_SCALAR;
            n->plain = true;
            n->text = ydoc_strdup(o->doc, "", 0);
            if (!n->text) n = NULL;
        }
    }
    dslab_ydoc_free(&vdoc);
    if (!n) {
        oom(o);
        return NULL;
    }
    n->next = NULL;
    ydoc_mark_origin(n, o->origin);
    return n;
}

static struct dslab_ynode *new_key(struct override_ctx *o, const char *text, struct dslab_ynode *value) {
    struct dslab_ynode *k = ydoc_alloc(o->doc, sizeof *k);
    if (!k || !(k->text = ydoc_strdup(o->doc, text, strlen(text)))) return NULL;
    k->kind = DSLAB_YNODE_SCALAR;
    k->plain = true;
    k->text_len = strlen(text);
    k->origin = o->origin;
    k->value = value;
    return k;
}

static void append(struct dslab_ynode *parent, struct dslab_ynode *child) {
    if (parent->last) parent->last->next = child;
    else parent->first = child;
    parent->last = child;
    parent->count++;
}

/* Replaces item `index` of a list with `n`. */
static void replace_item(struct dslab_ynode *seq, int index, struct dslab_ynode *n) {
    struct dslab_ynode **link = &seq->first, *prev = NULL;
    for (int i = 0; i < index; i++) {
        prev = *link;
        link = &(*link)->next;
    }
    n->next = (*link)->next;
    if (seq->last == *link) seq->last = n;
    *link = n;
    (void)prev;
}

static bool parse_index(const char *seg, int *out) {
    if (!*seg || strlen(seg) > 9) return false;
    for (const char *c = seg; *c; c++) {
        if (*c < '0' || *c > '9') return false;
    }
    *out = 0;
    for (const char *c = seg; *c; c++) *out = *out * 10 + (*c - '0');
    return true;
}

/* One step of the path into a list. */
static int step_list(struct override_ctx *o, struct dslab_ynode **cur, const char *seg,
                     const char *prefix, bool last, struct dslab_ynode *value) {
    int index;
    struct dslab_ynode *seq = *cur;
    if (!parse_index(seg, &index)) {
        return ofail(o, "'%s' is a list; expected an index like %s.0", prefix, prefix);
    }
    if (last && index == seq->count) {
        append(seq, value);
        return 0;
    }
    if (index >= seq->count) {
        char msg[160];
        snprintf(msg, sizeof msg, "index %s is out of range ('%%s' has %d entries)", seg,
                 seq->count);
        return ofail(o, msg, prefix, "");
    }
    if (last) {
        replace_item(seq, index, value);
    } else {
        *cur = dslab_ydoc_seq_at(seq, index);
    }
    return 0;
}

static int apply_one(struct override_ctx *o, const struct dslab_scenario_override *ov) {
    char path[256];
    if (!ov->path || !ov->path[0] || strlen(ov->path) >= sizeof path) {
        return ofail(o, "expected --set KEY=VALUE with a key like network.loss%s%s", "", "");
    }
    memcpy(path, ov->path, strlen(ov->path) + 1);
    char *segs[PATH_DEPTH_MAX];
    int nsegs = 0;
    for (char *p = path;; ) {
        char *dot = strchr(p, '.');
        if (dot) *dot = '\0';
        if (!*p) return ofail(o, "empty key in the path '%s'%s", ov->path, "");
        if (nsegs == PATH_DEPTH_MAX) return ofail(o, "the path '%s' is too deep%s", ov->path, "");
        segs[nsegs++] = p;
        if (!dot) break;
        p = dot + 1;
    }
    struct dslab_ynode *value = parse_value(o, ov->value ? ov->value : "");
    if (!value) return -1;
    struct dslab_ynode *cur = o->doc->root;
    char prefix[256] = "";
    for (int i = 0; i < nsegs; i++) {
        bool last = i == nsegs - 1;
        if (cur->kind == DSLAB_YNODE_SEQUENCE) {
            if (step_list(o, &cur, segs[i], prefix, last, value) < 0) return -1;
        } else if (cur->kind == DSLAB_YNODE_MAPPING) {
            struct dslab_ynode *k = dslab_ydoc_map_key(cur, segs[i]);
            if (k && last) {
                /* The value now comes from the command line: so does the
                 * key's position, so errors about it name the --set. */
                k->value = value;
                k->line = 0;
                k->col = 0;
                k->origin = o->origin;
            } else if (k) {
                cur = k->value;
            } else {
                struct dslab_ynode *v = value;
                if (!last && !(v = ydoc_alloc(o->doc, sizeof *v))) return oom(o);
                if (!last) {
                    v->kind = DSLAB_YNODE_MAPPING;
                    v->origin = o->origin;
                }
                if (!(k = new_key(o, segs[i], v))) return oom(o);
                append(cur, k);
                cur = v;
            }
        } else {
            return ofail(o, "'%s' is a single value, not a mapping or a list; cannot set '%s' in it",
                         prefix, segs[i]);
        }
        size_t used = strlen(prefix);
        snprintf(prefix + used, sizeof prefix - used, "%s%s", i ? "." : "", segs[i]);
    }
    return 0;
}

int overrides_apply(struct dslab_ydoc *doc, const struct dslab_scenario_override *overrides, int count,
                    struct dslab_diag *diag) {
    for (int i = 0; i < count; i++) {
        struct override_ctx o = {.doc = doc, .diag = diag};
        const char *path = overrides[i].path ? overrides[i].path : "";
        const char *value = overrides[i].value ? overrides[i].value : "";
        snprintf(o.file, sizeof o.file, "--set %s=%s", path, value);
        char *origin = ydoc_alloc(doc, strlen(path) + strlen(value) + 2);
        if (!origin) return oom(&o);
        sprintf(origin, "%s=%s", path, value);
        o.origin = origin;
        if (apply_one(&o, &overrides[i]) < 0) return -1;
    }
    return 0;
}
