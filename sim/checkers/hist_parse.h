/* hist_parse.h: reading external histories into a lin_history (private).
 *
 * Three formats, told apart by their first significant character:
 *   INFO  jepsen.util - 3  :invoke  :cas  [3 0]     Jepsen log (Porcupine's etcd)
 *   [{:process 0, :type :invoke, ...} ...]           Knossos EDN (one collection)
 *   {:process 0, :type :invoke, :f :get, :key "7"}   Porcupine kv (a map per line)
 * Each format keeps its own rules for failed and indeterminate ops (see
 * each parser's header comment and the READMEs of shared/external/). Every
 * error is "file:line:col: ..." through the diag; input is never trusted.
 * Ownership: on success `h` is filled (the caller inits and deinits it). */
#ifndef DSLAB_HIST_PARSE_H
#define DSLAB_HIST_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dslab/diag.h"
#include "lin_models.h"

/* Operations in one history: far beyond any real test log. */
#define HIST_OPS_MAX (4u * 1024u * 1024u)

enum hist_format {
    HIST_FORMAT_JEPSEN_LOG,
    HIST_FORMAT_EDN,
    HIST_FORMAT_KV_TXT,
};

int hist_detect_format(const char *text, size_t len, const char *name, enum hist_format *out,
                       struct dslab_diag *diag);
/* Detects the format and parses. Returns 0 or -1 with diag set. */
int hist_parse_buffer(const char *text, size_t len, const char *name, struct lin_history *h,
                      struct dslab_diag *diag);
int hist_parse_jepsen_log(const char *text, size_t len, const char *name, struct lin_history *h,
                          struct dslab_diag *diag);
int hist_parse_edn(const char *text, size_t len, const char *name, struct lin_history *h,
                   struct dslab_diag *diag);
int hist_parse_kv_txt(const char *text, size_t len, const char *name, struct lin_history *h,
                      struct dslab_diag *diag);

/* Jepsen operation maps (parsed EDN) to operations, with Knossos' rules
 * (hist_knossos.c); values are strings or integers. */
struct edn_value;
int hist_edn_ops(const struct edn_value *maps, size_t count, bool string_values, const char *name,
                 struct lin_history *h, struct dslab_diag *diag);

/* Open operations by process id, for pairing completions with invokes. */
struct hist_pairing {
    int64_t *keys;
    size_t *values;
    uint8_t *used;   /* 0 empty, 1 used, 2 deleted */
    size_t capacity; /* power of two */
    size_t filled;   /* used + deleted */
};

void hist_pairing_init(struct hist_pairing *p);
void hist_pairing_deinit(struct hist_pairing *p);
/* The open op of `process`, or SIZE_MAX. */
size_t hist_pairing_find(const struct hist_pairing *p, int64_t process);
/* Records `op_index` as the open op of `process` (which has none). -1 = out of memory. */
int hist_pairing_open(struct hist_pairing *p, int64_t process, size_t op_index);
void hist_pairing_close(struct hist_pairing *p, int64_t process);

#endif
