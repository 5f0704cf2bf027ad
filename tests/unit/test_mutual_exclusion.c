/* test_mutual_exclusion.c: the mutual-exclusion checker on hand-written
 * traces: each of its three views (client belief, storage-accepted
 * writes, server grants) accepts what it must and rejects what it must,
 * crashes end a belief, texts match on their first word, the argument
 * picks the judged views (the others are still measured), and a bad view
 * name is an error with "did you mean". One row a trace
 * (tests/unit/harness_cases.h); every trace ends at 10s. */
#include "harness.h"

enum { SERVER = 0, STORE = 1, C1 = 2, C2 = 3 };

#define ME "mutual-exclusion"
#define NODES "lock store c1 c2"
#define LOCK(t_ms, client, token, text) H_NOTE((t_ms), (client), "lock", (text), (token))
#define STORED(t_ms, token, text) H_NOTE((t_ms), STORE, "storage", (text), (token))
#define LEASE(t_ms, token, text) H_NOTE((t_ms), SERVER, "lease", (text), (token))
#define DRIFT(t_ms, ppm) H_EVENT((t_ms), DSLAB_TRACE_CLOCK_DRIFT, SERVER, (ppm))
#define GRANT_1S(t_ms, token, client) LEASE((t_ms), (token), "granted " client " for 1000000000ns")

static const struct h_ck_case cases[] = {
    {"turns taken in order pass every view", ME, "", 0,
     H_STEPS(LEASE(0, 1, "granted c1"), LOCK(2, C1, 1, "acquired"), STORED(50, 1, "accepted v=1 from c1"),
             LOCK(100, C1, 1, "released"), LEASE(101, 1, "released"), LEASE(101, 2, "granted c2"),
             LOCK(103, C2, 2, "acquired"), STORED(150, 2, "accepted v=2 from c2"),
             STORED(150, 1, "rejected v=3 from c1 (token 1 < 2)")),
     10000, .want = DSLAB_CHECK_PASS, .node_names = NODES,
     .summary_has = {"2 leases held", "holders: 0 overlaps;", "1 rejected"}},
    {"two believed holders fail the holders view", ME, "holders", 0,
     H_STEPS(LOCK(0, C1, 1, "acquired"), LOCK(1000, C2, 2, "acquired"), LOCK(1750, C1, 1, "expired"),
             LOCK(1800, C2, 2, "released")),
     10000, .want = DSLAB_CHECK_FAIL, .node_names = NODES, H_VIOLATIONS(1), H_WINDOW(1000, 1750), .nodes_count = 2,
     .evidence_count = 4, /* both acquisitions, both ends */
     .message_has = {"two holders at once (by client belief): c1 (token 1)"}},
    {"a crash ends a belief, and touching is no overlap", ME, "holders", 0,
     H_STEPS(LOCK(0, C1, 1, "acquired"), H_CRASH(500, C1), LOCK(600, C2, 2, "acquired"),
             LOCK(900, C2, 2, "released"),
             LOCK(900, C1, 3, "acquired") /* at the very instant c2 let go */),
     10000, .want = DSLAB_CHECK_PASS, .node_names = NODES},
    {"a holder alone never overlaps itself", ME, "holders", 0,
     H_STEPS(LOCK(0, C1, 1, "acquired"), LOCK(100, C1, 2, "acquired") /* no release note */),
     10000, .want = DSLAB_CHECK_PASS, .node_names = NODES},
    /* the believed overlap is measured but not judged */
    {"storage interleaving fails the storage view", ME, "storage", 0,
     H_STEPS(LOCK(0, C1, 1, "acquired"), STORED(10, 1, "accepted v=1"), LOCK(1000, C2, 2, "acquired"),
             STORED(1100, 2, "accepted v=2"), STORED(1750, 1, "accepted v=3"),
             STORED(1800, 2, "accepted v=4")),
     10000, .want = DSLAB_CHECK_FAIL, .node_names = NODES, H_VIOLATIONS(1), H_WINDOW(1100, 1750), .nodes_count = 3,
     .message_has = {"c1 (token 1) after c2 (token 2)"}, .summary_has = {"holders: 1 overlaps (not judged)"}},
    {"a late write before the new holder writes is not interleaved", ME, "storage", 0,
     H_STEPS(LOCK(0, C1, 1, "acquired"), LOCK(1000, C2, 2, "acquired"),
             STORED(1001, 1, "accepted"), /* c1's late write lands first */
             STORED(1100, 2, "accepted"), STORED(1200, 3, "accepted")),
     10000, .want = DSLAB_CHECK_PASS, .node_names = NODES},
    {"overlapping grants fail the server view", ME, "server", 0,
     H_STEPS(LEASE(0, 1, "granted c1"), H_CRASH(300, SERVER),
             LEASE(400, 2, "granted c2"), /* the crash ended lease 1's record */
             LEASE(600, 3, "granted c1"), LEASE(900, 2, "expired")),
     10000, .want = DSLAB_CHECK_FAIL, .node_names = NODES, H_VIOLATIONS(1), H_WINDOW(600, 900),
     .message_has = {"server granted overlapping leases"}},
    /* A crash does not end the server's promise (issue 11, item 4): a server
     * that restarts and waits out a full lease before its next grant passes;
     * one that grants at once overlaps the lease it forgot. Before, the crash
     * closed the grant, and a restart the checker never saw (a restart of a
     * running server) left it open forever. */
    {"a restarted server waiting a lease passes the server view", ME, "server", 0,
     H_STEPS(GRANT_1S(0, 1, "c1"), LOCK(2, C1, 1, "acquired"), H_CRASH(300, SERVER),
             H_NOTE(400, SERVER, "role", "lock-server (restarted: no grants for one lease)", 1),
             GRANT_1S(1400, 2, "c2"), LOCK(1402, C2, 2, "acquired"), LEASE(2400, 2, "expired")),
     10000, .want = DSLAB_CHECK_PASS, .node_names = NODES, .summary_has = {"server: 0 overlapping grants"}},
    {"a restarted server granting at once fails the server view", ME, "server", 0,
     H_STEPS(GRANT_1S(0, 1, "c1"), H_CRASH(300, SERVER), GRANT_1S(500, 2, "c2")),
     10000, .want = DSLAB_CHECK_FAIL, .node_names = NODES, H_WINDOW(500, 1000)},
    /* The promise is measured on the server's clock: 10% slow, a 1s lease
     * lasts 1.111s of true time, so a grant at 1.05s overlaps it... */
    {"the promise follows the server's clock drift", ME, "server", 0,
     H_STEPS(DRIFT(0, -100000), GRANT_1S(0, 1, "c1"), H_CRASH(300, SERVER), GRANT_1S(1050, 2, "c2")),
     10000, .want = DSLAB_CHECK_FAIL, .node_names = NODES, H_TO_NS(1111111112)}, /* 1s / 0.9, rounded up */
    /* ...back to a normal rate at 0.5s: 0.45s of clock passed, 0.55s left */
    {"the promise follows a drift that ends", ME, "server", 0,
     H_STEPS(DRIFT(0, -100000), GRANT_1S(0, 1, "c1"), H_CRASH(300, SERVER), DRIFT(500, 0),
             GRANT_1S(1050, 2, "c2")),
     10000, .want = DSLAB_CHECK_PASS, .node_names = NODES},
    {"texts match on their first word only", ME, "", 0,
     H_STEPS(LOCK(0, C1, 1, "acquiredish"), /* not the word "acquired" */
             LOCK(10, C2, 2, "acquired (after 2 tries)"), STORED(20, 2, "accepted"), STORED(30, 1, "accepts")),
     10000, .want = DSLAB_CHECK_PASS, .node_names = NODES},
    {"progress judges stretches without accepted writes", ME, "storage, progress 2s", 0,
     H_STEPS(LOCK(0, C1, 1, "acquired"), STORED(500, 1, "accepted v=1"), STORED(2000, 1, "accepted v=2"),
             STORED(9000, 1, "accepted v=3") /* 7s without a write before it */),
     10000, /* ends at 10s: 1s after the last */
     .want = DSLAB_CHECK_FAIL, .node_names = NODES, H_VIOLATIONS(1), H_WINDOW(2000, 9000),
     .message_has = {"no write accepted by the storage for 7s"}},
    /* Only progress given: the views are not judged; a silent end fails. */
    {"progress alone: a silent end fails, the views are not judged", ME, "progress 3s", 0,
     H_STEPS(LOCK(0, C1, 1, "acquired"), LOCK(100, C2, 2, "acquired"), /* two holders: not judged */
             STORED(200, 2, "accepted v=1")),
     10000, .want = DSLAB_CHECK_FAIL, .node_names = NODES, .message_has = {"until the end of the run"}},
    {"a bad view is an error with a suggestion", ME, NULL, 4, .refuse = (const char *const[]){"holders, storag", NULL},
     .refuse_has = "did you mean 'storage'"},
    {"progress takes a duration", ME, NULL, 4, .refuse = (const char *const[]){"progress", NULL},
     .refuse_has = "progress takes a duration"},
    {"progress refuses a word for a duration", ME, NULL, 4, .refuse = (const char *const[]){"progress soon", NULL}},
};

H_MAIN_CASES(cases)
