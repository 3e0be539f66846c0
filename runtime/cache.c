/* cache: the content-addressed result cache (include/miair.h, "Cache";
 * docs/cache.md).
 *
 * Keys. XXH3-128 over the document bytes, their length (u64), the engine
 * version string and the engine digest. The engine digest hashes the
 * configuration, the rule texts, the PCRE2-serialized compiled regexes and
 * the bytes of the loaded library's read-only segments (code and constants),
 * so a different build never trusts another build's records.
 *
 * Entries. The record serialized with an empty document_id (a template) plus
 * the offset where the escaped id goes, and the numeric fields. The escaped
 * id is whatever miair_error_to_json() writes between the quotes of
 * "document_id" (the same writer as miair_result_to_json()), so a record
 * rebuilt from the template is byte-identical to a fresh one.
 *
 * In-process level: a chained hash table plus a doubly-linked LRU list under
 * one mutex; capacity in entries and bytes; a TTL checked on lookup against
 * an injectable clock.
 *
 * Store: DIR/xx/HASH, one file per key: a 96-byte header (magic, format,
 * header size, engine version, engine digest, key, payload length, payload
 * XXH3-64, header XXH3-64) and the payload (fields, id offset, template).
 * Written to DIR/xx/.tmp-HASH-PID-N (O_EXCL) and renamed over the final name,
 * so readers see a whole old file or a whole new one, never a mix, however
 * many processes write. Every check failing on read counts as corrupt. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* dl_iterate_phdr */
#endif
#include "cache.h"

#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "batch.h"
#include "internal.h"
#include "metrics.h"

#define CACHE_BUCKETS_MIN 64
#define CACHE_READ_STACK 16384 /* stored files up to this size are read without malloc */

/* ------------------------------------------------------------------ little-endian fields */

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_u32(const uint8_t *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

/* ------------------------------------------------------------------ digests */

static void upd(XXH3_state_t *st, const void *p, size_t n)
{
    if (n)
        XXH3_128bits_update(st, p, n);
}

static void upd_u64(XXH3_state_t *st, uint64_t v)
{
    uint8_t b[8];
    put_u64(b, v);
    upd(st, b, 8);
}

static void upd_f64(XXH3_state_t *st, double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    upd_u64(st, u);
}

static void upd_str(XXH3_state_t *st, const char *s)
{
    if (!s) {
        upd_u64(st, UINT64_MAX);
        return;
    }
    size_t n = strlen(s);
    upd_u64(st, n);
    upd(st, s, n);
}

static void digest_out(XXH3_state_t *st, miair_digest *out)
{
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits_digest(st));
    memcpy(out->bytes, c.digest, sizeof out->bytes);
}

/* The build fingerprint: XXH3-128 of the read-only PT_LOAD segments (code,
 * constants, tables) of the object holding miair_analyze(). They hold no
 * relocated pointers, so equal builds give equal fingerprints whatever the
 * load address. Computed once. */
static miair_digest build_fp;
static pthread_once_t build_once = PTHREAD_ONCE_INIT;

typedef struct {
    uintptr_t addr;
    XXH3_state_t *st;
    int found;
} fp_ctx;

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MIAIR_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(MIAIR_ASAN)
/* AddressSanitizer poisons redzones between constants: copy them out
 * through uninstrumented volatile loads (slow, sanitizer builds only). */
__attribute__((no_sanitize_address)) static void upd_segment(XXH3_state_t *st, const void *p, size_t n)
{
    unsigned char buf[4096];
    const volatile unsigned char *v = p;
    while (n) {
        size_t k = n < sizeof buf ? n : sizeof buf;
        for (size_t i = 0; i < k; i++)
            buf[i] = v[i];
        upd(st, buf, k);
        v += k;
        n -= k;
    }
}
#else
static void upd_segment(XXH3_state_t *st, const void *p, size_t n) { upd(st, p, n); }
#endif

static int fp_object(struct dl_phdr_info *info, size_t size, void *user)
{
    fp_ctx *c = user;
    (void)size;
    int mine = 0;
    for (int i = 0; i < info->dlpi_phnum && !mine; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t lo = (uintptr_t)info->dlpi_addr + (uintptr_t)ph->p_vaddr;
        mine = ph->p_type == PT_LOAD && c->addr >= lo && c->addr < lo + ph->p_memsz;
    }
    if (!mine)
        return 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W))
            continue;
        upd_u64(c->st, (uint64_t)ph->p_vaddr);
        upd_u64(c->st, (uint64_t)ph->p_filesz);
        upd_segment(c->st, (const void *)((uintptr_t)info->dlpi_addr + (uintptr_t)ph->p_vaddr),
                    (size_t)ph->p_filesz);
    }
    c->found = 1;
    return 1;
}

static void build_fingerprint(void)
{
    XXH3_state_t st;
    XXH3_128bits_reset(&st);
    upd_str(&st, "miair build");
    fp_ctx c = {(uintptr_t)&miair_analyze, &st, 0};
    dl_iterate_phdr(fp_object, &c);
    upd_u64(&st, (uint64_t)c.found);
    digest_out(&st, &build_fp);
}

miair_status miair_engine_digest(const miair_engine *e, miair_digest *out)
{
    if (!e || !out)
        return MIAIR_ERR_INVALID;
    pthread_once(&build_once, build_fingerprint);
    XXH3_state_t st;
    XXH3_128bits_reset(&st);
    upd_str(&st, "miair engine");
    upd_u64(&st, MIAIR_CACHE_FORMAT);
    upd_str(&st, miair_version());
    upd(&st, build_fp.bytes, sizeof build_fp.bytes);
    for (int i = 0; i < 4; i++)
        upd_f64(&st, e->cfg.weights[i]);
    for (int i = 0; i < 4; i++)
        upd_f64(&st, e->weights[i]);
    upd_u64(&st, e->cfg.has_last_updated != 0);
    /* the parts of the record written (a cached record is that JSON text) */
    upd_u64(&st, e->cfg.outputs ? (e->cfg.outputs & MIAIR_OUTPUT_ALL) : MIAIR_OUTPUT_ALL);
    upd_u64(&st, MIAIR_RULES);
    for (int i = 0; i < MIAIR_RULES; i++) {
        const miair_rule *r = &miair_rules[i];
        upd_str(&st, r->type);
        upd_str(&st, r->name);
        upd_str(&st, r->regex);
        upd_str(&st, r->description);
        upd_str(&st, r->action);
        upd_u64(&st, r->caseless);
        upd_f64(&st, r->severity);
        upd_u64(&st, (uint64_t)(int64_t)r->priority);
    }
    /* The compiled regexes, quality ones included: PCRE2's serialized form
     * zeroes its pointers so that equal patterns serialize equally. */
    const pcre2_code *codes[RX_COUNT];
    int32_t n = 0;
    for (int id = 0; id < RX_COUNT; id++) {
        upd_u64(&st, e->rx[id].code != NULL);
        if (e->rx[id].code)
            codes[n++] = e->rx[id].code;
    }
    if (n > 0) {
        uint8_t *bytes = NULL;
        PCRE2_SIZE size = 0;
        int32_t rc = pcre2_serialize_encode(codes, n, &bytes, &size, NULL);
        if (rc < 0)
            return MIAIR_ERR_REGEX;
        upd(&st, bytes, (size_t)size);
        pcre2_serialize_free(bytes);
    }
    digest_out(&st, out);
    return MIAIR_OK;
}

void miair_cache_key_make_version(const miair_digest *engine, const char *version, const void *buf, size_t len,
                                  miair_cache_key *out)
{
    XXH3_state_t st;
    XXH3_128bits_reset(&st);
    if (buf && len)
        upd(&st, buf, len);
    upd_u64(&st, (uint64_t)len);
    upd_str(&st, version);
    upd(&st, engine->bytes, sizeof engine->bytes);
    digest_out(&st, &out->hash);
    out->engine = *engine;
}

void miair_cache_key_make(const miair_digest *engine, const void *buf, size_t len, miair_cache_key *out)
{
    miair_cache_key_make_version(engine, miair_version(), buf, len, out);
}

/* ------------------------------------------------------------------ the cache */

typedef struct entry {
    struct entry *prev, *next; /* LRU list, head = most recently used */
    struct entry *chain;       /* hash bucket */
    miair_cache_key key;
    double born;               /* clock at insertion (TTL) */
    size_t bytes;              /* accounted size */
    double number[MIAIR_FIELD_COUNT_];
    int empty;
    size_t id_off, tlen;
    char tmpl[];               /* the record with document_id "" (tlen bytes, then NUL) */
} entry;

struct miair_cache {
    pthread_mutex_t mu;
    miair_cache_options opt;
    char *dir;
    entry **buckets;
    size_t nbuckets;
    entry *head, *tail;
    size_t count;
    uint64_t bytes;
    miair_cache_stats st; /* entries/bytes filled on read */
    size_t id_prefix;     /* bytes of {"document_id":" in a record */
    size_t err_suffix;    /* bytes after the id in miair_error_to_json(id, "") */
    atomic_uint_fast64_t tmp_seq;
    atomic_uint_fast64_t hash_ns, lookup_ns, store_ns; /* seconds of the stats, lock-free */
};

void miair_cache_options_init(miair_cache_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->max_entries = MIAIR_CACHE_DEFAULT_ENTRIES;
    o->max_bytes = MIAIR_CACHE_DEFAULT_BYTES;
}

static double mono_clock(void *user)
{
    (void)user;
    return miair_now();
}

static double cache_now(const miair_cache *c) { return c->opt.clock(c->opt.clock_user); }

/* mkdir -p, mode 0777 & ~umask. */
static int make_dirs(const char *path)
{
    char *p = strdup(path);
    if (!p)
        return -1;
    int rc = 0;
    for (char *s = p + 1; rc == 0; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char ch = *s;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            rc = -1;
        *s = ch;
        if (ch == '\0')
            break;
    }
    free(p);
    if (rc == 0) {
        struct stat st;
        if (stat(path, &st) != 0)
            return -1;
        if (!S_ISDIR(st.st_mode)) {
            errno = ENOTDIR;
            return -1;
        }
    }
    return rc;
}

/* CACHEDIR.TAG (https://bford.info/cachedir/): backup tools skip the store. */
static void write_tag(const char *dir)
{
    static const char tag[] = "Signature: 8a477f597d28d172789f06886806bc55\n"
                              "# This file marks a miair result cache directory (docs/cache.md).\n";
    char path[4096];
    if (snprintf(path, sizeof path, "%s/CACHEDIR.TAG", dir) >= (int)sizeof path)
        return;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0)
        return;
    ssize_t w = write(fd, tag, sizeof tag - 1);
    (void)w;
    close(fd);
}

/* The prefix {"document_id":" and the suffix after the id of miair_error_to_json(id, ""). */
static int learn_id_layout(miair_cache *c)
{
    char *j = NULL, *k = NULL;
    size_t jl = 0, kl = 0;
    int ok = 0;
    if (miair_error_to_json("", 0, "", &j, &jl) == MIAIR_OK && miair_error_to_json("x", 1, "", &k, &kl) == MIAIR_OK) {
        const char *q = strstr(j, "\"\"");
        if (q) {
            c->id_prefix = (size_t)(q - j) + 1;
            c->err_suffix = jl - c->id_prefix;
            ok = kl == jl + 1 && memcmp(j, k, c->id_prefix) == 0 && k[c->id_prefix] == 'x' &&
                 memcmp(j + c->id_prefix, k + c->id_prefix + 1, c->err_suffix) == 0;
        }
    }
    miair_free(j);
    miair_free(k);
    return ok ? 0 : -1;
}

miair_status miair_cache_create(const miair_cache_options *o, miair_cache **out)
{
    if (!out)
        return MIAIR_ERR_INVALID;
    *out = NULL;
    miair_cache_options def;
    if (!o) {
        miair_cache_options_init(&def);
        o = &def;
    }
    if (!(o->ttl_seconds >= 0) || (o->dir && !*o->dir))
        return MIAIR_ERR_INVALID;
    miair_cache *c = calloc(1, sizeof *c);
    if (!c)
        return MIAIR_ERR_NOMEM;
    c->opt = *o;
    if (!c->opt.clock)
        c->opt.clock = mono_clock;
    c->nbuckets = CACHE_BUCKETS_MIN;
    c->buckets = calloc(c->nbuckets, sizeof *c->buckets);
    if (o->dir) {
        c->dir = strdup(o->dir);
        c->opt.dir = c->dir;
    }
    if (!c->buckets || (o->dir && !c->dir) || learn_id_layout(c) != 0) {
        free(c->buckets);
        free(c->dir);
        free(c);
        return MIAIR_ERR_NOMEM;
    }
    if (c->dir) {
        size_t n = strlen(c->dir);
        while (n > 1 && c->dir[n - 1] == '/')
            c->dir[--n] = '\0';
        if (make_dirs(c->dir) != 0 || access(c->dir, W_OK | X_OK) != 0) {
            free(c->buckets);
            free(c->dir);
            free(c);
            return MIAIR_ERR_IO;
        }
        write_tag(c->dir);
    }
    pthread_mutex_init(&c->mu, NULL);
    atomic_init(&c->tmp_seq, 0);
    atomic_init(&c->hash_ns, 0);
    atomic_init(&c->lookup_ns, 0);
    atomic_init(&c->store_ns, 0);
    *out = c;
    return MIAIR_OK;
}

void miair_cache_free(miair_cache *c)
{
    if (!c)
        return;
    for (entry *e = c->head, *nx; e; e = nx) {
        nx = e->next;
        free(e);
    }
    pthread_mutex_destroy(&c->mu);
    free(c->buckets);
    free(c->dir);
    free(c);
}

static void add_ns(atomic_uint_fast64_t *a, double seconds)
{
    if (seconds > 0)
        atomic_fetch_add_explicit(a, (uint_fast64_t)(seconds * 1e9 + 0.5), memory_order_relaxed);
}

static double get_s(atomic_uint_fast64_t *a) { return (double)atomic_load_explicit(a, memory_order_relaxed) * 1e-9; }

/* ---- the in-process level (callers hold c->mu) ---- */

static size_t bucket_of(const miair_cache *c, const miair_cache_key *k)
{
    uint64_t h = get_u64(k->hash.bytes + 8);
    return (size_t)(h & (c->nbuckets - 1));
}

static int key_eq(const miair_cache_key *a, const miair_cache_key *b)
{
    return memcmp(a->hash.bytes, b->hash.bytes, 16) == 0 && memcmp(a->engine.bytes, b->engine.bytes, 16) == 0;
}

static entry *find(const miair_cache *c, const miair_cache_key *k)
{
    for (entry *e = c->buckets[bucket_of(c, k)]; e; e = e->chain)
        if (key_eq(&e->key, k))
            return e;
    return NULL;
}

static void lru_unlink(miair_cache *c, entry *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        c->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        c->tail = e->prev;
    e->prev = e->next = NULL;
}

static void lru_push_front(miair_cache *c, entry *e)
{
    e->prev = NULL;
    e->next = c->head;
    if (c->head)
        c->head->prev = e;
    c->head = e;
    if (!c->tail)
        c->tail = e;
}

static void remove_entry(miair_cache *c, entry *e)
{
    entry **pp = &c->buckets[bucket_of(c, &e->key)];
    while (*pp && *pp != e)
        pp = &(*pp)->chain;
    if (*pp)
        *pp = e->chain;
    lru_unlink(c, e);
    c->count--;
    c->bytes -= e->bytes;
    free(e);
}

static void grow_buckets(miair_cache *c)
{
    size_t nb = c->nbuckets * 2;
    entry **b = calloc(nb, sizeof *b);
    if (!b)
        return; /* longer chains, still correct */
    entry **old = c->buckets;
    size_t on = c->nbuckets;
    c->buckets = b;
    c->nbuckets = nb;
    for (size_t i = 0; i < on; i++)
        for (entry *e = old[i], *nx; e; e = nx) {
            nx = e->chain;
            size_t k = bucket_of(c, &e->key);
            e->chain = b[k];
            b[k] = e;
        }
    free(old);
}

/* Takes ownership of e (inserted, replacing an equal key, or freed). */
static void insert_entry(miair_cache *c, entry *e)
{
    if (c->opt.max_entries == 0 || (c->opt.max_bytes && e->bytes > c->opt.max_bytes)) {
        free(e);
        return;
    }
    entry *old = find(c, &e->key);
    if (old)
        remove_entry(c, old);
    e->born = cache_now(c);
    if (c->count + 1 > c->nbuckets)
        grow_buckets(c);
    size_t k = bucket_of(c, &e->key);
    e->chain = c->buckets[k];
    c->buckets[k] = e;
    lru_push_front(c, e);
    c->count++;
    c->bytes += e->bytes;
    c->st.insertions++;
    while (c->tail && c->tail != e &&
           (c->count > c->opt.max_entries || (c->opt.max_bytes && c->bytes > c->opt.max_bytes))) {
        remove_entry(c, c->tail);
        c->st.evictions++;
    }
}

static entry *new_entry(const miair_cache_key *k, const double *number, int empty, const char *tmpl, size_t tlen,
                        size_t id_off)
{
    entry *e = malloc(sizeof *e + tlen + 1);
    if (!e)
        return NULL;
    memset(e, 0, sizeof *e);
    e->key = *k;
    memcpy(e->number, number, sizeof e->number);
    e->empty = empty;
    e->id_off = id_off;
    e->tlen = tlen;
    memcpy(e->tmpl, tmpl, tlen);
    e->tmpl[tlen] = '\0';
    e->bytes = sizeof *e + tlen + 1;
    return e;
}

/* ---- ids ---- */

/* The escaped id: miair_error_to_json(id, "") holds it at [id_prefix, len - err_suffix). */
typedef struct {
    char *buf;
    const char *s;
    size_t n;
} escaped;

static int escape_id(const miair_cache *c, const char *id, size_t n, escaped *out)
{
    size_t jl = 0;
    out->buf = NULL;
    if (miair_error_to_json(id ? id : "", id ? n : 0, "", &out->buf, &jl) != MIAIR_OK)
        return -1;
    if (jl < c->id_prefix + c->err_suffix) {
        miair_free(out->buf);
        out->buf = NULL;
        return -1;
    }
    out->s = out->buf + c->id_prefix;
    out->n = jl - c->id_prefix - c->err_suffix;
    return 0;
}

/* template[0, id_off) + id + template[id_off, tlen), NUL-terminated. */
static char *splice_id(const char *tmpl, size_t tlen, size_t id_off, const escaped *id, size_t *len)
{
    char *j = malloc(tlen + id->n + 1);
    if (!j)
        return NULL;
    memcpy(j, tmpl, id_off);
    memcpy(j + id_off, id->s, id->n);
    memcpy(j + id_off + id->n, tmpl + id_off, tlen - id_off);
    j[tlen + id->n] = '\0';
    *len = tlen + id->n;
    return j;
}

/* ---- the store ---- */

static void hex(const uint8_t *b, size_t n, char *out)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[b[i] >> 4];
        out[2 * i + 1] = d[b[i] & 15];
    }
    out[2 * n] = '\0';
}

int miair_cache_path(const miair_cache *c, const miair_cache_key *key, char *buf, size_t n)
{
    if (!c || !c->dir || !key)
        return -1;
    char h[33];
    hex(key->hash.bytes, 16, h);
    int w = snprintf(buf, n, "%s/%.2s/%s", c->dir, h, h);
    return w < 0 || (size_t)w >= n ? -1 : 0;
}

#define PAYLOAD_FIXED (8 + 8 * MIAIR_FIELD_COUNT_ + 16)

/* Header fields (docs/cache.md). */
enum {
    H_MAGIC = 0,
    H_FORMAT = 8,
    H_HSIZE = 12,
    H_VERSION = 16,
    H_ENGINE = H_VERSION + MIAIR_CACHE_VERSION_BYTES,
    H_KEY = H_ENGINE + 16,
    H_PLEN = H_KEY + 16,
    H_PSUM = H_PLEN + 8,
    H_HSUM = H_PSUM + 8,
    H_END = H_HSUM + 8
};
_Static_assert(H_END == MIAIR_CACHE_HEADER_BYTES, "header layout");

/* The whole file: header and payload. */
static uint8_t *encode_file(const miair_cache_key *k, const double *number, int empty, const char *tmpl,
                            size_t tlen, size_t id_off, size_t *len)
{
    size_t plen = PAYLOAD_FIXED + tlen;
    uint8_t *f = malloc(MIAIR_CACHE_HEADER_BYTES + plen);
    if (!f)
        return NULL;
    uint8_t *p = f + MIAIR_CACHE_HEADER_BYTES;
    put_u32(p, MIAIR_FIELD_COUNT_);
    put_u32(p + 4, empty ? 1u : 0u);
    for (int i = 0; i < MIAIR_FIELD_COUNT_; i++) {
        uint64_t u;
        memcpy(&u, &number[i], 8);
        put_u64(p + 8 + 8 * i, u);
    }
    put_u64(p + 8 + 8 * MIAIR_FIELD_COUNT_, id_off);
    put_u64(p + 16 + 8 * MIAIR_FIELD_COUNT_, tlen);
    memcpy(p + PAYLOAD_FIXED, tmpl, tlen);

    memset(f, 0, MIAIR_CACHE_HEADER_BYTES);
    memcpy(f + H_MAGIC, MIAIR_CACHE_MAGIC, 8);
    put_u32(f + H_FORMAT, MIAIR_CACHE_FORMAT);
    put_u32(f + H_HSIZE, MIAIR_CACHE_HEADER_BYTES);
    strncpy((char *)f + H_VERSION, miair_version(), MIAIR_CACHE_VERSION_BYTES - 1);
    memcpy(f + H_ENGINE, k->engine.bytes, 16);
    memcpy(f + H_KEY, k->hash.bytes, 16);
    put_u64(f + H_PLEN, plen);
    put_u64(f + H_PSUM, XXH3_64bits(p, plen));
    put_u64(f + H_HSUM, XXH3_64bits(f, H_HSUM));
    *len = MIAIR_CACHE_HEADER_BYTES + plen;
    return f;
}

/* A stored file checked against key: 0 with the payload's parts, -1 when any check fails. */
typedef struct {
    double number[MIAIR_FIELD_COUNT_];
    int empty;
    const char *tmpl;
    size_t tlen, id_off;
} decoded;

static int decode_file(const uint8_t *f, size_t n, const miair_cache_key *k, decoded *d)
{
    if (n < MIAIR_CACHE_HEADER_BYTES || memcmp(f + H_MAGIC, MIAIR_CACHE_MAGIC, 8) != 0)
        return -1;
    if (get_u32(f + H_FORMAT) != MIAIR_CACHE_FORMAT || get_u32(f + H_HSIZE) != MIAIR_CACHE_HEADER_BYTES)
        return -1;
    if (get_u64(f + H_HSUM) != XXH3_64bits(f, H_HSUM))
        return -1;
    char version[MIAIR_CACHE_VERSION_BYTES] = {0};
    strncpy(version, miair_version(), MIAIR_CACHE_VERSION_BYTES - 1);
    if (memcmp(f + H_VERSION, version, MIAIR_CACHE_VERSION_BYTES) != 0)
        return -1;
    if (memcmp(f + H_ENGINE, k->engine.bytes, 16) != 0 || memcmp(f + H_KEY, k->hash.bytes, 16) != 0)
        return -1;
    uint64_t plen = get_u64(f + H_PLEN);
    if (plen != n - MIAIR_CACHE_HEADER_BYTES || plen < PAYLOAD_FIXED)
        return -1;
    const uint8_t *p = f + MIAIR_CACHE_HEADER_BYTES;
    if (get_u64(f + H_PSUM) != XXH3_64bits(p, (size_t)plen))
        return -1;
    uint32_t flags = get_u32(p + 4);
    if (get_u32(p) != MIAIR_FIELD_COUNT_ || flags > 1)
        return -1;
    for (int i = 0; i < MIAIR_FIELD_COUNT_; i++) {
        uint64_t u = get_u64(p + 8 + 8 * i);
        memcpy(&d->number[i], &u, 8);
    }
    d->empty = (int)flags;
    uint64_t id_off = get_u64(p + 8 + 8 * MIAIR_FIELD_COUNT_);
    uint64_t tlen = get_u64(p + 16 + 8 * MIAIR_FIELD_COUNT_);
    if (tlen != plen - PAYLOAD_FIXED || id_off > tlen)
        return -1;
    d->tmpl = (const char *)p + PAYLOAD_FIXED;
    d->tlen = (size_t)tlen;
    d->id_off = (size_t)id_off;
    return 0;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Writes the file of key atomically: a fresh temporary file, renamed. */
static int store_write(miair_cache *c, const miair_cache_key *k, const uint8_t *f, size_t n)
{
    char path[4096], tmp[4096], h[33];
    if (miair_cache_path(c, k, path, sizeof path) != 0)
        return -1;
    hex(k->hash.bytes, 16, h);
    unsigned long long seq = (unsigned long long)atomic_fetch_add(&c->tmp_seq, 1);
    int w = snprintf(tmp, sizeof tmp, "%s/%.2s/.tmp-%s-%ld-%llu", c->dir, h, h, (long)getpid(), seq);
    if (w < 0 || (size_t)w >= sizeof tmp)
        return -1;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno == ENOENT) {
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%.2s", c->dir, h);
        if (mkdir(sub, 0777) != 0 && errno != EEXIST)
            return -1;
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    }
    if (fd < 0)
        return -1;
    int rc = write_all(fd, f, n);
    if (close(fd) != 0)
        rc = -1;
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -1;
    if (rc != 0)
        unlink(tmp);
    return rc;
}

/* Reads the file of key. 1 = found and valid (*buf owned by the caller when
 * it is not stack), 0 = no such file, -1 = a file failed a check. */
static int store_read(const miair_cache *c, const miair_cache_key *k, uint8_t *stack, uint8_t **buf, size_t *len)
{
    char path[4096];
    *buf = NULL;
    if (miair_cache_path(c, k, path, sizeof path) != 0)
        return 0;
    int fd;
    do {
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
    struct stat st;
    int rc = -1;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size >= MIAIR_CACHE_HEADER_BYTES &&
        (uint64_t)st.st_size <= MIAIR_CACHE_MAX_FILE) {
        size_t n = (size_t)st.st_size;
        uint8_t *b = n <= CACHE_READ_STACK ? stack : malloc(n + 1);
        size_t got = 0;
        if (b) {
            /* One byte more than fstat said: a file that grew is not trusted. */
            while (got <= n) {
                ssize_t r = read(fd, b + got, n + 1 - got);
                if (r < 0 && errno == EINTR)
                    continue;
                if (r <= 0)
                    break;
                got += (size_t)r;
            }
            if (got == n) {
                *buf = b;
                *len = n;
                rc = 1;
            } else if (b != stack) {
                free(b);
            }
        }
    }
    close(fd);
    return rc;
}

/* ------------------------------------------------------------------ get / put */

miair_status miair_cache_get(miair_cache *c, const miair_cache_key *key, const char *document_id, size_t id_len,
                             int want_json, miair_cached *out, int *hit)
{
    if (hit)
        *hit = 0;
    if (!c || !key || !out || !hit || (!document_id && id_len))
        return MIAIR_ERR_INVALID;
    double t0 = miair_now();
    memset(out, 0, sizeof *out);
    escaped id = {0};
    if (want_json && escape_id(c, document_id, id_len, &id) != 0)
        return MIAIR_ERR_NOMEM;

    miair_status rc = MIAIR_OK;
    pthread_mutex_lock(&c->mu);
    entry *e = find(c, key);
    if (e && c->opt.ttl_seconds > 0 && cache_now(c) - e->born >= c->opt.ttl_seconds) {
        remove_entry(c, e);
        c->st.expirations++;
        e = NULL;
    }
    if (e) {
        lru_unlink(c, e);
        lru_push_front(c, e);
        memcpy(out->number, e->number, sizeof out->number);
        out->empty = e->empty;
        if (want_json && !(out->json = splice_id(e->tmpl, e->tlen, e->id_off, &id, &out->json_len)))
            rc = MIAIR_ERR_NOMEM;
        else {
            *hit = 1;
            c->st.hits++;
            c->st.memory_hits++;
        }
    }
    if (!*hit && (rc != MIAIR_OK || !c->dir))
        c->st.misses++;
    pthread_mutex_unlock(&c->mu);
    if (*hit || rc != MIAIR_OK || !c->dir) { /* answered from memory, or nothing more to ask */
        miair_free(id.buf);
        add_ns(&c->lookup_ns, miair_now() - t0);
        return rc;
    }

    {
        uint8_t stack[CACHE_READ_STACK];
        uint8_t *f = NULL;
        size_t n = 0;
        int found = store_read(c, key, stack, &f, &n);
        decoded d;
        memset(&d, 0, sizeof d);
        int corrupt = found < 0 || (found > 0 && decode_file(f, n, key, &d) != 0);
        if (found > 0 && !corrupt) {
            memcpy(out->number, d.number, sizeof out->number);
            out->empty = d.empty;
            if (want_json && !(out->json = splice_id(d.tmpl, d.tlen, d.id_off, &id, &out->json_len)))
                rc = MIAIR_ERR_NOMEM;
            else
                *hit = 1;
        }
        entry *ne = *hit && c->opt.max_entries ? new_entry(key, d.number, d.empty, d.tmpl, d.tlen, d.id_off) : NULL;
        if (f != stack)
            free(f);
        pthread_mutex_lock(&c->mu);
        if (corrupt)
            c->st.corrupt++;
        if (*hit) {
            c->st.hits++;
            c->st.store_hits++;
            if (ne)
                insert_entry(c, ne);
        } else {
            c->st.misses++;
        }
        pthread_mutex_unlock(&c->mu);
    }
    miair_free(id.buf);
    add_ns(&c->lookup_ns, miair_now() - t0);
    return rc;
}

/* Stores a template (record with document_id "") under key. */
static miair_status put_template(miair_cache *c, const miair_cache_key *k, const miair_result *r, const char *tmpl,
                                 size_t tlen, size_t id_off, double t0)
{
    double number[MIAIR_FIELD_COUNT_];
    for (int i = 0; i < MIAIR_FIELD_COUNT_; i++)
        number[i] = miair_result_number(r, (miair_field)i);
    int empty = miair_result_is_empty(r);
    miair_status rc = MIAIR_OK;
    entry *e = c->opt.max_entries ? new_entry(k, number, empty, tmpl, tlen, id_off) : NULL;
    if (c->opt.max_entries && !e)
        rc = MIAIR_ERR_NOMEM;
    int wrote = -1;
    if (c->dir) {
        size_t n = 0;
        uint8_t *f = encode_file(k, number, empty, tmpl, tlen, id_off, &n);
        wrote = f ? store_write(c, k, f, n) : -1;
        free(f);
    }
    pthread_mutex_lock(&c->mu);
    if (e)
        insert_entry(c, e);
    if (c->dir) {
        if (wrote == 0)
            c->st.store_writes++;
        else
            c->st.store_errors++;
    }
    pthread_mutex_unlock(&c->mu);
    add_ns(&c->store_ns, miair_now() - t0);
    return rc;
}

miair_status miair_cache_put(miair_cache *c, const miair_cache_key *key, const miair_result *r)
{
    if (!c || !key || !r)
        return MIAIR_ERR_INVALID;
    double t0 = miair_now();
    char *json = NULL;
    size_t len = 0;
    miair_status st = miair_result_to_json(r, "", 0, &json, &len);
    if (st != MIAIR_OK)
        return st;
    if (len < c->id_prefix + 1 || json[c->id_prefix] != '"') {
        miair_free(json);
        return MIAIR_ERR_INVALID;
    }
    st = put_template(c, key, r, json, len, c->id_prefix, t0);
    miair_free(json);
    return st;
}

miair_status miair_cache_put_record(miair_cache *c, const miair_cache_key *key, const miair_result *r,
                                    const char *json, size_t json_len, const char *document_id, size_t id_len)
{
    if (!c || !key || !r || !json || (!document_id && id_len))
        return MIAIR_ERR_INVALID;
    double t0 = miair_now();
    escaped id;
    if (escape_id(c, document_id, id_len, &id) != 0)
        return MIAIR_ERR_NOMEM;
    /* The record must read {"document_id":"<id>"... as miair_error_to_json() writes it. */
    size_t p = c->id_prefix;
    miair_status st = MIAIR_ERR_INVALID;
    if (json_len >= p + id.n + 1 && memcmp(json, id.buf, p) == 0 && memcmp(json + p, id.s, id.n) == 0 &&
        json[p + id.n] == '"') {
        char *tmpl = malloc(json_len - id.n + 1);
        if (!tmpl) {
            st = MIAIR_ERR_NOMEM;
        } else {
            memcpy(tmpl, json, p);
            memcpy(tmpl + p, json + p + id.n, json_len - p - id.n);
            st = put_template(c, key, r, tmpl, json_len - id.n, p, t0);
            free(tmpl);
        }
    }
    miair_free(id.buf);
    return st;
}

/* ------------------------------------------------------------------ stats */

void miair_cache_add_hash_seconds(miair_cache *c, double seconds)
{
    if (!c)
        return;
    add_ns(&c->hash_ns, seconds);
}

void miair_cache_stats_get(miair_cache *c, miair_cache_stats *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    *out = c->st;
    out->entries = c->count;
    out->bytes = c->bytes;
    pthread_mutex_unlock(&c->mu);
    out->hash_seconds = get_s(&c->hash_ns);
    out->lookup_seconds = get_s(&c->lookup_ns);
    out->store_seconds = get_s(&c->store_ns);
}

#define CACHE_STAGE_HELP "Seconds in the result cache, summed over threads: hash = making keys (XXH3-128 of the " \
                         "documents), lookup = finding entries (memory, store reads), store = adding entries (store writes)."

miair_status miair_cache_stats_format(const miair_cache_stats *s, miair_stats_format fmt, char **out,
                                      size_t *out_len)
{
    if (!s || !out || (fmt != MIAIR_STATS_PROMETHEUS && fmt != MIAIR_STATS_TABLE))
        return MIAIR_ERR_INVALID;
    *out = NULL;
    const miair_metric m[] = {
        {"miair_cache_level_hits_total", "Result cache hits by level: memory = the in-process LRU, store = the "
         "cache directory.", MIAIR_METRIC_COUNTER, "level", "memory", (double)s->memory_hits, 1,
         "cache_memory_hits"},
        {"miair_cache_level_hits_total", "", MIAIR_METRIC_COUNTER, "level", "store", (double)s->store_hits, 1,
         "cache_store_hits"},
        {"miair_cache_insertions_total", "Entries added to the in-process LRU.", MIAIR_METRIC_COUNTER, NULL, NULL,
         (double)s->insertions, 1, "cache_insertions"},
        {"miair_cache_evictions_total", "Entries dropped from the in-process LRU for capacity (least recently "
         "used first).", MIAIR_METRIC_COUNTER, NULL, NULL, (double)s->evictions, 1, "cache_evictions"},
        {"miair_cache_expirations_total", "Entries dropped from the in-process LRU because older than the TTL.",
         MIAIR_METRIC_COUNTER, NULL, NULL, (double)s->expirations, 1, "cache_expirations"},
        {"miair_cache_corrupt_total", "Stored cache files ignored because corrupt, truncated, foreign or "
         "mismatched (each also a miss).", MIAIR_METRIC_COUNTER, NULL, NULL, (double)s->corrupt, 1,
         "cache_corrupt"},
        {"miair_cache_store_writes_total", "Files written to the cache directory.", MIAIR_METRIC_COUNTER, NULL,
         NULL, (double)s->store_writes, 1, "cache_store_writes"},
        {"miair_cache_store_errors_total", "Cache files that could not be written.", MIAIR_METRIC_COUNTER, NULL,
         NULL, (double)s->store_errors, 1, "cache_store_errors"},
        {"miair_cache_entries", "Entries in the in-process LRU.", MIAIR_METRIC_GAUGE, NULL, NULL,
         (double)s->entries, 1, "cache_entries"},
        {"miair_cache_bytes", "Bytes of the entries in the in-process LRU.", MIAIR_METRIC_GAUGE, NULL, NULL,
         (double)s->bytes, 1, "cache_bytes"},
        {"miair_cache_seconds_total", CACHE_STAGE_HELP, MIAIR_METRIC_COUNTER, "stage", "hash", s->hash_seconds, 0,
         "cache_hash_seconds"},
        {"miair_cache_seconds_total", "", MIAIR_METRIC_COUNTER, "stage", "lookup", s->lookup_seconds, 0,
         "cache_lookup_seconds"},
        {"miair_cache_seconds_total", "", MIAIR_METRIC_COUNTER, "stage", "store", s->store_seconds, 0,
         "cache_store_seconds"},
    };
    return miair_metrics_format(m, sizeof m / sizeof m[0], fmt, out, out_len);
}
