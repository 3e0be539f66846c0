/* Unit tests of runtime/pyre.c: Python `re` patterns translated to PCRE2 and
 * iterated like re.finditer.
 *
 * Every expected list of (start, end) below is what Python 3.11 returns for
 * [(m.start(), m.end()) for m in re.finditer(PATTERN, SUBJECT, FLAGS)]
 * (code-point offsets), checked with python3 when this file was written. The
 * exhaustive class tests compare with runtime/unicode.h, whose tables are in
 * turn checked against Python by the unicode_exhaustive test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pyre.h"
#include "unicode.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))
#define ICASE MIAIR_PYRE_IGNORECASE
#define MULTI MIAIR_PYRE_MULTILINE

static miair_pyre_scratch g_scratch;

static int setup_scratch(void **state)
{
    (void)state;
    return miair_pyre_scratch_init(&g_scratch);
}

static int teardown_scratch(void **state)
{
    (void)state;
    miair_pyre_scratch_release(&g_scratch);
    return 0;
}

/* ---- helpers ----------------------------------------------------------- */

static void compile_ok(miair_pyre *re, const char *py, unsigned flags)
{
    char err[256] = "";
    int rc = miair_pyre_compile(re, py, flags, err, sizeof err);
    if (rc != 0) {
        print_error("pattern %s (flags %u) did not compile: %s\n", py, flags, err);
        fail();
    }
    assert_non_null(re->code);
}

/* Code-point offset of byte offset b in valid UTF-8 s. */
static size_t cp_offset(const uint8_t *s, size_t b)
{
    size_t c = 0;
    for (size_t i = 0; i < b; i++) c += (s[i] & 0xC0) != 0x80;
    return c;
}

typedef struct {
    size_t start, end;
} span;

/* Runs finditer of py over subj (nb bytes, may hold NUL) and compares the
 * code-point spans with exp. */
static void check_finditer(const char *py, unsigned flags, const char *subj, size_t nb, const span *exp,
                           size_t nexp)
{
    miair_pyre re;
    compile_ok(&re, py, flags);
    miair_pyre_iter it;
    miair_pyre_iter_init(&it, &re, &g_scratch, (const uint8_t *)subj, nb);
    const size_t *ov;
    size_t k = 0;
    int rc;
    int bad = 0;
    while ((rc = miair_pyre_next(&it, &ov)) > 0) {
        size_t s = cp_offset((const uint8_t *)subj, ov[0]), e = cp_offset((const uint8_t *)subj, ov[1]);
        if (k >= nexp) {
            print_error("%s: extra match %zu (%zu,%zu)\n", py, k, s, e);
            bad = 1;
        } else if (exp[k].start != s || exp[k].end != e) {
            print_error("%s: match %zu is (%zu,%zu), expected (%zu,%zu)\n", py, k, s, e, exp[k].start,
                        exp[k].end);
            bad = 1;
        }
        k++;
        if (k > nexp + 10) break;
    }
    assert_int_equal(rc < 0 ? -1 : 0, 0);
    if (k != nexp) {
        print_error("%s: %zu matches, expected %zu\n", py, k, nexp);
        bad = 1;
    }
    /* miair_pyre_count agrees with the iteration */
    if (!bad) assert_int_equal(miair_pyre_count(&re, &g_scratch, (const uint8_t *)subj, nb), (long)nexp);
    miair_pyre_release(&re);
    if (bad) fail();
}

/* FI(pattern, flags, subject literal, {s,e}, ...): subject length from sizeof, so NUL bytes count. */
#define FI(py, flags, subj, ...)                                                     \
    do {                                                                             \
        static const span e_[] = {__VA_ARGS__};                                      \
        check_finditer(py, flags, subj, sizeof(subj) - 1, e_, N_OF(e_));             \
    } while (0)
#define FI_NONE(py, flags, subj) check_finditer(py, flags, subj, sizeof(subj) - 1, NULL, 0)

static size_t enc(uint32_t c, uint8_t *out)
{
    return miair_utf8_encode(&c, 1, out);
}

/* 1 when the compiled pattern matches somewhere in the one-code-point text c. */
static int matches_cp(const miair_pyre *re, uint32_t c)
{
    uint8_t b[4];
    size_t n = enc(c, b);
    long k = miair_pyre_count(re, &g_scratch, b, n);
    if (k < 0) {
        print_error("match error at U+%04X\n", (unsigned)c);
        fail();
    }
    return k > 0;
}

/* 1 when re matches in prefix + c. */
static int matches_after(const miair_pyre *re, uint32_t prefix, uint32_t c)
{
    uint8_t b[8];
    size_t n = enc(prefix, b);
    n += enc(c, b + n);
    long k = miair_pyre_count(re, &g_scratch, b, n);
    if (k < 0) fail();
    return k > 0;
}

static int is_surrogate(uint32_t c) { return c >= 0xD800 && c <= 0xDFFF; }

/* Unicode 14.0 (Python 3.11) general category Nd, from
 * python3 -c 'import unicodedata; ... unicodedata.category(chr(c)) == "Nd"'
 * folded into ranges. */
static const uint32_t nd_ranges[][2] = {
    {0x30, 0x39},       {0x660, 0x669},     {0x6F0, 0x6F9},     {0x7C0, 0x7C9},     {0x966, 0x96F},
    {0x9E6, 0x9EF},     {0xA66, 0xA6F},     {0xAE6, 0xAEF},     {0xB66, 0xB6F},     {0xBE6, 0xBEF},
    {0xC66, 0xC6F},     {0xCE6, 0xCEF},     {0xD66, 0xD6F},     {0xDE6, 0xDEF},     {0xE50, 0xE59},
    {0xED0, 0xED9},     {0xF20, 0xF29},     {0x1040, 0x1049},   {0x1090, 0x1099},   {0x17E0, 0x17E9},
    {0x1810, 0x1819},   {0x1946, 0x194F},   {0x19D0, 0x19D9},   {0x1A80, 0x1A89},   {0x1A90, 0x1A99},
    {0x1B50, 0x1B59},   {0x1BB0, 0x1BB9},   {0x1C40, 0x1C49},   {0x1C50, 0x1C59},   {0xA620, 0xA629},
    {0xA8D0, 0xA8D9},   {0xA900, 0xA909},   {0xA9D0, 0xA9D9},   {0xA9F0, 0xA9F9},   {0xAA50, 0xAA59},
    {0xABF0, 0xABF9},   {0xFF10, 0xFF19},   {0x104A0, 0x104A9}, {0x10D30, 0x10D39}, {0x11066, 0x1106F},
    {0x110F0, 0x110F9}, {0x11136, 0x1113F}, {0x111D0, 0x111D9}, {0x112F0, 0x112F9}, {0x11450, 0x11459},
    {0x114D0, 0x114D9}, {0x11650, 0x11659}, {0x116C0, 0x116C9}, {0x11730, 0x11739}, {0x118E0, 0x118E9},
    {0x11950, 0x11959}, {0x11C50, 0x11C59}, {0x11D50, 0x11D59}, {0x11DA0, 0x11DA9}, {0x16A60, 0x16A69},
    {0x16AC0, 0x16AC9}, {0x16B50, 0x16B59}, {0x1D7CE, 0x1D7FF}, {0x1E140, 0x1E149}, {0x1E2F0, 0x1E2F9},
    {0x1E950, 0x1E959}, {0x1FBF0, 0x1FBF9},
};

static int is_nd(uint32_t c)
{
    for (size_t i = 0; i < N_OF(nd_ranges); i++)
        if (c >= nd_ranges[i][0] && c <= nd_ranges[i][1]) return 1;
    return 0;
}

/* Compares a predicate-defined class with a pattern over every scalar value. */
typedef int (*cp_pred)(uint32_t c);
static int p_word(uint32_t c) { return miair_uc_isword(c); }
static int p_nonword(uint32_t c) { return !miair_uc_isword(c); }
static int p_space(uint32_t c) { return miair_uc_isspace(c); }
static int p_nonspace(uint32_t c) { return !miair_uc_isspace(c); }
static int p_digit(uint32_t c) { return is_nd(c); }
static int p_nondigit(uint32_t c) { return !is_nd(c); }
static int p_dot(uint32_t c) { return c != '\n'; }
static int p_word_or_space(uint32_t c) { return miair_uc_isword(c) || miair_uc_isspace(c); }

static void exhaustive(const char *py, unsigned flags, cp_pred pred)
{
    miair_pyre re;
    compile_ok(&re, py, flags);
    size_t bad = 0;
    for (uint32_t c = 0; c <= 0x10FFFF; c++) {
        if (is_surrogate(c)) continue; /* never in a decoded text */
        int got = matches_cp(&re, c), want = pred(c) != 0;
        if (got != want) {
            if (bad < 10) print_error("%s: U+%04X matched=%d, expected %d\n", py, (unsigned)c, got, want);
            bad++;
        }
    }
    miair_pyre_release(&re);
    if (bad) {
        print_error("%s: %zu code points disagree\n", py, bad);
        fail();
    }
}

/* ---- exhaustive classes ------------------------------------------------ */

static void test_class_w_exhaustive(void **state)
{
    (void)state;
    exhaustive("\\A\\w\\Z", 0, p_word);
    exhaustive("\\A[\\w]\\Z", 0, p_word);
    exhaustive("\\A\\W\\Z", 0, p_nonword);
    exhaustive("\\A[^\\w]\\Z", 0, p_nonword);
}

static void test_class_s_exhaustive(void **state)
{
    (void)state;
    exhaustive("\\A\\s\\Z", 0, p_space);
    exhaustive("\\A[\\s]\\Z", 0, p_space);
    exhaustive("\\A\\S\\Z", 0, p_nonspace);
    exhaustive("\\A[\\S]\\Z", 0, p_nonspace);
    exhaustive("\\A[^\\s]\\Z", 0, p_nonspace);
    exhaustive("\\A[\\w\\s]\\Z", 0, p_word_or_space);
}

static void test_class_d_exhaustive(void **state)
{
    (void)state;
    exhaustive("\\A\\d\\Z", 0, p_digit);
    exhaustive("\\A[\\d]\\Z", 0, p_digit);
    exhaustive("\\A\\D\\Z", 0, p_nondigit);
}

static void test_dot_exhaustive(void **state)
{
    (void)state;
    exhaustive("\\A.\\Z", 0, p_dot);
    exhaustive("\\A.\\Z", MULTI, p_dot);
}

/* \b between 'a' (word) and every c; and between '-' (non-word) and every c. */
static void test_word_boundary_exhaustive(void **state)
{
    (void)state;
    miair_pyre after_word, after_word_B, after_nonword;
    compile_ok(&after_word, "\\Aa\\b", 0);
    compile_ok(&after_word_B, "\\Aa\\B", 0);
    compile_ok(&after_nonword, "\\A-\\b", 0);
    size_t bad = 0;
    for (uint32_t c = 0; c <= 0x10FFFF; c++) {
        if (is_surrogate(c)) continue;
        int w = miair_uc_isword(c);
        if (matches_after(&after_word, 'a', c) != !w || matches_after(&after_word_B, 'a', c) != w ||
            matches_after(&after_nonword, '-', c) != w) {
            if (bad < 10) print_error("\\b wrong next to U+%04X (isword=%d)\n", (unsigned)c, w);
            bad++;
        }
    }
    miair_pyre_release(&after_word);
    miair_pyre_release(&after_word_B);
    miair_pyre_release(&after_nonword);
    assert_int_equal(bad, 0);
}

/* ---- chosen facts ------------------------------------------------------ */

static void test_digits_chosen(void **state)
{
    (void)state;
    /* python3: re.finditer(r'\d+', '\u0660\u0661 \uff10 \u00b2 7') -> (0,2),(3,4),(7,8): U+00B2 is No, not Nd */
    FI("\\d+", 0, "\xd9\xa0\xd9\xa1 \xef\xbc\x90 \xc2\xb2 7", {0, 2}, {3, 4}, {7, 8});
    /* and \w accepts it: re.finditer(r'\w+', 'a_1²½Ⅻ\u0301b') -> (0,6),(7,8): U+0301 (Mn) is not \w */
    FI("\\w+", 0, "a_1\xc2\xb2\xc2\xbd\xe2\x85\xab\xcc\x81" "b", {0, 6}, {7, 8});
    /* version rule: \b(v?\d+\.\d+(?:\.\d+)?)\b with IGNORECASE on 'V1.2 v3.4.5 ١.٢' */
    FI("\\b(v?\\d+\\.\\d+(?:\\.\\d+)?)\\b", ICASE, "V1.2 v3.4.5 \xd9\xa1.\xd9\xa2", {0, 4}, {5, 11}, {12, 15});
}

static void test_word_boundary_unicode(void **state)
{
    (void)state;
    /* re.finditer(r'\b\w+\b', 'naïve café 東京 e\u0301x ǅa ١٢') */
    FI("\\b\\w+\\b", 0,
       "na\xc3\xafve caf\xc3\xa9 \xe6\x9d\xb1\xe4\xba\xac e\xcc\x81x \xc7\x85" "a \xd9\xa1\xd9\xa2",
       {0, 5}, {6, 10}, {11, 13}, {14, 15}, {16, 17}, {18, 20}, {21, 23});
    /* re.finditer(r'\b', 'é\u0301'): the combining mark is a non-word character */
    FI("\\b", 0, "\xc3\xa9\xcc\x81", {0, 0}, {1, 1});
    /* re.finditer(r'\bwort\b', 'überwort wort wortü') -> (9,13) only */
    FI("\\bwort\\b", 0, "\xc3\xbc" "berwort wort wort\xc3\xbc", {9, 13});
    /* re.finditer(r'\b', 'ab cd') */
    FI("\\b", 0, "ab cd", {0, 0}, {2, 2}, {3, 3}, {5, 5});
}

static void test_whitespace_chosen(void **state)
{
    (void)state;
    /* re.finditer(r'\s+', 'a\x1c\x1d\x1e\x1f\x85\xa0\u2000\u200a\u3000b\u200bc') -> (1,10); U+200B is not space */
    FI("\\s+", 0,
       "a\x1c\x1d\x1e\x1f\xc2\x85\xc2\xa0\xe2\x80\x80\xe2\x80\x8a\xe3\x80\x80"
       "b\xe2\x80\x8b"
       "c",
       {1, 10});
}

static void test_ignorecase(void **state)
{
    (void)state;
    /* re.finditer(r'\bis\b', 'İS ıs is IS ſ', re.I) -> (0,2),(3,5),(6,8),(9,11) */
    FI("\\bis\\b", ICASE, "\xc4\xb0S \xc4\xb1s is IS \xc5\xbf", {0, 2}, {3, 5}, {6, 8}, {9, 11});
    /* re.finditer(r'k', 'K\u212ak', re.I): the Kelvin sign folds to k */
    FI("k", ICASE, "K\xe2\x84\xaak", {0, 1}, {1, 2}, {2, 3});
    FI("K", ICASE, "K\xe2\x84\xaak", {0, 1}, {1, 2}, {2, 3});
    /* re.finditer(r'S', 'sſS', re.I) and 's' */
    FI("S", ICASE, "s\xc5\xbfS", {0, 1}, {1, 2}, {2, 3});
    FI("s", ICASE, "s\xc5\xbfS", {0, 1}, {1, 2}, {2, 3});
    /* re.finditer(r'I', 'iıİI', re.I) and 'i' */
    FI("I", ICASE, "i\xc4\xb1\xc4\xb0I", {0, 1}, {1, 2}, {2, 3}, {3, 4});
    FI("i", ICASE, "i\xc4\xb1\xc4\xb0I", {0, 1}, {1, 2}, {2, 3}, {3, 4});
    /* in classes: re.finditer(r'[a-c]+', 'xAbCd', re.I) -> (1,4); r'[^a]+' on 'aAbB' -> (2,4) */
    FI("[a-c]+", ICASE, "xAbCd", {1, 4});
    FI("[^a]+", ICASE, "aAbB", {2, 4});
    FI("[is]+", ICASE, "\xc4\xb0\xc5\xbf", {0, 2});
    /* without IGNORECASE none of that */
    FI_NONE("k", 0, "K\xe2\x84\xaa");
    FI_NONE("i", 0, "I\xc4\xb1\xc4\xb0");
    /* the rule's alternation with IGNORECASE: 'EVERYONE KNOWS', 'Just' */
    FI("\\b(obviously|clearly|simply|just|everyone knows)\\b", ICASE, "EVERYONE KNOWS. Just \xc5\xbfimply.",
       {0, 14}, {16, 20}, {21, 27});
}

/* Every ASCII letter with IGNORECASE matches exactly: its two cases, plus
 * U+0130/U+0131 for i, U+212A for k, U+017F for s (python3: for every code
 * point c, re.fullmatch(L, chr(c), re.I), for L in a-z and A-Z). Checked over
 * the BMP and the first supplementary plane. */
static void test_ignorecase_letters_exhaustive(void **state)
{
    (void)state;
    size_t bad = 0;
    for (int l = 'a'; l <= 'z'; l++) {
        for (int upper = 0; upper < 2; upper++) {
            char pat[8];
            snprintf(pat, sizeof pat, "\\A%c\\Z", upper ? l - 32 : l);
            miair_pyre re;
            compile_ok(&re, pat, ICASE);
            for (uint32_t c = 0; c < 0x20000; c++) {
                if (is_surrogate(c)) continue;
                int want = c == (uint32_t)l || c == (uint32_t)(l - 32) || (l == 'i' && (c == 0x130 || c == 0x131)) ||
                           (l == 'k' && c == 0x212A) || (l == 's' && c == 0x17F);
                if (matches_cp(&re, c) != want) {
                    if (bad < 10) print_error("%s /i: U+%04X wrong\n", pat, (unsigned)c);
                    bad++;
                }
            }
            miair_pyre_release(&re);
        }
    }
    assert_int_equal(bad, 0);
}

static void test_dot(void **state)
{
    (void)state;
    /* re.finditer('.', 'a\nb\r\0') -> (0,1),(2,3),(3,4),(4,5) */
    FI(".", 0, "a\nb\r\0", {0, 1}, {2, 3}, {3, 4}, {4, 5});
    /* re.finditer('.+', 'a\u2028b\x85c\nd') -> (0,5),(6,7): only \n stops '.' */
    FI(".+", 0, "a\xe2\x80\xa8" "b\xc2\x85" "c\nd", {0, 5}, {6, 7});
    FI_NONE(".", MULTI, "\n\n");
}

static void test_multiline_anchors(void **state)
{
    (void)state;
    /* re.finditer(r'^\w+$', 'ab\ncd\n', re.M) -> (0,2),(3,5) */
    FI("^\\w+$", MULTI, "ab\ncd\n", {0, 2}, {3, 5});
    /* re.finditer('$', 'a\nb\n', re.M) -> (1,1),(3,3),(4,4); without M -> (3,3),(4,4) */
    FI("$", MULTI, "a\nb\n", {1, 1}, {3, 3}, {4, 4});
    FI("$", 0, "a\nb\n", {3, 3}, {4, 4});
    /* re.finditer('^', 'a\nb\n') -> (0,0) */
    FI("^", 0, "a\nb\n", {0, 0});
    /* only \n is a line end: re.finditer('^b', 'a\rb', re.M) and ('a$', 'a\r\n', re.M) find nothing */
    FI_NONE("^b", MULTI, "a\rb");
    FI_NONE("a$", MULTI, "a\r\n");
    /* the header rule: '#   \n## x' is ONE match (\s+ crosses the newline) */
    FI("^#{1,6}\\s+.+", MULTI, "#   \n## x\ntext\n### y", {0, 9}, {15, 20});
    /* \A and \Z: re.finditer(r'\Aab', 'abab') -> (0,2); r'ab\Z' on 'abab\n' -> none; r'ab$' -> (2,4) */
    FI("\\Aab", 0, "abab", {0, 2});
    FI_NONE("ab\\Z", 0, "abab\n");
    FI("ab$", 0, "abab\n", {2, 4});
}

/* Python's MULTILINE
 * '^' also matches after a '\n' that ends the text:
 *   re.finditer('^', 'a\n', re.M)    -> (0,0),(2,2)
 *   re.finditer('^$', 'a\n\n', re.M) -> (2,2),(3,3)
 * PCRE2 does so with PCRE2_ALT_CIRCUMFLEX, which miair_pyre_compile() sets
 * with MULTILINE. */
static void test_multiline_caret_at_end(void **state)
{
    (void)state;
    FI("^", MULTI, "a\n", {0, 0}, {2, 2});
    FI("^$", MULTI, "a\n\n", {2, 2}, {3, 3});
}

/* Python reads 'a{,2}' as 'a{0,2}' (the translation writes {0,2}):
 *   re.finditer('a{,2}', 'aaa') -> (0,2),(2,3),(3,3)
 * PCRE2 before 10.43 (Debian's 10.42) would read '{,2}' as literal text. */
static void test_brace_without_minimum(void **state)
{
    (void)state;
    FI("a{,2}", 0, "aaa", {0, 2}, {2, 3}, {3, 3});
}

static void test_code_fences_lazy(void **state)
{
    (void)state;
    const char *py = "```[\\s\\S]*?```";
    /* re.finditer(r'```[\s\S]*?```', ...) */
    FI(py, 0, "```a``` ```b```", {0, 7}, {8, 15});
    FI(py, 0, "``````", {0, 6});
    FI_NONE(py, 0, "````");
    FI(py, 0, "`````````", {0, 6});
    FI(py, 0, "```a\n```b```\nc```", {0, 8}, {9, 17});
    /* code_without_language: ```\n[^`] */
    /* re.finditer('```\\n[^`]', ...) -> (0,5),(16,21): "```\n```" is no match, "```\n\n" is */
    FI("```\\n[^`]", MULTI, "```\nx\n```\n```py\n```\n\n```\n`", {0, 5}, {16, 21});
}

static void test_finditer_empty_matches(void **state)
{
    (void)state;
    /* Python 3.7+: re.finditer('x*', 'axx') -> (0,0),(1,3),(3,3) */
    FI("x*", 0, "axx", {0, 0}, {1, 3}, {3, 3});
    /* re.finditer('|a', 'a') -> (0,0),(0,1),(1,1) */
    FI("|a", 0, "a", {0, 0}, {0, 1}, {1, 1});
    /* re.finditer('a*?', 'aa') -> (0,0),(0,1),(1,1),(1,2),(2,2) */
    FI("a*?", 0, "aa", {0, 0}, {0, 1}, {1, 1}, {1, 2}, {2, 2});
    /* empty subject: re.finditer('x*', '') -> (0,0) */
    check_finditer("x*", 0, "", 0, (const span[]){{0, 0}}, 1);
    /* empty matches between multi-byte characters: re.finditer('x*', 'éé') */
    FI("x*", 0, "\xc3\xa9\xc3\xa9", {0, 0}, {1, 1}, {2, 2});
    /* non-overlapping, leftmost: re.finditer('aa', 'aaaaa') -> (0,2),(2,4) */
    FI("aa", 0, "aaaaa", {0, 2}, {2, 4});
    /* (?:First|Second|Third|1\)|2\)|3\)) has no word boundary: 'Firstly' matches */
    FI("(?:First|Second|Third|1\\)|2\\)|3\\))", MULTI, "Firstly 1) Secondary 3)", {0, 5}, {8, 10}, {11, 17},
       {21, 23});
}

static void test_lookarounds_and_groups(void **state)
{
    (void)state;
    /* the missing_context rule: re.finditer(r'\b(this|that|these|those)\b(?!\s+\w+)',
     * 'Use this. See that\n\nthose are; these\tfoo') -> (4,8) */
    FI("\\b(this|that|these|those)\\b(?!\\s+\\w+)", MULTI, "Use this. See that\n\nthose are; these\tfoo", {4, 8});
    /* acronyms: \b[A-Z]{2,}(?![a-z])\b on 'ABCdef ABC. ÀBC XYZé' -> (7,10) only:
     * 'ABCdef' fails the lookahead (and \b inside a word), 'ÀBC' has no \b before B, 'XYZé' no \b after Z */
    FI("\\b[A-Z]{2,}(?![a-z])\\b", MULTI, "ABCdef ABC. \xc3\x80" "BC XYZ\xc3\xa9", {7, 10});
    /* (?P<x>...) named groups: re.finditer(r'(?P<x>ab)+', 'ababx') -> (0,4) */
    FI("(?P<x>ab)+", 0, "ababx", {0, 4});
    /* lookbehind */
    FI("(?<=a)b", 0, "abcb", {1, 2});
    FI("(?<!a)b", 0, "abcb", {3, 4});
    /* capture groups are reported */
    miair_pyre re;
    compile_ok(&re, "\\[([^\\]]+)\\]\\(([^)]+)\\)", 0);
    assert_int_equal(re.capture_count, 2);
    const char *s = "see [t\xc3\xa9xt](http://x) ok";
    miair_pyre_iter it;
    miair_pyre_iter_init(&it, &re, &g_scratch, (const uint8_t *)s, strlen(s));
    const size_t *ov;
    assert_int_equal(miair_pyre_next(&it, &ov), 1);
    assert_int_equal(ov[0], 4);
    assert_int_equal(ov[2], 5);
    assert_int_equal(ov[3], 10); /* 't\xc3\xa9xt' is 5 bytes */
    assert_int_equal(ov[4], 12);
    assert_int_equal(ov[5], 20);
    assert_int_equal(miair_pyre_next(&it, &ov), 0);
    assert_int_equal(miair_pyre_next(&it, &ov), 0); /* stays at the end */
    miair_pyre_release(&re);
}

static void test_nul_in_subject(void **state)
{
    (void)state;
    /* re.finditer(r'[^.!?]+', 'ab\0cd. e\nf!') -> (0,5),(6,10) */
    FI("[^.!?]+", 0, "ab\0cd. e\nf!", {0, 5}, {6, 10});
    /* re.finditer('a.b', 'a\0b') -> (0,3) */
    FI("a.b", 0, "a\0b", {0, 3});
    /* re.finditer(r'\x00+', 'a\0\0b') -> (1,3) */
    FI("\\x00+", 0, "a\0\0b", {1, 3});
    /* matching goes past a NUL: 'x' after it is found */
    FI("x", 0, "\0\0x", {2, 3});
    /* NUL is not \w and not \s: re.finditer(r'\b\w+\b', 'ab\0cd') -> (0,2),(3,5) */
    FI("\\b\\w+\\b", 0, "ab\0cd", {0, 2}, {3, 5});
    FI_NONE("\\s", 0, "\0");
}

static void test_escapes(void **state)
{
    (void)state;
    /* \t \n \x41 \u00e9 \. \- in and out of classes */
    FI("\\t\\n", 0, "a\t\nb", {1, 3});
    FI("\\x41\\u00e9", 0, "xA\xc3\xa9", {1, 3});
    FI("[\\x41-\\x43]+", 0, "zABCD", {1, 4});
    FI("\\.\\-[\\]\\-]", 0, "a.-]b.--", {1, 4}, {5, 8});
    /* a literal non-ASCII character, with and without IGNORECASE: re.finditer('é', 'éÉ', re.I) -> (0,1),(1,2) */
    FI("\xc3\xa9", 0, "\xc3\xa9\xc3\x89", {0, 1});
    FI("\xc3\xa9", ICASE, "\xc3\xa9\xc3\x89", {0, 1}, {1, 2});
    /* quantifier braces pass through: re.finditer('a{2,3}', 'aaaaaaa') -> (0,3),(3,6) */
    FI("a{2,3}", 0, "aaaaaaa", {0, 3}, {3, 6});
    /* the translation itself is a string */
    char err[128];
    char *t = miair_pyre_translate("abc", 0, err, sizeof err);
    assert_non_null(t);
    free(t);
    t = miair_pyre_translate("", 0, err, sizeof err);
    assert_non_null(t);
    assert_string_equal(t, "");
    free(t);
}

static void test_unsupported_syntax(void **state)
{
    (void)state;
    static const struct {
        const char *py;
        unsigned flags;
    } bad[] = {
        {"(?i)abc", 0},        /* inline flags */
        {"(?#comment)", 0},    /* comments */
        {"(?P=name)", 0},      /* named backreference */
        {"\\p{L}", 0},         /* not Python syntax */
        {"\\1", 0},            /* backreference */
        {"\\", 0},             /* trailing backslash */
        {"[abc", 0},           /* unterminated class */
        {"[\\p]", 0},          /* unsupported escape in a class */
        {"[z-a]", 0},          /* bad range */
        {"[\xc3\xa0-\xc3\xbf]", ICASE}, /* caseless non-ASCII range */
        {"[\xc3\xa9]", ICASE},  /* caseless non-ASCII class item */
        {"\\x4", 0},           /* short hex escape */
        {"\\U00110000", 0},    /* beyond U+10FFFF */
        {"(abc", 0},           /* PCRE2 rejects the translation */
        {"a{3,1}", 0},         /* PCRE2 rejects the translation */
        {"*a", 0},             /* nothing to repeat */
    };
    for (size_t i = 0; i < N_OF(bad); i++) {
        char err[256];
        memset(err, 0, sizeof err);
        miair_pyre re;
        int rc = miair_pyre_compile(&re, bad[i].py, bad[i].flags, err, sizeof err);
        if (rc == 0) {
            print_error("pattern %s compiled but should be rejected\n", bad[i].py);
            miair_pyre_release(&re);
            fail();
        }
        assert_null(re.code);
        if (err[0] == 0) {
            print_error("pattern %s: no error message\n", bad[i].py);
            fail();
        }
        miair_pyre_release(&re); /* harmless after a failure */
        /* a NULL / zero-size message buffer is accepted */
        assert_int_not_equal(miair_pyre_compile(&re, bad[i].py, bad[i].flags, NULL, 0), 0);
    }
    /* translate alone reports translation errors with NULL */
    char err[64] = "";
    assert_null(miair_pyre_translate("[abc", 0, err, sizeof err));
    assert_true(strlen(err) > 0);
    assert_null(miair_pyre_translate("(?i)x", 0, err, 1)); /* truncated message buffer */
    miair_pyre_release(NULL);
}

/* Every regex of SPEC.md compiles, with and without the flags it is used with. */
static void test_spec_patterns_compile(void **state)
{
    (void)state;
    static const char *const pats[] = {
        "^#{1,6}\\s+.+",
        "```[\\s\\S]*?```",
        "\\[([^\\]]+)\\]\\(([^)]+)\\)",
        "\\b(TODO|FIXME|XXX|HACK)\\b",
        "\\[(placeholder|tbd|to be determined)\\]",
        "[^.!?]{150,}[.!?]",
        "\\b(was|were|been|being|is|are|am)\\s+\\w+ed\\b",
        "```(\\w+)",
        "^\\s*[-*+]\\s+",
        "  +",
        "\\b(v?\\d+\\.\\d+(?:\\.\\d+)?)\\b",
        "\\b(202[0-9]|201[5-9])\\b",
        "\\b(deprecated|warning|note|important)\\b",
        "\\[([^\\]]+)\\]\\(\\s*\\)",
        "^#{1,3}\\s+",
        "^(#{1,6})\\s+(.+)$",
        "\\b\\w+\\b",
        "[.!?]+",
        "\\b(in order to|at this point in time|due to the fact that|in the event that)\\b",
        "\\b[A-Z]{2,}(?![a-z])\\b",
        "\\b(deprecated|obsolete|outdated|legacy)\\b",
        "(?:First|Second|Third|1\\)|2\\)|3\\))",
        "```\\n[^`]",
        "\\b(some|many|various|certain|several)\\b",
        "\\b(this|that|these|those)\\b(?!\\s+\\w+)",
        "\\b(obviously|clearly|simply|just|everyone knows)\\b",
    };
    for (size_t i = 0; i < N_OF(pats); i++)
        for (unsigned f = 0; f < 4; f++) {
            miair_pyre re;
            compile_ok(&re, pats[i], f);
            miair_pyre_release(&re);
        }
}

/* Passive voice rule: \s+ crosses newlines, \w+ed needs a boundary after. */
static void test_passive_rule(void **state)
{
    (void)state;
    /* re.finditer(r'\b(was|were|been|being|is|are|am)\s+\w+ed\b',
     *   'It WAS\ncreated. It is tired. This is edited1. Ram was fixedé; was fixed', re.I | re.M)
     *   -> (3,14),(19,27),(62,71): 'edited1' and 'fixedé' have no \b after "ed" */
    FI("\\b(was|were|been|being|is|are|am)\\s+\\w+ed\\b", ICASE | MULTI,
       "It WAS\ncreated. It is tired. This is edited1. Ram was fixed\xc3\xa9; was fixed",
       {3, 14}, {19, 27}, {62, 71});
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digits_chosen),
        cmocka_unit_test(test_word_boundary_unicode),
        cmocka_unit_test(test_whitespace_chosen),
        cmocka_unit_test(test_ignorecase),
        cmocka_unit_test(test_dot),
        cmocka_unit_test(test_multiline_anchors),
        cmocka_unit_test(test_multiline_caret_at_end),
        cmocka_unit_test(test_brace_without_minimum),
        cmocka_unit_test(test_code_fences_lazy),
        cmocka_unit_test(test_finditer_empty_matches),
        cmocka_unit_test(test_lookarounds_and_groups),
        cmocka_unit_test(test_nul_in_subject),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_unsupported_syntax),
        cmocka_unit_test(test_spec_patterns_compile),
        cmocka_unit_test(test_passive_rule),
        cmocka_unit_test(test_class_w_exhaustive),
        cmocka_unit_test(test_class_s_exhaustive),
        cmocka_unit_test(test_class_d_exhaustive),
        cmocka_unit_test(test_dot_exhaustive),
        cmocka_unit_test(test_word_boundary_exhaustive),
        cmocka_unit_test(test_ignorecase_letters_exhaustive),
    };
    return cmocka_run_group_tests_name("pyre", tests, setup_scratch, teardown_scratch);
}
