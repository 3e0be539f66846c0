/* `miair cpu`: what the kernel dispatcher (runtime/dispatch.c) sees and
 * picks on this machine. Prints the detected CPU features, the instruction
 * sets whose kernel table can run here (best first), the one chosen
 * (MIAIR_ISA honoured) and, per job, the kernel that runs it.
 *
 *   miair cpu               the report; exit 1 when MIAIR_ISA names an ISA
 *                           this CPU/OS cannot run (or an unknown one)
 *   miair cpu --list-isas   the runnable ISA names, one per line (tools/dev
 *                           test runs the suite once per name) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "dispatch.h"

/* The jobs of the analysis that a kernel does, and how each ISA does it
 * (docs/kernels.md has the details). */
enum { JOB_CLASSIFY, JOB_BYTE_HIST, JOB_UTF8_HIST, JOB_COUNT, JOB_PREFIX, JOB_WORDS, JOB_NGRAMS, JOB_BYTESETS, JOB_UTF8_VALID, JOB_COUNT_ };

static const char *const job_names[JOB_COUNT_] = {
    "classify", "byte histogram", "utf8 histogram", "count/positions", "ascii prefix", "word hashing", "n-gram hashing",
    "regex candidates", "utf-8 validation",
};

struct isa_notes {
    const char *isa;
    const char *how[JOB_COUNT_];
};

#define NGRAM_NOTE "rolling polynomial + splitmix64 finalizer (scalar code on every ISA)"

static const struct isa_notes notes[] = {
    {"scalar",
     {"table lookup per byte, bit transpose by multiplication", "4 sub-tables (scalar code)",
      "4 sub-tables, SWAR lead scan, exact decode", "SWAR, 8 bytes at a time", "SWAR, 8 bytes at a time",
      "SWAR range tests, ctz boundaries, XXH3-64 per word", NGRAM_NOTE, "byteset_bits: a 256-entry set table per byte",
      "SWAR ASCII skip, one sequence at a time"}},
    {"avx2",
     {"2 x 32-byte vpshufb nibble lookups, vpmovmskb", "4 sub-tables (scalar code on every ISA)",
      "4 sub-tables, vptest ASCII runs, vpcmpgtb leads", "vpcmpeqb + psadbw / movemask + tzcnt",
      "vpmovmskb + tzcnt", "vpshufb nibble lookup, tzcnt boundaries, XXH3-64 per word", NGRAM_NOTE,
      "byteset_bits: vpshufb nibble tables per set, vpmovmskb",
      "Keiser-Lemire nibble lookups (vpshufb), 128-byte ASCII skip"}},
    {"avx512",
     {"64-byte vpshufb, vptestmb/vpcmpb into mask registers", "4 sub-tables (scalar code on every ISA)",
      "4 sub-tables, vpmovb2m leads", "vpcmpeqb to mask + popcnt, masked tails", "vpmovb2m + tzcnt",
      "64-byte vpshufb + vptestmb, tzcnt boundaries, XXH3-64 per word", NGRAM_NOTE,
      "byteset_bits: 64-byte vpshufb nibble tables per set into mask registers",
      "Keiser-Lemire nibble lookups (64-byte vpshufb), 256-byte ASCII skip"}},
    {"neon",
     {"4 x 16-byte vqtbl1q lookups, vpaddq movemask", "4 sub-tables (scalar code on every ISA)",
      "4 sub-tables, vmaxvq ASCII check", "vceqq + vaddlvq", "vmaxvq",
      "vqtbl1q nibble lookup, ctz boundaries, XXH3-64 per word", NGRAM_NOTE,
      "byteset_bits: vqtbl1q nibble tables per set",
      "Keiser-Lemire nibble lookups (vqtbl1q), 64-byte ASCII skip"}},
};

static const char *how(const char *isa, int job)
{
    for (size_t i = 0; i < sizeof notes / sizeof notes[0]; i++)
        if (strcmp(notes[i].isa, isa) == 0)
            return notes[i].how[job];
    return "";
}

static int finish(void)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "miair: write error: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}

static void print_help(FILE *f)
{
    fputs("Usage: miair cpu [--list-isas]\n"
          "\n"
          "Prints the CPU features the kernel dispatcher detected, the instruction\n"
          "sets whose kernels can run here (best first), the one chosen and, per\n"
          "job, which kernel runs it. MIAIR_ISA=scalar|avx2|avx512|neon|auto forces\n"
          "a choice; naming one this CPU or OS cannot run is an error (exit 1).\n"
          "\"neon\" runs natively on aarch64 and through SIMDe elsewhere (on x86\n"
          "when the CPU has SSSE3, SSE4.1, SSE4.2 and POPCNT).\n"
          "\n"
          "  --list-isas   only the runnable ISA names, one per line, best first\n"
          "  -h, --help    this help\n",
          f);
}

int cmd_cpu(int argc, char **argv)
{
    int list = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--list-isas") == 0) {
            list = 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            print_help(stdout);
            return finish();
        } else {
            return cli_usage_error("cpu: unexpected argument '%s'", argv[i]);
        }
    }
    const char *const *av = miair_kernels_available();
    if (list) {
        for (int i = 0; av[i]; i++)
            puts(av[i]);
        return finish();
    }

    const char *env = getenv("MIAIR_ISA");
    const struct miair_kernels *k = miair_kernels_get();
    const struct miair_kernels *best = miair_kernels_best();
    printf("cpu features: %s\n", miair_cpu_features());
    printf("available:   ");
    for (int i = 0; av[i]; i++) {
        int emulated = strcmp(av[i], "neon") == 0 && best != &miair_kernels_neon;
#if defined(__aarch64__)
        emulated = 0;
#endif
        printf(" %s%s", av[i], emulated ? " (via SIMDe)" : "");
    }
    printf("\n");
    if (!k) {
        printf("chosen:       none\n");
        if (finish() != 0)
            return 1;
        fprintf(stderr, "miair: %s\n", miair_kernels_error());
        return 1;
    }
    if (env && *env && strcmp(env, "auto") != 0)
        printf("chosen:       %s (MIAIR_ISA=%s)\n", k->isa, env);
    else
        printf("chosen:       %s (the best available%s)\n", k->isa, env ? "; MIAIR_ISA=auto" : "");
    printf("jobs:\n");
    for (int j = 0; j < JOB_COUNT_; j++) {
        printf("  %-16s %-7s %s\n", job_names[j], k->isa, how(k->isa, j));
    }
    return finish();
}
