/* annotation.c: names and meaning of the role classes (dslab/annotation.h). */
#include "dslab/annotation.h"

const char *dslab_role_class_name(enum dslab_role_class role) {
    static const char *const names[DSLAB_ROLE_CLASS_COUNT] = {
        "none", "follower", "candidate", "leader", "primary",
        "backup", "coordinator", "participant", "other",
    };
    return (unsigned)role < DSLAB_ROLE_CLASS_COUNT ? names[role] : "none";
}

bool dslab_role_class_leads(enum dslab_role_class role) {
    return role == DSLAB_ROLE_LEADER || role == DSLAB_ROLE_PRIMARY;
}
