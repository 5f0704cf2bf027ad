/* grader.h: exercises, the taxonomy they speak, and the grader.
 *
 *   exercises/taxonomy.yaml ──> grader_taxonomy_load ──> terms (failure modes,
 *                                                 trade-offs, assumptions)
 *   exercises/<track>/<id>.yaml ──> grader_exercise_load ──> questions with keys
 *   answers.yaml ──> grader_answers_load ──> grader_grade_answers ──> per-question verdicts
 *                                        │
 *                                        └─ runs the scenario (evidence,
 *                                           assumptions), its variants
 *                                           (predict), a fix over N seeds,
 *                                           a learner's fault schedule
 *
 * The format is docs/EXERCISE_FORMAT.md. Answer keys are never stored in
 * the clear: taxonomy answers as salted hashes of normalized ids (grader
 * keys.c), free-text rubrics and model solutions as an obfuscated stream,
 * so opening an exercise file does not spoil it. Errors are diagnostics
 * "file:line:col: error: ..." with "did you mean" like the scenario
 * loader's (this library reuses its YAML tree and unit parsers).
 * Library code never prints. Ownership: each *_load returns a heap object
 * that owns its YAML tree; strings inside point into it. */
#ifndef DSLAB_GRADER_H
#define DSLAB_GRADER_H

#include <stdbool.h>
#include <stdint.h>

#include "dslab/action.h"
#include "dslab/diag.h"
#include "dslab/check.h"
#include "dslab/scenario.h"
#include "dslab/sim.h"
#include "dslab/yaml_tree.h"

#define GRADER_KEYS_MAX 8
#define GRADER_HASH_LEN 18 /* "h:" + 16 hex digits */
#define GRADER_TEXT_MAX 2048

/* ---- keys.c: normalizing, hashing, obfuscating ------------------------ */

/* Lower case, every run of other characters than letters and digits
 * becomes one space, trimmed; words lose a plural "s" when longer than 3
 * letters when `stem` is set. Returns out. */
char *grader_key_normalize_words(const char *text, bool stem, char *out, int out_size);
/* Letters and digits only, lower case: "Split-Brain" -> "splitbrain". */
char *grader_key_normalize_term(const char *text, char *out, int out_size);
/* "h:" + 16 hex of a salted 64-bit hash of the normalized term. */
void grader_key_hash(const char *salt, const char *term, char out[GRADER_HASH_LEN + 1]);
/* "enc:" + hex of `plain` XORed with a keystream derived from the salt. */
int grader_key_encode(const char *salt, const char *plain, char *out, int out_size);
/* The reverse; returns 0, or -1 when `enc` is not a valid "enc:" string. */
int grader_key_decode(const char *salt, const char *enc, char *out, int out_size);

/* ---- taxonomy.c ------------------------------------------------------- */

enum term_kind { TERM_FAILURE_MODE, TERM_TRADE_OFF, TERM_ASSUMPTION, TERM_KIND_COUNT };

struct term {
    enum term_kind kind;
    const char *id;
    const char *name;
    const char *definition;
    const char *idea;       /* one of the three ideas of the design brief */
    const char *monitor;    /* assumptions: the monitor's name, or NULL */
    int synonyms_count;
    const char **synonyms;  /* owned array of borrowed strings */
    int scenarios_count;
    const char **scenarios;
    struct dslab_src_pos pos;
};

struct taxonomy {
    char path[512];
    struct dslab_ydoc doc;
    int terms_count;
    struct term *terms; /* owned */
};

struct taxonomy *grader_taxonomy_load(const char *path, struct dslab_diag *diag);
void grader_taxonomy_free(struct taxonomy *t);
/* The term whose id, name or synonym matches `text` (normalized), of
 * `kind` (or any kind when kind == TERM_KIND_COUNT); NULL if none. */
const struct term *grader_taxonomy_find(const struct taxonomy *t, const char *text, enum term_kind kind);
/* The nearest term to a typo, or NULL. */
const struct term *grader_taxonomy_suggest(const struct taxonomy *t, const char *text,
                                    enum term_kind kind);
const char *grader_term_kind_name(enum term_kind k);
/* "a" or "an" for a noun in English, by its first letter (term kind names). */
const char *grader_article(const char *noun);
/* A trade-off said as two sides, "A vs B" (also versus, against, over,
 * v, instead of, rather than): the folded sides (letters and digits, a
 * final plural s dropped) in a and b; false when there is no connector. */
bool grader_taxonomy_two_sides(const char *text, char *a, char *b, int size);
extern const char *const grader_taxonomy_connectors[];
extern const int grader_taxonomy_connectors_count;

/* ---- exercise.c: loading exercise files -------------------------------- */

struct declare_question;

enum question_kind {
    Q_FAILURE_MODE,
    Q_TRADE_OFF,
    Q_ASSUMPTION,
    Q_PREDICT,
    Q_FIX,
    Q_BREAK,
    Q_EXPLAIN,
    Q_OPERATE,
    Q_DECLARE,
    Q_KIND_COUNT
};

struct misconception {
    char hash[GRADER_HASH_LEN + 1];
    const char *feedback;
};

struct override_text {
    const char *path;  /* borrowed from the exercise's tree */
    const char *value;
};

/* A fix the author declares degenerate (docs/EXERCISE_FORMAT.md): it must
 * fail (`dslab lint` checks it), and a learner's failing fix that sets the
 * same parameters gets its feedback. */
struct degenerate_fix {
    int set_count;
    struct override_text *set;   /* owned array; strings borrowed */
    const char *feedback;
    struct dslab_src_pos pos;
};

/* A fix question's adversarial explore: random faults of the exercise's
 * kinds, with magnitudes beyond the scenario's, over `seeds` seeds. */
struct fix_stress {
    bool given;
    int seeds;                   /* 1..GRADER_STRESS_SEEDS_MAX */
    bool keep_scenario_faults;   /* explore "both" (default) or "random" */
    int64_t duration_ns;         /* the explored runs' length (>= the scenario's) */
    struct dslab_scenario_explore bounds;
    int checks_count;
    const char **checks;         /* owned array; the checks judged (default: all but goals) */
    int nodes_count;
    const char **nodes;          /* owned array; the nodes random faults may hit (0 = all) */
    struct dslab_src_pos pos;
};

/* An `operate` question's tempting action list: it must fail (`dslab lint`
 * checks it), and a learner's failing answer that takes all its actions
 * (times aside) gets its feedback. */
struct tempting_acts {
    int count;
    struct dslab_action *acts;   /* owned */
    const char *feedback;
    struct dslab_src_pos pos;
};

/* Actions one operate answer may list at most (its budget is 1..this). */
#define GRADER_OPERATE_ACTIONS_MAX 16

/* A runbook-order question: an `operate` question with `steps:`
 * (docs/EXERCISE_FORMAT.md "Runbook order"; runbook.c). The answer is the
 * steps' order; step k of it runs at start_ns + k * every_ns, each action
 * of the step at that time plus its own offset. */
#define GRADER_RUNBOOK_STEPS_MAX 8
#define GRADER_RUNBOOK_STEP_ACTIONS_MAX 4
struct runbook_step {
    const char *id;              /* borrowed from the exercise's YAML */
    const char *text;            /* what the runbook says the step does */
    int count;
    struct dslab_action acts[GRADER_RUNBOOK_STEP_ACTIONS_MAX]; /* at_ns: offset in the step */
};
/* An order that must fail, and the pairs it inverts against the
 * solution's order (the step before, the step after, in its order). */
struct runbook_tempting {
    int count;
    int order[GRADER_RUNBOOK_STEPS_MAX];
    int pairs_count;
    int pairs[GRADER_RUNBOOK_STEPS_MAX * GRADER_RUNBOOK_STEPS_MAX][2];
    const char *feedback;
    struct dslab_src_pos pos;
};
struct runbook {
    int steps_count;
    struct runbook_step steps[GRADER_RUNBOOK_STEPS_MAX];
    int64_t start_ns, every_ns;
    int solution_count;
    int solution[GRADER_RUNBOOK_STEPS_MAX]; /* the model order, step indices */
    int tempting_count;
    struct runbook_tempting tempting[GRADER_RUNBOOK_STEPS_MAX];
};

#define GRADER_STRESS_SEEDS_MAX 200
/* Runs the shrinker may spend on a counterexample of a fix. */
#define GRADER_SHRINK_RUNS_MAX 120
/* Questions per exercise (answers, reports and the mastery map size by it). */
#define GRADER_QUESTIONS_MAX 16
/* Simulated events one fix grade may spend, over all its runs: about 9 s
 * on one core (the budget of issue 10 is 10 s); the current curriculum
 * needs at most ~2.5M. A fix that makes the system do more work than this
 * fails with feedback saying so. */
#define GRADER_GRADE_EVENTS_MAX INT64_C(12000000)
/* Events one run of a fix grade may process (12 simulated seconds of the
 * busiest exercise take ~60k). */
#define GRADER_RUN_EVENTS_MAX INT64_C(2000000)
/* Evidence windows: `dslab run` prints times to the microsecond; a learner
 * who rounds them to the tenth of a second is off by 50ms at most, so
 * 100ms accepts rounding outward on both ends and nothing lazier. */
#define GRADER_TOLERANCE_DEFAULT_NS (100 * INT64_C(1000000))
#define GRADER_TOLERANCE_MAX_NS (250 * INT64_C(1000000))

struct question {
    const char *id;
    enum question_kind kind;
    const char *prompt;
    int points;
    struct dslab_src_pos pos;
    /* failure-mode, trade-off, assumption: accepted answers */
    int keys_count;
    char keys[GRADER_KEYS_MAX][GRADER_HASH_LEN + 1];
    int misconceptions_count;
    struct misconception *misconceptions; /* owned */
    const char *feedback_wrong;  /* other wrong answers; may be NULL */
    /* trade-off: which way the design leaned, encoded "kept phrase; phrase
     * | given-up phrase; phrase"; NULL = the question does not ask */
    const char *direction;
    /* failure-mode: the check whose violation is the evidence */
    const char *check;           /* also predict and break */
    bool evidence;               /* ask for window and nodes */
    int64_t tolerance_ns;
    /* predict: the variant (--set overrides) */
    int variant_count;
    struct override_text *variant; /* owned */
    /* fix */
    int allowed_count;
    const char **allowed;        /* owned array */
    int goals_count;
    const char **goals;          /* owned array: liveness goals ("leader-available: 1s"), added as checks */
    int fix_checks_count;
    const char **fix_checks;     /* owned array: replace the scenario's checks (0 = keep) */
    bool fix_checks_given;       /* operate: `checks:` was written, so [] means no safety check */
    int seeds_count;
    uint64_t seeds_from;
    int degenerate_count;
    struct degenerate_fix *degenerate; /* owned */
    struct fix_stress stress;
    /* fix, break, explain: the model answer, encoded */
    const char *solution;
    /* break */
    const char *design;          /* scenario path, relative to the root */
    int budget_faults;
    uint32_t budget_kinds;       /* bit per enum dslab_fault_kind allowed */
    /* operate (also goals, fix_checks, seeds_count, seeds_from, solution) */
    int64_t alert_at_ns;         /* no action may come before it */
    const char *alert_text;
    int budget_actions;          /* 1..GRADER_OPERATE_ACTIONS_MAX */
    int tempting_count;
    struct tempting_acts *tempting; /* owned */
    struct runbook *runbook;     /* owned; operate with `steps:` only, else NULL */
    /* explain */
    int rubric_count;
    const char **rubric;         /* encoded "concept: phrase; phrase" */
    int rubric_min;
    /* declare: the needs, max and degenerate declarations (grader_declare.h) */
    struct declare_question *declare; /* owned */
};

struct exercise {
    char path[512];
    char root[512];              /* the directory holding exercises/ */
    struct dslab_ydoc doc;
    const char *id;
    const char *title;
    const char *track;
    int difficulty;
    const char *salt;
    const char *scenario;        /* relative to root */
    uint64_t seed;
    bool seed_given;
    const char *brief;
    const char *debrief;
    int read_first_count;
    const char **read_first;
    int hints_count;
    const char **hints;
    int questions_count;
    struct question *questions;  /* owned */
};

/* Loads and validates one exercise file: keys, kinds, hashes, and that
 * its scenario loads. `root` is the directory holding exercises/ and
 * scenarios/. `tax` checks that hashed keys exist (may be NULL). */
struct exercise *grader_exercise_load(const char *path, const char *root, const struct taxonomy *tax,
                               struct dslab_diag *diag);
/* The same from `text` (len bytes, need not be NUL-terminated); `name`
 * stands for the file's path (errors, and files the exercise names are
 * found relative to it). Used by the fuzz target. */
struct exercise *grader_exercise_load_buffer(const char *text, size_t len, const char *name,
                                      const char *root, const struct taxonomy *tax,
                                      struct dslab_diag *diag);
void grader_exercise_free(struct exercise *e);
const char *grader_question_kind_name(enum question_kind k);
/* The full path of a scenario named relative to the root. */
void grader_exercise_scenario_path(const struct exercise *e, const char *rel, char *out, int out_size);

/* ---- catalog.c: all exercises under a root ----------------------------- */

extern const char *const grader_tracks[];
extern const int grader_tracks_count;

struct catalog {
    char root[512];
    struct taxonomy *taxonomy;
    int count;
    struct exercise **exercises; /* owned, by track order then id */
};

/* Finds the exercises directory: `dir` if given, else $DSLAB_EXERCISES_DIR
 * (read by the caller and passed as dir), else ./exercises, else the
 * compiled-in source tree. Loads the taxonomy and every exercise. */
struct catalog *grader_catalog_load(const char *root, struct dslab_diag *diag);
void grader_catalog_free(struct catalog *c);
const struct exercise *grader_catalog_find(const struct catalog *c, const char *id);
/* Nearest exercise id to a typo, or NULL. */
const char *grader_catalog_suggest(const struct catalog *c, const char *id);

/* ---- answers.c --------------------------------------------------------- */

struct answers {
    char path[512];
    struct dslab_ydoc doc;
    const char *exercise_id;
    const struct dslab_ynode *map;     /* the answers mapping; NULL = no answers */
};

/* Parses an answers file and checks its shape against the exercise: the
 * exercise id, known question ids (did you mean), the shape of each
 * answer. Returns NULL with diag (file:line:col) on malformed input. */
struct answers *grader_answers_load(const char *path, const struct exercise *e, struct dslab_diag *diag);
struct answers *grader_answers_load_buffer(const char *text, size_t len, const char *name,
                                    const struct exercise *e, struct dslab_diag *diag);
void grader_answers_free(struct answers *a);
const struct dslab_ynode *grader_answers_get(const struct answers *a, const char *question_id);

/* ---- grade.c ----------------------------------------------------------- */

struct question_grade {
    const struct question *q;
    bool answered;
    bool pass;
    bool needs_review;           /* explain: always */
    int score_milli;             /* of q->points * 1000 */
    char answer[256];            /* the answer, normalized (class reports) */
    const char *misconception;   /* the known misconception (or, for a fix, degenerate fix) it matched, or NULL */
    char feedback[GRADER_TEXT_MAX];
};

struct grade_result {
    const struct exercise *e;
    int count;
    struct question_grade *q;    /* owned */
    int score_milli;
    int max_milli;
    bool pass;
    char run_summary[512];       /* what the reference run found */
    struct term_hit {
        const char *term_id;     /* taxonomy ids answered correctly */
    } hits[16];
    int hits_count;
};

/* Grades `a` against `e`. Returns 0, or -1 with diag when an answer is
 * malformed in a way only running reveals (a fix value the protocol
 * rejects, a fault schedule that does not load): positioned in the
 * answers file. */
int grader_grade_answers(const struct catalog *c, const struct exercise *e, const struct answers *a,
                  struct grade_result *out, struct dslab_diag *diag);
void grader_grade_result_free(struct grade_result *r);

/* The model answers file (YAML text) that grades as a full pass; computed
 * by running the scenario (evidence windows, predictions). Caller frees. */
char *grader_grade_model_answers(const struct catalog *c, const struct exercise *e, struct dslab_diag *diag);

/* The taxonomy term whose salted hash is `hash`, or NULL (reveal). */
const struct term *grader_grade_key_term(const struct taxonomy *t, const char *salt, const char *hash);

/* ---- run.c: running scenarios for the grader --------------------------- */

struct run_outcome {
    bool loaded;
    bool ran;                    /* reached the end (no budget/limit stop) */
    bool budget_exhausted;       /* stopped by its event budget */
    uint64_t events;             /* events processed */
    int checks_count;
    struct dslab_check_result *checks; /* owned */
    struct dslab_assumption_state assumptions[DSLAB_SIM_ASSUMPTIONS_COUNT];
    char error[DSLAB_DIAG_MESSAGE_MAX + DSLAB_DIAG_PATH_MAX];
};

/* Loads `path` with overrides and runs it at `seed` (0 = the scenario's).
 * Returns 0, or -1 with diag when it does not load or create. */
int grader_run(const char *path, const struct dslab_scenario_override *ov, int ov_count,
               uint64_t seed, bool seed_given, struct run_outcome *out, struct dslab_diag *diag);
/* Runs an already loaded (or borrowed, see grade_internal.h) scenario,
 * within its events_max. */
int grader_run_loaded(const struct dslab_scenario *s, uint64_t seed, struct run_outcome *out, struct dslab_diag *d);
void grader_run_outcome_free(struct run_outcome *o);
/* The first failing check's index, or -1 when all hold. */
int grader_run_outcome_first_failure(const struct run_outcome *o);

/* ---- lint.c: checking an exercise before learners see it --------------- */

struct grader_exercise_lint {
    int count, cap;
    char **messages;             /* owned: the problems found */
    bool model_ok;               /* the model answers passed with full marks */
    int misconceptions_ok;       /* misconceptions that failed with their feedback */
    int degenerate_ok;           /* degenerate fixes (and operate's tempting actions) that failed with their feedback */
    bool out_of_memory;
};

/* Grades the model answers, each misconception and each degenerate fix
 * (docs/EXERCISE_FORMAT.md, "Checking an exercise"). Answers are named
 * under `work_dir` (fix counterexamples are written there). 0, or -1 with
 * diag when out of memory. */
int grader_exercise_lint(const struct catalog *c, const struct exercise *e, const char *work_dir,
                  struct grader_exercise_lint *out, struct dslab_diag *diag);
void grader_exercise_lint_free(struct grader_exercise_lint *l);
/* True when `path` is YAML whose top level has `questions:` (an exercise). */
bool grader_exercise_file_detect(const char *path);

/* ---- progress.c -------------------------------------------------------- */

/* progress.c, progress_file.c: a learner's progress (docs/EXERCISE_FORMAT.md, "Progress"): per
 * exercise the attempts and best score; per question the distinct answers
 * given, in order, and the attempt that was first right; per taxonomy term
 * the questions it was named right in, and whether that was on the first
 * or second attempt of the question (only then is it mastered). */

#define PROGRESS_VERSION 2
#define PROGRESS_ANSWERS_KEPT 16  /* the last distinct answers kept per question */
#define PROGRESS_ANSWER_MAX 256   /* bytes of one kept answer (longer is cut, marked "...") */
#define PROGRESS_MASTERY_ATTEMPTS 2 /* right on attempt 1 or 2 of a question = mastered */
#define PROGRESS_LOCK_WAIT_MS 30000
#define PROGRESS_NAME_MAX 63      /* bytes of an exercise id, question id or term kept */

struct progress_entry {
    char id[64];
    int attempts;
    int best_milli;
    int max_milli;
    bool passed;
};

struct progress_question {
    char exercise[64];
    char question[64];
    int attempts;                /* distinct answers given (a resubmitted answer is not a new attempt) */
    int right_at;                /* the attempt first answered right (1-based); 0 = not yet */
    int answers_count;
    char *answers[PROGRESS_ANSWERS_KEPT]; /* owned; the last distinct ones, oldest first */
};

struct progress_mastery {
    char term[64];
    int right;                   /* questions named right with it */
    int mastered;                /* of those, right on attempt 1 or 2 */
    int best_after;              /* fewest attempts it took; 0 = unknown (a version 1 file) */
};

/* What one grader_progress_record did for a taxonomy question answered right. */
struct progress_credit {
    const char *question;        /* borrowed from the exercise */
    char term[64];
    int after;                   /* the attempt it was right on */
    bool mastered;
};

struct progress {
    char path[1024];
    int count;
    struct progress_entry *entries;        /* owned */
    int questions_count;
    struct progress_question *questions;   /* owned */
    int mastery_count;
    struct progress_mastery *mastery;      /* owned */
    int credits_count;                     /* set by the last grader_progress_record */
    struct progress_credit credits[16];
};

/* The progress file of `profile` under $XDG_DATA_HOME (or ~/.local/share):
 * `xdg_data_home` and `home` are passed in by the caller. */
int grader_progress_path(const char *xdg_data_home, const char *home, const char *profile, char *out,
                  int out_size, struct dslab_diag *diag);
/* Loads the file (a missing file is an empty progress); version 1 files
 * (no `version:`, mastery as { term, count }) are migrated in memory.
 * `p` is overwritten: call grader_progress_free after, also on failure. */
int grader_progress_load(struct progress *p, const char *path, struct dslab_diag *diag);
void grader_progress_free(struct progress *p);
/* Records one graded attempt; fills p->credits. 0, or -1 out of memory. */
int grader_progress_record(struct progress *p, const struct grade_result *r);
/* Writes atomically (PATH.tmp, fsync, rename), creating directories.
 * Call with the lock held (grader_progress_update does): the temporary name is
 * fixed, so a writer killed mid-way leaves PATH.tmp for the next one. */
int grader_progress_save(const struct progress *p, struct dslab_diag *diag);
/* The whole read-modify-write under an exclusive flock on PATH.lock
 * (waiting up to PROGRESS_LOCK_WAIT_MS): load, record r, save. `p` holds
 * the result (its credits) afterwards; call grader_progress_free. */
int grader_progress_update(struct progress *p, const char *path, const struct grade_result *r,
                    struct dslab_diag *diag);
/* The same read-modify-write with any record step (labs: progress_lab.c). */
int grader_progress_update_with(struct progress *p, const char *path, int (*record)(struct progress *, const void *),
                         const void *arg, struct dslab_diag *diag);
const struct progress_entry *grader_progress_find(const struct progress *p, const char *id);
const struct progress_question *grader_progress_find_question(const struct progress *p, const char *exercise,
                                                       const char *question);
const struct progress_mastery *grader_progress_find_mastery(const struct progress *p, const char *term);
/* Whether a graded question counts as right for its attempts: the term
 * for taxonomy questions, the verdict for the others. */
bool grader_progress_question_right(const struct exercise *e, const struct question_grade *qg);

/* ---- leaks.c ----------------------------------------------------------- */

/* An exercise must not give its answers away: no text the learner reads
 * before answering (title, read_first, brief, hints) may contain an
 * accepted term of its own questions (the key's ids, names and synonyms,
 * matched as whole words with case, punctuation, spacing and a plural
 * folded). Returns 0, or -1 with diag at the field ("file:line:col:
 * question 'what-failed': read_first gives away its answer 'split brain'").
 * Called by grader_catalog_load for every exercise; `dslab lint` may call it. */
int grader_exercise_check_leaks(const struct exercise *e, const struct taxonomy *tax, struct dslab_diag *diag);
/* True when the words of `phrase` occur in `text` as whole words (case,
 * punctuation and spacing folded; "split-brain" and "splitbrain" match
 * "split brain"; a plural s/es on the last word is allowed). */
bool grader_leaks_text_has_phrase(const char *text, const char *phrase);

#endif
