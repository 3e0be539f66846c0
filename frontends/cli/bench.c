/* bench: `miair bench` reproduces the published figures of the original
 * reports (SPEC.md section 6) on this machine, honestly:
 *
 *   - documents are the SPEC section 6 shapes (seeddoc.c), freshly generated
 *     and distinct for every run, held in memory; only the analysis is timed;
 *   - a document counts only when its full record was produced (analysis and
 *     JSON serialization, MIAIR_BATCH_JSON), never a failure or a cache hit;
 *   - every timing is the median of --runs runs;
 *   - peak RSS figures come from fresh child processes (fork + exec of this
 *     program in a hidden child mode), so peaks do not carry over.
 *
 * A cache scenario (in-process LRU and store directory) is reported apart and
 * labelled as cache hits; hits count in no other figure.
 *
 * It prints the machine, the command line, each published figure beside ours,
 * and writes results.json, *.csv and, when gnuplot is installed, PNG plots
 * into --out DIR. docs/bench.md keeps the latest report. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE 1 /* wait4 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "commands.h"
#include "dispatch.h"
#include "miair.h"
#include "output.h"
#include "machine.h"
#include "seeddoc.h"

/* ---- the published figures (SPEC.md section 6, from the original reports) ---- */
#define PUB_M003_DOCS_MIN 383436.0       /* medium, 10 cores */
#define PUB_M003_ORIGINAL_DOCS_MIN 12947.0
#define PUB_M003_PASS3_DOCS_MIN 361431.0
#define PUB_M003_PASS4_DOCS_MIN 248400.0
#define PUB_M004_TARGET_DOCS_MIN 248000.0
#define PUB_SMALL_DOCS_S 3580.7
#define PUB_MEDIUM_DOCS_S 6390.6
#define PUB_PATTERN_OPS_S 2239.4
#define PUB_M009_DOCS_MIN 145.0
#define PUB_M009_MB_PER_1000 450.0
#define PUB_CORES 10
static const int PUB_SCALING_WORKERS[] = {1, 2, 4, 8, 10};
static const double PUB_SCALING_DOCS_S[] = {5399, 5493, 5003, 3823, 3171};
#define PUB_SCALING_N 5

/* ---- targets of issue 4 ---- */
#define TARGET_MEDIUM_DOCS_MIN 10000000.0
#define TARGET_SCALING_2T 1.9
#define TARGET_RSS_1000_MIB 64.0
#define TARGET_LATENCY_MS 5.0

#define BENCH_DEFAULT_RUNS 5
#define BENCH_DEFAULT_SECONDS 0.5 /* aimed length of one timed run */
#define BENCH_DEFAULT_POOL_MB 64  /* cap on the generated documents of one run */
#define BENCH_MIN_DOCS 64
#define BENCH_PILOT_DOCS 48
#define BENCH_WARM_DOCS 2000 /* medium documents of the untimed warm-up runs */
#define BENCH_WARM_S 0.2     /* seconds of those runs */
#define BENCH_SETTLE_MAX_S 3.0 /* longest wait for a quiet machine after the child processes */
#define BENCH_LATENCY_RUNS 21
#define BENCH_XL_DOCS 64
#define BENCH_CACHE_MAX_DOCS 4096 /* documents of the cache scenario (one store file each) */
static const size_t M009_SIZES[] = {10, 50, 100, 500, 1000};
#define M009_N 5
#define MAX_THREAD_STEPS 16

typedef struct {
    int runs;
    const char *out;
    double seconds;
    uint64_t seed;
    size_t pool_mb;
    int threads;         /* all threads: 0 = miair_batch_threads(0) */
    int latency_runs;
    int plots;
    /* child mode */
    size_t child_docs;
    seed_size child_size;
} bench_opts;

typedef struct {
    size_t docs;         /* documents per run */
    double bytes_per_doc;
    double seconds;      /* median run */
    double docs_s, mb_s; /* from the median run */
    double patterns_s;   /* documents whose pattern stage ran, per second */
    double min_s, max_s; /* spread of the runs, seconds */
    double util;         /* our CPU seconds / (wall x threads), median */
    double others;       /* CPU used by other processes / (wall x cores), median; -1 unknown */
    size_t full;         /* full records in the median run */
} measure;

/* ------------------------------------------------------------------ helpers */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Writes a document pool: count documents of one shape, seeded (seed, k). */
typedef struct {
    char *arena;
    size_t cap;
    miair_batch_doc *docs;
    size_t count;
    uint64_t bytes;
} pool;

static int pool_fill(pool *p, size_t count, seed_size s, seed_complexity c, uint64_t seed)
{
    size_t need = count * seeddoc_max_bytes(s);
    if (need > p->cap) {
        free(p->arena);
        p->arena = malloc(need);
        p->cap = p->arena ? need : 0;
    }
    miair_batch_doc *d = realloc(p->docs, (count ? count : 1) * sizeof *d);
    if (!p->arena || !d)
        return -1;
    p->docs = d;
    char *w = p->arena;
    p->bytes = 0;
    for (size_t k = 0; k < count; k++) {
        seed_rng r;
        seed_rng_init(&r, seed, k);
        size_t len = seeddoc_write(w, s, c, &r);
        memset(&d[k], 0, sizeof d[k]);
        d[k].kind = MIAIR_DOC_BUFFER;
        d[k].data = w;
        d[k].len = len;
        d[k].id = "";
        w += len;
        p->bytes += len;
    }
    p->count = count;
    return 0;
}

static void pool_free(pool *p)
{
    free(p->arena);
    free(p->docs);
    memset(p, 0, sizeof *p);
}

typedef struct {
    size_t full;     /* full records (result + JSON) */
    size_t patterns; /* of which the pattern stage ran */
} counts;

static int count_item(void *user, const miair_batch_item *it)
{
    counts *c = user;
    if (it->status == MIAIR_OK && it->result && it->json) {
        c->full++;
        if (!miair_result_is_empty(it->result))
            c->patterns++;
    }
    return 0;
}

/* Full records of a cached run: analyzed or from the cache (the JSON record is there). */
static int count_cached(void *user, const miair_batch_item *it)
{
    counts *c = user;
    if (it->status == MIAIR_OK && it->json)
        c->full++;
    return 0;
}

/* CPU accounting of a timed run: our process's CPU seconds (getrusage) and
 * the machine's busy seconds (/proc/stat: user, nice, system, irq, softirq,
 * steal), so that the load of other processes during a run can be reported. */
typedef struct {
    double wall, ours, busy;
} cpu_snap;

static double proc_busy_seconds(void)
{
    FILE *f = fopen("/proc/stat", "r");
    if (!f)
        return -1;
    unsigned long long v[8] = {0};
    int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                   &v[6], &v[7]);
    fclose(f);
    if (n < 8)
        return -1;
    long hz = sysconf(_SC_CLK_TCK);
    /* user nice system idle iowait irq softirq steal: all but idle and iowait */
    return (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / (double)(hz > 0 ? hz : 100);
}

static void cpu_snap_take(cpu_snap *c)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    c->ours = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
              (double)ru.ru_stime.tv_usec * 1e-6;
    c->busy = proc_busy_seconds();
    c->wall = out_now();
}

typedef struct {
    double seconds;
    double util;   /* our CPU seconds / (wall x threads) */
    double others; /* other processes' CPU seconds / (wall x cores); -1 when unknown */
} run_stat;

static int online_cores(void)
{
    long c = sysconf(_SC_NPROCESSORS_ONLN);
    return c > 0 ? (int)c : 1;
}

/* Waits (at most max_s seconds) until the machine is quiet: the CPUs busy less than 5% of a
 * 100 ms interval (this process is idle meanwhile). After the child processes exit, the kernel's
 * own work (RCU callbacks, page freeing) can hold a CPU for tens of milliseconds: a timed run
 * started then shares a CPU between its threads. Returns the seconds waited. */
static double settle(double max_s)
{
    const double t0 = out_now();
    const struct timespec step = {0, 100 * 1000 * 1000};
    for (;;) {
        double b0 = proc_busy_seconds(), w0 = out_now();
        nanosleep(&step, NULL);
        double b1 = proc_busy_seconds(), w1 = out_now();
        if (b0 < 0 || b1 < 0 || w1 - t0 >= max_s || (b1 - b0) < 0.05 * (w1 - w0) * online_cores())
            return w1 - t0;
    }
}

/* One timed run over the pool: seconds, full records, CPU accounting. */
static run_stat timed_run(const miair_engine *e, const pool *p, int threads, counts *c)
{
    miair_batch_options o;
    miair_batch_options_init(&o);
    o.threads = threads;
    o.flags = MIAIR_BATCH_JSON;
    memset(c, 0, sizeof *c);
    cpu_snap a, b;
    cpu_snap_take(&a);
    miair_batch_run(e, p->docs, p->count, &o, count_item, c, NULL);
    cpu_snap_take(&b);
    run_stat r;
    r.seconds = b.wall - a.wall;
    double ours = b.ours - a.ours;
    r.util = r.seconds > 0 ? ours / (r.seconds * threads) : 0;
    r.others = -1;
    if (a.busy >= 0 && b.busy >= 0 && r.seconds > 0) {
        double o2 = (b.busy - a.busy - ours) / (r.seconds * online_cores());
        r.others = o2 < 0 ? 0 : o2;
    }
    return r;
}

/* Fills m from the runs (medians). */
static void summarize(measure *m, size_t docs, uint64_t bytes, int runs, const run_stat *rs, const counts *cs)
{
    double v[64];
    memset(m, 0, sizeof *m);
    m->docs = docs;
    m->bytes_per_doc = (double)bytes / ((double)runs * (double)docs);
    for (int r = 0; r < runs; r++)
        v[r] = rs[r].seconds;
    m->seconds = median(v, runs);
    m->min_s = v[0];
    m->max_s = v[runs - 1];
    for (int r = 0; r < runs; r++)
        v[r] = (double)cs[r].full / rs[r].seconds;
    m->docs_s = median(v, runs);
    for (int r = 0; r < runs; r++)
        v[r] = (double)cs[r].patterns / rs[r].seconds;
    m->patterns_s = median(v, runs);
    for (int r = 0; r < runs; r++)
        v[r] = rs[r].util;
    m->util = median(v, runs);
    m->others = 0;
    for (int r = 0; r < runs; r++) {
        v[r] = rs[r].others;
        if (rs[r].others < 0)
            m->others = -1;
    }
    if (m->others == 0)
        m->others = median(v, runs);
    m->mb_s = m->docs_s * m->bytes_per_doc / 1e6;
    m->full = cs[0].full;
    for (int r = 0; r < runs; r++)
        if (cs[r].full < m->full)
            m->full = cs[r].full;
}

/* Median of `runs` runs for each thread count of steps[0..n), interleaved
 * (run r of every step before run r + 1 of any) so that a passing load on
 * the machine hits every step alike; each run on freshly generated distinct
 * documents. */
static int measure_steps(const miair_engine *e, const bench_opts *o, seed_size s, seed_complexity cx, size_t docs,
                         const int *steps, int n, uint64_t seed, measure *out)
{
    pool p = {0};
    static run_stat rs[MAX_THREAD_STEPS][64];
    static counts cs[MAX_THREAD_STEPS][64];
    uint64_t bytes[MAX_THREAD_STEPS] = {0};
    int runs = o->runs < 64 ? o->runs : 64;
    for (int r = 0; r < runs; r++)
        for (int i = 0; i < n; i++) {
            if (pool_fill(&p, docs, s, cx, seed + (uint64_t)(r * MAX_THREAD_STEPS + i) * 0x10001ull) != 0) {
                pool_free(&p);
                return -1;
            }
            rs[i][r] = timed_run(e, &p, steps[i], &cs[i][r]);
            bytes[i] += p.bytes;
        }
    for (int i = 0; i < n; i++)
        summarize(&out[i], docs, bytes[i], runs, rs[i], cs[i]);
    pool_free(&p);
    return 0;
}

static int measure_shape(const miair_engine *e, const bench_opts *o, seed_size s, seed_complexity cx, size_t docs,
                         int threads, uint64_t seed, measure *m)
{
    return measure_steps(e, o, s, cx, docs, &threads, 1, seed, m);
}

/* Runs the thread team for about BENCH_WARM_S on medium documents, untimed, so that the first
 * measured phase does not also measure the start of the threads and their first placement on the
 * CPUs. */
static void warm_up(const miair_engine *e, int threads, uint64_t seed)
{
    pool p = {0};
    if (pool_fill(&p, BENCH_WARM_DOCS, SEED_MEDIUM, SEED_NORMAL, seed) == 0) {
        counts c;
        const double t0 = out_now();
        while (out_now() - t0 < BENCH_WARM_S)
            (void)timed_run(e, &p, threads, &c);
    }
    pool_free(&p);
}

/* Documents per run so that one run lasts about o->seconds at `threads`,
 * within [BENCH_MIN_DOCS, pool cap]. */
static size_t pick_docs(const miair_engine *e, const bench_opts *o, seed_size s, int threads, uint64_t seed)
{
    pool p = {0};
    size_t pilot = BENCH_PILOT_DOCS * (size_t)threads;
    if (pool_fill(&p, pilot, s, SEED_NORMAL, seed) != 0) {
        pool_free(&p);
        return BENCH_MIN_DOCS;
    }
    counts c;
    timed_run(e, &p, threads, &c); /* warm-up */
    double t = timed_run(e, &p, threads, &c).seconds;
    double per_doc_bytes = (double)p.bytes / (double)pilot;
    pool_free(&p);
    double rate = t > 0 ? (double)pilot / t : 1e6;
    double want = rate * o->seconds;
    double cap = (double)o->pool_mb * 1048576.0 / per_doc_bytes;
    if (want > cap)
        want = cap;
    if (want < BENCH_MIN_DOCS)
        want = BENCH_MIN_DOCS;
    return (size_t)want;
}

/* ------------------------------------------------------------------ child processes */

/* The hidden child mode: analyze `docs` documents of one shape with all
 * threads, `runs` times on fresh documents; print the median seconds, full
 * records and document bytes. The parent reads the peak RSS from wait4(). */
static int child_main(const bench_opts *o)
{
    miair_engine *e = NULL;
    if (miair_engine_create(NULL, &e) != MIAIR_OK)
        return 1;
    pool p = {0};
    double secs[64];
    int runs = o->runs < 64 ? o->runs : 64;
    size_t full = (size_t)-1;
    uint64_t bytes = 0;
    for (int r = 0; r < runs; r++) {
        if (pool_fill(&p, o->child_docs, o->child_size, SEED_NORMAL, o->seed + (uint64_t)r * 0x10001ull) != 0)
            return 1;
        counts c;
        secs[r] = timed_run(e, &p, o->threads, &c).seconds;
        if (c.full < full)
            full = c.full;
        bytes = p.bytes;
    }
    printf("%.9f %zu %" PRIu64 "\n", median(secs, runs), full, bytes);
    pool_free(&p);
    miair_engine_free(e);
    return fflush(stdout) == 0 ? 0 : 1;
}

static const char *self_exe(void) { return access("/proc/self/exe", X_OK) == 0 ? "/proc/self/exe" : NULL; }

/* Runs argv (argv[0] = the program) with stdout into a pipe read into out;
 * returns the exit status, the child's wall seconds and peak RSS (KiB). */
static int spawn(char *const argv[], int out_to_null, char *out, size_t outsz, double *wall, long *maxrss_kb)
{
    int pfd[2] = {-1, -1};
    if (out && pipe(pfd) != 0)
        return -1;
    double t0 = out_now();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (out) {
            dup2(pfd[1], STDOUT_FILENO);
            close(pfd[0]);
            close(pfd[1]);
        } else if (out_to_null) {
            int fd = open("/dev/null", O_WRONLY);
            if (fd >= 0)
                dup2(fd, STDOUT_FILENO);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    size_t got = 0;
    if (out) {
        close(pfd[1]);
        for (;;) {
            ssize_t r = read(pfd[0], out + got, outsz - 1 - got);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break;
            got += (size_t)r;
            if (got == outsz - 1)
                break;
        }
        out[got] = '\0';
        close(pfd[0]);
    }
    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
        ;
    if (wall)
        *wall = out_now() - t0;
    if (maxrss_kb)
        *maxrss_kb = ru.ru_maxrss;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

typedef struct {
    size_t docs;
    double seconds, docs_min, rss_mib, doc_mib;
    int ok;
} mem_row;

static int run_child(const bench_opts *o, size_t docs, seed_size s, mem_row *row)
{
    const char *exe = self_exe();
    memset(row, 0, sizeof *row);
    row->docs = docs;
    if (!exe)
        return -1;
    char n[32], size[16], runs[16], seed[32], threads[16];
    snprintf(n, sizeof n, "%zu", docs);
    snprintf(size, sizeof size, "%s", seed_size_name(s));
    snprintf(runs, sizeof runs, "%d", o->runs);
    snprintf(seed, sizeof seed, "%" PRIu64, o->seed + 77);
    snprintf(threads, sizeof threads, "%d", o->threads);
    char *argv[] = {(char *)exe, "bench", "--child-docs", n, "--child-size", size, "--runs", runs, "--seed", seed,
                    "--threads", threads, NULL};
    char out[256];
    long rss = 0;
    if (spawn(argv, 0, out, sizeof out, NULL, &rss) != 0)
        return -1;
    size_t full = 0;
    uint64_t bytes = 0;
    if (sscanf(out, "%lf %zu %" SCNu64, &row->seconds, &full, &bytes) != 3)
        return -1;
    row->ok = full == docs;
    row->docs_min = row->seconds > 0 ? (double)full / row->seconds * 60.0 : 0;
    row->rss_mib = (double)rss / 1024.0;
    row->doc_mib = (double)bytes / 1048576.0;
    return 0;
}

/* ------------------------------------------------------------------ report */

typedef struct {
    measure size[SEED_SIZE_COUNT]; /* all threads */
    measure medium_1t;
    int n_steps;
    int steps[MAX_THREAD_STEPS];
    measure scaling[MAX_THREAD_STEPS];
    mem_row xl;
    mem_row m009[M009_N];
    int have_latency;
    int have_cache;
    size_t cache_docs;
    double cache_cold_s, cache_mem_s, cache_store_cold_s, cache_store_s; /* docs/s, medians */
    uint64_t cache_mem_hits, cache_store_hits;                            /* in the median-order last run */
    double latency_ms, latency_min_ms, latency_max_ms;
    double settle_s; /* waited for a quiet machine after the child processes */
    int all_threads, cores;
    char cpu[256], isa[64], features[512], cmdline[1024], date[64], uname_s[256];
} report;

static void fmt_int(char *buf, size_t n, double v)
{
    /* thousands separators: 12,345,678 */
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.0f", v);
    size_t len = strlen(tmp), o = 0;
    for (size_t i = 0; i < len && o + 2 < n; i++) {
        buf[o++] = tmp[i];
        size_t left = len - i - 1;
        if (left && left % 3 == 0 && tmp[i] != '-')
            buf[o++] = ',';
    }
    buf[o] = '\0';
}

static const char *ratio(char *buf, size_t n, double ours, double theirs)
{
    if (theirs <= 0 || ours <= 0)
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%.1fx", ours / theirs);
    return buf;
}

static void pct(char *buf, size_t n, double v)
{
    if (v < 0)
        snprintf(buf, n, "?");
    else
        snprintf(buf, n, "%.0f%%", 100.0 * v);
}

/* A warning when other processes took a noticeable share of the CPUs. */
static void print_load_warning(const report *rp)
{
    double worst = 0;
    for (int s = 0; s < SEED_SIZE_COUNT; s++)
        if (rp->size[s].others > worst)
            worst = rp->size[s].others;
    for (int i = 0; i < rp->n_steps; i++)
        if (rp->scaling[i].others > worst)
            worst = rp->scaling[i].others;
    if (worst > 0.05)
        printf("WARNING: other processes used up to %.0f%% of the CPUs during the timed runs (column\n"
               "'others'); the figures above are lower than this machine gives when idle.\n",
               100.0 * worst);
    else
        printf("load: other processes used at most %.0f%% of the CPUs during the timed runs.\n", 100.0 * worst);
    printf("settle: after the child processes, %.2f s until the CPUs were less than 5%% busy (at most %.0f s),\n"
           "then %.1f s of untimed analysis on all threads\n\n",
           rp->settle_s, BENCH_SETTLE_MAX_S, BENCH_WARM_S);
}

static void print_header(const report *rp, const bench_opts *o)
{
    printf("miair bench (miair %s)\n", miair_version());
    printf("command:  %s\n", rp->cmdline);
    printf("date:     %s\n", rp->date);
    printf("machine:  %s; %d cores online; %s\n", rp->cpu, rp->cores, rp->uname_s);
    printf("ISA:      %s (kernel table chosen by the dispatcher; CPU features: %s)\n", rp->isa, rp->features);
    printf("threads:  all = %d (OMP_NUM_THREADS or the cores)\n", rp->all_threads);
    printf("method:   documents are SPEC.md section 6 shapes (complexity normal unless said), freshly\n"
           "          generated and distinct for every run, held in memory; only the analysis is timed;\n"
           "          median of %d runs. A document counts only when its full record (analysis and JSON\n"
           "          serialization) was produced. The original reports counted failed jobs and cache\n"
           "          hits as processed documents; we count neither (cache hits are reported apart,\n"
           "          labelled as such).\n\n",
           o->runs);
}

static void print_sizes(const report *rp)
{
    static const double pub[SEED_SIZE_COUNT] = {PUB_SMALL_DOCS_S, PUB_MEDIUM_DOCS_S, 0, 0};
    printf("== throughput by size (all %d threads) ==\n", rp->all_threads);
    printf("%-8s %10s %9s %14s %10s %14s %16s %9s %6s %7s\n", "size", "bytes/doc", "docs/run", "docs/s", "MB/s",
           "docs/min", "published docs/s", "ours/pub", "cpu", "others");
    for (int s = 0; s < SEED_SIZE_COUNT; s++) {
        const measure *m = &rp->size[s];
        char a[32], b[32], c[32], r[16];
        fmt_int(a, sizeof a, m->docs_s);
        fmt_int(b, sizeof b, m->docs_s * 60);
        if (pub[s] > 0)
            snprintf(c, sizeof c, "%.1f", pub[s]);
        else
            snprintf(c, sizeof c, "-");
        char u[16], ot[16];
        pct(u, sizeof u, m->util);
        pct(ot, sizeof ot, m->others);
        printf("%-8s %10.0f %9zu %14s %10.1f %14s %16s %9s %6s %7s\n", seed_size_name((seed_size)s), m->bytes_per_doc,
               m->docs, a, m->mb_s, b, c, ratio(r, sizeof r, m->docs_s, pub[s]), u, ot);
    }
    printf("(published per-size figures exist for small and medium only; cpu = our CPU time per thread\n"
           " and wall second; others = CPU used by other processes during the runs, share of all cores)\n\n");
}

static void print_m003(const report *rp)
{
    const measure *all = &rp->size[SEED_MEDIUM], *one = &rp->medium_1t;
    char a[32], b[32], p[32], r[16];
    printf("== M003 docs/min, medium documents ==\n");
    printf("%-34s %16s %s\n", "", "docs/min", "");
    fmt_int(a, sizeof a, all->docs_s * 60);
    fmt_int(p, sizeof p, PUB_M003_DOCS_MIN);
    printf("%-34s %16s   %s the published %s (10 cores)\n", "ours, all threads", a,
           ratio(r, sizeof r, all->docs_s * 60, PUB_M003_DOCS_MIN), p);
    fmt_int(b, sizeof b, one->docs_s * 60);
    printf("%-34s %16s   %s the published per-core %s/10\n", "ours, 1 thread", b,
           ratio(r, sizeof r, one->docs_s * 60, PUB_M003_DOCS_MIN / PUB_CORES), p);
    fmt_int(p, sizeof p, PUB_M003_DOCS_MIN);
    printf("%-34s %16s\n", "published M003 (10 cores)", p);
    fmt_int(p, sizeof p, PUB_M003_ORIGINAL_DOCS_MIN);
    printf("%-34s %16s\n", "published M003 \"original\"", p);
    fmt_int(p, sizeof p, PUB_M003_PASS3_DOCS_MIN);
    printf("%-34s %16s\n", "published M003 Pass 3", p);
    fmt_int(p, sizeof p, PUB_M003_PASS4_DOCS_MIN);
    printf("%-34s %16s\n", "published M003 Pass 4", p);
    fmt_int(p, sizeof p, PUB_M004_TARGET_DOCS_MIN);
    printf("%-34s %16s\n", "published M004 design target", p);
    fmt_int(p, sizeof p, TARGET_MEDIUM_DOCS_MIN);
    printf("%-34s %16s   %s\n", "target (issue 4), all threads", p,
           all->docs_s * 60 >= TARGET_MEDIUM_DOCS_MIN ? "met" : "not met");
    printf("\n== pattern recognition ops/s (medium, all threads) ==\n");
    printf("ours %.1f ops/s vs published %.1f ops/s (%s). An op = one document whose pattern stage\n"
           "(all 15 rules) ran, per second of the whole analysis; the stage is not timed alone.\n\n",
           all->patterns_s, PUB_PATTERN_OPS_S, ratio(r, sizeof r, all->patterns_s, PUB_PATTERN_OPS_S));
}

static void print_scaling(const report *rp)
{
    printf("== worker scaling, medium documents ==\n");
    printf("%-8s %14s %8s %11s %6s %7s   %-8s %16s %11s\n", "threads", "ours docs/s", "speedup", "efficiency",
           "cpu", "others", "workers", "published docs/s", "efficiency");
    double base = rp->n_steps > 0 ? rp->scaling[0].docs_s : 0;
    int rows = rp->n_steps > PUB_SCALING_N ? rp->n_steps : PUB_SCALING_N;
    for (int i = 0; i < rows; i++) {
        char a[32] = "", sp[16] = "", ef[16] = "", t[16] = "", u[16] = "", ot[16] = "";
        if (i < rp->n_steps) {
            snprintf(t, sizeof t, "%d", rp->steps[i]);
            fmt_int(a, sizeof a, rp->scaling[i].docs_s);
            double s = base > 0 ? rp->scaling[i].docs_s / base : 0;
            snprintf(sp, sizeof sp, "%.2fx", s);
            snprintf(ef, sizeof ef, "%.0f%%", 100.0 * s / rp->steps[i]);
            pct(u, sizeof u, rp->scaling[i].util);
            pct(ot, sizeof ot, rp->scaling[i].others);
        }
        char pw[16] = "", pd[32] = "", pe[16] = "";
        if (i < PUB_SCALING_N) {
            snprintf(pw, sizeof pw, "%d", PUB_SCALING_WORKERS[i]);
            fmt_int(pd, sizeof pd, PUB_SCALING_DOCS_S[i]);
            snprintf(pe, sizeof pe, "%.0f%%",
                     100.0 * PUB_SCALING_DOCS_S[i] / (PUB_SCALING_DOCS_S[0] * PUB_SCALING_WORKERS[i]));
        }
        printf("%-8s %14s %8s %11s %6s %7s   %-8s %16s %11s\n", t, a, sp, ef, u, ot, pw, pd, pe);
    }
    printf("(runs of all thread counts interleaved; medians)\n");
    if (rp->n_steps >= 2 && rp->steps[1] == 2 && base > 0)
        printf("2-thread speedup %.2fx (target >= %.1fx: %s)\n", rp->scaling[1].docs_s / base, TARGET_SCALING_2T,
               rp->scaling[1].docs_s / base >= TARGET_SCALING_2T ? "met" : "not met");
    printf("\n");
}

static void print_memory(const report *rp)
{
    printf("== XL memory: peak RSS of a fresh process analyzing %zu xlarge documents (all threads) ==\n",
           rp->xl.docs);
    if (rp->xl.docs_min > 0)
        printf("peak RSS %.1f MiB, of which %.1f MiB are the documents held in memory; %.1f docs/s\n"
               "(no published XL memory figure)\n\n",
               rp->xl.rss_mib, rp->xl.doc_mib, rp->xl.docs_min / 60);
    else
        printf("not measured (the child process failed)\n\n");

    printf("== M009 batch sizes: medium documents, all threads, a fresh process per batch size ==\n");
    printf("%8s %11s %14s %14s %12s   %s\n", "docs", "seconds", "docs/min", "peak RSS MiB", "docs MiB",
           "published");
    for (int i = 0; i < M009_N; i++) {
        const mem_row *m = &rp->m009[i];
        char a[32];
        fmt_int(a, sizeof a, m->docs_min);
        printf("%8zu %11.4f %14s %14.1f %12.2f   %s\n", m->docs, m->seconds, a, m->rss_mib, m->doc_mib,
               m->docs == 1000 ? "145 docs/min, 450 MB per 1000 docs" : "145 docs/min");
    }
    for (int i = 0; i < M009_N; i++)
        if (rp->m009[i].docs == 1000)
            printf("1000 documents: peak RSS %.1f MiB (target <= %.0f MiB: %s; published 450 MB)\n",
                   rp->m009[i].rss_mib, TARGET_RSS_1000_MIB,
                   rp->m009[i].rss_mib <= TARGET_RSS_1000_MIB ? "met" : "not met");
    printf("(peak RSS is the whole child process: program, engine, threads, the generated documents)\n\n");
}

static void print_latency(const report *rp)
{
    printf("== one small file: `miair analyze FILE` wall time, engine creation included ==\n");
    if (rp->have_latency)
        printf("median %.2f ms (min %.2f, max %.2f) over %d runs (target <= %.0f ms: %s)\n\n", rp->latency_ms,
               rp->latency_min_ms, rp->latency_max_ms, BENCH_LATENCY_RUNS, TARGET_LATENCY_MS,
               rp->latency_ms <= TARGET_LATENCY_MS ? "met" : "not met");
    else
        printf("not measured\n\n");
    printf("== cache scenario: CACHE HITS, not analyses ==\n");
    if (!rp->have_cache) {
        printf("not measured (the cache could not be created)\n\n");
        return;
    }
    char a[32], m[32];
    printf("%zu medium documents, all threads, each pass timed (median of the runs):\n", rp->cache_docs);
    printf("  %-58s %12s %16s\n", "", "docs/s", "docs/min");
    fmt_int(a, sizeof a, rp->cache_cold_s);
    fmt_int(m, sizeof m, rp->cache_cold_s * 60);
    printf("  %-58s %12s %16s\n", "pass 1, in-process cache (every document analyzed + stored)", a, m);
    fmt_int(a, sizeof a, rp->cache_mem_s);
    fmt_int(m, sizeof m, rp->cache_mem_s * 60);
    printf("  %-58s %12s %16s  (%" PRIu64 " hits)\n", "pass 2, in-process LRU: CACHE HITS", a, m, rp->cache_mem_hits);
    fmt_int(a, sizeof a, rp->cache_store_cold_s);
    fmt_int(m, sizeof m, rp->cache_store_cold_s * 60);
    printf("  %-58s %12s %16s\n", "pass 1, store directory (analyzed + written to files)", a, m);
    fmt_int(a, sizeof a, rp->cache_store_s);
    fmt_int(m, sizeof m, rp->cache_store_s * 60);
    printf("  %-58s %12s %16s  (%" PRIu64 " hits)\n", "pass 2, store directory (a new cache on it): CACHE HITS", a, m,
           rp->cache_store_hits);
    fmt_int(m, sizeof m, rp->size[SEED_MEDIUM].docs_s * 60);
    printf("  %-58s %12s %16s\n", "for comparison: real analysis, no cache (M003 figure above)", "", m);
    printf("Cache hits are records read back (byte-identical), not analyses: they are counted in no\n"
           "other figure of this report. The original reports counted cache hits as processed documents.\n\n");
}

/* ------------------------------------------------------------------ files */

static FILE *open_out(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        fprintf(stderr, "miair: %s: %s\n", path, strerror(errno));
    return f;
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void json_measure(FILE *f, const measure *m)
{
    fprintf(f,
            "{\"docs_per_run\": %zu, \"bytes_per_doc\": %.1f, \"median_seconds\": %.6f, \"min_seconds\": %.6f, "
            "\"max_seconds\": %.6f, \"docs_per_s\": %.3f, \"docs_per_min\": %.1f, \"mb_per_s\": %.3f, "
            "\"pattern_ops_per_s\": %.3f, \"full_records\": %zu, \"cpu_per_thread\": %.3f, "
            "\"others_cpu_share\": %.3f}",
            m->docs, m->bytes_per_doc, m->seconds, m->min_s, m->max_s, m->docs_s, m->docs_s * 60, m->mb_s,
            m->patterns_s, m->full, m->util, m->others);
}

static int write_files(const report *rp, const bench_opts *o)
{
    if (out_mkdirs(o->out) != 0) {
        fprintf(stderr, "miair: %s: cannot create the directory: %s\n", o->out, strerror(errno));
        return -1;
    }
    FILE *f = open_out(o->out, "results.json");
    if (!f)
        return -1;
    fprintf(f, "{\n  \"miair_version\": ");
    json_str(f, miair_version());
    fprintf(f, ",\n  \"command\": ");
    json_str(f, rp->cmdline);
    fprintf(f, ",\n  \"date\": ");
    json_str(f, rp->date);
    fprintf(f, ",\n  \"machine\": {\"cpu\": ");
    json_str(f, rp->cpu);
    fprintf(f, ", \"cores\": %d, \"all_threads\": %d, \"isa\": ", rp->cores, rp->all_threads);
    json_str(f, rp->isa);
    fprintf(f, ", \"uname\": ");
    json_str(f, rp->uname_s);
    fprintf(f, "},\n  \"counting\": \"a document counts only when its full record (analysis and JSON serialization) "
               "was produced; the original reports counted failed jobs and cache hits\",\n");
    fprintf(f, "  \"runs\": %d,\n  \"by_size\": {\n", o->runs);
    for (int s = 0; s < SEED_SIZE_COUNT; s++) {
        fprintf(f, "    \"%s\": ", seed_size_name((seed_size)s));
        json_measure(f, &rp->size[s]);
        fprintf(f, "%s\n", s + 1 < SEED_SIZE_COUNT ? "," : "");
    }
    fprintf(f, "  },\n  \"medium_1_thread\": ");
    json_measure(f, &rp->medium_1t);
    fprintf(f, ",\n  \"scaling\": [\n");
    for (int i = 0; i < rp->n_steps; i++) {
        fprintf(f, "    {\"threads\": %d, \"measure\": ", rp->steps[i]);
        json_measure(f, &rp->scaling[i]);
        fprintf(f, "}%s\n", i + 1 < rp->n_steps ? "," : "");
    }
    fprintf(f, "  ],\n  \"xl_memory\": {\"docs\": %zu, \"peak_rss_mib\": %.2f, \"docs_mib\": %.2f, \"seconds\": %.6f},\n",
            rp->xl.docs, rp->xl.rss_mib, rp->xl.doc_mib, rp->xl.seconds);
    fprintf(f, "  \"m009\": [\n");
    for (int i = 0; i < M009_N; i++)
        fprintf(f, "    {\"docs\": %zu, \"seconds\": %.6f, \"docs_per_min\": %.1f, \"peak_rss_mib\": %.2f, "
                   "\"docs_mib\": %.3f, \"all_full_records\": %s}%s\n",
                rp->m009[i].docs, rp->m009[i].seconds, rp->m009[i].docs_min, rp->m009[i].rss_mib,
                rp->m009[i].doc_mib, rp->m009[i].ok ? "true" : "false", i + 1 < M009_N ? "," : "");
    fprintf(f, "  ],\n  \"small_file_latency_ms\": ");
    if (rp->have_latency)
        fprintf(f, "{\"median\": %.3f, \"min\": %.3f, \"max\": %.3f, \"runs\": %d}", rp->latency_ms,
                rp->latency_min_ms, rp->latency_max_ms, BENCH_LATENCY_RUNS);
    else
        fprintf(f, "null");
    if (rp->have_cache)
        fprintf(f, ",\n  \"cache\": {\"label\": \"cache hits, not analyses\", \"docs\": %zu, \"cold_memory_docs_per_s\": %.3f, "
                   "\"warm_memory_hits_per_s\": %.3f, \"cold_store_docs_per_s\": %.3f, \"warm_store_hits_per_s\": %.3f, "
                   "\"warm_memory_hits_per_min\": %.1f, \"warm_store_hits_per_min\": %.1f, "
                   "\"warm_memory_hits\": %" PRIu64 ", \"warm_store_hits\": %" PRIu64 "},\n",
                rp->cache_docs, rp->cache_cold_s, rp->cache_mem_s, rp->cache_store_cold_s, rp->cache_store_s,
                rp->cache_mem_s * 60, rp->cache_store_s * 60, rp->cache_mem_hits, rp->cache_store_hits);
    else
        fprintf(f, ",\n  \"cache\": null,\n");
    fprintf(f, "  \"published\": {\"m003_docs_per_min_10_cores\": %.0f, \"m003_original_docs_per_min\": %.0f, "
               "\"m003_pass3_docs_per_min\": %.0f, \"m003_pass4_docs_per_min\": %.0f, "
               "\"m004_target_docs_per_min\": %.0f, \"small_docs_per_s\": %.1f, \"medium_docs_per_s\": %.1f, "
               "\"pattern_ops_per_s\": %.1f, \"scaling_docs_per_s\": {\"1\": 5399, \"2\": 5493, \"4\": 5003, "
               "\"8\": 3823, \"10\": 3171}, \"m009_docs_per_min\": %.0f, \"m009_mb_per_1000_docs\": %.0f}\n}\n",
            PUB_M003_DOCS_MIN, PUB_M003_ORIGINAL_DOCS_MIN, PUB_M003_PASS3_DOCS_MIN, PUB_M003_PASS4_DOCS_MIN,
            PUB_M004_TARGET_DOCS_MIN, PUB_SMALL_DOCS_S, PUB_MEDIUM_DOCS_S, PUB_PATTERN_OPS_S, PUB_M009_DOCS_MIN,
            PUB_M009_MB_PER_1000);
    int bad = fclose(f) != 0;

    if ((f = open_out(o->out, "throughput.csv")) == NULL)
        return -1;
    fprintf(f, "size,bytes_per_doc,docs_per_run,threads,docs_per_s,docs_per_min,mb_per_s,published_docs_per_s\n");
    static const double pub[SEED_SIZE_COUNT] = {PUB_SMALL_DOCS_S, PUB_MEDIUM_DOCS_S, 0, 0};
    for (int s = 0; s < SEED_SIZE_COUNT; s++) {
        const measure *m = &rp->size[s];
        fprintf(f, "%s,%.1f,%zu,%d,%.3f,%.1f,%.3f,", seed_size_name((seed_size)s), m->bytes_per_doc, m->docs,
                rp->all_threads, m->docs_s, m->docs_s * 60, m->mb_s);
        if (pub[s] > 0)
            fprintf(f, "%.1f", pub[s]);
        fputc('\n', f);
    }
    bad |= fclose(f) != 0;

    if ((f = open_out(o->out, "scaling.csv")) == NULL)
        return -1;
    fprintf(f, "threads,docs_per_s,speedup,efficiency,published_docs_per_s,published_efficiency\n");
    double base = rp->n_steps ? rp->scaling[0].docs_s : 0;
    int max_t = rp->n_steps ? rp->steps[rp->n_steps - 1] : 1;
    if (max_t < PUB_SCALING_WORKERS[PUB_SCALING_N - 1])
        max_t = PUB_SCALING_WORKERS[PUB_SCALING_N - 1];
    for (int t = 1; t <= max_t; t++) {
        int i = -1, k = -1;
        for (int j = 0; j < rp->n_steps; j++)
            if (rp->steps[j] == t)
                i = j;
        for (int j = 0; j < PUB_SCALING_N; j++)
            if (PUB_SCALING_WORKERS[j] == t)
                k = j;
        if (i < 0 && k < 0)
            continue;
        fprintf(f, "%d,", t);
        if (i >= 0)
            fprintf(f, "%.3f,%.4f,%.4f,", rp->scaling[i].docs_s, rp->scaling[i].docs_s / base,
                    rp->scaling[i].docs_s / base / t);
        else
            fprintf(f, ",,,");
        if (k >= 0)
            fprintf(f, "%.0f,%.4f\n", PUB_SCALING_DOCS_S[k], PUB_SCALING_DOCS_S[k] / (PUB_SCALING_DOCS_S[0] * t));
        else
            fprintf(f, ",\n");
    }
    bad |= fclose(f) != 0;

    if ((f = open_out(o->out, "m009.csv")) == NULL)
        return -1;
    fprintf(f, "docs,seconds,docs_per_min,peak_rss_mib,docs_mib,published_docs_per_min,published_mb_per_1000_docs\n");
    for (int i = 0; i < M009_N; i++)
        fprintf(f, "%zu,%.6f,%.1f,%.2f,%.3f,145,450\n", rp->m009[i].docs, rp->m009[i].seconds, rp->m009[i].docs_min,
                rp->m009[i].rss_mib, rp->m009[i].doc_mib);
    bad |= fclose(f) != 0;
    return bad ? -1 : 0;
}

static int have_gnuplot(void)
{
    const char *path = getenv("PATH");
    if (!path)
        return 0;
    char *copy = strdup(path), *save = NULL;
    int found = 0;
    for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
        char p[4096];
        snprintf(p, sizeof p, "%s/gnuplot", d);
        found = access(p, X_OK) == 0;
    }
    free(copy);
    return found;
}

/* PNG plots (scaling, throughput by size) with gnuplot, when installed. */
static void plot(const bench_opts *o)
{
    if (!o->plots)
        return;
    if (!have_gnuplot()) {
        printf("plots: gnuplot not found (apt-get install gnuplot-nox); CSV and JSON only\n");
        return;
    }
    FILE *f = open_out(o->out, "plots.gp");
    if (!f)
        return;
    fprintf(f,
            "set datafile separator ','\n"
            "set terminal pngcairo size 900,520 noenhanced\n"
            "set key top left\n"
            "set grid\n"
            "set output 'scaling.png'\n"
            "set title 'Worker scaling, medium documents (full records only)'\n"
            "set xlabel 'threads / workers'\n"
            "set ylabel 'documents per second (log scale)'\n"
            "set logscale y\n"
            "set xtics 1\n"
            "plot 'scaling.csv' using 1:2 skip 1 with linespoints lw 2 title 'miair (this machine)', \\\n"
            "     'scaling.csv' using 1:5 skip 1 with linespoints lw 2 title 'published (original, 10 cores)'\n"
            "set output 'throughput.png'\n"
            "set title 'Throughput by document size, all threads (full records only)'\n"
            "set xlabel 'size'\n"
            "set style data histograms\n"
            "set style histogram clustered\n"
            "set style fill solid 0.8\n"
            "set xtics auto\n"
            "set yrange [1:*]\n"
            "plot 'throughput.csv' using 5:xtic(1) skip 1 title 'miair docs/s', \\\n"
            "     '' using 8 skip 1 title 'published docs/s'\n");
    if (fclose(f) != 0)
        return;
    /* run gnuplot in the output directory */
    pid_t pid = fork();
    if (pid == 0) {
        if (chdir(o->out) != 0)
            _exit(127);
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0)
            dup2(fd, STDERR_FILENO);
        execlp("gnuplot", "gnuplot", "plots.gp", (char *)NULL);
        _exit(127);
    }
    int status = 0;
    if (pid > 0)
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    if (pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
        printf("plots: %s/scaling.png, %s/throughput.png\n", o->out, o->out);
    else
        printf("plots: gnuplot failed (see %s/plots.gp)\n", o->out);
}

/* ------------------------------------------------------------------ cache */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* One pass of the pool through a cache: docs/s of full records; hits out. */
static double cached_pass(const miair_engine *e, miair_cache *c, const pool *p, int threads, uint64_t *hits)
{
    miair_batch_options o;
    miair_batch_options_init(&o);
    o.threads = threads;
    o.flags = MIAIR_BATCH_JSON;
    counts cnt;
    memset(&cnt, 0, sizeof cnt);
    miair_batch_stats st;
    double t0 = out_now();
    miair_batch_run_cached(e, c, p->docs, p->count, &o, count_cached, &cnt, &st);
    double t = out_now() - t0;
    if (hits)
        *hits = st.cache_hits;
    return t > 0 ? (double)cnt.full / t : 0;
}

/* The same documents twice through an in-process cache, then through a store
 * directory and a new cache on it (as a second process would). */
static int measure_cache(const miair_engine *e, const bench_opts *o, size_t docs, int threads, report *rp)
{
    char dir[] = "/tmp/miair-bench-cache.XXXXXX";
    if (!mkdtemp(dir))
        return -1;
    pool p = {0};
    double v[4][64];
    int runs = o->runs < 64 ? o->runs : 64;
    int rc = 0;
    for (int r = 0; r < runs && rc == 0; r++) {
        if (pool_fill(&p, docs, SEED_MEDIUM, SEED_NORMAL, o->seed + 31337 + (uint64_t)r * 0x10001ull) != 0) {
            rc = -1;
            break;
        }
        miair_cache_options co;
        miair_cache *c = NULL;
        miair_cache_options_init(&co);
        co.max_entries = docs;
        co.max_bytes = 0;
        if (miair_cache_create(&co, &c) != MIAIR_OK) {
            rc = -1;
            break;
        }
        v[0][r] = cached_pass(e, c, &p, threads, NULL);
        v[1][r] = cached_pass(e, c, &p, threads, &rp->cache_mem_hits);
        miair_cache_free(c);

        char sub[64];
        snprintf(sub, sizeof sub, "%s/run%d", dir, r);
        miair_cache_options_init(&co);
        co.max_entries = 0; /* the store only */
        co.dir = sub;
        if (miair_cache_create(&co, &c) != MIAIR_OK) {
            rc = -1;
            break;
        }
        v[2][r] = cached_pass(e, c, &p, threads, NULL);
        miair_cache_free(c);
        if (miair_cache_create(&co, &c) != MIAIR_OK) {
            rc = -1;
            break;
        }
        v[3][r] = cached_pass(e, c, &p, threads, &rp->cache_store_hits);
        miair_cache_free(c);
    }
    pool_free(&p);
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    if (rc != 0)
        return rc;
    rp->cache_docs = docs;
    rp->cache_cold_s = median(v[0], runs);
    rp->cache_mem_s = median(v[1], runs);
    rp->cache_store_cold_s = median(v[2], runs);
    rp->cache_store_s = median(v[3], runs);
    rp->have_cache = 1;
    return 0;
}

/* ------------------------------------------------------------------ latency */

static int measure_latency(const bench_opts *o, report *rp)
{
    const char *exe = self_exe();
    if (!exe)
        return -1;
    char path[4096];
    snprintf(path, sizeof path, "%s/small-normal.md", o->out);
    char *buf = malloc(seeddoc_max_bytes(SEED_SMALL));
    if (!buf)
        return -1;
    seed_rng r;
    seed_rng_init(&r, o->seed, 999);
    size_t n = seeddoc_write(buf, SEED_SMALL, SEED_NORMAL, &r);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(buf, 1, n, f) != n) {
        if (f)
            fclose(f);
        free(buf);
        return -1;
    }
    free(buf);
    if (fclose(f) != 0)
        return -1;
    char *argv[] = {(char *)exe, "analyze", "--format", "jsonl", "--no-progress", path, NULL};
    double v[BENCH_LATENCY_RUNS];
    for (int i = 0; i < BENCH_LATENCY_RUNS; i++)
        if (spawn(argv, 1, NULL, 0, &v[i], NULL) != 0)
            return -1;
    rp->latency_ms = median(v, BENCH_LATENCY_RUNS) * 1e3;
    rp->latency_min_ms = v[0] * 1e3;
    rp->latency_max_ms = v[BENCH_LATENCY_RUNS - 1] * 1e3;
    rp->have_latency = 1;
    unlink(path);
    return 0;
}

/* ------------------------------------------------------------------ command */

static void bench_help(FILE *f)
{
    fputs("Usage: miair bench [--runs N] [--out DIR] [--seconds S] [--pool-mb M] [--seed S]\n"
          "                   [--threads N] [--no-plots]\n"
          "\n"
          "Measures this machine on the benchmark documents of SPEC.md section 6 and\n"
          "prints each figure of the original reports beside ours: M003 docs/min for\n"
          "medium documents (all threads and 1 thread), docs/s per size, pattern\n"
          "recognition ops/s, worker scaling 1..all threads with efficiency, the peak\n"
          "RSS for xlarge documents, M009's batch-size table (10..1000 documents,\n"
          "each in a fresh process), and the wall time of `miair analyze` on one small\n"
          "file. Documents are generated fresh and distinct for every run and held in\n"
          "memory; only the analysis is timed, after an untimed warm-up of the\n"
          "threads; a document counts only when its full record (JSON included) was\n"
          "produced. Writes results.json, throughput.csv, scaling.csv, m009.csv\n"
          "and, with gnuplot, scaling.png and throughput.png.\n"
          "\n"
          "  --runs N       timed runs per figure; the median is reported (default 5)\n"
          "  --out DIR      where the results go, created with its parents\n"
          "                 (default bench-results)\n"
          "  --seconds S    aimed length of one timed run (default 0.5)\n"
          "  --pool-mb M    cap on the documents generated for one run (default 64)\n"
          "  --seed S       generator seed (default 1)\n"
          "  --threads N    'all threads' (default 0 = OMP_NUM_THREADS or the cores)\n"
          "  --no-plots     do not run gnuplot\n"
          "  -h, --help     print this help\n",
          f);
}

static int parse_num(const char *s, double lo, double hi, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || !end || *end || end == s || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

int cmd_bench(int argc, char **argv, int full_argc, char **full_argv)
{
    bench_opts o = {.runs = BENCH_DEFAULT_RUNS, .out = "bench-results", .seconds = BENCH_DEFAULT_SECONDS,
                    .seed = 1, .pool_mb = BENCH_DEFAULT_POOL_MB, .plots = 1, .child_size = SEED_MEDIUM};
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        double d;
        int m;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            bench_help(stdout);
            return fflush(stdout) == 0 ? 0 : 1;
        }
        if (strcmp(argv[i], "--no-plots") == 0) {
            o.plots = 0;
        } else if ((m = cli_value_option(argc, argv, &i, "runs", &v)) != 0) {
            if (m < 0 || parse_num(v, 1, 63, &d) != 0 || d != floor(d))
                return m < 0 ? 2 : cli_usage_error("invalid value '%s' for --runs (expected 1..63)", v);
            o.runs = (int)d;
        } else if ((m = cli_value_option(argc, argv, &i, "out", &v)) != 0) {
            if (m < 0 || !*v)
                return m < 0 ? 2 : cli_usage_error("empty directory name for --out");
            o.out = v;
        } else if ((m = cli_value_option(argc, argv, &i, "seconds", &v)) != 0) {
            if (m < 0 || parse_num(v, 0.001, 3600, &o.seconds) != 0)
                return m < 0 ? 2 : cli_usage_error("invalid value '%s' for --seconds", v);
        } else if ((m = cli_value_option(argc, argv, &i, "pool-mb", &v)) != 0) {
            if (m < 0 || parse_num(v, 1, 65536, &d) != 0)
                return m < 0 ? 2 : cli_usage_error("invalid value '%s' for --pool-mb", v);
            o.pool_mb = (size_t)d;
        } else if ((m = cli_value_option(argc, argv, &i, "seed", &v)) != 0) {
            if (m < 0 || parse_num(v, 0, 1e15, &d) != 0)
                return m < 0 ? 2 : cli_usage_error("invalid value '%s' for --seed", v);
            o.seed = (uint64_t)d;
        } else if ((m = cli_value_option(argc, argv, &i, "threads", &v)) != 0) {
            if (m < 0 || cli_parse_jobs(v, &o.threads) != 0)
                return m < 0 ? 2 : cli_usage_error("invalid value '%s' for --threads", v);
        } else if ((m = cli_value_option(argc, argv, &i, "child-docs", &v)) != 0) {
            if (m < 0 || parse_num(v, 1, 1e7, &d) != 0)
                return m < 0 ? 2 : cli_usage_error("invalid value '%s' for --child-docs", v);
            o.child_docs = (size_t)d;
        } else if ((m = cli_value_option(argc, argv, &i, "child-size", &v)) != 0) {
            if (m < 0 || seed_size_parse(v, &o.child_size) != 0)
                return m < 0 ? 2 : cli_usage_error("invalid value '%s' for --child-size", v);
        } else {
            return cli_usage_error("unrecognized argument '%s' for 'miair bench'", argv[i]);
        }
    }
    if (o.child_docs)
        return child_main(&o);

    report *rp = calloc(1, sizeof *rp);
    miair_engine *e = NULL;
    if (!rp || miair_engine_create(NULL, &e) != MIAIR_OK) {
        fputs("miair: cannot create the engine\n", stderr);
        free(rp);
        return 1;
    }
    if (out_mkdirs(o.out) != 0) {
        fprintf(stderr, "miair: %s: cannot create the directory: %s\n", o.out, strerror(errno));
        miair_engine_free(e);
        free(rp);
        return 1;
    }

    /* the machine and the command */
    machine_cpu_model(rp->cpu, sizeof rp->cpu);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    rp->cores = cores > 0 ? (int)cores : 1;
    rp->all_threads = miair_batch_threads(o.threads);
    const struct miair_kernels *k = miair_kernels_get();
    snprintf(rp->isa, sizeof rp->isa, "%s", k ? k->isa : "none (MIAIR_ISA refused)");
    snprintf(rp->features, sizeof rp->features, "%s", miair_cpu_features());
    size_t off = 0;
    for (int i = 0; i < full_argc && off + 2 < sizeof rp->cmdline; i++)
        off += (size_t)snprintf(rp->cmdline + off, sizeof rp->cmdline - off, "%s%s", i ? " " : "",
                                i == 0 ? "miair" : full_argv[i]);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(rp->date, sizeof rp->date, "%Y-%m-%d %H:%M UTC", &tm);
    struct utsname un;
    if (uname(&un) == 0)
        snprintf(rp->uname_s, sizeof rp->uname_s, "%s %s %s", un.sysname, un.release, un.machine);
    print_header(rp, &o);
    fflush(stdout);

    /* Fresh processes first (peak RSS), before this process starts threads. */
    o.threads = rp->all_threads;
    fprintf(stderr, "miair bench: M009 batch sizes and XL memory (fresh processes)...\n");
    for (int i = 0; i < M009_N; i++)
        if (run_child(&o, M009_SIZES[i], SEED_MEDIUM, &rp->m009[i]) != 0)
            fprintf(stderr, "miair bench: the child process for %zu documents failed\n", M009_SIZES[i]);
    if (run_child(&o, BENCH_XL_DOCS, SEED_XLARGE, &rp->xl) != 0)
        fprintf(stderr, "miair bench: the XL memory child process failed\n");
    fprintf(stderr, "miair bench: small-file latency...\n");
    if (measure_latency(&o, rp) != 0)
        fprintf(stderr, "miair bench: the latency measurement failed\n");
    rp->settle_s = settle(BENCH_SETTLE_MAX_S); /* the children's exits leave kernel work behind */
    warm_up(e, rp->all_threads, o.seed + 77);   /* not timed: threads started and placed */

    /* Throughput by size, all threads. */
    uint64_t seed = o.seed;
    for (int s = 0; s < SEED_SIZE_COUNT; s++) {
        fprintf(stderr, "miair bench: %s documents...\n", seed_size_name((seed_size)s));
        size_t docs = pick_docs(e, &o, (seed_size)s, rp->all_threads, seed + 500 + (uint64_t)s);
        if (s == SEED_MEDIUM) { /* measured below, as the all-threads step of the scaling table */
            rp->size[s].docs = docs;
            continue;
        }
        if (measure_shape(e, &o, (seed_size)s, SEED_NORMAL, docs, rp->all_threads, seed + 1000 * (uint64_t)(s + 1),
                          &rp->size[s]) != 0) {
            fputs("miair: out of memory\n", stderr);
            miair_engine_free(e);
            free(rp);
            return 1;
        }
    }

    /* Scaling 1, 2, 4, ... all threads on medium documents (same count). */
    size_t mdocs = rp->size[SEED_MEDIUM].docs;
    for (int t = 1; rp->n_steps < MAX_THREAD_STEPS; t *= 2) {
        int tt = t < rp->all_threads ? t : rp->all_threads;
        rp->steps[rp->n_steps++] = tt;
        if (tt == rp->all_threads)
            break;
    }
    fprintf(stderr, "miair bench: medium documents, scaling 1..%d threads (interleaved runs)...\n", rp->all_threads);
    if (measure_steps(e, &o, SEED_MEDIUM, SEED_NORMAL, mdocs, rp->steps, rp->n_steps, seed + 9000, rp->scaling) != 0) {
        fputs("miair: out of memory\n", stderr);
        miair_engine_free(e);
        free(rp);
        return 1;
    }
    rp->medium_1t = rp->scaling[0];
    fprintf(stderr, "miair bench: cache scenario...\n");
    if (measure_cache(e, &o, mdocs < BENCH_CACHE_MAX_DOCS ? mdocs : BENCH_CACHE_MAX_DOCS, rp->all_threads, rp) != 0)
        fprintf(stderr, "miair bench: the cache scenario failed\n");
    /* the all-threads medium figure is the scaling run at all threads (same documents count) */
    if (rp->n_steps > 0 && rp->steps[rp->n_steps - 1] == rp->all_threads)
        rp->size[SEED_MEDIUM] = rp->scaling[rp->n_steps - 1];

    print_sizes(rp);
    print_m003(rp);
    print_scaling(rp);
    print_load_warning(rp);
    print_memory(rp);
    print_latency(rp);
    int rc = 0;
    if (write_files(rp, &o) != 0) {
        rc = 1;
    } else {
        printf("results: %s/results.json, %s/throughput.csv, %s/scaling.csv, %s/m009.csv\n", o.out, o.out, o.out,
               o.out);
        plot(&o);
    }
    miair_engine_free(e);
    free(rp);
    if (fflush(stdout) != 0)
        rc = 1;
    return rc;
}
