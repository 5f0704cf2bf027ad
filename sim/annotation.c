/* annotation.c: names and meaning of the role classes (dslab/annotation.h). */
#include "dslab/annotation.h"

const char *role_class_name(enum role_class role) {
    static const char *const names[ROLE_CLASS_COUNT] = {
        "none", "follower", "candidate", "leader", "primary",
        "backup", "coordinator", "participant", "other",
    };
    return (unsigned)role < ROLE_CLASS_COUNT ? names[role] : "none";
}

bool role_class_leads(enum role_class role) {
    return role == ROLE_LEADER || role == ROLE_PRIMARY;
}
