/* yaml_text.c: YAML text the grader writes: quoted scalars for model
 * answers, and flow renderings of author content (a fix question's
 * `stress.explore` bounds) and of break schedules, which only the scenario
 * loader can parse into faults. The flow rendering grows as it needs to:
 * nothing is cut at a fixed size. */
#include <stdlib.h>
#include <string.h>

#include "dslab/json_write.h"
#include "grade_internal.h"

/* Appends the YAML double-quoted scalar of text to buf (size bytes in
 * all): the one JSON string escaper (a JSON literal is valid YAML;
 * dslab/json_write.h). Cut short when it does not fit: the YAML then
 * fails to parse, a clear error rather than a silently shorter text. */
void gr_yaml_quote(const char *text, char *buf, size_t size) {
    size_t n = strlen(buf);
    if (n + 1 >= size) return;
    dslab_json_escape(text, strlen(text), buf + n, size - n);
}

struct sbuf {
    char *s;
    size_t len, cap;
    bool oom;
};

static void put(struct sbuf *b, const char *text, size_t len) {
    if (b->oom) return;
    if (b->len + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + len + 1) cap *= 2;
        char *grown = realloc(b->s, cap);
        if (!grown) {
            b->oom = true;
            return;
        }
        b->s = grown;
        b->cap = cap;
    }
    memcpy(b->s + b->len, text, len);
    b->len += len;
    b->s[b->len] = 0;
}

static void puts_(struct sbuf *b, const char *text) {
    put(b, text, strlen(text));
}

static void quote(struct sbuf *b, const char *text) {
    size_t len = strlen(text);
    size_t need = dslab_json_escape(text, len, NULL, 0);
    char *lit = malloc(need + 1);
    if (!lit) {
        b->oom = true;
        return;
    }
    dslab_json_escape(text, len, lit, need + 1);
    put(b, lit, need);
    free(lit);
}

static void flow(struct sbuf *b, const struct dslab_ynode *n) {
    if (n->kind == DSLAB_YNODE_SCALAR) {
        if (dslab_ydoc_is_null(n)) puts_(b, "~");
        else quote(b, n->text);
        return;
    }
    bool map = n->kind == DSLAB_YNODE_MAPPING;
    puts_(b, map ? "{" : "[");
    for (const struct dslab_ynode *i = n->first; i; i = i->next) {
        if (i != n->first) puts_(b, ", ");
        if (map) {
            puts_(b, i->text);
            puts_(b, ": ");
            flow(b, i->value);
        } else {
            flow(b, i);
        }
    }
    puts_(b, map ? "}" : "]");
}

char *gr_yaml_flow_alloc(const struct dslab_ynode *n) {
    struct sbuf b = {0};
    flow(&b, n);
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s;
}
