/* UTF-8 validation (the utf8_valid kernel): the exact scalar validator (the
 * scalar table, and the reference of the others) and the three nibble
 * tables of the SIMD validators.
 *
 * SIMD algorithm (Keiser & Lemire, "Validating UTF-8 In Less Than One
 * Instruction Per Byte", 2021, the "lookup" variant). Every byte x with its
 * predecessor p (p1 = the byte before x, p2, p3 further back; bytes before
 * the buffer count as ASCII) is looked up three times:
 *
 *   sc = PREV_HI[p1 >> 4] & PREV_LO[p1 & 15] & CUR_HI[x >> 4]
 *
 * Each bit of the tables is one error category of the pair (p1, x); a bit
 * survives the AND only when all three nibbles match its category:
 *
 *   TOO_SHORT  a lead byte (C0-FF) not followed by a continuation byte
 *   TOO_LONG   an ASCII byte followed by a continuation byte
 *   OVERLONG_2 C0 or C1 followed by a continuation (2-byte overlong)
 *   OVERLONG_3 E0 followed by 80-9F (3-byte overlong)
 *   SURROGATE  ED followed by A0-BF (U+D800-DFFF)
 *   TOO_LARGE  F4 followed by 90-BF, F5-FF followed by 90-BF (> U+10FFFF)
 *   OVER_1000  F0 followed by 80-8F (4-byte overlong), or F5-FF followed by
 *              80-8F (> U+10FFFF): one bit, the same three nibble sets
 *   TWO_CONTS  a continuation followed by a continuation (bit 7)
 *
 * TWO_CONTS is wrong exactly for the 3rd and 4th byte of a sequence: those
 * are the bytes with p2 >= E0 or p3 >= F0, and there it must be set (x
 * and p1 both continuations). So with must = 0x80 where p2 >= E0 or
 * p3 >= F0, the byte is in error iff (sc ^ must) != 0 (a missing 3rd/4th
 * byte sets bit 7 through must alone). The first bytes of a vector take
 * p1..p3 from the previous vector (alignr / vext), so nothing is lost at
 * vector boundaries. A sequence cut by the end of the buffer: the SIMD
 * kernels always finish with one vector block holding the tail (0 to
 * block-1 bytes) followed by zeros, and a zero after a lead byte or in
 * the place of a 3rd/4th byte is an error as above. A block of ASCII only
 * skips the lookups; it is an error only when the previous block ended
 * with an unfinished sequence (its last byte >= C0, second last >= E0 or
 * third last >= F0: a saturating subtraction of {.., EF, DF, BF}). */
#ifndef MIAIR_GENERIC_UTF8_VALID_H
#define MIAIR_GENERIC_UTF8_VALID_H

#include <stddef.h>
#include <stdint.h>
#include "swar.h"

#define MIAIR_U8_TOO_SHORT 0x01
#define MIAIR_U8_TOO_LONG 0x02
#define MIAIR_U8_OVERLONG_3 0x04
#define MIAIR_U8_TOO_LARGE 0x08
#define MIAIR_U8_SURROGATE 0x10
#define MIAIR_U8_OVERLONG_2 0x20
#define MIAIR_U8_OVER_1000 0x40 /* F0 80-8F, F5-FF 80-8F */
#define MIAIR_U8_TWO_CONTS 0x80
/* The categories that hold for any low nibble of p1. */
#define MIAIR_U8_ANY_LO (MIAIR_U8_TOO_SHORT | MIAIR_U8_TOO_LONG | MIAIR_U8_TWO_CONTS)

/* By the high nibble of p1 (the byte before). */
static const uint8_t MIAIR_U8_PREV_HI[16] = {
    /* 0-7 ASCII */
    MIAIR_U8_TOO_LONG, MIAIR_U8_TOO_LONG, MIAIR_U8_TOO_LONG, MIAIR_U8_TOO_LONG,
    MIAIR_U8_TOO_LONG, MIAIR_U8_TOO_LONG, MIAIR_U8_TOO_LONG, MIAIR_U8_TOO_LONG,
    /* 8-B continuation */
    MIAIR_U8_TWO_CONTS, MIAIR_U8_TWO_CONTS, MIAIR_U8_TWO_CONTS, MIAIR_U8_TWO_CONTS,
    /* C: 2-byte lead (C0, C1 overlong) */
    MIAIR_U8_TOO_SHORT | MIAIR_U8_OVERLONG_2,
    /* D: 2-byte lead */
    MIAIR_U8_TOO_SHORT,
    /* E: 3-byte lead (E0 overlong, ED surrogates) */
    MIAIR_U8_TOO_SHORT | MIAIR_U8_OVERLONG_3 | MIAIR_U8_SURROGATE,
    /* F: 4-byte lead (F0 overlong, F4 and up too large) */
    MIAIR_U8_TOO_SHORT | MIAIR_U8_TOO_LARGE | MIAIR_U8_OVER_1000,
};

/* By the low nibble of p1. */
static const uint8_t MIAIR_U8_PREV_LO[16] = {
    /* 0: C0, E0, F0 */
    MIAIR_U8_ANY_LO | MIAIR_U8_OVERLONG_2 | MIAIR_U8_OVERLONG_3 | MIAIR_U8_OVER_1000,
    /* 1: C1 */
    MIAIR_U8_ANY_LO | MIAIR_U8_OVERLONG_2,
    MIAIR_U8_ANY_LO,
    MIAIR_U8_ANY_LO,
    /* 4: F4 */
    MIAIR_U8_ANY_LO | MIAIR_U8_TOO_LARGE,
    /* 5-F: F5-FF (and ED) */
    MIAIR_U8_ANY_LO | MIAIR_U8_TOO_LARGE | MIAIR_U8_OVER_1000,
    MIAIR_U8_ANY_LO | MIAIR_U8_TOO_LARGE | MIAIR_U8_OVER_1000,
    MIAIR_U8_ANY_LO | MIAIR_U8_TOO_LARGE | MIAIR_U8_OVER_1000,
    MIAIR_U8_ANY_LO | MIAIR_U8_TOO_LARGE | MIAIR_U8_OVER_1000,
    MIAIR_U8_ANY_LO | MIAIR_U8_TOO_LARGE | MIAIR_U8_OVER_1000,
    MIAIR_U8_ANY_LO | MIAIR_U8_TOO_LARGE | MIAIR_U8_OVER_1000,
    MIAIR_U8_ANY_LO | MIAIR_U8_TOO_LARGE | MIAIR_U8_OVER_1000,
    MIAIR_U8_ANY_LO | MIAIR_U8_TOO_LARGE | MIAIR_U8_OVER_1000,
    MIAIR_U8_ANY_LO | MIAIR_U8_TOO_LARGE | MIAIR_U8_OVER_1000 | MIAIR_U8_SURROGATE,
    MIAIR_U8_ANY_LO | MIAIR_U8_TOO_LARGE | MIAIR_U8_OVER_1000,
    MIAIR_U8_ANY_LO | MIAIR_U8_TOO_LARGE | MIAIR_U8_OVER_1000,
};

/* By the high nibble of x (the byte itself). */
#define MIAIR_U8_CONT_ANY (MIAIR_U8_TOO_LONG | MIAIR_U8_OVERLONG_2 | MIAIR_U8_TWO_CONTS)
static const uint8_t MIAIR_U8_CUR_HI[16] = {
    /* 0-7 ASCII */
    MIAIR_U8_TOO_SHORT, MIAIR_U8_TOO_SHORT, MIAIR_U8_TOO_SHORT, MIAIR_U8_TOO_SHORT,
    MIAIR_U8_TOO_SHORT, MIAIR_U8_TOO_SHORT, MIAIR_U8_TOO_SHORT, MIAIR_U8_TOO_SHORT,
    /* 8: 80-8F */
    MIAIR_U8_CONT_ANY | MIAIR_U8_OVERLONG_3 | MIAIR_U8_OVER_1000,
    /* 9: 90-9F */
    MIAIR_U8_CONT_ANY | MIAIR_U8_OVERLONG_3 | MIAIR_U8_TOO_LARGE,
    /* A, B: A0-BF */
    MIAIR_U8_CONT_ANY | MIAIR_U8_SURROGATE | MIAIR_U8_TOO_LARGE,
    MIAIR_U8_CONT_ANY | MIAIR_U8_SURROGATE | MIAIR_U8_TOO_LARGE,
    /* C-F leads */
    MIAIR_U8_TOO_SHORT, MIAIR_U8_TOO_SHORT, MIAIR_U8_TOO_SHORT, MIAIR_U8_TOO_SHORT,
};

/* The last 16 bytes of the "unfinished sequence" limits: a byte above its
 * limit (saturating subtraction != 0) starts a sequence the block does not
 * finish. A wider vector uses 0xFF before these. */
static const uint8_t MIAIR_U8_MAX_TAIL[16] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                              0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xEF, 0xDF, 0xBF};

/* Exact scalar validation: ASCII skipped 8 bytes at a time, then one
 * sequence at a time with the RFC 3629 ranges of its second byte. */
static inline int miair_utf8_valid_swar(const uint8_t *p, size_t n)
{
    size_t i = 0;
    for (;;) {
        while (n - i >= 8) {
            uint64_t h = miair_load64(p + i) & MIAIR_SWAR_HI;
            if (h) {
                i += (unsigned)__builtin_ctzll(h) >> 3;
                break;
            }
            i += 8;
        }
        while (i < n && p[i] < 0x80)
            i++;
        if (i == n)
            return 1;
        unsigned c = p[i], need;
        unsigned lo = 0x80, hi = 0xBF;
        if (c < 0xC2) /* continuation, C0, C1 */
            return 0;
        if (c < 0xE0) {
            need = 1;
        } else if (c < 0xF0) {
            need = 2;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c < 0xF5) {
            need = 3;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        } else {
            return 0;
        }
        if (n - i <= need)
            return 0; /* cut by the end */
        if (p[i + 1] < lo || p[i + 1] > hi)
            return 0;
        if (need >= 2 && (p[i + 2] & 0xC0) != 0x80)
            return 0;
        if (need == 3 && (p[i + 3] & 0xC0) != 0x80)
            return 0;
        i += need + 1;
    }
}

#endif
