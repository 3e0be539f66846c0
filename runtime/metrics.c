/* metrics: batch counters as Prometheus text exposition format (version
 * 0.0.4: "# HELP", "# TYPE", one "name{label="v"} value" line per sample)
 * or as a table for people (miair analyze --metrics FILE / --stats). */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "metrics.h"

#include <stdlib.h>
#include <string.h>

static int write_value(FILE *f, const miair_metric *m)
{
    if (m->integer)
        return fprintf(f, "%.0f", m->value) < 0 ? -1 : 0;
    return fprintf(f, "%.9g", m->value) < 0 ? -1 : 0;
}

int miair_metrics_write(FILE *f, const miair_metric *m, size_t n, miair_stats_format fmt)
{
    for (size_t i = 0; i < n; i++) {
        int first = i == 0 || strcmp(m[i - 1].name, m[i].name) != 0;
        if (fmt == MIAIR_STATS_PROMETHEUS) {
            if (first && fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", m[i].name, m[i].help, m[i].name,
                                 m[i].type == MIAIR_METRIC_COUNTER ? "counter" : "gauge") < 0)
                return -1;
            if (fputs(m[i].name, f) < 0)
                return -1;
            if (m[i].label_key && fprintf(f, "{%s=\"%s\"}", m[i].label_key, m[i].label_value) < 0)
                return -1;
            if (fputc(' ', f) < 0 || write_value(f, &m[i]) != 0 || fputc('\n', f) < 0)
                return -1;
        } else {
            if (fprintf(f, "%-28s ", m[i].table_name) < 0 || write_value(f, &m[i]) != 0 || fputc('\n', f) < 0)
                return -1;
        }
    }
    return 0;
}

#define STAGE_HELP "Seconds spent in each stage, summed over worker threads."

miair_status miair_batch_stats_format(const miair_batch_stats *s, miair_stats_format fmt, char **out,
                                      size_t *out_len)
{
    if (!s || !out || (fmt != MIAIR_STATS_PROMETHEUS && fmt != MIAIR_STATS_TABLE))
        return MIAIR_ERR_INVALID;
    *out = NULL;
    double rate = s->wall_seconds > 0 ? (double)s->analyzed / s->wall_seconds : 0.0;
    const miair_metric m[] = {
        {"miair_documents_total", "Documents processed (one record each), by outcome: analyzed = full record (result cache hits "
         "included, see miair_cache_hits_total), error = error record.", MIAIR_METRIC_COUNTER, "outcome", "analyzed", (double)s->analyzed, 1,
         "documents_analyzed"},
        {"miair_documents_total", "", MIAIR_METRIC_COUNTER, "outcome", "error", (double)s->errors, 1,
         "documents_error"},
        {"miair_bytes_total", "Bytes of the analyzed documents.", MIAIR_METRIC_COUNTER, NULL, NULL,
         (double)s->bytes, 1, "bytes"},
        {"miair_errors_total", "Documents that yielded an error record.", MIAIR_METRIC_COUNTER, NULL, NULL,
         (double)s->errors, 1, "errors"},
        {"miair_pattern_stage_documents_total", "Analyzed documents whose pattern stage ran (the non-empty ones).",
         MIAIR_METRIC_COUNTER, NULL, NULL, (double)s->patterns_ran, 1, "pattern_stage_documents"},
        {"miair_cache_hits_total", "Records taken from the result cache instead of analyzing (0 when no cache is used).",
         MIAIR_METRIC_COUNTER, NULL, NULL, (double)s->cache_hits, 1, "cache_hits"},
        {"miair_cache_misses_total", "Documents looked up in the result cache and not found (0 when no cache is used).",
         MIAIR_METRIC_COUNTER, NULL, NULL, (double)s->cache_misses, 1, "cache_misses"},
        {"miair_stage_seconds_total", STAGE_HELP " stat = sizing files for scheduling, read = reading files, "
         "analyze = the analysis, serialize = JSON records, deliver = in-order output (one thread at a time), "
         "wait = workers idle on a full reorder window.", MIAIR_METRIC_COUNTER, "stage", "stat",
         s->stat_seconds, 0, "stat_seconds"},
        {"miair_stage_seconds_total", "", MIAIR_METRIC_COUNTER, "stage", "read", s->read_seconds, 0,
         "read_seconds"},
        {"miair_stage_seconds_total", "", MIAIR_METRIC_COUNTER, "stage", "analyze", s->analyze_seconds, 0,
         "analyze_seconds"},
        {"miair_stage_seconds_total", "", MIAIR_METRIC_COUNTER, "stage", "serialize", s->json_seconds, 0,
         "serialize_seconds"},
        {"miair_stage_seconds_total", "", MIAIR_METRIC_COUNTER, "stage", "deliver", s->deliver_seconds, 0,
         "deliver_seconds"},
        {"miair_stage_seconds_total", "", MIAIR_METRIC_COUNTER, "stage", "wait", s->wait_seconds, 0,
         "wait_seconds"},
        {"miair_wall_seconds", "Wall-clock seconds of the batch.", MIAIR_METRIC_GAUGE, NULL, NULL,
         s->wall_seconds, 0, "wall_seconds"},
        {"miair_documents_per_second", "Analyzed documents per wall-clock second.", MIAIR_METRIC_GAUGE, NULL,
         NULL, rate, 0, "documents_per_second"},
        {"miair_threads", "Worker threads used.", MIAIR_METRIC_GAUGE, NULL, NULL, (double)s->threads, 1,
         "threads"},
    };
    return miair_metrics_format(m, sizeof m / sizeof m[0], fmt, out, out_len);
}

miair_status miair_metrics_format(const miair_metric *m, size_t n, miair_stats_format fmt, char **out,
                                  size_t *out_len)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return MIAIR_ERR_NOMEM;
    int rc = miair_metrics_write(f, m, n, fmt);
    if (fclose(f) != 0 || rc != 0) {
        free(buf);
        return MIAIR_ERR_NOMEM;
    }
    *out = buf;
    if (out_len)
        *out_len = len;
    return MIAIR_OK;
}
