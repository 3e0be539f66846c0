// Google Benchmark shim over the C kernels: each kernel x each ISA this
// machine runs, bytes/s on generated ASCII prose and mixed UTF-8 text (5 KB
// and 1 MB), plus, in the same run, the machine's limits: plain memory read,
// XXH3 bulk hashing, a 4-sub-table byte histogram. At the end a table gives
// each kernel's throughput as a ratio to its limit (the best ISA's limit on
// the same input). Extra inputs: MIAIR_BENCH_FILES=path[:path...].
//
//   bench_kernels --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// uses the median of the repetitions in the ratio table.
#include <benchmark/benchmark.h>
#include <emmintrin.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bench_text.h" // C++ (std::string): outside the extern "C" block

extern "C" {
#include "dispatch.h"
#include "generic/histogram.h"
#include "kernels.h"

uint64_t miair_perf_memread_sse2(const uint8_t *p, size_t n);
uint64_t miair_perf_memread_avx2(const uint8_t *p, size_t n);
uint64_t miair_perf_memread_avx512(const uint8_t *p, size_t n);
uint64_t miair_perf_xxh3_sse2(const uint8_t *p, size_t n);
uint64_t miair_perf_xxh3_avx2(const uint8_t *p, size_t n);
uint64_t miair_perf_xxh3_avx512(const uint8_t *p, size_t n);
void miair_perf_hist4_sse2(const uint8_t *p, size_t n, uint64_t counts[256]);
}

namespace {

// ---- inputs -------------------------------------------------------------

using bench_text::make_text;

struct Input {
    std::string name;
    std::vector<uint8_t> bytes;
};

std::vector<Input> &inputs()
{
    static std::vector<Input> in;
    return in;
}

void make_inputs()
{
    const struct {
        const char *name;
        size_t size;
        unsigned utf8;
    } gen[] = {{"ascii/5K", 5 * 1024, 0},
               {"ascii/1M", 1 << 20, 0},
               {"utf8/5K", 5 * 1024, 25},
               {"utf8/1M", 1 << 20, 25}};
    for (const auto &g : gen) {
        std::string s = make_text(g.size, g.utf8, 42 + g.utf8);
        inputs().push_back({g.name, std::vector<uint8_t>(s.begin(), s.end())});
    }
    if (const char *files = std::getenv("MIAIR_BENCH_FILES")) {
        std::stringstream ss(files);
        std::string path;
        while (std::getline(ss, path, ':')) {
            std::ifstream f(path, std::ios::binary);
            if (!f) {
                std::fprintf(stderr, "bench_kernels: cannot read %s\n", path.c_str());
                continue;
            }
            std::vector<uint8_t> b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
            std::string base = path.substr(path.find_last_of('/') + 1);
            inputs().push_back({"file/" + base, std::move(b)});
        }
    }
}

// ---- benchmarks ---------------------------------------------------------

using Body = std::function<void(const uint8_t *, size_t)>;

void run(benchmark::State &st, const Input *in, const Body &body)
{
    const uint8_t *p = in->bytes.data();
    size_t n = in->bytes.size();
    for (auto _ : st) {
        body(p, n);
        benchmark::ClobberMemory();
    }
    st.SetBytesProcessed((int64_t)st.iterations() * (int64_t)n);
}

void add(const std::string &name, const Input *in, Body body)
{
    std::string full = name + "/" + in->name;
    benchmark::RegisterBenchmark(full.c_str(), [in, body](benchmark::State &st) { run(st, in, body); });
}

// The validator runtime/text.c used before the utf8_valid kernel (a local
// copy, the baseline of utf8_valid): one sequence at a time, ASCII runs
// skipped with the table's ascii_prefix_len.
int utf8_valid_loop(const miair_kernels *k, const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (s[i] < 0x80) {
            i += k->ascii_prefix_len(s + i, n - i);
            continue;
        }
        uint8_t c = s[i];
        size_t need;
        uint8_t lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF)
            need = 1;
        else if (c == 0xE0)
            need = 2, lo = 0xA0;
        else if (c == 0xED)
            need = 2, hi = 0x9F;
        else if (c >= 0xE1 && c <= 0xEF)
            need = 2;
        else if (c == 0xF0)
            need = 3, lo = 0x90;
        else if (c == 0xF4)
            need = 3, hi = 0x8F;
        else if (c >= 0xF1 && c <= 0xF3)
            need = 3;
        else
            return 0;
        if (i + need >= n)
            return 0;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return 0;
        for (size_t j = 2; j <= need; j++)
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
        i += need + 1;
    }
    return 1;
}

// A code-point table big enough for the inputs (never asks to grow).
struct CpTable {
    std::vector<uint32_t> keys;
    std::vector<uint64_t> counts;
    miair_cp_table t;
    explicit CpTable(size_t slots) : keys(slots), counts(slots) { t = {keys.data(), counts.data(), slots - 1, 0}; }
};

// The byte sets of the byteset_bits benchmarks: "1", "4", "7" ASCII-only
// sets (whitespace, terminators, brackets, quotes, emphasis, operators,
// markup), "7hi" = the 7 with the last one also holding 0x80-0xBF.
std::vector<std::pair<std::string, std::shared_ptr<miair_bytesets>>> &bytesets()
{
    static std::vector<std::pair<std::string, std::shared_ptr<miair_bytesets>>> v;
    if (!v.empty())
        return v;
    const char *const sets[7] = {" \t\n\r\v\f", ".!?", "[](){}", "\"'`", "*_~", "+-=<>/|&", "#@$%^"};
    uint64_t m[7][4] = {};
    for (int j = 0; j < 7; j++)
        for (const char *c = sets[j]; *c; c++)
            m[j][(unsigned char)*c >> 6] |= 1ull << ((unsigned char)*c & 63);
    for (unsigned nsets : {1u, 4u, 7u}) {
        auto s = std::make_shared<miair_bytesets>();
        miair_bytesets_init(s.get(), nsets, m);
        v.push_back({std::to_string(nsets), s});
    }
    for (unsigned c = 0x80; c < 0xC0; c++)
        m[6][c >> 6] |= 1ull << (c & 63);
    auto s = std::make_shared<miair_bytesets>();
    miair_bytesets_init(s.get(), 7, m);
    v.push_back({"7hi", s});
    return v;
}

void register_kernels(const miair_kernels *k, const Input *in)
{
    std::string isa = k->isa;
    size_t n = in->bytes.size();
    // struct of arrays, class stride = blocks + 8 (a multiple of 4 KiB would
    // put the 16 output streams in the same L1 sets: see docs/kernels.md)
    auto bits = std::make_shared<std::vector<uint64_t>>((MIAIR_BLOCKS(n) + 8) * MIAIR_CLS_COUNT);
    add("classify/" + isa, in, [k, bits](const uint8_t *p, size_t len) {
        k->classify(p, len, bits->data(), MIAIR_BLOCKS(len) + 8, 1);
        benchmark::DoNotOptimize(bits->data());
    });
    auto aos = std::make_shared<std::vector<uint64_t>>(MIAIR_BLOCKS(n) * 16 + 1);
    add("classify_aos/" + isa, in, [k, aos](const uint8_t *p, size_t len) {
        k->classify(p, len, aos->data(), 1, 16);
        benchmark::DoNotOptimize(aos->data());
    });
    add("byte_histogram/" + isa, in, [k](const uint8_t *p, size_t len) {
        uint64_t h[256] = {0};
        k->byte_histogram(p, len, h);
        benchmark::DoNotOptimize(h);
    });
    auto cp = std::make_shared<CpTable>(1 << 14);
    add("utf8_histogram/" + isa, in, [k, cp](const uint8_t *p, size_t len) {
        uint64_t ascii[128] = {0};
        size_t got = k->utf8_histogram(p, len, ascii, &cp->t);
        if (got != len)
            std::abort(); // inputs are valid UTF-8 and the table is big enough
        benchmark::DoNotOptimize(ascii);
    });
    add("count_byte/" + isa, in, [k](const uint8_t *p, size_t len) {
        benchmark::DoNotOptimize(k->count_byte(p, len, '\n'));
    });
    auto pos = std::make_shared<std::vector<uint64_t>>(n + 1);
    add("byte_positions/" + isa, in, [k, pos](const uint8_t *p, size_t len) {
        benchmark::DoNotOptimize(k->byte_positions(p, len, '\n', 0, pos->data()));
    });
    // words (ASCII-lowered XXH3-64 each): the kernel finding word bytes itself,
    // and from classify's bitmaps (computed once, outside the timing)
    auto words = std::make_shared<std::vector<miair_word_hash>>(MIAIR_WORDS_MAX(n) + 1);
    add("word_hashes/" + isa, in, [k, words](const uint8_t *p, size_t len) {
        benchmark::DoNotOptimize(k->word_hashes(p, len, nullptr, 0, MIAIR_WORDS_LOWER, 0, words->data()));
    });
    k->classify(in->bytes.data(), n, aos->data(), 1, 16);
    add("word_hashes_bits/" + isa, in, [k, words, aos](const uint8_t *p, size_t len) {
        benchmark::DoNotOptimize(
            k->word_hashes(p, len, aos->data() + MIAIR_CLS_WORD, 16, MIAIR_WORDS_LOWER, 0, words->data()));
    });
    // byte sets, array of structs (stride 16) as the engine calls it: 1, 4, 7
    // ASCII-only sets (the one-lookup-per-set path), and 7 with one set that
    // has members >= 0x80 (two lookups per set in blocks with such bytes)
    auto rec = std::make_shared<std::vector<uint64_t>>(MIAIR_BLOCKS(n) * 16 + 1);
    for (const auto &bs : bytesets())
        add("byteset_bits" + bs.first + "/" + isa, in, [k, rec, bs](const uint8_t *p, size_t len) {
            k->byteset_bits(p, len, bs.second.get(), rec->data(), 16);
            benchmark::DoNotOptimize(rec->data());
        });
    // UTF-8 validation (inputs are valid: the whole buffer is scanned), and
    // the old per-sequence loop with this table's ascii_prefix_len
    if (miair_kernels_scalar.utf8_valid(in->bytes.data(), n)) {
        add("utf8_valid/" + isa, in, [k](const uint8_t *p, size_t len) {
            if (!k->utf8_valid(p, len))
                std::abort();
        });
        add("utf8_valid_loop/" + isa, in, [k](const uint8_t *p, size_t len) {
            if (!utf8_valid_loop(k, p, len))
                std::abort();
        });
    }
    // scans everything only on pure ASCII input
    if (miair_kernels_scalar.ascii_prefix_len(in->bytes.data(), n) == n)
        add("ascii_prefix_len/" + isa, in, [k](const uint8_t *p, size_t len) {
            benchmark::DoNotOptimize(k->ascii_prefix_len(p, len));
        });
}

void register_limits(const Input *in)
{
    struct {
        const char *isa;
        uint64_t (*memread)(const uint8_t *, size_t);
        uint64_t (*xxh3)(const uint8_t *, size_t);
    } tabs[] = {{"sse2", miair_perf_memread_sse2, miair_perf_xxh3_sse2},
                {"avx2", miair_perf_memread_avx2, miair_perf_xxh3_avx2},
                {"avx512", miair_perf_memread_avx512, miair_perf_xxh3_avx512}};
    for (const auto &t : tabs) {
        if (std::strcmp(t.isa, "sse2") != 0 && !miair_kernels_for(t.isa))
            continue;
        auto mr = t.memread;
        auto xx = t.xxh3;
        add(std::string("limit:memread/") + t.isa, in,
            [mr](const uint8_t *p, size_t len) { benchmark::DoNotOptimize(mr(p, len)); });
        add(std::string("limit:xxh3/") + t.isa, in,
            [xx](const uint8_t *p, size_t len) { benchmark::DoNotOptimize(xx(p, len)); });
    }
    // The floor of any kernel writing one word per 64-byte block into an
    // array-of-structs record of 16 words (byteset_bits, classify_aos): read
    // the input (SSE2) and store one word per record. Past L2 the
    // write-allocate of the record lines, not the input, bounds them.
    auto rec = std::make_shared<std::vector<uint64_t>>(MIAIR_BLOCKS(in->bytes.size()) * 16 + 1);
    add("limit:aos16store/sse2", in, [rec](const uint8_t *p, size_t len) {
        uint64_t *o = rec->data();
        size_t b = 0;
        for (; len - b * 64 >= 64; b++) {
            const __m128i *q = (const __m128i *)(p + b * 64);
            __m128i s = _mm_add_epi64(_mm_add_epi64(_mm_loadu_si128(q), _mm_loadu_si128(q + 1)),
                                      _mm_add_epi64(_mm_loadu_si128(q + 2), _mm_loadu_si128(q + 3)));
            o[b * 16] = (uint64_t)_mm_cvtsi128_si64(s);
        }
        benchmark::DoNotOptimize(o);
    });
    add("limit:hist4/scalar", in, [](const uint8_t *p, size_t len) {
        uint64_t h[256] = {0};
        miair_perf_hist4_sse2(p, len, h);
        benchmark::DoNotOptimize(h);
    });
    // Histogram variants measured for the kernels' choice (generic/histogram.h).
    add("hist_variant:1table/scalar", in, [](const uint8_t *p, size_t len) {
        uint64_t h[256] = {0};
        miair_byte_histogram_1(p, len, h);
        benchmark::DoNotOptimize(h);
    });
    add("hist_variant:4tables/scalar", in, [](const uint8_t *p, size_t len) {
        uint64_t h[256] = {0};
        miair_byte_histogram_4(p, len, h);
        benchmark::DoNotOptimize(h);
    });
    add("hist_variant:4tables64/scalar", in, [](const uint8_t *p, size_t len) {
        uint64_t h[256] = {0};
        miair_byte_histogram_4w(p, len, h);
        benchmark::DoNotOptimize(h);
    });
    add("hist_variant:8tables/scalar", in, [](const uint8_t *p, size_t len) {
        uint64_t h[256] = {0};
        miair_byte_histogram_8(p, len, h);
        benchmark::DoNotOptimize(h);
    });
}

// ---- the ratio table ------------------------------------------------------

// Collects bytes/s per benchmark (the median aggregate when repeated).
class Collect : public benchmark::ConsoleReporter {
  public:
    std::map<std::string, double> rate; // "kernel/isa/input/size" -> bytes/s
    void ReportRuns(const std::vector<Run> &runs) override
    {
        benchmark::ConsoleReporter::ReportRuns(runs);
        for (const auto &r : runs) {
            if (r.error_occurred)
                continue;
            bool use = (r.run_type == Run::RT_Aggregate && r.aggregate_name == "median") ||
                       (r.run_type == Run::RT_Iteration && r.repetitions <= 1);
            auto it = r.counters.find("bytes_per_second");
            if (use && it != r.counters.end())
                rate[r.run_name.str()] = it->second.value;
        }
    }
};

void print_ratios(const Collect &c)
{
    // split "name/isa/input/size" into (name/isa, input/size)
    auto split = [](const std::string &s, std::string &head, std::string &tail) {
        size_t a = s.find('/');
        size_t b = a == std::string::npos ? a : s.find('/', a + 1);
        if (b == std::string::npos)
            return false;
        head = s.substr(0, b);
        tail = s.substr(b + 1);
        return true;
    };
    std::map<std::string, double> best_limit; // "limit:kind|input" -> best bytes/s
    for (const auto &kv : c.rate) {
        std::string head, tail;
        if (kv.first.rfind("limit:", 0) != 0 || !split(kv.first, head, tail))
            continue;
        std::string kind = head.substr(0, head.find('/'));
        double &b = best_limit[kind + "|" + tail];
        b = std::max(b, kv.second);
    }
    auto limit_of = [](const std::string &kernel) -> std::string {
        if (kernel.find("histogram") != std::string::npos || kernel.rfind("hist_variant", 0) == 0)
            return "limit:hist4";
        return "limit:memread";
    };
    std::printf("\n%-30s %-22s %10s %-8s %10s %7s\n", "kernel/isa", "input", "MB/s", "limit",
                "limit MB/s", "ratio");
    for (const auto &kv : c.rate) {
        std::string head, tail;
        if (!split(kv.first, head, tail))
            continue;
        std::string kernel = head.substr(0, head.find('/'));
        std::string lim = kernel.rfind("limit:", 0) == 0 ? "limit:memread" : limit_of(kernel);
        auto it = best_limit.find(lim + "|" + tail);
        double l = it == best_limit.end() ? 0 : it->second;
        std::printf("%-30s %-22s %10.0f %-8s %10.0f %7.3f\n", head.c_str(), tail.c_str(), kv.second / 1e6,
                    lim.c_str() + 6, l / 1e6, l > 0 ? kv.second / l : 0.0);
    }
}

} // namespace

int main(int argc, char **argv)
{
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    make_inputs();
    std::printf("cpu: %s\nkernels: best = %s\n", miair_cpu_features(), miair_kernels_best()->isa);
    for (const auto &in : inputs()) {
        register_limits(&in);
        for (const char *const *a = miair_kernels_available(); *a; a++)
            register_kernels(miair_kernels_for(*a), &in);
    }
    Collect rep;
    benchmark::RunSpecifiedBenchmarks(&rep);
    print_ratios(rep);
    benchmark::Shutdown();
    return 0;
}
