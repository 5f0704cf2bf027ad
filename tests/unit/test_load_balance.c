/* test_load_balance.c: the load-balance checker on hand-made traces: the
 * ratio of the busiest node's load to the mean against its bound (at the
 * bound fails, below passes), the later report of a node replacing its
 * earlier one, keys moved against `moved below`, runs it cannot judge,
 * and arguments it must refuse (out of range, too precise, repeated,
 * trailing commas, garbage). */
#include <stdint.h>

#include "harness.h"
#include "dslab/check.h"

static const char *const bad_args[] = {
    "max/mean below 0.99",  "max/mean below 1000.01", "max/mean below 1.234", "max/mean below 1.",
    "max/mean below .5",    "max/mean below x",       "moved below 0",        "moved below 1.5",
    "moved below -3",       "max/mean below 2,",      "max/mean below 2, max/mean below 3",
    "moved below 5 moved below 6", "balance", "max/mean above 2", "moved below 100000000001",
    "max/mean below 99999999999", NULL,
};

static const struct h_ck_case cases[] = {
    {"even load passes the default bound", "load-balance", "", 3,
     H_STEPS(H_NOTE(5000, 0, "load", "", 100), H_NOTE(5000, 1, "load", "", 110),
             H_NOTE(5000, 2, "load", "", 90)),
     5000, .want = DSLAB_CHECK_PASS, .summary_has = {"max/mean 1.10", "busiest served 110", "0 keys moved"}},
    {"a node at exactly the bound fails (below means below)", "load-balance", "max/mean below 1.5", 2,
     H_STEPS(H_NOTE(5000, 0, "load", "", 150), H_NOTE(5000, 1, "load", "", 50)),
     5000, .want = DSLAB_CHECK_FAIL, H_VIOLATIONS(1), .message_has = {"1.50 times the mean"},
     .nodes_in = 1u << 0, .nodes_out = 1u << 1, .evidence = H_S(0)},
    {"the hot node is named", "load-balance", "max/mean below 1.2", 3,
     H_STEPS(H_NOTE(5000, 0, "load", "", 10), H_NOTE(5000, 1, "load", "", 10),
             H_NOTE(5000, 2, "load", "", 80)),
     5000, .want = DSLAB_CHECK_FAIL, .summary_has = {"max/mean 2.40"}, .nodes_in = 1u << 2,
     .nodes_out = 3u},
    {"a node's later report replaces its earlier one", "load-balance", "max/mean below 1.1", 2,
     H_STEPS(H_NOTE(1000, 0, "load", "", 500), H_NOTE(5000, 0, "load", "", 100),
             H_NOTE(5000, 1, "load", "", 100)),
     5000, .want = DSLAB_CHECK_PASS, .summary_has = {"max/mean 1.00"}},
    {"keys moved at the bound fail", "load-balance", "moved below 10, max/mean below 3", 3,
     H_STEPS(H_NOTE(5000, 0, "load", "", 10), H_NOTE(5000, 1, "load", "", 10), H_NOTE(5000, 1, "moved", "", 4),
             H_NOTE(5000, 2, "moved", "", 6)),
     5000, .want = DSLAB_CHECK_FAIL, H_VIOLATIONS(1), .message_has = {"10 keys moved (bound: fewer than 10)"},
     .nodes_in = 6u, .nodes_out = 1u},
    {"keys moved below the bound pass", "load-balance", "moved below 11", 2,
     H_STEPS(H_NOTE(5000, 0, "load", "", 10), H_NOTE(5000, 1, "load", "", 10), H_NOTE(5000, 1, "moved", "", 10)),
     5000, .want = DSLAB_CHECK_PASS, .summary_has = {"10 keys moved"}},
    {"other tags and negative loads are ignored", "load-balance", "", 2,
     H_STEPS(H_NOTE(5000, 0, "loads", "", 1000), H_NOTE(5000, 1, "load", "", -5), H_NOTE(5000, 0, "load", "", 7),
             H_NOTE(5000, 1, "load", "", 7)),
     5000, .want = DSLAB_CHECK_PASS, .summary_has = {"over 2 nodes"}},
    {"no load report is not judged", "load-balance", "", 2, H_STEPS(H_NOTE(5000, 0, "moved", "", 3)), 5000,
     .want = DSLAB_CHECK_UNKNOWN, .summary_has = {"no node reported its load"}},
    {"nothing served is not judged", "load-balance", "", 2,
     H_STEPS(H_NOTE(5000, 0, "load", "", 0), H_NOTE(5000, 1, "load", "", 0)), 5000,
     .want = DSLAB_CHECK_UNKNOWN, .summary_has = {"no node served a request"}},
    {"bad arguments are refused", "load-balance", "", 2, NULL, 0, .want = DSLAB_CHECK_PASS, .refuse = bad_args,
     .refuse_has = "load-balance takes"},
};

H_MAIN_CASES(cases)
