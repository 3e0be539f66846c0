// Whole-engine throughput per ISA, one thread: miair_analyze +
// miair_result_to_json over every document of a set held in memory, for
// each kernel table this machine runs (the dispatcher's list, NEON through
// SIMDe off aarch64). Reports bytes/s (MB/s), documents/s and, as counters,
// the bytes and documents of one pass.
//
// Sets:
//   pydocs       the Debian python docs sources
//                (/usr/share/doc/python3.11/html/_sources/**/*.txt; apt-get
//                install python3.11-doc; skipped with a message when absent;
//                MIAIR_BENCH_PYDOCS=DIR to use another directory)
//   seed-medium  1000 SPEC section 6 medium/normal documents, generated in
//                memory by frontends/cli/seeddoc.c (seed 42)
//
// One process, every ISA: the dispatcher decides MIAIR_ISA once per process
// (the first miair_kernels_get(), made by miair_engine_create()), so setenv
// between engines would not switch it. Instead each benchmark creates its
// engine normally and points it at miair_kernels_for(isa) through
// miair_bench_engine_set_kernels() (perf/bench_engine_isa.c, the one
// internal hook: every analysis copies the engine's table into its
// scratch). Before timing, every ISA's JSON records of the first documents
// are checked byte for byte against scalar's.
//
//   bench_engine --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <vector>

extern "C" {
#include "dispatch.h"
#include "kernels.h"
#include "miair.h"
#include "seeddoc.h"

void miair_bench_engine_set_kernels(miair_engine *e, const struct miair_kernels *k);
}

namespace {

struct Doc {
    std::string id;
    std::string bytes;
};

struct DocSet {
    std::string name;
    std::vector<Doc> docs;
    size_t bytes = 0;
};

std::vector<DocSet> &sets()
{
    static std::vector<DocSet> s;
    return s;
}

bool ends_with(const std::string &s, const char *suffix)
{
    size_t n = std::strlen(suffix);
    return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

// Every *.txt under dir, recursively, in a sorted (deterministic) order.
void walk_txt(const std::string &dir, std::vector<std::string> &out)
{
    DIR *d = opendir(dir.c_str());
    if (!d)
        return;
    std::vector<std::string> names;
    while (struct dirent *e = readdir(d)) {
        if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
            names.push_back(e->d_name);
    }
    closedir(d);
    std::sort(names.begin(), names.end());
    for (const auto &n : names) {
        std::string p = dir + "/" + n;
        struct stat st;
        if (stat(p.c_str(), &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            walk_txt(p, out);
        else if (S_ISREG(st.st_mode) && ends_with(n, ".txt"))
            out.push_back(p);
    }
}

void load_pydocs()
{
    const char *env = std::getenv("MIAIR_BENCH_PYDOCS");
    std::string root = env && *env ? env : "/usr/share/doc/python3.11/html/_sources";
    std::vector<std::string> files;
    walk_txt(root, files);
    if (files.empty()) {
        std::fprintf(stderr,
                     "bench_engine: no *.txt under %s: the pydocs set is skipped "
                     "(apt-get install python3.11-doc, or MIAIR_BENCH_PYDOCS=DIR)\n",
                     root.c_str());
        return;
    }
    DocSet s;
    s.name = "pydocs";
    for (const auto &f : files) {
        std::ifstream in(f, std::ios::binary);
        if (!in)
            continue;
        std::string b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        s.bytes += b.size();
        s.docs.push_back({f.substr(root.size() + 1), std::move(b)});
    }
    sets().push_back(std::move(s));
}

void make_seed_medium()
{
    DocSet s;
    s.name = "seed-medium";
    std::vector<char> buf(seeddoc_max_bytes(SEED_MEDIUM));
    for (uint64_t i = 0; i < 1000; i++) {
        seed_rng r;
        seed_rng_init(&r, 42, i);
        size_t n = seeddoc_write(buf.data(), SEED_MEDIUM, SEED_NORMAL, &r);
        s.bytes += n;
        s.docs.push_back({"seed-" + std::to_string(i), std::string(buf.data(), n)});
    }
    sets().push_back(std::move(s));
}

miair_engine *engine_for(const miair_kernels *k)
{
    miair_engine *e = nullptr;
    if (miair_engine_create(nullptr, &e) != MIAIR_OK) {
        std::fprintf(stderr, "bench_engine: cannot create the engine (MIAIR_ISA=%s?): %s\n",
                     std::getenv("MIAIR_ISA") ? std::getenv("MIAIR_ISA") : "", miair_kernels_error());
        std::exit(1);
    }
    miair_bench_engine_set_kernels(e, k);
    return e;
}

// The record of one document (what `miair analyze` writes, minus the newline).
bool record(const miair_engine *e, const Doc &d, std::string *json)
{
    miair_result *r = nullptr;
    if (miair_analyze(e, d.bytes.data(), d.bytes.size(), &r) != MIAIR_OK)
        return false;
    char *out = nullptr;
    size_t len = 0;
    miair_status st = miair_result_to_json(r, d.id.data(), d.id.size(), &out, &len);
    miair_result_free(r);
    if (st != MIAIR_OK)
        return false;
    if (json)
        json->assign(out, len);
    benchmark::DoNotOptimize(out);
    miair_free(out);
    return true;
}

// Every ISA's records of the first documents of each set equal scalar's.
int check_identical()
{
    int bad = 0;
    miair_engine *ref = engine_for(&miair_kernels_scalar);
    for (const char *const *a = miair_kernels_available(); *a; a++) {
        miair_engine *e = engine_for(miair_kernels_for(*a));
        size_t checked = 0, differ = 0;
        for (const auto &s : sets())
            for (size_t i = 0; i < s.docs.size() && i < 60; i++) {
                std::string x, y;
                if (!record(ref, s.docs[i], &x) || !record(e, s.docs[i], &y) || x != y)
                    differ++;
                checked++;
            }
        std::printf("records %-7s = scalar: %zu of %zu documents\n", *a, checked - differ, checked);
        bad += differ != 0;
        miair_engine_free(e);
    }
    miair_engine_free(ref);
    return bad;
}

void bm_engine(benchmark::State &st, const miair_kernels *k, const DocSet *s)
{
    miair_engine *e = engine_for(k);
    for (auto _ : st) {
        for (const auto &d : s->docs)
            if (!record(e, d, nullptr)) {
                st.SkipWithError("analysis failed");
                break;
            }
    }
    st.SetBytesProcessed((int64_t)st.iterations() * (int64_t)s->bytes);
    st.SetItemsProcessed((int64_t)st.iterations() * (int64_t)s->docs.size());
    st.counters["docs"] = (double)s->docs.size();
    st.counters["bytes"] = (double)s->bytes;
    miair_engine_free(e);
}

// Medians (or single runs) of bytes/s and docs/s, for the closing table.
class Collect : public benchmark::ConsoleReporter {
  public:
    struct Rate {
        double bytes_s = 0, docs_s = 0;
    };
    std::map<std::string, Rate> rate;
    void ReportRuns(const std::vector<Run> &runs) override
    {
        benchmark::ConsoleReporter::ReportRuns(runs);
        for (const auto &r : runs) {
            if (r.error_occurred)
                continue;
            bool use = (r.run_type == Run::RT_Aggregate && r.aggregate_name == "median") ||
                       (r.run_type == Run::RT_Iteration && r.repetitions <= 1);
            if (!use)
                continue;
            auto b = r.counters.find("bytes_per_second"), d = r.counters.find("items_per_second");
            if (b != r.counters.end() && d != r.counters.end())
                rate[r.run_name.str()] = {b->second.value, d->second.value};
        }
    }
};

} // namespace

int main(int argc, char **argv)
{
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    load_pydocs();
    make_seed_medium();
    std::printf("cpu: %s\nkernels: best = %s; one thread\n", miair_cpu_features(), miair_kernels_best()->isa);
    for (const auto &s : sets())
        std::printf("set %-12s %zu documents, %zu bytes (%.2f MB)\n", s.name.c_str(), s.docs.size(), s.bytes,
                    s.bytes / 1e6);
    if (check_identical() != 0) {
        std::fprintf(stderr, "bench_engine: records differ between ISAs\n");
        return 1;
    }
    for (const auto &s : sets())
        for (const char *const *a = miair_kernels_available(); *a; a++) {
            const miair_kernels *k = miair_kernels_for(*a);
            std::string name = "engine/" + std::string(*a) + "/" + s.name;
            benchmark::RegisterBenchmark(name.c_str(), bm_engine, k, &s)->Unit(benchmark::kMillisecond);
        }
    Collect rep;
    benchmark::RunSpecifiedBenchmarks(&rep);
    std::printf("\n%-28s %10s %10s\n", "engine/isa/set", "MB/s", "docs/s");
    for (const auto &kv : rep.rate)
        std::printf("%-28s %10.1f %10.0f\n", kv.first.c_str(), kv.second.bytes_s / 1e6, kv.second.docs_s);
    benchmark::Shutdown();
    return 0;
}
