/* Numbers as JSON text, fast: integers, and doubles exactly as printf's
 * "%.17g" prints them (17 significant digits, correctly rounded, half to
 * even), computed with 128-bit integer arithmetic where that is exact and
 * with snprintf elsewhere. tests/test_numfmt.c compares with snprintf. */
#include "numfmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

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

#if defined(__SIZEOF_INT128__)
typedef unsigned __int128 u128;

static const uint64_t pow10_u64[20] = {1ull,
                                       10ull,
                                       100ull,
                                       1000ull,
                                       10000ull,
                                       100000ull,
                                       1000000ull,
                                       10000000ull,
                                       100000000ull,
                                       1000000000ull,
                                       10000000000ull,
                                       100000000000ull,
                                       1000000000000ull,
                                       10000000000000ull,
                                       100000000000000ull,
                                       1000000000000000ull,
                                       10000000000000000ull,
                                       100000000000000000ull,
                                       1000000000000000000ull,
                                       10000000000000000000ull};

static const char two_digits[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                    "8081828384858687888990919293949596979899";

/* The 17 decimal digits of q (< 10^17), two at a time in 32-bit halves. */
static void put_digits17(char *d, uint64_t q) {
    uint32_t hi = (uint32_t)(q / 100000000u), lo = (uint32_t)(q % 100000000u); /* 9 + 8 digits */
    for (int i = 15; i >= 9; i -= 2) {
        uint32_t r = lo % 100u;
        lo /= 100u;
        d[i] = two_digits[2 * r];
        d[i + 1] = two_digits[2 * r + 1];
    }
    for (int i = 7; i >= 1; i -= 2) {
        uint32_t r = hi % 100u;
        hi /= 100u;
        d[i] = two_digits[2 * r];
        d[i + 1] = two_digits[2 * r + 1];
    }
    d[0] = (char)('0' + hi);
}

/* round(x * 10^k) for x = m * 2^e (m < 2^53, e <= 0, 0 <= k <= 22), half to even; 0 when it does not fit. */
static int scaled(uint64_t m, int e, int k, uint64_t *q) {
    u128 p10 = k <= 19 ? (u128)pow10_u64[k] : (u128)pow10_u64[19] * pow10_u64[k - 19];
    u128 v = (u128)m * p10; /* < 2^53 * 10^22 < 2^127 */
    int s = -e;
    if (s >= 127) return 0;
    u128 whole = s ? v >> s : v;
    if (s) {
        u128 rem = v & (((u128)1 << s) - 1), half = (u128)1 << (s - 1);
        if (rem > half || (rem == half && (whole & 1))) whole++;
    }
    if (whole >> 64) return 0;
    *q = (uint64_t)whole;
    return 1;
}
#endif

size_t miair_fmt_double17(char *out, double x) {
#if defined(__SIZEOF_INT128__)
    double ax = fabs(x);
    if (x == 0.0) {
        if (signbit(x)) return (size_t)snprintf(out, 32, "%.17g", x);
        memcpy(out, "0", 2);
        return 1;
    }
    /* fixed notation of %.17g (decimal exponent -4..16) for values whose exponent e <= 0 */
    if (isfinite(x) && ax >= 1e-4 && ax < 9007199254740992.0) {
        uint64_t bits;
        memcpy(&bits, &ax, sizeof bits); /* a normal double here: ax = m * 2^e with the hidden bit */
        int bexp = (int)((bits >> 52) & 0x7FF);
        uint64_t m = (bits & ((1ull << 52) - 1)) | (1ull << 52);
        int e = bexp - 1075;
        /* decimal exponent estimate from the binary one (log10(2) ~ 0.30103); the loop below corrects it */
        int d = (int)floor((double)(bexp - 1023) * 0.30102999566398120);
        for (int tries = 0; tries < 3; tries++) {
            int k = 16 - d;
            uint64_t q;
            if (k < 0 || k > 22 || !scaled(m, e, k, &q)) break;
            if (q >= pow10_u64[17]) { /* the estimate was one too small, or rounding carried */
                d++;
                continue;
            }
            if (q < pow10_u64[16]) {
                d--;
                continue;
            }
            if (d < -4 || d > 16) break;
            /* q holds 17 digits; the point goes after digit d+1 */
            char digits[18];
            put_digits17(digits, q);
            int last = 16; /* %g drops trailing zeros of the fraction */
            int intd = d >= 0 ? d + 1 : 0;
            while (last >= intd && last > 0 && digits[last] == '0') last--;
            size_t n = 0;
            if (x < 0) out[n++] = '-';
            if (d >= 0) {
                for (int i = 0; i <= d; i++) out[n++] = digits[i];
                if (last > d) {
                    out[n++] = '.';
                    for (int i = d + 1; i <= last; i++) out[n++] = digits[i];
                }
            } else {
                out[n++] = '0';
                out[n++] = '.';
                for (int i = 0; i < -d - 1; i++) out[n++] = '0';
                for (int i = 0; i <= last; i++) out[n++] = digits[i];
            }
            out[n] = '\0';
            return n;
        }
    }
#endif
    return (size_t)snprintf(out, 32, "%.17g", x);
}
