/* hist_kv_txt.c: Porcupine's key/value histories (its test_data/kv files,
 * see shared/external/porcupine/README.md): one EDN map per line,
 *
 *   {:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}
 *
 * with :f :get/:put/:append on string keys and string values, types
 * :invoke and :ok only. The model the data implies is Porcupine's kvModel:
 * per key, initial value "", get returns the current string, put sets it,
 * append concatenates. Should a :fail or :info appear, Knossos' rules apply
 * (hist_knossos.c): did not happen / may or may not have happened. */
#include "hist_parse.h"

#include <stdio.h>

#include "hist_edn.h"

int hist_parse_kv_txt(const char *text, size_t len, const char *name, struct lin_history *h,
                      struct dslab_diag *diag) {
    struct edn_doc doc;
    snprintf(h->format, sizeof h->format, "kv-txt");
    int rc = edn_parse(text, len, name, &doc, diag);
    for (size_t i = 0; rc == 0 && i < doc.forms_count; i++) {
        const struct edn_value *v = &doc.forms[i];
        if (v->type != EDN_MAP) {
            rc = dslab_diag_set(diag, name, v->line, v->col,
                          "expected one operation map {:process ...} per line, found %s",
                          edn_type_name(v->type));
        } else if (i > 0 && v->line == doc.forms[i - 1].line) {
            rc = dslab_diag_set(diag, name, v->line, v->col, "expected one operation map per line");
        }
    }
    if (rc == 0) {
        rc = hist_edn_ops(doc.forms, doc.forms_count, true, name, h, diag);
    }
    edn_doc_free(&doc);
    return rc;
}
