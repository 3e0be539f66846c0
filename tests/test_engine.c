/* Unit tests of the engine through the public API (include/miair.h).
 *
 * Expected values are SPEC.md facts. Simple ones are derived by hand in the
 * comments; every other number, string and whole record below was computed
 * with the Python oracle and hard-coded:
 *
 *   python3 -c 'import sys; sys.path.insert(0, "tools"); import oracle, json;
 *               print(json.dumps(oracle.analyze(TEXT)))'
 *
 * (whole records: json.dumps(oracle.record(ID, TEXT), ensure_ascii=False,
 * separators=(",", ":"))). Numbers are compared within 1e-9 absolute, as
 * SPEC.md §1 asks; records are compared token by token, numbers by value
 * (the oracle prints 0 where the C engine prints 0.0). */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "miair.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))
#define TOL 1e-9

static miair_engine *g_engine; /* default configuration */

static int setup_engine(void **state)
{
    (void)state;
    miair_status st = miair_engine_create(NULL, &g_engine);
    if (st != MIAIR_OK) print_error("miair_engine_create: %s\n", miair_status_message(st));
    return st == MIAIR_OK ? 0 : -1;
}

static int teardown_engine(void **state)
{
    (void)state;
    miair_engine_free(g_engine);
    g_engine = NULL;
    return 0;
}

/* ---- helpers ----------------------------------------------------------- */

static miair_result *analyze_with(const miair_engine *e, const void *buf, size_t len)
{
    miair_result *r = NULL;
    miair_status st = miair_analyze(e, buf, len, &r);
    if (st != MIAIR_OK) {
        print_error("miair_analyze: %s\n", miair_status_message(st));
        fail();
    }
    assert_non_null(r);
    return r;
}

static miair_result *analyze_n(const void *buf, size_t len) { return analyze_with(g_engine, buf, len); }

/* A string literal, NUL bytes included. */
#define AN(lit) analyze_n(lit, sizeof(lit) - 1)
static miair_result *analyze_s(const char *s) { return analyze_n(s, strlen(s)); }

static void near_(double got, double want, const char *what, int line)
{
    if (!(fabs(got - want) <= TOL)) {
        print_error("line %d: %s = %.17g, expected %.17g\n", line, what, got, want);
        fail();
    }
}
#define NEAR(got, want) near_((got), (want), #got, __LINE__)
#define NUM(r, f) miair_result_number((r), (f))
#define NUM_IS(r, f, want) near_(miair_result_number((r), (f)), (want), #f, __LINE__)

static void check_list_(const miair_result *r, miair_list l, const char *const *exp, size_t n, int line)
{
    size_t got = miair_result_list_size(r, l);
    int bad = got != n;
    for (size_t i = 0; i < got || i < n; i++) {
        const char *s = miair_result_list_item(r, l, i);
        const char *e = i < n ? exp[i] : NULL;
        if (!s || !e || strcmp(s, e)) {
            print_error("line %d: list %d item %zu is \"%s\", expected \"%s\"\n", line, (int)l, i, s ? s : "(none)",
                        e ? e : "(none)");
            bad = 1;
        }
    }
    if (bad) {
        print_error("line %d: list %d has %zu items, expected %zu\n", line, (int)l, got, n);
        fail();
    }
}
/* LIST(r, list, "a", "b", ...) */
#define LIST(r, l, ...)                                                  \
    do {                                                                 \
        static const char *const e_[] = {__VA_ARGS__};                   \
        check_list_((r), (l), e_, N_OF(e_), __LINE__);                   \
    } while (0)
#define LIST_EMPTY(r, l) check_list_((r), (l), NULL, 0, __LINE__)

/* Index of the pattern called name, or -1. */
static long find_pattern(const miair_result *r, const char *name)
{
    size_t n = (size_t)NUM(r, MIAIR_PATTERN_COUNT);
    for (size_t i = 0; i < n; i++) {
        miair_pattern p;
        assert_int_equal(miair_result_pattern(r, i, &p), MIAIR_OK);
        if (!strcmp(p.name, name)) return (long)i;
    }
    return -1;
}

/* Names of all patterns, in order. */
static void check_pattern_names_(const miair_result *r, const char *const *exp, size_t n, int line)
{
    size_t got = (size_t)NUM(r, MIAIR_PATTERN_COUNT);
    int bad = got != n;
    for (size_t i = 0; i < got && i < n; i++) {
        miair_pattern p;
        assert_int_equal(miair_result_pattern(r, i, &p), MIAIR_OK);
        if (strcmp(p.name, exp[i])) bad = 1;
    }
    if (bad) {
        print_error("line %d: patterns:", line);
        for (size_t i = 0; i < got; i++) {
            miair_pattern p;
            miair_result_pattern(r, i, &p);
            print_error(" %s", p.name);
        }
        print_error(" (expected %zu)\n", n);
        fail();
    }
}
#define PATTERNS(r, ...)                                                 \
    do {                                                                 \
        static const char *const e_[] = {__VA_ARGS__};                   \
        check_pattern_names_((r), e_, N_OF(e_), __LINE__);               \
    } while (0)

typedef struct {
    const char *text; /* NUL-terminated (occurrences with NUL are checked separately) */
    size_t start, end, line;
} occ_exp;

static void check_occurrences(const miair_result *r, const char *name, const occ_exp *exp, size_t n)
{
    long i = find_pattern(r, name);
    if (n == 0) {
        if (i >= 0) {
            print_error("pattern %s fired but should not\n", name);
            fail();
        }
        return;
    }
    if (i < 0) {
        print_error("pattern %s did not fire\n", name);
        fail();
    }
    miair_pattern p;
    assert_int_equal(miair_result_pattern(r, (size_t)i, &p), MIAIR_OK);
    if (p.occurrence_count != n) {
        print_error("pattern %s: %zu occurrences, expected %zu\n", name, p.occurrence_count, n);
        fail();
    }
    for (size_t j = 0; j < n; j++) {
        miair_occurrence o;
        assert_int_equal(miair_result_occurrence(r, (size_t)i, j, &o), MIAIR_OK);
        size_t el = strlen(exp[j].text);
        if (o.text_bytes != el || memcmp(o.text, exp[j].text, el) || o.start != exp[j].start ||
            o.end != exp[j].end || o.line != exp[j].line) {
            print_error("%s occurrence %zu: \"%.*s\" %zu..%zu line %zu; expected \"%s\" %zu..%zu line %zu\n", name, j,
                        (int)o.text_bytes, o.text, o.start, o.end, o.line, exp[j].text, exp[j].start, exp[j].end,
                        exp[j].line);
            fail();
        }
        assert_int_equal(o.text[o.text_bytes], 0); /* NUL-terminated as well */
    }
}

static char *to_json(const miair_result *r, const char *id, size_t id_len, size_t *len)
{
    char *out = NULL;
    size_t n = 0;
    assert_int_equal(miair_result_to_json(r, id, id_len, &out, &n), MIAIR_OK);
    assert_non_null(out);
    if (len) *len = n;
    return out;
}

static int is_num_start(char c) { return c == '-' || (c >= '0' && c <= '9'); }

/* Matches JSON text g against e: identical outside numbers; numbers (outside
 * strings) equal within 1e-9. With prefix, g may go on after e ends. Returns
 * 1 on a match, else 0 with *gat / *eat where they differ. */
static int json_match(const char *g, const char *e, int prefix, const char **gat, const char **eat)
{
    int in_str = 0;
    while (*g && *e) {
        if (!in_str && is_num_start(*g) && is_num_start(*e)) {
            char *ge, *ee;
            double a = strtod(g, &ge), b = strtod(e, &ee);
            if (!(fabs(a - b) <= TOL)) break;
            g = ge;
            e = ee;
            continue;
        }
        if (*g != *e) break;
        if (in_str && *g == '\\') {
            if (!g[1] || g[1] != e[1]) break;
            g += 2;
            e += 2;
            continue;
        }
        if (*g == '"') in_str = !in_str;
        g++;
        e++;
    }
    if (gat) *gat = g;
    if (eat) *eat = e;
    return !*e && (prefix || !*g);
}

/* The whole record got equals exp (numbers by value). */
static void json_equiv(const char *got, const char *exp)
{
    const char *g, *e;
    if (!json_match(got, exp, 0, &g, &e)) {
        print_error("JSON differs at offset %ld:\n  got      ...%.120s\n  expected ...%.120s\n", (long)(g - got), g, e);
        fail();
    }
}

/* hay holds the JSON fragment needle (numbers by value). */
static void json_contains_(const char *hay, const char *needle, int line)
{
    for (const char *h = hay; *h; h++)
        if (*h == *needle && json_match(h, needle, 1, NULL, NULL)) return;
    print_error("line %d: JSON lacks %s\n", line, needle);
    fail();
}
#define JSON_CONTAINS(hay, needle) json_contains_((hay), (needle), __LINE__)

static void assert_contains_(const char *hay, const char *needle, int line)
{
    if (!strstr(hay, needle)) {
        print_error("line %d: JSON lacks %s\n", line, needle);
        fail();
    }
}
#define CONTAINS(hay, needle) assert_contains_((hay), (needle), __LINE__)

/* The sub_scores list of one dimension, read from the JSON record. */
static size_t json_subs(const char *json, const char *dim, double *out, size_t cap)
{
    const char *p = strstr(json, "\"sub_scores\":{");
    assert_non_null(p);
    char key[64];
    snprintf(key, sizeof key, "\"%s\":[", dim);
    p = strstr(p, key);
    assert_non_null(p);
    p += strlen(key);
    size_t n = 0;
    while (*p != ']') {
        char *end;
        double v = strtod(p, &end);
        assert_true(end != p);
        assert_true(n < cap);
        out[n++] = v;
        p = end;
        if (*p == ',') p++;
    }
    return n;
}

static const char *const dims[4] = {"completeness", "clarity", "consistency", "accuracy"};

/* Builds prefix + unit * times + suffix (malloc'd). */
static char *repeat(const char *prefix, const char *unit, size_t times, const char *suffix, size_t *len)
{
    size_t lp = strlen(prefix), lu = strlen(unit), ls = strlen(suffix);
    size_t n = lp + lu * times + ls;
    char *s = malloc(n + 1);
    assert_non_null(s);
    memcpy(s, prefix, lp);
    for (size_t i = 0; i < times; i++) memcpy(s + lp + i * lu, unit, lu);
    memcpy(s + lp + lu * times, suffix, ls);
    s[n] = 0;
    if (len) *len = n;
    return s;
}

/* ---- §1 decoding ------------------------------------------------------- */

static void test_decoding(void **state)
{
    (void)state;
    /* 'a' FF FE 'b' E2 82: bytes.decode('utf-8', 'replace') = 'a\ufffd\ufffdb\ufffd' (5 code points):
     * histogram {a:1, U+FFFD:3, b:1}; words 'a', 'b' (U+FFFD is not \w) */
    miair_result *r = AN("a\xff\xfe" "b\xe2\x82");
    NUM_IS(r, MIAIR_TEXT_LENGTH, 5);
    NUM_IS(r, MIAIR_ENTROPY_CHARACTER, 1.3709505944546687); /* -(3/5 log2 3/5 + 2 * 1/5 log2 1/5) */
    NUM_IS(r, MIAIR_WORD_COUNT, 2);
    char *j = to_json(r, "d", 1, NULL);
    CONTAINS(j, "\"content_preview\":\"a\xef\xbf\xbd\xef\xbf\xbd" "b\xef\xbf\xbd\"");
    miair_free(j);
    miair_result_free(r);

    /* an encoded surrogate ED A0 80 is three maximal invalid subparts: '\ufffd\ufffd\ufffdx' */
    r = AN("\xed\xa0\x80x");
    NUM_IS(r, MIAIR_TEXT_LENGTH, 4);
    NUM_IS(r, MIAIR_ENTROPY_CHARACTER, 0.8112781244591328); /* {FFFD:3, x:1} */
    miair_result_free(r);

    /* NUL is text: 'a\0b' has 3 distinct characters, words 'a' 'b' */
    r = AN("a\x00" "b");
    NUM_IS(r, MIAIR_TEXT_LENGTH, 3);
    NUM_IS(r, MIAIR_ENTROPY_CHARACTER, log2(3.0));
    NUM_IS(r, MIAIR_REDUNDANCY, 0.0); /* 1 - log2(3)/log2(3) */
    NUM_IS(r, MIAIR_WORD_COUNT, 2);
    assert_false(miair_result_is_empty(r));
    j = to_json(r, "d", 1, NULL);
    CONTAINS(j, "\"content_preview\":\"a\\u0000b\"");
    miair_free(j);
    miair_result_free(r);

    /* a lone NUL byte is a one-character document, not an empty one */
    r = AN("\x00");
    assert_false(miair_result_is_empty(r));
    NUM_IS(r, MIAIR_TEXT_LENGTH, 1);
    NUM_IS(r, MIAIR_REDUNDANCY, 1.0);
    miair_result_free(r);

    /* the BOM stays a character (U+FEFF, not \w, not space): '\ufeffab' -> 3 code points, one word 'ab' */
    r = AN("\xef\xbb\xbf" "ab");
    NUM_IS(r, MIAIR_TEXT_LENGTH, 3);
    NUM_IS(r, MIAIR_ENTROPY_CHARACTER, log2(3.0));
    NUM_IS(r, MIAIR_WORD_COUNT, 1);
    NUM_IS(r, MIAIR_AVERAGE_WORD_LENGTH, 2.0);
    j = to_json(r, "d", 1, NULL);
    CONTAINS(j, "\"content_preview\":\"\xef\xbb\xbf" "ab\"");
    miair_free(j);
    miair_result_free(r);
}

/* ---- §2 entropy -------------------------------------------------------- */

static void test_entropy_character(void **state)
{
    (void)state;
    /* 'aab': Hc = -(2/3 log2 2/3 + 1/3 log2 1/3); U = 2 -> redundancy 1 - Hc/1; one word, one sentence */
    miair_result *r = AN("aab");
    double hc = -(2.0 / 3 * log2(2.0 / 3) + 1.0 / 3 * log2(1.0 / 3));
    NUM_IS(r, MIAIR_ENTROPY_CHARACTER, hc);
    NUM_IS(r, MIAIR_REDUNDANCY, 1.0 - hc);
    NUM_IS(r, MIAIR_ENTROPY_WORD, 0.0);
    NUM_IS(r, MIAIR_ENTROPY_SENTENCE, 0.0);
    NUM_IS(r, MIAIR_ENTROPY_AGGREGATE, 0.2 * hc / 6);
    NUM_IS(r, MIAIR_INFORMATION_DENSITY, 0.2 * hc / 6);
    NUM_IS(r, MIAIR_VOCABULARY_RICHNESS, 1.0);
    NUM_IS(r, MIAIR_AVERAGE_WORD_LENGTH, 3.0);
    miair_result_free(r);

    /* one distinct character: redundancy 1.0 (U <= 1), Hc = 0 */
    r = AN("aaaa");
    NUM_IS(r, MIAIR_REDUNDANCY, 1.0);
    NUM_IS(r, MIAIR_ENTROPY_CHARACTER, 0.0);
    NUM_IS(r, MIAIR_TEXT_LENGTH, 4);
    miair_result_free(r);
    r = AN("a");
    NUM_IS(r, MIAIR_REDUNDANCY, 1.0);
    miair_result_free(r);
    /* non-ASCII single character too */
    r = AN("\xc3\xa9\xc3\xa9\xc3\xa9");
    NUM_IS(r, MIAIR_REDUNDANCY, 1.0);
    NUM_IS(r, MIAIR_TEXT_LENGTH, 3);
    miair_result_free(r);

    /* 'a'*30 + 'b': Hc = 0.205592508185083, redundancy 0.794407491814917 (oracle) */
    r = AN("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaab");
    NUM_IS(r, MIAIR_ENTROPY_CHARACTER, 0.205592508185083);
    NUM_IS(r, MIAIR_REDUNDANCY, 0.794407491814917);
    NUM_IS(r, MIAIR_AVERAGE_WORD_LENGTH, 31.0);
    miair_result_free(r);
}

static void test_entropy_word(void **state)
{
    (void)state;
    /* 'İstanbul'.lower() = 'i\u0307stanbul': U+0307 is not \w, so words are 'i', 'stanbul':
     * 2 words, 2 distinct, Hw = 1, average length (1 + 7)/2 = 4; text_length counts the text (8) */
    miair_result *r = AN("\xc4\xb0stanbul");
    NUM_IS(r, MIAIR_TEXT_LENGTH, 8);
    NUM_IS(r, MIAIR_WORD_COUNT, 2);
    NUM_IS(r, MIAIR_UNIQUE_WORDS, 2);
    NUM_IS(r, MIAIR_ENTROPY_WORD, 1.0);
    NUM_IS(r, MIAIR_AVERAGE_WORD_LENGTH, 4.0);
    NUM_IS(r, MIAIR_ENTROPY_CHARACTER, 3.0); /* 8 distinct characters */
    miair_result_free(r);

    /* final sigma: 'ΟΔΟΣ'.lower() = 'οδος' (U+03C2 at the word end): equal to 'οδος', not to 'οδοσ' */
    r = AN("\xce\x9f\xce\x94\xce\x9f\xce\xa3 \xce\xbf\xce\xb4\xce\xbf\xcf\x82");
    NUM_IS(r, MIAIR_WORD_COUNT, 2);
    NUM_IS(r, MIAIR_UNIQUE_WORDS, 1);
    NUM_IS(r, MIAIR_ENTROPY_WORD, 0.0);
    NUM_IS(r, MIAIR_VOCABULARY_RICHNESS, 0.5);
    miair_result_free(r);
    r = AN("\xce\x9f\xce\x94\xce\x9f\xce\xa3 \xce\xbf\xce\xb4\xce\xbf\xcf\x83");
    NUM_IS(r, MIAIR_UNIQUE_WORDS, 2);
    NUM_IS(r, MIAIR_ENTROPY_WORD, 1.0);
    NUM_IS(r, MIAIR_VOCABULARY_RICHNESS, 1.0);
    miair_result_free(r);

    /* lower(): 'Word word WORD' is one word three times */
    r = AN("Word word WORD");
    NUM_IS(r, MIAIR_WORD_COUNT, 3);
    NUM_IS(r, MIAIR_UNIQUE_WORDS, 1);
    NUM_IS(r, MIAIR_VOCABULARY_RICHNESS, 1.0 / 3);
    NUM_IS(r, MIAIR_ENTROPY_CHARACTER, 3.09306920777189); /* oracle */
    miair_result_free(r);

    /* words are runs of \w: 'a_1²½Ⅻ' is one word of 6; 'e\u0301x' is two ('e', 'x') */
    r = AN("a_1\xc2\xb2\xc2\xbd\xe2\x85\xab e\xcc\x81x");
    NUM_IS(r, MIAIR_WORD_COUNT, 3);
    NUM_IS(r, MIAIR_AVERAGE_WORD_LENGTH, 8.0 / 3);
    miair_result_free(r);
}

static void test_entropy_sentence(void **state)
{
    (void)state;
    /* sentences 'One two', 'Three four five', 'Six', 'Seven eight': lengths 2,3,1,2:
     * H({2:2, 3:1, 1:1}) = 1.5, structural complexity 1.5/4; 8 distinct words: Hw = 3 */
    miair_result *r = AN("One two. Three four five! Six? Seven eight.");
    NUM_IS(r, MIAIR_ENTROPY_SENTENCE, 1.5);
    NUM_IS(r, MIAIR_STRUCTURAL_COMPLEXITY, 0.375);
    NUM_IS(r, MIAIR_ENTROPY_WORD, 3.0);
    NUM_IS(r, MIAIR_WORD_COUNT, 8);
    NUM_IS(r, MIAIR_AVERAGE_WORD_LENGTH, 4.0);
    NUM_IS(r, MIAIR_ENTROPY_CHARACTER, 3.983058791656285); /* oracle */
    /* aggregate 0.2*min(Hc/6,1) + 0.5*min(3/12,1) + 0.3*min(1.5/4,1) */
    NUM_IS(r, MIAIR_ENTROPY_AGGREGATE, 0.2 * (3.983058791656285 / 6) + 0.5 * 0.25 + 0.3 * 0.375);
    NUM_IS(r, MIAIR_ENTROPY_AGGREGATE, 0.3702686263885428); /* oracle */
    NUM_IS(r, MIAIR_INFORMATION_DENSITY, 0.3702686263885428);
    NUM_IS(r, MIAIR_REDUNDANCY, 0.07840697387629925);
    miair_result_free(r);

    /* runs of terminators split once; blank pieces are dropped: '...a!?b.' -> 'a', 'b': lengths 1,1 -> H = 0 */
    r = AN("...a!?b.");
    NUM_IS(r, MIAIR_ENTROPY_SENTENCE, 0.0);
    miair_result_free(r);
    /* 'a\u00a0b. c' -> lengths 2, 1 (NBSP is whitespace for str.split()) -> H = 1 */
    r = AN("a\xc2\xa0" "b. c");
    NUM_IS(r, MIAIR_ENTROPY_SENTENCE, 1.0);
    miair_result_free(r);
}

/* ---- the empty and the whitespace-only document -------------------------- */

static const char json_empty[] =
    "{\"document_id\":\"empty.md\",\"content_preview\":\"\",\"entropy_stats\":{\"entropy\":{\"character\":0,\"word\":0,\"s"
    "entence\":0},\"redundancy\":0,\"information_density\":0,\"vocabulary_richness\":0,\"structural_complexity\":0"
    "},\"quality_metrics\":{\"completeness\":0,\"clarity\":0,\"consistency\":0,\"accuracy\":0,\"overall\":0,\"passes_g"
    "ate\":false,\"sub_scores\":{\"completeness\":[],\"clarity\":[],\"consistency\":[],\"accuracy\":[]},\"suggestions"
    "\":[\"Major revision recommended - document needs significant improvement\",\"Add more sections and exam"
    "ples to improve completeness\",\"Include introduction, usage, and reference sections\",\"Remove TODO mar"
    "kers and placeholder content\",\"Simplify complex sentences for better readability\",\"Use active voice "
    "instead of passive voice\",\"Organize content into clear paragraphs (3-5 sentences each)\",\"Standardize"
    " terminology throughout the document\",\"Use consistent formatting for code blocks and lists\",\"Ensure "
    "header levels follow logical progression\",\"Add version information and update dates\",\"Verify and fix"
    " any broken links\",\"Include warnings for deprecated features\"]},\"patterns_summary\":{},\"improvement_p"
    "otential\":0.7,\"recommendations\":[\"Major revision recommended - document needs significant improvemen"
    "t\",\"Add more sections and examples to improve completeness\",\"Include introduction, usage, and refere"
    "nce sections\",\"Add more structure and patterns for better readability\",\"Enrich vocabulary to improve"
    " content diversity\"],\"patterns\":[],\"improvement_map\":{},\"insights\":[],\"quality_issues\":{\"completenes"
    "s\":[\"Document is empty\"],\"clarity\":[],\"consistency\":[],\"accuracy\":[]}}";

static void test_empty_document(void **state)
{
    (void)state;
    miair_result *r = analyze_n(NULL, 0); /* buf may be NULL when len is 0 */
    assert_true(miair_result_is_empty(r));
    for (int f = 0; f < MIAIR_FIELD_COUNT_; f++) {
        double want = f == MIAIR_IMPROVEMENT_POTENTIAL ? 0.7 : 0.0; /* 0.5*1 + 0.3*0 + 0.2*min(2*0.6, 1) */
        if (!(fabs(NUM(r, (miair_field)f) - want) <= TOL)) {
            print_error("field %d = %g, expected %g\n", f, NUM(r, (miair_field)f), want);
            fail();
        }
    }
    LIST(r, MIAIR_LIST_SUGGESTIONS, "Major revision recommended - document needs significant improvement",
         "Add more sections and examples to improve completeness", "Include introduction, usage, and reference sections",
         "Remove TODO markers and placeholder content", "Simplify complex sentences for better readability",
         "Use active voice instead of passive voice", "Organize content into clear paragraphs (3-5 sentences each)",
         "Standardize terminology throughout the document", "Use consistent formatting for code blocks and lists",
         "Ensure header levels follow logical progression", "Add version information and update dates",
         "Verify and fix any broken links", "Include warnings for deprecated features");
    LIST(r, MIAIR_LIST_RECOMMENDATIONS, "Major revision recommended - document needs significant improvement",
         "Add more sections and examples to improve completeness", "Include introduction, usage, and reference sections",
         "Add more structure and patterns for better readability", "Enrich vocabulary to improve content diversity");
    LIST(r, MIAIR_LIST_ISSUES_COMPLETENESS, "Document is empty");
    LIST_EMPTY(r, MIAIR_LIST_ISSUES_CLARITY);
    LIST_EMPTY(r, MIAIR_LIST_ISSUES_CONSISTENCY);
    LIST_EMPTY(r, MIAIR_LIST_ISSUES_ACCURACY);
    LIST_EMPTY(r, MIAIR_LIST_INSIGHTS); /* no rule runs: not even the "good quality" insight */
    miair_pattern p;
    assert_int_equal(miair_result_pattern(r, 0, &p), MIAIR_ERR_INVALID);
    size_t n;
    char *j = to_json(r, "empty.md", 8, &n);
    assert_int_equal(n, strlen(j));
    json_equiv(j, json_empty);
    /* docs/record.md: no aggregate and no last four entropy fields; {} summary and map */
    assert_null(strstr(j, "aggregate"));
    assert_null(strstr(j, "text_length"));
    CONTAINS(j, "\"patterns_summary\":{},");
    CONTAINS(j, "\"patterns\":[],\"improvement_map\":{},\"insights\":[],");
    miair_free(j);
    miair_result_free(r);

    /* a non-NULL buffer of length 0 is the same document */
    r = analyze_n("ignored", 0);
    assert_true(miair_result_is_empty(r));
    j = to_json(r, "empty.md", 8, NULL);
    json_equiv(j, json_empty);
    miair_free(j);
    miair_result_free(r);
}

static const char json_ws[] =
    "{\"document_id\":\"ws\",\"content_preview\":\"  \\n\\t \",\"entropy_stats\":{\"entropy\":{\"character\":1.3709505944"
    "546687,\"word\":0.0,\"sentence\":0.0,\"aggregate\":0.04569835314848896},\"redundancy\":0.13502647928207268,\""
    "information_density\":0.04569835314848896,\"vocabulary_richness\":0,\"structural_complexity\":0.0,\"text_l"
    "ength\":5,\"word_count\":0,\"unique_words\":0,\"average_word_length\":0},\"quality_metrics\":{\"completeness\":"
    "0.16666666666666666,\"clarity\":1.0,\"consistency\":0.99,\"accuracy\":0.25,\"overall\":0.6016666666666667,\"p"
    "asses_gate\":false,\"sub_scores\":{\"completeness\":[0.0,0.0,0.0,1.0,0.0,0.0],\"clarity\":[1.0],\"consistenc"
    "y\":[0.99],\"accuracy\":[0.0,0.5]},\"suggestions\":[\"Add more sections and examples to improve completene"
    "ss\",\"Include introduction, usage, and reference sections\",\"Remove TODO markers and placeholder conte"
    "nt\",\"Add version information and update dates\",\"Verify and fix any broken links\",\"Include warnings f"
    "or deprecated features\"]},\"patterns_summary\":{\"total_patterns\":2,\"high_priority\":1,\"by_type\":{\"struc"
    "tural\":2},\"overall_severity\":0.65,\"document_length\":5,\"pattern_density\":400.0},\"improvement_potentia"
    "l\":0.541078431372549,\"recommendations\":[\"Add more sections and examples to improve completeness\",\"In"
    "clude introduction, usage, and reference sections\",\"Remove TODO markers and placeholder content\",\"Ad"
    "d comprehensive introduction section (missing_introduction)\",\"Add more structure and patterns for be"
    "tter readability\"],\"patterns\":[{\"type\":\"structural\",\"name\":\"missing_introduction\",\"severity\":0.8,\"pr"
    "iority\":1,\"description\":\"Document lacks proper introduction\",\"action\":\"Add comprehensive introductio"
    "n section\",\"occurrences\":[{\"text\":\"Missing introduction section\",\"start\":0,\"end\":0,\"line\":1}]},{\"typ"
    "e\":\"structural\",\"name\":\"no_conclusion\",\"severity\":0.5,\"priority\":3,\"description\":\"Missing conclusion"
    " or summary\",\"action\":\"Add conclusion summarizing key points\",\"occurrences\":[{\"text\":\"Missing conclu"
    "sion or summary\",\"start\":4,\"end\":5,\"line\":1}]}],\"improvement_map\":{\"priority_1\":[{\"pattern\":\"missing"
    "_introduction\",\"action\":\"Add comprehensive introduction section\",\"severity\":0.8,\"occurrences\":1}],\"p"
    "riority_3\":[{\"pattern\":\"no_conclusion\",\"action\":\"Add conclusion summarizing key points\",\"severity\":0"
    ".5,\"occurrences\":1}]},\"insights\":[\"Primary improvement area: structural patterns\",\"Found 1 high-seve"
    "rity issues requiring immediate attention\"],\"quality_issues\":{\"completeness\":[\"Document too short (0"
    " words)\"],\"clarity\":[],\"consistency\":[],\"accuracy\":[]}}";

static void test_whitespace_only(void **state)
{
    (void)state;
    /* whitespace-only text is analyzed normally (SPEC §1) */
    miair_result *r = AN("  \n\t ");
    assert_false(miair_result_is_empty(r));
    NUM_IS(r, MIAIR_TEXT_LENGTH, 5);
    NUM_IS(r, MIAIR_WORD_COUNT, 0);
    NUM_IS(r, MIAIR_VOCABULARY_RICHNESS, 0.0);
    NUM_IS(r, MIAIR_AVERAGE_WORD_LENGTH, 0.0);
    NUM_IS(r, MIAIR_ENTROPY_SENTENCE, 0.0);
    PATTERNS(r, "missing_introduction", "no_conclusion");
    static const occ_exp nc[] = {{"Missing conclusion or summary", 4, 5, 1}};
    check_occurrences(r, "no_conclusion", nc, 1);
    char *j = to_json(r, "ws", 2, NULL);
    json_equiv(j, json_ws);
    miair_free(j);
    miair_result_free(r);
}

/* ---- a whole record ------------------------------------------------------ */

#define MIXED_DOC                                                                                                \
    "# Intro\n\nThe API was created in order to help, obviously. See [x](y) and [z]( ).\n\n## Usage  notes\n" \
    "TODO: Summary.\n"

static const char json_mixed[] =
    "{\"document_id\":\"mixed.md\",\"content_preview\":\"# Intro\\n\\nThe API was created in order to help, obviou"
    "sly. See [x](y) and [z]( ).\\n\\n## Usage  notes\\nTODO: Summary.\\n\",\"entropy_stats\":{\"entropy\":{\"chara"
    "cter\":4.812689086263652,\"word\":4.247927513443583,\"sentence\":0.9182958340544896,\"aggregate\":0.4062921"
    "368230244},\"redundancy\":0.09568693893345215,\"information_density\":0.4062921368230244,\"vocabulary_ric"
    "hness\":1.0,\"structural_complexity\":0.2295739585136224,\"text_length\":113,\"word_count\":19,\"unique_word"
    "s\":19,\"average_word_length\":3.8421052631578947},\"quality_metrics\":{\"completeness\":0.4319999999999999"
    "4,\"clarity\":0.5045238095238096,\"consistency\":0.7744444444444444,\"accuracy\":0.3333333333333333,\"overa"
    "ll\":0.5110753968253968,\"passes_gate\":false,\"sub_scores\":{\"completeness\":[0.4,0.0,1.0,0.9,0.042,0.25]"
    ",\"clarity\":[0.475,1.0,0.04761904761904767,0.5,0.5],\"consistency\":[0.3333333333333333,1.0,0.99],\"accu"
    "racy\":[0.0,0.5,0.5]},\"suggestions\":[\"Add more sections and examples to improve completeness\",\"Includ"
    "e introduction, usage, and reference sections\",\"Remove TODO markers and placeholder content\",\"Simpli"
    "fy complex sentences for better readability\",\"Use active voice instead of passive voice\",\"Organize c"
    "ontent into clear paragraphs (3-5 sentences each)\",\"Add version information and update dates\",\"Verif"
    "y and fix any broken links\",\"Include warnings for deprecated features\"]},\"patterns_summary\":{\"total_"
    "patterns\":6,\"high_priority\":4,\"by_type\":{\"structural\":1,\"linguistic\":2,\"technical\":2,\"semantic\":1},\""
    "overall_severity\":0.5666666666666668,\"document_length\":113,\"pattern_density\":53.097345132743364},\"im"
    "provement_potential\":0.4468505589029098,\"recommendations\":[\"Add more sections and examples to improv"
    "e completeness\",\"Include introduction, usage, and reference sections\",\"Remove TODO markers and place"
    "holder content\",\"Add comprehensive introduction section (missing_introduction)\",\"Define acronyms on "
    "first use (undefined_acronyms)\"],\"patterns\":[{\"type\":\"structural\",\"name\":\"missing_introduction\",\"sev"
    "erity\":0.8,\"priority\":1,\"description\":\"Document lacks proper introduction\",\"action\":\"Add comprehensi"
    "ve introduction section\",\"occurrences\":[{\"text\":\"Missing introduction section\",\"start\":0,\"end\":0,\"li"
    "ne\":1}]},{\"type\":\"linguistic\",\"name\":\"passive_voice_overuse\",\"severity\":0.4,\"priority\":4,\"descriptio"
    "n\":\"Excessive use of passive voice\",\"action\":\"Convert to active voice for clarity\",\"occurrences\":[{\""
    "text\":\"was created\",\"start\":17,\"end\":28,\"line\":3}]},{\"type\":\"linguistic\",\"name\":\"redundant_phrases\","
    "\"severity\":0.3,\"priority\":5,\"description\":\"Redundant or wordy phrases\",\"action\":\"Simplify to concise"
    " expressions\",\"occurrences\":[{\"text\":\"in order to\",\"start\":29,\"end\":40,\"line\":3}]},{\"type\":\"technica"
    "l\",\"name\":\"undefined_acronyms\",\"severity\":0.7,\"priority\":2,\"description\":\"Undefined acronyms or abbr"
    "eviations\",\"action\":\"Define acronyms on first use\",\"occurrences\":[{\"text\":\"API\",\"start\":13,\"end\":16,"
    "\"line\":3},{\"text\":\"TODO\",\"start\":98,\"end\":102,\"line\":6}]},{\"type\":\"technical\",\"name\":\"missing_code_e"
    "xamples\",\"severity\":0.6,\"priority\":2,\"description\":\"Technical concepts without code examples\",\"actio"
    "n\":\"Add illustrative code examples\",\"occurrences\":[{\"text\":\"Technical documentation without code exa"
    "mples\",\"start\":0,\"end\":0,\"line\":1}]},{\"type\":\"semantic\",\"name\":\"assumption_language\",\"severity\":0.6,"
    "\"priority\":2,\"description\":\"Assumptions about reader knowledge\",\"action\":\"Remove assumptions, provid"
    "e context\",\"occurrences\":[{\"text\":\"obviously\",\"start\":47,\"end\":56,\"line\":3}]}],\"improvement_map\":{\"p"
    "riority_1\":[{\"pattern\":\"missing_introduction\",\"action\":\"Add comprehensive introduction section\",\"sev"
    "erity\":0.8,\"occurrences\":1}],\"priority_2\":[{\"pattern\":\"undefined_acronyms\",\"action\":\"Define acronyms"
    " on first use\",\"severity\":0.7,\"occurrences\":2},{\"pattern\":\"missing_code_examples\",\"action\":\"Add illu"
    "strative code examples\",\"severity\":0.6,\"occurrences\":1},{\"pattern\":\"assumption_language\",\"action\":\"R"
    "emove assumptions, provide context\",\"severity\":0.6,\"occurrences\":1}],\"priority_4\":[{\"pattern\":\"passi"
    "ve_voice_overuse\",\"action\":\"Convert to active voice for clarity\",\"severity\":0.4,\"occurrences\":1}],\"p"
    "riority_5\":[{\"pattern\":\"redundant_phrases\",\"action\":\"Simplify to concise expressions\",\"severity\":0.3"
    ",\"occurrences\":1}]},\"insights\":[\"Primary improvement area: linguistic patterns\",\"Found 2 high-severi"
    "ty issues requiring immediate attention\",\"Patterns are distributed throughout the document\"],\"qualit"
    "y_issues\":{\"completeness\":[\"Found 1 TODO/FIXME markers\",\"Document too short (21 words)\"],\"clarity\":["
    "],\"consistency\":[],\"accuracy\":[\"Found 1 potentially broken links\"]}}";

static void test_mixed_record(void **state)
{
    (void)state;
    /* six patterns: the types linguistic and technical tie at 2, the first seen (linguistic) is primary;
     * recommendations: 3 suggestions + 2 priority <= 2 patterns = 5, the redundancy line is cut */
    miair_result *r = AN(MIXED_DOC);
    char *j = to_json(r, "mixed.md", 8, NULL);
    json_equiv(j, json_mixed);
    miair_free(j);
    PATTERNS(r, "missing_introduction", "passive_voice_overuse", "redundant_phrases", "undefined_acronyms",
             "missing_code_examples", "assumption_language");
    NUM_IS(r, MIAIR_PATTERN_COUNT, 6);
    NUM_IS(r, MIAIR_OCCURRENCE_COUNT, 7);
    NUM_IS(r, MIAIR_IMPROVEMENT_POTENTIAL, 0.4468505589029098);
    NUM_IS(r, MIAIR_QUALITY_OVERALL, 0.5110753968253968);
    NUM_IS(r, MIAIR_PASSES_GATE, 0);
    LIST(r, MIAIR_LIST_INSIGHTS, "Primary improvement area: linguistic patterns",
         "Found 2 high-severity issues requiring immediate attention",
         "Patterns are distributed throughout the document");
    LIST(r, MIAIR_LIST_RECOMMENDATIONS, "Add more sections and examples to improve completeness",
         "Include introduction, usage, and reference sections", "Remove TODO markers and placeholder content",
         "Add comprehensive introduction section (missing_introduction)",
         "Define acronyms on first use (undefined_acronyms)");
    miair_result_free(r);
}

/* ---- §3 quality sub-scores ------------------------------------------------ */

typedef struct {
    const char *label, *doc;
    int last_updated;
    int n[4];
    double sub[4][8];
} subs_case;

static const subs_case subs_cases[] = {
    /* 3 headers: 3/5 = 0.6; header words (1+2+3)/3/3 = 2/3; levels 1,2,3: no jump -> 1.0 */
    {"headers", "# A\n## B c\n### D e f\n", 0,
     {6, 5, 2, 2},
     {{0.6, 0.0, 0.0, 1.0, 0.018, 0.0}, {0.575, 1.0, 1.0, 0.4, 0.6666666666666666}, {1.0, 1.0}, {0.0, 0.5}}},
    /* 4 headers -> 0.8; jumps 1->3 and 1->6: J = 2 -> 0.8 */
    {"header jumps", "# A\n### B\n# C\n###### D", 0,
     {6, 5, 2, 2},
     {{0.8, 0.0, 0.0, 1.0, 0.016, 0.0}, {0.525, 1.0, 1.0, 0.4, 0.3333333333333333}, {0.8, 1.0}, {0.0, 0.5}}},
    /* '#   \n## x' is ONE header: 1/5; words of '## x' = 2 -> 2/3; D = 1 ('   ') -> 0.99 */
    {"one header", "#   \n## x", 0,
     {6, 5, 2, 2},
     {{0.2, 0.0, 0.0, 1.0, 0.006, 0.0}, {0.275, 1.0, 1.0, 0.4, 0.6666666666666666}, {1.0, 0.99}, {0.0, 0.5}}},
    /* 2 blocks -> 2/3; one ```(\w+) -> 1/2; brackets (3/3 + 2/3)/2 = 5/6 */
    {"code blocks", "```python\nf(x)\n```\n```\n[a\n```", 0,
     {6, 4, 2, 3},
     {{0.0, 0.6666666666666666, 0.0, 1.0, 0.012, 0.0}, {0.42500000000000004, 1.0, 1.0, 0.4}, {0.5, 1.0}, {0.0, 0.8333333333333333, 0.5}}},
    /* 3 links -> 1; urls 1.0, 0.5, 0.5 (' ') -> 2/3 */
    {"links", "[a](http://x) [b](page) [c]( )", 0,
     {6, 4, 1, 3},
     {{0.0, 0.0, 1.0, 1.0, 0.008, 0.0}, {0.32499999999999996, 1.0, 1.0, 0.4}, {1.0}, {0.0, 0.6666666666666666, 0.5}}},
    /* T = 3 (todos is no match), P = 2 -> 1 - 0.5 = 0.5 */
    {"todo", "TODO: x. fixme [TBD] [placeholder] todos HACK", 0,
     {6, 4, 1, 2},
     {{0.0, 0.0, 0.0, 0.5, 0.014, 0.0}, {0.30000000000000004, 1.0, 1.0, 0.7}, {1.0}, {0.0, 0.5}}},
    /* introduction, usage, example in text.lower(): 3/4 */
    {"sections", "Introduction and USAGE examples", 0,
     {6, 4, 1, 2},
     {{0.0, 0.0, 0.0, 1.0, 0.008, 0.75}, {0.32499999999999996, 1.0, 1.0, 0.4}, {1.0}, {0.0, 0.5}}},
    /* only 'email': the group counts it twice -> 1/2 */
    {"email", "email", 0,
     {6, 4, 2, 2},
     {{0.0, 0.0, 0.0, 1.0, 0.002, 0.0}, {0.17500000000000004, 1.0, 1.0, 0.4}, {0.5, 1.0}, {0.0, 0.5}}},
    /* setup 1/1, email 1/2, database 2/(1+2+2), api 2/6 -> mean 0.558333 */
    {"groups", "Email setup API api db DB database", 0,
     {6, 4, 2, 2},
     {{0.0, 0.0, 0.0, 1.0, 0.014, 0.0}, {0.475, 1.0, 1.0, 0.4}, {0.5583333333333333, 1.0}, {0.0, 0.5}}},
    /* bullets - * - + -> 2/4; D = 1 -> 0.99 */
    {"bullets", "- a\n* b\n- c\n  + d\n", 0,
     {6, 4, 2, 2},
     {{0.0, 0.0, 0.0, 1.0, 0.016, 0.0}, {0.525, 1.0, 1.0, 0.4}, {0.5, 0.99}, {0.0, 0.5}}},
    /* a code block, no ```(\w+): no language sub-score in consistency; brackets 3/3 */
    {"fences without language", "```\nx\n```", 0,
     {6, 4, 1, 3},
     {{0.0, 0.3333333333333333, 0.0, 1.0, 0.006, 0.0}, {0.275, 1.0, 1.0, 0.4}, {1.0}, {0.0, 1.0, 0.5}}},
    /* one bullet: 1/1; the bullet sub-score is present */
    {"one bullet", "- a", 0,
     {6, 4, 2, 2},
     {{0.0, 0.0, 0.0, 1.0, 0.004, 0.0}, {0.22499999999999998, 1.0, 1.0, 0.4}, {1.0, 1.0}, {0.0, 0.5}}},
    /* D = 2 -> 0.98 */
    {"spaces", "a  b   c", 0,
     {6, 4, 1, 2},
     {{0.0, 0.0, 0.0, 1.0, 0.006, 0.0}, {0.275, 1.0, 1.0, 0.4}, {0.98}, {0.0, 0.5}}},
    /* M = 3 -> min(3/2, 1) = 1 */
    {"versions", "v1.2 and 3.4.5 and 2.0", 0,
     {6, 4, 1, 2},
     {{0.0, 0.0, 0.0, 1.0, 0.01, 0.0}, {0.21500000000000008, 1.0, 1.0, 1.0}, {1.0}, {1.0, 0.5}}},
    /* years 2019 2023 2024 -> 2/3 recent */
    {"years", "2019 2023 2024 2014 2030", 0,
     {6, 4, 1, 3},
     {{0.0, 0.0, 0.0, 1.0, 0.01, 0.0}, {0.375, 1.0, 1.0, 0.4}, {1.0}, {0.0, 0.6666666666666666, 0.5}}},
    /* W = 4 ('notes' no) -> 1.0 */
    {"warnings", "Note: deprecated. WARNING important notes", 0,
     {6, 4, 1, 2},
     {{0.0, 0.0, 0.0, 1.0, 0.01, 0.0}, {0.25, 1.0, 1.0, 0.7}, {1.0}, {0.0, 1.0}}},
    /* paragraph scores 1.0, 0.4, 0.7 -> 0.7 */
    {"paragraphs", "A. B. C.\n\nD.\n\nE. F.", 0,
     {6, 4, 1, 2},
     {{0.0, 0.0, 0.0, 1.0, 0.012, 0.0}, {0.17500000000000004, 1.0, 1.0, 0.6999999999999998}, {1.0}, {0.0, 0.5}}},
    /* paragraphs of 2,5,6,7,8 sentences: 0.7, 1.0, 0.7, 0.7, 0.4 -> 0.7 */
    {"paragraph bounds", "A. B.\n\nA. B. C. D. E.\n\nA. B. C. D. E. F.\n\nA. B. C. D. E. F. G.\n\nA. B. C. D. E. F. G. H.", 0,
     {6, 4, 1, 2},
     {{0.0, 0.0, 0.0, 1.0, 0.056, 0.0}, {0.17500000000000004, 1.0, 1.0, 0.7}, {1.0}, {0.0, 0.5}}},
    /* split('\n\n') then strip: 'A' (1 piece: 0.4), 'B! C?' (2: 0.7); '\n \n' holds no separator */
    {"paragraph split", "\n\nA\n\n\nB! C?\n \n\n", 0,
     {6, 4, 1, 2},
     {{0.0, 0.0, 0.0, 1.0, 0.006, 0.0}, {0.19999999999999996, 1.0, 1.0, 0.55}, {1.0}, {0.0, 0.5}}},
    /* url scores 1 1 1 0.5 1 1 1 0.5 0.5 (prefixes and suffixes are case-sensitive) -> 7.5/9 */
    {"link urls", "[a](/abs) [b](#frag) [c](./rel) [d](../up) [e](x.md) [f](x.html) [g](x.pdf) [h](x.mdx) [i](HTTP://X)", 0,
     {6, 4, 1, 3},
     {{0.0, 0.0, 1.0, 1.0, 0.018, 0.0}, {0.2321428571428571, 1.0, 1.0, 0.7}, {1.0}, {0.0, 0.8333333333333334, 0.5}}},
    /* V = 1, 8 tokens: 1 - 20/8 < 0 -> 0 */
    {"passive", "The file was created by the new tool.", 0,
     {6, 4, 1, 2},
     {{0.0, 0.0, 0.0, 1.0, 0.016, 0.0}, {0.525, 1.0, 0.0, 0.4}, {1.0}, {0.0, 0.5}}},
    /* one sentence of 154 chars: C = 1 -> max(0, 1 - 2) = 0; mean length 31 -> 1 - 13.5/20 */
    {"complex", "word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word end.", 0,
     {6, 4, 1, 2},
     {{0.0, 0.0, 0.0, 1.0, 0.062, 0.0}, {0.32499999999999996, 0.0, 1.0, 0.4}, {1.0}, {0.0, 0.5}}},
    /* sentence lengths 2,3,1,2: mean 2 -> 1 - 15.5/20 = 0.225 */
    {"sentence length", "One two. Three four five! Six? Seven eight.", 0,
     {6, 4, 1, 2},
     {{0.0, 0.0, 0.0, 1.0, 0.016, 0.0}, {0.22499999999999998, 1.0, 1.0, 1.0}, {1.0}, {0.0, 0.5}}},
    /* has_last_updated: accuracy gets 0.9 last */
    {"last_updated", "x", 1,
     {6, 4, 1, 3},
     {{0.0, 0.0, 0.0, 1.0, 0.002, 0.0}, {0.17500000000000004, 1.0, 1.0, 0.4}, {1.0}, {0.0, 0.5, 0.9}}},
    /* no sentences, no paragraphs: clarity has the passive sub-score only */
    {"whitespace only", "  \n\t ", 0,
     {6, 1, 1, 2},
     {{0.0, 0.0, 0.0, 1.0, 0.0, 0.0}, {1.0}, {0.99}, {0.0, 0.5}}},
};

static void test_quality_subscores(void **state)
{
    (void)state;
    miair_config cfg;
    miair_config_init(&cfg);
    cfg.has_last_updated = 1;
    miair_engine *lu = NULL;
    assert_int_equal(miair_engine_create(&cfg, &lu), MIAIR_OK);
    for (size_t c = 0; c < N_OF(subs_cases); c++) {
        const subs_case *k = &subs_cases[c];
        miair_result *r = analyze_with(k->last_updated ? lu : g_engine, k->doc, strlen(k->doc));
        char *j = to_json(r, "s", 1, NULL);
        double mean[4];
        for (int d = 0; d < 4; d++) {
            double got[16];
            size_t n = json_subs(j, dims[d], got, 16);
            int bad = n != (size_t)k->n[d];
            double sum = 0;
            for (size_t i = 0; i < n && !bad; i++) {
                bad = !(fabs(got[i] - k->sub[d][i]) <= TOL);
                sum += got[i];
            }
            if (bad) {
                print_error("case \"%s\": %s sub-scores differ (%zu, expected %d):", k->label, dims[d], n, k->n[d]);
                for (size_t i = 0; i < n; i++) print_error(" %.17g", got[i]);
                print_error("\n");
                fail();
            }
            mean[d] = sum / (double)n;
        }
        /* each dimension is the mean of its sub-scores; overall the mean of the dimensions */
        NUM_IS(r, MIAIR_QUALITY_COMPLETENESS, mean[0]);
        NUM_IS(r, MIAIR_QUALITY_CLARITY, mean[1]);
        NUM_IS(r, MIAIR_QUALITY_CONSISTENCY, mean[2]);
        NUM_IS(r, MIAIR_QUALITY_ACCURACY, mean[3]);
        NUM_IS(r, MIAIR_QUALITY_OVERALL, 0.25 * (mean[0] + mean[1] + mean[2] + mean[3]));
        miair_free(j);
        miair_result_free(r);
    }
    /* has_last_updated changes nothing else */
    miair_result *a = AN("x"), *b = analyze_with(lu, "x", 1);
    NUM_IS(a, MIAIR_QUALITY_ACCURACY, 0.25);
    NUM_IS(b, MIAIR_QUALITY_ACCURACY, 1.4 / 3);
    NUM_IS(b, MIAIR_QUALITY_CLARITY, NUM(a, MIAIR_QUALITY_CLARITY));
    miair_result_free(a);
    miair_result_free(b);
    miair_engine_free(lu);
}

/* ---- §3 quality issues and suggestions ------------------------------------ */

static void test_quality_issues(void **state)
{
    (void)state;
    /* V = 1 passive in 8 tokens: r = 0.125 -> "{r:.1%}" = "12.5%" */
    miair_result *r = AN("The file was created by the new tool.");
    LIST(r, MIAIR_LIST_ISSUES_COMPLETENESS, "Document too short (8 words)");
    LIST(r, MIAIR_LIST_ISSUES_CLARITY, "High passive voice usage (12.5%)");
    LIST_EMPTY(r, MIAIR_LIST_ISSUES_CONSISTENCY);
    LIST_EMPTY(r, MIAIR_LIST_ISSUES_ACCURACY);
    miair_result_free(r);

    /* T = 4 (TODO FIXME XXX HACK), P = 1 ([tbd]), V = 2 in 11 tokens (18.2%), D = 2 */
    r = AN("TODO FIXME was fixed are tested [tbd] XXX HACK  a  b");
    LIST(r, MIAIR_LIST_ISSUES_COMPLETENESS, "Found 4 TODO/FIXME markers", "Found 1 placeholder sections",
         "Document too short (11 words)");
    LIST(r, MIAIR_LIST_ISSUES_CLARITY, "High passive voice usage (18.2%)");
    LIST_EMPTY(r, MIAIR_LIST_ISSUES_CONSISTENCY); /* D = 2 is not > 5 */
    miair_result_free(r);

    /* r = 1/10 exactly is not > 0.1 */
    r = AN("It was fixed and a b c d e f.");
    LIST_EMPTY(r, MIAIR_LIST_ISSUES_CLARITY);
    miair_result_free(r);

    /* D = 6 runs of two spaces */
    r = AN("a  b  c  d  e  f  g");
    LIST(r, MIAIR_LIST_ISSUES_CONSISTENCY, "Inconsistent spacing (6 instances)");
    miair_result_free(r);

    /* one complex sentence; two broken links */
    r = AN("word word word word word word word word word word word word word word word word word word word word "
           "word word word word word word word word word word end. [c]( ) [d]()");
    LIST(r, MIAIR_LIST_ISSUES_CLARITY, "Found 1 overly complex sentences");
    LIST(r, MIAIR_LIST_ISSUES_ACCURACY, "Found 2 potentially broken links"); /* \(\s*\): '( )' and '()' */
    miair_result_free(r);

    /* 200 tokens: not too short */
    char *doc = repeat("", "w ", 200, "", NULL);
    r = analyze_s(doc);
    LIST_EMPTY(r, MIAIR_LIST_ISSUES_COMPLETENESS);
    miair_result_free(r);
    free(doc);
    doc = repeat("", "w ", 199, "", NULL);
    r = analyze_s(doc);
    LIST(r, MIAIR_LIST_ISSUES_COMPLETENESS, "Document too short (199 words)");
    miair_result_free(r);
    free(doc);
}

/* The excellent document: every dimension high (built like the Python below).
 *   head = ("# Introduction and usage overview\n\nNote: the parser version 1.2.3 replaces v2.0 from 2024. "
 *           "See [docs](https://example.com) and [guide](./guide.md).\n\n## Example code for the parser\n\n"
 *           "```python\nprint(1)\n```\n\n```c\nf(x[0]);\n```\n\n```sh\nls {a}\n```\n\n")
 *   para = SENTENCE * 4 + "\n\n"
 *   tail = ("## Reference for all options\n\nWarning: keep the reference close. Important: read the "
 *           "summary.\n\n## Summary of the changes\n\nThe summary ends here.\n")
 *   doc = head + "## Usage of the parser tool\n\n" + para * 8 + tail */
#define EXC_HEAD                                                                                              \
    "# Introduction and usage overview\n\nNote: the parser version 1.2.3 replaces v2.0 from 2024. See "      \
    "[docs](https://example.com) and [guide](./guide.md).\n\n## Example code for the parser\n\n```python\n" \
    "print(1)\n```\n\n```c\nf(x[0]);\n```\n\n```sh\nls {a}\n```\n\n## Usage of the parser tool\n\n"
#define EXC_SENTENCE "The parser reads each input line and writes one record for every document it sees here. "
#define EXC_TAIL                                                                                                 \
    "## Reference for all options\n\nWarning: keep the reference close. Important: read the summary.\n\n## " \
    "Summary of the changes\n\nThe summary ends here.\n"

static char *build_excellent(size_t *len)
{
    char *para = repeat("", EXC_SENTENCE, 4, "\n\n", NULL);
    char *doc = repeat(EXC_HEAD, para, 8, EXC_TAIL, len);
    free(para);
    return doc;
}

static void test_excellent_document(void **state)
{
    (void)state;
    size_t len;
    char *doc = build_excellent(&len);
    assert_int_equal(len, 3248);
    miair_result *r = analyze_n(doc, len);
    NUM_IS(r, MIAIR_QUALITY_COMPLETENESS, 1.0);
    NUM_IS(r, MIAIR_QUALITY_CLARITY, 0.8844981640146881);
    NUM_IS(r, MIAIR_QUALITY_CONSISTENCY, 1.0);
    NUM_IS(r, MIAIR_QUALITY_ACCURACY, 1.0);
    NUM_IS(r, MIAIR_QUALITY_OVERALL, 0.971124541003672);
    NUM_IS(r, MIAIR_PASSES_GATE, 1);
    /* no dimension below 0.7: the "excellent" line alone */
    LIST(r, MIAIR_LIST_SUGGESTIONS, "Document quality is excellent! Minor refinements may still be possible");
    /* fewer than 3 suggestions; complex_sentences is the only priority <= 2 pattern; vocabulary < 0.3 */
    LIST(r, MIAIR_LIST_RECOMMENDATIONS, "Document quality is excellent! Minor refinements may still be possible",
         "Break into shorter, clearer sentences (complex_sentences)",
         "Enrich vocabulary to improve content diversity");
    PATTERNS(r, "unbalanced_sections", "complex_sentences", "missing_lists", "code_without_language");
    static const occ_exp ml[] = {{"1)", 197, 199, 8}}; /* the "1)" of print(1) */
    check_occurrences(r, "missing_lists", ml, 1);
    static const occ_exp us[] = {{"Section imbalance detected (std: 1106, avg: 647)", 0, 0, 1}};
    check_occurrences(r, "unbalanced_sections", us, 1);
    static const occ_exp cw[] = {{"```\n\n", 200, 205, 9}, {"```\n\n", 219, 224, 13}, {"```\n\n", 237, 242, 17}};
    check_occurrences(r, "code_without_language", cw, 3);
    LIST(r, MIAIR_LIST_INSIGHTS, "Primary improvement area: formatting patterns");
    LIST(r, MIAIR_LIST_ISSUES_CLARITY, "Found 1 overly complex sentences");
    LIST_EMPTY(r, MIAIR_LIST_ISSUES_COMPLETENESS);
    NUM_IS(r, MIAIR_IMPROVEMENT_POTENTIAL, 0.2116936735655038);
    char *j = to_json(r, "x", 1, NULL);
    CONTAINS(j, "\"passes_gate\":true");
    miair_free(j);
    miair_result_free(r);
    free(doc);
}

static void test_suggestions_order(void **state)
{
    (void)state;
    /* overall 0.4751458333333333 < 0.5: "Major revision" first, then completeness, clarity, accuracy
     * (consistency = 1.0 is not below 0.7) */
    miair_result *r = AN("The file was created by the new tool.");
    NUM_IS(r, MIAIR_QUALITY_OVERALL, 0.4751458333333333);
    LIST(r, MIAIR_LIST_SUGGESTIONS, "Major revision recommended - document needs significant improvement",
         "Add more sections and examples to improve completeness", "Include introduction, usage, and reference sections",
         "Remove TODO markers and placeholder content", "Simplify complex sentences for better readability",
         "Use active voice instead of passive voice", "Organize content into clear paragraphs (3-5 sentences each)",
         "Add version information and update dates", "Verify and fix any broken links",
         "Include warnings for deprecated features");
    miair_result_free(r);

    /* overall 0.6016666666666667: neither line; clarity 1.0 and consistency 0.99 give no lines */
    r = AN("  \n\t ");
    LIST(r, MIAIR_LIST_SUGGESTIONS, "Add more sections and examples to improve completeness",
         "Include introduction, usage, and reference sections", "Remove TODO markers and placeholder content",
         "Add version information and update dates", "Verify and fix any broken links",
         "Include warnings for deprecated features");
    miair_result_free(r);

    /* consistency below 0.7 (overall 0.4.. < 0.5): 'email' counts twice (0.5), five header jumps 1->6 (0.5),
     * no double spaces (1.0): (0.5 + 0.5 + 1)/3; its three lines come between completeness's and accuracy's */
    r = AN("email\n# a\n###### b\n# c\n###### d\n# e\n###### f\n# g\n###### h\n# i\n###### j\n");
    NUM_IS(r, MIAIR_QUALITY_CONSISTENCY, 2.0 / 3);
    LIST(r, MIAIR_LIST_SUGGESTIONS, "Major revision recommended - document needs significant improvement",
         "Add more sections and examples to improve completeness", "Include introduction, usage, and reference sections",
         "Remove TODO markers and placeholder content", "Standardize terminology throughout the document",
         "Use consistent formatting for code blocks and lists", "Ensure header levels follow logical progression",
         "Add version information and update dates", "Verify and fix any broken links",
         "Include warnings for deprecated features");
    miair_result_free(r);
}

/* ---- weights -------------------------------------------------------------- */

static miair_engine *engine_with_weights(double a, double b, double c, double d, miair_status want)
{
    miair_config cfg;
    miair_config_init(&cfg);
    cfg.weights[0] = a;
    cfg.weights[1] = b;
    cfg.weights[2] = c;
    cfg.weights[3] = d;
    miair_engine *e = NULL;
    miair_status st = miair_engine_create(&cfg, &e);
    assert_int_equal(st, want);
    if (want != MIAIR_OK) assert_null(e);
    return e;
}

static void test_weights(void **state)
{
    (void)state;
    miair_config cfg;
    miair_config_init(&cfg);
    for (int i = 0; i < 4; i++) NEAR(cfg.weights[i], 0.25);
    assert_int_equal(cfg.has_last_updated, 0);

    /* dimensions of this document (oracle): 0.16933333333333334, 0.48124999999999996, 1.0, 0.25 */
    const char doc[] = "The file was created by the new tool.";
    const double c = 0.16933333333333334, cl = 0.48124999999999996, co = 1.0, a = 0.25;

    /* weights summing to 4 are divided by 4: the default result */
    miair_engine *e = engine_with_weights(1, 1, 1, 1, MIAIR_OK);
    miair_result *r = analyze_with(e, doc, sizeof doc - 1);
    NUM_IS(r, MIAIR_QUALITY_OVERALL, 0.4751458333333333);
    miair_result_free(r);
    miair_engine_free(e);

    /* 0.3 each sums to 1.2: divided */
    e = engine_with_weights(0.3, 0.3, 0.3, 0.3, MIAIR_OK);
    r = analyze_with(e, doc, sizeof doc - 1);
    NUM_IS(r, MIAIR_QUALITY_OVERALL, 0.4751458333333333);
    miair_result_free(r);
    miair_engine_free(e);

    /* summing to 1.0005 (within 0.001): used as given, not divided */
    e = engine_with_weights(0.2505, 0.25, 0.25, 0.25, MIAIR_OK);
    r = analyze_with(e, doc, sizeof doc - 1);
    NUM_IS(r, MIAIR_QUALITY_OVERALL, 0.2505 * c + 0.25 * cl + 0.25 * co + 0.25 * a);
    assert_true(fabs(NUM(r, MIAIR_QUALITY_OVERALL) - (0.2505 * c + 0.25 * cl + 0.25 * co + 0.25 * a) / 1.0005) >
                1e-6);
    miair_result_free(r);
    miair_engine_free(e);

    /* only consistency (1.0): overall 1.0 passes the gate; three dimensions below 0.7 give their lines,
     * and "excellent" comes last */
    e = engine_with_weights(0, 0, 2, 0, MIAIR_OK);
    r = analyze_with(e, doc, sizeof doc - 1);
    NUM_IS(r, MIAIR_QUALITY_OVERALL, 1.0);
    NUM_IS(r, MIAIR_PASSES_GATE, 1);
    NUM_IS(r, MIAIR_QUALITY_COMPLETENESS, c); /* dimensions do not depend on weights */
    LIST(r, MIAIR_LIST_SUGGESTIONS, "Add more sections and examples to improve completeness",
         "Include introduction, usage, and reference sections", "Remove TODO markers and placeholder content",
         "Simplify complex sentences for better readability", "Use active voice instead of passive voice",
         "Organize content into clear paragraphs (3-5 sentences each)", "Add version information and update dates",
         "Verify and fix any broken links", "Include warnings for deprecated features",
         "Document quality is excellent! Minor refinements may still be possible");
    /* improvement potential with q = 0: 0.3 * mean severity + 0.2 * min(2 |density - 0.6|, 1) */
    double sev = 0;
    size_t np = (size_t)NUM(r, MIAIR_PATTERN_COUNT);
    assert_int_equal(np, 3); /* missing_introduction 0.8, no_conclusion 0.5, passive_voice_overuse 0.4 */
    for (size_t i = 0; i < np; i++) {
        miair_pattern p;
        assert_int_equal(miair_result_pattern(r, i, &p), MIAIR_OK);
        sev += p.severity;
    }
    double ed = 2 * fabs(NUM(r, MIAIR_INFORMATION_DENSITY) - 0.6);
    NUM_IS(r, MIAIR_IMPROVEMENT_POTENTIAL, 0.3 * (1.7 / 3) + 0.2 * (ed < 1 ? ed : 1));
    NEAR(sev, 1.7);
    miair_result_free(r);
    miair_engine_free(e);

    /* only completeness */
    e = engine_with_weights(2, 0, 0, 0, MIAIR_OK);
    r = analyze_with(e, doc, sizeof doc - 1);
    NUM_IS(r, MIAIR_QUALITY_OVERALL, c);
    assert_string_equal(miair_result_list_item(r, MIAIR_LIST_SUGGESTIONS, 0),
                        "Major revision recommended - document needs significant improvement");
    miair_result_free(r);
    /* the empty document still scores 0 whatever the weights */
    r = analyze_n(NULL, 0);
    NUM_IS(r, MIAIR_QUALITY_OVERALL, 0);
    miair_result_free(r);
    miair_engine_free(e);

    /* invalid: a negative weight, all zero, NaN, infinity */
    engine_with_weights(-0.1, 0.5, 0.3, 0.3, MIAIR_ERR_INVALID);
    engine_with_weights(0, 0, 0, 0, MIAIR_ERR_INVALID);
    engine_with_weights(NAN, 0.25, 0.25, 0.25, MIAIR_ERR_INVALID);
    engine_with_weights(INFINITY, 0.25, 0.25, 0.25, MIAIR_ERR_INVALID);
}

/* ---- §4 patterns ------------------------------------------------------------ */

typedef struct {
    const char *doc, *name;
    size_t n;
    occ_exp occ[6];
} pat_case;

static const pat_case pat_cases[] = {
    /* caseless; \s+ and \w+ed\b; offsets in code points after 'Ça a été…' */
    {"\xc3\x87" "a a \xc3\xa9t\xc3\xa9\xe2\x80\xa6 It was created.\nThey are tested. I am bored; it is red.", "passive_voice_overuse", 4, {
        {"was created", 13, 24, 1},
        {"are tested", 31, 41, 2},
        {"am bored", 45, 53, 2},
        {"is red", 58, 64, 2},
    }},
    /* [^.!?] crosses newlines: the match starts at the '\n' after 'Zürich.' (line 1) */
    {"Z\xc3\xbcrich.\nalpha beta\nalpha beta\nalpha beta\nalpha beta\nalpha beta\nalpha beta\nalpha beta\nalpha beta\nalpha beta\nalpha beta\nalpha beta\nalpha beta\nalpha beta\nalpha beta\ngamma! short.", "complex_sentences", 1, {
        {"\nalpha beta\nalpha beta\nalpha beta\nalpha beta\nalpha beta\nalpha beta\nalpha beta\nalpha beta\nalpha beta\nalpha beta\nalpha beta\nalpha beta\nalpha beta\nalpha beta\ngamma!", 7, 168, 1},
    }},
    /* caseless; 'In order toast' has no \b after 'to' */
    {"\xc3\x9c" "ber in order to, IN THE EVENT THAT x; due to the fact that. In order toast", "redundant_phrases", 3, {
        {"in order to", 5, 16, 1},
        {"IN THE EVENT THAT", 18, 35, 1},
        {"due to the fact that", 39, 59, 1},
    }},
    /* 'ABCdef' no, 'ABC.' yes, 'AB1' no (\b), 'ÀBC' no (\b), 'X' too short */
    {"\xc3\x9cn\xc3\xaf" "code ABCdef ABC. NASA's X AB1 \xc3\x80" "BC DE", "undefined_acronyms", 3, {
        {"ABC", 15, 18, 1},
        {"NASA", 20, 24, 1},
        {"DE", 37, 39, 1},
    }},
    /* caseless; 'deprecated_x' has no \b */
    {"D\xc3\xa9j\xc3\xa0 Legacy and\nOBSOLETE, deprecated_x outdated.", "outdated_references", 3, {
        {"Legacy", 5, 11, 1},
        {"OBSOLETE", 16, 24, 2},
        {"outdated", 39, 47, 2},
    }},
    /* no word boundary: 'Firstly' matches; case-sensitive: 'first' does not */
    {"\xc3\x84rger: Firstly, 2) then\nThird; first 4) 1)", "missing_lists", 4, {
        {"First", 7, 12, 1},
        {"2)", 16, 18, 1},
        {"Third", 24, 29, 2},
        {"1)", 40, 42, 2},
    }},
    /* ```\n[^`]: the opening fence only ('```\n```py' has a backtick) */
    {"\xc3\xa9\n```\ncode\n```\n```py\nx\n```", "code_without_language", 1, {
        {"```\nc", 2, 7, 2},
    }},
    /* caseless; 'severalfold' has no \b */
    {"\xc3\x9f some MANY\nVarious severalfold certain.", "vague_language", 4, {
        {"some", 2, 6, 1},
        {"MANY", 7, 11, 1},
        {"Various", 12, 19, 2},
        {"certain", 32, 39, 2},
    }},
    /* 'this' before punctuation; 'those\nthese' and 'these\n\nThis' are followed by \s+\w+; 'This' is case-sensitive */
    {"\xe2\x82\xac this. that thing, those\nthese\n\nThis.", "missing_context", 1, {
        {"this", 2, 6, 1},
    }},
    /* caseless; 'EVERYONE  KNOWS' (two spaces) is no match */
    {"\xc3\xbc Obviously, just EVERYONE  KNOWS\neveryone knows simply.", "assumption_language", 4, {
        {"Obviously", 2, 11, 1},
        {"just", 13, 17, 1},
        {"everyone knows", 34, 48, 2},
        {"simply", 49, 55, 2},
    }},
    /* pieces '', 'a\n', 'b'*15: lengths 2, 15: std 6.5, avg 8.5 -> half to even: 6, 8 */
    {"# a\n# bbbbbbbbbbbbbbb", "unbalanced_sections", 1, {
        {"Section imbalance detected (std: 6, avg: 8)", 0, 0, 1},
    }},
    /* lengths 2, 12: std 5, avg 7 */
    {"# a\n# bbbbbbbbbbbb", "unbalanced_sections", 1, {
        {"Section imbalance detected (std: 5, avg: 7)", 0, 0, 1},
    }},
    /* lengths 2, 13: std 5.5, avg 7.5 -> half to even: 6, 8 */
    {"# a\n# bbbbbbbbbbbbb", "unbalanced_sections", 1, {
        {"Section imbalance detected (std: 6, avg: 8)", 0, 0, 1},
    }},
    /* lengths 2, 3, 1: std 0.816 <= 0.7 * 2: no pattern */
    {"# a\n# bb\n# c", "unbalanced_sections", 0, {{NULL, 0, 0, 0}}},
    /* 'api', 'function' and no fence */
    {"The API function.", "missing_code_examples", 1, {
        {"Technical documentation without code examples", 0, 0, 1},
    }},
    /* a fence: no pattern */
    {"The API function.\n```\nx\n```", "missing_code_examples", 0, {{NULL, 0, 0, 0}}},
    /* ratios 3/3 and 1/3: std 1/3 > 0.3 */
    {"# Getting Started Guide\n## Next steps here\n", "inconsistent_headers", 1, {
        {"Inconsistent header capitalization", 0, 0, 1},
    }},
    /* ratios 1, 1: no pattern */
    {"# Getting Started Guide\n## Next Steps Here", "inconsistent_headers", 0, {{NULL, 0, 0, 0}}},
    /* one ratio (lower-case title skipped): std 0, no pattern */
    {"# getting started\n## Next steps here", "inconsistent_headers", 0, {{NULL, 0, 0, 0}}},
    /* IGNORECASE: U+0130 matches 'i' (Python's simple case folding); the occurrence text is non-ASCII */
    {"Caf\xc3\xa9: \xc4\xb0s tested, \xc5\xbfome \xe2\x84\xaa" "eys.", "passive_voice_overuse", 1, {
        {"\xc4\xb0s tested", 6, 15, 1},
    }},
    /* IGNORECASE: U+017F (long s) matches 's' */
    {"Caf\xc3\xa9: \xc4\xb0s tested, \xc5\xbfome \xe2\x84\xaa" "eys.", "vague_language", 1, {
        {"\xc5\xbfome", 17, 21, 1},
    }},
    /* lines count '\n' only: not '\r', U+2028 or U+0085 */
    {"x\x0d\ny\x0dsome\x0d\n\xe2\x80\xa8many\xc2\x85several\n\nvarious", "vague_language", 4, {
        {"some", 5, 9, 2},
        {"many", 12, 16, 3},
        {"several", 17, 24, 3},
        {"various", 26, 33, 5},
    }},
    /* the lower-case title is skipped: one ratio, no pattern */
    {"# Main Title Here\n## next steps here", "inconsistent_headers", 0, {{NULL, 0, 0, 0}}},
    /* start len-1 = 9, end 10, line = number of \n = 2 */
    {"\xc3\xbc" "ber x\nyy\n", "no_conclusion", 1, {
        {"Missing conclusion or summary", 9, 10, 2},
    }},
};

static void test_pattern_rules(void **state)
{
    (void)state;
    for (size_t c = 0; c < N_OF(pat_cases); c++) {
        miair_result *r = analyze_s(pat_cases[c].doc);
        check_occurrences(r, pat_cases[c].name, pat_cases[c].occ, pat_cases[c].n);
        miair_result_free(r);
    }
}

/* The fifteen rules of SPEC §4, as the patterns report them. */
static const struct {
    const char *type, *name;
    double severity;
    int priority;
    const char *description, *action;
} rules[15] = {
    {"structural", "missing_introduction", 0.8, 1, "Document lacks proper introduction",
     "Add comprehensive introduction section"},
    {"structural", "unbalanced_sections", 0.6, 3, "Section lengths are highly imbalanced",
     "Balance content across sections"},
    {"structural", "no_conclusion", 0.5, 3, "Missing conclusion or summary", "Add conclusion summarizing key points"},
    {"linguistic", "passive_voice_overuse", 0.4, 4, "Excessive use of passive voice",
     "Convert to active voice for clarity"},
    {"linguistic", "complex_sentences", 0.6, 2, "Overly complex sentences", "Break into shorter, clearer sentences"},
    {"linguistic", "redundant_phrases", 0.3, 5, "Redundant or wordy phrases", "Simplify to concise expressions"},
    {"technical", "undefined_acronyms", 0.7, 2, "Undefined acronyms or abbreviations", "Define acronyms on first use"},
    {"technical", "missing_code_examples", 0.6, 2, "Technical concepts without code examples",
     "Add illustrative code examples"},
    {"technical", "outdated_references", 0.8, 1, "References to outdated technology",
     "Update to current best practices"},
    {"formatting", "inconsistent_headers", 0.4, 4, "Inconsistent header formatting", "Standardize header formatting"},
    {"formatting", "missing_lists", 0.3, 5, "Sequential items not in list format", "Convert to proper list formatting"},
    {"formatting", "code_without_language", 0.5, 3, "Code blocks without language specification",
     "Add language identifiers to code blocks"},
    {"semantic", "vague_language", 0.4, 4, "Vague quantifiers without specifics",
     "Replace with specific quantities or examples"},
    {"semantic", "missing_context", 0.5, 3, "Unclear references lacking context", "Add explicit context to references"},
    {"semantic", "assumption_language", 0.6, 2, "Assumptions about reader knowledge",
     "Remove assumptions, provide context"},
};

static void check_rule_metadata(const miair_result *r)
{
    size_t n = (size_t)NUM(r, MIAIR_PATTERN_COUNT);
    size_t occ = 0;
    int last = -1;
    for (size_t i = 0; i < n; i++) {
        miair_pattern p;
        assert_int_equal(miair_result_pattern(r, i, &p), MIAIR_OK);
        int k = 0;
        while (k < 15 && strcmp(rules[k].name, p.name)) k++;
        assert_true(k < 15);
        assert_true(k > last); /* rule order */
        last = k;
        assert_string_equal(p.type, rules[k].type);
        assert_string_equal(p.description, rules[k].description);
        assert_string_equal(p.action, rules[k].action);
        NEAR(p.severity, rules[k].severity);
        assert_int_equal(p.priority, rules[k].priority);
        assert_true(p.occurrence_count >= 1);
        occ += p.occurrence_count;
    }
    NUM_IS(r, MIAIR_OCCURRENCE_COUNT, (double)occ);
}

/* Fourteen rules fire in one document (missing_code_examples needs no fence, code_without_language one). */
#define ALL_DOC                                                                                         \
    "# Main Title Here\n## Next steps here\n" /* header ratios 1 and 1/3 */                                 \
    "It was created in order to use some ABC, obviously this.\n"                                          \
    "Firstly the legacy thing. \n```\ncode\n```\n"                                                         \
    "word word word word word word word word word word word word word word word word word word word word " \
    "word word word word word word word word word word end.\n## Short\nx\n"

static void test_all_rules_fire(void **state)
{
    (void)state;
    miair_result *r = AN(ALL_DOC);
    PATTERNS(r, "missing_introduction", "unbalanced_sections", "no_conclusion", "passive_voice_overuse",
             "complex_sentences", "redundant_phrases", "undefined_acronyms", "outdated_references",
             "inconsistent_headers", "missing_lists", "code_without_language", "vague_language", "missing_context",
             "assumption_language");
    /* structural has 3 patterns; severity >= 0.7: missing_introduction, undefined_acronyms, outdated_references */
    LIST(r, MIAIR_LIST_INSIGHTS, "Primary improvement area: structural patterns",
         "Found 3 high-severity issues requiring immediate attention",
         "Patterns are distributed throughout the document");
    check_rule_metadata(r);
    miair_result_free(r);
    r = AN("The API function.");
    PATTERNS(r, "missing_introduction", "no_conclusion", "undefined_acronyms", "missing_code_examples");
    check_rule_metadata(r);
    miair_result_free(r);
}

static void test_spec_quirks(void **state)
{
    (void)state;
    /* '#   \n## x' is ONE header match: 1 of 5 headers; the line-2 header is not matched again */
    miair_result *r = AN("#   \n## x");
    char *j = to_json(r, "q", 1, NULL);
    double s[8];
    assert_int_equal(json_subs(j, "completeness", s, 8), 6);
    NEAR(s[0], 0.2);
    miair_free(j);
    miair_result_free(r);

    /* 'Firstly' matches missing_lists */
    r = AN("Firstly, do it.");
    static const occ_exp first[] = {{"First", 0, 5, 1}};
    check_occurrences(r, "missing_lists", first, 1);
    miair_result_free(r);

    /* acronyms: 'ABCdef' no, 'ABC.' yes */
    r = AN("ABCdef");
    assert_int_equal(find_pattern(r, "undefined_acronyms"), -1);
    miair_result_free(r);
    r = AN("ABC.");
    static const occ_exp abc[] = {{"ABC", 0, 3, 1}};
    check_occurrences(r, "undefined_acronyms", abc, 1);
    miair_result_free(r);

    /* missing_context: 'this' followed by punctuation, not 'this thing' */
    r = AN("Use this thing, then this.");
    static const occ_exp th[] = {{"this", 21, 25, 1}};
    check_occurrences(r, "missing_context", th, 1);
    miair_result_free(r);
    r = AN("this\n\n");
    static const occ_exp th2[] = {{"this", 0, 4, 1}}; /* \s+ then no \w: end of text */
    check_occurrences(r, "missing_context", th2, 1);
    miair_result_free(r);

    /* an occurrence holding NUL: 'é.\n\0' + 'a'*160 + '.': the complex sentence starts after the '.',
     * at the '\n' (code point 2), and holds the NUL */
    char *doc = repeat("\xc3\xa9.\n\x01", "a", 160, ".", NULL);
    doc[4] = 0;
    r = analyze_n(doc, 2 + 1 + 1 + 1 + 160 + 1);
    NUM_IS(r, MIAIR_TEXT_LENGTH, 165);
    long i = find_pattern(r, "complex_sentences");
    assert_true(i >= 0);
    miair_occurrence o;
    assert_int_equal(miair_result_occurrence(r, (size_t)i, 0, &o), MIAIR_OK);
    assert_int_equal(o.start, 2);
    assert_int_equal(o.end, 165);
    assert_int_equal(o.line, 1);
    assert_int_equal(o.text_bytes, 163);
    assert_int_equal(o.text[0], '\n');
    assert_int_equal(o.text[1], 0);
    assert_int_equal(o.text[2], 'a');
    assert_int_equal(o.text[162], '.');
    char *js = to_json(r, "n", 1, NULL);
    CONTAINS(js, "\"text\":\"\\n\\u0000aaaa");
    miair_free(js);
    miair_result_free(r);
    free(doc);
}

/* missing_introduction looks at text.lower()[:500], no_conclusion at text.lower()[-1000:]; lower() of U+0130
 * is two code points, so the windows are not windows of the text. */
static void test_custom_rule_windows(void **state)
{
    (void)state;
    /* 'İ'*300 + ' about': 'about' starts at 601 of the lowered text -> fires */
    char *doc = repeat("", "\xc4\xb0", 300, " about", NULL);
    miair_result *r = analyze_s(doc);
    static const occ_exp mi[] = {{"Missing introduction section", 0, 0, 1}};
    check_occurrences(r, "missing_introduction", mi, 1);
    static const occ_exp nc[] = {{"Missing conclusion or summary", 305, 306, 0}};
    check_occurrences(r, "no_conclusion", nc, 1);
    miair_result_free(r);
    free(doc);
    /* 'İ'*200 + ' about': 206 code points, but the lowered text is 406 long and 'about' (401..406) is
     * inside its first 500 -> no pattern (a window of the text's length would miss it) */
    doc = repeat("", "\xc4\xb0", 200, " about", NULL);
    r = analyze_s(doc);
    check_occurrences(r, "missing_introduction", NULL, 0);
    miair_result_free(r);
    free(doc);
    /* 'I'*300 + ' about': 'about' at 301 -> no pattern */
    doc = repeat("", "I", 300, " about", NULL);
    r = analyze_s(doc);
    check_occurrences(r, "missing_introduction", NULL, 0);
    miair_result_free(r);
    free(doc);
    /* 'about' ending exactly at 500 of the lowered text is inside; one later is outside */
    doc = repeat("", "x", 495, "about", NULL);
    r = analyze_s(doc);
    check_occurrences(r, "missing_introduction", NULL, 0);
    miair_result_free(r);
    free(doc);
    doc = repeat("", "x", 496, "about", NULL);
    r = analyze_s(doc);
    check_occurrences(r, "missing_introduction", mi, 1);
    miair_result_free(r);
    free(doc);

    /* 'SUMMARY ' + 'İ'*600: the lowered text is 1208 long, 'summary' is outside its last 1000 */
    doc = repeat("SUMMARY ", "\xc4\xb0", 600, "", NULL);
    r = analyze_s(doc);
    static const occ_exp nc2[] = {{"Missing conclusion or summary", 607, 608, 0}};
    check_occurrences(r, "no_conclusion", nc2, 1);
    miair_result_free(r);
    free(doc);
    /* 'SUMMARY ' + 'İ'*400: the lowered text is 808 long, all inside its last 1000 -> no pattern */
    doc = repeat("SUMMARY ", "\xc4\xb0", 400, "", NULL);
    r = analyze_s(doc);
    check_occurrences(r, "no_conclusion", NULL, 0);
    miair_result_free(r);
    free(doc);
    doc = repeat("SUMMARY ", "I", 600, "", NULL);
    r = analyze_s(doc);
    check_occurrences(r, "no_conclusion", NULL, 0);
    miair_result_free(r);
    free(doc);
    /* 'summary' starting exactly 1000 before the end is inside, one more character before is outside */
    doc = repeat("summary", "y", 993, "", NULL);
    r = analyze_s(doc);
    check_occurrences(r, "no_conclusion", NULL, 0);
    miair_result_free(r);
    free(doc);
    doc = repeat("summary", "y", 994, "", NULL);
    r = analyze_s(doc);
    static const occ_exp nc3[] = {{"Missing conclusion or summary", 1000, 1001, 0}};
    check_occurrences(r, "no_conclusion", nc3, 1);
    miair_result_free(r);
    free(doc);
}

/* ---- summary, improvement map, insights ----------------------------------------- */

static void test_summary_and_insights(void **state)
{
    (void)state;
    /* no patterns: 'introduction' at the start, 'summary' at the end */
    miair_result *r = AN("Introduction and summary");
    NUM_IS(r, MIAIR_PATTERN_COUNT, 0);
    NUM_IS(r, MIAIR_OCCURRENCE_COUNT, 0);
    LIST(r, MIAIR_LIST_INSIGHTS, "Document shows good quality with minimal improvement patterns");
    NUM_IS(r, MIAIR_IMPROVEMENT_POTENTIAL, 0.35102818666257374);
    char *j = to_json(r, "s", 1, NULL);
    JSON_CONTAINS(j, "\"patterns_summary\":{\"total_patterns\":0,\"high_priority\":0,\"by_type\":{},\"overall_severity\":0},");
    CONTAINS(j, "\"patterns\":[],\"improvement_map\":{},\"insights\":[\"Document shows good quality");
    miair_free(j);
    miair_result_free(r);

    /* more than 5 patterns, occurrence lines 1, 9, 10 x 6: std 2.9 < 0.5 * mean 8.75 -> concentrated;
     * semantic has 3 patterns (most), structural and linguistic 2 */
    r = AN("\n\n\n\n\n\n\n\n\nIt was created in order to use some ABC, obviously this.");
    PATTERNS(r, "missing_introduction", "no_conclusion", "passive_voice_overuse", "redundant_phrases",
             "undefined_acronyms", "vague_language", "missing_context", "assumption_language");
    LIST(r, MIAIR_LIST_INSIGHTS, "Primary improvement area: semantic patterns",
         "Found 2 high-severity issues requiring immediate attention",
         "Patterns are concentrated in specific document sections");
    j = to_json(r, "s", 1, NULL);
    JSON_CONTAINS(j, "\"patterns_summary\":{\"total_patterns\":8,\"high_priority\":3,\"by_type\":{\"structural\":2,"
                "\"linguistic\":2,\"technical\":1,\"semantic\":3},\"overall_severity\":0.525,");
    JSON_CONTAINS(j, "\"document_length\":65,\"pattern_density\":123.07692307692308}");
    JSON_CONTAINS(j, "\"improvement_map\":{\"priority_1\":[{\"pattern\":\"missing_introduction\",\"action\":\"Add "
                "comprehensive introduction section\",\"severity\":0.8,\"occurrences\":1}],\"priority_2\":[{\"pattern\":"
                "\"undefined_acronyms\",");
    miair_free(j);
    miair_result_free(r);

    /* the same patterns on line 1 and no_conclusion on line 10: lines mean 2.125, std 2.98 -> distributed */
    r = AN("It was created in order to use some ABC, obviously this.\n\n\n\n\n\n\n\n\n\nx");
    NUM_IS(r, MIAIR_PATTERN_COUNT, 8);
    LIST(r, MIAIR_LIST_INSIGHTS, "Primary improvement area: semantic patterns",
         "Found 2 high-severity issues requiring immediate attention",
         "Patterns are distributed throughout the document");
    miair_result_free(r);

    /* exactly 5 patterns: no concentration line; structural and linguistic tie at 2: the first seen wins */
    r = AN("It was created in order to use ABC.");
    PATTERNS(r, "missing_introduction", "no_conclusion", "passive_voice_overuse", "redundant_phrases",
             "undefined_acronyms");
    LIST(r, MIAIR_LIST_INSIGHTS, "Primary improvement area: structural patterns",
         "Found 2 high-severity issues requiring immediate attention");
    miair_result_free(r);
    /* 6 patterns, lines 1 x 5 and 0 (no_conclusion of a one-line text): std 0.37 < 0.5 * 0.83 */
    r = AN("It was created in order to use some ABC.");
    NUM_IS(r, MIAIR_PATTERN_COUNT, 6);
    LIST(r, MIAIR_LIST_INSIGHTS, "Primary improvement area: structural patterns",
         "Found 2 high-severity issues requiring immediate attention",
         "Patterns are concentrated in specific document sections");
    miair_result_free(r);
    r = AN("Introduction. It is tested, some many various certain several. Summary.");
    PATTERNS(r, "passive_voice_overuse", "vague_language");
    LIST(r, MIAIR_LIST_INSIGHTS, "Primary improvement area: linguistic patterns");
    miair_result_free(r);
}

/* ---- §5 improvement potential and recommendations ---------------------------------- */

static void test_improvement_potential(void **state)
{
    (void)state;
    /* whitespace only: q = (0.85 - 0.6016666666666667)/0.85, s = 0.65, e = min(2|0.04569835314848896 - 0.6|, 1) */
    miair_result *r = AN("  \n\t ");
    double q = (0.85 - 0.6016666666666667) / 0.85, e = 2 * fabs(0.04569835314848896 - 0.6);
    NUM_IS(r, MIAIR_IMPROVEMENT_POTENTIAL, 0.5 * q + 0.3 * 0.65 + 0.2 * (e < 1 ? e : 1));
    NUM_IS(r, MIAIR_IMPROVEMENT_POTENTIAL, 0.541078431372549); /* oracle */
    miair_result_free(r);
    r = AN("about go go go go go go go go go go summary");
    NUM_IS(r, MIAIR_IMPROVEMENT_POTENTIAL, 0.36598728474904);
    miair_result_free(r);
}

static void test_recommendations(void **state)
{
    (void)state;
    /* redundancy 0.794 > 0.7 */
    miair_result *r = AN("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaab");
    LIST(r, MIAIR_LIST_RECOMMENDATIONS, "Add more sections and examples to improve completeness",
         "Include introduction, usage, and reference sections", "Remove TODO markers and placeholder content",
         "Add comprehensive introduction section (missing_introduction)",
         "Reduce redundancy by consolidating repetitive content");
    miair_result_free(r);
    /* no pattern; redundancy 0.2067 (neither line); vocabulary 3/12 = 0.25 < 0.3 */
    r = AN("about go go go go go go go go go go summary");
    NUM_IS(r, MIAIR_REDUNDANCY, 0.20673480568061764);
    NUM_IS(r, MIAIR_VOCABULARY_RICHNESS, 0.25);
    LIST(r, MIAIR_LIST_RECOMMENDATIONS, "Add more sections and examples to improve completeness",
         "Include introduction, usage, and reference sections", "Remove TODO markers and placeholder content",
         "Enrich vocabulary to improve content diversity");
    miair_result_free(r);
    /* no pattern, low redundancy: the structure line */
    r = AN("Introduction and summary");
    LIST(r, MIAIR_LIST_RECOMMENDATIONS, "Add more sections and examples to improve completeness",
         "Include introduction, usage, and reference sections", "Remove TODO markers and placeholder content",
         "Add more structure and patterns for better readability");
    miair_result_free(r);
    /* priority <= 2 patterns in pattern order, at most 2: missing_introduction, undefined_acronyms (not
     * assumption_language); the Major line counts as a suggestion */
    r = AN("TODO FIXME was fixed are tested [tbd] XXX HACK  a  b");
    LIST(r, MIAIR_LIST_RECOMMENDATIONS, "Major revision recommended - document needs significant improvement",
         "Add more sections and examples to improve completeness", "Include introduction, usage, and reference sections",
         "Add comprehensive introduction section (missing_introduction)",
         "Define acronyms on first use (undefined_acronyms)");
    miair_result_free(r);
}

/* ---- JSON ------------------------------------------------------------------------ */

static const char json_esc[] =
    "{\"document_id\":\"esc\\\"\\\\\\t\xc3\xa9.md\",\"content_preview\":\"q\\\"b\\\\s\\u0001\\u001f\x7f\\u0000\xc3\xa9\\t\\r\\n\\b\\f Summary ab"
    "out.\",\"entropy_stats\":{\"entropy\":{\"character\":4.573557262275185,\"word\":2.584962500721156,\"sentence\":"
    "0.0,\"aggregate\":0.2601586796058877},\"redundancy\":0.015138050065876318,\"information_density\":0.260158"
    "6796058877,\"vocabulary_richness\":1.0,\"structural_complexity\":0.0,\"text_length\":30,\"word_count\":6,\"un"
    "ique_words\":6,\"average_word_length\":2.6666666666666665},\"quality_metrics\":{\"completeness\":0.16833333"
    "333333333,\"clarity\":0.69375,\"consistency\":1.0,\"accuracy\":0.25,\"overall\":0.5280208333333334,\"passes_g"
    "ate\":false,\"sub_scores\":{\"completeness\":[0.0,0.0,0.0,1.0,0.01,0.0],\"clarity\":[0.375,1.0,1.0,0.4],\"co"
    "nsistency\":[1.0],\"accuracy\":[0.0,0.5]},\"suggestions\":[\"Add more sections and examples to improve com"
    "pleteness\",\"Include introduction, usage, and reference sections\",\"Remove TODO markers and placeholde"
    "r content\",\"Simplify complex sentences for better readability\",\"Use active voice instead of passive "
    "voice\",\"Organize content into clear paragraphs (3-5 sentences each)\",\"Add version information and up"
    "date dates\",\"Verify and fix any broken links\",\"Include warnings for deprecated features\"]},\"patterns"
    "_summary\":{\"total_patterns\":0,\"high_priority\":0,\"by_type\":{},\"overall_severity\":0},\"improvement_pote"
    "ntial\":0.32533603796156646,\"recommendations\":[\"Add more sections and examples to improve completenes"
    "s\",\"Include introduction, usage, and reference sections\",\"Remove TODO markers and placeholder conten"
    "t\",\"Add more structure and patterns for better readability\"],\"patterns\":[],\"improvement_map\":{},\"ins"
    "ights\":[\"Document shows good quality with minimal improvement patterns\"],\"quality_issues\":{\"complete"
    "ness\":[\"Document too short (5 words)\"],\"clarity\":[],\"consistency\":[],\"accuracy\":[]}}";

/* Every ASCII byte at every position of a 48-byte text (the escape scan goes 16 and 8 bytes at a
 * time, then byte by byte): the preview in the record is the text escaped, byte by byte here. */
static void test_json_escaping_positions(void **state)
{
    (void)state;
    for (int c = 0; c < 0x80; c++)
        for (size_t p = 0; p < 48; p += (c == 'a' ? 48 : 1)) {
            char doc[49];
            memset(doc, 'a', 48);
            doc[48] = 0;
            doc[p] = (char)c;
            char want[96 + 16];
            size_t n = 0;
            for (size_t i = 0; i < 48; i++) {
                const unsigned char b = (unsigned char)doc[i];
                const char *e = b == '"' ? "\\\"" : b == '\\' ? "\\\\" : b == '\n' ? "\\n" : b == '\r' ? "\\r"
                              : b == '\t' ? "\\t" : b == '\b' ? "\\b" : b == '\f' ? "\\f" : NULL;
                if (e)
                    n += (size_t)sprintf(want + n, "%s", e);
                else if (b < 0x20)
                    n += (size_t)sprintf(want + n, "\\u%04x", b);
                else
                    want[n++] = (char)b;
            }
            want[n] = 0;
            miair_result *r = analyze_n(doc, 48);
            char *j = to_json(r, "e", 1, NULL);
            const char *pv = strstr(j, "\"content_preview\":\"");
            assert_non_null(pv);
            pv += strlen("\"content_preview\":\"");
            if (strncmp(pv, want, n) || pv[n] != '"') fail_msg("byte 0x%02x at %zu: %.*s", c, p, (int)n + 8, pv);
            miair_free(j);
            miair_result_free(r);
        }
}

static void test_json_escaping(void **state)
{
    (void)state;
    /* quotes, backslash, control characters (NUL as \u0000, \b \f \t \r \n short forms), DEL kept,
     * non-ASCII kept as UTF-8, in the preview and in document_id */
    static const char doc[] = "q\"b\\s\x01\x1f\x7f\x00\xc3\xa9\t\r\n\b\f Summary about.";
    miair_result *r = analyze_n(doc, sizeof doc - 1);
    static const char id[] = "esc\"\\\t\xc3\xa9.md";
    char *j = to_json(r, id, sizeof id - 1, NULL);
    json_equiv(j, json_esc);
    miair_free(j);

    /* document_id: any bytes; invalid UTF-8 becomes U+FFFD, NUL is escaped */
    static const char bad_id[] = "a\x00" "b\xff" "c\xe2\x82";
    size_t n;
    j = to_json(r, bad_id, sizeof bad_id - 1, &n);
    assert_int_equal(n, strlen(j));
    assert_memory_equal(j, "{\"document_id\":\"a\\u0000b\xef\xbf\xbd" "c\xef\xbf\xbd\",\"content_preview\":",
                        strlen("{\"document_id\":\"a\\u0000b\xef\xbf\xbd" "c\xef\xbf\xbd\",\"content_preview\":"));
    miair_free(j);
    /* NULL id with length 0 is "" */
    j = to_json(r, NULL, 0, NULL);
    assert_memory_equal(j, "{\"document_id\":\"\",", 18);
    miair_free(j);
    miair_result_free(r);

    /* content_preview: the first 200 code points + "..." when longer */
    char *text = repeat("", "\xc3\xa9", 201, "", NULL);
    r = analyze_s(text);
    char *pv = repeat("\"content_preview\":\"", "\xc3\xa9", 200, "...\",", NULL);
    j = to_json(r, "p", 1, NULL);
    CONTAINS(j, pv);
    miair_free(j);
    miair_result_free(r);
    free(pv);
    text[400] = 0; /* exactly 200: no "..." */
    r = analyze_s(text);
    pv = repeat("\"content_preview\":\"", "\xc3\xa9", 200, "\",", NULL);
    j = to_json(r, "p", 1, NULL);
    CONTAINS(j, pv);
    miair_free(j);
    miair_result_free(r);
    free(pv);
    free(text);
}

static void test_error_json(void **state)
{
    (void)state;
    char *out = NULL;
    size_t n = 0;
    assert_int_equal(miair_error_to_json("dir/a \"b\".md", 12, "No such file or directory", &out, &n), MIAIR_OK);
    assert_string_equal(out, "{\"document_id\":\"dir/a \\\"b\\\".md\",\"error\":\"No such file or directory\"}");
    assert_int_equal(n, strlen(out));
    miair_free(out);
    /* invalid UTF-8 in the id; control characters in the message */
    assert_int_equal(miair_error_to_json("x\xff", 2, "bad\nthing\t\\", &out, &n), MIAIR_OK);
    assert_string_equal(out, "{\"document_id\":\"x\xef\xbf\xbd\",\"error\":\"bad\\nthing\\t\\\\\"}");
    miair_free(out);
    assert_int_equal(miair_error_to_json(NULL, 0, "e", &out, &n), MIAIR_OK);
    assert_string_equal(out, "{\"document_id\":\"\",\"error\":\"e\"}");
    miair_free(out);
    assert_int_equal(miair_error_to_json("a", 1, NULL, &out, &n), MIAIR_ERR_INVALID);
    assert_int_equal(miair_error_to_json(NULL, 3, "e", &out, &n), MIAIR_ERR_INVALID);
    assert_int_equal(miair_error_to_json("a", 1, "e", NULL, &n), MIAIR_ERR_INVALID);
    assert_int_equal(miair_error_to_json("a", 1, "e", &out, NULL), MIAIR_ERR_INVALID);
}

/* ---- API misuse and messages ------------------------------------------------------------ */

static void test_api_misuse(void **state)
{
    (void)state;
    miair_result *r = (miair_result *)&r;
    assert_int_equal(miair_analyze(NULL, "x", 1, &r), MIAIR_ERR_INVALID);
    assert_int_equal(miair_analyze(g_engine, "x", 1, NULL), MIAIR_ERR_INVALID);
    r = (miair_result *)&r;
    assert_int_equal(miair_analyze(g_engine, NULL, 1, &r), MIAIR_ERR_INVALID);
    assert_int_equal(miair_engine_create(NULL, NULL), MIAIR_ERR_INVALID);
    miair_engine *e = NULL;
    assert_int_equal(miair_engine_create(NULL, &e), MIAIR_OK);
    assert_non_null(e);
    miair_engine_free(e);
    miair_engine_free(NULL);
    miair_result_free(NULL);
    miair_free(NULL);
    miair_config_init(NULL);

    r = AN("ABC and some words.");
    size_t np = (size_t)NUM(r, MIAIR_PATTERN_COUNT);
    assert_true(np >= 2);
    miair_pattern p;
    miair_occurrence o;
    assert_int_equal(miair_result_pattern(r, np, &p), MIAIR_ERR_INVALID);
    assert_int_equal(miair_result_pattern(r, (size_t)-1, &p), MIAIR_ERR_INVALID);
    assert_int_equal(miair_result_pattern(r, 0, NULL), MIAIR_ERR_INVALID);
    assert_int_equal(miair_result_pattern(NULL, 0, &p), MIAIR_ERR_INVALID);
    assert_int_equal(miair_result_pattern(r, 0, &p), MIAIR_OK);
    assert_int_equal(miair_result_occurrence(r, 0, p.occurrence_count, &o), MIAIR_ERR_INVALID);
    assert_int_equal(miair_result_occurrence(r, np, 0, &o), MIAIR_ERR_INVALID);
    assert_int_equal(miair_result_occurrence(r, 0, 0, NULL), MIAIR_ERR_INVALID);
    assert_int_equal(miair_result_occurrence(NULL, 0, 0, &o), MIAIR_ERR_INVALID);
    assert_int_equal(miair_result_occurrence(r, 0, 0, &o), MIAIR_OK);

    assert_true(isnan(miair_result_number(r, MIAIR_FIELD_COUNT_)));
    assert_true(isnan(miair_result_number(r, (miair_field)-1)));
    assert_true(isnan(miair_result_number(NULL, MIAIR_TEXT_LENGTH)));
    assert_int_equal(miair_result_is_empty(NULL), 0);
    assert_int_equal(miair_result_list_size(r, MIAIR_LIST_COUNT_), 0);
    assert_int_equal(miair_result_list_size(NULL, MIAIR_LIST_SUGGESTIONS), 0);
    size_t ns = miair_result_list_size(r, MIAIR_LIST_SUGGESTIONS);
    assert_true(ns > 0);
    assert_non_null(miair_result_list_item(r, MIAIR_LIST_SUGGESTIONS, ns - 1));
    assert_null(miair_result_list_item(r, MIAIR_LIST_SUGGESTIONS, ns));
    assert_null(miair_result_list_item(r, MIAIR_LIST_COUNT_, 0));
    assert_null(miair_result_list_item(NULL, MIAIR_LIST_SUGGESTIONS, 0));

    char *out = (char *)&out;
    size_t n;
    assert_int_equal(miair_result_to_json(NULL, "a", 1, &out, &n), MIAIR_ERR_INVALID);
    assert_int_equal(miair_result_to_json(r, "a", 1, NULL, &n), MIAIR_ERR_INVALID);
    assert_int_equal(miair_result_to_json(r, "a", 1, &out, NULL), MIAIR_ERR_INVALID);
    assert_int_equal(miair_result_to_json(r, NULL, 1, &out, &n), MIAIR_ERR_INVALID);
    miair_result_free(r);
}

static void test_status_messages(void **state)
{
    (void)state;
    const char *seen[7];
    for (int s = 0; s <= 6; s++) {
        const char *m = miair_status_message((miair_status)s);
        assert_non_null(m);
        assert_true(strlen(m) > 0);
        for (int k = 0; k < s; k++) assert_true(strcmp(m, seen[k]) != 0);
        seen[s] = m;
    }
    assert_non_null(miair_status_message((miair_status)99));
    assert_non_null(miair_status_message((miair_status)-1));
    assert_string_equal(miair_version(), MIAIR_VERSION_STRING);
}

/* ---- concurrency ------------------------------------------------------------------------- */

#define THREAD_ROUNDS 20

typedef struct {
    const miair_engine *e;
    const char *const *docs;
    const size_t *lens;
    char *const *want;
    size_t ndocs;
    int mismatches;
    int errors;
} thread_job;

static void *thread_main(void *arg)
{
    thread_job *job = arg;
    for (int round = 0; round < THREAD_ROUNDS; round++) {
        for (size_t i = 0; i < job->ndocs; i++) {
            size_t k = (i + (size_t)round) % job->ndocs; /* a different order per round */
            miair_result *r = NULL;
            if (miair_analyze(job->e, job->docs[k], job->lens[k], &r) != MIAIR_OK) {
                job->errors++;
                continue;
            }
            char *out = NULL;
            size_t n = 0;
            if (miair_result_to_json(r, "t", 1, &out, &n) != MIAIR_OK) {
                job->errors++;
            } else if (strcmp(out, job->want[k])) {
                job->mismatches++;
            }
            miair_free(out);
            miair_result_free(r);
        }
    }
    return NULL;
}

static void test_concurrency(void **state)
{
    (void)state;
    size_t exc_len;
    char *exc = build_excellent(&exc_len);
    char *wide = repeat("Caf\xc3\xa9 \xc4\xb0stanbul \xce\x9f\xce\x94\xce\x9f\xce\xa3. ", "\xe6\x9d\xb1\xe4\xba\xac ",
                        300, "ABC some this.", NULL);
    const char *docs[] = {exc, wide, MIXED_DOC, "", "  \n\t ", "a\xff\xfe" "b\xe2\x82", "The API function.",
                          "\n\n\n\n\n\n\n\n\nIt was created in order to use some ABC, obviously this."};
    size_t lens[N_OF(docs)];
    char *want[N_OF(docs)];
    for (size_t i = 0; i < N_OF(docs); i++) {
        lens[i] = i == 0 ? exc_len : strlen(docs[i]);
        miair_result *r = analyze_n(docs[i], lens[i]);
        want[i] = to_json(r, "t", 1, NULL);
        miair_result_free(r);
    }
    thread_job jobs[2];
    pthread_t th[2];
    for (int t = 0; t < 2; t++) {
        jobs[t] = (thread_job){g_engine, docs, lens, want, N_OF(docs), 0, 0};
        assert_int_equal(pthread_create(&th[t], NULL, thread_main, &jobs[t]), 0);
    }
    for (int t = 0; t < 2; t++) assert_int_equal(pthread_join(th[t], NULL), 0);
    for (int t = 0; t < 2; t++) {
        assert_int_equal(jobs[t].errors, 0);
        assert_int_equal(jobs[t].mismatches, 0);
    }
    /* and once more on this thread after the others: still identical */
    for (size_t i = 0; i < N_OF(docs); i++) {
        miair_result *r = analyze_n(docs[i], lens[i]);
        char *j = to_json(r, "t", 1, NULL);
        assert_string_equal(j, want[i]);
        miair_free(j);
        miair_result_free(r);
        miair_free(want[i]);
    }
    free(exc);
    free(wide);
}

/* Work for a fresh thread: the record of one document by miair_analyze (its first call on that
 * thread, so with a new scratch). */
typedef struct {
    const miair_engine *e;
    const char *doc;
    size_t len;
    char *json;
} fresh_job;

static void *fresh_main(void *arg)
{
    fresh_job *j = arg;
    miair_result *r = NULL;
    if (miair_analyze(j->e, j->doc, j->len, &r) == MIAIR_OK) {
        size_t n = 0;
        if (miair_result_to_json(r, "t", 1, &j->json, &n) != MIAIR_OK) j->json = NULL;
    }
    miair_result_free(r);
    return NULL;
}

/* The record of doc on this thread (its scratch reused) equals the one a fresh thread makes. */
static void same_as_fresh_thread(const miair_engine *e, const char *doc, size_t len)
{
    fresh_job fj = {e, doc, len, NULL};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, fresh_main, &fj), 0);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_non_null(fj.json);
    miair_result *r = NULL;
    assert_int_equal(miair_analyze(e, doc, len, &r), MIAIR_OK);
    char *j = to_json(r, "t", 1, NULL);
    assert_string_equal(j, fj.json);
    miair_free(j);
    miair_free(fj.json);
    miair_result_free(r);
}

/* miair_analyze keeps one scratch per thread: on one thread, documents analyzed one after the
 * other with two engines (default windows and 64-byte windows), a document above the size after
 * which the scratch is released (4 MiB) and invalid UTF-8 give the records a fresh thread gives. */
static void test_thread_scratch_reuse(void **state)
{
    (void)state;
    miair_config cfg;
    miair_config_init(&cfg);
    cfg.window_bytes = 64;
    miair_engine *small = NULL;
    assert_int_equal(miair_engine_create(&cfg, &small), MIAIR_OK);
    const size_t big_len = ((size_t)4 << 20) + 4096;
    char *big = malloc(big_len + 1);
    assert_non_null(big);
    for (size_t i = 0; i < big_len; i++) big[i] = "Word some THIS. \n## Head\n"[i % 24];
    static const char bad[] = "a\xff\xfe" "b\xe2\x82 this"; /* invalid UTF-8 */
    const char *docs[] = {MIXED_DOC, bad, big, "The API function.", MIXED_DOC, ""};
    const size_t lens[] = {strlen(MIXED_DOC), sizeof bad - 1, big_len, 17, strlen(MIXED_DOC), 0};
    const miair_engine *engines[] = {g_engine, small};
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < N_OF(docs); i++) {
            const miair_engine *e = engines[(i + (size_t)round) % 2];
            same_as_fresh_thread(e, docs[i], lens[i]);
        }
    free(big);
    miair_engine_free(small);
}

/* The scratch keeps a lexicon of the words it has seen from one document to the next (with the
 * needles and the word-start verdict of each): a document's record must not depend on what came
 * before it. Documents sharing words in other orders and cases, a document holding needles and
 * consistency terms then one without them, one with more distinct words than the lexicon keeps
 * (it is cleared before the next), each compared with the record of a fresh thread. */
static void test_lexicon_across_documents(void **state)
{
    (void)state;
    const size_t many = 70000; /* > MIAIR_LEXICON_MAX distinct words */
    char *big = malloc(many * 12 + 1);
    assert_non_null(big);
    size_t bl = 0;
    for (size_t i = 0; i < many; i++) bl += (size_t)sprintf(big + bl, "w%zu%s", i, i % 9 == 8 ? ". " : " ");
    const char *docs[] = {
        "Introduction: usage example reference. The API and the api, email, database, setup. "
        "Implementation function method class code.",
        "plain words only here. nothing else is said.",
        "code class method function implementation. setup database email api API reference example usage "
        "introduction",
        big,
        "plain words only here. nothing else is said.",
        MIXED_DOC,
        "Usage: some notes. This is used. In order to see, is it deprecated? interface data in",
        MIXED_DOC,
    };
    const size_t lens[] = {strlen(docs[0]), strlen(docs[1]), strlen(docs[2]), bl,
                           strlen(docs[4]), strlen(MIXED_DOC), strlen(docs[6]), strlen(MIXED_DOC)};
    for (size_t i = 0; i < N_OF(docs); i++) {
        same_as_fresh_thread(g_engine, docs[i], lens[i]);
    }
    free(big);
}

/* miair_config.outputs: the record keeps only the parts asked for; 0 and ALL are the whole record. */
static void test_outputs(void **state)
{
    (void)state;
    static const char doc[] = "# Intro\n\nThis is used. It was created by some API.\n\n```\ncode()\n```\n";
    miair_config c;
    miair_config_init(&c);
    assert_int_equal(c.outputs, MIAIR_OUTPUT_ALL);
    char *full = NULL, *zero = NULL;
    for (int pass = 0; pass < 2; pass++) {
        c.outputs = pass ? 0 : MIAIR_OUTPUT_ALL;
        miair_engine *e;
        miair_result *r;
        size_t len;
        assert_int_equal(miair_engine_create(&c, &e), MIAIR_OK);
        assert_int_equal(miair_analyze(e, doc, sizeof doc - 1, &r), MIAIR_OK);
        char *j = to_json(r, "d", 1, &len);
        if (pass) zero = j; else full = j;
        miair_result_free(r);
        miair_engine_free(e);
    }
    assert_string_equal(full, zero);
    assert_non_null(strstr(full, "\"occurrences\":["));

    struct {
        unsigned outputs;
        const char *present[4];
        const char *absent[4];
    } cases[] = {
        {MIAIR_OUTPUT_ENTROPY, {"\"entropy_stats\"", NULL}, {"\"quality_metrics\"", "\"patterns\"", "\"content_preview\"", "\"recommendations\""}},
        {MIAIR_OUTPUT_PATTERNS, {"\"patterns\"", "\"occurrence_count\"", "\"insights\"", NULL}, {"\"occurrences\":[", "\"entropy_stats\"", "\"quality_issues\"", NULL}},
        {MIAIR_OUTPUT_QUALITY | MIAIR_OUTPUT_RECOMMENDATIONS, {"\"quality_metrics\"", "\"quality_issues\"", "\"recommendations\"", NULL}, {"\"patterns\"", "\"entropy_stats\"", NULL, NULL}},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        c.outputs = cases[k].outputs;
        miair_engine *e;
        miair_result *r;
        size_t len;
        assert_int_equal(miair_engine_create(&c, &e), MIAIR_OK);
        assert_int_equal(miair_analyze(e, doc, sizeof doc - 1, &r), MIAIR_OK);
        char *j = to_json(r, "d", 1, &len);
        assert_non_null(strstr(j, "{\"document_id\":\"d\""));
        for (int q = 0; q < 4 && cases[k].present[q]; q++) assert_non_null(strstr(j, cases[k].present[q]));
        for (int q = 0; q < 4 && cases[k].absent[q]; q++) assert_null(strstr(j, cases[k].absent[q]));
        /* the analysis is complete whatever is serialized */
        assert_true(miair_result_number(r, MIAIR_PATTERN_COUNT) > 0);
        miair_free(j);
        miair_result_free(r);
        miair_engine_free(e);
    }
    miair_free(full);
    miair_free(zero);
    /* a cached record is JSON text: engines writing different parts have different cache digests */
    miair_engine *ea, *eb;
    miair_digest da, db;
    c.outputs = MIAIR_OUTPUT_ALL;
    assert_int_equal(miair_engine_create(&c, &ea), MIAIR_OK);
    c.outputs = MIAIR_OUTPUT_ENTROPY;
    assert_int_equal(miair_engine_create(&c, &eb), MIAIR_OK);
    assert_int_equal(miair_engine_digest(ea, &da), MIAIR_OK);
    assert_int_equal(miair_engine_digest(eb, &db), MIAIR_OK);
    assert_true(memcmp(da.bytes, db.bytes, sizeof da.bytes) != 0);
    miair_engine_free(ea);
    miair_engine_free(eb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decoding),
        cmocka_unit_test(test_outputs),
        cmocka_unit_test(test_thread_scratch_reuse),
        cmocka_unit_test(test_lexicon_across_documents),
        cmocka_unit_test(test_entropy_character),
        cmocka_unit_test(test_entropy_word),
        cmocka_unit_test(test_entropy_sentence),
        cmocka_unit_test(test_empty_document),
        cmocka_unit_test(test_whitespace_only),
        cmocka_unit_test(test_mixed_record),
        cmocka_unit_test(test_quality_subscores),
        cmocka_unit_test(test_quality_issues),
        cmocka_unit_test(test_excellent_document),
        cmocka_unit_test(test_suggestions_order),
        cmocka_unit_test(test_weights),
        cmocka_unit_test(test_pattern_rules),
        cmocka_unit_test(test_all_rules_fire),
        cmocka_unit_test(test_spec_quirks),
        cmocka_unit_test(test_custom_rule_windows),
        cmocka_unit_test(test_summary_and_insights),
        cmocka_unit_test(test_improvement_potential),
        cmocka_unit_test(test_recommendations),
        cmocka_unit_test(test_json_escaping),
        cmocka_unit_test(test_json_escaping_positions),
        cmocka_unit_test(test_error_json),
        cmocka_unit_test(test_api_misuse),
        cmocka_unit_test(test_status_messages),
        cmocka_unit_test(test_concurrency),
    };
    return cmocka_run_group_tests_name("engine", tests, setup_engine, teardown_engine);
}
