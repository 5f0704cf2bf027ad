/* fault_set.h (private to sim/): checking a `set` fault, a protocol
 * parameter changed mid-run (docs/SCENARIO_FORMAT.md "Changing a parameter
 * mid-run"), for the two places that make one: an operator action
 * ("3s:set:protocol.retries:0", action.c) and a scenario's faults list
 * (`{ at: 3s, set: protocol.retries, to: 0 }`, scenario_faults.c). */
#ifndef DSLAB_FAULT_SET_H
#define DSLAB_FAULT_SET_H

#include "dslab/diag.h"
#include "dslab/scenario.h"

/* Checks PATH (protocol.KEY) and VALUE against the scenario's protocol:
 * a built-in or registered one whose `reconfigurable` lists KEY and whose
 * reconfigure accepts VALUE. Fills f->param_key (KEY) and f->param_value.
 * Returns 0, or -1 with diag set (no position; "did you mean" among the
 * keys that can change). */
int dslab_fault_set_param(const struct dslab_scenario *s, const char *path, const char *value, struct dslab_fault *f,
                          struct dslab_diag *diag);

#endif
