/* test_trace_hash.c: the determinism hash covers every byte of every
 * trace line. A record can be longer than 4 KiB (a text of DSLAB_TEXT_MAX
 * bytes escaped as \u00XX is about 6 KiB); two events that differ only
 * past byte 4,096 of their lines must hash differently (the hasher once
 * cut each line at 4,095 bytes). */
#include <string.h>

#include "harness.h"

/* An annotation whose text is 1,000 control bytes ending in `last`. */
static struct dslab_trace_event long_event(char *text, char last) {
    memset(text, 1, 999);
    text[999] = last;
    text[1000] = 0;
    return (struct dslab_trace_event){.id = 7, .t_ns = 5, .kind = DSLAB_TRACE_ANNOTATE, .node = 0, .peer = -1,
                                      .tag = "note", .text = text};
}

static uint64_t hash_of(const struct dslab_trace_event *ev, const char (*names)[32]) {
    struct dslab_trace_hasher h;
    dslab_trace_hasher_init(&h, names, 1);
    dslab_trace_hasher_sink(&h, ev);
    return h.hash;
}

static void test_lines_differing_past_4_kib_hash_differently(void **state) {
    (void)state;
    static const char names[1][32] = {"n1"};
    static char ta[1001], tb[1001], la[8192], lb[8192];
    struct dslab_trace_event a = long_event(ta, 2), b = long_event(tb, 3);
    int na = dslab_trace_event_to_jsonl(&a, names, 1, la, (int)sizeof la);
    int nb = dslab_trace_event_to_jsonl(&b, names, 1, lb, (int)sizeof lb);
    assert_int_equal(na, nb);
    assert_true(na > 4096 && na < (int)sizeof la);
    size_t first = 0;
    while (la[first] == lb[first]) first++;
    assert_true(first > 4096); /* the lines differ only past byte 4,096 */
    assert_true(hash_of(&a, names) != hash_of(&b, names));
    assert_true(hash_of(&a, names) == hash_of(&a, names));
}

H_MAIN(cmocka_unit_test(test_lines_differing_past_4_kib_hash_differently))
