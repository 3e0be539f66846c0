/* args: the command line of `miair analyze`. A small hand-written parser
 * (POSIX has no getopt_long): long options as "--name VALUE" or
 * "--name=VALUE", short options "-o FILE", "-oFILE", "-q", "-h"; options and
 * operands may be mixed; "--" ends the options; "-" is an operand. */
#include "args.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs("miair: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'miair --help' for more information.\n", stderr);
    return 2;
}

int cli_parse_size(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    const char *p = s;
    if (*p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    unsigned shift = 0;
    switch (*p) {
    case '\0': break;
    case 'k': case 'K': shift = 10; p++; break;
    case 'm': case 'M': shift = 20; p++; break;
    case 'g': case 'G': shift = 30; p++; break;
    default: return -1;
    }
    if (*p != '\0')
        return -1;
    if (shift && v > (UINT64_MAX >> shift))
        return -1;
    *out = v << shift;
    return 0;
}

int cli_parse_jobs(const char *s, int *out)
{
    long v = 0;
    if (*s < '0' || *s > '9')
        return -1;
    for (; *s >= '0' && *s <= '9'; s++) {
        v = v * 10 + (*s - '0');
        if (v > CLI_MAX_JOBS)
            return -1;
    }
    if (*s != '\0')
        return -1;
    *out = (int)v;
    return 0;
}

static int parse_format(const char *s, cli_format *f)
{
    if (strcmp(s, "table") == 0) *f = CLI_FORMAT_TABLE;
    else if (strcmp(s, "json") == 0) *f = CLI_FORMAT_JSON;
    else if (strcmp(s, "jsonl") == 0) *f = CLI_FORMAT_JSONL;
    else return -1;
    return 0;
}

/* Long options that take a value. */
enum { OPT_FORMAT, OPT_INCLUDE, OPT_EXCLUDE, OPT_MAX_BYTES, OPT_STREAM_THRESHOLD, OPT_OUTPUT, OPT_JOBS, OPT_METRICS, OPT_CACHE_DIR, OPT_CACHE_SIZE, OPT_NONE };

static const struct {
    const char *name;
    int id;
} value_options[] = {
    {"format", OPT_FORMAT},       {"include", OPT_INCLUDE}, {"exclude", OPT_EXCLUDE},
    {"max-bytes", OPT_MAX_BYTES}, {"output", OPT_OUTPUT},     {"jobs", OPT_JOBS},
    {"metrics", OPT_METRICS},     {"cache-dir", OPT_CACHE_DIR}, {"cache-size", OPT_CACHE_SIZE}, {"stream-threshold", OPT_STREAM_THRESHOLD},
};

static int apply_value(cli_options *o, int id, const char *name, const char *val)
{
    switch (id) {
    case OPT_FORMAT:
        if (parse_format(val, &o->format) != 0)
            return cli_usage_error("invalid value '%s' for --format (expected table, json or jsonl)", val);
        return 0;
    case OPT_INCLUDE:
        o->includes[o->n_includes++] = val;
        return 0;
    case OPT_EXCLUDE:
        o->excludes[o->n_excludes++] = val;
        return 0;
    case OPT_MAX_BYTES:
        if (cli_parse_size(val, &o->max_bytes) != 0)
            return cli_usage_error("invalid value '%s' for --max-bytes (expected a byte count such as 1048576, 512K, 64M or 1G)", val);
        return 0;
    case OPT_STREAM_THRESHOLD:
        if (cli_parse_size(val, &o->stream_threshold) != 0 || o->stream_threshold == 0)
            return cli_usage_error("invalid value '%s' for --stream-threshold (expected a positive byte count such as 8M)", val);
        return 0;
    case OPT_OUTPUT:
        if (val[0] == '\0')
            return cli_usage_error("empty file name for %s", name);
        o->output = val;
        return 0;
    case OPT_JOBS:
        if (cli_parse_jobs(val, &o->jobs) != 0)
            return cli_usage_error("invalid value '%s' for %s (expected a thread count 0..%d; 0 = all cores)", val,
                                   name, CLI_MAX_JOBS);
        return 0;
    case OPT_METRICS:
        if (val[0] == '\0')
            return cli_usage_error("empty file name for %s", name);
        o->metrics = val;
        return 0;
    case OPT_CACHE_DIR:
        if (val[0] == '\0')
            return cli_usage_error("empty directory name for %s", name);
        o->cache_dir = val;
        return 0;
    case OPT_CACHE_SIZE: {
        uint64_t v = 0;
        if (val[0] < '0' || val[0] > '9' || cli_parse_size(val, &v) != 0 || v > ((uint64_t)1 << 32))
            return cli_usage_error("invalid value '%s' for %s (expected a number of entries, e.g. 0, 1024 or 64K)",
                                   val, name);
        o->cache_size = (size_t)v;
        o->cache_size_set = 1;
        return 0;
    }
    default:
        return 0;
    }
}

static int parse_long(cli_options *o, int argc, char **argv, int *i)
{
    const char *arg = argv[*i] + 2;
    const char *eq = strchr(arg, '=');
    size_t nlen = eq ? (size_t)(eq - arg) : strlen(arg);

    for (size_t k = 0; k < sizeof value_options / sizeof value_options[0]; k++) {
        const char *name = value_options[k].name;
        if (strlen(name) != nlen || strncmp(arg, name, nlen) != 0)
            continue;
        const char *val;
        if (eq) {
            val = eq + 1;
        } else {
            if (*i + 1 >= argc)
                return cli_usage_error("option '--%s' requires an argument", name);
            val = argv[++*i];
        }
        char shown[32];
        snprintf(shown, sizeof shown, "--%s", name);
        return apply_value(o, value_options[k].id, shown, val);
    }

    int *flag = NULL;
    if (nlen == 5 && strncmp(arg, "stdin", 5) == 0) flag = &o->stdin_doc;
    else if (nlen == 12 && strncmp(arg, "last-updated", 12) == 0) flag = &o->last_updated;
    else if (nlen == 5 && strncmp(arg, "quiet", 5) == 0) flag = &o->quiet;
    else if (nlen == 4 && strncmp(arg, "help", 4) == 0) flag = &o->help;
    else if (nlen == 7 && strncmp(arg, "version", 7) == 0) flag = &o->version;
    else if (nlen == 5 && strncmp(arg, "stats", 5) == 0) flag = &o->stats;
    else if (nlen == 8 && strncmp(arg, "progress", 8) == 0) flag = &o->progress;
    if (nlen == 11 && strncmp(arg, "no-progress", 11) == 0) {
        if (eq)
            return cli_usage_error("option '--%.*s' doesn't allow an argument", (int)nlen, arg);
        o->progress = -1;
        return 0;
    }
    if (!flag)
        return cli_usage_error("unrecognized option '--%.*s'", (int)nlen, arg);
    if (eq)
        return cli_usage_error("option '--%.*s' doesn't allow an argument", (int)nlen, arg);
    *flag = 1;
    return 0;
}

static int parse_short(cli_options *o, int argc, char **argv, int *i)
{
    const char *p = argv[*i] + 1;
    for (; *p; p++) {
        switch (*p) {
        case 'q': o->quiet = 1; break;
        case 'h': o->help = 1; break;
        case 'o': {
            const char *val;
            if (p[1] != '\0') {
                val = p + 1;
            } else {
                if (*i + 1 >= argc)
                    return cli_usage_error("option '-o' requires an argument");
                val = argv[++*i];
            }
            return apply_value(o, OPT_OUTPUT, "-o", val);
        }
        case 'j': {
            const char *val;
            if (p[1] != '\0') {
                val = p + 1;
            } else {
                if (*i + 1 >= argc)
                    return cli_usage_error("option '-j' requires an argument");
                val = argv[++*i];
            }
            return apply_value(o, OPT_JOBS, "-j", val);
        }
        default:
            return cli_usage_error("invalid option -- '%c'", *p);
        }
    }
    return 0;
}

int cli_parse_analyze(int argc, char **argv, cli_options *o)
{
    memset(o, 0, sizeof *o);
    o->format = CLI_FORMAT_AUTO;
    o->max_bytes = CLI_DEFAULT_MAX_BYTES;
    size_t n = argc > 0 ? (size_t)argc : 1;
    o->includes = calloc(n, sizeof *o->includes);
    o->excludes = calloc(n, sizeof *o->excludes);
    o->paths = calloc(n, sizeof *o->paths);
    if (!o->includes || !o->excludes || !o->paths) {
        fputs("miair: out of memory\n", stderr);
        return 1;
    }

    int only_operands = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int rc = 0;
        if (only_operands || a[0] != '-' || strcmp(a, "-") == 0) {
            o->paths[o->n_paths++] = a;
        } else if (strcmp(a, "--") == 0) {
            only_operands = 1;
        } else if (a[1] == '-') {
            rc = parse_long(o, argc, argv, &i);
        } else {
            rc = parse_short(o, argc, argv, &i);
        }
        if (rc != 0)
            return rc;
    }
    if (o->help || o->version)
        return 0;

    int dash = 0;
    for (size_t k = 0; k < o->n_paths; k++)
        dash |= strcmp(o->paths[k], "-") == 0;
    if (dash && o->stdin_doc)
        return cli_usage_error("'--stdin' and the path '-' both read standard input; use one");
    if (o->n_paths == 0 && !o->stdin_doc)
        return cli_usage_error("no PATH given (use --stdin to analyze standard input)");
    return 0;
}

void cli_options_free(cli_options *o)
{
    free(o->includes);
    free(o->excludes);
    free(o->paths);
    o->includes = o->excludes = o->paths = NULL;
}

static void print_analyze_body(FILE *f)
{
    fputs("Analyzes each document and writes one record per document (the JSON record\n"
          "of docs/record.md) in input order.\n"
          "\n"
          "PATH is one of:\n"
          "  a file       analyzed whatever its name (no --include/--exclude filter)\n"
          "  a directory  walked recursively, following symbolic links, entries in\n"
          "               byte order of their names; files whose base name matches the\n"
          "               include set (default *.md *.markdown *.rst *.txt) and no\n"
          "               --exclude GLOB are analyzed; the record's document_id is the\n"
          "               directory as given + \"/\" + the relative path\n"
          "  -            read a newline-separated list of PATHs from standard input\n"
          "               (empty lines are skipped; each is treated as a PATH above)\n"
          "\n"
          "Options:\n"
          "  --stdin            analyze one document read from standard input, with\n"
          "                     document_id \"-\" (before any PATH); no PATH needed\n"
          "  --format FORMAT    table, json or jsonl. jsonl: one record per line; json:\n"
          "                     one array of the records; table: one row per document\n"
          "                     and a totals line. Default: table when the output is a\n"
          "                     terminal, jsonl otherwise\n"
          "  --include GLOB     in directories, analyze files whose base name matches\n"
          "                     GLOB (fnmatch); repeatable; replaces the default set\n"
          "  --exclude GLOB     in directories, skip files and subdirectories whose base\n"
          "                     name matches GLOB; repeatable; wins over --include\n"
          "  --max-bytes N      an input larger than N bytes is not analyzed and yields\n"
          "                     an error record; N may end in K, M or G (x1024, x1024^2,\n"
          "                     x1024^3); default 1G\n"
          "  --stream-threshold N\n"
          "                     files larger than N bytes are not read into memory but\n"
          "                     mapped and analyzed window by window (same record,\n"
          "                     bounded memory; not cached); K/M/G suffixes; default 8M\n"
          "  --last-updated     documents carry last_updated metadata (adds the 0.9\n"
          "                     accuracy sub-score of SPEC section 3)\n"
          "  -o, --output FILE  write the records to FILE (created or truncated)\n"
          "                     instead of standard output\n"
          "  -j, --jobs N       analyze with N worker threads (0 = all cores, the\n"
          "                     default; OMP_NUM_THREADS is honoured); files are read by\n"
          "                     the workers; records are written in input order and do\n"
          "                     not depend on N\n"
          "  --metrics FILE     write the run's counters to FILE in Prometheus text format\n"
          "                     (documents, bytes, errors, cache hits/misses, seconds per\n"
          "                     stage, threads; and the cache's counters with --cache-dir)\n"
          "  --cache-dir DIR    reuse records of unchanged documents: a content-addressed\n"
          "                     result cache stored in DIR (created if missing); a hit\n"
          "                     gives the same record as an analysis\n"
          "  --cache-size N     entries of the in-process result cache (default 1024 with\n"
          "                     --cache-dir; 0 = the directory only); without --cache-dir\n"
          "                     it caches in memory only (repeated content in one run)\n"
          "  --stats            print the same counters as a table on stderr, and the\n"
          "                     documents that took far longer than their size predicts\n"
          "  --progress         show the progress bar even when stderr is not a terminal\n"
          "  --no-progress      never show the progress bar (it is shown on a terminal\n"
          "                     stderr unless --quiet)\n"
          "  -q, --quiet        do not print a stderr line for each failed input (its\n"
          "                     error record is still written); no progress bar\n"
          "  -h, --help         print this help and exit\n"
          "      --version      print \"miair VERSION\" and exit\n"
          "\n"
          "An input that cannot be analyzed (missing or unreadable path, directory loop,\n"
          "larger than --max-bytes, neither a regular file nor a directory) yields the\n"
          "record {\"document_id\": PATH, \"error\": MESSAGE} and the stderr line\n"
          "\"miair: PATH: MESSAGE\", and the run continues. Invalid UTF-8, NUL bytes,\n"
          "empty and binary files are analyzed normally.\n"
          "\n"
          "Exit status: 0 when every input was analyzed; 1 when an input failed, or\n"
          "the output could not be written; 2 on a usage error.\n",
          f);
}

void cli_print_main_help(FILE *f)
{
    fputs("Usage: miair analyze [OPTIONS] [PATH...]\n"
          "       miair gen --size SIZE --complexity C --count N --seed S --out DIR\n"
          "       miair bench [OPTIONS]\n"
          "       miair cpu [--list-isas]\n"
          "       miair --help | --version\n"
          "\n"
          "miair measures technical documents: entropy statistics, four quality\n"
          "dimensions, fifteen pattern rules and recommendations (see SPEC.md).\n"
          "'miair gen --help' and 'miair bench --help' describe those commands; 'miair cpu'\n"
          "prints the CPU features and the kernels chosen (MIAIR_ISA=scalar|avx2|avx512|neon\n"
          "forces an instruction set; MIAIR_WINDOW_BYTES sets the analysis window).\n"
          "\n",
          f);
    print_analyze_body(f);
}

void cli_print_analyze_help(FILE *f)
{
    fputs("Usage: miair analyze [OPTIONS] [PATH...]\n\n", f);
    print_analyze_body(f);
}
