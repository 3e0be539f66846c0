/* run: the inputs through the batch runtime. The main thread only lists the
 * inputs and writes records; the workers of miair_batch_run() read the files
 * (so I/O overlaps analysis), analyze them and, for json/jsonl, serialize the
 * records. Records arrive here in input order, one at a time. */
#define _POSIX_C_SOURCE 200809L
#include "run.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "progress.h"

typedef struct run_ctx {
    out_sink *sink;
    const run_config *cfg;
    progress prog;
    int failed; /* the output could not be written */
} run_ctx;

static void clear_bar(void *user) { progress_clear(&((run_ctx *)user)->prog); }

static void on_plan(void *user, size_t n, uint64_t total_bytes)
{
    progress_plan(&((run_ctx *)user)->prog, n, total_bytes);
}

/* The library says "input too large: N bytes (limit M)"; the CLI names its
 * option: "(--max-bytes M)" (docs/cli.md). */
static const char *cli_message(const miair_batch_item *it, char *buf, size_t n)
{
    const char *m = it->error ? it->error : miair_status_message(it->status);
    const char *lim = it->status == MIAIR_ERR_TOO_BIG ? strstr(m, "(limit ") : NULL;
    if (!lim)
        return m;
    snprintf(buf, n, "%.*s(--max-bytes %s", (int)(lim - m), m, lim + strlen("(limit "));
    return buf;
}

static int on_item(void *user, const miair_batch_item *it)
{
    run_ctx *c = user;
    int rc;
    if (it->status == MIAIR_OK) {
        rc = out_item(c->sink, it);
    } else {
        char msg[320];
        rc = out_error(c->sink, it->id, cli_message(it, msg, sizeof msg));
    }
    /* after the record: a bar drawn now stays until the next output clears it */
    progress_item(&c->prog, it->id, it->bytes, it->read_seconds + it->analyze_seconds + it->json_seconds,
                  it->status == MIAIR_OK);
    if (rc != 0)
        c->failed = 1;
    return rc;
}

/* The batch's metrics, then the cache's (when one was used). */
static int metrics_text(const miair_batch_stats *st, miair_cache *cache, miair_stats_format f, char **text,
                        size_t *len)
{
    if (miair_batch_stats_format(st, f, text, len) != MIAIR_OK)
        return -1;
    if (!cache)
        return 0;
    miair_cache_stats cs;
    char *more = NULL;
    size_t more_len = 0;
    miair_cache_stats_get(cache, &cs);
    if (miair_cache_stats_format(&cs, f, &more, &more_len) != MIAIR_OK) {
        miair_free(*text);
        return -1;
    }
    char *both = malloc(*len + more_len + 1);
    if (!both) {
        miair_free(*text);
        miair_free(more);
        return -1;
    }
    memcpy(both, *text, *len);
    memcpy(both + *len, more, more_len + 1);
    miair_free(*text);
    miair_free(more);
    *text = both;
    *len += more_len;
    return 0;
}

static int write_metrics(const char *path, const miair_batch_stats *st, miair_cache *cache)
{
    char *text = NULL;
    size_t len = 0;
    if (metrics_text(st, cache, MIAIR_STATS_PROMETHEUS, &text, &len) != 0) {
        fputs("miair: out of memory\n", stderr);
        return -1;
    }
    FILE *f = fopen(path, "w");
    int rc = 0;
    if (!f) {
        fprintf(stderr, "miair: %s: cannot open the metrics file: %s\n", path, strerror(errno));
        rc = -1;
    } else {
        size_t put = fwrite(text, 1, len, f);
        int err = put != len ? errno : 0;
        if (fclose(f) != 0 && !err)
            err = errno;
        if (put != len || err) {
            fprintf(stderr, "miair: %s: write error: %s\n", path, strerror(err ? err : EIO));
            rc = -1;
        }
    }
    miair_free(text);
    return rc;
}

static void print_stats(const miair_batch_stats *st, miair_cache *cache)
{
    char *text = NULL;
    size_t len = 0;
    if (metrics_text(st, cache, MIAIR_STATS_TABLE, &text, &len) == 0) {
        fputs(text, stderr);
        free(text);
    }
}

int run_inputs(const miair_engine *e, const input_list *inputs, const run_config *cfg, out_sink *sink)
{
    size_t n = inputs->count;
    miair_batch_doc *docs = calloc(n ? n : 1, sizeof *docs);
    if (!docs) {
        fputs("miair: out of memory\n", stderr);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const input *in = &inputs->items[i];
        docs[i].id = in->path;
        switch (in->kind) {
        case INPUT_FILE:
            docs[i].kind = MIAIR_DOC_PATH;
            docs[i].path = in->path;
            break;
        case INPUT_STDIN:
            docs[i].kind = MIAIR_DOC_FD;
            docs[i].fd = STDIN_FILENO;
            break;
        case INPUT_ERROR:
            docs[i].kind = MIAIR_DOC_ERROR;
            docs[i].error = in->error;
            break;
        }
    }

    run_ctx c;
    memset(&c, 0, sizeof c);
    c.sink = sink;
    c.cfg = cfg;
    miair_batch_options o;
    miair_batch_options_init(&o);
    o.threads = cfg->jobs;
    o.max_bytes = cfg->max_bytes;
    if (cfg->stream_threshold) o.stream_threshold = cfg->stream_threshold;
    o.flags = sink->format == CLI_FORMAT_TABLE ? 0 : MIAIR_BATCH_JSON;
    o.on_plan = on_plan;
    progress_init(&c.prog, cfg->progress, miair_batch_threads(cfg->jobs), stderr);
    sink->clear_hook = clear_bar;
    sink->clear_user = &c;

    miair_cache *cache = NULL;
    if (cfg->cache_dir || (cfg->cache_size_set && cfg->cache_size > 0)) {
        miair_cache_options co;
        miair_cache_options_init(&co);
        co.dir = cfg->cache_dir;
        if (cfg->cache_size_set)
            co.max_entries = cfg->cache_size;
        errno = 0;
        miair_status cs = miair_cache_create(&co, &cache);
        if (cs != MIAIR_OK) {
            const char *why = cs == MIAIR_ERR_IO && errno ? strerror(errno) : miair_status_message(cs);
            if (cfg->cache_dir)
                fprintf(stderr, "miair: %s: cannot use the cache directory: %s\n", cfg->cache_dir, why);
            else
                fprintf(stderr, "miair: cannot create the result cache: %s\n", why);
            sink->clear_hook = NULL;
            free(docs);
            return 1;
        }
    }

    miair_batch_stats st;
    miair_status bs = cache ? miair_batch_run_cached(e, cache, docs, n, &o, on_item, &c, &st)
                            : miair_batch_run(e, docs, n, &o, on_item, &c, &st);
    progress_end(&c.prog);
    int rc = 0;
    if (bs != MIAIR_OK && !c.failed) {
        fprintf(stderr, "miair: the batch failed: %s\n", miair_status_message(bs));
        rc = 1;
    }
    if (cfg->metrics && write_metrics(cfg->metrics, &st, cache) != 0)
        rc = 1;
    if (c.failed)
        rc = -1;
    if (cfg->stats)
        print_stats(&st, cache);
    if (cfg->stats || cfg->slow_report)
        progress_print_slow(&c.prog, stderr);
    progress_free(&c.prog);
    miair_cache_free(cache);
    sink->clear_hook = NULL;
    free(docs);
    return rc;
}
