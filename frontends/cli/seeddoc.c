/* seeddoc: SPEC.md section 6 benchmark documents (see seeddoc.h). */
#include "seeddoc.h"

#include <string.h>

static const char SEED_HEADER[] =
    "# Document Title\n\n## Introduction\n\nThis document provides comprehensive "
    "information about the system architecture and implementation. It covers "
    "various aspects, features, and best practices for optimal usage. "
    "\n\n## Main Content\n\n";
static const char SEED_CODE[] =
    "\n\n## Code Example\n\n```python\ndef example_function(param1, param2):\n"
    "    '''Example function implementation.'''\n    result = param1 + param2\n"
    "    return result\n```\n\n";
static const char SEED_END[] = "\n\n## Conclusion\n\nThis concludes the comprehensive documentation.";

/* The complex vocabulary; simple = the first 5 words, normal = the first 10. */
static const char *const VOCAB[] = {
    "system", "process", "data", "user", "interface",
    "module", "function", "parameter", "configuration", "implementation",
    "architecture", "optimization", "performance", "scalability", "reliability", "security",
    "authentication", "authorization",
};
static const unsigned VOCAB_SIZE[SEED_COMPLEXITY_COUNT] = {5, 10, 18};
#define VOCAB_MAX_WORD 14 /* strlen("authentication") */

static const char *const SIZE_NAMES[SEED_SIZE_COUNT] = {"small", "medium", "large", "xlarge"};
static const unsigned SIZE_WORDS[SEED_SIZE_COUNT] = {100, 500, 2000, 10000};
static const char *const COMPLEXITY_NAMES[SEED_COMPLEXITY_COUNT] = {"simple", "normal", "complex"};

const char *seed_size_name(seed_size s) { return (unsigned)s < SEED_SIZE_COUNT ? SIZE_NAMES[s] : "?"; }
const char *seed_complexity_name(seed_complexity c)
{
    return (unsigned)c < SEED_COMPLEXITY_COUNT ? COMPLEXITY_NAMES[c] : "?";
}
unsigned seed_size_words(seed_size s) { return (unsigned)s < SEED_SIZE_COUNT ? SIZE_WORDS[s] : 0; }

int seed_size_parse(const char *name, seed_size *out)
{
    for (int i = 0; i < SEED_SIZE_COUNT; i++)
        if (strcmp(name, SIZE_NAMES[i]) == 0) {
            *out = (seed_size)i;
            return 0;
        }
    return -1;
}

int seed_complexity_parse(const char *name, seed_complexity *out)
{
    for (int i = 0; i < SEED_COMPLEXITY_COUNT; i++)
        if (strcmp(name, COMPLEXITY_NAMES[i]) == 0) {
            *out = (seed_complexity)i;
            return 0;
        }
    return -1;
}

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void seed_rng_init(seed_rng *r, uint64_t seed, uint64_t index)
{
    uint64_t x = seed;
    uint64_t mix = splitmix64(&x) ^ (index * 0xD1B54A32D192ED03ull);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&mix);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t seed_rng_next(seed_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform in [0, k) (k small: the bias of the multiply-shift is below 2^-32). */
static unsigned below(seed_rng *r, unsigned k) { return (unsigned)(((seed_rng_next(r) >> 32) * k) >> 32); }

size_t seeddoc_max_bytes(seed_size s)
{
    size_t paragraphs = seed_size_words(s) / 50;
    size_t sentence = 10 * (VOCAB_MAX_WORD + 1) + 2;
    return sizeof SEED_HEADER + sizeof SEED_CODE + sizeof SEED_END + paragraphs * (5 * (sentence + 1) + 2);
}

static char *put(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}

size_t seeddoc_write(char *out, seed_size s, seed_complexity c, seed_rng *r)
{
    char *p = put(out, SEED_HEADER, sizeof SEED_HEADER - 1);
    unsigned k = VOCAB_SIZE[(unsigned)c < SEED_COMPLEXITY_COUNT ? c : SEED_NORMAL];
    unsigned paragraphs = seed_size_words(s) / 50;
    for (unsigned para = 0; para < paragraphs; para++) {
        /* " ".join(5 sentences), each sentence = " ".join(10 words) + ". " */
        for (int sent = 0; sent < 5; sent++) {
            if (sent)
                *p++ = ' ';
            for (int w = 0; w < 10; w++) {
                const char *word = VOCAB[below(r, k)];
                if (w)
                    *p++ = ' ';
                p = put(p, word, strlen(word));
            }
            p = put(p, ". ", 2);
        }
        p = put(p, "\n\n", 2);
    }
    if (c == SEED_NORMAL || c == SEED_COMPLEX)
        p = put(p, SEED_CODE, sizeof SEED_CODE - 1);
    p = put(p, SEED_END, sizeof SEED_END - 1);
    return (size_t)(p - out);
}
