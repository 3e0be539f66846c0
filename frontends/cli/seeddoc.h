/* seeddoc: the benchmark documents of SPEC.md section 6 (the shapes of
 * tools/gencorpus.py's seed_document), from a seeded PRNG (splitmix64 seeding
 * xoshiro256**). Deterministic: the same (seed, index) gives the same bytes. */
#ifndef MIAIR_CLI_SEEDDOC_H
#define MIAIR_CLI_SEEDDOC_H

#include <stddef.h>
#include <stdint.h>

typedef enum { SEED_SMALL, SEED_MEDIUM, SEED_LARGE, SEED_XLARGE, SEED_SIZE_COUNT } seed_size;
typedef enum { SEED_SIMPLE, SEED_NORMAL, SEED_COMPLEX, SEED_COMPLEXITY_COUNT } seed_complexity;

/* "small", ... / "simple", ...; parse returns 0, or -1 for an unknown name. */
const char *seed_size_name(seed_size s);
const char *seed_complexity_name(seed_complexity c);
int seed_size_parse(const char *name, seed_size *out);
int seed_complexity_parse(const char *name, seed_complexity *out);
/* Words of a size: 100, 500, 2000, 10000. */
unsigned seed_size_words(seed_size s);

typedef struct seed_rng {
    uint64_t s[4];
} seed_rng;

/* Seeds the generator of document `index` of a run with seed `seed`. */
void seed_rng_init(seed_rng *r, uint64_t seed, uint64_t index);
uint64_t seed_rng_next(seed_rng *r);

/* An upper bound of the bytes of a document of this shape. */
size_t seeddoc_max_bytes(seed_size s);
/* Writes one document into out (room for seeddoc_max_bytes(s) bytes, not
 * NUL-terminated) and returns its length. */
size_t seeddoc_write(char *out, seed_size s, seed_complexity c, seed_rng *r);

#endif
