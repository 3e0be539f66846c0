/* run: the per-document loop (read, analyze, write one record per input).
 * This is the one function the OpenMP batch runtime will replace. */
#ifndef MIAIR_CLI_RUN_H
#define MIAIR_CLI_RUN_H

#include <stdint.h>

#include "miair.h"
#include "output.h"
#include "walk.h"

/* Analyzes every input in order with engine e, writing exactly one record per
 * input to sink. Returns 0, or -1 as soon as the output cannot be written. */
int run_inputs(const miair_engine *e, const input_list *inputs, uint64_t max_bytes, out_sink *sink);

#endif
