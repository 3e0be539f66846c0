/* scaling_probe: how far from T times one thread's throughput the batch is on this machine, and how
 * far the machine itself is (docs/bench.md, "Scaling").
 *
 *   build/perf/scaling_probe [--docs N] [--pairs P] [--threads T] [--seed S]
 *
 * Every probe runs P pairs of (one thread, T threads), alternating, and prints the median speedup
 * of the pairs (one-thread time / T-thread time for the same work) with its range:
 *
 *   batch          miair_batch_run() over N distinct medium seed documents (JSON records),
 *                  threads = 1 against threads = T: what `miair bench` measures
 *   own batches    T pthreads, each running a one-thread batch over 1/T of the documents
 *   plain loop     T pthreads, each analyzing and serializing its 1/T with miair_analyze() and
 *                  miair_result_to_json(): no batch at all
 *   registers      a loop of integer operations on registers only (no memory), the same
 *                  work on each of T threads against one thread doing it once
 *   hash L1        XXH3-128 (miair_cache_key_make) over 30 KB per thread, again and again
 *   hash L2        the same over 900 KB per thread (more than L1, less than a 2 MB L2)
 *
 * The last three measure the machine without the analysis: on a machine whose cores do not slow
 * each other down they are all close to T. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "machine.h"
#include "miair.h"
#include "seeddoc.h"

#define MAX_THREADS 64
#define MAX_PAIRS 1001

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* ------------------------------------------------------------------ the work of one thread */

typedef enum { W_BATCH, W_PLAIN_LOOP, W_REGISTERS, W_HASH } work_kind;

typedef struct {
    work_kind kind;
    const miair_engine *e;
    const miair_batch_doc *docs; /* W_BATCH, W_PLAIN_LOOP: this job's documents */
    size_t n;
    int batch_threads;           /* W_BATCH: the batch's threads */
    unsigned char *buf;          /* W_HASH: this thread's own bytes */
    size_t buf_len, rounds;
    size_t done;                 /* full records, or a checksum */
    int failed;
} job;

static int count_record(void *user, const miair_batch_item *it)
{
    if (it->status == MIAIR_OK && it->result && it->json)
        ++*(size_t *)user;
    return 0;
}

static void *run_job(void *arg)
{
    job *j = arg;
    switch (j->kind) {
    case W_BATCH: {
        miair_batch_options o;
        miair_batch_options_init(&o);
        o.threads = j->batch_threads;
        o.flags = MIAIR_BATCH_JSON;
        if (miair_batch_run(j->e, j->docs, j->n, &o, count_record, &j->done, NULL) != MIAIR_OK || j->done != j->n)
            j->failed = 1;
        break;
    }
    case W_PLAIN_LOOP:
        for (size_t i = 0; i < j->n; i++) {
            miair_result *r = NULL;
            char *json = NULL;
            size_t len = 0;
            if (miair_analyze(j->e, j->docs[i].data, j->docs[i].len, &r) != MIAIR_OK ||
                miair_result_to_json(r, "", 0, &json, &len) != MIAIR_OK)
                j->failed = 1;
            else
                j->done++;
            miair_free(json);
            miair_result_free(r);
        }
        break;
    case W_REGISTERS: {
        uint64_t a = j->rounds | 1, b = a * 3, c = a * 5, d = a * 7;
        for (size_t i = 0; i < j->rounds; i++) {
            a += b ^ i;
            b += c ^ a;
            c ^= d + i;
            d += a;
            __asm__ volatile("" : "+r"(a), "+r"(b), "+r"(c), "+r"(d));
        }
        j->done = (size_t)(a + b + c + d);
        break;
    }
    case W_HASH: {
        miair_digest dg;
        memset(&dg, 0, sizeof dg);
        size_t sum = 0;
        for (size_t r = 0; r < j->rounds; r++)
            for (size_t off = 0; off < j->buf_len; off += 4096) {
                miair_cache_key k;
                size_t len = j->buf_len - off < 4096 ? j->buf_len - off : 4096;
                miair_cache_key_make(&dg, j->buf + off, len, &k);
                sum += ((const unsigned char *)&k)[0];
            }
        j->done = sum;
        break;
    }
    }
    return NULL;
}

/* A pool of threads that live for the whole probe, so that what each keeps per thread (the
 * analysis scratch, its malloc arena, its caches) is warm in every run, as in an OpenMP team:
 * run_jobs(jobs, t) runs jobs[0..t) on threads 0..t-1 (the others stay idle) and returns the wall
 * seconds from the start to the last one's end; -1 when one failed. */
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    unsigned gen;   /* bumped for each run */
    int active;     /* threads taking part in this run */
    int finished;   /* of them, done */
    int quit;
    job *jobs;
    pthread_t th[MAX_THREADS];
    int n;
} pool;

typedef struct {
    pool *p;
    int id;
} pool_arg;

static void *pool_thread(void *arg)
{
    pool_arg *pa = arg;
    pool *p = pa->p;
    unsigned seen = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->gen == seen && !p->quit)
            pthread_cond_wait(&p->go, &p->mu);
        if (p->quit)
            break;
        seen = p->gen;
        if (pa->id >= p->active)
            continue;
        job *j = &p->jobs[pa->id];
        pthread_mutex_unlock(&p->mu);
        run_job(j);
        pthread_mutex_lock(&p->mu);
        if (++p->finished == p->active)
            pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static pool the_pool;
static pool_arg pool_args[MAX_THREADS];

static void pool_start(int n)
{
    pool *p = &the_pool;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->go, NULL);
    pthread_cond_init(&p->done, NULL);
    p->n = n;
    for (int i = 0; i < n; i++) {
        pool_args[i] = (pool_arg){p, i};
        pthread_create(&p->th[i], NULL, pool_thread, &pool_args[i]);
    }
}

static void pool_stop(void)
{
    pool *p = &the_pool;
    pthread_mutex_lock(&p->mu);
    p->quit = 1;
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->n; i++)
        pthread_join(p->th[i], NULL);
}

static double run_jobs(job *jobs, int t)
{
    pool *p = &the_pool;
    pthread_mutex_lock(&p->mu);
    p->jobs = jobs;
    p->active = t;
    p->finished = 0;
    p->gen++;
    double t0 = now();
    pthread_cond_broadcast(&p->go);
    while (p->finished < t)
        pthread_cond_wait(&p->done, &p->mu);
    double s = now() - t0;
    pthread_mutex_unlock(&p->mu);
    int failed = 0;
    for (int i = 0; i < t; i++)
        failed |= jobs[i].failed;
    return failed ? -1 : s;
}

/* ------------------------------------------------------------------ probes */

typedef struct {
    const miair_engine *e;
    miair_batch_doc *docs;
    size_t n;
    int threads, pairs;
    unsigned char *bytes; /* threads x 900 KB of pseudo-random bytes for the hash probes */
} probe_env;

#define HASH_L1_BYTES ((size_t)30 << 10)
#define HASH_L2_BYTES ((size_t)900 << 10)

typedef struct {
    const char *name;
    work_kind kind;
    int split;         /* the documents are split over the threads; else each repeats the work */
    int one_batch;     /* one batch of T threads on the calling thread, as miair bench runs it */
    size_t hash_bytes; /* W_HASH */
    const char *what;
} probe_def;

static const probe_def PROBES[] = {
    {"batch", W_BATCH, 1, 1, 0, "miair_batch_run, 1 thread vs T (what miair bench measures)"},
    {"own batches", W_BATCH, 1, 0, 0, "T one-thread batches, 1/T of the documents each"},
    {"plain loop", W_PLAIN_LOOP, 1, 0, 0, "T threads of miair_analyze + miair_result_to_json, no batch"},
    {"registers", W_REGISTERS, 0, 0, 0, "the machine: register-only integer loop on each thread"},
    {"hash L1", W_HASH, 0, 0, HASH_L1_BYTES, "the machine: XXH3 over 30 KB on each thread"},
    {"hash L2", W_HASH, 0, 0, HASH_L2_BYTES, "the machine: XXH3 over 900 KB on each thread"},
};

/* The jobs of t threads: the documents split t ways, each thread its own bytes. */
static void make_jobs(const probe_env *pe, const probe_def *pd, int t, job *jobs)
{
    for (int i = 0; i < t; i++) {
        job *j = &jobs[i];
        memset(j, 0, sizeof *j);
        j->kind = pd->kind;
        j->e = pe->e;
        size_t lo = pe->n * (size_t)i / (size_t)t, hi = pe->n * (size_t)(i + 1) / (size_t)t;
        j->docs = pe->docs + lo;
        j->n = hi - lo;
        j->batch_threads = 1;
        j->buf = pe->bytes + (size_t)i * HASH_L2_BYTES;
        j->buf_len = pd->hash_bytes;
        j->rounds = pd->kind == W_REGISTERS ? (size_t)100 * 1000 * 1000
                    : pd->hash_bytes         ? (size_t)(400u << 20) / pd->hash_bytes
                                             : 0;
    }
}

/* Runs one job on the calling thread: its wall seconds, -1 when it failed. */
static double run_here(job *j)
{
    double t0 = now();
    run_job(j);
    return j->failed ? -1 : now() - t0;
}

/* One pair: (one thread, all the work) against (t threads); the speedup for the same work. */
static double one_pair(const probe_env *pe, const probe_def *pd)
{
    const int t = pe->threads;
    job jobs[MAX_THREADS];
    double t1, tt;
    make_jobs(pe, pd, 1, jobs);
    if (pd->one_batch) {
        t1 = run_here(&jobs[0]);
        make_jobs(pe, pd, 1, jobs);
        jobs[0].batch_threads = t;
        tt = run_here(&jobs[0]);
    } else {
        t1 = run_jobs(jobs, 1);
        make_jobs(pe, pd, t, jobs);
        tt = run_jobs(jobs, t);
    }
    if (t1 < 0 || tt < 0)
        return -1;
    return pd->split ? t1 / tt : (double)t * t1 / tt;
}

static int probe(const probe_env *pe, const probe_def *pd)
{
    static double r[MAX_PAIRS];
    for (int p = 0; p < pe->pairs; p++) {
        r[p] = one_pair(pe, pd);
        if (r[p] < 0) {
            fprintf(stderr, "scaling_probe: %s: a run failed\n", pd->name);
            return -1;
        }
    }
    qsort(r, (size_t)pe->pairs, sizeof *r, cmp_double);
    printf("%-12s %6.3fx  [%5.3f .. %5.3f]   %s\n", pd->name, r[pe->pairs / 2], r[0], r[pe->pairs - 1], pd->what);
    fflush(stdout);
    return 0;
}

static void usage(FILE *to)
{
    fputs("Usage: scaling_probe [--docs N] [--pairs P] [--threads T] [--seed S]\n"
          "Speedup of T threads over one on the same work, median of P alternating pairs:\n"
          "the batch, T one-thread batches, a plain analyze+JSON loop, and three loops\n"
          "that measure the machine alone (registers, hashing in L1, hashing in L2).\n"
          "Defaults: 14000 medium seed documents, 41 pairs, T = 2, seed 1.\n",
          to);
}

int main(int argc, char **argv)
{
    size_t n = 14000;
    int pairs = 41, threads = 2;
    uint64_t seed = 1;
    for (int i = 1; i < argc; i += 2) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        long long x = v ? strtoll(v, &end, 10) : 0;
        int ok = v && end && *end == '\0' && end != v && x > 0;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--docs") == 0 && ok && x <= 10000000) {
            n = (size_t)x;
        } else if (strcmp(argv[i], "--pairs") == 0 && ok && x <= MAX_PAIRS) {
            pairs = (int)x;
        } else if (strcmp(argv[i], "--threads") == 0 && ok && x >= 2 && x <= MAX_THREADS) {
            threads = (int)x;
        } else if (strcmp(argv[i], "--seed") == 0 && ok) {
            seed = (uint64_t)x;
        } else {
            fprintf(stderr, "scaling_probe: bad argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }

    miair_engine *e = NULL;
    if (miair_engine_create(NULL, &e) != MIAIR_OK) {
        fputs("scaling_probe: engine creation failed\n", stderr);
        return 1;
    }
    const size_t max = seeddoc_max_bytes(SEED_MEDIUM);
    char *arena = malloc(n * max);
    miair_batch_doc *docs = calloc(n, sizeof *docs);
    unsigned char *bytes = malloc((size_t)threads * HASH_L2_BYTES);
    if (!arena || !docs || !bytes) {
        fputs("scaling_probe: out of memory\n", stderr);
        return 1;
    }
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        seed_rng r;
        seed_rng_init(&r, seed, i);
        size_t len = seeddoc_write(arena + off, SEED_MEDIUM, SEED_NORMAL, &r);
        docs[i] = (miair_batch_doc){.kind = MIAIR_DOC_BUFFER, .data = arena + off, .len = len, .id = ""};
        off += len;
    }
    seed_rng r;
    seed_rng_init(&r, seed, UINT64_MAX);
    for (size_t i = 0; i + 8 <= (size_t)threads * HASH_L2_BYTES; i += 8) {
        uint64_t x = seed_rng_next(&r);
        memcpy(bytes + i, &x, 8);
    }

    char cpu[256];
    machine_cpu_model(cpu, sizeof cpu);
    printf("scaling_probe: %d threads against 1; %zu medium documents (%.1f MB); median of %d pairs\n", threads,
           n, (double)off / 1e6, pairs);
    printf("machine: %s; %ld cores online\n", cpu, sysconf(_SC_NPROCESSORS_ONLN));
    probe_env pe = {e, docs, n, threads, pairs, bytes};
    pool_start(threads);
    int rc = 0;
    for (size_t k = 0; k < sizeof PROBES / sizeof *PROBES; k++)
        rc |= probe(&pe, &PROBES[k]);
    pool_stop();
    free(bytes);
    free(docs);
    free(arena);
    miair_engine_free(e);
    return rc ? 1 : 0;
}
