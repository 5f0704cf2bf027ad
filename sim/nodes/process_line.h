/* process_line.h: parsing one line a node process wrote (JSON Lines,
 * docs/PROCESS_NODES.md "Actions"). Pure and total: any bytes give either
 * an action or an error message, never a crash (tests/fuzz/
 * fuzz_process_line.c). Knows nothing of the simulation: checks that need
 * the cluster (is `dest` a node?) are done by process_node.c. */
#ifndef DSLAB_PROCESS_LINE_H
#define DSLAB_PROCESS_LINE_H

#include <stddef.h>
#include <stdint.h>

/* A line is at most this long (bytes, without the '\n'): room for a
 * largest store value (DSLAB_STORE_VALUE_BYTES_MAX, 1 MiB) in JSON. */
#define PROCESS_LINE_BYTES_MAX (2 * 1024 * 1024)
/* A timer id as JSON text ("\"election\"" or "42"), store keys, tags. */
#define PROCESS_TIMER_ID_MAX 64
#define PROCESS_STORE_KEY_MAX 63   /* the store's own key limit, minus NUL */
#define PROCESS_TAG_MAX 31
#define PROCESS_DESCRIBE_MAX 63
#define PROCESS_ANNOTATION_TEXT_MAX 159 /* DSLAB_ANNOTATION_MAX - 1 */
/* Annotation tags a node may not use with "annotate": each is the tag of a
 * typed report (report_role, report_final_state, report_final_value), and
 * an untyped note under it would look like one in the trace but count for
 * no checker. */
#define PROCESS_RESERVED_TAGS "role", "final-state", "final"
/* Timer delays: 0 .. 24 h of the node's local (monotonic) clock. */
#define PROCESS_TIMER_DELAY_NS_MAX (INT64_C(86400) * INT64_C(1000000000))

enum pline_kind {
    PLINE_DONE,
    PLINE_SEND,         /* also a bare Maelstrom envelope {src, dest, body} */
    PLINE_SET_TIMER,
    PLINE_CANCEL_TIMER,
    PLINE_STORE_PUT,
    PLINE_STORE_GET,
    PLINE_STORE_SYNC,
    PLINE_ANNOTATE,
    PLINE_DESCRIBE,
    PLINE_REPORT_ROLE,        /* dslab_ctx_report_role */
    PLINE_REPORT_TERM,        /* dslab_ctx_report_term */
    PLINE_REPORT_FINAL_STATE, /* dslab_ctx_report_final_state */
    PLINE_REPORT_FINAL_VALUE, /* dslab_ctx_report_final_value */
    PLINE_USE_RING,           /* switch to the ring transport after this event */
};

/* One parsed line. Strings point into storage owned by the struct (or
 * into `json`); valid until pline_free(). */
struct pline {
    enum pline_kind kind;
    void *json;               /* the parsed document (json_t *), owned */
    const char *src;          /* send: may be NULL */
    const char *dest;         /* send */
    char *body;               /* send: the body as compact JSON, owned (malloc) */
    size_t body_len;
    const char *body_type;    /* send: body.type */
    int64_t in_reply_to;      /* send: body.in_reply_to, -1 when absent */
    char timer_id[PROCESS_TIMER_ID_MAX + 1]; /* set/cancel: the id as JSON text */
    int64_t delay_ns;         /* set_timer */
    const char *key;          /* store_put/get */
    char *value;              /* store_put: the value as compact JSON, owned */
    size_t value_len;
    const char *tag;          /* annotate; report_term: the word ("term" when absent) */
    int64_t number;           /* annotate: value (-1 when absent); report_role/report_term:
                                 the term; report_final_state: keys_count;
                                 report_final_value: the value */
    int64_t final_key;        /* report_final_value: the key */
    int role;                 /* report_role: an enum dslab_role_class other than DSLAB_ROLE_NONE */
    const char *text;         /* annotate/describe/report_final_state: "" when absent;
                                 report_role: the class's name when absent */
};

/* Parses line[0..len). Returns 0 with *out filled (pline_free it), or -1
 * with a one-line reason in err ("not JSON: ...", "unknown action 'x'",
 * "set_timer: 'delay_ms' must be a number"...); *out is then empty. */
int pline_parse(const char *line, size_t len, struct pline *out, char *err, size_t err_size);
void pline_free(struct pline *p);
/* The two halves of pline_parse, for tests: the Jansson path (every line,
 * every error), and the fast path (process_line_fast.c), which returns 1
 * with *out filled only for a compact message it parses exactly as the
 * Jansson path would, else 0 with *out untouched. */
int pline_parse_json(const char *line, size_t len, struct pline *out, char *err, size_t err_size);
int pline_parse_fast(const char *line, size_t len, struct pline *out);
/* send: the body object (a json_t *, borrowed from p), for
 * process_reply_map(); NULL for other kinds. */
const void *pline_body(const struct pline *p);

#endif
