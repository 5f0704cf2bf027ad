/* store.h: a node's durable key-value store. Private to sim/.
 *
 * Survives crashes. A put is visible at once but durable only after sync:
 * each entry keeps its current value and its last synced value, and a
 * restart with lose_unsynced rolls every entry back to its synced value
 * (or removes it if it was never synced). Entries are kept sorted by key
 * (binary search; protocols mostly append increasing keys, so inserting
 * is cheap). Ownership: the store owns every key and value buffer.
 *
 * With a disk model (sim/costs.c) a sync takes time: store_sync_begin()
 * snapshots the dirty entries into a pending batch that becomes durable at
 * its done time. store_crash() makes the batches done by then durable and
 * forgets the rest (their entries count as unsynced again). */
#ifndef DSLAB_STORE_H
#define DSLAB_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STORE_KEY_MAX 64

struct store_entry {
    char key[STORE_KEY_MAX];
    unsigned char *value;  /* current value; NULL = deleted/absent */
    size_t len;
    size_t cap;
    unsigned char *synced; /* last synced value; NULL = none */
    size_t synced_len;
    bool present;          /* current value exists */
    bool synced_present;   /* synced value exists */
    bool dirty;            /* current differs from synced */
};

/* One entry's value as a sync in flight will make it durable. */
struct store_pending_item {
    char key[STORE_KEY_MAX];
    unsigned char *value; /* owned; NULL when the entry is absent */
    size_t len;
};

/* A sync in flight: its entries become durable at done_ns. */
struct store_pending {
    int64_t done_ns;
    struct store_pending_item *items; /* owned */
    size_t count;
};

struct store {
    struct store_entry *entries; /* owned, sorted by key */
    struct store_pending *pending; /* owned, in done_ns order (the disk is a FIFO) */
    size_t pending_count;
    size_t pending_capacity;
    size_t count;
    size_t capacity;
    size_t dirty_count;
    uint64_t writes;
    uint64_t syncs;
};

void store_init(struct store *s);
void store_deinit(struct store *s);
/* 0, or -1 when a limit or memory is exceeded. */
int store_put(struct store *s, const char *key, const void *value, size_t len);
long store_get(const struct store *s, const char *key, const void **value_out);
int store_sync(struct store *s);
/* A sync that completes at done_ns (>= every pending batch's): 0 or -1. */
int store_sync_begin(struct store *s, int64_t done_ns);
/* Makes the pending batches done by now_ns durable (frees them). */
void store_settle(struct store *s, int64_t now_ns);
/* A crash at now_ns: settle, then the syncs still in flight never happened. */
void store_crash(struct store *s, int64_t now_ns);
/* Crash recovery: drop unsynced writes. */
void store_lose_unsynced(struct store *s);

#endif
