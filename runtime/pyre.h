/* Python `re` patterns run on PCRE2 with Python's semantics.
 *
 * A pattern written in Python 3.11 `re` syntax (the subset the rules use:
 * literals, classes, groups, lookarounds, alternation, greedy and lazy
 * quantifiers, anchors, \b \w \W \s \S \d \D) is translated to PCRE2 syntax
 * so that every class means what it means in Python on a str:
 *   \w -> letters, numbers, '_' (Python's str.isalnum() or '_'), \s -> the
 *   exact str.isspace() set, \b -> a boundary of that \w, caseless letters
 *   -> Python's equivalence classes (i also matches U+0130 and U+0131, k
 *   matches U+212A, s matches U+017F), '.' -> any code point but '\n'.
 * Matching runs on valid UTF-8 (the decoded text re-encoded) and iterates
 * like re.finditer: leftmost, non-overlapping, empty matches as Python 3.7+. */
#ifndef MIAIR_PYRE_H
#define MIAIR_PYRE_H

#include <stddef.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

enum {
    MIAIR_PYRE_IGNORECASE = 1u,
    MIAIR_PYRE_MULTILINE = 2u,
    MIAIR_PYRE_ANCHORED_JIT_ONLY = 4u /* JIT only the anchored code (the search code is interpreted: rarely used) */
};

typedef struct miair_pyre {
    pcre2_code *code;     /* searches */
    pcre2_code *anchored; /* the same pattern compiled PCRE2_ANCHORED (JIT does not take ANCHORED at match time) */
    uint32_t capture_count;
    int anchored_jit;     /* the anchored code is JIT-compiled: pcre2_jit_match() applies */
} miair_pyre;

/* Translates a Python pattern to PCRE2 syntax. Returns a malloc'd string,
 * or NULL with a message in err (unsupported syntax or out of memory). */
char *miair_pyre_translate(const char *py, unsigned flags, char *err, size_t errlen);

/* Translates and compiles (with JIT when available). 0 on success. */
int miair_pyre_compile(miair_pyre *re, const char *py, unsigned flags, char *err, size_t errlen);
void miair_pyre_release(miair_pyre *re);

/* Per-thread matching state (match data sized for any rule, JIT stack). */
typedef struct miair_pyre_scratch {
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit_stack;
} miair_pyre_scratch;

int miair_pyre_scratch_init(miair_pyre_scratch *s);
void miair_pyre_scratch_release(miair_pyre_scratch *s);

/* Iteration state of re.finditer over subject[0..len). */
typedef struct miair_pyre_iter {
    const miair_pyre *re;
    miair_pyre_scratch *s;
    const uint8_t *subject;
    size_t len;
    size_t pos;
    int must_advance; /* the previous match was empty and ended at pos */
} miair_pyre_iter;

void miair_pyre_iter_init(miair_pyre_iter *it, const miair_pyre *re, miair_pyre_scratch *s,
                          const uint8_t *subject, size_t len);

/* Finds the next match. Returns 1 and fills ov (2*(1+capture_count) byte
 * offsets; unset groups are PCRE2_UNSET) on a match, 0 at the end, -1 on a
 * PCRE2 error (resource limit). */
int miair_pyre_next(miair_pyre_iter *it, const size_t **ov);

/* re.match at byte offset pos (a match must start at pos; lookbehind sees
 * the bytes before pos). 1 with *ov set, 0 for no match, -1 on error. */
int miair_pyre_match_at(const miair_pyre *re, miair_pyre_scratch *s, const uint8_t *subject, size_t len, size_t pos,
                        const size_t **ov);

/* Number of matches of re.findall (-1 on error). */
long miair_pyre_count(const miair_pyre *re, miair_pyre_scratch *s, const uint8_t *subject, size_t len);

#endif
