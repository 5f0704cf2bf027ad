/* trace_write.c: trace sinks that write files or hash (see dslab/trace.h,
 * docs/TRACE_FORMAT.md). JSON Lines is the canonical form: one object per
 * event, keys in a fixed order, integers only, so the same run gives the
 * same bytes. The determinism hash is FNV-1a over exactly those bytes.
 * The Chrome/Perfetto form maps nodes to threads, messages to flow arrows
 * and everything else to instant events. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dslab/limits.h"
#include "dslab/trace.h"
#include "dslab/json_write.h"

static const char *const kind_names[DSLAB_TRACE_KIND_COUNT] = {
    "dslab_run_start", "send", "deliver", "drop", "duplicate", "timer", "crash", "restart",
    "pause", "resume", "partition", "heal", "cut", "link", "slow", "clock_jump",
    "clock_drift", "annotate", "client", "assumption", "narration", "run_end", "no_effect",
    "cost",
};

/* JSON names of fields a and b per kind; NULL = not written. */
static const char *const a_names[DSLAB_TRACE_KIND_COUNT] = {
    "seed", "deliver_at_ns", NULL, NULL, "deliver_at_ns", "timer", NULL, "lost_unsynced",
    "duration_ns", NULL, "shape", "both_ways", "both_ways", "both_ways", "factor", "jump_ns",
    "drift_ppm", "value", NULL, NULL, "pause", "events", NULL, "ns",
};
static const char *const b_names[DSLAB_TRACE_KIND_COUNT] = {
    "nodes", "bytes", NULL, NULL, NULL, "tag", NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, "fields", NULL, "wall_ns",
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, "until_ns",
};

const char *dslab_trace_kind_name(enum dslab_trace_kind k) {
    return (unsigned)k < DSLAB_TRACE_KIND_COUNT ? kind_names[k] : "?";
}

struct out {
    char *buf;
    int size;
    int len; /* may exceed size: then it is the length needed */
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int room = o->len < o->size ? o->size - o->len : 0;
    int n = vsnprintf(room ? o->buf + o->len : NULL, (size_t)room, fmt, ap);
    va_end(ap);
    if (n > 0) o->len += n;
}

/* ,"key":"escaped" through the one escaper (json_write.h). */
static void put_string(struct out *o, const char *key, const char *s) {
    put(o, ",\"%s\":", key);
    size_t room = o->len < o->size ? (size_t)(o->size - o->len) : 0;
    size_t n = dslab_json_escape(s, strlen(s), room ? o->buf + o->len : NULL, room);
    o->len += n > (size_t)INT32_MAX ? INT32_MAX : (int)n;
}

static const char *node_name(const char (*names)[32], int32_t count, int32_t node, char *tmp) {
    if (node >= 0 && node < count) return names[node];
    snprintf(tmp, 16, "#%d", (int)node);
    return tmp;
}

int dslab_trace_event_to_jsonl(const struct dslab_trace_event *ev, const char (*node_names)[32],
                         int32_t nodes_count, char *buf, int buf_size) {
    struct out o = {buf, buf_size, 0};
    char tmp[16];
    put(&o, "{\"id\":%" PRIu64 ",\"t_ns\":%" PRId64 ",\"kind\":\"%s\"", ev->id, ev->t_ns,
        dslab_trace_kind_name(ev->kind));
    if (ev->node >= 0) put_string(&o, "node", node_name(node_names, nodes_count, ev->node, tmp));
    if (ev->peer >= 0 && ev->kind != DSLAB_TRACE_CLIENT) {
        put_string(&o, "peer", node_name(node_names, nodes_count, ev->peer, tmp));
    }
    if (ev->msg_id) put(&o, ",\"msg\":%" PRIu64, ev->msg_id);
    if ((unsigned)ev->kind < DSLAB_TRACE_KIND_COUNT) {
        if (a_names[ev->kind]) put(&o, ",\"%s\":%" PRId64, a_names[ev->kind], ev->a);
        if (b_names[ev->kind]) put(&o, ",\"%s\":%" PRId64, b_names[ev->kind], ev->b);
    }
    if (ev->tag) put_string(&o, ev->kind == DSLAB_TRACE_ASSUMPTION ? "assumption" : ev->kind == DSLAB_TRACE_DROP ? "reason" : "tag", ev->tag);
    if (ev->op) {
        const struct dslab_history_op *op = ev->op;
        put(&o, ",\"client\":%d,\"op\":%" PRIu64 ",\"type\":\"%s\",\"f\":\"%s\",\"key\":%" PRId64,
            (int)op->client, op->op_id, dslab_op_type_name(op->type), dslab_op_fn_name(op->fn), op->key);
        if (op->value != DSLAB_HISTORY_NIL) put(&o, ",\"value\":%" PRId64, op->value);
        else put(&o, ",\"value\":null");
        if (op->fn == DSLAB_OP_CAS) {
            if (op->expected != DSLAB_HISTORY_NIL) put(&o, ",\"expected\":%" PRId64, op->expected);
            else put(&o, ",\"expected\":null");
        }
    }
    if (ev->text && ev->text[0]) put_string(&o, "text", ev->text);
    put(&o, "}\n");
    return o.len;
}

void dslab_trace_writer_init(struct dslab_trace_writer *w, FILE *out, int format,
                       const char (*node_names)[32], int32_t nodes_count) {
    memset(w, 0, sizeof *w);
    w->out = out;
    w->format = format;
    w->node_names = node_names;
    w->nodes_count = nodes_count;
    w->first = 1;
    if (format == DSLAB_TRACE_FORMAT_CHROME) fputs("{\"traceEvents\":[\n", out);
}

static void chrome_event(struct dslab_trace_writer *w, const struct dslab_trace_event *ev) {
    /* Room for the longest record: texts are at most DSLAB_TEXT_MAX bytes,
     * each escaped to at most 6 (json_write.h). */
    char line[16384], tmp[16];
    char ts[40];
    snprintf(ts, sizeof ts, "%" PRId64 ".%03d", ev->t_ns / 1000, (int)(ev->t_ns % 1000));
    const char *sep = w->first ? "" : ",\n";
    w->first = 0;
    if (ev->kind == DSLAB_TRACE_RUN_START) {
        for (int32_t i = 0; i < w->nodes_count; i++) {
            fprintf(w->out, "%s{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":%d,"
                    "\"args\":{\"name\":", i == 0 ? sep : ",\n", (int)i);
            dslab_json_write_string(w->out, w->node_names[i]);
            fputs("}}", w->out);
        }
        sep = ",\n";
    }
    int tid = ev->node >= 0 ? ev->node : 0;
    if (ev->kind == DSLAB_TRACE_SEND && ev->a >= 0) {
        fprintf(w->out, "%s{\"name\":\"msg\",\"cat\":\"msg\",\"ph\":\"s\",\"id\":%" PRIu64
                ",\"pid\":1,\"tid\":%d,\"ts\":%s}", sep, ev->msg_id, tid, ts);
        sep = ",\n";
    } else if (ev->kind == DSLAB_TRACE_DELIVER) {
        fprintf(w->out, "%s{\"name\":\"msg\",\"cat\":\"msg\",\"ph\":\"f\",\"bp\":\"e\",\"id\":%" PRIu64
                ",\"pid\":1,\"tid\":%d,\"ts\":%s}", sep, ev->msg_id, tid, ts);
        sep = ",\n";
    }
    /* Every event is also an instant with its JSON Lines record as args. */
    int n = dslab_trace_event_to_jsonl(ev, w->node_names, w->nodes_count, line, (int)sizeof line);
    if (n >= (int)sizeof line) n = (int)sizeof line - 1;
    if (n > 0 && line[n - 1] == '\n') line[n - 1] = 0;
    const char *label = ev->text && ev->text[0] && ev->kind != DSLAB_TRACE_SEND ? ev->text
                        : dslab_trace_kind_name(ev->kind);
    char name[DSLAB_TEXT_MAX * 6 + 64];
    struct out o = {name, (int)sizeof name, 0};
    put_string(&o, "name", label);
    fprintf(w->out, "%s{%s,\"cat\":\"%s\",\"ph\":\"i\",\"s\":\"%s\",\"pid\":1,\"tid\":%d,\"ts\":%s,"
            "\"args\":%s}", sep, name + 1, dslab_trace_kind_name(ev->kind), ev->node >= 0 ? "t" : "g",
            tid, ts, line);
    (void)tmp;
}

void dslab_trace_writer_sink(void *user, const struct dslab_trace_event *ev) {
    struct dslab_trace_writer *w = user;
    if (w->format == DSLAB_TRACE_FORMAT_CHROME) {
        chrome_event(w, ev);
    } else {
        char line[2048];
        int n = dslab_trace_event_to_jsonl(ev, w->node_names, w->nodes_count, line, (int)sizeof line);
        if (n < (int)sizeof line) {
            fwrite(line, 1, (size_t)n, w->out);
        } else {
            char big[16384];
            n = dslab_trace_event_to_jsonl(ev, w->node_names, w->nodes_count, big, (int)sizeof big);
            fwrite(big, 1, (size_t)(n < (int)sizeof big ? n : (int)sizeof big - 1), w->out);
        }
    }
    w->events_written++;
}

void dslab_trace_writer_finish(struct dslab_trace_writer *w) {
    if (w->format == DSLAB_TRACE_FORMAT_CHROME) fputs("\n],\"displayTimeUnit\":\"ms\"}\n", w->out);
}

void dslab_trace_hasher_init(struct dslab_trace_hasher *h, const char (*node_names)[32], int32_t nodes_count) {
    h->hash = UINT64_C(0xcbf29ce484222325);
    h->node_names = node_names;
    h->nodes_count = nodes_count;
}

void dslab_trace_hasher_sink(void *user, const struct dslab_trace_event *ev) {
    struct dslab_trace_hasher *h = user;
    char line[4096];
    int n = dslab_trace_event_to_jsonl(ev, h->node_names, h->nodes_count, line, (int)sizeof line);
    if (n > (int)sizeof line - 1) n = (int)sizeof line - 1;
    for (int i = 0; i < n; i++) {
        h->hash ^= (unsigned char)line[i];
        h->hash *= UINT64_C(0x100000001b3);
    }
}
