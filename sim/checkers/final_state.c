/* final_state.c: collects the typed final-state / final-value reports and the
 * liveness and role of every node (see final_state.h). Cost: one record
 * per (node, key) at the end of the run; a sort at seal, O(n log n). */
#include "checkers/final_state.h"

#include <stdlib.h>
#include <string.h>

#include "checkers/check_util.h"
#include "dslab/time.h"

int final_state_init(struct final_state *fs, int32_t nodes_count) {
    memset(fs, 0, sizeof *fs);
    fs->nodes_count = nodes_count;
    fs->nodes = calloc((size_t)(nodes_count > 0 ? nodes_count : 1), sizeof *fs->nodes);
    return fs->nodes ? 0 : -1;
}

void final_state_deinit(struct final_state *fs) {
    free(fs->nodes);
    free(fs->values);
    free(fs->replicas);
    memset(fs, 0, sizeof *fs);
}

void *final_state_checker_alloc(size_t size, const struct dslab_scenario *s,
                                const struct dslab_scenario_check *check, struct dslab_diag *diag) {
    void *block = calloc(1, size);
    if (!block || final_state_init((struct final_state *)block, s->nodes_count) != 0) {
        free(block);
        dslab_diag_set(diag, s->path, check->pos.line, check->pos.col, "out of memory");
        return NULL;
    }
    return block;
}

void final_state_checker_destroy(void *state) {
    if (!state) return;
    final_state_deinit((struct final_state *)state);
    free(state);
}

void final_state_checker_on_event(void *state, const struct dslab_trace_event *ev) {
    final_state_on_event((struct final_state *)state, ev);
}

int final_state_bounded_create(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                               const char *usage, void **state_out, struct dslab_diag *diag) {
    int64_t bound_ns = DSLAB_NS_PER_S;
    if (check_duration_argument(s, check, usage, &bound_ns, diag) != 0) return -1;
    struct final_state_bounded *st = final_state_checker_alloc(sizeof *st, s, check, diag);
    if (!st) return -1;
    st->scenario = s;
    st->bound_ns = bound_ns;
    *state_out = st;
    return 0;
}

int final_state_agreement_create(const struct dslab_scenario *s, const struct dslab_scenario_check *check,
                                 void **state_out, struct dslab_diag *diag) {
    char usage[sizeof check->name * 2 + 96];
    snprintf(usage, sizeof usage,
             "%s takes how long replicas may take to agree after the last fault or write, e.g. '%s: 2s'",
             check->name, check->name);
    return final_state_bounded_create(s, check, usage, state_out, diag);
}

static bool disturbs(const struct dslab_trace_event *ev) {
    switch (ev->kind) {
    case DSLAB_TRACE_PARTITION:
    case DSLAB_TRACE_HEAL:
    case DSLAB_TRACE_CUT:
    case DSLAB_TRACE_LINK:
    case DSLAB_TRACE_SLOW:
    case DSLAB_TRACE_DEPLOY:
    case DSLAB_TRACE_SET:
    case DSLAB_TRACE_SHED:
    case DSLAB_TRACE_CRASH:
    case DSLAB_TRACE_RESTART:
    case DSLAB_TRACE_RESUME:
        return true;
    case DSLAB_TRACE_CLIENT:
        return ev->op && (ev->op->fn == DSLAB_OP_WRITE || ev->op->fn == DSLAB_OP_CAS);
    default:
        return false;
    }
}

void final_state_bounded_on_event(void *state, const struct dslab_trace_event *ev) {
    struct final_state_bounded *st = state;
    if (disturbs(ev) && ev->t_ns >= st->quiet_from_ns) {
        st->quiet_from_ns = ev->t_ns;
        st->quiet_trace_id = ev->id;
        st->has_quiet_trace = true;
    }
    final_state_on_event(&st->fs, ev);
}

static void add_value(struct final_state *fs, const struct dslab_trace_event *ev) {
    struct final_value *grown = grow_array(fs->values, &fs->capacity, fs->count, sizeof *grown, 64);
    if (!grown) {
        fs->out_of_memory = true;
        return;
    }
    fs->values = grown;
    struct final_value *v = &fs->values[fs->count++];
    v->node = ev->node;
    v->key = ev->b;
    v->value = ev->a;
    v->trace_id = ev->id;
}

static void add_replicas(struct final_state *fs, const struct dslab_trace_event *ev) {
    struct final_replicas *grown = grow_array(fs->replicas, &fs->replicas_capacity, fs->replicas_count,
                                              sizeof *grown, 16);
    if (!grown) {
        fs->out_of_memory = true;
        return;
    }
    fs->replicas = grown;
    fs->replicas[fs->replicas_count++] = (struct final_replicas){ev->b, (uint64_t)ev->a};
}

void final_state_on_event(struct final_state *fs, const struct dslab_trace_event *ev) {
    if (ev->node < 0 || ev->node >= fs->nodes_count) {
        return;
    }
    struct final_node *n = &fs->nodes[ev->node];
    if (ev->kind == DSLAB_TRACE_CRASH) {
        n->crashed = true;
        n->primary = false;
    } else if (ev->kind == DSLAB_TRACE_RESTART) {
        n->crashed = false;
    } else if (ev->kind == DSLAB_TRACE_ANNOTATE) {
        if (ev->annotation == DSLAB_ANNOTATION_ROLE) {
            n->primary = dslab_role_class_leads(ev->role);
        } else if (ev->annotation == DSLAB_ANNOTATION_FINAL_STATE) {
            n->reported = true;
            n->report_trace_id = ev->id;
        } else if (ev->annotation == DSLAB_ANNOTATION_FINAL_VALUE) {
            add_value(fs, ev);
        } else if (ev->annotation == DSLAB_ANNOTATION_FINAL_REPLICAS) {
            add_replicas(fs, ev);
        }
    }
}

static int value_cmp(const void *pa, const void *pb) {
    const struct final_value *a = pa, *b = pb;
    if (a->node != b->node) return a->node < b->node ? -1 : 1;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    return a->trace_id < b->trace_id ? -1 : (a->trace_id > b->trace_id);
}

static int replicas_cmp(const void *pa, const void *pb) {
    const struct final_replicas *a = pa, *b = pb;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    return a->mask < b->mask ? -1 : (a->mask > b->mask);
}

void final_state_seal(struct final_state *fs) {
    if (fs->count > 1) {
        qsort(fs->values, fs->count, sizeof *fs->values, value_cmp);
    }
    if (fs->replicas_count > 1) { /* one entry per key, the union of the masks */
        qsort(fs->replicas, fs->replicas_count, sizeof *fs->replicas, replicas_cmp);
        size_t out = 0;
        for (size_t i = 0; i < fs->replicas_count; i++) {
            if (out > 0 && fs->replicas[out - 1].key == fs->replicas[i].key) {
                fs->replicas[out - 1].mask |= fs->replicas[i].mask;
            } else {
                fs->replicas[out++] = fs->replicas[i];
            }
        }
        fs->replicas_count = out;
    }
}

bool final_state_should_hold(const struct final_state *fs, int32_t node, int64_t key) {
    size_t lo = 0, hi = fs->replicas_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (fs->replicas[mid].key < key) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo == fs->replicas_count || fs->replicas[lo].key != key) return true;
    return node < 63 && (fs->replicas[lo].mask >> node & 1);
}

const struct final_value *final_state_find(const struct final_state *fs, int32_t node,
                                           int64_t key) {
    size_t lo = 0, hi = fs->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct final_value *v = &fs->values[mid];
        if (v->node < node || (v->node == node && v->key < key)) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo < fs->count && fs->values[lo].node == node && fs->values[lo].key == key) {
        return &fs->values[lo];
    }
    return NULL;
}

int32_t final_state_reported_live(const struct final_state *fs) {
    int32_t n = 0;
    for (int32_t i = 0; i < fs->nodes_count; i++) {
        n += fs->nodes[i].reported && !fs->nodes[i].crashed;
    }
    return n;
}
