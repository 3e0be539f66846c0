/* args: the command line of `miair analyze` (options, help text). */
#ifndef MIAIR_CLI_ARGS_H
#define MIAIR_CLI_ARGS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CLI_DEFAULT_MAX_BYTES ((uint64_t)1 << 30) /* 1 GiB */
#define CLI_MAX_JOBS 4096

typedef enum cli_format {
    CLI_FORMAT_AUTO = 0, /* table when the output is a terminal, else jsonl */
    CLI_FORMAT_TABLE,
    CLI_FORMAT_JSON,
    CLI_FORMAT_JSONL
} cli_format;

typedef struct cli_options {
    cli_format format;
    uint64_t max_bytes;
    uint64_t stream_threshold; /* --stream-threshold N; 0 = the library's default */
    int last_updated;  /* --last-updated */
    int quiet;         /* -q, --quiet */
    int stdin_doc;     /* --stdin */
    int help;          /* -h, --help */
    int version;       /* --version */
    int jobs;          /* -j N, --jobs N: worker threads; 0 = all cores (OMP_NUM_THREADS honoured) */
    int stats;         /* --stats: the metrics as a table on stderr, and the slow documents */
    int progress;      /* --progress: force the progress bar (-1 = --no-progress, 0 = auto) */
    const char *metrics; /* --metrics FILE: Prometheus text, NULL when not asked */
    const char *cache_dir; /* --cache-dir DIR: result cache store, NULL when not asked */
    int cache_size_set;    /* --cache-size N given */
    size_t cache_size;     /* --cache-size N: entries of the in-process result cache */
    const char *output; /* -o FILE, NULL for stdout */
    const char **includes; /* --include GLOB...; NULL when none (the default set applies) */
    size_t n_includes;
    const char **excludes; /* --exclude GLOB... */
    size_t n_excludes;
    const char **paths;    /* operands, in order */
    size_t n_paths;
} cli_options;

/* Parses the arguments after "analyze" (argv[0] is "analyze"). Returns 0 on
 * success; on a usage error prints the problem and "Try 'miair --help'" on
 * stderr and returns 2. Pointers in *o point into argv. */
int cli_parse_analyze(int argc, char **argv, cli_options *o);
/* Frees the arrays of *o. */
void cli_options_free(cli_options *o);

/* Parses a thread count for -j: decimal 0..4096. Returns 0, or -1 when invalid. */
int cli_parse_jobs(const char *s, int *out);

/* Parses a byte count: decimal digits, optionally followed by K, M or G
 * (either case; powers of 1024). Returns 0 on success, -1 when invalid. */
int cli_parse_size(const char *s, uint64_t *out);

/* Prints a usage error: "miair: MSG" and the hint line. Returns 2. */
int cli_usage_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

void cli_print_main_help(FILE *f);
void cli_print_analyze_help(FILE *f);

#endif
