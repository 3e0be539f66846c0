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

#ifdef __cplusplus
}
#endif
#endif
