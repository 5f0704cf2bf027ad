/* text_sink.h (private): building a string snprintf style: bytes go into
 * a buffer of `size` bytes while they fit, and `len` counts all of them,
 * so a caller learns the length it needs. The JSON escaper
 * (json_write.c) and the shell quoting (quote.c) write through it. */
#ifndef DSLAB_TEXT_SINK_H
#define DSLAB_TEXT_SINK_H

#include <stddef.h>
#include <string.h>

struct text_sink {
    char *buf;     /* may be NULL when size is 0 */
    size_t size;
    size_t len;    /* may exceed size: then it is the length needed */
};

static inline void text_sink_put(struct text_sink *k, const char *bytes, size_t n) {
    if (k->len < k->size) {
        size_t room = k->size - k->len;
        memcpy(k->buf + k->len, bytes, n < room ? n : room);
    }
    k->len += n;
}

/* NUL-terminates what fitted (cut short when it did not). */
static inline void text_sink_finish(struct text_sink *k) {
    if (k->size > 0) k->buf[k->len < k->size ? k->len : k->size - 1] = 0;
}

#endif
