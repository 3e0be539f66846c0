/* readfile: reads one whole document into a reusable buffer. */
#ifndef MIAIR_CLI_READFILE_H
#define MIAIR_CLI_READFILE_H

#include <stddef.h>
#include <stdint.h>

typedef struct doc_buf {
    unsigned char *data;
    size_t len; /* bytes of the current document */
    size_t cap;
} doc_buf;

/* Reads the regular file at path (open, fstat, read until end of file,
 * retrying EINTR and short reads; a fifo, socket or device is refused
 * without blocking). Returns 0, or -1 with a message in err. */
int read_file(const char *path, uint64_t max_bytes, doc_buf *b, char *err, size_t errsz);
/* Reads fd until end of file (for --stdin). Returns 0, or -1 with a message. */
int read_fd(int fd, uint64_t max_bytes, doc_buf *b, char *err, size_t errsz);
/* Releases the buffer when it has grown large, to keep memory flat. */
void doc_buf_trim(doc_buf *b);
void doc_buf_free(doc_buf *b);

#endif
