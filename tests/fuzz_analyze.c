/* Fuzz target: any bytes must analyze without crashing, and the record must
 * not depend on the window size (64 bytes vs the default).
 *
 *   libFuzzer:  clang -g -O1 -fsanitize=fuzzer,address -DMIAIR_LIBFUZZER ...
 *   ctest:      fuzz_smoke runs the same check on seeded random inputs built
 *               from fragments that stress the rules, and prints N passed, M failed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "miair.h"

static miair_engine *whole, *tiny;

static void setup(void) {
    if (whole) return;
    miair_config c;
    miair_config_init(&c);
    if (miair_engine_create(&c, &whole)) abort();
    c.window_bytes = 64;
    if (miair_engine_create(&c, &tiny)) abort();
}

/* The record of data, as JSON. */
static char *record(const miair_engine *e, const uint8_t *data, size_t size, size_t *len) {
    miair_result *r = NULL;
    char *j;
    if (miair_analyze(e, data, size, &r) || miair_result_to_json(r, "f", 1, &j, len)) abort();
    miair_result_free(r);
    return j;
}

/* 0 when both windows give the same JSON record, and so does a second analysis with the
 * thread's lexicon already holding the document's words. */
static int check(const uint8_t *data, size_t size) {
    setup();
    size_t la, lb, lc;
    char *ja = record(whole, data, size, &la), *jb = record(tiny, data, size, &lb);
    char *jc = record(tiny, data, size, &lc);
    int diff = la != lb || memcmp(ja, jb, la) != 0 || lc != lb || memcmp(jc, jb, lb) != 0;
    miair_free(ja);
    miair_free(jb);
    miair_free(jc);
    return diff;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (check(data, size)) abort();
    return 0;
}

#ifndef MIAIR_LIBFUZZER
static const char *const frags[] = {
    "# ", "## ", "###", "#", "\n", "\n\n", "\r\n", " ", "  ", "\t", ".", "!", "?", "...", "```", "```python\n",
    "`", "[", "]", "(", ")", "{", "}", "[x](y)", "[x]()", "[t]( )", "- ", "* ", "+ ", "1) ", "First", "Second",
    "Third", "was created", "IS USED", "were\nnamed", "in order to", "due to the fact that", "API", "HTTP2",
    "ABCdef", "deprecated", "legacy", "some", "many", "this", "that.", "those", "obviously", "just", "everyone knows",
    "TODO", "fixme", "[TBD]", "[placeholder]", "setup", "email", "Email", "db", "DB", "api", "v1.2.3", "2019", "2024",
    "warning", "note", "introduction", "summary", "Σ", "ΟΔΟΣ", "ΑΣ.", "İ", "ı", "\xe2\x84\xaa", "\xc5\xbf", "é",
    "\xc2\xa0", "\xe2\x80\x83", "\xe3\x80\x80", "\xc2\x85", "\x1c", "\xef\xbb\xbf", "\xff", "\xc3(", "\xe2\x82",
    "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf0\x9f\x98\x80", "\xcc\x81", "word", "Word", "x_y", "42", "_", "'", ":",
};

/* Inputs that make a regex fail after reading far ahead, repeated over 2 MB: each must still be
 * analyzed (the ctest timeout turns a quadratic blow-up back into a failure; nothing is timed here). */
static int pathological(void) {
    static const char *const units[] = {"[", "[a", "[a]", "[x](", "[x]( ", " \n", "is ", "was tested ", "```",
                                        "``` ", "# ", "#", "- ", "* ", "A", "AB ", "...", "a", "this ", "First ",
                                        "1)", "v1.", "2023 ", "\t\n", "\xc3\xa9", "\xff", "TODO "};
    const size_t target = (size_t)2 << 20;
    char *buf = malloc(target + 16);
    size_t passed = 0, failed = 0;
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
        size_t ul = strlen(units[u]), len = 0;
        while (len + ul <= target) memcpy(buf + len, units[u], ul), len += ul;
        if (check((const uint8_t *)buf, len)) {
            failed++;
            fprintf(stderr, "pathological input %zu: records differ by window size\n", u);
        } else {
            passed++;
        }
    }
    free(buf);
    miair_engine_free(whole);
    miair_engine_free(tiny);
    printf("%zu passed, %zu failed\n", passed, failed);
    return failed != 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "--pathological")) return pathological();
    unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 3000;
    uint64_t st = 0x853c49e6748fea9bull;
    size_t passed = 0, failed = 0;
    char *buf = malloc(1 << 16);
    for (unsigned long it = 0; it < n; it++) {
        size_t len = 0, parts = 0;
        st = st * 6364136223846793005ull + 1442695040888963407ull;
        parts = (size_t)(st >> 33) % 200;
        for (size_t k = 0; k < parts; k++) {
            st = st * 6364136223846793005ull + 1442695040888963407ull;
            uint64_t r = st >> 24;
            if (r % 7 == 0) { /* a random byte, NUL included */
                buf[len++] = (char)(r >> 8);
                continue;
            }
            const char *f = frags[r % (sizeof frags / sizeof frags[0])];
            size_t fl = strlen(f);
            if (len + fl >= (1 << 16)) break;
            memcpy(buf + len, f, fl);
            len += fl;
        }
        if (check((const uint8_t *)buf, len)) {
            failed++;
            if (failed <= 3) fprintf(stderr, "input %lu (%zu bytes): records differ by window size\n", it, len);
        } else {
            passed++;
        }
    }
    free(buf);
    miair_engine_free(whole);
    miair_engine_free(tiny);
    printf("%zu passed, %zu failed\n", passed, failed);
    return failed != 0;
}
#endif
