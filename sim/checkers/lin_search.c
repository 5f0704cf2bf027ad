/* lin_search.c: Wing-Gong / Lowe search with a state cache (see lin_search.h).
 *
 * The history is a doubly linked list of call and return entries in
 * position order. The search walks it from the head: at a call entry it
 * tries to linearize that op now (model step legal and the resulting
 * (linearized set, state) pair not seen before), and if so removes the
 * op's entries from the list ("lift"), pushes a frame and restarts at the
 * head; at a return entry it has run out of candidates (that op must be
 * linearized before anything returning later), so it pops the last frame,
 * puts that op's entries back ("unlift") and tries the next call after it.
 * Success: no return entry is left (ops that never return are optional).
 *
 * Pure operations first. At each new configuration the candidates (calls
 * before the first return left) are scanned for a pure operation (one that
 * never changes the state, e.g. a read) that is legal in the current
 * state; if there is one it is linearized next as a forced move, and when
 * the search comes back to that frame it does not try the other candidates
 * but backtracks further. Sound and complete: if the configuration has any
 * valid completion, it has one that starts with that operation -- moving a
 * state-preserving op to the front keeps every model step legal, and no
 * remaining op returned before its call (it precedes every return left),
 * so no real-time order is broken. This removes the interleavings of reads
 * with concurrent writes, the bulk of the states of a register history.
 *
 * The cache stores each linearized set as (first word that is not all
 * ones, the words after it up to the last non-zero one): ops far behind
 * the frontier cost nothing, so long histories stay cheap. Its hash is a
 * Zobrist sum over the set (one XOR per lift) mixed with the state words,
 * and it is an open-addressing table over an arena of uint64 words. */
#include "lin_search.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/assert.h"
#include "dslab/rng.h"

struct entry {
    int64_t pos;
    uint32_t op;
    bool is_call;
    int32_t ret_entry; /* call entries: the op's return entry, or -1 */
    int32_t prev;      /* list links; -1 = none; the head sentinel is entries_count */
    int32_t next;
};

struct cache {
    uint64_t *arena;       /* entries: hash, lo|nwords<<32, state words, set words */
    size_t arena_used;     /* words */
    size_t arena_capacity; /* words */
    uint64_t *slot_hash;
    uint64_t *slot_off;    /* arena offset + 1; 0 = empty */
    size_t slots_capacity; /* power of two */
    uint64_t count;
    size_t bytes;          /* arena + slots, for bytes_max */
};

struct search {
    const struct lin_search_config *cfg;
    int state_words;
    struct entry *entries;
    int32_t head;          /* sentinel index */
    size_t returns_left;   /* return entries still in the list */
    uint64_t *set;         /* linearized bitset */
    size_t set_words;
    size_t lo_word;        /* first word that is not all ones */
    size_t hi_word;        /* one past the last non-zero word */
    uint64_t set_hash;     /* XOR of zobrist(op) over the set */
    struct cache cache;
    int32_t *stack_entry;  /* call entry of each frame */
    bool *stack_forced;    /* frame is a forced (pure) move: no alternatives */
    int64_t *stack_state;  /* state before each frame, state_words each */
    size_t stack_len;
    size_t prefix_clean;   /* result prefix agrees with the stack below this */
};

static uint64_t zobrist(uint32_t op) {
    return dslab_mix64((uint64_t)op * UINT64_C(0x9e3779b97f4a7c15) + UINT64_C(0x632be59bd9b4e019));
}

static int entry_cmp(const void *a, const void *b) {
    const struct entry *x = a, *y = b;
    if (x->pos != y->pos) return x->pos < y->pos ? -1 : 1;
    /* Equal positions: calls first (the ops count as concurrent). */
    if (x->is_call != y->is_call) return x->is_call ? -1 : 1;
    if (x->op != y->op) return x->op < y->op ? -1 : 1;
    return 0;
}

/* ---- cache ---------------------------------------------------------- */

static uint64_t state_hash(const int64_t *state, int words) {
    uint64_t h = UINT64_C(0x84222325cbf29ce4);
    for (int i = 0; i < words; i++) {
        h = dslab_mix64(h ^ (uint64_t)state[i]);
    }
    return h;
}

static bool cache_grow_slots(struct cache *c, size_t bytes_max) {
    size_t capacity = c->slots_capacity ? c->slots_capacity * 2 : 1024;
    size_t add_bytes = (capacity - c->slots_capacity) * 2 * sizeof(uint64_t);
    if (c->bytes + add_bytes > bytes_max) return false;
    uint64_t *hashes = calloc(capacity, sizeof *hashes);
    uint64_t *offs = calloc(capacity, sizeof *offs);
    if (!hashes || !offs) {
        free(hashes);
        free(offs);
        return false;
    }
    for (size_t i = 0; i < c->slots_capacity; i++) {
        if (!c->slot_off[i]) continue;
        size_t j = (size_t)c->slot_hash[i] & (capacity - 1);
        while (offs[j]) j = (j + 1) & (capacity - 1);
        hashes[j] = c->slot_hash[i];
        offs[j] = c->slot_off[i];
    }
    free(c->slot_hash);
    free(c->slot_off);
    c->slot_hash = hashes;
    c->slot_off = offs;
    c->bytes += add_bytes;
    c->slots_capacity = capacity;
    return true;
}

static bool cache_reserve_arena(struct cache *c, size_t words, size_t bytes_max) {
    if (c->arena_used + words <= c->arena_capacity) return true;
    size_t capacity = c->arena_capacity ? c->arena_capacity : 4096;
    while (capacity < c->arena_used + words) capacity *= 2;
    size_t add_bytes = (capacity - c->arena_capacity) * sizeof(uint64_t);
    if (c->bytes + add_bytes > bytes_max) {
        /* Try the exact need before giving up. */
        capacity = c->arena_used + words + 4096;
        add_bytes = (capacity - c->arena_capacity) * sizeof(uint64_t);
        if (c->bytes + add_bytes > bytes_max) return false;
    }
    uint64_t *arena = realloc(c->arena, capacity * sizeof *arena);
    if (!arena) return false;
    c->arena = arena;
    c->bytes += add_bytes;
    c->arena_capacity = capacity;
    return true;
}

/* Returns 1 when (set, state) was added, 0 when already present, -1 when
 * a budget ran out (`*reason` says which). */
static int cache_insert(struct search *s, const int64_t *state, enum lin_unknown_reason *reason) {
    struct cache *c = &s->cache;
    const struct lin_search_config *cfg = s->cfg;
    size_t nwords = s->hi_word > s->lo_word ? s->hi_word - s->lo_word : 0;
    const uint64_t *words = s->set + s->lo_word;
    uint64_t h = dslab_mix64(s->set_hash ^ state_hash(state, s->state_words)) | 1u;
    uint64_t shape = (uint64_t)s->lo_word | ((uint64_t)nwords << 32);
    if (c->slots_capacity) {
        size_t mask = c->slots_capacity - 1;
        for (size_t j = (size_t)h & mask; c->slot_off[j]; j = (j + 1) & mask) {
            if (c->slot_hash[j] != h) continue;
            const uint64_t *e = c->arena + (c->slot_off[j] - 1);
            if (e[1] != shape) continue;
            if (memcmp(e + 2, state, (size_t)s->state_words * sizeof *state) != 0) continue;
            if (memcmp(e + 2 + s->state_words, words, nwords * sizeof *words) != 0) continue;
            return 0;
        }
    }
    if (c->count >= cfg->states_max) {
        *reason = LIN_UNKNOWN_STATES;
        return -1;
    }
    if ((c->count + 1) * 2 > c->slots_capacity && !cache_grow_slots(c, cfg->bytes_max)) {
        *reason = LIN_UNKNOWN_MEMORY;
        return -1;
    }
    size_t need = 2 + (size_t)s->state_words + nwords;
    if (!cache_reserve_arena(c, need, cfg->bytes_max)) {
        *reason = LIN_UNKNOWN_MEMORY;
        return -1;
    }
    uint64_t *e = c->arena + c->arena_used;
    e[0] = h;
    e[1] = shape;
    memcpy(e + 2, state, (size_t)s->state_words * sizeof *state);
    memcpy(e + 2 + s->state_words, words, nwords * sizeof *words);
    size_t mask = c->slots_capacity - 1;
    size_t j = (size_t)h & mask;
    while (c->slot_off[j]) j = (j + 1) & mask;
    c->slot_hash[j] = h;
    c->slot_off[j] = c->arena_used + 1;
    c->arena_used += need;
    c->count++;
    return 1;
}

/* ---- linearized set ------------------------------------------------- */

static void set_add(struct search *s, uint32_t op) {
    size_t w = op / 64;
    s->set[w] |= UINT64_C(1) << (op % 64);
    s->set_hash ^= zobrist(op);
    if (w + 1 > s->hi_word) s->hi_word = w + 1;
    while (s->lo_word < s->set_words && s->set[s->lo_word] == UINT64_MAX) s->lo_word++;
}

static void set_remove(struct search *s, uint32_t op) {
    size_t w = op / 64;
    s->set[w] &= ~(UINT64_C(1) << (op % 64));
    s->set_hash ^= zobrist(op);
    if (w < s->lo_word) s->lo_word = w;
    while (s->hi_word > 0 && s->set[s->hi_word - 1] == 0) s->hi_word--;
}

/* ---- the entry list ------------------------------------------------- */

static void list_unlink(struct search *s, int32_t i) {
    struct entry *e = &s->entries[i];
    s->entries[e->prev].next = e->next;
    if (e->next >= 0) s->entries[e->next].prev = e->prev;
}

static void list_relink(struct search *s, int32_t i) {
    struct entry *e = &s->entries[i];
    s->entries[e->prev].next = i;
    if (e->next >= 0) s->entries[e->next].prev = i;
}

static void lift(struct search *s, int32_t call) {
    list_unlink(s, call);
    int32_t ret = s->entries[call].ret_entry;
    if (ret >= 0) {
        list_unlink(s, ret);
        s->returns_left--;
    }
}

static void unlift(struct search *s, int32_t call) {
    int32_t ret = s->entries[call].ret_entry;
    if (ret >= 0) {
        list_relink(s, ret);
        s->returns_left++;
    }
    list_relink(s, call);
}

/* Builds the sorted entry list. Returns false when out of memory. */
static bool build_entries(struct search *s) {
    const struct lin_search_config *cfg = s->cfg;
    size_t n = 0;
    for (size_t i = 0; i < cfg->ops_count; i++) {
        n += cfg->ops[i].ret_pos == LIN_POS_NEVER ? 1 : 2;
    }
    s->entries = calloc(n + 1, sizeof *s->entries);
    if (!s->entries) return false;
    size_t k = 0;
    for (size_t i = 0; i < cfg->ops_count; i++) {
        assert(cfg->ops[i].call_pos < cfg->ops[i].ret_pos);
        s->entries[k++] = (struct entry){.pos = cfg->ops[i].call_pos, .op = (uint32_t)i, .is_call = true};
        if (cfg->ops[i].ret_pos != LIN_POS_NEVER) {
            s->entries[k++] = (struct entry){.pos = cfg->ops[i].ret_pos, .op = (uint32_t)i};
            s->returns_left++;
        }
    }
    qsort(s->entries, n, sizeof *s->entries, entry_cmp);
    /* Match each call with its return: remember return entries by op. */
    int32_t *ret_of = malloc((cfg->ops_count + 1) * sizeof *ret_of);
    if (!ret_of) return false;
    for (size_t i = 0; i < cfg->ops_count; i++) ret_of[i] = -1;
    for (size_t i = 0; i < n; i++) {
        if (!s->entries[i].is_call) ret_of[s->entries[i].op] = (int32_t)i;
    }
    for (size_t i = 0; i < n; i++) {
        struct entry *e = &s->entries[i];
        e->ret_entry = e->is_call ? ret_of[e->op] : -1;
        e->prev = i == 0 ? (int32_t)n : (int32_t)i - 1;
        e->next = i + 1 < n ? (int32_t)i + 1 : -1;
    }
    free(ret_of);
    s->head = (int32_t)n;
    s->entries[n] = (struct entry){.prev = -1, .next = n ? 0 : -1};
    return true;
}

/* ---- the search ----------------------------------------------------- */

/* Copies the current stack into the result prefix (only what changed). */
static void record_prefix(struct search *s, struct lin_search_result *out, const int64_t *state,
                          size_t blocked_op) {
    for (size_t i = s->prefix_clean; i < s->stack_len; i++) {
        out->prefix[i] = s->entries[s->stack_entry[i]].op;
    }
    s->prefix_clean = s->stack_len;
    out->depth_max = s->stack_len;
    out->blocked_op = blocked_op;
    memcpy(out->state, state, (size_t)s->state_words * sizeof *state);
}

static void search_free(struct search *s) {
    free(s->entries);
    free(s->set);
    free(s->stack_entry);
    free(s->stack_forced);
    free(s->stack_state);
    free(s->cache.arena);
    free(s->cache.slot_hash);
    free(s->cache.slot_off);
}

/* Pushes a frame for call entry i (already in the set) and lifts it. */
static void push_frame(struct search *s, int32_t i, bool forced, int64_t *state,
                       const int64_t *next) {
    const size_t words = (size_t)s->state_words;
    DSLAB_ASSERT(s->stack_len < s->cfg->ops_count); /* each op linearized once */
    size_t k = s->stack_len++;
    s->stack_entry[k] = i;
    s->stack_forced[k] = forced;
    memcpy(s->stack_state + k * words, state, words * sizeof *state);
    memcpy(state, next, words * sizeof *state);
    lift(s, i);
}

/* Pops frames until one that has alternatives (not forced) is popped;
 * returns the entry to try next, or -1 when the stack ran out. */
static int32_t backtrack(struct search *s, int64_t *state) {
    const size_t words = (size_t)s->state_words;
    while (s->stack_len > 0) {
        size_t k = --s->stack_len;
        if (s->prefix_clean > k) s->prefix_clean = k;
        int32_t call = s->stack_entry[k];
        memcpy(state, s->stack_state + k * words, words * sizeof *state);
        unlift(s, call);
        set_remove(s, s->entries[call].op);
        if (!s->stack_forced[k]) return s->entries[call].next;
    }
    return -1;
}

/* The pure-first rule: a legal pure candidate. Returns 1 when one was
 * pushed, 0 when there is none, 2 when one exists but its configuration
 * was explored before (so this configuration fails), -1 on a budget. */
static int try_pure(struct search *s, int64_t *state, int64_t *next,
                    struct lin_search_result *out) {
    const struct lin_search_config *cfg = s->cfg;
    for (int32_t i = s->entries[s->head].next; i >= 0 && s->entries[i].is_call;
         i = s->entries[i].next) {
        const struct entry *e = &s->entries[i];
        if (!cfg->model->pure(cfg->model_ctx, e->op)) continue;
        out->steps++;
        int r = cfg->model->step(cfg->model_ctx, e->op, state, next);
        if (r == LIN_STEP_EXHAUSTED) {
            out->unknown_reason = LIN_UNKNOWN_MEMORY;
            return -1;
        }
        if (r != LIN_STEP_OK) continue;
        set_add(s, e->op);
        int added = cache_insert(s, next, &out->unknown_reason);
        if (added < 0) return -1;
        if (!added) {
            set_remove(s, e->op);
            return 2;
        }
        push_frame(s, i, true, state, next);
        return 1;
    }
    return 0;
}

static void search_loop(struct search *s, struct lin_search_result *out) {
    const struct lin_search_config *cfg = s->cfg;
    const int words = s->state_words;
    int64_t state[LIN_STATE_WORDS_MAX], next[LIN_STATE_WORDS_MAX];
    memcpy(state, cfg->init_state, (size_t)words * sizeof *state);
    bool recorded = false;
    bool fresh = true; /* a new configuration: the pure-first rule applies */
    int32_t i = s->entries[s->head].next;
    for (;;) {
        if (s->returns_left == 0) {
            record_prefix(s, out, state, SIZE_MAX);
            out->verdict = LIN_LINEARIZABLE;
            return;
        }
        if (fresh && cfg->model->pure) {
            int r = try_pure(s, state, next, out);
            if (r < 0) {
                out->verdict = LIN_UNKNOWN;
                return;
            }
            if (r == 1) {
                i = s->entries[s->head].next;
                continue;
            }
            if (r == 2) { /* this configuration fails: no alternatives here */
                i = backtrack(s, state);
                if (i < 0) {
                    out->verdict = LIN_NOT_LINEARIZABLE;
                    return;
                }
                fresh = false;
                continue;
            }
        }
        fresh = false;
        assert(i >= 0);
        struct entry *e = &s->entries[i];
        if (e->is_call) {
            out->steps++;
            int r = cfg->model->step(cfg->model_ctx, e->op, state, next);
            if (r == LIN_STEP_EXHAUSTED) {
                out->verdict = LIN_UNKNOWN;
                out->unknown_reason = LIN_UNKNOWN_MEMORY;
                return;
            }
            if (r == LIN_STEP_OK) {
                set_add(s, e->op);
                int added = cache_insert(s, next, &out->unknown_reason);
                if (added < 0) {
                    out->verdict = LIN_UNKNOWN;
                    return;
                }
                if (added) {
                    push_frame(s, i, false, state, next);
                    i = s->entries[s->head].next;
                    fresh = true;
                    continue;
                }
                set_remove(s, e->op);
            }
            i = e->next;
            continue;
        }
        /* A return entry: no remaining candidate can go before this op. */
        if (!recorded || s->stack_len > out->depth_max) {
            record_prefix(s, out, state, e->op);
            recorded = true;
        }
        i = backtrack(s, state);
        if (i < 0) {
            out->verdict = LIN_NOT_LINEARIZABLE;
            return;
        }
    }
}

void lin_search_run(const struct lin_search_config *cfg, struct lin_search_result *out) {
    assert(cfg->model && cfg->model->step);
    assert(cfg->model->state_words > 0 && cfg->model->state_words <= LIN_STATE_WORDS_MAX);
    assert(cfg->ops_count <= LIN_SEARCH_OPS_MAX);
    memset(out, 0, sizeof *out);
    out->blocked_op = SIZE_MAX;
    struct search s = {.cfg = cfg, .state_words = cfg->model->state_words};
    size_t n = cfg->ops_count;
    s.set_words = (n + 63) / 64;
    s.set = calloc(s.set_words + 1, sizeof *s.set);
    s.stack_entry = malloc((n + 1) * sizeof *s.stack_entry);
    s.stack_forced = malloc((n + 1) * sizeof *s.stack_forced);
    s.stack_state = malloc((n + 1) * (size_t)s.state_words * sizeof *s.stack_state);
    out->prefix = malloc((n + 1) * sizeof *out->prefix);
    if (!s.set || !s.stack_entry || !s.stack_forced || !s.stack_state || !out->prefix || !build_entries(&s)) {
        out->verdict = LIN_UNKNOWN;
        out->unknown_reason = LIN_UNKNOWN_MEMORY;
        search_free(&s);
        return;
    }
    search_loop(&s, out);
    out->states = s.cache.count;
    search_free(&s);
}

void lin_search_result_deinit(struct lin_search_result *r) {
    free(r->prefix);
    r->prefix = NULL;
}
