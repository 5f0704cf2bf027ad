/* trace_write.c: trace sinks that write files or hash (see dslab/trace.h,
 * docs/TRACE_FORMAT.md). JSON Lines is the canonical form: one object per
 * event, keys in a fixed order, integers only, so the same run gives the
 * same bytes. The determinism hash is FNV-1a over exactly those bytes.
 * The Chrome/Perfetto form maps nodes to threads, messages to flow arrows
 * and everything else to instant events. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "dslab/assert.h"
#include "dslab/limits.h"
#include "dslab/trace.h"
#include "dslab/json_write.h"
#include "dec_text.h"
#include "trace_line.h"

/* A short constant piece of a line, in a fixed 32-byte slot so that it is
 * copied with one fixed-size memcpy (the line buffer has the slack). */
struct piece {
    char s[32];
    unsigned char len;
};
#define PIECE(lit) {lit, sizeof(lit) - 1}
#define KEY(k) PIECE(",\"" k "\":")
#define NO_KEY {"", 0}
#define ROW(name, a, b) {name, PIECE(",\"kind\":\"" name "\""), a, b}

/* Per kind: its name, its "kind" field, and the JSON keys of fields a and
 * b (len 0 = not written). docs/TRACE_FORMAT.md lists them. */
static const struct kind_row {
    const char *name;
    struct piece kind_field, a_key, b_key;
} kinds[] = {
    ROW("dslab_run_start", KEY("seed"), KEY("nodes")),
    ROW("send", KEY("deliver_at_ns"), KEY("bytes")),
    ROW("deliver", NO_KEY, NO_KEY),
    ROW("drop", NO_KEY, NO_KEY),
    ROW("duplicate", KEY("deliver_at_ns"), NO_KEY),
    ROW("timer", KEY("timer"), KEY("tag")),
    ROW("crash", NO_KEY, NO_KEY),
    ROW("restart", KEY("lost_unsynced"), NO_KEY),
    ROW("pause", KEY("duration_ns"), NO_KEY),
    ROW("resume", NO_KEY, NO_KEY),
    ROW("partition", KEY("shape"), NO_KEY),
    ROW("heal", KEY("both_ways"), NO_KEY),
    ROW("cut", KEY("both_ways"), NO_KEY),
    ROW("link", KEY("both_ways"), KEY("fields")),
    ROW("slow", KEY("factor"), NO_KEY),
    ROW("clock_jump", KEY("jump_ns"), KEY("wall_ns")),
    ROW("clock_drift", KEY("drift_ppm"), NO_KEY),
    ROW("annotate", KEY("value"), NO_KEY),
    ROW("client", NO_KEY, NO_KEY),
    ROW("assumption", NO_KEY, NO_KEY),
    ROW("narration", KEY("pause"), NO_KEY),
    ROW("run_end", KEY("events"), NO_KEY),
    ROW("no_effect", NO_KEY, NO_KEY),
    ROW("cost", KEY("ns"), KEY("until_ns")),
    ROW("deploy", KEY("version"), KEY("from_version")),
    ROW("set", NO_KEY, NO_KEY),
    ROW("shed", KEY("ppm"), NO_KEY),
};
_Static_assert(sizeof kinds / sizeof kinds[0] == DSLAB_TRACE_KIND_COUNT, "one row per trace kind");

const char *dslab_trace_kind_name(enum dslab_trace_kind k) {
    return (unsigned)k < DSLAB_TRACE_KIND_COUNT ? kinds[k].name : "?";
}

/* Lines are built by hand into a buffer known to be large enough
 * (line_bound): vsnprintf cost about 7,000 instructions a line, 85% of a
 * traced run (issue 15). */

/* The lengths of an event's strings, measured once (line_bound) for both
 * the bound and the escaper. */
struct line_strs {
    size_t tag_len, text_len;
    size_t bound; /* what line_bound returned */
};

/* An upper bound on the bytes of ev's line, its NUL included. Names are
 * char[32] (at most 31 bytes, 6 each when escaped), integers at most 20
 * digits and a sign, the fixed keys and kind names under 200 bytes. */
#define LINE_BOUND_FIXED (400 + 2 * 6 * 32 + 12 * 21 + 32) /* + a piece's slot of slack */
static size_t line_bound(const struct dslab_trace_event *ev, struct line_strs *strs) {
    size_t n = LINE_BOUND_FIXED;
    strs->tag_len = ev->tag ? strlen(ev->tag) : 0;
    strs->text_len = ev->text ? strlen(ev->text) : 0;
    strs->bound = n + 6 * strs->tag_len + 6 * strs->text_len;
    return strs->bound;
}

static char *put_lit_n(char *p, const char *s, size_t n) {
    memcpy(p, s, n);
    return p + n;
}
#define PUT_LIT(p, lit) put_lit_n((p), (lit), sizeof(lit) - 1)

static char *put_cstr(char *p, const char *s) { return put_lit_n(p, s, strlen(s)); }

static char *put_piece(char *p, const struct piece *piece) {
    memcpy(p, piece->s, sizeof piece->s);
    return p + piece->len;
}

/* Bytes the escaper copies as they are: printable ASCII but for '"' and
 * '\\' (DEL, 0x7f, is escaped: json_write.h). */
static bool plain_json_byte(unsigned char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; }

/* True when all 8 bytes of w are plain_json_byte: no byte below 0x20,
 * none above 0x7e, none equal to '"' or '\\' (the exact any-byte tests of
 * "Bit Twiddling Hacks": a borrow or carry into bit 7 of a byte). */
static bool plain_json_word(uint64_t w) {
    const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
#define ANY_ZERO(x) (((x) - ones) & ~(x) & highs)
    uint64_t below = (w - ones * 0x20) & ~w & highs;
    uint64_t above = ((w + ones * (127 - 0x7e)) | w) & highs;
    uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
    return !(below | above | ANY_ZERO(quote) | ANY_ZERO(backslash));
#undef ANY_ZERO
}

/* A JSON string of len bytes, byte for byte as dslab_json_escape
 * (json_write.h) writes it: printable ASCII is copied (8 bytes at a time
 * while a word is all plain), the rest goes through the one escaper.
 * Room: 6 bytes per input byte and the quotes. Called through
 * put_json_text, which takes a short plain text first. */
static char *put_json_string(char *p, const char *s, size_t len) {
    *p++ = '"';
    const unsigned char *u = (const unsigned char *)s, *end = u + len;
    while (u < end) {
        uint64_t w;
        if (end - u >= 8 && (memcpy(&w, u, 8), plain_json_word(w))) {
            memcpy(p, u, 8);
            p += 8, u += 8;
            continue;
        }
        /* The last 1..7 bytes of a string of 8 or more: as the word ending
         * there. When it is all plain, the bytes of it already written were
         * copied as they are, so the word lands where they did. */
        if (end - u < 8 && len >= 8 && (memcpy(&w, end - 8, 8), plain_json_word(w))) {
            memcpy(p - (8 - (end - u)), end - 8, 8);
            p += end - u, u = end;
            continue;
        }
        if (plain_json_byte(*u)) {
            *p++ = (char)*u++;
            continue;
        }
        const unsigned char *rest = u; /* up to the next printable ASCII byte */
        while (u < end && !plain_json_byte(*u)) u++;
        /* a UTF-8 sequence has no ASCII bytes in it, so this splits none */
        size_t n = (size_t)(u - rest);
        size_t m = dslab_json_escape((const char *)rest, n, p, 6 * n + 3);
        memmove(p, p + 1, m - 2); /* drop the escaper's own quotes */
        p += m - 2;
    }
    *p++ = '"';
    return p;
}

/* put_json_string, with a short text's common case inline: 8 to 16
 * bytes, all plain (a message label), copied as two words that may
 * overlap, checked together. */
static inline bool plain_json_words2(uint64_t a, uint64_t b) {
#if defined(__SSE2__)
    /* the 16 bytes in one vector register: a byte is not plain when it is
     * below 0x20 or at or above 0x7f (signed: -128..0x1f), '"' or '\\' */
    __m128i v = _mm_set_epi64x((long long)b, (long long)a);
    __m128i bad = _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f))),
                               _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
    return _mm_movemask_epi8(bad) == 0;
#else
    return plain_json_word(a) && plain_json_word(b);
#endif
}

static inline char *put_json_text(char *p, const char *s, size_t len) {
    if (len - 8 <= 8) {
        uint64_t head, tail;
        memcpy(&head, s, 8);
        memcpy(&tail, s + len - 8, 8);
        if (plain_json_words2(head, tail)) {
            p[0] = '"';
            memcpy(p + 1, &head, 8);
            memcpy(p + 1 + len - 8, &tail, 8);
            p[1 + len] = '"';
            return p + len + 2;
        }
    }
    return put_json_string(p, s, len);
}

/* "#N" for a node out of range: '#', 10 digits and a sign at most. */
#define NODE_TMP_BYTES 16

static const char *node_name(const char (*names)[32], int32_t count, int32_t node, char tmp[NODE_TMP_BYTES]) {
    if (node >= 0 && node < count) return names[node];
    tmp[0] = '#';
    *dec_put_i64(tmp + 1, node) = 0;
    return tmp;
}

/* A node's name as a JSON string: from `named` (the writer's names,
 * escaped once; len 0 = too long for a slot) or escaped now. */
static inline char *put_node(char *p, const char (*node_names)[32], int32_t nodes_count,
                             const struct piece *named, int32_t node) {
    if (named && node < nodes_count && named[node].len) return put_piece(p, &named[node]);
    char tmp[NODE_TMP_BYTES];
    const char *name = node_name(node_names, nodes_count, node, tmp);
    return put_json_text(p, name, strnlen(name, 32));
}

/* The last value of an integer field and its text: the writer formats an
 * event's id (one more than the last one's) and time (often the last
 * one's) from it. s is copied whole (the line has a slot of slack). */
struct int_memo {
    uint64_t v;
    unsigned len;
    char s[32];
};

static void int_memo_init(struct int_memo *m) {
    m->v = 0;
    m->len = 1;
    memcpy(m->s, "0", 2);
}

/* v (unsigned) in decimal, from the memo when it is the last value or one
 * more with no carry (nor wrap-around: UINT64_MAX + 1 is 0). */
static inline char *memo_put_u64(char *p, struct int_memo *m, uint64_t v) {
    if (v != m->v) {
        if (v == m->v + 1 && v != 0 && m->s[m->len - 1] != '9') {
            m->s[m->len - 1]++;
        } else {
            m->len = (unsigned)(dec_put_u64(m->s, v) - m->s);
        }
        m->v = v;
    }
    memcpy(p, m->s, sizeof m->s);
    return p + m->len;
}

/* v (signed) in decimal, from the memo when it is the last value. */
static inline char *memo_put_i64(char *p, struct int_memo *m, int64_t v) {
    if ((uint64_t)v != m->v) {
        m->len = (unsigned)(dec_put_i64(m->s, v) - m->s);
        m->v = (uint64_t)v;
    }
    memcpy(p, m->s, sizeof m->s);
    return p + m->len;
}

/* A writer's own state (w->scratch, owned): the last id and time, and
 * each node's name escaped and quoted, in a slot when it fits. */
struct writer_scratch {
    struct int_memo id, t_ns;
    struct int_memo send_msg; /* the last send's message id (ids are handed out in order) */
    bool all_named;       /* every node's name fit its slot in `named` */
    struct piece named[]; /* nodes_count */
};

/* NULL when out of memory. */
static struct writer_scratch *scratch_new(const char (*node_names)[32], int32_t nodes_count) {
    size_t count = nodes_count > 0 ? (size_t)nodes_count : 1;
    struct writer_scratch *ws = calloc(1, sizeof *ws + count * sizeof ws->named[0]);
    if (!ws) return NULL;
    int_memo_init(&ws->id);
    int_memo_init(&ws->t_ns);
    int_memo_init(&ws->send_msg);
    ws->all_named = true;
    for (int32_t i = 0; i < nodes_count; i++) {
        char quoted[6 * 32 + 3];
        size_t n = dslab_json_escape(node_names[i], strnlen(node_names[i], 32), quoted, sizeof quoted);
        if (n < sizeof ws->named[i].s) {
            memcpy(ws->named[i].s, quoted, n);
            ws->named[i].len = (unsigned char)n;
        } else {
            ws->all_named = false;
        }
    }
    return ws;
}

/* Sends and deliveries, nearly every line of a busy run, take a path of
 * their own (send_or_deliver): one test that nothing is unusual instead
 * of the general path's test per field, the kind and the next key in one
 * piece, and a send's message id from a memo (ids are handed out in
 * order: usually one more than the last send's). The same bytes as the
 * general path: test_trace_format.c's oracle compares the two. */
static inline bool send_or_deliver_plain(const struct dslab_trace_event *ev, int32_t nodes_count,
                                         const struct writer_scratch *ws) {
    _Static_assert(DSLAB_TRACE_DELIVER == DSLAB_TRACE_SEND + 1, "send and deliver are adjacent kinds");
    return (unsigned)ev->kind - DSLAB_TRACE_SEND < 2u && ws->all_named && (uint32_t)ev->node < (uint32_t)nodes_count &&
           (uint32_t)ev->peer < (uint32_t)nodes_count && ev->msg_id && !ev->tag && !ev->op;
}

/* The rest of a send_or_deliver_plain line, after its time. */
static inline char *put_send_or_deliver(char *p, const struct dslab_trace_event *ev, const struct line_strs *strs,
                                        struct writer_scratch *ws) {
    static const struct piece heads[2] = {PIECE(",\"kind\":\"send\",\"node\":"),
                                          PIECE(",\"kind\":\"deliver\",\"node\":")};
    bool send = ev->kind == DSLAB_TRACE_SEND;
    p = put_piece(p, &heads[!send]);
    p = put_piece(p, &ws->named[ev->node]);
    p = PUT_LIT(p, ",\"peer\":");
    p = put_piece(p, &ws->named[ev->peer]);
    p = PUT_LIT(p, ",\"msg\":");
    if (send) {
        p = memo_put_u64(p, &ws->send_msg, ev->msg_id);
        p = dec_put_i64(PUT_LIT(p, ",\"deliver_at_ns\":"), ev->a);
        p = dec_put_i64(PUT_LIT(p, ",\"bytes\":"), ev->b);
    } else {
        p = dec_put_u64(p, ev->msg_id);
    }
    if (strs->text_len) p = put_json_text(PUT_LIT(p, ",\"text\":"), ev->text, strs->text_len);
    return PUT_LIT(p, "}\n");
}

/* Writes ev's line (its NUL included) at p, which has line_bound(ev)
 * bytes (strs: the lengths line_bound measured); returns the line's
 * length. ws: the writer's scratch, or NULL (a line on its own). */
static size_t format_line(const struct dslab_trace_event *ev, const struct line_strs *strs,
                          const char (*node_names)[32], int32_t nodes_count, struct writer_scratch *ws,
                          char *const line) {
    static const struct piece tag_keys[] = {KEY("tag"), KEY("assumption"), KEY("reason"), KEY("param")};
    const struct piece *named = ws ? ws->named : NULL;
    char *p = PUT_LIT(line, "{\"id\":");
    p = ws ? memo_put_u64(p, &ws->id, ev->id) : dec_put_u64(p, ev->id);
    p = PUT_LIT(p, ",\"t_ns\":");
    p = ws ? memo_put_i64(p, &ws->t_ns, ev->t_ns) : dec_put_i64(p, ev->t_ns);
    const struct kind_row *row = (unsigned)ev->kind < DSLAB_TRACE_KIND_COUNT ? &kinds[ev->kind] : NULL;
    if (row) {
        p = put_piece(p, &row->kind_field);
    } else {
        p = PUT_LIT(p, ",\"kind\":\"?\"");
    }
    if (ev->node >= 0) {
        p = PUT_LIT(p, ",\"node\":");
        p = put_node(p, node_names, nodes_count, named, ev->node);
    }
    if (ev->peer >= 0 && ev->kind != DSLAB_TRACE_CLIENT) {
        p = PUT_LIT(p, ",\"peer\":");
        p = put_node(p, node_names, nodes_count, named, ev->peer);
    }
    if (ev->msg_id) {
        p = PUT_LIT(p, ",\"msg\":");
        p = dec_put_u64(p, ev->msg_id);
    }
    if (row && row->a_key.len) p = dec_put_i64(put_piece(p, &row->a_key), ev->a);
    if (row && row->b_key.len) p = dec_put_i64(put_piece(p, &row->b_key), ev->b);
    if (ev->tag) {
        int key = ev->kind == DSLAB_TRACE_ASSUMPTION ? 1 : ev->kind == DSLAB_TRACE_DROP ? 2 : ev->kind == DSLAB_TRACE_SET ? 3 : 0;
        p = put_json_text(put_piece(p, &tag_keys[key]), ev->tag, strs->tag_len);
    }
    if (ev->op) {
        const struct dslab_history_op *op = ev->op;
        p = PUT_LIT(p, ",\"client\":");
        p = dec_put_i64(p, op->client);
        p = PUT_LIT(p, ",\"op\":");
        p = dec_put_u64(p, op->op_id);
        p = PUT_LIT(p, ",\"type\":\"");
        p = put_cstr(p, dslab_op_type_name(op->type));
        p = PUT_LIT(p, "\",\"f\":\"");
        p = put_cstr(p, dslab_op_fn_name(op->fn));
        p = PUT_LIT(p, "\",\"key\":");
        p = dec_put_i64(p, op->key);
        if (op->value != DSLAB_HISTORY_NIL) p = dec_put_i64(PUT_LIT(p, ",\"value\":"), op->value);
        else p = PUT_LIT(p, ",\"value\":null");
        if (op->fn == DSLAB_OP_CAS) {
            if (op->expected != DSLAB_HISTORY_NIL) p = dec_put_i64(PUT_LIT(p, ",\"expected\":"), op->expected);
            else p = PUT_LIT(p, ",\"expected\":null");
        }
    }
    if (strs->text_len) p = put_json_text(PUT_LIT(p, ",\"text\":"), ev->text, strs->text_len);
    p = PUT_LIT(p, "}\n");
    *p = 0;
    DSLAB_ASSERT((size_t)(p - line) < strs->bound);
    return (size_t)(p - line);
}

int dslab_trace_event_to_jsonl(const struct dslab_trace_event *ev, const char (*node_names)[32],
                         int32_t nodes_count, char *buf, int buf_size) {
    struct line_strs strs;
    size_t bound = line_bound(ev, &strs);
    if (buf_size > 0 && (size_t)buf_size >= bound) {
        return (int)format_line(ev, &strs, node_names, nodes_count, NULL, buf);
    }
    char small[2048];
    char *line = bound <= sizeof small ? small : malloc(bound);
    if (!line) return buf_size > 0 ? (buf[0] = 0, INT32_MAX) : INT32_MAX; /* out of memory: nothing written */
    size_t n = format_line(ev, &strs, node_names, nodes_count, NULL, line);
    if (buf_size > 0) {
        size_t fit = n < (size_t)buf_size ? n : (size_t)buf_size - 1;
        memcpy(buf, line, fit);
        buf[fit] = 0;
    }
    if (line != small) free(line);
    return (int)n;
}

/* Writes the buffered lines; keeps the first error's errno (stdio keeps
 * only that one happened). */
static void write_buffered(struct dslab_trace_writer *w) {
    errno = 0;
    if (w->buf_len > 0 && fwrite(w->buf, 1, w->buf_len, w->out) != w->buf_len && !w->write_errno) {
        w->write_errno = errno ? errno : EIO;
    }
    w->buf_len = 0;
}

void dslab_trace_writer_init(struct dslab_trace_writer *w, FILE *out, int format,
                       const char (*node_names)[32], int32_t nodes_count) {
    memset(w, 0, sizeof *w);
    w->out = out;
    w->format = format;
    w->node_names = node_names;
    w->nodes_count = nodes_count;
    w->first = 1;
    if (format == DSLAB_TRACE_FORMAT_JSONL) {
        w->buf = malloc(DSLAB_TRACE_WRITE_BUFFER_BYTES);
        w->scratch = scratch_new(node_names, nodes_count);
    }
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
    memcpy(name, ",\"name\":", 8);
    dslab_json_escape(label, strlen(label), name + 8, sizeof name - 8);
    fprintf(w->out, "%s{%s,\"cat\":\"%s\",\"ph\":\"i\",\"s\":\"%s\",\"pid\":1,\"tid\":%d,\"ts\":%s,"
            "\"args\":%s}", sep, name + 1, dslab_trace_kind_name(ev->kind), ev->node >= 0 ? "t" : "g",
            tid, ts, line);
    (void)tmp;
}

/* A line too long for the buffer, written on its own (after what is
 * buffered, which the caller wrote). */
static void write_line_unbuffered(struct dslab_trace_writer *w, const struct dslab_trace_event *ev) {
    struct line_strs strs;
    char *line = malloc(line_bound(ev, &strs));
    if (line) {
        size_t n = format_line(ev, &strs, w->node_names, w->nodes_count, w->scratch, line);
        if (fwrite(line, 1, n, w->out) != n && !w->write_errno) w->write_errno = errno ? errno : EIO;
    } else if (!w->write_errno) {
        w->write_errno = ENOMEM;
    }
    free(line);
}

void dslab_trace_writer_sink(void *user, const struct dslab_trace_event *ev) {
    struct dslab_trace_writer *w = user;
    if (w->format == DSLAB_TRACE_FORMAT_CHROME) {
        chrome_event(w, ev);
    } else if (w->buf && w->scratch && send_or_deliver_plain(ev, w->nodes_count, w->scratch)) {
        /* the common lines, formatted here: no tag, so the bound needs only the text's length */
        struct writer_scratch *ws = w->scratch;
        struct line_strs strs = {.tag_len = 0, .text_len = ev->text ? strlen(ev->text) : 0};
        strs.bound = LINE_BOUND_FIXED + 6 * strs.text_len;
        if (strs.bound > DSLAB_TRACE_WRITE_BUFFER_BYTES - w->buf_len) write_buffered(w);
        if (strs.bound <= DSLAB_TRACE_WRITE_BUFFER_BYTES) {
            char *const line = w->buf + w->buf_len;
            char *p = memo_put_u64(PUT_LIT(line, "{\"id\":"), &ws->id, ev->id);
            p = memo_put_i64(PUT_LIT(p, ",\"t_ns\":"), &ws->t_ns, ev->t_ns);
            p = put_send_or_deliver(p, ev, &strs, ws);
            DSLAB_ASSERT((size_t)(p - line) < strs.bound);
            w->buf_len += (size_t)(p - line);
        } else { /* a text longer than the buffer (texts are bounded: not in practice) */
            write_line_unbuffered(w, ev);
        }
    } else if (w->buf) {
        struct line_strs strs;
        size_t bound = line_bound(ev, &strs);
        if (bound > DSLAB_TRACE_WRITE_BUFFER_BYTES - w->buf_len) { /* write what is buffered */
            write_buffered(w);
        }
        if (bound <= DSLAB_TRACE_WRITE_BUFFER_BYTES) {
            w->buf_len += format_line(ev, &strs, w->node_names, w->nodes_count, w->scratch, w->buf + w->buf_len);
        } else { /* a line longer than the buffer (texts are bounded: not in practice) */
            write_line_unbuffered(w, ev);
        }
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

int dslab_trace_writer_finish(struct dslab_trace_writer *w) {
    free(w->scratch);
    w->scratch = NULL;
    if (w->buf) {
        write_buffered(w);
        free(w->buf);
        w->buf = NULL;
        w->buf_len = 0;
    }
    if (w->format == DSLAB_TRACE_FORMAT_CHROME) fputs("\n],\"displayTimeUnit\":\"ms\"}\n", w->out);
    return w->write_errno;
}

void trace_line_format(struct trace_line *l, const struct dslab_trace_event *ev, const char (*node_names)[32],
                       int32_t nodes_count) {
    struct line_strs strs;
    size_t bound = line_bound(ev, &strs);
    l->heap = bound <= sizeof l->small ? NULL : malloc(bound);
    char *buf = bound <= sizeof l->small ? l->small : l->heap;
    l->text = buf;
    l->len = buf ? format_line(ev, &strs, node_names, nodes_count, NULL, buf) : 0;
}

void trace_line_free(struct trace_line *l) {
    free(l->heap);
    l->heap = NULL;
    l->text = NULL;
}

uint64_t trace_hash_bytes(uint64_t hash, const char *bytes, size_t n) {
    for (size_t i = 0; i < n; i++) {
        hash ^= (unsigned char)bytes[i];
        hash *= UINT64_C(0x100000001b3);
    }
    return hash;
}

uint64_t trace_hash_event(uint64_t hash, const struct dslab_trace_event *ev, const char (*node_names)[32],
                          int32_t nodes_count) {
    struct trace_line l;
    trace_line_format(&l, ev, node_names, nodes_count);
    hash = l.text ? trace_hash_bytes(hash, l.text, l.len) : trace_hash_bytes(hash, "\0oom", 4);
    trace_line_free(&l);
    return hash;
}

void dslab_trace_hasher_init(struct dslab_trace_hasher *h, const char (*node_names)[32], int32_t nodes_count) {
    h->hash = TRACE_HASH_SEED;
    h->node_names = node_names;
    h->nodes_count = nodes_count;
}

void dslab_trace_hasher_sink(void *user, const struct dslab_trace_event *ev) {
    struct dslab_trace_hasher *h = user;
    h->hash = trace_hash_event(h->hash, ev, h->node_names, h->nodes_count);
}
