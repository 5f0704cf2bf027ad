/* annotation.h: the typed facts a node reports about itself - its role
 * class, its term (or epoch) and its final key values - as node code
 * reports them (dslab/node.h: dslab_ctx_report_role, dslab_ctx_report_term,
 * dslab_ctx_report_final_state, dslab_ctx_report_final_value) and as checkers, the
 * visualiser and the run summary read them (dslab/trace.h: the fields
 * `annotation` and `role` of a DSLAB_TRACE_ANNOTATE event).
 *
 * The contract is the typed field, never the text: a checker asks "is this
 * a role report of class DSLAB_ROLE_LEADER", not "does the text say leader". The
 * text stays in the trace for people (and keeps traces byte-identical to
 * the string conventions these calls replaced). */
#ifndef DSLAB_ANNOTATION_H
#define DSLAB_ANNOTATION_H

#include <stdbool.h>

/* Exported from libdslab.a (docs/ARCHITECTURE.md, "Public API"). */
#pragma GCC visibility push(default)

/* What a node is, as far as checkers and the visualiser care. A protocol
 * maps each of its own roles to one class and keeps its own name for the
 * text (Raft's "pre-candidate" is DSLAB_ROLE_CANDIDATE). */
enum dslab_role_class {
    DSLAB_ROLE_NONE = 0,    /* no role reported yet (never passed to dslab_ctx_report_role) */
    DSLAB_ROLE_FOLLOWER,    /* follows the leader of a term; serves no writes (Raft follower) */
    DSLAB_ROLE_CANDIDATE,   /* asks to lead a new term or epoch (Raft candidate and
                         pre-candidate; primary-backup's fencing candidate) */
    DSLAB_ROLE_LEADER,      /* elected leader of a term; Election Safety: at most one
                         per term (Raft leader). Leads (dslab_role_class_leads). */
    DSLAB_ROLE_PRIMARY,     /* the primary of an epoch, serving writes; at most one per
                         epoch with fencing. Leads (dslab_role_class_leads). */
    DSLAB_ROLE_BACKUP,      /* copies a primary's log (primary-backup backup) */
    DSLAB_ROLE_COORDINATOR, /* drives a protocol for others without terms: no election,
                         not checked as a leader (two-phase-commit coordinator) */
    DSLAB_ROLE_PARTICIPANT, /* takes part under a coordinator (two-phase-commit participant) */
    DSLAB_ROLE_OTHER,       /* anything else: a server, a client, a lock server, storage */
    DSLAB_ROLE_CLASS_COUNT
};

/* Which typed report a DSLAB_TRACE_ANNOTATE event is. */
enum dslab_annotation_kind {
    DSLAB_ANNOTATION_NOTE = 0,    /* dslab_ctx_annotate: free tag, value and text, for people */
    DSLAB_ANNOTATION_ROLE,        /* dslab_ctx_report_role: role = the class, a = term or epoch */
    DSLAB_ANNOTATION_TERM,        /* dslab_ctx_report_term: a = the new term or epoch */
    DSLAB_ANNOTATION_FINAL_STATE, /* dslab_ctx_report_final_state: a = keys that follow */
    DSLAB_ANNOTATION_FINAL_VALUE, /* dslab_ctx_report_final_value: b = key, a = value */
    DSLAB_ANNOTATION_FINAL_REPLICAS, /* dslab_ctx_report_final_replicas: b = key, a = node mask */
    DSLAB_ANNOTATION_KIND_COUNT
};

/* "follower", "candidate", "leader", "primary", "backup", "coordinator",
 * "participant", "other"; "none" for DSLAB_ROLE_NONE and out-of-range values. */
const char *dslab_role_class_name(enum dslab_role_class role);
/* True for the classes that lead a term or epoch (DSLAB_ROLE_LEADER and
 * DSLAB_ROLE_PRIMARY): what one-leader-per-term, leader-available,
 * single-primary-* and the run summary count as leading. */
bool dslab_role_class_leads(enum dslab_role_class role);

#pragma GCC visibility pop

#endif
