/* Internal structures of the analysis of one document (SPEC.md §1-5).
 *
 * The analysis walks the document's valid UTF-8 text in windows (a few
 * hundred KB): everything is computed incrementally with state carried from
 * window to window, so the working memory is bounded by the window size and
 * the document's distinct words, never by its length (runtime/stream.c maps
 * huge files and drops pages behind the window). */
#ifndef MIAIR_INTERNAL_H
#define MIAIR_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kernels.h"
#include "miair.h"
#include "prefilter.h"
#include "pyre.h"

/* Set bits of x. The runtime is built for the baseline ISA (no POPCNT), where
 * __builtin_popcountll is a libgcc call; this SWAR form is a dozen inline ops. */
static inline unsigned miair_popcount64(uint64_t x) {
#if defined(__POPCNT__) || defined(__aarch64__)
    return (unsigned)__builtin_popcountll(x);
#else
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
    return (unsigned)((x * 0x0101010101010101ull) >> 56);
#endif
}

/* The functions whose loops count bits (miair_window_text and what it inlines): on x86-64 built
 * without POPCNT, GCC clones them for CPUs that have it (chosen once at load by an ifunc) and
 * turns the SWAR form above into the instruction there. Not under ThreadSanitizer or
 * AddressSanitizer: their instrumented ifunc resolver runs before the sanitizer is set up (a
 * crash at load, seen with -fsanitize=thread). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__POPCNT__) &&                   \
    !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
#define MIAIR_POPCNT_CLONES __attribute__((target_clones("popcnt", "default")))
#else
#define MIAIR_POPCNT_CLONES
#endif

/* Words per block in the window's class bitmaps (>= MIAIR_CLS_COUNT; array of structs: a
 * class stride that is a multiple of 4 KiB makes classify several times slower). */
#define CLS_STRIDE 16
#define SET_STRIDE 16 /* sets 0..7: first bytes and runs; 8..15: the pair buckets */

/* ---- growable byte buffers ---- */
typedef struct {
    char *p;
    size_t len, cap;
} miair_buf;

int miair_buf_reserve(miair_buf *b, size_t extra);
static inline int miair_buf_append(miair_buf *b, const void *data, size_t n) {
    if (b->len + n > b->cap && miair_buf_reserve(b, n)) return -1;
    if (n) memcpy(b->p + b->len, data, n);
    b->len += n;
    return 0;
}
void miair_buf_release(miair_buf *b);

/* ---- rules and regexes ---- */
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

#define MIAIR_PAIR_BUCKETS 4

/* The ASCII words that may begin a match of a regex of nonword_mask (the \b-led ones): any word whose
 * first byte is in keep_first, and the first words of the literal alternations (exact: the word
 * itself; else a prefix of it). The text stage marks the other word starts of an ASCII window, the
 * scan drops them from its \b candidates unless their first byte is uppercase (the words are
 * lowered; see miair_wordstart_keeps, runtime/scan.c). */
#define MIAIR_WS_ALTS 64
struct miair_wordstart {
    int usable;
    uint8_t keep_first[128];
    uint8_t lo[128], hi[128]; /* the alternatives beginning with byte c: alt[lo[c] .. hi[c]) */
    int nalt;
    struct miair_ws_alt {
        uint8_t len, exact;
        uint8_t c[MIAIR_PF_ALT_LEN]; /* lowercase */
    } alt[MIAIR_WS_ALTS];
};
#define MIAIR_BITMAP_RUNS 4 /* run-shaped regexes scanned from bitmaps (byteset_bits sets 3..6) */

struct miair_engine {
    miair_config cfg;
    const struct miair_kernels *k; /* chosen once by runtime/dispatch.c */
    double weights[4];             /* normalized */
    miair_pyre rx[RX_COUNT];       /* .code NULL for custom rules */
    miair_prefilter pf[RX_COUNT];  /* where each can start */
    uint32_t first_mask[256];      /* byte -> prefiltered regexes (bit = id) whose match may start with it */
    uint32_t nonword_mask;         /* regexes whose match needs a non-word byte before an ASCII first byte */
    uint32_t line_start_mask;      /* regexes whose match starts a line */
    /* first-byte and run sets for the byteset_bits kernel: 0 ANY, 1 NW, 2 LS, 3.. run classes (pairs
     * are checked per candidate with pair_mask); for all regexes, and for the rule regexes alone */
    struct miair_bytesets bsets, bsets_rules;
    /* Pair buckets (a Teddy-style two-byte fingerprint with exact byte sets): the ASCII first bytes
     * whose pair filter rejects some next byte, in up to MIAIR_PAIR_BUCKETS buckets; set 2k: the
     * first bytes of bucket k, set 2k+1: every ASCII next byte some of them accepts. A candidate
     * whose byte is in bucket k is kept only when the next byte is in set 2k+1 or >= 0x80 (which
     * the pair filter does not judge). For all regexes, and for the rule regexes alone. */
    struct miair_bytesets pairs, pairs_rules;
    int run_ids[MIAIR_BITMAP_RUNS]; /* run-shaped regexes scanned from bitmaps */
    int nruns;
    uint32_t pair_mask[128][128];  /* ASCII (byte, next byte) -> regexes whose first-byte and pair filters pass */
    struct miair_wordstart wstart;
    uint8_t fence[RX_COUNT];       /* MIAIR_FENCE_* of a code-fence regex matched by hand (runtime/scan.c), or 0 */
    size_t window;                 /* bytes per window */
    uint64_t serial;               /* distinct for every engine created in the process */
};

/* ---- results ---- */
typedef struct {
    size_t text_off, text_len; /* in the result arena */
    size_t start, end, line;
} miair_occ;

typedef struct {
    miair_occ *v;
    size_t n, cap;
} miair_occvec;

typedef struct {
    struct miair_strref {
        size_t off, len; /* a NUL-terminated string in the arena: offset, length without the NUL */
    } *s;
    size_t n, cap;
} miair_strlist;

#define MIAIR_MAX_SUBSCORES 8

struct miair_result {
    int empty;
    unsigned outputs; /* MIAIR_OUTPUT_* parts of the JSON record */
    double num[MIAIR_FIELD_COUNT_];
    double sub[4][MIAIR_MAX_SUBSCORES];
    int nsub[4];
    miair_strlist lists[MIAIR_LIST_COUNT_];
    int pat_rule[MIAIR_RULES]; /* the patterns that fired, in rule order */
    size_t npat;
    miair_occvec occ[MIAIR_RULES]; /* occurrences per rule */
    size_t preview_off, preview_len;
    miair_buf arena;
};

size_t miair_result_add_string(miair_result *r, const char *s, size_t n);
int miair_result_list_push(miair_result *r, miair_list l, const char *s);
int miair_result_list_pushf(miair_result *r, miair_list l, const char *fmt, ...);
/* Appends src to dst[0..cap) at *n, as snprintf would: truncated to cap - 1 bytes, always terminated. */
void miair_cat_bounded(char *dst, size_t cap, size_t *n, const char *src);
/* pre, the decimal digits of v, post (without printf) */
int miair_result_list_push_num(miair_result *r, miair_list l, const char *pre, uint64_t v, const char *post);
int miair_result_add_occ(miair_result *r, int rule, const char *text, size_t text_len, size_t start, size_t end,
                         size_t line);

/* ---- the incremental state of one document ---- */

/* Sums of the quality metrics' regex matches (SPEC §3) and custom rules' inputs. */
typedef struct {
    long headers, code_blocks, links, todo, placeholder, code_lang, bullets, versions, years, recent_years, warn,
        broken, spaces, jumps;
    int prev_level;
    double header_words_sum, bracket_sum, link_sum;
    long bullet_char[3];
    size_t sections;            /* matches of ^#{1,3}\s+ */
    size_t section_piece_start; /* code point where the current piece starts */
} miair_quality_acc;

/* Word table slot: the key's first 16 bytes (zero padded) and length inline, so that a lookup
 * of a short word reads one slot; ent: the entry in s->words. */
struct miair_word_slot {
    uint64_t k0, k1;
    uint32_t len, ent;
};

/* Recent-word cache entry: a short word's key words (they tell its length; all zero: empty, no
 * word's first key word is 0), its lexicon entry. */
struct miair_word_recent {
    uint64_t k0, k1;
    uint32_t ent, pad[3]; /* 32 bytes */
};
#define MIAIR_WORD_RECENT 256

/* The lexicon: the distinct words (maximal \w runs of text.lower(), their UTF-8 bytes) of the
 * documents a scratch analyzed with one engine, kept from one document to the next with what is
 * judged once per word; cleared when the engine changes or it has grown past MIAIR_LEXICON_MAX
 * words. The current document's words: the entries with gen == s->word_gen, listed in
 * first-occurrence order in s->order. */
typedef struct {
    uint64_t hash;
    size_t key_off;   /* in the key arena */
    uint32_t key_len; /* bytes */
    uint32_t rej;     /* 1: an ASCII word that begins no match of a \b-led regex (miair_wordstart_keeps) */
    uint64_t count;   /* occurrences in the current document (when gen == s->word_gen) */
    uint32_t gen;
    uint32_t needles; /* bit i: needle i of miair_needle_found occurs in the word */
} miair_word;
/* Small enough for the lexicon's tables to stay in a core's cache: a larger one (65,536) made the
 * python docs 10% slower (their vocabulary is large and varied); seed documents use ~60 words. */
#define MIAIR_LEXICON_MAX 4096

/* Token / sentence / paragraph machine (carried across windows). */
typedef struct {
    uint64_t ns_carry, x_carry, t_carry, s_extra_carry;
    size_t skip_until; /* separator search restarts here (byte offset) */
    size_t s_tok, p_tok, p_pieces;
    int para_nonblank;
    size_t ws_tokens, sentences, sentence_tokens, paragraphs;
    double paragraph_sum;
} miair_stats_state;

#define MIAIR_INTRO_CHARS 500
#define MIAIR_TAIL_CHARS 1000
#define MIAIR_NEEDLES 10 /* introduction usage example reference + technical words */

/* Per-thread working memory, reused across documents. */
typedef struct miair_scratch {
    const struct miair_kernels *k;
    miair_pyre_scratch rx;
    /* window buffers */
    uint32_t *cp, *lw;        /* decoded window and its lower() (non-ASCII windows) */
    size_t cap_cp, cap_lw;
    miair_buf lw8;            /* the window's text.lower() as UTF-8 */
    int lw8_ascii;            /* the window is ASCII (lw8 has one byte per code point) */
    uint64_t *cls;            /* class bitmaps of the window: block b, class c at cls[b * CLS_STRIDE + c] */
    uint32_t *rank_nl, *rank_ct; /* per block: newlines / continuation bytes before it in the window */
    uint64_t *setbits;        /* byteset_bits of the window: block b, set k at setbits[b * SET_STRIDE + k] */
    size_t cap_blocks;
    /* per block of an ASCII window: the word starts whose word begins no \b-led match (valid when
     * wrej_ok: set by the text stage, used and cleared by the scan of the same window) */
    uint64_t *wrej;
    int wrej_ok;
    const struct miair_wordstart *wstart; /* the engine's, for the words of the current document */
    /* whole-text buffer when the input is not valid UTF-8 (re-encoded) */
    miair_buf valid;
    /* character histogram; while every window so far was ASCII (hist_words), the bytes of words
     * are counted at the end from the distinct words (count x key bytes, lowered) and the windows
     * count only their other bytes and the uppercase letters' +1/-1 (modulo 2^64 in between) */
    uint64_t ascii_counts[128];
    int hist_words;
    uint32_t *cp_keys;
    uint64_t *cp_counts;
    size_t cp_mask, cp_used;
    /* words */
    miair_buf words, word_keys, pending; /* lexicon entries, key bytes, a word cut by the window edge */
    miair_buf order;                     /* the document's words (uint32_t entries), first occurrence first */
    uint64_t lexicon_engine;             /* the serial of the engine the lexicon was judged for */
    struct miair_word_slot *word_index; /* open addressing, linear probing; len 0: empty */
    /* recent words: a direct-mapped cache in front of the table */
    struct miair_word_recent *word_recent;
    uint32_t word_gen; /* of the current document (lexicon entries counted in it) */
    size_t word_slots;
    size_t nwords, words_cp_total, pending_cps;
    /* sentence lengths: count per length */
    uint64_t *sent_hist;
    size_t sent_hist_cap, sent_max;
    miair_stats_state st;
    /* lowered-text checks */
    unsigned sigma_prev;      /* sigma class of the last non-ignorable code point */
    int has_fence;            /* "```" occurs in the text */
    int needle_found[MIAIR_NEEDLES]; /* memo of miair_needle_found: 0 unknown, 1 yes, -1 no */
    miair_buf intro;          /* text.lower()[:500] */
    size_t intro_cps;
    miair_buf tail;           /* text.lower()[-1000:] (so far) */
    size_t tail_cps;
    size_t lower_cps;         /* len(text.lower()) */
    /* positions */
    size_t wa, wb;            /* current window (bytes) */
    size_t cp_before, nl_before;
    size_t n_cp, n_nl;        /* totals */
    /* scan */
    size_t next[RX_COUNT];
    size_t star_from[RX_COUNT], star_end[RX_COUNT]; /* C*D filter: the C run from star_from ends at star_end */
    size_t req_from[256], req_at[256]; /* the next occurrence of byte b at or after req_from[b] is req_at[b] */
    uint8_t req_valid[256];
    size_t run_start[RX_COUNT], run_chars[RX_COUNT], run_start_cp[RX_COUNT], run_start_line[RX_COUNT];
    int in_run[RX_COUNT];
    size_t fallback_pos[RX_COUNT];
    int fallback_state[RX_COUNT]; /* 0 search, 1 pending match, 2 done */
    size_t fallback_ov[RX_COUNT][8];
    int fallback_must_advance[RX_COUNT];
    miair_quality_acc q;
    miair_buf section_lens, header_ratios; /* doubles */
    /* pattern-stage benchmark mode: only regexes in rx_only run, matches are counted, not consumed */
    uint32_t rx_only;
    int count_only;
    size_t match_count;
    /* when set, called with byte ranges of the text that will not be read again soon (page dropping) */
    void (*drop)(void *ctx, size_t from, size_t to);
    void *drop_ctx;
} miair_scratch;

int miair_scratch_init(miair_scratch *s);
void miair_scratch_release(miair_scratch *s);

/* The text of a document as the analysis sees it. */
typedef struct {
    const uint8_t *u8; /* valid UTF-8 */
    size_t nb;
} miair_text;

/* ---- stages ---- */
/* Valid UTF-8 for the input: the input itself, or its re-encoding in s->valid. */
miair_status miair_text_prepare(miair_scratch *s, const void *buf, size_t len, miair_text *t);
void miair_doc_reset(miair_scratch *s);
/* Before a document's words: keeps the lexicon when it was judged for this engine and is not too
 * big, else clears it. */
void miair_lexicon_prepare(miair_scratch *s, const miair_engine *e);
/* Class bitmaps and ranks of the window [s->wa, s->wb). */
miair_status miair_classify_window(miair_scratch *s, const miair_text *t, size_t *blocks_out);
/* One window [s->wa, s->wb): lower, character histogram, words, tokens/sentences/paragraphs, needles. */
miair_status miair_window_text(const miair_engine *e, miair_scratch *s, const miair_text *t);
/* One window: every regex match starting in it, handed to the consumers. */
miair_status miair_window_scan(const miair_engine *e, miair_scratch *s, const miair_text *t, miair_result *r);
/* After the last window. */
miair_status miair_scan_finish(const miair_engine *e, miair_scratch *s, const miair_text *t, miair_result *r);
miair_status miair_entropy_finish(miair_scratch *s, miair_result *r);
void miair_hist_words_settle(miair_scratch *s);
miair_status miair_patterns_finish(const miair_engine *e, miair_scratch *s, const miair_text *t, miair_result *r);
miair_status miair_quality_finish(const miair_engine *e, miair_scratch *s, miair_result *r);
miair_status miair_finish(miair_result *r); /* improvement potential, recommendations */

/* Consumers of regex matches (ov: byte offsets of groups; start/line of group 0). */
miair_status miair_on_quality_match(miair_scratch *s, const miair_text *t, int id, const size_t *ov, size_t start_cp);
/* The counter that is all a quality regex's match changes (miair_on_quality_match adds 1 to it and
 * reads nothing of the match), or NULL. */
long *miair_quality_counter(miair_scratch *s, int id);
miair_status miair_on_rule_match(miair_scratch *s, const miair_text *t, miair_result *r, int rule, const size_t *ov,
                                 size_t start_cp, size_t end_cp, size_t line);

/* Whether needle i of text.lower() was found: 0-3 introduction usage example reference,
 * 4-9 function method class api code implementation. */
int miair_needle_found(const miair_scratch *s, int i);
/* The code-fence regexes matched without PCRE2 (fence_at, runtime/scan.c), by their pattern text. */
enum { MIAIR_FENCE_NONE, MIAIR_FENCE_BLOCK, MIAIR_FENCE_LANG, MIAIR_FENCE_NEWLINE };
int miair_fence_shape(const char *py);
/* Whether the ASCII word key[0..len) (lowered) may begin a match of a \b-led regex. */
int miair_wordstart_keeps(const struct miair_wordstart *ws, const uint8_t *key, size_t len);
/* Count of an ASCII word among words(text). */
uint64_t miair_word_count(const miair_scratch *s, const char *word);

/* Positions inside the current window (p in [wa, wb]). */
size_t miair_cp_at(const miair_scratch *s, size_t p);
size_t miair_line_at(const miair_scratch *s, size_t p);
/* Code points in u8[a, b). */
size_t miair_utf8_count(const uint8_t *u, size_t a, size_t b);
/* str.split() tokens of u8[a, b) (valid UTF-8). */
size_t miair_utf8_tokens(const uint8_t *u, size_t a, size_t b);
/* Whether buf is valid UTF-8 exactly as CPython's decoder accepts it. */
int miair_utf8_valid(const struct miair_kernels *k, const uint8_t *buf, size_t n);
/* Decodes the code point at u8[*i] (valid UTF-8) and advances *i. */
static inline uint32_t miair_utf8_next(const uint8_t *u, size_t *i) {
    uint32_t c = u[(*i)++];
    if (c < 0x80) return c;
    if (c < 0xE0) return ((c & 0x1F) << 6) | (u[(*i)++] & 0x3F);
    if (c < 0xF0) {
        c = ((c & 0x0F) << 12) | ((uint32_t)(u[*i] & 0x3F) << 6) | (u[*i + 1] & 0x3F);
        *i += 2;
        return c;
    }
    c = ((c & 0x07) << 18) | ((uint32_t)(u[*i] & 0x3F) << 12) | ((uint32_t)(u[*i + 1] & 0x3F) << 6) |
        (u[*i + 2] & 0x3F);
    *i += 3;
    return c;
}

/* The pattern stage alone (for benchmarks against other regex engines): the
 * ten regex rules of SPEC §4 over buf with exact Python semantics
 * (prefilter + PCRE2 confirmation), matches counted into *matches. */
miair_status miair_pattern_stage(const miair_engine *e, miair_scratch *s, const void *buf, size_t len,
                                 size_t *matches);

/* miair_analyze with caller-owned scratch (reused across documents). */
miair_status miair_analyze_scratch(const miair_engine *e, miair_scratch *s, const void *buf, size_t len,
                                   miair_result **out);
/* The same over an already valid UTF-8 text (streaming uses it on a mapping). */
miair_status miair_analyze_text(const miair_engine *e, miair_scratch *s, const miair_text *t, miair_result **out);
/* miair_analyze_scratch into *io when it holds a result (its memory reused: miair_result_reset),
 * else into a new one; *io is the result on success, NULL on failure (freed). */
miair_status miair_analyze_reuse(const miair_engine *e, miair_scratch *s, const void *buf, size_t len,
                                 miair_result **io);
/* Empties r for another document, keeping what its lists, occurrences and arena allocated. */
void miair_result_reset(miair_result *r);
/* miair_result_to_json into *b, whose memory is reused (b->len set to the record's length; a NUL
 * follows it). On failure *b is released. */
miair_status miair_result_to_json_buf(const miair_result *r, const char *document_id, size_t id_len, miair_buf *b);

int miair_engine_compile_rules(miair_engine *e, char *err, size_t errlen);
void miair_scan_prepare(miair_engine *e);
/* Window size of an engine (tests force small windows to check equality). */
void miair_engine_set_window(miair_engine *e, size_t bytes);

/* Python-compatible helpers */
double miair_mean(const double *x, size_t n);
double miair_pstdev(const double *x, size_t n);

#endif
