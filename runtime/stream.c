/* Huge documents in bounded memory. See stream.h. */
#define _GNU_SOURCE
#include "stream.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unicode.h"

#define STREAM_CHUNK ((size_t)8 << 20) /* validation / re-encoding step */

typedef struct {
    const uint8_t *base;
    size_t len;
    size_t dropped; /* pages before this offset were dropped */
} mapping;

static void drop_range(void *ctx, size_t from, size_t to) {
    mapping *m = ctx;
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t a = (from + page - 1) / page * page, b = to / page * page;
    if (b > m->len) b = m->len / page * page;
    if (b > a) (void)madvise((void *)(m->base + a), b - a, MADV_DONTNEED);
}

static int set_err(char *err, size_t errsz, const char *what, int e) {
    if (err && errsz) snprintf(err, errsz, "%s%s%s", what ? what : "", what ? ": " : "", strerror(e));
    return 0;
}

/* A chunk end at or before `end` that does not cut a UTF-8 sequence. */
static size_t chunk_end(const uint8_t *u, size_t start, size_t end, size_t len) {
    if (end >= len) return len;
    size_t e2 = end;
    while (e2 > start && end - e2 < 3 && (u[e2] & 0xC0) == 0x80) e2--;
    return e2 > start ? e2 : end;
}

static int valid_utf8_chunked(const struct miair_kernels *k, mapping *m, miair_scratch *s) {
    size_t i = 0;
    while (i < m->len) {
        size_t end = chunk_end(m->base, i, i + STREAM_CHUNK, m->len);
        int ok = miair_utf8_valid(k, m->base + i, end - i);
        drop_range(m, i, end);
        if (!ok) return 0;
        i = end;
    }
    (void)s;
    return 1;
}

/* Writes bytes.decode('utf-8','replace') re-encoded to fd, chunk by chunk. */
static miair_status reencode_to(int fd, mapping *m, miair_scratch *s, char *err, size_t errsz) {
    uint32_t *cp = malloc(STREAM_CHUNK * sizeof *cp);
    uint8_t *out = malloc(3 * STREAM_CHUNK + 16);
    if (!cp || !out) {
        free(cp);
        free(out);
        return MIAIR_ERR_NOMEM;
    }
    miair_status st = MIAIR_OK;
    size_t i = 0;
    while (i < m->len && !st) {
        size_t end = chunk_end(m->base, i, i + STREAM_CHUNK, m->len);
        size_t n = miair_utf8_decode(m->base + i, end - i, cp);
        size_t nb = miair_utf8_encode(cp, n, out);
        for (size_t w = 0; w < nb;) {
            ssize_t r = write(fd, out + w, nb - w);
            if (r < 0) {
                if (errno == EINTR) continue;
                set_err(err, errsz, "writing the re-encoded text", errno);
                st = MIAIR_ERR_IO;
                break;
            }
            w += (size_t)r;
        }
        drop_range(m, i, end);
        i = end;
    }
    (void)s;
    free(cp);
    free(out);
    return st;
}

static miair_status map_fd(int fd, size_t len, mapping *m, char *err, size_t errsz) {
    m->len = len;
    m->dropped = 0;
    if (len == 0) {
        m->base = (const uint8_t *)"";
        return MIAIR_OK;
    }
    void *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
        set_err(err, errsz, NULL, errno);
        return MIAIR_ERR_IO;
    }
    (void)madvise(p, len, MADV_SEQUENTIAL);
    m->base = p;
    return MIAIR_OK;
}

static void unmap(mapping *m) {
    if (m->len) munmap((void *)m->base, m->len);
}

miair_status miair_stream_path(const miair_engine *e, miair_scratch *s, const char *path, uint64_t max_bytes,
                               miair_result **out, char *err, size_t errsz) {
    if (!e || !s || !path || !out) return MIAIR_ERR_INVALID;
    *out = NULL;
    if (err && errsz) err[0] = '\0';
    s->k = e->k;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        set_err(err, errsz, NULL, errno);
        return MIAIR_ERR_IO;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        set_err(err, errsz, NULL, errno);
        close(fd);
        return MIAIR_ERR_IO;
    }
    if (!S_ISREG(sb.st_mode)) {
        if (err && errsz) snprintf(err, errsz, "not a regular file or directory");
        close(fd);
        return MIAIR_ERR_IO;
    }
    if (max_bytes && (uint64_t)sb.st_size > max_bytes) {
        if (err && errsz)
            snprintf(err, errsz, "input too large: %llu bytes (limit %llu)", (unsigned long long)sb.st_size,
                     (unsigned long long)max_bytes);
        close(fd);
        return MIAIR_ERR_TOO_BIG;
    }
    mapping m;
    miair_status st = map_fd(fd, (size_t)sb.st_size, &m, err, errsz);
    close(fd);
    if (st) return st;
    mapping *use = &m, re = {0};
    int tmpfd = -1;
    if (!valid_utf8_chunked(e->k, &m, s)) {
        const char *dir = getenv("TMPDIR");
        char tmpl[4096];
        snprintf(tmpl, sizeof tmpl, "%s/miair-stream-XXXXXX", dir && *dir ? dir : "/tmp");
        tmpfd = mkstemp(tmpl);
        if (tmpfd < 0) {
            set_err(err, errsz, "temporary file", errno);
            unmap(&m);
            return MIAIR_ERR_IO;
        }
        unlink(tmpl);
        st = reencode_to(tmpfd, &m, s, err, errsz);
        unmap(&m);
        struct stat tb;
        if (!st && fstat(tmpfd, &tb) != 0) {
            set_err(err, errsz, "temporary file", errno);
            st = MIAIR_ERR_IO;
        }
        if (!st) st = map_fd(tmpfd, (size_t)tb.st_size, &re, err, errsz);
        close(tmpfd);
        if (st) return st;
        use = &re;
    }
    miair_text t = {use->base, use->len};
    s->drop = drop_range;
    s->drop_ctx = use;
    st = miair_analyze_text(e, s, &t, out);
    s->drop = NULL;
    s->drop_ctx = NULL;
    unmap(use);
    if (st && err && errsz && !err[0]) snprintf(err, errsz, "%s", miair_status_message(st));
    return st;
}

miair_status miair_analyze_file(const miair_engine *e, const char *path, uint64_t max_bytes, miair_result **out,
                                char *err, size_t errsz) {
    miair_scratch s;
    if (miair_scratch_init(&s)) return MIAIR_ERR_NOMEM;
    miair_status st = miair_stream_path(e, &s, path, max_bytes, out, err, errsz);
    miair_scratch_release(&s);
    return st;
}
