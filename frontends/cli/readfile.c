/* readfile: open/fstat/read of one document, with EINTR and short reads
 * handled, the --max-bytes limit enforced, and never a blocking open. */
#define _POSIX_C_SOURCE 200809L
#include "readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define READ_CHUNK_MIN ((size_t)1 << 16)   /* first allocation when the size is unknown */
#define BUF_KEEP_MAX ((size_t)64 << 20)    /* buffers above this are freed after use */
#define READ_CALL_MAX ((size_t)1 << 30)    /* largest single read() request */

static int too_big(char *err, size_t errsz, uint64_t size, int exact, uint64_t max_bytes)
{
    snprintf(err, errsz, "input too large: %s%" PRIu64 " bytes (--max-bytes %" PRIu64 ")",
             exact ? "" : "more than ", exact ? size : max_bytes, max_bytes);
    return -1;
}

static int grow(doc_buf *b, size_t want)
{
    if (want <= b->cap)
        return 0;
    unsigned char *d = realloc(b->data, want);
    if (!d)
        return -1;
    b->data = d;
    b->cap = want;
    return 0;
}

/* Reads until end of file; size_hint is the expected size (0 when unknown). */
static int read_all(int fd, uint64_t size_hint, uint64_t max_bytes, doc_buf *b, char *err,
                    size_t errsz)
{
    /* Never hold more than max_bytes + 1 bytes: one byte past the limit
     * proves the input is too big. */
    uint64_t limit = max_bytes < SIZE_MAX - 1 ? max_bytes + 1 : SIZE_MAX;
    uint64_t first = size_hint ? size_hint + 1 : READ_CHUNK_MIN;
    if (first > limit)
        first = limit;
    if (first == 0)
        first = 1;
    b->len = 0;
    if (grow(b, (size_t)first) != 0) {
        snprintf(err, errsz, "%s", strerror(ENOMEM));
        return -1;
    }
    for (;;) {
        if (b->len == b->cap) {
            if (b->cap >= limit)
                break;
            uint64_t want = (uint64_t)b->cap * 2;
            if (want > limit)
                want = limit;
            if (grow(b, (size_t)want) != 0) {
                snprintf(err, errsz, "%s", strerror(ENOMEM));
                return -1;
            }
        }
        size_t room = b->cap - b->len;
        if (room > READ_CALL_MAX)
            room = READ_CALL_MAX;
        ssize_t got = read(fd, b->data + b->len, room);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, errsz, "%s", strerror(errno));
            return -1;
        }
        if (got == 0)
            break;
        b->len += (size_t)got;
    }
    if (b->len > max_bytes)
        return too_big(err, errsz, 0, 0, max_bytes);
    return 0;
}

int read_file(const char *path, uint64_t max_bytes, doc_buf *b, char *err, size_t errsz)
{
    int fd;
    do {
        /* O_NONBLOCK: opening a fifo must not wait for a writer. */
        fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        snprintf(err, errsz, "%s", strerror(errno));
        return -1;
    }
    struct stat st;
    int rc = -1;
    if (fstat(fd, &st) != 0) {
        snprintf(err, errsz, "%s", strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        snprintf(err, errsz, "%s", strerror(EISDIR));
    } else if (!S_ISREG(st.st_mode)) {
        snprintf(err, errsz, "not a regular file or directory");
    } else if ((uint64_t)st.st_size > max_bytes) {
        rc = too_big(err, errsz, (uint64_t)st.st_size, 1, max_bytes);
    } else {
        /* Regular files never block; clear O_NONBLOCK anyway for clarity. */
        int fl = fcntl(fd, F_GETFL);
        if (fl >= 0)
            (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
        rc = read_all(fd, (uint64_t)st.st_size, max_bytes, b, err, errsz);
    }
    close(fd);
    return rc;
}

int read_fd(int fd, uint64_t max_bytes, doc_buf *b, char *err, size_t errsz)
{
    struct stat st;
    uint64_t hint = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        off_t pos = lseek(fd, 0, SEEK_CUR);
        if (pos >= 0 && pos <= st.st_size)
            hint = (uint64_t)(st.st_size - pos);
        if (hint > max_bytes)
            return too_big(err, errsz, hint, 1, max_bytes);
    }
    return read_all(fd, hint, max_bytes, b, err, errsz);
}

void doc_buf_trim(doc_buf *b)
{
    if (b->cap > BUF_KEEP_MAX)
        doc_buf_free(b);
}

void doc_buf_free(doc_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
