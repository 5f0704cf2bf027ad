/* dslab_lines.h: line input and output for a process node written in C
 * (docs/PROCESS_NODES.md), header-only, no JSON: it moves the lines, the
 * node writes and parses them.
 *
 * Two transports, one interface: stdin/stdout, or the shared-memory ring
 * dslab offers on Linux (dslab/process_ring.h; about twice as fast). A
 * node that wants the ring calls dsl_ask_ring() while answering init or
 * restart; dsl_done() then sends the done marker through stdout and
 * switches, so the next event already comes through the ring. Output is
 * buffered and handed over only at dsl_done() (and when the buffer is
 * full, or before a read), so dslab is woken once per event.
 *
 *   struct dsl_io io;
 *   dsl_open(&io);
 *   const char *line;
 *   while ((line = dsl_read_line(&io, NULL)) != NULL) {
 *       ... if it is init: dsl_ask_ring(&io); ...
 *       dsl_printf(&io, "{\"action\":\"send\",...}\n");
 *       dsl_done(&io);
 *   }
 *
 * Define _GNU_SOURCE before any #include (the ring needs syscall(2)).
 * Build: cc -O2 -I DSLAB/sim/include my_node.c */
#ifndef DSLAB_LINES_H
#define DSLAB_LINES_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dslab/process_ring.h"
#ifdef DSLAB_RING_AVAILABLE
#include <sys/mman.h>
#endif

#define DSL_OUT_BYTES 65536

struct dsl_io {
    struct dslab_ring_shm *ring; /* mapped when dslab offered one, else NULL */
    bool ask_ring;               /* dsl_ask_ring() called: switch at dsl_done() */
    bool ring_on;                /* lines travel through `ring` */
    pid_t parent;                /* dslab: when it is gone, stop */
    char *in;                    /* input bytes (owned), in[in_start..in_len) unread */
    size_t in_start, in_len, in_cap;
    char out[DSL_OUT_BYTES];     /* output not yet handed over */
    size_t out_len;
};

/* Maps the ring if dslab offered one; the transport stays stdin/stdout
 * until dsl_ask_ring() + dsl_done(). 0, or -1 out of memory. */
static inline int dsl_open(struct dsl_io *io) {
    memset(io, 0, sizeof *io);
    io->parent = getppid();
    io->in_cap = 1 << 16;
    if (!(io->in = malloc(io->in_cap + 1))) return -1;
#ifdef DSLAB_RING_AVAILABLE
    const char *fd_text = getenv(DSLAB_RING_ENV);
    if (fd_text) {
        int fd = atoi(fd_text);
        void *m = mmap(NULL, DSLAB_RING_SHM_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        struct dslab_ring_shm *shm = m;
        if (m != MAP_FAILED && shm->magic == DSLAB_RING_MAGIC && shm->version == DSLAB_RING_VERSION &&
            shm->ring_bytes == DSLAB_RING_BYTES) {
            io->ring = shm;
        } else if (m != MAP_FAILED) {
            munmap(m, DSLAB_RING_SHM_BYTES); /* another version: keep stdin/stdout */
        }
    }
#endif
    return 0;
}

/* Hands the buffered output over (stdout, or the ring). 0, or -1 when
 * dslab is gone. */
static inline int dsl_flush(struct dsl_io *io) {
    for (size_t off = 0; off < io->out_len;) {
#ifdef DSLAB_RING_AVAILABLE
        if (io->ring_on) {
            struct dslab_ring *r = &io->ring->from_node;
            size_t n = dslab_ring_push(io->ring, r, io->out + off, io->out_len - off);
            off += n;
            if (n == 0) {
                struct timespec second = {1, 0};
                if (dslab_ring_wait_space(r, &second) < 0 && getppid() != io->parent) return -1;
            }
            continue;
        }
#endif
        ssize_t w = write(1, io->out + off, io->out_len - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        off += (size_t)w;
    }
    io->out_len = 0;
    return 0;
}

static inline void dsl_write(struct dsl_io *io, const char *s, size_t n) {
    while (n > 0) {
        if (io->out_len == DSL_OUT_BYTES && dsl_flush(io) < 0) exit(0); /* dslab is gone */
        size_t k = DSL_OUT_BYTES - io->out_len;
        if (k > n) k = n;
        memcpy(io->out + io->out_len, s, k);
        io->out_len += k;
        s += k;
        n -= k;
    }
}

static inline void dsl_printf(struct dsl_io *io, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline void dsl_printf(struct dsl_io *io, const char *fmt, ...) {
    char small[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        dsl_write(io, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) exit(1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    dsl_write(io, big, (size_t)n);
    free(big);
}

/* While answering init or restart: ask for the ring, if one was offered
 * (writes {"action":"use_ring"}). Returns whether it was asked for. */
static inline bool dsl_ask_ring(struct dsl_io *io) {
    if (!io->ring || io->ring_on) return false;
    static const char line[] = "{\"action\":\"use_ring\"}\n";
    dsl_write(io, line, sizeof line - 1);
    io->ask_ring = true;
    return true;
}

/* Ends the answer to the current event: the done marker, handed over;
 * then the switch to the ring if it was asked for. */
static inline void dsl_done(struct dsl_io *io) {
    static const char line[] = "{\"action\":\"done\"}\n";
    dsl_write(io, line, sizeof line - 1);
    if (dsl_flush(io) < 0) exit(0);
    if (io->ask_ring) {
        io->ask_ring = false;
        io->ring_on = true;
    }
}

/* More input bytes into io->in: > 0, or 0 at the end (dslab is gone). */
static inline size_t dsl_fill(struct dsl_io *io) {
    if (io->in_start > 0) { /* keep the unread part at the front */
        memmove(io->in, io->in + io->in_start, io->in_len - io->in_start);
        io->in_len -= io->in_start;
        io->in_start = 0;
    }
    if (io->in_cap - io->in_len < 4096) {
        char *grown = realloc(io->in, io->in_cap * 2 + 1);
        if (!grown) return 0;
        io->in = grown;
        io->in_cap *= 2;
    }
    char *dst = io->in + io->in_len;
    size_t room = io->in_cap - io->in_len;
    for (;;) {
#ifdef DSLAB_RING_AVAILABLE
        if (io->ring_on) {
            struct dslab_ring *r = &io->ring->to_node;
            size_t n = dslab_ring_pop(io->ring, r, dst, room);
            if (n > 0) return n;
            struct timespec second = {1, 0};
            if (dslab_ring_wait_data(r, &second) < 0 && getppid() != io->parent) return 0;
            continue;
        }
#endif
        ssize_t n = read(0, dst, room);
        if (n < 0 && errno == EINTR) continue;
        return n > 0 ? (size_t)n : 0;
    }
}

/* The next line (NUL-terminated, without '\n'; valid until the next
 * call), its length in *len if len is not NULL; NULL at the end. Hands
 * buffered output over first. */
static inline const char *dsl_read_line(struct dsl_io *io, size_t *len) {
    if (io->out_len > 0 && dsl_flush(io) < 0) return NULL;
    size_t scanned = 0;
    for (;;) {
        char *from = io->in + io->in_start;
        size_t avail = io->in_len - io->in_start;
        char *nl = scanned < avail ? memchr(from + scanned, '\n', avail - scanned) : NULL;
        if (nl) {
            *nl = '\0';
            io->in_start += (size_t)(nl - from) + 1;
            if (len) *len = (size_t)(nl - from);
            return from;
        }
        scanned = avail;
        size_t n = dsl_fill(io);
        if (n == 0) return NULL;
        io->in_len += n;
    }
}

#endif
