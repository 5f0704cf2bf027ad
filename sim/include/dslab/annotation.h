/* annotation.h: the typed facts a node reports about itself - its role
 * class, its term (or epoch) and its final key values - as node code
 * reports them (dslab/node.h: ctx_report_role, ctx_report_term,
 * ctx_report_final_state, ctx_report_final_value) and as checkers, the
 * visualiser and the run summary read them (dslab/trace.h: the fields
 * `annotation` and `role` of a TRACE_ANNOTATE event).
 *
 * The contract is the typed field, never the text: a checker asks "is this
 * a role report of class ROLE_LEADER", not "does the text say leader". The
 * text stays in the trace for people (and keeps traces byte-identical to
 * the string conventions these calls replaced). */
#ifndef DSLAB_ANNOTATION_H
#define DSLAB_ANNOTATION_H

#include <stdbool.h>

/* What a node is, as far as checkers and the visualiser care. A protocol
 * maps each of its own roles to one class and keeps its own name for the
 * text (Raft's "pre-candidate" is ROLE_CANDIDATE). */
enum role_class {
    ROLE_NONE = 0,    /* no role reported yet (never passed to ctx_report_role) */
    ROLE_FOLLOWER,    /* follows the leader of a term; serves no writes (Raft follower) */
    ROLE_CANDIDATE,   /* asks to lead a new term or epoch (Raft candidate and
                         pre-candidate; primary-backup's fencing candidate) */
    ROLE_LEADER,      /* elected leader of a term; Election Safety: at most one
                         per term (Raft leader). Leads (role_class_leads). */
    ROLE_PRIMARY,     /* the primary of an epoch, serving writes; at most one per
                         epoch with fencing. Leads (role_class_leads). */
    ROLE_BACKUP,      /* copies a primary's log (primary-backup backup) */
    ROLE_COORDINATOR, /* drives a protocol for others without terms: no election,
                         not checked as a leader (two-phase-commit coordinator) */
    ROLE_PARTICIPANT, /* takes part under a coordinator (two-phase-commit participant) */
    ROLE_OTHER,       /* anything else: a server, a client, a lock server, storage */
    ROLE_CLASS_COUNT
};

/* Which typed report a TRACE_ANNOTATE event is. */
enum annotation_kind {
    ANNOTATION_NOTE = 0,    /* ctx_annotate: free tag, value and text, for people */
    ANNOTATION_ROLE,        /* ctx_report_role: role = the class, a = term or epoch */
    ANNOTATION_TERM,        /* ctx_report_term: a = the new term or epoch */
    ANNOTATION_FINAL_STATE, /* ctx_report_final_state: a = keys that follow */
    ANNOTATION_FINAL_VALUE, /* ctx_report_final_value: b = key, a = value */
    ANNOTATION_KIND_COUNT
};

/* "follower", "candidate", "leader", "primary", "backup", "coordinator",
 * "participant", "other"; "none" for ROLE_NONE and out-of-range values. */
const char *role_class_name(enum role_class role);
/* True for the classes that lead a term or epoch (ROLE_LEADER and
 * ROLE_PRIMARY): what one-leader-per-term, leader-available,
 * single-primary-* and the run summary count as leading. */
bool role_class_leads(enum role_class role);

#endif
