/* The text model of SPEC §1, window by window: valid UTF-8, lower(),
 * character histogram, words, tokens / sentences / paragraphs, the
 * lowered-text substring checks, positions. */
#define _GNU_SOURCE /* memmem */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL /* header-only, inlined: words are short */
#include <xxhash.h>

#include "internal.h"
#include "unicode.h"

/* ---- buffers ---- */

int miair_buf_reserve(miair_buf *b, size_t extra) {
    if (b->len + extra <= b->cap && b->p) return 0;
    size_t nc = b->cap ? b->cap : 64;
    while (nc < b->len + extra) {
        if (nc > SIZE_MAX / 2) return -1;
        nc *= 2;
    }
    char *np = realloc(b->p, nc);
    if (!np) return -1;
    b->p = np;
    b->cap = nc;
    return 0;
}


void miair_buf_release(miair_buf *b) {
    free(b->p);
    memset(b, 0, sizeof *b);
}

static int grow(void **p, size_t *cap, size_t n, size_t elem) {
    if (n <= *cap && *p) return 0;
    size_t nc = n < 256 ? 256 : n + n / 4;
    if (nc > SIZE_MAX / elem) return -1;
    void *np = realloc(*p, nc * elem);
    if (!np) return -1;
    *p = np;
    *cap = nc;
    return 0;
}

int miair_scratch_init(miair_scratch *s) {
    memset(s, 0, sizeof *s);
    return miair_pyre_scratch_init(&s->rx);
}

void miair_scratch_release(miair_scratch *s) {
    miair_pyre_scratch_release(&s->rx);
    free(s->cp);
    free(s->lw);
    free(s->cls);
    free(s->rank_nl);
    free(s->rank_ct);
    free(s->setbits);
    free(s->wrej);
    free(s->cp_keys);
    free(s->cp_counts);
    free(s->word_index);
    free(s->word_recent);
    free(s->sent_hist);
    miair_buf *bufs[] = {&s->lw8, &s->valid, &s->words, &s->word_keys, &s->pending, &s->order, &s->intro, &s->tail,
                         &s->section_lens, &s->header_ratios};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) miair_buf_release(bufs[i]);
    memset(s, 0, sizeof *s);
}

/* ---- UTF-8 ---- */

size_t miair_utf8_count(const uint8_t *u, size_t a, size_t b) {
    size_t c = 0;
    for (size_t i = a; i < b; i++) c += (u[i] & 0xC0) != 0x80;
    return c;
}

size_t miair_utf8_tokens(const uint8_t *u, size_t a, size_t b) {
    size_t tokens = 0;
    int in = 0;
    for (size_t i = a; i < b;) {
        uint32_t c = miair_utf8_next(u, &i);
        int sp = miair_uc_isspace(c);
        tokens += !sp && !in;
        in = !sp;
    }
    return tokens;
}

/* Whether buf is valid UTF-8 exactly as CPython's decoder accepts it (the utf8_valid kernel). */
int miair_utf8_valid(const struct miair_kernels *k, const uint8_t *s, size_t n) { return k->utf8_valid(s, n); }

miair_status miair_text_prepare(miair_scratch *s, const void *buf, size_t len, miair_text *t) {
    const uint8_t *in = len ? (const uint8_t *)buf : (const uint8_t *)"";
    if (len > SIZE_MAX / 8) return MIAIR_ERR_TOO_BIG;
    if (miair_utf8_valid(s->k, in, len)) {
        t->u8 = in;
        t->nb = len;
        return MIAIR_OK;
    }
    /* bytes.decode('utf-8', 'replace') re-encoded: chunk by chunk through the window buffer */
    s->valid.len = 0;
    if (miair_buf_reserve(&s->valid, len + len / 2 + 16)) return MIAIR_ERR_NOMEM;
    const size_t chunk = 1 << 16;
    if (grow((void **)&s->cp, &s->cap_cp, chunk + 4, sizeof *s->cp)) return MIAIR_ERR_NOMEM;
    size_t i = 0;
    while (i < len) {
        size_t end = i + chunk < len ? i + chunk : len;
        /* do not cut a sequence that may still be valid: back up to a byte that is not a continuation */
        if (end < len) {
            size_t e2 = end;
            while (e2 > i && end - e2 < 3 && (in[e2] & 0xC0) == 0x80) e2--;
            if (e2 > i) end = e2;
        }
        size_t ncp = miair_utf8_decode(in + i, end - i, s->cp);
        if (miair_buf_reserve(&s->valid, 4 * ncp)) return MIAIR_ERR_NOMEM;
        s->valid.len += miair_utf8_encode(s->cp, ncp, (uint8_t *)s->valid.p + s->valid.len);
        i = end;
    }
    t->u8 = (const uint8_t *)s->valid.p;
    t->nb = s->valid.len;
    return MIAIR_OK;
}

/* ---- per-document state ---- */

void miair_doc_reset(miair_scratch *s) {
    memset(s->ascii_counts, 0, sizeof s->ascii_counts);
    s->hist_words = 1;
    if (s->cp_keys) memset(s->cp_keys, 0, (s->cp_mask + 1) * sizeof *s->cp_keys);
    s->cp_used = 0;
    s->order.len = 0;
    if (++s->word_gen == 0) { /* generations wrapped: no lexicon entry may look counted */
        miair_word *w = (miair_word *)s->words.p;
        for (size_t k = 0; k < s->words.len / sizeof *w; k++) w[k].gen = 0;
        s->word_gen = 1;
    }
    s->pending.len = 0;
    s->nwords = s->words_cp_total = s->pending_cps = 0;
    if (s->sent_hist) memset(s->sent_hist, 0, (s->sent_max + 1) * sizeof *s->sent_hist);
    s->sent_max = 0;
    memset(&s->st, 0, sizeof s->st);
    s->sigma_prev = MIAIR_SIGMA_OTHER;
    s->has_fence = 0;
    memset(s->needle_found, 0, sizeof s->needle_found);
    s->intro.len = s->tail.len = 0;
    s->intro_cps = s->tail_cps = s->lower_cps = 0;
    s->wa = s->wb = s->cp_before = s->nl_before = s->n_cp = s->n_nl = 0;
    memset(s->next, 0, sizeof s->next);
    memset(s->star_from, 0, sizeof s->star_from);
    memset(s->star_end, 0, sizeof s->star_end);
    memset(s->req_valid, 0, sizeof s->req_valid);
    memset(s->in_run, 0, sizeof s->in_run);
    memset(s->fallback_pos, 0, sizeof s->fallback_pos);
    memset(s->fallback_state, 0, sizeof s->fallback_state);
    memset(s->fallback_must_advance, 0, sizeof s->fallback_must_advance);
    memset(&s->q, 0, sizeof s->q);
    s->q.prev_level = -1;
    s->section_lens.len = s->header_ratios.len = 0;
    s->rx_only = ~0u;
    s->count_only = 0;
    s->wrej_ok = 0;
}

/* ---- character histogram (kernel: exact code points of valid UTF-8) ---- */

static int cp_table_grow(miair_scratch *s) {
    size_t slots = s->cp_keys ? 2 * (s->cp_mask + 1) : MIAIR_CP_TABLE_MIN_SLOTS;
    uint32_t *keys = calloc(slots, sizeof *keys);
    uint64_t *counts = calloc(slots, sizeof *counts);
    if (!keys || !counts) {
        free(keys);
        free(counts);
        return -1;
    }
    struct miair_cp_table to = {keys, counts, slots - 1, 0};
    if (s->cp_keys) {
        struct miair_cp_table from = {s->cp_keys, s->cp_counts, s->cp_mask, s->cp_used};
        miair_cp_table_merge(&to, &from);
    }
    free(s->cp_keys);
    free(s->cp_counts);
    s->cp_keys = keys;
    s->cp_counts = counts;
    s->cp_mask = to.mask;
    s->cp_used = to.used;
    return 0;
}

static miair_status char_histogram(miair_scratch *s, const uint8_t *u, size_t len) {
    if (!s->cp_keys && cp_table_grow(s)) return MIAIR_ERR_NOMEM;
    size_t off = 0;
    while (off < len) {
        struct miair_cp_table t = {s->cp_keys, s->cp_counts, s->cp_mask, s->cp_used};
        size_t c = s->k->utf8_histogram(u + off, len - off, s->ascii_counts, &t);
        s->cp_used = t.used;
        off += c;
        if (off < len) {
            if (!miair_cp_table_needs_grow(&t) && c == 0) return MIAIR_ERR_INVALID; /* cannot happen on valid UTF-8 */
            if (miair_cp_table_needs_grow(&t) && cp_table_grow(s)) return MIAIR_ERR_NOMEM;
        }
    }
    return MIAIR_OK;
}

/* An ASCII window while the word bytes are deferred (s->hist_words): its bytes outside words, and
 * for each uppercase letter (inside a word, counted lowered later) +1 on it and -1 on its lowercase.
 * Spaces and newlines are counted from their bitmaps, the other bytes one by one: a window with
 * many of those (code, tables; judged as the blocks go) is left to the histogram kernel (returns
 * 0, nothing counted: the blocks already counted are taken back). */
static inline __attribute__((always_inline)) int nonword_histogram(miair_scratch *s, const uint8_t *u, size_t n) {
    uint64_t *h = s->ascii_counts;
    const size_t blocks = MIAIR_BLOCKS(n);
    size_t others = 0, bi = 0, most = 16; /* of the other bytes so far: 1/16 of the bytes, and some slack */
    for (; bi < blocks && others <= most; bi++, most += 4) {
        const size_t pos0 = 64 * bi, valid = n - pos0 < 64 ? n - pos0 : 64;
        const uint64_t V = valid >= 64 ? ~0ull : (1ull << valid) - 1;
        const uint64_t *c = s->cls + bi * CLS_STRIDE;
        for (uint64_t O = ~(c[MIAIR_CLS_WORD] | c[MIAIR_CLS_SP] | c[MIAIR_CLS_NEWLINE]) & V; O; O &= O - 1, others++)
            h[u[pos0 + (unsigned)__builtin_ctzll(O)]]++;
    }
    if (others > most) {
        while (bi-- > 0) {
            const size_t pos0 = 64 * bi, valid = n - pos0 < 64 ? n - pos0 : 64;
            const uint64_t V = valid >= 64 ? ~0ull : (1ull << valid) - 1;
            const uint64_t *c = s->cls + bi * CLS_STRIDE;
            for (uint64_t O = ~(c[MIAIR_CLS_WORD] | c[MIAIR_CLS_SP] | c[MIAIR_CLS_NEWLINE]) & V; O; O &= O - 1)
                h[u[pos0 + (unsigned)__builtin_ctzll(O)]]--;
        }
        return 0;
    }
    h['\n'] += s->rank_nl[blocks]; /* the window's newlines (miair_classify_window) */
    for (bi = 0; bi < blocks; bi++) {
        const size_t pos0 = 64 * bi;
        const uint64_t *c = s->cls + bi * CLS_STRIDE;
        h[' '] += (uint64_t)miair_popcount64(c[MIAIR_CLS_SP]);
        for (uint64_t U = c[MIAIR_CLS_UPPER]; U; U &= U - 1) {
            const uint8_t b = u[pos0 + (unsigned)__builtin_ctzll(U)];
            h[b]++;
            h[b | 0x20]--;
        }
    }
    return 1;
}

/* Ends the deferral: the word bytes of the ASCII windows so far go into the histogram, from the
 * distinct words and the word still open at the window edge (its bytes are in s->pending). */
void miair_hist_words_settle(miair_scratch *s) {
    if (!s->hist_words) return;
    s->hist_words = 0;
    uint64_t *h = s->ascii_counts;
    const miair_word *lex = (const miair_word *)s->words.p;
    const uint32_t *order = (const uint32_t *)s->order.p;
    const size_t nent = s->order.len / sizeof *order;
    for (size_t k = 0; k < nent; k++) {
        const miair_word *w = &lex[order[k]];
        const uint8_t *key = (const uint8_t *)s->word_keys.p + w->key_off;
        for (size_t j = 0; j < w->key_len; j++) h[key[j] & 0x7F] += w->count; /* ASCII keys */
    }
    for (size_t j = 0; j < s->pending.len; j++) h[(uint8_t)s->pending.p[j] & 0x7F]++;
}

/* ---- words: maximal runs of \w in text.lower(), keyed by their UTF-8 bytes ---- */

/* Both the lowered window and the key buffers keep KEY_SLACK readable bytes past any key, so the
 * first 16 bytes of a key load as two 64-bit words, masked to the key's length. */
#define KEY_SLACK 16

/* The bits of the first 16 key bytes kept for a key of 0..16 (and more) bytes, per 64-bit word. */
#define KM(b) ((b) >= 8 ? ~0ull : (1ull << (8 * (b))) - 1)
#define KM_ROW(L) {KM(L), (L) <= 8 ? 0 : KM((L) - 8)}
static const uint64_t key_masks[17][2] = {KM_ROW(0),  KM_ROW(1),  KM_ROW(2),  KM_ROW(3),  KM_ROW(4),  KM_ROW(5),
                                          KM_ROW(6),  KM_ROW(7),  KM_ROW(8),  KM_ROW(9),  KM_ROW(10), KM_ROW(11),
                                          KM_ROW(12), KM_ROW(13), KM_ROW(14), KM_ROW(15), KM_ROW(16)};
#undef KM_ROW
#undef KM

static inline void key_words(const uint8_t *key, size_t len, uint64_t *k0, uint64_t *k1) {
    uint64_t a0, a1;
    memcpy(&a0, key, 8), memcpy(&a1, key + 8, 8);
    /* little-endian loads: byte k of the key is bits 8k..8k+7 (big-endian: bytes from the top) */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    a0 = __builtin_bswap64(a0), a1 = __builtin_bswap64(a1);
#endif
    const uint64_t *m = key_masks[len < 16 ? len : 16];
    *k0 = a0 & m[0];
    *k1 = a1 & m[1];
}

/* Places entry k (hash h, key words k0 k1) at its free slot. */
static void word_slot_put(struct miair_word_slot *t, size_t mask, uint64_t h, uint64_t k0, uint64_t k1, uint32_t len,
                          uint32_t k) {
    size_t slot = (size_t)h & mask;
    while (t[slot].len) slot = (slot + 1) & mask;
    t[slot].k0 = k0, t[slot].k1 = k1, t[slot].len = len, t[slot].ent = k;
}

static int word_index_grow(miair_scratch *s) {
    if (!s->word_recent) { /* with the table's first allocation */
        /* on a cache-line boundary: no 32-byte entry straddles two lines */
        s->word_recent = aligned_alloc(64, MIAIR_WORD_RECENT * sizeof *s->word_recent);
        if (!s->word_recent) return -1;
        memset(s->word_recent, 0, MIAIR_WORD_RECENT * sizeof *s->word_recent);
    }
    size_t slots = s->word_slots ? 2 * s->word_slots : 512;
    struct miair_word_slot *idx = calloc(slots, sizeof *idx);
    if (!idx) return -1;
    const miair_word *w = (const miair_word *)s->words.p;
    size_t nent = s->words.len / sizeof *w;
    for (size_t k = 0; k < nent; k++) {
        uint64_t k0, k1;
        key_words((const uint8_t *)s->word_keys.p + w[k].key_off, w[k].key_len, &k0, &k1);
        word_slot_put(idx, slots - 1, w[k].hash, k0, k1, (uint32_t)w[k].key_len, (uint32_t)k);
    }
    free(s->word_index);
    s->word_index = idx;
    s->word_slots = slots;
    return 0;
}

static uint32_t word_needles(const uint8_t *key, size_t len);

/* A new lexicon entry at its free slot (the rare path of word_add), not yet counted. */
static miair_status word_insert(miair_scratch *s, const uint8_t *key, size_t len, uint64_t h, size_t slot,
                                uint64_t k0, uint64_t k1) {
    size_t nent = s->words.len / sizeof(miair_word);
    if (nent >= UINT32_MAX - 1 || len >= UINT32_MAX) return MIAIR_ERR_TOO_BIG;
    /* rej: judged once per distinct word (short ASCII words only: the others are never dropped) */
    const uint32_t rej = len <= 16 && s->wstart && !(k0 & 0x8080808080808080ull) && !(k1 & 0x8080808080808080ull) &&
                         !miair_wordstart_keeps(s->wstart, key, len);
    const size_t off = s->word_keys.len;
    if (miair_buf_reserve(&s->word_keys, len + KEY_SLACK) || miair_buf_append(&s->word_keys, key, len))
        return MIAIR_ERR_NOMEM;
    /* the needles in the arena's copy (KEY_SLACK readable bytes after it) */
    miair_word nw = {h, off, (uint32_t)len, rej, 0, 0, word_needles((const uint8_t *)s->word_keys.p + off, len)};
    if (miair_buf_append(&s->words, &nw, sizeof nw)) return MIAIR_ERR_NOMEM;
    struct miair_word_slot *e = &s->word_index[slot];
    e->k0 = k0, e->k1 = k1, e->len = (uint32_t)len, e->ent = (uint32_t)nent;
    if (2 * (nent + 1) > s->word_slots && word_index_grow(s)) return MIAIR_ERR_NOMEM;
    return MIAIR_OK;
}

/* The entry of a word, or -1 (and its free slot in *free_slot). */
static inline long word_find(const miair_scratch *s, const uint8_t *key, size_t len, uint64_t h, uint64_t k0,
                             uint64_t k1, size_t *free_slot) {
    const size_t mask = s->word_slots - 1;
    size_t slot = (size_t)h & mask;
    for (;;) {
        const struct miair_word_slot *e = &s->word_index[slot];
        if (!e->len) break;
        if (e->k0 == k0 && e->k1 == k1 && e->len == len) {
            if (len <= 16) return e->ent;
            const miair_word *w = (const miair_word *)s->words.p + e->ent;
            if (w->hash == h && !memcmp(s->word_keys.p + w->key_off + 16, key + 16, len - 16)) return e->ent;
        }
        slot = (slot + 1) & mask;
    }
    *free_slot = slot;
    return -1;
}

/* Slot of a short word in the recent-word cache: the top byte of one multiplication of its key
 * words and length folded together (k1 shifted, so that a word's two halves do not cancel).
 * (A key of at most 16 bytes is its two key words: words hold no NUL byte, NUL is not \w, so
 * the zero padding tells the length and a hit compares the key words only.) */
static inline size_t recent_slot(uint64_t k0, uint64_t k1, size_t len) {
    uint64_t x = (k0 ^ (k1 << 1) ^ len) * 0x9E3779B97F4A7C15ull;
    return (size_t)(x >> 56) & (MIAIR_WORD_RECENT - 1);
}

/* A word the recent-word cache did not answer: its lexicon entry from the XXH3-keyed table (found
 * or inserted; returned, or -status), then the cache slot rc (if any) remembers it. */
static __attribute__((noinline)) int64_t word_add_table(miair_scratch *s, const uint8_t *key, size_t len,
                                                        uint64_t k0, uint64_t k1, struct miair_word_recent *rc) {
    uint64_t h = XXH3_64bits(key, len);
    size_t slot;
    long k = word_find(s, key, len, h, k0, k1, &slot);
    if (__builtin_expect(k < 0, 0)) {
        k = (long)(s->words.len / sizeof(miair_word));
        miair_status st = word_insert(s, key, len, h, slot, k0, k1);
        if (st) return -(int64_t)st;
    }
    if (rc) rc->k0 = k0, rc->k1 = k1, rc->ent = (uint32_t)k;
    return k;
}

/* The first occurrence of lexicon entry k in this document: listed, counted from 0. */
static __attribute__((noinline)) miair_status word_first(miair_scratch *s, miair_word *w, uint32_t k) {
    w->gen = s->word_gen;
    w->count = 0;
    return miair_buf_append(&s->order, &k, sizeof k) ? MIAIR_ERR_NOMEM : MIAIR_OK;
}

/* The recent-word cache slot of a short word, or NULL (a word longer than 16 bytes). */
static inline struct miair_word_recent *recent_of(struct miair_word_recent *recent, uint64_t k0, uint64_t k1,
                                                  size_t len) {
    return len <= 16 ? &recent[recent_slot(k0, k1, len)] : NULL;
}

/* One occurrence of a word (not yet counted in s->nwords): a short word seen recently is found in
 * the direct-mapped recent-word cache without hashing it again, else the XXH3-keyed table answers.
 * *words: the lexicon entries (refreshed when the table path may have moved them); gen:
 * s->word_gen; *rej: the word's miair_word.rej. */
static inline __attribute__((always_inline)) miair_status word_occurrence(miair_scratch *s, miair_word **words,
                                                                          struct miair_word_recent *recent,
                                                                          uint32_t gen, const uint8_t *key,
                                                                          size_t len, uint32_t *rej) {
    uint64_t k0, k1;
    key_words(key, len, &k0, &k1);
    struct miair_word_recent *rc = recent_of(recent, k0, k1, len);
    uint32_t k;
    miair_status st;
    if (rc && ((rc->k0 == k0) & (rc->k1 == k1))) {
        k = rc->ent;
    } else {
        const int64_t got = word_add_table(s, key, len, k0, k1, rc);
        if (got < 0) {
            *rej = 0;
            return (miair_status)-got;
        }
        k = (uint32_t)got;
        *words = (miair_word *)s->words.p;
    }
    miair_word *w = &(*words)[k];
    if (__builtin_expect(w->gen != gen, 0) && (st = word_first(s, w, k))) return st;
    w->count++;
    *rej = w->rej;
    return MIAIR_OK;
}

static inline __attribute__((always_inline)) miair_status word_add(miair_scratch *s, const uint8_t *key, size_t len,
                                                                   size_t cps) {
    if (__builtin_expect(!s->word_index, 0) && word_index_grow(s)) return MIAIR_ERR_NOMEM;
    s->nwords++;
    s->words_cp_total += cps;
    miair_word *words = (miair_word *)s->words.p;
    uint32_t rej;
    return word_occurrence(s, &words, s->word_recent, s->word_gen, key, len, &rej);
}

uint64_t miair_word_count(const miair_scratch *s, const char *word) {
    const size_t len = strlen(word);
    if (!s->word_index || !len || len > 64) return 0;
    uint8_t key[64 + KEY_SLACK] = {0};
    memcpy(key, word, len);
    uint64_t k0, k1;
    key_words(key, len, &k0, &k1);
    size_t slot;
    long k = word_find(s, key, len, XXH3_64bits(key, len), k0, k1, &slot);
    if (k < 0) return 0;
    const miair_word *w = (const miair_word *)s->words.p + k;
    return w->gen == s->word_gen ? w->count : 0;
}

/* The word collected in s->pending (readable slack kept past it for key_words). */
static miair_status pending_add(miair_scratch *s, size_t cps) {
    if (miair_buf_reserve(&s->pending, KEY_SLACK)) return MIAIR_ERR_NOMEM;
    return word_add(s, (const uint8_t *)s->pending.p, s->pending.len, cps);
}

/* Words of an ASCII window from the WORD class bitmaps (ASCII lower() keeps \w-ness): starts and
 * ends are bit transitions; a word reaching the window's end waits in s->pending. flatten: the
 * word path inlined into the loop (the table path, word_add_table, stays out of line). */
__attribute__((flatten)) static miair_status window_words_ascii(miair_scratch *s, const uint8_t *lw, size_t n,
                                                                size_t blocks, int last) {
    miair_status st;
    uint64_t carry = s->pending.len != 0; /* the previous window ended inside a word */
    size_t start = 0;                     /* of the last word begun (window offset) */
    if (!s->word_index && word_index_grow(s)) return MIAIR_ERR_NOMEM;
    miair_word *words = (miair_word *)s->words.p;
    const uint32_t gen = s->word_gen;
    struct miair_word_recent *const recent = s->word_recent; /* allocated with the table, kept */
    if (!recent) __builtin_unreachable();
    size_t nwords = 0, chars = 0; /* go to s->nwords and s->words_cp_total after the loop */
    int pend = s->pending.len != 0;   /* the first word ends the pending one */
    uint64_t *const wrej = s->wrej;   /* word starts that begin no \b-led match, per block */
    for (size_t bi = 0; bi < blocks; bi++) {
        const size_t pos0 = 64 * bi, valid = n - pos0 < 64 ? n - pos0 : 64;
        const uint64_t V = valid >= 64 ? ~0ull : (1ull << valid) - 1;
        const uint64_t W = s->cls[bi * CLS_STRIDE + MIAIR_CLS_WORD] & V;
        uint64_t S = W & ~((W << 1) | carry), E = ~W & V & ((W << 1) | carry); /* word starts, ends */
        uint32_t rej;
        wrej[bi] = 0;
        if (carry && E) { /* the first end closes the word begun in an earlier block or window */
            const size_t end = pos0 + (unsigned)__builtin_ctzll(E);
            E &= E - 1;
            if (__builtin_expect(pend, 0)) { /* in an earlier window: its start is in s->pending */
                if (miair_buf_append(&s->pending, lw, end)) return MIAIR_ERR_NOMEM;
                st = pending_add(s, s->pending_cps + end);
                s->pending.len = s->pending_cps = 0;
                pend = 0;
                if (st) return st;
                words = (miair_word *)s->words.p; /* it may have inserted */
            } else {
                nwords++;
                chars += end - start;
                if ((st = word_occurrence(s, &words, recent, gen, lw + start, end - start, &rej))) return st;
                wrej[start >> 6] |= (uint64_t)rej << (start & 63);
            }
        }
        /* the other ends close words begun in this block: starts and ends alternate, so the ends
         * take the starts in order (the counters and the entries pointer stay in locals) */
        const uint8_t *const b = lw + pos0;
        uint64_t rb = 0;
        for (; E; E &= E - 1) {
            const unsigned a = (unsigned)__builtin_ctzll(S), end = (unsigned)__builtin_ctzll(E);
            S &= S - 1;
            nwords++;
            chars += end - a;
            if ((st = word_occurrence(s, &words, recent, gen, b + a, end - a, &rej))) return st;
            rb |= (uint64_t)rej << a;
        }
        wrej[bi] |= rb;
        if (S) start = pos0 + (unsigned)__builtin_ctzll(S); /* the word still open at the block's end */
        carry = (W >> (valid - 1)) & 1;
    }
    s->nwords += nwords;
    s->words_cp_total += chars;
    if (carry) { /* a word runs to the window's end */
        const uint8_t *a = s->pending.len ? lw : lw + start;
        size_t len = s->pending.len ? n : n - start;
        if (miair_buf_append(&s->pending, a, len)) return MIAIR_ERR_NOMEM;
        s->pending_cps += len;
    }
    if (last && s->pending.len) {
        if ((st = pending_add(s, s->pending_cps))) return st;
        s->pending.len = s->pending_cps = 0;
    }
    s->wrej_ok = 1;
    return MIAIR_OK;
}

/* Words of the window's lowered text; a word reaching the window's end waits in s->pending. */
static miair_status window_words(miair_scratch *s, const uint8_t *lw, size_t n, int last) {
    size_t i = 0;
    miair_status st;
    while (i < n) {
        /* skip non-word characters */
        while (i < n) {
            if (lw[i] < 0x80) {
                if (miair_uc_isword(lw[i])) break;
                i++;
            } else {
                size_t j = i;
                if (miair_uc_isword(miair_utf8_next(lw, &j))) break;
                i = j;
            }
            if (s->pending.len) { /* the pending word ended at the window edge */
                if ((st = pending_add(s, s->pending_cps))) return st;
                s->pending.len = s->pending_cps = 0;
            }
        }
        if (i >= n) break;
        size_t a = i, cps = 0;
        while (i < n) {
            if (lw[i] < 0x80) {
                if (!miair_uc_isword(lw[i])) break;
                i++;
            } else {
                size_t j = i;
                if (!miair_uc_isword(miair_utf8_next(lw, &j))) break;
                i = j;
            }
            cps++;
        }
        if (i >= n && !last) { /* may continue in the next window */
            if (miair_buf_append(&s->pending, lw + a, i - a)) return MIAIR_ERR_NOMEM;
            s->pending_cps += cps;
            break;
        }
        if (s->pending.len) {
            if (miair_buf_append(&s->pending, lw + a, i - a)) return MIAIR_ERR_NOMEM;
            s->pending_cps += cps;
            if ((st = pending_add(s, s->pending_cps))) return st;
            s->pending.len = s->pending_cps = 0;
        } else if ((st = word_add(s, lw + a, i - a, cps))) {
            return st;
        }
    }
    if (last && s->pending.len) {
        if ((st = pending_add(s, s->pending_cps))) return st;
        s->pending.len = s->pending_cps = 0;
    }
    return MIAIR_OK;
}

/* ---- lower() of a window, with the final-sigma context across windows ---- */

static unsigned sigma_class_after(const miair_text *t, size_t p) {
    while (p < t->nb) {
        uint32_t c = miair_utf8_next(t->u8, &p);
        unsigned cl = (unsigned)miair_uc_sigma_class(c);
        if (cl != MIAIR_SIGMA_IGNORABLE) return cl;
    }
    return MIAIR_SIGMA_OTHER;
}

static miair_status window_lower(miair_scratch *s, const miair_text *t, int ascii) {
    const uint8_t *u = t->u8 + s->wa;
    const size_t n = s->wb - s->wa;
    s->lw8.len = 0;
    if (miair_buf_reserve(&s->lw8, (ascii ? n : 2 * n + 8) + KEY_SLACK)) return MIAIR_ERR_NOMEM;
    uint8_t *out = (uint8_t *)s->lw8.p;
    if (ascii) { /* a copy, then +0x20 on the bytes of the UPPER class bitmaps ('A'..'Z': few in prose) */
        memcpy(out, u, n);
        for (size_t bi = 0; bi < MIAIR_BLOCKS(n); bi++)
            for (uint64_t U = s->cls[bi * CLS_STRIDE + MIAIR_CLS_UPPER]; U; U &= U - 1)
                out[64 * bi + (unsigned)__builtin_ctzll(U)] |= 0x20;
        s->lw8.len = n;
        s->lw8_ascii = 1;
        for (size_t i = n; i-- > 0;) {
            unsigned cl = (unsigned)miair_uc_sigma_class(u[i]);
            if (cl != MIAIR_SIGMA_IGNORABLE) {
                s->sigma_prev = cl;
                break;
            }
        }
        return MIAIR_OK;
    }
    /* mixed text: ASCII bytes lowered in place, other characters decoded, lowered, re-encoded
     * (a lowered character takes at most 3 bytes per 2 of the original: U+0130 -> "i\u0307") */
    s->lw8_ascii = 0;
    if (miair_buf_reserve(&s->lw8, 2 * n + 8 + KEY_SLACK)) return MIAIR_ERR_NOMEM;
    out = (uint8_t *)s->lw8.p;
    unsigned prev = s->sigma_prev;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        uint8_t b = u[i];
        if (b < 0x80) {
            out[o++] = (uint8_t)((unsigned)b - 'A' < 26u ? b + 32 : b);
            unsigned cl = (unsigned)miair_uc_sigma_class(b);
            if (cl != MIAIR_SIGMA_IGNORABLE) prev = cl;
            i++;
            continue;
        }
        size_t j = i;
        uint32_t c = miair_utf8_next(u, &j), lw[2];
        int k = 1;
        if (c == 0x3A3u) {
            int final = prev == MIAIR_SIGMA_CASED && sigma_class_after(t, s->wa + j) != MIAIR_SIGMA_CASED;
            lw[0] = final ? 0x3C2u : 0x3C3u;
        } else {
            k = miair_uc_lower(c, lw);
        }
        o += miair_utf8_encode(lw, (size_t)k, out + o);
        unsigned cl = (unsigned)miair_uc_sigma_class(c);
        if (cl != MIAIR_SIGMA_IGNORABLE) prev = cl;
        i = j;
    }
    s->sigma_prev = prev;
    s->lw8.len = o;
    return MIAIR_OK;
}

/* ---- the lowered-text checks: needles anywhere, text.lower()[:500], text.lower()[-1000:] ---- */

static const char *const needles[MIAIR_NEEDLES] = {"introduction", "usage",  "example", "reference", "function",
                                                   "method",       "class",  "api",     "code",      "implementation"};

/* The needles' key words and their index by first and second letter, made once per process. */
static struct {
    size_t mlen[MIAIR_NEEDLES];
    uint64_t n0[MIAIR_NEEDLES], n1[MIAIR_NEEDLES];
    uint16_t by_first[256], by_second[256]; /* needles (bits) by first / second letter */
} needle_tab;
static pthread_once_t needle_once = PTHREAD_ONCE_INIT;

static void needle_tab_init(void) {
    for (int q = 0; q < MIAIR_NEEDLES; q++) {
        needle_tab.mlen[q] = strlen(needles[q]); /* 3..16 letters */
        uint8_t pad[16 + KEY_SLACK] = {0};
        memcpy(pad, needles[q], needle_tab.mlen[q]);
        key_words(pad, needle_tab.mlen[q], &needle_tab.n0[q], &needle_tab.n1[q]);
        needle_tab.by_first[(uint8_t)needles[q][0]] |= (uint16_t)(1u << q);
        needle_tab.by_second[(uint8_t)needles[q][1]] |= (uint16_t)(1u << q);
    }
}

/* The needles in a word (key: KEY_SLACK readable bytes after it), as bits. */
static uint32_t word_needles(const uint8_t *key, size_t len) {
    const size_t *const mlen = needle_tab.mlen;
    const uint64_t *const n0 = needle_tab.n0, *const n1 = needle_tab.n1;
    const uint16_t *const by_first = needle_tab.by_first, *const by_second = needle_tab.by_second;
    uint32_t found = 0;
    for (size_t j = 0; j + 3 <= len; j++) {
        for (unsigned m = by_first[key[j]] & by_second[key[j + 1]] & ~found; m; m &= m - 1) {
            int q = __builtin_ctz(m);
            uint64_t k0, k1;
            if (j + mlen[q] > len) continue;
            key_words(key + j, mlen[q], &k0, &k1);
            if (k0 == n0[q] && k1 == n1[q]) found |= 1u << q;
        }
    }
    return found;
}

/* Needle i occurs in text.lower() exactly when a distinct word contains it: the
 * needles are runs of ASCII letters, and letters are \w, so every occurrence
 * lies inside one maximal \w run of the lowered text, that is, inside a word.
 * Each lexicon entry knows its needles. */
int miair_needle_found(const miair_scratch *s, int i) {
    if (!s->needle_found[0]) { /* first call: the needles of the document's words */
        const miair_word *lex = (const miair_word *)s->words.p;
        const uint32_t *order = (const uint32_t *)s->order.p;
        const size_t nent = s->order.len / sizeof *order;
        uint32_t found = 0;
        for (size_t k = 0; k < nent; k++) found |= lex[order[k]].needles;
        for (int k = 0; k < MIAIR_NEEDLES; k++) ((miair_scratch *)s)->needle_found[k] = (found >> k) & 1 ? 1 : -1;
    }
    return s->needle_found[i] > 0;
}

void miair_lexicon_prepare(miair_scratch *s, const miair_engine *e) {
    pthread_once(&needle_once, needle_tab_init); /* before the first word_needles */
    if (s->lexicon_engine == e->serial && s->words.len / sizeof(miair_word) <= MIAIR_LEXICON_MAX) return;
    s->lexicon_engine = e->serial;
    s->words.len = s->word_keys.len = 0;
    if (s->word_slots > 4 * MIAIR_LEXICON_MAX) { /* grown by one document's many words: start small again */
        free(s->word_index);
        s->word_index = NULL;
        s->word_slots = 0;
    } else if (s->word_index) {
        memset(s->word_index, 0, s->word_slots * sizeof *s->word_index);
    }
    if (s->word_recent) memset(s->word_recent, 0, MIAIR_WORD_RECENT * sizeof *s->word_recent);
}

static miair_status window_ends(miair_scratch *s, const uint8_t *lw, size_t n) {
    size_t i = 0;
    if (s->lw8_ascii && s->intro_cps < MIAIR_INTRO_CHARS) {
        i = MIAIR_INTRO_CHARS - s->intro_cps < n ? MIAIR_INTRO_CHARS - s->intro_cps : n;
        if (miair_buf_append(&s->intro, lw, i)) return MIAIR_ERR_NOMEM;
        s->intro_cps += i;
    }
    while (s->intro_cps < MIAIR_INTRO_CHARS && i < n) {
        size_t a = i++;
        while (i < n && (lw[i] & 0xC0) == 0x80) i++;
        if (miair_buf_append(&s->intro, lw + a, i - a)) return MIAIR_ERR_NOMEM;
        s->intro_cps++;
    }
    size_t cps = s->lw8_ascii ? n : miair_utf8_count(lw, 0, n);
    s->lower_cps += cps;
    if (cps >= MIAIR_TAIL_CHARS) {
        size_t b = n, k = 0;
        if (s->lw8_ascii) b = n - MIAIR_TAIL_CHARS, k = MIAIR_TAIL_CHARS;
        while (k < MIAIR_TAIL_CHARS) {
            b--;
            if ((lw[b] & 0xC0) != 0x80) k++;
        }
        s->tail.len = 0;
        if (miair_buf_append(&s->tail, lw + b, n - b)) return MIAIR_ERR_NOMEM;
        s->tail_cps = MIAIR_TAIL_CHARS;
        return MIAIR_OK;
    }
    if (miair_buf_append(&s->tail, lw, n)) return MIAIR_ERR_NOMEM;
    s->tail_cps += cps;
    size_t drop = 0;
    while (s->tail_cps > MIAIR_TAIL_CHARS) {
        drop++;
        while (drop < s->tail.len && ((uint8_t)s->tail.p[drop] & 0xC0) == 0x80) drop++;
        s->tail_cps--;
    }
    if (drop) {
        memmove(s->tail.p, s->tail.p + drop, s->tail.len - drop);
        s->tail.len -= drop;
    }
    return MIAIR_OK;
}

/* ---- tokens, sentences, paragraphs from the class bitmaps ---- */

static inline uint64_t bits_below(unsigned q) { return q >= 64 ? ~0ull : (1ull << q) - 1; }

static double paragraph_piece_score(size_t pieces) {
    return (pieces >= 3 && pieces <= 5) ? 1.0 : (pieces >= 2 && pieces <= 7) ? 0.7 : 0.4;
}

/* A paragraph ends (at a "\n\n" separator or the text's end): its last piece, its score. */
static void close_paragraph(miair_stats_state *z) {
    if (z->p_tok) z->p_pieces++;
    if (z->para_nonblank) {
        z->paragraphs++;
        z->paragraph_sum += paragraph_piece_score(z->p_pieces);
    }
    z->p_tok = z->p_pieces = 0;
    z->para_nonblank = 0;
}

static miair_status push_sentence(miair_scratch *s, size_t tokens) {
    if (tokens > s->sent_max || !s->sent_hist) {
        size_t need = tokens + 1;
        if (need > s->sent_hist_cap) {
            size_t nc = s->sent_hist_cap ? s->sent_hist_cap : 64;
            while (nc < need) nc *= 2;
            uint64_t *h = realloc(s->sent_hist, nc * sizeof *h);
            if (!h) return MIAIR_ERR_NOMEM;
            memset(h + s->sent_hist_cap, 0, (nc - s->sent_hist_cap) * sizeof *h);
            s->sent_hist = h;
            s->sent_hist_cap = nc;
        }
        if (tokens > s->sent_max) s->sent_max = tokens;
    }
    s->sent_hist[tokens]++;
    s->st.sentences++;
    s->st.sentence_tokens += tokens;
    return MIAIR_OK;
}

/* Whitespace bits of a block's non-ASCII characters (U+0085, U+00A0, U+1680, U+2000..): lead and
 * continuation bytes of each; bytes past the block carry into the next one. */
static uint64_t nonascii_space_bits(const uint8_t *u, size_t pos0, size_t valid, uint64_t leads, uint64_t *carry) {
    uint64_t bits = *carry;
    *carry = 0;
    while (leads) {
        unsigned q = (unsigned)__builtin_ctzll(leads);
        leads &= leads - 1;
        uint8_t c0 = u[pos0 + q];
        if (c0 != 0xC2 && c0 != 0xE1 && c0 != 0xE2 && c0 != 0xE3) continue;
        size_t j = pos0 + q;
        uint32_t c = miair_utf8_next(u, &j);
        if (!miair_uc_isspace(c)) continue;
        unsigned len = (unsigned)(j - (pos0 + q));
        for (unsigned b = 0; b < len; b++) {
            unsigned at = q + b;
            if (at < 64)
                bits |= 1ull << at;
            else
                *carry |= 1ull << (at - 64);
        }
    }
    (void)valid;
    return bits;
}

static inline __attribute__((always_inline)) miair_status window_stats(miair_scratch *s, const miair_text *t,
                                                                       size_t blocks) {
    const uint8_t *u = t->u8;
    miair_stats_state *z = &s->st;
    const uint64_t *cls = s->cls;
    miair_status st;
    for (size_t bi = 0; bi < blocks; bi++) {
        const size_t pos0 = s->wa + 64 * bi;
        const size_t valid = s->wb - pos0 < 64 ? s->wb - pos0 : 64;
        const uint64_t V = bits_below((unsigned)valid);
        uint64_t S = cls[bi * CLS_STRIDE + MIAIR_CLS_SPACE];
        const uint64_t T = cls[bi * CLS_STRIDE + MIAIR_CLS_TERM];
        const uint64_t N = cls[bi * CLS_STRIDE + MIAIR_CLS_NEWLINE];
        const uint64_t NA = cls[bi * CLS_STRIDE + MIAIR_CLS_NONASCII];
        if (NA || z->s_extra_carry)
            S |= nonascii_space_bits(u, pos0, valid, NA & ~cls[bi * CLS_STRIDE + MIAIR_CLS_CONT], &z->s_extra_carry);
        const uint64_t NS = ~S & V, X = NS & ~T;
        const uint64_t gstart = NS & ~((NS << 1) | z->ns_carry);
        const uint64_t sstart = X & ~((X << 1) | z->x_carry);
        const uint64_t TR = T & ~((T << 1) | z->t_carry);
        z->ws_tokens += (size_t)miair_popcount64(gstart);
        /* "\n\n" separators, left to right, non-overlapping */
        uint64_t next_nl = (pos0 + valid < t->nb && u[pos0 + valid] == '\n') ? 1ull << (valid - 1) : 0;
        uint64_t D = N & ((N >> 1) | next_nl), SEP = 0;
        while (D) {
            unsigned q = (unsigned)__builtin_ctzll(D);
            D &= D - 1;
            if (pos0 + q >= z->skip_until) {
                SEP |= 1ull << q;
                z->skip_until = pos0 + q + 2;
            }
        }
        uint64_t E = TR | SEP;
        unsigned prev = 0;
        while (E) {
            unsigned q = (unsigned)__builtin_ctzll(E);
            E &= E - 1;
            uint64_t range = bits_below(q) & ~bits_below(prev);
            size_t cnt = (size_t)miair_popcount64(sstart & range);
            z->s_tok += cnt;
            z->p_tok += cnt;
            z->para_nonblank |= (NS & range) != 0;
            if ((TR >> q) & 1) {
                if (z->s_tok && (st = push_sentence(s, z->s_tok))) return st;
                z->s_tok = 0;
                z->para_nonblank = 1; /* the terminator itself */
                if (z->p_tok) z->p_pieces++;
                z->p_tok = 0;
            } else {
                close_paragraph(z);
            }
            prev = q + 1;
        }
        uint64_t rest = ~bits_below(prev);
        size_t cnt = (size_t)miair_popcount64(sstart & rest);
        z->s_tok += cnt;
        z->p_tok += cnt;
        z->para_nonblank |= (NS & rest) != 0;
        z->ns_carry = (NS >> (valid - 1)) & 1; /* the last character (a window's last block may be short) */
        z->x_carry = (X >> (valid - 1)) & 1;
        z->t_carry = (T >> (valid - 1)) & 1;
    }
    return MIAIR_OK;
}

static miair_status stats_finish(miair_scratch *s) {
    miair_stats_state *z = &s->st;
    miair_status st;
    if (z->s_tok && (st = push_sentence(s, z->s_tok))) return st;
    z->s_tok = 0;
    close_paragraph(z);
    return MIAIR_OK;
}

/* ---- one window ---- */

miair_status miair_classify_window(miair_scratch *s, const miair_text *t, size_t *blocks_out) {
    const size_t n = s->wb - s->wa, blocks = MIAIR_BLOCKS(n);
    if (blocks + 1 > s->cap_blocks) {
        size_t nb = blocks + 1;
        uint64_t *cls = realloc(s->cls, nb * CLS_STRIDE * sizeof *cls);
        if (cls) s->cls = cls;
        uint32_t *rn = realloc(s->rank_nl, nb * sizeof *rn);
        if (rn) s->rank_nl = rn;
        uint32_t *rc = realloc(s->rank_ct, nb * sizeof *rc);
        if (rc) s->rank_ct = rc;
        uint64_t *sb = realloc(s->setbits, nb * SET_STRIDE * sizeof *sb);
        if (sb) s->setbits = sb;
        uint64_t *wr = realloc(s->wrej, nb * sizeof *wr);
        if (wr) s->wrej = wr;
        if (!cls || !rn || !rc || !sb || !wr) return MIAIR_ERR_NOMEM;
        s->cap_blocks = nb;
    }
    if (blocks) s->k->classify_text(t->u8 + s->wa, n, s->cls, 1, CLS_STRIDE); /* a record per block */
    uint32_t nl = 0, ct = 0;
    for (size_t bi = 0; bi < blocks; bi++) {
        s->rank_nl[bi] = nl;
        s->rank_ct[bi] = ct;
        /* newlines are few per block, continuation bytes often none */
        for (uint64_t N = s->cls[bi * CLS_STRIDE + MIAIR_CLS_NEWLINE]; N; N &= N - 1) nl++;
        const uint64_t C = s->cls[bi * CLS_STRIDE + MIAIR_CLS_CONT];
        if (C) ct += (uint32_t)miair_popcount64(C);
    }
    s->rank_nl[blocks] = nl;
    s->rank_ct[blocks] = ct;
    *blocks_out = blocks;
    return MIAIR_OK;
}

size_t miair_cp_at(const miair_scratch *s, size_t p) {
    size_t off = p - s->wa, bi = off / 64;
    size_t ct = s->rank_ct[bi];
    if (off % 64) ct += (size_t)miair_popcount64(s->cls[bi * CLS_STRIDE + MIAIR_CLS_CONT] & bits_below(off % 64));
    return s->cp_before + off - ct;
}

size_t miair_line_at(const miair_scratch *s, size_t p) {
    size_t off = p - s->wa, bi = off / 64;
    size_t nl = s->rank_nl[bi];
    if (off % 64) nl += (size_t)miair_popcount64(s->cls[bi * CLS_STRIDE + MIAIR_CLS_NEWLINE] & bits_below(off % 64));
    return s->nl_before + nl + 1;
}

MIAIR_POPCNT_CLONES miair_status miair_window_text(const miair_engine *e, miair_scratch *s, const miair_text *t) {
    miair_status st;
    s->wrej_ok = 0;
    s->wstart = &e->wstart;
    size_t blocks;
    if ((st = miair_classify_window(s, t, &blocks))) return st;
    const size_t n = s->wb - s->wa;
    uint64_t na = 0; /* any non-ASCII byte in the window: from the class bitmaps */
    for (size_t bi = 0; bi < blocks; bi++) na |= s->cls[bi * CLS_STRIDE + MIAIR_CLS_NONASCII];
    const int ascii = na == 0;
    const int last = s->wb == t->nb;
    if (!s->has_fence) { /* "```": three adjacent bits of the backtick bitmaps (across block edges too) */
        const uint8_t *u = t->u8;
        uint64_t prev = s->wa >= 1 && u[s->wa - 1] == '`', prev2 = s->wa >= 2 && u[s->wa - 2] == '`';
        for (size_t bi = 0; bi < blocks && !s->has_fence; bi++) {
            uint64_t B = s->cls[bi * CLS_STRIDE + MIAIR_CLS_BACKTICK];
            /* bit i: bytes i-2, i-1, i are backticks */
            uint64_t F = B & ((B << 1) | prev) & ((B << 2) | (prev2 | prev << 1));
            s->has_fence = F != 0;
            prev = B >> 63;
            prev2 = (B >> 62) & 1;
        }
    }
    if ((st = window_lower(s, t, ascii))) return st;
    if (!(ascii && s->hist_words && nonword_histogram(s, t->u8 + s->wa, n))) {
        miair_hist_words_settle(s); /* before this window's words join the table */
        if ((st = char_histogram(s, t->u8 + s->wa, n))) return st;
    }
    const uint8_t *lw = (const uint8_t *)s->lw8.p;
    st = ascii ? window_words_ascii(s, lw, s->lw8.len, blocks, last) : window_words(s, lw, s->lw8.len, last);
    if (st) return st;
    if ((st = window_ends(s, lw, s->lw8.len))) return st;
    if ((st = window_stats(s, t, blocks))) return st;
    if (last && (st = stats_finish(s))) return st;
    return MIAIR_OK;
}
