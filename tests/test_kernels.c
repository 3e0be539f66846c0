/* Kernel tests: every kernel of every ISA this machine runs (NEON always,
 * through SIMDe off aarch64) against the scalar table bit for bit, and all
 * of them against naive one-byte-at-a-time references written here from the
 * contract in kernels/kernels.h. Random buffers of every length 0..1024 at
 * random alignments 0..63, random bytes and biased text (mostly ASCII prose,
 * some UTF-8), buffers against PROT_NONE guard pages, and hand-written cases
 * with known answers. MIAIR_TEST_SEED=n changes the random seed. */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "dispatch.h"
#include "kernels.h"

#define XXH_INLINE_ALL /* the naive word hashes: one-shot XXH3 of a lowered copy */
#include <xxhash.h>

#define MAXLEN 1024
#define ARENA (MAXLEN + 4 * 64)

/* ---- random ---------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static unsigned rndn(unsigned n)
{
    return (unsigned)(rnd() % n);
}

static void seed(uint64_t salt)
{
    const char *s = getenv("MIAIR_TEST_SEED");
    rng_state = (s ? strtoull(s, NULL, 10) : 20240601u) * 0x9E3779B97F4A7C15ull + salt + 1;
    if (!rng_state)
        rng_state = 1;
}

static void fill_random(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rnd();
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

/* Mostly ASCII prose with Markdown punctuation, some valid UTF-8; the last
 * sequence may be cut by the end of the buffer. */
static void fill_text(uint8_t *p, size_t n)
{
    static const char *const words[] = {"the", "API", "code", "is", "was", "example", "TODO",
                                        "v1.2.3", "Use", "data_base", "x", "function", "(see", "[link](u)",
                                        "{a}", "`c`", "```", "#", "##", "...", "!", "?", "e-mail"};
    static const char *const seps[] = {" ", " ", " ", " ", "  ", "\n", "\n\n", "\t", ". ", ", ",
                                       "\r\n", "\x1c", "\v"};
    static const uint32_t cps[] = {0xE9, 0xFC, 0x3A3, 0x3C3, 0x130, 0x85, 0xA0, 0x2003, 0x20AC,
                                   0x4E2D, 0x6587, 0xFEFF, 0xFFFD, 0x1F600, 0x10348, 0x10FFFF, 0x7FF,
                                   0x800, 0xFFFF, 0x10000};
    uint8_t tmp[16];
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
        } else if (r < 95) {
            k = put_utf8(tmp, cps[rndn(sizeof cps / sizeof *cps)]);
        } else {
            uint32_t cp = 0x80 + rndn(0x10FFFF - 0x80);
            if (cp >= 0xD800 && cp < 0xE000)
                cp = 0xE000;
            k = put_utf8(tmp, cp);
        }
        if (k > n - i)
            k = n - i;
        memcpy(p + i, tmp, k);
        i += k;
    }
}

/* ---- naive references (one byte at a time, from the contract) -------- */

static int naive_in_class(int c, uint8_t b)
{
    switch (c) {
    case MIAIR_CLS_SPACE:
        return b == ' ' || b == '\t' || b == '\n' || b == '\v' || b == '\f' || b == '\r' ||
               (b >= 0x1C && b <= 0x1F);
    case MIAIR_CLS_WORD:
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_';
    case MIAIR_CLS_TERM:
        return b == '.' || b == '!' || b == '?';
    case MIAIR_CLS_NEWLINE:
        return b == '\n';
    case MIAIR_CLS_HASH:
        return b == '#';
    case MIAIR_CLS_BACKTICK:
        return b == '`';
    case MIAIR_CLS_LBRACKET:
        return b == '[';
    case MIAIR_CLS_RBRACKET:
        return b == ']';
    case MIAIR_CLS_LPAREN:
        return b == '(';
    case MIAIR_CLS_RPAREN:
        return b == ')';
    case MIAIR_CLS_LBRACE:
        return b == '{';
    case MIAIR_CLS_RBRACE:
        return b == '}';
    case MIAIR_CLS_SP:
        return b == ' ';
    case MIAIR_CLS_NONASCII:
        return b >= 0x80;
    case MIAIR_CLS_CONT:
        return (b & 0xC0) == 0x80;
    case MIAIR_CLS_UPPER:
        return b >= 'A' && b <= 'Z';
    }
    return -1;
}

static void naive_classify(const uint8_t *p, size_t n, uint64_t *out, size_t cs, size_t bs)
{
    for (size_t b = 0; b < MIAIR_BLOCKS(n); b++)
        for (int c = 0; c < MIAIR_CLS_COUNT; c++)
            out[c * cs + b * bs] = 0;
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < MIAIR_CLS_COUNT; c++)
            if (naive_in_class(c, p[i]))
                out[c * cs + (i / 64) * bs] |= 1ull << (i % 64);
}

static unsigned naive_seqlen(uint8_t b)
{
    return b < 0x80 ? 1 : b < 0xC0 ? 0 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : b < 0xF8 ? 4 : 0;
}

/* Code-point counts of the contract: returns consumed (with an unbounded
 * table), ascii[] and multi[cp] (cp < 2^21) added to. */
static uint32_t *naive_multi; /* 2^21 counters */

static size_t naive_utf8(const uint8_t *p, size_t n, uint64_t ascii[128])
{
    for (size_t i = 0; i < n; i++) {
        unsigned k = naive_seqlen(p[i]);
        if (k == 1) {
            ascii[p[i]]++;
        } else if (k > 1) {
            if (n - i < k)
                return i;
            uint32_t cp = p[i] & (0x7F >> k);
            for (unsigned j = 1; j < k; j++)
                cp = cp << 6 | (p[i + j] & 0x3F);
            if (cp < 0x80)
                cp = 0xFFFD;
            naive_multi[cp]++;
        }
    }
    return n;
}

/* ---- the table under test --------------------------------------------- */

static const struct miair_kernels *isa_of(void **state)
{
    return (const struct miair_kernels *)*state;
}

static uint8_t *arena(void)
{
    static uint8_t *a;
    if (!a) {
        if (posix_memalign((void **)&a, 64, ARENA) != 0)
            abort();
    }
    return a;
}

/* Runs fn(buffer, len) for every len 0..MAXLEN, for random bytes and text,
 * each at a random alignment 0..63. */
static void for_each_case(uint64_t salt, void (*fn)(const struct miair_kernels *, const uint8_t *, size_t),
                          const struct miair_kernels *k)
{
    seed(salt);
    for (int kind = 0; kind < 2; kind++)
        for (size_t len = 0; len <= MAXLEN; len++) {
            uint8_t *p = arena() + rndn(64);
            if (kind == 0)
                fill_random(p, len);
            else
                fill_text(p, len);
            fn(k, p, len);
        }
    /* a few longer ones: inner-loop limits of count_byte, flushes */
    static const size_t big[] = {8127, 8128, 8129, 16257, 40000, 65536 + 3, 200001};
    uint8_t *b = malloc(200001 + 64);
    assert_non_null(b);
    for (size_t i = 0; i < sizeof big / sizeof *big; i++) {
        uint8_t *p = b + rndn(64);
        if (i % 2)
            fill_text(p, big[i]);
        else
            fill_random(p, big[i]);
        if (i == 3)
            memset(p, '\n', big[i]); /* one value everywhere */
        fn(k, p, big[i]);
    }
    free(b);
}

/* ---- classify ----------------------------------------------------------- */

#define SENTINEL 0xA5A5A5A5A5A5A5A5ull

static void check_classify(const struct miair_kernels *k, const uint8_t *p, size_t n)
{
    static uint64_t got[(MIAIR_CLS_COUNT + 1) * 4000], want[(MIAIR_CLS_COUNT + 1) * 4000];
    size_t nb = MIAIR_BLOCKS(n);
    /* struct of arrays with gaps between classes */
    size_t cs = nb + 3, total = cs * MIAIR_CLS_COUNT + 8;
    assert_true(total <= sizeof got / sizeof *got);
    for (size_t i = 0; i < total; i++)
        got[i] = want[i] = SENTINEL;
    k->classify(p, n, got, cs, 1);
    naive_classify(p, n, want, cs, 1);
    assert_memory_equal(got, want, total * sizeof *got);
    /* array of structs, 16 words per block */
    total = nb * 16 + 8;
    for (size_t i = 0; i < total; i++)
        got[i] = want[i] = SENTINEL;
    k->classify(p, n, got, 1, 16);
    naive_classify(p, n, want, 1, 16);
    assert_memory_equal(got, want, total * sizeof *got);
    if (k != &miair_kernels_scalar) {
        for (size_t i = 0; i < total; i++)
            want[i] = SENTINEL;
        miair_kernels_scalar.classify(p, n, want, 1, 16);
        assert_memory_equal(got, want, total * sizeof *got);
    }
    /* classify_text: the classes of MIAIR_CLS_TEXT_MASK as classify writes them, the others' words
     * untouched */
    for (size_t i = 0; i < total; i++)
        got[i] = SENTINEL;
    k->classify_text(p, n, got, 1, 16);
    for (size_t b = 0; b < nb; b++)
        for (int c = 0; c < MIAIR_CLS_COUNT; c++)
            if (!((MIAIR_CLS_TEXT_MASK >> c) & 1))
                want[b * 16 + (size_t)c] = SENTINEL;
    assert_memory_equal(got, want, total * sizeof *got);
}

static void test_classify(void **state)
{
    for_each_case(1, check_classify, isa_of(state));
}

/* ---- byte histogram ----------------------------------------------------- */

static void check_byte_histogram(const struct miair_kernels *k, const uint8_t *p, size_t n)
{
    uint64_t got[256], want[256], ref[256];
    for (int b = 0; b < 256; b++)
        got[b] = want[b] = ref[b] = rnd() >> 20; /* accumulates */
    k->byte_histogram(p, n, got);
    miair_kernels_scalar.byte_histogram(p, n, ref);
    for (size_t i = 0; i < n; i++)
        want[p[i]]++;
    assert_memory_equal(got, want, sizeof got);
    assert_memory_equal(ref, want, sizeof got);
}

static void test_byte_histogram(void **state)
{
    for_each_case(2, check_byte_histogram, isa_of(state));
}

/* ---- code-point histogram -------------------------------------------- */

struct cptab {
    struct miair_cp_table t;
    size_t grows;
};

static void cptab_init(struct cptab *c, size_t slots)
{
    c->t.keys = calloc(slots, sizeof *c->t.keys);
    c->t.counts = calloc(slots, sizeof *c->t.counts);
    assert_non_null(c->t.keys);
    assert_non_null(c->t.counts);
    c->t.mask = slots - 1;
    c->t.used = 0;
    c->grows = 0;
}

static void cptab_free(struct cptab *c)
{
    free(c->t.keys);
    free(c->t.counts);
}

static void cptab_grow(struct cptab *c)
{
    struct cptab bigger;
    cptab_init(&bigger, (c->t.mask + 1) * 2);
    miair_cp_table_merge(&bigger.t, &c->t);
    bigger.grows = c->grows + 1;
    cptab_free(c);
    *c = bigger;
}

/* The caller's loop of the contract: grow when asked, stop at a truncated
 * tail. Records each call's return in steps[]. */
static size_t run_utf8(const struct miair_kernels *k, const uint8_t *p, size_t n, uint64_t ascii[128],
                       struct cptab *c, size_t *steps, size_t *nsteps)
{
    size_t off = 0;
    *nsteps = 0;
    for (;;) {
        size_t got = k->utf8_histogram(p + off, n - off, ascii, &c->t);
        assert_true(got <= n - off);
        steps[(*nsteps)++] = got;
        assert_true(*nsteps < 10000);
        off += got;
        if (off == n)
            return off;
        if (!miair_cp_table_needs_grow(&c->t)) {
            assert_true(n - off <= 3); /* a truncated sequence */
            return off;
        }
        cptab_grow(c);
    }
}

static void check_utf8(const struct miair_kernels *k, const uint8_t *p, size_t n)
{
    static size_t steps_k[10000], steps_s[10000];
    size_t nk, ns;
    uint64_t ascii_k[128], ascii_s[128], ascii_n[128];
    for (int b = 0; b < 128; b++)
        ascii_k[b] = ascii_s[b] = ascii_n[b] = b;
    struct cptab ck, cs;
    cptab_init(&ck, MIAIR_CP_TABLE_MIN_SLOTS);
    cptab_init(&cs, MIAIR_CP_TABLE_MIN_SLOTS);
    size_t got = run_utf8(k, p, n, ascii_k, &ck, steps_k, &nk);
    size_t ref = run_utf8(&miair_kernels_scalar, p, n, ascii_s, &cs, steps_s, &ns);
    /* bit for bit against scalar: every step, the ASCII counts, the table
     * layout */
    assert_int_equal(got, ref);
    assert_int_equal(nk, ns);
    assert_memory_equal(steps_k, steps_s, nk * sizeof *steps_k);
    assert_memory_equal(ascii_k, ascii_s, sizeof ascii_k);
    assert_int_equal(ck.t.mask, cs.t.mask);
    assert_int_equal(ck.t.used, cs.t.used);
    assert_memory_equal(ck.t.keys, cs.t.keys, (ck.t.mask + 1) * sizeof *ck.t.keys);
    assert_memory_equal(ck.t.counts, cs.t.counts, (ck.t.mask + 1) * sizeof *ck.t.counts);
    /* against the naive definition */
    size_t want = naive_utf8(p, n, ascii_n);
    assert_int_equal(got, want);
    assert_memory_equal(ascii_k, ascii_n, sizeof ascii_k);
    size_t distinct = 0;
    for (size_t i = 0; i <= ck.t.mask; i++) {
        uint32_t key = ck.t.keys[i];
        if (key) {
            distinct++;
            assert_true(key < (1u << 21));
            assert_int_equal(ck.t.counts[i], naive_multi[key]);
            naive_multi[key] = 0; /* also resets for the next case */
        }
    }
    assert_true(ck.t.used == distinct);
    /* every naive count was consumed by the loop above */
    for (size_t i = 0; i < want; i++) {
        unsigned s = naive_seqlen(p[i]);
        if (s > 1 && n - i >= s) {
            uint32_t cp = p[i] & (0x7F >> s);
            for (unsigned j = 1; j < s; j++)
                cp = cp << 6 | (p[i + j] & 0x3F);
            if (cp < 0x80)
                cp = 0xFFFD;
            assert_int_equal(naive_multi[cp], 0);
        }
    }
    cptab_free(&ck);
    cptab_free(&cs);
}

static void test_utf8_histogram(void **state)
{
    for_each_case(3, check_utf8, isa_of(state));
}

/* ---- count_byte / byte_positions / ascii_prefix_len ----------------- */

static uint8_t pick_byte(const uint8_t *p, size_t n)
{
    unsigned r = rndn(4);
    if (r == 0 || n == 0)
        return (uint8_t)rnd();
    if (r == 1)
        return '\n';
    return p[rndn((unsigned)n)]; /* one that occurs */
}

static void check_count_positions(const struct miair_kernels *k, const uint8_t *p, size_t n)
{
    static uint64_t got[200001 + 4], want[200001 + 4];
    for (int rep = 0; rep < 3; rep++) {
        uint8_t byte = rep == 2 ? 0 : pick_byte(p, n);
        uint64_t base = rnd() >> 8;
        size_t cnt = 0;
        for (size_t i = 0; i < n; i++)
            if (p[i] == byte)
                want[cnt++] = base + i;
        assert_int_equal(k->count_byte(p, n, byte), cnt);
        for (size_t i = 0; i < cnt + 4; i++)
            got[i] = SENTINEL;
        assert_int_equal(k->byte_positions(p, n, byte, base, got), cnt);
        assert_memory_equal(got, want, cnt * sizeof *got);
        for (size_t i = cnt; i < cnt + 4; i++)
            assert_true(got[i] == SENTINEL);
    }
}

static void test_count_positions(void **state)
{
    for_each_case(4, check_count_positions, isa_of(state));
}

static void check_ascii_prefix(const struct miair_kernels *k, const uint8_t *p, size_t n)
{
    size_t want = 0;
    while (want < n && p[want] < 0x80)
        want++;
    assert_int_equal(k->ascii_prefix_len(p, n), want);
    assert_int_equal(miair_is_ascii(k, p, n), want == n);
}

static void test_ascii_prefix(void **state)
{
    const struct miair_kernels *k = isa_of(state);
    for_each_case(5, check_ascii_prefix, k);
    /* pure ASCII of every length, a single high byte at every position */
    uint8_t *a = arena();
    seed(55);
    for (size_t n = 0; n <= 300; n++) {
        uint8_t *p = a + rndn(64);
        for (size_t i = 0; i < n; i++)
            p[i] = (uint8_t)(rndn(128));
        check_ascii_prefix(k, p, n);
        if (n) {
            size_t pos = rndn((unsigned)n);
            p[pos] = (uint8_t)(0x80 | rnd());
            check_ascii_prefix(k, p, n);
        }
    }
}

/* ---- word and n-gram hashes -------------------------------------------- */

static int naive_word_byte(uint8_t b)
{
    return naive_in_class(MIAIR_CLS_WORD, b);
}

static uint64_t naive_hash(const uint8_t *p, size_t n, unsigned opts)
{
    uint8_t *tmp = malloc(n + 1);
    assert_non_null(tmp);
    for (size_t i = 0; i < n; i++)
        tmp[i] = (opts & MIAIR_WORDS_LOWER) && p[i] >= 'A' && p[i] <= 'Z' ? (uint8_t)(p[i] + 32) : p[i];
    uint64_t h = XXH3_64bits(tmp, n);
    free(tmp);
    return h;
}

/* The words of the contract, one byte at a time. */
static size_t naive_words(const uint8_t *p, size_t n, unsigned opts, uint64_t base, struct miair_word_hash *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        if (!naive_word_byte(p[i])) {
            i++;
            continue;
        }
        size_t e = i;
        while (e < n && naive_word_byte(p[e]))
            e++;
        uint32_t f = 0;
        if (i == 0)
            f |= MIAIR_WORD_CUT_START;
        if (e == n)
            f |= MIAIR_WORD_CUT_END;
        if ((i > 0 && p[i - 1] >= 0x80) || (e < n && p[e] >= 0x80))
            f |= MIAIR_WORD_NONASCII;
        out[k++] = (struct miair_word_hash){naive_hash(p + i, e - i, opts), base + i, (uint32_t)(e - i), f};
        i = e;
    }
    return k;
}

#define WORDS_CAP (MIAIR_WORDS_MAX(200001) + 4)

static void assert_words_equal(const struct miair_word_hash *a, const struct miair_word_hash *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i].hash != b[i].hash || a[i].start != b[i].start || a[i].len != b[i].len || a[i].flags != b[i].flags)
            fail_msg("word %zu: got (start %llu, len %u, flags %u, hash %016llx), want (%llu, %u, %u, %016llx)", i,
                     (unsigned long long)a[i].start, a[i].len, a[i].flags, (unsigned long long)a[i].hash,
                     (unsigned long long)b[i].start, b[i].len, b[i].flags, (unsigned long long)b[i].hash);
    }
}

static void check_words(const struct miair_kernels *k, const uint8_t *p, size_t n)
{
    static struct miair_word_hash got[WORDS_CAP], want[WORDS_CAP], ref[WORDS_CAP];
    static uint64_t cls[(MIAIR_BLOCKS(200001) + 8) * MIAIR_CLS_COUNT + 16];
    const struct miair_word_hash sentinel = {SENTINEL, SENTINEL, 0xA5A5A5A5u, 0xA5A5A5A5u};
    size_t nb = MIAIR_BLOCKS(n), cap = MIAIR_WORDS_MAX(n);
    for (unsigned opts = 0; opts <= MIAIR_WORDS_LOWER; opts++) {
        uint64_t base = rnd() >> 8;
        size_t nw = naive_words(p, n, opts, base, want);
        assert_true(nw <= cap);
        for (int mode = 0; mode < 3; mode++) {
            const uint64_t *bits = NULL;
            size_t bs = 0;
            if (mode == 1) { /* classify's array of structs */
                k->classify(p, n, cls, 1, 16);
                bits = cls + MIAIR_CLS_WORD;
                bs = 16;
            } else if (mode == 2) { /* struct of arrays */
                size_t cs = nb + 8;
                assert_true(cs * MIAIR_CLS_COUNT <= sizeof cls / sizeof *cls);
                k->classify(p, n, cls, cs, 1);
                bits = cls + MIAIR_CLS_WORD * cs;
                bs = 1;
            }
            for (size_t i = 0; i < cap + 4; i++)
                got[i] = sentinel;
            size_t c = k->word_hashes(p, n, bits, bs, opts, base, got);
            assert_int_equal(c, nw);
            assert_words_equal(got, want, nw);
            for (size_t i = nw; i < cap + 4; i++)
                assert_memory_equal(&got[i], &sentinel, sizeof sentinel);
            if (k != &miair_kernels_scalar) {
                assert_int_equal(miair_kernels_scalar.word_hashes(p, n, bits, bs, opts, base, ref), nw);
                assert_memory_equal(ref, got, nw * sizeof *got);
            }
        }
    }
}

static void test_word_hashes(void **state)
{
    const struct miair_kernels *k = isa_of(state);
    for_each_case(7, check_words, k);
    /* words of every length 1..2100 (the lowered copy ends at 256; longer
     * ones stream), mixed case, at random alignments, with neighbours */
    uint8_t *b = malloc(2200 + 64);
    assert_non_null(b);
    seed(77);
    static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
    for (size_t len = 1; len <= 2100; len += len < 300 ? 1 : 37) {
        uint8_t *p = b + rndn(64);
        p[0] = rndn(2) ? ' ' : 0xC3;
        for (size_t i = 1; i <= len; i++)
            p[i] = (uint8_t)alnum[rndn(sizeof alnum - 1)];
        p[len + 1] = rndn(2) ? '.' : 0xA9;
        check_words(k, p, len + 2);
        check_words(k, p + 1, len); /* the word is the whole buffer */
    }
    free(b);
}

/* The n-gram formula of kernels.h, computed directly. */
static uint64_t naive_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t naive_ngram(const uint64_t *h, size_t stride, unsigned n)
{
    uint64_t s = 0;
    for (unsigned j = 0; j < n; j++) {
        uint64_t pw = 1;
        for (unsigned e = 0; e < n - 1 - j; e++)
            pw *= MIAIR_NGRAM_P;
        s += h[j * stride] * pw;
    }
    return naive_mix64(s + (uint64_t)n * MIAIR_NGRAM_N);
}

static void test_ngram_hashes(void **state)
{
    const struct miair_kernels *k = isa_of(state);
    static uint64_t h[3 * 600], got[600 + 4], ref[600 + 4];
    seed(8);
    for (size_t count = 0; count <= 600; count += count < 40 ? 1 : 53) {
        for (size_t stride = 1; stride <= 3; stride += 2) {
            for (size_t i = 0; i < count * stride; i++)
                h[i] = rndn(4) ? rnd() : rndn(3); /* some tiny values: carries, zeros */
            for (unsigned n = 0; n <= 12; n++) {
                for (size_t i = 0; i < 604; i++)
                    got[i] = SENTINEL;
                size_t m = k->ngram_hashes(h, count, stride, n, got);
                size_t want = n == 0 || count < n ? 0 : count - n + 1;
                assert_int_equal(m, want);
                for (size_t i = 0; i < m; i++)
                    assert_true(got[i] == naive_ngram(h + i * stride, stride, n));
                for (size_t i = m; i < 604; i++)
                    assert_true(got[i] == SENTINEL);
                assert_int_equal(miair_kernels_scalar.ngram_hashes(h, count, stride, n, ref), m);
                assert_memory_equal(ref, got, m * sizeof *got);
            }
        }
    }
    /* the hash field of word_hashes' output, through MIAIR_WORD_HASH_STRIDE */
    const char *s = "the quick brown fox jumps over the lazy dog";
    struct miair_word_hash w[MIAIR_WORDS_MAX(43)];
    size_t nw = k->word_hashes((const uint8_t *)s, strlen(s), NULL, 0, 0, 0, w);
    assert_int_equal(nw, 9);
    uint64_t plain[9];
    for (size_t i = 0; i < nw; i++)
        plain[i] = w[i].hash;
    assert_int_equal(k->ngram_hashes(&w[0].hash, nw, MIAIR_WORD_HASH_STRIDE, 3, got), 7);
    assert_int_equal(k->ngram_hashes(plain, nw, 1, 3, ref), 7);
    assert_memory_equal(got, ref, 7 * sizeof *got);
    /* "the" at 0 and 6: same word hash; the bigrams "the quick" and "the lazy" differ */
    assert_true(w[0].hash == w[6].hash);
    assert_int_equal(k->ngram_hashes(plain, nw, 1, 2, got), 8);
    assert_true(got[0] != got[6]);
}

/* ---- byte sets --------------------------------------------------------- */

static int in_set(const uint64_t m[4], unsigned c)
{
    return (int)((m[c >> 6] >> (c & 63)) & 1);
}

static void set_add(uint64_t m[4], unsigned c)
{
    m[c >> 6] |= 1ull << (c & 63);
}

/* One random 256-bit set: empty, full, singletons, complements, ranges,
 * ASCII-only, high-bit-only, punctuation, random of random density. With
 * ascii_only, only members < 0x80. */
static void random_set(uint64_t m[4], int ascii_only)
{
    static const char punct[] = " \t\n.,;:!?#`[](){}<>\"'*_-/\\|=+";
    unsigned lim = ascii_only ? 128 : 256;
    memset(m, 0, 4 * sizeof *m);
    unsigned kind = rndn(12), dens = 1 + rndn(255);
    switch (kind) {
    case 0: /* empty */
        break;
    case 1: /* everything (< lim) */
        for (unsigned c = 0; c < lim; c++)
            set_add(m, c);
        break;
    case 2: /* a singleton */
        set_add(m, rndn(lim));
        break;
    case 3: /* all but one */
        for (unsigned c = 0, x = rndn(lim); c < lim; c++)
            if (c != x)
                set_add(m, c);
        break;
    case 4: { /* a range */
        unsigned a = rndn(lim), b = rndn(lim);
        for (unsigned c = a < b ? a : b; c <= (a < b ? b : a); c++)
            set_add(m, c);
        break;
    }
    case 5: /* ASCII only, random density */
        for (unsigned c = 0; c < 128; c++)
            if (rndn(256) < dens)
                set_add(m, c);
        break;
    case 6: /* high-bit bytes only (a singleton when ascii_only) */
        if (ascii_only) {
            set_add(m, rndn(128));
            break;
        }
        for (unsigned c = 128; c < 256; c++)
            if (rndn(256) < dens)
                set_add(m, c);
        break;
    case 7: /* punctuation, some of it */
        for (const char *q = punct; *q; q++)
            if (rndn(3) == 0)
                set_add(m, (unsigned char)*q);
        break;
    case 8: /* a few bytes */
        for (unsigned i = 0, n = 1 + rndn(6); i < n; i++)
            set_add(m, rndn(lim));
        break;
    case 9: /* one high nibble row or one low nibble column */
        if (rndn(2)) {
            unsigned h = rndn(lim / 16);
            for (unsigned c = 16 * h; c < 16 * h + 16; c++)
                set_add(m, c);
        } else {
            for (unsigned c = rndn(16); c < lim; c += 16)
                set_add(m, c);
        }
        break;
    default: /* random, random density */
        for (unsigned c = 0; c < lim; c++)
            if (rndn(256) < dens)
                set_add(m, c);
        break;
    }
}

static void naive_bytesets(const uint8_t *p, size_t n, const uint64_t (*members)[4], unsigned nsets, uint64_t *out,
                           size_t bs)
{
    for (size_t b = 0; b < MIAIR_BLOCKS(n); b++)
        for (unsigned k = 0; k < nsets; k++)
            out[b * bs + k] = 0;
    for (size_t i = 0; i < n; i++)
        for (unsigned k = 0; k < nsets; k++)
            if (in_set(members[k], p[i]))
                out[(i / 64) * bs + k] |= 1ull << (i % 64);
}

#define BYTESET_OUT (MIAIR_BLOCKS(200001) * 16 + 16)

/* One kernel call against the naive reference and scalar, sentinels around
 * every word not written. */
static void check_byteset_with(const struct miair_kernels *k, const uint8_t *p, size_t n,
                               const uint64_t (*members)[4], unsigned nsets, size_t bs)
{
    static uint64_t got[BYTESET_OUT], want[BYTESET_OUT];
    struct miair_bytesets s;
    miair_bytesets_init(&s, nsets, members);
    size_t total = MIAIR_BLOCKS(n) * bs + 8;
    assert_true(total <= BYTESET_OUT);
    for (size_t i = 0; i < total; i++)
        got[i] = want[i] = SENTINEL;
    k->byteset_bits(p, n, &s, got, bs);
    naive_bytesets(p, n, members, nsets, want, bs);
    assert_memory_equal(got, want, total * sizeof *got);
    if (k != &miair_kernels_scalar) {
        for (size_t i = 0; i < total; i++)
            want[i] = SENTINEL;
        miair_kernels_scalar.byteset_bits(p, n, &s, want, bs);
        assert_memory_equal(got, want, total * sizeof *got);
    }
}

static void check_byteset(const struct miair_kernels *k, const uint8_t *p, size_t n)
{
    uint64_t members[MIAIR_BYTESETS_MAX][4];
    for (int rep = 0; rep < 2; rep++) { /* any sets; ASCII-only sets (the kernels' other path) */
        unsigned nsets = 1 + rndn(MIAIR_BYTESETS_MAX);
        for (unsigned j = 0; j < nsets; j++)
            random_set(members[j], rep);
        size_t bs = rndn(4) ? 16 : nsets + rndn(3); /* the record of the engine, or packed */
        check_byteset_with(k, p, n, (const uint64_t(*)[4])members, nsets, bs);
    }
}

static void test_byteset_bits(void **state)
{
    const struct miair_kernels *k = isa_of(state);
    for_each_case(9, check_byteset, k);
    /* known answers: six sets over a string of 69 bytes (two blocks) */
    const char *s = "Hi, (x) \xc3\xa9!\n"                                  /* 0..11 */
                    "0123456789012345678901234567890123456789012345678901" /* 12..63 */
                    "\xff\x00 ab";                                         /* 64..68 */
    const size_t n = 69;
    uint64_t m[6][4] = {{0}};
    set_add(m[0], 'H');
    set_add(m[0], 'a');
    for (unsigned c = 0; c < 256; c++)
        set_add(m[1], c); /* everything */
    /* m[2] empty */
    for (unsigned c = 0x80; c < 256; c++)
        set_add(m[3], c); /* non-ASCII */
    set_add(m[4], ' ');
    set_add(m[4], '\n');
    set_add(m[4], '0');
    set_add(m[5], 0xFF);
    set_add(m[5], 0x00);
    set_add(m[5], 0xA9);
    struct miair_bytesets bsets;
    miair_bytesets_init(&bsets, 6, (const uint64_t(*)[4])m);
    assert_int_equal(bsets.nsets, 6);
    assert_int_equal(bsets.high, (1u << 1) | (1u << 3) | (1u << 5));
    uint64_t out[2 * 16];
    for (int i = 0; i < 32; i++)
        out[i] = SENTINEL;
    k->byteset_bits((const uint8_t *)s, n, &bsets, out, 16);
    /* '0' every 10 bytes from 12 */
    uint64_t zeros0 = (1ull << 12) | (1ull << 22) | (1ull << 32) | (1ull << 42) | (1ull << 52) | (1ull << 62);
    assert_true(out[0] == 1ull << 0 && out[16] == 1ull << 3); /* 'H' at 0, 'a' at 67 */
    assert_true(out[1] == ~0ull && out[17] == 0x1F);
    assert_true(out[2] == 0 && out[18] == 0);
    assert_true(out[3] == ((1ull << 8) | (1ull << 9)) && out[19] == 1ull << 0);
    assert_true(out[4] == ((1ull << 3) | (1ull << 7) | (1ull << 11) | zeros0));
    assert_true(out[20] == 1ull << 2);
    assert_true(out[5] == 1ull << 9 && out[21] == 3); /* 0xA9, then 0xFF 0x00 */
    for (int i = 6; i < 16; i++)
        assert_true(out[i] == SENTINEL && out[16 + i] == SENTINEL);
    /* every byte value against every set of a random family */
    uint8_t all[256];
    for (int c = 0; c < 256; c++)
        all[c] = (uint8_t)c;
    uint64_t fam[MIAIR_BYTESETS_MAX][4], w[4 * MIAIR_BYTESETS_MAX];
    seed(99);
    for (int rep = 0; rep < 200; rep++) {
        for (unsigned j = 0; j < MIAIR_BYTESETS_MAX; j++)
            random_set(fam[j], rep % 3 == 0);
        miair_bytesets_init(&bsets, MIAIR_BYTESETS_MAX, (const uint64_t(*)[4])fam);
        k->byteset_bits(all, 256, &bsets, w, MIAIR_BYTESETS_MAX);
        for (unsigned j = 0; j < MIAIR_BYTESETS_MAX; j++)
            for (unsigned b = 0; b < 4; b++)
                assert_true(w[b * MIAIR_BYTESETS_MAX + j] == fam[j][b]);
    }
    /* nsets 0 writes nothing */
    miair_bytesets_init(&bsets, 0, NULL);
    out[0] = SENTINEL;
    k->byteset_bits(all, 256, &bsets, out, 1);
    assert_true(out[0] == SENTINEL);
}

/* The tables of miair_bytesets_init against the sets, for all 256 bytes (a
 * scalar emulation of the nibble lookups). */
static void test_byteset_tables(void **state)
{
    (void)state;
    uint64_t m[MIAIR_BYTESETS_MAX + 2][4];
    struct miair_bytesets s;
    seed(98);
    for (int rep = 0; rep < 500; rep++) {
        unsigned nsets = rndn(MIAIR_BYTESETS_MAX + 3); /* > 8 counts as 8 */
        for (unsigned j = 0; j < nsets; j++)
            random_set(m[j], rep % 2);
        miair_bytesets_init(&s, nsets, (const uint64_t(*)[4])m);
        unsigned eff = nsets > MIAIR_BYTESETS_MAX ? MIAIR_BYTESETS_MAX : nsets;
        assert_int_equal(s.nsets, eff);
        unsigned high = 0;
        for (unsigned c = 0; c < 256; c++) {
            for (unsigned j = 0; j < MIAIR_BYTESETS_MAX; j++) {
                int want = j < eff && in_set(m[j], c);
                high |= (unsigned)(want && c >= 0x80) << j;
                assert_int_equal((s.bits[c] >> j) & 1, want);
                assert_int_equal((s.nib[j][(c >> 7) * 16 + (c & 15)] >> ((c >> 4) & 7)) & 1, want);
            }
        }
        assert_int_equal(s.high, high);
    }
}

/* ---- utf8_valid ----------------------------------------------------------- */

/* From first principles: decode each sequence by its lead byte's pattern,
 * then reject a wrong continuation, a cut sequence, and a decoded value
 * that is overlong (below the minimum of its length), a surrogate or above
 * U+10FFFF. */
static int naive_utf8_valid(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint32_t b = p[i], cp, min;
        size_t len;
        if (b < 0x80) {
            i++;
            continue;
        } else if ((b & 0xE0) == 0xC0) {
            len = 2, cp = b & 0x1F, min = 0x80;
        } else if ((b & 0xF0) == 0xE0) {
            len = 3, cp = b & 0x0F, min = 0x800;
        } else if ((b & 0xF8) == 0xF0) {
            len = 4, cp = b & 0x07, min = 0x10000;
        } else {
            return 0; /* continuation or 0xF8-0xFF as a lead */
        }
        if (n - i < len)
            return 0;
        for (size_t j = 1; j < len; j++) {
            if ((p[i + j] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i + j] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

/* k against the reference and scalar; want >= 0: the expected answer too. */
static void check_valid_is(const struct miair_kernels *k, const uint8_t *p, size_t n, int want)
{
    int got = k->utf8_valid(p, n), ref = naive_utf8_valid(p, n), sc = miair_kernels_scalar.utf8_valid(p, n);
    if (got != ref || sc != ref || (want >= 0 && ref != want)) {
        print_error("utf8_valid/%s: len %zu: got %d, scalar %d, reference %d, expected %d; bytes:", k->isa, n,
                    got, sc, ref, want);
        for (size_t i = 0; i < n && i < 160; i++)
            print_error(" %02x", p[i]);
        print_error("\n");
        fail();
    }
}

static void check_utf8_valid(const struct miair_kernels *k, const uint8_t *p, size_t n)
{
    check_valid_is(k, p, n, -1);
}

/* Code points of every length, often at the edges of the length classes
 * and of the surrogate gap. */
static uint32_t random_cp(void)
{
    static const uint32_t edge[] = {0x00,    0x01,    0x7E,    0x7F,    0x80,     0x81,     0x7FE,
                                    0x7FF,   0x800,   0x801,   0xFFF,   0x1000,   0xD7FF,   0xE000,
                                    0xE001,  0xFFFD,  0xFFFE,  0xFFFF,  0x10000,  0x10001,  0x3FFFF,
                                    0x40000, 0xFFFFF, 0x100000, 0x10FFFE, 0x10FFFF, 0xD7FE, 0xEFFF};
    uint32_t cp;
    switch (rndn(7)) {
    case 0:
    case 1:
        return 0x20 + rndn(0x5F);
    case 2:
        return edge[rndn(sizeof edge / sizeof *edge)];
    case 3:
        return 0x80 + rndn(0x800 - 0x80);
    case 4:
        cp = 0x800 + rndn(0x10000 - 0x800);
        return cp >= 0xD800 && cp <= 0xDFFF ? cp + 0x800 : cp;
    case 5:
        return 0x10000 + rndn(0x100000);
    default:
        return rndn(0x80);
    }
}

/* Exactly n bytes of valid UTF-8 (an ASCII byte where a sequence would not fit). */
static void fill_valid(uint8_t *p, size_t n)
{
    size_t i = 0;
    uint8_t tmp[4];
    while (i < n) {
        size_t k = put_utf8(tmp, random_cp());
        if (k > n - i) {
            p[i++] = (uint8_t)('a' + rndn(26));
            continue;
        }
        memcpy(p + i, tmp, k);
        i += k;
    }
}

static const uint8_t MUTANTS[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF,
                                  0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF7, 0xF8,
                                  0xFB, 0xFC, 0xFE, 0xFF};

/* Invalid byte strings of every kind. */
static const struct {
    uint8_t n, b[5];
} BAD[] = {
    {1, {0xC0}},                   {1, {0xC1}},
    {2, {0xC0, 0x80}},             {2, {0xC1, 0xBF}},
    {1, {0xF5}},                   {1, {0xF8}},
    {1, {0xFE}},                   {1, {0xFF}},
    {4, {0xF5, 0x80, 0x80, 0x80}}, {4, {0xF7, 0xBF, 0xBF, 0xBF}},
    {5, {0xF8, 0x88, 0x80, 0x80, 0x80}}, {1, {0x80}},
    {1, {0xBF}},                   {2, {0x80, 0x80}},
    {3, {0xED, 0xA0, 0x80}},       {3, {0xED, 0xBF, 0xBF}},
    {3, {0xED, 0xAF, 0x80}},       {3, {0xE0, 0x80, 0x80}},
    {3, {0xE0, 0x9F, 0xBF}},       {4, {0xF0, 0x80, 0x80, 0x80}},
    {4, {0xF0, 0x8F, 0xBF, 0xBF}}, {4, {0xF4, 0x90, 0x80, 0x80}},
    {4, {0xF4, 0xBF, 0xBF, 0xBF}}, {2, {0xC3, 0x41}},
    {2, {0xE2, 0x82}},             {3, {0xF0, 0x9F, 0x98}},
    {1, {0xE2}},                   {2, {0xF0, 0x9F}},
    {3, {0xE2, 0x82, 0xAC}},       /* valid: the reference decides below */
    {3, {0xC3, 0xA9, 0xA9}},       {5, {0xF0, 0x9F, 0x98, 0x80, 0x80}},
    {4, {0xE2, 0x82, 0xAC, 0x80}}, {2, {0xC2, 0xC2}},
};

/* Valid sequences of each length at their edges. */
static const uint32_t EDGE_CPS[] = {0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFF, 0x10000, 0x10FFFF, 0xE9, 0x20AC,
                                    0x1F600};

static void test_utf8_valid(void **state)
{
    const struct miair_kernels *k = isa_of(state);
    /* random bytes and text (may end inside a sequence) of every length */
    for_each_case(9, check_utf8_valid, k);
    uint8_t *a = arena();
    static uint8_t src[20000];
    seed(91);

    /* valid text of every length 0..1024, then single-byte mutations */
    for (size_t n = 0; n <= MAXLEN; n++) {
        uint8_t *p = a + rndn(64);
        fill_valid(p, n);
        check_valid_is(k, p, n, 1);
        for (int m = 0; n && m < (n < 300 ? 6 : 2); m++) {
            size_t pos = rndn((unsigned)n);
            uint8_t old = p[pos];
            p[pos] = rndn(2) ? MUTANTS[rndn(sizeof MUTANTS)] : (uint8_t)rnd();
            check_utf8_valid(k, p, n);
            p[pos] = old;
        }
    }
    static const size_t longs[] = {4096, 4097, 10000, 19999};
    for (size_t j = 0; j < sizeof longs / sizeof *longs; j++) {
        size_t n = longs[j];
        fill_valid(src, n);
        check_valid_is(k, src, n, 1);
        for (int m = 0; m < 300; m++) {
            size_t pos = rndn((unsigned)n);
            uint8_t old = src[pos];
            src[pos] = rndn(2) ? MUTANTS[rndn(sizeof MUTANTS)] : (uint8_t)rnd();
            check_utf8_valid(k, src, n);
            src[pos] = old;
        }
    }

    /* truncations: every prefix 0..1024 of valid text, random alignments,
     * the rest of the text after it (a read past the end would complete it) */
    for (int rep = 0; rep < 4; rep++) {
        fill_valid(src, MAXLEN + 8);
        if (rep == 3) /* 4-byte sequences only, cuts in every position */
            for (size_t i = 0; i + 4 <= MAXLEN + 8; i += 4)
                put_utf8(src + i, 0x10000 + rndn(0x100000));
        for (size_t n = 0; n <= MAXLEN; n++) {
            uint8_t *p = a + rndn(64);
            memcpy(p, src, n + 4); /* the cut bytes stay after the end */
            check_utf8_valid(k, p, n);
        }
    }

    /* invalid strings inserted between valid text, anywhere, at the vector
     * boundaries (first byte at or up to 4 before 16/32/64/128 +-1) and in
     * the last bytes */
    static const size_t at[] = {15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129};
    for (size_t b = 0; b < sizeof BAD / sizeof *BAD; b++) {
        for (int r = 0; r < 40 + 12 * 5 + 8; r++) {
            size_t pre, post;
            if (r < 40) {
                pre = rndn(300), post = rndn(300);
            } else if (r < 40 + 12 * 5) {
                pre = at[(r - 40) / 5], post = rndn(200);
                pre = pre >= (size_t)((r - 40) % 5) ? pre - (size_t)((r - 40) % 5) : 0;
            } else {
                pre = rndn(300), post = (size_t)(r - 100) % 4;
            }
            uint8_t *p = a + rndn(64);
            fill_valid(p, pre);
            memcpy(p + pre, BAD[b].b, BAD[b].n);
            fill_valid(p + pre + BAD[b].n, post);
            check_utf8_valid(k, p, pre + BAD[b].n + post);
            /* and with only ASCII after it (whole ASCII blocks) */
            memset(p + pre + BAD[b].n, 'x', post + 70);
            check_utf8_valid(k, p, pre + BAD[b].n + post + 70);
        }
    }
    /* every mutant byte at every position near the boundaries of ASCII and
     * of multi-byte text */
    for (int kind = 0; kind < 2; kind++)
        for (size_t pos = 0; pos < 200; pos++)
            for (size_t m = 0; m < sizeof MUTANTS; m++) {
                uint8_t *p = a + rndn(64);
                size_t n = 200 + rndn(60);
                if (kind)
                    fill_valid(p, n);
                else
                    memset(p, 'a', n);
                p[pos] = MUTANTS[m];
                check_utf8_valid(k, p, n);
            }

    /* valid sequences across every vector boundary (split after 1..len-1
     * bytes), then the same cut at the boundary or before the last byte */
    static const size_t bound[] = {16, 32, 64, 128, 192, 256};
    for (size_t bi = 0; bi < sizeof bound / sizeof *bound; bi++)
        for (size_t c = 0; c < sizeof EDGE_CPS / sizeof *EDGE_CPS; c++) {
            uint8_t seq[4];
            size_t len = put_utf8(seq, EDGE_CPS[c]);
            for (size_t s = 0; s <= len; s++) {
                size_t pre = bound[bi] - s;
                for (int tail = 0; tail < 3; tail++) {
                    uint8_t *p = a + rndn(64);
                    fill_valid(p, pre);
                    memcpy(p + pre, seq, len);
                    size_t post = tail == 0 ? 0 : tail == 1 ? rndn(100) : 80;
                    if (tail == 2)
                        memset(p + pre + len, 'q', post);
                    else
                        fill_valid(p + pre + len, post);
                    check_valid_is(k, p, pre + len + post, 1);
                    for (size_t cut = 1; cut < len; cut++) {
                        check_valid_is(k, p, pre + cut, 0); /* cut at the end */
                        if (tail == 2) { /* cut, then ASCII */
                            memmove(p + pre + cut, p + pre + len, post);
                            check_valid_is(k, p, pre + cut + post, 0);
                            memmove(p + pre + len, p + pre + cut, post);
                            memcpy(p + pre, seq, len);
                        }
                    }
                }
            }
        }
}

/* Every string of 1, 2 and 3 bytes, and of 4 bytes with lead F0-F4, against
 * the reference (scalar is checked against it in its own run): alone, and
 * after ASCII so that it straddles the 64-byte (and 16/32) boundary after
 * its byte 1, 2 or 3 (4 bytes: every 4th string, 21M). The NEON table
 * emulated by SIMDe (off aarch64: ~170 ns a call, vqtbl1q byte by byte)
 * takes every 8th string after ASCII and, of the 4-byte strings, those
 * with a second byte at a class edge (00 7F 80 8F 90 9F A0 BF C0 FF);
 * tests/kernels_cross.c runs it natively. */
static void test_utf8_valid_exhaustive(void **state)
{
    const struct miair_kernels *k = isa_of(state);
#if defined(__aarch64__)
    const int thin = 0;
#else
    const int thin = k == &miair_kernels_neon;
#endif
    static const uint8_t second[] = {0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF};
    uint8_t *a = arena();
    uint8_t s[4];
    uint32_t emb = 0;
    memset(a, 'a', 128);
    for (size_t len = 1; len <= 4; len++) {
        uint32_t count = len == 4 ? 5u << 24 : 1u << (8 * len);
        for (uint32_t v = 0; v < count; v++) {
            for (size_t i = 0; i < len; i++)
                s[i] = (uint8_t)(v >> (8 * (len - 1 - i)));
            if (len == 4) {
                s[0] = (uint8_t)(0xF0 + (v >> 24));
                if (thin && !memchr(second, s[1], sizeof second))
                    continue;
            }
            int want = naive_utf8_valid(s, len);
            if (k->utf8_valid(s, len) != want)
                check_valid_is(k, s, len, want); /* reports */
            if ((len == 4 && (v & 3)) || (thin && (v & 7)))
                continue;
            emb++;
            size_t pos = len == 1 ? 63 + (emb & 1) : 64 - 1 - (emb % (len < 4 ? len : 3));
            memcpy(a + pos, s, len);
            if (k->utf8_valid(a, pos + len) != want)
                check_valid_is(k, a, pos + len, want);
            memset(a + pos, 'a', len);
        }
    }
}

/* ---- guard pages: no read outside [buf, buf+len) ---------------------- */

static void all_kernels(const struct miair_kernels *k, const uint8_t *p, size_t n)
{
    check_classify(k, p, n);
    check_byte_histogram(k, p, n);
    check_utf8(k, p, n);
    check_count_positions(k, p, n);
    check_ascii_prefix(k, p, n);
    check_words(k, p, n);
    check_byteset(k, p, n);
    check_utf8_valid(k, p, n);
}

static void test_guard_pages(void **state)
{
    const struct miair_kernels *k = isa_of(state);
    long page = sysconf(_SC_PAGESIZE);
    size_t span = (size_t)page * 4; /* guard, data (2 pages), guard */
    uint8_t *m = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(m != MAP_FAILED);
    assert_int_equal(mprotect(m, (size_t)page, PROT_NONE), 0);
    assert_int_equal(mprotect(m + 3 * page, (size_t)page, PROT_NONE), 0);
    uint8_t *lo = m + page, *hi = m + 3 * page;
    seed(6);
    for (size_t n = 0; n <= MAXLEN; n++) {
        if (n % 2)
            fill_text(hi - n, n);
        else
            fill_random(hi - n, n);
        all_kernels(k, hi - n, n); /* ends at the upper guard */
        memmove(lo, hi - n, n);
        all_kernels(k, lo, n); /* starts at the lower guard */
    }
    munmap(m, span);
}

/* ---- hand-written cases ------------------------------------------------- */

static uint64_t bits_of(const char *s, int c)
{
    uint64_t m[MIAIR_CLS_COUNT];
    const struct miair_kernels *k = &miair_kernels_scalar;
    k->classify((const uint8_t *)s, strlen(s), m, 1, 1);
    return m[c];
}

static void test_known_answers(void **state)
{
    const struct miair_kernels *k = isa_of(state);
    /* classify: "# Hi, (x) [y] {z} `c`?\n\t\x1cA_9\xc3\xa9!" */
    const char *s = "# Hi, (x) [y] {z} `c`?\n\t\x1c" "A_9\xc3\xa9!";
    size_t n = strlen(s);
    uint64_t m[MIAIR_CLS_COUNT];
    k->classify((const uint8_t *)s, n, m, 1, 1);
    /*            positions: 0 '#',1 ' ',2 'H',3 'i',4 ',',5 ' ',6 '(',7 'x',8 ')',9 ' ',10 '[',
     * 11 'y',12 ']',13 ' ',14 '{',15 'z',16 '}',17 ' ',18 '`',19 'c',20 '`',21 '?',22 '\n',
     * 23 '\t',24 0x1c,25 'A',26 '_',27 '9',28 0xc3,29 0xa9,30 '!' */
    assert_int_equal(n, 31);
    assert_true(m[MIAIR_CLS_HASH] == 1ull << 0);
    assert_true(m[MIAIR_CLS_SPACE] ==
                ((1ull << 1) | (1ull << 5) | (1ull << 9) | (1ull << 13) | (1ull << 17) | (1ull << 22) |
                 (1ull << 23) | (1ull << 24)));
    assert_true(m[MIAIR_CLS_WORD] == ((1ull << 2) | (1ull << 3) | (1ull << 7) | (1ull << 11) | (1ull << 15) |
                                      (1ull << 19) | (1ull << 25) | (1ull << 26) | (1ull << 27)));
    assert_true(m[MIAIR_CLS_UPPER] == ((1ull << 2) | (1ull << 25)));
    assert_true(m[MIAIR_CLS_SP] == ((1ull << 1) | (1ull << 5) | (1ull << 9) | (1ull << 13) | (1ull << 17)));
    assert_true(m[MIAIR_CLS_TERM] == ((1ull << 21) | (1ull << 30)));
    assert_true(m[MIAIR_CLS_NEWLINE] == 1ull << 22);
    assert_true(m[MIAIR_CLS_LPAREN] == 1ull << 6 && m[MIAIR_CLS_RPAREN] == 1ull << 8);
    assert_true(m[MIAIR_CLS_LBRACKET] == 1ull << 10 && m[MIAIR_CLS_RBRACKET] == 1ull << 12);
    assert_true(m[MIAIR_CLS_LBRACE] == 1ull << 14 && m[MIAIR_CLS_RBRACE] == 1ull << 16);
    assert_true(m[MIAIR_CLS_BACKTICK] == ((1ull << 18) | (1ull << 20)));
    assert_true(m[MIAIR_CLS_NONASCII] == ((1ull << 28) | (1ull << 29)));
    assert_true(m[MIAIR_CLS_CONT] == 1ull << 29);
    /* every byte value, one class each against the definition */
    uint8_t all[256];
    for (int b = 0; b < 256; b++)
        all[b] = (uint8_t)b;
    uint64_t w[MIAIR_CLS_COUNT * 4];
    k->classify(all, 256, w, 4, 1);
    for (int c = 0; c < MIAIR_CLS_COUNT; c++)
        for (int b = 0; b < 256; b++)
            assert_int_equal((w[c * 4 + b / 64] >> (b % 64)) & 1, naive_in_class(c, (uint8_t)b));
    assert_true(bits_of("\v\f\r\x1d\x1e\x1f", MIAIR_CLS_SPACE) == 0x3F);
    assert_true(bits_of("\x1b\x08\x7f", MIAIR_CLS_SPACE) == 0);

    /* byte histogram accumulates */
    uint64_t h[256] = {0};
    k->byte_histogram((const uint8_t *)"aab", 3, h);
    k->byte_histogram((const uint8_t *)"b", 1, h);
    assert_int_equal(h['a'], 2);
    assert_int_equal(h['b'], 2);
    assert_int_equal(h['c'], 0);

    /* code points: a é € 😀 é, then a cut sequence */
    const char *u = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xc3\xa9z";
    uint64_t ascii[128] = {0};
    uint32_t keys[128] = {0};
    uint64_t counts[128];
    struct miair_cp_table t = {keys, counts, 127, 0};
    assert_int_equal(k->utf8_histogram((const uint8_t *)u, strlen(u), ascii, &t), strlen(u));
    assert_int_equal(ascii['a'], 1);
    assert_int_equal(ascii['z'], 1);
    assert_int_equal(t.used, 3);
    assert_int_equal(miair_cp_table_get(&t, 0xE9), 2);
    assert_int_equal(miair_cp_table_get(&t, 0x20AC), 1);
    assert_int_equal(miair_cp_table_get(&t, 0x1F600), 1);
    assert_int_equal(miair_cp_table_get(&t, 0x41), 0);
    assert_int_equal(k->utf8_histogram((const uint8_t *)"ab\xe2\x82", 4, ascii, &t), 2);
    assert_int_equal(ascii['a'], 2);
    /* resuming inside a sequence skips its continuation bytes */
    assert_int_equal(k->utf8_histogram((const uint8_t *)"\x82\xac" "b", 3, ascii, &t), 3);
    assert_int_equal(ascii['b'], 2);
    assert_int_equal(miair_cp_table_get(&t, 0x20AC), 1);

    /* newlines */
    const uint8_t *nl = (const uint8_t *)"a\nb\n\n";
    uint64_t pos[3];
    assert_int_equal(k->count_byte(nl, 5, '\n'), 3);
    assert_int_equal(k->byte_positions(nl, 5, '\n', 100, pos), 3);
    assert_true(pos[0] == 101 && pos[1] == 103 && pos[2] == 104);
    uint64_t nlm[MIAIR_CLS_COUNT];
    k->classify(nl, 5, nlm, 1, 1);
    assert_true(miair_bits_rank(&nlm[MIAIR_CLS_NEWLINE], 4) == 2); /* line of byte 4 = 3 */
    assert_true(miair_bits_rank(&nlm[MIAIR_CLS_NEWLINE], 5) == 3);
    assert_true(miair_bits_count(&nlm[MIAIR_CLS_NEWLINE], 1) == 3);

    /* ASCII prefix */
    assert_int_equal(k->ascii_prefix_len((const uint8_t *)"abc\xc3\xa9", 5), 3);
    assert_int_equal(k->ascii_prefix_len((const uint8_t *)"", 0), 0);

    /* UTF-8 validity */
    static const struct {
        const char *s;
        int valid;
    } u8[] = {{"", 1}, {"abc\xc3\xa9", 1}, {"\xc3", 0}, {"\xc3\xa9\xa9", 0}, {"\xc2\x80\xdf\xbf", 1},
              {"\xc1\xbf", 0}, {"\xe0\xa0\x80", 1}, {"\xe0\x9f\xbf", 0}, {"\xed\x9f\xbf", 1},
              {"\xed\xa0\x80", 0}, {"\xee\x80\x80", 1}, {"\xef\xbf\xbf", 1}, {"\xf0\x90\x80\x80", 1},
              {"\xf0\x8f\xbf\xbf", 0}, {"\xf4\x8f\xbf\xbf", 1}, {"\xf4\x90\x80\x80", 0},
              {"\xf5\x80\x80\x80", 0}, {"\xff", 0}, {"\x80", 0}, {"a\xf0\x9f\x98\x80z", 1},
              {"a\xf0\x9f\x98z", 0}};
    for (size_t i = 0; i < sizeof u8 / sizeof *u8; i++)
        assert_int_equal(k->utf8_valid((const uint8_t *)u8[i].s, strlen(u8[i].s)), u8[i].valid);
    assert_int_equal(k->utf8_valid((const uint8_t *)"\0", 1), 1);

    /* words: "Hello, wor_ld 42\xc3\xa9x" lowered; XXH3-64 values of the
     * reference implementation (XXH3_64bits("hello") = 9555e8555c62dcfd) */
    const char *ws = "Hello, wor_ld 42\xc3\xa9x";
    struct miair_word_hash wh[MIAIR_WORDS_MAX(19)];
    assert_int_equal(k->word_hashes((const uint8_t *)ws, strlen(ws), NULL, 0, MIAIR_WORDS_LOWER, 1000, wh), 4);
    assert_true(wh[0].start == 1000 && wh[0].len == 5 && wh[0].flags == MIAIR_WORD_CUT_START);
    assert_true(wh[0].hash == 0x9555e8555c62dcfdull);
    assert_true(wh[1].start == 1007 && wh[1].len == 6 && wh[1].flags == 0 && wh[1].hash == 0xc2ff013ecda18e8full);
    assert_true(wh[2].start == 1014 && wh[2].len == 2 && wh[2].flags == MIAIR_WORD_NONASCII);
    assert_true(wh[2].hash == 0x1217cb28c0ef2191ull);
    assert_true(wh[3].start == 1018 && wh[3].len == 1 && wh[3].hash == 0xeaf06c6480b2cd11ull);
    assert_true(wh[3].flags == (MIAIR_WORD_NONASCII | MIAIR_WORD_CUT_END));
    assert_int_equal(k->word_hashes((const uint8_t *)ws, 5, NULL, 0, 0, 0, wh), 1);
    assert_true(wh[0].hash == 0x38e23bf5a2a77616ull); /* "Hello" as is */
    assert_true(wh[0].flags == (MIAIR_WORD_CUT_START | MIAIR_WORD_CUT_END));
    assert_int_equal(k->word_hashes((const uint8_t *)"", 0, NULL, 0, 0, 0, wh), 0);
    assert_int_equal(k->word_hashes((const uint8_t *)" .\xff", 3, NULL, 0, 0, 0, wh), 0);
    /* n-grams of (hello, wor_ld): the formula of kernels.h, frozen */
    uint64_t hw[2] = {0x9555e8555c62dcfdull, 0xc2ff013ecda18e8full}, ng[2];
    assert_int_equal(k->ngram_hashes(hw, 2, 1, 2, ng), 1);
    assert_true(ng[0] == 0x57c490b4ebd06559ull);
    assert_int_equal(k->ngram_hashes(hw, 2, 1, 1, ng), 2);
    assert_true(ng[0] == 0x7473aceedf385db8ull);
    assert_int_equal(k->ngram_hashes(hw, 2, 1, 3, ng), 0);
    assert_int_equal(k->ngram_hashes(hw, 2, 1, 0, ng), 0);
}

/* The nibble tables of the SIMD versions reproduce the class definition for
 * every byte (a scalar emulation of pshufb/vqtbl1q). */
#include "generic/classes.h"
static void test_nibble_tables(void **state)
{
    (void)state;
    for (int b = 0; b < 256; b++) {
        uint8_t a = MIAIR_NIB_A_LO[b & 15] & MIAIR_NIB_A_HI[b >> 4];
        uint8_t s = MIAIR_NIB_B_LO[b & 15] & MIAIR_NIB_B_HI[b >> 4];
        assert_int_equal((a & MIAIR_NIB_A_WORD) != 0, naive_in_class(MIAIR_CLS_WORD, (uint8_t)b));
        assert_int_equal((a & MIAIR_NIB_A_UPPER) != 0, naive_in_class(MIAIR_CLS_UPPER, (uint8_t)b));
        assert_int_equal((a & MIAIR_NIB_A_TERM) != 0, naive_in_class(MIAIR_CLS_TERM, (uint8_t)b));
        assert_int_equal((s & MIAIR_NIB_B_SPACE) != 0, naive_in_class(MIAIR_CLS_SPACE, (uint8_t)b));
        for (int c = 0; c < MIAIR_CLS_COUNT; c++)
            assert_int_equal((MIAIR_CLASS_TABLE[b] >> c) & 1, naive_in_class(c, (uint8_t)b));
    }
}

/* ---- dispatch ------------------------------------------------------------ */

static void test_dispatch(void **state)
{
    (void)state;
    const char *why = NULL;
    assert_ptr_equal(miair_kernels_for("scalar"), &miair_kernels_scalar);
    assert_ptr_equal(miair_kernels_for("neon"), &miair_kernels_neon);
    assert_null(miair_kernels_for("bogus"));
    assert_null(miair_kernels_for(NULL));
    assert_ptr_equal(miair_kernels_resolve(NULL, &why), miair_kernels_best());
    assert_ptr_equal(miair_kernels_resolve("", &why), miair_kernels_best());
    assert_ptr_equal(miair_kernels_resolve("auto", &why), miair_kernels_best());
    assert_null(miair_kernels_resolve("sse9", &why));
    assert_non_null(why);
    assert_non_null(strstr(why, "unknown"));
    const char *const *av = miair_kernels_available();
    assert_string_equal(av[0], miair_kernels_best()->isa);
    int n = 0;
    for (; av[n]; n++) {
        const struct miair_kernels *k = miair_kernels_for(av[n]);
        assert_non_null(k);
        assert_string_equal(k->isa, av[n]);
    }
    assert_true(n >= 2);
#if defined(MIAIR_KERNELS_X86)
    static const char *const x86[] = {"avx2", "avx512"};
    for (int i = 0; i < 2; i++) {
        int listed = 0;
        for (int j = 0; av[j]; j++)
            listed |= strcmp(av[j], x86[i]) == 0;
        why = NULL;
        const struct miair_kernels *k = miair_kernels_resolve(x86[i], &why);
        assert_true((k != NULL) == listed);
        if (!k)
            assert_non_null(why);
    }
#endif
    const char *f = miair_cpu_features();
    assert_non_null(f);
    assert_true(strlen(f) > 0);
    /* miair_kernels_get() follows MIAIR_ISA */
    const char *env = getenv("MIAIR_ISA");
    const struct miair_kernels *g = miair_kernels_get();
    assert_ptr_equal(g, miair_kernels_resolve(env, NULL));
    if (g) {
        assert_string_equal(miair_kernels_error(), "");
        assert_ptr_equal(miair_kernels_get(), g);
    } else {
        assert_true(strlen(miair_kernels_error()) > 0);
    }
}

/* ---- main ------------------------------------------------------------- */

int main(void)
{
    naive_multi = calloc((size_t)1 << 21, sizeof *naive_multi);
    if (!naive_multi)
        return 1;
    static struct CMUnitTest tests[64];
    static char names[64][64];
    size_t nt = 0;
    tests[nt++] = (struct CMUnitTest){"nibble_tables", test_nibble_tables, NULL, NULL, NULL};
    tests[nt++] = (struct CMUnitTest){"dispatch", test_dispatch, NULL, NULL, NULL};
    tests[nt++] = (struct CMUnitTest){"byteset_tables", test_byteset_tables, NULL, NULL, NULL};
    static const struct {
        const char *name;
        CMUnitTestFunction fn;
    } per_isa[] = {
        {"known_answers", test_known_answers}, {"classify", test_classify},
        {"byte_histogram", test_byte_histogram}, {"utf8_histogram", test_utf8_histogram},
        {"count_positions", test_count_positions}, {"ascii_prefix_len", test_ascii_prefix},
        {"guard_pages", test_guard_pages}, {"word_hashes", test_word_hashes},
        {"ngram_hashes", test_ngram_hashes}, {"byteset_bits", test_byteset_bits},
        {"utf8_valid", test_utf8_valid}, {"utf8_valid_exhaustive", test_utf8_valid_exhaustive},
    };
    const char *const *av = miair_kernels_available();
    for (int i = 0; av[i]; i++) {
        const struct miair_kernels *k = miair_kernels_for(av[i]);
        for (size_t j = 0; j < sizeof per_isa / sizeof *per_isa; j++) {
            snprintf(names[nt], sizeof names[nt], "%s/%s", per_isa[j].name, av[i]);
            tests[nt] = (struct CMUnitTest){names[nt], per_isa[j].fn, NULL, NULL, (void *)(uintptr_t)k};
            nt++;
        }
    }
    printf("kernels: cpu = %s\n", miair_cpu_features());
    int failed = _cmocka_run_group_tests("kernels", tests, nt, NULL, NULL);
    free(naive_multi);
    return failed;
}
