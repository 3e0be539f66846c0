/* batch: many documents on many threads (include/miair.h, "Batch").
 *
 * Scheduling. Documents are started from a window [head, head + window) of
 * input positions, where head is the next position to deliver: each worker
 * takes the largest unstarted big document of the window (more than twice
 * the mean size), else the first unstarted one, as long as the bytes of the
 * documents started but not yet delivered stay within window_bytes (the
 * document at head is always allowed, so the batch always progresses). Claiming takes the batch's
 * mutex, once for up to BATCH_CLAIM small documents. A finished outcome waits in a ring slot
 * (position mod window) until every earlier one has been delivered; a worker that has published
 * its outcomes takes the delivering role if no other thread holds it and delivers the ready
 * outcomes at head, in order: no lock per record (deliver_ready says why none is missed). Memory
 * is therefore bounded by the window, and the delivered sequence does not depend on the thread
 * count.
 *
 * Each worker owns one miair_scratch and one read buffer for the whole batch,
 * and keeps the results and JSON buffers of its delivered outcomes (given back
 * to it through a ring when another thread delivered them) for its next documents
 * (miair_analyze_reuse, miair_result_to_json_buf): the steady state allocates nothing per document.
 * Sizes of PATH documents without a size_hint come from a parallel stat()
 * pass before the first document starts. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "batch.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef MIAIR_HAVE_OPENMP
#include <omp.h>
#endif

#include "cache.h"
#include "internal.h"
#include "stream.h"

#define BATCH_DEFAULT_MAX_BYTES ((uint64_t)1 << 30)      /* 1 GiB */
#define BATCH_DEFAULT_STREAM_THRESHOLD ((uint64_t)8 << 20)
#define BATCH_WINDOW_PER_THREAD 64                       /* default window: 64 per thread ... */
#define BATCH_WINDOW_MIN 128                             /* ... but at least 128 */
#define BATCH_DEFAULT_WINDOW_BYTES ((uint64_t)64 << 20)  /* 64 MiB of documents in flight */
#define BATCH_BIG_FACTOR 2.0                             /* "big": more than 2x the mean size */
#define BATCH_CLAIM 4                                    /* documents a worker claims at once ... */
#define BATCH_CLAIM_MAX_BYTES ((uint64_t)64 << 10)       /* ... when each is at most 64 KiB */
#define BATCH_BACK_MAX 1024                              /* ring of outcomes given back: at most this + a claim */
#define BATCH_SPARE 8                                    /* outcomes' memory kept per thread for reuse ... */
#define BATCH_SPARE_MAX_BYTES ((size_t)256 << 10)        /* ... when each part is at most 256 KiB */
#define READ_CHUNK_MIN ((size_t)1 << 16)                 /* first allocation when the size is unknown */
#define READ_CALL_MAX ((size_t)1 << 30)                  /* largest single read() request */

double miair_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ------------------------------------------------------------------ reading */

static miair_status too_big(char *err, size_t errsz, uint64_t size, int exact, uint64_t max_bytes,
                            uint64_t *size_seen)
{
    snprintf(err, errsz, "input too large: %s%" PRIu64 " bytes (limit %" PRIu64 ")", exact ? "" : "more than ",
             exact ? size : max_bytes, max_bytes);
    *size_seen = exact ? size : max_bytes + 1;
    return MIAIR_ERR_TOO_BIG;
}

static int grow(miair_readbuf *b, size_t want)
{
    if (want <= b->cap)
        return 0;
    unsigned char *d = realloc(b->data, want);
    if (!d)
        return -1;
    b->data = d;
    b->cap = want;
    return 0;
}

static miair_status nomem(char *err, size_t errsz)
{
    snprintf(err, errsz, "%s", strerror(ENOMEM));
    return MIAIR_ERR_NOMEM;
}

/* Reads until end of file; size_hint is the expected size (0 when unknown). */
static miair_status read_all(int fd, uint64_t size_hint, uint64_t max_bytes, miair_readbuf *b,
                             uint64_t *size_seen, char *err, size_t errsz)
{
    /* Never hold more than max_bytes + 1 bytes: one byte past the limit
     * proves the input is too big. */
    uint64_t limit = max_bytes < SIZE_MAX - 1 ? max_bytes + 1 : SIZE_MAX;
    uint64_t first = size_hint ? size_hint + 1 : READ_CHUNK_MIN;
    if (first > limit)
        first = limit;
    if (first == 0)
        first = 1;
    b->len = 0;
    if (grow(b, (size_t)first) != 0)
        return nomem(err, errsz);
    for (;;) {
        if (b->len == b->cap) {
            if (b->cap >= limit)
                break;
            uint64_t want = (uint64_t)b->cap * 2;
            if (want > limit)
                want = limit;
            if (grow(b, (size_t)want) != 0)
                return nomem(err, errsz);
        }
        size_t room = b->cap - b->len;
        if (room > READ_CALL_MAX)
            room = READ_CALL_MAX;
        ssize_t got = read(fd, b->data + b->len, room);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                /* opened O_NONBLOCK (miair_read_path) on a file system that honours it for
                 * regular files: blocking reads from here on */
                int fl = fcntl(fd, F_GETFL);
                if (fl >= 0 && (fl & O_NONBLOCK) && fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == 0)
                    continue;
            }
            snprintf(err, errsz, "%s", strerror(errno));
            return MIAIR_ERR_IO;
        }
        if (got == 0)
            break;
        b->len += (size_t)got;
    }
    *size_seen = b->len;
    if (b->len > max_bytes)
        return too_big(err, errsz, 0, 0, max_bytes, size_seen);
    return MIAIR_OK;
}

miair_status miair_read_path(const char *path, uint64_t max_bytes, miair_readbuf *b, uint64_t *size_seen,
                             char *err, size_t errsz)
{
    int fd;
    *size_seen = 0;
    b->len = 0;
    do {
        /* O_NONBLOCK: opening a fifo must not wait for a writer. */
        fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        snprintf(err, errsz, "%s", strerror(errno));
        return MIAIR_ERR_IO;
    }
    struct stat st;
    miair_status rc = MIAIR_ERR_IO;
    if (fstat(fd, &st) != 0) {
        snprintf(err, errsz, "%s", strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        snprintf(err, errsz, "%s", strerror(EISDIR));
    } else if (!S_ISREG(st.st_mode)) {
        snprintf(err, errsz, "not a regular file or directory");
    } else if ((uint64_t)st.st_size > max_bytes) {
        rc = too_big(err, errsz, (uint64_t)st.st_size, 1, max_bytes, size_seen);
    } else {
        /* a regular file: O_NONBLOCK does not change its reads on Linux file systems (read_all
         * clears it if one answers EAGAIN), so no fcntl calls per file */
        rc = read_all(fd, (uint64_t)st.st_size, max_bytes, b, size_seen, err, errsz);
    }
    close(fd);
    return rc;
}

miair_status miair_read_fd(int fd, uint64_t max_bytes, miair_readbuf *b, uint64_t *size_seen, char *err,
                           size_t errsz)
{
    struct stat st;
    uint64_t hint = 0;
    *size_seen = 0;
    b->len = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        off_t pos = lseek(fd, 0, SEEK_CUR);
        if (pos >= 0 && pos <= st.st_size)
            hint = (uint64_t)(st.st_size - pos);
        if (hint > max_bytes)
            return too_big(err, errsz, hint, 1, max_bytes, size_seen);
    }
    return read_all(fd, hint, max_bytes, b, size_seen, err, errsz);
}

void miair_readbuf_trim(miair_readbuf *b)
{
    if (b->cap > MIAIR_READBUF_KEEP_MAX)
        miair_readbuf_free(b);
}

void miair_readbuf_free(miair_readbuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* ------------------------------------------------------------------ options */

void miair_batch_options_init(miair_batch_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->max_bytes = BATCH_DEFAULT_MAX_BYTES;
    o->stream_threshold = BATCH_DEFAULT_STREAM_THRESHOLD;
}

int miair_batch_threads(int threads)
{
#ifdef MIAIR_HAVE_OPENMP
    if (threads > 0)
        return threads;
    int t = omp_get_max_threads();
    return t > 0 ? t : 1;
#else
    (void)threads;
    return 1; /* built without OpenMP: the calling thread only */
#endif
}

/* ------------------------------------------------------------------ the batch */

enum { SLOT_EMPTY = 0, SLOT_DONE }; /* a slot is empty until its outcome is published */

/* A slot and a thread's counters start on a cache line of their own (and fill whole lines), so
 * that the threads writing them share no line with each other or with other data. */
#define BATCH_LINE 64

typedef struct {
    _Alignas(BATCH_LINE) int state;
    int owner;         /* the thread that produced the outcome */
    miair_batch_item item;
    miair_result *result;
    char *json;
    size_t json_cap;   /* json's allocation when it can hold another record (to_json_buf), else 0 */
    char err[MIAIR_BATCH_ERRMSG];
    int looked_up;     /* the result cache was asked (miair_batch_run_cached) */
    int cached;        /* and answered: result NULL, numbers in hit */
    miair_cached hit;  /* hit.json is json */
} slot;

/* A delivered outcome's memory on its way back to the thread that produced it. */
struct handed {
    miair_result *result;
    char *json;
    size_t json_cap;
};

/* Outcomes a thread produced and another thread delivered come back to it through this ring, so
 * that their memory is reused by the thread whose malloc arena and caches it came from. One writer
 * at a time, the deliverer (deliverers follow each other through batch.delivering, which orders
 * their writes), and one reader, the owner; no lock. tail and head sit on lines of their own. */
typedef struct {
    _Alignas(BATCH_LINE) size_t tail; /* entries published (deliverer: release; owner: acquire) */
    size_t tail_next;                 /* entries written, published at the end of a delivery run */
    _Alignas(BATCH_LINE) size_t head; /* entries taken back (owner: release; deliverer: acquire) */
    struct handed *e;                 /* cap entries, fixed for the batch */
    size_t cap;
} back_ring;

/* Per-thread counters, padded apart so threads do not share cache lines. */
typedef struct {
    _Alignas(BATCH_LINE) double stat_s;
    double read_s, analyze_s, json_s, wait_s;
    /* Results and JSON buffers of delivered outcomes, kept for this thread's next documents (their
     * memory reused: no malloc/free per document in steady state); this thread only. */
    miair_result *spare_r[BATCH_SPARE];
    miair_buf spare_j[BATCH_SPARE];
    size_t n_spare_r, n_spare_j;
    back_ring back;
} thread_acc;

/* n zeroed elements of size sz (a multiple of BATCH_LINE), on a line boundary; free() releases it. */
static void *calloc_lines(size_t n, size_t sz)
{
    if (n && sz > SIZE_MAX / n)
        return NULL;
    void *p = aligned_alloc(BATCH_LINE, n ? n * sz : sz);
    if (p)
        memset(p, 0, n ? n * sz : sz);
    return p;
}

typedef struct {
    const miair_engine *e;
    const miair_batch_doc *docs;
    size_t n;
    const miair_batch_options *opt;
    miair_batch_fn fn;
    void *user;
    miair_cache *cache;      /* NULL: no result cache */
    miair_digest digest;     /* the engine digest (cache keys) */

    uint64_t *size;          /* scheduling size of each document */
    unsigned char *started;  /* per document (claiming: under mu) */
    slot *ring;              /* window slots; document j uses ring[j % window] */
    size_t window;
    uint64_t window_bytes;
    size_t *big;             /* positions of big documents, ascending (see pick) */
    size_t n_big;            /* their count */
    int threads;             /* team size */
    thread_acc *acc;

    /* The fields above are read by every thread and written only before the workers start (and
     * n_big, threads in the size pass); what the threads write comes in groups of its own cache
     * lines below, so that claiming or delivering does not take lines the others read.
     *
     * Claiming: the mutex guards pick and what only claimers write, on one line with it. Delivery
     * takes no lock: slots are published with atomic stores, one thread at a time delivers
     * (delivering), and the window's start (head, delivered_bytes), stop and waiting are atomics
     * that claimers only read. */
    _Alignas(BATCH_LINE) pthread_mutex_t mu;
    size_t lo;               /* first unstarted position (>= head); n when all have started */
    size_t big_lo;           /* first big document possibly unstarted */
    uint64_t claimed_bytes;  /* sizes of the documents started */

    /* the window: moved by the deliverer, read by the claimers */
    _Alignas(BATCH_LINE) size_t head; /* next position to deliver */
    uint64_t delivered_bytes; /* sizes of the documents delivered (held: claimed - delivered) */
    int stop;                /* the callback asked to stop */
    int waiting;             /* threads waiting on cv for the window to move */

    _Alignas(BATCH_LINE) pthread_cond_t cv;
    int sized;               /* threads done with the size pass */

    _Alignas(BATCH_LINE) int delivering; /* a thread is in the delivery loop */
    _Alignas(BATCH_LINE) miair_batch_stats st; /* delivery counters (the deliverer only) */
} batch;

#define PICK_WAIT ((size_t)-1)
#define PICK_NONE ((size_t)-2)

/* The next document to start, PICK_WAIT when none may start now, PICK_NONE
 * when every document has been started. Under the lock.
 *
 * Large documents first: the largest unstarted "big" document of the window
 * (more than BATCH_BIG_FACTOR times the batch's mean size) if there is one,
 * else the first unstarted document in input order. A big document is thus
 * started as soon as it enters the window instead of ending the batch alone
 * on one thread, while documents of ordinary size go in input order, so the
 * document at head is rarely the one holding the window back. */
static size_t pick(batch *b)
{
    if (b->lo == b->n)
        return PICK_NONE;
    /* seq_cst loads: a thread about to wait has announced it (waiting) before this read, and the
     * deliverer reads waiting after publishing head and delivered_bytes (deliver_ready) */
    const size_t head = __atomic_load_n(&b->head, __ATOMIC_SEQ_CST);
    const uint64_t held = b->claimed_bytes - __atomic_load_n(&b->delivered_bytes, __ATOMIC_SEQ_CST);
    size_t hi = head + b->window;
    if (hi > b->n)
        hi = b->n;
    size_t best = PICK_WAIT;
    uint64_t best_size = 0;
    while (b->big_lo < b->n_big && b->started[b->big[b->big_lo]])
        b->big_lo++;
    for (size_t k = b->big_lo; k < b->n_big && b->big[k] < hi; k++) {
        size_t j = b->big[k];
        if (b->started[j])
            continue;
        if (held + b->size[j] > b->window_bytes && held != 0)
            continue;
        if (best == PICK_WAIT || b->size[j] > best_size) {
            best = j;
            best_size = b->size[j];
        }
    }
    if (best == PICK_WAIT && b->lo < hi &&
        (held + b->size[b->lo] <= b->window_bytes || held == 0 || b->lo == head))
        best = b->lo;
    return best;
}

/* The big documents (indices in input order), after the size pass. */
static void find_big(batch *b)
{
    uint64_t total = 0;
    for (size_t j = 0; j < b->n; j++)
        total += b->size[j];
    double threshold = b->n ? BATCH_BIG_FACTOR * (double)total / (double)b->n : 0;
    b->n_big = 0;
    for (size_t j = 0; j < b->n; j++)
        if ((double)b->size[j] > threshold)
            b->big[b->n_big++] = j;
}

static void free_slot(slot *s)
{
    miair_result_free(s->result);
    miair_free(s->json);
    s->result = NULL;
    s->json = NULL;
    s->json_cap = 0;
    s->looked_up = s->cached = 0;
    __atomic_store_n(&s->state, SLOT_EMPTY, __ATOMIC_RELAXED);
}

/* Memory a result holds beyond its struct. */
static size_t result_bytes(const miair_result *r)
{
    size_t n = r->arena.cap;
    for (int l = 0; l < MIAIR_LIST_COUNT_; l++)
        n += r->lists[l].cap * sizeof *r->lists[l].s;
    for (int i = 0; i < MIAIR_RULES; i++)
        n += r->occ[i].cap * sizeof *r->occ[i].v;
    return n;
}

/* A delivered outcome's memory: kept for the thread's next documents while there is room and it is
 * not large, else freed. Called by the thread that allocated it. */
static void recycle(thread_acc *acc, miair_result *r, char *json, size_t json_cap)
{
    if (r && acc->n_spare_r < BATCH_SPARE && result_bytes(r) <= BATCH_SPARE_MAX_BYTES)
        acc->spare_r[acc->n_spare_r++] = r;
    else
        miair_result_free(r);
    if (json && json_cap && acc->n_spare_j < BATCH_SPARE && json_cap <= BATCH_SPARE_MAX_BYTES)
        acc->spare_j[acc->n_spare_j++] = (miair_buf){json, 0, json_cap};
    else
        miair_free(json);
}

static void spares_free(thread_acc *acc)
{
    while (acc->n_spare_r)
        miair_result_free(acc->spare_r[--acc->n_spare_r]);
    while (acc->n_spare_j)
        miair_buf_release(&acc->spare_j[--acc->n_spare_j]);
}

/* The delivered slot's memory goes back to the thread that produced it: kept at once when that is
 * the deliverer, else written to the owner's ring; when the ring is full, free_slot frees it here.
 * Deliverer only; the slot is left empty. */
static void give_back(batch *b, thread_acc *me, slot *s)
{
    thread_acc *owner = &b->acc[s->owner];
    back_ring *r = &owner->back;
    int given = 1;
    if (owner == me)
        recycle(me, s->result, s->json, s->json_cap);
    else if (r->tail_next - __atomic_load_n(&r->head, __ATOMIC_ACQUIRE) < r->cap)
        r->e[r->tail_next++ % r->cap] = (struct handed){s->result, s->json, s->json_cap};
    else
        given = 0;
    if (given)
        s->result = NULL, s->json = NULL;
    free_slot(s);
}

/* Publishes the entries written to the threads' rings during a delivery run. Deliverer only. */
static void publish_back(batch *b)
{
    for (int t = 0; t < b->threads; t++) {
        back_ring *r = &b->acc[t].back;
        if (r->tail_next != __atomic_load_n(&r->tail, __ATOMIC_RELAXED))
            __atomic_store_n(&r->tail, r->tail_next, __ATOMIC_RELEASE);
    }
}

/* Takes back the outcomes other threads delivered for this one (their memory to the spares). */
static void take_back(thread_acc *acc)
{
    back_ring *r = &acc->back;
    const size_t t = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
    size_t h = __atomic_load_n(&r->head, __ATOMIC_RELAXED);
    if (h == t)
        return;
    for (; h != t; h++) {
        const struct handed *g = &r->e[h % r->cap];
        recycle(acc, g->result, g->json, g->json_cap);
    }
    __atomic_store_n(&r->head, h, __ATOMIC_RELEASE);
}

#define DELIVER_RUN 32 /* outcomes delivered before head is published and waiting threads woken */

/* Delivers every ready outcome at head, in order, unless another thread is doing so. No lock: the
 * producers publish their slots (SLOT_DONE, seq_cst) before calling this, and a deliverer looks at
 * the slot at head once more after giving up the role, so an outcome published while it was
 * finishing is either seen there or delivered by its producer (one of the two seq_cst pairs of
 * store-then-load must see the other's store). */
static void deliver_ready(batch *b, thread_acc *me)
{
    while (!__atomic_exchange_n(&b->delivering, 1, __ATOMIC_SEQ_CST)) {
        size_t h = __atomic_load_n(&b->head, __ATOMIC_RELAXED);
        int more;
        do {
            const size_t h0 = h;
            uint64_t freed = 0;
            int rc = 0;
            while (h < b->n && h - h0 < DELIVER_RUN && !__atomic_load_n(&b->stop, __ATOMIC_RELAXED) &&
                   __atomic_load_n(&b->ring[h % b->window].state, __ATOMIC_ACQUIRE) == SLOT_DONE) {
                slot *s = &b->ring[h % b->window];
                const miair_batch_item *it = &s->item;
                b->st.documents++;
                if (it->status == MIAIR_OK) {
                    b->st.analyzed++;
                    b->st.bytes += it->bytes;
                    if (s->cached ? !s->hit.empty : !miair_result_is_empty(it->result))
                        b->st.patterns_ran++;
                } else {
                    b->st.errors++;
                }
                if (s->looked_up) {
                    b->st.cache_hits += s->cached != 0;
                    b->st.cache_misses += s->cached == 0;
                }
                double t0 = miair_now();
                rc = b->fn ? b->fn(b->user, it) : 0;
                b->st.deliver_seconds += miair_now() - t0;
                give_back(b, me, s);
                freed += b->size[h];
                h++;
                if (rc != 0)
                    __atomic_store_n(&b->stop, 1, __ATOMIC_SEQ_CST);
            }
            more = h - h0 == DELIVER_RUN;
            publish_back(b);
            /* the slots emptied above are claimed only after a claimer reads the new head */
            __atomic_store_n(&b->delivered_bytes, b->delivered_bytes + freed, __ATOMIC_SEQ_CST);
            __atomic_store_n(&b->head, h, __ATOMIC_SEQ_CST);
            if (__atomic_load_n(&b->waiting, __ATOMIC_SEQ_CST)) {
                pthread_mutex_lock(&b->mu);
                pthread_cond_broadcast(&b->cv);
                pthread_mutex_unlock(&b->mu);
            }
        } while (more);
        __atomic_store_n(&b->delivering, 0, __ATOMIC_SEQ_CST);
        if (h >= b->n || __atomic_load_n(&b->stop, __ATOMIC_SEQ_CST) ||
            __atomic_load_n(&b->ring[h % b->window].state, __ATOMIC_SEQ_CST) != SLOT_DONE)
            return;
    }
}

/* The result cache (miair_batch_run_cached): looks the document up; 1 on a
 * hit (s->json, s->hit filled), 0 on a miss (then *key is for cache_store). */
static int cache_lookup(batch *b, slot *s, miair_cache_key *key, const void *data, size_t len)
{
    double t0 = miair_now();
    miair_cache_key_make(&b->digest, data, len, key);
    miair_cache_add_hash_seconds(b->cache, miair_now() - t0);
    const char *id = s->item.id;
    int hit = 0;
    s->looked_up = 1;
    if (miair_cache_get(b->cache, key, id, strlen(id), (b->opt->flags & MIAIR_BATCH_JSON) != 0, &s->hit, &hit) !=
            MIAIR_OK ||
        !hit)
        return 0;
    s->cached = 1;
    s->json = s->hit.json;
    return 1;
}

/* Adds an analyzed document to the cache (its record when serialized). */
static void cache_store(batch *b, slot *s, const miair_cache_key *key)
{
    const char *id = s->item.id;
    if (s->json)
        (void)miair_cache_put_record(b->cache, key, s->result, s->json, s->item.json_len, id, strlen(id));
    else
        (void)miair_cache_put(b->cache, key, s->result);
}

/* Reads (when needed), analyzes and serializes document j into s. */
static void process(batch *b, size_t j, slot *s, miair_scratch *scratch, int scratch_ok, miair_readbuf *rb,
                    thread_acc *acc, int tid)
{
    const miair_batch_doc *d = &b->docs[j];
    miair_batch_item *it = &s->item;
    memset(it, 0, sizeof *it);
    it->index = j;
    it->id = d->id ? d->id : (d->kind == MIAIR_DOC_PATH && d->path ? d->path : "");
    it->thread = tid;
    s->result = NULL;
    s->json = NULL;
    s->err[0] = '\0';
    s->looked_up = s->cached = 0;

    const void *data = NULL;
    size_t len = 0;
    miair_status st = MIAIR_OK;
    uint64_t seen = 0;
    int streamed = 0;
    /* a buffer needs no reading: its analysis is timed from the next reading of the clock */
    double t0 = d->kind == MIAIR_DOC_BUFFER ? 0.0 : miair_now(), t1;
    switch (d->kind) {
    case MIAIR_DOC_BUFFER:
        data = d->data;
        len = d->len;
        if (!data && len) {
            st = MIAIR_ERR_INVALID;
            snprintf(s->err, sizeof s->err, "%s", miair_status_message(st));
        }
        break;
    case MIAIR_DOC_PATH:
        if (!d->path) {
            st = MIAIR_ERR_INVALID;
            snprintf(s->err, sizeof s->err, "%s", miair_status_message(st));
            break;
        }
        if (b->size[j] > (b->opt->stream_threshold ? b->opt->stream_threshold : BATCH_DEFAULT_STREAM_THRESHOLD)) {
            /* huge: mapped and analyzed window by window (runtime/stream.c), never read whole */
            if (!scratch_ok) {
                st = MIAIR_ERR_NOMEM;
                snprintf(s->err, sizeof s->err, "%s", miair_status_message(st));
                break;
            }
            st = miair_stream_path(b->e, scratch, d->path, b->opt->max_bytes, &s->result, s->err, sizeof s->err);
            t1 = miair_now();
            it->analyze_seconds = t1 - t0;
            it->bytes = b->size[j];
            streamed = 1;
            break;
        }
        st = miair_read_path(d->path, b->opt->max_bytes, rb, &seen, s->err, sizeof s->err);
        data = rb->data;
        len = rb->len;
        break;
    case MIAIR_DOC_FD:
        st = miair_read_fd(d->fd, b->opt->max_bytes, rb, &seen, s->err, sizeof s->err);
        data = rb->data;
        len = rb->len;
        break;
    case MIAIR_DOC_ERROR:
        st = MIAIR_ERR_IO;
        snprintf(s->err, sizeof s->err, "%s", d->error ? d->error : miair_status_message(st));
        break;
    default:
        st = MIAIR_ERR_INVALID;
        snprintf(s->err, sizeof s->err, "%s", miair_status_message(st));
        break;
    }
    if (streamed) {
        len = (size_t)b->size[j];
    } else {
        t1 = miair_now();
        if (d->kind == MIAIR_DOC_PATH || d->kind == MIAIR_DOC_FD)
            it->read_seconds = t1 - t0;
        it->bytes = st == MIAIR_OK ? (uint64_t)len : seen;
    }

    miair_cache_key key;
    memset(&key, 0, sizeof key);
    if (st == MIAIR_OK && !streamed && b->cache && cache_lookup(b, s, &key, data, len)) {
        it->status = MIAIR_OK;
        it->json = s->json;
        it->json_len = s->json ? s->hit.json_len : 0;
        it->json_seconds = miair_now() - t1;
        it->bytes = len;
        acc->read_s += it->read_seconds;
        acc->json_s += it->json_seconds;
        miair_readbuf_trim(rb);
        return;
    }
    if (st == MIAIR_OK && !streamed) {
        if (scratch_ok) {
            s->result = acc->n_spare_r ? acc->spare_r[--acc->n_spare_r] : NULL;
            st = miair_analyze_reuse(b->e, scratch, data, len, &s->result);
        } else {
            st = MIAIR_ERR_NOMEM;
        }
        double t2 = miair_now();
        it->analyze_seconds = t2 - t1;
        t1 = t2;
        if (st != MIAIR_OK)
            snprintf(s->err, sizeof s->err, "%s", miair_status_message(st));
    }
    if (b->opt->flags & MIAIR_BATCH_JSON) {
        size_t jl = 0;
        if (st == MIAIR_OK) {
            miair_buf jb = acc->n_spare_j ? acc->spare_j[--acc->n_spare_j] : (miair_buf){0};
            miair_status js = miair_result_to_json_buf(s->result, it->id, strlen(it->id), &jb);
            s->json = jb.p, jl = jb.len, s->json_cap = jb.cap;
            if (js != MIAIR_OK) {
                st = js;
                snprintf(s->err, sizeof s->err, "%s", miair_status_message(js));
                miair_result_free(s->result);
                s->result = NULL;
            }
        }
        if (st != MIAIR_OK) {
            s->json_cap = 0; /* an error record: freed, not reused */
            if (miair_error_to_json(it->id, strlen(it->id), s->err, &s->json, &jl) != MIAIR_OK)
                s->json = NULL, jl = 0;
        }
        it->json = s->json;
        it->json_len = jl;
        it->json_seconds = miair_now() - t1;
    }
    if (st == MIAIR_OK && s->looked_up)
        cache_store(b, s, &key);
    it->status = st;
    it->result = s->result;
    it->error = st == MIAIR_OK ? NULL : s->err;
    if (st == MIAIR_OK)
        it->bytes = len;

    acc->read_s += it->read_seconds;
    acc->analyze_s += it->analyze_seconds;
    acc->json_s += it->json_seconds;
    miair_readbuf_trim(rb);
}

/* Claims the next documents to process (js, at most BATCH_CLAIM; small documents a few at a time:
 * one lock round for all of them), waiting while the window is full. 0: nothing left, or stopped. */
static int claim(batch *b, thread_acc *acc, size_t *js)
{
    int nj = 0;
    pthread_mutex_lock(&b->mu);
    while (!__atomic_load_n(&b->stop, __ATOMIC_SEQ_CST)) {
        size_t j = pick(b);
        if (j == PICK_NONE)
            break;
        if (j == PICK_WAIT) {
            /* announced before looking again, so that a deliverer moving the window either is
             * seen by this pick or sees waiting and wakes this thread (it takes the mutex) */
            __atomic_add_fetch(&b->waiting, 1, __ATOMIC_SEQ_CST);
            if (pick(b) == PICK_WAIT && !__atomic_load_n(&b->stop, __ATOMIC_SEQ_CST)) {
                double t0 = miair_now();
                pthread_cond_wait(&b->cv, &b->mu);
                acc->wait_s += miair_now() - t0;
            }
            __atomic_sub_fetch(&b->waiting, 1, __ATOMIC_SEQ_CST);
            continue;
        }
        for (;;) {
            b->started[j] = 1;
            while (b->lo < b->n && b->started[b->lo])
                b->lo++;
            b->claimed_bytes += b->size[j];
            js[nj++] = j;
            if (nj == BATCH_CLAIM || b->size[j] > BATCH_CLAIM_MAX_BYTES)
                break;
            j = pick(b);
            if (j == PICK_NONE || j == PICK_WAIT || b->size[j] > BATCH_CLAIM_MAX_BYTES)
                break;
        }
        break;
    }
    pthread_mutex_unlock(&b->mu);
    return nj;
}

static void worker(batch *b, int tid)
{
    thread_acc *acc = &b->acc[tid];
    miair_scratch scratch;
    int scratch_ok = miair_scratch_init(&scratch) == 0;
    miair_readbuf rb = {0};
    size_t js[BATCH_CLAIM];

    for (;;) {
        take_back(acc);
        int nj = claim(b, acc, js);
        if (nj == 0)
            break;
        for (int q = 0; q < nj; q++)
            process(b, js[q], &b->ring[js[q] % b->window], &scratch, scratch_ok, &rb, acc, tid);
        for (int q = 0; q < nj; q++) {
            slot *s = &b->ring[js[q] % b->window];
            s->owner = tid;
            __atomic_store_n(&s->state, SLOT_DONE, __ATOMIC_SEQ_CST);
        }
        deliver_ready(b, acc);
    }

    if (scratch_ok)
        miair_scratch_release(&scratch);
    miair_readbuf_free(&rb);
    pthread_mutex_lock(&b->mu); /* see batch_run after the parallel region */
    pthread_mutex_unlock(&b->mu);
}

/* The scheduling size of document j (stat() for PATH documents without a hint). */
static uint64_t doc_size(const miair_batch_doc *d)
{
    struct stat st;
    switch (d->kind) {
    case MIAIR_DOC_BUFFER:
        return d->len;
    case MIAIR_DOC_PATH:
        if (d->size_hint)
            return d->size_hint;
        if (d->path && stat(d->path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
            return (uint64_t)st.st_size;
        return 0;
    case MIAIR_DOC_FD:
        if (fstat(d->fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
            return (uint64_t)st.st_size;
        return 0;
    default:
        return 0;
    }
}

/* Sizes every document (worksharing, no barrier), then waits on the condition
 * variable, not a spinning OpenMP barrier, for the other threads: on a busy
 * machine a spinning thread would take the CPU from the ones still working.
 * The last thread to finish calls on_plan. */
static void size_pass(batch *b, int tid, int team)
{
    double t0 = miair_now();
#ifdef MIAIR_HAVE_OPENMP
#pragma omp for schedule(dynamic, 256) nowait
#endif
    for (size_t j = 0; j < b->n; j++)
        b->size[j] = doc_size(&b->docs[j]);
    double t1 = miair_now();
    b->acc[tid].stat_s += t1 - t0;

    pthread_mutex_lock(&b->mu);
    if (++b->sized == team) {
        b->threads = team;
        find_big(b);
        if (b->opt->on_plan) {
            uint64_t total = 0;
            for (size_t j = 0; j < b->n; j++)
                total += b->size[j];
            b->opt->on_plan(b->user, b->n, total);
        }
        pthread_cond_broadcast(&b->cv);
    } else {
        while (b->sized < team)
            pthread_cond_wait(&b->cv, &b->mu);
        b->acc[tid].wait_s += miair_now() - t1;
    }
    pthread_mutex_unlock(&b->mu);
}

static miair_status batch_run(const miair_engine *e, miair_cache *cache, const miair_batch_doc *docs, size_t n,
                              const miair_batch_options *opt, miair_batch_fn fn, void *user,
                              miair_batch_stats *stats)
{
    double t_start = miair_now();
    miair_batch_options defaults;
    if (!opt) {
        miair_batch_options_init(&defaults);
        opt = &defaults;
    }
    if (stats)
        memset(stats, 0, sizeof *stats);
    if (!e || (!docs && n))
        return MIAIR_ERR_INVALID;

    int threads = miair_batch_threads(opt->threads);
    if ((size_t)threads > n)
        threads = n ? (int)n : 1;

    batch b;
    memset(&b, 0, sizeof b);
    b.e = e;
    b.docs = docs;
    b.n = n;
    b.opt = opt;
    b.fn = fn;
    b.user = user;
    b.cache = cache;
    if (cache) {
        miair_status ds = miair_engine_digest(e, &b.digest);
        if (ds != MIAIR_OK)
            return ds;
    }
    b.window = opt->window ? opt->window : (size_t)threads * BATCH_WINDOW_PER_THREAD;
    if (!opt->window && b.window < BATCH_WINDOW_MIN)
        b.window = BATCH_WINDOW_MIN;
    if (b.window > n && n > 0)
        b.window = n;
    if (b.window == 0)
        b.window = 1;
    b.window_bytes = opt->window_bytes ? opt->window_bytes : BATCH_DEFAULT_WINDOW_BYTES;
    b.threads = threads;

    b.size = calloc(n ? n : 1, sizeof *b.size);
    b.started = calloc(n ? n : 1, 1);
    b.big = calloc(n ? n : 1, sizeof *b.big);
    b.ring = calloc_lines(b.window, sizeof *b.ring);
    b.acc = calloc_lines((size_t)threads, sizeof *b.acc);
    /* a thread's outcomes delivered and not yet taken back: at most the window and one claim */
    const size_t back_cap = (b.window < BATCH_BACK_MAX ? b.window : BATCH_BACK_MAX) + BATCH_CLAIM;
    struct handed *back = calloc((size_t)threads * back_cap, sizeof *back);
    if (!b.size || !b.started || !b.big || !b.ring || !b.acc || !back) {
        free(back);
        free(b.big);
        free(b.size);
        free(b.started);
        free(b.ring);
        free(b.acc);
        return MIAIR_ERR_NOMEM;
    }
    for (int t = 0; t < threads; t++) {
        b.acc[t].back.e = back + (size_t)t * back_cap;
        b.acc[t].back.cap = back_cap;
    }
    pthread_mutex_init(&b.mu, NULL);
    pthread_cond_init(&b.cv, NULL);

#ifdef MIAIR_HAVE_OPENMP
#pragma omp parallel num_threads(threads)
    {
        int tid = omp_get_thread_num();
        size_pass(&b, tid, omp_get_num_threads());
        worker(&b, tid);
    }
#else
    size_pass(&b, 0, 1);
    worker(&b, 0);
#endif

    /* (each worker's last unlock happens before this lock: what they wrote is visible here, also to
     * thread checkers that do not see OpenMP's own join) */
    pthread_mutex_lock(&b.mu);
    pthread_mutex_unlock(&b.mu);
    /* Outcomes left behind by a stop or given back after their thread's last round. */
    for (size_t k = 0; k < b.window; k++)
        free_slot(&b.ring[k]);
    for (int t = 0; t < threads; t++) {
        back_ring *r = &b.acc[t].back;
        for (size_t k = r->head; k != r->tail_next; k++) {
            miair_result_free(r->e[k % r->cap].result);
            miair_free(r->e[k % r->cap].json);
        }
        spares_free(&b.acc[t]);
    }
    free(back);

    miair_status rc = b.stop ? MIAIR_ERR_IO : MIAIR_OK;
    if (stats) {
        *stats = b.st;
        stats->threads = b.threads;
        for (int t = 0; t < threads; t++) {
            stats->stat_seconds += b.acc[t].stat_s;
            stats->read_seconds += b.acc[t].read_s;
            stats->analyze_seconds += b.acc[t].analyze_s;
            stats->json_seconds += b.acc[t].json_s;
            stats->wait_seconds += b.acc[t].wait_s;
        }
        stats->wall_seconds = miair_now() - t_start;
    }
    pthread_cond_destroy(&b.cv);
    pthread_mutex_destroy(&b.mu);
    free(b.size);
    free(b.started);
    free(b.big);
    free(b.ring);
    free(b.acc);
    return rc;
}

miair_status miair_batch_run(const miair_engine *e, const miair_batch_doc *docs, size_t n,
                             const miair_batch_options *opt, miair_batch_fn fn, void *user,
                             miair_batch_stats *stats)
{
    return batch_run(e, NULL, docs, n, opt, fn, user, stats);
}

miair_status miair_batch_run_cached(const miair_engine *e, miair_cache *c, const miair_batch_doc *docs, size_t n,
                                    const miair_batch_options *opt, miair_batch_fn fn, void *user,
                                    miair_batch_stats *stats)
{
    return batch_run(e, c, docs, n, opt, fn, user, stats);
}

/* Items live in their slot: the slot holds a hit's numbers. */
static const slot *slot_of(const miair_batch_item *it)
{
    return (const slot *)(const void *)((const char *)it - offsetof(slot, item));
}

double miair_batch_item_number(const miair_batch_item *it, miair_field f)
{
    if (!it || it->status != MIAIR_OK || (unsigned)f >= MIAIR_FIELD_COUNT_)
        return NAN;
    if (it->result)
        return miair_result_number(it->result, f);
    const slot *s = slot_of(it);
    return s->cached ? s->hit.number[f] : NAN;
}

int miair_batch_item_cached(const miair_batch_item *it)
{
    return it && it->status == MIAIR_OK && !it->result && slot_of(it)->cached;
}
