/* commands: `miair gen` (gen.c) and `miair bench` (bench.c). Each takes the
 * arguments after the program name (argv[0] is the command) and returns the
 * exit status (0 ok, 1 failure, 2 usage error). */
#ifndef MIAIR_CLI_COMMANDS_H
#define MIAIR_CLI_COMMANDS_H

int cmd_gen(int argc, char **argv);
/* full_argc/full_argv: the whole command line (printed in the report). */
int cmd_bench(int argc, char **argv, int full_argc, char **full_argv);
/* `miair cpu` (cpu.c): the dispatcher's view of this machine. */
int cmd_cpu(int argc, char **argv);

/* Option helper shared by gen and bench: matches "--name VALUE" or
 * "--name=VALUE" at argv[*i]; returns 1 and sets *val (advancing *i) on a
 * match, 0 when argv[*i] is another option, -1 (usage error printed) when
 * the value is missing. */
int cli_value_option(int argc, char **argv, int *i, const char *name, const char **val);

#endif
