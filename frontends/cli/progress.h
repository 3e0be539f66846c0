/* progress: the progress bar of `miair analyze` (stderr, terminals only),
 * the online cost model behind its ETA, and the "slow documents" list.
 *
 * Cost model: a running least-squares fit of worker seconds = a + b * bytes
 * over the documents analyzed so far (Welford-style centred sums, so large
 * byte counts lose no precision). ETA = the model's worker seconds for the
 * documents and bytes still to come, divided by the parallelism observed so
 * far (worker seconds per wall second). A document is "slow" when it took
 * more than SLOW_FACTOR times what the model predicted from the documents
 * before it, and more than SLOW_MIN_SECONDS. */
#ifndef MIAIR_CLI_PROGRESS_H
#define MIAIR_CLI_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SLOW_FACTOR 10.0
#define SLOW_MIN_SECONDS 0.050
#define SLOW_MIN_SAMPLES 8   /* the model predicts nothing before this many documents */
#define SLOW_KEEP 20         /* slow documents listed at most */
#define PROGRESS_REDRAW_S 0.1

typedef struct cost_model {
    double n, mean_x, mean_y, cxx, cxy; /* centred sums */
} cost_model;

void cost_model_add(cost_model *m, double bytes, double seconds);
/* Predicted seconds for a document of this size (>= 0); a, b out (may be NULL). */
double cost_model_predict(const cost_model *m, double bytes);
void cost_model_coef(const cost_model *m, double *a, double *b);

typedef struct slow_doc {
    char *id;
    uint64_t bytes;
    double seconds, predicted;
} slow_doc;

typedef struct progress {
    int enabled;        /* draw the bar */
    int visible;        /* a bar is on the screen now */
    int threads;
    FILE *f;            /* stderr */
    size_t total_docs;
    uint64_t total_bytes;
    size_t done_docs;
    uint64_t done_bytes; /* sizes as planned, of the documents delivered */
    double worker_seconds;
    double t0, last_draw;
    cost_model model;
    slow_doc slow[SLOW_KEEP];
    size_t n_slow;       /* kept (<= SLOW_KEEP) */
    size_t n_slow_total; /* seen */
} progress;

void progress_init(progress *p, int enabled, int threads, FILE *f);
void progress_plan(progress *p, size_t n, uint64_t total_bytes);
/* One delivered document: planned size (for the bar), actual bytes and
 * worker seconds (for the model; ok = it was analyzed). */
void progress_item(progress *p, const char *id, uint64_t bytes, double seconds, int ok);
/* Clears the bar line (before other output on the terminal). */
void progress_clear(progress *p);
/* Clears the bar for good. */
void progress_end(progress *p);
/* Writes the slow documents list (nothing when there is none). */
void progress_print_slow(const progress *p, FILE *f);
void progress_free(progress *p);

#endif
