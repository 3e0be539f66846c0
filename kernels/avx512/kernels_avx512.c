/* AVX-512 kernels (compiled with -mavx512f -mavx512bw -mavx512vl -mbmi
 * -mbmi2 -mpopcnt -mlzcnt; chosen by runtime/dispatch.c only when the CPU
 * has F+BW+VL and the OS saves the opmask and ZMM state). One 64-byte block
 * is one register; tails use masked loads, which never fault on the bytes
 * they do not load. */
#include <immintrin.h>
#include <string.h>

#include "../kernels.h"
#include "../generic/classes.h"
#include "../generic/histogram.h"
#include "../generic/utf8.h"
#include "../generic/utf8_valid.h"
#include "../generic/words.h"

static inline __m512i table512(const uint8_t t[16])
{
    return _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)t));
}

struct nib_tables {
    __m512i a_lo, a_hi, b_lo, b_hi;
};

static inline __m512i load_tail(const uint8_t *p, size_t n)
{
    return _mm512_maskz_loadu_epi8(_bzhi_u64(~0ull, (unsigned)n), p);
}

/* The classes in mask (a constant) of the 64 bytes at p. */
MIAIR_INLINE void classify_block(const uint8_t *p, const struct nib_tables *nt, uint64_t m[MIAIR_CLS_COUNT],
                                 unsigned mask)
{
    const __m512i x = _mm512_loadu_si512(p), low4 = _mm512_set1_epi8(0x0F);
    __m512i lo = _mm512_and_si512(x, low4);
    __m512i hi = _mm512_and_si512(_mm512_srli_epi16(x, 4), low4);
    __m512i a = _mm512_and_si512(_mm512_shuffle_epi8(nt->a_lo, lo), _mm512_shuffle_epi8(nt->a_hi, hi));
    __m512i b = _mm512_and_si512(_mm512_shuffle_epi8(nt->b_lo, lo), _mm512_shuffle_epi8(nt->b_hi, hi));
    if ((mask >> MIAIR_CLS_SPACE) & 1)
        m[MIAIR_CLS_SPACE] = _mm512_test_epi8_mask(b, b);
    if ((mask >> MIAIR_CLS_WORD) & 1)
        m[MIAIR_CLS_WORD] = _mm512_test_epi8_mask(a, _mm512_set1_epi8(MIAIR_NIB_A_WORD));
    if ((mask >> MIAIR_CLS_TERM) & 1)
        m[MIAIR_CLS_TERM] = _mm512_test_epi8_mask(a, _mm512_set1_epi8((char)MIAIR_NIB_A_TERM));
    if ((mask >> MIAIR_CLS_UPPER) & 1)
        m[MIAIR_CLS_UPPER] = _mm512_test_epi8_mask(a, _mm512_set1_epi8(MIAIR_NIB_A_UPPER));
    MIAIR_UNROLL
    for (int s = 0; s < MIAIR_SINGLE_COUNT; s++)
        if ((mask >> (MIAIR_SINGLE_FIRST + s)) & 1)
            m[MIAIR_SINGLE_FIRST + s] = _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8((char)MIAIR_SINGLE_BYTES[s]));
    if ((mask >> MIAIR_CLS_NONASCII) & 1)
        m[MIAIR_CLS_NONASCII] = _mm512_movepi8_mask(x);
    if ((mask >> MIAIR_CLS_CONT) & 1)
        m[MIAIR_CLS_CONT] = _mm512_cmplt_epi8_mask(x, _mm512_set1_epi8(-64));
}

#define NIB_TABLES_512                                                                             \
    {table512(MIAIR_NIB_A_LO), table512(MIAIR_NIB_A_HI), table512(MIAIR_NIB_B_LO), table512(MIAIR_NIB_B_HI)}

MIAIR_DEFINE_CLASSIFY(avx512, classify_block, struct nib_tables, NIB_TABLES_512)

static void byte_histogram_avx512(const uint8_t *buf, size_t len, uint64_t counts[256])
{
    miair_byte_histogram_4(buf, len, counts);
}

static inline uint64_t leads64_avx512(const uint8_t *p)
{
    __m512i x = _mm512_loadu_si512(p);
    uint64_t hi = _mm512_movepi8_mask(x);
    if (!hi)
        return 0;
    /* 0xC0-0xF7: x - 0xC0 < 0x38 unsigned */
    return _mm512_cmplt_epu8_mask(_mm512_sub_epi8(x, _mm512_set1_epi8((char)0xC0)), _mm512_set1_epi8(0x38));
}

static size_t utf8_histogram_avx512(const uint8_t *buf, size_t len, uint64_t ascii[128],
                                    struct miair_cp_table *t)
{
    return miair_utf8_histogram_generic(buf, len, ascii, t, leads64_avx512);
}

static size_t count_byte_avx512(const uint8_t *buf, size_t len, uint8_t byte)
{
    const __m512i c = _mm512_set1_epi8((char)byte);
    size_t n = 0, i = 0;
    for (; len - i >= 128; i += 128) {
        n += (size_t)_mm_popcnt_u64(_mm512_cmpeq_epi8_mask(_mm512_loadu_si512(buf + i), c));
        n += (size_t)_mm_popcnt_u64(_mm512_cmpeq_epi8_mask(_mm512_loadu_si512(buf + i + 64), c));
    }
    for (; len - i >= 64; i += 64)
        n += (size_t)_mm_popcnt_u64(_mm512_cmpeq_epi8_mask(_mm512_loadu_si512(buf + i), c));
    if (len - i) {
        __mmask64 k = _bzhi_u64(~0ull, (unsigned)(len - i));
        n += (size_t)_mm_popcnt_u64(_mm512_mask_cmpeq_epi8_mask(k, _mm512_maskz_loadu_epi8(k, buf + i), c));
    }
    return n;
}

static size_t byte_positions_avx512(const uint8_t *buf, size_t len, uint8_t byte, uint64_t base,
                                    uint64_t *out)
{
    const __m512i c = _mm512_set1_epi8((char)byte);
    size_t k = 0, i = 0;
    for (; len - i >= 64; i += 64) {
        uint64_t m = _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(buf + i), c);
        while (m) {
            out[k++] = base + i + _tzcnt_u64(m);
            m = _blsr_u64(m);
        }
    }
    if (len - i) {
        __mmask64 v = _bzhi_u64(~0ull, (unsigned)(len - i));
        uint64_t m = _mm512_mask_cmpeq_epi8_mask(v, _mm512_maskz_loadu_epi8(v, buf + i), c);
        while (m) {
            out[k++] = base + i + _tzcnt_u64(m);
            m = _blsr_u64(m);
        }
    }
    return k;
}

static size_t ascii_prefix_len_avx512(const uint8_t *buf, size_t len)
{
    size_t i = 0;
    for (; len - i >= 64; i += 64) {
        uint64_t m = _mm512_movepi8_mask(_mm512_loadu_si512(buf + i));
        if (m)
            return i + _tzcnt_u64(m);
    }
    if (len - i) {
        uint64_t m = _mm512_movepi8_mask(load_tail(buf + i, len - i));
        if (m)
            return i + _tzcnt_u64(m);
    }
    return len;
}

/* Word bytes: nibble pair A (classes.h), one 64-byte test. */
static inline uint64_t word64_avx512(const uint8_t *p)
{
    const __m512i lo_t = table512(MIAIR_NIB_A_LO), hi_t = table512(MIAIR_NIB_A_HI);
    const __m512i low4 = _mm512_set1_epi8(0x0F);
    __m512i x = _mm512_loadu_si512(p);
    __m512i a = _mm512_and_si512(_mm512_shuffle_epi8(lo_t, _mm512_and_si512(x, low4)),
                                 _mm512_shuffle_epi8(hi_t, _mm512_and_si512(_mm512_srli_epi16(x, 4), low4)));
    return _mm512_test_epi8_mask(a, _mm512_set1_epi8(MIAIR_NIB_A_WORD));
}

static size_t word_hashes_avx512(const uint8_t *buf, size_t len, const uint64_t *word_bits, size_t block_stride,
                               unsigned opts, uint64_t base, struct miair_word_hash *out)
{
    return miair_word_hashes_generic(buf, len, word_bits, block_stride, opts, base, out, word64_avx512);
}

static size_t ngram_hashes_avx512(const uint64_t *h, size_t count, size_t stride, unsigned n, uint64_t *out)
{
    return miair_ngram_hashes_generic(h, count, stride, n, out);
}

/* ---- byte sets ---------------------------------------------------------
 * One 64-byte register per block. Shared by all sets: sel = the bit of the
 * high nibble (1 << (hi & 7), one vpshufb). Per set: r = vpshufb(nib[k][0..15],
 * x) (bytes >= 0x80 index with bit 7 set and give 0); for the sets with
 * members >= 0x80, the bytes >= 0x80 merged in from vpshufb(nib[k][16..31],
 * x & 15) under their mask, in every block (a branch on "block has such
 * bytes" mispredicts on mixed text: 13.8 instead of 15.1 GB/s, 7 sets with
 * one high set); member iff r & sel != 0: vptestmb or vpmovb2m straight to
 * the bitmap (masked to len in the tail). */
static const uint8_t BYTESET_HI_BIT[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};

/* The bitmap of "r & sel != 0" in valid: vptestmb for two sets in three,
 * vpmovb2m of the saturated sum (r & sel) + 0x7F for the third. vpshufb and
 * vptestmb both issue only on port 5 (Intel), vpmovb2m on port 0: moving a
 * third of the tests over took 7 sets from 15.2 to 13.4 cycles a block. */
MIAIR_INLINE uint64_t byteset_test(__m512i r, __m512i sel, __mmask64 valid, unsigned k)
{
    if (k % 3 != 2)
        return _mm512_mask_test_epi8_mask(valid, r, sel);
    return valid & _mm512_movepi8_mask(_mm512_adds_epu8(_mm512_and_si512(r, sel), _mm512_set1_epi8(0x7F)));
}

MIAIR_INLINE void byteset_block_avx512(__m512i x, __mmask64 valid, const __m512i *tlo, const __m512i *thi,
                                       unsigned n, unsigned high, uint64_t *m)
{
    const __m512i low4 = _mm512_set1_epi8(0x0F);
    const __m512i sel = _mm512_shuffle_epi8(table512(BYTESET_HI_BIT), _mm512_and_si512(_mm512_srli_epi16(x, 4), low4));
    if (high) { /* the same way for the whole call, as are the tests of high >> k */
        const __mmask64 hb = _mm512_movepi8_mask(x);
        const __m512i lo = _mm512_and_si512(x, low4);
        MIAIR_UNROLL
        for (unsigned k = 0; k < n; k++) {
            __m512i r = _mm512_shuffle_epi8(tlo[k], x);
            if ((high >> k) & 1)
                r = _mm512_mask_shuffle_epi8(r, hb, thi[k], lo);
            m[k] = byteset_test(r, sel, valid, k);
        }
    } else {
        MIAIR_UNROLL
        for (unsigned k = 0; k < n; k++)
            m[k] = byteset_test(_mm512_shuffle_epi8(tlo[k], x), sel, valid, k);
    }
}

MIAIR_INLINE void byteset_bits_n_avx512(const uint8_t *buf, size_t len, const struct miair_bytesets *s,
                                        uint64_t *out, size_t block_stride, const unsigned n)
{
    __m512i tlo[MIAIR_BYTESETS_MAX], thi[MIAIR_BYTESETS_MAX];
    MIAIR_UNROLL
    for (unsigned k = 0; k < n; k++) {
        tlo[k] = table512(s->nib[k]);
        thi[k] = table512(s->nib[k] + 16);
    }
    const unsigned high = s->high;
    uint64_t m[MIAIR_BYTESETS_MAX];
    size_t b = 0;
    for (; len - b * MIAIR_BLOCK >= MIAIR_BLOCK; b++) {
        byteset_block_avx512(_mm512_loadu_si512(buf + b * MIAIR_BLOCK), ~0ull, tlo, thi, n, high, m);
        MIAIR_UNROLL
        for (unsigned k = 0; k < n; k++)
            out[b * block_stride + k] = m[k];
    }
    size_t rest = len - b * MIAIR_BLOCK;
    if (rest) {
        __mmask64 valid = _bzhi_u64(~0ull, (unsigned)rest);
        byteset_block_avx512(_mm512_maskz_loadu_epi8(valid, buf + b * MIAIR_BLOCK), valid, tlo, thi, n, high, m);
        for (unsigned k = 0; k < n; k++)
            out[b * block_stride + k] = m[k];
    }
}

static void byteset_bits_avx512(const uint8_t *buf, size_t len, const struct miair_bytesets *sets,
                                uint64_t *out, size_t block_stride)
{
    MIAIR_BYTESETS_SWITCH(sets->nsets, byteset_bits_n_avx512, buf, len, sets, out, block_stride);
}

/* ---- UTF-8 validation (generic/utf8_valid.h) ----------------------------
 * One 64-byte vector a step (256 bytes of ASCII in one test). p1..p3: valignq puts [prev lane 3, cur lanes
 * 0-2] beside cur, vpalignr shifts each 16-byte lane. The tail is a masked
 * load (zeros after it: a cut sequence is an error). */
struct utf8_tables {
    __m512i prev_hi, prev_lo, cur_hi, max_tail;
};

MIAIR_INLINE __m512i utf8_check_avx512(__m512i cur, __m512i prev, const struct utf8_tables *t)
{
    const __m512i low4 = _mm512_set1_epi8(0x0F);
    __m512i pc = _mm512_alignr_epi64(cur, prev, 6);
    __m512i p1 = _mm512_alignr_epi8(cur, pc, 15);
    __m512i p2 = _mm512_alignr_epi8(cur, pc, 14);
    __m512i p3 = _mm512_alignr_epi8(cur, pc, 13);
    __m512i a = _mm512_shuffle_epi8(t->prev_hi, _mm512_and_si512(_mm512_srli_epi16(p1, 4), low4));
    __m512i b = _mm512_shuffle_epi8(t->prev_lo, _mm512_and_si512(p1, low4));
    __m512i c = _mm512_shuffle_epi8(t->cur_hi, _mm512_and_si512(_mm512_srli_epi16(cur, 4), low4));
    __m512i third = _mm512_subs_epu8(p2, _mm512_set1_epi8((char)(0xE0 - 0x80)));
    __m512i fourth = _mm512_subs_epu8(p3, _mm512_set1_epi8((char)(0xF0 - 0x80)));
    /* must = (third | fourth) & 0x80 (vpternlogd: A & (B | C)) */
    __m512i must = _mm512_ternarylogic_epi32(_mm512_set1_epi8((char)0x80), third, fourth, 0xE0);
    /* (a & b & c) ^ must: vpternlogd on (a & b), c, must */
    return _mm512_ternarylogic_epi32(_mm512_and_si512(a, b), c, must, 0x6A);
}

struct utf8_state {
    __m512i err, prev, incomplete;
};

MIAIR_INLINE void utf8_block_avx512(__m512i x, struct utf8_state *s, const struct utf8_tables *t)
{
    if (!_mm512_movepi8_mask(x)) {
        s->err = _mm512_or_si512(s->err, s->incomplete);
        s->incomplete = _mm512_setzero_si512();
    } else {
        s->err = _mm512_or_si512(s->err, utf8_check_avx512(x, s->prev, t));
        s->incomplete = _mm512_subs_epu8(x, t->max_tail);
    }
    s->prev = x;
}

static int utf8_valid_avx512(const uint8_t *buf, size_t len)
{
    const struct utf8_tables t = {
        table512(MIAIR_U8_PREV_HI), table512(MIAIR_U8_PREV_LO), table512(MIAIR_U8_CUR_HI),
        _mm512_inserti32x4(_mm512_set1_epi8((char)0xFF), _mm_loadu_si128((const __m128i *)MIAIR_U8_MAX_TAIL), 3)};
    struct utf8_state s = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512()};
    size_t i = 0;
    /* 256 bytes of ASCII with one test; else vector by vector */
    for (; len - i >= 256; i += 256) {
        __m512i x[4];
        MIAIR_UNROLL
        for (int h = 0; h < 4; h++)
            x[h] = _mm512_loadu_si512(buf + i + 64 * h);
        __m512i any = _mm512_ternarylogic_epi32(x[0], x[1], x[2], 0xFE);
        if (!_mm512_movepi8_mask(_mm512_or_si512(any, x[3]))) {
            s.err = _mm512_or_si512(s.err, s.incomplete);
            s.incomplete = _mm512_setzero_si512();
            s.prev = x[3];
            continue;
        }
        MIAIR_UNROLL
        for (int h = 0; h < 4; h++)
            utf8_block_avx512(x[h], &s, &t);
    }
    for (; len - i >= 64; i += 64)
        utf8_block_avx512(_mm512_loadu_si512(buf + i), &s, &t);
    utf8_block_avx512(load_tail(buf + i, len - i), &s, &t);
    return !_mm512_test_epi8_mask(s.err, s.err);
}

const struct miair_kernels miair_kernels_avx512 = {
    .isa = "avx512",
    .classify = classify_avx512,
    .classify_text = classify_text_avx512,
    .byte_histogram = byte_histogram_avx512,
    .utf8_histogram = utf8_histogram_avx512,
    .count_byte = count_byte_avx512,
    .byte_positions = byte_positions_avx512,
    .ascii_prefix_len = ascii_prefix_len_avx512,
    .word_hashes = word_hashes_avx512,
    .ngram_hashes = ngram_hashes_avx512,
    .byteset_bits = byteset_bits_avx512,
    .utf8_valid = utf8_valid_avx512,
};
