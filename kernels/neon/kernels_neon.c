/* NEON kernels, written with arm_neon.h names through SIMDe: native on
 * aarch64, emulated (portable, slower) on every other target so that the
 * NEON path is tested everywhere. Four 16-byte vectors per 64-byte block;
 * tails go through a zero-padded stack copy. */
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/arm/neon.h>
#include <string.h>

#include "../kernels.h"
#include "../generic/classes.h"
#include "../generic/histogram.h"
#include "../generic/swar.h"
#include "../generic/utf8.h"
#include "../generic/utf8_valid.h"
#include "../generic/words.h"

static const uint8_t BIT_WEIGHTS[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};

/* 64-bit movemask of four 0x00/0xFF byte vectors (v[0] = bytes 0-15). */
static inline uint64_t mask64(const uint8x16_t v[4], uint8x16_t w)
{
    uint8x16_t s0 = vpaddq_u8(vandq_u8(v[0], w), vandq_u8(v[1], w));
    uint8x16_t s1 = vpaddq_u8(vandq_u8(v[2], w), vandq_u8(v[3], w));
    s0 = vpaddq_u8(s0, s1);
    s0 = vpaddq_u8(s0, s0);
    return vgetq_lane_u64(vreinterpretq_u64_u8(s0), 0);
}

struct nib_tables {
    uint8x16_t a_lo, a_hi, b_lo, b_hi, w;
};

MIAIR_INLINE void classify_block(const uint8_t *p, const struct nib_tables *nt, uint64_t m[MIAIR_CLS_COUNT],
                                 unsigned mask)
{
    const uint8x16_t low4 = vdupq_n_u8(0x0F);
    uint8x16_t x[4], a[4], b[4], r[4];
    MIAIR_UNROLL
    for (int h = 0; h < 4; h++) {
        x[h] = vld1q_u8(p + 16 * h);
        uint8x16_t lo = vandq_u8(x[h], low4), hi = vshrq_n_u8(x[h], 4);
        a[h] = vandq_u8(vqtbl1q_u8(nt->a_lo, lo), vqtbl1q_u8(nt->a_hi, hi));
        b[h] = vandq_u8(vqtbl1q_u8(nt->b_lo, lo), vqtbl1q_u8(nt->b_hi, hi));
    }
#define CLASS_MASK(expr)                                                                           \
    do {                                                                                           \
        MIAIR_UNROLL                                                                               \
        for (int h = 0; h < 4; h++)                                                                \
            r[h] = (expr);                                                                         \
    } while (0)
#define CLASS(c, expr)                                                                             \
    do {                                                                                           \
        if ((mask >> (c)) & 1) {                                                                   \
            CLASS_MASK(expr);                                                                      \
            m[c] = mask64(r, nt->w);                                                               \
        }                                                                                          \
    } while (0)
    CLASS(MIAIR_CLS_SPACE, vtstq_u8(b[h], b[h]));
    CLASS(MIAIR_CLS_WORD, vtstq_u8(a[h], vdupq_n_u8(MIAIR_NIB_A_WORD)));
    CLASS(MIAIR_CLS_TERM, vtstq_u8(a[h], vdupq_n_u8(MIAIR_NIB_A_TERM)));
    CLASS(MIAIR_CLS_UPPER, vtstq_u8(a[h], vdupq_n_u8(MIAIR_NIB_A_UPPER)));
    MIAIR_UNROLL
    for (int s = 0; s < MIAIR_SINGLE_COUNT; s++)
        CLASS(MIAIR_SINGLE_FIRST + s, vceqq_u8(x[h], vdupq_n_u8(MIAIR_SINGLE_BYTES[s])));
    CLASS(MIAIR_CLS_NONASCII, vtstq_u8(x[h], vdupq_n_u8(0x80)));
    /* 0x80-0xBF: (x & 0xC0) == 0x80 */
    CLASS(MIAIR_CLS_CONT, vceqq_u8(vandq_u8(x[h], vdupq_n_u8(0xC0)), vdupq_n_u8(0x80)));
#undef CLASS
#undef CLASS_MASK
}

#define NIB_TABLES_NEON                                                                            \
    {vld1q_u8(MIAIR_NIB_A_LO), vld1q_u8(MIAIR_NIB_A_HI), vld1q_u8(MIAIR_NIB_B_LO), vld1q_u8(MIAIR_NIB_B_HI),     \
     vld1q_u8(BIT_WEIGHTS)}

MIAIR_DEFINE_CLASSIFY(neon, classify_block, struct nib_tables, NIB_TABLES_NEON)

static void byte_histogram_neon(const uint8_t *buf, size_t len, uint64_t counts[256])
{
    miair_byte_histogram_4(buf, len, counts);
}

static inline uint64_t leads64_neon(const uint8_t *p)
{
    uint8x16_t x[4], r[4];
    for (int h = 0; h < 4; h++)
        x[h] = vld1q_u8(p + 16 * h);
    uint8x16_t any = vorrq_u8(vorrq_u8(x[0], x[1]), vorrq_u8(x[2], x[3]));
    if (vmaxvq_u8(any) < 0x80)
        return 0;
    /* 0xC0-0xF7: x - 0xC0 < 0x38 unsigned */
    for (int h = 0; h < 4; h++)
        r[h] = vcltq_u8(vsubq_u8(x[h], vdupq_n_u8(0xC0)), vdupq_n_u8(0x38));
    return mask64(r, vld1q_u8(BIT_WEIGHTS));
}

static size_t utf8_histogram_neon(const uint8_t *buf, size_t len, uint64_t ascii[128],
                                  struct miair_cp_table *t)
{
    return miair_utf8_histogram_generic(buf, len, ascii, t, leads64_neon);
}

static size_t count_byte_neon(const uint8_t *buf, size_t len, uint8_t byte)
{
    const uint8x16_t c = vdupq_n_u8(byte);
    size_t n = 0, i = 0;
    /* Byte lanes of acc grow by at most 4 per 64-byte step: 63 steps <= 252. */
    while (len - i >= 64) {
        uint8x16_t acc = vdupq_n_u8(0);
        size_t steps = (len - i) / 64;
        if (steps > 63)
            steps = 63;
        for (size_t s = 0; s < steps; s++, i += 64)
            for (int h = 0; h < 4; h++)
                acc = vsubq_u8(acc, vceqq_u8(vld1q_u8(buf + i + 16 * h), c));
        n += vaddlvq_u8(acc);
    }
    return n + miair_count_byte_swar(buf + i, len - i, byte);
}

static size_t byte_positions_neon(const uint8_t *buf, size_t len, uint8_t byte, uint64_t base,
                                  uint64_t *out)
{
    const uint8x16_t c = vdupq_n_u8(byte), w = vld1q_u8(BIT_WEIGHTS);
    size_t k = 0, i = 0;
    for (; len - i >= 64; i += 64) {
        uint8x16_t r[4];
        for (int h = 0; h < 4; h++)
            r[h] = vceqq_u8(vld1q_u8(buf + i + 16 * h), c);
        uint64_t m = mask64(r, w);
        while (m) {
            out[k++] = base + i + (unsigned)__builtin_ctzll(m);
            m &= m - 1;
        }
    }
    return k + miair_byte_positions_swar(buf + i, len - i, byte, base + i, out + k);
}

static size_t ascii_prefix_len_neon(const uint8_t *buf, size_t len)
{
    size_t i = 0;
    for (; len - i >= 64; i += 64) {
        uint8x16_t x[4];
        for (int h = 0; h < 4; h++)
            x[h] = vld1q_u8(buf + i + 16 * h);
        uint8x16_t any = vorrq_u8(vorrq_u8(x[0], x[1]), vorrq_u8(x[2], x[3]));
        if (vmaxvq_u8(any) >= 0x80)
            return i + miair_ascii_prefix_len_swar(buf + i, 64);
    }
    return i + miair_ascii_prefix_len_swar(buf + i, len - i);
}

/* Word bytes: nibble pair A (classes.h), four 16-byte lookups. */
static inline uint64_t word64_neon(const uint8_t *p)
{
    const uint8x16_t lo_t = vld1q_u8(MIAIR_NIB_A_LO), hi_t = vld1q_u8(MIAIR_NIB_A_HI);
    const uint8x16_t low4 = vdupq_n_u8(0x0F), bits = vdupq_n_u8(MIAIR_NIB_A_WORD);
    uint8x16_t r[4];
    MIAIR_UNROLL
    for (int h = 0; h < 4; h++) {
        uint8x16_t x = vld1q_u8(p + 16 * h);
        uint8x16_t a = vandq_u8(vqtbl1q_u8(lo_t, vandq_u8(x, low4)), vqtbl1q_u8(hi_t, vshrq_n_u8(x, 4)));
        r[h] = vtstq_u8(a, bits);
    }
    return mask64(r, vld1q_u8(BIT_WEIGHTS));
}

static size_t word_hashes_neon(const uint8_t *buf, size_t len, const uint64_t *word_bits, size_t block_stride,
                               unsigned opts, uint64_t base, struct miair_word_hash *out)
{
    return miair_word_hashes_generic(buf, len, word_bits, block_stride, opts, base, out, word64_neon);
}

static size_t ngram_hashes_neon(const uint64_t *h, size_t count, size_t stride, unsigned n, uint64_t *out)
{
    return miair_ngram_hashes_generic(h, count, stride, n, out);
}

/* ---- byte sets ---------------------------------------------------------
 * Per 16 bytes, shared by all sets: idx = low nibble | (bit 7) << 4 (0..31)
 * and sel = the bit of the high nibble (1 << (hi & 7), one vqtbl1q). Per
 * set: r = vqtbl2q({nib[k][0..15], nib[k][16..31]}, idx), or, when set k
 * has no members >= 0x80, vqtbl1q(nib[k][0..15], idx) (indices >= 16 give 0);
 * member iff vtstq(r, sel); one vpaddq movemask per set. */
MIAIR_INLINE void byteset_block_neon(const uint8_t *p, const uint8x16x2_t *tab, unsigned n, unsigned high,
                                     uint8x16_t w, uint64_t *m)
{
    const uint8x16_t low4 = vdupq_n_u8(0x0F), hib = vld1q_u8(BIT_WEIGHTS);
    uint8x16_t idx[4], sel[4], r[4];
    MIAIR_UNROLL
    for (int h = 0; h < 4; h++) {
        uint8x16_t x = vld1q_u8(p + 16 * h);
        idx[h] = vbslq_u8(low4, x, vshrq_n_u8(x, 3));
        sel[h] = vqtbl1q_u8(hib, vshrq_n_u8(x, 4));
    }
    MIAIR_UNROLL
    for (unsigned k = 0; k < n; k++) {
        if ((high >> k) & 1) { /* the same way for the whole call: predicted */
            MIAIR_UNROLL
            for (int h = 0; h < 4; h++)
                r[h] = vtstq_u8(vqtbl2q_u8(tab[k], idx[h]), sel[h]);
        } else {
            MIAIR_UNROLL
            for (int h = 0; h < 4; h++)
                r[h] = vtstq_u8(vqtbl1q_u8(tab[k].val[0], idx[h]), sel[h]);
        }
        m[k] = mask64(r, w);
    }
}

MIAIR_INLINE void byteset_bits_n_neon(const uint8_t *buf, size_t len, const struct miair_bytesets *s,
                                      uint64_t *out, size_t block_stride, const unsigned n)
{
    uint8x16x2_t tab[MIAIR_BYTESETS_MAX];
    MIAIR_UNROLL
    for (unsigned k = 0; k < n; k++) {
        tab[k].val[0] = vld1q_u8(s->nib[k]);
        tab[k].val[1] = vld1q_u8(s->nib[k] + 16);
    }
    const unsigned high = s->high;
    const uint8x16_t w = vld1q_u8(BIT_WEIGHTS);
    uint64_t m[MIAIR_BYTESETS_MAX];
    size_t b = 0;
    for (; len - b * MIAIR_BLOCK >= MIAIR_BLOCK; b++) {
        byteset_block_neon(buf + b * MIAIR_BLOCK, tab, n, high, w, m);
        MIAIR_UNROLL
        for (unsigned k = 0; k < n; k++)
            out[b * block_stride + k] = m[k];
    }
    size_t rest = len - b * MIAIR_BLOCK;
    if (rest) {
        uint8_t tmp[MIAIR_BLOCK] = {0};
        memcpy(tmp, buf + b * MIAIR_BLOCK, rest);
        byteset_block_neon(tmp, tab, n, high, w, m);
        uint64_t keep = (1ull << rest) - 1;
        for (unsigned k = 0; k < n; k++)
            out[b * block_stride + k] = m[k] & keep;
    }
}

static void byteset_bits_neon(const uint8_t *buf, size_t len, const struct miair_bytesets *sets, uint64_t *out,
                              size_t block_stride)
{
    MIAIR_BYTESETS_SWITCH(sets->nsets, byteset_bits_n_neon, buf, len, sets, out, block_stride);
}

/* ---- UTF-8 validation (generic/utf8_valid.h) ----------------------------
 * 64 bytes a step (four vectors, one ASCII test); p1..p3 by vext from the
 * previous vector; the tail through a zero-padded stack copy. */
struct utf8_tables {
    uint8x16_t prev_hi, prev_lo, cur_hi, max_tail;
};

static inline uint8x16_t utf8_check_neon(uint8x16_t cur, uint8x16_t prev, const struct utf8_tables *t)
{
    uint8x16_t p1 = vextq_u8(prev, cur, 15), p2 = vextq_u8(prev, cur, 14), p3 = vextq_u8(prev, cur, 13);
    uint8x16_t a = vqtbl1q_u8(t->prev_hi, vshrq_n_u8(p1, 4));
    uint8x16_t b = vqtbl1q_u8(t->prev_lo, vandq_u8(p1, vdupq_n_u8(0x0F)));
    uint8x16_t c = vqtbl1q_u8(t->cur_hi, vshrq_n_u8(cur, 4));
    uint8x16_t sc = vandq_u8(vandq_u8(a, b), c);
    uint8x16_t must = vorrq_u8(vcgeq_u8(p2, vdupq_n_u8(0xE0)), vcgeq_u8(p3, vdupq_n_u8(0xF0)));
    return veorq_u8(vandq_u8(must, vdupq_n_u8(0x80)), sc);
}

struct utf8_state {
    uint8x16_t err, prev, incomplete;
};

static inline void utf8_block_neon(const uint8_t *p, struct utf8_state *s, const struct utf8_tables *t)
{
    uint8x16_t x[4];
    for (int h = 0; h < 4; h++)
        x[h] = vld1q_u8(p + 16 * h);
    uint8x16_t any = vorrq_u8(vorrq_u8(x[0], x[1]), vorrq_u8(x[2], x[3]));
    if (vmaxvq_u8(any) < 0x80) {
        s->err = vorrq_u8(s->err, s->incomplete);
        s->incomplete = vdupq_n_u8(0);
    } else {
        uint8x16_t e = utf8_check_neon(x[0], s->prev, t);
        e = vorrq_u8(e, utf8_check_neon(x[1], x[0], t));
        e = vorrq_u8(e, utf8_check_neon(x[2], x[1], t));
        e = vorrq_u8(e, utf8_check_neon(x[3], x[2], t));
        s->err = vorrq_u8(s->err, e);
        s->incomplete = vqsubq_u8(x[3], t->max_tail);
    }
    s->prev = x[3];
}

static int utf8_valid_neon(const uint8_t *buf, size_t len)
{
    const struct utf8_tables t = {vld1q_u8(MIAIR_U8_PREV_HI), vld1q_u8(MIAIR_U8_PREV_LO),
                                  vld1q_u8(MIAIR_U8_CUR_HI), vld1q_u8(MIAIR_U8_MAX_TAIL)};
    struct utf8_state s = {vdupq_n_u8(0), vdupq_n_u8(0), vdupq_n_u8(0)};
    size_t i = 0;
    for (; len - i >= 64; i += 64)
        utf8_block_neon(buf + i, &s, &t);
    /* the tail and at least one zero after it: a cut sequence is an error */
    uint8_t tmp[64] = {0};
    if (len > i)
        memcpy(tmp, buf + i, len - i);
    utf8_block_neon(tmp, &s, &t);
    return vmaxvq_u8(s.err) == 0;
}

const struct miair_kernels miair_kernels_neon = {
    .isa = "neon",
    .classify = classify_neon,
    .classify_text = classify_text_neon,
    .byte_histogram = byte_histogram_neon,
    .utf8_histogram = utf8_histogram_neon,
    .count_byte = count_byte_neon,
    .byte_positions = byte_positions_neon,
    .ascii_prefix_len = ascii_prefix_len_neon,
    .word_hashes = word_hashes_neon,
    .ngram_hashes = ngram_hashes_neon,
    .byteset_bits = byteset_bits_neon,
    .utf8_valid = utf8_valid_neon,
};
