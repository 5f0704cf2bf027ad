/* suggest.h: "did you mean" for typos in keys, names and commands. */
#ifndef DSLAB_SUGGEST_H
#define DSLAB_SUGGEST_H

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

/* Edit distance (Damerau: a swap of two neighbours counts once), case
 * folded. Words longer than 63 bytes compare as far apart. */
int dslab_suggest_distance(const char *a, const char *b);

/* The candidate nearest to `word` if it is close enough to be a typo
 * (distance <= max(1, strlen(word) / 3)), else NULL. Ties go to the
 * earlier candidate. `candidates` is borrowed. */
const char *dslab_suggest_nearest(const char *word, const char *const *candidates, int count);

#pragma GCC visibility pop

#endif
