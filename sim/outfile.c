/* outfile.c: writing an output file atomically, or through to a device or
 * FIFO, or to standard output (see dslab/outfile.h for the rules).
 *
 * The temporary `.NAME.dslab-tmp` is locked with a POSIX record lock
 * (fcntl F_SETLK, released by the kernel when its holder exits however it
 * exits). Taking one over: open (no truncation), lock, check that the name
 * still refers to the locked file (its previous holder may have renamed it
 * over the target in between), then truncate. */
#define _XOPEN_SOURCE 700 /* realpath */

#include "dslab/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int copy_path(char *dst, const char *src) {
    size_t n = strlen(src);
    if (n >= DSLAB_OUTFILE_PATH_MAX) return -1;
    memcpy(dst, src, n + 1);
    return 0;
}

static int fail(struct dslab_outfile *o, struct dslab_diag *diag, const char *what, int err) {
    return dslab_diag_set(diag, o->path, 0, 0, "cannot write: %s%s%s", what,
                    *what && err ? ": " : "", err ? strerror(err) : "");
}

/* o->tmp = DIR/.BASE.dslab-tmp for o->target = DIR/BASE. */
static int make_tmp_name(struct dslab_outfile *o, struct dslab_diag *diag) {
    const char *slash = strrchr(o->target, '/');
    const char *base = slash ? slash + 1 : o->target;
    if (!*base) return fail(o, diag, "the name ends with '/'", 0);
    int dir_len = slash ? (int)(slash - o->target) + 1 : 0;
    int n = snprintf(o->tmp, sizeof o->tmp, "%.*s.%s.dslab-tmp", dir_len, o->target, base);
    if (n < 0 || n >= (int)sizeof o->tmp) return fail(o, diag, "the path is too long", 0);
    return 0;
}

/* Opens and locks o->tmp, taking over a stale one. Returns the fd or -1. */
static int open_tmp(struct dslab_outfile *o, struct dslab_diag *diag) {
    for (int attempt = 0; attempt < 8; attempt++) {
        /* O_NOFOLLOW: a link planted at the temporary's name is refused;
         * O_NONBLOCK: a FIFO planted there does not hang the open. */
        int fd = open(o->tmp, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0666);
        if (fd < 0) {
            int e = errno;
            dslab_diag_set(diag, o->path, 0, 0, "cannot write: %s (the temporary file %s)", strerror(e),
                     o->tmp);
            return -1;
        }
        struct stat fst, pst;
        if (fstat(fd, &fst) != 0 || !S_ISREG(fst.st_mode)) {
            close(fd);
            dslab_diag_set(diag, o->path, 0, 0, "cannot write: %s exists and is not a regular file",
                     o->tmp);
            return -1;
        }
        struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
        if (fcntl(fd, F_SETLK, &lk) != 0) {
            int e = errno;
            close(fd);
            if (e == EACCES || e == EAGAIN) {
                dslab_diag_set(diag, o->path, 0, 0,
                         "cannot write: another process is writing this file now (its "
                         "temporary %s is locked)",
                         o->tmp);
            } else {
                dslab_diag_set(diag, o->path, 0, 0, "cannot write: cannot lock %s: %s", o->tmp, strerror(e));
            }
            return -1;
        }
        if (lstat(o->tmp, &pst) != 0 || pst.st_ino != fst.st_ino || pst.st_dev != fst.st_dev) {
            close(fd); /* renamed or removed by its previous holder: again */
            continue;
        }
        int flags = fcntl(fd, F_GETFL);
        if (ftruncate(fd, 0) != 0 || flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
            int e = errno;
            unlink(o->tmp);
            close(fd);
            dslab_diag_set(diag, o->path, 0, 0, "cannot write: %s: %s", o->tmp, strerror(e));
            return -1;
        }
        return fd;
    }
    dslab_diag_set(diag, o->path, 0, 0, "cannot write: its temporary %s keeps changing", o->tmp);
    return -1;
}

int dslab_outfile_open(struct dslab_outfile *o, const char *path, struct dslab_diag *diag) {
    memset(o, 0, sizeof *o);
    if (copy_path(o->path, path) < 0) {
        return dslab_diag_set(diag, "", 0, 0, "cannot write: the path is too long (%zu bytes)",
                        strlen(path));
    }
    if (strcmp(path, "-") == 0) {
        o->kind = DSLAB_OUTFILE_STDOUT;
        o->f = stdout;
        return 0;
    }
    if (!*path) return dslab_diag_set(diag, "", 0, 0, "cannot write: the file name is empty");
    struct stat st;
    bool exists = true;
    if (lstat(path, &st) != 0) {
        if (errno != ENOENT) return fail(o, diag, "", errno);
        exists = false;
        copy_path(o->target, path);
    } else if (S_ISLNK(st.st_mode)) {
        if (stat(path, &st) != 0) {
            int e = errno;
            if (e == ENOENT) {
                return fail(o, diag, "it is a symbolic link to a file that does not exist", 0);
            }
            return fail(o, diag, "cannot follow the symbolic link", e);
        }
        /* A link to a regular file: replace that file. A link to anything
         * else (/dev/stdout -> /proc/self/fd/1 -> a pipe) is written
         * through below, by its own name. */
        char resolved[PATH_MAX];
        if (S_ISREG(st.st_mode)) {
            if (!realpath(path, resolved)) return fail(o, diag, "cannot follow the symbolic link", errno);
            if (copy_path(o->target, resolved) < 0) {
                return fail(o, diag, "the symbolic link's target path is too long", 0);
            }
        }
    } else {
        copy_path(o->target, path);
    }
    if (exists && S_ISDIR(st.st_mode)) return fail(o, diag, "it is a directory", 0);
    /* /dev/stdout, /dev/fd/N, /proc/self/fd/N name an open file of this
     * process even when it is a regular file: write to it, never replace. */
    bool names_a_descriptor = strncmp(path, "/dev/", 5) == 0 || strncmp(path, "/proc/", 6) == 0;
    struct stat out_st;
    if (exists && names_a_descriptor && fstat(STDOUT_FILENO, &out_st) == 0 &&
        out_st.st_dev == st.st_dev && out_st.st_ino == st.st_ino) {
        /* /dev/stdout: share stdout's stream (a second stream on the same
         * file would write over what stdout buffered). */
        fflush(stdout);
        o->kind = DSLAB_OUTFILE_STDOUT;
        o->f = stdout;
        return 0;
    }
    if (exists && (!S_ISREG(st.st_mode) || names_a_descriptor)) {
        /* A device or a FIFO: write to it, never rename over it. */
        o->kind = DSLAB_OUTFILE_THROUGH;
        o->f = fopen(path, "w");
        if (!o->f) return fail(o, diag, "", errno);
        return 0;
    }
    o->kind = DSLAB_OUTFILE_ATOMIC;
    if (make_tmp_name(o, diag) < 0) return -1;
    int fd = open_tmp(o, diag);
    if (fd < 0) return -1;
    o->f = fdopen(fd, "w");
    if (!o->f) {
        int e = errno;
        unlink(o->tmp);
        close(fd);
        return fail(o, diag, "", e);
    }
    return 0;
}

/* Flushes o->f; the first error's errno, or 0. */
static int flush_error(FILE *f) {
    errno = 0;
    if (fflush(f) != 0 || ferror(f)) return errno ? errno : EIO;
    return 0;
}

void dslab_outfile_note_error(struct dslab_outfile *o, int err) {
    if (!o->write_errno) o->write_errno = err;
}

int dslab_outfile_commit(struct dslab_outfile *o, struct dslab_diag *diag) {
    if (!o->f) return dslab_diag_set(diag, o->path, 0, 0, "internal error: the file is not open");
    FILE *f = o->f;
    o->f = NULL;
    int err = flush_error(f);
    if (o->write_errno) err = o->write_errno; /* the cause, not stdio's later EIO */
    if (o->kind == DSLAB_OUTFILE_STDOUT) {
        if (err) return dslab_diag_set(diag, "", 0, 0, "cannot write to standard output: %s", strerror(err));
        return 0;
    }
    if (o->kind == DSLAB_OUTFILE_THROUGH) {
        if (fclose(f) != 0 && !err) err = errno ? errno : EIO;
        return err ? fail(o, diag, "", err) : 0;
    }
    if (!err && fsync(fileno(f)) != 0 && errno != EINVAL) err = errno;
    /* The replaced file keeps its permissions (done last: a read-only mode
     * on the temporary would stop the next writer taking it over). */
    struct stat st;
    if (!err && stat(o->target, &st) == 0 && S_ISREG(st.st_mode)) {
        (void)fchmod(fileno(f), st.st_mode & 07777);
    }
    if (!err && rename(o->tmp, o->target) != 0) err = errno;
    if (err) unlink(o->tmp); /* still locked: nobody else took it */
    if (fclose(f) != 0 && !err) err = errno ? errno : EIO; /* releases the lock */
    return err ? fail(o, diag, "", err) : 0;
}

void dslab_outfile_abort(struct dslab_outfile *o) {
    if (!o->f) return;
    FILE *f = o->f;
    o->f = NULL;
    if (o->kind == DSLAB_OUTFILE_STDOUT) {
        fflush(f);
        return;
    }
    if (o->kind == DSLAB_OUTFILE_ATOMIC) unlink(o->tmp);
    fclose(f);
}
