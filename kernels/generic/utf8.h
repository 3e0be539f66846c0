/* The code-point histogram, written once. An ISA supplies leads64(p): the
 * bitmap of lead bytes (0xC0-0xF7) among the 64 bytes at p, and should make
 * the all-ASCII case cheap (one test). Everything else is shared, so every
 * ISA counts exactly the same code points into the same table slots. */
#ifndef MIAIR_GENERIC_UTF8_H
#define MIAIR_GENERIC_UTF8_H

#include <stdint.h>
#include <string.h>
#include "../kernels.h"
#include "histogram.h"

/* Sequence length by lead byte: 1 ASCII, 0 continuation or 0xF8-0xFF. */
static inline unsigned miair_utf8_seqlen(uint8_t b)
{
    if (b < 0x80)
        return 1;
    if (b < 0xC0)
        return 0;
    if (b < 0xE0)
        return 2;
    if (b < 0xF0)
        return 3;
    if (b < 0xF8)
        return 4;
    return 0;
}

/* Code point of the n-byte sequence at p (2 <= n <= 4), from the payload
 * bits alone (no validation). A value below 0x80 (an overlong form, never
 * in valid UTF-8) is reported as U+FFFD so that key 0 stays free. */
static inline uint32_t miair_utf8_decode(const uint8_t *p, unsigned n)
{
    uint32_t cp = p[0] & (0x7Fu >> n);
    for (unsigned i = 1; i < n; i++)
        cp = (cp << 6) | (p[i] & 0x3Fu);
    return cp < 0x80 ? 0xFFFDu : cp;
}

static inline int miair_cp_table_room(const struct miair_cp_table *t, size_t k)
{
    return t->used + k <= (t->mask + 1) / 2;
}

/* The same, branch-free, for a lead with at least 4 readable bytes at p:
 * all four bytes as a 4-byte form, then the unused low groups shifted out. */
static inline uint32_t miair_utf8_decode4(const uint8_t *p)
{
    unsigned n = miair_utf8_seqlen(p[0]);
    uint32_t cp = ((uint32_t)(p[0] & (0x7Fu >> n)) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
                  ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3Fu);
    cp >>= 6 * (4 - n);
    return cp < 0x80 ? 0xFFFDu : cp;
}

typedef uint64_t (*miair_leads64_fn)(const uint8_t *p);

/* Flush the uint32 sub-tables at least every this many bytes. */
#define MIAIR_UTF8_FLUSH_BYTES ((size_t)1 << 30)
/* Longest ASCII run histogrammed in one go (kept small enough to be
 * re-read from L1 right after the lead scan). */
#define MIAIR_UTF8_RUN ((size_t)4096)

static inline void miair_utf8_flush(uint32_t h[4][256], uint64_t ascii[128])
{
    for (int b = 0; b < 128; b++)
        ascii[b] += (uint64_t)h[0][b] + h[1][b] + h[2][b] + h[3][b];
    memset(h, 0, sizeof(uint32_t) * 4 * 256);
}

/* The runs' histogram, out of line: its loop then sits at the same place
 * (function entry alignment) in every ISA's file, which measured up to 20%
 * faster than the inlined copy, whose placement varied. */
static __attribute__((noinline)) void miair_utf8_hist_run(uint32_t h[4][256], const uint8_t *p, size_t n)
{
    miair_hist4_add(h, p, n);
}

static inline size_t miair_utf8_histogram_generic(const uint8_t *buf, size_t len, uint64_t ascii[128],
                                                  struct miair_cp_table *t, miair_leads64_fn leads64)
{
    uint32_t h[4][256];
    memset(h, 0, sizeof h);
    size_t i = 0, pending = 0;
    int full = 0;
    /* Blocks whose every sequence ends inside buf (a lead at most 3 bytes
     * before the block end needs 3 more bytes): len - i >= 64 + 3. All
     * bytes go to the sub-tables; only their ASCII part is reported. */
    for (;;) {
        /* a run of blocks without lead bytes, histogrammed in one call */
        size_t j = i;
        uint64_t leads = 0;
        while (len - j >= MIAIR_BLOCK + 3 && j - i < MIAIR_UTF8_RUN && (leads = leads64(buf + j)) == 0)
            j += MIAIR_BLOCK;
        miair_utf8_hist_run(h, buf + i, j - i);
        pending += j - i;
        i = j;
        if (len - i < MIAIR_BLOCK + 3)
            break;
        if (leads) {
            if (!miair_cp_table_room(t, MIAIR_CP_BLOCK_MAX_NEW)) {
                full = 1;
                break;
            }
            const uint8_t *p = buf + i;
            miair_hist4_add(h, p, MIAIR_BLOCK);
            while (leads) {
                const uint8_t *s = p + __builtin_ctzll(leads);
                leads &= leads - 1;
                miair_cp_table_add(t, miair_utf8_decode4(s), 1);
            }
            i += MIAIR_BLOCK;
            pending += MIAIR_BLOCK;
        }
        if (pending >= MIAIR_UTF8_FLUSH_BYTES) {
            miair_utf8_flush(h, ascii);
            pending = 0;
        }
    }
    miair_utf8_flush(h, ascii);
    if (full)
        return i;
    /* The last < 67 bytes, one at a time, stopping at a truncated sequence. */
    for (; i < len; i++) {
        uint8_t b = buf[i];
        if (b < 0x80) {
            ascii[b]++;
            continue;
        }
        unsigned n = miair_utf8_seqlen(b);
        if (n == 0)
            continue;
        if (len - i < n || !miair_cp_table_room(t, 1))
            break;
        miair_cp_table_add(t, miair_utf8_decode(buf + i, n), 1);
    }
    return i;
}

#endif
