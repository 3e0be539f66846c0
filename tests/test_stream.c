/* Streaming (runtime/stream.c): miair_analyze_file() equals miair_analyze()
 * on the same bytes, for any window size, and its peak memory does not grow
 * with the document.
 *
 *   test_stream            the cmocka suite (a 48 MiB document for the memory check)
 *   test_stream --rss N    writes a SPEC §6-shaped document of N MiB to $TMPDIR, analyzes it
 *                          in a child process and prints the child's peak RSS */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "miair.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) { /* splitmix64 */
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static const char *const vocab[] = {"system", "process", "data", "user", "interface", "module", "function",
                                    "parameter", "configuration", "implementation", "architecture", "optimization"};

/* Appends one SPEC §6 paragraph (5 sentences of 10 words). */
static void paragraph(FILE *f) {
    for (int s = 0; s < 5; s++) {
        for (int w = 0; w < 10; w++) fprintf(f, "%s%s", w ? " " : "", vocab[rnd() % 12]);
        fputs(s < 4 ? ". " : ". \n\n", f);
    }
}

/* A document of about `bytes` bytes in the SPEC §6 shape, with extra texture
 * (adversarial pieces) when rich. */
static char *write_doc(size_t bytes, int rich) {
    const char *dir = getenv("TMPDIR");
    char *p = malloc(4096);
    snprintf(p, 4096, "%s/miair-stream-test-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(p);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs("# Document Title\n\n## Introduction\n\nThis document provides comprehensive information about the "
          "system architecture and implementation. It covers various aspects, features, and best practices for "
          "optimal usage. \n\n## Main Content\n\n",
          f);
#define PIECE(lit) {lit, sizeof(lit) - 1}
    static const struct {
        const char *s;
        size_t n;
    } pieces[] = {
        PIECE("ΟΔΟΣ ΑΣ. Σ İstanbul ſome KELVIN \xe2\x84\xaa café naïve — “quotes” \xc2\xa0" "nbsp\xe2\x80\x83" "em "),
        PIECE("It was created and is used. TODO: fix FIXME [TBD] [placeholder] see [x](http://a.b) [y]() [z](./c.md) "),
        PIECE("```python\ndef f(x):\n    return [x]\n```\n```\nplain {code}\n```\n"),
        PIECE("1) First 2) Second 3) Third; Firstly this. That is clearly obvious, just simply. API HTTP2 ABCdef "),
        PIECE("- one\n* two\n+ three\n  - four\n#   \n## x\n### Setup set-up email e-mail DB db database api Api\n"),
        PIECE("v1.2.3 2019 2023 2024 deprecated warning note important legacy obsolete in order to "),
        PIECE("\xff\xfe invalid \xc3( \xe2\x82 \xed\xa0\x80 \xf4\x90\x80\x80 " "\x00 nul "),
        PIECE("a very long sentence without any terminator that goes on and on and on and on and on and on and on " "and on and on and on and on and on and on and on and on and on and on and on and on and on and on "),
        PIECE("\r\n\r\nCRLF\tTabs  double  spaces   triple\n\n\n\n"),
    };
    size_t written = 0;
    long pos;
    while ((pos = ftell(f)) >= 0 && (size_t)pos < bytes) {
        paragraph(f);
        if (rich && rnd() % 3 == 0) {
            size_t k = rnd() % (sizeof pieces / sizeof pieces[0]);
            fwrite(pieces[k].s, 1, pieces[k].n, f);
        }
        written++;
    }
    fputs("\n\n## Code Example\n\n```python\ndef example_function(param1, param2):\n    '''Example function "
          "implementation.'''\n    result = param1 + param2\n    return result\n```\n\n\n\n## Conclusion\n\nThis "
          "concludes the comprehensive documentation.",
          f);
    fclose(f);
    return p;
}

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return b;
}

static char *json_of(miair_result *r) {
    char *j;
    size_t jl;
    assert_int_equal(miair_result_to_json(r, "d", 1, &j, &jl), MIAIR_OK);
    return j;
}

/* stream == memory, for several window sizes and documents */
static void test_stream_equals_memory(void **state) {
    (void)state;
    static const size_t sizes[] = {0, 1, 700, 70000, 600000};
    static const size_t windows[] = {64, 1000, 4096, 0};
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        char *path = write_doc(sizes[si], 1);
        size_t len;
        char *buf = slurp(path, &len);
        char *ref = NULL;
        for (size_t wi = 0; wi < sizeof windows / sizeof windows[0]; wi++) {
            miair_config cfg;
            miair_config_init(&cfg);
            cfg.window_bytes = windows[wi];
            miair_engine *e;
            assert_int_equal(miair_engine_create(&cfg, &e), MIAIR_OK);
            miair_result *rm, *rs;
            char err[256];
            assert_int_equal(miair_analyze(e, buf, len, &rm), MIAIR_OK);
            assert_int_equal(miair_analyze_file(e, path, 0, &rs, err, sizeof err), MIAIR_OK);
            char *jm = json_of(rm), *js = json_of(rs);
            assert_string_equal(jm, js);
            if (!ref)
                ref = strdup(jm);
            else
                assert_string_equal(ref, jm); /* the window size does not change the record */
            miair_free(jm);
            miair_free(js);
            miair_result_free(rm);
            miair_result_free(rs);
            miair_engine_free(e);
        }
        free(ref);
        free(buf);
        unlink(path);
        free(path);
    }
}

static void test_stream_errors(void **state) {
    (void)state;
    miair_engine *e;
    assert_int_equal(miair_engine_create(NULL, &e), MIAIR_OK);
    miair_result *r = NULL;
    char err[256];
    assert_int_equal(miair_analyze_file(e, "/nonexistent/miair", 0, &r, err, sizeof err), MIAIR_ERR_IO);
    assert_null(r);
    assert_non_null(strstr(err, "No such file"));
    assert_int_equal(miair_analyze_file(e, "/", 0, &r, err, sizeof err), MIAIR_ERR_IO);
    char *path = write_doc(5000, 0);
    assert_int_equal(miair_analyze_file(e, path, 100, &r, err, sizeof err), MIAIR_ERR_TOO_BIG);
    assert_int_equal(miair_analyze_file(NULL, path, 0, &r, err, sizeof err), MIAIR_ERR_INVALID);
    unlink(path);
    free(path);
    miair_engine_free(e);
}

/* Peak RSS (KiB) of a child that streams the file. */
static long child_peak_kib(const char *path, double *seconds, double *mbps) {
    int pfd[2];
    if (pipe(pfd)) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(pfd[0]);
        miair_engine *e;
        miair_result *r;
        char err[256];
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        if (miair_engine_create(NULL, &e) || miair_analyze_file(e, path, 0, &r, err, sizeof err)) _exit(2);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double dt = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
        if (write(pfd[1], &dt, sizeof dt) != sizeof dt) _exit(3);
        miair_result_free(r);
        miair_engine_free(e);
        _exit(0);
    }
    close(pfd[1]);
    double dt = 0;
    if (read(pfd[0], &dt, sizeof dt) != sizeof dt) dt = -1;
    close(pfd[0]);
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) return -1;
    *seconds = dt;
    (void)mbps;
    return ru.ru_maxrss;
}

static void test_stream_memory_bounded(void **state) {
    (void)state;
    char *path = write_doc((size_t)48 << 20, 0);
    double secs, mbps;
    long kib = child_peak_kib(path, &secs, &mbps);
    unlink(path);
    free(path);
    assert_true(kib > 0);
    print_message("streamed 48 MiB: peak RSS %ld KiB, %.2f s\n", kib, secs);
#if defined(__SANITIZE_ADDRESS__)
    (void)kib; /* AddressSanitizer's shadow memory and quarantine inflate RSS: no bound checked */
#else
    assert_true(kib < 64 * 1024); /* far below the document's size */
#endif
}

int main(int argc, char **argv) {
    if (argc == 3 && !strcmp(argv[1], "--rss")) {
        size_t mib = (size_t)strtoull(argv[2], NULL, 10);
        char *path = write_doc(mib << 20, 0);
        double secs, mbps;
        long kib = child_peak_kib(path, &secs, &mbps);
        printf("document %zu MiB (%s): peak RSS %ld KiB (%.1f MiB), %.2f s, %.1f MB/s\n", mib, path, kib,
               (double)kib / 1024.0, secs, (double)(mib << 20) / 1e6 / secs);
        unlink(path);
        free(path);
        return kib > 0 ? 0 : 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_equals_memory),
        cmocka_unit_test(test_stream_errors),
        cmocka_unit_test(test_stream_memory_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
