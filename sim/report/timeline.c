/* timeline.c: the trace sink that keeps a run's notable events for its
 * summary: faults, role changes (becoming leader/primary, stepping down),
 * broken assumptions, narration (dslab/report.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dslab/annotation.h"
#include "dslab/report.h"
#include "dslab/time.h"

int dslab_timeline_init(struct dslab_timeline *t, const char (*node_names)[32], int32_t nodes_count) {
    memset(t, 0, sizeof *t);
    t->node_names = node_names;
    t->nodes_count = nodes_count;
    t->leading = calloc((size_t)nodes_count, 1);
    return t->leading ? 0 : -1;
}

void dslab_timeline_deinit(struct dslab_timeline *t) {
    free(t->leading);
    t->leading = NULL;
}

static const char *who(const struct dslab_timeline *t, int32_t node) {
    return node >= 0 ? t->node_names[node] : "?";
}

/* Typed role reports worth a line: becoming leader/primary, and a leader
 * stepping down. Followers and candidates churn too much to list. */
static void role_line(struct dslab_timeline *t, const struct dslab_trace_event *ev, char *line, size_t size) {
    if (ev->node < 0 || ev->node >= t->nodes_count || !ev->text) return;
    int leads = dslab_role_class_leads(ev->role); /* the typed class; the text is only shown */
    if (leads && !t->leading[ev->node]) {
        snprintf(line, size, "role       %s becomes %s (term/epoch %" PRId64 ")", who(t, ev->node), ev->text, ev->a);
    } else if (!leads && t->leading[ev->node]) {
        snprintf(line, size, "role       %s steps down to %s (term/epoch %" PRId64 ")", who(t, ev->node), ev->text, ev->a);
    }
    t->leading[ev->node] = (unsigned char)leads;
}

void dslab_timeline_sink(void *user, const struct dslab_trace_event *ev) {
    struct dslab_timeline *t = user;
    char line[200];
    char d[40];
    line[0] = 0;
    switch (ev->kind) {
    case DSLAB_TRACE_PARTITION: snprintf(line, sizeof line, "partition  %s", ev->text); break;
    case DSLAB_TRACE_HEAL:
        if (ev->node < 0) snprintf(line, sizeof line, "heal       all links");
        else snprintf(line, sizeof line, "heal       %s %s %s", who(t, ev->node), ev->a ? "<->" : "->", who(t, ev->peer));
        break;
    case DSLAB_TRACE_CUT: snprintf(line, sizeof line, "cut        %s %s %s", who(t, ev->node), ev->a ? "<->" : "->", who(t, ev->peer)); break;
    case DSLAB_TRACE_RESTART: snprintf(line, sizeof line, "restart    %s%s", who(t, ev->node), ev->a ? " (unsynced writes lost)" : ""); break;
    case DSLAB_TRACE_PAUSE: snprintf(line, sizeof line, "pause      %s for %s", who(t, ev->node), dslab_time_format_human(ev->a, d, sizeof d)); break;
    case DSLAB_TRACE_RESUME: snprintf(line, sizeof line, "resume     %s", who(t, ev->node)); break;
    case DSLAB_TRACE_CLOCK_JUMP: snprintf(line, sizeof line, "clock      %s jumps %s%s", who(t, ev->node), ev->a >= 0 ? "+" : "", dslab_time_format_human(ev->a, d, sizeof d)); break;
    case DSLAB_TRACE_CLOCK_DRIFT: snprintf(line, sizeof line, "clock      %s drifts %+" PRId64 " ppm", who(t, ev->node), ev->a); break;
    case DSLAB_TRACE_LINK: snprintf(line, sizeof line, "link       %s %s %s: %s", who(t, ev->node), ev->a ? "<->" : "->", who(t, ev->peer), ev->text ? ev->text : ""); break;
    case DSLAB_TRACE_SLOW:
        snprintf(line, sizeof line, "%s %s x%" PRId64, ev->text ? "slow-disk " : "slow      ",
                 who(t, ev->node), ev->a);
        break;
    case DSLAB_TRACE_ANNOTATE:
        if (ev->annotation == DSLAB_ANNOTATION_ROLE) role_line(t, ev, line, sizeof line);
        break;
    case DSLAB_TRACE_CRASH:
        if (ev->node >= 0 && ev->node < t->nodes_count) t->leading[ev->node] = 0;
        snprintf(line, sizeof line, "crash      %s", who(t, ev->node));
        break;
    case DSLAB_TRACE_ASSUMPTION: snprintf(line, sizeof line, "ASSUMPTION %s broken: %s", ev->tag, ev->text); break;
    case DSLAB_TRACE_NARRATION: snprintf(line, sizeof line, "narration  \"%s\"", ev->text); break;
    case DSLAB_TRACE_NO_EFFECT: snprintf(line, sizeof line, "no effect  %s", ev->text); break;
    case DSLAB_TRACE_DEPLOY:
        snprintf(line, sizeof line, "deploy     %s version %" PRId64 " (was %" PRId64 ")", who(t, ev->node), ev->a, ev->b);
        break;
    case DSLAB_TRACE_SET: snprintf(line, sizeof line, "set        protocol.%s = %s", ev->tag, ev->text); break;
    case DSLAB_TRACE_SHED:
        snprintf(line, sizeof line, "shed       %s %" PRId64 ".%02" PRId64 "%% of arrivals", who(t, ev->node), ev->a / 10000,
                 ev->a % 10000 / 100);
        break;
    default: break;
    }
    if (!line[0]) return;
    if (t->count == DSLAB_TIMELINE_MAX) {
        t->dropped++;
        return;
    }
    t->items[t->count].t_ns = ev->t_ns;
    t->items[t->count].kind = ev->kind;
    snprintf(t->items[t->count].line, sizeof t->items[t->count].line, "%s", line);
    t->count++;
}
