/* scenario_rolling.c: the `rolling-restart` fault, an operator's restart
 * tool, expanded at load time into the crash and restart faults it makes:
 *
 *   { at: 3s, rolling-restart: all | [n3, n1, ...], batch: N, down: 300ms,
 *     wait: 0s, lose_unsynced: false }
 *
 * The nodes, in the order given (`all`: n1..nN), are restarted `batch` at a
 * time (default: all of them at once, a tool with no batch limit). Batch k
 * (from 0) is crashed at at + k x (down + wait) and restarted `down` later;
 * the next batch goes down `wait` after that: the time a health check
 * would give the restarted nodes to come back and catch up. Every expanded
 * fault carries the item's position, so the timeline and every error point
 * at the one line that wrote them. Spec: docs/SCENARIO_FORMAT.md "faults". */
#include <string.h>

#include "dslab/limits.h"
#include "dslab/time.h"
#include "scenario/load_internal.h"

int64_t load_rolling_restart_size(const struct dslab_ynode *item, int32_t nodes_count) {
    const struct dslab_ynode *v = dslab_ydoc_map_get(item, "rolling-restart");
    if (!v) return 1;
    /* `all`, or an error later; never 0: the item is loaded into its first
     * slot before the list is checked (an empty list is an error) */
    int64_t n = v->kind == DSLAB_YNODE_SEQUENCE ? v->count : nodes_count;
    return n > 0 ? 2 * n : 1;
}

static int rolling_nodes(struct loader *L, const struct dslab_ynode *v, int32_t *order, int32_t *count) {
    int32_t n = L->s->nodes_count;
    *count = 0;
    if (v->kind == DSLAB_YNODE_SCALAR && strcmp(v->text, "all") == 0) {
        for (int32_t i = 0; i < n; i++) order[(*count)++] = i;
        return 0;
    }
    if (dslab_ytree_expect_list(L->diag, L->file, v, "all or a list of nodes like [n1, n2]") < 0) return -1;
    if (v->count == 0) return dslab_ytree_error(L->diag, L->file, v, "a rolling restart needs at least one node");
    for (const struct dslab_ynode *item = v->first; item; item = item->next) {
        int32_t node;
        if (load_node_ref(L, item, &node) < 0) return -1;
        for (int32_t i = 0; i < *count; i++) {
            if (order[i] == node) {
                return dslab_ytree_error(L->diag, L->file, item, "%s is listed twice", item->text);
            }
        }
        order[(*count)++] = node;
    }
    return 0;
}

static int rolling_duration(struct loader *L, const struct dslab_ynode *item, const char *key, int64_t dflt_ns,
                            bool allow_zero, int64_t *out_ns) {
    const struct dslab_ynode *n = dslab_ydoc_map_get(item, key);
    *out_ns = dflt_ns;
    if (!n) return 0;
    if (dslab_ytree_duration(L->diag, L->file, n, false, out_ns) < 0) return -1;
    if (*out_ns == 0 && !allow_zero) return dslab_ytree_error(L->diag, L->file, n, "%s must be more than 0", key);
    if (*out_ns > DSLAB_DURATION_NS_MAX) {
        return dslab_ytree_error(L->diag, L->file, n, "%s of %s is more than one day", key, n->text);
    }
    return 0;
}

int load_rolling_restart(struct loader *L, const struct dslab_ynode *item, const struct dslab_ynode *v,
                         const struct dslab_fault *first, struct dslab_fault *out) {
    const struct dslab_fault tmpl = *first; /* out[0] may be *first */
    int32_t *order = load_alloc(L, sizeof *order * (size_t)(L->s->nodes_count > 0 ? L->s->nodes_count : 1));
    if (!order) return -1;
    int32_t count = 0;
    int64_t batch = 0, down_ns = 0, wait_ns = 0;
    bool lose = false;
    const struct dslab_ynode *n;
    int rc = -1;
    if (rolling_nodes(L, v, order, &count) < 0) goto done;
    batch = count;
    if ((n = dslab_ydoc_map_get(item, "batch")) && dslab_ytree_int(L->diag, L->file, n, 1, count, &batch) < 0) goto done;
    if (rolling_duration(L, item, "down", 300 * DSLAB_NS_PER_MS, false, &down_ns) < 0 ||
        rolling_duration(L, item, "wait", 0, true, &wait_ns) < 0) {
        goto done;
    }
    if ((n = dslab_ydoc_map_get(item, "lose_unsynced")) && dslab_ytree_bool(L->diag, L->file, n, &lose) < 0) goto done;
    int64_t batches = (count + batch - 1) / batch;
    /* each term is at most a day and there are at most DSLAB_NODES_MAX batches: no overflow */
    int64_t last_up_ns = tmpl.at_ns + (batches - 1) * (down_ns + wait_ns) + down_ns;
    if (last_up_ns > L->s->duration_ns) {
        dslab_ytree_error(L->diag, L->file, item,
                          "this rolling restart brings its last node back at %.3fs, after the run ends (%.3fs): "
                          "fewer nodes, a larger batch, or shorter down/wait",
                          (double)last_up_ns / 1e9, (double)L->s->duration_ns / 1e9);
        goto done;
    }
    for (int32_t i = 0; i < count; i++) {
        int64_t down_at_ns = tmpl.at_ns + (i / batch) * (down_ns + wait_ns);
        struct dslab_fault *crash = &out[2 * i], *restart = &out[2 * i + 1];
        *crash = tmpl;
        crash->kind = DSLAB_FAULT_CRASH;
        crash->node = order[i];
        crash->at_ns = down_at_ns;
        *restart = *crash;
        restart->kind = DSLAB_FAULT_RESTART;
        restart->at_ns = down_at_ns + down_ns;
        restart->lose_unsynced = lose;
    }
    rc = 2 * count;
done:
    load_free(L, order);
    return rc;
}
