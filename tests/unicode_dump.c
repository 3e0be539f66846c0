/* Test driver for tools/check_unicode.py: prints what runtime/unicode.c
 * computes, in a line format the Python side reproduces from str methods.
 *
 *   unicode_dump props    one line per code point 0..10FFFF:
 *                         "CP space word upper sigma LOWER..." (hex CPs)
 *   unicode_dump decode   stdin: one line of hex bytes per case;
 *                         stdout: "CP CP ...|HEXBYTES" (decoded code points,
 *                         then their UTF-8 re-encoding)
 *   unicode_dump lower    stdin: one line of space-separated hex code points;
 *                         stdout: the lowered text, same format
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unicode.h"

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Reads one line (without '\n') into a growing buffer; false at EOF. */
static bool read_line(char **buf, size_t *cap, size_t *len)
{
    size_t n = 0;
    int ch;
    while ((ch = getchar()) != EOF && ch != '\n') {
        if (n + 1 >= *cap) {
            size_t ncap = *cap ? *cap * 2 : 4096;
            char *nb = realloc(*buf, ncap);
            if (!nb) {
                fprintf(stderr, "unicode_dump: out of memory\n");
                exit(2);
            }
            *buf = nb;
            *cap = ncap;
        }
        (*buf)[n++] = (char)ch;
    }
    if (ch == EOF && n == 0)
        return false;
    if (*cap == 0) {
        *buf = malloc(1);
        *cap = 1;
    }
    (*buf)[n] = '\0';
    *len = n;
    return true;
}

static void print_cps(const uint32_t *cp, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf(i ? " %X" : "%X", (unsigned)cp[i]);
}

static int do_props(void)
{
    for (uint32_t c = 0; c < 0x110000u; c++) {
        uint32_t low[2];
        int k = miair_uc_lower(c, low);
        printf("%X %d %d %d %d %X", (unsigned)c, miair_uc_isspace(c),
               miair_uc_isword(c), miair_uc_isupper(c),
               miair_uc_sigma_class(c), (unsigned)low[0]);
        if (k == 2)
            printf(" %X", (unsigned)low[1]);
        putchar('\n');
    }
    return 0;
}

static int do_decode(void)
{
    char *line = NULL;
    size_t cap = 0, len = 0;
    while (read_line(&line, &cap, &len)) {
        size_t nb = len / 2;
        uint8_t *bytes = malloc(nb + 1);
        uint32_t *cps = malloc((nb + 1) * sizeof *cps);
        uint8_t *enc = malloc(4 * nb + 1);
        if (!bytes || !cps || !enc)
            return 2;
        for (size_t i = 0; i < nb; i++)
            bytes[i] = (uint8_t)(hexval(line[2 * i]) << 4 | hexval(line[2 * i + 1]));
        size_t n = miair_utf8_decode(bytes, nb, cps);
        print_cps(cps, n);
        putchar('|');
        size_t m = miair_utf8_encode(cps, n, enc);
        for (size_t i = 0; i < m; i++)
            printf("%02x", enc[i]);
        putchar('\n');
        free(bytes);
        free(cps);
        free(enc);
    }
    free(line);
    return 0;
}

static int do_lower(void)
{
    char *line = NULL;
    size_t cap = 0, len = 0;
    while (read_line(&line, &cap, &len)) {
        size_t maxn = len / 2 + 1;
        uint32_t *text = malloc(maxn * sizeof *text);
        uint32_t *out = malloc(2 * maxn * sizeof *out);
        if (!text || !out)
            return 2;
        size_t n = 0;
        uint32_t v = 0;
        bool have = false;
        for (size_t i = 0; i <= len; i++) {
            int h = i < len ? hexval(line[i]) : -1;
            if (h >= 0) {
                v = v << 4 | (uint32_t)h;
                have = true;
            } else if (have) {
                text[n++] = v;
                v = 0;
                have = false;
            }
        }
        size_t m = miair_lower(text, n, out);
        print_cps(out, m);
        putchar('\n');
        free(text);
        free(out);
    }
    free(line);
    return 0;
}

int main(int argc, char **argv)
{
    static char obuf[1 << 16];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    int rc;
    if (argc == 2 && strcmp(argv[1], "props") == 0)
        rc = do_props();
    else if (argc == 2 && strcmp(argv[1], "decode") == 0)
        rc = do_decode();
    else if (argc == 2 && strcmp(argv[1], "lower") == 0)
        rc = do_lower();
    else {
        fprintf(stderr, "usage: %s props|decode|lower\n", argv[0]);
        return 2;
    }
    fflush(stdout);
    return rc;
}
