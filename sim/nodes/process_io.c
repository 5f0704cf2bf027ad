/* process_io.c: spawning, talking to and reaping a node process (see
 * process_io.h). The only host I/O in sim/; documented in
 * docs/ASSUMPTIONS.md ("Process nodes"). POSIX only. */
#define _GNU_SOURCE /* pipe2, MSG_NOSIGNAL, PR_SET_PDEATHSIG where present */
#include "dslab/host_clock.h"
#include "dslab/process_ring.h"
#include "nodes/process_io.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/mman.h>
#include <sys/prctl.h>
#endif

extern char **environ;

int64_t proc_now_ms(void) {
    return (int64_t)(dslab_host_clock_s() * 1000.0);
}

static int set_cloexec_nonblock(int fd, bool nonblock) {
    int fl = fcntl(fd, F_GETFD);
    if (fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0) return -1;
    if (nonblock) {
        fl = fcntl(fd, F_GETFL);
        if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) return -1;
    }
    return 0;
}

static void close_fd(int *fd) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
}

/* Finds `name` on PATH; writes the full path into out. 0 or -1. */
static int search_path(const char *name, char *out, size_t out_size) {
    const char *path = getenv("PATH");
    if (!path || !*path) path = "/usr/local/bin:/usr/bin:/bin";
    for (const char *dir = path; dir;) {
        const char *colon = strchr(dir, ':');
        size_t dlen = colon ? (size_t)(colon - dir) : strlen(dir);
        int n = dlen ? snprintf(out, out_size, "%.*s/%s", (int)dlen, dir, name)
                     : snprintf(out, out_size, "./%s", name);
        if (n > 0 && (size_t)n < out_size && access(out, X_OK) == 0) {
            struct stat st;
            if (stat(out, &st) == 0 && S_ISREG(st.st_mode)) return 0;
        }
        dir = colon ? colon + 1 : NULL;
    }
    return -1;
}

/* The ring offered to the child (dslab/process_ring.h): a memory file
 * mapped here, its fd inherited by the child. Failing quietly is fine: the
 * node is then simply not offered a ring and keeps the socket. */
static void ring_create(struct proc *p) {
#if defined(DSLAB_RING_AVAILABLE) && defined(MFD_CLOEXEC)
    int fd = memfd_create("dslab-ring", MFD_CLOEXEC);
    if (fd < 0) return;
    void *m = MAP_FAILED;
    if (ftruncate(fd, (off_t)DSLAB_RING_SHM_BYTES) == 0) {
        m = mmap(NULL, DSLAB_RING_SHM_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    }
    if (m == MAP_FAILED) {
        close(fd);
        return;
    }
    p->ring = m; /* the file is zero-filled: counters and flags start at 0 */
    p->ring->magic = DSLAB_RING_MAGIC;
    p->ring->version = DSLAB_RING_VERSION;
    p->ring->ring_bytes = DSLAB_RING_BYTES;
    p->ring_fd = fd;
#else
    (void)p;
#endif
}

static void ring_destroy(struct proc *p) {
#ifdef DSLAB_RING_AVAILABLE
    if (!p->ring) return;
    munmap(p->ring, DSLAB_RING_SHM_BYTES);
    close(p->ring_fd);
#endif
    p->ring = NULL;
    p->ring_fd = -1;
    p->ring_on = 0;
}

int proc_use_ring(struct proc *p) {
    if (!p->ring) return -1;
    p->ring_on = 1;
    return 0;
}

/* The child's environment: ours, with DSLAB_RING_FD=ring_fd when a ring
 * is offered (and never an inherited one). Built before fork (malloc is
 * not async-signal-safe); *envp_out owned by the caller, entries borrowed
 * except the last one, kept in var (its storage). */
static char **child_env(const struct proc *p, char *var, size_t var_size) {
    size_t n = 0;
    for (char **e = environ; e && *e; e++) n++;
    char **envp = calloc(n + 2, sizeof *envp);
    if (!envp) return NULL;
    size_t k = 0;
    const size_t plen = strlen(DSLAB_RING_ENV "=");
    for (size_t i = 0; i < n; i++) {
        if (strncmp(environ[i], DSLAB_RING_ENV "=", plen) != 0) envp[k++] = environ[i];
    }
    if (p->ring && snprintf(var, var_size, DSLAB_RING_ENV "=%d", p->ring_fd) < (int)var_size) {
        envp[k++] = var;
    }
    envp[k] = NULL;
    return envp;
}

/* Between fork and exec only async-signal-safe calls. Reports errno on
 * report_fd (close-on-exec: success closes it with nothing written). */
static void child_exec(const char *path, char *const argv[], char *const envp[], const char *cwd,
                       int io_fd, int err_fd, int report_fd, int ring_fd) {
    setpgid(0, 0);
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* dslab killed: the node goes too */
#endif
    signal(SIGPIPE, SIG_DFL); /* an ignored SIGPIPE would survive exec */
    int e = 0;
    if (cwd && chdir(cwd) != 0) e = errno;
    if (!e && (dup2(io_fd, 0) < 0 || dup2(io_fd, 1) < 0 || dup2(err_fd, 2) < 0)) e = errno;
    if (!e && ring_fd > 2) { /* the ring file stays open across exec */
        int fl = fcntl(ring_fd, F_GETFD);
        if (fl < 0 || fcntl(ring_fd, F_SETFD, fl & ~FD_CLOEXEC) < 0) e = errno;
    }
    if (!e) {
        execve(path, argv, envp);
        e = errno;
    }
    ssize_t w = write(report_fd, &e, sizeof e);
    (void)w;
    _exit(127);
}

int proc_spawn(struct proc *p, char *const argv[], const char *cwd, const char *prefix,
               size_t line_max, char *err, size_t err_size) {
    memset(p, 0, sizeof *p);
    p->io_fd = p->err_fd = p->ring_fd = -1;
    p->line_max = line_max;
    snprintf(p->prefix, sizeof p->prefix, "%s", prefix);
    char path[4096];
    if (strchr(argv[0], '/')) {
        snprintf(path, sizeof path, "%s", argv[0]); /* relative to cwd, resolved after chdir */
    } else if (search_path(argv[0], path, sizeof path) != 0) {
        snprintf(err, err_size, "program '%s' not found on PATH", argv[0]);
        return -1;
    }
    int sv[2] = {-1, -1}, ep[2] = {-1, -1}, rp[2] = {-1, -1};
    /* explore runs simulations in threads: where the system can, every fd
     * is born close-on-exec, so no other thread's child inherits it in the
     * moment before fcntl (which still runs, for the other systems). */
#if defined(SOCK_CLOEXEC) && defined(__linux__)
    const int sock_type = SOCK_STREAM | SOCK_CLOEXEC;
#define PIPE(fds) pipe2(fds, O_CLOEXEC)
#else
    const int sock_type = SOCK_STREAM;
#define PIPE(fds) pipe(fds)
#endif
    if (socketpair(AF_UNIX, sock_type, 0, sv) != 0 || PIPE(ep) != 0 || PIPE(rp) != 0 ||
        set_cloexec_nonblock(sv[0], false) < 0 || set_cloexec_nonblock(sv[1], false) < 0 ||
        set_cloexec_nonblock(ep[0], true) < 0 || set_cloexec_nonblock(ep[1], false) < 0 ||
        set_cloexec_nonblock(rp[0], false) < 0 || set_cloexec_nonblock(rp[1], false) < 0) {
        snprintf(err, err_size, "cannot create pipes: %s", strerror(errno));
        goto fail;
    }
#ifdef SO_NOSIGPIPE
    int one = 1;
    setsockopt(sv[0], SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
    /* Our end blocks in slices of PROC_SLICE_MS: one read per answer on
     * the fast path (no poll), and the deadline and the child's stderr
     * are looked at between slices. */
    struct timeval slice = {0, PROC_SLICE_MS * 1000};
    if (setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &slice, sizeof slice) != 0 ||
        setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &slice, sizeof slice) != 0) {
        snprintf(err, err_size, "cannot set socket timeouts: %s", strerror(errno));
        goto fail;
    }
#ifdef F_SETPIPE_SZ
    fcntl(ep[0], F_SETPIPE_SZ, 1 << 20); /* room for chatty stderr between drains */
#endif
    ring_create(p);
    char ring_var[48];
    char **envp = child_env(p, ring_var, sizeof ring_var);
    if (!envp) {
        snprintf(err, err_size, "out of memory for the environment");
        goto fail;
    }
    pid_t pid = fork();
    if (pid < 0) {
        free(envp);
        snprintf(err, err_size, "cannot fork: %s", strerror(errno));
        goto fail;
    }
    if (pid == 0) child_exec(path, argv, envp, cwd, sv[1], ep[1], rp[1], p->ring ? p->ring_fd : -1);
    free(envp);
    close_fd(&sv[1]);
    close_fd(&ep[1]);
    close_fd(&rp[1]);
    p->pid = pid;
    p->io_fd = sv[0];
    p->err_fd = ep[0];
    int child_errno = 0;
    ssize_t r;
    do r = read(rp[0], &child_errno, sizeof child_errno);
    while (r < 0 && errno == EINTR);
    close_fd(&rp[0]);
    if (r > 0) {
        snprintf(err, err_size, "cannot start '%s'%s%s: %s", argv[0], cwd ? " in " : "",
                 cwd ? cwd : "", strerror(child_errno));
        proc_kill(p);
        return -1;
    }
    return 0;
fail:
    ring_destroy(p);
    close_fd(&sv[0]);
    close_fd(&sv[1]);
    close_fd(&ep[0]);
    close_fd(&ep[1]);
    close_fd(&rp[0]);
    close_fd(&rp[1]);
    return -1;
}

/* Writes one finished stderr line (or a full buffer) with the prefix, in a
 * single write so lines of different nodes do not interleave. */
static void flush_errline(struct proc *p) {
    if (p->errline_len == 0) return;
    char out[sizeof p->prefix + PROC_STDERR_LINE_MAX + 2];
    size_t n = strlen(p->prefix);
    memcpy(out, p->prefix, n);
    memcpy(out + n, p->errline, p->errline_len);
    n += p->errline_len;
    out[n++] = '\n';
    for (size_t off = 0; off < n;) {
        ssize_t w = write(2, out + off, n - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break; /* our stderr is gone: nothing better to do */
        off += (size_t)w;
    }
    p->errline_len = 0;
}

/* Reads what the child wrote to stderr and forwards whole lines. */
static void drain_stderr(struct proc *p) {
    char chunk[4096];
    while (p->err_fd >= 0) {
        ssize_t r = read(p->err_fd, chunk, sizeof chunk);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                close_fd(&p->err_fd);
                flush_errline(p);
            }
            return;
        }
        for (ssize_t i = 0; i < r; i++) {
            if (chunk[i] == '\n') {
                flush_errline(p);
            } else {
                p->errline[p->errline_len++] = chunk[i];
                if (p->errline_len == sizeof p->errline) flush_errline(p);
            }
        }
    }
}

size_t proc_pending(const struct proc *p) { return p->buf_len - p->buf_start; }

void proc_forward_stderr(struct proc *p) {
    if (p->err_fd >= 0) drain_stderr(p);
}

/* Between slices, and every PROC_DRAIN_EVERY reads: forward stderr. */
static void maybe_drain(struct proc *p, bool now) {
    if (p->err_fd >= 0 && (now || ++p->reads_since_drain >= PROC_DRAIN_EVERY)) {
        p->reads_since_drain = 0;
        drain_stderr(p);
    }
}

static void reap(struct proc *p, bool block) {
    if (p->pid <= 0 || p->reaped) return;
    pid_t r;
    do r = waitpid(p->pid, &p->wait_status, block ? 0 : WNOHANG);
    while (r < 0 && errno == EINTR);
    if (r == p->pid || (r < 0 && errno == ECHILD)) p->reaped = 1;
}

/* A slice of PROC_SLICE_MS passed with nothing to read or no room to
 * write: forward stderr, and stop at the deadline. On the ring, a child
 * that has exited is the end of its output (the socket would say EOF). */
static enum proc_result slice_passed(struct proc *p, int64_t deadline_ms, bool reading) {
    maybe_drain(p, true);
#ifdef DSLAB_RING_AVAILABLE
    if (p->ring_on) {
        reap(p, false);
        struct dslab_ring *from = &p->ring->from_node;
        /* A reader gets what it wrote before it exited first. */
        if (p->reaped) {
            bool unread = atomic_load(&from->head) != atomic_load(&from->tail);
            return reading && unread ? PROC_OK : PROC_EOF;
        }
    }
#endif
    return proc_now_ms() > deadline_ms ? PROC_TIMEOUT : PROC_OK;
}

#ifdef DSLAB_RING_AVAILABLE
static const struct timespec RING_SLICE = {0, PROC_SLICE_MS * 1000000L};

static enum proc_result ring_write(struct proc *p, const char *buf, size_t len, int64_t deadline_ms,
                                   char *err, size_t err_size) {
    struct dslab_ring *r = &p->ring->to_node;
    for (size_t off = 0; off < len;) {
        size_t n = dslab_ring_push(p->ring, r, buf + off, len - off);
        if (n > 0) {
            off += n;
            continue;
        }
        if (dslab_ring_wait_space(r, &RING_SLICE) == 0 || errno == EINTR) continue;
        if (errno != ETIMEDOUT) {
            snprintf(err, err_size, "ring write: %s", strerror(errno));
            return PROC_IO_ERROR;
        }
        enum proc_result res = slice_passed(p, deadline_ms, false);
        if (res != PROC_OK) return res;
    }
    return PROC_OK;
}

/* Like read(2) on the socket: > 0 bytes, or -1 with errno (EAGAIN: a
 * slice passed). Never 0: the end is found by slice_passed. */
static ssize_t ring_read(struct proc *p, char *dst, size_t cap) {
    struct dslab_ring *r = &p->ring->from_node;
    for (;;) {
        size_t n = dslab_ring_pop(p->ring, r, dst, cap);
        if (n > 0) return (ssize_t)n;
        if (dslab_ring_wait_data(r, &RING_SLICE) == 0) continue;
        if (errno == ETIMEDOUT) errno = EAGAIN;
        return -1;
    }
}
#endif

enum proc_result proc_write(struct proc *p, const char *buf, size_t len, int64_t deadline_ms,
                            char *err, size_t err_size) {
#ifdef MSG_NOSIGNAL
    const int flags = MSG_NOSIGNAL;
#else
    const int flags = 0; /* SO_NOSIGPIPE is set on the socket instead */
#endif
#ifdef DSLAB_RING_AVAILABLE
    if (p->ring_on) return ring_write(p, buf, len, deadline_ms, err, err_size);
#endif
    size_t off = 0;
    while (off < len) {
        ssize_t w = send(p->io_fd, buf + off, len - off, flags);
        if (w > 0) {
            off += (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) { /* a slice passed */
            enum proc_result res = slice_passed(p, deadline_ms, false);
            if (res != PROC_OK) return res;
            continue;
        }
        if (w < 0 && (errno == EPIPE || errno == ECONNRESET)) return PROC_EOF;
        snprintf(err, err_size, "write: %s", strerror(errno));
        return PROC_IO_ERROR;
    }
    return PROC_OK;
}

enum proc_result proc_read_line(struct proc *p, const char **line, size_t *len,
                                int64_t deadline_ms, char *err, size_t err_size) {
    for (;;) {
        size_t avail = p->buf_len - p->buf_start;
        if (avail > p->scanned) {
            char *from = p->buf + p->buf_start + p->scanned;
            char *nl = memchr(from, '\n', avail - p->scanned);
            if (nl) {
                size_t n = (size_t)(nl - (p->buf + p->buf_start));
                if (n > p->line_max) return PROC_TOO_LONG;
                *nl = '\0';
                *line = p->buf + p->buf_start;
                *len = n;
                p->buf_start += n + 1;
                p->scanned = 0;
                return PROC_OK;
            }
            p->scanned = avail;
        }
        if (avail > p->line_max) return PROC_TOO_LONG;
        if (p->buf_start > 0 && p->buf_start == p->buf_len) {
            p->buf_start = p->buf_len = 0;
        }
        if (p->buf_cap - p->buf_len < 65536) {
            if (p->buf_start > 0) { /* compact before growing */
                memmove(p->buf, p->buf + p->buf_start, avail);
                p->buf_len = avail;
                p->buf_start = 0;
            }
            if (p->buf_cap - p->buf_len < 65536) {
                size_t cap = p->buf_cap ? p->buf_cap * 2 : 131072;
                char *grown = realloc(p->buf, cap + 1);
                if (!grown) {
                    snprintf(err, err_size, "out of memory reading a line");
                    return PROC_IO_ERROR;
                }
                p->buf = grown;
                p->buf_cap = cap;
            }
        }
        maybe_drain(p, false);
        char *dst = p->buf + p->buf_len;
        size_t room = p->buf_cap - p->buf_len;
#ifdef DSLAB_RING_AVAILABLE
        ssize_t r = p->ring_on ? ring_read(p, dst, room) : read(p->io_fd, dst, room);
#else
        ssize_t r = read(p->io_fd, dst, room);
#endif
        if (r > 0) {
            p->buf_len += (size_t)r;
            continue;
        }
        if (r == 0) return PROC_EOF;
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) { /* a slice passed */
            enum proc_result res = slice_passed(p, deadline_ms, true);
            if (res != PROC_OK) return res;
            continue;
        }
        if (errno == ECONNRESET) return PROC_EOF;
        snprintf(err, err_size, "read: %s", strerror(errno));
        return PROC_IO_ERROR;
    }
}

void proc_describe_exit(struct proc *p, char *buf, size_t buf_size) {
    /* A child that closed its stdout is usually exiting: give it 500 ms. */
    int64_t until_ms = proc_now_ms() + 500;
    reap(p, false);
    while (!p->reaped && proc_now_ms() < until_ms) {
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
        reap(p, false);
    }
    drain_stderr(p);
    if (!p->reaped) {
        snprintf(buf, buf_size, "closed its standard output but is still running");
    } else if (WIFEXITED(p->wait_status)) {
        snprintf(buf, buf_size, "exited with status %d", WEXITSTATUS(p->wait_status));
    } else if (WIFSIGNALED(p->wait_status)) {
        int sig = WTERMSIG(p->wait_status);
        snprintf(buf, buf_size, "was killed by signal %d (%s)", sig, strsignal(sig));
    } else {
        snprintf(buf, buf_size, "ended (wait status %d)", p->wait_status);
    }
}

void proc_kill(struct proc *p) {
    if (p->pid > 0 && !p->reaped) {
        kill(-p->pid, SIGKILL); /* its process group: helpers it started too */
        kill(p->pid, SIGKILL);
        reap(p, true);
    }
    if (p->err_fd >= 0) drain_stderr(p);
    flush_errline(p);
    close_fd(&p->io_fd);
    close_fd(&p->err_fd);
    ring_destroy(p);
    free(p->buf);
    p->buf = NULL;
    p->buf_len = p->buf_cap = p->buf_start = p->scanned = 0;
    p->pid = 0;
}
