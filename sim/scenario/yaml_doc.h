/* yaml_doc.h (private): the parts of the YAML tree (dslab/yaml_tree.h) only
 * the scenario loader needs: the arena behind a ydoc, deep copies and
 * override marks for --set (overrides.c edits the tree before loading).
 *
 * The scalar text of an alias copy is shared with its anchor (text is never
 * edited in place: a change allocates new text). All memory comes from the
 * scenario_alloc hooks and belongs to the ydoc: dslab_ydoc_free() releases it. */
#ifndef DSLAB_SCENARIO_YAML_DOC_H
#define DSLAB_SCENARIO_YAML_DOC_H

#include <stddef.h>

#include "dslab/scenario.h"
#include "dslab/yaml_tree.h"

/* Anchors in one file: real scenarios use a handful; bounds alias lookup. */
#define YDOC_ANCHORS_MAX 1024

/* Fills `alloc` from `hooks` (NULL or NULL members = libc). */
void ydoc_alloc_init(struct dslab_scenario_alloc *alloc, const struct dslab_scenario_alloc *hooks);

/* Arena allocation from the doc (zeroed); NULL when out of memory. */
void *ydoc_alloc(struct dslab_ydoc *doc, size_t size);
char *ydoc_strdup(struct dslab_ydoc *doc, const char *text, size_t len);

/* A deep copy of `src` (from any doc) in `doc`'s arena; NULL when out of
 * memory. Depth is bounded by DSLAB_YAML_DEPTH_MAX. */
struct dslab_ynode *ydoc_copy(struct dslab_ydoc *doc, const struct dslab_ynode *src);

/* Marks every node of a subtree as coming from an override. */
void ydoc_mark_origin(struct dslab_ynode *n, const char *origin);

#endif
