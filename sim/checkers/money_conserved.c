/* money_conserved.c: the money-conserved checker: a saga that has ended
 * has moved no money into or out of existence.
 *
 * Reads DSLAB_TRACE_ANNOTATE events (as the saga protocol writes them):
 *   tag "saga", value = saga id, text "begin", or how it ended: "done",
 *     "compensated", "failed" or "stuck" (other texts are ignored);
 *   tag "money", value = saga id, text starting with the signed change a
 *     service made to a balance for that saga ("-10 (debit, ...)").
 * Per saga it sums the changes (its net). While a saga is open its money
 * may be in flight (debited, not yet credited); once it has ended, its net
 * must be 0: a transfer done moved the amount (-a + a), a compensated one
 * moved it back. A violation is a stretch during which an ended saga's net
 * is not 0: from its end (or the later change that unbalanced it: a
 * retried step applied twice, a late step after its compensation) until a
 * change restores it or the run ends. Its nodes are the services that
 * moved money for the saga and the node that ended it; its evidence the
 * end and the unbalancing change. The sum over all sagas after every saga
 * ended is the total the accounts gained or lost: with no violation it is
 * 0 (money conserved after quiescence). A saga still open at the end is
 * not judged; a run in which no saga ended is not judged at all.
 *
 * Bounds: saga ids 1 .. 2^24 - 1 (others are counted, not judged); a
 * change's magnitude at most 10^12 (others are malformed: counted, not
 * judged), so sums stay far from overflow within any run's event budget.
 * Up to 64 nodes. No argument. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/check_util.h"
#include "dslab/bits.h"
#include "dslab/check.h"

#define MC_ID_MAX (INT64_C(1) << 24)
#define MC_CHANGE_MAX INT64_C(1000000000000)

enum mc_phase { MC_UNSEEN = 0, MC_OPEN, MC_ENDED };

struct mc_saga {
    int32_t phase;
    int32_t end_node;
    int32_t bad_node;      /* the node whose change unbalanced it */
    int64_t net;
    int64_t end_ns;
    uint64_t end_id;
    uint64_t nodes_mask;   /* services that moved money for it */
    bool bad;              /* ended, and net != 0 since bad_ns */
    bool bad_late;         /* unbalanced by a change after the end */
    int64_t bad_ns;
    uint64_t bad_id;
    int64_t bad_change;
    char how[12];
};

struct mc_state {
    const struct dslab_scenario *scenario; /* borrowed */
    struct mc_saga *sagas;                 /* owned, index = id */
    size_t capacity;
    int64_t id_max;
    int64_t ignored, malformed;
    int64_t total;                         /* every change, summed */
    bool out_of_memory;
    struct dslab_check_result found;
};

static int mc_create(const struct dslab_scenario *s, const struct dslab_scenario_check *check, void **state_out,
                     struct dslab_diag *diag) {
    if (check_no_arguments(s, check, diag) != 0) return -1;
    if (check_nodes_at_most(s, check, DSLAB_BITS_NODES_MAX, diag) != 0) return -1;
    struct mc_state *st = check_state_new(s, check, sizeof *st, diag);
    if (!st) return -1;
    st->scenario = s;
    *state_out = st;
    return 0;
}

static struct mc_saga *saga_at(struct mc_state *st, int64_t id) {
    if (id <= 0 || id >= MC_ID_MAX) {
        st->ignored++;
        return NULL;
    }
    struct mc_saga *grown = grow_to_index(st->sagas, &st->capacity, (size_t)id, sizeof *grown, 256);
    if (!grown) {
        st->out_of_memory = true;
        return NULL;
    }
    st->sagas = grown;
    if (id > st->id_max) st->id_max = id;
    return &st->sagas[id];
}

/* Emits the violation of saga `id`, whose net was off from bad_ns to to_ns. */
static void report(struct mc_state *st, int64_t id, struct mc_saga *g, int64_t to_ns, uint64_t restore_id) {
    g->bad = false;
    const char *way = g->net > 0 ? "created" : "destroyed";
    long long much = (long long)(g->net > 0 ? g->net : -g->net);
    struct dslab_check_violation *v;
    if (g->bad_late) {
        v = dslab_check_result_add(&st->found, g->bad_ns, to_ns,
                                   "saga %lld moved %+lld at %s after it ended %s: %lld %s",
                                   (long long)id, (long long)g->bad_change,
                                   st->scenario->node_names[g->bad_node], g->how, much, way);
    } else {
        v = dslab_check_result_add(&st->found, g->bad_ns, to_ns, "saga %lld ended %s with %lld %s (net %+lld)",
                                   (long long)id, g->how, much, way, (long long)g->net);
    }
    if (!v) return;
    for (int32_t n = 0; n < st->scenario->nodes_count; n++) {
        if ((g->nodes_mask & dslab_bits_of(n)) || n == g->end_node) dslab_check_violation_add_node(v, n);
    }
    dslab_check_violation_add_evidence(v, g->end_id);
    if (g->bad_id != g->end_id) dslab_check_violation_add_evidence(v, g->bad_id);
    if (restore_id) dslab_check_violation_add_evidence(v, restore_id);
}

/* After a change or an end: opens or closes the saga's bad stretch. */
static void judge(struct mc_state *st, int64_t id, struct mc_saga *g, const struct dslab_trace_event *ev,
                  int64_t change) {
    if (g->phase != MC_ENDED) return;
    if (g->net != 0 && !g->bad) {
        g->bad = true;
        g->bad_late = ev->id != g->end_id;
        g->bad_ns = ev->t_ns;
        g->bad_id = ev->id;
        g->bad_change = change;
        g->bad_node = ev->node;
    } else if (g->net == 0 && g->bad) {
        report(st, id, g, ev->t_ns, ev->id);
    }
}

/* The signed change at the start of `text`, or false when there is none. */
static bool parse_change(const char *text, int64_t *out) {
    if ((text[0] != '+' && text[0] != '-' && (text[0] < '0' || text[0] > '9'))) return false;
    errno = 0;
    char *end = NULL;
    long long x = strtoll(text, &end, 10);
    if (errno != 0 || end == text || (*end != '\0' && *end != ' ')) return false;
    if (x > MC_CHANGE_MAX || x < -MC_CHANGE_MAX) return false;
    *out = (int64_t)x;
    return true;
}

static void mc_on_event(void *state, const struct dslab_trace_event *ev) {
    struct mc_state *st = state;
    if (ev->kind != DSLAB_TRACE_ANNOTATE || !ev->tag || !ev->text) return;
    if (ev->node < 0 || ev->node >= st->scenario->nodes_count) return;
    bool money = strcmp(ev->tag, "money") == 0;
    if (!money && strcmp(ev->tag, "saga") != 0) return;
    if (money) {
        int64_t change;
        if (!parse_change(ev->text, &change)) {
            st->malformed++;
            return;
        }
        struct mc_saga *g = saga_at(st, ev->a);
        if (!g) return;
        g->net += change;
        st->total += change;
        g->nodes_mask |= dslab_bits_of(ev->node);
        judge(st, ev->a, g, ev, change);
        return;
    }
    static const char *const ends[] = {"done", "compensated", "failed", "stuck"};
    bool begin = strcmp(ev->text, "begin") == 0;
    int end = -1;
    for (int i = 0; i < 4; i++) {
        if (strcmp(ev->text, ends[i]) == 0) end = i;
    }
    if (!begin && end < 0) return;
    struct mc_saga *g = saga_at(st, ev->a);
    if (!g) return;
    if (begin) {
        if (g->phase == MC_UNSEEN) g->phase = MC_OPEN;
        return;
    }
    if (g->phase == MC_ENDED) return; /* the first end counts */
    g->phase = MC_ENDED;
    g->end_ns = ev->t_ns;
    g->end_id = ev->id;
    g->end_node = ev->node;
    snprintf(g->how, sizeof g->how, "%s", ends[end]);
    judge(st, ev->a, g, ev, 0);
}

static void mc_finish(void *state, const struct dslab_history *history, int64_t end_ns,
                      struct dslab_check_result *result) {
    (void)history;
    struct mc_state *st = state;
    int64_t counts[4] = {0}, open = 0, ended = 0, wrong = 0;
    for (int64_t id = 1; id <= st->id_max; id++) {
        struct mc_saga *g = &st->sagas[id];
        if (g->phase == MC_OPEN) open++;
        if (g->phase != MC_ENDED) continue;
        ended++;
        static const char *const ends[] = {"done", "compensated", "failed", "stuck"};
        for (int i = 0; i < 4; i++) counts[i] += strcmp(g->how, ends[i]) == 0;
        if (g->net != 0) wrong++;
        if (g->bad) report(st, id, g, end_ns > g->bad_ns ? end_ns : g->bad_ns, 0);
    }
    check_result_take(result, &st->found);
    if (st->out_of_memory && result->verdict == DSLAB_CHECK_PASS) result->verdict = DSLAB_CHECK_UNKNOWN;
    if (result->verdict == DSLAB_CHECK_PASS && ended == 0) {
        check_not_judged(result, "no saga ended (tag \"saga\": done, compensated, failed or stuck), so none could be judged");
        return;
    }
    snprintf(result->summary, sizeof result->summary,
             "%lld sagas ended: %lld done, %lld compensated, %lld failed, %lld stuck; %lld open at the end; "
             "%lld left money created or destroyed; all accounts together %+lld",
             (long long)ended, (long long)counts[0], (long long)counts[1], (long long)counts[2],
             (long long)counts[3], (long long)open, (long long)wrong, (long long)st->total);
}

static void mc_destroy(void *state) {
    struct mc_state *st = state;
    if (!st) return;
    free(st->sagas);
    free(st);
}

const struct dslab_checker checker_money_conserved = CHECKER(mc, "money-conserved",
    "every saga that ended moved no money into or out of existence (transfers conserve the total)");
