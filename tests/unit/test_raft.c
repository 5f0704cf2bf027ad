/* test_raft.c: unit tests of Raft's message handlers.
 *
 * The protocol is driven through its vtable against a fake node context
 * defined here (the ctx_* functions of node.h): it records sends, timers,
 * replies, annotations and every store put/sync in one ordered journal, so
 * a test can assert "the vote was synced before the answer left". Nothing
 * here links the simulator's own context (sim/node_ctx.c); cluster-level
 * behaviour through real scenarios is in test_raft_sim.c. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/node.h"
#include "dslab/rng.h"
#include "dslab/time.h"
#include "protocols/raft_internal.h"
#include "harness.h"

extern const struct dslab_protocol protocol_raft;

/* --- the fake context ------------------------------------------------------- */

enum journal_kind { J_PUT, J_SYNC, J_SEND, J_REPLY };

#define FAKE_MAX 256

struct fake_store_entry {
    char key[64];
    unsigned char value[64];
    size_t len;
    unsigned char synced[64];
    size_t synced_len;
    int present, synced_present;
};

struct fake_send {
    int32_t to;
    size_t len;
    uint64_t wire_bytes; /* dslab_ctx_send_sized; 0 for dslab_ctx_send */
    unsigned char bytes[DSLAB_MSG_PAYLOAD_MAX];
    int journal_at;
};

struct dslab_node_ctx {
    int32_t self;
    int32_t nodes_count;
    struct raft_config cfg;
    int64_t mono_ns;
    struct dslab_rng rng;
    int journal_count;
    enum journal_kind journal[4 * FAKE_MAX];
    int sends_count;
    struct fake_send sends[FAKE_MAX];
    int timers_count;
    struct { uint64_t id; int64_t delay_ns; uint64_t tag; int cancelled; } timers[FAKE_MAX];
    int replies_count;
    struct { uint64_t request_id; enum dslab_reply_status status; int64_t value; } replies[FAKE_MAX];
    int notes_count;
    struct { char tag[16]; int64_t value; char text[64]; enum dslab_role_class role; } notes[FAKE_MAX];
    int store_count;
    struct fake_store_entry store[FAKE_MAX];
};

static void journal(struct dslab_node_ctx *c, enum journal_kind k) {
    assert_true(c->journal_count < 4 * FAKE_MAX);
    c->journal[c->journal_count++] = k;
}

int32_t dslab_ctx_self(const struct dslab_node_ctx *ctx) { return ctx->self; }
int32_t dslab_ctx_nodes_count(const struct dslab_node_ctx *ctx) { return ctx->nodes_count; }
const void *dslab_ctx_config(const struct dslab_node_ctx *ctx) { return &ctx->cfg; }
const char *dslab_ctx_node_name(const struct dslab_node_ctx *ctx, int32_t node) {
    static const char *const names[] = {"n1", "n2", "n3", "n4", "n5"};
    (void)ctx;
    return node >= 0 && node < 5 ? names[node] : "n?";
}
int64_t dslab_ctx_wall_ns(const struct dslab_node_ctx *ctx) { return ctx->mono_ns; }
int64_t dslab_ctx_mono_ns(const struct dslab_node_ctx *ctx) { return ctx->mono_ns; }
struct dslab_rng *dslab_ctx_rng(struct dslab_node_ctx *ctx) { return &ctx->rng; }

void dslab_ctx_send(struct dslab_node_ctx *ctx, int32_t to, const void *msg, size_t len) {
    assert_true(len <= DSLAB_MSG_PAYLOAD_MAX);
    assert_true(ctx->sends_count < FAKE_MAX);
    struct fake_send *s = &ctx->sends[ctx->sends_count++];
    s->to = to;
    s->len = len;
    s->wire_bytes = 0;
    memcpy(s->bytes, msg, len);
    s->journal_at = ctx->journal_count;
    journal(ctx, J_SEND);
}

/* Raft declares a snapshot's size on the wire; the fake records it. */
void dslab_ctx_send_sized(struct dslab_node_ctx *ctx, int32_t to, const void *msg, size_t len,
                          uint64_t wire_bytes) {
    dslab_ctx_send(ctx, to, msg, len);
    ctx->sends[ctx->sends_count - 1].wire_bytes = wire_bytes;
}

uint64_t dslab_ctx_set_timer(struct dslab_node_ctx *ctx, int64_t delay_ns, uint64_t tag) {
    assert_true(ctx->timers_count < FAKE_MAX);
    int i = ctx->timers_count++;
    ctx->timers[i].id = (uint64_t)i; /* 0 is a valid id, as in the simulator */
    ctx->timers[i].delay_ns = delay_ns;
    ctx->timers[i].tag = tag;
    ctx->timers[i].cancelled = 0;
    return (uint64_t)i;
}

void dslab_ctx_cancel_timer(struct dslab_node_ctx *ctx, uint64_t timer_id) {
    if (timer_id < (uint64_t)ctx->timers_count) {
        ctx->timers[timer_id].cancelled = 1;
    }
}

void dslab_ctx_reply(struct dslab_node_ctx *ctx, uint64_t request_id, enum dslab_reply_status status, int64_t value) {
    assert_true(ctx->replies_count < FAKE_MAX);
    ctx->replies[ctx->replies_count].request_id = request_id;
    ctx->replies[ctx->replies_count].status = status;
    ctx->replies[ctx->replies_count].value = value;
    ctx->replies_count++;
    journal(ctx, J_REPLY);
}

static struct fake_store_entry *store_find(struct dslab_node_ctx *ctx, const char *key) {
    for (int i = 0; i < ctx->store_count; i++) {
        if (strcmp(ctx->store[i].key, key) == 0) return &ctx->store[i];
    }
    return NULL;
}

int dslab_ctx_store_put(struct dslab_node_ctx *ctx, const char *key, const void *value, size_t len) {
    assert_true(len <= 64);
    struct fake_store_entry *e = store_find(ctx, key);
    if (!e) {
        assert_true(ctx->store_count < FAKE_MAX);
        e = &ctx->store[ctx->store_count++];
        snprintf(e->key, sizeof e->key, "%s", key);
    }
    memcpy(e->value, value, len);
    e->len = len;
    e->present = 1;
    journal(ctx, J_PUT);
    return 0;
}

long dslab_ctx_store_get(struct dslab_node_ctx *ctx, const char *key, const void **value_out) {
    struct fake_store_entry *e = store_find(ctx, key);
    if (!e || !e->present) return -1;
    *value_out = e->value;
    return (long)e->len;
}

void dslab_ctx_store_sync(struct dslab_node_ctx *ctx) {
    for (int i = 0; i < ctx->store_count; i++) {
        struct fake_store_entry *e = &ctx->store[i];
        memcpy(e->synced, e->value, e->len);
        e->synced_len = e->len;
        e->synced_present = e->present;
    }
    journal(ctx, J_SYNC);
}

/* Every annotation, free or typed, as (tag, value, text) - what the trace
 * shows - plus the role class of role reports. */
static void note(struct dslab_node_ctx *ctx, const char *tag, int64_t value, enum dslab_role_class role,
                 const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
static void note(struct dslab_node_ctx *ctx, const char *tag, int64_t value, enum dslab_role_class role,
                 const char *fmt, va_list ap) {
    assert_true(ctx->notes_count < FAKE_MAX);
    int i = ctx->notes_count++;
    snprintf(ctx->notes[i].tag, sizeof ctx->notes[i].tag, "%s", tag);
    ctx->notes[i].value = value;
    ctx->notes[i].role = role;
    vsnprintf(ctx->notes[i].text, sizeof ctx->notes[i].text, fmt, ap);
}

void dslab_ctx_annotate(struct dslab_node_ctx *ctx, const char *tag, int64_t value, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    note(ctx, tag, value, DSLAB_ROLE_NONE, fmt, ap);
    va_end(ap);
}

void dslab_ctx_report_role(struct dslab_node_ctx *ctx, enum dslab_role_class role, int64_t term, const char *fmt,
                     ...) {
    va_list ap;
    va_start(ap, fmt);
    note(ctx, "role", term, role, fmt, ap);
    va_end(ap);
}

void dslab_ctx_report_final_state(struct dslab_node_ctx *ctx, int64_t keys_count, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    note(ctx, "final-state", keys_count, DSLAB_ROLE_NONE, fmt, ap);
    va_end(ap);
}

void dslab_ctx_report_term(struct dslab_node_ctx *ctx, int64_t term, const char *word) {
    dslab_ctx_annotate(ctx, word, term, "%s %lld", word, (long long)term);
}

void dslab_ctx_report_final_value(struct dslab_node_ctx *ctx, int64_t key, int64_t value) {
    dslab_ctx_annotate(ctx, "final", value, "key=%lld value=%lld", (long long)key, (long long)value);
}

/* --- harness -------------------------------------------------------------------- */

struct node {
    struct dslab_node_ctx ctx;
    struct raft_state *s;
};

static struct node *node_new(int32_t self, int32_t nodes_count) {
    struct node *n = calloc(1, sizeof *n);
    assert_non_null(n);
    n->s = calloc(1, protocol_raft.state_size);
    assert_non_null(n->s);
    n->ctx.self = self;
    n->ctx.nodes_count = nodes_count;
    n->ctx.cfg.election_timeout_ns_min = 150 * DSLAB_NS_PER_MS;
    n->ctx.cfg.election_timeout_ns_max = 300 * DSLAB_NS_PER_MS;
    n->ctx.cfg.heartbeat_ns = 50 * DSLAB_NS_PER_MS;
    n->ctx.cfg.lease_ns = 135 * DSLAB_NS_PER_MS;
    n->ctx.cfg.read_mode = RAFT_READ_INDEX;
    n->ctx.cfg.entries_per_append_max = 16;
    /* the grown parts of every node's state, as raft's configure makes them */
    n->ctx.cfg.mems = calloc((size_t)nodes_count, sizeof *n->ctx.cfg.mems);
    assert_non_null(n->ctx.cfg.mems);
    n->ctx.cfg.mems_count = nodes_count;
    for (int32_t i = 0; i < nodes_count; i++) kv_map_table_init(&n->ctx.cfg.mems[i].kv, RAFT_KV_SLOTS);
    dslab_rng_init(&n->ctx.rng, 1, DSLAB_RNG_PURPOSE_NODE, "test");
    return n;
}

static void node_free(struct node *n) {
    raft_mems_free(n->ctx.cfg.mems, n->ctx.cfg.mems_count);
    free(n->s);
    free(n);
}

static void boot(struct node *n) {
    memset(n->s, 0, protocol_raft.state_size);
    protocol_raft.init(&n->ctx, n->s);
}

/* Simulates a crash and restart: volatile state zeroed, unsynced writes
 * optionally lost, then on_restart. */
static void crash_restart(struct node *n, int lose_unsynced) {
    if (lose_unsynced) {
        for (int i = 0; i < n->ctx.store_count; i++) {
            struct fake_store_entry *e = &n->ctx.store[i];
            memcpy(e->value, e->synced, e->synced_len);
            e->len = e->synced_len;
            e->present = e->synced_present;
        }
    }
    memset(n->s, 0, protocol_raft.state_size);
    protocol_raft.on_restart(&n->ctx, n->s);
}

/* Fires the last armed timer with `tag`. */
static void fire(struct node *n, uint64_t tag) {
    for (int i = n->ctx.timers_count - 1; i >= 0; i--) {
        if (n->ctx.timers[i].tag == tag && !n->ctx.timers[i].cancelled) {
            n->ctx.timers[i].cancelled = 1;
            protocol_raft.on_timer(&n->ctx, n->s, n->ctx.timers[i].id, tag);
            return;
        }
    }
    fail_msg("no armed timer with tag %llu", (unsigned long long)tag);
}

static void deliver(struct node *n, int32_t from, const void *msg, size_t len) {
    protocol_raft.on_message(&n->ctx, n->s, from, msg, len);
}

static struct raft_vote_msg vote_req(int64_t term, int64_t last_index, int64_t last_term,
                                     int pre_vote) {
    struct raft_vote_msg m;
    memset(&m, 0, sizeof m);
    m.type = RAFT_MSG_VOTE;
    m.pre_vote = (uint8_t)pre_vote;
    m.term = pre_vote ? term - 1 : term;
    m.vote_term = term;
    m.last_index = last_index;
    m.last_term = last_term;
    return m;
}

static struct raft_vote_msg vote_resp(int64_t term, int granted, int pre_vote) {
    struct raft_vote_msg m;
    memset(&m, 0, sizeof m);
    m.type = RAFT_MSG_VOTE_RESP;
    m.pre_vote = (uint8_t)pre_vote;
    m.granted = (uint8_t)granted;
    m.term = term;
    m.vote_term = term;
    return m;
}

/* An AppendEntries with `count` writes of key k = value 100 + index. */
static size_t append_msg(struct raft_append_msg *m, int64_t term, int64_t prev, int64_t prev_term,
                         int64_t commit, int32_t count, int64_t entry_term) {
    memset(m, 0, sizeof *m);
    m->head.type = RAFT_MSG_APPEND;
    m->head.term = term;
    m->head.prev_index = prev;
    m->head.prev_term = prev_term;
    m->head.commit = commit;
    m->head.count = count;
    m->head.seq = 1;
    for (int32_t i = 0; i < count; i++) {
        m->entries[i].term = entry_term;
        m->entries[i].cmd = KV_CMD_WRITE;
        m->entries[i].key = 7;
        m->entries[i].value = 100 + prev + 1 + i;
    }
    return sizeof m->head + (size_t)count * sizeof(struct raft_entry);
}

/* Delivers append_msg(term, prev, prev_term, commit, count, entry_term)
 * from `from` to n. */
static void deliver_append(struct node *n, int32_t from, int64_t term, int64_t prev,
                           int64_t prev_term, int64_t commit, int32_t count, int64_t entry_term) {
    struct raft_append_msg a;
    size_t len = append_msg(&a, term, prev, prev_term, commit, count, entry_term);
    deliver(n, from, &a, len);
}

static const struct fake_send *last_send(const struct node *n) {
    assert_true(n->ctx.sends_count > 0);
    return &n->ctx.sends[n->ctx.sends_count - 1];
}

static struct raft_vote_msg sent_vote(const struct fake_send *s) {
    struct raft_vote_msg m;
    assert_int_equal(s->len, sizeof m);
    memcpy(&m, s->bytes, sizeof m);
    return m;
}

static struct raft_append_resp_msg sent_append_resp(const struct fake_send *s) {
    struct raft_append_resp_msg m;
    assert_int_equal(s->len, sizeof m);
    memcpy(&m, s->bytes, sizeof m);
    return m;
}

/* True when a sync happened after the last put before journal position `at`. */
static int synced_before(const struct node *n, int at) {
    int last_put = -1, last_sync = -1;
    for (int i = 0; i < at; i++) {
        if (n->ctx.journal[i] == J_PUT) last_put = i;
        if (n->ctx.journal[i] == J_SYNC) last_sync = i;
    }
    return last_sync > last_put;
}

static int has_note(const struct node *n, const char *tag, const char *text, int64_t value) {
    for (int i = 0; i < n->ctx.notes_count; i++) {
        if (strcmp(n->ctx.notes[i].tag, tag) == 0 && (!text || strcmp(n->ctx.notes[i].text, text) == 0) &&
            n->ctx.notes[i].value == value) {
            return 1;
        }
    }
    return 0;
}

/* Makes node 0 of 3 the leader of term 1 (its no-op is log index 1). */
static struct node *make_leader(void) {
    struct node *n = node_new(0, 3);
    boot(n);
    fire(n, RAFT_TIMER_ELECTION);
    struct raft_vote_msg r = vote_resp(1, 1, 0);
    deliver(n, 1, &r, sizeof r);
    assert_int_equal(n->s->role, RAFT_LEADER);
    return n;
}

static void ack(struct node *n, int32_t from, int64_t term, int success, int64_t match,
                uint64_t seq, int64_t sent_mono_ns) {
    struct raft_append_resp_msg r;
    memset(&r, 0, sizeof r);
    r.type = RAFT_MSG_APPEND_RESP;
    r.term = term;
    r.success = (uint8_t)success;
    r.match_index = match;
    r.seq = seq;
    r.sent_mono_ns = sent_mono_ns;
    deliver(n, from, &r, sizeof r);
}

static void request(struct node *n, uint64_t id, enum dslab_op_fn fn, int64_t key, int64_t value,
                    int64_t expected) {
    struct dslab_client_request req = {.request_id = id, .client = 0, .fn = fn, .key = key,
                                 .value = value, .expected = expected};
    protocol_raft.on_request(&n->ctx, n->s, &req);
}

/* A request of client `client`, operation `serial` (as retries carry it). */
static void session_request(struct node *n, uint64_t id, int32_t client, uint64_t serial,
                            enum dslab_op_fn fn, int64_t key, int64_t value, int64_t expected) {
    struct dslab_client_request req = {.request_id = id, .client = client, .serial = serial, .fn = fn,
                                 .key = key, .value = value, .expected = expected};
    protocol_raft.on_request(&n->ctx, n->s, &req);
}

static int reply_index(const struct node *n, uint64_t request_id) {
    for (int i = 0; i < n->ctx.replies_count; i++) {
        if (n->ctx.replies[i].request_id == request_id) return i;
    }
    return -1;
}

/* Makes node 0 of 3 leader of term 2 whose log holds one client write of
 * term 1 at index 1 (from an earlier leader, never committed) and its own
 * no-op at index 2. */
static struct node *make_leader_with_old_entry(enum raft_commit_rule rule) {
    struct node *n = node_new(0, 3);
    n->ctx.cfg.commit_rule = rule;
    boot(n);
    deliver_append(n, 1, 1, 0, 0, 0, 1, 1);
    assert_int_equal(n->s->log_len, 1);
    fire(n, RAFT_TIMER_ELECTION);
    struct raft_vote_msg r = vote_resp(2, 1, 0);
    deliver(n, 2, &r, sizeof r);
    assert_int_equal(n->s->role, RAFT_LEADER);
    assert_int_equal(n->s->current_term, 2);
    assert_int_equal(n->s->log_len, 2);
    assert_int_equal(raft_entries(n->s)[0].term, 1);
    return n;
}

/* --- tests ------------------------------------------------------------------------- */

static void test_election_timeout_makes_a_candidate_that_persists_first(void **state) {
    (void)state;
    struct node *n = node_new(0, 3);
    boot(n);
    assert_int_equal(n->s->role, RAFT_FOLLOWER);
    assert_true(n->ctx.timers[0].delay_ns >= 150 * DSLAB_NS_PER_MS &&
                n->ctx.timers[0].delay_ns <= 300 * DSLAB_NS_PER_MS);
    fire(n, RAFT_TIMER_ELECTION);
    assert_int_equal(n->s->role, RAFT_CANDIDATE);
    assert_int_equal(n->s->current_term, 1);
    assert_int_equal(n->s->voted_for, 0);
    assert_int_equal(n->ctx.sends_count, 2);
    for (int i = 0; i < 2; i++) {
        struct raft_vote_msg m = sent_vote(&n->ctx.sends[i]);
        assert_int_equal(m.type, RAFT_MSG_VOTE);
        assert_int_equal(m.vote_term, 1);
        assert_false(m.pre_vote);
        assert_true(synced_before(n, n->ctx.sends[i].journal_at));
    }
    assert_true(has_note(n, "role", "candidate", 1));
    assert_true(has_note(n, "term", NULL, 1));
    node_free(n);
}

static void test_vote_is_granted_and_synced_before_the_reply(void **state) {
    (void)state;
    struct node *n = node_new(1, 3);
    boot(n);
    struct raft_vote_msg m = vote_req(3, 0, 0, 0);
    deliver(n, 0, &m, sizeof m);
    struct raft_vote_msg r = sent_vote(last_send(n));
    assert_int_equal(r.type, RAFT_MSG_VOTE_RESP);
    assert_true(r.granted);
    assert_int_equal(r.term, 3);
    assert_int_equal(n->s->voted_for, 0);
    assert_true(synced_before(n, last_send(n)->journal_at));
    assert_true(has_note(n, "vote", NULL, 3));
    /* The vote survives a crash that loses unsynced writes. */
    crash_restart(n, 1);
    assert_int_equal(n->s->current_term, 3);
    assert_int_equal(n->s->voted_for, 0);
    m = vote_req(3, 0, 0, 0);
    deliver(n, 2, &m, sizeof m);
    assert_false(sent_vote(last_send(n)).granted);
    node_free(n);
}

static void test_vote_denied_to_a_stale_log_or_a_second_candidate(void **state) {
    (void)state;
    struct node *n = node_new(1, 3);
    boot(n);
    deliver_append(n, 0, 2, 0, 0, 0, 3, 2); /* log: 3 entries of term 2 */
    assert_int_equal(n->s->log_len, 3);
    struct raft_vote_msg m = vote_req(3, 5, 1, 0); /* longer but older log */
    deliver(n, 2, &m, sizeof m);
    assert_false(sent_vote(last_send(n)).granted);
    assert_int_equal(n->s->current_term, 3); /* the higher term is still adopted */
    m = vote_req(3, 3, 2, 0);
    deliver(n, 0, &m, sizeof m);
    assert_true(sent_vote(last_send(n)).granted);
    m = vote_req(3, 9, 3, 0);
    deliver(n, 2, &m, sizeof m); /* already voted for n1 in term 3 */
    assert_false(sent_vote(last_send(n)).granted);
    node_free(n);
}

static void test_majority_of_votes_makes_a_leader_with_a_noop(void **state) {
    (void)state;
    struct node *n = make_leader();
    assert_true(has_note(n, "role", "leader", 1));
    assert_int_equal(n->s->log_len, 1);
    assert_int_equal(raft_entries(n->s)[0].cmd, KV_CMD_NOOP);
    assert_int_equal(raft_entries(n->s)[0].term, 1);
    struct raft_append_head h;
    memcpy(&h, last_send(n)->bytes, sizeof h);
    assert_int_equal(h.type, RAFT_MSG_APPEND);
    assert_int_equal(h.count, 1);
    assert_int_equal(h.term, 1);
    char label[128];
    protocol_raft.message_label(last_send(n)->bytes, last_send(n)->len, label, sizeof label);
    assert_string_equal(label, "AppendEntries t1 [1..1] c0");
    protocol_raft.describe(n->s, label, sizeof label);
    assert_string_equal(label, "leader t1 commit=0 log=1");
    node_free(n);
}

static void test_higher_term_steps_a_leader_down(void **state) {
    (void)state;
    struct node *n = make_leader();
    ack(n, 1, 4, 0, 0, 0, 0);
    assert_int_equal(n->s->role, RAFT_FOLLOWER);
    assert_int_equal(n->s->current_term, 4);
    assert_true(has_note(n, "role", "follower", 4));
    node_free(n);

    n = make_leader();
    deliver_append(n, 2, 2, 0, 0, 0, 0, 0);
    assert_int_equal(n->s->role, RAFT_FOLLOWER);
    assert_int_equal(n->s->leader_id, 2);
    node_free(n);
}

static void test_follower_appends_syncs_and_acks(void **state) {
    (void)state;
    struct node *n = node_new(1, 3);
    boot(n);
    deliver_append(n, 0, 1, 0, 0, 2, 3, 1);
    struct raft_append_resp_msg r = sent_append_resp(last_send(n));
    assert_true(r.success);
    assert_int_equal(r.match_index, 3);
    assert_true(synced_before(n, last_send(n)->journal_at));
    assert_int_equal(n->s->commit_index, 2);
    assert_int_equal(n->s->leader_id, 0);
    assert_true(has_note(n, "commit", NULL, 2));
    /* Restart loses volatile state but the log is durable. */
    crash_restart(n, 1);
    assert_int_equal(n->s->log_len, 3);
    assert_int_equal(n->s->current_term, 1);
    assert_int_equal(n->s->commit_index, 0);
    node_free(n);
}

static void test_follower_rejects_a_gap_and_truncates_a_conflict(void **state) {
    (void)state;
    struct node *n = node_new(1, 3);
    boot(n);
    deliver_append(n, 0, 1, 0, 0, 0, 4, 1); /* entries 1..4 of term 1 */
    deliver_append(n, 2, 2, 6, 2, 0, 1, 2); /* prev 6 does not exist */
    struct raft_append_resp_msg r = sent_append_resp(last_send(n));
    assert_false(r.success);
    assert_int_equal(r.match_index, 4);
    deliver_append(n, 2, 2, 2, 1, 0, 1, 2); /* index 3 becomes term 2 */
    r = sent_append_resp(last_send(n));
    assert_true(r.success);
    assert_int_equal(r.match_index, 3);
    assert_int_equal(n->s->log_len, 3);
    assert_int_equal(raft_entries(n->s)[2].term, 2);
    crash_restart(n, 1);
    assert_int_equal(n->s->log_len, 3); /* the truncation was durable too */
    node_free(n);
}

static void test_stale_term_append_is_rejected(void **state) {
    (void)state;
    struct node *n = node_new(1, 3);
    boot(n);
    struct raft_vote_msg m = vote_req(5, 0, 0, 0);
    deliver(n, 2, &m, sizeof m);
    deliver_append(n, 0, 4, 0, 0, 0, 1, 4);
    struct raft_append_resp_msg r = sent_append_resp(last_send(n));
    assert_false(r.success);
    assert_int_equal(r.term, 5);
    assert_int_equal(n->s->log_len, 0);
    node_free(n);
}

static void test_write_commits_on_majority_and_replies(void **state) {
    (void)state;
    struct node *n = make_leader();
    request(n, 42, DSLAB_OP_WRITE, 7, 70, 0);
    assert_int_equal(n->s->log_len, 2);
    assert_int_equal(n->ctx.replies_count, 0);
    ack(n, 1, 1, 1, 2, n->s->heartbeat_seq, 0);
    assert_int_equal(n->s->commit_index, 2);
    assert_int_equal(n->ctx.replies_count, 1);
    assert_int_equal(n->ctx.replies[0].request_id, 42);
    assert_int_equal(n->ctx.replies[0].status, DSLAB_REPLY_OK);
    /* cas against the wrong value fails, the right one succeeds */
    request(n, 43, DSLAB_OP_CAS, 7, 71, 5);
    request(n, 44, DSLAB_OP_CAS, 7, 72, 70);
    ack(n, 2, 1, 1, 4, n->s->heartbeat_seq, 0);
    assert_int_equal(n->ctx.replies_count, 3);
    assert_int_equal(n->ctx.replies[1].status, DSLAB_REPLY_FAIL);
    assert_int_equal(n->ctx.replies[2].status, DSLAB_REPLY_OK);
    assert_int_equal(raft_kv_get(n->s, 7), 72);
    assert_int_equal(raft_kv_get(n->s, 8), DSLAB_HISTORY_NIL);
    node_free(n);
}

static void test_follower_redirects_to_the_leader_it_knows(void **state) {
    (void)state;
    struct node *n = node_new(1, 3);
    boot(n);
    request(n, 1, DSLAB_OP_WRITE, 1, 1, 0);
    assert_int_equal(n->ctx.replies[0].status, DSLAB_REPLY_FAIL);
    deliver_append(n, 2, 1, 0, 0, 0, 0, 0);
    request(n, 2, DSLAB_OP_READ, 1, 0, 0);
    assert_int_equal(n->ctx.replies[1].status, DSLAB_REPLY_REDIRECT);
    assert_int_equal(n->ctx.replies[1].value, 2);
    node_free(n);
}

static void test_read_index_waits_for_a_majority_round(void **state) {
    (void)state;
    struct node *n = make_leader();
    ack(n, 1, 1, 1, 1, n->s->heartbeat_seq, 0); /* no-op committed */
    assert_int_equal(n->s->commit_index, 1);
    request(n, 9, DSLAB_OP_READ, 7, 0, 0);
    assert_int_equal(n->ctx.replies_count, 0);
    uint64_t round = n->s->heartbeat_seq;
    ack(n, 1, 1, 1, 1, round - 1, 0); /* an ack of an older round is not enough */
    assert_int_equal(n->ctx.replies_count, 0);
    ack(n, 2, 1, 1, 1, round, 0);
    assert_int_equal(n->ctx.replies_count, 1);
    assert_int_equal(n->ctx.replies[0].status, DSLAB_REPLY_OK);
    assert_int_equal(n->ctx.replies[0].value, DSLAB_HISTORY_NIL);
    node_free(n);
}

static void test_read_index_fails_when_leadership_is_lost(void **state) {
    (void)state;
    struct node *n = make_leader();
    request(n, 9, DSLAB_OP_READ, 7, 0, 0);
    ack(n, 2, 3, 0, 0, 0, 0);
    assert_int_equal(n->ctx.replies_count, 1);
    assert_int_equal(n->ctx.replies[0].status, DSLAB_REPLY_FAIL);
    node_free(n);
}

static void test_leader_local_read_answers_at_once(void **state) {
    (void)state;
    struct node *n = node_new(0, 3);
    n->ctx.cfg.read_mode = RAFT_READ_LEADER_LOCAL;
    boot(n);
    fire(n, RAFT_TIMER_ELECTION);
    struct raft_vote_msg r = vote_resp(1, 1, 0);
    deliver(n, 1, &r, sizeof r);
    request(n, 9, DSLAB_OP_READ, 7, 0, 0);
    assert_int_equal(n->ctx.replies_count, 1);
    assert_int_equal(n->ctx.replies[0].status, DSLAB_REPLY_OK);
    node_free(n);
}

static void test_lease_read_is_local_only_while_the_lease_holds(void **state) {
    (void)state;
    struct node *n = node_new(0, 3);
    n->ctx.cfg.read_mode = RAFT_READ_LEASE;
    boot(n);
    fire(n, RAFT_TIMER_ELECTION);
    struct raft_vote_msg r = vote_resp(1, 1, 0);
    deliver(n, 1, &r, sizeof r);
    n->ctx.mono_ns = 1000 * DSLAB_NS_PER_MS;
    ack(n, 1, 1, 1, 1, n->s->heartbeat_seq, 1000 * DSLAB_NS_PER_MS); /* commits the no-op */
    n->ctx.mono_ns = 1100 * DSLAB_NS_PER_MS;
    request(n, 1, DSLAB_OP_READ, 7, 0, 0);
    assert_int_equal(n->ctx.replies_count, 1); /* within 135ms of the acked send */
    n->ctx.mono_ns = 1136 * DSLAB_NS_PER_MS;
    request(n, 2, DSLAB_OP_READ, 7, 0, 0);
    assert_int_equal(n->ctx.replies_count, 1); /* lease over: a read-index round */
    ack(n, 2, 1, 1, 1, n->s->heartbeat_seq, 1136 * DSLAB_NS_PER_MS);
    assert_int_equal(n->ctx.replies_count, 2);
    node_free(n);
}

static void test_lease_mode_voters_ignore_votes_while_the_leader_is_heard(void **state) {
    (void)state;
    struct node *n = node_new(1, 3);
    n->ctx.cfg.read_mode = RAFT_READ_LEASE;
    boot(n);
    deliver_append(n, 0, 1, 0, 0, 0, 0, 0);
    n->ctx.mono_ns += 100 * DSLAB_NS_PER_MS;
    struct raft_vote_msg m = vote_req(2, 0, 0, 0);
    deliver(n, 2, &m, sizeof m);
    assert_false(sent_vote(last_send(n)).granted);
    assert_int_equal(n->s->current_term, 1);
    n->ctx.mono_ns += 60 * DSLAB_NS_PER_MS;
    deliver(n, 2, &m, sizeof m);
    assert_true(sent_vote(last_send(n)).granted);
    node_free(n);
}

static void test_pre_vote_keeps_an_isolated_node_term(void **state) {
    (void)state;
    struct node *n = node_new(2, 3);
    n->ctx.cfg.pre_vote = true;
    boot(n);
    for (int i = 0; i < 10; i++) {
        fire(n, RAFT_TIMER_ELECTION); /* nobody answers */
    }
    assert_int_equal(n->s->role, RAFT_PRE_CANDIDATE);
    assert_int_equal(n->s->current_term, 0);
    struct raft_vote_msg m = sent_vote(last_send(n));
    assert_true(m.pre_vote);
    assert_int_equal(m.vote_term, 1);
    /* A granted pre-vote starts the real election. */
    struct raft_vote_msg r = vote_resp(1, 1, 1);
    r.term = 0;
    deliver(n, 0, &r, sizeof r);
    assert_int_equal(n->s->role, RAFT_CANDIDATE);
    assert_int_equal(n->s->current_term, 1);
    node_free(n);
}

static void test_pre_vote_refused_while_a_leader_is_heard(void **state) {
    (void)state;
    struct node *n = node_new(1, 3);
    n->ctx.cfg.pre_vote = true;
    boot(n);
    deliver_append(n, 0, 1, 0, 0, 0, 0, 0);
    struct raft_vote_msg m = vote_req(2, 0, 0, 1);
    deliver(n, 2, &m, sizeof m);
    assert_false(sent_vote(last_send(n)).granted);
    assert_int_equal(n->s->current_term, 1); /* a pre-vote changes nothing */
    n->ctx.mono_ns += 200 * DSLAB_NS_PER_MS;
    deliver(n, 2, &m, sizeof m);
    assert_true(sent_vote(last_send(n)).granted);
    assert_int_equal(n->s->current_term, 1);
    assert_int_equal(n->s->voted_for, -1);
    node_free(n);
}

static void test_malformed_messages_are_ignored(void **state) {
    (void)state;
    struct node *n = node_new(1, 3);
    boot(n);
    unsigned char junk[64];
    memset(junk, 0xff, sizeof junk);
    junk[0] = RAFT_MSG_APPEND;
    deliver(n, 0, junk, sizeof junk);
    deliver(n, 0, junk, 0);
    junk[0] = RAFT_MSG_VOTE;
    deliver(n, 0, junk, 3);
    assert_int_equal(n->ctx.sends_count, 0);
    assert_int_equal(n->s->current_term, 0);
    node_free(n);
}

/* Figure 8: an entry of an earlier term stored on a majority is NOT
 * committed by counting replicas; it commits only with an entry of the
 * leader's own term after it (Figure 2, leader rule 4). */
static void test_old_term_entry_is_not_committed_by_counting(void **state) {
    (void)state;
    struct node *n = make_leader_with_old_entry(RAFT_COMMIT_PAPER);
    ack(n, 2, 2, 1, 1, n->s->heartbeat_seq, 0); /* index 1 (term 1) on 2 of 3 */
    assert_int_equal(n->s->match_index[2], 1);
    assert_int_equal(n->s->commit_index, 0);
    assert_false(has_note(n, "commit", NULL, 1));
    assert_int_equal(raft_kv_get(n->s, 7), DSLAB_HISTORY_NIL);
    ack(n, 2, 2, 1, 2, n->s->heartbeat_seq, 0); /* the term-2 no-op on 2 of 3 */
    assert_int_equal(n->s->commit_index, 2);
    assert_int_equal(raft_kv_get(n->s, 7), 101);
    node_free(n);

    /* The lesson knob: the naive rule commits the old entry at once. */
    n = make_leader_with_old_entry(RAFT_COMMIT_NAIVE);
    ack(n, 2, 2, 1, 1, n->s->heartbeat_seq, 0);
    assert_int_equal(n->s->commit_index, 1);
    node_free(n);
}

/* A delayed AppendEntries whose entries all match must not cut the log
 * back: only a conflicting entry (same index, other term) truncates. */
static void test_a_stale_append_does_not_truncate_matching_entries(void **state) {
    (void)state;
    struct node *n = node_new(1, 3);
    boot(n);
    deliver_append(n, 0, 1, 0, 0, 3, 4, 1); /* entries 1..4 of term 1, commit 3 */
    assert_int_equal(n->s->log_len, 4);
    deliver_append(n, 0, 1, 0, 0, 0, 2, 1); /* an older message: entries 1..2 */
    struct raft_append_resp_msg r = sent_append_resp(last_send(n));
    assert_true(r.success);
    assert_int_equal(r.match_index, 2);
    assert_int_equal(n->s->log_len, 4);
    assert_int_equal(n->s->commit_index, 3);
    node_free(n);
}

static void test_vote_denied_for_a_stale_term(void **state) {
    (void)state;
    struct node *n = node_new(1, 3);
    boot(n);
    deliver_append(n, 0, 5, 0, 0, 0, 0, 0); /* a leader of term 5, no vote cast */
    assert_int_equal(n->s->current_term, 5);
    assert_int_equal(n->s->voted_for, -1);
    n->ctx.mono_ns += 1000 * DSLAB_NS_PER_MS;
    struct raft_vote_msg m = vote_req(3, 9, 3, 0); /* a better log, an older term */
    deliver(n, 2, &m, sizeof m);
    struct raft_vote_msg r = sent_vote(last_send(n));
    assert_false(r.granted);
    assert_int_equal(r.term, 5);
    assert_int_equal(n->s->voted_for, -1);
    assert_int_equal(n->s->current_term, 5);
    node_free(n);
}

/* Thesis 6.4.1 with crashes: a voter that restarts may have acked the
 * heartbeat a lease rests on just before it crashed; in lease mode it
 * grants no vote until election_timeout_min has passed since the restart. */
static void test_lease_mode_restarted_voter_waits_before_voting(void **state) {
    (void)state;
    struct node *n = node_new(1, 3);
    n->ctx.cfg.read_mode = RAFT_READ_LEASE;
    boot(n);
    deliver_append(n, 0, 1, 0, 0, 0, 0, 0); /* heard the leader of term 1 */
    n->ctx.mono_ns += 5 * DSLAB_NS_PER_MS;
    crash_restart(n, 0);
    n->ctx.mono_ns += 10 * DSLAB_NS_PER_MS;
    struct raft_vote_msg m = vote_req(2, 0, 0, 0);
    deliver(n, 2, &m, sizeof m);
    assert_false(sent_vote(last_send(n)).granted);
    assert_int_equal(n->s->current_term, 1);
    struct raft_vote_msg p = vote_req(2, 0, 0, 1);
    deliver(n, 2, &p, sizeof p);
    assert_false(sent_vote(last_send(n)).granted); /* nor a pre-vote */
    n->ctx.mono_ns += 141 * DSLAB_NS_PER_MS; /* 151ms after the restart */
    deliver(n, 2, &m, sizeof m);
    assert_true(sent_vote(last_send(n)).granted);
    node_free(n);

    /* Outside lease mode nothing rests on the rule: a restarted node votes. */
    n = node_new(1, 3);
    boot(n);
    crash_restart(n, 0);
    m = vote_req(2, 0, 0, 0);
    deliver(n, 2, &m, sizeof m);
    assert_true(sent_vote(last_send(n)).granted);
    node_free(n);
}

/* A write whose entry this node drops may still commit elsewhere: the
 * client hears "unknown" (pointed at the leader), never "failed". */
static void test_truncated_write_is_unknown_not_failed(void **state) {
    (void)state;
    struct node *n = make_leader();
    request(n, 42, DSLAB_OP_WRITE, 7, 70, 0); /* index 2, term 1 */
    assert_int_equal(n->s->log_len, 2);
    deliver_append(n, 2, 2, 1, 1, 0, 1, 2); /* leader n3 of term 2: index 2 is term 2 */
    assert_int_equal(n->s->role, RAFT_FOLLOWER);
    assert_int_equal(raft_entries(n->s)[1].term, 2);
    int i = reply_index(n, 42);
    assert_true(i >= 0);
    assert_int_equal(n->ctx.replies[i].status, DSLAB_REPLY_UNKNOWN);
    assert_int_equal(n->ctx.replies[i].value, 2);
    node_free(n);
}

/* Thesis 6.3: a retried command (same client, same serial) is applied once
 * and answered with the cached result; another client's write between the
 * two copies stays the latest value. */
static void test_session_applies_a_retry_once(void **state) {
    (void)state;
    struct node *n = make_leader();
    n->ctx.cfg.client_sessions = true;
    session_request(n, 1, 0, 5, DSLAB_OP_WRITE, 7, 70, 0);  /* index 2 */
    session_request(n, 2, 1, 6, DSLAB_OP_WRITE, 7, 80, 0);  /* index 3: another client */
    session_request(n, 3, 0, 5, DSLAB_OP_WRITE, 7, 70, 0);  /* index 4: a retry of serial 5 */
    session_request(n, 4, 1, 6, DSLAB_OP_CAS, 7, 90, 80);   /* index 5: retry of a write as cas */
    ack(n, 1, 1, 1, 5, n->s->heartbeat_seq, 0);
    assert_int_equal(n->s->commit_index, 5);
    assert_int_equal(raft_kv_get(n->s, 7), 80);
    for (uint64_t id = 1; id <= 4; id++) {
        int i = reply_index(n, id);
        assert_true(i >= 0);
        assert_int_equal(n->ctx.replies[i].status, DSLAB_REPLY_OK);
    }
    /* A retry that arrives after the apply is answered from the cache. */
    int64_t len_before = n->s->log_len;
    session_request(n, 5, 0, 5, DSLAB_OP_WRITE, 7, 70, 0);
    assert_int_equal(n->s->log_len, len_before);
    assert_int_equal(n->ctx.replies[reply_index(n, 5)].status, DSLAB_REPLY_OK);
    /* An older serial than the latest is never applied; its outcome is unknown. */
    session_request(n, 6, 0, 4, DSLAB_OP_WRITE, 7, 60, 0);
    ack(n, 1, 1, 1, n->s->log_len, n->s->heartbeat_seq, 0);
    assert_int_equal(raft_kv_get(n->s, 7), 80);
    assert_int_equal(n->ctx.replies[reply_index(n, 6)].status, DSLAB_REPLY_UNKNOWN);
    /* The sessions are state machine state: rebuilt by re-applying the log. */
    crash_restart(n, 0);
    deliver_append(n, 1, 2, (int64_t)n->s->log_len, raft_entries(n->s)[n->s->log_len - 1].term,
                   n->s->log_len, 0, 0);
    assert_int_equal(raft_kv_get(n->s, 7), 80);
    assert_int_equal(raft_session_of(n->s, 0)->serial, 5);
    node_free(n);

    /* Without sessions the retry is a second write: the value goes back. */
    n = make_leader();
    n->ctx.cfg.client_sessions = false;
    session_request(n, 1, 0, 5, DSLAB_OP_WRITE, 7, 70, 0);
    session_request(n, 2, 1, 6, DSLAB_OP_WRITE, 7, 80, 0);
    session_request(n, 3, 0, 5, DSLAB_OP_WRITE, 7, 70, 0);
    ack(n, 1, 1, 1, 4, n->s->heartbeat_seq, 0);
    assert_int_equal(raft_kv_get(n->s, 7), 70);
    node_free(n);
}

static struct raft_snapshot_msg sent_snapshot(const struct fake_send *s) {
    struct raft_snapshot_msg m;
    assert_int_equal(s->len, sizeof m);
    memcpy(&m, s->bytes, sizeof m);
    return m;
}

static void snapshot_ack(struct node *n, int32_t from, const struct raft_snapshot_msg *chunk) {
    struct raft_snapshot_msg r = *chunk;
    r.type = RAFT_MSG_SNAPSHOT_RESP;
    deliver(n, from, &r, sizeof r);
}

/* A follower with an empty log after entries committed: probes, then the
 * snapshot in acknowledged chunks of the declared wire size (the last one
 * shorter), one in flight, a lost one sent again two rounds later, then
 * the entries from index 1. */
static void test_snapshot_goes_in_chunks_before_entries(void **state) {
    (void)state;
    struct node *n = make_leader();
    n->ctx.cfg.snapshot_bytes = 100000;
    n->ctx.cfg.snapshot_chunk_bytes = 40000;
    ack(n, 1, 1, 1, 1, n->s->heartbeat_seq, 0); /* node 1 matches: the no-op commits */
    assert_int_equal(n->s->commit_index, 1);
    fire(n, RAFT_TIMER_HEARTBEAT);
    struct raft_append_msg probe;
    const struct fake_send *to2 = last_send(n);
    assert_int_equal(to2->to, 2);
    assert_int_equal(to2->len, sizeof probe.head); /* no entries */
    memcpy(&probe.head, to2->bytes, sizeof probe.head);
    assert_int_equal(probe.head.prev_index, 0);
    int sends = n->ctx.sends_count;
    ack(n, 2, 1, 1, 0, n->s->heartbeat_seq, 0); /* node 2 is alive and empty */
    assert_int_equal(n->ctx.sends_count, sends + 1);
    struct raft_snapshot_msg c = sent_snapshot(last_send(n));
    assert_int_equal(c.type, RAFT_MSG_SNAPSHOT);
    assert_int_equal(c.offset, 0);
    assert_int_equal(c.len, 40000);
    assert_int_equal(c.total, 100000);
    assert_int_equal(last_send(n)->wire_bytes, 40000);
    /* One in flight: another answer of the same round sends nothing. */
    ack(n, 2, 1, 1, 0, n->s->heartbeat_seq, 0);
    assert_int_equal(n->ctx.sends_count, sends + 1);
    /* Two rounds later without its ack: the chunk was lost, sent again. */
    fire(n, RAFT_TIMER_HEARTBEAT);
    fire(n, RAFT_TIMER_HEARTBEAT);
    ack(n, 2, 1, 1, 0, n->s->heartbeat_seq, 0);
    struct raft_snapshot_msg again = sent_snapshot(last_send(n));
    assert_int_equal(again.offset, 0);
    snapshot_ack(n, 2, &again);
    c = sent_snapshot(last_send(n));
    assert_int_equal(c.offset, 40000);
    snapshot_ack(n, 2, &again); /* a duplicate ack changes nothing */
    assert_int_equal(sent_snapshot(last_send(n)).offset, 40000);
    snapshot_ack(n, 2, &c);
    c = sent_snapshot(last_send(n));
    assert_int_equal(c.offset, 80000);
    assert_int_equal(c.len, 20000);
    assert_int_equal(last_send(n)->wire_bytes, 20000);
    snapshot_ack(n, 2, &c);
    assert_true(has_note(n, "snapshot", NULL, 1)); /* term 1 */
    struct raft_append_msg a;
    memcpy(&a.head, last_send(n)->bytes, sizeof a.head);
    assert_int_equal(a.head.type, RAFT_MSG_APPEND);
    assert_int_equal(a.head.prev_index, 0);
    assert_int_equal(a.head.count, 1); /* the entries follow */
    node_free(n);
}

/* Unchunked: one message of the whole size. Off: no snapshot at all. */
static void test_snapshot_whole_or_off(void **state) {
    (void)state;
    for (int on = 0; on <= 1; on++) {
        struct node *n = make_leader();
        n->ctx.cfg.snapshot_bytes = on ? 4000000 : 0;
        ack(n, 1, 1, 1, 1, n->s->heartbeat_seq, 0);
        ack(n, 2, 1, 1, 0, n->s->heartbeat_seq, 0);
        const struct fake_send *last = last_send(n);
        if (on) {
            struct raft_snapshot_msg c = sent_snapshot(last);
            assert_int_equal(c.len, 4000000);
            assert_int_equal(last->wire_bytes, 4000000);
        } else {
            struct raft_append_msg a;
            memcpy(&a.head, last->bytes, sizeof a.head);
            assert_int_equal(a.head.type, RAFT_MSG_APPEND);
            assert_int_equal(a.head.count, 1);
            assert_int_equal(last->wire_bytes, 0);
        }
        node_free(n);
    }
}

/* A follower takes a chunk as word from its leader: timer reset, answer. */
static void test_follower_acks_a_snapshot_chunk_and_resets_its_timer(void **state) {
    (void)state;
    struct node *n = node_new(2, 3);
    boot(n);
    int timers = n->ctx.timers_count;
    struct raft_snapshot_msg m;
    memset(&m, 0, sizeof m);
    m.type = RAFT_MSG_SNAPSHOT;
    m.term = 3;
    m.offset = 64000;
    m.len = 64000;
    m.total = 4000000;
    deliver(n, 0, &m, sizeof m);
    assert_int_equal(n->s->current_term, 3);
    assert_int_equal(n->s->leader_id, 0);
    assert_true(n->ctx.timers_count > timers);
    struct raft_snapshot_msg r = sent_snapshot(last_send(n));
    assert_int_equal(r.type, RAFT_MSG_SNAPSHOT_RESP);
    assert_int_equal(r.term, 3);
    assert_int_equal(r.offset, 64000);
    assert_int_equal(r.len, 64000);
    node_free(n);
}

/* The map grown on demand (kv_map.h) against the flat table it replaced:
 * the same answers, and the final report in exactly the flat table's slot
 * order (which the traces hash), on a small flat table where keys collide,
 * probe past each other and wrap around its end; across a clear too. */
static void test_grown_map_reports_in_the_flat_tables_order(void **st) {
    (void)st;
    enum { LEGACY = 64 };
    uint64_t x = 88172645463325252u;
    for (int trial = 0; trial < 300; trial++) {
        struct kv_slot flat[LEGACY];
        memset(flat, 0, sizeof flat);
        struct kv_map_table t;
        kv_map_table_init(&t, LEGACY);
        struct node *n = node_new(0, 1);
        for (int round = 0; round < 2; round++) {
            int ops = 1 + (int)(x % 60);
            for (int i = 0; i < ops; i++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                /* keys from a small range (repeats) or anywhere; at most LEGACY/2 distinct */
                int64_t key = x % 3 ? (int64_t)(x >> 40) % 40 - 5 : (int64_t)x;
                if (kv_map_count(flat, LEGACY) >= LEGACY / 2 && kv_map_get(flat, LEGACY, key) == DSLAB_HISTORY_NIL) continue;
                int32_t cmd = (int32_t)(x >> 8) % 3;
                int64_t value = (int64_t)(x >> 20) % 5, expected = (int64_t)(x >> 30) % 5;
                enum dslab_reply_status want = kv_map_apply(flat, LEGACY, cmd, key, value, expected), got;
                assert_int_equal(kv_map_table_apply(&t, cmd, key, value, expected, &got), 0);
                assert_int_equal(got, want);
                assert_int_equal(kv_map_table_get(&t, key), kv_map_get(flat, LEGACY, key));
            }
            assert_int_equal((int64_t)t.count, kv_map_count(flat, LEGACY));
            n->ctx.notes_count = 0;
            kv_map_report_final(&n->ctx, flat, LEGACY);
            int flat_notes = n->ctx.notes_count;
            assert_int_equal(kv_map_table_report_final(&n->ctx, &t), 0);
            assert_int_equal(n->ctx.notes_count, 2 * flat_notes);
            for (int i = 0; i < flat_notes; i++) {
                assert_string_equal(n->ctx.notes[i].text, n->ctx.notes[flat_notes + i].text);
                assert_int_equal(n->ctx.notes[i].value, n->ctx.notes[flat_notes + i].value);
            }
            kv_map_clear(flat, LEGACY);
            kv_map_table_clear(&t);
        }
        kv_map_table_free(&t);
        node_free(n);
    }
}


/* --- membership changes (raft_membership.c) -------------------------------------- */

/* Membership on for n: the members before any config entry and the steps,
 * all due at once (the fake monotonic clock reads 0). */
static void membership(struct node *n, uint64_t members, bool direct, int count,
                       const struct raft_member_step *steps) {
    n->ctx.cfg.membership_on = true;
    n->ctx.cfg.membership_direct = direct;
    n->ctx.cfg.initial_members = members;
    n->ctx.cfg.steps_count = count;
    for (int i = 0; i < count; i++) n->ctx.cfg.steps[i] = steps[i];
}

/* The node's election timer is set (and the fake has it pending). */
static int election_timer_armed(const struct node *n) {
    uint64_t id = n->s->election_timer_id;
    return n->s->election_timer_armed && id < (uint64_t)n->ctx.timers_count &&
           n->ctx.timers[id].tag == RAFT_TIMER_ELECTION && !n->ctx.timers[id].cancelled;
}

/* Delivers from `from` an AppendEntries of `term` whose one entry, after
 * prev (of prev_term), is a config entry of entry_term: step `step`,
 * members `mask`. */
static void deliver_config(struct node *n, int32_t from, int64_t term, int64_t prev, int64_t prev_term,
                           int64_t commit, int64_t entry_term, int32_t step, uint64_t mask) {
    struct raft_append_msg a;
    size_t len = append_msg(&a, term, prev, prev_term, commit, 1, entry_term);
    a.entries[0].cmd = RAFT_CMD_CONFIG;
    a.entries[0].key = step;
    a.entries[0].value = (int64_t)mask;
    deliver(n, from, &a, len);
}

/* The last AppendEntries n sent to `to` (its header). */
static struct raft_append_head last_append_to(const struct node *n, int32_t to) {
    for (int i = n->ctx.sends_count - 1; i >= 0; i--) {
        if (n->ctx.sends[i].to == to && n->ctx.sends[i].bytes[0] == RAFT_MSG_APPEND) {
            struct raft_append_head h;
            memcpy(&h, n->ctx.sends[i].bytes, sizeof h);
            return h;
        }
    }
    fail_msg("nothing sent to %d", (int)to);
    struct raft_append_head none;
    memset(&none, 0, sizeof none);
    return none;
}

static void test_membership_config_is_the_latest_in_the_log_committed_or_not(void **state) {
    (void)state;
    const struct raft_member_step steps[] = {{DSLAB_NS_PER_S, 3, true}};
    struct node *n = node_new(3, 4); /* n4, not a member of {n1, n2, n3} */
    membership(n, 0x7, false, 1, steps);
    boot(n);
    assert_false(raft_is_member(n->s, 3));
    assert_false(election_timer_armed(n)); /* idle until added */
    assert_int_equal(raft_majority(n->s), 2);
    /* An uncommitted entry adding it: in use at once. */
    deliver_config(n, 0, 1, 0, 0, 0, 1, 1, 0xf);
    assert_true(raft_is_member(n->s, 3));
    assert_int_equal(n->s->config_index, 1);
    assert_int_equal(n->s->commit_index, 0);
    assert_int_equal(raft_majority(n->s), 3);
    assert_true(election_timer_armed(n));
    /* A restart rebuilds it from the log. */
    crash_restart(n, 0);
    assert_true(raft_is_member(n->s, 3));
    assert_int_equal(n->s->config_step, 1);
    assert_true(election_timer_armed(n));
    /* A later leader overwrites that entry: the configuration before it is back. */
    deliver_append(n, 1, 2, 0, 0, 0, 1, 2);
    assert_int_equal(n->s->log_len, 1);
    assert_false(raft_is_member(n->s, 3));
    assert_int_equal(n->s->config_index, 0);
    assert_false(election_timer_armed(n));
    /* Not a member: an election timeout starts nothing. */
    assert_int_equal(n->s->role, RAFT_FOLLOWER);
    node_free(n);
}

/* n1 of 4 becomes leader of term 2 with a committed config {n1..n4}
 * (step 1) from the leader of term 1 in its log; its no-op is index 2. */
static struct node *make_member_leader(bool direct, int count, const struct raft_member_step *steps) {
    struct node *n = node_new(0, 4);
    membership(n, 0x7, direct, count, steps);
    boot(n);
    deliver_config(n, 1, 1, 0, 0, 1, 1, 1, 0xf);
    assert_int_equal(n->s->commit_index, 1);
    fire(n, RAFT_TIMER_ELECTION);
    struct raft_vote_msg r = vote_resp(2, 1, 0);
    deliver(n, 1, &r, sizeof r);
    assert_int_equal(n->s->role, RAFT_CANDIDATE); /* 2 of 4 votes is no majority */
    deliver(n, 2, &r, sizeof r);
    assert_int_equal(n->s->role, RAFT_LEADER);
    assert_int_equal(n->s->noop_index, 2);
    return n;
}

static void test_membership_waits_for_an_entry_of_the_leaders_term(void **state) {
    (void)state;
    const struct raft_member_step steps[] = {{0, 3, true}, {0, 2, false}}; /* step 2: remove n3 */
    struct node *n = make_member_leader(false, 2, steps);
    /* The previous change (step 1) is committed, but the no-op is not. */
    assert_int_equal(n->s->log_len, 2);
    fire(n, RAFT_TIMER_HEARTBEAT);
    assert_int_equal(n->s->log_len, 2);
    ack(n, 1, 2, 1, 2, 1, 0);
    assert_int_equal(n->s->log_len, 2);
    ack(n, 2, 2, 1, 2, 1, 0); /* the no-op commits (3 of 4) */
    assert_int_equal(n->s->commit_index, 2);
    assert_int_equal(n->s->log_len, 3);
    assert_int_equal(raft_entries(n->s)[2].cmd, RAFT_CMD_CONFIG);
    assert_int_equal(raft_entries(n->s)[2].value, 0xb);
    assert_int_equal(n->s->config_step, 2);
    node_free(n);
    /* direct (unsafe): proposed at once, on an uncommitted no-op. */
    n = make_member_leader(true, 2, steps);
    assert_int_equal(n->s->log_len, 3);
    assert_int_equal(n->s->commit_index, 1);
    node_free(n);
}

static void test_membership_one_change_at_a_time(void **state) {
    (void)state;
    const struct raft_member_step steps[] = {{0, 3, true}, {0, 2, false}, {0, 1, false}};
    struct node *n = make_member_leader(false, 3, steps);
    ack(n, 1, 2, 1, 2, 1, 0);
    ack(n, 2, 2, 1, 2, 1, 0);
    assert_int_equal(n->s->log_len, 3); /* step 2 proposed, uncommitted */
    fire(n, RAFT_TIMER_HEARTBEAT);
    assert_int_equal(n->s->log_len, 3); /* step 3 waits */
    /* Config {n1, n2, n4} now: n3's ack no longer counts, n4's does. */
    ack(n, 2, 2, 1, 3, 2, 0);
    assert_int_equal(n->s->commit_index, 2);
    ack(n, 3, 2, 1, 3, 2, 0);
    assert_int_equal(n->s->commit_index, 3);
    assert_int_equal(n->s->log_len, 4); /* then step 3 */
    assert_int_equal(raft_entries(n->s)[3].value, 0x9);
    node_free(n);
    /* direct: all three at once. */
    n = make_member_leader(true, 3, steps);
    assert_int_equal(n->s->log_len, 4);
    node_free(n);
}

static void test_membership_removed_leader_steps_down_once_committed(void **state) {
    (void)state;
    const struct raft_member_step steps[] = {{0, 0, false}}; /* remove n1, the leader */
    struct node *n = node_new(0, 3);
    membership(n, 0x7, false, 1, steps);
    boot(n);
    fire(n, RAFT_TIMER_ELECTION);
    struct raft_vote_msg r = vote_resp(1, 1, 0);
    deliver(n, 1, &r, sizeof r);
    assert_int_equal(n->s->role, RAFT_LEADER);
    ack(n, 1, 1, 1, 1, 1, 0); /* the no-op commits */
    assert_int_equal(n->s->log_len, 2);
    assert_false(raft_is_member(n->s, 0));
    /* Still leading, but not counting itself: {n2, n3} must both store it. */
    ack(n, 1, 1, 1, 2, 2, 0);
    assert_int_equal(n->s->commit_index, 1);
    assert_int_equal(n->s->role, RAFT_LEADER);
    ack(n, 2, 1, 1, 2, 2, 0);
    assert_int_equal(n->s->commit_index, 2);
    assert_int_equal(n->s->role, RAFT_FOLLOWER);
    assert_true(has_note(n, "removed", NULL, 2));
    assert_false(election_timer_armed(n)); /* removed: never stands again */
    node_free(n);
}

static void test_membership_new_member_catches_up_by_replication(void **state) {
    (void)state;
    const struct raft_member_step steps[] = {{0, 3, true}};
    struct node *n = node_new(0, 4);
    membership(n, 0x7, false, 1, steps);
    boot(n);
    fire(n, RAFT_TIMER_ELECTION);
    struct raft_vote_msg r = vote_resp(1, 1, 0);
    deliver(n, 1, &r, sizeof r);
    for (int i = 0; i < n->ctx.sends_count; i++) assert_int_not_equal(n->ctx.sends[i].to, 3);
    request(n, 1, DSLAB_OP_WRITE, 7, 70, 0);
    ack(n, 1, 1, 1, 2, 2, 0); /* no-op and write commit: then the change */
    assert_int_equal(n->s->log_len, 3);
    struct raft_append_head h = last_append_to(n, 3); /* n4 hears from the leader now */
    assert_int_equal(h.prev_index, 2);
    ack(n, 3, 1, 0, 0, h.seq, 0); /* empty log: rejects */
    h = last_append_to(n, 3);
    assert_int_equal(h.prev_index, 0);
    assert_int_equal(h.count, 3); /* everything from index 1 */
    /* {n1..n4}: 3 of 4 commit the change; n4's ack counts. */
    ack(n, 3, 1, 1, 3, h.seq, 0);
    assert_int_equal(n->s->commit_index, 2);
    ack(n, 1, 1, 1, 3, h.seq, 0);
    assert_int_equal(n->s->commit_index, 3);
    node_free(n);
}

H_MAIN(cmocka_unit_test(test_election_timeout_makes_a_candidate_that_persists_first),
       cmocka_unit_test(test_membership_config_is_the_latest_in_the_log_committed_or_not),
       cmocka_unit_test(test_membership_waits_for_an_entry_of_the_leaders_term),
       cmocka_unit_test(test_membership_one_change_at_a_time),
       cmocka_unit_test(test_membership_removed_leader_steps_down_once_committed),
       cmocka_unit_test(test_membership_new_member_catches_up_by_replication),
       cmocka_unit_test(test_grown_map_reports_in_the_flat_tables_order),
       cmocka_unit_test(test_vote_is_granted_and_synced_before_the_reply),
       cmocka_unit_test(test_vote_denied_to_a_stale_log_or_a_second_candidate),
       cmocka_unit_test(test_majority_of_votes_makes_a_leader_with_a_noop),
       cmocka_unit_test(test_higher_term_steps_a_leader_down),
       cmocka_unit_test(test_follower_appends_syncs_and_acks),
       cmocka_unit_test(test_follower_rejects_a_gap_and_truncates_a_conflict),
       cmocka_unit_test(test_stale_term_append_is_rejected),
       cmocka_unit_test(test_write_commits_on_majority_and_replies),
       cmocka_unit_test(test_follower_redirects_to_the_leader_it_knows),
       cmocka_unit_test(test_read_index_waits_for_a_majority_round),
       cmocka_unit_test(test_read_index_fails_when_leadership_is_lost),
       cmocka_unit_test(test_leader_local_read_answers_at_once),
       cmocka_unit_test(test_lease_read_is_local_only_while_the_lease_holds),
       cmocka_unit_test(test_lease_mode_voters_ignore_votes_while_the_leader_is_heard),
       cmocka_unit_test(test_pre_vote_keeps_an_isolated_node_term),
       cmocka_unit_test(test_pre_vote_refused_while_a_leader_is_heard),
       cmocka_unit_test(test_malformed_messages_are_ignored),
       cmocka_unit_test(test_old_term_entry_is_not_committed_by_counting),
       cmocka_unit_test(test_a_stale_append_does_not_truncate_matching_entries),
       cmocka_unit_test(test_vote_denied_for_a_stale_term),
       cmocka_unit_test(test_lease_mode_restarted_voter_waits_before_voting),
       cmocka_unit_test(test_truncated_write_is_unknown_not_failed),
       cmocka_unit_test(test_session_applies_a_retry_once),
       cmocka_unit_test(test_snapshot_goes_in_chunks_before_entries),
       cmocka_unit_test(test_snapshot_whole_or_off),
       cmocka_unit_test(test_follower_acks_a_snapshot_chunk_and_resets_its_timer))
