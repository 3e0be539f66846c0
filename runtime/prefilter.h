/* Where can a match of a Python regex start? A conservative answer computed
 * from the pattern text, so that a scan tries the real regex (PCRE2, anchored)
 * only at candidate positions instead of at every byte.
 *
 * Every condition here is necessary for a match to start at byte p of a
 * valid UTF-8 subject; none is sufficient. Conditions on non-ASCII bytes are
 * never used to reject (they always pass), so only ASCII facts filter. */
#ifndef MIAIR_PREFILTER_H
#define MIAIR_PREFILTER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    uint64_t bits[4];
} miair_byteset;

static inline int miair_byteset_has(const miair_byteset *s, unsigned b) { return (s->bits[b >> 6] >> (b & 63)) & 1; }
static inline void miair_byteset_add(miair_byteset *s, unsigned b) { s->bits[b >> 6] |= 1ull << (b & 63); }

/* A literal prefix of a match: len (<= 8) ASCII characters; bit k of fold: compare case-insensitively (ASCII). */
typedef struct {
    uint8_t len, fold;
    uint8_t c[8];
    /* the same as little-endian words over 8 text bytes: ((w | fold64) & mask64) == val64 */
    uint64_t val64, mask64, fold64;
} miair_litprefix;

#define MIAIR_PF_MAX_LITS 16
#define MIAIR_PF_ALT_MAX 16     /* alternatives of a literal-alternation shape */
#define MIAIR_PF_ALT_LEN 32     /* bytes of one alternative */

/* Literal-alternation shape: the whole regex is [\b](L1|L2|...)[\b] with plain ASCII literal
 * alternatives (group capturing or not; group 1, if any, is the alternative). A match at p is decided
 * without the regex: the first alternative (in order, as Python tries them) whose characters are
 * there and whose boundary conditions hold. */
typedef struct {
    int nalt;
    int lead_b, trail_b;    /* \b before / after the group */
    int not_space_word;     /* then (?!\s+\w+): no run of whitespace followed by a word character */
    /* then \s+\w+S\b with S plain ASCII letters (suffix_len > 0): whitespace, then a word of more than
     * suffix_len characters ending in S; the match ends with the word */
    unsigned suffix_len;
    uint8_t suffix[8];      /* lowercase when icase */
    int icase;
    uint8_t len[MIAIR_PF_ALT_MAX];
    uint8_t c[MIAIR_PF_ALT_MAX][MIAIR_PF_ALT_LEN]; /* lowercase when icase */
    /* the same as little-endian words: ((text word | fold) & mask) == val, word by word */
    uint64_t val[MIAIR_PF_ALT_MAX][MIAIR_PF_ALT_LEN / 8], mask[MIAIR_PF_ALT_MAX][MIAIR_PF_ALT_LEN / 8],
        fold[MIAIR_PF_ALT_MAX][MIAIR_PF_ALT_LEN / 8];
} miair_litalt;

typedef struct {
    int usable;              /* 0: the pattern can match empty, or is outside the analysed subset: search everywhere */
    miair_byteset first;     /* possible first bytes of a match */
    int line_start;          /* a match starts at offset 0 or after '\n' (leading ^ with MULTILINE) */
    int nonword_before;      /* when byte p is ASCII and byte p-1 is ASCII, p-1 is not [0-9A-Za-z_] (leading \b before a word character) */
    /* head run: bytes p .. p+head_min-1 all belong to head (an ASCII-only class repeated at least head_min times) */
    miair_byteset head;
    unsigned head_min;
    /* pair filter: when bytes p and p+1 are ASCII, (b[p], b[p+1]) is one of these */
    int has_pairs;
    uint64_t pairs[128][2];
    /* star filter: the pattern starts with C* then an atom D: skipping ASCII bytes of C from p, the first
     * ASCII byte that is not in C is in D (a non-ASCII byte or the end stops the test) */
    int has_star;
    miair_byteset star_c, star_d;
    /* literal prefixes: one of them matches at p (a non-ASCII byte in the window passes) */
    int nlits;
    miair_litprefix lits[MIAIR_PF_MAX_LITS];
    /* the regex is a literal alternation: matches are decided without it (litalt_match, runtime/scan.c) */
    int has_litalt;
    miair_litalt litalt;
    /* bytes every match holds after its first character (ASCII literals of the top-level sequence) */
    uint8_t required[8];
    int nrequired;
    /* skip shape L C+ D...: after no match at p, none at any p' before q either, q = the first byte after p not
     * in C (from p' the C+ run ends at the same q, and what follows is the same) */
    int skip_shape;
    miair_byteset skip_c;    /* ASCII members of C */
    int skip_c_nonascii;     /* every non-ASCII character is in C (1) or none is (0) */
    /* run shape C{m,}D with C and D disjoint: a match starts exactly at the start of a maximal run of C
     * characters that holds at least m characters and is followed by a D character */
    int run_shape;
    miair_byteset run_c;     /* ASCII members of C (non-ASCII: run_c_nonascii) */
    int run_c_nonascii;      /* 1: every non-ASCII character is in C; 0: none is */
    miair_byteset run_d;     /* D, ASCII only */
    int run_no_d;            /* the shape is C{m,} alone: a match is a whole maximal run of >= m characters */
    int run_pairs_only;      /* run_no_d, C holds ASCII only and m >= 2 */
    unsigned run_min;
} miair_prefilter;

/* Analyses a Python pattern (the subset runtime/pyre.h translates). Never fails:
 * anything outside the analysed subset yields usable = 0. */
void miair_prefilter_analyze(miair_prefilter *pf, const char *py, unsigned pyre_flags);

/* The conditions above that the engine's tables do not apply, at byte p of s[0..n): the head run,
 * the literal prefixes. The first byte, line start, word boundary and pair conditions are applied
 * by the caller for all regexes at once (first_mask, line_start_mask, nonword_mask, pair_mask in
 * runtime/scan.c), the C*D condition with the run it remembers; run shapes are matched apart. */
static inline int miair_prefilter_may_start(const miair_prefilter *pf, const uint8_t *s, size_t n, size_t p) {
    for (unsigned k = 1; k < pf->head_min; k++)
        if (p + k >= n || !miair_byteset_has(&pf->head, s[p + k])) return 0;
    if (pf->nlits) {
        int any = 0;
        if (p + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
            w = __builtin_bswap64(w); /* byte k in bits 8k..8k+7 */
#endif
            const uint64_t high = w & 0x8080808080808080ull;
            /* bytes before the text's first non-ASCII byte: ASCII characters, one per literal byte */
            const uint64_t before = high ? ((high & (0 - high)) >> 7) - 1 : ~0ull;
            for (int j = 0; j < pf->nlits && !any; j++) {
                const miair_litprefix *lp = &pf->lits[j];
                /* a non-ASCII character may be a case variant of a letter of a caseless literal
                 * (U+017F, U+212A, U+0130...): from there on, let the regex decide; a literal that
                 * folds no case matches no non-ASCII byte */
                const uint64_t m = lp->fold64 ? lp->mask64 & before : lp->mask64;
                any = ((w | lp->fold64) & m) == (lp->val64 & m);
            }
        } else {
            for (int j = 0; j < pf->nlits && !any; j++) {
                const miair_litprefix *lp = &pf->lits[j];
                int ok = 1;
                for (unsigned k = 0; k < lp->len && ok; k++) {
                    if (p + k >= n) {
                        ok = 0;
                        break;
                    }
                    uint8_t t = s[p + k];
                    if (t >= 0x80) break; /* non-ASCII: could be a case variant; let the regex decide */
                    if ((lp->fold >> k) & 1) t = (uint8_t)((unsigned)t - 'A' < 26u ? t + 32 : t);
                    ok = t == lp->c[k];
                }
                any = ok;
            }
        }
        if (!any) return 0;
    }
    return 1;
}

#endif
