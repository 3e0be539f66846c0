/* runtime/numfmt.c against snprintf: the same text for every double tried. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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

static void same(double x) {
    char a[64], b[64];
    size_t n = miair_fmt_double17(a, x);
    snprintf(b, sizeof b, "%.17g", x);
    if (strcmp(a, b)) fail_msg("%a: got %s, snprintf %s", x, a, b);
    assert_int_equal(n, strlen(b));
}

static void test_doubles(void **state_) {
    (void)state_;
    static const double fixed[] = {0.0, -0.0, 1.0, -1.0, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0 / 3.0, 2.0 / 3.0, 0.85,
                                   1e-4, 9.9999999999999991e-5, 1e-5, 1e16, 1e17, 9007199254740991.0,
                                   9007199254740992.0, 123456789.125, 4.835124215129412, 0.0001220703125,
                                   99999999999999999.0, 0.99999999999999989, 5e-324, 1.7976931348623157e308,
                                   NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) same(fixed[i]);
    /* random bit patterns, and random values in the ranges the record uses */
    for (int i = 0; i < 300000; i++) {
        uint64_t bits = next();
        double x;
        memcpy(&x, &bits, sizeof x);
        same(x);
        same((double)(next() >> 11) / 9007199254740992.0);          /* [0, 1) */
        same((double)(next() >> 11) / 9007199254740992.0 * 20.0);   /* entropies */
        same((double)(next() % 100000) / (double)(next() % 997 + 1)); /* ratios of counts */
        same(ldexp((double)(next() >> 11), -(int)(next() % 80)));
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

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_doubles), cmocka_unit_test(test_integers)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
