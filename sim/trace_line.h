/* trace_line.h (private to sim/): one trace event's JSON Lines record,
 * whole however long, and the determinism hash over its bytes. The one
 * place both the trace hasher (dslab_trace_hasher_sink) and
 * `--check-determinism` (determinism.c) get their lines and hash them, so
 * the two always hash the same bytes (before, each cut a line at 4,095
 * bytes: runs that differed only past that byte hashed the same). */
#ifndef DSLAB_TRACE_LINE_H
#define DSLAB_TRACE_LINE_H

#include <stddef.h>
#include <stdint.h>

#include "dslab/trace.h"

#define TRACE_HASH_SEED UINT64_C(0xcbf29ce484222325) /* FNV-1a's offset basis */

struct trace_line {
    const char *text; /* the record with its newline, len bytes (not NUL-terminated); NULL: out of memory */
    size_t len;
    char *heap;       /* owned: the record when it did not fit in `small` */
    char small[4096];
};

/* Formats ev into l. Release with trace_line_free. */
void trace_line_format(struct trace_line *l, const struct dslab_trace_event *ev, const char (*node_names)[32],
                       int32_t nodes_count);
void trace_line_free(struct trace_line *l);
/* FNV-1a over n bytes, continuing from `hash`. */
uint64_t trace_hash_bytes(uint64_t hash, const char *bytes, size_t n);
/* The hash of ev's whole record, continuing from `hash`; an event that
 * could not be formatted (out of memory) hashes as the bytes "\0oom". */
uint64_t trace_hash_event(uint64_t hash, const struct dslab_trace_event *ev, const char (*node_names)[32],
                          int32_t nodes_count);

#endif
