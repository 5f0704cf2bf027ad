/* test_json_write.c: the one JSON escaper and writer (sim/json_write.c):
 * the bytes the trace has always had for valid input, \ufffd for every
 * kind of invalid UTF-8, long strings written in pieces exactly as in one
 * go, and the writer's commas and nesting. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/json_write.h"
#include "harness.h"

static char *escaped(const char *s, size_t len) {
    size_t need = dslab_json_escape(s, len, NULL, 0);
    char *buf = malloc(need + 1);
    assert_non_null(buf);
    assert_int_equal(dslab_json_escape(s, len, buf, need + 1), need);
    assert_int_equal(strlen(buf), need);
    return buf;
}

static void expect(const char *in, size_t len, const char *want) {
    char *got = escaped(in, len);
    if (strcmp(got, want) != 0) fail_msg("escape: got %s, want %s", got, want);
    free(got);
}

/* Written through a FILE, as every command does. */
static char *written(const char *s) {
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    assert_non_null(f);
    dslab_json_write_string(f, s);
    fclose(f);
    return buf;
}

static void test_valid_input_keeps_the_trace_bytes(void **state) {
    (void)state;
    expect("plain", 5, "\"plain\"");
    expect("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
    expect("line\nnext", 9, "\"line\\nnext\"");
    expect("tab\tcr\r\x01\x1f", 9, "\"tab\\u0009cr\\u000d\\u0001\\u001f\"");
    /* DEL and C1 controls are escaped too: the literal is also valid YAML
     * and safe on a terminal (U+00A0 right above them is kept) */
    expect("del\x7f", 4, "\"del\\u007f\"");
    expect("c1\xc2\x80\xc2\x9f\xc2\xa0", 8, "\"c1\\u0080\\u009f\xc2\xa0\"");
    expect("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14, "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
    expect("\xef\xbf\xbf\xf4\x8f\xbf\xbf", 7, "\"\xef\xbf\xbf\xf4\x8f\xbf\xbf\""); /* U+FFFF, U+10FFFF */
    expect("", 0, "\"\"");
}

static void test_invalid_utf8_becomes_replacement_characters(void **state) {
    (void)state;
    expect("\xff", 1, "\"\\ufffd\"");
    expect("a\x80z", 3, "\"a\\ufffdz\"");                    /* stray continuation byte */
    expect("\xc0\xaf", 2, "\"\\ufffd\\ufffd\"");              /* overlong '/' */
    expect("\xe0\x80\xaf", 3, "\"\\ufffd\\ufffd\\ufffd\"");   /* overlong, 3 bytes */
    expect("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"");   /* a surrogate */
    expect("\xf4\x90\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* above U+10FFFF */
    expect("\xe2\x82", 2, "\"\\ufffd\\ufffd\"");              /* cut at the end */
    expect("\xe2\x82x", 3, "\"\\ufffd\\ufffdx\"");            /* cut in the middle */
    expect("\xf5\x80\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
}

static void test_truncation_is_snprintf_like(void **state) {
    (void)state;
    char buf[4];
    assert_int_equal(dslab_json_escape("abcdef", 6, buf, sizeof buf), 8);
    assert_string_equal(buf, "\"ab");
    assert_int_equal(dslab_json_escape("abc", 3, NULL, 0), 5);
}

/* Long strings are written in pieces: the pieces must never split a valid
 * sequence nor change anything, whatever the mix of bytes. */
static void test_long_strings_are_written_as_in_one_go(void **state) {
    (void)state;
    static const char *const parts[] = {"a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xff",
                                        "\x80", "\n", "\"", "\x01", "\xe2\x82"};
    uint64_t x = 88172645463325252u;
    for (int round = 0; round < 200; round++) {
        char s[4000];
        size_t len = 0;
        while (len < sizeof s - 8) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            const char *p = parts[x % 10];
            memcpy(s + len, p, strlen(p));
            len += strlen(p);
        }
        s[len] = 0;
        char *whole = escaped(s, len), *streamed = written(s);
        assert_string_equal(streamed, whole);
        free(whole);
        free(streamed);
    }
}

static void test_writer_places_commas_and_nesting(void **state) {
    (void)state;
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    struct dslab_json_writer w;
    dslab_jw_init(&w, f);
    dslab_jw_object_begin(&w);
    dslab_jw_key(&w, "a");
    dslab_jw_int(&w, -1);
    dslab_jw_key(&w, "b");
    dslab_jw_array_begin(&w);
    dslab_jw_uint(&w, UINT64_MAX);
    dslab_jw_array_begin(&w);
    dslab_jw_array_end(&w);
    dslab_jw_object_begin(&w);
    dslab_jw_object_end(&w);
    dslab_jw_null(&w);
    dslab_jw_bool(&w, true);
    dslab_jw_string(&w, "x\xff");
    dslab_jw_array_end(&w);
    dslab_jw_key(&w, "c");
    dslab_jw_bool(&w, false);
    dslab_jw_key(&w, "d");
    dslab_jw_array_begin(&w);
    dslab_jw_thousandths(&w, 1250);
    dslab_jw_thousandths(&w, -1);
    dslab_jw_thousandths(&w, 0);
    dslab_jw_array_end(&w);
    dslab_jw_object_end(&w);
    dslab_jw_end_document(&w);
    fclose(f);
    assert_string_equal(buf, "{\"a\":-1,\"b\":[18446744073709551615,[],{},null,true,\"x\\ufffd\"],\"c\":false,\"d\":[1.250,-0.001,0.000]}\n");
    free(buf);
}

H_MAIN(cmocka_unit_test(test_valid_input_keeps_the_trace_bytes),
       cmocka_unit_test(test_invalid_utf8_becomes_replacement_characters),
       cmocka_unit_test(test_truncation_is_snprintf_like),
       cmocka_unit_test(test_long_strings_are_written_as_in_one_go),
       cmocka_unit_test(test_writer_places_commas_and_nesting))
