/* trace_writeback.c: a trace's full buffers written on a second thread
 * (see trace_writeback.h for what it promises and why).
 *
 * A ring of TRACE_WRITEBACK_BUFFERS buffers and two counters, guarded by
 * one mutex: `queued` buffers were handed over, `written` of them are
 * written. Buffer i % N holds the i-th handover. The producer fills buffer
 * queued % N, which is free once written > queued - N; the writer writes
 * buffer written % N while written < queued. */
#include "trace_writeback.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "dslab/assert.h"

struct trace_writeback {
    pthread_mutex_t lock;
    pthread_cond_t queued_more;  /* the writer waits here for work (or stop) */
    pthread_cond_t written_more; /* the producer waits here for a free buffer or the end */
    pthread_t thread;
    FILE *out;                              /* the caller's; only the thread writes to it */
    char *bufs[TRACE_WRITEBACK_BUFFERS];    /* owned */
    size_t lens[TRACE_WRITEBACK_BUFFERS];   /* bytes of each queued buffer */
    uint64_t queued, written;               /* under lock */
    bool stop;                              /* under lock: nothing more will be queued */
    int write_errno;                        /* under lock: the first failed write's errno */
};

static void *writer_main(void *arg) {
    struct trace_writeback *wb = arg;
    pthread_mutex_lock(&wb->lock);
    for (;;) {
        while (wb->written == wb->queued && !wb->stop) pthread_cond_wait(&wb->queued_more, &wb->lock);
        if (wb->written == wb->queued) break; /* stopped, and all written */
        unsigned slot = (unsigned)(wb->written % TRACE_WRITEBACK_BUFFERS);
        size_t len = wb->lens[slot];
        bool failed = wb->write_errno != 0;
        pthread_mutex_unlock(&wb->lock);
        int err = 0;
        if (!failed && len > 0) {
            errno = 0;
            if (fwrite(wb->bufs[slot], 1, len, wb->out) != len) err = errno ? errno : EIO;
        }
        pthread_mutex_lock(&wb->lock);
        if (err && !wb->write_errno) wb->write_errno = err;
        wb->written++;
        pthread_cond_signal(&wb->written_more);
    }
    pthread_mutex_unlock(&wb->lock);
    return NULL;
}

static void free_writeback(struct trace_writeback *wb) {
    for (int i = 0; i < TRACE_WRITEBACK_BUFFERS; i++) free(wb->bufs[i]);
    free(wb);
}

struct trace_writeback *trace_writeback_start(FILE *out, char **buf_out) {
    struct trace_writeback *wb = calloc(1, sizeof *wb);
    if (!wb) return NULL;
    for (int i = 0; i < TRACE_WRITEBACK_BUFFERS; i++) {
        wb->bufs[i] = malloc(TRACE_WRITEBACK_BUFFER_BYTES);
        if (!wb->bufs[i]) {
            free_writeback(wb);
            return NULL;
        }
    }
    wb->out = out;
    if (pthread_mutex_init(&wb->lock, NULL) != 0) {
        free_writeback(wb);
        return NULL;
    }
    if (pthread_cond_init(&wb->queued_more, NULL) != 0) goto no_queued_cond;
    if (pthread_cond_init(&wb->written_more, NULL) != 0) goto no_written_cond;
    if (pthread_create(&wb->thread, NULL, writer_main, wb) != 0) goto no_thread;
    *buf_out = wb->bufs[0];
    return wb;
no_thread:
    pthread_cond_destroy(&wb->written_more);
no_written_cond:
    pthread_cond_destroy(&wb->queued_more);
no_queued_cond:
    pthread_mutex_destroy(&wb->lock);
    free_writeback(wb);
    return NULL;
}

/* Hands over the filled buffer (under lock). */
static void queue_filled(struct trace_writeback *wb, size_t len) {
    DSLAB_ASSERT(len <= TRACE_WRITEBACK_BUFFER_BYTES);
    wb->lens[wb->queued % TRACE_WRITEBACK_BUFFERS] = len;
    wb->queued++;
    pthread_cond_signal(&wb->queued_more);
}

char *trace_writeback_swap(struct trace_writeback *wb, size_t len) {
    pthread_mutex_lock(&wb->lock);
    queue_filled(wb, len);
    /* The next buffer is free once its previous contents are written. */
    while (wb->queued - wb->written >= TRACE_WRITEBACK_BUFFERS) pthread_cond_wait(&wb->written_more, &wb->lock);
    char *next = wb->bufs[wb->queued % TRACE_WRITEBACK_BUFFERS];
    pthread_mutex_unlock(&wb->lock);
    return next;
}

int trace_writeback_finish(struct trace_writeback *wb, size_t len) {
    pthread_mutex_lock(&wb->lock);
    queue_filled(wb, len);
    wb->stop = true;
    pthread_cond_signal(&wb->queued_more);
    pthread_mutex_unlock(&wb->lock);
    int rc = pthread_join(wb->thread, NULL);
    DSLAB_ASSERT(rc == 0);
    DSLAB_ASSERT(wb->written == wb->queued);
    int err = wb->write_errno;
    pthread_cond_destroy(&wb->written_more);
    pthread_cond_destroy(&wb->queued_more);
    pthread_mutex_destroy(&wb->lock);
    free_writeback(wb);
    return err;
}
