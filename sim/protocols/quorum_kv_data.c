/* quorum_kv_data.c: what a quorum-kv replica stores and how versions meet.
 *
 * Conflict resolution, in one place:
 *   LWW              one version per key; the larger (ts_ns, writer, value)
 *                    wins, the other is dropped for good. ts_ns is the
 *                    coordinator's wall clock, so a coordinator whose clock
 *                    is behind writes versions that lose to older writes:
 *                    an acknowledged write vanishes (annotated "conflict").
 *   lamport          the LWW rule on (Lamport timestamp, writer, value):
 *                    a write reads its context first and is stamped one
 *                    above everything it read, so a causally later write
 *                    always wins whatever the wall clocks say; two
 *                    concurrent writes still keep one (the other dropped).
 *   version vectors  a version replaces another only if its vector
 *                    descends from it; concurrent versions are all kept as
 *                    siblings until a write that has seen them all (its
 *                    context) replaces them. Nothing acknowledged is lost.
 * Records are kept in canonical order (vector sum desc, value desc, vector
 * desc) so merges, digests and the version a read returns never depend on
 * arrival order.
 *
 * Durable layout (ctx_store_*): "k<key>" -> the record, "keys" -> the keys
 * this node stores (the store cannot be listed), "ctr" -> this node's
 * version-vector counter, "hints" -> the hints held for other replicas.
 * Every change is synced before the node acknowledges it. */
#include <stdio.h>
#include <string.h>

#include "dslab/assert.h"
#include "protocols/quorum_kv_internal.h"

/* --- the ring ------------------------------------------------------------- */

int32_t qkv_ring_node(int64_t key, int32_t i, int32_t nodes_count) {
    int64_t start = ((key % nodes_count) + nodes_count) % nodes_count;
    return (int32_t)((start + i) % nodes_count);
}

bool qkv_is_replica(const struct qkv_config *c, int64_t key, int32_t node, int32_t nodes_count) {
    for (int32_t i = 0; i < c->n; i++) {
        if (qkv_ring_node(key, i, nodes_count) == node) return true;
    }
    return false;
}

/* --- versions --------------------------------------------------------------- */

bool qkv_vv_descends(const struct qkv_version *a, const struct qkv_version *b) {
    for (int i = 0; i < QKV_NODES_MAX; i++) {
        if (a->vv[i] < b->vv[i]) return false;
    }
    return true;
}

static bool vv_equal(const struct qkv_version *a, const struct qkv_version *b) {
    return memcmp(a->vv, b->vv, sizeof a->vv) == 0;
}

static uint64_t vv_sum(const struct qkv_version *a) {
    uint64_t sum = 0;
    for (int i = 0; i < QKV_NODES_MAX; i++) sum += a->vv[i];
    return sum;
}

bool qkv_lww_newer(const struct qkv_version *a, const struct qkv_version *b) {
    if (a->ts_ns != b->ts_ns) return a->ts_ns > b->ts_ns;
    if (a->writer != b->writer) return a->writer > b->writer;
    return a->value > b->value;
}

static bool same_version(const struct qkv_version *a, const struct qkv_version *b) {
    return a->value == b->value && a->ts_ns == b->ts_ns && a->writer == b->writer &&
           vv_equal(a, b);
}

/* Canonical order: true when a sorts before b. A total order on distinct
 * vectors; equal vectors never coexist in a record. */
static bool canonical_before(const struct qkv_version *a, const struct qkv_version *b) {
    uint64_t sa = vv_sum(a), sb = vv_sum(b);
    if (sa != sb) return sa > sb;
    if (a->value != b->value) return a->value > b->value;
    for (int i = 0; i < QKV_NODES_MAX; i++) {
        if (a->vv[i] != b->vv[i]) return a->vv[i] > b->vv[i];
    }
    return false;
}

/* Version vectors: the maximal versions of (into ∪ in), canonical order. */
static void merge_vv(struct qkv_record *into, const struct qkv_record *in) {
    struct qkv_version all[2 * QKV_SIBLINGS_MAX];
    int32_t count = 0;
    for (int32_t i = 0; i < into->count; i++) all[count++] = into->v[i];
    for (int32_t i = 0; i < in->count && i < QKV_SIBLINGS_MAX; i++) all[count++] = in->v[i];
    struct qkv_version keep[2 * QKV_SIBLINGS_MAX];
    int32_t kept = 0;
    for (int32_t i = 0; i < count; i++) {
        bool dominated = false;
        for (int32_t j = 0; j < count && !dominated; j++) {
            if (i == j) continue;
            if (vv_equal(&all[i], &all[j])) {
                dominated = j < i; /* duplicates: keep the first copy */
            } else {
                dominated = qkv_vv_descends(&all[j], &all[i]);
            }
        }
        if (dominated) continue;
        int32_t at = kept; /* insertion sort into canonical order */
        while (at > 0 && canonical_before(&all[i], &keep[at - 1])) {
            keep[at] = keep[at - 1];
            at--;
        }
        keep[at] = all[i];
        kept++;
    }
    into->count = kept < QKV_SIBLINGS_MAX ? kept : QKV_SIBLINGS_MAX;
    memcpy(into->v, keep, (size_t)into->count * sizeof keep[0]);
    /* A merge only grows what is known: every version merged in is kept
     * or descended from by a kept one (unless siblings were cut at
     * QKV_SIBLINGS_MAX). */
    for (int32_t i = 0; i < count && kept <= QKV_SIBLINGS_MAX; i++) {
        bool covered = false;
        for (int32_t j = 0; j < into->count && !covered; j++) {
            covered = qkv_vv_descends(&into->v[j], &all[i]);
        }
        DSLAB_ASSERT(covered);
    }
}

int32_t qkv_record_merge(enum qkv_resolution res, struct qkv_record *into,
                         const struct qkv_record *in) {
    if (in->count <= 0) return 0;
    if (res == QKV_VERSION_VECTORS) {
        merge_vv(into, in);
        return 0;
    }
    if (into->count == 0) {
        into->v[0] = in->v[0];
        into->count = 1;
        return 0;
    }
    if (same_version(&into->v[0], &in->v[0])) return 0;
    if (qkv_lww_newer(&in->v[0], &into->v[0])) {
        into->v[0] = in->v[0];
        return 0;
    }
    return 1;
}

const struct qkv_version *qkv_record_pick(const struct qkv_record *rec) {
    return rec->count > 0 ? &rec->v[0] : NULL; /* canonical order puts it first */
}

static uint64_t fnv(uint64_t h, const void *p, size_t len) {
    const unsigned char *b = p;
    for (size_t i = 0; i < len; i++) {
        h ^= b[i];
        h *= UINT64_C(1099511628211);
    }
    return h;
}

uint64_t qkv_record_digest(const struct qkv_record *rec) {
    uint64_t h = UINT64_C(14695981039346656037);
    h = fnv(h, &rec->count, sizeof rec->count);
    for (int32_t i = 0; i < rec->count; i++) {
        const struct qkv_version *v = &rec->v[i];
        h = fnv(h, &v->value, sizeof v->value);
        h = fnv(h, &v->ts_ns, sizeof v->ts_ns);
        h = fnv(h, &v->writer, sizeof v->writer);
        h = fnv(h, v->vv, sizeof v->vv);
    }
    return h;
}

/* --- the local store -------------------------------------------------------- */

static size_t record_bytes(const struct qkv_record *rec) {
    return offsetof(struct qkv_record, v) + (size_t)rec->count * sizeof(struct qkv_version);
}

static void persist_record(struct dslab_node_ctx *ctx, const struct qkv_record *rec) {
    char name[32];
    snprintf(name, sizeof name, "k%lld", (long long)rec->key);
    dslab_ctx_store_put(ctx, name, rec, record_bytes(rec));
}

static void persist_keys(struct dslab_node_ctx *ctx, const struct qkv_state *s) {
    int64_t keys[QKV_KEYS_MAX];
    for (int32_t i = 0; i < s->keys_count; i++) keys[i] = s->data[i].key;
    dslab_ctx_store_put(ctx, "keys", keys, (size_t)s->keys_count * sizeof keys[0]);
}

static void persist_hints(struct dslab_node_ctx *ctx, const struct qkv_state *s) {
    dslab_ctx_store_put(ctx, "hints", s->hints, (size_t)s->hints_count * sizeof s->hints[0]);
}

void qkv_persist_counter(struct dslab_node_ctx *ctx, struct qkv_state *s) {
    dslab_ctx_store_put(ctx, "ctr", &s->vv_counter, sizeof s->vv_counter);
    dslab_ctx_store_sync(ctx);
}

struct qkv_record *qkv_local_find(struct qkv_state *s, int64_t key) {
    for (int32_t i = 0; i < s->keys_count; i++) {
        if (s->data[i].key == key) return &s->data[i];
    }
    return NULL;
}

struct qkv_record *qkv_local_create(struct dslab_node_ctx *ctx, struct qkv_state *s, int64_t key) {
    struct qkv_record *rec = qkv_local_find(s, key);
    if (rec) return rec;
    if (s->keys_count == QKV_KEYS_MAX) return NULL;
    rec = &s->data[s->keys_count++];
    memset(rec, 0, sizeof *rec);
    rec->key = key;
    persist_keys(ctx, s);
    return rec;
}

static void annotate_merge(struct dslab_node_ctx *ctx, struct qkv_state *s, enum qkv_resolution res,
                           const struct qkv_record *kept, const struct qkv_record *in,
                           int32_t siblings_before, int32_t lost) {
    if (res == QKV_LAMPORT && lost > 0) {
        s->stats_conflicts++;
        dslab_ctx_annotate(ctx, "conflict", kept->key,
                     "lamport k%lld: kept v=%lld (ts %lld by %s), dropped v=%lld (ts %lld by %s)",
                     (long long)kept->key, (long long)kept->v[0].value, (long long)kept->v[0].ts_ns,
                     dslab_ctx_node_name(ctx, kept->v[0].writer), (long long)in->v[0].value,
                     (long long)in->v[0].ts_ns, dslab_ctx_node_name(ctx, in->v[0].writer));
    } else if (res == QKV_LWW && lost > 0) {
        s->stats_conflicts++;
        dslab_ctx_annotate(ctx, "conflict", kept->key,
                     "lww k%lld: kept v=%lld (ts %lldms by %s), dropped v=%lld (ts %lldms by %s)",
                     (long long)kept->key, (long long)kept->v[0].value,
                     (long long)(kept->v[0].ts_ns / 1000000), dslab_ctx_node_name(ctx, kept->v[0].writer),
                     (long long)in->v[0].value, (long long)(in->v[0].ts_ns / 1000000),
                     dslab_ctx_node_name(ctx, in->v[0].writer));
    } else if (res == QKV_VERSION_VECTORS && kept->count > 1 && kept->count > siblings_before) {
        s->stats_conflicts++;
        dslab_ctx_annotate(ctx, "conflict", kept->key, "siblings k%lld: %d concurrent versions",
                     (long long)kept->key, (int)kept->count);
    }
}

int qkv_local_apply(struct dslab_node_ctx *ctx, struct qkv_state *s, const struct qkv_record *in) {
    const struct qkv_config *c = dslab_ctx_config(ctx);
    struct qkv_record *rec = qkv_local_create(ctx, s, in->key);
    if (!rec) {
        dslab_ctx_annotate(ctx, "conflict", in->key, "key table full (%d keys): k%lld refused",
                     QKV_KEYS_MAX, (long long)in->key);
        return -1;
    }
    int32_t before = rec->count;
    uint64_t digest_before = qkv_record_digest(rec);
    int32_t lost = qkv_record_merge(c->resolution, rec, in);
    annotate_merge(ctx, s, c->resolution, rec, in, before, lost);
    if (qkv_record_digest(rec) != digest_before) {
        persist_record(ctx, rec);
    }
    dslab_ctx_store_sync(ctx);
    return 0;
}

void qkv_local_read(const struct dslab_node_ctx *ctx, const struct qkv_state *s, int64_t key,
                    struct qkv_record *out) {
    const struct qkv_config *c = dslab_ctx_config(ctx);
    memset(out, 0, sizeof *out);
    out->key = key;
    for (int32_t i = 0; i < s->keys_count; i++) {
        if (s->data[i].key == key) *out = s->data[i];
    }
    for (int32_t i = 0; i < s->hints_count; i++) {
        if (s->hints[i].rec.key == key) qkv_record_merge(c->resolution, out, &s->hints[i].rec);
    }
}

void qkv_load(struct dslab_node_ctx *ctx, struct qkv_state *s) {
    const void *p;
    long len = dslab_ctx_store_get(ctx, "ctr", &p);
    if (len == (long)sizeof s->vv_counter) memcpy(&s->vv_counter, p, sizeof s->vv_counter);
    int64_t keys[QKV_KEYS_MAX];
    len = dslab_ctx_store_get(ctx, "keys", &p);
    int32_t keys_count = len > 0 ? (int32_t)((size_t)len / sizeof keys[0]) : 0;
    if (keys_count > QKV_KEYS_MAX) keys_count = QKV_KEYS_MAX;
    if (keys_count > 0) memcpy(keys, p, (size_t)keys_count * sizeof keys[0]);
    for (int32_t i = 0; i < keys_count; i++) {
        struct qkv_record *rec = &s->data[s->keys_count++];
        memset(rec, 0, sizeof *rec);
        rec->key = keys[i];
        char name[32];
        snprintf(name, sizeof name, "k%lld", (long long)keys[i]);
        len = dslab_ctx_store_get(ctx, name, &p);
        if (len >= (long)offsetof(struct qkv_record, v) && (size_t)len <= sizeof *rec) {
            memcpy(rec, p, (size_t)len);
        }
    }
    len = dslab_ctx_store_get(ctx, "hints", &p);
    if (len > 0 && (size_t)len <= sizeof s->hints) {
        s->hints_count = (int32_t)((size_t)len / sizeof s->hints[0]);
        memcpy(s->hints, p, (size_t)s->hints_count * sizeof s->hints[0]);
        for (int32_t i = 0; i < s->hints_count; i++) {
            if (s->hints[i].id >= s->next_hint_id) s->next_hint_id = s->hints[i].id + 1;
        }
    }
}

/* --- hints -------------------------------------------------------------------- */

int qkv_hint_add(struct dslab_node_ctx *ctx, struct qkv_state *s, int32_t for_node,
                 const struct qkv_record *rec) {
    const struct qkv_config *c = dslab_ctx_config(ctx);
    struct qkv_hint *h = NULL;
    for (int32_t i = 0; i < s->hints_count && !h; i++) {
        if (s->hints[i].for_node == for_node && s->hints[i].rec.key == rec->key) h = &s->hints[i];
    }
    if (!h) {
        if (s->hints_count == QKV_HINTS_MAX) {
            dslab_ctx_annotate(ctx, "hint", -1, "hint table full: k%lld for %s not kept",
                         (long long)rec->key, dslab_ctx_node_name(ctx, for_node));
            return -1;
        }
        h = &s->hints[s->hints_count++];
        memset(h, 0, sizeof *h);
        h->id = ++s->next_hint_id;
        h->for_node = for_node;
        h->rec.key = rec->key;
    }
    qkv_record_merge(c->resolution, &h->rec, rec);
    dslab_ctx_annotate(ctx, "hint", (int64_t)h->id, "holding k%lld for %s", (long long)rec->key,
                 dslab_ctx_node_name(ctx, for_node));
    persist_hints(ctx, s);
    dslab_ctx_store_sync(ctx);
    return 0;
}

void qkv_hint_remove(struct dslab_node_ctx *ctx, struct qkv_state *s, uint64_t id) {
    for (int32_t i = 0; i < s->hints_count; i++) {
        if (s->hints[i].id != id) continue;
        dslab_ctx_annotate(ctx, "hint", (int64_t)id, "handed k%lld to %s", (long long)s->hints[i].rec.key,
                     dslab_ctx_node_name(ctx, s->hints[i].for_node));
        s->hints[i] = s->hints[--s->hints_count];
        persist_hints(ctx, s);
        dslab_ctx_store_sync(ctx);
        s->stats_handoffs++;
        return;
    }
}

/* --- labels --------------------------------------------------------------------- */

void qkv_message_label(const void *msg, size_t len, char *buf, size_t buf_size) {
    struct qkv_msg m;
    memset(&m, 0, sizeof m);
    memcpy(&m, msg, len < sizeof m ? len : sizeof m);
    long long key = (long long)m.rec.key, seq = (long long)m.seq;
    long long value = m.rec.count > 0 ? (long long)m.rec.v[0].value : -1;
    switch ((enum qkv_msg_type)m.type) {
    case QKV_MSG_READ:
        snprintf(buf, buf_size, "read k%lld #%lld", key, seq);
        break;
    case QKV_MSG_READ_REPLY:
        if (m.rec.count == 0) snprintf(buf, buf_size, "reply k%lld nil #%lld", key, seq);
        else snprintf(buf, buf_size, "reply k%lld v=%lld%s #%lld", key, value,
                      m.rec.count > 1 ? " +siblings" : "", seq);
        break;
    case QKV_MSG_WRITE:
        snprintf(buf, buf_size, "%s k%lld v=%lld%s #%lld", m.seq ? "write" : "repair", key,
                 value, m.hint_for >= 0 ? " (hinted)" : "", seq);
        break;
    case QKV_MSG_WRITE_ACK:
        snprintf(buf, buf_size, "ack #%lld", seq);
        break;
    case QKV_MSG_HANDOFF:
        snprintf(buf, buf_size, "handoff k%lld v=%lld hint %lld", key, value, seq);
        break;
    case QKV_MSG_HANDOFF_ACK:
        snprintf(buf, buf_size, "handoff-ack hint %lld", seq);
        break;
    case QKV_MSG_SYNC:
        snprintf(buf, buf_size, "sync k%lld v=%lld%s", key, value, m.rec.count > 1 ? " +siblings" : "");
        break;
    default:
        snprintf(buf, buf_size, "?");
        break;
    }
}
