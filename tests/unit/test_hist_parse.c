/* test_hist_parse.c: the history parsers (Jepsen log, Knossos EDN,
 * Porcupine kv) and the EDN reader: what they build from good input, the
 * semantics of :fail and :info per format, and a clean line:col error for
 * each kind of malformed input; mutated inputs never crash. */
#include <stdint.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/hist_edn.h"
#include "checkers/hist_parse.h"
#include "dslab/lincheck.h"
#include "harness.h"

static int parse(const char *text, struct lin_history *h, struct dslab_diag *d) {
    lin_history_init(h);
    dslab_diag_clear(d);
    return hist_parse_buffer(text, strlen(text), "h.txt", h, d);
}

/* Parses text that must fail; checks line, col and a message fragment. */
static void expect_error(const char *text, int line, int col, const char *fragment) {
    struct lin_history h;
    struct dslab_diag d;
    int rc = parse(text, &h, &d);
    if (rc == 0 || d.line != line || d.col != col || !strstr(d.message, fragment)) {
        print_error("input: %s\ngot rc=%d %d:%d %s\n", text, rc, d.line, d.col, d.message);
    }
    assert_int_equal(rc, -1);
    assert_string_equal(d.file, "h.txt");
    assert_int_equal(d.line, line);
    assert_int_equal(d.col, col);
    assert_non_null(strstr(d.message, fragment));
    lin_history_deinit(&h);
}

/* Malformed inputs, where their errors point and what they say; each
 * test runs the cases of its group. */
struct bad_case {
    const char *group;
    const char *text;
    int line, col;
    const char *fragment;
};

static const struct bad_case bad_cases[] = {
    /* Jepsen log: each field */
    {"jepsen", "INFO  jepsen.util - x\t:invoke\t:read\tnil\n", 1, 21, "process"},
    {"jepsen", "INFO  jepsen.util - 1\t:invoke\t:read\tnil\nINFO jepsen.util - 1 :begin :read nil\n",
     2, 22, "unknown type"},
    {"jepsen", "INFO  jepsen.util - 1\t:invoke\t:scan\tnil\n", 1, 31, "unknown operation"},
    {"jepsen", "INFO  jepsen.util - 1\t:invoke\t:write\tfour\n", 1, 38, "malformed value"},
    {"jepsen", "INFO  jepsen.util - 1\t:invoke\t:cas\t[1]\n", 1, 36, "malformed value"},
    {"jepsen", "INFO  jepsen.util - 1\t:invoke\t:cas\t3\n", 1, 36, "[EXPECTED NEW]"},
    {"jepsen", "INFO  jepsen.util - 1\t:ok\t:read\t3\n", 1, 21, "never invoked"},
    {"jepsen", "INFO  jepsen.util - 1\t:invoke\t:read\tnil\nINFO  jepsen.util - 1\t:invoke\t:read\tnil\n",
     2, 1, "line 1 is open"},
    {"jepsen", "INFO  jepsen.util - 1\t:invoke\t:read\tnil\nINFO  jepsen.util - 1\t:ok\t:write\t3\n",
     2, 27, "does not match"},
    {"jepsen", "INFO  jepsen.util - 1\t:invoke\t:read\tnil\nWARN something else\n",
     2, 1, "expected 'INFO jepsen.util"},
    {"jepsen", "INFO  jepsen.util - 1\t:invoke\t:read\tnil\x01\n", 1, 40, "control character"},
    /* Knossos EDN histories */
    {"knossos", "[{:type :invoke :f :read}]", 1, 2, "without :process"},
    {"knossos", "[{:process 1 :type :invoke :f :scan}]", 1, 31, ":f is one of"},
    {"knossos", "[{:process 1 :type :begin :f :read}]", 1, 20, ":type is"},
    {"knossos", "[{:process 1 :type :invoke :f :write :value \"x\"}]", 1, 45, "integer or nil"},
    {"knossos", "[{:process 1 :type :invoke :f :cas :value [1]}]", 1, 43, "[expected new]"},
    {"knossos", "[{:process 1 :type :ok :f :read :value 1}]", 1, 2, "never invoked"},
    {"knossos", "[] []", 1, 4, "one collection"},
    {"knossos", "[1 2]", 1, 2, "operation map"},
    {"knossos", "\"just a string\"", 1, 1, "unrecognised history format"},
    /* Porcupine kv */
    {"kv", "{:process 0, :type :invoke, :f :get, :key \"7\", :value nil} {:process 1}\n",
     1, 60, "one operation map per line"},
    {"kv", "{:process 0, :type :invoke, :f :put, :key \"7\", :value 3}\n", 1, 55, "string or nil"},
    {"kv", "{:process 0, :type :invoke, :f :get, :key \"7\", :value nil}\n[1]\n",
     2, 1, "one operation map"},
    /* the EDN reader */
    {"edn", "[{:process 1\n  :type :invoke", 1, 2, "unterminated collection"},
    {"edn", "[\"abc", 1, 2, "unterminated string"},
    {"edn", "[{:a 1 :b}]", 1, 2, "key without a value"},
    {"edn", "[1 2]]", 1, 6, "nothing to close"},
    {"edn", "[99999999999999999999]", 1, 2, "64 bits"},
    {"edn", "[\"\\q\"]", 1, 2, "unknown escape"},
    {"edn", "[1 \x02]", 1, 4, "control character"},
    {"edn", "[: 1]", 1, 2, "keyword name"},
    {"edn", "[1.2.3]", 1, 2, "malformed number"},
    /* format detection and empty input */
    {"detect", "", 1, 1, "empty file"},
    {"detect", "  \n ; only a comment\n", 3, 1, "empty file"},
    {"detect", "hello world\n", 1, 1, "unrecognised history format"},
    {"detect", "\n\n   garbage", 3, 4, "unrecognised"},
};

static void expect_errors(const char *group) {
    int n = 0;
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        if (strcmp(bad_cases[i].group, group) != 0) continue;
        expect_error(bad_cases[i].text, bad_cases[i].line, bad_cases[i].col, bad_cases[i].fragment);
        n++;
    }
    assert_true(n > 0);
}

/* A test that every bad case of one group (its initial state) is refused as
 * bad_cases says: ERRORS_TEST(name, group) is its entry in H_MAIN. */
static void test_errors_of_group(void **s) {
    expect_errors(*s);
}
#define ERRORS_TEST(name, group) {#name, test_errors_of_group, NULL, NULL, (group)}

/* ---- Jepsen log ------------------------------------------------------- */

static const char jepsen_log[] =
    "INFO  jepsen.util - 0\t:invoke\t:read\tnil\n"
    "INFO  jepsen.util - 1\t:invoke\t:cas\t[3 0]\n"
    "INFO  jepsen.util - 0\t:ok\t:read\tnil\n"
    "INFO  jepsen.util - 2   :invoke   :write   4\n"
    "INFO  jepsen.util - 1\t:fail\t:cas\t[3 0]\n"
    "INFO  jepsen.util - 0\t:invoke\t:read\tnil\n"
    "INFO  jepsen.util - 0\t:fail\t:read\t:timed-out\n"
    "INFO  jepsen.util - 2\t:info\t:write\t:timed-out\n"
    "INFO  jepsen.util - 7\t:invoke\t:read\tnil\n"
    "INFO  jepsen.util - 7\t:ok\t:read\t4\n"
    "\n";

static void test_jepsen_log_pairs_and_keeps_porcupine_rules(void **s) {
    (void)s;
    struct lin_history h;
    struct dslab_diag d;
    assert_int_equal(parse(jepsen_log, &h, &d), 0);
    assert_string_equal(h.format, "jepsen-log");
    assert_int_equal(h.ops_count, 5);
    assert_int_equal(h.ops[0].fn, DSLAB_OP_READ);
    assert_int_equal(h.ops[0].value, DSLAB_HISTORY_NIL);        /* nil = absent, constrained */
    assert_int_equal(h.ops[0].flags, 0);
    assert_int_equal(h.ops[1].fn, DSLAB_OP_CAS);
    assert_int_equal(h.ops[1].expected, 3);
    assert_int_equal(h.ops[1].value, 0);
    assert_true(h.ops[1].flags & LIN_OP_CAS_FAILED);        /* :fail :cas = compare failed */
    assert_int_equal(h.ops[1].ret_line, 5);
    assert_int_equal(h.ops[2].fn, DSLAB_OP_WRITE);
    assert_true(h.ops[2].flags & LIN_OP_OPEN);              /* :info = open forever */
    assert_int_equal(h.ops[2].ret_pos, LIN_POS_NEVER);
    assert_true(h.ops[3].flags & LIN_OP_OUT_UNKNOWN);       /* :fail :read = unknown result */
    assert_int_equal(h.ops[4].value, 4);
    assert_int_equal(h.ops[4].client, 7);
    assert_true(h.ops[0].call_pos < h.ops[0].ret_pos);
    lin_history_deinit(&h);
}

/* ---- Knossos EDN ------------------------------------------------------ */

static const char knossos_edn[] =
    "; a comment\n"
    "[{:process 0, :type :invoke, :f :write, :value 3}\n"
    " {:process :nemesis, :type :info, :f :start, :value nil}\n"
    " {:process 1 :type :invoke :f :read :value nil :time 5}\n"
    " {:process 0, :type :ok, :f :write, :value 3}\n"
    " {:process 1, :type :ok, :f :read, :value 3, :error \"say \\\"hi\\\" #{x}\"}\n"
    " {:process 2, :type :invoke, :f :cas, :value [3 4]}\n"
    " {:process 2, :type :fail, :f :cas, :value [3 4], :error [:unknown nil]}\n"
    " {:process 3, :type :invoke, :f :cas, :value [3 5]}\n"
    " {:process 3, :type :info, :f :cas, :value [3 5]}\n"
    " {:process 4, :type :invoke, :f :read, :value nil}\n"
    " {:process 4, :type :ok, :f :read, :value nil}\n"
    " {:process 5, :type :invoke, :f :write, :value 9}]\n";

static void test_knossos_edn_drops_fails_and_keeps_infos_open(void **s) {
    (void)s;
    struct lin_history h;
    struct dslab_diag d;
    assert_int_equal(parse(knossos_edn, &h, &d), 0);
    assert_string_equal(h.format, "edn");
    assert_int_equal(h.ops_count, 5); /* write, read, info cas, nil read, pending write */
    assert_int_equal(h.ops[0].fn, DSLAB_OP_WRITE);
    assert_int_equal(h.ops[0].call_line, 2);
    assert_int_equal(h.ops[0].call_col, 2);
    assert_int_equal(h.ops[1].value, 3);
    assert_int_equal(h.ops[1].ret_line, 6);
    assert_int_equal(h.ops[2].fn, DSLAB_OP_CAS);
    assert_true(h.ops[2].flags & LIN_OP_OPEN);
    assert_true(h.ops[3].flags & LIN_OP_OUT_UNKNOWN); /* Knossos: nil read unconstrained */
    assert_true(h.ops[4].flags & LIN_OP_OPEN);        /* never completed */
    lin_history_deinit(&h);
}

static void test_knossos_txn_and_keyword_keys(void **s) {
    (void)s;
    struct lin_history h;
    struct dslab_diag d;
    assert_int_equal(parse("({:process 0 :type :invoke :f :txn :value [[:read :x nil] [:write :y 2]]}\n"
                           " {:process 0 :type :ok :f :txn :value [[:read :x 0] [:write :y 2]]})",
                           &h, &d), 0);
    assert_int_equal(h.ops_count, 1);
    assert_int_equal(h.ops[0].fn, LIN_FN_TXN);
    assert_int_equal(h.ops[0].micro_count, 2);
    const struct lin_micro *m = &h.micros[h.ops[0].micro_first];
    assert_false(m[0].unknown);
    assert_int_equal(m[0].value, 0);
    assert_true(h.keys_are_strings);
    assert_string_equal(lin_strings_get(&h.strings, m[1].key, NULL), "y");
    lin_history_deinit(&h);
}

/* ---- Porcupine kv ----------------------------------------------------- */

static void test_kv_txt_reads_string_keys_and_values(void **s) {
    (void)s;
    struct lin_history h;
    struct dslab_diag d;
    assert_int_equal(parse("{:process 0, :type :invoke, :f :append, :key \"7\", :value \"x 0 0 y\"}\n"
                           "{:process 0, :type :ok, :f :append, :key \"7\", :value \"x 0 0 y\"}\n"
                           "{:process 1, :type :invoke, :f :get, :key \"7\", :value nil}\n"
                           "{:process 1, :type :ok, :f :get, :key \"7\", :value \"\"}\n",
                           &h, &d), 0);
    assert_string_equal(h.format, "kv-txt");
    assert_true(h.string_values);
    assert_true(h.keys_are_strings);
    assert_int_equal(h.ops_count, 2);
    assert_int_equal(h.ops[0].fn, DSLAB_OP_APPEND);
    assert_string_equal(lin_strings_get(&h.strings, h.ops[0].value, NULL), "x 0 0 y");
    assert_string_equal(lin_strings_get(&h.strings, h.ops[0].key, NULL), "7");
    assert_int_equal(h.ops[1].fn, DSLAB_OP_READ);
    assert_int_equal(h.ops[1].value, 0); /* "" is string id 0 */
    assert_int_equal(h.ops[1].flags, 0);
    lin_history_deinit(&h);
}

/* ---- the EDN reader --------------------------------------------------- */

static void test_edn_reads_every_kind_of_value(void **s) {
    (void)s;
    const char *text = "{:a nil, :b true :c -42 :d 1.5 :e \"t\\\\x\\n\\u0041\" :f \\c :g sym\n"
                       " :h (1 2) :i [3] :j #{4} :k #inst \"2020\" :l #_ ignored 7 :m 12N}";
    struct edn_doc doc;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    assert_int_equal(edn_parse(text, strlen(text), "x.edn", &doc, &d), 0);
    assert_int_equal(doc.forms_count, 1);
    const struct edn_value *m = &doc.forms[0];
    assert_int_equal(m->type, EDN_MAP);
    assert_int_equal(m->count, 26);
    assert_int_equal(edn_map_get(m, "a")->type, EDN_NIL);
    assert_true(edn_map_get(m, "b")->b);
    assert_int_equal(edn_map_get(m, "c")->i, -42);
    assert_int_equal(edn_map_get(m, "d")->type, EDN_FLOAT);
    assert_string_equal(edn_map_get(m, "e")->text, "t\\x\nA");
    assert_int_equal(edn_map_get(m, "f")->type, EDN_CHAR);
    assert_int_equal(edn_map_get(m, "g")->type, EDN_SYMBOL);
    assert_int_equal(edn_map_get(m, "h")->type, EDN_LIST);
    assert_int_equal(edn_map_get(m, "h")->items[1].i, 2);
    assert_int_equal(edn_map_get(m, "h")->line, 2);
    assert_int_equal(edn_map_get(m, "h")->col, 5);
    assert_int_equal(edn_map_get(m, "j")->type, EDN_SET);
    assert_int_equal(edn_map_get(m, "k")->type, EDN_TAGGED);
    assert_int_equal(edn_map_get(m, "l")->i, 7);
    assert_int_equal(edn_map_get(m, "m")->i, 12);
    edn_doc_free(&doc);
}

static void test_edn_errors_have_line_and_column(void **s) {
    (void)s;
    expect_errors("edn");
    char deep[300];
    memset(deep, '[', 100);
    deep[100] = '\0';
    expect_error(deep, 1, 65, "deeper than 64");
}

/* Mutated copies of a valid history: each parses or fails cleanly. */
static void test_mutated_inputs_never_crash(void **s) {
    (void)s;
    const char *seeds[] = {jepsen_log, knossos_edn};
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (int k = 0; k < 2; k++) {
        size_t len = strlen(seeds[k]);
        char *buf = malloc(len + 1);
        assert_non_null(buf);
        for (int round = 0; round < 2000; round++) {
            memcpy(buf, seeds[k], len + 1);
            for (int m = 0; m < 1 + round % 4; m++) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                buf[x % len] = "[]{}()\":;\\ #0-9a\n\t,"[(x >> 32) % 20];
            }
            size_t cut = round % 3 == 0 ? (size_t)(x >> 40) % (len + 1) : len;
            struct lin_history h;
            struct dslab_diag d;
            lin_history_init(&h);
            dslab_diag_clear(&d);
            int rc = hist_parse_buffer(buf, cut, "m", &h, &d);
            assert_true(rc == 0 || (rc == -1 && d.message[0] != '\0'));
            lin_history_deinit(&h);
        }
        free(buf);
    }
}

/* dslab_lincheck_buffer end to end: model, --initial and the failure report. */
static void test_lincheck_buffer_reports_the_first_bad_operation(void **s) {
    (void)s;
    const char *text = "[{:process 0 :type :invoke :f :write :value 1}\n"
                       " {:process 0 :type :ok :f :write :value 1}\n"
                       " {:process 1 :type :invoke :f :read :value nil}\n"
                       " {:process 1 :type :ok :f :read :value 0}]\n";
    struct dslab_lincheck_options opt = {.model = DSLAB_LINCHECK_MODEL_CAS_REGISTER, .initial = "0"};
    struct dslab_lincheck_result r;
    struct dslab_diag d;
    dslab_diag_clear(&d);
    assert_int_equal(dslab_lincheck_buffer(text, strlen(text), "t.edn", &opt, &r, &d), 0);
    assert_int_equal(r.verdict, DSLAB_LINCHECK_NOT_LINEARIZABLE);
    assert_int_equal(r.line, 4);
    assert_int_equal(r.invoke_line, 3);
    assert_int_equal(r.process, 1);
    assert_string_equal(r.op, "read -> 0");
    assert_string_equal(r.state, "1");
    opt.initial = "zero";
    assert_int_equal(dslab_lincheck_buffer(text, strlen(text), "t.edn", &opt, &r, &d), -1);
    assert_non_null(strstr(d.message, "--initial"));
    opt.initial = NULL;
    opt.model = DSLAB_LINCHECK_MODEL_MUTEX;
    assert_int_equal(dslab_lincheck_buffer(text, strlen(text), "t.edn", &opt, &r, &d), -1);
    assert_int_equal(d.line, 1);
    assert_int_equal(d.col, 2);
    assert_non_null(strstr(d.message, "mutex"));
}

H_MAIN(cmocka_unit_test(test_jepsen_log_pairs_and_keeps_porcupine_rules),
       ERRORS_TEST(test_jepsen_log_errors_point_at_the_field, "jepsen"),
       cmocka_unit_test(test_knossos_edn_drops_fails_and_keeps_infos_open),
       cmocka_unit_test(test_knossos_txn_and_keyword_keys),
       ERRORS_TEST(test_knossos_errors, "knossos"),
       cmocka_unit_test(test_kv_txt_reads_string_keys_and_values),
       ERRORS_TEST(test_kv_txt_errors, "kv"),
       cmocka_unit_test(test_edn_reads_every_kind_of_value),
       cmocka_unit_test(test_edn_errors_have_line_and_column),
       ERRORS_TEST(test_detection_and_empty_input, "detect"),
       cmocka_unit_test(test_mutated_inputs_never_crash),
       cmocka_unit_test(test_lincheck_buffer_reports_the_first_bad_operation))
