/* test_checker_oracles.c: mutual-exclusion and atomic-commit, whose
 * bookkeeping became indexed to be n log n (issue 15), against their
 * definitions evaluated the slow, obvious way (every open record scanned
 * at every event), on thousands of seeded random traces: repeated tokens,
 * tied times, crashes mid-lease and mid-doubt, grants with and without a
 * length, drifting server clocks, decisions without votes. The verdict,
 * the number of violations, every kept violation (in order: message and
 * window) and the summary must agree. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define OR_EVENTS_MAX 48
#define OR_NODES 6

static uint64_t rng_next(uint64_t *s) { /* xorshift64*: seeded, deterministic */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

static int64_t pick(uint64_t *s, int64_t n) { return (int64_t)(rng_next(s) % (uint64_t)n); }

struct expect {
    int64_t total;
    int count;
    struct { int64_t from_ns, to_ns; char message[256]; } v[DSLAB_CHECK_VIOLATIONS_KEPT_MAX];
};

static void expect_add(struct expect *e, int64_t from_ns, int64_t to_ns, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void expect_add(struct expect *e, int64_t from_ns, int64_t to_ns, const char *fmt, ...) {
    e->total++;
    if (e->count == DSLAB_CHECK_VIOLATIONS_KEPT_MAX) return;
    e->v[e->count].from_ns = from_ns;
    e->v[e->count].to_ns = to_ns;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->v[e->count].message, sizeof e->v[e->count].message, fmt, ap);
    va_end(ap);
    e->count++;
}

static void compare(uint64_t seed, const struct dslab_check_result *r, const struct expect *e) {
    if (r->violations_total != e->total) {
        fail_msg("seed %" PRIu64 ": %" PRId64 " violations, want %" PRId64 " (first: %s)", seed,
                 r->violations_total, e->total, r->violations_count ? r->violations[0].message : "-");
    }
    for (int i = 0; i < e->count; i++) {
        const struct dslab_check_violation *v = &r->violations[i];
        if (strcmp(v->message, e->v[i].message) != 0 || v->from_ns != e->v[i].from_ns ||
            v->to_ns != e->v[i].to_ns) {
            fail_msg("seed %" PRIu64 ": violation %d is '%s' [%" PRId64 ", %" PRId64 "], want '%s' [%" PRId64
                     ", %" PRId64 "]", seed, i, v->message, v->from_ns, v->to_ns, e->v[i].message,
                     e->v[i].from_ns, e->v[i].to_ns);
        }
    }
}

/* ---- mutual-exclusion ---------------------------------------------------------- */

enum me_what { ME_ACQ, ME_REL, ME_EXP, ME_GRANT, ME_LEASE_END, ME_ACCEPT, ME_REJECT, ME_CRASH, ME_DRIFT };
static const char *const me_names = "s1 s2 st c1 c2 c3"; /* servers 0, 1; storage 2; clients 3..5 */
static const char *const me_name[OR_NODES] = {"s1", "s2", "st", "c1", "c2", "c3"};

struct me_ev {
    enum me_what what;
    int64_t t_ms, token, len_ns, ppm;
    int32_t node;
    uint64_t id;
};

struct me_iv {
    int32_t node;
    int64_t token, from_ns, to_ns, lease_ns;
    uint64_t open_id;
    bool crashed;
};

static size_t me_make(uint64_t seed, struct me_ev *ev) {
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + 7;
    size_t n = 4 + (size_t)pick(&s, OR_EVENTS_MAX - 4);
    int64_t t = 0, tokens = 1 + pick(&s, 5);
    for (size_t i = 0; i < n; i++) {
        struct me_ev *e = &ev[i];
        memset(e, 0, sizeof *e);
        t += pick(&s, 3) == 0 ? 0 : pick(&s, 400); /* ties too */
        e->t_ms = t;
        e->token = 1 + pick(&s, tokens);
        int64_t w = pick(&s, 20);
        e->what = w < 4 ? ME_ACQ : w < 6 ? ME_REL : w < 7 ? ME_EXP : w < 10 ? ME_GRANT : w < 12 ? ME_LEASE_END
                : w < 15 ? ME_ACCEPT : w < 16 ? ME_REJECT : w < 18 ? ME_CRASH : ME_DRIFT;
        e->node = e->what <= ME_EXP ? 3 + (int32_t)pick(&s, 3)
                : e->what <= ME_LEASE_END || e->what == ME_DRIFT ? (int32_t)pick(&s, 2)
                : e->what <= ME_REJECT ? 2 : (int32_t)pick(&s, OR_NODES);
        e->len_ns = pick(&s, 3) == 0 ? 0 : (100 + pick(&s, 900)) * DSLAB_NS_PER_MS;
        static const int64_t ppms[] = {-200000, 0, 100000, 500000};
        e->ppm = ppms[pick(&s, 4)];
    }
    return n;
}

__extension__ typedef __int128 or_i128;

/* The old, obvious computation: the true time at which node's clock has
 * advanced by length_ns since from_ns, through every drift in trace order. */
static int64_t me_promised(const struct me_ev *ev, size_t n, int32_t node, int64_t from_ns, int64_t length_ns) {
    int64_t ppm = 0, t_ns = from_ns;
    size_t k = 0;
    for (; k < n && ev[k].t_ms * DSLAB_NS_PER_MS <= from_ns; k++) {
        if (ev[k].what == ME_DRIFT && ev[k].node == node) ppm = ev[k].ppm;
    }
    or_i128 left = length_ns;
    for (;; k++) {
        while (k < n && !(ev[k].what == ME_DRIFT && ev[k].node == node)) k++;
        or_i128 rate = 1000000 + ppm, need = (left * 1000000 + rate - 1) / rate;
        if (k == n || (or_i128)t_ns + need <= ev[k].t_ms * DSLAB_NS_PER_MS) {
            or_i128 end = (or_i128)t_ns + need;
            return end > INT64_MAX ? INT64_MAX : (int64_t)end;
        }
        left -= ((or_i128)(ev[k].t_ms * DSLAB_NS_PER_MS - t_ns) * rate) / 1000000;
        t_ns = ev[k].t_ms * DSLAB_NS_PER_MS;
        ppm = ev[k].ppm;
    }
}

static int me_by_from(const void *pa, const void *pb) {
    const struct me_iv *a = pa, *b = pb;
    if (a->from_ns != b->from_ns) return a->from_ns < b->from_ns ? -1 : 1;
    return a->open_id < b->open_id ? -1 : a->open_id > b->open_id;
}

static int32_t me_holder(const struct me_iv *b, size_t nb, int64_t token) {
    for (size_t i = 0; i < nb; i++) { /* b is in the order acquired */
        if (b[i].token == token) return b[i].node;
    }
    return -1;
}

static int64_t me_overlaps(struct me_iv *iv, size_t n, bool holders, const struct me_iv *bel, size_t nb,
                           struct expect *e) {
    qsort(iv, n, sizeof *iv, me_by_from);
    int64_t found = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            if (iv[j].from_ns >= iv[i].to_ns || (holders && iv[j].node == iv[i].node)) continue;
            found++;
            int64_t to_ns = iv[i].to_ns < iv[j].to_ns ? iv[i].to_ns : iv[j].to_ns;
            int32_t a = holders ? iv[i].node : me_holder(bel, nb, iv[i].token);
            int32_t b = holders ? iv[j].node : me_holder(bel, nb, iv[j].token);
            char len[32];
            dslab_time_format_human(to_ns - iv[j].from_ns, len, sizeof len);
            expect_add(e, iv[j].from_ns, to_ns,
                       holders ? "two holders at once (by client belief): %s (token %lld) and %s (token %lld) for %s"
                               : "server granted overlapping leases: %s (token %lld) and %s (token %lld) for %s",
                       a >= 0 ? me_name[a] : "?", (long long)iv[i].token, b >= 0 ? me_name[b] : "?",
                       (long long)iv[j].token, len);
        }
    }
    return found;
}

static void me_oracle(struct me_ev *ev, size_t n, int64_t end_ns, struct expect *e, char *summary, size_t size) {
    struct me_iv bel[OR_EVENTS_MAX], gr[OR_EVENTS_MAX];
    size_t nb = 0, ng = 0;
    int64_t accepted = 0, rejected = 0, inter = 0, top = -1;
    int64_t top_ns = 0;
    memset(e, 0, sizeof *e);
    for (size_t i = 0; i < n; i++) {
        const struct me_ev *x = &ev[i];
        int64_t t_ns = x->t_ms * DSLAB_NS_PER_MS;
        if (x->what <= ME_EXP || x->what == ME_CRASH) { /* every lock note or a crash ends the node's belief */
            for (size_t k = 0; k < nb; k++) {
                if (bel[k].node == x->node && bel[k].to_ns == INT64_MAX) bel[k].to_ns = t_ns;
            }
        }
        if (x->what == ME_ACQ) {
            bel[nb++] = (struct me_iv){.node = x->node, .token = x->token, .from_ns = t_ns, .to_ns = INT64_MAX,
                                       .open_id = x->id};
        } else if (x->what == ME_GRANT) {
            gr[ng++] = (struct me_iv){.node = x->node, .token = x->token, .from_ns = t_ns, .to_ns = INT64_MAX,
                                      .open_id = x->id, .lease_ns = x->len_ns};
        } else if (x->what == ME_LEASE_END || x->what == ME_CRASH) {
            for (size_t k = 0; k < ng; k++) {
                bool mine = x->what == ME_CRASH ? gr[k].node == x->node : gr[k].token == x->token;
                if (!mine || gr[k].to_ns != INT64_MAX) continue;
                gr[k].to_ns = t_ns;
                gr[k].crashed = x->what == ME_CRASH && gr[k].lease_ns > 0;
            }
        } else if (x->what == ME_REJECT) {
            rejected++;
        }
    }
    for (size_t k = 0; k < nb; k++) if (bel[k].to_ns == INT64_MAX) bel[k].to_ns = end_ns;
    for (size_t k = 0; k < ng; k++) {
        if (gr[k].to_ns == INT64_MAX) gr[k].to_ns = end_ns;
        if (!gr[k].crashed) continue;
        int64_t p = me_promised(ev, n, gr[k].node, gr[k].from_ns, gr[k].lease_ns);
        gr[k].to_ns = p < end_ns ? p : end_ns;
    }
    for (size_t i = 0; i < n; i++) { /* storage: a token below the highest accepted before */
        if (ev[i].what != ME_ACCEPT) continue;
        accepted++;
        int64_t t_ns = ev[i].t_ms * DSLAB_NS_PER_MS;
        if (ev[i].token > top) {
            top = ev[i].token, top_ns = t_ns;
            continue;
        }
        if (ev[i].token == top) continue;
        inter++;
        int32_t o = me_holder(bel, nb, ev[i].token), w = me_holder(bel, nb, top);
        expect_add(e, top_ns, t_ns,
                   "storage accepted writes from two holders interleaved: %s (token %lld) after %s (token %lld)",
                   o >= 0 ? me_name[o] : "?", (long long)ev[i].token, w >= 0 ? me_name[w] : "?", (long long)top);
    }
    int64_t beliefs = (int64_t)nb;
    struct me_iv by_acquire[OR_EVENTS_MAX];
    memcpy(by_acquire, bel, nb * sizeof *bel);
    int64_t two = me_overlaps(bel, nb, true, by_acquire, nb, e);
    int64_t over = me_overlaps(gr, ng, false, by_acquire, nb, e);
    snprintf(summary, size,
             "%lld leases held; holders: %lld overlaps; storage: %lld interleaved of %lld accepted, %lld rejected; "
             "server: %lld overlapping grants",
             (long long)beliefs, (long long)two, (long long)inter, (long long)accepted, (long long)rejected,
             (long long)over);
    if (beliefs + accepted + rejected + (int64_t)ng == 0) summary[0] = 0; /* not judged */
}

static void test_mutual_exclusion_agrees_with_the_definition(void **state) {
    (void)state;
    int64_t seen = 0, crashed_grants = 0;
    for (uint64_t seed = 1; seed <= 4000; seed++) {
        struct me_ev ev[OR_EVENTS_MAX];
        size_t n = me_make(seed, ev);
        struct h_ck k;
        h_ck_begin_named(&k, "mutual-exclusion", "", me_names);
        char text[64];
        for (size_t i = 0; i < n; i++) {
            struct me_ev *x = &ev[i];
            switch (x->what) {
            case ME_ACQ: x->id = h_ck_note(&k, x->t_ms, x->node, "lock", "acquired", x->token); break;
            case ME_REL: x->id = h_ck_note(&k, x->t_ms, x->node, "lock", "released", x->token); break;
            case ME_EXP: x->id = h_ck_note(&k, x->t_ms, x->node, "lock", "expired", x->token); break;
            case ME_GRANT:
                if (x->len_ns) snprintf(text, sizeof text, "granted c1 for %" PRId64 "ns", x->len_ns);
                else snprintf(text, sizeof text, "granted c1");
                x->id = h_ck_note(&k, x->t_ms, x->node, "lease", text, x->token);
                crashed_grants += x->len_ns > 0;
                break;
            case ME_LEASE_END:
                x->id = h_ck_note(&k, x->t_ms, x->node, "lease", x->token % 2 ? "expired" : "released", x->token);
                break;
            case ME_ACCEPT: x->id = h_ck_note(&k, x->t_ms, x->node, "storage", "accepted", x->token); break;
            case ME_REJECT: x->id = h_ck_note(&k, x->t_ms, x->node, "storage", "rejected", x->token); break;
            case ME_CRASH: x->id = h_ck_emit(&k, x->t_ms, DSLAB_TRACE_CRASH, x->node, -1, 0, NULL, NULL); break;
            default: x->id = h_ck_emit(&k, x->t_ms, DSLAB_TRACE_CLOCK_DRIFT, x->node, -1, x->ppm, NULL, NULL); break;
            }
        }
        int64_t end_ms = ev[n - 1].t_ms + 2000;
        struct expect want;
        char summary[256];
        me_oracle(ev, n, end_ms * DSLAB_NS_PER_MS, &want, summary, sizeof summary);
        struct dslab_check_result res = h_ck_result(&k, end_ms);
        compare(seed, &res, &want);
        if (summary[0] && strcmp(res.summary, summary) != 0) {
            fail_msg("seed %" PRIu64 ": summary '%s', want '%s'", seed, res.summary, summary);
        }
        assert_int_equal(res.verdict, want.total ? DSLAB_CHECK_FAIL : summary[0] ? DSLAB_CHECK_PASS : DSLAB_CHECK_UNKNOWN);
        seen += want.total;
    }
    assert_true(seen > 2000); /* the generator reaches overlaps and interleavings */
    assert_true(crashed_grants > 1000);
}

/* ---- atomic-commit -------------------------------------------------------------- */

enum ac_what { AC_YES, AC_NO, AC_COMMIT, AC_ABORT, AC_DOUBT, AC_CRASH };
static const char *const ac_text[] = {"vote-yes", "vote-no", "commit", "abort", "in-doubt"};

struct ac_ev {
    enum ac_what what;
    int64_t t_ms, txn;
    int32_t node;
    uint64_t id;
};

/* The old bookkeeping of open doubts: one array, scanned at every event,
 * the last entry filling a closed slot. */
struct ac_open {
    int32_t node;
    int64_t txn, from_ns;
};

struct ac_oracle {
    struct ac_open open[OR_EVENTS_MAX];
    size_t count;
    int64_t stretches, longest_ns, longest_txn, limit_ns;
    int32_t longest_node;
    struct expect *e;
};

static void ac_close(struct ac_oracle *o, size_t i, int64_t to_ns, const char *why) {
    struct ac_open d = o->open[i];
    o->open[i] = o->open[--o->count];
    int64_t ns = to_ns - d.from_ns;
    o->stretches++;
    if (ns > o->longest_ns) o->longest_ns = ns, o->longest_txn = d.txn, o->longest_node = d.node;
    if (ns > o->limit_ns) {
        expect_add(o->e, d.from_ns, to_ns, "%s blocked in doubt about txn %lld for %lld ms (%s)", me_name[d.node],
                   (long long)d.txn, (long long)(ns / 1000000), why);
    }
}

static void ac_close_matching(struct ac_oracle *o, int32_t node, int64_t txn, bool any, int64_t t_ns,
                              const char *why) {
    for (size_t i = o->count; i-- > 0;) {
        if (o->open[i].node == node && (any || o->open[i].txn == txn)) ac_close(o, i, t_ns, why);
    }
}

static size_t ac_make(uint64_t seed, struct ac_ev *ev) {
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + 11;
    size_t n = 4 + (size_t)pick(&s, OR_EVENTS_MAX - 4);
    int64_t t = 0, txns = 1 + pick(&s, 6);
    for (size_t i = 0; i < n; i++) {
        t += pick(&s, 3) == 0 ? 0 : pick(&s, 800);
        int64_t w = pick(&s, 20);
        ev[i] = (struct ac_ev){.t_ms = t, .txn = 1 + pick(&s, txns), .node = (int32_t)pick(&s, OR_NODES),
                               .what = w < 7 ? AC_YES : w < 8 ? AC_NO : w < 12 ? AC_COMMIT : w < 14 ? AC_ABORT
                                     : w < 17 ? AC_DOUBT : AC_CRASH};
    }
    return n;
}

static void ac_oracle(const struct ac_ev *ev, size_t n, int64_t end_ns, int64_t limit_ns, struct expect *e,
                      char *summary, size_t size) {
    struct ac_oracle o = {.limit_ns = limit_ns, .longest_node = -1, .e = e};
    memset(e, 0, sizeof *e);
    uint64_t voters = 0, yes[8] = {0}, no[8] = {0}, commit[8] = {0}, abort_[8] = {0};
    int64_t first_commit_ns[8] = {0}, first_abort_ns[8] = {0}, no_ns[8] = {0}, max_txn = 0;
    int32_t commit_node[8] = {0}, abort_node[8] = {0}, no_node[8] = {0};
    bool split_reported[8] = {false};
    for (size_t i = 0; i < n; i++) {
        const struct ac_ev *x = &ev[i];
        int64_t t_ns = x->t_ms * DSLAB_NS_PER_MS, id = x->txn;
        uint64_t bit = 1ull << x->node;
        if (x->what == AC_CRASH) {
            ac_close_matching(&o, x->node, 0, true, t_ns, "until it crashed");
            continue;
        }
        if (id > max_txn) max_txn = id;
        if (x->what == AC_YES || x->what == AC_NO) voters |= bit;
        bool open_doubt = x->what == AC_YES || x->what == AC_DOUBT, decision = !open_doubt;
        if (x->what == AC_YES) yes[id] |= bit;
        if (open_doubt) {
            bool dup = false;
            for (size_t k = 0; k < o.count; k++) dup |= o.open[k].node == x->node && o.open[k].txn == id;
            if (!dup) o.open[o.count++] = (struct ac_open){.node = x->node, .txn = id, .from_ns = t_ns};
            continue;
        }
        if (x->what == AC_NO) {
            if (!no[id]) no_ns[id] = t_ns, no_node[id] = x->node;
            no[id] |= bit;
        }
        bool commits = x->what == AC_COMMIT;
        if (commits || (x->what == AC_NO && commit[id])) { /* validity */
            bool invalid = x->what == AC_NO || no[id] || ((voters & bit) && !(yes[id] & bit));
            if (invalid) {
                bool no_vote = no[id] != 0;
                expect_add(e, no_vote ? no_ns[id] : t_ns, t_ns, "%s committed txn %lld %s%s", me_name[x->node],
                           (long long)id, no_vote ? "although it got a no vote from " : "without having voted yes",
                           no_vote ? me_name[no_node[id]] : "");
            }
        }
        if (commits) {
            if (!commit[id]) first_commit_ns[id] = t_ns, commit_node[id] = x->node;
            commit[id] |= bit;
        } else {
            if (!abort_[id]) first_abort_ns[id] = t_ns, abort_node[id] = x->node;
            abort_[id] |= bit;
        }
        if (commit[id] && abort_[id] && !split_reported[id]) { /* agreement */
            split_reported[id] = true;
            bool cf = first_commit_ns[id] <= first_abort_ns[id];
            expect_add(e, cf ? first_commit_ns[id] : first_abort_ns[id], cf ? first_abort_ns[id] : first_commit_ns[id],
                       "txn %lld committed at %s but aborted at %s", (long long)id, me_name[commit_node[id]],
                       me_name[abort_node[id]]);
        }
        if (decision) ac_close_matching(&o, x->node, id, false, t_ns, "then decided");
    }
    while (o.count > 0) ac_close(&o, o.count - 1, end_ns, "still in doubt at the end");
    int64_t c = 0, a = 0, sp = 0;
    for (int64_t id = 1; id <= max_txn; id++) {
        c += commit[id] && !abort_[id];
        a += abort_[id] && !commit[id];
        sp += commit[id] && abort_[id];
    }
    char longest[96] = "";
    if (o.longest_node >= 0) {
        snprintf(longest, sizeof longest, " (%s, txn %lld)", me_name[o.longest_node], (long long)o.longest_txn);
    }
    snprintf(summary, size, "%lld committed, %lld aborted, %lld split; %lld in-doubt stretches, longest %lld ms%s",
             (long long)c, (long long)a, (long long)sp, (long long)o.stretches,
             (long long)(o.longest_ns / 1000000), longest);
    if (max_txn == 0) summary[0] = 0; /* not judged */
}

static void test_atomic_commit_agrees_with_the_definition(void **state) {
    (void)state;
    int64_t seen = 0, crash_closes = 0;
    for (uint64_t seed = 1; seed <= 4000; seed++) {
        struct ac_ev ev[OR_EVENTS_MAX];
        size_t n = ac_make(seed, ev);
        struct h_ck k;
        h_ck_begin_named(&k, "atomic-commit", "1s", me_names);
        for (size_t i = 0; i < n; i++) {
            struct ac_ev *x = &ev[i];
            if (x->what == AC_CRASH) {
                x->id = h_ck_emit(&k, x->t_ms, DSLAB_TRACE_CRASH, x->node, -1, 0, NULL, NULL);
                crash_closes++;
            } else {
                x->id = h_ck_note(&k, x->t_ms, x->node, "txn", ac_text[x->what], x->txn);
            }
        }
        int64_t end_ms = ev[n - 1].t_ms + 1500;
        struct expect want;
        char summary[256];
        ac_oracle(ev, n, end_ms * DSLAB_NS_PER_MS, DSLAB_NS_PER_S, &want, summary, sizeof summary);
        struct dslab_check_result res = h_ck_result(&k, end_ms);
        compare(seed, &res, &want);
        if (summary[0] && strcmp(res.summary, summary) != 0) {
            fail_msg("seed %" PRIu64 ": summary '%s', want '%s'", seed, res.summary, summary);
        }
        assert_int_equal(res.verdict, want.total ? DSLAB_CHECK_FAIL : summary[0] ? DSLAB_CHECK_PASS : DSLAB_CHECK_UNKNOWN);
        seen += want.total;
    }
    assert_true(seen > 2000);
    assert_true(crash_closes > 1000);
}

H_MAIN(cmocka_unit_test(test_mutual_exclusion_agrees_with_the_definition),
       cmocka_unit_test(test_atomic_commit_agrees_with_the_definition))
