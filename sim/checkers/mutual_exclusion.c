/* mutual_exclusion.c: the mutual-exclusion checker for lock services.
 *
 * A lock can be judged three ways, and they disagree exactly when leases
 * meet pauses and drifting clocks; the checker reports each separately:
 *
 *   holders  (client belief, in true time): a client holds the lock from
 *            its "lock" annotation "acquired" until "released", "expired"
 *            or its crash. Two clients holding at the same true instant is
 *            a violation. A client paused mid-work still believes it holds.
 *   storage  (what the protected resource accepted): the "storage"
 *            annotations "accepted" in the order the storage accepted
 *            them. A write accepted from an older lease (lower token)
 *            after a write from a newer one means the two holders'
 *            writes interleaved at the resource. Fencing tokens exist to
 *            make this view hold even when the holders view does not.
 *   server   (the leases as granted): the "lease" annotations "granted" to
 *            "expired"/"released". Overlapping grants mean the server
 *            itself broke its promise. A crash does not end a promise: a
 *            grant whose text says how long it is ("granted c1 for
 *            1000000000ns", the length on the server's monotonic clock)
 *            and that the server crashed before ending lasts until that
 *            length has passed on the server's clock (its drift is
 *            followed from the scenario and the clock_drift events); so a
 *            restarted server that waits out one lease passes, one that
 *            grants at once fails. A grant without a length ends at the
 *            crash.
 *
 * The value of every annotation is the lease's token; clients are tied to
 * tokens by their "acquired" annotations. Annotation texts are matched on
 * their first word, so protocols may add detail after it.
 *
 * Argument: which views are judged, e.g. "storage" or "holders, server";
 * default all three. Views not judged are still measured in the summary.
 * "progress DURATION" (alone or with views) also judges liveness: no
 * stretch longer than DURATION without a write accepted by the storage
 * (from the start, between writes, to the end of the run). A lock that is
 * safe because nobody ever gets it again is not a lock. Only progress
 * given: only progress is judged. A run in which no judged view saw any
 * annotation (and no progress bound is given) is not judged (unknown).
 * Cost: one record per lease and per accepted write; overlaps are found by
 * sorting (O(n log n) plus the overlapping pairs). */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/check_util.h"
#include "dslab/assert.h"
#include "dslab/check.h"
#include "dslab/suggest.h"
#include "dslab/time.h"
#include "scenario/units.h"

enum me_view { ME_HOLDERS = 1, ME_STORAGE = 2, ME_SERVER = 4 };

struct me_interval {
    int32_t node;
    int64_t token;
    int64_t from_ns, to_ns; /* to_ns = INT64_MAX while open */
    uint64_t open_id, close_id;
    bool closed_by_event;
    int64_t lease_ns;       /* grants: promised length on the server's clock, 0 = unknown */
    bool crashed;           /* grants: the server crashed while it was open */
};

/* A change of a node's clock rate (clock_drift events), in trace order. */
struct me_drift {
    int32_t node;
    int64_t t_ns;
    int64_t drift_ppm;
};

struct me_accept {
    int32_t node; /* the storage node */
    int64_t token;
    int64_t t_ns;
    uint64_t id;
};

struct me_list {
    void *items;
    size_t count, capacity, size;
};

struct me_state {
    const struct dslab_scenario *sc; /* borrowed */
    unsigned views;
    int64_t progress_ns;     /* 0 = not judged */
    struct me_list beliefs;  /* struct me_interval */
    struct me_list grants;   /* struct me_interval */
    struct me_list accepts;  /* struct me_accept */
    struct me_list drifts;   /* struct me_drift */
    int64_t rejected;
    bool out_of_memory;
};

static void *list_push(struct me_state *st, struct me_list *l) {
    void *grown = grow_array(l->items, &l->capacity, l->count, l->size, 32);
    if (!grown) {
        st->out_of_memory = true;
        return NULL;
    }
    l->items = grown;
    void *at = (char *)l->items + l->count++ * l->size;
    memset(at, 0, l->size);
    return at;
}

static int parse_views(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                       unsigned *views, int64_t *progress_ns, struct dslab_diag *diag) {
    static const char *const names[] = {"holders", "storage", "server", "progress"};
    const char *p = check->args ? check->args : "";
    *views = 0;
    *progress_ns = 0;
    bool want_duration = false;
    while (*p) {
        char word[32];
        size_t n = 0;
        while (*p && (*p == ',' || isspace((unsigned char)*p))) p++;
        while (*p && *p != ',' && !isspace((unsigned char)*p)) {
            if (n + 1 < sizeof word) word[n++] = *p;
            p++;
        }
        word[n] = 0;
        if (n == 0) break;
        if (want_duration) {
            char err[DSLAB_UNITS_ERR_MAX];
            if (dslab_units_parse_duration_ns(word, false, progress_ns, err, (int)sizeof err) < 0 ||
                *progress_ns <= 0) {
                return dslab_diag_set(diag, s->path, check->pos.line, check->pos.col,
                                "mutual-exclusion: progress takes a duration > 0 like 2s, got '%s'",
                                word);
            }
            want_duration = false;
            continue;
        }
        unsigned bit = 0;
        for (int i = 0; i < 4; i++) {
            if (strcmp(word, names[i]) == 0) bit = 1u << i;
        }
        if (!bit) {
            const char *near = dslab_suggest_nearest(word, names, 4);
            return dslab_diag_set(diag, s->path, check->pos.line, check->pos.col,
                            "mutual-exclusion: unknown view '%s'%s%s%s (expected holders, "
                            "storage, server or progress DURATION)",
                            word, near ? " (did you mean '" : "", near ? near : "",
                            near ? "'?)" : "");
        }
        if (bit == 8u) want_duration = true;
        else *views |= bit;
    }
    if (want_duration) {
        return dslab_diag_set(diag, s->path, check->pos.line, check->pos.col,
                        "mutual-exclusion: progress takes a duration, like 'progress 2s'");
    }
    if (*views == 0 && *progress_ns == 0) *views = ME_HOLDERS | ME_STORAGE | ME_SERVER;
    return 0;
}

static int me_create(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                     void **state_out, struct dslab_diag *diag) {
    unsigned views;
    int64_t progress_ns;
    if (parse_views(s, check, &views, &progress_ns, diag) != 0) return -1;
    struct me_state *st = check_state_new(s, check, sizeof *st, diag);
    if (!st) return -1;
    st->sc = s;
    st->views = views;
    st->progress_ns = progress_ns;
    st->beliefs.size = st->grants.size = sizeof(struct me_interval);
    st->accepts.size = sizeof(struct me_accept);
    st->drifts.size = sizeof(struct me_drift);
    *state_out = st;
    return 0;
}

static bool first_word_is(const char *text, const char *word) {
    size_t n = strlen(word);
    return text && strncmp(text, word, n) == 0 && (text[n] == 0 || text[n] == ' ');
}

/* Closes the open interval of `node` (holders) or of `token` (grants). */
static void close_open(struct me_list *l, int32_t node, int64_t token, int64_t t_ns,
                       uint64_t id, bool has_id) {
    struct me_interval *iv = l->items;
    for (size_t i = l->count; i-- > 0;) {
        if (iv[i].to_ns != INT64_MAX) continue;
        if ((node >= 0 && iv[i].node == node) || (node < 0 && iv[i].token == token)) {
            DSLAB_ASSERT(t_ns >= iv[i].from_ns); /* an interval ends no earlier than it began */
            iv[i].to_ns = t_ns;
            iv[i].close_id = id;
            iv[i].closed_by_event = has_id;
        }
    }
}

static void open_interval(struct me_state *st, struct me_list *l, const struct dslab_trace_event *ev) {
    struct me_interval *iv = list_push(st, l);
    if (!iv) return;
    iv->node = ev->node;
    iv->token = ev->a;
    iv->from_ns = ev->t_ns;
    iv->to_ns = INT64_MAX;
    iv->open_id = ev->id;
}

/* "granted c1 for 1000000000ns": the length after " for ", 0 if none. */
static int64_t grant_length_ns(const char *text) {
    const char *p = text ? strstr(text, " for ") : NULL;
    if (!p) return 0;
    p += 5;
    int64_t ns = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (ns > (INT64_MAX - 9) / 10) return 0;
        ns = ns * 10 + (*p - '0');
    }
    return strcmp(p, "ns") == 0 ? ns : 0;
}

__extension__ typedef __int128 me_i128;

/* The true time at which `node`'s monotonic clock has advanced by
 * length_ns since from_ns, following its drift: the scenario's, then each
 * clock_drift event (the clock keeps running while the node is down). */
static int64_t promised_end_ns(const struct me_state *st, int32_t node, int64_t from_ns,
                               int64_t length_ns) {
    int64_t ppm = st->sc->clocks && node >= 0 && node < st->sc->nodes_count
                      ? st->sc->clocks[node].drift_ppm
                      : 0;
    const struct me_drift *d = st->drifts.items;
    size_t k = 0;
    for (; k < st->drifts.count && d[k].t_ns <= from_ns; k++) {
        if (d[k].node == node) ppm = d[k].drift_ppm;
    }
    int64_t t_ns = from_ns;
    me_i128 left = length_ns; /* monotonic ns still to pass */
    for (;; k++) {
        while (k < st->drifts.count && d[k].node != node) k++;
        me_i128 rate = 1000000 + ppm;
        /* true ns for `left` monotonic ns at this rate, rounded up */
        me_i128 need = (left * 1000000 + rate - 1) / rate;
        if (k == st->drifts.count || (me_i128)t_ns + need <= d[k].t_ns) {
            me_i128 end = (me_i128)t_ns + need;
            return end > INT64_MAX ? INT64_MAX : (int64_t)end;
        }
        left -= ((me_i128)(d[k].t_ns - t_ns) * rate) / 1000000;
        t_ns = d[k].t_ns;
        ppm = d[k].drift_ppm;
    }
}

static void me_on_event(void *state, const struct dslab_trace_event *ev) {
    struct me_state *st = state;
    if (ev->kind == DSLAB_TRACE_CLOCK_DRIFT) {
        struct me_drift *d = list_push(st, &st->drifts);
        if (d) *d = (struct me_drift){.node = ev->node, .t_ns = ev->t_ns, .drift_ppm = ev->a};
        return;
    }
    if (ev->kind == DSLAB_TRACE_CRASH) {
        close_open(&st->beliefs, ev->node, 0, ev->t_ns, ev->id, true);
        struct me_interval *g = st->grants.items;
        for (size_t i = 0; i < st->grants.count; i++) {
            if (g[i].node == ev->node && g[i].to_ns == INT64_MAX) {
                g[i].to_ns = ev->t_ns;
                g[i].close_id = ev->id;
                g[i].closed_by_event = true;
                g[i].crashed = g[i].lease_ns > 0; /* its end is computed at finish */
            }
        }
        return;
    }
    if (ev->kind != DSLAB_TRACE_ANNOTATE || !ev->tag || ev->node < 0) return;
    if (strcmp(ev->tag, "lock") == 0) {
        close_open(&st->beliefs, ev->node, 0, ev->t_ns, ev->id, true);
        if (first_word_is(ev->text, "acquired")) open_interval(st, &st->beliefs, ev);
    } else if (strcmp(ev->tag, "lease") == 0) {
        if (first_word_is(ev->text, "granted")) {
            open_interval(st, &st->grants, ev);
            if (st->grants.count && !st->out_of_memory) {
                struct me_interval *g = st->grants.items;
                g[st->grants.count - 1].lease_ns = grant_length_ns(ev->text);
            }
        } else if (first_word_is(ev->text, "expired") || first_word_is(ev->text, "released")) {
            close_open(&st->grants, -1, ev->a, ev->t_ns, ev->id, true);
        }
    } else if (strcmp(ev->tag, "storage") == 0) {
        if (first_word_is(ev->text, "accepted")) {
            struct me_accept *a = list_push(st, &st->accepts);
            if (a) *a = (struct me_accept){.node = ev->node, .token = ev->a, .t_ns = ev->t_ns,
                                           .id = ev->id};
        } else if (first_word_is(ev->text, "rejected")) {
            st->rejected++;
        }
    }
}

static int by_from(const void *pa, const void *pb) {
    const struct me_interval *a = pa, *b = pb;
    if (a->from_ns != b->from_ns) return a->from_ns < b->from_ns ? -1 : 1;
    return a->open_id < b->open_id ? -1 : a->open_id > b->open_id;
}

/* The client that acquired `token`, or -1. */
static int32_t holder_of(const struct me_state *st, int64_t token) {
    const struct me_interval *b = st->beliefs.items;
    for (size_t i = 0; i < st->beliefs.count; i++) {
        if (b[i].token == token) return b[i].node;
    }
    return -1;
}

static const char *name_of(const struct me_state *st, int32_t node) {
    return node >= 0 && node < st->sc->nodes_count ? st->sc->node_names[node] : "?";
}

/* Overlapping intervals (of different nodes for holders) -> violations. */
static int64_t overlaps(struct me_state *st, struct me_list *l, bool holders, bool judged,
                        struct dslab_check_result *res) {
    struct me_interval *iv = l->items;
    if (l->count > 1) qsort(iv, l->count, sizeof *iv, by_from);
    int64_t found = 0;
    for (size_t i = 0; i < l->count; i++) {
        for (size_t j = i + 1; j < l->count && iv[j].from_ns < iv[i].to_ns; j++) {
            if (holders && iv[j].node == iv[i].node) continue;
            found++;
            if (!judged) continue;
            int64_t to_ns = iv[i].to_ns < iv[j].to_ns ? iv[i].to_ns : iv[j].to_ns;
            int32_t a = holders ? iv[i].node : holder_of(st, iv[i].token);
            int32_t b = holders ? iv[j].node : holder_of(st, iv[j].token);
            char len[32];
            dslab_time_format_human(to_ns - iv[j].from_ns, len, sizeof len);
            struct dslab_check_violation *v = dslab_check_result_add(
                res, iv[j].from_ns, to_ns,
                holders ? "two holders at once (by client belief): %s (token %lld) and %s "
                          "(token %lld) for %s"
                        : "server granted overlapping leases: %s (token %lld) and %s (token "
                          "%lld) for %s",
                name_of(st, a), (long long)iv[i].token, name_of(st, b), (long long)iv[j].token,
                len);
            if (!v) continue;
            dslab_check_violation_set_at(v, iv[j].from_ns); /* the second began while the first held */
            if (!holders) dslab_check_violation_add_node(v, iv[i].node);
            if (a >= 0) dslab_check_violation_add_node(v, a);
            if (b >= 0 && b != a) dslab_check_violation_add_node(v, b);
            dslab_check_violation_add_evidence(v, iv[i].open_id);
            dslab_check_violation_add_evidence(v, iv[j].open_id);
            if (iv[i].closed_by_event) dslab_check_violation_add_evidence(v, iv[i].close_id);
            if (iv[j].closed_by_event) dslab_check_violation_add_evidence(v, iv[j].close_id);
        }
    }
    return found;
}

/* Storage: an accepted write whose token is below one accepted earlier. */
static int64_t storage_interleavings(struct me_state *st, bool judged, struct dslab_check_result *res) {
    const struct me_accept *a = st->accepts.items;
    const struct me_accept *top = NULL;
    int64_t found = 0;
    for (size_t i = 0; i < st->accepts.count; i++) {
        if (!top || a[i].token > top->token) {
            top = &a[i];
            continue;
        }
        if (a[i].token == top->token) continue;
        found++;
        if (!judged) continue;
        int32_t old_holder = holder_of(st, a[i].token);
        int32_t new_holder = holder_of(st, top->token);
        struct dslab_check_violation *v = dslab_check_result_add(
            res, top->t_ns, a[i].t_ns,
            "storage accepted writes from two holders interleaved: %s (token %lld) after %s "
            "(token %lld)",
            name_of(st, old_holder), (long long)a[i].token, name_of(st, new_holder),
            (long long)top->token);
        if (!v) continue;
        dslab_check_violation_add_node(v, a[i].node);
        if (old_holder >= 0) dslab_check_violation_add_node(v, old_holder);
        if (new_holder >= 0) dslab_check_violation_add_node(v, new_holder);
        dslab_check_violation_add_evidence(v, top->id);
        dslab_check_violation_add_evidence(v, a[i].id);
    }
    return found;
}

/* Progress: stretches without an accepted write longer than the bound. */
static void progress_gaps(struct me_state *st, int64_t end_ns, struct dslab_check_result *res) {
    const struct me_accept *a = st->accepts.items;
    int64_t last_ns = 0;
    for (size_t i = 0; i <= st->accepts.count; i++) {
        int64_t t_ns = i < st->accepts.count ? a[i].t_ns : end_ns;
        if (t_ns - last_ns > st->progress_ns) {
            char len[32], bound[32];
            dslab_time_format_human(t_ns - last_ns, len, sizeof len);
            dslab_time_format_human(st->progress_ns, bound, sizeof bound);
            struct dslab_check_violation *v = dslab_check_result_add(
                res, last_ns, t_ns, "no write accepted by the storage for %s (progress bound %s)%s",
                len, bound, i < st->accepts.count ? "" : " until the end of the run");
            if (v && i < st->accepts.count) {
                dslab_check_violation_add_node(v, a[i].node);
                dslab_check_violation_add_evidence(v, a[i].id);
            }
        }
        last_ns = t_ns;
    }
}

/* Whether any judged view saw what it judges (progress is judged on nothing too). */
static bool saw_any_judged(const struct me_state *st) {
    return st->progress_ns > 0 || ((st->views & ME_HOLDERS) && st->beliefs.count > 0) ||
           ((st->views & ME_STORAGE) && (st->accepts.count > 0 || st->rejected > 0)) ||
           ((st->views & ME_SERVER) && st->grants.count > 0);
}

static void me_finish(void *state, const struct dslab_history *history, int64_t end_ns,
                      struct dslab_check_result *result) {
    (void)history;
    struct me_state *st = state;
    struct me_interval *lists[2] = {st->beliefs.items, st->grants.items};
    size_t counts[2] = {st->beliefs.count, st->grants.count};
    for (int l = 0; l < 2; l++) {
        for (size_t i = 0; i < counts[l]; i++) {
            if (lists[l][i].to_ns == INT64_MAX) lists[l][i].to_ns = end_ns;
        }
    }
    struct me_interval *g = st->grants.items;
    for (size_t i = 0; i < st->grants.count; i++) {
        if (!g[i].crashed) continue;
        int64_t promised_ns = promised_end_ns(st, g[i].node, g[i].from_ns, g[i].lease_ns);
        g[i].to_ns = promised_ns < end_ns ? promised_ns : end_ns;
        g[i].closed_by_event = false; /* ended by the clock, not by the crash */
    }
    result->verdict = DSLAB_CHECK_PASS;
    int64_t beliefs = (int64_t)st->beliefs.count;
    int64_t inter = storage_interleavings(st, st->views & ME_STORAGE, result);
    int64_t two = overlaps(st, &st->beliefs, true, st->views & ME_HOLDERS, result);
    int64_t grants_over = overlaps(st, &st->grants, false, st->views & ME_SERVER, result);
    if (st->progress_ns > 0) progress_gaps(st, end_ns, result);
    const char *nj = " (not judged)";
    snprintf(result->summary, sizeof result->summary,
             "%lld leases held; holders: %lld overlaps%s; storage: %lld interleaved of %lld "
             "accepted, %lld rejected%s; server: %lld overlapping grants%s",
             (long long)beliefs, (long long)two, st->views & ME_HOLDERS ? "" : nj,
             (long long)inter, (long long)st->accepts.count, (long long)st->rejected,
             st->views & ME_STORAGE ? "" : nj, (long long)grants_over,
             st->views & ME_SERVER ? "" : nj);
    if (st->out_of_memory) {
        if (result->verdict != DSLAB_CHECK_FAIL) result->verdict = DSLAB_CHECK_UNKNOWN;
        snprintf(result->summary, sizeof result->summary, "out of memory while recording leases");
    } else if (result->verdict == DSLAB_CHECK_PASS && !saw_any_judged(st)) {
        check_not_judged(result, "no lock, storage or lease annotation of a judged view");
    }
}

static void me_destroy(void *state) {
    struct me_state *st = state;
    if (!st) return;
    free(st->beliefs.items);
    free(st->grants.items);
    free(st->accepts.items);
    free(st->drifts.items);
    free(st);
}

const struct dslab_checker checker_mutual_exclusion = CHECKER(me, "mutual-exclusion",
    "one lock holder at a time: by client belief, by storage-accepted writes, by grants");
