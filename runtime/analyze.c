/* Entropy statistics (SPEC §2) from the document's histograms, and the
 * numeric helpers everything shares. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

double miair_mean(const double *x, size_t n) {
    if (!n) return 0.0;
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += x[i];
    return s / (double)n;
}

double miair_pstdev(const double *x, size_t n) {
    if (!n) return 0.0;
    double m = miair_mean(x, n), s = 0.0;
    for (size_t i = 0; i < n; i++) s += (x[i] - m) * (x[i] - m);
    return sqrt(s / (double)n);
}

static double clamp01(double x) { return x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x; }
static double min1(double x) { return x < 1.0 ? x : 1.0; }

/* -p*log2(p) accumulated over counts (in the order given). */
static double h_add(double h, uint64_t c, double total) {
    if (!c) return h;
    double p = (double)c / total;
    return h - p * log2(p);
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

miair_status miair_entropy_finish(miair_scratch *s, miair_result *r) {
    double *v = r->num;
    const size_t n = s->n_cp;
    if (n == 0) return MIAIR_OK; /* all zero */
    miair_hist_words_settle(s);
    /* characters, in ascending code-point order: ASCII, then the others sorted */
    size_t distinct = 0, nk = 0;
    double hc = 0.0;
    for (int c = 0; c < 128; c++) {
        distinct += s->ascii_counts[c] != 0;
        hc = h_add(hc, s->ascii_counts[c], (double)n);
    }
    uint32_t *keys = NULL;
    if (s->cp_used) {
        keys = malloc(s->cp_used * sizeof *keys);
        if (!keys) return MIAIR_ERR_NOMEM;
        for (size_t i = 0; i <= s->cp_mask; i++)
            if (s->cp_keys[i]) keys[nk++] = s->cp_keys[i];
        qsort(keys, nk, sizeof *keys, cmp_u32);
        struct miair_cp_table t = {s->cp_keys, s->cp_counts, s->cp_mask, s->cp_used};
        for (size_t i = 0; i < nk; i++) hc = h_add(hc, miair_cp_table_get(&t, keys[i]), (double)n);
        distinct += nk;
        free(keys);
    }
    /* words, in first-occurrence order; p*log2(p) once per small count (most words share a few
     * counts: the same operands give the same term, so the sum is unchanged) */
    const miair_word *lex = (const miair_word *)s->words.p;
    const uint32_t *order = (const uint32_t *)s->order.p;
    const size_t nent = s->order.len / sizeof *order, nwords = s->nwords;
    double hw = 0.0, term[64];
    uint64_t have = 0; /* bit c: term[c] computed */
    for (size_t k = 0; k < nent; k++) {
        const uint64_t c = lex[order[k]].count;
        if (c >= 64) {
            hw = h_add(hw, c, (double)nwords);
            continue;
        }
        if (!((have >> c) & 1)) {
            const double p = (double)c / (double)nwords;
            term[c] = p * log2(p);
            have |= 1ull << c;
        }
        hw = hw - term[c];
    }
    /* sentence lengths, ascending */
    double hs = 0.0;
    if (s->st.sentences)
        for (size_t len = 0; len <= s->sent_max; len++) hs = h_add(hs, s->sent_hist[len], (double)s->st.sentences);

    v[MIAIR_ENTROPY_CHARACTER] = hc;
    v[MIAIR_ENTROPY_WORD] = hw;
    v[MIAIR_ENTROPY_SENTENCE] = hs;
    v[MIAIR_ENTROPY_AGGREGATE] = 0.2 * min1(hc / 6.0) + 0.5 * min1(hw / 12.0) + 0.3 * min1(hs / 4.0);
    v[MIAIR_REDUNDANCY] = distinct <= 1 ? 1.0 : clamp01(1.0 - hc / log2((double)distinct));
    v[MIAIR_INFORMATION_DENSITY] = v[MIAIR_ENTROPY_AGGREGATE];
    v[MIAIR_VOCABULARY_RICHNESS] = nwords ? (double)nent / (double)nwords : 0.0;
    v[MIAIR_STRUCTURAL_COMPLEXITY] = hs / 4.0;
    v[MIAIR_TEXT_LENGTH] = (double)n;
    v[MIAIR_WORD_COUNT] = (double)nwords;
    v[MIAIR_UNIQUE_WORDS] = (double)nent;
    v[MIAIR_AVERAGE_WORD_LENGTH] = nwords ? (double)s->words_cp_total / (double)nwords : 0.0;
    return MIAIR_OK;
}
