/* process_node.c: the `process:` protocol. Each node is a child process
 * speaking JSON Lines in lockstep (docs/PROCESS_NODES.md): for every event
 * dslab writes one line and reads the node's action lines up to
 * {"action":"done"}, applying each through the ordinary context API, so a
 * process node is traced, checked and visualised like a built-in one.
 *
 * Deterministic core: what the node sees and does depends only on the
 * bytes it writes. The host I/O (spawn, pipes, deadlines) is in
 * process_io.c; a deadline that passes stops the run, never changes it.
 *
 * Crash model: a crash keeps the process until the restart (it gets no
 * event in between: nothing it does can be observed), then the restart
 * kills it (SIGKILL, reaped), which loses every volatile byte, and starts
 * a fresh process that gets a "restart" event; the durable store is the
 * simulator's, so it survives. Ownership: the config owns every process;
 * destroy_config kills and reaps them all. */
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/node.h"
#include "dslab/process_ring.h"
#include "dslab/text.h"
#include "nodes/process_argv.h"
#include "nodes/process_io.h"
#include "nodes/process_line.h"
#include "nodes/process_node.h"
#include "nodes/process_reply.h"
#include "grow.h"
#include "sim_internal.h"

#define TIMERS_MAX 4096      /* pending timers per node */
#define REQUESTS_KEPT 4096   /* recent client requests per node, to check replies */
#define TAGS_MAX 64          /* distinct annotation tags per run */
#define PROCESS_STARTUP_MS 10000 /* extra wall time for a process's first event */

struct ptimer {
    char id[PROCESS_TIMER_ID_MAX + 1]; /* "" = free slot */
    uint64_t sim_id;
};

struct preq {
    uint64_t request_id;
    int32_t client;
    int fn;
};

struct pnode {
    struct proc proc;
    struct ptimer *timers; /* owned */
    int timers_used;       /* slots in use at the front may have holes */
    int timers_cap;
    struct preq reqs[REQUESTS_KEPT]; /* ring */
    int reqs_next, reqs_count;
    bool ring_asked; /* use_ring seen in this (first) event */
};

struct sbuf {
    char *p;
    size_t len, cap;
    bool oom;
};

/* A node's answer to the finish event: report_final_state announces
 * keys_count, exactly that many report_final_value lines with distinct
 * keys follow (checked at done). Reset at every event. */
struct final_report {
    bool stated;          /* report_final_state seen */
    int64_t keys_count;   /* as announced */
    int64_t *keys;        /* owned: the keys reported so far */
    size_t count, cap;
};

struct pconfig {
    char **argv;            /* owned (one allocation) */
    char command[80];       /* for messages, shortened */
    char *cwd;              /* owned: the scenario file's directory */
    int64_t timeout_ms;
    char *params_json;      /* owned: {"key": value, ...} */
    char *node_ids_json;    /* owned: ["n1","n2"] */
    char **name_json;       /* owned: each node's name as a JSON string */
    int32_t nodes_count;
    struct pnode *nodes;    /* owned */
    char tags[TAGS_MAX][PROCESS_TAG_MAX + 1];
    int tags_count;
    struct sbuf out;        /* the event line being written */
    struct final_report fin; /* the current event's final-state report */
};

struct pstate {
    char describe[PROCESS_DESCRIBE_MAX + 1]; /* the node's "describe" text; volatile */
};

/* What the node was told, for error messages. */
struct what {
    const char *kind;     /* "init", "restart", "message", "timer", "request", "finish" */
    int32_t from;
    const void *payload;  /* message body */
    size_t payload_len;
    const char *timer_id;
    int32_t client;
    const char *op;
};

/* --- a growable line buffer ----------------------------------------------- */

static void sb_add(struct sbuf *b, const char *s, size_t n) {
    if (b->oom) return;
    if (grow_bytes(&b->p, &b->cap, b->len + n + 1, 4096) != 0) {
        b->oom = true;
        return;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_str(struct sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_i64(struct sbuf *b, int64_t v) {
    char t[24];
    int n = snprintf(t, sizeof t, "%lld", (long long)v);
    sb_add(b, t, (size_t)n);
}

static void sb_json_string(struct sbuf *b, const char *s) {
    json_t *j = json_string(s);
    char *t = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    if (t) sb_str(b, t);
    else b->oom = true;
    free(t);
    json_decref(j);
}

/* --- configuration -------------------------------------------------------- */

static struct pconfig *cfg_of(struct dslab_node_ctx *ctx) {
    /* The config is this run's process table: mutable by design, owned by
     * the sim (one per dslab_sim_create), never shared between runs. */
    return (struct pconfig *)(uintptr_t)dslab_ctx_config(ctx);
}

static void destroy_config(void *config) {
    struct pconfig *c = config;
    if (!c) return;
    for (int32_t i = 0; c->nodes && i < c->nodes_count; i++) {
        proc_kill(&c->nodes[i].proc);
        free(c->nodes[i].timers);
    }
    free(c->nodes);
    for (int32_t i = 0; c->name_json && i < c->nodes_count; i++) free(c->name_json[i]);
    free(c->name_json);
    free(c->argv);
    free(c->cwd);
    free(c->params_json);
    free(c->node_ids_json);
    free(c->out.p);
    free(c->fin.keys);
    free(c);
}

/* A parameter as JSON: integers and true/false typed, the rest strings. */
static json_t *param_value(const char *text) {
    if (strcmp(text, "true") == 0) return json_true();
    if (strcmp(text, "false") == 0) return json_false();
    const char *d = text + (text[0] == '-');
    bool digits = *d != '\0' && strlen(d) <= 18;
    for (const char *c = d; *c && digits; c++) digits = *c >= '0' && *c <= '9';
    if (digits) return json_integer(strtoll(text, NULL, 10));
    return json_string(text);
}

static bool is_client_like(const char *name) {
    if (name[0] != 'c' || !name[1]) return false;
    for (const char *c = name + 1; *c; c++) {
        if (*c < '0' || *c > '9') return false;
    }
    return true;
}

static int configure_into(const struct dslab_scenario *s, struct pconfig *c, struct dslab_diag *diag) {
    const struct dslab_scenario_protocol *sp = &s->protocol;
    char err[200];
    if (!sp->process || !(c->argv = process_argv_split(sp->process, err, sizeof err))) {
        return dslab_diag_set(diag, s->path, sp->pos.line, sp->pos.col, "process: %s",
                        sp->process ? err : "no command");
    }
    size_t clen = strlen(sp->process);
    snprintf(c->command, sizeof c->command, "%.*s%s", clen > 60 ? 57 : (int)clen, sp->process,
             clen > 60 ? "..." : "");
    int64_t timeout_ns;
    const struct dslab_scenario_param *tp = dslab_param_find(s, PROCESS_TIMEOUT_PARAM);
    if (dslab_param_duration_ns(s, PROCESS_TIMEOUT_PARAM, PROCESS_TIMEOUT_NS_DEFAULT, &timeout_ns, diag) < 0) {
        return -1;
    }
    if (timeout_ns < PROCESS_TIMEOUT_NS_MIN || timeout_ns > PROCESS_TIMEOUT_NS_MAX) {
        return dslab_param_error_at(s, tp, diag, "must be 10ms..10m (wall time a node may take per event)");
    }
    c->timeout_ms = timeout_ns / 1000000;
    c->cwd = strdup(sp->process_dir ? sp->process_dir : ".");
    json_t *params = json_object();
    json_t *ids = json_array();
    c->nodes_count = s->nodes_count;
    c->name_json = calloc((size_t)s->nodes_count, sizeof *c->name_json);
    c->nodes = calloc((size_t)s->nodes_count, sizeof *c->nodes);
    for (int32_t i = 0; c->nodes && i < s->nodes_count; i++) { /* no process: no fd */
        c->nodes[i].proc.io_fd = c->nodes[i].proc.err_fd = -1;
    }
    if (!c->cwd || !params || !ids || !c->name_json || !c->nodes) goto oom;
    for (int i = 0; i < sp->params_count; i++) {
        if (strcmp(sp->params[i].key, PROCESS_TIMEOUT_PARAM) == 0) continue;
        json_t *v = param_value(sp->params[i].value);
        if (!v || json_object_set_new(params, sp->params[i].key, v) != 0) goto oom;
    }
    for (int32_t i = 0; i < s->nodes_count; i++) {
        const char *name = s->node_names[i];
        if (is_client_like(name) || strcmp(name, "dslab") == 0) {
            json_decref(params);
            json_decref(ids);
            return dslab_diag_set(diag, s->path, sp->pos.line, sp->pos.col,
                            "process nodes: node name '%s' is reserved (clients are c0, c1, ...; "
                            "dslab's own events come from 'dslab'); rename the node", name);
        }
        json_t *n = json_string(name);
        if (!n || !(c->name_json[i] = json_dumps(n, JSON_ENCODE_ANY)) ||
            json_array_append_new(ids, n) != 0) {
            goto oom;
        }
    }
    c->params_json = json_dumps(params, JSON_COMPACT | JSON_PRESERVE_ORDER);
    c->node_ids_json = json_dumps(ids, JSON_COMPACT);
    json_decref(params);
    json_decref(ids);
    if (!c->params_json || !c->node_ids_json) return dslab_diag_set(diag, s->path, 0, 0, "out of memory");
    return 0;
oom:
    json_decref(params);
    json_decref(ids);
    return dslab_diag_set(diag, s->path, 0, 0, "out of memory");
}

/* On failure nothing is left allocated (*config_out stays NULL). */
static int configure(const struct dslab_scenario *s, void **config_out, struct dslab_diag *diag) {
    *config_out = NULL;
    struct pconfig *c = calloc(1, sizeof *c);
    if (!c) return dslab_diag_set(diag, s->path, 0, 0, "out of memory");
    if (configure_into(s, c, diag) != 0) {
        destroy_config(c);
        return -1;
    }
    *config_out = c;
    return 0;
}

/* --- errors --------------------------------------------------------------- */

static void describe_what(struct dslab_node_ctx *ctx, const struct what *w, char *buf, size_t size) {
    if (strcmp(w->kind, "message") == 0) {
        json_t *body = json_loadb(w->payload, w->payload_len, 0, NULL);
        const char *type = json_string_value(json_object_get(body, "type"));
        snprintf(buf, size, "message from %s type=%.40s", dslab_ctx_node_name(ctx, w->from),
                 type ? type : "?");
        json_decref(body);
    } else if (strcmp(w->kind, "timer") == 0) {
        snprintf(buf, size, "timer id=%s", w->timer_id);
    } else if (strcmp(w->kind, "request") == 0) {
        snprintf(buf, size, "client request from c%d type=%s", (int)w->client, w->op);
    } else {
        snprintf(buf, size, "%s", w->kind);
    }
}

/* Stops the run: "node n2 (CMD): WHAT after EVENT[: DETAIL]", and kills
 * the node's process (the others go when the sim is destroyed). */
static void node_fail_detail(struct dslab_node_ctx *ctx, const struct what *w, const char *detail,
                             const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void node_fail_detail(struct dslab_node_ctx *ctx, const struct what *w, const char *detail,
                             const char *fmt, ...) {
    struct pconfig *c = cfg_of(ctx);
    char msg[400], event[120];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    describe_what(ctx, w, event, sizeof event);
    /* What the nodes said on stderr comes before the error that ends the run. */
    for (int32_t i = 0; i < c->nodes_count; i++) proc_forward_stderr(&c->nodes[i].proc);
    sim_fail(ctx->sim, "node %s (%s): %s after %s%s%s", dslab_ctx_node_name(ctx, dslab_ctx_self(ctx)),
             c->command, msg, event, detail ? ": " : "", detail ? detail : "");
    proc_kill(&c->nodes[dslab_ctx_self(ctx)].proc);
}

#define node_fail(ctx, w, ...) node_fail_detail(ctx, w, NULL, __VA_ARGS__)

/* --- applying actions ----------------------------------------------------- */

static int32_t node_index(const struct pconfig *c, struct dslab_node_ctx *ctx, const char *name) {
    for (int32_t i = 0; i < c->nodes_count; i++) {
        if (strcmp(dslab_ctx_node_name(ctx, i), name) == 0) return i;
    }
    return -1;
}

static int timer_find(const struct pnode *pn, const char *id) {
    for (int i = 0; i < pn->timers_used; i++) {
        if (pn->timers[i].id[0] && strcmp(pn->timers[i].id, id) == 0) return i;
    }
    return -1;
}

static void timers_clear(struct pnode *pn) {
    pn->timers_used = 0;
    pn->reqs_count = pn->reqs_next = 0;
}

static int act_set_timer(struct dslab_node_ctx *ctx, struct pnode *pn, const struct pline *l,
                         const struct what *w) {
    int slot = timer_find(pn, l->timer_id);
    if (slot >= 0) {
        dslab_ctx_cancel_timer(ctx, pn->timers[slot].sim_id);
    } else {
        for (slot = 0; slot < pn->timers_used && pn->timers[slot].id[0]; slot++) {
        }
        if (slot == pn->timers_used) {
            if (slot == TIMERS_MAX) {
                node_fail(ctx, w, "more than %d timers pending", TIMERS_MAX);
                return -1;
            }
            if (slot == pn->timers_cap) {
                int cap = pn->timers_cap ? pn->timers_cap * 2 : 8;
                struct ptimer *t = realloc(pn->timers, (size_t)cap * sizeof *t);
                if (!t) {
                    node_fail(ctx, w, "out of memory for timers");
                    return -1;
                }
                pn->timers = t;
                pn->timers_cap = cap;
            }
            pn->timers_used++;
        }
        memcpy(pn->timers[slot].id, l->timer_id, strlen(l->timer_id) + 1);
    }
    pn->timers[slot].sim_id = dslab_ctx_set_timer(ctx, l->delay_ns, (uint64_t)slot);
    return 0;
}

static void act_cancel_timer(struct dslab_node_ctx *ctx, struct pnode *pn, const struct pline *l) {
    int slot = timer_find(pn, l->timer_id);
    if (slot < 0) return; /* harmless, like dslab_ctx_cancel_timer of a fired timer */
    dslab_ctx_cancel_timer(ctx, pn->timers[slot].sim_id);
    pn->timers[slot].id[0] = '\0';
    while (pn->timers_used > 0 && !pn->timers[pn->timers_used - 1].id[0]) pn->timers_used--;
}

static const struct preq *req_find(const struct pnode *pn, uint64_t request_id) {
    for (int k = 1; k <= pn->reqs_count; k++) {
        const struct preq *r = &pn->reqs[(pn->reqs_next - k + REQUESTS_KEPT) % REQUESTS_KEPT];
        if (r->request_id == request_id) return r;
    }
    return NULL;
}

static int act_client_reply(struct dslab_node_ctx *ctx, struct pconfig *c, struct pnode *pn,
                            const struct pline *l, const struct what *w) {
    int32_t client = (int32_t)strtol(l->dest + 1, NULL, 10);
    if (l->in_reply_to < 0) {
        node_fail(ctx, w, "a message to client %s needs body.in_reply_to (the request's msg_id)",
                  l->dest);
        return -1;
    }
    const struct preq *r = req_find(pn, (uint64_t)l->in_reply_to);
    if (r && r->client != client) {
        node_fail(ctx, w, "reply to %s with in_reply_to=%lld, a request of c%d", l->dest,
                  (long long)l->in_reply_to, (int)r->client);
        return -1;
    }
    struct process_reply rep;
    char err[200];
    if (process_reply_map(pline_body(l), r ? r->fn : -1, &rep, err, sizeof err) < 0) {
        node_fail(ctx, w, "reply to %s: %s", l->dest, err);
        return -1;
    }
    if (rep.retry_at) {
        int32_t to = node_index(c, ctx, rep.retry_at);
        if (to < 0) {
            node_fail(ctx, w, "reply to %s: retry_at '%.40s' is not a node", l->dest, rep.retry_at);
            return -1;
        }
        rep.value = to;
    }
    dslab_ctx_reply(ctx, (uint64_t)l->in_reply_to, rep.status, rep.value);
    return 0;
}

static int act_send(struct dslab_node_ctx *ctx, struct pconfig *c, struct pnode *pn,
                    const struct pline *l, const struct what *w) {
    const char *self = dslab_ctx_node_name(ctx, dslab_ctx_self(ctx));
    if (l->src && strcmp(l->src, self) != 0) {
        node_fail(ctx, w, "sent a message with src '%.40s'; this node is '%s'", l->src, self);
        return -1;
    }
    if (strcmp(l->dest, "dslab") == 0) return 0; /* init_ok and the like: accepted, ignored */
    int32_t to = node_index(c, ctx, l->dest);
    if (to < 0 && is_client_like(l->dest)) return act_client_reply(ctx, c, pn, l, w);
    if (to < 0) {
        node_fail(ctx, w, "send to '%.40s', which is neither a node nor a client", l->dest);
        return -1;
    }
    if (l->body_len > DSLAB_MSG_PAYLOAD_MAX) {
        node_fail(ctx, w, "message body of %zu bytes to %s, more than %d (DSLAB_MSG_PAYLOAD_MAX)",
                  l->body_len, l->dest, DSLAB_MSG_PAYLOAD_MAX);
        return -1;
    }
    dslab_ctx_send(ctx, to, l->body, l->body_len);
    return 0;
}

/* The node's kept copy of `tag` (annotation tags and term words must
 * outlive the line); NULL, with the node failed, past TAGS_MAX of them. */
static const char *intern_tag(struct dslab_node_ctx *ctx, const struct what *w, struct pconfig *c, const char *tag) {
    for (int i = 0; i < c->tags_count; i++) {
        if (strcmp(c->tags[i], tag) == 0) return c->tags[i];
    }
    if (c->tags_count == TAGS_MAX) {
        node_fail(ctx, w, "more than %d different annotation tags", TAGS_MAX);
        return NULL;
    }
    snprintf(c->tags[c->tags_count], sizeof c->tags[0], "%s", tag);
    return c->tags[c->tags_count++];
}


static int act_store_get(struct dslab_node_ctx *ctx, struct pnode *pn, const struct pline *l,
                         const struct what *w) {
    struct pconfig *c = cfg_of(ctx);
    const void *value;
    long n = dslab_ctx_store_get(ctx, l->key, &value);
    struct sbuf *b = &c->out;
    b->len = 0;
    sb_str(b, "{\"type\":\"store_value\",\"key\":");
    sb_json_string(b, l->key);
    sb_str(b, ",\"value\":");
    if (n >= 0) sb_add(b, value, (size_t)n);
    else sb_str(b, "null");
    sb_str(b, "}\n");
    char err[200] = "";
    if (b->oom) {
        node_fail(ctx, w, "out of memory");
        return -1;
    }
    enum proc_result r = proc_write(&pn->proc, b->p, b->len, proc_now_ms() + c->timeout_ms, err,
                                    sizeof err);
    if (r != PROC_OK) {
        node_fail(ctx, w, "could not answer store_get: %s", r == PROC_TIMEOUT ? "timed out" : err[0] ? err : "the process is gone");
        return -1;
    }
    return 0;
}

static bool in_finish(const struct what *w) { return strcmp(w->kind, "finish") == 0; }

static int act_final_state(struct dslab_node_ctx *ctx, struct pconfig *c, const struct pline *l,
                           const struct what *w) {
    if (!in_finish(w)) {
        node_fail(ctx, w, "report_final_state outside the finish event (final values are "
                  "reported in answer to {\"type\":\"finish\"})");
        return -1;
    }
    if (c->fin.stated) {
        node_fail(ctx, w, "a second report_final_state in one finish event");
        return -1;
    }
    c->fin.stated = true;
    c->fin.keys_count = l->number;
    dslab_ctx_report_final_state(ctx, l->number, "%s", l->text);
    return 0;
}

static int act_final_value(struct dslab_node_ctx *ctx, struct pconfig *c, const struct pline *l,
                           const struct what *w) {
    struct final_report *f = &c->fin;
    if (!in_finish(w)) {
        node_fail(ctx, w, "report_final_value outside the finish event (final values are "
                  "reported in answer to {\"type\":\"finish\"})");
        return -1;
    }
    if (!f->stated) {
        node_fail(ctx, w, "report_final_value (key %lld) before report_final_state",
                  (long long)l->final_key);
        return -1;
    }
    if ((int64_t)f->count >= f->keys_count) {
        node_fail(ctx, w, "report_final_value (key %lld) past the %lld keys_count of "
                  "report_final_state", (long long)l->final_key, (long long)f->keys_count);
        return -1;
    }
    if (f->count == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 64;
        int64_t *k = realloc(f->keys, cap * sizeof *k);
        if (!k) {
            node_fail(ctx, w, "out of memory for final values");
            return -1;
        }
        f->keys = k;
        f->cap = cap;
    }
    f->keys[f->count++] = l->final_key;
    dslab_ctx_report_final_value(ctx, l->final_key, l->number);
    return 0;
}

static int key_cmp(const void *pa, const void *pb) {
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return a < b ? -1 : a > b;
}

/* At done: every announced final value came, each key once. */
static int final_complete(struct dslab_node_ctx *ctx, struct pconfig *c, const struct what *w) {
    struct final_report *f = &c->fin;
    if (!f->stated) return 0;
    if ((int64_t)f->count != f->keys_count) {
        node_fail(ctx, w, "report_final_state announced keys_count %lld, then %zu "
                  "report_final_value before done", (long long)f->keys_count, f->count);
        return -1;
    }
    if (f->count > 1) qsort(f->keys, f->count, sizeof *f->keys, key_cmp);
    for (size_t i = 1; i < f->count; i++) {
        if (f->keys[i] == f->keys[i - 1]) {
            node_fail(ctx, w, "report_final_value for key %lld twice", (long long)f->keys[i]);
            return -1;
        }
    }
    return 0;
}

static int apply(struct dslab_node_ctx *ctx, void *state, struct pnode *pn, const struct pline *l,
                 const struct what *w) {
    struct pconfig *c = cfg_of(ctx);
    struct pstate *st = state;
    switch (l->kind) {
    case PLINE_DONE:
        return final_complete(ctx, c, w) < 0 ? -1 : 1;
    case PLINE_SEND:
        return act_send(ctx, c, pn, l, w);
    case PLINE_SET_TIMER:
        return act_set_timer(ctx, pn, l, w);
    case PLINE_CANCEL_TIMER:
        act_cancel_timer(ctx, pn, l);
        return 0;
    case PLINE_STORE_PUT:
        if (dslab_ctx_store_put(ctx, l->key, l->value, l->value_len) != 0) {
            node_fail(ctx, w, "store_put of key '%s' (%zu bytes) is past the store's limits "
                      "(%d keys, %d bytes a value)", l->key, l->value_len, DSLAB_STORE_KEYS_MAX,
                      DSLAB_STORE_VALUE_BYTES_MAX);
            return -1;
        }
        return 0;
    case PLINE_STORE_GET:
        return act_store_get(ctx, pn, l, w);
    case PLINE_STORE_SYNC:
        dslab_ctx_store_sync(ctx);
        return 0;
    case PLINE_ANNOTATE: {
        const char *tag = intern_tag(ctx, w, c, l->tag);
        if (!tag) return -1;
        dslab_ctx_annotate(ctx, tag, l->number, "%s", l->text);
        return 0;
    }
    case PLINE_DESCRIBE:
        snprintf(st->describe, sizeof st->describe, "%s", l->text);
        return 0;
    case PLINE_REPORT_ROLE:
        dslab_ctx_report_role(ctx, (enum dslab_role_class)l->role, l->number, "%s", l->text);
        return 0;
    case PLINE_REPORT_TERM: {
        const char *word = intern_tag(ctx, w, c, l->tag);
        if (!word) return -1;
        dslab_ctx_report_term(ctx, l->number, word);
        return 0;
    }
    case PLINE_REPORT_FINAL_STATE:
        return act_final_state(ctx, c, l, w);
    case PLINE_REPORT_FINAL_VALUE:
        return act_final_value(ctx, c, l, w);
    case PLINE_USE_RING:
        if (strcmp(w->kind, "init") != 0 && strcmp(w->kind, "restart") != 0) {
            node_fail(ctx, w, "use_ring outside init and restart (the transport is chosen once, "
                      "in answer to the first event)");
            return -1;
        }
        if (!pn->proc.ring) {
            node_fail(ctx, w, "use_ring, but no ring was offered (%s is not set: not Linux, "
                      "or the memory file could not be made); stay on stdin/stdout",
                      DSLAB_RING_ENV);
            return -1;
        }
        pn->ring_asked = true;
        return 0;
    }
    return 0;
}

/* Sends c->out (one event line) and applies the node's lines up to done.
 * 0, or -1 after failing the run. */
static int exchange(struct dslab_node_ctx *ctx, void *state, const struct what *w, bool first) {
    struct pconfig *c = cfg_of(ctx);
    struct pnode *pn = &c->nodes[dslab_ctx_self(ctx)];
    char err[200] = "", exit_how[120];
    if (c->out.oom) {
        node_fail(ctx, w, "out of memory");
        return -1;
    }
    c->fin.stated = false;
    c->fin.count = 0;
    if (proc_pending(&pn->proc) > 0) {
        node_fail(ctx, w, "output after the done marker of the previous event (%zu bytes)",
                  proc_pending(&pn->proc));
        return -1;
    }
    /* A process's first event also pays for its start-up (an interpreter
     * loading its modules): it gets PROCESS_STARTUP_MS more. */
    int64_t allowance_ms = c->timeout_ms + (first ? PROCESS_STARTUP_MS : 0);
    int64_t deadline_ms = proc_now_ms() + allowance_ms;
    enum proc_result r = proc_write(&pn->proc, c->out.p, c->out.len, deadline_ms, err, sizeof err);
    for (;;) {
        const char *line = NULL;
        size_t len = 0;
        if (r == PROC_OK) r = proc_read_line(&pn->proc, &line, &len, deadline_ms, err, sizeof err);
        switch (r) {
        case PROC_OK:
            break;
        case PROC_EOF:
            proc_describe_exit(&pn->proc, exit_how, sizeof exit_how);
            node_fail(ctx, w, "the process %s", exit_how);
            return -1;
        case PROC_TIMEOUT:
            node_fail(ctx, w, "no done marker within %lld%s%s",
                      (long long)(c->timeout_ms % 1000 ? c->timeout_ms : c->timeout_ms / 1000),
                      c->timeout_ms % 1000 ? "ms" : "s", first ? " (+10s to start)" : "");
            return -1;
        case PROC_TOO_LONG:
            node_fail(ctx, w, "a line longer than %d bytes", PROCESS_LINE_BYTES_MAX);
            return -1;
        case PROC_IO_ERROR:
            node_fail(ctx, w, "%s", err);
            return -1;
        }
        struct pline l;
        if (pline_parse(line, len, &l, err, sizeof err) < 0) {
            char shown[100], detail[360];
            dslab_text_escape(line, len > 60 ? 60 : len, shown, sizeof shown);
            snprintf(detail, sizeof detail, "%s; the line: %s%s", err, shown, len > 60 ? "..." : "");
            node_fail_detail(ctx, w, detail, "malformed line");
            return -1;
        }
        int a = apply(ctx, state, pn, &l, w);
        pline_free(&l);
        if (a < 0) return -1;
        if (a > 0) {
            /* The switch happens between events: the done marker came
             * through the socket, the next event goes to the ring. */
            if (pn->ring_asked && !pn->proc.ring_on) proc_use_ring(&pn->proc);
            return 0;
        }
        if (ctx->sim->failed) return -1; /* a limit hit inside dslab_ctx_send & co */
    }
}

/* --- events --------------------------------------------------------------- */

/* Starts the line: {"src":SRC,"dest":SELF,"body": */
static struct sbuf *begin(struct dslab_node_ctx *ctx, const char *src_json) {
    struct pconfig *c = cfg_of(ctx);
    c->out.len = 0;
    c->out.oom = false;
    sb_str(&c->out, "{\"src\":");
    sb_str(&c->out, src_json);
    sb_str(&c->out, ",\"dest\":");
    sb_str(&c->out, c->name_json[dslab_ctx_self(ctx)]);
    sb_str(&c->out, ",\"body\":");
    return &c->out;
}

/* Ends the line with the node's clocks. */
static void finish_line(struct dslab_node_ctx *ctx, struct sbuf *b) {
    sb_str(b, ",\"mono_ns\":");
    sb_i64(b, dslab_ctx_mono_ns(ctx));
    sb_str(b, ",\"wall_ns\":");
    sb_i64(b, dslab_ctx_wall_ns(ctx));
    sb_str(b, "}\n");
}

static bool usable(struct dslab_node_ctx *ctx) {
    return !ctx->sim->failed && cfg_of(ctx)->nodes[dslab_ctx_self(ctx)].proc.pid > 0;
}

static void start(struct dslab_node_ctx *ctx, void *state, const char *kind) {
    struct pconfig *c = cfg_of(ctx);
    if (ctx->sim->failed) return;
    int32_t self = dslab_ctx_self(ctx);
    struct pnode *pn = &c->nodes[self];
    proc_kill(&pn->proc); /* a restart: the old process and its memory go */
    timers_clear(pn);
    pn->ring_asked = false;
    struct what w = {.kind = kind};
    char prefix[48], err[300];
    snprintf(prefix, sizeof prefix, "[%s] ", dslab_ctx_node_name(ctx, self));
    if (proc_spawn(&pn->proc, c->argv, c->cwd, prefix, PROCESS_LINE_BYTES_MAX, err, sizeof err) != 0) {
        sim_fail(ctx->sim, "node %s (%s): %s", dslab_ctx_node_name(ctx, self), c->command, err);
        return;
    }
    /* A seed for the node's own PRNG from its dslab stream, below 2^53 so
     * every JSON reader (JavaScript too) keeps it exact. */
    uint64_t seed = dslab_rng_next_u64(dslab_ctx_rng(ctx)) >> 11;
    struct sbuf *b = begin(ctx, "\"dslab\"");
    sb_str(b, "{\"type\":\"");
    sb_str(b, kind);
    sb_str(b, "\",\"msg_id\":0,\"node_id\":");
    sb_str(b, c->name_json[self]);
    sb_str(b, ",\"node_ids\":");
    sb_str(b, c->node_ids_json);
    sb_str(b, ",\"params\":");
    sb_str(b, c->params_json);
    sb_str(b, ",\"seed\":");
    sb_i64(b, (int64_t)seed);
    sb_str(b, "}");
    finish_line(ctx, b);
    exchange(ctx, state, &w, true);
}

static void pn_init(struct dslab_node_ctx *ctx, void *state) { start(ctx, state, "init"); }
static void pn_restart(struct dslab_node_ctx *ctx, void *state) { start(ctx, state, "restart"); }

static void pn_message(struct dslab_node_ctx *ctx, void *state, int32_t from, const void *msg,
                       size_t len) {
    if (!usable(ctx)) return;
    struct sbuf *b = begin(ctx, cfg_of(ctx)->name_json[from]);
    sb_add(b, msg, len);
    finish_line(ctx, b);
    struct what w = {.kind = "message", .from = from, .payload = msg, .payload_len = len};
    exchange(ctx, state, &w, false);
}

static void pn_timer(struct dslab_node_ctx *ctx, void *state, uint64_t timer_id, uint64_t tag) {
    if (!usable(ctx)) return;
    struct pnode *pn = &cfg_of(ctx)->nodes[dslab_ctx_self(ctx)];
    if (tag >= (uint64_t)pn->timers_used || !pn->timers[tag].id[0] ||
        pn->timers[tag].sim_id != timer_id) {
        return; /* replaced or cancelled: the node no longer waits for it */
    }
    char id[PROCESS_TIMER_ID_MAX + 1];
    memcpy(id, pn->timers[tag].id, sizeof id);
    pn->timers[tag].id[0] = '\0';
    while (pn->timers_used > 0 && !pn->timers[pn->timers_used - 1].id[0]) pn->timers_used--;
    struct sbuf *b = begin(ctx, "\"dslab\"");
    sb_str(b, "{\"type\":\"timer\",\"id\":");
    sb_str(b, id);
    sb_str(b, "}");
    finish_line(ctx, b);
    struct what w = {.kind = "timer", .timer_id = id};
    exchange(ctx, state, &w, false);
}

static void pn_request(struct dslab_node_ctx *ctx, void *state, const struct dslab_client_request *req) {
    if (!usable(ctx)) return;
    struct pnode *pn = &cfg_of(ctx)->nodes[dslab_ctx_self(ctx)];
    pn->reqs[pn->reqs_next] = (struct preq){req->request_id, req->client, (int)req->fn};
    pn->reqs_next = (pn->reqs_next + 1) % REQUESTS_KEPT;
    if (pn->reqs_count < REQUESTS_KEPT) pn->reqs_count++;
    char src[24];
    snprintf(src, sizeof src, "\"c%d\"", (int)req->client);
    struct sbuf *b = begin(ctx, src);
    const char *op = req->fn == DSLAB_OP_READ ? "read" : req->fn == DSLAB_OP_WRITE ? "write" : "cas";
    sb_str(b, "{\"type\":\"");
    sb_str(b, op);
    sb_str(b, "\",\"msg_id\":");
    sb_i64(b, (int64_t)req->request_id);
    sb_str(b, ",\"key\":");
    sb_i64(b, req->key);
    if (req->fn == DSLAB_OP_WRITE) {
        sb_str(b, ",\"value\":");
        sb_i64(b, req->value);
    } else if (req->fn == DSLAB_OP_CAS) {
        sb_str(b, ",\"from\":");
        sb_i64(b, req->expected);
        sb_str(b, ",\"to\":");
        sb_i64(b, req->value);
    }
    sb_str(b, ",\"client_serial\":");
    sb_i64(b, (int64_t)req->serial);
    sb_str(b, "}");
    finish_line(ctx, b);
    struct what w = {.kind = "request", .client = req->client, .op = op};
    exchange(ctx, state, &w, false);
}

static void pn_finish(struct dslab_node_ctx *ctx, void *state) {
    proc_forward_stderr(&cfg_of(ctx)->nodes[dslab_ctx_self(ctx)].proc);
    if (!usable(ctx) || ctx->sim->nodes[dslab_ctx_self(ctx)].status == DSLAB_NODE_CRASHED) return;
    struct sbuf *b = begin(ctx, "\"dslab\"");
    sb_str(b, "{\"type\":\"finish\"}");
    finish_line(ctx, b);
    struct what w = {.kind = "finish"};
    exchange(ctx, state, &w, false);
}

static void pn_describe(const void *state, char *buf, size_t buf_size) {
    const struct pstate *st = state;
    snprintf(buf, buf_size, "%s", st->describe[0] ? st->describe : "process");
}

/* "type" of the body, for trace labels. A body is always compact JSON
 * (process_line.c writes it), so one that starts {"type":" followed by a
 * string without escapes has that type verbatim; others are parsed. */
static void pn_label(const void *msg, size_t len, char *buf, size_t buf_size) {
    static const char head[] = "{\"type\":\"";
    const size_t hn = sizeof head - 1;
    const char *m = msg;
    if (len > hn && memcmp(m, head, hn) == 0) {
        const char *q = memchr(m + hn, '"', len - hn);
        if (q && !memchr(m + hn, '\\', (size_t)(q - m) - hn)) {
            snprintf(buf, buf_size, "%.*s", (int)(q - m - hn), m + hn);
            return;
        }
    }
    json_t *body = json_loadb(msg, len, 0, NULL);
    const char *type = json_string_value(json_object_get(body, "type"));
    snprintf(buf, buf_size, "%s", type ? type : "?");
    json_decref(body);
}

const struct dslab_protocol protocol_process = {
    .name = "process",
    .summary = "your own node as a process speaking JSON Lines (docs/PROCESS_NODES.md)",
    .state_size = sizeof(struct pstate),
    .configure = configure,
    .destroy_config = destroy_config,
    .init = pn_init,
    .on_message = pn_message,
    .on_timer = pn_timer,
    .on_request = pn_request,
    .on_restart = pn_restart,
    .describe = pn_describe,
    .message_label = pn_label,
    .on_finish = pn_finish,
};
