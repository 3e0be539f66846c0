/* Fast number formatting for the JSON record (runtime/numfmt.c). */
#ifndef MIAIR_NUMFMT_H
#define MIAIR_NUMFMT_H

#include <stddef.h>
#include <stdint.h>

/* Decimal digits of v; out must hold 21 bytes. Returns the length. */
size_t miair_fmt_u64(char *out, uint64_t v);
/* Exactly what snprintf(out, 32, "%.17g", x) writes; out must hold 32 bytes. Returns the length. */
size_t miair_fmt_double17(char *out, double x);

#endif
