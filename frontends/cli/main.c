/* main: the `miair` program. Dispatches the command, sets up the output and
 * the engine, and maps the outcome to the exit status
 * (0 all analyzed, 1 an input or the output failed, 2 usage error). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "commands.h"
#include "miair.h"
#include "output.h"
#include "run.h"
#include "walk.h"

enum { EXIT_ALL_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

/* Finishes a run that printed to stdout through stdio (help, version). */
static int finish_stdout(void)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "miair: write error: %s\n", strerror(errno));
        return EXIT_FAILED;
    }
    return EXIT_ALL_OK;
}

static int print_version(void)
{
    printf("miair %s\n", miair_version());
    return finish_stdout();
}

static int open_output(const char *path)
{
    if (!path)
        return STDOUT_FILENO;
    int fd;
    do {
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0666);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0)
        fprintf(stderr, "miair: %s: cannot open the output file: %s\n", path, strerror(errno));
    return fd;
}

/* The inputs of the run: the --stdin document first, then each PATH. */
static int collect_inputs(const cli_options *o, input_list *inputs)
{
    walk_filter f = {o->includes, o->n_includes, o->excludes, o->n_excludes};
    if (o->stdin_doc && input_list_add(inputs, INPUT_STDIN, "-", NULL) != 0) {
        fputs("miair: out of memory\n", stderr);
        return -1;
    }
    for (size_t i = 0; i < o->n_paths; i++)
        if (walk_path(o->paths[i], &f, inputs) != 0)
            return -1;
    return 0;
}

static int report_write_error(const cli_options *o, int err)
{
    fprintf(stderr, "miair: %s: write error: %s\n", o->output ? o->output : "standard output",
            strerror(err));
    return EXIT_FAILED;
}

static int analyze_with(const cli_options *o, const miair_engine *engine, int fd)
{
    cli_format fmt = o->format;
    if (fmt == CLI_FORMAT_AUTO)
        fmt = isatty(fd) ? CLI_FORMAT_TABLE : CLI_FORMAT_JSONL;

    out_sink sink;
    input_list inputs = {0};
    int status = EXIT_ALL_OK;
    if (out_begin(&sink, fmt, fd, o->quiet) != 0)
        return report_write_error(o, sink.w.err);
    if (collect_inputs(o, &inputs) != 0) {
        input_list_free(&inputs);
        return EXIT_FAILED;
    }
    int err_tty = isatty(STDERR_FILENO);
    run_config rc = {
        .max_bytes = o->max_bytes,
        .stream_threshold = o->stream_threshold,
        .jobs = o->jobs,
        .progress = o->progress > 0 || (o->progress == 0 && !o->quiet && err_tty),
        .stats = o->stats,
        .slow_report = err_tty && !o->quiet,
        .metrics = o->metrics,
        .cache_dir = o->cache_dir,
        .cache_size_set = o->cache_size_set,
        .cache_size = o->cache_size,
    };
    int run = run_inputs(engine, &inputs, &rc, &sink);
    if (run < 0 || out_end(&sink) != 0)
        status = sink.w.err ? report_write_error(o, sink.w.err) : EXIT_FAILED;
    else if (sink.errors > 0 || run > 0)
        status = EXIT_FAILED;
    input_list_free(&inputs);
    return status;
}

static int cmd_analyze(int argc, char **argv)
{
    cli_options o;
    int rc = cli_parse_analyze(argc, argv, &o);
    if (rc == 0 && o.help) {
        cli_print_analyze_help(stdout);
        rc = finish_stdout();
    } else if (rc == 0 && o.version) {
        rc = print_version();
    } else if (rc == 0) {
        miair_config cfg;
        miair_config_init(&cfg);
        cfg.has_last_updated = o.last_updated;
        miair_engine *engine = NULL;
        miair_status st = miair_engine_create(&cfg, &engine);
        if (st != MIAIR_OK) {
            fprintf(stderr, "miair: cannot create the engine: %s\n", miair_status_message(st));
            rc = EXIT_FAILED;
        } else {
            int fd = open_output(o.output);
            if (fd < 0) {
                rc = EXIT_FAILED;
            } else {
                rc = analyze_with(&o, engine, fd);
                if (o.output && close(fd) != 0 && rc != EXIT_FAILED)
                    rc = report_write_error(&o, errno);
            }
            miair_engine_free(engine);
        }
    }
    cli_options_free(&o);
    return rc;
}

int main(int argc, char **argv)
{
    /* A closed pipe must show up as EPIPE from write(), not kill us. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPIPE, &sa, NULL);

    if (argc < 2)
        return cli_usage_error("missing command (expected 'analyze', 'gen' or 'bench')");
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        cli_print_main_help(stdout);
        return finish_stdout();
    }
    if (strcmp(cmd, "--version") == 0)
        return print_version();
    if (strcmp(cmd, "analyze") == 0)
        return cmd_analyze(argc - 1, argv + 1);
    if (strcmp(cmd, "gen") == 0)
        return cmd_gen(argc - 1, argv + 1);
    if (strcmp(cmd, "bench") == 0)
        return cmd_bench(argc - 1, argv + 1, argc, argv);
    if (strcmp(cmd, "cpu") == 0)
        return cmd_cpu(argc - 1, argv + 1);
    if (cmd[0] == '-' && cmd[1] != '\0')
        return cli_usage_error("unrecognized option '%s'", cmd);
    return cli_usage_error("unknown command '%s' (expected 'analyze', 'gen' or 'bench')", cmd);
}
