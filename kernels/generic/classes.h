/* Byte classes of classify(): the one definition (a per-byte expression), the
 * scalar lookup table built from it, and the nibble tables of the SIMD
 * versions. tests/test_kernels.c checks the nibble tables against the
 * definition for all 256 bytes. */
#ifndef MIAIR_GENERIC_CLASSES_H
#define MIAIR_GENERIC_CLASSES_H

#include <stdint.h>
#include "../kernels.h"

/* Class bit set of one byte: bit c set iff the byte is in class c. */
#define MIAIR_CLS_BIT(c) (1u << (c))
#define MIAIR_CLASS_BITS(b)                                                                        \
    ((((b) >= 0x09 && (b) <= 0x0D) || ((b) >= 0x1C && (b) <= 0x20)                                \
          ? MIAIR_CLS_BIT(MIAIR_CLS_SPACE) : 0u) |                                                 \
     ((((b) >= '0' && (b) <= '9') || ((b) >= 'A' && (b) <= 'Z') || ((b) >= 'a' && (b) <= 'z') ||   \
       (b) == '_') ? MIAIR_CLS_BIT(MIAIR_CLS_WORD) : 0u) |                                         \
     (((b) == '.' || (b) == '!' || (b) == '?') ? MIAIR_CLS_BIT(MIAIR_CLS_TERM) : 0u) |             \
     ((b) == '\n' ? MIAIR_CLS_BIT(MIAIR_CLS_NEWLINE) : 0u) |                                       \
     ((b) == '#' ? MIAIR_CLS_BIT(MIAIR_CLS_HASH) : 0u) |                                           \
     ((b) == '`' ? MIAIR_CLS_BIT(MIAIR_CLS_BACKTICK) : 0u) |                                       \
     ((b) == '[' ? MIAIR_CLS_BIT(MIAIR_CLS_LBRACKET) : 0u) |                                       \
     ((b) == ']' ? MIAIR_CLS_BIT(MIAIR_CLS_RBRACKET) : 0u) |                                       \
     ((b) == '(' ? MIAIR_CLS_BIT(MIAIR_CLS_LPAREN) : 0u) |                                         \
     ((b) == ')' ? MIAIR_CLS_BIT(MIAIR_CLS_RPAREN) : 0u) |                                         \
     ((b) == '{' ? MIAIR_CLS_BIT(MIAIR_CLS_LBRACE) : 0u) |                                         \
     ((b) == '}' ? MIAIR_CLS_BIT(MIAIR_CLS_RBRACE) : 0u) |                                         \
     ((b) == ' ' ? MIAIR_CLS_BIT(MIAIR_CLS_SP) : 0u) |                                             \
     ((b) >= 0x80 ? MIAIR_CLS_BIT(MIAIR_CLS_NONASCII) : 0u) |                                      \
     (((b) >= 0x80 && (b) <= 0xBF) ? MIAIR_CLS_BIT(MIAIR_CLS_CONT) : 0u) |                         \
     (((b) >= 'A' && (b) <= 'Z') ? MIAIR_CLS_BIT(MIAIR_CLS_UPPER) : 0u))

#define MIAIR_CB1(b) (uint16_t) MIAIR_CLASS_BITS(b)
#define MIAIR_CB4(b) MIAIR_CB1(b), MIAIR_CB1((b) + 1), MIAIR_CB1((b) + 2), MIAIR_CB1((b) + 3)
#define MIAIR_CB16(b) MIAIR_CB4(b), MIAIR_CB4((b) + 4), MIAIR_CB4((b) + 8), MIAIR_CB4((b) + 12)
#define MIAIR_CB64(b) MIAIR_CB16(b), MIAIR_CB16((b) + 16), MIAIR_CB16((b) + 32), MIAIR_CB16((b) + 48)

/* MIAIR_CLASS_TABLE[b] = MIAIR_CLASS_BITS(b). */
static const uint16_t MIAIR_CLASS_TABLE[256] = {MIAIR_CB64(0), MIAIR_CB64(64), MIAIR_CB64(128),
                                                MIAIR_CB64(192)};

/* Nibble tables. A byte b looks up LO[b & 15] & HI[b >> 4]; each bit of the
 * result is one rectangle (a set of high nibbles x a set of low nibbles), a
 * class is the union of some bits. High nibbles 8-F map to 0, so non-ASCII
 * bytes are in none of these classes. Two table pairs:
 *
 * pair A:  0x01 {4}x{1-F} A-O    0x02 {5}x{0-A} P-Z    0x04 {6}x{1-F} a-o
 *          0x08 {7}x{0-A} p-z    0x10 {3}x{0-9} 0-9    0x20 {5}x{F}   _
 *          0x40 {2}x{1,E} ! .    0x80 {3}x{F}   ?
 * pair B:  0x01 {0}x{9-D} \t-\r  0x02 {1}x{C-F} 0x1C-0x1F  0x04 {2}x{0} ' '
 *
 * The single-byte classes, NONASCII and CONT are plain comparisons. */
#define MIAIR_NIB_A_WORD 0x3F
#define MIAIR_NIB_A_UPPER 0x03
#define MIAIR_NIB_A_TERM 0xC0
#define MIAIR_NIB_B_SPACE 0x07

static const uint8_t MIAIR_NIB_A_LO[16] = {0x1A, 0x5F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F,
                                           0x1F, 0x1F, 0x0F, 0x05, 0x05, 0x05, 0x45, 0xA5};
static const uint8_t MIAIR_NIB_A_HI[16] = {0x00, 0x00, 0x40, 0x90, 0x01, 0x22, 0x04, 0x08,
                                           0, 0, 0, 0, 0, 0, 0, 0};
static const uint8_t MIAIR_NIB_B_LO[16] = {0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                           0x00, 0x01, 0x01, 0x01, 0x03, 0x03, 0x02, 0x02};
static const uint8_t MIAIR_NIB_B_HI[16] = {0x01, 0x02, 0x04, 0, 0, 0, 0, 0,
                                           0, 0, 0, 0, 0, 0, 0, 0};

/* The single-byte classes, in class order from MIAIR_CLS_NEWLINE. */
#define MIAIR_SINGLE_FIRST MIAIR_CLS_NEWLINE
#define MIAIR_SINGLE_COUNT 10
static const uint8_t MIAIR_SINGLE_BYTES[MIAIR_SINGLE_COUNT] = {'\n', '#', '`', '[', ']',
                                                               '(', ')', '{', '}', ' '};

/* Force inlining of the per-block bodies (so the block's masks stay in
 * registers) and unrolling of their short constant loops. */
#define MIAIR_INLINE static inline __attribute__((always_inline))
#define MIAIR_UNROLL _Pragma("GCC unroll 16")

/* Stores the bitmap words m[c] of one block for the classes c in mask (a constant). */
MIAIR_INLINE void miair_store_block(uint64_t *out, size_t class_stride, const uint64_t *m, unsigned mask)
{
    MIAIR_UNROLL
    for (int c = 0; c < MIAIR_CLS_COUNT; c++)
        if ((mask >> c) & 1)
            out[(size_t)c * class_stride] = m[c];
}

/* The body of a classify kernel: whole blocks, then the last one zero-padded (bits past len 0),
 * for the classes in MASK, a constant (block(p, ctx, m, MASK) computes m[c] for those). */
#define MIAIR_CLASSIFY_BODY(buf, len, out, class_stride, block_stride, block, ctx, MASK)             \
    do {                                                                                           \
        uint64_t m_[MIAIR_CLS_COUNT];                                                              \
        size_t b_ = 0;                                                                             \
        for (; (len) - b_ * MIAIR_BLOCK >= MIAIR_BLOCK; b_++) {                                    \
            block((buf) + b_ * MIAIR_BLOCK, ctx, m_, MASK);                                        \
            miair_store_block((out) + b_ * (block_stride), class_stride, m_, MASK);                \
        }                                                                                          \
        const size_t rest_ = (len) - b_ * MIAIR_BLOCK;                                             \
        if (rest_) {                                                                               \
            uint8_t tmp_[MIAIR_BLOCK] = {0};                                                       \
            memcpy(tmp_, (buf) + b_ * MIAIR_BLOCK, rest_);                                         \
            block(tmp_, ctx, m_, MASK);                                                            \
            const uint64_t keep_ = (1ull << rest_) - 1;                                            \
            MIAIR_UNROLL                                                                           \
            for (int c_ = 0; c_ < MIAIR_CLS_COUNT; c_++)                                           \
                if (((MASK) >> c_) & 1)                                                            \
                    m_[c_] &= keep_;                                                               \
            miair_store_block((out) + b_ * (block_stride), class_stride, m_, MASK);                \
        }                                                                                          \
    } while (0)

/* Defines classify_SUF (all classes) and classify_text_SUF (MIAIR_CLS_TEXT_MASK) over
 * block(p, &ctx, m, mask), ctx a CTX_TYPE initialized with CTX_INIT. */
#define MIAIR_DEFINE_CLASSIFY(SUF, block, CTX_TYPE, CTX_INIT)                                      \
    static void classify_##SUF(const uint8_t *buf, size_t len, uint64_t *out, size_t class_stride, \
                               size_t block_stride)                                                \
    {                                                                                              \
        const CTX_TYPE ctx_ = CTX_INIT;                                                            \
        MIAIR_CLASSIFY_BODY(buf, len, out, class_stride, block_stride, block, &ctx_, MIAIR_CLS_ALL_MASK); \
    }                                                                                              \
    static void classify_text_##SUF(const uint8_t *buf, size_t len, uint64_t *out,                 \
                                    size_t class_stride, size_t block_stride)                      \
    {                                                                                              \
        const CTX_TYPE ctx_ = CTX_INIT;                                                            \
        MIAIR_CLASSIFY_BODY(buf, len, out, class_stride, block_stride, block, &ctx_, MIAIR_CLS_TEXT_MASK); \
    }

/* Calls body(args..., n) with n = nsets (clamped to MIAIR_BYTESETS_MAX) as a
 * compile-time constant, so that the per-set loops of a byteset_bits body
 * unroll and its tables stay in registers. */
#define MIAIR_BYTESETS_SWITCH(nsets, body, ...)                                                    \
    do {                                                                                           \
        switch (nsets) {                                                                           \
        case 0: break;                                                                             \
        case 1: body(__VA_ARGS__, 1); break;                                                       \
        case 2: body(__VA_ARGS__, 2); break;                                                       \
        case 3: body(__VA_ARGS__, 3); break;                                                       \
        case 4: body(__VA_ARGS__, 4); break;                                                       \
        case 5: body(__VA_ARGS__, 5); break;                                                       \
        case 6: body(__VA_ARGS__, 6); break;                                                       \
        case 7: body(__VA_ARGS__, 7); break;                                                       \
        default: body(__VA_ARGS__, 8); break;                                                      \
        }                                                                                          \
    } while (0)

#endif
