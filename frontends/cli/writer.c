/* writer: a 64 KiB buffer in front of write(2). EINTR and short writes are
 * retried; any other failure (EPIPE with SIGPIPE ignored, ENOSPC, EIO) is
 * remembered and reported by the caller. */
#define _POSIX_C_SOURCE 200809L
#include "writer.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void writer_init(writer *w, int fd)
{
    w->fd = fd;
    w->err = 0;
    w->len = 0;
}

static int write_all(writer *w, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(w->fd, p, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            w->err = errno;
            return -1;
        }
        if (k == 0) {
            w->err = EIO;
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

int writer_flush(writer *w)
{
    if (w->err)
        return -1;
    size_t n = w->len;
    w->len = 0;
    return write_all(w, w->buf, n);
}

int writer_put(writer *w, const void *p, size_t n)
{
    if (w->err)
        return -1;
    if (n > sizeof w->buf - w->len) {
        if (writer_flush(w) != 0)
            return -1;
        if (n >= sizeof w->buf)
            return write_all(w, p, n);
    }
    memcpy(w->buf + w->len, p, n);
    w->len += n;
    return 0;
}

int writer_puts(writer *w, const char *s)
{
    return writer_put(w, s, strlen(s));
}

int writer_printf(writer *w, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) {
        w->err = EINVAL;
        return -1;
    }
    if ((size_t)n >= sizeof tmp)
        n = (int)sizeof tmp - 1; /* callers print short lines only */
    return writer_put(w, tmp, (size_t)n);
}
