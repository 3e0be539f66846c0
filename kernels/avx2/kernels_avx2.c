/* AVX2 kernels (compiled with -mavx2 -mbmi -mbmi2 -mpopcnt -mlzcnt; chosen
 * by runtime/dispatch.c only when the CPU and OS support them). */
#include <immintrin.h>
#include <string.h>

#include "../kernels.h"
#include "../generic/classes.h"
#include "../generic/histogram.h"
#include "../generic/swar.h"
#include "../generic/utf8.h"
#include "../generic/utf8_valid.h"
#include "../generic/words.h"

static inline __m256i table256(const uint8_t t[16])
{
    return _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)t));
}

static inline uint64_t mask64(__m256i lo, __m256i hi)
{
    return (uint64_t)(uint32_t)_mm256_movemask_epi8(lo) |
           ((uint64_t)(uint32_t)_mm256_movemask_epi8(hi) << 32);
}

struct nib_tables {
    __m256i a_lo, a_hi, b_lo, b_hi;
};

/* Per 32 bytes: lookups of both nibble pairs, then one mask per class. The
 * nibble classes are computed as "lookup & bits == 0" and inverted once. */
MIAIR_INLINE void classify_block(const uint8_t *p, const struct nib_tables *nt,
                                  uint64_t m[MIAIR_CLS_COUNT], unsigned mask)
{
    const __m256i low4 = _mm256_set1_epi8(0x0F), zero = _mm256_setzero_si256();
    __m256i x[2], a[2], b[2];
    MIAIR_UNROLL
    for (int h = 0; h < 2; h++) {
        x[h] = _mm256_loadu_si256((const __m256i *)(p + 32 * h));
        __m256i lo = _mm256_and_si256(x[h], low4);
        __m256i hi = _mm256_and_si256(_mm256_srli_epi16(x[h], 4), low4);
        a[h] = _mm256_and_si256(_mm256_shuffle_epi8(nt->a_lo, lo), _mm256_shuffle_epi8(nt->a_hi, hi));
        b[h] = _mm256_and_si256(_mm256_shuffle_epi8(nt->b_lo, lo), _mm256_shuffle_epi8(nt->b_hi, hi));
    }
#define NOT_IN(v, bits) _mm256_cmpeq_epi8(_mm256_and_si256((v), _mm256_set1_epi8((char)(bits))), zero)
    if ((mask >> MIAIR_CLS_SPACE) & 1)
        m[MIAIR_CLS_SPACE] = ~mask64(_mm256_cmpeq_epi8(b[0], zero), _mm256_cmpeq_epi8(b[1], zero));
    if ((mask >> MIAIR_CLS_WORD) & 1)
        m[MIAIR_CLS_WORD] = ~mask64(NOT_IN(a[0], MIAIR_NIB_A_WORD), NOT_IN(a[1], MIAIR_NIB_A_WORD));
    if ((mask >> MIAIR_CLS_TERM) & 1)
        m[MIAIR_CLS_TERM] = ~mask64(NOT_IN(a[0], MIAIR_NIB_A_TERM), NOT_IN(a[1], MIAIR_NIB_A_TERM));
    if ((mask >> MIAIR_CLS_UPPER) & 1)
        m[MIAIR_CLS_UPPER] = ~mask64(NOT_IN(a[0], MIAIR_NIB_A_UPPER), NOT_IN(a[1], MIAIR_NIB_A_UPPER));
#undef NOT_IN
    MIAIR_UNROLL
    for (int s = 0; s < MIAIR_SINGLE_COUNT; s++) {
        if (!((mask >> (MIAIR_SINGLE_FIRST + s)) & 1))
            continue;
        const __m256i c = _mm256_set1_epi8((char)MIAIR_SINGLE_BYTES[s]);
        m[MIAIR_SINGLE_FIRST + s] = mask64(_mm256_cmpeq_epi8(x[0], c), _mm256_cmpeq_epi8(x[1], c));
    }
    if ((mask >> MIAIR_CLS_NONASCII) & 1)
        m[MIAIR_CLS_NONASCII] = mask64(x[0], x[1]);
    /* 0x80-0xBF are exactly the signed bytes below -64 (0xC0). */
    const __m256i c0 = _mm256_set1_epi8(-64);
    if ((mask >> MIAIR_CLS_CONT) & 1)
        m[MIAIR_CLS_CONT] = mask64(_mm256_cmpgt_epi8(c0, x[0]), _mm256_cmpgt_epi8(c0, x[1]));
}

#define NIB_TABLES_256                                                                             \
    {table256(MIAIR_NIB_A_LO), table256(MIAIR_NIB_A_HI), table256(MIAIR_NIB_B_LO), table256(MIAIR_NIB_B_HI)}

MIAIR_DEFINE_CLASSIFY(avx2, classify_block, struct nib_tables, NIB_TABLES_256)

static void byte_histogram_avx2(const uint8_t *buf, size_t len, uint64_t counts[256])
{
    miair_byte_histogram_4(buf, len, counts);
}

static inline uint64_t leads64_avx2(const uint8_t *p)
{
    __m256i x0 = _mm256_loadu_si256((const __m256i *)p);
    __m256i x1 = _mm256_loadu_si256((const __m256i *)(p + 32));
    if (_mm256_testz_si256(_mm256_or_si256(x0, x1), _mm256_set1_epi8((char)0x80)))
        return 0;
    /* 0xC0-0xF7 = signed -64..-9 */
    const __m256i lo = _mm256_set1_epi8(-65), hi = _mm256_set1_epi8(-8);
    __m256i l0 = _mm256_and_si256(_mm256_cmpgt_epi8(x0, lo), _mm256_cmpgt_epi8(hi, x0));
    __m256i l1 = _mm256_and_si256(_mm256_cmpgt_epi8(x1, lo), _mm256_cmpgt_epi8(hi, x1));
    return mask64(l0, l1);
}

static size_t utf8_histogram_avx2(const uint8_t *buf, size_t len, uint64_t ascii[128],
                                  struct miair_cp_table *t)
{
    return miair_utf8_histogram_generic(buf, len, ascii, t, leads64_avx2);
}

/* Sums the bytes of v (each <= 255) into 4 uint64 lanes. */
static inline __m256i sum_bytes(__m256i v)
{
    return _mm256_sad_epu8(v, _mm256_setzero_si256());
}

static size_t count_byte_avx2(const uint8_t *buf, size_t len, uint8_t byte)
{
    const __m256i c = _mm256_set1_epi8((char)byte);
    __m256i total = _mm256_setzero_si256();
    size_t i = 0;
    /* Per inner round, each byte lane of acc grows by at most 2 per 64-byte
     * step (two vectors); 127 steps keep it <= 254. */
    while (len - i >= 64) {
        __m256i acc = _mm256_setzero_si256();
        size_t steps = (len - i) / 64;
        if (steps > 127)
            steps = 127;
        for (size_t s = 0; s < steps; s++, i += 64) {
            __m256i e0 = _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(buf + i)), c);
            __m256i e1 = _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(buf + i + 32)), c);
            acc = _mm256_sub_epi8(acc, _mm256_add_epi8(e0, e1));
        }
        total = _mm256_add_epi64(total, sum_bytes(acc));
    }
    uint64_t lanes[4];
    _mm256_storeu_si256((__m256i *)lanes, total);
    return (size_t)(lanes[0] + lanes[1] + lanes[2] + lanes[3]) + miair_count_byte_swar(buf + i, len - i, byte);
}

static size_t byte_positions_avx2(const uint8_t *buf, size_t len, uint8_t byte, uint64_t base,
                                  uint64_t *out)
{
    const __m256i c = _mm256_set1_epi8((char)byte);
    size_t k = 0, i = 0;
    for (; len - i >= 64; i += 64) {
        uint64_t m = mask64(_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(buf + i)), c),
                            _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(buf + i + 32)), c));
        while (m) {
            out[k++] = base + i + _tzcnt_u64(m);
            m = _blsr_u64(m);
        }
    }
    return k + miair_byte_positions_swar(buf + i, len - i, byte, base + i, out + k);
}

static size_t ascii_prefix_len_avx2(const uint8_t *buf, size_t len)
{
    size_t i = 0;
    for (; len - i >= 64; i += 64) {
        __m256i x0 = _mm256_loadu_si256((const __m256i *)(buf + i));
        __m256i x1 = _mm256_loadu_si256((const __m256i *)(buf + i + 32));
        uint64_t m = mask64(x0, x1);
        if (m)
            return i + _tzcnt_u64(m);
    }
    return i + miair_ascii_prefix_len_swar(buf + i, len - i);
}

/* Word bytes: nibble pair A (classes.h), one test per 32 bytes. */
static inline uint64_t word64_avx2(const uint8_t *p)
{
    const __m256i lo_t = table256(MIAIR_NIB_A_LO), hi_t = table256(MIAIR_NIB_A_HI);
    const __m256i low4 = _mm256_set1_epi8(0x0F), bits = _mm256_set1_epi8(MIAIR_NIB_A_WORD);
    const __m256i zero = _mm256_setzero_si256();
    __m256i r[2];
    MIAIR_UNROLL
    for (int h = 0; h < 2; h++) {
        __m256i x = _mm256_loadu_si256((const __m256i *)(p + 32 * h));
        __m256i a = _mm256_and_si256(_mm256_shuffle_epi8(lo_t, _mm256_and_si256(x, low4)),
                                     _mm256_shuffle_epi8(hi_t, _mm256_and_si256(_mm256_srli_epi16(x, 4), low4)));
        r[h] = _mm256_cmpeq_epi8(_mm256_and_si256(a, bits), zero);
    }
    return ~mask64(r[0], r[1]);
}

static size_t word_hashes_avx2(const uint8_t *buf, size_t len, const uint64_t *word_bits, size_t block_stride,
                               unsigned opts, uint64_t base, struct miair_word_hash *out)
{
    return miair_word_hashes_generic(buf, len, word_bits, block_stride, opts, base, out, word64_avx2);
}

static size_t ngram_hashes_avx2(const uint64_t *h, size_t count, size_t stride, unsigned n, uint64_t *out)
{
    return miair_ngram_hashes_generic(h, count, stride, n, out);
}

/* ---- byte sets ---------------------------------------------------------
 * Per 32 bytes, shared by all sets: sel = the bit of the high nibble
 * (1 << (hi & 7), one vpshufb). Per set: r = vpshufb(nib[k][0..15], x)
 * (bytes >= 0x80 index with bit 7 set and give 0), or'ed, for the sets with
 * members >= 0x80 in blocks with such bytes, with vpshufb(nib[k][16..31],
 * x ^ 0x80); member iff r & sel != 0: vpcmpeqb(r & sel, sel), vpmovmskb.
 * (Without the per-block branch, 7 sets with one high set ran 8.1 instead
 * of 8.6 GB/s on mixed text: the 16 YMM registers are short.) */
static const uint8_t BYTESET_HI_BIT[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};

MIAIR_INLINE void byteset_block_avx2(const uint8_t *p, const __m256i *tlo, const __m256i *thi, unsigned n,
                                     unsigned high, uint64_t *m)
{
    const __m256i low4 = _mm256_set1_epi8(0x0F), hib = table256(BYTESET_HI_BIT);
    __m256i x[2], sel[2];
    MIAIR_UNROLL
    for (int h = 0; h < 2; h++) {
        x[h] = _mm256_loadu_si256((const __m256i *)(p + 32 * h));
        sel[h] = _mm256_shuffle_epi8(hib, _mm256_and_si256(_mm256_srli_epi16(x[h], 4), low4));
    }
    if (high && _mm256_movemask_epi8(_mm256_or_si256(x[0], x[1]))) {
        const __m256i flip = _mm256_set1_epi8((char)0x80);
        __m256i xh[2] = {_mm256_xor_si256(x[0], flip), _mm256_xor_si256(x[1], flip)};
        MIAIR_UNROLL
        for (unsigned k = 0; k < n; k++) {
            __m256i e[2];
            MIAIR_UNROLL
            for (int h = 0; h < 2; h++) {
                __m256i r = _mm256_shuffle_epi8(tlo[k], x[h]);
                if ((high >> k) & 1) /* the same way for the whole call: predicted */
                    r = _mm256_or_si256(r, _mm256_shuffle_epi8(thi[k], xh[h]));
                e[h] = _mm256_cmpeq_epi8(_mm256_and_si256(r, sel[h]), sel[h]);
            }
            m[k] = mask64(e[0], e[1]);
        }
    } else {
        MIAIR_UNROLL
        for (unsigned k = 0; k < n; k++) {
            __m256i e[2];
            MIAIR_UNROLL
            for (int h = 0; h < 2; h++)
                e[h] = _mm256_cmpeq_epi8(_mm256_and_si256(_mm256_shuffle_epi8(tlo[k], x[h]), sel[h]), sel[h]);
            m[k] = mask64(e[0], e[1]);
        }
    }
}

MIAIR_INLINE void byteset_bits_n_avx2(const uint8_t *buf, size_t len, const struct miair_bytesets *s,
                                      uint64_t *out, size_t block_stride, const unsigned n)
{
    __m256i tlo[MIAIR_BYTESETS_MAX], thi[MIAIR_BYTESETS_MAX];
    MIAIR_UNROLL
    for (unsigned k = 0; k < n; k++) {
        tlo[k] = table256(s->nib[k]);
        thi[k] = table256(s->nib[k] + 16);
    }
    const unsigned high = s->high;
    uint64_t m[MIAIR_BYTESETS_MAX];
    size_t b = 0;
    for (; len - b * MIAIR_BLOCK >= MIAIR_BLOCK; b++) {
        byteset_block_avx2(buf + b * MIAIR_BLOCK, tlo, thi, n, high, m);
        MIAIR_UNROLL
        for (unsigned k = 0; k < n; k++)
            out[b * block_stride + k] = m[k];
    }
    size_t rest = len - b * MIAIR_BLOCK;
    if (rest) {
        uint8_t tmp[MIAIR_BLOCK] = {0};
        memcpy(tmp, buf + b * MIAIR_BLOCK, rest);
        byteset_block_avx2(tmp, tlo, thi, n, high, m);
        uint64_t keep = _bzhi_u64(~0ull, (unsigned)rest);
        for (unsigned k = 0; k < n; k++)
            out[b * block_stride + k] = m[k] & keep;
    }
}

static void byteset_bits_avx2(const uint8_t *buf, size_t len, const struct miair_bytesets *sets, uint64_t *out,
                              size_t block_stride)
{
    MIAIR_BYTESETS_SWITCH(sets->nsets, byteset_bits_n_avx2, buf, len, sets, out, block_stride);
}

/* ---- UTF-8 validation (generic/utf8_valid.h) ----------------------------
 * 64 bytes a step (two vectors, one ASCII test; 128 bytes of ASCII in one
 * test). p1..p3: the vector shifted
 * by 1..3 bytes with the previous vector's last bytes in front: vperm2i128
 * puts [prev.hi, cur.lo] beside cur, vpalignr shifts each lane. */
struct utf8_tables {
    __m256i prev_hi, prev_lo, cur_hi, max_tail;
};

MIAIR_INLINE __m256i utf8_check_avx2(__m256i cur, __m256i prev, const struct utf8_tables *t)
{
    const __m256i low4 = _mm256_set1_epi8(0x0F);
    __m256i pc = _mm256_permute2x128_si256(prev, cur, 0x21);
    __m256i p1 = _mm256_alignr_epi8(cur, pc, 15);
    __m256i p2 = _mm256_alignr_epi8(cur, pc, 14);
    __m256i p3 = _mm256_alignr_epi8(cur, pc, 13);
    __m256i a = _mm256_shuffle_epi8(t->prev_hi, _mm256_and_si256(_mm256_srli_epi16(p1, 4), low4));
    __m256i b = _mm256_shuffle_epi8(t->prev_lo, _mm256_and_si256(p1, low4));
    __m256i c = _mm256_shuffle_epi8(t->cur_hi, _mm256_and_si256(_mm256_srli_epi16(cur, 4), low4));
    __m256i sc = _mm256_and_si256(_mm256_and_si256(a, b), c);
    /* p2 >= E0 or p3 >= F0: bit 7 of the saturating differences */
    __m256i third = _mm256_subs_epu8(p2, _mm256_set1_epi8((char)(0xE0 - 0x80)));
    __m256i fourth = _mm256_subs_epu8(p3, _mm256_set1_epi8((char)(0xF0 - 0x80)));
    __m256i must = _mm256_and_si256(_mm256_or_si256(third, fourth), _mm256_set1_epi8((char)0x80));
    return _mm256_xor_si256(must, sc);
}

struct utf8_state {
    __m256i err, prev, incomplete;
};

MIAIR_INLINE void utf8_block_avx2(const uint8_t *p, struct utf8_state *s, const struct utf8_tables *t)
{
    __m256i x0 = _mm256_loadu_si256((const __m256i *)p);
    __m256i x1 = _mm256_loadu_si256((const __m256i *)(p + 32));
    if (!_mm256_movemask_epi8(_mm256_or_si256(x0, x1))) {
        /* ASCII: wrong only after an unfinished sequence */
        s->err = _mm256_or_si256(s->err, s->incomplete);
        s->incomplete = _mm256_setzero_si256();
    } else {
        s->err = _mm256_or_si256(s->err, _mm256_or_si256(utf8_check_avx2(x0, s->prev, t), utf8_check_avx2(x1, x0, t)));
        s->incomplete = _mm256_subs_epu8(x1, t->max_tail);
    }
    s->prev = x1;
}

static int utf8_valid_avx2(const uint8_t *buf, size_t len)
{
    const struct utf8_tables t = {
        table256(MIAIR_U8_PREV_HI), table256(MIAIR_U8_PREV_LO), table256(MIAIR_U8_CUR_HI),
        _mm256_inserti128_si256(_mm256_set1_epi8((char)0xFF), _mm_loadu_si128((const __m128i *)MIAIR_U8_MAX_TAIL), 1)};
    struct utf8_state s = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256()};
    size_t i = 0;
    /* 128 bytes of ASCII with one test; else 64 at a time */
    for (; len - i >= 128; i += 128) {
        __m256i x[4];
        MIAIR_UNROLL
        for (int h = 0; h < 4; h++)
            x[h] = _mm256_loadu_si256((const __m256i *)(buf + i + 32 * h));
        if (!_mm256_movemask_epi8(_mm256_or_si256(_mm256_or_si256(x[0], x[1]), _mm256_or_si256(x[2], x[3])))) {
            s.err = _mm256_or_si256(s.err, s.incomplete);
            s.incomplete = _mm256_setzero_si256();
            s.prev = x[3];
            continue;
        }
        utf8_block_avx2(buf + i, &s, &t);
        utf8_block_avx2(buf + i + 64, &s, &t);
    }
    for (; len - i >= 64; i += 64)
        utf8_block_avx2(buf + i, &s, &t);
    /* the tail and at least one zero after it: a cut sequence is an error */
    uint8_t tmp[64] = {0};
    if (len > i)
        memcpy(tmp, buf + i, len - i);
    utf8_block_avx2(tmp, &s, &t);
    return _mm256_testz_si256(s.err, s.err);
}

const struct miair_kernels miair_kernels_avx2 = {
    .isa = "avx2",
    .classify = classify_avx2,
    .classify_text = classify_text_avx2,
    .byte_histogram = byte_histogram_avx2,
    .utf8_histogram = utf8_histogram_avx2,
    .count_byte = count_byte_avx2,
    .byte_positions = byte_positions_avx2,
    .ascii_prefix_len = ascii_prefix_len_avx2,
    .word_hashes = word_hashes_avx2,
    .ngram_hashes = ngram_hashes_avx2,
    .byteset_bits = byteset_bits_avx2,
    .utf8_valid = utf8_valid_avx2,
};
