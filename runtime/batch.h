/* batch: internals of the batch runtime (runtime/batch.c) that other runtime
 * files may reuse: reading a whole document from a path or a descriptor into
 * a buffer reused across documents. The public API is the "Batch" section of
 * include/miair.h. */
#ifndef MIAIR_BATCH_H
#define MIAIR_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "miair.h"

/* A growable read buffer, reused across documents by one thread. */
typedef struct miair_readbuf {
    unsigned char *data;
    size_t len; /* bytes of the current document */
    size_t cap;
} miair_readbuf;

#define MIAIR_READBUF_KEEP_MAX ((size_t)64 << 20) /* larger buffers are freed after use */
#define MIAIR_BATCH_ERRMSG 256                    /* room for a read error message */

/* Reads the regular file at path (open with O_NONBLOCK so a fifo never
 * blocks, fstat, read until end of file retrying EINTR and short reads).
 * Returns MIAIR_OK; MIAIR_ERR_IO with strerror() text, or "not a regular file
 * or directory" for fifos/sockets/devices; MIAIR_ERR_TOO_BIG with
 * "input too large: N bytes (limit M)" (or "more than M bytes") when the
 * input exceeds max_bytes, *size_seen = N (or M + 1); MIAIR_ERR_NOMEM. */
miair_status miair_read_path(const char *path, uint64_t max_bytes, miair_readbuf *b, uint64_t *size_seen,
                             char *err, size_t errsz);
/* Reads fd until end of file (not closed), same results as miair_read_path. */
miair_status miair_read_fd(int fd, uint64_t max_bytes, miair_readbuf *b, uint64_t *size_seen, char *err,
                           size_t errsz);
/* Frees the buffer when it has grown above MIAIR_READBUF_KEEP_MAX. */
void miair_readbuf_trim(miair_readbuf *b);
void miair_readbuf_free(miair_readbuf *b);

/* Seconds on the monotonic clock. */
double miair_now(void);

#endif
