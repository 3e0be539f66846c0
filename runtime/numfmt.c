/* Numbers as JSON text, fast: integers, and doubles exactly as printf's
 * "%.17g" prints them (17 significant digits, correctly rounded, half to
 * even). tests/test_numfmt.c compares with snprintf.
 *
 * x = m * 2^e is scaled to q = round(x * 10^k), 10^16 <= q < 10^17, with
 * k = 16 - d and d = floor(log10 |x|):
 *  - 1e-11 <= |x| < 1e17 (0 <= k <= 27): exactly, q = round(m * 5^k * 2^(e+k))
 *    from one 64x64->128-bit product (5^27 < 2^63), half to even;
 *  - elsewhere (and subnormals): from a 128-bit approximation of 10^k
 *    (10^(28i) rounded, times the exact 5^j 2^j, k = 28i + j); the error is
 *    under 2 units of the 66th (or a lower) bit below the point, so q is
 *    exact unless the fraction is within 4 such units of one half, where
 *    snprintf decides (no double is an exact tie there: ties need k <= 23).
 * The 17 digits come from two 8-digit SWAR conversions; %g's choice of
 * fixed or exponent notation and its dropping of trailing zeros follow.
 * Without unsigned __int128 (or on big-endian targets) snprintf does it all. */
#include "numfmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

size_t miair_fmt_json_double(miair_num_memo *memo, char *out, double x) {
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    miair_num_memo *m = memo ? &memo[(bits * 0x9E3779B97F4A7C15ull) >> 56] : NULL;
    if (m && m->len && m->bits == bits) {
        memcpy(out, m->s, sizeof m->s); /* out holds 32 bytes: one fixed-size copy */
        return m->len;
    }
    size_t n = miair_fmt_double17(out, x);
    /* %.17g writes neither '.' nor an exponent exactly for the integral values below 1e17: a
     * non-integral double's 17 digits read back as itself, so they cannot be an integer */
    if (x == trunc(x) && fabs(x) < 1e17) {
        memcpy(out + n, ".0", 2);
        n += 2;
    }
    if (m && n <= sizeof m->s) {
        m->bits = bits;
        m->len = (uint8_t)n;
        memcpy(m->s, out, n);
    }
    return n;
}

size_t miair_fmt_u64(char *out, uint64_t v) {
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
    out[n] = '\0';
    return n;
}

#if defined(__SIZEOF_INT128__) && defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) &&                  \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define MIAIR_NUMFMT_FAST 1
typedef unsigned __int128 u128;

#define P16 10000000000000000ull  /* 10^16 */
#define P17 100000000000000000ull /* 10^17 */

static const uint64_t pow5[28] = {1ull,
                                  5ull,
                                  25ull,
                                  125ull,
                                  625ull,
                                  3125ull,
                                  15625ull,
                                  78125ull,
                                  390625ull,
                                  1953125ull,
                                  9765625ull,
                                  48828125ull,
                                  244140625ull,
                                  1220703125ull,
                                  6103515625ull,
                                  30517578125ull,
                                  152587890625ull,
                                  762939453125ull,
                                  3814697265625ull,
                                  19073486328125ull,
                                  95367431640625ull,
                                  476837158203125ull,
                                  2384185791015625ull,
                                  11920928955078125ull,
                                  59604644775390625ull,
                                  298023223876953125ull,
                                  1490116119384765625ull,
                                  7450580596923828125ull};

/* pow10_ceil[i]: the smallest double >= 10^(i-11), i = 0..28 (10^-11 .. 10^17) */
static const double pow10_ceil[29] = {
    0x1.5fd7fe1796496p-37, 0x1.b7cdfd9d7bdbbp-34, 0x1.12e0be826d695p-30, 0x1.5798ee2308c3ap-27,
    0x1.ad7f29abcaf49p-24, 0x1.0c6f7a0b5ed8ep-20, 0x1.4f8b588e368f1p-17, 0x1.a36e2eb1c432dp-14,
    0x1.0624dd2f1a9fcp-10, 0x1.47ae147ae147bp-7,  0x1.999999999999ap-4,  0x1.0000000000000p+0,
    0x1.4000000000000p+3,  0x1.9000000000000p+6,  0x1.f400000000000p+9,  0x1.3880000000000p+13,
    0x1.86a0000000000p+16, 0x1.e848000000000p+19, 0x1.312d000000000p+23, 0x1.7d78400000000p+26,
    0x1.dcd6500000000p+29, 0x1.2a05f20000000p+33, 0x1.74876e8000000p+36, 0x1.d1a94a2000000p+39,
    0x1.2309ce5400000p+43, 0x1.6bcc41e900000p+46, 0x1.c6bf526340000p+49, 0x1.1c37937e08000p+53,
    0x1.6345785d8a000p+56};

/* 10^(28i) ~ (hi * 2^64 + lo) * 2^e with 2^127 <= hi * 2^64 + lo < 2^128, rounded to nearest; i = -11..12 */
static const struct {
    uint64_t hi, lo;
    int e;
} pow10_28[24] = {{0xe61acf033d1a45dfull, 0x6fb92487298e33beull, -1151},
                  {0xe858ad248f5c22c9ull, 0xd1b3400f8f9cff69ull, -1058},
                  {0xea9c227723ee8bcbull, 0x465e15a979c1cadcull, -965},
                  {0xece53cec4a314ebdull, 0xa4f8bf5635246428ull, -872},
                  {0xef340a98172aace4ull, 0x86fb897116c87c35ull, -779},
                  {0xf18899b1bc3f8ca1ull, 0xdc44e6c3cb279ac2ull, -686},
                  {0xf3e2f893dec3f126ull, 0x5a89dba3c3efccfbull, -593},
                  {0xf64335bcf065d37dull, 0x4d4617b5ff4a16d6ull, -500},
                  {0xf8a95fcf88747d94ull, 0x75a44c6397ce912aull, -407},
                  {0xfb158592be068d2eull, 0xeed6e2f0f0d56713ull, -314},
                  {0xfd87b5f28300ca0dull, 0x8bca9d6e188853fcull, -221},
                  {0x8000000000000000ull, 0x0000000000000000ull, -127},
                  {0x813f3978f8940984ull, 0x4000000000000000ull, -34},
                  {0x82818f1281ed449full, 0xbff8f10e7a8921a4ull, 59},
                  {0x83c7088e1aab65dbull, 0x792667c6da79e0faull, 152},
                  {0x850fadc09923329eull, 0x03e2cf6bc604ddb0ull, 245},
                  {0x865b86925b9bc5c2ull, 0x0b8a2392ba45a9b2ull, 338},
                  {0x87aa9aff79042286ull, 0x90fb44d2f05d0843ull, 431},
                  {0x88fcf317f22241e2ull, 0x441fece3bdf81f03ull, 524},
                  {0x8a5296ffe33cc92full, 0x82bd6b70d99aaa70ull, 617},
                  {0x8bab8eefb6409c1aull, 0x1ad089b6c2f7548eull, 710},
                  {0x8d07e33455637eb2ull, 0xdb0b487b6423e1e8ull, 803},
                  {0x8e679c2f5e44ff8full, 0x570f09eaa7ea7648ull, 896},
                  {0x8fcac257558ee4e6ull, 0x213a4f0aa5e8a7b2ull, 989}};

static const char two_digits[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                    "8081828384858687888990919293949596979899";

/* floor(E * log10(2)) for -1200 <= E <= 1100 (checked exhaustively for the doubles' range) */
static inline int floor_log10_pow2(int E) {
    return (int)(((uint32_t)(E * 78913 + 400 * 262144)) >> 18) - 400;
}

/* The 8 decimal digits of n < 10^8 as byte values 0..9, the first digit in the lowest byte. */
static inline uint64_t digits8(uint32_t n) {
    uint32_t a = n / 10000u, b = n - a * 10000u;
    uint64_t x = a | ((uint64_t)b << 32);                          /* two 4-digit lanes of 32 bits */
    uint64_t h = ((x * 10486u) >> 20) & 0x0000007F0000007Full;   /* lane / 100 (exact below 10^4) */
    x = h | ((x - h * 100u) << 16);                                /* four 2-digit lanes of 16 bits */
    uint64_t t = ((x * 103u) >> 10) & 0x000F000F000F000Full;      /* lane / 10 (exact below 100) */
    return t | ((x - t * 10u) << 8);                               /* eight digits */
}

/* low_bytes[n]: a 16-byte mask of bytes 0..n-1, as two 64-bit halves */
static const uint64_t low_bytes[17][2] = {{0x0000000000000000ull, 0x0000000000000000ull},
    {0x00000000000000ffull, 0x0000000000000000ull},
    {0x000000000000ffffull, 0x0000000000000000ull},
    {0x0000000000ffffffull, 0x0000000000000000ull},
    {0x00000000ffffffffull, 0x0000000000000000ull},
    {0x000000ffffffffffull, 0x0000000000000000ull},
    {0x0000ffffffffffffull, 0x0000000000000000ull},
    {0x00ffffffffffffffull, 0x0000000000000000ull},
    {0xffffffffffffffffull, 0x0000000000000000ull},
    {0xffffffffffffffffull, 0x00000000000000ffull},
    {0xffffffffffffffffull, 0x000000000000ffffull},
    {0xffffffffffffffffull, 0x0000000000ffffffull},
    {0xffffffffffffffffull, 0x00000000ffffffffull},
    {0xffffffffffffffffull, 0x000000ffffffffffull},
    {0xffffffffffffffffull, 0x0000ffffffffffffull},
    {0xffffffffffffffffull, 0x00ffffffffffffffull},
    {0xffffffffffffffffull, 0xffffffffffffffffull}};

/* Writes "%.17g" of (neg ? -1 : 1) * q * 10^(d-16), 10^16 <= q < 10^17. */
static inline size_t emit(char *out, int neg, uint64_t q, int d) {
    uint64_t hi = q / 100000000u, d0 = q / P16; /* hi = d0 * 10^8 + mid */
    uint32_t lo = (uint32_t)(q - hi * 100000000u), mid = (uint32_t)(hi - d0 * 100000000u);
    uint64_t w1 = digits8(mid), w2 = digits8(lo); /* digits 1..8 and 9..16 */
    /* the last significant digit: %g drops trailing zeros */
    int last = w2 ? 16 - (__builtin_clzll(w2) >> 3) : w1 ? 8 - (__builtin_clzll(w1) >> 3) : 0;
    const uint64_t zeros = 0x3030303030303030ull;
    w1 += zeros;
    w2 += zeros;
    out[0] = '-';
    char *p = out + neg;
    size_t len;
    p[0] = (char)('0' + d0);
    if ((unsigned)d <= 15u) { /* fixed, with an integer part: digits 0..d, '.', digits d+1..16 */
        /* p[1..16]: bytes below d of the digits 1..16 (w1, w2), then '.', then the same shifted up one byte */
        const uint64_t *l = low_bytes[d], *m = low_bytes[d + 1];
        const uint64_t dots = 0x2E2E2E2E2E2E2E2Eull;
        uint64_t s0 = w1 << 8, s1 = (w2 << 8) | (w1 >> 56);
        uint64_t r0 = (w1 & l[0]) | (s0 & ~m[0]) | (dots & (m[0] ^ l[0]));
        uint64_t r1 = (w2 & l[1]) | (s1 & ~m[1]) | (dots & (m[1] ^ l[1]));
        memcpy(p + 1, &r0, 8);
        memcpy(p + 9, &r1, 8);
        p[17] = (char)(w2 >> 56);
        len = last > d ? (size_t)last + 2 : (size_t)d + 1;
    } else if (d == 16) {
        memcpy(p + 1, &w1, 8);
        memcpy(p + 9, &w2, 8);
        len = 17;
    } else if (d < 0 && d >= -4) { /* 0.000ddd */
        memcpy(p, "0.000000", 8);
        p[1 - d] = (char)('0' + d0);
        memcpy(p + 2 - d, &w1, 8);
        memcpy(p + 10 - d, &w2, 8);
        len = (size_t)(2 - d + last);
    } else { /* d.ddde+XX */
        p[1] = '.';
        memcpy(p + 2, &w1, 8);
        memcpy(p + 10, &w2, 8);
        len = last ? (size_t)last + 2 : 1;
        char *c = p + len;
        c[0] = 'e';
        c[1] = d < 0 ? '-' : '+';
        unsigned ad = (unsigned)(d < 0 ? -d : d);
        if (ad < 100) {
            memcpy(c + 2, two_digits + 2 * ad, 2);
            len += 4;
        } else {
            c[2] = (char)('0' + ad / 100);
            memcpy(c + 3, two_digits + 2 * (ad % 100), 2);
            len += 5;
        }
    }
    p[len] = '\0';
    return len + (size_t)neg;
}

/* round(m * 2^e * 10^k), m < 2^64 nonzero, from the 128-bit table; 0 when too close to a half to tell. */
static uint64_t scaled_approx(uint64_t m, int e, int k) {
    int i = (k >= 0 ? k : k - 27) / 28, j = k - 28 * i; /* floor division: 0 <= j < 28 */
    u128 a = (u128)m * pow5[j];                         /* exact, < 2^127 */
    int la = (a >> 64) ? __builtin_clzll((uint64_t)(a >> 64)) : 64 + __builtin_clzll((uint64_t)a);
    a <<= la;
    uint64_t a1 = (uint64_t)(a >> 64), a0 = (uint64_t)a, b1 = pow10_28[i + 11].hi, b0 = pow10_28[i + 11].lo;
    u128 p00 = (u128)a0 * b0, p01 = (u128)a0 * b1, p10 = (u128)a1 * b0, p11 = (u128)a1 * b1;
    u128 mid = (p00 >> 64) + (uint64_t)p01 + (uint64_t)p10;
    u128 h = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64); /* the product's high half, >= 2^126 */
    int sh = -(128 + j + pow10_28[i + 11].e + e - la);     /* x * 10^k ~ h / 2^sh, sh in 66..76 */
    u128 frac = h & (((u128)1 << sh) - 1), half = (u128)1 << (sh - 1);
    uint64_t w = (uint64_t)(h >> sh);
    if (frac > half + 4) return w + 1;
    if (frac + 4 < half) return w;
    return 0;
}
#endif

#if defined(MIAIR_NUMFMT_FAST)
/* Zero, subnormals, |x| < 1e-11 or >= 1e17, infinities and NaNs. */
__attribute__((noinline)) static size_t fmt_rest(char *out, double x) {
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    int neg = (int)(bits >> 63), bexp = (int)((bits >> 52) & 0x7FF);
    uint64_t m = bits & ((1ull << 52) - 1);
    if (!(bexp | m)) { /* zero */
        if (neg)
            memcpy(out, "-0", 3);
        else
            memcpy(out, "0", 2);
        return (size_t)(1 + neg);
    }
    if (bexp != 0x7FF) {
        int e;
        if (bexp) {
            m |= 1ull << 52;
            e = bexp - 1075;
        } else {
            e = -1074;
        }
        int d = floor_log10_pow2(63 - __builtin_clzll(m) + e); /* d or d - 1 */
        uint64_t q = scaled_approx(m, e, 16 - d);
        if (q >= P17) q = scaled_approx(m, e, 16 - ++d);
        if (q == P17) q = P16, d++; /* rounded up to a power of ten */
        if (q) return emit(out, neg, q, d);
    }
    return (size_t)snprintf(out, 32, "%.17g", x); /* infinities, NaNs, and near halves far from 1 */
}
#endif

size_t miair_fmt_double17(char *out, double x) {
#if defined(MIAIR_NUMFMT_FAST)
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    int neg = (int)(bits >> 63);
    bits &= ~(1ull << 63);
    int bexp = (int)(bits >> 52);
    int d = floor_log10_pow2(bexp - 1023); /* d or d - 1 when x is normal */
    if ((unsigned)(bexp - 1) < 0x7FEu && (unsigned)(d + 12) <= 28u) {
        double ax;
        memcpy(&ax, &bits, sizeof ax);
        d += ax >= pow10_ceil[d + 12];
        int k = 16 - d;
        if ((unsigned)k <= 27u) {
            uint64_t m = (bits & ((1ull << 52) - 1)) | (1ull << 52);
            u128 v = (u128)m * pow5[k]; /* x * 10^k = v * 2^-s exactly, v < 2^116 */
            int s = 1075 - bexp - k;    /* -4 <= s <= 62 */
            uint64_t lo = (uint64_t)v, q;
            if (s > 0) {
                uint64_t hi = (uint64_t)(v >> 64), rem = lo << (64 - s); /* the fraction, left-aligned */
                q = (hi << (64 - s)) | (lo >> s);
                q += rem > (1ull << 63) - (q & 1); /* half to even */
            } else {
                q = lo << -s;
            }
            /* q < 10^17: no double below 10^-10 .. 10^17 rounds up to it here (the test tries them all) */
            return emit(out, neg, q, d);
        }
    }
    return fmt_rest(out, x);
#else
    return (size_t)snprintf(out, 32, "%.17g", x);
#endif
}
