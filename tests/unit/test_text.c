/* test_text.c: UTF-8 validation, file checks and escaping (sim/text.c). */
#include <stdint.h>
#include <string.h>

#include "dslab/text.h"
#include "harness.h"

static bool valid(const char *s) { return dslab_text_utf8_valid(s, strlen(s), NULL); }

static void test_utf8_edges(void **state) {
    (void)state;
    assert_true(valid("plain ascii"));
    assert_true(valid("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80")); /* é € 😀 */
    assert_true(valid("\xf4\x8f\xbf\xbf"));                          /* U+10FFFF */
    assert_false(valid("\xc0\xaf"));             /* overlong '/' */
    assert_false(valid("\xe0\x80\xaf"));         /* overlong, 3 bytes */
    assert_false(valid("\xf0\x80\x80\xaf"));     /* overlong, 4 bytes */
    assert_false(valid("\xed\xa0\x80"));         /* surrogate U+D800 */
    assert_false(valid("\xf4\x90\x80\x80"));     /* U+110000 */
    assert_false(valid("\xf5\x80\x80\x80"));     /* lead F5 */
    assert_false(valid("\x80"));                 /* lone continuation */
    assert_false(valid("ab\xe2\x82"));           /* truncated */
    size_t bad = 0;
    assert_false(dslab_text_utf8_valid("ab\xc3(x", 5, &bad));
    assert_int_equal(bad, 2);
}

static void test_file_checks_give_positions(void **state) {
    (void)state;
    struct dslab_diag d;
    assert_int_equal(dslab_text_check_file("a: 1\n", 5, "f", &d), 0);
    assert_int_equal(dslab_text_check_file("\xef\xbb\xbf" "a: 1\n", 8, "f", &d), 0); /* UTF-8 BOM */
    assert_int_equal(dslab_text_check_file("\xff\xfe" "a\0", 4, "f", &d), -1);
    assert_non_null(strstr(d.message, "UTF-16"));
    assert_int_equal(dslab_text_check_file("\xff\xfe\0\0", 4, "f", &d), -1);
    assert_non_null(strstr(d.message, "UTF-32"));
    assert_int_equal(dslab_text_check_file("a: 1\nb: \0\n", 10, "f", &d), -1);
    assert_int_equal(d.line, 2);
    assert_int_equal(d.col, 4);
    assert_non_null(strstr(d.message, "NUL"));
    assert_int_equal(dslab_text_check_file("a: 1\n  x\xe9y\n", 11, "f", &d), -1);
    assert_int_equal(d.line, 2);
    assert_int_equal(d.col, 4);
    assert_non_null(strstr(d.message, "0xe9"));
    assert_int_equal(dslab_text_check_file("a: \x1b[2J\n", 8, "f", &d), -1); /* raw ESC */
    assert_int_equal(d.col, 4);
    assert_non_null(strstr(d.message, "control character (0x1b)"));
    assert_int_equal(dslab_text_check_file("a: \xc2\x85\n", 6, "f", &d), -1); /* C1 NEL */
    assert_non_null(strstr(d.message, "0x85"));
    assert_int_equal(dslab_text_check_file("a:\tb\r\n", 6, "f", &d), 0);
}

static void test_escape_and_diag(void **state) {
    (void)state;
    char out[64];
    dslab_text_escape("a\x1b[2J\xff\xc2\x85\xc3\xa9\t", 11, out, sizeof out);
    assert_string_equal(out, "a\\x1b[2J\\xff\\xc2\\x85\xc3\xa9\\x09");
    /* Cut short at a whole escape, never in the middle of one. */
    dslab_text_escape("\x01\x02\x03", 3, out, 10);
    assert_string_equal(out, "\\x01\\x02");
    struct dslab_diag d;
    dslab_diag_set(&d, "x\x1b.yaml", 1, 2, "unknown node '%s'", "n\x1b[31m\xff");
    assert_string_equal(d.file, "x\\x1b.yaml");
    assert_string_equal(d.message, "unknown node 'n\\x1b[31m\\xff'");
    /* Arguments that point into the diag itself. */
    dslab_diag_set(&d, d.file, 1, 1, "%s (again)", d.message);
    assert_string_equal(d.message, "unknown node 'n\\x1b[31m\\xff' (again)");
}

H_MAIN(cmocka_unit_test(test_utf8_edges),
       cmocka_unit_test(test_file_checks_give_positions),
       cmocka_unit_test(test_escape_and_diag))
