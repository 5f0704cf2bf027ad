/* history_porcupine.c: a client history in the shape of Porcupine's kv
 * test data (shared/external/porcupine/README.md): one EDN map per line,
 * fields in its order, string keys and values, :invoke and :ok only:
 *
 *   {:process 0, :type :invoke, :f :put, :key "2", :value "1000001"}
 *   {:process 0, :type :ok, :f :put, :key "2", :value "1000001"}
 *   {:process 1, :type :invoke, :f :get, :key "2", :value nil}
 *   {:process 1, :type :ok, :f :get, :key "2", :value ""}
 *
 * read is :get, write :put; "absent" is "", the kv model's initial value.
 * A cas (not in Porcupine's kv model) is :f :cas with :value ["expected"
 * "new"]. A failed op is left out, invoke and all (it did not happen); an
 * indeterminate one keeps its invoke and has no completion (pending). */
#include <inttypes.h>
#include <stdio.h>

#include "dslab/history_export.h"
#include "export/history_export_internal.h"

static void put_string_value(FILE *out, int64_t v) {
    if (v == DSLAB_HISTORY_NIL) fputs("\"\"", out);
    else fprintf(out, "\"%" PRId64 "\"", v);
}

static const char *fn_name(enum dslab_op_fn fn) {
    switch (fn) {
    case DSLAB_OP_READ: return "get";
    case DSLAB_OP_WRITE: return "put";
    default: return dslab_op_fn_name(fn);
    }
}

int hx_write_porcupine(FILE *out, const struct dslab_history *h, const struct hx_plan *plan) {
    for (size_t i = 0; i < h->count; i++) {
        const struct dslab_history_op *op = &h->ops[i];
        if (plan->skip[i]) continue;
        if (op->type == DSLAB_OP_INVOKE && plan->completion[i] == DSLAB_OP_FAIL) continue;
        if (op->type != DSLAB_OP_INVOKE && op->type != DSLAB_OP_OK) continue;
        fprintf(out, "{:process %" PRId64 ", :type :%s, :f :%s, :key \"%" PRId64 "\", :value ",
                plan->process[i], dslab_op_type_name(op->type), fn_name(op->fn), op->key);
        if (op->fn == DSLAB_OP_READ && op->type == DSLAB_OP_INVOKE) {
            fputs("nil", out);
        } else if (op->fn == DSLAB_OP_CAS) {
            fputc('[', out);
            put_string_value(out, op->expected);
            fputc(' ', out);
            put_string_value(out, op->value);
            fputc(']', out);
        } else if (op->fn == DSLAB_OP_ACQUIRE || op->fn == DSLAB_OP_RELEASE) {
            fputs("nil", out);
        } else {
            put_string_value(out, op->value);
        }
        fputs("}\n", out);
    }
    return ferror(out) ? -1 : 0;
}
