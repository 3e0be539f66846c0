/* Portable 8-bytes-at-a-time bodies: the scalar kernels, and the tails of
 * the SIMD ones. */
#ifndef MIAIR_GENERIC_SWAR_H
#define MIAIR_GENERIC_SWAR_H

#include <stdint.h>
#include <string.h>
#include "histogram.h" /* miair_load64 */

#define MIAIR_SWAR_LO7 0x7F7F7F7F7F7F7F7Full
#define MIAIR_SWAR_HI 0x8080808080808080ull
#define MIAIR_SWAR_ONES 0x0101010101010101ull

/* 0x80 in every byte of v that is zero, 0 elsewhere (exact, no carries). */
static inline uint64_t miair_swar_zero_bytes(uint64_t v)
{
    return ~(((v & MIAIR_SWAR_LO7) + MIAIR_SWAR_LO7) | v | MIAIR_SWAR_LO7);
}

static inline size_t miair_count_byte_swar(const uint8_t *p, size_t n, uint8_t byte)
{
    const uint64_t pat = MIAIR_SWAR_ONES * byte;
    size_t c = 0, i = 0;
    for (; i + 8 <= n; i += 8)
        c += (size_t)__builtin_popcountll(miair_swar_zero_bytes(miair_load64(p + i) ^ pat));
    for (; i < n; i++)
        c += p[i] == byte;
    return c;
}

static inline size_t miair_byte_positions_swar(const uint8_t *p, size_t n, uint8_t byte, uint64_t base,
                                               uint64_t *out)
{
    const uint64_t pat = MIAIR_SWAR_ONES * byte;
    size_t k = 0, i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t z = miair_swar_zero_bytes(miair_load64(p + i) ^ pat);
        while (z) {
            out[k++] = base + i + ((unsigned)__builtin_ctzll(z) >> 3);
            z &= z - 1;
        }
    }
    for (; i < n; i++)
        if (p[i] == byte)
            out[k++] = base + i;
    return k;
}

static inline size_t miair_ascii_prefix_len_swar(const uint8_t *p, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t h = miair_load64(p + i) & MIAIR_SWAR_HI;
        if (h)
            return i + ((unsigned)__builtin_ctzll(h) >> 3);
    }
    for (; i < n; i++)
        if (p[i] & 0x80)
            return i;
    return n;
}

#endif
