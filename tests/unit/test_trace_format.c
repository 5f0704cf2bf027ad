/* test_trace_format.c: the hand-rolled JSON Lines formatter
 * (trace_write.c) against a plain snprintf + dslab_json_escape reference
 * on the cases a formatter gets wrong: integer extremes and digit-count
 * boundaries, names out of range, strings needing every kind of escape
 * (quotes, control bytes, bad and good UTF-8, the longest text), buffers
 * too small (snprintf semantics), the buffered writer across its
 * flushes giving exactly the concatenated lines, and an oracle on fuzzed
 * events (adversarial strings and integers, ids counting up with carries,
 * repeated times) for the fast paths, and the writer's own path for sends
 * and deliveries. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "dslab/json_write.h"
#include "dslab/limits.h"
#include "dslab/rng.h"
#include "dslab/trace.h"

static const char names[3][32] = {"n1", "we\"ird\\name", "\xc3\xa9t\xc3\xa9"};

static void ref_string(char *out, size_t size, size_t *len, const char *key, const char *s) {
    *len += (size_t)snprintf(out + *len, size - *len, ",\"%s\":", key);
    *len += dslab_json_escape(s, strlen(s), out + *len, size - *len);
}

/* The names the reference formats with (test_writer_fast_path_matches_the_reference changes them). */
static const char (*ref_names)[32] = names;
static int32_t ref_count = 3;

static const char *ref_node(int32_t node, char *tmp) {
    if (node >= 0 && node < ref_count) return ref_names[node];
    snprintf(tmp, 16, "#%d", (int)node);
    return tmp;
}

/* The same line the slow, obvious way (fields as docs/TRACE_FORMAT.md lists
 * them, for the kinds used here). */
static size_t reference(const struct dslab_trace_event *ev, char *out, size_t size) {
    size_t len = 0;
    char tmp[16];
    len += (size_t)snprintf(out, size, "{\"id\":%" PRIu64 ",\"t_ns\":%" PRId64 ",\"kind\":\"%s\"", ev->id, ev->t_ns,
                            dslab_trace_kind_name(ev->kind));
    if (ev->node >= 0) ref_string(out, size, &len, "node", ref_node(ev->node, tmp));
    if (ev->peer >= 0 && ev->kind != DSLAB_TRACE_CLIENT) ref_string(out, size, &len, "peer", ref_node(ev->peer, tmp));
    if (ev->msg_id) len += (size_t)snprintf(out + len, size - len, ",\"msg\":%" PRIu64, ev->msg_id);
    if (ev->kind == DSLAB_TRACE_SEND) {
        len += (size_t)snprintf(out + len, size - len, ",\"deliver_at_ns\":%" PRId64 ",\"bytes\":%" PRId64, ev->a, ev->b);
    } else if (ev->kind == DSLAB_TRACE_CLOCK_JUMP) {
        len += (size_t)snprintf(out + len, size - len, ",\"jump_ns\":%" PRId64 ",\"wall_ns\":%" PRId64, ev->a, ev->b);
    }
    if (ev->tag) ref_string(out, size, &len, "tag", ev->tag);
    if (ev->text && ev->text[0]) ref_string(out, size, &len, "text", ev->text);
    len += (size_t)snprintf(out + len, size - len, "}\n");
    return len;
}

static void expect_same(const struct dslab_trace_event *ev) {
    static char want[16 * 1024 * 8], got[16 * 1024 * 8];
    size_t n = reference(ev, want, sizeof want);
    int m = dslab_trace_event_to_jsonl(ev, names, 3, got, (int)sizeof got);
    assert_int_equal(m, (int)n);
    assert_memory_equal(got, want, n);
    assert_int_equal(got[n], 0);
    /* too small a buffer: the same length back, a NUL-terminated prefix */
    for (int size = 0; size < (int)n + 2; size += size < 40 ? 1 : 37) {
        char small[16 * 1024 * 8];
        memset(small, 'x', sizeof small);
        int k = dslab_trace_event_to_jsonl(ev, names, 3, size ? small : NULL, size);
        assert_int_equal(k, (int)n);
        if (size > 0) {
            size_t fit = n < (size_t)size ? n : (size_t)size - 1;
            assert_memory_equal(small, want, fit);
            assert_int_equal(small[fit], 0);
            assert_int_equal(small[size], 'x'); /* nothing past the buffer */
        }
    }
}

static void test_integers_at_their_extremes_and_digit_boundaries(void **st) {
    (void)st;
    static const int64_t values[] = {0, 1, 9, 10, 99, 100, 999, 1000, 4294967295, 4294967296, 9999999999,
                                     10000000000, INT64_MAX, INT64_MIN, -1, -10, -4294967296};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        for (size_t j = 0; j < sizeof values / sizeof values[0]; j++) {
            struct dslab_trace_event ev = {.id = (uint64_t)values[i], .t_ns = values[j], .kind = DSLAB_TRACE_SEND,
                                           .node = 0, .peer = 2, .msg_id = UINT64_MAX - (uint64_t)j,
                                           .a = values[j], .b = values[i], .text = "x"};
            expect_same(&ev);
        }
    }
    struct dslab_trace_event ev = {.id = UINT64_MAX, .t_ns = INT64_MIN, .kind = DSLAB_TRACE_CLOCK_JUMP,
                                   .node = 1, .peer = -1, .a = INT64_MIN, .b = INT64_MAX};
    expect_same(&ev);
}

static void test_names_out_of_range_and_strange(void **st) {
    (void)st;
    static const int32_t nodes[] = {0, 1, 2, 3, 1000000, INT32_MAX};
    for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
        struct dslab_trace_event ev = {.id = 7, .t_ns = 5, .kind = DSLAB_TRACE_DELIVER, .node = nodes[i],
                                       .peer = nodes[(i + 1) % 6], .msg_id = 3};
        expect_same(&ev);
    }
}

static void test_strings_needing_every_escape(void **st) {
    (void)st;
    static char longest[DSLAB_TEXT_MAX];
    for (size_t i = 0; i < sizeof longest - 1; i++) longest[i] = (char)(i % 3 == 0 ? '"' : i % 3 == 1 ? 0x01 : 0xff);
    static const char *const texts[] = {
        "", "plain", "quote \" and backslash \\", "line\nbreak\ttab\rcr", "\x01\x1f\x7f",
        "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "bad \xc3 \xff\xfe \xed\xa0\x80 \xf4\x90\x80\x80 \xe0\x80\xaf",
        "\xc3\xa9\"\xc3", "ends in a lone lead byte \xe2\x82", longest,
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct dslab_trace_event ev = {.id = i, .t_ns = 1, .kind = DSLAB_TRACE_DELIVER, .node = 1, .peer = -1,
                                       .tag = texts[(i + 3) % 10], .text = texts[i]};
        expect_same(&ev);
    }
}

/* Texts of 8 to 16 bytes take the two-word path (put_json_string): one
 * byte needing an escape at every position of every such length goes to
 * the escaper as before, in the first word, the second or where they
 * overlap. */
static void test_short_texts_with_one_special_byte(void **st) {
    (void)st;
    static const char specials[] = {'"', '\\', '\n', 0x01, 0x1f, 0x7f, (char)0x80, (char)0xc3, (char)0xff};
    char text[18];
    uint64_t id = 0;
    for (size_t len = 7; len <= 17; len++) {
        for (size_t at = 0; at <= len; at++) { /* at == len: all plain */
            for (size_t k = 0; k < sizeof specials; k++) {
                for (size_t i = 0; i < len; i++) text[i] = (char)('a' + i);
                if (at < len) text[at] = specials[k];
                text[len] = 0;
                struct dslab_trace_event ev = {.id = id++, .t_ns = 5, .kind = DSLAB_TRACE_SEND, .node = 0,
                                               .peer = 1, .msg_id = 3, .a = 7, .b = 8, .text = text};
                expect_same(&ev);
            }
        }
    }
}

/* Lines through the buffered writer, across many flushes of its buffer, are
 * byte for byte the lines dslab_trace_event_to_jsonl gives. */
static void test_buffered_writer_writes_every_line_once(void **st) {
    (void)st;
    char *got = NULL, *want = malloc(64u << 20);
    size_t got_len = 0, want_len = 0;
    FILE *f = open_memstream(&got, &got_len);
    assert_non_null(f);
    assert_non_null(want);
    struct dslab_trace_writer w;
    dslab_trace_writer_init(&w, f, DSLAB_TRACE_FORMAT_JSONL, names, 3);
    static char text[DSLAB_TEXT_MAX];
    for (int i = 0; i < 20000; i++) {
        size_t tl = (size_t)(i * 7919 % (DSLAB_TEXT_MAX - 1));
        for (size_t k = 0; k < tl; k++) text[k] = (char)('a' + (k + (size_t)i) % 26);
        text[tl] = 0;
        if (i % 13 == 0) text[0] = '"';
        struct dslab_trace_event ev = {.id = (uint64_t)i, .t_ns = i * 1000, .kind = DSLAB_TRACE_SEND,
                                       .node = i % 4, .peer = (i + 1) % 3, .msg_id = (uint64_t)i + 1,
                                       .a = i, .b = (int64_t)tl, .text = text};
        dslab_trace_writer_sink(&w, &ev);
        want_len += (size_t)dslab_trace_event_to_jsonl(&ev, names, 3, want + want_len, (int)((64u << 20) - want_len));
    }
    dslab_trace_writer_finish(&w);
    fclose(f);
    assert_int_equal(got_len, want_len);
    assert_memory_equal(got, want, want_len);
    assert_true(want_len > 4 * DSLAB_TRACE_WRITE_BUFFER_BYTES); /* it flushed many times */
    free(got);
    free(want);
}

/* --- an oracle on fuzzed events: the fast paths (8 plain bytes at a time,
 * the writer's memo of the last id and time, names escaped once) against
 * the reference, on adversarial strings and integers ----------------------- */

static uint64_t fuzz_state = 1;
static uint64_t fuzz_next(void) { return dslab_rng_splitmix64(&fuzz_state); }

/* A string of at most max bytes (no NUL inside) mixing runs of plain
 * ASCII (long ones too, for the 8-byte path) with every byte the escaper
 * treats specially: quotes, backslashes, C0 controls, DEL, C1 controls as
 * UTF-8, good 2- to 4-byte UTF-8, lone continuation and lead bytes,
 * overlong and surrogate forms, and a sequence cut by the end. */
static void fuzz_string(char *out, size_t max) {
    static const char *const pieces[] = {"\"", "\\", "\n", "\t", "\r", "\x01", "\x1f", "\x7f", "\xc2\x80",
                                         "\xc2\x9f", "\xc2\xa0", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
                                         "\x80", "\xbf", "\xc3", "\xe2\x82", "\xff", "\xfe", "\xc0\xaf",
                                         "\xed\xa0\x80", "\xf4\x90\x80\x80", "/", "~", " ", "\x20\x7e"};
    size_t len = 0, target = (size_t)(fuzz_next() % 4 == 0 ? fuzz_next() % max : fuzz_next() % 40);
    while (len < target) {
        uint64_t r = fuzz_next();
        const char *piece;
        char run[24];
        if (r % 3 == 0) { /* plain ASCII, 1..23 bytes */
            size_t n = 1 + (size_t)(r >> 8) % 23;
            for (size_t i = 0; i < n; i++) run[i] = (char)(0x20 + (fuzz_next() % 95));
            run[n] = 0;
            for (size_t i = 0; i < n; i++) {
                if (run[i] == '"' || run[i] == '\\') run[i] = 'q';
            }
            piece = run;
        } else {
            piece = pieces[(r >> 8) % (sizeof pieces / sizeof pieces[0])];
        }
        size_t n = strlen(piece);
        if (len + n > target) break;
        memcpy(out + len, piece, n);
        len += n;
    }
    out[len] = 0;
}

/* An integer near a digit-count boundary, an extreme, or any. */
static int64_t fuzz_int(void) {
    static const int64_t edges[] = {0, 9, 99, 999, 9999, 99999, 999999, 9999999, 99999999, 999999999,
                                    4294967295, 9999999999, 99999999999999, 999999999999999999, INT64_MAX,
                                    INT64_MIN};
    uint64_t r = fuzz_next();
    /* edge - 1, edge or edge + 1, wrapping (unsigned: no overflow) */
    uint64_t near = (uint64_t)edges[(r >> 8) % 16] + (r >> 16) % 3 - 1;
    int64_t v = r % 3 == 0 ? (int64_t)near : (int64_t)fuzz_next();
    return r % 5 == 0 ? (int64_t)((uint64_t)v >> ((r >> 24) % 64)) : v;
}

static void test_fuzzed_events_match_the_reference(void **st) {
    (void)st;
    enum { EVENTS = 30000 };
    static char texts[2][DSLAB_TEXT_MAX], want_line[16 * 1024 * 8], got_line[16 * 1024 * 8];
    size_t want_cap = (size_t)EVENTS * 2 * 1024, want_len = 0, got_len = 0;
    char *want = malloc(want_cap), *got = NULL;
    assert_non_null(want);
    FILE *f = open_memstream(&got, &got_len);
    assert_non_null(f);
    struct dslab_trace_writer w;
    dslab_trace_writer_init(&w, f, DSLAB_TRACE_FORMAT_JSONL, names, 3);
    uint64_t id = 0;
    int64_t t_ns = 0;
    for (int i = 0; i < EVENTS; i++) {
        uint64_t r = fuzz_next();
        /* ids mostly count up by one (carries included: ...9 -> ...0), sometimes jump */
        id = r % 7 == 0 ? (uint64_t)fuzz_int() : id + 1;
        if (r % 3 == 0) t_ns = fuzz_int(); /* else the same time as the last event */
        fuzz_string(texts[0], sizeof texts[0]);
        fuzz_string(texts[1], 64);
        struct dslab_trace_event ev = {.id = id, .t_ns = t_ns, .kind = r % 2 ? DSLAB_TRACE_SEND : DSLAB_TRACE_DELIVER,
                                       .node = (int32_t)(fuzz_next() % 5) - 1, .peer = (int32_t)(fuzz_next() % 5) - 1,
                                       .msg_id = (uint64_t)fuzz_int(), .a = fuzz_int(), .b = fuzz_int(),
                                       .tag = r % 4 == 0 ? texts[1] : NULL, .text = texts[0]};
        size_t n = reference(&ev, want_line, sizeof want_line);
        assert_true(want_len + n <= want_cap);
        memcpy(want + want_len, want_line, n);
        want_len += n;
        if (i % 64 == 0) expect_same(&ev); /* every buffer size: slow */
        assert_int_equal(dslab_trace_event_to_jsonl(&ev, names, 3, got_line, (int)sizeof got_line), (int)n);
        assert_memory_equal(got_line, want_line, n);
        dslab_trace_writer_sink(&w, &ev);
    }
    assert_int_equal(dslab_trace_writer_finish(&w), 0);
    fclose(f);
    assert_int_equal(got_len, want_len);
    assert_memory_equal(got, want, want_len);
    free(got);
    free(want);
}

/* The writer's own path for sends and deliveries (trace_write.c:
 * send_or_deliver_plain): its test of "nothing unusual", the memo of the
 * last send's message id, the short-text check of 16 bytes at once, the
 * nodes' names escaped once, and the fall-back to the general path,
 * against the reference. Run with names that all fit their slot and with
 * one that does not (31 quotes: 64 bytes escaped). */
static void writer_fast_path_case(const char (*nm)[32], int32_t count) {
    static const char specials[] = {'"', '\\', '\n', 0x01, 0x1f, 0x20, 0x7e, 0x7f, (char)0x80, (char)0xc3, (char)0xff};
    static const uint64_t msg_starts[] = {1, 8, 9, 98, 99, 999, 9999999, 99999999, 4294967295u, UINT64_MAX - 2};
    ref_names = nm;
    ref_count = count;
    size_t want_cap = 64u << 20, want_len = 0, got_len = 0;
    char *want = malloc(want_cap), *got = NULL, line[4096], text[32];
    assert_non_null(want);
    FILE *f = open_memstream(&got, &got_len);
    assert_non_null(f);
    struct dslab_trace_writer w;
    dslab_trace_writer_init(&w, f, DSLAB_TRACE_FORMAT_JSONL, nm, count);
    uint64_t id = 0, seq = 0;
    int32_t nodes[] = {0, 1, 2, count, -1, INT32_MIN, INT32_MAX};
    for (size_t len = 0; len <= 24; len++) {
        for (size_t at = 0; at <= len; at++) { /* at == len: all plain */
            for (size_t k = 0; k < sizeof specials; k++) {
                uint64_t r = id * 2654435761u;
                for (size_t i = 0; i < len; i++) text[i] = (char)('a' + (i + r) % 26);
                if (at < len) text[at] = specials[k];
                text[len] = 0;
                if (id % 40 == 0) seq = msg_starts[(id / 40) % (sizeof msg_starts / sizeof msg_starts[0])];
                /* sends count message ids up (carries, the wrap to 0 and the
                 * general path's msg 0 included); deliveries, between them, take any */
                bool send = r % 3 != 0;
                struct dslab_trace_event ev = {
                    .id = id, .t_ns = (int64_t)(id / 3) * 999, .kind = send ? DSLAB_TRACE_SEND : DSLAB_TRACE_DELIVER,
                    .node = nodes[r % 5 == 0 ? (r >> 8) % 7 : (r >> 8) % 3], .peer = nodes[(r >> 12) % 3],
                    .msg_id = send ? seq++ : (r >> 16) % 100000, .a = (int64_t)(r >> 20) % 3000000000 - 1, .b = (int64_t)len,
                    .tag = r % 11 == 0 ? "partition" : NULL, .text = len || r % 2 ? text : NULL};
                id++;
                size_t n = reference(&ev, line, sizeof line);
                assert_true(want_len + n <= want_cap);
                memcpy(want + want_len, line, n);
                want_len += n;
                dslab_trace_writer_sink(&w, &ev);
            }
        }
    }
    assert_int_equal(dslab_trace_writer_finish(&w), 0);
    fclose(f);
    assert_int_equal(got_len, want_len);
    for (size_t i = 0, start = 0; i < want_len; i++) { /* the first line that differs, readably */
        if (got[i] != want[i]) fail_msg("line at byte %zu: got %.200s want %.200s", start, got + start, want + start);
        if (want[i] == '\n') start = i + 1;
    }
    free(got);
    free(want);
    ref_names = names;
    ref_count = 3;
}

static void test_writer_fast_path_matches_the_reference(void **st) {
    (void)st;
    writer_fast_path_case(names, 3);
    static char long_names[3][32] = {"a", "b", ""};
    memset(long_names[2], '"', 31);
    writer_fast_path_case((const char(*)[32])long_names, 3);
}

H_MAIN(cmocka_unit_test(test_integers_at_their_extremes_and_digit_boundaries),
       cmocka_unit_test(test_names_out_of_range_and_strange),
       cmocka_unit_test(test_strings_needing_every_escape),
       cmocka_unit_test(test_short_texts_with_one_special_byte),
       cmocka_unit_test(test_buffered_writer_writes_every_line_once),
       cmocka_unit_test(test_fuzzed_events_match_the_reference),
       cmocka_unit_test(test_writer_fast_path_matches_the_reference))
