/* progress: bar, cost model and slow documents (see progress.h). */
#define _POSIX_C_SOURCE 200809L
#include "progress.h"

#include <stdlib.h>
#include <string.h>

#include "output.h"

void cost_model_add(cost_model *m, double x, double y)
{
    m->n += 1.0;
    double dx = x - m->mean_x;
    m->mean_x += dx / m->n;
    m->mean_y += (y - m->mean_y) / m->n;
    m->cxx += dx * (x - m->mean_x);
    m->cxy += dx * (y - m->mean_y);
}

void cost_model_coef(const cost_model *m, double *a, double *b)
{
    double ca = 0.0, cb = 0.0;
    if (m->n > 0) {
        if (m->cxx > 1e-9 * (m->mean_x * m->mean_x + 1.0) * m->n) {
            cb = m->cxy / m->cxx;
            ca = m->mean_y - cb * m->mean_x;
        }
        /* Degenerate (all documents the same size) or a non-physical fit:
         * cost proportional to size, or a constant. */
        if (cb < 0.0 || ca < 0.0 || m->cxx <= 1e-9 * (m->mean_x * m->mean_x + 1.0) * m->n) {
            ca = 0.0;
            cb = m->mean_x > 0 ? m->mean_y / m->mean_x : 0.0;
            if (cb == 0.0)
                ca = m->mean_y;
        }
    }
    if (a)
        *a = ca;
    if (b)
        *b = cb;
}

double cost_model_predict(const cost_model *m, double bytes)
{
    double a, b;
    cost_model_coef(m, &a, &b);
    double y = a + b * bytes;
    return y > 0 ? y : 0;
}

void progress_init(progress *p, int enabled, int threads, FILE *f)
{
    memset(p, 0, sizeof *p);
    p->enabled = enabled;
    p->threads = threads > 0 ? threads : 1;
    p->f = f;
    p->t0 = out_now();
}

void progress_plan(progress *p, size_t n, uint64_t total_bytes)
{
    p->total_docs = n;
    p->total_bytes = total_bytes;
}

static void fmt_duration(char *buf, size_t n, double s)
{
    if (!(s >= 0) || s > 359999)
        snprintf(buf, n, "--:--");
    else if (s >= 3600)
        snprintf(buf, n, "%d:%02d:%02d", (int)s / 3600, (int)s / 60 % 60, (int)s % 60);
    else
        snprintf(buf, n, "%d:%02d", (int)s / 60, (int)s % 60);
}

static void draw(progress *p, double now)
{
    double wall = now - p->t0;
    double frac = p->total_bytes ? (double)p->done_bytes / (double)p->total_bytes
                                 : (p->total_docs ? (double)p->done_docs / (double)p->total_docs : 0);
    if (frac > 1)
        frac = 1;
    char bar[24];
    int w = (int)(frac * 20 + 0.5);
    for (int i = 0; i < 20; i++)
        bar[i] = i < w ? '#' : '.';
    bar[20] = '\0';
    double rate = wall > 0 ? (double)p->done_docs / wall : 0;
    /* ETA: the model's worker seconds still to come over the observed parallelism */
    double eta = -1;
    if (p->model.n >= 1 && wall > 0 && p->worker_seconds > 0) {
        double a, b;
        cost_model_coef(&p->model, &a, &b);
        double docs_left = (double)(p->total_docs > p->done_docs ? p->total_docs - p->done_docs : 0);
        double bytes_left = (double)(p->total_bytes > p->done_bytes ? p->total_bytes - p->done_bytes : 0);
        double par = p->worker_seconds / wall;
        if (par < 1)
            par = 1;
        if (par > p->threads)
            par = p->threads;
        eta = (a * docs_left + b * bytes_left) / par;
    }
    char eta_s[16];
    fmt_duration(eta_s, sizeof eta_s, eta);
    fprintf(p->f, "\r[%s] %zu/%zu docs  %.1f/%.1f MB  %.1f docs/s  ETA %s\033[K", bar, p->done_docs,
            p->total_docs, (double)p->done_bytes / 1e6, (double)p->total_bytes / 1e6, rate, eta_s);
    fflush(p->f);
    p->visible = 1;
    p->last_draw = now;
}

static void add_slow(progress *p, const char *id, uint64_t bytes, double seconds, double predicted)
{
    p->n_slow_total++;
    size_t at = p->n_slow;
    if (p->n_slow == SLOW_KEEP) {
        /* keep the slowest: replace the fastest kept one if this is slower */
        size_t min = 0;
        for (size_t i = 1; i < p->n_slow; i++)
            if (p->slow[i].seconds < p->slow[min].seconds)
                min = i;
        if (p->slow[min].seconds >= seconds)
            return;
        free(p->slow[min].id);
        at = min;
    } else {
        p->n_slow++;
    }
    p->slow[at].id = strdup(id);
    for (char *c = p->slow[at].id; c && *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
    p->slow[at].bytes = bytes;
    p->slow[at].seconds = seconds;
    p->slow[at].predicted = predicted;
}

void progress_item(progress *p, const char *id, uint64_t bytes, double seconds, int ok)
{
    p->done_docs++;
    p->done_bytes += bytes;
    p->worker_seconds += seconds;
    if (ok) {
        if (p->model.n >= SLOW_MIN_SAMPLES) {
            double pred = cost_model_predict(&p->model, (double)bytes);
            if (seconds > SLOW_MIN_SECONDS && seconds > SLOW_FACTOR * pred)
                add_slow(p, id, bytes, seconds, pred);
        }
        cost_model_add(&p->model, (double)bytes, seconds);
    }
    if (p->enabled) {
        double now = out_now();
        if (now - p->last_draw >= PROGRESS_REDRAW_S || p->done_docs == p->total_docs)
            draw(p, now);
    }
}

void progress_clear(progress *p)
{
    if (p->visible) {
        fputs("\r\033[K", p->f);
        fflush(p->f);
        p->visible = 0;
    }
}

void progress_end(progress *p)
{
    progress_clear(p);
    p->enabled = 0;
}

static int cmp_slow(const void *a, const void *b)
{
    const slow_doc *x = a, *y = b;
    return (x->seconds < y->seconds) - (x->seconds > y->seconds);
}

void progress_print_slow(const progress *p, FILE *f)
{
    if (p->n_slow_total == 0)
        return;
    slow_doc sorted[SLOW_KEEP];
    memcpy(sorted, p->slow, p->n_slow * sizeof *sorted);
    qsort(sorted, p->n_slow, sizeof *sorted, cmp_slow);
    double a, b;
    cost_model_coef(&p->model, &a, &b);
    fprintf(f, "slow documents: %zu took more than %.0fx the predicted time and more than %.0f ms "
               "(model: seconds = %.3g + %.3g * bytes)%s\n",
            p->n_slow_total, SLOW_FACTOR, SLOW_MIN_SECONDS * 1e3, a, b,
            p->n_slow_total > p->n_slow ? "; the slowest are listed" : "");
    for (size_t i = 0; i < p->n_slow; i++)
        fprintf(f, "  %10.3f s  (predicted %.3f s)  %12llu bytes  %s\n", sorted[i].seconds, sorted[i].predicted,
                (unsigned long long)sorted[i].bytes, sorted[i].id);
}

void progress_free(progress *p)
{
    for (size_t i = 0; i < p->n_slow; i++)
        free(p->slow[i].id);
    p->n_slow = 0;
}
