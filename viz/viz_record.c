/* viz_record.c: the recording, a trace sink that keeps a whole run in memory
 * in the shapes the views need.
 *
 * Every trace event is kept (so event index == trace id, which is how
 * checker evidence is found), plus derived tables: one entry per message
 * copy (send, scheduled delivery, fate), one per client operation (invoke
 * and completion), per-node lists of status, role, term and clock events,
 * and lists of faults, narration and assumption breaks for the timeline.
 * Strings are copied into one arena and referred to by offset, so growing
 * the arena never invalidates them. */
#include "viz_internal.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/time.h"

static void map_put(struct u64map *m, uint64_t key, int32_t val);

static uint32_t arena_add(struct recording *r, const char *s) {
    if (!s || !*s) {
        return 0;
    }
    int32_t len = (int32_t)strlen(s) + 1;
    int32_t off = r->arena_size;
    r->arena = viz_grow(r->arena, &r->arena_cap, off + len, 1);
    memcpy(r->arena + off, s, (size_t)len);
    r->arena_size += len;
    return (uint32_t)off;
}

const char *rec_str(const struct recording *r, uint32_t off) {
    return r->arena ? r->arena + off : "";
}

void rec_init(struct recording *r, int32_t nodes_count) {
    memset(r, 0, sizeof *r);
    r->nodes_count = nodes_count;
    r->nodes = calloc((size_t)(nodes_count > 0 ? nodes_count : 1), sizeof *r->nodes);
    if (!r->nodes) {
        abort();
    }
    r->arena = viz_grow(NULL, &r->arena_cap, 4096, 1);
    r->arena[0] = '\0';
    r->arena_size = 1;
}

static void ivec_free(struct ivec *iv) {
    free(iv->v);
    memset(iv, 0, sizeof *iv);
}

void rec_free(struct recording *r) {
    for (int32_t i = 0; i < r->nodes_count; i++) {
        ivec_free(&r->nodes[i].status);
        ivec_free(&r->nodes[i].costs);
        ivec_free(&r->nodes[i].role);
        ivec_free(&r->nodes[i].term);
        ivec_free(&r->nodes[i].clock);
        ivec_free(&r->nodes[i].msgs_sent);
    }
    free(r->nodes);
    free(r->events);
    free(r->msgs);
    free(r->msg_map.keys);
    free(r->msg_map.vals);
    free(r->ops);
    free(r->op_map.keys);
    free(r->op_map.vals);
    ivec_free(&r->faults);
    ivec_free(&r->narration);
    ivec_free(&r->assumptions);
    free(r->violations);
    free(r->sample_ns);
    free(r->wall_off_ns);
    free(r->mono_off_ns);
    free(r->arena);
    memset(r, 0, sizeof *r);
}

/* ---- u64 -> int32 map --------------------------------------------------- */
static uint64_t mix64(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
}

static int32_t map_get(const struct u64map *m, uint64_t key) {
    if (m->cap == 0 || key == 0) {
        return -1;
    }
    uint64_t mask = (uint64_t)m->cap - 1;
    for (uint64_t i = mix64(key) & mask;; i = (i + 1) & mask) {
        if (m->keys[i] == key) {
            return m->vals[i];
        }
        if (m->keys[i] == 0) {
            return -1;
        }
    }
}

static void map_rehash(struct u64map *m) {
    int32_t old_cap = m->cap;
    uint64_t *ok = m->keys;
    int32_t *ov = m->vals;
    m->cap = old_cap ? old_cap * 2 : 1024;
    m->keys = calloc((size_t)m->cap, sizeof *m->keys);
    m->vals = calloc((size_t)m->cap, sizeof *m->vals);
    if (!m->keys || !m->vals) {
        abort();
    }
    m->n = 0;
    for (int32_t i = 0; i < old_cap; i++) {
        if (ok[i]) {
            map_put(m, ok[i], ov[i]);
        }
    }
    free(ok);
    free(ov);
}

static void map_put(struct u64map *m, uint64_t key, int32_t val) {
    if (key == 0) {
        return;
    }
    if ((m->n + 1) * 2 > m->cap) {
        map_rehash(m);
    }
    uint64_t mask = (uint64_t)m->cap - 1;
    for (uint64_t i = mix64(key) & mask;; i = (i + 1) & mask) {
        if (m->keys[i] == key) {
            m->vals[i] = val;
            return;
        }
        if (m->keys[i] == 0) {
            m->keys[i] = key;
            m->vals[i] = val;
            m->n++;
            return;
        }
    }
}

int32_t rec_msg_find(const struct recording *r, uint64_t msg_id) {
    return map_get(&r->msg_map, msg_id);
}

/* ---- the sink ----------------------------------------------------------- */
void rec_finalize(struct recording *r, int64_t drop_flight_ns) {
    r->msg_span_ns_max = 0;
    r->msgs_dropped = 0;
    memset(r->traffic, 0, sizeof r->traffic);
    memset(r->traffic_dropped, 0, sizeof r->traffic_dropped);
    int64_t end = r->end_ns > 0 ? r->end_ns : 1;
    /* Each operation cited as evidence: when the first violation citing it
     * begins (needs end_ns, known only now), so the history panel asks in O(1). */
    for (int32_t v = 0; v < r->violations_count; v++) {
        int64_t begin = rec_violation_begin_ns(r, v);
        for (int e = 0; e < r->violations[v].evidence_count; e++) {
            const struct rec_event *ev = &r->events[r->violations[v].evidence[e]];
            if (ev->kind != DSLAB_TRACE_CLIENT || ev->ref < 0 || ev->ref >= r->ops_count) continue;
            if (begin < r->ops[ev->ref].cited_from_ns) r->ops[ev->ref].cited_from_ns = begin;
        }
    }
    for (int32_t i = 0; i < r->msgs_count; i++) {
        struct rec_msg *m = &r->msgs[i];
        if (m->fate == FATE_DROPPED && m->end_ns <= m->send_ns) {
            m->end_ns = m->send_ns + drop_flight_ns; /* flies a little way, then dies */
        }
        if (m->end_ns - m->send_ns > r->msg_span_ns_max) {
            r->msg_span_ns_max = m->end_ns - m->send_ns;
        }
        int b = (int)((double)m->send_ns / (double)end * REC_TRAFFIC_BINS);
        b = b < 0 ? 0 : b >= REC_TRAFFIC_BINS ? REC_TRAFFIC_BINS - 1 : b;
        r->traffic[b]++;
        if (m->fate == FATE_DROPPED) {
            r->traffic_dropped[b]++;
            r->msgs_dropped++;
        }
    }
}

static void on_send(struct recording *r, const struct dslab_trace_event *ev, struct rec_event *re) {
    int32_t idx = r->msgs_count;
    struct rec_msg *m = VIZ_PUSH(r->msgs, r->msgs_count, r->msgs_cap);
    memset(m, 0, sizeof *m);
    m->msg_id = ev->msg_id;
    m->from = ev->node;
    m->to = ev->peer;
    m->send_ns = ev->t_ns;
    m->sched_ns = ev->a;
    m->end_ns = ev->a >= 0 ? ev->a : ev->t_ns;
    m->send_ev = (int32_t)(re - r->events);
    m->end_ev = -1;
    m->dup_of = -1;
    m->next_copy = -1;
    m->label_off = re->text_off;
    m->fate = FATE_PENDING;
    map_put(&r->msg_map, ev->msg_id, idx);
    if (ev->node >= 0 && ev->node < r->nodes_count) {
        ivec_push(&r->nodes[ev->node].msgs_sent, idx);
    }
    re->ref = idx;
}

static void on_duplicate(struct recording *r, const struct dslab_trace_event *ev, struct rec_event *re) {
    int32_t orig = map_get(&r->msg_map, ev->msg_id);
    if (orig < 0) {
        return;
    }
    int32_t idx = r->msgs_count;
    struct rec_msg *m = VIZ_PUSH(r->msgs, r->msgs_count, r->msgs_cap);
    *m = r->msgs[orig];
    m->sched_ns = ev->a;
    m->end_ns = ev->a;
    m->end_ev = -1;
    m->fate = FATE_PENDING;
    m->dup_of = orig;
    m->next_copy = -1;
    int32_t last = orig;
    while (r->msgs[last].next_copy >= 0) {
        last = r->msgs[last].next_copy;
    }
    r->msgs[last].next_copy = idx;
    re->ref = idx;
}

/* The pending copy of msg_id that ends at t (or any pending copy). */
static int32_t pending_copy(struct recording *r, uint64_t msg_id, int64_t t_ns) {
    int32_t any = -1;
    for (int32_t i = map_get(&r->msg_map, msg_id); i >= 0; i = r->msgs[i].next_copy) {
        if (r->msgs[i].fate != FATE_PENDING) {
            continue;
        }
        if (r->msgs[i].sched_ns == t_ns) {
            return i;
        }
        if (any < 0) {
            any = i;
        }
    }
    return any;
}

static void on_end(struct recording *r, const struct dslab_trace_event *ev, struct rec_event *re) {
    int32_t i = pending_copy(r, ev->msg_id, ev->t_ns);
    if (i < 0) {
        return;
    }
    struct rec_msg *m = &r->msgs[i];
    m->end_ev = (int32_t)(re - r->events);
    re->ref = i;
    if (ev->kind == DSLAB_TRACE_DELIVER) {
        m->fate = FATE_DELIVERED;
        m->end_ns = ev->t_ns;
    } else {
        m->fate = FATE_DROPPED;
        m->reason_off = re->tag_off;
        m->end_ns = ev->t_ns; /* rec_finalize() extends drops at send */
    }
}

static void on_client(struct recording *r, const struct dslab_trace_event *ev, struct rec_event *re) {
    const struct dslab_history_op *op = ev->op;
    if (!op) {
        return;
    }
    if (op->client + 1 > r->clients_count) {
        r->clients_count = op->client + 1;
    }
    if (op->type == DSLAB_OP_INVOKE) {
        int32_t idx = r->ops_count;
        struct rec_op *o = VIZ_PUSH(r->ops, r->ops_count, r->ops_cap);
        memset(o, 0, sizeof *o);
        o->op_id = op->op_id;
        o->client = op->client;
        o->node = op->node;
        o->fn = (uint8_t)op->fn;
        o->result = DSLAB_OP_INVOKE;
        o->cited_from_ns = INT64_MAX;
        o->key = op->key;
        o->value = op->value;
        o->expected = op->expected;
        o->out_value = DSLAB_HISTORY_NIL;
        o->invoke_ns = ev->t_ns;
        o->complete_ns = -1;
        o->invoke_ev = (int32_t)(re - r->events);
        o->complete_ev = -1;
        map_put(&r->op_map, op->op_id + 1, idx);
        re->ref = idx;
        return;
    }
    int32_t idx = map_get(&r->op_map, op->op_id + 1);
    if (idx < 0) {
        return;
    }
    struct rec_op *o = &r->ops[idx];
    o->result = (uint8_t)op->type;
    o->complete_ns = ev->t_ns;
    o->complete_ev = (int32_t)(re - r->events);
    o->out_value = op->value;
    if (op->node >= 0) {
        o->node = op->node;
    }
    re->ref = idx;
}

static void on_node_event(struct recording *r, const struct dslab_trace_event *ev, int32_t idx) {
    if (ev->node < 0 || ev->node >= r->nodes_count) {
        return;
    }
    struct rec_node *n = &r->nodes[ev->node];
    switch (ev->kind) {
    case DSLAB_TRACE_CRASH:
    case DSLAB_TRACE_RESTART:
    case DSLAB_TRACE_PAUSE:
    case DSLAB_TRACE_RESUME:
        ivec_push(&n->status, idx);
        break;
    case DSLAB_TRACE_CLOCK_JUMP:
    case DSLAB_TRACE_CLOCK_DRIFT:
        ivec_push(&n->clock, idx);
        break;
    case DSLAB_TRACE_COST:
        ivec_push(&n->costs, idx);
        if (ev->b > ev->t_ns && ev->b - ev->t_ns > r->cost_span_ns_max) r->cost_span_ns_max = ev->b - ev->t_ns;
        break;
    case DSLAB_TRACE_ANNOTATE:
        if (r->events[idx].tag_kind == REC_TAG_ROLE) {
            ivec_push(&n->role, idx);
        } else if (r->events[idx].tag_kind == REC_TAG_TERM) {
            ivec_push(&n->term, idx);
        }
        break;
    default:
        break;
    }
}

static bool is_fault(enum dslab_trace_kind k) {
    return k >= DSLAB_TRACE_CRASH && k <= DSLAB_TRACE_CLOCK_DRIFT && k != DSLAB_TRACE_RESUME;
}

void rec_sink(void *user, const struct dslab_trace_event *ev) {
    struct recording *r = user;
    int32_t idx = r->events_count;
    struct rec_event *re = VIZ_PUSH(r->events, r->events_count, r->events_cap);
    memset(re, 0, sizeof *re);
    re->t_ns = ev->t_ns;
    re->a = ev->a;
    re->b = ev->b;
    re->msg_id = ev->msg_id;
    re->node = ev->node;
    re->peer = ev->peer;
    re->kind = (uint8_t)ev->kind;
    re->ref = -1;
    re->text_off = arena_add(r, ev->text);
    re->tag_off = arena_add(r, ev->tag);
    if (ev->kind == DSLAB_TRACE_ANNOTATE) {
        re->tag_kind = ev->annotation == DSLAB_ANNOTATION_ROLE   ? REC_TAG_ROLE
                       : ev->annotation == DSLAB_ANNOTATION_TERM ? REC_TAG_TERM
                                                           : REC_TAG_OTHER;
        re->role = (uint8_t)ev->role;
    }
    if (ev->t_ns > r->end_ns) {
        r->end_ns = ev->t_ns;
    }
    switch (ev->kind) {
    case DSLAB_TRACE_SEND: on_send(r, ev, re); break;
    case DSLAB_TRACE_DUPLICATE: on_duplicate(r, ev, re); break;
    case DSLAB_TRACE_DELIVER:
    case DSLAB_TRACE_DROP: on_end(r, ev, re); break;
    case DSLAB_TRACE_CLIENT: on_client(r, ev, re); break;
    case DSLAB_TRACE_NARRATION: ivec_push(&r->narration, idx); break;
    case DSLAB_TRACE_ASSUMPTION: ivec_push(&r->assumptions, idx); break;
    default: break;
    }
    if (is_fault(ev->kind)) {
        ivec_push(&r->faults, idx);
    }
    on_node_event(r, ev, idx);
}

void rec_take_results(struct recording *r, const struct dslab_sim *sim) {
    r->stats = *dslab_sim_get_stats(sim);
    r->checks_count = 0;
    for (int c = 0; c < dslab_sim_check_count(sim); c++) {
        const struct dslab_check_result *cr = dslab_sim_check_result(sim, c);
        if (!cr) {
            continue;
        }
        int ci = -1;
        if (r->checks_count < REC_CHECKS_MAX) {
            ci = r->checks_count++;
            struct rec_check *rc = &r->checks[ci];
            snprintf(rc->name, sizeof rc->name, "%.63s", cr->name);
            snprintf(rc->summary, sizeof rc->summary, "%.127s", cr->summary);
            rc->verdict = (uint8_t)cr->verdict;
            rc->first_violation_ns = -1;
            for (int v = 0; v < cr->violations_count; v++) {
                int64_t from = cr->violations[v].from_ns;
                if (rc->first_violation_ns < 0 || from < rc->first_violation_ns) rc->first_violation_ns = from;
            }
        }
        for (int v = 0; v < cr->violations_count; v++) {
            const struct dslab_check_violation *cv = &cr->violations[v];
            struct rec_violation *rv =
                VIZ_PUSH(r->violations, r->violations_count, r->violations_cap);
            memset(rv, 0, sizeof *rv);
            snprintf(rv->check, sizeof rv->check, "%s", cr->name);
            rv->check_index = ci;
            snprintf(rv->message, sizeof rv->message, "%s", cv->message);
            rv->from_ns = cv->from_ns;
            rv->to_ns = cv->to_ns;
            rv->nodes_count = cv->nodes_count;
            memcpy(rv->nodes, cv->nodes, sizeof rv->nodes);
            for (int e = 0; e < cv->evidence_count; e++) {
                if (cv->evidence[e] < (uint64_t)r->events_count) {
                    int32_t ei = (int32_t)cv->evidence[e];
                    rv->evidence[rv->evidence_count++] = ei;
                }
            }
        }
    }
}

/* ---- queries ------------------------------------------------------------ */
int32_t rec_events_until(const struct recording *r, int64_t t_ns) {
    int32_t lo = 0, hi = r->events_count;
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (r->events[mid].t_ns <= t_ns) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* The first of `count` items (item_size bytes each, in order of the
 * int64_t time at ns_offset) whose time is >= t_ns, or count. */
static int32_t first_at_or_after(const void *items, int32_t count, size_t item_size,
                                 size_t ns_offset, int64_t t_ns) {
    int32_t lo = 0, hi = count;
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        int64_t mid_ns;
        memcpy(&mid_ns, (const char *)items + (size_t)mid * item_size + ns_offset, sizeof mid_ns);
        if (mid_ns < t_ns) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

int32_t rec_first_msg_sent_at(const struct recording *r, int64_t t_ns) {
    return first_at_or_after(r->msgs, r->msgs_count, sizeof *r->msgs,
                             offsetof(struct rec_msg, send_ns), t_ns);
}

int32_t rec_first_op_invoked_at(const struct recording *r, int64_t t_ns) {
    return first_at_or_after(r->ops, r->ops_count, sizeof *r->ops, offsetof(struct rec_op, invoke_ns),
                             t_ns);
}

int32_t rec_node_last_reset(const struct recording *r, int32_t node, int32_t ev_count) {
    const struct ivec *st = &r->nodes[node].status;
    for (int32_t i = ivec_last_before(st, ev_count); i >= 0; i--) {
        uint8_t k = r->events[st->v[i]].kind;
        if (k == DSLAB_TRACE_CRASH || k == DSLAB_TRACE_RESTART) return st->v[i];
    }
    return -1;
}

/* The event index of the node's role report in force, -1 when none: a
 * report made before the node's last crash or restart is void. */
static int32_t role_report(const struct recording *r, int32_t node, int32_t ev_count) {
    int32_t i = ivec_last_before(&r->nodes[node].role, ev_count);
    if (i < 0) return -1;
    int32_t ev = r->nodes[node].role.v[i];
    return ev < rec_node_last_reset(r, node, ev_count) ? -1 : ev;
}

const char *rec_node_role(const struct recording *r, int32_t node, int32_t ev_count) {
    int32_t ev = role_report(r, node, ev_count);
    return ev < 0 ? "" : rec_str(r, r->events[ev].text_off);
}

enum dslab_role_class rec_node_role_class(const struct recording *r, int32_t node, int32_t ev_count) {
    int32_t ev = role_report(r, node, ev_count);
    return ev < 0 ? DSLAB_ROLE_NONE : (enum dslab_role_class)r->events[ev].role;
}

int64_t rec_node_term(const struct recording *r, int32_t node, int32_t ev_count) {
    int32_t i = ivec_last_before(&r->nodes[node].term, ev_count);
    if (i >= 0) {
        return r->events[r->nodes[node].term.v[i]].a;
    }
    i = ivec_last_before(&r->nodes[node].role, ev_count);
    return i < 0 ? -1 : r->events[r->nodes[node].role.v[i]].a;
}

enum dslab_node_status rec_node_status(const struct recording *r, int32_t node, int32_t ev_count,
                                 int64_t *since_ns, bool *restarted) {
    const struct ivec *st = &r->nodes[node].status;
    int32_t i = ivec_last_before(st, ev_count);
    *since_ns = 0;
    *restarted = false;
    if (i < 0) {
        return DSLAB_NODE_UP;
    }
    const struct rec_event *e = &r->events[st->v[i]];
    *since_ns = e->t_ns;
    switch (e->kind) {
    case DSLAB_TRACE_CRASH: return DSLAB_NODE_CRASHED;
    case DSLAB_TRACE_PAUSE: return DSLAB_NODE_PAUSED;
    case DSLAB_TRACE_RESTART: *restarted = true; return DSLAB_NODE_UP;
    default: return DSLAB_NODE_UP;
    }
}

static const char *name_of(const char (*names)[DSLAB_NAME_MAX], int32_t count, int32_t n) {
    return n >= 0 && n < count ? names[n] : "*";
}

void rec_event_describe(const struct recording *r, const char (*names)[DSLAB_NAME_MAX],
                        int32_t i, char *buf, size_t size) {
    const struct rec_event *e = &r->events[i];
    const char *node = name_of(names, r->nodes_count, e->node);
    const char *peer = name_of(names, r->nodes_count, e->peer);
    const char *text = rec_str(r, e->text_off), *tag = rec_str(r, e->tag_off);
    char d[32];
    switch ((enum dslab_trace_kind)e->kind) {
    case DSLAB_TRACE_SEND:
        snprintf(buf, size, "%s sends %s to %s%s", node, *text ? text : "a message", peer,
                 e->a < 0 ? " (lost)" : "");
        break;
    case DSLAB_TRACE_DELIVER: snprintf(buf, size, "%s receives %s from %s", node, text, peer); break;
    case DSLAB_TRACE_DROP: snprintf(buf, size, "%s -> %s dropped (%s)", node, peer, tag); break;
    case DSLAB_TRACE_DUPLICATE: snprintf(buf, size, "%s -> %s duplicated", node, peer); break;
    case DSLAB_TRACE_TIMER: snprintf(buf, size, "%s timer fires", node); break;
    case DSLAB_TRACE_CRASH: snprintf(buf, size, "%s crashes", node); break;
    case DSLAB_TRACE_RESTART: snprintf(buf, size, "%s restarts", node); break;
    case DSLAB_TRACE_PAUSE:
        dslab_time_format_duration(e->a, d, sizeof d);
        snprintf(buf, size, "%s paused for %s", node, d);
        break;
    case DSLAB_TRACE_RESUME: snprintf(buf, size, "%s resumes", node); break;
    case DSLAB_TRACE_NO_EFFECT: snprintf(buf, size, "no effect: %s", text); break;
    case DSLAB_TRACE_COST: /* costs: models (sim/costs.c) */
        dslab_time_format_duration(e->a, d, sizeof d);
        if (strcmp(tag, "sync") == 0) snprintf(buf, size, "%s disk sync takes %s", node, d);
        else if (strcmp(tag, "timer_late") == 0) snprintf(buf, size, "%s timer %s late", node, d);
        else if (strcmp(tag, "gc") == 0) snprintf(buf, size, "%s GC-like pause of %s", node, d);
        else if (strcmp(tag, "wire") == 0) snprintf(buf, size, "%s -> %s on the wire for %s", node, peer, d);
        else if (strcmp(tag, "cpu") == 0) snprintf(buf, size, "%s CPU serves for %s (%s)", node, d, text);
        else if (strcmp(tag, "cpu_queued") == 0) snprintf(buf, size, "%s CPU busy: queued (%s)", node, text);
        else if (strcmp(tag, "cpu_shed") == 0) snprintf(buf, size, "%s CPU queue full: shed (%s)", node, text);
        else snprintf(buf, size, "%s cost %s %s", node, tag, d);
        break;
    case DSLAB_TRACE_PARTITION: snprintf(buf, size, "partition %s", text); break;
    case DSLAB_TRACE_HEAL:
        if (e->node < 0) snprintf(buf, size, "network healed");
        else snprintf(buf, size, "heal %s - %s", node, peer);
        break;
    case DSLAB_TRACE_CUT:
        snprintf(buf, size, "cut %s %s %s", node, e->a ? "<->" : "->", peer);
        break;
    case DSLAB_TRACE_LINK: snprintf(buf, size, "link %s -> %s: %s", node, peer, text); break;
    case DSLAB_TRACE_SLOW:
        snprintf(buf, size, "%s%s slowed x%lld", node, text && text[0] ? " disk" : "",
                 (long long)e->a);
        break;
    case DSLAB_TRACE_DEPLOY:
        snprintf(buf, size, "%s runs version %lld (was %lld)", node, (long long)e->a, (long long)e->b);
        break;
    case DSLAB_TRACE_SET: snprintf(buf, size, "operator sets protocol.%s = %s", tag, text); break;
    case DSLAB_TRACE_SHED:
        snprintf(buf, size, "operator: %s sheds %lld.%02lld%% of arrivals", node, (long long)(e->a / 10000),
                 (long long)(e->a % 10000 / 100));
        break;
    case DSLAB_TRACE_CLOCK_JUMP:
        fmt_offset(e->a, d, sizeof d);
        snprintf(buf, size, "%s clock jumps %s", node, d);
        break;
    case DSLAB_TRACE_CLOCK_DRIFT:
        snprintf(buf, size, "%s clock drift %+lldppm", node, (long long)e->a);
        break;
    case DSLAB_TRACE_ANNOTATE: snprintf(buf, size, "%s %s: %s", node, tag, text); break;
    case DSLAB_TRACE_CLIENT: {
        const struct rec_op *o = e->ref >= 0 ? &r->ops[e->ref] : NULL;
        snprintf(buf, size, "client %d %s %s", o ? o->client : -1,
                 o ? dslab_op_fn_name((enum dslab_op_fn)o->fn) : "?",
                 o && o->invoke_ev == i ? "invoke" : o ? dslab_op_type_name((enum dslab_op_type)o->result) : "");
        break;
    }
    case DSLAB_TRACE_ASSUMPTION: snprintf(buf, size, "assumption %s broken: %s", tag, text); break;
    case DSLAB_TRACE_NARRATION: snprintf(buf, size, "narration: %s", text); break;
    default: snprintf(buf, size, "%s", dslab_trace_kind_name((enum dslab_trace_kind)e->kind)); break;
    }
}
