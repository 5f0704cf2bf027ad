/* echo_node.c: a dslab process node in plain C (docs/PROCESS_NODES.md):
 * it reads dslab's event lines and writes action lines and
 * {"action":"done"}, in lockstep, through dslab_lines.h: on stdin/stdout,
 * or, where dslab offers it (Linux), the shared-memory ring it asks for at
 * init. `echo_node --pipes` never asks (the same run over stdin/stdout:
 * tests/e2e/process_ring.sh compares the two traces).
 *
 * It does what clients/python/examples/echo.py does, minus durability:
 *   - Maelstrom echo: {"type":"echo","echo":N} -> {"type":"echo_ok","echo":N}
 *   - a key-value register for dslab's clients (read / write / cas),
 *     in memory only (a crash loses it: use it without crashes)
 *   - with the protocol parameter `pingpong: true`, every echo_ok is
 *     answered with a new echo, and init sends `pingpong_width` echoes to
 *     each peer: the message-driven load of bench/run_process.sh.
 * Fields are found by their text: dslab writes the event lines in a fixed
 * shape ({"src":...,"dest":...,"body":{"type":...), which is enough for a
 * benchmark node; a real node should use a JSON parser.
 * Build: cc -O2 -I DSLAB/sim/include -o echo_node echo_node.c */
#define _GNU_SOURCE /* the ring's syscall(2) */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab_lines.h"

#define KEYS_MAX 1000000

static long long *values;  /* by key */
static bool *present;
static bool pingpong;
static int width = 1;
static char self[64];
static struct dsl_io io;

/* The string value of "field":"..." after `from`, copied into out. */
static bool get_str(const char *from, const char *field, char *out, size_t size) {
    char pat[80];
    snprintf(pat, sizeof pat, "\"%s\":\"", field);
    const char *p = strstr(from, pat);
    if (!p) return false;
    p += strlen(pat);
    const char *end = strchr(p, '"');
    if (!end || (size_t)(end - p) >= size) return false;
    memcpy(out, p, (size_t)(end - p));
    out[end - p] = '\0';
    return true;
}

/* The integer of "field":N after `from`. */
static bool get_int(const char *from, const char *field, long long *out) {
    char pat[80];
    snprintf(pat, sizeof pat, "\"%s\":", field);
    const char *p = strstr(from, pat);
    if (!p) return false;
    char *end;
    *out = strtoll(p + strlen(pat), &end, 10);
    return end != p + strlen(pat);
}

static void on_init(const char *body) {
    long long w;
    get_str(body, "node_id", self, sizeof self);
    pingpong = strstr(body, "\"pingpong\":true") != NULL;
    if (get_int(body, "pingpong_width", &w) && w > 0 && w < 1000) width = (int)w;
    if (!pingpong) return;
    const char *ids = strstr(body, "\"node_ids\":[");
    if (!ids) return;
    ids += strlen("\"node_ids\":[");
    while (*ids == '"') {
        const char *end = strchr(ids + 1, '"');
        if (!end) break;
        int n = (int)(end - ids - 1);
        if (n != (int)strlen(self) || strncmp(ids + 1, self, (size_t)n) != 0) {
            for (int i = 0; i < width; i++) {
                dsl_printf(&io, "{\"src\":\"%s\",\"dest\":\"%.*s\",\"body\":{\"type\":\"echo\",\"echo\":%d}}\n",
                           self, n, ids + 1, i);
            }
        }
        ids = end + 1;
        if (*ids == ',') ids++;
    }
}

static void reply(const char *src, long long msg_id, const char *rest) {
    dsl_printf(&io, "{\"src\":\"%s\",\"dest\":\"%s\",\"body\":{%s,\"in_reply_to\":%lld}}\n", self, src,
               rest, msg_id);
}

int main(int argc, char **argv) {
    bool pipes_only = argc > 1 && strcmp(argv[1], "--pipes") == 0;
    values = calloc(KEYS_MAX, sizeof *values);
    present = calloc(KEYS_MAX, sizeof *present);
    if (!values || !present || dsl_open(&io) != 0) return 1;
    const char *line;
    while ((line = dsl_read_line(&io, NULL)) != NULL) {
        char src[64] = "", type[32] = "", rest[128];
        long long msg_id = 0, key = -1, n;
        get_str(line, "src", src, sizeof src);
        const char *body = strstr(line, "\"body\":");
        if (!body || !get_str(body, "type", type, sizeof type)) return 2;
        get_int(body, "msg_id", &msg_id);
        bool has_key = get_int(body, "key", &key) && key >= 0 && key < KEYS_MAX;
        if (strcmp(type, "init") == 0 || strcmp(type, "restart") == 0) {
            on_init(body);
            if (!pipes_only) dsl_ask_ring(&io);
        } else if (strcmp(type, "echo") == 0 && get_int(body, "echo", &n)) {
            snprintf(rest, sizeof rest, "\"type\":\"echo_ok\",\"echo\":%lld", n);
            reply(src, msg_id, rest);
        } else if (strcmp(type, "echo_ok") == 0 && pingpong && get_int(body, "echo", &n)) {
            dsl_printf(&io, "{\"src\":\"%s\",\"dest\":\"%s\",\"body\":{\"type\":\"echo\",\"echo\":%lld}}\n",
                       self, src, n + 1);
        } else if (strcmp(type, "read") == 0 && has_key) {
            if (present[key]) snprintf(rest, sizeof rest, "\"type\":\"read_ok\",\"value\":%lld", values[key]);
            else snprintf(rest, sizeof rest, "\"type\":\"error\",\"code\":20");
            reply(src, msg_id, rest);
        } else if (strcmp(type, "write") == 0 && has_key && get_int(body, "value", &n)) {
            values[key] = n;
            present[key] = true;
            reply(src, msg_id, "\"type\":\"write_ok\"");
        } else if (strcmp(type, "cas") == 0 && has_key) {
            long long from = 0, to = 0;
            get_int(body, "from", &from);
            get_int(body, "to", &to);
            if (!present[key]) {
                reply(src, msg_id, "\"type\":\"error\",\"code\":20");
            } else if (values[key] != from) {
                reply(src, msg_id, "\"type\":\"error\",\"code\":22");
            } else {
                values[key] = to;
                reply(src, msg_id, "\"type\":\"cas_ok\"");
            }
        }
        dsl_done(&io);
    }
    return 0;
}
