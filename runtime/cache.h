/* cache: internals of the result cache (runtime/cache.c) shared with the
 * batch runtime and the tests. The public API is the "Cache" section of
 * include/miair.h; the design and the store format are in docs/cache.md. */
#ifndef MIAIR_CACHE_H
#define MIAIR_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "miair.h"

#define MIAIR_CACHE_FORMAT 1u                        /* entry/file format; part of every key */
#define MIAIR_CACHE_MAGIC "MIAIRC\r\n"               /* 8 bytes at the start of a stored file */
#define MIAIR_CACHE_HEADER_BYTES 96                  /* the fixed file header (docs/cache.md) */
#define MIAIR_CACHE_VERSION_BYTES 24                 /* engine version field, NUL-padded */
#define MIAIR_CACHE_MAX_FILE ((uint64_t)1 << 30)     /* larger stored files are not trusted */
#define MIAIR_CACHE_DEFAULT_ENTRIES 1024
#define MIAIR_CACHE_DEFAULT_BYTES ((uint64_t)64 << 20)

/* miair_cache_key_make() with another engine version string (tests: a key
 * must change with the version). */
void miair_cache_key_make_version(const miair_digest *engine, const char *version, const void *buf, size_t len,
                                  miair_cache_key *out);

/* The stored file of key: DIR/xx/HASH (32 lower-case hex digits, xx the first
 * two). Returns 0, or -1 when the cache has no store or buf is too small. */
int miair_cache_path(const miair_cache *c, const miair_cache_key *key, char *buf, size_t n);

/* Adds seconds spent making keys (the batch runtime times them). */
void miair_cache_add_hash_seconds(miair_cache *c, double seconds);

#endif
