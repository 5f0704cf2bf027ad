/* test_process_nodes.c: the pure parts of process nodes (shell-free argv,
 * the node's line parser) and the host part's promises: every spawned
 * process is reaped and every fd closed (sim/nodes/). */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "dslab/annotation.h"
#include "nodes/process_argv.h"
#include "nodes/process_io.h"
#include "nodes/process_line.h"
#include "harness.h"

static void test_argv_split(void **state) {
    (void)state;
    char err[200];
    char **a = process_argv_split("  python3\tmy node.py  'a b' \"c \\\"d\\\" \\\\ \\n\" e\\ f ''", err, sizeof err);
    assert_non_null(a);
    const char *want[] = {"python3", "my", "node.py", "a b", "c \"d\" \\ \\n", "e f", "", NULL};
    for (int i = 0; want[i]; i++) assert_string_equal(a[i], want[i]);
    assert_null(a[7]);
    free(a);
    /* Nothing a shell would expand is special. */
    a = process_argv_split("echo $HOME *.py ~ | wc ; rm", err, sizeof err);
    assert_non_null(a);
    assert_string_equal(a[1], "$HOME");
    assert_string_equal(a[4], "|");
    free(a);
    static const struct { const char *cmd, *err; } bad[] = {
        {"", "the command is empty"},
        {" \t ", "the command is empty"},
        {"'' x", "the program name is empty"},
        {"python3 'x", "unterminated ' quote at byte 9 of the command"},
        {"python3 \"x", "unterminated \" quote at byte 9 of the command"},
        {"python3 x\\", "the command ends with a lone backslash"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_null(process_argv_split(bad[i].cmd, err, sizeof err));
        assert_string_equal(err, bad[i].err);
    }
    char many[400] = "p";
    for (int i = 0; i < PROCESS_ARGV_MAX; i++) strcat(many, " x");
    assert_null(process_argv_split(many, err, sizeof err));
    assert_string_equal(err, "more than 64 words in the command");
    char *huge = malloc(PROCESS_COMMAND_BYTES_MAX + 2);
    memset(huge, 'a', PROCESS_COMMAND_BYTES_MAX + 1);
    huge[PROCESS_COMMAND_BYTES_MAX + 1] = '\0';
    assert_null(process_argv_split(huge, err, sizeof err));
    free(huge);
}

static int parse(const char *line, struct pline *p, char *err) {
    return pline_parse(line, strlen(line), p, err, 200);
}

/* What a line that parses must give: the numbers `checks` names, and every
 * string that is not NULL. */
enum { W_KIND = 1, W_NUMBER = 2, W_IN_REPLY_TO = 4, W_DELAY = 8, W_ROLE = 16, W_FINAL_KEY = 32 };
struct pline_want {
    const char *line;
    int checks; /* W_* */
    enum pline_kind kind;
    int64_t number, in_reply_to, delay_ns, final_key;
    int role;
    const char *dest, *body, *timer_id, *value, *tag, *text;
};

static void expect_pline(const struct pline *p, const struct pline_want *w) {
    if (w->checks & W_KIND) assert_int_equal(p->kind, w->kind);
    if (w->checks & W_NUMBER) assert_true(p->number == w->number);
    if (w->checks & W_IN_REPLY_TO) assert_int_equal(p->in_reply_to, w->in_reply_to);
    if (w->checks & W_DELAY) assert_int_equal(p->delay_ns, w->delay_ns);
    if (w->checks & W_ROLE) assert_int_equal(p->role, w->role);
    if (w->checks & W_FINAL_KEY) assert_int_equal(p->final_key, w->final_key);
    const char *got[] = {p->dest, p->body, p->timer_id, p->value, p->tag, p->text};
    const char *want[] = {w->dest, w->body, w->timer_id, w->value, w->tag, w->text};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        if (want[i]) assert_string_equal(got[i], want[i]);
    }
}

static void test_line_parser(void **state) {
    (void)state;
    struct pline p;
    char err[200];
    /* Lines that parse: what each must give (what a row leaves unset is not checked). */
    static const struct pline_want good[] = {
        {"{\"action\":\"done\"}", W_KIND, .kind = PLINE_DONE},
        {" { \"action\" : \"done\" } ", W_KIND, .kind = PLINE_DONE},
        {"{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"x\",\"in_reply_to\":4,\"a\":[1]}}", W_KIND | W_IN_REPLY_TO,
         .kind = PLINE_SEND, .dest = "n2", .body = "{\"type\":\"x\",\"in_reply_to\":4,\"a\":[1]}", .in_reply_to = 4},
        {"{\"action\":\"set_timer\",\"id\":\"e\",\"delay_ms\":1.5}", W_DELAY, .delay_ns = 1500000, .timer_id = "\"e\""},
        {"{\"action\":\"set_timer\",\"id\":7,\"delay_ns\":9}", 0, .timer_id = "7"},
        {"{\"action\":\"store_put\",\"key\":\"k\",\"value\":{\"x\":[1,2]}}", 0, .value = "{\"x\":[1,2]}"},
        {"{\"action\":\"annotate\",\"tag\":\"vote\",\"value\":3,\"text\":\"for n2\"}", W_KIND | W_NUMBER,
         .kind = PLINE_ANNOTATE, .number = 3},
        /* The typed reports; report_role's text is the class's name by default. */
        {"{\"action\":\"report_role\",\"role\":\"leader\",\"term\":3}", W_KIND | W_ROLE | W_NUMBER,
         .kind = PLINE_REPORT_ROLE, .role = DSLAB_ROLE_LEADER, .number = 3, .text = "leader"},
        {"{\"action\":\"report_role\",\"role\":\"candidate\",\"term\":0,\"text\":\"pre-candidate\"}", W_ROLE,
         .role = DSLAB_ROLE_CANDIDATE, .text = "pre-candidate"},
        {"{\"action\":\"report_role\",\"role\":\"other\",\"term\":9223372036854775807}", W_ROLE | W_NUMBER,
         .role = DSLAB_ROLE_OTHER, .number = INT64_MAX},
        {"{\"action\":\"report_term\",\"term\":7}", W_KIND | W_NUMBER, .kind = PLINE_REPORT_TERM, .number = 7,
         .tag = "term"},
        {"{\"action\":\"report_term\",\"term\":2,\"word\":\"epoch\"}", 0, .tag = "epoch"},
        {"{\"action\":\"report_final_state\",\"keys_count\":2,\"text\":\"leader t3\"}", W_KIND | W_NUMBER,
         .kind = PLINE_REPORT_FINAL_STATE, .number = 2, .text = "leader t3"},
        {"{\"action\":\"report_final_value\",\"key\":-4,\"value\":-9223372036854775808}",
         W_KIND | W_FINAL_KEY | W_NUMBER, .kind = PLINE_REPORT_FINAL_VALUE, .final_key = -4, .number = INT64_MIN},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        int rc = parse(good[i].line, &p, err);
        if (rc != 0) print_error("case %zu: %s -> %s\n", i, good[i].line, err);
        assert_int_equal(rc, 0);
        expect_pline(&p, &good[i]);
        pline_free(&p);
    }
    static const struct { const char *line, *err; } bad[] = {
        {"", "not JSON ("},
        {"[1]", "expected a JSON object like {\"action\":\"done\"}"},
        {"{}", "no 'action' field (and not a message with a 'body')"},
        {"{\"action\":5}", "'action' must be a string"},
        {"{\"action\":\"dnoe\"}", "unknown action 'dnoe' (did you mean 'done'?)"},
        {"{\"action\":\"done\",\"x\":1}", "done: unknown field 'x' (expected no other field)"},
        {"{\"action\":\"done\",\"action\":\"done\"}", "not JSON ("},
        {"{\"action\":\"send\",\"dest\":\"n1\",\"body\":{}}", "body: missing field 'type'"},
        {"{\"action\":\"send\",\"dest\":\"n1\",\"body\":{\"type\":\"x\",\"msg_id\":-1}}", "body: 'msg_id' must be an integer >= 0"},
        {"{\"action\":\"send\",\"dest\":3,\"body\":{\"type\":\"x\"}}", "send: 'dest' must be a string"},
        {"{\"action\":\"set_timer\",\"id\":\"e\"}", "set_timer: give exactly one of 'delay_ms' and 'delay_ns'"},
        {"{\"action\":\"set_timer\",\"id\":\"e\",\"delay_ms\":-1}", "set_timer: 'delay_ms' must be 0..86400000 (24 h)"},
        {"{\"action\":\"set_timer\",\"id\":\"e\",\"delay_ms\":1e300}", "set_timer: 'delay_ms' must be 0..86400000 (24 h)"},
        {"{\"action\":\"set_timer\",\"id\":[1],\"delay_ms\":1}", "set_timer: 'id' must be a string or an integer"},
        {"{\"action\":\"store_put\",\"key\":\"\",\"value\":1}", "store_put: 'key' is empty"},
        {"{\"action\":\"annotate\",\"tag\":\"Role\"}", "annotate: 'tag' must be lowercase letters, digits, _ or -"},
        {"{\"action\":\"annotate\",\"tag\":\"r\",\"value\":1.5}", "annotate: 'value' must be an integer"},
        {"{\"action\":\"describe\",\"text\":\"a\\u0000b\"}", "not JSON ("},
        /* annotate refuses the tags of typed reports: no checker would read them */
        {"{\"action\":\"annotate\",\"tag\":\"role\",\"value\":3,\"text\":\"leader\"}", "annotate: tag 'role' is reserved: use the action report_role (checkers and the visualiser read only the typed report)"},
        {"{\"action\":\"annotate\",\"tag\":\"final-state\"}", "annotate: tag 'final-state' is reserved: use the action report_final_state (checkers and the visualiser read only the typed report)"},
        {"{\"action\":\"annotate\",\"tag\":\"final\",\"value\":1}", "annotate: tag 'final' is reserved: use the action report_final_value (checkers and the visualiser read only the typed report)"},
        {"{\"action\":\"report_rol\"}", "unknown action 'report_rol' (did you mean 'report_role'?)"},
        {"{\"action\":\"report_role\",\"term\":1}", "report_role: missing field 'role'"},
        {"{\"action\":\"report_role\",\"role\":\"leader\"}", "report_role: missing field 'term'"},
        {"{\"action\":\"report_role\",\"role\":\"ledaer\",\"term\":1}", "report_role: unknown role 'ledaer' (did you mean 'leader'?)"},
        {"{\"action\":\"report_role\",\"role\":\"none\",\"term\":1}", "report_role: unknown role 'none' (expected follower, candidate, leader, primary, backup, coordinator, participant or other)"},
        {"{\"action\":\"report_role\",\"role\":\"Leader\",\"term\":1}", "report_role: unknown role 'Leader' (did you mean 'leader'?)"},
        {"{\"action\":\"report_role\",\"role\":3,\"term\":1}", "report_role: 'role' must be a string"},
        {"{\"action\":\"report_role\",\"role\":\"leader\",\"term\":-1}", "report_role: 'term' must be an integer >= 0"},
        {"{\"action\":\"report_role\",\"role\":\"leader\",\"term\":1.5}", "report_role: 'term' must be an integer >= 0"},
        {"{\"action\":\"report_role\",\"role\":\"leader\",\"term\":\"3\"}", "report_role: 'term' must be an integer >= 0"},
        {"{\"action\":\"report_role\",\"role\":\"leader\",\"term\":1,\"epoch\":1}", "report_role: unknown field 'epoch' (expected role, term, text)"},
        {"{\"action\":\"report_role\",\"role\":\"leader\",\"term\":1,\"text\":7}", "report_role: 'text' must be a string"},
        {"{\"action\":\"report_term\"}", "report_term: missing field 'term'"},
        {"{\"action\":\"report_term\",\"term\":-2}", "report_term: 'term' must be an integer >= 0"},
        {"{\"action\":\"report_term\",\"term\":2,\"word\":\"\"}", "report_term: 'word' is empty"},
        {"{\"action\":\"report_term\",\"term\":2,\"word\":\"Epoch\"}", "report_term: 'word' must be lowercase letters, digits, _ or -"},
        {"{\"action\":\"report_term\",\"term\":2,\"word\":\"role\"}", "report_term: word 'role' is reserved: use the action report_role (checkers and the visualiser read only the typed report)"},
        {"{\"action\":\"report_final_state\"}", "report_final_state: missing field 'keys_count'"},
        {"{\"action\":\"report_final_state\",\"keys_count\":-1}", "report_final_state: 'keys_count' must be an integer >= 0"},
        {"{\"action\":\"report_final_state\",\"keys\":1}", "report_final_state: unknown field 'keys' (expected keys_count, text)"},
        {"{\"action\":\"report_final_value\",\"key\":1}", "report_final_value: missing field 'value'"},
        {"{\"action\":\"report_final_value\",\"value\":1}", "report_final_value: missing field 'key'"},
        {"{\"action\":\"report_final_value\",\"key\":\"k1\",\"value\":1}", "report_final_value: 'key' must be an integer"},
        {"{\"action\":\"report_final_value\",\"key\":1,\"value\":null}", "report_final_value: 'value' must be an integer"},
        {"{\"action\":\"report_final_value\",\"key\":1,\"value\":true}", "report_final_value: 'value' must be an integer"},
        {"{\"action\":\"report_final_value\",\"key\":1,\"value\":99999999999999999999}", "not JSON ("},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = parse(bad[i].line, &p, err);
        /* Jansson's own wording (columns, phrasing) varies by version:
         * only the prefix of "not JSON (...)" is ours. */
        size_t n = strcmp(bad[i].err, "not JSON (") == 0 ? strlen(bad[i].err) : sizeof err;
        if (rc == 0 || strncmp(err, bad[i].err, n) != 0) {
            print_error("case %zu: %s -> %s\n", i, bad[i].line, rc ? err : "ok");
        }
        assert_int_equal(rc, -1);
        assert_int_equal(strncmp(err, bad[i].err, n), 0);
        assert_null(p.json);
    }
    /* Embedded NUL bytes and a line over the bound. */
    assert_int_equal(pline_parse("{\"action\":\"done\"}\0x", 19, &p, err, sizeof err), -1);
    assert_int_equal(pline_parse("{}", (size_t)PROCESS_LINE_BYTES_MAX + 1, &p, err, sizeof err), -1);
}

static int open_fds(void) {
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    if (!d) d = opendir("/dev/fd");
    if (!d) return -1;
    while (readdir(d)) n++;
    closedir(d);
    return n;
}

/* Spawns and kills processes that behave and that do not (ignore stdin,
 * start a helper that holds the pipes): no fd is left open and no child is
 * left to reap. */
static void test_spawn_kill_reap(void **state) {
    (void)state;
    char err[300];
    int before = open_fds();
    for (int i = 0; i < 20; i++) {
        struct proc p;
        char *sh_argv[] = {"sh", "-c", i % 2 ? "sleep 30 & cat" : "read x; echo \"$x\"; exec sleep 30",
                           NULL};
        assert_int_equal(proc_spawn(&p, sh_argv, NULL, "[t] ", 1024, err, sizeof err), 0);
        assert_int_equal(proc_write(&p, "hi\n", 3, proc_now_ms() + 5000, err, sizeof err), PROC_OK);
        const char *line;
        size_t len;
        assert_int_equal(proc_read_line(&p, &line, &len, proc_now_ms() + 5000, err, sizeof err), PROC_OK);
        assert_string_equal(line, "hi");
        assert_int_equal(proc_read_line(&p, &line, &len, proc_now_ms() + 50, err, sizeof err), PROC_TIMEOUT);
        proc_kill(&p);
        proc_kill(&p); /* idempotent */
    }
    struct proc p;
    char *missing[] = {"./no-such-program", NULL};
    assert_int_equal(proc_spawn(&p, missing, "/", "[t] ", 1024, err, sizeof err), -1);
    assert_string_equal(err, "cannot start './no-such-program' in /: No such file or directory");
    char *exits[] = {"sh", "-c", "exit 7", NULL};
    assert_int_equal(proc_spawn(&p, exits, NULL, "[t] ", 1024, err, sizeof err), 0);
    const char *line;
    size_t len;
    assert_int_equal(proc_read_line(&p, &line, &len, proc_now_ms() + 5000, err, sizeof err), PROC_EOF);
    char how[100];
    proc_describe_exit(&p, how, sizeof how);
    assert_string_equal(how, "exited with status 7");
    proc_kill(&p);
    char *longline[] = {"sh", "-c", "printf '%0300d\\n' 0", NULL};
    assert_int_equal(proc_spawn(&p, longline, NULL, "[t] ", 100, err, sizeof err), 0);
    assert_int_equal(proc_read_line(&p, &line, &len, proc_now_ms() + 5000, err, sizeof err), PROC_TOO_LONG);
    proc_kill(&p);
    assert_int_equal(open_fds(), before);
    errno = 0;
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
    assert_int_equal(errno, ECHILD);
}

H_MAIN(cmocka_unit_test(test_argv_split),
       cmocka_unit_test(test_line_parser),
       cmocka_unit_test(test_spawn_kill_reap))
