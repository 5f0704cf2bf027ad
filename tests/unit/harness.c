/* harness.c: the shared unit-test helpers declared in harness.h (scenario
 * runs from strings, a recording sink, a checker fed by hand). */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct dslab_scenario *h_load(const char *yaml) {
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct dslab_scenario *s = dslab_scenario_load_buffer(yaml, strlen(yaml), "t.yaml", NULL, 0, NULL, &d);
    if (!s) fail_msg("scenario did not load: %s:%d:%d: %s", d.file, d.line, d.col, d.message);
    return s;
}

const char *h_load_error(const char *yaml, struct dslab_diag *d) {
    dslab_diag_clear(d);
    struct dslab_scenario *s = dslab_scenario_load_buffer(yaml, strlen(yaml), "t.yaml", NULL, 0, NULL, d);
    struct dslab_sim *sim = s ? dslab_sim_create(s, 1, d) : NULL;
    bool accepted = sim != NULL;
    if (sim) dslab_sim_destroy(sim);
    dslab_scenario_free(s);
    if (accepted) fail_msg("accepted, expected an error:\n%s", yaml);
    return d->message;
}

/* Runs to the scenario's end (an error fails the test) and finishes. */
static void h_run_sim_to_end(struct dslab_sim *sim, const struct dslab_scenario *s) {
    if (dslab_sim_run(sim, s->duration_ns, 0) != DSLAB_SIM_OK) fail_msg("dslab_sim_run: %s", dslab_sim_error(sim));
    dslab_sim_finish(sim);
}

void h_expect_error(const char *yaml, const char *part) {
    struct dslab_diag d;
    const char *message = h_load_error(yaml, &d);
    if (!strstr(message, part)) fail_msg("expected '%s' in '%s'", part, message);
}

/* Formats a YAML text for `who` into yaml[H_YAML_TEXT_MAX]; one too long fails the test. */
enum { H_YAML_TEXT_MAX = 4096 };
static void h_vformat_yaml(char *yaml, const char *who, const char *fmt, va_list ap) {
    int n = vsnprintf(yaml, H_YAML_TEXT_MAX, fmt, ap);
    if (n < 0 || n >= H_YAML_TEXT_MAX) fail_msg("%s: the YAML text is longer than %d bytes", who, H_YAML_TEXT_MAX);
}

void h_expect_errorf(const char *part, const char *fmt, ...) {
    char yaml[H_YAML_TEXT_MAX];
    va_list ap;
    va_start(ap, fmt);
    h_vformat_yaml(yaml, "h_expect_errorf", fmt, ap);
    va_end(ap);
    h_expect_error(yaml, part);
}

void h_expect_refusals(const char *yaml_fmt, const struct h_refusal *cases, size_t count) {
    /* a failure shows the YAML (accepted) or the part and the message */
    for (size_t i = 0; i < count; i++) h_expect_errorf(cases[i].part, yaml_fmt, cases[i].text);
}

struct dslab_sim *h_sim(const struct dslab_scenario *s, uint64_t seed, dslab_trace_sink_fn sink, void *user) {
    return h_sim_with(s, NULL, seed, sink, user);
}

struct dslab_sim *h_sim_with(const struct dslab_scenario *s, const struct dslab_protocol *proto, uint64_t seed,
                       dslab_trace_sink_fn sink, void *user) {
    struct dslab_diag d;
    dslab_diag_clear(&d);
    struct dslab_sim *sim = proto ? dslab_sim_create_with_protocol(s, proto, seed, &d) : dslab_sim_create(s, seed, &d);
    if (!sim) fail_msg("dslab_sim_create: %s:%d:%d: %s", d.file, d.line, d.col, d.message);
    if (sink) assert_int_equal(dslab_sim_add_sink(sim, sink, user), 0);
    h_run_sim_to_end(sim, s);
    return sim;
}

void h_run_text(const struct dslab_protocol *proto, uint64_t seed, dslab_trace_sink_fn sink, void *user,
                const char *fmt, ...) {
    char text[H_YAML_TEXT_MAX];
    va_list ap;
    va_start(ap, fmt);
    h_vformat_yaml(text, "h_run_text", fmt, ap);
    va_end(ap);
    struct dslab_scenario *s = h_load(text);
    dslab_sim_destroy(h_sim_with(s, proto, seed, sink, user));
    dslab_scenario_free(s);
}

uint64_t h_trace_hash(const struct dslab_scenario *s, uint64_t seed) {
    struct dslab_trace_hasher h;
    dslab_trace_hasher_init(&h, (const char (*)[32])s->node_names, s->nodes_count);
    dslab_sim_destroy(h_sim(s, seed, dslab_trace_hasher_sink, &h));
    return h.hash;
}

void h_expect_seed_decides(const char *yaml, uint64_t seed) {
    struct dslab_scenario *s = h_load(yaml);
    uint64_t first = h_trace_hash(s, seed);
    assert_true(h_trace_hash(s, seed) == first);
    assert_true(h_trace_hash(s, seed + 1) != first);
    dslab_scenario_free(s);
}

/* ---- the recording sink ------------------------------------------------------ */

void h_rec_init(struct h_rec *r, const char *tags) {
    memset(r, 0, sizeof *r);
    r->tags = tags;
}

void h_rec_free(struct h_rec *r) {
    free(r->notes);
    r->notes = NULL;
    r->count = r->cap = 0;
}

/* True when `tag` is one of the space-separated words of `tags`. */
static bool tag_listed(const char *tags, const char *tag) {
    if (strcmp(tags, "*") == 0) return true;
    size_t n = strlen(tag);
    for (const char *p = tags; *p;) {
        while (*p == ' ') p++;
        size_t w = strcspn(p, " ");
        if (w == n && w > 0 && strncmp(p, tag, n) == 0) return true;
        p += w;
    }
    return false;
}

void h_rec_sink(void *user, const struct dslab_trace_event *ev) {
    struct h_rec *r = user;
    if (ev->kind != DSLAB_TRACE_ANNOTATE || !ev->tag || !tag_listed(r->tags, ev->tag)) return;
    if (r->count == r->cap) {
        int cap = r->cap ? r->cap * 2 : 256;
        struct h_note *grown = realloc(r->notes, (size_t)cap * sizeof *grown);
        if (!grown) fail_msg("recording sink: out of memory");
        r->notes = grown;
        r->cap = cap;
    }
    struct h_note *n = &r->notes[r->count++];
    n->t_ns = ev->t_ns;
    n->node = ev->node;
    n->a = ev->a;
    n->b = ev->b;
    snprintf(n->tag, sizeof n->tag, "%s", ev->tag);
    snprintf(n->text, sizeof n->text, "%s", ev->text ? ev->text : "");
}

static bool matches(const struct h_note *n, const struct h_match *m) {
    if (m->tag && strcmp(n->tag, m->tag) != 0) return false;
    if (m->text && strcmp(n->text, m->text) != 0) return false;
    if (m->text_prefix && strncmp(n->text, m->text_prefix, strlen(m->text_prefix)) != 0) return false;
    if (m->text_has && !strstr(n->text, m->text_has)) return false;
    if (m->by_node && n->node != m->node) return false;
    if (m->by_a && n->a != m->a) return false;
    if (n->t_ns < m->from_ns) return false;
    return m->to_ns == 0 || n->t_ns < m->to_ns;
}

int h_count(const struct h_rec *r, const struct h_match *m) {
    int c = 0;
    for (int i = 0; i < r->count; i++) c += matches(&r->notes[i], m);
    return c;
}

const struct h_note *h_find(const struct h_rec *r, const struct h_match *m, int *from) {
    for (int i = *from; i < r->count; i++) {
        if (matches(&r->notes[i], m)) {
            *from = i + 1;
            return &r->notes[i];
        }
    }
    *from = r->count;
    return NULL;
}

const struct h_note *h_find_last(const struct h_rec *r, const struct h_match *m) {
    for (int i = r->count - 1; i >= 0; i--) {
        if (matches(&r->notes[i], m)) return &r->notes[i];
    }
    return NULL;
}

/* ---- a scenario run ---------------------------------------------------------- */

struct h_run *h_run(const char *yaml, const char *tags, dslab_trace_sink_fn sink, void *user) {
    struct h_run *r = calloc(1, sizeof *r);
    assert_non_null(r);
    r->s = h_load(yaml);
    struct dslab_diag d;
    dslab_diag_clear(&d);
    r->sim = dslab_sim_create(r->s, r->s->seed, &d);
    if (!r->sim) fail_msg("dslab_sim_create: %s:%d:%d: %s", d.file, d.line, d.col, d.message);
    if (tags) {
        h_rec_init(&r->rec, tags);
        assert_int_equal(dslab_sim_add_sink(r->sim, h_rec_sink, &r->rec), 0);
    }
    if (sink) assert_int_equal(dslab_sim_add_sink(r->sim, sink, user), 0);
    h_run_sim_to_end(r->sim, r->s);
    return r;
}

void h_run_free(struct h_run *r) {
    dslab_sim_destroy(r->sim);
    dslab_scenario_free(r->s);
    h_rec_free(&r->rec);
    free(r);
}

const struct dslab_check_result *h_check_named(const struct dslab_sim *sim, const char *name) {
    for (int i = 0; i < dslab_sim_check_count(sim); i++) {
        if (strcmp(dslab_sim_check_result(sim, i)->name, name) == 0) return dslab_sim_check_result(sim, i);
    }
    fail_msg("no check named %s", name);
    return NULL;
}

/* ---- a checker on a hand-made trace ------------------------------------------ */

/* Fills k->names from "a b c" (NULL: n1..nN); returns how many. */
static int name_nodes(struct h_ck *k, int nodes, const char *node_names) {
    if (!node_names) {
        assert_true(nodes >= 1 && nodes <= H_CK_NODES_MAX);
        for (int i = 0; i < nodes; i++) snprintf(k->names[i], sizeof k->names[i], "n%d", i + 1);
        return nodes;
    }
    int n = 0;
    for (const char *p = node_names; *p;) {
        while (*p == ' ') p++;
        int w = (int)strcspn(p, " ");
        if (w == 0) break;
        assert_true(n < H_CK_NODES_MAX && w < DSLAB_NAME_MAX);
        snprintf(k->names[n++], sizeof k->names[0], "%.*s", w, p);
        p += w;
    }
    assert_true(n >= 1);
    return n;
}

static int ck_create(struct h_ck *k, const char *name, const char *args, int nodes,
                     const char *node_names, struct dslab_diag *d) {
    memset(k, 0, sizeof *k);
    nodes = name_nodes(k, nodes, node_names);
    snprintf(k->sc.path, sizeof k->sc.path, "t.yaml");
    k->sc.nodes_count = nodes;
    k->sc.node_names = k->names;
    k->checker = dslab_checker_find(name);
    if (!k->checker) fail_msg("no checker named %s", name);
    struct dslab_scenario_check check;
    memset(&check, 0, sizeof check);
    snprintf(check.name, sizeof check.name, "%s", name);
    check.args = (char *)args;
    dslab_diag_clear(d);
    int rc = k->checker->create(&k->sc, &check, &k->state, d);
    if (rc == 0) dslab_history_init(&k->h);
    return rc;
}

int h_ck_try(struct h_ck *k, const char *name, const char *args, int nodes, struct dslab_diag *d) {
    return ck_create(k, name, args, nodes, NULL, d);
}

void h_ck_begin(struct h_ck *k, const char *name, const char *args, int nodes) {
    struct dslab_diag d;
    if (ck_create(k, name, args, nodes, NULL, &d) != 0) {
        fail_msg("%s '%s' refused: %s", name, args ? args : "", d.message);
    }
}

void h_ck_begin_named(struct h_ck *k, const char *name, const char *args, const char *node_names) {
    struct dslab_diag d;
    if (ck_create(k, name, args, 0, node_names, &d) != 0) {
        fail_msg("%s '%s' refused: %s", name, args ? args : "", d.message);
    }
}

uint64_t h_ck_emit(struct h_ck *k, int64_t t_ms, enum dslab_trace_kind kind, int32_t node, int32_t peer,
                   int64_t a, const char *tag, const char *text) {
    struct dslab_trace_event ev = {.id = k->next_id++, .t_ns = t_ms * DSLAB_NS_PER_MS, .kind = kind,
                             .node = node, .peer = peer, .a = a, .tag = tag, .text = text};
    k->checker->on_event(k->state, &ev);
    return ev.id;
}

uint64_t h_ck_note(struct h_ck *k, int64_t t_ms, int32_t node, const char *tag, const char *text,
                   int64_t a) {
    return h_ck_emit(k, t_ms, DSLAB_TRACE_ANNOTATE, node, -1, a, tag, text);
}

uint64_t h_ck_report(struct h_ck *k, int64_t t_ms, int32_t node, enum dslab_annotation_kind kind,
                     enum dslab_role_class role, const char *tag, const char *text, int64_t a, int64_t b) {
    struct dslab_trace_event ev = {.id = k->next_id++, .t_ns = t_ms * DSLAB_NS_PER_MS, .kind = DSLAB_TRACE_ANNOTATE,
                             .node = node, .peer = -1, .a = a, .b = b, .tag = tag, .text = text,
                             .annotation = kind, .role = role};
    k->checker->on_event(k->state, &ev);
    return ev.id;
}

uint64_t h_ck_role(struct h_ck *k, int64_t t_ms, int32_t node, const char *text, int64_t a) {
    static const struct { const char *text; enum dslab_role_class role; } names[] = {
        {"leader", DSLAB_ROLE_LEADER},   {"primary", DSLAB_ROLE_PRIMARY},     {"backup", DSLAB_ROLE_BACKUP},
        {"follower", DSLAB_ROLE_FOLLOWER}, {"candidate", DSLAB_ROLE_CANDIDATE},
    };
    enum dslab_role_class role = DSLAB_ROLE_OTHER;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(text, names[i].text) == 0) role = names[i].role;
    return h_ck_report(k, t_ms, node, DSLAB_ANNOTATION_ROLE, role, "role", text, a, 0);
}

uint64_t h_ck_final_state(struct h_ck *k, int64_t t_ms, int32_t node, const char *role_text) {
    h_ck_role(k, t_ms, node, role_text, 1);
    return h_ck_report(k, t_ms, node, DSLAB_ANNOTATION_FINAL_STATE, DSLAB_ROLE_NONE, "final-state", "state",
                       1, 0);
}

uint64_t h_ck_final_value(struct h_ck *k, int64_t t_ms, int32_t node, int64_t key, int64_t value) {
    char text[64];
    snprintf(text, sizeof text, "key=%lld value=%lld", (long long)key, (long long)value);
    return h_ck_report(k, t_ms, node, DSLAB_ANNOTATION_FINAL_VALUE, DSLAB_ROLE_NONE, "final", text, value, key);
}

uint64_t h_ck_record(struct h_ck *k, const struct dslab_history_op *op, bool emit) {
    struct dslab_history_op o = *op;
    o.trace_id = k->next_id++;
    assert_int_equal(dslab_history_append(&k->h, &o), 0);
    if (emit) {
        struct dslab_trace_event ev = {.id = o.trace_id, .t_ns = o.time_ns, .kind = DSLAB_TRACE_CLIENT,
                                 .node = o.node, .peer = -1, .op = &o};
        k->checker->on_event(k->state, &ev);
    }
    return o.trace_id;
}

uint64_t h_ck_op(struct h_ck *k, int32_t client, enum dslab_op_fn fn, int64_t key, int64_t value,
                 int64_t t0_ms, int64_t t1_ms, enum dslab_op_type type) {
    struct dslab_history_op o = {.op_id = ++k->next_op, .type = DSLAB_OP_INVOKE, .fn = fn, .client = client,
                           .node = client, .key = key,
                           .value = fn == DSLAB_OP_READ ? DSLAB_HISTORY_NIL : value,
                           .expected = DSLAB_HISTORY_NIL, .time_ns = t0_ms * DSLAB_NS_PER_MS};
    h_ck_record(k, &o, false);
    if (type != DSLAB_OP_INVOKE) {
        o.type = type;
        o.time_ns = t1_ms * DSLAB_NS_PER_MS;
        if (fn == DSLAB_OP_READ) o.value = type == DSLAB_OP_OK ? value : DSLAB_HISTORY_NIL;
        h_ck_record(k, &o, false);
    }
    return o.op_id;
}

static int by_time(const void *pa, const void *pb) {
    const struct dslab_history_op *a = pa, *b = pb;
    if (a->time_ns != b->time_ns) return a->time_ns < b->time_ns ? -1 : 1;
    if (a->trace_id != b->trace_id) return a->trace_id < b->trace_id ? -1 : 1;
    return 0;
}

enum dslab_check_verdict h_ck_end(struct h_ck *k, int64_t end_ms) {
    if (k->h.count > 1) qsort(k->h.ops, k->h.count, sizeof *k->h.ops, by_time); /* ops may be NULL */
    snprintf(k->result.name, sizeof k->result.name, "%s", k->checker->name);
    k->checker->finish(k->state, &k->h, end_ms * DSLAB_NS_PER_MS, &k->result);
    k->checker->destroy(k->state);
    k->state = NULL;
    dslab_history_deinit(&k->h);
    return k->result.verdict;
}

void h_ck_expect_at(struct h_ck *k, int64_t end_ms, enum dslab_check_verdict want, const char *summary_has,
                    const char *file, int line) {
    enum dslab_check_verdict got = h_ck_end(k, end_ms);
    _assert_int_equal(cast_to_largest_integral_type(got), cast_to_largest_integral_type(want), file, line);
    if (!strstr(k->result.summary, summary_has)) {
        print_error("summary '%s' does not contain '%s'\n", k->result.summary, summary_has);
        _fail(file, line);
    }
}

struct dslab_check_result h_ck_result(struct h_ck *k, int64_t end_ms) {
    h_ck_end(k, end_ms);
    return k->result;
}

void h_ck_expect_refused(const char *name, const char *args, int nodes, const char *part) {
    struct h_ck k;
    struct dslab_diag d;
    if (h_ck_try(&k, name, args, nodes, &d) == 0) {
        k.checker->destroy(k.state);
        dslab_history_deinit(&k.h);
        fail_msg("%s accepted '%s'", name, args);
    }
    if (!strstr(d.message, part)) fail_msg("%s '%s': expected '%s' in '%s'", name, args, part, d.message);
}

void h_ck_expect_refused_each(const char *name, const char *const *args, int nodes, const char *part) {
    for (; *args; args++) h_ck_expect_refused(name, *args, nodes, part);
}

bool h_has_node(const struct dslab_check_violation *v, int32_t node) {
    for (int i = 0; i < v->nodes_count; i++) {
        if (v->nodes[i] == node) return true;
    }
    return false;
}

bool h_has_evidence(const struct dslab_check_violation *v, uint64_t trace_id) {
    for (int i = 0; i < v->evidence_count; i++) {
        if (v->evidence[i] == trace_id) return true;
    }
    return false;
}

void h_tmp_template(char *buf, size_t size, const char *name) {
    const char *tmp = getenv("TMPDIR");
    int n = snprintf(buf, size, "%s/dslab_%s_XXXXXX", tmp && tmp[0] ? tmp : "/tmp", name);
    if (n < 0 || (size_t)n >= size) fail_msg("TMPDIR is too long for a temporary file name");
}

struct dslab_scenario *h_save_reload(const struct dslab_scenario *s) {
    char path[4096];
    h_tmp_template(path, sizeof path, "test_save");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    struct dslab_diag d;
    dslab_diag_clear(&d);
    if (dslab_scenario_save(s, path, &d) != 0) {
        unlink(path);
        fail_msg("dslab_scenario_save: %s", d.message);
    }
    struct dslab_scenario *back = dslab_scenario_load(path, NULL, 0, NULL, &d);
    unlink(path);
    if (!back) fail_msg("the saved scenario did not load: %s:%d:%d: %s", d.file, d.line, d.col, d.message);
    return back;
}

void h_ignore_timer(struct dslab_node_ctx *ctx, void *state, uint64_t id, uint64_t tag) {
    (void)ctx;
    (void)state;
    (void)id;
    (void)tag;
}

void h_ignore_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *msg, size_t len) {
    (void)ctx;
    (void)state;
    (void)from;
    (void)msg;
    (void)len;
}
