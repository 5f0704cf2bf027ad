/* dslab/process_ring.h: the shared-memory transport of process nodes
 * (docs/PROCESS_NODES.md, "The ring transport"), for node code in C.
 *
 * The framing stays JSON Lines; only the bytes travel differently: two
 * single-producer single-consumer byte rings in a memory file dslab
 * creates for each node process (Linux: memfd) and passes as the file
 * descriptor named by the environment variable DSLAB_RING_FD. A node that
 * wants it maps the file, checks magic and version, answers init (or
 * restart) with {"action":"use_ring"} before its done marker, and from the
 * next event on reads events from `to_node` and writes its lines to
 * `from_node` instead of stdin/stdout. A sleeping reader is woken with a
 * futex on the ring's counter, so an exchange costs two futex calls a side
 * instead of a socket read and write. Nodes that never ask keep stdin and
 * stdout (Python, JavaScript).
 *
 * Header-only: static inline functions, usable by dslab and by a node
 * (clients/c/dslab_lines.h wraps them into line reading and writing).
 * Linux only; elsewhere this header defines only DSLAB_RING_ENV and
 * dslab offers no ring. The functions need syscall(2): define _GNU_SOURCE
 * (or _DEFAULT_SOURCE) before the first #include, else they are left out. Counters are byte counts modulo 2^32; ring sizes are powers of
 * two, so `head - tail` is the fill level even across the wrap. */
#ifndef DSLAB_PROCESS_RING_H
#define DSLAB_PROCESS_RING_H

/* The environment variable naming the memory file's descriptor. */
#define DSLAB_RING_ENV "DSLAB_RING_FD"

#if defined(__linux__) && (defined(_GNU_SOURCE) || defined(_DEFAULT_SOURCE))
#define DSLAB_RING_AVAILABLE 1

#include <errno.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define DSLAB_RING_MAGIC 0x72736c64u    /* "dslr" little-endian */
#define DSLAB_RING_VERSION 1u
#define DSLAB_RING_BYTES (1u << 18)     /* each direction: 256 KiB, a power of two */

/* One direction. The producer writes `head` (bytes ever written), the
 * consumer `tail` (bytes ever read); each sets its *_sleeping flag around
 * a futex wait so the other side knows to wake it. */
struct dslab_ring {
    _Atomic uint32_t head;
    _Atomic uint32_t consumer_sleeping;
    char pad_head[56]; /* head and tail on different cache lines */
    _Atomic uint32_t tail;
    _Atomic uint32_t producer_sleeping;
    char pad_tail[56];
};

/* The memory file: this header, then to_node's bytes, then from_node's. */
struct dslab_ring_shm {
    uint32_t magic;      /* DSLAB_RING_MAGIC */
    uint32_t version;    /* DSLAB_RING_VERSION */
    uint32_t ring_bytes; /* DSLAB_RING_BYTES */
    char pad[52];
    struct dslab_ring to_node;   /* events: dslab writes, the node reads */
    struct dslab_ring from_node; /* actions: the node writes, dslab reads */
};

#define DSLAB_RING_SHM_BYTES (sizeof(struct dslab_ring_shm) + 2 * (size_t)DSLAB_RING_BYTES)

static inline char *dslab_ring_data(struct dslab_ring_shm *shm, const struct dslab_ring *r) {
    char *base = (char *)(shm + 1);
    return r == &shm->to_node ? base : base + DSLAB_RING_BYTES;
}

static inline long dslab_ring_futex(_Atomic uint32_t *word, int op, uint32_t val,
                                    const struct timespec *timeout) {
    /* Not FUTEX_PRIVATE: the word is shared between two processes. */
    return syscall(SYS_futex, (uint32_t *)word, op, val, timeout, NULL, 0);
}

/* Copies up to len bytes in, publishes them, wakes a sleeping consumer.
 * Returns the bytes copied (0 when the ring is full). */
static inline size_t dslab_ring_push(struct dslab_ring_shm *shm, struct dslab_ring *r,
                                     const void *src, size_t len) {
    uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    uint32_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    size_t space = DSLAB_RING_BYTES - (uint32_t)(head - tail);
    size_t n = len < space ? len : space;
    if (n == 0) return 0;
    char *data = dslab_ring_data(shm, r);
    size_t at = head & (DSLAB_RING_BYTES - 1), first = DSLAB_RING_BYTES - at;
    if (first > n) first = n;
    memcpy(data + at, src, first);
    memcpy(data, (const char *)src + first, n - first);
    /* seq_cst store, then seq_cst load of the flag: with the consumer's
     * seq_cst flag store and head load, one of the two sees the other. */
    atomic_store(&r->head, head + (uint32_t)n);
    if (atomic_load(&r->consumer_sleeping)) dslab_ring_futex(&r->head, FUTEX_WAKE, 1, NULL);
    return n;
}

/* Copies up to cap available bytes out, frees their room, wakes a
 * sleeping producer. Returns the bytes copied (0 when empty). */
static inline size_t dslab_ring_pop(struct dslab_ring_shm *shm, struct dslab_ring *r, void *dst,
                                    size_t cap) {
    uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    uint32_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    size_t avail = (uint32_t)(head - tail);
    size_t n = cap < avail ? cap : avail;
    if (n == 0) return 0;
    const char *data = dslab_ring_data(shm, r);
    size_t at = tail & (DSLAB_RING_BYTES - 1), first = DSLAB_RING_BYTES - at;
    if (first > n) first = n;
    memcpy(dst, data + at, first);
    memcpy((char *)dst + first, data, n - first);
    atomic_store(&r->tail, tail + (uint32_t)n);
    if (atomic_load(&r->producer_sleeping)) dslab_ring_futex(&r->tail, FUTEX_WAKE, 1, NULL);
    return n;
}

/* Sleeps until the ring has bytes to read or timeout (NULL: forever)
 * passes. 0 when there are bytes, -1 with errno ETIMEDOUT otherwise (or
 * EINTR: a signal; call again). */
static inline int dslab_ring_wait_data(struct dslab_ring *r, const struct timespec *timeout) {
    uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    atomic_store(&r->consumer_sleeping, 1);
    long rc = 0;
    if (atomic_load(&r->head) == tail) rc = dslab_ring_futex(&r->head, FUTEX_WAIT, tail, timeout);
    atomic_store(&r->consumer_sleeping, 0);
    if (rc < 0 && errno == EAGAIN) rc = 0; /* head moved before the wait */
    if (rc == 0 && atomic_load(&r->head) == tail) {
        errno = timeout ? ETIMEDOUT : EINTR; /* a spurious wake-up */
        return -1;
    }
    return rc < 0 ? -1 : 0;
}

/* Sleeps until the ring has room to write or timeout passes; as above. */
static inline int dslab_ring_wait_space(struct dslab_ring *r, const struct timespec *timeout) {
    uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    uint32_t full_tail = head - DSLAB_RING_BYTES;
    atomic_store(&r->producer_sleeping, 1);
    long rc = 0;
    if (atomic_load(&r->tail) == full_tail) {
        rc = dslab_ring_futex(&r->tail, FUTEX_WAIT, full_tail, timeout);
    }
    atomic_store(&r->producer_sleeping, 0);
    if (rc < 0 && errno == EAGAIN) rc = 0;
    if (rc == 0 && atomic_load(&r->tail) == full_tail) {
        errno = timeout ? ETIMEDOUT : EINTR;
        return -1;
    }
    return rc < 0 ? -1 : 0;
}

#endif /* __linux__ */
#endif
