#define _GNU_SOURCE /* memmem */
/* The fifteen pattern rules, their occurrences and insights (SPEC §4). */
#include <math.h>
#include <stdio.h>
#include <string.h>

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
    RULE_PASSIVE = 3,
    RULE_COMPLEX = 4,
    RULE_MISSING_CODE_EXAMPLES = 7,
    RULE_INCONSISTENT_HEADERS = 9,
};

static int any_in_window(const miair_scratch *s, const miair_text *t, size_t start, size_t len,
                         const char *const *needles) {
    for (; *needles; needles++)
        if (miair_lower_window_contains(s, t, start, len, *needles)) return 1;
    return 0;
}

static int any_lower(const miair_scratch *s, const char *const *needles) {
    for (; *needles; needles++)
        if (miair_lower_contains(s, *needles)) return 1;
    return 0;
}

static miair_status fire_custom(miair_result *r, int rule, const char *text, size_t start, size_t end, size_t line) {
    miair_pat *p = &r->pat[r->npat];
    p->rule = rule;
    p->occ_begin = r->nocc;
    p->occ_count = 1;
    if (miair_result_add_occ(r, text, strlen(text), start, end, line)) return MIAIR_ERR_NOMEM;
    r->npat++;
    return MIAIR_OK;
}

/* A regex rule: one pattern holding every match of its regex, when there is one. */
static miair_status regex_rule(const miair_engine *e, miair_scratch *s, const miair_text *t, miair_result *r,
                               int rule, long *count) {
    size_t nm, stride;
    const size_t *m = miair_matches(e, s, RX_RULE0 + rule, &nm, &stride);
    miair_cursor k;
    miair_cursor_init(&k, t);
    size_t begin = r->nocc;
    for (size_t i = 0; i < nm; i++, m += stride) {
        size_t start = miair_cursor_cp(&k, m[0]);
        size_t line = miair_line_of(s, m[0]);
        size_t end = miair_cursor_cp(&k, m[1]);
        if (miair_result_add_occ(r, (const char *)t->u8 + m[0], m[1] - m[0], start, end, line))
            return MIAIR_ERR_NOMEM;
    }
    *count = (long)nm;
    if (nm) {
        miair_pat *p = &r->pat[r->npat++];
        p->rule = rule;
        p->occ_begin = begin;
        p->occ_count = nm;
    }
    return MIAIR_OK;
}

/* unbalanced_sections: re.split(r'^#{1,3}\s+', text, flags=re.M). */
static miair_status unbalanced_sections(const miair_engine *e, miair_scratch *s, const miair_text *t,
                                        miair_result *r) {
    size_t nm, stride;
    const size_t *m = miair_matches(e, s, RX_SECTIONS, &nm, &stride);
    if (nm + 1 <= 2) return MIAIR_OK;
    miair_cursor k;
    miair_cursor_init(&k, t);
    s->tmp.len = 0;
    size_t piece_start = 0; /* code points */
    for (size_t i = 0; i < nm; i++, m += stride) {
        size_t a = miair_cursor_cp(&k, m[0]);
        if (i > 0) {
            double len = (double)(a - piece_start);
            if (miair_buf_append(&s->tmp, &len, sizeof len)) return MIAIR_ERR_NOMEM;
        }
        piece_start = miair_cursor_cp(&k, m[1]);
    }
    double len = (double)(t->n - piece_start);
    if (miair_buf_append(&s->tmp, &len, sizeof len)) return MIAIR_ERR_NOMEM;
    const double *x = (const double *)s->tmp.p;
    size_t nx = s->tmp.len / sizeof(double);
    double mean = miair_mean(x, nx), sd = miair_pstdev(x, nx);
    if (sd > 0.7 * mean) {
        char msg[128];
        snprintf(msg, sizeof msg, "Section imbalance detected (std: %.0f, avg: %.0f)", sd, mean);
        return fire_custom(r, RULE_UNBALANCED_SECTIONS, msg, 0, 0, 1);
    }
    return MIAIR_OK;
}

/* inconsistent_headers: titles of ^(#{1,6})\s+(.+)$ whose first character is uppercase. */
static miair_status inconsistent_headers(const miair_engine *e, miair_scratch *s, const miair_text *t,
                                         miair_result *r) {
    size_t nm, stride;
    const size_t *m = miair_matches(e, s, RX_HEADER_TITLES, &nm, &stride);
    miair_cursor k;
    miair_cursor_init(&k, t);
    s->tmp.len = 0;
    for (size_t i = 0; i < nm; i++, m += stride) {
        size_t a = miair_cursor_cp(&k, m[4]);
        size_t b = miair_cursor_cp(&k, m[5]);
        if (a == b || !miair_uc_isupper(t->ascii ? t->u8[a] : t->cp[a])) continue;
        size_t words = 0, upper = 0;
        int in = 0;
        for (size_t j = a; j < b; j++) {
            uint32_t c = t->ascii ? t->u8[j] : t->cp[j];
            int sp = miair_uc_isspace(c);
            if (!sp && !in) {
                words++;
                upper += miair_uc_isupper(c);
            }
            in = !sp;
        }
        double ratio = (double)upper / (double)words;
        if (miair_buf_append(&s->tmp, &ratio, sizeof ratio)) return MIAIR_ERR_NOMEM;
    }
    size_t nx = s->tmp.len / sizeof(double);
    if (nx && miair_pstdev((const double *)s->tmp.p, nx) > 0.3)
        return fire_custom(r, RULE_INCONSISTENT_HEADERS, "Inconsistent header capitalization", 0, 0, 1);
    return MIAIR_OK;
}

static const char *const intro_words[] = {"introduction", "overview", "getting started", "about", NULL};
static const char *const conclusion_words[] = {"conclusion", "summary", "recap", "final thoughts", NULL};
static const char *const technical_words[] = {"function", "method", "class", "api", "code", "implementation", NULL};

static int has_fence(const miair_text *t) { return memmem(t->u8, t->nb, "```", 3) != NULL; }

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
        const miair_rule *ru = &miair_rules[r->pat[i].rule];
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
    if (miair_result_list_pushf(r, MIAIR_LIST_INSIGHTS, "Primary improvement area: %s patterns", types[best]))
        return MIAIR_ERR_NOMEM;
    if (high && miair_result_list_pushf(r, MIAIR_LIST_INSIGHTS,
                                        "Found %zu high-severity issues requiring immediate attention", high))
        return MIAIR_ERR_NOMEM;
    if (r->npat > 5) {
        double sum = 0.0, sq = 0.0;
        size_t n = 0;
        for (size_t i = 0; i < r->npat; i++)
            for (size_t j = 0; j < r->pat[i].occ_count; j++) {
                sum += (double)r->occ[r->pat[i].occ_begin + j].line;
                n++;
            }
        double mean = sum / (double)n;
        for (size_t i = 0; i < r->npat; i++)
            for (size_t j = 0; j < r->pat[i].occ_count; j++) {
                double d = (double)r->occ[r->pat[i].occ_begin + j].line - mean;
                sq += d * d;
            }
        double sd = sqrt(sq / (double)n);
        const char *msg = sd < 0.5 * mean ? "Patterns are concentrated in specific document sections"
                                          : "Patterns are distributed throughout the document";
        if (miair_result_list_push(r, MIAIR_LIST_INSIGHTS, msg)) return MIAIR_ERR_NOMEM;
    }
    return MIAIR_OK;
}

miair_status miair_patterns(const miair_engine *e, miair_scratch *s, const miair_text *t, miair_result *r,
                            long *passive_count, long *complex_count) {
    miair_status st = MIAIR_OK;
    *passive_count = *complex_count = 0;
    for (int rule = 0; rule < MIAIR_RULES && !st; rule++) {
        long cnt = 0;
        switch (rule) {
        case RULE_MISSING_INTRODUCTION: {
            size_t m = t->nl < 500 ? t->nl : 500;
            if (!any_in_window(s, t, 0, m, intro_words))
                st = fire_custom(r, rule, "Missing introduction section", 0, 0, 1);
            break;
        }
        case RULE_UNBALANCED_SECTIONS: st = unbalanced_sections(e, s, t, r); break;
        case RULE_NO_CONCLUSION: {
            size_t m = t->nl < 1000 ? t->nl : 1000;
            if (!any_in_window(s, t, t->nl - m, m, conclusion_words)) {
                size_t lines = s->newlines.len / sizeof(size_t);
                st = fire_custom(r, rule, "Missing conclusion or summary", t->n - 1, t->n, lines);
            }
            break;
        }
        case RULE_MISSING_CODE_EXAMPLES:
            if (!has_fence(t) && any_lower(s, technical_words))
                st = fire_custom(r, rule, "Technical documentation without code examples", 0, 0, 1);
            break;
        case RULE_INCONSISTENT_HEADERS: st = inconsistent_headers(e, s, t, r); break;
        default:
            st = regex_rule(e, s, t, r, rule, &cnt);
            if (rule == RULE_PASSIVE) *passive_count = cnt;
            if (rule == RULE_COMPLEX) *complex_count = cnt;
            break;
        }
    }
    if (st) return st;
    return insights(r);
}
