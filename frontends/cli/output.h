/* output: writes records in the chosen format (jsonl, json, table) and
 * keeps the run's totals. */
#ifndef MIAIR_CLI_OUTPUT_H
#define MIAIR_CLI_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include "args.h"
#include "miair.h"
#include "writer.h"

typedef struct out_sink {
    writer w;
    cli_format format;  /* TABLE, JSON or JSONL (never AUTO) */
    int quiet;          /* no stderr line per failed input */
    int flush_each;     /* flush after every record (interactive output) */
    size_t records;     /* records written */
    size_t analyzed;    /* documents with a full record */
    size_t errors;      /* error records */
    size_t gate_passes; /* analyzed documents with passes_gate */
    uint64_t bytes;     /* bytes of the analyzed documents */
    double t0;          /* start of the run, seconds (monotonic clock) */
    /* Called before anything is written to stderr, and before each record
     * when the output is interactive (the progress bar clears its line). */
    void (*clear_hook)(void *user);
    void *clear_user;
} out_sink;

/* Starts the output on fd ("[" for json, the header for table). format must
 * not be AUTO. Returns 0, or -1 when the write failed. */
int out_begin(out_sink *s, cli_format format, int fd, int quiet);
/* One analyzed document of nbytes bytes. If serializing fails the document
 * becomes an error record. Returns 0, or -1 when the write failed. */
int out_result(out_sink *s, const char *id, const miair_result *r, size_t nbytes);
/* One analyzed document as the batch runtime delivers it: the record already
 * serialized by a worker (item->json) or to serialize here (item->result), or
 * a result cache hit (result NULL; numbers from miair_batch_item_number()). */
int out_item(out_sink *s, const miair_batch_item *it);
/* One input that failed: the stderr line "miair: ID: MSG" (unless quiet) and
 * the error record. Returns 0, or -1 when the write failed. */
int out_error(out_sink *s, const char *id, const char *msg);
/* Ends the output ("]" for json, the totals line for table) and flushes.
 * Returns 0, or -1 when a write failed. */
int out_end(out_sink *s);

/* Seconds on the monotonic clock. */
double out_now(void);

/* Creates the directory path and any missing parents (mkdir -p); an existing one is fine.
 * Returns 0, or -1 with errno set. */
int out_mkdirs(const char *path);

#endif
