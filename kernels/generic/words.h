/* Word and n-gram hashing, written once (the contract is in kernels.h,
 * word_hashes and ngram_hashes). An ISA supplies only word64(p): the bitmap
 * of ASCII word bytes [0-9A-Za-z_] among the 64 bytes at p. Boundaries,
 * flags and hashes are shared code, so every ISA emits the same words with
 * the same hashes. */
#ifndef MIAIR_GENERIC_WORDS_H
#define MIAIR_GENERIC_WORDS_H

#include <stdint.h>
#include <string.h>

#include "../kernels.h"

/* XXH3 header-only and inlined (words are short). The one-shot and the
 * streaming XXH3-64 give the same value whatever vector path the translation
 * unit's flags select, so the hashes are the same on every ISA. */
#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL
#endif
#include <xxhash.h>

typedef uint64_t (*miair_word64_fn)(const uint8_t *p);

/* Words up to this many bytes are lowered into a stack copy and hashed in
 * one shot; longer ones are lowered piecewise into a streaming XXH3 state. */
#define MIAIR_WORDS_LOWER_COPY 256

/* ASCII A-Z -> a-z, other bytes unchanged. */
static inline uint8_t miair_ascii_lower(uint8_t b)
{
    return (uint8_t)(b + ((unsigned)(b - 'A') < 26u ? 32 : 0));
}

static __attribute__((noinline)) uint64_t miair_hash_lowered_long(const uint8_t *p, size_t n)
{
    XXH3_state_t st;
    uint8_t tmp[MIAIR_WORDS_LOWER_COPY];
    XXH3_64bits_reset(&st);
    for (size_t off = 0; off < n; off += sizeof tmp) {
        size_t k = n - off < sizeof tmp ? n - off : sizeof tmp;
        for (size_t i = 0; i < k; i++)
            tmp[i] = miair_ascii_lower(p[off + i]);
        XXH3_64bits_update(&st, tmp, k);
    }
    return XXH3_64bits_digest(&st);
}

/* 8 bytes ASCII-lowered at once: 0x20 added to the bytes 'A'-'Z' (range
 * test on the low 7 bits, bytes >= 0x80 excluded; no carries cross bytes). */
static inline uint64_t miair_lower8(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull, lo7 = 0x7F7F7F7F7F7F7F7Full;
    uint64_t y = x & lo7;
    uint64_t up = (y + ones * (0x80 - 'A')) & ~(y + ones * (0x7F - 'Z')) & ~x & (ones * 0x80);
    return x | (up >> 2);
}

/* The hash of the word p[0..n); avail >= n readable bytes at p. */
static inline uint64_t miair_word_hash_of(const uint8_t *p, size_t n, size_t avail, unsigned opts)
{
    if (!(opts & MIAIR_WORDS_LOWER))
        return XXH3_64bits(p, n);
    if (n > MIAIR_WORDS_LOWER_COPY)
        return miair_hash_lowered_long(p, n);
    uint8_t tmp[MIAIR_WORDS_LOWER_COPY + 8];
    if (n <= 16 && avail >= 16) { /* most words: branch-free, two loads */
        uint64_t a, b;
        memcpy(&a, p, 8);
        memcpy(&b, p + 8, 8);
        a = miair_lower8(a);
        b = miair_lower8(b);
        memcpy(tmp, &a, 8);
        memcpy(tmp + 8, &b, 8);
    } else if (avail >= ((n + 7) & ~(size_t)7)) {
        for (size_t i = 0; i < n; i += 8) {
            uint64_t a;
            memcpy(&a, p + i, 8);
            a = miair_lower8(a);
            memcpy(tmp + i, &a, 8);
        }
    } else {
        for (size_t i = 0; i < n; i++)
            tmp[i] = miair_ascii_lower(p[i]);
    }
    return XXH3_64bits(tmp, n);
}

/* One word [s, e) of buf[0..len). */
static inline void miair_word_emit(const uint8_t *buf, size_t len, size_t s, size_t e, unsigned opts,
                                   uint64_t base, struct miair_word_hash *w)
{
    uint32_t f = 0;
    if (s == 0)
        f |= MIAIR_WORD_CUT_START;
    else if (buf[s - 1] >= 0x80)
        f |= MIAIR_WORD_NONASCII;
    if (e == len)
        f |= MIAIR_WORD_CUT_END;
    else if (buf[e] >= 0x80)
        f |= MIAIR_WORD_NONASCII;
    w->hash = miair_word_hash_of(buf + s, e - s, len - s, opts);
    w->start = base + s;
    w->len = (uint32_t)(e - s);
    w->flags = f;
}

/* The runs of set bits of the block bitmap w (block starting at byte off;
 * bits at or past len are 0), with *open = start of a run still open from
 * the previous block (or SIZE_MAX). Emits every run that ends inside the
 * block; returns the new count. */
static inline size_t miair_words_block(const uint8_t *buf, size_t len, size_t off, uint64_t w,
                                       size_t *open, unsigned opts, uint64_t base,
                                       struct miair_word_hash *out, size_t n)
{
    uint64_t carry = *open != SIZE_MAX;
    uint64_t prev = (w << 1) | carry;   /* bit i: byte i-1 is a word byte */
    uint64_t ev = (w ^ prev);           /* starts (w=1) and ends (w=0) */
    size_t valid = len - off < 64 ? len - off : 64;
    if (valid < 64)
        ev &= (1ull << valid) - 1;      /* no end marks past len */
    while (ev) {
        unsigned i = (unsigned)__builtin_ctzll(ev);
        ev &= ev - 1;
        if ((w >> i) & 1) {
            *open = off + i;
        } else {
            miair_word_emit(buf, len, *open, off + i, opts, base, &out[n++]);
            *open = SIZE_MAX;
        }
    }
    return n; /* a run reaching the block's end stays open */
}

static inline size_t miair_word_hashes_generic(const uint8_t *buf, size_t len, const uint64_t *word_bits,
                                               size_t block_stride, unsigned opts, uint64_t base,
                                               struct miair_word_hash *out, miair_word64_fn word64)
{
    size_t n = 0, open = SIZE_MAX, b = 0;
    for (; len - b * MIAIR_BLOCK >= MIAIR_BLOCK; b++) {
        uint64_t w = word_bits ? word_bits[b * block_stride] : word64(buf + b * MIAIR_BLOCK);
        n = miair_words_block(buf, len, b * MIAIR_BLOCK, w, &open, opts, base, out, n);
    }
    size_t rest = len - b * MIAIR_BLOCK;
    if (rest) {
        uint64_t w;
        if (word_bits) {
            w = word_bits[b * block_stride];
        } else {
            uint8_t tmp[MIAIR_BLOCK] = {0}; /* 0 is not a word byte */
            memcpy(tmp, buf + b * MIAIR_BLOCK, rest);
            w = word64(tmp);
        }
        w &= (1ull << rest) - 1;
        n = miair_words_block(buf, len, b * MIAIR_BLOCK, w, &open, opts, base, out, n);
    }
    if (open != SIZE_MAX)
        miair_word_emit(buf, len, open, len, opts, base, &out[n++]);
    return n;
}

/* ---- n-grams ---- */

/* The splitmix64 finalizer: a bijection of uint64 with full avalanche. */
static inline uint64_t miair_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Rolling: S(i+1) = (S(i) - h(i) * P^(n-1)) * P + h(i+n), exact mod 2^64,
 * so equal to the direct sum of kernels.h for every i. */
static inline size_t miair_ngram_hashes_generic(const uint64_t *h, size_t count, size_t stride, unsigned n,
                                                uint64_t *out)
{
    if (n == 0 || count < n)
        return 0;
    uint64_t top = 1; /* P^(n-1) */
    for (unsigned j = 1; j < n; j++)
        top *= MIAIR_NGRAM_P;
    const uint64_t salt = (uint64_t)n * MIAIR_NGRAM_N;
    uint64_t s = 0;
    for (unsigned j = 0; j < n; j++)
        s = s * MIAIR_NGRAM_P + h[j * stride];
    size_t m = count - n + 1;
    out[0] = miair_mix64(s + salt);
    for (size_t i = 1; i < m; i++) {
        s = (s - h[(i - 1) * stride] * top) * MIAIR_NGRAM_P + h[(i - 1 + n) * stride];
        out[i] = miair_mix64(s + salt);
    }
    return m;
}

#endif
