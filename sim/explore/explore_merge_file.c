/* explore_merge_file.c: reads a results file for `dslab explore --merge`:
 * a regular file (a named pipe must not hang us, a directory says so) of
 * at most DSLAB_XR_FILE_BYTES_MAX bytes, handed to xr_merge_buffer
 * (explore_merge.c), which validates and merges it. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "explore/explore_driver.h"

int xr_merge_file(struct dslab_xr *x, const char *path, bool first, char *err, int err_size) {
    err[0] = 0;
    /* O_NONBLOCK and regular files only: a named pipe must not hang us. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, (size_t)err_size, "%s: error: cannot open the file: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        bool dir = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
        snprintf(err, (size_t)err_size, "%s: error: %s", path,
                 dir ? "is a directory, not a results file" : "is not a regular file");
        close(fd);
        return -1;
    }
    if ((uint64_t)st.st_size > DSLAB_XR_FILE_BYTES_MAX) {
        close(fd);
        snprintf(err, (size_t)err_size, "%s: error: larger than %u MiB (shard the exploration more)", path,
                 DSLAB_XR_FILE_BYTES_MAX >> 20);
        return -1;
    }
    /* Read what is there, up to the limit plus one byte (a growing file). */
    size_t cap = (size_t)st.st_size + 1, len = 0;
    char *buf = malloc(cap + 1);
    int rc = -1;
    while (buf) {
        ssize_t got = read(fd, buf + len, cap - len);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        len += (size_t)got;
        if (len == cap) {
            if (cap > DSLAB_XR_FILE_BYTES_MAX) break;
            size_t bigger = cap * 2 > DSLAB_XR_FILE_BYTES_MAX + 1u ? DSLAB_XR_FILE_BYTES_MAX + 1u : cap * 2;
            char *p = realloc(buf, bigger + 1);
            if (!p) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = p;
            cap = bigger;
        }
    }
    close(fd);
    if (!buf) {
        snprintf(err, (size_t)err_size, "%s: error: out of memory reading the file", path);
    } else {
        rc = xr_merge_buffer(x, buf, len, first, path, err, err_size);
    }
    free(buf);
    return rc;
}
