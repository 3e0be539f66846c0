/* The machine's limits, one copy per ISA (limits_sse2.c, limits_avx2.c,
 * limits_avx512.c include this with LIMIT_SUFFIX and their own flags):
 * a plain memory read (sum of the buffer's uint64 words, SIMD loads) and
 * XXH3-64 bulk hashing (libxxhash's header inlined, so it uses the widest
 * vectors of this translation unit). */
#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#define LIMIT_CAT2(a, b) a##b
#define LIMIT_CAT(a, b) LIMIT_CAT2(a, b)
#define LIMIT_FN(name) LIMIT_CAT(name, LIMIT_SUFFIX)

uint64_t LIMIT_FN(miair_perf_memread_)(const uint8_t *p, size_t n)
{
    size_t i = 0;
#if defined(__AVX512F__)
    __m512i a0 = _mm512_setzero_si512(), a1 = a0;
    for (; i + 128 <= n; i += 128) {
        a0 = _mm512_add_epi64(a0, _mm512_loadu_si512(p + i));
        a1 = _mm512_add_epi64(a1, _mm512_loadu_si512(p + i + 64));
    }
    uint64_t s = _mm512_reduce_add_epi64(_mm512_add_epi64(a0, a1));
#elif defined(__AVX2__)
    __m256i a0 = _mm256_setzero_si256(), a1 = a0;
    for (; i + 64 <= n; i += 64) {
        a0 = _mm256_add_epi64(a0, _mm256_loadu_si256((const __m256i *)(p + i)));
        a1 = _mm256_add_epi64(a1, _mm256_loadu_si256((const __m256i *)(p + i + 32)));
    }
    uint64_t l[4];
    _mm256_storeu_si256((__m256i *)l, _mm256_add_epi64(a0, a1));
    uint64_t s = l[0] + l[1] + l[2] + l[3];
#else
    __m128i a0 = _mm_setzero_si128(), a1 = a0;
    for (; i + 32 <= n; i += 32) {
        a0 = _mm_add_epi64(a0, _mm_loadu_si128((const __m128i *)(p + i)));
        a1 = _mm_add_epi64(a1, _mm_loadu_si128((const __m128i *)(p + i + 16)));
    }
    uint64_t l[2];
    _mm_storeu_si128((__m128i *)l, _mm_add_epi64(a0, a1));
    uint64_t s = l[0] + l[1];
#endif
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        s += v;
    }
    for (; i < n; i++)
        s += p[i];
    return s;
}

uint64_t LIMIT_FN(miair_perf_xxh3_)(const uint8_t *p, size_t n)
{
    return XXH3_64bits(p, n);
}

/* The reference byte histogram: 4 sub-tables of uint32, one 32-bit load per
 * 4 bytes (the scheme of zstd's HIST_count_parallel), merged into counts. */
void LIMIT_FN(miair_perf_hist4_)(const uint8_t *p, size_t n, uint64_t counts[256])
{
    uint32_t t[4][256];
    memset(t, 0, sizeof t);
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
    for (int b = 0; b < 256; b++)
        counts[b] += (uint64_t)t[0][b] + t[1][b] + t[2][b] + t[3][b];
}
