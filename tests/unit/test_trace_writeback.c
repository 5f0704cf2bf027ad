/* test_trace_writeback.c: the trace writer's second thread
 * (sim/trace_writeback.c, used by dslab_trace_writer_sink): full buffers
 * written in the order they were filled, whole, by a thread other than the
 * simulation's, with backpressure when the file is slower than the run, the
 * first write error returned at the end, and stdout never written from
 * another thread. The streams are fopencookie streams that record who wrote
 * what. */
#define _GNU_SOURCE /* fopencookie */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "dslab/trace.h"
#include "trace_writeback.h"

static const char names[3][32] = {"n1", "n2", "n3"};

/* A stream that keeps what it is given, who gave it, and may fail or be
 * slow. */
struct sink_file {
    char *bytes;
    size_t len, cap;
    size_t fail_after; /* once a write would pass this many bytes, every write is ENOSPC (0: never) */
    bool full;
    unsigned spin;     /* busy work per write: a file slower than the run */
    pthread_t main_thread;
    int writes, writes_off_main;
};

static ssize_t sink_write(void *cookie, const char *buf, size_t size) {
    struct sink_file *s = cookie;
    if (!pthread_equal(pthread_self(), s->main_thread)) s->writes_off_main++;
    s->writes++;
    for (volatile unsigned i = 0; i < s->spin; i++) {
    }
    if (s->full || (s->fail_after && s->len + size > s->fail_after)) {
        s->full = true; /* a full disk stays full (glibc then retries byte by byte) */
        errno = ENOSPC;
        return -1;
    }
    if (s->len + size > s->cap) {
        s->cap = (s->len + size) * 2;
        s->bytes = realloc(s->bytes, s->cap);
        assert_non_null(s->bytes);
    }
    memcpy(s->bytes + s->len, buf, size);
    s->len += size;
    return (ssize_t)size;
}

static FILE *sink_open(struct sink_file *s) {
    s->main_thread = pthread_self();
    FILE *f = fopencookie(s, "w", (cookie_io_functions_t){.write = sink_write});
    assert_non_null(f);
    /* Fully buffered, as a file is: an fwrite larger than the buffer goes
     * to sink_write at once, a remainder waits for the next one (or fclose).
     * (Unbuffered cookie streams hide failures: glibc retries byte by byte.) */
    return f;
}

/* Writes `events` send events through a writer on f; returns their lines
 * concatenated (malloc'd, *len_out bytes), what the file must hold. */
static char *write_events(FILE *f, int events, size_t *len_out, int *finish_errno) {
    size_t cap = (size_t)events * 256, len = 0;
    char *want = malloc(cap);
    assert_non_null(want);
    struct dslab_trace_writer w;
    dslab_trace_writer_init(&w, f, DSLAB_TRACE_FORMAT_JSONL, names, 3);
    for (int i = 0; i < events; i++) {
        struct dslab_trace_event ev = {.id = (uint64_t)i, .t_ns = (int64_t)i * 1000, .kind = DSLAB_TRACE_SEND,
                                       .node = i % 3, .peer = (i + 1) % 3, .msg_id = (uint64_t)i + 1,
                                       .a = (int64_t)i * 7, .b = 8, .text = i % 5 ? "ping hop 0" : "a \"quoted\" one"};
        dslab_trace_writer_sink(&w, &ev);
        len += (size_t)dslab_trace_event_to_jsonl(&ev, names, 3, want + len, (int)(cap - len));
        assert_true(len < cap);
    }
    *finish_errno = dslab_trace_writer_finish(&w);
    *len_out = len;
    return want;
}

/* 40 MB of lines: every buffer of the ring reused many times, written in
 * order and whole, by the writer thread after the first buffer. */
static void test_many_buffers_in_order_from_the_writer_thread(void **st) {
    (void)st;
    struct sink_file s = {0};
    FILE *f = sink_open(&s);
    size_t want_len;
    int err;
    char *want = write_events(f, 400000, &want_len, &err);
    assert_int_equal(err, 0);
    fclose(f);
    assert_true(want_len > 10 * TRACE_WRITEBACK_BUFFERS * (size_t)TRACE_WRITEBACK_BUFFER_BYTES);
    assert_int_equal(s.len, want_len);
    assert_memory_equal(s.bytes, want, want_len);
    assert_true(s.writes_off_main > 0);
    assert_true(s.writes - s.writes_off_main <= 2); /* the first, smaller buffer; fclose's remainder */
    free(want);
    free(s.bytes);
}

/* A file far slower than the run: the producer waits for free buffers and
 * nothing is lost or reordered. */
static void test_a_slow_file_holds_the_run_back_not_the_bytes(void **st) {
    (void)st;
    struct sink_file s = {.spin = 2000000};
    FILE *f = sink_open(&s);
    size_t want_len;
    int err;
    char *want = write_events(f, 60000, &want_len, &err);
    assert_int_equal(err, 0);
    fclose(f);
    assert_int_equal(s.len, want_len);
    assert_memory_equal(s.bytes, want, want_len);
    free(want);
    free(s.bytes);
}

/* A write that fails on the writer thread (disk full after 1 MB) is the
 * writer's result; what was written is a prefix of the trace; no hang. */
static void test_a_failed_write_on_the_thread_is_reported(void **st) {
    (void)st;
    struct sink_file s = {.fail_after = 1u << 20};
    FILE *f = sink_open(&s);
    size_t want_len;
    int err;
    char *want = write_events(f, 200000, &want_len, &err);
    assert_int_equal(err, ENOSPC);
    fclose(f);
    assert_true(s.len <= (1u << 20) && s.len > 0);
    assert_memory_equal(s.bytes, want, s.len);
    assert_true(s.writes_off_main > 0); /* it failed there, not on the first buffer */
    free(want);
    free(s.bytes);
}

/* A trace to standard output is written by the run's own thread, in line
 * with anything else the program prints there. */
static void test_stdout_is_written_by_the_run_itself(void **st) {
    (void)st;
    struct sink_file s = {0};
    FILE *f = sink_open(&s), *saved = stdout;
    stdout = f;
    size_t want_len;
    int err;
    char *want = write_events(f, 100000, &want_len, &err);
    stdout = saved;
    assert_int_equal(err, 0);
    fclose(f);
    assert_int_equal(s.len, want_len);
    assert_memory_equal(s.bytes, want, want_len);
    assert_int_equal(s.writes_off_main, 0);
    free(want);
    free(s.bytes);
}

/* The ring alone: swap hands back each buffer only once it is written. */
static void test_the_ring_alone(void **st) {
    (void)st;
    struct sink_file s = {.spin = 100000};
    FILE *f = sink_open(&s);
    char *buf = NULL;
    struct trace_writeback *wb = trace_writeback_start(f, &buf);
    assert_non_null(wb);
    size_t total = 0;
    for (int round = 0; round < 5 * TRACE_WRITEBACK_BUFFERS; round++) {
        size_t n = 1000 + (size_t)round * 37;
        memset(buf, 'a' + round % 26, n);
        total += n;
        buf = trace_writeback_swap(wb, n);
    }
    memset(buf, 'z', 10);
    assert_int_equal(trace_writeback_finish(wb, 10), 0);
    fclose(f);
    assert_int_equal(s.len, total + 10);
    size_t at = 0;
    for (int round = 0; round < 5 * TRACE_WRITEBACK_BUFFERS; round++) {
        size_t n = 1000 + (size_t)round * 37;
        for (size_t i = 0; i < n; i++) assert_int_equal(s.bytes[at + i], 'a' + round % 26);
        at += n;
    }
    assert_memory_equal(s.bytes + at, "zzzzzzzzzz", 10);
    free(s.bytes);
}

H_MAIN(cmocka_unit_test(test_many_buffers_in_order_from_the_writer_thread),
       cmocka_unit_test(test_a_slow_file_holds_the_run_back_not_the_bytes),
       cmocka_unit_test(test_a_failed_write_on_the_thread_is_reported),
       cmocka_unit_test(test_stdout_is_written_by_the_run_itself), cmocka_unit_test(test_the_ring_alone))
