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

enum trace_kind {
    TRACE_RUN_START,    /* a = seed, b = nodes_count, text = scenario name */
    TRACE_SEND,         /* node -> peer, msg_id, a = scheduled delivery time (-1 = dropped) */
    TRACE_DELIVER,      /* peer -> node: node is the receiver, peer the sender */
    TRACE_DROP,         /* node -> peer not delivered; tag = "partition"|"loss"|"crashed"|"cut" */
    TRACE_DUPLICATE,    /* a second copy of msg_id scheduled; a = its delivery time */
    TRACE_TIMER,        /* a timer of node fired; a = timer id, b = tag */
    TRACE_CRASH,
    TRACE_RESTART,      /* a = 1 when unsynced writes were lost */
    TRACE_PAUSE,        /* a = duration_ns */
    TRACE_RESUME,
    TRACE_PARTITION,    /* text = readable shape, e.g. "{n1} | {n2 n3}" */
    TRACE_HEAL,         /* node/peer = -1 for all */
    TRACE_CUT,          /* node -> peer; a = 1 if both ways */
    TRACE_LINK,         /* node -> peer params changed; text = new params */
    TRACE_SLOW,         /* a = factor */
    TRACE_CLOCK_JUMP,   /* a = jump_ns, b = wall clock after */
    TRACE_CLOCK_DRIFT,  /* a = drift_ppm */
    TRACE_ANNOTATE,     /* tag, a = value, text; `annotation` says which typed report
                           it is (dslab/annotation.h): role, term, final state or
                           value (b = key), or a free note */
    TRACE_CLIENT,       /* op = the history record (invoke/ok/fail/info) */
    TRACE_ASSUMPTION,   /* tag = assumption name, text = what broke */
    TRACE_NARRATION,    /* text; a = 1 if the entry pauses a guided run */
    TRACE_RUN_END,      /* a = events processed */
    TRACE_NO_EFFECT,    /* a fault that changed nothing, not applied; node (peer
                           for cut/heal), text = the fault and why */
    TRACE_COST,         /* a time-cost model charged node (costs:): tag = "sync"
                           (a = its duration, b = when it completes), "timer_late"
                           (a = lateness), "gc" (a = pause length) */
    TRACE_KIND_COUNT
};

struct trace_event {
    uint64_t id;
    int64_t t_ns;        /* true time */
    enum trace_kind kind;
    int32_t node;        /* -1 = none */
    int32_t peer;        /* -1 = none */
    uint64_t msg_id;     /* 0 = none */
    int64_t a;
    int64_t b;
    const char *tag;     /* NULL or static / borrowed */
    const char *text;    /* NULL or borrowed */
    const struct history_op *op; /* TRACE_CLIENT only; borrowed */
    /* TRACE_ANNOTATE only (zero elsewhere): the typed report, and for
     * ANNOTATION_ROLE the role class. Not written to trace files: the file
     * keeps tag, value and text (docs/TRACE_FORMAT.md). */
    enum annotation_kind annotation;
    enum role_class role;
};

typedef void (*trace_sink_fn)(void *user, const struct trace_event *ev);

const char *trace_kind_name(enum trace_kind k);

/* Writers. The caller owns `out` and `node_names`. */
struct trace_writer {
    FILE *out;
    int format; /* TRACE_FORMAT_* */
    const char (*node_names)[32];
    int32_t nodes_count;
    uint64_t events_written;
    int first; /* chrome: no comma before the first event */
};
enum { TRACE_FORMAT_JSONL = 0, TRACE_FORMAT_CHROME = 1 };

void trace_writer_init(struct trace_writer *w, FILE *out, int format,
                       const char (*node_names)[32], int32_t nodes_count);
/* A trace_sink_fn; user is the struct trace_writer. */
void trace_writer_sink(void *user, const struct trace_event *ev);
/* Closes the JSON array of the chrome format. Does not close `out`. */
void trace_writer_finish(struct trace_writer *w);

/* FNV-1a over the JSON Lines form of each event: the determinism hash. */
struct trace_hasher {
    uint64_t hash;
    const char (*node_names)[32];
    int32_t nodes_count;
};
void trace_hasher_init(struct trace_hasher *h, const char (*node_names)[32], int32_t nodes_count);
void trace_hasher_sink(void *user, const struct trace_event *ev);

/* Writes one event as a JSON Lines record (with trailing newline) into buf.
 * Returns the length, or the length needed if it did not fit. */
int trace_event_to_jsonl(const struct trace_event *ev, const char (*node_names)[32],
                         int32_t nodes_count, char *buf, int buf_size);

#endif
