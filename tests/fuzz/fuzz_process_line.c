/* fuzz_process_line.c: libFuzzer target for what a process node writes
 * (sim/nodes/process_line.c, process_reply.c, process_argv.c).
 *
 * The input is one line as a node could write it: it goes through the
 * line parser and, when it is a message, through the client-reply mapping
 * with each of read/write/cas/unknown as the request's operation; the
 * first 200 bytes also go through the shell-free command splitter. Every
 * rejection must carry a message; nothing may crash, leak or read out of
 * bounds. Seeds: tests/fuzz/corpus/process_line/. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nodes/process_argv.h"
#include "nodes/process_line.h"
#include "nodes/process_reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    struct pline p;
    err[0] = '\0';
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
