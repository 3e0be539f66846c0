/* writer: buffered output to a file descriptor with every write checked. */
#ifndef MIAIR_CLI_WRITER_H
#define MIAIR_CLI_WRITER_H

#include <stddef.h>

#define WRITER_BUF_SIZE ((size_t)1 << 16)

typedef struct writer {
    int fd;
    int err;      /* first errno of a failed write; 0 while all is well */
    size_t len;
    char buf[WRITER_BUF_SIZE];
} writer;

void writer_init(writer *w, int fd);
/* Each returns 0, or -1 once a write has failed (w->err holds the errno;
 * later calls do nothing and keep failing). */
int writer_put(writer *w, const void *p, size_t n);
int writer_puts(writer *w, const char *s);
int writer_printf(writer *w, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
int writer_flush(writer *w);

#endif
