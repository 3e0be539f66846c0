/* miair: document analysis (entropy, quality, patterns) at hardware speed.
 * The one public header of libmiair. What is computed is defined by SPEC.md;
 * the JSON record is described in docs/record.md.
 *
 * Thread safety: an engine is immutable after miair_engine_create() and may
 * be shared by any number of threads; each concurrent miair_analyze() call
 * produces its own result. No global mutable state beyond one-time
 * initialization; miair_analyze() keeps its working memory per thread
 * between calls (freed when the thread exits, or after a document above
 * 4 MiB), so that analyzing documents one by one does not rebuild it. It
 * includes the distinct words seen so far (up to 4,096 of them, well under 1 MiB;
 * cleared beyond that): a record never depends on the documents before it. */
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
    /* Which parts of the record miair_result_to_json() writes: MIAIR_OUTPUT_* bits; 0 or
     * MIAIR_OUTPUT_ALL = the whole record of docs/record.md. The analysis itself is always
     * complete (accessors see everything). */
    unsigned outputs;
    /* Bytes of text analyzed at a time (a document is walked in windows with
     * state carried across them). 0 = the environment's MIAIR_WINDOW_BYTES
     * if set, else 256 KiB; at least 64. Results never depend on it; memory
     * does. */
    size_t window_bytes;
} miair_config;

/* Parts of the JSON record (miair_config.outputs). document_id is always written. */
enum {
    MIAIR_OUTPUT_PREVIEW = 1u << 0,         /* content_preview */
    MIAIR_OUTPUT_ENTROPY = 1u << 1,         /* entropy_stats */
    MIAIR_OUTPUT_QUALITY = 1u << 2,         /* quality_metrics, quality_issues */
    MIAIR_OUTPUT_PATTERNS = 1u << 3,        /* patterns_summary, patterns, improvement_map, insights */
    MIAIR_OUTPUT_OCCURRENCES = 1u << 4,     /* each pattern's "occurrences" list (with MIAIR_OUTPUT_PATTERNS) */
    MIAIR_OUTPUT_RECOMMENDATIONS = 1u << 5, /* improvement_potential, recommendations */
    MIAIR_OUTPUT_ALL = (1u << 6) - 1
};

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

/* Analyzes the file at path with memory bounded by the analysis window, not
 * by the file: the file is mapped and walked window by window, dropping the
 * pages behind (invalid UTF-8 is first re-encoded into an unlinked temporary
 * file). The result equals miair_analyze() on the file's bytes. max_bytes:
 * larger files fail with MIAIR_ERR_TOO_BIG (0 = no limit). err (may be NULL)
 * receives a message on failure. */
miair_status miair_analyze_file(const miair_engine *e, const char *path, uint64_t max_bytes, miair_result **out,
                                char *err, size_t errsz);

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
 * ready. The calls come from the worker threads (any of them, the calling
 * thread included), never two at once, each finished before the next starts
 * (what one call wrote is visible to the next without a lock of yours); a
 * slow callback holds back only the delivery, and the workers go on until
 * the window is full. At most `window` outcomes are held at
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
    uint64_t stream_threshold; /* PATH documents larger than this are streamed (miair_analyze_file: mapped,
                                  bounded memory, same record) instead of read; default 8 MiB; 0 = default,
                                  UINT64_MAX = never. Streamed documents bypass the result cache. */
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
    uint64_t cache_hits;     /* records taken from the result cache (miair_batch_run_cached), else 0 */
    uint64_t cache_misses;   /* documents looked up in the cache and not found, else 0 */
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


/* ==================================================================== */
/* ---- Cache: content-addressed result cache (runtime/cache.c) ---- */
/* ==================================================================== */
/* A record depends only on the document's bytes and on the engine, so a
 * cache keyed by both can return it without analyzing. The key is XXH3-128
 * of the bytes, their length, miair_version() and the engine digest (below).
 * An entry holds the JSON record without its document_id (the id is spliced
 * in on a hit, escaped exactly as miair_result_to_json() escapes it, so the
 * record is byte-identical to a fresh one) and the numeric fields. The same
 * content under two names is one entry.
 *
 * Two levels: an in-process LRU (entries and bytes capacity, optional TTL,
 * thread-safe, shared by any number of threads), and an optional persistent
 * store directory shared by processes (one file per key, DIR/xx/KEY, written
 * to a temporary file and renamed). Every stored file is checked (magic,
 * format, engine version, engine digest, key, lengths, XXH3-64 checksums)
 * before use; a file failing a check is ignored and counted as corrupt and
 * as a miss. See docs/cache.md. */

typedef struct miair_cache miair_cache;

/* 128 bits, as bytes (XXH3-128 canonical, big-endian). */
typedef struct miair_digest {
    uint8_t bytes[16];
} miair_digest;

/* The key of one document under one engine. */
typedef struct miair_cache_key {
    miair_digest hash;   /* XXH3-128(bytes, length, miair_version(), engine) */
    miair_digest engine; /* the engine digest the key was made with */
} miair_cache_key;

/* The engine digest: everything besides the bytes that decides a record: the
 * configuration (weights as given and normalized, has_last_updated), the
 * pattern rules (type, name, regex, description, action, flags, severity,
 * priority), the compiled regexes (PCRE2 serialized code: the quality regexes
 * too, and the PCRE2 version's translation), the cache format and a
 * fingerprint of the loaded library code (so a rebuilt engine never trusts
 * records of another build). Costs about a millisecond: compute it once. */
miair_status miair_engine_digest(const miair_engine *e, miair_digest *out);

/* The key of len bytes at buf (buf may be NULL when len is 0). */
void miair_cache_key_make(const miair_digest *engine, const void *buf, size_t len, miair_cache_key *out);

typedef struct miair_cache_options {
    size_t max_entries;   /* in-process LRU entries; 0 = no in-process level. Default 1024 */
    uint64_t max_bytes;   /* in-process LRU bytes (records and fields); 0 = no limit. Default 64 MiB */
    double ttl_seconds;   /* in-process entries older than this are misses; 0 = never. Default 0 */
    const char *dir;      /* persistent store directory (created when missing); NULL = none */
    /* Clock for the TTL, seconds; NULL = the monotonic clock (tests inject one). */
    double (*clock)(void *user);
    void *clock_user;
} miair_cache_options;

/* Fills *o with the defaults. */
void miair_cache_options_init(miair_cache_options *o);

/* Creates a cache (and the store directory). MIAIR_ERR_IO when the directory
 * cannot be created or is not writable. */
miair_status miair_cache_create(const miair_cache_options *o, miair_cache **out);
/* Frees a cache (stored files stay). NULL is a no-op. */
void miair_cache_free(miair_cache *c);

/* A hit: the record with the requested document_id, and the numbers. */
typedef struct miair_cached {
    char *json;                        /* NUL-terminated; free with miair_free(); NULL when not asked */
    size_t json_len;
    double number[MIAIR_FIELD_COUNT_]; /* miair_result_number() of every field */
    int empty;                         /* miair_result_is_empty() */
} miair_cached;

/* Looks key up: the in-process level, then the store (a store hit enters the
 * in-process level). *hit = 1 and *out filled on a hit (out->json only when
 * want_json), else *hit = 0. Not finding is not an error; MIAIR_ERR_NOMEM. */
miair_status miair_cache_get(miair_cache *c, const miair_cache_key *key, const char *document_id, size_t id_len,
                             int want_json, miair_cached *out, int *hit);

/* Stores the record of r under key (both levels). The record is serialized
 * here; miair_cache_put_record() reuses one already serialized. A store that
 * cannot be written is counted (store_errors), not an error. */
miair_status miair_cache_put(miair_cache *c, const miair_cache_key *key, const miair_result *r);
/* The same with json/json_len = miair_result_to_json(r, document_id, id_len). */
miair_status miair_cache_put_record(miair_cache *c, const miair_cache_key *key, const miair_result *r,
                                    const char *json, size_t json_len, const char *document_id, size_t id_len);

/* Counters since miair_cache_create(). */
typedef struct miair_cache_stats {
    uint64_t hits;          /* lookups answered (memory_hits + store_hits) */
    uint64_t misses;        /* lookups not answered */
    uint64_t memory_hits;   /* answered by the in-process LRU */
    uint64_t store_hits;    /* answered by the store */
    uint64_t insertions;    /* entries put into the in-process LRU */
    uint64_t evictions;     /* entries dropped for capacity (least recently used first) */
    uint64_t expirations;   /* entries dropped because older than the TTL */
    uint64_t corrupt;       /* stored files ignored: corrupt, truncated, foreign or mismatched */
    uint64_t store_writes;  /* files written to the store */
    uint64_t store_errors;  /* files that could not be written */
    uint64_t entries;       /* in the in-process LRU now */
    uint64_t bytes;         /* their bytes */
    double hash_seconds;    /* making keys (miair_cache_key_make), summed over threads */
    double lookup_seconds;  /* miair_cache_get(), summed over threads */
    double store_seconds;   /* miair_cache_put*(), summed over threads */
} miair_cache_stats;

void miair_cache_stats_get(miair_cache *c, miair_cache_stats *out);

/* Renders the counters like miair_batch_stats_format() (metric names
 * miair_cache_*; hits and misses are in the batch metrics). */
miair_status miair_cache_stats_format(const miair_cache_stats *s, miair_stats_format f, char **out,
                                      size_t *out_len);

/* miair_batch_run() through a cache (c may be NULL: no cache). A document
 * read and keyed whose entry is found is not analyzed: its item has status
 * MIAIR_OK, result NULL, the record in json (with MIAIR_BATCH_JSON) and its
 * numbers through miair_batch_item_number(); stats->cache_hits counts them.
 * Other documents are analyzed and stored (stats->cache_misses). Outcomes
 * are byte-identical to miair_batch_run()'s. MIAIR_DOC_ERROR items skip the
 * cache. */
miair_status miair_batch_run_cached(const miair_engine *e, miair_cache *c, const miair_batch_doc *docs, size_t n,
                                    const miair_batch_options *opt, miair_batch_fn fn, void *user,
                                    miair_batch_stats *stats);

/* Field f of an item with status MIAIR_OK, as received by the callback (the
 * pointer it got; valid during the callback): from item->result, or from the
 * cache entry for a hit. NaN otherwise. */
double miair_batch_item_number(const miair_batch_item *it, miair_field f);
/* 1 when the item came from the cache (result NULL), else 0. */
int miair_batch_item_cached(const miair_batch_item *it);

#ifdef __cplusplus
}
#endif
#endif
