/* run: analyzes the inputs with the batch runtime (miair_batch_run: worker
 * threads read and analyze, records come back in input order) and writes one
 * record per input; the progress bar, --metrics and --stats. */
#ifndef MIAIR_CLI_RUN_H
#define MIAIR_CLI_RUN_H

#include <stdint.h>

#include "miair.h"
#include "output.h"
#include "walk.h"

typedef struct run_config {
    uint64_t max_bytes;
    uint64_t stream_threshold; /* 0 = default */
    int jobs;            /* 0 = all cores */
    int progress;        /* draw the progress bar on stderr */
    int stats;           /* --stats: table + slow documents on stderr */
    int slow_report;     /* list slow documents on stderr at the end */
    const char *metrics; /* --metrics FILE or NULL */
    const char *cache_dir; /* --cache-dir DIR or NULL: the result cache (in-process LRU + this store) */
    int cache_size_set;    /* --cache-size N given: in-process LRU entries (alone: a memory-only cache) */
    size_t cache_size;
} run_config;

/* Analyzes every input in order with engine e, writing exactly one record per
 * input to sink. Returns 0; -1 as soon as the output cannot be written (the
 * run stops); 1 when the records were all written but something else failed
 * (the metrics file, the batch itself; message printed). */
int run_inputs(const miair_engine *e, const input_list *inputs, const run_config *cfg, out_sink *sink);

#endif
