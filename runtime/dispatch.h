/* Run-time choice of the kernel table (kernels/kernels.h): CPU detection
 * once (cpuid + xgetbv on x86-64, hwcaps on aarch64), MIAIR_ISA to force
 * one. Thread-safe; no other state. */
#ifndef MIAIR_DISPATCH_H
#define MIAIR_DISPATCH_H

#include "kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The table to use: the one MIAIR_ISA names (scalar|avx2|avx512|neon; unset,
 * empty or "auto" = the best this CPU supports). NULL when MIAIR_ISA names
 * an unknown ISA or one this CPU/OS cannot run; miair_kernels_error() says
 * why. Decided once per process, on the first call. */
const struct miair_kernels *miair_kernels_get(void);

/* Why miair_kernels_get() returned NULL ("" when it did not). Static. */
const char *miair_kernels_error(void);

/* The table of a named ISA, or NULL if unknown or not runnable here. "neon"
 * is runnable everywhere: natively on aarch64, through SIMDe elsewhere. */
const struct miair_kernels *miair_kernels_for(const char *isa);

/* The choice miair_kernels_get() makes for a given MIAIR_ISA value (NULL =
 * unset), without reading the environment; on NULL, *why (if why != NULL)
 * gets a static message. For tests and `miair cpu`. */
const struct miair_kernels *miair_kernels_resolve(const char *isa, const char **why);

/* The best table this CPU supports (never NULL: scalar at worst). */
const struct miair_kernels *miair_kernels_best(void);

/* The ISA names, best first, that miair_kernels_for() accepts here
 * (NULL-terminated static list, e.g. {"avx512", "avx2", "neon", "scalar"}). */
const char *const *miair_kernels_available(void);

/* The detected CPU features as one static line, e.g.
 * "x86_64 sse2 ssse3 sse4.2 popcnt avx avx2 bmi1 bmi2 lzcnt avx512f avx512bw
 * avx512vl avx512vbmi os:ymm os:zmm". */
const char *miair_cpu_features(void);

#ifdef __cplusplus
}
#endif

#endif
