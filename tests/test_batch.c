/* Batch runtime tests (ctest batch_unit): the batch equals the sequential
 * analysis for any thread count and window, delivers in input order,
 * isolates failing documents, stops when asked; the metrics text; the
 * SPEC.md section 6 document generator of `miair gen`/`miair bench`. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "miair.h"
#include "seeddoc.h"

/* Without OpenMP the batch runs on the calling thread only. */
#ifdef MIAIR_HAVE_OPENMP
#define TEAM(t) (t)
#else
#define TEAM(t) 1
#endif

typedef struct {
    char *data;
    size_t len;
} doc;

static miair_engine *engine;
static doc *docs;
static size_t n_docs;
static char **ref_json; /* sequential records, id "" */
static char tmpdir[64];

/* ------------------------------------------------------------ corpus */

static void add_doc(const void *p, size_t n)
{
    docs = realloc(docs, (n_docs + 1) * sizeof *docs);
    docs[n_docs].data = malloc(n ? n : 1);
    memcpy(docs[n_docs].data, p, n);
    docs[n_docs].len = n;
    n_docs++;
}

static void build_corpus(void)
{
    seed_rng r;
    char *buf = malloc(seeddoc_max_bytes(SEED_XLARGE));
    unsigned k = 0;
    for (int rep = 0; rep < 16; rep++)
        for (int s = SEED_SMALL; s <= SEED_LARGE; s++)
            for (int c = 0; c < SEED_COMPLEXITY_COUNT; c++) {
                seed_rng_init(&r, 42, k++);
                add_doc(buf, seeddoc_write(buf, (seed_size)s, (seed_complexity)c, &r));
            }
    for (int c = 0; c < SEED_COMPLEXITY_COUNT; c++) {
        seed_rng_init(&r, 43, (uint64_t)c);
        add_doc(buf, seeddoc_write(buf, SEED_XLARGE, (seed_complexity)c, &r));
    }
    /* special shapes, spread through the corpus */
    static const char *const special[] = {
        "", " ", "\n\n\n", "x", "# T\n\n## Introduction\n\nTODO: this. [tbd]\n",
        "bad \xff\xfe utf8 \xc0\x80 and \xed\xa0\x80 surrogate\n", "\xf0\x9f\x98", "\xe2\x82",
        "caf\xc3\xa9 na\xc3\xafve \xc4\xb0stanbul \xce\xa3\xce\x9f\xce\xa3 \xe6\x97\xa5\xe6\x9c\xac",
        "```\ncode without language\n```\nFirst, Second, 1) 2) obviously simply.",
    };
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++)
        add_doc(special[i], strlen(special[i]));
    add_doc("nul\0byte\0text\n", 14);
    /* many, few and no occurrences of the same rules: a worker reuses a delivered outcome's memory
     * for a later document, which must not see any of the earlier one's */
    static const char *const varied[] = {
        "It was created. It was tested. They were named. Some API and XML were used in order to fit.\n"
        "TODO: this. FIXME that. Obviously it is deprecated.\n",
        "It was created by the API.\n",
        "Nothing of that kind here, just words.\n",
    };
    for (int rep = 0; rep < 8; rep++)
        for (size_t i = 0; i < sizeof varied / sizeof varied[0]; i++)
            add_doc(varied[i], strlen(varied[i]));
    /* random bytes */
    for (int i = 0; i < 20; i++) {
        seed_rng_init(&r, 44, (uint64_t)i);
        size_t n = (size_t)(seed_rng_next(&r) % 3000);
        for (size_t j = 0; j < n; j++)
            buf[j] = (char)(seed_rng_next(&r) & 0xff);
        add_doc(buf, n);
    }
    /* shuffle deterministically so sizes are mixed in input order */
    seed_rng_init(&r, 45, 0);
    for (size_t i = n_docs - 1; i > 0; i--) {
        size_t j = (size_t)(seed_rng_next(&r) % (i + 1));
        doc t = docs[i];
        docs[i] = docs[j];
        docs[j] = t;
    }
    free(buf);
}

static int setup(void **state)
{
    (void)state;
    if (miair_engine_create(NULL, &engine) != MIAIR_OK)
        return -1;
    build_corpus();
    ref_json = calloc(n_docs, sizeof *ref_json);
    for (size_t i = 0; i < n_docs; i++) {
        miair_result *r = NULL;
        size_t len;
        if (miair_analyze(engine, docs[i].data, docs[i].len, &r) != MIAIR_OK)
            return -1;
        if (miair_result_to_json(r, "", 0, &ref_json[i], &len) != MIAIR_OK)
            return -1;
        miair_result_free(r);
    }
    snprintf(tmpdir, sizeof tmpdir, "/tmp/miair-batch-test.XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < n_docs; i++) {
        free(docs[i].data);
        miair_free(ref_json[i]);
    }
    free(docs);
    free(ref_json);
    miair_engine_free(engine);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        return -1;
    return 0;
}

/* ------------------------------------------------------------ collecting items */

typedef struct {
    size_t next;      /* expected index */
    size_t ok, errors;
    int in_order;
    int mismatch;     /* first index whose record differs, +1 */
    int threads_seen; /* bitmask of worker ids */
    char **json;      /* when non-NULL: copies of the records */
    size_t stop_after;
} collect;

static int on_item(void *user, const miair_batch_item *it)
{
    collect *c = user;
    if (it->index != c->next)
        c->in_order = 0;
    c->next = it->index + 1;
    if (it->status == MIAIR_OK) {
        c->ok++;
        if (!it->result)
            c->in_order = 0;
    } else {
        c->errors++;
        if (!it->error)
            c->in_order = 0;
    }
    if (it->thread >= 0 && it->thread < 31)
        c->threads_seen |= 1 << it->thread;
    if (c->json && it->json) {
        c->json[it->index] = malloc(it->json_len + 1);
        memcpy(c->json[it->index], it->json, it->json_len);
        c->json[it->index][it->json_len] = '\0';
    }
    if (c->stop_after && c->next >= c->stop_after)
        return 1;
    return 0;
}

static miair_batch_doc *buffer_docs(void)
{
    miair_batch_doc *d = calloc(n_docs, sizeof *d);
    for (size_t i = 0; i < n_docs; i++) {
        d[i].kind = MIAIR_DOC_BUFFER;
        d[i].data = docs[i].data;
        d[i].len = docs[i].len;
    }
    return d;
}

/* Runs the corpus as buffers and checks every record against the sequential one. */
static void run_and_compare(int threads, size_t window, uint64_t window_bytes)
{
    miair_batch_doc *d = buffer_docs();
    miair_batch_options o;
    miair_batch_options_init(&o);
    o.threads = threads;
    o.flags = MIAIR_BATCH_JSON;
    o.window = window;
    o.window_bytes = window_bytes;
    collect c = {.in_order = 1};
    c.json = calloc(n_docs, sizeof *c.json);
    miair_batch_stats st;
    assert_int_equal(miair_batch_run(engine, d, n_docs, &o, on_item, &c, &st), MIAIR_OK);
    assert_true(c.in_order);
    assert_int_equal(c.next, n_docs);
    assert_int_equal(c.ok, n_docs);
    assert_int_equal(c.errors, 0);
    for (size_t i = 0; i < n_docs; i++) {
        assert_non_null(c.json[i]);
        if (strcmp(c.json[i], ref_json[i]) != 0)
            fail_msg("threads %d window %zu: record %zu differs from the sequential one", threads, window, i);
        free(c.json[i]);
    }
    free(c.json);
    assert_int_equal(st.documents, n_docs);
    assert_int_equal(st.analyzed, n_docs);
    assert_int_equal(st.errors, 0);
    assert_int_equal(st.threads, TEAM(threads));
    uint64_t bytes = 0, nonempty = 0;
    for (size_t i = 0; i < n_docs; i++) {
        bytes += docs[i].len;
        nonempty += docs[i].len != 0;
    }
    assert_int_equal(st.bytes, bytes);
    assert_int_equal(st.patterns_ran, nonempty);
    assert_true(st.analyze_seconds > 0.0);
    free(d);
}

static void test_equal_1_thread(void **state) { (void)state; run_and_compare(1, 0, 0); }
static void test_equal_2_threads(void **state) { (void)state; run_and_compare(2, 0, 0); }
static void test_equal_3_threads(void **state) { (void)state; run_and_compare(3, 0, 0); }
static void test_equal_8_threads(void **state) { (void)state; run_and_compare(8, 0, 0); }
static void test_small_windows(void **state)
{
    (void)state;
    run_and_compare(3, 1, 0);
    run_and_compare(3, 2, 0);
    run_and_compare(4, 7, 0);
    run_and_compare(4, 64, 4096); /* byte budget smaller than an xlarge document */
}

static void test_threads_default(void **state)
{
    (void)state;
    assert_true(miair_batch_threads(0) >= 1);
    assert_int_equal(miair_batch_threads(5), TEAM(5));
    /* fewer documents than threads */
    miair_batch_doc d[2] = {{.kind = MIAIR_DOC_BUFFER, .data = "a", .len = 1},
                            {.kind = MIAIR_DOC_BUFFER, .data = "b", .len = 1}};
    miair_batch_options o;
    miair_batch_options_init(&o);
    o.threads = 8;
    collect c = {.in_order = 1};
    miair_batch_stats st;
    assert_int_equal(miair_batch_run(engine, d, 2, &o, on_item, &c, &st), MIAIR_OK);
    assert_int_equal(st.threads, TEAM(2));
    assert_int_equal(c.ok, 2);
    /* no documents */
    c = (collect){.in_order = 1};
    assert_int_equal(miair_batch_run(engine, d, 0, &o, on_item, &c, &st), MIAIR_OK);
    assert_int_equal(c.next, 0);
    assert_int_equal(st.documents, 0);
    /* bad arguments */
    assert_int_equal(miair_batch_run(NULL, d, 2, &o, on_item, &c, NULL), MIAIR_ERR_INVALID);
    assert_int_equal(miair_batch_run(engine, NULL, 2, &o, on_item, &c, NULL), MIAIR_ERR_INVALID);
}

/* ------------------------------------------------------------ files, errors, stop */

static char *write_file(size_t i)
{
    char *path = malloc(128);
    snprintf(path, 128, "%s/%04zu.md", tmpdir, i);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(docs[i].data, 1, docs[i].len, f), docs[i].len);
    assert_int_equal(fclose(f), 0);
    return path;
}

static int on_item_path_check(void *user, const miair_batch_item *it)
{
    collect *c = user;
    on_item(user, it);
    (void)c;
    return 0;
}

static void test_paths_and_error_isolation(void **state)
{
    (void)state;
    size_t n = 60;
    size_t bad = n / 2;
    miair_batch_doc *d = calloc(n + 3, sizeof *d);
    char **paths = calloc(n + 3, sizeof *paths);
    size_t src = 0;
    for (size_t i = 0; i < n; i++) {
        d[i].kind = MIAIR_DOC_PATH;
        if (i == bad) {
            paths[i] = strdup("/nonexistent/miair/missing.md");
        } else {
            paths[i] = write_file(src);
            d[i].id = NULL; /* id defaults to the path */
            src++;
        }
        d[i].path = paths[i];
    }
    /* a directory, a pre-failed input, a too-big file */
    d[n].kind = MIAIR_DOC_PATH;
    d[n].path = tmpdir;
    d[n + 1].kind = MIAIR_DOC_ERROR;
    d[n + 1].error = "walk failed";
    d[n + 1].id = "walked";
    d[n + 2].kind = MIAIR_DOC_PATH;
    d[n + 2].path = paths[0];

    for (int threads = 1; threads <= 3; threads++) {
        miair_batch_options o;
        miair_batch_options_init(&o);
        o.threads = threads;
        o.flags = MIAIR_BATCH_JSON;
        collect c = {.in_order = 1};
        c.json = calloc(n + 3, sizeof *c.json);
        miair_batch_stats st;
        assert_int_equal(miair_batch_run(engine, d, n + 3, &o, on_item_path_check, &c, &st), MIAIR_OK);
        assert_true(c.in_order);
        assert_int_equal(c.next, n + 3);
        assert_int_equal(c.errors, 3);
        assert_int_equal(st.errors, 3);
        assert_int_equal(st.analyzed, n);
        src = 0;
        for (size_t i = 0; i < n; i++) {
            if (i == bad) {
                assert_string_equal(c.json[i], "{\"document_id\":\"/nonexistent/miair/missing.md\","
                                               "\"error\":\"No such file or directory\"}");
                continue;
            }
            /* the same record as the buffer, but for the document_id */
            const char *rec = c.json[i];
            const char *ref = ref_json[src];
            char prefix[160];
            snprintf(prefix, sizeof prefix, "{\"document_id\":\"%s\",", paths[i]);
            assert_memory_equal(rec, prefix, strlen(prefix));
            assert_string_equal(rec + strlen(prefix), ref + strlen("{\"document_id\":\"\","));
            src++;
        }
        assert_non_null(strstr(c.json[n], "Is a directory"));
        assert_string_equal(c.json[n + 1], "{\"document_id\":\"walked\",\"error\":\"walk failed\"}");
        assert_non_null(c.json[n + 2]);
        for (size_t i = 0; i < n + 3; i++)
            free(c.json[i]);
        free(c.json);
    }

    /* max_bytes: every non-empty file is too big */
    miair_batch_options o;
    miair_batch_options_init(&o);
    o.threads = 2;
    o.max_bytes = 0;
    collect c = {.in_order = 1};
    miair_batch_stats st;
    assert_int_equal(miair_batch_run(engine, d, n, &o, on_item, &c, &st), MIAIR_OK);
    size_t empties = 0;
    src = 0;
    for (size_t i = 0; i < n; i++)
        if (i != bad)
            empties += docs[src++].len == 0;
    assert_int_equal(st.analyzed, empties);
    assert_int_equal(st.errors, n - empties);

    for (size_t i = 0; i < n; i++) {
        if (i != bad)
            unlink(paths[i]);
        free(paths[i]);
    }
    free(paths);
    free(d);
}

typedef struct {
    miair_status status;
    char msg[256];
    uint64_t bytes;
} one_item;

static int on_one(void *user, const miair_batch_item *it)
{
    one_item *o = user;
    o->status = it->status;
    snprintf(o->msg, sizeof o->msg, "%s", it->error ? it->error : "");
    o->bytes = it->bytes;
    return 0;
}

static void test_too_big_message_and_fd(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/big.md", tmpdir);
    FILE *f = fopen(path, "wb");
    for (int i = 0; i < 2000; i++)
        fputc('x', f);
    fclose(f);
    miair_batch_doc d = {.kind = MIAIR_DOC_PATH, .path = path};
    miair_batch_options o;
    miair_batch_options_init(&o);
    o.max_bytes = 1024;
    one_item it = {0};
    assert_int_equal(miair_batch_run(engine, &d, 1, &o, on_one, &it, NULL), MIAIR_OK);
    assert_int_equal(it.status, MIAIR_ERR_TOO_BIG);
    assert_string_equal(it.msg, "input too large: 2000 bytes (limit 1024)");
    assert_int_equal(it.bytes, 2000);

    /* a pipe: size unknown, read until end of file */
    int p[2];
    assert_int_equal(pipe(p), 0);
    assert_int_equal(write(p[1], "# Hi\n\nSome text.\n", 17), 17);
    close(p[1]);
    d = (miair_batch_doc){.kind = MIAIR_DOC_FD, .fd = p[0], .id = "-"};
    o.max_bytes = 1000;
    it = (one_item){0};
    assert_int_equal(miair_batch_run(engine, &d, 1, &o, on_one, &it, NULL), MIAIR_OK);
    assert_int_equal(it.status, MIAIR_OK);
    assert_int_equal(it.bytes, 17);
    close(p[0]);

    assert_int_equal(pipe(p), 0);
    assert_int_equal(write(p[1], "0123456789", 10), 10);
    close(p[1]);
    d.fd = p[0];
    o.max_bytes = 5;
    assert_int_equal(miair_batch_run(engine, &d, 1, &o, on_one, &it, NULL), MIAIR_OK);
    assert_int_equal(it.status, MIAIR_ERR_TOO_BIG);
    assert_string_equal(it.msg, "input too large: more than 5 bytes (limit 5)");
    assert_int_equal(it.bytes, 6);
    close(p[0]);
    unlink(path);
}

static void test_stop(void **state)
{
    (void)state;
    miair_batch_doc *d = buffer_docs();
    for (int threads = 1; threads <= 4; threads++) {
        miair_batch_options o;
        miair_batch_options_init(&o);
        o.threads = threads;
        collect c = {.in_order = 1, .stop_after = 17};
        miair_batch_stats st;
        assert_int_equal(miair_batch_run(engine, d, n_docs, &o, on_item, &c, &st), MIAIR_ERR_IO);
        assert_true(c.in_order);
        assert_int_equal(c.next, 17);
        assert_int_equal(st.documents, 17);
    }
    free(d);
}

/* Many tiny documents on more threads than cores, with windows down to 1: the workers finish far
 * more often than they analyze, so the hand-over of the delivering role, the wake-ups of threads
 * waiting for the window and the return of outcomes to the threads that produced them all run
 * thousands of times. Every record must equal the one-thread record, in order, with the callback
 * never entered by two threads at once. */
typedef struct {
    int inside;     /* callbacks running now */
    int overlapped; /* a callback started while another was running */
    size_t next, wrong;
    char **ref;     /* the expected records, or NULL to collect them */
} tiny_seen;

static int on_tiny(void *user, const miair_batch_item *it)
{
    tiny_seen *t = user;
    if (__atomic_add_fetch(&t->inside, 1, __ATOMIC_SEQ_CST) != 1)
        t->overlapped = 1;
    if (it->index != t->next++ || it->status != MIAIR_OK || !it->json)
        t->wrong++;
    else if (!t->ref[it->index])
        t->ref[it->index] = strndup(it->json, it->json_len);
    else if (strlen(t->ref[it->index]) != it->json_len || memcmp(t->ref[it->index], it->json, it->json_len) != 0)
        t->wrong++;
    __atomic_sub_fetch(&t->inside, 1, __ATOMIC_SEQ_CST);
    return 0;
}

static void test_many_tiny_documents(void **state)
{
    (void)state;
    enum { N = 6000 };
    char **text = calloc(N, sizeof *text);
    miair_batch_doc *d = calloc(N, sizeof *d);
    for (size_t i = 0; i < N; i++) {
        /* distinct records: different words, counts and a pattern finding every 7th */
        char buf[160];
        int len = snprintf(buf, sizeof buf, "# T%zu\n\nword%zu %s %zu.%s\n", i, i * 7919 % 1000,
                           i % 3 ? "alpha beta" : "gamma", i, i % 7 ? "" : " TODO: fix");
        text[i] = strndup(buf, (size_t)len);
        d[i] = (miair_batch_doc){.kind = MIAIR_DOC_BUFFER, .data = text[i], .len = (size_t)len};
    }
    tiny_seen ref = {.ref = calloc(N, sizeof(char *))};
    miair_batch_options o;
    miair_batch_options_init(&o);
    o.threads = 1;
    o.flags = MIAIR_BATCH_JSON;
    assert_int_equal(miair_batch_run(engine, d, N, &o, on_tiny, &ref, NULL), MIAIR_OK);
    assert_int_equal(ref.wrong, 0);
    assert_int_equal(ref.next, N);
    const size_t windows[] = {0, 1, 2, 5};
    for (int threads = 2; threads <= 8; threads *= 2)
        for (size_t w = 0; w < sizeof windows / sizeof *windows; w++) {
            o.threads = threads;
            o.window = windows[w];
            tiny_seen t = {.ref = ref.ref};
            miair_batch_stats st;
            assert_int_equal(miair_batch_run(engine, d, N, &o, on_tiny, &t, &st), MIAIR_OK);
            if (t.wrong || t.overlapped || t.next != N || st.documents != N)
                fail_msg("threads %d window %zu: %zu wrong, overlapped %d, %zu delivered", threads, windows[w],
                         t.wrong, t.overlapped, t.next);
        }
    for (size_t i = 0; i < N; i++) {
        free(ref.ref[i]);
        free(text[i]);
    }
    free(ref.ref);
    free(text);
    free(d);
}

/* A plan callback sees every document's size before the first item. */
typedef struct {
    size_t n;
    uint64_t total;
    int calls;
    int items_before;
    size_t items;
} plan_seen;

static void on_plan(void *user, size_t n, uint64_t total)
{
    plan_seen *p = user;
    p->n = n;
    p->total = total;
    p->calls++;
    p->items_before = (int)p->items;
}

static int on_plan_item(void *user, const miair_batch_item *it)
{
    (void)it;
    ((plan_seen *)user)->items++;
    return 0;
}

static void test_plan(void **state)
{
    (void)state;
    miair_batch_doc *d = buffer_docs();
    miair_batch_options o;
    miair_batch_options_init(&o);
    o.threads = 2;
    o.on_plan = on_plan;
    plan_seen p = {0};
    assert_int_equal(miair_batch_run(engine, d, n_docs, &o, on_plan_item, &p, NULL), MIAIR_OK);
    uint64_t total = 0;
    for (size_t i = 0; i < n_docs; i++)
        total += docs[i].len;
    assert_int_equal(p.calls, 1);
    assert_int_equal(p.items_before, 0);
    assert_int_equal(p.n, n_docs);
    assert_int_equal(p.total, total);
    assert_int_equal(p.items, n_docs);
    free(d);
}

/* ------------------------------------------------------------ metrics */

static void test_metrics_format(void **state)
{
    (void)state;
    miair_batch_stats s;
    memset(&s, 0, sizeof s);
    s.documents = 7;
    s.analyzed = 6;
    s.errors = 1;
    s.bytes = 12345;
    s.threads = 2;
    s.read_seconds = 0.25;
    s.analyze_seconds = 1.5;
    s.wall_seconds = 1.0;
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(miair_batch_stats_format(&s, MIAIR_STATS_PROMETHEUS, &out, &len), MIAIR_OK);
    assert_int_equal(strlen(out), len);
    assert_non_null(strstr(out, "# TYPE miair_documents_total counter\n"));
    assert_non_null(strstr(out, "miair_documents_total{outcome=\"analyzed\"} 6\n"));
    assert_non_null(strstr(out, "miair_documents_total{outcome=\"error\"} 1\n"));
    assert_non_null(strstr(out, "miair_bytes_total 12345\n"));
    assert_non_null(strstr(out, "miair_errors_total 1\n"));
    assert_non_null(strstr(out, "miair_cache_hits_total 0\n"));
    assert_non_null(strstr(out, "miair_cache_misses_total 0\n"));
    assert_non_null(strstr(out, "0 when no cache is used"));
    assert_non_null(strstr(out, "miair_stage_seconds_total{stage=\"read\"} 0.25\n"));
    assert_non_null(strstr(out, "miair_stage_seconds_total{stage=\"analyze\"} 1.5\n"));
    assert_non_null(strstr(out, "miair_threads 2\n"));
    /* every HELP line is followed by its TYPE line; no HELP repeats */
    assert_null(strstr(strstr(out, "# HELP miair_documents_total") + 1, "# HELP miair_documents_total"));
    miair_free(out);
    assert_int_equal(miair_batch_stats_format(&s, MIAIR_STATS_TABLE, &out, NULL), MIAIR_OK);
    assert_non_null(strstr(out, "documents_analyzed"));
    assert_non_null(strstr(out, "analyze_seconds"));
    miair_free(out);
    assert_int_equal(miair_batch_stats_format(NULL, MIAIR_STATS_TABLE, &out, NULL), MIAIR_ERR_INVALID);
}

/* ------------------------------------------------------------ SPEC section 6 documents */

static const char HEADER[] =
    "# Document Title\n\n## Introduction\n\nThis document provides comprehensive information about the "
    "system architecture and implementation. It covers various aspects, features, and best practices "
    "for optimal usage. \n\n## Main Content\n\n";
static const char CODE[] =
    "\n\n## Code Example\n\n```python\ndef example_function(param1, param2):\n    '''Example function "
    "implementation.'''\n    result = param1 + param2\n    return result\n```\n\n";
static const char END[] = "\n\n## Conclusion\n\nThis concludes the comprehensive documentation.";

static int in_vocab(const char *w, size_t n, seed_complexity c)
{
    static const char *const v[] = {"system", "process", "data", "user", "interface",
                                    "module", "function", "parameter", "configuration", "implementation",
                                    "architecture", "optimization", "performance", "scalability",
                                    "reliability", "security", "authentication", "authorization"};
    size_t k = c == SEED_SIMPLE ? 5 : c == SEED_NORMAL ? 10 : 18;
    for (size_t i = 0; i < k; i++)
        if (strlen(v[i]) == n && memcmp(v[i], w, n) == 0)
            return 1;
    return 0;
}

/* Checks one document against SPEC section 6; returns the words seen. */
static size_t check_seed_doc(const char *d, size_t len, seed_size s, seed_complexity c)
{
    const char *p = d, *end = d + len;
    assert_true(len > sizeof HEADER);
    assert_memory_equal(p, HEADER, sizeof HEADER - 1);
    p += sizeof HEADER - 1;
    size_t paragraphs = seed_size_words(s) / 50, words = 0;
    for (size_t k = 0; k < paragraphs; k++) {
        for (int sent = 0; sent < 5; sent++) {
            if (sent) {
                assert_true(*p == ' ');
                p++;
            }
            for (int w = 0; w < 10; w++) {
                if (w) {
                    assert_true(*p == ' ');
                    p++;
                }
                const char *q = p;
                while (q < end && *q >= 'a' && *q <= 'z')
                    q++;
                assert_true(in_vocab(p, (size_t)(q - p), c));
                words++;
                p = q;
            }
            assert_memory_equal(p, ". ", 2);
            p += 2;
        }
        assert_memory_equal(p, "\n\n", 2);
        p += 2;
    }
    if (c != SEED_SIMPLE) {
        assert_memory_equal(p, CODE, sizeof CODE - 1);
        p += sizeof CODE - 1;
    }
    assert_int_equal((size_t)(end - p), sizeof END - 1);
    assert_memory_equal(p, END, sizeof END - 1);
    return words;
}

static void test_seed_documents(void **state)
{
    (void)state;
    char *buf = malloc(seeddoc_max_bytes(SEED_XLARGE));
    static const size_t approx[SEED_SIZE_COUNT] = {1400, 5100, 19000, 93000}; /* SPEC: normal, about */
    for (int s = 0; s < SEED_SIZE_COUNT; s++)
        for (int c = 0; c < SEED_COMPLEXITY_COUNT; c++) {
            seed_rng r;
            seed_rng_init(&r, 7, 0);
            size_t len = seeddoc_write(buf, (seed_size)s, (seed_complexity)c, &r);
            assert_true(len <= seeddoc_max_bytes((seed_size)s));
            size_t words = check_seed_doc(buf, len, (seed_size)s, (seed_complexity)c);
            assert_int_equal(words, (seed_size_words((seed_size)s) / 50) * 50);
            if (c == SEED_NORMAL) {
                double ratio = (double)len / (double)approx[s];
                if (ratio < 0.85 || ratio > 1.15)
                    fail_msg("%s normal: %zu bytes, SPEC says about %zu", seed_size_name((seed_size)s), len,
                             approx[s]);
            }
            /* deterministic, and distinct per index */
            char *again = malloc(seeddoc_max_bytes((seed_size)s));
            seed_rng_init(&r, 7, 0);
            assert_int_equal(seeddoc_write(again, (seed_size)s, (seed_complexity)c, &r), len);
            assert_memory_equal(again, buf, len);
            seed_rng_init(&r, 7, 1);
            size_t len2 = seeddoc_write(again, (seed_size)s, (seed_complexity)c, &r);
            assert_true(len2 != len || memcmp(again, buf, len) != 0);
            free(again);
        }
    seed_size sz;
    seed_complexity cx;
    assert_int_equal(seed_size_parse("xlarge", &sz), 0);
    assert_int_equal(sz, SEED_XLARGE);
    assert_int_equal(seed_size_parse("huge", &sz), -1);
    assert_int_equal(seed_complexity_parse("complex", &cx), 0);
    assert_int_equal(cx, SEED_COMPLEX);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_documents),
        cmocka_unit_test(test_equal_1_thread),
        cmocka_unit_test(test_equal_2_threads),
        cmocka_unit_test(test_equal_3_threads),
        cmocka_unit_test(test_equal_8_threads),
        cmocka_unit_test(test_small_windows),
        cmocka_unit_test(test_threads_default),
        cmocka_unit_test(test_paths_and_error_isolation),
        cmocka_unit_test(test_too_big_message_and_fd),
        cmocka_unit_test(test_stop),
        cmocka_unit_test(test_many_tiny_documents),
        cmocka_unit_test(test_plan),
        cmocka_unit_test(test_metrics_format),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
