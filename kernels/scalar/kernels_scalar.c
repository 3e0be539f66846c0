/* The scalar kernels: the reference every other ISA must match bit for bit,
 * and the fallback on CPUs without a SIMD table. Portable C11. */
#include <string.h>

#include "../kernels.h"
#include "../generic/classes.h"
#include "../generic/histogram.h"
#include "../generic/swar.h"
#include "../generic/utf8.h"
#include "../generic/utf8_valid.h"
#include "../generic/words.h"

/* Packs the low bits of the 8 bytes of x (each 0 or 1) into one byte, byte i
 * to bit i. */
static inline uint64_t pack8(uint64_t x)
{
    return (x * 0x0102040810204080ull) >> 56;
}

/* Classifies one full 64-byte block: m[c] = bitmap of class c. Table lookup
 * per byte, then a bit transpose 8 bytes at a time by multiplication. */
MIAIR_INLINE void classify_block(const uint8_t *p, const int *unused, uint64_t m[MIAIR_CLS_COUNT], unsigned mask)
{
    (void)unused;
    memset(m, 0, sizeof(uint64_t) * MIAIR_CLS_COUNT);
    for (int j = 0; j < 8; j++) {
        uint64_t lo = 0, hi = 0;
        MIAIR_UNROLL
        for (int i = 0; i < 8; i++) {
            uint16_t c = MIAIR_CLASS_TABLE[p[8 * j + i]];
            lo |= (uint64_t)(c & 0xFF) << (8 * i);
            hi |= (uint64_t)(c >> 8) << (8 * i);
        }
        MIAIR_UNROLL
        for (int k = 0; k < 8; k++)
            if ((mask >> k) & 1)
                m[k] |= pack8((lo >> k) & MIAIR_SWAR_ONES) << (8 * j);
        MIAIR_UNROLL
        for (int k = 8; k < MIAIR_CLS_COUNT; k++)
            if ((mask >> k) & 1)
                m[k] |= pack8((hi >> (k - 8)) & MIAIR_SWAR_ONES) << (8 * j);
    }
}

MIAIR_DEFINE_CLASSIFY(scalar, classify_block, int, 0)

static void byte_histogram_scalar(const uint8_t *buf, size_t len, uint64_t counts[256])
{
    miair_byte_histogram_4(buf, len, counts);
}

/* Lead bytes 0xC0-0xF7, 8 at a time: bit 7 of each byte of w & w<<1 is
 * "top two bits set" (>= 0xC0); five top bits set is >= 0xF8. The shifts
 * never carry a bit into bit 7 of another byte. */
static uint64_t leads64_scalar(const uint8_t *p)
{
    uint64_t any = 0;
    for (int i = 0; i < 64; i += 8)
        any |= miair_load64(p + i);
    if (!(any & MIAIR_SWAR_HI))
        return 0;
    uint64_t m = 0;
    MIAIR_UNROLL
    for (int j = 0; j < 8; j++) {
        uint64_t w = miair_load64(p + 8 * j);
        uint64_t c0 = w & (w << 1);
        uint64_t f8 = c0 & (w << 2) & (w << 3) & (w << 4);
        m |= pack8(((c0 & ~f8) & MIAIR_SWAR_HI) >> 7) << (8 * j);
    }
    return m;
}

static size_t utf8_histogram_scalar(const uint8_t *buf, size_t len, uint64_t ascii[128],
                                    struct miair_cp_table *t)
{
    return miair_utf8_histogram_generic(buf, len, ascii, t, leads64_scalar);
}

static size_t count_byte_scalar(const uint8_t *buf, size_t len, uint8_t byte)
{
    return miair_count_byte_swar(buf, len, byte);
}

static size_t byte_positions_scalar(const uint8_t *buf, size_t len, uint8_t byte, uint64_t base,
                                    uint64_t *out)
{
    return miair_byte_positions_swar(buf, len, byte, base, out);
}

static size_t ascii_prefix_len_scalar(const uint8_t *buf, size_t len)
{
    return miair_ascii_prefix_len_swar(buf, len);
}

/* Word bytes [0-9A-Za-z_], 8 at a time: range tests on the low 7 bits (no
 * carries cross a byte), then bytes >= 0x80 cleared. */
static inline uint64_t swar_range(uint64_t y, uint8_t lo, uint8_t hi)
{
    return (y + MIAIR_SWAR_ONES * (uint8_t)(0x80 - lo)) & ~(y + MIAIR_SWAR_ONES * (uint8_t)(0x7F - hi));
}

static uint64_t word64_scalar(const uint8_t *p)
{
    uint64_t m = 0;
    MIAIR_UNROLL
    for (int j = 0; j < 8; j++) {
        uint64_t x = miair_load64(p + 8 * j), y = x & MIAIR_SWAR_LO7;
        uint64_t w = swar_range(y, '0', '9') | swar_range(y, 'A', 'Z') | swar_range(y, 'a', 'z') |
                     miair_swar_zero_bytes(y ^ (MIAIR_SWAR_ONES * '_'));
        w &= ~x & MIAIR_SWAR_HI;
        m |= pack8(w >> 7) << (8 * j);
    }
    return m;
}

static size_t word_hashes_scalar(const uint8_t *buf, size_t len, const uint64_t *word_bits, size_t block_stride,
                               unsigned opts, uint64_t base, struct miair_word_hash *out)
{
    return miair_word_hashes_generic(buf, len, word_bits, block_stride, opts, base, out, word64_scalar);
}

static size_t ngram_hashes_scalar(const uint64_t *h, size_t count, size_t stride, unsigned n, uint64_t *out)
{
    return miair_ngram_hashes_generic(h, count, stride, n, out);
}

/* Byte sets: the 8 table bytes of 8 input bytes in one word, then one
 * multiply-pack per set (bit k of each byte to the byte's position). */
MIAIR_INLINE void byteset_block_scalar(const uint8_t *p, const uint8_t bits[256], unsigned n,
                                       uint64_t m[MIAIR_BYTESETS_MAX])
{
    MIAIR_UNROLL
    for (unsigned k = 0; k < n; k++)
        m[k] = 0;
    for (int j = 0; j < 8; j++) {
        uint64_t w = 0;
        MIAIR_UNROLL
        for (int i = 0; i < 8; i++)
            w |= (uint64_t)bits[p[8 * j + i]] << (8 * i);
        MIAIR_UNROLL
        for (unsigned k = 0; k < n; k++)
            m[k] |= pack8((w >> k) & MIAIR_SWAR_ONES) << (8 * j);
    }
}

MIAIR_INLINE void byteset_bits_n_scalar(const uint8_t *buf, size_t len, const struct miair_bytesets *sets,
                                        uint64_t *out, size_t block_stride, const unsigned n)
{
    uint64_t m[MIAIR_BYTESETS_MAX];
    size_t b = 0;
    for (; len - b * MIAIR_BLOCK >= MIAIR_BLOCK; b++) {
        byteset_block_scalar(buf + b * MIAIR_BLOCK, sets->bits, n, m);
        MIAIR_UNROLL
        for (unsigned k = 0; k < n; k++)
            out[b * block_stride + k] = m[k];
    }
    size_t rest = len - b * MIAIR_BLOCK;
    if (rest) {
        uint8_t tmp[MIAIR_BLOCK] = {0};
        memcpy(tmp, buf + b * MIAIR_BLOCK, rest);
        byteset_block_scalar(tmp, sets->bits, n, m);
        uint64_t keep = (1ull << rest) - 1;
        for (unsigned k = 0; k < n; k++)
            out[b * block_stride + k] = m[k] & keep;
    }
}

static void byteset_bits_scalar(const uint8_t *buf, size_t len, const struct miair_bytesets *sets,
                                uint64_t *out, size_t block_stride)
{
    MIAIR_BYTESETS_SWITCH(sets->nsets, byteset_bits_n_scalar, buf, len, sets, out, block_stride);
}

static int utf8_valid_scalar(const uint8_t *buf, size_t len)
{
    return miair_utf8_valid_swar(buf, len);
}

const struct miair_kernels miair_kernels_scalar = {
    .isa = "scalar",
    .classify = classify_scalar,
    .classify_text = classify_text_scalar,
    .byte_histogram = byte_histogram_scalar,
    .utf8_histogram = utf8_histogram_scalar,
    .count_byte = count_byte_scalar,
    .byte_positions = byte_positions_scalar,
    .ascii_prefix_len = ascii_prefix_len_scalar,
    .word_hashes = word_hashes_scalar,
    .ngram_hashes = ngram_hashes_scalar,
    .byteset_bits = byteset_bits_scalar,
    .utf8_valid = utf8_valid_scalar,
};
