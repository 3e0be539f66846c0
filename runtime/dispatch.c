/* Kernel dispatch: detect the CPU once, pick the best kernel table, honour
 * MIAIR_ISA. The only process-wide state is written once under pthread_once. */
#include "dispatch.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(MIAIR_KERNELS_X86)
#include <cpuid.h>
#elif defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMD
#define HWCAP_ASIMD (1ul << 1)
#endif
#endif

struct cpu {
    int avx2_ok;   /* AVX2 + BMI1/2 + POPCNT + LZCNT, and the OS saves YMM */
    int avx512_ok; /* that, plus AVX-512 F/BW/VL, and the OS saves opmask + ZMM */
    int neon_native;
    int neon_x86_ok; /* x86: SSSE3, SSE4.1, SSE4.2, POPCNT (the SIMDe build of the NEON table uses them) */
    char features[512];
};

static void append(char *s, size_t cap, const char *word)
{
    size_t n = strlen(s);
    if (n + 1 + strlen(word) + 1 > cap)
        return;
    if (n)
        s[n++] = ' ';
    strcpy(s + n, word);
}

#if defined(MIAIR_KERNELS_X86)
static uint64_t xgetbv0(void)
{
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

static void detect(struct cpu *c)
{
    unsigned a = 0, b = 0, cx = 0, d = 0;
    unsigned ecx1 = 0, edx1 = 0, ebx7 = 0, ecx7 = 0, ecx81 = 0;
    unsigned max = (unsigned)__get_cpuid_max(0, NULL);
    if (max >= 1 && __get_cpuid(1, &a, &b, &cx, &d)) {
        ecx1 = cx;
        edx1 = d;
    }
    if (max >= 7 && __get_cpuid_count(7, 0, &a, &b, &cx, &d)) {
        ebx7 = b;
        ecx7 = cx;
    }
    if ((unsigned)__get_cpuid_max(0x80000000u, NULL) >= 0x80000001u && __get_cpuid(0x80000001u, &a, &b, &cx, &d))
        ecx81 = cx;
    uint64_t xcr0 = (ecx1 >> 27) & 1 ? xgetbv0() : 0; /* OSXSAVE */
    int os_ymm = (xcr0 & 0x6) == 0x6;                  /* SSE + AVX state */
    int os_zmm = (xcr0 & 0xE6) == 0xE6;                /* + opmask, ZMM_Hi256, Hi16_ZMM */

    const struct {
        const char *name;
        const unsigned *reg;
        int bit;
    } names[] = {
        {"sse2", &edx1, 26},      {"ssse3", &ecx1, 9},       {"sse4.1", &ecx1, 19},
        {"sse4.2", &ecx1, 20},    {"popcnt", &ecx1, 23},     {"avx", &ecx1, 28},
        {"fma", &ecx1, 12},       {"avx2", &ebx7, 5},        {"bmi1", &ebx7, 3},
        {"bmi2", &ebx7, 8},       {"lzcnt", &ecx81, 5},      {"avx512f", &ebx7, 16},
        {"avx512dq", &ebx7, 17},  {"avx512cd", &ebx7, 28},   {"avx512bw", &ebx7, 30},
        {"avx512vl", &ebx7, 31},  {"avx512vbmi", &ecx7, 1},  {"avx512vbmi2", &ecx7, 6},
        {"gfni", &ecx7, 8},       {"avx512bitalg", &ecx7, 12}, {"avx512vpopcntdq", &ecx7, 14},
    };
#define HAS(reg, bit) (((reg) >> (bit)) & 1u)
    append(c->features, sizeof c->features, "x86_64");
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (HAS(*names[i].reg, names[i].bit))
            append(c->features, sizeof c->features, names[i].name);
    if (os_ymm)
        append(c->features, sizeof c->features, "os:ymm");
    if (os_zmm)
        append(c->features, sizeof c->features, "os:zmm");
    c->avx2_ok = os_ymm && HAS(ecx1, 28) && HAS(ebx7, 5) && HAS(ebx7, 3) && HAS(ebx7, 8) && HAS(ecx1, 23) &&
                 HAS(ecx81, 5);
    c->avx512_ok = c->avx2_ok && os_zmm && HAS(ebx7, 16) && HAS(ebx7, 30) && HAS(ebx7, 31);
    c->neon_x86_ok = HAS(ecx1, 9) && HAS(ecx1, 19) && HAS(ecx1, 20) && HAS(ecx1, 23);
#undef HAS
}
#elif defined(__aarch64__)
static void detect(struct cpu *c)
{
    append(c->features, sizeof c->features, "aarch64");
#if defined(__linux__)
    unsigned long hw = getauxval(AT_HWCAP);
    c->neon_native = (hw & HWCAP_ASIMD) != 0;
#else
    c->neon_native = 1; /* ASIMD is mandatory in ARMv8-A */
#endif
    if (c->neon_native)
        append(c->features, sizeof c->features, "asimd");
}
#else
static void detect(struct cpu *c)
{
    append(c->features, sizeof c->features, "generic");
}
#endif

/* Written once each, under their pthread_once. */
static struct cpu cpu;
static pthread_once_t cpu_once = PTHREAD_ONCE_INIT;
static const struct miair_kernels *chosen;
static char choice_error[160];
static pthread_once_t choice_once = PTHREAD_ONCE_INIT;

static void init_cpu(void)
{
    detect(&cpu);
}

static const struct cpu *get_cpu(void)
{
    pthread_once(&cpu_once, init_cpu);
    return &cpu;
}

const struct miair_kernels *miair_kernels_for(const char *isa)
{
    const struct cpu *c = get_cpu();
    if (!isa)
        return NULL;
    if (strcmp(isa, "scalar") == 0)
        return &miair_kernels_scalar;
#if defined(MIAIR_KERNELS_X86)
    if (strcmp(isa, "neon") == 0)
        return c->neon_x86_ok ? &miair_kernels_neon : NULL;
    if (strcmp(isa, "avx2") == 0)
        return c->avx2_ok ? &miair_kernels_avx2 : NULL;
    if (strcmp(isa, "avx512") == 0)
        return c->avx512_ok ? &miair_kernels_avx512 : NULL;
#else
    if (strcmp(isa, "neon") == 0)
        return &miair_kernels_neon;
#endif
    (void)c;
    return NULL;
}

const struct miair_kernels *miair_kernels_best(void)
{
    const struct cpu *c = get_cpu();
#if defined(MIAIR_KERNELS_X86)
    if (c->avx512_ok)
        return &miair_kernels_avx512;
    if (c->avx2_ok)
        return &miair_kernels_avx2;
#endif
    if (c->neon_native)
        return &miair_kernels_neon;
    return &miair_kernels_scalar;
}

const char *const *miair_kernels_available(void)
{
    static const char *const x86_512[] = {"avx512", "avx2", "neon", "scalar", NULL};
    static const char *const x86_2[] = {"avx2", "neon", "scalar", NULL};
    static const char *const arm[] = {"neon", "scalar", NULL};
#if defined(MIAIR_KERNELS_X86)
    static const char *const x86_v2[] = {"neon", "scalar", NULL};
    static const char *const scalar_only[] = {"scalar", NULL};
#else
    static const char *const other[] = {"scalar", "neon", NULL};
#endif
    const struct cpu *c = get_cpu();
    if (c->avx512_ok)
        return x86_512;
    if (c->avx2_ok)
        return x86_2;
    if (c->neon_native)
        return arm;
#if defined(MIAIR_KERNELS_X86)
    return c->neon_x86_ok ? x86_v2 : scalar_only;
#else
    return other;
#endif
}

static int known_isa(const char *isa)
{
    return strcmp(isa, "scalar") == 0 || strcmp(isa, "avx2") == 0 || strcmp(isa, "avx512") == 0 ||
           strcmp(isa, "neon") == 0;
}

const struct miair_kernels *miair_kernels_resolve(const char *isa, const char **why)
{
    if (!isa || !*isa || strcmp(isa, "auto") == 0)
        return miair_kernels_best();
    const struct miair_kernels *k = miair_kernels_for(isa);
    if (!k && why) {
        if (!known_isa(isa))
            *why = "MIAIR_ISA: unknown instruction set (expected scalar, avx2, avx512, neon or auto)";
        else if (strcmp(isa, "avx2") == 0)
            *why = "MIAIR_ISA=avx2: this CPU or OS lacks AVX2 (with BMI1/2, POPCNT, LZCNT and YMM state)";
        else if (strcmp(isa, "avx512") == 0)
            *why = "MIAIR_ISA=avx512: this CPU or OS lacks AVX-512 F/BW/VL (with ZMM state)";
        else if (strcmp(isa, "neon") == 0)
            *why = "MIAIR_ISA=neon: on x86 the SIMDe build of the NEON kernels needs SSSE3, SSE4.1, SSE4.2 and POPCNT";
        else
            *why = "MIAIR_ISA: instruction set not available on this machine";
    }
    return k;
}

static void init_choice(void)
{
    const char *env = getenv("MIAIR_ISA");
    const char *why = "";
    chosen = miair_kernels_resolve(env, &why);
    if (!chosen) {
        if (env && !known_isa(env))
            snprintf(choice_error, sizeof choice_error,
                     "MIAIR_ISA=%.40s: unknown instruction set (expected scalar, avx2, avx512, neon or auto)",
                     env);
        else
            snprintf(choice_error, sizeof choice_error, "%s", why);
    }
}

const struct miair_kernels *miair_kernels_get(void)
{
    pthread_once(&choice_once, init_choice);
    return chosen;
}

const char *miair_kernels_error(void)
{
    pthread_once(&choice_once, init_choice);
    return choice_error;
}

const char *miair_cpu_features(void)
{
    return get_cpu()->features;
}
