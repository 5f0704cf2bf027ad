/* cmd_check_history.c: `dslab check-history FILE --model M`: is an external
 * history (Jepsen log, Knossos EDN, Porcupine kv) linearizable? Exit 0 yes,
 * 1 no (and the first operation that cannot be linearized, with its line),
 * 3 unknown (the search budget ran out), 2 bad input or usage. The work is
 * in sim/checkers/lincheck.c; this file parses flags and prints. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "colour.h"
#include "dslab/json_write.h"
#include "dslab/lincheck.h"
#include "dslab/text.h"

static const char usage[] =
    "usage: dslab check-history FILE --model register|cas-register|kv|mutex [options]\n"
    "\n"
    "Checks a recorded history for linearizability (Wing-Gong/Lowe search with a\n"
    "state cache, per key for kv). The format is detected from the content:\n"
    "  Jepsen log lines    INFO jepsen.util - 3 :invoke :cas [3 0]   (Porcupine's etcd data)\n"
    "  Knossos EDN         [{:process 0 :type :invoke :f :read :value nil} ...]\n"
    "  Porcupine kv        {:process 0, :type :invoke, :f :get, :key \"7\", :value nil}  (a map per line)\n"
    "Failed operations follow each format's rules; indeterminate ones (:info, or\n"
    "never completed) may take effect any time after their invocation, or never.\n"
    "\n"
    "options:\n"
    "  --model M          register (read/write), cas-register (+cas), kv (per key;\n"
    "                     get/put/append strings, read/write/cas, txn), mutex\n"
    "  --initial VALUE    initial value of the register / every key: nil, an integer,\n"
    "                     a string (string kv), free|held (mutex). Default: nil,\n"
    "                     \"\" for string kv, free\n"
    "  --budget N         cached search states per key before giving up, 1..1000000000\n"
    "                     (default: 1000000 or 16 per operation of the key, the larger)\n"
    "  --json             print the result as one JSON object\n"
    "  --color WHEN       auto (default: colours on a terminal unless NO_COLOR is\n"
    "                     set), always or never\n"
    "\n"
    "exit status: 0 linearizable, 1 not linearizable, 3 unknown (budget exhausted),\n"
    "2 bad input or usage\n";

struct opts {
    const char *file;
    const char *model_text;
    struct dslab_lincheck_options lin;
    int json;
    enum cli_colour_when colour; /* --color */
};

static int parse_args(int argc, char **argv, struct opts *o) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        cli_exit_if_help(a, usage);
        if (strcmp(a, "--model") == 0) {
            if (!next || dslab_lincheck_model_parse(next, &o->lin.model) != 0) {
                return cli_usage_error("check-history",
                                       "--model is register, cas-register, kv or mutex, got '%s'",
                                       next ? next : "");
            }
            o->model_text = next;
            i++;
        } else if (strcmp(a, "--initial") == 0) {
            if (!next) return cli_usage_error("check-history", "--initial needs a value");
            o->lin.initial = next;
            i++;
        } else if (strcmp(a, "--budget") == 0) {
            if (!next || cli_parse_u64(next, &o->lin.states_max) != 0 || o->lin.states_max == 0 ||
                o->lin.states_max > DSLAB_LINCHECK_STATES_MAX) {
                return cli_usage_error("check-history", "--budget needs an integer in 1..%u, got '%s'",
                                       DSLAB_LINCHECK_STATES_MAX, next ? next : "");
            }
            i++;
        } else if (strcmp(a, "--json") == 0) {
            o->json = 1;
        } else if (strncmp(a, "--colo", 6) == 0) {
            if (cli_colour_flag("check-history", argc, argv, &i, &o->colour) < 0) return EXIT_BAD_INPUT;
        } else if (cli_operand("check-history", a, &o->file, "history file", true) != 0) {
            return EXIT_BAD_INPUT;
        }
    }
    if (!o->file) return cli_usage_error("check-history", "missing history file");
    if (!o->model_text) return cli_usage_error("check-history", "missing --model");
    return 0;
}

static const char *verdict_name(enum dslab_lincheck_verdict v) {
    switch (v) {
    case DSLAB_LINCHECK_LINEARIZABLE: return "linearizable";
    case DSLAB_LINCHECK_NOT_LINEARIZABLE: return "not_linearizable";
    case DSLAB_LINCHECK_UNKNOWN: return "unknown";
    }
    return "?";
}

/* --json: one object, written with the one JSON writer (json_write.h). */
static void print_json(const struct opts *o, const struct dslab_lincheck_result *r) {
    struct dslab_json_writer w;
    dslab_jw_init(&w, stdout);
    dslab_jw_object_begin(&w);
    dslab_jw_member_string(&w, "file", o->file);
    dslab_jw_member_string(&w, "model", o->model_text);
    dslab_jw_member_string(&w, "format", r->format);
    dslab_jw_member_string(&w, "verdict", verdict_name(r->verdict));
    dslab_jw_member_uint(&w, "ops", r->ops_count);
    dslab_jw_member_uint(&w, "keys", r->keys_count);
    dslab_jw_member_uint(&w, "keys_checked", r->keys_checked);
    dslab_jw_member_uint(&w, "keys_unknown", r->keys_unknown);
    dslab_jw_member_uint(&w, "states", r->states_total);
    dslab_jw_member_uint(&w, "states_all_rounds", r->states_all_rounds);
    if (r->verdict == DSLAB_LINCHECK_NOT_LINEARIZABLE) {
        dslab_jw_key(&w, "failure");
        dslab_jw_object_begin(&w);
        dslab_jw_member_string(&w, "key", r->key);
        dslab_jw_member_string(&w, "op", r->op);
        dslab_jw_member_int(&w, "process", r->process);
        dslab_jw_member_int(&w, "line", r->line);
        dslab_jw_member_int(&w, "invoke_line", r->invoke_line);
        dslab_jw_member_uint(&w, "linearized", r->linearized_count);
        dslab_jw_member_string(&w, "state", r->state);
        dslab_jw_member_string(&w, "last_op", r->last_op);
        dslab_jw_member_int(&w, "last_line", r->last_line);
        dslab_jw_object_end(&w);
    }
    if (r->verdict == DSLAB_LINCHECK_UNKNOWN) {
        dslab_jw_member_string(&w, "unknown_key", r->unknown_key);
        dslab_jw_member_uint(&w, "unknown_states", r->unknown_states);
        dslab_jw_member_uint(&w, "unknown_budget", r->unknown_budget);
        dslab_jw_member_string(&w, "unknown_reason", r->unknown_by_memory ? "memory" : "budget");
    }
    dslab_jw_object_end(&w);
    dslab_jw_end_document(&w);
}

static void print_text(const struct opts *o, const struct dslab_lincheck_result *r) {
    /* The file name as given, with control bytes and invalid UTF-8 shown
     * as \xNN: it never drives the terminal (dslab/text.h). */
    char file[1024];
    dslab_text_escape(o->file, strlen(o->file), file, sizeof file);
    const char *what = r->verdict == DSLAB_LINCHECK_LINEARIZABLE       ? "linearizable"
                       : r->verdict == DSLAB_LINCHECK_NOT_LINEARIZABLE ? "NOT linearizable"
                                                                 : "unknown";
    char keys[48] = "";
    if (o->lin.model == DSLAB_LINCHECK_MODEL_KV) {
        snprintf(keys, sizeof keys, ", %zu key group%s", r->keys_count, r->keys_count == 1 ? "" : "s");
    }
    struct dslab_style st = cli_colour_style(o->colour, stdout);
    const char *mark = r->verdict == DSLAB_LINCHECK_LINEARIZABLE       ? st.good
                       : r->verdict == DSLAB_LINCHECK_NOT_LINEARIZABLE ? st.bad
                                                                 : st.warn;
    printf("%s: %s%s%s (model %s, %s format, %zu ops%s, %" PRIu64 " states searched)\n", file, mark,
           what, st.reset, o->model_text, r->format, r->ops_count, keys, r->states_total);
    if (r->verdict == DSLAB_LINCHECK_NOT_LINEARIZABLE) {
        int line = r->line ? r->line : r->invoke_line;
        int col = r->line ? r->col : r->invoke_col;
        printf("%s:%d:%d: first operation that cannot be linearized: process %" PRId64 " %s%s%s",
               file, line, col > 0 ? col : 1, r->process, r->op, r->key[0] ? " on key " : "",
               r->key);
        printf(" (invoked at line %d)\n", r->invoke_line);
        printf("  after the longest linearizable prefix (%zu ops) the %s%s is %s\n",
               r->linearized_count, r->key[0] ? "value of key " : "state", r->key,
               r->state[0] ? r->state : "?");
        if (r->last_op[0]) {
            printf("  last op of that prefix: process %" PRId64 " %s (line %d)\n", r->last_process,
                   r->last_op, r->last_line);
        }
    } else if (r->verdict == DSLAB_LINCHECK_UNKNOWN && r->unknown_by_memory) {
        printf("search memory exhausted on %s%s after %" PRIu64
               " states (%zu of %zu keys undecided; the search cache is limited to 1 GiB, or "
               "an allocation failed: a larger --budget will not help)\n",
               r->unknown_key[0] ? "key " : "the history", r->unknown_key, r->unknown_states,
               r->keys_unknown, r->keys_count);
    } else if (r->verdict == DSLAB_LINCHECK_UNKNOWN) {
        printf("search budget exhausted on %s%s after %" PRIu64 " states (budget %" PRIu64
               "; %zu of %zu keys undecided; raise --budget)\n",
               r->unknown_key[0] ? "key " : "the history", r->unknown_key, r->unknown_states,
               r->unknown_budget, r->keys_unknown, r->keys_count);
    }
}

int cmd_check_history(int argc, char **argv) {
    struct opts o = {0};
    int rc = parse_args(argc, argv, &o);
    if (rc != 0) return rc;
    struct dslab_lincheck_result r;
    struct dslab_diag diag;
    dslab_diag_clear(&diag);
    if (dslab_lincheck_file(o.file, &o.lin, &r, &diag) != 0) {
        cli_print_diag(&diag);
        return EXIT_BAD_INPUT;
    }
    if (o.json) {
        print_json(&o, &r);
    } else {
        print_text(&o, &r);
    }
    switch (r.verdict) {
    case DSLAB_LINCHECK_LINEARIZABLE: return EXIT_CHECKS_HOLD;
    case DSLAB_LINCHECK_NOT_LINEARIZABLE: return EXIT_CHECK_FAILED;
    case DSLAB_LINCHECK_UNKNOWN: return EXIT_UNKNOWN;
    }
    return EXIT_UNKNOWN;
}
