/* gen: `miair gen` writes the benchmark documents of SPEC.md section 6
 * (seeddoc.c) as files DIR/SIZE-COMPLEXITY-NNNNNN.md. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "commands.h"
#include "output.h"
#include "seeddoc.h"

int cli_value_option(int argc, char **argv, int *i, const char *name, const char **val)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, "--", 2) != 0 || strncmp(a + 2, name, n) != 0)
        return 0;
    if (a[2 + n] == '=') {
        *val = a + 3 + n;
        return 1;
    }
    if (a[2 + n] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        cli_usage_error("option '--%s' requires an argument", name);
        return -1;
    }
    *val = argv[++*i];
    return 1;
}

static int parse_u64(const char *s, uint64_t *out)
{
    if (*s < '0' || *s > '9')
        return -1;
    uint64_t v = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    return *s ? -1 : (*out = v, 0);
}

static void gen_help(FILE *f)
{
    fputs("Usage: miair gen [--size SIZE] [--complexity C] [--count N] [--seed S] --out DIR\n"
          "\n"
          "Writes N benchmark documents of SPEC.md section 6 (the shapes the original\n"
          "reports measured) as DIR/SIZE-COMPLEXITY-NNNNNN.md, creating DIR if needed:\n"
          "a fixed header, word_count // 50 paragraphs of 5 sentences of 10 words drawn\n"
          "uniformly from the vocabulary, a Python code example (normal and complex),\n"
          "and a conclusion. The same seed always writes the same bytes; documents of\n"
          "one run are distinct.\n"
          "\n"
          "  --size SIZE        small (100 words, ~1.4 kB), medium (500, ~5.1 kB), large\n"
          "                     (2000, ~19 kB) or xlarge (10000, ~93 kB); default medium\n"
          "  --complexity C     simple (5 words), normal (10) or complex (18 words of\n"
          "                     vocabulary); default normal\n"
          "  --count N          documents to write; default 1\n"
          "  --seed S           seed of the generator (unsigned 64-bit); default 1\n"
          "  --out DIR          where to write them (required; created with its parents)\n"
          "  -h, --help         print this help\n",
          f);
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int cmd_gen(int argc, char **argv)
{
    seed_size size = SEED_MEDIUM;
    seed_complexity cx = SEED_NORMAL;
    uint64_t count = 1, seed = 1;
    const char *out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int m;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            gen_help(stdout);
            return fflush(stdout) == 0 ? 0 : 1;
        }
        if ((m = cli_value_option(argc, argv, &i, "size", &v)) != 0) {
            if (m < 0)
                return 2;
            if (seed_size_parse(v, &size) != 0)
                return cli_usage_error("invalid value '%s' for --size (expected small, medium, large or xlarge)", v);
        } else if ((m = cli_value_option(argc, argv, &i, "complexity", &v)) != 0) {
            if (m < 0)
                return 2;
            if (seed_complexity_parse(v, &cx) != 0)
                return cli_usage_error("invalid value '%s' for --complexity (expected simple, normal or complex)", v);
        } else if ((m = cli_value_option(argc, argv, &i, "count", &v)) != 0) {
            if (m < 0)
                return 2;
            if (parse_u64(v, &count) != 0 || count > 100000000)
                return cli_usage_error("invalid value '%s' for --count (expected 0..100000000)", v);
        } else if ((m = cli_value_option(argc, argv, &i, "seed", &v)) != 0) {
            if (m < 0)
                return 2;
            if (parse_u64(v, &seed) != 0)
                return cli_usage_error("invalid value '%s' for --seed (expected an unsigned integer)", v);
        } else if ((m = cli_value_option(argc, argv, &i, "out", &v)) != 0) {
            if (m < 0)
                return 2;
            if (!*v)
                return cli_usage_error("empty directory name for --out");
            out = v;
        } else if (argv[i][0] == '-') {
            return cli_usage_error("unrecognized option '%s' for 'miair gen'", argv[i]);
        } else {
            return cli_usage_error("unexpected operand '%s' for 'miair gen'", argv[i]);
        }
    }
    if (!out)
        return cli_usage_error("'miair gen' needs --out DIR");
    if (out_mkdirs(out) != 0) {
        fprintf(stderr, "miair: %s: cannot create the directory: %s\n", out, strerror(errno));
        return 1;
    }
    char *buf = malloc(seeddoc_max_bytes(size));
    size_t plen = strlen(out) + 64;
    char *path = malloc(plen);
    if (!buf || !path) {
        fputs("miair: out of memory\n", stderr);
        free(buf);
        free(path);
        return 1;
    }
    int rc = 0;
    for (uint64_t k = 0; k < count && rc == 0; k++) {
        seed_rng r;
        seed_rng_init(&r, seed, k);
        size_t n = seeddoc_write(buf, size, cx, &r);
        snprintf(path, plen, "%s%s%s-%s-%06" PRIu64 ".md", out, out[strlen(out) - 1] == '/' ? "" : "/",
                 seed_size_name(size), seed_complexity_name(cx), k);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        int err = fd < 0 ? errno : 0;
        if (fd >= 0) {
            if (write_all(fd, buf, n) != 0)
                err = errno;
            if (close(fd) != 0 && !err)
                err = errno;
        }
        if (err) {
            fprintf(stderr, "miair: %s: %s\n", path, strerror(err));
            rc = 1;
        }
    }
    free(buf);
    free(path);
    return rc;
}
