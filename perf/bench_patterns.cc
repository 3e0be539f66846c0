// The pattern stage beside its peer, Hyperscan, in the same run (issue 3,
// "Benchmarks"): the ten regex rules of SPEC §4 over the same documents,
// bytes/s for each engine, our pattern stage as a ratio to Hyperscan.
//
//   ours       miair_pattern_stage(): prefilter + PCRE2-JIT confirmation with
//              exact Python `re` semantics (re.finditer per rule: leftmost,
//              non-overlapping matches), matches counted. One run per ISA
//              this machine runs (the engine's classify kernel differs).
//   hyperscan  one block-mode hs_database_t holding the ten rules, scratch,
//              hs_scan per document, a callback counting every report.
//              HS_FLAG_MULTILINE everywhere, HS_FLAG_UTF8 everywhere (code
//              points, as Python's str), HS_FLAG_CASELESS where the rule is
//              caseless, HS_FLAG_UCP where \b \w \s or case folding must be
//              Unicode. Hyperscan rejects \b in UCP mode ("\b unsupported in
//              UCP mode") and lookaround everywhere, so those rules compile in
//              HS_FLAG_PREFILTER mode (a superset of the matches; in practice
//              its \b is then an ASCII word boundary); HS_FLAG_SOM_LEFTMOST on
//              the rules that accept it (never with PREFILTER; rule 5 is "too
//              large" with it).
//   hyperscan-ascii  the same without UCP: \b \w \s and case folding ASCII,
//              which Hyperscan compiles exactly (only the lookaround rules 7
//              and 14 in PREFILTER mode); SOM where accepted.
//   hs-ascii-nosom   hyperscan-ascii without SOM (end offsets only: the
//              fastest form of these rules for Hyperscan).
//
// Hyperscan reports every end offset at which a rule matches (once per end;
// with SOM, from the leftmost start), not Python's leftmost non-overlapping
// matches. For these ten rules that gives the same count wherever Hyperscan
// compiles the rule exactly (no rule can end twice per Python match, nor can
// two Python matches of one rule overlap); the differences come from prefilter
// mode (rule 14 counts every this/that/these/those; \b next to a non-ASCII
// letter) and from Unicode classes and case folding (ASCII-only in the ascii
// configurations; \x1c-\x1f, dotless and dotted i missing in all). The
// per-rule count table printed before the timings shows where the two differ
// on these inputs, and probe strings show each difference one by one.
//
// Inputs: the Debian python docs set (/usr/share/doc/python3.11/html/_sources
// /**/*.txt, or MIAIR_PYDOCS=dir; skipped with a message when absent), 2000
// seed medium documents (SPEC §6, normal vocabulary, seed 1), one 1 MB mixed
// UTF-8 text (the generator of bench_kernels.cc, 25% non-ASCII words).
//
// Before timing, for a sample of each set's documents, the pattern stage's
// count must equal the occurrences of the ten regex rules in miair_analyze()'s
// result (public API); the benchmark aborts otherwise.
//
// Defaults: --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true
// --benchmark_report_aggregates_only=true (later arguments override them); the
// final table uses the median of the repetitions.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

extern "C" {
#include "bench_text.h"
#include "dispatch.h"
#include "internal.h"
#include "miair.h"
#include "seeddoc.h"
}

#ifdef MIAIR_HAVE_HYPERSCAN
#include <hs.h>
#endif

namespace {

[[noreturn]] void die(const char *what)
{
    std::fprintf(stderr, "bench_patterns: %s\n", what);
    std::exit(1);
}

// ---- inputs -------------------------------------------------------------

struct DocSet {
    std::string name;
    std::vector<std::string> docs;
    size_t bytes = 0;
};

std::vector<DocSet> &sets()
{
    static std::vector<DocSet> s;
    return s;
}

void load_pydocs()
{
    const char *env = std::getenv("MIAIR_PYDOCS");
    std::filesystem::path dir = env && *env ? env : "/usr/share/doc/python3.11/html/_sources";
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        std::printf("input pydocs: %s absent (apt-get install python3.11-doc, or tools/install-deps --docs): "
                    "skipped\n",
                    dir.c_str());
        return;
    }
    std::vector<std::filesystem::path> paths;
    for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file() && it->path().extension() == ".txt")
            paths.push_back(it->path());
    std::sort(paths.begin(), paths.end());
    DocSet set{"pydocs", {}, 0};
    size_t invalid = 0;
    for (const auto &p : paths) {
        std::ifstream f(p, std::ios::binary);
        std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        // Hyperscan's UTF-8 mode needs valid UTF-8 (ours re-encodes invalid input first)
        if (!miair_utf8_valid(&miair_kernels_scalar, reinterpret_cast<const uint8_t *>(s.data()), s.size())) {
            invalid++;
            continue;
        }
        set.bytes += s.size();
        set.docs.push_back(std::move(s));
    }
    if (set.docs.empty()) {
        std::printf("input pydocs: no .txt documents under %s: skipped\n", dir.c_str());
        return;
    }
    std::printf("input pydocs: %zu documents, %zu bytes from %s", set.docs.size(), set.bytes, dir.c_str());
    if (invalid)
        std::printf(" (%zu invalid UTF-8 documents left out)", invalid);
    std::printf("\n");
    sets().push_back(std::move(set));
}

void make_seed_docs()
{
    DocSet set{"seed-medium", {}, 0};
    std::vector<char> buf(seeddoc_max_bytes(SEED_MEDIUM));
    for (uint64_t i = 0; i < 2000; i++) {
        seed_rng r;
        seed_rng_init(&r, 1, i);
        size_t n = seeddoc_write(buf.data(), SEED_MEDIUM, SEED_NORMAL, &r);
        set.docs.emplace_back(buf.data(), n);
        set.bytes += n;
    }
    std::printf("input seed-medium: %zu documents (SPEC §6 medium, normal), %zu bytes\n", set.docs.size(),
                set.bytes);
    sets().push_back(std::move(set));
}

using bench_text::make_text; // the text shape of bench_kernels.cc (its "utf8/1M" input)

void make_mixed()
{
    DocSet set{"mixed-utf8", {make_text(1 << 20, 25, 42 + 25)}, 0};
    set.bytes = set.docs[0].size();
    std::printf("input mixed-utf8: 1 document (25%% non-ASCII words), %zu bytes\n", set.bytes);
    sets().push_back(std::move(set));
}

// ---- ours ---------------------------------------------------------------

miair_engine *g_engine;

// The ten regex rules: indices into miair_rules (SPEC §4 rules 4,5,6,7,9,11,12,13,14,15).
std::vector<int> regex_rules()
{
    std::vector<int> v;
    for (int i = 0; i < MIAIR_RULES; i++)
        if (miair_rules[i].regex)
            v.push_back(i);
    return v;
}

int rule_by_name(const char *name)
{
    for (int i = 0; i < MIAIR_RULES; i++)
        if (std::strcmp(miair_rules[i].name, name) == 0)
            return i;
    return -1;
}

// Occurrences per rule in miair_analyze()'s result (public API).
std::vector<size_t> analyze_counts(const std::string &doc)
{
    std::vector<size_t> c(MIAIR_RULES, 0);
    miair_result *r = nullptr;
    if (miair_analyze(g_engine, doc.data(), doc.size(), &r) != MIAIR_OK)
        die("miair_analyze failed");
    double np = miair_result_number(r, MIAIR_PATTERN_COUNT);
    for (size_t i = 0; i < (size_t)np; i++) {
        miair_pattern p;
        if (miair_result_pattern(r, i, &p) != MIAIR_OK)
            die("miair_result_pattern failed");
        int k = rule_by_name(p.name);
        if (k < 0)
            die("unknown pattern name in a result");
        c[(size_t)k] += p.occurrence_count;
    }
    miair_result_free(r);
    return c;
}

struct Scratch {
    miair_scratch s;
    Scratch()
    {
        if (miair_scratch_init(&s))
            die("miair_scratch_init failed");
    }
    ~Scratch() { miair_scratch_release(&s); }
};

size_t stage_count(miair_scratch *s, const miair_engine *e, const std::string &doc)
{
    size_t m = 0;
    if (miair_pattern_stage(e, s, doc.data(), doc.size(), &m) != MIAIR_OK)
        die("miair_pattern_stage failed");
    return m;
}

// ---- hyperscan ------------------------------------------------------------

#ifdef MIAIR_HAVE_HYPERSCAN
struct HsRule {
    int rule;
    unsigned flags;
    bool prefilter, som;
    std::string why; // of PREFILTER, or of no SOM
};

struct Hs {
    std::string name;
    hs_database_t *db = nullptr;
    hs_scratch_t *scratch = nullptr;
    std::vector<HsRule> rules;
};

bool has_lookaround(const char *rx)
{
    return std::strstr(rx, "(?=") || std::strstr(rx, "(?!") || std::strstr(rx, "(?<=") || std::strstr(rx, "(?<!");
}

bool needs_ucp(const miair_rule &r)
{
    if (r.caseless)
        return true; // Unicode case folding
    for (const char *p = r.regex; *p; p++)
        if (*p == '\\' && p[1] && std::strchr("bBwWsSdD", p[1]))
            return true;
    return false;
}

bool hs_try(const char *rx, unsigned flags, std::string *err)
{
    hs_database_t *db = nullptr;
    hs_compile_error_t *ce = nullptr;
    if (hs_compile(rx, flags, HS_MODE_BLOCK, nullptr, &db, &ce) == HS_SUCCESS) {
        hs_free_database(db);
        return true;
    }
    if (err)
        *err = ce->message;
    hs_free_compile_error(ce);
    return false;
}

// ucp: Unicode \w \s and case folding (Python's str semantics); Hyperscan
// rejects \b in UCP mode, so those rules fall back to prefilter mode. Without
// ucp, \b \w \s are ASCII (exact on ASCII text). som: HS_FLAG_SOM_LEFTMOST
// where Hyperscan accepts it (never with PREFILTER).
Hs hs_build(const std::string &name, bool ucp, bool want_som)
{
    Hs h;
    h.name = name;
    std::vector<const char *> exprs;
    std::vector<unsigned> flags, ids;
    for (int k : regex_rules()) {
        const miair_rule &r = miair_rules[k];
        HsRule hr{k, HS_FLAG_MULTILINE | HS_FLAG_UTF8, false, false, ""};
        if (r.caseless)
            hr.flags |= HS_FLAG_CASELESS;
        if (ucp && needs_ucp(r))
            hr.flags |= HS_FLAG_UCP;
        std::string err;
        if (has_lookaround(r.regex) || !hs_try(r.regex, hr.flags, &err)) {
            hr.prefilter = true;
            hr.why = has_lookaround(r.regex) ? "lookaround" : err;
            hr.flags |= HS_FLAG_PREFILTER; // a superset of the matches; no SOM in this mode
        } else if (want_som && hs_try(r.regex, hr.flags | HS_FLAG_SOM_LEFTMOST, &err)) {
            hr.som = true;
            hr.flags |= HS_FLAG_SOM_LEFTMOST;
        } else if (want_som) {
            hr.why = "no SOM: " + err;
        }
        h.rules.push_back(hr);
        exprs.push_back(r.regex);
        flags.push_back(hr.flags);
        ids.push_back((unsigned)k);
    }
    hs_compile_error_t *ce = nullptr;
    if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), (unsigned)exprs.size(), HS_MODE_BLOCK, nullptr,
                         &h.db, &ce) != HS_SUCCESS) {
        std::fprintf(stderr, "bench_patterns: hs_compile_multi (%s): expression %d: %s\n", name.c_str(),
                     ce->expression, ce->message);
        std::exit(1);
    }
    if (hs_alloc_scratch(h.db, &h.scratch) != HS_SUCCESS)
        die("hs_alloc_scratch failed");
    return h;
}

int hs_count_cb(unsigned, unsigned long long, unsigned long long, unsigned, void *ctx)
{
    ++*static_cast<size_t *>(ctx);
    return 0;
}

int hs_rule_cb(unsigned id, unsigned long long, unsigned long long, unsigned, void *ctx)
{
    ++(*static_cast<std::vector<size_t> *>(ctx))[id];
    return 0;
}

size_t hs_count(const Hs &h, const std::string &doc)
{
    size_t n = 0;
    if (hs_scan(h.db, doc.data(), (unsigned)doc.size(), 0, h.scratch, hs_count_cb, &n) != HS_SUCCESS)
        die("hs_scan failed");
    return n;
}

std::vector<size_t> hs_rule_counts(const Hs &h, const std::string &doc)
{
    std::vector<size_t> c(MIAIR_RULES, 0);
    if (hs_scan(h.db, doc.data(), (unsigned)doc.size(), 0, h.scratch, hs_rule_cb, &c) != HS_SUCCESS)
        die("hs_scan failed");
    return c;
}

std::vector<Hs> &peers()
{
    static std::vector<Hs> p;
    return p;
}
#endif

// ---- checks -------------------------------------------------------------

// Exactness of ours in this setup: for a sample of each set's documents the
// pattern stage's count equals the ten rules' occurrences in miair_analyze().
// Also collects per-rule totals of ours and of each peer over the sample.
void check_and_compare()
{
    const std::vector<int> rx = regex_rules();
    Scratch sc;
    for (const auto &set : sets()) {
        const size_t stride = std::max<size_t>(1, set.docs.size() / 256);
        std::vector<size_t> ours(MIAIR_RULES, 0);
#ifdef MIAIR_HAVE_HYPERSCAN
        std::vector<std::vector<size_t>> hs(peers().size(), std::vector<size_t>(MIAIR_RULES, 0));
        std::vector<std::vector<size_t>> docs_diff(peers().size(), std::vector<size_t>(MIAIR_RULES, 0));
#endif
        size_t sample = 0, total = 0;
        for (size_t d = 0; d < set.docs.size(); d += stride, sample++) {
            const std::string &doc = set.docs[d];
            std::vector<size_t> c = analyze_counts(doc);
            size_t sum = 0;
            for (int k : rx) {
                sum += c[(size_t)k];
                ours[(size_t)k] += c[(size_t)k];
            }
            size_t got = stage_count(&sc.s, g_engine, doc);
            if (got != sum) {
                std::fprintf(stderr,
                             "bench_patterns: NOT EXACT: %s document %zu: miair_pattern_stage counts %zu matches, "
                             "miair_analyze has %zu occurrences of the ten regex rules\n",
                             set.name.c_str(), d, got, sum);
                std::exit(1);
            }
            total += sum;
#ifdef MIAIR_HAVE_HYPERSCAN
            for (size_t p = 0; p < peers().size(); p++) {
                std::vector<size_t> h = hs_rule_counts(peers()[p], doc);
                for (int k : rx) {
                    hs[p][(size_t)k] += h[(size_t)k];
                    docs_diff[p][(size_t)k] += h[(size_t)k] != c[(size_t)k];
                }
            }
#endif
        }
        std::printf("\nexact: %s: %zu sampled documents, pattern stage count == miair_analyze occurrences "
                    "(%zu matches)\n",
                    set.name.c_str(), sample, total);
        std::printf("  %-4s %-24s %10s", "rule", "name", "ours");
#ifdef MIAIR_HAVE_HYPERSCAN
        for (const auto &p : peers())
            std::printf(" %16s %9s", p.name.c_str(), "docs !=");
#endif
        std::printf("\n");
        for (int k : rx) {
            std::printf("  %-4d %-24s %10zu", k + 1, miair_rules[k].name, ours[(size_t)k]);
#ifdef MIAIR_HAVE_HYPERSCAN
            for (size_t p = 0; p < peers().size(); p++)
                std::printf(" %16zu %9zu", hs[p][(size_t)k], docs_diff[p][(size_t)k]);
#endif
            std::printf("\n");
        }
    }
}

// Strings where the semantics differ, one rule each; `python` is what
// re.finditer counts (checked with CPython 3.11), which ours must equal.
struct Probe {
    const char *text;
    int rule; // 1-based, SPEC §4
    size_t python;
    const char *what;
};

const Probe kProbes[] = {
    {"this is", 14, 0, "(?!\\s+\\w+): a word follows"},
    {"this.", 14, 1, "(?!\\s+\\w+): punctuation follows"},
    {"those  \n  words", 14, 0, "(?!\\s+\\w+): a word after a whitespace run"},
    {"ABCdef", 7, 0, "(?![a-z])\\b: lowercase follows"},
    {"NASA's", 7, 1, "(?![a-z])\\b"},
    {"ABC\xc3\xa9", 7, 0, "\\b: a non-ASCII letter follows"},
    {"was walked", 4, 1, "plain match"},
    {"WAS Walked", 4, 1, "caseless"},
    {"\xc4\xb1s walked", 4, 1, "caseless: dotless i (U+0131) matches i in Python"},
    {"\xc4\xb0s walked", 4, 1, "caseless: dotted I (U+0130) lowers to i in Python"},
    {"is\x1cwalked", 4, 1, "\\s: U+001C is whitespace in Python"},
    {"is\xc2\xa0walked", 4, 1, "\\s: no-break space"},
    {"was caf\xc3\xa9" "ed", 4, 1, "\\w: non-ASCII letters"},
    {"\xc5\xbfome", 13, 1, "caseless: long s (U+017F) matches s in Python"},
    {"everyone \xe2\x84\xaanows", 15, 1, "caseless: Kelvin sign (U+212A) matches k"},
    {"SOME, Several", 13, 2, "caseless"},
    {"\xc3\xa9some", 13, 0, "\\b: a non-ASCII letter before"},
    {"some\xc3\xa9", 13, 0, "\\b: a non-ASCII letter after"},
    {"Firstly 1) 2)", 11, 3, "no word boundary"},
    {"```\n\n", 12, 1, "[^`] matches a newline"},
};

void probes()
{
    Scratch sc;
    std::printf("\nprobes (matches of one rule; python = re.finditer in CPython 3.11):\n");
    std::printf("  %-4s %-28s %6s %6s", "rule", "text", "python", "ours");
#ifdef MIAIR_HAVE_HYPERSCAN
    for (const auto &p : peers())
        std::printf(" %16s", p.name.c_str());
#endif
    std::printf("  what\n");
    for (const auto &pr : kProbes) {
        std::string doc = pr.text;
        std::vector<size_t> c = analyze_counts(doc);
        size_t ours = c[(size_t)pr.rule - 1];
        std::string shown;
        for (unsigned char ch : doc) {
            char b[8];
            if (ch < 0x20) {
                std::snprintf(b, sizeof b, "\\x%02x", ch);
                shown += b;
            } else {
                shown += (char)ch;
            }
        }
        std::printf("  %-4d %-28s %6zu %6zu", pr.rule, shown.c_str(), pr.python, ours);
#ifdef MIAIR_HAVE_HYPERSCAN
        for (const auto &p : peers())
            std::printf(" %16zu", hs_rule_counts(p, doc)[(size_t)pr.rule - 1]);
#endif
        std::printf("  %s\n", pr.what);
        if (ours != pr.python) {
            std::fprintf(stderr, "bench_patterns: NOT EXACT: probe \"%s\" rule %d: ours %zu, Python %zu\n",
                         shown.c_str(), pr.rule, ours, pr.python);
            std::exit(1);
        }
    }
}

// ---- benchmarks ---------------------------------------------------------

std::vector<std::string> &engine_names()
{
    static std::vector<std::string> v;
    return v;
}

void register_all()
{
    static Scratch sc;
    // ours, once per ISA (the engine's kernel table; everything else is the same)
    static std::vector<std::pair<std::string, miair_engine *>> ours;
    ours.emplace_back(std::string("miair/") + g_engine->k->isa, g_engine);
    for (const char *const *a = miair_kernels_available(); *a; a++) {
        if (std::strcmp(*a, g_engine->k->isa) == 0)
            continue;
#if !defined(__aarch64__)
        if (std::strcmp(*a, "neon") == 0)
            continue; // NEON through SIMDe: a portability check, not a speed
#endif
        miair_engine *e = nullptr;
        if (miair_engine_create(nullptr, &e) != MIAIR_OK)
            die("miair_engine_create failed");
        e->k = miair_kernels_for(*a);
        ours.emplace_back(std::string("miair/") + *a, e);
    }
    for (const auto &o : ours)
        engine_names().push_back(o.first);
#ifdef MIAIR_HAVE_HYPERSCAN
    for (const auto &p : peers())
        engine_names().push_back(p.name);
#endif
    for (const auto &set : sets()) {
        const DocSet *ps = &set;
        for (const auto &o : ours) {
            miair_engine *e = o.second;
            benchmark::RegisterBenchmark(("patterns/" + o.first + "/" + set.name).c_str(),
                                         [ps, e](benchmark::State &st) {
                                             for (auto _ : st) {
                                                 size_t m = 0;
                                                 for (const auto &d : ps->docs)
                                                     m += stage_count(&sc.s, e, d);
                                                 benchmark::DoNotOptimize(m);
                                             }
                                             st.SetBytesProcessed((int64_t)st.iterations() * (int64_t)ps->bytes);
                                             st.SetItemsProcessed((int64_t)st.iterations() *
                                                                  (int64_t)ps->docs.size());
                                         });
        }
#ifdef MIAIR_HAVE_HYPERSCAN
        for (const auto &p : peers()) {
            const Hs *h = &p;
            benchmark::RegisterBenchmark(("patterns/" + p.name + "/" + set.name).c_str(),
                                         [ps, h](benchmark::State &st) {
                                             for (auto _ : st) {
                                                 size_t m = 0;
                                                 for (const auto &d : ps->docs)
                                                     m += hs_count(*h, d);
                                                 benchmark::DoNotOptimize(m);
                                             }
                                             st.SetBytesProcessed((int64_t)st.iterations() * (int64_t)ps->bytes);
                                             st.SetItemsProcessed((int64_t)st.iterations() *
                                                                  (int64_t)ps->docs.size());
                                         });
        }
#endif
    }
}

// ---- the ratio table ------------------------------------------------------

class Collect : public benchmark::ConsoleReporter {
  public:
    Collect() : benchmark::ConsoleReporter(isatty(1) ? OO_Defaults : OO_Tabular) {}
    std::map<std::string, double> rate, docs; // "patterns/engine/set" -> bytes/s, docs/s
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
            auto b = r.counters.find("bytes_per_second");
            auto i = r.counters.find("items_per_second");
            if (b != r.counters.end())
                rate[r.run_name.str()] = b->second.value;
            if (i != r.counters.end())
                docs[r.run_name.str()] = i->second.value;
        }
    }
};

void print_table(const Collect &c)
{
    const std::string ours = std::string("miair/") + g_engine->k->isa;
    std::printf("\nmedians; MB/s = 10^6 bytes per CPU second; ratio = %s bytes/s / the row's bytes/s\n", ours.c_str());
    std::printf("%-12s %-18s %10s %10s %8s\n", "input", "engine", "MB/s", "docs/s", "ratio");
    for (const auto &set : sets()) {
        auto get = [&](const std::map<std::string, double> &m, const std::string &eng) {
            auto it = m.find("patterns/" + eng + "/" + set.name);
            return it == m.end() ? 0.0 : it->second;
        };
        const double mine = get(c.rate, ours);
        // ours (the engine's ISA first, then the others), then the peers, in registration order
        const std::vector<std::string> &rows = engine_names();
        double best_peer = 0;
        std::string best_name;
        for (const auto &eng : rows) {
            double r = get(c.rate, eng);
            if (r == 0)
                continue;
            std::printf("%-12s %-18s %10.1f %10.0f %8.3f\n", set.name.c_str(), eng.c_str(), r / 1e6, get(c.docs, eng),
                        mine / r);
            if (eng.rfind("miair/", 0) != 0 && r > best_peer) {
                best_peer = r;
                best_name = eng;
            }
        }
        double hs = get(c.rate, "hyperscan");
        if (hs > 0 && mine > 0)
            std::printf("%-12s ours / hyperscan = %.2f; ours / the fastest Hyperscan configuration (%s) = %.2f\n",
                        set.name.c_str(), mine / hs, best_name.c_str(), mine / best_peer);
    }
#ifdef MIAIR_HAVE_HYPERSCAN
    std::printf("\ntarget of issue 3: ours >= 2x Hyperscan with exact semantics\n");
#else
    std::printf("\npeer missing: built without Hyperscan (apt-get install libhyperscan-dev, or tools/install-deps "
                "--bench, then reconfigure): no ratio\n");
#endif
}

} // namespace

int main(int argc, char **argv)
{
    // defaults first: arguments given on the command line come later and win
    std::vector<char *> args{argv[0]};
    static char d1[] = "--benchmark_repetitions=5", d2[] = "--benchmark_enable_random_interleaving=true",
                d3[] = "--benchmark_report_aggregates_only=true";
    args.push_back(d1);
    args.push_back(d2);
    args.push_back(d3);
    for (int i = 1; i < argc; i++)
        args.push_back(argv[i]);
    int n = (int)args.size();
    args.push_back(nullptr);
    benchmark::Initialize(&n, args.data());
    if (benchmark::ReportUnrecognizedArguments(n, args.data()))
        return 1;

    if (miair_engine_create(nullptr, &g_engine) != MIAIR_OK)
        die("miair_engine_create failed");
    std::printf("cpu: %s\nours: miair_pattern_stage, engine ISA %s\n", miair_cpu_features(), g_engine->k->isa);
    load_pydocs();
    make_seed_docs();
    make_mixed();

#ifdef MIAIR_HAVE_HYPERSCAN
    std::printf("peer: Hyperscan %s\n", hs_version());
    if (hs_valid_platform() != HS_SUCCESS)
        die("Hyperscan does not support this CPU (needs SSSE3)");
    peers().push_back(hs_build("hyperscan", true, true));
    peers().push_back(hs_build("hyperscan-ascii", false, true));
    peers().push_back(hs_build("hs-ascii-nosom", false, false));
    for (const auto &p : peers())
        for (const auto &hr : p.rules)
            std::printf("%-15s rule %-2d %-22s %s%s%s%s%s%s\n", p.name.c_str(), hr.rule + 1,
                        miair_rules[hr.rule].name, "MULTILINE|UTF8", (hr.flags & HS_FLAG_UCP) ? "|UCP" : "",
                        (hr.flags & HS_FLAG_CASELESS) ? "|CASELESS" : "", hr.prefilter ? "|PREFILTER" : "",
                        hr.som ? "|SOM_LEFTMOST" : "", hr.why.empty() ? "" : ("  (" + hr.why + ")").c_str());
#else
    std::printf("peer: Hyperscan missing (built without libhs: apt-get install libhyperscan-dev, or "
                "tools/install-deps --bench): only ours is measured\n");
#endif

    check_and_compare();
    probes();
    std::printf("\n");

    register_all();
    Collect rep;
    benchmark::RunSpecifiedBenchmarks(&rep);
    print_table(rep);
    benchmark::Shutdown();
    return 0;
}
