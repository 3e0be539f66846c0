#define _GNU_SOURCE /* memmem */
/* The fifteen pattern rules, their occurrences and insights (SPEC §4). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "numfmt.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "internal.h"
#include "unicode.h"

const miair_rule miair_rules[MIAIR_RULES] = {
    {"structural", "missing_introduction", NULL, "Document lacks proper introduction",
     "Add comprehensive introduction section", 0, 0.8, 1},
    {"structural", "unbalanced_sections", NULL, "Section lengths are highly imbalanced",
     "Balance content across sections", 0, 0.6, 3},
    {"structural", "no_conclusion", NULL, "Missing conclusion or summary",
     "Add conclusion summarizing key points", 0, 0.5, 3},
    {"linguistic", "passive_voice_overuse", "\\b(was|were|been|being|is|are|am)\\s+\\w+ed\\b",
     "Excessive use of passive voice", "Convert to active voice for clarity", 1, 0.4, 4},
    {"linguistic", "complex_sentences", "[^.!?]{150,}[.!?]", "Overly complex sentences",
     "Break into shorter, clearer sentences", 0, 0.6, 2},
    {"linguistic", "redundant_phrases",
     "\\b(in order to|at this point in time|due to the fact that|in the event that)\\b",
     "Redundant or wordy phrases", "Simplify to concise expressions", 1, 0.3, 5},
    {"technical", "undefined_acronyms", "\\b[A-Z]{2,}(?![a-z])\\b", "Undefined acronyms or abbreviations",
     "Define acronyms on first use", 0, 0.7, 2},
    {"technical", "missing_code_examples", NULL, "Technical concepts without code examples",
     "Add illustrative code examples", 0, 0.6, 2},
    {"technical", "outdated_references", "\\b(deprecated|obsolete|outdated|legacy)\\b",
     "References to outdated technology", "Update to current best practices", 1, 0.8, 1},
    {"formatting", "inconsistent_headers", NULL, "Inconsistent header formatting",
     "Standardize header formatting", 0, 0.4, 4},
    {"formatting", "missing_lists", "(?:First|Second|Third|1\\)|2\\)|3\\))",
     "Sequential items not in list format", "Convert to proper list formatting", 0, 0.3, 5},
    {"formatting", "code_without_language", "```\\n[^`]", "Code blocks without language specification",
     "Add language identifiers to code blocks", 0, 0.5, 3},
    {"semantic", "vague_language", "\\b(some|many|various|certain|several)\\b",
     "Vague quantifiers without specifics", "Replace with specific quantities or examples", 1, 0.4, 4},
    {"semantic", "missing_context", "\\b(this|that|these|those)\\b(?!\\s+\\w+)",
     "Unclear references lacking context", "Add explicit context to references", 0, 0.5, 3},
    {"semantic", "assumption_language", "\\b(obviously|clearly|simply|just|everyone knows)\\b",
     "Assumptions about reader knowledge", "Remove assumptions, provide context", 1, 0.6, 2},
};

enum {
    RULE_MISSING_INTRODUCTION = 0,
    RULE_UNBALANCED_SECTIONS = 1,
    RULE_NO_CONCLUSION = 2,
    RULE_MISSING_CODE_EXAMPLES = 7,
    RULE_INCONSISTENT_HEADERS = 9,
};

miair_status miair_on_rule_match(miair_scratch *s, const miair_text *t, miair_result *r, int rule, const size_t *ov,
                                 size_t start_cp, size_t end_cp, size_t line) {
    (void)s;
    if (miair_result_add_occ(r, rule, (const char *)t->u8 + ov[0], ov[1] - ov[0], start_cp, end_cp, line))
        return MIAIR_ERR_NOMEM;
    return MIAIR_OK;
}

static int memmem_any(const char *hay, size_t n, const char *const *needles) {
    for (; *needles; needles++)
        if (memmem(hay, n, *needles, strlen(*needles))) return 1;
    return 0;
}

/* Whether needle nd (m >= 2 bytes) occurs in hay[0..n), looking from the end: the tail's conclusion
 * words are most often near its end. With SSE2, 16 starts at a time by their first and last bytes
 * (both must match), then compared whole; memmem otherwise. */
static int contains_from_end(const char *hay, size_t n, const char *nd, size_t m) {
    if (n < m) return 0;
#if defined(__SSE2__)
    const __m128i first = _mm_set1_epi8(nd[0]), last = _mm_set1_epi8(nd[m - 1]);
    size_t top = n - m + 1; /* starts below top are possible */
    while (top >= 16) {
        const size_t i = top - 16;
        const __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(hay + i));
        const __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(hay + i + m - 1));
        unsigned bits = (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, first), _mm_cmpeq_epi8(b, last)));
        while (bits) {
            const unsigned k = 31 - (unsigned)__builtin_clz(bits);
            if (!memcmp(hay + i + k, nd, m)) return 1;
            bits &= ~(1u << k);
        }
        top = i;
    }
    for (size_t i = top; i-- > 0;)
        if (hay[i] == nd[0] && !memcmp(hay + i, nd, m)) return 1;
    return 0;
#else
    return memmem(hay, n, nd, m) != NULL;
#endif
}

static int memmem_any_from_end(const char *hay, size_t n, const char *const *needles) {
    for (; *needles; needles++)
        if (contains_from_end(hay, n, *needles, strlen(*needles))) return 1;
    return 0;
}

static miair_status fire(miair_result *r, int rule, const char *text, size_t start, size_t end, size_t line) {
    if (text && miair_result_add_occ(r, rule, text, strlen(text), start, end, line)) return MIAIR_ERR_NOMEM;
    r->pat_rule[r->npat++] = rule;
    return MIAIR_OK;
}

/* printf's "%.0f" of 0 <= x < 2^53: the nearest integer, ties to even (nearbyint in the default
 * rounding mode, as glibc rounds the exact binary value). */
static void fmt_round0(char *out, double x) { miair_fmt_u64(out, (uint64_t)nearbyint(x)); }

static const char *const intro_words[] = {"introduction", "overview", "getting started", "about", NULL};
static const char *const conclusion_words[] = {"conclusion", "summary", "recap", "final thoughts", NULL};

static miair_status insights(miair_result *r) {
    if (r->npat == 0)
        return miair_result_list_push(r, MIAIR_LIST_INSIGHTS,
                                      "Document shows good quality with minimal improvement patterns")
                   ? MIAIR_ERR_NOMEM
                   : MIAIR_OK;
    /* the type with most patterns; ties to the type seen first */
    const char *types[MIAIR_RULES];
    size_t counts[MIAIR_RULES], ntypes = 0;
    size_t high = 0;
    for (size_t i = 0; i < r->npat; i++) {
        const miair_rule *ru = &miair_rules[r->pat_rule[i]];
        if (ru->severity >= 0.7) high++;
        size_t j = 0;
        while (j < ntypes && strcmp(types[j], ru->type)) j++;
        if (j == ntypes) {
            types[ntypes] = ru->type;
            counts[ntypes++] = 0;
        }
        counts[j]++;
    }
    size_t best = 0;
    for (size_t j = 1; j < ntypes; j++)
        if (counts[j] > counts[best]) best = j;
    char msg[128]; /* a rule type is a short constant */
    size_t n = 0;
    miair_cat_bounded(msg, sizeof msg, &n, "Primary improvement area: ");
    miair_cat_bounded(msg, sizeof msg, &n, types[best]);
    miair_cat_bounded(msg, sizeof msg, &n, " patterns");
    if (miair_result_list_push(r, MIAIR_LIST_INSIGHTS, msg)) return MIAIR_ERR_NOMEM;
    if (high && miair_result_list_push_num(r, MIAIR_LIST_INSIGHTS, "Found ", high,
                                           " high-severity issues requiring immediate attention"))
        return MIAIR_ERR_NOMEM;
    if (r->npat > 5) {
        double sum = 0.0, sq = 0.0;
        size_t n = 0;
        for (size_t i = 0; i < r->npat; i++) {
            const miair_occvec *o = &r->occ[r->pat_rule[i]];
            for (size_t j = 0; j < o->n; j++, n++) sum += (double)o->v[j].line;
        }
        double mean = sum / (double)n;
        for (size_t i = 0; i < r->npat; i++) {
            const miair_occvec *o = &r->occ[r->pat_rule[i]];
            for (size_t j = 0; j < o->n; j++) {
                double d = (double)o->v[j].line - mean;
                sq += d * d;
            }
        }
        double sd = sqrt(sq / (double)n);
        const char *msg = sd < 0.5 * mean ? "Patterns are concentrated in specific document sections"
                                          : "Patterns are distributed throughout the document";
        if (miair_result_list_push(r, MIAIR_LIST_INSIGHTS, msg)) return MIAIR_ERR_NOMEM;
    }
    return MIAIR_OK;
}

/* The custom rules, the list of patterns in rule order, the insights. */
miair_status miair_patterns_finish(const miair_engine *e, miair_scratch *s, const miair_text *t, miair_result *r) {
    (void)t;
    miair_status st = MIAIR_OK;
    for (int rule = 0; rule < MIAIR_RULES && !st; rule++) {
        switch (rule) {
        case RULE_MISSING_INTRODUCTION:
            if (!memmem_any(s->intro.p, s->intro.len, intro_words))
                st = fire(r, rule, "Missing introduction section", 0, 0, 1);
            break;
        case RULE_UNBALANCED_SECTIONS:
            if (s->q.sections + 1 > 2) {
                double len = (double)(s->n_cp - s->q.section_piece_start);
                if (miair_buf_append(&s->section_lens, &len, sizeof len)) return MIAIR_ERR_NOMEM;
                const double *x = (const double *)s->section_lens.p;
                size_t nx = s->section_lens.len / sizeof(double);
                double mean = miair_mean(x, nx), sd = miair_pstdev(x, nx);
                if (sd > 0.7 * mean) {
                    char msg[128];
                    if (sd < 0x1p53 && mean < 0x1p53) { /* lengths in code points: always */
                        char num[24];
                        size_t n = 0;
                        miair_cat_bounded(msg, sizeof msg, &n, "Section imbalance detected (std: ");
                        fmt_round0(num, sd), miair_cat_bounded(msg, sizeof msg, &n, num);
                        miair_cat_bounded(msg, sizeof msg, &n, ", avg: ");
                        fmt_round0(num, mean), miair_cat_bounded(msg, sizeof msg, &n, num);
                        miair_cat_bounded(msg, sizeof msg, &n, ")");
                    } else {
                        snprintf(msg, sizeof msg, "Section imbalance detected (std: %.0f, avg: %.0f)", sd, mean);
                    }
                    st = fire(r, rule, msg, 0, 0, 1);
                }
            }
            break;
        case RULE_NO_CONCLUSION:
            if (!memmem_any_from_end(s->tail.p, s->tail.len, conclusion_words))
                st = fire(r, rule, "Missing conclusion or summary", s->n_cp - 1, s->n_cp, s->n_nl);
            break;
        case RULE_MISSING_CODE_EXAMPLES: {
            int technical = 0;
            for (int i = 4; i < 10; i++) technical |= miair_needle_found(s, i);
            if (technical && !s->has_fence)
                st = fire(r, rule, "Technical documentation without code examples", 0, 0, 1);
            break;
        }
        case RULE_INCONSISTENT_HEADERS: {
            size_t nx = s->header_ratios.len / sizeof(double);
            if (nx && miair_pstdev((const double *)s->header_ratios.p, nx) > 0.3)
                st = fire(r, rule, "Inconsistent header capitalization", 0, 0, 1);
            break;
        }
        default:
            if (r->occ[rule].n) st = fire(r, rule, NULL, 0, 0, 0);
            break;
        }
    }
    (void)e;
    if (st) return st;
    return insights(r);
}
