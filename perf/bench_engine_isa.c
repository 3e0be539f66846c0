/* The one internal hook of bench_engine: point an engine at a given kernel
 * table. The dispatcher decides MIAIR_ISA once per process (the first
 * miair_kernels_get(), which miair_engine_create() calls), and an engine
 * keeps the table it got in e->k, which every analysis copies into its
 * scratch (runtime/engine.c, scan.c, stream.c). Replacing e->k right after
 * creation therefore runs every later analysis of that engine on the given
 * ISA, as if MIAIR_ISA had named it, in one process. */
#include "internal.h"

void miair_bench_engine_set_kernels(miair_engine *e, const struct miair_kernels *k)
{
    e->k = k;
}
