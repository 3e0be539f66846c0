/* miair: document analysis (entropy, quality, patterns) at hardware speed.
 * The one public header of libmiair. What is computed is defined by SPEC.md;
 * the JSON record is described in docs/record.md.
 *
 * Thread safety: an engine is immutable after miair_engine_create() and may
 * be shared by any number of threads; each concurrent miair_analyze() call
 * produces its own result. No global mutable state beyond one-time
 * initialization. */
#ifndef MIAIR_H
#define MIAIR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MIAIR_VERSION_STRING "0.1.0"

/* Status codes. 0 is success; every failure has a message. */
typedef enum miair_status {
    MIAIR_OK = 0,
    MIAIR_ERR_INVALID = 1,  /* a bad argument (NULL pointer, bad config, index out of range) */
    MIAIR_ERR_NOMEM = 2,    /* allocation failed */
    MIAIR_ERR_REGEX = 3,    /* a pattern rule failed to compile or match (resource limit) */
    MIAIR_ERR_IO = 4,       /* a file could not be read */
    MIAIR_ERR_TOO_BIG = 5,  /* input larger than the configured limit */
    MIAIR_ERR_ISA = 6       /* MIAIR_ISA names an instruction set this CPU lacks */
} miair_status;

/* A static English message for a status code. Never NULL. */
const char *miair_status_message(miair_status s);

/* The library version, "MAJOR.MINOR.PATCH". */
const char *miair_version(void);

/* Engine configuration. Initialize with miair_config_init(), then change fields. */
typedef struct miair_config {
    /* Quality dimension weights: completeness, clarity, consistency, accuracy.
     * Default 0.25 each. When they do not sum to 1 within 0.001 they are
     * divided by their sum. All must be >= 0 with a positive sum. */
    double weights[4];
    /* Non-zero: documents carry `last_updated` metadata (adds the 0.9
     * accuracy sub-score of SPEC §3). Default 0. */
    int has_last_updated;
    /* Bytes of text analyzed at a time (a document is walked in windows with
     * state carried across them). 0 = the default (256 KiB); at least 64.
     * Results never depend on it; memory does. */
    size_t window_bytes;
} miair_config;

/* Fills *cfg with the defaults. */
void miair_config_init(miair_config *cfg);

typedef struct miair_engine miair_engine;
typedef struct miair_result miair_result;

/* Creates an engine (compiles the pattern rules). cfg may be NULL for the defaults. */
miair_status miair_engine_create(const miair_config *cfg, miair_engine **out);
/* Frees an engine. NULL is a no-op. */
void miair_engine_free(miair_engine *e);

/* Analyzes one document: len bytes at buf (UTF-8; invalid sequences become
 * U+FFFD; NUL bytes are text). buf may be NULL when len is 0. */
miair_status miair_analyze(const miair_engine *e, const void *buf, size_t len, miair_result **out);
/* Frees a result. NULL is a no-op. */
void miair_result_free(miair_result *r);

/* ---- reading a result ---- */

/* Numeric fields of a result (SPEC §2, §3, §5). */
typedef enum miair_field {
    MIAIR_ENTROPY_CHARACTER,
    MIAIR_ENTROPY_WORD,
    MIAIR_ENTROPY_SENTENCE,
    MIAIR_ENTROPY_AGGREGATE,      /* 0 for the empty document */
    MIAIR_REDUNDANCY,
    MIAIR_INFORMATION_DENSITY,
    MIAIR_VOCABULARY_RICHNESS,
    MIAIR_STRUCTURAL_COMPLEXITY,
    MIAIR_TEXT_LENGTH,            /* code points */
    MIAIR_WORD_COUNT,
    MIAIR_UNIQUE_WORDS,
    MIAIR_AVERAGE_WORD_LENGTH,
    MIAIR_QUALITY_COMPLETENESS,
    MIAIR_QUALITY_CLARITY,
    MIAIR_QUALITY_CONSISTENCY,
    MIAIR_QUALITY_ACCURACY,
    MIAIR_QUALITY_OVERALL,
    MIAIR_PASSES_GATE,            /* 1 when overall >= 0.85, else 0 */
    MIAIR_IMPROVEMENT_POTENTIAL,
    MIAIR_PATTERN_COUNT,          /* number of patterns that fired */
    MIAIR_OCCURRENCE_COUNT,       /* occurrences over all patterns */
    MIAIR_FIELD_COUNT_
} miair_field;

/* The value of a numeric field (integers are exact in a double). NaN for an unknown field. */
double miair_result_number(const miair_result *r, miair_field f);

/* Non-zero when the document was empty (zero code points). */
int miair_result_is_empty(const miair_result *r);

/* String lists of a result. */
typedef enum miair_list {
    MIAIR_LIST_RECOMMENDATIONS,
    MIAIR_LIST_INSIGHTS,
    MIAIR_LIST_SUGGESTIONS,
    MIAIR_LIST_ISSUES_COMPLETENESS,
    MIAIR_LIST_ISSUES_CLARITY,
    MIAIR_LIST_ISSUES_CONSISTENCY,
    MIAIR_LIST_ISSUES_ACCURACY,
    MIAIR_LIST_COUNT_
} miair_list;

/* Number of strings in a list (0 for an unknown list). */
size_t miair_result_list_size(const miair_result *r, miair_list l);
/* String i of a list, NUL-terminated UTF-8, valid while r lives; NULL when out of range. */
const char *miair_result_list_item(const miair_result *r, miair_list l, size_t i);

/* A pattern that fired (SPEC §4). Strings are static or owned by the result. */
typedef struct miair_pattern {
    const char *type;         /* structural, linguistic, technical, formatting, semantic */
    const char *name;
    const char *description;
    const char *action;
    double severity;
    int priority;
    size_t occurrence_count;
} miair_pattern;

/* One occurrence of a pattern. text is UTF-8 of text_bytes bytes (it may hold NUL). */
typedef struct miair_occurrence {
    const char *text;
    size_t text_bytes;
    size_t start, end;        /* code-point offsets in the decoded text */
    size_t line;              /* 1 + number of '\n' before start (SPEC §4) */
} miair_occurrence;

/* Pattern i (0 <= i < MIAIR_PATTERN_COUNT), in rule order. */
miair_status miair_result_pattern(const miair_result *r, size_t i, miair_pattern *out);
/* Occurrence j of pattern i. */
miair_status miair_result_occurrence(const miair_result *r, size_t i, size_t j, miair_occurrence *out);

/* Serializes the result as one JSON object (docs/record.md) with the given
 * document_id (UTF-8, id_len bytes; escaped as needed), without a trailing
 * newline. *out is allocated by the library (free it with miair_free());
 * *out_len is its length in bytes. */
miair_status miair_result_to_json(const miair_result *r, const char *document_id, size_t id_len,
                                  char **out, size_t *out_len);

/* Writes {"document_id":...,"error":...} for a document that could not be
 * analyzed, in the same allocation convention as miair_result_to_json(). */
miair_status miair_error_to_json(const char *document_id, size_t id_len, const char *error,
                                 char **out, size_t *out_len);

/* Frees memory returned by the library. */
void miair_free(void *p);

/* ==================================================================== */
/* ---- Batch: many documents on many threads (runtime/batch.c) ---- */
/* ==================================================================== */
/* miair_batch_run() analyzes N documents (buffers, files the library reads,
 * file descriptors) with T threads (OpenMP), largest documents first within a
 * bounded window (the largest document of the window that is more than twice
 * the batch's mean size, else the next in input order), one reused working
 * memory per thread, and hands every document's outcome to a callback IN
 * INPUT ORDER, one call at a time, as soon as the next-in-order outcome is
 * ready. At most `window` outcomes are held at
 * once, so memory stays bounded however many documents there are. The
 * outcomes do not depend on the thread count. A failing document yields an
 * error item; the batch continues. */

/* Where a document's bytes come from. */
typedef enum miair_doc_kind {
    MIAIR_DOC_BUFFER = 0, /* data/len, owned by the caller */
    MIAIR_DOC_PATH = 1,   /* path: a regular file read by a worker thread (open, fstat, read) */
    MIAIR_DOC_FD = 2,     /* fd: read until end of file by a worker thread (not closed) */
    MIAIR_DOC_ERROR = 3   /* already failed: error is delivered as the item's message */
} miair_doc_kind;

typedef struct miair_batch_doc {
    miair_doc_kind kind;
    const void *data;   /* MIAIR_DOC_BUFFER */
    size_t len;         /* MIAIR_DOC_BUFFER */
    const char *path;   /* MIAIR_DOC_PATH */
    int fd;             /* MIAIR_DOC_FD */
    const char *error;  /* MIAIR_DOC_ERROR */
    const char *id;     /* document_id for the JSON record; NULL: path, else "" */
    uint64_t size_hint; /* MIAIR_DOC_PATH: expected bytes for scheduling; 0 = let the library stat() it */
} miair_batch_doc;

/* Flags of miair_batch_options. */
#define MIAIR_BATCH_JSON 1u /* serialize each record (or error record) in the worker: item.json */

typedef struct miair_batch_options {
    int threads;        /* 0 = all (omp_get_max_threads(): OMP_NUM_THREADS, else the cores) */
    uint64_t max_bytes; /* PATH/FD documents larger than this yield MIAIR_ERR_TOO_BIG; default 1 GiB */
    unsigned flags;     /* MIAIR_BATCH_* */
    size_t window;      /* max outcomes started but not yet delivered; 0 = default (64 per thread, >= 128) */
    uint64_t window_bytes; /* and max bytes of such documents (the next-in-order one is always allowed);
                              0 = default 64 MiB */
    /* Optional: called once, from one thread, after every document's size is
     * known and before the first item: n documents, total bytes (sizes of
     * files as stat() reports them). */
    void (*on_plan)(void *user, size_t n, uint64_t total_bytes);
} miair_batch_options;

/* Fills *o with the defaults. */
void miair_batch_options_init(miair_batch_options *o);

/* One document's outcome, valid only during the callback. */
typedef struct miair_batch_item {
    size_t index;               /* position in the input (0, 1, 2, ... in call order) */
    const char *id;             /* the document's id (never NULL) */
    miair_status status;        /* MIAIR_OK, or why it failed */
    const char *error;          /* the failure message (strerror text, "input too large: ...",
                                   miair_status_message()); NULL when status is MIAIR_OK */
    const miair_result *result; /* when status is MIAIR_OK */
    const char *json;           /* with MIAIR_BATCH_JSON: the record or error record (no newline) */
    size_t json_len;
    uint64_t bytes;             /* bytes of the document (for MIAIR_ERR_TOO_BIG: its size, or
                                   max_bytes + 1 when only "more than max_bytes" is known) */
    double read_seconds;        /* time of the worker reading the file (0 for buffers) */
    double analyze_seconds;     /* time of miair_analyze */
    double json_seconds;        /* time of serialization (MIAIR_BATCH_JSON) */
    int thread;                 /* the worker that analyzed it, 0..threads-1 */
} miair_batch_item;

/* Receives items in input order. Return 0 to continue, non-zero to stop the batch. */
typedef int (*miair_batch_fn)(void *user, const miair_batch_item *item);

/* Counters of one batch (also what --metrics/--stats print). Seconds of the
 * stages are summed over threads. */
typedef struct miair_batch_stats {
    uint64_t documents;      /* items delivered */
    uint64_t analyzed;       /* items with a full result (and, with MIAIR_BATCH_JSON, record) */
    uint64_t errors;         /* items with an error */
    uint64_t bytes;          /* bytes of the analyzed documents */
    uint64_t patterns_ran;   /* analyzed documents whose pattern stage ran (non-empty ones) */
    uint64_t cache_hits;     /* always 0: there is no result cache yet */
    uint64_t cache_misses;   /* always 0: there is no result cache yet */
    int threads;             /* worker threads used */
    double wall_seconds;     /* miair_batch_run() start to end */
    double stat_seconds;     /* sizing PATH documents (stat) */
    double read_seconds;     /* reading PATH/FD documents */
    double analyze_seconds;  /* miair_analyze */
    double json_seconds;     /* serialization (MIAIR_BATCH_JSON) */
    double deliver_seconds;  /* inside the callback */
    double wait_seconds;     /* workers idle because the window was full */
} miair_batch_stats;

/* Analyzes docs[0..n) with engine e, calling fn(user, item) for each in input
 * order. stats may be NULL. Returns MIAIR_OK when every item was delivered,
 * MIAIR_ERR_IO when the callback stopped the batch (later items are not
 * delivered), MIAIR_ERR_INVALID or MIAIR_ERR_NOMEM when it could not start. */
miair_status miair_batch_run(const miair_engine *e, const miair_batch_doc *docs, size_t n,
                             const miair_batch_options *opt, miair_batch_fn fn, void *user,
                             miair_batch_stats *stats);

/* The thread count miair_batch_run() uses for `threads` (0 = all) before
 * clamping to the number of documents (1 in a build without OpenMP). */
int miair_batch_threads(int threads);

/* Output formats of miair_batch_stats_format(). */
typedef enum miair_stats_format {
    MIAIR_STATS_PROMETHEUS = 0, /* Prometheus text exposition format */
    MIAIR_STATS_TABLE = 1       /* aligned "name  value" lines for people */
} miair_stats_format;

/* Renders stats (runtime/metrics.c). *out is NUL-terminated, allocated by the
 * library (free it with miair_free()); out_len may be NULL. */
miair_status miair_batch_stats_format(const miair_batch_stats *s, miair_stats_format f, char **out,
                                      size_t *out_len);

#ifdef __cplusplus
}
#endif
#endif
