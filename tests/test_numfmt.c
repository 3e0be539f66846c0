/* runtime/numfmt.c against snprintf: the same text for every double tried.
 * About 7 million doubles by default; MIAIR_NUMFMT_ROUNDS=N (N > 1) multiplies
 * the random rounds by N for a longer run. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "numfmt.h"

static uint64_t state = 88172645463325252ull;
static uint64_t next(void) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}
/* uniform in [0, 1) with 53 random bits */
static double unit(void) { return (double)(next() >> 11) / 9007199254740992.0; }

static long checked;

static void same(double x) {
    char a[64], b[64];
    memset(a, 'x', sizeof a);
    size_t n = miair_fmt_double17(a, x);
    snprintf(b, sizeof b, "%.17g", x);
    checked++;
    if (strcmp(a, b)) fail_msg("%a: got %s, snprintf %s", x, a, b);
    assert_int_equal(n, strlen(b));
    for (size_t i = 32; i < sizeof a; i++) /* out holds 32 bytes: nothing written past them */
        if (a[i] != 'x') fail_msg("%a: byte %zu past the 32 written", x, i);
}
/* x, -x and the doubles next to x */
static void around(double x) {
    same(x);
    same(-x);
    same(nextafter(x, INFINITY));
    same(nextafter(x, -INFINITY));
}

static long rounds(long n) {
    const char *s = getenv("MIAIR_NUMFMT_ROUNDS");
    long r = s ? atol(s) : 1;
    return r > 1 ? n * r : n;
}

static void test_fixed(void **state_) {
    (void)state_;
    static const double fixed[] = {0.0, -0.0, 1.0, -1.0, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0 / 3.0, 2.0 / 3.0, 0.85,
                                   1e-4, 9.9999999999999991e-5, 1e-5, 1e16, 1e17, 9007199254740991.0,
                                   9007199254740992.0, 9007199254740993.0, 123456789.125, 4.835124215129412,
                                   0.0001220703125, 99999999999999999.0, 0.99999999999999989, 5e-324, 1e-323,
                                   2.2250738585072009e-308, 2.2250738585072014e-308, 1.7976931348623157e308,
                                   1e-11, 1e-12, 9.9999999999999e-12, 1e22, 1e23, 12.0, 100.0, 85.0, 0.75,
                                   2.98023223876953125e-8, 1125899906842624.25, 1125899906842624.75,
                                   NAN, -NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) same(fixed[i]);
    /* every binary and decimal exponent */
    for (int e = -1074; e <= 1023; e++) {
        around(ldexp(1.0, e));
        around(ldexp(1.5, e));
        around(ldexp(1.0, e) * (2.0 - DBL_EPSILON));
    }
    for (int p = -323; p <= 308; p++) {
        char s[32];
        snprintf(s, sizeof s, "1e%d", p);
        double t = strtod(s, NULL);
        around(t);
        around(nextafter(nextafter(t, INFINITY), INFINITY));
        around(nextafter(nextafter(t, 0), 0));
        snprintf(s, sizeof s, "9.99999999999999995e%d", p); /* rounds up to the next power of ten, or not */
        around(strtod(s, NULL));
        snprintf(s, sizeof s, "5e%d", p);
        around(strtod(s, NULL));
    }
}

/* Exact ties: n * 2^-j with n * 5^j of 18 digits, whose 18th digit is a 5 (half to even decides), and their
 * neighbours; the same values scaled by powers of ten are no longer exact ties but lie close to them. */
static void test_ties(void **state_) {
    (void)state_;
    long n = rounds(60000);
    for (long i = 0; i < n; i++) {
        int j = 1 + (int)(next() % 25);
        double p5 = pow(5.0, j); /* exact for j <= 22; beyond, lo/hi are approximate bounds, still fine */
        double lo = ceil(1e17 / p5), hi = floor(1e18 / p5);
        if (hi > 9007199254740991.0) hi = 9007199254740991.0;
        if (lo > hi) continue;
        uint64_t v = (uint64_t)lo + next() % ((uint64_t)(hi - lo) + 1);
        v |= 1; /* odd: the last decimal digit of v * 5^j is a 5 */
        if ((double)v > hi) v -= 2;
        double x = ldexp((double)v, -j);
        around(x);
        same(x * 1e-3);
        same(x * 1e10);
    }
    /* large integers (2^53 .. 2^68, beyond the exact 64-bit range too) and their neighbours */
    for (long i = 0; i < n; i++) {
        double x = ldexp((double)(next() >> 11), (int)(next() % 16));
        around(x);
    }
}

/* Random bit patterns over all exponents, and the values the JSON record holds. */
static void test_random(void **state_) {
    (void)state_;
    long n = rounds(400000);
    for (long i = 0; i < n; i++) {
        uint64_t bits = next();
        double x;
        memcpy(&x, &bits, sizeof x);
        same(x);
        bits = (bits & 0x800FFFFFFFFFFFFFull) | ((uint64_t)(next() % 2047) << 52); /* uniform exponent */
        memcpy(&x, &bits, sizeof x);
        same(x);
        bits &= 0x800FFFFFFFFFFFFFull; /* subnormal */
        memcpy(&x, &bits, sizeof x);
        same(x);
        same(unit());                                             /* ratios, scores in [0, 1) */
        same(unit() * 12.0);                                      /* entropies */
        same(unit() * 100.0);                                     /* percentages */
        same((double)(next() % 100000) / (double)(next() % 997 + 1)); /* ratios of counts */
        same((double)(next() % 1001) / 1000.0);                   /* k / 1000 */
        same((double)(next() % 10001) / 100.0);                   /* k / 100 */
        same((double)(next() % 1000000));                         /* integers */
        same((double)(next() >> (next() % 64)));                  /* integers of any size */
        same(ldexp((double)(next() >> 11), -(int)(next() % 80)));
        same(ldexp(unit(), (int)(next() % 2200) - 1100));
        double r = unit() * 1e-3; /* small positive, below the fixed notation */
        same(r);
        same(1.0 - r);
    }
}

/* The JSON form through the memo: values drawn again and again from a pool four times the memo's
 * size (hits, misses, entries replaced), neighbours differing in the last bit among them; each
 * against snprintf and ".0" for integral values, and against no memo. */
static void test_json_memo(void **state_) {
    (void)state_;
    enum { POOL = 4 * MIAIR_NUM_MEMO };
    static miair_num_memo memo[MIAIR_NUM_MEMO];
    double pool[POOL];
    for (int i = 0; i < POOL; i += 4) {
        pool[i] = unit();
        pool[i + 1] = nextafter(pool[i], INFINITY);
        pool[i + 2] = (double)(next() % 1000) / (double)(next() % 7 + 1);
        pool[i + 3] = i % 8 ? -(double)(next() % 100000) : ldexp(unit(), (int)(next() % 200) - 100);
    }
    for (long k = 0; k < rounds(200000); k++) {
        const double x = pool[next() % POOL];
        char a[64], b[64], c[64];
        size_t n = miair_fmt_json_double(memo, a, x), m = miair_fmt_json_double(NULL, c, x);
        int len = snprintf(b, sizeof b, "%.17g", x);
        if (x == trunc(x) && fabs(x) < 1e17) len += snprintf(b + len, sizeof b - (size_t)len, ".0");
        checked++;
        if (n != (size_t)len || memcmp(a, b, n)) fail_msg("%a: got %.*s, expected %s", x, (int)n, a, b);
        if (m != (size_t)len || memcmp(c, b, m)) fail_msg("%a: got %.*s without memo, expected %s", x, (int)m, c, b);
    }
}

static void test_integers(void **state_) {
    (void)state_;
    char a[32], b[32];
    static const uint64_t v[] = {0, 1, 9, 10, 99, 100, 12345, 4294967295ull, 18446744073709551615ull};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        miair_fmt_u64(a, v[i]);
        snprintf(b, sizeof b, "%llu", (unsigned long long)v[i]);
        assert_string_equal(a, b);
    }
    for (int i = 0; i < 100000; i++) {
        uint64_t x = next() >> (next() % 64);
        miair_fmt_u64(a, x);
        snprintf(b, sizeof b, "%llu", (unsigned long long)x);
        assert_string_equal(a, b);
    }
}

static int report(void **state_) {
    (void)state_;
    printf("numfmt: %ld doubles compared with snprintf\n", checked);
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_fixed), cmocka_unit_test(test_ties),
                                       cmocka_unit_test(test_random), cmocka_unit_test(test_json_memo),
                                       cmocka_unit_test(test_integers)};
    return cmocka_run_group_tests(tests, NULL, report);
}
