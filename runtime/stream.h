/* Streaming: one document from a file with bounded memory (runtime/stream.c). */
#ifndef MIAIR_STREAM_H
#define MIAIR_STREAM_H

#include <stdint.h>

#include "internal.h"

/* Analyzes the regular file at path without reading it into memory: the file
 * is mapped and walked window by window (the analysis state is carried
 * across windows), the pages behind the window are dropped as it advances;
 * a file that is not valid UTF-8 is first re-encoded (U+FFFD replacement)
 * into an unlinked temporary file, chunk by chunk. The record equals that of
 * miair_analyze() on the whole file. Errors as miair_read_path (runtime/batch.h):
 * MIAIR_ERR_IO with strerror text, MIAIR_ERR_TOO_BIG past max_bytes (0 = no
 * limit), MIAIR_ERR_NOMEM. */
miair_status miair_stream_path(const miair_engine *e, miair_scratch *s, const char *path, uint64_t max_bytes,
                               miair_result **out, char *err, size_t errsz);

#endif
