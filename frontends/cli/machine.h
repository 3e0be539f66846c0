/* machine: what a benchmark report says about the machine it ran on (miair bench, perf/). */
#ifndef MIAIR_CLI_MACHINE_H
#define MIAIR_CLI_MACHINE_H

#include <stddef.h>

/* The CPU's name from /proc/cpuinfo ("model name", or "Model"/"Hardware" on ARM), else
 * "unknown CPU"; always NUL-terminated within n bytes. */
void machine_cpu_model(char *buf, size_t n);

#endif
