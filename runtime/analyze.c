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

/* ---- the word table: words(text) = maximal runs of \w in text.lower() ----
 * Keys are the lowered text's bytes (ASCII text: s->lw8) or code points
 * (t->lw); distinct words are kept in first-occurrence order. */
typedef struct {
    uint64_t hash;
    size_t pos, len; /* in units of the key text */
    uint64_t count;
} word_entry;

#define WORD_SLOT_EMPTY UINT32_MAX
#define WORD_MIN_SLOTS 1024

typedef struct {
    const unsigned char *key; /* s->lw8.p or (const unsigned char *)t->lw */
    size_t unit;              /* 1 or sizeof(uint32_t) */
    uint32_t *index;
    size_t slots;
    word_entry *ent;
    size_t nent, cap;
} word_table;

static int word_index_grow(miair_scratch *s, word_table *w) {
    size_t slots = w->slots ? 2 * w->slots : WORD_MIN_SLOTS;
    s->tmp.len = 0;
    if (miair_buf_reserve(&s->tmp, slots * sizeof(uint32_t))) return -1;
    w->index = (uint32_t *)s->tmp.p;
    w->slots = slots;
    memset(w->index, 0xFF, slots * sizeof(uint32_t));
    for (size_t k = 0; k < w->nent; k++) {
        size_t slot = (size_t)w->ent[k].hash & (slots - 1);
        while (w->index[slot] != WORD_SLOT_EMPTY) slot = (slot + 1) & (slots - 1);
        w->index[slot] = (uint32_t)k;
    }
    return 0;
}

static int word_add(miair_scratch *s, word_table *w, size_t st, size_t len) {
    const unsigned char *k = w->key + st * w->unit;
    const size_t bytes = len * w->unit;
    uint64_t h = XXH3_64bits(k, bytes);
    size_t slot = (size_t)h & (w->slots - 1);
    for (;;) {
        uint32_t e = w->index[slot];
        if (e == WORD_SLOT_EMPTY) break;
        word_entry *x = &w->ent[e];
        if (x->hash == h && x->len == len && !memcmp(w->key + x->pos * w->unit, k, bytes)) {
            x->count++;
            return 0;
        }
        slot = (slot + 1) & (w->slots - 1);
    }
    if (w->nent == w->cap) {
        if (miair_buf_reserve(&s->words, (w->cap ? w->cap : 256) * sizeof(word_entry))) return -1;
        w->ent = (word_entry *)s->words.p;
        w->cap = s->words.cap / sizeof(word_entry);
    }
    if (w->nent >= UINT32_MAX - 1) return -1;
    w->index[slot] = (uint32_t)w->nent;
    w->ent[w->nent++] = (word_entry){h, st, len, 1};
    s->words.len = w->nent * sizeof(word_entry);
    if (2 * w->nent > w->slots && word_index_grow(s, w)) return -1;
    return 0;
}

static const uint8_t ascii_word_byte[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1,
    ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,
    ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['_'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1,
    ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1,
    ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1,
    ['x'] = 1, ['y'] = 1, ['z'] = 1};

/* Builds the table of distinct words in first-occurrence order: entries in
 * s->words, hash index in s->tmp. */
static miair_status build_words(miair_scratch *s, const miair_text *t, size_t *nwords, size_t *total_len) {
    word_table w = {0};
    s->words.len = 0;
    w.ent = (word_entry *)s->words.p;
    w.cap = s->words.cap / sizeof(word_entry);
    if (word_index_grow(s, &w)) return MIAIR_ERR_NOMEM;
    size_t count = 0, tl = 0, i = 0;
    if (t->ascii) {
        const unsigned char *lw = (const unsigned char *)s->lw8.p;
        const size_t nl = s->lw8.len;
        w.key = lw;
        w.unit = 1;
        while (i < nl) {
            while (i < nl && !ascii_word_byte[lw[i]]) i++;
            if (i >= nl) break;
            size_t st = i;
            while (i < nl && ascii_word_byte[lw[i]]) i++;
            count++;
            tl += i - st;
            if (word_add(s, &w, st, i - st)) return MIAIR_ERR_NOMEM;
        }
    } else {
        const uint32_t *lw = t->lw;
        const size_t nl = t->nl;
        w.key = (const unsigned char *)lw;
        w.unit = sizeof(uint32_t);
        while (i < nl) {
            while (i < nl && !miair_uc_isword(lw[i])) i++;
            if (i >= nl) break;
            size_t st = i;
            while (i < nl && miair_uc_isword(lw[i])) i++;
            count++;
            tl += i - st;
            if (word_add(s, &w, st, i - st)) return MIAIR_ERR_NOMEM;
        }
    }
    s->words_unit = w.unit;
    *nwords = count;
    *total_len = tl;
    return MIAIR_OK;
}

uint64_t miair_word_lookup(const miair_scratch *s, const miair_text *t, const char *ascii) {
    const word_entry *ent = (const word_entry *)s->words.p;
    size_t nent = s->words.len / sizeof(word_entry), m = strlen(ascii);
    for (size_t k = 0; k < nent; k++) {
        if (ent[k].len != m) continue;
        size_t j = 0;
        if (s->words_unit == 1)
            j = memcmp(s->lw8.p + ent[k].pos, ascii, m) ? 0 : m;
        else
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
            uint32_t c = t->cp[i]; /* non-ASCII text: decoded */
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
