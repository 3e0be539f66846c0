/* Internal structures of the analysis of one document (SPEC.md §1-5). */
#ifndef MIAIR_INTERNAL_H
#define MIAIR_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "miair.h"
#include "prefilter.h"
#include "pyre.h"

/* ---- growable arrays and a string arena (offsets, so growth is safe) ---- */
typedef struct {
    char *p;
    size_t len, cap;
} miair_buf;

int miair_buf_reserve(miair_buf *b, size_t extra);
int miair_buf_append(miair_buf *b, const void *data, size_t n);
void miair_buf_release(miair_buf *b);

struct miair_scratch;
struct miair_kernels;

/* ---- the text model ---- */
typedef struct {
    const uint32_t *cp; /* decoded code points (NULL for ASCII text: they are the bytes) */
    size_t n;
    const uint8_t *u8;  /* the same text as valid UTF-8 */
    size_t nb;
    const uint32_t *lw; /* text.lower() (NULL for ASCII text: see the scratch's lw8) */
    size_t nl;
    int ascii;          /* every code point < 128: byte offsets are code-point offsets */
} miair_text;

/* Facts of one pass over the text (miair_text_stats). */
typedef struct {
    size_t ws_tokens;       /* len(text.split()) */
    size_t sentences;       /* len(sentences(text)) */
    size_t sentence_tokens; /* sum of their str.split() lengths (the lengths themselves: scratch sent) */
    size_t paragraphs;      /* len(paragraphs(text)) */
    double paragraph_sum;   /* sum of the paragraph scores of SPEC §3 clarity, in text order */
} miair_text_facts;

/* Converts increasing byte offsets of t->u8 into code-point offsets and line numbers. */
typedef struct {
    const miair_text *t;
    size_t b, c, nl; /* byte offset, code-point offset, '\n' count before b */
} miair_cursor;

void miair_cursor_init(miair_cursor *k, const miair_text *t);
/* Moves to byte offset b (>= the current one, or restarts when smaller). */
void miair_cursor_seek(miair_cursor *k, size_t b);
/* Code-point offset of byte offset b, moving the cursor forward (lines not maintained). */
size_t miair_cursor_cp(miair_cursor *k, size_t b);

/* Number of str.split() tokens of cp[0..n). */
size_t miair_ws_tokens(const uint32_t *cp, size_t n);

/* str.split() tokens of code points [a, b) of the text. */
size_t miair_text_tokens(const miair_text *t, size_t a, size_t b);
/* Whether text.lower()[start:start+len] holds an ASCII needle. */
int miair_lower_window_contains(const struct miair_scratch *s, const miair_text *t, size_t start, size_t len,
                                const char *needle);

/* Occurrence of a code-point needle (ASCII string) in hay. */
int miair_contains_ascii(const uint32_t *hay, size_t n, const char *needle);

/* ---- rules ---- */
enum {
    RX_HEADERS, RX_CODE_BLOCKS, RX_LINKS, RX_TODO, RX_PLACEHOLDER, RX_CODE_LANG, RX_BULLETS,
    RX_VERSION, RX_YEARS, RX_WARN, RX_BROKEN_LINKS, RX_SECTIONS, RX_HEADER_TITLES, RX_SPACES,
    RX_QUALITY_COUNT_
};

#define MIAIR_RULES 15
/* Regex ids: the quality regexes, then one per pattern rule (custom rules have none). */
#define RX_RULE0 RX_QUALITY_COUNT_
#define RX_COUNT (RX_QUALITY_COUNT_ + MIAIR_RULES)

typedef struct {
    const char *type, *name, *regex, *description, *action;
    unsigned caseless;
    double severity;
    int priority;
} miair_rule;

extern const miair_rule miair_rules[MIAIR_RULES];

struct miair_engine {
    miair_config cfg;
    const struct miair_kernels *k; /* chosen once by runtime/dispatch.c */
    double weights[4]; /* normalized */
    miair_pyre rx[RX_COUNT];      /* .code NULL for custom rules */
    miair_prefilter pf[RX_COUNT]; /* where each can start */
    uint32_t first_mask[256];     /* byte -> regexes (bit = id) whose match may start with it (prefiltered ones) */
    uint32_t nonword_mask;        /* regexes whose match needs a non-word byte before an ASCII first byte */
    uint8_t scan_sets[256];       /* SCAN_* bits of each byte (runtime/scan.c) */
    uint32_t pair_mask[128][128]; /* ASCII (byte, next byte) -> regexes whose first-byte and pair filters pass */
    uint32_t line_start_mask;     /* regexes whose match starts a line */
};

/* ---- results ---- */
typedef struct {
    size_t text_off, text_len; /* in the result arena */
    size_t start, end, line;
} miair_occ;

typedef struct {
    int rule;                  /* index in miair_rules */
    size_t occ_begin, occ_count;
} miair_pat;

typedef struct {
    size_t *off; /* offsets in the arena of NUL-terminated strings */
    size_t n, cap;
} miair_strlist;

#define MIAIR_MAX_SUBSCORES 8

struct miair_result {
    int empty;
    double num[MIAIR_FIELD_COUNT_];
    double sub[4][MIAIR_MAX_SUBSCORES];
    int nsub[4];
    miair_strlist lists[MIAIR_LIST_COUNT_];
    miair_pat pat[MIAIR_RULES];
    size_t npat;
    miair_occ *occ;
    size_t nocc, occ_cap;
    size_t preview_off, preview_len;
    miair_buf arena;
};

/* Per-analysis working memory. */
typedef struct miair_scratch {
    const struct miair_kernels *k; /* the engine's kernel table */
    miair_pyre_scratch rx;
    uint32_t *cp, *lw;
    uint8_t *u8;
    size_t cap_cp, cap_lw, cap_u8;
    miair_buf words;    /* word table: see analyze.c */
    size_t words_unit;  /* its keys: 1 = bytes of lw8, 4 = code points of lw */
    miair_buf tmp;
    uint32_t *cp_counts; /* 0x110000 counters, allocated on first non-ASCII text */
    miair_buf touched;   /* non-ASCII code points seen (uint32) */
    miair_buf matches[RX_COUNT]; /* per regex: ovectors (2*(1+captures) size_t each), in match order */
    miair_buf newlines;  /* byte offsets of '\n' (size_t) */
    miair_buf sent;      /* sentence lengths (size_t), text order */
    miair_buf lw8;       /* text.lower() as UTF-8 */
    miair_text_facts facts;
} miair_scratch;

/* scan_sets bits: the byte starts a prefiltered regex anywhere / only after a
 * non-word byte (leading \b) / only at a line start (leading ^); is [0-9A-Za-z_]. */
enum { SCAN_ANY = 1, SCAN_NW = 2, SCAN_LS = 4, SCAN_WORD = 8 };
void miair_scan_prepare(miair_engine *e);

/* Runs every regex of the engine over the text (prefiltered, exact re.finditer semantics). */
miair_status miair_scan(const miair_engine *e, miair_scratch *s, const miair_text *t);
/* The matches of regex id: *count of them, each stride size_t (byte offsets: group 0 start/end, then groups). */
const size_t *miair_matches(const miair_engine *e, const miair_scratch *s, int id, size_t *count, size_t *stride);
/* 1 + number of '\n' before byte offset b. */
size_t miair_line_of(const miair_scratch *s, size_t b);

int miair_scratch_init(miair_scratch *s);
void miair_scratch_release(miair_scratch *s);

/* Arena strings. Return the offset, or (size_t)-1 on OOM. */
size_t miair_result_add_string(miair_result *r, const char *s, size_t n);
int miair_result_list_push(miair_result *r, miair_list l, const char *s);
int miair_result_list_pushf(miair_result *r, miair_list l, const char *fmt, ...);
int miair_result_add_occ(miair_result *r, const char *text, size_t text_len, size_t start, size_t end, size_t line);

/* Stages; each returns MIAIR_OK or an error status. */
miair_status miair_text_build(miair_scratch *s, const void *buf, size_t len, miair_text *t);
miair_status miair_entropy_stats(miair_scratch *s, const miair_text *t, miair_result *r);
miair_status miair_quality(const miair_engine *e, miair_scratch *s, const miair_text *t, miair_result *r,
                           long passive_count, long complex_count);
miair_status miair_patterns(const miair_engine *e, miair_scratch *s, const miair_text *t, miair_result *r,
                            long *passive_count, long *complex_count);
miair_status miair_finish(miair_result *r); /* improvement potential, recommendations */

/* miair_analyze with caller-owned scratch (reused across documents). */
miair_status miair_analyze_scratch(const miair_engine *e, miair_scratch *s, const void *buf, size_t len,
                                   miair_result **out);

int miair_engine_compile_rules(miair_engine *e, char *err, size_t errlen);


/* One pass: whitespace tokens, sentence lengths (into s->sent), paragraphs. */
miair_status miair_text_stats(miair_scratch *s, const miair_text *t, miair_text_facts *f);
/* Whether the lowered text holds an ASCII needle (memmem over s->lw8). */
int miair_lower_contains(const miair_scratch *s, const char *needle);

/* Word table built by miair_entropy_stats: count of an ASCII word. */
uint64_t miair_word_lookup(const miair_scratch *s, const miair_text *t, const char *ascii);

/* Python-compatible helpers */
double miair_mean(const double *x, size_t n);
double miair_pstdev(const double *x, size_t n);
double miair_entropy_of_counts(const uint64_t *counts, size_t k, uint64_t total);

#endif
