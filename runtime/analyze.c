/* Entropy statistics (SPEC §2) and the small numeric helpers everything shares. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "internal.h"
#include "unicode.h"

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

double miair_entropy_of_counts(const uint64_t *counts, size_t k, uint64_t total) {
    if (!total) return 0.0;
    double h = 0.0;
    for (size_t i = 0; i < k; i++) {
        if (!counts[i]) continue;
        double p = (double)counts[i] / (double)total;
        h -= p * log2(p);
    }
    return h;
}

static double clamp01(double x) { return x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x; }
static double min1(double x) { return x < 1.0 ? x : 1.0; }

/* ---- the word table: words(text) = maximal runs of \w in text.lower() ---- */
typedef struct {
    uint64_t hash;
    size_t pos, len; /* in t->lw */
    uint64_t count;
} word_entry;

#define WORD_SLOT_EMPTY UINT32_MAX

static size_t word_table_slots(size_t nwords_upper) {
    size_t slots = 64;
    while (slots < 2 * nwords_upper) slots *= 2;
    return slots;
}

/* Builds the table of distinct words in first-occurrence order. The entries
 * live in s->words; the hash index in s->tmp (released for reuse afterwards). */
static miair_status build_words(miair_scratch *s, const miair_text *t, size_t *nwords, size_t *total_len) {
    const uint32_t *lw = t->lw;
    const size_t nl = t->nl;
    /* Upper bound of distinct words: number of runs. */
    size_t runs = 0;
    for (size_t i = 0; i < nl; i++)
        if (miair_uc_isword(lw[i]) && (i == 0 || !miair_uc_isword(lw[i - 1]))) runs++;
    size_t slots = word_table_slots(runs);
    s->words.len = 0;
    s->tmp.len = 0;
    if (miair_buf_reserve(&s->words, runs * sizeof(word_entry) + 1)) return MIAIR_ERR_NOMEM;
    if (miair_buf_reserve(&s->tmp, slots * sizeof(uint32_t))) return MIAIR_ERR_NOMEM;
    uint32_t *index = (uint32_t *)s->tmp.p;
    memset(index, 0xFF, slots * sizeof(uint32_t));
    word_entry *ent = (word_entry *)s->words.p;
    size_t nent = 0, count = 0, tl = 0;
    size_t i = 0;
    while (i < nl) {
        if (!miair_uc_isword(lw[i])) {
            i++;
            continue;
        }
        size_t st = i;
        while (i < nl && miair_uc_isword(lw[i])) i++;
        size_t len = i - st;
        count++;
        tl += len;
        uint64_t h = XXH3_64bits(lw + st, len * sizeof(uint32_t));
        size_t slot = (size_t)h & (slots - 1);
        for (;;) {
            uint32_t e = index[slot];
            if (e == WORD_SLOT_EMPTY) {
                index[slot] = (uint32_t)nent;
                ent[nent].hash = h;
                ent[nent].pos = st;
                ent[nent].len = len;
                ent[nent].count = 1;
                nent++;
                break;
            }
            word_entry *w = &ent[e];
            if (w->hash == h && w->len == len && !memcmp(lw + w->pos, lw + st, len * sizeof(uint32_t))) {
                w->count++;
                break;
            }
            slot = (slot + 1) & (slots - 1);
        }
    }
    s->words.len = nent * sizeof(word_entry);
    *nwords = count;
    *total_len = tl;
    return nent > UINT32_MAX - 1 ? MIAIR_ERR_TOO_BIG : MIAIR_OK;
}

uint64_t miair_word_lookup(const miair_scratch *s, const miair_text *t, const char *ascii) {
    const word_entry *ent = (const word_entry *)s->words.p;
    size_t nent = s->words.len / sizeof(word_entry), m = strlen(ascii);
    for (size_t k = 0; k < nent; k++) {
        if (ent[k].len != m) continue;
        size_t j = 0;
        while (j < m && t->lw[ent[k].pos + j] == (unsigned char)ascii[j]) j++;
        if (j == m) return ent[k].count;
    }
    return 0;
}

static int cmp_size(const void *a, const void *b) {
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}
static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static double char_entropy(miair_scratch *s, const miair_text *t, size_t *distinct, miair_status *st) {
    uint64_t ascii[128] = {0};
    *st = MIAIR_OK;
    s->touched.len = 0;
    if (t->ascii) {
        for (size_t i = 0; i < t->nb; i++) ascii[t->u8[i]]++;
    } else {
        if (!s->cp_counts) {
            s->cp_counts = calloc(0x110000, sizeof(uint32_t));
            if (!s->cp_counts) {
                *st = MIAIR_ERR_NOMEM;
                return 0;
            }
        }
        for (size_t i = 0; i < t->n; i++) {
            uint32_t c = t->cp[i];
            if (c < 128) {
                ascii[c]++;
            } else {
                if (s->cp_counts[c]++ == 0 && miair_buf_append(&s->touched, &c, sizeof c)) {
                    *st = MIAIR_ERR_NOMEM;
                    return 0;
                }
            }
        }
    }
    size_t k = 0;
    for (int c = 0; c < 128; c++) k += ascii[c] != 0;
    size_t nt = s->touched.len / sizeof(uint32_t);
    uint32_t *tc = (uint32_t *)s->touched.p;
    if (nt) qsort(tc, nt, sizeof *tc, cmp_u32);
    /* H in ascending code-point order: ASCII counts, then the others. */
    double h = 0.0;
    const double total = (double)t->n;
    for (int c = 0; c < 128; c++) {
        if (!ascii[c]) continue;
        double p = (double)ascii[c] / total;
        h -= p * log2(p);
    }
    for (size_t j = 0; j < nt; j++) {
        double p = (double)s->cp_counts[tc[j]] / total;
        h -= p * log2(p);
        s->cp_counts[tc[j]] = 0;
    }
    *distinct = k + nt;
    return h;
}

miair_status miair_entropy_stats(miair_scratch *s, const miair_text *t, miair_result *r) {
    double *v = r->num;
    if (t->n == 0) return MIAIR_OK; /* all zero */
    miair_status st;
    size_t distinct;
    double hc = char_entropy(s, t, &distinct, &st);
    if (st) return st;

    size_t nwords, total_len;
    if ((st = build_words(s, t, &nwords, &total_len))) return st;
    const word_entry *ent = (const word_entry *)s->words.p;
    size_t nent = s->words.len / sizeof(word_entry);
    double hw = 0.0;
    for (size_t k = 0; k < nent; k++) {
        double p = (double)ent[k].count / (double)nwords;
        hw -= p * log2(p);
    }

    if ((st = miair_text_stats(s, t, &s->facts))) return st;
    size_t nsent = s->facts.sentences;
    s->tmp.len = 0;
    if (miair_buf_append(&s->tmp, s->sent.p, nsent * sizeof(size_t))) return MIAIR_ERR_NOMEM;
    size_t *len = (size_t *)s->tmp.p;
    qsort(len, nsent, sizeof *len, cmp_size);
    double hs = 0.0;
    for (size_t i = 0; i < nsent;) {
        size_t j = i;
        while (j < nsent && len[j] == len[i]) j++;
        double p = (double)(j - i) / (double)nsent;
        hs -= p * log2(p);
        i = j;
    }

    v[MIAIR_ENTROPY_CHARACTER] = hc;
    v[MIAIR_ENTROPY_WORD] = hw;
    v[MIAIR_ENTROPY_SENTENCE] = hs;
    v[MIAIR_ENTROPY_AGGREGATE] = 0.2 * min1(hc / 6.0) + 0.5 * min1(hw / 12.0) + 0.3 * min1(hs / 4.0);
    v[MIAIR_REDUNDANCY] = distinct <= 1 ? 1.0 : clamp01(1.0 - hc / log2((double)distinct));
    v[MIAIR_INFORMATION_DENSITY] = v[MIAIR_ENTROPY_AGGREGATE];
    v[MIAIR_VOCABULARY_RICHNESS] = nwords ? (double)nent / (double)nwords : 0.0;
    v[MIAIR_STRUCTURAL_COMPLEXITY] = hs / 4.0;
    v[MIAIR_TEXT_LENGTH] = (double)t->n;
    v[MIAIR_WORD_COUNT] = (double)nwords;
    v[MIAIR_UNIQUE_WORDS] = (double)nent;
    v[MIAIR_AVERAGE_WORD_LENGTH] = nwords ? (double)total_len / (double)nwords : 0.0;
    return MIAIR_OK;
}
