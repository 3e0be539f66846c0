/* Byte histograms with sub-tables: N tables of uint32 counters on the stack,
 * consecutive bytes going to different tables so that runs of one byte value
 * (spaces, 'e') do not serialize on one counter's store-to-load forwarding.
 * The variants are measured in perf/bench_kernels.cc; MIAIR_HIST_DEFAULT
 * names the one the kernels use. */
#ifndef MIAIR_GENERIC_HISTOGRAM_H
#define MIAIR_GENERIC_HISTOGRAM_H

#include <stdint.h>
#include <string.h>

/* uint32 counters are flushed into the uint64 result at least this often. */
#define MIAIR_HIST_CHUNK ((size_t)1 << 30)

static inline uint64_t miair_load64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v; /* little-endian hosts only (x86-64, aarch64) */
}

/* One table. */
static inline void miair_hist1_add(uint32_t t[256], const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        t[p[i]]++;
}

/* Four tables, one 32-bit load per 4 bytes (zstd's HIST_count_parallel
 * scheme; the loop shape that measured fastest here, see docs/kernels.md). */
static inline void miair_hist4_add(uint32_t t[4][256], const uint8_t *p, size_t n)
{
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        uint32_t c;
        memcpy(&c, p + i, 4);
        t[0][c & 0xFF]++;
        t[1][(c >> 8) & 0xFF]++;
        t[2][(c >> 16) & 0xFF]++;
        t[3][c >> 24]++;
    }
    for (; i < n; i++)
        t[0][p[i]]++;
}

/* Four tables, 8 bytes per load (the variant measured against it). */
static inline void miair_hist4w_add(uint32_t t[4][256], const uint8_t *p, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        uint64_t a = miair_load64(p + i), b = miair_load64(p + i + 8);
        t[0][(uint8_t)a]++;
        t[1][(uint8_t)(a >> 8)]++;
        t[2][(uint8_t)(a >> 16)]++;
        t[3][(uint8_t)(a >> 24)]++;
        t[0][(uint8_t)(a >> 32)]++;
        t[1][(uint8_t)(a >> 40)]++;
        t[2][(uint8_t)(a >> 48)]++;
        t[3][(uint8_t)(a >> 56)]++;
        t[0][(uint8_t)b]++;
        t[1][(uint8_t)(b >> 8)]++;
        t[2][(uint8_t)(b >> 16)]++;
        t[3][(uint8_t)(b >> 24)]++;
        t[0][(uint8_t)(b >> 32)]++;
        t[1][(uint8_t)(b >> 40)]++;
        t[2][(uint8_t)(b >> 48)]++;
        t[3][(uint8_t)(b >> 56)]++;
    }
    for (; i < n; i++)
        t[i & 3][p[i]]++;
}

/* Eight tables. */
static inline void miair_hist8_add(uint32_t t[8][256], const uint8_t *p, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        uint64_t a = miair_load64(p + i), b = miair_load64(p + i + 8);
        t[0][(uint8_t)a]++;
        t[1][(uint8_t)(a >> 8)]++;
        t[2][(uint8_t)(a >> 16)]++;
        t[3][(uint8_t)(a >> 24)]++;
        t[4][(uint8_t)(a >> 32)]++;
        t[5][(uint8_t)(a >> 40)]++;
        t[6][(uint8_t)(a >> 48)]++;
        t[7][(uint8_t)(a >> 56)]++;
        t[0][(uint8_t)b]++;
        t[1][(uint8_t)(b >> 8)]++;
        t[2][(uint8_t)(b >> 16)]++;
        t[3][(uint8_t)(b >> 24)]++;
        t[4][(uint8_t)(b >> 32)]++;
        t[5][(uint8_t)(b >> 40)]++;
        t[6][(uint8_t)(b >> 48)]++;
        t[7][(uint8_t)(b >> 56)]++;
    }
    for (; i < n; i++)
        t[i & 7][p[i]]++;
}

/* Whole-buffer histograms: counts[b] += occurrences. */

static inline void miair_byte_histogram_1(const uint8_t *p, size_t n, uint64_t counts[256])
{
    while (n) {
        size_t m = n < MIAIR_HIST_CHUNK ? n : MIAIR_HIST_CHUNK;
        uint32_t t[256];
        memset(t, 0, sizeof t);
        miair_hist1_add(t, p, m);
        for (int b = 0; b < 256; b++)
            counts[b] += t[b];
        p += m;
        n -= m;
    }
}

static inline void miair_byte_histogram_4(const uint8_t *p, size_t n, uint64_t counts[256])
{
    while (n) {
        size_t m = n < MIAIR_HIST_CHUNK ? n : MIAIR_HIST_CHUNK;
        uint32_t t[4][256];
        memset(t, 0, sizeof t);
        miair_hist4_add(t, p, m);
        for (int b = 0; b < 256; b++)
            counts[b] += (uint64_t)t[0][b] + t[1][b] + t[2][b] + t[3][b];
        p += m;
        n -= m;
    }
}

static inline void miair_byte_histogram_4w(const uint8_t *p, size_t n, uint64_t counts[256])
{
    while (n) {
        size_t m = n < MIAIR_HIST_CHUNK ? n : MIAIR_HIST_CHUNK;
        uint32_t t[4][256];
        memset(t, 0, sizeof t);
        miair_hist4w_add(t, p, m);
        for (int b = 0; b < 256; b++)
            counts[b] += (uint64_t)t[0][b] + t[1][b] + t[2][b] + t[3][b];
        p += m;
        n -= m;
    }
}

static inline void miair_byte_histogram_8(const uint8_t *p, size_t n, uint64_t counts[256])
{
    while (n) {
        size_t m = n < MIAIR_HIST_CHUNK ? n : MIAIR_HIST_CHUNK;
        uint32_t t[8][256];
        memset(t, 0, sizeof t);
        miair_hist8_add(t, p, m);
        for (int b = 0; b < 256; b++)
            counts[b] += (uint64_t)t[0][b] + t[1][b] + t[2][b] + t[3][b] + t[4][b] + t[5][b] +
                         t[6][b] + t[7][b];
        p += m;
        n -= m;
    }
}

#endif
