/* Result cache tests (ctest cache_unit): hits and misses, LRU eviction order,
 * TTL with an injected clock, key sensitivity (content, length, config,
 * version), corrupt store files (flipped bytes, truncation, wrong magic,
 * format or version, foreign files), records byte-identical with and without
 * the cache on a few hundred generated documents (the same content under two
 * names included), threads and processes hammering one cache / one store. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <xxhash.h>

#include "cache.h"
#include "miair.h"
#include "seeddoc.h"

static miair_engine *engine;
static miair_digest digest;

/* ------------------------------------------------------------ helpers */

static char *fresh_json(const void *buf, size_t len, const char *id, size_t id_len, size_t *out_len,
                        miair_result **keep)
{
    miair_result *r = NULL;
    assert_int_equal(miair_analyze(engine, buf, len, &r), MIAIR_OK);
    char *j = NULL;
    assert_int_equal(miair_result_to_json(r, id, id_len, &j, out_len), MIAIR_OK);
    if (keep)
        *keep = r;
    else
        miair_result_free(r);
    return j;
}

static void key_of(const char *s, miair_cache_key *k) { miair_cache_key_make(&digest, s, strlen(s), k); }

static void put_doc(miair_cache *c, const char *s)
{
    miair_cache_key k;
    key_of(s, &k);
    miair_result *r = NULL;
    assert_int_equal(miair_analyze(engine, s, strlen(s), &r), MIAIR_OK);
    assert_int_equal(miair_cache_put(c, &k, r), MIAIR_OK);
    miair_result_free(r);
}

/* 1 on a hit (and the record equals a fresh one with id "doc"), 0 on a miss. */
static int has_doc(miair_cache *c, const char *s)
{
    miair_cache_key k;
    key_of(s, &k);
    miair_cached got;
    int hit = -1;
    assert_int_equal(miair_cache_get(c, &k, "doc", 3, 1, &got, &hit), MIAIR_OK);
    if (hit) {
        size_t fl = 0;
        char *f = fresh_json(s, strlen(s), "doc", 3, &fl, NULL);
        assert_int_equal(got.json_len, fl);
        assert_memory_equal(got.json, f, fl);
        assert_int_equal(got.json[got.json_len], '\0');
        miair_free(f);
    } else {
        assert_null(got.json);
    }
    miair_free(got.json);
    return hit;
}

static miair_cache *mem_cache(size_t entries, uint64_t bytes)
{
    miair_cache_options o;
    miair_cache_options_init(&o);
    o.max_entries = entries;
    o.max_bytes = bytes;
    miair_cache *c = NULL;
    assert_int_equal(miair_cache_create(&o, &c), MIAIR_OK);
    return c;
}

static char *make_tmpdir(void)
{
    char *d = strdup("/tmp/miair-cache-test-XXXXXX");
    assert_non_null(mkdtemp(d));
    return d;
}

static void rm_rf(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static miair_cache *store_cache(const char *dir, size_t entries)
{
    miair_cache_options o;
    miair_cache_options_init(&o);
    o.max_entries = entries;
    o.dir = dir;
    miair_cache *c = NULL;
    assert_int_equal(miair_cache_create(&o, &c), MIAIR_OK);
    return c;
}

static miair_cache_stats stats_of(miair_cache *c)
{
    miair_cache_stats s;
    miair_cache_stats_get(c, &s);
    return s;
}

static int setup(void **state)
{
    (void)state;
    if (miair_engine_create(NULL, &engine) != MIAIR_OK)
        return -1;
    return miair_engine_digest(engine, &digest) == MIAIR_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    miair_engine_free(engine);
    return 0;
}

/* ------------------------------------------------------------ basics */

static void test_hit_miss(void **state)
{
    (void)state;
    miair_cache *c = mem_cache(16, 0);
    const char *doc = "# Title\n\nSome text. TODO: more.\n";
    assert_int_equal(has_doc(c, doc), 0);
    put_doc(c, doc);
    assert_int_equal(has_doc(c, doc), 1);
    assert_int_equal(has_doc(c, "# Title\n\nSome text. TODO: more!\n"), 0);

    /* numbers and emptiness */
    miair_cache_key k;
    key_of(doc, &k);
    miair_cached got;
    int hit = 0;
    assert_int_equal(miair_cache_get(c, &k, NULL, 0, 0, &got, &hit), MIAIR_OK);
    assert_int_equal(hit, 1);
    assert_null(got.json);
    miair_result *r = NULL;
    assert_int_equal(miair_analyze(engine, doc, strlen(doc), &r), MIAIR_OK);
    for (int f = 0; f < MIAIR_FIELD_COUNT_; f++)
        assert_memory_equal(&got.number[f], &(double){miair_result_number(r, (miair_field)f)}, sizeof(double));
    assert_int_equal(got.empty, 0);
    miair_result_free(r);

    put_doc(c, "");
    key_of("", &k);
    assert_int_equal(miair_cache_get(c, &k, "e", 1, 1, &got, &hit), MIAIR_OK);
    assert_int_equal(hit, 1);
    assert_int_equal(got.empty, 1);
    miair_free(got.json);

    miair_cache_stats s = stats_of(c);
    assert_int_equal(s.hits, 3);
    assert_int_equal(s.misses, 2);
    assert_int_equal(s.memory_hits, 3);
    assert_int_equal(s.store_hits, 0);
    assert_int_equal(s.insertions, 2);
    assert_int_equal(s.entries, 2);
    assert_true(s.bytes > 0);
    miair_cache_free(c);
}

static void test_invalid(void **state)
{
    (void)state;
    miair_cache *c = NULL;
    miair_cache_options o;
    miair_cache_options_init(&o);
    assert_int_equal(o.max_entries, MIAIR_CACHE_DEFAULT_ENTRIES);
    assert_int_equal(miair_cache_create(&o, NULL), MIAIR_ERR_INVALID);
    o.ttl_seconds = -1;
    assert_int_equal(miair_cache_create(&o, &c), MIAIR_ERR_INVALID);
    o.ttl_seconds = 0;
    o.dir = "";
    assert_int_equal(miair_cache_create(&o, &c), MIAIR_ERR_INVALID);
    o.dir = "/proc/version/nope"; /* cannot be a directory */
    assert_int_equal(miair_cache_create(&o, &c), MIAIR_ERR_IO);
    assert_null(c);
    assert_int_equal(miair_cache_create(NULL, &c), MIAIR_OK);
    miair_cache_key k;
    key_of("x", &k);
    miair_cached got;
    int hit = 7;
    assert_int_equal(miair_cache_get(NULL, &k, "", 0, 1, &got, &hit), MIAIR_ERR_INVALID);
    assert_int_equal(hit, 0);
    assert_int_equal(miair_cache_get(c, &k, NULL, 3, 1, &got, &hit), MIAIR_ERR_INVALID);
    assert_int_equal(miair_cache_put(c, &k, NULL), MIAIR_ERR_INVALID);
    assert_int_equal(miair_engine_digest(NULL, &digest), MIAIR_ERR_INVALID);
    miair_cache_free(c);
    miair_cache_free(NULL);
}

/* ------------------------------------------------------------ LRU */

static void test_lru_order(void **state)
{
    (void)state;
    miair_cache *c = mem_cache(3, 0);
    put_doc(c, "A document.");
    put_doc(c, "B document.");
    put_doc(c, "C document.");
    assert_int_equal(has_doc(c, "A document."), 1); /* A is now the most recent: B is the LRU */
    put_doc(c, "D document.");                      /* evicts B */
    assert_int_equal(stats_of(c).evictions, 1);
    assert_int_equal(has_doc(c, "B document."), 0);
    assert_int_equal(has_doc(c, "C document."), 1); /* order now A, D, C (C newest): A is the LRU */
    put_doc(c, "E document.");                      /* evicts A */
    assert_int_equal(has_doc(c, "A document."), 0);
    assert_int_equal(has_doc(c, "D document."), 1);
    assert_int_equal(has_doc(c, "C document."), 1);
    assert_int_equal(has_doc(c, "E document."), 1);
    miair_cache_stats s = stats_of(c);
    assert_int_equal(s.evictions, 2);
    assert_int_equal(s.entries, 3);
    /* a put of an existing key replaces it without eviction */
    put_doc(c, "C document.");
    assert_int_equal(stats_of(c).evictions, 2);
    assert_int_equal(stats_of(c).entries, 3);
    miair_cache_free(c);

    /* byte capacity: room for about two entries */
    c = mem_cache(1000, 0);
    put_doc(c, "sizing");
    uint64_t one = stats_of(c).bytes;
    miair_cache_free(c);
    c = mem_cache(1000, one * 2 + one / 2);
    put_doc(c, "sizing"); /* same-size records: only the id-free template and fields count */
    put_doc(c, "sizinh");
    put_doc(c, "sizini");
    s = stats_of(c);
    assert_int_equal(s.entries, 2);
    assert_int_equal(s.evictions, 1);
    assert_int_equal(has_doc(c, "sizing"), 0);
    assert_int_equal(has_doc(c, "sizini"), 1);
    miair_cache_free(c);

    /* an entry larger than the byte capacity is not kept; 0 entries = no memory level */
    c = mem_cache(1000, 16);
    put_doc(c, "big");
    assert_int_equal(stats_of(c).entries, 0);
    assert_int_equal(has_doc(c, "big"), 0);
    miair_cache_free(c);
    c = mem_cache(0, 0);
    put_doc(c, "none");
    assert_int_equal(has_doc(c, "none"), 0);
    miair_cache_free(c);
}

/* Many keys, tiny capacity: the table grows and shrinks, the list stays consistent. */
static void test_lru_many(void **state)
{
    (void)state;
    miair_cache *c = mem_cache(100, 0);
    miair_result *r = NULL;
    assert_int_equal(miair_analyze(engine, "x", 1, &r), MIAIR_OK);
    for (uint64_t i = 0; i < 5000; i++) {
        miair_cache_key k;
        miair_cache_key_make(&digest, &i, sizeof i, &k);
        assert_int_equal(miair_cache_put(c, &k, r), MIAIR_OK); /* any record will do here */
    }
    miair_cache_stats s = stats_of(c);
    assert_int_equal(s.entries, 100);
    assert_int_equal(s.evictions, 4900);
    for (uint64_t i = 0; i < 5000; i++) {
        miair_cache_key k;
        miair_cache_key_make(&digest, &i, sizeof i, &k);
        miair_cached got;
        int hit = 0;
        assert_int_equal(miair_cache_get(c, &k, "", 0, 0, &got, &hit), MIAIR_OK);
        assert_int_equal(hit, i >= 4900);
    }
    miair_result_free(r);
    miair_cache_free(c);
}

/* ------------------------------------------------------------ TTL */

static double fake_now;
static double fake_clock(void *user)
{
    (void)user;
    return fake_now;
}

static void test_ttl(void **state)
{
    (void)state;
    miair_cache_options o;
    miair_cache_options_init(&o);
    o.ttl_seconds = 10;
    o.clock = fake_clock;
    fake_now = 100;
    miair_cache *c = NULL;
    assert_int_equal(miair_cache_create(&o, &c), MIAIR_OK);
    put_doc(c, "old");
    fake_now = 105;
    put_doc(c, "young");
    fake_now = 109.5;
    assert_int_equal(has_doc(c, "old"), 1); /* 9.5 s: fresh (a hit does not renew) */
    fake_now = 110;
    assert_int_equal(has_doc(c, "old"), 0); /* 10 s: expired */
    assert_int_equal(has_doc(c, "young"), 1);
    miair_cache_stats s = stats_of(c);
    assert_int_equal(s.expirations, 1);
    assert_int_equal(s.entries, 1);
    fake_now = 1000;
    assert_int_equal(has_doc(c, "young"), 0);
    put_doc(c, "young"); /* a new put starts a new life */
    assert_int_equal(has_doc(c, "young"), 1);
    assert_int_equal(stats_of(c).expirations, 2);
    miair_cache_free(c);

    /* with a store, an expired memory entry falls back to the store (files do not expire) */
    char *dir = make_tmpdir();
    o.dir = dir;
    fake_now = 0;
    assert_int_equal(miair_cache_create(&o, &c), MIAIR_OK);
    put_doc(c, "stored");
    fake_now = 50;
    assert_int_equal(has_doc(c, "stored"), 1);
    s = stats_of(c);
    assert_int_equal(s.expirations, 1);
    assert_int_equal(s.store_hits, 1);
    assert_int_equal(has_doc(c, "stored"), 1); /* back in memory, born at 50 */
    assert_int_equal(stats_of(c).memory_hits, 1);
    miair_cache_free(c);
    rm_rf(dir);
    free(dir);
}

/* ------------------------------------------------------------ keys */

static int key_eq(const miair_cache_key *a, const miair_cache_key *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

static void test_key_sensitivity(void **state)
{
    (void)state;
    miair_cache_key a, b;
    const char text[] = "Some document text.\n";
    miair_cache_key_make(&digest, text, sizeof text - 1, &a);
    miair_cache_key_make(&digest, text, sizeof text - 1, &b);
    assert_true(key_eq(&a, &b));
    assert_memory_equal(a.engine.bytes, digest.bytes, 16);
    /* content: every single-bit flip changes the key */
    char copy[sizeof text];
    for (size_t i = 0; i + 1 < sizeof text; i++)
        for (int bit = 0; bit < 8; bit++) {
            memcpy(copy, text, sizeof text);
            copy[i] ^= (char)(1 << bit);
            miair_cache_key_make(&digest, copy, sizeof text - 1, &b);
            assert_false(key_eq(&a, &b));
        }
    /* length: a trailing NUL byte is content */
    miair_cache_key_make(&digest, text, sizeof text, &b);
    assert_false(key_eq(&a, &b));
    miair_cache_key e0, e1;
    miair_cache_key_make(&digest, NULL, 0, &e0);
    miair_cache_key_make(&digest, "", 0, &e1);
    assert_true(key_eq(&e0, &e1));
    miair_cache_key_make(&digest, "\0", 1, &e1);
    assert_false(key_eq(&e0, &e1));
    /* version */
    miair_cache_key_make_version(&digest, miair_version(), text, sizeof text - 1, &b);
    assert_true(key_eq(&a, &b));
    miair_cache_key_make_version(&digest, "0.0.0-other", text, sizeof text - 1, &b);
    assert_false(key_eq(&a, &b));
    assert_memory_equal(a.engine.bytes, b.engine.bytes, 16);

    /* config: a second engine with the same config has the same digest; any change differs */
    miair_config cfg;
    miair_config_init(&cfg);
    miair_engine *e2 = NULL;
    miair_digest d2;
    assert_int_equal(miair_engine_create(&cfg, &e2), MIAIR_OK);
    assert_int_equal(miair_engine_digest(e2, &d2), MIAIR_OK);
    assert_memory_equal(d2.bytes, digest.bytes, 16);
    miair_engine_free(e2);
    miair_digest seen[8];
    int n = 0;
    seen[n++] = digest;
    for (int v = 0; v < 4; v++) {
        miair_config_init(&cfg);
        if (v < 3) {
            cfg.weights[v] = 0.4;
            cfg.weights[3] = v == 0 ? 0.1 : 0.25;
        } else {
            cfg.has_last_updated = 1;
        }
        assert_int_equal(miair_engine_create(&cfg, &e2), MIAIR_OK);
        assert_int_equal(miair_engine_digest(e2, &d2), MIAIR_OK);
        for (int i = 0; i < n; i++)
            assert_memory_not_equal(d2.bytes, seen[i].bytes, 16);
        seen[n++] = d2;
        miair_cache_key_make(&d2, text, sizeof text - 1, &b);
        assert_false(key_eq(&a, &b));
        miair_engine_free(e2);
    }
    /* has_last_updated is a flag: 1 and 7 configure the same engine */
    miair_config_init(&cfg);
    cfg.has_last_updated = 7;
    assert_int_equal(miair_engine_create(&cfg, &e2), MIAIR_OK);
    assert_int_equal(miair_engine_digest(e2, &d2), MIAIR_OK);
    assert_memory_equal(d2.bytes, seen[4].bytes, 16);
    miair_engine_free(e2);

    /* an entry put under one engine is not found under another */
    miair_cache *c = mem_cache(16, 0);
    put_doc(c, text);
    miair_cache_key_make(&seen[4], text, sizeof text - 1, &b);
    miair_cached got;
    int hit = 1;
    assert_int_equal(miair_cache_get(c, &b, "", 0, 1, &got, &hit), MIAIR_OK);
    assert_int_equal(hit, 0);
    /* same hash, other engine digest in the key: not the same key either */
    b = a;
    b.engine = seen[1];
    assert_int_equal(miair_cache_get(c, &b, "", 0, 1, &got, &hit), MIAIR_OK);
    assert_int_equal(hit, 0);
    assert_int_equal(has_doc(c, text), 1);
    miair_cache_free(c);
}

/* ------------------------------------------------------------ store files */

static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    uint8_t *b = malloc(1 << 20);
    *n = fread(b, 1, 1 << 20, f);
    fclose(f);
    return b;
}

static void spit(const char *path, const uint8_t *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static void put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Header offsets (docs/cache.md). */
enum { O_MAGIC = 0, O_FORMAT = 8, O_HSIZE = 12, O_VERSION = 16, O_ENGINE = 40, O_KEY = 56, O_PLEN = 72, O_PSUM = 80,
       O_HSUM = 88 };

static void fix_header_sum(uint8_t *b) { put_le64(b + O_HSUM, XXH3_64bits(b, O_HSUM)); }

/* A fresh cache (empty memory) on dir: looking doc up gives `want` hit, and
 * the corrupt counter moved by `corrupt`. */
static void expect_store(const char *dir, const char *doc, int want, uint64_t corrupt)
{
    miair_cache *c = store_cache(dir, 16);
    assert_int_equal(has_doc(c, doc), want);
    miair_cache_stats s = stats_of(c);
    assert_int_equal(s.corrupt, corrupt);
    assert_int_equal(s.store_hits, (uint64_t)want);
    assert_int_equal(s.misses, (uint64_t)!want);
    miair_cache_free(c);
}

static void test_store_roundtrip(void **state)
{
    (void)state;
    char *dir = make_tmpdir();
    char sub[600];
    snprintf(sub, sizeof sub, "%s/new/deeper", dir);
    const char *doc = "# Stored\n\nA document for the store. FIXME\n";
    miair_cache *c = store_cache(sub, 0); /* store only */
    assert_int_equal(has_doc(c, doc), 0);
    put_doc(c, doc);
    miair_cache_stats s = stats_of(c);
    assert_int_equal(s.store_writes, 1);
    assert_int_equal(s.store_errors, 0);
    assert_int_equal(s.entries, 0);
    assert_int_equal(has_doc(c, doc), 1);
    assert_int_equal(stats_of(c).store_hits, 1);

    /* the layout: DIR/xx/HASH, CACHEDIR.TAG, no temporary files left */
    miair_cache_key k;
    key_of(doc, &k);
    char path[800];
    assert_int_equal(miair_cache_path(c, &k, path, sizeof path), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    const char *base = strrchr(path, '/') + 1;
    assert_int_equal(strlen(base), 32);
    assert_memory_equal(base - 3, base, 2);
    char tag[700];
    snprintf(tag, sizeof tag, "%s/CACHEDIR.TAG", sub);
    assert_int_equal(stat(tag, &st), 0);
    char cmd[900];
    snprintf(cmd, sizeof cmd, "test -z \"$(find '%s' -name '.tmp-*')\"", sub);
    assert_int_equal(system(cmd), 0);
    miair_cache_free(c);

    /* a new process-like cache finds it; its memory level then holds it */
    c = store_cache(sub, 16);
    assert_int_equal(has_doc(c, doc), 1);
    assert_int_equal(has_doc(c, doc), 1);
    s = stats_of(c);
    assert_int_equal(s.store_hits, 1);
    assert_int_equal(s.memory_hits, 1);
    assert_int_equal(s.entries, 1);
    miair_cache_free(c);

    /* an unwritable store: puts are counted as errors, not failures */
    if (geteuid() != 0) {
        c = store_cache(sub, 16);
        snprintf(cmd, sizeof cmd, "chmod -R a-w '%s'", sub);
        assert_int_equal(system(cmd), 0);
        put_doc(c, "another document");
        assert_int_equal(stats_of(c).store_errors, 1);
        assert_int_equal(has_doc(c, "another document"), 1); /* memory still works */
        snprintf(cmd, sizeof cmd, "chmod -R u+w '%s'", sub);
        assert_int_equal(system(cmd), 0);
        miair_cache_free(c);
    }
    rm_rf(dir);
    free(dir);
}

static void test_store_corrupt(void **state)
{
    (void)state;
    char *dir = make_tmpdir();
    const char *doc = "# Corruption\n\nEvery byte of this entry is checked.\n";
    const char *other = "Another document.";
    miair_cache *c = store_cache(dir, 0);
    put_doc(c, doc);
    put_doc(c, other);
    miair_cache_key k, ko;
    key_of(doc, &k);
    key_of(other, &ko);
    char path[600], opath[600];
    assert_int_equal(miair_cache_path(c, &k, path, sizeof path), 0);
    assert_int_equal(miair_cache_path(c, &ko, opath, sizeof opath), 0);
    miair_cache_free(c);
    size_t n = 0, on = 0;
    uint8_t *good = slurp(path, &n);
    uint8_t *ogood = slurp(opath, &on);
    assert_true(n > MIAIR_CACHE_HEADER_BYTES);
    assert_memory_equal(good, MIAIR_CACHE_MAGIC, 8);
    expect_store(dir, doc, 1, 0);

    uint8_t *b = malloc(n + 16);
    /* every single byte flipped, header and payload: never trusted */
    for (size_t i = 0; i < n; i += (i < MIAIR_CACHE_HEADER_BYTES + 64 ? 1 : 97)) {
        memcpy(b, good, n);
        b[i] ^= 0x20;
        spit(path, b, n);
        expect_store(dir, doc, 0, 1);
    }
    /* truncated anywhere, or one byte longer */
    size_t cuts[] = {0, 1, 7, 8, 50, MIAIR_CACHE_HEADER_BYTES - 1, MIAIR_CACHE_HEADER_BYTES,
                     MIAIR_CACHE_HEADER_BYTES + 1, n / 2, n - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        spit(path, good, cuts[i]);
        expect_store(dir, doc, 0, 1);
    }
    memcpy(b, good, n);
    b[n] = '\n';
    spit(path, b, n + 1);
    expect_store(dir, doc, 0, 1);
    /* wrong magic, with a consistent header checksum */
    memcpy(b, good, n);
    memcpy(b + O_MAGIC, "NOTMIAIR", 8);
    fix_header_sum(b);
    spit(path, b, n);
    expect_store(dir, doc, 0, 1);
    /* wrong format version */
    memcpy(b, good, n);
    b[O_FORMAT] = (uint8_t)(MIAIR_CACHE_FORMAT + 1);
    fix_header_sum(b);
    spit(path, b, n);
    expect_store(dir, doc, 0, 1);
    /* wrong header size */
    memcpy(b, good, n);
    b[O_HSIZE] = 64;
    fix_header_sum(b);
    spit(path, b, n);
    expect_store(dir, doc, 0, 1);
    /* wrong engine version string */
    memcpy(b, good, n);
    memset(b + O_VERSION, 0, 24);
    memcpy(b + O_VERSION, "9.9.9", 5);
    fix_header_sum(b);
    spit(path, b, n);
    expect_store(dir, doc, 0, 1);
    /* wrong engine digest */
    memcpy(b, good, n);
    b[O_ENGINE + 3] ^= 1;
    fix_header_sum(b);
    spit(path, b, n);
    expect_store(dir, doc, 0, 1);
    /* a payload changed with its checksum fixed up too: the length fields must still agree */
    memcpy(b, good, n);
    put_le64(b + O_PLEN, n - MIAIR_CACHE_HEADER_BYTES - 1);
    fix_header_sum(b);
    spit(path, b, n);
    expect_store(dir, doc, 0, 1);
    /* a payload with a consistent checksum but a bad field count */
    memcpy(b, good, n);
    b[MIAIR_CACHE_HEADER_BYTES] ^= 1;
    put_le64(b + O_PSUM, XXH3_64bits(b + MIAIR_CACHE_HEADER_BYTES, n - MIAIR_CACHE_HEADER_BYTES));
    fix_header_sum(b);
    spit(path, b, n);
    expect_store(dir, doc, 0, 1);
    /* foreign: another key's (valid) file under this key's name */
    spit(path, ogood, on);
    expect_store(dir, doc, 0, 1);
    expect_store(dir, other, 1, 0);
    /* not a regular file: a directory, a symbolic link */
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mkdir(path, 0700), 0);
    expect_store(dir, doc, 0, 1);
    assert_int_equal(rmdir(path), 0);
    assert_int_equal(symlink(opath, path), 0);
    expect_store(dir, doc, 0, 1);
    assert_int_equal(unlink(path), 0);
    /* gone: a plain miss, not corrupt */
    expect_store(dir, doc, 0, 0);
    /* after a corrupt file, a put replaces it */
    spit(path, good, n / 2);
    c = store_cache(dir, 16);
    assert_int_equal(has_doc(c, doc), 0);
    put_doc(c, doc);
    miair_cache_free(c);
    size_t n2 = 0;
    uint8_t *again = slurp(path, &n2);
    assert_int_equal(n2, n);
    assert_memory_equal(again, good, n); /* the same bytes: writes are deterministic */
    expect_store(dir, doc, 1, 0);
    free(again);
    free(b);
    free(good);
    free(ogood);
    rm_rf(dir);
    free(dir);
}

/* ------------------------------------------------------------ byte-identical output */

typedef struct {
    char *data;
    size_t len;
    char id[64];
} tdoc;

static tdoc *tdocs;
static size_t n_tdocs;

static void add_tdoc(const void *p, size_t n, const char *id)
{
    tdocs = realloc(tdocs, (n_tdocs + 1) * sizeof *tdocs);
    tdoc *d = &tdocs[n_tdocs++];
    d->data = malloc(n ? n : 1);
    memcpy(d->data, p, n);
    d->len = n;
    snprintf(d->id, sizeof d->id, "%s", id);
}

static void build_corpus(void)
{
    if (n_tdocs)
        return;
    seed_rng r;
    char *buf = malloc(seeddoc_max_bytes(SEED_LARGE));
    char id[64];
    unsigned k = 0;
    for (int rep = 0; rep < 30; rep++)
        for (int s = SEED_SMALL; s <= SEED_LARGE; s++)
            for (int cx = 0; cx < SEED_COMPLEXITY_COUNT; cx++) {
                seed_rng_init(&r, 77, k);
                snprintf(id, sizeof id, "gen/%s-%s-%u.md", seed_size_name((seed_size)s),
                         seed_complexity_name((seed_complexity)cx), k++);
                add_tdoc(buf, seeddoc_write(buf, (seed_size)s, (seed_complexity)cx, &r), id);
            }
    static const char *const special[] = {
        "", " ", "\n\n\n", "x", "# T\n\n## Introduction\n\nTODO: this. [tbd]\n",
        "bad \xff\xfe utf8 \xc0\x80 and \xed\xa0\x80 surrogate\n", "\xf0\x9f\x98",
        "caf\xc3\xa9 na\xc3\xafve \xc4\xb0stanbul \xce\xa3\xce\x9f\xce\xa3 \xe6\x97\xa5\xe6\x9c\xac",
        "```\ncode without language\n```\nFirst, Second, 1) 2) obviously simply.",
        "\"quotes\" and \\backslashes\\ and \t tabs \x01\x1f controls",
    };
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++) {
        snprintf(id, sizeof id, "special/%zu.md", i);
        add_tdoc(special[i], strlen(special[i]), id);
    }
    add_tdoc("nul\0byte\0text\n", 14, "nul.txt");
    for (int i = 0; i < 20; i++) {
        seed_rng_init(&r, 78, (uint64_t)i);
        size_t n = (size_t)(seed_rng_next(&r) % 3000);
        for (size_t j = 0; j < n; j++)
            buf[j] = (char)(seed_rng_next(&r) & 0xff);
        snprintf(id, sizeof id, "random/%d.bin", i);
        add_tdoc(buf, n, id);
    }
    /* the same content under other names, ids that need escaping */
    size_t base = n_tdocs;
    static const char *const odd_ids[] = {"copy \"quoted\".md", "back\\slash.md", "tab\there.md", "ctl\x01.md",
                                          "bad\xff utf8.md", "\xc3\xa9t\xc3\xa9.md", "", "-"};
    for (size_t i = 0; i < base; i += 7) {
        const char *nm = odd_ids[(i / 7) % (sizeof odd_ids / sizeof odd_ids[0])];
        snprintf(id, sizeof id, "%s%s", nm, i % 2 ? "" : "/twin");
        add_tdoc(tdocs[i].data, tdocs[i].len, id);
    }
    free(buf);
}

typedef struct {
    char **json;
    size_t *len;
    double (*num)[MIAIR_FIELD_COUNT_];
    int *cached;
    size_t n;
} collected;

static int collect(void *user, const miair_batch_item *it)
{
    collected *c = user;
    assert_int_equal(it->index, c->n);
    assert_int_equal(it->status, MIAIR_OK);
    size_t i = c->n++;
    if (it->json) {
        c->json[i] = malloc(it->json_len + 1);
        memcpy(c->json[i], it->json, it->json_len + 1);
        c->len[i] = it->json_len;
    }
    for (int f = 0; f < MIAIR_FIELD_COUNT_; f++)
        c->num[i][f] = miair_batch_item_number(it, (miair_field)f);
    c->cached[i] = miair_batch_item_cached(it);
    assert_int_equal(c->cached[i], it->result == NULL);
    assert_true(isnan(miair_batch_item_number(it, MIAIR_FIELD_COUNT_)));
    return 0;
}

static void collected_init(collected *c, size_t n)
{
    c->json = calloc(n, sizeof *c->json);
    c->len = calloc(n, sizeof *c->len);
    c->num = calloc(n, sizeof *c->num);
    c->cached = calloc(n, sizeof *c->cached);
    c->n = 0;
}

static void collected_free(collected *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->json[i]);
    free(c->json);
    free(c->len);
    free(c->num);
    free(c->cached);
}

static miair_batch_doc *batch_docs(void)
{
    miair_batch_doc *d = calloc(n_tdocs, sizeof *d);
    for (size_t i = 0; i < n_tdocs; i++) {
        d[i].kind = MIAIR_DOC_BUFFER;
        d[i].data = tdocs[i].data;
        d[i].len = tdocs[i].len;
        d[i].id = tdocs[i].id;
    }
    return d;
}

static void run_batch(miair_cache *c, const miair_batch_doc *d, unsigned flags, int threads, collected *out,
                      miair_batch_stats *st)
{
    miair_batch_options o;
    miair_batch_options_init(&o);
    o.threads = threads;
    o.flags = flags;
    collected_init(out, n_tdocs);
    miair_status rc = c ? miair_batch_run_cached(engine, c, d, n_tdocs, &o, collect, out, st)
                        : miair_batch_run(engine, d, n_tdocs, &o, collect, out, st);
    assert_int_equal(rc, MIAIR_OK);
    assert_int_equal(out->n, n_tdocs);
}

static void assert_same(const collected *a, const collected *b)
{
    for (size_t i = 0; i < n_tdocs; i++) {
        assert_int_equal(a->len[i], b->len[i]);
        if (a->json[i] || b->json[i])
            assert_memory_equal(a->json[i], b->json[i], a->len[i]);
        assert_memory_equal(a->num[i], b->num[i], sizeof a->num[i]);
    }
}

static void test_identical_output(void **state)
{
    (void)state;
    build_corpus();
    assert_true(n_tdocs > 300);
    miair_batch_doc *d = batch_docs();
    size_t twins = 0;
    for (size_t i = 0; i < n_tdocs; i++)
        twins += strstr(tdocs[i].id, "twin") != NULL;
    assert_true(twins > 10);

    collected ref, one, two, three, plain;
    miair_batch_stats st;
    run_batch(NULL, d, MIAIR_BATCH_JSON, 2, &ref, &st);
    assert_int_equal(st.cache_hits + st.cache_misses, 0);
    /* every reference record equals miair_result_to_json of a sequential analysis */
    for (size_t i = 0; i < n_tdocs; i += 11) {
        size_t fl = 0;
        char *f = fresh_json(tdocs[i].data, tdocs[i].len, tdocs[i].id, strlen(tdocs[i].id), &fl, NULL);
        assert_int_equal(fl, ref.len[i]);
        assert_memory_equal(f, ref.json[i], fl);
        miair_free(f);
    }

    char *dir = make_tmpdir();
    miair_cache *c = store_cache(dir, 4096);
    /* first pass: misses, except repeated content (memory hits) */
    run_batch(c, d, MIAIR_BATCH_JSON, 2, &one, &st);
    assert_same(&ref, &one);
    assert_int_equal(st.cache_hits + st.cache_misses, n_tdocs);
    assert_true(st.cache_hits >= 1);
    assert_true(st.analyzed == n_tdocs);
    /* second pass, same cache: all hits from memory */
    run_batch(c, d, MIAIR_BATCH_JSON, 2, &two, &st);
    assert_same(&ref, &two);
    assert_int_equal(st.cache_hits, n_tdocs);
    assert_int_equal(st.cache_misses, 0);
    for (size_t i = 0; i < n_tdocs; i++)
        assert_true(two.cached[i]);
    miair_cache_stats cs = stats_of(c);
    assert_int_equal(cs.corrupt, 0);
    assert_int_equal(cs.store_errors, 0);
    miair_cache_free(c);

    /* third pass, a new cache on the same store (as a new process): all store hits */
    c = store_cache(dir, 0);
    run_batch(c, d, MIAIR_BATCH_JSON, 3, &three, &st);
    assert_same(&ref, &three);
    assert_int_equal(st.cache_hits, n_tdocs);
    cs = stats_of(c);
    assert_int_equal(cs.store_hits, n_tdocs);
    assert_int_equal(cs.corrupt, 0);
    /* without JSON (the table format): numbers only, from the cache */
    run_batch(c, d, 0, 1, &plain, &st);
    assert_int_equal(st.cache_hits, n_tdocs);
    for (size_t i = 0; i < n_tdocs; i++) {
        assert_null(plain.json[i]);
        assert_memory_equal(plain.num[i], ref.num[i], sizeof ref.num[i]);
    }
    miair_cache_free(c);
    collected_free(&plain);

    /* without JSON on a cold cache: the misses are stored (serialized by the cache) and then match */
    rm_rf(dir);
    c = store_cache(dir, 64);
    run_batch(c, d, 0, 2, &plain, &st);
    assert_int_equal(st.cache_hits + st.cache_misses, n_tdocs);
    collected_free(&plain);
    miair_cache_free(c);
    c = store_cache(dir, 64);
    collected_free(&three);
    run_batch(c, d, MIAIR_BATCH_JSON, 2, &three, &st);
    assert_same(&ref, &three);
    assert_int_equal(st.cache_hits, n_tdocs);
    miair_cache_free(c);

    /* metrics text */
    char *text = NULL;
    assert_int_equal(miair_cache_stats_format(&cs, MIAIR_STATS_PROMETHEUS, &text, NULL), MIAIR_OK);
    assert_non_null(strstr(text, "# TYPE miair_cache_corrupt_total counter\nmiair_cache_corrupt_total 0\n"));
    assert_non_null(strstr(text, "miair_cache_evictions_total "));
    assert_non_null(strstr(text, "miair_cache_level_hits_total{level=\"store\"} "));
    miair_free(text);
    assert_int_equal(miair_cache_stats_format(&cs, MIAIR_STATS_TABLE, &text, NULL), MIAIR_OK);
    assert_non_null(strstr(text, "cache_corrupt "));
    miair_free(text);
    assert_int_equal(miair_cache_stats_format(NULL, MIAIR_STATS_TABLE, &text, NULL), MIAIR_ERR_INVALID);

    collected_free(&ref);
    collected_free(&one);
    collected_free(&two);
    collected_free(&three);
    free(d);
    rm_rf(dir);
    free(dir);
}

/* Error items and documents that fail keep their behaviour with a cache. */
static void test_batch_errors(void **state)
{
    (void)state;
    miair_cache *c = mem_cache(16, 0);
    miair_batch_doc d[3];
    memset(d, 0, sizeof d);
    d[0].kind = MIAIR_DOC_ERROR;
    d[0].error = "boom";
    d[0].id = "e";
    d[1].kind = MIAIR_DOC_PATH;
    d[1].path = "/nonexistent/miair/cache/test";
    d[2].kind = MIAIR_DOC_BUFFER;
    d[2].data = "ok";
    d[2].len = 2;
    d[2].id = "ok";
    miair_batch_options o;
    miair_batch_options_init(&o);
    o.flags = MIAIR_BATCH_JSON;
    miair_batch_stats st;
    assert_int_equal(miair_batch_run_cached(engine, c, d, 3, &o, NULL, NULL, &st), MIAIR_OK);
    assert_int_equal(st.errors, 2);
    assert_int_equal(st.cache_misses, 1);
    assert_int_equal(st.cache_hits, 0);
    assert_int_equal(miair_batch_run_cached(engine, c, d, 3, &o, NULL, NULL, &st), MIAIR_OK);
    assert_int_equal(st.cache_hits, 1);
    assert_int_equal(st.cache_misses, 0);
    assert_int_equal(st.analyzed, 1);
    assert_int_equal(st.patterns_ran, 1);
    /* no cache: the plain batch */
    assert_int_equal(miair_batch_run_cached(engine, NULL, d, 3, &o, NULL, NULL, &st), MIAIR_OK);
    assert_int_equal(st.cache_hits + st.cache_misses, 0);
    miair_cache_free(c);
}

/* ------------------------------------------------------------ concurrency */

#define HAMMER_KEYS 64
#define HAMMER_THREADS 8
#define HAMMER_OPS 3000

typedef struct {
    miair_cache *c;
    miair_result *r[HAMMER_KEYS];
    char *expect[HAMMER_KEYS];
    size_t expect_len[HAMMER_KEYS];
    miair_cache_key k[HAMMER_KEYS];
} hammer_ctx;

typedef struct {
    hammer_ctx *h;
    unsigned seed;
    int bad;
    uint64_t hits;
} hammer_arg;

static void *hammer(void *p)
{
    hammer_arg *a = p;
    hammer_ctx *h = a->h;
    for (int i = 0; i < HAMMER_OPS; i++) {
        a->seed = a->seed * 1103515245u + 12345u;
        unsigned k = (a->seed >> 8) % HAMMER_KEYS;
        if ((a->seed >> 20) % 3 == 0) {
            if (miair_cache_put(h->c, &h->k[k], h->r[k]) != MIAIR_OK)
                a->bad++;
        } else {
            miair_cached got;
            int hit = 0;
            if (miair_cache_get(h->c, &h->k[k], "hammer", 6, 1, &got, &hit) != MIAIR_OK)
                a->bad++;
            if (hit) {
                a->hits++;
                if (got.json_len != h->expect_len[k] || memcmp(got.json, h->expect[k], got.json_len) != 0)
                    a->bad++;
            }
            miair_free(got.json);
        }
    }
    return NULL;
}

static void hammer_prepare(hammer_ctx *h)
{
    for (int k = 0; k < HAMMER_KEYS; k++) {
        char doc[128];
        int n = snprintf(doc, sizeof doc, "# Doc %d\n\nText number %d. TODO %d\n", k, k * 7, k);
        h->expect[k] = fresh_json(doc, (size_t)n, "hammer", 6, &h->expect_len[k], &h->r[k]);
        miair_cache_key_make(&digest, doc, (size_t)n, &h->k[k]);
    }
}

static void hammer_release(hammer_ctx *h)
{
    for (int k = 0; k < HAMMER_KEYS; k++) {
        miair_result_free(h->r[k]);
        miair_free(h->expect[k]);
    }
}

static void run_hammer(hammer_ctx *h)
{
    pthread_t t[HAMMER_THREADS];
    hammer_arg a[HAMMER_THREADS];
    for (int i = 0; i < HAMMER_THREADS; i++) {
        a[i] = (hammer_arg){h, (unsigned)(i * 7919 + 1), 0, 0};
        assert_int_equal(pthread_create(&t[i], NULL, hammer, &a[i]), 0);
    }
    uint64_t hits = 0;
    for (int i = 0; i < HAMMER_THREADS; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        assert_int_equal(a[i].bad, 0);
        hits += a[i].hits;
    }
    miair_cache_stats s = stats_of(h->c);
    assert_int_equal(s.hits, hits);
    assert_int_equal(s.memory_hits + s.store_hits, s.hits);
    assert_int_equal(s.corrupt, 0);
    assert_true(s.hits > 0);
}

static void test_threads(void **state)
{
    (void)state;
    hammer_ctx h;
    memset(&h, 0, sizeof h);
    hammer_prepare(&h);
    /* memory only, capacity below the key count: constant evictions */
    h.c = mem_cache(HAMMER_KEYS / 4, 0);
    run_hammer(&h);
    miair_cache_stats s = stats_of(h.c);
    assert_true(s.evictions > 0);
    assert_true(s.entries <= HAMMER_KEYS / 4);
    miair_cache_free(h.c);
    /* with a store and a TTL */
    char *dir = make_tmpdir();
    miair_cache_options o;
    miair_cache_options_init(&o);
    o.max_entries = HAMMER_KEYS / 8;
    o.ttl_seconds = 0.0005;
    o.dir = dir;
    assert_int_equal(miair_cache_create(&o, &h.c), MIAIR_OK);
    run_hammer(&h);
    s = stats_of(h.c);
    assert_true(s.store_hits > 0);
    assert_int_equal(s.store_errors, 0);
    miair_cache_free(h.c);
    rm_rf(dir);
    free(dir);
    hammer_release(&h);
}

/* Two writer processes and a reader on one store: never a corrupt entry. */
static void test_processes(void **state)
{
    (void)state;
    hammer_ctx h;
    memset(&h, 0, sizeof h);
    hammer_prepare(&h);
    char *dir = make_tmpdir();
    pid_t kids[2];
    for (int p = 0; p < 2; p++) {
        kids[p] = fork();
        assert_true(kids[p] >= 0);
        if (kids[p] == 0) {
            miair_cache *c = NULL;
            miair_cache_options o;
            miair_cache_options_init(&o);
            o.max_entries = 0;
            o.dir = dir;
            if (miair_cache_create(&o, &c) != MIAIR_OK)
                _exit(1);
            for (int round = 0; round < 30; round++)
                for (int k = 0; k < HAMMER_KEYS; k++)
                    if (miair_cache_put(c, &h.k[k], h.r[k]) != MIAIR_OK)
                        _exit(2);
            miair_cache_stats s;
            miair_cache_stats_get(c, &s);
            miair_cache_free(c);
            _exit(s.store_errors == 0 ? 0 : 3);
        }
    }
    miair_cache *c = store_cache(dir, 0);
    int alive = 2;
    uint64_t reads = 0;
    while (alive > 0) {
        for (int k = 0; k < HAMMER_KEYS; k++) {
            miair_cached got;
            int hit = 0;
            assert_int_equal(miair_cache_get(c, &h.k[k], "hammer", 6, 1, &got, &hit), MIAIR_OK);
            if (hit) {
                assert_int_equal(got.json_len, h.expect_len[k]);
                assert_memory_equal(got.json, h.expect[k], got.json_len);
            }
            miair_free(got.json);
            reads++;
        }
        int status;
        for (int p = 0; p < 2; p++)
            if (kids[p] > 0 && waitpid(kids[p], &status, WNOHANG) == kids[p]) {
                assert_true(WIFEXITED(status));
                assert_int_equal(WEXITSTATUS(status), 0);
                kids[p] = 0;
                alive--;
            }
    }
    miair_cache_stats s = stats_of(c);
    assert_int_equal(s.corrupt, 0);
    for (int k = 0; k < HAMMER_KEYS; k++) {
        miair_cached got;
        int hit = 0;
        assert_int_equal(miair_cache_get(c, &h.k[k], "hammer", 6, 1, &got, &hit), MIAIR_OK);
        assert_int_equal(hit, 1);
        miair_free(got.json);
    }
    assert_true(reads > 0);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "test -z \"$(find '%s' -name '.tmp-*')\"", dir);
    assert_int_equal(system(cmd), 0);
    miair_cache_free(c);
    rm_rf(dir);
    free(dir);
    hammer_release(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hit_miss),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_lru_order),
        cmocka_unit_test(test_lru_many),
        cmocka_unit_test(test_ttl),
        cmocka_unit_test(test_key_sensitivity),
        cmocka_unit_test(test_store_roundtrip),
        cmocka_unit_test(test_store_corrupt),
        cmocka_unit_test(test_identical_output),
        cmocka_unit_test(test_batch_errors),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_processes),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    for (size_t i = 0; i < n_tdocs; i++)
        free(tdocs[i].data);
    free(tdocs);
    return rc;
}
