/* Fast number formatting for the JSON record (runtime/numfmt.c). */
#ifndef MIAIR_NUMFMT_H
#define MIAIR_NUMFMT_H

#include <stddef.h>
#include <stdint.h>

/* Decimal digits of v; out must hold 21 bytes. Returns the length. */
size_t miair_fmt_u64(char *out, uint64_t v);
/* Exactly what snprintf(out, 32, "%.17g", x) writes; out must hold 32 bytes. Returns the length. */
size_t miair_fmt_double17(char *out, double x);

/* Doubles printed lately, direct-mapped by their bits (len 0: an empty entry): records share many
 * values (sub-scores such as 1/3 or 0.75), and printing one costs ~200 instructions. */
#define MIAIR_NUM_MEMO 256
typedef struct {
    uint64_t bits;
    uint8_t len;
    char s[23];
} miair_num_memo;
/* A double as the JSON record writes it: miair_fmt_double17, then ".0" for an integral value below
 * 1e17 in magnitude; through memo (MIAIR_NUM_MEMO entries, zeroed at first; may be NULL). out must
 * hold 32 bytes; the text is not NUL-terminated. Returns the length. */
size_t miair_fmt_json_double(miair_num_memo *memo, char *out, double x);

#endif
