/* trace_writeback.h (private to sim/): writing a trace's full buffers on a
 * second thread, so that the kernel's copy of the bytes (into the page
 * cache, or a pipe) overlaps the simulation instead of following it.
 *
 * Only *when* bytes are written changes, never which bytes or their
 * order: the producer hands over buffers in the order it filled them and
 * the one writer thread writes them in that order, whole. The simulation
 * never waits for the thread except when every buffer is in flight (the
 * thread is the slower one: backpressure) and at the end.
 *
 * Ownership: the writeback owns its buffers and its thread; `out` stays the
 * caller's, and between trace_writeback_start and trace_writeback_finish
 * only the writer thread touches it. */
#ifndef DSLAB_TRACE_WRITEBACK_H
#define DSLAB_TRACE_WRITEBACK_H

#include <stdio.h>

/* Buffers in the ring (one being filled, the others queued or being
 * written) and the size of each: 1 MiB in all. A line is at most about
 * 16 KiB (dslab/trace.h), so one always fits an empty buffer. */
#define TRACE_WRITEBACK_BUFFERS 4
#define TRACE_WRITEBACK_BUFFER_BYTES (256 * 1024)

struct trace_writeback;

/* Starts the writer thread for `out` and returns the writeback with its
 * first empty buffer in *buf_out (TRACE_WRITEBACK_BUFFER_BYTES bytes).
 * NULL when memory or a thread cannot be had: the caller then writes
 * itself, as before (the same bytes). */
struct trace_writeback *trace_writeback_start(FILE *out, char **buf_out);

/* Queues the len bytes of the buffer the caller filled (the one last
 * returned) and returns the next empty one, waiting only when all are
 * queued. */
char *trace_writeback_swap(struct trace_writeback *wb, size_t len);

/* Queues the last len bytes, waits until everything queued is written,
 * stops the thread and frees the writeback. Returns the errno of the first
 * write that failed, 0 if none (after a failure the rest is not written). */
int trace_writeback_finish(struct trace_writeback *wb, size_t len);

#endif
