/* history_edn.c: a client history as Jepsen/Knossos EDN: one vector of
 * operation maps, one map per line, after a comment header that names the
 * integer standing for "absent" and the command that checks the file:
 *
 *   ; dslab client history (Jepsen/Knossos EDN): scenario kv, seed 7
 *   ; ...
 *   [{:process 0, :type :invoke, :f :write, :key 2, :value 1000001, :time 1500000, :index 0}
 *    {:process 0, :type :ok, :f :write, :key 2, :value 1000001, :time 2750000, :index 1}
 *    {:process 1, :type :invoke, :f :cas, :key 0, :value [-1 2000003], :time 3100000, :index 2}
 *    ...]
 *
 * :time is the simulated time in ns, :index the map's position. A read is
 * invoked with :value nil; its :ok carries the value read. :fail and :info
 * completions repeat the invoke's value (nil for a read). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dslab/history_export.h"
#include "dslab/text.h"
#include "export/history_export_internal.h"

static void put_value(FILE *out, int64_t v, int64_t absent) {
    fprintf(out, "%" PRId64, v == DSLAB_HISTORY_NIL ? absent : v);
}

/* The :value of a record: what Knossos expects for its :f and :type. */
static void put_op_value(FILE *out, const struct dslab_history_op *op, int64_t absent) {
    if (op->fn == DSLAB_OP_READ && op->type != DSLAB_OP_OK) {
        fputs("nil", out); /* not known (yet) */
    } else if (op->fn == DSLAB_OP_CAS) {
        fputc('[', out);
        put_value(out, op->expected, absent);
        fputc(' ', out);
        put_value(out, op->value, absent);
        fputc(']', out);
    } else if (op->fn == DSLAB_OP_ACQUIRE || op->fn == DSLAB_OP_RELEASE) {
        fputs("nil", out);
    } else {
        put_value(out, op->value, absent);
    }
}

static void put_header(FILE *out, const char *scenario, uint64_t seed, int64_t absent) {
    fputs("; dslab client history (Jepsen/Knossos EDN)", out);
    if (scenario) {
        char name[256];
        dslab_text_escape(scenario, strlen(scenario), name, sizeof name); /* one line, whatever it holds */
        fprintf(out, ": scenario %s, seed %" PRIu64, name, seed);
    }
    fprintf(out,
            "\n; A key never written reads as %" PRId64 " (nil would mean \"any value\" to Knossos).\n"
            "; Check it: dslab check-history FILE --model kv --initial %" PRId64 "\n"
            "; Knossos: one register per :key, (cas-register %" PRId64 "); processes are Jepsen's\n"
            "; (a client continues under a new process id after an :info).\n",
            absent, absent, absent);
}

int hx_write_edn(FILE *out, const struct dslab_history *h, const struct hx_plan *plan,
                 const char *scenario, uint64_t seed) {
    int64_t absent = dslab_history_export_absent(h);
    put_header(out, scenario, seed, absent);
    fputc('[', out);
    int64_t index = 0;
    for (size_t i = 0; i < h->count; i++) {
        const struct dslab_history_op *op = &h->ops[i];
        if (plan->skip[i]) continue;
        fprintf(out, "%s{:process %" PRId64 ", :type :%s, :f :%s, :key %" PRId64 ", :value ",
                index ? "\n " : "", plan->process[i], dslab_op_type_name(op->type),
                dslab_op_fn_name(op->fn), op->key);
        put_op_value(out, op, absent);
        fprintf(out, ", :time %" PRId64 ", :index %" PRId64 "}", op->time_ns, index);
        index++;
    }
    fputs("]\n", out);
    return ferror(out) ? -1 : 0;
}
