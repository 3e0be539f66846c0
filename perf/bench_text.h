// Synthetic documentation-like text for the benchmarks (bench_kernels.cc,
// bench_patterns.cc): sentences of 4-24 words from a fixed vocabulary, a
// share of non-ASCII words, headers, code fences and links now and then.
#ifndef MIAIR_PERF_BENCH_TEXT_H
#define MIAIR_PERF_BENCH_TEXT_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace bench_text {

struct Rng {
    uint64_t s;
    uint64_t next()
    {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        return s * 0x2545F4914F6CDD1Dull;
    }
    size_t below(size_t n) { return (size_t)(next() % n); }
};

const char *const kAsciiWords[] = {
    "the", "of", "and", "to", "a", "in", "is", "that", "for", "it", "as", "with", "be", "on", "not",
    "this", "are", "by", "from", "or", "an", "can", "function", "value", "returns", "module", "data",
    "file", "example", "use", "used", "object", "method", "class", "list", "string", "type", "argument",
    "default", "new", "if", "which", "when", "will", "all", "must", "should", "see", "also", "version",
    "changed", "added", "deprecated", "note", "warning", "parameter", "option", "configuration", "server",
    "client", "request", "response", "error", "exception", "raised", "called", "instance", "attribute",
    "documentation", "implementation", "interface", "behaviour", "performance", "memory", "thread",
    "process", "system", "library", "package", "install", "python", "API", "HTTP", "JSON", "URL", "TODO",
    "simply", "just", "some", "many", "various", "several", "obviously", "clearly", "order", "point",
    "time", "user", "users", "key", "keys", "index", "table", "entry", "path", "directory", "name", "names",
};
const char *const kUtf8Words[] = {
    "naïve", "café", "Größe", "façade", "résumé", "São", "Ångström", "μέγεθος", "λόγος", "данные",
    "функция", "数据", "文档", "テスト", "한국어", "😀", "→", "—", "“quoted”", "€5", "½", "ﬁle", "İstanbul",
    "ΣΟΦΙΑ", "naïveté", "Zürich", "coöperate", "αβγ", "שלום", "مرحبا",
};

// Sentences of 4-24 words, paragraphs of 2-6 sentences, a "## Header" now
// and then, a code fence and a link now and then. utf8_share in percent.
inline std::string make_text(size_t bytes, unsigned utf8_share, uint64_t seed)
{
    Rng r{seed};
    std::string s;
    s.reserve(bytes + 256);
    while (s.size() < bytes) {
        if (r.below(6) == 0) {
            s += "## ";
            s += kAsciiWords[r.below(sizeof kAsciiWords / sizeof *kAsciiWords)];
            s += " ";
            s += kAsciiWords[r.below(sizeof kAsciiWords / sizeof *kAsciiWords)];
            s += "\n\n";
        }
        if (r.below(10) == 0)
            s += "```python\nx = f(a[0], {\"k\": 1})\n```\n\n";
        size_t sentences = 2 + r.below(5);
        for (size_t i = 0; i < sentences; i++) {
            size_t words = 4 + r.below(21);
            for (size_t w = 0; w < words; w++) {
                std::string word = (r.below(100) < utf8_share)
                                       ? kUtf8Words[r.below(sizeof kUtf8Words / sizeof *kUtf8Words)]
                                       : kAsciiWords[r.below(sizeof kAsciiWords / sizeof *kAsciiWords)];
                if (w == 0 && word[0] >= 'a' && word[0] <= 'z')
                    word[0] = (char)(word[0] - 32);
                s += word;
                if (w + 1 < words)
                    s += r.below(12) == 0 ? ", " : " ";
            }
            if (r.below(15) == 0)
                s += " [see](https://example.org/doc.html)";
            s += ".!?."[r.below(4)];
            s += ' ';
        }
        s += "\n\n";
    }
    // cut at a code-point boundary
    size_t n = bytes;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    s.resize(n);
    return s;
}

} // namespace bench_text

#endif
