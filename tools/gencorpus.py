#!/usr/bin/env python3
"""Seeded generator of test documents for miair.

Usage:
    python3 tools/gencorpus.py --seed S --count N --out DIR

Writes N files DIR/0000.md, DIR/0001.rst, ... (extension varied among .md,
.rst, .txt) as raw BYTES, so invalid UTF-8 and NUL bytes survive. The same
seed always gives the same bytes (only random.Random(seed) is used).

The mix:
  * SPEC.md §6 benchmark documents (seed_document), every complexity, sizes
    small/medium/large and, rarely, xlarge;
  * the same with adversarial fragments spliced in;
  * adversarial Markdown/Unicode/invalid-UTF-8 fragment mixtures, optionally
    with CRLF line endings, a BOM, NUL and invalid bytes;
  * special shapes: empty, whitespace-only, single character, very long line,
    very long sentence, larger documents (for chunked streaming).

Importable: seed_document(rng, size, complexity) -> str,
            adversarial_document(rng) -> bytes, generate(seed, count) -> list.
"""

import argparse
import os
import random

# ---------------------------------------------------------------------------
# SPEC.md §6 seed benchmark documents

SEED_HEADER = (
    "# Document Title\n\n## Introduction\n\nThis document provides comprehensive "
    "information about the system architecture and implementation. It covers "
    "various aspects, features, and best practices for optimal usage. "
    "\n\n## Main Content\n\n"
)
SEED_CODE = (
    "\n\n## Code Example\n\n```python\ndef example_function(param1, param2):\n"
    "    '''Example function implementation.'''\n    result = param1 + param2\n"
    "    return result\n```\n\n"
)
SEED_END = "\n\n## Conclusion\n\nThis concludes the comprehensive documentation."

VOCAB_SIMPLE = ["system", "process", "data", "user", "interface"]
VOCAB_NORMAL = VOCAB_SIMPLE + ["module", "function", "parameter", "configuration",
                               "implementation"]
VOCAB_COMPLEX = VOCAB_NORMAL + ["architecture", "optimization", "performance",
                                "scalability", "reliability", "security",
                                "authentication", "authorization"]
VOCABS = {"simple": VOCAB_SIMPLE, "normal": VOCAB_NORMAL, "complex": VOCAB_COMPLEX}
SIZES = {"small": 100, "medium": 500, "large": 2000, "xlarge": 10000}


def seed_document(rng, size, complexity):
    """A benchmark document of SPEC.md §6: size in small/medium/large/xlarge,
    complexity in simple/normal/complex."""
    word_count = SIZES[size]
    vocab = VOCABS[complexity]
    parts = [SEED_HEADER]
    for _ in range(word_count // 50):
        sents = []
        for _ in range(5):
            sents.append(" ".join(rng.choice(vocab) for _ in range(10)) + ". ")
        parts.append(" ".join(sents) + "\n\n")
    if complexity in ("normal", "complex"):
        parts.append(SEED_CODE)
    parts.append(SEED_END)
    return "".join(parts)


def _seed_shape(rng):
    r = rng.random()
    if r < 0.01:
        size = "xlarge"
    elif r < 0.20:
        size = "large"
    elif r < 0.55:
        size = "medium"
    else:
        size = "small"
    return size, rng.choice(["simple", "normal", "complex"])


# ---------------------------------------------------------------------------
# adversarial fragments

WORDS = [
    "the", "a", "system", "data", "user", "module", "value", "config", "server",
    "client", "request", "file", "document", "section", "example", "usage",
    "introduction", "reference", "overview", "about", "summary", "conclusion",
    "recap", "final", "thoughts", "getting", "started", "function", "method",
    "class", "code", "implementation", "api", "run", "build", "test", "install",
    "café", "naïve", "straße", "Ölçü", "日本語", "данные", "ΟΔΟΣ", "λόγος",
    "İstanbul", "ısı", "ſtar", "\u212aelvin", "e\u0301t\u00e9", "x_y", "_",
    "snake_case", "CamelCase", "MiXeD", "x2", "42", "٣٤", "１２", "²", "Ⅻ", "ǅemal",
    "a\u0308", "n\u0303o", "\u05e9\u05dc\u05d5\u05dd", "\u0645\u0631\u062d\u0628\u0627",
]

UNICODE_SPACES = (["\u00a0", "\u3000", "\u0085", "\u2028", "\u2029", "\u1680",
                   "\u202f", "\u205f", "\u001c", "\u001d", "\u001e", "\u001f",
                   "\u000b", "\u000c", "\t", "\r"]
                  + [chr(c) for c in range(0x2000, 0x200B)])
# not whitespace in Python, but easily mistaken for it
NOT_SPACES = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\u180e", "\u2060"]

INVALID_UTF8 = [
    b"\x80", b"\xbf", b"\x80\x80", b"\xc3", b"\xc3 ", b"\xe2\x82", b"\xe2\x82x",
    b"\xf0\x9f\x98", b"\xf0\x9f", b"\xf0", b"\xc0\xaf", b"\xc1\xbf", b"\xe0\x80\xaf",
    b"\xe0\x9f\xbf", b"\xf0\x80\x80\xaf", b"\xf0\x8f\xbf\xbf", b"\xed\xa0\x80",
    b"\xed\xbf\xbf", b"\xed\xa0\x80\xed\xb0\x80", b"\xf4\x90\x80\x80", b"\xf5",
    b"\xf5\x80\x80\x80", b"\xf8\x88\x80\x80\x80", b"\xfc\x84\x80\x80\x80\x80",
    b"\xfe", b"\xff", b"\xff\xfe", b"\xc2\xc2\xa0", b"\xe2\x80\xe2\x80\xa8",
    b"\xe0\xa0", b"\xef\xbf", b"\xf4\x8f\xbf",
]

HEADER_SEPS = [" ", "  ", "\t", " \t ", " \n", "   \n", "\n\n", "\n \n", "\u00a0",
               "\u3000", "\u2003", "\u0085", "\u2028", "\r\n", ""]
HEADER_TITLES = [
    "Introduction", "Getting Started", "getting started", "API Reference",
    "Usage example", "Overview Of The System", "overview of the system",
    "Installation", "install", "Conclusion", "Summary", "FAQ", "ΟΔΟΣ Σ",
    "İstanbul notes", "Éte Été", "  Spaced   Title  ", "Title #", "## not a title",
    "x", "1. Numbered", "Final Thoughts", "Recap", "#", "Über alles", "ñ Lower",
    "ǅemal Titlecase", "\u212a Kelvin", "Some various things",
]


def _w(rng, n=None):
    if n is None:
        n = rng.randint(1, 12)
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _sentence(rng):
    s = _w(rng, rng.randint(1, 25))
    if rng.random() < 0.5:
        s = s[:1].upper() + s[1:]
    return s + rng.choice([".", ".", ".", "!", "?", "...", "?!", "", ". ", ";"])


def f_header(rng):
    level = rng.choice([1, 1, 2, 2, 3, 3, 4, 5, 6, 7, 8])
    return "#" * level + rng.choice(HEADER_SEPS) + rng.choice(HEADER_TITLES)


def f_header_tricky(rng):
    return rng.choice([
        "#   \n## x", "#\n# x", "# \n\n## Title", "#\t\n\t## Sub Title", "  # indented",
        "#######x", "####### seven", "#x no space", "# ", "#", "##\n", "# #", "# # #",
        "### \u00a0", "# Title\n### Jump\n# Back\n#### Deep Jump",
        "# \n#\n# \n", "#\u2028title", "#\u0085title", "# Title ###", "\n# A\n## B\n### C\n",
        "# first\n\n\n# Second Title Here\n\n# third one lower",
        "####### Seven hashes\n###### Six", "#\r\n## CR title",
    ])


def f_setext(rng):
    return rng.choice(["Title\n=====", "Sub Title\n-----", "Title\n===\n\nText\n---",
                       "Heading\n=\n", "- - -\n***\n___"])


def f_fence(rng):
    return rng.choice([
        "```\ncode()\n```", "```python\nx = [1, 2\nprint(x)\n```", "``` js\nvar a = {};\n```",
        "```\n```", "````\nx\n````", "```", "```\nunclosed {( [\n", "``````",
        "```\n```inner\n```\n```", "~~~\nx\n~~~", "```\n`x`\n```", "```\n\n```",
        "```bash\n$ make && make install\n```", "```c\nint main(void) { return (0); }\n```",
        "```rust\nfn main() { let v = vec![1, 2]; }\n```", "```\n```\n```\n",
        "```python3\n```", "```\u00e9t\u00e9\nx\n```", "```_\n```", "```1\n```",
        "``` \n code\n```", "\n```\n{{{}}}((]]\n```\n", "```\r\ncrlf\r\n```",
        "inline `code` and ``double `tick``", "```\n# not a header? yes it is\n```",
        "```yaml\nkey: [a, b]\n```\n```json\n{\"a\": [1]}\n```",
        "```\n\u00e9l\u00e8ve\n```", "```\u0661\u0662\n```", "```\n\U0001F600\n```", "```\n",
    ])


def f_link(rng):
    return rng.choice([
        "[x](http://example.com)", "[x]()", "[x]( )", "[x](\t)", "[x](\n)", "[](x)",
        "[a](b.md)", "[a](./c)", "[a](#anchor)", "[a](ftp://host/x)", "[a](/abs/path)",
        "[doc](file.pdf)", "[p](page.html)", "[x](y", "[[x]](y)", "[x] (y)", "[x]\n(y)",
        "[link text](https://example.com/a_(b))", "[a](b)[c](d)", "[ ](  )",
        "[Ünïcödé](./ü.md)", "[x](\u00a0)", "[x](\u3000)", "[x](mailto:a@b.c)",
        "![img](pic.png)", "[TBD](x)", "[a\nb](c)", "[x](HTTP://EXAMPLE.COM)",
    ])


def f_list(rng):
    return rng.choice([
        "- item one\n- item two", "* star item\n* another", "+ plus item", "  - nested\n    - deeper",
        "-item no space", "-\titem tab", "1) first\n2) second\n3) third", "1. one\n2. two",
        "First, do this. Second, do that. Third, done.", "Firstly we go.", "Secondly",
        "ThirdParty", "first second third", "- a\n* b\n+ c\n- d", "\n\n-  \n", "*\n",
        "- [ ] todo box\n- [x] done", "\u00a0- nbsp bullet", "\u3000* ideographic bullet",
        "a) b) 1)2)3)", "(1) (2) (3)",
    ])


def f_unicode(rng):
    return rng.choice([
        "ΟΔΟΣ", "Σ", "ΑΣ.", "ΟΔΟΣ ΟΔΟΣ.", "ΣΑΣ", "Σ.Σ", "ΑΣ\u0301Β", "ΑΣ\u0301", "Α\u00adΣ",
        "ΑΣ'", "ΑΣ\u0345", "ΌΣΟΣ λΟΓΟΣ", "AΣ", "1Σ", "ΑΣ1", "ΑΣ_", "ΑΣ\u200d", "\u0391\u03a3\u0301 x",
        "İ", "İSTANBUL", "istanbul İstanbul", "iİi", "ı", "Iıİi", "\u212a", "\u212aelvin",
        "\u017f", "\u017ftrange", "ß", "ẞ", "ﬁle", "ﬃ", "ŉ", "ǰ", "ΐ", "\u1e9e",
        "😀", "👍🏽", "\U0001F468\u200d\U0001F469\u200d\U0001F467", "🇫🇷", "\U0010FFFF",
        "e\u0301", "a\u0300\u0327", "\u0301leading combining", "Å Å", "ﾃｽﾄ", "한국어",
        "\u0130\u0307", "ΣΣΣ", "σς", "Ⅷ ⅷ", "\u1f88", "\u00b5", "\u0345", "Ǆǅǆ",
        "\u0394\u03a3 \u03a3\u0394", "\U0001d400\U0001d41a", "\U0001D7CE\U0001D7CF",
        "٣.٤", "١.٢.٣", "１.２", "²·³", "v١.٢",
    ])


def f_spaces(rng):
    k = rng.randint(1, 6)
    return "".join(rng.choice(UNICODE_SPACES + [" ", "  ", "   ", "\n", "\t\t"] + NOT_SPACES)
                   for _ in range(k))


def f_acronym(rng):
    return rng.choice([
        "API", "HTTP2", "ÉTÉ", "ABCdef", "HTTPs", "A", "AB", "XMLHttpRequest", "NASA.",
        "U.S.A.", "JSON-RPC", "TCP/IP", "I/O", "OK", "IDs", "CPUs", "AB_CD", "AB2CD",
        "ABΣ", "ÀB", "ABé", "AB\u0301", "\u212a\u212a", "ＡＢＣ", "HTTP_", "SQL;", "GPU\u00a0",
    ])


def f_version(rng):
    return rng.choice([
        "v1.2", "1.2.3", "V2.0", "v1.2.3.4", "2019", "2023", "2024", "2015", "2014",
        "2020", "2029", "20245", "1.2.", ".5", "3.14159", "version 10.0.1", "v.1", "1..2",
        "12.x", "x1.2", "2023-01-01", "in 2024.", "1.2.3-beta", "v01.02", "१.२",
    ])


def f_passive(rng):
    return rng.choice([
        "was created", "IS USED", "were\nnamed", "been  tested", "is red", "are\u00a0based",
        "am bored", "was\tshed", "Was İnitialized", "is \u212aeyed", "was createdd",
        "is used_ed", "were ed", "is_created", "being updated", "Is Embedded", "ARE NEEDED",
        "is\u3000fixed", "was \u00e9ed", "is ΣED", "wasn't created", "was  created again",
        "wAS created", "iS USED", "bEEN tested",
    ])


def f_redundant(rng):
    return rng.choice([
        "in order to", "IN ORDER TO", "at this point in time", "due to the fact that",
        "in the event that", "In Order To", "in  order to", "in order\nto",
        "in order tomorrow", "Due To The Fact That", "in\u00a0order to", "iN order to",
        "dUE to the fact that", "aT this point in time", "interface in order",
    ])


def f_vague(rng):
    return rng.choice([
        "some", "SOME", "Some", "many", "MANY", "various", "Various", "certain",
        "several", "SEVERAL", "obviously", "Obviously", "clearly", "CLEARLY", "simply",
        "just", "JUST", "Just", "everyone knows", "Everyone Knows", "everyone  knows",
        "everyone\nknows", "somewhat", "manyfold", "justice", "ſome", "ſimply",
        "sOME", "vARIOUS", "eVERYONE knows", "everyonE Knows",
    ])


def f_context(rng):
    return rng.choice([
        "this", "this.", "that\n", "these,", "those", "This", "this  \n", "this is",
        "that's", "this\u00a0word", "use this", "see that!", "these?", "those\n\nnext",
        "THIS", "that_", "this\u3000", "thiss", "this-that", "(this)", "this", "that\t\n",
        "tHIS", "tHat one", "thOSE",
    ])


def f_marker(rng):
    return rng.choice([
        "TODO", "todo:", "FIXME", "XXX", "HACK", "hack", "TODOs", "[placeholder]", "[TBD]",
        "[to be determined]", "[Placeholder]", "[ tbd ]", "[tbd]", "TODO(bob): fix",
        "XXXL", "_TODO_", "FIXME!", "[TO BE DETERMINED]",
    ])


def f_terms(rng):
    return rng.choice([
        "setup", "set-up", "set up", "Setup", "SETUP", "email", "Email", "EMAIL", "e-mail",
        "E-mail", "db", "DB", "Db", "database", "Database", "api", "API", "Api", "apis",
        "the API and the api", "db_name", "email@example.com",
    ])


def f_notes(rng):
    return rng.choice([
        "deprecated", "Deprecated", "DEPRECATED", "warning", "Warning:", "WARNING", "note",
        "Note:", "NOTE", "notes", "important", "IMPORTANT", "obsolete", "outdated", "legacy",
        "Legacy", "LEGACY", ".. note::", ".. warning::", ".. deprecated:: 3.4",
    ])


def f_structure_words(rng):
    return rng.choice([
        "Introduction", "introduction", "Overview", "Getting Started", "about", "ABOUT",
        "conclusion", "Summary", "recap", "final thoughts", "Final  thoughts", "usage",
        "Example", "reference", "function", "method", "Class", "code", "implementation",
        "\u0130ntroduction", "summary\u0307",
    ])


def f_punct(rng):
    return rng.choice([
        "...", "?!", "!!!", ".", "e.g.", "i.e.", "etc.", "!", "?", "。", "？", "‽", "…",
        "(", ")", "[", "]", "{", "}", "()", "[]", "{}", "((", "]]", "}{", "`", "``",
        "#", "##", "*", "_", "~", "|", "\\", "\"", "'", ";", ":", "-", "—", "–",
    ])


def f_prose(rng):
    return " ".join(_sentence(rng) for _ in range(rng.randint(1, 6)))


def f_paragraphs(rng):
    return "\n\n".join(f_prose(rng) for _ in range(rng.randint(1, 5)))


def f_long_sentence(rng):
    # > 150 characters without . ! ?
    n = rng.randint(150, 600)
    out = []
    size = 0
    while size < n:
        w = rng.choice(WORDS + [",", ";", "and", "or", "\n"])
        out.append(w)
        size += len(w) + 1
    return " ".join(out) + rng.choice([".", "!", "?", "", "\n"])


def f_long_line(rng):
    # > 10 kB without a newline; sometimes with sentence terminators, sometimes
    # without (kept near 10-11 kB: the reference regex is quadratic there).
    target = rng.randint(10_100, 11_000)
    with_terms = rng.random() < 0.6
    out = []
    size = 0
    while size < target:
        w = rng.choice(WORDS)
        if with_terms and rng.random() < 0.05:
            w += rng.choice([".", "!", "?"])
        out.append(w)
        size += len(w) + 1
    return rng.choice([" ", "\t", "  "]).join(out) if rng.random() < 0.2 else " ".join(out)


def f_tabs(rng):
    return rng.choice(["\t", "\tindented\tline", "a\t\tb", "    four spaces", "x  y   z",
                       "trailing   ", "   leading", " \t \t "])


def f_rst(rng):
    return rng.choice([
        "Title\n=====\n\nSection\n-------\n", ".. code-block:: python\n\n   x = 1\n",
        ":ref:`label`", "``literal``", "`link <http://x.y>`_", ".. _label:\n",
        "::\n\n    block\n", "* bullet\n\n  continued\n", "#. auto\n#. enum",
    ])


TEXT_FRAGMENTS = [
    (f_header, 8), (f_header_tricky, 4), (f_setext, 1), (f_fence, 5), (f_link, 4),
    (f_list, 3), (f_unicode, 5), (f_spaces, 4), (f_acronym, 3), (f_version, 3),
    (f_passive, 3), (f_redundant, 2), (f_vague, 3), (f_context, 3), (f_marker, 2),
    (f_terms, 3), (f_notes, 2), (f_structure_words, 3), (f_punct, 4), (f_prose, 10),
    (f_paragraphs, 3), (f_long_sentence, 2), (f_tabs, 2), (f_rst, 1),
]
_FRAG_FUNCS = [f for f, _ in TEXT_FRAGMENTS]
_FRAG_WEIGHTS = [w for _, w in TEXT_FRAGMENTS]

SEPARATORS = ["", " ", " ", "\n", "\n", "\n\n", "\n\n", " \n", "\n\n\n", "\t", ". ",
              "\r\n", "\u00a0", "  "]


def _fragment_bytes(rng):
    r = rng.random()
    if r < 0.04:
        return rng.choice(INVALID_UTF8)
    if r < 0.05:
        return b"\x00" * rng.randint(1, 3)
    if r < 0.06:
        return b"\xef\xbb\xbf"  # a BOM in the middle
    f = rng.choices(_FRAG_FUNCS, weights=_FRAG_WEIGHTS)[0]
    return f(rng).encode("utf-8")


def _sep(rng):
    return rng.choice(SEPARATORS).encode("utf-8")


def _mixture(rng, n_frags):
    parts = []
    for _ in range(n_frags):
        parts.append(_fragment_bytes(rng))
        parts.append(_sep(rng))
    return b"".join(parts)


def _transform(rng, data):
    """Whole-document transformations: CRLF, BOM, NUL, invalid bytes."""
    if rng.random() < 0.15:
        data = data.replace(b"\n", b"\r\n")
    elif rng.random() < 0.05:
        data = data.replace(b"\n", b"\r")
    if rng.random() < 0.15 and data:
        # random single bytes (may cut a valid multi-byte sequence: intended)
        data = bytearray(data)
        for _ in range(rng.randint(1, 5)):
            pos = rng.randrange(len(data) + 1)
            data[pos:pos] = rng.choice(INVALID_UTF8 + [b"\x00"])
        data = bytes(data)
    if rng.random() < 0.05 and data:
        # truncate inside the last bytes: may leave a truncated sequence at EOF
        data = data[:len(data) - rng.randint(1, min(3, len(data)))]
    if rng.random() < 0.1:
        data = b"\xef\xbb\xbf" + data
    return data


def adversarial_document(rng):
    r = rng.random()
    if r < 0.80:
        n = rng.choice([1, 2, 3, 5, 8, 12, 20, 30, 50, 80, 120])
        data = _mixture(rng, n)
    elif r < 0.90:
        data = f_long_line(rng).encode("utf-8")
        if rng.random() < 0.5:
            data = _mixture(rng, rng.randint(1, 10)) + data + _mixture(rng, rng.randint(0, 10))
    else:
        # a larger document (streaming / chunk edges): many paragraphs with
        # fragments; sentence terminators keep the reference regex fast.
        parts = []
        target = rng.randint(40_000, 200_000)
        size = 0
        while size < target:
            if rng.random() < 0.7:
                chunk = (f_paragraphs(rng) + "\n\n").encode("utf-8")
            else:
                chunk = _mixture(rng, rng.randint(1, 6)) + b".\n"
            parts.append(chunk)
            size += len(chunk)
        data = b"".join(parts)
    return _transform(rng, data)


def special_document(rng):
    kind = rng.randrange(9)
    if kind == 0:
        return b""
    if kind == 1:
        return "".join(rng.choice(UNICODE_SPACES + [" ", "\n", "\r\n"])
                       for _ in range(rng.randint(1, 40))).encode("utf-8")
    if kind == 2:
        return rng.choice(["a", "A", ".", "#", "\n", " ", "Σ", "İ", "\u00a0", "😀", "_", "1",
                           "`", "\u0301", "\ufeff", "\x00", "x"]).encode("utf-8")
    if kind == 3:
        return rng.choice(INVALID_UTF8 + [b"\x00", b"\xef\xbb\xbf"])
    if kind == 4:
        return f_long_sentence(rng).encode("utf-8")
    if kind == 5:
        return (" ".join(rng.choice(["this", "that", "these", "those"]) for _ in
                         range(rng.randint(1, 30)))).encode("utf-8")
    if kind == 6:
        # only headers
        return "\n".join(f_header(rng) for _ in range(rng.randint(1, 15))).encode("utf-8")
    if kind == 7:
        # only fences
        return "\n".join(f_fence(rng) for _ in range(rng.randint(1, 10))).encode("utf-8")
    # Greek/Turkish case-mapping stress
    return " ".join(f_unicode(rng) for _ in range(rng.randint(1, 30))).encode("utf-8")


def seeded_with_noise(rng):
    size, cx = _seed_shape(rng)
    doc = seed_document(rng, size, cx).encode("utf-8")
    paras = doc.split(b"\n\n")
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(paras) + 1)
        paras.insert(i, _mixture(rng, rng.randint(1, 4)))
    return _transform(rng, b"\n\n".join(paras))


def generate_one(rng):
    r = rng.random()
    if r < 0.25:
        size, cx = _seed_shape(rng)
        return seed_document(rng, size, cx).encode("utf-8")
    if r < 0.40:
        return seeded_with_noise(rng)
    if r < 0.50:
        return special_document(rng)
    return adversarial_document(rng)


def generate(seed, count):
    """[(name, bytes)] for the given seed."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        ext = rng.choice([".md", ".md", ".rst", ".txt"])
        out.append((f"{i:04d}{ext}", generate_one(rng)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name, data in generate(args.seed, args.count):
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
