/* yutil.h (private): reading YAML trees in the grader, with errors that
 * point at the node they are about ("file:line:col: error: ...") and
 * "did you mean" for unknown keys and names, the way the scenario loader
 * reports them. Every function returns 0, or -1 with the diag set. */
#ifndef DSLAB_GRADER_YUTIL_H
#define DSLAB_GRADER_YUTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "dslab/diag.h"
#include "scenario/yaml_doc.h"

int yu_error(struct diag *d, const char *file, const struct ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Unknown keys of `map` are errors with did-you-mean or the list. */
int yu_check_keys(struct diag *d, const char *file, const struct ynode *map,
                  const char *const *known, int count);
int yu_expect_mapping(struct diag *d, const char *file, const struct ynode *n, const char *what);
int yu_expect_list(struct diag *d, const char *file, const struct ynode *n, const char *what);
int yu_expect_scalar(struct diag *d, const char *file, const struct ynode *n, const char *what);
/* A required non-empty scalar of `map`. */
int yu_require_text(struct diag *d, const char *file, const struct ynode *map, const char *key,
                    const char **out);
/* An optional scalar; *out unchanged when the key is absent. */
int yu_optional_text(struct diag *d, const char *file, const struct ynode *map, const char *key,
                     const char **out);
int yu_optional_int(struct diag *d, const char *file, const struct ynode *map, const char *key,
                    int64_t min, int64_t max, int64_t *out);
int yu_duration(struct diag *d, const char *file, const struct ynode *n, bool allow_negative,
                int64_t *out);
/* A scalar or a list of scalars -> a malloc'd array of borrowed strings. */
int yu_string_list(struct diag *d, const char *file, const struct ynode *n, const char *what,
                   const char ***out, int *count);

#endif
