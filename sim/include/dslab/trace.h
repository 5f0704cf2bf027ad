/* trace.h: the record of everything that happened in a run.
 *
 * Every event gets an id (0, 1, 2, ... in emission order) whether or not
 * anyone records it, so checkers can cite evidence by id and the ids agree
 * with a trace file written by the same run. Consumers are sinks: a
 * function called with each event (borrowed for the duration of the call).
 * With no sinks, emitting an event is a counter increment: the benchmark
 * runs that way. File formats are in docs/TRACE_FORMAT.md. */
#ifndef DSLAB_TRACE_H
#define DSLAB_TRACE_H

#include <stdint.h>
#include <stdio.h>

#include "dslab/annotation.h"
#include "dslab/history.h"

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

enum dslab_trace_kind {
    DSLAB_TRACE_RUN_START,    /* a = seed, b = nodes_count, text = scenario name */
    DSLAB_TRACE_SEND,         /* node -> peer, msg_id, a = scheduled delivery time (-1 = dropped) */
    DSLAB_TRACE_DELIVER,      /* peer -> node: node is the receiver, peer the sender */
    DSLAB_TRACE_DROP,         /* node -> peer not delivered; tag = "partition"|"loss"|"crashed"|"cut" */
    DSLAB_TRACE_DUPLICATE,    /* a second copy of msg_id scheduled; a = its delivery time */
    DSLAB_TRACE_TIMER,        /* a timer of node fired; a = timer id, b = tag */
    DSLAB_TRACE_CRASH,
    DSLAB_TRACE_RESTART,      /* a = 1 when unsynced writes were lost */
    DSLAB_TRACE_PAUSE,        /* a = duration_ns */
    DSLAB_TRACE_RESUME,
    DSLAB_TRACE_PARTITION,    /* text = readable shape, e.g. "{n1} | {n2 n3}" */
    DSLAB_TRACE_HEAL,         /* node/peer = -1 for all */
    DSLAB_TRACE_CUT,          /* node -> peer; a = 1 if both ways */
    DSLAB_TRACE_LINK,         /* node -> peer params changed; text = new params */
    DSLAB_TRACE_SLOW,         /* a = factor */
    DSLAB_TRACE_CLOCK_JUMP,   /* a = jump_ns, b = wall clock after */
    DSLAB_TRACE_CLOCK_DRIFT,  /* a = drift_ppm */
    DSLAB_TRACE_ANNOTATE,     /* tag, a = value, text; `annotation` says which typed report
                           it is (dslab/annotation.h): role, term, final state or
                           value (b = key), or a free note */
    DSLAB_TRACE_CLIENT,       /* op = the history record (invoke/ok/fail/info) */
    DSLAB_TRACE_ASSUMPTION,   /* tag = assumption name, text = what broke */
    DSLAB_TRACE_NARRATION,    /* text; a = 1 if the entry pauses a guided run */
    DSLAB_TRACE_RUN_END,      /* a = events processed */
    DSLAB_TRACE_NO_EFFECT,    /* a fault that changed nothing, not applied; node (peer
                           for cut/heal), text = the fault and why */
    DSLAB_TRACE_COST,         /* a time-cost model charged node (costs:): tag = "sync"
                           (a = its duration, b = when it completes), "timer_late"
                           (a = lateness), "gc" (a = pause length) */
    DSLAB_TRACE_DEPLOY,       /* node's software version changed: a = new version, b = old */
    DSLAB_TRACE_SET,          /* a protocol parameter changed mid-run: tag = key, text = new value */
    DSLAB_TRACE_SHED,         /* node's CPU model refuses a share of arrivals: a = ppm (0 = stopped) */
    DSLAB_TRACE_KIND_COUNT
};

struct dslab_trace_event {
    uint64_t id;
    int64_t t_ns;        /* true time */
    enum dslab_trace_kind kind;
    int32_t node;        /* -1 = none */
    int32_t peer;        /* -1 = none */
    uint64_t msg_id;     /* 0 = none */
    int64_t a;
    int64_t b;
    const char *tag;     /* NULL or static / borrowed */
    const char *text;    /* NULL or borrowed */
    const struct dslab_history_op *op; /* DSLAB_TRACE_CLIENT only; borrowed */
    /* DSLAB_TRACE_ANNOTATE only (zero elsewhere): the typed report, and for
     * DSLAB_ANNOTATION_ROLE the role class. Not written to trace files: the file
     * keeps tag, value and text (docs/TRACE_FORMAT.md). */
    enum dslab_annotation_kind annotation;
    enum dslab_role_class role;
};

typedef void (*dslab_trace_sink_fn)(void *user, const struct dslab_trace_event *ev);

const char *dslab_trace_kind_name(enum dslab_trace_kind k);

/* Writers. The caller owns `out` and `node_names`. */
struct dslab_trace_writer {
    FILE *out;
    int format; /* TRACE_FORMAT_* */
    const char (*node_names)[32];
    int32_t nodes_count;
    uint64_t events_written;
    int first; /* chrome: no comma before the first event */
    /* JSON Lines: lines are built here and written in one fwrite per
     * DSLAB_TRACE_WRITE_BUFFER_BYTES (owned: malloc'd by init, flushed and
     * freed by finish; NULL when malloc failed: then a write per line). */
    char *buf;
    size_t buf_len;
    int write_errno; /* the first failed write's errno, 0 = none */
    void *scratch; /* owned: the formatter's state (trace_write.c): the node names as JSON, escaped
                    * once, and the last event's id and time as text; NULL: none (slower, same bytes) */
};
/* The JSON Lines writer's buffer; a line is at most about 16 KiB (a text
 * of DSLAB_TEXT_MAX bytes escaped). 1 MiB: against 64 KiB, a third less
 * kernel time for a file on disk (docs/TRACE_FORMAT.md, Cost: fewer
 * write calls, each filling more page-cache pages at once). */
#define DSLAB_TRACE_WRITE_BUFFER_BYTES (1024 * 1024)
enum { DSLAB_TRACE_FORMAT_JSONL = 0, DSLAB_TRACE_FORMAT_CHROME = 1 };

void dslab_trace_writer_init(struct dslab_trace_writer *w, FILE *out, int format,
                       const char (*node_names)[32], int32_t nodes_count);
/* A dslab_trace_sink_fn; user is the struct dslab_trace_writer. */
void dslab_trace_writer_sink(void *user, const struct dslab_trace_event *ev);
/* Closes the JSON array of the chrome format. Does not close `out`. */
/* Writes what is buffered and the format's closing bytes; frees the
 * buffer. Every writer that was initialised must be finished. Returns the
 * errno of the first write that failed (0: none seen; stdio's own error
 * flag and the final flush are the file's owner's to check). */
int dslab_trace_writer_finish(struct dslab_trace_writer *w);

/* FNV-1a over the JSON Lines form of each event: the determinism hash. */
struct dslab_trace_hasher {
    uint64_t hash;
    const char (*node_names)[32];
    int32_t nodes_count;
};
void dslab_trace_hasher_init(struct dslab_trace_hasher *h, const char (*node_names)[32], int32_t nodes_count);
void dslab_trace_hasher_sink(void *user, const struct dslab_trace_event *ev);

/* Writes one event as a JSON Lines record (with trailing newline) into buf.
 * Returns the length, or the length needed if it did not fit. */
int dslab_trace_event_to_jsonl(const struct dslab_trace_event *ev, const char (*node_names)[32],
                         int32_t nodes_count, char *buf, int buf_size);

#pragma GCC visibility pop

#endif
