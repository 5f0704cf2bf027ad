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
 * Cost: one record per lease and per accepted write; O(n log n) in the
 * trace plus the overlapping pairs found. While the run goes, each node's
 * open belief is one index, and open grants are on two lists (of their
 * token, through a hash table, and of their server node) that a close
 * walks and empties, so every grant is visited at most twice. At finish
 * the holders of tokens are one sorted index (holder_of), the clock
 * drifts are sorted by node (promised_end_ns), and overlaps are found by
 * sorting. bench/bench_checkers.c measures it; test_checker_oracles.c
 * compares it with the definition. */
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
    int64_t next_of_token;  /* grants, while recording: the previous grant of its token's list */
    int64_t next_of_node;   /* grants, while recording: the previous grant of its node's list */
};

/* A change of a node's clock rate (clock_drift events), in trace order. */
struct me_drift {
    int32_t node;
    int64_t t_ns;
    int64_t drift_ppm;
    uint64_t id; /* trace id: sorted by (node, id) at finish */
};

/* The first belief that named a token: holder_of's index. */
struct me_holder {
    int64_t token;
    uint64_t open_id;
    int32_t node;
};

/* Open-addressing table: token -> the newest grant of its list (-1 none).
 * Only looked up, never iterated, so its order cannot reach a verdict. */
struct me_token_slot {
    int64_t token;
    int64_t head;
    bool used;
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
    int64_t *open_belief;    /* owned, per node: index of its open belief, -1 none */
    int64_t *grants_of_node; /* owned, per node: head of its grants' list, -1 none */
    struct me_token_slot *grants_of_token; /* owned, token_slots entries (a power of 2) */
    size_t token_slots, tokens_used;
    struct me_holder *holders; /* owned, built at finish, sorted by (token, open_id) */
    size_t holders_count;
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
    size_t n = (size_t)(s->nodes_count > 0 ? s->nodes_count : 1);
    st->open_belief = malloc(n * sizeof *st->open_belief);
    st->grants_of_node = malloc(n * sizeof *st->grants_of_node);
    if (!st->open_belief || !st->grants_of_node) {
        free(st->open_belief);
        free(st->grants_of_node);
        free(st);
        return dslab_diag_set(diag, s->path, check->pos.line, check->pos.col, "out of memory");
    }
    for (size_t i = 0; i < n; i++) st->open_belief[i] = st->grants_of_node[i] = -1;
    *state_out = st;
    return 0;
}

static bool first_word_is(const char *text, const char *word) {
    size_t n = strlen(word);
    return text && strncmp(text, word, n) == 0 && (text[n] == 0 || text[n] == ' ');
}

static void close_interval(struct me_interval *iv, int64_t t_ns, uint64_t id) {
    DSLAB_ASSERT(t_ns >= iv->from_ns); /* an interval ends no earlier than it began */
    iv->to_ns = t_ns;
    iv->close_id = id;
    iv->closed_by_event = true;
}

/* Ends `node`'s open belief, if any (a node holds at most one: a new one
 * is opened only after this). */
static void close_belief(struct me_state *st, int32_t node, int64_t t_ns, uint64_t id) {
    int64_t i = st->open_belief[node];
    if (i < 0) return;
    close_interval((struct me_interval *)st->beliefs.items + i, t_ns, id);
    st->open_belief[node] = -1;
}

static size_t token_hash(int64_t token, size_t slots) {
    return (size_t)(((uint64_t)token * 0x9E3779B97F4A7C15ull) >> 17) & (slots - 1);
}

/* The head of `token`'s list of grants; NULL when absent and !create (or
 * out of memory). */
static int64_t *token_head(struct me_state *st, int64_t token, bool create) {
    if (create && (st->tokens_used + 1) * 2 > st->token_slots) { /* keep it at most half full */
        size_t slots = st->token_slots ? st->token_slots * 2 : 64;
        struct me_token_slot *t = calloc(slots, sizeof *t);
        if (!t) {
            st->out_of_memory = true;
            return NULL;
        }
        for (size_t i = 0; i < st->token_slots; i++) {
            if (!st->grants_of_token[i].used) continue;
            size_t j = token_hash(st->grants_of_token[i].token, slots);
            while (t[j].used) j = (j + 1) & (slots - 1);
            t[j] = st->grants_of_token[i];
        }
        free(st->grants_of_token);
        st->grants_of_token = t;
        st->token_slots = slots;
    }
    if (st->token_slots == 0) return NULL;
    size_t j = token_hash(token, st->token_slots);
    for (; st->grants_of_token[j].used; j = (j + 1) & (st->token_slots - 1)) {
        if (st->grants_of_token[j].token == token) return &st->grants_of_token[j].head;
    }
    if (!create) return NULL;
    st->grants_of_token[j] = (struct me_token_slot){.token = token, .head = -1, .used = true};
    st->tokens_used++;
    return &st->grants_of_token[j].head;
}

/* Ends every open grant of a list (of a token, or of a server node that
 * crashed), then empties the list: all on it are closed now. */
static void close_grants(struct me_state *st, int64_t *head, bool by_node, int64_t t_ns, uint64_t id) {
    struct me_interval *g = st->grants.items;
    for (int64_t i = *head; i >= 0; i = by_node ? g[i].next_of_node : g[i].next_of_token) {
        if (g[i].to_ns != INT64_MAX) continue; /* closed through its other list */
        close_interval(&g[i], t_ns, id);
        if (by_node) g[i].crashed = g[i].lease_ns > 0; /* its end is computed at finish */
    }
    *head = -1;
}

static struct me_interval *open_interval(struct me_state *st, struct me_list *l,
                                         const struct dslab_trace_event *ev) {
    struct me_interval *iv = list_push(st, l);
    if (!iv) return NULL;
    iv->node = ev->node;
    iv->token = ev->a;
    iv->from_ns = ev->t_ns;
    iv->to_ns = INT64_MAX;
    iv->open_id = ev->id;
    return iv;
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

static int by_node_then_id(const void *pa, const void *pb) {
    const struct me_drift *a = pa, *b = pb;
    if (a->node != b->node) return a->node < b->node ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

/* The first drift after (node, t_ns): of a later node, or of this node
 * later than t_ns. Drifts are sorted by (node, id), and times grow with ids. */
static size_t drift_after(const struct me_drift *d, size_t n, int64_t node, int64_t t_ns) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d[mid].node < node || (d[mid].node == node && d[mid].t_ns <= t_ns)) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* The true time at which `node`'s monotonic clock has advanced by
 * length_ns since from_ns, following its drift: the scenario's, then each
 * clock_drift event (the clock keeps running while the node is down).
 * The drifts are sorted by (node, id) (me_finish). */
static int64_t promised_end_ns(const struct me_state *st, int32_t node, int64_t from_ns,
                               int64_t length_ns) {
    int64_t ppm = st->sc->clocks && node >= 0 && node < st->sc->nodes_count
                      ? st->sc->clocks[node].drift_ppm
                      : 0;
    const struct me_drift *d = st->drifts.items;
    size_t n = st->drifts.count;
    size_t lo = drift_after(d, n, (int64_t)node - 1, INT64_MAX); /* the node's first drift */
    size_t last = drift_after(d, n, node, INT64_MAX);             /* past its last */
    size_t k = drift_after(d, n, node, from_ns);                  /* its first after from_ns */
    if (k > lo) ppm = d[k - 1].drift_ppm;
    int64_t t_ns = from_ns;
    me_i128 left = length_ns; /* monotonic ns still to pass */
    for (;; k++) {
        me_i128 rate = 1000000 + ppm;
        /* true ns for `left` monotonic ns at this rate, rounded up */
        me_i128 need = (left * 1000000 + rate - 1) / rate;
        if (k == last || (me_i128)t_ns + need <= d[k].t_ns) {
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
        if (d) *d = (struct me_drift){.node = ev->node, .t_ns = ev->t_ns, .drift_ppm = ev->a, .id = ev->id};
        return;
    }
    if (ev->node < 0 || ev->node >= st->sc->nodes_count) return; /* every event below is a node's */
    if (ev->kind == DSLAB_TRACE_CRASH) {
        close_belief(st, ev->node, ev->t_ns, ev->id);
        close_grants(st, &st->grants_of_node[ev->node], true, ev->t_ns, ev->id);
        return;
    }
    if (ev->kind != DSLAB_TRACE_ANNOTATE || !ev->tag) return;
    if (strcmp(ev->tag, "lock") == 0) {
        close_belief(st, ev->node, ev->t_ns, ev->id);
        if (first_word_is(ev->text, "acquired") && open_interval(st, &st->beliefs, ev)) {
            st->open_belief[ev->node] = (int64_t)st->beliefs.count - 1;
        }
    } else if (strcmp(ev->tag, "lease") == 0) {
        if (first_word_is(ev->text, "granted")) {
            int64_t *tok = token_head(st, ev->a, true);
            struct me_interval *g = tok ? open_interval(st, &st->grants, ev) : NULL;
            if (g) {
                g->lease_ns = grant_length_ns(ev->text);
                g->next_of_token = *tok;
                g->next_of_node = st->grants_of_node[ev->node];
                *tok = st->grants_of_node[ev->node] = (int64_t)st->grants.count - 1;
            }
        } else if (first_word_is(ev->text, "expired") || first_word_is(ev->text, "released")) {
            int64_t *tok = token_head(st, ev->a, false);
            if (tok) close_grants(st, tok, false, ev->t_ns, ev->id);
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

static int by_token_then_open(const void *pa, const void *pb) {
    const struct me_holder *a = pa, *b = pb;
    if (a->token != b->token) return a->token < b->token ? -1 : 1;
    return a->open_id < b->open_id ? -1 : a->open_id > b->open_id;
}

/* holder_of's index: every belief's (token, open id, node), sorted. */
static void index_holders(struct me_state *st) {
    const struct me_interval *b = st->beliefs.items;
    st->holders = malloc((st->beliefs.count ? st->beliefs.count : 1) * sizeof *st->holders);
    if (!st->holders) {
        st->out_of_memory = true;
        return;
    }
    for (size_t i = 0; i < st->beliefs.count; i++) {
        st->holders[i] = (struct me_holder){.token = b[i].token, .open_id = b[i].open_id, .node = b[i].node};
    }
    st->holders_count = st->beliefs.count;
    if (st->holders_count > 1) qsort(st->holders, st->holders_count, sizeof *st->holders, by_token_then_open);
}

/* The client that acquired `token` first, or -1. */
static int32_t holder_of(const struct me_state *st, int64_t token) {
    size_t lo = 0, hi = st->holders_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (st->holders[mid].token < token) lo = mid + 1;
        else hi = mid;
    }
    return lo < st->holders_count && st->holders[lo].token == token ? st->holders[lo].node : -1;
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
    if (st->drifts.count > 1) qsort(st->drifts.items, st->drifts.count, sizeof(struct me_drift), by_node_then_id);
    index_holders(st);
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
    free(st->open_belief);
    free(st->grants_of_node);
    free(st->grants_of_token);
    free(st->holders);
    free(st);
}

const struct dslab_checker checker_mutual_exclusion = CHECKER(me, "mutual-exclusion",
    "one lock holder at a time: by client belief, by storage-accepted writes, by grants");
