/* test_process_line_fast.c: the fast path of the process-node line parser
 * (sim/nodes/process_line_fast.c) gives exactly what the Jansson path
 * gives, or declines. For every line below, when the fast path takes it,
 * kind, src, dest, body bytes, body type and in_reply_to must equal the
 * Jansson path's; the lines it must take (the C echo node's) and the ones
 * it must decline (everything it cannot prove the same) are listed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "nodes/process_line.h"

static void assert_same_str(const char *a, const char *b) {
    if (!a || !b) {
        assert_true(a == b);
        return;
    }
    assert_string_equal(a, b);
}

/* Returns whether the fast path took the line; if so, it matches. */
static int compare(const char *line) {
    struct pline fast, slow;
    char err[256];
    memset(&fast, 0, sizeof fast);
    int took = pline_parse_fast(line, strlen(line), &fast);
    int rc = pline_parse_json(line, strlen(line), &slow, err, sizeof err);
    if (took) {
        if (rc != 0) fail_msg("fast path took a line Jansson rejects: %s (%s)", line, err);
        assert_int_equal(fast.kind, slow.kind);
        assert_same_str(fast.src, slow.src);
        assert_same_str(fast.dest, slow.dest);
        assert_int_equal(fast.body_len, slow.body_len);
        assert_memory_equal(fast.body, slow.body, slow.body_len);
        assert_same_str(fast.body_type, slow.body_type);
        assert_int_equal(fast.in_reply_to, slow.in_reply_to);
        pline_free(&fast);
    }
    if (rc == 0) pline_free(&slow);
    return took;
}

static void test_fast_takes_compact_messages(void **state) {
    (void)state;
    static const char *const take[] = {
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"echo\",\"echo\":0}}",
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"echo_ok\",\"echo\":12,\"in_reply_to\":7}}",
        "{\"action\":\"send\",\"dest\":\"n2\",\"body\":{\"type\":\"x\",\"msg_id\":0,\"a\":-5,\"b\":true,\"c\":false,\"d\":null,\"e\":\"\"}}",
        "{\"src\":\"\",\"dest\":\"n2\",\"body\":{\"type\":\"x\"}}",             /* act_send rejects the src */
        "{\"src\":\"n1\",\"dest\":\"dslab\",\"body\":{\"type\":\"init_ok\"}}",
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"\":1,\"type\":\"x\"}}",     /* an empty key */
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"x\",\"n\":999999999999999999}}",
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"x\",\"n\":-999999999999999999}}",
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"a/b ~!@#$%^&*()\",\"s\":\"'<>'\"}}",
    };
    for (size_t i = 0; i < sizeof take / sizeof take[0]; i++) {
        if (!compare(take[i])) fail_msg("the fast path declined: %s", take[i]);
    }
}

static void test_fast_declines_the_rest(void **state) {
    (void)state;
    static const char *const decline[] = {
        "{\"action\":\"done\"}",
        "{\"src\": \"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"x\"}}",          /* a space */
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\": \"x\"}}",
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"x\"}} ",          /* trailing */
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"x\"}}\r",
        "{\"dest\":\"n2\",\"src\":\"n1\",\"body\":{\"type\":\"x\"}}",           /* other order */
        "{\"src\":\"n1\",\"dest\":\"c0\",\"body\":{\"type\":\"read_ok\",\"in_reply_to\":1,\"value\":3}}",
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"x\",\"t\":{\"a\":1}}}", /* nested */
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"x\",\"t\":[1]}}",
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"x\",\"r\":1.5}}",     /* a real */
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"x\",\"r\":1e3}}",
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"x\",\"r\":-0}}",      /* Jansson: 0 */
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"x\",\"r\":007}}",
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"x\",\"r\":1234567890123456789}}",
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"x\\u0041\"}}",       /* an escape */
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"x\\/\"}}",
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"\xc3\xa9\"}}",       /* UTF-8 */
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"x\",\"type\":\"y\"}}", /* duplicate */
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"x\",\"a\":1,\"a\":2}}",
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"x\",\"msg_id\":-1}}",
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"x\",\"in_reply_to\":\"3\"}}",
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":5}}",
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"\"}}",
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{}}",
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"echo\":1}}",
        "{\"src\":\"n1\",\"dest\":\"\",\"body\":{\"type\":\"x\"}}",
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"x\",}}",
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"x\"}",
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"x\"},\"id\":1}",
        "{\"action\":\"send\",\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"x\"}}",
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"x\",\"t\":tru}}",
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"x\",\"t\":nulll}}",
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"x\",\"t\":-}}",
        "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"x\",\"t\":\"unterminated}}",
    };
    for (size_t i = 0; i < sizeof decline / sizeof decline[0]; i++) {
        if (compare(decline[i])) fail_msg("the fast path took: %s", decline[i]);
    }
    /* Every prefix of a line it takes: declined, or the same as Jansson. */
    const char *good = "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"echo_ok\",\"echo\":12,\"in_reply_to\":7}}";
    char cut[200];
    for (size_t n = 0; n < strlen(good); n++) {
        memcpy(cut, good, n);
        cut[n] = '\0';
        assert_int_equal(compare(cut), 0);
    }
    /* 17 keys: more than it tracks for duplicates, so declined. */
    char many[600] = "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"x\"";
    for (int k = 0; k < 16; k++) {
        size_t at = strlen(many);
        snprintf(many + at, sizeof many - at, ",\"k%d\":%d", k, k);
    }
    strcat(many, "}}");
    assert_int_equal(compare(many), 0);
}

H_MAIN(cmocka_unit_test(test_fast_takes_compact_messages), cmocka_unit_test(test_fast_declines_the_rest))
