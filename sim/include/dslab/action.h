/* action.h: operator actions, "TIME:VERB[:A[:B]]", as faults at a time.
 *
 * One vocabulary for every place a person acts on a running scenario: the
 * visualiser's scripted interventions (`dslab viz --act 1.5s:crash:n2`)
 * and an `operate` question's answer (docs/EXERCISE_FORMAT.md) are parsed
 * here and become a struct dslab_fault at TIME, so an action does in a
 * graded run exactly what it does in the window.
 *
 *   crash:N           restart:N            pause:N[:DURATION] (default 1s)
 *   cut:A:B (both ways)  cut1:A:B (A -> B)  heal (all links)  heal:A:B
 *   partition:SHAPE[:N]  (isolate:N majority bridge:N ring halves)
 *   jump:N:DURATION   drift:N:PPM (the new drift)
 *   deploy:N:VERSION  (1..DSLAB_VERSION_MAX; a rollback deploys the old one)
 *   set:protocol.KEY:VALUE  (a parameter the protocol lets change mid-run)
 *   shed:N:FRACTION   (0..1 or 0%..100%: N's CPU model refuses that share)
 *
 * TIME is a duration as in a scenario (dslab/units.h), 0 .. 1 day. Each
 * part has a bounded length; longer is an error, never cut short. */
#ifndef DSLAB_ACTION_H
#define DSLAB_ACTION_H

#include <stdbool.h>
#include <stdint.h>

#include "dslab/diag.h"
#include "dslab/scenario.h"

#pragma GCC visibility push(default)

#define DSLAB_ACTION_TEXT_MAX 159 /* bytes of a whole action */

struct dslab_action {
    int64_t at_ns;
    char verb[16];      /* one of dslab_action_verbs */
    char node[32];      /* first argument, "" when none */
    char arg[64];       /* second argument (peer, duration, ppm, version), "" when none */
};

/* The verbs, in the order the messages list them; NULL-terminated. */
extern const char *const dslab_action_verbs[];

/* Parses `text`. Returns 0, or -1 with a message in diag (no position:
 * the caller knows where the text came from). */
int dslab_action_parse(const char *text, struct dslab_action *out, struct dslab_diag *diag);

/* The action as a fault of scenario `s` (node names resolved, values
 * checked). `groups` is caller storage for s->nodes_count ints, used by
 * partition:halves (f->group_of_node then points into it; borrowed).
 * Returns 0, or -1 with a message in diag. */
int dslab_action_to_fault(const struct dslab_scenario *s, const struct dslab_action *a, struct dslab_fault *f,
                          int32_t *groups, struct dslab_diag *diag);

/* Writes the action back as text ("2s:deploy:n2:1"): the canonical form. */
void dslab_action_format(const struct dslab_action *a, char *out, int out_size);

#pragma GCC visibility pop

#endif
