/* shiviz.c: the ShiViz log writer (dslab/shiviz.h): a trace sink that
 * keeps a vector clock per node and one per message in flight, and writes
 * two lines per logged event. Messages in flight are in an open-addressing
 * table keyed by message id (linear probing, backward-shift deletion),
 * each with a copy count: a duplicate adds one, a delivery or a drop in
 * flight takes one, the entry goes at zero. Cost per event: O(nodes) for
 * the clock line, O(1) expected for the table. */
#include "dslab/shiviz.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/json_write.h"
#include "dslab/text.h"
#include "dslab/time.h"

struct sv_msg {
    uint64_t id;      /* 0 = empty slot */
    int copies;       /* deliveries still possible */
    uint64_t *clock;  /* owned: the sender's clock at the send */
    char *label;      /* owned: the send's label, or NULL */
};

struct dslab_shiviz_writer {
    FILE *out;                      /* borrowed */
    int32_t n;
    char (*hosts)[32];              /* owned: host names (\S only) */
    char (*keys)[200];              /* owned: each host as a JSON string literal */
    uint64_t *clocks;               /* owned: n x n, node i's clock at clocks[i*n..] */
    struct sv_msg *msgs;            /* owned table */
    size_t msgs_cap, msgs_used;     /* cap: power of two */
    bool failed;                    /* out of memory: later events not logged */
};

/* ---- messages in flight ---------------------------------------------- */

static size_t slot_of(uint64_t id, size_t cap) {
    uint64_t x = id * UINT64_C(0x9e3779b97f4a7c15);
    return (size_t)(x ^ (x >> 31)) & (cap - 1);
}

static struct sv_msg *msg_find(struct dslab_shiviz_writer *w, uint64_t id) {
    if (!w->msgs_cap) return NULL;
    for (size_t j = slot_of(id, w->msgs_cap); w->msgs[j].id; j = (j + 1) & (w->msgs_cap - 1)) {
        if (w->msgs[j].id == id) return &w->msgs[j];
    }
    return NULL;
}

static int msgs_grow(struct dslab_shiviz_writer *w) {
    size_t cap = w->msgs_cap ? w->msgs_cap * 2 : 64;
    struct sv_msg *t = calloc(cap, sizeof *t);
    if (!t) return -1;
    for (size_t i = 0; i < w->msgs_cap; i++) {
        if (!w->msgs[i].id) continue;
        size_t j = slot_of(w->msgs[i].id, cap);
        while (t[j].id) j = (j + 1) & (cap - 1);
        t[j] = w->msgs[i];
    }
    free(w->msgs);
    w->msgs = t;
    w->msgs_cap = cap;
    return 0;
}

static struct sv_msg *msg_add(struct dslab_shiviz_writer *w, uint64_t id) {
    if ((w->msgs_used + 1) * 2 > w->msgs_cap && msgs_grow(w) < 0) return NULL;
    size_t j = slot_of(id, w->msgs_cap);
    while (w->msgs[j].id) j = (j + 1) & (w->msgs_cap - 1);
    w->msgs_used++;
    w->msgs[j].id = id;
    return &w->msgs[j];
}

static void msg_remove(struct dslab_shiviz_writer *w, struct sv_msg *m) {
    free(m->clock);
    free(m->label);
    size_t cap = w->msgs_cap, i = (size_t)(m - w->msgs);
    memset(m, 0, sizeof *m);
    w->msgs_used--;
    /* backward shift: move later entries of the run into the hole */
    for (size_t j = (i + 1) & (cap - 1); w->msgs[j].id; j = (j + 1) & (cap - 1)) {
        size_t home = slot_of(w->msgs[j].id, cap);
        bool movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
        if (movable) {
            w->msgs[i] = w->msgs[j];
            memset(&w->msgs[j], 0, sizeof w->msgs[j]);
            i = j;
        }
    }
}

/* One delivery or drop of a copy: the entry goes with its last copy. */
static void msg_use(struct dslab_shiviz_writer *w, struct sv_msg *m) {
    if (--m->copies <= 0) msg_remove(w, m);
}

/* ---- writing --------------------------------------------------------- */

static bool valid_node(const struct dslab_shiviz_writer *w, int32_t node) {
    return node >= 0 && node < w->n;
}

/* The event line (made one line whatever it holds), then the host line. */
static void log_event(struct dslab_shiviz_writer *w, int32_t node, int64_t t_ns, const char *what) {
    char t[32], text[1024];
    dslab_text_escape(what, strlen(what), text, sizeof text);
    fprintf(w->out, "t=%s %s\n%s {", dslab_time_format_human(t_ns, t, sizeof t), text, w->hosts[node]);
    const uint64_t *c = &w->clocks[(size_t)node * (size_t)w->n];
    bool first = true;
    for (int32_t i = 0; i < w->n; i++) {
        if (!c[i]) continue;
        fprintf(w->out, "%s%s:%" PRIu64, first ? "" : ",", w->keys[i], c[i]);
        first = false;
    }
    fputs("}\n", w->out);
}

static uint64_t *clock_of(struct dslab_shiviz_writer *w, int32_t node) {
    return &w->clocks[(size_t)node * (size_t)w->n];
}

static void on_send(struct dslab_shiviz_writer *w, const struct dslab_trace_event *ev) {
    uint64_t *c = clock_of(w, ev->node);
    c[ev->node]++;
    const char *label = ev->text && ev->text[0] ? ev->text : "message";
    char what[512];
    snprintf(what, sizeof what, "send %s to %s (msg %" PRIu64 ")%s", label,
             valid_node(w, ev->peer) ? w->hosts[ev->peer] : "?", ev->msg_id,
             ev->a < 0 ? ", never delivered" : "");
    log_event(w, ev->node, ev->t_ns, what);
    if (ev->a < 0 || !ev->msg_id) return;
    struct sv_msg *m = msg_find(w, ev->msg_id);
    if (!m) {
        m = msg_add(w, ev->msg_id);
        if (!m) {
            w->failed = true;
            return;
        }
        m->clock = malloc((size_t)w->n * sizeof *m->clock);
        m->label = ev->text && ev->text[0] ? strdup(ev->text) : NULL;
        if (!m->clock) {
            msg_remove(w, m);
            w->failed = true;
            return;
        }
    }
    memcpy(m->clock, c, (size_t)w->n * sizeof *c);
    m->copies++;
}

static void on_deliver(struct dslab_shiviz_writer *w, const struct dslab_trace_event *ev) {
    uint64_t *c = clock_of(w, ev->node);
    struct sv_msg *m = msg_find(w, ev->msg_id);
    if (m) {
        for (int32_t i = 0; i < w->n; i++) {
            if (m->clock[i] > c[i]) c[i] = m->clock[i];
        }
    }
    c[ev->node]++;
    char what[512];
    snprintf(what, sizeof what, "recv %s from %s (msg %" PRIu64 ")", m && m->label ? m->label : "message",
             valid_node(w, ev->peer) ? w->hosts[ev->peer] : "?", ev->msg_id);
    log_event(w, ev->node, ev->t_ns, what);
    if (m) msg_use(w, m);
}

/* A local event of ev->node: what it says, or NULL when it is not logged. */
static const char *local_text(const struct dslab_trace_event *ev, char *buf, size_t size) {
    char d[32];
    switch (ev->kind) {
    case DSLAB_TRACE_TIMER: snprintf(buf, size, "timer %" PRId64 " fired (tag %" PRId64 ")", ev->a, ev->b); break;
    case DSLAB_TRACE_CRASH: snprintf(buf, size, "crash"); break;
    case DSLAB_TRACE_RESTART: snprintf(buf, size, "restart%s", ev->a ? " (unsynced writes lost)" : ""); break;
    case DSLAB_TRACE_PAUSE: snprintf(buf, size, "pause for %s", dslab_time_format_human(ev->a, d, sizeof d)); break;
    case DSLAB_TRACE_RESUME: snprintf(buf, size, "resume"); break;
    case DSLAB_TRACE_CLOCK_JUMP: snprintf(buf, size, "clock jump by %" PRId64 "ns", ev->a); break;
    case DSLAB_TRACE_CLOCK_DRIFT: snprintf(buf, size, "clock drift %" PRId64 "ppm", ev->a); break;
    case DSLAB_TRACE_SLOW: snprintf(buf, size, "%s x%" PRId64, ev->text ? "slow disk" : "slow", ev->a); break;
    case DSLAB_TRACE_DEPLOY: snprintf(buf, size, "deploy version %" PRId64 " (was %" PRId64 ")", ev->a, ev->b); break;
    case DSLAB_TRACE_SHED: snprintf(buf, size, "shed %" PRId64 " ppm of arrivals", ev->a); break;
    case DSLAB_TRACE_ANNOTATE: {
        /* "role follower", "term 3" (the text when it says it all), "note x=5" */
        const char *tag = ev->tag ? ev->tag : "note";
        if (!ev->text || !ev->text[0]) snprintf(buf, size, "%s=%" PRId64, tag, ev->a);
        else if (strncmp(ev->text, tag, strlen(tag)) == 0) snprintf(buf, size, "%s", ev->text);
        else snprintf(buf, size, "%s %s", tag, ev->text);
        break;
    }
    default: return NULL;
    }
    return buf;
}

void dslab_shiviz_writer_sink(void *user, const struct dslab_trace_event *ev) {
    struct dslab_shiviz_writer *w = user;
    if (w->failed || !valid_node(w, ev->node)) return;
    char buf[512];
    const char *what;
    switch (ev->kind) {
    case DSLAB_TRACE_SEND: on_send(w, ev); break;
    case DSLAB_TRACE_DELIVER: on_deliver(w, ev); break;
    case DSLAB_TRACE_DUPLICATE: {
        struct sv_msg *m = msg_find(w, ev->msg_id);
        if (m) m->copies++;
        break;
    }
    case DSLAB_TRACE_DROP: {
        struct sv_msg *m = msg_find(w, ev->msg_id);
        if (m) msg_use(w, m);
        break;
    }
    default:
        what = local_text(ev, buf, sizeof buf);
        if (!what) break;
        clock_of(w, ev->node)[ev->node]++;
        log_event(w, ev->node, ev->t_ns, what);
        break;
    }
}

/* ---- lifecycle ------------------------------------------------------- */

struct dslab_shiviz_writer *dslab_shiviz_writer_create(FILE *out, const char (*node_names)[32],
                                                       int32_t nodes_count, struct dslab_diag *diag) {
    if (nodes_count < 1 || nodes_count > DSLAB_SHIVIZ_NODES_MAX) {
        dslab_diag_set(diag, "", 0, 0,
                       "a ShiViz log is for 1 to %d nodes (one column each), this run has %d",
                       DSLAB_SHIVIZ_NODES_MAX, (int)nodes_count);
        return NULL;
    }
    struct dslab_shiviz_writer *w = calloc(1, sizeof *w);
    size_t n = (size_t)nodes_count;
    if (w) {
        w->hosts = calloc(n, sizeof *w->hosts);
        w->keys = calloc(n, sizeof *w->keys);
        w->clocks = calloc(n * n, sizeof *w->clocks);
    }
    if (!w || !w->hosts || !w->keys || !w->clocks) {
        dslab_shiviz_writer_free(w);
        dslab_diag_set(diag, "", 0, 0, "out of memory for the ShiViz log");
        return NULL;
    }
    w->out = out;
    w->n = nodes_count;
    for (size_t i = 0; i < n; i++) {
        /* The host is matched by \S*: anything but a letter, digit, '-',
         * '_' or '.' becomes '_' (scenario names never have one). */
        size_t len = strnlen(node_names[i], sizeof node_names[i] - 1);
        for (size_t k = 0; k < len; k++) {
            char c = node_names[i][k];
            bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.';
            w->hosts[i][k] = ok ? c : '_';
        }
        if (len == 0) snprintf(w->hosts[i], sizeof w->hosts[i], "node%zu", i);
        dslab_json_escape(w->hosts[i], strlen(w->hosts[i]), w->keys[i], sizeof w->keys[i]);
    }
    fprintf(out, "%s\n\n", DSLAB_SHIVIZ_REGEX);
    return w;
}

int dslab_shiviz_writer_finish(struct dslab_shiviz_writer *w) {
    if (fflush(w->out) != 0 || ferror(w->out)) return -1;
    return w->failed ? -1 : 0;
}

void dslab_shiviz_writer_free(struct dslab_shiviz_writer *w) {
    if (!w) return;
    for (size_t i = 0; i < w->msgs_cap; i++) {
        free(w->msgs[i].clock);
        free(w->msgs[i].label);
    }
    free(w->msgs);
    free(w->hosts);
    free(w->keys);
    free(w->clocks);
    free(w);
}
