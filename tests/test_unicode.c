/* Unit tests of runtime/unicode.c against facts of Python 3.11
 * (expected values checked with bytes.decode / str.lower / str.is*). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "unicode.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers ----------------------------------------------------------- */

static void check_decode(const char *bytes, size_t nb, const uint32_t *exp, size_t ne)
{
    uint32_t out[256];
    assert_true(nb <= N_OF(out));
    size_t n = miair_utf8_decode((const uint8_t *)bytes, nb, out);
    if (n != ne) {
        print_error("decode: %zu code points, expected %zu\n", n, ne);
        fail();
    }
    for (size_t i = 0; i < n; i++) {
        if (out[i] != exp[i]) {
            print_error("decode: cp %zu is U+%04X, expected U+%04X\n", i,
                        (unsigned)out[i], (unsigned)exp[i]);
            fail();
        }
    }
}

#define DEC(lit, ...)                                                      \
    do {                                                                   \
        static const uint32_t e_[] = {__VA_ARGS__};                        \
        check_decode(lit, sizeof(lit) - 1, e_, N_OF(e_));                  \
    } while (0)

static void check_lower(const uint32_t *in, size_t n, const uint32_t *exp, size_t ne)
{
    uint32_t out[64];
    assert_true(2 * n <= N_OF(out));
    size_t m = miair_lower(in, n, out);
    if (m != ne) {
        print_error("lower: %zu code points, expected %zu\n", m, ne);
        fail();
    }
    for (size_t i = 0; i < m; i++) {
        if (out[i] != exp[i]) {
            print_error("lower: cp %zu is U+%04X, expected U+%04X\n", i,
                        (unsigned)out[i], (unsigned)exp[i]);
            fail();
        }
    }
}

#define LOW(in_list, exp_list)                                             \
    do {                                                                   \
        static const uint32_t i_[] = in_list;                              \
        static const uint32_t e_[] = exp_list;                             \
        check_lower(i_, N_OF(i_), e_, N_OF(e_));                           \
    } while (0)
#define L(...) {__VA_ARGS__}

#define FFFD 0xFFFDu

/* ---- decoder ----------------------------------------------------------- */

static void test_decode_valid(void **state)
{
    (void)state;
    DEC("a", 0x61);
    DEC("\xC2\x80\xDF\xBF", 0x80, 0x7FF);
    DEC("\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80\xEF\xBF\xBF", 0x800, 0xD7FF, 0xE000, 0xFFFF);
    DEC("\xF0\x90\x80\x80\xF4\x8F\xBF\xBF", 0x10000, 0x10FFFF);
    DEC("\xCE\xA3\xC4\xB0", 0x3A3, 0x130);
    uint32_t out[1];
    assert_int_equal(miair_utf8_decode((const uint8_t *)"", 0, out), 0);
}

static void test_decode_nul_bom(void **state)
{
    (void)state;
    DEC("a\0b", 0x61, 0x00, 0x62);
    DEC("\0", 0x00);
    DEC("\xEF\xBB\xBFx", 0xFEFF, 0x78);   /* a BOM stays a character */
    DEC("x\xEF\xBB\xBF", 0x78, 0xFEFF);
}

static void test_decode_invalid_lead(void **state)
{
    (void)state;
    DEC("\x80", FFFD);                  /* lone continuation bytes */
    DEC("\x80\xBF", FFFD, FFFD);
    DEC("\xC0\x80", FFFD, FFFD);        /* C0, C1 never valid */
    DEC("\xC1\xBF", FFFD, FFFD);
    DEC("\xF5\x80", FFFD, FFFD);        /* F5..FF never valid */
    DEC("\xF8\x88\x80\x80\x80", FFFD, FFFD, FFFD, FFFD, FFFD);
    DEC("\xFE\xFFz", FFFD, FFFD, 0x7A);
}

static void test_decode_second_byte_ranges(void **state)
{
    (void)state;
    DEC("\xE0\x80\x80", FFFD, FFFD, FFFD);          /* E0 needs A0..BF */
    DEC("\xE0\x9F\xBF", FFFD, FFFD, FFFD);
    DEC("\xED\xA0\x80", FFFD, FFFD, FFFD);          /* ED needs 80..9F */
    DEC("\xED\xBF\xBF", FFFD, FFFD, FFFD);
    DEC("\xF0\x8F\xBF\xBF", FFFD, FFFD, FFFD, FFFD); /* F0 needs 90..BF */
    DEC("\xF4\x90\x80\x80", FFFD, FFFD, FFFD, FFFD); /* F4 needs 80..8F */
}

static void test_decode_maximal_subpart(void **state)
{
    (void)state;
    DEC("\xC2\x41", FFFD, 0x41);
    DEC("\xE1\x80\x41", FFFD, 0x41);                /* E1 80 is one subpart */
    DEC("\xF1\x80\x80\x41", FFFD, 0x41);            /* F1 80 80 too */
    DEC("\xF1\x80\xC2\x80", FFFD, 0x80);
    DEC("\xE1\xE1\x80\x80", FFFD, 0x1000);
    DEC("\xF0\x90\x80\xF0\x90\x80\x80", FFFD, 0x10000);
}

static void test_decode_truncated_at_end(void **state)
{
    (void)state;
    DEC("\xC3", FFFD);
    DEC("a\xE2\x82", 0x61, FFFD);
    DEC("\xE2", FFFD);
    DEC("\xF0\x9F\x98", FFFD);
    DEC("\xF0\x9F", FFFD);
    DEC("\xF0", FFFD);
    DEC("\xED\xA0", FFFD, FFFD);    /* not a valid prefix: two subparts */
    DEC("\xE0\x9F", FFFD, FFFD);
    DEC("\xF0\x8F", FFFD, FFFD);
}

static void test_decode_fast_path(void **state)
{
    (void)state;
    DEC("abcdefghijklmnop\x80qrstuvwxyz01234\xCE\xA3",
        'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p',
        FFFD, 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', '0', '1', '2', '3', '4',
        0x3A3);
    DEC("1234567\xC3\xA9" "abcdefgh\xE2\x82", '1', '2', '3', '4', '5', '6', '7', 0xE9,
        'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', FFFD);
}

static void test_encode_roundtrip(void **state)
{
    (void)state;
    static const uint32_t cps[] = {0x0, 0x41, 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000,
                                   0xFEFF, 0xFFFD, 0xFFFF, 0x10000, 0x10FFFF};
    uint8_t buf[4 * N_OF(cps)];
    uint32_t back[N_OF(buf)];
    size_t nb = miair_utf8_encode(cps, N_OF(cps), buf);
    assert_int_equal(nb, 1 + 1 + 1 + 2 + 2 + 3 + 3 + 3 + 3 + 3 + 3 + 4 + 4);
    assert_memory_equal(buf + 1, "A\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80", 9);
    size_t n = miair_utf8_decode(buf, nb, back);
    assert_int_equal(n, N_OF(cps));
    assert_memory_equal(back, cps, sizeof cps);
}

/* ---- lower ------------------------------------------------------------- */

static void test_lower_dotted_capital_i(void **state)
{
    (void)state;
    LOW(L(0x130), L(0x69, 0x307));
    LOW(L(0x130, 0x41, 0x130), L(0x69, 0x307, 0x61, 0x69, 0x307));
    uint32_t out[2];
    assert_int_equal(miair_uc_lower(0x130, out), 2);
    assert_int_equal(out[0], 0x69);
    assert_int_equal(out[1], 0x307);
    assert_int_equal(miair_uc_lower(0x49, out), 1);
    assert_int_equal(out[0], 0x69);
    assert_int_equal(miair_uc_lower(0x3A3, out), 1);  /* out of context */
    assert_int_equal(out[0], 0x3C3);
}

static void test_lower_final_sigma(void **state)
{
    (void)state;
    /* ΟΔΟΣ -> οδος */
    LOW(L(0x39F, 0x394, 0x39F, 0x3A3), L(0x3BF, 0x3B4, 0x3BF, 0x3C2));
    /* "ΑΣ." -> "ας." ('.' is case-ignorable, then the end) */
    LOW(L(0x391, 0x3A3, 0x2E), L(0x3B1, 0x3C2, 0x2E));
    /* "Σ" alone -> σ */
    LOW(L(0x3A3), L(0x3C3));
    /* "AΣ'B" -> "aσ'b": the apostrophe is skipped, B is cased */
    LOW(L(0x41, 0x3A3, 0x27, 0x42), L(0x61, 0x3C3, 0x27, 0x62));
    /* Σ + combining acute + letter -> σ; without the letter -> ς */
    LOW(L(0x41, 0x3A3, 0x301, 0x42), L(0x61, 0x3C3, 0x301, 0x62));
    LOW(L(0x41, 0x3A3, 0x301), L(0x61, 0x3C2, 0x301));
    LOW(L(0x41, 0x3A3, 0x301, 0x20, 0x42), L(0x61, 0x3C2, 0x301, 0x20, 0x62));
    /* look-back skips ignorables; a leading ignorable alone is not cased */
    LOW(L(0x41, 0x27, 0xAD, 0x3A3), L(0x61, 0x27, 0xAD, 0x3C2));
    LOW(L(0x27, 0x3A3), L(0x27, 0x3C3));
    LOW(L(0x20, 0x3A3, 0x41), L(0x20, 0x3C3, 0x61));
    /* ΣΣ: the first is followed by a cased letter, the second ends */
    LOW(L(0x3A3, 0x3A3), L(0x3C3, 0x3C2));
    LOW(L(0x41, 0x3A3, 0x3A3), L(0x61, 0x3C3, 0x3C2));
    /* ΑΣ Β -> ας β */
    LOW(L(0x391, 0x3A3, 0x20, 0x392), L(0x3B1, 0x3C2, 0x20, 0x3B2));
    /* U+0345 is cased but case-ignorable: skipped, so not a "cased before" */
    LOW(L(0x345, 0x3A3), L(0x345, 0x3C3));
    /* beyond Unicode passes through and counts as OTHER */
    LOW(L(0x41, 0x3A3, 0x110000), L(0x61, 0x3C2, 0x110000));
}

static void test_lower_mappings(void **state)
{
    (void)state;
    LOW(L(0x41, 0x5A, 0x61, 0x40, 0x5B, 0xC0, 0xDF, 0x1E9E, 0x2126, 0x212A, 0x2160,
          0x24B6, 0x10400, 0x1C5),
        L(0x61, 0x7A, 0x61, 0x40, 0x5B, 0xE0, 0xDF, 0xDF, 0x3C9, 0x6B, 0x2170,
          0x24D0, 0x10428, 0x1C6));
    size_t n = miair_lower(NULL, 0, NULL);
    assert_int_equal(n, 0);
}

/* ---- predicates -------------------------------------------------------- */

static void test_predicates(void **state)
{
    (void)state;
    /* isspace */
    static const uint32_t spaces[] = {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F,
                                      0x20, 0x85, 0xA0, 0x1680, 0x2000, 0x200A, 0x2028,
                                      0x2029, 0x202F, 0x205F, 0x3000};
    for (size_t i = 0; i < N_OF(spaces); i++) {
        assert_true(miair_uc_isspace(spaces[i]));
        assert_false(miair_uc_isword(spaces[i]));
    }
    static const uint32_t not_spaces[] = {0x00, 0x08, 0x0E, 0x1B, 0x21, 0x180E, 0x200B,
                                          0xFEFF, 0x110000, 0xFFFFFFFFu};
    for (size_t i = 0; i < N_OF(not_spaces); i++)
        assert_false(miair_uc_isspace(not_spaces[i]));

    /* \w = isalnum or '_' */
    static const uint32_t words[] = {'0', '9', 'a', 'Z', '_', 0xAA, 0xB2, 0xDF, 0x2B0,
                                     0x660, 0x2160, 0x3A3, 0x4E2D, 0x10400};
    for (size_t i = 0; i < N_OF(words); i++)
        assert_true(miair_uc_isword(words[i]));
    static const uint32_t not_words[] = {'-', '\'', '.', ' ', 0x24B6, 0x300, 0x345,
                                         0xAD, 0x200B, 0x110000};
    for (size_t i = 0; i < N_OF(not_words); i++)
        assert_false(miair_uc_isword(not_words[i]));

    /* isupper */
    assert_true(miair_uc_isupper('A'));
    assert_true(miair_uc_isupper(0x2160));   /* Other_Uppercase */
    assert_true(miair_uc_isupper(0x24B6));
    assert_true(miair_uc_isupper(0x130));
    assert_false(miair_uc_isupper('a'));
    assert_false(miair_uc_isupper(0xAA));
    assert_false(miair_uc_isupper(0x1C5));   /* titlecase is not upper */
    assert_false(miair_uc_isupper('1'));
    assert_false(miair_uc_isupper(0x110000));

    /* final-sigma classes */
    assert_int_equal(miair_uc_sigma_class('A'), MIAIR_SIGMA_CASED);
    assert_int_equal(miair_uc_sigma_class(0xAA), MIAIR_SIGMA_CASED);
    assert_int_equal(miair_uc_sigma_class(0x2160), MIAIR_SIGMA_CASED);
    assert_int_equal(miair_uc_sigma_class('\''), MIAIR_SIGMA_IGNORABLE);
    assert_int_equal(miair_uc_sigma_class('.'), MIAIR_SIGMA_IGNORABLE);
    assert_int_equal(miair_uc_sigma_class(0xAD), MIAIR_SIGMA_IGNORABLE);
    assert_int_equal(miair_uc_sigma_class(0x301), MIAIR_SIGMA_IGNORABLE);
    assert_int_equal(miair_uc_sigma_class(0x345), MIAIR_SIGMA_IGNORABLE);
    assert_int_equal(miair_uc_sigma_class(0x200B), MIAIR_SIGMA_IGNORABLE);
    assert_int_equal(miair_uc_sigma_class(' '), MIAIR_SIGMA_OTHER);
    assert_int_equal(miair_uc_sigma_class('1'), MIAIR_SIGMA_OTHER);
    assert_int_equal(miair_uc_sigma_class('_'), MIAIR_SIGMA_OTHER);
    assert_int_equal(miair_uc_sigma_class(0x110000), MIAIR_SIGMA_OTHER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_valid),
        cmocka_unit_test(test_decode_nul_bom),
        cmocka_unit_test(test_decode_invalid_lead),
        cmocka_unit_test(test_decode_second_byte_ranges),
        cmocka_unit_test(test_decode_maximal_subpart),
        cmocka_unit_test(test_decode_truncated_at_end),
        cmocka_unit_test(test_decode_fast_path),
        cmocka_unit_test(test_encode_roundtrip),
        cmocka_unit_test(test_lower_dotted_capital_i),
        cmocka_unit_test(test_lower_final_sigma),
        cmocka_unit_test(test_lower_mappings),
        cmocka_unit_test(test_predicates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
