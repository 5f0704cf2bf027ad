/* raft_membership_parse.c: the scenario's membership keys for Raft
 * (raft_membership.c runs them): `members` (the voting members before any
 * configuration entry, default every node), `membership` (the script of
 * single-server steps, "add n4 at 2s, remove n1 at 4s") and
 * `membership_change` (safe | direct). Every step is checked against the
 * configuration it starts from, so a running cluster never meets an
 * impossible step. Errors are at the parameter's line and column. Ranges:
 * docs/PROTOCOLS.md, raft. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dslab/scenario.h"
#include "dslab/units.h"
#include "protocols/proto_util.h"
#include "protocols/raft_internal.h"

/* --- parsing ---------------------------------------------------------------- */

static int node_index(const struct dslab_scenario *sc, const char *name) {
    for (int32_t i = 0; i < sc->nodes_count; i++) {
        if (strcmp(sc->node_names[i], name) == 0) return i;
    }
    return -1;
}

/* The next token of text at *pos: a run of characters that are not space
 * nor ','; returns its length (0 at the end). Skips leading spaces. */
static size_t next_token(const char *text, size_t *pos, char *out, size_t out_size) {
    while (text[*pos] == ' ' || text[*pos] == '\t') (*pos)++;
    size_t n = 0;
    while (text[*pos] && text[*pos] != ' ' && text[*pos] != '\t' && text[*pos] != ',') {
        if (n + 1 < out_size) out[n] = text[*pos];
        n++;
        (*pos)++;
    }
    out[n < out_size ? n : out_size - 1] = '\0';
    return n;
}

static int param_fail(const struct dslab_scenario *sc, const char *key, struct dslab_diag *diag,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int param_fail(const struct dslab_scenario *sc, const char *key, struct dslab_diag *diag,
                      const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return proto_param_error(sc, key, diag, msg);
}

static int parse_members(const struct dslab_scenario *sc, const char *text, uint64_t *out,
                         struct dslab_diag *diag) {
    uint64_t mask = 0;
    size_t pos = 0;
    char tok[DSLAB_NAME_MAX + 2];
    for (;;) {
        size_t n = next_token(text, &pos, tok, sizeof tok);
        if (n == 0) {
            if (text[pos] == ',') {
                return param_fail(sc, "members", diag,
                                  "members: an empty name before ','; write node names like "
                                  "\"n1, n2, n3\"");
            }
            break;
        }
        int idx = n < sizeof tok ? node_index(sc, tok) : -1;
        if (idx < 0) {
            return param_fail(sc, "members", diag, "members: '%s' is not a node of the scenario",
                              tok);
        }
        if (mask & (UINT64_C(1) << idx)) {
            return param_fail(sc, "members", diag, "members: '%s' is named twice", tok);
        }
        mask |= UINT64_C(1) << idx;
        while (text[pos] == ' ' || text[pos] == '\t') pos++;
        if (text[pos] == ',') pos++;
    }
    if (mask == 0) {
        return param_fail(sc, "members", diag,
                          "members: at least one node, like \"n1, n2, n3\"");
    }
    *out = mask;
    return 0;
}

/* "add n4 at 2s, remove n1 at 4s": steps in order, checked against the
 * configuration each one starts from. */
static int parse_steps(const struct dslab_scenario *sc, const char *text, struct raft_config *c,
                       struct dslab_diag *diag) {
    uint64_t mask = c->initial_members;
    size_t pos = 0;
    int64_t last_at_ns = 0;
    for (int item = 1;; item++) {
        char verb[16], name[DSLAB_NAME_MAX + 2], at[8], when[64], where[32];
        snprintf(where, sizeof where, "step %d", item);
        size_t vn = next_token(text, &pos, verb, sizeof verb);
        if (vn == 0 && text[pos] == '\0' && item > 1) break;
        if (c->steps_count >= RAFT_MEMBER_STEPS_MAX) {
            return param_fail(sc, "membership", diag, "membership: at most 64 steps");
        }
        if (strcmp(verb, "add") != 0 && strcmp(verb, "remove") != 0) {
            return param_fail(sc, "membership", diag,
                              "membership %s: expected 'add NODE at TIME' or 'remove NODE at TIME', "
                              "got '%s'", where, vn ? verb : text + pos);
        }
        size_t nn = next_token(text, &pos, name, sizeof name);
        size_t an = next_token(text, &pos, at, sizeof at);
        size_t wn = next_token(text, &pos, when, sizeof when);
        if (nn == 0 || an == 0 || strcmp(at, "at") != 0 || wn == 0) {
            return param_fail(sc, "membership", diag,
                              "membership %s: expected '%s NODE at TIME' (like add n4 at 2s)", where,
                              verb);
        }
        int idx = nn < sizeof name ? node_index(sc, name) : -1;
        if (idx < 0) {
            return param_fail(sc, "membership", diag, "membership %s: '%s' is not a node of the scenario",
                              where, name);
        }
        int64_t at_ns = 0;
        char err[DSLAB_UNITS_ERR_MAX];
        if (wn >= sizeof when || dslab_units_parse_duration_ns(when, false, &at_ns, err, (int)sizeof err) != 0) {
            return param_fail(sc, "membership", diag, "membership %s: time '%s': %s (0 .. 24h)", where,
                              when, wn >= sizeof when ? "too long" : err);
        }
        if (at_ns < last_at_ns) {
            return param_fail(sc, "membership", diag,
                              "membership %s: at %s is before the step before it (steps go in time order)",
                              where, when);
        }
        bool add = strcmp(verb, "add") == 0;
        uint64_t bit = UINT64_C(1) << idx;
        if (add && (mask & bit)) {
            return param_fail(sc, "membership", diag,
                              "membership %s: %s is already a member then (one server per step)", where,
                              name);
        }
        if (!add && !(mask & bit)) {
            return param_fail(sc, "membership", diag, "membership %s: %s is not a member then", where,
                              name);
        }
        if (!add && mask == bit) {
            return param_fail(sc, "membership", diag,
                              "membership %s: removing %s would leave no member", where, name);
        }
        mask = add ? mask | bit : mask & ~bit;
        struct raft_member_step *st = &c->steps[c->steps_count++];
        st->at_ns = at_ns;
        st->node = idx;
        st->add = add;
        last_at_ns = at_ns;
        while (text[pos] == ' ' || text[pos] == '\t') pos++;
        if (text[pos] == '\0') break;
        if (text[pos] != ',') {
            return param_fail(sc, "membership", diag,
                              "membership %s: expected ',' before the next step, got '%s'", where,
                              text + pos);
        }
        pos++;
    }
    return 0;
}

static const char *const raft_membership_modes[] = {"safe", "direct", NULL};

int raft_membership_configure(const struct dslab_scenario *sc, struct raft_config *c,
                              struct dslab_diag *diag) {
    const struct dslab_scenario_param *members = dslab_param_find(sc, "members");
    const struct dslab_scenario_param *script = dslab_param_find(sc, "membership");
    int mode = 0;
    if (dslab_param_choice(sc, "membership_change", raft_membership_modes, 0, &mode, diag) != 0) {
        return -1;
    }
    c->membership_on = members || script;
    c->membership_direct = mode == 1;
    c->initial_members = raft_all_nodes_mask(sc->nodes_count);
    c->steps_count = 0;
    if (!c->membership_on) {
        if (dslab_param_find(sc, "membership_change")) {
            return proto_param_error(sc, "membership_change", diag,
                                     "membership_change needs a membership script (membership: "
                                     "\"add n4 at 2s\")");
        }
        return 0;
    }
    if (members && parse_members(sc, members->value, &c->initial_members, diag) != 0) return -1;
    if (script && parse_steps(sc, script->value, c, diag) != 0) return -1;
    return 0;
}

