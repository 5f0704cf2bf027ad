/* process_io.h: the host side of process nodes (docs/PROCESS_NODES.md).
 *
 * This is the ONE place in sim/ that touches the host: fork/exec, sockets
 * and pipes, poll() with a wall-clock deadline, signals and waitpid. It
 * knows nothing about events, JSON or the simulation; process_node.c
 * (deterministic) calls it to exchange lines. docs/ASSUMPTIONS.md says why
 * this does not break determinism: the simulation only ever sees the bytes
 * the child wrote, never the wall clock, and a deadline that passes stops
 * the run with an error instead of changing its course.
 *
 * Ownership: a struct proc owns its pid and fds until proc_kill(); every
 * fd is close-on-exec, so no other child inherits it. */
#ifndef DSLAB_PROCESS_IO_H
#define DSLAB_PROCESS_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct dslab_ring_shm;

/* Reads and writes block in slices of this many ms; between slices the
 * deadline is checked and the child's stderr forwarded. */
#define PROC_SLICE_MS 10
/* Besides, stderr is forwarded every this many reads. */
#define PROC_DRAIN_EVERY 16
/* Bytes of stderr kept for one prefixed line before it is flushed anyway. */
#define PROC_STDERR_LINE_MAX 4096

struct proc {
    pid_t pid;        /* 0 = not running */
    int io_fd;        /* our end of the child's stdin/stdout socket, -1 if none */
    int err_fd;       /* read end of the child's stderr pipe, -1 if none */
    char prefix[48];  /* "[n2] ": put before each stderr line */
    /* Bytes read from stdout but not yet returned as a line (owned). */
    char *buf;
    size_t buf_start; /* first unconsumed byte */
    size_t buf_len, buf_cap;
    size_t scanned;   /* bytes after buf_start already searched for '\n' */
    int wait_status;  /* valid when reaped */
    int reaped;       /* 1 once waitpid collected the child */
    int reads_since_drain;
    size_t line_max;  /* a longer line is an error */
    char errline[PROC_STDERR_LINE_MAX];
    size_t errline_len;
    /* The ring transport (dslab/process_ring.h), Linux only: offered to
     * every child as DSLAB_RING_FD, used once the node asked (use_ring). */
    struct dslab_ring_shm *ring; /* mapped, owned; NULL if not offered */
    int ring_fd;                 /* the memory file, -1 if none */
    int ring_on;                 /* 1: events and lines travel through `ring` */
};

/* Results of the calls below. */
enum proc_result {
    PROC_OK = 0,
    PROC_EOF,      /* the child closed stdout (usually: it exited) */
    PROC_TIMEOUT,  /* the wall-clock deadline passed */
    PROC_TOO_LONG, /* a line longer than line_max */
    PROC_IO_ERROR, /* errno-level failure; message in err */
};

/* Starts argv[0] (PATH searched when it has no '/') with argv, in
 * directory `cwd` (NULL: ours), stdin+stdout on a socket, stderr on a
 * pipe. Returns 0, or -1 with a message in err (program not found, not
 * executable, fork failed). The child is in its own process group. */
int proc_spawn(struct proc *p, char *const argv[], const char *cwd, const char *prefix,
               size_t line_max, char *err, size_t err_size);

/* Switches the exchange from the socket to the ring: from the next
 * proc_write on, events go to the ring and lines come from it. 0, or -1
 * when no ring was offered (not Linux, or the memory file failed). Call
 * only between exchanges (nothing pending). */
int proc_use_ring(struct proc *p);

/* Writes all of buf (a line with its '\n'). Never raises SIGPIPE. */
enum proc_result proc_write(struct proc *p, const char *buf, size_t len, int64_t deadline_ms,
                            char *err, size_t err_size);

/* Returns the next line (without '\n', NUL-terminated, borrowed until the
 * next call) in *line / *len, waiting until deadline_ms (proc_now_ms
 * scale). Forwards the child's stderr meanwhile. */
enum proc_result proc_read_line(struct proc *p, const char **line, size_t *len,
                                int64_t deadline_ms, char *err, size_t err_size);

/* How the child ended, if it has: "exited with status 3", "killed by
 * signal 11 (Segmentation fault)"; "still running" otherwise. Reaps it. */
void proc_describe_exit(struct proc *p, char *buf, size_t buf_size);

/* Bytes read from the child's stdout and not yet returned as lines. */
size_t proc_pending(const struct proc *p);

/* Forwards what the child wrote to stderr so far (never waits). */
void proc_forward_stderr(struct proc *p);

/* Kills the child's process group (SIGKILL), reaps the child, forwards
 * its last stderr, closes every fd, frees the buffer. Idempotent. */
void proc_kill(struct proc *p);

/* A monotonic wall clock in milliseconds: only for deadlines. */
int64_t proc_now_ms(void);

#endif
