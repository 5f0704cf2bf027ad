/* history_export.c: the history export's entry point and its plan: which
 * process id each record gets (Jepsen's renumbering after :info) and how
 * each operation completed; the value that stands for "absent" in EDN.
 * The writers are history_edn.c and history_porcupine.c. Cost: O(n) time
 * and memory for n records (plus a sort of the negative values). */
#include "dslab/history_export.h"

#include <stdlib.h>
#include <string.h>

#include "export/history_export_internal.h"

int dslab_history_format_parse(const char *name, enum dslab_history_format *out) {
    if (name && strcmp(name, "edn") == 0) *out = DSLAB_HISTORY_FORMAT_EDN;
    else if (name && strcmp(name, "porcupine") == 0) *out = DSLAB_HISTORY_FORMAT_PORCUPINE;
    else return -1;
    return 0;
}

static int cmp_desc(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

int64_t dslab_history_export_absent(const struct dslab_history *h) {
    size_t n = 0;
    for (size_t i = 0; i < h->count; i++) {
        n += h->ops[i].value < 0 && h->ops[i].value != DSLAB_HISTORY_NIL;
        n += h->ops[i].expected < 0 && h->ops[i].expected != DSLAB_HISTORY_NIL;
    }
    if (n == 0) return -1;
    int64_t *neg = malloc(n * sizeof *neg);
    if (!neg) return DSLAB_HISTORY_NIL + 1; /* out of memory: the value least likely to be used */
    size_t k = 0;
    for (size_t i = 0; i < h->count; i++) {
        const struct dslab_history_op *op = &h->ops[i];
        if (op->value < 0 && op->value != DSLAB_HISTORY_NIL) neg[k++] = op->value;
        if (op->expected < 0 && op->expected != DSLAB_HISTORY_NIL) neg[k++] = op->expected;
    }
    qsort(neg, n, sizeof *neg, cmp_desc);
    /* Walk down from -1 past every value in use: n values cannot fill more
     * than n slots, so this ends above DSLAB_HISTORY_NIL. */
    int64_t absent = -1;
    for (size_t i = 0; i < n && neg[i] >= absent; i++) {
        if (neg[i] == absent) absent--;
    }
    free(neg);
    return absent;
}

void hx_plan_free(struct hx_plan *plan) {
    free(plan->process);
    free(plan->completion);
    free(plan->skip);
    memset(plan, 0, sizeof *plan);
}

/* Per client: its open invoke (record index) and how many :info it had. */
struct hx_client {
    size_t open;     /* record index, or SIZE_MAX */
    int64_t infos;
};

int hx_plan_build(const struct dslab_history *h, struct hx_plan *plan) {
    memset(plan, 0, sizeof *plan);
    int64_t clients = 0;
    for (size_t i = 0; i < h->count; i++) {
        if (h->ops[i].client >= clients) clients = (int64_t)h->ops[i].client + 1;
    }
    size_t n = h->count ? h->count : 1;
    plan->process = malloc(n * sizeof *plan->process);
    plan->completion = malloc(n * sizeof *plan->completion);
    plan->skip = calloc(n, sizeof *plan->skip);
    struct hx_client *c = calloc(clients ? (size_t)clients : 1, sizeof *c);
    if (!plan->process || !plan->completion || !plan->skip || !c) {
        free(c);
        hx_plan_free(plan);
        return -1;
    }
    for (int64_t i = 0; i < clients; i++) c[i].open = SIZE_MAX;
    for (size_t i = 0; i < h->count; i++) {
        const struct dslab_history_op *op = &h->ops[i];
        plan->completion[i] = HX_PENDING;
        if (op->client < 0) { /* not a workload client: written as it is, never renumbered */
            plan->process[i] = op->client;
            plan->skip[i] = op->type != DSLAB_OP_INVOKE;
            continue;
        }
        struct hx_client *cl = &c[op->client];
        if (op->type == DSLAB_OP_INVOKE && cl->open != SIZE_MAX) {
            /* A client has one op open at a time; should a second invoke
             * come anyway, the first stays pending forever, like an :info. */
            cl->infos++;
        }
        /* clients <= 2^31 and infos < 2^32 (records): no overflow */
        plan->process[i] = op->client + cl->infos * clients;
        if (op->type == DSLAB_OP_INVOKE) {
            cl->open = i;
            continue;
        }
        if (cl->open == SIZE_MAX || h->ops[cl->open].op_id != op->op_id) {
            plan->skip[i] = true; /* a completion without its invoke */
            continue;
        }
        plan->completion[cl->open] = (int)op->type;
        cl->open = SIZE_MAX;
        if (op->type == DSLAB_OP_INFO) cl->infos++;
    }
    free(c);
    return 0;
}

int dslab_history_export(FILE *out, const struct dslab_history *h, enum dslab_history_format format,
                         const struct dslab_history_export_info *info) {
    struct hx_plan plan;
    if (hx_plan_build(h, &plan) < 0) return -1;
    int rc = format == DSLAB_HISTORY_FORMAT_EDN
                 ? hx_write_edn(out, h, &plan, info ? info->scenario : NULL, info ? info->seed : 0)
                 : hx_write_porcupine(out, h, &plan);
    hx_plan_free(&plan);
    if (fflush(out) != 0 || ferror(out)) rc = -1;
    return rc;
}
