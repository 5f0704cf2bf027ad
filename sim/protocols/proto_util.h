/* proto_util.h (private to sim/protocols/): the pieces every built-in
 * protocol's configure step would otherwise repeat: an error at a
 * parameter's position, and handing the parsed config to the simulator. */
#ifndef DSLAB_PROTO_UTIL_H
#define DSLAB_PROTO_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "dslab/diag.h"
#include "dslab/scenario.h"

/* Sets diag to `message` at parameter `key`'s position (the protocol
 * block's when the key is absent). Returns -1. */
int proto_param_error(const struct dslab_scenario *s, const char *key, struct dslab_diag *diag,
                      const char *message);
/* Sets diag to the printf-style message at the protocol block's position
 * (for a rule about the scenario, not one parameter). Returns -1. */
int proto_error(const struct dslab_scenario *s, struct dslab_diag *diag, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A received message of a fixed size: when its length `len` is exactly
 * `size`, copies it to `out` and returns true; otherwise false (malformed:
 * `out` untouched). */
bool proto_msg_fixed(void *out, size_t size, const void *msg, size_t len);
/* Copies the parsed config (`size` bytes, no pointers inside) into one
 * allocation owned by the simulator, freed by proto_config_free. Returns
 * 0, or -1 with diag "out of memory". */
int proto_config_keep(const struct dslab_scenario *s, const void *config, size_t size,
                      void **config_out, struct dslab_diag *diag);
/* The destroy_config of every protocol configured by proto_config_keep. */
void proto_config_free(void *config);

#endif
