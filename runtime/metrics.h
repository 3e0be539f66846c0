/* metrics: the counters of a batch as Prometheus text or a table
 * (runtime/metrics.c; public entry miair_batch_stats_format() in miair.h).
 * A metric is one row of a list; other runtime parts (a future result cache)
 * add theirs by extending the list built in metrics.c. */
#ifndef MIAIR_METRICS_H
#define MIAIR_METRICS_H

#include <stdio.h>

#include "miair.h"

typedef enum { MIAIR_METRIC_COUNTER, MIAIR_METRIC_GAUGE } miair_metric_type;

/* One sample. Samples of the same name must be adjacent; the first one
 * carries the HELP text and type. */
typedef struct miair_metric {
    const char *name;       /* Prometheus name, e.g. "miair_documents_total" */
    const char *help;       /* HELP text (first sample of a name only) */
    miair_metric_type type;
    const char *label_key;  /* NULL, or one label: key="value" */
    const char *label_value;
    double value;
    int integer;            /* print as an integer */
    const char *table_name; /* row name in the table format */
} miair_metric;

/* Writes the samples in the given format to f. Returns 0, or -1 on a write error. */
int miair_metrics_write(FILE *f, const miair_metric *m, size_t n, miair_stats_format fmt);

/* The same into a malloc'd string (*out, its length in *out_len if not NULL). */
miair_status miair_metrics_format(const miair_metric *m, size_t n, miair_stats_format fmt, char **out,
                                  size_t *out_len);

#endif
