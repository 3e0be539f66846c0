/* miair kernels: the contract every instruction set fills.
 *
 * A kernel is a pure function over bytes: no allocation, no I/O, no global
 * mutable state, any input length, any alignment, never a read or write
 * outside the ranges documented here. Every ISA's table gives bit-identical
 * results (the scalar table is the reference; tests/test_kernels.c checks
 * every other table against it). Pick a table with runtime/dispatch.h.
 *
 * Chunking: every kernel is stateless, so a document is processed in chunks
 * by calling a kernel on consecutive ranges. classify() numbers blocks from
 * the start of the range it is given: give it chunks whose length is a
 * multiple of MIAIR_BLOCK (except the last) and the bitmaps of the chunks
 * concatenate to the bitmaps of the whole. The histograms accumulate (+=),
 * so chunk results merge by addition. See docs/kernels.md. */
#ifndef MIAIR_KERNELS_H
#define MIAIR_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes per classification block: one uint64_t bitmap word per class. */
#define MIAIR_BLOCK 64

/* Number of bitmap words classify() writes per class for len bytes. */
#define MIAIR_BLOCKS(len) (((len) + MIAIR_BLOCK - 1) / MIAIR_BLOCK)

/* Byte classes of classify(). Bit i of block b of a class is byte 64*b+i. */
enum miair_byte_class {
    MIAIR_CLS_SPACE = 0, /* ASCII str.isspace(): \t \n \v \f \r 0x1C-0x1F ' ' */
    MIAIR_CLS_WORD,      /* [0-9A-Za-z_] */
    MIAIR_CLS_TERM,      /* sentence terminators . ! ? */
    MIAIR_CLS_NEWLINE,   /* \n */
    MIAIR_CLS_HASH,      /* # */
    MIAIR_CLS_BACKTICK,  /* ` */
    MIAIR_CLS_LBRACKET,  /* [ */
    MIAIR_CLS_RBRACKET,  /* ] */
    MIAIR_CLS_LPAREN,    /* ( */
    MIAIR_CLS_RPAREN,    /* ) */
    MIAIR_CLS_LBRACE,    /* { */
    MIAIR_CLS_RBRACE,    /* } */
    MIAIR_CLS_SP,        /* ' ' (0x20) */
    MIAIR_CLS_NONASCII,  /* >= 0x80 */
    MIAIR_CLS_CONT,      /* UTF-8 continuation byte 10xxxxxx (0x80-0xBF) */
    MIAIR_CLS_UPPER,     /* A-Z */
    MIAIR_CLS_COUNT      /* 16 */
};

/* Open-addressing counting table for the code points >= 0x80 of
 * utf8_histogram(). Storage is the caller's: keys[] and counts[] hold
 * mask+1 slots (a power of two >= MIAIR_CP_TABLE_MIN_SLOTS), keys[] zeroed
 * when empty (0 = free slot; key 0 is never stored). used = occupied slots.
 * Slot of a key: miair_cp_slot(), then linear probing. Grow with
 * miair_cp_table_rehash() when miair_cp_table_needs_grow() says so. */
struct miair_cp_table {
    uint32_t *keys;
    uint64_t *counts;
    size_t mask;
    size_t used;
};

#define MIAIR_CP_TABLE_MIN_SLOTS 128
/* A 64-byte block holds at most 32 lead bytes of complete sequences. */
#define MIAIR_CP_BLOCK_MAX_NEW 32

/* The kernel keeps the load factor <= 1/2: it inserts a block only while
 * used + 32 <= slots/2 (one code point at a time in the last < 67 bytes). */
static inline int miair_cp_table_needs_grow(const struct miair_cp_table *t)
{
    return t->used + MIAIR_CP_BLOCK_MAX_NEW > (t->mask + 1) / 2;
}

static inline size_t miair_cp_slot(uint32_t cp, size_t mask)
{
    uint32_t h = cp * 0x9E3779B1u;
    h ^= h >> 15;
    return (size_t)h & mask;
}

/* Adds n to the count of cp (cp != 0) in t; the caller guarantees a free
 * slot exists (used < slots). */
static inline void miair_cp_table_add(struct miair_cp_table *t, uint32_t cp, uint64_t n)
{
    size_t i = miair_cp_slot(cp, t->mask);
    for (;;) {
        uint32_t k = t->keys[i];
        if (k == cp) {
            t->counts[i] += n;
            return;
        }
        if (k == 0) {
            t->keys[i] = cp;
            t->counts[i] = n;
            t->used++;
            return;
        }
        i = (i + 1) & t->mask;
    }
}

/* Adds every entry of from into to (merging two chunks' tables, or growing:
 * rehash into a bigger zeroed table). to must have room for them all. */
static inline void miair_cp_table_merge(struct miair_cp_table *to, const struct miair_cp_table *from)
{
    for (size_t i = 0; i <= from->mask; i++)
        if (from->keys[i] != 0)
            miair_cp_table_add(to, from->keys[i], from->counts[i]);
}

/* The count of cp in t (0 when absent). */
static inline uint64_t miair_cp_table_get(const struct miair_cp_table *t, uint32_t cp)
{
    size_t i = miair_cp_slot(cp, t->mask);
    for (;;) {
        uint32_t k = t->keys[i];
        if (k == cp)
            return t->counts[i];
        if (k == 0)
            return 0;
        i = (i + 1) & t->mask;
    }
}

/* Kernel signatures. */

/* Writes the class bitmaps of buf[0..len): word b of class c goes to
 * out[c * class_stride + b * block_stride] for b < MIAIR_BLOCKS(len); bits
 * past len in the last word are 0. Struct of arrays: class_stride >= blocks,
 * block_stride = 1; array of structs: class_stride = 1, block_stride >= 15. */
typedef void (*miair_classify_fn)(const uint8_t *buf, size_t len, uint64_t *out,
                                  size_t class_stride, size_t block_stride);

/* The classes the analysis of a document reads (runtime/): classify_text() computes and writes
 * only these (the words of the other classes are left as they were). */
#define MIAIR_CLS_TEXT_MASK                                                                        \
    ((1u << MIAIR_CLS_SPACE) | (1u << MIAIR_CLS_WORD) | (1u << MIAIR_CLS_TERM) |                   \
     (1u << MIAIR_CLS_NEWLINE) | (1u << MIAIR_CLS_BACKTICK) | (1u << MIAIR_CLS_SP) |               \
     (1u << MIAIR_CLS_NONASCII) | (1u << MIAIR_CLS_CONT) | (1u << MIAIR_CLS_UPPER))
#define MIAIR_CLS_ALL_MASK ((1u << MIAIR_CLS_COUNT) - 1)

/* counts[b] += number of bytes equal to b in buf[0..len). */
typedef void (*miair_byte_histogram_fn)(const uint8_t *buf, size_t len, uint64_t counts[256]);

/* Exact code-point histogram of VALID UTF-8: ascii[c] += count of U+00cc
 * (c < 128); every longer code point is counted into t. Returns the bytes
 * consumed: len, or less when (a) the text ends inside a sequence (the rest,
 * at most 3 bytes, belongs to the next chunk) or (b) t needs to grow
 * (miair_cp_table_needs_grow(t); grow it and call again on the rest).
 * Precisely: every ASCII byte and every lead byte 0xC0-0xF7 in [0, consumed)
 * is counted once, the lead with the value decoded from the payload bits of
 * its sequence; continuation bytes and 0xF8-0xFF are skipped. Invalid input
 * therefore gives deterministic (identical on every ISA) but meaningless
 * counts, and resuming in the middle of a sequence is harmless. */
typedef size_t (*miair_utf8_histogram_fn)(const uint8_t *buf, size_t len, uint64_t ascii[128],
                                          struct miair_cp_table *t);

/* Number of bytes equal to byte in buf[0..len). */
typedef size_t (*miair_count_byte_fn)(const uint8_t *buf, size_t len, uint8_t byte);

/* Writes base + i for every i with buf[i] == byte, ascending, to out (which
 * must hold count_byte(buf, len, byte) entries, exactly that many are
 * written); returns that count. With byte '\n' this is the line index. */
typedef size_t (*miair_byte_positions_fn)(const uint8_t *buf, size_t len, uint8_t byte,
                                          uint64_t base, uint64_t *out);

/* Length of the longest prefix of buf[0..len) with every byte < 0x80. */
typedef size_t (*miair_ascii_prefix_len_fn)(const uint8_t *buf, size_t len);

/* One word of word_hashes(): a maximal run of ASCII word bytes [0-9A-Za-z_]. */
struct miair_word_hash {
    uint64_t hash;  /* XXH3-64 (seed 0) of the word's bytes, ASCII-lowered with MIAIR_WORDS_LOWER */
    uint64_t start; /* base + offset of its first byte */
    uint32_t len;   /* its length in bytes (>= 1) */
    uint32_t flags; /* MIAIR_WORD_* */
};

/* word_hashes() options. */
#define MIAIR_WORDS_LOWER 1u /* hash the bytes with A-Z mapped to a-z (the text is not changed) */

/* Flags of a word. A tokenizer with Unicode word characters (Python's \w)
 * must look again at words with any of them set. */
#define MIAIR_WORD_CUT_START 1u /* starts at offset 0: may continue the previous chunk's last word */
#define MIAIR_WORD_CUT_END 2u   /* ends at len: may continue into the next chunk */
#define MIAIR_WORD_NONASCII 4u  /* the byte before or after it (inside buf) is >= 0x80 */

/* Capacity word_hashes() needs for len bytes: at most one word per 2 bytes. */
#define MIAIR_WORDS_MAX(len) (((len) + 1) / 2)

/* Finds the maximal runs of ASCII word bytes [0-9A-Za-z_] of buf[0..len)
 * (bytes >= 0x80 are never word bytes here) and writes one entry per run to
 * out, in order; returns their number (out must hold MIAIR_WORDS_MAX(len)).
 * word_bits: NULL (the kernel finds the word bytes itself, with SIMD), or
 * the MIAIR_CLS_WORD bitmap of classify() for the same buf: word b at
 * word_bits[b * block_stride] (classify's array of structs with stride S:
 * word_bits = out + MIAIR_CLS_WORD, block_stride = S; struct of arrays:
 * out + MIAIR_CLS_WORD * class_stride, block_stride = 1). Requires
 * len < 2^32. Identical output on every ISA and in both modes. */
typedef size_t (*miair_word_hashes_fn)(const uint8_t *buf, size_t len, const uint64_t *word_bits,
                                       size_t block_stride, unsigned opts, uint64_t base,
                                       struct miair_word_hash *out);

/* n-gram hashes of consecutive word hashes h[i * stride] (i < count; for the
 * hash field of a struct miair_word_hash array: h = &words[0].hash, stride =
 * MIAIR_WORD_HASH_STRIDE). For n >= 1 and count >= n writes count - n + 1
 * values and returns that number (0 otherwise):
 *
 *   out[i] = mix64(S(i) + n * MIAIR_NGRAM_N),
 *   S(i)   = sum over j < n of h[i + j] * MIAIR_NGRAM_P^(n-1-j)   (mod 2^64)
 *
 * where mix64 is the splitmix64 finalizer (z ^= z >> 30; z *= 0xBF58476D1CE4E5B9;
 * z ^= z >> 27; z *= 0x94D049BB133111EB; z ^= z >> 31). S rolls in O(1) per
 * n-gram for any n. Order-sensitive ("a b" != "b a"), n-sensitive (the salt);
 * the finalizer spreads S's high bits into the low ones (S's low bits depend
 * only on the inputs' low bits). Chunks: prepend the previous chunk's last
 * n-1 hashes. */
typedef size_t (*miair_ngram_hashes_fn)(const uint64_t *h, size_t count, size_t stride, unsigned n,
                                        uint64_t *out);

#define MIAIR_NGRAM_P 0x9E3779B185EBCA87ull /* odd (XXH64's PRIME64_1) */
#define MIAIR_NGRAM_N 0xC2B2AE3D27D4EB4Full /* XXH64's PRIME64_2 */
#define MIAIR_WORD_HASH_STRIDE (sizeof(struct miair_word_hash) / sizeof(uint64_t))

/* Membership of the bytes in up to MIAIR_BYTESETS_MAX arbitrary byte sets,
 * prepared once by miair_bytesets_init() for byteset_bits(). The tables:
 *   bits[c]      bit k set iff byte c is in set k (the scalar kernel);
 *   nib[k][n]    bit h set iff byte 16*h + n is in set k (h < 8: bytes < 0x80);
 *   nib[k][16+n] bit h set iff byte 0x80 + 16*h + n is in set k;
 *   high         bit k set iff set k has a member >= 0x80 (the others need no
 *                lookup for those bytes).
 * A SIMD kernel looks up nib[k] by the low nibble (pshufb / vqtbl) and tests
 * the bit of the high nibble (see docs/kernels.md). */
#define MIAIR_BYTESETS_MAX 8

struct miair_bytesets {
    uint8_t nib[MIAIR_BYTESETS_MAX][32];
    uint8_t bits[256];
    unsigned nsets;
    unsigned high;
};

/* Prepares s for nsets sets (nsets > MIAIR_BYTESETS_MAX counts as
 * MIAIR_BYTESETS_MAX): set k has byte c iff bit c % 64 of members[k][c / 64]
 * is 1. members may be NULL when nsets is 0. */
static inline void miair_bytesets_init(struct miair_bytesets *s, unsigned nsets, const uint64_t members[][4])
{
    if (nsets > MIAIR_BYTESETS_MAX)
        nsets = MIAIR_BYTESETS_MAX;
    for (unsigned c = 0; c < 256; c++)
        s->bits[c] = 0;
    for (unsigned k = 0; k < MIAIR_BYTESETS_MAX; k++)
        for (unsigned n = 0; n < 32; n++)
            s->nib[k][n] = 0;
    s->nsets = nsets;
    s->high = 0;
    for (unsigned k = 0; k < nsets; k++)
        for (unsigned c = 0; c < 256; c++)
            if ((members[k][c >> 6] >> (c & 63)) & 1) {
                s->bits[c] = (uint8_t)(s->bits[c] | (1u << k));
                uint8_t *t = &s->nib[k][(c >> 7) * 16 + (c & 15)];
                *t = (uint8_t)(*t | (1u << ((c >> 4) & 7)));
                s->high |= (c >> 7) << k;
            }
}

/* Membership bitmaps of up to 8 arbitrary byte sets: bit i of
 * out[b * block_stride + k] is 1 when buf[64*b + i] is in set k (k <
 * sets->nsets), for every block b < MIAIR_BLOCKS(len). Bits past len are 0;
 * no other word of out is written (block_stride >= nsets leaves the rest of
 * an array-of-structs record untouched). */
typedef void (*miair_byteset_bits_fn)(const uint8_t *buf, size_t len, const struct miair_bytesets *sets,
                                      uint64_t *out, size_t block_stride);

/* 1 when buf[0..len) is entirely valid UTF-8 exactly as CPython's strict
 * decoder accepts it (RFC 3629: no overlong forms, no surrogates
 * U+D800-DFFF, nothing above U+10FFFF, no lead byte C0, C1 or F5-FF, every
 * continuation byte where a sequence needs one and nowhere else, no
 * sequence cut by the end of the range), else 0. len 0 is valid. Chunks:
 * split a document only before a byte < 0x80 or a lead byte (>= 0xC0),
 * never before a continuation byte. */
typedef int (*miair_utf8_valid_fn)(const uint8_t *buf, size_t len);

struct miair_kernels {
    const char *isa; /* "scalar", "avx2", "avx512", "neon" */
    miair_classify_fn classify;
    miair_classify_fn classify_text; /* classify() for the classes of MIAIR_CLS_TEXT_MASK only */
    miair_byte_histogram_fn byte_histogram;
    miair_utf8_histogram_fn utf8_histogram;
    miair_count_byte_fn count_byte;
    miair_byte_positions_fn byte_positions;
    miair_ascii_prefix_len_fn ascii_prefix_len;
    miair_word_hashes_fn word_hashes;
    miair_ngram_hashes_fn ngram_hashes;
    miair_byteset_bits_fn byteset_bits;
    miair_utf8_valid_fn utf8_valid;
};

/* The tables, one per ISA folder. The x86 ones exist only in x86-64 builds
 * (MIAIR_KERNELS_X86); the NEON one is native on aarch64 and SIMDe-emulated
 * elsewhere. Use miair_kernels_get()/miair_kernels_for() to pick one. */
extern const struct miair_kernels miair_kernels_scalar;
extern const struct miair_kernels miair_kernels_neon;
#if defined(__x86_64__) || defined(_M_X64)
#define MIAIR_KERNELS_X86 1
extern const struct miair_kernels miair_kernels_avx2;
extern const struct miair_kernels miair_kernels_avx512;
#endif

/* Bitmap helpers (not ISA-specific). */

static inline int miair_is_ascii(const struct miair_kernels *k, const uint8_t *buf, size_t len)
{
    return k->ascii_prefix_len(buf, len) == len;
}

/* Number of set bits in words[0..n). */
static inline uint64_t miair_bits_count(const uint64_t *words, size_t n)
{
    uint64_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += (uint64_t)__builtin_popcountll(words[i]);
    return c;
}

/* Number of set bits before bit position pos of a bitmap (e.g. the number of
 * '\n' before byte pos: its line is 1 + that). words must cover pos. */
static inline uint64_t miair_bits_rank(const uint64_t *words, uint64_t pos)
{
    uint64_t w = pos / 64, c = miair_bits_count(words, (size_t)w);
    if (pos % 64)
        c += (uint64_t)__builtin_popcountll(words[w] << (64 - pos % 64));
    return c;
}

#ifdef __cplusplus
}
#endif

#endif /* MIAIR_KERNELS_H */
