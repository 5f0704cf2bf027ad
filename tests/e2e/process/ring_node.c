/* ring_node.c: a C process node on the ring transport that misbehaves on
 * purpose (tests/e2e/process_ring.sh), like bad_node.py does on stdin and
 * stdout. Every node asks for the ring at init and pings every peer; the
 * `mode` parameter picks what it does when the first ping arrives:
 *   none         nothing (the run ends normally)
 *   exit         exits with status 3
 *   torn         hands half a line to the ring, then kills itself (SIGKILL)
 *   hang         never answers
 *   garbage      writes "hello world"
 *   late_ring    asks for the ring again, outside init
 *   big          store_put of a 1 MiB value, store_get of it back (both far
 *                larger than the 256 KiB ring), checks it, annotates "big"
 *                with the length and the transport it is on
 *   stall        store_get of that value, then never reads the answer
 *                (dslab's write to the full ring must time out)
 *   exit_in_get  store_get of that value, then exits with status 5 while
 *                dslab is still writing the answer
 * Build: cc -O2 -I DSLAB/sim/include ring_node.c (the test does). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../../clients/c/dslab_lines.h"

#define BIG_DIGITS (1024 * 1024 - 16)

static struct dsl_io io;
static char mode[32] = "none", self[16];

static void put_big_then_get(void) {
    char *value = malloc(BIG_DIGITS + 3);
    if (!value) exit(1);
    memset(value + 1, '7', BIG_DIGITS);
    value[0] = value[BIG_DIGITS + 1] = '"';
    value[BIG_DIGITS + 2] = '\0';
    dsl_printf(&io, "{\"action\":\"store_put\",\"key\":\"big\",\"value\":");
    dsl_write(&io, value, BIG_DIGITS + 2);
    dsl_printf(&io, "}\n{\"action\":\"store_get\",\"key\":\"big\"}\n");
    free(value);
}

int main(void) {
    if (dsl_open(&io) != 0) return 1;
    const char *line;
    size_t len;
    bool pinged = false;
    while ((line = dsl_read_line(&io, &len)) != NULL) {
        const char *m = strstr(line, "\"mode\":\"");
        if (strstr(line, "\"type\":\"init\"") || strstr(line, "\"type\":\"restart\"")) {
            if (m) sscanf(m + 8, "%31[a-z_]", mode);
            const char *id = strstr(line, "\"node_id\":\"");
            if (id) sscanf(id + 11, "%15[a-z0-9]", self);
            dsl_ask_ring(&io);
            dsl_printf(&io, "{\"src\":\"%s\",\"dest\":\"%s\",\"body\":{\"type\":\"ping\"}}\n", self,
                       strcmp(self, "n1") == 0 ? "n2" : "n1");
        } else if (strstr(line, "\"type\":\"ping\"") && !pinged) {
            pinged = true;
            if (strcmp(mode, "exit") == 0) exit(3);
            if (strcmp(mode, "torn") == 0) {
                dsl_printf(&io, "{\"action\":\"se");
                dsl_flush(&io);
                raise(SIGKILL);
            }
            if (strcmp(mode, "hang") == 0) for (;;) pause();
            if (strcmp(mode, "garbage") == 0) dsl_printf(&io, "hello world\n");
            if (strcmp(mode, "late_ring") == 0) dsl_printf(&io, "{\"action\":\"use_ring\"}\n");
            if (strcmp(mode, "big") == 0 || strcmp(mode, "stall") == 0 ||
                strcmp(mode, "exit_in_get") == 0) {
                put_big_then_get();
                dsl_flush(&io);
                if (strcmp(mode, "stall") == 0) for (;;) pause();
                if (strcmp(mode, "exit_in_get") == 0) {
                    usleep(20000); /* dslab is blocked on the full ring by now */
                    exit(5);
                }
                const char *answer = dsl_read_line(&io, &len);
                size_t digits = 0;
                const char *v = answer ? strstr(answer, "\"value\":\"") : NULL;
                while (v && v[9 + digits] == '7') digits++;
                dsl_printf(&io, "{\"action\":\"annotate\",\"tag\":\"big\",\"value\":%zu,\"text\":\"%zu bytes on the %s\"}\n",
                           digits, len, io.ring_on ? "ring" : "pipes");
            }
        }
        dsl_done(&io);
    }
    return 0;
}
