/* Self-checking kernel test without a test framework, for cross builds run
 * under an emulator (tools/dev test builds it for aarch64 and runs it with
 * qemu-aarch64, where the NEON table is native). Every kernel of every table
 * the dispatcher lists against the scalar table, bit for bit, on random
 * bytes and on text (ASCII prose, Markdown, UTF-8 of 1-4 bytes) of every
 * length 0..1024 at random alignments 0..63 plus a few long buffers (for
 * utf8_valid also with one byte changed; and every 2-byte string, every
 * 3-byte one with lead E0-F4, 4-byte ones with lead F0/F4, alone and across
 * the 64-byte boundary); a few known answers; the dispatcher's choice. Prints "N passed, M failed" and
 * exits 1 when anything failed. MIAIR_TEST_SEED=n changes the data.
 *
 *   cc -O2 -Ikernels -Iruntime kernels/scalar/kernels_scalar.c
 *      kernels/neon/kernels_neon.c runtime/dispatch.c tests/kernels_cross.c -lpthread */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "kernels.h"

#define MAXLEN 1024
#define BIGLEN 70001

static unsigned long passed, failed;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (cond) {                                                                                \
            passed++;                                                                              \
        } else {                                                                                   \
            if (failed < 20) {                                                                     \
                fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                               \
                fprintf(stderr, __VA_ARGS__);                                                      \
                fputc('\n', stderr);                                                               \
            }                                                                                      \
            failed++;                                                                              \
        }                                                                                          \
    } while (0)

/* ---- data --------------------------------------------------------------- */

static uint64_t rng;

static uint64_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545F4914F6CDD1Dull;
}

static unsigned rndn(unsigned n)
{
    return (unsigned)(rnd() % n);
}

static size_t put_utf8(uint8_t *p, uint32_t cp)
{
    if (cp < 0x80) {
        p[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        p[0] = (uint8_t)(0xC0 | (cp >> 6));
        p[1] = (uint8_t)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        p[0] = (uint8_t)(0xE0 | (cp >> 12));
        p[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        p[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    p[0] = (uint8_t)(0xF0 | (cp >> 18));
    p[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
    p[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    p[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

static void fill(uint8_t *p, size_t n, int kind)
{
    static const char *const words[] = {"the", "API", "code", "is", "WAS", "Example", "TODO", "v1.2.3",
                                        "data_base", "x", "(see", "[link](u)", "{a}", "`c`", "```", "#",
                                        "...", "!", "?", "e-mail", "ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789"};
    static const char *const seps[] = {" ", " ", "  ", "\n", "\n\n", "\t", ". ", ", ", "\r\n", "\x1c"};
    if (kind == 0) {
        for (size_t i = 0; i < n; i++)
            p[i] = (uint8_t)rnd();
        return;
    }
    uint8_t tmp[64];
    size_t i = 0;
    while (i < n) {
        size_t k;
        unsigned r = rndn(100);
        if (r < 60) {
            const char *w = words[rndn(sizeof words / sizeof *words)];
            k = strlen(w);
            memcpy(tmp, w, k);
        } else if (r < 85) {
            const char *s = seps[rndn(sizeof seps / sizeof *seps)];
            k = strlen(s);
            memcpy(tmp, s, k);
        } else {
            uint32_t cp = 0x80 + rndn(0x10FFFF - 0x80);
            if (cp >= 0xD800 && cp < 0xE000)
                cp = 0xE9;
            k = put_utf8(tmp, cp);
        }
        if (k > n - i)
            k = n - i;
        memcpy(p + i, tmp, k);
        i += k;
    }
}

/* ---- comparisons against scalar --------------------------------------- */

static const struct miair_kernels *const S = &miair_kernels_scalar;

static void cmp_classify(const struct miair_kernels *k, const uint8_t *p, size_t n)
{
    static uint64_t a[(MIAIR_BLOCKS(BIGLEN) + 3) * MIAIR_CLS_COUNT + 8], b[(MIAIR_BLOCKS(BIGLEN) + 3) * MIAIR_CLS_COUNT + 8];
    size_t nb = MIAIR_BLOCKS(n);
    memset(a, 0xA5, (nb * 16 + 8) * 8);
    memset(b, 0xA5, (nb * 16 + 8) * 8);
    k->classify(p, n, a, 1, 16);
    S->classify(p, n, b, 1, 16);
    CHECK(!memcmp(a, b, (nb * 16 + 8) * 8), "%s classify aos, len %zu", k->isa, n);
    size_t cs = nb + 3;
    memset(a, 0xA5, (cs * MIAIR_CLS_COUNT + 8) * 8);
    memset(b, 0xA5, (cs * MIAIR_CLS_COUNT + 8) * 8);
    k->classify(p, n, a, cs, 1);
    S->classify(p, n, b, cs, 1);
    CHECK(!memcmp(a, b, (cs * MIAIR_CLS_COUNT + 8) * 8), "%s classify soa, len %zu", k->isa, n);
    memset(a, 0xA5, (nb * 16 + 8) * 8);
    memset(b, 0xA5, (nb * 16 + 8) * 8);
    k->classify_text(p, n, a, 1, 16);
    S->classify_text(p, n, b, 1, 16);
    CHECK(!memcmp(a, b, (nb * 16 + 8) * 8), "%s classify_text aos, len %zu", k->isa, n);
    S->classify(p, n, b, 1, 16); /* the text classes are classify's */
    for (size_t i = 0; i < nb * 16; i++)
        CHECK(!((MIAIR_CLS_TEXT_MASK >> (i % 16)) & 1) || a[i] == b[i], "%s classify_text class %zu, len %zu",
              k->isa, i % 16, n);
}

static void cmp_histograms(const struct miair_kernels *k, const uint8_t *p, size_t n)
{
    uint64_t a[256], b[256];
    for (int i = 0; i < 256; i++)
        a[i] = b[i] = (uint64_t)i * 7;
    k->byte_histogram(p, n, a);
    S->byte_histogram(p, n, b);
    CHECK(!memcmp(a, b, sizeof a), "%s byte_histogram, len %zu", k->isa, n);

    /* the caller's grow loop, from the minimum table; every step equal */
    enum { MAXSLOTS = 1 << 17 };
    static uint32_t ka[MAXSLOTS], kb[MAXSLOTS];
    static uint64_t ca[MAXSLOTS], cb[MAXSLOTS];
    static uint32_t tk[MAXSLOTS];
    static uint64_t tc[MAXSLOTS];
    uint64_t asc_a[128] = {0}, asc_b[128] = {0};
    struct miair_cp_table ta = {ka, ca, MIAIR_CP_TABLE_MIN_SLOTS - 1, 0};
    struct miair_cp_table tb = {kb, cb, MIAIR_CP_TABLE_MIN_SLOTS - 1, 0};
    memset(ka, 0, MIAIR_CP_TABLE_MIN_SLOTS * sizeof *ka);
    memset(kb, 0, MIAIR_CP_TABLE_MIN_SLOTS * sizeof *kb);
    size_t off = 0;
    int ok = 1;
    for (int steps = 0; steps < 1000; steps++) {
        size_t ga = k->utf8_histogram(p + off, n - off, asc_a, &ta);
        size_t gb = S->utf8_histogram(p + off, n - off, asc_b, &tb);
        if (ga != gb || ta.used != tb.used) {
            ok = 0;
            break;
        }
        off += ga;
        if (off == n || !miair_cp_table_needs_grow(&ta))
            break;
        if ((ta.mask + 1) * 2 > MAXSLOTS) {
            ok = 0;
            break;
        }
        /* grow both the same way: rehash into a zeroed table twice the size */
        struct miair_cp_table *ts[2] = {&ta, &tb};
        for (int t = 0; t < 2; t++) {
            size_t slots = ts[t]->mask + 1;
            memcpy(tk, ts[t]->keys, slots * sizeof *tk);
            memcpy(tc, ts[t]->counts, slots * sizeof *tc);
            struct miair_cp_table old = {tk, tc, slots - 1, ts[t]->used};
            memset(ts[t]->keys, 0, 2 * slots * sizeof *tk);
            ts[t]->mask = 2 * slots - 1;
            ts[t]->used = 0;
            miair_cp_table_merge(ts[t], &old);
        }
    }
    ok = ok && ta.mask == tb.mask && !memcmp(asc_a, asc_b, sizeof asc_a) &&
         !memcmp(ka, kb, (ta.mask + 1) * sizeof *ka) && !memcmp(ca, cb, (ta.mask + 1) * sizeof *ca);
    CHECK(ok, "%s utf8_histogram, len %zu", k->isa, n);
}

static void cmp_bytes(const struct miair_kernels *k, const uint8_t *p, size_t n)
{
    static uint64_t a[BIGLEN + 4], b[BIGLEN + 4];
    uint8_t byte = rndn(2) ? '\n' : (n ? p[rndn((unsigned)n)] : 0);
    size_t ca = k->count_byte(p, n, byte), cb = S->count_byte(p, n, byte);
    CHECK(ca == cb, "%s count_byte, len %zu", k->isa, n);
    memset(a, 0xA5, (cb + 4) * 8);
    memset(b, 0xA5, (cb + 4) * 8);
    size_t pa = k->byte_positions(p, n, byte, 77, a), pb = S->byte_positions(p, n, byte, 77, b);
    CHECK(pa == pb && pa == cb && !memcmp(a, b, (cb + 4) * 8), "%s byte_positions, len %zu", k->isa, n);
    CHECK(k->ascii_prefix_len(p, n) == S->ascii_prefix_len(p, n), "%s ascii_prefix_len, len %zu", k->isa, n);
}

static void cmp_words(const struct miair_kernels *k, const uint8_t *p, size_t n)
{
    static struct miair_word_hash a[MIAIR_WORDS_MAX(BIGLEN) + 4], b[MIAIR_WORDS_MAX(BIGLEN) + 4];
    static uint64_t cls[MIAIR_BLOCKS(BIGLEN) * 16 + 8];
    static uint64_t ga[MIAIR_WORDS_MAX(BIGLEN)], gb[MIAIR_WORDS_MAX(BIGLEN)];
    size_t cap = MIAIR_WORDS_MAX(n);
    k->classify(p, n, cls, 1, 16);
    for (unsigned opts = 0; opts <= MIAIR_WORDS_LOWER; opts++)
        for (int mode = 0; mode < 2; mode++) {
            const uint64_t *bits = mode ? cls + MIAIR_CLS_WORD : NULL;
            memset(a, 0xA5, (cap + 4) * sizeof *a);
            memset(b, 0xA5, (cap + 4) * sizeof *b);
            size_t na = k->word_hashes(p, n, bits, 16, opts, 5, a);
            size_t nb = S->word_hashes(p, n, NULL, 0, opts, 5, b);
            CHECK(na == nb && !memcmp(a, b, (cap + 4) * sizeof *a), "%s word_hashes (opts %u, bits %d), len %zu",
                  k->isa, opts, mode, n);
            if (opts == MIAIR_WORDS_LOWER && mode == 0) {
                unsigned g = 1 + rndn(5);
                size_t ma = k->ngram_hashes(&a[0].hash, na, MIAIR_WORD_HASH_STRIDE, g, ga);
                size_t mb = S->ngram_hashes(&b[0].hash, nb, MIAIR_WORD_HASH_STRIDE, g, gb);
                CHECK(ma == mb && !memcmp(ga, gb, ma * sizeof *ga), "%s ngram_hashes n=%u, len %zu", k->isa, g, n);
            }
        }
}

/* Random byte sets: empty, full, singletons, ASCII-only, high-bit-only, a
 * nibble row or column, random of random density; ascii_only keeps < 0x80. */
static void random_set(uint64_t m[4], int ascii_only)
{
    unsigned lim = ascii_only ? 128 : 256, kind = rndn(8), dens = 1 + rndn(255);
    memset(m, 0, 4 * sizeof *m);
    for (unsigned c = 0; c < lim; c++) {
        int in;
        switch (kind) {
        case 0: in = 0; break;
        case 1: in = 1; break;
        case 2: in = c == 'e' || c == lim - 1; break;
        case 3: in = c < 128 && rndn(256) < dens; break;
        case 4: in = c >= 128 && rndn(256) < dens; break;
        case 5: in = (c & 15) == (dens & 15); break;
        case 6: in = (c >> 4) == (dens & 15); break;
        default: in = rndn(256) < dens; break;
        }
        if (in)
            m[c >> 6] |= 1ull << (c & 63);
    }
}

static void cmp_bytesets(const struct miair_kernels *k, const uint8_t *p, size_t n)
{
    static uint64_t a[(MIAIR_BLOCKS(BIGLEN) + 3) * MIAIR_CLS_COUNT + 8], b[(MIAIR_BLOCKS(BIGLEN) + 3) * MIAIR_CLS_COUNT + 8];
    uint64_t m[MIAIR_BYTESETS_MAX][4];
    for (int rep = 0; rep < 2; rep++) {
        unsigned nsets = 1 + rndn(MIAIR_BYTESETS_MAX);
        for (unsigned j = 0; j < nsets; j++)
            random_set(m[j], rep);
        struct miair_bytesets s;
        miair_bytesets_init(&s, nsets, (const uint64_t(*)[4])m);
        size_t bs = rep ? 16 : nsets, total = MIAIR_BLOCKS(n) * bs + 8;
        memset(a, 0xA5, total * 8);
        memset(b, 0xA5, total * 8);
        k->byteset_bits(p, n, &s, a, bs);
        S->byteset_bits(p, n, &s, b, bs);
        int ok = !memcmp(a, b, total * 8);
        /* scalar against the sets themselves */
        for (size_t i = 0; ok && i < n; i++)
            for (unsigned j = 0; j < nsets; j++)
                ok &= ((b[(i / 64) * bs + j] >> (i % 64)) & 1) == ((m[j][p[i] >> 6] >> (p[i] & 63)) & 1);
        CHECK(ok, "%s byteset_bits (%u sets, stride %zu), len %zu", k->isa, nsets, bs, n);
    }
}

/* utf8_valid against scalar on the buffer, then with one byte changed (an
 * interesting byte or a random one) at a random position. */
static void cmp_valid(const struct miair_kernels *k, uint8_t *p, size_t n)
{
    static const uint8_t mut[] = {0x00, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2,
                                  0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};
    int a = k->utf8_valid(p, n), b = S->utf8_valid(p, n);
    CHECK(a == b, "%s utf8_valid, len %zu: %d, scalar %d", k->isa, n, a, b);
    if (!n)
        return;
    size_t pos = rndn((unsigned)n);
    uint8_t old = p[pos];
    p[pos] = rndn(2) ? mut[rndn(sizeof mut)] : (uint8_t)rnd();
    a = k->utf8_valid(p, n), b = S->utf8_valid(p, n);
    CHECK(a == b, "%s utf8_valid, len %zu, byte %zu = %02x: %d, scalar %d", k->isa, n, pos, p[pos], a, b);
    p[pos] = old;
}

/* Every string of 2 bytes, of 3 bytes with lead E0-F4 and of 4 bytes with
 * lead F0 or F4 and a third/fourth byte at a class edge, alone and across
 * the 64-byte boundary; one CHECK per group. */
static void cmp_valid_strings(const struct miair_kernels *k)
{
    static const uint8_t edge[] = {0x00, 0x7F, 0x80, 0xBF, 0xC0, 0xFF};
    uint8_t a[128], s[4];
    memset(a, 'a', sizeof a);
    unsigned long bad[3] = {0, 0, 0};
    for (unsigned v = 0; v < 1u << 16; v++) {
        s[0] = (uint8_t)(v >> 8), s[1] = (uint8_t)v;
        bad[0] += k->utf8_valid(s, 2) != S->utf8_valid(s, 2);
        memcpy(a + 63, s, 2);
        bad[0] += k->utf8_valid(a, 65) != S->utf8_valid(a, 65);
    }
    for (unsigned lead = 0xE0; lead <= 0xF4; lead++)
        for (unsigned v = 0; v < 1u << 16; v++) {
            s[0] = (uint8_t)lead, s[1] = (uint8_t)(v >> 8), s[2] = (uint8_t)v;
            bad[1] += k->utf8_valid(s, 3) != S->utf8_valid(s, 3);
            size_t pos = 62 + (v & 1);
            memcpy(a + pos, s, 3);
            bad[1] += k->utf8_valid(a, pos + 3) != S->utf8_valid(a, pos + 3);
            memset(a + pos, 'a', 3);
        }
    for (unsigned lead = 0xF0; lead <= 0xF4; lead += 4)
        for (unsigned b1 = 0; b1 < 256; b1++)
            for (unsigned e = 0; e < sizeof edge * sizeof edge; e++) {
                s[0] = (uint8_t)lead, s[1] = (uint8_t)b1, s[2] = edge[e / sizeof edge], s[3] = edge[e % sizeof edge];
                bad[2] += k->utf8_valid(s, 4) != S->utf8_valid(s, 4);
                size_t pos = 61 + e % 3;
                memcpy(a + pos, s, 4);
                bad[2] += k->utf8_valid(a, pos + 4) != S->utf8_valid(a, pos + 4);
                memset(a + pos, 'a', 4);
            }
    CHECK(!bad[0], "%s utf8_valid: %lu of the 2-byte strings differ from scalar", k->isa, bad[0]);
    CHECK(!bad[1], "%s utf8_valid: %lu of the 3-byte strings differ from scalar", k->isa, bad[1]);
    CHECK(!bad[2], "%s utf8_valid: %lu of the 4-byte strings differ from scalar", k->isa, bad[2]);
}

static void all(const struct miair_kernels *k, uint8_t *p, size_t n)
{
    cmp_valid(k, p, n);
    cmp_classify(k, p, n);
    cmp_histograms(k, p, n);
    cmp_bytes(k, p, n);
    cmp_words(k, p, n);
    cmp_bytesets(k, p, n);
}

/* ---- known answers (independent of scalar) ---------------------------- */

static void known(const struct miair_kernels *k)
{
    const char *s = "# Hi, (x)\n\t\x1c" "A_9\xc3\xa9!";
    uint64_t m[MIAIR_CLS_COUNT];
    k->classify((const uint8_t *)s, strlen(s), m, 1, 1);
    CHECK(m[MIAIR_CLS_HASH] == 1 && m[MIAIR_CLS_NEWLINE] == 1ull << 9 && m[MIAIR_CLS_TERM] == 1ull << 17 &&
              m[MIAIR_CLS_WORD] == ((1ull << 2) | (1ull << 3) | (1ull << 7) | (7ull << 12)) &&
              m[MIAIR_CLS_NONASCII] == (3ull << 15) && m[MIAIR_CLS_CONT] == 1ull << 16 &&
              m[MIAIR_CLS_UPPER] == ((1ull << 2) | (1ull << 12)) && m[MIAIR_CLS_SP] == ((1ull << 1) | (1ull << 5)) &&
              m[MIAIR_CLS_SPACE] == ((1ull << 1) | (1ull << 5) | (7ull << 9)),
          "%s classify known answer", k->isa);
    const char *u = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xc3\xa9z";
    uint64_t ascii[128] = {0};
    uint32_t keys[128] = {0};
    uint64_t counts[128];
    struct miair_cp_table t = {keys, counts, 127, 0};
    CHECK(k->utf8_histogram((const uint8_t *)u, strlen(u), ascii, &t) == strlen(u) && ascii['a'] == 1 &&
              t.used == 3 && miair_cp_table_get(&t, 0xE9) == 2 && miair_cp_table_get(&t, 0x1F600) == 1,
          "%s utf8_histogram known answer", k->isa);
    const char *ws = "Hello, wor_ld 42\xc3\xa9x";
    struct miair_word_hash w[10];
    size_t nw = k->word_hashes((const uint8_t *)ws, strlen(ws), NULL, 0, MIAIR_WORDS_LOWER, 0, w);
    CHECK(nw == 4 && w[0].hash == 0x9555e8555c62dcfdull && w[1].start == 7 && w[1].len == 6 &&
              w[3].flags == (MIAIR_WORD_NONASCII | MIAIR_WORD_CUT_END),
          "%s word_hashes known answer", k->isa);
    uint64_t hw[2] = {0x9555e8555c62dcfdull, 0xc2ff013ecda18e8full}, ng[2];
    CHECK(k->ngram_hashes(hw, 2, 1, 2, ng) == 1 && ng[0] == 0x57c490b4ebd06559ull, "%s ngram_hashes known answer",
          k->isa);
    uint64_t sm[2][4] = {{0}}, sb[2];
    sm[0][' ' >> 6] |= 1ull << (' ' & 63);
    sm[1][0xC3 >> 6] |= 1ull << (0xC3 & 63);
    sm[1][0xA9 >> 6] |= 1ull << (0xA9 & 63);
    struct miair_bytesets bs;
    miair_bytesets_init(&bs, 2, (const uint64_t(*)[4])sm);
    k->byteset_bits((const uint8_t *)s, strlen(s), &bs, sb, 2);
    CHECK(sb[0] == ((1ull << 1) | (1ull << 5)) && sb[1] == (3ull << 15), "%s byteset_bits known answer", k->isa);
    uint64_t pos[3];
    CHECK(k->byte_positions((const uint8_t *)"a\nb\n\n", 5, '\n', 100, pos) == 3 && pos[2] == 104,
          "%s byte_positions known answer", k->isa);
    static const struct {
        const char *s;
        int valid;
    } u8[] = {{"", 1}, {"abc\xc3\xa9", 1}, {"\xc3", 0}, {"\xc1\xbf", 0}, {"\xe0\xa0\x80", 1},
              {"\xe0\x9f\xbf", 0}, {"\xed\x9f\xbf", 1}, {"\xed\xa0\x80", 0}, {"\xf0\x90\x80\x80", 1},
              {"\xf0\x8f\xbf\xbf", 0}, {"\xf4\x8f\xbf\xbf", 1}, {"\xf4\x90\x80\x80", 0},
              {"\xf5\x80\x80\x80", 0}, {"\x80", 0}, {"a\xf0\x9f\x98\x80z", 1}, {"a\xf0\x9f\x98z", 0}};
    int u8ok = 1;
    for (size_t i = 0; i < sizeof u8 / sizeof *u8; i++)
        u8ok &= k->utf8_valid((const uint8_t *)u8[i].s, strlen(u8[i].s)) == u8[i].valid;
    CHECK(u8ok, "%s utf8_valid known answers", k->isa);
}

int main(void)
{
    const char *sd = getenv("MIAIR_TEST_SEED");
    uint64_t seed = (sd ? strtoull(sd, NULL, 10) : 20240601u) * 0x9E3779B97F4A7C15ull + 1;
    static uint8_t arena[BIGLEN + 64];
    const char *const *av = miair_kernels_available();
    const struct miair_kernels *best = miair_kernels_best();
    printf("kernels_cross: cpu = %s; available:", miair_cpu_features());
    for (int i = 0; av[i]; i++)
        printf(" %s", av[i]);
    printf("; best = %s\n", best->isa);
#if defined(__aarch64__)
    CHECK(best == &miair_kernels_neon, "the best table on aarch64 is %s, not neon", best->isa);
#endif
    const struct miair_kernels *g = miair_kernels_get();
    CHECK(g == miair_kernels_resolve(getenv("MIAIR_ISA"), NULL), "miair_kernels_get() ignores MIAIR_ISA");
    for (int i = 0; av[i]; i++) {
        const struct miair_kernels *k = miair_kernels_for(av[i]);
        CHECK(k && !strcmp(k->isa, av[i]), "miair_kernels_for(%s)", av[i]);
        if (!k)
            continue;
        unsigned long before = failed;
        rng = seed + (uint64_t)i;
        known(k);
        cmp_valid_strings(k);
        for (int kind = 0; kind < 2; kind++)
            for (size_t n = 0; n <= MAXLEN; n++) {
                uint8_t *p = arena + rndn(64);
                fill(p, n, kind);
                all(k, p, n);
            }
        static const size_t big[] = {8127, 8129, 16257, 40000, BIGLEN};
        for (size_t j = 0; j < sizeof big / sizeof *big; j++) {
            uint8_t *p = arena + rndn(64);
            fill(p, big[j], (int)(j % 2));
            all(k, p, big[j]);
        }
        printf("kernels_cross: %-6s %s\n", k->isa, failed == before ? "ok" : "FAILED");
    }
    printf("%lu passed, %lu failed\n", passed, failed);
    return failed ? 1 : 0;
}
