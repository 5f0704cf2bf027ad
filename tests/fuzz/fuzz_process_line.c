/* fuzz_process_line.c: libFuzzer target for what a process node writes
 * (sim/nodes/process_line.c, process_reply.c, process_argv.c).
 *
 * The input is one line as a node could write it: it goes through the
 * line parser and, when it is a message, through the client-reply mapping
 * with each of read/write/cas/unknown as the request's operation; the
 * first 200 bytes also go through the shell-free command splitter. Every
 * rejection must carry a message; nothing may crash, leak or read out of
 * bounds. The fast path of the line parser (process_line_fast.c) must
 * give exactly what the Jansson path gives whenever it takes a line. Seeds: tests/fuzz/corpus/process_line/. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nodes/process_argv.h"
#include "nodes/process_line.h"
#include "nodes/process_reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless the fast path declines the line or agrees with Jansson. */
static void fast_equals_json(const char *line, size_t size) {
    struct pline fast, slow;
    char err[256];
    memset(&fast, 0, sizeof fast);
    if (!pline_parse_fast(line, size, &fast)) return;
    if (pline_parse_json(line, size, &slow, err, sizeof err) != 0) abort();
    bool same = fast.kind == slow.kind && fast.body_len == slow.body_len &&
                memcmp(fast.body, slow.body, slow.body_len) == 0 &&
                strcmp(fast.dest, slow.dest) == 0 && strcmp(fast.body_type, slow.body_type) == 0 &&
                fast.in_reply_to == slow.in_reply_to &&
                ((!fast.src && !slow.src) || (fast.src && slow.src && strcmp(fast.src, slow.src) == 0));
    pline_free(&fast);
    pline_free(&slow);
    if (!same) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    struct pline p;
    err[0] = '\0';
    fast_equals_json((const char *)data, size);
    if (pline_parse((const char *)data, size, &p, err, sizeof err) == 0) {
        const void *body = pline_body(&p);
        if (body) {
            for (int fn = -1; fn <= DSLAB_OP_CAS; fn++) {
                struct process_reply r;
                err[0] = '\0';
                if (process_reply_map(body, fn, &r, err, sizeof err) != 0 && !err[0]) abort();
            }
        }
        pline_free(&p);
    } else if (!err[0]) {
        abort();
    }
    char cmd[201];
    size_t n = size < 200 ? size : 200;
    memcpy(cmd, data, n);
    cmd[n] = '\0';
    err[0] = '\0';
    char **argv = process_argv_split(cmd, err, sizeof err);
    if (!argv && !err[0]) abort();
    free(argv);
    return 0;
}
