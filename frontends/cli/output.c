/* output: the three formats.
 *   jsonl  exactly miair_result_to_json() / miair_error_to_json() + "\n"
 *   json   "[\n", the records separated by ",\n", "\n]\n" (streamed)
 *   table  a header, one row per document with the path last (so rows are
 *          aligned while streaming), and a totals line */
#define _POSIX_C_SOURCE 200809L
#include "output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#define TABLE_ROW "%10s %8s %8s %8s %8s  %-5s %9s %12s  "

int out_mkdirs(const char *path)
{
    size_t n = strlen(path);
    char *p = malloc(n + 1);
    if (!p)
        return -1;
    memcpy(p, path, n + 1);
    int rc = 0;
    for (size_t i = 1; i <= n && rc == 0; i++) {
        if (p[i] != '/' && p[i] != '\0')
            continue;
        if (p[i - 1] == '/') /* "a//b" or a trailing slash: nothing new to create */
            continue;
        char c = p[i];
        p[i] = '\0';
        struct stat st;
        if (mkdir(p, 0777) != 0) {
            if (errno != EEXIST)
                rc = -1;
            else if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))
                rc = -1, errno = ENOTDIR; /* something else has that name */
        }
        p[i] = c;
    }
    int e = errno;
    free(p);
    errno = e;
    return rc;
}

double out_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int out_begin(out_sink *s, cli_format format, int fd, int quiet)
{
    memset(s, 0, sizeof *s);
    writer_init(&s->w, fd);
    s->format = format;
    s->quiet = quiet;
    s->flush_each = isatty(fd);
    s->t0 = out_now();
    if (format == CLI_FORMAT_JSON)
        return writer_puts(&s->w, "[\n");
    if (format == CLI_FORMAT_TABLE) {
        writer_printf(&s->w, TABLE_ROW "%s\n", "code_pts", "Hc", "Hw", "Hs", "quality", "gate",
                      "patterns", "occurrences", "path");
        return s->flush_each ? writer_flush(&s->w) : (s->w.err ? -1 : 0);
    }
    return 0;
}

/* A path for a terminal: control bytes shown as '?'. */
static int put_path(writer *w, const char *p)
{
    for (const char *q = p; *q; q++) {
        unsigned char c = (unsigned char)*q;
        char ch = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
        if (writer_put(w, &ch, 1) != 0)
            return -1;
    }
    return 0;
}

static int end_record(out_sink *s)
{
    int rc = 0;
    if (s->format != CLI_FORMAT_JSON)
        rc = writer_put(&s->w, "\n", 1);
    s->records++;
    if (rc == 0 && s->flush_each)
        rc = writer_flush(&s->w);
    return rc;
}

/* Writes one JSON record (json or jsonl). */
static int put_json(out_sink *s, const char *json, size_t len)
{
    if (s->format == CLI_FORMAT_JSON && s->records > 0 && writer_put(&s->w, ",\n", 2) != 0)
        return -1;
    if (writer_put(&s->w, json, len) != 0)
        return -1;
    return end_record(s);
}

static void clear(out_sink *s)
{
    if (s->clear_hook)
        s->clear_hook(s->clear_user);
}

int out_error(out_sink *s, const char *id, const char *msg)
{
    s->errors++;
    if (!s->quiet || s->flush_each)
        clear(s);
    if (!s->quiet)
        fprintf(stderr, "miair: %s: %s\n", id, msg);
    if (s->format == CLI_FORMAT_TABLE) {
        writer_printf(&s->w, TABLE_ROW, "-", "-", "-", "-", "-", "ERROR", "-", "-");
        put_path(&s->w, id);
        writer_puts(&s->w, ": ");
        put_path(&s->w, msg);
        return end_record(s);
    }
    char *json = NULL;
    size_t len = 0;
    miair_status st = miair_error_to_json(id, strlen(id), msg, &json, &len);
    if (st != MIAIR_OK) {
        fprintf(stderr, "miair: %s: cannot write the error record: %s\n", id, miair_status_message(st));
        return -1;
    }
    int rc = put_json(s, json, len);
    miair_free(json);
    return rc;
}

typedef double (*number_fn)(const void *src, miair_field f);

static double result_number(const void *r, miair_field f) { return miair_result_number(r, f); }
static double item_number(const void *it, miair_field f) { return miair_batch_item_number(it, f); }

static int table_row(out_sink *s, const char *id, number_fn num, const void *src)
{
    char c[5][32], p[2][32];
    snprintf(c[0], sizeof c[0], "%.0f", num(src, MIAIR_TEXT_LENGTH));
    snprintf(c[1], sizeof c[1], "%.3f", num(src, MIAIR_ENTROPY_CHARACTER));
    snprintf(c[2], sizeof c[2], "%.3f", num(src, MIAIR_ENTROPY_WORD));
    snprintf(c[3], sizeof c[3], "%.3f", num(src, MIAIR_ENTROPY_SENTENCE));
    snprintf(c[4], sizeof c[4], "%.3f", num(src, MIAIR_QUALITY_OVERALL));
    snprintf(p[0], sizeof p[0], "%.0f", num(src, MIAIR_PATTERN_COUNT));
    snprintf(p[1], sizeof p[1], "%.0f", num(src, MIAIR_OCCURRENCE_COUNT));
    const char *gate = num(src, MIAIR_PASSES_GATE) == 1.0 ? "PASS" : "FAIL";
    writer_printf(&s->w, TABLE_ROW, c[0], c[1], c[2], c[3], c[4], gate, p[0], p[1]);
    put_path(&s->w, id);
    return end_record(s);
}

/* A record from a result (r) or a batch item (it, r NULL). */
static int record(out_sink *s, const char *id, const miair_result *r, const miair_batch_item *it,
                  size_t nbytes)
{
    int rc;
    number_fn num = r ? result_number : item_number;
    const void *src = r ? (const void *)r : (const void *)it;
    if (s->flush_each)
        clear(s);
    if (s->format == CLI_FORMAT_TABLE) {
        rc = table_row(s, id, num, src);
    } else if (it && it->json) {
        rc = put_json(s, it->json, it->json_len);
    } else if (r || (it && it->result)) {
        char *json = NULL;
        size_t len = 0;
        miair_status st = miair_result_to_json(r ? r : it->result, id, strlen(id), &json, &len);
        if (st != MIAIR_OK)
            return out_error(s, id, miair_status_message(st));
        rc = put_json(s, json, len);
        miair_free(json);
    } else {
        return out_error(s, id, "no record (a cache hit without its JSON)");
    }
    s->analyzed++;
    s->bytes += nbytes;
    if (num(src, MIAIR_PASSES_GATE) == 1.0)
        s->gate_passes++;
    return rc;
}

int out_result(out_sink *s, const char *id, const miair_result *r, size_t nbytes)
{
    return record(s, id, r, NULL, nbytes);
}

int out_item(out_sink *s, const miair_batch_item *it)
{
    return record(s, it->id, it->result, it, (size_t)it->bytes);
}

int out_end(out_sink *s)
{
    if (s->flush_each)
        clear(s);
    if (s->format == CLI_FORMAT_JSON) {
        writer_puts(&s->w, s->records ? "\n]\n" : "]\n");
    } else if (s->format == CLI_FORMAT_TABLE) {
        double secs = out_now() - s->t0;
        double rate = secs > 0 ? (double)s->analyzed / secs : 0.0;
        writer_printf(&s->w,
                      "total: %zu documents (%zu analyzed, %zu %s), %llu bytes, %zu %s the gate, "
                      "%.3f s, %.1f docs/s\n",
                      s->records, s->analyzed, s->errors, s->errors == 1 ? "error" : "errors",
                      (unsigned long long)s->bytes, s->gate_passes,
                      s->gate_passes == 1 ? "passes" : "pass", secs, rate);
    }
    return writer_flush(&s->w);
}
